//! The words users read, in one catalogue: Chinese, and English for Telegram users whose
//! `language_code` is English and for a terminal whose locale is. The terminal and Telegram
//! say the same things; only the markup differs.

use crate::answer::SummaryNote;
use crate::chat::{HelpInfo, Note};
use crate::text::dates::{DateSpec, Granularity, YearPart};

/// The language of the words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// From Telegram's `language_code` (an IETF tag such as `en`, `en-GB`, `zh-hans`).
    pub(crate) fn from_code(code: Option<&str>) -> Self {
        match code {
            Some(c) if c.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("en")) => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// From the terminal's locale: `LC_ALL`, then `LC_MESSAGES`, then `LANG` (POSIX order);
    /// English when the first one set starts with `en`.
    pub(crate) fn from_env() -> Self {
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
    pub(crate) fn search(self, words: &str) -> String {
        match self {
            Front::Chat => format!("/search {words}"),
            Front::CommandLine => format!("jianbao search {words}"),
        }
    }

    /// The command that shows the article `id` in full here.
    pub(crate) fn article(self, id: &str) -> String {
        match self {
            Front::Chat => format!("/article {id}"),
            Front::CommandLine => format!("jianbao article {id}"),
        }
    }
}

/// What `/start` and `/help` say, as plain text; `where_hint` says how to reach the bot in
/// this front end (see [`telegram_hint`] and [`terminal_hint`]).
pub(crate) fn help(info: &HelpInfo, lang: Lang, where_hint: &str) -> String {
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
pub(crate) fn telegram_hint(lang: Lang) -> &'static str {
    lang.pick(
        "在群里请用 /search@机器人名 或回复我的消息提问；在任何聊天里输入 @机器人名 加关键词也能搜索。",
        "In a group, use /search@botname or reply to one of my messages; in any chat, type @botname and words to search.",
    )
}

/// How to use `jianbao chat`, for the help text.
pub(crate) fn terminal_hint(lang: Lang) -> &'static str {
    lang.pick(
        "在这里直接输入命令或问题；输入 /quit 或按 Ctrl-D 退出。",
        "Type a command or a question here; /quit or Ctrl-D leaves.",
    )
}

/// A search with nothing searchable in it.
pub(crate) fn nothing_to_search(lang: Lang, front: Front) -> String {
    let example = front.search("黄河");
    match lang {
        Lang::Zh => format!("这个搜索里没有可查的字词。请输入关键词，例如 {example}"),
        Lang::En => format!("Nothing to search for: type a word or a phrase, e.g. {example}"),
    }
}

/// A search of only very common words (searched anyway).
pub(crate) fn only_stop_words(lang: Lang) -> &'static str {
    lang.pick(
        "（只有很常见的词，结果可能较泛）",
        "(Only very common words in the query; results may be broad.)",
    )
}

/// A query cut to its start.
pub(crate) fn query_truncated(lang: Lang) -> &'static str {
    lang.pick(
        "（查询很长，只用了开头部分）",
        "(The query is very long; only its start was used.)",
    )
}

/// A page past the last one.
pub(crate) fn no_more_results(lang: Lang, pages: usize) -> String {
    match lang {
        Lang::Zh => format!("没有更多结果了（共 {pages} 页）。"),
        Lang::En => format!("No more results (there are {pages} pages)."),
    }
}

/// A search that matched nothing.
pub(crate) fn no_match(lang: Lang, query: &str) -> String {
    match lang {
        Lang::Zh => format!("没有找到与“{query}”相关的文章。换个说法或少用几个词试试。"),
        Lang::En => format!("No articles match “{query}”. Try fewer or other words."),
    }
}

/// How many articles matched; a lower bound says so with `+`.
pub(crate) fn articles_found(lang: Lang, total: usize, exact: bool) -> String {
    let plus = if exact { "" } else { "+" };
    match lang {
        Lang::Zh => format!("共 {total}{plus} 篇"),
        Lang::En if total == 1 && exact => "1 article".into(),
        Lang::En => format!("{total}{plus} articles"),
    }
}

/// Which page this is, and of how many when the count is exact.
pub(crate) fn page_of(lang: Lang, page: usize, pages: Option<usize>) -> String {
    match (lang, pages) {
        (Lang::Zh, Some(n)) => format!("第 {page}/{n} 页"),
        (Lang::Zh, None) => format!("第 {page} 页"),
        (Lang::En, Some(n)) => format!("page {page} of {n}"),
        (Lang::En, None) => format!("page {page}"),
    }
}

/// The label of a hit on an article's title (it has no body text).
pub(crate) fn title_hit(lang: Lang) -> &'static str {
    lang.pick("标题", "title")
}

