//! Where the query's terms occur in a paragraph, as byte ranges of the paragraph as written.
//! Matching is done on the normalised text (so `黃河` marks `黄河` and `１７１` marks `171`);
//! normalisation keeps one character per character, so ranges map straight back.

use std::ops::Range;

use crate::text::Segmenter;
use crate::text::normalize::char_byte_offsets;

/// Byte ranges in `text` where any of `terms` (normalised) occurs, sorted and merged.
pub(crate) fn highlight(segmenter: &Segmenter, text: &str, terms: &[String]) -> Vec<Range<usize>> {
    if terms.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let norm = segmenter.normalize(text);
    let orig = char_byte_offsets(text);
    let normed = char_byte_offsets(&norm);
    if orig.len() != normed.len() {
        // Cannot happen with the one-to-one normaliser; be safe rather than wrong.
        return Vec::new();
    }
    let mut spans: Vec<(usize, usize)> = Vec::new(); // char ranges
    for term in terms.iter().filter(|t| !t.is_empty()) {
        for (at, m) in norm.match_indices(term.as_str()) {
            let from = normed.partition_point(|&b| b < at);
            let to = normed.partition_point(|&b| b < at + m.len());
            spans.push((from, to));
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged.into_iter().map(|(s, e)| orig[s]..orig[e]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_original_characters() {
        let seg = Segmenter::builtin();
        let text = "黃河在忻州流經１７１公里";
        let ranges = highlight(&seg, text, &["黄河".into(), "171".into(), "流经".into()]);
        let got: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["黃河", "流經１７１"]);
    }

    #[test]
    fn overlapping_terms_merge() {
        let seg = Segmenter::builtin();
        let text = "黄河流域生态保护";
        let ranges = highlight(&seg, text, &["黄河流域".into(), "流域生态".into()]);
        assert_eq!(ranges, vec![0..text.find("保护").unwrap()]);
    }

    #[test]
    fn nothing_to_mark() {
        let seg = Segmenter::builtin();
        assert!(highlight(&seg, "黄河", &[]).is_empty());
        assert!(highlight(&seg, "", &["黄河".into()]).is_empty());
        assert!(highlight(&seg, "长江", &["黄河".into()]).is_empty());
    }
}
