//! Dates as news pages print them: `2022-06-20`, `2022/6/20`, `2022.06.20`,
//! `2022年6月20日`, RFC 3339, and month-day bylines (`6月20日`) whose year comes from
//! elsewhere on the page.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

/// A full date anywhere in a line: `2022-06-20`, `2022/6/20`, `2022.06.20`, `2022年6月20日`.
static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日)",
    )
    .expect("valid regex")
});

/// Parses a date field: any [`FULL_DATE`] form, or RFC 3339 / `YYYY-MM-DD HH:MM:SS`, using
/// the date part. The whole string must be one date (surrounding white space aside).
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    let caps = FULL_DATE.captures(s)?;
    let whole = caps.get(0)?;
    if whole.start() != 0 {
        return None;
    }
    let rest = s[whole.end()..].trim();
    // Allow a time after the date (`2022-06-20 10:51`, `2022-06-20T10:51:00`).
    if !rest.is_empty()
        && !rest
            .trim_start_matches('T')
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | ' ' | '+' | '-' | 'Z'))
    {
        return None;
    }
    date_from_caps(&caps)
}

/// Every full date printed in `text`, in order.
pub(crate) fn find_dates(text: &str) -> Vec<NaiveDate> {
    FULL_DATE
        .captures_iter(text)
        .filter_map(|c| date_from_caps(&c))
        .collect()
}

fn date_from_caps(caps: &regex::Captures<'_>) -> Option<NaiveDate> {
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = caps.get(1)?.as_str().parse::<i32>().ok()?;
    let (month, day) = match (num(2), num(3)) {
        (Some(m), Some(d)) => (m, d),
        _ => (num(4)?, num(5)?),
    };
    if !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The year for a month and day printed without one, given a date known to be on or a
/// little after publication (a page timestamp, a file time): the latest such date not more
/// than a week after `reference`.
pub(crate) fn with_inferred_year(month: u32, day: u32, reference: NaiveDate) -> Option<NaiveDate> {
    let limit = reference + chrono::Days::new(7);
    (reference.year() - 1..=reference.year() + 1)
        .rev()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| *d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_date_fields() {
        let cases = [
            ("2022-06-20", Some(d(2022, 6, 20))),
            ("2022/6/20", Some(d(2022, 6, 20))),
            ("2022.06.20", Some(d(2022, 6, 20))),
            ("2022年6月20日", Some(d(2022, 6, 20))),
            ("2022-06-20T10:51:00+08:00", Some(d(2022, 6, 20))),
            ("2022-06-20 10:51", Some(d(2022, 6, 20))),
            (" 2022-06-20 ", Some(d(2022, 6, 20))),
            ("2022-13-01", None),
            ("2022-02-30", None),
            ("yesterday", None),
            ("约2022-06-20", None),
            ("2022-06-20 前后", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input), want, "parsing {input:?}");
        }
    }

    #[test]
    fn finds_dates_in_text() {
        assert_eq!(
            find_dates("上一篇 2022-06-22 10:51 下一篇 2022年6月23日"),
            vec![d(2022, 6, 22), d(2022, 6, 23)]
        );
    }

    #[test]
    fn infers_year_near_reference() {
        assert_eq!(
            with_inferred_year(6, 20, d(2022, 6, 22)),
            Some(d(2022, 6, 20))
        );
        // A December byline on a page stamped in January belongs to the year before.
        assert_eq!(
            with_inferred_year(12, 30, d(2023, 1, 2)),
            Some(d(2022, 12, 30))
        );
        // A few days after the reference is still the same year (clock skew, time zones).
        assert_eq!(
            with_inferred_year(6, 25, d(2022, 6, 22)),
            Some(d(2022, 6, 25))
        );
        assert_eq!(
            with_inferred_year(2, 29, d(2024, 3, 1)),
            Some(d(2024, 2, 29))
        );
        assert_eq!(with_inferred_year(2, 30, d(2024, 3, 1)), None);
    }
}
