//! Answers to plain questions: retrieve the best paragraphs, then pick the sentence that
//! answers, by how much of the question's content it covers (weighted by rarity), how close
//! together the matches sit, and whether it holds the kind of thing asked for (a number
//! for 多少, a person for 谁, a place for 哪里, a time for 何时, a reason for 为什么). When
//! nothing covers the question well enough, the answer says so instead of guessing.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::search::char_ranges;
use super::{ArticleRef, Engine, highlight};
use crate::text::{Segmenter, sentences};

/// What kind of answer a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    Number,
    Person,
    Place,
    Time,
    Reason,
    Other,
}

/// How a question was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionInfo {
    pub answer_type: AnswerType,
    /// The unit asked about (`公里` in `多少公里`), if any.
    pub unit: Option<String>,
    /// Content words with their weights (rarer words weigh more).
    pub words: Vec<(String, f32)>,
}

static NUMBER_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"多少|几(?:个|位|年|天|次|名|家|种|条|项|倍|岁|月|号|成|层|座|所|人|亿|万|千|百|十|公里|米|吨|元)?|百分之几|多大|多长|多高|多远|多重|多宽|多深|多久|比例|占比|数量|人数|面积|人口|规模|金额|总额|价格|票价|海拔|长度|高度|排名第")
        .expect("valid regex")
});
static PERSON_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"谁|哪位|何人|哪个人|什么人|哪些人|哪一位|姓名|名字叫").expect("valid regex")
});
static PLACE_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"哪里|哪儿|在哪|何地|何处|什么地方|哪个(?:国家|城市|省|地区|地方|县|市)|哪(?:国|省|市|县|座城市)|位于|地点|首都|省会|发源地|所在地")
        .expect("valid regex")
});
static TIME_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"什么时候|何时|哪一年|哪年|哪天|哪一天|几月|几号|何年|什么时间|哪个月|哪个朝代|哪个时期|哪一时期|什么时期|什么年代|什么朝代|年代|日期|哪个世纪|何日|时间是")
        .expect("valid regex")
});
static REASON_Q: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"为什么|为何|原因|怎么会|何故|为啥|目的").expect("valid regex"));

/// The unit after 多少/几 in a question (`多少公里` → 公里).
static UNIT_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:多少|几)(万|亿|千|百)?(公里|千米|米|厘米|平方公里|平方米|公顷|亩|吨|千克|公斤|克|元|美元|万元|亿元|人次|人|名|个|家|次|年|天|岁|倍|座|所|条|项|种|件|户|辆|架|艘|层|届|场|分钟|小时|度)")
        .expect("valid regex")
});

/// Numbers: digits or Chinese numerals with a magnitude.
static NUMBER_A: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d|百分之|[零一二三四五六七八九十两几]+[十百千万亿]|[一二三四五六七八九十两]+(?:个|位|名|次|倍|年|天|种|座|条|项)")
        .expect("valid regex")
});
static TIME_A: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{1,4}年|\d{1,2}月|\d{1,2}日|世纪|年代|[初中末]期|时期|朝|[春夏秋冬]季|上午|下午|凌晨|傍晚|[一二三四五六七八九十〇零]{2,4}年")
        .expect("valid regex")
});
static REASON_A: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"因为|由于|原因|为了|因此|所以|导致|之所以|是因|鉴于|以便|目的")
        .expect("valid regex")
});

/// The answer type of a (normalised) question, and the unit asked about for numbers.
/// Reasons and times are checked before numbers, since `几月` and `哪一年` also look like
/// number questions.
pub fn classify(norm: &str) -> (AnswerType, Option<String>) {
    let answer_type = if REASON_Q.is_match(norm) {
        AnswerType::Reason
    } else if TIME_Q.is_match(norm) {
        AnswerType::Time
    } else if PERSON_Q.is_match(norm) {
        AnswerType::Person
    } else if PLACE_Q.is_match(norm) {
        AnswerType::Place
    } else if NUMBER_Q.is_match(norm) {
        AnswerType::Number
    } else {
        AnswerType::Other
    };
    let unit = UNIT_Q
        .captures(norm)
        .and_then(|c| c.get(2))
        .map(|m| m.as_str().to_string())
        .filter(|_| answer_type == AnswerType::Number);
    (answer_type, unit)
}

