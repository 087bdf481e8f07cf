//! `jianbao feeds list|poll|import`: the feeds and their state, one poll of every feed
//! (for cron and tests: exit 1 when a feed failed), and OPML import.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::Context;
use crate::answer::LiveEngine;
use crate::ingest::{self, FeedStatus, Ingest, PollReport};
use crate::render::json::to_pretty;

#[derive(Debug, clap::Subcommand)]
pub enum FeedsCommand {
    /// Every feed with its last success, last error and article count.
    List,
    /// Poll every feed once, print what each added, updated, left unchanged or failed;
    /// exit 1 when a feed failed.
    Poll,
    /// Add the feeds of an OPML file.
    Import {
        /// The OPML file.
        file: PathBuf,
    },
}

pub(crate) fn run(ctx: &Context, cmd: FeedsCommand) -> anyhow::Result<ExitCode> {
    let store = Arc::new(ctx.store()?);
    let mut out = std::io::stdout().lock();
    match cmd {
        FeedsCommand::List => {
            let ingest = offline(ctx, &store)?;
            if let Err(e) = ingest.sync_feeds_file(&ctx.config.feeds) {
                eprintln!("jianbao: feeds file not read: {e}");
            }
            let feeds = ingest.status()?;
            if ctx.json {
                writeln!(out, "{}", to_pretty(&serde_json::json!({ "feeds": feeds })))?;
            } else {
                write!(out, "{}", list_text(&feeds))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        FeedsCommand::Poll => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let engine = Arc::new(LiveEngine::new(Arc::new(
                ctx.engine_with(Some(&store), &ctx.config.engine_options())?,
            )));
            let ingest = Ingest::new(engine, Arc::clone(&store), ctx.fetch_options())?;
            ingest.sync_feeds_file(&ctx.config.feeds)?;
            let reports = runtime.block_on(ingest.poll_all())?;
            if ctx.json {
                writeln!(
                    out,
                    "{}",
                    to_pretty(&serde_json::json!({ "feeds": reports }))
                )?;
            } else {
                write!(out, "{}", poll_text(&reports))?;
            }
            Ok(if reports.iter().any(|r| r.failed.is_some()) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        FeedsCommand::Import { file } => {
            let feeds = ingest::sources::read_opml(&file)?;
            let ingest = offline(ctx, &store)?;
            let new = ingest.add_feeds(&feeds)?;
            if ctx.json {
                writeln!(
                    out,
                    "{}",
                    to_pretty(&serde_json::json!({ "found": feeds.len(), "added": new }))
                )?;
            } else {
                writeln!(
                    out,
                    "{}: {} feeds found, {new} new (the rest were already followed)",
                    file.display(),
                    feeds.len()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// An ingest for commands that read and write feeds but index nothing: over an empty
/// corpus, so no articles are loaded.
fn offline(ctx: &Context, store: &Arc<crate::store::Store>) -> anyhow::Result<Ingest> {
    let segmenter = crate::text::Segmenter::builtin();
    let engine = crate::answer::Engine::from_corpus(
        crate::corpus::Corpus::default(),
        &ctx.config.engine_options(),
        segmenter,
        std::time::Duration::ZERO,
        &|_, _| {},
    )?;
    Ok(Ingest::new(
        Arc::new(LiveEngine::new(Arc::new(engine))),
        Arc::clone(store),
        ctx.fetch_options(),
    )?)
}

fn list_text(feeds: &[FeedStatus]) -> String {
    if feeds.is_empty() {
        return "No feeds. List them in config/feeds.toml (setting `feeds`) or run `jianbao feeds import FILE.opml`.\n".into();
    }
    let mut s = String::new();
    for f in feeds {
        s.push_str(&format!(
            "{}. {}  {}\n   {} articles; every {} s; last success {}; {}\n",
            f.id,
            f.name,
            f.url,
            f.articles,
            f.interval_secs,
            f.last_success.as_deref().unwrap_or("never"),
            match &f.last_error {
                Some(e) => format!("last error: {e} ({} in a row)", f.failures),
                None => "no error".into(),
            }
        ));
    }
    s
}

fn poll_text(reports: &[PollReport]) -> String {
    if reports.is_empty() {
        return "No feeds to poll.\n".into();
    }
    let mut s = String::new();
    for r in reports {
        match &r.failed {
            Some(reason) => s.push_str(&format!("{}: failed: {reason}\n", r.name)),
            None if r.not_modified => s.push_str(&format!("{}: not modified\n", r.name)),
            None => s.push_str(&format!(
                "{}: {} added, {} updated, {} unchanged{}\n",
                r.name,
                r.added,
                r.updated,
                r.unchanged,
                if r.duplicates > 0 {
                    format!(", {} duplicates", r.duplicates)
                } else {
                    String::new()
                }
            )),
        }
        for w in &r.warnings {
            s.push_str(&format!("  warning: {w}\n"));
        }
    }
    s
}
