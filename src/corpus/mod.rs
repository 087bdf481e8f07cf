//! Reading the article files: find them, decode them, parse each format, strip page
//! furniture, extract metadata. Produces plain [`Article`] values and a list of what was
//! skipped and why. Knows nothing of the index or of Telegram.

mod byline;
mod dates;
mod decode;
mod genre;
mod html;
mod jsonl;
mod markdown;
mod page;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

pub(crate) use dates::parse_date;
pub(crate) use decode::{DecodeError, decode_declared};
pub use html::{HtmlError, MAX_HTML_BYTES, fragment_paragraphs, read_html_bytes};

/// Longest title accepted, in characters. News titles are under about 110 characters in
/// every data set at hand; a "title" far over that is a file that is not an article (a
/// one-line dump), which would otherwise flood every list it appears in.
pub(crate) const MAX_TITLE_CHARS: usize = 300;
/// Longest paragraph accepted, in characters (the longest in the data sets is about 2,000):
/// one huge paragraph costs every search and summary that touches the article.
pub const MAX_PARAGRAPH_CHARS: usize = 50_000;
/// Largest file that holds one article (a page or Markdown file), read no further: the
/// longest news article is far under this, and a 50 MB "page" (a one-line dump) would cost
/// its size several times over before being refused. JSON Lines files hold many articles
/// and are bounded by `max_file_mb` only.
pub(crate) const MAX_ARTICLE_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// An article without a title is shown by the start of its text, this many characters.
pub(crate) const TITLE_FROM_TEXT_CHARS: usize = 30;
/// Longest id kept, in characters; a longer one is cut (and a repeat then renamed).
pub const MAX_ID_CHARS: usize = 100;
/// Most bad lines of one file listed one by one; the rest are counted in one more entry.
pub const MAX_LINES_LISTED: usize = 20;
/// Longest warning or skip reason, in characters: a quoted value in one is cut.
const MAX_REASON_CHARS: usize = 300;
/// What an article may hold in memory per byte of its file, plus a constant: reading must
/// never expand a small file into a large one.
const MAX_EXPANSION: usize = 4;
const EXPANSION_SLACK: usize = 64 * 1024;

