//! HTML news pages (`.html`, `.htm`, `.shtml`, `.xhtml` files, and pages fetched over
//! HTTP): bytes to an [`Article`].
//!
//! - Charset: [`decode_declared`] (a byte-order mark, valid UTF-8, then the `Content-Type`
//!   header's or the page's own `<meta charset>` / `http-equiv` label where it fits, then
//!   detection), the policy feeds are read by too. A page that declares a legacy charset
//!   but is valid UTF-8 (saved from a browser's DOM) is read as UTF-8, with a warning.
//! - Main content: `dom_smoothie` (a port of Mozilla's Readability) in its formatted-text
//!   mode, which keeps paragraphs; then the genre's rules ([`genre::cut_body`]) drop what
//!   Readability keeps of the furniture (editor credits, 来源 lines, recommendation lists,
//!   captions, 原标题 lines), so the text and HTML readers stop at the same places.
//! - Metadata from what the page states, in order of trust: JSON-LD `NewsArticle`, `<meta>`
//!   tags, the visible date/source line under the headline (read by the text reader on the
//!   page's visible text), `<h1>`, and `<title>` without its site suffix. The canonical URL
//!   becomes the article's `url`.
//!
//! Why `dom_smoothie` and not `trafilatura`: see `docs/EVAL.md` (measured on the news pages).

use std::sync::LazyLock;

use dom_query::{Document, NodeRef};
use regex::Regex;
use serde_json::Value;

use super::dates::parse_date;
use super::genre::{self, cut_body, is_body_start_line, take_byline};
use super::{Article, DateOrigin, DecodeError, decode_declared, page};

/// A page larger than this is not a news article (a data dump, an archive of pages, a page
/// with images inlined): it is skipped rather than parsed for seconds.
pub const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;

/// Readability gives up on pages with more elements than this (its time grows with them).
const MAX_ELEMENTS: usize = 30_000;

/// Why an HTML page gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("page is {0} MB, over the {max} MB an HTML news page can be", max = MAX_HTML_BYTES / (1024 * 1024))]
    TooLarge(usize),
    #[error("no article on the page ({0})")]
    NoArticle(&'static str),
}

/// File extensions of HTML pages.
pub(super) const EXTENSIONS: &[&str] = &["html", "htm", "shtml", "xhtml"];

/// Reads one HTML news page from its bytes: `content_type` is the HTTP `Content-Type` header
/// if the page was fetched (its charset wins over the page's own declaration), `url` the
/// address it came from (the page's canonical URL wins over it), `id` the article id.
/// Warnings about the page (a mislabelled charset, a body read without the extractor) are
/// in [`Article::warnings`]; a page with no article (a home, list or error page, a page that
/// is only a script) is an error that says why.
pub fn read_html_bytes(
    bytes: &[u8],
    content_type: Option<&str>,
    url: Option<&str>,
    id: &str,
) -> Result<Article, HtmlError> {
    if bytes.len() > MAX_HTML_BYTES {
        return Err(HtmlError::TooLarge(bytes.len() / (1024 * 1024)));
    }
    let (html, warnings) = decode_declared(bytes, content_type)?;
    let doc = Document::from(html.as_str());
    let meta = Meta::read(&doc);
    let lines_owned = visible_lines(&doc);
    let lines: Vec<&str> = lines_owned.iter().map(String::as_str).collect();
    if lines.is_empty() {
        return Err(HtmlError::NoArticle(
            "no visible text; only scripts or markup",
        ));
    }
    // The page as a person reads it: the text reader finds the headline, the date/source
    // line under it and a body; the extractor's body is preferred when it has one.
    let seen = page::parse_lines(&lines, None);
    let mut article = seen.unwrap_or_else(|| Article::new("", "", Vec::new()));
    article.id = id.to_string();
    article.warnings.retain(|w| !w.contains("no body"));
    article.warnings.extend(warnings);

    let extracted = extract_body(doc, url);
    match extracted {
        Some(paragraphs) if !paragraphs.is_empty() => {
            article.paragraphs = paragraphs;
            article.byline_len = 0;
            article.outlet = None;
            take_byline(&mut article);
        }
        _ if !article.paragraphs.is_empty() => article.warnings.push(
            "the extractor found no main text; the body is read from the page's visible text"
                .into(),
        ),
        _ => {}
    }
    if !has_article_text(&article.paragraphs) {
        return Err(HtmlError::NoArticle(
            "no paragraph of article text; a home, list or error page?",
        ));
    }
    apply_meta(&mut article, &meta, &lines);
    article.url = meta.url.clone().or_else(|| url.map(str::to_string));
    Ok(article)
}

