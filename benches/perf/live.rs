//! The live corpus (issue 12), measured: `cargo bench --bench perf -- --live`. In a child
//! process over the whole 新闻联播 corpus, live as `jianbao serve` runs it (segments merged,
//! the folder watched): a file dropped into the watched folder until a search finds it; a
//! feed item from poll start (the fetch included) until a search finds it; 1,000 new feed
//! items whose article pages are fetched from a local server and read with the HTML reader,
//! with search and ask timed meanwhile; the cost of publishing a batch. In one child per
//! size: a restart from a database of stored articles (ready to answer, peak RSS, the cost
//! of a batch at that size). And the `jianbao` binary started on the 20k database.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jianbao::answer::{Engine, LiveEngine};
use jianbao::config::Config;
use jianbao::corpus::{self, Article, LoadOptions, text_hash};
use jianbao::ingest::{self, FetchOptions, Ingest};
use jianbao::store::{FeedOrigin, NewFeed, Store, StoredArticle};
use jianbao::text::Segmenter;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::feed_server::{FeedServer, Route, news_page};
use crate::engine::FIRST_QUERY;
use crate::stats::{Contention, Latency, cpu_seconds, median, peak_rss_mb, rss_mb, secs};

/// Longest wait for one thing to become searchable before it counts as missed.
const GIVE_UP: Duration = Duration::from_secs(10);
/// Between file drops, so each is its own event burst for the debouncer.
const DROP_GAP: Duration = Duration::from_millis(300);
/// One query every this often while ingesting: a busy bot (200 requests a second), not a
/// loop that takes a whole core from the ingest.
const QUERY_PACE: Duration = Duration::from_millis(5);
/// How long each article page takes to arrive in the paced bulk ingest: with 8 pages
/// fetched at once, about 100 items a second at most.
const PAGE_DELAY: Duration = Duration::from_millis(80);
/// Queries timed on the quiet live engine, for comparison.
const QUIET_QUERIES: usize = 2000;

/// What the child over the whole corpus measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveResult {
    pub articles_at_start: usize,
    pub build_s: f64,
    pub merge_s: f64,
    /// Whether the watcher fell back to polling (no file-system events here).
    pub watcher_polling: bool,
    /// File written and closed → a search finds it, seconds; `None` when not found in time.
    pub file_drop_s: Vec<Option<f64>>,
    /// Poll start (the feed fetched over loopback) → a search finds the item, seconds:
    /// the item carries its text.
    pub feed_item_s: Vec<Option<f64>>,
    /// The same, for an item whose article page is fetched and read.
    pub feed_item_page_s: Vec<Option<f64>>,
    pub bulk: Bulk,
    /// Index segments when the quiet latency was taken, and after the bulk ingest.
    pub segments_quiet: usize,
    pub segments_after_bulk: usize,
    /// Search and ask on the live engine before ingesting (the same pace).
    pub quiet_search: Latency,
    pub quiet_ask: Latency,
    /// The same queries back to back (no pause between calls), as the engine benchmark
    /// times them.
    #[serde(default)]
    pub quiet_search_back_to_back: Latency,
    #[serde(default)]
    pub quiet_ask_back_to_back: Latency,
    /// Search and ask while the bulk ingest ran.
    pub ingest_search: Latency,
    pub ingest_ask: Latency,
    /// Another 1,000 items whose pages each take [`PAGE_DELAY`] to arrive (a real site's
    /// latency, 8 fetched at once): ingest at about the target rate, not flat out.
    #[serde(default)]
    pub paced_bulk: Bulk,
    #[serde(default)]
    pub paced_search: Latency,
    #[serde(default)]
    pub paced_ask: Latency,
    /// `LiveEngine::upsert` of one new article, and of 32 (a feed batch), ms each.
    pub publish_one_ms: Vec<f64>,
    pub publish_batch_ms: Vec<f64>,
    pub peak_rss_mb: f64,
    pub others_cores: f64,
}