/// The key-points button, for the `n`th listed article or the one answer.
pub(crate) fn key_points_button(lang: Lang, n: Option<usize>) -> String {
    let label = lang.pick("要点", "Key points");
    n.map_or_else(|| label.to_string(), |n| format!("{label} {n}"))
}

/// The paging buttons.
pub(crate) fn previous_page(lang: Lang) -> &'static str {
    lang.pick("‹ 上一页", "‹ Previous")
}

pub(crate) fn next_page(lang: Lang) -> &'static str {
    lang.pick("下一页 ›", "Next ›")
}

/// `/latest` on an empty corpus.
pub(crate) fn no_articles(lang: Lang) -> &'static str {
    lang.pick("还没有加载任何文章。", "No articles are loaded.")
}

pub(crate) fn no_articles_then(lang: Lang) -> &'static str {
    lang.pick("这段时间没有文章。", "No articles from that time.")
}

pub(crate) fn latest_heading(lang: Lang) -> &'static str {
    lang.pick("最新文章", "Latest articles")
}

pub(crate) fn lede_heading(lang: Lang) -> &'static str {
    lang.pick("导语", "Lede")
}

/// The heading of the key points: the article's own list, or its central sentences.
pub(crate) fn key_points_heading(lang: Lang, enumerated: bool) -> &'static str {
    match enumerated {
        true => lang.pick("要点（原文列举）", "Key points (as the article lists them)"),
        false => lang.pick("要点", "Key points"),
    }
}

pub(crate) fn figures_heading(lang: Lang) -> &'static str {
    lang.pick("数字", "Figures")
}

pub(crate) fn keywords_heading(lang: Lang) -> &'static str {
    lang.pick("关键词", "Keywords")
}

/// Where to read the whole article.
pub(crate) fn full_text(lang: Lang, front: Front, id: &str) -> String {
    format!(
        "{}{}",
        lang.pick("全文：", "Full text: "),
        front.article(id)
    )
}

/// Why part of a summary is missing.
pub(crate) fn summary_note(lang: Lang, note: SummaryNote) -> &'static str {
    match note {
        SummaryNote::NoBody => lang.pick("这篇文章没有正文，只知道标题", note.as_str()),
        SummaryNote::TooShort => lang.pick("正文太短，除导语外没有更多要点", note.as_str()),
    }
}

/// The reporter and the source in an article's metadata line.
pub(crate) fn reporter(lang: Lang, name: &str) -> String {
    format!("{}{name}", lang.pick("记者 ", "reporter "))
}

pub(crate) fn source(lang: Lang, name: &str) -> String {
    format!("{}{name}", lang.pick("来源 ", "source "))
}

/// Where the whole of an article too long to send can be read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum WholeText<'a> {
    Url(&'a str),
    /// No address to point to (a file on the server, whose path is not the reader's
    /// business): the key points of the article with this id.
    KeyPoints(&'a str),
}

/// The last message of an article too long to send whole: `total` messages, `sent` of them
/// sent; the rest is at `rest`.
pub(crate) fn article_cut(lang: Lang, total: usize, sent: usize, rest: WholeText<'_>) -> String {
    let head = match lang {
        Lang::Zh => format!("（全文较长，共 {total} 条消息，这里只发了前 {sent} 条。"),
        Lang::En => format!("(The article is long: {total} messages; these are the first {sent}. "),
    };
    let tail = match (lang, rest) {
        (Lang::Zh, WholeText::Url(url)) => format!("原文：{url}）"),
        (Lang::Zh, WholeText::KeyPoints(id)) => format!("其余部分没有发出；要点见 /summary {id}）"),
        (Lang::En, WholeText::Url(url)) => format!("The original: {url})"),
        (Lang::En, WholeText::KeyPoints(id)) => {
            format!("The rest is not sent; its key points: /summary {id})")
        }
    };
    head + &tail
}

/// A question nothing in the corpus answers.
pub(crate) fn no_answer(lang: Lang) -> &'static str {
    lang.pick(
        "没有找到能回答这个问题的文章。",
        "No article here answers that.",
    )
}

/// A question asking for an opinion or advice, which the news does not give.
pub(crate) fn opinion_asked(lang: Lang) -> &'static str {
    lang.pick(
        "这是在问看法或建议。我只从新闻报道里找事实，可以看看相关的报道。",
        "That asks for an opinion or advice; I only find facts in the news. Related reports may help.",
    )
}

/// The search to try instead.
pub(crate) fn try_search(lang: Lang, front: Front, words: &str) -> String {
    format!(
        "{}{}",
        lang.pick("试试搜索：", "Try a search: "),
        front.search(words)
    )
}

