//! Feed administration through the bot (`/addfeed`, `/feeds`, `/removefeed`): the real
//! delivery and handlers against the fake Telegram, feeds served by the local feed server,
//! and the address safety rules an admin's URL goes through.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jianbao::bot::State;
use jianbao::bot::admin::FeedAdmin;
use jianbao::bot::delivery::Settings;
use jianbao::chat::{ListSizes, Memory};
use jianbao::ingest::{FeedRefused, FetchOptions, Ingest};
use jianbao::store::Store;
use serde_json::Value;
use teloxide::types::UserId;

use crate::bot::{Running, fast, run_on, text};
use crate::common::fake_telegram::{FakeTelegram, updates};
use crate::common::feed_server::{FeedServer, Route, long_text, rss};
use crate::live::{ids_for, live_over_seed};

const TOKEN: &str = "123456789:TEST-token-for-feeds-admin";

fn ingest(live: &Arc<jianbao::answer::LiveEngine>, allow_private: bool) -> Arc<Ingest> {
    Arc::new(
        Ingest::new(
            Arc::clone(live),
            Arc::new(Store::open_in_memory().expect("store")),
            FetchOptions {
                timeout: Duration::from_secs(2),
                allow_private,
                ..FetchOptions::default()
            },
        )
        .expect("ingest"),
    )
}

/// Messages the bot sent to `chat`, in order.
fn sent_to(bot: &Running, chat: i64) -> Vec<String> {
    bot.fake
        .calls("sendMessage")
        .iter()
        .filter(|c| c["chat_id"] == chat)
        .map(text)
        .collect()
}

