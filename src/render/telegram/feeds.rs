//! Telegram HTML for feed administration: the answers to `/addfeed`, `/feeds`,
//! `/removefeed` and the admin part of `/help`. Words from `render::words`; feed names,
//! addresses and error reasons come from outside (feeds, servers), so they are escaped and
//! clipped; a long list is split under Telegram's limit between feeds. Pure: `bot::admin` sends the result.

use super::OutMessage;
use super::html::{TELEGRAM_LIMIT, escape, split_message};
use crate::ingest::{AddedFeed, FeedStatus};
use crate::render::clip;
use crate::render::words::{self, Lang};

/// Longest feed name, address and error reason shown, in characters: a hostile feed must
/// not fill the list.
const NAME_CHARS: usize = 100;
const URL_CHARS: usize = 300;
const ERROR_CHARS: usize = 300;

fn messages(blocks: &[String]) -> Vec<OutMessage> {
    split_message(blocks, TELEGRAM_LIMIT)
        .into_iter()
        .map(|html| OutMessage {
            html,
            buttons: Vec::new(),
        })
        .collect()
}

/// Adds the admin commands to a rendered `/help` (shown to admins in a private chat).
pub(crate) fn add_admin_commands(messages: &mut [OutMessage], lang: Lang) {
    if let Some(last) = messages.last_mut() {
        last.html.push_str("\n\n");
        last.html.push_str(&escape(words::admin_commands(lang)));
    }
}

/// A plain sentence (a refusal, a usage hint), escaped.
pub(crate) fn notice(text: &str) -> Vec<OutMessage> {
    messages(&[escape(text)])
}

/// The answer to `/addfeed`: the feed's number and name, then what its first read did.
pub(crate) fn added(feed: &AddedFeed, lang: Lang) -> Vec<OutMessage> {
    let r = &feed.report;
    let name = clip(&feed.name, NAME_CHARS);
    let failed = r.failed.as_deref().map(|e| clip(e, ERROR_CHARS));
    let mut blocks = vec![format!(
        "<b>{}</b>\n{}",
        escape(&words::feed_added(lang, feed.id, &name, failed.as_deref())),
        escape(&clip(&r.url, URL_CHARS))
    )];
    if r.failed.is_none() {
        blocks.push(escape(&words::feed_first_read(lang, r, r.warnings.len())));
    }
    messages(&blocks)
}

/// `/feeds`: every feed with its number, name, address, article count, last success and,
/// for a failing feed, its last error.
pub(crate) fn list(feeds: &[FeedStatus], lang: Lang) -> Vec<OutMessage> {
    if feeds.is_empty() {
        return notice(words::no_feeds(lang));
    }
    let failing = feeds.iter().filter(|f| f.last_error.is_some()).count();
    let mut blocks = vec![format!(
        "<b>{}</b>",
        escape(&words::feeds_heading(lang, feeds.len(), failing))
    )];
    for f in feeds {
        let mut block = format!(
            "<b>{}. {}</b>\n{}\n{}",
            f.id,
            escape(&clip(&f.name, NAME_CHARS)),
            escape(&clip(&f.url, URL_CHARS)),
            escape(&words::feed_state(
                lang,
                f.articles,
                f.last_success.as_deref().map(utc_minutes).as_deref()
            ))
        );
        if let Some(e) = &f.last_error {
            block.push_str("\n⚠️ ");
            block.push_str(&escape(&words::feed_error(
                lang,
                &clip(e, ERROR_CHARS),
                f.failures,
            )));
        }
        blocks.push(block);
    }
    blocks.push(escape(words::feeds_footer(lang)));
    messages(&blocks)
}

/// The answer to `/removefeed`.
pub(crate) fn removed(feed: &FeedStatus, lang: Lang) -> Vec<OutMessage> {
    notice(&words::feed_removed(
        lang,
        feed.id,
        &clip(&feed.name, NAME_CHARS),
        feed.articles,
        feed.origin == crate::store::FeedOrigin::File,
    ))
}

/// An RFC 3339 time as `2026-12-02 02:10 UTC` (the store keeps UTC).
fn utc_minutes(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| {
            d.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::PollReport;
    use crate::store::FeedOrigin;

    fn status(id: i64, name: &str, error: Option<&str>) -> FeedStatus {
        FeedStatus {
            id,
            name: name.into(),
            url: format!("https://example.com/{id}.xml?a=1&b=<2>"),
            outlet: None,
            interval_secs: 600,
            origin: FeedOrigin::Admin,
            last_success: error.is_none().then(|| "2026-12-02T02:10:33Z".into()),
            last_error: error.map(str::to_string),
            failures: u32::from(error.is_some()) * 3,
            next_poll: None,
            articles: 7,
        }
    }

    #[test]
    fn the_list_shows_each_feed_with_its_state_and_escapes_what_feeds_say() {
        let feeds = [
            status(1, "新华网 <时政>", None),
            status(4, "坏源", Some("HTTP 503 Service Unavailable")),
        ];
        let out = list(&feeds, Lang::Zh);
        assert_eq!(out.len(), 1);
        let html = &out[0].html;
        assert!(html.contains("订阅源 2 个，其中 1 个出错"), "{html}");
        assert!(html.contains("<b>1. 新华网 &lt;时政&gt;</b>"), "{html}");
        assert!(html.contains("?a=1&amp;b=&lt;2&gt;"), "{html}");
        assert!(html.contains("上次成功 2026-12-02 02:10 UTC"), "{html}");
        assert!(html.contains("还没有成功读取过"), "{html}");
        assert!(
            html.contains("上次错误（连续 3 次）：HTTP 503 Service Unavailable"),
            "{html}"
        );
        let en = &list(&feeds, Lang::En)[0].html;
        assert!(en.contains("2 feeds, 1 failing"), "{en}");
        assert!(en.contains("Last error (3 in a row)"), "{en}");
    }

    #[test]
    fn a_long_list_is_split_between_feeds_under_the_limit() {
        let feeds: Vec<_> = (1..=200)
            .map(|i| status(i, &"很长的名字".repeat(30), Some(&"错误".repeat(200))))
            .collect();
        let out = list(&feeds, Lang::Zh);
        assert!(out.len() > 1);
        for m in &out {
            assert!(super::super::html::utf16_len(&m.html) <= TELEGRAM_LIMIT);
        }
        assert!(out.iter().any(|m| m.html.contains("<b>200. ")));
    }

    #[test]
    fn added_says_what_the_first_read_did_or_why_it_failed() {
        let report = PollReport {
            url: "https://example.com/rss".into(),
            added: 3,
            warnings: vec!["page".into()],
            ..PollReport::default()
        };
        let ok = AddedFeed {
            id: 5,
            name: "晚报".into(),
            report: report.clone(),
        };
        let html = &added(&ok, Lang::Zh)[0].html;
        assert!(html.contains("已添加订阅源 5. 晚报"), "{html}");
        assert!(html.contains("读到 3 篇新文章"), "{html}");
        assert!(html.contains("1 篇文章的网页读取失败"), "{html}");
        let failed = AddedFeed {
            report: PollReport {
                failed: Some("HTTP 500 <boom>".into()),
                ..report
            },
            ..ok
        };
        let html = &added(&failed, Lang::En)[0].html;
        assert!(
            html.contains("first read failed: HTTP 500 &lt;boom&gt;"),
            "{html}"
        );
        assert!(html.contains("/removefeed 5"), "{html}");
        assert!(!html.contains("searchable now"), "{html}");
    }
}
