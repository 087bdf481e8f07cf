//! Questions about what an article lists: one item of an enumerated list (`八项任务里最后一条
//! 是什么`, `第三项措施是啥`, `在黄河文化方面提的要求是什么`) and a set phrase of so many parts
//! (`工作要求是哪三句话` → `“负责任、动脑筋、讲良心”`).
//!
//! Official and policy news state tasks and requirements as lists (`一要……二要……`, `一是……`;
//! see [`super::enumeration`]) and sum them up in set phrases. A reader asks for an item by
//! its place or its subject; the sentence that opens that item holds the answer, and its
//! heading is the answer span.

use std::ops::{Range, RangeInclusive};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::enumeration::{self, ordinal_of};

/// Which item of a list a question asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) enum Which {
    /// The n-th (from 1): `第三条`.
    At(usize),
    /// The last: `最后一条`.
    Last,
    /// The one about a subject: `在黄河文化方面`.
    About(String),
}

/// An item of a list asked for, and how many items the question says the list has
/// (`八项任务` → 8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ItemAsked {
    pub(crate) which: Which,
    pub(crate) count: Option<usize>,
}

impl ItemAsked {
    /// Whether `item` is the one asked for.
    pub(crate) fn fits(&self, item: &ListItem) -> bool {
        if self.count.is_some_and(|n| n != item.of) {
            return false;
        }
        match &self.which {
            Which::At(n) => item.ordinal == *n,
            Which::Last => item.ordinal == item.of,
            Which::About(subject) => item.heading_norm.contains(subject.as_str()),
        }
    }

    /// The question asks for the item at a place: a sentence that is not that item does
    /// not answer it. (An item asked for by its subject may also be described elsewhere.)
    pub(crate) fn by_place(&self) -> bool {
        !matches!(self.which, Which::About(_))
    }
}

/// Numerals of a list's size or an item's place.
const NUMERAL: &str = r"[一二三四五六七八九十两]{1,3}|\d{1,2}";

/// An item by its place, then what is asked of it (`最后一条是什么`, `第三项讲的是啥`). The
/// question word must follow closely: `第一条高铁有多长` asks about the first railway.
static ITEM_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<item>(?:最后|末)一?[条项点]|第(?P<n>{NUMERAL})[条项点])[^,.?!:;]{{0,8}}?(?:什么|啥)"
    ))
    .expect("valid regex")
});
/// The size of the list (`八项任务`, `五个方面`), before the item asked for.
static COUNT_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?P<n>{NUMERAL})(?:项|条|点|个方面|大方面|个)")).expect("valid regex")
});
/// An item by its subject: `在黄河文化方面`, `关于人才方面`.
static ABOUT_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:在|关于|就|对)(?P<subject>\p{Han}{2,10}?)(?P<aspect>的?方面)[^,.?!:;]{0,10}?(?:什么|啥|哪些)")
        .expect("valid regex")
});
/// A set phrase of so many parts: `哪三句话`, `哪几个字`, `哪四个词`.
static PHRASES_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"哪(?P<n>几|{NUMERAL})(?:句话|句|个字|个词|个词语)"
    ))
    .expect("valid regex")
});

/// The list item a question asks for, and the byte ranges of the words that ask it (not
/// content to search for: `最后一条`, `八项`).
pub(crate) fn item_asked(norm: &str) -> Option<(ItemAsked, Vec<Range<usize>>)> {
    let (which, asking) = if let Some(c) = ITEM_Q.captures(norm) {
        let item = c.name("item")?;
        let which = match c.name("n") {
            Some(n) => Which::At(ordinal_of(n.as_str())?),
            None => Which::Last,
        };
        (which, item.range())
    } else {
        let c = ABOUT_Q.captures(norm)?;
        let subject = c.name("subject")?;
        let aspect = c.name("aspect")?;
        (Which::About(subject.as_str().to_string()), aspect.range())
    };
    // The list's size said before the item (`八项任务里`, not `第八项`): its words are the
    // question's too, though a size of one is no list.
    let before = &norm[..asking.start];
    let size = COUNT_Q
        .captures_iter(before)
        .filter_map(|c| {
            let m = c.get(0)?;
            let n = ordinal_of(c.name("n")?.as_str())?;
            (!before[..m.start()].ends_with('第')).then(|| (n, m.range()))
        })
        .last();
    let count = size.as_ref().map(|(n, _)| *n).filter(|&n| n >= 2);
    let ranges = std::iter::once(asking)
        .chain(size.map(|(_, r)| r))
        .collect();
    Some((ItemAsked { which, count }, ranges))
}

