//! The fake Telegram Bot API server, driven through a real `teloxide::Bot`: it accepts what
//! Telegram accepts, refuses what Telegram refuses (with teloxide seeing the same errors),
//! serves updates by long polling and injects faults. Also the golden lists of its HTML
//! parser, and a cross-check that `render::telegram::html` output passes it.

use std::time::{Duration, Instant};

use jianbao::render::telegram::html::{TELEGRAM_LIMIT, marked, split_message, utf16_len};
use serde_json::{Value, json};
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResult, InlineQueryResultArticle,
    InputMessageContent, InputMessageContentText, MediaKind, MessageEntityKind, MessageKind,
    ParseMode, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use crate::common::fake_telegram::html::{Rules, parse_html, parse_html_with};
use crate::common::fake_telegram::{FakeTelegram, updates};

const TOKEN: &str = "123456:TEST-token_abc";
const WAIT: Duration = Duration::from_secs(10);

/// A fake with Alice's private chat known to it (she wrote to the bot first).
async fn fake_with_alice() -> (FakeTelegram, Bot, ChatId) {
    let fake = FakeTelegram::start(TOKEN).await;
    let alice = updates::alice();
    fake.add_chat(&updates::private_chat(&alice));
    let bot = fake.bot();
    (fake, bot, ChatId(1_001))
}

