//! The live corpus: articles added, replaced and removed while the front ends answer. One
//! writer side (a lock around the article maps and the index writer) publishes a new
//! [`Engine`] snapshot after each small batch; every request reads the snapshot it took, so
//! it sees one consistent corpus and index. Deduplication lives here: the same story
//! reached twice (same id, same normalised URL, or identical text) is one article; a changed
//! story (same id or URL, new text) replaces the old one under the old id.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use rayon::prelude::*;

use super::{Catalog, Engine, EngineError, Entry, Shared};
use crate::corpus::{Article, text_hash};
use crate::index::{ArticleKey, Prepared};

/// What became of one article handed to the engine.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Change {
    /// New: indexed under its id.
    Added,
    /// An article with this id (or the same URL) was there with other text: replaced.
    Replaced,
    /// The same article was already there: nothing done.
    Unchanged,
    /// Another article (`of`) has the identical text: left out.
    Duplicate { of: String },
    /// Taken out of the corpus.
    Removed,
}

/// The outcome for one article: its id in the corpus (the old id when it replaced an
/// article with the same URL) and what happened.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub id: String,
    #[serde(flatten)]
    pub change: Change,
}

/// A URL in the form that tells two spellings of one page apart from two pages: scheme and
/// host lower case, default port, fragment and tracking parameters (`utm_*`) dropped, a
/// trailing slash of the path dropped. `None` for what is not an http(s) URL.
pub fn normalize_url(raw: &str) -> Option<String> {
    let mut url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(if path.is_empty() { "/" } else { &path });
    Some(url.to_string())
}

/// The file an article was read from, from its origin (`path`, or `path:line` for JSON
/// Lines); `None` for articles that came from elsewhere (feeds, the database).
fn file_of(origin: &str) -> Option<&str> {
    if origin.is_empty() || origin.starts_with("database ") {
        return None;
    }
    if let Some((file, line)) = origin.rsplit_once(':')
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
    {
        let lower = file.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            return Some(file);
        }
    }
    Some(origin)
}

/// The writer side: the current articles by key (the catalog the next snapshot shares) and
/// the maps that find duplicates.
struct Master {
    shared: Shared,
    articles: Catalog,
    by_id: HashMap<String, ArticleKey>,
    by_url: HashMap<String, ArticleKey>,
    by_text: HashMap<u64, ArticleKey>,
    /// Ids of the articles read from each corpus file.
    files: HashMap<String, Vec<String>>,
    next_key: ArticleKey,
}

impl Master {
    fn insert(&mut self, key: ArticleKey, entry: Entry) {
        self.index(key, &entry.article);
        self.articles.insert(key, entry);
    }

    /// Enters the article under `key` in the duplicate-finding maps.
    fn index(&mut self, key: ArticleKey, article: &Article) {
        self.by_id.insert(article.id.clone(), key);
        if let Some(u) = article.url.as_deref().and_then(normalize_url) {
            self.by_url.insert(u, key);
        }
        self.by_text.insert(text_hash(article), key);
    }

    fn take(&mut self, key: ArticleKey) -> Option<Arc<Article>> {
        let article = self.articles.remove(key)?.article;
        if self.by_id.get(&article.id) == Some(&key) {
            self.by_id.remove(&article.id);
        }
        if let Some(u) = article.url.as_deref().and_then(normalize_url)
            && self.by_url.get(&u) == Some(&key)
        {
            self.by_url.remove(&u);
        }
        let h = text_hash(&article);
        if self.by_text.get(&h) == Some(&key) {
            self.by_text.remove(&h);
        }
        Some(article)
    }
}

/// One queued operation of a batch.
enum Op {
    Upsert(Box<Article>),
    Remove(String),
}

/// The corpus while it changes: publishes [`Engine`] snapshots.
pub struct LiveEngine {
    current: RwLock<Arc<Engine>>,
    master: Mutex<Master>,
}

impl std::fmt::Debug for LiveEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveEngine")
            .field("current", &self.snapshot())
            .finish()
    }
}

impl LiveEngine {
    /// Takes over a loaded engine; from now on its index is written by one indexing thread
    /// at background priority and merges small commits in the background (see
    /// [`SearchIndex::go_live`](crate::index::SearchIndex::go_live)).
    pub fn new(engine: Arc<Engine>) -> Self {
        let shared = engine.shared();
        shared.core.go_live();
        let mut master = Master {
            shared,
            // The snapshot's own catalog: shared, not rebuilt.
            articles: engine.catalog().clone(),
            by_id: HashMap::with_capacity(engine.articles.len()),
            by_url: HashMap::new(),
            by_text: HashMap::with_capacity(engine.articles.len()),
            files: HashMap::new(),
            next_key: engine.index.keys.last().map_or(0, |k| k + 1),
        };
        for (key, entry) in engine.catalog().entries() {
            if let Some(file) = file_of(&entry.article.origin) {
                master
                    .files
                    .entry(file.to_string())
                    .or_default()
                    .push(entry.article.id.clone());
            }
            master.index(key, &entry.article);
        }
        Self {
            current: RwLock::new(engine),
            master: Mutex::new(master),
        }
    }

