//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod fake_telegram;
pub mod feed_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, LazyLock};

use jianbao::answer::{Engine, LiveEngine, Options};
use jianbao::config::Config;
use jianbao::corpus::{self, Article, Corpus, LoadOptions};
use jianbao::text::Segmenter;

/// The repository root (tests run with it as the working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub const SEED_ID: &str = "000_0219663f217feaf0";

pub fn seed_path() -> PathBuf {
    root().join("seeds").join(format!("{SEED_ID}.txt"))
}

pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures/corpus")
}

/// A temporary folder with the seed and all fixtures copied in.
pub fn full_corpus_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(seed_path(), dir.path().join(format!("{SEED_ID}.txt"))).expect("copy seed");
    copy_dir(&fixtures(), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixtures") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

pub fn load(dir: &Path) -> Corpus {
    corpus::load_dir(dir, &LoadOptions::default()).expect("corpus folder readable")
}

pub static SEGMENTER: LazyLock<Segmenter> = LazyLock::new(Segmenter::builtin);

/// An engine over `corpus`, with the default options.
pub fn engine_over(corpus: Corpus, segmenter: Segmenter) -> Engine {
    Engine::from_corpus(
        corpus,
        &Config::default().engine_options(),
        segmenter,
        std::time::Duration::ZERO,
        &|_, _| {},
    )
    .expect("engine builds")
}

/// An undated article of the given paragraphs.
pub fn story(id: &str, title: &str, paragraphs: &[&str]) -> Article {
    Article::new(
        id,
        title,
        paragraphs.iter().map(|p| p.to_string()).collect(),
    )
}

/// An engine over these articles, with the default options.
pub fn engine_of(articles: Vec<Article>, segmenter: Segmenter) -> Engine {
    let corpus = Corpus {
        articles,
        ..Corpus::default()
    };
    engine_over(corpus, segmenter)
}

/// A live engine over `corpus`, with the default options and the shared segmenter.
pub fn live_engine(corpus: Corpus) -> Arc<LiveEngine> {
    Arc::new(LiveEngine::new(Arc::new(engine_over(
        corpus,
        SEGMENTER.clone(),
    ))))
}

/// An engine over the seed and every fixture, built once for all search tests.
pub static ENGINE: LazyLock<Arc<Engine>> = LazyLock::new(|| {
    let dir = full_corpus_dir();
    let options = Options {
        corpus: dir.path().to_path_buf(),
        ..Config::default().engine_options()
    };
    Arc::new(Engine::load_with(&options, SEGMENTER.clone(), &|_, _| {}).expect("engine builds"))
});

/// Runs the `jianbao` binary from the repository root with a clean `JIANBAO_*` environment.
pub fn jianbao(args: &[&str]) -> Output {
    jianbao_with(args, &[], None)
}

pub fn jianbao_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    cmd.current_dir(root()).args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("JIANBAO_") || k.starts_with("TELOXIDE_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("NO_COLOR", "1");
    // The terminal's words follow the locale: English here unless a test says otherwise,
    // whatever the machine running the tests uses.
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "en_US.UTF-8");
    // A database of its own, so neither a developer's data/jianbao.db nor another test's
    // feeds reach this run (a test that wants one sets JIANBAO_DATABASE itself).
    let db_dir = tempfile::tempdir().expect("temp dir");
    cmd.env("JIANBAO_DATABASE", db_dir.path().join("jianbao.db"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        std::process::Stdio::piped()
    } else {
        std::process::Stdio::null()
    });
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("run jianbao");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("jianbao finished")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
