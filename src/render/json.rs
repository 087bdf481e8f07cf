//! JSON documents for `--json` and batch output. The schemas are in the README; field
//! names here are that contract.

use serde::Serialize;

use crate::answer::{Answer, AnswerType, ArticleRef};
use crate::corpus::{Article, DateOrigin};

/// `ask --json`: the citation flat, each field `null` when there is no answer (the README's
/// schema; reporter and URL are not part of it).
impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            question: &'a str,
            answered: bool,
            sentence: Option<&'a str>,
            supporting: &'a [String],
            confidence: f32,
            answer_type: AnswerType,
            article_id: Option<&'a str>,
            title: Option<&'a str>,
            date: Option<chrono::NaiveDate>,
            source: Option<&'a str>,
            outlet: Option<&'a str>,
            paragraph: Option<usize>,
            highlights: &'a [[usize; 2]],
            answer_span: Option<[usize; 2]>,
            dates: &'a [crate::text::dates::DateSpec],
            year_parts: &'a [crate::text::dates::YearPart],
            suggested_search: Option<&'a str>,
        }
        let article = self.article.as_ref();
        Json {
            question: &self.question,
            answered: self.answered,
            sentence: self.sentence.as_deref(),
            supporting: &self.supporting,
            confidence: self.confidence,
            answer_type: self.answer_type,
            article_id: article.map(|a| a.article_id.as_str()),
            title: article.map(|a| a.title.as_str()),
            date: article.and_then(|a| a.date),
            source: article.and_then(|a| a.source.as_deref()),
            outlet: article.and_then(|a| a.outlet.as_deref()),
            paragraph: self.paragraph,
            highlights: &self.highlights,
            answer_span: self.answer_span,
            dates: &self.dates,
            year_parts: &self.year_parts,
            suggested_search: self.suggested_search.as_deref(),
        }
        .serialize(s)
    }
}

/// An entry of an article list (`latest`): metadata and size, no body.
#[derive(Debug, Serialize)]
pub(crate) struct ListEntry<'a> {
    #[serde(flatten)]
    pub(crate) article: ArticleRef,
    pub(crate) tags: &'a [String],
    pub(crate) paragraph_count: usize,
    /// The first paragraph's opening, for a list entry.
    pub(crate) opening: String,
}

impl<'a> ListEntry<'a> {
    pub(crate) fn of(a: &'a Article) -> Self {
        Self {
            article: ArticleRef::of(a),
            tags: &a.tags,
            paragraph_count: a.paragraphs.len(),
            opening: opening(a, 80),
        }
    }
}

/// The first `max_chars` characters of the body after the byline, with `…` if cut.
pub(crate) fn opening(a: &Article, max_chars: usize) -> String {
    let body = a.first_paragraph_without_byline();
    let mut out: String = body.chars().take(max_chars).collect();
    if body.chars().count() > max_chars {
        out.push('…');
    }
    out
}

/// One entry of the `check` report.
#[derive(Debug, Serialize)]
pub(crate) struct CheckEntry<'a> {
    pub(crate) article_id: &'a str,
    pub(crate) date: Option<chrono::NaiveDate>,
    pub(crate) date_origin: DateOrigin,
    pub(crate) title: &'a str,
    pub(crate) paragraphs: usize,
    pub(crate) origin: &'a str,
    pub(crate) warnings: &'a [String],
}

/// Serialises to one line of JSON. Serialising these plain structs cannot fail; if it ever
/// did, the error is reported as JSON rather than lost.
pub(crate) fn to_line<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|err| serde_json::json!({ "error": err.to_string() }).to_string())
}

/// Serialises to indented JSON for a person reading `--json` output.
pub(crate) fn to_pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|err| serde_json::json!({ "error": err.to_string() }).to_string())
}
