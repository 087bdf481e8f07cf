//! Followed topics and the outbox of their alerts. A subscription is a chat's words; an
//! alert is one new article for one subscription, written in the transaction that saves the
//! article (feeds) or on its own (files), and marked sent once Telegram took it. The pair
//! (subscription, article) is unique, so an article read twice alerts once.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{Store, StoreError, now, write};

/// Most subscriptions one chat may hold.
pub(crate) const MAX_SUBSCRIPTIONS_PER_CHAT: usize = 20;

/// A chat's followed words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub(crate) id: i64,
    pub(crate) chat_id: i64,
    /// `private`, `group`, `supergroup` or `channel`.
    pub(crate) chat_kind: String,
    /// The words as the reader wrote them.
    pub(crate) query: String,
    /// The normalised phrases, joined by [`PHRASE_SEPARATOR`] (one topic per chat).
    pub(crate) topic_key: String,
    /// `zh` or `en`: the language of its alerts.
    pub(crate) lang: String,
    pub(crate) created_by: Option<i64>,
    /// Unix seconds.
    pub(crate) created_at: i64,
    /// Set while the chat cannot be reached (blocked the bot, deleted): no alerts.
    pub paused_at: Option<i64>,
    pub(crate) pause_reason: Option<String>,
    pub(crate) alerts_sent: u64,
}

/// Separates the phrases of a topic key (a character no phrase holds).
pub(crate) const PHRASE_SEPARATOR: char = '\u{1f}';

/// A subscription to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewSubscription {
    pub(crate) chat_id: i64,
    pub(crate) chat_kind: String,
    pub(crate) query: String,
    pub(crate) topic_key: String,
    pub(crate) lang: String,
    pub(crate) created_by: Option<i64>,
}

/// What became of a subscription request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscribed {
    Added(Subscription),
    /// The chat already follows these words.
    Already(Subscription),
    /// The chat holds [`MAX_SUBSCRIPTIONS_PER_CHAT`] already.
    Full,
}

/// An alert to queue: everything its message needs, so it can be sent after a restart or
/// after its article was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewAlert {
    pub(crate) subscription_id: i64,
    pub(crate) chat_id: i64,
    pub(crate) article_id: String,
    pub(crate) title: String,
    /// `YYYY-MM-DD`.
    pub(crate) published: Option<String>,
    pub(crate) outlet: Option<String>,
    pub(crate) url: Option<String>,
    /// The best matching paragraph, as written.
    pub(crate) paragraph: String,
}

/// A queued alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub(crate) id: i64,
    pub(crate) subscription_id: i64,
    pub(crate) chat_id: i64,
    pub(crate) chat_kind: String,
    pub(crate) query: String,
    pub(crate) lang: String,
    pub(crate) article_id: String,
    pub(crate) title: String,
    pub(crate) published: Option<String>,
    pub(crate) outlet: Option<String>,
    pub(crate) url: Option<String>,
    pub paragraph: String,
    /// Unix seconds.
    pub(crate) created_at: i64,
}

const SUBSCRIPTION_COLUMNS: &str = "id, chat_id, chat_kind, query, topic_key, lang, created_by, \
     created_at, paused_at, pause_reason, alerts_sent";

fn subscription(r: &Row<'_>) -> rusqlite::Result<Subscription> {
    Ok(Subscription {
        id: r.get(0)?,
        chat_id: r.get(1)?,
        chat_kind: r.get(2)?,
        query: r.get(3)?,
        topic_key: r.get(4)?,
        lang: r.get(5)?,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
        paused_at: r.get(8)?,
        pause_reason: r.get(9)?,
        alerts_sent: r.get::<_, i64>(10)?.max(0) as u64,
    })
}

/// Queues alerts inside `tx`; an alert already queued (or sent) for the same subscription
/// and article is left alone. Returns how many were new.
pub(super) fn insert_alerts(
    tx: &Transaction<'_>,
    alerts: &[NewAlert],
) -> Result<usize, StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO outbox (subscription_id, chat_id, article_id, title, published, outlet, \
         url, paragraph, created_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending') \
         ON CONFLICT (subscription_id, article_id) DO NOTHING",
    )?;
    let at = now();
    let mut added = 0;
    for a in alerts {
        added += insert.execute(params![
            a.subscription_id,
            a.chat_id,
            a.article_id,
            a.title,
            a.published,
            a.outlet,
            a.url,
            a.paragraph,
            at
        ])?;
    }
    Ok(added)
}

