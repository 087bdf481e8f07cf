//! The search index: a tantivy index in RAM with one document per paragraph, jieba-word
//! fields for body and title, a character-bigram field for the body, and queries built from
//! segmented terms (user text never reaches tantivy's query parser, so no query string can
//! fail). tantivy types stay inside this module (the tokenizers too); callers get plain
//! [`ParagraphHit`]s.

mod query;
mod tokenize;

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::columnar::ColumnValues;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

use crate::corpus::Article;
use crate::text::Segmenter;

pub use query::QueryPlan;
use tokenize::{BIGRAM_TOKENIZER, BigramTokenizer, WORD_TOKENIZER, WordTokenizer};

/// Paragraph number used for an article that has a title and no body.
pub const TITLE_ONLY: u64 = u32::MAX as u64;

/// Indexing memory per writer thread (tantivy needs at least 15 MB): its arena is the
/// largest part of the memory that loading needs and frees afterwards. Smaller means more
/// segments until [`SearchIndex::compact`] merges them; on the 新闻联播 corpus 20 MB gives
/// 24 segments (32 MB: 8) and a peak ~25 MB lower, at the same start-up time
/// (docs/PERFORMANCE.md).
const WRITER_BUDGET_PER_THREAD: usize = 20_000_000;
/// tantivy's smallest writer budget; a merge-only writer never fills it.
const MERGE_WRITER_BUDGET: usize = 15_000_000;

/// What can fail while building the index (searching cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// The field handles, kept from the schema builder (never looked up by name at query time).
#[derive(Debug, Clone, Copy)]
struct Fields {
    article: Field,
    paragraph: Field,
    /// The article's id, indexed as one term: the stable key to replace or remove an
    /// article's documents by (`IndexWriter::delete_term`) once the index is live. No query
    /// reads it.
    article_id: Field,
    title: Field,
    text: Field,
    text_bigram: Field,
}

const ARTICLE: &str = "article";
const PARAGRAPH: &str = "paragraph";

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
            article: b.add_u64_field(ARTICLE, FAST),
            paragraph: b.add_u64_field(PARAGRAPH, FAST),
            article_id: b.add_text_field("article_id", STRING),
            title: words(&mut b, "title", WORD_TOKENIZER),
            text: words(&mut b, "text", WORD_TOKENIZER),
            text_bigram: words(&mut b, "text_bigram", BIGRAM_TOKENIZER),
        };
        (b.build(), fields)
    }
}

/// A paragraph that matched, by position in the corpus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParagraphHit {
    /// Index into the article list the index was built from.
    pub article: usize,
    /// Paragraph number, or `None` for a title-only article.
    pub paragraph: Option<usize>,
    pub score: f32,
}

/// Per segment: the fast-field columns that map a document to its article and paragraph.
struct SegmentColumns {
    article: Arc<dyn ColumnValues<u64>>,
    paragraph: Arc<dyn ColumnValues<u64>>,
}

/// What a search reads: the segments, and their columns. Replaced whole when
/// [`SearchIndex::compact`] merges the segments; a search in flight keeps the old one.
struct View {
    searcher: Searcher,
    columns: Vec<SegmentColumns>,
}

impl View {
    fn new(searcher: Searcher) -> Result<Self, IndexError> {
        let mut columns = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            columns.push(SegmentColumns {
                article: ff.u64(ARTICLE)?.first_or_default_col(0),
                paragraph: ff.u64(PARAGRAPH)?.first_or_default_col(0),
            });
        }
        Ok(Self { searcher, columns })
    }
}

/// The in-memory index over a fixed list of articles.
pub struct SearchIndex {
    fields: Fields,
    index: Index,
    reader: IndexReader,
    view: RwLock<Arc<View>>,
    /// Held while merging, so two merges never race for the writer's lock.
    compacting: Mutex<()>,
    segmenter: Segmenter,
    documents: u64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.documents)
            .field("segments", &self.segments())
            .finish()
    }
}

/// Normalised text of one article, ready to index.
struct Prepared {
    title: String,
    paragraphs: Vec<String>,
}

