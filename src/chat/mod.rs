//! The conversation, independent of where it happens: the command list, turning a user's
//! input into a [`Reply`] from the engine, and the little state a chat needs (the last list
//! shown, so `/summary 2` works; recent searches, so paging buttons work). The Telegram bot
//! and the terminal (`jianbao chat`) both use this and differ only in rendering.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::NaiveDate;
use teloxide::utils::command::BotCommands;

use crate::answer::{
    Answer, Engine, MAX_LATEST_LIMIT, SearchResults, Summary, Trend, TrendRequest,
};
use crate::corpus::Article;

// The commands, with their help text (Chinese; English in `english_descriptions`). A plain
// comment, not a doc comment: the derive takes doc comments as help text, and this one
// once showed up in `/help`.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase", description = "简报可以帮你查新闻：")]
pub enum Command {
    #[command(description = "开始使用，看看我知道哪些新闻")]
    Start,
    #[command(description = "使用说明")]
    Help,
    #[command(description = "搜索：/search 关键词")]
    Search(String),
    #[command(description = "最新文章：/latest [数量]")]
    Latest(String),
    #[command(description = "文章要点：/summary 编号或文章ID")]
    Summary(String),
    #[command(description = "文章全文：/article 文章ID")]
    Article(String),
    #[command(description = "走势图：/trend 关键词 [年份]，最多三个词")]
    Trend(String),
    // Feed administration (bot admins, private chat; `bot::admin`): hidden from the
    // public command list, shown in an admin's /help.
    #[command(hide)]
    AddFeed(String),
    #[command(hide)]
    Feeds,
    #[command(hide)]
    RemoveFeed(String),
    #[command(
        description = "关注话题，有新文章时提醒：/subscribe 关键词",
        aliases = ["follow"]
    )]
    Subscribe(String),
    #[command(description = "关注的话题")]
    Subscriptions(String),
    #[command(description = "取消关注：/unsubscribe 编号或关键词")]
    Unsubscribe(String),
}

impl Command {
    /// The commands about followed topics, which only the bot can carry out (they push
    /// messages later and need the chat's administrators).
    pub(crate) fn is_following(&self) -> bool {
        matches!(
            self,
            Command::Subscribe(_) | Command::Subscriptions(_) | Command::Unsubscribe(_)
        )
    }
}

/// How much of what a reader typed a reply quotes back (an unknown command, a count or
/// feed number that is not one), in characters.
pub(crate) const ECHO_CHARS: usize = 40;
/// How much of an article id a reply quotes back: ids fit in callback data (64 bytes).
pub(crate) const ECHO_ID_CHARS: usize = 60;

/// English descriptions of the commands, in the same order, for users whose language is
/// English.
pub(crate) fn english_descriptions() -> Vec<(&'static str, &'static str)> {
    vec![
        ("start", "Start: what news I know"),
        ("help", "How to use me"),
        ("search", "Search: /search words"),
        ("latest", "Newest articles: /latest [count]"),
        ("summary", "Key points: /summary number or article id"),
        ("article", "Full text: /article article id"),
        (
            "trend",
            "Trend chart: /trend words [year], up to three words",
        ),
        (
            "subscribe",
            "Follow a topic, alerted on new articles: /subscribe words",
        ),
        ("subscriptions", "Followed topics"),
        (
            "unsubscribe",
            "Stop following: /unsubscribe number or words",
        ),
    ]
}

/// What the user asked for, after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Command(Command),
    /// Plain text: a question.
    Question(String),
    /// A page of an earlier search (from a paging button).
    Page {
        query: String,
        page: usize,
    },
    /// Key points of an article named by id (from a button).
    SummaryOf(String),
    /// A command this bot does not have (the command word).
    Unknown(String),
}

/// What the corpus looks like, for `/start` and `/help`.
#[derive(Debug, Clone)]
pub struct HelpInfo {
    pub(crate) articles: usize,
    pub(crate) dates: Option<(NaiveDate, NaiveDate)>,
    /// The most frequent outlets (or sources), most frequent first.
    pub(crate) outlets: Vec<String>,
    /// A word to show in examples, from the newest article.
    pub(crate) example_word: Option<String>,
    /// The full command list text.
    pub(crate) commands: String,
}

/// Something for the user that is not an answer: usage hints and polite refusals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// `/search` with nothing after it.
    EmptySearch,
    /// `/summary` without a number or id, and no result to refer to.
    SummaryWhich,
    /// `/article` without an id.
    ArticleWhich,
    /// No article has this id or list number.
    NoSuchArticle(String),
    /// `/latest` with something that is not a number.
    LatestCount(String),
    /// A message without text (sticker, photo) in a private chat.
    TextOnly,
    /// A command this bot does not have.
    UnknownCommand(String),
    /// An old paging button whose search is gone.
    Expired,
    /// A feed administration command where there is no bot admin (the terminal).
    FeedsInBot,
    /// Following topics (`/subscribe` and the rest) in the terminal: alerts are pushed in
    /// Telegram only.
    FollowInBot,
}

