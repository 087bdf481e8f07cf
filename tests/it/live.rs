//! The live corpus: articles added, replaced and removed while searches run; feeds polled
//! from a local HTTP server (and every fault it can throw); the watched folder; a process
//! killed mid-ingest; the bot answering with an item published after it started.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jianbao::answer::{Change, Engine, LiveEngine};
use jianbao::config::Config;
use jianbao::corpus::{Article, Corpus, LoadOptions};
use jianbao::ingest::{FetchOptions, Ingest, PollReport};
use jianbao::store::{FeedOrigin, NewFeed, Store};

use crate::common::feed_server::{
    FeedServer, Route, RssItem, long_text, news_page, page, resetting_server, rss,
};
use crate::common::*;

/// A live engine over the seed article only.
pub(crate) fn live_over_seed() -> Arc<LiveEngine> {
    live_engine(load(&seed_path()))
}

/// Ids of the articles that search finds for `query` and that hold it word for word (a
/// search also ranks looser matches, which these tests do not count).
pub(crate) fn ids_for(engine: &LiveEngine, query: &str) -> Vec<String> {
    let snap = engine.snapshot();
    snap.search(query, 1, 20)
        .articles
        .iter()
        .map(|a| a.article.article_id.clone())
        .filter(|id| {
            snap.article(id).is_some_and(|a| {
                a.title.contains(query) || a.paragraphs.iter().any(|p| p.contains(query))
            })
        })
        .collect()
}

fn article(id: &str, title: &str, text: &str, url: Option<&str>) -> Article {
    let mut a = Article::new(id, title, vec![text.to_string()]);
    a.url = url.map(str::to_string);
    a
}

#[test]
fn articles_are_added_replaced_deduplicated_and_removed_while_searchable() {
    let live = live_over_seed();
    let before = live.snapshot();
    let out = live
        .upsert(vec![article(
            "n1",
            "量子通信新进展",
            "量子通信干线正式开通运行。",
            Some("http://e.com/n1"),
        )])
        .unwrap();
    assert_eq!(out[0].change, Change::Added);
    assert_eq!(ids_for(&live, "量子通信"), ["n1"]);
    // A snapshot taken before keeps its own corpus.
    assert!(before.article("n1").is_none());
    assert_eq!(
        live.snapshot().articles().len(),
        before.articles().len() + 1
    );

    // The same article again: nothing to do.
    let again = live
        .upsert(vec![article(
            "n1",
            "量子通信新进展",
            "量子通信干线正式开通运行。",
            Some("http://e.com/n1"),
        )])
        .unwrap();
    assert_eq!(again[0].change, Change::Unchanged);
    // Same id, new text: replaced; the old text is no longer found.
    let changed = live
        .upsert(vec![article(
            "n1",
            "量子通信新进展",
            "卫星激光链路完成在轨测试。",
            Some("http://e.com/n1"),
        )])
        .unwrap();
    assert_eq!(changed[0].change, Change::Replaced);
    assert!(ids_for(&live, "干线").is_empty(), "old text gone");
    assert_eq!(ids_for(&live, "激光链路"), ["n1"]);
    // Another id with identical text: a duplicate, left out.
    let twin = live
        .upsert(vec![article(
            "n2",
            "量子通信新进展",
            "卫星激光链路完成在轨测试。",
            None,
        )])
        .unwrap();
    assert_eq!(twin[0].change, Change::Duplicate { of: "n1".into() });
    // Another id, same URL (spelled differently), new text: replaces under the old id.
    let by_url = live
        .upsert(vec![article(
            "n3",
            "量子通信新进展（更新）",
            "地面站接收到首批密钥。",
            Some("HTTP://E.COM/n1/#x"),
        )])
        .unwrap();
    assert_eq!(
        (by_url[0].id.as_str(), &by_url[0].change),
        ("n1", &Change::Replaced)
    );
    assert_eq!(ids_for(&live, "密钥"), ["n1"]);
    assert!(live.snapshot().article("n3").is_none());
    assert_eq!(
        live.snapshot().articles().len(),
        before.articles().len() + 1,
        "never two"
    );

    let removed = live.remove(&["n1".to_string()]).unwrap();
    assert_eq!(removed[0].change, Change::Removed);
    assert!(ids_for(&live, "密钥").is_empty());
    assert_eq!(live.snapshot().articles().len(), before.articles().len());
    // The seed is still found after all this.
    assert!(ids_for(&live, "黄河").contains(&SEED_ID.to_string()));
}

