//! The Python baseline, `benches/baseline.py latency` (jieba + rank_bm25's BM25Okapi, the
//! way a typical Python bot does it), run on the same corpus file and the same query file
//! in the same session; its JSON answer read back.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::stats::{Contention, Latency, children_cpu_seconds};

/// The baseline's figures on one corpus.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineResult {
    pub label: String,
    pub articles: usize,
    pub documents: usize,
    pub text_mb: f64,
    /// JSON parsing, tokenising, building the BM25 tables.
    pub load_s: f64,
    pub tokenize_s: f64,
    pub index_s: f64,
    pub build_s: f64,
    pub mb_per_s: f64,
    pub jieba_init_s: f64,
    pub peak_rss_mb: f64,
    pub search: Latency,
    /// Cores other processes kept busy meanwhile.
    pub others_cores: f64,
}

/// Runs `python benches/baseline.py latency` on `corpus` (a JSON Lines file) with the
/// queries in `queries`, each timed `repeat` times.
pub fn run(
    python: &Path,
    label: &str,
    corpus: &Path,
    queries: &Path,
    repeat: usize,
) -> anyhow::Result<BaselineResult> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cpu = children_cpu_seconds();
    let contention = Contention::start();
    let output = Command::new(python)
        .current_dir(root)
        .arg("benches/baseline.py")
        .arg("latency")
        .arg("--corpus")
        .arg(corpus)
        .arg("--queries")
        .arg(queries)
        .arg("--repeat")
        .arg(repeat.to_string())
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    let others_cores = contention.others_cores(children_cpu_seconds() - cpu);
    if !output.status.success() {
        bail!(
            "benches/baseline.py latency failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let json: Value = serde_json::from_slice(&output.stdout)
        .context("benches/baseline.py latency did not print one JSON document")?;
    let num = |path: &[&str]| -> anyhow::Result<f64> {
        let mut v = &json;
        for key in path {
            v = &v[*key];
        }
        v.as_f64()
            .with_context(|| format!("baseline JSON has no number at {}", path.join(".")))
    };
    Ok(BaselineResult {
        label: label.to_string(),
        articles: num(&["articles"])? as usize,
        documents: num(&["documents"])? as usize,
        text_mb: num(&["text_mb"])?,
        load_s: num(&["build", "load_s"])?,
        tokenize_s: num(&["build", "tokenize_s"])?,
        index_s: num(&["build", "index_s"])?,
        build_s: num(&["build", "total_s"])?,
        mb_per_s: num(&["build", "mb_per_s"])?,
        jieba_init_s: num(&["jieba_init_s"])?,
        peak_rss_mb: num(&["rss_mb", "peak_end"])?,
        search: Latency {
            count: num(&["queries", "timed"])? as usize,
            p50_ms: num(&["latency_ms", "p50"])?,
            p99_ms: num(&["latency_ms", "p99"])?,
            max_ms: num(&["latency_ms", "max"])?,
            mean_ms: num(&["latency_ms", "mean"])?,
        },
        others_cores,
    })
}
