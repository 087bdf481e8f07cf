//! `jianbao eval [--data DIR] [--only cmrc,drcd,lcsts,pages] [--limit N]`: retrieval,
//! answer, lede and page-reading quality on the public data; see `docs/EVAL.md` for the
//! recorded results.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::eval::{self, Options, PagesReport, Rate};
use crate::render;
use crate::text::Segmenter;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The public data folder (with cmrc2018/, drcd/, lcsts_part3/, xinwenlianbo/, news_pages/).
    #[arg(long, default_value = "../shared/data", env = "JIANBAO_EVAL_DATA")]
    data: PathBuf,
    /// Only these datasets (comma-separated: cmrc, drcd, lcsts, pages, news).
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
    /// With `pages`: also list each page that missed something, and what was read.
    #[arg(long)]
    verbose: bool,
    /// The news questions (JSON Lines: id, question, kind, asked_on, answers, story_ids).
    #[arg(long, value_name = "FILE", default_value = "eval/news_questions.jsonl")]
    questions: PathBuf,
    /// The seed article the news questions' `seed` kind asks about.
    #[arg(long, value_name = "PATH", default_value = "seeds")]
    seed: PathBuf,
}

pub(crate) fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let segmenter = Segmenter::load(
        Some(&ctx.config.user_dict),
        Some(&ctx.config.stop_words),
        Some(&ctx.config.synonyms),
    )?;
    let mut options = Options::new(args.data);
    options.only = args.only;
    options.limit = args.limit;
    options.dump = args.dump;
    options.no_titles = args.no_titles;
    options.news_questions = args.questions;
    options.seed = args.seed;
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
    if let Some(p) = &report.pages {
        write_pages(&mut out, p, args.verbose)?;
    }
    if let Some(n) = &report.news {
        writeln!(
            out,
            "\nNews questions ({} questions, {} documents), over all the 新闻联播 stories and the seed:",
            n.questions, n.documents
        )?;
        writeln!(
            out,
            "| part | answerable | answer@1 | wrong story | right story, wrong sentence | declined | best sentence@1 | unanswerable | unanswerable answered |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
        for p in &n.parts {
            writeln!(
                out,
                "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {:.3} |",
                p.part,
                p.answerable,
                p.answer_at_1,
                p.wrong_story,
                p.wrong_sentence,
                p.declined,
                p.best_sentence_at_1,
                p.unanswerable,
                p.unanswerable_answered
            )?;
        }
        if n.seed.questions > 0 {
            writeln!(
                out,
                "\nSeed questions: {} of {} answered over the seed alone, {} with 新闻联播 loaded; {} the same both ways.",
                n.seed.alone, n.seed.questions, n.seed.loaded, n.seed.same_both_ways
            )?;
        }
        writeln!(
            out,
            "\nReliability ({} questions): | confidence | questions | mean confidence | best sentence correct |",
            n.reliability_of
        )?;
        writeln!(out, "|---|---|---|---|")?;
        for b in &n.reliability {
            writeln!(
                out,
                "| {:.1}–{:.1} | {} | {:.2} | {:.2} |",
                b.from, b.to, b.questions, b.mean_confidence, b.correct
            )?;
        }
        writeln!(
            out,
            "\nindex {:.1} s, {:.2} ms/question",
            n.index_seconds, n.ms_per_question
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The page-reading table: one column per kind of copy, the rows of `score.py`.
fn write_pages(out: &mut impl Write, p: &PagesReport, verbose: bool) -> std::io::Result<()> {
    let rate = |r: &Rate| format!("{}/{} ({:.0}%)", r.hits, r.of, 100.0 * r.share());
    writeln!(
        out,
        "\nNews pages ({} pages): title, date, source and body as read\n",
        p.html.pages
    )?;
    writeln!(out, "| figure | HTML | text copy |\n|---|---|---|")?;
    let (h, t) = (&p.html, &p.txt);
    let rows: [(&str, &Rate, &Rate); 9] = [
        (
            "title exact (NFKC, no spaces)",
            &h.title_exact,
            &t.title_exact,
        ),
        (
            "title contains (lenient)",
            &h.title_contains,
            &t.title_contains,
        ),
        ("date", &h.date, &t.date),
        ("source/outlet exact", &h.source, &t.source),
        (
            "source/outlet contains",
            &h.source_contains,
            &t.source_contains,
        ),
        ("body start found", &h.body_start, &t.body_start),
        ("body end found", &h.body_end, &t.body_end),
        ("no furniture leak", &h.no_leak, &t.no_leak),
        ("**start+end+no leak**", &h.body, &t.body),
    ];
    writeln!(
        out,
        "| loaded | {}/{} | {}/{} |",
        h.loaded, h.pages, t.loaded, t.pages
    )?;
    for (label, a, b) in rows {
        writeln!(out, "| {label} | {} | {} |", rate(a), rate(b))?;
    }
    writeln!(
        out,
        "| mean true-line recall | {:.3} | {:.3} |",
        h.mean_line_recall, t.mean_line_recall
    )?;
    writeln!(
        out,
        "| mean paragraph precision | {:.3} | {:.3} |",
        h.mean_precision, t.mean_precision
    )?;
    writeln!(
        out,
        "\nHTML reading time per page: median {:.2} ms, slowest {:.2} ms",
        p.html_ms_median, p.html_ms_max
    )?;
    if verbose {
        for f in [h, t] {
            writeln!(out, "\n{} misses:", f.mode)?;
            for m in &f.misses {
                writeln!(out, "  {}: {}", m.name, m.notes.join("; "))?;
            }
        }
    }
    Ok(())
}
