//! The only layer that waits on the outside world: polls feeds on their schedules (with
//! jitter, conditional GET, backoff), fetches article pages, watches the corpus folder, and
//! hands what it reads to the engine ([`LiveEngine`]) and the feed state to the store. A
//! failing feed is recorded with its error and backs off; it never stops the others.

pub(crate) mod feed;
pub(crate) mod fetch;
pub(crate) mod html;
pub(crate) mod sources;
pub mod watch;

use std::collections::HashSet;
use std::hash::Hasher;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use serde::Serialize;

use crate::answer::{Change, Following, LiveEngine};
use crate::corpus::{Article, DateOrigin, text_hash};
use crate::store::{
    Feed, FeedOrigin, FeedState, NewFeed, SeenItem, Store, StoreError, StoredArticle, now,
};

pub use fetch::{FetchError, FetchOptions, Fetched, Fetcher};

/// An item's own content is the article when it holds at least this many characters of
/// text; otherwise the linked page is fetched.
pub(crate) const FULL_TEXT_CHARS: usize = 200;
/// Items indexed and saved together: a killed process loses at most one batch, which the
/// next poll fetches again.
const BATCH: usize = 32;
/// Article pages fetched at once for one feed.
const PAGE_FETCHES: usize = 8;
/// Feeds polled at once.
const FEED_POLLS: usize = 4;
/// Longest wait between polls of a failing feed.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// What went wrong outside one feed.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] crate::answer::EngineError),
    #[error(transparent)]
    Sources(#[from] sources::SourceError),
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("{0}")]
    BadFeed(String),
}

/// What one poll of one feed did.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PollReport {
    pub(crate) feed_id: i64,
    pub(crate) name: String,
    pub(crate) url: String,
    /// The feed's own title, when it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<String>,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Items whose text another article already has.
    pub duplicates: usize,
    /// The server said nothing changed (304).
    pub not_modified: bool,
    /// Why the poll failed; `None` when it worked.
    pub failed: Option<String>,
    /// Problems that did not fail the poll (an article page that could not be fetched).
    pub warnings: Vec<String>,
}

/// A feed with its article count, for `feeds list` and `/feeds`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FeedStatus {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) outlet: Option<String>,
    pub(crate) interval_secs: u64,
    pub(crate) origin: FeedOrigin,
    /// RFC 3339 times (UTC).
    pub(crate) last_success: Option<String>,
    pub(crate) last_error: Option<String>,
    pub(crate) failures: u32,
    pub(crate) next_poll: Option<String>,
    pub(crate) articles: u64,
}

