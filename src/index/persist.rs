//! The index kept on disk between runs (the live front ends: `serve`, `chat`), so that a
//! restart indexes only what changed instead of the whole corpus. The folder holds a tantivy
//! index like the in-memory one; each commit records what built it (see
//! [`SearchIndex::open_or_build`]'s `identity`), and each document its article's
//! [`fingerprint`](super::fingerprint). At start the articles of the corpus are matched to
//! the documents by fingerprint: a match keeps its key and its documents, the documents of
//! articles gone or changed are deleted, new articles are added. The folder is a cache:
//! deleting it costs one full indexing at the next start.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tantivy::Index;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, INDEX_WRITER_LOCK, Lock, MmapDirectory,
    TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};

use super::{
    ArticleKey, FINGERPRINT, Fields, IndexError, SearchIndex, add_all, commit_with, loading_writer,
    register_tokenizers,
};
use crate::corpus::Article;
use crate::text::Segmenter;

/// Raise when what the documents hold changes (fields, tokenizers, normalisation) in a way
/// the program's own identity would not show.
const FORMAT: u32 = 1;

/// What a kept index's documents depend on: this program (version and the file it runs
/// from: any rebuild gives other tokens a chance) and the user dictionary. `None` when the
/// program's file cannot be identified: then no kept index is trusted.
pub(crate) fn identity(segmenter: &Segmenter) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "jianbao {} index format {FORMAT}; program {} bytes modified {}.{:09}; dictionary {:016x}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos(),
        segmenter.dictionary_fingerprint()
    ))
}

/// What opening a kept index did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Reuse {
    /// Articles whose documents were already there.
    pub(crate) kept: usize,
    /// Articles indexed now (new, changed, or every one when the index was rebuilt).
    pub(crate) added: usize,
    /// Articles whose documents were deleted (gone from the corpus, or changed).
    pub(crate) removed: usize,
}

