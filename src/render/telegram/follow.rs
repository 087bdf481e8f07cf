//! Followed topics as Telegram messages: the answers to `/subscribe`, `/unsubscribe` and
//! `/subscriptions` (the list, numbered, with how many alerts each sent and a remove button
//! each). Words come from the catalogue; the reader's words are escaped.

use super::html::escape;
use super::{Button, CALLBACK_LIMIT, OutMessage};
use crate::render::clip;
use crate::render::words::{self, FollowNote, Lang};
use crate::store::Subscription;

/// Longest topic echoed back, in characters.
const TOPIC_CHARS: usize = 60;
/// Remove buttons per row of the list.
const BUTTONS_PER_ROW: usize = 5;

/// The reader's words as they are echoed back (cut, then escaped by the caller's HTML).
pub(crate) fn topic_echo(words: &str) -> String {
    clip(words.trim(), TOPIC_CHARS)
}

/// A note as a message (its text escaped: it holds the reader's words).
pub(crate) fn note(n: &FollowNote, lang: Lang) -> OutMessage {
    OutMessage {
        html: escape(&words::follow_note(n, lang)),
        buttons: Vec::new(),
    }
}

fn button(label: String, data: String) -> Option<Button> {
    (data.len() <= CALLBACK_LIMIT).then_some(Button { label, data })
}

/// The answer to a new subscription: what is followed, with buttons to undo it and to see
/// the list of `list_chat` (the chat or channel that follows it).
pub(crate) fn subscribed(
    n: &FollowNote,
    subscription: i64,
    list_chat: i64,
    lang: Lang,
) -> OutMessage {
    let row: Vec<Button> = [
        button(
            words::unsubscribe_button(lang, None),
            format!("u:{subscription}"),
        ),
        button(
            words::subscriptions_button(lang).to_string(),
            format!("l:{list_chat}"),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    OutMessage {
        buttons: vec![row],
        ..note(n, lang)
    }
}

/// `/subscriptions`: numbered, each with its alert count, and a remove button each.
/// `channel` names the channel when the list is a channel's; `resumed` says paused alerts
/// are back on.
pub(crate) fn list(
    subs: &[Subscription],
    channel: Option<&str>,
    resumed: bool,
    lang: Lang,
) -> OutMessage {
    let mut lines = Vec::new();
    if resumed {
        lines.push(escape(&words::follow_note(&FollowNote::Resumed, lang)));
    }
    if subs.is_empty() {
        lines.push(escape(&words::follow_note(
            &FollowNote::NoSubscriptions,
            lang,
        )));
        return OutMessage {
            html: lines.join("\n"),
            buttons: Vec::new(),
        };
    }
    lines.push(escape(&words::subscriptions_heading(lang, channel)));
    for (i, s) in subs.iter().enumerate() {
        lines.push(format!(
            "{}. <b>{}</b> · {}",
            i + 1,
            escape(&topic_echo(&s.query)),
            escape(&words::subscription_status(
                lang,
                s.alerts_sent,
                s.paused_at.is_some()
            ))
        ));
    }
    lines.push(String::new());
    lines.push(escape(words::subscriptions_footer(lang)));
    let buttons: Vec<Button> = subs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            button(
                words::unsubscribe_button(lang, Some(i + 1)),
                format!("u:{}", s.id),
            )
        })
        .collect();
    OutMessage {
        html: lines.join("\n"),
        buttons: buttons
            .chunks(BUTTONS_PER_ROW)
            .map(<[Button]>::to_vec)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(id: i64, query: &str, alerts: u64) -> Subscription {
        Subscription {
            id,
            chat_id: 1,
            chat_kind: "private".into(),
            query: query.into(),
            topic_key: query.into(),
            lang: "zh".into(),
            created_by: None,
            created_at: 0,
            paused_at: None,
            pause_reason: None,
            alerts_sent: alerts,
        }
    }

    #[test]
    fn the_list_numbers_counts_and_escapes() {
        let m = list(
            &[sub(7, "防汛", 3), sub(9, "<b>黄河", 0)],
            None,
            false,
            Lang::Zh,
        );
        assert!(
            m.html.contains("1. <b>防汛</b> · 已提醒 3 次"),
            "{}",
            m.html
        );
        assert!(m.html.contains("2. <b>&lt;b&gt;黄河</b>"), "{}", m.html);
        assert_eq!(m.buttons[0][1].data, "u:9");
        assert_eq!(
            super::super::parse_callback(&m.buttons[0][0].data),
            Some(super::super::Callback::Unfollow(7))
        );
        let empty = list(&[], None, true, Lang::En);
        assert!(empty.html.starts_with("Alerts are back on.") && empty.buttons.is_empty());
    }

    #[test]
    fn a_new_subscription_offers_undo_and_the_list() {
        let n = FollowNote::Subscribed {
            topic: "防汛".into(),
            held: 1,
        };
        let m = subscribed(&n, 12, -1001234567890, Lang::Zh);
        let data: Vec<&str> = m.buttons[0].iter().map(|b| b.data.as_str()).collect();
        assert_eq!(data, ["u:12", "l:-1001234567890"]);
        assert_eq!(
            super::super::parse_callback("l:-1001234567890"),
            Some(super::super::Callback::Following(-1001234567890))
        );
    }
}
