//! `jianbao ask QUESTION` and `jianbao ask --batch`: the sentence that answers, with its
//! citation, or a plain "not found" with a search suggestion.

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read one question per line from stdin and print one JSON line per question.
    #[arg(long, conflicts_with = "question")]
    batch: bool,
    /// The question, in plain words.
    #[arg(required_unless_present = "batch", num_args = 1.., allow_hyphen_values = true)]
    question: Vec<String>,
}

pub(crate) fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let engine = ctx.engine()?;
    let mut out = std::io::stdout().lock();
    if args.batch {
        let engine = std::sync::Arc::new(engine);
        super::merge_while_answering(&engine);
        for line in super::batch_lines(std::io::stdin().lock()) {
            let answer = engine.ask(line?.trim());
            writeln!(out, "{}", render::json::to_line(&answer))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let answer = engine.ask(&args.question.join(" "));
    if ctx.json {
        writeln!(out, "{}", render::json::to_pretty(&answer))?;
    } else {
        write!(out, "{}", render::text::answer(&answer, ctx.style))?;
    }
    Ok(ExitCode::SUCCESS)
}