/// Sends `update` (from a chat with id `chat`) and returns the bot's next message there.
async fn say(bot: &Running, chat: i64, update: Value) -> String {
    let before = sent_to(bot, chat).len();
    bot.fake.push_update(update);
    let started = Instant::now();
    loop {
        let sent = sent_to(bot, chat);
        if sent.len() > before {
            return sent[before].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no answer in chat {chat}; {}",
            bot.fake.call_log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_add_list_and_remove_feeds_in_private_and_everyone_else_is_refused() {
    let server = FeedServer::start();
    server.set(
        "/rss",
        Route::rss(&rss(
            "晋城晚报",
            &[(
                "j1",
                "晋城光伏电站并网发电",
                None,
                Some("2026-12-01 08:00:00"),
                &long_text("晋城光伏", 220),
            )],
        )),
    );
    server.set("/broken", Route::status(500));
    let live = live_over_seed();
    let ingest = ingest(&live, true);
    let store = Arc::clone(ingest.store());
    // The poller runs too: an added feed must not be polled by both at once.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let poller = tokio::spawn(Arc::clone(&ingest).run_poller(stopped));

    let alice = updates::alice();
    let bob = updates::bob();
    let (a, b) = (alice["id"].as_i64().unwrap(), bob["id"].as_i64().unwrap());
    let fake = FakeTelegram::start(TOKEN).await;
    let me = fake.bot_user();
    let state = Arc::new(State {
        engine: Arc::clone(&live),
        memory: Memory::default(),
        username: me["username"].as_str().unwrap_or_default().to_string(),
        bot_id: UserId(me["id"].as_u64().unwrap_or_default()),
        sizes: ListSizes {
            search: 5,
            latest: 5,
        },
        feed_admin: Some(FeedAdmin {
            ingest: Arc::clone(&ingest),
            admins: vec![a],
        }),
        following: None,
    });
    let bot = run_on(fake, state, fast(), Settings::default());
    let feed_url = server.url("/rss");

    // Not an admin: refused politely, nothing added, nothing shown.
    let r = say(
        &bot,
        b,
        updates::private_text(&bob, &format!("/addfeed {feed_url}")),
    )
    .await;
    assert!(r.contains("只能由机器人的管理员管理"), "{r}");
    assert!(store.feeds().unwrap().is_empty());
    assert_eq!(server.hits("/rss"), 0, "nothing fetched for a non-admin");
    let r = say(&bot, b, updates::private_text(&bob, "/feeds")).await;
    assert!(r.contains("只能由机器人的管理员管理"), "{r}");
    let r = say(&bot, b, updates::private_text(&bob, "/help")).await;
    assert!(!r.contains("/addfeed"), "hidden from others' /help: {r}");
    let r = say(&bot, a, updates::private_text(&alice, "/help")).await;
    assert!(
        r.contains("/addfeed") && r.contains("/removefeed"),
        "an admin's /help lists them: {r}"
    );

    // Usage and a bad address.
    let r = say(&bot, a, updates::private_text(&alice, "/addfeed")).await;
    assert!(r.contains("用法：/addfeed"), "{r}");
    let r = say(
        &bot,
        a,
        updates::private_text(&alice, "/addfeed ftp://example.com/x"),
    )
    .await;
    assert!(r.contains("不是可以订阅的网址"), "{r}");

    // Added, read at once, searchable.
    let r = say(
        &bot,
        a,
        updates::private_text(&alice, &format!("/addfeed {feed_url}")),
    )
    .await;
    assert!(r.contains("已添加订阅源") && r.contains("晋城晚报"), "{r}");
    assert!(r.contains("读到 1 篇新文章"), "the first read: {r}");
    let r = say(&bot, a, updates::private_text(&alice, "/search 光伏电站")).await;
    assert!(r.contains("晋城光伏电站并网发电"), "{r}");
    let r = say(
        &bot,
        a,
        updates::private_text(&alice, &format!("/addfeed {feed_url}")),
    )
    .await;
    assert!(r.contains("已经在列表里"), "{r}");
    assert_eq!(store.feeds().unwrap().len(), 1);

    // A failing feed: kept, its error told now and shown in /feeds.
    let broken = server.url("/broken");
    let r = say(
        &bot,
        a,
        updates::private_text(&alice, &format!("/addfeed {broken}")),
    )
    .await;
    assert!(r.contains("第一次读取失败") && r.contains("500"), "{r}");
    let r = say(&bot, a, updates::private_text(&alice, "/feeds")).await;
    let ids: Vec<i64> = store.feeds().unwrap().iter().map(|f| f.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(r.contains("订阅源 2 个，其中 1 个出错"), "{r}");
    assert!(
        r.contains(&format!("{}. 晋城晚报", ids[0])) && r.contains(&feed_url),
        "{r}"
    );
    assert!(r.contains("文章 1 篇 · 上次成功 "), "{r}");
    assert!(r.contains(&broken) && r.contains("还没有成功读取过"), "{r}");
    assert!(
        r.contains("上次错误（连续 1 次）") && r.contains("500"),
        "{r}"
    );

    // In a group, even an admin is sent to a private chat; others are refused as before.
    let group = updates::group(-4_242, "读报群");
    let r = say(&bot, -4_242, updates::group_text(&group, &alice, "/feeds")).await;
    assert!(r.contains("只能在与我的私聊中使用"), "{r}");
    assert!(!r.contains("晋城晚报"), "{r}");
    let r = say(
        &bot,
        -4_242,
        updates::group_text(&group, &bob, "/removefeed 1"),
    )
    .await;
    assert!(r.contains("只能由机器人的管理员管理"), "{r}");
    assert_eq!(store.feeds().unwrap().len(), 2);

    // Removing: by the number /feeds shows; the articles stay searchable.
    let r = say(&bot, a, updates::private_text(&alice, "/removefeed 99")).await;
    assert!(r.contains("没有编号为“99”的订阅源"), "{r}");
    let r = say(&bot, a, updates::private_text(&alice, "/removefeed 两")).await;
    assert!(r.contains("没有编号为“两”的订阅源"), "{r}");
    let r = say(
        &bot,
        a,
        updates::private_text(&alice, &format!("/removefeed {}", ids[0])),
    )
    .await;
    assert!(r.contains("已删除订阅源") && r.contains("晋城晚报"), "{r}");
    assert!(r.contains("1 篇文章仍然可以搜索"), "{r}");
    assert_eq!(store.feeds().unwrap().len(), 1);
    let r = say(&bot, a, updates::private_text(&alice, "/feeds")).await;
    assert!(!r.contains("晋城晚报") && r.contains(&broken), "{r}");
    assert_eq!(ids_for(&live, "光伏电站").len(), 1, "still searchable");
    let r = say(&bot, a, updates::private_text(&alice, "/search 光伏电站")).await;
    assert!(r.contains("晋城光伏电站并网发电"), "{r}");

    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), poller).await;
    bot.finish_checked().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_cannot_add_a_local_or_private_address() {
    let server = FeedServer::start();
    server.set("/rss", Route::rss(&rss("内网", &[])));
    let live = live_over_seed();
    let ingest = ingest(&live, false);
    let port = server.addr.port();
    for url in [
        server.url("/rss"),
        format!("http://localhost:{port}/rss"),
        format!("http://[::1]:{port}/rss"),
        "http://169.254.169.254/latest/meta-data".to_string(),
        "http://10.0.0.1/feed.xml".to_string(),
        "http://192.168.1.1/feed.xml".to_string(),
    ] {
        match ingest.add_admin_feed(&url).await {
            Err(FeedRefused::Private { .. }) => {}
            other => panic!("{url}: {other:?}"),
        }
    }
    for url in [
        "file:///etc/passwd",
        "gopher://example.com/",
        "不是网址",
        "",
    ] {
        match ingest.add_admin_feed(url).await {
            Err(FeedRefused::NotFeedUrl(_)) => {}
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(ingest.store().feeds().unwrap().is_empty());
    assert_eq!(server.hits("/rss"), 0, "nothing fetched");
}