/// The terminal's `article ID` / `summary ID` with an id no article has (the chat's, which
/// also takes list numbers, is [`Note::NoSuchArticle`]).
pub(crate) fn no_such_article_id(lang: Lang, id: &str) -> String {
    let front = Front::CommandLine;
    match lang {
        Lang::Zh => format!(
            "没有ID为“{id}”的文章。`jianbao latest` 和 `{}` 会列出文章ID。",
            front.search("词语")
        ),
        Lang::En => format!(
            "No article has the id “{id}”. `jianbao latest` and `{}` show ids.",
            front.search("WORDS")
        ),
    }
}

/// Usage hints and polite refusals, as plain text.
pub(crate) fn note(n: &Note, lang: Lang) -> String {
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
        (Note::FollowInBot, _) => follow_note(&FollowNote::TelegramOnly, lang),
        (Note::Expired, _) => lang
            .pick(
                "这条结果已过期，请重新搜索。",
                "This result has expired; please search again.",
            )
            .into(),
        (Note::FeedsInBot, _) => lang
            .pick(
                "订阅源由机器人管理员在私聊中管理。在命令行里请用 jianbao feeds list、jianbao feeds poll 和 jianbao feeds import，或编辑订阅源文件。",
                "Feeds are managed by the bot's admins in a private chat. On the command line use jianbao feeds list, jianbao feeds poll and jianbao feeds import, or edit the feeds file.",
            )
            .into(),
    }
}

/// How often a trend counts: "每周" / "weekly".
pub(crate) fn trend_unit(lang: Lang, period: crate::answer::Period) -> &'static str {
    use crate::answer::Period;
    match period {
        Period::Week => lang.pick("每周", "weekly"),
        Period::Month => lang.pick("每月", "monthly"),
    }
}

/// One period of a trend, named: `2024-06-03 那周` / `week of 2024-06-03`.
pub(crate) fn trend_period(
    lang: Lang,
    period: crate::answer::Period,
    start: chrono::NaiveDate,
) -> String {
    use crate::answer::Period;
    match (period, lang) {
        (Period::Week, Lang::Zh) => format!("{start} 那周"),
        (Period::Week, Lang::En) => format!("the week of {start}"),
        (Period::Month, Lang::Zh) => start.format("%Y-%m 月").to_string(),
        (Period::Month, Lang::En) => start.format("%Y-%m").to_string(),
    }
}

/// What a trend counts, over which dates: `每周文章数（2024-01-01 至 2024-06-30）`.
pub(crate) fn trend_range(
    lang: Lang,
    period: crate::answer::Period,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> String {
    let unit = trend_unit(lang, period);
    match lang {
        Lang::Zh => format!("{unit}文章数（{from} 至 {to}）"),
        Lang::En => format!("{unit} article counts ({from} to {to})"),
    }
}

/// The first line of a trend caption; `words` are already marked up as the caller needs.
pub(crate) fn trend_heading(
    lang: Lang,
    words: &str,
    period: crate::answer::Period,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> String {
    let range = trend_range(lang, period, from, to);
    match lang {
        Lang::Zh => format!("📈 {words} {range}"),
        Lang::En => format!("📈 {words}: {range}"),
    }
}

/// The chart's own title (digits and the unit only; the words are in the caption).
pub(crate) fn chart_title(lang: Lang, period: crate::answer::Period) -> String {
    match lang {
        Lang::Zh => format!("{}文章数", trend_unit(lang, period)),
        Lang::En => format!("Articles ({})", trend_unit(lang, period)),
    }
}

/// The chart's y axis.
pub(crate) fn chart_axis(lang: Lang) -> &'static str {
    lang.pick("篇", "articles")
}

/// A topic's total: `共 12 篇` / `12 articles`.
pub(crate) fn trend_total(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("共 {n} 篇"),
        Lang::En if n == 1 => "1 article".into(),
        Lang::En => format!("{n} articles"),
    }
}

/// After the total: the busiest period.
pub(crate) fn trend_peak(lang: Lang, period: &str, n: usize) -> String {
    match lang {
        Lang::Zh => format!("，最多是 {period} {n} 篇"),
        Lang::En => format!(", most in {period}: {n}"),
    }
}

/// After the total: articles about the word that have no date.
pub(crate) fn trend_undated(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("（另有 {n} 篇无日期）"),
        Lang::En => format!(" ({n} more without a date)"),
    }
}

