//! Builders for the JSON Telegram sends in updates: users, chats, messages (text with the
//! entities Telegram adds, replies, stickers, photos), callback and inline queries, shaped as
//! the Bot API documents them so teloxide deserialises them into the right kinds. Updates
//! are built without `update_id`; `FakeTelegram::push_update` numbers them.

use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::{Value, json};

/// Message ids, unique across every fake and builder in the test process.
static NEXT_MESSAGE_ID: AtomicI64 = AtomicI64::new(1);
/// Callback and inline query ids.
static NEXT_QUERY_ID: AtomicI64 = AtomicI64::new(1);

pub fn next_message_id() -> i64 {
    NEXT_MESSAGE_ID.fetch_add(1, Ordering::Relaxed)
}

fn next_query_id() -> String {
    // Telegram's are long decimal strings.
    format!(
        "{}",
        4_382_000_000_000_000_000 + NEXT_QUERY_ID.fetch_add(1, Ordering::Relaxed)
    )
}

/// Seconds since the Unix epoch (a message with date 0 reads as inaccessible).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs() as i64)
}

/// A human user.
pub fn user(id: i64, first_name: &str, username: Option<&str>) -> Value {
    let mut u =
        json!({"id": id, "is_bot": false, "first_name": first_name, "language_code": "zh-hans"});
    if let Some(name) = username {
        u["username"] = json!(name);
    }
    u
}

pub fn alice() -> Value {
    user(1_001, "Alice", Some("alice"))
}

pub fn bob() -> Value {
    user(1_002, "Bob", Some("bob"))
}

/// The private chat with `user` (its id is the user's).
pub fn private_chat(user: &Value) -> Value {
    let mut chat = json!({"id": user["id"], "type": "private", "first_name": user["first_name"]});
    if let Some(name) = user.get("username") {
        chat["username"] = name.clone();
    }
    chat
}

/// A basic group (negative id).
pub fn group(id: i64, title: &str) -> Value {
    json!({"id": id, "type": "group", "title": title})
}

/// A supergroup (ids look like `-100…`).
pub fn supergroup(id: i64, title: &str) -> Value {
    json!({"id": id, "type": "supergroup", "title": title})
}

/// A text message from `from` in `chat`, with the `bot_command` and `mention` entities
/// Telegram would add.
pub fn text_message(chat: &Value, from: &Value, text: &str) -> Value {
    let mut msg = base_message(chat, from);
    msg["text"] = json!(text);
    let entities = detect_entities(text);
    if !entities.is_empty() {
        msg["entities"] = Value::Array(entities);
    }
    msg
}

/// A text message replying to `to` (for example a message the bot sent).
pub fn reply_message(chat: &Value, from: &Value, text: &str, to: &Value) -> Value {
    let mut msg = text_message(chat, from, text);
    let mut replied = to.clone();
    // Telegram does not nest replies more than one level.
    if let Some(map) = replied.as_object_mut() {
        map.remove("reply_to_message");
    }
    msg["reply_to_message"] = replied;
    msg
}

/// A sticker message.
pub fn sticker_message(chat: &Value, from: &Value, emoji: &str) -> Value {
    let mut msg = base_message(chat, from);
    msg["sticker"] = json!({
        "file_id": "CAACAgIAAxkBAAIBZ2Zfake_sticker",
        "file_unique_id": "AgADfake",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": false,
        "is_video": false,
        "emoji": emoji,
        "set_name": "fake_stickers",
        "file_size": 24_576
    });
    msg
}

/// A photo message, with an optional caption.
pub fn photo_message(chat: &Value, from: &Value, caption: Option<&str>) -> Value {
    let mut msg = base_message(chat, from);
    msg["photo"] = json!([
        {"file_id": "AgACAgUAAxkBAAfake_s", "file_unique_id": "AQADs", "file_size": 1_202, "width": 90, "height": 67},
        {"file_id": "AgACAgUAAxkBAAfake_m", "file_unique_id": "AQADm", "file_size": 15_306, "width": 320, "height": 240},
        {"file_id": "AgACAgUAAxkBAAfake_x", "file_unique_id": "AQADx", "file_size": 61_023, "width": 800, "height": 600}
    ]);
    if let Some(caption) = caption {
        msg["caption"] = json!(caption);
        let entities = detect_entities(caption);
        if !entities.is_empty() {
            msg["caption_entities"] = Value::Array(entities);
        }
    }
    msg
}

