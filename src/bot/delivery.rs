//! Getting updates to handlers without losing or repeating any, and without one chat
//! holding up another:
//!
//! - **Own long polling** with explicit offsets (`getUpdates`), a backoff of at most
//!   [`MAX_POLL_BACKOFF`] that resets on the first success.
//! - **A spool** (a JSON Lines file): every update is written there before the next poll
//!   confirms it to Telegram, and marked done once handled. After a stop, a crash or
//!   SIGKILL, what was received and not handled is handled on the next start; what was
//!   handled is not handled again (after SIGKILL, an update being handled at that moment may
//!   be handled twice, never lost). Without a spool path, a stop can lose the backlog.
//! - **Per-chat queues**: a chat's messages are handled in order, one at a time, by that
//!   chat's own task; at most [`Settings::chat_queue`] wait, and beyond that they are
//!   refused with one polite notice per burst (the handler's [`Handler::too_busy`]).
//!   Callback queries and inline queries never wait in a queue.
//! - **A stop within a grace period**: polling stops at once; handlers get most of
//!   [`Settings::grace`] to finish what is queued. Then sending stops
//!   ([`Telegram::stop_sending`]): a handler whose message is on the wire finishes, one that
//!   has not sent yet gives up ([`Handled::Interrupted`]) and its update stays in the spool
//!   for the next start. Only a request that hangs past the grace period is cut off (its
//!   update may then be answered again after the restart, never lost).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use teloxide::requests::Payload;
use teloxide::types::Update;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::sender::Telegram;

/// Longest wait between two failed polls.
pub(crate) const MAX_POLL_BACKOFF: Duration = Duration::from_secs(4);
/// The most of the grace period kept for requests already on the wire when sending stops.
pub(crate) const MAX_IN_FLIGHT: Duration = Duration::from_secs(3);
/// Long-poll timeout asked of `getUpdates`, in seconds.
pub(crate) const POLL_SECONDS: u32 = 10;
/// The update kinds the bot asks for (others are never delivered).
pub(crate) const ALLOWED_UPDATES: &[&str] = &["message", "callback_query", "inline_query"];

/// How delivery behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Messages that may wait per chat; more are refused with one notice per burst.
    pub chat_queue: usize,
    /// Time handlers get to finish after a stop is asked for.
    pub grace: Duration,
    /// The spool file; `None` keeps nothing across restarts.
    pub spool: Option<PathBuf>,
    /// Handlers of messages running at once, over all chats.
    pub parallel: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            chat_queue: 24,
            grace: Duration::from_secs(10),
            spool: None,
            parallel: 8,
        }
    }
}

/// Where an update goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Handled at once, beside everything else (button presses, inline queries).
    Now,
    /// Handled in this chat's queue, in order.
    Chat { chat: i64 },
    /// Nothing to do (group chatter, edits).
    Ignore,
}

/// What became of an update given to [`Handler::handle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Handled completely: every reply sent, or given up for good.
    Done,
    /// Not finished because the bot is stopping: to be handled again on the next start.
    Interrupted,
}

/// What the bot does with updates.
pub trait Handler: Send + Sync + 'static {
    fn route(&self, update: &Update) -> Route;
    /// Handles one update (see [`Handled`]).
    fn handle(&self, update: Update) -> impl Future<Output = Handled> + Send + '_;
    /// Tells a chat whose queue is full that its requests are refused for now; `refused`
    /// is the update that overflowed it (whose sender's language the notice is in).
    fn too_busy(&self, chat: i64, refused: Update) -> impl Future<Output = ()> + Send + '_;
}

/// `getUpdates`, answered as raw JSON so each update can be spooled as received and one
/// that does not parse cannot hide the rest.
#[derive(Debug, Clone, Serialize)]
struct GetUpdates {
    offset: i64,
    timeout: u32,
    limit: u32,
    allowed_updates: &'static [&'static str],
}

impl Payload for GetUpdates {
    type Output = Vec<Value>;
    const NAME: &'static str = "GetUpdates";
    fn timeout_hint(&self) -> Option<Duration> {
        Some(Duration::from_secs(u64::from(self.timeout)))
    }
}

/// The spool: `{"update": …}` when received, `{"done": id}` when handled, `{"seen": id}`
/// for the newest id ever received (kept by compaction).
struct Spool {
    path: Option<PathBuf>,
    file: Mutex<Option<std::io::BufWriter<std::fs::File>>>,
    /// Lines appended since the file was last rewritten.
    written: std::sync::atomic::AtomicUsize,
}

