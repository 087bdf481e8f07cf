//! Regression tests for issue 10 (hostile files, batch input, reply bounds, warnings and
//! logs), each named after the failure it pins; the hostile-corpus load target in its fast
//! form (docs/RELIABILITY.md has the long runs).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use jianbao::chat::Reply;
use jianbao::corpus::{self, LoadOptions};
use jianbao::render::telegram::html::{TELEGRAM_LIMIT, utf16_len};
use jianbao::render::telegram::{self as telegram_reply};
use jianbao::render::words::Lang;
use serde_json::Value;

use crate::common::*;

/// The 620-byte "billion laughs": nine levels of nine aliases, 9^9 strings when expanded.
fn billion_laughs() -> String {
    let mut s = String::from(
        "---\ntitle: 笑\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let (prev, name) = (w[0], w[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        s.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    s.push_str("---\n\n# 笑话\n\n正文第一段，说明这篇文章的内容。\n");
    s
}

/// A good article in the saved-page format, distinct per `i`.
fn good_page(i: usize) -> String {
    format!(
        "第{i}号水库今年汛期安全度汛\n\n忻州日报(记者 张{i})6月{}日,市水利局召开第{i}次防汛会议,要求各县加强值守。\n会议指出,第{i}号水库蓄水{}万立方米,下游村庄{}个,必须落实责任。\n一要加强巡查。二要排查隐患。三要备足物资。\n",
        i % 28 + 1,
        i * 3 + 7,
        i % 40 + 2
    )
}

/// Runs the binary with raw stdin bytes and an address-space limit in kilobytes (so a
/// file that expands without bound fails the test instead of the machine).
fn run_limited(args: &[&str], stdin: &[u8], limit_kb: Option<u64>) -> Output {
    let exe = env!("CARGO_BIN_EXE_jianbao");
    let mut cmd = match limit_kb {
        Some(kb) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("ulimit -v {kb}; exec \"$0\" \"$@\""))
                .arg(exe)
                .args(args);
            c
        }
        None => {
            let mut c = Command::new(exe);
            c.args(args);
            c
        }
    };
    cmd.current_dir(root());
    for (k, _) in std::env::vars() {
        if k.starts_with("JIANBAO_") || k.starts_with("TELOXIDE_") || k == "NO_COLOR" {
            cmd.env_remove(k);
        }
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run jianbao");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    child.wait_with_output().expect("jianbao finished")
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).expect("write fixture");
}

fn skipped_reason<'a>(corpus: &'a corpus::Corpus, name: &str) -> Option<&'a str> {
    corpus
        .skipped
        .iter()
        .find(|s| {
            s.path
                .file_name()
                .is_some_and(|f| f.to_string_lossy() == name)
        })
        .map(|s| s.reason.as_str())
}

// 1. A 620-byte Markdown file kills the host.

#[test]
fn billion_laughs_front_matter_is_refused_not_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let laughs = billion_laughs();
    assert!(laughs.len() < 700, "{}", laughs.len());
    write(dir.path(), "laughs.md", &laughs);
    write(dir.path(), "good.txt", good_page(1));
    // 1 GB of address space: far more than the bot needs, far less than 9^9 strings.
    let o = run_limited(
        &["--corpus", dir.path().to_str().unwrap(), "check", "--json"],
        b"",
        Some(1_000_000),
    );
    let doc = json_of(&o);
    let articles = doc["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 2, "{doc}");
    let laughs = articles
        .iter()
        .find(|a| a["article_id"] == "laughs")
        .unwrap();
    let warnings = laughs["warnings"].to_string();
    assert!(warnings.contains("alias"), "{warnings}");
}

