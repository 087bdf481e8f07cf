//! Feed administration for the bot's admins (Telegram user ids in the `admins` setting), in
//! a private chat: `/addfeed URL` (the address checked with the fetcher's safety rules, the
//! feed added and read once, the outcome told), `/feeds` (each feed's state, failing ones
//! with their error) and `/removefeed N` (the articles already read stay). Anyone else, and
//! any group, gets a polite refusal; an admin's `/help` lists the commands.

use std::sync::Arc;

use teloxide::prelude::*;

use super::{State, TgBot, messages};
use crate::chat::{Command, Request};
use crate::ingest::Ingest;
use crate::render::Lang;
use crate::render::telegram::OutMessage;
use crate::render::telegram::feeds as render;
use crate::render::words::{self, AdminRefusal};

/// What the admin commands need: the feeds (through the ingest) and who may change them.
pub struct FeedAdmin {
    pub ingest: Arc<Ingest>,
    /// Telegram user ids.
    pub admins: Vec<i64>,
}

/// Whether a request is one of the admin commands.
pub(super) fn is_admin_command(request: &Request) -> bool {
    matches!(
        request,
        Request::Command(Command::AddFeed(_) | Command::Feeds | Command::RemoveFeed(_))
    )
}

/// Whether the sender of `msg` is an admin writing in private (for `/help`).
pub(super) fn is_admin_in_private(msg: &Message, state: &State) -> bool {
    msg.chat.is_private()
        && state
            .feed_admin
            .as_ref()
            .is_some_and(|a| sent_by_admin(msg, a))
}

fn sent_by_admin(msg: &Message, admin: &FeedAdmin) -> bool {
    msg.from
        .as_ref()
        .and_then(|u| i64::try_from(u.id.0).ok())
        .is_some_and(|id| admin.admins.contains(&id))
}

/// Answers an admin command, or refuses it.
pub(super) async fn handle(
    bot: &TgBot,
    msg: &Message,
    state: &State,
    lang: Lang,
    request: Request,
) -> anyhow::Result<()> {
    let out = answer(msg, state, lang, request).await?;
    let reply_to = (!msg.chat.is_private()).then_some(msg.id);
    messages::send(bot, msg.chat.id, reply_to, &out, state, None).await
}

async fn answer(
    msg: &Message,
    state: &State,
    lang: Lang,
    request: Request,
) -> anyhow::Result<Vec<OutMessage>> {
    let refuse = |r| Ok(render::notice(words::admin_refusal(r, lang)));
    // Who asks is checked before where: a non-admin learns nothing about the feeds.
    let Some(admin) = &state.feed_admin else {
        return refuse(AdminRefusal::NoFeeds);
    };
    if !sent_by_admin(msg, admin) {
        tracing::info!(
            "chat {}: feed command from a user who is not an admin; refused",
            msg.chat.id
        );
        return refuse(AdminRefusal::NotAdmin);
    }
    if !msg.chat.is_private() {
        return refuse(AdminRefusal::NotPrivate);
    }
    let ingest = &admin.ingest;
    let Request::Command(command) = request else {
        return Ok(Vec::new());
    };
    match command {
        Command::AddFeed(url) if url.trim().is_empty() => {
            Ok(render::notice(words::addfeed_usage(lang)))
        }
        Command::AddFeed(url) => match ingest.add_admin_feed(url.trim()).await {
            Ok(added) => {
                tracing::info!(
                    "admin {}: added feed {} ({})",
                    user_of(msg),
                    added.id,
                    added.report.url
                );
                Ok(render::added(&added, lang))
            }
            Err(crate::ingest::FeedRefused::Store(e)) => Err(e.into()),
            Err(refused) => {
                tracing::info!("admin {}: feed not added: {refused}", user_of(msg));
                Ok(render::notice(&words::feed_refused(&refused, lang)))
            }
        },
        Command::Feeds => {
            let feeds = tokio::task::block_in_place(|| ingest.status())?;
            Ok(render::list(&feeds, lang))
        }
        Command::RemoveFeed(n) => {
            let n = n.trim();
            if n.is_empty() {
                return Ok(render::notice(words::removefeed_usage(lang)));
            }
            let Ok(id) = n.trim_start_matches('#').parse::<i64>() else {
                return Ok(render::notice(&words::no_such_feed(
                    lang,
                    &n.chars().take(crate::chat::ECHO_CHARS).collect::<String>(),
                )));
            };
            match tokio::task::block_in_place(|| ingest.remove_feed(id))? {
                Some(removed) => {
                    tracing::info!(
                        "admin {}: removed feed {} ({})",
                        user_of(msg),
                        removed.id,
                        removed.url
                    );
                    Ok(render::removed(&removed, lang))
                }
                None => Ok(render::notice(&words::no_such_feed(lang, n))),
            }
        }
        _ => Ok(Vec::new()),
    }
}

fn user_of(msg: &Message) -> String {
    msg.from
        .as_ref()
        .map_or_else(|| "?".into(), |u| u.id.0.to_string())
}
