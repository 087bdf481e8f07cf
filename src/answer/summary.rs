//! Key points of one article, all extracted: a lede (who did what, when, where), the
//! article's own enumerated items or else its most central sentences, the figures (numbers
//! with what they count), and keywords.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use jieba_rs::{KeywordExtract, KeywordExtractConfig, TextRank};
use regex::Regex;
use serde::Serialize;

use super::enumeration;
use super::{ArticleRef, Engine};
use crate::corpus::Article;
use crate::text::{Segmenter, clauses, sentences, strip_clause_end};

/// Key points of an article.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub(crate) article: ArticleRef,
    /// One sentence: who did what, when and where. Empty only when the article has no text.
    pub lede: String,
    /// The article's enumerated items, or its 3–5 central sentences in article order.
    pub key_points: Vec<String>,
    /// `enumerated` when `key_points` are the article's own list items, else `central`.
    pub key_points_kind: KeyPointsKind,
    /// Clauses with numbers in them, each saying what the number is.
    pub figures: Vec<String>,
    pub keywords: Vec<String>,
    /// Why something is missing (for example: no body text).
    pub notes: Vec<SummaryNote>,
}

/// Why part of a summary is missing. Front ends put it in words (`render::words`); JSON
/// carries the English sentence the README documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryNote {
    /// Only the title is known.
    NoBody,
    /// The body is too short for key points beyond the lede.
    TooShort,
}

impl SummaryNote {
    /// The sentence `summary --json` has always carried in `notes`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SummaryNote::NoBody => "the article has no body text; only its title is known",
            SummaryNote::TooShort => "too little text for key points beyond the lede",
        }
    }
}

impl Serialize for SummaryNote {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPointsKind {
    Enumerated,
    Central,
    None,
}

/// Sentences longer than this are cut into clause groups for key points.
const MAX_UNIT_CHARS: usize = 160;
const MAX_FIGURES: usize = 8;
const KEYWORDS: usize = 8;

impl Engine {
    /// The key points of the article with this id, or `None` if there is no such article.
    pub fn summary(&self, id: &str) -> Option<Summary> {
        self.article(id).map(|a| summarize(self, a))
    }

    /// The lede shown on an inline card: from at most [`CARD_LEDE_INPUT`] characters of the
    /// first paragraph (cut after a sentence when one ends there), so one card's work is
    /// bounded whatever the article; computed once per article and kept.
    pub(crate) fn card_lede(&self, a: &Article) -> std::borrow::Cow<'_, str> {
        let compute = || {
            let first = a.first_paragraph_without_byline();
            let cut = first
                .char_indices()
                .nth(CARD_LEDE_INPUT)
                .map_or(first, |(at, _)| {
                    let head = &first[..at];
                    head.rfind(['。', '！', '？'])
                        .map_or(head, |end| &head[..end + '。'.len_utf8()])
                });
            lede_of(cut, &|gram| {
                self.index.bigram_idf(&self.segmenter.normalize(gram))
            })
        };
        let cache = self
            .catalog
            .position_of_id(&a.id)
            .filter(|&i| std::ptr::eq(&*self.articles[i], a))
            .and_then(|i| self.catalog.lede(i));
        match cache {
            Some(cache) => std::borrow::Cow::Borrowed(cache.get_or_init(compute)),
            // Not one of this engine's articles (a caller's copy): computed, not kept.
            _ => std::borrow::Cow::Owned(compute()),
        }
    }

    /// The lede of an article: its central clauses, from the first paragraph.
    pub(crate) fn lede(&self, a: &Article) -> String {
        lede_of(a.first_paragraph_without_byline(), &|gram| {
            self.index.bigram_idf(&self.segmenter.normalize(gram))
        })
    }
}

/// Summarises one article.
pub fn summarize(engine: &Engine, a: &Article) -> Summary {
    let seg = &engine.segmenter;
    let mut notes = Vec::new();
    let body: Vec<&str> = a
        .paragraphs_without_byline()
        .filter(|p| !p.is_empty())
        .collect();
    if body.is_empty() {
        notes.push(SummaryNote::NoBody);
    }
    let lede = engine.lede(a);
    let (key_points, key_points_kind) = key_points(seg, &body);
    if key_points_kind == KeyPointsKind::None && !body.is_empty() {
        notes.push(SummaryNote::TooShort);
    }
    let figures = figures(&body);
    let keywords = keywords(seg, &a.title, &body);
    Summary {
        article: ArticleRef::of(a),
        lede,
        key_points,
        key_points_kind,
        figures,
        keywords,
        notes,
    }
}

