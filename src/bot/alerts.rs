//! The alert sender: drains the outbox that matching new articles fills, chat by chat.
//!
//! - Each chat with pending alerts gets its own task (at most [`AlertSettings::parallel`] at
//!   once), so a chat held up by a 429 (`retry_after`, waited out by [`Telegram`]) or a slow
//!   network delays no other chat; alerts go at [`Priority::Alert`], so replies to commands
//!   go first and alerts never use the whole overall rate.
//! - A burst becomes a digest: when a chat has more than [`AlertSettings::digest_after`]
//!   alerts pending or sent within [`AlertSettings::digest_window`], the pending ones go as
//!   one message listing them (at most [`DIGEST_ITEMS`] per message).
//! - Quiet hours: between [`QuietHours::from`] and [`QuietHours::to`] in the bot's time zone,
//!   alerts arrive without a notification sound.
//! - A chat that blocked the bot, left it or was deleted has its subscriptions paused (and
//!   its pending alerts dropped) until someone sends `/subscriptions` there; a group that
//!   became a supergroup is followed to its new id.
//! - Each alert is marked sent right after Telegram accepted the message that carries it.
//!   A stop lets messages on the wire finish ([`Telegram::stop_sending`]), so a clean stop
//!   repeats nothing; if the process dies between Telegram accepting a message and the row
//!   being marked, that alert is sent again after the restart (at least once, never lost).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use teloxide::payloads::{SendMessage, SendMessageSetters};
use teloxide::types::{ChatId, ParseMode};
use teloxide::{ApiError, RequestError};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::messages::{keyboard, no_preview};
use super::sender::{CallError, Priority, Telegram};
use crate::answer::{ArticleRef, Following};
use crate::render::Lang;
use crate::render::alert::{DIGEST_ITEMS, alert_message, digest_message};
use crate::store::{Alert, StoreError};

/// Quiet hours: alerts in this daily window are sent silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl QuietHours {
    /// `22:00-07:00`; an empty text means none.
    pub(crate) fn parse(text: &str) -> Result<Option<Self>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let (from, to) = text
            .split_once('-')
            .ok_or_else(|| format!("expected HH:MM-HH:MM, got {text:?}"))?;
        let time = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map_err(|_| format!("expected HH:MM-HH:MM, got {text:?}"))
        };
        Ok(Some(Self {
            from: time(from)?,
            to: time(to)?,
        }))
    }

    /// Whether `t` falls in the window (which may run past midnight).
    pub(crate) fn contains(&self, t: NaiveTime) -> bool {
        if self.from <= self.to {
            t >= self.from && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }
}

/// How alerts are sent.
#[derive(Debug, Clone)]
pub struct AlertSettings {
    /// The bot's time zone, for quiet hours.
    pub timezone: chrono_tz::Tz,
    pub quiet: Option<QuietHours>,
    /// More alerts than this for one chat within `digest_window` become one digest.
    pub digest_after: usize,
    pub digest_window: Duration,
    /// A chat whose alert could not be sent for a passing reason is tried again after this.
    pub retry_later: Duration,
    /// Chats served at once.
    pub parallel: usize,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            timezone: chrono_tz::Asia::Shanghai,
            quiet: Some(QuietHours {
                from: NaiveTime::from_hms_opt(22, 0, 0).unwrap_or_default(),
                to: NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
            }),
            digest_after: 3,
            digest_window: Duration::from_secs(60),
            retry_later: Duration::from_secs(30),
            parallel: 16,
        }
    }
}

impl AlertSettings {
    /// Whether an alert sent now goes silently.
    fn quiet_now(&self) -> bool {
        let local = chrono::Utc::now().with_timezone(&self.timezone).time();
        self.quiet.is_some_and(|q| q.contains(local))
    }
}

/// Pending alerts read at once for one chat.
const BATCH: usize = 50;
/// How often the outbox is looked at when nothing wakes the sender (chats to retry).
const IDLE_CHECK: Duration = Duration::from_secs(5);

/// What became of one chat's turn.
enum Turn {
    /// Everything pending was sent (or dropped for good).
    Done,
    /// Something may pass: try again after a while.
    Later,
    /// The bot is stopping.
    Stopped,
}

/// Runs store work where blocking is allowed.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Value(format!("store task: {e}")))?
}