/// The answer to one request, ready to render.
#[derive(Debug, Clone)]
pub enum Reply {
    Help(HelpInfo),
    Search(SearchResults),
    /// The newest articles, within the dates asked for (`/latest 2024-06`) if any.
    Latest(Vec<Article>, Vec<crate::text::dates::DateSpec>),
    Summary(Box<Summary>),
    Article(Box<Article>),
    Answer(Box<Answer>),
    /// Articles per period for up to three topics (a chart where there is something to draw).
    Trend(Box<Trend>),
    Note(Note),
}

impl Reply {
    /// Ids of the articles this reply lists, in order (for `/summary N` and replies).
    pub(crate) fn listed_ids(&self) -> Vec<String> {
        match self {
            Reply::Search(r) => r
                .articles
                .iter()
                .map(|g| g.article.article_id.clone())
                .collect(),
            Reply::Latest(list, _) => list.iter().map(|a| a.id.clone()).collect(),
            Reply::Summary(s) => vec![s.article.article_id.clone()],
            Reply::Article(a) => vec![a.id.clone()],
            Reply::Answer(a) => a.article.iter().map(|r| r.article_id.clone()).collect(),
            Reply::Trend(t) => t
                .series
                .iter()
                .filter_map(|s| s.peak.as_ref())
                .flat_map(|p| p.titles.iter().map(|a| a.article_id.clone()))
                .collect(),
            Reply::Help(_) | Reply::Note(_) => Vec::new(),
        }
    }
}

/// How many recent searches (for paging buttons) and chats' last lists are remembered.
const REMEMBERED: usize = 10_000;

/// Memory of recent lists and searches, shared by all chats. Bounded: the oldest entries
/// are forgotten first.
#[derive(Default)]
pub struct Memory {
    last_lists: Mutex<Bounded<i64, Vec<String>>>,
    message_lists: Mutex<Bounded<(i64, i32), Vec<String>>>,
    /// Search key → (chat, query).
    queries: Mutex<Bounded<u32, (i64, String)>>,
}

/// A map that forgets its oldest keys beyond [`REMEMBERED`].
struct Bounded<K, V> {
    map: HashMap<K, V>,
    order: VecDeque<K>,
}

impl<K, V> Default for Bounded<K, V> {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone, V> Bounded<K, V> {
    fn insert(&mut self, k: K, v: V) {
        if self.map.insert(k.clone(), v).is_none() {
            self.order.push_back(k);
            while self.order.len() > REMEMBERED {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }

    fn get(&self, k: &K) -> Option<&V> {
        self.map.get(k)
    }
}

impl Memory {
    /// Remembers a search made in `chat` and returns a short key for its paging buttons.
    /// Keys are random, so button data cannot be guessed, and bound to the chat.
    pub(crate) fn remember_query(&self, chat: i64, query: &str) -> u32 {
        use std::hash::{BuildHasher, Hasher};
        let mut queries = self.queries.lock().unwrap_or_else(|e| e.into_inner());
        let mut key;
        loop {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write(query.as_bytes());
            key = h.finish() as u32;
            if queries.get(&key).is_none() {
                break;
            }
        }
        queries.insert(key, (chat, query.to_string()));
        key
    }

    /// The search behind a paging button pressed in `chat`.
    pub(crate) fn query(&self, chat: i64, key: u32) -> Option<String> {
        self.queries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .filter(|(c, _)| *c == chat)
            .map(|(_, q)| q.clone())
    }

    /// Remembers the articles a reply listed in a chat (and in which message).
    pub(crate) fn remember_list(&self, chat: i64, message: Option<i32>, ids: Vec<String>) {
        if ids.is_empty() {
            return;
        }
        if let Some(m) = message {
            self.message_lists
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert((chat, m), ids.clone());
        }
        self.last_lists
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(chat, ids);
    }

    /// The articles listed by one of the bot's messages.
    pub(crate) fn listed_in(&self, chat: i64, message: i32) -> Option<Vec<String>> {
        self.message_lists
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(chat, message))
            .cloned()
    }

    fn last_list(&self, chat: i64) -> Option<Vec<String>> {
        self.last_lists
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&chat)
            .cloned()
    }
}

/// How many articles a conversation shows when the user does not say: a page of search
/// results, and `/latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSizes {
    pub search: usize,
    pub latest: usize,
}

