//! Answers to plain questions. The question is read first: what it asks for (a number for
//! 多少, a person for 谁, a place for 哪里, a time for 何时, a reason for 为什么), which
//! dates it names (`去年`, `2024年6月`), and which words matter once question scaffolding
//! and fillers are gone. Then dozens of paragraphs are retrieved and reranked with their
//! article's title and lead as context (a paragraph need not repeat its subject), and their
//! sentences are scored by the rarity- and focus-weighted coverage of the question, the
//! answer type, the unit and the dates. The confidence is a calibrated probability that
//! the sentence answers; below a threshold the answer says so instead of guessing.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

use super::listed::{self, ItemAsked, List, ListItem, PhraseAsked};
use super::search::char_ranges;
use super::{ArticleRef, Engine, highlight};
use crate::text::dates::{self, DateSpec, Granularity, YearPart};
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
    pub(crate) answer_type: AnswerType,
    /// The unit asked about (`公里` in `多少公里`), if any.
    pub(crate) unit: Option<String>,
    /// The thing counted in that unit (`项目` in `多少个项目`): a figure of it (`322个项目`)
    /// is the count asked for; a figure of something else in the same unit (`57个创始成员`)
    /// is not.
    pub(crate) counted: Option<String>,
    /// Content words with their weights (rarer in the corpus weighs more; words next to
    /// the question word, its focus, weigh more).
    pub(crate) words: Vec<(String, f32)>,
    /// The same words weighed by their rarity in general Chinese instead of in this
    /// corpus, for the decision to answer (see [`Segmenter::general_rarity`]).
    pub(crate) general_weights: Vec<f32>,
    /// For each content word, the words the news uses for it (`见` → `会见`, `会晤`; see
    /// [`Segmenter::news_words`]): a sentence with one of them has the word.
    pub(crate) alternatives: Vec<Vec<String>>,
    /// Numbers the question names (`第51届`, `2号机组`): a sentence about another number
    /// is about another event.
    pub(crate) identifiers: Vec<String>,
    /// The question asks for a name of a thing (`叫什么`, `什么宣言`, `什么火箭`).
    pub(crate) wants_name: bool,
    /// The kind of thing asked for by name (`什么火箭` → 火箭): a sentence naming one
    /// (`长征二号丁运载火箭`) holds the answer's type.
    pub(crate) kind: Option<String>,
    /// It asks which ones (`哪几家`, `哪些`, `哪两个`): a list of names answers it.
    pub(crate) several: bool,
    /// It asks for an opinion or advice (`你觉得…好不好`, `吃什么药比较好`), which news
    /// reports do not give: it is not answered, and the reply says why.
    pub(crate) opinion: bool,
    /// A number question that asks for a rate or a share (`增长了百分之几`, `占比多少`):
    /// otherwise a percentage is not the amount asked for (`进出口有多少` is not answered
    /// by `同比增长33.4%`).
    pub(crate) wants_rate: bool,
    /// It asks for a running total (`累计`, `截至`, `至今`), not a period's figure.
    pub(crate) wants_total: bool,
    /// It asks about a year as a whole (`2023年…多少`): it names years only, no part of
    /// one (`三季度`, `年初`, `汛期`), no holiday or edition, and no running total.
    pub(crate) whole_year: bool,
    /// A time question that asks for a year (`哪一年`, `公元几年`): a day or an hour is not
    /// the answer.
    pub(crate) wants_year: bool,
    /// A time question asking for a day (`几号`, `哪天`, `几月几日`): a month or a year alone
    /// is not the answer.
    pub(crate) wants_day: bool,
    /// A number question that asks which in order (`第几`): an ordinal is the answer.
    pub(crate) wants_ordinal: bool,
    /// Dates the question names, read against the day it is asked.
    pub(crate) dates: Vec<DateSpec>,
    /// Parts of a year it asks about (`1到10月`, `前三季度`): a figure for another part of
    /// the year answers another question.
    pub(crate) year_parts: Vec<YearPart>,
    /// Editions, rounds and holidays it names (`第30届`, `第十次`, `国庆`; see
    /// [`ordinals_in`]): a story about another edition of the same event, or about another
    /// holiday, answers another question.
    pub(crate) ordinals: Vec<(u32, char)>,
    /// Works it names by title (`《公平竞争审查条例》` → 公平竞争审查条例): a sentence about another
    /// work (`《公平竞争审查条例实施办法》`) answers another question.
    pub(crate) titles: Vec<String>,
    /// Nouns the question narrows by the noun before them (`入境` + `游客`, `广东` + `外贸`):
    /// a sentence giving the figure of the same noun narrowed otherwise (`国内外游客`)
    /// answers another question.
    #[serde(skip)]
    pub(crate) narrowed: Vec<(String, String)>,
    /// The question (normalised) with its dates and scaffolding blanked out: what is
    /// searched for.
    #[serde(skip)]
    pub(crate) content: String,
    /// The alternatives of a choice question (`线下开的还是视频开的` → 线下, 视频): the answer
    /// names one of them.
    pub(crate) choices: Vec<String>,
    /// The item of an enumerated list it asks for (`八项任务里最后一条`, `在黄河文化方面`):
    /// the sentence opening that item answers it.
    pub(crate) item: Option<ItemAsked>,
    /// It asks for a set phrase of so many parts or characters (`哪三句话`, `哪八个字`): a
    /// sentence quoting one answers it.
    pub(crate) phrases: Option<PhraseAsked>,
}

impl QuestionInfo {
    /// The words to find in a sentence: the question's, and the news' words for them.
    fn terms(&self) -> Vec<String> {
        self.words
            .iter()
            .map(|(w, _)| w.clone())
            .chain(self.alternatives.iter().flatten().cloned())
            .collect()
    }

    /// The question asks for something a sentence visibly holds or lacks: a number, a
    /// person, a place, a time, a reason, or a name (`叫什么`).
    fn asks_typed(&self) -> bool {
        self.answer_type != AnswerType::Other
            || self.wants_name
            || !self.choices.is_empty()
            || self.phrases.is_some()
            || self.item.as_ref().is_some_and(ItemAsked::by_place)
    }

    /// It asks only for a thing of a kind (`什么火箭`) or for several (`哪几家`): naming
    /// them tells, lacking them does not (many such questions want a description).
    fn asks_kind_only(&self) -> bool {
        !self.asks_typed() && (self.kind.is_some() || self.several)
    }
}

static NUMBER_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"多少|几(?:个|位|年|天|次|名|家|种|条|项|倍|岁|月|号|成|层|座|所|人|亿|万|千|百|十|公里|米|吨|元)?|百分之几|多大|多长|多高|多远|多重|多宽|多深|多久")
        .expect("valid regex")
});
/// A measured attribute named without a number word (`人口是`, `面积为`): a number
/// question unless the question asks for a thing (`数量会影响什么物种`).
static NUMBER_ATTRIBUTE_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"比例|占比|数量|人数|面积|人口|规模|金额|总额|价格|票价|海拔|长度|高度")
        .expect("valid regex")
});
/// Asking for a thing by its kind (`什么物种`, `哪些作品`, `何种`).
static THING_Q: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"什么|哪些|哪一|哪个|哪种|何种").expect("valid regex"));
/// Roles and titles people are named by: before `叫什么` a question asks for the holder's
/// name, and before a name a sentence introduces a person (`国务院总理李强`).
const ROLES: &str = concat!(
    "总统|主席|总理|首相|国王|女王|王储|亲王|王子|公主|部长|外长|大使|特使|秘书长|省长|市长|",
    "县长|总书记|书记|校长|院长|主任|局长|队长|教练|冠军|选手|运动员|火炬手|得主|获得者|作者|",
    "院士|教授|研究员|记者|科学家|专家|负责人|发言人|领导人|领袖|元首|首脑|议长|委员长|董事长|",
    "总裁|总经理|创始人|丈夫|妻子|老公|老婆|儿子|女儿|父亲|母亲|姑娘|小伙|女孩|男孩|孩子|司机|",
    "医生|护士|工匠|英雄|嫌疑人|宇航员|航天员|主持人|人大代表|政协委员|议员"
);
static PERSON_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        concat!(
            r"谁|哪位|何人|哪个人|什么人|哪些人|哪一位|姓名|名字叫|",
            // A role followed by "is called what": the answer is the holder's name.
            r"(?:{roles})(?:是|叫)?(?:什么|啥)(?:名字)?|名字是|",
            // "Which" of a role: `哪个记者`, `哪名运动员`.
            r"哪一?[个名](?:{roles})|",
            // A role, then "the one … is called what": `副主任被开除党籍的那个叫啥名`; or
            // "that … role is called what": `那位干养老护理的全国人大代表叫啥名`.
            r"(?:{roles})[^,?!;:]{{0,12}}?那[个位名]人?(?:叫|是)(?:什么|啥)|",
            r"那[个位名][^,?!;:]{{0,16}}?(?:{roles})(?:叫|是)(?:什么|啥)|",
            // Any other role word ending as people's roles do (…者, …员, …手, …长, …人).
            r"[\p{{Han}}](?:者|员|手|长|人)(?:是|叫)(?:什么|啥)(?:名字)?"
        ),
        roles = ROLES
    ))
    .expect("valid regex")
});
static PLACE_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"哪里|哪儿|在哪(?:$|[^一些种次场届年天月位方])|何地|何处|什么地方|哪(?:[一两三四五六七八九几]|\d+)?个(?:国家|城市|省|地区|地方|县|市)|哪(?:国|省|市|县|座城市)|位于|地点|首都|省会|发源地|所在地")
        .expect("valid regex")
});
static TIME_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"什么时候|啥时候|啥时|几时|何时|哪一年|哪年|哪天|哪一天|几月|几号|何年|什么时间|哪个月|哪个朝代|哪个时期|哪一时期|什么时期|什么年代|什么朝代|哪个年代|什么日期|哪个日期|日期是|哪个世纪|何日|时间是|[西公]元前?几年")
        .expect("valid regex")
});
static REASON_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"为什么|为何|原因|怎么会|何故|为啥|目的|为了啥|为了什么|图啥").expect("valid regex")
});

/// The unit after 多少/几 in a question (`多少公里` → 公里).
static UNIT_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:多少|几)(万|亿|千|百)?(公里|千米|毫米|厘米|平方公里|平方米|立方米|米|英里|公顷|亩|吨|千克|公斤|克|斤|升|千瓦时|千瓦|标准箱|元|美元|万元|亿元|人次|人|名|位|个|家|次|年|天|岁|倍|座|所|条|项|种|件|户|辆|架|艘|列|趟|班|栋|套|间|处|台|部|只|头|株|棵|本|张|颗|枚|批|份|块|支|起|例|剂次|剂|篇|首|层|届|场|分钟|小时|度|成)")
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
/// A time question asking for a year, and the years a sentence can give.
static YEAR_Q: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"哪一?年|何年|元前?几年").expect("valid regex"));
static YEAR_A: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\d{2,4}\s*年|[〇零一二三四五六七八九]{2,4}年|今年|去年|前年|明年|当年|同年|世纪|年代",
    )
    .expect("valid regex")
});
/// A time question asking for a day, and the days a sentence can give (a numeral before
/// 号 is more often a name, `快舟一号`, `2号机组`, than a day).
static DAY_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"几号|哪天|哪一天|哪一日|何日|几月几[日号]|什么日子").expect("valid regex")
});
static DAY_A: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{1,2}\s*日|月\s*\d{1,2}\s*号|[一二三]?十[一二三四五六七八九]?日|月[一二三四五六七八九]日|今天|昨天|明天|前天|后天|当天|当日|次日|星期[一二三四五六日天]|周[一二三四五六日]")
        .expect("valid regex")
});
static REASON_A: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"因为|由于|原因|为了|因此|所以|导致|之所以|是因|鉴于|以便|目的|出于|基于|考虑到|",
        r"受.{0,30}影响|得益于|源于|归因|旨在|造成|引发|推动|带动|拉动|驱动"
    ))
    .expect("valid regex")
});

/// The causal words of [`REASON_A`] that name a cause before them and its effect after
/// them (`日元贬值导致…企业经营`).
const EFFECT_VERBS: [&str; 7] = ["造成", "导致", "引发", "推动", "带动", "拉动", "驱动"];

/// Whether a sentence states a cause of what the question asks about: a causal word, but
/// a verb of effect only with something the question names after it. `…发生火灾，造成重大
/// 人员伤亡` gives the fire's effects, not its cause.
fn states_a_cause(info: &QuestionInfo, norm: &str) -> bool {
    REASON_A.find_iter(norm).any(|m| {
        !EFFECT_VERBS.contains(&m.as_str()) || {
            let after = &norm[m.end()..];
            info.words
                .iter()
                .zip(&info.alternatives)
                .any(|((w, _), alts)| has(after, w, alts))
        }
    })
}

