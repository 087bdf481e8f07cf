//! Search results grouped by article: the best paragraphs of each article (a few at most),
//! articles in order of their best paragraph, with highlight ranges and citations.

use std::ops::Range;

use serde::Serialize;

use super::{ArticleRef, Engine, highlight};

/// How many paragraphs are fetched from the index at least, to fill the groups.
const MIN_FETCH: usize = 200;
/// Results are capped here; deeper pages are not useful to a reader.
const MAX_FETCH: usize = 2000;

/// One matching paragraph, with everything needed to show and cite it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub article: ArticleRef,
    /// Paragraph number in the article (0-based); `None` when only the title matched an
    /// article without body text.
    pub paragraph: Option<usize>,
    pub text: String,
    /// Byte ranges of `text` to mark. In JSON they are `[start, end)` pairs of character
    /// (Unicode scalar) offsets, which every language can slice.
    pub highlights: Vec<Range<usize>>,
    pub score: f32,
}

impl Serialize for Hit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            article: &'a ArticleRef,
            paragraph: Option<usize>,
            text: &'a str,
            highlights: Vec<[usize; 2]>,
            score: f32,
        }
        Json {
            article: &self.article,
            paragraph: self.paragraph,
            text: &self.text,
            highlights: char_ranges(&self.text, &self.highlights),
            score: self.score,
        }
        .serialize(s)
    }
}

/// Byte ranges of `text` as character offsets.
pub fn char_ranges(text: &str, ranges: &[Range<usize>]) -> Vec<[usize; 2]> {
    let chars_before = |b: usize| text.get(..b).map_or(0, |t| t.chars().count());
    ranges
        .iter()
        .map(|r| [chars_before(r.start), chars_before(r.end)])
        .collect()
}

/// The hits of one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleHits {
    #[serde(flatten)]
    pub article: ArticleRef,
    /// Position of the article in the whole result list (1-based).
    pub rank: usize,
    /// Index of the article in the engine's list, for front ends that page by number.
    #[serde(skip)]
    pub ordinal: usize,
    pub score: f32,
    pub hits: Vec<Hit>,
}

/// Why a search has no results, or what was changed in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchNotice {
    /// Nothing searchable: empty, or only punctuation and symbols.
    EmptyQuery,
    /// Only common words; they were searched anyway.
    OnlyStopWords,
    /// The query was long and only its start was used.
    Truncated,
}

/// One page of search results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// The words searched for, after normalisation and stop-word removal.
    pub terms: Vec<String>,
    /// Articles that matched, counted over the best paragraphs fetched for this page.
    pub total_articles: usize,
    /// False when more paragraphs matched than were fetched, so `total_articles` is a
    /// lower bound.
    pub total_is_exact: bool,
    /// 1-based page number and page size.
    pub page: usize,
    pub per_page: usize,
    pub notices: Vec<SearchNotice>,
    pub articles: Vec<ArticleHits>,
}

impl SearchResults {
    pub fn pages(&self) -> usize {
        self.total_articles.div_ceil(self.per_page.max(1))
    }
}

/// While grouping: article ordinal, best score, `(paragraph, score)` of its best paragraphs.
type Group = (usize, f32, Vec<(Option<usize>, f32)>);

impl Engine {
    /// Page `page` (1-based) of results for `query`, `per_page` articles a page. Never fails:
    /// an empty or strange query gives no articles and a notice.
    pub fn search(&self, query: &str, page: usize, per_page: usize) -> SearchResults {
        let plan = self.index.plan(query);
        // Pages come from button data too: keep them in a range that cannot overflow.
        let page = page.clamp(1, MAX_FETCH);
        let per_page = per_page.clamp(1, MAX_FETCH);
        let mut notices = Vec::new();
        if plan.is_empty() {
            notices.push(SearchNotice::EmptyQuery);
        }
        if plan.only_stop_words {
            notices.push(SearchNotice::OnlyStopWords);
        }
        if plan.truncated {
            notices.push(SearchNotice::Truncated);
        }
        let per_article = self.limits.paragraphs_per_article.max(1);
        let fetch = page
            .saturating_mul(per_page)
            .saturating_mul(per_article)
            .saturating_mul(4)
            .clamp(MIN_FETCH, MAX_FETCH);
        let paragraph_hits = self.index.search(&plan, fetch);
        let total_is_exact = paragraph_hits.len() < fetch;

        // Group by article in order of each article's best paragraph.
        let mut groups: Vec<Group> = Vec::new();
        let mut slot: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for h in paragraph_hits {
            let g = *slot.entry(h.article).or_insert_with(|| {
                groups.push((h.article, h.score, Vec::new()));
                groups.len() - 1
            });
            if groups[g].2.len() < per_article {
                groups[g].2.push((h.paragraph, h.score));
            }
        }
        let total_articles = groups.len();
        let terms = plan.highlight_terms();
        let articles = groups
            .into_iter()
            .enumerate()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|(rank, (ordinal, score, paras))| {
                let article = &self.articles[ordinal];
                let reference = ArticleRef::of(article);
                let hits = paras
                    .into_iter()
                    .map(|(paragraph, score)| {
                        let text = paragraph
                            .and_then(|p| article.paragraphs.get(p))
                            .unwrap_or(&article.title)
                            .clone();
                        let highlights = highlight(&self.segmenter, &text, &terms);
                        Hit {
                            article: reference.clone(),
                            paragraph,
                            text,
                            highlights,
                            score,
                        }
                    })
                    .collect();
                ArticleHits {
                    article: reference,
                    rank: rank + 1,
                    ordinal,
                    score,
                    hits,
                }
            })
            .collect();
        SearchResults {
            query: query.to_string(),
            terms: plan.words.clone(),
            total_articles,
            total_is_exact,
            page,
            per_page,
            notices,
            articles,
        }
    }
}