/// Leading clauses that only say when or who reported: dropped from a long lede.
static LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:今天|今日|昨天|昨日|昨晚|今晨|近日|日前|目前|当天|当日|近期|近年来|此前|本周|上周|今年|去年|\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:上午|下午|晚间|晚上|凌晨|中午|早上)?(?:\d{1,2}时(?:\d{1,2}分)?)?|据[^，,]{1,20}(?:报道|消息|介绍|了解|统计)|记者[^，,]{0,20}(?:获悉|了解到|得知)|[^，,]{1,12}消息)$",
    )
    .expect("valid regex")
});

/// The lede grows clause by clause until it has at least this many letters and digits.
const LEDE_MIN_CHARS: usize = 20;
/// Clauses shorter than this (letters and digits) are not lede material on their own.
const LEDE_MIN_CLAUSE: usize = 6;
/// How much earlier clauses are preferred: the first counts (1 + this) times, the k-th
/// (1 + this / k).
const LEDE_POSITION: f32 = 2.0;

/// The lede of a first paragraph: its most central clauses, in order. A clause is central
/// when its character bigrams recur in the paragraph and are rare in the corpus (`idf`),
/// with a preference for the start; lead-ins that only say when or who reported are left
/// out. Everything in it is the article's own words.
/// Characters of the first paragraph a card lede is computed from.
pub(crate) const CARD_LEDE_INPUT: usize = 600;

