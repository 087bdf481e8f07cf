//! From user text to a tantivy query, built term by term: jieba words (stop words left out)
//! on the body and title, character bigrams of the content on the body, all as
//! optional clauses scored by BM25. Quotes, colons, `AND`, `*`, emoji and the like are just
//! characters here, so no input can make the query fail.

use chrono::NaiveDate;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::tokenize::bigrams;
use crate::text::dates::{self, DateSpec};
use crate::text::{Segmenter, is_han};

/// At most this many characters of a query are read; the rest is ignored.
pub(crate) const MAX_QUERY_CHARS: usize = 1000;
const MAX_WORDS: usize = 32;
const MAX_BIGRAMS: usize = 64;

/// Field weights, tuned on CMRC 2018 trial and checked on DRCD dev (see docs/EVAL.md):
/// bigrams carry most of the match, since they survive segmentation differences between
/// question and text; words add precision; a title is shared by all of an article's
/// paragraphs, so it only nudges. Title bigrams were dropped: they were 11% of the indexed
/// tokens and a third of a query's clauses for a 0.003 gain in CMRC R@1 once the title's
/// word weight is raised to match (docs/PERFORMANCE.md).
const W_TEXT: f32 = 0.6;
const W_TITLE: f32 = 0.45;
const W_TEXT_BIGRAM: f32 = 1.2;

pub(super) struct QueryFields {
    pub(crate) title: Field,
    pub(crate) text: Field,
    pub(crate) text_bigram: Field,
}

/// The terms of a query after normalisation and segmentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct QueryPlan {
    /// Content words (normalised), in query order, without repeats.
    pub(crate) words: Vec<String>,
    /// Character bigrams (and lone characters, Latin words) of the content.
    pub(crate) bigrams: Vec<String>,
    /// Runs of content text (the query with stop words and punctuation taken out), for
    /// highlighting.
    pub(crate) phrases: Vec<String>,
    /// The query had only stop words, so they were used as the terms.
    pub(crate) only_stop_words: bool,
    /// The query was longer than [`MAX_QUERY_CHARS`] and was cut.
    pub(crate) truncated: bool,
    /// Dates understood in the query (their words are not terms).
    pub(crate) dates: Vec<DateSpec>,
    /// Only paragraphs of articles dated in this range (inclusive) are wanted; the engine
    /// applies it to the hits, since it knows the articles' dates.
    pub(crate) date_filter: Option<(NaiveDate, NaiveDate)>,
}

impl QueryPlan {
    /// The plan for `query` taken word for word: dates are terms like any other.
    pub(crate) fn new(segmenter: &Segmenter, query: &str) -> Self {
        Self::build(segmenter, query, None)
    }

    /// The plan for `query` with its dates (`2024`, `2024-06`, `去年`, read against
    /// `anchor`) taken out of the terms and made a filter on the article's date. A query
    /// that is only dates keeps them as terms too, so it still searches for something.
    pub(crate) fn with_dates(segmenter: &Segmenter, query: &str, anchor: NaiveDate) -> Self {
        Self::build(segmenter, query, Some(anchor))
    }

