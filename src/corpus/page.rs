//! Saved news pages as plain text, in two layouts: the article region alone (the seed: a
//! title, deck lines, a byline, body paragraphs, a `来源` line, then site furniture), and a
//! whole-page copy ("select all, copy" in a browser: navigation first, then the headline, a
//! date/source line, share widgets, the body, recommendations, the footer). Finds the
//! headline and the body, reads the metadata, drops the furniture.
//!
//! The rules are for the genre, not one site: the headline is the heading just above the
//! date/source line (or above the first paragraph), the body starts at a byline or the
//! first line of prose and ends where [`genre::cut_body`](super::genre::cut_body) says.

use chrono::NaiveDate;

use super::dates::{find_dates, with_inferred_year};
use super::genre::{
    DATE_ONLY, Header, cut_body, is_body_start_line, is_furniture, is_heading_like, is_meta_line,
    is_paragraph, is_prose, read_meta_line, source_credit, take_byline,
};
use super::{Article, DateOrigin, byline, clean_line};

/// Where the parts of a page are, as indexes into its non-blank lines.
#[derive(Debug, PartialEq, Eq)]
struct Layout {
    title_at: usize,
    /// The first line of the body.
    body_at: usize,
    /// A whole-page copy (navigation above the headline): only lines between the headline
    /// and the body are the header, and dates above the headline are navigation.
    whole_page: bool,
}

/// How far above the first paragraph the headline and its date line may be.
const HEADER_WINDOW: usize = 40;
/// How many lines above the date line (or the first paragraph) the headline may be.
const HEADLINE_WINDOW: usize = 8;

/// Finds the headline and the start of the body. The seed's layout (the title first, deck
/// lines, the byline) is read as written; a whole-page copy (navigation first) has its
/// headline found by the genre's shape: the heading just above the date/source line, else
/// the longest heading-like line just above the first paragraph.
fn layout(lines: &[&str]) -> Option<Layout> {
    // Navigation above the title (breadcrumbs, "首页") is furniture too.
    let first = lines
        .iter()
        .position(|l| !is_furniture(l) && !DATE_ONLY.is_match(l))?;
    let simple = || {
        let body_at = lines[first + 1..]
            .iter()
            .position(|l| byline::parse(l).is_some() || is_prose(l))
            .map_or(first + 1, |i| first + 1 + i);
        Layout {
            title_at: first,
            body_at,
            whole_page: false,
        }
    };
    let Some(para) = lines.iter().position(|l| is_paragraph(l)) else {
        return Some(simple());
    };
    let window = para.saturating_sub(HEADER_WINDOW).max(first + 1)..para;
    let meta = window
        .rev()
        .find(|&i| is_meta_line(lines[i]) && !is_furniture(lines[i]));
    if let Some(meta) = meta {
        // The header block: the date/source lines (and furniture between them).
        let mut top = meta;
        while top > first + 1 && (is_meta_line(lines[top - 1]) || is_furniture(lines[top - 1])) {
            top -= 1;
        }
        if let Some(title_at) = headline_above(lines, top, first) {
            let body_at = (meta + 1..lines.len())
                .find(|&i| is_body_start_line(lines[i]))
                .unwrap_or(para);
            return Some(Layout {
                title_at,
                body_at,
                whole_page: true,
            });
        }
    }
    // The first paragraph may be the first line itself (a page that is all prose).
    let before = lines
        .get(first + 1..para)
        .unwrap_or_default()
        .iter()
        .filter(|l| !is_furniture(l))
        .count();
    if before <= 6 {
        return Some(simple());
    }
    let title_at = headline_above(lines, para, first).unwrap_or(first);
    let body_at = (title_at + 1..lines.len())
        .find(|&i| is_body_start_line(lines[i]))
        .unwrap_or(para);
    Some(Layout {
        title_at,
        body_at,
        whole_page: true,
    })
}

/// The headline above line `below`: the longest heading-like line among the nearest few
/// (ties go to the nearest), not above `first`.
fn headline_above(lines: &[&str], below: usize, first: usize) -> Option<usize> {
    (below.saturating_sub(HEADLINE_WINDOW).max(first)..below)
        .rev()
        .filter(|&i| is_heading_like(lines[i]))
        .take(3)
        .max_by_key(|&i| (lines[i].chars().count(), usize::MAX - (below - i)))
}

