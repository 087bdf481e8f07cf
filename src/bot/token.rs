//! The token: checked with `getMe` before anything else (a bad token fails fast, before the
//! corpus is loaded), and kept out of every log line.

use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

/// How `serve` ended, for the exit code.
pub(crate) enum ServeError {
    /// No token, or Telegram refused it: exit 2 with this message.
    Token(String),
    /// Anything else.
    Other(anyhow::Error),
}

/// A bot whose token Telegram accepted.
pub(crate) struct Connected {
    pub(super) bot: Bot,
    pub(super) me: teloxide::types::Me,
    pub(super) token: String,
}

/// Checks the token with `getMe`; `api_url` replaces Telegram's (a local Bot API server, or
/// the tests' fake).
pub(crate) async fn connect(
    token: String,
    api_url: Option<String>,
) -> Result<Connected, ServeError> {
    let mut bot = Bot::new(token.clone());
    if let Some(url) = api_url {
        let parsed = url.parse().map_err(|e| {
            ServeError::Token(format!("TELOXIDE_API_URL {url:?} is not a URL: {e}"))
        })?;
        bot = bot.set_api_url(parsed);
    }
    match bot.get_me().await {
        Ok(me) => Ok(Connected { bot, me, token }),
        Err(RequestError::Api(e))
            if matches!(e, ApiError::InvalidToken) || e.to_string().contains("Unauthorized") =>
        {
            Err(ServeError::Token(
                "Telegram rejected the token in TELOXIDE_TOKEN. Get a new one from @BotFather and put it in .env (see .env.example), or try the bot in this terminal: jianbao chat".into(),
            ))
        }
        Err(e) => Err(ServeError::Token(format!(
            "cannot reach Telegram to check the token: {}. Check the network (or TELOXIDE_API_URL), or try the bot in this terminal: jianbao chat",
            redact(&e.to_string(), &token)
        ))),
    }
}

/// Replaces every occurrence of the token in `text`, so errors can be logged safely
/// (request errors can contain the request URL, which contains the token).
pub(crate) fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_string();
    }
    text.replace(token, "<token>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_redacted() {
        let token = "123456:ABC-secret";
        let e =
            format!("error sending request for url (https://api.telegram.org/bot{token}/GetMe)");
        assert!(!redact(&e, token).contains("ABC-secret"));
        assert_eq!(redact("nothing", ""), "nothing");
    }
}
