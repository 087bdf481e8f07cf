//! What the benchmark asks: search queries sampled from titles the way `benches/baseline.py
//! latency` samples them, and questions made from article sentences by blanking out a number
//! or a name. Both are deterministic and written to files, so every corpus size, every run
//! and the Python baseline get the same ones.

use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, bail};
use jianbao::corpus::Article;
use jianbao::text::{Segmenter, clauses, is_word_char, sentences};
use regex::Regex;

/// SplitMix64: a small, fast, well-mixed generator; plenty for picking samples.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; the modulo bias is negligible for these `n`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` queries of 1–4 consecutive title words, the method of `baseline.py`'s
/// `sample_queries`: pick a random article; cut its title with jieba (default dictionary,
/// HMM on; tokens without a letter, digit or Han character dropped); keep words of two or
/// more characters; take `min(randint(1, 4), len)` consecutive ones from a random start;
/// join them with spaces. The generator is SplitMix64 rather than Python's Mersenne Twister,
/// so the sample is not the one `baseline.py --write-queries` would draw.
pub fn sample_queries(articles: &[Article], n: usize, seed: u64) -> Vec<String> {
    let jieba = jieba_rs::Jieba::new();
    let mut rng = Rng(seed);
    let mut queries = Vec::with_capacity(n);
    while queries.len() < n && !articles.is_empty() {
        let title = &articles[rng.below(articles.len())].title;
        let words: Vec<&str> = jieba
            .cut(title, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| w.chars().any(is_word_char) && w.chars().count() >= 2)
            .collect();
        if words.is_empty() {
            continue;
        }
        let k = (1 + rng.below(4)).min(words.len());
        let start = rng.below(words.len() - k + 1);
        queries.push(words[start..start + k].join(" "));
    }
    queries
}

/// A number, with its magnitude character.
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:[.,]\d+)*(?:万|亿)?").expect("valid regex"));
/// What follows a number that is part of a date, a clock time or a range, not a quantity.
const NOT_QUANTITY: &[char] = &[
    '年', '月', '日', '号', '时', '点', ':', '：', '-', '/', '—', '–', '~', '～', '至',
];

/// Questions are made from this many characters of a sentence's start.
const QUESTION_CHARS: std::ops::RangeInclusive<usize> = 8..=30;

/// `n` questions from the sentences of `articles` (the byline left out). Each sentence
/// gives one candidate: its start, as many whole clauses as fit in 30 characters (at least
/// 8), end punctuation dropped and `？` added, in which either the first number that is a
/// quantity (not a date, time, range or model name: `171公里` → `多少公里`, `30%` →
/// `百分之多少`) is replaced with 多少, or the first name jieba tags as a place (→ 哪里),
/// a person (→ 谁) or an organisation or other proper name (→ 什么). Candidates alternate
/// which rule is tried first; sentences neither rule fits are passed over. The `n` questions
/// are taken evenly spaced from all candidates, in article order. (The length is about that
/// of the CMRC 2018 questions: median 15 characters, 99th percentile 34.)
pub fn make_questions(articles: &[Article], segmenter: &Segmenter, n: usize) -> Vec<String> {
    let mut candidates = Vec::new();
    for a in articles {
        for (i, p) in a.paragraphs.iter().enumerate() {
            let body = if i == 0 {
                p.get(a.byline_len..).unwrap_or(p)
            } else {
                p
            };
            for range in sentences(body) {
                let Some(start) = sentence_start(&body[range]) else {
                    continue;
                };
                let number_first = candidates.len() % 2 == 0;
                let question = if number_first {
                    ask_number(start).or_else(|| ask_name(start, segmenter))
                } else {
                    ask_name(start, segmenter).or_else(|| ask_number(start))
                };
                candidates.extend(question);
            }
        }
    }
    if candidates.is_empty() {
        return candidates;
    }
    (0..n)
        .map(|k| candidates[k * candidates.len() / n % candidates.len()].clone())
        .collect()
}

/// The whole clauses at the start of `sentence` that fit in [`QUESTION_CHARS`], without
/// end punctuation; `None` if even the first clause is too long or the start too short.
fn sentence_start(sentence: &str) -> Option<&str> {
    let max = *QUESTION_CHARS.end();
    let end = clauses(sentence)
        .into_iter()
        .take_while(|c| sentence[..c.end].chars().count() <= max)
        .last()?
        .end;
    let start = sentence[..end].trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '。' | '！' | '？' | '!' | '?' | '…' | '；' | ';' | '，' | ',' | '：' | ':' | '、'
            )
    });
    QUESTION_CHARS
        .contains(&start.chars().count())
        .then_some(start)
}

fn ask_number(sentence: &str) -> Option<String> {
    // Not a date, a time or a range, and not part of a name such as `C919`.
    let m = NUMBER.find_iter(sentence).find(|m| {
        let before = sentence[..m.start()].chars().next_back();
        let after = sentence[m.end()..].chars().next();
        before.is_none_or(|c| !c.is_ascii_alphanumeric())
            && after.is_none_or(|c| !NOT_QUANTITY.contains(&c) && !c.is_ascii_alphabetic())
    })?;
    let (before, after) = (&sentence[..m.start()], &sentence[m.end()..]);
    Some(match after.strip_prefix(['%', '％']) {
        Some(rest) => format!("{before}百分之多少{rest}？"),
        None => format!("{before}多少{after}？"),
    })
}

fn ask_name(sentence: &str, segmenter: &Segmenter) -> Option<String> {
    for tag in segmenter.tag(sentence) {
        if tag.word.chars().count() < 2 {
            continue;
        }
        let wh = match tag.tag {
            "ns" => "哪里",
            "nr" => "谁",
            "nt" | "nz" => "什么",
            _ => continue,
        };
        let (before, after) = (&sentence[..tag.byte_start], &sentence[tag.byte_end..]);
        return Some(format!("{before}{wh}{after}？"));
    }
    None
}

/// Writes one item per line.
pub fn write_lines(path: &Path, lines: &[String]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The non-empty lines of a file, trimmed.
pub fn read_lines(path: &Path) -> anyhow::Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if lines.is_empty() {
        bail!("{} has no lines", path.display());
    }
    Ok(lines)
}