/// Why part of a trend request was not drawn. `words` are already clipped.
pub(crate) fn trend_notice(lang: Lang, notice: &crate::answer::TrendNotice) -> String {
    use crate::answer::TrendNotice as N;
    match (notice, lang) {
        (N::NoWords, Lang::Zh) => {
            "请在 /trend 后面写上关键词，最多三个，例如 /trend 黄河 长江 或 /trend 黄河 2024".into()
        }
        (N::NoWords, Lang::En) => {
            "Put up to three words after /trend, e.g. /trend 黄河 长江 or /trend 黄河 2024".into()
        }
        (N::TooManyWords(rest), Lang::Zh) => format!("最多比较三个词，已略过：{}", rest.join("、")),
        (N::TooManyWords(rest), Lang::En) => format!(
            "At most three words are compared; left out: {}",
            rest.join(", ")
        ),
        (N::Unsearchable(w), Lang::Zh) => format!("“{w}”里没有可查的字词，已略过。"),
        (N::Unsearchable(w), Lang::En) => format!("“{w}” has nothing searchable; left out."),
        (N::NoDates, Lang::Zh) => "这些文章都没有日期，画不出走势。".into(),
        (N::NoDates, Lang::En) => {
            "None of these articles has a date, so there is no trend to draw.".into()
        }
        (N::EmptyYear(y), Lang::Zh) => format!("{y} 年没有带日期的文章。"),
        (N::EmptyYear(y), Lang::En) => format!("No dated articles in {y}."),
    }
}

/// When a trend request leaves nothing to say.
pub(crate) fn trend_nothing(lang: Lang) -> &'static str {
    lang.pick("没有可以画的走势。", "Nothing to chart.")
}

/// Where the terminal wrote the chart.
pub(crate) fn chart_written(lang: Lang, path: &std::path::Path) -> String {
    match lang {
        Lang::Zh => format!("图表：{}", path.display()),
        Lang::En => format!("Chart: {}", path.display()),
    }
}

/// What the bot says about followed topics (`/subscribe`, `/subscriptions`,
/// `/unsubscribe`). `topic` texts are the reader's words; callers escape them for HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowNote {
    /// `/subscribe` without words.
    SubscribeWhat,
    /// Now following; `held` subscriptions in the chat now.
    Subscribed {
        topic: String,
        held: usize,
    },
    AlreadyFollowing {
        topic: String,
    },
    /// The chat holds the most it may.
    Full {
        max: usize,
    },
    /// Nothing searchable in the words.
    NothingToFollow,
    OnlyStopWords {
        topic: String,
    },
    TooShort {
        topic: String,
    },
    TooBroad {
        topic: String,
        matched: usize,
        of: usize,
    },
    /// In a group, only administrators may change what it follows.
    AdminsOnly,
    /// A channel named from a private chat that the bot cannot see.
    NoSuchChannel {
        name: String,
    },
    /// The user is not an administrator of the channel.
    NotChannelAdmin {
        name: String,
    },
    /// The bot cannot post in the channel.
    BotNotChannelAdmin {
        name: String,
    },
    /// `/unsubscribe` without a number or words.
    UnsubscribeWhich,
    /// No subscription with that number or those words.
    NoSuchSubscription {
        which: String,
    },
    Unsubscribed {
        topic: String,
    },
    /// `/subscriptions` with nothing followed.
    NoSubscriptions,
    /// Alerts were paused (the chat was unreachable) and now resume.
    Resumed,
    /// The database is not available, so nothing can be followed.
    Unavailable,
    /// In the terminal (`jianbao chat`): alerts are pushed in Telegram only.
    TelegramOnly,
}

