//! Button presses: a paging button edits its search message in place; a key-points button
//! sends the summary. Buttons whose search or article is gone get a polite answer.

use teloxide::payloads::{AnswerCallbackQuery, EditMessageText};
use teloxide::prelude::*;
use teloxide::types::ParseMode;
use teloxide::{ApiError, RequestError};

use super::messages::{keyboard, no_preview, respond, send};
use super::sender::CallError;
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
        bot.call(
            &AnswerCallbackQuery::new(q.id.clone()).text(bot_notice(BotNotice::MessageGone, lang)),
        )
        .await?;
        return Ok(());
    };
    let (chat, message_id) = (message.chat().id, message.id());
    match parsed {
        Some(Callback::Unfollow(id)) => {
            return super::follow::handle_button(bot, q, state, lang, Some(id), None).await;
        }
        Some(Callback::Following(chat)) => {
            return super::follow::handle_button(bot, q, state, lang, None, Some(chat)).await;
        }
        Some(Callback::Page { key, page }) => {
            let Some(query) = state.memory.query(chat.0, key) else {
                bot.call(
                    &AnswerCallbackQuery::new(q.id.clone())
                        .text(bot_notice(BotNotice::SearchGone, lang)),
                )
                .await?;
                return Ok(());
            };
            // Answered at once: Telegram drops an answer that comes after about 15 s.
            bot.call(&AnswerCallbackQuery::new(q.id.clone())).await?;
            let reply = respond(state, Origin::default(), Request::Page { query, page })?;
            let rendered = render::reply(&reply, Some(key), lang);
            if let Some(m) = rendered.first() {
                let mut edit = EditMessageText::new(chat, message_id, m.html.clone())
                    .parse_mode(ParseMode::Html)
                    .link_preview_options(no_preview());
                if let Some(k) = keyboard(m) {
                    edit = edit.reply_markup(k);
                }
                match bot.call(&edit).await {
                    Ok(_) => {
                        state
                            .memory
                            .remember_list(chat.0, Some(message_id.0), reply.listed_ids())
                    }
                    // The same page pressed twice: nothing to change.
                    Err(CallError {
                        error: RequestError::Api(ApiError::MessageNotModified),
                        ..
                    }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Some(Callback::Summary(id)) => {
            bot.call(&AnswerCallbackQuery::new(q.id.clone())).await?;
            let reply = respond(state, Origin::default(), Request::SummaryOf(id))?;
            let messages = render::reply(&reply, None, lang);
            send(bot, chat, None, &messages, state, Some(&reply)).await?;
        }
        None => {
            bot.call(
                &AnswerCallbackQuery::new(q.id.clone())
                    .text(bot_notice(BotNotice::ButtonGone, lang)),
            )
            .await?;
        }
    }
    Ok(())
}
