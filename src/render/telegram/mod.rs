//! Replies as Telegram messages: HTML (every piece of article and user text escaped, matched
//! words in `<b>`), split under 4,096 UTF-16 units at paragraph boundaries, with buttons
//! whose callback data stays far below Telegram's 64 bytes; and inline-mode cards
//! ([`inline`]). The HTML primitives are in [`html`]. Pure: the bot sends the result.

pub(crate) mod feeds;
pub(crate) mod follow;
pub mod html;
pub(crate) mod inline;

use crate::answer::{Answer, ArticleRef, KeyPointsKind, SearchNotice, SearchResults, Summary};
use crate::chat::{HelpInfo, Note, Reply};

use crate::corpus::Article;
use crate::render::json::opening;
use crate::render::words::{self, Front, Lang};
use crate::render::{clip, snippet};

use html::{TELEGRAM_LIMIT, escape, marked, split_message};

/// Longest title shown in a list, and longest answer or supporting sentence, in
/// characters: one odd article must not push the rest of a reply past Telegram's limit.
const TITLE_CHARS: usize = 100;
pub(crate) const SENTENCE_CHARS: usize = 1000;
const SUPPORT_CHARS: usize = 300;
/// Longest title on an inline result card (a card holds one article, so it may be longer).
pub(crate) const CARD_TITLE_CHARS: usize = 200;

/// Longest key point or figure shown, in characters.
const POINT_CHARS: usize = 300;
/// Longest lede shown in a summary, in characters.
const LEDE_CHARS: usize = SENTENCE_CHARS;
/// Longest query echoed back or search suggested, in characters.
const QUERY_CHARS: usize = 100;
/// Most messages one `/article` sends: a huge article must not occupy a chat for minutes.
/// The last one says what was left out and where the whole text is.
pub const ARTICLE_MESSAGES: usize = 4;
/// Longest article link shown (in the last of those messages), in characters.
const LINK_CHARS: usize = 500;

/// Telegram's limit on callback data, in bytes.
pub(crate) const CALLBACK_LIMIT: usize = 64;
/// Characters of a paragraph shown per search hit.
const SNIPPET_CHARS: usize = 120;

/// One inline button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub(crate) label: String,
    /// Callback data: `p:<search key>:<page>` (a page of a search), `s:<article id>`
    /// (key points), `u:<subscription id>` (stop following), `l:<chat id>` (followed
    /// topics of that chat).
    pub data: String,
}

/// One message to send: HTML text and rows of buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutMessage {
    pub html: String,
    pub buttons: Vec<Vec<Button>>,
}

impl OutMessage {
    fn plain(html: String) -> Self {
        Self {
            html,
            buttons: Vec::new(),
        }
    }

    /// One message of numbered blocks (a list that is short by construction: what does
    /// not fit is cut), with its numbered buttons `per_row` to a row.
    pub(crate) fn numbered(blocks: &[String], buttons: Vec<Button>, per_row: usize) -> Self {
        let html = split_message(blocks, TELEGRAM_LIMIT)
            .into_iter()
            .next()
            .unwrap_or_default();
        Self {
            html,
            buttons: buttons.chunks(per_row).map(<[Button]>::to_vec).collect(),
        }
    }
}

/// A key-points button for an article, if its id fits in the callback data.
pub(crate) fn summary_button(label: String, id: &str) -> Option<Button> {
    let data = format!("s:{id}");
    (data.len() <= CALLBACK_LIMIT).then_some(Button { label, data })
}

/// Reads callback data back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Callback {
    Page {
        key: u32,
        page: usize,
    },
    Summary(String),
    /// Stop following this subscription.
    Unfollow(i64),
    /// Show the followed topics of this chat.
    Following(i64),
}

pub(crate) fn parse_callback(data: &str) -> Option<Callback> {
    if let Some(rest) = data.strip_prefix("p:") {
        let (key, page) = rest.split_once(':')?;
        return Some(Callback::Page {
            key: key.parse().ok()?,
            page: page.parse().ok()?,
        });
    }
    if let Some(id) = data.strip_prefix("u:") {
        return id.parse().ok().map(Callback::Unfollow);
    }
    if let Some(chat) = data.strip_prefix("l:") {
        return chat.parse().ok().map(Callback::Following);
    }
    data.strip_prefix("s:")
        .filter(|id| !id.is_empty())
        .map(|id| Callback::Summary(id.to_string()))
}

