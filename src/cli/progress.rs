//! Visible loading: a progress bar on a terminal (articles, rate, time left), log lines in
//! a service (every quarter of the way), and one summary line when the index is ready.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::answer::LoadStats;

/// Reports indexing progress; give [`LoadProgress::update`] as the engine's callback.
pub(crate) struct LoadProgress {
    bar: Option<ProgressBar>,
    logged_quarter: Mutex<usize>,
    started: Instant,
}

impl LoadProgress {
    /// A bar when stderr is a terminal and logging is quiet enough not to tear it.
    pub(crate) fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} indexing {pos}/{len} articles [{bar:30}] {per_sec} · {eta} left",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        Self {
            bar,
            logged_quarter: Mutex::new(0),
            started: Instant::now(),
        }
    }

    pub(crate) fn update(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            return;
        }
        let quarter = (done * 4).checked_div(total).unwrap_or(4);
        let mut logged = self
            .logged_quarter
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if quarter > *logged && total >= 1000 {
            *logged = quarter;
            tracing::info!(
                "indexing: {done}/{total} articles ({}%) after {:.1?}",
                done * 100 / total.max(1),
                self.started.elapsed()
            );
        }
    }

    /// Clears the bar and logs what was loaded, with the rate.
    pub(crate) fn finish(&self, s: &LoadStats) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let seconds = (s.read + s.index).as_secs_f64().max(1e-9);
        tracing::info!(
            "loaded {} articles ({} paragraphs, {:.1} MB) in {:.2?} + indexed in {:.2?} ({:.1} MB/s)",
            s.articles,
            s.paragraphs,
            s.bytes as f64 / 1e6,
            s.read,
            s.index,
            s.bytes as f64 / 1e6 / seconds
        );
    }
}

impl Default for LoadProgress {
    fn default() -> Self {
        Self::new()
    }
}