pub fn lede_of(paragraph: &str, idf: &dyn Fn(&str) -> f32) -> String {
    let parts: Vec<&str> = sentences(paragraph)
        .into_iter()
        .flat_map(|s| {
            clauses(&paragraph[s.clone()])
                .into_iter()
                .map(move |c| (s.start + c.start)..(s.start + c.end))
        })
        .map(|r| &paragraph[r])
        .collect();
    let Some(first) = parts.first() else {
        return String::new();
    };
    let all = bigrams_of(paragraph);
    let mut tf: HashMap<&str, f32> = HashMap::new();
    for g in &all {
        *tf.entry(g.as_str()).or_insert(0.0) += 1.0;
    }
    let mut scored: Vec<(f32, usize)> = Vec::new();
    for (k, clause) in parts.iter().enumerate() {
        let letters = clause.chars().filter(|c| c.is_alphanumeric()).count();
        if letters < LEDE_MIN_CLAUSE || LEAD_IN.is_match(strip_clause_end(clause)) {
            continue;
        }
        let own = bigrams_of(clause);
        let mut own_counts: HashMap<&str, f32> = HashMap::new();
        for g in &own {
            *own_counts.entry(g.as_str()).or_insert(0.0) += 1.0;
        }
        if own_counts.is_empty() {
            continue;
        }
        let score: f32 = own_counts
            .iter()
            .map(|(g, own_count)| (tf.get(g).copied().unwrap_or(0.0) - own_count + 0.5) * idf(g))
            .sum::<f32>()
            / own_counts.len() as f32;
        scored.push((score * (1.0 + LEDE_POSITION / (1.0 + k as f32)), k));
    }
    if scored.is_empty() {
        return sentences(paragraph).first().map_or_else(
            || (*first).to_string(),
            |s| paragraph[s.clone()].to_string(),
        );
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen = Vec::new();
    let mut letters = 0;
    for (_, k) in scored {
        if letters >= LEDE_MIN_CHARS {
            break;
        }
        chosen.push(k);
        letters += parts[k].chars().filter(|c| c.is_alphanumeric()).count();
    }
    chosen.sort_unstable();
    chosen
        .iter()
        .map(|&k| strip_clause_end(parts[k]).trim_end_matches(['。', '！', '？', '.', '!', '?']))
        .collect::<Vec<_>>()
        .join("，")
}

/// Character bigrams of the letters and digits of `text` (punctuation and spaces skipped).
fn bigrams_of(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The article's own list if it has one; else its central sentences.
fn key_points(seg: &Segmenter, body: &[&str]) -> (Vec<String>, KeyPointsKind) {
    let joined = body.join("\n");
    if let Some(list) = enumeration::detect(&joined) {
        return (list.items, KeyPointsKind::Enumerated);
    }
    let units: Vec<String> = body.iter().flat_map(|p| units(p)).collect();
    if units.len() <= 1 {
        return (Vec::new(), KeyPointsKind::None);
    }
    let want = (units.len() / 4).clamp(3, 5).min(units.len());
    let picked = central(seg, &units, want);
    (
        picked.into_iter().map(|i| units[i].clone()).collect(),
        KeyPointsKind::Central,
    )
}

/// Sentences of a paragraph; a sentence too long to read as one point (text without
/// punctuation) is cut at clause ends, or failing that into fixed windows.
fn units(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    for r in sentences(paragraph) {
        let s = &paragraph[r];
        if s.chars().count() <= MAX_UNIT_CHARS {
            out.push(s.to_string());
            continue;
        }
        let mut current = String::new();
        for c in clauses(s) {
            let clause = &s[c];
            if !current.is_empty()
                && current.chars().count() + clause.chars().count() > MAX_UNIT_CHARS
            {
                out.push(std::mem::take(&mut current));
            }
            current.push_str(clause);
        }
        if !current.is_empty() {
            // No clause breaks either: windows of MAX_UNIT_CHARS characters, marked as cut.
            let chars: Vec<char> = current.chars().collect();
            let windows = chars.len().div_ceil(MAX_UNIT_CHARS);
            out.extend(chars.chunks(MAX_UNIT_CHARS).enumerate().map(|(k, c)| {
                let mut piece: String = c.iter().collect();
                if k + 1 < windows {
                    piece.push('…');
                }
                piece
            }));
        }
    }
    out
}

/// Indices of the `want` most central units (TextRank over word overlap, with a redundancy
/// penalty), in article order.
fn central(seg: &Segmenter, units: &[String], want: usize) -> Vec<usize> {
    let words: Vec<HashSet<String>> = units
        .iter()
        .map(|u| {
            let norm = seg.normalize(u);
            seg.precise_words(&norm)
                .into_iter()
                .filter(|w| !seg.is_stop_word(w.text))
                .map(|w| w.text.to_string())
                .collect()
        })
        .collect();
    let n = units.len();
    let sim = |a: usize, b: usize| -> f64 {
        let common = words[a].intersection(&words[b]).count() as f64;
        let (la, lb) = (words[a].len() as f64, words[b].len() as f64);
        if common == 0.0 || la < 2.0 || lb < 2.0 {
            0.0
        } else {
            common / (la.ln() + lb.ln())
        }
    };
    let weights: Vec<Vec<f64>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| if a == b { 0.0 } else { sim(a, b) })
                .collect()
        })
        .collect();
    let out_sum: Vec<f64> = weights.iter().map(|row| row.iter().sum()).collect();
    let mut score = vec![1.0f64; n];
    for _ in 0..40 {
        let next: Vec<f64> = (0..n)
            .map(|b| {
                let incoming: f64 = (0..n)
                    .filter(|&a| out_sum[a] > 0.0)
                    .map(|a| weights[a][b] / out_sum[a] * score[a])
                    .sum();
                0.15 + 0.85 * incoming
            })
            .collect();
        score = next;
    }
    // Prefer readable lengths, whole sentences over pieces cut from an over-long one, and,
    // slightly, the start of the story.
    for (i, s) in score.iter_mut().enumerate() {
        let len = units[i].chars().count();
        if !(10..=MAX_UNIT_CHARS).contains(&len) {
            *s *= 0.5;
        }
        if units[i].ends_with('…') {
            *s *= 0.5;
        }
        *s *= 1.0 + 0.3 / (1.0 + i as f64);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let mut picked: Vec<usize> = Vec::new();
    for i in order {
        if picked.len() == want {
            break;
        }
        let redundant = picked.iter().any(|&j| {
            let inter = words[i].intersection(&words[j]).count() as f64;
            let smaller = words[i].len().min(words[j].len()).max(1) as f64;
            inter / smaller > 0.6
        });
        if !redundant {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    picked
}

/// A number with something after it, or a Chinese numeral with a unit.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\d|百分之|[零一二三四五六七八九十两几]*[十百千万亿][零一二三四五六七八九十百千万亿]*(?:万|亿|倍|个|项|名|家|次|人|元|吨|亩|公里|千米|米|座|所|条|批|户|套|多|余)",
    )
    .expect("valid regex")
});

/// Date expressions inside a clause.
static DATES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
        .expect("valid regex")
});

/// Clauses that are only a date or time, not a fact worth listing.
static ONLY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:上午|下午|晚)?(?:\d{1,2}[时:：]\d{0,2}分?)?$",
    )
    .expect("valid regex")
});

/// Clause starts that need the clause before them to say what the number is about.
static NEEDS_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:是|为|达|达到|增长|增加|下降|减少|同比|环比|占|约|共|其中|分别|较|比|超过|累计|合计|总计|全年|预计)")
        .expect("valid regex")
});

