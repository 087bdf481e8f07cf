//! The search index: a live tantivy index with one document per paragraph, jieba-word
//! fields for body and title, a character-bigram field for the body, and queries built from
//! segmented terms (user text never reaches tantivy's query parser, so no query string can
//! fail). Articles are added and removed by stable keys while searches run, each search on
//! one committed [`IndexSnapshot`]. The index lives in RAM, or in a folder kept between runs
//! (`persist`). tantivy types stay inside this module (the tokenizers too); callers get
//! plain [`ParagraphHit`]s.

mod persist;
mod query;
mod tokenize;

use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::columnar::ColumnValues;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermSetQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::corpus::Article;
use crate::text::Segmenter;

pub(crate) use persist::identity;
pub(crate) use query::QueryPlan;
use tokenize::{BIGRAM_TOKENIZER, BigramTokenizer, WORD_TOKENIZER, WordTokenizer};

/// Paragraph number used for an article that has a title and no body.
pub(crate) const TITLE_ONLY: u64 = u32::MAX as u64;

/// Indexing memory per writer thread (tantivy needs at least 15 MB): its arena is the
/// largest part of the memory that loading needs and frees afterwards. Smaller means more
/// segments until [`SearchIndex::compact`] merges them; on the 新闻联播 corpus 20 MB gives
/// 24 segments (32 MB: 8) and a peak ~25 MB lower, at the same start-up time
/// (docs/PERFORMANCE.md).
const WRITER_BUDGET_PER_THREAD: usize = 20_000_000;
/// Indexing memory of the live writer (one thread, see [`SearchIndex::go_live`]): what two
/// loading threads had together; a feed batch of 32 articles needs a few MB of it.
const LIVE_WRITER_BUDGET: usize = 2 * WRITER_BUDGET_PER_THREAD;

/// What can fail while building the index (searching cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("index folder {}: {reason}", path.display())]
    Folder {
        path: std::path::PathBuf,
        reason: String,
    },
}

/// The field handles, kept from the schema builder (never looked up by name at query time).
#[derive(Debug, Clone, Copy)]
struct Fields {
    article: Field,
    paragraph: Field,
    title: Field,
    text: Field,
    text_bigram: Field,
    fingerprint: Field,
}

const ARTICLE: &str = "article";
const PARAGRAPH: &str = "paragraph";
const FINGERPRINT: &str = "fingerprint";

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let words = |b: &mut tantivy::schema::SchemaBuilder, name: &str, tokenizer: &str| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs);
            b.add_text_field(name, TextOptions::default().set_indexing_options(indexing))
        };
        let fields = Fields {
            // The stable key (see `ArticleKey`), indexed too: replacing or removing an
            // article deletes its documents by this term. (Not the article's id string: a
            // changed article gets a new key, so a hit never names text it no longer has.)
            article: b.add_u64_field(ARTICLE, INDEXED | FAST),
            paragraph: b.add_u64_field(PARAGRAPH, FAST),
            title: words(&mut b, "title", WORD_TOKENIZER),
            text: words(&mut b, "text", WORD_TOKENIZER),
            text_bigram: words(&mut b, "text_bigram", BIGRAM_TOKENIZER),
            // What the article's documents were made from (see `fingerprint`), so an index
            // kept between runs tells which of its articles still match the corpus.
            fingerprint: b.add_u64_field(FINGERPRINT, FAST),
        };
        (b.build(), fields)
    }
}

/// The stable key of an article in the index: given once, never reused, so a hit names
/// the same article whatever was added or removed since. A changed article gets a new key.
pub(crate) type ArticleKey = u64;

/// A paragraph that matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ParagraphHit {
    /// The article's key (see [`ArticleKey`]).
    pub(crate) key: ArticleKey,
    /// Paragraph number, or `None` for a title-only article.
    pub(crate) paragraph: Option<usize>,
    pub(crate) score: f32,
}

/// Per segment: the fast-field columns that map a document to its article and paragraph.
struct SegmentColumns {
    article: Arc<dyn ColumnValues<u64>>,
    paragraph: Arc<dyn ColumnValues<u64>>,
}

