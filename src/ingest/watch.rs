//! The corpus folder, watched: a file added, changed (an editor's save by rename included)
//! or removed is read, re-indexed or dropped while the bot runs. Events come from the
//! system's file notifications through notify's debouncer (one settled event per burst of
//! writes); where the system gives none, a polling watcher scans the folder instead.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::answer::{Change, Following, LiveEngine};
use crate::corpus::{self, LoadOptions};

/// How long the debouncer waits for a burst of events on one file to settle.
const SETTLE: Duration = Duration::from_millis(150);
/// How often the polling watcher scans, when it is the one used.
const POLL_EVERY: Duration = Duration::from_millis(500);

/// A running watcher; dropping it stops watching.
pub struct Watching {
    _inner: Box<dyn std::any::Any + Send>,
    /// Whether the polling watcher is in use (no file-system events here).
    pub polling: bool,
}

impl std::fmt::Debug for Watching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watching")
            .field("polling", &self.polling)
            .finish()
    }
}

/// Maps event paths (absolute) back to the corpus's own spelling of them, which is how
/// articles name the files they came from.
#[derive(Debug, Clone)]
struct Paths {
    root: PathBuf,
    canonical: PathBuf,
}

impl Paths {
    fn corpus_path(&self, event: &Path) -> Option<PathBuf> {
        let rel = event
            .strip_prefix(&self.canonical)
            .or_else(|_| event.strip_prefix(&self.root))
            .ok()?;
        // Hidden files and folders are not read at loading either (editors' swap files).
        if rel.components().any(|c| match c {
            Component::Normal(n) => n.to_string_lossy().starts_with('.'),
            _ => false,
        }) {
            return None;
        }
        Some(if rel.as_os_str().is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        })
    }
}

/// Starts watching the corpus folder `root`; changes go to `engine`, and articles in new
/// files are matched against followed topics when `following` is given. `force_polling`
/// uses the polling watcher even where notifications work.
pub fn watch(
    engine: Arc<LiveEngine>,
    root: &Path,
    options: LoadOptions,
    force_polling: bool,
    following: Option<Arc<Following>>,
) -> Result<Watching, notify::Error> {
    let canonical = root.canonicalize().map_err(notify::Error::io)?;
    let paths = Paths {
        root: root.to_path_buf(),
        canonical: canonical.clone(),
    };
    let handler = {
        let paths = paths.clone();
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                // The debouncer's thread: reading and indexing files wait for requests.
                crate::background::lower_current_thread();
                let changed: BTreeSet<PathBuf> = events
                    .iter()
                    .filter(|e| !e.kind.is_access())
                    .flat_map(|e| e.paths.iter())
                    .filter_map(|p| paths.corpus_path(p))
                    .collect();
                for path in changed {
                    refresh(&engine, &path, &options, following.as_deref());
                }
            }
            Err(errors) => {
                for e in errors {
                    tracing::warn!("watching {}: {e}", paths.root.display());
                }
            }
        }
    };
    if !force_polling {
        let handler = handler.clone();
        match new_debouncer(SETTLE, None, handler) {
            Ok(mut debouncer) => match debouncer.watch(&canonical, RecursiveMode::Recursive) {
                Ok(()) => {
                    return Ok(Watching {
                        _inner: Box::new(debouncer),
                        polling: false,
                    });
                }
                Err(e) => tracing::warn!(
                    "no file notifications for {} ({e}); scanning it every {} ms instead",
                    root.display(),
                    POLL_EVERY.as_millis()
                ),
            },
            Err(e) => tracing::warn!(
                "no file notifications ({e}); scanning {} every {} ms instead",
                root.display(),
                POLL_EVERY.as_millis()
            ),
        }
    }
    let config = notify::Config::default()
        .with_poll_interval(POLL_EVERY)
        .with_compare_contents(false);
    let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, _>(
        SETTLE,
        None,
        handler,
        notify_debouncer_full::NoCache,
        config,
    )?;
    debouncer.watch(&canonical, RecursiveMode::Recursive)?;
    Ok(Watching {
        _inner: Box::new(debouncer),
        polling: true,
    })
}

/// Brings the corpus in line with what is at `path` now: a file read (or dropped when it no
/// longer holds articles), a folder read file by file, a missing path's articles removed.
/// Articles new to the corpus raise the alerts of `following`.
pub fn refresh(
    engine: &LiveEngine,
    path: &Path,
    options: &LoadOptions,
    following: Option<&Following>,
) {
    let result = if path.is_dir() {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(path)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .flatten()
        {
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
        files
            .iter()
            .try_for_each(|f| reload(engine, f, options, following).map(|_| ()))
    } else if path.is_file() {
        reload(engine, path, options, following).map(|_| ())
    } else {
        engine.remove_under(path).map(|removed| {
            if !removed.is_empty() {
                tracing::info!(
                    "{}: removed, {} articles dropped",
                    path.display(),
                    removed.len()
                );
            }
        })
    };
    if let Err(e) = result {
        tracing::warn!("{}: not re-indexed: {e}", path.display());
    }
}

fn reload(
    engine: &LiveEngine,
    file: &Path,
    options: &LoadOptions,
    following: Option<&Following>,
) -> Result<usize, crate::answer::EngineError> {
    let corpus = match corpus::load_dir(file, options) {
        Ok(c) => c,
        Err(e) => {
            // Gone between the event and now: the next event removes it.
            tracing::debug!("{}: {e}", file.display());
            return Ok(0);
        }
    };
    let n = corpus.articles.len();
    let outcomes = engine.replace_file(file, corpus.articles)?;
    if !outcomes.is_empty() {
        tracing::info!("{}: {n} articles indexed", file.display());
    }
    if let Some(following) = following {
        let snapshot = engine.snapshot();
        let added: Vec<&corpus::Article> = outcomes
            .iter()
            .filter(|o| o.change == Change::Added)
            .filter_map(|o| snapshot.article(&o.id))
            .collect();
        let alerts = following.alerts_for_articles(&added);
        if let Err(e) = following.queue(&alerts) {
            tracing::warn!("{}: alerts not queued: {e}", file.display());
        }
    }
    Ok(n)
}
