//! Turning answers into output: terminal text (`text`), JSON (`json`), Telegram messages
//! and inline cards (`telegram`, with its HTML primitives in `telegram::html`), trend charts
//! and their captions (`chart`, `trend`). Pure functions over the plain data from `answer`
//! and `chat`.

pub(crate) mod alert;
pub(crate) mod chart;
pub(crate) mod json;
pub mod telegram;
pub mod text;
pub(crate) mod trend;
pub mod words;

pub use words::Lang;

use std::ops::Range;

/// `text` cut to at most `max_chars` characters, with `…` when cut.
pub(crate) fn clip(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The dates understood in a query, for people: `日期：去年（2025年）、2024年6月`
/// (`Dates: 去年 (2025), 2024-06` in English).
pub fn dates_line(dates: &[crate::text::dates::DateSpec], lang: Lang) -> Option<String> {
    question_dates_line(dates, &[], lang)
}

/// The dates and parts of a year understood in a question (`日期：2024年、1—10月`), if any.
pub fn question_dates_line(
    dates: &[crate::text::dates::DateSpec],
    parts: &[crate::text::dates::YearPart],
    lang: Lang,
) -> Option<String> {
    if dates.is_empty() && parts.is_empty() {
        return None;
    }
    let labels: Vec<String> = dates
        .iter()
        .map(|d| words::date_label(d, lang))
        .chain(parts.iter().map(|p| words::year_part_label(p, lang)))
        .collect();
    Some(format!(
        "{}{}",
        words::dates_intro(lang),
        labels.join(words::list_separator(lang))
    ))
}

/// A window of at most `max_chars` characters of `text` around its first highlight, with
/// `…` where it was cut, and the highlights that fall inside it (moved to the new text).
pub(crate) fn snippet(
    text: &str,
    highlights: &[Range<usize>],
    max_chars: usize,
) -> (String, Vec<Range<usize>>) {
    let total = text.chars().count();
    if total <= max_chars {
        return (text.to_string(), highlights.to_vec());
    }
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let char_of = |b: usize| offsets.partition_point(|&o| o < b);
    let first = highlights.first().map_or(0, |r| char_of(r.start));
    // Start a little before the first highlight, but never so late that the window
    // runs past the end.
    let lead = max_chars / 5;
    let start = first.saturating_sub(lead).min(total - max_chars);
    let end = start + max_chars;
    let (from, to) = (offsets[start], offsets[end]);
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < total { "…" } else { "" };
    let shift = prefix.len();
    let moved = highlights
        .iter()
        .filter(|r| r.start >= from && r.end <= to)
        .map(|r| r.start - from + shift..r.end - from + shift)
        .collect();
    (format!("{prefix}{}{suffix}", &text[from..to]), moved)
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_whole() {
        let (s, h) = snippet("黄河流域", &[0..6], 10);
        assert_eq!((s.as_str(), h), ("黄河流域", vec![0..6]));
    }

    #[test]
    fn window_follows_the_first_highlight() {
        let text = format!("{}黄河{}", "甲".repeat(50), "乙".repeat(50));
        let at = text.find("黄河").unwrap();
        let (s, h) = snippet(&text, &[at..at + 6], 20);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(s.chars().count(), 22);
        assert_eq!(&s[h[0].clone()], "黄河");
    }

    #[test]
    fn window_at_the_end_is_full_length() {
        let text = format!("{}黄河", "甲".repeat(50));
        let at = text.find("黄河").unwrap();
        let (s, h) = snippet(&text, &[at..at + 6], 10);
        assert_eq!(s.chars().count(), 11);
        assert!(s.ends_with("黄河"));
        assert_eq!(&s[h[0].clone()], "黄河");
    }
}
