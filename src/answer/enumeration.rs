//! The enumerated structure of official and policy news: `一要……二要……`, `一是……二是……`,
//! `第一，……第二，……`, `（一）……（二）……`, `首先……其次……最后`, `1. 2. 3.`, `①②③`. Finds the
//! list that spans most of the text (the outer one when lists nest) and gives each item's
//! heading clause in order.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::text::{clauses, strip_clause_end};

/// One family of list markers, e.g. `N要`.
struct Family {
    regex: &'static LazyLock<Regex>,
    /// Whether the marker word is part of the heading (`一要立足…`) or a label to drop
    /// (`（一）`, `1.`).
    keep_marker: bool,
}

static YAO: LazyLock<Regex> = LazyLock::new(|| re(r"([一二三四五六七八九十]{1,3})要"));
static SHI: LazyLock<Regex> = LazyLock::new(|| re(r"([一二三四五六七八九十]{1,3})是"));
static DI: LazyLock<Regex> =
    LazyLock::new(|| re(r"第([一二三四五六七八九十]{1,3})(?:[，,、：:]|是|条|项|步)"));
static PAREN_CN: LazyLock<Regex> = LazyLock::new(|| re(r"[（(]([一二三四五六七八九十]{1,3})[）)]"));
static CN_DUN: LazyLock<Regex> = LazyLock::new(|| re(r"([一二三四五六七八九十]{1,3})、"));
static PAREN_NUM: LazyLock<Regex> = LazyLock::new(|| re(r"[（(](\d{1,2})[）)]"));
static NUM: LazyLock<Regex> = LazyLock::new(|| re(r"(\d{1,2})(?P<sep>[.、．])(?:[^\d]|$)"));
static CIRCLED: LazyLock<Regex> = LazyLock::new(|| re(r"([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"));
static SEQUENCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(首先|其次|再次|然后|最后|一方面|另一方面)"));

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

const FAMILIES: &[Family] = &[
    Family {
        regex: &YAO,
        keep_marker: true,
    },
    Family {
        regex: &SHI,
        keep_marker: true,
    },
    Family {
        regex: &DI,
        keep_marker: false,
    },
    Family {
        regex: &PAREN_CN,
        keep_marker: false,
    },
    Family {
        regex: &CN_DUN,
        keep_marker: false,
    },
    Family {
        regex: &PAREN_NUM,
        keep_marker: false,
    },
    Family {
        regex: &NUM,
        keep_marker: false,
    },
    Family {
        regex: &CIRCLED,
        keep_marker: false,
    },
    Family {
        regex: &SEQUENCE,
        keep_marker: false,
    },
];

/// A detected list: each item's heading clause, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Enumeration {
    pub(crate) items: Vec<String>,
    /// Where each item's heading is in the text: from its marker to the end of the
    /// heading clause (`八要立足“太忻机遇”求突破`, `第一，要加强值守`).
    pub(crate) spans: Vec<Range<usize>>,
}

/// A marker found in the text.
#[derive(Debug, Clone, Copy)]
struct Marker {
    ordinal: usize,
    start: usize,
    end: usize,
}

/// The best list in `text` (paragraphs joined with `\n`), if it has at least two items with
/// real content.
pub(crate) fn detect(text: &str) -> Option<Enumeration> {
    let mut best: Option<(usize, Enumeration)> = None; // (span, list)
    for family in FAMILIES {
        let markers = find_markers(text, family);
        let Some(chain) = longest_chain(&markers) else {
            continue;
        };
        let Some(list) = headings(text, &chain, family.keep_marker) else {
            continue;
        };
        let span = chain.last().map_or(0, |m| m.start) - chain[0].start;
        let better = match &best {
            None => true,
            Some((s, b)) => span > *s || (span == *s && list.items.len() > b.items.len()),
        };
        if better {
            best = Some((span, list));
        }
    }
    best.map(|(_, list)| list)
}

/// Markers of one family that stand at a boundary (start of text or after punctuation).
fn find_markers(text: &str, family: &Family) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut last_ordinal = 0;
    for caps in family.regex.captures_iter(text) {
        let (Some(whole), Some(num)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if !at_boundary(text, whole.start()) {
            continue;
        }
        let ordinal = match num.as_str() {
            "首先" | "一方面" => 1,
            "其次" | "另一方面" => 2,
            "再次" => 3,
            // `然后`, `最后`: the item after the one before.
            "然后" | "最后" => last_ordinal + 1,
            s => match ordinal_of(s) {
                Some(n) => n,
                None => continue,
            },
        };
        last_ordinal = ordinal;
        // The `NUM` pattern consumes one character after the separator; do not swallow it.
        let end = caps.name("sep").map_or(whole.end(), |sep| sep.end());
        out.push(Marker {
            ordinal,
            start: whole.start(),
            end: end.min(text.len()),
        });
    }
    out
}

fn at_boundary(text: &str, at: usize) -> bool {
    match text[..at].chars().next_back() {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '。' | '；'
                        | ';'
                        | '，'
                        | ','
                        | '：'
                        | ':'
                        | '！'
                        | '？'
                        | '!'
                        | '?'
                        | '”'
                        | '」'
                        | '）'
                        | ')'
                )
        }
    }
}

