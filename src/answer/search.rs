//! Search results grouped by article: the best paragraphs of each article (a few at most),
//! articles in order of their best paragraph, with highlight ranges and citations.

use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;

use super::{ArticleRef, Engine, highlight};
use crate::text::dates::DateSpec;

/// How many paragraphs are fetched from the index at least. Fetching is the bulk of a
/// search and grows with the number fetched (top-k pruning works less well for a large k),
/// so the first fetch asks for about what the page needs and more only if that falls short.
const MIN_FETCH: usize = 30;
/// Paragraphs fetched per article the page shows, the first time: articles usually match
/// in more than one paragraph.
const FETCH_PER_SLOT: usize = 4;
/// Results are capped here; deeper pages are not useful to a reader.
const MAX_FETCH: usize = 2000;

/// A date filter is applied one of two ways, chosen by how many articles it keeps. When it
/// keeps at least one article in this many, the search fetches this many times more
/// paragraphs (up to [`MAX_DATED_FETCH`]) and drops those outside the dates: about one in
/// this many hits survives, so one round usually fills the page, and the search keeps
/// tantivy's top-k pruning. A narrower filter (a day, a month) goes into the query instead,
/// as the set of its articles' keys: dropping hits would take round after round of deeper
/// fetches (a day's articles were found in 8,000 paragraphs, 11 ms), while the key set is
/// small and leads the intersection (0.3 ms). Measured in docs/PERFORMANCE.md.
const DATED_OVERFETCH: usize = 8;
const MAX_DATED_FETCH: usize = 8000;

/// How many paragraphs to fetch to keep `fetch` of them within a date filter.
fn dated_fetch(fetch: usize) -> usize {
    fetch
        .saturating_mul(DATED_OVERFETCH)
        .clamp(fetch, MAX_DATED_FETCH.max(fetch))
}

/// One matching paragraph, with everything needed to show and cite it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub(crate) article: ArticleRef,
    /// Paragraph number in the article (0-based); `None` when only the title matched an
    /// article without body text.
    pub(crate) paragraph: Option<usize>,
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
pub(crate) fn char_ranges(text: &str, ranges: &[Range<usize>]) -> Vec<[usize; 2]> {
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
    pub(crate) query: String,
    /// The words searched for, after normalisation and stop-word removal.
    pub terms: Vec<String>,
    /// Articles that matched, counted over the best paragraphs fetched for this page (at
    /// least enough to know whether a next page exists).
    pub total_articles: usize,
    /// False when more paragraphs matched than were fetched, so `total_articles` (and
    /// [`pages`](Self::pages)) are lower bounds: there may be more pages.
    pub total_is_exact: bool,
    /// 1-based page number and page size.
    pub(crate) page: usize,
    pub(crate) per_page: usize,
    pub notices: Vec<SearchNotice>,
    /// Dates understood in the query (`2024`, `2024-06`, `去年`): only articles dated in
    /// them are searched.
    pub dates: Vec<DateSpec>,
    pub articles: Vec<ArticleHits>,
}

impl SearchResults {
    /// Pages known to have results; more may exist when the total is not exact. A page
    /// after this one exists exactly when `page < pages()` (every search fetches enough to
    /// know, up to the fetch cap).
    pub fn pages(&self) -> usize {
        self.total_articles.div_ceil(self.per_page.max(1))
    }
}

/// While grouping: article ordinal, best score, `(paragraph, score)` of its best paragraphs.
type Group = (usize, f32, Vec<(Option<usize>, f32)>);

/// Paragraph hits (best first) grouped by article, in order of each article's best
/// paragraph, keeping at most `per_article` paragraphs of each.
fn group_by_article(hits: Vec<super::PositionHit>, per_article: usize) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut slot: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for h in hits {
        let g = *slot.entry(h.article).or_insert_with(|| {
            groups.push((h.article, h.score, Vec::new()));
            groups.len() - 1
        });
        if groups[g].2.len() < per_article {
            groups[g].2.push((h.paragraph, h.score));
        }
    }
    groups
}

impl Engine {
    /// Page `page` (1-based) of results for `query`, `per_page` articles a page, with
    /// relative dates (`去年`) read against the newest article's date. Never fails: an
    /// empty or strange query gives no articles and a notice.
    pub fn search(&self, query: &str, page: usize, per_page: usize) -> SearchResults {
        self.search_on(query, page, per_page, self.anchor())
    }