/// Reads a question: what it asks for and which words matter.
pub fn analyse(engine: &Engine, question: &str) -> QuestionInfo {
    let seg = &engine.segmenter;
    let norm = seg.normalize(question);
    let (answer_type, unit) = classify(&norm);
    let mut words: Vec<(String, f32)> = Vec::new();
    for w in seg.precise_words(&norm) {
        if seg.is_stop_word(w.text) || words.iter().any(|(x, _)| x == w.text) {
            continue;
        }
        let idf = engine.index.word_idf(w.text);
        // A word never seen in the corpus still counts, as much as a rare one.
        words.push((w.text.to_string(), idf.max(0.1)));
    }
    // `多高`, `多长`: the attribute asked about is a content word, lighter than the others.
    if let Some(c) = ATTRIBUTE_Q.captures(&norm).and_then(|c| c.get(1)) {
        let attr = c.as_str().to_string();
        if !words.iter().any(|(w, _)| w.contains(attr.as_str())) {
            let idf = engine.index.word_idf(&attr).max(0.1) * 0.5;
            words.push((attr, idf));
        }
    }
    QuestionInfo {
        answer_type,
        unit,
        words,
    }
}

static ATTRIBUTE_Q: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"多(高|长|大|重|远|深|宽|久|厚|快|老)").expect("valid regex"));

/// One candidate sentence.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub article: usize,
    pub paragraph: usize,
    /// Byte range of the sentence in its paragraph.
    pub range: Range<usize>,
    pub score: f32,
    /// Weighted share of the question's content words found in the sentence.
    pub coverage: f32,
    pub type_match: bool,
}

/// Everything `ask` looked at, best first: for the evaluation and for debugging.
#[derive(Debug, Clone)]
pub struct AskTrace {
    pub info: QuestionInfo,
    /// Paragraphs retrieved, best first, as `(article, paragraph)`.
    pub paragraphs: Vec<(usize, Option<usize>)>,
    pub candidates: Vec<Candidate>,
}

/// The answer to a question, or a plain "not found". Its JSON (flat citation fields, as the
/// README documents) is written in `render::json`.
#[derive(Debug, Clone)]
pub struct Answer {
    pub question: String,
    pub answered: bool,
    /// The answer sentence, as written in the article; `None` when not answered.
    pub sentence: Option<String>,
    /// Up to two more sentences from the same article that support the answer.
    pub supporting: Vec<String>,
    /// From 0 to 1: how well the sentence covers the question.
    pub confidence: f32,
    pub answer_type: AnswerType,
    /// The article the sentence is from; `None` when not answered.
    pub article: Option<ArticleRef>,
    /// The sentence's paragraph in that article (0-based).
    pub paragraph: Option<usize>,
    /// `[start, end)` character offsets of the question's words in `sentence`.
    pub highlights: Vec<[usize; 2]>,
    /// Byte ranges of the same, for renderers.
    pub highlight_bytes: Vec<Range<usize>>,
    /// Words to search for when there is no answer.
    pub suggested_search: Option<String>,
}

/// Paragraphs retrieved per question; sentences are drawn from these.
const PARAGRAPHS: usize = 5;
/// Below this coverage of the question's weighted content words, a sentence is no answer.
const MIN_COVERAGE: f32 = 0.55;
/// Below this combined score, no answer either.
const MIN_SCORE: f32 = 0.45;

/// Weights of the sentence score, tuned on CMRC 2018 trial and checked on DRCD dev.
const W_COVERAGE: f32 = 0.7;
/// Within coverage: the share given to "focus" (words weighed by how few candidate
/// sentences hold them, title words discounted) rather than plain rarity.
const FOCUS_SHARE: f32 = 0.9;
/// Weight of a word that is in the article's title, when telling sentences apart.
const TITLE_WORD: f32 = 0.1;
const W_BIGRAMS: f32 = 0.1;
const W_TYPE: f32 = 0.12;
const W_UNIT: f32 = 0.1;
const W_RANK: f32 = 0.2;
const W_PROXIMITY: f32 = 0.05;
const W_POSITION: f32 = 0.03;

