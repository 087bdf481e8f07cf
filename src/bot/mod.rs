//! The Telegram bot: teloxide wiring only. Everything a user reads comes from `render`;
//! everything the bot answers comes from `chat`. Here:
//! - [`schema`] and [`dispatcher`]: the handler tree, every handler guarded so one bad
//!   update is logged, gets a short apology and never stops the bot;
//! - `addressing`: which messages are for the bot (groups: commands, replies, mentions);
//! - `messages`: a message in, the rendered reply out (and what it listed remembered);
//! - `callbacks`: paging and key-points buttons;
//! - `inline`: inline-mode queries, answered with `render`'s cards;
//! - `token`: the `getMe` check and redaction of the token from logs;
//! - `serve` and `signals`: command registration, long polling, clean stop on Ctrl-C or
//!   SIGTERM.

mod addressing;
mod callbacks;
pub mod flood;
mod inline;
mod messages;
mod serve;
mod signals;
mod token;

use std::sync::Arc;

use teloxide::adaptors::Throttle;
use teloxide::dispatching::{DefaultKey, UpdateHandler};
use teloxide::prelude::*;

use crate::answer::Engine;
use crate::chat::{ListSizes, Memory};
use crate::render::Lang;
use crate::render::words::{BotNotice, bot_notice};

pub use serve::serve;
pub use token::{Connected, ServeError, connect, redact};

/// The bot type every handler gets: rate limits honoured, 429 `retry_after` waited out.
pub type TgBot = Throttle<Bot>;

/// What the handlers share.
pub struct State {
    pub engine: Arc<Engine>,
    pub memory: Memory,
    /// The bot's username, without `@`.
    pub username: String,
    /// The bot's user id, to recognise replies to its own messages.
    pub bot_id: UserId,
    /// How many articles a search page and `/latest` show.
    pub sizes: ListSizes,
}

/// The whole handler tree: messages, button presses, inline queries. Edited messages and
/// other updates are not asked for, so they are silently ignored.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline_query))
}

/// A dispatcher over [`schema`]; the caller runs it. No error handler of its own: every
/// endpoint is [`guarded`], so none returns an error.
pub fn dispatcher(bot: TgBot, state: Arc<State>) -> Dispatcher<TgBot, anyhow::Error, DefaultKey> {
    Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![state])
        .default_handler(|_| async {})
        .build()
}

/// Runs a handler body; if it fails, logs the error and tells the user briefly, so one bad
/// update never goes unanswered and never stops the bot.
async fn guarded(
    bot: &TgBot,
    chat: Option<(ChatId, Lang)>,
    what: &str,
    body: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    if let Err(err) = body.await {
        tracing::error!("{what} failed: {err:#}");
        if let Some((chat, lang)) = chat {
            let _ = bot
                .send_message(chat, bot_notice(BotNotice::Apology, lang))
                .await;
        }
    }
    Ok(())
}

/// The language to answer a user in.
fn lang_of(user: Option<&teloxide::types::User>) -> Lang {
    Lang::from_code(user.and_then(|u| u.language_code.as_deref()))
}

async fn on_message(bot: TgBot, msg: Message, state: Arc<State>) -> anyhow::Result<()> {
    let lang = lang_of(msg.from.as_ref());
    let body = messages::handle_message(&bot, &msg, &state, lang);
    guarded(&bot, Some((msg.chat.id, lang)), "message", body).await
}

async fn on_callback(bot: TgBot, q: CallbackQuery, state: Arc<State>) -> anyhow::Result<()> {
    let lang = lang_of(Some(&q.from));
    let chat = q.message.as_ref().map(|m| (m.chat().id, lang));
    let body = callbacks::handle_callback(&bot, &q, &state, lang);
    guarded(&bot, chat, "button", body).await
}

async fn on_inline_query(bot: TgBot, q: InlineQuery, state: Arc<State>) -> anyhow::Result<()> {
    let body = inline::handle_inline(&bot, &q, &state, lang_of(Some(&q.from)));
    guarded(&bot, None, "inline query", body).await
}