/// The alternatives a choice question offers (`…是线下开的还是视频开的` → 线下, 视频): the
/// words of the clause before `还是` and of the part after it that the other side lacks.
fn choices_asked(seg: &Segmenter, norm: &str) -> Vec<String> {
    let Some(at) = norm.find("还是") else {
        return Vec::new();
    };
    let before = &norm[..at];
    let start = before
        .char_indices()
        .rfind(|&(_, c)| "，,、；;是".contains(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = &norm[at + "还是".len()..];
    let end = after
        .find(|c: char| "，,。？?！!；;".contains(c))
        .unwrap_or(after.len());
    let words = |text: &str| -> Vec<String> {
        seg.precise_words(text)
            .iter()
            .map(|w| w.text.to_string())
            .filter(|w| w.chars().all(crate::text::is_han) && !seg.is_stop_word(w))
            .collect()
    };
    let (left, right) = (words(&before[start..]), words(&after[..end]));
    let only = |side: &[String], other: &[String]| -> Vec<String> {
        side.iter()
            .filter(|w| !other.contains(w))
            .cloned()
            .collect()
    };
    let (a, b) = (only(&left, &right), only(&right, &left));
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    a.into_iter().chain(b).collect()
}

/// Whether a question word of `pattern` asks in `norm`: not `几` of a word (`几乎`, `几何`)
/// or of `哪几` (which ones), nor `为什么` after a verb of naming (`称之为什么`: called what).
fn asks(pattern: &Regex, norm: &str) -> bool {
    pattern.find_iter(norm).any(|m| {
        let before = norm[..m.start()].chars().next_back();
        let after = norm[m.end()..].chars().next();
        match m.as_str() {
            "几" => !(before == Some('哪') || after.is_some_and(|c| "乎何经近".contains(c))),
            // `哪几家`: which ones, not how many.
            w if w.starts_with('几') && before == Some('哪') => false,
            "为什么" => !before.is_some_and(|c| "称之作成名改译".contains(c)),
            _ => true,
        }
    })
}

/// The answer type of a (normalised) question, and the unit asked about for numbers.
/// Reasons and times are checked before numbers, since `几月` and `哪一年` also look like
/// number questions.
pub fn classify(norm: &str) -> (AnswerType, Option<String>) {
    let answer_type = if asks(&REASON_Q, norm) {
        AnswerType::Reason
    } else if TIME_Q.is_match(norm) {
        AnswerType::Time
    } else if PERSON_Q.is_match(norm) {
        AnswerType::Person
    } else if PLACE_Q.is_match(norm) {
        AnswerType::Place
    } else if asks(&NUMBER_Q, norm)
        || (NUMBER_ATTRIBUTE_Q.is_match(norm) && !THING_Q.is_match(norm))
    {
        AnswerType::Number
    } else {
        AnswerType::Other
    };
    let unit = question_unit(norm).filter(|_| answer_type == AnswerType::Number);
    (answer_type, unit)
}

/// The unit after 多少/几 in a question; `几个人` counts people (人), not things (个).
fn question_unit(norm: &str) -> Option<String> {
    // A match's score is written `85比71`: its "unit" is 比.
    let Some(unit) = UNIT_Q.captures(norm).and_then(|c| c.get(2)) else {
        return norm.contains("比分").then(|| SCORE_UNIT.to_string());
    };
    Some(
        if unit.as_str() == "个" && norm[unit.end()..].starts_with('人') {
            "人".to_string()
        } else {
            unit.as_str().to_string()
        },
    )
}

/// The ways news writes a figure in `unit`: people are counted in 人, 名 or 位 alike
/// (`多少人` is answered by `35名`), and some units have two names.
fn unit_forms(unit: &str) -> Vec<&str> {
    const FORMS: [&[&str]; 3] = [&["人", "名", "位"], &["公里", "千米"], &["公斤", "千克"]];
    FORMS
        .into_iter()
        .find(|forms| forms.contains(&unit))
        .map_or_else(|| vec![unit], <[&str]>::to_vec)
}

/// Reads a question asked on the corpus's newest day (see [`analyse_on`]).
pub fn analyse(engine: &Engine, question: &str) -> QuestionInfo {
    analyse_on(engine, question, engine.anchor())
}

/// Reads a question asked on `today`: what it asks for, which dates it names, and which
/// words matter. Question scaffolding and fillers (`是谁`, `一共`, from the stop list) go
/// before segmentation; a word the corpus has never seen is replaced by its parts that it
/// has (a question character glued to a word: `长是` in `市长是谁`).
pub fn analyse_on(engine: &Engine, question: &str, today: NaiveDate) -> QuestionInfo {
    let seg = &engine.segmenter;
    let norm = dates::full_years(&seg.normalize(question), today).into_owned();
    // `哪几句话` asks for words, not a number.
    let (phrases, mut asking) = match listed::phrases_asked(&norm) {
        Some((parts, asking)) => (Some(parts), vec![asking]),
        None => (None, Vec::new()),
    };
    let (answer_type, unit) = if phrases.is_some() {
        (AnswerType::Other, None)
    } else {
        classify(&norm)
    };
    let item = match listed::item_asked(&norm) {
        Some((item, words)) if answer_type == AnswerType::Other => {
            asking.extend(words);
            Some(item)
        }
        _ => None,
    };
    // Parts of a year (`1到10月`) first, so their months are not read as dates; the words
    // asking for a list's item (`最后一条`) are not searched for either.
    let parts = dates::year_parts(&norm);
    let ranges: Vec<Range<usize>> = parts.iter().map(|(_, r)| r.clone()).chain(asking).collect();
    let without_parts = dates::blank_ranges(&norm, &ranges);
    let (found, without_dates) = dates::take_out(&without_parts, today);
    let content = seg.strip_phrases(&without_dates);
    let unseen = unseen_idf(engine);
    // Where the question word is (in characters; blanking keeps one character per
    // character): the words next to it are what is asked about.
    let wh = WH_WORD.find(&norm).map(|m| {
        let from = norm[..m.start()].chars().count();
        (from, from + m.as_str().chars().count())
    });
    let chars_before = |b: usize| content[..b].chars().count();
    let mut words: Vec<(String, f32)> = Vec::new();
    let mut general: Vec<f32> = Vec::new();
    let mut alternatives: Vec<Vec<String>> = Vec::new();
    let mut push = |w: &str, weight: f32, at: usize| {
        if words.iter().any(|(x, _)| x == w) {
            return;
        }
        let boost = wh.map_or(1.0, |(s, e)| {
            let (ws, we) = (at, at + w.chars().count());
            let gap = if we <= s {
                s - we
            } else {
                ws.saturating_sub(e)
            };
            1.0 + FOCUS_BOOST * (-(gap as f32) / FOCUS_REACH).exp()
        });
        words.push((w.to_string(), weight * boost));
        general.push(seg.general_rarity(w) * boost);
        alternatives.push(seg.news_words(w).to_vec());
    };
    for (word, start) in seg.question_words(&content) {
        let word = word.as_str();
        if seg.is_stop_word(word) || is_question_word(word) {
            continue;
        }
        let at = chars_before(start);
        // The measure word of 哪 or 几 cut off from it (`哪` / `枚`) is part of the question
        // word. (Blanking keeps one character per character: `content` and `norm` line up.)
        if word.chars().count() == 1
            && at > 0
            && norm
                .chars()
                .nth(at - 1)
                .is_some_and(|c| c == '哪' || c == '几')
        {
            continue;
        }
        // A verb of saying before 的 or 了 (`朱晓东提的要求`, `会议提了什么要求`) only ties the
        // speaker to what is asked; the news says 强调, 指出, and a one-character word would
        // be found inside others (`提升`).
        if REPORTING_VERBS.contains(&word)
            && content[start + word.len()..].starts_with(['的', '了'])
        {
            continue;
        }
        let idf = engine.index.word_idf(word);
        let n = word.chars().count();
        if idf >= unseen - 1e-3 && n >= 2 && word.chars().all(crate::text::is_han) {
            // Never seen as a word: use its parts the corpus knows, if any.
            let parts = known_parts(engine, word, unseen);
            if !parts.is_empty() {
                let share = 1.0 / parts.len() as f32;
                for (p, pidf) in parts {
                    push(&p, (pidf * share.max(0.5)).max(0.1), at);
                }
                continue;
            }
        }
        // A word never seen in the corpus still counts, as much as a rare one.
        push(word, idf.max(0.1), at);
    }
    // `多高`, `多长`: the attribute asked about is a content word, lighter than the others.
    if let Some(c) = ATTRIBUTE_Q.captures(&norm).and_then(|c| c.get(1)) {
        let attr = c.as_str().to_string();
        if !words.iter().any(|(w, _)| w.contains(attr.as_str())) {
            let idf = engine.index.word_idf(&attr).max(0.1) * 0.5;
            general.push(seg.general_rarity(&attr) * 0.5);
            alternatives.push(Vec::new());
            words.push((attr, idf));
        }
    }
    let kind = (answer_type == AnswerType::Other)
        .then(|| kind_asked(seg, &norm))
        .flatten();
    let counted = unit.as_deref().and_then(|u| counted_noun(seg, &norm, u));
    let choices = if answer_type == AnswerType::Other {
        choices_asked(seg, &norm)
    } else {
        Vec::new()
    };
    let identifiers = IDENTIFIER
        .find_iter(&content)
        .map(|m| m.as_str().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    let ordinals = ordinals_in(&content);
    let titles = titles_in(&norm);
    let narrowed = narrowed_nouns(seg, &content, &words);
    let wants_total = TOTAL_Q.is_match(&norm);
    let whole_year = parts.is_empty()
        && ordinals.is_empty()
        && !wants_total
        && !found.is_empty()
        && found.iter().all(|d| d.granularity == Granularity::Year)
        && !WITHIN_YEAR_Q.is_match(&norm);
    QuestionInfo {
        choices,
        item,
        phrases,
        answer_type,
        unit,
        counted,
        whole_year,
        words,
        general_weights: general,
        alternatives,
        identifiers,
        wants_name: answer_type == AnswerType::Other && NAME_Q.is_match(&norm),
        kind,
        several: SEVERAL_Q.is_match(&norm),
        opinion: OPINION_Q.is_match(&norm),
        wants_rate: RATE_Q.is_match(&norm),
        wants_total,
        wants_ordinal: norm.contains("第几"),
        wants_year: answer_type == AnswerType::Time && YEAR_Q.is_match(&norm),
        wants_day: answer_type == AnswerType::Time && DAY_Q.is_match(&norm),
        dates: found,
        year_parts: parts.into_iter().map(|(p, _)| p).collect(),
        ordinals,
        titles,
        narrowed,
        content,
    }
}

/// A word jieba tags as a noun, a place or a distinguishing word: what narrows a noun.
fn is_modifier_tag(tag: &str) -> bool {
    (tag.starts_with('n') && !tag.starts_with("nr")) || matches!(tag, "s" | "b" | "vn")
}

/// The question's nouns with the noun right before them narrowing them (see
/// [`QuestionInfo::narrowed`]), both content words of two characters or more.
fn narrowed_nouns(
    seg: &Segmenter,
    content: &str,
    words: &[(String, f32)],
) -> Vec<(String, String)> {
    let content_word = |w: &str| {
        w.chars().count() >= 2
            && w.chars().all(crate::text::is_han)
            && words.iter().any(|(x, _)| x == w)
    };
    seg.tag(content)
        .windows(2)
        .filter(|p| {
            is_modifier_tag(p[0].tag)
                && p[1].tag.starts_with('n')
                && content_word(p[0].word)
                && content_word(p[1].word)
        })
        .map(|p| (p[0].word.to_string(), p[1].word.to_string()))
        .collect()
}

/// Whether `sentence` gives a noun the question narrows (see [`QuestionInfo::narrowed`])
/// narrowed by another noun (`国内外游客` for `入境游客`), and the question's narrowing word
/// is neither in it nor in its `context`.
fn narrowed_otherwise(seg: &Segmenter, info: &QuestionInfo, sentence: &str, context: &str) -> bool {
    if info.narrowed.is_empty() {
        return false;
    }
    let tags = seg.tag(sentence);
    info.narrowed.iter().any(|(modifier, noun)| {
        let news = seg.news_words(modifier);
        if has(sentence, modifier, news) || has(context, modifier, news) {
            return false;
        }
        tags.windows(2).any(|p| {
            p[1].word == noun
                && is_modifier_tag(p[0].tag)
                && p[0].word.chars().count() >= 2
                && p[0].word.chars().all(crate::text::is_han)
                && !info.content.contains(p[0].word)
                && !same_narrowing(modifier, p[0].word)
        })
    })
}

/// Whether two words narrow a noun the same way though written differently: one holds
/// the other's characters in order (`中科院` / `中国科学院`, `美国参议院` / `参议院`), they share
/// a pair of characters, or a whole area (`全省`) is named (`浙江省`).
fn same_narrowing(asked: &str, written: &str) -> bool {
    use crate::text::abbreviates;
    let chars: Vec<char> = asked.chars().collect();
    abbreviates(asked, written)
        || abbreviates(written, asked)
        || chars
            .windows(2)
            .any(|w| written.contains(&w.iter().collect::<String>()))
        || (chars.len() == 2 && chars[0] == '全' && written.ends_with(chars[1]))
}

/// The titles in `《…》` that `norm` names.
fn titles_in(norm: &str) -> Vec<String> {
    static TITLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"《([^》]{2,40})》").expect("valid regex"));
    TITLE
        .captures_iter(norm)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect()
}

/// Whether the titles a text names are those asked (see [`QuestionInfo::titles`]): `None`
/// when it names none; a shorter form (`《条例》` for `《公平竞争审查条例》`) is the same
/// work, a longer one (`《…条例实施办法》`) another.
fn names_title(asked: &[String], named: &[String]) -> Option<bool> {
    (!named.is_empty()).then(|| {
        named.iter().any(|n| {
            asked
                .iter()
                .any(|a| a == n || (n.chars().count() >= 2 && a.ends_with(n.as_str())))
        })
    })
}

/// Verbs of saying a question ties a speaker to what they said with (`朱晓东提的`).
const REPORTING_VERBS: &[&str] = &["提", "讲", "说", "谈"];

/// Question words the stop list cannot hold all of: 哪 and 几 with any measure word
/// (哪家, 哪处, 哪几个, 几台, 几成).
fn is_question_word(w: &str) -> bool {
    let n = w.chars().count();
    (w.starts_with('哪') && n <= 4) || (w.starts_with('几') && n <= 2)
}

/// The question word, for focus: 多少, 几, 谁, 哪…, 什么, 何…, 多大/多长/….
static WH_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"多少|几|谁|哪|什么|啥|何|为什么|为啥|怎么|如何|多[大长高远久重宽深]")
        .expect("valid regex")
});
/// Words next to the question word weigh up to this much more (1 + boost), fading over
/// this many characters.
const FOCUS_BOOST: f32 = 1.0;
const FOCUS_REACH: f32 = 3.0;

/// Numbers that name which one (`第51届`, `2号`, `51届`), not quantities asked about.
static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"第?\d+(?:届|号|期|次|轮|批|季|代)|第[一二三四五六七八九十百]+(?:届|号|期|次|轮|批|季|代)|\d{4}财年",
    )
    .expect("valid regex")
});
/// Asking for a rate, a share or a change rather than an amount.
/// A question asking for a running total rather than a period's figure.
static TOTAL_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"累计|截至|截止|至今|迄今|以来|到目前|到现在").expect("valid regex")
});

/// Times within a year that are not [`dates::year_parts`]: a question naming one does not
/// ask for the whole year's figure.
static WITHIN_YEAR_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"开年|年初|年中|年底|年末|岁末|[春夏秋冬][天季]|汛期|春运|暑运|期间")
        .expect("valid regex")
});

/// Whether a sentence gives a running total (`累计开行突破9万列`, since the service began)
/// without saying which period it covers (`今年以来累计`, `1至10月累计`, `全年累计`): such a
/// figure does not answer a question about a year, month or day.
fn is_running_total(norm: &str) -> bool {
    static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"今年|本年|全年|年内|当年|去年|上半年|下半年|季度|\d{1,2}月|[一二三四五六七八九十]+月|\d{4}年|期间|假期|当天|当日|首日|本月|本周")
            .expect("valid regex")
    });
    norm.contains("累计") && !PERIOD.is_match(norm)
}

static RATE_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"百分|%|比例|占比|比重|增长|增速|增幅|涨幅|降幅|跌幅|下降|上涨|提高|降低|率|几成|同比|环比|翻|[降涨升减]了?多少")
        .expect("valid regex")
});
/// Asking for the name of a thing: the answer is usually quoted (《…》, “…”).
static NAME_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"叫什么|叫啥|名字|名称|什么(?:宣言|条例|法|计划|倡议|文件|报告|战略|主题|口号|理念|工程|项目|奖|称号)")
        .expect("valid regex")
});

/// A question word that asks for a thing of a kind (`什么火箭`, `哪款手机`, `哪家企业`), or
/// for several (`哪几家超市`, `哪两个村`).
static KIND_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"什么|啥|哪(?:一|几|两|[三四五六七八九十])?[个种款项部家座条枚艘架颗台辆所支处本首篇]",
    )
    .expect("valid regex")
});

/// A thing's name asked after its kind: `储气库叫啥名字`, `这座桥叫什么`.
static NAMED_KIND_Q: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"叫(?:什么|啥)(?:名字?)?").expect("valid regex"));

/// Asking what the reader should think or do, not what happened.
static OPINION_Q: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"你(?:觉得|认为|怎么看|看好)|好不好|值不值|划不划算|该不该|对不对|",
        r"哪个更(?:好|划算|舒服|好看|值)|推荐一下|有什么好看的|比较好",
    ))
    .expect("valid regex")
});

/// Asking which ones, several of them.
static SEVERAL_Q: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"哪(?:几|些|两|[三四五六七八九十])").expect("valid regex"));

/// Nouns that ask for a description, not a name (`什么措施`, `什么影响`).
const DESCRIPTIVE_KINDS: &[&str] = &[
    "名字", "名称", "东西", "事", "事情", "问题", "情况", "内容", "意思", "方面", "方式", "办法",
    "措施", "作用", "影响", "意义", "特点", "要求", "目标", "任务", "工作", "样子",
];

/// The noun counted after `多少` and its unit (`多少个项目` → 项目, `几家农贸市场` →
/// 农贸市场); none for people counted in 人 (the unit is the noun).
fn counted_noun(seg: &Segmenter, norm: &str, unit: &str) -> Option<String> {
    let asked = UNIT_Q.find(norm)?;
    let rest = norm[asked.end()..].trim_start();
    if unit == "人" {
        return None;
    }
    let tags = seg.tag(rest);
    let first = tags.first()?;
    (first.tag.starts_with('n')
        && first.word.chars().all(crate::text::is_han)
        && !seg.is_stop_word(first.word))
    .then(|| first.word.to_string())
}

/// Characters of a number written out or around digits (`3.2万`, `三千多`).
const NUMBER_RUN: &str = "零一二三四五六七八九十百千万亿两几多余";

/// Whether `norm` gives a figure of `counted` in `unit`, within one phrase: a number and
/// the unit before the noun (`322个项目`, `6台百万千瓦级机组`), or after it (`首店375家`,
/// `项目达322个`).
fn counts_the_thing(norm: &str, unit: &str, counted: &str) -> bool {
    const GAP: usize = 6;
    let numeral = |c: char| c.is_ascii_digit() || NUMBER_RUN.contains(c);
    let forms = unit_forms(unit);
    norm.match_indices(counted).any(|(at, _)| {
        let before = &norm[..at];
        let unit_before = forms.iter().any(|form| {
            before.rmatch_indices(form).take(2).any(|(u, _)| {
                let gap = &before[u + form.len()..];
                gap.chars().count() <= GAP
                    && gap.chars().all(crate::text::is_han)
                    && before[..u].chars().next_back().is_some_and(numeral)
            })
        });
        // After the noun: a few words (`达`, `超过`), the number, the unit.
        let after = &norm[at + counted.len()..];
        let number_at = after
            .char_indices()
            .take(GAP)
            .take_while(|&(_, c)| crate::text::is_han(c) || c.is_ascii_digit())
            .find(|&(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i);
        let unit_after = number_at.is_some_and(|i| {
            let rest = after[i..].trim_start_matches(|c: char| numeral(c) || c == '.');
            forms.iter().any(|form| rest.starts_with(form))
        });
        unit_before || unit_after
    })
}

/// The noun right after the question word, when it names a kind of thing.
fn kind_asked(seg: &Segmenter, norm: &str) -> Option<String> {
    // A noun that is no description (`措施`) and no filler.
    let names_a_kind = |t: &jieba_rs::Tag<'_>| {
        t.tag.starts_with('n')
            && t.word.chars().all(crate::text::is_han)
            && !DESCRIPTIVE_KINDS.contains(&t.word)
            && !seg.is_stop_word(t.word)
    };
    // `…储气库叫啥名字`: the noun before 叫 is the kind (not a person's name).
    if let Some(m) = NAMED_KIND_Q.find(norm) {
        let tags = seg.tag(&norm[..m.start()]);
        if let Some(last) = tags
            .last()
            .filter(|t| names_a_kind(t) && !t.tag.starts_with("nr") && t.word.chars().count() >= 2)
        {
            return Some(last.word.to_string());
        }
    }
    let m = KIND_Q.find(norm)?;
    let tags = seg.tag(norm[m.end()..].trim_start());
    let first = tags.first()?;
    names_a_kind(first).then(|| first.word.to_string())
}