/// A consistent read view of the index: the segments of one commit and their columns. A
/// search keeps the view it started with, whatever is committed or merged meanwhile.
pub(crate) struct IndexSnapshot {
    searcher: Searcher,
    columns: Vec<SegmentColumns>,
    fields: Fields,
    /// How many commits the index had when this view was taken.
    commit: u64,
}

impl std::fmt::Debug for IndexSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexSnapshot")
            .field("documents", &self.documents())
            .field("segments", &self.segments())
            .finish()
    }
}

impl IndexSnapshot {
    fn new(searcher: Searcher, fields: Fields, commit: u64) -> Result<Self, IndexError> {
        let mut columns = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            columns.push(SegmentColumns {
                article: ff.u64(ARTICLE)?.first_or_default_col(0),
                paragraph: ff.u64(PARAGRAPH)?.first_or_default_col(0),
            });
        }
        Ok(Self {
            searcher,
            columns,
            fields,
            commit,
        })
    }

    /// How many segments this view reads: one per indexing thread and memory budget after
    /// [`SearchIndex::build`], one after [`SearchIndex::compact`], a few more while articles
    /// are added.
    pub(crate) fn segments(&self) -> usize {
        self.searcher.segment_readers().len()
    }

    /// Number of indexed documents (paragraphs, plus one per title-only article).
    pub(crate) fn documents(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// The commit this view shows (two views with the same number hold the same documents,
    /// however their segments are merged).
    pub(crate) fn commit_number(&self) -> u64 {
        self.commit
    }

    /// Inverse document frequency of a normalised word in the body field (BM25's formula):
    /// rare words weigh more when matching a question against sentences.
    pub(crate) fn word_idf(&self, word: &str) -> f32 {
        self.idf(self.fields.text, word)
    }

    /// Inverse document frequency of a normalised character bigram (or lone character).
    pub(crate) fn bigram_idf(&self, gram: &str) -> f32 {
        self.idf(self.fields.text_bigram, gram)
    }

    fn idf(&self, field: Field, text: &str) -> f32 {
        let term = Term::from_field_text(field, text);
        let n = self.documents().max(1) as f32;
        // Document frequencies still count removed documents until their segment is
        // merged; never more than the live count, so the formula stays positive.
        let df = (self.searcher.doc_freq(&term).unwrap_or(0) as f32).min(n);
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// Every paragraph that holds all the bigram tokens of `phrases` (normalised content
    /// runs), as `(key, paragraph)`, in no particular order: a superset of the paragraphs
    /// that contain the phrases, for callers that then check the text (counting articles
    /// for a trend).
    pub(crate) fn paragraphs_with_all(
        &self,
        phrases: &[String],
    ) -> Vec<(ArticleKey, Option<usize>)> {
        let Some(query) = query::all_tokens_of(phrases, self.fields.text_bigram) else {
            return Vec::new();
        };
        let docs = match self
            .searcher
            .search(query.as_ref(), &tantivy::collector::DocSetCollector)
        {
            Ok(docs) => docs,
            Err(err) => {
                tracing::error!("search failed: {err}");
                return Vec::new();
            }
        };
        docs.into_iter()
            .filter_map(|addr| {
                let cols = self.columns.get(addr.segment_ord as usize)?;
                let paragraph = cols.paragraph.get_val(addr.doc_id);
                Some((
                    cols.article.get_val(addr.doc_id),
                    (paragraph != TITLE_ONLY).then_some(paragraph as usize),
                ))
            })
            .collect()
    }

    /// The best `limit` paragraphs for `plan`, best first; equal scores by key (the order
    /// articles were added). Empty if the plan has no terms.
    pub(crate) fn search(&self, plan: &QueryPlan, limit: usize) -> Vec<ParagraphHit> {
        match plan.to_query(&self.query_fields()) {
            Some(query) => self.top(query.as_ref(), limit),
            None => Vec::new(),
        }
    }

    /// As [`IndexSnapshot::search`], among the paragraphs of these articles only (a date
    /// filter: the caller knows which articles are dated within it). Scores are those of
    /// the unfiltered search: the filter is a clause that matches and adds nothing.
    pub(crate) fn search_among(
        &self,
        plan: &QueryPlan,
        limit: usize,
        keys: &[ArticleKey],
    ) -> Vec<ParagraphHit> {
        if keys.is_empty() {
            return Vec::new();
        }
        let Some(query) = plan.to_query(&self.query_fields()) else {
            return Vec::new();
        };
        let among = TermSetQuery::new(
            keys.iter()
                .map(|&key| Term::from_field_u64(self.fields.article, key)),
        );
        let filtered = BooleanQuery::new(vec![
            (Occur::Must, query),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(among), 0.0)),
            ),
        ]);
        self.top(&filtered, limit)
    }

    fn query_fields(&self) -> query::QueryFields {
        query::QueryFields {
            title: self.fields.title,
            text: self.fields.text,
            text_bigram: self.fields.text_bigram,
        }
    }

    /// The best `limit` paragraphs for `query`, best first.
    fn top(&self, query: &dyn Query, limit: usize) -> Vec<ParagraphHit> {
        let collector = TopDocs::with_limit(limit.max(1)).order_by_score();
        let top = match self.searcher.search(query, &collector) {
            Ok(top) => top,
            Err(err) => {
                // Log rather than fail the request (a kept index reads its files mapped).
                tracing::error!("search failed: {err}");
                return Vec::new();
            }
        };
        let mut hits: Vec<ParagraphHit> = top
            .into_iter()
            .filter_map(|(score, addr)| {
                let cols = self.columns.get(addr.segment_ord as usize)?;
                let key = cols.article.get_val(addr.doc_id);
                let paragraph = cols.paragraph.get_val(addr.doc_id);
                Some(ParagraphHit {
                    key,
                    paragraph: (paragraph != TITLE_ONLY).then_some(paragraph as usize),
                    score,
                })
            })
            .collect();
        // Equal scores in corpus order, so pages do not depend on how indexing threads
        // happened to lay out segments. Scores are compared to four decimals: summing the
        // same BM25 terms in another segment layout can differ in the last bit.
        hits.sort_unstable_by_key(|h| (std::cmp::Reverse(score_key(h.score)), h.key, h.paragraph));
        hits
    }
}