#[test]
fn searches_keep_running_while_articles_are_added() {
    let live = live_over_seed();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = std::thread::spawn({
        let (live, stop) = (Arc::clone(&live), Arc::clone(&stop));
        move || {
            let mut searches = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && searches < 100_000 {
                let snap = live.snapshot();
                let r = snap.search("黄河", 1, 5);
                // Every hit cites an article of the same snapshot.
                for a in &r.articles {
                    assert!(snap.article(&a.article.article_id).is_some());
                }
                searches += 1;
            }
            searches
        }
    });
    for i in 0..30 {
        let text = format!("黄河第{i}段堤防加固工程完工，共计{i}公里。");
        live.upsert(vec![article(
            &format!("b{i}"),
            &format!("堤防{i}"),
            &text,
            None,
        )])
        .unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().expect("reader thread") > 0);
    assert_eq!(
        ids_for(&live, "堤防加固").len(),
        20,
        "capped by the page size of 20"
    );
    assert!(live.snapshot().article("b29").is_some());
}

pub(crate) fn ingest_over(live: &Arc<LiveEngine>, store: &Arc<Store>) -> Ingest {
    Ingest::new(
        Arc::clone(live),
        Arc::clone(store),
        FetchOptions {
            timeout: Duration::from_secs(2),
            allow_private: true,
            ..FetchOptions::default()
        },
    )
    .expect("ingest")
}

fn add_feed(store: &Store, name: &str, url: &str) -> i64 {
    store
        .upsert_feed(&NewFeed {
            name: name.into(),
            url: url.into(),
            outlet: None,
            interval_secs: 1,
            origin: FeedOrigin::File,
        })
        .unwrap()
}

