//! `trend`: how many articles are about each of up to three topics, per week (Monday to
//! Sunday) or per month, over the corpus's dates or one year, with each topic's peak period
//! and the articles that stand out in it. Articles are counted once however often they
//! mention the words; undated articles cannot be placed and are only counted aside.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::topic::Topic;
use super::{ArticleRef, Engine};

/// At most this many topics are compared in one chart.
pub const MAX_TREND_WORDS: usize = 3;
/// Ranges spanning this many weeks or more are counted by month.
pub(crate) const WEEKS_BEFORE_MONTHS: i64 = 26;
/// Titles kept for each topic's peak period.
pub const PEAK_TITLES: usize = 3;

/// The length of one counted period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Week,
    Month,
}

impl Period {
    /// The first day of the period holding `d`.
    pub(crate) fn start_of(self, d: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => d - Days::new(u64::from(d.weekday().num_days_from_monday())),
            Period::Month => d.with_day(1).unwrap_or(d),
        }
    }

    /// The first day of the next period.
    pub(crate) fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => start + Days::new(7),
            Period::Month => start + Months::new(1),
        }
    }
}

/// Articles in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodCount {
    pub start: NaiveDate,
    pub articles: usize,
}

/// The busiest period of one topic and its most telling articles.
#[derive(Debug, Clone, PartialEq)]
pub struct Peak {
    pub start: NaiveDate,
    pub articles: usize,
    /// Best first: the topic in the title, then the most matching paragraphs, then newest.
    pub titles: Vec<ArticleRef>,
}

/// One topic's counts, periods in date order, zero periods included.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub(crate) word: String,
    pub counts: Vec<PeriodCount>,
    /// Matching articles in the range.
    #[serde(skip)]
    pub total: usize,
    /// Matching articles without a date (not in any period).
    #[serde(skip)]
    pub undated: usize,
    #[serde(skip)]
    pub peak: Option<Peak>,
}

/// Something the reader should know about a trend request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrendNotice {
    /// No words were given.
    NoWords,
    /// More than [`MAX_TREND_WORDS`] words: these were left out.
    TooManyWords(Vec<String>),
    /// A word with nothing searchable in it (punctuation, emoji): left out.
    Unsearchable(String),
    /// No article has a date, so nothing can be placed in time.
    NoDates,
    /// No dated article falls in the year asked for (its months are all zero).
    EmptyYear(i32),
}

/// The answer to `/trend`: JSON is exactly `{"words", "period", "series"}`.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub words: Vec<String>,
    pub period: Period,
    pub series: Vec<Series>,
    /// First and last day counted (clipped to the corpus's dates).
    #[serde(skip)]
    pub(crate) range: Option<(NaiveDate, NaiveDate)>,
    #[serde(skip)]
    pub(crate) notices: Vec<TrendNotice>,
}

/// What the reader asked for: words and maybe a year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrendRequest {
    pub(crate) words: Vec<String>,
    pub(crate) year: Option<i32>,
}

impl TrendRequest {
    /// `黄河 长江 2024` → words `黄河`, `长江` and year 2024. A last word that is a year
    /// (`2024` or `2024年`, 1900–2100) is the year when other words come before it. Words
    /// are separated by white space or Chinese list punctuation (`，`, `、`); repeats dropped.
    pub fn parse(text: &str) -> Self {
        let mut words: Vec<String> = Vec::new();
        for w in
            text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        {
            let w = w.trim();
            if !w.is_empty() && !words.iter().any(|x| x == w) {
                words.push(w.to_string());
            }
        }
        let year = match words.last() {
            Some(last) if words.len() > 1 => parse_year(last),
            _ => None,
        };
        if year.is_some() {
            words.pop();
        }
        Self { words, year }
    }
}

fn parse_year(word: &str) -> Option<i32> {
    let digits = word.strip_suffix('年').unwrap_or(word);
    let digits: String = digits
        .chars()
        .map(crate::text::normalize::fold_char)
        .collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|y| (1900..=2100).contains(y))
}

/// One matching article: its ordinal, whether the title matched, and matching paragraphs.
#[derive(Debug, Clone, Copy)]
struct Match {
    ordinal: usize,
    in_title: bool,
    paragraphs: usize,
}

impl Engine {
    /// Counts, per period, the articles about each word (see [`Topic`]). Never fails: bad
    /// words are left out with a notice.
    pub fn trend(&self, request: &TrendRequest) -> Trend {
        let mut notices = Vec::new();
        let mut words = request.words.clone();
        if words.is_empty() {
            notices.push(TrendNotice::NoWords);
        }
        if words.len() > MAX_TREND_WORDS {
            notices.push(TrendNotice::TooManyWords(words.split_off(MAX_TREND_WORDS)));
        }
        let mut topics = Vec::new();
        for w in words {
            let topic = Topic::new(&self.segmenter, &w);
            if topic.is_empty() {
                notices.push(TrendNotice::Unsearchable(w));
            } else {
                topics.push(topic);
            }
        }
        let range = self.trend_range(request.year, &mut notices);
        let period = match range {
            Some((from, to)) => {
                let weeks =
                    (Period::Week.start_of(to) - Period::Week.start_of(from)).num_days() / 7 + 1;
                if weeks < WEEKS_BEFORE_MONTHS {
                    Period::Week
                } else {
                    Period::Month
                }
            }
            None => Period::Week,
        };
        let starts = range.map_or_else(Vec::new, |(from, to)| {
            let mut starts = Vec::new();
            let mut at = period.start_of(from);
            while at <= to {
                starts.push(at);
                at = period.next(at);
            }
            starts
        });
        let series = topics
            .iter()
            .map(|t| self.series(t, period, &starts, range))
            .collect();
        Trend {
            words: topics.into_iter().map(|t| t.query).collect(),
            period,
            series,
            range,
            notices,
        }
    }