/// Where a request comes from, for resolving `/summary 2` and replies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin {
    pub(crate) chat: i64,
    /// The bot message this one replies to, if any.
    pub(crate) reply_to: Option<i32>,
}

/// Parses a line of user text: a command (with or without `@botname`), or a question.
/// `None` for a command addressed to another bot, which must be ignored.
pub(crate) fn parse(text: &str, bot_username: &str) -> Option<Request> {
    let text = text.trim();
    if !text.starts_with('/') {
        return Some(Request::Question(text.to_string()));
    }
    match Command::parse(text, bot_username) {
        Ok(cmd) => Some(Request::Command(cmd)),
        Err(_) => {
            let word = text.split_whitespace().next().unwrap_or(text);
            match word.split_once('@') {
                Some((_, name)) if !name.eq_ignore_ascii_case(bot_username) => None,
                _ => Some(Request::Unknown(word.chars().take(ECHO_CHARS).collect())),
            }
        }
    }
}

/// Answers a request.
pub fn respond(
    engine: &Engine,
    memory: &Memory,
    origin: Origin,
    request: Request,
    sizes: ListSizes,
) -> Reply {
    match request {
        Request::Command(Command::Start | Command::Help) => Reply::Help(help_info(engine)),
        Request::Command(Command::Search(q)) if q.trim().is_empty() => {
            Reply::Note(Note::EmptySearch)
        }
        Request::Command(Command::Search(q)) => {
            Reply::Search(engine.search_on(q.trim(), 1, sizes.search, today()))
        }
        Request::Page { query, page } => {
            Reply::Search(engine.search_on(&query, page.max(1), sizes.search, today()))
        }
        Request::Command(Command::Latest(n)) => {
            // `/latest`, `/latest 5`, `/latest 2024-06`, `/latest 5 去年`.
            let (dates, rest) = engine.dates_in(n.trim(), today());
            let rest = rest.trim();
            let count = if rest.is_empty() {
                Ok(sizes.latest)
            } else {
                rest.parse::<usize>().map(|c| c.clamp(1, MAX_LATEST_LIMIT))
            };
            match count {
                Ok(c) => {
                    let list = match (
                        dates.iter().map(|d| d.from).min(),
                        dates.iter().map(|d| d.to).max(),
                    ) {
                        (Some(from), Some(to)) => engine.latest_within(from, to, c),
                        _ => engine.latest(c),
                    };
                    Reply::Latest(list.into_iter().cloned().collect(), dates)
                }
                Err(_) => Reply::Note(Note::LatestCount(
                    n.trim().chars().take(ECHO_CHARS).collect(),
                )),
            }
        }
        Request::Command(Command::Summary(target)) => {
            match resolve(engine, memory, origin, target.trim()) {
                Ok(id) => engine
                    .summary(&id)
                    .map_or(Reply::Note(Note::NoSuchArticle(id)), |s| {
                        Reply::Summary(Box::new(s))
                    }),
                Err(note) => Reply::Note(note),
            }
        }
        Request::SummaryOf(id) => engine
            .summary(&id)
            .map_or(Reply::Note(Note::Expired), |s| Reply::Summary(Box::new(s))),
        Request::Command(Command::Article(target)) => {
            if target.trim().is_empty() && origin.reply_to.is_none() {
                return Reply::Note(Note::ArticleWhich);
            }
            match resolve(engine, memory, origin, target.trim()) {
                Ok(id) => engine
                    .article(&id)
                    .map_or(Reply::Note(Note::NoSuchArticle(id)), |a| {
                        Reply::Article(Box::new(a.clone()))
                    }),
                Err(note) => Reply::Note(note),
            }
        }
        Request::Command(Command::Trend(words)) => {
            Reply::Trend(Box::new(engine.trend(&TrendRequest::parse(&words))))
        }
        // The bot answers these itself (`bot::admin`); the terminal points to the CLI.
        Request::Command(Command::AddFeed(_) | Command::Feeds | Command::RemoveFeed(_)) => {
            Reply::Note(Note::FeedsInBot)
        }
        Request::Command(
            Command::Subscribe(_) | Command::Subscriptions(_) | Command::Unsubscribe(_),
        ) => Reply::Note(Note::FollowInBot),
        Request::Unknown(word) => Reply::Note(Note::UnknownCommand(word)),
        Request::Question(q) => Reply::Answer(Box::new(engine.ask_on(&q, today()))),
    }
}

