//! `jianbao chat`: the bot's conversation in a terminal, with the same command parsing and
//! answers, rendered as plain text (highlights in colour on a terminal).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use super::Context;
use crate::chat::{self, Command, Memory, Request};
use crate::render::{self, Lang};

/// Draws a trend into a PNG in the temporary folder (one file per chart of this session);
/// `None`, with a warning, if it cannot.
fn chart_file(trend: &crate::answer::Trend, lang: Lang) -> Option<std::path::PathBuf> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CHARTS: AtomicUsize = AtomicUsize::new(1);
    let path = std::env::temp_dir().join(format!(
        "jianbao-trend-{}-{}.png",
        std::process::id(),
        CHARTS.fetch_add(1, Ordering::Relaxed)
    ));
    let written = render::chart::trend_png(trend, lang)
        .map_err(anyhow::Error::from)
        .and_then(|png| std::fs::write(&path, png).map_err(anyhow::Error::from));
    match written {
        Ok(()) => Some(path),
        Err(err) => {
            tracing::warn!("cannot write the chart to {}: {err:#}", path.display());
            None
        }
    }
}

pub(crate) fn run(ctx: &Context) -> anyhow::Result<ExitCode> {
    // The feed poller runs on its own threads while this one reads the terminal.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let live = ctx.live(runtime.handle())?;
    let engine = &live.engine;
    let memory = Memory::default();
    let interactive = std::io::stdin().is_terminal();
    let mut out = std::io::stdout().lock();
    let first = chat::respond(
        &engine.snapshot(),
        &memory,
        chat::Origin::default(),
        Request::Command(Command::Start),
        ctx.config.list_sizes(),
    );
    if interactive {
        write!(out, "{}", render::text::reply(&first, ctx.style))?;
    }
    let prompt = |out: &mut std::io::StdoutLock<'_>| -> std::io::Result<()> {
        if interactive {
            write!(out, "\n简报> ")?;
            out.flush()?;
        }
        Ok(())
    };
    prompt(&mut out)?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let line = line.trim();
        if matches!(line, "/quit" | "/exit" | "/q") {
            break;
        }
        if !line.is_empty()
            && let Some(request) = chat::parse(line, "jianbao")
        {
            let reply = chat::respond(
                &engine.snapshot(),
                &memory,
                chat::Origin::default(),
                request,
                ctx.config.list_sizes(),
            );
            memory.remember_list(0, None, reply.listed_ids());
            match &reply {
                chat::Reply::Trend(trend) if render::trend::has_chart(trend) => {
                    let png = chart_file(trend, ctx.style.lang);
                    write!(
                        out,
                        "{}",
                        render::trend::trend_text(trend, png.as_deref(), ctx.style.lang)
                    )?;
                }
                _ => write!(out, "{}", render::text::reply(&reply, ctx.style))?,
            }
        }
        prompt(&mut out)?;
    }
    if interactive {
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
