//! Pushed alerts as Telegram messages: one new article for a followed topic (title, date,
//! outlet, its best paragraph with the topic's words in bold, a 要点 button), or a digest
//! when a burst of articles reaches one chat at once. Pure: the alert sender sends them.

use crate::answer::ArticleRef;
use crate::render::clip;
use crate::render::telegram::html::{escape, marked};
use crate::render::telegram::{OutMessage, cite, summary_button};
use crate::render::words::{self, Lang};

/// Characters of the best paragraph shown in an alert.
const ALERT_SNIPPET_CHARS: usize = 300;
/// Longest title in an alert or digest line.
const ALERT_TITLE_CHARS: usize = 100;
/// Longest topic echoed in an alert.
const TOPIC_CHARS: usize = 40;

/// One article for one topic. `paragraph` is the best matching paragraph as written and
/// `highlights` the byte ranges of the topic's words in it. `buttons`: false in channels,
/// where a key-points press would post into the channel for everyone.
pub(crate) fn alert_message(
    topic: &str,
    article: &ArticleRef,
    paragraph: &str,
    highlights: &[std::ops::Range<usize>],
    lang: Lang,
    buttons: bool,
) -> OutMessage {
    let mut html = format!(
        "{}<b>{}</b>\n<b>{}</b>\n{}",
        words::alert_heading(lang),
        escape(&clip(topic, TOPIC_CHARS)),
        escape(&clip(&article.title, ALERT_TITLE_CHARS)),
        cite(article)
    );
    if !paragraph.trim().is_empty() {
        let (text, ranges) = crate::render::snippet(paragraph, highlights, ALERT_SNIPPET_CHARS);
        html.push_str("\n\n");
        html.push_str(&marked(&text, &ranges));
    }
    let buttons = if buttons {
        summary_button(words::key_points_button(lang, None), &article.article_id)
            .into_iter()
            .map(|b| vec![b])
            .collect()
    } else {
        Vec::new()
    };
    OutMessage { html, buttons }
}

/// Most articles in one digest message (its buttons stay on two rows).
pub(crate) const DIGEST_ITEMS: usize = 10;

/// Several new articles for one chat in one message: each with its topic, title and
/// citation, numbered, with numbered key-points buttons (none in channels, see
/// [`alert_message`]).
pub(crate) fn digest_message(
    items: &[(String, ArticleRef)],
    lang: Lang,
    buttons: bool,
) -> OutMessage {
    let mut blocks = vec![words::digest_heading(lang, items.len())];
    let mut row = Vec::new();
    for (i, (topic, a)) in items.iter().enumerate() {
        let meta = cite(a);
        blocks.push(format!(
            "{}. <b>{}</b>\n{}{}{}",
            i + 1,
            escape(&clip(&a.title, ALERT_TITLE_CHARS)),
            if meta.is_empty() {
                String::new()
            } else {
                format!("{meta} · ")
            },
            words::digest_topic(lang),
            escape(&clip(topic, TOPIC_CHARS))
        ));
        if buttons {
            row.extend(summary_button(
                words::key_points_button(lang, Some(i + 1)),
                &a.article_id,
            ));
        }
    }
    // A digest is short by construction (the sender caps its items).
    OutMessage::numbered(&blocks, row, 5)
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn reference(title: &str) -> ArticleRef {
        ArticleRef {
            article_id: "feed-1".into(),
            title: title.into(),
            date: chrono::NaiveDate::from_ymd_opt(2024, 6, 20),
            source: None,
            outlet: Some("新华社".into()),
            reporter: None,
            url: None,
        }
    }

    #[test]
    fn alerts_bold_the_words_and_escape_the_rest() {
        let text = "<b>防汛</b> 防汛工作";
        let at = text.rfind("防汛").unwrap();
        let m = alert_message(
            "防汛",
            &reference("a<b"),
            text,
            &[at..at + 6],
            Lang::Zh,
            true,
        );
        assert!(m.html.contains("a&lt;b"), "{}", m.html);
        assert!(
            m.html.contains("&lt;b&gt;防汛&lt;/b&gt; <b>防汛</b>工作"),
            "{}",
            m.html
        );
        assert!(m.html.contains("2024-06-20 · 新华社"));
        assert_eq!(m.buttons[0][0].data, "s:feed-1");
        let channel = alert_message("防汛", &reference("a"), text, &[], Lang::En, false);
        assert!(channel.buttons.is_empty() && channel.html.starts_with("🔔 Following: "));
    }

    #[test]
    fn digests_list_every_item() {
        let items: Vec<(String, ArticleRef)> = (0..6)
            .map(|i| ("防汛".to_string(), reference(&format!("标题{i}"))))
            .collect();
        let m = digest_message(&items, Lang::Zh, true);
        assert!(m.html.contains("6 篇新文章") && m.html.contains("6. <b>标题5</b>"));
        assert_eq!(m.buttons.iter().map(Vec::len).sum::<usize>(), 6);
    }
}
