//! Chinese word segmentation (jieba, loaded once and shared) and the stop-word list.
//!
//! One [`Segmenter`] serves indexing, queries, highlighting and answers, so every layer
//! cuts text the same way. The operator's user dictionary and stop-word list are read at
//! start from `config/`, so they can be extended without rebuilding.

use std::collections::{HashMap, HashSet};
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
/// How readers say things and how the news writes them; used when the file is absent.
const BUILTIN_SYNONYMS: &str = include_str!("../../config/synonyms.txt");
/// Place, programme and slogan names jieba splits wrongly; used when the file is absent.
const BUILTIN_USER_DICT: &str = include_str!("../../config/userdict.txt");

/// One word of segmented text, with its byte range in the text that was segmented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub(crate) start: usize,
    pub(crate) end: usize,
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
    /// A reader's word → the words the news uses for it (`config/synonyms.txt`).
    synonyms: HashMap<String, Vec<String>>,
    /// A hash of the user dictionary's entries (see [`Segmenter::dictionary_fingerprint`]).
    dictionary: u64,
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
    pub fn load(
        user_dict: Option<&Path>,
        stop_words: Option<&Path>,
        synonyms: Option<&Path>,
    ) -> Result<Self, TextError> {
        let dict_text = read_or_builtin(user_dict, "user dictionary", BUILTIN_USER_DICT)?;
        // The script tables build on another core while jieba reads its dictionary.
        let (mut jieba, normalizer) = rayon::join(Jieba::new, Normalizer::new);
        // jieba's own reader knows no comments, so hand it the entries only.
        let entries: String = dict_text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .flat_map(|l| [l, "\n"])
            .collect();
        let dictionary = {
            use std::hash::Hasher;
            let mut h = fnv::FnvHasher::default();
            h.write(entries.as_bytes());
            h.finish()
        };
        jieba
            .load_dict(&mut entries.as_bytes())
            .map_err(|source| TextError::UserDict {
                path: user_dict
                    .filter(|p| p.exists())
                    .map_or_else(|| "(built-in)".into(), Path::to_path_buf),
                source,
            })?;
        let stop_text = read_or_builtin(stop_words, "stop-word list", BUILTIN_STOP_WORDS)?;
        let stop_words = parse_word_list(&stop_text)
            .map(|w| normalizer.normalize(w))
            .collect();
        let mut stop_phrases: Vec<String> = parse_phrase_list(&stop_text)
            .map(|w| normalizer.normalize(w))
            .collect();
        // Longest first, so `是多少` goes before `多少` could leave a stray `是`.
        stop_phrases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        stop_phrases.dedup();
        let synonym_text = read_or_builtin(synonyms, "synonym list", BUILTIN_SYNONYMS)?;
        let synonyms = parse_synonyms(&synonym_text, |w| normalizer.normalize(w));
        Ok(Self {
            inner: Arc::new(Inner {
                jieba,
                normalizer,
                stop_words,
                stop_phrases,
                synonyms,
                dictionary,
            }),
        })
    }

    /// A stable hash of the user dictionary's entries: with the program, what decides how
    /// text is cut into the index's words (a kept index made with another is rebuilt).
    pub(crate) fn dictionary_fingerprint(&self) -> u64 {
        self.inner.dictionary
    }

    /// The built-in dictionaries only; for tests and tools.
    pub fn builtin() -> Self {
        Self::load(None, None, None).unwrap_or_else(|err| {
            // The built-in lists are compiled in and covered by tests; this cannot fail
            // unless the source tree itself is broken.
            panic!("built-in dictionaries are malformed: {err}")
        })
    }

    pub(crate) fn jieba(&self) -> &Jieba {
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
    pub(crate) fn stop_words(&self) -> impl Iterator<Item = &str> {
        self.inner.stop_words.iter().map(String::as_str)
    }

    /// The words the news uses for a reader's `word` (normalised), from the synonym list;
    /// empty when it has none.
    pub(crate) fn news_words(&self, word: &str) -> &[String] {
        self.inner.synonyms.get(word).map_or(&[], Vec::as_slice)
    }

    /// `norm` (normalised) with every stop phrase (question scaffolding such as `是谁`,
    /// `是多少`, fillers such as `一共`, `到底`) replaced by spaces, one space per
    /// character, so `市长是谁` is cut as `市长` whatever jieba would glue.
    pub(crate) fn strip_phrases(&self, norm: &str) -> String {
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
    pub(crate) fn general_rarity(&self, word: &str) -> f32 {
        let count = self.inner.jieba.suggest_freq(word).max(1) as f64;
        (DICTIONARY_TOTAL / count).ln().max(1.0) as f32
    }

    /// Words of `text` in jieba's search mode (long words and the dictionary words inside
    /// them), skipping spaces and punctuation. Offsets are byte offsets into `text`.
    pub(crate) fn search_words<'a>(&self, text: &'a str) -> Vec<Word<'a>> {
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

    /// The content words of a question (normalised, scaffolding already blanked by
    /// [`Segmenter::strip_phrases`]), with their byte offsets in `text`, after undoing what
    /// jieba's guessing of unknown words glues together. A two- or three-character word
    /// that is not in the dictionary is a guess; when one of its ends belongs to the
    /// neighbouring word (环 + 比降 → 环比 + 降; 老达 + 不到 → 老 + 达不到) it goes there, and
    /// a stop character at its end (马小 + 光是 → 马小光 + 是) is blanked and the text cut
    /// again. Stop words are still in the result; callers skip them.
    pub(crate) fn question_words(&self, text: &str) -> Vec<(String, usize)> {
        let mut text = text.to_string();
        // Each pass blanks one character; a question has few guesses.
        for _ in 0..6 {
            let words = self.precise_words(&text);
            let mut out: Vec<(String, usize, usize)> = Vec::with_capacity(words.len());
            let mut blank = None;
            let mut k = 0;
            while k < words.len() {
                let w = &words[k];
                if !self.is_guess(w.text) {
                    out.push((w.text.to_string(), w.start, w.end));
                    k += 1;
                    continue;
                }
                let first = w.text.chars().next().map_or(0, char::len_utf8);
                let last = w.text.char_indices().last().map_or(0, |(i, _)| i);
                if let Some(prev) = out.last_mut()
                    && prev.2 == w.start
                    && self.is_dictionary_word(&format!("{}{}", prev.0, &w.text[..first]))
                {
                    prev.0.push_str(&w.text[..first]);
                    prev.2 += first;
                    out.push((w.text[first..].to_string(), w.start + first, w.end));
                    k += 1;
                    continue;
                }
                if let Some(next) = words.get(k + 1)
                    && next.start == w.end
                    && self.is_dictionary_word(&format!("{}{}", &w.text[last..], next.text))
                {
                    out.push((w.text[..last].to_string(), w.start, w.start + last));
                    out.push((
                        format!("{}{}", &w.text[last..], next.text),
                        w.start + last,
                        next.end,
                    ));
                    k += 2;
                    continue;
                }
                if self.is_stop_word(&w.text[last..]) {
                    blank = Some(w.start + last..w.end);
                    break;
                }
                if self.is_stop_word(&w.text[..first]) {
                    blank = Some(w.start..w.start + first);
                    break;
                }
                out.push((w.text.to_string(), w.start, w.end));
                k += 1;
            }
            match blank {
                // A Han character is three bytes, as is the ideographic space: offsets
                // and character counts stay as they were.
                Some(range) => text.replace_range(range, "\u{3000}"),
                None => return out.into_iter().map(|(w, s, _)| (w, s)).collect(),
            }
        }
        self.precise_words(&text)
            .into_iter()
            .map(|w| (w.text.to_string(), w.start))
            .collect()
    }

    /// How often jieba's dictionary counts `word` (0 when it does not have it).
    pub(crate) fn dictionary_count(&self, word: &str) -> usize {
        if self.is_dictionary_word(word) {
            self.inner.jieba.suggest_freq(word)
        } else {
            0
        }
    }

    /// True if jieba's dictionary (with the user dictionary) has `word`.
    pub(crate) fn is_dictionary_word(&self, word: &str) -> bool {
        self.inner.jieba.has_word(word)
    }

    /// A word jieba guessed (its hidden Markov model joins unknown characters): two or
    /// three Chinese characters that the dictionary does not have.
    fn is_guess(&self, word: &str) -> bool {
        let n = word.chars().count();
        (2..=3).contains(&n)
            && word.chars().all(super::normalize::is_han)
            && !self.is_dictionary_word(word)
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

/// The file at `path`, or the built-in copy when there is no path or no file there (with a
/// warning naming the missing file and what it is).
fn read_or_builtin(path: Option<&Path>, what: &str, builtin: &str) -> Result<String, TextError> {
    match path {
        Some(path) if path.exists() => read(path),
        Some(path) => {
            tracing::warn!(
                "{what} {} not found; using the built-in one",
                path.display()
            );
            Ok(builtin.to_string())
        }
        None => Ok(builtin.to_string()),
    }
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

/// The synonym list: a reader's word, then the news' words for it, per line.
fn parse_synonyms(text: &str, normalize: impl Fn(&str) -> String) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for line in text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
    {
        let mut cols = line.split_whitespace().map(&normalize);
        let Some(head) = cols.next() else { continue };
        let entry = map.entry(head.clone()).or_default();
        for w in cols {
            if w != head && !entry.contains(&w) {
                entry.push(w);
            }
        }
    }
    map.retain(|_, v| !v.is_empty());
    map
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

    fn words_of(seg: &Segmenter, text: &str) -> Vec<String> {
        words(seg, text)
    }

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
    fn guessed_words_give_back_what_they_glued() {
        let seg = Segmenter::builtin();
        let words = |q: &str| -> Vec<String> {
            let norm = seg.strip_phrases(&seg.normalize(q));
            let got = seg.question_words(&norm);
            for (w, at) in &got {
                assert!(norm[*at..].starts_with(w.as_str()), "{q:?}: {w:?} at {at}");
            }
            got.into_iter()
                .map(|(w, _)| w)
                .filter(|w| !seg.is_stop_word(w))
                .collect()
        };
        // jieba guesses 星是 and 架时; their stop character goes and the rest stands alone.
        for (q, glued, kept) in [
            ("四维高景三号02星是用什么火箭打上去的", "星是", "星"),
            ("马小光加工行星架时精度达不到", "架时", "架"),
        ] {
            let norm = seg.strip_phrases(&seg.normalize(q));
            assert!(
                words_of(&seg, &norm).iter().any(|w| w == glued),
                "{q:?}: jieba should guess {glued:?}, or the case tests nothing"
            );
            let got = words(q);
            assert!(!got.iter().any(|w| w == glued), "{q:?}: {got:?}");
            assert!(got.iter().any(|w| w == kept), "{q:?}: {got:?}");
        }
        // A word the dictionary knows is never taken apart.
        assert!(words("黄河流经多少个县").contains(&"黄河".to_string()));
    }

    #[test]
    fn missing_files_fall_back_to_builtin() {
        let seg = Segmenter::load(
            Some(Path::new("/nonexistent/dict.txt")),
            Some(Path::new("/nonexistent/stop.txt")),
            Some(Path::new("/nonexistent/synonyms.txt")),
        )
        .expect("fallback to built-in lists");
        assert!(seg.is_stop_word("的"));
        assert!(seg.news_words("见").iter().any(|w| w == "会见"));
    }

    #[test]
    fn synonyms_are_read_one_way() {
        let map = parse_synonyms(
            "# comment\n见 会见 会晤  # trailing\n\nGDP 国内生产总值\n孤单\n",
            |w| w.to_lowercase(),
        );
        assert_eq!(map["见"], ["会见", "会晤"]);
        assert_eq!(map["gdp"], ["国内生产总值"]);
        assert!(!map.contains_key("会见"), "one way only");
        assert!(!map.contains_key("孤单"), "a word alone has nothing to add");
    }
}
