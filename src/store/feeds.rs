//! Feeds and their HTTP state (validators, last success and error, backoff, next poll), and
//! the items of each feed already seen.

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, now, write};

/// Where a feed was listed: the operator's feeds file, an OPML import, or a bot admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedOrigin {
    File,
    Opml,
    Admin,
}

impl FeedOrigin {
    fn as_str(self) -> &'static str {
        match self {
            FeedOrigin::File => "file",
            FeedOrigin::Opml => "opml",
            FeedOrigin::Admin => "admin",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "file" => Ok(FeedOrigin::File),
            "opml" => Ok(FeedOrigin::Opml),
            "admin" => Ok(FeedOrigin::Admin),
            other => Err(StoreError::Value(format!("feed origin {other:?}"))),
        }
    }
}

/// A feed to add or update.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeed {
    pub name: String,
    pub url: String,
    pub outlet: Option<String>,
    pub interval_secs: u64,
    pub origin: FeedOrigin,
}

/// A feed as stored, with its polling state.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Feed {
    pub id: i64,
    pub name: String,
    pub(crate) url: String,
    pub(crate) outlet: Option<String>,
    pub(crate) interval_secs: u64,
    pub(crate) origin: FeedOrigin,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    /// Unix seconds.
    pub(crate) last_attempt: Option<i64>,
    pub last_success: Option<i64>,
    /// `None` when the last poll succeeded.
    pub last_error: Option<String>,
    /// Polls failed in a row (drives the backoff).
    pub failures: u32,
    pub next_poll: Option<i64>,
}

/// The outcome of one poll, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedState {
    /// `Ok` with the new validators (kept when a 304 gives none), or `Err` with the reason.
    pub(crate) result: Result<(Option<String>, Option<String>), String>,
    pub(crate) next_poll: i64,
}

/// A feed item already seen: its key (guid, else normalised link), the hash of its content
/// and the article it became.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenItem {
    pub(crate) item_key: String,
    pub(crate) content_hash: String,
    pub(crate) article_id: Option<String>,
}

const FEED_COLUMNS: &str = "id, name, url, outlet, interval_secs, origin, etag, last_modified, \
     last_attempt, last_success, last_error, failures, next_poll";

fn feed_of(r: &Row<'_>) -> rusqlite::Result<(Feed, String)> {
    let origin: String = r.get(5)?;
    Ok((
        Feed {
            id: r.get(0)?,
            name: r.get(1)?,
            url: r.get(2)?,
            outlet: r.get(3)?,
            interval_secs: r.get::<_, i64>(4)?.max(1) as u64,
            origin: FeedOrigin::File,
            etag: r.get(6)?,
            last_modified: r.get(7)?,
            last_attempt: r.get(8)?,
            last_success: r.get(9)?,
            last_error: r.get(10)?,
            failures: r.get::<_, i64>(11)?.clamp(0, u32::MAX as i64) as u32,
            next_poll: r.get(12)?,
        },
        origin,
    ))
}

fn finish(pair: (Feed, String)) -> Result<Feed, StoreError> {
    let (mut feed, origin) = pair;
    feed.origin = FeedOrigin::parse(&origin)?;
    Ok(feed)
}