/// The parts of a word the corpus has never seen that it has seen: its dictionary
/// sub-words, else its character bigrams, with their rarity; single characters only
/// when nothing longer is known.
fn known_parts(engine: &Engine, word: &str, unseen: f32) -> Vec<(String, f32)> {
    let seg = &engine.segmenter;
    let mut parts: Vec<(String, f32)> = Vec::new();
    for sub in seg.search_words(word) {
        if sub.text == word
            || sub.text.chars().count() < 2
            || seg.is_stop_word(sub.text)
            || is_question_word(sub.text)
        {
            continue;
        }
        let idf = engine.index.word_idf(sub.text);
        if idf < unseen - 1e-3 && !parts.iter().any(|(p, _)| p == sub.text) {
            parts.push((sub.text.to_string(), idf));
        }
    }
    if parts.is_empty() {
        let chars: Vec<char> = word.chars().collect();
        let bigram_unseen = unseen_idf(engine);
        for pair in chars.windows(2) {
            let gram: String = pair.iter().collect();
            let idf = engine.index.bigram_idf(&gram);
            if idf < bigram_unseen - 1e-3 && !parts.iter().any(|(p, _)| *p == gram) {
                parts.push((gram, idf));
            }
        }
    }
    parts
}

static ATTRIBUTE_Q: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"多(高|长|大|重|远|深|宽|久|厚|快|老)").expect("valid regex"));

/// One candidate sentence.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub(crate) article: usize,
    pub(crate) paragraph: usize,
    /// Byte range of the sentence in its paragraph.
    pub(crate) range: Range<usize>,
    pub(crate) score: f32,
    /// Weighted share of the question's content words found in the sentence (words left
    /// to its paragraph or article count half).
    pub(crate) coverage: f32,
    /// The same, weighing words by how few candidate sentences hold them.
    pub(crate) focus: f32,
    pub(crate) type_match: bool,
    pub(crate) unit_match: bool,
    /// It gives a figure of the thing the question counts (see [`QuestionInfo::counted`]).
    pub(crate) counted: bool,
    /// How well the sentence's dates fit the question's, from -1 (another year) to 1; 0
    /// when the question names no date.
    pub(crate) date_fit: f32,
    /// Whether the sentence speaks of the part of the year asked about: 1 the same, -1
    /// only another, less when only its paragraph says; 0 when the question names none.
    pub(crate) year_part_fit: f32,
    /// Whether the sentence speaks of the edition, round or holiday asked about (`第30届`,
    /// `国庆`): -1 only another, -0.5 only its context another, 0.3 the one asked (in the
    /// sentence or its context), 0 when nothing says or the question names none.
    pub(crate) ordinal_fit: f32,
    /// Rank of its paragraph after reranking (0 is best).
    pub(crate) paragraph_rank: usize,
    /// Coverage of the question by general-language rarity (see
    /// [`QuestionInfo::general_weights`]), with its context: what the decision reads.
    pub(crate) support: f32,
    /// Every number the question names is in the sentence or its context.
    pub(crate) identifiers_found: bool,
    /// The heaviest question word (by general rarity, as a share of all) found neither in
    /// the sentence nor in its context: what a near miss lacks (another holiday, another
    /// quarter, another medal).
    pub(crate) missing: f32,
    /// A heading (a short paragraph without sentence-final punctuation): it sums up, the
    /// sentence after it states.
    pub(crate) heading: bool,
    /// Share of the question's bigrams in the sentence.
    pub(crate) grams: f32,
    /// How close together the question's words are in the sentence (see
    /// [`coverage_in_context`]).
    pub(crate) proximity: f32,
    /// The sentence's place in its paragraph (0 is first).
    pub(crate) position: usize,
    /// Where in the sentence the heading of the list item asked for is (see
    /// [`QuestionInfo::item`]): the answer's span.
    pub(crate) item_span: Option<Range<usize>>,
    /// It gives the noun asked for narrowed otherwise (`国内外游客` for `入境游客`; see
    /// [`QuestionInfo::narrowed`]). Read for the best candidate only.
    pub(crate) narrowed_otherwise: bool,
}

/// Everything `ask` looked at, best first: for the evaluation and for debugging.
#[derive(Debug, Clone)]
pub struct AskTrace {
    pub(crate) info: QuestionInfo,
    /// Paragraphs retrieved, best first after reranking, as `(article, paragraph)`; the
    /// sentences of the first few are the candidates.
    pub(crate) paragraphs: Vec<(usize, Option<usize>)>,
    pub(crate) candidates: Vec<Candidate>,
    /// The best score of a sentence from another article that does not give the best
    /// sentence's answer (see [`Engine::rival`]); `None` when there is none.
    pub(crate) rival: Option<f32>,
    /// Where in the best sentence the thing asked for is (see [`answer_span`]): byte range.
    pub(crate) answer_span: Option<Range<usize>>,
}

impl AskTrace {
    /// The probability that the best candidate answers (see [`confidence`]).
    pub(crate) fn confidence(&self) -> f32 {
        self.candidates
            .first()
            .map_or(0.0, |best| confidence(&self.info, best, self.rival))
    }
}

/// The answer to a question, or a plain "not found". Its JSON (flat citation fields, as the
/// README documents) is written in `render::json`.
#[derive(Debug, Clone)]
pub struct Answer {
    pub(crate) question: String,
    pub answered: bool,
    /// The answer sentence, as written in the article; `None` when not answered.
    pub sentence: Option<String>,
    /// Up to two more sentences from the same article that support the answer.
    pub supporting: Vec<String>,
    /// From 0 to 1: the estimated probability that the sentence answers the question
    /// (calibrated on held-out questions; see docs/EVAL.md).
    pub confidence: f32,
    pub(crate) answer_type: AnswerType,
    /// The article the sentence is from; `None` when not answered.
    pub article: Option<ArticleRef>,
    /// The sentence's paragraph in that article (0-based).
    pub(crate) paragraph: Option<usize>,
    /// `[start, end)` character offsets of the question's words in `sentence`.
    pub highlights: Vec<[usize; 2]>,
    /// Byte ranges of the same, for renderers.
    pub(crate) highlight_bytes: Vec<Range<usize>>,
    /// `[start, end)` character offsets in `sentence` of the thing asked for (the number
    /// with its unit, the name, the date), when it can be told.
    pub answer_span: Option<[usize; 2]>,
    /// Byte range of the same, for renderers.
    pub answer_span_bytes: Option<Range<usize>>,
    /// The dates understood in the question, as ranges.
    pub dates: Vec<DateSpec>,
    /// The parts of a year understood in the question (`1到10月`).
    pub year_parts: Vec<YearPart>,
    /// Words to search for when there is no answer.
    pub suggested_search: Option<String>,
    /// The question asks for an opinion or advice (see [`QuestionInfo::opinion`]).
    pub(crate) opinion: bool,
}

/// Paragraphs retrieved per question, reranked, and how many of them are read sentence by
/// sentence.
const RETRIEVE: usize = 40;
const READ: usize = 8;
/// More paragraphs retrieved within the question's dates, when it names some.
const RETRIEVE_DATED: usize = 20;
/// Below this confidence, no answer: on the dev questions it keeps wrong answers under
/// 10% of the answerable ones (docs/EVAL.md).
pub(crate) const MIN_CONFIDENCE: f32 = 0.6;

/// Weights of the sentence score, tuned on CMRC 2018 trial and checked on DRCD dev and
/// the dev part of the news questions.
const W_COVERAGE: f32 = 0.7;
/// Within coverage: the share given to "focus" (words weighed by how few candidate
/// sentences hold them, title words credited) rather than plain rarity.
const FOCUS_SHARE: f32 = 0.9;
const W_BIGRAMS: f32 = 0.1;
const W_TYPE: f32 = 0.2;
const W_UNIT: f32 = 0.1;
const W_COUNTED: f32 = 0.1;
const W_RANK: f32 = 0.2;
const W_PROXIMITY: f32 = 0.05;
const W_POSITION: f32 = 0.03;
const W_DATE: f32 = 0.25;
const W_YEAR_PART: f32 = 0.25;
const W_ORDINAL: f32 = 0.4;
const W_HEADING: f32 = 0.15;
/// The item of a list asked for by its place (`最后一条`) is the answer, whatever other
/// sentence of its article shares more of the question's words.
const W_ITEM: f32 = 0.5;
/// Paragraph rerank: BM25 relative to the best, plus coverage of the question in the
/// paragraph with its title and lead.
const RERANK_COVERAGE: f32 = 1.0;
const RERANK_DATE: f32 = 0.4;
const RERANK_PART: f32 = 0.2;

/// A paragraph retrieved for a question, while reranking.
struct Retrieved {
    article: usize,
    paragraph: usize,
    bm25: f32,
    score: f32,
}

/// Articles' lists, by article, read once per question.
type Lists = HashMap<usize, Rc<List>>;

/// A paragraph whose sentences are read, with the rank it is read at.
#[derive(Clone, Copy)]
struct Reading {
    rank: usize,
    article: usize,
    paragraph: usize,
}