/// The 1,000-item ingest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Bulk {
    pub items: usize,
    pub added: usize,
    pub duplicates: usize,
    /// Pages that could not be read (the item's own text was kept).
    pub page_warnings: usize,
    pub wall_s: f64,
    pub items_per_s: f64,
    pub cpu_s: f64,
    pub failed: Option<String>,
}

/// What a restart from the database measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestartResult {
    pub label: String,
    pub stored: usize,
    /// An index kept by an earlier start was there (a restart); otherwise it was built and
    /// kept (the first start).
    #[serde(default)]
    pub index_was_kept: bool,
    pub dict_s: f64,
    /// Opening the database and reading the stored articles.
    pub read_s: f64,
    pub index_s: f64,
    /// From the start of the process to the first search answered.
    pub ready_s: f64,
    pub rss_ready_mb: f64,
    pub peak_rss_ready_mb: f64,
    pub merge_s: f64,
    pub publish_one_ms: Vec<f64>,
    pub publish_batch_ms: Vec<f64>,
    /// After merging and publishing batches (what a serving process reaches).
    pub peak_rss_mb: f64,
    pub rss_end_mb: f64,
}

/// Everything of one `--live` run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveRun {
    pub live: LiveResult,
    pub restarts: Vec<RestartResult>,
    /// `jianbao --corpus EMPTY search 黄河` with the 20k database, spawn to exit, seconds.
    pub binary_restart_s: Vec<f64>,
    pub binary_restart_label: String,
    /// The same command on the 新闻联播 files instead (no database): today's start-up, in
    /// the same run, for comparison.
    #[serde(default)]
    pub binary_files_s: Vec<f64>,
}

