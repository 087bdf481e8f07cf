//! The command line: `jianbao <command>` with `--corpus` and `--json` on every command.
//! One file per command; each loads what it needs through `answer` and prints via `render`.

mod article;
mod ask;
mod chat;
mod check;
mod eval;
mod latest;
mod progress;
mod search;
mod serve;
mod summary;
mod trend;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::answer::Engine;
use crate::config::Config;
use crate::render::text::Style;
use crate::render::words::{Front, Lang};

/// 简报 jianbao: search, list and read Chinese news articles; answer questions about them.
#[derive(Debug, Parser)]
#[command(name = "jianbao", version, about, long_about = None)]
pub struct Cli {
    /// Folder (or file) of articles to load, instead of the configured `corpus`.
    #[arg(long, global = true, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Print one JSON document (or one JSON line per query with --batch) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Telegram bot (the default): needs TELOXIDE_TOKEN in the environment or .env.
    Serve,
    /// Talk to the bot in this terminal, without Telegram.
    Chat,
    /// Matching paragraphs, grouped by article.
    Search(search::Args),
    /// The newest articles.
    Latest(latest::Args),
    /// One cleaned article with its metadata.
    Article(article::Args),
    /// Answer a plain question with the sentence that holds the answer, citing the article.
    Ask(ask::Args),
    /// An article's key points: lede, enumerated items or central sentences, figures,
    /// keywords.
    Summary(summary::Args),
    /// Articles per week or month about up to three words, as sparklines, a PNG or JSON.
    Trend(trend::Args),
    /// Measure retrieval, answers and ledes on the public evaluation data.
    Eval(eval::Args),
    /// Load the corpus and report every article and any problem; exit 1 if a file could
    /// not be read.
    Check,
}

/// What a command needs from the outside world.
pub struct Context {
    pub config: Config,
    pub json: bool,
    pub style: Style,
}

impl Context {
    /// Loads the corpus and builds the index, logging how long it took.
    pub fn engine(&self) -> anyhow::Result<Engine> {
        let progress = progress::LoadProgress::new();
        let options = self.config.engine_options();
        let engine = Engine::load(&options, &|done, total| progress.update(done, total))
            .with_context(|| format!("cannot load the corpus {}", self.config.corpus.display()))?;
        progress.finish(&engine.stats());
        Ok(engine)
    }

    /// The engine for a front end that stays up (`serve`, `chat`): it answers at once, and a
    /// background thread merges the index segments, after which searches are faster.
    pub fn lasting_engine(&self) -> anyhow::Result<Arc<Engine>> {
        let engine = Arc::new(self.engine()?);
        std::thread::spawn({
            let engine = Arc::clone(&engine);
            move || engine.compact_index()
        });
        Ok(engine)
    }
}

/// The lines of `input`, each decoded lossily: one line that is not UTF-8 is answered like
/// the others (with U+FFFD for its bad bytes) instead of ending the batch.
fn batch_lines(input: impl std::io::BufRead) -> impl Iterator<Item = std::io::Result<String>> {
    input.split(b'\n').map(|line| {
        line.map(|mut bytes| {
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    })
}

/// Tells the user that no article has `id`; the exit code for it.
fn no_such_article(id: &str) -> std::process::ExitCode {
    eprintln!(
        "No article has the id {id:?}. `jianbao latest` and `jianbao search WORDS` show ids."
    );
    std::process::ExitCode::FAILURE
}

/// Runs the parsed command line. Errors are for `main` to print once.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = Config::load().context("bad configuration")?;
    if let Some(corpus) = cli.corpus {
        config.corpus = corpus;
    }
    let style = Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        snippet_chars: config.snippet_chars,
        lang: Lang::from_env(),
        front: Front::CommandLine,
    };
    let ctx = Context {
        config,
        json: cli.json,
        style,
    };
    match cli.command {
        Some(Command::Serve) | None => serve::run(&ctx),
        Some(Command::Chat) => chat::run(&ctx),
        Some(Command::Search(args)) => search::run(&ctx, args),
        Some(Command::Latest(args)) => latest::run(&ctx, args),
        Some(Command::Article(args)) => article::run(&ctx, args),
        Some(Command::Ask(args)) => ask::run(&ctx, args),
        Some(Command::Summary(args)) => summary::run(&ctx, args),
        Some(Command::Trend(args)) => trend::run(&ctx, args),
        Some(Command::Check) => check::run(&ctx),
        Some(Command::Eval(args)) => eval::run(&ctx, args),
    }
}

/// Sets up logging to stderr: `JIANBAO_LOG` (or `RUST_LOG`) filters, `default` otherwise.
/// Colour only on a terminal (and not with `NO_COLOR`): escape codes in a log file or the
/// journal are noise.
pub fn init_logging(default: &str) {
    let filter = std::env::var("JIANBAO_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| default.to_string());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(false)
        .try_init();
}