fn base_message(chat: &Value, from: &Value) -> Value {
    json!({
        "message_id": next_message_id(),
        "from": from,
        "chat": chat,
        "date": now(),
    })
}

/// `{"message": msg}`.
pub fn message_update(msg: Value) -> Value {
    json!({ "message": msg })
}

/// A private text message from `from` to the bot.
pub fn private_text(from: &Value, text: &str) -> Value {
    message_update(text_message(&private_chat(from), from, text))
}

/// A text message in a group or supergroup `chat`.
pub fn group_text(chat: &Value, from: &Value, text: &str) -> Value {
    message_update(text_message(chat, from, text))
}

/// A reply to `to` in `chat`.
pub fn reply_to(chat: &Value, from: &Value, text: &str, to: &Value) -> Value {
    message_update(reply_message(chat, from, text, to))
}

/// `@bot_username text` in `chat`: a message with a `mention` entity for the bot.
pub fn mention(chat: &Value, from: &Value, bot_username: &str, text: &str) -> Value {
    message_update(text_message(chat, from, &format!("@{bot_username} {text}")))
}

/// `msg` edited to `new_text`: `{"edited_message": …}` with `edit_date`.
pub fn edited(msg: &Value, new_text: &str) -> Value {
    let mut msg = msg.clone();
    msg["text"] = json!(new_text);
    msg["edit_date"] = json!(now());
    match detect_entities(new_text) {
        e if e.is_empty() => {
            if let Some(map) = msg.as_object_mut() {
                map.remove("entities");
            }
        }
        e => msg["entities"] = Value::Array(e),
    }
    json!({ "edited_message": msg })
}

/// A sticker sent in `chat`.
pub fn sticker(chat: &Value, from: &Value, emoji: &str) -> Value {
    message_update(sticker_message(chat, from, emoji))
}

/// A photo sent in `chat`.
pub fn photo(chat: &Value, from: &Value, caption: Option<&str>) -> Value {
    message_update(photo_message(chat, from, caption))
}

/// `from` pressed a callback button with `data` under `message` (usually one the bot sent,
/// for example from `FakeTelegram::sent_messages`).
pub fn callback_query(from: &Value, message: &Value, data: &str) -> Value {
    json!({
        "callback_query": {
            "id": next_query_id(),
            "from": from,
            "message": message,
            "chat_instance": format!("-{}", 7_000_000_000_000_000_000_i64 + message["chat"]["id"].as_i64().unwrap_or(0).abs()),
            "data": data,
        }
    })
}

/// `from` typed `@bot query` in a chat of `chat_type` (`sender`, `private`, `group`,
/// `supergroup`, `channel`); `offset` is the paging offset the bot returned earlier, or "".
pub fn inline_query(from: &Value, query: &str, offset: &str, chat_type: &str) -> Value {
    json!({
        "inline_query": {
            "id": next_query_id(),
            "from": from,
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
    })
}

/// The `bot_command` and `mention` entities Telegram marks in `text` (UTF-16 offsets).
pub fn detect_entities(text: &str) -> Vec<Value> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut units = Vec::with_capacity(chars.len() + 1);
    let mut acc = 0;
    for (_, c) in &chars {
        units.push(acc);
        acc += c.len_utf16();
    }
    units.push(acc);
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut entities = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        let starts_word =
            k == 0 || !word(chars[k - 1].1) && chars[k - 1].1 != '/' && chars[k - 1].1 != '@';
        if (c == '/' || c == '@') && starts_word {
            let name_len = chars[k + 1..].iter().take_while(|(_, c)| word(*c)).count();
            let mut end = k + 1 + name_len;
            let kind = if c == '/' && (1..=32).contains(&name_len) {
                // `/cmd@botname`
                if chars.get(end).map(|p| p.1) == Some('@') {
                    let bot_len = chars[end + 1..]
                        .iter()
                        .take_while(|(_, c)| word(*c))
                        .count();
                    if (3..=32).contains(&bot_len) {
                        end += 1 + bot_len;
                    }
                }
                Some("bot_command")
            } else if c == '@' && (5..=32).contains(&name_len) {
                Some("mention")
            } else {
                None
            };
            if let Some(kind) = kind {
                entities.push(
                    json!({"type": kind, "offset": units[k], "length": units[end] - units[k]}),
                );
                k = end;
                continue;
            }
        }
        k += 1;
    }
    entities
}