/// The citation of an article under its title: `2022-06-20 · 忻州日报` (escaped HTML).
pub(crate) fn cite(a: &ArticleRef) -> String {
    let mut parts = Vec::new();
    if let Some(d) = a.date {
        parts.push(d.to_string());
    }
    if let Some(o) = a.outlet_or_source() {
        parts.push(escape(o));
    }
    parts.join(" · ")
}

/// The citation under a quoted sentence or paragraph, with the title cut to `title_chars`:
/// `—— 《标题》 · 2022-06-20 · 忻州日报`.
pub(crate) fn cite_line(a: &ArticleRef, title_chars: usize) -> String {
    let title = format!("《{}》", escape(&clip(&a.title, title_chars)));
    let rest = cite(a);
    if rest.is_empty() {
        format!("—— {title}")
    } else {
        format!("—— {title} · {rest}")
    }
}

/// Renders a reply in `lang`. `search_key` is the remembered search, for paging buttons.
pub fn reply(reply: &Reply, search_key: Option<u32>, lang: Lang) -> Vec<OutMessage> {
    match reply {
        Reply::Help(info) => vec![OutMessage::plain(help(info, lang))],
        Reply::Search(r) => vec![search(r, search_key, lang)],
        Reply::Latest(list, dates) => vec![latest(list, dates, lang)],
        Reply::Summary(s) => summary(s, lang),
        Reply::Article(a) => article(a, lang),
        Reply::Answer(a) => vec![answer(a, lang)],
        // The bot sends a chart as a photo with this as its caption; when there is nothing
        // to draw, this is the whole answer.
        Reply::Trend(t) => vec![OutMessage::plain(crate::render::trend::caption_html(
            t, lang,
        ))],
        Reply::Note(n) => vec![OutMessage::plain(note(n, lang))],
    }
}

fn help(info: &HelpInfo, lang: Lang) -> String {
    escape(&words::help(info, lang, words::telegram_hint(lang)))
}

fn search(r: &SearchResults, key: Option<u32>, lang: Lang) -> OutMessage {
    if r.notices.contains(&SearchNotice::EmptyQuery) {
        return OutMessage::plain(escape(&words::nothing_to_search(lang, Front::Chat)));
    }
    if r.articles.is_empty() {
        let text = if r.total_articles > 0 {
            words::no_more_results(lang, r.pages())
        } else {
            words::no_match(lang, &clip(r.query.trim(), QUERY_CHARS))
        };
        return OutMessage::plain(escape(&text));
    }
    // A count that is a lower bound says so, and then the page count is not shown.
    let pages = r.total_is_exact.then(|| r.pages());
    let mut blocks = vec![format!(
        "🔎 <b>{}</b> · {} · {}",
        escape(&clip(r.query.trim(), QUERY_CHARS)),
        words::articles_found(lang, r.total_articles, r.total_is_exact),
        words::page_of(lang, r.page, pages),
    )];
    if let Some(line) = super::dates_line(&r.dates, lang) {
        blocks.push(escape(&line));
    }
    if r.notices.contains(&SearchNotice::OnlyStopWords) {
        blocks.push(words::only_stop_words(lang).into());
    }
    let mut summary_row = Vec::new();
    for g in &r.articles {
        let mut block = format!(
            "{}. <b>{}</b>\n{}",
            g.rank,
            escape(&clip(&g.article.title, TITLE_CHARS)),
            cite(&g.article)
        );
        for h in &g.hits {
            let (text, ranges) = snippet(&h.text, &h.highlights, SNIPPET_CHARS);
            block.push('\n');
            block.push_str(&marked(&text, &ranges));
        }
        blocks.push(block);
        summary_row.extend(summary_button(
            words::key_points_button(lang, Some(g.rank)),
            &g.article.article_id,
        ));
    }
    // One message: a search page is short by construction; cut if an odd corpus makes it long.
    let html = split_message(&blocks, TELEGRAM_LIMIT)
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut buttons: Vec<Vec<Button>> = summary_row.chunks(5).map(<[Button]>::to_vec).collect();
    if let Some(key) = key {
        let mut paging = Vec::new();
        if r.page > 1 {
            paging.push(Button {
                label: words::previous_page(lang).into(),
                data: format!("p:{key}:{}", r.page - 1),
            });
        }
        if r.page < r.pages() {
            paging.push(Button {
                label: words::next_page(lang).into(),
                data: format!("p:{key}:{}", r.page + 1),
            });
        }
        if !paging.is_empty() {
            buttons.push(paging);
        }
    }
    OutMessage { html, buttons }
}