/// The day relative dates (`去年`, `上个月`) are read against in a conversation: today.
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Finds the article meant by `/summary` or `/article`: an id, a number from the chat's
/// last list, or (empty) the article of the message replied to.
fn resolve(engine: &Engine, memory: &Memory, origin: Origin, target: &str) -> Result<String, Note> {
    if target.is_empty() {
        let from_reply = origin
            .reply_to
            .and_then(|m| memory.listed_in(origin.chat, m));
        return from_reply
            .and_then(|ids| ids.into_iter().next())
            .ok_or(Note::SummaryWhich);
    }
    // A small number means the list just shown, even if an article happens to have that id
    // (scraped pages are often named 1.txt, 2.txt, ...).
    if let Ok(n) = target.parse::<usize>()
        && (1..=MAX_LATEST_LIMIT).contains(&n)
    {
        let list = origin
            .reply_to
            .and_then(|m| memory.listed_in(origin.chat, m))
            .or_else(|| memory.last_list(origin.chat))
            .or_else(|| {
                let newest = engine.latest(MAX_LATEST_LIMIT);
                Some(newest.iter().map(|a| a.id.clone()).collect())
            });
        if let Some(id) = list.and_then(|l| l.get(n - 1).cloned()) {
            return Ok(id);
        }
    }
    if engine.article(target).is_some() {
        return Ok(target.to_string());
    }
    Err(Note::NoSuchArticle(
        target.chars().take(ECHO_ID_CHARS).collect(),
    ))
}

/// What `/start` and `/help` say about the corpus, taken from the corpus itself.
pub(crate) fn help_info(engine: &Engine) -> HelpInfo {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for a in engine.articles() {
        if let Some(o) = a.outlet_or_source() {
            *counts.entry(o).or_insert(0) += 1;
        }
    }
    let mut outlets: Vec<(&str, usize)> = counts.into_iter().collect();
    outlets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let example_word = engine
        .latest(1)
        .first()
        .and_then(|a| engine.summary(&a.id))
        .and_then(|s| s.keywords.into_iter().next());
    HelpInfo {
        articles: engine.articles().len(),
        dates: engine.date_range(),
        outlets: outlets
            .into_iter()
            .take(3)
            .map(|(o, _)| o.to_string())
            .collect(),
        example_word,
        commands: Command::descriptions().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_and_questions() {
        let bot = "jianbao_bot";
        assert_eq!(
            parse("/search 黄河", bot),
            Some(Request::Command(Command::Search("黄河".into())))
        );
        assert_eq!(
            parse("/search@jianbao_bot 防汛", bot),
            Some(Request::Command(Command::Search("防汛".into())))
        );
        assert_eq!(
            parse("/search@JianBao_Bot 防汛", bot),
            Some(Request::Command(Command::Search("防汛".into())))
        );
        assert_eq!(parse("/search@other_bot 防汛", bot), None);
        assert_eq!(
            parse("/search", bot),
            Some(Request::Command(Command::Search(String::new())))
        );
        assert_eq!(
            parse("/latest 5", bot),
            Some(Request::Command(Command::Latest("5".into())))
        );
        assert_eq!(
            parse("黄河有多长？", bot),
            Some(Request::Question("黄河有多长？".into()))
        );
        assert_eq!(
            parse("/frobnicate", bot),
            Some(Request::Unknown("/frobnicate".into()))
        );
        assert_eq!(parse("/frobnicate@other_bot", bot), None);
    }

    /// A run of three or more ASCII words on one line, with nothing but ASCII between them:
    /// developer prose, not a command name or an example.
    fn ascii_sentence(text: &str) -> Option<String> {
        text.split(|c: char| !c.is_ascii() || c == '\n')
            .map(|run| {
                run.split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| w.len() > 1)
                    .collect::<Vec<_>>()
            })
            .find(|words| words.len() >= 3)
            .map(|words| words.join(" "))
    }

    #[test]
    fn help_text_has_no_developer_prose() {
        // Regression: the derive showed the enum's doc comment in `/help`.
        let help = Command::descriptions().to_string();
        assert_eq!(ascii_sentence(&help), None, "{help}");
        assert!(help.contains("/search"), "{help}");
        assert_eq!(
            ascii_sentence("The commands, with their help text").as_deref(),
            Some("The commands with their help text")
        );
    }

    #[test]
    fn memory_is_bounded() {
        let m = Memory::default();
        let first = m.remember_query(1, "first");
        assert_eq!(m.query(1, first).as_deref(), Some("first"));
        assert_eq!(m.query(2, first), None, "another chat cannot use the key");
        for i in 0..REMEMBERED + 5 {
            m.remember_query(1, &i.to_string());
        }
        assert_eq!(m.query(1, first), None, "the oldest search is forgotten");
        m.remember_list(1, Some(10), vec!["a".into(), "b".into()]);
        assert_eq!(
            m.listed_in(1, 10),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(m.last_list(1).map(|l| l.len()), Some(2));
    }
}
