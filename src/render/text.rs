//! Plain-text output for a terminal: search results, article lists, articles, summaries,
//! answers, and any conversation reply for `jianbao chat` (the `check` report is written by
//! `cli::check`). Highlights are bold yellow when colour is on (stdout is a terminal).

use std::fmt::Write;
use std::ops::Range;

use crate::answer::{Answer, ArticleRef, KeyPointsKind, SearchNotice, SearchResults, Summary};
use crate::corpus::Article;

use super::snippet;

/// Output options.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub snippet_chars: usize,
}

const MARK_ON: &str = "\x1b[1;33m";
const MARK_OFF: &str = "\x1b[0m";

/// `text` with `ranges` marked: ANSI colour, or 【】 brackets without colour.
pub fn mark(text: &str, ranges: &[Range<usize>], color: bool) -> String {
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
pub fn citation(a: &ArticleRef) -> String {
    let mut parts = vec![a.title.clone()];
    if let Some(d) = a.date {
        parts.push(d.to_string());
    }
    if let Some(o) = a.outlet_or_source() {
        parts.push(o.to_string());
    }
    format!("{} [{}]", parts.join(" · "), a.article_id)
}

pub fn search_results(r: &SearchResults, style: Style) -> String {
    let mut out = String::new();
    for n in &r.notices {
        let line = match n {
            SearchNotice::EmptyQuery => {
                "Nothing to search for: type a word or a phrase, e.g. 黄河."
            }
            SearchNotice::OnlyStopWords => {
                "Only very common words in the query; results may be broad."
            }
            SearchNotice::Truncated => "The query is very long; only its start was used.",
        };
        let _ = writeln!(out, "{line}");
    }
    if r.articles.is_empty() {
        if !r.notices.contains(&SearchNotice::EmptyQuery) {
            if r.total_articles > 0 {
                let _ = writeln!(out, "No more results: page {} of {}.", r.page, r.pages());
            } else {
                let _ = writeln!(
                    out,
                    "No articles match “{}”. Try fewer or other words.",
                    r.query.trim()
                );
            }
        }
        return out;
    }
    let page = if r.total_is_exact {
        format!("page {} of {}", r.page, r.pages())
    } else {
        format!("page {}", r.page)
    };
    let _ = writeln!(
        out,
        "{}{} article(s) match “{}” ({page}):\n",
        if r.total_is_exact { "" } else { "at least " },
        r.total_articles,
        r.query.trim(),
    );
    for group in &r.articles {
        let _ = writeln!(out, "{}. {}", group.rank, citation(&group.article));
        for hit in &group.hits {
            let (text, ranges) = snippet(&hit.text, &hit.highlights, style.snippet_chars);
            let label = hit
                .paragraph
                .map_or_else(|| "title".to_string(), |p| format!("¶{}", p + 1));
            let _ = writeln!(out, "   {label} {}", mark(&text, &ranges, style.color));
        }
        out.push('\n');
    }
    out
}

pub fn article_list(articles: &[&Article]) -> String {
    if articles.is_empty() {
        return "No articles are loaded.\n".into();
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

pub fn article(a: &Article) -> String {
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
        meta.push(format!("记者 {r}"));
    }
    if let Some(s) = &a.source {
        meta.push(format!("来源 {s}"));
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

pub fn summary(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", citation(&s.article));
    if !s.lede.is_empty() {
        let _ = writeln!(out, "{}\n", s.lede);
    }
    if !s.key_points.is_empty() {
        let heading = match s.key_points_kind {
            KeyPointsKind::Enumerated => "Key points (as the article lists them):",
            _ => "Key points:",
        };
        let _ = writeln!(out, "{heading}");
        for (i, p) in s.key_points.iter().enumerate() {
            let _ = writeln!(out, "  {}. {p}", i + 1);
        }
        out.push('\n');
    }
    if !s.figures.is_empty() {
        let _ = writeln!(out, "Figures:");
        for f in &s.figures {
            let _ = writeln!(out, "  • {f}");
        }
        out.push('\n');
    }
    if !s.keywords.is_empty() {
        let _ = writeln!(out, "Keywords: {}", s.keywords.join("、"));
    }
    for n in &s.notes {
        let _ = writeln!(out, "({n})");
    }
    out
}

pub fn answer(a: &Answer, style: Style) -> String {
    let mut out = String::new();
    let Some(sentence) = &a.sentence else {
        let _ = writeln!(out, "No article here answers that.");
        if let Some(q) = &a.suggested_search {
            let _ = writeln!(out, "Try a search: jianbao search {q}");
        }
        return out;
    };
    let _ = writeln!(out, "{}", mark(sentence, &a.highlight_bytes, style.color));
    for s in &a.supporting {
        let _ = writeln!(out, "  {s}");
    }
    if let Some(r) = &a.article {
        let _ = writeln!(out, "— {}", citation(r));
    }
    out
}

/// Any conversation reply, for `jianbao chat`.
pub fn reply(r: &crate::chat::Reply, style: Style) -> String {
    use crate::chat::Reply;
    match r {
        Reply::Help(info) => format!(
            "{}\n",
            super::help_text(
                info,
                "在这里直接输入命令或问题；输入 /quit 或按 Ctrl-D 退出。"
            )
        ),
        Reply::Search(results) => search_results(results, style),
        Reply::Latest(list) => article_list(&list.iter().collect::<Vec<_>>()),
        Reply::Summary(s) => summary(s),
        Reply::Article(a) => article(a),
        Reply::Answer(a) => answer(a, style),
        Reply::Trend(t) => super::trend::trend_text(t, None),
        Reply::Note(n) => format!("{}\n", super::words::note(n, super::Lang::Zh)),
    }
}