/// At least one paragraph of prose, and more than a caption's worth of text.
fn has_article_text(paragraphs: &[String]) -> bool {
    let chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    chars >= 40 && paragraphs.iter().any(|p| genre::is_prose(p))
}

/// What the page states about itself, each field in order of trust.
#[derive(Debug, Default)]
struct Meta {
    /// JSON-LD headline, `og:title`, `twitter:title`.
    titles: Vec<String>,
    h1: Vec<String>,
    /// `<title>`.
    page_title: Option<String>,
    /// JSON-LD `datePublished`, then the date `<meta>` tags.
    dates: Vec<String>,
    /// Weaker hints, used only when neither those nor the page's visible date line give a
    /// date: a publication time in an inline script's data (`"pubtime": "…"`, as many
    /// Chinese news sites write it), then the modification dates (`dateModified`).
    weak_dates: Vec<String>,
    /// `<meta name=source>` and the like.
    source: Option<String>,
    /// JSON-LD publisher, `og:site_name`: the site, when the page names no source.
    site: Option<String>,
    author: Option<String>,
    description: Option<String>,
    url: Option<String>,
}

impl Meta {
    fn read(doc: &Document) -> Self {
        let mut meta = Meta::default();
        for script in doc.select("script[type='application/ld+json']").iter() {
            let text = script.text();
            if let Ok(value) = serde_json::from_str::<Value>(text.trim()) {
                meta.read_json_ld(&value, 0);
            }
        }
        static SCRIPT_DATE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(
                r#"(?i)["']?(?-u:\b)(?:pub_?time|pub_?date|publish_?time|publish_?date|date_?published)["']?\s*[:=]\s*["']([^"'\n]{8,40})["']"#,
            )
            .expect("valid regex")
        });
        for script in doc
            .select("script:not([type='application/ld+json'])")
            .iter()
        {
            let text = script.text();
            if let Some(c) = SCRIPT_DATE.captures(&text) {
                meta.weak_dates.push(c[1].trim().to_string());
            }
        }
        let mut og_titles = Vec::new();
        let mut dates = Vec::new();
        let mut modified = Vec::new();
        for m in doc.select("meta").iter() {
            let key = m
                .attr("property")
                .or_else(|| m.attr("name"))
                .or_else(|| m.attr("itemprop"))
                .map(|k| k.to_ascii_lowercase());
            let (Some(key), Some(content)) = (key, m.attr("content")) else {
                continue;
            };
            let value = content.trim().to_string();
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "og:title" | "twitter:title" => og_titles.push(value),
                "article:published_time"
                | "publishdate"
                | "pubdate"
                | "publish_date"
                | "publishtime"
                | "publish_time"
                | "og:release_date"
                | "datepublished"
                | "article:publish_time"
                | "dc.date"
                | "dc.date.issued"
                | "date"
                | "sailthru.date"
                | "parsely-pub-date"
                | "weibo: article:create_at" => dates.push(value),
                "datemodified"
                | "dateupdate"
                | "article:modified_time"
                | "og:updated_time"
                | "datecreated" => modified.push(value),
                "source" | "mediaid" | "og:article:source" | "article:source" => {
                    meta.source.get_or_insert(value);
                }
                "og:site_name" | "application-name" => {
                    meta.site.get_or_insert(value);
                }
                "author" | "article:author" | "og:article:author" => {
                    meta.author.get_or_insert(value);
                }
                "description" | "og:description" => {
                    meta.description.get_or_insert(value);
                }
                "og:url" => {
                    meta.url.get_or_insert(value);
                }
                _ => {}
            }
        }
        meta.titles.extend(og_titles);
        meta.dates.extend(dates);
        meta.weak_dates.extend(modified);
        for link in doc.select("link[rel='canonical']").iter() {
            if let Some(href) = link.attr("href").filter(|h| h.starts_with("http")) {
                // The canonical link outranks og:url.
                meta.url = Some(href.trim().to_string());
                break;
            }
        }
        meta.h1 = doc
            .select("h1")
            .iter()
            .map(|h| squash(&h.text()))
            .filter(|t| !t.is_empty())
            .collect();
        meta.page_title = doc
            .select("title")
            .iter()
            .next()
            .map(|t| squash(&t.text()))
            .filter(|t| !t.is_empty());
        meta
    }

    /// Reads a JSON-LD value: an article object, a list of them, or an `@graph`.
    fn read_json_ld(&mut self, value: &Value, depth: usize) {
        if depth > 4 {
            return;
        }
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.read_json_ld(v, depth + 1)),
            Value::Object(map) => {
                if let Some(graph) = map.get("@graph") {
                    self.read_json_ld(graph, depth + 1);
                }
                let is_article = map.get("@type").is_some_and(|t| {
                    let types: Vec<&str> = match t {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    types
                        .iter()
                        .any(|t| t.ends_with("Article") || *t == "BlogPosting")
                });
                if !is_article {
                    return;
                }
                let text = |key: &str| {
                    map.get(key)
                        .and_then(name_of)
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                };
                if let Some(h) = text("headline").or_else(|| text("name")) {
                    self.titles.insert(0, h);
                }
                if let Some(d) = text("datePublished") {
                    self.dates.insert(0, d);
                }
                if let Some(p) = text("publisher") {
                    self.site.get_or_insert(p);
                }
                if let Some(a) = text("author") {
                    self.author.get_or_insert(a);
                }
                if let Some(u) = text("url").filter(|u| u.starts_with("http")) {
                    self.url.get_or_insert(u);
                }
            }
            _ => {}
        }
    }
}

