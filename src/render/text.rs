//! Plain-text output for a terminal: search results, article lists, articles, summaries,
//! answers, and any conversation reply for `jianbao chat` (the `check` report is written by
//! `cli::check`). Highlights are bold yellow when colour is on (stdout is a terminal).

use std::fmt::Write;
use std::ops::Range;

use crate::answer::{Answer, ArticleRef, KeyPointsKind, SearchNotice, SearchResults, Summary};
use crate::corpus::Article;

use super::snippet;
use super::words::{self, Front, Lang};

/// Output options.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub snippet_chars: usize,
    /// The language of the words (the terminal's locale).
    pub lang: Lang,
    /// Where the text is read: the command line (`jianbao search …`) or `jianbao chat`
    /// (`/search …`), for the commands it suggests.
    pub front: Front,
}

const MARK_ON: &str = "\x1b[1;33m";
const MARK_OFF: &str = "\x1b[0m";

/// `text` with `ranges` marked: ANSI colour, or 【】 brackets without colour.
pub(crate) fn mark(text: &str, ranges: &[Range<usize>], color: bool) -> String {
    let (on, off) = if color {
        (MARK_ON, MARK_OFF)
    } else {
        ("【", "】")
    };
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    for r in ranges {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(on);
        out.push_str(&text[r.clone()]);
        out.push_str(off);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `标题 · 2022-06-20 · 忻州日报 [id]`
pub(crate) fn citation(a: &ArticleRef) -> String {
    let mut parts = vec![a.title.clone()];
    if let Some(d) = a.date {
        parts.push(d.to_string());
    }
    if let Some(o) = a.outlet_or_source() {
        parts.push(o.to_string());
    }
    format!("{} [{}]", parts.join(" · "), a.article_id)
}

pub(crate) fn search_results(r: &SearchResults, style: Style) -> String {
    let lang = style.lang;
    let mut out = String::new();
    for n in &r.notices {
        let line = match n {
            SearchNotice::EmptyQuery => words::nothing_to_search(lang, style.front),
            SearchNotice::OnlyStopWords => words::only_stop_words(lang).to_string(),
            SearchNotice::Truncated => words::query_truncated(lang).to_string(),
        };
        let _ = writeln!(out, "{line}");
    }
    if let Some(line) = super::dates_line(&r.dates, style.lang) {
        let _ = writeln!(out, "{line}");
    }
    if r.articles.is_empty() {
        if !r.notices.contains(&SearchNotice::EmptyQuery) {
            let line = if r.total_articles > 0 {
                words::no_more_results(lang, r.pages())
            } else {
                words::no_match(lang, r.query.trim())
            };
            let _ = writeln!(out, "{line}");
        }
        return out;
    }
    let pages = r.total_is_exact.then(|| r.pages());
    let _ = writeln!(
        out,
        "“{}” · {} · {}\n",
        r.query.trim(),
        words::articles_found(lang, r.total_articles, r.total_is_exact),
        words::page_of(lang, r.page, pages),
    );
    for group in &r.articles {
        let _ = writeln!(out, "{}. {}", group.rank, citation(&group.article));
        for hit in &group.hits {
            let (text, ranges) = snippet(&hit.text, &hit.highlights, style.snippet_chars);
            let label = hit.paragraph.map_or_else(
                || words::title_hit(lang).to_string(),
                |p| format!("¶{}", p + 1),
            );
            let _ = writeln!(out, "   {label} {}", mark(&text, &ranges, style.color));
        }
        out.push('\n');
    }
    out
}

pub(crate) fn article_list(articles: &[&Article], style: Style) -> String {
    if articles.is_empty() {
        return format!("{}\n", words::no_articles(style.lang));
    }
    let mut out = String::new();
    for (i, a) in articles.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, citation(&ArticleRef::of(a)));
        let opening = super::json::opening(a, 60);
        if !opening.is_empty() {
            let _ = writeln!(out, "   {opening}");
        }
    }
    out
}

