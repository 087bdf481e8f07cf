//! `jianbao article ID`: one cleaned article with its metadata.

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The article's id, as shown by `search`, `latest` or `check`.
    id: String,
}

pub(crate) fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.engine()?;
    let Some(article) = engine.article(&args.id) else {
        return Ok(super::no_such_article(ctx, &args.id));
    };
    let mut out = std::io::stdout().lock();
    if ctx.json {
        writeln!(out, "{}", render::json::to_pretty(article))?;
    } else {
        write!(out, "{}", render::text::article(article, ctx.style))?;
    }
    Ok(ExitCode::SUCCESS)
}
