//! The one way the bot talks to Telegram: [`Telegram::call`] sends any Bot API payload
//! (teloxide's typed payloads, as JSON over one pooled HTTP client) with
//!
//! - **retries with backoff** for what is safe to repeat: a 429 waits out its `retry_after`;
//!   a 5xx, a refused or dropped connection and (for methods that may run twice, every one
//!   but `sendMessage`) a timeout are retried after 0.25 s, 0.5 s, … at most
//!   [`MAX_BACKOFF`], within a budget ([`RetryPolicy::budget`]). So an answer is only given
//!   up when Telegram stayed unreachable for the whole budget; [`CallError::may_have_arrived`]
//!   tells the caller whether an apology is due (not when a `sendMessage` timed out: it may
//!   still arrive).
//! - **rate limits** that slow one chat without blocking any other ([`Limiter`]): per chat
//!   (1 message a second in a private chat, 20 a minute in a group) and overall (30 a
//!   second), with two priorities: [`Priority::Reply`] may use the whole overall rate,
//!   [`Priority::Alert`] (messages the bot sends on its own, like feed alerts) only
//!   [`ALERT_SHARE`] of it, so replies always go first.
//! - **connections that cannot go stale**: idle pooled connections are closed after
//!   [`POOL_IDLE`], TCP keep-alive probes dead peers, connecting gives up after 5 s.
//!
//! teloxide's own client is not used for this: it sleeps 10 s after any 5xx before returning,
//! and its `Throttle` adaptor retries only `send*` methods and queues every chat behind one
//! worker. Answers are plain teloxide types, errors are teloxide's [`RequestError`].

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use teloxide::requests::Payload;
use teloxide::types::{ResponseParameters, Seconds};
use teloxide::{ApiError, RequestError};
use tokio::time::Instant;

/// Longest wait between two retries of one request (a fault's end is noticed this soon).
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(4);
/// Idle pooled connections are dropped after this: a connection the network silently
/// broke is not reused minutes later.
pub(crate) const POOL_IDLE: Duration = Duration::from_secs(20);
/// Share of the overall message rate that alerts may use; the rest is kept for replies.
pub(crate) const ALERT_SHARE: f32 = 2.0 / 3.0;

/// How hard to try one request.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total time a request may take with its retries; then it is given up.
    pub(crate) budget: Duration,
    /// Time one attempt may take (`getUpdates` adds its long-poll timeout).
    pub(crate) attempt: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            budget: Duration::from_secs(60),
            attempt: Duration::from_secs(30),
        }
    }
}

/// Who a message is for, and how urgent it is (for [`Limiter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Priority {
    /// An answer to a user's request.
    Reply,
    /// A message the bot sends on its own.
    Alert,
}

/// Telegram's message rate limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub(crate) per_private_chat: (usize, Duration),
    pub(crate) per_group: (usize, Duration),
    pub(crate) overall: (usize, Duration),
}

impl Default for Limits {
    /// The limits Telegram documents for bots.
    fn default() -> Self {
        Self {
            per_private_chat: (1, Duration::from_secs(1)),
            per_group: (20, Duration::from_secs(60)),
            overall: (30, Duration::from_secs(1)),
        }
    }
}

impl Limits {
    /// Limits so high they never wait (tests of everything but the limits).
    pub fn unlimited() -> Self {
        let many = (1_000_000, Duration::from_secs(1));
        Self {
            per_private_chat: many,
            per_group: many,
            overall: many,
        }
    }
}

/// Sliding-window rate limits per chat and overall. A chat over its limit waits for its
/// own window only; other chats go on. Waiting happens outside the lock.
pub(crate) struct Limiter {
    limits: Limits,
    state: Mutex<LimiterState>,
}

#[derive(Default)]
struct LimiterState {
    chats: HashMap<i64, VecDeque<Instant>>,
    overall: VecDeque<Instant>,
}

/// When a window of `(n, per)` over `sent` has room; `None` when it has room now.
fn room_at(sent: &VecDeque<Instant>, (n, per): (usize, Duration), now: Instant) -> Option<Instant> {
    let recent = sent
        .iter()
        .filter(|&&t| now.duration_since(t) < per)
        .count();
    if recent < n.max(1) {
        return None;
    }
    // The oldest send still in the window must leave it.
    sent.iter()
        .rev()
        .nth(n.max(1) - 1)
        .map(|&t| t + per)
        .filter(|&t| t > now)
}