/// The live in-memory index: one writer for the life of the index, readers that reload
/// after each commit. Articles are added and removed by key; [`SearchIndex::commit`] makes
/// the changes visible all at once and returns the new view.
pub(crate) struct SearchIndex {
    fields: Fields,
    index: Index,
    reader: IndexReader,
    /// `None` only while [`SearchIndex::go_live`] swaps it (or if that failed).
    writer: Mutex<Option<IndexWriter<TantivyDocument>>>,
    /// Held while merging, so two merges never race.
    compacting: Mutex<()>,
    /// Commits so far (see [`IndexSnapshot::commit_number`]).
    commits: std::sync::atomic::AtomicU64,
    /// For an index kept on disk: what made it, recorded with every commit (see
    /// [`SearchIndex::open_or_build`]).
    identity: Option<String>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// Normalised text of one article, ready to index.
pub(crate) struct Prepared {
    fingerprint: u64,
    title: String,
    paragraphs: Vec<String>,
}

/// What an article's documents are made from: its id and its text (title and paragraphs),
/// as a stable hash. Its date, outlet and the rest are not in the index (the catalog has
/// them), so they may change without the documents changing.
pub(crate) fn fingerprint(article: &Article) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(article.id.as_bytes());
    h.write_u8(0);
    h.write_u64(crate::corpus::text_hash(article));
    h.finish()
}

impl Prepared {
    /// Normalises an article's text (the costly part of indexing; needs no lock).
    pub(crate) fn new(article: &Article, segmenter: &Segmenter) -> Self {
        Prepared {
            fingerprint: fingerprint(article),
            title: segmenter.normalize(&article.title),
            paragraphs: article
                .paragraphs
                .iter()
                .map(|p| segmenter.normalize(p))
                .collect(),
        }
    }
}