impl SearchIndex {
    /// Indexes `articles` (normalised, segmented, on all cores). `progress` is called with
    /// the number of articles handed to the indexer so far.
    pub fn build(
        articles: &[Article],
        segmenter: &Segmenter,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Self, IndexError> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        index
            .tokenizers()
            .register(WORD_TOKENIZER, WordTokenizer::new(segmenter.clone()));
        index
            .tokenizers()
            .register(BIGRAM_TOKENIZER, BigramTokenizer);
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(
            threads,
            threads * WRITER_BUDGET_PER_THREAD,
        )?;
        // Segments are merged once, on request (`compact`), not while loading.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let mut documents = 0u64;
        const CHUNK: usize = 512;
        for (chunk_no, chunk) in articles.chunks(CHUNK).enumerate() {
            let prepared: Vec<Prepared> = chunk
                .par_iter()
                .map(|a| Prepared {
                    title: segmenter.normalize(&a.title),
                    paragraphs: a
                        .paragraphs
                        .iter()
                        .map(|p| segmenter.normalize(p))
                        .collect(),
                })
                .collect();
            for (offset, (article, prep)) in chunk.iter().zip(&prepared).enumerate() {
                let ordinal = (chunk_no * CHUNK + offset) as u64;
                let make = |paragraph: u64, text: &str| {
                    let mut doc = TantivyDocument::default();
                    doc.add_u64(fields.article, ordinal);
                    doc.add_u64(fields.paragraph, paragraph);
                    doc.add_text(fields.article_id, &article.id);
                    doc.add_text(fields.title, &prep.title);
                    doc.add_text(fields.text, text);
                    doc.add_text(fields.text_bigram, text);
                    doc
                };
                if prep.paragraphs.is_empty() {
                    writer.add_document(make(TITLE_ONLY, ""))?;
                    documents += 1;
                }
                for (p, text) in prep.paragraphs.iter().enumerate() {
                    writer.add_document(make(p as u64, text))?;
                    documents += 1;
                }
            }
            progress((chunk_no * CHUNK + chunk.len()).min(articles.len()));
        }
        writer.commit()?;
        drop(writer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let view = View::new(reader.searcher())?;
        Ok(Self {
            fields,
            index,
            reader,
            view: RwLock::new(Arc::new(view)),
            compacting: Mutex::new(()),
            segmenter: segmenter.clone(),
            documents,
        })
    }

    fn view(&self) -> Arc<View> {
        Arc::clone(&self.view.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many segments the index is in: one per indexing thread and memory budget after
    /// [`build`](Self::build), one after [`compact`](Self::compact).
    pub fn segments(&self) -> usize {
        self.view().searcher.segment_readers().len()
    }

    /// Merges the index into one segment. Every segment is searched on its own, so one
    /// segment makes each search faster (on the 新闻联播 corpus, p99 roughly halves); the
    /// results stay the same (BM25 statistics are corpus-wide either way). It takes about a
    /// second per 30 MB of text on one core: front ends that stay up run it in the
    /// background once they answer, and searches meanwhile read the old segments.
    pub fn compact(&self) -> Result<(), IndexError> {
        let _one_at_a_time = self
            .compacting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() <= 1 {
            return Ok(());
        }
        let mut writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, MERGE_WRITER_BUDGET)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        writer.merge(&segments).wait()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        let view = View::new(self.reader.searcher())?;
        *self.view.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(view);
        Ok(())
    }

    /// Number of indexed documents (paragraphs, plus one per title-only article).
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Inverse document frequency of a normalised word in the body field (BM25's formula):
    /// rare words weigh more when matching a question against sentences.
    pub fn word_idf(&self, word: &str) -> f32 {
        self.idf(self.fields.text, word)
    }

    /// Inverse document frequency of a normalised character bigram (or lone character).
    pub fn bigram_idf(&self, gram: &str) -> f32 {
        self.idf(self.fields.text_bigram, gram)
    }

    fn idf(&self, field: Field, text: &str) -> f32 {
        let term = tantivy::Term::from_field_text(field, text);
        let df = self.view().searcher.doc_freq(&term).unwrap_or(0) as f32;
        let n = self.documents.max(1) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// Turns user text into query terms; never fails (see [`QueryPlan`]).
    pub fn plan(&self, query: &str) -> QueryPlan {
        QueryPlan::new(&self.segmenter, query)
    }

    /// The best `limit` paragraphs for `plan`, best first. Empty if the plan has no terms.
    pub fn search(&self, plan: &QueryPlan, limit: usize) -> Vec<ParagraphHit> {
        let Some(query) = plan.to_query(&self.fields_for_query()) else {
            return Vec::new();
        };
        let collector = TopDocs::with_limit(limit.max(1)).order_by_score();
        let view = self.view();
        let top = match view.searcher.search(query.as_ref(), &collector) {
            Ok(top) => top,
            Err(err) => {
                // An in-RAM index has no I/O to fail; log rather than fail the request.
                tracing::error!("search failed: {err}");
                return Vec::new();
            }
        };
        let mut hits: Vec<ParagraphHit> = top
            .into_iter()
            .filter_map(|(score, addr)| {
                let cols = view.columns.get(addr.segment_ord as usize)?;
                let article = cols.article.get_val(addr.doc_id) as usize;
                let paragraph = cols.paragraph.get_val(addr.doc_id);
                Some(ParagraphHit {
                    article,
                    paragraph: (paragraph != TITLE_ONLY).then_some(paragraph as usize),
                    score,
                })
            })
            .collect();
        // Equal scores in corpus order, so pages do not depend on how indexing threads
        // happened to lay out segments. Scores are compared to four decimals: summing the
        // same BM25 terms in another segment layout can differ in the last bit.
        hits.sort_unstable_by_key(|h| {
            (
                std::cmp::Reverse(score_key(h.score)),
                h.article,
                h.paragraph,
            )
        });
        hits
    }

    /// Every paragraph that holds all the bigram tokens of `phrases` (normalised content
    /// runs), as `(article, paragraph)`, in no particular order: a superset of the
    /// paragraphs that contain the phrases, for callers that then check the text (counting
    /// articles for a trend).
    pub fn paragraphs_with_all(&self, phrases: &[String]) -> Vec<(usize, Option<usize>)> {
        let Some(query) = query::all_tokens_of(phrases, self.fields.text_bigram) else {
            return Vec::new();
        };
        let view = self.view();
        let docs = match view
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
                let cols = view.columns.get(addr.segment_ord as usize)?;
                let paragraph = cols.paragraph.get_val(addr.doc_id);
                Some((
                    cols.article.get_val(addr.doc_id) as usize,
                    (paragraph != TITLE_ONLY).then_some(paragraph as usize),
                ))
            })
            .collect()
    }

    fn fields_for_query(&self) -> query::QueryFields {
        query::QueryFields {
            title: self.fields.title,
            text: self.fields.text,
            text_bigram: self.fields.text_bigram,
        }
    }
}

/// A score as an integer of ten-thousandths, for ordering: equal when two scores differ only
/// by floating-point rounding.
pub fn score_key(score: f32) -> i64 {
    (f64::from(score) * 1e4).round() as i64
}