impl Limiter {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            state: Mutex::new(LimiterState::default()),
        }
    }

    /// Waits until one more message may go to `chat` (a negative id is a group), and
    /// counts it.
    pub(crate) async fn acquire(&self, chat: i64, priority: Priority) {
        let per_chat = if chat < 0 {
            self.limits.per_group
        } else {
            self.limits.per_private_chat
        };
        let (n, per) = self.limits.overall;
        let overall = match priority {
            Priority::Reply => (n, per),
            Priority::Alert => (((n as f32) * ALERT_SHARE).floor().max(1.0) as usize, per),
        };
        loop {
            let wait = {
                let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let chat_sent = state.chats.entry(chat).or_default();
                let chat_at = room_at(chat_sent, per_chat, now);
                let all_at = room_at(&state.overall, overall, now);
                match chat_at.max(all_at) {
                    None => {
                        let keep = |q: &mut VecDeque<Instant>, per: Duration| {
                            while q.front().is_some_and(|&t| now.duration_since(t) >= per) {
                                q.pop_front();
                            }
                        };
                        let chat_sent = state.chats.entry(chat).or_default();
                        keep(chat_sent, per_chat.1);
                        chat_sent.push_back(now);
                        keep(&mut state.overall, per);
                        state.overall.push_back(now);
                        // Forget chats that have been quiet for a while.
                        if state.chats.len() > 10_000 {
                            let longest = per_chat.1.max(self.limits.per_group.1);
                            state.chats.retain(|_, q| {
                                q.back().is_some_and(|&t| now.duration_since(t) < longest)
                            });
                        }
                        return;
                    }
                    Some(at) => at,
                }
            };
            tokio::time::sleep_until(wait).await;
        }
    }
}

/// Why a call failed for good, and whether its effect may still happen.
#[derive(Debug, thiserror::Error)]
#[error("{method}: {error}")]
pub(crate) struct CallError {
    pub(crate) method: &'static str,
    pub(crate) error: RequestError,
    /// The request may have been carried out (a `sendMessage` that timed out): the answer
    /// may still arrive, so no apology.
    pub(crate) maybe_done: bool,
    /// Not sent because the bot is stopping ([`Telegram::stop_sending`]): the work it was
    /// part of is to be done again on the next start, not apologised for.
    pub(crate) interrupted: bool,
    /// Given up after retrying something that may pass (a 5xx, a refused connection, a
    /// 429 beyond the retry budget): worth trying again later, unlike a refusal.
    pub(crate) passing: bool,
}

impl CallError {
    /// Whether what the call was to do may still have happened.
    pub(crate) fn may_have_arrived(&self) -> bool {
        self.maybe_done
    }

    /// Whether the call was refused because the bot is stopping (nothing was sent).
    pub(crate) fn was_interrupted(&self) -> bool {
        self.interrupted
    }

    /// Whether the failure may pass, so the call is worth making again later.
    pub(crate) fn may_pass(&self) -> bool {
        self.passing
    }

    fn failed(method: &'static str, error: RequestError) -> Self {
        Self {
            method,
            error,
            maybe_done: false,
            interrupted: false,
            passing: false,
        }
    }

    fn gave_up(method: &'static str, error: RequestError) -> Self {
        Self {
            passing: true,
            ..Self::failed(method, error)
        }
    }

    fn stopping(method: &'static str) -> Self {
        Self {
            method,
            error: RequestError::Io(Arc::new(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "not sent: the bot is stopping",
            ))),
            maybe_done: false,
            interrupted: true,
            passing: false,
        }
    }
}

/// The outcome of one attempt.
enum Attempt<T> {
    Done(Result<T, RequestError>),
    /// Failed in a way that is safe to try again (after at least `after`).
    Again {
        error: RequestError,
        after: Option<Duration>,
    },
    /// Failed in a way that may or may not have had its effect.
    Unknown(RequestError),
}

/// What Telegram answers: the result, or an error with its description and parameters.
#[derive(serde::Deserialize)]
struct Answer<T> {
    ok: bool,
    result: Option<T>,
    description: Option<String>,
    parameters: Option<ResponseParameters>,
}

