//! The Telegram bot: teloxide wiring only. The handler tree ([`schema`]), handlers that turn
//! updates into `chat` requests and send what `render` makes of the replies, paging
//! buttons, inline mode, and `serve` (token check, command registration, long polling,
//! clean stop on Ctrl-C or SIGTERM).

use std::process::ExitCode;
use std::sync::Arc;

use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{DefaultKey, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, ChatAction, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResult,
    InlineQueryResultArticle, InputMessageContent, InputMessageContentText, LinkPreviewOptions,
    MessageEntityKind, MessageId, ParseMode, ReplyParameters,
};
use teloxide::utils::command::BotCommands;
use teloxide::{ApiError, RequestError};

use crate::answer::Engine;
use crate::chat::{self, Command, Context, Memory, Note, Reply, Request};
use crate::render::clip;
use crate::render::telegram::escape;
use crate::render::telegram_reply::{self, CARD_TITLE_CHARS, Callback, OutMessage, SENTENCE_CHARS};

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
    pub search_limit: usize,
    pub latest_limit: usize,
}

/// The whole handler tree: messages, button presses, inline queries. Edited messages and
/// other updates are not asked for, so they are silently ignored.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline_query))
}

/// A dispatcher over [`schema`], with a logging error handler; the caller runs it.
pub fn dispatcher(bot: TgBot, state: Arc<State>) -> Dispatcher<TgBot, anyhow::Error, DefaultKey> {
    Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![state])
        .default_handler(|_| async {})
        .error_handler(LoggingErrorHandler::with_custom_text(
            "an update handler failed",
        ))
        .build()
}

/// Runs a handler body; if it fails, logs the error and tells the user briefly, so one bad
/// update never goes unanswered and never stops the bot.
async fn guarded(
    bot: &TgBot,
    chat: Option<ChatId>,
    what: &str,
    body: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    if let Err(err) = body.await {
        tracing::error!("{what} failed: {err:#}");
        if let Some(chat) = chat {
            let _ = bot
                .send_message(chat, "抱歉，处理这条消息时出了点问题，请稍后再试。")
                .await;
        }
    }
    Ok(())
}

async fn on_message(bot: TgBot, msg: Message, state: Arc<State>) -> anyhow::Result<()> {
    let chat = msg.chat.id;
    guarded(
        &bot,
        Some(chat),
        "message",
        handle_message(&bot, &msg, &state),
    )
    .await
}

/// What to do with a message.
enum Action {
    Answer(Request),
    /// A sticker, photo or other message without text, in a private chat.
    TextOnly,
}

/// What to do with a message; `None` is deliberate silence (group chatter, another bot's
/// command, a non-text message in a group).
fn action_for(msg: &Message, state: &State) -> Option<Action> {
    let private = msg.chat.is_private();
    let Some(text) = msg.text() else {
        return private.then_some(Action::TextOnly);
    };
    request_for(msg, text, private, state).map(Action::Answer)
}

fn request_for(msg: &Message, text: &str, private: bool, state: &State) -> Option<Request> {
    let text = text.trim();
    if text.starts_with('/') {
        let request = chat::parse(text, &state.username)?;
        // In groups, unknown commands are probably another bot's: stay silent.
        if !private && matches!(request, Request::Unknown(_)) {
            return None;
        }
        return Some(request);
    }
    if private {
        return Some(Request::Question(text.to_string()));
    }
    let replies_to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == state.bot_id);
    let mention = format!("@{}", state.username);
    let mentions_bot = msg.entities().unwrap_or_default().iter().any(|e| {
        e.kind == MessageEntityKind::Mention
            && msg
                .text()
                .and_then(|t| entity_text(t, e.offset, e.length))
                .is_some_and(|m| m.eq_ignore_ascii_case(&mention))
    });
    if replies_to_bot || mentions_bot {
        let question = strip_mention(text, &mention);
        return (!question.is_empty()).then_some(Request::Question(question));
    }
    None
}

/// The text of an entity, given in UTF-16 units.
fn entity_text(text: &str, offset: usize, length: usize) -> Option<String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    units
        .get(offset..offset + length)
        .map(String::from_utf16_lossy)
}