impl Engine {
    /// The day relative dates are read against in one-shot commands: the newest article's
    /// date, or today for a corpus without dates.
    pub(crate) fn anchor(&self) -> NaiveDate {
        self.newest_date()
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Answers `question` from the corpus, reading relative dates against the newest
    /// article's date.
    pub fn ask(&self, question: &str) -> Answer {
        self.ask_on(question, self.anchor())
    }

    /// Answers `question` asked on `today` (the bot passes the real date).
    pub fn ask_on(&self, question: &str, today: NaiveDate) -> Answer {
        let trace = self.ask_trace_on(question, today);
        self.answer_from(question, &trace)
    }

    /// What `ask` looked at, with relative dates read against the newest article's date.
    pub(crate) fn ask_trace(&self, question: &str) -> AskTrace {
        self.ask_trace_on(question, self.anchor())
    }

    /// Retrieves and reranks paragraphs for a question asked on `today`, and ranks the
    /// sentences of the best of them.
    pub(crate) fn ask_trace_on(&self, question: &str, today: NaiveDate) -> AskTrace {
        let info = analyse_on(self, question, today);
        // The news' words for the question's words count when sentences are read, not in
        // the search itself: adding them there retrieved worse paragraphs (docs/EVAL.md).
        let plan = crate::index::QueryPlan::new(&self.segmenter, &info.content);
        // An abbreviation the reader types (`gdp`, `世贸`) is searched with its full name
        // too: the paragraph stating the figure often spells it out. (Other news words for
        // a reader's word are only read in sentences: in the search they retrieved worse.)
        let expanded = abbreviations_spelt_out(&info);
        let read = if expanded.is_empty() {
            self.retrieve(&info, &plan)
        } else {
            let query = format!("{} {}", info.content, expanded.join(" "));
            self.retrieve(
                &info,
                &crate::index::QueryPlan::new(&self.segmenter, &query),
            )
        };
        // The lists of the articles read, when the question asks for an item of one.
        let mut lists = info.item.as_ref().map(|_| HashMap::new());
        let to_read = self.to_read(
            &read[..read.len().min(READ)],
            info.item.as_ref().zip(lists.as_mut()),
        );
        let sents = self.sentences_of(&to_read, lists.as_mut());
        let mut candidates = self.score_sentences(&info, &plan, &sents);
        if let Some(best) = candidates.first_mut() {
            best.narrowed_otherwise = self.best_narrowed_otherwise(&info, best);
        }
        let span = candidates.first().and_then(|best| {
            best.item_span.clone().or_else(|| {
                answer_span(
                    &self.segmenter,
                    &info,
                    self.candidate_text(best),
                    &info.terms(),
                )
            })
        });
        let rival = self.rival(&candidates, span.clone());
        AskTrace {
            info,
            paragraphs: read
                .iter()
                .map(|r| (r.article, Some(r.paragraph)))
                .collect(),
            candidates,
            rival,
            answer_span: span,
        }
    }

    /// The best score of a candidate from another article than the best one's that does
    /// not hold the best one's answer (the figure, name or date asked for). Another report
    /// that states the same answer (news repeats a fact across days) does not compete
    /// with it; one that gives something else does.
    /// `span` is where the best one's answer is in its sentence.
    fn rival(&self, candidates: &[Candidate], span: Option<Range<usize>>) -> Option<f32> {
        let best = candidates.first()?;
        let text = self.candidate_text(best);
        let answer = span
            .map(|r| &text[r])
            // Two digits alone (`20`) turn up in any other figure or date.
            .filter(|a| a.chars().count() >= 3 || a.chars().any(|c| !c.is_ascii_digit()));
        // A day is the same day without its year (`2024年8月1日`, `8月1日起施行`).
        let without_year = answer.and_then(|a| {
            let rest = a.split_once('年')?.1;
            (a.starts_with(|c: char| c.is_ascii_digit()) && rest.contains('月')).then_some(rest)
        });
        candidates
            .iter()
            .filter(|c| c.article != best.article)
            .find(|c| {
                let other = self.candidate_text(c);
                answer.is_none_or(|a| {
                    !other.contains(a) && without_year.is_none_or(|day| !other.contains(day))
                })
            })
            .map(|c| c.score)
    }

    /// The best paragraphs for a question: dozens from the index (and more within its
    /// dates), reranked by how much of the question they cover with their article's
    /// title and lead, and how well their article's date fits.
    fn retrieve(&self, info: &QuestionInfo, plan: &crate::index::QueryPlan) -> Vec<Retrieved> {
        let hits = match date_window(&info.dates) {
            None => self.index.search(plan, RETRIEVE),
            Some(window) => {
                let (mut hits, dated) = self.hits_and_dated(plan, RETRIEVE, RETRIEVE_DATED, window);
                for h in dated {
                    if !hits
                        .iter()
                        .any(|x| x.article == h.article && x.paragraph == h.paragraph)
                    {
                        hits.push(h);
                    }
                }
                hits
            }
        };
        let best = hits
            .iter()
            .map(|h| h.score)
            .fold(0.0f32, f32::max)
            .max(1e-6);
        let total: f32 = info.words.iter().map(|(_, w)| w).sum();
        let seg = &self.segmenter;
        let mut contexts: HashMap<usize, Rc<String>> = HashMap::new();
        let mut out: Vec<Retrieved> = hits
            .into_iter()
            .filter_map(|h| {
                let p = h.paragraph?;
                let article = &self.articles[h.article];
                let text = seg.normalize(article.paragraphs.get(p)?);
                let context = contexts
                    .entry(h.article)
                    .or_insert_with(|| Rc::new(article_context(seg, article)));
                let (covered, _) =
                    coverage_in_context(&text, context, &info.words, &info.alternatives, total);
                let mut date = article_date_fit(&info.dates, article.date);
                // A year's figures are reported in the next months (`2025年，服务进出口总额…`
                // in February 2026): a later paragraph naming the asked year fits it.
                if date < 1.0 && paragraph_names_asked_year(info, &text, article.date) {
                    date = 1.0;
                }
                let bm25 = h.score / best;
                // A paragraph naming the part of the year asked for (`前11个月`) over one
                // naming another.
                let part = if info.year_parts.is_empty() {
                    0.0
                } else {
                    match names_part(&info.year_parts, &text) {
                        Some(true) => 1.0,
                        Some(false) => -1.0,
                        None => 0.0,
                    }
                };
                Some(Retrieved {
                    article: h.article,
                    paragraph: p,
                    bm25,
                    score: bm25
                        + RERANK_COVERAGE * covered
                        + RERANK_DATE * date
                        + RERANK_PART * part,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b.bm25.total_cmp(&a.bm25))
                .then_with(|| (a.article, a.paragraph).cmp(&(b.article, b.paragraph)))
        });
        out
    }

    /// The paragraphs whose sentences are read: the best
    /// retrieved, each heading followed by the paragraph under it (a sub-heading sums up,
    /// the paragraph after it states the figure), at the heading's rank.
    /// With a list item asked for, the paragraph holding that item of a read article's
    /// list is read too, at the article's rank.
    fn to_read(&self, best: &[Retrieved], item: Option<(&ItemAsked, &mut Lists)>) -> Vec<Reading> {
        let mut out = Vec::with_capacity(best.len() * 2);
        for (rank, r) in best.iter().enumerate() {
            out.push(Reading {
                rank,
                article: r.article,
                paragraph: r.paragraph,
            });
            let paragraphs = &self.articles[r.article].paragraphs;
            let next = r.paragraph + 1;
            if paragraphs.get(r.paragraph).is_some_and(|p| is_heading(p))
                && next < paragraphs.len()
                && !best
                    .iter()
                    .any(|b| b.article == r.article && b.paragraph == next)
            {
                out.push(Reading {
                    rank,
                    article: r.article,
                    paragraph: next,
                });
            }
        }
        if let Some((asked, lists)) = item {
            for (rank, r) in best.iter().enumerate() {
                if best[..rank].iter().any(|b| b.article == r.article) {
                    continue;
                }
                for it in self
                    .list_of(lists, r.article)
                    .items
                    .iter()
                    .filter(|it| asked.fits(it))
                {
                    if !out
                        .iter()
                        .any(|o| o.article == r.article && o.paragraph == it.paragraph)
                    {
                        out.push(Reading {
                            rank,
                            article: r.article,
                            paragraph: it.paragraph,
                        });
                    }
                }
            }
        }
        out
    }

    /// An article's list (see [`listed::list_of`]), read once per question.
    fn list_of(&self, lists: &mut Lists, article: usize) -> Rc<List> {
        let seg = &self.segmenter;
        Rc::clone(lists.entry(article).or_insert_with(|| {
            Rc::new(listed::list_of(&self.articles[article].paragraphs, |t| {
                seg.normalize(t)
            }))
        }))
    }

    /// The sentences of the paragraphs read, each with its context (and, given `lists`, the
    /// item of its article's list it opens).
    fn sentences_of(
        &self,
        read: &[Reading],
        mut lists: Option<&mut Lists>,
    ) -> Vec<SentenceInContext> {
        let seg = &self.segmenter;
        let mut sents = Vec::new();
        let mut contexts: HashMap<usize, (Rc<String>, Rc<String>)> = HashMap::new();
        for &Reading {
            rank,
            article: article_at,
            paragraph,
        } in read
        {
            let article = &self.articles[article_at];
            let Some(text) = article.paragraphs.get(paragraph) else {
                continue;
            };
            // The title and the article's context are built once per article and shared
            // by its sentences (hot path).
            let (title, article_ctx) = contexts
                .entry(article_at)
                .or_insert_with(|| {
                    (
                        Rc::new(seg.normalize(&article.title)),
                        Rc::new(article_context(seg, article)),
                    )
                })
                .clone();
            // The byline stays: its date and outlet answer "when" and "who reported".
            let normed: Vec<(Range<usize>, String)> = sentences(text)
                .into_iter()
                .map(|range| {
                    let norm = seg.normalize(&text[range.clone()]);
                    (range, norm)
                })
                .collect();
            let mut context = String::with_capacity(article_ctx.len() + text.len());
            context.push_str(&article_ctx);
            context.push('\n');
            // The sub-heading a paragraph is under names what it leaves unsaid.
            if let Some(heading) = heading_above(&article.paragraphs, paragraph) {
                context.push_str(&seg.normalize(heading));
                context.push('\n');
            }
            // The items of a list leave their subject to what introduces the list.
            let list = lists.as_deref_mut().map(|l| self.list_of(l, article_at));
            if let Some(list) = list
                .as_ref()
                .filter(|l| l.items.iter().any(|i| i.paragraph == paragraph))
            {
                context.push_str(&list.lead_in);
                context.push('\n');
            }
            context.extend(normed.iter().map(|(_, norm)| norm.as_str()));
            let context = Rc::new(context);
            let heading = is_heading(text);
            for (position, (range, norm)) in normed.into_iter().enumerate() {
                let item = list.as_ref().and_then(|list| {
                    list.items
                        .iter()
                        .find(|i| i.paragraph == paragraph && range.contains(&i.heading.start))
                        .cloned()
                });
                sents.push(SentenceInContext {
                    item,
                    heading,
                    rank,
                    article: article_at,
                    paragraph,
                    position,
                    range,
                    norm,
                    date: article.date,
                    title: Rc::clone(&title),
                    context: Rc::clone(&context),
                });
            }
        }
        sents
    }

    fn score_sentences(
        &self,
        info: &QuestionInfo,
        plan: &crate::index::QueryPlan,
        sents: &[SentenceInContext],
    ) -> Vec<Candidate> {
        let seg = &self.segmenter;
        let total_weight: f32 = info.words.iter().map(|(_, w)| w).sum();
        // How many sentences hold each word tells which words tell sentences apart (the
        // topic's name is in all of them).
        let n = sents.len().max(1) as f32;
        let spread: Vec<f32> = info
            .words
            .iter()
            .zip(&info.alternatives)
            .map(|((w, _), alts)| {
                let sf = sents.iter().filter(|s| has(&s.norm, w, alts)).count() as f32;
                (1.0 + n / (1.0 + sf)).ln() / (1.0 + n).ln()
            })
            .collect();
        // A thing of a kind named (`什么火箭`) tells the confidence, not the ranking: many
        // such questions ask for a description, and the sentence that describes wins.
        let kind_only = info.asks_kind_only();
        let by_place = info.item.as_ref().is_some_and(ItemAsked::by_place);
        let mut candidates = Vec::with_capacity(sents.len());
        let mut context_parts: HashMap<*const String, Option<bool>> = HashMap::new();
        let mut context_years: HashMap<*const String, bool> = HashMap::new();
        // Editions named by each paragraph's context, read once per paragraph; and the
        // edition each identifier names, once per question.
        let mut context_ordinals: HashMap<*const String, Vec<(u32, char)>> = HashMap::new();
        let identifier_ordinals: Vec<Option<(u32, char)>> = info
            .identifiers
            .iter()
            .map(|id| ordinals_in(id).first().copied())
            .collect();
        let mut context_titles: HashMap<*const String, Option<bool>> = HashMap::new();
        for s in sents {
            let norm_title = s.title.as_str();
            // Words the sentence leaves to its context (the paragraph, the title, the
            // lead) count half: "it flows 171 km" answers a question naming the river's
            // city when the paragraph is about that city.
            let (covered, proximity) = coverage_in_context(
                &s.norm,
                &s.context,
                &info.words,
                &info.alternatives,
                total_weight,
            );
            // The same coverage, but weighing words by how few sentences hold them, and
            // crediting the article's title words to every sentence of the article: they name
            // the topic, so repeating them (the lead) tells nothing within the article, and
            // an article whose title names the question's topic is not worse off than one
            // whose sentence happens to repeat those words.
            let mut titled = 0.0f32;
            let weights: Vec<(String, f32)> = info
                .words
                .iter()
                .zip(&spread)
                .zip(&info.alternatives)
                .map(|(((w, idf), sp), alts)| {
                    if has(norm_title, w, alts) {
                        titled += idf * sp;
                        (w.clone(), 0.0)
                    } else {
                        (w.clone(), idf * sp)
                    }
                })
                .collect();
            let focus_total: f32 = weights.iter().map(|(_, w)| w).sum::<f32>() + titled;
            let (found, _) = coverage(&s.norm, &weights, &info.alternatives, focus_total);
            let focus = found + titled / focus_total.max(1e-6);
            let grams = if plan.bigrams.is_empty() {
                0.0
            } else {
                plan.bigrams
                    .iter()
                    .filter(|b| s.norm.contains(b.as_str()))
                    .count() as f32
                    / plan.bigrams.len() as f32
            };
            // The heading of the list item asked for, in the sentence: the answer's span.
            let item_span = info
                .item
                .as_ref()
                .zip(s.item.as_ref())
                .filter(|(asked, item)| asked.fits(item))
                .map(|(_, item)| {
                    item.heading.start - s.range.start
                        ..item.heading.end.min(s.range.end) - s.range.start
                });
            let (type_match, unit_match) = if item_span.is_some() {
                (true, false)
            } else {
                type_match(seg, info, &s.norm)
            };
            let counted = unit_match
                && info
                    .unit
                    .as_deref()
                    .zip(info.counted.as_deref())
                    .is_some_and(|(unit, thing)| counts_the_thing(&s.norm, unit, thing));
            let mut date_fit = date_fit(info, &s.norm, s.date);
            // A later report on an asked year (`《…2022年年度报告》日前发布` in 2023) says the
            // year in its paragraph or title; its sentences need not repeat it. (Read once
            // per paragraph.)
            if date_fit < 0.0
                && dates::years_mentioned(&s.norm, s.date).is_empty()
                && *context_years
                    .entry(Rc::as_ptr(&s.context))
                    .or_insert_with(|| context_names_asked_year(info, &s.context, s.date))
            {
                date_fit = 0.5;
            }
            let whole_year = info.whole_year;
            let year_part_fit = if info.year_parts.is_empty() && !whole_year {
                0.0
            } else {
                let asked: &[YearPart] = if whole_year {
                    &[YearPart::WHOLE]
                } else {
                    &info.year_parts
                };
                // The paragraph's parts of the year are read once for all its sentences.
                let in_context = *context_parts
                    .entry(Rc::as_ptr(&s.context))
                    .or_insert_with(|| names_part(asked, &s.context));
                let in_sentence = names_part(asked, &s.norm);
                if whole_year {
                    whole_year_fit(in_sentence, in_context, TO_DATE.is_match(&s.norm))
                } else if in_sentence != Some(true) && reported_before_part_ended(info, s.date) {
                    -1.0
                } else {
                    named_fit(in_sentence, in_context)
                }
            };
            // Every identifier that names an edition is among `info.ordinals` (both read the
            // question's content), so without those there is nothing to read here.
            let (sentence_ordinals, context_ordinals, edition_fit) = if info.ordinals.is_empty() {
                (Vec::new(), &[][..], 0.0)
            } else {
                let context = context_ordinals
                    .entry(Rc::as_ptr(&s.context))
                    .or_insert_with(|| ordinals_in(&s.context));
                let sentence = ordinals_in(&s.norm);
                let fit = ordinal_fit(
                    names_ordinal(&info.ordinals, &sentence),
                    names_ordinal(&info.ordinals, context),
                );
                (sentence, &context[..], fit)
            };
            // A work named by title counts like an edition: only another work named is
            // another question.
            let ordinal_fit = if info.titles.is_empty() {
                edition_fit
            } else {
                let in_context = *context_titles
                    .entry(Rc::as_ptr(&s.context))
                    .or_insert_with(|| names_title(&info.titles, &titles_in(&s.context)));
                let title_fit =
                    ordinal_fit(names_title(&info.titles, &titles_in(&s.norm)), in_context);
                // Either one against decides; else the better one for.
                if title_fit < 0.0 || edition_fit < 0.0 {
                    edition_fit.min(title_fit)
                } else {
                    edition_fit.max(title_fit)
                }
            };
            let general: Vec<(String, f32)> = info
                .words
                .iter()
                .zip(&info.general_weights)
                .map(|((w, _), g)| (w.clone(), *g))
                .collect();
            let general_total: f32 = info.general_weights.iter().sum();
            let (support, _) = coverage_in_context(
                &s.norm,
                &s.context,
                &general,
                &info.alternatives,
                general_total,
            );
            let missing = general
                .iter()
                .zip(&info.alternatives)
                .filter(|((w, _), alts)| !has(&s.norm, w, alts) && !has(&s.context, w, alts))
                .map(|(w, _)| w)
                .map(|(_, g)| g / general_total.max(1e-6))
                .fold(0.0f32, f32::max);
            // An edition written in other numerals (`第三十届` for `第30届`) is found too.
            let identifiers_found =
                info.identifiers
                    .iter()
                    .zip(&identifier_ordinals)
                    .all(|(id, edition)| {
                        s.norm.contains(id.as_str())
                            || s.context.contains(id.as_str())
                            || edition.is_some_and(|o| {
                                sentence_ordinals.contains(&o) || context_ordinals.contains(&o)
                            })
                    });
            let score = W_COVERAGE * ((1.0 - FOCUS_SHARE) * covered + FOCUS_SHARE * focus)
                + W_BIGRAMS * grams
                + W_TYPE * f32::from(u8::from(type_match && (!kind_only || item_span.is_some())))
                + W_ITEM * f32::from(u8::from(item_span.is_some() && by_place))
                + W_UNIT * f32::from(u8::from(unit_match))
                + W_COUNTED * f32::from(u8::from(counted))
                + W_RANK / (1.0 + s.rank as f32)
                + W_PROXIMITY * proximity
                + W_POSITION / (1.0 + s.position as f32)
                + W_DATE * date_fit
                + W_YEAR_PART * year_part_fit
                + W_ORDINAL * ordinal_fit
                - W_HEADING * f32::from(u8::from(s.heading));
            candidates.push(Candidate {
                article: s.article,
                paragraph: s.paragraph,
                range: s.range.clone(),
                score,
                coverage: covered,
                focus,
                type_match,
                unit_match,
                counted,
                date_fit,
                year_part_fit,
                ordinal_fit,
                item_span,
                narrowed_otherwise: false,
                paragraph_rank: s.rank,
                support,
                identifiers_found,
                missing,
                heading: s.heading,
                grams,
                proximity,
                position: s.position,
            });
        }
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        statement_before_heading(&mut candidates);
        if by_place {
            item_before_its_article(&mut candidates);
        }
        if info.asks_typed() {
            with_its_continuation(&mut candidates);
        }
        candidates
    }

    /// Whether the best candidate gives the noun asked for narrowed otherwise (see
    /// [`narrowed_otherwise`]), reading its paragraph and its article's title and lead.
    fn best_narrowed_otherwise(&self, info: &QuestionInfo, best: &Candidate) -> bool {
        if info.narrowed.is_empty() {
            return false;
        }
        let seg = &self.segmenter;
        let article = &self.articles[best.article];
        let mut context = article_context(seg, article);
        context.push('\n');
        context.push_str(&seg.normalize(&article.paragraphs[best.paragraph]));
        narrowed_otherwise(
            seg,
            info,
            &seg.normalize(self.candidate_text(best)),
            &context,
        )
    }

    /// The sentence text of a candidate.
    pub(crate) fn candidate_text(&self, c: &Candidate) -> &str {
        &self.articles[c.article].paragraphs[c.paragraph][c.range.clone()]
    }

    /// The answer a trace gives: its best sentence when the confidence reaches
    /// [`MIN_CONFIDENCE`], else "not found" with the words to search for.
    pub(crate) fn answer_from(&self, question: &str, trace: &AskTrace) -> Answer {
        let suggestion = {
            let words: Vec<&str> = trace.info.words.iter().map(|(w, _)| w.as_str()).collect();
            (!words.is_empty()).then(|| words.join(" "))
        };
        let confidence = trace.confidence();
        let best = trace
            .candidates
            .first()
            .filter(|_| confidence >= MIN_CONFIDENCE);
        let Some(best) = best else {
            return Answer {
                question: question.to_string(),
                answered: false,
                sentence: None,
                supporting: Vec::new(),
                confidence,
                answer_type: trace.info.answer_type,
                article: None,
                paragraph: None,
                highlights: Vec::new(),
                highlight_bytes: Vec::new(),
                answer_span: None,
                answer_span_bytes: None,
                dates: trace.info.dates.clone(),
                year_parts: trace.info.year_parts.clone(),
                suggested_search: suggestion,
                opinion: trace.info.opinion,
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
        // The news' words for the question's words are highlighted too.
        let terms = trace.info.terms();
        let highlight_bytes = highlight(&self.segmenter, &sentence, &terms);
        let span = trace.answer_span.clone();
        Answer {
            question: question.to_string(),
            answered: true,
            highlights: char_ranges(&sentence, &highlight_bytes),
            highlight_bytes,
            answer_span: span.as_ref().and_then(|r| {
                char_ranges(&sentence, std::slice::from_ref(r))
                    .first()
                    .copied()
            }),
            answer_span_bytes: span,
            sentence: Some(sentence),
            supporting: support
                .iter()
                .map(|c| self.candidate_text(c).to_string())
                .collect(),
            confidence,
            answer_type: trace.info.answer_type,
            article: Some(ArticleRef::of(article)),
            paragraph: Some(best.paragraph),
            dates: trace.info.dates.clone(),
            year_parts: trace.info.year_parts.clone(),
            suggested_search: None,
            opinion: trace.info.opinion,
        }
    }
}

/// A paragraph that is a heading: short, one line, no sentence-final punctuation (the
/// sub-headings of news round-ups).
fn is_heading(paragraph: &str) -> bool {
    let t = paragraph.trim();
    t.chars().count() <= 40
        && !t
            .chars()
            .next_back()
            .is_some_and(|c| "。！？!?…；;”\"」）)".contains(c))
}

/// A sub-heading sums up what the paragraph under it states with its source and detail:
/// when the best candidate is a heading, the best sentence of the paragraph under it
/// answers instead if it holds as much of what was asked (the answer type, the unit). It
/// scores lower only for leaving the subject to the heading.
fn statement_before_heading(candidates: &mut [Candidate]) {
    let Some(best) = candidates.first().filter(|c| c.heading) else {
        return;
    };
    let under = candidates.iter().position(|c| {
        c.article == best.article
            && c.paragraph == best.paragraph + 1
            && c.type_match >= best.type_match
            && c.unit_match >= best.unit_match
    });
    if let Some(at) = under {
        candidates[..=at].rotate_right(1);
    }
}

/// News names what it reports on in one sentence and gives the figure, the result or the
/// cause in the next, which leaves the subject unsaid (`…决赛中，中国女篮与法国女篮展开对决。`
/// `最终，中国女篮以85比71战胜对手…`; `…计划在中国扩产。` `这得益于…`). When the best sentence
/// lacks the answer type and the next sentence of its paragraph holds it, the answer is the
/// two sentences: the reader sees what is asked about and the answer, in bold. For the
/// confidence the pair covers the question as the mean of the two does.
fn with_its_continuation(candidates: &mut Vec<Candidate>) {
    let Some(best) = candidates.first().filter(|c| !c.type_match) else {
        return;
    };
    let Some(at) = candidates.iter().position(|c| {
        c.article == best.article
            && c.paragraph == best.paragraph
            && c.position == best.position + 1
            && c.type_match
            && c.unit_match >= best.unit_match
    }) else {
        return;
    };
    let next = candidates.remove(at);
    let best = &mut candidates[0];
    best.range = best.range.start..next.range.end;
    best.type_match = true;
    best.unit_match = next.unit_match;
    best.counted |= next.counted;
    best.support = 0.5 * (best.support + next.support);
    best.focus = 0.5 * (best.focus + next.focus);
}

/// The item of a list asked for by its place (`第三项`) answers for its article: the
/// sentence announcing the list (`部署了四项重点任务`) shares more of the question's words
/// but does not say what the item is.
fn item_before_its_article(candidates: &mut [Candidate]) {
    let Some(best) = candidates.first().filter(|c| c.item_span.is_none()) else {
        return;
    };
    let article = best.article;
    if let Some(at) = candidates
        .iter()
        .position(|c| c.article == article && c.item_span.is_some())
    {
        candidates[..=at].rotate_right(1);
    }
}

/// The nearest heading above paragraph `at`, after the lead (which is context already).
fn heading_above(paragraphs: &[String], at: usize) -> Option<&str> {
    paragraphs
        .get(1..at)?
        .iter()
        .rev()
        .find(|p| is_heading(p))
        .map(String::as_str)
}

/// The normalised title and lead (first paragraph) of an article: what a paragraph of it
/// can leave unsaid.
fn article_context(seg: &Segmenter, article: &crate::corpus::Article) -> String {
    let mut context = seg.normalize(&article.title);
    if let Some(lead) = article.paragraphs.first() {
        context.push('\n');
        context.push_str(&seg.normalize(lead));
    }
    context
}

/// IDF of a word or bigram the index has never seen (BM25's formula with df = 0).
fn unseen_idf(engine: &Engine) -> f32 {
    let n = engine.index.view().documents().max(1) as f32;
    (1.0 + (n + 0.5) / 0.5).ln()
}

/// The full names, from the synonym list, of the question's words that abbreviate them
/// (`gdp` → `国内生产总值`; see [`crate::text::abbreviates`]).
fn abbreviations_spelt_out(info: &QuestionInfo) -> Vec<&str> {
    info.words
        .iter()
        .zip(&info.alternatives)
        .flat_map(|((word, _), alts)| {
            alts.iter()
                .filter(move |full| crate::text::abbreviates(word, full))
                .map(String::as_str)
        })
        .collect()
}

/// Days after a year's end within which its figures are reported (annual statistics come
/// out in the next January to March).
const YEAR_REPORTED_WITHIN: u64 = 75;

/// The dates to retrieve within: the question's ranges, widened for years (a year's
/// figures are reported early in the next) and recent days.
fn date_window(dates: &[DateSpec]) -> Option<(NaiveDate, NaiveDate)> {
    let from = dates.iter().map(|d| d.from).min()?;
    let to = dates.iter().map(|d| d.to).max()?;
    let widen = if dates.iter().any(|d| d.granularity == Granularity::Year) {
        YEAR_REPORTED_WITHIN
    } else {
        3
    };
    Some((
        from,
        to.checked_add_days(chrono::Days::new(widen)).unwrap_or(to),
    ))
}

/// How well an article's date fits the question's dates: 1 inside, less just after (a
/// report the next day, a year's figures in the next January), -0.5 elsewhere; 0 when the
/// question names no date or the article has none. A month or day asked without its year
/// also fits, less ([`YEAR_GUESSED`]), a story of the same days in another year: the year
/// was only guessed.
fn article_date_fit(dates: &[DateSpec], date: Option<NaiveDate>) -> f32 {
    let (Some(day), false) = (date, dates.is_empty()) else {
        return 0.0;
    };
    let mut best = -0.5f32;
    for d in dates {
        let mut fit = range_fit(d, (d.from, d.to), day);
        if fit < 0.0 && d.year_implied {
            use chrono::Datelike;
            // The same days in the article's year, or the year before (a story of 2 January
            // about 30 December).
            for year in [day.year(), day.year() - 1] {
                if let Some(range) = d.in_year(year) {
                    fit = fit.max(range_fit(d, range, day) * YEAR_GUESSED);
                }
            }
        }
        best = best.max(fit);
    }
    best
}

/// How much a story of the asked days in another year fits a month or day asked without
/// its year, against one of the year guessed.
const YEAR_GUESSED: f32 = 0.7;

/// How well a day fits the range `from..=to` of a date of granularity `d.granularity`.
fn range_fit(d: &DateSpec, (from, to): (NaiveDate, NaiveDate), day: NaiveDate) -> f32 {
    if from <= day && day <= to {
        1.0
    } else if day > to {
        let after = (day - to).num_days();
        match d.granularity {
            Granularity::Year if after <= YEAR_REPORTED_WITHIN as i64 => 0.3,
            Granularity::Day | Granularity::Week if after <= 2 => 0.7,
            Granularity::Month if after <= 20 => 0.3,
            _ => -0.5,
        }
    } else if d.granularity == Granularity::Recent {
        // Older than "recent": less and less likely.
        let before = (from - day).num_days() as f32;
        (-0.5f32).max(0.5 - before / 60.0)
    } else {
        -0.5
    }
}

/// How well a sentence of an article dated `date` fits the question's dates (see
/// [`sentence_date_fit`]); a running total that does not say its period fits as an article
/// of another time, unless the question asks for a total.
fn date_fit(info: &QuestionInfo, norm: &str, date: Option<NaiveDate>) -> f32 {
    let fit = sentence_date_fit(&info.dates, norm, date);
    if fit <= -0.5 {
        fit
    } else if names_another_month(&info.dates, norm) {
        -1.0
    } else if !info.dates.is_empty() && !info.wants_total && is_running_total(norm) {
        -0.5
    } else {
        fit
    }
}

/// Whether a sentence gives its figure for another month than the one a month question
/// asks about (`8月末，外汇储备…` or `1—9月` for September): monthly figures are reported
/// in the next month, so the story's date alone would fit them to the wrong month.
fn names_another_month(dates: &[DateSpec], norm: &str) -> bool {
    use chrono::Datelike;
    let asked: Vec<u32> = dates
        .iter()
        .filter(|d| d.granularity == Granularity::Month)
        .map(|d| d.from.month())
        .collect();
    if asked.is_empty() {
        return false;
    }
    let named = dates::periods_named(norm);
    !named.is_empty()
        && !named
            .iter()
            .any(|(p, _)| p.first == p.last && asked.contains(&p.first))
}

/// Whether a paragraph of an article dated after an asked year, but within the weeks its
/// figures are reported in, names that year.
fn paragraph_names_asked_year(info: &QuestionInfo, text: &str, date: Option<NaiveDate>) -> bool {
    date.is_some_and(|day| {
        info.dates.iter().any(|d| {
            d.granularity == Granularity::Year
                && day > d.to
                && (day - d.to).num_days() <= YEAR_REPORTED_WITHIN as i64
        })
    }) && context_names_asked_year(info, text, date)
}

/// Whether a sentence's context (its paragraph, title and lead) names a year the question
/// asks about (as a calendar year, not a comparison: see [`dates::years_mentioned`]), in
/// an article dated after it.
fn context_names_asked_year(info: &QuestionInfo, context: &str, date: Option<NaiveDate>) -> bool {
    use chrono::Datelike;
    let Some(day) = date else {
        return false;
    };
    let asked: Vec<i32> = info
        .dates
        .iter()
        .filter(|d| d.granularity == Granularity::Year && day > d.to)
        .map(|d| d.from.year())
        .collect();
    !asked.is_empty()
        && dates::years_mentioned(context, date)
            .iter()
            .any(|y| asked.contains(y))
}

/// How well a sentence fits the question's dates: the years it names (or implies: `去年`
/// in a story of 2024) must include an asked year; a sentence naming no year is judged by
/// its article's date.
fn sentence_date_fit(dates: &[DateSpec], norm: &str, date: Option<NaiveDate>) -> f32 {
    if dates.is_empty() {
        return 0.0;
    }
    use chrono::Datelike;
    let asks_year = dates.iter().any(|d| {
        matches!(
            d.granularity,
            Granularity::Year | Granularity::Month | Granularity::Day
        )
    });
    let years = if asks_year {
        dates::years_mentioned(norm, date)
    } else {
        Vec::new()
    };
    if years.is_empty() {
        let article = article_date_fit(dates, date);
        // A month's figures are often reported weeks later (`10月经常项目逆差` in a story of
        // December): a sentence whose own dates, read against its story's, are the asked
        // ones fits. (The month check is the cheap test; reading the dates runs regexes.)
        if article < 0.0 && names_asked_month(dates, norm) && names_asked_dates(dates, norm, date) {
            return 0.3;
        }
        return article;
    }
    // A year only guessed (`6月20日`) asks for none.
    let wanted = |y: i32| {
        dates
            .iter()
            .any(|d| d.year_implied || (d.from.year() <= y && y <= d.to.year()))
    };
    if years.iter().any(|&y| wanted(y)) {
        // A named year is good; a day or month question still wants the article's date,
        // or the month named in the sentence (`明年` in a story of another December names
        // the year, not the month asked about).
        let article = article_date_fit(dates, date);
        if dates.iter().all(|d| d.granularity == Granularity::Year) {
            1.0
        } else if article >= 0.0 || names_asked_month(dates, norm) {
            (0.5 + 0.5 * article).max(0.3)
        } else {
            article
        }
    } else {
        -1.0
    }
}

/// How well a sentence fits what the question specifies (parts of the year, editions; see
/// [`Candidate::year_part_fit`]), from whether the sentence and its context name one asked
/// for (`Some(true)`), only others (`Some(false)`) or none (see [`names_part`],
/// [`names_ordinal`]).
fn named_fit(in_sentence: Option<bool>, in_context: Option<bool>) -> f32 {
    match (in_sentence, in_context) {
        (Some(true), _) => 1.0,
        (Some(false), _) => -1.0,
        (None, Some(true)) => 0.5,
        (None, Some(false)) => -0.5,
        (None, None) => -0.3,
    }
}

/// How well a sentence fits a question about a whole year's figure (`2023年民航旅客运输量`):
/// a sentence naming only part of it (`三季度`, `1—9月份`) or a figure so far (`截至目前`,
/// `今年以来`) is probably not the year's, and one whose paragraph names only a part less
/// probably. Less sure than a part asked for: a sentence may name a part for another
/// figure (`一季度已经排满`), and `全年` may be another figure's (so it earns nothing).
fn whole_year_fit(in_sentence: Option<bool>, in_context: Option<bool>, to_date: bool) -> f32 {
    match (in_sentence, in_context) {
        (Some(false), _) => -1.0,
        (Some(true), _) => 0.0,
        _ if to_date => -0.5,
        (None, Some(false)) => -0.2,
        (None, _) => 0.0,
    }
}

/// Whether an article dated `date` was written before every asked part of the asked year
/// had ended (a story of February about the first quarter): its figures are for a part
/// of the year before, or so far, not for the part asked about. (A sentence naming the
/// part may still state a plan for it.)
fn reported_before_part_ended(info: &QuestionInfo, date: Option<NaiveDate>) -> bool {
    use chrono::Datelike;
    let mut years = info
        .dates
        .iter()
        .filter(|d| d.granularity == Granularity::Year)
        .map(|d| d.from.year());
    let (Some(year), None, Some(day)) = (years.next(), years.next(), date) else {
        return false;
    };
    info.year_parts.iter().all(|p| {
        p.end_in(year)
            .is_some_and(|end| day < end - chrono::Days::new(PART_REPORT_SLACK))
    })
}

/// Days before a part of the year ends from which a story may report it (a quarter's
/// figure previewed on its last days).
const PART_REPORT_SLACK: u64 = 3;

/// A figure so far in the year: up to a day or month before its end, or since it began.
static TO_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"截[至止](?:目前|今天|今日|当前|发稿|(?:[1-9]|1[01])月)|今年以来|年初以来")
        .expect("valid regex")
});

/// `None` when `text` names no part of a year; else whether it names one of `asked`.
fn names_part(asked: &[YearPart], text: &str) -> Option<bool> {
    let named = dates::periods_named(text);
    (!named.is_empty()).then(|| named.iter().any(|(p, _)| asked.contains(p)))
}

/// The holidays and school breaks news reports figures for, each with the words that name
/// it. Like the editions of an event, they are occurrences of the year's recurring
/// periods: a figure for one (元旦假期 trips) is not the figure for another (国庆).
const HOLIDAYS: [&[&str]; 10] = [
    &["元旦"],
    &["春节", "除夕", "大年初一"],
    &["元宵"],
    &["清明"],
    &["五一", "劳动节"],
    &["端午"],
    &["中秋"],
    &["国庆"],
    &["暑期", "暑假"],
    &["寒假"],
];
/// The counter word that marks a holiday among [`ordinals_in`]'s occurrences.
const HOLIDAY: char = '节';

/// Editions and rounds named in `text` (`第30届`, `第十次会议`, `第3批`), fiscal years
/// (`2023财年`, which is not the calendar year: its report comes out the year after, or
/// in its last months) and plenary sessions (`二十届三中全会`), as number and counter word,
/// whatever numerals they are written in; and the holidays it names (see [`HOLIDAYS`]), as
/// their place in that list with the counter [`HOLIDAY`].
fn ordinals_in(text: &str) -> Vec<(u32, char)> {
    static PLENUM: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:第?([一二三四五六七八九十]+)届)?([一二三四五六七八九十]+)中全会")
            .expect("valid regex")
    });
    // `首届`, `首轮`: the first edition or round (not `首次`, "for the first time").
    static ORDINAL_OF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"第\s*(\d+|[零〇一二两三四五六七八九十百千]+)\s*(届|号|期|次|轮|批|季|代)|首\s*(届|期|轮|批)|(\d{4})\s*(财)年",
        )
        .expect("valid regex")
    });
    ORDINAL_OF
        .captures_iter(text)
        .filter_map(|c| {
            let number = c.get(1).or(c.get(4));
            match (number, c.get(2).or(c.get(5)), c.get(3)) {
                (Some(n), Some(kind), _) => Some((
                    dates::read_number(n.as_str())?,
                    kind.as_str().chars().next()?,
                )),
                (_, _, Some(kind)) => Some((1, kind.as_str().chars().next()?)),
                _ => None,
            }
        })
        // `二十届三中全会`: the 20th committee's third plenary session (`第三次全体会议`).
        .chain(PLENUM.captures_iter(text).flat_map(|c| {
            let term = c.get(1).and_then(|n| dates::read_number(n.as_str()));
            let session = c.get(2).and_then(|n| dates::read_number(n.as_str()));
            term.map(|n| (n, '届'))
                .into_iter()
                .chain(session.map(|n| (n, '次')))
        }))
        .chain(
            (0u32..)
                .zip(HOLIDAYS)
                .filter(|(_, names)| names.iter().any(|n| text.contains(n)))
                .map(|(i, _)| (i, HOLIDAY)),
        )
        .collect()
}

