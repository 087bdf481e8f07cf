//! Reading the article files: find them, decode them, parse each format, strip page
//! furniture, extract metadata. Produces plain [`Article`] values and a list of what was
//! skipped and why. Knows nothing of the index or of Telegram.

mod byline;
mod dates;
mod decode;
mod jsonl;
mod markdown;
mod page;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

pub use byline::Byline;
pub use dates::parse_date;
pub use decode::{DecodeError, decode};

/// One news article, cleaned: the text a reader would keep, and its metadata.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Article {
    /// Stable id: the record's own id, else derived from the file name.
    #[serde(rename = "article_id")]
    pub id: String,
    pub title: String,
    /// Lines under the title (sub-headings, "X 强调", "Y 出席").
    pub deck: Vec<String>,
    pub date: Option<NaiveDate>,
    /// Where the date came from, so `check` can flag guesses.
    pub date_origin: DateOrigin,
    /// The publication that wrote it (from the byline), e.g. 忻州日报, 新华社.
    pub outlet: Option<String>,
    pub reporter: Option<String>,
    /// The `来源` (source) line or record field, e.g. 忻州日报新媒体中心.
    pub source: Option<String>,
    pub url: Option<String>,
    pub tags: Vec<String>,
    /// Body paragraphs in order; the byline stays in the first one, as printed.
    pub paragraphs: Vec<String>,
    /// The byline at the start of the first paragraph (byte length), for summaries
    /// that want the sentence without it.
    #[serde(skip)]
    pub byline_len: usize,
    /// The file it came from (and the line, for JSON Lines).
    pub origin: String,
    /// Doubts about this article that did not stop it loading.
    pub warnings: Vec<String>,
}

impl Article {
    /// Gives back the spare capacity of every string and list (about 15% of the text
    /// after parsing).
    pub fn shrink_to_fit(&mut self) {
        let strings = [&mut self.id, &mut self.title, &mut self.origin]
            .into_iter()
            .chain(self.paragraphs.iter_mut())
            .chain(self.deck.iter_mut())
            .chain(self.tags.iter_mut())
            .chain(self.warnings.iter_mut())
            .chain(
                [
                    &mut self.outlet,
                    &mut self.reporter,
                    &mut self.source,
                    &mut self.url,
                ]
                .into_iter()
                .flatten(),
            );
        for s in strings {
            s.shrink_to_fit();
        }
        self.paragraphs.shrink_to_fit();
        self.deck.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.warnings.shrink_to_fit();
    }

    /// An article with a title and body and no metadata yet.
    pub fn new(id: impl Into<String>, title: impl Into<String>, paragraphs: Vec<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            deck: Vec::new(),
            date: None,
            date_origin: DateOrigin::Unknown,
            outlet: None,
            reporter: None,
            source: None,
            url: None,
            tags: Vec::new(),
            paragraphs,
            byline_len: 0,
            origin: String::new(),
            warnings: Vec::new(),
        }
    }

    /// The outlet to show: the byline's publication, else the source line.
    pub fn outlet_or_source(&self) -> Option<&str> {
        self.outlet.as_deref().or(self.source.as_deref())
    }
}

/// How an article's date was found, most trustworthy first.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum DateOrigin {
    /// Given in the record or front matter, or printed in full in the byline.
    Stated,
    /// The byline's month and day, with the year taken from elsewhere on the page.
    BylineWithPageYear,
    /// A publication timestamp on the page.
    Page,
    /// The file's modification time: a last resort.
    FileTime,
    #[default]
    Unknown,
}

/// A file or record that could not be loaded.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    /// 1-based line number for a record in a JSON Lines file.
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

/// Everything loaded from a corpus folder.
#[derive(Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
    pub skipped: Vec<Skipped>,
    /// Files that could not be read at all (a subset of the reasons in `skipped`).
    pub unreadable_files: usize,
    /// Bytes of text read.
    pub bytes: u64,
}

/// Limits and choices for loading.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this are skipped with a warning.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

/// The article formats this reader knows, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Page,
    Markdown,
    JsonLines,
}

/// File names (without extension, any case) of documentation that sits beside articles in a
/// data folder: read by people, not articles.
const NOT_ARTICLES: &[&str] = &[
    "readme",
    "license",
    "licence",
    "source",
    "changelog",
    "notice",
    "copying",
    "authors",
];

fn format_of(path: &Path) -> Option<Format> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if NOT_ARTICLES.iter().any(|n| stem.eq_ignore_ascii_case(n)) {
        return None;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("txt" | "text") | None => Some(Format::Page),
        Some("md" | "markdown") => Some(Format::Markdown),
        Some("jsonl" | "ndjson") => Some(Format::JsonLines),
        _ => None,
    }
}

/// What one file produced.
struct FileResult {
    articles: Vec<Article>,
    skipped: Vec<Skipped>,
    unreadable: bool,
    bytes: u64,
}

