//! Text normalisation for matching: full-width to half-width, lower case, traditional to
//! simplified script. The index and every query go through the same function, so `１７１`
//! finds `171` and `黃河` finds `黄河`, while the article keeps its own characters for display.
//!
//! The mapping is one character to one character, so a character offset in the normalised
//! text is the same character offset in the original: highlights found on the normalised
//! text map straight back (see [`Normalizer::normalize`]).

use std::collections::HashMap;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// The basic CJK blocks (extension A and the unified ideographs), where nearly all
/// traditional characters are: looked up by index rather than hashed.
const DENSE: std::ops::RangeInclusive<u32> = 0x3400..=0x9FFF;

/// Converts text to the form that the index stores and queries are matched against.
pub struct Normalizer {
    /// Traditional → simplified for [`DENSE`], by code point offset (a character maps to
    /// itself when OpenCC leaves it alone). Empty if OpenCC's tables could not be loaded.
    dense: Box<[char]>,
    /// The same for the other Han blocks, only the characters that change.
    sparse: HashMap<char, char>,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer")
            .field("t2s", &!self.dense.is_empty())
            .finish()
    }
}

impl Default for Normalizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Normalizer {
    /// Builds a normaliser from OpenCC's traditional-to-simplified tables: every Han
    /// character is converted once, on its own, and kept when OpenCC gives one character
    /// for it (about 4,100 change). Normalising is then one table lookup per character,
    /// the same for index and queries, with no phrase rules that could change the length.
    /// If the embedded tables cannot be loaded (they are compiled in, so this is not
    /// expected), script conversion is switched off and a warning is logged; width and case
    /// folding still work.
    pub(crate) fn new() -> Self {
        let cc = match OpenCC::from_config(BuiltinConfig::T2s) {
            Ok(cc) => cc,
            Err(err) => {
                tracing::warn!("traditional-to-simplified conversion unavailable: {err}");
                return Self {
                    dense: Box::default(),
                    sparse: HashMap::new(),
                };
            }
        };
        let mut buf = [0u8; 4];
        let mut convert = |c: char| -> char {
            let one = cc.convert(c.encode_utf8(&mut buf));
            let mut chars = one.chars();
            match (chars.next(), chars.next()) {
                (Some(s), None) => s,
                _ => c,
            }
        };
        let dense = DENSE.filter_map(char::from_u32).map(&mut convert).collect();
        let sparse = ('\0'..=char::MAX)
            .filter(|c| is_han(*c) && !DENSE.contains(&(*c as u32)))
            .filter_map(|c| {
                let s = convert(c);
                (s != c).then_some((c, s))
            })
            .collect();
        Self { dense, sparse }
    }

    /// The simplified form of one character (itself if none).
    fn t2s(&self, c: char) -> char {
        let code = c as u32;
        if DENSE.contains(&code) {
            return self
                .dense
                .get((code - DENSE.start()) as usize)
                .copied()
                .unwrap_or(c);
        }
        if !is_han(c) {
            return c;
        }
        self.sparse.get(&c).copied().unwrap_or(c)
    }

    /// Returns `text` folded for matching, with exactly as many characters as `text`.
    pub(crate) fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        out.extend(text.chars().map(|c| self.t2s(fold_char(c))));
        out
    }
}

/// Folds one character: full-width ASCII forms to ASCII, the ideographic space and
/// no-break spaces to a space, letters to lower case (when that is one character).
pub(crate) fn fold_char(c: char) -> char {
    if is_han(c) {
        return c;
    }
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// True for CJK unified ideographs (the basic block and extensions A–F, compatibility).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Whether `short` abbreviates `full`: a Latin acronym for a Chinese name (`gdp` for
/// `国内生产总值`), or a word whose characters all come, in order, from a longer one (`世贸`
/// for `世界贸易组织`, `高铁` for `高速铁路`).
pub fn abbreviates(short: &str, full: &str) -> bool {
    let (n, m) = (short.chars().count(), full.chars().count());
    if n >= m || n < 2 {
        return false;
    }
    if short.chars().all(|c| c.is_ascii_alphanumeric()) {
        return short.chars().any(|c| c.is_ascii_alphabetic()) && full.chars().all(is_han);
    }
    let mut rest = full.chars();
    short.chars().all(|c| rest.any(|f| f == c))
}

/// True for characters that carry meaning in a search term: letters, digits and Han.
pub fn is_word_char(c: char) -> bool {
    is_han(c) || c.is_alphanumeric()
}

/// Byte offset of each character boundary in `text`, plus `text.len()` at the end, so
/// `offsets[i]..offsets[j]` is the byte range of characters `i..j`.
pub(crate) fn char_byte_offsets(text: &str) -> Vec<usize> {
    let mut offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    offsets.push(text.len());
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_told_from_other_news_words() {
        assert!(abbreviates("gdp", "国内生产总值"));
        assert!(abbreviates("世贸", "世界贸易组织"));
        assert!(abbreviates("高铁", "高速铁路"));
        assert!(
            !abbreviates("钱", "资金"),
            "one character abbreviates nothing"
        );
        assert!(!abbreviates("见面", "会见"), "not a longer word");
        assert!(!abbreviates("赚", "收入"));
        assert!(
            !abbreviates("修好", "建成竣工"),
            "not its characters in order"
        );
        assert!(!abbreviates("2024", "二〇二四年"), "digits are no acronym");
    }

    #[test]
    fn folds_width_case_and_script() {
        let n = Normalizer::new();
        let cases = [
            ("１７１公里", "171公里"),
            ("ＡＢＣ abc", "abc abc"),
            ("黃河流域", "黄河流域"),
            ("國務院發展研究中心", "国务院发展研究中心"),
            ("忻州日报", "忻州日报"),
            ("\u{3000}两个空格", " 两个空格"),
        ];
        for (input, want) in cases {
            assert_eq!(n.normalize(input), want, "normalising {input:?}");
        }
    }

    #[test]
    fn keeps_character_count() {
        let n = Normalizer::new();
        for input in [
            "乾隆皇帝",
            "頭髮",
            "İstanbul Ａ",
            "emoji 🌊 黃河",
            "",
            "後來的發展",
        ] {
            assert_eq!(
                n.normalize(input).chars().count(),
                input.chars().count(),
                "character count changed for {input:?}"
            );
        }
    }

    #[test]
    fn char_offsets_end_with_len() {
        assert_eq!(char_byte_offsets("a黄b"), vec![0, 1, 4, 5]);
        assert_eq!(char_byte_offsets(""), vec![0]);
    }
}