/// How well a sentence fits the editions and rounds the question names (see
/// [`Candidate::ordinal_fit`]). Unlike a part of the year, an edition is seldom repeated
/// in the sentence that holds the figure (`本届…`): naming it in the sentence or in its
/// context counts the same; naming only another edition is what counts against.
fn ordinal_fit(in_sentence: Option<bool>, in_context: Option<bool>) -> f32 {
    match (in_sentence, in_context) {
        (Some(false), _) => -1.0,
        (Some(true), _) | (None, Some(true)) => 0.3,
        (None, Some(false)) => -0.5,
        (None, None) => 0.0,
    }
}

/// `None` when `named` (a text's editions, see [`ordinals_in`]) holds none of the kinds
/// asked about; else whether it holds one of those asked.
fn names_ordinal(asked: &[(u32, char)], named: &[(u32, char)]) -> Option<bool> {
    // Each kind on its own: `十五届五中全会` is not `第十五届…第二次全体会议`.
    let mut fits = None;
    for (i, (_, kind)) in asked.iter().enumerate() {
        if asked[..i].iter().any(|(_, k)| k == kind) {
            continue;
        }
        let mut of_kind = named.iter().filter(|(_, k)| k == kind).peekable();
        if of_kind.peek().is_none() {
            continue;
        }
        if !of_kind.any(|o| asked.contains(o)) {
            return Some(false);
        }
        fits = Some(true);
    }
    fits
}

/// Whether a sentence names the month of one of the question's month or day dates.
fn names_asked_month(dates: &[DateSpec], norm: &str) -> bool {
    use chrono::Datelike;
    dates.iter().any(|d| {
        matches!(d.granularity, Granularity::Month | Granularity::Day) && {
            let month = format!("{}月", d.from.month());
            norm.match_indices(&month)
                .any(|(at, _)| !norm[..at].ends_with(|c: char| c.is_ascii_digit()))
        }
    })
}

/// Whether the dates `norm` names, read against its article's `date`, overlap the asked
/// ones.
fn names_asked_dates(dates: &[DateSpec], norm: &str, date: Option<NaiveDate>) -> bool {
    let Some(day) = date else {
        return false;
    };
    dates::find(norm, day)
        .iter()
        .any(|s| dates.iter().any(|d| s.from <= d.to && d.from <= s.to))
}

