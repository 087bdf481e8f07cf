//! Dates in what readers type: `2024年`, `2024-06`, `6月20日`, `去年`, `上个月`, `本周`,
//! `最近` become date ranges, read against an anchor day (the newest article's date in the
//! one-shot commands, today in the bot), and the words that said them are taken out of the
//! query. Also the years a news sentence speaks of (`2023年`, or `去年` in a story dated
//! 2024), so an answer about the wrong year can be told apart. Pure functions on normalised
//! text.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate};
use regex::Regex;
use serde::Serialize;

/// How precise a date in a query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Granularity {
    Year,
    Month,
    Week,
    Day,
    /// `最近`, `近日`: the last few weeks before the anchor, newer preferred.
    Recent,
}

/// A date range understood in a query, inclusive at both ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateSpec {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) granularity: Granularity,
    /// Said relative to the anchor (`去年`, `上个月`, `最近`), not as a calendar date.
    pub(crate) relative: bool,
    /// A month or day given without its year (`6月20日`): the year is the anchor's latest
    /// such date, a guess a story of another year may overrule.
    pub(crate) year_implied: bool,
    /// The words as typed (normalised), e.g. `去年` or `2024年6月`.
    pub(crate) text: String,
    /// Byte range of those words in the normalised query.
    #[serde(skip)]
    pub(crate) bytes: Range<usize>,
}

impl DateSpec {
    /// The range for people: `2024年`, `2024年6月`, `2024年6月20日`, `2024年6月16日至22日`.
    pub fn label(&self) -> String {
        let ymd = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
        match self.granularity {
            Granularity::Year => format!("{}年", self.from.year()),
            Granularity::Month => format!("{}年{}月", self.from.year(), self.from.month()),
            Granularity::Day => ymd(self.from),
            Granularity::Week | Granularity::Recent => {
                if self.from.year() != self.to.year() {
                    format!("{}至{}", ymd(self.from), ymd(self.to))
                } else if self.from.month() != self.to.month() {
                    format!(
                        "{}至{}月{}日",
                        ymd(self.from),
                        self.to.month(),
                        self.to.day()
                    )
                } else {
                    format!("{}至{}日", ymd(self.from), self.to.day())
                }
            }
        }
    }

    /// This range moved to begin in `year` (`None` when it already does, or for 29 February
    /// in another year).
    pub(crate) fn in_year(&self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let shift = year - self.from.year();
        if shift == 0 {
            return None;
        }
        Some((
            self.from.with_year(year)?,
            self.to.with_year(self.to.year() + shift)?,
        ))
    }
}

/// `norm` with years written in two digits (`24年3月`, `22年底`) written in four, when they
/// are not after `anchor`'s next year.
pub(crate) fn full_years(norm: &str, anchor: NaiveDate) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    let (mut copied, mut changed) = (0, false);
    for c in SHORT_YEAR.captures_iter(norm) {
        let digits = c.get(1).expect("the year's digits");
        // Two digits only: `2024年` is written in full, `120年` is no year.
        let in_reach = digits.len() == 2
            && digits
                .as_str()
                .parse::<i32>()
                .is_ok_and(|yy| 2000 + yy <= anchor.year() + 1);
        if !in_reach {
            continue;
        }
        out.push_str(&norm[copied..digits.start()]);
        out.push_str("20");
        copied = digits.start();
        changed = true;
    }
    if !changed {
        return std::borrow::Cow::Borrowed(norm);
    }
    out.push_str(&norm[copied..]);
    std::borrow::Cow::Owned(out)
}

/// The dates a normalised query means, read against `anchor`, and the query with the words
/// that said them blanked out (see [`find`], [`blank`], [`narrow`]).
pub(crate) fn take_out(norm: &str, anchor: NaiveDate) -> (Vec<DateSpec>, String) {
    let found = find(norm, anchor);
    let rest = blank(norm, &found);
    (narrow(found), rest)
}