fn api_error(result: Result<Message, RequestError>) -> ApiError {
    match result {
        Err(RequestError::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn article(id: &str, text: &str) -> InlineQueryResult {
    InlineQueryResult::Article(InlineQueryResultArticle::new(
        id,
        "标题",
        InputMessageContent::Text(InputMessageContentText::new(text).parse_mode(ParseMode::Html)),
    ))
}

#[tokio::test]
async fn get_me_reports_the_configured_bot() {
    let fake = FakeTelegram::start(TOKEN).await;
    let me = fake.bot().get_me().await.expect("getMe");
    assert_eq!(me.username(), "jianbao_bot");
    assert!(me.user.is_bot);
    assert!(me.supports_inline_queries);
    assert!(
        !me.can_read_all_group_messages,
        "privacy mode on by default"
    );
    // teloxide names the method `GetMe` in the URL; the fake records the documented name.
    assert_eq!(fake.calls("getMe").len(), 1);
    assert_eq!(fake.all_calls()[0].method, "getMe");
}

#[tokio::test]
async fn valid_html_is_accepted_and_parsed() {
    let (fake, bot, chat) = fake_with_alice().await;
    let html =
        "<b>黄河</b> &amp; <i>长江</i> 😀 <a href=\"https://example.com/?a=1&amp;b=2\">链接</a>";
    let msg = bot
        .send_message(chat, html)
        .parse_mode(ParseMode::Html)
        .await
        .expect("valid HTML accepted");
    assert_eq!(msg.text(), Some("黄河 & 长江 😀 链接"));
    let kinds: Vec<_> = msg
        .entities()
        .unwrap_or(&[])
        .iter()
        .map(|e| (e.kind.clone(), e.offset, e.length))
        .collect();
    assert_eq!(kinds[0], (MessageEntityKind::Bold, 0, 2));
    assert_eq!(kinds[1], (MessageEntityKind::Italic, 5, 2));
    // 😀 is two UTF-16 units, so the link starts at 11.
    assert!(
        matches!(&kinds[2], (MessageEntityKind::TextLink { url }, 11, 2) if url.as_str() == "https://example.com/?a=1&b=2")
    );
    let sent = fake
        .wait_for("sendMessage", |p| p["text"] == html, WAIT)
        .await;
    assert_eq!(sent["parse_mode"], "HTML");
    assert_eq!(sent["chat_id"], 1_001);
    assert_eq!(fake.sent_messages(1_001).len(), 1);
    fake.assert_no_rejections();
}

#[tokio::test]
async fn invalid_html_is_refused_with_cant_parse_entities() {
    let (fake, bot, chat) = fake_with_alice().await;
    let cases = [
        (
            "<p>段落</p>",
            "Unsupported start tag \"p\" at byte offset 0",
        ),
        (
            "<b>未闭合",
            "Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            "<b><i>交错</b></i>",
            "Unmatched end tag at byte offset 12, expected \"</i>\", found \"</b>\"",
        ),
        ("1 < 2", "Unsupported start tag \"\" at byte offset 2"),
        ("AT&T", "Unescaped \"&\" at byte offset 2"),
    ];
    for (html, want) in cases {
        let e = api_error(
            bot.send_message(chat, html)
                .parse_mode(ParseMode::Html)
                .await,
        );
        match &e {
            ApiError::CantParseEntities(d) => assert_eq!(
                d.strip_prefix("Bad Request: can't parse entities: ")
                    .map(|d| d.starts_with(want)),
                Some(true),
                "{html:?}: got {d:?}, want {want:?}"
            ),
            other => panic!("{html:?}: expected CantParseEntities, got {other:?}"),
        }
    }
    assert_eq!(fake.rejections().len(), cases.len());
    // Without parse_mode the same text is plain and fine.
    bot.send_message(chat, "<p>AT&T</p>")
        .await
        .expect("plain text");
    assert!(fake.sent_messages(1_001).len() == 1);
}

#[tokio::test]
async fn too_long_and_empty_messages_are_refused() {
    let (fake, bot, chat) = fake_with_alice().await;
    bot.send_message(chat, "字".repeat(4096))
        .await
        .expect("4,096 is the limit");
    let e = api_error(bot.send_message(chat, "字".repeat(4097)).await);
    assert_eq!(e, ApiError::MessageIsTooLong);
    // 2,049 emoji are 2,049 characters but 4,098 UTF-16 units.
    let e = api_error(bot.send_message(chat, "😀".repeat(2049)).await);
    assert_eq!(e, ApiError::MessageIsTooLong);
    // Tags do not count: 4,096 characters of bold text are fine.
    bot.send_message(chat, format!("<b>{}</b>", "字".repeat(4096)))
        .parse_mode(ParseMode::Html)
        .await
        .expect("markup is not counted");
    for empty in ["", "  \n ", "<b> </b>"] {
        let e = api_error(
            bot.send_message(chat, empty)
                .parse_mode(ParseMode::Html)
                .await,
        );
        assert_eq!(e, ApiError::MessageTextIsEmpty, "{empty:?}");
    }
    assert_eq!(fake.rejections().len(), 5);
}

#[tokio::test]
async fn callback_data_over_64_bytes_is_refused() {
    let (fake, bot, chat) = fake_with_alice().await;
    let keyboard = |data: String| {
        InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("下一页", data)]])
    };
    bot.send_message(chat, "第一页")
        .reply_markup(keyboard("p".repeat(64)))
        .await
        .expect("64 bytes fit");
    let e = api_error(
        bot.send_message(chat, "第一页")
            .reply_markup(keyboard("p".repeat(65)))
            .await,
    );
    assert_eq!(e, ApiError::ButtonDataInvalid);
    // 22 Chinese characters are 66 bytes.
    let e = api_error(
        bot.send_message(chat, "第一页")
            .reply_markup(keyboard("黄".repeat(22)))
            .await,
    );
    assert_eq!(e, ApiError::ButtonDataInvalid);
    assert_eq!(
        fake.rejections(),
        vec![
            (
                "sendMessage".to_string(),
                "Bad Request: BUTTON_DATA_INVALID".to_string()
            );
            2
        ]
    );
    let kept = &fake.sent_messages(1_001)[0];
    assert_eq!(
        kept["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "p".repeat(64)
    );
}

#[tokio::test]
async fn inline_results_are_checked() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.bot();
    let alice = updates::alice();
    let query = || {
        let update = updates::inline_query(&alice, "黄河", "", "sender");
        let id = update["inline_query"]["id"].as_str().unwrap().to_string();
        fake.push_update(update);
        id
    };
    let results = |n: usize| {
        (0..n)
            .map(|i| article(&format!("r{i}"), "<b>黄河</b>"))
            .collect::<Vec<_>>()
    };

    let fifty = query();
    bot.answer_inline_query(fifty.clone().into(), results(50))
        .await
        .expect("50 results fit");
    let e = bot
        .answer_inline_query(fifty.into(), results(1))
        .await
        .expect_err("answered twice");
    assert!(
        matches!(e, RequestError::Api(ApiError::InvalidQueryId)),
        "{e:?}"
    );

    let cases: Vec<(Vec<InlineQueryResult>, &str)> = vec![
        (results(51), "Bad Request: RESULTS_TOO_MUCH"),
        (
            vec![article("x", "a"), article("x", "b")],
            "Bad Request: RESULT_ID_DUPLICATE",
        ),
        (
            vec![article(&"i".repeat(65), "a")],
            "Bad Request: RESULT_ID_INVALID",
        ),
        (
            vec![article("bad", "<div>x</div>")],
            "Bad Request: can't parse entities: Unsupported start tag \"div\"",
        ),
        (
            vec![article("long", &"字".repeat(4097))],
            "Bad Request: message is too long",
        ),
    ];
    for (results, want) in cases {
        let e = bot
            .answer_inline_query(query().into(), results)
            .await
            .expect_err(want);
        let got = match e {
            RequestError::Api(ApiError::TooMuchInlineQueryResults) => {
                "Bad Request: RESULTS_TOO_MUCH".to_string()
            }
            RequestError::Api(ApiError::MessageIsTooLong) => {
                "Bad Request: message is too long".to_string()
            }
            RequestError::Api(ApiError::CantParseEntities(d) | ApiError::Unknown(d)) => d,
            other => panic!("{want}: unexpected {other:?}"),
        };
        assert!(got.starts_with(want), "want {want:?}, got {got:?}");
    }
}