    /// The current snapshot: take one per request and read only it.
    pub fn snapshot(&self) -> Arc<Engine> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Adds or replaces articles (deduplicated, see the module doc), in one commit: they
    /// are searchable when this returns. One outcome per article, in order.
    pub fn upsert(&self, articles: Vec<Article>) -> Result<Vec<Outcome>, EngineError> {
        self.apply(
            articles
                .into_iter()
                .map(|a| Op::Upsert(Box::new(a)))
                .collect(),
            None,
        )
    }

    /// Removes the articles with these ids; unknown ids are ignored. Returns those removed.
    pub fn remove(&self, ids: &[String]) -> Result<Vec<Outcome>, EngineError> {
        self.apply(ids.iter().cloned().map(Op::Remove).collect(), None)
    }

    /// Makes the corpus hold exactly `articles` for the file at `path` (read again after a
    /// change): articles no longer in it are removed, the rest added or replaced. An id
    /// already used by another file's article gets a `~N` suffix, as at loading.
    pub(crate) fn replace_file(
        &self,
        path: &Path,
        articles: Vec<Article>,
    ) -> Result<Vec<Outcome>, EngineError> {
        let file = path.display().to_string();
        let mut ops = Vec::new();
        let mut master = self.master.lock().unwrap_or_else(PoisonError::into_inner);
        let old: Vec<String> = master.files.get(&file).cloned().unwrap_or_default();
        let mut new_ids = Vec::with_capacity(articles.len());
        for mut a in articles {
            let mine = |id: &str| old.iter().any(|o| o == id) || new_ids.iter().any(|n| n == id);
            if master.by_id.contains_key(&a.id) && !mine(&a.id) {
                let base = a.id.clone();
                let mut n = 2;
                while master.by_id.contains_key(&format!("{base}~{n}")) {
                    n += 1;
                }
                a.id = format!("{base}~{n}");
                tracing::warn!(
                    "{file}: id {base} is used by another file; this one is {}",
                    a.id
                );
            }
            new_ids.push(a.id.clone());
            ops.push(Op::Upsert(Box::new(a)));
        }
        for id in &old {
            if !new_ids.contains(id) {
                ops.push(Op::Remove(id.clone()));
            }
        }
        self.apply_locked(&mut master, ops, Some((file, new_ids)))
    }

    /// Removes every article read from `path` or from a file under it (a folder removed).
    pub(crate) fn remove_under(&self, path: &Path) -> Result<Vec<Outcome>, EngineError> {
        let prefix = path.display().to_string();
        let mut master = self.master.lock().unwrap_or_else(PoisonError::into_inner);
        let files: Vec<String> = master
            .files
            .keys()
            .filter(|f| {
                f.as_str() == prefix
                    || f.strip_prefix(&prefix)
                        .is_some_and(|rest| rest.starts_with(std::path::MAIN_SEPARATOR))
            })
            .cloned()
            .collect();
        let mut outcomes = Vec::new();
        for file in files {
            let ids = master.files.get(&file).cloned().unwrap_or_default();
            let ops = ids.into_iter().map(Op::Remove).collect();
            outcomes.extend(self.apply_locked(&mut master, ops, Some((file, Vec::new())))?);
        }
        Ok(outcomes)
    }

    /// Warms the current snapshot (see [`Engine::warm_up`]): what it loads is shared by
    /// every later snapshot.
    pub fn warm_up(&self) {
        self.snapshot().warm_up();
    }

    /// Merges the index into one segment (see [`Engine::compact_index`]) and publishes the
    /// merged view.
    pub fn compact_index(&self) {
        let current = self.snapshot();
        current.compact_index();
        drop(current);
        let master = self.master.lock().unwrap_or_else(PoisonError::into_inner);
        match master.shared.core.snapshot() {
            Ok(view) => self.publish(&master, view),
            Err(err) => tracing::warn!("index view after merging: {err}"),
        }
    }

    fn apply(
        &self,
        ops: Vec<Op>,
        file: Option<(String, Vec<String>)>,
    ) -> Result<Vec<Outcome>, EngineError> {
        let mut master = self.master.lock().unwrap_or_else(PoisonError::into_inner);
        self.apply_locked(&mut master, ops, file)
    }

