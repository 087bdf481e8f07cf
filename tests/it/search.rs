//! Search over the seed and fixtures: expected articles for plain, substring, width- and
//! script-variant queries; hostile query strings; grouping, highlights and `latest` order.

use jianbao::answer::SearchNotice;

use crate::common::*;

/// The id of the best article for `query`, if any.
fn top(query: &str) -> Option<String> {
    ENGINE
        .search(query, 1, 5)
        .articles
        .first()
        .map(|g| g.article.article_id.clone())
}

#[test]
fn queries_find_their_article() {
    let cases = [
        ("黄河 忻州", SEED_ID),
        ("主汛期 巡查", "xw-20240601-02"),
        ("太忻一体化", SEED_ID),
        ("171公里", SEED_ID),
        ("忻州 领导小组", SEED_ID),
        ("防汛 新华社", "xinhua_flood"),
        ("水位超过警戒线", "xinhua_flood"),
        ("汾河水库生态补水", "reservoir"),
        ("夏粮收购", "xw-20240601-01"),
        ("铁路暑运", "xw-20240602-01"),
        ("水资源保护条例", "traditional_taiwan"),
    ];
    for (query, want) in cases {
        assert_eq!(top(query).as_deref(), Some(want), "query {query:?}");
    }
}

#[test]
fn substrings_inside_words_are_found() {
    // Runs of characters that jieba does not cut as words.
    for (query, want) in [
        ("晋第一", SEED_ID),
        ("动脑", SEED_ID),
        ("心所", SEED_ID),
        ("警戒", "xinhua_flood"),
        ("补水3000", "reservoir"),
    ] {
        let results = ENGINE.search(query, 1, 10);
        assert!(
            results
                .articles
                .iter()
                .any(|g| g.article.article_id == want),
            "query {query:?} should find {want}, got {:?}",
            results
                .articles
                .iter()
                .map(|g| &g.article.article_id)
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn width_and_script_variants_match() {
    for query in ["１７１公里", "忻州ＡＢＣ黄河", "黃河流域", "高質量發展"] {
        assert_eq!(top(query).as_deref(), Some(SEED_ID), "query {query:?}");
    }
    // A simplified query finds the traditional-script article, shown in its own script.
    let results = ENGINE.search("水资源 罚款", 1, 5);
    let g = results.articles.first().expect("traditional article found");
    assert_eq!(g.article.article_id, "traditional_taiwan");
    assert!(
        g.article.title.contains("臺灣"),
        "title keeps its own script: {}",
        g.article.title
    );
    let hit = &g.hits[0];
    let marked: Vec<&str> = hit
        .highlights
        .iter()
        .map(|r| &hit.text[r.clone()])
        .collect();
    assert!(
        marked.contains(&"罰款"),
        "highlights mark the original characters: {marked:?}"
    );
}

#[test]
fn hostile_queries_never_fail() {
    let long = "黄河".repeat(1000);
    let queries = [
        "\"黄河\"",
        "title:黄河",
        "黄河 AND 长江",
        "(黄河",
        "黄河]",
        "*",
        "黄河*",
        "-黄河",
        "+",
        "~2",
        "^",
        "黄河^3",
        "a:b:c",
        "\\",
        "🌊🌊🌊",
        "<b>&amp;</b>",
        "'; DROP TABLE",
        "NOT",
        "OR OR",
        "\u{0}",
        "\u{202e}黄河",
        long.as_str(),
        "。。。",
        "的",
        "的了吗",
        "   ",
        "",
    ];
    for q in queries {
        let r = ENGINE.search(q, 1, 5);
        assert!(r.articles.len() <= 5, "query {q:?}");
        for g in &r.articles {
            for h in &g.hits {
                for range in &h.highlights {
                    assert!(
                        h.text.get(range.clone()).is_some(),
                        "query {q:?}: bad highlight {range:?}"
                    );
                }
            }
        }
    }
    assert!(
        ENGINE
            .search("。。。", 1, 5)
            .notices
            .contains(&SearchNotice::EmptyQuery)
    );
    assert!(
        ENGINE
            .search("", 1, 5)
            .notices
            .contains(&SearchNotice::EmptyQuery)
    );
    assert!(
        ENGINE
            .search(&long, 1, 5)
            .notices
            .contains(&SearchNotice::Truncated)
    );
    assert!(
        ENGINE
            .search("黄河 AND 长江", 1, 5)
            .articles
            .iter()
            .any(|g| g.article.article_id == SEED_ID)
    );
}

#[test]
fn no_match_is_empty_without_notice() {
    let r = ENGINE.search("量子计算机芯片", 1, 5);
    assert!(
        r.articles.is_empty(),
        "{:?}",
        r.articles
            .iter()
            .map(|g| &g.article.title)
            .collect::<Vec<_>>()
    );
    assert_eq!(r.total_articles, 0);
    assert!(r.notices.is_empty());
}

#[test]
fn results_are_grouped_with_highlights() {
    let r = ENGINE.search("黄河", 1, 10);
    assert!(
        r.total_articles >= 3,
        "seed, flood page and JSONL story mention 黄河"
    );
    let mut seen = std::collections::HashSet::new();
    for (i, g) in r.articles.iter().enumerate() {
        assert_eq!(g.rank, i + 1);
        assert!(
            seen.insert(g.article.article_id.clone()),
            "article repeated: {}",
            g.article.article_id
        );
        assert!(
            !g.hits.is_empty() && g.hits.len() <= 2,
            "at most paragraphs_per_article hits"
        );
        assert!(
            g.hits.windows(2).all(|w| w[0].score >= w[1].score),
            "best paragraph first"
        );
        for h in &g.hits {
            assert!(
                h.highlights.iter().any(|r| &h.text[r.clone()] == "黄河")
                    || g.article.title.contains("黄河"),
                "hit in {} has no 黄河 highlight",
                g.article.article_id
            );
        }
    }
    assert!(
        r.articles.windows(2).all(|w| w[0].score >= w[1].score),
        "articles by best score"
    );
}

#[test]
fn paging_walks_all_results() {
    let all = ENGINE.search("黄河 水", 1, 50);
    let mut paged = Vec::new();
    for page in 1..=all.total_articles {
        let r = ENGINE.search("黄河 水", page, 1);
        assert_eq!(r.articles.len(), 1, "page {page}");
        paged.push(r.articles[0].article.article_id.clone());
    }
    let ids: Vec<String> = all
        .articles
        .iter()
        .map(|g| g.article.article_id.clone())
        .collect();
    assert_eq!(paged, ids);
    assert!(
        ENGINE
            .search("黄河 水", all.total_articles + 1, 1)
            .articles
            .is_empty()
    );
}

#[test]
fn latest_is_newest_first_with_stable_ties() {
    let latest = ENGINE.latest(100);
    assert_eq!(latest.len(), ENGINE.articles().len());
    for w in latest.windows(2) {
        let (a, b) = (w[0], w[1]);
        match (a.date, b.date) {
            (Some(x), Some(y)) => {
                assert!(x > y || (x == y && a.id < b.id), "{} before {}", a.id, b.id)
            }
            (None, Some(_)) => panic!("undated {} before dated {}", a.id, b.id),
            _ => {}
        }
    }
    let ids: Vec<&str> = latest.iter().map(|a| a.id.as_str()).collect();
    let pos = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    assert!(
        pos("xw-20240601-01") < pos("xw-20240601-02"),
        "same day: by id"
    );
    assert!(pos("xw-20240602-01") < pos("xw-20240601-01"));
    assert_eq!(ENGINE.latest(2).len(), 2);
}

#[test]
fn articles_by_id() {
    let a = ENGINE.article(SEED_ID).expect("seed by id");
    assert_eq!(a.paragraphs.len(), 4);
    assert!(ENGINE.article("no-such-id").is_none());
    assert!(
        ENGINE.article(&format!("  {SEED_ID} ")).is_some(),
        "surrounding spaces are ignored"
    );
}

/// An engine over `n` generated articles that all mention 黄河, in three paragraphs each,
/// as often as their number says: more results than one fetch from the index holds.
fn wide_engine(n: usize) -> jianbao::answer::Engine {
    use jianbao::corpus::{Article, Corpus};
    let places = [
        "兰州", "银川", "包头", "忻州", "郑州", "济南", "开封", "洛阳",
    ];
    let articles = (0..n)
        .map(|i| {
            let place = places[i % places.len()];
            let mentions = "黄河".repeat(1 + i % 7);
            Article::new(
                format!("wide-{i:03}"),
                format!("{place}第{i}次治理工作会议"),
                vec![
                    format!("{place}召开会议，研究{mentions}流域生态保护，部署第{i}项任务。"),
                    format!(
                        "会议指出，{place}段河道治理取得进展，{}。",
                        "堤防加固".repeat(1 + i % 3)
                    ),
                    format!("与会人员表示，将继续推进{place}黄河岸线整治。"),
                ],
            )
        })
        .collect();
    let corpus = Corpus {
        articles,
        skipped: Vec::new(),
        unreadable_files: 0,
        bytes: 0,
    };
    let config = jianbao::config::Config::default();
    jianbao::answer::Engine::from_corpus(
        corpus,
        &config.engine_options(),
        SEGMENTER.clone(),
        std::time::Duration::ZERO,
        &|_, _| {},
    )
    .expect("engine builds")
}

#[test]
fn deep_results_page_through_every_article_once() {
    let engine = wide_engine(150);
    let first = engine.search("黄河", 1, 5);
    // The first page fetches only what it needs: the count is a lower bound, and says so.
    assert!(!first.total_is_exact, "{} articles", first.total_articles);
    assert!(first.pages() >= 2, "a next page must be offered");
    let mut seen = Vec::new();
    let mut scores = Vec::new();
    let mut page = 1;
    loop {
        let r = engine.search("黄河", page, 5);
        if r.articles.is_empty() {
            break;
        }
        assert!(
            r.articles.len() == 5 || page >= r.pages(),
            "page {page} short"
        );
        for g in &r.articles {
            assert_eq!(g.rank, (page - 1) * 5 + seen.len() % 5 + 1);
            seen.push(g.article.article_id.clone());
            scores.push(g.score);
        }
        // Following "next" as the bot does: offered exactly while there is a next page.
        if page >= r.pages() {
            break;
        }
        page += 1;
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "an article shown twice");
    assert_eq!(seen.len(), 150, "every article reached by paging");
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    assert!(
        engine.search("黄河", page + 1, 5).articles.is_empty(),
        "nothing after the last page"
    );
}

#[test]
fn merging_segments_keeps_every_result() {
    use jianbao::index::score_key;
    let engine = wide_engine(400);
    let queries = [
        "黄河",
        "忻州 治理",
        "堤防加固",
        "第37次",
        "银川段河道",
        "第123项任务",
    ];
    // Per query and page: the count, and the scores of the hits in order. Which of several
    // equally scored paragraphs fills the last places fetched may change with the segment
    // layout; the scores may not. Plus the best article of each query.
    let snapshot = |e: &jianbao::answer::Engine| {
        queries
            .iter()
            .flat_map(|q| {
                [1, 3].map(|page| {
                    let r = e.search(q, page, 5);
                    let scores: Vec<i64> = r
                        .articles
                        .iter()
                        .flat_map(|g| g.hits.iter())
                        .map(|h| score_key(h.score))
                        .collect();
                    let best = r.articles.first().map(|g| g.article.article_id.clone());
                    (q, page, r.total_articles, r.total_is_exact, scores, best)
                })
            })
            .collect::<Vec<_>>()
    };
    let before = snapshot(&engine);
    assert_eq!(
        engine.search("第37次", 1, 5).articles[0].article.article_id,
        "wide-037"
    );
    let segments = engine.index_segments();
    engine.compact_index();
    assert_eq!(
        engine.index_segments(),
        1,
        "merged from {segments} segments"
    );
    let after = snapshot(&engine);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((b.2, b.3, &b.4), (a.2, a.3, &a.4), "{} page {}", b.0, b.1);
        // The best article is the same whenever it is the only one with its score.
        let unique_best = b.4.len() < 2 || b.4[0] > b.4[1];
        if b.1 == 1 && unique_best {
            assert_eq!(b.5, a.5, "best article for {}", b.0);
        }
    }
    engine.compact_index();
    assert_eq!(engine.index_segments(), 1);
}

#[test]
fn a_lower_bound_count_says_so_and_still_offers_the_next_page() {
    use jianbao::chat::Reply;
    use jianbao::render::{Lang, telegram::reply};
    let render = |r: jianbao::answer::SearchResults| {
        let out = reply(&Reply::Search(r), Some(7), Lang::Zh);
        let next = out[0].buttons.iter().flatten().any(|b| b.data == "p:7:2");
        (
            out[0].html.lines().next().unwrap_or_default().to_string(),
            next,
        )
    };
    let engine = wide_engine(150);
    let (header, next) = render(engine.search("黄河", 1, 5));
    assert!(header.contains("+ 篇 · 第 1 页"), "{header}");
    assert!(next, "a next-page button");
    // An exact count shows the page total, and no next page past the last.
    let exact = engine.search("黄河", 1, 200);
    assert!(exact.total_is_exact);
    let pages = exact.pages();
    let (header, next) = render(exact);
    assert!(header.contains(&format!("第 1/{pages} 页")), "{header}");
    assert_eq!(next, pages > 1);
}