#[test]
fn nesting_depth_is_capped_in_yaml_toml_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let deep = 100_000;
    write(
        dir.path(),
        "deep_yaml.md",
        format!(
            "---\ntitle: 深\nx: {}{}\n---\n\n# 深\n\n正文。\n",
            "[".repeat(deep),
            "]".repeat(deep)
        ),
    );
    write(
        dir.path(),
        "deep_toml.md",
        format!(
            "+++\ntitle = \"深\"\nx = {}{}\n+++\n\n# 深\n\n正文。\n",
            "[".repeat(deep),
            "]".repeat(deep)
        ),
    );
    write(
        dir.path(),
        "deep.jsonl",
        format!(
            "{{\"id\": \"ok\", \"title\": \"好\", \"paragraphs\": [\"正文。\"]}}\n{{\"id\": {}{}}}\n",
            "[".repeat(deep),
            "]".repeat(deep)
        ),
    );
    let corpus = load(dir.path());
    let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    assert!(
        ids.contains(&"deep_yaml") && ids.contains(&"deep_toml") && ids.contains(&"ok"),
        "{ids:?}"
    );
    for a in &corpus.articles {
        if a.id.starts_with("deep") {
            assert!(
                a.warnings.iter().any(|w| w.contains("front matter")),
                "{}: {:?}",
                a.id,
                a.warnings
            );
        }
    }
    let bad = corpus
        .skipped
        .iter()
        .find(|s| s.line == Some(2))
        .expect("the deep JSON line is skipped");
    assert!(bad.reason.contains("recursion limit"), "{}", bad.reason);
}

#[test]
fn one_file_costs_a_small_multiple_of_its_size() {
    // Every hostile file together, beside good articles, in 1 GB of address space.
    let dir = tempfile::tempdir().unwrap();
    hostile_files(dir.path());
    for i in 0..50 {
        write(dir.path(), &format!("good{i:04}.txt"), good_page(i));
    }
    let o = run_limited(
        &["--corpus", dir.path().to_str().unwrap(), "check", "--json"],
        b"",
        Some(1_000_000),
    );
    let doc = json_of(&o);
    let good = doc["articles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["article_id"].as_str().unwrap().starts_with("good"))
        .count();
    assert_eq!(good, 50);
}

// 5. Panics and aborted batches.

#[cfg(unix)]
#[test]
fn check_json_survives_a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff\xfename.txt");
    std::fs::write(dir.path().join(name), b"\0\0binary").unwrap();
    write(dir.path(), "good.txt", good_page(1));
    let o = run_limited(
        &["--corpus", dir.path().to_str().unwrap(), "check", "--json"],
        b"",
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json_of(&o);
    let path = doc["skipped"][0]["path"].as_str().unwrap();
    assert!(path.contains("bad\u{FFFD}\u{FFFD}name.txt"), "{path}");
    assert_eq!(doc["articles"].as_array().unwrap().len(), 1);
}

#[test]
fn batch_answers_every_line_even_one_that_is_not_utf8() {
    let input = b"\xe9\xbb\x84\xe6\xb2\xb3\n\xff\xfe bad \xc3\n171\xe5\x85\xac\xe9\x87\x8c\r\nlast line without newline";
    for command in ["search", "ask"] {
        let o = run_limited(&[command, "--batch"], input, None);
        assert!(o.status.success(), "{command}: {}", stderr(&o));
        let lines: Vec<Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        assert_eq!(lines.len(), 4, "{command}: {}", stdout(&o));
        let key = if command == "search" {
            "query"
        } else {
            "question"
        };
        assert_eq!(lines[0][key], "黄河");
        assert!(lines[1][key].as_str().unwrap().contains('\u{FFFD}'));
        assert_eq!(lines[2][key], "171公里");
    }
}

// 6. Replies without bounds.

#[test]
fn absurd_articles_are_refused_at_load_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "one_line.txt", "长".repeat(400_000));
    write(
        dir.path(),
        "huge_paragraph.txt",
        format!("标题\n\n{}\n", "字".repeat(corpus::MAX_PARAGRAPH_CHARS + 1)),
    );
    write(
        dir.path(),
        "long_title.md",
        format!("---\ntitle: {}\n---\n\n正文。\n", "题".repeat(1_000)),
    );
    write(dir.path(), "good.txt", good_page(2));
    write(dir.path(), "five_mb.txt", "长".repeat(1_800_000));
    let corpus = load(dir.path());
    assert_eq!(corpus.articles.len(), 1, "{:?}", corpus.skipped);
    for (name, why) in [
        ("five_mb.txt", "a file of one article"),
        ("one_line.txt", "title"),
        ("huge_paragraph.txt", "paragraph 1"),
        ("long_title.md", "title"),
    ] {
        let reason = skipped_reason(&corpus, name).unwrap_or_else(|| panic!("{name} not skipped"));
        assert!(reason.contains(why), "{name}: {reason}");
    }
}