    fn build(segmenter: &Segmenter, query: &str, anchor: Option<NaiveDate>) -> Self {
        let truncated = query.chars().count() > MAX_QUERY_CHARS;
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        let mut norm = segmenter.normalize(&query);
        // What the dates mean (`2024 6月` is June 2024) filters and is shown.
        let (dates, blanked) = anchor.map(|a| dates::take_out(&norm, a)).unzip();
        let dates = dates.unwrap_or_default();
        let date_filter = dates
            .iter()
            .fold(None, |acc: Option<(NaiveDate, NaiveDate)>, d| {
                Some(acc.map_or((d.from, d.to), |(f, t)| (f.min(d.from), t.max(d.to))))
            });
        if let Some(blanked) = blanked.filter(|b| b.chars().any(crate::text::is_word_char)) {
            norm = blanked;
        }
        // Question scaffolding goes as text; a query of nothing else keeps it.
        let stripped = segmenter.strip_phrases(&norm);
        if stripped.chars().any(crate::text::is_word_char) {
            norm = stripped;
        }

        let mut words = Vec::new();
        let mut stop = Vec::new();
        for w in segmenter.precise_words(&norm) {
            let list = if segmenter.is_stop_word(w.text) {
                &mut stop
            } else {
                &mut words
            };
            push_unique(list, w.text);
        }
        let only_stop_words = words.is_empty() && !stop.is_empty();
        if only_stop_words {
            words = stop;
        }
        words.truncate(MAX_WORDS);

        // Blank out stop words (precise cut, so a stop word inside a longer word stays) and
        // punctuation; the remaining runs are the content.
        let mut masked: Vec<char> = norm.chars().collect();
        let char_at = crate::text::normalize::char_byte_offsets(&norm);
        if !only_stop_words {
            for w in segmenter.precise_words(&norm) {
                if segmenter.is_stop_word(w.text) {
                    let from = char_at.partition_point(|&b| b < w.start);
                    let to = char_at.partition_point(|&b| b < w.end);
                    masked[from..to].iter_mut().for_each(|c| *c = ' ');
                }
            }
        }
        let masked: String = masked
            .into_iter()
            .map(|c| if crate::text::is_word_char(c) { c } else { ' ' })
            .collect();
        let mut phrases = Vec::new();
        for run in masked.split(' ').filter(|r| !r.is_empty()) {
            push_unique(&mut phrases, run);
        }
        let mut grams = Vec::new();
        for (s, e) in bigrams(&masked) {
            push_unique(&mut grams, &masked[s..e]);
        }
        grams.truncate(MAX_BIGRAMS);
        Self {
            words,
            bigrams: grams,
            phrases,
            only_stop_words,
            truncated,
            dates,
            date_filter,
        }
    }

    /// True if there is nothing to search for (empty, or only punctuation and symbols).
    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty() && self.bigrams.is_empty()
    }

    /// Terms worth marking in a matching paragraph: content words of two or more
    /// characters (or any non-Han word), and the content runs.
    pub(crate) fn highlight_terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        let single_char_query = self.phrases.len() == 1 && self.phrases[0].chars().count() == 1;
        for t in self.words.iter().chain(&self.phrases) {
            let n = t.chars().count();
            let worth = n >= 2 || !t.chars().all(is_han) || single_char_query;
            if worth && !terms.contains(t) {
                terms.push(t.clone());
            }
        }
        terms
    }

    pub(super) fn to_query(&self, f: &QueryFields) -> Option<Box<dyn Query>> {
        if self.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let term = |field: Field, text: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            let q = TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            );
            (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
        };
        for w in &self.words {
            clauses.push(term(f.text, w, W_TEXT));
            clauses.push(term(f.title, w, W_TITLE));
        }
        for g in &self.bigrams {
            clauses.push(term(f.text_bigram, g, W_TEXT_BIGRAM));
        }
        // A query of one Han character also finds the bigrams that contain it (河 → 黄河).
        if let [single] = self.bigrams.as_slice()
            && single.chars().count() == 1
            && single.chars().all(is_han)
        {
            let c = regex::escape(single);
            if let Ok(q) = RegexQuery::from_pattern(&format!("{c}.|.{c}"), f.text_bigram) {
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), W_TEXT_BIGRAM)),
                ));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