/// Dates of one query read together: a month, week or day said without its year in a
/// query that names one year (`今年…11月14日`, `2024年的…6月`) is in that year, and a year
/// that holds a finer date of the query says no more than that date does. What [`find`]
/// returns is for blanking the words; this is what the query means.
fn narrow(specs: Vec<DateSpec>) -> Vec<DateSpec> {
    let mut years = specs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.granularity == Granularity::Year);
    let (Some((at, year)), None) = (years.next(), years.next()) else {
        return specs;
    };
    let year = year.clone();
    let finer = |d: &DateSpec| {
        matches!(
            d.granularity,
            Granularity::Month | Granularity::Week | Granularity::Day
        )
    };
    let mut narrowed = false;
    let mut out = Vec::with_capacity(specs.len());
    for (i, mut d) in specs.into_iter().enumerate() {
        if i != at && finer(&d) {
            if d.year_implied {
                if let Some((from, to)) = d.in_year(year.from.year()) {
                    (d.from, d.to) = (from, to);
                }
                if year.from <= d.from && d.from <= year.to {
                    d.year_implied = false;
                    d.relative |= year.relative;
                    d.text = format!("{}…{}", year.text, d.text);
                    narrowed = true;
                }
            } else if year.from <= d.from && d.to <= year.to {
                narrowed = true;
            }
        }
        out.push(d);
    }
    if narrowed {
        out.remove(at);
    }
    out
}

/// Days counted as "recent" (`最近`, `近日`) before the anchor.
pub(crate) const RECENT_DAYS: u64 = 30;

/// A month written with digits or Chinese numerals (`6`, `06`, `六`, `十二`).
const MONTH: &str = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])";
/// A day of the month (`20`, `二十`, `三十一`).
const DAY: &str = r"(3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20|21)\d\d)[-/.](1[0-2]|0?[1-9])(?:[-/.](3[01]|[12]\d|0?[1-9]))?")
        .expect("valid regex")
});
static YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"((?:19|20|21)\d\d)\s*年(?:\s*{MONTH}\s*月(?:份)?(?:\s*{DAY}\s*[日号])?)?"
    ))
    .expect("valid regex")
});
/// A year of this century in two digits, as readers type it (`24年3月`, `22年底`), with what
/// follows it: only a month or a part of the year makes it a year (`24年来` is a span).
static SHORT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d+)\s*年\s*(?:\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月|底|初|末|中|上半年|下半年|全年|前[一二三四五六七八九十两\d]|[一二三四1-4]季度)")
        .expect("valid regex")
});
static RELATIVE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(今年|本年|去年|上一年|前年|明年)(?:\s*{MONTH}\s*月(?:份)?(?:\s*{DAY}\s*[日号])?)?"
    ))
    .expect("valid regex")
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"{MONTH}\s*月(?:份)?(?:\s*{DAY}\s*[日号])?")).expect("valid regex")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"上个月|上月|本月|这个月|当月|上周|上个星期|上星期|上礼拜|本周|这周|这个星期|本星期|这星期|今天|今日|昨天|昨日|前天|最近|近日|近期|日前|近来|这几天|前不久|不久前",
    )
    .expect("valid regex")
});
/// A bare year (`防汛 2024`), only when it stands alone.
static BARE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20|21)\d\d").expect("valid regex"));

/// Reads a whole number written with digits or Chinese numerals (`30`, `三十`, `一百零一`,
/// `两千`), below ten thousand for the numerals.
pub(crate) fn read_number(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    let (mut total, mut digit) = (0u32, None::<u32>);
    for c in s.chars() {
        match c {
            '零' | '〇' => digit = None,
            '两' => digit = Some(2),
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                // `十` alone is ten; `百` and `千` need their digit.
                let d = digit.take().or((c == '十').then_some(1))?;
                total += d * unit;
            }
            _ => digit = Some("一二三四五六七八九".chars().position(|d| d == c)? as u32 + 1),
        }
    }
    (!s.is_empty()).then_some(total + digit.unwrap_or(0))
}

fn month_range(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let from = NaiveDate::from_ymd_opt(year, month, 1)?;
    let to = from.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((from, to))
}

fn year_range(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// The range for a year with an optional month and day.
fn ymd_spec(
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
) -> Option<(NaiveDate, NaiveDate, Granularity)> {
    match (month, day) {
        (Some(m), Some(d)) => {
            let day = NaiveDate::from_ymd_opt(year, m, d)?;
            Some((day, day, Granularity::Day))
        }
        (Some(m), None) => month_range(year, m).map(|(f, t)| (f, t, Granularity::Month)),
        _ => year_range(year).map(|(f, t)| (f, t, Granularity::Year)),
    }
}

/// The year of a month (and day) given without one: the latest such date not after the
/// anchor (`6月20日` asked in March means last June).
fn year_for(anchor: NaiveDate, month: u32, day: Option<u32>) -> i32 {
    let this = NaiveDate::from_ymd_opt(anchor.year(), month, day.unwrap_or(1));
    match this {
        Some(d) if d > anchor => anchor.year() - 1,
        _ => anchor.year(),
    }
}

fn is_digit_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || c == '.' || "第前后近个".contains(c))
}