/// The probability that `best` answers the question, from its coverage, focus, answer
/// type, unit and dates, and its lead over the best sentence of another article. A
/// logistic model fitted on the dev part of the news questions (docs/EVAL.md); its
/// inputs are shares and flags, not corpus-sized scores, so the same question gets the
/// same confidence whatever else is in the corpus.
pub(crate) fn confidence(info: &QuestionInfo, best: &Candidate, rival: Option<f32>) -> f32 {
    if info.words.is_empty() {
        return 0.0;
    }
    // A sentence that shares an opinion question's words (`…要坚持执行好延迟退休政策`)
    // is not the reader's answer.
    if info.opinion {
        return 0.05;
    }
    // A sentence about another year (or an article from another time) does not answer a
    // question that names its date, however well it matches otherwise: the corpus may
    // simply not reach that date.
    if !info.dates.is_empty() && best.date_fit < 0.0 {
        return 0.05;
    }
    // The same for a sentence whose figure is for another part of the year, or that
    // speaks of another edition, round, holiday or work than the one asked about (or
    // whose story does, naming no other: `预计发送旅客2120万人次` under `清明假期…`).
    if best.year_part_fit <= -1.0 || best.ordinal_fit <= -0.5 {
        return 0.05;
    }
    let f = Features::of(info, best, rival);
    let z: f32 = CONFIDENCE_MODEL
        .iter()
        .zip(f.values())
        .map(|(w, x)| w * x)
        .sum();
    let p = 1.0 / (1.0 + (-z).exp());
    // A "why" question is rarely answered by a sentence that states no cause: it is most
    // often the sentence that restates the event asked about.
    let p = if info.answer_type == AnswerType::Reason && !best.type_match {
        p * REASON_UNSTATED
    } else {
        p
    };
    // A figure of the noun asked for, narrowed otherwise, is a near miss.
    if best.narrowed_otherwise {
        p * NARROWED_OTHERWISE
    } else {
        p
    }
}

/// The share of the confidence left to a sentence giving the noun asked for narrowed
/// otherwise (see [`Candidate::narrowed_otherwise`]).
const NARROWED_OTHERWISE: f32 = 0.6;

/// The share of the confidence left to a sentence stating no cause for a "why" question.
const REASON_UNSTATED: f32 = 0.6;

/// The inputs of the confidence model, in [`CONFIDENCE_MODEL`]'s order.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Features {
    pub(crate) support: f32,
    pub(crate) focus: f32,
    pub(crate) type_match: f32,
    pub(crate) type_missing: f32,
    pub(crate) unit_match: f32,
    pub(crate) date_fit: f32,
    pub(crate) date_missed: f32,
    pub(crate) identifier_missing: f32,
    pub(crate) heading: f32,
    pub(crate) margin: f32,
    pub(crate) missing: f32,
}

impl Features {
    pub(crate) fn of(info: &QuestionInfo, best: &Candidate, rival: Option<f32>) -> Self {
        let typed = info.asks_typed();
        let flag = |b: bool| f32::from(u8::from(b));
        let dated = !info.dates.is_empty();
        Self {
            support: best.support,
            focus: best.focus,
            // A thing of a kind (`什么火箭`) named in the sentence tells; its absence does
            // not: many such questions ask for a description.
            type_match: flag(
                (typed || info.asks_kind_only()) && best.type_match || best.item_span.is_some(),
            ),
            type_missing: flag(typed && !best.type_match),
            unit_match: flag(best.unit_match),
            date_fit: if dated { best.date_fit } else { 0.0 },
            date_missed: flag(dated && best.date_fit < 0.0),
            identifier_missing: flag(!best.identifiers_found),
            heading: flag(best.heading),
            margin: rival.map_or(0.3, |r| (best.score - r).clamp(-0.3, 0.3)),
            missing: best.missing,
        }
    }

    fn values(&self) -> [f32; 12] {
        [
            1.0,
            self.support,
            self.focus,
            self.type_match,
            self.type_missing,
            self.unit_match,
            self.date_fit,
            self.date_missed,
            self.identifier_missing,
            self.heading,
            self.margin,
            self.missing,
        ]
    }
}

/// Logistic weights over [`Features`] (bias first), fitted by `benches/fit_confidence.py` on
/// the dev part of `eval/news_questions.jsonl`.
const CONFIDENCE_MODEL: [f32; 12] = [
    -2.347, 1.769, 0.728, 0.818, -0.493, 0.730, 0.264, -0.972, -1.702, -1.284, 3.645, -0.523,
];

/// A candidate sentence while ranking.
struct SentenceInContext {
    rank: usize,
    article: usize,
    paragraph: usize,
    position: usize,
    range: Range<usize>,
    norm: String,
    date: Option<NaiveDate>,
    heading: bool,
    /// The article's title, normalised.
    title: Rc<String>,
    /// The title, the article's lead and every sentence of the paragraph, normalised:
    /// the words a sentence can leave to its context.
    context: Rc<String>,
    /// The item of its article's list that it opens, when the question asks for one.
    item: Option<ListItem>,
}

/// Where `word`, or one of the news' words for it, is in `norm`.
fn locate(norm: &str, word: &str, alternatives: &[String]) -> Option<Range<usize>> {
    std::iter::once(word)
        .chain(alternatives.iter().map(String::as_str))
        .find_map(|w| norm.find(w).map(|at| at..at + w.len()))
}

/// Whether `norm` has `word` or one of the news' words for it.
fn has(norm: &str, word: &str, alternatives: &[String]) -> bool {
    norm.contains(word) || alternatives.iter().any(|a| norm.contains(a.as_str()))
}

/// The alternatives of the `i`-th word (none when the list is shorter).
fn alts_of(alternatives: &[Vec<String>], i: usize) -> &[String] {
    alternatives.get(i).map_or(&[], Vec::as_slice)
}

/// [`coverage`], with half credit for words found only in `context`.
fn coverage_in_context(
    norm: &str,
    context: &str,
    words: &[(String, f32)],
    alternatives: &[Vec<String>],
    total: f32,
) -> (f32, f32) {
    let (covered, proximity) = coverage(norm, words, alternatives, total);
    if total <= 0.0 {
        return (covered, proximity);
    }
    let from_context: f32 = words
        .iter()
        .enumerate()
        .filter(|(i, (w, _))| {
            let alts = alts_of(alternatives, *i);
            !has(norm, w, alts) && has(context, w, alts)
        })
        .map(|(_, (_, weight))| weight * 0.5)
        .sum();
    ((covered + from_context / total).min(1.0), proximity)
}

/// Weighted share of `words` found in `norm`, and how tightly the found words cluster
/// (1 when they sit together, towards 0 when spread over a long sentence).
fn coverage(
    norm: &str,
    words: &[(String, f32)],
    alternatives: &[Vec<String>],
    total: f32,
) -> (f32, f32) {
    if total <= 0.0 {
        return (0.0, 0.0);
    }
    let mut found = 0.0;
    let mut positions: HashMap<usize, usize> = HashMap::new();
    for (i, (w, weight)) in words.iter().enumerate() {
        if let Some(at) = locate(norm, w, alts_of(alternatives, i)) {
            found += weight;
            positions.insert(at.start, at.end);
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

/// Quantities as news writes them: `23人`, `171公里`, `50.8%`, `1.2万亿元`, `三十多个`.
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:约|近|超过|超|逾|达|共|累计)?",
        // Digits, numerals, or a round magnitude (`上万`, `数十`, `几百`, `成千`).
        r"(?:\d+(?:[.,]\d+)*|[零一二三四五六七八九十百千两]+|[上数几成][十百千万亿])",
        r"(?:多|余)?(?:[万亿千百]+)?(?:多|余)?",
        r"(?:%|‰|个百分点|(?:平方|立方)?(?:公里|千米|米|厘米|毫米)|公顷|亩|吨|千克|公斤|克|",
        r"(?:万|亿)?(?:元|美元|欧元)|人次|人|名|位|个|家|次|年|天|岁|倍|座|所|条|项|种|件|户|",
        r"辆|架|艘|列|层|届|场|分钟|小时|度|千瓦时|千瓦|瓦|台|套|部|批|支|只|头|株|棵|份|剂次|剂|万人|余人|",
        // Tenths of a whole (`八成`, `近七成`): a share.
        r"成)?",
    ))
    .expect("valid regex")
});
/// A match's score (`85比71`), the answer to `比分是多少`, whose "unit" is [`SCORE_UNIT`].
static SCORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+\s*比\s*\d+").expect("valid regex"));
const SCORE_UNIT: &str = "比";
/// Dates and times as news writes them.
static TIME_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日(?:[上下]午|晚|凌晨)?|",
        r"\d{1,2}月(?:份|初|中旬|下旬|底)?|\d{1,2}日(?:[上下]午|晚|凌晨)?|",
        r"[一二三四五六七八九十〇零]{4}年|今年|去年|前年|明年|今天|昨天|[上本下]周[一二三四五六日]?|",
        r"\d+世纪\d*年代|\d+年代",
    ))
    .expect("valid regex")
});

/// A quantity match that is really a date: `2024年`, the `6` of `6月`.
fn is_date_like(norm: &str, m: &regex::Match<'_>) -> bool {
    let text = m.as_str();
    let year = text.ends_with('年')
        && text.trim_end_matches('年').len() == 4
        && text
            .trim_end_matches('年')
            .chars()
            .all(|c| c.is_ascii_digit());
    year || norm[m.end()..].starts_with(['年', '月', '日', '号'])
}

/// Where in `sentence` the thing asked for is: a quantity (with the asked unit when there
/// is one), a date, a name, nearest to the question's words; `None` when the type gives
/// no span or nothing of it is there. Things the question itself names do not count.
fn answer_span(
    seg: &Segmenter,
    info: &QuestionInfo,
    sentence: &str,
    terms: &[String],
) -> Option<Range<usize>> {
    let norm = seg.normalize(sentence);
    // Normalising keeps one character per character, so byte offsets in `norm` map back
    // through character positions.
    let to_orig = |r: Range<usize>| -> Option<Range<usize>> {
        let nb = crate::text::normalize::char_byte_offsets(&norm);
        let ob = crate::text::normalize::char_byte_offsets(sentence);
        let from = nb.partition_point(|&b| b < r.start);
        let to = nb.partition_point(|&b| b < r.end);
        Some(*ob.get(from)?..*ob.get(to).unwrap_or(&sentence.len()))
    };
    let in_question = |t: &str| info.content.contains(t) || info.words.iter().any(|(w, _)| w == t);
    let spans: Vec<Range<usize>> = match info.answer_type {
        AnswerType::Number if info.unit.as_deref() == Some(SCORE_UNIT) => {
            SCORE.find_iter(&norm).map(|m| m.range()).collect()
        }
        AnswerType::Number => QUANTITY
            .find_iter(&norm)
            .filter(|m| {
                m.as_str()
                    .chars()
                    .any(|c| c.is_ascii_digit() || NUMERAL_CHARS.contains(c))
            })
            // A year or a day is not the number asked for.
            .filter(|m| !is_date_like(&norm, m))
            .filter(|m| {
                m.as_str().chars().count() >= 2 || m.as_str().chars().all(|c| c.is_ascii_digit())
            })
            .filter(|m| {
                info.unit
                    .as_deref()
                    .is_none_or(|u| unit_forms(u).iter().any(|f| m.as_str().contains(f)))
            })
            .filter(|m| !in_question(m.as_str()))
            .map(|m| m.range())
            .collect(),
        AnswerType::Time => TIME_SPAN
            .find_iter(&norm)
            .filter(|m| !in_question(m.as_str()))
            .map(|m| m.range())
            .collect(),
        AnswerType::Person => person_names(seg, &norm)
            .into_iter()
            .filter(|r| !in_question(&norm[r.clone()]))
            .collect(),
        AnswerType::Place => tagged(seg, &norm)
            .into_iter()
            .filter(|(t, _)| {
                (t.tag == "ns" || t.word.ends_with(|c: char| PLACE_SUFFIX.contains(c)))
                    && t.word.chars().count() >= 2
                    && !in_question(t.word)
            })
            .map(|(_, r)| r)
            .collect(),
        AnswerType::Other if info.phrases.is_some() => phrases_quoted(info, &norm),
        AnswerType::Other => info
            .choices
            .iter()
            .filter_map(|c| norm.find(c.as_str()).map(|at| at..at + c.len()))
            .collect(),
        AnswerType::Reason => Vec::new(),
    };
    // Nearest to where the question's words are.
    let anchors: Vec<usize> = terms.iter().filter_map(|t| norm.find(t.as_str())).collect();
    let distance = |r: &Range<usize>| -> usize {
        anchors
            .iter()
            .map(|&a| {
                if a >= r.end {
                    a - r.end
                } else {
                    r.start.saturating_sub(a)
                }
            })
            .min()
            .unwrap_or(r.start)
    };
    let best = spans.into_iter().min_by_key(|r| (distance(r), r.start))?;
    to_orig(best)
}

/// Whether the sentence holds the kind of thing asked for, and (for numbers) the unit.
/// Entities that already appear in the question do not count.
fn type_match(seg: &Segmenter, info: &QuestionInfo, norm: &str) -> (bool, bool) {
    let in_question = |w: &str| info.content.contains(w) || info.words.iter().any(|(q, _)| q == w);
    let typed = match info.answer_type {
        // A quantity, not a date, an ordinal or a number the question itself names.
        AnswerType::Number => {
            QUANTITY.find_iter(norm).any(|m| {
                m.as_str()
                    .chars()
                    .any(|c| c.is_ascii_digit() || NUMERAL_CHARS.contains(c))
                    && !is_date_like(norm, &m)
                    && !norm[..m.start()].ends_with('第')
                    && (m.as_str().chars().count() >= 2
                        || m.as_str().chars().all(|c| c.is_ascii_digit()))
                    && !in_question(m.as_str())
                    && (info.wants_rate || !is_rate(m.as_str()))
            }) || info.wants_rate && NUMBER_A.is_match(norm) && norm.contains('%')
                || info.wants_ordinal && ORDINAL.find_iter(norm).any(|m| !in_question(m.as_str()))
        }
        AnswerType::Time if info.wants_year => YEAR_A.is_match(norm),
        AnswerType::Time if info.wants_day => DAY_A.is_match(norm),
        AnswerType::Time => TIME_A.is_match(norm),
        AnswerType::Reason => states_a_cause(info, norm),
        AnswerType::Person => person_names(seg, norm)
            .into_iter()
            .any(|r| !in_question(&norm[r])),
        // Place names, and names ending in a place word (…发射场, …体育馆, …片区).
        AnswerType::Place => {
            let tags = seg.tag(norm);
            let place_word =
                |w: &str| w.chars().count() >= 2 && w.ends_with(|c: char| PLACE_SUFFIX.contains(c));
            tags.iter().enumerate().any(|(i, t)| {
                if in_question(t.word) {
                    // The place word the question asks with (`哪个片区`) names the place with
                    // the word before it (`容西` + `片区`).
                    return place_word(t.word) && named_by_word_before(seg, &tags, i, &in_question);
                }
                t.tag == "ns" || place_word(t.word)
            })
        }
        AnswerType::Other if !info.choices.is_empty() => {
            info.choices.iter().any(|c| norm.contains(c.as_str()))
        }
        AnswerType::Other if info.phrases.is_some() => !phrases_quoted(info, norm).is_empty(),
        AnswerType::Other if info.wants_name || info.kind.is_some() || info.several => {
            QUOTED
                .find_iter(norm)
                .any(|m| !in_question(m.as_str().trim_matches(|c: char| "《》“”\"".contains(c))))
                || info
                    .kind
                    .as_deref()
                    .is_some_and(|kind| names_a_kind(seg, norm, kind, &in_question))
                || info.several && lists_names(seg, norm, &in_question)
        }
        AnswerType::Other => false,
    };
    let unit = info.unit.as_deref().is_some_and(|unit| {
        unit_forms(unit).iter().any(|form| {
            norm.match_indices(form).any(|(at, _)| {
                norm[..at].trim_end().chars().next_back().is_some_and(|c| {
                    c.is_ascii_digit() || "零一二三四五六七八九十百千万亿两几多余".contains(c)
                })
            })
        })
    });
    (typed, unit)
}

/// The set phrases in `norm` with as many parts as the question asks for (see
/// [`QuestionInfo::phrases`]) that the question does not itself quote.
fn phrases_quoted(info: &QuestionInfo, norm: &str) -> Vec<Range<usize>> {
    let Some(asked) = &info.phrases else {
        return Vec::new();
    };
    listed::set_phrases(norm)
        .into_iter()
        .filter(|p| {
            asked.fits(p)
                && !info
                    .content
                    .contains(norm[p.range.clone()].trim_matches(['“', '”']))
        })
        .map(|p| p.range)
        .collect()
}

/// jieba's words of `text` with their part-of-speech tags and byte ranges.
fn tagged<'a>(seg: &'a Segmenter, text: &'a str) -> Vec<(jieba_rs::Tag<'a>, Range<usize>)> {
    let mut at = 0;
    seg.tag(text)
        .into_iter()
        .map(|t| {
            let start = text[at..].find(t.word).map_or(at, |i| at + i);
            at = start + t.word.len();
            let range = start..at;
            (t, range)
        })
        .collect()
}

