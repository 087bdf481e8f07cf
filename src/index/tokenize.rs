//! The two tokenizers behind the index, as tantivy tokenizers: jieba words (search mode,
//! through the shared [`Segmenter`]) and character bigrams, which find any run of two or
//! more characters even where jieba cut the text differently.
//!
//! Both read text that is already normalised (see [`crate::text::Normalizer`]).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::{Segmenter, is_han};

/// Tokenizer name for jieba words; every word field uses it, and queries are cut the same way.
pub const WORD_TOKENIZER: &str = "jianbao_words";
/// Tokenizer name for character bigrams.
pub const BIGRAM_TOKENIZER: &str = "jianbao_bigrams";

/// jieba search-mode words as tantivy tokens. Unlike `tantivy_jieba::JiebaTokenizer`, which
/// owns its `Jieba` and so copies the whole dictionary each time tantivy clones a tokenizer
/// (per segment writer), this shares one dictionary, with the operator's user words in it.
#[derive(Clone)]
pub struct WordTokenizer {
    segmenter: Segmenter,
}

impl WordTokenizer {
    pub fn new(segmenter: Segmenter) -> Self {
        Self { segmenter }
    }
}

/// A token stream over tokens computed up front.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = self
            .segmenter
            .search_words(text)
            .into_iter()
            .enumerate()
            .map(|(position, w)| Token {
                offset_from: w.start,
                offset_to: w.end,
                position,
                text: w.text.to_string(),
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, next: 0 }
    }
}

/// Overlapping character bigrams of each run of Han characters (a lone Han character is
/// its own token), and whole words of other letters and digits.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = bigrams(text)
            .into_iter()
            .enumerate()
            .map(|(position, (start, end))| Token {
                offset_from: start,
                offset_to: end,
                position,
                text: text[start..end].to_string(),
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, next: 0 }
    }
}

/// Byte ranges of the bigram tokens of `text`.
pub fn bigrams(text: &str) -> Vec<(usize, usize)> {
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
            seen.push(t.text.clone());
        }
        for want in ["黄河", "忻州", "流经", "171", "公里"] {
            assert!(
                seen.iter().any(|s| s == want),
                "{want:?} missing from {seen:?}"
            );
        }
    }
}