/// Characters after a number that make it a figure rather than a date.
const FIGURE_AFTER: &str = "年月日号万亿千百元个人次名多余吨米%";

fn is_digit_after(text: &str, at: usize) -> bool {
    text[at..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.' || FIGURE_AFTER.contains(c))
}

/// Whether a month written in Chinese numerals (`十月`) stands where a date can: at the
/// start, after punctuation or a preposition, not inside a word (`统一月度`).
fn numeral_month_stands_alone(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric() || "在于从到至和及与的是".contains(c))
}

/// How a date was said.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Said {
    /// With its year (`2024年6月`, `2024-06-20`, a bare year).
    Calendar,
    /// A month or day without a year (`6月20日`).
    WithoutYear,
    /// Against the anchor (`去年`, `上个月`, `最近`).
    Relative,
}

/// The dates in a normalised query, read against `anchor`, in text order. Overlapping
/// forms are read once (the longest, earliest first).
pub(crate) fn find(norm: &str, anchor: NaiveDate) -> Vec<DateSpec> {
    let mut found: Vec<DateSpec> = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    let free = |taken: &[Range<usize>], r: &Range<usize>| {
        taken.iter().all(|t| r.end <= t.start || t.end <= r.start)
    };
    let push = |found: &mut Vec<DateSpec>,
                taken: &mut Vec<Range<usize>>,
                bytes: Range<usize>,
                spec: Option<(NaiveDate, NaiveDate, Granularity)>,
                said: Said| {
        if let Some((from, to, granularity)) = spec
            && free(taken, &bytes)
        {
            taken.push(bytes.clone());
            found.push(DateSpec {
                from,
                to,
                granularity,
                relative: said == Said::Relative,
                year_implied: said == Said::WithoutYear,
                text: norm[bytes.clone()].to_string(),
                bytes,
            });
        }
    };
    let num = |c: &regex::Captures<'_>, i: usize| c.get(i).and_then(|m| read_number(m.as_str()));
    // `2024-06-20` must not run on into more digits; `2024年6月` ends with its own word.
    for (pattern, digits_may_follow) in [(&*ISO, false), (&*YMD, true)] {
        for c in pattern.captures_iter(norm) {
            let m = c.get(0).expect("whole match");
            if is_digit_before(norm, m.start())
                || (!digits_may_follow && is_digit_after(norm, m.end()))
            {
                continue;
            }
            let year = c[1].parse::<i32>().unwrap_or(0);
            push(
                &mut found,
                &mut taken,
                m.range(),
                ymd_spec(year, num(&c, 2), num(&c, 3)),
                Said::Calendar,
            );
        }
    }
    for c in RELATIVE_YEAR.captures_iter(norm) {
        let m = c.get(0).expect("whole match");
        let year = anchor.year()
            + match &c[1] {
                "去年" | "上一年" => -1,
                "前年" => -2,
                "明年" => 1,
                _ => 0,
            };
        push(
            &mut found,
            &mut taken,
            m.range(),
            ymd_spec(year, num(&c, 2), num(&c, 3)),
            Said::Relative,
        );
    }
    for c in MONTH_DAY.captures_iter(norm) {
        let m = c.get(0).expect("whole match");
        // `前3月`, `3个月`, `12.5月` are durations or figures, not dates.
        if is_digit_before(norm, m.start()) {
            continue;
        }
        let (Some(month), day) = (num(&c, 1), num(&c, 2)) else {
            continue;
        };
        if !(1..=12).contains(&month) {
            continue;
        }
        let numeral = !c[1].starts_with(|ch: char| ch.is_ascii_digit());
        if numeral && day.is_none() && !numeral_month_stands_alone(norm, m.start()) {
            continue;
        }
        let year = year_for(anchor, month, day);
        push(
            &mut found,
            &mut taken,
            m.range(),
            ymd_spec(year, Some(month), day),
            Said::WithoutYear,
        );
    }
    for m in RELATIVE.find_iter(norm) {
        // `10日前` is "before the 10th", not `日前` ("the other day").
        if m.as_str() == "日前" && is_digit_before(norm, m.start()) {
            continue;
        }
        push(
            &mut found,
            &mut taken,
            m.range(),
            relative(m.as_str(), anchor),
            Said::Relative,
        );
    }
    for m in BARE_YEAR.find_iter(norm) {
        let before = norm[..m.start()].chars().next_back();
        let after = norm[m.end()..].chars().next();
        let alone =
            |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '.' && c != '%');
        // A year right before a Han word (`2024巴黎奥运会`) is a year too.
        let han_after = after.is_some_and(|c| super::is_han(c) && !FIGURE_AFTER.contains(c));
        if alone(before) && (alone(after) || han_after) {
            let year = m.as_str().parse::<i32>().unwrap_or(0);
            push(
                &mut found,
                &mut taken,
                m.range(),
                ymd_spec(year, None, None),
                Said::Calendar,
            );
        }
    }
    found.sort_by_key(|d| d.bytes.start);
    found
}