/// Where `norm` names a person: byte ranges of the names.
///
/// jieba tags person names `nr` (`nrt` transliterated, `nrfg`), but its dictionary also
/// tags ordinary words so (`文明`, `卫星`, `高水平`, `二十大`) and some names as places
/// (`普京`). So a name is a word tagged as a person's that does not start with a numeral,
/// is not one of the dictionary's common two-character words (a count above
/// [`COMMON_NAME_LOOKALIKE`]: `文明`, `阳光`, `雷达`) and is not the name in a doctrine's
/// title (`…新时代中国特色社会主义思想`, `…理论`); or any name-like word right after a
/// title (`总统普京`, `国王哇集拉隆功`), which is how news introduces people. Rarer
/// look-alikes of three characters (`高水平`, counted 91 times, as often as real names) still
/// pass: nothing in the dictionary tells them apart.
fn person_names(seg: &Segmenter, norm: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut after_title = false;
    // A surname jieba cut off as a word of its own (`乔` / `龙飞` in a byline `(乔龙飞)`),
    // where it cannot belong to a word before it: the token before it, if any, is not Han.
    let mut surname: Option<Range<usize>> = None;
    let mut after_han = false;
    for (t, range) in tagged(seg, norm) {
        let cut_surname = surname.take();
        if !after_han && t.word.chars().count() == 1 && SURNAMES.contains(t.word) {
            surname = Some(range.clone());
        }
        after_han = t.word.chars().any(crate::text::is_han);
        let end = range.end;
        let chars = t.word.chars().count();
        let han = t.word.chars().all(crate::text::is_han);
        let title = han && TITLE.is_match(t.word);
        let name_like = (2..=5).contains(&chars)
            && han
            && !title
            && (t.tag.starts_with("nr")
                || t.tag == "ns"
                || t.tag == "nz"
                || !seg.is_dictionary_word(t.word))
            && !seg.is_stop_word(t.word);
        let name_tagged = t.tag.starts_with("nr")
            && chars >= 2
            && !t
                .word
                .starts_with(|c: char| "零一二三四五六七八九十百千两".contains(c))
            && !(chars == 2 && seg.dictionary_count(t.word) > COMMON_NAME_LOOKALIKE);
        // A doctrine's whole title may be one word (`邓小平理论`).
        let doctrine =
            t.word.ends_with("思想") || t.word.ends_with("理论") || DOCTRINE.is_match(&norm[end..]);
        if (name_tagged || after_title && name_like) && !doctrine {
            match cut_surname {
                Some(s) if chars == 2 && s.end == range.start => out.push(s.start..range.end),
                _ => out.push(range),
            }
        }
        after_title = title;
    }
    out
}

/// Common single-character surnames, for a name jieba cut after its surname.
const SURNAMES: &str = concat!(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡",
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷",
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤乔"
);

/// The count in jieba's dictionary above which a two-character word tagged as a person's
/// name is far more often an ordinary word (`文明` 6,584, `阳光` 3,451, `高峰` 1,556; the
/// names news gives are rarer: `李强` 159).
const COMMON_NAME_LOOKALIKE: usize = 1000;

/// A word ending in a title that introduces a person's name in news (`国务院总理李强`,
/// `美国总统特朗普`; see [`ROLES`]).
static TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?:{ROLES})$")).expect("valid regex"));

/// What follows a leader's name in a doctrine's title: the name there names no one doing
/// anything (`习近平新时代中国特色社会主义思想`, `邓小平理论`, `习近平经济思想`).
static DOCTRINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:新时代[\p{Han}]{0,10}思想|[\p{Han}]{0,4}思想|理论|同志为核心)")
        .expect("valid regex")
});

/// An ordinal (`第一`, `第51`), the answer to `第几`.
static ORDINAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"第(?:\d+|[零一二三四五六七八九十百]+)").expect("valid regex"));

/// Characters that make a [`QUANTITY`] match a number (a unit alone is not one).
const NUMERAL_CHARS: &str = "零一二三四五六七八九十百千万亿两";

/// A quantity that is a percentage, a change in points or tenths (`八成`).
fn is_rate(quantity: &str) -> bool {
    quantity.ends_with('%')
        || quantity.ends_with('‰')
        || quantity.ends_with("个百分点")
        || quantity.ends_with('成')
}

/// Whether the word before `tags[at]` (a place word or a kind the question asks with)
/// makes it a name: `容西` in `容西片区`, `长征` in `长征火箭`. A name part is Han characters,
/// not in the question, not a stop word, and not a numeral, measure word, pronoun, verb,
/// preposition, adverb, conjunction or particle (`两个片区`, `这个片区`, `位于片区`).
fn named_by_word_before(
    seg: &Segmenter,
    tags: &[jieba_rs::Tag<'_>],
    at: usize,
    in_question: &dyn Fn(&str) -> bool,
) -> bool {
    let Some(before) = at.checked_sub(1).and_then(|i| tags.get(i)) else {
        return false;
    };
    // A code in a name (`榆37` + `储气库`, `c919` + `大飞机`): letters or digits right after a
    // name part, with no measure word (`37个储气库` counts them).
    if before.word.chars().all(|c| c.is_ascii_alphanumeric()) && at >= 2 {
        return named_by_word_before(seg, tags, at - 1, in_question);
    }
    before.word.chars().all(crate::text::is_han)
        && !before
            .tag
            .starts_with(['m', 'q', 'r', 'v', 'p', 'd', 'c', 'u', 'y', 'e', 'o'])
        && !in_question(before.word)
        && !seg.is_stop_word(before.word)
}

/// Whether `norm` names a thing of `kind` not named in the question: a compound ending
/// with the kind (`运载火箭`), or the kind after a name part (`长征` + `火箭`).
fn names_a_kind(
    seg: &Segmenter,
    norm: &str,
    kind: &str,
    in_question: &dyn Fn(&str) -> bool,
) -> bool {
    if !norm.contains(kind) {
        return false;
    }
    let tags = seg.tag(norm);
    tags.iter().enumerate().any(|(i, t)| {
        if t.word == kind {
            named_by_word_before(seg, &tags, i, in_question)
        } else {
            t.word.len() > kind.len()
                && t.word.ends_with(kind)
                && !t.tag.starts_with('v')
                && !in_question(t.word)
        }
    })
}

/// Whether `norm` lists names (`欧空局、法国、意大利和巴基斯坦`): short items joined by `、`,
/// two of them or more names jieba knows (places, organisations, people, other proper
/// nouns) that the question does not name.
fn lists_names(seg: &Segmenter, norm: &str, in_question: &dyn Fn(&str) -> bool) -> bool {
    static LIST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"[\p{Han}A-Za-z]{2,10}(?:、[\p{Han}A-Za-z]{2,10})+(?:[和及与][\p{Han}A-Za-z]{2,10})?",
        )
        .expect("valid regex")
    });
    LIST.find_iter(norm).any(|list| {
        let names = seg
            .tag(list.as_str())
            .iter()
            .filter(|t| {
                ["ns", "nt", "nz", "nr"].contains(&t.tag)
                    && t.word.chars().count() >= 2
                    && !in_question(t.word)
            })
            .count();
        names >= 2
    })
}