fn engine_over(dir: &Path) -> jianbao::answer::Engine {
    let options = jianbao::answer::Options {
        corpus: dir.to_path_buf(),
        ..jianbao::config::Config::default().engine_options()
    };
    jianbao::answer::Engine::load_with(&options, SEGMENTER.clone(), &|_, _| {}).expect("engine")
}

#[test]
fn replies_are_capped_titles_ledes_points_suggestions_and_article_messages() {
    let dir = tempfile::tempdir().unwrap();
    // Long but acceptable: a 290-character title, a 40,000-character lede paragraph and
    // 300 long paragraphs.
    let mut page = format!("{}\n\n", "标题很长".repeat(72));
    page.push_str(&format!("本报讯 {}。\n", "黄河流域生态保护".repeat(5_000)));
    for i in 0..300 {
        page.push_str(&format!("第{i}段：{}。\n", "防汛抗旱工作要求".repeat(60)));
    }
    write(dir.path(), "big.txt", &page);
    let engine = engine_over(dir.path());
    let a = engine.article("big").expect("loaded");
    let summary = engine.summary("big").expect("summary");
    let messages = telegram_reply::reply(&Reply::Summary(Box::new(summary)), None, Lang::Zh);
    assert!(
        messages.len() <= 2,
        "summary in {} messages",
        messages.len()
    );
    let messages = telegram_reply::reply(&Reply::Article(Box::new(a.clone())), None, Lang::Zh);
    assert!(
        messages.len() <= telegram_reply::ARTICLE_MESSAGES,
        "article in {} messages",
        messages.len()
    );
    let cut = &messages.last().unwrap().html;
    assert!(
        cut.contains("全文较长") && cut.contains("/summary big"),
        "{cut}"
    );
    assert!(
        !cut.contains(&dir.path().display().to_string()),
        "no server path in Telegram: {cut}"
    );
    let question = (0..3_000)
        .map(|i| format!("词{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let answer = engine.ask(&question);
    let messages = telegram_reply::reply(&Reply::Answer(Box::new(answer)), None, Lang::Zh);
    for m in &messages {
        assert!(
            utf16_len(&m.html) <= TELEGRAM_LIMIT,
            "{}",
            utf16_len(&m.html)
        );
        assert!(m.html.chars().count() < 400, "{}", m.html.chars().count());
    }
}

// 7. Wrong or missing warnings.

#[test]
fn a_stray_byte_is_decoded_lossily_with_a_warning_not_called_binary() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = good_page(3).into_bytes();
    bytes.insert(40, 0xFF);
    write(dir.path(), "stray.txt", &bytes);
    let corpus = load(dir.path());
    assert!(corpus.skipped.is_empty(), "{:?}", corpus.skipped);
    let a = &corpus.articles[0];
    assert!(
        a.warnings.iter().any(|w| w.contains("not valid UTF-8")),
        "{:?}",
        a.warnings
    );
    // Noise with no NUL is still refused, and not for NUL bytes.
    write(dir.path(), "controls.txt", vec![0x01u8; 4096]);
    let corpus = load(dir.path());
    let reason = skipped_reason(&corpus, "controls.txt").expect("refused");
    assert!(!reason.contains("NUL"), "{reason}");
}

#[test]
fn unclosed_front_matter_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "open.md",
        "---\ntitle: 市里召开防汛会议\ndate: 2024-07-01\n\n正文第一段。\n",
    );
    let corpus = load(dir.path());
    let a = &corpus.articles[0];
    assert!(
        a.warnings.iter().any(|w| w.contains("never closed")),
        "{:?}",
        a.warnings
    );
}

