//! A strict fake Telegram Bot API server on loopback for end-to-end tests: a real
//! `teloxide::Bot` (or the `jianbao` binary, through `TELOXIDE_API_URL`) talks HTTP to it.
//! It queues updates for `getUpdates` long polling, records every call, refuses what
//! Telegram would refuse (HTML it cannot parse, over-long texts and captions, bad buttons, too
//! many inline results, photos that are not pictures…) with Telegram's status and error text,
//! and injects faults (429 with `retry_after`, 5xx) on request, and fault windows: for a
//! while, every call (or every call of one method) gets a 5xx, is stalled, or has its
//! connection dropped ([`FakeTelegram::fault_window`]).
//!
//! ```ignore
//! let fake = FakeTelegram::start("123:TEST").await;
//! let bot = fake.bot(); // or Bot::new(token).set_api_url(fake.api_url().parse()?)
//! fake.push_update(updates::private_text(&updates::alice(), "/search 黄河"));
//! // … run the dispatcher …
//! let sent = fake.wait_for("sendMessage", |p| p["chat_id"] == 1001, Duration::from_secs(5)).await;
//! fake.assert_no_rejections();
//! ```

pub mod html;
mod methods;
pub mod updates;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Who the fake bot is (`getMe`).
#[derive(Debug, Clone)]
pub struct BotProfile {
    pub id: i64,
    pub first_name: String,
    pub username: String,
    pub can_join_groups: bool,
    /// False when group privacy mode is on (the default for new bots).
    pub can_read_all_group_messages: bool,
    pub supports_inline_queries: bool,
}

impl Default for BotProfile {
    fn default() -> Self {
        Self {
            id: 7_123_456_789,
            first_name: "简报".to_string(),
            username: "jianbao_bot".to_string(),
            can_join_groups: true,
            can_read_all_group_messages: false,
            supports_inline_queries: true,
        }
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    /// Method name as documented (`sendMessage`), whatever the case in the URL.
    pub method: String,
    /// Parameters: the JSON body, or form and query fields as strings.
    pub params: Value,
    /// HTTP status of the answer.
    pub status: u16,
    /// The JSON answered (`{"ok":true,"result":…}` or the error), or the HTML of an
    /// injected gateway error.
    pub response: Value,
    /// Whether the answer was an injected fault rather than the fake's own verdict.
    pub injected: bool,
    /// Files sent with it (multipart).
    pub uploads: Vec<Upload>,
    /// When it was answered, counted from the fake's start.
    pub at: Duration,
}

/// A fault to answer instead of running the method.
#[derive(Debug, Clone)]
struct Fault {
    status: u16,
    retry_after: Option<u32>,
    description: Option<String>,
}

/// What calls get during a fault window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WindowFault {
    /// This HTTP status (a 5xx page or error; 429 with `retry_after` 1).
    Status(u16),
    /// Answered normally, but only after this long (the method is carried out late).
    Stall(Duration),
    /// The connection is dropped without an answer; the method is not carried out.
    Drop,
}

#[derive(Debug, Clone)]
struct Window {
    /// `None`: every method.
    method: Option<String>,
    fault: WindowFault,
    until: Instant,
}

/// The fake's state, behind one lock (never held across an await).
struct Inner {
    profile: BotProfile,
    next_update_id: u32,
    queue: VecDeque<Value>,
    /// `allowed_updates` from the last `getUpdates` that set it; `None`: Telegram's default.
    allowed_updates: Option<Vec<String>>,
    /// Bumped by every `getUpdates`: a poll that sees a newer one was superseded (409).
    poll_generation: u64,
    /// `getUpdates` calls waiting for an update right now.
    polls_waiting: usize,
    calls: Vec<Call>,
    rejections: Vec<(String, String)>,
    faults: HashMap<String, VecDeque<Fault>>,
    windows: Vec<Window>,
    chats: HashMap<i64, Value>,
    messages: HashMap<(i64, i64), Value>,
    /// Callback and inline query ids the bot may answer, and whether it has.
    callback_queries: HashMap<String, bool>,
    inline_queries: HashMap<String, bool>,
    commands: HashMap<String, Value>,
    /// Members' statuses by (chat, user): `creator`, `administrator`, `member`, `left`…
    members: HashMap<(i64, i64), String>,
    /// Chats that refuse messages, with Telegram's description (blocked, deleted).
    unreachable: HashMap<i64, String>,
}