    /// Like [`Engine::search`], with relative dates read against `today` (the bot's date).
    /// Dates in the query restrict the results to articles dated in them.
    pub(crate) fn search_on(
        &self,
        query: &str,
        page: usize,
        per_page: usize,
        today: NaiveDate,
    ) -> SearchResults {
        let plan = crate::index::QueryPlan::with_dates(&self.segmenter, query, today);
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
        let per_article = self.paragraphs_per_article.max(1);
        // Articles needed: this page and everything before it, and one more to know whether
        // a next page exists.
        let wanted = page.saturating_mul(per_page).saturating_add(1);
        let mut fetch = wanted
            .saturating_mul(FETCH_PER_SLOT)
            .clamp(MIN_FETCH, MAX_FETCH);
        let (groups, total_is_exact) = loop {
            let (paragraph_hits, exact) = self.hits_within_dates(&plan, fetch);
            let groups = group_by_article(paragraph_hits, per_article);
            if exact || groups.len() >= wanted || fetch == MAX_FETCH {
                break (groups, exact);
            }
            fetch = fetch.saturating_mul(4).min(MAX_FETCH);
        };
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
            dates: plan.dates.clone(),
            articles,
        }
    }

    /// The best `fetch` paragraphs for `plan` whose article is dated within the plan's
    /// date filter (all of them without one), and whether every match was seen. How the
    /// filter is applied: see [`DATED_OVERFETCH`].
    pub(super) fn hits_within_dates(
        &self,
        plan: &crate::index::QueryPlan,
        fetch: usize,
    ) -> (Vec<super::PositionHit>, bool) {
        let Some((from, to)) = plan.date_filter else {
            let hits = self.index.search(plan, fetch);
            let exact = hits.len() < fetch;
            return (hits, exact);
        };
        // Fewer than one article in DATED_OVERFETCH: into the query.
        let at_most = self.articles.len().saturating_sub(1) / DATED_OVERFETCH;
        if let Some(keys) = self.catalog.keys_dated_within(from, to, at_most) {
            let hits = self.index.search_among(plan, fetch, &keys);
            let exact = hits.len() < fetch;
            return (hits, exact);
        }
        let raw_fetch = dated_fetch(fetch);
        let raw = self.index.search(plan, raw_fetch);
        let seen_all = raw.len() < raw_fetch;
        let kept = self.keep_within(raw.into_iter(), (from, to), fetch);
        let exact = seen_all && kept.len() < fetch;
        (kept, exact)
    }

    /// For a question with dates, from one search: the best `fetch` paragraphs whatever
    /// their date, and the best `dated` ones of articles dated within `from..=to` among
    /// the first [`DATED_OVERFETCH`] × `dated`. Always this one search, however narrow the
    /// dates: a question's query has dozens of clauses, and a second search (filtered in
    /// the index as [`Engine::hits_within_dates`] does for narrow dates) doubled the time
    /// of dated questions (docs/PERFORMANCE.md). Within narrow dates this can find none;
    /// the question is then answered from the undated best.
    pub(super) fn hits_and_dated(
        &self,
        plan: &crate::index::QueryPlan,
        fetch: usize,
        dated: usize,
        (from, to): (NaiveDate, NaiveDate),
    ) -> (Vec<super::PositionHit>, Vec<super::PositionHit>) {
        let raw = self.index.search(plan, dated_fetch(dated).max(fetch));
        let within = self.keep_within(raw.iter().copied(), (from, to), dated);
        let mut best = raw;
        best.truncate(fetch);
        (best, within)
    }

    /// The first `limit` of `hits` whose article is dated within `from..=to`.
    fn keep_within(
        &self,
        hits: impl Iterator<Item = super::PositionHit>,
        (from, to): (NaiveDate, NaiveDate),
        limit: usize,
    ) -> Vec<super::PositionHit> {
        hits.filter(|h| {
            self.articles[h.article]
                .date
                .is_some_and(|d| from <= d && d <= to)
        })
        .take(limit)
        .collect()
    }

    /// The dates in `text` read against `today`, and the text (normalised) with them
    /// blanked out.
    pub(crate) fn dates_in(&self, text: &str, today: NaiveDate) -> (Vec<DateSpec>, String) {
        crate::text::dates::take_out(&self.segmenter.normalize(text), today)
    }

    /// The newest `limit` articles dated within `from..=to`, newest first.
    pub(crate) fn latest_within(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        limit: usize,
    ) -> Vec<&crate::corpus::Article> {
        self.newest_first()
            .filter(|a| a.date.is_some_and(|d| from <= d && d <= to))
            .take(limit)
            .collect()
    }
}