impl SearchIndex {
    /// Indexes `articles` (normalised, segmented, on all cores), the article at position
    /// `i` under key `i`. `progress` is called with the number of articles handed to the
    /// indexer so far.
    pub(crate) fn build(
        articles: &[Article],
        segmenter: &Segmenter,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Self, IndexError> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        register_tokenizers(&index, segmenter);
        let mut writer = loading_writer(&index)?;
        let keyed: Vec<(ArticleKey, &Article)> = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (i as ArticleKey, a))
            .collect();
        add_all(&writer, &fields, &keyed, segmenter, progress)?;
        writer.commit()?;
        Self::around(index, fields, writer, None)
    }

    /// The index around a loaded `index` and its loading `writer` (all committed).
    fn around(
        index: Index,
        fields: Fields,
        writer: IndexWriter<TantivyDocument>,
        identity: Option<String>,
    ) -> Result<Self, IndexError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            fields,
            index,
            reader,
            writer: Mutex::new(Some(writer)),
            compacting: Mutex::new(()),
            commits: std::sync::atomic::AtomicU64::new(0),
            identity,
        })
    }

    /// The view of the last commit.
    pub(crate) fn snapshot(&self) -> Result<IndexSnapshot, IndexError> {
        IndexSnapshot::new(
            self.reader.searcher(),
            self.fields,
            self.commits.load(std::sync::atomic::Ordering::SeqCst),
        )
    }

    /// Queues an article under `key` (visible after [`commit`](Self::commit)).
    pub(crate) fn add(&self, key: ArticleKey, article: &Prepared) -> Result<(), IndexError> {
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        add_prepared(writer_in(&mut slot)?, &self.fields, key, article)
    }

    /// Queues the removal of the article under `key` (visible after the next commit).
    pub(crate) fn remove(&self, key: ArticleKey) -> Result<(), IndexError> {
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        writer_in(&mut slot)?.delete_term(Term::from_field_u64(self.fields.article, key));
        Ok(())
    }

    /// Makes every queued change visible at once; returns the view that shows them.
    /// Changes left by a failed commit are dropped with it (the caller keeps its own list).
    pub(crate) fn commit(&self) -> Result<IndexSnapshot, IndexError> {
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let writer = writer_in(&mut slot)?;
        if let Err(err) = commit_with(writer, self.identity.as_deref()) {
            let _ = writer.rollback();
            return Err(err.into());
        }
        self.reader.reload()?;
        // Counted under the writer lock, so a view's number always matches its documents.
        self.commits
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let view = self.snapshot();
        drop(slot);
        view
    }

    /// After loading, for an index that takes articles while searches run: the loading
    /// writer (a thread per core) makes way for one with a single indexing thread, started
    /// at background priority (see [`crate::background`]) so that its threads (indexing,
    /// committing, merging) inherit it and yield to the threads answering requests; and
    /// small commits are merged in the background by tantivy's usual log-size policy, so a
    /// live index does not grow a segment per commit. Idempotent in effect.
    pub(crate) fn go_live(&self) {
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        // Only one writer may exist: the old one goes first (all it had is committed).
        drop(slot.take());
        let index = self.index.clone();
        let background = std::thread::Builder::new()
            .name("jianbao-index-start".into())
            .spawn(move || {
                crate::background::lower_current_thread();
                index.writer_with_num_threads::<TantivyDocument>(1, LIVE_WRITER_BUDGET)
            })
            .map_err(|e| e.to_string())
            .and_then(|t| t.join().map_err(|_| "panicked".to_string()));
        let writer = match background {
            Ok(Ok(w)) => Ok(w),
            Ok(Err(err)) => Err(err.to_string()),
            Err(err) => Err(err),
        }
        .or_else(|err| {
            tracing::warn!("index writer at background priority not started ({err})");
            self.index
                .writer_with_num_threads::<TantivyDocument>(1, LIVE_WRITER_BUDGET)
        });
        match writer {
            Ok(writer) => {
                writer.set_merge_policy(Box::new(tantivy::indexer::LogMergePolicy::default()));
                *slot = Some(writer);
            }
            Err(err) => tracing::error!("no index writer, articles cannot be added: {err}"),
        }
    }

    /// Merges the index into one segment. Every segment is searched on its own, so one
    /// segment makes each search faster (on the 新闻联播 corpus, p99 roughly halves); the
    /// results stay the same (BM25 statistics are corpus-wide either way). It takes about a
    /// second per 30 MB of text on one core: front ends that stay up run it in the
    /// background once they answer, and searches meanwhile read the old segments. Call
    /// [`commit`](Self::commit) or [`snapshot`](Self::snapshot) afterwards for a view of
    /// the merged index.
    pub(crate) fn compact(&self) -> Result<(), IndexError> {
        let _one_at_a_time = self
            .compacting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() <= 1 {
            return Ok(());
        }
        // The writer lock is held only to start the merge: adding and committing go on
        // while it runs.
        let merging = writer_in(&mut self.writer.lock().unwrap_or_else(PoisonError::into_inner))?
            .merge(&segments);
        merging.wait()?;
        self.reader.reload()?;
        Ok(())
    }
}