    /// The days to count: the corpus's dates, within the year when one is asked for.
    fn trend_range(
        &self,
        year: Option<i32>,
        notices: &mut Vec<TrendNotice>,
    ) -> Option<(NaiveDate, NaiveDate)> {
        let dates = self.date_range();
        let Some(year) = year else {
            if dates.is_none() {
                notices.push(TrendNotice::NoDates);
            }
            return dates;
        };
        let (jan1, dec31) = (
            NaiveDate::from_ymd_opt(year, 1, 1)?,
            NaiveDate::from_ymd_opt(year, 12, 31)?,
        );
        // The year's dated articles, first and last.
        let mut inside = self
            .articles
            .iter()
            .filter_map(|a| a.date)
            .filter(|d| (jan1..=dec31).contains(d));
        let first = inside.next();
        let (from, to) = inside.fold((first, first), |(lo, hi), d| {
            (lo.map(|l| l.min(d)), hi.map(|h| h.max(d)))
        });
        match (from, to) {
            (Some(from), Some(to)) => Some((from, to)),
            _ => {
                notices.push(TrendNotice::EmptyYear(year));
                Some((jan1, dec31))
            }
        }
    }

    /// The articles about `topic`: titles checked directly, paragraphs found through the
    /// index and checked.
    fn topic_matches(&self, topic: &Topic) -> Vec<Match> {
        let mut by_article: HashMap<usize, Match> = HashMap::new();
        for (ordinal, a) in self.articles.iter().enumerate() {
            if topic.matches_normalized(&self.segmenter.normalize(&a.title)) {
                by_article.insert(
                    ordinal,
                    Match {
                        ordinal,
                        in_title: true,
                        paragraphs: 0,
                    },
                );
            }
        }
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        for (ordinal, paragraph) in self.index.paragraphs_with_all(&topic.phrases) {
            let Some(p) = paragraph else { continue };
            let Some(text) = self.articles.get(ordinal).and_then(|a| a.paragraphs.get(p)) else {
                continue;
            };
            if !seen.insert((ordinal, p))
                || !topic.matches_normalized(&self.segmenter.normalize(text))
            {
                continue;
            }
            by_article
                .entry(ordinal)
                .or_insert(Match {
                    ordinal,
                    in_title: false,
                    paragraphs: 0,
                })
                .paragraphs += 1;
        }
        by_article.into_values().collect()
    }

    fn series(
        &self,
        topic: &Topic,
        period: Period,
        starts: &[NaiveDate],
        range: Option<(NaiveDate, NaiveDate)>,
    ) -> Series {
        let mut counts: Vec<PeriodCount> = starts
            .iter()
            .map(|&start| PeriodCount { start, articles: 0 })
            .collect();
        let mut in_period: Vec<Vec<Match>> = vec![Vec::new(); starts.len()];
        let (mut total, mut undated) = (0, 0);
        for m in self.topic_matches(topic) {
            let Some(date) = self.articles[m.ordinal].date else {
                undated += 1;
                continue;
            };
            if range.is_none_or(|(from, to)| date < from || date > to) {
                continue;
            }
            let Ok(slot) = starts.binary_search(&period.start_of(date)) else {
                continue;
            };
            counts[slot].articles += 1;
            in_period[slot].push(m);
            total += 1;
        }
        // The busiest period; of equal ones, the latest.
        let peak = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.articles > 0)
            .max_by_key(|(i, c)| (c.articles, *i))
            .map(|(slot, c)| {
                let mut best = std::mem::take(&mut in_period[slot]);
                best.sort_by(|a, b| {
                    let (x, y) = (&self.articles[a.ordinal], &self.articles[b.ordinal]);
                    b.in_title
                        .cmp(&a.in_title)
                        .then(b.paragraphs.cmp(&a.paragraphs))
                        .then(y.date.cmp(&x.date))
                        .then(x.id.cmp(&y.id))
                });
                Peak {
                    start: c.start,
                    articles: c.articles,
                    titles: best
                        .iter()
                        .take(PEAK_TITLES)
                        .map(|m| ArticleRef::of(&self.articles[m.ordinal]))
                        .collect(),
                }
            });
        Series {
            word: topic.query.clone(),
            counts,
            total,
            undated,
            peak,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_take_a_trailing_year() {
        let r = TrendRequest::parse("黄河 长江 2024");
        assert_eq!(r.words, vec!["黄河", "长江"]);
        assert_eq!(r.year, Some(2024));
        assert_eq!(
            TrendRequest::parse("黄河，长江、黄河 ２０２３年").year,
            Some(2023)
        );
        assert_eq!(
            TrendRequest::parse("黄河，长江、黄河").words,
            vec!["黄河", "长江"]
        );
        let only = TrendRequest::parse("2024");
        assert_eq!((only.words, only.year), (vec!["2024".to_string()], None));
        assert_eq!(TrendRequest::parse("黄河 3000").year, None);
    }

    #[test]
    fn periods_start_on_monday_and_the_first() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 20).unwrap(); // a Thursday
        assert_eq!(
            Period::Week.start_of(d),
            NaiveDate::from_ymd_opt(2024, 6, 17).unwrap()
        );
        assert_eq!(
            Period::Month.start_of(d),
            NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
        );
        assert_eq!(
            Period::Month.next(NaiveDate::from_ymd_opt(2024, 12, 1).unwrap()),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
        );
    }
}