/// The plain text of a [`FollowNote`].
pub(crate) fn follow_note(n: &FollowNote, lang: Lang) -> String {
    use FollowNote as F;
    match (n, lang) {
        (F::SubscribeWhat, Lang::Zh) => "请在 /subscribe 后写上要关注的关键词，例如 /subscribe 防汛".into(),
        (F::SubscribeWhat, Lang::En) => "Put the words to follow after /subscribe, e.g. /subscribe 防汛".into(),
        (F::Subscribed { topic, held }, Lang::Zh) => format!(
            "已关注「{topic}」：有新文章提到它时，我会在这里提醒。（已关注 {held} 个话题）"
        ),
        (F::Subscribed { topic, held }, Lang::En) => format!(
            "Now following “{topic}”: I will post here when a new article mentions it. ({held} topics followed)"
        ),
        (F::AlreadyFollowing { topic }, Lang::Zh) => format!("已经关注「{topic}」了。"),
        (F::AlreadyFollowing { topic }, Lang::En) => format!("“{topic}” is followed already."),
        (F::Full { max }, Lang::Zh) => format!("最多关注 {max} 个话题。请先用 /unsubscribe 取消一个。"),
        (F::Full { max }, Lang::En) => format!("At most {max} topics can be followed. Remove one first with /unsubscribe."),
        (F::NothingToFollow, Lang::Zh) => "这些符号里没有可以关注的词。请写上关键词，例如 /subscribe 防汛".into(),
        (F::NothingToFollow, Lang::En) => "There is no word to follow in that. Write words, e.g. /subscribe 防汛".into(),
        (F::OnlyStopWords { topic }, Lang::Zh) => format!(
            "「{topic}」只有常用词，几乎每篇文章都有。换个更具体的词吧，例如 /subscribe 防汛"
        ),
        (F::OnlyStopWords { topic }, Lang::En) => format!(
            "“{topic}” has only common words that nearly every article has. Try something more specific, e.g. /subscribe 防汛"
        ),
        (F::TooShort { topic }, Lang::Zh) => format!("「{topic}」太短了：单个字母或数字几乎处处都有。"),
        (F::TooShort { topic }, Lang::En) => format!("“{topic}” is too short: a single letter or digit is everywhere."),
        (F::TooBroad { topic, matched, of }, Lang::Zh) => format!(
            "「{topic}」太宽泛：最近 {of} 篇文章中有 {matched} 篇提到它。换个更具体的词吧。"
        ),
        (F::TooBroad { topic, matched, of }, Lang::En) => format!(
            "“{topic}” is too broad: {matched} of the latest {of} articles mention it. Try something more specific."
        ),
        (F::AdminsOnly, Lang::Zh) => "在群里，只有管理员可以关注或取消关注话题。大家都可以用 /subscriptions 查看。".into(),
        (F::AdminsOnly, Lang::En) => "In a group, only administrators can follow or unfollow topics. Anyone can see them with /subscriptions.".into(),
        (F::NoSuchChannel { name }, Lang::Zh) => format!("找不到频道 {name}。请先把我设为这个频道的管理员。"),
        (F::NoSuchChannel { name }, Lang::En) => format!("I cannot find the channel {name}. Make me an administrator of it first."),
        (F::NotChannelAdmin { name }, Lang::Zh) => format!("只有频道 {name} 的管理员才能为它关注话题。"),
        (F::NotChannelAdmin { name }, Lang::En) => format!("Only administrators of {name} can change what it follows."),
        (F::BotNotChannelAdmin { name }, Lang::Zh) => format!("我还不是频道 {name} 的管理员，没法在那里发消息。请先把我设为管理员。"),
        (F::BotNotChannelAdmin { name }, Lang::En) => format!("I am not an administrator of {name}, so I cannot post there. Make me one first."),
        (F::UnsubscribeWhich, Lang::Zh) => "要取消哪一个？用法：/unsubscribe 编号 或 /unsubscribe 关键词（编号见 /subscriptions）".into(),
        (F::UnsubscribeWhich, Lang::En) => "Which one? Usage: /unsubscribe number or /unsubscribe words (numbers in /subscriptions)".into(),
        (F::NoSuchSubscription { which }, Lang::Zh) => format!("没有找到关注「{which}」。发送 /subscriptions 查看列表。"),
        (F::NoSuchSubscription { which }, Lang::En) => format!("No followed topic “{which}”. Send /subscriptions to see the list."),
        (F::Unsubscribed { topic }, Lang::Zh) => format!("已取消关注「{topic}」。"),
        (F::Unsubscribed { topic }, Lang::En) => format!("Stopped following “{topic}”."),
        (F::NoSubscriptions, Lang::Zh) => "还没有关注任何话题。用 /subscribe 关键词 关注一个，例如 /subscribe 防汛".into(),
        (F::NoSubscriptions, Lang::En) => "No topics followed yet. Follow one with /subscribe words, e.g. /subscribe 防汛".into(),
        (F::Resumed, Lang::Zh) => "提醒已恢复。".into(),
        (F::Resumed, Lang::En) => "Alerts are back on.".into(),
        (F::Unavailable, Lang::Zh) => "关注功能暂时不可用，请稍后再试。".into(),
        (F::Unavailable, Lang::En) => "Following topics is not available right now; please try later.".into(),
        (F::TelegramOnly, Lang::Zh) => "关注话题的提醒只在 Telegram 里推送；这里可以用 /search 和 /trend。".into(),
        (F::TelegramOnly, Lang::En) => "Alerts for followed topics are pushed in Telegram only; here, try /search and /trend.".into(),
    }
}

/// The heading of `/subscriptions`: this chat's, or a channel's (`@name`).
pub(crate) fn subscriptions_heading(lang: Lang, channel: Option<&str>) -> String {
    match (channel, lang) {
        (None, Lang::Zh) => "关注的话题：".into(),
        (None, Lang::En) => "Followed topics:".into(),
        (Some(c), Lang::Zh) => format!("频道 {c} 关注的话题："),
        (Some(c), Lang::En) => format!("Topics {c} follows:"),
    }
}

