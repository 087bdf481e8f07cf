//! The serve lifecycle: register the command lists, build the shared state, poll until a
//! signal, then stop the dispatcher cleanly.

use std::process::ExitCode;
use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use super::admin::FeedAdmin;
use super::alerts::{self, AlertSettings};
use super::delivery::{self, Settings};
use super::sender::{Limits, RetryPolicy, Telegram};
use super::signals::wait_for_signal;
use super::token::{Connected, ServeError, redact};
use super::{Handlers, State};
use crate::answer::{Following, LiveEngine};
use crate::chat::{self, Command, ListSizes, Memory};

/// Registers the commands, sends alerts for followed topics and polls until Ctrl-C or
/// SIGTERM, then stops within `settings.grace` (what is left waits in the spool and the
/// outbox for the next start).
pub(crate) async fn serve(
    connected: Connected,
    engine: Arc<LiveEngine>,
    following: Option<Arc<Following>>,
    sizes: ListSizes,
    settings: Settings,
    feed_admin: Option<FeedAdmin>,
    alert_settings: AlertSettings,
) -> Result<ExitCode, ServeError> {
    let Connected { bot, me, token } = connected;
    let username = me.username.clone().unwrap_or_default();
    let (zh, en) = command_lists();
    if let Err(e) = bot.set_my_commands(zh).await {
        tracing::warn!(
            "cannot register the command list: {}",
            redact(&e.to_string(), &token)
        );
    }
    if let Err(e) = bot.set_my_commands(en).language_code("en").await {
        tracing::warn!(
            "cannot register the English command list: {}",
            redact(&e.to_string(), &token)
        );
    }
    if feed_admin.as_ref().is_some_and(|a| a.admins.is_empty()) {
        tracing::info!(
            "no admins set (setting `admins`): /addfeed, /feeds, /removefeed are refused"
        );
    }
    let s = engine.snapshot().stats();
    tracing::info!(
        "@{username} serving {} articles ({} paragraphs); polling",
        s.articles,
        s.paragraphs
    );
    let state = Arc::new(State {
        engine,
        memory: Memory::default(),
        username,
        bot_id: me.id,
        sizes,
        feed_admin,
        following: following.clone(),
    });
    let tg = Telegram::new(
        &token,
        bot.api_url(),
        Limits::default(),
        RetryPolicy::default(),
    )
    .map_err(|e| ServeError::Other(anyhow::anyhow!("cannot build the HTTP client: {e}")))?;
    let tg = Arc::new(tg);
    let handlers = Arc::new(Handlers {
        tg: Arc::clone(&tg),
        state,
    });
    if let Some(spool) = &settings.spool {
        delivery::prepare_spool(spool).map_err(|e| {
            ServeError::Other(anyhow::anyhow!(
                "cannot create the folder of update_spool {}: {e}",
                spool.display()
            ))
        })?;
    }
    let stop = async {
        wait_for_signal().await;
        tracing::info!("stopping");
    };
    let (stop_alerts, alerts_stopped) = tokio::sync::oneshot::channel::<()>();
    let sender = following.map(|f| {
        tokio::spawn(alerts::run(
            Arc::clone(&tg),
            f,
            alert_settings,
            async move {
                let _ = alerts_stopped.await;
            },
        ))
    });
    let outcome = delivery::run(Arc::clone(&tg), handlers, settings, stop).await;
    // Alerts stop with the updates: messages on the wire finish, the rest stays queued.
    tg.stop_sending();
    let _ = stop_alerts.send(());
    if let Some(sender) = sender
        && let Err(e) = sender.await
    {
        tracing::error!("the alert sender ended badly: {e}");
    }
    let outcome = outcome.map_err(|e| ServeError::Other(anyhow::anyhow!("update spool: {e}")))?;
    tracing::info!(
        "stopped: {} updates handled, {} left for the next start",
        outcome.handled,
        outcome.left
    );
    Ok(ExitCode::SUCCESS)
}

/// The command list for `setMyCommands`: Chinese by default, English for English users.
fn command_lists() -> (Vec<BotCommand>, Vec<BotCommand>) {
    // Telegram wants bare names (`search`); the derive may give them with the prefix.
    let zh = Command::bot_commands()
        .into_iter()
        .map(|c| BotCommand::new(c.command.trim_start_matches('/'), c.description))
        .collect();
    let en = chat::english_descriptions()
        .into_iter()
        .map(|(c, d)| BotCommand::new(c, d))
        .collect();
    (zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_commands_are_bare_lowercase_names() {
        // Regression: `setMyCommands` refuses `/search` (BOT_COMMAND_INVALID).
        let (zh, en) = command_lists();
        assert_eq!(zh.len(), en.len());
        for c in zh.iter().chain(&en) {
            assert!(
                !c.command.is_empty()
                    && c.command.len() <= 32
                    && c.command
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                "{c:?}"
            );
            assert!(
                !c.description.is_empty() && c.description.chars().count() <= 256,
                "{c:?}"
            );
        }
        let names = |l: &[BotCommand]| l.iter().map(|c| c.command.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&zh),
            names(&en),
            "English list names the same commands"
        );
    }
}
