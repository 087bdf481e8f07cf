//! The command line: `jianbao <command>` with `--corpus` and `--json` on every command.
//! One file per command; each loads what it needs through `answer` and prints via `render`.

mod article;
mod ask;
mod chat;
mod check;
mod eval;
mod feeds;
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

use crate::answer::{Engine, Following, LiveEngine};
use crate::config::Config;
use crate::corpus;
use crate::ingest::{self, FetchOptions, Ingest};
use crate::render::text::Style;
use crate::render::words::{Front, Lang};
use crate::store::Store;
use crate::text::Segmenter;

/// 简报 jianbao: search, list and read Chinese news articles; answer questions about them.
#[derive(Debug, Parser)]
#[command(name = "jianbao", version, about, long_about = None)]
pub struct Cli {
    /// Folder (or file) of articles to load, instead of the configured `corpus`.
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) corpus: Option<PathBuf>,
    /// Print one JSON document (or one JSON line per query with --batch) instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
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
    /// The news feeds: list them, poll them once, import an OPML file.
    #[command(subcommand)]
    Feeds(feeds::FeedsCommand),
}

/// What a command needs from the outside world.
pub(crate) struct Context {
    pub(crate) config: Config,
    pub(crate) json: bool,
    pub(crate) style: Style,
}

impl Context {
    /// Loads the corpus folder and the articles saved from feeds (when the database
    /// exists; a one-shot command never creates it) and builds the index, logging how long
    /// it took.
    pub(crate) fn engine(&self) -> anyhow::Result<Engine> {
        let store = if self.config.database.exists() {
            Some(self.store()?)
        } else {
            None
        };
        self.engine_with(store.as_ref(), &self.config.engine_options())
    }

    /// Opens (creating if needed) the configured database.
    pub(crate) fn store(&self) -> anyhow::Result<Store> {
        Store::open(&self.config.database).context("cannot open the database (setting `database`)")
    }

    fn engine_with(
        &self,
        store: Option<&Store>,
        options: &crate::answer::Options,
    ) -> anyhow::Result<Engine> {
        let progress = progress::LoadProgress::new();
        let started = std::time::Instant::now();
        let segmenter = Segmenter::load(
            Some(&options.user_dict),
            Some(&options.stop_words),
            Some(&options.synonyms),
        )?;
        let mut corpus = corpus::load_dir(&options.corpus, &options.load)
            .with_context(|| format!("cannot load the corpus {}", self.config.corpus.display()))?;
        if let Some(store) = store {
            corpus.articles.extend(ingest::stored_articles(store)?);
        }
        let engine = Engine::from_corpus(
            corpus,
            options,
            segmenter,
            started.elapsed(),
            &|done, total| progress.update(done, total),
        )?;
        progress.finish(&engine.stats());
        Ok(engine)
    }

    /// The live corpus for a front end that stays up (`serve`, `chat`), its index kept
    /// beside the database between runs ([`Config::kept_index_options`]): it answers at once;
    /// a background thread loads what the first questions need ([`Engine::warm_up`]) and
    /// merges the index segments, after which searches are faster; the
    /// feed poller and the folder watcher run as the settings say, on `runtime`.
    pub(crate) fn live(&self, runtime: &tokio::runtime::Handle) -> anyhow::Result<Live> {
        let store = Arc::new(self.store()?);
        let engine = Arc::new(LiveEngine::new(Arc::new(
            self.engine_with(Some(&store), &self.config.kept_index_options())?,
        )));
        std::thread::spawn({
            let engine = Arc::clone(&engine);
            move || {
                engine.warm_up();
                engine.compact_index();
            }
        });
        let ingest = Arc::new(Ingest::new(
            Arc::clone(&engine),
            Arc::clone(&store),
            self.fetch_options(),
        )?);
        let following = Arc::new(Following::new(
            Arc::clone(&store),
            engine.snapshot().segmenter().clone(),
        )?);
        ingest.follow_with(Arc::clone(&following));
        if let Err(e) = ingest.sync_feeds_file(&self.config.feeds) {
            tracing::warn!("feeds not updated from the feeds file: {e}");
        }
        let (stop, stopped) = tokio::sync::watch::channel(false);
        if self.config.poll {
            runtime.spawn(Arc::clone(&ingest).run_poller(stopped));
        }
        let watching = if self.config.watch && self.config.corpus.is_dir() {
            match ingest::watch::watch(
                Arc::clone(&engine),
                &self.config.corpus,
                self.config.load_options(),
                false,
                Some(Arc::clone(&following)),
            ) {
                Ok(w) => Some(w),
                Err(e) => {
                    tracing::warn!(
                        "the corpus folder {} is not watched: {e}",
                        self.config.corpus.display()
                    );
                    None
                }
            }
        } else {
            None
        };
        Ok(Live {
            engine,
            ingest,
            following,
            stop,
            _watching: watching,
        })
    }

    /// HTTP limits for feeds and article pages.
    pub(crate) fn fetch_options(&self) -> FetchOptions {
        FetchOptions {
            allow_private: self.config.allow_private_addresses,
            ..FetchOptions::default()
        }
    }
}

/// What `serve` and `chat` run: the live engine, the ingest tasks, and the watcher.
pub(crate) struct Live {
    pub(crate) engine: Arc<LiveEngine>,
    pub(crate) ingest: Arc<Ingest>,
    /// Followed topics and their alerts (sent by the bot).
    pub(crate) following: Arc<Following>,
    stop: tokio::sync::watch::Sender<bool>,
    _watching: Option<ingest::watch::Watching>,
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// For a batch: merges the index segments on another thread while the first lines are
/// answered, so the later ones are faster (results are the same either way; see
/// [`Engine::compact_index`]). The process may end before the merge does.
fn merge_while_answering(engine: &Arc<Engine>) {
    let engine = Arc::clone(engine);
    if let Err(e) = std::thread::Builder::new()
        .name("jianbao-merge".into())
        .spawn(move || engine.compact_index())
    {
        tracing::warn!("index segments not merged: {e}");
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
fn no_such_article(ctx: &Context, id: &str) -> std::process::ExitCode {
    eprintln!(
        "{}",
        crate::render::words::no_such_article_id(ctx.style.lang, id)
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
        Some(Command::Feeds(cmd)) => feeds::run(&ctx, cmd),
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
