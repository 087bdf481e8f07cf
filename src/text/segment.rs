//! Chinese word segmentation (jieba, loaded once and shared) and the stop-word list.
//!
//! One [`Segmenter`] serves indexing, queries, highlighting and answers, so every layer
//! cuts text the same way. The operator's user dictionary and stop-word list are read at
//! start from `config/`, so they can be extended without rebuilding.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use jieba_rs::{Jieba, TokenizeMode};

use super::normalize::{Normalizer, is_word_char};
use crate::text::TextError;

/// Words counted in jieba's dictionary, in all (the sum of its frequencies, about 60
/// million): the scale of [`Segmenter::general_rarity`].
const DICTIONARY_TOTAL: f64 = 60_101_967.0;

/// Words that carry little meaning in a query; used when the configured file is absent.
const BUILTIN_STOP_WORDS: &str = include_str!("../../config/stopwords.txt");
/// Place, programme and slogan names jieba splits wrongly; used when the file is absent.
const BUILTIN_USER_DICT: &str = include_str!("../../config/userdict.txt");

/// One word of segmented text, with its byte range in the text that was segmented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Jieba with the user dictionary, the normaliser and the stop words. Cheap to clone.
#[derive(Clone)]
pub struct Segmenter {
    inner: Arc<Inner>,
}

struct Inner {
    jieba: Jieba,
    normalizer: Normalizer,
    stop_words: HashSet<String>,
    /// Stop words marked `phrase`: cut out of queries as text before segmentation,
    /// longest first, so they go even when jieba glues them to a neighbour.
    stop_phrases: Vec<String>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("stop_words", &self.inner.stop_words.len())
            .finish()
    }
}

impl Segmenter {
    /// Loads jieba's dictionary plus the user dictionary and the stop-word list. A path that
    /// does not exist falls back to the copy built into the binary, with a warning; a file
    /// that exists but cannot be parsed is an error naming it.
    pub fn load(user_dict: Option<&Path>, stop_words: Option<&Path>) -> Result<Self, TextError> {
        let dict_text = match user_dict.filter(|p| p.exists()) {
            Some(path) => read(path)?,
            None => {
                if let Some(path) = user_dict {
                    tracing::warn!(
                        "user dictionary {} not found; using the built-in one",
                        path.display()
                    );
                }
                BUILTIN_USER_DICT.to_string()
            }
        };
        // The script tables build on another core while jieba reads its dictionary.
        let (mut jieba, normalizer) = rayon::join(Jieba::new, Normalizer::new);
        // jieba's own reader knows no comments, so hand it the entries only.
        let entries: String = dict_text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .flat_map(|l| [l, "\n"])
            .collect();
        jieba
            .load_dict(&mut entries.as_bytes())
            .map_err(|source| TextError::UserDict {
                path: user_dict
                    .filter(|p| p.exists())
                    .map_or_else(|| "(built-in)".into(), Path::to_path_buf),
                source,
            })?;
        let stop_text = match stop_words.filter(|p| p.exists()) {
            Some(path) => read(path)?,
            None => {
                if let Some(path) = stop_words {
                    tracing::warn!(
                        "stop-word list {} not found; using the built-in one",
                        path.display()
                    );
                }
                BUILTIN_STOP_WORDS.to_string()
            }
        };
        let stop_words = parse_word_list(&stop_text)
            .map(|w| normalizer.normalize(w))
            .collect();
        let mut stop_phrases: Vec<String> = parse_phrase_list(&stop_text)
            .map(|w| normalizer.normalize(w))
            .collect();
        // Longest first, so `是多少` goes before `多少` could leave a stray `是`.
        stop_phrases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        stop_phrases.dedup();
        Ok(Self {
            inner: Arc::new(Inner {
                jieba,
                normalizer,
                stop_words,
                stop_phrases,
            }),
        })
    }

    /// The built-in dictionaries only; for tests and tools.
    pub fn builtin() -> Self {
        Self::load(None, None).unwrap_or_else(|err| {
            // The built-in lists are compiled in and covered by tests; this cannot fail
            // unless the source tree itself is broken.
            panic!("built-in dictionaries are malformed: {err}")
        })
    }

    pub fn jieba(&self) -> &Jieba {
        &self.inner.jieba
    }

    /// See [`Normalizer::normalize`].
    pub fn normalize(&self, text: &str) -> String {
        self.inner.normalizer.normalize(text)
    }

    /// True if `word` (already normalised) is on the stop-word list.
    pub fn is_stop_word(&self, word: &str) -> bool {
        self.inner.stop_words.contains(word)
    }

    /// The stop words (normalised).
    pub fn stop_words(&self) -> impl Iterator<Item = &str> {
        self.inner.stop_words.iter().map(String::as_str)
    }

    /// `norm` (normalised) with every stop phrase (question scaffolding such as `是谁`,
    /// `是多少`, fillers such as `一共`, `到底`) replaced by spaces, one space per
    /// character, so `市长是谁` is cut as `市长` whatever jieba would glue.
    pub fn strip_phrases(&self, norm: &str) -> String {
        let mut chars: Vec<char> = norm.chars().collect();
        let mut text = String::with_capacity(norm.len());
        for phrase in &self.inner.stop_phrases {
            let p: Vec<char> = phrase.chars().collect();
            if p.is_empty() || p.len() > chars.len() {
                continue;
            }
            let mut i = 0;
            while i + p.len() <= chars.len() {
                if chars[i..i + p.len()] == p[..] {
                    chars[i..i + p.len()].iter_mut().for_each(|c| *c = ' ');
                    i += p.len();
                } else {
                    i += 1;
                }
            }
        }
        text.extend(chars);
        text
    }

