//! The Bot API methods the fake implements, with Telegram's checks and error texts: each
//! takes the request's parameters and the fake's state and returns the `result` or the
//! refusal Telegram would send. `getUpdates` (long polling) lives with the server.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::html;
use super::updates::{next_message_id, now};
use super::{Inner, Upload, utf16_len};

/// Telegram's limit on message text after entity parsing, in UTF-16 code units.
pub const MESSAGE_LIMIT: usize = 4096;
/// Limit on `answerCallbackQuery` text.
pub const CALLBACK_TEXT_LIMIT: usize = 200;
/// Telegram's limit on a photo caption after entity parsing, in UTF-16 code units.
pub const CAPTION_LIMIT: usize = 1024;
/// Limit on `callback_data`, in bytes.
pub const CALLBACK_DATA_LIMIT: usize = 64;
/// Limit on results in one `answerInlineQuery`.
pub const INLINE_RESULTS_LIMIT: usize = 50;

/// What Telegram answers instead of a result.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: u16,
    pub description: String,
}

type Outcome = Result<Value, Refusal>;

fn bad(description: impl std::fmt::Display) -> Refusal {
    Refusal {
        code: 400,
        description: format!("Bad Request: {description}"),
    }
}

/// The method names the fake implements, spelled as Telegram documents them. Telegram
/// matches method names case-insensitively (teloxide sends `SendMessage`).
pub const IMPLEMENTED: &[&str] = &[
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "sendMessage",
    "sendPhoto",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "answerInlineQuery",
    "sendChatAction",
    "getChat",
    "getChatMember",
];