#[tokio::test]
async fn get_updates_returns_pushed_updates_and_honours_offset() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.bot();
    assert!(bot.get_updates().await.expect("empty poll").is_empty());
    let first = fake.push_update(updates::private_text(
        &updates::alice(),
        "黄河在忻州流经多少公里？",
    ));
    let second = fake.push_update(updates::private_text(&updates::bob(), "/latest"));
    assert_eq!(second, first + 1, "update ids increase");

    let got = bot.get_updates().await.expect("getUpdates");
    assert_eq!(
        got.iter().map(|u| u.id.0).collect::<Vec<_>>(),
        [first, second]
    );
    match &got[0].kind {
        UpdateKind::Message(m) => assert_eq!(m.text(), Some("黄河在忻州流经多少公里？")),
        other => panic!("expected a message, got {other:?}"),
    }
    // Unconfirmed updates come again; an offset past one confirms it.
    assert_eq!(bot.get_updates().await.unwrap().len(), 2);
    let rest = bot.get_updates().offset(second as i32).await.unwrap();
    assert_eq!(rest.iter().map(|u| u.id.0).collect::<Vec<_>>(), [second]);
    assert!(
        bot.get_updates()
            .offset(second as i32 + 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(fake.pending_updates(), 0);
    fake.assert_no_rejections();
}

#[tokio::test]
async fn get_updates_long_polls_until_an_update_arrives() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.bot();
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move {
            let started = Instant::now();
            let got = bot.get_updates().timeout(8).await.expect("long poll");
            (got, started.elapsed())
        }
    });
    assert!(fake.wait_for_poll(WAIT).await, "the poll is waiting");
    tokio::time::sleep(Duration::from_millis(300)).await;
    fake.push_update(updates::private_text(&updates::alice(), "你好"));
    let (got, took) = poll.await.unwrap();
    assert_eq!(got.len(), 1);
    assert!(
        took < Duration::from_secs(3),
        "answered when the update came, after {took:?}"
    );

    // With nothing to send it waits out its timeout…
    let started = Instant::now();
    let got = bot
        .get_updates()
        .offset(got[0].id.0 as i32 + 1)
        .timeout(1)
        .await
        .unwrap();
    assert!(got.is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // …and returns at once when the fake shuts down.
    let poll = tokio::spawn(async move {
        let started = Instant::now();
        let r = bot.get_updates().timeout(30).await;
        (r, started.elapsed())
    });
    assert!(fake.wait_for_poll(WAIT).await);
    fake.shutdown().await;
    let (r, took) = poll.await.unwrap();
    assert!(
        took < Duration::from_secs(5),
        "shutdown ends the poll, took {took:?}"
    );
    assert!(r.map(|u| u.is_empty()).unwrap_or(true));
}