    /// How rare `word` is in general written Chinese, from jieba's dictionary counts (which
    /// come largely from newspaper text): `ln(total / count)`, about 5 for 的 and up to 18
    /// for a word the dictionary does not know. Unlike a corpus's IDF it is the same
    /// whatever the corpus holds, so weights built from it make decisions that do not
    /// change when unrelated articles are added; and a colloquial word (咱们, 跟) that news
    /// rarely uses stays light.
    pub fn general_rarity(&self, word: &str) -> f32 {
        let count = self.inner.jieba.suggest_freq(word).max(1) as f64;
        (DICTIONARY_TOTAL / count).ln().max(1.0) as f32
    }

    /// Words of `text` in jieba's search mode (long words and the dictionary words inside
    /// them), skipping spaces and punctuation. Offsets are byte offsets into `text`.
    pub fn search_words<'a>(&self, text: &'a str) -> Vec<Word<'a>> {
        self.words(text, TokenizeMode::Search)
    }

    /// Words of `text` in jieba's default (precise) mode, skipping spaces and punctuation.
    pub fn precise_words<'a>(&self, text: &'a str) -> Vec<Word<'a>> {
        self.words(text, TokenizeMode::Default)
    }

    fn words<'a>(&self, text: &'a str, mode: TokenizeMode) -> Vec<Word<'a>> {
        self.inner
            .jieba
            .tokenize(text, mode, true)
            .into_iter()
            .filter(|t| t.word.chars().any(is_word_char))
            .map(|t| Word {
                text: t.word,
                start: t.byte_start,
                end: t.byte_end,
            })
            .collect()
    }

    /// Part-of-speech tags for `text` (jieba's tag set: `n`, `nr` person, `ns` place, `m`
    /// numeral, `t` time, ...), punctuation included.
    pub fn tag<'a>(&'a self, text: &'a str) -> Vec<jieba_rs::Tag<'a>> {
        self.inner.jieba.tag(text, true)
    }
}

fn read(path: &Path) -> Result<String, TextError> {
    std::fs::read_to_string(path).map_err(|source| TextError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The entries of a stop-word list marked `phrase` in their second column.
fn parse_phrase_list(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter_map(|l| {
            let mut cols = l.split_whitespace();
            let word = cols.next()?;
            (cols.next() == Some("phrase") && word.chars().count() >= 2).then_some(word)
        })
}

/// Non-empty, non-comment lines of a word list, first column only.
fn parse_word_list(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(seg: &Segmenter, text: &str) -> Vec<String> {
        seg.precise_words(text)
            .into_iter()
            .map(|w| w.text.to_string())
            .collect()
    }

    #[test]
    fn user_dictionary_keeps_names_whole() {
        let seg = Segmenter::builtin();
        let cases = [
            ("推进太忻一体化发展", "太忻一体化"),
            ("忻州市黄河流域生态保护", "黄河流域"),
            ("推动高质量发展", "高质量发展"),
            ("忻州日报记者", "忻州"),
        ];
        for (text, word) in cases {
            let got = words(&seg, text);
            assert!(
                got.iter().any(|w| w == word),
                "{text:?} should keep {word:?} whole, got {got:?}"
            );
        }
    }

    #[test]
    fn offsets_are_byte_offsets() {
        let seg = Segmenter::builtin();
        let text = "黄河 abc，流经171公里";
        for w in seg.search_words(text) {
            assert_eq!(&text[w.start..w.end], w.text, "offsets of {w:?}");
        }
        let got: Vec<&str> = seg.search_words(text).iter().map(|w| w.text).collect();
        assert!(!got.contains(&"，") && !got.contains(&" "), "{got:?}");
    }

    #[test]
    fn stop_words_are_loaded() {
        let seg = Segmenter::builtin();
        for w in ["的", "了", "什么", "多少"] {
            assert!(seg.is_stop_word(w), "{w:?} should be a stop word");
        }
        assert!(!seg.is_stop_word("黄河"));
    }

    #[test]
    fn phrases_go_before_segmentation() {
        let seg = Segmenter::builtin();
        for (q, kept) in [
            ("忻州市市长是谁", "忻州市市长"),
            ("一共产了多少粮食", "产了"),
            ("请问黄河到底有多长", "黄河"),
        ] {
            let stripped = seg.strip_phrases(q);
            assert!(stripped.contains(kept), "{q:?} → {stripped:?}");
            assert_eq!(stripped.chars().count(), q.chars().count(), "{q:?}");
        }
        assert!(!seg.strip_phrases("忻州市市长是谁").contains('谁'));
        assert!(!seg.strip_phrases("一共产了多少粮食").contains("一共"));
    }

    #[test]
    fn missing_files_fall_back_to_builtin() {
        let seg = Segmenter::load(
            Some(Path::new("/nonexistent/dict.txt")),
            Some(Path::new("/nonexistent/stop.txt")),
        )
        .expect("fallback to built-in lists");
        assert!(seg.is_stop_word("的"));
    }
}