/// How many alerts a subscription sent, and whether it is paused.
pub(crate) fn subscription_status(lang: Lang, alerts: u64, paused: bool) -> String {
    let mut out = match lang {
        Lang::Zh => format!("已提醒 {alerts} 次"),
        Lang::En if alerts == 1 => "1 alert".to_string(),
        Lang::En => format!("{alerts} alerts"),
    };
    if paused {
        out.push_str(lang.pick("（已暂停）", " (paused)"));
    }
    out
}

/// Under the list: how to remove one.
pub(crate) fn subscriptions_footer(lang: Lang) -> &'static str {
    lang.pick(
        "取消关注：/unsubscribe 编号，或按下面的按钮。",
        "To stop following one: /unsubscribe number, or press a button below.",
    )
}

/// The button that removes subscription `n` (its number in the list; `None`: the one just made).
pub(crate) fn unsubscribe_button(lang: Lang, n: Option<usize>) -> String {
    match (n, lang) {
        (Some(n), Lang::Zh) => format!("取消 {n}"),
        (Some(n), Lang::En) => format!("Remove {n}"),
        (None, _) => lang.pick("取消关注", "Unfollow").into(),
    }
}

/// The button that shows the list.
pub(crate) fn subscriptions_button(lang: Lang) -> &'static str {
    lang.pick("我的关注", "Followed topics")
}

/// The first line of an alert: the topic followed.
pub(crate) fn alert_heading(lang: Lang) -> &'static str {
    lang.pick("🔔 关注：", "🔔 Following: ")
}

/// The first line of a digest of `n` new articles.
pub(crate) fn digest_heading(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("🔔 你关注的话题有 {n} 篇新文章："),
        Lang::En => format!("🔔 {n} new articles on topics you follow:"),
    }
}

/// Which topic a digest line is for.
pub(crate) fn digest_topic(lang: Lang) -> &'static str {
    lang.pick("关注：", "topic: ")
}

/// Short texts only the bot shows: answers to button presses, and the apology for a
/// failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BotNotice {
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
pub(crate) fn bot_notice(n: BotNotice, lang: Lang) -> &'static str {
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

// Feed administration (`/addfeed`, `/feeds`, `/removefeed`; bot admins only). Feed names,
// addresses and error reasons are shown as the feed and the fetcher give them.

/// The admin commands, for an admin's `/help`.
pub(crate) fn admin_commands(lang: Lang) -> &'static str {
    lang.pick(
        "管理员命令（仅私聊）：\n/addfeed 网址 — 添加订阅源并立即读取一次\n/feeds — 订阅源列表和状态\n/removefeed 编号 — 删除订阅源（已读到的文章保留）",
        "Admin commands (private chat only):\n/addfeed URL — add a feed and read it once now\n/feeds — the feeds and their state\n/removefeed N — remove a feed (its articles stay)",
    )
}

/// Why an admin command was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AdminRefusal {
    /// The sender is not in the `admins` setting.
    NotAdmin,
    /// Sent in a group.
    NotPrivate,
    /// This bot runs without feeds (no database).
    NoFeeds,
}

pub(crate) fn admin_refusal(r: AdminRefusal, lang: Lang) -> &'static str {
    match r {
        AdminRefusal::NotAdmin => lang.pick(
            "抱歉，订阅源只能由机器人的管理员管理。你可以用 /search 和 /latest 查看已有的新闻。",
            "Sorry, only the bot's admins can manage feeds. You can use /search and /latest on the news I have.",
        ),
        AdminRefusal::NotPrivate => lang.pick(
            "订阅源管理命令只能在与我的私聊中使用。",
            "Feed commands work only in a private chat with me.",
        ),
        AdminRefusal::NoFeeds => lang.pick(
            "这个机器人没有开启订阅源功能。",
            "This bot runs without feeds.",
        ),
    }
}

pub(crate) fn addfeed_usage(lang: Lang) -> &'static str {
    lang.pick(
        "用法：/addfeed 网址，例如 /addfeed https://example.com/rss.xml",
        "Usage: /addfeed URL, e.g. /addfeed https://example.com/rss.xml",
    )
}

pub(crate) fn removefeed_usage(lang: Lang) -> &'static str {
    lang.pick(
        "用法：/removefeed 编号（编号见 /feeds）",
        "Usage: /removefeed N (the numbers are in /feeds)",
    )
}

