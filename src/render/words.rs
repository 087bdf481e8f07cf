//! The words users read, in one catalogue: Chinese, and English for Telegram users whose
//! `language_code` is English and for a terminal whose locale is. The terminal and Telegram
//! say the same things; only the markup differs.

use crate::answer::SummaryNote;
use crate::chat::{HelpInfo, Note};

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

    pub(crate) fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Where the words are read, for the commands they mention: in a conversation (Telegram or
/// `jianbao chat`) a search is `/search 黄河`; on the command line it is
/// `jianbao search 黄河`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Front {
    #[default]
    Chat,
    CommandLine,
}

impl Front {
    /// The command that searches for `words` here.
    pub fn search(self, words: &str) -> String {
        match self {
            Front::Chat => format!("/search {words}"),
            Front::CommandLine => format!("jianbao search {words}"),
        }
    }

    /// The command that shows the article `id` in full here.
    pub fn article(self, id: &str) -> String {
        match self {
            Front::Chat => format!("/article {id}"),
            Front::CommandLine => format!("jianbao article {id}"),
        }
    }
}

/// What `/start` and `/help` say, as plain text; `where_hint` says how to reach the bot in
/// this front end (see [`telegram_hint`] and [`terminal_hint`]).
pub fn help(info: &HelpInfo, lang: Lang, where_hint: &str) -> String {
    let mut out = String::from(lang.pick(
        "简报：我读过这些新闻，可以帮你查找、总结和回答问题。\n\n",
        "简报 (jianbao): I have read these news articles and can search, summarise and answer questions about them.\n\n",
    ));
    match lang {
        Lang::Zh => out.push_str(&format!("共 {} 篇文章", info.articles)),
        Lang::En => out.push_str(&format!("{} articles", info.articles)),
    }
    if let Some((from, to)) = info.dates {
        match lang {
            Lang::Zh => out.push_str(&format!("，{from} 至 {to}")),
            Lang::En => out.push_str(&format!(", {from} to {to}")),
        }
    }
    if !info.outlets.is_empty() {
        match lang {
            Lang::Zh => out.push_str(&format!("，来自{}等", info.outlets.join("、"))),
            Lang::En => out.push_str(&format!(", from {} and others", info.outlets.join(", "))),
        }
    }
    out.push_str(lang.pick("。\n\n", ".\n\n"));
    match lang {
        Lang::Zh => out.push_str(&info.commands),
        Lang::En => {
            let lines: Vec<String> = crate::chat::english_descriptions()
                .into_iter()
                .map(|(c, d)| format!("/{c} — {d}"))
                .collect();
            out.push_str(&lines.join("\n"));
        }
    }
    out.push_str("\n\n");
    if let Some(w) = &info.example_word {
        match lang {
            Lang::Zh => out.push_str(&format!(
                "例如：/search {w}\n或者直接提问：{w}有什么新进展？\n"
            )),
            Lang::En => out.push_str(&format!(
                "For example: /search {w}\nor just ask: {w}有什么新进展？\n"
            )),
        }
    }
    out.push_str(where_hint);
    out
}

/// How to reach the bot in Telegram, for the help text.
pub fn telegram_hint(lang: Lang) -> &'static str {
    lang.pick(
        "在群里请用 /search@机器人名 或回复我的消息提问；在任何聊天里输入 @机器人名 加关键词也能搜索。",
        "In a group, use /search@botname or reply to one of my messages; in any chat, type @botname and words to search.",
    )
}

/// How to use `jianbao chat`, for the help text.
pub fn terminal_hint(lang: Lang) -> &'static str {
    lang.pick(
        "在这里直接输入命令或问题；输入 /quit 或按 Ctrl-D 退出。",
        "Type a command or a question here; /quit or Ctrl-D leaves.",
    )
}

/// A search with nothing searchable in it.
pub fn nothing_to_search(lang: Lang, front: Front) -> String {
    let example = front.search("黄河");
    match lang {
        Lang::Zh => format!("这个搜索里没有可查的字词。请输入关键词，例如 {example}"),
        Lang::En => format!("Nothing to search for: type a word or a phrase, e.g. {example}"),
    }
}

/// A search of only very common words (searched anyway).
pub fn only_stop_words(lang: Lang) -> &'static str {
    lang.pick(
        "（只有很常见的词，结果可能较泛）",
        "(Only very common words in the query; results may be broad.)",
    )
}

/// A query cut to its start.
pub fn query_truncated(lang: Lang) -> &'static str {
    lang.pick(
        "（查询很长，只用了开头部分）",
        "(The query is very long; only its start was used.)",
    )
}

/// A page past the last one.
pub fn no_more_results(lang: Lang, pages: usize) -> String {
    match lang {
        Lang::Zh => format!("没有更多结果了（共 {pages} 页）。"),
        Lang::En => format!("No more results (there are {pages} pages)."),
    }
}

/// A search that matched nothing.
pub fn no_match(lang: Lang, query: &str) -> String {
    match lang {
        Lang::Zh => format!("没有找到与“{query}”相关的文章。换个说法或少用几个词试试。"),
        Lang::En => format!("No articles match “{query}”. Try fewer or other words."),
    }
}