#[tokio::test]
async fn second_poller_makes_telegram_answer_conflict() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.bot();
    let first = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(5).await }
    });
    assert!(fake.wait_for_poll(WAIT).await);
    let second = bot.get_updates().timeout(0).await;
    assert!(second.is_ok());
    let first = first.await.unwrap();
    assert!(
        matches!(
            first,
            Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates))
        ),
        "{first:?}"
    );
}

#[tokio::test]
async fn update_builders_deserialise_into_the_right_kinds() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.bot();
    let alice = updates::alice();
    let group = updates::group(-4_001, "黄河保护群");
    let supergroup = updates::supergroup(-1_001_234_567_890, "新闻群");
    let bot_msg = {
        let mut m = updates::text_message(&group, &fake.bot_user(), "第一页");
        m["reply_markup"] =
            json!({"inline_keyboard": [[{"text": "下一页", "callback_data": "p:2"}]]});
        m
    };
    let pushed = [
        updates::private_text(&alice, "/search@jianbao_bot 水资源"),
        updates::group_text(&group, &alice, "大家好"),
        updates::group_text(&supergroup, &alice, "/latest"),
        updates::reply_to(&group, &alice, "那防汛呢？", &bot_msg),
        updates::mention(&supergroup, &alice, "jianbao_bot", "黄河"),
        updates::callback_query(&alice, &bot_msg, "p:2"),
        updates::inline_query(&alice, "黄河", "", "sender"),
        updates::edited(&updates::text_message(&group, &alice, "旧"), "新"),
        updates::sticker(&group, &alice, "👍"),
        updates::photo(&supergroup, &alice, Some("图片说明")),
    ];
    for u in &pushed {
        fake.push_update(u.clone());
    }
    let got = bot.get_updates().await.expect("getUpdates");
    assert_eq!(got.len(), pushed.len());
    let message = |k: &UpdateKind| match k {
        UpdateKind::Message(m) => m.clone(),
        other => panic!("expected a message, got {other:?}"),
    };

    let m = message(&got[0].kind);
    assert!(m.chat.is_private());
    assert_eq!(m.entities().unwrap()[0].kind, MessageEntityKind::BotCommand);
    assert_eq!(m.entities().unwrap()[0].length, "/search@jianbao_bot".len());
    assert!(message(&got[1].kind).chat.is_group());
    assert!(message(&got[2].kind).chat.is_supergroup());
    let reply = message(&got[3].kind);
    let replied = reply.reply_to_message().expect("reply_to_message");
    assert_eq!(replied.from.as_ref().map(|u| u.is_bot), Some(true));
    let m = message(&got[4].kind);
    assert_eq!(m.entities().unwrap()[0].kind, MessageEntityKind::Mention);
    assert_eq!(m.text(), Some("@jianbao_bot 黄河"));
    match &got[5].kind {
        UpdateKind::CallbackQuery(q) => {
            assert_eq!(q.data.as_deref(), Some("p:2"));
            let m = q.regular_message().expect("an accessible message");
            assert_eq!(m.text(), Some("第一页"));
            assert!(m.reply_markup().is_some());
        }
        other => panic!("expected a callback query, got {other:?}"),
    }
    match &got[6].kind {
        UpdateKind::InlineQuery(q) => assert_eq!(q.query, "黄河"),
        other => panic!("expected an inline query, got {other:?}"),
    }
    match &got[7].kind {
        UpdateKind::EditedMessage(m) => {
            assert_eq!(m.text(), Some("新"));
            assert!(m.edit_date().is_some());
        }
        other => panic!("expected an edited message, got {other:?}"),
    }
    let m = message(&got[8].kind);
    assert!(
        matches!(&m.kind, MessageKind::Common(c) if matches!(c.media_kind, MediaKind::Sticker(_))),
        "{m:?}"
    );
    let m = message(&got[9].kind);
    assert!(m.photo().is_some());
    assert_eq!(m.caption(), Some("图片说明"));
}

