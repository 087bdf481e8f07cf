//! Articles that came from feeds, saved with the items that produced them in one
//! transaction, so a killed process loses at most the batch in flight and a restart neither
//! loses nor repeats one.

use chrono::NaiveDate;
use rusqlite::params;

use super::{SeenItem, Store, StoreError, now, write};
use crate::corpus::{Article, DateOrigin};

/// An article with the feed it came from and the hash of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub feed_id: Option<i64>,
    pub content_hash: String,
    pub article: Article,
}

impl Store {
    /// Saves articles (replacing any with the same id) and marks items seen, in one
    /// transaction.
    pub fn save_batch(
        &self,
        articles: &[StoredArticle],
        items: &[(i64, SeenItem)],
    ) -> Result<(), StoreError> {
        self.save_batch_with_alerts(articles, items, &[])
    }

    /// [`Store::save_batch`] that also queues the alerts the new articles raised, in the
    /// same transaction: a crash keeps both or neither.
    pub(crate) fn save_batch_with_alerts(
        &self,
        articles: &[StoredArticle],
        items: &[(i64, SeenItem)],
        alerts: &[super::NewAlert],
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write(&mut conn)?;
        let at = now();
        {
            let mut delete = tx.prepare_cached("DELETE FROM articles WHERE id = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO articles (id, feed_id, url, title, published, outlet, source, \
                 reporter, paragraphs, byline_len, content_hash, fetched_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for s in articles {
                let a = &s.article;
                let paragraphs = serde_json::to_string(&a.paragraphs)
                    .map_err(|e| StoreError::Value(e.to_string()))?;
                delete.execute([&a.id])?;
                insert.execute(params![
                    a.id,
                    s.feed_id,
                    a.url,
                    a.title,
                    a.date.map(|d| d.format("%Y-%m-%d").to_string()),
                    a.outlet,
                    a.source,
                    a.reporter,
                    paragraphs,
                    a.byline_len as i64,
                    s.content_hash,
                    at
                ])?;
            }
            let mut delete_item =
                tx.prepare_cached("DELETE FROM items_seen WHERE feed_id = ?1 AND item_key = ?2")?;
            // Only for a feed that still exists: one removed while it was being polled
            // leaves no seen items behind.
            let mut insert_item = tx.prepare_cached(
                "INSERT INTO items_seen (feed_id, item_key, content_hash, article_id, seen_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM feeds WHERE id = ?1)",
            )?;
            for (feed_id, item) in items {
                delete_item.execute(params![feed_id, item.item_key])?;
                insert_item.execute(params![
                    feed_id,
                    item.item_key,
                    item.content_hash,
                    item.article_id,
                    at
                ])?;
            }
        }
        super::follow::insert_alerts(&tx, alerts)?;
        tx.commit()?;
        Ok(())
    }

    /// Every stored article, oldest fetch first. A row that cannot be read is skipped with
    /// a warning naming it.
    pub(crate) fn articles(&self) -> Result<Vec<StoredArticle>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, feed_id, url, title, published, outlet, source, reporter, paragraphs, \
             byline_len, content_hash FROM articles ORDER BY fetched_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, feed_id, url, title, date, outlet, source, reporter, paras, byline, hash) =
                row?;
            let paragraphs: Vec<String> = match serde_json::from_str(&paras) {
                Ok(p) => p,
                Err(err) => {
                    tracing::warn!(
                        "{}: stored article {id}: bad paragraphs: {err}",
                        self.path.display()
                    );
                    continue;
                }
            };
            let date = date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            let mut article = Article::new(id, title, paragraphs);
            article.url = url;
            article.date_origin = if date.is_some() {
                DateOrigin::Stated
            } else {
                DateOrigin::Unknown
            };
            article.date = date;
            article.outlet = outlet;
            article.source = source;
            article.reporter = reporter;
            article.byline_len = usize::try_from(byline).unwrap_or(0);
            article.origin = format!("database {}", self.path.display());
            out.push(StoredArticle {
                feed_id,
                content_hash: hash,
                article,
            });
        }
        Ok(out)
    }

    /// How many articles are stored.
    pub fn article_count(&self) -> Result<u64, StoreError> {
        let conn = self.conn();
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{FeedOrigin, NewFeed};

    #[test]
    fn a_batch_round_trips_and_replaces_by_id() {
        let store = Store::open_in_memory().unwrap();
        let feed = store
            .upsert_feed(&NewFeed {
                name: "n".into(),
                url: "http://a/rss".into(),
                outlet: Some("新华社".into()),
                interval_secs: 60,
                origin: FeedOrigin::File,
            })
            .unwrap();
        let mut a = Article::new("feed_1", "标题", vec!["第一段".into(), "第二段".into()]);
        a.date = NaiveDate::from_ymd_opt(2026, 12, 1);
        a.url = Some("http://a/1".into());
        a.outlet = Some("新华社".into());
        let stored = StoredArticle {
            feed_id: Some(feed),
            content_hash: "h1".into(),
            article: a.clone(),
        };
        let item = SeenItem {
            item_key: "guid-1".into(),
            content_hash: "h1".into(),
            article_id: Some("feed_1".into()),
        };
        store
            .save_batch(std::slice::from_ref(&stored), &[(feed, item.clone())])
            .unwrap();
        let back = store.articles().unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].article.paragraphs, a.paragraphs);
        assert_eq!(back[0].article.date, a.date);
        assert_eq!(store.seen_item(feed, "guid-1").unwrap(), Some(item));
        let mut changed = stored.clone();
        changed.article.paragraphs = vec!["新的文字".into()];
        store.save_batch(&[changed], &[]).unwrap();
        let back = store.articles().unwrap();
        assert_eq!(back.len(), 1, "same id replaces");
        assert_eq!(back[0].article.paragraphs, ["新的文字"]);
        assert_eq!(store.article_counts().unwrap().get(&feed), Some(&1));
    }
}
