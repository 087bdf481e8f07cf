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
