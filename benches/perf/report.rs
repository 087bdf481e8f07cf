//! The tables: medians over the runs of every figure, as Markdown, ready for
//! `docs/PERFORMANCE.md`; and issue 5's targets checked against them.

use std::fmt::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::baseline::BaselineResult;
use crate::bot::BotResult;
use crate::engine::SizeResult;
use crate::stats::{Latency, median};

/// Everything one run measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Run {
    /// The 1-minute load average when the run started and ended: how busy the machine was.
    pub load_average: (f64, f64),
    pub sizes: Vec<SizeResult>,
    /// `jianbao --corpus DATA/xinwenlianbo search 黄河`, each try.
    pub startup: Vec<Startup>,
    pub baseline: Vec<BaselineResult>,
    pub bot: Option<BotResult>,
    /// Cores other processes kept busy while the bot was measured.
    pub bot_others_cores: f64,
}

/// One timed start of the `jianbao` binary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Startup {
    /// Spawn to exit.
    pub wall_s: f64,
    /// CPU time it used (all threads).
    pub cpu_s: f64,
    /// Cores other processes kept busy meanwhile.
    pub others_cores: f64,
}

/// The 1-minute load average (runnable threads, all processes), from `/proc/loadavg`.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// What was asked, for the record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkloadInfo {
    pub queries_file: PathBuf,
    pub queries: usize,
    pub questions_file: PathBuf,
    pub questions: usize,
    pub question_chars_median: f64,
    pub question_chars_p90: f64,
    pub question_chars_max: f64,
}

/// The machine, for the record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub ram_gb: f64,
    pub kernel: String,
}

impl Machine {
    pub fn this() -> Machine {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let meminfo = read("/proc/meminfo");
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model: cpuinfo
                .lines()
                .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
                .map_or_else(|| "unknown".into(), |(_, m)| m.trim().to_string()),
            ram_gb: meminfo
                .lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
                .map_or(f64::NAN, |kb| kb * 1024.0 / 1e9),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
        }
    }
}

/// Picks one latency series of the bot's results.
type BotSeries = fn(&BotResult) -> Latency;

/// Medians across runs.
struct Medians<'a> {
    runs: &'a [Run],
}

impl Medians<'_> {
    /// The median over runs of `f` applied to the size labelled `label`.
    fn size(&self, label: &str, f: impl Fn(&SizeResult) -> f64) -> f64 {
        median(
            self.runs
                .iter()
                .flat_map(|r| r.sizes.iter().filter(|s| s.label == label).map(&f)),
        )
    }

    fn baseline(&self, label: &str, f: impl Fn(&BaselineResult) -> f64) -> f64 {
        median(
            self.runs
                .iter()
                .flat_map(|r| r.baseline.iter().filter(|s| s.label == label).map(&f)),
        )
    }

    fn bot(&self, f: impl Fn(&BotResult) -> f64) -> f64 {
        median(self.runs.iter().filter_map(|r| r.bot.as_ref().map(&f)))
    }

    fn startup(&self, f: impl Fn(&Startup) -> f64) -> f64 {
        median(self.runs.iter().flat_map(|r| r.startup.iter().map(&f)))
    }
}

/// A number with as many decimals as make sense for its size.
fn n(x: f64) -> String {
    match x.abs() {
        x if x.is_nan() => "–".into(),
        x if x >= 100.0 => format!("{x:.0}"),
        x if x >= 10.0 => format!("{x:.1}"),
        x if x >= 1.0 => format!("{x:.2}"),
        _ => format!("{x:.3}"),
    }
    .replace("-0.000", "0.000")
}

/// Size labels in the order of the first run.
fn labels(runs: &[Run]) -> Vec<String> {
    runs.first()
        .map(|r| r.sizes.iter().map(|s| s.label.clone()).collect())
        .unwrap_or_default()
}