/// The Bot API client: one HTTP connection pool, the rate limiter, the retry policy.
pub struct Telegram {
    /// teloxide's client on the same pool, for uploads (multipart), which [`Telegram::call`]
    /// does not send; see [`Telegram::upload`].
    teloxide: teloxide::Bot,
    client: reqwest::Client,
    api_url: reqwest::Url,
    token: String,
    limiter: Limiter,
    policy: RetryPolicy,
    /// Set by [`Telegram::stop_sending`]: no request starts any more.
    stopping: tokio::sync::watch::Sender<bool>,
}

/// Methods that are safe to send again when an attempt's outcome is unknown (a timeout):
/// doing them twice has the effect of doing them once (or an error Telegram answers and
/// nothing else).
fn repeatable(method: &str) -> bool {
    !method.eq_ignore_ascii_case("SendMessage")
}

impl Telegram {
    /// A client for `token` at `api_url` (`https://api.telegram.org` unless a local Bot API
    /// server is used).
    pub fn new(
        token: &str,
        api_url: reqwest::Url,
        limits: Limits,
        policy: RetryPolicy,
    ) -> reqwest::Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(POOL_IDLE)
            .tcp_keepalive(Duration::from_secs(15))
            .tcp_nodelay(true)
            // Loopback and the API server are reached directly; a proxy is configured
            // explicitly (TELOXIDE_PROXY), never picked up from HTTP_PROXY by surprise.
            .no_proxy()
            .build()?;
        Ok(Self::with_client(client, token, api_url, limits, policy))
    }

    /// [`Telegram::new`] with a given HTTP client (a proxy, custom roots).
    pub(crate) fn with_client(
        client: reqwest::Client,
        token: &str,
        api_url: reqwest::Url,
        limits: Limits,
        policy: RetryPolicy,
    ) -> Self {
        Self {
            teloxide: teloxide::Bot::with_client(token, client.clone())
                .set_api_url(api_url.clone()),
            client,
            api_url,
            token: token.to_string(),
            limiter: Limiter::new(limits),
            policy,
            stopping: tokio::sync::watch::Sender::new(false),
        }
    }

    /// From now on no request starts: calls waiting for the rate limiter or for a retry,
    /// and new calls, fail at once with [`CallError::was_interrupted`]; requests already on
    /// the wire finish. A stopping bot uses this so that no handler is cut off between
    /// Telegram taking its message and the update being marked handled.
    pub fn stop_sending(&self) {
        self.stopping.send_replace(true);
    }

    fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Resolves once [`Telegram::stop_sending`] is called.
    async fn stopped(&self) {
        let mut rx = self.stopping.subscribe();
        let _ = rx.wait_for(|&s| s).await;
    }

    /// Waits for the rate limiter, unless the bot stops meanwhile.
    async fn acquire(
        &self,
        method: &'static str,
        chat: i64,
        priority: Priority,
    ) -> Result<(), CallError> {
        tokio::select! {
            biased;
            () = self.stopped() => Err(CallError::stopping(method)),
            () = self.limiter.acquire(chat, priority) => Ok(()),
        }
    }

    /// Sleeps before a retry, unless the bot stops meanwhile.
    async fn pause(&self, method: &'static str, wait: Duration) -> Result<(), CallError> {
        tokio::select! {
            biased;
            () = self.stopped() => Err(CallError::stopping(method)),
            () = tokio::time::sleep(wait) => Ok(()),
        }
    }

    /// The token, for redacting errors before they are logged.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// Sends an upload (a photo: multipart, which only teloxide's client builds) to `chat`
    /// after the rate limiter lets it go; a 429 waits out its `retry_after` and a failed
    /// connection is tried again, a few times. (teloxide itself pauses 10 s after a 5xx.)
    pub(crate) async fn upload<R>(
        &self,
        chat: i64,
        priority: Priority,
        request: R,
    ) -> Result<<R::Payload as Payload>::Output, CallError>
    where
        R: teloxide::requests::Request<Err = RequestError>,
    {
        let method = <R::Payload as Payload>::NAME;
        self.acquire(method, chat, priority).await?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            if self.is_stopping() {
                return Err(CallError::stopping(method));
            }
            let error = match request.send_ref().await {
                Ok(out) => return Ok(out),
                Err(e) => e,
            };
            let wait = match &error {
                RequestError::RetryAfter(s) => Some(s.duration()),
                RequestError::Network(e) if e.is_connect() => Some(Duration::from_secs(1)),
                _ => None,
            };
            match wait {
                Some(wait) if attempts < 4 => self.pause(method, wait).await?,
                Some(_) => return Err(CallError::gave_up(method, error)),
                None => return Err(CallError::failed(method, error)),
            }
        }
    }

    /// teloxide's client on this pool (for methods this client does not wrap).
    pub(crate) fn teloxide(&self) -> &teloxide::Bot {
        &self.teloxide
    }

    /// The rate limiter (tests fill it to see what waits).
    #[cfg(test)]
    pub(crate) fn limiter(&self) -> &Limiter {
        &self.limiter
    }

    fn url(&self, method: &str) -> reqwest::Url {
        let mut url = self.api_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.push(&format!("bot{}", self.token));
            path.push(method);
        }
        url
    }

    /// Sends a message-sending payload to `chat` after the rate limiter lets it go.
    pub(crate) async fn send<P>(
        &self,
        chat: i64,
        priority: Priority,
        payload: &P,
    ) -> Result<P::Output, CallError>
    where
        P: Payload + Serialize,
        P::Output: DeserializeOwned,
    {
        self.acquire(P::NAME, chat, priority).await?;
        self.call(payload).await
    }

    /// Calls a Bot API method with retries (see the module doc); not rate limited.
    pub(crate) async fn call<P>(&self, payload: &P) -> Result<P::Output, CallError>
    where
        P: Payload + Serialize,
        P::Output: DeserializeOwned,
    {
        self.call_within(payload, self.policy.budget).await
    }

    /// [`Telegram::call`] with its own retry budget (`getUpdates` retries in its loop).
    pub(crate) async fn call_within<P>(
        &self,
        payload: &P,
        budget: Duration,
    ) -> Result<P::Output, CallError>
    where
        P: Payload + Serialize,
        P::Output: DeserializeOwned,
    {
        let method = P::NAME;
        let body = match serde_json::to_vec(payload) {
            Ok(b) => b,
            Err(e) => {
                let error = RequestError::InvalidJson {
                    source: Arc::new(e),
                    raw: "".into(),
                };
                return Err(CallError::failed(method, error));
            }
        };
        let timeout = self.policy.attempt + payload.timeout_hint().unwrap_or_default();
        let deadline = Instant::now() + budget;
        let mut failures = 0u32;
        loop {
            if self.is_stopping() {
                return Err(CallError::stopping(method));
            }
            let (error, after) = match self.attempt::<P::Output>(method, &body, timeout).await {
                Attempt::Done(result) => {
                    return result.map_err(|error| CallError::failed(method, error));
                }
                Attempt::Unknown(error) if !repeatable(method) => {
                    return Err(CallError {
                        maybe_done: true,
                        ..CallError::failed(method, error)
                    });
                }
                Attempt::Unknown(error) => (error, None),
                Attempt::Again { error, after } => (error, after),
            };
            failures += 1;
            let backoff = Duration::from_millis(250)
                .saturating_mul(1 << failures.min(5))
                .min(MAX_BACKOFF);
            let wait = after.unwrap_or(backoff);
            tracing::debug!(
                "{method}: attempt {failures} failed ({}); again in {wait:?}",
                crate::bot::redact(&error.to_string(), &self.token)
            );
            if Instant::now() + wait > deadline {
                return Err(CallError::gave_up(method, error));
            }
            self.pause(method, wait).await?;
        }
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &[u8],
        timeout: Duration,
    ) -> Attempt<T> {
        let request = self
            .client
            .post(self.url(method))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .timeout(timeout);
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return network(e),
        };
        let status = response.status();
        let text = match response.text().await {
            Ok(t) => t,
            Err(e) => return network(e),
        };
        let answer: Answer<T> = match serde_json::from_str(&text) {
            Ok(a) => a,
            Err(e) if status.is_server_error() => {
                let _ = e;
                return Attempt::Again {
                    error: RequestError::Api(ApiError::Unknown(format!(
                        "HTTP {status} from the Bot API"
                    ))),
                    after: None,
                };
            }
            Err(e) => {
                return Attempt::Done(Err(RequestError::InvalidJson {
                    source: Arc::new(e),
                    raw: text.chars().take(500).collect::<String>().into(),
                }));
            }
        };
        match answer {
            Answer {
                ok: true,
                result: Some(result),
                ..
            } => Attempt::Done(Ok(result)),
            Answer {
                parameters: Some(ResponseParameters::RetryAfter(s)),
                ..
            } => Attempt::Again {
                error: RequestError::RetryAfter(s),
                after: Some(s.duration().max(Duration::from_millis(100))),
            },
            Answer {
                parameters: Some(ResponseParameters::MigrateToChatId(to)),
                ..
            } => Attempt::Done(Err(RequestError::MigrateToChatId(to))),
            Answer { description, .. } => {
                let description = description.unwrap_or_default();
                let error: ApiError =
                    serde_json::from_value(serde_json::Value::String(description.clone()))
                        .unwrap_or(ApiError::Unknown(description));
                if status.is_server_error() {
                    Attempt::Again {
                        error: RequestError::Api(error),
                        after: None,
                    }
                } else if status.as_u16() == 429 {
                    Attempt::Again {
                        error: RequestError::RetryAfter(Seconds::from_seconds(1)),
                        after: Some(Duration::from_secs(1)),
                    }
                } else {
                    Attempt::Done(Err(RequestError::Api(error)))
                }
            }
        }
    }
}