/// `name` in its documented spelling (`SendMessage` → `sendMessage`).
pub fn canonical(name: &str) -> String {
    if let Some(known) = IMPLEMENTED.iter().find(|m| m.eq_ignore_ascii_case(name)) {
        return known.to_string();
    }
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

/// Runs method `method` (canonical spelling; not `getUpdates`).
pub fn call(inner: &mut Inner, method: &str, p: &Value, uploads: &[Upload]) -> Outcome {
    match method {
        "getMe" => Ok(inner.me()),
        "logOut" | "close" => Ok(json!(true)),
        "deleteWebhook" => {
            if flag(p, "drop_pending_updates") {
                inner.queue.clear();
            }
            Ok(json!(true))
        }
        "getWebhookInfo" => Ok(json!({
            "url": "",
            "has_custom_certificate": false,
            "pending_update_count": inner.queue.len(),
        })),
        "setMyCommands" => set_my_commands(inner, p),
        "getMyCommands" => Ok(inner
            .commands
            .get(&commands_key(p))
            .cloned()
            .unwrap_or_else(|| json!([]))),
        "deleteMyCommands" => {
            inner.commands.remove(&commands_key(p));
            Ok(json!(true))
        }
        "sendMessage" => send_message(inner, p),
        "sendPhoto" => send_photo(inner, p, uploads),
        "editMessageText" => edit_message_text(inner, p),
        "editMessageReplyMarkup" => edit_message_reply_markup(inner, p),
        "deleteMessage" => delete_message(inner, p),
        "answerCallbackQuery" => answer_callback_query(inner, p),
        "answerInlineQuery" => answer_inline_query(inner, p),
        "sendChatAction" => send_chat_action(inner, p),
        "getChat" => chat(inner, p),
        "getChatMember" => get_chat_member(inner, p),
        _ => Err(Refusal {
            code: 404,
            description: "Not Found".to_string(),
        }),
    }
}

// ---- parameters: JSON values, or strings when sent as a form or query ----

fn string(p: &Value, key: &str) -> Option<String> {
    match p.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn int(p: &Value, key: &str) -> Option<i64> {
    match p.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn flag(p: &Value, key: &str) -> bool {
    match p.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true" || s == "1",
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// An object or array parameter, which form-encoded requests send as a JSON string.
pub fn structured(p: &Value, key: &str) -> Result<Option<Value>, Refusal> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => serde_json::from_str(s)
            .map(Some)
            .map_err(|_| bad(format!("can't parse {key} JSON object"))),
        Some(v) => Ok(Some(v.clone())),
    }
}

// ---- shared checks ----

/// The chat `chat_id` names: a known chat id, or `@username` of a known chat.
fn chat(inner: &Inner, p: &Value) -> Result<Value, Refusal> {
    let Some(raw) = string(p, "chat_id") else {
        return Err(bad("chat_id is empty"));
    };
    let found = match raw.strip_prefix('@') {
        Some(name) => inner.chats.values().find(|c| {
            c["username"]
                .as_str()
                .is_some_and(|u| u.eq_ignore_ascii_case(name))
        }),
        None => raw.parse::<i64>().ok().and_then(|id| inner.chats.get(&id)),
    };
    found.cloned().ok_or_else(|| bad("chat not found"))
}

/// Text and entities as Telegram stores them: HTML parsed, white space trimmed.
fn formatted(
    text: &str,
    parse_mode: Option<&str>,
    entities: Option<Value>,
) -> Result<(String, Vec<Value>), Refusal> {
    let (text, entities) = match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => (
            text.to_string(),
            entities
                .and_then(|e| e.as_array().cloned())
                .unwrap_or_default(),
        ),
        Some("html") => {
            let parsed =
                html::parse_html(text).map_err(|e| bad(format!("can't parse entities: {e}")))?;
            (parsed.text, parsed.entities)
        }
        // The fake does not check Markdown; the bot uses HTML.
        Some("markdown" | "markdownv2") => (text.to_string(), Vec::new()),
        Some(_) => return Err(bad("unsupported parse_mode")),
    };
    Ok(trim(&text, entities))
}

/// Telegram trims white space around a message; entities move with the text.
fn trim(text: &str, entities: Vec<Value>) -> (String, Vec<Value>) {
    let trimmed_start = text.trim_start();
    let lead = utf16_len(&text[..text.len() - trimmed_start.len()]) as i64;
    let kept = trimmed_start.trim_end();
    let total = utf16_len(kept) as i64;
    let entities = entities
        .into_iter()
        .filter_map(|mut e| {
            let start = (e["offset"].as_i64()? - lead).max(0);
            let end = (e["offset"].as_i64()? + e["length"].as_i64()? - lead).min(total);
            (end > start).then(|| {
                e["offset"] = json!(start);
                e["length"] = json!(end - start);
                e
            })
        })
        .collect();
    (kept.to_string(), entities)
}

/// Checks a message text: not empty, not over the limit (`too_long` is the error text).
fn check_length(text: &str, too_long: &str) -> Result<(), Refusal> {
    if text.is_empty() {
        return Err(bad("message text is empty"));
    }
    if utf16_len(text) > MESSAGE_LIMIT {
        return Err(bad(too_long));
    }
    Ok(())
}

/// Checks `reply_markup`; returns the inline keyboard to keep on the message, if any.
fn reply_markup(p: &Value) -> Result<Option<Value>, Refusal> {
    let Some(markup) = structured(p, "reply_markup")
        .map_err(|_| bad("can't parse reply keyboard markup JSON object"))?
    else {
        return Ok(None);
    };
    let Some(rows) = markup.get("inline_keyboard") else {
        if markup.get("keyboard").is_some()
            || markup.get("remove_keyboard").is_some()
            || markup.get("force_reply").is_some()
        {
            return Ok(None);
        }
        return Err(bad("can't parse reply keyboard markup JSON object"));
    };
    check_inline_keyboard(rows)?;
    Ok(Some(markup))
}

const BUTTON_KINDS: &[&str] = &[
    "url",
    "login_url",
    "callback_data",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

fn check_inline_keyboard(rows: &Value) -> Result<(), Refusal> {
    let rows = rows.as_array().ok_or_else(|| {
        bad("can't parse inline keyboard button: Field \"inline_keyboard\" must be of type Array")
    })?;
    for row in rows {
        let row = row.as_array().ok_or_else(|| {
            bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        })?;
        for button in row {
            if button.get("text").and_then(Value::as_str).is_none() {
                return Err(bad(
                    "can't parse inline keyboard button: Can't find field \"text\"",
                ));
            }
            if !BUTTON_KINDS.iter().any(|k| button.get(*k).is_some()) {
                return Err(bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                ));
            }
            if let Some(data) = button.get("callback_data") {
                let len = data.as_str().map_or(0, str::len);
                if !(1..=CALLBACK_DATA_LIMIT).contains(&len) {
                    return Err(bad("BUTTON_DATA_INVALID"));
                }
            }
            if let Some(url) = button.get("url") {
                let url = url.as_str().unwrap_or("");
                if url.is_empty() || url.contains(char::is_whitespace) {
                    return Err(bad("BUTTON_URL_INVALID"));
                }
            }
        }
    }
    Ok(())
}

fn bot_message(
    inner: &Inner,
    chat: Value,
    text: String,
    entities: Vec<Value>,
    markup: Option<Value>,
) -> Value {
    let mut msg = json!({
        "message_id": next_message_id(),
        "from": inner.bot_user(),
        "chat": chat,
        "date": now(),
        "text": text,
    });
    if !entities.is_empty() {
        msg["entities"] = Value::Array(entities);
    }
    if let Some(markup) = markup {
        msg["reply_markup"] = markup;
    }
    msg
}

// ---- methods ----

/// A member's status as the test set it (`member` when not set; the bot itself is
/// `administrator` where the test said so, else `member`); `user not found` for a user id
/// the fake has never seen in that chat and no status was set for.
fn get_chat_member(inner: &Inner, p: &Value) -> Outcome {
    let chat = chat(inner, p)?;
    let chat_id = chat["id"].as_i64().unwrap_or(0);
    let Some(user_id) = int(p, "user_id") else {
        return Err(bad("user_id is empty"));
    };
    let status = match inner.members.get(&(chat_id, user_id)) {
        Some(s) => s.clone(),
        None if chat["type"] == "private" && chat_id == user_id => "member".to_string(),
        None => return Err(bad("user not found")),
    };
    let user = if user_id == inner.profile.id {
        inner.bot_user()
    } else {
        json!({"id": user_id, "is_bot": false, "first_name": format!("user{user_id}")})
    };
    let mut member = json!({"status": status, "user": user});
    if status == "administrator" {
        member["can_be_edited"] = json!(false);
        member["is_anonymous"] = json!(false);
        member["can_manage_chat"] = json!(true);
        member["can_post_messages"] = json!(true);
    }
    Ok(member)
}

/// The refusal for a chat that blocked the bot or is gone, if the test made it so.
fn unreachable(inner: &Inner, chat_id: i64) -> Result<(), Refusal> {
    match inner.unreachable.get(&chat_id) {
        Some(description) => Err(Refusal {
            code: if description.starts_with("Forbidden") {
                403
            } else {
                400
            },
            description: description.clone(),
        }),
        None => Ok(()),
    }
}

fn send_message(inner: &mut Inner, p: &Value) -> Outcome {
    let chat = chat(inner, p)?;
    let chat_id = chat["id"].as_i64().unwrap_or(0);
    unreachable(inner, chat_id)?;
    let raw = string(p, "text").unwrap_or_default();
    let (text, entities) = formatted(
        &raw,
        string(p, "parse_mode").as_deref(),
        structured(p, "entities")?,
    )?;
    check_length(&text, "message is too long")?;
    let markup = reply_markup(p)?;

    let reply_to = match structured(p, "reply_parameters")? {
        Some(rp) => Some((
            rp["message_id"].as_i64().unwrap_or(0),
            rp["chat_id"].as_i64().unwrap_or(chat_id),
            flag(&rp, "allow_sending_without_reply"),
        )),
        None => int(p, "reply_to_message_id")
            .map(|id| (id, chat_id, flag(p, "allow_sending_without_reply"))),
    };
    let mut msg = bot_message(inner, chat, text, entities, markup);
    if let Some((id, in_chat, lenient)) = reply_to {
        match inner.messages.get(&(in_chat, id)) {
            Some(replied) => {
                let mut replied = replied.clone();
                if let Some(map) = replied.as_object_mut() {
                    map.remove("reply_to_message");
                }
                msg["reply_to_message"] = replied;
            }
            None if lenient => {}
            None => return Err(bad("message to be replied not found")),
        }
    }
    inner.store_message(&msg);
    Ok(msg)
}

/// Width and height of a PNG, or Telegram's refusal if it is not one that decodes in full.
/// (Telegram takes JPEG, WebP and others too; the bot only sends PNG.)
fn decode_png(bytes: &[u8]) -> Result<(u32, u32), Refusal> {
    let failed = |_| bad("IMAGE_PROCESS_FAILED");
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .map_err(failed)?;
    let mut pixels = vec![
        0;
        reader
            .output_buffer_size()
            .ok_or_else(|| bad("PHOTO_INVALID_DIMENSIONS"))?
    ];
    let frame = reader.next_frame(&mut pixels).map_err(failed)?;
    if frame.width == 0 || frame.height == 0 || frame.width + frame.height > 10_000 {
        return Err(bad("PHOTO_INVALID_DIMENSIONS"));
    }
    Ok((frame.width, frame.height))
}

/// `sendPhoto` with an uploaded file: the file must be a picture that decodes, the caption
/// well-formed HTML and at most 1,024 characters after parsing. A file id or URL string is
/// refused: the fake keeps no files.
fn send_photo(inner: &mut Inner, p: &Value, uploads: &[Upload]) -> Outcome {
    let chat = chat(inner, p)?;
    // The file is the `photo` part itself, or the part `photo` names as `attach://<part>`.
    let attached = string(p, "photo")
        .and_then(|v| v.strip_prefix("attach://").map(str::to_string))
        .and_then(|part| uploads.iter().find(|u| u.field == part));
    let upload = p["photo"]["upload"]
        .as_u64()
        .and_then(|i| uploads.get(i as usize))
        .or(attached)
        .ok_or_else(|| match p.get("photo") {
            None => bad("there is no photo in the request"),
            Some(_) => bad("wrong remote file identifier specified: can't unserialize it"),
        })?;
    let (width, height) = decode_png(&upload.bytes)?;
    let raw = string(p, "caption").unwrap_or_default();
    let (caption, entities) = formatted(
        &raw,
        string(p, "parse_mode").as_deref(),
        structured(p, "caption_entities")?,
    )?;
    if utf16_len(&caption) > CAPTION_LIMIT {
        return Err(bad("message caption is too long"));
    }
    let markup = reply_markup(p)?;
    let file_id = format!("AgACAgQAAxk{}", next_message_id());
    let mut msg = json!({
        "message_id": next_message_id(),
        "from": inner.bot_user(),
        "chat": chat,
        "date": now(),
        "photo": [{
            "file_id": file_id,
            "file_unique_id": format!("u{file_id}"),
            "width": width,
            "height": height,
            "file_size": upload.bytes.len(),
        }],
    });
    if !caption.is_empty() {
        msg["caption"] = json!(caption);
    }
    if !entities.is_empty() {
        msg["caption_entities"] = Value::Array(entities);
    }
    if let Some(markup) = markup {
        msg["reply_markup"] = markup;
    }
    inner.store_message(&msg);
    Ok(msg)
}

/// The bot's message that `chat_id`/`message_id` name, for editing.
fn own_message(inner: &Inner, p: &Value) -> Result<(i64, i64, Value), Refusal> {
    let chat = chat(inner, p)?;
    let chat_id = chat["id"].as_i64().unwrap_or(0);
    let id = int(p, "message_id").ok_or_else(|| bad("message identifier is not specified"))?;
    let msg = inner
        .messages
        .get(&(chat_id, id))
        .cloned()
        .ok_or_else(|| bad("message to edit not found"))?;
    if msg["from"]["id"] != inner.profile.id {
        return Err(bad("message can't be edited"));
    }
    Ok((chat_id, id, msg))
}

const NOT_MODIFIED: &str = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

fn edit_message_text(inner: &mut Inner, p: &Value) -> Outcome {
    let raw = string(p, "text").unwrap_or_default();
    let (text, entities) = formatted(
        &raw,
        string(p, "parse_mode").as_deref(),
        structured(p, "entities")?,
    )?;
    // Edits report an over-long text in MTProto's words.
    check_length(&text, "MESSAGE_TOO_LONG")?;
    let markup = reply_markup(p)?;
    if string(p, "inline_message_id").is_some() {
        return Ok(json!(true));
    }
    let (chat_id, id, mut msg) = own_message(inner, p)?;
    if msg.get("text").is_none() {
        return Err(bad("there is no text in the message to edit"));
    }
    let old_entities = msg.get("entities").cloned().unwrap_or_else(|| json!([]));
    if msg["text"] == text
        && old_entities == json!(entities)
        && msg.get("reply_markup") == markup.as_ref()
    {
        return Err(bad(NOT_MODIFIED));
    }
    msg["text"] = json!(text);
    let map = msg.as_object_mut().expect("messages are objects");
    match entities.is_empty() {
        true => map.remove("entities"),
        false => map.insert("entities".into(), Value::Array(entities)),
    };
    // Without reply_markup an edit removes the inline keyboard.
    match markup {
        Some(m) => map.insert("reply_markup".into(), m),
        None => map.remove("reply_markup"),
    };
    map.insert("edit_date".into(), json!(now()));
    inner.messages.insert((chat_id, id), msg.clone());
    Ok(msg)
}

fn edit_message_reply_markup(inner: &mut Inner, p: &Value) -> Outcome {
    let markup = reply_markup(p)?;
    if string(p, "inline_message_id").is_some() {
        return Ok(json!(true));
    }
    let (chat_id, id, mut msg) = own_message(inner, p)?;
    if msg.get("reply_markup") == markup.as_ref() {
        return Err(bad(NOT_MODIFIED));
    }
    let map = msg.as_object_mut().expect("messages are objects");
    match markup {
        Some(m) => map.insert("reply_markup".into(), m),
        None => map.remove("reply_markup"),
    };
    map.insert("edit_date".into(), json!(now()));
    inner.messages.insert((chat_id, id), msg.clone());
    Ok(msg)
}

fn delete_message(inner: &mut Inner, p: &Value) -> Outcome {
    let chat = chat(inner, p)?;
    let chat_id = chat["id"].as_i64().unwrap_or(0);
    let id = int(p, "message_id").unwrap_or(0);
    match inner.messages.remove(&(chat_id, id)) {
        Some(_) => Ok(json!(true)),
        None => Err(bad("message to delete not found")),
    }
}

const QUERY_INVALID: &str = "query is too old and response timeout expired or query id is invalid";

fn answer_callback_query(inner: &mut Inner, p: &Value) -> Outcome {
    let id = string(p, "callback_query_id").unwrap_or_default();
    if inner.callback_queries.get(&id) != Some(&false) {
        return Err(bad(QUERY_INVALID));
    }
    if let Some(text) = string(p, "text")
        && utf16_len(&text) > CALLBACK_TEXT_LIMIT
    {
        return Err(bad("MESSAGE_TOO_LONG"));
    }
    inner.callback_queries.insert(id, true);
    Ok(json!(true))
}

const RESULT_TYPES: &[&str] = &[
    "article",
    "photo",
    "gif",
    "mpeg4_gif",
    "video",
    "audio",
    "voice",
    "document",
    "location",
    "venue",
    "contact",
    "game",
    "sticker",
];

fn answer_inline_query(inner: &mut Inner, p: &Value) -> Outcome {
    let id = string(p, "inline_query_id").unwrap_or_default();
    if inner.inline_queries.get(&id) != Some(&false) {
        return Err(bad(QUERY_INVALID));
    }
    let results = structured(p, "results")
        .map_err(|_| bad("can't parse JSON-serialized array of inline query results"))?
        .unwrap_or_else(|| json!([]));
    let results = results
        .as_array()
        .ok_or_else(|| bad("Field \"results\" must be of type Array"))?;
    if results.len() > INLINE_RESULTS_LIMIT {
        return Err(bad("RESULTS_TOO_MUCH"));
    }
    let mut ids = HashSet::new();
    for result in results {
        let rid = result
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("can't parse inline query result: Can't find field \"id\""))?;
        if !(1..=64).contains(&rid.len()) {
            return Err(bad("RESULT_ID_INVALID"));
        }
        if !ids.insert(rid) {
            return Err(bad("RESULT_ID_DUPLICATE"));
        }
        let kind = result.get("type").and_then(Value::as_str).unwrap_or("");
        if !RESULT_TYPES.contains(&kind) {
            return Err(bad(
                "can't parse inline query result: Unsupported inline query result type",
            ));
        }
        if kind == "article" {
            for field in ["title", "input_message_content"] {
                if result.get(field).is_none() {
                    return Err(bad(format!(
                        "can't parse inline query result: Can't find field \"{field}\""
                    )));
                }
            }
        }
        if let Some(content) = result.get("input_message_content")
            && let Some(text) = content.get("message_text")
        {
            let (text, _) = formatted(
                text.as_str().unwrap_or(""),
                content.get("parse_mode").and_then(Value::as_str),
                content.get("entities").cloned(),
            )?;
            check_length(&text, "message is too long")?;
        }
        if let Some(markup) = result.get("reply_markup") {
            check_inline_keyboard(markup.get("inline_keyboard").unwrap_or(&json!(null)))?;
        }
    }
    if string(p, "next_offset").is_some_and(|o| o.len() > 64) {
        return Err(bad("NEXT_OFFSET_INVALID"));
    }
    inner.inline_queries.insert(id, true);
    Ok(json!(true))
}