/// The Markdown report.
pub fn markdown(runs: &[Run], work: &WorkloadInfo, machine: &Machine) -> String {
    let m = Medians { runs };
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "Machine: {} CPUs ({}), {:.1} GB RAM, Linux {}. Medians of {} run(s). {} queries, \
         {} questions ({} characters median, {} at the 90th percentile, {} at most).\n",
        machine.cpus,
        machine.cpu_model,
        machine.ram_gb,
        machine.kernel,
        runs.len(),
        work.queries,
        work.questions,
        work.question_chars_median,
        work.question_chars_p90,
        work.question_chars_max,
    );

    let loads: Vec<String> = runs
        .iter()
        .map(|r| format!("{:.1}→{:.1}", r.load_average.0, r.load_average.1))
        .collect();
    let _ = writeln!(
        w,
        "Load average (1 min) at the start→end of each run: {}.\n",
        loads.join(", ")
    );
    let _ = writeln!(w, "### jianbao: build and memory by corpus size\n");
    let _ = writeln!(
        w,
        "| corpus | articles | paragraphs | text MB | dict s | read s | index s | MB/s | cores used | MB per CPU-s | peak RSS MB | peak ÷ text | RSS built MB | KB/article | others' cores |"
    );
    let _ = writeln!(
        w,
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    );
    for label in labels(runs) {
        let s = |f: fn(&SizeResult) -> f64| n(m.size(&label, f));
        let _ = writeln!(
            w,
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            s(|r| r.articles as f64),
            s(|r| r.paragraphs as f64),
            s(|r| r.text_mb),
            s(|r| r.dict_s),
            s(|r| r.read_s),
            s(|r| r.index_s),
            s(SizeResult::mb_per_s),
            s(SizeResult::cores_used),
            s(SizeResult::mb_per_cpu_s),
            s(|r| r.peak_rss_end_mb),
            s(|r| r.peak_rss_end_mb / r.text_mb),
            s(|r| r.rss_built_mb),
            s(SizeResult::kb_per_article),
            s(|r| r.others_cores_build),
        );
    }

    let _ = writeln!(
        w,
        "\n### jianbao: latency by corpus size (ms, one thread)\n"
    );
    let _ = writeln!(
        w,
        "| corpus | search p50 | p99 | max | ask p50 | p99 | max | summary p50 | p99 | max | searches with hits | questions answered | others' cores |"
    );
    let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for label in labels(runs) {
        let lat = |f: fn(&SizeResult) -> Latency| {
            let p50 = m.size(&label, |r| f(r).p50_ms);
            let p99 = m.size(&label, |r| f(r).p99_ms);
            let max = m.size(&label, |r| f(r).max_ms);
            format!("{} | {} | {}", n(p50), n(p99), n(max))
        };
        let count = |f: fn(&SizeResult) -> (usize, usize)| {
            let found = m.size(&label, |r| f(r).0 as f64);
            let of = m.size(&label, |r| f(r).1 as f64);
            format!("{found:.0} / {of:.0}")
        };
        let _ = writeln!(
            w,
            "| {label} | {} | {} | {} | {} | {} | {} |",
            lat(|r| r.search),
            lat(|r| r.ask),
            lat(|r| r.summary),
            count(|r| (r.searches_with_hits, r.search.count)),
            count(|r| (r.questions_answered, r.ask.count)),
            n(m.size(&label, |r| r.others_cores_queries)),
        );
    }

    let _ = writeln!(
        w,
        "\n### jianbao: index segments, merged after start (front ends merge in the background)\n"
    );
    let _ = writeln!(
        w,
        "| corpus | segments as built | search p50 ms as built | p99 | merge s | RSS merged MB |"
    );
    let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|");
    for label in labels(runs) {
        let s = |f: fn(&SizeResult) -> f64| n(m.size(&label, f));
        let _ = writeln!(
            w,
            "| {label} | {} | {} | {} | {} | {} |",
            s(|r| r.segments as f64),
            s(|r| r.search_unmerged.p50_ms),
            s(|r| r.search_unmerged.p99_ms),
            s(|r| r.merge_s),
            s(|r| r.rss_merged_mb),
        );
    }

    let base_labels: Vec<String> = runs
        .first()
        .map(|r| r.baseline.iter().map(|b| b.label.clone()).collect())
        .unwrap_or_default();
    if !base_labels.is_empty() {
        let _ = writeln!(
            w,
            "\n### jianbao vs the Python baseline (jieba + rank_bm25), same corpus and queries\n"
        );
        let _ = writeln!(
            w,
            "| corpus | build s: ours | baseline | baseline ÷ ours | search p50 ms: ours | baseline | ÷ | search p99 ms: ours | baseline | ÷ | peak RSS MB: ours | baseline | baseline: others' cores |"
        );
        let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        for label in &base_labels {
            let ours_build = m.size(label, SizeResult::build_s);
            let base_build = m.baseline(label, |b| b.build_s);
            let ours_p50 = m.size(label, |r| r.search.p50_ms);
            let base_p50 = m.baseline(label, |b| b.search.p50_ms);
            let ours_p99 = m.size(label, |r| r.search.p99_ms);
            let base_p99 = m.baseline(label, |b| b.search.p99_ms);
            let _ = writeln!(
                w,
                "| {label} | {} | {} | {}× | {} | {} | {}× | {} | {} | {}× | {} | {} | {} |",
                n(ours_build),
                n(base_build),
                n(base_build / ours_build),
                n(ours_p50),
                n(base_p50),
                n(base_p50 / ours_p50),
                n(ours_p99),
                n(base_p99),
                n(base_p99 / ours_p99),
                n(m.size(label, |r| r.peak_rss_end_mb)),
                n(m.baseline(label, |b| b.peak_rss_mb)),
                n(m.baseline(label, |b| b.others_cores)),
            );
        }
    }

    let _ = writeln!(w, "\n### Start to first answer, whole 新闻联播 corpus\n");
    let _ = writeln!(
        w,
        "| how | seconds (median) | fastest | CPU s | others' cores |\n|---|--:|--:|--:|--:|"
    );
    let fastest = runs
        .iter()
        .flat_map(|r| r.startup.iter().map(|s| s.wall_s))
        .fold(f64::NAN, f64::min);
    let _ = writeln!(
        w,
        "| `jianbao --corpus DATA/xinwenlianbo search 黄河`, spawned, to exit | {} | {} | {} | {} |",
        n(m.startup(|s| s.wall_s)),
        n(fastest),
        n(m.startup(|s| s.cpu_s)),
        n(m.startup(|s| s.others_cores)),
    );
    let fastest_in = runs
        .iter()
        .flat_map(|r| r.sizes.iter().filter(|s| s.label == "full"))
        .map(|s| s.ready_s)
        .fold(f64::NAN, f64::min);
    let _ = writeln!(
        w,
        "| in-process, `full`: dictionaries + read + index + first search | {} | {} | {} | {} |",
        n(m.size("full", |r| r.ready_s)),
        n(fastest_in),
        n(m.size("full", |r| r.build_cpu_s)),
        n(m.size("full", |r| r.others_cores_build)),
    );

    if runs.iter().any(|r| r.bot.is_some()) {
        let gap = m.bot(|b| b.gap_ms as f64);
        let _ = writeln!(
            w,
            "\n### Bot: update at the fake Bot API server → reply received by it (ms)\n"
        );
        let _ = writeln!(
            w,
            "| series | requests | p50 | p99 | max |\n|---|--:|--:|--:|--:|"
        );
        let rows: [(&str, BotSeries); 5] = [
            ("`/search`, spaced (no Throttle wait)", |b| b.search),
            ("question, spaced (no Throttle wait)", |b| b.question),
            ("… of which update → `sendChatAction`", |b| b.delivery),
            ("… of which `sendChatAction` → reply", |b| b.handling),
            ("`/search`, back to back (with Throttle wait)", |b| {
                b.back_to_back_search
            }),
        ];
        for (name, f) in rows {
            let _ = writeln!(
                w,
                "| {name} | {} | {} | {} | {} |",
                n(m.bot(|b| f(b).count as f64)),
                n(m.bot(|b| f(b).p50_ms)),
                n(m.bot(|b| f(b).p99_ms)),
                n(m.bot(|b| f(b).max_ms)),
            );
        }
        let _ = writeln!(
            w,
            "\nSpaced: {gap:.0} ms after each reply before the next update. Throttle wait \
             (back-to-back p50 − spaced search p50): {} ms. Others' cores: {}.",
            n(m.bot(|b| b.back_to_back_search.p50_ms - b.search.p50_ms)),
            n(median(runs.iter().map(|r| r.bot_others_cores)))
        );
    }

    let _ = writeln!(w, "\n### Targets (issue 5)\n");
    let _ = writeln!(w, "| target | measured | |\n|---|---|---|");
    for (target, measured, met) in targets(&m) {
        let verdict = match met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "not measured",
        };
        let _ = writeln!(w, "| {target} | {measured} | {verdict} |");
    }
    out
}

