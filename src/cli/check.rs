//! `jianbao check`: load the corpus and report every article (id, date, title, paragraph
//! count, warnings) and every file or record that was skipped. Exits 1 if a file could not
//! be read at all.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;

use super::Context;
use crate::corpus::{self, escape_controls};
use crate::render::json::{CheckEntry, to_pretty};

pub(crate) fn run(ctx: &Context) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let corpus =
        corpus::load_dir(&ctx.config.corpus, &ctx.config.load_options()).with_context(|| {
            format!(
                "cannot read the corpus folder {}",
                ctx.config.corpus.display()
            )
        })?;
    let elapsed = started.elapsed();
    let mut out = std::io::stdout().lock();
    let entries: Vec<CheckEntry<'_>> = corpus
        .articles
        .iter()
        .map(|a| CheckEntry {
            article_id: &a.id,
            date: a.date,
            date_origin: a.date_origin,
            title: &a.title,
            paragraphs: a.paragraphs.len(),
            origin: &a.origin,
            warnings: &a.warnings,
        })
        .collect();
    let ok = corpus.unreadable_files == 0;
    if ctx.json {
        let doc = serde_json::json!({
            "ok": ok,
            "articles": entries,
            "skipped": corpus.skipped,
            "unreadable_files": corpus.unreadable_files,
            "bytes": corpus.bytes,
            "seconds": elapsed.as_secs_f64(),
        });
        writeln!(out, "{}", to_pretty(&doc))?;
    } else {
        for e in &entries {
            let date = e
                .date
                .map_or_else(|| "----------".to_string(), |d| d.to_string());
            // One line per article: names and titles come from files and are escaped.
            writeln!(
                out,
                "{}\t{}\t{}\t{} ¶",
                escape_controls(e.article_id),
                date,
                escape_controls(e.title),
                e.paragraphs
            )?;
            for w in e.warnings {
                writeln!(out, "\twarning: {}", escape_controls(w))?;
            }
        }
        for s in &corpus.skipped {
            writeln!(out, "skipped: {s}")?;
        }
        writeln!(
            out,
            "{} articles, {} skipped, {} unreadable files, {:.1} MB in {:.2?}",
            entries.len(),
            corpus.skipped.len(),
            corpus.unreadable_files,
            corpus.bytes as f64 / 1e6,
            elapsed
        )?;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