/// A relative expression other than a year, against `anchor`.
fn relative(word: &str, anchor: NaiveDate) -> Option<(NaiveDate, NaiveDate, Granularity)> {
    let week_start = anchor.checked_sub_days(Days::new(u64::from(
        anchor.weekday().num_days_from_monday(),
    )))?;
    Some(match word {
        "上个月" | "上月" => {
            let prev = anchor.checked_sub_months(Months::new(1))?;
            let (f, t) = month_range(prev.year(), prev.month())?;
            (f, t, Granularity::Month)
        }
        "本月" | "这个月" | "当月" => {
            let (f, _) = month_range(anchor.year(), anchor.month())?;
            (f, anchor, Granularity::Month)
        }
        "上周" | "上个星期" | "上星期" | "上礼拜" => {
            let from = week_start.checked_sub_days(Days::new(7))?;
            (from, week_start.pred_opt()?, Granularity::Week)
        }
        "本周" | "这周" | "这个星期" | "本星期" | "这星期" => {
            (week_start, anchor, Granularity::Week)
        }
        "今天" | "今日" => (anchor, anchor, Granularity::Day),
        "昨天" | "昨日" => {
            let d = anchor.pred_opt()?;
            (d, d, Granularity::Day)
        }
        "前天" => {
            let d = anchor.checked_sub_days(Days::new(2))?;
            (d, d, Granularity::Day)
        }
        _ => (
            anchor.checked_sub_days(Days::new(RECENT_DAYS))?,
            anchor,
            Granularity::Recent,
        ),
    })
}

/// `norm` with the characters of `dates` replaced by spaces, so the words around them are
/// cut as if the dates were not there.
pub(crate) fn blank(norm: &str, dates: &[DateSpec]) -> String {
    let mut out = String::with_capacity(norm.len());
    let mut at = 0;
    for d in dates {
        if d.bytes.start < at {
            continue;
        }
        out.push_str(&norm[at..d.bytes.start]);
        out.extend(norm[d.bytes.clone()].chars().map(|_| ' '));
        at = d.bytes.end;
    }
    out.push_str(&norm[at..]);
    out
}

/// A part of a year that figures are reported for, as months `first..=last`: `1—10月份`,
/// `前10个月`, `前三季度`, `一季度`, `上半年`. "How much from January to October" is not
/// answered by the figure for January to July of the same year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearPart {
    pub(crate) first: u32,
    pub(crate) last: u32,
}

impl YearPart {
    /// January to December.
    pub(crate) const WHOLE: YearPart = YearPart { first: 1, last: 12 };

    /// The last day of this part in `year`.
    pub(crate) fn end_in(&self, year: i32) -> Option<NaiveDate> {
        month_range(year, self.last).map(|(_, to)| to)
    }
}