/// Why an address was not added.
pub(crate) fn feed_refused(r: &crate::ingest::FeedRefused, lang: Lang) -> String {
    use crate::ingest::FeedRefused as R;
    match (r, lang) {
        (R::NotFeedUrl(given), Lang::Zh) => {
            format!("“{given}”不是可以订阅的网址：只接受 http:// 或 https:// 开头的完整地址。")
        }
        (R::NotFeedUrl(given), Lang::En) => {
            format!(
                "“{given}” cannot be a feed: give a full address starting with http:// or https://."
            )
        }
        (R::Private { host, ip }, Lang::Zh) => {
            format!("{host} 指向本机或内网地址（{ip}），为了安全不能订阅。")
        }
        (R::Private { host, ip }, Lang::En) => format!(
            "{host} points to a local or private address ({ip}); for safety it cannot be a feed."
        ),
        (R::UnknownHost { host, reason }, Lang::Zh) => {
            format!("找不到主机 {host}（{reason}），没有添加。请检查网址。")
        }
        (R::UnknownHost { host, reason }, Lang::En) => {
            format!("Cannot find the host {host} ({reason}); not added. Please check the address.")
        }
        (R::Known { id, name }, Lang::Zh) => {
            format!("这个订阅源已经在列表里：{id}. {name}。发送 /feeds 查看。")
        }
        (R::Known { id, name }, Lang::En) => {
            format!("This feed is already followed: {id}. {name}. Send /feeds to see it.")
        }
        (R::Removed(id), Lang::Zh) => format!("订阅源 {id} 在添加时被删除了。"),
        (R::Removed(id), Lang::En) => format!("Feed {id} was removed while it was being added."),
        (R::Store(_), _) => bot_notice(BotNotice::Apology, lang).into(),
    }
}

/// The first line of the answer to `/addfeed`: added, and whether the first read worked.
pub(crate) fn feed_added(lang: Lang, id: i64, name: &str, failed: Option<&str>) -> String {
    match (failed, lang) {
        (None, Lang::Zh) => format!("已添加订阅源 {id}. {name}"),
        (None, Lang::En) => format!("Feed added: {id}. {name}"),
        (Some(reason), Lang::Zh) => format!(
            "已添加订阅源 {id}. {name}，但第一次读取失败：{reason}\n之后会自动重试（间隔逐渐变长）；用 /feeds 查看状态，/removefeed {id} 删除。"
        ),
        (Some(reason), Lang::En) => format!(
            "Feed added: {id}. {name}, but the first read failed: {reason}\nIt will be retried (waiting longer each time); /feeds shows its state, /removefeed {id} removes it."
        ),
    }
}

/// What the first read of a new feed brought.
pub(crate) fn feed_first_read(
    lang: Lang,
    report: &crate::ingest::PollReport,
    pages_failed: usize,
) -> String {
    let mut out = match lang {
        Lang::Zh => format!(
            "读到 {} 篇新文章，{} 篇更新，{} 篇重复；现在就可以搜索。",
            report.added,
            report.updated,
            report.duplicates + report.unchanged
        ),
        Lang::En => format!(
            "Read {} new articles, {} updated, {} already known; they are searchable now.",
            report.added,
            report.updated,
            report.duplicates + report.unchanged
        ),
    };
    if report.not_modified {
        out = lang
            .pick("服务器说内容没有变化。", "The server says nothing changed.")
            .into();
    }
    if pages_failed > 0 {
        out.push('\n');
        out.push_str(&match lang {
            Lang::Zh => format!("{pages_failed} 篇文章的网页读取失败，保留了订阅源里的摘要。"),
            Lang::En => format!(
                "{pages_failed} article pages could not be read; the feed's own text was kept."
            ),
        });
    }
    out
}

pub(crate) fn no_feeds(lang: Lang) -> &'static str {
    lang.pick(
        "还没有订阅源。用 /addfeed 网址 添加，或在订阅源文件里列出。",
        "No feeds yet. Add one with /addfeed URL, or list them in the feeds file.",
    )
}

pub(crate) fn feeds_heading(lang: Lang, n: usize, failing: usize) -> String {
    match lang {
        Lang::Zh if failing > 0 => format!("订阅源 {n} 个，其中 {failing} 个出错："),
        Lang::Zh => format!("订阅源 {n} 个："),
        Lang::En if failing > 0 => format!("{n} feeds, {failing} failing:"),
        Lang::En => format!("{n} feeds:"),
    }
}

/// The state line of one feed in `/feeds`: articles, last success (a UTC time).
pub(crate) fn feed_state(lang: Lang, articles: u64, last_success: Option<&str>) -> String {
    match (lang, last_success) {
        (Lang::Zh, Some(t)) => format!("文章 {articles} 篇 · 上次成功 {t}"),
        (Lang::Zh, None) => format!("文章 {articles} 篇 · 还没有成功读取过"),
        (Lang::En, Some(t)) => format!("{articles} articles · last success {t}"),
        (Lang::En, None) => format!("{articles} articles · never read successfully"),
    }
}