/// A JSON-LD value as a name: a string, an object's `name`, the first of a list.
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m.get("name").and_then(name_of),
        Value::Array(a) => a.first().and_then(name_of),
        _ => None,
    }
}

/// White space runs squashed to one space, ends trimmed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text normalised for comparing headlines: no white space, no quotes' width differences.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '“' | '”' | '＂' => '"',
            '：' => ':',
            '？' => '?',
            '！' => '!',
            _ => c,
        })
        .collect()
}

/// Puts what the page states over what its visible text suggested.
fn apply_meta(article: &mut Article, meta: &Meta, lines: &[&str]) {
    if let Some(title) = choose_title(meta, lines, &article.title) {
        article.title = title;
    }
    article.deck.retain(|d| key(d) != key(&article.title));
    let read = |d: &String| parse_date(d).or_else(|| loose_date(d));
    let stated = meta
        .dates
        .iter()
        .find_map(read)
        .or_else(|| date_under_headline(lines, &article.title));
    let unknown = matches!(
        article.date_origin,
        DateOrigin::FileTime | DateOrigin::Unknown
    );
    let weak = || {
        meta.weak_dates
            .iter()
            .find_map(read)
            .or_else(|| page::lede_date(article))
    };
    if let Some(date) = stated {
        article.date = Some(date);
        article.date_origin = DateOrigin::Stated;
    } else if unknown && let Some(date) = weak() {
        article.date = Some(date);
        article.date_origin = DateOrigin::Page;
    } else if article.date_origin == DateOrigin::FileTime {
        article.date = None;
        article.date_origin = DateOrigin::Unknown;
    }
    if article.date_origin != DateOrigin::FileTime {
        article
            .warnings
            .retain(|w| !w.contains("modification time"));
    }
    if article.source.is_none() {
        article.source = meta
            .source
            .clone()
            .and_then(|s| genre::source_value(&s))
            .or_else(|| meta.site.clone());
    }
    if article.reporter.is_none() {
        article.reporter = meta
            .author
            .clone()
            .filter(|a| a.chars().count() <= 20 && !a.contains("http"));
    }
}

/// Lines under the headline where its date/source line may be.
const DATE_LINE_WINDOW: usize = 6;

/// The date on the page's date/source line: the first full date within a few lines under
/// the visible headline (`2019-12-10 07:57:40 来源：新华网`, `发布日期：2019-09-23`).
fn date_under_headline(lines: &[&str], title: &str) -> Option<chrono::NaiveDate> {
    let title = key(title);
    if title.is_empty() {
        return None;
    }
    let at = lines.iter().position(|l| key(l) == title)?;
    lines
        .iter()
        .skip(at + 1)
        .take(DATE_LINE_WINDOW)
        .find_map(|l| super::dates::find_dates(l).into_iter().next())
}

