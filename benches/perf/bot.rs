//! The bot, end to end: the real delivery (`jianbao::bot::delivery`, with its sender at
//! Telegram's default limits) long-polls the strict fake Bot API server from the
//! tests, over loopback HTTP. For each request an update is queued at the fake and the clock
//! runs until the reply's `sendMessage` has been answered by the fake. Every request comes
//! from a new private chat, so the per-chat limits (1 message a second) never apply.
//!
//! The "spaced" series leaves `gap` after each reply, so nothing ever waits: it is the bot's
//! own update-to-reply time. The "back-to-back" series sends the next update as soon as the
//! reply is in. (With teloxide's `Throttle`, each back-to-back reply waited for its 250 ms
//! worker pass; the sender's limiter waits only for a chat's own window, so the two series
//! should now agree.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use jianbao::answer::Engine;
use jianbao::bot::sender::{Limits, RetryPolicy, Telegram};
use jianbao::bot::{Handlers, State, delivery};
use jianbao::chat::Memory;
use jianbao::config::Config;
use serde::{Deserialize, Serialize};
use teloxide::prelude::*;

use crate::common::fake_telegram::{BotProfile, FakeTelegram, updates};
use crate::stats::Latency;

const TOKEN: &str = "123456:PERF-bench_token";
const WAIT: Duration = Duration::from_secs(30);
/// Requests per fake server and dispatcher. The fake keeps every call and searches them
/// from the oldest, so a long run would slow the observer; a fresh pair every batch keeps
/// that cost in microseconds.
const BATCH: usize = 50;
/// Untimed requests at the start of each batch (the HTTP connections are opened then).
const WARMUP: usize = 2;
/// Chat ids of the simulated readers start here.
const FIRST_CHAT: i64 = 10_000_000;

/// Update-to-reply figures of the bot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BotResult {
    pub gap_ms: u64,
    /// `/search <query>`, spaced: update queued → first reply answered by the fake.
    pub search: Latency,
    /// A plain question, spaced.
    pub question: Latency,
    /// Update queued → `sendChatAction` (long-poll answer, dispatch, the handler's first
    /// call), over both kinds.
    pub delivery: Latency,
    /// `sendChatAction` → reply: answering, rendering and sending, over both kinds.
    pub handling: Latency,
    /// `/search`, back to back: includes Throttle's wait.
    pub back_to_back_search: Latency,
}

/// What the bot is asked.
pub struct Requests<'a> {
    pub queries: &'a [String],
    pub questions: &'a [String],
    /// Spaced requests of each kind.
    pub per_kind: usize,
    /// Back-to-back searches.
    pub back_to_back: usize,
    pub gap: Duration,
}