const CHAT_ACTIONS: &[&str] = &[
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

fn send_chat_action(inner: &mut Inner, p: &Value) -> Outcome {
    chat(inner, p)?;
    let action = string(p, "action").unwrap_or_default();
    if !CHAT_ACTIONS.contains(&action.as_str()) {
        return Err(bad("wrong parameter action in request"));
    }
    Ok(json!(true))
}

fn commands_key(p: &Value) -> String {
    let scope = structured(p, "scope")
        .ok()
        .flatten()
        .unwrap_or_else(|| json!({"type": "default"}));
    format!("{scope}|{}", string(p, "language_code").unwrap_or_default())
}

fn set_my_commands(inner: &mut Inner, p: &Value) -> Outcome {
    let commands = structured(p, "commands")?.unwrap_or_else(|| json!([]));
    let list = commands
        .as_array()
        .ok_or_else(|| bad("can't parse commands JSON object"))?;
    if list.len() > 100 {
        return Err(bad("too many commands"));
    }
    for c in list {
        let name = c.get("command").and_then(Value::as_str).unwrap_or("");
        let valid = (1..=32).contains(&name.len())
            && name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if !valid {
            return Err(bad("BOT_COMMAND_INVALID"));
        }
        let description = c
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim();
        if description.is_empty() {
            return Err(bad("command description must be non-empty"));
        }
        if description.chars().count() > 256 {
            return Err(bad("command description is too long"));
        }
    }
    inner.commands.insert(commands_key(p), commands.clone());
    Ok(json!(true))
}