/// Parses a saved news page. `file_date` (the file's modification date) is the last resort
/// for the date. `None` if there is no text at all.
pub(crate) fn parse(text: &str, file_date: Option<NaiveDate>) -> Option<Article> {
    let lines: Vec<&str> = text
        .lines()
        .map(clean_line)
        .filter(|l| !l.is_empty())
        .collect();
    parse_lines(&lines, file_date)
}

/// Parses a page from its non-blank, trimmed lines (a text copy, or the visible text of an
/// HTML page).
pub(super) fn parse_lines(lines: &[&str], file_date: Option<NaiveDate>) -> Option<Article> {
    let Layout {
        title_at,
        body_at,
        whole_page,
    } = layout(lines)?;
    let title = strip_label(lines[title_at], &["标题"]).to_string();
    let mut article = Article::new("", title, Vec::new());

    let mut header = Header::default();
    if !whole_page {
        header.dates = lines[..title_at]
            .iter()
            .flat_map(|l| find_dates(l))
            .collect();
    }
    let header_lines = &lines[title_at + 1..body_at.max(title_at + 1)];
    let mut credit = None;
    let mut seen_meta = false;
    for line in header_lines {
        if let Some(reporter) = byline::parse_credit_line(line) {
            credit.get_or_insert(reporter);
        } else if is_meta_line(line) {
            seen_meta = true;
            read_meta_line(line, &mut header);
        } else if whole_page
            && !seen_meta
            && header.outlet.is_none()
            && is_outlet_line(line)
            && *line != lines[title_at]
        {
            // A short name between the headline and its date line: the author or outlet.
            header.outlet = Some((*line).to_string());
        } else if !is_furniture(line) && (!whole_page || is_heading_like(line)) {
            article.deck.push((*line).to_string());
        }
    }
    if whole_page && header.dates.is_empty() {
        // No date under the headline: the navigation's dates are better than nothing.
        header.dates = lines[..title_at]
            .iter()
            .flat_map(|l| find_dates(l))
            .collect();
    }
    article.deck.retain(|d| *d != article.title);

    let (mut body, source, after) = cut_body(&lines[body_at..]);
    let after_body = &lines[(body_at + after).min(lines.len())..];
    let mut page_dates: Vec<NaiveDate> = Vec::new();
    article.source = source.or(header.source);
    for line in after_body {
        if article.source.is_none() {
            article.source = source_credit(line);
        }
        page_dates.extend(find_dates(line));
    }
    if body.is_empty() {
        article.warnings.push("no body text".into());
    }
    article.paragraphs = std::mem::take(&mut body);
    let byline = take_byline(&mut article);
    article.reporter = article.reporter.take().or(credit).or(header.reporter);
    if article.source.is_none() && article.outlet.is_none() {
        article.source = header.outlet;
    }
    let stated = byline
        .and_then(|b| b.date)
        .or_else(|| header.month_day.map(|(m, d)| (None, m, d)));
    set_date(&mut article, stated, &header.dates, &page_dates, file_date);
    Some(article)
}

/// A short name alone on a line (`某某日报`, `新华社`): no digits, no punctuation.
fn is_outlet_line(line: &str) -> bool {
    let n = line.chars().count();
    (2..=10).contains(&n)
        && line.chars().all(|c| c.is_alphabetic() || c == '·')
        && !is_furniture(line)
}

/// Chooses the date, most trustworthy first: a full byline date; the byline's month and
/// day with the year from the page; a date printed in the header; page timestamps after
/// the body only give a year; the file's time last.
pub(super) fn set_date(
    article: &mut Article,
    byline_date: Option<(Option<i32>, u32, u32)>,
    header_dates: &[NaiveDate],
    page_dates: &[NaiveDate],
    file_date: Option<NaiveDate>,
) {
    let reference = header_dates.first().or(page_dates.iter().min()).copied();
    let (date, origin) = match byline_date {
        Some((Some(y), m, d)) => (NaiveDate::from_ymd_opt(y, m, d), DateOrigin::Stated),
        // A dateline without a year (`巴黎12月9日电`) is when the story was filed, often the
        // day before by Beijing time; the publication date printed under the headline is
        // the one a citation gives.
        Some((None, _, _)) if !header_dates.is_empty() => {
            (header_dates.first().copied(), DateOrigin::Page)
        }
        Some((None, m, d)) => match reference {
            Some(r) => (with_inferred_year(m, d, r), DateOrigin::BylineWithPageYear),
            None => (
                file_date.and_then(|f| with_inferred_year(m, d, f)),
                DateOrigin::FileTime,
            ),
        },
        None => match header_dates.first() {
            Some(d) => (Some(*d), DateOrigin::Page),
            None => match lede_date(article) {
                Some(d) => (Some(d), DateOrigin::Page),
                None => (file_date, DateOrigin::FileTime),
            },
        },
    };
    if byline_date.is_some() && date.is_none() {
        article
            .warnings
            .push("the byline's date is not a real date".into());
    }
    if date.is_some() && origin == DateOrigin::FileTime {
        article
            .warnings
            .push("no year or date on the page; using the file's modification time".into());
    }
    article.date = date;
    article.date_origin = if date.is_some() {
        origin
    } else {
        DateOrigin::Unknown
    };
}

