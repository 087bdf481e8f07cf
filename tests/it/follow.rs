//! Following topics end to end: the real bot (delivery, handlers, the alert sender) against
//! the fake Telegram, new articles from a local feed server through the real ingest, the
//! outbox in a real SQLite file. Each test publishes items after subscribing and checks the
//! alerts that reach each chat: the right ones, once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jianbao::answer::{Following, LiveEngine};
use jianbao::bot::alerts::{self, AlertSettings, QuietHours};
use jianbao::bot::delivery::{self, Settings};
use jianbao::bot::sender::{Limits, Telegram};
use jianbao::bot::{Handlers, State};
use jianbao::chat::{ListSizes, Memory};
use jianbao::corpus::{Article, Corpus};
use jianbao::ingest::Ingest;
use jianbao::store::{FeedOrigin, NewFeed, Store};
use serde_json::Value;
use teloxide::types::UserId;

use crate::bot::client;
use crate::common::fake_telegram::{FakeTelegram, updates};
use crate::common::feed_server::{FeedServer, Route, RssItem, long_text, rss};
use crate::common::*;

const TOKEN: &str = "123456789:TEST-token-for-the-fake";
const WAIT: Duration = Duration::from_secs(20);

/// A live corpus, its database and a feed on a local server, shared across a restart.
struct World {
    server: FeedServer,
    _dir: tempfile::TempDir,
    db: PathBuf,
    live: Arc<LiveEngine>,
    store: Arc<Store>,
    following: Arc<Following>,
    ingest: Arc<Ingest>,
    feed: i64,
    /// Items published so far (the feed shows them all, newest last).
    items: Vec<(String, String, String)>,
}

impl World {
    /// The seed corpus and a feed whose first read (its backlog: one item) is done.
    async fn new() -> Self {
        let server = FeedServer::start();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("jianbao.db");
        let store = Arc::new(Store::open(&db).unwrap());
        let live = live_engine(load(&seed_path()));
        let (following, ingest) = Self::attach(&live, &store);
        let feed = store
            .upsert_feed(&NewFeed {
                name: "晚报".into(),
                url: server.url("/rss"),
                outlet: Some("晚报".into()),
                interval_secs: 3600,
                origin: FeedOrigin::File,
            })
            .unwrap();
        let mut world = Self {
            server,
            _dir: dir,
            db,
            live,
            store,
            following,
            ingest,
            feed,
            items: Vec::new(),
        };
        // The backlog, read before anyone subscribes: it never alerts.
        world.publish(&[("旧闻：防汛物资储备情况", "防汛")]).await;
        world
    }

    fn attach(live: &Arc<LiveEngine>, store: &Arc<Store>) -> (Arc<Following>, Arc<Ingest>) {
        let following =
            Arc::new(Following::new(Arc::clone(store), SEGMENTER.clone()).expect("following"));
        let ingest = Arc::new(crate::live::ingest_over(live, store));
        ingest.follow_with(Arc::clone(&following));
        (following, ingest)
    }

    /// The same database and feed after a restart: the corpus is the seed and the stored
    /// articles, as `serve` loads it.
    fn restart(&mut self) {
        self.store = Arc::new(Store::open(&self.db).unwrap());
        let mut corpus = load(&seed_path());
        corpus
            .articles
            .extend(jianbao::ingest::stored_articles(&self.store).unwrap());
        self.live = live_engine(corpus);
        (self.following, self.ingest) = Self::attach(&self.live, &self.store);
    }

    /// Publishes items (title, a word their text is about) and polls the feed once; returns
    /// when they are indexed.
    async fn publish(&mut self, items: &[(&str, &str)]) -> Instant {
        for (title, about) in items {
            let n = self.items.len();
            self.items.push((
                format!("item-{n}"),
                title.to_string(),
                long_text(about, 240),
            ));
        }
        let rendered: Vec<RssItem<'_>> = self
            .items
            .iter()
            .map(|(g, t, c)| {
                (
                    g.as_str(),
                    t.as_str(),
                    None,
                    Some("2030-01-02 08:00:00"),
                    c.as_str(),
                )
            })
            .collect();
        self.server.set("/rss", Route::rss(&rss("晚报", &rendered)));
        let feed = self.store.feed(self.feed).unwrap().expect("feed");
        let report = tokio::time::timeout(Duration::from_secs(30), self.ingest.poll_feed(&feed))
            .await
            .expect("poll in time");
        assert!(report.failed.is_none(), "{report:?}");
        Instant::now()
    }
}