impl Store {
    /// Adds a subscription unless the chat follows the same words or is full.
    pub(crate) fn subscribe(&self, new: &NewSubscription) -> Result<Subscribed, StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        let existing = tx
            .query_row(
                &format!(
                    "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
                     WHERE chat_id = ?1 AND topic_key = ?2"
                ),
                params![new.chat_id, new.topic_key],
                subscription,
            )
            .optional()?;
        if let Some(s) = existing {
            return Ok(Subscribed::Already(s));
        }
        let held: i64 = tx.query_row(
            "SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?1",
            [new.chat_id],
            |r| r.get(0),
        )?;
        if held as usize >= MAX_SUBSCRIPTIONS_PER_CHAT {
            return Ok(Subscribed::Full);
        }
        tx.execute(
            "INSERT INTO subscriptions (chat_id, chat_kind, query, topic_key, lang, created_by, \
             created_at, alerts_sent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
            params![
                new.chat_id,
                new.chat_kind,
                new.query,
                new.topic_key,
                new.lang,
                new.created_by,
                now()
            ],
        )?;
        let id = tx.last_insert_rowid();
        let s = tx.query_row(
            &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?1"),
            [id],
            subscription,
        )?;
        tx.commit()?;
        Ok(Subscribed::Added(s))
    }

    /// A chat's subscriptions, oldest first (the numbers `/subscriptions` shows).
    pub fn subscriptions_of(&self, chat_id: i64) -> Result<Vec<Subscription>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE chat_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([chat_id], subscription)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every subscription that is not paused (what new articles are matched against).
    pub(crate) fn active_subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE paused_at IS NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map([], subscription)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn subscription(&self, id: i64) -> Result<Option<Subscription>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?1"),
                [id],
                subscription,
            )
            .optional()?)
    }

    /// Removes a subscription and the alerts it has not sent yet. False when there was none.
    pub(crate) fn unsubscribe(&self, id: i64) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        tx.execute(
            "DELETE FROM outbox WHERE subscription_id = ?1 AND state = 'pending'",
            [id],
        )?;
        let removed = tx.execute("DELETE FROM subscriptions WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(removed > 0)
    }

    /// Pauses every subscription of a chat that cannot be reached, and drops its pending
    /// alerts (they would go nowhere). Returns how many subscriptions were paused.
    pub(crate) fn pause_chat(&self, chat_id: i64, reason: &str) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        let at = now();
        tx.execute(
            "UPDATE outbox SET state = 'dropped', error = ?2, done_at = ?3 \
             WHERE chat_id = ?1 AND state = 'pending'",
            params![chat_id, reason, at],
        )?;
        let paused = tx.execute(
            "UPDATE subscriptions SET paused_at = ?2, pause_reason = ?3 \
             WHERE chat_id = ?1 AND paused_at IS NULL",
            params![chat_id, at, reason],
        )?;
        tx.commit()?;
        Ok(paused)
    }

    /// Resumes a chat's paused subscriptions. Returns how many were paused.
    pub(crate) fn resume_chat(&self, chat_id: i64) -> Result<usize, StoreError> {
        let conn = self.conn();
        Ok(conn.execute(
            "UPDATE subscriptions SET paused_at = NULL, pause_reason = NULL \
             WHERE chat_id = ?1 AND paused_at IS NOT NULL",
            [chat_id],
        )?)
    }

    /// Moves a chat's subscriptions and pending alerts to its new id (a group that became a
    /// supergroup). A topic the new chat follows already is dropped from the old one.
    pub(crate) fn move_chat(&self, from: i64, to: i64) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        tx.execute(
            "DELETE FROM subscriptions WHERE chat_id = ?1 AND topic_key IN \
             (SELECT topic_key FROM subscriptions WHERE chat_id = ?2)",
            params![from, to],
        )?;
        tx.execute(
            "UPDATE subscriptions SET chat_id = ?2, chat_kind = 'supergroup' WHERE chat_id = ?1",
            params![from, to],
        )?;
        tx.execute(
            "UPDATE outbox SET chat_id = ?2 WHERE chat_id = ?1 AND state = 'pending'",
            params![from, to],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Queues alerts in their own transaction (articles that are not stored: files).
    pub(crate) fn queue_alerts(&self, alerts: &[NewAlert]) -> Result<usize, StoreError> {
        if alerts.is_empty() {
            return Ok(0);
        }
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        let added = insert_alerts(&tx, alerts)?;
        tx.commit()?;
        Ok(added)
    }

    /// The chats with pending alerts and the time of each chat's oldest one.
    pub(crate) fn chats_with_pending_alerts(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT chat_id, MIN(created_at) FROM outbox WHERE state = 'pending' \
             GROUP BY chat_id ORDER BY MIN(id)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A chat's pending alerts, oldest first, at most `limit`.
    pub fn pending_alerts(&self, chat_id: i64, limit: usize) -> Result<Vec<Alert>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT o.id, o.subscription_id, o.chat_id, s.chat_kind, s.query, s.lang, \
             o.article_id, o.title, o.published, o.outlet, o.url, o.paragraph, o.created_at \
             FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id \
             WHERE o.chat_id = ?1 AND o.state = 'pending' ORDER BY o.id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![chat_id, limit as i64], |r| {
            Ok(Alert {
                id: r.get(0)?,
                subscription_id: r.get(1)?,
                chat_id: r.get(2)?,
                chat_kind: r.get(3)?,
                query: r.get(4)?,
                lang: r.get(5)?,
                article_id: r.get(6)?,
                title: r.get(7)?,
                published: r.get(8)?,
                outlet: r.get(9)?,
                url: r.get(10)?,
                paragraph: r.get(11)?,
                created_at: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Alerts sent to a chat since `since` (Unix seconds), for the digest rule.
    pub(crate) fn alerts_sent_since(&self, chat_id: i64, since: i64) -> Result<usize, StoreError> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND state = 'sent' AND done_at >= ?2",
            params![chat_id, since],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Marks alerts sent (one message carried them) and counts them on their subscriptions.
    pub(crate) fn mark_alerts_sent(&self, ids: &[i64]) -> Result<(), StoreError> {
        self.finish_alerts(ids, "sent", None)
    }

    /// Marks alerts that Telegram refused for good (not to be tried again), with why.
    pub(crate) fn mark_alerts_failed(&self, ids: &[i64], error: &str) -> Result<(), StoreError> {
        self.finish_alerts(ids, "failed", Some(error))
    }

    fn finish_alerts(
        &self,
        ids: &[i64],
        state: &str,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        let at = now();
        {
            let mut mark = tx.prepare_cached(
                "UPDATE outbox SET state = ?2, error = ?3, done_at = ?4 \
                 WHERE id = ?1 AND state = 'pending'",
            )?;
            let mut count = tx.prepare_cached(
                "UPDATE subscriptions SET alerts_sent = alerts_sent + 1 \
                 WHERE id = (SELECT subscription_id FROM outbox WHERE id = ?1)",
            )?;
            for &id in ids {
                let changed = mark.execute(params![id, state, error, at])?;
                if changed > 0 && state == "sent" {
                    count.execute([id])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets finished alerts older than `days` (pending ones are kept whatever their age).
    pub(crate) fn prune_alerts(&self, days: i64) -> Result<usize, StoreError> {
        let conn = self.conn();
        Ok(conn.execute(
            "DELETE FROM outbox WHERE state <> 'pending' AND done_at < ?1",
            [now() - days * 86_400],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_sub(chat_id: i64, words: &str) -> NewSubscription {
        NewSubscription {
            chat_id,
            chat_kind: "private".into(),
            query: words.into(),
            topic_key: words.into(),
            lang: "zh".into(),
            created_by: Some(chat_id),
        }
    }

    fn alert(sub: i64, chat: i64, article: &str) -> NewAlert {
        NewAlert {
            subscription_id: sub,
            chat_id: chat,
            article_id: article.into(),
            title: format!("标题 {article}"),
            published: Some("2026-12-01".into()),
            outlet: None,
            url: None,
            paragraph: "段落".into(),
        }
    }

    #[test]
    fn a_chat_follows_each_topic_once_and_at_most_twenty() {
        let store = Store::open_in_memory().unwrap();
        let Subscribed::Added(first) = store.subscribe(&new_sub(1, "防汛")).unwrap() else {
            panic!("not added");
        };
        assert!(matches!(
            store.subscribe(&new_sub(1, "防汛")).unwrap(),
            Subscribed::Already(s) if s.id == first.id
        ));
        assert!(matches!(
            store.subscribe(&new_sub(2, "防汛")).unwrap(),
            Subscribed::Added(_)
        ));
        for i in 1..MAX_SUBSCRIPTIONS_PER_CHAT {
            assert!(matches!(
                store.subscribe(&new_sub(1, &format!("话题{i}"))).unwrap(),
                Subscribed::Added(_)
            ));
        }
        assert_eq!(
            store.subscribe(&new_sub(1, "再多一个")).unwrap(),
            Subscribed::Full
        );
        assert_eq!(
            store.subscriptions_of(1).unwrap().len(),
            MAX_SUBSCRIPTIONS_PER_CHAT
        );
    }

    #[test]
    fn an_alert_is_queued_once_sent_once_and_counted() {
        let store = Store::open_in_memory().unwrap();
        let Subscribed::Added(s) = store.subscribe(&new_sub(1, "防汛")).unwrap() else {
            panic!("not added");
        };
        assert_eq!(
            store
                .queue_alerts(&[alert(s.id, 1, "a1"), alert(s.id, 1, "a2")])
                .unwrap(),
            2
        );
        assert_eq!(
            store.queue_alerts(&[alert(s.id, 1, "a1")]).unwrap(),
            0,
            "the same article again"
        );
        let pending = store.pending_alerts(1, 10).unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].query, "防汛");
        store.mark_alerts_sent(&[pending[0].id]).unwrap();
        store.mark_alerts_sent(&[pending[0].id]).unwrap();
        assert_eq!(store.pending_alerts(1, 10).unwrap().len(), 1);
        assert_eq!(
            store.subscription(s.id).unwrap().unwrap().alerts_sent,
            1,
            "counted once"
        );
        assert_eq!(store.alerts_sent_since(1, now() - 60).unwrap(), 1);
        assert_eq!(
            store.queue_alerts(&[alert(s.id, 1, "a1")]).unwrap(),
            0,
            "sent is not queued again"
        );
    }

    #[test]
    fn a_group_that_became_a_supergroup_keeps_its_topics_and_pending_alerts() {
        let store = Store::open_in_memory().unwrap();
        let sub = |chat, words| match store.subscribe(&new_sub(chat, words)).unwrap() {
            Subscribed::Added(s) => s,
            other => panic!("{other:?}"),
        };
        let flood = sub(-5, "防汛");
        sub(-5, "黄河");
        sub(-1005, "黄河");
        store.queue_alerts(&[alert(flood.id, -5, "a1")]).unwrap();
        store.move_chat(-5, -1005).unwrap();
        assert!(store.subscriptions_of(-5).unwrap().is_empty());
        let moved: Vec<String> = store
            .subscriptions_of(-1005)
            .unwrap()
            .into_iter()
            .map(|s| s.query)
            .collect();
        assert_eq!(
            moved.len(),
            2,
            "the topic both followed is kept once: {moved:?}"
        );
        let pending = store.pending_alerts(-1005, 10).unwrap();
        assert_eq!(
            (pending.len(), pending[0].chat_kind.as_str()),
            (1, "supergroup")
        );
    }

    #[test]
    fn a_paused_chat_gets_nothing_until_resumed() {
        let store = Store::open_in_memory().unwrap();
        let Subscribed::Added(s) = store.subscribe(&new_sub(5, "防汛")).unwrap() else {
            panic!("not added");
        };
        store.queue_alerts(&[alert(s.id, 5, "a1")]).unwrap();
        assert_eq!(store.pause_chat(5, "blocked").unwrap(), 1);
        assert!(store.pending_alerts(5, 10).unwrap().is_empty());
        assert!(store.active_subscriptions().unwrap().is_empty());
        assert_eq!(store.resume_chat(5).unwrap(), 1);
        assert_eq!(store.active_subscriptions().unwrap().len(), 1);
        assert!(store.unsubscribe(s.id).unwrap());
        assert!(!store.unsubscribe(s.id).unwrap());
    }
}