/// Child: the live engine over the corpus in `dir` (also the watched folder).
pub fn measure_live(
    dir: &Path,
    data: &Path,
    queries: &[String],
    questions: &[String],
    items: usize,
    drops: usize,
    kept_index: bool,
) -> anyhow::Result<LiveResult> {
    let contention = Contention::start();
    let cpu_start = cpu_seconds();
    let config = Config::default();
    let t = Instant::now();
    let segmenter = Segmenter::load(
        Some(&config.user_dict),
        Some(&config.stop_words),
        Some(&config.synonyms),
    )?;
    // As `serve` runs: the index kept on disk (beside the corpus folder, not in it).
    let options = jianbao::answer::Options {
        corpus: dir.to_path_buf(),
        index_dir: kept_index.then(|| dir.with_extension("index")),
        ..config.engine_options()
    };
    let engine = Engine::load_with(&options, segmenter, &|_, _| {})?;
    let build_s = secs(t.elapsed());
    let articles_at_start = engine.articles().len();
    let live = Arc::new(LiveEngine::new(Arc::new(engine)));
    let t = Instant::now();
    live.compact_index();
    let merge_s = secs(t.elapsed());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    // A file dropped into the watched folder.
    let watching =
        ingest::watch::watch(Arc::clone(&live), dir, LoadOptions::default(), false, None)?;
    let watcher_polling = watching.polling;
    std::thread::sleep(Duration::from_millis(500));
    let mut file_drop_s = Vec::new();
    for i in 0..drops {
        let token = format!("jbdrop{i}x");
        let text = format!(
            "晋北风电场完成冬季检修 {token}\n\n新华社太原12月2日电 晋北风电场12月1日完成冬季检修，\
             共检修风机一百二十台，检修编号{token}，预计今冬发电量同比增长百分之八，保障电网安全稳定运行。\n\n\
             检修人员表示，将继续做好巡检工作。\n"
        );
        std::fs::write(dir.join(format!("drop_{i}.txt")), text)?;
        let written = Instant::now();
        file_drop_s.push(wait_searchable(&live, &token, written));
        std::thread::sleep(DROP_GAP);
    }
    drop(watching);

    // Feed items, one per poll.
    let server = FeedServer::start();
    let store = Arc::new(Store::open_in_memory()?);
    let ingest = Ingest::new(
        Arc::clone(&live),
        Arc::clone(&store),
        FetchOptions {
            allow_private: true,
            ..FetchOptions::default()
        },
    )?;
    let feed_id = store.upsert_feed(&NewFeed {
        name: "bench".into(),
        url: server.url("/one"),
        outlet: None,
        interval_secs: 600,
        origin: FeedOrigin::Admin,
    })?;
    let mut feed_item_s = Vec::new();
    let mut feed_item_page_s = Vec::new();
    for (with_page, out) in [(false, &mut feed_item_s), (true, &mut feed_item_page_s)] {
        for i in 0..drops {
            let token = format!("jbfeed{}{i}x", if with_page { "p" } else { "" });
            let body = format!(
                "新华社北京12月2日电 记者从有关部门获悉，今年以来各地扎实推进重点项目建设，编号{token}的项目按期完工，\
                 带动就业岗位三千余个，有关负责人表示将继续加强监督管理，确保工程质量和安全生产。"
            )
            .repeat(3);
            let link = server.url(&format!("/page/{token}"));
            let (content, page) = if with_page {
                (
                    "<p>重点项目按期完工。</p>".to_string(),
                    Some(news_page(
                        "重点项目按期完工",
                        "2026-12-02 09:00:00 来源：新华网",
                        &[
                            &body,
                            "有关负责人表示，下一步将继续抓好项目管理，推动项目早日发挥效益。",
                        ],
                    )),
                )
            } else {
                (format!("<p>{body}</p>"), None)
            };
            if let Some(page) = page {
                server.set(&format!("/page/{token}"), Route::html(&page));
            }
            server.set(
                "/one",
                Route::rss(&feed_xml(
                    "测试",
                    &[FeedItem {
                        guid: token.clone(),
                        title: format!("重点项目按期完工 {i}"),
                        link,
                        date: "2026-12-02 09:00:00".into(),
                        html: content,
                    }],
                )),
            );
            let feed = store.feed(feed_id)?.context("feed")?;
            let found = Arc::new(std::sync::Mutex::new(None));
            let started = Instant::now();
            let watcher = {
                let (live, token, found) = (Arc::clone(&live), token.clone(), Arc::clone(&found));
                std::thread::spawn(move || {
                    *found.lock().unwrap() = wait_searchable(&live, &token, started);
                })
            };
            let report = runtime.block_on(ingest.poll_feed(&feed));
            if let Some(reason) = &report.failed {
                bail!("feed poll failed: {reason}");
            }
            watcher.join().ok();
            out.push(*found.lock().unwrap());
        }
    }

    // Quiet latency, then 1,000 items with pages while searching and asking.
    let segments_quiet = live.snapshot().index_segments();
    let (quiet_search, quiet_ask) =
        paced_queries(&live, queries, questions, &|n| n < QUIET_QUERIES);
    let (mut b2b_search, mut b2b_ask) = (Vec::new(), Vec::new());
    let snap = live.snapshot();
    for q in queries {
        let t = Instant::now();
        black_box(snap.search(q, 1, 5));
        b2b_search.push(t.elapsed());
    }
    for q in questions {
        let t = Instant::now();
        black_box(snap.ask(q));
        b2b_ask.push(t.elapsed());
    }
    drop(snap);
    // Flat out (pages answered at once over loopback), then at about the target's rate
    // with the page latency of real sites.
    let (bulk, ingest_search, ingest_ask) = bulk_ingest(
        &BulkSetup {
            live: &live,
            ingest: &ingest,
            store: &store,
            server: &server,
            runtime: &runtime,
            data,
            queries,
            questions,
        },
        items,
        0,
        Duration::ZERO,
    )?;
    let (paced_bulk, paced_search, paced_ask) = bulk_ingest(
        &BulkSetup {
            live: &live,
            ingest: &ingest,
            store: &store,
            server: &server,
            runtime: &runtime,
            data,
            queries,
            questions,
        },
        items,
        1,
        PAGE_DELAY,
    )?;

    let segments_after_bulk = live.snapshot().index_segments();
    let (publish_one_ms, publish_batch_ms) = time_publish(&live)?;
    let own = cpu_seconds() - cpu_start;
    Ok(LiveResult {
        articles_at_start,
        build_s,
        merge_s,
        watcher_polling,
        file_drop_s,
        feed_item_s,
        feed_item_page_s,
        bulk,
        segments_quiet,
        segments_after_bulk,
        quiet_search: Latency::of(&quiet_search),
        quiet_ask: Latency::of(&quiet_ask),
        quiet_search_back_to_back: Latency::of(&b2b_search),
        quiet_ask_back_to_back: Latency::of(&b2b_ask),
        paced_bulk,
        paced_search: Latency::of(&paced_search),
        paced_ask: Latency::of(&paced_ask),
        ingest_search: Latency::of(&ingest_search),
        ingest_ask: Latency::of(&ingest_ask),
        publish_one_ms,
        publish_batch_ms,
        peak_rss_mb: peak_rss_mb(),
        others_cores: contention.others_cores(own),
    })
}