/// The error line of a failing feed in `/feeds`.
pub(crate) fn feed_error(lang: Lang, error: &str, failures: u32) -> String {
    match lang {
        Lang::Zh => format!("上次错误（连续 {failures} 次）：{error}"),
        Lang::En => format!("Last error ({failures} in a row): {error}"),
    }
}

pub(crate) fn feeds_footer(lang: Lang) -> &'static str {
    lang.pick(
        "删除：/removefeed 编号　添加：/addfeed 网址",
        "Remove: /removefeed N   Add: /addfeed URL",
    )
}

pub(crate) fn no_such_feed(lang: Lang, given: &str) -> String {
    match lang {
        Lang::Zh => format!("没有编号为“{given}”的订阅源。发送 /feeds 查看编号。"),
        Lang::En => format!("No feed has the number “{given}”. Send /feeds to see the numbers."),
    }
}

/// The answer to `/removefeed`; `from_file` when the feed is listed in the feeds file (it
/// comes back at the next start unless removed there too).
pub(crate) fn feed_removed(
    lang: Lang,
    id: i64,
    name: &str,
    articles: u64,
    from_file: bool,
) -> String {
    let mut out = match lang {
        Lang::Zh => format!(
            "已删除订阅源 {id}. {name}，不再读取。已经读到的 {articles} 篇文章仍然可以搜索。"
        ),
        Lang::En => format!(
            "Removed feed {id}. {name}; it is no longer read. The {articles} articles already read stay searchable."
        ),
    };
    if from_file {
        out.push('\n');
        out.push_str(lang.pick(
            "注意：它写在订阅源文件里，下次启动时会重新加入；请也从文件中删除。",
            "Note: it is listed in the feeds file and comes back at the next start; remove it there too.",
        ));
    }
    out
}

/// Before the article title on the inline card of an answer.
pub(crate) fn answer_card_prefix(lang: Lang) -> &'static str {
    lang.pick("答：", "Answer: ")
}

/// What introduces the dates understood in a query.
pub(crate) fn dates_intro(lang: Lang) -> &'static str {
    lang.pick("日期：", "Dates: ")
}

/// Between the items of a short list (dates, parts of a year).
pub(crate) fn list_separator(lang: Lang) -> &'static str {
    lang.pick("、", ", ")
}

/// One date (range) understood in a query; a relative one (`去年`) shows the words typed
/// with what they were read as.
pub(crate) fn date_label(d: &DateSpec, lang: Lang) -> String {
    let label = match lang {
        Lang::Zh => d.label(),
        Lang::En => {
            let day = |x: chrono::NaiveDate| x.format("%Y-%m-%d").to_string();
            match d.granularity {
                Granularity::Year => d.from.format("%Y").to_string(),
                Granularity::Month => d.from.format("%Y-%m").to_string(),
                Granularity::Day => day(d.from),
                Granularity::Week | Granularity::Recent => {
                    format!("{} to {}", day(d.from), day(d.to))
                }
            }
        }
    };
    if !d.relative {
        return label;
    }
    match lang {
        Lang::Zh => format!("{}（{label}）", d.text.trim()),
        Lang::En => format!("{} ({label})", d.text.trim()),
    }
}

/// A part of a year understood in a question (`1—10月`, `Jan–Oct`).
pub(crate) fn year_part_label(p: &YearPart, lang: Lang) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = |m: u32| MONTHS[(m.clamp(1, 12) - 1) as usize];
    match lang {
        Lang::Zh => p.label(),
        Lang::En => match (p.first, p.last) {
            (1, 12) => "the whole year".to_string(),
            (a, b) if a == b => month(a).to_string(),
            (a, b) => format!("{}–{}", month(a), month(b)),
        },
    }
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

    #[test]
    fn dates_in_either_language() {
        let anchor = chrono::NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
        let labels = |text: &str, lang| -> Vec<String> {
            let mut out: Vec<String> = crate::text::dates::find(text, anchor)
                .iter()
                .map(|d| date_label(d, lang))
                .collect();
            out.extend(
                crate::text::dates::year_parts(text)
                    .iter()
                    .map(|(p, _)| year_part_label(p, lang)),
            );
            out
        };
        assert_eq!(labels("2024年6月20日", Lang::En), ["2024-06-20"]);
        assert_eq!(labels("2023年6月", Lang::En), ["2023-06"]);
        assert_eq!(labels("去年", Lang::Zh), ["去年（2023年）"]);
        assert_eq!(labels("去年", Lang::En), ["去年 (2023)"]);
        assert_eq!(labels("上半年", Lang::En), ["Jan–Jun"]);
        assert_eq!(labels("一季度", Lang::Zh), ["1—3月"]);
    }
}