/// The bot with followed topics: update delivery and the alert sender on one client.
struct Bot {
    fake: FakeTelegram,
    tg: Arc<Telegram>,
    stop_delivery: Option<tokio::sync::oneshot::Sender<()>>,
    delivery: tokio::task::JoinHandle<std::io::Result<delivery::Outcome>>,
    stop_alerts: Option<tokio::sync::oneshot::Sender<()>>,
    alerts: tokio::task::JoinHandle<()>,
}

fn fast_alerts() -> AlertSettings {
    AlertSettings {
        quiet: None,
        retry_later: Duration::from_millis(500),
        ..AlertSettings::default()
    }
}

impl Bot {
    fn start(fake: FakeTelegram, world: &World, limits: Limits, settings: AlertSettings) -> Self {
        let tg = client(&fake, limits);
        let me = fake.bot_user();
        let state = Arc::new(State {
            engine: Arc::clone(&world.live),
            memory: Memory::default(),
            username: me["username"].as_str().unwrap_or_default().to_string(),
            bot_id: UserId(me["id"].as_u64().unwrap_or_default()),
            sizes: ListSizes {
                search: 2,
                latest: 5,
            },
            feed_admin: None,
            following: Some(Arc::clone(&world.following)),
        });
        let handlers = Arc::new(Handlers {
            tg: Arc::clone(&tg),
            state,
        });
        let (stop_delivery, stopped) = tokio::sync::oneshot::channel::<()>();
        let delivery = tokio::spawn(delivery::run(
            Arc::clone(&tg),
            handlers,
            Settings {
                grace: Duration::from_secs(3),
                ..Settings::default()
            },
            async move {
                let _ = stopped.await;
            },
        ));
        let (stop_alerts, alerts_stopped) = tokio::sync::oneshot::channel::<()>();
        let alerts = tokio::spawn(alerts::run(
            Arc::clone(&tg),
            Arc::clone(&world.following),
            settings,
            async move {
                let _ = alerts_stopped.await;
            },
        ));
        Self {
            fake,
            tg,
            stop_delivery: Some(stop_delivery),
            delivery,
            stop_alerts: Some(stop_alerts),
            alerts,
        }
    }

    async fn new(world: &World) -> Self {
        Self::start(
            FakeTelegram::start(TOKEN).await,
            world,
            Limits::unlimited(),
            fast_alerts(),
        )
    }

