//! End-to-end bot tests: the real dispatcher and HTTP client against the strict fake Bot API
//! server. Every test ends by checking that Telegram would have refused nothing.

use std::sync::Arc;
use std::time::Duration;

use jianbao::answer::{Engine, LiveEngine};
use jianbao::bot::delivery::{self, Settings};
use jianbao::bot::sender::{Limits, RetryPolicy, Telegram};
use jianbao::bot::{Handlers, State};
use jianbao::chat::{ListSizes, Memory};
use jianbao::config::Config;
use jianbao::corpus::{Article, Corpus};
use serde_json::Value;
use teloxide::types::UserId;

use crate::common::fake_telegram::{FakeTelegram, updates};
use crate::common::*;

const TOKEN: &str = "123456789:TEST-token-for-the-fake";
const WAIT: Duration = Duration::from_secs(20);

/// A running bot over `engine`, polling a fresh fake server.
pub struct Running {
    pub fake: FakeTelegram,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<delivery::Outcome>>,
    pub username: String,
}

/// The client the tests use: the product's retries, with the given rate limits.
pub fn client(fake: &FakeTelegram, limits: Limits) -> Arc<Telegram> {
    Arc::new(
        Telegram::new(
            fake.token(),
            fake.api_url().parse().expect("fake URL"),
            limits,
            RetryPolicy::default(),
        )
        .expect("HTTP client"),
    )
}

/// The shared state of a bot over `engine` that `fake` knows.
pub fn state_for(fake: &FakeTelegram, engine: Arc<Engine>) -> Arc<State> {
    state_live(fake, Arc::new(LiveEngine::new(engine)))
}

/// The shared state of a bot over a live corpus (the caller may add to it meanwhile).
pub fn state_live(fake: &FakeTelegram, engine: Arc<LiveEngine>) -> Arc<State> {
    let me = fake.bot_user();
    Arc::new(State {
        engine,
        memory: Memory::default(),
        username: me["username"].as_str().unwrap_or_default().to_string(),
        bot_id: UserId(me["id"].as_u64().unwrap_or_default()),
        sizes: ListSizes {
            search: 2,
            latest: 5,
        },
        feed_admin: None,
        following: None,
    })
}

