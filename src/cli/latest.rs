//! `jianbao latest [--limit N]`: the newest articles.

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::answer::MAX_LATEST_LIMIT;
use crate::render;
use crate::render::json::ListEntry;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many articles (default: the configured latest_limit).
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u16).range(1..=MAX_LATEST_LIMIT as i64))]
    limit: Option<u16>,
}

pub(crate) fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.engine()?;
    let limit = args.limit.map_or(ctx.config.latest_limit, usize::from);
    let latest = engine.latest(limit);
    let mut out = std::io::stdout().lock();
    if ctx.json {
        let list: Vec<ListEntry<'_>> = latest.iter().map(|a| ListEntry::of(a)).collect();
        writeln!(
            out,
            "{}",
            render::json::to_pretty(&serde_json::json!({ "articles": list }))
        )?;
    } else {
        write!(out, "{}", render::text::article_list(&latest, ctx.style))?;
    }
    Ok(ExitCode::SUCCESS)
}
