//! Text normalisation for matching: full-width to half-width, lower case, traditional to
//! simplified script. The index and every query go through the same function, so `１７１`
//! finds `171` and `黃河` finds `黄河`, while the article keeps its own characters for display.
//!
//! The mapping is one character to one character, so a character offset in the normalised
//! text is the same character offset in the original: highlights found on the normalised
//! text map straight back (see [`Normalizer::normalize`]).

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// Converts text to the form that the index stores and queries are matched against.
pub struct Normalizer {
    t2s: Option<OpenCC>,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer")
            .field("t2s", &self.t2s.is_some())
            .finish()
    }
}

impl Default for Normalizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Normalizer {
    /// Builds a normaliser with OpenCC's traditional-to-simplified tables. If the embedded
    /// tables cannot be loaded (they are compiled in, so this is not expected), script
    /// conversion is switched off and a warning is logged; width and case folding still work.
    pub fn new() -> Self {
        let t2s = match OpenCC::from_config(BuiltinConfig::T2s) {
            Ok(cc) => Some(cc),
            Err(err) => {
                tracing::warn!("traditional-to-simplified conversion unavailable: {err}");
                None
            }
        };
        Self { t2s }
    }

    /// Returns `text` folded for matching, with exactly as many characters as `text`.
    pub fn normalize(&self, text: &str) -> String {
        let folded: String = text.chars().map(fold_char).collect();
        let Some(t2s) = &self.t2s else {
            return folded;
        };
        if !folded.chars().any(is_han) {
            return folded;
        }
        let converted = t2s.convert(&folded);
        if converted.chars().count() == folded.chars().count() {
            return converted;
        }
        // A phrase rule changed the length; convert one character at a time instead so
        // offsets stay aligned. Rare, so the slower path is fine.
        let mut buf = [0u8; 4];
        folded
            .chars()
            .map(|c| {
                if !is_han(c) {
                    return c;
                }
                let one = t2s.convert(c.encode_utf8(&mut buf));
                let mut chars = one.chars();
                match (chars.next(), chars.next()) {
                    (Some(s), None) => s,
                    _ => c,
                }
            })
            .collect()
    }
}

/// Folds one character: full-width ASCII forms to ASCII, the ideographic space and
/// no-break spaces to a space, letters to lower case (when that is one character).
pub fn fold_char(c: char) -> char {
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

/// True for characters that carry meaning in a search term: letters, digits and Han.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_han(c)
}

/// Byte offset of each character boundary in `text`, plus `text.len()` at the end, so
/// `offsets[i]..offsets[j]` is the byte range of characters `i..j`.
pub fn char_byte_offsets(text: &str) -> Vec<usize> {
    let mut offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    offsets.push(text.len());
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

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