fn latest(list: &[Article], dates: &[crate::text::dates::DateSpec], lang: Lang) -> OutMessage {
    let dates_line = super::dates_line(dates, lang).map(|l| escape(&l));
    if list.is_empty() {
        return OutMessage::plain(match dates_line {
            Some(line) => format!("{}{line}", words::no_articles_then(lang)),
            None => words::no_articles(lang).into(),
        });
    }
    let mut blocks = vec![format!("🗞 <b>{}</b>", words::latest_heading(lang))];
    blocks.extend(dates_line);
    let mut row = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let r = ArticleRef::of(a);
        let mut block = format!(
            "{}. <b>{}</b>\n{}",
            i + 1,
            escape(&clip(&a.title, TITLE_CHARS)),
            cite(&r)
        );
        let open = opening(a, 60);
        if !open.is_empty() {
            block.push('\n');
            block.push_str(&escape(&open));
        }
        blocks.push(block);
        row.extend(summary_button(format!("{}", i + 1), &a.id));
    }
    OutMessage::numbered(&blocks, row, 8)
}

fn summary(s: &Summary, lang: Lang) -> Vec<OutMessage> {
    let mut blocks = vec![format!(
        "<b>{}</b>\n{}",
        escape(&clip(&s.article.title, CARD_TITLE_CHARS)),
        cite(&s.article)
    )];
    if !s.lede.is_empty() {
        blocks.push(format!(
            "<b>{}</b>　{}",
            words::lede_heading(lang),
            escape(&clip(&s.lede, LEDE_CHARS))
        ));
    }
    if !s.key_points.is_empty() {
        let heading =
            words::key_points_heading(lang, s.key_points_kind == KeyPointsKind::Enumerated);
        let items: Vec<String> = s
            .key_points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}. {}", i + 1, escape(&clip(p, POINT_CHARS))))
            .collect();
        blocks.push(format!("<b>{heading}</b>\n{}", items.join("\n")));
    }
    if !s.figures.is_empty() {
        let items: Vec<String> = s
            .figures
            .iter()
            .map(|f| format!("• {}", escape(&clip(f, POINT_CHARS))))
            .collect();
        blocks.push(format!(
            "<b>{}</b>\n{}",
            words::figures_heading(lang),
            items.join("\n")
        ));
    }
    if !s.keywords.is_empty() {
        let keywords: Vec<String> = s.keywords.iter().map(|k| escape(k)).collect();
        blocks.push(format!(
            "<b>{}</b>　{}",
            words::keywords_heading(lang),
            keywords.join("、")
        ));
    }
    for n in &s.notes {
        blocks.push(format!("（{}）", escape(words::summary_note(lang, *n))));
    }
    blocks.push(escape(&words::full_text(
        lang,
        Front::Chat,
        &s.article.article_id,
    )));
    split_message(&blocks, TELEGRAM_LIMIT)
        .into_iter()
        .map(OutMessage::plain)
        .collect()
}