/// Why an address an admin gave was not added as a feed.
#[derive(Debug, thiserror::Error)]
pub enum FeedRefused {
    /// Not an absolute http or https URL (the text given).
    #[error("{0:?} is not an http or https address")]
    NotFeedUrl(String),
    /// A loopback, private, link-local or metadata address, and those are not allowed.
    #[error("{host} is {ip}, a private or local address (allow_private_addresses is off)")]
    Private { host: String, ip: std::net::IpAddr },
    /// The host name does not resolve.
    #[error("cannot find the host {host}: {reason}")]
    UnknownHost { host: String, reason: String },
    /// Already followed.
    #[error("already followed as feed {id} ({name})")]
    Known { id: i64, name: String },
    /// Removed (by another admin) before its first poll.
    #[error("feed {0} was removed while it was being added")]
    Removed(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A feed an admin added, and what its first poll did.
#[derive(Debug, Clone)]
pub struct AddedFeed {
    pub(crate) id: i64,
    /// The feed's title when the poll read one, else its host name.
    pub(crate) name: String,
    pub(crate) report: PollReport,
}

fn time_text(secs: Option<i64>) -> Option<String> {
    secs.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// The feed poller and page fetcher, sharing the engine and the store.
pub struct Ingest {
    engine: Arc<LiveEngine>,
    store: Arc<Store>,
    fetcher: Fetcher,
    /// Feeds being polled now (by the poller or an admin's first poll), so no feed is
    /// polled twice at once.
    in_flight: Mutex<HashSet<i64>>,
    /// Followed topics: new feed articles queue their alerts in the transaction that
    /// saves them.
    following: std::sync::OnceLock<Arc<Following>>,
}

impl Ingest {
    pub fn new(
        engine: Arc<LiveEngine>,
        store: Arc<Store>,
        options: FetchOptions,
    ) -> Result<Self, IngestError> {
        Ok(Self {
            engine,
            store,
            fetcher: Fetcher::new(options)?,
            in_flight: Mutex::default(),
            following: std::sync::OnceLock::new(),
        })
    }

    /// From now on, new feed articles are matched against followed topics (set once).
    pub fn follow_with(&self, following: Arc<Following>) {
        if self.following.set(following).is_err() {
            tracing::warn!("followed topics were already attached to the feed poller");
        }
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Makes the stored feeds of the feeds file match the file: new ones added, changed
    /// names and intervals updated, ones no longer listed removed (feeds added by OPML or by
    /// an admin are left alone).
    pub(crate) fn sync_feeds_file(&self, path: &Path) -> Result<(), IngestError> {
        let listed = sources::read_feeds_file(path)?;
        for feed in &listed {
            self.store.upsert_feed(feed)?;
        }
        for feed in self.store.feeds()? {
            if feed.origin == FeedOrigin::File && !listed.iter().any(|l| l.url == feed.url) {
                tracing::info!(
                    "feed {} ({}) is no longer in {}; removed",
                    feed.name,
                    feed.url,
                    path.display()
                );
                self.store.remove_feed(feed.id)?;
            }
        }
        Ok(())
    }

    /// Adds feeds (from OPML or an admin); returns how many were new.
    pub(crate) fn add_feeds(&self, feeds: &[NewFeed]) -> Result<usize, IngestError> {
        let before: HashSet<String> = self.store.feeds()?.into_iter().map(|f| f.url).collect();
        let mut new = 0;
        for f in feeds {
            if !before.contains(&f.url) {
                self.store.upsert_feed(f)?;
                new += 1;
            }
        }
        Ok(new)
    }

    /// Every feed with its state and article count.
    pub(crate) fn status(&self) -> Result<Vec<FeedStatus>, IngestError> {
        let counts = self.store.article_counts()?;
        Ok(self
            .store
            .feeds()?
            .into_iter()
            .map(|f| FeedStatus {
                articles: counts.get(&f.id).copied().unwrap_or(0),
                id: f.id,
                name: f.name,
                url: f.url,
                outlet: f.outlet,
                interval_secs: f.interval_secs,
                origin: f.origin,
                last_success: time_text(f.last_success),
                last_error: f.last_error,
                failures: f.failures,
                next_poll: time_text(f.next_poll),
            })
            .collect())
    }

    /// Polls every feed once, a few at a time; one report per feed, in feed order.
    pub(crate) async fn poll_all(&self) -> Result<Vec<PollReport>, IngestError> {
        let feeds = self.store.feeds()?;
        Ok(
            futures::stream::iter(feeds.iter().map(|f| self.poll_feed(f)))
                .buffered(FEED_POLLS)
                .collect()
                .await,
        )
    }

    /// Polls feeds as they fall due until `stop` turns true. A feed never polled is due at
    /// once; after a poll its next time is stored, so a restart keeps the schedule.
    pub async fn run_poller(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut running: tokio::task::JoinSet<i64> = tokio::task::JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            match self.store.feeds() {
                Ok(feeds) => {
                    let t = now();
                    for f in feeds {
                        if running.len() >= FEED_POLLS {
                            break;
                        }
                        if f.next_poll.is_none_or(|n| n <= t) && self.claim(f.id) {
                            let me = Arc::clone(&self);
                            running.spawn(async move {
                                let report = me.poll_feed(&f).await;
                                log_report(&report);
                                f.id
                            });
                        }
                    }
                }
                Err(e) => tracing::warn!("feeds: {e}"),
            }
            tokio::select! {
                _ = stop.changed() => {}
                Some(done) = running.join_next() => {
                    if let Ok(id) = done {
                        self.release(id);
                    }
                }
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
        running.abort_all();
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Marks a feed as being polled; false when it already is.
    fn claim(&self, id: i64) -> bool {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id)
    }

    fn release(&self, id: i64) {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }

    /// Adds a feed an admin named, after checking the address with the fetcher's safety
    /// rules (http or https; unless private addresses are allowed, no host that resolves
    /// to a loopback, private, link-local or metadata address), then polls it once so the
    /// admin sees the outcome. A feed whose first poll fails is kept (it is retried with
    /// backoff, and `/feeds` shows why); an address refused here is not added.
    pub async fn add_admin_feed(&self, url: &str) -> Result<AddedFeed, FeedRefused> {
        let given = url.trim();
        let url =
            sources::check_feed_url(given).map_err(|_| FeedRefused::NotFeedUrl(given.into()))?;
        let parsed =
            reqwest::Url::parse(&url).map_err(|_| FeedRefused::NotFeedUrl(given.into()))?;
        let host = parsed.host_str().unwrap_or_default().to_string();
        if !self.fetcher.options().allow_private {
            let literal = match parsed.host() {
                Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
                _ => None,
            };
            let addresses: Vec<std::net::IpAddr> = match literal {
                Some(ip) => vec![ip],
                None => {
                    let port = parsed.port_or_known_default().unwrap_or(80);
                    tokio::net::lookup_host((host.as_str(), port))
                        .await
                        .map_err(|e| FeedRefused::UnknownHost {
                            host: host.clone(),
                            reason: e.to_string(),
                        })?
                        .map(|a| a.ip())
                        .collect()
                }
            };
            if addresses.is_empty() {
                return Err(FeedRefused::UnknownHost {
                    host,
                    reason: "no address".into(),
                });
            }
            // Any private address refuses the host: the resolver would skip it, but a name
            // that points inside is a probe, not a feed.
            if let Some(ip) = addresses.into_iter().find(|ip| !fetch::is_public(*ip)) {
                return Err(FeedRefused::Private { host, ip });
            }
        }
        if let Some(known) = self.store.feeds()?.into_iter().find(|f| f.url == url) {
            return Err(FeedRefused::Known {
                id: known.id,
                name: known.name,
            });
        }
        let name = host;
        // Inserted and claimed under the lock the poller claims with, so the poller does
        // not poll the new feed at the same time.
        let id = {
            let mut in_flight = self
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let id = self.store.upsert_feed(&NewFeed {
                name,
                url: url.clone(),
                outlet: None,
                interval_secs: sources::DEFAULT_INTERVAL.as_secs(),
                origin: FeedOrigin::Admin,
            })?;
            in_flight.insert(id);
            id
        };
        let polled = match self.store.feed(id) {
            Ok(Some(feed)) => Ok(self.poll_feed(&feed).await),
            Ok(None) => Err(FeedRefused::Removed(id)),
            Err(e) => Err(e.into()),
        };
        self.release(id);
        let report = polled?;
        log_report(&report);
        // The feed is named by its own title from now on.
        let mut name = report.name.clone();
        if let Some(title) = &report.title
            && let Some(feed) = self.store.feed(id)?
        {
            self.store.upsert_feed(&NewFeed {
                name: title.clone(),
                url: feed.url,
                outlet: feed.outlet,
                interval_secs: feed.interval_secs,
                origin: feed.origin,
            })?;
            name = title.clone();
        }
        Ok(AddedFeed { id, name, report })
    }

    /// Removes a feed (by its id, the number `/feeds` and `feeds list` show). The articles
    /// read from it stay in the corpus and the database. `None` when there is no such feed.
    pub(crate) fn remove_feed(&self, id: i64) -> Result<Option<FeedStatus>, IngestError> {
        let Some(status) = self.status()?.into_iter().find(|f| f.id == id) else {
            return Ok(None);
        };
        Ok(self.store.remove_feed(id)?.then_some(status))
    }

    /// Polls one feed: fetch (conditional), parse, build articles (fetching pages when the
    /// item holds no full text), index and save them in batches, and record the outcome.
    pub async fn poll_feed(&self, feed: &Feed) -> PollReport {
        let mut report = PollReport {
            feed_id: feed.id,
            name: feed.name.clone(),
            url: feed.url.clone(),
            ..PollReport::default()
        };
        let result = self.poll_inner(feed, &mut report).await;
        let interval = Duration::from_secs(feed.interval_secs.max(1));
        let state = match result {
            Ok(validators) => FeedState {
                result: Ok(validators),
                next_poll: now() + jittered(interval).as_secs() as i64,
            },
            Err(err) => {
                let reason = err.to_string();
                let retry = match &err {
                    IngestError::Fetch(f) => f.retry_after,
                    _ => None,
                };
                let backoff = interval
                    .saturating_mul(2u32.saturating_pow(feed.failures.min(16)))
                    .min(MAX_BACKOFF)
                    .max(retry.unwrap_or_default());
                report.failed = Some(reason.clone());
                FeedState {
                    result: Err(reason),
                    next_poll: now() + jittered(backoff).as_secs().max(1) as i64,
                }
            }
        };
        if let Err(e) = self.store.record_poll(feed.id, &state) {
            tracing::warn!("feed {}: cannot record the poll: {e}", feed.url);
        }
        report
    }

    async fn poll_inner(
        &self,
        feed: &Feed,
        report: &mut PollReport,
    ) -> Result<(Option<String>, Option<String>), IngestError> {
        let body = match self
            .fetcher
            .get(
                &feed.url,
                feed.etag.as_deref(),
                feed.last_modified.as_deref(),
            )
            .await?
        {
            Fetched::NotModified => {
                report.not_modified = true;
                return Ok((None, None));
            }
            Fetched::Body(b) => b,
        };
        let (text, warnings) =
            crate::corpus::decode_declared(&body.bytes, body.content_type.as_deref())
                .map_err(|e| IngestError::BadFeed(format!("not a feed: {e}")))?;
        for warning in warnings {
            tracing::warn!("feed {}: {warning}", body.url);
        }
        let parsed = feed::parse(&text, &body.url).map_err(IngestError::BadFeed)?;
        let feed_title = parsed.title.clone();
        report.title = feed_title.clone();
        // Items already seen with the same content are not fetched again.
        let mut fresh = Vec::new();
        let mut keys = HashSet::new();
        for item in parsed.items {
            if !keys.insert(item.key.clone()) {
                // The same guid twice in one document: the first one counts.
                continue;
            }
            match self.store.seen_item(feed.id, &item.key)? {
                Some(seen) if seen.content_hash == item.hash => report.unchanged += 1,
                _ => fresh.push(item),
            }
        }
        for batch in fresh.chunks(BATCH) {
            let built: Vec<(feed::Item, Article, Option<String>)> =
                futures::stream::iter(batch.iter().cloned())
                    .map(|item| async {
                        let (article, warning) =
                            self.article_of(feed, feed_title.as_deref(), &item).await;
                        (item, article, warning)
                    })
                    .buffered(PAGE_FETCHES)
                    .collect()
                    .await;
            // An item that was only a link and whose page gave nothing is no article; it is
            // not marked seen, so the next poll tries its page again.
            let (built, empty): (Vec<_>, Vec<_>) = built
                .into_iter()
                .partition(|(_, a, _)| !a.title.trim().is_empty() || !a.paragraphs.is_empty());
            for (item, _, warning) in empty {
                let w = format!(
                    "{}: item {} has no title or text of its own and its page gave none; skipped for now",
                    feed.url, item.key
                );
                tracing::warn!("{w}");
                report.warnings.extend(warning);
                report.warnings.push(w);
            }
            let engine = Arc::clone(&self.engine);
            let store = Arc::clone(&self.store);
            let feed_id = feed.id;
            // A feed's first read is its backlog, not news: it raises no alerts.
            let following = self
                .following
                .get()
                .filter(|_| feed.last_success.is_some())
                .cloned();
            // Indexing waits for requests (see `background`).
            let (counts, warnings) = crate::background::run(move || {
                save_batch(&engine, &store, following.as_deref(), feed_id, built)
            })
            .await
            .map_err(|e| IngestError::BadFeed(format!("indexing stopped: {e}")))??;
            report.added += counts[0];
            report.updated += counts[1];
            report.unchanged += counts[2];
            report.duplicates += counts[3];
            report.warnings.extend(warnings);
        }
        Ok((body.etag, body.last_modified))
    }

    /// The article for an item: its own content when long enough, else the linked page's
    /// article (read by the corpus HTML reader, so navigation, related links and footers
    /// stay out), else (the page failing) its own text with a warning. The item's title and
    /// date win; the page's fill in what the item lacks.
    async fn article_of(
        &self,
        feed: &Feed,
        feed_title: Option<&str>,
        item: &feed::Item,
    ) -> (Article, Option<String>) {
        let own = if chars(&item.content) >= chars(&item.summary) {
            &item.content
        } else {
            &item.summary
        };
        let mut h = fnv::FnvHasher::default();
        h.write(item.key.as_bytes());
        let id = format!("feed_{:016x}", h.finish());
        let mut warning = None;
        let mut page = None;
        if chars(&item.content) < FULL_TEXT_CHARS
            && let Some(link) = &item.link
        {
            match self.page_article(link, &id).await {
                Ok(p) => page = Some(p),
                Err(e) => {
                    let w = format!(
                        "{}: article page {link}: {e}; the item's own text is kept",
                        feed.url
                    );
                    tracing::warn!("{w}");
                    warning = Some(w);
                }
            }
        }
        let (mut article, page_meta) = match page {
            Some(p) if chars(&p.paragraphs) > chars(own) => {
                let meta = PageMeta::of(&p);
                (p, Some(meta))
            }
            // The page read but holds less than the item: keep the item's text, still
            // take the page's title and date where the item has none.
            Some(p) => (
                Article::new(id.clone(), String::new(), own.clone()),
                Some(PageMeta::of(&p)),
            ),
            None => (Article::new(id.clone(), String::new(), own.clone()), None),
        };
        article.id = id;
        let page_meta = page_meta.unwrap_or_default();
        article.title = [item.title.trim(), page_meta.title.trim()]
            .into_iter()
            .find(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| {
                article.paragraphs.first().map(|p| {
                    p.chars()
                        .take(crate::corpus::TITLE_FROM_TEXT_CHARS)
                        .collect()
                })
            })
            .unwrap_or_default();
        (article.date, article.date_origin) = match (item.date, page_meta.date) {
            (Some(d), _) => (Some(d), DateOrigin::Stated),
            (None, Some((d, origin))) => (Some(d), origin),
            (None, None) => (None, DateOrigin::Unknown),
        };
        // The item's link, not the page's canonical URL: it is what the next poll sees, and
        // what duplicates are recognised by.
        article.url = item.link.clone();
        // An operator's outlet name first; then the outlet the page names (an aggregator's
        // feed carries many outlets); then the feed's title.
        article.outlet = feed
            .outlet
            .clone()
            .or(page_meta.outlet)
            .or_else(|| feed_title.map(str::to_string));
        article.source = page_meta.source.or_else(|| feed_title.map(str::to_string));
        article.reporter = item.author.clone().or(page_meta.reporter);
        article.origin = format!("feed {}", feed.url);
        (article, warning)
    }

    /// The article on a linked page, read by the corpus HTML reader off the async threads,
    /// on a background thread that yields to requests (parsing a page takes milliseconds of
    /// CPU).
    async fn page_article(&self, link: &str, id: &str) -> Result<Article, String> {
        let body = match self.fetcher.get(link, None, None).await {
            Ok(Fetched::Body(b)) => b,
            Ok(Fetched::NotModified) => return Err("the server answered 304 unasked".into()),
            Err(e) => return Err(e.to_string()),
        };
        let id = id.to_string();
        crate::background::run(move || {
            crate::corpus::read_html_bytes(
                &body.bytes,
                body.content_type.as_deref(),
                Some(&body.url),
                &id,
            )
        })
        .await
        .map_err(|e| format!("reading the page stopped: {e}"))?
        .map_err(|e| e.to_string())
    }
}

/// What an article page says about itself, for the fields its feed item lacks.
#[derive(Default)]
struct PageMeta {
    title: String,
    date: Option<(chrono::NaiveDate, DateOrigin)>,
    outlet: Option<String>,
    source: Option<String>,
    reporter: Option<String>,
}

impl PageMeta {
    fn of(page: &Article) -> Self {
        Self {
            title: page.title.clone(),
            date: page.date.map(|d| (d, page.date_origin)),
            outlet: page.outlet.clone(),
            source: page.source.clone(),
            reporter: page.reporter.clone(),
        }
    }
}

fn chars(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// Indexes a batch and saves it with its seen items and the alerts its new articles raise,
/// in one transaction. Counts: added, updated, unchanged, duplicates.
fn save_batch(
    engine: &LiveEngine,
    store: &Store,
    following: Option<&Following>,
    feed_id: i64,
    built: Vec<(feed::Item, Article, Option<String>)>,
) -> Result<([usize; 4], Vec<String>), IngestError> {
    let mut warnings = Vec::new();
    let mut items = Vec::with_capacity(built.len());
    let mut articles = Vec::with_capacity(built.len());
    for (item, article, warning) in built {
        warnings.extend(warning);
        items.push(item);
        articles.push(article);
    }
    let outcomes = engine.upsert(articles.clone())?;
    let mut alerts = Vec::new();
    let mut counts = [0; 4];
    let mut stored = Vec::new();
    let mut seen = Vec::new();
    for ((item, mut article), outcome) in items.into_iter().zip(articles).zip(outcomes) {
        match &outcome.change {
            Change::Added | Change::Replaced => {
                counts[if outcome.change == Change::Added {
                    0
                } else {
                    1
                }] += 1;
                article.id = outcome.id.clone();
                if outcome.change == Change::Added
                    && let Some(f) = following
                {
                    alerts.extend(f.alerts_for_articles(&[&article]));
                }
                stored.push(StoredArticle {
                    feed_id: Some(feed_id),
                    content_hash: format!("{:016x}", text_hash(&article)),
                    article,
                });
            }
            Change::Unchanged => counts[2] += 1,
            Change::Duplicate { .. } => counts[3] += 1,
            Change::Removed => {}
        }
        let article_id = match outcome.change {
            Change::Duplicate { of } => of,
            _ => outcome.id,
        };
        seen.push((
            feed_id,
            SeenItem {
                item_key: item.key,
                content_hash: item.hash,
                article_id: Some(article_id),
            },
        ));
    }
    store.save_batch_with_alerts(&stored, &seen, &alerts)?;
    if !alerts.is_empty()
        && let Some(f) = following
    {
        f.wake();
    }
    Ok((counts, warnings))
}

/// `interval` ± 10%, so feeds added together do not poll in lockstep.
fn jittered(interval: Duration) -> Duration {
    let spread = interval.as_secs_f64() * 0.1;
    let offset = (fastrand::f64() * 2.0 - 1.0) * spread;
    Duration::from_secs_f64((interval.as_secs_f64() + offset).max(1.0))
}

fn log_report(r: &PollReport) {
    match &r.failed {
        Some(reason) => tracing::warn!("feed {} ({}): {reason}", r.name, r.url),
        None => tracing::info!(
            "feed {}: {} added, {} updated, {} unchanged{}",
            r.name,
            r.added,
            r.updated,
            r.unchanged,
            if r.not_modified {
                " (not modified)"
            } else {
                ""
            }
        ),
    }
}

/// Loads the articles saved from feeds, for start-up. Unreadable rows are skipped with a
/// warning (see [`Store::articles`]).
pub fn stored_articles(store: &Store) -> Result<Vec<Article>, StoreError> {
    Ok(store.articles()?.into_iter().map(|s| s.article).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_tenth() {
        for _ in 0..100 {
            let j = jittered(Duration::from_secs(600)).as_secs_f64();
            assert!((540.0..=660.0).contains(&j), "{j}");
        }
        assert!(jittered(Duration::from_secs(1)) >= Duration::from_secs(1));
    }
}