/// A query that every paragraph holding all of `phrases` (normalised content runs) matches:
/// each phrase's bigram tokens are required. It may match a little more than the phrases
/// (the bigrams of `黄河流` in another order), never less; callers check the text.
/// `None` when there is nothing to require.
pub(super) fn all_tokens_of(phrases: &[String], text_bigram: Field) -> Option<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for phrase in phrases {
        let grams = bigrams(phrase);
        if let [(s, e)] = grams.as_slice()
            && phrase[*s..*e].chars().count() == 1
            && phrase[*s..*e].chars().all(is_han)
        {
            // A lone character is inside the bigrams around it, or a token by itself.
            let c = regex::escape(&phrase[*s..*e]);
            let q = RegexQuery::from_pattern(&format!("{c}.|.{c}|{c}"), text_bigram).ok()?;
            clauses.push((Occur::Must, Box::new(q)));
            continue;
        }
        for (s, e) in grams {
            let q = TermQuery::new(
                Term::from_field_text(text_bigram, &phrase[s..e]),
                IndexRecordOption::Basic,
            );
            clauses.push((Occur::Must, Box::new(q)));
        }
    }
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_words_and_particles_are_dropped() {
        let seg = Segmenter::builtin();
        let plan = QueryPlan::new(&seg, "黄河在忻州流经多少公里？");
        for w in ["黄河", "忻州", "流经", "公里"] {
            assert!(
                plan.words.iter().any(|x| x == w),
                "{w:?} missing from {:?}",
                plan.words
            );
        }
        for w in ["在", "多少"] {
            assert!(
                !plan.words.iter().any(|x| x == w),
                "{w:?} kept in {:?}",
                plan.words
            );
        }
        assert!(
            !plan.bigrams.iter().any(|b| b.contains('多')),
            "{:?}",
            plan.bigrams
        );
    }

    #[test]
    fn normalises_width_and_script() {
        let seg = Segmenter::builtin();
        let plan = QueryPlan::new(&seg, "黃河 １７１");
        assert!(plan.words.contains(&"黄河".to_string()), "{:?}", plan.words);
        assert!(plan.words.contains(&"171".to_string()), "{:?}", plan.words);
    }

    #[test]
    fn only_stop_words_fall_back_to_them() {
        let seg = Segmenter::builtin();
        let plan = QueryPlan::new(&seg, "我们的");
        assert!(plan.only_stop_words);
        assert!(!plan.is_empty());
    }

    #[test]
    fn punctuation_only_is_empty() {
        let seg = Segmenter::builtin();
        for q in ["", "   ", "？？！", "\"\":()*", "🌊🌊"] {
            assert!(
                QueryPlan::new(&seg, q).is_empty(),
                "{q:?} should give no terms"
            );
        }
    }

    #[test]
    fn dates_become_a_filter() {
        let seg = Segmenter::builtin();
        let anchor = NaiveDate::from_ymd_opt(2026, 8, 22).expect("date");
        let plan = QueryPlan::with_dates(&seg, "防汛 2024", anchor);
        assert_eq!(plan.words, vec!["防汛".to_string()]);
        let (from, to) = plan.date_filter.expect("a filter");
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2024-01-01".into(), "2024-12-31".into())
        );
        let plan = QueryPlan::with_dates(&seg, "去年汽车出口", anchor);
        assert!(
            !plan.words.iter().any(|w| w.contains('去')),
            "{:?}",
            plan.words
        );
        assert_eq!(
            plan.date_filter.map(|(f, _)| f.to_string()),
            Some("2025-01-01".into())
        );
        // A year and a month said apart are that month; both words go from the terms.
        let plan = QueryPlan::with_dates(&seg, "2024 防汛 6月", anchor);
        assert_eq!(plan.words, vec!["防汛".to_string()]);
        assert_eq!(
            plan.date_filter
                .map(|(f, t)| (f.to_string(), t.to_string())),
            Some(("2024-06-01".into(), "2024-06-30".into()))
        );
        assert_eq!(plan.dates.len(), 1);
        // Only a date: it is searched for as well.
        let plan = QueryPlan::with_dates(&seg, "2024", anchor);
        assert!(!plan.is_empty() && plan.date_filter.is_some());
        // Word for word, no filter.
        assert!(QueryPlan::new(&seg, "防汛 2024").date_filter.is_none());
    }

    #[test]
    fn long_queries_are_cut() {
        let seg = Segmenter::builtin();
        let plan = QueryPlan::new(&seg, &"黄河流域生态保护".repeat(300));
        assert!(plan.truncated);
        assert!(plan.words.len() <= MAX_WORDS && plan.bigrams.len() <= MAX_BIGRAMS);
    }
}