impl Inner {
    fn bot_user(&self) -> Value {
        json!({
            "id": self.profile.id,
            "is_bot": true,
            "first_name": self.profile.first_name,
            "username": self.profile.username,
        })
    }

    fn me(&self) -> Value {
        let mut me = self.bot_user();
        me["can_join_groups"] = json!(self.profile.can_join_groups);
        me["can_read_all_group_messages"] = json!(self.profile.can_read_all_group_messages);
        me["supports_inline_queries"] = json!(self.profile.supports_inline_queries);
        me["can_connect_to_business"] = json!(false);
        me["has_main_web_app"] = json!(false);
        me
    }

    /// Remembers a message (and its chat) so later calls may reply to or edit it.
    fn store_message(&mut self, msg: &Value) {
        let (Some(chat_id), Some(id)) = (msg["chat"]["id"].as_i64(), msg["message_id"].as_i64())
        else {
            return;
        };
        self.chats
            .entry(chat_id)
            .or_insert_with(|| msg["chat"].clone());
        if let Some(replied) = msg.get("reply_to_message") {
            self.store_message(replied);
        }
        self.messages.insert((chat_id, id), msg.clone());
    }

    /// Learns the chats, messages and query ids an update shows the bot.
    fn learn(&mut self, update: &Value) {
        for key in [
            "message",
            "edited_message",
            "channel_post",
            "edited_channel_post",
        ] {
            if let Some(msg) = update.get(key) {
                self.store_message(msg);
            }
        }
        if let Some(q) = update.get("callback_query") {
            if let Some(id) = q["id"].as_str() {
                self.callback_queries.insert(id.to_string(), false);
            }
            if let Some(msg) = q.get("message") {
                self.store_message(msg);
            }
        }
        if let Some(id) = update["inline_query"]["id"].as_str() {
            self.inline_queries.insert(id.to_string(), false);
        }
    }

    fn record(&mut self, call: Call) {
        if !call.injected && call.status != 200 {
            let description = call.response["description"]
                .as_str()
                .unwrap_or("")
                .to_string();
            self.rejections.push((call.method.clone(), description));
        }
        self.calls.push(call);
    }

    /// Telegram's default update types: all but these three.
    fn allowed(&self, update: &Value) -> bool {
        let kind = update
            .as_object()
            .and_then(|m| m.keys().find(|k| *k != "update_id"))
            .map_or("", String::as_str);
        match &self.allowed_updates {
            Some(list) if !list.is_empty() => list.iter().any(|a| a == kind),
            _ => !matches!(
                kind,
                "chat_member" | "message_reaction" | "message_reaction_count"
            ),
        }
    }
}

struct Shared {
    token: String,
    started: Instant,
    inner: Mutex<Inner>,
    /// Bumped on every recorded call, pushed update and new poll.
    changed: watch::Sender<u64>,
    shutdown: watch::Sender<bool>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock must not hide its own failure.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

/// A running fake Bot API server. Dropping it stops the server.
pub struct FakeTelegram {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: Option<JoinHandle<()>>,
}

/// How long a superseded `getUpdates` waits before its 409, so that a poll whose client
/// already hung up (teloxide drops its in-flight poll when stopping) is not counted.
const CONFLICT_GRACE: Duration = Duration::from_millis(100);

impl FakeTelegram {
    /// Starts a fake for bot `token` on 127.0.0.1 (a free port), as `@jianbao_bot`.
    pub async fn start(token: &str) -> FakeTelegram {
        Self::start_with(token, BotProfile::default()).await
    }

