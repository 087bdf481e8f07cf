//! The benchmark corpora: the 新闻联播 stories that have body text, as raw JSON Lines records,
//! and the sized corpora made from them: an evenly spaced sample (each smaller sample is
//! part of every larger one), the whole set, or the whole set repeated under new ids. Each
//! is written as one `.jsonl` file in its own folder, so jianbao and the Python baseline
//! read exactly the same records.

use std::fmt;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::Value;

/// The files of the 新闻联播 corpus in the data folder (the rundown table beside them,
/// `xwlb_daily_abstracts.jsonl`, holds no articles).
const STORY_FILES: &str = "xwlb_stories_";

/// A corpus size asked for on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// This many stories: a sample when fewer than all, repeats when more.
    Count(usize),
    /// Every story once.
    Full,
}

impl Size {
    /// `1000,10000,full,100000` → sizes, in the order given.
    pub fn parse_list(list: &str) -> anyhow::Result<Vec<Size>> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "full" | "all" => Ok(Size::Full),
                n => match n.replace('_', "").parse::<usize>() {
                    Ok(0) | Err(_) => bail!("corpus size {n:?} is not a positive number or `full`"),
                    Ok(n) => Ok(Size::Count(n)),
                },
            })
            .collect()
    }

    /// Short name for tables and folders: `1k`, `10k`, `full`, `100k`, `2500`.
    pub fn label(self) -> String {
        match self {
            Size::Full => "full".into(),
            Size::Count(n) if n % 1000 == 0 => format!("{}k", n / 1000),
            Size::Count(n) => n.to_string(),
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Every story record with body text, in file order (files sorted by name).
pub fn read_stories(xinwenlianbo: &Path) -> anyhow::Result<Vec<Value>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(xinwenlianbo)
        .with_context(|| format!("cannot read {}", xinwenlianbo.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(STORY_FILES) && name.ends_with(".jsonl")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!(
            "no {STORY_FILES}*.jsonl files in {} (see ../shared/data/README.md, or pass --data)",
            xinwenlianbo.display()
        );
    }
    let mut stories = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let record: Value = serde_json::from_str(line)
                .with_context(|| format!("bad JSON line in {}", file.display()))?;
            if has_body(&record) {
                stories.push(record);
            }
        }
    }
    Ok(stories)
}

/// Whether jianbao (and the baseline) would keep the record: non-blank `paragraphs`, or
/// else a non-blank `body`. Video-only items have neither.
fn has_body(record: &Value) -> bool {
    let blank = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    match record.get("paragraphs").and_then(Value::as_array) {
        Some(ps) if ps.iter().any(|p| !blank(p)) => true,
        _ => record.get("body").is_some_and(|b| !blank(b)),
    }
}

/// Indices of the stories in a corpus of `size`: `floor(k · total / n)` for a sample (so the
/// 1k sample lies inside the 10k one), every index for the whole set, and the whole set
/// over and over for more than there are.
pub fn indices(total: usize, size: Size) -> Vec<usize> {
    match size {
        Size::Full => (0..total).collect(),
        Size::Count(n) if n <= total => (0..n).map(|k| k * total / n).collect(),
        Size::Count(n) => (0..n).map(|j| j % total).collect(),
    }
}

/// Writes the corpus of `size` as `<root>/<label>/stories.jsonl` and returns its folder.
/// Repeated stories get the id `<id>~r<copy>` (copy 1, 2, …); the first copy keeps its id.
pub fn write(root: &Path, stories: &[Value], size: Size) -> anyhow::Result<PathBuf> {
    let dir = root.join(size.label());
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("stories.jsonl");
    let mut out = BufWriter::new(std::fs::File::create(&path)?);
    for (j, i) in indices(stories.len(), size).into_iter().enumerate() {
        let copy = j / stories.len();
        if copy == 0 {
            serde_json::to_writer(&mut out, &stories[i])?;
        } else {
            let mut record = stories[i].clone();
            let id = record["id"].as_str().unwrap_or("story").to_string();
            record["id"] = Value::String(format!("{id}~r{copy}"));
            serde_json::to_writer(&mut out, &record)?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(dir)
}