/// How far into the first paragraph a dateline date may stand.
const LEDE_DATE_CHARS: usize = 30;

/// A full date at the very start of the body (`2019年2月27日下午，…`, `本报讯 2019年…`): news
/// ledes open with when it happened, which is the best guess left when the page states no
/// date.
pub(super) fn lede_date(article: &Article) -> Option<NaiveDate> {
    let lede: String = article
        .first_paragraph_without_byline()
        .chars()
        .take(LEDE_DATE_CHARS)
        .collect();
    find_dates(&lede).into_iter().next()
}

/// Strips a `标签：` style label from a line.
fn strip_label<'a>(line: &'a str, labels: &[&str]) -> &'a str {
    for label in labels {
        if let Some(rest) = line.strip_prefix(label) {
            let rest = rest.trim_start_matches([':', '：', ' ']);
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_whose_first_line_is_a_paragraph_is_read_not_a_panic() {
        // Regression: the first real news page of this shape (text from an HTML page with
        // no headline above its prose) panicked on a slice from after the first line to
        // the first paragraph, which was that line.
        for text in [
            "3月4日，市政府召开常务会议，研究部署春耕生产工作。\n会议还研究了其他事项。\n",
            "首页\n3月4日，市政府召开常务会议，研究部署春耕生产工作。\n",
            "2023-03-05\n3月4日，市政府召开常务会议，研究部署春耕生产工作。\n",
        ] {
            let a = parse(text, None).expect("parsed");
            assert!(!a.title.is_empty(), "{text:?}: {a:?}");
        }
    }

    #[test]
    fn page_with_header_metadata_and_no_byline() {
        let text = "首页 > 新闻 > 本地\n\
                    市政府召开常务会议\n\
                    发布时间：2023-03-05 09:30 来源：市政府办公室\n\
                    本报记者 张三\n\n\
                    3月4日，市政府召开常务会议，研究部署春耕生产工作。会议指出，要抓好粮食生产。\n\n\
                    会议还研究了其他事项。\n\
                    责任编辑：李四\n\
                    分享到：\n";
        let a = parse(text, None).expect("parsed");
        assert_eq!(a.title, "市政府召开常务会议");
        assert_eq!(a.source.as_deref(), Some("市政府办公室"));
        assert_eq!(a.reporter.as_deref(), Some("张三"));
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2023, 3, 5));
        assert_eq!(a.date_origin, DateOrigin::Page);
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
        assert!(a.deck.is_empty(), "{:?}", a.deck);
    }

    #[test]
    fn december_byline_on_january_page() {
        let text = "年终总结大会召开\n\n本报讯(记者 王五)12月30日,全市年终总结大会召开,总结一年工作。\n\n来源:本报\n上一篇 2023-01-02 09:00\n";
        let a = parse(text, None).expect("parsed");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2022, 12, 30));
        assert_eq!(a.date_origin, DateOrigin::BylineWithPageYear);
        assert_eq!(a.outlet, None);
        assert_eq!(a.outlet_or_source(), Some("本报"));
    }

    #[test]
    fn short_article_without_prose_markers() {
        let a = parse("简讯\n\n今天下雨\n", None).expect("parsed");
        assert_eq!(a.title, "简讯");
        assert_eq!(a.paragraphs, vec!["今天下雨".to_string()]);
    }

    #[test]
    fn title_only_is_kept_with_a_warning() {
        let a = parse("只有标题\n", None).expect("parsed");
        assert!(a.paragraphs.is_empty());
        assert!(a.warnings.iter().any(|w| w.contains("no body")));
    }

    #[test]
    fn nothing_is_none() {
        assert!(parse("\n \n\u{3000}\n", None).is_none());
    }
}