/// What a bulk ingest works with.
struct BulkSetup<'a> {
    live: &'a Arc<LiveEngine>,
    ingest: &'a Ingest,
    store: &'a Arc<Store>,
    server: &'a FeedServer,
    runtime: &'a tokio::runtime::Runtime,
    data: &'a Path,
    queries: &'a [String],
    questions: &'a [String],
}

/// One poll of a feed of `items` new Sina articles (`round` picks which, so rounds do not
/// repeat) whose pages take `delay` each, with search and ask timed meanwhile.
fn bulk_ingest(
    b: &BulkSetup<'_>,
    items: usize,
    round: usize,
    delay: Duration,
) -> anyhow::Result<(Bulk, Vec<Duration>, Vec<Duration>)> {
    let bulk_items = sina_items(b.data, items, b.server, round, delay)?;
    let path = format!("/bulk{round}");
    b.server
        .set(&path, Route::rss(&feed_xml("新浪新闻", &bulk_items)));
    let bulk_id = b.store.upsert_feed(&NewFeed {
        name: path.clone(),
        url: b.server.url(&path),
        outlet: None,
        interval_secs: 600,
        origin: FeedOrigin::Admin,
    })?;
    let feed = b.store.feed(bulk_id)?.context("feed")?;
    let ingesting = Arc::new(AtomicBool::new(true));
    let measuring = {
        let (live, queries, questions, ingesting) = (
            Arc::clone(b.live),
            b.queries.to_vec(),
            b.questions.to_vec(),
            Arc::clone(&ingesting),
        );
        std::thread::spawn(move || {
            paced_queries(&live, &queries, &questions, &|_| {
                ingesting.load(Ordering::Relaxed)
            })
        })
    };
    let cpu = cpu_seconds();
    let t = Instant::now();
    let report = b.runtime.block_on(b.ingest.poll_feed(&feed));
    let wall_s = secs(t.elapsed());
    let cpu_s = cpu_seconds() - cpu;
    ingesting.store(false, Ordering::Relaxed);
    let (search, ask) = measuring.join().unwrap_or_default();
    let bulk = Bulk {
        items: bulk_items.len(),
        added: report.added,
        duplicates: report.duplicates,
        page_warnings: report.warnings.len(),
        wall_s,
        items_per_s: (report.added + report.updated + report.duplicates) as f64 / wall_s,
        cpu_s,
        failed: report.failed.clone(),
    };
    Ok((bulk, search, ask))
}

