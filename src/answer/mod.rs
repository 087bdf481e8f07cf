//! The engine facade the front ends call: `search`, `latest`, `article`, `summary`, `ask`,
//! `trend` (and `lede`, `date_range`, `stats`), and adding and removing articles while they run
//! ([`LiveEngine`]). An [`Engine`] is one consistent snapshot of the articles and the
//! index; it returns plain data (hits with highlight ranges, article references) that knows
//! nothing of Telegram, HTML or terminals.

mod ask;
mod catalog;
mod enumeration;
mod follow;
mod highlight;
mod listed;
mod live;
mod matcher;
mod search;
mod summary;
mod topic;
mod trend;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use crate::corpus::{self, Article, Corpus, LoadOptions};
use crate::index::{ArticleKey, IndexError, IndexSnapshot, QueryPlan, SearchIndex};
use crate::text::{Segmenter, TextError};

pub use ask::{
    Answer, AnswerType, AskTrace, Candidate, Features, QuestionInfo, analyse, analyse_on, classify,
};
pub(crate) use catalog::Articles;
use catalog::Catalog;
pub use follow::{Following, Refusal, topic_key};
pub(crate) use highlight::highlight;
pub use live::{Change, LiveEngine, Outcome, normalize_url};
pub use matcher::TopicMatcher;
pub use search::{ArticleHits, Hit, SearchNotice, SearchResults};
pub use summary::{KeyPointsKind, Summary, SummaryNote, lede_of, summarize};
use topic::is_word_letter;
pub use topic::{Topic, contains_phrase};

/// A phrase made only of letters or digits (not Han).
fn is_word_letter_phrase(phrase: &str) -> bool {
    !phrase.is_empty() && phrase.chars().all(is_word_letter)
}
pub use trend::{
    MAX_TREND_WORDS, PEAK_TITLES, Peak, Period, PeriodCount, Series, Trend, TrendNotice,
    TrendRequest,
};

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot read the corpus folder {}", path.display())]
    Corpus {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// How long loading took, for logs and benchmarks.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LoadStats {
    pub articles: usize,
    pub paragraphs: u64,
    pub bytes: u64,
    pub read: Duration,
    pub index: Duration,
}

/// The most articles on one page of search results, whoever asks (configuration, command
/// line, `/search` in Telegram): the one limit every front end checks against.
pub(crate) const MAX_SEARCH_LIMIT: usize = 50;
/// The most articles in one `latest` list, whoever asks (configuration, `jianbao latest`,
/// `/latest N`).
pub(crate) const MAX_LATEST_LIMIT: usize = 100;

/// What the engine is told by the application (`Config::engine_options` makes one): where
/// the articles and dictionaries are, how files are read, how much a search shows.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder (searched recursively) or single file of articles.
    pub corpus: PathBuf,
    /// Extra words for the segmenter; the built-in copy when missing.
    pub user_dict: PathBuf,
    /// Words left out of queries; the built-in copy when missing.
    pub stop_words: PathBuf,
    /// A reader's words → the news' words, for questions; the built-in copy when missing.
    pub synonyms: PathBuf,
    pub load: LoadOptions,
    /// Best paragraphs shown per article in search results.
    pub paragraphs_per_article: usize,
    /// Where to keep the index between runs (the front ends that stay up), so that a
    /// restart indexes only what changed; `None`: in memory only, built at each start.
    pub index_dir: Option<PathBuf>,
}

/// Article metadata without the body: what a hit or a list entry cites.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleRef {
    pub article_id: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub(crate) source: Option<String>,
    pub(crate) outlet: Option<String>,
    pub(crate) reporter: Option<String>,
    pub(crate) url: Option<String>,
}

impl ArticleRef {
    pub(crate) fn of(a: &Article) -> Self {
        Self {
            article_id: a.id.clone(),
            title: a.title.clone(),
            date: a.date,
            source: a.source.clone(),
            outlet: a.outlet.clone(),
            reporter: a.reporter.clone(),
            url: a.url.clone(),
        }
    }

