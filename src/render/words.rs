//! The words users read, in one catalogue: Chinese, and English for Telegram users whose
//! `language_code` is English and for a terminal whose locale is. The terminal and Telegram
//! say the same things; only the markup differs.

use crate::chat::Note;

/// The language of the words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// From Telegram's `language_code` (an IETF tag such as `en`, `en-GB`, `zh-hans`).
    pub fn from_code(code: Option<&str>) -> Self {
        match code {
            Some(c) if c.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("en")) => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// From the terminal's locale: `LC_ALL`, then `LC_MESSAGES`, then `LANG` (POSIX order);
    /// English when the first one set starts with `en`.
    pub fn from_env() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
        Self::from_code(locale.as_deref())
    }

    fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Usage hints and polite refusals, as plain text.
pub fn note(n: &Note, lang: Lang) -> String {
    match (n, lang) {
        (Note::EmptySearch, Lang::Zh) => "请在 /search 后面写上关键词，例如 /search 黄河".into(),
        (Note::EmptySearch, Lang::En) => "Put words after /search, e.g. /search 黄河".into(),
        (Note::SummaryWhich, Lang::Zh) => {
            "请写上文章编号或ID，例如 /summary 1；也可以回复一条结果消息发送 /summary。".into()
        }
        (Note::SummaryWhich, Lang::En) => {
            "Give an article number or id, e.g. /summary 1, or reply /summary to a result.".into()
        }
        (Note::ArticleWhich, Lang::Zh) => {
            "请写上文章ID，例如 /article 加上 /latest 或搜索结果里的ID。".into()
        }
        (Note::ArticleWhich, Lang::En) => {
            "Give an article id: /article and an id from /latest or a search.".into()
        }
        (Note::NoSuchArticle(id), Lang::Zh) => {
            format!("没有找到编号或ID为“{id}”的文章。先用 /latest 或 /search 看看。")
        }
        (Note::NoSuchArticle(id), Lang::En) => {
            format!("No article has the number or id “{id}”. Try /latest or /search first.")
        }
        (Note::LatestCount(s), Lang::Zh) => format!("“{s}”不是数量。用法：/latest 或 /latest 5"),
        (Note::LatestCount(s), Lang::En) => {
            format!("“{s}” is not a number. Usage: /latest or /latest 5")
        }
        (Note::TextOnly, _) => lang
            .pick(
                "我只看得懂文字。请发送关键词或问题。",
                "I read text only. Send words to search for, or a question.",
            )
            .into(),
        (Note::UnknownCommand(c), Lang::Zh) => format!("没有 {c} 这个命令。发送 /help 查看用法。"),
        (Note::UnknownCommand(c), Lang::En) => {
            format!("There is no command {c}. Send /help to see what I do.")
        }
        (Note::Expired, _) => lang
            .pick(
                "这条结果已过期，请重新搜索。",
                "This result has expired; please search again.",
            )
            .into(),
    }
}

/// Short texts only the bot shows: answers to button presses, and the apology for a
/// failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotNotice {
    /// A button on a message Telegram no longer gives us.
    MessageGone,
    /// A paging button whose search is forgotten.
    SearchGone,
    /// A button whose data this bot does not understand.
    ButtonGone,
    /// Something went wrong inside while answering.
    Apology,
}

/// The plain text of a [`BotNotice`].
pub fn bot_notice(n: BotNotice, lang: Lang) -> &'static str {
    match n {
        BotNotice::MessageGone => lang.pick("这条消息已过期。", "This message has expired."),
        BotNotice::SearchGone => lang.pick(
            "这条搜索已过期，请重新搜索。",
            "This search has expired; please search again.",
        ),
        BotNotice::ButtonGone => lang.pick("这个按钮已失效。", "This button no longer works."),
        BotNotice::Apology => lang.pick(
            "抱歉，处理这条消息时出了点问题，请稍后再试。",
            "Sorry, something went wrong with this message. Please try again later.",
        ),
    }
}

/// Before the article title on the inline card of an answer.
pub fn answer_card_prefix(lang: Lang) -> &'static str {
    lang.pick("答：", "Answer: ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes() {
        assert_eq!(Lang::from_code(Some("en")), Lang::En);
        assert_eq!(Lang::from_code(Some("en-GB")), Lang::En);
        assert_eq!(Lang::from_code(Some("en_US.UTF-8")), Lang::En);
        assert_eq!(Lang::from_code(Some("zh-hans")), Lang::Zh);
        assert_eq!(Lang::from_code(Some("e")), Lang::Zh);
        assert_eq!(Lang::from_code(None), Lang::Zh);
    }
}
