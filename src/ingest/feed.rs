//! A fetched feed (RSS 2.0, Atom or JSON Feed, through feed-rs) as plain items: a stable
//! key (the guid, else the normalised link), title, link, date (feed-rs's RFC 822 / RFC 3339
//! parsing, then the corpus's date rules for the forms Chinese feeds use, such as
//! `2017-03-10 10:00:00`), the item's own content and summary as paragraphs, and a hash of it
//! all to tell a changed item from one already seen.

use std::hash::Hasher;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::html;
use crate::answer::normalize_url;

/// Marks an id feed-rs had to make up (the item had no guid).
const NO_GUID: &str = "jianbao:no-guid:";

/// One item of a feed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    /// The guid, else the normalised link, else a hash of the title.
    pub(crate) key: String,
    pub(crate) title: String,
    pub(crate) link: Option<String>,
    pub(crate) date: Option<NaiveDate>,
    /// Paragraphs of the item's full content (`content:encoded`, Atom `content`).
    pub(crate) content: Vec<String>,
    /// Paragraphs of its summary (`description`, Atom `summary`).
    pub(crate) summary: Vec<String>,
    pub(crate) author: Option<String>,
    /// Hash of everything above, hex.
    pub(crate) hash: String,
}

/// A parsed feed.
#[derive(Debug, Clone)]
pub(crate) struct ParsedFeed {
    pub(crate) title: Option<String>,
    pub(crate) items: Vec<Item>,
}

/// China Standard Time: feed timestamps become dates as the readers of Chinese news see
/// them, and a time without a zone is taken to be in it.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// Feed dates: RFC 822 (with `CST` read as China Standard Time, as Chinese feeds mean it,
/// not US Central), RFC 3339, the zone-less forms Chinese feeds use (`2017-03-10 10:00:00`,
/// in China time), then the corpus's date rules.
fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    let rfc822 = match t.strip_suffix(" CST") {
        Some(head) => format!("{head} +0800"),
        None => t.to_string(),
    };
    // A weekday that does not match the date is common in hand-made feeds: the date wins.
    let no_weekday = rfc822
        .split_once(',')
        .filter(|(day, _)| day.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|(_, rest)| rest.trim().to_string());
    for form in std::iter::once(&rfc822).chain(no_weekday.as_ref()) {
        if let Ok(d) = DateTime::parse_from_rfc2822(form) {
            return Some(d.with_timezone(&Utc));
        }
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return china()
                .from_local_datetime(&naive)
                .single()
                .map(|d| d.with_timezone(&Utc));
        }
    }
    let date = crate::corpus::parse_date(t)?;
    let naive = date.and_hms_opt(0, 0, 0)?;
    china()
        .from_local_datetime(&naive)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// Text of a feed-rs text construct: HTML is read as HTML, plain text kept.