#[tokio::test]
async fn retry_after_429_is_retried_by_throttle() {
    let (fake, bot, chat) = fake_with_alice().await;
    let bot = bot.throttle(Limits::default());
    fake.fail_next("sendMessage", 429, Some(1));
    let started = Instant::now();
    let msg = bot
        .send_message(chat, "重试之后")
        .await
        .expect("Throttle retries after retry_after");
    assert_eq!(msg.text(), Some("重试之后"));
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    let calls = fake.all_calls();
    let sends: Vec<_> = calls.iter().filter(|c| c.method == "sendMessage").collect();
    assert_eq!(
        sends.iter().map(|c| c.status).collect::<Vec<_>>(),
        [429, 200]
    );
    assert_eq!(sends[0].response["parameters"]["retry_after"], 1);
    // Injected faults are not refusals of what the bot sent.
    fake.assert_no_rejections();
}

#[tokio::test]
async fn retry_after_without_throttle_is_an_error() {
    let (fake, bot, chat) = fake_with_alice().await;
    fake.fail_next("sendMessage", 429, Some(7));
    let e = bot.send_message(chat, "x").await.expect_err("429");
    assert!(
        matches!(e, RequestError::RetryAfter(s) if s.seconds() == 7),
        "{e:?}"
    );
    bot.send_message(chat, "x")
        .await
        .expect("only the next call fails");
}

#[tokio::test]
async fn gateway_error_is_reported_then_the_next_call_succeeds() {
    let (fake, bot, chat) = fake_with_alice().await;
    fake.fail_next("sendMessage", 502, None);
    let started = Instant::now();
    let e = bot.send_message(chat, "x").await.expect_err("502");
    // teloxide waits 10 s after a 5xx, then fails to read the HTML page as JSON.
    assert!(matches!(e, RequestError::InvalidJson { .. }), "{e:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    bot.send_message(chat, "x")
        .await
        .expect("the server is back");
    fake.assert_no_rejections();
}

#[tokio::test]
async fn edits_are_checked() {
    let (fake, bot, chat) = fake_with_alice().await;
    let keyboard = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("下一页", "p:2")]]);
    let msg = bot
        .send_message(chat, "<b>第一页</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard.clone())
        .await
        .unwrap();
    let same = bot
        .edit_message_text(chat, msg.id, "<b>第一页</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard.clone())
        .await;
    assert_eq!(api_error(same), ApiError::MessageNotModified);
    // Same text without bold is a change; so is dropping the keyboard.
    let edited = bot
        .edit_message_text(chat, msg.id, "第一页")
        .reply_markup(keyboard)
        .await
        .unwrap();
    assert!(edited.entities().unwrap_or(&[]).is_empty());
    let edited = bot.edit_message_text(chat, msg.id, "第一页").await.unwrap();
    assert!(edited.reply_markup().is_none());
    let e = api_error(bot.edit_message_text(chat, msg.id, "字".repeat(4097)).await);
    assert_eq!(e, ApiError::EditedMessageIsTooLong);
    let e = api_error(
        bot.edit_message_text(chat, teloxide::types::MessageId(999_999_999), "x")
            .await,
    );
    assert_eq!(e, ApiError::MessageToEditNotFound);
    assert_eq!(fake.sent_messages(1_001)[0]["text"], "第一页");
}

#[tokio::test]
async fn callback_answers_are_checked() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.bot();
    let alice = updates::alice();
    let msg = updates::text_message(&updates::private_chat(&alice), &fake.bot_user(), "第一页");
    let query = || {
        let u = updates::callback_query(&alice, &msg, "p:2");
        let id = u["callback_query"]["id"].as_str().unwrap().to_string();
        fake.push_update(u);
        id
    };
    let id = query();
    bot.answer_callback_query(id.clone().into())
        .text("字".repeat(200))
        .await
        .expect("200 fit");
    let e = bot
        .answer_callback_query(id.into())
        .await
        .expect_err("answered twice");
    assert!(
        matches!(e, RequestError::Api(ApiError::InvalidQueryId)),
        "{e:?}"
    );
    let e = bot
        .answer_callback_query(query().into())
        .text("字".repeat(201))
        .await
        .expect_err("201");
    assert!(
        matches!(e, RequestError::Api(ApiError::EditedMessageIsTooLong)),
        "MESSAGE_TOO_LONG: {e:?}"
    );
    let e = bot
        .answer_callback_query("no-such-query".into())
        .await
        .expect_err("unknown id");
    assert!(
        matches!(e, RequestError::Api(ApiError::InvalidQueryId)),
        "{e:?}"
    );
    // The message a callback came from is the bot's: it can be edited (paging).
    let id = teloxide::types::MessageId(msg["message_id"].as_i64().unwrap() as i32);
    let edited = bot
        .edit_message_text(ChatId(1_001), id, "第二页")
        .await
        .expect("edit");
    assert_eq!(edited.text(), Some("第二页"));
    assert_eq!(fake.rejections().len(), 3, "{:?}", fake.rejections());
}