#[test]
fn one_byte_files_do_not_fill_latest() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        write(dir.path(), &format!("x{i:05}.txt"), "a");
    }
    write(dir.path(), "good.txt", good_page(4));
    let engine = engine_over(dir.path());
    let latest = engine.latest(10);
    assert_eq!(
        latest.len(),
        1,
        "{:?}",
        latest.iter().map(|a| &a.id).collect::<Vec<_>>()
    );
    let corpus = load(dir.path());
    assert_eq!(corpus.skipped.len(), 200, "each named");
    assert!(corpus.skipped[0].reason.contains("no body text"));
}

#[test]
fn bad_lines_are_summarised_per_file_and_long_ids_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        String::from("{\"id\": \"ok\", \"title\": \"好\", \"paragraphs\": [\"正文。\"]}\n");
    for _ in 0..5_000 {
        text.push_str("{not json\n");
    }
    let long_id = "i".repeat(2_000_000);
    text.push_str(&format!(
        "{{\"id\": \"{long_id}\", \"title\": \"长\", \"paragraphs\": [\"正文。\"]}}\n"
    ));
    text.push_str(&format!(
        "{{\"id\": {{\"x\": \"{long_id}\"}}, \"title\": \"坏\"}}\n"
    ));
    write(dir.path(), "many.jsonl", &text);
    let corpus = load(dir.path());
    assert!(
        corpus.skipped.len() <= corpus::MAX_LINES_LISTED + 1,
        "{} entries",
        corpus.skipped.len()
    );
    assert!(
        corpus
            .skipped
            .last()
            .unwrap()
            .reason
            .contains("5001 in all"),
        "{}",
        corpus.skipped.last().unwrap().reason
    );
    for s in &corpus.skipped {
        assert!(s.reason.chars().count() <= 301, "{} chars", s.reason.len());
    }
    let long = corpus
        .articles
        .iter()
        .find(|a| a.title == "长")
        .expect("loaded");
    assert!(long.id.chars().count() <= corpus::MAX_ID_CHARS);
    assert!(long.warnings.iter().any(|w| w.contains("cut")));
    for w in &long.warnings {
        assert!(w.chars().count() <= 301);
    }
}

// 9. Logs.

#[test]
fn control_characters_in_file_names_are_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "forged\nskipped: evil.txt", b"\0\0binary");
    write(dir.path(), "bell\u{7}\u{1b}[31mred.txt", good_page(5));
    let o = run_limited(
        &["--corpus", dir.path().to_str().unwrap(), "check"],
        b"",
        None,
    );
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(
        !out.lines().any(|l| l.starts_with("skipped: evil.txt")),
        "{out}"
    );
    assert!(out.contains("forged\\nskipped: evil.txt"), "{out}");
    let o = run_limited(
        &["--corpus", dir.path().to_str().unwrap(), "search", "水库"],
        b"",
        None,
    );
    let err = stderr(&o);
    assert!(
        !err.lines().any(|l| l.starts_with("skipped: evil.txt")),
        "{err}"
    );
    assert!(!err.contains('\u{7}'), "{err:?}");
}