    fn apply_locked(
        &self,
        master: &mut Master,
        ops: Vec<Op>,
        file: Option<(String, Vec<String>)>,
    ) -> Result<Vec<Outcome>, EngineError> {
        if ops.is_empty() && file.is_none() {
            return Ok(Vec::new());
        }
        let started = Instant::now();
        let core = Arc::clone(&master.shared.core);
        let segmenter = master.shared.segmenter.clone();
        // Decide first (cheap), index after, update the maps only once the commit worked:
        // a failed commit leaves the corpus as it was.
        let mut outcomes = Vec::with_capacity(ops.len());
        let mut removals: Vec<ArticleKey> = Vec::new();
        let mut additions: Vec<(ArticleKey, Arc<Article>, Change)> = Vec::new();
        // Decisions within the batch see the batch's earlier ones.
        let mut batch_ids: HashMap<String, usize> = HashMap::new();
        let mut batch_texts: HashMap<u64, String> = HashMap::new();
        let mut next_key = master.next_key;
        for op in ops {
            match op {
                Op::Remove(id) => {
                    if let Some(&key) = master.by_id.get(&id)
                        && !removals.contains(&key)
                    {
                        removals.push(key);
                        outcomes.push(Outcome {
                            id,
                            change: Change::Removed,
                        });
                    }
                }
                Op::Upsert(article) => {
                    let mut article = *article;
                    let hash = text_hash(&article);
                    let url = article.url.as_deref().and_then(normalize_url);
                    let old = master
                        .by_id
                        .get(&article.id)
                        .copied()
                        .or_else(|| url.as_ref().and_then(|u| master.by_url.get(u).copied()));
                    let target = old
                        .and_then(|k| master.articles.get(k))
                        .map_or_else(|| article.id.clone(), |a| a.id.clone());
                    if let Some(&i) = batch_ids.get(&target) {
                        // The same article twice in one batch: the later one wins.
                        article.id = target.clone();
                        let (_, earlier, change) = &mut additions[i];
                        *earlier = Arc::new(article);
                        outcomes.push(Outcome {
                            id: target,
                            change: change.clone(),
                        });
                        continue;
                    }
                    let change = match old.and_then(|k| master.articles.get(k).map(|a| (k, a))) {
                        Some((_, existing)) if **existing == article => Change::Unchanged,
                        Some((key, existing)) => {
                            article.id = existing.id.clone();
                            removals.push(key);
                            Change::Replaced
                        }
                        None => {
                            let twin = master
                                .by_text
                                .get(&hash)
                                .and_then(|&k| master.articles.get(k))
                                .map(|a| a.id.clone())
                                .or_else(|| batch_texts.get(&hash).cloned());
                            match twin {
                                Some(of) => Change::Duplicate { of },
                                None => Change::Added,
                            }
                        }
                    };
                    if matches!(change, Change::Added | Change::Replaced) {
                        batch_ids.insert(article.id.clone(), additions.len());
                        batch_texts.insert(hash, article.id.clone());
                        additions.push((next_key, Arc::new(article.clone()), change.clone()));
                        next_key += 1;
                    }
                    outcomes.push(Outcome {
                        id: article.id,
                        change,
                    });
                }
            }
        }
        let prepared: Vec<Prepared> = additions
            .par_iter()
            .map(|(_, a, _)| Prepared::new(a, &segmenter))
            .collect();
        for key in &removals {
            core.remove(*key)?;
        }
        for ((key, _, _), prep) in additions.iter().zip(&prepared) {
            core.add(*key, prep)?;
        }
        let view = core.commit()?;
        master.next_key = next_key;
        for key in removals {
            master.take(key);
        }
        for (key, article, _) in &additions {
            master.insert(*key, Entry::new(Arc::clone(article)));
        }
        if let Some((file, ids)) = file {
            if ids.is_empty() {
                master.files.remove(&file);
            } else {
                master.files.insert(file, ids);
            }
        }
        self.publish(master, view);
        tracing::debug!(
            "{} articles indexed, {} removed in {:.1} ms",
            additions.len(),
            outcomes
                .iter()
                .filter(|o| o.change == Change::Removed)
                .count(),
            started.elapsed().as_secs_f64() * 1e3
        );
        Ok(outcomes)
    }

    /// A new snapshot: O(1), it shares the catalog's structures (see `catalog`).
    fn publish(&self, master: &Master, view: crate::index::IndexSnapshot) {
        let engine = Engine::assemble(&master.shared, master.articles.clone(), view);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(engine);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_normalise_spelling_not_pages() {
        let n = |u: &str| normalize_url(u).unwrap();
        assert_eq!(
            n("HTTP://News.Example.com:80/a/b/?utm_source=x#top"),
            "http://news.example.com/a/b"
        );
        assert_eq!(
            n("https://e.com/a?id=1&utm_medium=m"),
            "https://e.com/a?id=1"
        );
        assert_ne!(n("https://e.com/a?id=1"), n("https://e.com/a?id=2"));
        assert_eq!(normalize_url("ftp://e.com/a"), None);
        assert_eq!(normalize_url("not a url"), None);
    }

    #[test]
    fn files_of_origins() {
        assert_eq!(file_of("seeds/a.txt"), Some("seeds/a.txt"));
        assert_eq!(file_of("data/x.jsonl:12"), Some("data/x.jsonl"));
        assert_eq!(file_of("database data/j.db"), None);
    }

    #[test]
    fn text_hash_is_stable_and_ignores_edges() {
        let a = Article::new("a", "标题", vec!["正文".into()]);
        let b = Article::new("b", " 标题 ", vec!["正文 ".into()]);
        assert_eq!(text_hash(&a), text_hash(&b));
        // FNV-1a is fixed: the same value in every run and version.
        assert_eq!(text_hash(&a), text_hash(&a.clone()));
        let c = Article::new("c", "标题", vec!["正".into(), "文".into()]);
        assert_ne!(text_hash(&a), text_hash(&c));
    }
}