static MONTH_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{MONTH}\s*(?:月份?)?\s*(?:—+|–|-|－|~|～|到|至)\s*{MONTH}\s*月"
    ))
    .expect("valid regex")
});
/// `前10个月`, `头三个月`, `前两个月` (news writes two months with `两`).
static FIRST_MONTHS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"[前头]\s*(两|{MONTH})\s*个?\s*月")).expect("valid regex")
});
static QUARTERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(前)?\s*第?\s*([一二三四1-4])\s*个?\s*季度").expect("valid regex")
});
static HALF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([上下])半年|(全年)").expect("valid regex"));
/// A month named as a period (`9月份`), or its end (`8月末`, `8月底`: the balance of a
/// stock such as reserves at the month's end), not as a day's month.
static MONTH_PERIOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"{MONTH}\s*月(?:份|末|底)")).expect("valid regex"));

/// The parts of a year a normalised text names, with their byte ranges, in text order.
pub(crate) fn year_parts(norm: &str) -> Vec<(YearPart, Range<usize>)> {
    parts_of_year(norm, false)
}

/// The parts of a year a sentence gives a figure for: [`year_parts`], and single months
/// named as periods (`9月份，利润增长11.9%`). A question's month is a date (it narrows the
/// report's date), so only sentences are read this way: a sentence about September is
/// not about the third quarter.
pub(crate) fn periods_named(norm: &str) -> Vec<(YearPart, Range<usize>)> {
    parts_of_year(norm, true)
}

fn parts_of_year(norm: &str, months: bool) -> Vec<(YearPart, Range<usize>)> {
    let mut out: Vec<(YearPart, Range<usize>)> = Vec::new();
    let mut push = |first: u32, last: u32, range: Range<usize>| {
        if (1..=last).contains(&first)
            && last <= 12
            && out
                .iter()
                .all(|(_, r)| range.end <= r.start || r.end <= range.start)
        {
            out.push((YearPart { first, last }, range));
        }
    };
    for c in MONTH_SPAN.captures_iter(norm) {
        let whole = c.get(0).expect("match");
        if is_digit_before(norm, whole.start()) && !norm[..whole.start()].ends_with('前') {
            continue;
        }
        if let (Some(a), Some(b)) = (
            c.get(1).and_then(|m| read_number(m.as_str())),
            c.get(2).and_then(|m| read_number(m.as_str())),
        ) && a < b
        {
            push(a, b, whole.range());
        }
    }
    for c in FIRST_MONTHS.captures_iter(norm) {
        if let Some(n) = c.get(1).and_then(|m| read_number(m.as_str()))
            && n >= 2
        {
            push(1, n, c.get(0).expect("match").range());
        }
    }
    for c in QUARTERS.captures_iter(norm) {
        let Some(q) = c.get(2).and_then(|m| read_number(m.as_str())) else {
            continue;
        };
        if c.get(1).is_some() {
            push(1, 3 * q, c.get(0).expect("match").range());
        } else {
            push(3 * q - 2, 3 * q, c.get(0).expect("match").range());
        }
    }
    for c in HALF.captures_iter(norm) {
        let range = c.get(0).expect("match").range();
        match c.get(1).map(|m| m.as_str()) {
            Some("上") => push(1, 6, range),
            Some(_) => push(7, 12, range),
            // `已超去年全年`: a comparison with the whole of another year.
            None if !["去年", "上年", "前年"]
                .iter()
                .any(|y| norm[..range.start].ends_with(y)) =>
            {
                push(1, 12, range)
            }
            None => {}
        }
    }
    // Spans and quarters first: `1—9月份` is one part, not September.
    for c in MONTH_PERIOD.captures_iter(norm).filter(|_| months) {
        let whole = c.get(0).expect("match");
        if is_digit_before(norm, whole.start()) {
            continue;
        }
        if let Some(m) = c.get(1).and_then(|m| read_number(m.as_str())) {
            push(m, m, whole.range());
        }
    }
    out.sort_by_key(|(_, r)| r.start);
    out
}

impl YearPart {
    /// The part for people: `1—10月`, `4—6月`, `6月`, `全年`.
    pub(crate) fn label(&self) -> String {
        match (self.first, self.last) {
            (1, 12) => "全年".to_string(),
            (a, b) if a == b => format!("{a}月"),
            (a, b) => format!("{a}—{b}月"),
        }
    }
}

/// `norm` with the given byte ranges blanked, one space per character.
pub(crate) fn blank_ranges(norm: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(norm.len());
    for (i, c) in norm.char_indices() {
        if ranges.iter().any(|r| r.contains(&i)) {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

static SENTENCE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20|21)\d\d)\s*年|(今年|去年|前年|明年)").expect("valid regex")
});