impl Store {
    /// Adds a feed, or updates the name, outlet and interval of the feed with that URL
    /// (keeping its state). Returns its id.
    pub fn upsert_feed(&self, feed: &NewFeed) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        let existing: Option<i64> = tx
            .query_row("SELECT id FROM feeds WHERE url = ?1", [&feed.url], |r| {
                r.get(0)
            })
            .optional()?;
        let id = match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE feeds SET name = ?1, outlet = ?2, interval_secs = ?3 WHERE id = ?4",
                    params![feed.name, feed.outlet, feed.interval_secs as i64, id],
                )?;
                id
            }
            None => {
                // A new id, never one a removed feed had (see migration 3).
                tx.execute(
                    "UPDATE id_counters SET last_id = last_id + 1 WHERE name = 'feeds'",
                    [],
                )?;
                let id: i64 = tx.query_row(
                    "SELECT last_id FROM id_counters WHERE name = 'feeds'",
                    [],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "INSERT INTO feeds (id, name, url, outlet, interval_secs, origin, added_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        id,
                        feed.name,
                        feed.url,
                        feed.outlet,
                        feed.interval_secs as i64,
                        feed.origin.as_str(),
                        now()
                    ],
                )?;
                id
            }
        };
        tx.commit()?;
        Ok(id)
    }

    /// Every feed, in the order added.
    pub fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY id"))?;
        let rows = stmt.query_map([], feed_of)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(finish(row?)?);
        }
        Ok(out)
    }

    pub fn feed(&self, id: i64) -> Result<Option<Feed>, StoreError> {
        let conn = self.conn();
        let found = conn
            .query_row(
                &format!("SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?1"),
                [id],
                feed_of,
            )
            .optional()?;
        found.map(finish).transpose()
    }

    /// Removes a feed and its seen items; its articles stay (they were read, and a reader
    /// may still cite them). Returns whether there was such a feed.
    pub(crate) fn remove_feed(&self, id: i64) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        tx.execute("DELETE FROM items_seen WHERE feed_id = ?1", [id])?;
        let n = tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Records the outcome of a poll: on success the validators and the time, and the
    /// error cleared; on failure the error and one more failure in a row.
    pub(crate) fn record_poll(&self, id: i64, state: &FeedState) -> Result<(), StoreError> {
        let conn = self.conn();
        let at = now();
        match &state.result {
            Ok((etag, last_modified)) => conn.execute(
                "UPDATE feeds SET etag = COALESCE(?1, etag), \
                 last_modified = COALESCE(?2, last_modified), last_attempt = ?3, \
                 last_success = ?3, last_error = NULL, failures = 0, next_poll = ?4 \
                 WHERE id = ?5",
                params![etag, last_modified, at, state.next_poll, id],
            )?,
            Err(reason) => conn.execute(
                "UPDATE feeds SET last_attempt = ?1, last_error = ?2, \
                 failures = failures + 1, next_poll = ?3 WHERE id = ?4",
                params![at, reason, state.next_poll, id],
            )?,
        };
        Ok(())
    }

    /// The seen item of `feed_id` with this key.
    pub(crate) fn seen_item(
        &self,
        feed_id: i64,
        item_key: &str,
    ) -> Result<Option<SeenItem>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT item_key, content_hash, article_id FROM items_seen \
                 WHERE feed_id = ?1 AND item_key = ?2",
                params![feed_id, item_key],
                |r| {
                    Ok(SeenItem {
                        item_key: r.get(0)?,
                        content_hash: r.get(1)?,
                        article_id: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// How many articles each feed brought, by feed id.
    pub(crate) fn article_counts(&self) -> Result<std::collections::HashMap<i64, u64>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT feed_id, COUNT(*) FROM articles WHERE feed_id IS NOT NULL GROUP BY feed_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, n) = row?;
            out.insert(id, n.max(0) as u64);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(url: &str) -> NewFeed {
        NewFeed {
            name: "n".into(),
            url: url.into(),
            outlet: None,
            interval_secs: 600,
            origin: FeedOrigin::File,
        }
    }

    #[test]
    fn a_feed_is_added_once_per_url_and_keeps_its_state() {
        let store = Store::open_in_memory().unwrap();
        let id = store.upsert_feed(&feed("http://a/rss")).unwrap();
        store
            .record_poll(
                id,
                &FeedState {
                    result: Ok((Some("\"e1\"".into()), None)),
                    next_poll: 5,
                },
            )
            .unwrap();
        let mut renamed = feed("http://a/rss");
        renamed.name = "renamed".into();
        assert_eq!(store.upsert_feed(&renamed).unwrap(), id);
        let f = store.feed(id).unwrap().unwrap();
        assert_eq!(f.name, "renamed");
        assert_eq!(f.etag.as_deref(), Some("\"e1\""));
        assert!(f.last_success.is_some() && f.last_error.is_none());
    }

    #[test]
    fn failures_count_up_and_a_success_clears_them() {
        let store = Store::open_in_memory().unwrap();
        let id = store.upsert_feed(&feed("http://a/rss")).unwrap();
        for _ in 0..3 {
            store
                .record_poll(
                    id,
                    &FeedState {
                        result: Err("HTTP 500".into()),
                        next_poll: 9,
                    },
                )
                .unwrap();
        }
        let f = store.feed(id).unwrap().unwrap();
        assert_eq!((f.failures, f.last_error.as_deref()), (3, Some("HTTP 500")));
        store
            .record_poll(
                id,
                &FeedState {
                    result: Ok((None, Some("Tue, 01 Dec 2026 10:00:00 GMT".into()))),
                    next_poll: 10,
                },
            )
            .unwrap();
        let f = store.feed(id).unwrap().unwrap();
        assert_eq!((f.failures, f.last_error), (0, None));
        assert!(store.remove_feed(id).unwrap());
        assert!(store.feeds().unwrap().is_empty());
    }

    #[test]
    fn a_removed_feeds_id_is_never_given_again_and_its_late_poll_leaves_nothing() {
        let store = Store::open_in_memory().unwrap();
        let a = store.upsert_feed(&feed("http://a/rss")).unwrap();
        let b = store.upsert_feed(&feed("http://b/rss")).unwrap();
        // b is removed while a poll of it is still running ...
        assert!(store.remove_feed(b).unwrap());
        let c = store.upsert_feed(&feed("http://c/rss")).unwrap();
        assert!(c > b && a < b, "ids {a} {b} {c}");
        // ... and that poll ends: its seen items are not kept under any feed.
        let item = SeenItem {
            item_key: "guid-1".into(),
            content_hash: "h".into(),
            article_id: None,
        };
        store
            .save_batch(&[], &[(b, item.clone()), (c, item.clone())])
            .unwrap();
        assert!(store.seen_item(b, "guid-1").unwrap().is_none());
        assert!(store.seen_item(c, "guid-1").unwrap().is_some());
        // The poll's state has no row to land on.
        let late = FeedState {
            result: Err("HTTP 500".into()),
            next_poll: 9,
        };
        store.record_poll(b, &late).unwrap();
        assert_eq!(store.feed(c).unwrap().unwrap().failures, 0);
    }

    #[test]
    fn ids_continue_after_the_highest_one_an_older_database_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        {
            // As an older jianbao left it (migrations 1 and 2): feed 7 was removed, one of
            // its articles stays.
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, what TEXT NOT NULL,
                 applied_at BIGINT NOT NULL);",
            )
            .unwrap();
            for m in &super::super::MIGRATIONS[..2] {
                conn.execute_batch(m.sql).unwrap();
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?1, ?2, 0)",
                    params![m.version, m.what],
                )
                .unwrap();
            }
            conn.execute_batch(
                "INSERT INTO articles (id, feed_id, title, paragraphs, byline_len, content_hash,
                 fetched_at) VALUES ('x', 7, 't', '[]', 0, 'h', 0);",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.upsert_feed(&feed("http://d/rss")).unwrap(), 8);
    }
}