/// Waits until a search for `token` finds an article holding it; seconds since `since`.
fn wait_searchable(live: &LiveEngine, token: &str, since: Instant) -> Option<f64> {
    loop {
        let snap = live.snapshot();
        let hit = snap.search(token, 1, 5).articles.iter().any(|g| {
            snap.article(&g.article.article_id).is_some_and(|a| {
                a.title.contains(token) || a.paragraphs.iter().any(|p| p.contains(token))
            })
        });
        if hit {
            return Some(secs(since.elapsed()));
        }
        if since.elapsed() > GIVE_UP {
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Alternates searches and questions, one every [`QUERY_PACE`], while `go(n)` (n: calls
/// made) holds; each call timed from taking the snapshot to the answer.
fn paced_queries(
    live: &LiveEngine,
    queries: &[String],
    questions: &[String],
    go: &dyn Fn(usize) -> bool,
) -> (Vec<Duration>, Vec<Duration>) {
    let (mut search, mut ask) = (Vec::new(), Vec::new());
    let mut n = 0;
    while go(n) && !queries.is_empty() && !questions.is_empty() {
        let next = Instant::now() + QUERY_PACE;
        let t = Instant::now();
        if n % 2 == 0 {
            let snap = live.snapshot();
            black_box(snap.search(&queries[(n / 2) % queries.len()], 1, 5));
            search.push(t.elapsed());
        } else {
            let snap = live.snapshot();
            black_box(snap.ask(&questions[(n / 2) % questions.len()]));
            ask.push(t.elapsed());
        }
        n += 1;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    (search, ask)
}

/// Times `upsert` of one new article (20 times) and of 32 (5 times), ms each. The
/// articles are copies of stored ones with a new id and a word of their own, so none is a
/// duplicate.
fn time_publish(live: &LiveEngine) -> anyhow::Result<(Vec<f64>, Vec<f64>)> {
    let snap = live.snapshot();
    let sources: Vec<Article> = snap
        .articles()
        .iter()
        .take(200)
        .map(|a| (**a).clone())
        .collect();
    drop(snap);
    let mut k = 0;
    let mut fresh = || {
        let mut a = sources[k % sources.len()].clone();
        a.id = format!("bench_publish_{k}");
        a.url = None;
        a.origin = "bench".into();
        a.paragraphs.push(format!("编号jbpub{k}x。"));
        k += 1;
        a
    };
    let mut one = Vec::new();
    for _ in 0..20 {
        let a = fresh();
        let t = Instant::now();
        live.upsert(vec![a])?;
        one.push(secs(t.elapsed()) * 1e3);
    }
    let mut batch = Vec::new();
    for _ in 0..5 {
        let articles: Vec<Article> = (0..32).map(|_| fresh()).collect();
        let t = Instant::now();
        live.upsert(articles)?;
        batch.push(secs(t.elapsed()) * 1e3);
    }
    Ok((one, batch))
}

/// One item of a generated feed.
pub struct FeedItem {
    guid: String,
    title: String,
    link: String,
    date: String,
    /// HTML, put in `content:encoded`.
    html: String,
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An RSS 2.0 document with these items.
fn feed_xml(title: &str, items: &[FeedItem]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>{}</title>\
         <link>http://example.com/</link><description>bench</description>\n",
        xml_escape(title)
    );
    for it in items {
        s.push_str(&format!(
            "<item><guid>{}</guid><title>{}</title><link>{}</link><pubDate>{}</pubDate>\
             <content:encoded><![CDATA[{}]]></content:encoded></item>\n",
            xml_escape(&it.guid),
            xml_escape(&it.title),
            xml_escape(&it.link),
            xml_escape(&it.date),
            it.html.replace("]]>", "]]&gt;")
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// `n` Sina 2018 articles (evenly spaced over the file) as feed items with a one-line
/// summary, each linking to its article page on `server` (served as a news site would:
/// navigation, related links, footer around the body).
fn sina_items(
    data: &Path,
    n: usize,
    server: &FeedServer,
    round: usize,
    delay: Duration,
) -> anyhow::Result<Vec<FeedItem>> {
    let path = data.join("sina_news_2018/sina_news.jsonl");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let records: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|r: &Value| r["paragraphs"].as_array().is_some_and(|p| !p.is_empty()))
        .collect();
    if records.is_empty() {
        bail!("no articles in {}", path.display());
    }
    let html_escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut items = Vec::with_capacity(n);
    for k in 0..n {
        let at = k * records.len() / n.max(1) + round;
        let r = &records[at % records.len()];
        // Beyond the file's length the records repeat; a number keeps each page its own.
        let copy = at / records.len();
        let title = r["title"].as_str().unwrap_or("新闻").to_string();
        let date = r["date"].as_str().unwrap_or("2018-01-01");
        let mut paragraphs: Vec<String> = r["paragraphs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(html_escape))
            .collect();
        if copy > 0 {
            paragraphs.push(format!("（第{copy}次转载）"));
        }
        let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
        let path = format!("/sina{round}/{k}.shtml");
        server.set(
            &path,
            Route::html(&news_page(
                &html_escape(&title),
                &format!("{date} 10:00:00 来源：新浪新闻"),
                &refs,
            ))
            .delay(delay),
        );
        let first: String = r["paragraphs"][0]
            .as_str()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        items.push(FeedItem {
            guid: format!("sina-{round}-{k}"),
            title,
            link: server.url(&path),
            date: format!("{date} 10:00:00"),
            html: format!("<p>{}</p>", html_escape(&first)),
        });
    }
    Ok(items)
}

/// Child: a restart from the database `db` (the corpus folder `empty` holds nothing), as
/// `jianbao serve` starts: dictionaries, stored articles, index, first search; then the
/// background merge and batches published at this size. `started`: process start.
pub fn measure_restart(
    empty: &Path,
    db: &Path,
    label: &str,
    started: Instant,
) -> anyhow::Result<RestartResult> {
    let config = Config::default();
    let t = Instant::now();
    let segmenter = Segmenter::load(
        Some(&config.user_dict),
        Some(&config.stop_words),
        Some(&config.synonyms),
    )?;
    let dict_s = secs(t.elapsed());
    // As `serve` starts: the index kept beside the database.
    let index_dir = db.with_extension("index");
    let index_was_kept = index_dir.join("meta.json").exists();
    let options = jianbao::answer::Options {
        corpus: empty.to_path_buf(),
        index_dir: Some(index_dir),
        ..config.engine_options()
    };
    let t = Instant::now();
    let store = Store::open(db)?;
    let mut corpus = corpus::load_dir(empty, &options.load)?;
    corpus.articles.extend(ingest::stored_articles(&store)?);
    let stored = corpus.articles.len();
    let read_s = secs(t.elapsed());
    let t = Instant::now();
    let engine = Engine::from_corpus(corpus, &options, segmenter, Duration::ZERO, &|_, _| {})?;
    black_box(engine.search(FIRST_QUERY, 1, config.search_limit));
    let index_s = secs(t.elapsed());
    let ready_s = secs(started.elapsed());
    let rss_ready_mb = rss_mb();
    let peak_rss_ready_mb = peak_rss_mb();
    let live = LiveEngine::new(Arc::new(engine));
    let t = Instant::now();
    live.compact_index();
    let merge_s = secs(t.elapsed());
    let (publish_one_ms, publish_batch_ms) = time_publish(&live)?;
    Ok(RestartResult {
        label: label.to_string(),
        stored,
        index_was_kept,
        dict_s,
        read_s,
        index_s,
        ready_s,
        rss_ready_mb,
        peak_rss_ready_mb,
        merge_s,
        publish_one_ms,
        publish_batch_ms,
        peak_rss_mb: peak_rss_mb(),
        rss_end_mb: rss_mb(),
    })
}

/// Parent: a database holding the articles of the corpus folder `dir` as if read from a
/// feed, at `db`.
pub fn fill_database(dir: &Path, db: &Path) -> anyhow::Result<usize> {
    let articles = corpus::load_dir(dir, &LoadOptions::default())?.articles;
    let store = Store::open(db)?;
    for chunk in articles.chunks(2000) {
        let stored: Vec<StoredArticle> = chunk
            .iter()
            .map(|a| StoredArticle {
                feed_id: Some(1),
                content_hash: format!("{:016x}", text_hash(a)),
                article: a.clone(),
            })
            .collect();
        store.save_batch(&stored, &[])?;
    }
    Ok(store.article_count()? as usize)
}

/// Parent: `jianbao --corpus CORPUS search 黄河` with the database `db` (which need not
/// exist: then only the files are read), spawn to exit.
pub fn time_binary_restart(corpus: &Path, db: &Path) -> anyhow::Result<f64> {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jianbao"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (key, _) in std::env::vars() {
        if key.starts_with("JIANBAO_") || key.starts_with("TELOXIDE_") {
            cmd.env_remove(key);
        }
    }
    let started = Instant::now();
    let status = cmd
        .arg("--corpus")
        .arg(std::path::absolute(corpus)?)
        .arg("search")
        .arg(FIRST_QUERY)
        .env("JIANBAO_DATABASE", std::path::absolute(db)?)
        .env("JIANBAO_LOG", "error")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        bail!("jianbao search on the database failed ({status})");
    }
    Ok(secs(started.elapsed()))
}

fn found(v: &[Option<f64>]) -> (usize, f64, f64) {
    let got: Vec<f64> = v.iter().flatten().copied().collect();
    let max = got.iter().copied().fold(f64::NAN, f64::max);
    (got.len(), median(got), max)
}

/// The run as Markdown, each figure beside its target.
pub fn markdown(run: &LiveRun) -> String {
    let l = &run.live;
    let mut s = String::new();
    let ms = |x: f64| format!("{:.0} ms", x * 1e3);
    s.push_str(&format!(
        "Live engine over {} articles (built {:.2} s, merged {:.2} s); watcher: {}; index segments {} when quiet, {} after the bulk ingest; others' cores {:.3}.\n\n",
        l.articles_at_start,
        l.build_s,
        l.merge_s,
        if l.watcher_polling { "polling" } else { "file-system events" },
        l.segments_quiet,
        l.segments_after_bulk,
        l.others_cores
    ));
    s.push_str("| target (issue 12) | measured | |\n|---|---|---|\n");
    let (n, med, max) = found(&l.file_drop_s);
    s.push_str(&format!(
        "| file dropped → searchable ≤ 1 s (median of {}) | {} median, {} max, {n}/{} found | {} |\n",
        l.file_drop_s.len(),
        ms(med),
        ms(max),
        l.file_drop_s.len(),
        verdict(n == l.file_drop_s.len() && med <= 1.0)
    ));
    for (what, v) in [
        (
            "feed item (own text) searchable ≤ 1 s after its fetch",
            &l.feed_item_s,
        ),
        (
            "feed item (page fetched and read) searchable ≤ 1 s after its fetch",
            &l.feed_item_page_s,
        ),
    ] {
        let (n, med, max) = found(v);
        s.push_str(&format!(
            "| {what}, from poll start (median of {}) | {} median, {} max, {n}/{} found | {} |\n",
            v.len(),
            ms(med),
            ms(max),
            v.len(),
            verdict(n == v.len() && med <= 1.0)
        ));
    }
    let b = &l.bulk;
    s.push_str(&format!(
        "| {} new items with pages ≥ 100 items/s | {:.0} items/s ({} added, {} duplicates, {} pages unread; {:.2} s wall, {:.2} CPU-s) | {} |\n",
        b.items,
        b.items_per_s,
        b.added,
        b.duplicates,
        b.page_warnings,
        b.wall_s,
        b.cpu_s,
        verdict(b.failed.is_none() && b.items_per_s >= 100.0)
    ));
    s.push_str(&format!(
        "| search p99 ≤ 3 ms while ingesting | {:.2} ms (p50 {:.3}, max {:.1}; {} searches; quiet: p99 {:.2}, back to back {:.2}) | {} |\n",
        l.ingest_search.p99_ms,
        l.ingest_search.p50_ms,
        l.ingest_search.max_ms,
        l.ingest_search.count,
        l.quiet_search.p99_ms,
        l.quiet_search_back_to_back.p99_ms,
        verdict(l.ingest_search.count > 0 && l.ingest_search.p99_ms <= 3.0)
    ));
    s.push_str(&format!(
        "| ask p99 ≤ 10 ms while ingesting | {:.2} ms (p50 {:.3}, max {:.1}; {} questions; quiet: p99 {:.2}, back to back {:.2}) | {} |\n",
        l.ingest_ask.p99_ms,
        l.ingest_ask.p50_ms,
        l.ingest_ask.max_ms,
        l.ingest_ask.count,
        l.quiet_ask.p99_ms,
        l.quiet_ask_back_to_back.p99_ms,
        verdict(l.ingest_ask.count > 0 && l.ingest_ask.p99_ms <= 10.0)
    ));
    let p = &l.paced_bulk;
    s.push_str(&format!(
        "| the same while ingesting {} more items at about the target rate (pages take {} ms each, 8 at once): {:.0} items/s | search p99 {:.2} ms (p50 {:.3}, {} searches); ask p99 {:.2} ms (p50 {:.3}, {} questions) | search {}, ask {} |\n",
        p.items,
        PAGE_DELAY.as_millis(),
        p.items_per_s,
        l.paced_search.p99_ms,
        l.paced_search.p50_ms,
        l.paced_search.count,
        l.paced_ask.p99_ms,
        l.paced_ask.p50_ms,
        l.paced_ask.count,
        verdict(l.paced_search.count > 0 && l.paced_search.p99_ms <= 3.0),
        verdict(l.paced_ask.count > 0 && l.paced_ask.p99_ms <= 10.0)
    ));
    for r in &run.restarts {
        if r.stored <= 30_000 {
            s.push_str(&format!(
                "| {} with {} stored articles ready ≤ 4 s | {:.2} s in-process ({:.2} s dictionaries, {:.2} s database, {:.2} s index + first search) | {} |\n",
                if r.index_was_kept {
                    "restart (index kept)"
                } else {
                    "first start (index built and kept)"
                },
                r.stored,
                r.ready_s,
                r.dict_s,
                r.read_s,
                r.index_s,
                verdict(r.ready_s <= 4.0)
            ));
        } else {
            s.push_str(&format!(
                "| peak RSS with {} stored articles ≤ 1 GiB, {} | {:.0} MB (at ready {:.0} MB; after merge + batches, RSS {:.0} MB) | {} |\n",
                r.stored,
                if r.index_was_kept { "restart" } else { "first start" },
                r.peak_rss_mb,
                r.peak_rss_ready_mb,
                r.rss_end_mb,
                verdict(r.peak_rss_mb <= 1073.7)
            ));
        }
    }
    if !run.binary_restart_s.is_empty() {
        s.push_str(&format!(
            "| restart, `jianbao search` spawned to exit, {} database | {:.2} s median of {} | {} |\n",
            run.binary_restart_label,
            median(run.binary_restart_s.iter().copied()),
            run.binary_restart_s.len(),
            verdict(median(run.binary_restart_s.iter().copied()) <= 4.0)
        ));
    }
    if !run.binary_files_s.is_empty() {
        s.push_str(&format!(
            "| (for comparison) `jianbao --corpus DATA/xinwenlianbo search 黄河`: the files, no database | {:.2} s median of {} | |\n",
            median(run.binary_files_s.iter().copied()),
            run.binary_files_s.len()
        ));
    }
    s.push_str(
        "\nPublishing a batch (`LiveEngine::upsert`: index commit + new snapshot), median ms:\n\n",
    );
    s.push_str("| articles in the corpus | 1 new article | 32 new articles |\n|--:|--:|--:|\n");
    s.push_str(&format!(
        "| {} (live) | {:.1} | {:.1} |\n",
        l.articles_at_start,
        median(l.publish_one_ms.iter().copied()),
        median(l.publish_batch_ms.iter().copied())
    ));
    for r in &run.restarts {
        s.push_str(&format!(
            "| {} ({}) | {:.1} | {:.1} |\n",
            r.stored,
            if r.index_was_kept {
                "restarted"
            } else {
                "first start"
            },
            median(r.publish_one_ms.iter().copied()),
            median(r.publish_batch_ms.iter().copied())
        ));
    }
    s
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}
