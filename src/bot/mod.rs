//! The Telegram bot: teloxide types, our own delivery. Everything a user reads comes from
//! `render`; everything the bot answers comes from `chat`. Here:
//! - [`Handlers`]: routes each update ([`delivery::Handler`]) and handles it, every handler
//!   guarded so one bad update is logged, gets a short apology (only when its answer will
//!   not come) and never stops the bot;
//! - `sender`: the one client for the Bot API: retries, rate limits per chat and overall,
//!   replies before alerts (reusable by anything that sends);
//! - `follow`: `/subscribe`, `/subscriptions`, `/unsubscribe` and their buttons, with the
//!   administrator checks;
//! - `alerts`: the alert sender, draining the outbox (digests, quiet hours, paused chats);
//! - `delivery`: long polling with explicit offsets, a spool so no update is lost across a
//!   stop or crash, per-chat queues with a bound, a stop within a grace period;
//! - `admin`: `/addfeed`, `/feeds`, `/removefeed` for the bot's admins, in private;
//! - `addressing`: which messages are for the bot (groups: commands, replies, mentions);
//! - `messages`: a message in, the rendered reply out (and what it listed remembered);
//! - `callbacks`: paging and key-points buttons;
//! - `inline`: inline-mode queries, answered with `render`'s cards;
//! - `token`: the `getMe` check and redaction of the token from logs;
//! - `serve` and `signals`: command registration, delivery, clean stop on Ctrl-C or SIGTERM.

mod addressing;
pub mod admin;
pub mod alerts;
mod callbacks;
pub mod delivery;
mod follow;
mod inline;
mod messages;
pub mod sender;
mod serve;
mod signals;
mod token;

use std::sync::Arc;

use teloxide::payloads::SendMessage;
use teloxide::prelude::*;
use teloxide::types::UpdateKind;

use crate::answer::LiveEngine;
use crate::chat::{ListSizes, Memory};
use crate::render::Lang;
use crate::render::words::{BotNotice, bot_notice};

pub use delivery::{Handled, Route, Settings};
pub(crate) use sender::{CallError, Priority, Telegram};
pub(crate) use serve::serve;
pub(crate) use token::{ServeError, connect, redact};

/// The client every handler sends through.
pub(crate) type TgBot = Telegram;

/// What the handlers share.
pub struct State {
    /// The live corpus; each update reads one snapshot of it.
    pub engine: Arc<LiveEngine>,
    pub memory: Memory,
    /// The bot's username, without `@`.
    pub username: String,
    /// The bot's user id, to recognise replies to its own messages.
    pub bot_id: UserId,
    /// How many articles a search page and `/latest` show.
    pub sizes: ListSizes,
    /// The feeds and their admins, for `/addfeed`, `/feeds`, `/removefeed`; `None` when the
    /// bot runs without feeds.
    pub feed_admin: Option<admin::FeedAdmin>,
    /// Followed topics (`None` when the database could not be opened).
    pub following: Option<Arc<crate::answer::Following>>,
}

/// The bot's update handlers, for [`delivery::run`].
pub struct Handlers {
    pub tg: Arc<Telegram>,
    pub state: Arc<State>,
}

impl delivery::Handler for Handlers {
    fn route(&self, update: &Update) -> Route {
        match &update.kind {
            UpdateKind::Message(msg) => {
                // Silence (group chatter) costs nothing and waits in no queue.
                let addressed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    addressing::action_for(msg, &self.state).is_some()
                }))
                .unwrap_or(true);
                if addressed {
                    Route::Chat {
                        chat: msg.chat.id.0,
                    }
                } else {
                    Route::Ignore
                }
            }
            UpdateKind::CallbackQuery(_) | UpdateKind::InlineQuery(_) => Route::Now,
            _ => Route::Ignore,
        }
    }

    async fn handle(&self, update: Update) -> Handled {
        let (bot, state) = (&*self.tg, &*self.state);
        match update.kind {
            UpdateKind::Message(msg) => {
                let lang = lang_of(msg.from.as_ref());
                let body = messages::handle_message(bot, &msg, state, lang);
                guarded(bot, Some((msg.chat.id, lang)), "message", body).await
            }
            UpdateKind::CallbackQuery(q) => {
                let lang = lang_of(Some(&q.from));
                let chat = q.message.as_ref().map(|m| (m.chat().id, lang));
                let body = callbacks::handle_callback(bot, &q, state, lang);
                guarded(bot, chat, "button", body).await
            }
            UpdateKind::InlineQuery(q) => {
                let body = inline::handle_inline(bot, &q, state, lang_of(Some(&q.from)));
                guarded(bot, None, "inline query", body).await
            }
            _ => Handled::Done,
        }
    }

    async fn too_busy(&self, chat: i64, refused: Update) {
        let from = match &refused.kind {
            UpdateKind::Message(m) => m.from.as_ref(),
            _ => None,
        };
        let text = bot_notice(BotNotice::TooBusy, lang_of(from));
        let payload = SendMessage::new(ChatId(chat), text);
        if let Err(e) = self.tg.send(chat, Priority::Reply, &payload).await {
            tracing::warn!("chat {chat}: cannot send the too-busy notice: {e}");
        }
    }
}

/// Runs a handler body; if it fails, logs the error and, unless its answer may still
/// arrive (a `sendMessage` that timed out), tells the user briefly, so one bad update never
/// goes unanswered, is never answered twice over, and never stops the bot. A body cut short
/// by the bot stopping is [`Handled::Interrupted`]: handled again on the next start.
async fn guarded(
    bot: &TgBot,
    chat: Option<(ChatId, Lang)>,
    what: &str,
    body: impl Future<Output = anyhow::Result<()>>,
) -> Handled {
    if let Err(err) = body.await {
        let call = err.downcast_ref::<CallError>();
        if call.is_some_and(CallError::was_interrupted) {
            tracing::info!("{what}: not finished before the stop; kept for the next start");
            return Handled::Interrupted;
        }
        let may_arrive = call.is_some_and(CallError::may_have_arrived);
        tracing::error!(
            "{what} failed: {}",
            redact(&format!("{err:#}"), bot.token())
        );
        if let Some((chat, lang)) = chat
            && !may_arrive
        {
            let apology = SendMessage::new(chat, bot_notice(BotNotice::Apology, lang));
            let _ = bot.send(chat.0, Priority::Reply, &apology).await;
        }
    }
    Handled::Done
}

/// The language to answer a user in.
fn lang_of(user: Option<&teloxide::types::User>) -> Lang {
    Lang::from_code(user.and_then(|u| u.language_code.as_deref()))
}
