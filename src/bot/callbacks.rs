//! Button presses: a paging button edits its search message in place; a key-points button
//! sends the summary. Buttons whose search or article is gone get a polite answer.

use teloxide::prelude::*;
use teloxide::types::ParseMode;
use teloxide::{ApiError, RequestError};

use super::messages::{keyboard, no_preview, respond, send};
use super::{State, TgBot};
use crate::chat::{Origin, Request};
use crate::render::Lang;
use crate::render::telegram::{self as render, Callback};
use crate::render::words::{BotNotice, bot_notice};

pub(super) async fn handle_callback(
    bot: &TgBot,
    q: &CallbackQuery,
    state: &State,
    lang: Lang,
) -> anyhow::Result<()> {
    let parsed = q.data.as_deref().and_then(render::parse_callback);
    let Some(message) = q.message.as_ref() else {
        bot.answer_callback_query(q.id.clone())
            .text(bot_notice(BotNotice::MessageGone, lang))
            .await?;
        return Ok(());
    };
    let (chat, message_id) = (message.chat().id, message.id());
    match parsed {
        Some(Callback::Page { key, page }) => {
            let Some(query) = state.memory.query(chat.0, key) else {
                bot.answer_callback_query(q.id.clone())
                    .text(bot_notice(BotNotice::SearchGone, lang))
                    .await?;
                return Ok(());
            };
            let reply = respond(state, Origin::default(), Request::Page { query, page })?;
            let rendered = render::reply(&reply, Some(key), lang);
            if let Some(m) = rendered.first() {
                let mut edit = bot
                    .edit_message_text(chat, message_id, m.html.clone())
                    .parse_mode(ParseMode::Html)
                    .link_preview_options(no_preview());
                if let Some(k) = keyboard(m) {
                    edit = edit.reply_markup(k);
                }
                match edit.await {
                    Ok(_) => {
                        state
                            .memory
                            .remember_list(chat.0, Some(message_id.0), reply.listed_ids())
                    }
                    // The same page pressed twice: nothing to change.
                    Err(RequestError::Api(ApiError::MessageNotModified)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            bot.answer_callback_query(q.id.clone()).await?;
        }
        Some(Callback::Summary(id)) => {
            bot.answer_callback_query(q.id.clone()).await?;
            let reply = respond(state, Origin::default(), Request::SummaryOf(id))?;
            let messages = render::reply(&reply, None, lang);
            send(bot, chat, None, &messages, state, Some(&reply)).await?;
        }
        None => {
            bot.answer_callback_query(q.id.clone())
                .text(bot_notice(BotNotice::ButtonGone, lang))
                .await?;
        }
    }
    Ok(())
}