/// Starts delivery over `fake` (which it takes) with the given state, limits and settings.
pub fn run_on(
    fake: FakeTelegram,
    state: Arc<State>,
    limits: Limits,
    settings: Settings,
) -> Running {
    let tg = client(&fake, limits);
    let handlers = Arc::new(Handlers {
        tg: Arc::clone(&tg),
        state: Arc::clone(&state),
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(delivery::run(tg, handlers, settings, async move {
        let _ = stopped.await;
    }));
    Running {
        fake,
        stop: Some(stop),
        task,
        username: state.username.clone(),
    }
}

/// A running bot over a live corpus.
pub(crate) async fn start_live(engine: Arc<LiveEngine>, limits: Limits) -> Running {
    let fake = FakeTelegram::start(TOKEN).await;
    let state = state_live(&fake, engine);
    run_on(fake, state, limits, Settings::default())
}

async fn start_with(engine: Arc<Engine>, limits: Limits) -> Running {
    let fake = FakeTelegram::start(TOKEN).await;
    let state = state_for(&fake, engine);
    run_on(fake, state, limits, Settings::default())
}

/// Rate limits high enough not to slow tests down (the product uses the defaults).
pub(crate) fn fast() -> Limits {
    Limits::unlimited()
}

async fn start() -> Running {
    start_with(Arc::clone(&ENGINE), fast()).await
}

impl Running {
    /// Asks delivery to stop and waits for it (within its grace period and a margin).
    pub async fn stop(&mut self) -> delivery::Outcome {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match tokio::time::timeout(Duration::from_secs(60), &mut self.task).await {
            Ok(ended) => ended
                .expect("delivery task")
                .expect("delivery ended cleanly"),
            Err(_) => panic!("delivery did not stop; {}", self.fake.call_log()),
        }
    }

    /// Ends delivery at once, as SIGKILL would: no grace, the spool left as it is.
    pub fn abort(&mut self) {
        self.task.abort();
        self.stop = None;
    }

    /// The fake, to start another bot on (a restart).
    pub fn into_fake(self) -> FakeTelegram {
        self.fake
    }

    /// [`Running::finish`], for other test modules.
    pub async fn finish_checked(self) {
        self.finish().await;
    }

    /// Stops delivery and checks that Telegram would have accepted every request.
    pub(crate) async fn finish(mut self) {
        self.stop().await;
        self.fake.assert_no_rejections();
    }

    /// The next message the bot sends to `chat` (as sent: HTML text, markup).
    pub(crate) async fn next_message(&self, chat: i64, after: usize) -> Value {
        let calls = self
            .fake
            .wait_for_calls("sendMessage", after + 1, WAIT)
            .await;
        let mine: Vec<&Value> = calls.iter().filter(|c| c["chat_id"] == chat).collect();
        assert!(!mine.is_empty(), "no message to chat {chat}: {calls:?}");
        (*mine.last().unwrap()).clone()
    }

    /// Waits until the bot has stopped sending for a moment; returns how many it sent.
    async fn settle(&self) -> usize {
        let mut last = self.sent_count();
        loop {
            tokio::time::sleep(Duration::from_millis(400)).await;
            let now = self.sent_count();
            if now == last {
                return now;
            }
            last = now;
        }
    }

    fn sent_count(&self) -> usize {
        self.fake.calls("sendMessage").len()
    }

    /// Asserts the bot stays silent for a moment.
    async fn assert_silent(&self, before: usize, what: &str) {
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(self.sent_count(), before, "the bot should ignore {what}");
    }
}

fn buttons(msg: &Value) -> Vec<(String, String)> {
    msg["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["text"].as_str().unwrap_or_default().to_string(),
                b["callback_data"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub(crate) fn text(msg: &Value) -> String {
    msg["text"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_search_with_paging_buttons() {
    let bot = start().await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.fake
        .push_update(updates::private_text(&alice, "/search 黄河"));
    let first = bot.next_message(chat, 0).await;
    assert!(
        text(&first).contains("<b>黄河</b>"),
        "matched words in bold: {}",
        text(&first)
    );
    assert!(text(&first).contains("第 1/"), "{}", text(&first));
    let b = buttons(&first);
    assert!(b.iter().all(|(_, d)| d.len() <= 64), "{b:?}");
    assert!(
        b.iter()
            .any(|(l, d)| l.starts_with("要点") && d.starts_with("s:")),
        "{b:?}"
    );
    let (_, next) = b
        .iter()
        .find(|(l, _)| l.contains("下一页"))
        .cloned()
        .expect("a next-page button");

    // Pressing it edits the message in place.
    let sent = bot
        .fake
        .sent_messages(chat)
        .into_iter()
        .last()
        .expect("the bot's message");
    bot.fake
        .push_update(updates::callback_query(&alice, &sent, &next));
    let edit = bot
        .fake
        .wait_for("editMessageText", |p| p["chat_id"] == chat, WAIT)
        .await;
    assert!(text(&edit).contains("第 2/"), "{}", text(&edit));
    assert!(buttons(&edit).iter().any(|(l, _)| l.contains("上一页")));
    bot.fake
        .wait_for("answerCallbackQuery", |_| true, WAIT)
        .await;

    // An old button whose search is forgotten still gets a polite answer.
    let sent = bot.fake.sent_messages(chat).into_iter().last().unwrap();
    bot.fake
        .push_update(updates::callback_query(&alice, &sent, "p:999999:2"));
    bot.fake
        .wait_for(
            "answerCallbackQuery",
            |p| p["text"].as_str().is_some_and(|t| t.contains("过期")),
            WAIT,
        )
        .await;
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_then_summary_by_number_button_and_reply() {
    let bot = start().await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.fake
        .push_update(updates::private_text(&alice, "/latest"));
    let list = bot.next_message(chat, 0).await;
    assert!(text(&list).contains("最新文章"), "{}", text(&list));
    let first_id = ENGINE.latest(1)[0].id.clone();
    assert!(
        buttons(&list)
            .iter()
            .any(|(_, d)| d == &format!("s:{first_id}")),
        "{:?}",
        buttons(&list)
    );

    bot.fake
        .push_update(updates::private_text(&alice, "/summary 1"));
    let summary = bot.next_message(chat, 1).await;
    let title = &ENGINE.article(&first_id).unwrap().title;
    assert!(
        text(&summary).contains(&teloxide::utils::html::escape(title)),
        "{}",
        text(&summary)
    );

    // Replying `/summary` to the seed's search result gives the seed's key points.
    bot.fake
        .push_update(updates::private_text(&alice, "/search 太忻一体化"));
    bot.next_message(chat, 2).await;
    let result = bot.fake.sent_messages(chat).into_iter().last().unwrap();
    bot.fake.push_update(updates::reply_to(
        &updates::private_chat(&alice),
        &alice,
        "/summary",
        &result,
    ));
    let reply = bot.next_message(chat, 3).await;
    assert!(
        text(&reply).contains("八要立足“太忻机遇”求突破"),
        "{}",
        text(&reply)
    );

    // The key-points button does the same.
    bot.fake.push_update(updates::callback_query(
        &alice,
        &result,
        &format!("s:{SEED_ID}"),
    ));
    let pressed = bot.next_message(chat, 4).await;
    assert!(
        text(&pressed).contains("要点（原文列举）"),
        "{}",
        text(&pressed)
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_and_i_dont_know() {
    let bot = start().await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.fake
        .push_update(updates::private_text(&alice, "黄河在忻州流经多少公里？"));
    let answer = bot.next_message(chat, 0).await;
    let t = text(&answer);
    // The thing asked for in bold inside the sentence, not the whole sentence.
    assert!(
        t.contains("<b>171公里</b>") && !t.starts_with("<b>"),
        "answer span in bold: {t}"
    );
    assert!(
        t.contains("2022-06-20") && t.contains("忻州日报"),
        "citation: {t}"
    );
    bot.fake
        .wait_for("sendChatAction", |p| p["action"] == "typing", WAIT)
        .await;

    bot.fake
        .push_update(updates::private_text(&alice, "长江有多长？"));
    let none = bot.next_message(chat, 1).await;
    assert!(
        text(&none).contains("没有找到") && text(&none).contains("/search 长江"),
        "{}",
        text(&none)
    );
    // An opinion is not looked for in the news; the reply says so.
    bot.fake
        .push_update(updates::private_text(&alice, "你觉得黄河保护得好不好？"));
    let opinion = bot.next_message(chat, 2).await;
    assert!(
        text(&opinion).contains("这是在问看法") && text(&opinion).contains("/search "),
        "{}",
        text(&opinion)
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_answer_only_when_addressed() {
    let bot = start().await;
    let alice = updates::alice();
    let group = updates::supergroup(-100_555, "新闻群");
    let gid = -100_555;
    bot.fake.push_update(updates::group_text(
        &group,
        &alice,
        "今天天气不错，黄河边散步",
    ));
    bot.assert_silent(0, "ordinary group chatter").await;
    bot.fake.push_update(updates::group_text(
        &group,
        &alice,
        "/search@other_bot 防汛",
    ));
    bot.assert_silent(0, "a command for another bot").await;
    bot.fake
        .push_update(updates::group_text(&group, &alice, "/frobnicate"));
    bot.assert_silent(0, "an unknown command in a group").await;
    bot.fake.push_update(updates::sticker(&group, &alice, "👍"));
    bot.assert_silent(0, "a sticker in a group").await;

    let name = bot.username.clone();
    bot.fake.push_update(updates::group_text(
        &group,
        &alice,
        &format!("/search@{name} 防汛"),
    ));
    let found = bot.next_message(gid, 0).await;
    assert!(text(&found).contains("<b>防汛</b>"), "{}", text(&found));
    assert!(
        found["reply_parameters"]["message_id"].is_number(),
        "replies to the asker: {found}"
    );

    bot.fake
        .push_update(updates::group_text(&group, &alice, "/search 防汛"));
    bot.next_message(gid, 1).await;

    let bot_msg = bot.fake.sent_messages(gid).into_iter().last().unwrap();
    bot.fake
        .push_update(updates::reply_to(&group, &alice, "市长是谁？", &bot_msg));
    let reply = bot.next_message(gid, 2).await;
    assert!(text(&reply).contains("李建国"), "{}", text(&reply));

    bot.fake.push_update(updates::mention(
        &group,
        &alice,
        &name,
        "谁主持召开了会议？",
    ));
    let mention = bot.next_message(gid, 3).await;
    assert!(text(&mention).contains("朱晓东"), "{}", text(&mention));
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_mode_cards() {
    let bot = start().await;
    let alice = updates::alice();
    bot.fake
        .push_update(updates::inline_query(&alice, "黄河", "", "sender"));
    let answer = bot.fake.wait_for("answerInlineQuery", |_| true, WAIT).await;
    let results = answer["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 10, "{answer}");
    for r in results {
        assert!(
            r["title"].is_string() && r["description"].is_string(),
            "{r}"
        );
        assert!(
            r["input_message_content"]["message_text"]
                .as_str()
                .unwrap()
                .contains("——"),
            "cited: {r}"
        );
    }
    bot.fake
        .push_update(updates::inline_query(&alice, "", "", "sender"));
    let latest = bot.fake.wait_for_calls("answerInlineQuery", 2, WAIT).await;
    let cards = latest[1]["results"].as_array().unwrap();
    assert_eq!(
        cards.len(),
        ENGINE.articles().len().min(10),
        "an empty query lists the latest"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_articles_are_split_and_hostile_text_is_escaped() {
    let long = Article::new(
        "long-report",
        "一篇很长的报告 <b>&",
        (0..50)
            .map(|i| {
                format!(
                    "第{i}段：{}",
                    "黄河流域生态保护和高质量发展是重大国家战略。".repeat(12)
                )
            })
            .collect(),
    );
    let hostile = ENGINE.article("hostile_markup").unwrap().clone();
    let corpus = Corpus {
        articles: vec![long, hostile],
        ..Corpus::default()
    };
    let engine = Engine::from_corpus(
        corpus,
        &Config::default().engine_options(),
        SEGMENTER.clone(),
        Duration::ZERO,
        &|_, _| {},
    )
    .unwrap();
    let bot = start_with(Arc::new(engine), fast()).await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.fake
        .push_update(updates::private_text(&alice, "/article long-report"));
    bot.fake.wait_for_calls("sendMessage", 3, WAIT).await;
    bot.settle().await;
    let parts = bot.fake.calls("sendMessage");
    assert!(
        parts.len() >= 3,
        "a {}-character article needs several messages",
        50 * 270
    );
    for p in &parts {
        assert!(text(p).encode_utf16().count() <= 4096);
    }
    assert!(
        parts
            .iter()
            .any(|p| text(p).contains("一篇很长的报告 &lt;b&gt;&amp;")),
        "title escaped"
    );

    let before = bot.settle().await;
    bot.fake
        .push_update(updates::private_text(&alice, "/article hostile_markup"));
    let msg = bot.next_message(chat, before).await;
    assert!(text(&msg).contains("&lt;script&gt;"), "{}", text(&msg));
    bot.fake
        .push_update(updates::private_text(&alice, "/search <b>&</b> 论坛"));
    let found = bot.next_message(chat, before + 1).await;
    assert!(
        text(&found).contains("&lt;b&gt;&amp;"),
        "the query is escaped: {}",
        text(&found)
    );

    for q in [
        "/latest",
        "/search 确保取得实效",
        "黄河流经忻州确保取得实效吗？",
        "/summary huge-title",
    ] {
        let n = bot.settle().await;
        bot.fake.push_update(updates::private_text(&alice, q));
        let msg = bot.next_message(chat, n).await;
        assert!(!text(&msg).is_empty(), "{q}");
    }
    bot.fake
        .push_update(updates::inline_query(&alice, "", "", "sender"));
    bot.fake
        .push_update(updates::inline_query(&alice, "确保取得实效", "", "sender"));
    bot.fake.wait_for_calls("answerInlineQuery", 2, WAIT).await;
    bot.settle().await;
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_messages_get_a_sensible_reply_or_silence() {
    let bot = start().await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    let pchat = updates::private_chat(&alice);
    let cases: Vec<(Value, &str)> = vec![
        (updates::private_text(&alice, "/search"), "后面写上关键词"),
        (
            updates::private_text(&alice, "/frobnicate"),
            "没有 /frobnicate 这个命令",
        ),
        (updates::sticker(&pchat, &alice, "🌊"), "只看得懂文字"),
        (updates::photo(&pchat, &alice, None), "只看得懂文字"),
        (updates::private_text(&alice, "/latest lots"), "不是数量"),
        (
            updates::private_text(&alice, "/summary 999"),
            "没有找到编号或ID",
        ),
        (updates::private_text(&alice, "/start"), "篇文章"),
        (updates::private_text(&alice, &"黄河".repeat(2048)), ""),
    ];
    for (i, (update, want)) in cases.into_iter().enumerate() {
        bot.fake.push_update(update);
        let msg = bot.next_message(chat, i).await;
        assert!(text(&msg).contains(want), "case {i}: {}", text(&msg));
    }
    // An edited message is deliberately ignored.
    let before = bot.sent_count();
    let original = updates::text_message(&pchat, &alice, "黄河");
    bot.fake.push_update(updates::edited(&original, "长江"));
    bot.assert_silent(before, "an edited message").await;
    bot.finish().await;
}

/// A 429 is retried once its `retry_after` has passed, and the retry delivers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_retried_after_its_retry_after() {
    let bot = start_with(Arc::clone(&ENGINE), Limits::default()).await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.fake.fail_next("sendMessage", 429, Some(1));
    bot.fake
        .push_update(updates::private_text(&alice, "/search 黄河"));
    bot.fake
        .wait_for_calls("sendMessage", 2, Duration::from_secs(90))
        .await;
    let sends: Vec<_> = bot
        .fake
        .all_calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage")
        .collect();
    assert_eq!((sends[0].status, sends[0].injected), (429, true));
    assert_eq!(sends[1].status, 200, "{}", bot.fake.call_log());
    assert_eq!(sends[1].params["chat_id"], chat);
    assert!(
        text(&sends[1].params).contains("黄河"),
        "the retry delivers the reply"
    );
    assert!(
        sends[1].at - sends[0].at >= Duration::from_millis(900),
        "retried before retry_after passed; {}",
        bot.fake.call_log()
    );
    bot.finish().await;
}

/// A 5xx is retried (at once, not after teloxide's 10 s pause) and the reply arrives, with
/// no apology: the apology is for an answer that will not come.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_is_retried_and_the_reply_arrives_without_an_apology() {
    let bot = start_with(Arc::clone(&ENGINE), Limits::default()).await;
    let bob = updates::bob();
    let bob_chat = bob["id"].as_i64().unwrap();
    bot.fake.fail_next("sendMessage", 500, None);
    bot.fake.fail_next("sendMessage", 502, None);
    bot.fake.push_update(updates::private_text(&bob, "/latest"));
    bot.fake
        .wait_for_calls("sendMessage", 3, Duration::from_secs(10))
        .await;
    let sends: Vec<_> = bot
        .fake
        .all_calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage")
        .collect();
    assert_eq!(sends.len(), 3, "{}", bot.fake.call_log());
    assert_eq!(sends[2].status, 200);
    assert_eq!(sends[2].params["chat_id"], bob_chat);
    assert!(text(&sends[2].params).contains("最新文章"));
    assert!(sends[2].at - sends[0].at < Duration::from_secs(5));
    assert!(!sends.iter().any(|c| text(&c.params).contains("抱歉")));
    bot.finish().await;
}

/// `jianbao serve` itself: the token checks, command registration, a reply, and a clean
/// stop on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_binary_checks_token_registers_commands_and_stops_on_sigterm() {
    // No token: a clear message and exit code 2, before loading anything.
    let o = jianbao_with(&["serve"], &[("TELOXIDE_TOKEN", "")], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(".env.example") && err.contains("chat"),
        "{err}"
    );

    let fake = FakeTelegram::start(TOKEN).await;
    // A token Telegram refuses: exit 2, and the token never shows.
    let wrong = "987654:WRONG-secret-token";
    let o = tokio::task::spawn_blocking({
        let url = fake.api_url();
        move || {
            jianbao_with(
                &[],
                &[
                    ("TELOXIDE_TOKEN", wrong),
                    ("TELOXIDE_API_URL", &url),
                    ("NO_PROXY", "127.0.0.1"),
                ],
                None,
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("rejected the token"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("WRONG-secret") && !stdout(&o).contains("WRONG-secret"),
        "the token leaked"
    );

    // The right token: commands registered (Chinese, and English for English users),
    // an answer, then SIGTERM stops it cleanly.
    let spool = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .current_dir(root())
        .arg("serve")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.api_url())
        .env("NO_PROXY", "127.0.0.1")
        .env("JIANBAO_LOG", "info")
        .env("JIANBAO_UPDATE_SPOOL", spool.path().join("updates.jsonl"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start jianbao serve");
    let commands = fake
        .wait_for_calls("setMyCommands", 2, Duration::from_secs(60))
        .await;
    assert!(
        commands.iter().any(|c| c["language_code"] == "en"),
        "{commands:?}"
    );
    assert!(commands.iter().any(|c| {
        c["commands"]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x["command"] == "search"))
    }));
    fake.wait_for_poll(Duration::from_secs(60)).await;
    let alice = updates::alice();
    fake.push_update(updates::private_text(&alice, "/search 黄河"));
    let reply = fake
        .wait_for(
            "sendMessage",
            |p| p["chat_id"] == alice["id"],
            Duration::from_secs(30),
        )
        .await;
    assert!(text(&reply).contains("黄河"));
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    let stopped = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                let mut log = String::new();
                use std::io::Read as _;
                child.stderr.take().map(|mut e| e.read_to_string(&mut log));
                return Some((status, log));
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
    .await
    .unwrap();
    let (status, log) = stopped.expect("serve stops within 30 s of SIGTERM");
    assert!(status.success(), "clean exit on SIGTERM: {status:?}\n{log}");
    assert!(
        log.contains("articles") && !log.contains(TOKEN),
        "logs the corpus size, never the token:\n{log}"
    );
    let refused: Vec<(String, String)> = fake
        .rejections()
        .into_iter()
        .filter(|(m, d)| !(m == "getMe" && d == "Unauthorized"))
        .collect();
    assert!(
        refused.is_empty(),
        "only the wrong token was refused: {refused:?}"
    );
}