    /// Stops as `serve` does: updates first, then sending, then the alert sender.
    async fn stop(mut self) -> FakeTelegram {
        if let Some(s) = self.stop_delivery.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(30), &mut self.delivery)
            .await
            .expect("delivery stops");
        self.tg.stop_sending();
        if let Some(s) = self.stop_alerts.take() {
            let _ = s.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), &mut self.alerts)
            .await
            .expect("the alert sender stops")
            .expect("the alert sender ended cleanly");
        self.fake
    }

    /// Sends `text` as `from` in a private chat and returns the bot's reply.
    async fn say(&self, from: &Value, text: &str) -> Value {
        let chat = from["id"].as_i64().unwrap();
        self.say_in(chat, updates::private_text(from, text)).await
    }

    /// Pushes an update and waits for the next message to `chat` that is not an alert.
    async fn say_in(&self, chat: i64, update: Value) -> Value {
        let replies = |m: &Value| !is_alert(m);
        let before = sent_to(&self.fake, chat, replies).len();
        self.fake.push_update(update);
        let deadline = Instant::now() + WAIT;
        loop {
            let sent = sent_to(&self.fake, chat, replies);
            if sent.len() > before {
                return sent[before].clone();
            }
            assert!(
                Instant::now() < deadline,
                "no reply; {}",
                self.fake.call_log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Messages Telegram accepted for `chat` that pass `keep`, oldest first.
fn sent_to(fake: &FakeTelegram, chat: i64, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    fake.all_calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage" && c.status == 200)
        .filter(|c| c.params["chat_id"] == chat)
        .map(|c| c.params)
        .filter(|p| keep(p))
        .collect()
}

fn text(msg: &Value) -> String {
    msg["text"].as_str().unwrap_or_default().to_string()
}

fn is_alert(msg: &Value) -> bool {
    text(msg).starts_with('🔔')
}

/// Waits until `chat` has received `n` alerts (and a moment more, to catch extra ones).
async fn alerts_for(fake: &FakeTelegram, chat: i64, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + WAIT;
    while sent_to(fake, chat, is_alert).len() < n {
        assert!(
            Instant::now() < deadline,
            "{} of {n} alerts to {chat}; {}",
            sent_to(fake, chat, is_alert).len(),
            fake.call_log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    sent_to(fake, chat, is_alert)
}

/// Waits until the chat's first subscription is paused.
async fn until_paused(world: &World, fake: &FakeTelegram, chat: i64) {
    let deadline = Instant::now() + WAIT;
    while world.store.subscriptions_of(chat).unwrap()[0]
        .paused_at
        .is_none()
    {
        assert!(Instant::now() < deadline, "not paused; {}", fake.call_log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn buttons(msg: &Value) -> Vec<String> {
    msg["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_chat_is_alerted_once_per_new_matching_article() {
    let mut world = World::new().await;
    let bot = Bot::new(&world).await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();

    let reply = bot.say(&alice, "/subscribe 防汛").await;
    assert!(text(&reply).contains("已关注「防汛」"), "{}", text(&reply));
    let data = buttons(&reply);
    assert!(
        data.iter().any(|d| d.starts_with("u:")) && data.iter().any(|d| d.starts_with("l:")),
        "{data:?}"
    );
    // The seed (there at start) and the feed's backlog never alert.
    let reply = bot.say(&alice, "/follow 黄河").await;
    assert!(text(&reply).contains("已关注「黄河」"), "{}", text(&reply));

    let indexed = world
        .publish(&[
            ("多地启动防汛应急响应", "防汛"),
            ("新能源汽车销量增长", "新能源"),
        ])
        .await;
    let got = alerts_for(&bot.fake, chat, 1).await;
    // From indexing to Telegram taking the alert (the fake's own clock of the call).
    let accepted = bot
        .fake
        .all_calls()
        .into_iter()
        .find(|c| c.method == "sendMessage" && c.status == 200 && is_alert(&c.params))
        .map(|c| bot.fake.started() + c.at)
        .expect("the alert call");
    let latency = accepted.saturating_duration_since(indexed);
    assert_eq!(got.len(), 1, "{got:?}");
    let alert = text(&got[0]);
    assert!(
        alert.contains("多地启动防汛应急响应") && alert.contains("<b>防汛</b>"),
        "{alert}"
    );
    assert!(alert.contains("2030-01-02 · 晚报"), "{alert}");
    assert!(
        buttons(&got[0]).iter().any(|d| d.starts_with("s:")),
        "a key-points button"
    );
    assert!(
        latency < Duration::from_secs(5),
        "alert {latency:?} after indexing"
    );
    // For docs/PERFORMANCE.md (`cargo test --test it follow:: -- --nocapture`).
    eprintln!("alert reached the chat {latency:?} after its article was indexed");

    // Read again (unchanged) and a non-matching item: nothing more.
    world.publish(&[("天气晴好", "晴天")]).await;
    assert_eq!(alerts_for(&bot.fake, chat, 1).await.len(), 1);
    // The alerted story, changed by its outlet (same item, new text, still about 防汛):
    // replaced in the corpus, not news again.
    let n = world
        .items
        .iter()
        .position(|(_, title, _)| title == "多地启动防汛应急响应")
        .expect("the alerted item");
    world.items[n].2 = format!("更新：{}", long_text("防汛", 260));
    world.publish(&[]).await;
    let found = world.live.snapshot().search("更新", 1, 5);
    assert!(
        found
            .articles
            .iter()
            .any(|g| g.article.title == "多地启动防汛应急响应"),
        "the changed text is indexed"
    );
    assert_eq!(
        alerts_for(&bot.fake, chat, 1).await.len(),
        1,
        "a changed story does not alert again"
    );

    let list = bot.say(&alice, "/subscriptions").await;
    assert!(
        text(&list).contains("1. <b>防汛</b> · 已提醒 1 次")
            && text(&list).contains("2. <b>黄河</b> · 已提醒 0 次"),
        "{}",
        text(&list)
    );
    let reply = bot.say(&alice, "/unsubscribe 防汛").await;
    assert!(
        text(&reply).contains("已取消关注「防汛」"),
        "{}",
        text(&reply)
    );
    world.publish(&[("防汛演练举行", "防汛")]).await;
    assert_eq!(
        alerts_for(&bot.fake, chat, 1).await.len(),
        1,
        "unsubscribed"
    );
    let fake = bot.stop().await;
    fake.assert_no_rejections();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_that_match_nearly_everything_are_refused_with_a_reason() {
    let world = World::new().await;
    let bot = Bot::new(&world).await;
    let alice = updates::alice();
    for (words, reason) in [
        ("/subscribe", "写上要关注的关键词"),
        ("/subscribe 的", "只有常用词"),
        ("/subscribe 7", "太短"),
        ("/subscribe ？！…", "没有可以关注的词"),
    ] {
        let reply = bot.say(&alice, words).await;
        assert!(text(&reply).contains(reason), "{words}: {}", text(&reply));
    }
    for i in 0..20 {
        let reply = bot.say(&alice, &format!("/subscribe 话题{i}号")).await;
        assert!(text(&reply).contains("已关注"), "{}", text(&reply));
    }
    let reply = bot.say(&alice, "/subscribe 再来一个").await;
    assert!(text(&reply).contains("最多关注 20 个"), "{}", text(&reply));
    assert_eq!(
        world
            .store
            .subscriptions_of(alice["id"].as_i64().unwrap())
            .unwrap()
            .len(),
        20
    );
    bot.stop().await.assert_no_rejections();
}

#[test]
fn a_topic_in_most_recent_articles_is_too_broad() {
    let articles: Vec<Article> = (0..40)
        .map(|i| {
            let text = if i % 4 == 0 {
                "天气晴好。"
            } else {
                "中国经济稳步增长。"
            };
            Article::new(format!("a{i}"), format!("标题{i}"), vec![text.to_string()])
        })
        .collect();
    let live = live_engine(Corpus {
        articles,
        ..Corpus::default()
    });
    let store = Arc::new(Store::open_in_memory().unwrap());
    let following = Following::new(store, SEGMENTER.clone()).unwrap();
    let snap = live.snapshot();
    match following.topic(&snap, "中国") {
        Err(jianbao::answer::Refusal::TooBroad { matched, of }) => {
            assert_eq!((matched, of), (30, 40))
        }
        other => panic!("{other:?}"),
    }
    assert!(
        following.topic(&snap, "天气").is_ok(),
        "a quarter is not nearly everything"
    );
    assert!(
        matches!(
            following.topic(&snap, "经"),
            Err(jianbao::answer::Refusal::TooBroad { .. })
        ),
        "a common character"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_group_only_administrators_change_what_it_follows() {
    let mut world = World::new().await;
    let bot = Bot::new(&world).await;
    let (alice, bob) = (updates::alice(), updates::bob());
    let group = updates::supergroup(-1_001_555, "防汛群");
    let gid = -1_001_555;
    bot.fake.add_chat(&group);
    bot.fake
        .set_member(gid, alice["id"].as_i64().unwrap(), "administrator");
    bot.fake
        .set_member(gid, bob["id"].as_i64().unwrap(), "member");

    let reply = bot
        .say_in(gid, updates::group_text(&group, &bob, "/subscribe 防汛"))
        .await;
    assert!(text(&reply).contains("只有管理员"), "{}", text(&reply));
    let reply = bot
        .say_in(gid, updates::group_text(&group, &alice, "/subscribe 防汛"))
        .await;
    assert!(text(&reply).contains("已关注「防汛」"), "{}", text(&reply));
    let undo = buttons(&reply)
        .into_iter()
        .find(|d| d.starts_with("u:"))
        .unwrap();
    // Anyone may list; a member's press on the remove button is refused.
    let list = bot
        .say_in(gid, updates::group_text(&group, &bob, "/subscriptions"))
        .await;
    assert!(text(&list).contains("1. <b>防汛</b>"), "{}", text(&list));
    bot.fake.push_update(updates::callback_query(
        &bob,
        &reply_message(&reply, &group),
        &undo,
    ));
    let answered = bot
        .fake
        .wait_for("answerCallbackQuery", |_| true, WAIT)
        .await;
    assert!(
        answered["text"]
            .as_str()
            .unwrap_or_default()
            .contains("只有管理员"),
        "{answered}"
    );
    assert_eq!(world.store.subscriptions_of(gid).unwrap().len(), 1);

    world.publish(&[("防汛会商会召开", "防汛")]).await;
    let got = alerts_for(&bot.fake, gid, 1).await;
    assert_eq!(got.len(), 1);
    let reply = bot
        .say_in(gid, updates::group_text(&group, &alice, "/unsubscribe 1"))
        .await;
    assert!(
        text(&reply).contains("已取消关注「防汛」"),
        "{}",
        text(&reply)
    );
    bot.stop().await.assert_no_rejections();
}

/// The bot's message as an update would show it (for a button press on it).
fn reply_message(sent: &Value, chat: &Value) -> Value {
    serde_json::json!({
        "message_id": sent["message_id"].as_i64().unwrap_or(1),
        "date": updates::now(),
        "chat": chat,
        "from": {"id": 7_123_456_789i64, "is_bot": true, "first_name": "简报", "username": "jianbao_bot"},
        "text": "x",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_is_followed_from_a_private_chat_by_its_administrator() {
    let mut world = World::new().await;
    let bot = Bot::new(&world).await;
    let (alice, bob) = (updates::alice(), updates::bob());
    let channel = serde_json::json!({"id": -1_009_001, "type": "channel", "title": "新闻频道", "username": "news_cn"});
    let cid = -1_009_001;
    bot.fake.add_chat(&channel);
    bot.fake
        .set_member(cid, alice["id"].as_i64().unwrap(), "creator");
    bot.fake
        .set_member(cid, bob["id"].as_i64().unwrap(), "member");
    bot.fake.set_member(cid, 7_123_456_789, "left");

    let reply = bot.say(&alice, "/subscribe @news_cn 防汛").await;
    assert!(
        text(&reply).contains("不是频道 @news_cn 的管理员"),
        "{}",
        text(&reply)
    );
    bot.fake.set_member(cid, 7_123_456_789, "administrator");
    let reply = bot.say(&bob, "/subscribe @news_cn 防汛").await;
    assert!(
        text(&reply).contains("只有频道 @news_cn 的管理员"),
        "{}",
        text(&reply)
    );
    let reply = bot.say(&alice, "/subscribe @news_cn 防汛").await;
    assert!(text(&reply).contains("已关注「防汛」"), "{}", text(&reply));
    let list = bot.say(&alice, "/subscriptions @news_cn").await;
    assert!(
        text(&list).contains("频道 @news_cn 关注的话题") && text(&list).contains("防汛"),
        "{}",
        text(&list)
    );

    world.publish(&[("防汛抢险队集结", "防汛")]).await;
    let got = alerts_for(&bot.fake, cid, 1).await;
    assert_eq!(got.len(), 1);
    assert!(
        buttons(&got[0]).is_empty(),
        "no buttons in a channel: {}",
        got[0]
    );
    assert!(sent_to(&bot.fake, alice["id"].as_i64().unwrap(), is_alert).is_empty());
    bot.stop().await.assert_no_rejections();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_becomes_one_digest() {
    let mut world = World::new().await;
    let bot = Bot::new(&world).await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.say(&alice, "/subscribe 防汛").await;
    let items: Vec<(String, &str)> = (0..6)
        .map(|i| (format!("防汛快讯第{i}期"), "防汛"))
        .collect();
    let items: Vec<(&str, &str)> = items.iter().map(|(t, a)| (t.as_str(), *a)).collect();
    world.publish(&items).await;
    let got = alerts_for(&bot.fake, chat, 1).await;
    assert_eq!(got.len(), 1, "one digest, not six messages: {got:?}");
    let digest = text(&got[0]);
    assert!(digest.contains("6 篇新文章"), "{digest}");
    for i in 0..6 {
        assert!(digest.contains(&format!("防汛快讯第{i}期")), "{digest}");
    }
    assert_eq!(
        buttons(&got[0])
            .iter()
            .filter(|d| d.starts_with("s:"))
            .count(),
        6
    );
    bot.stop().await.assert_no_rejections();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_holds_up_only_its_chat_and_replies_go_first() {
    let mut world = World::new().await;
    let bot = Bot::new(&world).await;
    let (alice, bob) = (updates::alice(), updates::bob());
    let (a, b) = (alice["id"].as_i64().unwrap(), bob["id"].as_i64().unwrap());
    bot.say(&alice, "/subscribe 防汛").await;
    bot.say(&bob, "/subscribe 防汛").await;
    bot.fake.fail_next("sendMessage", 429, Some(3));
    let indexed = world.publish(&[("防汛预警升级", "防汛")]).await;
    // The first alert is refused with the 429 before anything else is sent (on a busy
    // machine the /search reply below could otherwise take it).
    let deadline = Instant::now() + WAIT;
    while !bot
        .fake
        .all_calls()
        .iter()
        .any(|c| c.method == "sendMessage" && c.status == 429)
    {
        assert!(Instant::now() < deadline, "no alert was sent");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let first = Instant::now();
    // While one chat waits out its retry_after, a command is answered at once.
    let reply = bot.say(&alice, "/search 黄河").await;
    assert!(!is_alert(&reply));
    let replied = first.elapsed();
    let got_a = alerts_for(&bot.fake, a, 1).await;
    let got_b = alerts_for(&bot.fake, b, 1).await;
    assert_eq!((got_a.len(), got_b.len()), (1, 1));
    let at = |chat: i64| {
        bot.fake
            .all_calls()
            .into_iter()
            .find(|c| {
                c.method == "sendMessage"
                    && c.status == 200
                    && c.params["chat_id"] == chat
                    && is_alert(&c.params)
            })
            .map(|c| c.at)
            .unwrap()
    };
    let (ta, tb) = (at(a), at(b));
    let (early, late) = if ta < tb { (ta, tb) } else { (tb, ta) };
    assert!(
        late - early >= Duration::from_millis(2500),
        "the held chat waited out retry_after: {early:?} {late:?}"
    );
    assert!(
        replied < Duration::from_secs(2),
        "the reply waited {replied:?}"
    );
    assert!(indexed.elapsed() < Duration::from_secs(15));
    let fake = bot.stop().await;
    assert!(
        fake.rejections().is_empty(),
        "only the injected 429: {:?}",
        fake.rejections()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_that_blocked_the_bot_is_paused_until_it_asks_again() {
    let mut world = World::new().await;
    let bot = Bot::new(&world).await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.say(&alice, "/subscribe 防汛").await;
    bot.fake.set_blocked(chat, true);
    world.publish(&[("防汛工作会议", "防汛")]).await;
    until_paused(&world, &bot.fake, chat).await;
    let refused = bot.fake.rejections().len();
    world.publish(&[("防汛队伍出发", "防汛")]).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        bot.fake.rejections().len(),
        refused,
        "no further sends to a paused chat"
    );

    bot.fake.set_blocked(chat, false);
    let list = bot.say(&alice, "/subscriptions").await;
    assert!(text(&list).contains("提醒已恢复"), "{}", text(&list));
    assert!(
        world.store.subscriptions_of(chat).unwrap()[0]
            .paused_at
            .is_none()
    );
    world.publish(&[("防汛物资到位", "防汛")]).await;
    let got = alerts_for(&bot.fake, chat, 1).await;
    assert_eq!(got.len(), 1, "only the article after resuming: {got:?}");
    assert!(text(&got[0]).contains("防汛物资到位"));
    let fake = bot.stop().await;
    assert!(
        fake.rejections().iter().all(|(_, d)| d.contains("blocked")),
        "{:?}",
        fake.rejections()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_telegram_no_longer_knows_is_paused_and_its_pending_alerts_dropped() {
    let mut world = World::new().await;
    let bot = Bot::new(&world).await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    bot.say(&alice, "/subscribe 防汛").await;
    // A 400, not a 403: the chat is gone (a deleted group, a removed channel).
    bot.fake
        .fail_next_with("sendMessage", 400, "Bad Request: chat not found");
    world.publish(&[("防汛工作会议", "防汛")]).await;
    until_paused(&world, &bot.fake, chat).await;
    world.publish(&[("防汛队伍出发", "防汛")]).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        alerts_for(&bot.fake, chat, 0).await.is_empty(),
        "nothing is sent to a chat that is gone"
    );
    let refused: Vec<_> = bot
        .fake
        .all_calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage" && c.status == 400)
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "one attempt, no retries: {}",
        bot.fake.call_log()
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_a_burst_neither_loses_nor_repeats_an_alert() {
    let mut world = World::new().await;
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    // Telegram's own limit (1 a second to one chat) makes a backlog; no digests.
    let settings = || AlertSettings {
        digest_after: 100,
        ..fast_alerts()
    };
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = Bot::start(fake, &world, Limits::default(), settings());
    bot.say(&alice, "/subscribe 防汛").await;
    let items: Vec<String> = (0..6).map(|i| format!("防汛简报第{i}号")).collect();
    let items: Vec<(&str, &str)> = items.iter().map(|t| (t.as_str(), "防汛")).collect();
    world.publish(&items).await;
    alerts_for(&bot.fake, chat, 2).await;
    let fake = bot.stop().await;
    let before = sent_to(&fake, chat, is_alert).len();
    assert!(
        before < 6,
        "the stop came in the middle of the burst ({before} sent)"
    );

    world.restart();
    let bot = Bot::start(fake, &world, Limits::default(), settings());
    let got = alerts_for(&bot.fake, chat, 6).await;
    let mut titles: Vec<String> = got
        .iter()
        .filter_map(|m| {
            items
                .iter()
                .find(|(t, _)| text(m).contains(t))
                .map(|(t, _)| t.to_string())
        })
        .collect();
    titles.sort();
    titles.dedup();
    assert_eq!(
        (got.len(), titles.len()),
        (6, 6),
        "each alert once: {got:?}"
    );
    // Polling again after the restart adds nothing and alerts nothing.
    world.publish(&[]).await;
    assert_eq!(alerts_for(&bot.fake, chat, 6).await.len(), 6);
    bot.stop().await.assert_no_rejections();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_send_silently() {
    let mut world = World::new().await;
    let all_day = QuietHours {
        from: chrono::NaiveTime::MIN,
        to: chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap(),
    };
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = Bot::start(
        fake,
        &world,
        Limits::unlimited(),
        AlertSettings {
            quiet: Some(all_day),
            ..fast_alerts()
        },
    );
    let alice = updates::alice();
    let reply = bot.say(&alice, "/subscribe 防汛").await;
    assert_ne!(
        reply["disable_notification"], true,
        "replies are not silenced"
    );
    world.publish(&[("夜间防汛值守", "防汛")]).await;
    let got = alerts_for(&bot.fake, alice["id"].as_i64().unwrap(), 1).await;
    assert_eq!(got[0]["disable_notification"], true, "{}", got[0]);
    bot.stop().await.assert_no_rejections();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_dropped_into_the_watched_folder_alerts_too() {
    let world = World::new().await;
    let dir = tempfile::tempdir().unwrap();
    let alice = updates::alice();
    let chat = alice["id"].as_i64().unwrap();
    let topic = jianbao::answer::Topic::new(&SEGMENTER, "防汛");
    world
        .following
        .subscribe(chat, "private", &topic, "zh", Some(chat))
        .unwrap();
    let file = dir.path().join("new.md");
    std::fs::write(
        &file,
        "# 水利局部署防汛\n\n今年防汛形势复杂，各地加强值守。\n",
    )
    .unwrap();
    jianbao::ingest::watch::refresh(
        &world.live,
        &file,
        &jianbao::corpus::LoadOptions::default(),
        Some(&world.following),
    );
    let pending = world.store.pending_alerts(chat, 10).unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].paragraph, "今年防汛形势复杂，各地加强值守。");
    // Read again unchanged: no second alert.
    jianbao::ingest::watch::refresh(
        &world.live,
        &file,
        &jianbao::corpus::LoadOptions::default(),
        Some(&world.following),
    );
    assert_eq!(world.store.pending_alerts(chat, 10).unwrap().len(), 1);
}
