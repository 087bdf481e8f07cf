//! jianbao's performance benchmark (issue 5; how to run it and what it measures:
//! `docs/PERFORMANCE.md`). `cargo bench --bench perf -- [options]`.
//!
//! The parent process prepares the corpora (samples of the 新闻联播 stories, the whole set,
//! and the set repeated), the queries and the questions, then for each run measures every
//! corpus size in a fresh child process of this same binary (`--one-size`, so each size's
//! peak RSS is its own), times the `jianbao` binary from start to first answer, runs the
//! Python baseline on the same files, and measures the bot against a fake Bot API server
//! (`--one-bot`). It prints Markdown tables of the medians and writes every figure as JSON.

mod baseline;
mod bot;
mod corpora;
mod engine;
mod live;
mod report;
mod stats;
mod workload;

// The strict fake Telegram Bot API server of the integration tests.
#[allow(dead_code)]
#[path = "../../tests/it/common"]
mod common {
    pub mod fake_telegram;
    pub mod feed_server;
}

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use jianbao::corpus::{self, LoadOptions};
use jianbao::text::Segmenter;
use serde::Serialize;

use corpora::Size;
use report::{Machine, Run, Startup, WorkloadInfo};

/// jianbao's performance benchmark: corpus sizes, latency, memory, start-up, the bot, and
/// the Python baseline in the same run.
#[derive(Debug, Parser)]
#[command(name = "perf")]
struct Options {
    /// The evaluation data folder (holding xinwenlianbo/).
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// Corpus sizes: numbers of stories (a sample, or repeats beyond the whole set) or `full`.
    #[arg(long, default_value = "1000,10000,full,100000")]
    sizes: String,
    /// Search queries, one per line (default: sample --query-count from the titles and
    /// write them to benches/results/queries.txt).
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    #[arg(long, default_value_t = 1000)]
    query_count: usize,
    /// Seed of the query sample.
    #[arg(long, default_value_t = 20250101)]
    seed: u64,
    /// Questions for `ask`, made from sentences of the 1k sample.
    #[arg(long, default_value_t = 1000)]
    questions: usize,
    /// Articles to summarise.
    #[arg(long, default_value_t = 300)]
    summaries: usize,
    /// Time every query and question this many times.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Repeat the whole measurement; tables show medians.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// Spawns of `jianbao search` timed per run.
    #[arg(long, default_value_t = 3)]
    startup_tries: usize,
    /// Before each measurement, wait up to this many seconds for the machine to be idle
    /// (other processes using under a quarter of a core); 0 to start at once.
    #[arg(long, default_value_t = 60)]
    idle_wait: u64,
    /// Python interpreter with the baseline's requirements (e.g. benches/.venv/bin/python);
    /// without it the baseline is not run.
    #[arg(long, value_name = "PYTHON")]
    baseline: Option<PathBuf>,
    /// Corpus sizes the baseline runs on.
    #[arg(long, default_value = "1000,10000,full")]
    baseline_sizes: String,
    /// Spaced bot requests of each kind (search, question) per run.
    #[arg(long, default_value_t = 300)]
    bot_requests: usize,
    /// Back-to-back bot searches per run.
    #[arg(long, default_value_t = 100)]
    bot_back_to_back: usize,
    /// Pause after each bot reply in the spaced series, ms (Throttle's worker cycle is 250).
    #[arg(long, default_value_t = 300)]
    bot_gap_ms: u64,
    /// Do not measure the bot.
    #[arg(long)]
    no_bot: bool,
    /// Where to write every figure as JSON.
    #[arg(long, default_value = "benches/results/perf.json")]
    out: PathBuf,
    /// Measure the live corpus (issue 12) instead: file drops, feed items, 1,000 items with
    /// pages from a local server with search and ask timed meanwhile, restarts from a
    /// database.
    #[arg(long)]
    live: bool,
    /// Feed items (with article pages) ingested in one poll in `--live`.
    #[arg(long, default_value_t = 1000)]
    live_items: usize,
    /// File drops and single feed items timed in `--live`.
    #[arg(long, default_value_t = 20)]
    live_drops: usize,
    /// Stored articles for the restart measurements of `--live`.
    #[arg(long, default_value = "20000,100000")]
    restart_sizes: String,
    /// In `--live`, keep the live engine's index in memory instead of on disk (what
    /// `serve` did before it kept its index), for comparison.
    #[arg(long)]
    live_index_in_memory: bool,
    /// Where `--live` writes its figures as JSON.
    #[arg(long, default_value = "benches/results/live.json")]
    live_out: PathBuf,