fn article(a: &Article, lang: Lang) -> Vec<OutMessage> {
    let r = ArticleRef::of(a);
    let mut head = format!("<b>{}</b>", escape(&clip(&a.title, CARD_TITLE_CHARS)));
    for d in &a.deck {
        head.push('\n');
        head.push_str(&escape(&clip(d, CARD_TITLE_CHARS)));
    }
    head.push('\n');
    head.push_str(&cite(&r));
    let mut blocks = vec![head];
    blocks.extend(a.paragraphs.iter().map(|p| escape(p)));
    if let Some(u) = &a.url {
        blocks.push(escape(u));
    }
    let mut messages = split_message(&blocks, TELEGRAM_LIMIT);
    if messages.len() > ARTICLE_MESSAGES {
        let total = messages.len();
        messages.truncate(ARTICLE_MESSAGES - 1);
        let url = a.url.as_deref().map(|u| clip(u, LINK_CHARS));
        let whole = match &url {
            Some(u) => words::WholeText::Url(u),
            None => words::WholeText::KeyPoints(&a.id),
        };
        let rest = words::article_cut(lang, total, ARTICLE_MESSAGES - 1, whole);
        messages.push(escape(&rest));
    }
    messages.into_iter().map(OutMessage::plain).collect()
}

fn answer(a: &Answer, lang: Lang) -> OutMessage {
    let dates = super::question_dates_line(&a.dates, &a.year_parts, lang);
    let Some(sentence) = &a.sentence else {
        let mut text = if a.opinion {
            words::opinion_asked(lang)
        } else {
            words::no_answer(lang)
        }
        .to_string();
        if let Some(line) = &dates {
            text.push('\n');
            text.push_str(line);
        }
        if let Some(q) = &a.suggested_search {
            text.push('\n');
            text.push_str(&words::try_search(
                lang,
                Front::Chat,
                &first_words(q, QUERY_CHARS),
            ));
        }
        return OutMessage::plain(escape(&text));
    };
    // The thing asked for in bold inside the sentence (「…有<b>23人</b>受伤」); the whole
    // sentence when it cannot be told.
    let first = match &a.answer_span_bytes {
        Some(span) => {
            let (shown, ranges) = snippet(sentence, std::slice::from_ref(span), SENTENCE_CHARS);
            marked(&shown, &ranges)
        }
        None => {
            let (shown, _) = snippet(sentence, &a.highlight_bytes, SENTENCE_CHARS);
            format!("<b>{}</b>", escape(&shown))
        }
    };
    let mut blocks = vec![first];
    if !a.supporting.is_empty() {
        let lines: Vec<String> = a
            .supporting
            .iter()
            .map(|s| escape(&clip(s, SUPPORT_CHARS)))
            .collect();
        blocks.push(lines.join("\n"));
    }
    if let Some(line) = dates {
        blocks.push(escape(&line));
    }
    if let Some(r) = &a.article {
        blocks.push(cite_line(r, TITLE_CHARS));
    }
    let html = split_message(&blocks, TELEGRAM_LIMIT)
        .into_iter()
        .next()
        .unwrap_or_default();
    let buttons = a
        .article
        .as_ref()
        .and_then(|r| summary_button(words::key_points_button(lang, None), &r.article_id))
        .map(|b| vec![vec![b]])
        .unwrap_or_default();
    OutMessage { html, buttons }
}

/// The words of `text` (space-separated) that fit in `max` characters; at least the
/// first word, clipped.
fn first_words(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let len = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if len > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = clip(text.trim(), max);
    }
    out
}

fn note(n: &Note, lang: Lang) -> String {
    escape(&words::note(n, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_round_trip_and_fit() {
        assert_eq!(
            parse_callback("p:12:3"),
            Some(Callback::Page { key: 12, page: 3 })
        );
        assert_eq!(
            parse_callback("s:000_0219663f217feaf0"),
            Some(Callback::Summary("000_0219663f217feaf0".into()))
        );
        for bad in ["", "p:", "p:x:1", "p:1", "s:", "zzz"] {
            assert_eq!(parse_callback(bad), None, "{bad:?}");
        }
        assert!(
            summary_button("x".into(), &"长".repeat(30)).is_none(),
            "90-byte id gets no button"
        );
        assert!(summary_button("x".into(), "xwlb-20250101-01").is_some());
    }

    #[test]
    fn notes_are_escaped() {
        for lang in [Lang::Zh, Lang::En] {
            assert!(note(&Note::NoSuchArticle("<b>&".into()), lang).contains("&lt;b&gt;&amp;"));
            assert!(note(&Note::UnknownCommand("/x<y".into()), lang).contains("/x&lt;y"));
        }
    }
}
