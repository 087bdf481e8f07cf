//! One corpus size, measured in a process of its own (so its peak RSS is its own): load the
//! dictionaries, read and index the corpus as the CLI and the bot do, answer a first search,
//! then time `search`, `ask` and `summary` one call at a time, on one thread, after a
//! warm-up.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use jianbao::answer::Engine;
use jianbao::config::Config;
use jianbao::text::Segmenter;
use serde::{Deserialize, Serialize};

use crate::stats::{Contention, Latency, cpu_seconds, peak_rss_mb, rss_mb, secs};

/// Calls made before timing starts, per kind.
const WARMUP_SEARCHES: usize = 50;
const WARMUP_QUESTIONS: usize = 20;
const WARMUP_SUMMARIES: usize = 10;
/// The first query of a fresh process, for the time-to-first-answer figure.
pub const FIRST_QUERY: &str = "黄河";

/// Everything measured on one corpus size.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SizeResult {
    pub label: String,
    pub articles: usize,
    /// Indexed documents: one per paragraph.
    pub paragraphs: u64,
    /// UTF-8 text: titles once per article plus paragraphs (the baseline's `text_mb`).
    pub text_mb: f64,
    /// Bytes of the files read.
    pub file_mb: f64,
    /// jieba's dictionary, the user dictionary, stop words, OpenCC tables.
    pub dict_s: f64,
    /// `corpus::load_dir`: read, decode, parse the JSON Lines.
    pub read_s: f64,
    /// Normalise, segment and index (`SearchIndex::build` and the engine's tables).
    pub index_s: f64,
    /// CPU time (all threads) spent in reading and indexing.
    pub build_cpu_s: f64,
    pub first_search_ms: f64,
    /// From the start of this process to the first search answered.
    pub ready_s: f64,
    pub rss_start_mb: f64,
    pub rss_after_dict_mb: f64,
    /// Resident set once built (what stays while serving).
    pub rss_built_mb: f64,
    pub peak_rss_build_mb: f64,
    pub peak_rss_end_mb: f64,
    /// Index segments as built (one per indexing thread and memory budget).
    #[serde(default)]
    pub segments: usize,
    /// `search` on the segments as built: what the first second after start gets, while
    /// front ends merge them in the background.
    #[serde(default)]
    pub search_unmerged: Latency,
    /// `Engine::compact_index`: merging the segments into one (off the start-up path).
    #[serde(default)]
    pub merge_s: f64,
    /// Resident set after the merge.
    #[serde(default)]
    pub rss_merged_mb: f64,
    pub search: Latency,
    pub ask: Latency,
    pub summary: Latency,
    pub searches_with_hits: usize,
    pub questions_answered: usize,
    /// Cores other processes kept busy while this one built the index, and while it
    /// answered: the noise of a shared machine.
    pub others_cores_build: f64,
    pub others_cores_queries: f64,
}

impl SizeResult {
    /// Read + index, seconds: the baseline's load + tokenise + index.
    pub fn build_s(&self) -> f64 {
        self.read_s + self.index_s
    }

    pub fn mb_per_s(&self) -> f64 {
        self.text_mb / self.build_s()
    }

    /// Average number of cores busy while reading and indexing.
    pub fn cores_used(&self) -> f64 {
        self.build_cpu_s / self.build_s()
    }

    /// Text indexed per CPU-second: the throughput of one thread.
    pub fn mb_per_cpu_s(&self) -> f64 {
        self.text_mb / self.build_cpu_s
    }

    /// Resident memory the corpus added, per article, in KB.
    pub fn kb_per_article(&self) -> f64 {
        (self.rss_built_mb - self.rss_after_dict_mb) * 1e3 / self.articles as f64
    }
}

/// What to time.
pub struct Workload<'a> {
    pub queries: &'a [String],
    pub questions: &'a [String],
    pub summaries: usize,
    /// Times each query and question is timed.
    pub repeat: usize,
}