#[tokio::test]
async fn unknown_chats_tokens_and_methods_are_refused() {
    let (fake, bot, _) = fake_with_alice().await;
    let e = api_error(bot.send_message(ChatId(424_242), "x").await);
    assert_eq!(e, ApiError::ChatNotFound);
    let wrong = teloxide::Bot::with_client(
        "999:WRONG",
        teloxide::net::default_reqwest_settings()
            .no_proxy()
            .build()
            .unwrap(),
    )
    .set_api_url(fake.api_url().parse().unwrap());
    let e = wrong.get_me().await.expect_err("wrong token");
    assert!(
        matches!(e, RequestError::Api(ApiError::InvalidToken)),
        "{e:?}"
    );
    let e = bot
        .send_dice(ChatId(1_001))
        .await
        .expect_err("not implemented");
    assert!(
        matches!(e, RequestError::Api(ApiError::InvalidToken)),
        "404 Not Found reads as this: {e:?}"
    );
    let methods: Vec<_> = fake.rejections().into_iter().map(|(m, _)| m).collect();
    assert_eq!(methods, ["sendMessage", "getMe", "sendDice"]);
}

#[tokio::test]
async fn commands_are_checked() {
    let fake = FakeTelegram::start(TOKEN).await;
    let bot = fake.bot();
    use teloxide::types::BotCommand;
    bot.set_my_commands([
        BotCommand::new("search", "搜索文章"),
        BotCommand::new("latest", "最新文章"),
    ])
    .await
    .expect("valid commands");
    assert_eq!(bot.get_my_commands().await.unwrap().len(), 2);
    let cases = [
        (
            BotCommand::new("Search", "x"),
            "Bad Request: BOT_COMMAND_INVALID",
        ),
        (
            BotCommand::new("搜索", "x"),
            "Bad Request: BOT_COMMAND_INVALID",
        ),
        (
            BotCommand::new("search", ""),
            "Bad Request: command description must be non-empty",
        ),
    ];
    for (command, want) in cases {
        bot.set_my_commands([command.clone()])
            .await
            .expect_err(want);
        assert_eq!(fake.rejections().last().unwrap().1, want, "{command:?}");
    }
}