/// A set phrase asked for: how many parts (`哪三句话`) or characters (`哪八个字`) it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PhraseAsked {
    /// `哪几句话` asks for two or more.
    pub(crate) count: RangeInclusive<usize>,
    /// The count is of characters (`个字`), not of parts.
    pub(crate) characters: bool,
}

impl PhraseAsked {
    /// Whether `phrase` is of the size asked for.
    pub(crate) fn fits(&self, phrase: &SetPhrase) -> bool {
        let n = if self.characters {
            phrase.characters
        } else {
            phrase.parts
        };
        n >= 2 && self.count.contains(&n)
    }
}

/// The set phrase a question asks for, and the byte range of the words that ask it.
pub(crate) fn phrases_asked(norm: &str) -> Option<(PhraseAsked, Range<usize>)> {
    let c = PHRASES_Q.captures(norm)?;
    let asking = c.get(0)?.range();
    let n = c.name("n")?.as_str();
    let count = if n == "几" {
        2..=usize::MAX
    } else {
        ordinal_of(n).filter(|&n| n >= 2).map(|n| n..=n)?
    };
    let characters = c.get(0)?.as_str().ends_with('字');
    Some((PhraseAsked { count, characters }, asking))
}

/// An item of an article's enumerated list, where its heading is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListItem {
    /// Its place in the list, from 1.
    pub(crate) ordinal: usize,
    /// How many items the list has.
    pub(crate) of: usize,
    /// The paragraph it starts in.
    pub(crate) paragraph: usize,
    /// Its heading's byte range in that paragraph (marker included).
    pub(crate) heading: Range<usize>,
    /// The heading, normalised (for matching the subject asked about).
    pub(crate) heading_norm: String,
}

/// An article's enumerated list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct List {
    pub(crate) items: Vec<ListItem>,
    /// What introduces the list (`会议部署了四项重点任务。`, `朱晓东强调,`), normalised: the
    /// items leave their subject to it.
    pub(crate) lead_in: String,
}

/// The article's list (see [`enumeration::detect`]) over its paragraphs; empty if it has
/// none.
pub(crate) fn list_of(paragraphs: &[String], normalize: impl Fn(&str) -> String) -> List {
    let joined = paragraphs.join("\n");
    let Some(list) = enumeration::detect(&joined) else {
        return List::default();
    };
    let lead_in = list.spans.first().map_or(String::new(), |first| {
        normalize(lead_in(&joined, first.start))
    });
    // Where each paragraph starts in the joined text.
    let mut starts = Vec::with_capacity(paragraphs.len());
    let mut at = 0;
    for p in paragraphs {
        starts.push(at);
        at += p.len() + 1;
    }
    let of = list.spans.len();
    let items = list
        .spans
        .iter()
        .enumerate()
        .filter_map(|(i, span)| {
            let paragraph = starts
                .partition_point(|&s| s <= span.start)
                .checked_sub(1)?;
            let offset = starts[paragraph];
            let end = (span.end - offset).min(paragraphs[paragraph].len());
            let heading = span.start - offset..end;
            Some(ListItem {
                ordinal: i + 1,
                of,
                paragraph,
                heading_norm: normalize(paragraphs[paragraph].get(heading.clone())?),
                heading,
            })
        })
        .collect();
    List { items, lead_in }
}

/// The text before a list's first marker at `at`: the start of its sentence (`朱晓东强调,`)
/// or, when the marker opens a sentence, the sentence before it.
fn lead_in(text: &str, at: usize) -> &str {
    let ends = |c: char| matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '\n');
    let before = &text[..at];
    let head = before.trim_end_matches(|c: char| ends(c) || c.is_whitespace());
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| ends(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    before[start..].trim()
}

/// A set phrase quoted in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SetPhrase {
    /// Byte range, quotation marks included.
    pub(crate) range: Range<usize>,
    /// Its parts: those of one quotation (`“负责任、动脑筋、讲良心”` → 3) or quotations in a
    /// row, one part each (`“双提升”“双促进”` → 2).
    pub(crate) parts: usize,
    /// Its characters, without marks and separators.
    pub(crate) characters: usize,
}

