//! The two tokenizers behind the index, as tantivy tokenizers: jieba words (search mode,
//! through the shared [`Segmenter`]) and character bigrams, which find any run of two or
//! more characters even where jieba cut the text differently.
//!
//! Both read text that is already normalised (see [`crate::text::Normalizer`]).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::{Segmenter, is_han};

/// Tokenizer name for jieba words; every word field uses it, and queries are cut the same way.
pub(crate) const WORD_TOKENIZER: &str = "jianbao_words";
/// Tokenizer name for character bigrams.
pub(crate) const BIGRAM_TOKENIZER: &str = "jianbao_bigrams";

/// jieba search-mode words as tantivy tokens. Unlike `tantivy_jieba::JiebaTokenizer`, which
/// owns its `Jieba` and so copies the whole dictionary each time tantivy clones a tokenizer
/// (per segment writer), this shares one dictionary, with the operator's user words in it.
#[derive(Clone)]
pub(crate) struct WordTokenizer {
    segmenter: Segmenter,
}

impl WordTokenizer {
    pub(crate) fn new(segmenter: Segmenter) -> Self {
        Self { segmenter }
    }
}

/// A token stream over byte ranges of a text computed up front. It fills one `Token` in
/// place as it advances, so indexing allocates no `String` per token (tantivy copies the
/// text it needs into its own arena).
pub(crate) struct RangeTokenStream<'a> {
    text: &'a str,
    ranges: std::vec::IntoIter<(usize, usize)>,
    token: Token,
}

impl<'a> RangeTokenStream<'a> {
    fn new(text: &'a str, ranges: Vec<(usize, usize)>) -> Self {
        Self {
            text,
            ranges: ranges.into_iter(),
            token: Token {
                position: usize::MAX,
                ..Token::default()
            },
        }
    }
}

impl TokenStream for RangeTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end)) = self.ranges.next() else {
            return false;
        };
        let t = &mut self.token;
        t.offset_from = start;
        t.offset_to = end;
        t.position = t.position.wrapping_add(1);
        t.position_length = 1;
        t.text.clear();
        t.text.push_str(&self.text[start..end]);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = RangeTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> RangeTokenStream<'a> {
        let ranges = self
            .segmenter
            .search_words(text)
            .into_iter()
            .map(|w| (w.start, w.end))
            .collect();
        RangeTokenStream::new(text, ranges)
    }
}

/// Overlapping character bigrams of each run of Han characters (a lone Han character is
/// its own token), and whole words of other letters and digits.
#[derive(Clone, Default)]
pub(crate) struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = RangeTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> RangeTokenStream<'a> {
        RangeTokenStream::new(text, bigrams(text))
    }
}

/// Byte ranges of the bigram tokens of `text`.
pub(crate) fn bigrams(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut han_run: Vec<(usize, usize)> = Vec::new(); // char byte ranges
    let mut word: Option<(usize, usize)> = None;
    let flush_han = |run: &mut Vec<(usize, usize)>, out: &mut Vec<(usize, usize)>| {
        match run.len() {
            0 => {}
            1 => out.push(run[0]),
            _ => out.extend(run.windows(2).map(|w| (w[0].0, w[1].1))),
        }
        run.clear();
    };
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if is_han(c) {
            if let Some(w) = word.take() {
                out.push(w);
            }
            han_run.push((i, end));
        } else if c.is_alphanumeric() {
            flush_han(&mut han_run, &mut out);
            word = Some(word.map_or((i, end), |(s, _)| (s, end)));
        } else {
            flush_han(&mut han_run, &mut out);
            if let Some(w) = word.take() {
                out.push(w);
            }
        }
    }
    flush_han(&mut han_run, &mut out);
    if let Some(w) = word {
        out.push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        bigrams(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn bigram_golden() {
        let cases: &[(&str, &[&str])] = &[
            ("黄河流域", &["黄河", "河流", "流域"]),
            ("河", &["河"]),
            ("流经171公里", &["流经", "171", "公里"]),
            ("忻州 abc12，a", &["忻州", "abc12", "a"]),
            ("50.8%的国土", &["50", "8", "的国", "国土"]),
            ("", &[]),
            ("，。！", &[]),
        ];
        for (input, want) in cases {
            assert_eq!(texts(input), *want, "bigrams of {input:?}");
        }
    }

    #[test]
    fn word_tokens_carry_byte_offsets() {
        let mut tok = WordTokenizer::new(Segmenter::builtin());
        let text = "黄河在忻州流经171公里。";
        let mut stream = tok.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            assert_eq!(
                &text[t.offset_from..t.offset_to],
                t.text,
                "offsets of {t:?}"
            );
            seen.push((t.position, t.text.clone()));
        }
        let positions: Vec<usize> = seen.iter().map(|(p, _)| *p).collect();
        assert_eq!(positions, (0..seen.len()).collect::<Vec<_>>());
        let seen: Vec<String> = seen.into_iter().map(|(_, t)| t).collect();
        for want in ["黄河", "忻州", "流经", "171", "公里"] {
            assert!(
                seen.iter().any(|s| s == want),
                "{want:?} missing from {seen:?}"
            );
        }
    }
}