async fn poll(ingest: &Ingest, id: i64) -> PollReport {
    let feed = ingest.store().feed(id).unwrap().expect("feed");
    tokio::time::timeout(Duration::from_secs(30), ingest.poll_feed(&feed))
        .await
        .expect("a poll ends within its timeouts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_with_full_text_short_items_and_atom_are_read_once() {
    let server = FeedServer::start();
    let long = long_text("忻州", 260);
    server.set(
        "/rss",
        Route::rss(&rss(
            "测试日报",
            &[
                (
                    "g1",
                    "长文条目",
                    Some(&server.url("/a/1")),
                    Some("Tue, 01 Dec 2026 10:00:00 +0800"),
                    &long,
                ),
                (
                    "g2",
                    "短条目",
                    Some(&server.url("/a/2")),
                    Some("2026-12-01 09:00:00"),
                    "<p>摘要而已。</p>",
                ),
            ],
        ))
        .etag("\"v1\""),
    );
    server.set(
        "/a/2",
        Route::html(&page(
            "短条目",
            &[
                "太原市举行湿地保护志愿活动，数百名市民参加清理河道，沿岸垃圾被集中运走。",
                "活动持续到下午，组织者表示今后每月都将举办一次。",
            ],
        )),
    );
    let atom = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>原子</title><id>urn:f</id>
<updated>2026-12-01T00:00:00Z</updated><entry><title>原子条目</title><id>urn:e1</id><link href="{}"/>
<published>2026-11-30T02:00:00Z</published><content type="html">&lt;p&gt;{}&lt;/p&gt;</content></entry></feed>"#,
        server.url("/a/3"),
        long_text("大同", 220)
    );
    server.set("/atom", Route::ok("application/atom+xml", atom));
    let live = live_over_seed();
    let store = Arc::new(Store::open_in_memory().unwrap());
    let ingest = ingest_over(&live, &store);
    let rss_id = add_feed(&store, "rss", &server.url("/rss"));
    let atom_id = add_feed(&store, "atom", &server.url("/atom"));

    let r = poll(&ingest, rss_id).await;
    assert_eq!((r.added, r.failed.as_deref()), (2, None), "{r:?}");
    assert_eq!(
        server.hits("/a/1"),
        0,
        "full text in the item: page not fetched"
    );
    assert_eq!(server.hits("/a/2"), 1, "short item: page fetched");
    assert_eq!(
        ids_for(&live, "湿地保护").len(),
        1,
        "the page's text is the article"
    );
    let a = poll(&ingest, atom_id).await;
    assert_eq!(a.added, 1, "{a:?}");
    assert_eq!(ids_for(&live, "大同项目").len(), 1);

    // Polled again: 304 for RSS (ETag), the Atom items already seen.
    let r2 = poll(&ingest, rss_id).await;
    assert!(r2.not_modified, "{r2:?}");
    let a2 = poll(&ingest, atom_id).await;
    assert_eq!((a2.added, a2.unchanged), (0, 1), "{a2:?}");
    assert_eq!(store.article_count().unwrap(), 3);
    let feed = store.feed(rss_id).unwrap().unwrap();
    assert!(feed.last_success.is_some() && feed.last_error.is_none());
    let latest = live.snapshot();
    let dated: Vec<_> = latest
        .latest(3)
        .iter()
        .map(|a| a.date.map(|d| d.to_string()))
        .collect();
    assert!(dated.contains(&Some("2026-12-01".into())), "{dated:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_news_page_gives_only_its_article_body_and_fills_in_title_and_date() {
    let server = FeedServer::start();
    let first = "本报讯（记者李华）12月1日，临汾市汾河生态修复工程二期全面完工，\
                 沿河新增湿地面积一千二百亩，栽植乔灌木十余万株。";
    let middle = "据介绍，二期工程自去年三月开工，涉及河道清淤、堤岸加固和雨污分流改造，\
                  总投资约四点六亿元，惠及沿岸二十多个村庄。";
    let last = "下一步，临汾市将建立河长巡查制度，确保汾河水质稳定达到三类标准。";
    server.set(
        "/n/fenhe.html",
        Route::html(&news_page(
            "汾河生态修复二期完工",
            "2026-11-28 09:15:02 来源：临汾日报",
            &[first, middle, last],
        )),
    );
    // Two items with short text linking such pages: one with its own title and date, one
    // with neither (the page's headline and date line fill them in).
    server.set(
        "/n/other.html",
        Route::html(&news_page(
            "太原地铁二号线客流创新高",
            "2026年11月27日 18:30 来源：太原晚报",
            &[
                "11月26日，太原地铁二号线单日客运量达到二十六万人次，创开通以来新高，\
                 早晚高峰平均满载率超过八成。",
                "运营公司表示，将在年底前加开高峰时段列车，缩短行车间隔至四分钟。",
            ],
        )),
    );
    server.set(
        "/rss",
        Route::rss(&rss(
            "山西要闻",
            &[
                (
                    "p1",
                    "汾河修复工程完工",
                    Some(&server.url("/n/fenhe.html")),
                    Some("Sat, 28 Nov 2026 09:30:00 +0800"),
                    "<p>汾河二期完工。</p>",
                ),
                (
                    "p2",
                    "",
                    Some(&server.url("/n/other.html")),
                    None,
                    "<p>地铁客流再创新高。</p>",
                ),
            ],
        )),
    );
    let live = live_over_seed();
    let store = Arc::new(Store::open_in_memory().unwrap());
    let ingest = ingest_over(&live, &store);
    let id = add_feed(&store, "pages", &server.url("/rss"));
    let r = poll(&ingest, id).await;
    assert_eq!((r.added, r.failed.as_deref()), (2, None), "{r:?}");
    assert!(r.warnings.is_empty(), "both pages read: {r:?}");

    let snapshot = live.snapshot();
    let found = ids_for(&live, "汾河生态修复");
    assert_eq!(found.len(), 1, "{found:?}");
    let a = snapshot.article(&found[0]).expect("article");
    assert_eq!(a.title, "汾河修复工程完工", "the item's own title wins");
    assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2026-11-28"));
    assert_eq!(a.url.as_deref(), Some(server.url("/n/fenhe.html").as_str()));
    let body = a.paragraphs.join("\n");
    assert!(
        a.paragraphs
            .first()
            .is_some_and(|p| p.contains("汾河生态修复工程二期全面完工")),
        "the body starts at the article: {:?}",
        a.paragraphs
    );
    assert!(
        a.paragraphs
            .last()
            .is_some_and(|p| p.contains("河长巡查制度")),
        "the body ends at the article: {:?}",
        a.paragraphs
    );
    for furniture in [
        "首页",
        "登录",
        "正文",
        "责任编辑",
        "分享到",
        "相关阅读",
        "秋粮收购",
        "我要评论",
        "广告位",
        "版权所有",
        "ICP",
        "来源",
        "2026-11-28",
    ] {
        assert!(!body.contains(furniture), "{furniture} in the body: {body}");
    }
    assert_eq!(a.paragraphs.len(), 3, "{:?}", a.paragraphs);

    let found = ids_for(&live, "地铁二号线");
    assert_eq!(found.len(), 1, "{found:?}");
    let b = snapshot.article(&found[0]).expect("article");
    assert_eq!(
        b.title, "太原地铁二号线客流创新高",
        "the page's headline, no site suffix"
    );
    assert_eq!(
        b.date.map(|d| d.to_string()).as_deref(),
        Some("2026-11-27"),
        "the page's date line"
    );
    assert!(
        !b.paragraphs.join("").contains("相关阅读"),
        "{:?}",
        b.paragraphs
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_in_a_recorded_error_never_a_crash() {
    let server = FeedServer::start();
    let good_item = long_text("正常", 220);
    server.set(
        "/malformed",
        Route::rss("<rss><channel><item><title>坏</tit"),
    );
    server.set(
        "/html",
        Route::html(&page("首页", &["这是一个网页，不是订阅源。"])),
    );
    let mut huge = b"<?xml version=\"1.0\"?><rss><channel><title>big</title>".to_vec();
    huge.resize(50 * 1024 * 1024, b' ');
    server.set("/huge", Route::ok("application/rss+xml", huge));
    server.set(
        "/bomb",
        Route::ok("application/rss+xml", gzip_bomb()).header("content-encoding", "gzip"),
    );
    server.set("/loop", Route::status(302).header("location", "/loop"));
    server.set(
        "/stall",
        Route::rss(&rss("慢", &[])).delay(Duration::from_secs(20)),
    );
    server.set("/404", Route::status(404));
    server.set("/500", Route::status(500));
    server.set("/503", Route::status(503).header("retry-after", "120"));
    let reset = resetting_server();

    let live = live_over_seed();
    let store = Arc::new(Store::open_in_memory().unwrap());
    let ingest = ingest_over(&live, &store);
    let cases = [
        ("/malformed", "not a feed"),
        ("/html", "not a feed"),
        ("/huge", "limit"),
        ("/bomb", "limit"),
        ("/loop", "redirect"),
        ("/stall", "timed out"),
        ("/404", "404"),
        ("/500", "500"),
        ("/503", "503"),
    ];
    let before = live.snapshot().articles().len();
    for (path, expected) in cases {
        let id = add_feed(&store, path, &server.url(path));
        let started = Instant::now();
        let r = poll(&ingest, id).await;
        let reason = r.failed.clone().unwrap_or_default();
        assert!(reason.contains(expected), "{path}: {reason:?}");
        let feed = store.feed(id).unwrap().unwrap();
        assert_eq!(feed.last_error.as_deref(), Some(reason.as_str()), "{path}");
        assert_eq!(feed.failures, 1, "{path}");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{path} took {:?}",
            started.elapsed()
        );
        if path == "/503" {
            let wait = feed.next_poll.unwrap() - jianbao::store::now();
            assert!(wait >= 100, "Retry-After honoured: next poll in {wait} s");
        }
    }
    let id = add_feed(&store, "reset", &format!("http://{reset}/rss"));
    let r = poll(&ingest, id).await;
    assert!(r.failed.is_some(), "{r:?}");
    // Failing again backs off further.
    let id500 = store
        .feeds()
        .unwrap()
        .iter()
        .find(|f| f.name == "/500")
        .unwrap()
        .id;
    let first_wait = store.feed(id500).unwrap().unwrap().next_poll.unwrap();
    poll(&ingest, id500).await;
    let f = store.feed(id500).unwrap().unwrap();
    assert_eq!(f.failures, 2);
    assert!(f.next_poll.unwrap() >= first_wait, "backoff grows");
    assert_eq!(
        live.snapshot().articles().len(),
        before,
        "nothing indexed from failures"
    );

    // A healthy feed next to them is read as usual.
    server.set(
        "/ok",
        Route::rss(&rss("好", &[("ok1", "好条目", None, None, &good_item)])),
    );
    let ok = add_feed(&store, "ok", &server.url("/ok"));
    assert_eq!(poll(&ingest, ok).await.added, 1);
}

/// A gzip body that inflates to 200 MB.
fn gzip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1024 * 1024];
    enc.write_all(b"<?xml version=\"1.0\"?><rss><channel>")
        .unwrap();
    for _ in 0..200 {
        enc.write_all(&zeros).unwrap();
    }
    enc.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_items_are_read_without_loss_or_duplicates() {
    let server = FeedServer::start();
    let a = long_text("晋中", 210);
    let b = long_text("吕梁", 210);
    // Duplicate guids, an item without link or date, one whose page fails.
    server.set(
        "/odd",
        Route::rss(&rss(
            "杂",
            &[
                ("same", "第一条", Some(&server.url("/x/1")), None, &a),
                (
                    "same",
                    "第一条（重复）",
                    Some(&server.url("/x/1")),
                    None,
                    &a,
                ),
                ("", "没有链接和日期", None, None, &b),
                (
                    "broken",
                    "页面打不开",
                    Some(&server.url("/missing")),
                    None,
                    "<p>只有一句摘要。</p>",
                ),
            ],
        )),
    );
    // GBK bytes labelled UTF-8.
    let gbk_doc = rss(
        "国标",
        &[("gbk1", "国标编码条目", None, None, &long_text("运城", 210))],
    )
    .replace("UTF-8", "GBK");
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_doc);
    server.set(
        "/gbk",
        Route::ok("application/rss+xml; charset=utf-8", gbk.into_owned()),
    );
    let live = live_over_seed();
    let store = Arc::new(Store::open_in_memory().unwrap());
    let ingest = ingest_over(&live, &store);
    let odd = add_feed(&store, "odd", &server.url("/odd"));
    let r = poll(&ingest, odd).await;
    assert_eq!((r.added, r.failed.as_deref()), (3, None), "{r:?}");
    assert_eq!(r.warnings.len(), 1, "the failing page: {r:?}");
    assert!(r.warnings[0].contains("/missing"), "{r:?}");
    assert_eq!(
        ids_for(&live, "摘要").len(),
        1,
        "the item's own text is kept"
    );
    assert_eq!(ids_for(&live, "吕梁项目").len(), 1);
    assert_eq!(
        ids_for(&live, "晋中项目").len(),
        1,
        "one article for a repeated guid"
    );
    let g = add_feed(&store, "gbk", &server.url("/gbk"));
    assert_eq!(poll(&ingest, g).await.added, 1);
    assert_eq!(
        ids_for(&live, "国标编码").len(),
        1,
        "GBK read as GBK despite the label"
    );
    assert_eq!(ids_for(&live, "运城项目").len(), 1);
}