/// `text` without `@bot` mentions (ASCII case-insensitive: usernames are ASCII), trimmed.
/// Works on the original bytes, so characters that change length when lower-cased (İ, K)
/// cannot shift the cut.
fn strip_mention(text: &str, mention: &str) -> String {
    let (hay, needle) = (text.as_bytes(), mention.as_bytes());
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut copied = 0;
    while !needle.is_empty() && at + needle.len() <= hay.len() {
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            out.push_str(&text[copied..at]);
            at += needle.len();
            copied = at;
        } else {
            at += 1;
        }
    }
    out.push_str(&text[copied..]);
    out.trim()
        .trim_start_matches([',', '，', ':', '：'])
        .trim()
        .to_string()
}

async fn handle_message(bot: &TgBot, msg: &Message, state: &State) -> anyhow::Result<()> {
    let request = match action_for(msg, state) {
        None => return Ok(()),
        Some(Action::TextOnly) => {
            let messages = telegram_reply::reply(&Reply::Note(Note::TextOnly), None);
            return send(bot, msg.chat.id, None, &messages, state, None).await;
        }
        Some(Action::Answer(r)) => r,
    };
    bot.send_chat_action(msg.chat.id, ChatAction::Typing)
        .await
        .ok();
    let ctx = Context {
        chat: msg.chat.id.0,
        reply_to: msg.reply_to_message().map(|m| m.id.0),
    };
    let search_key = match &request {
        Request::Command(Command::Search(q)) if !q.trim().is_empty() => {
            Some(state.memory.remember_query(msg.chat.id.0, q.trim()))
        }
        _ => None,
    };
    let reply = respond(state, ctx, request)?;
    let messages = telegram_reply::reply(&reply, search_key);
    let reply_to = (!msg.chat.is_private()).then_some(msg.id);
    send(bot, msg.chat.id, reply_to, &messages, state, Some(&reply)).await
}

/// Answers a request. Answering is CPU work, so it runs where blocking is allowed. A panic
/// in the engine becomes an error for this update only: a panicking handler would otherwise
/// take teloxide's per-chat worker, and with it the bot, down.
fn respond(state: &State, ctx: Context, request: Request) -> anyhow::Result<Reply> {
    tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            chat::respond(
                &state.engine,
                &state.memory,
                ctx,
                request,
                state.search_limit,
                state.latest_limit,
            )
        }))
        .map_err(|_| anyhow::anyhow!("answering panicked"))
    })
}

fn keyboard(m: &OutMessage) -> Option<InlineKeyboardMarkup> {
    (!m.buttons.is_empty()).then(|| {
        InlineKeyboardMarkup::new(m.buttons.iter().map(|row| {
            row.iter()
                .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
                .collect::<Vec<_>>()
        }))
    })
}