/// How many articles matched; a lower bound says so with `+`.
pub fn articles_found(lang: Lang, total: usize, exact: bool) -> String {
    let plus = if exact { "" } else { "+" };
    match lang {
        Lang::Zh => format!("共 {total}{plus} 篇"),
        Lang::En if total == 1 && exact => "1 article".into(),
        Lang::En => format!("{total}{plus} articles"),
    }
}

/// Which page this is, and of how many when the count is exact.
pub fn page_of(lang: Lang, page: usize, pages: Option<usize>) -> String {
    match (lang, pages) {
        (Lang::Zh, Some(n)) => format!("第 {page}/{n} 页"),
        (Lang::Zh, None) => format!("第 {page} 页"),
        (Lang::En, Some(n)) => format!("page {page} of {n}"),
        (Lang::En, None) => format!("page {page}"),
    }
}

/// The label of a hit on an article's title (it has no body text).
pub fn title_hit(lang: Lang) -> &'static str {
    lang.pick("标题", "title")
}

/// The key-points button, for the `n`th listed article or the one answer.
pub fn key_points_button(lang: Lang, n: Option<usize>) -> String {
    let label = lang.pick("要点", "Key points");
    n.map_or_else(|| label.to_string(), |n| format!("{label} {n}"))
}

/// The paging buttons.
pub fn previous_page(lang: Lang) -> &'static str {
    lang.pick("‹ 上一页", "‹ Previous")
}

pub fn next_page(lang: Lang) -> &'static str {
    lang.pick("下一页 ›", "Next ›")
}

/// `/latest` on an empty corpus.
pub fn no_articles(lang: Lang) -> &'static str {
    lang.pick("还没有加载任何文章。", "No articles are loaded.")
}

pub fn no_articles_then(lang: Lang) -> &'static str {
    lang.pick("这段时间没有文章。", "No articles from that time.")
}

pub fn latest_heading(lang: Lang) -> &'static str {
    lang.pick("最新文章", "Latest articles")
}

pub fn lede_heading(lang: Lang) -> &'static str {
    lang.pick("导语", "Lede")
}

/// The heading of the key points: the article's own list, or its central sentences.
pub fn key_points_heading(lang: Lang, enumerated: bool) -> &'static str {
    match enumerated {
        true => lang.pick("要点（原文列举）", "Key points (as the article lists them)"),
        false => lang.pick("要点", "Key points"),
    }
}

pub fn figures_heading(lang: Lang) -> &'static str {
    lang.pick("数字", "Figures")
}

pub fn keywords_heading(lang: Lang) -> &'static str {
    lang.pick("关键词", "Keywords")
}

/// Where to read the whole article.
pub fn full_text(lang: Lang, front: Front, id: &str) -> String {
    format!(
        "{}{}",
        lang.pick("全文：", "Full text: "),
        front.article(id)
    )
}

/// Why part of a summary is missing.
pub fn summary_note(lang: Lang, note: SummaryNote) -> &'static str {
    match note {
        SummaryNote::NoBody => lang.pick("这篇文章没有正文，只知道标题", note.as_str()),
        SummaryNote::TooShort => lang.pick("正文太短，除导语外没有更多要点", note.as_str()),
    }
}

/// The reporter and the source in an article's metadata line.
pub fn reporter(lang: Lang, name: &str) -> String {
    format!("{}{name}", lang.pick("记者 ", "reporter "))
}

pub fn source(lang: Lang, name: &str) -> String {
    format!("{}{name}", lang.pick("来源 ", "source "))
}

/// Where the whole of an article too long to send can be read.
#[derive(Debug, Clone, Copy)]
pub enum WholeText<'a> {
    Url(&'a str),
    File(&'a str),
}

/// The last message of an article too long to send whole: `total` messages, `sent` of them
/// sent; the rest is at `rest`.
pub fn article_cut(lang: Lang, total: usize, sent: usize, rest: WholeText<'_>) -> String {
    let head = match lang {
        Lang::Zh => format!("（全文较长，共 {total} 条消息，这里只发了前 {sent} 条。"),
        Lang::En => format!("(The article is long: {total} messages; these are the first {sent}. "),
    };
    let tail = match (lang, rest) {
        (Lang::Zh, WholeText::Url(url)) => format!("原文：{url}）"),
        (Lang::Zh, WholeText::File(file)) => format!("完整内容见文件 {file}。）"),
        (Lang::En, WholeText::Url(url)) => format!("The original: {url})"),
        (Lang::En, WholeText::File(file)) => format!("The whole text is in the file {file}.)"),
    };
    head + &tail
}

/// A question nothing in the corpus answers.
pub fn no_answer(lang: Lang) -> &'static str {
    lang.pick(
        "没有找到能回答这个问题的文章。",
        "No article here answers that.",
    )
}

/// The search to try instead.
pub fn try_search(lang: Lang, front: Front, words: &str) -> String {
    format!(
        "{}{}",
        lang.pick("试试搜索：", "Try a search: "),
        front.search(words)
    )
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
    /// A chat sent more requests than may wait; the rest are refused for now.
    TooBusy,
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
        BotNotice::TooBusy => lang.pick(
            "这里的请求太多，请稍后再试。前面的请求会照常回答。",
            "Too many requests here; please try again later. The earlier ones will be answered.",
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