/// A date at the start of a longer value (`2019-09-07 13:43:45 +0800`, `20190907`).
fn loose_date(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    super::dates::find_dates(s).into_iter().next().or_else(|| {
        let digits: String = s.chars().take(8).collect();
        (digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| chrono::NaiveDate::parse_from_str(&digits, "%Y%m%d").ok())
            .flatten()
    })
}

/// The headline, most trusted first: JSON-LD or `og:title` when the page confirms it (an
/// `<h1>` or the `<title>` starts with it, or it is seen on the page); else the `<h1>` that
/// the `<title>` starts with; else the visible headline the `<title>` names; else the
/// visible headline the text reader found; else the `<title>` without its site suffix.
fn choose_title(meta: &Meta, lines: &[&str], seen: &str) -> Option<String> {
    let page_title = meta.page_title.as_deref().map(key).unwrap_or_default();
    let visible = |t: &str| {
        let k = key(t);
        lines.iter().any(|l| key(l) == k)
    };
    let confirmed = |t: &str| {
        let k = key(t);
        k.chars().count() >= 4
            && (meta.h1.iter().any(|h| key(h) == k)
                || (page_title.starts_with(&k) && visible(t))
                || visible(t))
    };
    if let Some(t) = meta.titles.iter().find(|t| confirmed(t)) {
        return Some(squash(t));
    }
    if let Some(h) = meta
        .h1
        .iter()
        .find(|h| key(h).chars().count() >= 4 && page_title.contains(&key(h)))
    {
        return Some(h.clone());
    }
    // A visible line that the <title> holds: the headline as the page shows it.
    if let Some(l) = lines
        .iter()
        .filter(|l| {
            let k = key(l);
            k.chars().count() >= 6 && page_title.contains(&k) && genre::is_heading_like(l)
        })
        .max_by_key(|l| l.chars().count())
    {
        return Some((*l).to_string());
    }
    if !seen.is_empty() {
        return Some(seen.to_string());
    }
    meta.titles
        .first()
        .map(|t| squash(t))
        .or_else(|| meta.page_title.as_deref().map(strip_site_suffix))
}

/// `标题_网易新闻`, `标题-新华网`, `标题|频道_站名` → `标题`: the longest part.
fn strip_site_suffix(title: &str) -> String {
    title
        .split(['_', '|', '｜'])
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split("--"))
        .map(str::trim)
        // The longest part; the first of equals (the headline comes before the site).
        .fold("", |best, p| {
            if p.chars().count() > best.chars().count() {
                p
            } else {
                best
            }
        })
        .to_string()
}

/// Elements whose text a reader never sees.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "iframe", "svg", "canvas", "select",
    "option", "textarea", "button", "object", "embed", "map",
];

/// Elements that start a new line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "form",
    "figure",
    "figcaption",
    "hr",
    "address",
    "center",
    "body",
];

/// The text of an HTML fragment (a feed item's content) as paragraphs: one per block
/// element, hidden elements, scripts and styles dropped, entities decoded, white space
/// collapsed; read with the same parser and rules as whole pages.
pub fn fragment_paragraphs(html: &str) -> Vec<String> {
    visible_lines(&Document::from(html))
}

/// The page's visible text, one block per line, as a browser's "select all, copy" gives it.
fn visible_lines(doc: &Document) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    if let Some(body) = doc.select("body").nodes().first() {
        walk(body, &mut current, &mut lines, 0);
    } else {
        walk(&doc.root(), &mut current, &mut lines, 0);
    }
    flush(&mut current, &mut lines);
    lines
}

fn flush(current: &mut String, lines: &mut Vec<String>) {
    let line = squash(current);
    if !line.is_empty() {
        lines.push(line);
    }
    current.clear();
}

fn walk(node: &NodeRef, current: &mut String, lines: &mut Vec<String>, depth: usize) {
    // Deeply nested markup (invalid or hostile) is cut off rather than recursed into.
    if depth > 200 {
        return;
    }
    for child in node.children() {
        if child.is_text() {
            current.push_str(&child.text());
        } else if child.is_element() {
            let name = child
                .node_name()
                .map(|n| n.to_ascii_lowercase())
                .unwrap_or_default();
            if HIDDEN.contains(&name.as_str()) || is_hidden(&child) {
                continue;
            }
            let block = BLOCKS.contains(&name.as_str());
            if block {
                flush(current, lines);
            }
            if name == "img" {
                continue;
            }
            walk(&child, current, lines, depth + 1);
            if block {
                flush(current, lines);
            }
        }
    }
}