#[test]
fn no_colour_codes_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.txt", b"\0\0binary");
    write(dir.path(), "good.txt", good_page(6));
    let o = run_limited(
        &["--corpus", dir.path().to_str().unwrap(), "latest"],
        b"",
        None,
    );
    let err = stderr(&o);
    assert!(err.contains("broken.txt"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

// Target: the hostile corpus beside good articles loads every good one and names every
// bad file with its reason (fast form; `scripts/reliability.sh corpus` runs 3,000).

/// Writes every hostile file of the issue; returns (name, what its reason or warning says).
fn hostile_files(dir: &Path) -> Vec<(&'static str, &'static str)> {
    write(dir, "laughs.md", billion_laughs());
    write(
        dir,
        "deep.md",
        format!(
            "---\ntitle: 深\nx: {}{}\n---\n\n# 深\n\n正文。\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    );
    write(dir, "one_line.txt", "长".repeat(200_000));
    write(
        dir,
        "huge_paragraph.txt",
        format!("标题\n\n{}\n", "字".repeat(corpus::MAX_PARAGRAPH_CHARS * 2)),
    );
    let mut stray = good_page(9_999).into_bytes();
    stray.insert(30, 0xFF);
    write(dir, "stray.txt", stray);
    write(
        dir,
        "open.md",
        "---\ntitle: 开\ndate: 2024-07-01\n\n正文第一段。\n",
    );
    write(dir, "tiny.txt", "a");
    write(dir, "empty.txt", "");
    write(dir, "binary.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let mut bad = String::new();
    for _ in 0..1_000 {
        bad.push_str("{oops\n");
    }
    write(dir, "bad.jsonl", bad);
    vec![
        ("laughs.md", "alias"),
        ("deep.md", "front matter"),
        ("one_line.txt", "title"),
        ("huge_paragraph.txt", "paragraph"),
        ("stray.txt", "UTF-8"),
        ("open.md", "never closed"),
        ("tiny.txt", "no body text"),
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("bad.jsonl", "no line is an article"),
    ]
}

#[test]
fn hostile_corpus_beside_good_articles_loads_every_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let expected = hostile_files(dir.path());
    let good = 300;
    for i in 0..good {
        write(dir.path(), &format!("good{i:04}.txt"), good_page(i));
    }
    let corpus = corpus::load_dir(dir.path(), &LoadOptions::default()).unwrap();
    let loaded = corpus
        .articles
        .iter()
        .filter(|a| a.id.starts_with("good"))
        .count();
    assert_eq!(loaded, good);
    for (name, says) in expected {
        let reason = skipped_reason(&corpus, name)
            .map(str::to_string)
            .or_else(|| {
                corpus
                    .articles
                    .iter()
                    .find(|a| a.origin.ends_with(name))
                    .map(|a| a.warnings.join("; "))
            });
        let reason = reason.unwrap_or_else(|| panic!("{name} is neither skipped nor warned about"));
        assert!(reason.contains(says), "{name}: {reason}");
    }
}

/// Writes `good/` (good articles alone) and `hostile/` (the same beside every hostile file)
/// under `JIANBAO_RELIABILITY_DIR`, `JIANBAO_RELIABILITY_GOOD` articles each: the corpora of
/// `benches/reliability.sh corpus`.
#[test]
#[ignore = "writes the long-run corpora; run by benches/reliability.sh"]
fn write_reliability_corpora() {
    let Some(dir) = std::env::var_os("JIANBAO_RELIABILITY_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let good: usize = std::env::var("JIANBAO_RELIABILITY_GOOD")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000);
    for sub in ["good", "hostile"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for i in 0..good {
            write(&dir.join(sub), &format!("good{i:05}.txt"), good_page(i));
        }
    }
    hostile_files(&dir.join("hostile"));
    // And the full sizes: a one-line 50 MB page, a 50 MB paragraph, 10,000 one-byte
    // files and 200,000 bad JSON lines.
    write(
        &dir.join("hostile"),
        "one_line_50mb.txt",
        "长".repeat(17_000_000),
    );
    write(
        &dir.join("hostile"),
        "paragraph_50mb.txt",
        format!("标题\n\n{}\n", "字".repeat(17_000_000)),
    );
    let tiny = dir.join("hostile/tiny");
    std::fs::create_dir_all(&tiny).unwrap();
    for i in 0..10_000 {
        write(&tiny, &format!("t{i:05}.txt"), "a");
    }
    let mut bad =
        String::from("{\"id\": \"ok-line\", \"title\": \"好\", \"paragraphs\": [\"正文。\"]}\n");
    for _ in 0..200_000 {
        bad.push_str("{oops\n");
    }
    write(&dir.join("hostile"), "many_bad_lines.jsonl", bad);
}