/// Loads every article under `dir` (recursively; hidden files and folders are ignored).
/// Never fails on a bad file: it is recorded in [`Corpus::skipped`] and logged.
/// Fails only if `dir` itself cannot be read.
pub fn load_dir(dir: &Path, options: &LoadOptions) -> std::io::Result<Corpus> {
    let meta = std::fs::metadata(dir)?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    if meta.is_file() {
        files.push(dir.to_path_buf());
    } else {
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().unwrap_or(dir).to_path_buf();
                    skipped.push(Skipped {
                        path,
                        line: None,
                        reason: format!("cannot read: {err}"),
                    });
                }
            }
        }
    }
    let mut unreadable = skipped.len();
    let results: Vec<FileResult> = files
        .par_iter()
        .filter_map(|path| {
            let format = format_of(path);
            if format.is_none() {
                tracing::debug!("{}: not an article format; ignored", path.display());
            }
            format.map(|f| load_file(path, f, options))
        })
        .collect();
    let mut corpus = Corpus::default();
    for r in results {
        corpus.articles.extend(r.articles);
        skipped.extend(r.skipped);
        unreadable += usize::from(r.unreadable);
        corpus.bytes += r.bytes;
    }
    dedupe_ids(&mut corpus.articles);
    // Parsing grows strings by doubling; the articles stay for the process's lifetime.
    corpus
        .articles
        .par_iter_mut()
        .for_each(Article::shrink_to_fit);
    for s in &skipped {
        tracing::warn!("skipped {s}");
    }
    corpus.skipped = skipped;
    corpus.unreadable_files = unreadable;
    Ok(corpus)
}

/// Reads one file of a known format.
fn load_file(path: &Path, format: Format, options: &LoadOptions) -> FileResult {
    let fail = |reason: String| FileResult {
        articles: Vec::new(),
        skipped: vec![Skipped {
            path: path.to_path_buf(),
            line: None,
            reason,
        }],
        unreadable: true,
        bytes: 0,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(err) => return fail(format!("cannot read: {err}")),
    };
    if meta.len() > options.max_file_bytes {
        return fail(format!(
            "file is {} MB, over the {} MB limit (max_file_mb)",
            meta.len() / (1024 * 1024),
            options.max_file_bytes / (1024 * 1024)
        ));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(err) => return fail(format!("cannot read: {err}")),
    };
    let text = match decode(&bytes) {
        Ok(t) => t,
        Err(err) => return fail(err.to_string()),
    };
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .and_then(|d| chrono::DateTime::from_timestamp(d.as_secs() as i64, 0))
        .map(|d| d.date_naive());
    let file_id = id_from_path(path);
    let origin = path.display().to_string();
    let mut result = FileResult {
        articles: Vec::new(),
        skipped: Vec::new(),
        unreadable: false,
        bytes: bytes.len() as u64,
    };
    match format {
        Format::Page | Format::Markdown => {
            let parsed = if format == Format::Page {
                page::parse(&text, mtime)
            } else {
                markdown::parse(&text, mtime)
            };
            match parsed {
                Some(mut article) => {
                    if article.id.is_empty() {
                        article.id = file_id;
                    }
                    article.origin = origin;
                    result.articles.push(article);
                }
                None => {
                    result.unreadable = true;
                    result.skipped.push(Skipped {
                        path: path.to_path_buf(),
                        line: None,
                        reason: "no article text found (empty file?)".into(),
                    });
                }
            }
        }
        Format::JsonLines => {
            let parsed = jsonl::parse(&text, &file_id);
            if parsed.articles.is_empty()
                && parsed.empty_bodies == 0
                && !parsed.bad_lines.is_empty()
            {
                // Not one line is an article: the file is something else (an index, a
                // summary table); one warning for the file, not one per line.
                let (line, reason) = &parsed.bad_lines[0];
                return fail(format!(
                    "no line is an article record ({} lines; line {line}: {reason})",
                    parsed.bad_lines.len()
                ));
            }
            for mut article in parsed.articles {
                article.origin = format!("{origin}:{}", article.origin);
                result.articles.push(article);
            }
            for (line, reason) in parsed.bad_lines {
                result.skipped.push(Skipped {
                    path: path.to_path_buf(),
                    line: Some(line),
                    reason,
                });
            }
            if parsed.empty_bodies > 0 {
                tracing::info!(
                    "{}: {} records have no body text (video-only items?); left out",
                    path.display(),
                    parsed.empty_bodies
                );
            }
        }
    }
    result
}

/// An id from a file name: its stem, with white space replaced.
fn id_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "article".to_string());
    stem.split_whitespace().collect::<Vec<_>>().join("_")
}

/// Gives a repeated id a `~2`, `~3`, ... suffix (with a warning), so no article is lost and
/// every id names exactly one article.
fn dedupe_ids(articles: &mut [Article]) {
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(articles.len());
    for article in articles.iter_mut() {
        let count = seen.entry(article.id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let new_id = format!("{}~{}", article.id, count);
            tracing::warn!(
                "{}: id {} is used more than once; this one is now {}",
                article.origin,
                article.id,
                new_id
            );
            article
                .warnings
                .push(format!("duplicate id {}; renamed {new_id}", article.id));
            article.id = new_id;
        }
    }
}

/// Splits text into paragraphs: one per non-blank line, trimmed (including full-width and
/// no-break spaces), with runs of inner white space kept as written.
pub(crate) fn clean_line(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a/b.txt")), Some(Format::Page));
        assert_eq!(format_of(Path::new("a/b")), Some(Format::Page));
        assert_eq!(format_of(Path::new("a/b.MD")), Some(Format::Markdown));
        assert_eq!(format_of(Path::new("a/b.jsonl")), Some(Format::JsonLines));
        assert_eq!(format_of(Path::new("a/b.png")), None);
        assert_eq!(format_of(Path::new("data/README.md")), None);
        assert_eq!(format_of(Path::new("data/LICENSE.txt")), None);
        assert_eq!(format_of(Path::new("data/SOURCE.md")), None);
    }

    #[test]
    fn duplicate_ids_are_renamed_not_dropped() {
        let mk = |id: &str| Article::new(id, "t", vec!["p".into()]);
        let mut arts = vec![mk("a"), mk("b"), mk("a"), mk("a")];
        dedupe_ids(&mut arts);
        let ids: Vec<&str> = arts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "a~2", "a~3"]);
    }
}
