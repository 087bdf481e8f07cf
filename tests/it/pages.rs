//! Golden tests for real-page genres: HTML pages (meta tags, JSON-LD, a visible date line,
//! a GBK page, a mislabelled charset, a list page and other pages with no article) and
//! whole-page text copies (the headline found by its shape, not the first line).

use chrono::NaiveDate;
use jianbao::corpus::{self, Article, HtmlError, LoadOptions};

use crate::common::*;

fn html_fixture(name: &str) -> std::path::PathBuf {
    root().join("tests/fixtures/html").join(name)
}

fn whole_page(name: &str) -> Article {
    let path = root().join("tests/fixtures/whole_pages").join(name);
    let corpus = load(&path);
    assert!(corpus.skipped.is_empty(), "{name}: {:?}", corpus.skipped);
    corpus.articles.into_iter().next().expect("one article")
}

fn html(name: &str) -> Article {
    let corpus = load(&html_fixture(name));
    assert!(corpus.skipped.is_empty(), "{name}: {:?}", corpus.skipped);
    assert_eq!(corpus.articles.len(), 1, "{name}");
    corpus.articles.into_iter().next().expect("one article")
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Words of page furniture that must not be left in a body.
const FURNITURE: &[&str] = &[
    "责任编辑",
    "编辑：",
    "相关推荐",
    "分享到",
    "原标题",
    "摄）",
    "版权所有",
    "举报",
    "打印",
    "热门文章",
    "来源：",
];

fn assert_clean(a: &Article) {
    for p in &a.paragraphs {
        for f in FURNITURE {
            assert!(!p.contains(f), "{}: furniture {f:?} in {p:?}", a.id);
        }
    }
}

#[test]
fn html_with_meta_tags() {
    let a = html("meta_tags.html");
    assert_eq!(a.id, "meta_tags");
    assert_eq!(a.title, "全省春耕生产进度过半 粮食播种面积稳中有增");
    assert_eq!(a.date, date(2023, 4, 18));
    assert_eq!(a.source.as_deref(), Some("示例日报"));
    assert_eq!(a.reporter.as_deref(), Some("王小明"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://news.example.com/a/20230418/001.html")
    );
    assert_eq!(a.paragraphs.len(), 3, "{:#?}", a.paragraphs);
    assert!(a.paragraphs[0].starts_with("示例日报讯（记者 王小明）4月17日，"));
    assert!(a.paragraphs[2].ends_with("打下坚实基础。"));
    assert_clean(&a);
}

#[test]
fn html_with_json_ld() {
    let a = html("json_ld.html");
    assert_eq!(a.title, "黄河流域生态保护规划发布");
    assert_eq!(a.date, date(2022, 6, 21));
    assert_eq!(
        a.outlet.as_deref(),
        Some("新华社"),
        "the byline names the outlet"
    );
    assert_eq!(a.reporter.as_deref(), Some("陈晨"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.example.org/news/yellow-river.html")
    );
    assert_eq!(a.paragraphs.len(), 3, "{:#?}", a.paragraphs);
    assert!(
        a.paragraphs[2].ends_with("保护传承弘扬黄河文化。"),
        "(完) is dropped: {:?}",
        a.paragraphs[2]
    );
    assert_clean(&a);
}

#[test]
fn html_with_only_a_visible_date_line() {
    let a = html("visible_date.html");
    assert_eq!(a.title, "外媒眼中的长假：消费回暖 游客如织");
    assert_eq!(a.date, date(2020, 10, 4));
    assert_eq!(a.outlet_or_source(), Some("参考消息"));
    assert_eq!(a.paragraphs.len(), 3, "{:#?}", a.paragraphs);
    assert!(a.paragraphs[0].starts_with("参考消息网10月4日报道"));
    assert_clean(&a);
}

#[test]
fn html_in_gbk_declared_in_meta() {
    let bytes = std::fs::read(html_fixture("gbk_page.html")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is GBK");
    let a = html("gbk_page.html");
    assert_eq!(a.title, "市政府召开常务会议 研究部署防汛工作");
    assert_eq!(a.date, date(2021, 7, 5));
    assert_eq!(a.source.as_deref(), Some("示例日报"));
    assert_eq!(a.reporter.as_deref(), Some("李华"));
    assert_eq!(a.paragraphs.len(), 2, "{:#?}", a.paragraphs);
    assert!(a.paragraphs[0].contains("压实防汛责任"));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert_clean(&a);
}

#[test]
fn mislabelled_charset_is_read_with_a_warning() {
    // UTF-8 bytes that still declare gb2312 (a page saved from the browser's DOM).
    let gbk = std::fs::read(html_fixture("gbk_page.html")).unwrap();
    let (text, _, _) = encoding_rs::GBK.decode(&gbk);
    let a = corpus::read_html_bytes(text.as_bytes(), None, None, "p").expect("read");
    assert_eq!(a.title, "市政府召开常务会议 研究部署防汛工作");
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("gb2312") && w.contains("UTF-8")),
        "{:?}",
        a.warnings
    );
    // The HTTP header's charset outranks the page's declaration.
    let a = corpus::read_html_bytes(&gbk, Some("text/html; charset=GBK"), None, "p").unwrap();
    assert!(a.paragraphs[0].contains("压实防汛责任"));
}

#[test]
fn bytes_fetched_over_http_take_the_url() {
    let bytes = std::fs::read(html_fixture("visible_date.html")).unwrap();
    let a = corpus::read_html_bytes(
        &bytes,
        Some("text/html"),
        Some("https://example.net/a.html"),
        "feed-1",
    )
    .unwrap();
    assert_eq!(a.id, "feed-1");
    assert_eq!(a.url.as_deref(), Some("https://example.net/a.html"));
    // A canonical link outranks the fetched address.
    let bytes = std::fs::read(html_fixture("meta_tags.html")).unwrap();
    let a = corpus::read_html_bytes(&bytes, None, Some("https://m.example.com/x"), "x").unwrap();
    assert_eq!(
        a.url.as_deref(),
        Some("https://news.example.com/a/20230418/001.html")
    );
}

#[test]
fn pages_without_an_article_are_skipped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(html_fixture("list_page.html"), d.join("list.html")).unwrap();
    std::fs::copy(html_fixture("meta_tags.html"), d.join("good.html")).unwrap();
    std::fs::write(
        d.join("script.htm"),
        "<html><head><script>document.write('<p>加载中……请稍候，正文马上出现。</p>')</script></head><body><script>var a=1;</script></body></html>",
    )
    .unwrap();
    std::fs::write(
        d.join("404.shtml"),
        "<html><head><title>404 页面不存在</title></head><body><h1>404</h1><p>抱歉，您访问的页面不存在。</p><a href='/'>返回首页</a></body></html>",
    )
    .unwrap();
    std::fs::write(d.join("empty.xhtml"), "").unwrap();
    // 20 MB of markup: skipped, not parsed for seconds.
    let big = format!(
        "<html><body>{}</body></html>",
        "<div><p>很长的页面，很长的页面。</p></div>".repeat(400_000)
    );
    assert!(big.len() > 20 * 1024 * 1024);
    std::fs::write(d.join("huge.html"), big).unwrap();
    // Invalid markup is still read.
    std::fs::write(
        d.join("broken.html"),
        "<html><body><div><h1>破损的页面也能读出正文</h1><p>2024-01-02 来源：示例报</p><p>这是一段正文，标签没有闭合，但是读者依然能够读到它，内容完整清楚。<div></span></p><p>第二段正文也在这里，同样可以读到。</table></body>",
    )
    .unwrap();
    let corpus = corpus::load_dir(d, &LoadOptions::default()).unwrap();
    let skipped: Vec<String> = corpus.skipped.iter().map(ToString::to_string).collect();
    for (name, why) in [
        ("list.html", "no article"),
        ("script.htm", "no "),
        ("404.shtml", "no "),
        ("empty.xhtml", "empty"),
        ("huge.html", "MB"),
    ] {
        assert!(
            skipped.iter().any(|s| s.contains(name) && s.contains(why)),
            "{name} should be skipped saying {why:?}: {skipped:?}"
        );
    }
    let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["broken", "good"], "{skipped:?}");
    let broken = &corpus.articles[0];
    assert_eq!(broken.title, "破损的页面也能读出正文");
    assert_eq!(broken.date, date(2024, 1, 2));
    assert_eq!(broken.paragraphs.len(), 2, "{:#?}", broken.paragraphs);
    assert!(
        matches!(
            corpus::read_html_bytes(
                b"<html><body><script>x()</script></body></html>",
                None,
                None,
                "s"
            ),
            Err(HtmlError::NoArticle(_))
        ),
        "a script-only page has no article"
    );
}

