//! A topic: words a reader follows (`/trend 黄河`, `/subscribe 防汛`), and the one rule that
//! says whether an article is about it. The words go through the same normalisation and
//! stop-word removal as a search (width, case, traditional → simplified script); the topic
//! is then its content runs (`黄河的保护` → `黄河`, `保护`), and an article matches when its
//! title, or one of its paragraphs, contains every run. A run of letters or digits must stand
//! as a whole word (`ai` is not found in `said`, `171` not in `2171`), as the search index
//! cuts them.

use crate::index::QueryPlan;
use crate::text::{Segmenter, is_han};

/// The matchable form of a reader's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// The words as the reader wrote them (trimmed).
    pub(crate) query: String,
    /// The normalised content runs; all must occur in one paragraph or the title.
    pub(crate) phrases: Vec<String>,
    /// The words were only stop words (kept as the phrases, as a search does).
    pub(crate) only_stop_words: bool,
}

impl Topic {
    pub fn new(segmenter: &Segmenter, query: &str) -> Self {
        let plan = QueryPlan::new(segmenter, query);
        Self {
            query: query.trim().to_string(),
            phrases: plan.phrases,
            only_stop_words: plan.only_stop_words,
        }
    }

    /// Nothing searchable (punctuation, symbols, emoji).
    pub(crate) fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// True when the already normalised `text` holds every phrase.
    pub(crate) fn matches_normalized(&self, text: &str) -> bool {
        !self.phrases.is_empty() && self.phrases.iter().all(|p| contains_phrase(text, p))
    }

    /// True when the title or one paragraph (raw text, normalised here) holds every phrase:
    /// the plain definition that the compiled [`super::TopicMatcher`] is tested against.
    #[cfg(test)]
    pub(crate) fn matches_article(
        &self,
        segmenter: &Segmenter,
        title: &str,
        paragraphs: &[String],
    ) -> bool {
        std::iter::once(title)
            .chain(paragraphs.iter().map(String::as_str))
            .any(|t| self.matches_normalized(&segmenter.normalize(t)))
    }
}

/// A letter or digit that is not Han: such characters form whole-word tokens.
pub(crate) fn is_word_letter(c: char) -> bool {
    !is_han(c) && c.is_alphanumeric()
}

/// True when `phrase` occurs in `hay` without cutting a word of letters or digits.
pub fn contains_phrase(hay: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let starts_word = phrase.chars().next().is_some_and(is_word_letter);
    let ends_word = phrase.chars().next_back().is_some_and(is_word_letter);
    hay.match_indices(phrase).any(|(at, m)| {
        let before_ok = !starts_word || !hay[..at].chars().next_back().is_some_and(is_word_letter);
        let after_ok = !ends_word
            || !hay[at + m.len()..]
                .chars()
                .next()
                .is_some_and(is_word_letter);
        before_ok && after_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_must_all_occur_in_one_text() {
        let seg = Segmenter::builtin();
        let t = Topic::new(&seg, "黄河的保护");
        assert_eq!(t.phrases, vec!["黄河", "保护"]);
        assert!(t.matches_normalized("加强黄河流域生态保护"));
        assert!(!t.matches_normalized("加强黄河流域治理"));
        assert!(t.matches_article(&seg, "标题", &["黃河".into(), "黄河要保护".into()]));
        assert!(
            !t.matches_article(&seg, "标题", &["黄河".into(), "保护".into()]),
            "the runs are in different paragraphs"
        );
    }

    #[test]
    fn script_and_width_are_folded() {
        let seg = Segmenter::builtin();
        let t = Topic::new(&seg, "黃河 ＡＩ");
        assert!(t.matches_article(&seg, "黄河边的AI实验室", &[]));
    }

    #[test]
    fn latin_and_digits_match_whole_words() {
        assert!(contains_phrase("用ai写作", "ai"));
        assert!(contains_phrase("ai", "ai"));
        assert!(!contains_phrase("he said so", "ai"));
        assert!(contains_phrase("流经171公里", "171公里"));
        assert!(!contains_phrase("流经2171公里", "171公里"));
        assert!(
            contains_phrase("黄河流域", "河流"),
            "Han runs match anywhere"
        );
    }

    #[test]
    fn punctuation_is_no_topic() {
        let seg = Segmenter::builtin();
        assert!(Topic::new(&seg, "？！…").is_empty());
        assert!(!Topic::new(&seg, "？！…").matches_normalized("？！…"));
    }
}