impl Engine {
    /// Answers `question` from the corpus.
    pub fn ask(&self, question: &str) -> Answer {
        let trace = self.ask_trace(question, PARAGRAPHS);
        self.answer_from(question, &trace)
    }

    /// Retrieves `paragraphs` paragraphs and ranks their sentences.
    pub fn ask_trace(&self, question: &str, paragraphs: usize) -> AskTrace {
        let info = analyse(self, question);
        let plan = self.index.plan(question);
        let hits = self.index.search(&plan, paragraphs.max(1));
        let seg = &self.segmenter;
        let total_weight: f32 = info.words.iter().map(|(_, w)| w).sum();
        // Gather the sentences first: how many of them hold each word tells which words
        // tell sentences apart (the topic's name is in all of them).
        let mut sents: Vec<Sentence> = Vec::new();
        for (rank, hit) in hits.iter().enumerate() {
            let Some(p) = hit.paragraph else { continue };
            let article = &self.articles[hit.article];
            let Some(text) = article.paragraphs.get(p) else {
                continue;
            };
            // The title and the paragraph's context are built once per paragraph and shared
            // by its sentences (hot path).
            let title = Rc::new(seg.normalize(&article.title));
            // The byline stays: its date and outlet answer "when" and "who reported".
            let normed: Vec<(Range<usize>, String)> = sentences(text)
                .into_iter()
                .map(|range| {
                    let norm = seg.normalize(&text[range.clone()]);
                    (range, norm)
                })
                .collect();
            let mut context = format!("{title}\n");
            context.extend(normed.iter().map(|(_, norm)| norm.as_str()));
            let context = Rc::new(context);
            for (position, (range, norm)) in normed.into_iter().enumerate() {
                sents.push(Sentence {
                    rank,
                    article: hit.article,
                    paragraph: p,
                    position,
                    range,
                    norm,
                    title: Rc::clone(&title),
                    context: Rc::clone(&context),
                });
            }
        }
        let n = sents.len().max(1) as f32;
        let spread: Vec<f32> = info
            .words
            .iter()
            .map(|(w, _)| {
                let sf = sents.iter().filter(|s| s.norm.contains(w.as_str())).count() as f32;
                (1.0 + n / (1.0 + sf)).ln() / (1.0 + n).ln()
            })
            .collect();
        let mut candidates = Vec::new();
        for s in &sents {
            let norm_title = s.title.as_str();
            // Words the sentence leaves to its context (the paragraph, the title) count
            // half: "it flows 171 km" answers a question naming the river's city when the
            // paragraph is about that city.
            let (covered, proximity) =
                coverage_in_context(&s.norm, &s.context, &info.words, total_weight);
            // The same coverage, but weighing words by how few sentences hold them and
            // discounting the article's title words, which name the topic, not the fact.
            let weights: Vec<(String, f32)> = info
                .words
                .iter()
                .zip(&spread)
                .map(|((w, idf), sp)| {
                    let topic = if norm_title.contains(w.as_str()) {
                        TITLE_WORD
                    } else {
                        1.0
                    };
                    (w.clone(), idf * sp * topic)
                })
                .collect();
            let focus_total: f32 = weights.iter().map(|(_, w)| w).sum();
            let (focus, _) = coverage(&s.norm, &weights, focus_total);
            let grams = if plan.bigrams.is_empty() {
                0.0
            } else {
                plan.bigrams
                    .iter()
                    .filter(|b| s.norm.contains(b.as_str()))
                    .count() as f32
                    / plan.bigrams.len() as f32
            };
            let (type_match, unit_match) = type_match(seg, &info, &s.norm);
            let score = W_COVERAGE * ((1.0 - FOCUS_SHARE) * covered + FOCUS_SHARE * focus)
                + W_BIGRAMS * grams
                + W_TYPE * f32::from(u8::from(type_match))
                + W_UNIT * f32::from(u8::from(unit_match))
                + W_RANK / (1.0 + s.rank as f32)
                + W_PROXIMITY * proximity
                + W_POSITION / (1.0 + s.position as f32);
            candidates.push(Candidate {
                article: s.article,
                paragraph: s.paragraph,
                range: s.range.clone(),
                score,
                coverage: covered,
                type_match,
            });
        }
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        AskTrace {
            info,
            paragraphs: hits.iter().map(|h| (h.article, h.paragraph)).collect(),
            candidates,
        }
    }

