//! The `jianbao` binary: every command's human and JSON output, batch mode, exit codes and
//! configuration errors.

use serde_json::Value;

use crate::common::*;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn check_lists_the_seed() {
    let o = jianbao(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(SEED_ID) && out.contains("2022-06-20") && out.contains("4 ¶"),
        "{out}"
    );
}

#[test]
fn check_json_and_exit_code_for_unreadable_files() {
    let dir = full_corpus_dir();
    let corpus = dir.path().to_str().unwrap();
    let o = jianbao(&["--corpus", corpus, "check", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["ok"], true);
    assert_eq!(
        doc["skipped"].as_array().unwrap().len(),
        1,
        "the bad JSON line"
    );
    let seed = doc["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["article_id"] == SEED_ID)
        .unwrap();
    assert_eq!(seed["date"], "2022-06-20");
    assert_eq!(seed["paragraphs"], 4);

    std::fs::write(dir.path().join("broken.txt"), b"\0\0\0binary").unwrap();
    let o = jianbao(&["--corpus", corpus, "check"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "an unreadable file makes check fail"
    );
    assert!(stdout(&o).contains("broken.txt"), "{}", stdout(&o));
}

#[test]
fn search_json_schema() {
    let o = jianbao(&["search", "--json", "171公里"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    let group = &doc["articles"][0];
    let hit = &group["hits"][0];
    for key in [
        "article_id",
        "title",
        "date",
        "source",
        "outlet",
        "paragraph",
        "text",
        "highlights",
        "score",
    ] {
        assert!(hit.get(key).is_some(), "hit field {key} missing: {hit}");
    }
    assert_eq!(hit["article_id"], SEED_ID);
    assert_eq!(hit["date"], "2022-06-20");
    assert_eq!(hit["paragraph"], 1);
    // Highlights are character offsets into `text`.
    let text: Vec<char> = hit["text"].as_str().unwrap().chars().collect();
    let [start, end] = [
        hit["highlights"][0][0].as_u64().unwrap(),
        hit["highlights"][0][1].as_u64().unwrap(),
    ];
    let marked: String = text[start as usize..end as usize].iter().collect();
    assert_eq!(marked, "171公里");
}

#[test]
fn search_text_output_and_no_match() {
    let o = jianbao(&["search", "黄河", "流域"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("【黄河流域】"), "{}", stdout(&o));
    let o = jianbao(&["search", "量子计算机"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("No articles match"), "{}", stdout(&o));
    let o = jianbao(&["search", "。。"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("Nothing to search for"),
        "{}",
        stdout(&o)
    );
}

/// Regression: `jianbao chat` answered in a mix of English and Chinese, and suggested
/// `jianbao search …` inside the conversation. The words follow the locale, all of them.
#[test]
fn chat_speaks_one_language_and_suggests_chat_commands() {
    let input = "美国总统是谁？\n/search 量子计算机\n/summary 1\n/latest\n";
    let o = jianbao_with(&["chat"], &[("LANG", "C.UTF-8")], Some(input));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("没有找到能回答这个问题的文章"), "{out}");
    assert!(out.contains("试试搜索：/search "), "{out}");
    assert!(!out.contains("jianbao search"), "{out}");
    assert!(out.contains("要点"), "{out}");
    let english = out.lines().find(|l| {
        l.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 2)
            .count()
            >= 3
    });
    assert_eq!(
        english, None,
        "no English sentence in Chinese output:\n{out}"
    );

    let o = jianbao_with(&["chat"], &[("LANG", "en_GB.UTF-8")], Some(input));
    let out = stdout(&o);
    assert!(out.contains("No article here answers that."), "{out}");
    assert!(out.contains("Try a search: /search "), "{out}");
    assert!(out.contains("Key points"), "{out}");
    let o = jianbao_with(&["ask", "美国总统是谁？"], &[("LANG", "C.UTF-8")], None);
    assert!(
        stdout(&o).contains("试试搜索：jianbao search "),
        "{}",
        stdout(&o)
    );
}

/// A question asking for an opinion is not answered with a sentence that shares its words
/// (the seed speaks of 黄河 and 保护), and the reply says why, with the search to try.
#[test]
fn an_opinion_question_is_told_why_it_is_not_answered() {
    let o = jianbao_with(
        &["ask", "你觉得黄河保护工作做得好不好？"],
        &[("LANG", "C.UTF-8")],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("这是在问看法或建议"), "{out}");
    assert!(out.contains("试试搜索：jianbao search "), "{out}");
    assert!(!out.contains("— "), "no citation, no answer: {out}");
    let o = jianbao_with(
        &["ask", "黄河在忻州流经多少公里？"],
        &[("LANG", "C.UTF-8")],
        None,
    );
    assert!(!stdout(&o).contains("这是在问看法"), "{}", stdout(&o));
}

/// Regression: `jianbao search -黄河` was taken for an unknown flag.
#[test]
fn queries_may_start_with_a_hyphen() {
    let o = jianbao(&["search", "--json", "-黄河"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["query"], "-黄河");
    assert_eq!(doc["articles"][0]["article_id"], SEED_ID, "{doc}");
    let o = jianbao(&["ask", "--json", "-黄河在忻州流经多少公里？"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["question"], "-黄河在忻州流经多少公里？");
}

/// One set of limits: the command line refuses what the configuration refuses, and takes
/// what it takes.
#[test]
fn limits_are_the_configured_maxima() {
    for (command, var, max) in [
        (["search", "黄河"].as_slice(), "JIANBAO_SEARCH_LIMIT", 50),
        (["latest"].as_slice(), "JIANBAO_LATEST_LIMIT", 100),
    ] {
        for (n, ok) in [(max, true), (max + 1, false)] {
            let n = n.to_string();
            let mut args = vec![command[0], "--limit", &n];
            args.extend(&command[1..]);
            let o = jianbao(&args);
            assert_eq!(o.status.success(), ok, "{args:?}: {}", stderr(&o));
            let o = jianbao_with(command, &[(var, &n)], None);
            assert_eq!(o.status.success(), ok, "{var}={n}: {}", stderr(&o));
        }
    }
}

#[test]
fn search_batch_one_line_per_query() {
    let dir = full_corpus_dir();
    let input = "黄河\n\n夏粮收购\n\"AND*:(\n量子计算机\n";
    let o = jianbao_with(
        &[
            "--corpus",
            dir.path().to_str().unwrap(),
            "search",
            "--batch",
        ],
        &[],
        Some(input),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(
        lines.len(),
        5,
        "one line per input line, empty ones included"
    );
    assert_eq!(lines[0]["query"], "黄河");
    let ids: Vec<&Value> = lines[0]["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["article_id"])
        .collect();
    assert!(ids.contains(&&Value::from(SEED_ID)), "{ids:?}");
    assert_eq!(lines[1]["notices"][0], "empty_query");
    assert_eq!(lines[2]["articles"][0]["article_id"], "xw-20240601-01");
    assert_eq!(lines[4]["total_articles"], 0);
}

#[test]
fn latest_and_article() {
    let dir = full_corpus_dir();
    let corpus = dir.path().to_str().unwrap();
    let o = jianbao(&["--corpus", corpus, "latest", "--json", "--limit", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    let list = doc["articles"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    for key in ["article_id", "title", "date", "source", "reporter", "url"] {
        assert!(
            list[0].get(key).is_some(),
            "latest field {key} missing: {}",
            list[0]
        );
    }

    let o = jianbao(&["article", SEED_ID, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a = json(&o);
    assert_eq!(a["article_id"], SEED_ID);
    assert_eq!(a["outlet"], "忻州日报");
    assert_eq!(a["reporter"], "乔龙飞");
    assert_eq!(a["source"], "忻州日报新媒体中心");
    assert_eq!(a["paragraphs"].as_array().unwrap().len(), 4);

    let o = jianbao(&["article", SEED_ID]);
    assert!(stdout(&o).starts_with("朱晓东主持召开"), "{}", stdout(&o));

    let o = jianbao(&["article", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("No article has the id"),
        "{}",
        stderr(&o)
    );
    // In the terminal's language, like every other reply.
    let o = jianbao_with(&["summary", "nope"], &[("LANG", "C.UTF-8")], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("没有ID为“nope”的文章"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn configuration_errors_name_the_key() {
    let o = jianbao_with(&["latest"], &[("JIANBAO_LATEST_LIMT", "3")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("JIANBAO_LATEST_LIMT"), "{}", stderr(&o));
    let o = jianbao_with(&["latest"], &[("JIANBAO_LATEST_LIMIT", "lots")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("JIANBAO_LATEST_LIMIT"),
        "{}",
        stderr(&o)
    );
    let o = jianbao_with(
        &["latest", "--json"],
        &[("JIANBAO_LATEST_LIMIT", "2")],
        None,
    );
    assert!(o.status.success());
    assert_eq!(
        json(&o)["articles"].as_array().unwrap().len(),
        1,
        "only the seed in seeds/"
    );
}

#[test]
fn missing_corpus_is_a_clear_error() {
    let o = jianbao(&["--corpus", "/nonexistent/news", "latest"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/news"), "{}", stderr(&o));
}

/// Loading without a terminal (a service) logs its progress in lines, then one summary
/// line with the rate.
#[test]
fn loading_logs_progress_lines_without_a_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lines: String = (0..1200)
        .map(|i| {
            format!(
                "{{\"id\": \"p{i}\", \"title\": \"黄河治理第{i}次会议\", \"paragraphs\": [\"会议研究黄河流域第{i}项工作。\"]}}\n"
            )
        })
        .collect();
    std::fs::write(dir.path().join("many.jsonl"), lines).expect("write corpus");
    let corpus = dir.path().to_string_lossy().into_owned();
    let o = jianbao_with(
        &["--corpus", &corpus, "search", "黄河"],
        &[("JIANBAO_LOG", "info")],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let progress: Vec<&str> = err.lines().filter(|l| l.contains("indexing: ")).collect();
    assert!(progress.len() >= 2, "progress lines: {err}");
    assert!(
        progress
            .last()
            .is_some_and(|l| l.contains("1200/1200 articles (100%)")),
        "{err}"
    );
    assert!(err.contains("loaded 1200 articles"), "{err}");
}