/// Sends rendered messages in order; remembers what the first one listed.
async fn send(
    bot: &TgBot,
    chat: ChatId,
    reply_to: Option<MessageId>,
    messages: &[OutMessage],
    state: &State,
    reply: Option<&Reply>,
) -> anyhow::Result<()> {
    for (i, m) in messages.iter().enumerate() {
        let mut req = bot
            .send_message(chat, m.html.clone())
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
        let sent = req.await?;
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

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

async fn on_callback(bot: TgBot, q: CallbackQuery, state: Arc<State>) -> anyhow::Result<()> {
    let chat = q.message.as_ref().map(|m| m.chat().id);
    guarded(&bot, chat, "button", handle_callback(&bot, &q, &state)).await
}

async fn handle_callback(bot: &TgBot, q: &CallbackQuery, state: &State) -> anyhow::Result<()> {
    let parsed = q.data.as_deref().and_then(telegram_reply::parse_callback);
    let Some(message) = q.message.as_ref() else {
        bot.answer_callback_query(q.id.clone())
            .text("这条消息已过期。")
            .await?;
        return Ok(());
    };
    let (chat, message_id) = (message.chat().id, message.id());
    match parsed {
        Some(Callback::Page { key, page }) => {
            let Some(query) = state.memory.query(chat.0, key) else {
                bot.answer_callback_query(q.id.clone())
                    .text("这条搜索已过期，请重新搜索。")
                    .await?;
                return Ok(());
            };
            let reply = respond(state, Context::default(), Request::Page { query, page })?;
            let rendered = telegram_reply::reply(&reply, Some(key));
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
                    Err(RequestError::Api(ApiError::MessageNotModified)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            bot.answer_callback_query(q.id.clone()).await?;
        }
        Some(Callback::Summary(id)) => {
            bot.answer_callback_query(q.id.clone()).await?;
            let reply = respond(state, Context::default(), Request::SummaryOf(id))?;
            let messages = telegram_reply::reply(&reply, None);
            send(bot, chat, None, &messages, state, Some(&reply)).await?;
        }
        None => {
            bot.answer_callback_query(q.id.clone())
                .text("这个按钮已失效。")
                .await?;
        }
    }
    Ok(())
}

/// Inline results per query (Telegram allows 50).
const INLINE_RESULTS: usize = 10;

async fn on_inline_query(bot: TgBot, q: InlineQuery, state: Arc<State>) -> anyhow::Result<()> {
    guarded(&bot, None, "inline query", handle_inline(&bot, &q, &state)).await
}

async fn handle_inline(bot: &TgBot, q: &InlineQuery, state: &State) -> anyhow::Result<()> {
    let engine = Arc::clone(&state.engine);
    let query = q.query.trim().to_string();
    let results = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            inline_results(&engine, &query)
        }))
    })
    .map_err(|_| anyhow::anyhow!("inline results panicked"))?;
    bot.answer_inline_query(q.id.clone(), results)
        .cache_time(30)
        .await?;
    Ok(())
}

/// Article cards: the latest articles for an empty query, else the answer (when there is
/// one) and the best matching articles. The message sent is the paragraph or answer with
/// its citation.
pub fn inline_results(engine: &Engine, query: &str) -> Vec<InlineQueryResult> {
    let card = |id: String, title: &str, description: String, html: String| {
        InlineQueryResult::Article(
            InlineQueryResultArticle::new(
                id,
                title.chars().take(100).collect::<String>(),
                InputMessageContent::Text(
                    InputMessageContentText::new(html)
                        .parse_mode(ParseMode::Html)
                        .link_preview_options(no_preview()),
                ),
            )
            .description(description.chars().take(200).collect::<String>()),
        )
    };
    let mut out = Vec::new();
    if query.is_empty() {
        for (i, a) in engine.latest(INLINE_RESULTS).into_iter().enumerate() {
            let r = crate::answer::ArticleRef::of(a);
            let lede = engine.lede(a);
            let html = format!(
                "<b>{}</b>\n{}\n\n{}",
                escape(&clip(&a.title, CARD_TITLE_CHARS)),
                cite(&r),
                escape(&clip(&lede, SENTENCE_CHARS))
            );
            out.push(card(
                format!("l{i}"),
                &a.title,
                format!("{} {}", date_of(&r), lede),
                html,
            ));
        }
        return out;
    }
    let answer = engine.ask(query);
    if let (Some(sentence), Some(title)) = (&answer.sentence, &answer.title) {
        let r = crate::answer::ArticleRef {
            article_id: answer.article_id.clone().unwrap_or_default(),
            title: title.clone(),
            date: answer.date,
            source: answer.source.clone(),
            outlet: answer.outlet.clone(),
            reporter: None,
            url: None,
        };
        let html = format!(
            "<b>{}</b>\n—— 《{}》 {}",
            escape(&clip(sentence, SENTENCE_CHARS)),
            escape(&clip(title, CARD_TITLE_CHARS)),
            cite(&r)
        );
        out.push(card(
            "answer".into(),
            &format!("答：{title}"),
            sentence.clone(),
            html,
        ));
    }
    let results = engine.search(query, 1, INLINE_RESULTS);
    for (i, g) in results.articles.iter().enumerate() {
        if out.len() >= INLINE_RESULTS {
            break;
        }
        let Some(hit) = g.hits.first() else { continue };
        let (text, ranges) = crate::render::snippet(&hit.text, &hit.highlights, 300);
        let html = format!(
            "{}\n—— 《{}》 {}",
            crate::render::telegram::marked(&text, &ranges),
            escape(&clip(&g.article.title, CARD_TITLE_CHARS)),
            cite(&g.article)
        );
        let lede = engine
            .article(&g.article.article_id)
            .map(|a| engine.lede(a))
            .unwrap_or_default();
        out.push(card(
            format!("s{i}"),
            &g.article.title,
            format!("{} {lede}", date_of(&g.article)),
            html,
        ));
    }
    out
}