    /// The sentence text of a candidate.
    pub fn candidate_text(&self, c: &Candidate) -> &str {
        &self.articles[c.article].paragraphs[c.paragraph][c.range.clone()]
    }

    fn answer_from(&self, question: &str, trace: &AskTrace) -> Answer {
        let suggestion = {
            let words: Vec<&str> = trace.info.words.iter().map(|(w, _)| w.as_str()).collect();
            (!words.is_empty()).then(|| words.join(" "))
        };
        let best = trace
            .candidates
            .first()
            .filter(|c| c.coverage >= MIN_COVERAGE && c.score >= MIN_SCORE);
        let Some(best) = best else {
            return Answer {
                question: question.to_string(),
                answered: false,
                sentence: None,
                supporting: Vec::new(),
                confidence: trace.candidates.first().map_or(0.0, |c| c.score.min(1.0)),
                answer_type: trace.info.answer_type,
                article: None,
                paragraph: None,
                highlights: Vec::new(),
                highlight_bytes: Vec::new(),
                suggested_search: suggestion,
            };
        };
        let article = &self.articles[best.article];
        let sentence = self.candidate_text(best).to_string();
        // Supporting sentences: the next best from the same article, in article order.
        let mut support: Vec<&Candidate> = trace
            .candidates
            .iter()
            .skip(1)
            .filter(|c| {
                c.article == best.article && c.coverage > 0.0 && c.score >= best.score * 0.6
            })
            .filter(|c| !(c.paragraph == best.paragraph && c.range == best.range))
            .take(2)
            .collect();
        support.sort_by_key(|c| (c.paragraph, c.range.start));
        let terms: Vec<String> = trace.info.words.iter().map(|(w, _)| w.clone()).collect();
        let highlight_bytes = highlight(&self.segmenter, &sentence, &terms);
        Answer {
            question: question.to_string(),
            answered: true,
            highlights: char_ranges(&sentence, &highlight_bytes),
            highlight_bytes,
            sentence: Some(sentence),
            supporting: support
                .iter()
                .map(|c| self.candidate_text(c).to_string())
                .collect(),
            confidence: best.score.min(1.0),
            answer_type: trace.info.answer_type,
            article: Some(ArticleRef::of(article)),
            paragraph: Some(best.paragraph),
            suggested_search: None,
        }
    }
}

/// A candidate sentence while ranking.
struct Sentence {
    rank: usize,
    article: usize,
    paragraph: usize,
    position: usize,
    range: Range<usize>,
    norm: String,
    /// The article's title, normalised.
    title: Rc<String>,
    /// The title and every sentence of the paragraph, normalised: the words a sentence can
    /// leave to its context.
    context: Rc<String>,
}

/// [`coverage`], with half credit for words found only in `context`.
fn coverage_in_context(
    norm: &str,
    context: &str,
    words: &[(String, f32)],
    total: f32,
) -> (f32, f32) {
    let (covered, proximity) = coverage(norm, words, total);
    if total <= 0.0 {
        return (covered, proximity);
    }
    let from_context: f32 = words
        .iter()
        .filter(|(w, _)| !norm.contains(w.as_str()) && context.contains(w.as_str()))
        .map(|(_, weight)| weight * 0.5)
        .sum();
    ((covered + from_context / total).min(1.0), proximity)
}

