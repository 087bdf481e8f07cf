//! Messages in, messages out: turn a message into a `chat` request, answer it off the async
//! workers, send what `render` makes of the reply (HTML, no link previews, buttons), and
//! remember what the reply listed so `/summary 2` and replies work.

use teloxide::payloads::{SendChatAction, SendMessage};
use teloxide::prelude::*;
use teloxide::types::{
    ChatAction, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions,
    MessageId, ParseMode, ReplyParameters,
};

use super::addressing::{Action, action_for};
use super::admin;
use super::{State, TgBot};
use crate::bot::sender::Priority;
use crate::chat::{self, Command, Note, Origin, Reply, Request};
use crate::render::Lang;
use crate::render::telegram::{self as render, OutMessage};

pub(super) async fn handle_message(
    bot: &TgBot,
    msg: &Message,
    state: &State,
    lang: Lang,
) -> anyhow::Result<()> {
    // teloxide's entity parsing asserts on offsets Telegram never sends; a bad update must
    // still not take the chat's worker down.
    let action = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| action_for(msg, state)))
        .map_err(|_| anyhow::anyhow!("reading the message panicked"))?;
    let request = match action {
        None => return Ok(()),
        Some(Action::TextOnly) => {
            let messages = render::reply(&Reply::Note(Note::TextOnly), None, lang);
            return send(bot, msg.chat.id, None, &messages, state, None).await;
        }
        Some(Action::Answer(Request::Command(c))) if c.is_following() => {
            return super::follow::handle_command(bot, msg, state, lang, c).await;
        }
        Some(Action::Answer(r)) => r,
    };
    // Best effort, and never retried for long: it only says an answer is coming.
    let _ = bot
        .call_within(
            &SendChatAction::new(msg.chat.id, ChatAction::Typing),
            std::time::Duration::ZERO,
        )
        .await;
    if admin::is_admin_command(&request) {
        return admin::handle(bot, msg, state, lang, request).await;
    }
    let origin = Origin {
        chat: msg.chat.id.0,
        reply_to: msg.reply_to_message().map(|m| m.id.0),
    };
    let search_key = match &request {
        Request::Command(Command::Search(q)) if !q.trim().is_empty() => {
            Some(state.memory.remember_query(msg.chat.id.0, q.trim()))
        }
        _ => None,
    };
    let reply = respond(state, origin, request)?;
    let reply_to = (!msg.chat.is_private()).then_some(msg.id);
    if let Reply::Trend(trend) = &reply
        && crate::render::trend::has_chart(trend)
    {
        return send_chart(bot, msg.chat.id, reply_to, trend, state, &reply, lang).await;
    }
    let mut messages = render::reply(&reply, search_key, lang);
    if matches!(reply, Reply::Help(_)) && admin::is_admin_in_private(msg, state) {
        crate::render::telegram::feeds::add_admin_commands(&mut messages, lang);
    }
    send(bot, msg.chat.id, reply_to, &messages, state, Some(&reply)).await
}

/// Sends a trend as a photo (PNG uploaded as multipart) with its caption. Drawing is CPU
/// work, so it runs where blocking is allowed, and a panic in it fails this update only.
async fn send_chart(
    bot: &TgBot,
    chat: ChatId,
    reply_to: Option<MessageId>,
    trend: &crate::answer::Trend,
    state: &State,
    reply: &Reply,
    lang: Lang,
) -> anyhow::Result<()> {
    let png = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::render::chart::trend_png(trend, lang)
        }))
    })
    .map_err(|_| anyhow::anyhow!("drawing the chart panicked"))??;
    let _ = bot
        .call_within(
            &SendChatAction::new(chat, ChatAction::UploadPhoto),
            std::time::Duration::ZERO,
        )
        .await;
    let mut req = bot
        .teloxide()
        .send_photo(chat, InputFile::memory(png).file_name("trend.png"))
        .caption(crate::render::trend::caption_html(trend, lang))
        .parse_mode(ParseMode::Html);
    if let Some(id) = reply_to {
        req = req.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
    }
    let sent = bot.upload(chat.0, Priority::Reply, req).await?;
    state
        .memory
        .remember_list(chat.0, Some(sent.id.0), reply.listed_ids());
    Ok(())
}

/// Answers a request. Answering is CPU work, so it runs where blocking is allowed. A panic
/// in the engine becomes an error for this update only: a panicking handler would otherwise
/// take teloxide's per-chat worker, and with it the bot, down.
pub(super) fn respond(state: &State, origin: Origin, request: Request) -> anyhow::Result<Reply> {
    tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            chat::respond(
                &state.engine.snapshot(),
                &state.memory,
                origin,
                request,
                state.sizes,
            )
        }))
        .map_err(|_| anyhow::anyhow!("answering panicked"))
    })
}

/// The buttons of a rendered message, as Telegram's keyboard.
pub(super) fn keyboard(m: &OutMessage) -> Option<InlineKeyboardMarkup> {
    (!m.buttons.is_empty()).then(|| {
        InlineKeyboardMarkup::new(m.buttons.iter().map(|row| {
            row.iter()
                .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
                .collect::<Vec<_>>()
        }))
    })
}

/// Sends rendered messages in order; remembers what the first one listed.
pub(super) async fn send(
    bot: &TgBot,
    chat: ChatId,
    reply_to: Option<MessageId>,
    messages: &[OutMessage],
    state: &State,
    reply: Option<&Reply>,
) -> anyhow::Result<()> {
    for (i, m) in messages.iter().enumerate() {
        let mut req = SendMessage::new(chat, m.html.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if i == 0
            && let Some(id) = reply_to
        {
            req = req.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let Some(k) = keyboard(m) {
            req = req.reply_markup(k);
        }
        let sent = bot.send(chat.0, Priority::Reply, &req).await?;
        if i == 0
            && let Some(reply) = reply
        {
            state
                .memory
                .remember_list(chat.0, Some(sent.id.0), reply.listed_ids());
        }
    }
    Ok(())
}

/// Article pages and feed links would otherwise each unfold into a preview.
pub(super) fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}
