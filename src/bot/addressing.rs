//! Who a message is for: in a private chat everything is; in a group only commands for this
//! bot, replies to its messages and messages that mention it. The rest is deliberate
//! silence. Mentions are found with teloxide's entity parsing (UTF-16 offsets converted).

use std::ops::Range;

use teloxide::types::{Message, MessageEntityKind};

use super::State;
use crate::chat::{self, Request};

/// What to do with a message.
pub(super) enum Action {
    Answer(Request),
    /// A sticker, photo or other message without text, in a private chat.
    TextOnly,
}

/// What to do with a message; `None` is deliberate silence (group chatter, another bot's
/// command, a non-text message in a group).
pub(super) fn action_for(msg: &Message, state: &State) -> Option<Action> {
    let private = msg.chat.is_private();
    let Some(text) = msg.text() else {
        return private.then_some(Action::TextOnly);
    };
    request_for(msg, text, private, state).map(Action::Answer)
}

fn request_for(msg: &Message, text: &str, private: bool, state: &State) -> Option<Request> {
    let trimmed = text.trim();
    if trimmed.starts_with('/') {
        let request = chat::parse(trimmed, &state.username)?;
        // In groups, unknown commands are probably another bot's: stay silent.
        if !private && matches!(request, Request::Unknown(_)) {
            return None;
        }
        return Some(request);
    }
    if private {
        return Some(Request::Question(trimmed.to_string()));
    }
    let replies_to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == state.bot_id);
    let mention = format!("@{}", state.username);
    // Usernames are ASCII and Telegram matches them without regard to case.
    let mentions: Vec<Range<usize>> = msg
        .parse_entities()
        .unwrap_or_default()
        .iter()
        .filter(|e| *e.kind() == MessageEntityKind::Mention)
        .filter(|e| e.text().eq_ignore_ascii_case(&mention))
        .map(|e| e.range())
        .collect();
    if replies_to_bot || !mentions.is_empty() {
        let question = question_without(text, &mentions);
        return (!question.is_empty()).then_some(Request::Question(question));
    }
    None
}

/// `text` without the byte ranges of the bot's mentions (in order, not overlapping), trimmed
/// of the spaces and the comma or colon that follow a mention at the start.
fn question_without(text: &str, mentions: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in mentions {
        if let Some(before) = text.get(at..r.start) {
            out.push_str(before);
            at = r.end;
        }
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out.trim()
        .trim_start_matches([',', '，', ':', '：'])
        .trim()
        .to_string()
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn strip(text: &str, mention: &str) -> String {
        let ranges: Vec<_> = text
            .match_indices(mention)
            .map(|(i, m)| i..i + m.len())
            .collect();
        question_without(text, &ranges)
    }

    #[test]
    fn mentions_are_stripped() {
        assert_eq!(
            strip("@jianbao_bot 黄河有多长？", "@jianbao_bot"),
            "黄河有多长？"
        );
        assert_eq!(
            strip("请问 @jianbao_bot，防汛怎么样", "@jianbao_bot"),
            "请问 ，防汛怎么样"
        );
        assert_eq!(strip("@jianbao_bot：防汛", "@jianbao_bot"), "防汛");
        assert_eq!(strip("@jianbao_bot", "@jianbao_bot"), "");
        // Regression: lower-casing İ changes its byte length; cutting by a lower-cased
        // copy's offsets panicked. Entity ranges are into the text itself.
        assert_eq!(
            strip("İİ @jianbao_bot 黄河有多长", "@jianbao_bot"),
            "İİ  黄河有多长"
        );
        assert_eq!(
            question_without("黄河", &[1..100]),
            "黄河",
            "bad ranges are ignored"
        );
    }
}