pub(crate) fn article(a: &Article, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", a.title);
    for d in &a.deck {
        let _ = writeln!(out, "  {d}");
    }
    let mut meta = Vec::new();
    if let Some(d) = a.date {
        meta.push(d.to_string());
    }
    if let Some(o) = &a.outlet {
        meta.push(o.clone());
    }
    if let Some(r) = &a.reporter {
        meta.push(words::reporter(style.lang, r));
    }
    if let Some(s) = &a.source {
        meta.push(words::source(style.lang, s));
    }
    meta.push(format!("id {}", a.id));
    let _ = writeln!(out, "{}\n", meta.join(" · "));
    for p in &a.paragraphs {
        let _ = writeln!(out, "{p}\n");
    }
    if let Some(u) = &a.url {
        let _ = writeln!(out, "{u}");
    }
    out
}

pub(crate) fn summary(s: &Summary, style: Style) -> String {
    let lang = style.lang;
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", citation(&s.article));
    if !s.lede.is_empty() {
        let _ = writeln!(out, "{}\n", s.lede);
    }
    if !s.key_points.is_empty() {
        let heading =
            words::key_points_heading(lang, s.key_points_kind == KeyPointsKind::Enumerated);
        let _ = writeln!(out, "{heading}{}", lang.pick("：", ":"));
        for (i, p) in s.key_points.iter().enumerate() {
            let _ = writeln!(out, "  {}. {p}", i + 1);
        }
        out.push('\n');
    }
    if !s.figures.is_empty() {
        let _ = writeln!(
            out,
            "{}{}",
            words::figures_heading(lang),
            lang.pick("：", ":")
        );
        for f in &s.figures {
            let _ = writeln!(out, "  • {f}");
        }
        out.push('\n');
    }
    if !s.keywords.is_empty() {
        let _ = writeln!(
            out,
            "{}{}{}",
            words::keywords_heading(lang),
            lang.pick("：", ": "),
            s.keywords.join("、")
        );
    }
    for n in &s.notes {
        let _ = writeln!(out, "({})", words::summary_note(lang, *n));
    }
    out
}

pub(crate) fn answer(a: &Answer, style: Style) -> String {
    let mut out = String::new();
    if let Some(line) = super::question_dates_line(&a.dates, &a.year_parts, style.lang) {
        let _ = writeln!(out, "{line}");
    }
    let Some(sentence) = &a.sentence else {
        let why = if a.opinion {
            words::opinion_asked(style.lang)
        } else {
            words::no_answer(style.lang)
        };
        let _ = writeln!(out, "{why}");
        if let Some(q) = &a.suggested_search {
            let _ = writeln!(out, "{}", words::try_search(style.lang, style.front, q));
        }
        return out;
    };
    let marks = a
        .answer_span_bytes
        .as_ref()
        .map_or(a.highlight_bytes.clone(), |span| vec![span.clone()]);
    let _ = writeln!(out, "{}", mark(sentence, &marks, style.color));
    for s in &a.supporting {
        let _ = writeln!(out, "  {s}");
    }
    if let Some(r) = &a.article {
        let _ = writeln!(out, "— {}", citation(r));
    }
    out
}

/// Any conversation reply, for `jianbao chat`: the same words as in Telegram, and the
/// commands it suggests are the conversation's (`/search …`).
pub fn reply(r: &crate::chat::Reply, style: Style) -> String {
    use crate::chat::Reply;
    let style = Style {
        front: Front::Chat,
        ..style
    };
    match r {
        Reply::Help(info) => format!(
            "{}\n",
            words::help(info, style.lang, words::terminal_hint(style.lang))
        ),
        Reply::Search(results) => search_results(results, style),
        Reply::Latest(list, dates) => {
            let mut out = super::dates_line(dates, style.lang)
                .map(|l| format!("{l}\n"))
                .unwrap_or_default();
            if list.is_empty() && !dates.is_empty() {
                out.push_str(words::no_articles_then(style.lang));
                out.push('\n');
            } else {
                out.push_str(&article_list(&list.iter().collect::<Vec<_>>(), style));
            }
            out
        }
        Reply::Summary(s) => summary(s, style),
        Reply::Article(a) => article(a, style),
        Reply::Answer(a) => answer(a, style),
        Reply::Trend(t) => super::trend::trend_text(t, None, style.lang),
        Reply::Note(n) => format!("{}\n", words::note(n, style.lang)),
    }
}