/// Whether the year at `at` in `norm` is only a point of comparison for the sentence's
/// figure, not the time it is for: a record since then (`自2022年12月以来首次`,
/// `创2008年以来新高`) or the figure it is compared with (`比去年同期增长`, `较2019年`).
fn is_reference_year(norm: &str, at: std::ops::Range<usize>) -> bool {
    static SINCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\d{1,2}月(?:份|\d{1,2}日)?|[初底中末])?以来").expect("valid regex")
    });
    let before = &norm[..at.start];
    let after = &norm[at.end..];
    SINCE.is_match(after)
        || after.starts_with("同期")
        || before.ends_with('比')
        || before.ends_with('较')
}

/// The years a (normalised) news sentence speaks of: years it names (`2023年`), and the
/// relative ones read against the article's date (`去年` in a story of 2024 is 2023).
/// Spans (`2021年至2025年`) give their two ends only.
pub(crate) fn years_mentioned(norm: &str, article_date: Option<NaiveDate>) -> Vec<i32> {
    let mut years = Vec::new();
    for c in SENTENCE_YEAR.captures_iter(norm) {
        if is_reference_year(norm, c.get(0).map_or(0..0, |m| m.range())) {
            continue;
        }
        let year = if let Some(y) = c.get(1) {
            if is_digit_before(norm, y.start()) {
                continue;
            }
            y.as_str().parse::<i32>().ok()
        } else {
            article_date.map(|d| {
                d.year()
                    + match c.get(2).map_or("", |m| m.as_str()) {
                        "去年" => -1,
                        "前年" => -2,
                        "明年" => 1,
                        _ => 0,
                    }
            })
        };
        if let Some(y) = year
            && !years.contains(&y)
        {
            years.push(y);
        }
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_in_two_digits() {
        let anchor = NaiveDate::from_ymd_opt(2026, 8, 22).unwrap();
        for (q, want) in [
            ("24年3月在北京开业的", "2024年3月在北京开业的"),
            ("22年底四川盆地发现页岩气", "2022年底四川盆地发现页岩气"),
            ("23年前三季度", "2023年前三季度"),
            ("24年来坚持", "24年来坚持"),
            ("2024年3月", "2024年3月"),
            ("35年3月", "35年3月"),
            ("共120年3月", "共120年3月"),
        ] {
            assert_eq!(full_years(q, anchor), want, "{q}");
        }
    }

    #[test]
    fn numbers_in_digits_or_numerals() {
        for (text, n) in [
            ("30", 30),
            ("十", 10),
            ("十二", 12),
            ("三十", 30),
            ("三十一", 31),
            ("一百零一", 101),
            ("两千", 2000),
        ] {
            assert_eq!(read_number(text), Some(n), "{text}");
        }
        for bad in ["", "百", "三x", "几"] {
            assert_eq!(read_number(bad), None, "{bad:?}");
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn parts_of_a_year() {
        let p = |first, last| YearPart { first, last };
        for (text, want) in [
            ("今年1到10月全国社会物流总额", vec![p(1, 10)]),
            ("1—7月份，全国社会物流总额", vec![p(1, 7)]),
            ("1月至10月，进出口", vec![p(1, 10)]),
            ("前10个月广西进出口", vec![p(1, 10)]),
            ("2023年头三个月新增企业", vec![p(1, 3)]),
            ("今年前两个月，服务进出口总额", vec![p(1, 2)]),
            ("今年前三季度，国内生产总值", vec![p(1, 9)]),
            ("一季度，长三角地区进出口", vec![p(1, 3)]),
            ("第二季度和上半年", vec![p(4, 6), p(1, 6)]),
            ("2024年全年开行多少列", vec![p(1, 12)]),
            ("前11个月开行4706列，已超去年全年", vec![p(1, 11)]),
            ("2024年10月22日", vec![]),
            ("第10个", vec![]),
            ("9月份，规模以上工业企业利润", vec![]),
        ] {
            let got: Vec<YearPart> = year_parts(text).into_iter().map(|(p, _)| p).collect();
            assert_eq!(got, want, "{text:?}");
        }
        // In a sentence, a month named as a period is a part too, unless a span holds it.
        for (text, want) in [
            ("分月看，9月份，规模以上工业企业利润", vec![p(9, 9)]),
            ("1—9月份，利润增长", vec![p(1, 9)]),
            ("三季度利润增长7.7%，9月份增长11.9%", vec![p(7, 9), p(9, 9)]),
            ("9月1日起施行", vec![]),
            ("8月末，我国外汇储备规模为33222亿美元", vec![p(8, 8)]),
            ("2026年5月底，余额增长", vec![p(5, 5)]),
            ("1—8月末", vec![p(1, 8)]),
        ] {
            let got: Vec<YearPart> = periods_named(text).into_iter().map(|(p, _)| p).collect();
            assert_eq!(got, want, "{text:?}");
        }
        let text = "今年1到10月物流";
        let ranges: Vec<Range<usize>> = year_parts(text).into_iter().map(|(_, r)| r).collect();
        let blanked = blank_ranges(text, &ranges);
        assert_eq!(blanked.chars().count(), text.chars().count());
        assert!(
            blanked.starts_with("今年") && blanked.ends_with("物流"),
            "{blanked:?}"
        );
        assert!(!blanked.contains('月'), "{blanked:?}");
    }

    fn one(q: &str, anchor: NaiveDate) -> DateSpec {
        let found = find(q, anchor);
        assert_eq!(found.len(), 1, "{q:?} gave {found:?}");
        found.into_iter().next().expect("one date")
    }

    #[test]
    fn calendar_dates() {
        let a = day(2026, 8, 22);
        let cases = [
            (
                "防汛 2024",
                day(2024, 1, 1),
                day(2024, 12, 31),
                Granularity::Year,
            ),
            (
                "2024年汽车出口多少辆",
                day(2024, 1, 1),
                day(2024, 12, 31),
                Granularity::Year,
            ),
            (
                "2024-06",
                day(2024, 6, 1),
                day(2024, 6, 30),
                Granularity::Month,
            ),
            (
                "2023年2月的会议",
                day(2023, 2, 1),
                day(2023, 2, 28),
                Granularity::Month,
            ),
            (
                "2024年6月20日开幕",
                day(2024, 6, 20),
                day(2024, 6, 20),
                Granularity::Day,
            ),
            (
                "2024/6/20",
                day(2024, 6, 20),
                day(2024, 6, 20),
                Granularity::Day,
            ),
            (
                "6月20日召开的会议",
                day(2026, 6, 20),
                day(2026, 6, 20),
                Granularity::Day,
            ),
            (
                "十月一日",
                day(2025, 10, 1),
                day(2025, 10, 1),
                Granularity::Day,
            ),
            (
                "2024巴黎奥运会",
                day(2024, 1, 1),
                day(2024, 12, 31),
                Granularity::Year,
            ),
        ];
        for (q, from, to, g) in cases {
            let d = one(q, a);
            assert_eq!((d.from, d.to, d.granularity), (from, to, g), "{q:?}");
            assert!(!d.relative, "{q:?}");
            // Only a month or day said without its year has its year guessed.
            let without_year = q.contains('月') && !q.contains('年');
            assert_eq!(d.year_implied, without_year, "{q:?}");
        }
    }

    #[test]
    fn relative_dates() {
        let a = day(2026, 8, 19); // a Wednesday
        let cases = [
            (
                "今年",
                day(2026, 1, 1),
                day(2026, 12, 31),
                Granularity::Year,
            ),
            (
                "去年全国汽车出口",
                day(2025, 1, 1),
                day(2025, 12, 31),
                Granularity::Year,
            ),
            (
                "前年",
                day(2024, 1, 1),
                day(2024, 12, 31),
                Granularity::Year,
            ),
            (
                "去年6月",
                day(2025, 6, 1),
                day(2025, 6, 30),
                Granularity::Month,
            ),
            (
                "上个月",
                day(2026, 7, 1),
                day(2026, 7, 31),
                Granularity::Month,
            ),
            (
                "本周",
                day(2026, 8, 17),
                day(2026, 8, 19),
                Granularity::Week,
            ),
            (
                "上周",
                day(2026, 8, 10),
                day(2026, 8, 16),
                Granularity::Week,
            ),
            ("昨天", day(2026, 8, 18), day(2026, 8, 18), Granularity::Day),
            (
                "最近",
                day(2026, 7, 20),
                day(2026, 8, 19),
                Granularity::Recent,
            ),
            (
                "近日",
                day(2026, 7, 20),
                day(2026, 8, 19),
                Granularity::Recent,
            ),
        ];
        for (q, from, to, g) in cases {
            let d = one(q, a);
            assert_eq!((d.from, d.to, d.granularity), (from, to, g), "{q:?}");
            assert!(d.relative, "{q:?}");
            assert!(!d.year_implied, "{q:?}");
        }
    }

    #[test]
    fn figures_are_not_dates() {
        let a = day(2026, 8, 22);
        for q in [
            "171公里",
            "20240人",
            "2024万元",
            "前3月",
            "3个月",
            "增长2.5%",
            "1500吨",
            "12.5",
            "2024.5亿元",
            "统一月度考核",
        ] {
            assert!(find(q, a).is_empty(), "{q:?} gave {:?}", find(q, a));
        }
    }

    #[test]
    fn blanking_keeps_the_rest() {
        let a = day(2026, 8, 22);
        let q = "去年全国汽车出口多少辆";
        let d = find(q, a);
        assert_eq!(blank(q, &d), "  全国汽车出口多少辆");
    }

    #[test]
    fn a_year_and_a_finer_date_read_together() {
        let a = day(2026, 8, 22);
        let ranges = |q: &str| -> Vec<(NaiveDate, NaiveDate, bool)> {
            narrow(find(q, a))
                .iter()
                .map(|d| (d.from, d.to, d.year_implied))
                .collect()
        };
        // The day said without its year is in the year the question names, not the
        // anchor's latest such day.
        assert_eq!(
            ranges("2023年电影票房到11月14日有多少"),
            [(day(2023, 11, 14), day(2023, 11, 14), false)]
        );
        assert_eq!(
            ranges("今年电影票房到6月18日一共多少"),
            [(day(2026, 6, 18), day(2026, 6, 18), false)]
        );
        assert_eq!(
            ranges("去年的防汛 7月"),
            [(day(2025, 7, 1), day(2025, 7, 31), false)]
        );
        // A date with its own year inside the one named.
        assert_eq!(
            ranges("2024 防汛 2024年6月"),
            [(day(2024, 6, 1), day(2024, 6, 30), false)]
        );
        // Controls: two years, a finer date of another year, a year alone, a day alone.
        assert_eq!(ranges("2023年和2024年的6月").len(), 3);
        assert_eq!(ranges("2024年 防汛 2023年6月").len(), 2);
        assert_eq!(
            ranges("2024年"),
            [(day(2024, 1, 1), day(2024, 12, 31), false)]
        );
        assert_eq!(
            ranges("6月20日"),
            [(day(2026, 6, 20), day(2026, 6, 20), true)]
        );
        // The words said stay for display, and blanking reads what `find` found.
        let said: Vec<String> = narrow(find("今年票房到6月18日", a))
            .iter()
            .map(|d| d.text.clone())
            .collect();
        assert_eq!(said, ["今年…6月18日"]);
    }

    #[test]
    fn labels() {
        let a = day(2026, 8, 19);
        assert_eq!(one("2024", a).label(), "2024年");
        assert_eq!(one("2024-06", a).label(), "2024年6月");
        assert_eq!(one("上周", a).label(), "2026年8月10日至16日");
        assert_eq!(one("最近", a).label(), "2026年7月20日至8月19日");
    }

    #[test]
    fn years_of_sentences() {
        let d = Some(day(2024, 1, 12));
        assert_eq!(years_mentioned("去年我国汽车出口491万辆", d), vec![2023]);
        assert_eq!(
            years_mentioned("2023年汽车出口491万辆,今年有望", d),
            vec![2023, 2024]
        );
        assert!(years_mentioned("出口491万辆", d).is_empty());
        assert!(years_mentioned("12023年", d).is_empty());
        // Points of comparison are not what the figure is for.
        assert!(years_mentioned("指数降至49.4,为自2022年12月以来首次萎缩", d).is_empty());
        assert!(years_mentioned("创2008年以来新高", d).is_empty());
        assert!(years_mentioned("利润比去年同期增长8%", d).is_empty());
        assert!(years_mentioned("较2019年增长两成", d).is_empty());
        assert_eq!(
            years_mentioned("今年前三季度利润比去年同期增长8%", d),
            vec![2024]
        );
        assert_eq!(years_mentioned("2023年以来累计开行", d), Vec::<i32>::new());
    }
}