/// Sorts a transport error: nothing reached the server (safe to repeat), or the outcome
/// is unknown (a timeout, a connection dropped after the request was sent).
fn network<T>(e: reqwest::Error) -> Attempt<T> {
    let connect = e.is_connect();
    let timeout = e.is_timeout();
    let error = RequestError::Network(Arc::new(e));
    if connect {
        Attempt::Again { error, after: None }
    } else if timeout {
        Attempt::Unknown(error)
    } else {
        // A connection closed without an answer: the server dropped it before answering
        // (a restart, a gateway fault). Repeated, like a 5xx.
        Attempt::Again { error, after: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_busy_chat_waits_without_blocking_another() {
        let limiter = Limiter::new(Limits {
            per_private_chat: (1, Duration::from_secs(1)),
            per_group: (20, Duration::from_secs(60)),
            overall: (30, Duration::from_secs(1)),
        });
        let start = Instant::now();
        limiter.acquire(1, Priority::Reply).await;
        limiter.acquire(1, Priority::Reply).await;
        assert!(start.elapsed() >= Duration::from_secs(1));
        let other = Instant::now();
        limiter.acquire(2, Priority::Reply).await;
        assert!(other.elapsed() < Duration::from_millis(10));
    }

    #[tokio::test(start_paused = true)]
    async fn alerts_leave_room_for_replies() {
        let limiter = Limiter::new(Limits {
            per_private_chat: (100, Duration::from_secs(1)),
            per_group: (100, Duration::from_secs(1)),
            overall: (30, Duration::from_secs(1)),
        });
        let start = Instant::now();
        for chat in 0..20 {
            limiter.acquire(chat, Priority::Alert).await;
        }
        assert!(start.elapsed() < Duration::from_millis(10));
        // The 21st alert waits for the window; replies still go at once.
        for chat in 100..110 {
            limiter.acquire(chat, Priority::Reply).await;
        }
        assert!(start.elapsed() < Duration::from_millis(10));
        limiter.acquire(50, Priority::Alert).await;
        assert!(start.elapsed() >= Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_ends_waits_and_sends_nothing_more() {
        // Nothing listens on this address: a request that started would fail differently.
        let url = reqwest::Url::parse("http://127.0.0.1:9/").unwrap();
        let tg =
            Arc::new(Telegram::new("1:t", url, Limits::default(), RetryPolicy::default()).unwrap());
        tg.limiter().acquire(7, Priority::Reply).await;
        let waiting = {
            let tg = Arc::clone(&tg);
            tokio::spawn(async move {
                let payload = teloxide::payloads::SendMessage::new(teloxide::types::ChatId(7), "x");
                tg.send(7, Priority::Reply, &payload).await
            })
        };
        tokio::task::yield_now().await;
        tg.stop_sending();
        let err = waiting.await.unwrap().unwrap_err();
        assert!(err.was_interrupted() && !err.may_have_arrived(), "{err}");
        let payload = teloxide::payloads::GetMe::new();
        assert!(tg.call(&payload).await.unwrap_err().was_interrupted());
    }
}
