//! JSON Lines: one article per line, `{"id", "title", "date", "source", "url",
//! "paragraphs": [...]}` or with `"body"` as blank-line separated text. The format of the
//! 新闻联播 and Sina data sets. A bad line is reported with its number; the rest still load.

use serde::Deserialize;
use serde_json::Value;

use super::dates::parse_date;
use super::genre::take_byline;
use super::{Article, DateOrigin, TITLE_FROM_TEXT_CHARS, clean_line};

/// What a JSON Lines file produced.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) articles: Vec<Article>,
    /// `(1-based line number, reason)` of the first [`super::MAX_LINES_LISTED`] bad lines.
    pub(crate) bad_lines: Vec<(usize, String)>,
    /// Bad lines in all (a file of 200,000 bad lines keeps 20 reasons, not 200,000).
    pub(crate) bad_count: usize,
    /// Records without body text (left out; counted).
    pub(crate) empty_bodies: usize,
}

impl Parsed {
    fn bad(&mut self, line: usize, reason: impl FnOnce() -> String) {
        self.bad_count += 1;
        if self.bad_lines.len() < super::MAX_LINES_LISTED {
            self.bad_lines.push((line, reason()));
        }
    }
}

/// One record. Unknown fields are ignored; several common spellings are accepted.
#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default, alias = "publisher")]
    source: Option<String>,
    #[serde(default, alias = "media")]
    outlet: Option<String>,
    #[serde(default, alias = "author")]
    reporter: Option<String>,
    #[serde(default, alias = "link")]
    url: Option<String>,
    #[serde(default)]
    paragraphs: Option<Vec<String>>,
    #[serde(default, alias = "content", alias = "text")]
    body: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    category: Option<String>,
}

/// Parses a JSON Lines file. `file_id` names records that have no `id` (`<file_id>-<line>`).
pub(crate) fn parse(text: &str, file_id: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let record: Record = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(err) => {
                parsed.bad(line_no, || format!("not a JSON article record: {err}"));
                continue;
            }
        };
        match to_article(record, file_id, line_no) {
            Ok(Some(article)) => parsed.articles.push(article),
            Ok(None) => parsed.empty_bodies += 1,
            Err(reason) => parsed.bad(line_no, || reason),
        }
    }
    parsed
}

fn to_article(record: Record, file_id: &str, line_no: usize) -> Result<Option<Article>, String> {
    let id = match record.id {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        None | Some(Value::Null) => format!("{file_id}-{line_no}"),
        Some(Value::String(_)) => format!("{file_id}-{line_no}"),
        Some(other) => return Err(format!("`id` must be a string or a number, not {other}")),
    };
    let paragraphs: Vec<String> = match (record.paragraphs, record.body) {
        (Some(ps), _) if ps.iter().any(|p| !p.trim().is_empty()) => ps
            .iter()
            .flat_map(|p| p.lines())
            .map(clean_line)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect(),
        (_, Some(body)) => split_body(&body),
        _ => Vec::new(),
    };
    let title = record
        .title
        .as_deref()
        .map(clean_line)
        .unwrap_or("")
        .to_string();
    if title.is_empty() && paragraphs.is_empty() {
        return Err("record has neither `title` nor body text".into());
    }
    if paragraphs.is_empty() {
        return Ok(None);
    }
    let mut article = Article::new(id, title, paragraphs);
    if article.title.is_empty() {
        article.title = article.paragraphs[0]
            .chars()
            .take(TITLE_FROM_TEXT_CHARS)
            .collect();
        article
            .warnings
            .push("no title; using the start of the text".into());
    }
    article.origin = line_no.to_string();
    article.url = record.url.filter(|u| !u.trim().is_empty());
    article.source = record.source.filter(|s| !s.trim().is_empty());
    article.outlet = record.outlet.filter(|s| !s.trim().is_empty());
    article.reporter = record.reporter.filter(|s| !s.trim().is_empty());
    article.tags = record.tags.unwrap_or_default();
    if let Some(category) = record.category.filter(|c| !c.is_empty()) {
        article.tags.push(category);
    }
    take_byline(&mut article);
    match record.date.as_deref() {
        Some(raw) => match parse_date(raw) {
            Some(date) => {
                article.date = Some(date);
                article.date_origin = DateOrigin::Stated;
            }
            None => article
                .warnings
                .push(format!("`date` {raw:?} is not a date")),
        },
        None => article.warnings.push("no `date`".into()),
    }
    Ok(Some(article))
}

/// Splits a body text into paragraphs at blank lines; single line breaks inside a
/// paragraph are joined (without a space between Chinese characters).
fn split_body(body: &str) -> Vec<String> {
    let body = body.replace("\r\n", "\n");
    let mut paragraphs = Vec::new();
    for block in body.split("\n\n") {
        let mut text = String::new();
        for line in block.lines().map(clean_line).filter(|l| !l.is_empty()) {
            if text
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && line.starts_with(|c: char| c.is_ascii_alphanumeric())
            {
                text.push(' ');
            }
            text.push_str(line);
        }
        if !text.is_empty() {
            paragraphs.push(text);
        }
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn byline_only_first_paragraph_is_metadata() {
        let line = r#"{"id": "b", "title": "标题", "date": "2024-06-15", "paragraphs": ["新华社石家庄6月15日电（记者 张三）", "河北省召开防汛会议。"]}"#;
        let a = &parse(line, "f").articles[0];
        assert_eq!(a.paragraphs, ["河北省召开防汛会议。"]);
        assert_eq!(
            (a.outlet.as_deref(), a.reporter.as_deref(), a.byline_len),
            (Some("新华社"), Some("张三"), 0)
        );
    }

    #[test]
    fn records_and_bad_lines() {
        let text = concat!(
            r#"{"id": "xwlb-20250101-01", "date": "2025-01-01", "title": "新年贺词", "paragraphs": ["第一段。", "第二段。"], "url": "https://tv.cctv.com/x"}"#,
            "\n",
            "{not json\n",
            "\n",
            r#"{"title": "正文字段", "date": "2025-01-02T08:00:00+08:00", "body": "第一段第一行\n第一段第二行\n\n第二段"}"#,
            "\n",
            r#"{"id": "video", "title": "只有视频", "paragraphs": []}"#,
            "\n",
            r#"{"id": 7, "date": "2025-13-40", "title": "坏日期", "paragraphs": ["正文。"]}"#,
            "\n",
            r#"[1, 2, 3]"#,
            "\n",
        );
        let parsed = parse(text, "news");
        let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["xwlb-20250101-01", "news-4", "7"]);
        assert_eq!(parsed.articles[0].paragraphs, ["第一段。", "第二段。"]);
        assert_eq!(parsed.articles[0].date, NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(
            parsed.articles[1].paragraphs,
            ["第一段第一行第一段第二行", "第二段"]
        );
        assert_eq!(parsed.articles[1].date, NaiveDate::from_ymd_opt(2025, 1, 2));
        assert_eq!(parsed.articles[2].date, None);
        assert!(parsed.articles[2].warnings[0].contains("not a date"));
        let bad: Vec<usize> = parsed.bad_lines.iter().map(|(l, _)| *l).collect();
        assert_eq!(bad, [2, 7], "{:?}", parsed.bad_lines);
        assert_eq!(parsed.empty_bodies, 1);
    }
}