/// `hidden`, `display:none`, `visibility:hidden`: not shown.
fn is_hidden(node: &NodeRef) -> bool {
    if node.has_attr("hidden") {
        return true;
    }
    node.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// The main text by the extractor, cut by the genre's rules. `None` if it found none.
/// Characters of main text below which the extractor looks again with looser rules.
const EXTRACT_MIN_CHARS: usize = 250;

fn extract_body(doc: Document, url: Option<&str>) -> Option<Vec<String>> {
    let config = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        // The page's JSON-LD is read once, by `Meta`.
        disable_json_ld: true,
        // Readability parses again with looser rules while the text found is shorter than
        // this; its default (500) is for English, where a short news story has twice as
        // many characters as in Chinese.
        char_threshold: EXTRACT_MIN_CHARS,
        ..Default::default()
    };
    let mut readability = dom_smoothie::Readability::with_document(doc, url, Some(config)).ok()?;
    let extracted = readability.parse().ok()?;
    let text = extracted.text_content.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(super::clean_line)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines.iter().position(|l| is_body_start_line(l))?;
    let (body, _, _) = cut_body(&lines[start..]);
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffixes() {
        assert_eq!(strip_site_suffix("标题一个_网易新闻"), "标题一个");
        assert_eq!(
            strip_site_suffix("站名--一个很长的标题在这里"),
            "一个很长的标题在这里"
        );
        assert_eq!(
            strip_site_suffix("一个很长的标题 - 某省政府网"),
            "一个很长的标题"
        );
    }

    fn page(head: &str, body: &str) -> String {
        format!("<html><head><title>站名</title>{head}</head><body>{body}</body></html>")
    }

    const STORY: &str = "<p>3月4日，市政府召开常务会议，研究部署春耕生产工作。会议指出，要抓好粮食生产，确保播种面积稳定。</p>\
        <p>会议还研究了其他事项，要求各部门加强协调，抓好落实，确保各项工作按期完成。</p>";

    fn date_of(html: &str) -> Option<chrono::NaiveDate> {
        read_html_bytes(html.as_bytes(), None, None, "t")
            .expect("read")
            .date
    }

    fn day(y: i32, m: u32, d: u32) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_from_the_line_under_the_headline_scripts_and_modification_meta() {
        // The date line under the headline beats a dateline's day (filed the day before).
        let html = page(
            "",
            &format!(
                "<div>首页 &gt; 国际</div><h1>法国大罢工影响交通</h1><div>2019-12-10 07:57:40 来源：某网</div>\
                      <p>新华社巴黎12月9日电 法国全国大罢工再次严重影响交通，多条线路停运。当天，巴黎大部分地铁线路关闭。</p>{STORY}"
            ),
        );
        assert_eq!(date_of(&html), day(2019, 12, 10));
        // A publication time in an inline script's data.
        let html = page(
            r#"<script>window.DATA = {"title": "x", "pubtime": "2019-09-07 19:02:26"};</script>"#,
            &format!("<h1>某地召开会议</h1>{STORY}"),
        );
        assert_eq!(date_of(&html), day(2019, 9, 7));
        // Only a modification date.
        let html = page(
            r#"<meta itemprop="dateModified" content="2019-10-08 12:00:57">"#,
            &format!("<h1>某地召开会议</h1>{STORY}"),
        );
        assert_eq!(date_of(&html), day(2019, 10, 8));
        // Nothing stated: the lede's own date.
        let html = page(
            "",
            &format!(
                "<h1>某地召开会议</h1><p>2019年2月27日下午，区领导一行到金融街开展调研工作，听取了有关情况汇报。</p>{STORY}"
            ),
        );
        assert_eq!(date_of(&html), day(2019, 2, 27));
        // A published date in the meta outranks all of these.
        let html = page(
            r#"<meta property="article:published_time" content="2020-01-02T08:00:00+08:00"><meta itemprop="dateModified" content="2020-03-01">"#,
            &format!("<h1>某地召开会议</h1><div>2019-12-10 来源：某网</div>{STORY}"),
        );
        assert_eq!(date_of(&html), day(2020, 1, 2));
    }
}