fn date_of(r: &crate::answer::ArticleRef) -> String {
    r.date.map(|d| d.to_string()).unwrap_or_default()
}

fn cite(r: &crate::answer::ArticleRef) -> String {
    let mut parts = Vec::new();
    if let Some(d) = r.date {
        parts.push(d.to_string());
    }
    if let Some(o) = r.outlet_or_source() {
        parts.push(escape(o));
    }
    parts.join(" · ")
}

/// Replaces every occurrence of the token in `text`, so errors can be logged safely
/// (request errors can contain the request URL, which contains the token).
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_string();
    }
    text.replace(token, "<token>")
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

/// How `serve` ended, for the exit code.
pub enum ServeError {
    /// No token, or Telegram refused it: exit 2 with this message.
    Token(String),
    /// Anything else.
    Other(anyhow::Error),
}

/// A bot whose token Telegram accepted.
pub struct Connected {
    bot: Bot,
    me: teloxide::types::Me,
    token: String,
}

/// Checks the token with `getMe` (before the corpus is loaded, so a bad token fails fast).
pub async fn connect(token: String, api_url: Option<String>) -> Result<Connected, ServeError> {
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

/// Registers the commands and polls until Ctrl-C or SIGTERM.
pub async fn serve(
    connected: Connected,
    engine: Arc<Engine>,
    search_limit: usize,
    latest_limit: usize,
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
    let s = engine.stats();
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
        search_limit,
        latest_limit,
    });
    let mut dispatcher = dispatcher(bot.throttle(Limits::default()), state);
    let shutdown = dispatcher.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stopping");
        // The dispatcher may still be starting; retry until it takes the request. Its end
        // is awaited below, through `dispatch()`: the future `shutdown()` returns can miss
        // a dispatcher that finishes before that future is first polled.
        while shutdown.shutdown().is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    });
    dispatcher.dispatch().await;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM on Unix.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!("cannot listen for SIGTERM: {e}");
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
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

    #[test]
    fn tokens_are_redacted() {
        let token = "123456:ABC-secret";
        let e =
            format!("error sending request for url (https://api.telegram.org/bot{token}/GetMe)");
        assert!(!redact(&e, token).contains("ABC-secret"));
        assert_eq!(redact("nothing", ""), "nothing");
    }

    #[test]
    fn mentions_are_stripped() {
        assert_eq!(
            strip_mention("@Jianbao_Bot 黄河有多长？", "@jianbao_bot"),
            "黄河有多长？"
        );
        assert_eq!(
            strip_mention("请问 @jianbao_bot，防汛怎么样", "@jianbao_bot"),
            "请问 ，防汛怎么样"
        );
        assert_eq!(strip_mention("@jianbao_bot", "@jianbao_bot"), "");
        // Regression: lower-casing İ changes its byte length; this panicked.
        assert_eq!(
            strip_mention("İİ @jianbao_bot 黄河有多长", "@jianbao_bot"),
            "İİ  黄河有多长"
        );
        assert_eq!(
            strip_mention("İ黄 @jianbao_bot 黄河", "@jianbao_bot"),
            "İ黄  黄河"
        );
    }

    #[test]
    fn entity_offsets_are_utf16() {
        let text = "🌊 @jianbao_bot 黄河";
        assert_eq!(entity_text(text, 3, 12).as_deref(), Some("@jianbao_bot"));
        assert_eq!(entity_text(text, 100, 2), None);
    }
}