/// Builds the engine on the corpus in `dir` and times the workload. `started` is when this
/// process started.
pub fn measure(
    dir: &Path,
    label: &str,
    work: &Workload,
    started: Instant,
) -> anyhow::Result<SizeResult> {
    let rss_start_mb = rss_mb();
    let config = Config::default();
    let t = Instant::now();
    let segmenter = Segmenter::load(
        Some(&config.user_dict),
        Some(&config.stop_words),
        Some(&config.synonyms),
    )?;
    let dict_s = secs(t.elapsed());
    let rss_after_dict_mb = rss_mb();

    let cpu = cpu_seconds();
    let contention = Contention::start();
    let options = jianbao::answer::Options {
        corpus: dir.to_path_buf(),
        ..config.engine_options()
    };
    let engine = Engine::load_with(&options, segmenter, &|_, _| {})?;
    let build_cpu_s = cpu_seconds() - cpu;
    let others_cores_build = contention.others_cores(build_cpu_s);
    let stats = engine.stats();

    let t = Instant::now();
    black_box(engine.search(FIRST_QUERY, 1, config.search_limit));
    let first_search_ms = secs(t.elapsed()) * 1e3;
    let ready_s = secs(started.elapsed());
    let rss_built_mb = rss_mb();
    let peak_rss_build_mb = peak_rss_mb();

    let text_bytes: usize = engine
        .articles()
        .iter()
        .map(|a| a.title.len() + a.paragraphs.iter().map(String::len).sum::<usize>())
        .sum();

    let limit = config.search_limit;
    let segments = engine.index_segments();
    let (search_unmerged, _) = time_each(work.queries, WARMUP_SEARCHES, 1, |q| {
        !engine.search(q, 1, limit).articles.is_empty()
    });
    let t = Instant::now();
    engine.compact_index();
    let merge_s = secs(t.elapsed());
    let rss_merged_mb = rss_mb();

    let cpu = cpu_seconds();
    let contention = Contention::start();
    let (search, searches_with_hits) = time_each(work.queries, WARMUP_SEARCHES, work.repeat, |q| {
        !engine.search(q, 1, limit).articles.is_empty()
    });
    let (ask, questions_answered) = time_each(work.questions, WARMUP_QUESTIONS, work.repeat, |q| {
        engine.ask(q).answered
    });
    let articles = engine.articles();
    let n = work.summaries.min(articles.len());
    let ids: Vec<&str> = (0..n)
        .map(|k| articles[k * articles.len() / n].id.as_str())
        .collect();
    let (summary, _) = time_each(&ids, WARMUP_SUMMARIES, 1, |id| engine.summary(id).is_some());
    let others_cores_queries = contention.others_cores(cpu_seconds() - cpu);

    Ok(SizeResult {
        label: label.to_string(),
        articles: stats.articles,
        paragraphs: stats.paragraphs,
        text_mb: text_bytes as f64 / 1e6,
        file_mb: stats.bytes as f64 / 1e6,
        dict_s,
        read_s: secs(stats.read),
        index_s: secs(stats.index),
        build_cpu_s,
        first_search_ms,
        ready_s,
        rss_start_mb,
        rss_after_dict_mb,
        rss_built_mb,
        peak_rss_build_mb,
        peak_rss_end_mb: peak_rss_mb(),
        segments,
        search_unmerged: Latency::of(&search_unmerged),
        merge_s,
        rss_merged_mb,
        search: Latency::of(&search),
        ask: Latency::of(&ask),
        summary: Latency::of(&summary),
        searches_with_hits,
        questions_answered,
        others_cores_build,
        others_cores_queries,
    })
}

/// Calls `f` on the first `warmup` inputs (cycling) untimed, then on every input `repeat`
/// times, timing each call. `f` says whether the call found something; returns the times
/// and how many inputs found something (counted in the first timed round).
fn time_each<T: ?Sized>(
    inputs: &[impl AsRef<T>],
    warmup: usize,
    repeat: usize,
    mut f: impl FnMut(&T) -> bool,
) -> (Vec<Duration>, usize) {
    if inputs.is_empty() {
        return (Vec::new(), 0);
    }
    for input in inputs.iter().cycle().take(warmup) {
        black_box(f(input.as_ref()));
    }
    let mut times = Vec::with_capacity(inputs.len() * repeat);
    let mut found = 0;
    for round in 0..repeat.max(1) {
        for input in inputs {
            let t = Instant::now();
            let hit = black_box(f(input.as_ref()));
            times.push(t.elapsed());
            found += usize::from(hit && round == 0);
        }
    }
    (times, found)
}