#[test]
fn whole_page_copy_finds_the_headline_by_its_date_line() {
    let a = whole_page("whole_page.txt");
    assert_eq!(a.title, "高铁新线开通运营 沿线城市进入一小时交通圈");
    assert_eq!(a.date, date(2023, 4, 28), "not the navigation's date");
    assert_eq!(a.source.as_deref(), Some("示例晚报"));
    assert_eq!(a.paragraphs.len(), 5, "{:#?}", a.paragraphs);
    assert!(a.paragraphs[0].starts_with("4月28日上午"));
    assert!(a.paragraphs[4].ends_with("方便群众出行。"));
    assert!(
        !a.paragraphs.iter().any(|p| p.contains("民生工程")),
        "a long recommendation list is never body"
    );
    assert!(a.deck.iter().all(|d| !d.contains("分享")), "{:?}", a.deck);
}

#[test]
fn whole_page_copy_with_an_author_line_above_the_date() {
    let a = whole_page("outlet_line.txt");
    assert_eq!(a.title, "一位老师放弃百万年薪来到山区，唯一的要求竟是……");
    assert_eq!(a.date, date(2019, 9, 9));
    assert_eq!(a.outlet_or_source(), Some("示例教育观察"));
    assert_eq!(a.paragraphs.len(), 2, "{:#?}", a.paragraphs);
}

#[test]
fn whole_page_copy_without_a_date_line() {
    let a = whole_page("no_date_line.txt");
    assert_eq!(a.title, "全市金融系统开展“金融知识普及月”活动");
    assert_eq!(a.paragraphs.len(), 2, "{:#?}", a.paragraphs);
    assert!(a.paragraphs[1].ends_with("系列宣传活动。"));
}