#[test]
fn the_watched_folder_follows_files_added_changed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(seed_path(), root.join(format!("{SEED_ID}.txt"))).unwrap();
    let engine = Engine::load_with(
        &jianbao::answer::Options {
            corpus: root.clone(),
            ..Config::default().engine_options()
        },
        SEGMENTER.clone(),
        &|_, _| {},
    )
    .unwrap();
    let live = Arc::new(LiveEngine::new(Arc::new(engine)));
    let _watching = jianbao::ingest::watch::watch(
        Arc::clone(&live),
        &root,
        LoadOptions::default(),
        false,
        None,
    )
    .expect("watching");
    let wait_for = |what: &str, ok: &dyn Fn() -> bool| {
        let started = Instant::now();
        while !ok() {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "timed out waiting: {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let file = root.join("new_story.txt");
    std::fs::write(
        &file,
        "防汛演练在汾河举行\n\n汾河防汛应急演练今天上午举行，检验了抢险队伍的能力。\n",
    )
    .unwrap();
    wait_for("a new file is searchable", &|| {
        ids_for(&live, "防汛演练") == ["new_story"]
    });
    // An editor's save: write a temporary file, then rename it over the old one.
    let tmp = root.join(".new_story.txt.swp");
    std::fs::write(
        &tmp,
        "防汛演练在汾河举行\n\n汾河防汛应急演练圆满结束，橡皮艇搜救科目全部完成。\n",
    )
    .unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    wait_for("the changed text is searchable", &|| {
        ids_for(&live, "橡皮艇") == ["new_story"]
    });
    assert!(ids_for(&live, "抢险队伍").is_empty(), "old text gone");
    std::fs::remove_file(&file).unwrap();
    wait_for("a removed file disappears", &|| {
        ids_for(&live, "防汛演练").is_empty()
    });
    assert!(live.snapshot().article(SEED_ID).is_some());
    // A new folder with a file in it.
    let sub = root.join("more");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(
        sub.join("s.md"),
        "# 太原地铁二号线\n\n太原地铁二号线客流创新高。\n",
    )
    .unwrap();
    wait_for("a file in a new folder", &|| {
        ids_for(&live, "地铁二号线") == ["s"]
    });
    std::fs::remove_dir_all(&sub).unwrap();
    wait_for("a removed folder's files disappear", &|| {
        ids_for(&live, "地铁二号线").is_empty()
    });
}

#[test]
fn the_polling_watcher_works_where_there_are_no_events() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir(&root).unwrap();
    let live = live_over_seed();
    let watching =
        jianbao::ingest::watch::watch(Arc::clone(&live), &root, LoadOptions::default(), true, None)
            .expect("watching");
    assert!(watching.polling);
    std::fs::write(
        root.join("p.txt"),
        "临汾新建公园开放\n\n临汾滨河公园今日向市民开放。\n",
    )
    .unwrap();
    let started = Instant::now();
    while ids_for(&live, "滨河公园") != ["p"] {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "polling watcher saw nothing"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A feeds file and environment for running the binary against `server`.
fn cli_env(dir: &Path, feed_urls: &[String]) -> Vec<(String, String)> {
    let feeds: String = feed_urls
        .iter()
        .enumerate()
        .map(|(i, u)| format!("[[feed]]\nname = \"feed{i}\"\nurl = \"{u}\"\ninterval = 1\n"))
        .collect();
    std::fs::write(dir.join("feeds.toml"), feeds).unwrap();
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(seed_path(), corpus.join(format!("{SEED_ID}.txt"))).unwrap();
    vec![
        (
            "JIANBAO_FEEDS".into(),
            dir.join("feeds.toml").display().to_string(),
        ),
        (
            "JIANBAO_DATABASE".into(),
            dir.join("j.db").display().to_string(),
        ),
        ("JIANBAO_CORPUS".into(), corpus.display().to_string()),
        ("JIANBAO_ALLOW_PRIVATE_ADDRESSES".into(), "true".into()),
    ]
}

fn run(args: &[&str], env: &[(String, String)]) -> std::process::Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    jianbao_with(args, &env, None)
}

#[test]
fn feeds_commands_poll_list_and_one_shot_search_reads_the_database() {
    let server = FeedServer::start();
    server.set(
        "/rss",
        Route::rss(&rss(
            "命令行日报",
            &[(
                "c1",
                "朔州风电项目并网",
                None,
                Some("2026-11-30 08:00:00"),
                &long_text("朔州风电", 220),
            )],
        )),
    );
    let dir = tempfile::tempdir().unwrap();
    let env = cli_env(dir.path(), &[server.url("/rss"), server.url("/gone")]);
    let out = run(&["feeds", "poll", "--json"], &env);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one feed failed: {}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["feeds"][0]["added"], 1, "{v}");
    assert!(
        v["feeds"][1]["failed"].as_str().unwrap().contains("404"),
        "{v}"
    );

    let out = run(&["feeds", "list", "--json"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let feeds = v["feeds"].as_array().unwrap();
    assert_eq!(feeds[0]["articles"], 1);
    assert!(feeds[0]["last_error"].is_null() && feeds[0]["last_success"].is_string());
    assert!(feeds[1]["last_error"].as_str().unwrap().contains("404"));

    let out = run(&["search", "--json", "风电项目"], &env);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["articles"][0]["title"], "朔州风电项目并网", "{v}");
    assert_eq!(v["articles"][0]["date"], "2026-11-30");

    // OPML import adds feeds; importing twice adds nothing new.
    let opml = dir.path().join("f.opml");
    std::fs::write(
        &opml,
        format!(
            r#"<opml version="2.0"><body><outline text="导入" xmlUrl="{}"/></body></opml>"#,
            server.url("/imported")
        ),
    )
    .unwrap();
    let out = run(&["feeds", "import", opml.to_str().unwrap()], &env);
    assert!(
        stdout(&out).contains("1 new"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = run(&["feeds", "import", opml.to_str().unwrap()], &env);
    assert!(stdout(&out).contains("0 new"), "{}", stdout(&out));
}

#[test]
fn killed_mid_ingest_a_restart_completes_without_duplicates() {
    let server = FeedServer::start();
    const N: usize = 90;
    let items: Vec<(String, String, String)> = (0..N)
        .map(|i| {
            (
                format!("k{i}"),
                format!("第{i}号通报"),
                server.url(&format!("/p/{i}")),
            )
        })
        .collect();
    let refs: Vec<RssItem<'_>> = items
        .iter()
        .map(|(g, t, l)| (g.as_str(), t.as_str(), Some(l.as_str()), None, ""))
        .collect();
    server.set("/big", Route::rss(&rss("通报", &refs)));
    for i in 0..N {
        // Slow pages, so the process is killed between batches.
        server.set(
            &format!("/p/{i}"),
            Route::html(&page(
                "通报",
                &[&format!(
                    "第{i}号通报全文：编号{i}的工程按期完成验收，质量合格，\
                     各项指标均达到设计要求，即将投入使用。"
                )],
            ))
            .delay(Duration::from_millis(40)),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let env = cli_env(dir.path(), &[server.url("/big")]);
    let db = dir.path().join("j.db");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jianbao"));
    cmd.current_dir(root()).args(["feeds", "poll"]);
    for (k, _) in std::env::vars() {
        if k.starts_with("JIANBAO_") {
            cmd.env_remove(k);
        }
    }
    // Its warnings kept, to say why if it saves nothing.
    let log = dir.path().join("poll.log");
    cmd.envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    let mut child = cmd.spawn().expect("run jianbao");
    let started = Instant::now();
    loop {
        // Whether it had ended, read before the count: it may end right after saving.
        let ended = child.try_wait().unwrap();
        let saved = Store::open(&db)
            .ok()
            .and_then(|s| s.article_count().ok())
            .unwrap_or(0);
        if saved > 0 {
            break;
        }
        if let Some(status) = ended {
            panic!(
                "the poll ended ({status}) before saving; it said: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing saved in time; the poll said: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let partial = Store::open(&db).unwrap().article_count().unwrap() as usize;
    assert!(partial < N, "killed before the end ({partial})");

    let out = run(&["feeds", "poll", "--json"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        v["feeds"][0]["added"].as_u64().unwrap() as usize,
        N - partial,
        "{v}"
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(store.article_count().unwrap() as usize, N);
    // And the one-shot commands see each exactly once.
    let out = run(&["latest", "--json", "--limit", "100"], &env);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let mut ids: Vec<String> = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["article_id"].as_str().unwrap().to_string())
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (ids.len(), total),
        (N + 1, N + 1),
        "the feed's articles and the seed, once each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_answers_with_an_item_published_after_it_started_and_a_restart_keeps_it() {
    use crate::bot::{fast, start_live, text};
    use crate::common::fake_telegram::updates;

    let server = FeedServer::start();
    server.set("/rss", Route::rss(&rss("晚报", &[])));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("j.db");
    let store = Arc::new(Store::open(&db).unwrap());
    let live = live_over_seed();
    let ingest = Arc::new(ingest_over(&live, &store));
    let feed = add_feed(&store, "晚报", &server.url("/rss"));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let poller = tokio::spawn(Arc::clone(&ingest).run_poller(stopped));
    let bot = start_live(Arc::clone(&live), fast()).await;

    // Published after the bot started; the poller (interval 1 s) picks it up.
    server.set(
        "/rss",
        Route::rss(&rss(
            "晚报",
            &[(
                "late1",
                "长治新能源汽车产业园开工",
                None,
                Some("2030-01-02 08:00:00"),
                &long_text("长治新能源", 220),
            )],
        )),
    );
    let started = Instant::now();
    while ids_for(&live, "新能源汽车").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the poller did not ingest the item"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.fake
        .push_update(updates::private_text(&alice, "/latest"));
    let latest = bot.next_message(chat, 0).await;
    assert!(
        text(&latest).contains("长治新能源汽车产业园开工"),
        "{}",
        text(&latest)
    );
    bot.fake
        .push_update(updates::private_text(&alice, "/search 新能源汽车"));
    let found = bot.next_message(chat, 1).await;
    assert!(
        text(&found).contains("长治新能源汽车产业园开工"),
        "{}",
        text(&found)
    );
    bot.finish().await;
    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), poller).await;
    assert!(store.feed(feed).unwrap().unwrap().last_error.is_none());

    // A restart from the database: the item is there once, and polling again adds nothing.
    drop(ingest);
    let mut corpus: Corpus = load(&seed_path());
    corpus
        .articles
        .extend(jianbao::ingest::stored_articles(&store).unwrap());
    let engine = Engine::from_corpus(
        corpus,
        &Config::default().engine_options(),
        SEGMENTER.clone(),
        Duration::ZERO,
        &|_, _| {},
    )
    .unwrap();
    let restarted = Arc::new(LiveEngine::new(Arc::new(engine)));
    assert_eq!(ids_for(&restarted, "新能源汽车").len(), 1);
    let again = ingest_over(&restarted, &store);
    let r = poll(&again, feed).await;
    assert_eq!((r.added, r.updated), (0, 0), "{r:?}");
    assert_eq!(ids_for(&restarted, "新能源汽车").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_that_is_only_a_link_is_read_from_its_page() {
    let server = FeedServer::start();
    server.set(
        "/n/bridge.html",
        Route::html(&news_page(
            "沁河特大桥合龙",
            "2026-11-20 10:00:00 来源：晋城日报",
            &[
                "11月19日，沁河特大桥主桥顺利合龙，大桥全长一千八百米，预计明年五月通车。",
                "大桥建成后，两岸群众过河时间将由四十分钟缩短至五分钟。",
            ],
        )),
    );
    server.set(
        "/rss",
        Route::rss(&rss(
            "只有链接",
            &[
                ("bridge", "", Some(&server.url("/n/bridge.html")), None, ""),
                ("gone", "", Some(&server.url("/n/missing.html")), None, ""),
            ],
        )),
    );
    let live = live_over_seed();
    let store = Arc::new(Store::open_in_memory().unwrap());
    let ingest = ingest_over(&live, &store);
    let feed = add_feed(&store, "links", &server.url("/rss"));
    let r = poll(&ingest, feed).await;
    assert_eq!((r.added, r.failed.as_deref()), (1, None), "{r:?}");
    let ids = ids_for(&live, "沁河特大桥");
    assert_eq!(ids.len(), 1);
    let snap = live.snapshot();
    let a = snap.article(&ids[0]).unwrap();
    assert_eq!(a.title, "沁河特大桥合龙");
    assert_eq!(a.date, chrono::NaiveDate::from_ymd_opt(2026, 11, 20));
    assert!(
        r.warnings.iter().any(|w| w.contains("gone")),
        "the link whose page is missing is named: {r:?}"
    );
    // Not seen yet: the next poll tries that page again, and adds nothing twice.
    let again = poll(&ingest, feed).await;
    assert_eq!(again.added, 0, "{again:?}");
    assert!(
        again.warnings.iter().any(|w| w.contains("gone")),
        "{again:?}"
    );
}

/// `jianbao chat` over the folder and database of `cli_env(dir)` (no feeds), logging at
/// `log`, fed `input`: what it printed and what it logged.
fn chat_over(dir: &Path, log: &str, input: &str) -> (String, String) {
    let mut env = cli_env(dir, &[]);
    env.push(("JIANBAO_LOG".into(), log.into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let out = jianbao_with(&["chat"], &env, Some(input));
    assert!(out.status.success(), "{}", stderr(&out));
    (stdout(&out), stderr(&out))
}

#[test]
fn a_restart_indexes_only_what_changed_while_it_was_down() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let write = |name: &str, text: &str| std::fs::write(corpus.join(name), text).unwrap();
    write(
        "rice.txt",
        "晋南水稻喜获丰收\n\n晋南水稻种植基地迎来丰收，亩产创新高。\n",
    );
    write(
        "bridge.txt",
        "汾河新桥合龙\n\n汾河新桥主体结构顺利合龙，年底通车。\n",
    );
    let chat = |input: &str| chat_over(dir.path(), "info", input);
    let (out, log) = chat("/search 水稻\n");
    assert!(out.contains("晋南水稻喜获丰收"), "{out}");
    assert!(
        log.contains("0 articles kept, 3 indexed, 0 removed"),
        "{log}"
    );
    assert!(dir.path().join("j.index").join("meta.json").exists());

    // Unchanged: everything kept, nothing indexed.
    let (out, log) = chat("/search 合龙\n");
    assert!(out.contains("汾河新桥合龙"), "{out}");
    assert!(
        log.contains("3 articles kept, 0 indexed, 0 removed"),
        "{log}"
    );

    // While it was down: one file changed, one removed, one added.
    write(
        "rice.txt",
        "晋南玉米喜获丰收\n\n晋南玉米种植基地迎来丰收，机收进度过半。\n",
    );
    std::fs::remove_file(corpus.join("bridge.txt")).unwrap();
    write(
        "metro.txt",
        "太原地铁新线试运行\n\n太原地铁新线开始试运行，站台秩序井然。\n",
    );
    let (out, log) = chat("/search 玉米\n/search 水稻\n/search 合龙\n/search 试运行\n");
    assert!(
        log.contains("1 articles kept, 2 indexed, 2 removed"),
        "{log}"
    );
    assert!(out.contains("晋南玉米喜获丰收"), "{out}");
    assert!(out.contains("太原地铁新线试运行"), "{out}");
    assert!(
        !out.contains("晋南水稻喜获丰收"),
        "the old text is gone: {out}"
    );
    assert!(
        !out.contains("汾河新桥合龙"),
        "the removed file is gone: {out}"
    );
}

#[test]
fn an_index_folder_that_cannot_be_used_leaves_the_bot_answering_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    // Where the index would be kept, an operator's own folder.
    let folder = dir.path().join("j.index");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), "mine").unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("rice.txt"),
        "晋南水稻喜获丰收\n\n晋南水稻种植基地迎来丰收，亩产创新高。\n",
    )
    .unwrap();
    let (out, log) = chat_over(dir.path(), "warn", "/search 水稻\n");
    assert!(
        log.contains("built in memory") && log.contains("notes.txt"),
        "{log}"
    );
    assert!(out.contains("晋南水稻喜获丰收"), "{out}");
    assert_eq!(
        std::fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        1,
        "nothing written there"
    );
}