/// Weighted share of `words` found in `norm`, and how tightly the found words cluster
/// (1 when they sit together, towards 0 when spread over a long sentence).
fn coverage(norm: &str, words: &[(String, f32)], total: f32) -> (f32, f32) {
    if total <= 0.0 {
        return (0.0, 0.0);
    }
    let mut found = 0.0;
    let mut positions: HashMap<usize, usize> = HashMap::new();
    for (w, weight) in words {
        if let Some(at) = norm.find(w.as_str()) {
            found += weight;
            positions.insert(at, at + w.len());
        } else if w.chars().count() >= 2 {
            // Partial credit for a word whose characters appear without it (设在 vs 设).
            let n = w.chars().count() as f32;
            let present = w.chars().filter(|&c| norm.contains(c)).count() as f32;
            found += weight * 0.5 * present / n;
        }
    }
    let proximity = match (positions.keys().min(), positions.values().max()) {
        (Some(&start), Some(&end)) if positions.len() >= 2 => {
            let span = norm[start..end].chars().count() as f32;
            let matched: f32 = positions
                .iter()
                .map(|(s, e)| norm[*s..*e].chars().count() as f32)
                .sum();
            (matched / span.max(1.0)).min(1.0)
        }
        _ => 0.0,
    };
    (found / total, proximity)
}

/// Whether the sentence holds the kind of thing asked for, and (for numbers) the unit.
/// Entities that already appear in the question do not count.
fn type_match(seg: &Segmenter, info: &QuestionInfo, norm: &str) -> (bool, bool) {
    let in_question = |w: &str| info.words.iter().any(|(q, _)| q == w);
    let typed = match info.answer_type {
        AnswerType::Number => NUMBER_A.is_match(norm),
        AnswerType::Time => TIME_A.is_match(norm),
        AnswerType::Reason => REASON_A.is_match(norm),
        AnswerType::Person => seg
            .tag(norm)
            .iter()
            .any(|t| t.tag == "nr" && t.word.chars().count() >= 2 && !in_question(t.word)),
        AnswerType::Place => seg
            .tag(norm)
            .iter()
            .any(|t| t.tag == "ns" && !in_question(t.word)),
        AnswerType::Other => false,
    };
    let unit = info.unit.as_deref().is_some_and(|unit| {
        norm.match_indices(unit).any(|(at, _)| {
            norm[..at].trim_end().chars().next_back().is_some_and(|c| {
                c.is_ascii_digit() || "零一二三四五六七八九十百千万亿两几多余".contains(c)
            })
        })
    });
    (typed, unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_types() {
        let cases = [
            ("黄河在忻州流经多少公里？", AnswerType::Number),
            ("全市有几个县？", AnswerType::Number),
            ("百分之几的国土在流域内", AnswerType::Number),
            ("谁主持召开了会议？", AnswerType::Person),
            ("哪位领导出席了会议", AnswerType::Person),
            ("分会场设在哪里？", AnswerType::Place),
            ("会议在哪儿召开", AnswerType::Place),
            ("会议是什么时候召开的？", AnswerType::Time),
            ("该条例哪一年通过", AnswerType::Time),
            ("何时开闸补水", AnswerType::Time),
            ("为什么要补水？", AnswerType::Reason),
            ("补水的原因是什么", AnswerType::Reason),
            ("会议的主题是什么", AnswerType::Other),
        ];
        for (q, want) in cases {
            assert_eq!(classify(q).0, want, "answer type of {q:?}");
        }
        assert_eq!(classify("黄河流经多少公里").1.as_deref(), Some("公里"));
        assert_eq!(classify("哪一年通过").1, None);
    }

    #[test]
    fn question_units() {
        let unit = |q: &str| {
            UNIT_Q
                .captures(q)
                .and_then(|c| c.get(2))
                .map(|m| m.as_str().to_string())
        };
        assert_eq!(unit("黄河在忻州流经多少公里？").as_deref(), Some("公里"));
        assert_eq!(unit("有几个县？").as_deref(), Some("个"));
        assert_eq!(unit("投资多少亿元").as_deref(), Some("元"));
        assert_eq!(unit("是什么").as_deref(), None);
    }

    #[test]
    fn coverage_weights_and_proximity() {
        let words = vec![("黄河".to_string(), 1.0), ("公里".to_string(), 3.0)];
        let (c, p) = coverage("黄河蜿蜒171公里", &words, 4.0);
        assert!((c - 1.0).abs() < 1e-6);
        assert!(p > 0.3 && p <= 1.0, "{p}");
        let (c, _) = coverage("黄河", &words, 4.0);
        assert!((c - 0.25).abs() < 1e-6);
    }
}