/// Builds the engine on `dir` and measures the bot on it.
pub fn measure(dir: &std::path::Path, requests: &Requests) -> anyhow::Result<BotResult> {
    let config = Config {
        corpus: dir.to_path_buf(),
        ..Config::default()
    };
    let engine = Arc::new(Engine::load(&config.engine_options(), &|_, _| {})?);
    // `jianbao serve` merges the segments in the background right after start; measure
    // the bot as it runs from then on.
    engine.compact_index();
    // As `jianbao serve` runs it: a multi-threaded runtime with one worker per core.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut search = Vec::new();
        let mut question = Vec::new();
        let mut delivery = Vec::new();
        let mut handling = Vec::new();
        let mut next_chat = FIRST_CHAT;
        let spaced: Vec<(bool, &str)> = (0..requests.per_kind)
            .flat_map(|i| {
                let q = &requests.queries[i % requests.queries.len()];
                let question = &requests.questions[i % requests.questions.len()];
                [(true, q.as_str()), (false, question.as_str())]
            })
            .collect();
        for batch in spaced.chunks(BATCH) {
            let bot = TestBot::start(&engine, &config).await?;
            let message = |&(is_search, text): &(bool, &str)| {
                if is_search {
                    format!("/search {text}")
                } else {
                    text.to_string()
                }
            };
            for request in batch.iter().take(WARMUP) {
                next_chat += 1;
                bot.round_trip(next_chat, &message(request)).await;
                tokio::time::sleep(requests.gap).await;
            }
            for request in batch {
                next_chat += 1;
                let is_search = request.0;
                let (action, reply) = bot.round_trip(next_chat, &message(request)).await;
                delivery.push(action);
                handling.push(reply - action);
                if is_search {
                    search.push(reply);
                } else {
                    question.push(reply);
                }
                tokio::time::sleep(requests.gap).await;
            }
            bot.stop().await;
        }

        let mut back_to_back = Vec::new();
        let queries: Vec<&String> = requests
            .queries
            .iter()
            .cycle()
            .take(requests.back_to_back)
            .collect();
        for batch in queries.chunks(BATCH) {
            let bot = TestBot::start(&engine, &config).await?;
            for q in batch.iter().take(WARMUP) {
                next_chat += 1;
                bot.round_trip(next_chat, &format!("/search {q}")).await;
            }
            for q in batch {
                next_chat += 1;
                let (_, reply) = bot.round_trip(next_chat, &format!("/search {q}")).await;
                back_to_back.push(reply);
            }
            bot.stop().await;
        }
        Ok(BotResult {
            gap_ms: requests.gap.as_millis() as u64,
            search: Latency::of(&search),
            question: Latency::of(&question),
            delivery: Latency::of(&delivery),
            handling: Latency::of(&handling),
            back_to_back_search: Latency::of(&back_to_back),
        })
    })
}

/// A fake Bot API server with the bot's dispatcher polling it.
struct TestBot {
    fake: FakeTelegram,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<std::io::Result<delivery::Outcome>>,
}

impl TestBot {
    async fn start(engine: &Arc<Engine>, config: &Config) -> anyhow::Result<TestBot> {
        let profile = BotProfile::default();
        let state = Arc::new(State {
            engine: Arc::new(jianbao::answer::LiveEngine::new(Arc::clone(engine))),
            memory: Memory::default(),
            username: profile.username.clone(),
            bot_id: UserId(profile.id as u64),
            sizes: config.list_sizes(),
            feed_admin: None,
            following: None,
        });
        let fake = FakeTelegram::start_with(TOKEN, profile).await;
        let tg = Arc::new(Telegram::new(
            TOKEN,
            fake.api_url().parse()?,
            Limits::default(),
            RetryPolicy::default(),
        )?);
        let handlers = Arc::new(Handlers {
            tg: Arc::clone(&tg),
            state,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(delivery::run(
            tg,
            handlers,
            delivery::Settings::default(),
            async move {
                let _ = stopped.await;
            },
        ));
        if !fake.wait_for_poll(WAIT).await {
            anyhow::bail!("the bot did not start polling the fake Bot API server");
        }
        Ok(TestBot {
            fake,
            stop,
            running,
        })
    }

    /// Queues `text` from a new private chat `chat`; returns the time until the handler's
    /// `sendChatAction` and until the first `sendMessage` were answered by the fake.
    async fn round_trip(&self, chat: i64, text: &str) -> (Duration, Duration) {
        let reader = updates::user(chat, "读者", None);
        let update = updates::private_text(&reader, text);
        let for_chat = |p: &serde_json::Value| p["chat_id"] == chat;
        let started = Instant::now();
        self.fake.push_update(update);
        self.fake.wait_for("sendChatAction", for_chat, WAIT).await;
        let action = started.elapsed();
        self.fake.wait_for("sendMessage", for_chat, WAIT).await;
        (action, started.elapsed())
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = tokio::time::timeout(WAIT, self.running).await;
        let rejections = self.fake.rejections();
        if !rejections.is_empty() {
            eprintln!("perf: the fake Bot API refused: {rejections:?}");
        }
        self.fake.shutdown().await;
    }
}
