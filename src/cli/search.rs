//! `jianbao search [--limit N] [--page N] QUERY...` and `jianbao search --batch`.

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::answer::MAX_SEARCH_LIMIT;
use crate::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Articles per page (default: the configured search_limit).
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u16).range(1..=MAX_SEARCH_LIMIT as i64))]
    limit: Option<u16>,
    /// Page number, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    page: u16,
    /// Read one query per line from stdin and print one JSON line per query.
    #[arg(long, conflicts_with = "query")]
    batch: bool,
    /// The words to search for (a word may start with `-`: `jianbao search -黄河`).
    #[arg(required_unless_present = "batch", num_args = 1.., allow_hyphen_values = true)]
    query: Vec<String>,
}

pub(crate) fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.engine()?;
    let limit = args.limit.map_or(ctx.config.search_limit, usize::from);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.batch {
        let engine = std::sync::Arc::new(engine);
        super::merge_while_answering(&engine);
        for line in super::batch_lines(std::io::stdin().lock()) {
            let line = line?;
            let results = engine.search(line.trim(), usize::from(args.page), limit);
            writeln!(out, "{}", render::json::to_line(&results))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let query = args.query.join(" ");
    let results = engine.search(&query, usize::from(args.page), limit);
    if ctx.json {
        writeln!(out, "{}", render::json::to_pretty(&results))?;
    } else {
        write!(out, "{}", render::text::search_results(&results, ctx.style))?;
    }
    Ok(ExitCode::SUCCESS)
}