    // Child modes (this binary re-runs itself).
    /// Measure the corpus in this folder and print one JSON line.
    #[arg(long, hide = true)]
    one_size: Option<PathBuf>,
    #[arg(long, hide = true, default_value = "")]
    label: String,
    /// Measure the bot on the corpus in this folder and print one JSON line.
    #[arg(long, hide = true)]
    one_bot: Option<PathBuf>,
    #[arg(long, hide = true)]
    questions_file: Option<PathBuf>,
    /// Measure the live engine over the corpus in this folder and print one JSON line.
    #[arg(long, hide = true)]
    one_live: Option<PathBuf>,
    /// Measure a restart from the database `--db` (corpus folder: this one, empty).
    #[arg(long, hide = true)]
    one_restart: Option<PathBuf>,
    #[arg(long, hide = true)]
    db: Option<PathBuf>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

/// Where the generated workload goes (gitignored: it is made of the data's text).
const QUERIES_FILE: &str = "benches/results/queries.txt";
const QUESTIONS_FILE: &str = "benches/results/questions.txt";
/// The sample the questions are made from: part of every corpus size.
const QUESTION_SAMPLE: usize = 1000;

fn main() -> ExitCode {
    let started = Instant::now();
    // As the `jianbao` binary does: part of what is measured.
    jianbao::allocator::return_freed_memory();
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs bench targets without `--bench`: nothing to measure.
    let child = args.iter().any(|a| {
        matches!(
            a.as_str(),
            "--one-size" | "--one-bot" | "--one-live" | "--one-restart"
        )
    });
    if !child && !args.iter().any(|a| a == "--bench") {
        println!("perf: a benchmark; run it with `cargo bench --bench perf -- [options]`");
        return ExitCode::SUCCESS;
    }
    let options = Options::parse();
    let result = if let Some(dir) = &options.one_live {
        one_live(&options, dir)
    } else if let Some(dir) = &options.one_restart {
        options
            .db
            .as_deref()
            .context("--db")
            .and_then(|db| live::measure_restart(dir, db, &options.label, started))
            .and_then(|r| print_json(&r))
    } else if options.live {
        orchestrate_live(&options)
    } else {
        match (&options.one_size, &options.one_bot) {
            (Some(dir), _) => one_size(&options, dir, started),
            (None, Some(dir)) => one_bot(&options, dir),
            (None, None) => orchestrate(&options),
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("perf: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// A child's queries and questions, from the files the parent wrote.
fn child_workload(options: &Options) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let queries = options.queries.as_deref().context("--queries")?;
    let questions = options
        .questions_file
        .as_deref()
        .context("--questions-file")?;
    Ok((
        workload::read_lines(queries)?,
        workload::read_lines(questions)?,
    ))
}

/// Child: one corpus size.
fn one_size(options: &Options, dir: &Path, started: Instant) -> anyhow::Result<()> {
    let (queries, questions) = child_workload(options)?;
    let work = engine::Workload {
        queries: &queries,
        questions: &questions,
        summaries: options.summaries,
        repeat: options.repeat,
    };
    print_json(&engine::measure(dir, &options.label, &work, started)?)
}

/// Child: the bot.
fn one_bot(options: &Options, dir: &Path) -> anyhow::Result<()> {
    let (queries, questions) = child_workload(options)?;
    let requests = bot::Requests {
        queries: &queries,
        questions: &questions,
        per_kind: options.bot_requests,
        back_to_back: options.bot_back_to_back,
        gap: Duration::from_millis(options.bot_gap_ms),
    };
    print_json(&bot::measure(dir, &requests)?)
}

/// Child: the live engine over the whole corpus.
fn one_live(options: &Options, dir: &Path) -> anyhow::Result<()> {
    let (queries, questions) = child_workload(options)?;
    print_json(&live::measure_live(
        dir,
        &options.data,
        &queries,
        &questions,
        options.live_items,
        options.live_drops,
        !options.live_index_in_memory,
    )?)
}

/// Parent of `--live`: the corpus, the workload and the databases; then the children.
fn orchestrate_live(options: &Options) -> anyhow::Result<()> {
    let stories = corpora::read_stories(&options.data.join("xinwenlianbo"))?;
    eprintln!("perf: {} 新闻联播 stories with text", stories.len());
    let tmp = tempfile::Builder::new().prefix("jianbao-live-").tempdir()?;
    let full = corpora::write(tmp.path(), &stories, Size::Full)?;
    let work = prepare_workload(options, &stories, &full)?;
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty)?;
    let mut databases = Vec::new();
    for size in Size::parse_list(&options.restart_sizes)? {
        let dir = corpora::write(tmp.path(), &stories, size)?;
        let db = tmp.path().join(format!("{}.db", size.label()));
        let t = Instant::now();
        let n = live::fill_database(&dir, &db)?;
        eprintln!(
            "perf: database of {n} stored articles in {:.1} s ({:.0} MB)",
            t.elapsed().as_secs_f64(),
            std::fs::metadata(&db).map_or(0.0, |m| m.len() as f64 / 1e6)
        );
        std::fs::remove_file(dir.join("stories.jsonl"))?;
        databases.push((size.label(), db));
    }
    let settle = || {
        let waited = stats::wait_until_idle(Duration::from_secs(options.idle_wait));
        if waited > Duration::from_secs(3) {
            eprintln!(
                "perf: waited {:.0} s for the machine to go idle",
                waited.as_secs_f64()
            );
        }
    };
    let exe = std::env::current_exe()?;
    eprintln!("perf: live engine on full");
    settle();
    let mut cmd = Command::new(&exe);
    cmd.arg("--one-live")
        .arg(&full)
        .arg("--queries")
        .arg(&work.queries_file)
        .arg("--questions-file")
        .arg(&work.questions_file)
        .arg("--data")
        .arg(&options.data)
        .arg("--live-items")
        .arg(options.live_items.to_string())
        .arg("--live-drops")
        .arg(options.live_drops.to_string());
    if options.live_index_in_memory {
        cmd.arg("--live-index-in-memory");
    }
    let (live_result, _) = run_child(cmd)?;
    let mut restarts = Vec::new();
    for (label, db) in &databases {
        eprintln!("perf: start and restart from the {label} database");
        // Twice: the first start builds the index and keeps it beside the database, the
        // second is the restart that reuses it.
        for _ in 0..2 {
            settle();
            let mut cmd = Command::new(&exe);
            cmd.arg("--one-restart")
                .arg(&empty)
                .arg("--db")
                .arg(db)
                .arg("--label")
                .arg(label);
            restarts.push(run_child(cmd)?.0);
        }
    }
    let mut binary_restart_s = Vec::new();
    let mut binary_restart_label = String::new();
    if let Some((label, db)) = databases.first() {
        eprintln!("perf: jianbao search on the {label} database");
        binary_restart_label = label.clone();
        for _ in 0..options.startup_tries {
            settle();
            binary_restart_s.push(live::time_binary_restart(&empty, db)?);
        }
    }
    eprintln!("perf: jianbao search on the files");
    let mut binary_files_s = Vec::new();
    let no_db = tmp.path().join("none.db");
    for _ in 0..options.startup_tries {
        settle();
        binary_files_s.push(live::time_binary_restart(
            &options.data.join("xinwenlianbo"),
            &no_db,
        )?);
    }
    let run = live::LiveRun {
        live: live_result,
        restarts,
        binary_restart_s,
        binary_restart_label,
        binary_files_s,
    };
    if let Some(dir) = options.live_out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    #[derive(Serialize)]
    struct Report<'a> {
        tool: &'static str,
        machine: Machine,
        run: &'a live::LiveRun,
    }
    let report = Report {
        tool: "cargo bench --bench perf -- --live",
        machine: Machine::this(),
        run: &run,
    };
    std::fs::write(
        &options.live_out,
        serde_json::to_string_pretty(&report)? + "\n",
    )
    .with_context(|| format!("cannot write {}", options.live_out.display()))?;
    println!("{}", live::markdown(&run));
    eprintln!("perf: figures written to {}", options.live_out.display());
    Ok(())
}

fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// Parent: prepare, run the children and the baseline, report.
fn orchestrate(options: &Options) -> anyhow::Result<()> {
    let sizes = Size::parse_list(&options.sizes)?;
    let baseline_sizes = match options.baseline {
        Some(_) => Size::parse_list(&options.baseline_sizes)?,
        None => Vec::new(),
    };
    let xinwenlianbo = options.data.join("xinwenlianbo");
    let stories = corpora::read_stories(&xinwenlianbo)?;
    eprintln!("perf: {} 新闻联播 stories with text", stories.len());

    let tmp = tempfile::Builder::new().prefix("jianbao-perf-").tempdir()?;
    let mut wanted: Vec<Size> = vec![Size::Full];
    wanted.extend(sizes.iter().chain(&baseline_sizes).copied());
    let mut dirs: Vec<(Size, PathBuf)> = Vec::new();
    for size in wanted {
        if !dirs.iter().any(|(s, _)| *s == size) {
            dirs.push((size, corpora::write(tmp.path(), &stories, size)?));
        }
    }
    let dir_of = |size: Size| -> &Path {
        dirs.iter()
            .find(|(s, _)| *s == size)
            .map(|(_, d)| d.as_path())
            .unwrap_or(tmp.path())
    };

    let work = prepare_workload(options, &stories, dir_of(Size::Full))?;
    let (queries_file, questions_file) = (&work.queries_file, &work.questions_file);
    let exe = std::env::current_exe()?;
    let child = |mode: &str, dir: &Path| {
        let mut cmd = Command::new(&exe);
        cmd.arg(mode)
            .arg(dir)
            .arg("--queries")
            .arg(queries_file)
            .arg("--questions-file")
            .arg(questions_file)
            .arg("--summaries")
            .arg(options.summaries.to_string())
            .arg("--repeat")
            .arg(options.repeat.to_string())
            .arg("--bot-requests")
            .arg(options.bot_requests.to_string())
            .arg("--bot-back-to-back")
            .arg(options.bot_back_to_back.to_string())
            .arg("--bot-gap-ms")
            .arg(options.bot_gap_ms.to_string());
        cmd
    };

    let settle = || {
        let waited = stats::wait_until_idle(Duration::from_secs(options.idle_wait));
        if waited > Duration::from_secs(3) {
            eprintln!(
                "perf: waited {:.0} s for the machine to go idle",
                waited.as_secs_f64()
            );
        }
    };
    let mut runs: Vec<Run> = Vec::new();
    for run_no in 1..=options.runs.max(1) {
        let mut run = Run {
            load_average: (report::load_average(), f64::NAN),
            ..Run::default()
        };
        for &size in &sizes {
            eprintln!("perf: run {run_no}: jianbao on {size}");
            let mut cmd = child("--one-size", dir_of(size));
            cmd.arg("--label").arg(size.label());
            settle();
            run.sizes.push(run_child(cmd)?.0);
        }
        eprintln!("perf: run {run_no}: start to first answer");
        for _ in 0..options.startup_tries {
            settle();
            run.startup.push(time_first_answer(&xinwenlianbo)?);
        }
        if let Some(python) = &options.baseline {
            for &size in &baseline_sizes {
                eprintln!("perf: run {run_no}: Python baseline on {size}");
                settle();
                run.baseline.push(baseline::run(
                    python,
                    &size.label(),
                    &dir_of(size).join("stories.jsonl"),
                    queries_file,
                    options.repeat,
                )?);
            }
        }
        if !options.no_bot {
            eprintln!("perf: run {run_no}: the bot on full");
            settle();
            let (bot, others_cores) = run_child(child("--one-bot", dir_of(Size::Full)))?;
            run.bot = Some(bot);
            run.bot_others_cores = others_cores;
        }
        run.load_average.1 = report::load_average();
        runs.push(run);
        // Write as we go: a long benchmark that fails late keeps what it measured.
        write_report(options, &work, &runs)?;
    }
    println!("{}", report::markdown(&runs, &work, &Machine::this()));
    eprintln!("perf: figures written to {}", options.out.display());
    Ok(())
}

/// Queries (given, or sampled from all titles) and questions (from the 1k sample's
/// sentences), as files for the children and the baseline.
fn prepare_workload(
    options: &Options,
    stories: &[serde_json::Value],
    full: &Path,
) -> anyhow::Result<WorkloadInfo> {
    let articles = corpus::load_dir(full, &LoadOptions::default())?.articles;
    let queries_file = match &options.queries {
        Some(file) => file.clone(),
        None => {
            let queries = workload::sample_queries(&articles, options.query_count, options.seed);
            let file = PathBuf::from(QUERIES_FILE);
            workload::write_lines(&file, &queries)?;
            file
        }
    };
    let sample: HashSet<&str> = corpora::indices(
        stories.len(),
        Size::Count(QUESTION_SAMPLE.min(stories.len())),
    )
    .into_iter()
    .filter_map(|i| stories[i]["id"].as_str())
    .collect();
    let sampled: Vec<_> = articles
        .into_iter()
        .filter(|a| sample.contains(a.id.as_str()))
        .collect();
    let questions = workload::make_questions(&sampled, &Segmenter::builtin(), options.questions);
    if questions.is_empty() {
        bail!("no questions could be made from the corpus");
    }
    let questions_file = PathBuf::from(QUESTIONS_FILE);
    workload::write_lines(&questions_file, &questions)?;
    let mut lengths: Vec<f64> = questions.iter().map(|q| q.chars().count() as f64).collect();
    lengths.sort_by(f64::total_cmp);
    let info = WorkloadInfo {
        queries: workload::read_lines(&queries_file)?.len(),
        queries_file,
        questions: questions.len(),
        questions_file,
        question_chars_median: stats::median(lengths.iter().copied()),
        question_chars_p90: stats::percentile(&lengths, 90.0),
        question_chars_max: lengths[lengths.len() - 1],
    };
    eprintln!(
        "perf: {} queries ({}), {} questions ({}; {} characters median)",
        info.queries,
        info.queries_file.display(),
        info.questions,
        info.questions_file.display(),
        info.question_chars_median
    );
    Ok(info)
}

/// Runs a child mode and reads the JSON line it prints; also returns how many cores other
/// processes kept busy meanwhile.
fn run_child<T: serde::de::DeserializeOwned>(mut cmd: Command) -> anyhow::Result<(T, f64)> {
    let cpu = stats::children_cpu_seconds();
    let contention = stats::Contention::start();
    let output = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("cannot start a benchmark child process")?;
    if !output.status.success() {
        bail!("a benchmark child process failed ({})", output.status);
    }
    let others_cores = contention.others_cores(stats::children_cpu_seconds() - cpu);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or("");
    let value =
        serde_json::from_str(line).with_context(|| format!("unexpected child output: {line:?}"))?;
    Ok((value, others_cores))
}

/// Times `jianbao --corpus DIR search 黄河` from spawn to exit: what an operator waits from
/// starting the program to reading the first answer.
fn time_first_answer(corpus: &Path) -> anyhow::Result<Startup> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (key, _) in std::env::vars() {
        if key.starts_with("JIANBAO_") || key.starts_with("TELOXIDE_") {
            cmd.env_remove(key);
        }
    }
    let corpus = std::path::absolute(corpus)?;
    let cpu = stats::children_cpu_seconds();
    let contention = stats::Contention::start();
    let started = Instant::now();
    let status = cmd
        .arg("--corpus")
        .arg(&corpus)
        .arg("search")
        .arg(engine::FIRST_QUERY)
        .env("JIANBAO_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let wall_s = started.elapsed().as_secs_f64();
    let cpu_s = stats::children_cpu_seconds() - cpu;
    if !status.success() {
        bail!("jianbao search failed ({status})");
    }
    Ok(Startup {
        wall_s,
        cpu_s,
        others_cores: contention.others_cores(cpu_s),
    })
}

fn write_report(options: &Options, work: &WorkloadInfo, runs: &[Run]) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        tool: &'static str,
        machine: Machine,
        sizes: &'a str,
        repeat: usize,
        workload: &'a WorkloadInfo,
        runs: &'a [Run],
    }
    let report = Report {
        tool: "cargo bench --bench perf",
        machine: Machine::this(),
        sizes: &options.sizes,
        repeat: options.repeat,
        workload: work,
        runs,
    };
    if let Some(dir) = options.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(&report)? + "\n";
    std::fs::write(&options.out, text)
        .with_context(|| format!("cannot write {}", options.out.display()))
}