fn text_of(t: &feed_rs::model::Text) -> Vec<String> {
    if t.content_type.to_string().contains("html") || t.content.contains('<') {
        html::paragraphs(&t.content)
    } else {
        t.content
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// Parses feed text (already decoded to UTF-8). `url` resolves relative links.
pub(crate) fn parse(text: &str, url: &str) -> Result<ParsedFeed, String> {
    let text = html::declare_utf8(text);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .timestamp_parser(parse_timestamp)
        .id_generator(|links, title, _uri| {
            // No guid: the link names the item; else the title does.
            let basis = links
                .first()
                .map(|l| l.href.clone())
                .or_else(|| title.as_ref().map(|t| t.content.clone()))
                .unwrap_or_default();
            format!("{NO_GUID}{basis}")
        })
        .build();
    let feed = parser
        .parse(text.as_bytes())
        .map_err(|e| format!("not a feed (RSS, Atom or JSON Feed): {e}"))?;
    let title = feed
        .title
        .as_ref()
        .map(|t| html::inline_text(&t.content))
        .filter(|t| !t.is_empty());
    let mut items = Vec::with_capacity(feed.entries.len());
    for entry in feed.entries {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .map(|l| l.href.trim().to_string())
            .filter(|l| !l.is_empty());
        let title = entry
            .title
            .as_ref()
            .map(|t| html::inline_text(&t.content))
            .unwrap_or_default();
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(html::paragraphs)
            .unwrap_or_default();
        let summary = entry.summary.as_ref().map(text_of).unwrap_or_default();
        let date = entry
            .published
            .or(entry.updated)
            .map(|d| d.with_timezone(&china()).date_naive());
        let author = entry
            .authors
            .first()
            .and_then(|p| p.name.as_deref().map(|n| n.trim().to_string()))
            .filter(|n| !n.is_empty());
        let key = if let Some(basis) = entry.id.strip_prefix(NO_GUID) {
            link.as_deref()
                .and_then(normalize_url)
                .unwrap_or_else(|| format!("title:{basis}"))
        } else {
            entry.id.trim().to_string()
        };
        // An item that is only a link is read from its page (some feeds list nothing else).
        if title.is_empty() && content.is_empty() && summary.is_empty() && link.is_none() {
            tracing::warn!("{url}: an item ({key}) has no title, no text and no link; skipped");
            continue;
        }
        let mut h = fnv::FnvHasher::default();
        for part in [
            &key,
            &title,
            link.as_deref().unwrap_or(""),
            author.as_deref().unwrap_or(""),
        ] {
            h.write(part.as_bytes());
            h.write_u8(0);
        }
        h.write(date.map(|d| d.to_string()).unwrap_or_default().as_bytes());
        for p in content
            .iter()
            .chain(std::iter::once(&String::new()))
            .chain(&summary)
        {
            h.write_u8(1);
            h.write(p.as_bytes());
        }
        items.push(Item {
            key,
            title,
            link,
            date,
            content,
            summary,
            author,
            hash: format!("{:016x}", h.finish()),
        });
    }
    Ok(ParsedFeed { title, items })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>测试新闻</title><link>http://news.example.com/</link>
<item><title>黄河保护会议召开</title><link>http://news.example.com/a/1.html</link>
<guid>id-1</guid><pubDate>Tue, 10 Mar 2017 10:00:00 +0800</pubDate>
<description>摘要</description><content:encoded><![CDATA[<p>第一段。</p><p>第二段。</p>]]></content:encoded></item>
<item><title>没有 guid</title><link>http://news.example.com/a/2.html?utm_source=rss</link>
<pubDate>2017-03-10 10:00:00</pubDate></item>
<item><title>没有链接也没有日期</title><description>只有文字</description></item>
</channel></rss>"#;

    #[test]
    fn rss_items_with_keys_dates_and_content() {
        let feed = parse(RSS, "http://news.example.com/rss").unwrap();
        assert_eq!(feed.title.as_deref(), Some("测试新闻"));
        assert_eq!(feed.items.len(), 3);
        let a = &feed.items[0];
        assert_eq!(a.key, "id-1");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2017, 3, 10));
        assert_eq!(a.content, ["第一段。", "第二段。"]);
        assert_eq!(a.summary, ["摘要"]);
        let b = &feed.items[1];
        assert_eq!(b.key, "http://news.example.com/a/2.html");
        assert_eq!(
            b.date,
            NaiveDate::from_ymd_opt(2017, 3, 10),
            "Chinese date form"
        );
        let c = &feed.items[2];
        assert_eq!((c.link.as_ref(), c.date), (None, None));
        assert!(c.key.starts_with("title:"), "{}", c.key);
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom 新闻</title><id>urn:x</id><updated>2026-12-01T08:00:00Z</updated>
<entry><title>标题</title><id>urn:1</id><link href="/b/1"/><updated>2026-12-01T20:00:00Z</updated>
<content type="html">&lt;p&gt;内容&lt;/p&gt;</content></entry></feed>"#;
        let feed = parse(atom, "http://atom.example.com/feed").unwrap();
        let e = &feed.items[0];
        assert_eq!(e.link.as_deref(), Some("http://atom.example.com/b/1"));
        // 20:00 UTC is the next morning in China.
        assert_eq!(e.date, NaiveDate::from_ymd_opt(2026, 12, 2));
        assert_eq!(e.content, ["内容"]);
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
            {"id":"j1","url":"http://j.example.com/1","title":"标题","content_html":"<p>正文</p>",
             "date_published":"2026-12-01T10:00:00+08:00"}]}"#;
        let feed = parse(json, "http://j.example.com/feed.json").unwrap();
        assert_eq!(feed.items[0].key, "j1");
        assert_eq!(feed.items[0].content, ["正文"]);
    }

    #[test]
    fn html_and_broken_xml_are_not_feeds() {
        assert!(parse("<html><body><p>首页</p></body></html>", "http://x/").is_err());
        assert!(parse("<rss><channel><item><title>a</tit", "http://x/").is_err());
    }

    #[test]
    fn feed_date_forms() {
        let day = |t: &str| parse_timestamp(t).map(|d| d.with_timezone(&china()).date_naive());
        let d = NaiveDate::from_ymd_opt(2017, 3, 10);
        assert_eq!(day("Fri, 10 Mar 2017 10:00:00 +0800"), d);
        assert_eq!(day("Tue, 10 Mar 2017 10:00:00 +0800"), d, "wrong weekday");
        assert_eq!(day("Fri, 10 Mar 2017 01:00:00 CST"), d, "CST is China time");
        assert_eq!(day("2017-03-10T10:00:00+08:00"), d);
        assert_eq!(day("2017-03-10 10:00:00"), d);
        assert_eq!(day("2017/03/10 10:00"), d);
        assert_eq!(day("2017年3月10日"), d);
        assert_eq!(day("不是日期"), None);
    }

    #[test]
    fn a_changed_item_changes_its_hash() {
        let one = parse(RSS, "http://x/").unwrap();
        let two = parse(&RSS.replace("第二段", "第二段改"), "http://x/").unwrap();
        assert_eq!(one.items[0].key, two.items[0].key);
        assert_ne!(one.items[0].hash, two.items[0].hash);
        assert_eq!(one.items[1].hash, two.items[1].hash);
    }
}
