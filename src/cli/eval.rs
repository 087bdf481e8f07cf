//! `jianbao eval [--data DIR] [--only cmrc,drcd,lcsts] [--limit N]`: retrieval, answer and
//! lede quality on the public data; see `docs/EVAL.md` for the recorded results.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::eval::{self, Options};
use crate::render;
use crate::text::Segmenter;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The public data folder (with cmrc2018/, drcd/, lcsts_part3/, xinwenlianbo/).
    #[arg(long, default_value = "../shared/data", env = "JIANBAO_EVAL_DATA")]
    data: PathBuf,
    /// Only these datasets (comma-separated: cmrc, drcd, lcsts).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// At most this many questions (LCSTS records) per dataset, for a quick run.
    #[arg(long)]
    limit: Option<usize>,
    /// Write the questions whose best sentence missed the answer to FILE.<dataset>.jsonl.
    #[arg(long, value_name = "FILE")]
    dump: Option<PathBuf>,
    /// Index the dataset paragraphs without their titles, as the Python baseline does.
    #[arg(long)]
    no_titles: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let segmenter = Segmenter::load(Some(&ctx.config.user_dict), Some(&ctx.config.stop_words))?;
    let mut options = Options::new(args.data);
    options.only = args.only;
    options.limit = args.limit;
    options.dump = args.dump;
    options.no_titles = args.no_titles;
    let report = eval::run(&options, &ctx.config, &segmenter)?;
    let mut out = std::io::stdout().lock();
    if ctx.json {
        writeln!(out, "{}", render::json::to_pretty(&report))?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in &report.skipped {
        writeln!(out, "skipped: {s}")?;
    }
    if !report.qa.is_empty() {
        writeln!(
            out,
            "| dataset | questions | docs | R@1 | R@5 | MRR@10 | answer@1 | answer@3 | answered | correct when answered | answered without source | ms/question |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|---|")?;
        for r in &report.qa {
            writeln!(
                out,
                "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} |",
                r.dataset,
                r.questions,
                r.documents,
                r.recall_at_1,
                r.recall_at_5,
                r.mrr_at_10,
                r.answer_at_1,
                r.answer_at_3,
                r.answered,
                r.answered_correct,
                r.answered_without_source,
                r.ms_per_question
            )?;
        }
    }
    if let Some(l) = &report.lcsts {
        writeln!(
            out,
            "\nLCSTS part III, rated >= 3 ({} records), char-level F1:",
            l.records
        )?;
        writeln!(
            out,
            "| summary | ROUGE-1 | ROUGE-2 | ROUGE-L |\n|---|---|---|---|"
        )?;
        writeln!(
            out,
            "| lede | {:.3} | {:.3} | {:.3} |",
            l.lede.rouge_1, l.lede.rouge_2, l.lede.rouge_l
        )?;
        writeln!(
            out,
            "| Lead-1 | {:.3} | {:.3} | {:.3} |",
            l.lead1.rouge_1, l.lead1.rouge_2, l.lead1.rouge_l
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
