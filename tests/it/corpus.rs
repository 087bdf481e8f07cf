//! Golden tests for reading articles: the seed page, its GB18030/CRLF/BOM copies, Markdown,
//! JSON Lines with a bad line, and files that must be skipped without stopping the load.

use chrono::NaiveDate;
use jianbao::corpus::{self, DateOrigin, LoadOptions};

use crate::common::*;

/// Page furniture of the seed that must not survive as article text.
const FURNITURE: &[&str] = &[
    "(0)",
    "上一篇",
    "下一篇",
    "相关推荐",
    "发表回复",
    "登录后才能评论",
    "央媒头条全球推介平台",
    "来源:",
];

fn seed_article() -> jianbao::corpus::Article {
    let corpus = load(&seed_path());
    assert!(corpus.skipped.is_empty(), "{:?}", corpus.skipped);
    assert_eq!(corpus.articles.len(), 1);
    corpus.articles.into_iter().next().unwrap()
}

#[test]
fn seed_metadata_golden() {
    let a = seed_article();
    assert_eq!(a.id, SEED_ID);
    assert_eq!(
        a.title,
        "朱晓东主持召开忻州市黄河流域生态保护和高质量发展领导小组全体会议"
    );
    assert_eq!(a.outlet.as_deref(), Some("忻州日报"));
    assert_eq!(a.reporter.as_deref(), Some("乔龙飞"));
    assert_eq!(a.date, NaiveDate::from_ymd_opt(2022, 6, 20));
    assert_eq!(
        a.date_origin,
        DateOrigin::BylineWithPageYear,
        "the year comes from the page"
    );
    assert_eq!(a.source.as_deref(), Some("忻州日报新媒体中心"));
    assert_eq!(
        a.deck,
        [
            "朱晓东强调",
            "奋力走出生态保护和高质量发展的新路径",
            "奏好忻州新时代黄河“大合唱”",
            "李建国出席"
        ]
    );
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn seed_body_golden() {
    let a = seed_article();
    assert_eq!(a.paragraphs.len(), 4, "{:#?}", a.paragraphs);
    assert!(a.paragraphs[0].starts_with("忻州日报(乔龙飞)6月20日,忻州市委书记朱晓东"));
    assert_eq!(&a.paragraphs[0][..a.byline_len], "忻州日报(乔龙飞)6月20日,");
    assert!(
        a.paragraphs[2].contains("一要立足“千秋大计”担使命")
            && a.paragraphs[2].contains("八要立足“太忻机遇”求突破")
    );
    assert_eq!(
        a.paragraphs.last().unwrap(),
        "会议以视频形式召开,宁武、静乐、神池、五寨、岢岚、河曲、保德、偏关设分会场。"
    );
    for p in &a.paragraphs {
        for f in FURNITURE {
            assert!(!p.contains(f), "furniture {f:?} left in paragraph {p:?}");
        }
    }
}

#[test]
fn seed_in_other_encodings_reads_the_same() {
    let original = seed_article();
    let text = std::fs::read_to_string(seed_path()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("gb18030", gb.into_owned()),
        ("crlf", text.replace('\n', "\r\n").into_bytes()),
        (
            "bom",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        (
            "gb18030_crlf",
            encoding_rs::GB18030
                .encode(&text.replace('\n', "\r\n"))
                .0
                .into_owned(),
        ),
    ];
    for (name, bytes) in variants {
        let path = dir.path().join(format!("{SEED_ID}.txt"));
        std::fs::write(&path, &bytes).unwrap();
        let corpus = load(&path);
        assert!(corpus.skipped.is_empty(), "{name}: {:?}", corpus.skipped);
        let mut a = corpus
            .articles
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{name}: no article"));
        a.origin = original.origin.clone();
        assert_eq!(a, original, "the {name} copy of the seed reads differently");
    }
}

#[test]
fn second_page_of_the_genre() {
    let corpus = load(&fixtures().join("pages/xinhua_flood.txt"));
    let a = &corpus.articles[0];
    assert_eq!(a.title, "国家防总部署黄河中游防汛工作");
    assert_eq!(a.outlet.as_deref(), Some("新华社"));
    assert_eq!(a.reporter.as_deref(), Some("张明 李华"));
    assert_eq!(a.source.as_deref(), Some("新华网"));
    assert_eq!(a.date, NaiveDate::from_ymd_opt(2023, 7, 28));
    assert!(
        a.deck.is_empty(),
        "breadcrumb and metadata are not deck lines: {:?}",
        a.deck
    );
    assert_eq!(a.paragraphs.len(), 3, "{:#?}", a.paragraphs);
    assert!(
        a.paragraphs[2].ends_with("确保人民群众生命财产安全。"),
        "(完) is dropped: {:?}",
        a.paragraphs[2]
    );
    for p in &a.paragraphs {
        for f in ["责任编辑", "分享到", "打印", "相关新闻", "Copyright"] {
            assert!(!p.contains(f), "furniture {f:?} left in {p:?}");
        }
    }
}

#[test]
fn traditional_page_with_byline_on_its_own_line() {
    let corpus = load(&fixtures().join("pages/traditional_taiwan.txt"));
    let a = &corpus.articles[0];
    assert_eq!(a.title, "臺灣地區推動水資源保護條例修正");
    assert_eq!(a.outlet.as_deref(), Some("中央社"));
    assert_eq!(a.reporter.as_deref(), Some("陳怡君"));
    assert_eq!(a.date, NaiveDate::from_ymd_opt(2024, 3, 12));
    assert_eq!(
        a.paragraphs.len(),
        2,
        "the byline line is metadata: {:#?}",
        a.paragraphs
    );
}

#[test]
fn markdown_article() {
    let corpus = load(&fixtures().join("markdown"));
    assert!(corpus.skipped.is_empty(), "{:?}", corpus.skipped);
    let a = &corpus.articles[0];
    assert_eq!(a.id, "reservoir");
    assert_eq!(a.title, "汾河水库开闸补水 下游河道恢复流水");
    assert_eq!(a.date, NaiveDate::from_ymd_opt(2024, 5, 18));
    assert_eq!(a.source.as_deref(), Some("山西日报"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://example.com/news/20240518-fenhe")
    );
    assert_eq!(a.tags, ["汾河", "水库", "生态补水"]);
    assert_eq!(a.reporter.as_deref(), Some("刘洋"));
    assert_eq!(a.paragraphs.len(), 4, "{:#?}", a.paragraphs);
    assert!(
        a.paragraphs[0].contains("生态补水,计划补水3000万立方米"),
        "markup stripped: {:?}",
        a.paragraphs[0]
    );
    assert!(
        a.paragraphs[1].contains("下游太原段河道"),
        "link text kept: {:?}",
        a.paragraphs[1]
    );
}

#[test]
fn json_lines_with_a_bad_line() {
    let path = fixtures().join("jsonl/stories.jsonl");
    let corpus = load(&path);
    let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "xw-20240601-01",
            "xw-20240601-02",
            "xw-20240602-01",
            "stories-6"
        ]
    );
    assert_eq!(corpus.skipped.len(), 1, "{:?}", corpus.skipped);
    let bad = &corpus.skipped[0];
    assert_eq!(bad.line, Some(5));
    assert!(bad.path.ends_with("stories.jsonl"));
    assert!(bad.to_string().contains("stories.jsonl:5"), "{bad}");
    assert_eq!(
        corpus.unreadable_files, 0,
        "a bad line does not make the file unreadable"
    );
    let rail = &corpus.articles[2];
    assert_eq!(
        rail.paragraphs,
        [
            "暑运首日,全国铁路预计发送旅客1500万人次。",
            "铁路部门加开列车。"
        ]
    );
    assert_eq!(rail.date, NaiveDate::from_ymd_opt(2024, 6, 2));
    assert_eq!(corpus.articles[0].source.as_deref(), Some("新闻联播"));
}

#[test]
fn bad_files_are_skipped_and_named() {
    let dir = full_corpus_dir();
    let d = dir.path();
    std::fs::write(d.join("empty.txt"), b"").unwrap();
    std::fs::write(d.join("image.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    let noise: Vec<u8> = (0..3000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect();
    std::fs::write(d.join("noise.txt"), noise).unwrap();
    std::fs::write(d.join("huge.txt"), "大".repeat(400_000)).unwrap();
    std::fs::write(d.join("notes.png"), b"ignored: not an article format").unwrap();
    std::fs::create_dir(d.join(".hidden")).unwrap();
    std::fs::write(d.join(".hidden/secret.txt"), "隐藏\n\n不应读取。").unwrap();
    let corpus = corpus::load_dir(
        d,
        &LoadOptions {
            max_file_bytes: 1024 * 1024,
        },
    )
    .unwrap();
    let skipped: Vec<String> = corpus.skipped.iter().map(ToString::to_string).collect();
    for name in ["empty.txt", "image.txt", "noise.txt", "huge.txt"] {
        assert!(
            skipped.iter().any(|s| s.contains(name)),
            "{name} should be skipped with a warning naming it: {skipped:?}"
        );
    }
    assert_eq!(corpus.unreadable_files, 4, "{skipped:?}");
    assert!(
        corpus.articles.iter().any(|a| a.id == SEED_ID),
        "the good files still load"
    );
    assert_eq!(
        corpus.articles.len(),
        1 + 3 + 1 + 4,
        "seed, 3 pages, 1 Markdown, 4 records"
    );
    assert!(
        !corpus.articles.iter().any(|a| a.title == "隐藏"),
        "hidden folders are ignored"
    );
}

#[test]
fn ids_are_stable_and_unique() {
    let dir = full_corpus_dir();
    let first: Vec<String> = load(dir.path())
        .articles
        .into_iter()
        .map(|a| a.id)
        .collect();
    let second: Vec<String> = load(dir.path())
        .articles
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(first, second);
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len(), "{first:?}");
}
