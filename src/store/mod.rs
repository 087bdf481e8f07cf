//! The embedded database (SQLite through rusqlite, one file, WAL): feeds and their HTTP
//! state, the feed items already seen, and the articles that came from feeds, so a restart
//! loses nothing and fetches nothing twice. Plain structs in and out; SQL stays here, and is
//! kept portable (no SQLite-only syntax beyond what rusqlite itself needs), so another
//! database could take the same schema later.
//!
//! Adding a table or column: append one entry to [`MIGRATIONS`] (next number, what it is
//! for, the SQL). Applied migrations are recorded in `schema_migrations`; each runs once, in
//! its own transaction, at [`Store::open`] (which waits for another process applying them).

mod articles;
mod feeds;
mod follow;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

pub use articles::StoredArticle;
pub use feeds::{Feed, FeedOrigin, FeedState, NewFeed, SeenItem};
pub(crate) use follow::{
    Alert, MAX_SUBSCRIPTIONS_PER_CHAT, NewAlert, NewSubscription, PHRASE_SEPARATOR, Subscribed,
    Subscription,
};

/// The schema, in order. Never edit an applied entry: add a new one.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        what: "feeds, items seen, articles from feeds",
        sql: "
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            url TEXT NOT NULL UNIQUE,
            outlet TEXT,
            interval_secs INTEGER NOT NULL,
            origin TEXT NOT NULL,
            added_at BIGINT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_attempt BIGINT,
            last_success BIGINT,
            last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_poll BIGINT
        );
        CREATE TABLE items_seen (
            feed_id INTEGER NOT NULL,
            item_key TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            article_id TEXT,
            seen_at BIGINT NOT NULL,
            PRIMARY KEY (feed_id, item_key)
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            feed_id INTEGER,
            url TEXT,
            title TEXT NOT NULL,
            published TEXT,
            outlet TEXT,
            source TEXT,
            reporter TEXT,
            paragraphs TEXT NOT NULL,
            byline_len INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            fetched_at BIGINT NOT NULL
        );
        CREATE INDEX articles_url ON articles (url);
        ",
    },
    Migration {
        version: 2,
        what: "followed topics and the outbox of their alerts",
        sql: "
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            chat_id BIGINT NOT NULL,
            chat_kind TEXT NOT NULL,
            query TEXT NOT NULL,
            topic_key TEXT NOT NULL,
            lang TEXT NOT NULL,
            created_by BIGINT,
            created_at BIGINT NOT NULL,
            paused_at BIGINT,
            pause_reason TEXT,
            alerts_sent BIGINT NOT NULL DEFAULT 0,
            UNIQUE (chat_id, topic_key)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            subscription_id INTEGER NOT NULL,
            chat_id BIGINT NOT NULL,
            article_id TEXT NOT NULL,
            title TEXT NOT NULL,
            published TEXT,
            outlet TEXT,
            url TEXT,
            paragraph TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            state TEXT NOT NULL,
            error TEXT,
            done_at BIGINT,
            UNIQUE (subscription_id, article_id)
        );
        CREATE INDEX outbox_state_chat ON outbox (state, chat_id);
        ",
    },
    Migration {
        version: 3,
        what: "feed ids never reused",
        // A removed feed's id must not come back for another feed while a poll of the old
        // one may still write under it (items seen, poll state). The last id given is kept
        // here, seeded from every id the database has seen.
        sql: "
        CREATE TABLE id_counters (
            name TEXT PRIMARY KEY,
            last_id BIGINT NOT NULL
        );
        INSERT INTO id_counters (name, last_id)
            SELECT 'feeds', COALESCE(MAX(m), 0) FROM (
                SELECT MAX(id) AS m FROM feeds
                UNION ALL SELECT MAX(feed_id) FROM items_seen
                UNION ALL SELECT MAX(feed_id) FROM articles
            ) AS ids;
        ",
    },
];

/// One numbered step of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub(crate) version: u32,
    pub(crate) what: &'static str,
    pub(crate) sql: &'static str,
}