/// Lines appended to the spool after which it is rewritten while the bot runs, so a bot
/// that runs for months keeps a file of about this size (two lines per update).
pub(crate) const COMPACT_AFTER_LINES: usize = 10_000;

/// What a spool held at start.
struct Replay {
    pending: Vec<Value>,
    seen: i64,
}

fn update_id(v: &Value) -> Option<i64> {
    v["update_id"].as_i64()
}

impl Spool {
    fn open(path: Option<PathBuf>) -> std::io::Result<(Self, Replay)> {
        let mut replay = Replay {
            pending: Vec::new(),
            seen: 0,
        };
        let Some(path) = path else {
            return Ok((
                Self {
                    path: None,
                    file: Mutex::new(None),
                    written: Default::default(),
                },
                replay,
            ));
        };
        let mut pending: BTreeMap<i64, Value> = BTreeMap::new();
        match std::fs::File::open(&path) {
            Ok(f) => {
                for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
                    let line = line?;
                    let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                        // A line cut short by a kill: the update in it was not confirmed
                        // (the next poll confirms), so Telegram sends it again.
                        tracing::warn!(
                            "{}:{}: unreadable spool line; skipped",
                            path.display(),
                            i + 1
                        );
                        continue;
                    };
                    if let Some(u) = entry.get("update")
                        && let Some(id) = update_id(u)
                    {
                        replay.seen = replay.seen.max(id);
                        pending.insert(id, u.clone());
                    } else if let Some(id) = entry["done"].as_i64() {
                        pending.remove(&id);
                    } else if let Some(id) = entry["seen"].as_i64() {
                        replay.seen = replay.seen.max(id);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        replay.pending = pending.into_values().collect();
        let spool = Self {
            path: Some(path),
            file: Mutex::new(None),
            written: Default::default(),
        };
        spool.compact(&replay.pending, replay.seen)?;
        Ok((spool, replay))
    }

    /// Rewrites the spool with only `pending` (atomically: a new file renamed over).
    fn compact(&self, pending: &[Value], seen: i64) -> std::io::Result<()> {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        self.rewrite(&mut guard, pending, seen)
    }

    /// Rewrites the spool with what is unhandled now, while handlers run. The file stays
    /// locked while `unhandled` is read, and a handler takes its update out of `unhandled`
    /// before it writes the update's `done` line ([`Shared::finish`]), so an update is
    /// either kept (its `done` comes after) or gone for good; none is repeated after a
    /// restart.
    fn compact_running(
        &self,
        unhandled: &Mutex<BTreeMap<i64, Value>>,
        seen: i64,
    ) -> std::io::Result<()> {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let pending: Vec<Value> = unhandled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        self.rewrite(&mut guard, &pending, seen)
    }

    fn rewrite(
        &self,
        guard: &mut std::sync::MutexGuard<'_, Option<std::io::BufWriter<std::fs::File>>>,
        pending: &[Value],
        seen: i64,
    ) -> std::io::Result<()> {
        self.written.store(0, Ordering::Relaxed);
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(mut f) = guard.take() {
            f.flush()?;
        }
        let tmp = path.with_extension("tmp");
        {
            let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            writeln!(w, "{}", serde_json::json!({ "seen": seen }))?;
            for u in pending {
                writeln!(w, "{}", serde_json::json!({ "update": u }))?;
            }
            w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        let file = std::fs::OpenOptions::new().append(true).open(path)?;
        **guard = Some(std::io::BufWriter::new(file));
        Ok(())
    }

    /// Lines appended since the last rewrite.
    fn written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    fn append(&self, lines: impl IntoIterator<Item = Value>) {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let Some(f) = guard.as_mut() else { return };
        let mut result = Ok(());
        for line in lines {
            result = result.and_then(|()| writeln!(f, "{line}"));
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        if let Err(e) = result.and_then(|()| f.flush()) {
            tracing::error!("cannot write the update spool: {e}");
        }
    }

    fn received(&self, updates: &[Value]) {
        self.append(updates.iter().map(|u| serde_json::json!({ "update": u })));
    }

    fn done(&self, id: i64) {
        self.append([serde_json::json!({ "done": id })]);
    }
}

/// One chat's waiting messages.
#[derive(Default)]
struct ChatQueue {
    waiting: VecDeque<(i64, Update)>,
    running: bool,
    /// A refusal notice went out in this burst (reset when the queue empties).
    refused: bool,
}

struct Shared<H> {
    handler: Arc<H>,
    spool: Spool,
    chats: Mutex<HashMap<i64, ChatQueue>>,
    /// Updates received and not yet handled, for compaction at the end.
    unhandled: Mutex<BTreeMap<i64, Value>>,
    parallel: Semaphore,
    settings: Settings,
    /// Set when sending stops near the end of the grace period: chat workers take no new
    /// update.
    closing: AtomicBool,
}

impl<H: Handler> Shared<H> {
    /// Marks an update handled: out of `unhandled` first, then its `done` line (the order
    /// [`Spool::compact_running`] relies on).
    fn finish(&self, id: i64) {
        self.unhandled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        self.spool.done(id);
    }
}

/// How a run ended.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Updates received (or replayed) and handled.
    pub(crate) handled: usize,
    /// Updates left unhandled at the end of the grace period (kept in the spool).
    pub left: usize,
}

/// Polls and handles updates until `stop` resolves, then finishes within the grace period.
pub async fn run<H: Handler>(
    tg: Arc<Telegram>,
    handler: Arc<H>,
    settings: Settings,
    stop: impl Future<Output = ()> + Send,
) -> std::io::Result<Outcome> {
    let (spool, replay) = Spool::open(settings.spool.clone())?;
    let shared = Arc::new(Shared {
        handler,
        spool,
        chats: Mutex::new(HashMap::new()),
        unhandled: Mutex::new(BTreeMap::new()),
        parallel: Semaphore::new(settings.parallel.max(1)),
        settings: settings.clone(),
        closing: AtomicBool::new(false),
    });
    let mut tasks = JoinSet::new();
    let handled = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut seen = replay.seen;
    if !replay.pending.is_empty() {
        tracing::info!(
            "handling {} updates left from the last run",
            replay.pending.len()
        );
    }
    for u in replay.pending {
        deliver(&shared, &mut tasks, &handled, u);
    }
    let mut stop = std::pin::pin!(stop);
    let mut failures = 0u32;
    loop {
        let poll = GetUpdates {
            offset: seen + 1,
            timeout: POLL_SECONDS,
            limit: 100,
            allowed_updates: ALLOWED_UPDATES,
        };
        let result = tokio::select! {
            biased;
            () = &mut stop => break,
            r = tg.call_within(&poll, Duration::ZERO) => r,
        };
        // Reap finished tasks so the set does not grow for the life of the process.
        while tasks.try_join_next().is_some() {}
        match result {
            Ok(updates) => {
                failures = 0;
                let fresh: Vec<Value> = updates
                    .into_iter()
                    .filter(|u| update_id(u).is_some_and(|id| id > seen))
                    .collect();
                // Written down before the next poll confirms them to Telegram.
                shared.spool.received(&fresh);
                for u in fresh {
                    seen = seen.max(update_id(&u).unwrap_or(seen));
                    deliver(&shared, &mut tasks, &handled, u);
                }
                if shared.spool.written() >= COMPACT_AFTER_LINES
                    && let Err(e) = shared.spool.compact_running(&shared.unhandled, seen)
                {
                    tracing::warn!("cannot rewrite the update spool (it keeps growing): {e}");
                }
            }
            Err(e) => {
                failures += 1;
                let wait = Duration::from_millis(250)
                    .saturating_mul(1 << failures.min(5))
                    .min(MAX_POLL_BACKOFF);
                tracing::warn!(
                    "getUpdates failed ({}); polling again in {wait:?}",
                    super::redact(&e.to_string(), tg.token())
                );
                tokio::select! {
                    biased;
                    () = &mut stop => break,
                    () = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
    tracing::info!(
        "stopping: finishing what is queued (at most {:?})",
        settings.grace
    );
    // Most of the grace period for the queues; the rest for replies already on the wire
    // once sending stops.
    let in_flight = (settings.grace / 4).min(MAX_IN_FLIGHT);
    let drained = tokio::time::timeout(settings.grace - in_flight, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tg.stop_sending();
        shared.closing.store(true, Ordering::SeqCst);
        let finished = tokio::time::timeout(in_flight, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                "{} handlers still waiting for Telegram; cut off (their updates may be answered again after the restart)",
                tasks.len()
            );
            tasks.shutdown().await;
        }
    }
    let left: Vec<Value> = shared
        .unhandled
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .values()
        .cloned()
        .collect();
    if !left.is_empty() {
        if settings.spool.is_some() {
            tracing::warn!(
                "{} updates not handled in time; kept for the next start",
                left.len()
            );
        } else {
            tracing::warn!(
                "{} updates not handled in time and lost (no spool)",
                left.len()
            );
        }
    }
    shared.spool.compact(&left, seen)?;
    Ok(Outcome {
        handled: handled.load(Ordering::Relaxed),
        left: left.len(),
    })
}

/// Routes one received update: to a task now, to its chat's queue, or to done.
fn deliver<H: Handler>(
    shared: &Arc<Shared<H>>,
    tasks: &mut JoinSet<()>,
    handled: &Arc<std::sync::atomic::AtomicUsize>,
    raw: Value,
) {
    let Some(id) = update_id(&raw) else { return };
    // From text, not from the `Value`: teloxide's types borrow strings while deserialising.
    let update: Update = match serde_json::from_str(&raw.to_string()) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!("update {id} is not understood ({e}); skipped");
            shared.spool.done(id);
            return;
        }
    };
    let count = {
        let handled = Arc::clone(handled);
        move || {
            handled.fetch_add(1, Ordering::Relaxed);
        }
    };
    match shared.handler.route(&update) {
        Route::Ignore => {
            shared.spool.done(id);
            count();
        }
        Route::Now => {
            shared
                .unhandled
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, raw);
            let shared = Arc::clone(shared);
            tasks.spawn(async move {
                if shared.handler.handle(update).await == Handled::Done {
                    shared.finish(id);
                    count();
                }
            });
        }
        Route::Chat { chat } => {
            let mut chats = shared.chats.lock().unwrap_or_else(|e| e.into_inner());
            let queue = chats.entry(chat).or_default();
            if queue.waiting.len() >= shared.settings.chat_queue {
                let notify = !queue.refused;
                queue.refused = true;
                drop(chats);
                tracing::info!("chat {chat}: queue full; update {id} refused");
                shared.spool.done(id);
                count();
                if notify {
                    let shared = Arc::clone(shared);
                    tasks.spawn(async move { shared.handler.too_busy(chat, update).await });
                }
                return;
            }
            queue.waiting.push_back((id, update));
            shared
                .unhandled
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, raw);
            if queue.running {
                return;
            }
            queue.running = true;
            drop(chats);
            let shared = Arc::clone(shared);
            let handled = Arc::clone(handled);
            tasks.spawn(async move { work_chat(shared, chat, handled).await });
        }
    }
}

/// A chat's worker: handles its queue in order until it is empty.
async fn work_chat<H: Handler>(
    shared: Arc<Shared<H>>,
    chat: i64,
    handled: Arc<std::sync::atomic::AtomicUsize>,
) {
    loop {
        if shared.closing.load(Ordering::SeqCst) {
            return;
        }
        let next = {
            let mut chats = shared.chats.lock().unwrap_or_else(|e| e.into_inner());
            let Some(queue) = chats.get_mut(&chat) else {
                return;
            };
            match queue.waiting.pop_front() {
                Some(item) => Some(item),
                None => {
                    chats.remove(&chat);
                    None
                }
            }
        };
        let Some((id, update)) = next else { return };
        let outcome = {
            let _permit = shared.parallel.acquire().await;
            shared.handler.handle(update).await
        };
        match outcome {
            Handled::Done => {
                shared.finish(id);
                handled.fetch_add(1, Ordering::Relaxed);
            }
            // Stays in the spool (and in `unhandled`) with the rest of the queue.
            Handled::Interrupted => return,
        }
    }
}

/// The spool path's folder exists (created if needed).
pub(crate) fn prepare_spool(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(id: i64) -> Value {
        serde_json::json!({ "update_id": id, "message": { "text": format!("u{id}") } })
    }

    #[test]
    fn a_running_spool_is_rewritten_with_only_what_is_unhandled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("updates.jsonl");
        let (spool, replay) = Spool::open(Some(path.clone())).unwrap();
        assert!(replay.pending.is_empty());
        let updates: Vec<Value> = (1..=5).map(update).collect();
        spool.received(&updates);
        let unhandled = Mutex::new(BTreeMap::new());
        for u in &updates {
            unhandled
                .lock()
                .unwrap()
                .insert(update_id(u).unwrap(), u.clone());
        }
        for id in [1, 2, 4] {
            unhandled.lock().unwrap().remove(&id);
            spool.done(id);
        }
        assert_eq!(spool.written(), 8);
        spool.compact_running(&unhandled, 5).unwrap();
        assert_eq!(spool.written(), 0);
        // Handled after the rewrite: its `done` goes to the new file.
        unhandled.lock().unwrap().remove(&3);
        spool.done(3);
        drop(spool);
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert_eq!(lines, 4, "seen, two pending, one done");
        let (_, replay) = Spool::open(Some(path)).unwrap();
        let pending: Vec<i64> = replay.pending.iter().filter_map(update_id).collect();
        assert_eq!((pending, replay.seen), (vec![5], 5));
    }
}