/// Commits what `writer` queued; a kept index records its `identity` with every commit
/// (see [`SearchIndex::open_or_build`]).
fn commit_with(
    writer: &mut IndexWriter<TantivyDocument>,
    identity: Option<&str>,
) -> tantivy::Result<tantivy::Opstamp> {
    let mut commit = writer.prepare_commit()?;
    if let Some(identity) = identity {
        commit.set_payload(identity);
    }
    commit.commit()
}

/// Registers the two tokenizers the schema names.
fn register_tokenizers(index: &Index, segmenter: &Segmenter) {
    index
        .tokenizers()
        .register(WORD_TOKENIZER, WordTokenizer::new(segmenter.clone()));
    index
        .tokenizers()
        .register(BIGRAM_TOKENIZER, BigramTokenizer);
}

/// The writer that loads a corpus: a thread per core (at most 8), segments merged once, on
/// request ([`SearchIndex::compact`]), not while loading.
fn loading_writer(index: &Index) -> Result<IndexWriter<TantivyDocument>, IndexError> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, threads * WRITER_BUDGET_PER_THREAD)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    Ok(writer)
}

/// Queues `articles` under their keys, normalised on all cores a chunk at a time;
/// `progress` is told how many were handed to the writer.
fn add_all(
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    articles: &[(ArticleKey, &Article)],
    segmenter: &Segmenter,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(), IndexError> {
    const CHUNK: usize = 512;
    let mut done = 0;
    for chunk in articles.chunks(CHUNK) {
        let prepared: Vec<Prepared> = chunk
            .par_iter()
            .map(|(_, a)| Prepared::new(a, segmenter))
            .collect();
        for ((key, _), prep) in chunk.iter().zip(&prepared) {
            add_prepared(writer, fields, *key, prep)?;
        }
        done += chunk.len();
        progress(done);
    }
    Ok(())
}

/// The writer in its (locked) slot.
fn writer_in(
    slot: &mut Option<IndexWriter<TantivyDocument>>,
) -> Result<&mut IndexWriter<TantivyDocument>, IndexError> {
    slot.as_mut().ok_or_else(|| {
        IndexError::Tantivy(tantivy::TantivyError::InternalError(
            "the index has no writer".into(),
        ))
    })
}

fn add_prepared(
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    key: ArticleKey,
    prep: &Prepared,
) -> Result<(), IndexError> {
    let make = |paragraph: u64, text: &str| {
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.article, key);
        doc.add_u64(fields.paragraph, paragraph);
        doc.add_u64(fields.fingerprint, prep.fingerprint);
        doc.add_text(fields.title, &prep.title);
        doc.add_text(fields.text, text);
        doc.add_text(fields.text_bigram, text);
        doc
    };
    if prep.paragraphs.is_empty() {
        writer.add_document(make(TITLE_ONLY, ""))?;
    }
    for (p, text) in prep.paragraphs.iter().enumerate() {
        writer.add_document(make(p as u64, text))?;
    }
    Ok(())
}

/// A score as an integer of ten-thousandths, for ordering: equal when two scores differ only
/// by floating-point rounding.
pub fn score_key(score: f32) -> i64 {
    (f64::from(score) * 1e4).round() as i64
}