/// The set phrases quoted in `norm`.
pub(crate) fn set_phrases(norm: &str) -> Vec<SetPhrase> {
    static QUOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"“[^”]{1,30}”").expect("valid regex"));
    let mut out: Vec<SetPhrase> = Vec::new();
    for m in QUOTE.find_iter(norm) {
        let inner = &m.as_str()["“".len()..m.as_str().len() - "”".len()];
        let parts = inner
            .split(['、', ','])
            .filter(|p| !p.trim().is_empty())
            .count();
        let characters = inner.chars().filter(|c| c.is_alphanumeric()).count();
        // A single quotation right after another single one (or after `、`) continues it.
        if let Some(last) = out.last_mut().filter(|l| {
            l.parts == count_quotes(&norm[l.range.clone()])
                && parts == 1
                && matches!(norm[l.range.end..m.start()].trim(), "" | "、")
        }) {
            last.range.end = m.end();
            last.parts += 1;
            last.characters += characters;
            continue;
        }
        out.push(SetPhrase {
            range: m.range(),
            parts,
            characters,
        });
    }
    out
}

/// How many quotations `text` holds.
fn count_quotes(text: &str) -> usize {
    text.matches('“').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(q: &str) -> Option<ItemAsked> {
        item_asked(q).map(|(a, _)| a)
    }

    #[test]
    fn items_asked() {
        assert_eq!(
            asked("朱晓东讲的八项任务里最后一条是什么?"),
            Some(ItemAsked {
                which: Which::Last,
                count: Some(8)
            })
        );
        assert_eq!(
            asked("会议提出的第三项措施讲的是啥"),
            Some(ItemAsked {
                which: Which::At(3),
                count: None
            })
        );
        assert_eq!(
            asked("在黄河文化方面提的要求是什么?"),
            Some(ItemAsked {
                which: Which::About("黄河文化".to_string()),
                count: None
            })
        );
        for q in [
            "长春建的第一条车路云一体化试验道路有多长?",
            "我国第一个出舱活动的航天飞行工程师是谁?",
            "最后一共达成了多少意向成交额?",
            "具体要求是从几个方面提的?",
        ] {
            assert_eq!(asked(q), None, "{q}");
        }
        let (_, words) = item_asked("八项任务里最后一条是什么").unwrap();
        let q = "八项任务里最后一条是什么";
        let asking: Vec<&str> = words.iter().map(|r| &q[r.clone()]).collect();
        assert_eq!(asking, ["最后一条", "八项"]);
    }

    #[test]
    fn phrases() {
        let asked = |q: &str| phrases_asked(q).map(|(p, _)| (p.count, p.characters));
        assert_eq!(asked("工作要求是哪三句话?"), Some((3..=3, false)));
        assert_eq!(asked("口号是哪几个字"), Some((2..=usize::MAX, true)));
        assert_eq!(asked("这句话是谁说的"), None);
        let s = "要坚持“负责任、动脑筋、讲良心”的工作要求,实现“双提升”“双促进”,发扬“工匠精神”。";
        let found: Vec<(&str, usize, usize)> = set_phrases(s)
            .into_iter()
            .map(|p| (&s[p.range], p.parts, p.characters))
            .collect();
        assert_eq!(
            found,
            [
                ("“负责任、动脑筋、讲良心”", 3, 9),
                ("“双提升”“双促进”", 2, 6),
                ("“工匠精神”", 1, 4)
            ]
        );
        let (three, _) = phrases_asked("是哪三句话").unwrap();
        let (four_characters, _) = phrases_asked("是哪四个字").unwrap();
        let phrases = set_phrases(s);
        assert!(three.fits(&phrases[0]) && !three.fits(&phrases[1]));
        assert!(
            four_characters.fits(&phrases[2]),
            "one quotation of four characters"
        );
    }

    #[test]
    fn items_of_an_article() {
        let paragraphs: Vec<String> = [
            "会议强调,一要抓好防汛。要加强值守。",
            "二要抓好生态保护。三要立足“黄河文化”讲故事。",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let list = list_of(&paragraphs, str::to_string);
        assert_eq!(list.lead_in, "会议强调,");
        let items = list.items;
        let at: Vec<(usize, usize, &str)> = items
            .iter()
            .map(|i| {
                (
                    i.ordinal,
                    i.paragraph,
                    &paragraphs[i.paragraph][i.heading.clone()],
                )
            })
            .collect();
        assert_eq!(
            at,
            [
                (1, 0, "一要抓好防汛"),
                (2, 1, "二要抓好生态保护"),
                (3, 1, "三要立足“黄河文化”讲故事")
            ]
        );
        assert!(items.iter().all(|i| i.of == 3));
        let about = ItemAsked {
            which: Which::About("黄河文化".into()),
            count: None,
        };
        assert!(about.fits(&items[2]) && !about.fits(&items[1]));
        let last_of_eight = ItemAsked {
            which: Which::Last,
            count: Some(8),
        };
        assert!(!last_of_eight.fits(&items[2]), "another list's size");
    }
}