    /// Starts a fake for bot `token` with the given identity.
    pub async fn start_with(token: &str, profile: BotProfile) -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port for the fake Telegram");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            token: token.to_string(),
            started: Instant::now(),
            inner: Mutex::new(Inner {
                profile,
                next_update_id: 500_000_001,
                queue: VecDeque::new(),
                allowed_updates: None,
                poll_generation: 0,
                polls_waiting: 0,
                calls: Vec::new(),
                rejections: Vec::new(),
                faults: HashMap::new(),
                windows: Vec::new(),
                chats: HashMap::new(),
                messages: HashMap::new(),
                callback_queries: HashMap::new(),
                inline_queries: HashMap::new(),
                commands: HashMap::new(),
                members: HashMap::new(),
                unreachable: HashMap::new(),
            }),
            changed: watch::Sender::new(0),
            shutdown: watch::Sender::new(false),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let mut stop = shared.shutdown.subscribe();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            if let Err(e) = serve.await {
                eprintln!("fake Telegram server failed: {e}");
            }
        });
        FakeTelegram {
            shared,
            addr,
            server: Some(server),
        }
    }

    /// The base URL for teloxide, without a trailing slash: `http://127.0.0.1:PORT`. Give it
    /// to `Bot::set_api_url(url.parse()?)` or as `TELOXIDE_API_URL`; teloxide appends
    /// `/bot<TOKEN>/<Method>` (a base with a path and a trailing slash would get `//`).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A `Bot` with this fake's token pointed at it, with proxies off (a `HTTP_PROXY` in the
    /// environment must not capture loopback traffic).
    pub fn bot(&self) -> teloxide::Bot {
        let client = teloxide::net::default_reqwest_settings()
            .no_proxy()
            .build()
            .expect("HTTP client");
        teloxide::Bot::with_client(&self.shared.token, client)
            .set_api_url(self.api_url().parse().expect("fake API URL parses"))
    }

    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// When the fake started: [`Call::at`] counts from here.
    pub fn started(&self) -> Instant {
        self.shared.started
    }

    /// The bot as a `User` (the `from` of its messages).
    pub fn bot_user(&self) -> Value {
        self.shared.lock().bot_user()
    }

    /// Queues an update for `getUpdates`, numbering it (ids increase); returns its id. The
    /// chats, messages and query ids it shows become known, as they would to Telegram.
    pub fn push_update(&self, mut update: Value) -> u32 {
        let id = {
            let mut inner = self.shared.lock();
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            update["update_id"] = json!(id);
            inner.learn(&update);
            inner.queue.push_back(update);
            id
        };
        self.shared.bump();
        id
    }

    /// Sets `user`'s status in `chat` (`creator`, `administrator`, `member`, `left`), as
    /// `getChatMember` answers it.
    pub fn set_member(&self, chat: i64, user: i64, status: &str) {
        self.shared
            .lock()
            .members
            .insert((chat, user), status.to_string());
    }

    /// From now on `sendMessage` to `chat` is refused as Telegram refuses a chat that
    /// blocked the bot (403 "Forbidden: bot was blocked by the user"); `false` lifts it.
    pub fn set_blocked(&self, chat: i64, blocked: bool) {
        let mut inner = self.shared.lock();
        if blocked {
            inner
                .unreachable
                .insert(chat, "Forbidden: bot was blocked by the user".to_string());
        } else {
            inner.unreachable.remove(&chat);
        }
    }

    /// Makes a chat known without an update (Telegram refuses to send to unknown chats).
    pub fn add_chat(&self, chat: &Value) {
        let id = chat["id"].as_i64().expect("chat has an integer id");
        self.shared.lock().chats.insert(id, chat.clone());
    }

    /// Waits until a `getUpdates` is waiting for updates (the bot is polling); false on
    /// timeout.
    pub async fn wait_for_poll(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |inner| (inner.polls_waiting > 0).then_some(()))
            .await
            .is_some()
    }

    /// Updates queued and not yet confirmed by a `getUpdates` offset.
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().queue.len()
    }

    /// Parameters of every call to `method` so far (any case), oldest first.
    pub fn calls(&self, method: &str) -> Vec<Value> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method))
            .map(|c| c.params.clone())
            .collect()
    }

    /// Files uploaded with accepted calls to `method`, oldest first, with each call's
    /// parameters.
    pub fn uploads(&self, method: &str) -> Vec<(Value, Vec<Upload>)> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method) && c.status == 200)
            .map(|c| (c.params.clone(), c.uploads.clone()))
            .collect()
    }

    /// Every call so far, with answers.
    pub fn all_calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// Every call so far, a line each (time since start, method, status, chat, text), with
    /// the updates still queued: what a timeout panic shows, so a slow or lost step can be
    /// told apart.
    pub fn call_log(&self) -> String {
        let inner = self.shared.lock();
        let mut log = format!(
            "{} calls, {} updates queued, {} polls waiting:\n",
            inner.calls.len(),
            inner.queue.len(),
            inner.polls_waiting
        );
        for c in &inner.calls {
            let text: String = c.params["text"]
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect();
            log.push_str(&format!(
                "  {:>8.3}s {} {}{} chat={} {text:?}\n",
                c.at.as_secs_f64(),
                c.method,
                c.status,
                if c.injected { " (injected)" } else { "" },
                c.params["chat_id"],
            ));
        }
        log
    }

    /// Waits until a call to `method` whose parameters satisfy `matches` has been answered
    /// (already, or within `timeout`), and returns its parameters. Panics on timeout, listing
    /// the calls to `method` seen.
    pub async fn wait_for(
        &self,
        method: &str,
        matches: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let found = self
            .wait_until(timeout, |inner| {
                inner
                    .calls
                    .iter()
                    .find(|c| c.method.eq_ignore_ascii_case(method) && matches(&c.params))
                    .map(|c| c.params.clone())
            })
            .await;
        found.unwrap_or_else(|| {
            panic!(
                "no matching {method} call within {timeout:?}; rejections: {:?}; {}",
                self.rejections(),
                self.call_log()
            )
        })
    }

    /// Waits until at least `n` calls to `method` have been answered; returns them all.
    /// Panics on timeout.
    pub async fn wait_for_calls(&self, method: &str, n: usize, timeout: Duration) -> Vec<Value> {
        let found = self
            .wait_until(timeout, |inner| {
                let calls: Vec<Value> = inner
                    .calls
                    .iter()
                    .filter(|c| c.method.eq_ignore_ascii_case(method))
                    .map(|c| c.params.clone())
                    .collect();
                (calls.len() >= n).then_some(calls)
            })
            .await;
        found.unwrap_or_else(|| {
            panic!(
                "fewer than {n} {method} calls within {timeout:?}; {}",
                self.call_log()
            )
        })
    }

    /// Waits until the bot has confirmed (by a later `getUpdates` offset) every update
    /// pushed so far, that is, until it has taken them all; false on timeout.
    pub async fn wait_until_delivered(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |inner| inner.queue.is_empty().then_some(()))
            .await
            .is_some()
    }

    async fn wait_until<T>(
        &self,
        timeout: Duration,
        check: impl Fn(&Inner) -> Option<T>,
    ) -> Option<T> {
        let mut changes = self.shared.changed.subscribe();
        let wait = async {
            loop {
                if let Some(found) = check(&self.shared.lock()) {
                    return found;
                }
                if changes.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::time::timeout(timeout, wait).await.ok()
    }

    /// Everything the fake refused, as `(method, description)`: what Telegram would have
    /// refused. Injected faults are not included.
    pub fn rejections(&self) -> Vec<(String, String)> {
        self.shared.lock().rejections.clone()
    }

    /// Panics, listing them, if the fake refused anything.
    #[track_caller]
    pub fn assert_no_rejections(&self) {
        let rejections = self.rejections();
        assert!(
            rejections.is_empty(),
            "Telegram would have refused: {rejections:#?}"
        );
    }

    /// The bot's messages in chat `chat_id` as they stand now (after edits, without deleted
    /// ones), oldest first.
    pub fn sent_messages(&self, chat_id: i64) -> Vec<Value> {
        let inner = self.shared.lock();
        let bot_id = inner.profile.id;
        let mut msgs: Vec<Value> = inner
            .messages
            .iter()
            .filter(|((chat, _), m)| *chat == chat_id && m["from"]["id"] == bot_id)
            .map(|(_, m)| m.clone())
            .collect();
        msgs.sort_by_key(|m| m["message_id"].as_i64());
        msgs
    }

    /// The next call of `method` gets HTTP `status` instead of running: 429 with
    /// `parameters.retry_after` (give `retry_after`), 500 with a JSON error, 502/503/504 with
    /// the HTML page Telegram's gateway sends, other codes with a JSON error. Calls queue up:
    /// two `fail_next` fail the next two calls.
    ///
    /// Note: teloxide sleeps 10 s after any 5xx answer before returning its error.
    pub fn fail_next(&self, method: &str, status: u16, retry_after: Option<u32>) {
        self.push_fault(
            method,
            Fault {
                status,
                retry_after,
                description: None,
            },
        );
    }

    /// As [`fail_next`](Self::fail_next) with a given description, e.g. 403
    /// `"Forbidden: bot was blocked by the user"`.
    pub fn fail_next_with(&self, method: &str, status: u16, description: &str) {
        self.push_fault(
            method,
            Fault {
                status,
                retry_after: None,
                description: Some(description.to_string()),
            },
        );
    }

    /// From now, for `duration`, calls of `method` (every method when `None`) get `fault`.
    pub fn fault_window(&self, method: Option<&str>, fault: WindowFault, duration: Duration) {
        self.shared.lock().windows.push(Window {
            method: method.map(methods::canonical),
            fault,
            until: Instant::now() + duration,
        });
    }

    fn push_fault(&self, method: &str, fault: Fault) {
        self.shared
            .lock()
            .faults
            .entry(methods::canonical(method))
            .or_default()
            .push_back(fault);
    }

    /// Stops the server: pending `getUpdates` return at once, then it closes.
    pub async fn shutdown(mut self) {
        self.shared.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        }
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.shared.shutdown.send_replace(true);
    }
}

pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

// ---- the HTTP side ----

fn ok(result: Value) -> (u16, Value) {
    (200, json!({"ok": true, "result": result}))
}

fn error(code: u16, description: &str, retry_after: Option<u32>) -> (u16, Value) {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(seconds) = retry_after {
        body["parameters"] = json!({ "retry_after": seconds });
    }
    (code, body)
}

fn json_response((status, body): (u16, Value)) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

/// `/bot<token>/<method>` → (token, method).
fn split_path(path: &str) -> Option<(String, &str)> {
    let rest = path.strip_prefix("/bot")?;
    let (token, method) = rest.rsplit_once('/')?;
    Some((token.replace("%3A", ":").replace("%3a", ":"), method))
}

/// A file sent in a multipart request (`InputFile::memory`, a path, …).
#[derive(Debug, Clone)]
pub struct Upload {
    /// The multipart field that carried it (`photo`).
    pub field: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// The request's parameters: query fields, then the JSON, form or multipart body over them.
/// A file part becomes `{"upload": n, "file_name": …, "size": …}` in the parameters, its
/// bytes the `n`th of the uploads returned.
async fn params(
    headers: &HeaderMap,
    uri: &Uri,
    body: &Bytes,
) -> Result<(Value, Vec<Upload>), String> {
    let mut params = Map::new();
    let mut uploads = Vec::new();
    if let Some(query) = uri.query() {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|e| format!("can't parse query: {e}"))?;
        params.extend(fields.into_iter().map(|(k, v)| (k, Value::String(v))));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        let boundary = multer::parse_boundary(&content_type)
            .map_err(|e| format!("can't parse multipart boundary: {e}"))?;
        let body = body.clone();
        let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| format!("can't parse multipart: {e}"))?
        {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| format!("can't read multipart field {name}: {e}"))?;
            match file_name {
                Some(_) => {
                    params.insert(
                        name.clone(),
                        json!({"upload": uploads.len(), "file_name": file_name, "size": bytes.len()}),
                    );
                    uploads.push(Upload {
                        field: name,
                        file_name,
                        bytes: bytes.to_vec(),
                    });
                }
                None => {
                    let text = String::from_utf8(bytes.to_vec())
                        .map_err(|_| format!("multipart field {name} is not UTF-8"))?;
                    params.insert(name, Value::String(text));
                }
            }
        }
        return Ok((Value::Object(params), uploads));
    }
    if content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|e| format!("can't parse form: {e}"))?;
        params.extend(fields.into_iter().map(|(k, v)| (k, Value::String(v))));
    } else if !body.is_empty() {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => params.extend(map),
            _ => return Err("can't parse JSON object".to_string()),
        }
    }
    Ok((Value::Object(params), uploads))
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((token, raw_method)) = split_path(uri.path()) else {
        return json_response(error(404, "Not Found", None));
    };
    let method = methods::canonical(raw_method);
    let (params, uploads) = match params(&headers, &uri, &body).await {
        Ok((p, u)) => (Ok(p), u),
        Err(e) => (Err(e), Vec::new()),
    };
    let record = |status: u16, response: &Value, injected: bool| {
        let call = Call {
            method: method.clone(),
            params: params.clone().unwrap_or(Value::Null),
            status,
            response: response.clone(),
            injected,
            uploads: uploads.clone(),
            at: shared.started.elapsed(),
        };
        shared.lock().record(call);
        shared.bump();
    };

    if token != shared.token {
        let answer = error(401, "Unauthorized", None);
        record(answer.0, &answer.1, false);
        return json_response(answer);
    }
    let fault = shared
        .lock()
        .faults
        .get_mut(&method)
        .and_then(VecDeque::pop_front);
    if let Some(fault) = fault {
        return injected(fault, record);
    }
    let window = {
        let mut inner = shared.lock();
        let now = Instant::now();
        inner.windows.retain(|w| w.until > now);
        inner
            .windows
            .iter()
            .find(|w| w.method.as_ref().is_none_or(|m| *m == method))
            .map(|w| w.fault)
    };
    match window {
        Some(WindowFault::Status(status)) => {
            let retry_after = (status == 429).then_some(1);
            return injected(
                Fault {
                    status,
                    retry_after,
                    description: None,
                },
                record,
            );
        }
        Some(WindowFault::Drop) => {
            record(0, &Value::String("connection dropped".into()), true);
            // A body that fails at once: hyper aborts the connection mid-answer.
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other("dropped by the fake"))
            });
            return Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, "1000")
                .body(axum::body::Body::from_stream(failing))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        Some(WindowFault::Stall(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    let params_value = match &params {
        Ok(p) => p.clone(),
        Err(e) => {
            let answer = error(400, &format!("Bad Request: {e}"), None);
            record(answer.0, &answer.1, false);
            return json_response(answer);
        }
    };
    let answer = if method == "getUpdates" {
        get_updates(&shared, &params_value).await
    } else {
        let outcome = methods::call(&mut shared.lock(), &method, &params_value, &uploads);
        match outcome {
            Ok(result) => ok(result),
            Err(refusal) => error(refusal.code, &refusal.description, None),
        }
    };
    record(answer.0, &answer.1, false);
    json_response(answer)
}

fn injected(fault: Fault, record: impl Fn(u16, &Value, bool)) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if matches!(fault.status, 502..=504) && fault.description.is_none() {
        let reason = status.canonical_reason().unwrap_or("Error");
        let page = format!(
            "<html>\r\n<head><title>{0} {reason}</title></head>\r\n<body>\r\n<center><h1>{0} {reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n",
            fault.status
        );
        record(fault.status, &Value::String(page.clone()), true);
        return (status, [(header::CONTENT_TYPE, "text/html")], page).into_response();
    }
    let description =
        fault
            .description
            .unwrap_or_else(|| match (fault.status, fault.retry_after) {
                (429, Some(n)) => format!("Too Many Requests: retry after {n}"),
                (429, None) => "Too Many Requests".to_string(),
                (400, _) => "Bad Request: injected failure".to_string(),
                (401, _) => "Unauthorized".to_string(),
                (403, _) => "Forbidden: bot was blocked by the user".to_string(),
                (404, _) => "Not Found".to_string(),
                (409, _) => CONFLICT.to_string(),
                _ => "Internal Server Error".to_string(),
            });
    let answer = error(fault.status, &description, fault.retry_after);
    record(answer.0, &answer.1, true);
    json_response(answer)
}