/// Sends alerts until `stop` resolves; then lets the chats in hand finish their message.
pub async fn run(
    tg: Arc<Telegram>,
    following: Arc<Following>,
    settings: AlertSettings,
    stop: impl Future<Output = ()> + Send,
) {
    let settings = Arc::new(settings);
    let mut stop = std::pin::pin!(stop);
    let mut tasks: JoinSet<(i64, Turn)> = JoinSet::new();
    let mut busy: HashSet<i64> = HashSet::new();
    let mut not_before: HashMap<i64, Instant> = HashMap::new();
    let mut stopping = false;
    if let Err(e) = following.store().prune_alerts(30) {
        tracing::warn!("old alerts not pruned: {e}");
    }
    loop {
        let store = Arc::clone(following.store());
        match blocking(move || store.chats_with_pending_alerts()).await {
            Ok(chats) => {
                let now = Instant::now();
                for (chat, _) in chats {
                    if tasks.len() >= settings.parallel.max(1) {
                        break;
                    }
                    if busy.contains(&chat) || not_before.get(&chat).is_some_and(|t| *t > now) {
                        continue;
                    }
                    busy.insert(chat);
                    let (tg, following, settings) = (
                        Arc::clone(&tg),
                        Arc::clone(&following),
                        Arc::clone(&settings),
                    );
                    tasks.spawn(async move {
                        let turn = send_chat(&tg, &following, &settings, chat).await;
                        (chat, turn)
                    });
                }
            }
            Err(e) => tracing::warn!("cannot read the alert outbox: {e}"),
        }
        tokio::select! {
            biased;
            () = &mut stop => break,
            () = following.woken() => {}
            Some(done) = tasks.join_next() => {
                if let Ok((chat, turn)) = done {
                    busy.remove(&chat);
                    match turn {
                        Turn::Done => { not_before.remove(&chat); }
                        Turn::Later => { not_before.insert(chat, Instant::now() + settings.retry_later); }
                        Turn::Stopped => stopping = true,
                    }
                }
            }
            () = tokio::time::sleep(IDLE_CHECK) => {}
        }
        if stopping {
            break;
        }
        not_before.retain(|_, t| *t > Instant::now());
    }
    // Chats in hand finish the message on the wire; the rest of the outbox waits for the
    // next start. `Telegram::stop_sending` (called by the update delivery when the bot
    // stops) ends their waits.
    if tokio::time::timeout(Duration::from_secs(10), async {
        while tasks.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        tracing::warn!(
            "alert sends still waiting for Telegram; cut off (they are sent again after the restart)"
        );
        tasks.shutdown().await;
    }
}

/// Why an error means the chat cannot be reached any more.
fn unreachable(e: &CallError) -> Option<String> {
    match &e.error {
        RequestError::Api(
            api @ (ApiError::BotBlocked
            | ApiError::ChatNotFound
            | ApiError::GroupDeactivated
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::UserDeactivated
            | ApiError::CantInitiateConversation),
        ) => Some(api.to_string()),
        RequestError::Api(ApiError::Unknown(text)) if text.starts_with("Forbidden") => {
            Some(text.clone())
        }
        _ => None,
    }
}

fn article_of(a: &Alert) -> ArticleRef {
    ArticleRef {
        article_id: a.article_id.clone(),
        title: a.title.clone(),
        date: a
            .published
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        source: None,
        outlet: a.outlet.clone(),
        reporter: None,
        url: a.url.clone(),
    }
}

/// One chat's turn: its pending alerts, one by one or as digests.
async fn send_chat(
    tg: &Telegram,
    following: &Arc<Following>,
    settings: &AlertSettings,
    chat: i64,
) -> Turn {
    let store = Arc::clone(following.store());
    let since = crate::store::now() - settings.digest_window.as_secs() as i64;
    let read = blocking(move || {
        Ok((
            store.pending_alerts(chat, BATCH)?,
            store.alerts_sent_since(chat, since)?,
        ))
    })
    .await;
    let (alerts, recent) = match read {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("chat {chat}: cannot read its alerts: {e}");
            return Turn::Later;
        }
    };
    if alerts.is_empty() {
        return Turn::Done;
    }
    let digest = alerts.len() >= 2 && alerts.len() + recent > settings.digest_after;
    let groups: Vec<&[Alert]> = if digest {
        alerts.chunks(DIGEST_ITEMS).collect()
    } else {
        alerts.chunks(1).collect()
    };
    let quiet = settings.quiet_now();
    for group in groups {
        let first = &group[0];
        let lang = Lang::from_code(Some(&first.lang));
        let buttons = first.chat_kind != "channel";
        let out = if group.len() == 1 {
            let highlights = following.highlights(&first.query, &first.paragraph);
            alert_message(
                &first.query,
                &article_of(first),
                &first.paragraph,
                &highlights,
                lang,
                buttons,
            )
        } else {
            let items: Vec<(String, ArticleRef)> = group
                .iter()
                .map(|a| (a.query.clone(), article_of(a)))
                .collect();
            digest_message(&items, lang, buttons)
        };
        let mut req = SendMessage::new(ChatId(chat), out.html.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview())
            .disable_notification(quiet);
        if let Some(k) = keyboard(&out) {
            req = req.reply_markup(k);
        }
        let ids: Vec<i64> = group.iter().map(|a| a.id).collect();
        let store = Arc::clone(following.store());
        match tg.send(chat, Priority::Alert, &req).await {
            Ok(_) => {
                if let Err(e) = blocking(move || store.mark_alerts_sent(&ids)).await {
                    tracing::error!(
                        "chat {chat}: alerts sent but not marked (they may be sent again): {e}"
                    );
                    return Turn::Later;
                }
            }
            Err(e) if e.was_interrupted() => return Turn::Stopped,
            Err(e) if e.may_have_arrived() => {
                tracing::warn!("chat {chat}: an alert may not have arrived ({e}); not sent again");
                let _ = blocking(move || store.mark_alerts_sent(&ids)).await;
            }
            Err(CallError {
                error: RequestError::MigrateToChatId(to),
                ..
            }) => {
                tracing::info!("chat {chat} became {}: its subscriptions follow", to.0);
                let f = Arc::clone(following);
                if let Err(e) = blocking(move || f.move_chat(chat, to.0)).await {
                    tracing::warn!("chat {chat}: subscriptions not moved: {e}");
                }
                following.wake();
                return Turn::Done;
            }
            Err(e) => {
                if let Some(reason) = unreachable(&e) {
                    tracing::info!(
                        "chat {chat} cannot be reached ({reason}); its subscriptions are paused"
                    );
                    let f = Arc::clone(following);
                    if let Err(e) = blocking(move || f.pause_chat(chat, &reason).map(|_| ())).await
                    {
                        tracing::warn!("chat {chat}: not paused: {e}");
                    }
                    return Turn::Done;
                }
                if e.may_pass() {
                    tracing::warn!("chat {chat}: alert not sent for now ({e}); trying again later");
                    return Turn::Later;
                }
                tracing::warn!("chat {chat}: alert refused by Telegram ({e}); dropped");
                let why = e.to_string();
                let _ = blocking(move || store.mark_alerts_failed(&ids, &why)).await;
            }
        }
    }
    // More may have been queued meanwhile (or more than one batch was pending).
    following.wake();
    Turn::Done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_may_run_past_midnight() {
        let q = QuietHours::parse("22:00-07:00").unwrap().unwrap();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(q.contains(t(23, 30)) && q.contains(t(0, 0)) && q.contains(t(6, 59)));
        assert!(!q.contains(t(7, 0)) && !q.contains(t(12, 0)) && !q.contains(t(21, 59)));
        let day = QuietHours::parse(" 12:00 - 13:00 ").unwrap().unwrap();
        assert!(day.contains(t(12, 30)) && !day.contains(t(13, 0)));
        assert_eq!(QuietHours::parse("").unwrap(), None);
        assert!(QuietHours::parse("22-7").is_err());
        assert!(QuietHours::parse("25:00-07:00").is_err());
    }

    #[test]
    fn blocked_deleted_and_forbidden_chats_are_unreachable() {
        let e = |error| CallError {
            method: "SendMessage",
            error,
            maybe_done: false,
            interrupted: false,
            passing: false,
        };
        assert!(unreachable(&e(RequestError::Api(ApiError::BotBlocked))).is_some());
        assert!(unreachable(&e(RequestError::Api(ApiError::ChatNotFound))).is_some());
        assert!(
            unreachable(&e(RequestError::Api(ApiError::Unknown(
                "Forbidden: bot is not a member of the channel chat".into()
            ))))
            .is_some()
        );
        assert!(unreachable(&e(RequestError::Api(ApiError::MessageIsTooLong))).is_none());
    }
}