/// `text` with control characters written as escapes (`\n`, `\u{1b}`), for anything
/// printed or logged on one line: a file name with a line break must not forge a log line.
pub(crate) fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape_controls`] for a path (non-UTF-8 bytes shown as U+FFFD).
pub(crate) fn display_path(path: &Path) -> String {
    escape_controls(&path.to_string_lossy()).into_owned()
}

/// `text` cut to `max` characters with `…`, without counting past the cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A stable 64-bit hash of an article's text (title and paragraphs), the same in every run
/// (FNV-1a): for "identical text", the store's content hashes and the index's fingerprints.
pub fn text_hash(article: &Article) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(article.title.trim().as_bytes());
    for p in &article.paragraphs {
        h.write_u8(0);
        h.write(p.trim().as_bytes());
    }
    h.finish()
}

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
    pub(crate) fn shrink_to_fit(&mut self) {
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

    /// The first paragraph without the byline that opens it (`新华社北京6月20日电`).
    pub(crate) fn first_paragraph_without_byline(&self) -> &str {
        self.paragraphs
            .first()
            .map_or("", |p| p.get(self.byline_len..).unwrap_or(p).trim_start())
    }

    /// The body paragraphs, the first without its byline.
    pub(crate) fn paragraphs_without_byline(&self) -> impl Iterator<Item = &str> {
        self.paragraphs.iter().enumerate().map(|(i, p)| {
            if i == 0 {
                self.first_paragraph_without_byline()
            } else {
                p.as_str()
            }
        })
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
    /// Serialised lossily: a file name need not be UTF-8, and JSON output must not fail.
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    /// 1-based line number for a record in a JSON Lines file.
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}:{}: {}",
                display_path(&self.path),
                line,
                escape_controls(&self.reason)
            ),
            None => write!(
                f,
                "{}: {}",
                display_path(&self.path),
                escape_controls(&self.reason)
            ),
        }
    }
}

fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
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
    Html,
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
        Some(e) if html::EXTENSIONS.contains(&e) => Some(Format::Html),
        Some("md" | "markdown") => Some(Format::Markdown),
        Some("jsonl" | "ndjson") => Some(Format::JsonLines),
        _ => None,
    }
}

/// What one file produced.
#[derive(Default)]
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
                tracing::debug!("{}: not an article format; ignored", display_path(path));
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
    for s in &mut skipped {
        if s.reason.chars().take(MAX_REASON_CHARS + 1).count() > MAX_REASON_CHARS {
            s.reason = cut(&s.reason, MAX_REASON_CHARS);
        }
        tracing::warn!("skipped {s}");
    }
    corpus.skipped = skipped;
    corpus.unreadable_files = unreadable;
    Ok(corpus)
}

/// Reads one file of a known format.
fn load_file(path: &Path, format: Format, options: &LoadOptions) -> FileResult {
    let (bytes, mtime) = match read_within_limits(path, format, options) {
        Ok(read) => read,
        Err(failed) => return failed,
    };
    if format == Format::Html {
        // The HTML reader decodes by the page's own charset declaration.
        return load_html(path, &bytes);
    }
    let (text, decode_warning) = match decode::decode_noting(&bytes) {
        Ok(t) => t,
        Err(err) => return FileResult::failed(path, err.to_string()),
    };
    let mut reading = FileReading {
        path,
        size: bytes.len(),
        decode_warning,
        result: FileResult {
            bytes: bytes.len() as u64,
            ..FileResult::default()
        },
    };
    drop(bytes);
    let file_id = id_from_path(path);
    match format {
        Format::Page | Format::Markdown | Format::Html => {
            let parsed = if format == Format::Markdown {
                markdown::parse(&text, mtime)
            } else {
                page::parse(&text, mtime)
            };
            match parsed {
                Some(mut article) => {
                    if article.id.is_empty() {
                        article.id = file_id;
                    }
                    article.origin = path.to_string_lossy().into_owned();
                    reading.accept(article, None);
                }
                None => {
                    reading.result.unreadable = true;
                    reading.skip(None, "no article text found (empty file?)".into());
                }
            }
            reading.result
        }
        Format::JsonLines => reading.records(jsonl::parse(&text, &file_id)),
    }
}

impl FileResult {
    /// A file that could not be read at all, with the reason.
    fn failed(path: &Path, reason: String) -> Self {
        FileResult {
            skipped: vec![Skipped {
                path: path.to_path_buf(),
                line: None,
                reason,
            }],
            unreadable: true,
            ..FileResult::default()
        }
    }
}

/// The file's bytes and modification day, unless it is over a size limit or unreadable.
fn read_within_limits(
    path: &Path,
    format: Format,
    options: &LoadOptions,
) -> Result<(Vec<u8>, Option<NaiveDate>), FileResult> {
    let meta = std::fs::metadata(path)
        .map_err(|e| FileResult::failed(path, format!("cannot read: {e}")))?;
    if meta.len() > options.max_file_bytes {
        return Err(FileResult::failed(
            path,
            format!(
                "file is {} MB, over the {} MB limit (max_file_mb)",
                meta.len() / (1024 * 1024),
                options.max_file_bytes / (1024 * 1024)
            ),
        ));
    }
    if format != Format::JsonLines && meta.len() > MAX_ARTICLE_FILE_BYTES {
        return Err(FileResult {
            unreadable: false,
            ..FileResult::failed(
                path,
                format!(
                    "file is {:.1} MB; a file of one article is at most {} MB: not an article",
                    meta.len() as f64 / (1024.0 * 1024.0),
                    MAX_ARTICLE_FILE_BYTES / (1024 * 1024)
                ),
            )
        });
    }
    let bytes =
        std::fs::read(path).map_err(|e| FileResult::failed(path, format!("cannot read: {e}")))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .and_then(|d| chrono::DateTime::from_timestamp(d.as_secs() as i64, 0))
        .map(|d| d.date_naive());
    Ok((bytes, mtime))
}

/// One text file's articles as they are vetted: accepted ones with the decoding's warning,
/// refused ones as skipped entries naming the file (and line).
struct FileReading<'a> {
    path: &'a Path,
    size: usize,
    decode_warning: Option<String>,
    result: FileResult,
}

impl FileReading<'_> {
    fn accept(&mut self, mut article: Article, line: Option<usize>) {
        match vet(&mut article, self.size) {
            Ok(()) => {
                if let Some(w) = &self.decode_warning {
                    article.warnings.insert(0, w.clone());
                }
                self.result.articles.push(article);
            }
            Err(mut reason) => {
                // What went wrong before may be the real cause (a refused front matter
                // leaves a body-less article).
                if !article.warnings.is_empty() {
                    reason = format!("{reason} (also: {})", article.warnings.join("; "));
                }
                self.skip(line, reason);
            }
        }
    }

    fn skip(&mut self, line: Option<usize>, reason: String) {
        self.result.skipped.push(Skipped {
            path: self.path.to_path_buf(),
            line,
            reason,
        });
    }

    /// The records of a JSON Lines file; bad lines listed up to [`MAX_LINES_LISTED`].
    fn records(mut self, parsed: jsonl::Parsed) -> FileResult {
        if parsed.articles.is_empty() && parsed.empty_bodies == 0 && !parsed.bad_lines.is_empty() {
            // Not one line is an article: the file is something else (an index, a
            // summary table); one warning for the file, not one per line.
            let (line, reason) = &parsed.bad_lines[0];
            return FileResult::failed(
                self.path,
                format!(
                    "no line is an article record ({} lines; line {line}: {reason})",
                    parsed.bad_count
                ),
            );
        }
        let origin = self.path.to_string_lossy().into_owned();
        for mut article in parsed.articles {
            let line = article.origin.parse().ok();
            article.origin = format!("{origin}:{}", article.origin);
            self.accept(article, line);
        }
        let bad = parsed.bad_count;
        for (line, reason) in parsed.bad_lines.into_iter().take(MAX_LINES_LISTED) {
            self.skip(Some(line), reason);
        }
        if bad > MAX_LINES_LISTED {
            // One entry for the rest: 200,000 bad lines must not print 200,000 warnings.
            self.skip(
                None,
                format!(
                    "{} more bad lines not listed ({bad} in all)",
                    bad - MAX_LINES_LISTED
                ),
            );
        }
        if parsed.empty_bodies > 0 {
            tracing::info!(
                "{}: {} records have no body text (video-only items?); left out",
                display_path(self.path),
                parsed.empty_bodies
            );
        }
        self.result
    }
}

/// Reads one HTML page. A page without an article (a home, list or error page) is skipped
/// with the reason, but is not an unreadable file.
fn load_html(path: &Path, bytes: &[u8]) -> FileResult {
    let mut result = FileResult {
        articles: Vec::new(),
        skipped: Vec::new(),
        unreadable: false,
        bytes: bytes.len() as u64,
    };
    match read_html_bytes(bytes, None, None, &id_from_path(path)) {
        Ok(mut article) => {
            article.origin = path.to_string_lossy().into_owned();
            match vet(&mut article, bytes.len()) {
                Ok(()) => {
                    for w in &article.warnings {
                        tracing::info!("{}: {w}", path.display());
                    }
                    result.articles.push(article);
                }
                Err(reason) => result.skipped.push(Skipped {
                    path: path.to_path_buf(),
                    line: None,
                    reason,
                }),
            }
        }
        Err(err) => {
            result.unreadable = matches!(err, HtmlError::Decode(_));
            result.skipped.push(Skipped {
                path: path.to_path_buf(),
                line: None,
                reason: err.to_string(),
            });
        }
    }
    result
}

/// Checks a parsed article against the load limits: refuses what is not an article (no
/// body, an absurd title or paragraph, a file that expanded far past its size), cuts an
/// over-long id and over-long warnings. `Err` is the reason it is skipped.
fn vet(article: &mut Article, file_bytes: usize) -> Result<(), String> {
    let chars = |s: &str, max: usize| {
        // Counting stops past the limit, so a 50 MB line costs nothing more here.
        s.chars().take(max + 1).count()
    };
    if article.paragraphs.is_empty() {
        return Err("no body text, only a title line: not an article".into());
    }
    if chars(&article.title, MAX_TITLE_CHARS) > MAX_TITLE_CHARS {
        return Err(format!(
            "the title is {} characters long (over {MAX_TITLE_CHARS}): not an article",
            article.title.chars().count()
        ));
    }
    if let Some((i, p)) = article
        .paragraphs
        .iter()
        .enumerate()
        .find(|(_, p)| chars(p, MAX_PARAGRAPH_CHARS) > MAX_PARAGRAPH_CHARS)
    {
        return Err(format!(
            "paragraph {} is {} characters long (over {MAX_PARAGRAPH_CHARS}): not an article",
            i + 1,
            p.chars().count()
        ));
    }
    let held: usize = [&article.title, &article.id]
        .into_iter()
        .chain(&article.paragraphs)
        .chain(&article.deck)
        .chain(&article.tags)
        .map(String::len)
        .sum();
    if held > MAX_EXPANSION * file_bytes + EXPANSION_SLACK {
        return Err(format!(
            "reading it would hold {held} bytes for a {file_bytes}-byte file"
        ));
    }
    if chars(&article.id, MAX_ID_CHARS) > MAX_ID_CHARS {
        let long = article.id.chars().count();
        article.id = article.id.chars().take(MAX_ID_CHARS).collect();
        article.warnings.push(format!(
            "the id is {long} characters long; cut to {MAX_ID_CHARS}"
        ));
    }
    for w in &mut article.warnings {
        if chars(w, MAX_REASON_CHARS) > MAX_REASON_CHARS {
            *w = cut(w, MAX_REASON_CHARS);
        }
    }
    Ok(())
}

/// An id from a file name: its stem, with white space and control characters replaced.
fn id_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "article".to_string());
    stem.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
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
                escape_controls(&article.origin),
                escape_controls(&article.id),
                escape_controls(&new_id)
            );
            article
                .warnings
                .push(format!("duplicate id {}; renamed {new_id}", article.id));
            article.id = new_id;
        }
    }
}

/// One line as paragraph text: trimmed of white space (full-width and no-break spaces too)
/// and byte-order marks, inner white space kept as written; empty for a blank line.
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
        assert_eq!(format_of(Path::new("a/b.html")), Some(Format::Html));
        assert_eq!(format_of(Path::new("a/b.SHTML")), Some(Format::Html));
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