/// Numbers in the text, each as the shortest clause that still says what it counts.
fn figures(body: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in body {
        for s in sentences(p) {
            let sentence = &p[s];
            let parts: Vec<&str> = clauses(sentence)
                .into_iter()
                .map(|r| strip_clause_end(&sentence[r]))
                .collect();
            for (i, clause) in parts.iter().enumerate() {
                let clause = clause.trim_end_matches(['。', '！', '？', '；']);
                if !NUMBER.is_match(clause) || ONLY_DATE.is_match(clause) {
                    continue;
                }
                // A clause whose only numbers are dates (`2017年就向记者表示`) says when,
                // not how much.
                if !NUMBER.is_match(&DATES.replace_all(clause, "")) {
                    continue;
                }
                let text =
                    if i > 0 && (clause.chars().count() < 8 || NEEDS_SUBJECT.is_match(clause)) {
                        format!("{}，{clause}", parts[i - 1])
                    } else {
                        clause.to_string()
                    };
                if text.chars().count() > 80 || out.contains(&text) {
                    continue;
                }
                out.push(text);
                if out.len() == MAX_FIGURES {
                    return out;
                }
            }
        }
    }
    out
}

/// Up to eight keywords: jieba's TextRank over the title and body, nouns and verbs only,
/// without stop words or single characters.
fn keywords(seg: &Segmenter, title: &str, body: &[&str]) -> Vec<String> {
    let mut builder = KeywordExtractConfig::builder()
        .use_hmm(true)
        .min_keyword_length(2);
    for w in seg.stop_words() {
        builder = builder.add_stop_word(w.to_string());
    }
    let rank = TextRank::new(5, builder.build());
    let text = format!("{title}。{}", body.join("\n"));
    let pos = ["n", "nr", "ns", "nt", "nz", "vn", "v", "l", "eng"]
        .map(String::from)
        .to_vec();
    let mut out: Vec<String> = Vec::new();
    for k in rank.extract_keywords(seg.jieba(), &text, KEYWORDS * 2, pos) {
        let word = k.keyword.trim().to_string();
        if word.chars().count() < 2
            || word.chars().all(|c| c.is_ascii_digit())
            || out.contains(&word)
        {
            continue;
        }
        out.push(word);
        if out.len() == KEYWORDS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lede_takes_central_clauses_of_the_first_paragraph() {
        let flat = |_: &str| 1.0;
        assert_eq!(
            lede_of(
                "忻州市委书记朱晓东主持召开全市黄河流域生态保护和高质量发展领导小组全体会议,进一步贯彻落实全省会议精神,对当前重点工作进行再安排再部署。市委副书记、市长李建国出席。",
                &flat
            ),
            "忻州市委书记朱晓东主持召开全市黄河流域生态保护和高质量发展领导小组全体会议"
        );
        let lede = lede_of(
            "昨晚，中联航空成都飞北京一架航班被发现有多人吸烟。后因天气原因，飞机备降太原机场。几名乘客在舱门边吸烟被发现。",
            &flat,
        );
        assert!(
            lede.starts_with("中联航空成都飞北京一架航班被发现有多人吸烟"),
            "{lede}"
        );
        assert_eq!(lede_of("", &flat), "");
        let blob = "没有标点的一段很长的文字".repeat(3);
        assert_eq!(lede_of(&blob, &flat), blob);
        assert_eq!(lede_of("短。", &flat), "短。");
    }

    #[test]
    fn figures_say_what_the_number_is() {
        let body = [
            "忻州作为黄河入晋第一市,50.8%的国土面积在黄河流域,31.3%的市域人口沿黄河而居。黄河于我们而言,是蜿蜒171公里、哺育西部8县的“生计”河、生态河。6月20日,会议召开。董事长早在2017年就向记者表示,要改革。",
        ];
        let f = figures(&body);
        assert_eq!(f[0], "50.8%的国土面积在黄河流域");
        assert_eq!(f[1], "31.3%的市域人口沿黄河而居");
        assert_eq!(
            f[2],
            "黄河于我们而言，是蜿蜒171公里、哺育西部8县的“生计”河、生态河"
        );
        assert_eq!(f.len(), 3, "a bare date is not a figure: {f:?}");
    }

    #[test]
    fn units_cut_text_without_punctuation() {
        let blob = "字".repeat(500);
        let u = units(&blob);
        assert_eq!(u.len(), 4);
        assert!(u.iter().all(|s| s.chars().count() <= MAX_UNIT_CHARS + 1));
        assert!(
            u[0].ends_with('…') && !u[3].ends_with('…'),
            "cut pieces are marked"
        );
    }
}