#[tokio::test]
async fn raw_requests_any_case_form_or_query_are_accepted() {
    let fake = FakeTelegram::start(TOKEN).await;
    fake.add_chat(&updates::private_chat(&updates::alice()));
    let client = teloxide::net::default_reqwest_settings()
        .no_proxy()
        .build()
        .unwrap();
    let base = format!("{}/bot{TOKEN}", fake.api_url());
    let body = |r: String| serde_json::from_str::<Value>(&r).unwrap();

    let r = client.get(format!("{base}/getme")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        body(r.text().await.unwrap())["result"]["username"],
        "jianbao_bot"
    );

    let r = client
        .post(format!("{base}/sendMessage"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("chat_id=1001&text=%3Cb%3E%E9%BB%84%3C%2Fb%3E&parse_mode=HTML&reply_markup=%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22a%22%2C%22callback_data%22%3A%22b%22%7D%5D%5D%7D")
        .send()
        .await
        .unwrap();
    let answer = body(r.text().await.unwrap());
    assert_eq!(answer["result"]["text"], "黄", "{answer}");
    assert_eq!(
        answer["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "b"
    );

    let r = client
        .get(format!(
            "{base}/sendMessage?chat_id=1001&text=%3Cx%3E&parse_mode=html"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let answer = body(r.text().await.unwrap());
    assert_eq!(answer["error_code"], 400);
    assert_eq!(
        answer["description"],
        "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0"
    );

    let r = client
        .post(format!("{base}/noSuchMethod"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(fake.calls("nosuchmethod").len(), 1);
}

/// The way the bot will be tested: a real dispatcher polling the fake.
#[tokio::test]
async fn dispatcher_round_trip_without_rejections() {
    let fake = FakeTelegram::start(TOKEN).await;
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        let text = msg.text().unwrap_or_default();
        let reply = format!("你说：<b>{}</b>", teloxide::utils::html::escape(text));
        bot.send_message(msg.chat.id, reply)
            .parse_mode(ParseMode::Html)
            .await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(fake.bot(), handler).build();
    let token = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });

    fake.push_update(updates::private_text(&updates::alice(), "<b>&黄河</b>"));
    let sent = fake
        .wait_for("sendMessage", |p| p["chat_id"] == 1_001, WAIT)
        .await;
    assert_eq!(sent["text"], "你说：<b>&lt;b&gt;&amp;黄河&lt;/b&gt;</b>");
    assert_eq!(fake.sent_messages(1_001)[0]["text"], "你说：<b>&黄河</b>");

    // Wait until shutdown is possible (the dispatcher is running), then stop it and wait
    // for its task (not for the future `shutdown()` returns, which can miss the end).
    while token.shutdown().is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::timeout(WAIT, running)
        .await
        .expect("dispatcher stops")
        .unwrap();
    assert!(
        fake.wait_until_delivered(WAIT).await,
        "the update was confirmed"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    fake.assert_no_rejections();
    // teloxide starts with getWebhookInfo (deleting a webhook if one is set) and getMe.
    let methods: Vec<String> = fake.all_calls().into_iter().map(|c| c.method).collect();
    assert_eq!(methods[..2], ["getWebhookInfo", "getMe"], "{methods:?}");
}

// ---- the fake's HTML parser: golden lists ----

#[test]
fn html_accepted() {
    let cases: &[(&str, &str)] = &[
        ("纯文本", "纯文本"),
        ("<b>粗</b><strong>粗</strong>", "粗粗"),
        ("<i>斜</i><em>斜</em>", "斜斜"),
        ("<u>下</u><ins>下</ins>", "下下"),
        ("<s>删</s><strike>删</strike><del>删</del>", "删删删"),
        (
            "<span class=\"tg-spoiler\">剧透</span><tg-spoiler>剧透</tg-spoiler>",
            "剧透剧透",
        ),
        (
            "<a href=\"https://example.com/?a=1&amp;b=2\">链接</a>",
            "链接",
        ),
        ("<a href='https://example.com'>单引号</a>", "单引号"),
        ("<code>x</code><pre>y</pre>", "xy"),
        (
            "<pre><code class=\"language-rust\">fn main()</code></pre>",
            "fn main()",
        ),
        ("<blockquote>引用</blockquote>", "引用"),
        ("<blockquote expandable>折叠</blockquote>", "折叠"),
        (
            "<tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>",
            "👍",
        ),
        ("&lt;&gt;&amp;&quot;", "<>&\""),
        ("&#20013;&#x6587;&#128512;", "中文😀"),
        ("<B>大写</B>", "大写"),
        ("<b><i>嵌套</i></b>", "嵌套"),
        ("<b>空结束标签</>", "空结束标签"),
        ("<b >空格</b >", "空格"),
        ("<b></b>后", "后"),
        (
            "<a href=\"https://example.com\" title=\"ignored\">多属性</a>",
            "多属性",
        ),
        ("<a href>无值属性</a>", "无值属性"),
    ];
    for (html, text) in cases {
        match parse_html(html) {
            Ok(p) => assert_eq!(p.text, *text, "{html:?}"),
            Err(e) => panic!("{html:?} refused: {e}"),
        }
    }
}

#[test]
fn html_refused() {
    let cases: &[(&str, &str)] = &[
        ("<p>x</p>", "Unsupported start tag \"p\" at byte offset 0"),
        ("<br>", "Unsupported start tag \"br\" at byte offset 0"),
        ("x<br/>", "Unsupported start tag \"br/\" at byte offset 1"),
        (
            "<b>x",
            "Can't find end tag corresponding to start tag \"b\"",
        ),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        (
            "<b><i>x</b></i>",
            "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\"",
        ),
        ("a < b", "Unsupported start tag \"\" at byte offset 2"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        (
            "<span>x</span>",
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0",
        ),
        (
            "<span class=\"red\">x</span>",
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0",
        ),
        (
            "<a href=http://x>y</a>",
            "Unexpected end of name token at byte offset 8",
        ),
        ("<a href=\"x>y</a>", "Unclosed start tag at byte offset 0"),
        (
            "<b =x>y</b>",
            "Empty attribute name in the tag \"b\" at byte offset 0",
        ),
        ("x<a href", "Unclosed start tag \"a\" at byte offset 1"),
        (
            "<tg-emoji emoji-id=\"abc\">x</tg-emoji>",
            "Invalid custom emoji identifier specified",
        ),
        (
            "&#xD800;",
            "Text contains invalid Unicode characters after decoding HTML entities",
        ),
        // The documented rules on top of Telegram's:
        ("AT&T", "Unescaped \"&\" at byte offset 2"),
        ("&nbsp;", "Unescaped \"&\" at byte offset 0"),
        ("&lt", "Entity at byte offset 0 is not terminated"),
        ("a > b", "Unescaped \">\" at byte offset 2"),
        (
            "<a href=\"?a=1&b=2\">x</a>",
            "Unescaped \"&\" at byte offset 13",
        ),
    ];
    for (html, want) in cases {
        match parse_html(html) {
            Ok(p) => panic!("{html:?} accepted as {:?}, want refusal {want:?}", p.text),
            Err(e) => assert!(e.starts_with(want), "{html:?}: got {e:?}, want {want:?}"),
        }
    }
}

#[test]
fn html_telegram_keeps_what_the_docs_forbid() {
    let cases = [
        ("AT&T", "AT&T"),
        ("a > b", "a > b"),
        ("&lt", "<"),
        ("&nbsp;", "&nbsp;"),
        ("&#0;", "&#0;"),
    ];
    for (html, text) in cases {
        let parsed =
            parse_html_with(html, Rules::Telegram).unwrap_or_else(|e| panic!("{html:?}: {e}"));
        assert_eq!(parsed.text, text, "{html:?}");
    }
}

#[test]
fn html_entities_use_utf16_offsets() {
    let p = parse_html("😀<b>黄河</b><pre><code class=\"language-rust\">x</code></pre><code class=\"language-c\">y</code>").unwrap();
    assert_eq!(p.text, "😀黄河xy");
    assert_eq!(
        p.entities,
        vec![
            json!({"type": "bold", "offset": 2, "length": 2}),
            json!({"type": "pre", "offset": 4, "length": 1, "language": "rust"}),
            json!({"type": "code", "offset": 5, "length": 1}),
        ]
    );
}

/// What `render::telegram::html` produces must pass the fake, message by message.
#[test]
#[allow(clippy::single_range_in_vec_init)]
fn rendered_messages_pass_the_fake() {
    let hostile = "<b>&</b> 黄河 & 长江 <script>😀 &amp; \"引号\"。";
    let mut blocks = Vec::new();
    for n in 0..60 {
        let text = hostile.repeat(n % 9 + 1);
        let at = text.find("黄河").unwrap();
        blocks.push(marked(&text, &[at..at + 6, 0..3]));
    }
    let long = "防汛抗旱。".repeat(1200) + &hostile.repeat(200);
    let at = long.find("抗旱").unwrap();
    blocks.push(marked(&long, &[at..at + 6]));
    let messages = split_message(&blocks, TELEGRAM_LIMIT);
    assert!(messages.len() > 3);
    for (n, m) in messages.iter().enumerate() {
        assert!(utf16_len(m) <= TELEGRAM_LIMIT, "message {n} too long");
        let parsed = parse_html(m).unwrap_or_else(|e| panic!("message {n} refused: {e}\n{m}"));
        assert!(!parsed.text.trim().is_empty(), "message {n} empty");
    }
}