/// Last characters of place names jieba does not tag as places.
const PLACE_SUFFIX: &str = "省市县区镇乡村州岛港湾山河湖海江峡场馆宫站园城所";
/// A quoted or titled name.
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"《[^》]{1,40}》|“[^”]{1,30}”").expect("valid regex"));

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine over `articles` with the built-in word lists and no configuration.
    fn engine_of(articles: Vec<crate::corpus::Article>) -> Engine {
        let options = crate::answer::Options {
            corpus: Default::default(),
            user_dict: Default::default(),
            stop_words: Default::default(),
            synonyms: Default::default(),
            load: Default::default(),
            paragraphs_per_article: 1,
            index_dir: None,
        };
        let corpus = crate::corpus::Corpus {
            articles,
            ..Default::default()
        };
        Engine::from_corpus(
            corpus,
            &options,
            crate::text::Segmenter::builtin(),
            std::time::Duration::ZERO,
            &|_, _| {},
        )
        .expect("engine")
    }

    /// Another article stating the same answer does not compete with the best sentence;
    /// one giving another answer does.
    #[test]
    fn a_report_repeating_the_answer_is_no_rival() {
        let article = |id: &str, text: &str| {
            crate::corpus::Article::new(id, "大桥通车", vec![text.to_string()])
        };
        let question = "青江大桥全长多少公里？";
        let rival_of = |texts: &[&str]| {
            let articles = texts
                .iter()
                .enumerate()
                .map(|(i, t)| article(&format!("a{i}"), t))
                .collect();
            let trace = engine_of(articles).ask_trace(question);
            let best = trace.candidates.first().expect("a candidate").score;
            trace.rival.map(|r| best - r)
        };
        assert_eq!(
            rival_of(&[
                "今天，青江大桥正式通车，大桥全长12.5公里。",
                "青江大桥全长12.5公里，将于下月通车。",
            ]),
            None
        );
        assert!(
            rival_of(&[
                "今天，青江大桥正式通车，大桥全长12.5公里。",
                "青江大桥全长13公里，将于下月通车。",
            ])
            .is_some()
        );
    }

    /// A figure from a story about another holiday does not answer for the one asked,
    /// though its sentence names none.
    #[test]
    fn a_story_about_another_holiday_does_not_answer() {
        let story = crate::corpus::Article::new(
            "qingming",
            "清明假期明天开始 交通部门多措施保出行",
            vec![
                "清明假期明天开始。交通运输部预测，跨区域人员流动量增长明显。".to_string(),
                "国铁集团预测，明天，全国铁路将迎来客流高峰，预计发送旅客2120万人次。".to_string(),
            ],
        );
        let engine = engine_of(vec![story]);
        let asked = |q: &str| engine.ask(q);
        let other = asked("国庆假期全国铁路一共发送了多少旅客？");
        assert!(
            !other.answered,
            "{:?} at {}",
            other.sentence, other.confidence
        );
        let same = asked("清明假期全国铁路一共发送了多少旅客？");
        assert!(same.answered, "{:?} at {}", same.sentence, same.confidence);
    }

    /// A figure of the noun asked for narrowed by another noun (`国内外游客` for `入境游客`)
    /// is a near miss; the same narrowing written otherwise is not.
    #[test]
    fn a_noun_narrowed_otherwise_is_a_near_miss() {
        let engine = engine_of(Vec::new());
        let seg = engine.segmenter();
        let otherwise = |q: &str, sentence: &str, context: &str| {
            let info = analyse(&engine, q);
            narrowed_otherwise(
                seg,
                &info,
                &seg.normalize(sentence),
                &seg.normalize(context),
            )
        };
        let q = "2024年1到7月新疆接待入境游客多少人次？";
        assert!(otherwise(
            q,
            "今年1—7月，新疆累计接待国内外游客超16540万人次。",
            "新疆旅游持续升温"
        ));
        assert!(!otherwise(q, "今年1—7月，新疆接待入境游客120万人次。", ""));
        assert!(
            !otherwise(
                q,
                "新疆累计接待国内外游客超16540万人次。",
                "入境游客增长明显"
            ),
            "the narrowing in its context"
        );
        assert!(same_narrowing("中科院", "中国科学院"));
        assert!(same_narrowing("美国参议院", "参议院"));
        assert!(same_narrowing("全省", "浙江省"));
        assert!(!same_narrowing("入境", "国内外"));
    }

    /// A work named by its title: the same work in a shorter form is it, a longer title is
    /// another work.
    #[test]
    fn a_work_asked_by_title_is_not_another_work() {
        let asked = titles_in("《公平竞争审查条例》是从哪天开始施行的?");
        assert_eq!(asked, ["公平竞争审查条例"]);
        let named = |t: &str| names_title(&asked, &titles_in(t));
        assert_eq!(
            named("公布《公平竞争审查条例》,自2024年8月1日起施行"),
            Some(true)
        );
        assert_eq!(
            named("《条例》自8月1日起施行"),
            Some(true),
            "the short form"
        );
        assert_eq!(named("公布《公平竞争审查条例实施办法》"), Some(false));
        assert_eq!(named("办法自公布之日起施行"), None);
    }

    /// A day is the same answer with or without its year: a report giving it without the
    /// year is no rival.
    #[test]
    fn a_day_without_its_year_is_the_same_answer() {
        let article = |id: &str, text: &str| {
            crate::corpus::Article::new(id, "条例施行", vec![text.to_string()])
        };
        let question = "《河湖保护条例》是从哪天开始施行的？";
        let rival_of = |other: &str| {
            let engine = engine_of(vec![
                article("a", "国务院公布《河湖保护条例》，自2024年8月1日起施行。"),
                article("b", other),
            ]);
            let trace = engine.ask_trace(question);
            let best = trace.candidates.first().expect("a candidate");
            let text = engine.candidate_text(best);
            let span = trace.answer_span.clone().map(|r| &text[r]);
            assert_eq!(
                span,
                Some("2024年8月1日"),
                "the dated report answers: {text}"
            );
            trace.rival
        };
        assert_eq!(
            rival_of("近日，国务院令公布的河湖保护条例将于8月1日起施行。"),
            None
        );
        assert!(
            rival_of("近日，国务院令公布的河湖保护条例将于9月1日起施行。").is_some(),
            "another day competes"
        );
    }

    /// A heading read brings the paragraph under it, at the heading's rank, unless that
    /// paragraph is read already; other paragraphs bring nothing.
    #[test]
    fn a_heading_is_read_with_the_paragraph_under_it() {
        let article = crate::corpus::Article::new(
            "roundup",
            "快讯",
            [
                "本台播出一组消息。",
                "某地房屋受损超2000栋",
                "据当地政府表示，地震已造成超过2000栋房屋受损。",
                "其他消息。",
            ]
            .map(String::from)
            .to_vec(),
        );
        let engine = engine_of(vec![article]);
        let at = |paragraph| Retrieved {
            article: 0,
            paragraph,
            bm25: 1.0,
            score: 1.0,
        };
        let read = |best: &[Retrieved]| -> Vec<(usize, usize)> {
            engine
                .to_read(best, None)
                .iter()
                .map(|r| (r.rank, r.paragraph))
                .collect()
        };
        assert_eq!(read(&[at(1), at(3)]), [(0, 1), (0, 2), (1, 3)]);
        assert_eq!(read(&[at(1), at(2)]), [(0, 1), (1, 2)]);
        assert_eq!(read(&[at(0), at(2)]), [(0, 0), (1, 2)]);
        // The heading is the context of the paragraph under it.
        assert_eq!(
            heading_above(&engine.articles[0].paragraphs, 2),
            Some("某地房屋受损超2000栋")
        );
        assert_eq!(heading_above(&engine.articles[0].paragraphs, 1), None);
    }

    #[test]
    fn a_name_cut_after_its_surname_is_one_name() {
        let seg = crate::text::Segmenter::builtin();
        let norm = seg.normalize("忻州日报(乔龙飞)6月20日,市委书记朱晓东主持召开会议。");
        let names: Vec<&str> = person_names(&seg, &norm)
            .into_iter()
            .map(|r| &norm[r])
            .collect();
        assert!(names.contains(&"乔龙飞"), "{names:?}");
        assert!(names.contains(&"朱晓东"), "{names:?}");
    }

    #[test]
    fn a_choice_question_offers_its_alternatives() {
        let seg = crate::text::Segmenter::builtin();
        let choices = |q: &str| choices_asked(&seg, &seg.normalize(q));
        assert_eq!(
            choices("那次会议是线下开的还是视频开的？"),
            ["线下", "视频"]
        );
        assert_eq!(choices("这条铁路是客运还是货运"), ["客运", "货运"]);
        assert!(choices("会议在哪里召开？").is_empty());
        assert!(choices("他还是决定回到家乡").is_empty(), "还是 as 'still'");
    }

    #[test]
    fn a_verb_of_effect_states_a_cause_only_of_what_follows_it() {
        let article = crate::corpus::Article::new(
            "fire",
            "游乐场火灾",
            vec!["游乐场发生火灾，造成多人死亡。电线短路导致游乐场起火。".to_string()],
        );
        let engine = engine_of(vec![article]);
        let seg = engine.segmenter();
        let info = analyse(&engine, "那个游乐场为什么起火？");
        let cause = |sentence: &str| states_a_cause(&info, &seg.normalize(sentence));
        assert!(
            !cause("游乐场发生火灾，造成多人死亡。"),
            "the fire's effect"
        );
        assert!(cause("电线短路导致游乐场起火。"));
        assert!(
            cause("由于电线老化，火势迅速蔓延。"),
            "other causal words as before"
        );
    }

    /// The answer's type is present in forms news uses: a round magnitude (`上万斤`), and a
    /// place named by the word the question asks with (`哪个片区` → `青禾片区`), but not a
    /// count of them (`两个片区`).
    #[test]
    fn answer_types_in_the_forms_news_writes_them() {
        // No articles: only the question analysis and the segmenter are used.
        let engine = engine_of(Vec::new());
        let seg = engine.segmenter();
        let typed = |question: &str, sentence: &str| {
            let info = analyse(&engine, question);
            type_match(seg, &info, &seg.normalize(sentence)).0
        };
        let q = "那家农场的蜂蜜每年能卖出多少斤？";
        assert!(typed(
            q,
            "这家农场的蜂蜜每年能卖出上万斤，乡亲们的收入翻了一番。"
        ));
        assert!(typed(q, "每年能卖出数千斤。"));
        assert!(!typed(q, "这家农场的蜂蜜远近闻名。"));
        // A thing's kind before `叫啥` or after `哪` and a measure word; a name with a code.
        let q = "我国中西部最大的储气库叫啥名字？";
        assert_eq!(analyse(&engine, q).kind.as_deref(), Some("储气库"));
        assert!(typed(q, "中国石油长庆油田榆37储气库集注站开始注气。"));
        assert!(!typed(q, "我国中西部最大储气库正式投运。"));
        assert!(!typed(q, "全国已建成37个储气库。"));
        let q = "一号工位头一回发射，用的是哪枚火箭？";
        let info = analyse(&engine, q);
        assert_eq!(info.kind.as_deref(), Some("火箭"));
        assert!(
            info.words.iter().all(|(w, _)| w != "枚"),
            "the measure word is the question's: {:?}",
            info.words
        );
        assert!(typed(
            q,
            "长征八号遥六运载火箭以“一箭十八星”方式将卫星送入轨道。"
        ));
        // Colloquial question words: 啥时候 asks for a time, 为了啥 for a reason; 出于 states one.
        assert_eq!(
            analyse(&engine, "火车票啥时候开抢？").answer_type,
            AnswerType::Time
        );
        let q = "伊朗拿导弹打空军基地，它自己说是为了啥？";
        assert_eq!(analyse(&engine, q).answer_type, AnswerType::Reason);
        let q = "波兰为啥又在边境上搞管控了？";
        assert!(typed(
            q,
            "出于对非法移民问题的担忧，波兰在边境恢复管控措施。"
        ));
        // An exchange or an institute is where a deal was made.
        let q = "国内第一单液体二氧化碳现货交易是在哪儿做成的？";
        assert!(typed(
            q,
            "我国首单液体二氧化碳线上现货竞价交易，日前在大连石油交易所完成。"
        ));
        assert_eq!(
            analyse(&engine, "那位干养老护理的全国人大代表叫啥名？").answer_type,
            AnswerType::Person
        );
        // A role, then "the one … is called what", asks for the holder's name.
        assert_eq!(
            analyse(&engine, "那个委员会副主任被开除党籍的那个叫啥名？").answer_type,
            AnswerType::Person
        );
        // A day asked for (`几号`) is not given by a month alone, nor by a name with 号.
        let q = "那次峰会定在几号开？";
        assert!(typed(q, "峰会将于2026年11月18日至19日在深圳举行。"));
        assert!(!typed(q, "为11月的峰会贡献经贸成果。"));
        assert!(!typed(q, "快舟一号甲火箭成功发射。"));
        assert!(typed("那次峰会是几月开的？", "为11月的峰会贡献经贸成果。"));
        // How much something fell is answered by a rate too.
        let q = "“十四五”头四年能耗强度一共降了多少？";
        assert!(typed(q, "“十四五”前四年，我国能耗强度累计降低11.6%。"));
        assert!(!typed("全国能耗一共有多少？", "能耗强度累计降低11.6%。"));
        let q = "新科技馆建在哪个片区？";
        assert!(typed(q, "新建的科技馆位于青禾片区，计划明年对外开放。"));
        assert!(!typed(q, "这里规划了两个片区，将分期建设学校和医院。"));
        assert!(!typed(q, "这座科技馆明年对外开放。"));
        // A thing of the kind asked for, named: a compound ending with the kind, or the
        // kind after a name; not the kind alone, nor a verb ending like it.
        let q = "那颗新卫星是用什么火箭送上天的？";
        assert_eq!(analyse(&engine, q).kind.as_deref(), Some("火箭"));
        assert!(typed(q, "我国使用长征二号丁运载火箭成功将新卫星发射升空。"));
        assert!(!typed(q, "火箭发射任务获得圆满成功。"));
        let q = "这次研讨会获得了什么奖？";
        assert!(!typed(q, "他多次获奖。"));
        // A year asked for: a day or an hour does not give it.
        let q = "那位工匠是哪一年进厂的？";
        assert!(typed(q, "2008年，他进厂当了一名学徒。"));
        assert!(typed(q, "他去年进厂当了一名学徒。"));
        assert!(!typed(q, "今天（5月2日）我们来认识这位工匠。"));
        assert!(typed(
            "那位工匠是什么时候进厂的？",
            "5月2日他进厂当了学徒。"
        ));
        // A cause stated as what drives the figure.
        let q = "电子行业利润为什么能翻一倍？";
        assert!(typed(q, "芯片需求爆发，推动电子行业利润同比增长103.9%。"));
        assert!(!typed(q, "电子行业利润同比增长103.9%。"));
        // Tenths are a share (`几成` → `七成`), not an amount.
        let q = "那个县的小麦收了几成了？";
        assert!(typed(q, "目前，全县小麦收获已近七成。"));
        assert!(!typed(q, "全县小麦种植面积稳定。"));
        assert!(!typed("那个县今年收了多少小麦？", "全县小麦收获已近七成。"));
        // People: a name, or a name-like word after a title; not the ordinary words
        // jieba's dictionary tags as names, nor the leader's name in a doctrine's title.
        let q = "年会上是谁作的工作报告？";
        assert!(typed(q, "协会会长王明远作工作报告。"));
        assert!(typed(q, "俄罗斯总统普京出席并致辞。"));
        assert!(!typed(q, "阳光下，卫星和雷达一切正常。"));
        assert!(!typed(q, "深入学习贯彻党的二十大精神。"));
        assert!(!typed(q, "年会以习近平新时代中国特色社会主义思想为指导。"));
        assert!(!typed(q, "会议坚持以邓小平理论为指导。"));
        // A running total without its period does not give a period's figure.
        assert!(is_running_total("标志着班列累计开行突破9万列。"));
        assert!(!is_running_total("今年以来，班列累计开行1.2万列。"));
        assert!(!is_running_total("1至10月累计开行1.2万列。"));
        assert!(!is_running_total("今年前三季度开行4041列。"));
        assert!(analyse(&engine, "截至目前累计开了多少列？").wants_total);
        assert!(!analyse(&engine, "2024年一共开了多少列？").wants_total);
        // Descriptions are not kinds of things.
        assert_eq!(analyse(&engine, "当地采取了什么措施？").kind, None);
        assert_eq!(analyse(&engine, "用什么登录？").kind, None);
        // Several things of a kind asked for; a list of names gives them.
        let q = "是哪几家企业牵头建设的？";
        assert_eq!(analyse(&engine, q).kind.as_deref(), Some("企业"));
        assert!(analyse(&engine, q).several);
        assert_eq!(analyse(&engine, q).answer_type, AnswerType::Other);
        let q = "嫦娥六号跟哪几家国外伙伴合作？";
        assert!(typed(
            q,
            "嫦娥六号搭载欧空局、法国、意大利和巴基斯坦的载荷。"
        ));
        assert!(!typed(q, "嫦娥六号搭载了多台国外载荷。"));
        assert!(!typed(
            "嫦娥六号跟哪家国外伙伴合作？",
            "搭载欧空局、法国、意大利的载荷。"
        ));
    }

    #[test]
    fn opinions_and_advice_are_not_facts_asked_for() {
        let engine = engine_of(Vec::new());
        let opinion = |q: &str| analyse(&engine, q).opinion;
        assert!(opinion("你觉得延迟退休这个政策到底好不好？"));
        assert!(opinion("现在这个时候买房到底划不划算？"));
        assert!(opinion("高铁和飞机你觉得坐哪个更舒服？"));
        assert!(opinion("失眠了吃什么药比较好？"));
        assert!(!opinion("延迟退休从哪天开始实施？"));
        assert!(!opinion("专家认为房价上涨的原因是什么？"));
        assert!(!opinion("哪个城市的人口更多？"));
    }

    #[test]
    fn the_thing_counted_is_the_figure_asked_for() {
        let engine = engine_of(Vec::new());
        let counted = |q: &str| analyse(&engine, q).counted;
        assert_eq!(
            counted("亚投行一共批了多少个项目？").as_deref(),
            Some("项目")
        );
        assert_eq!(
            counted("呼和浩特对几家农贸市场搞了同防？").as_deref(),
            Some("农贸市场")
        );
        assert_eq!(counted("第50届南丁格尔奖中国有几个人拿奖？"), None);
        assert_eq!(counted("大桥全长多少公里？"), None);
        assert!(counts_the_thing(
            "亚投行成立10年已批准322个项目",
            "个",
            "项目"
        ));
        assert!(counts_the_thing("规划建设6台百万千瓦级机组", "台", "机组"));
        assert!(counts_the_thing("上海新增各类首店375家", "家", "首店"));
        assert!(!counts_the_thing(
            "成员数量从57个创始成员增至110个成员，项目不断增加",
            "个",
            "项目"
        ));
        assert!(!counts_the_thing("322个，这些项目覆盖交通", "个", "项目"));
    }

    #[test]
    fn a_later_report_names_the_asked_year_in_its_paragraph() {
        let engine = engine_of(Vec::new());
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let info = analyse_on(
            &engine,
            "2022年全国住房公积金缴存额多少？",
            day(2023, 9, 1).unwrap(),
        );
        let report = "《全国住房公积金2022年年度报告》日前发布。报告显示，缴存额已达31935.05亿元。";
        assert!(context_names_asked_year(&info, report, day(2023, 6, 8)));
        assert!(
            !context_names_asked_year(&info, report, day(2022, 6, 8)),
            "not later"
        );
        assert!(!context_names_asked_year(
            &info,
            "今年缴存额较2022年增长8%。",
            day(2023, 6, 8)
        ));
        assert!(!context_names_asked_year(
            &info,
            "报告显示，缴存额增长。",
            day(2023, 6, 8)
        ));
    }

    #[test]
    fn a_whole_year_is_not_answered_by_a_part_of_it() {
        let engine = engine_of(Vec::new());
        let march = NaiveDate::from_ymd_opt(2025, 3, 1).expect("valid date");
        let whole = |q: &str| analyse_on(&engine, q, march).whole_year;
        assert!(whole("2024年民航一共完成旅客运输量多少人次？"));
        assert!(whole("去年全国电影总票房到底多少？"));
        assert!(!whole("2024年前三季度民航旅客运输量多少？"));
        assert!(!whole("2024年开年济南那个重卡订单有多少辆？"));
        assert!(!whole("2024年国庆假期出游多少人次？"));
        assert!(!whole("截至2024年累计开行多少列？"));
        assert!(!whole("2024年10月外汇储备多少？"));
        assert!(!whole("民航一共完成旅客运输量多少人次？"));
        // Only the whole year's figure fits; a part or a figure so far does not.
        assert!(TO_DATE.is_match("截至目前，2025年中国电影总票房101.21亿元"));
        assert!(TO_DATE.is_match("截至今天（8月31日），票房突破400亿元"));
        assert!(!TO_DATE.is_match("截至12月31日，全年票房518亿元"));
        assert!(whole_year_fit(Some(false), None, false) < whole_year_fit(None, None, false));
        assert!(whole_year_fit(None, None, true) < 0.0);
        assert!(whole_year_fit(None, Some(false), false) < 0.0);
        assert_eq!(whole_year_fit(Some(true), None, false), 0.0);
    }

    #[test]
    fn editions_are_read_in_any_numerals_and_only_another_one_counts_against() {
        assert_eq!(
            ordinals_in("第30届上海电视节，第十次专题学习，第 3 批"),
            [(30, '届'), (10, '次'), (3, '批')]
        );
        assert!(
            ordinals_in("连续30届、3次获得").is_empty(),
            "counts, not editions"
        );
        // The first edition or round said as such; "for the first time" is not one.
        assert_eq!(
            ordinals_in("首届招商大会，第二届招商大会，首批试点"),
            [(1, '届'), (2, '届'), (1, '批')]
        );
        assert!(ordinals_in("首次跃居全球第一").is_empty());
        // A plenary session by its short name is a term and a session; each kind must fit.
        let asked = ordinals_in("民进十五届五中全会是哪天开幕的");
        assert_eq!(asked, [(15, '届'), (5, '次')]);
        let named = ordinals_in("中国民主促进会第十五届中央委员会第二次全体会议在京开幕");
        assert_eq!(
            names_ordinal(&asked, &named),
            Some(false),
            "another session"
        );
        let named = ordinals_in("中国民主促进会第十五届中央委员会第五次全体会议在京开幕");
        assert_eq!(names_ordinal(&asked, &named), Some(true));
        // A fiscal year is an occurrence of the budget, not a date.
        let asked = ordinals_in("美国2023财年财政赤字有多少");
        assert_eq!(asked, [(2023, '财')]);
        assert_eq!(
            names_ordinal(
                &asked,
                &ordinals_in("2024财年美国联邦政府财政赤字达到1.833万亿美元")
            ),
            Some(false)
        );
        assert_eq!(
            names_ordinal(&asked, &ordinals_in("2023年美国经济增长2.5%")),
            None
        );
        assert_eq!(
            names_ordinal(&ordinals_in("首届"), &ordinals_in("第一届大会")),
            Some(true)
        );
        let asked = ordinals_in("第三十届");
        assert_eq!(
            names_ordinal(&asked, &ordinals_in("第30届电视节开幕")),
            Some(true)
        );
        assert_eq!(
            names_ordinal(&asked, &ordinals_in("第31届电视节开幕")),
            Some(false)
        );
        assert_eq!(
            names_ordinal(&asked, &ordinals_in("第二次会议")),
            None,
            "another kind"
        );
        assert_eq!(names_ordinal(&asked, &ordinals_in("本届电视节")), None);
        // Holidays are occurrences too: one holiday's figures are not another's.
        let asked = ordinals_in("国庆假期出游多少人次");
        assert_eq!(asked, [(7, HOLIDAY)]);
        assert_eq!(
            names_ordinal(&asked, &ordinals_in("元旦假期三天，全国出游1.4亿人次")),
            Some(false)
        );
        assert_eq!(
            names_ordinal(&asked, &ordinals_in("中秋国庆假期8天，全国出游8亿人次")),
            Some(true)
        );
        assert_eq!(
            names_ordinal(&asked, &ordinals_in("假期全国出游8亿人次")),
            None
        );
        assert_eq!(
            names_ordinal(&ordinals_in("第五届进博会"), &ordinals_in("元旦假期")),
            None,
            "an edition and a holiday are different kinds"
        );
        assert!(ordinal_fit(Some(false), Some(true)) < 0.0);
        assert_eq!(
            ordinal_fit(None, Some(true)),
            ordinal_fit(Some(true), None),
            "the context naming it is as good as the sentence"
        );
    }

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
            ("那位外卖骑手的老公叫什么名字", AnswerType::Person),
            ("这次的获奖者叫什么", AnswerType::Person),
            ("这款大模型叫什么名字", AnswerType::Other),
            ("这篇报道是哪个记者写的", AnswerType::Person),
            ("哪名运动员夺得了金牌", AnswerType::Person),
            // Question words inside other words, and attributes that name the topic.
            ("几乎所有食物都加入什么油", AnswerType::Other),
            ("精通哪几门语言", AnswerType::Other),
            ("这种佛又称之为什么", AnswerType::Other),
            ("数量会影响什么物种的数量", AnswerType::Other),
            ("该市的人口是", AnswerType::Number),
            ("可以追溯到公元几年", AnswerType::Time),
            ("1970年代的四小龙还有哪一个国家", AnswerType::Place),
            ("在哪一单位的比赛后休息", AnswerType::Other),
            ("在哪方面获得进展", AnswerType::Other),
            ("在哪一个地方创立", AnswerType::Place),
            ("是在哪个发射场打上天的", AnswerType::Place),
            ("又有哪两个国家派兵", AnswerType::Place),
        ];
        for (q, want) in cases {
            assert_eq!(classify(q).0, want, "answer type of {q:?}");
        }
        assert_eq!(classify("黄河流经多少公里").1.as_deref(), Some("公里"));
        assert_eq!(classify("决赛最后比分是多少").1.as_deref(), Some("比"));
        assert_eq!(classify("哪一年通过").1, None);
        let info = |q: &str| {
            let norm = q.to_string();
            (RATE_Q.is_match(&norm), norm.contains("第几"))
        };
        assert_eq!(info("进出口有多少"), (false, false));
        assert_eq!(info("进出口同比增长了多少"), (true, false));
        assert_eq!(info("忻州是黄河入晋第几市"), (false, true));
        assert!(is_rate("33.4%") && is_rate("2.0个百分点") && !is_rate("3151.9亿元"));
    }

    #[test]
    fn question_units() {
        let unit = question_unit;
        assert_eq!(unit("黄河在忻州流经多少公里？").as_deref(), Some("公里"));
        assert_eq!(unit("有几个县？").as_deref(), Some("个"));
        assert_eq!(unit("投资多少亿元").as_deref(), Some("元"));
        assert_eq!(unit("是什么").as_deref(), None);
        // The measure words of news figures.
        assert_eq!(unit("中欧班列开了多少列？").as_deref(), Some("列"));
        assert_eq!(unit("受损房屋有多少栋").as_deref(), Some("栋"));
        assert_eq!(unit("提供了多少剂次疫苗").as_deref(), Some("剂次"));
        // People, however they are counted.
        assert_eq!(unit("有几个人获奖？").as_deref(), Some("人"));
        assert_eq!(unit_forms("人"), ["人", "名", "位"]);
        assert_eq!(unit_forms("位"), ["人", "名", "位"]);
        assert_eq!(unit_forms("栋"), ["栋"]);
    }

    #[test]
    fn coverage_weights_and_proximity() {
        let words = vec![("黄河".to_string(), 1.0), ("公里".to_string(), 3.0)];
        let (c, p) = coverage("黄河蜿蜒171公里", &words, &[], 4.0);
        assert!((c - 1.0).abs() < 1e-6);
        assert!(p > 0.3 && p <= 1.0, "{p}");
        let (c, _) = coverage("黄河", &words, &[], 4.0);
        assert!((c - 0.25).abs() < 1e-6);
        // A word the news writes otherwise counts as found.
        let alts = vec![vec!["会见".to_string()], vec![]];
        let words = vec![("见".to_string(), 2.0), ("总统".to_string(), 2.0)];
        let (c, _) = coverage("总统会见了代表团", &words, &alts, 4.0);
        assert!((c - 1.0).abs() < 1e-6, "{c}");
    }
}
