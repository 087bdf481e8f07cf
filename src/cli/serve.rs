//! `jianbao serve` (also plain `jianbao`): the Telegram bot, by long polling. Without a
//! token it says what to do and how to try `jianbao chat` instead, and exits 2.

use std::process::ExitCode;
use std::sync::Arc;

use super::Context;
use crate::bot::{self, ServeError};

/// What a user without a token reads.
const NO_TOKEN: &str = "jianbao: no Telegram bot token (TELOXIDE_TOKEN is not set).
  To run the bot: get a token from @BotFather in Telegram, then
      cp .env.example .env
  and put it after TELOXIDE_TOKEN= in .env; run this command again.
  To try the bot without Telegram, in this terminal:
      cargo run --release -- chat";

pub(crate) fn run(ctx: &Context) -> anyhow::Result<ExitCode> {
    let Some(token) = std::env::var("TELOXIDE_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    else {
        eprintln!("{NO_TOKEN}");
        return Ok(ExitCode::from(2));
    };
    let api_url = std::env::var("TELOXIDE_API_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async {
        let connected = bot::connect(token, api_url).await?;
        let live = ctx
            .live(&tokio::runtime::Handle::current())
            .map_err(ServeError::Other)?;
        bot::serve(
            connected,
            Arc::clone(&live.engine),
            Some(Arc::clone(&live.following)),
            ctx.config.list_sizes(),
            ctx.config.delivery(),
            Some(bot::admin::FeedAdmin {
                ingest: Arc::clone(&live.ingest),
                admins: ctx.config.admins.clone(),
            }),
            ctx.config
                .alerts()
                .map_err(|e| ServeError::Other(e.into()))?,
        )
        .await
    });
    match served {
        Ok(code) => Ok(code),
        Err(ServeError::Token(message)) => {
            eprintln!("jianbao: {message}");
            Ok(ExitCode::from(2))
        }
        Err(ServeError::Other(err)) => Err(err),
    }
}