/// Files tantivy writes in an index folder: only a folder holding nothing else is ever
/// emptied, so a misconfigured path cannot delete an operator's files.
fn is_index_file(name: &str) -> bool {
    if matches!(name, "meta.json" | ".managed.json") || name.starts_with(".tantivy-") {
        return true;
    }
    // Segment files: 32 hex digits, a dot, the component (`.idx`, `.term`, `.pos`, `.fast`,
    // `.fieldnorm`, `.store`, `.del` with its opstamp: `….123.del`).
    let (id, rest) = name.split_at(name.find('.').unwrap_or(name.len()));
    id.len() == 32
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && rest.len() > 1
        && rest[1..]
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl SearchIndex {
    /// The index kept in the folder `dir` (created if needed), brought up to date with
    /// `articles`: returns it and each article's key, in order. `identity` names what the
    /// documents' tokens depend on (program build, dictionaries); a kept index made under
    /// another identity, with another schema, or unreadable is rebuilt, with a warning
    /// saying why. Fails when the folder cannot be used (another process writes the index,
    /// a file in it that tantivy did not write, no permission): the caller then indexes
    /// in memory.
    pub(crate) fn open_or_build(
        dir: &Path,
        identity: &str,
        articles: &[Article],
        segmenter: &Segmenter,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<(Self, Vec<ArticleKey>, Reuse), IndexError> {
        let (schema, fields) = Fields::schema();
        std::fs::create_dir_all(dir).map_err(|e| folder_error(dir, &e))?;
        let (index, documents) = match open_kept(dir, identity, &schema) {
            Ok(kept) => kept,
            Err(why) => {
                if let Some(why) = why {
                    tracing::warn!("index {}: {why}; indexing everything again", dir.display());
                }
                empty_folder(dir)?;
                let directory = CacheDirectory::open(dir)?;
                let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
                (index, HashMap::new())
            }
        };
        register_tokenizers(&index, segmenter);
        // The writer's lock also keeps a second jianbao off this folder.
        let mut writer = loading_writer(&index)?;
        // Each fingerprint's key (the lowest, should two keys hold the same article: the
        // other is deleted below like any key no article claims).
        let mut by_fingerprint: HashMap<u64, ArticleKey> = HashMap::with_capacity(documents.len());
        for (&key, &fingerprint) in &documents {
            by_fingerprint
                .entry(fingerprint)
                .and_modify(|k| *k = (*k).min(key))
                .or_insert(key);
        }
        let mut reuse = Reuse::default();
        let mut keys = Vec::with_capacity(articles.len());
        let mut fresh: Vec<(ArticleKey, &Article)> = Vec::new();
        let mut next_key = documents.keys().max().map_or(0, |k| k + 1);
        let mut claimed = std::collections::HashSet::with_capacity(documents.len());
        for article in articles {
            match by_fingerprint.get(&super::fingerprint(article)) {
                Some(&key) if claimed.insert(key) => {
                    keys.push(key);
                    reuse.kept += 1;
                }
                _ => {
                    keys.push(next_key);
                    fresh.push((next_key, article));
                    next_key += 1;
                }
            }
        }
        for &key in documents.keys().filter(|k| !claimed.contains(k)) {
            writer.delete_term(tantivy::Term::from_field_u64(fields.article, key));
            reuse.removed += 1;
        }
        reuse.added = fresh.len();
        let total = articles.len();
        add_all(&writer, &fields, &fresh, segmenter, &|done| {
            progress(reuse.kept + done)
        })?;
        progress(total);
        commit_with(&mut writer, Some(identity))?;
        let index = Self::around(index, fields, writer, Some(identity.to_string()))?;
        Ok((index, keys, reuse))
    }
}

/// The kept index in `dir` and its documents (see [`kept_documents`]) if it can be reused;
/// otherwise why not (`None`: there is none).
fn open_kept(
    dir: &Path,
    identity: &str,
    schema: &tantivy::schema::Schema,
) -> Result<(Index, HashMap<ArticleKey, u64>), Option<String>> {
    if !dir.join("meta.json").exists() {
        return Err(None);
    }
    let unreadable = |e: &dyn std::fmt::Display| Some(format!("it cannot be read ({e})"));
    let directory = CacheDirectory::open(dir).map_err(|e| unreadable(&e))?;
    let index = Index::open(directory).map_err(|e| unreadable(&e))?;
    if index.schema() != *schema {
        return Err(Some("it has another schema".into()));
    }
    let metas = index.load_metas().map_err(|e| unreadable(&e))?;
    if metas.payload.as_deref() != Some(identity) {
        return Err(Some(
            "it was made by another build of jianbao or with other dictionaries".into(),
        ));
    }
    // Files are not synced to disk as they are written (see `CacheDirectory`): after a
    // power cut, a segment may be incomplete, which its checksum shows.
    let damaged = index.validate_checksum().map_err(|e| unreadable(&e))?;
    if !damaged.is_empty() {
        return Err(Some(format!("{} of its files are damaged", damaged.len())));
    }
    let documents = kept_documents(&index).map_err(|e| unreadable(&e))?;
    Ok((index, documents))
}

/// Each kept article's key and fingerprint, from the documents still alive.
fn kept_documents(index: &Index) -> Result<HashMap<ArticleKey, u64>, IndexError> {
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut documents = HashMap::new();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let article = ff.u64(super::ARTICLE)?.first_or_default_col(0);
        let fingerprint = ff.u64(FINGERPRINT)?.first_or_default_col(0);
        for doc in segment.doc_ids_alive() {
            documents.insert(article.get_val(doc), fingerprint.get_val(doc));
        }
    }
    Ok(documents)
}

/// Removes the files of an index from `dir`, refusing when the folder holds anything
/// else, or when another process holds the index's writer lock.
fn empty_folder(dir: &Path) -> Result<(), IndexError> {
    let entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| folder_error(dir, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| folder_error(dir, &e))?;
    if let Some(other) = entries.iter().find(|e| {
        !e.file_type().is_ok_and(|t| t.is_file())
            || !is_index_file(&e.file_name().to_string_lossy())
    }) {
        return Err(folder_error(
            dir,
            &format!(
                "it holds {}, which is not part of an index; not emptied",
                other.file_name().to_string_lossy()
            ),
        ));
    }
    let directory = MmapDirectory::open(dir).map_err(|e| folder_error(dir, &e))?;
    let _lock = directory
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|e| folder_error(dir, &format!("in use by another process ({e})")))?;
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".tantivy-") {
            continue;
        }
        std::fs::remove_file(entry.path()).map_err(|e| folder_error(dir, &e))?;
    }
    Ok(())
}

/// tantivy's directory of memory-mapped files without its flushes to disk (`fsync`): a
/// kept index is a cache of the corpus and the database, so it must survive a killed
/// process (which loses nothing the OS was given) but not a power cut. That takes every
/// sync off the live index's commits, one per small batch (a dozen and more each: one per
/// file written, one per update of `.managed.json`). What a power cut damages is found at
/// the next start by the checksums ([`open_kept`]), or `meta.json` is unreadable, and the
/// index is built again. `meta.json` and `.managed.json` are still replaced atomically (a
/// new file renamed over the old one).
#[derive(Clone, Debug)]
struct CacheDirectory {
    inner: MmapDirectory,
    root: std::path::PathBuf,
}

