//! `jianbao trend [--year Y] [--png FILE] WORDS...`: articles per week or month about each
//! of up to three words, as sparklines (and a PNG chart when asked) or as JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use crate::answer::TrendRequest;
use crate::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Count one year only (a last word like `2024` does the same).
    #[arg(long, value_parser = clap::value_parser!(i32).range(1900..=2100))]
    year: Option<i32>,
    /// Also draw the chart into this PNG file.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Up to three words or phrases, each a line of the chart.
    #[arg(required = true, allow_hyphen_values = true, num_args = 1..)]
    words: Vec<String>,
}

pub(crate) fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.engine()?;
    let mut request = TrendRequest::parse(&args.words.join(" "));
    if args.year.is_some() {
        request.year = args.year;
    }
    let trend = engine.trend(&request);
    if let Some(path) = &args.png {
        let png = render::chart::trend_png(&trend, ctx.style.lang)?;
        std::fs::write(path, png)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    if ctx.json {
        writeln!(out, "{}", render::json::to_pretty(&trend))?;
    } else {
        write!(
            out,
            "{}",
            render::trend::trend_text(&trend, args.png.as_deref(), ctx.style.lang)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