    /// The outlet to show: the byline's publication, else the source.
    pub(crate) fn outlet_or_source(&self) -> Option<&str> {
        self.outlet.as_deref().or(self.source.as_deref())
    }
}

/// One question of each answer type, for [`Engine::warm_up`].
const WARM_UP_QUESTIONS: [&str; 5] = [
    "是谁宣布的？",
    "在哪里举行？",
    "一共有多少人参加？",
    "什么时候开始？",
    "为什么推迟？",
];

/// A paragraph hit by position in one engine snapshot's article list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PositionHit {
    pub(crate) article: usize,
    pub(crate) paragraph: Option<usize>,
    pub(crate) score: f32,
}

/// The index as one snapshot sees it: the committed view that matches its article list,
/// and the key of each article by position (ascending, as articles are listed in key order).
struct SnapshotIndex {
    core: Arc<SearchIndex>,
    /// Replaced only by a view of the same commit with merged segments.
    view: std::sync::RwLock<Arc<IndexSnapshot>>,
    keys: imbl::Vector<ArticleKey>,
}

impl SnapshotIndex {
    fn view(&self) -> Arc<IndexSnapshot> {
        Arc::clone(
            &self
                .view
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn search(&self, plan: &QueryPlan, limit: usize) -> Vec<PositionHit> {
        self.by_position(self.view().search(plan, limit))
    }

    /// As [`SnapshotIndex::search`], among the paragraphs of the articles with these keys.
    fn search_among(
        &self,
        plan: &QueryPlan,
        limit: usize,
        keys: &[ArticleKey],
    ) -> Vec<PositionHit> {
        self.by_position(self.view().search_among(plan, limit, keys))
    }

    fn by_position(&self, hits: Vec<crate::index::ParagraphHit>) -> Vec<PositionHit> {
        hits.into_iter()
            .filter_map(|h| {
                let article = self.keys.binary_search(&h.key).ok()?;
                Some(PositionHit {
                    article,
                    paragraph: h.paragraph,
                    score: h.score,
                })
            })
            .collect()
    }

    /// Paragraphs holding every bigram of `phrases`, by position (see
    /// [`IndexSnapshot::paragraphs_with_all`]).
    fn paragraphs_with_all(&self, phrases: &[String]) -> Vec<(usize, Option<usize>)> {
        self.view()
            .paragraphs_with_all(phrases)
            .into_iter()
            .filter_map(|(key, p)| Some((self.keys.binary_search(&key).ok()?, p)))
            .collect()
    }

    fn word_idf(&self, word: &str) -> f32 {
        self.view().word_idf(word)
    }

    fn bigram_idf(&self, gram: &str) -> f32 {
        self.view().bigram_idf(gram)
    }
}

/// One consistent snapshot of the corpus and its index: what every search, list and answer
/// reads. A long-running front end holds a [`LiveEngine`] and takes a snapshot per request;
/// one-shot commands load one and use it.
pub struct Engine {
    /// In key order (the order articles were added); the same as `catalog.articles()`.
    articles: Articles,
    /// The articles with their lookups (by id, newest first) and each article's card lede,
    /// computed on first use and kept (shared by the snapshots that hold the article): an
    /// inline query shows up to ten cards per keystroke.
    catalog: Catalog,
    index: SnapshotIndex,
    segmenter: Segmenter,
    paragraphs_per_article: usize,
    stats: LoadStats,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("articles", &self.articles.len())
            .field("index", &self.index.view())
            .finish()
    }
}

/// What a snapshot shares with the next one (everything but the articles and the view).
#[derive(Clone)]
struct Shared {
    core: Arc<SearchIndex>,
    segmenter: Segmenter,
    paragraphs_per_article: usize,
    stats: LoadStats,
}

/// An article as snapshots share it: the article and its card lede cache.
#[derive(Clone)]
struct Entry {
    article: Arc<Article>,
    card_lede: Arc<OnceLock<String>>,
}

impl Entry {
    fn new(article: Arc<Article>) -> Self {
        Self {
            article,
            card_lede: Arc::default(),
        }
    }
}

/// Indexes `articles`, returning the index and each article's key, in order: in memory
/// (the article at position `i` under key `i`), or, with `options.index_dir`, in the index
/// kept there, reusing the documents of the articles it already holds. An index folder
/// that cannot be used is a warning, and the articles are indexed in memory.
fn index_articles(
    articles: &[Article],
    options: &Options,
    segmenter: &Segmenter,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(SearchIndex, Vec<ArticleKey>), EngineError> {
    let total = articles.len();
    let progress = |done| progress(done, total);
    if let Some(kept) = options
        .index_dir
        .as_deref()
        .and_then(|dir| kept_index(dir, articles, segmenter, &progress))
    {
        return Ok(kept);
    }
    let core = SearchIndex::build(articles, segmenter, &progress)?;
    Ok((core, (0..total as ArticleKey).collect()))
}

/// The index kept in `dir`, brought up to date with `articles`; `None` (with a warning
/// saying why) when it cannot be used.
fn kept_index(
    dir: &Path,
    articles: &[Article],
    segmenter: &Segmenter,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<(SearchIndex, Vec<ArticleKey>)> {
    let Some(identity) = crate::index::identity(segmenter) else {
        tracing::warn!(
            "the program's file cannot be identified, so no index is kept in {}",
            dir.display()
        );
        return None;
    };
    match SearchIndex::open_or_build(dir, &identity, articles, segmenter, progress) {
        Ok((core, keys, reuse)) => {
            tracing::info!(
                "index {}: {} articles kept, {} indexed, {} removed",
                dir.display(),
                reuse.kept,
                reuse.added,
                reuse.removed
            );
            Some((core, keys))
        }
        Err(err) => {
            tracing::warn!("{err}; the index is built in memory");
            None
        }
    }
}

impl Engine {
    /// Loads the corpus named in `options`, with its dictionaries, and indexes it;
    /// `progress(done, total)` is called as articles are indexed.
    pub fn load(
        options: &Options,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Self, EngineError> {
        let segmenter = Segmenter::load(
            Some(&options.user_dict),
            Some(&options.stop_words),
            Some(&options.synonyms),
        )?;
        Self::load_with(options, segmenter, progress)
    }

    /// Like [`Engine::load`] with a segmenter already loaded (tests and benchmarks share
    /// one).
    pub fn load_with(
        options: &Options,
        segmenter: Segmenter,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Self, EngineError> {
        let started = Instant::now();
        let corpus = corpus::load_dir(&options.corpus, &options.load).map_err(|source| {
            EngineError::Corpus {
                path: options.corpus.clone(),
                source,
            }
        })?;
        let read = started.elapsed();
        Self::from_corpus(corpus, options, segmenter, read, progress)
    }

    /// Indexes an already loaded corpus (`options.corpus` is not read); `read` is how long
    /// reading it took, for the stats. With `options.index_dir`, the index kept there is
    /// reused for the articles it already holds (see [`index_articles`]).
    pub fn from_corpus(
        corpus: Corpus,
        options: &Options,
        segmenter: Segmenter,
        read: Duration,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Self, EngineError> {
        let started = Instant::now();
        // What was skipped is reported by `jianbao check`, which reads the corpus itself.
        let Corpus {
            articles, bytes, ..
        } = corpus;
        let (core, keys) = index_articles(&articles, options, &segmenter, progress)?;
        let view = core.snapshot()?;
        let stats = LoadStats {
            articles: articles.len(),
            paragraphs: view.documents(),
            bytes,
            read,
            index: started.elapsed(),
        };
        let shared = Shared {
            core: Arc::new(core),
            segmenter,
            paragraphs_per_article: options.paragraphs_per_article,
            stats,
        };
        let catalog = Catalog::of(
            keys.into_iter()
                .zip(articles)
                .map(|(key, a)| (key, Entry::new(Arc::new(a)))),
        );
        Ok(Self::assemble(&shared, catalog, view))
    }

    /// A snapshot of the articles of `catalog` and the index view that holds exactly them
    /// (O(1): the catalog's structures are shared, not copied).
    fn assemble(shared: &Shared, catalog: Catalog, view: IndexSnapshot) -> Self {
        Self {
            articles: catalog.articles().clone(),
            index: SnapshotIndex {
                core: Arc::clone(&shared.core),
                view: std::sync::RwLock::new(Arc::new(view)),
                keys: catalog.keys().clone(),
            },
            catalog,
            segmenter: shared.segmenter.clone(),
            paragraphs_per_article: shared.paragraphs_per_article,
            stats: shared.stats,
        }
    }

    fn shared(&self) -> Shared {
        Shared {
            core: Arc::clone(&self.index.core),
            segmenter: self.segmenter.clone(),
            paragraphs_per_article: self.paragraphs_per_article,
            stats: self.stats,
        }
    }

    /// The articles with their caches, for the live side.
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Loads now what the first questions would otherwise load while a reader waits: jieba's
    /// part-of-speech model (read on the first "who"/"where" question, about 200 million
    /// instructions, tens of milliseconds) and the answer rules' regular expressions. Front
    /// ends that stay up call it in the background once they answer.
    pub fn warm_up(&self) {
        let started = Instant::now();
        for question in WARM_UP_QUESTIONS {
            let _ = self.ask(question);
        }
        let _ = self.segmenter.tag("新华社记者从北京报道");
        tracing::debug!(
            "warmed up in {:.0} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }

    /// Merges the index into one segment so searches get faster (see
    /// [`SearchIndex::compact`]), logging how long it took. Other threads may search
    /// meanwhile. This snapshot reads the merged segments afterwards if nothing was
    /// committed since it was taken (else a [`LiveEngine`] publishes a newer one). A failure
    /// leaves the index as it was, searchable, and is logged.
    pub fn compact_index(&self) {
        let started = Instant::now();
        let before = self.index.view().segments();
        match self.index.core.compact() {
            Ok(()) => tracing::info!(
                "index merged from {before} segments in {:.2} s",
                started.elapsed().as_secs_f64()
            ),
            Err(err) => tracing::warn!("index not merged, still {before} segments: {err}"),
        }
        match self.index.core.snapshot() {
            Ok(merged) if merged.commit_number() == self.index.view().commit_number() => {
                *self
                    .index
                    .view
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(merged);
            }
            Ok(_) => {}
            Err(err) => tracing::warn!("index view after merging: {err}"),
        }
    }

    /// How many segments this snapshot's index is in (see [`Engine::compact_index`]).
    pub fn index_segments(&self) -> usize {
        self.index.view().segments()
    }

    /// The segmenter this corpus was indexed with (the same normalisation and stop words
    /// for anything matched against it, like followed topics).
    pub(crate) fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// The articles, in the order they were added.
    pub fn articles(&self) -> &Articles {
        &self.articles
    }

    pub fn stats(&self) -> LoadStats {
        self.stats
    }

    /// The article with this id.
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.catalog
            .position_of_id(id.trim())
            .map(|i| &*self.articles[i])
    }

    /// The newest `limit` articles, newest first; undated ones last, ties by id.
    pub fn latest(&self, limit: usize) -> Vec<&Article> {
        self.newest_first().take(limit).collect()
    }

    /// Every article newest first; undated ones last, ties by id.
    fn newest_first(&self) -> impl DoubleEndedIterator<Item = &Article> + '_ {
        self.catalog.newest_first().map(|a| &**a)
    }

    /// The date of the newest dated article.
    fn newest_date(&self) -> Option<NaiveDate> {
        self.newest_first().find_map(|a| a.date)
    }

    /// The range of dates in the corpus, oldest and newest.
    pub(crate) fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let newest = self.newest_date()?;
        // Undated articles come last in the date order: the oldest date is the last one.
        let oldest = self.newest_first().rev().find_map(|a| a.date)?;
        Some((oldest, newest))
    }
}