impl CacheDirectory {
    fn open(dir: &Path) -> Result<Self, IndexError> {
        Ok(Self {
            inner: MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?,
            root: dir.to_path_buf(),
        })
    }
}

/// A segment file being written: flushed to the OS when finished, not synced to disk.
struct UnsyncedFile(std::fs::File);

impl std::io::Write for UnsyncedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for UnsyncedFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> std::io::Result<()> {
        std::io::Write::flush(&mut self.0)
    }
}

impl Directory for CacheDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_path_buf())
                }
            })?;
        Ok(std::io::BufWriter::new(Box::new(UnsyncedFile(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        // A whole new file renamed over the old one: a reader sees either. (A name
        // `is_index_file` knows, should a killed process leave it behind.)
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let temporary = self.root.join(format!(".tantivy-new-{name}"));
        std::fs::write(&temporary, data)?;
        std::fs::rename(&temporary, self.root.join(path))
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

fn folder_error(dir: &Path, why: &dyn std::fmt::Display) -> IndexError {
    IndexError::Folder {
        path: dir.to_path_buf(),
        reason: why.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::QueryPlan;

    fn article(id: &str, text: &str) -> Article {
        Article::new(id, format!("{id}号通报"), vec![text.to_string()])
    }

    fn corpus() -> Vec<Article> {
        vec![
            article("a", "黄河流域防汛工作进入关键期，水利部门加强巡查。"),
            article("b", "新能源汽车出口持续增长，港口码头装船繁忙。"),
            article("c", "冬小麦播种基本结束，农技人员下田指导。"),
        ]
    }

    /// Each hit as (article id, paragraph, score to four decimals).
    fn search(
        index: &SearchIndex,
        keys: &[ArticleKey],
        articles: &[Article],
        query: &str,
    ) -> Vec<(String, Option<usize>, i64)> {
        let seg = Segmenter::builtin();
        let view = index.snapshot().unwrap();
        view.search(&QueryPlan::new(&seg, query), 10)
            .into_iter()
            .map(|h| {
                let i = keys.iter().position(|&k| k == h.key).expect("a known key");
                (
                    articles[i].id.clone(),
                    h.paragraph,
                    super::super::score_key(h.score),
                )
            })
            .collect()
    }

    /// Adds `article` under `key` as the live side does, and commits.
    fn add_live(index: &SearchIndex, key: ArticleKey, article: &Article) {
        let prepared = crate::index::Prepared::new(article, &Segmenter::builtin());
        index.add(key, &prepared).unwrap();
        index.commit().unwrap();
    }

    fn open(
        dir: &Path,
        identity: &str,
        articles: &[Article],
    ) -> Result<(SearchIndex, Vec<ArticleKey>, Reuse), IndexError> {
        SearchIndex::open_or_build(dir, identity, articles, &Segmenter::builtin(), &|_| {})
    }

    #[test]
    fn a_restart_keeps_every_unchanged_article_and_searches_alike() {
        let dir = tempfile::tempdir().unwrap();
        let articles = corpus();
        let (first, keys, reuse) = open(dir.path(), "v1", &articles).unwrap();
        assert_eq!((reuse.kept, reuse.added, reuse.removed), (0, 3, 0));
        let before = search(&first, &keys, &articles, "防汛 巡查");
        assert_eq!(before[0].0, "a");
        drop(first);

        let (again, keys2, reuse) = open(dir.path(), "v1", &articles).unwrap();
        assert_eq!((reuse.kept, reuse.added, reuse.removed), (3, 0, 0));
        assert_eq!(keys2, keys);
        assert_eq!(search(&again, &keys2, &articles, "防汛 巡查"), before);
        // The same as an index built in memory from scratch.
        let ram = SearchIndex::build(&articles, &Segmenter::builtin(), &|_| {}).unwrap();
        let ram_keys: Vec<ArticleKey> = (0..3).collect();
        for q in ["防汛 巡查", "汽车出口", "小麦"] {
            assert_eq!(
                search(&again, &keys2, &articles, q),
                search(&ram, &ram_keys, &articles, q),
                "{q}"
            );
        }
    }

    #[test]
    fn changed_removed_and_new_articles_are_brought_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let articles = corpus();
        drop(open(dir.path(), "v1", &articles).unwrap());
        let mut next = articles.clone();
        next.remove(2); // c gone
        next[1] = article("b", "港口集装箱吞吐量创新高。"); // b changed
        next.push(article("d", "高速铁路新线开通运营，沿线群众出行更方便。"));
        let (index, keys, reuse) = open(dir.path(), "v1", &next).unwrap();
        assert_eq!((reuse.kept, reuse.added, reuse.removed), (1, 2, 2));
        assert!(search(&index, &keys, &next, "小麦").is_empty());
        assert!(search(&index, &keys, &next, "汽车出口").is_empty());
        assert_eq!(search(&index, &keys, &next, "集装箱")[0].0, "b");
        assert_eq!(search(&index, &keys, &next, "高速铁路")[0].0, "d");
        assert_eq!(search(&index, &keys, &next, "防汛")[0].0, "a");
        assert_eq!(index.snapshot().unwrap().documents(), 3);
        // Keys stay unique, the new ones above the kept.
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
    }

    #[test]
    fn another_identity_or_a_broken_folder_is_indexed_again() {
        let dir = tempfile::tempdir().unwrap();
        let articles = corpus();
        drop(open(dir.path(), "v1", &articles).unwrap());
        let (index, keys, reuse) = open(dir.path(), "v2", &articles).unwrap();
        assert_eq!((reuse.kept, reuse.added), (0, 3));
        assert_eq!(search(&index, &keys, &articles, "小麦")[0].0, "c");
        drop(index);
        // Live commits record the identity too: the next start keeps everything.
        let (index, _, _) = open(dir.path(), "v2", &articles).unwrap();
        let more = article("e", "城市更新项目启动。");
        add_live(&index, 99, &more);
        drop(index);
        let mut with_more = articles.clone();
        with_more.push(more);
        let (_, _, reuse) = open(dir.path(), "v2", &with_more).unwrap();
        assert_eq!((reuse.kept, reuse.added), (4, 0));

        std::fs::write(dir.path().join("meta.json"), b"{ not json").unwrap();
        let (index, keys, reuse) = open(dir.path(), "v2", &articles).unwrap();
        assert_eq!((reuse.kept, reuse.added), (0, 3));
        assert_eq!(search(&index, &keys, &articles, "汽车出口")[0].0, "b");
    }

    #[test]
    fn an_article_held_under_two_keys_is_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let articles = corpus();
        let (index, _, _) = open(dir.path(), "v1", &articles).unwrap();
        add_live(&index, 99, &articles[0]);
        drop(index);
        let (index, keys, reuse) = open(dir.path(), "v1", &articles).unwrap();
        assert_eq!((reuse.kept, reuse.added, reuse.removed), (3, 0, 1));
        assert!(!keys.contains(&99));
        assert_eq!(index.snapshot().unwrap().documents(), 3);
        assert_eq!(search(&index, &keys, &articles, "防汛").len(), 1);
    }

    #[test]
    fn a_damaged_segment_file_is_found_and_indexed_again() {
        let dir = tempfile::tempdir().unwrap();
        let articles = corpus();
        drop(open(dir.path(), "v1", &articles).unwrap());
        // What a power cut can leave of a file that was never synced: its end lost.
        let segment_file = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .expect("a segment file");
        let bytes = std::fs::read(&segment_file).unwrap();
        std::fs::write(&segment_file, &bytes[..bytes.len() / 2]).unwrap();
        let (index, keys, reuse) = open(dir.path(), "v1", &articles).unwrap();
        assert_eq!((reuse.kept, reuse.added), (0, 3));
        assert_eq!(search(&index, &keys, &articles, "小麦")[0].0, "c");
    }

    #[test]
    fn a_folder_with_other_files_or_in_use_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let articles = corpus();
        std::fs::write(dir.path().join("notes.txt"), "the operator's").unwrap();
        std::fs::write(dir.path().join("meta.json"), b"garbage").unwrap();
        let err = open(dir.path(), "v1", &articles).expect_err("refused");
        assert!(err.to_string().contains("notes.txt"), "{err}");
        assert!(dir.path().join("notes.txt").exists());

        let dir = tempfile::tempdir().unwrap();
        let (held, _, _) = open(dir.path(), "v1", &articles).unwrap();
        let err = open(dir.path(), "v1", &articles).expect_err("in use");
        assert!(matches!(err, IndexError::Tantivy(_)), "{err}");
        drop(held);
        assert!(open(dir.path(), "v1", &articles).is_ok());
    }

    #[test]
    fn only_tantivy_file_names_count_as_index_files() {
        for name in [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.17.del",
        ] {
            assert!(is_index_file(name), "{name}");
        }
        for name in [
            "notes.txt",
            "jianbao.db",
            "0123.idx",
            "0123456789abcdef0123456789abcdef",
            "x.json",
        ] {
            assert!(!is_index_file(name), "{name}");
        }
    }
}