/// Issue 5's targets: (target, what was measured, met?).
fn targets(m: &Medians) -> Vec<(String, String, Option<bool>)> {
    let full = |f: fn(&SizeResult) -> f64| m.size("full", f);
    let known = |x: f64| (!x.is_nan()).then_some(x);
    let check = |x: f64, ok: fn(f64) -> bool| known(x).map(ok);
    let mut t = Vec::new();
    let startup = m.startup(|s| s.wall_s);
    t.push((
        "ready to answer on the whole corpus ≤ 4 s".into(),
        format!(
            "{} s spawned; {} s in-process",
            n(startup),
            n(full(|r| r.ready_s))
        ),
        check(startup, |x| x <= 4.0),
    ));
    let per_cpu = full(SizeResult::mb_per_cpu_s);
    let cores = full(SizeResult::cores_used);
    t.push((
        "indexing ≥ 5 MB/s per thread".into(),
        format!("{} MB per CPU-second", n(per_cpu)),
        check(per_cpu, |x| x >= 5.0),
    ));
    t.push((
        "indexing uses both cores".into(),
        format!("{} cores busy on average", n(cores)),
        check(cores, |x| x >= 1.7),
    ));
    let search_p99 = full(|r| r.search.p99_ms);
    let ask_p99 = full(|r| r.ask.p99_ms);
    t.push((
        "`search` p99 ≤ 2 ms".into(),
        format!("{} ms", n(search_p99)),
        check(search_p99, |x| x <= 2.0),
    ));
    t.push((
        "`ask` p99 ≤ 10 ms".into(),
        format!("{} ms", n(ask_p99)),
        check(ask_p99, |x| x <= 10.0),
    ));
    let base_p99 = m.baseline("full", |b| b.search.p99_ms);
    t.push((
        "`search` p99 ≥ 100× lower than the baseline".into(),
        format!("{}×", n(base_p99 / search_p99)),
        check(base_p99 / search_p99, |x| x >= 100.0),
    ));
    t.push((
        "`ask` p99 ≥ 100× lower than the baseline (its retrieval p99: a lower bound)".into(),
        format!("{}×", n(base_p99 / ask_p99)),
        check(base_p99 / ask_p99, |x| x >= 100.0),
    ));
    let times_text = full(|r| r.peak_rss_end_mb / r.text_mb);
    t.push((
        "peak RSS ≤ 6× the corpus text".into(),
        format!(
            "{}× ({} MB for {} MB of text)",
            n(times_text),
            n(full(|r| r.peak_rss_end_mb)),
            n(full(|r| r.text_mb))
        ),
        check(times_text, |x| x <= 6.0),
    ));
    let big = m.size("100k", |r| r.peak_rss_end_mb);
    t.push((
        "100k articles well under 2 GiB".into(),
        format!("{} MB peak", n(big)),
        check(big, |x| x <= 0.75 * 2147.5),
    ));
    let per_mb = |label: &str| m.size(label, |r| r.build_s() / r.text_mb);
    let (small, large) = (per_mb("10k"), per_mb("100k"));
    t.push((
        "indexing time roughly linear (s per MB, 10k → 100k)".into(),
        format!("{} → {} s/MB", n(small), n(large)),
        check(large / small, |x| x <= 1.5),
    ));
    let growth = m.size("100k", |r| r.search.p50_ms) / m.size("1k", |r| r.search.p50_ms);
    t.push((
        "query latency clearly sublinear (search p50, 1k → 100k: 100× the articles)".into(),
        format!("{}× slower", n(growth)),
        check(growth, |x| x <= 25.0),
    ));
    for (name, f) in [
        (
            "search",
            (|b: &BotResult| b.search.p99_ms) as fn(&BotResult) -> f64,
        ),
        ("questions", |b| b.question.p99_ms),
    ] {
        let p99 = m.bot(f);
        t.push((
            format!("bot p99 update-to-reply ≤ 20 ms, {name}"),
            format!("{} ms", n(p99)),
            check(p99, |x| x <= 20.0),
        ));
    }
    t
}