/// What can go wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the folder for the database {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database migration {version} ({what}): {source}")]
    Migration {
        version: u32,
        what: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {} has schema version {found}, newer than this program knows ({known}); use a newer jianbao", path.display())]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database: bad stored value: {0}")]
    Value(String),
}

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The database. One connection behind a mutex: every statement is short, and SQLite
/// serialises writers anyway.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed, with its folder) the database at `path` and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let open = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open)?;
        // WAL: readers never wait for the ingest writer, and a killed process loses at most
        // the transaction in flight. NORMAL sync is durable across process crashes in WAL.
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open)?;
        // Switching a new file to WAL needs it alone for a moment; SQLite answers "busy" at
        // once, without waiting, while another process opening it holds a lock, so wait here.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                done => break done.map_err(open)?,
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open)?;
        let store = Self {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        };
        store.migrate(MIGRATIONS)?;
        Ok(store)
    }

    /// An in-memory database (tests, one-shot tools).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        let store = Self {
            conn: Mutex::new(conn),
            path: PathBuf::from(":memory:"),
        };
        store.migrate(MIGRATIONS)?;
        Ok(store)
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The highest migration applied.
    #[cfg(test)]
    pub(crate) fn schema_version(&self) -> Result<u32, StoreError> {
        let conn = self.conn();
        Ok(applied_version(&conn)?)
    }

    fn migrate(&self, migrations: &[Migration]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let known = migrations.iter().map(|m| m.version).max().unwrap_or(0);
        // Up to date (every open but the first): a read, no write lock taken.
        if applied_version(&conn).is_ok_and(|v| v == known) {
            return Ok(());
        }
        // One migration per transaction, each taking the write lock as it begins and
        // reading the version under it: another process opening the same new file at the
        // same moment waits (busy timeout), then finds the migration applied.
        loop {
            let tx = write(&mut conn)?;
            tx.execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    what TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )",
            )?;
            let current = applied_version(&tx)?;
            if current > known {
                return Err(StoreError::TooNew {
                    path: self.path.clone(),
                    found: current,
                    known,
                });
            }
            let Some(m) = migrations.iter().find(|m| m.version > current) else {
                tx.commit()?;
                return Ok(());
            };
            let failed = |source| StoreError::Migration {
                version: m.version,
                what: m.what,
                source,
            };
            tx.execute_batch(m.sql).map_err(failed)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, what, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![m.version, m.what, now()],
            )
            .map_err(failed)?;
            tx.commit().map_err(failed)?;
            tracing::info!("database: applied migration {} ({})", m.version, m.what);
        }
    }
}

/// Begins a transaction that writes. It takes the write lock as it begins: a transaction
/// that read first and wrote later would fail at once ("busy", no waiting) when another
/// process wrote in between; this one waits for the lock (busy timeout) instead.
fn write(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}

/// The highest migration recorded in `schema_migrations` (an error if there is no such table).
fn applied_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
}

/// Seconds since the Unix epoch, the unit of every time stored.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "migration {:?}", m.what);
        }
    }

    #[test]
    fn opening_twice_applies_each_migration_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/j.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode.to_ascii_lowercase(), "wal");
    }

    #[test]
    fn processes_opening_a_new_database_at_once_all_succeed() {
        // The bot starting while a one-shot command opens the same new file: each must
        // see the schema whole, none fail on a migration the other applied.
        for _ in 0..10 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("j.db");
            let barrier = std::sync::Barrier::new(6);
            std::thread::scope(|s| {
                let opened: Vec<_> = (0..6)
                    .map(|_| {
                        s.spawn(|| {
                            barrier.wait();
                            Store::open(&path).map(|store| store.schema_version().unwrap())
                        })
                    })
                    .collect();
                for o in opened {
                    let version = o.join().unwrap().unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(version, MIGRATIONS.len() as u32);
                }
            });
        }
    }

    #[test]
    fn a_later_migration_is_applied_to_an_existing_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let mut more = MIGRATIONS.to_vec();
        more.push(Migration {
            version: MIGRATIONS.len() as u32 + 1,
            what: "test table",
            sql: "CREATE TABLE extra (x INTEGER);",
        });
        store.migrate(&more).unwrap();
        assert_eq!(store.schema_version().unwrap(), more.len() as u32);
        // Reopened by a program that knows fewer migrations: refused, not corrupted.
        drop(store);
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    }
}