/// The value of a marker's number: digits, a circled number, or Chinese numerals
/// ([`crate::text::dates::read_number`]).
pub(crate) fn ordinal_of(s: &str) -> Option<usize> {
    if let Ok(n) = s.parse::<usize>() {
        return Some(n);
    }
    if let Some(c) = s.chars().next().filter(|c| ('①'..='⑳').contains(c)) {
        return Some(c as usize - '①' as usize + 1);
    }
    // Markers count from one: `零` is no marker.
    crate::text::dates::read_number(s)
        .filter(|&n| n > 0)
        .map(|n| n as usize)
}

/// The longest run 1, 2, 3, ... of markers in text order; at least two.
fn longest_chain(markers: &[Marker]) -> Option<Vec<Marker>> {
    let mut best: Vec<Marker> = Vec::new();
    for (i, first) in markers.iter().enumerate().filter(|(_, m)| m.ordinal == 1) {
        let mut chain = vec![*first];
        for m in &markers[i + 1..] {
            if m.ordinal == chain.len() + 1 {
                chain.push(*m);
            }
        }
        if chain.len() > best.len() {
            best = chain;
        }
    }
    (best.len() >= 2).then_some(best)
}

/// Each item's heading: from its marker to the end of the first clause; a bare label
/// (`第一，`) takes the clause after it. `None` if any item has no real content, as in the
/// idiom `一是一，二是二`.
fn headings(text: &str, chain: &[Marker], keep_marker: bool) -> Option<Enumeration> {
    let mut items = Vec::with_capacity(chain.len());
    let mut spans = Vec::with_capacity(chain.len());
    for (k, m) in chain.iter().enumerate() {
        let limit = chain.get(k + 1).map_or(text.len(), |n| n.start);
        let body = &text[m.end..limit];
        let mut heading = String::new();
        let mut end = m.end;
        for r in clauses(body) {
            let clause =
                strip_clause_end(&body[r.clone()]).trim_end_matches(['。', '！', '？', '\n']);
            end = m.end + r.start + clause.len();
            heading.push_str(clause);
            if heading.chars().count() >= 4 {
                break;
            }
            if !heading.is_empty() {
                heading.push('，');
            }
        }
        let heading = heading.trim_end_matches('，').trim().to_string();
        if heading.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
            return None;
        }
        let marker = text[m.start..m.end].trim_end_matches(['，', ',', '、', '：', ':', ' ']);
        items.push(if keep_marker {
            format!("{marker}{heading}")
        } else {
            heading
        });
        spans.push(m.start..end.max(m.end));
    }
    Some(Enumeration { items, spans })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Option<Vec<String>> {
        detect(text).map(|e| e.items)
    }

    #[test]
    fn families() {
        let cases: &[(&str, &[&str])] = &[
            (
                "朱晓东强调,一要立足“千秋大计”担使命。要深入贯彻。二要立足“问题导向”抓整改。要坚持。三要立足“生态屏障”抓重点。",
                &[
                    "一要立足“千秋大计”担使命",
                    "二要立足“问题导向”抓整改",
                    "三要立足“生态屏障”抓重点",
                ],
            ),
            (
                "会议指出，一是加强组织领导，明确责任；二是强化资金保障；三是严格督查考核。",
                &["一是加强组织领导", "二是强化资金保障", "三是严格督查考核"],
            ),
            (
                "第一，要加强值守。第二，要排查隐患。第三，要做好预案。",
                &["要加强值守", "要排查隐患", "要做好预案"],
            ),
            (
                "（一）总体要求\n坚持人民至上。\n（二）主要目标\n到2025年。\n（三）重点任务\n抓好落实。",
                &["总体要求", "主要目标", "重点任务"],
            ),
            (
                "首先，完善制度建设。其次，加强队伍建设。最后，强化监督检查。",
                &["完善制度建设", "加强队伍建设", "强化监督检查"],
            ),
            (
                "措施如下：1.扩大有效投资；2.促进消费回升；3.稳定外贸外资。",
                &["扩大有效投资", "促进消费回升", "稳定外贸外资"],
            ),
            (
                "①优化营商环境；②降低企业成本；③加强要素保障。",
                &["优化营商环境", "降低企业成本", "加强要素保障"],
            ),
            (
                "一、指导思想\n内容。\n二、工作目标\n内容。",
                &["指导思想", "工作目标"],
            ),
        ];
        for (text, want) in cases {
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(items(text), Some(want), "list in {text:?}");
        }
    }

    #[test]
    fn nested_lists_give_the_outer_one() {
        let text = "一要抓好防汛工作。具体包括：（1）加强值守；（2）排查隐患；（3）转移群众；（4）储备物资。二要抓好生态保护工作。三要抓好项目建设工作。";
        assert_eq!(
            items(text).unwrap(),
            [
                "一要抓好防汛工作",
                "二要抓好生态保护工作",
                "三要抓好项目建设工作"
            ]
        );
    }

    #[test]
    fn false_friends() {
        for text in [
            "做事要一是一，二是二，不能含糊。",
            "统一要求，专一要务。",
            "项目是第一支撑，创新是第一动力。",
            "2022年1.5万人参加。",
            "只有一要点。",
            "",
        ] {
            assert_eq!(items(text), None, "no list in {text:?}");
        }
    }

    #[test]
    fn ordinals() {
        for (s, n) in [
            ("一", 1),
            ("九", 9),
            ("十", 10),
            ("十一", 11),
            ("十九", 19),
            ("二十", 20),
            ("12", 12),
            ("③", 3),
        ] {
            assert_eq!(ordinal_of(s), Some(n), "{s}");
        }
        assert_eq!(ordinal_of("零"), None);
    }
}