/// Counts a waiting poll until its future ends (answered or dropped).
struct PollGuard<'a>(&'a Shared);

impl Drop for PollGuard<'_> {
    fn drop(&mut self) {
        self.0.lock().polls_waiting -= 1;
        self.0.bump();
    }
}

const CONFLICT: &str = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

/// `getUpdates`: confirms updates below `offset`, then answers the queued updates at once, or
/// waits up to `timeout` seconds for one (or until shutdown). A newer poll supersedes this
/// one with 409, as Telegram does, after a grace period: if its client has hung up meanwhile,
/// hyper drops this future and nothing is recorded.
async fn get_updates(shared: &Shared, p: &Value) -> (u16, Value) {
    let timeout = methods::int(p, "timeout").unwrap_or(0).clamp(0, 3600) as u64;
    let limit = methods::int(p, "limit").unwrap_or(100).clamp(1, 100) as usize;
    let offset = methods::int(p, "offset").unwrap_or(0);
    let allowed = match methods::structured(p, "allowed_updates") {
        Ok(a) => a,
        Err(r) => return error(r.code, &r.description, None),
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let mut changes = shared.changed.subscribe();
    let mut stop = shared.shutdown.subscribe();
    let generation = {
        let mut inner = shared.lock();
        if let Some(list) = allowed.as_ref().and_then(Value::as_array) {
            inner.allowed_updates = Some(
                list.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
            );
        }
        match offset {
            o if o > 0 => inner
                .queue
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= o),
            o if o < 0 => {
                let keep = o.unsigned_abs() as usize;
                let drop = inner.queue.len().saturating_sub(keep);
                inner.queue.drain(..drop);
            }
            _ => {}
        }
        inner.poll_generation += 1;
        inner.polls_waiting += 1;
        inner.poll_generation
    };
    let _waiting = PollGuard(shared);
    shared.bump();
    changes.borrow_and_update();
    loop {
        let superseded = {
            let mut inner = shared.lock();
            if inner.poll_generation == generation {
                // Telegram does not keep updates of types the bot did not ask for.
                let queue = std::mem::take(&mut inner.queue);
                inner.queue = queue.into_iter().filter(|u| inner.allowed(u)).collect();
                let batch: Vec<Value> = inner.queue.iter().take(limit).cloned().collect();
                let stopping = *stop.borrow();
                if !batch.is_empty() || tokio::time::Instant::now() >= deadline || stopping {
                    return ok(Value::Array(batch));
                }
            }
            inner.poll_generation != generation
        };
        if superseded {
            tokio::time::sleep(CONFLICT_GRACE).await;
            return error(409, CONFLICT, None);
        }
        tokio::select! {
            _ = changes.changed() => {}
            _ = tokio::time::sleep_until(deadline) => {}
            _ = stop.changed() => {}
        }
    }
}
