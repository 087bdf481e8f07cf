//! Saved news pages as plain text (the seed's genre): a title, deck lines, a byline, body
//! paragraphs, a `来源` line, then site furniture (comment counters, previous/next links,
//! "相关推荐", login prompts, share and footer lines, the site slogan). Keeps the article,
//! drops the furniture, reads the metadata.
//!
//! The rules are for the genre, not one site: the body starts at a byline or the first line
//! of prose, ends at a source/editor line or the first furniture line, and short unpunctuated
//! lines trailing it are page furniture.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::dates::{find_dates, with_inferred_year};
use super::{Article, DateOrigin, byline, clean_line};

/// A line that ends the body: the source credit.
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[【\[]?(?:来源|稿源|出处|来源于)\s*[:：]\s*(.*)$").expect("valid regex")
});

/// Editor credits that close a story.
static EDITOR_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|审核|审校|校对|终审|初审|复审|监制|签发|值班编辑|统筹|编审)\s*[:：/]")
        .expect("valid regex")
});

/// Page furniture that a line starts with: previous/next links, recommendation blocks,
/// comment and login prompts, sharing. Only checked on lines of at most 60 characters.
static FURNITURE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        ^(?:上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇)
        | ^(?:相关推荐|相关阅读|相关新闻|相关文章|相关链接|推荐阅读|延伸阅读|热门推荐|热点推荐
             |热门文章|猜你喜欢|为你推荐|精彩推荐|更多精彩|更多新闻|往期回顾|热门标签)
        | ^(?:发表回复|发表评论|网友评论|我要评论|评论列表|全部评论|最新评论|查看评论|暂无评论|参与评论)
        | ^(?:登录后|请登录|请先登录|立即登录)
        | ^\d+\s*条评论
        | ^(?:分享到|分享至|一键分享|微信扫一扫|扫一扫|扫描二维码)
        | ^(?:浏览次数|阅读量|阅读数|点击数|点击量|阅读|浏览)\s*[:：]?\s*\d+\s*次?$
        | ^[(（\[【]\s*\d{0,7}\s*[)）\]】]$
        | ^(?:当前位置|您现在的位置|您的位置|现在位置|今天是)[:：]
        | ^[(（]完[)）]$
        ",
    )
    .expect("valid regex")
});

/// Footer marks found anywhere in a line of at most 160 characters.
static FURNITURE_ANYWHERE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:copyright)|©|版权所有|ICP备|ICP证|公网安备|未经授权|违法和不良信息举报")
        .expect("valid regex")
});

/// Words of a navigation or tool bar; a line made only of these is furniture.
const NAV_WORDS: &[&str] = &[
    "首页",
    "返回",
    "返回首页",
    "返回顶部",
    "回到顶部",
    "顶部",
    "打印",
    "打印本页",
    "关闭",
    "关闭窗口",
    "收藏",
    "点赞",
    "纠错",
    "举报",
    "字号",
    "大",
    "中",
    "小",
    "默认",
    "分享",
    "转发",
    "评论",
    "微信",
    "微博",
    "qq",
    "QQ空间",
    "复制链接",
    "联系我们",
    "关于我们",
    "网站地图",
    "免责声明",
    "广告服务",
    "设为首页",
    "加入收藏",
    "登录",
    "注册",
    "更多",
    "上一页",
    "下一页",
    "放大",
    "缩小",
    ">",
    "»",
];

fn is_furniture(line: &str) -> bool {
    let n = line.chars().count();
    // A punctuated sentence is article text even when it mentions 扫描二维码 or 未经授权.
    let prose = line.contains(['，', '。', '；', '！', '？']);
    if n <= 60 && !prose && FURNITURE_START.is_match(line) {
        return true;
    }
    if n <= 160 && !prose && FURNITURE_ANYWHERE.is_match(line) {
        return true;
    }
    n <= 60 && is_nav_line(line)
}

/// A line made only of navigation words (`【打印】【关闭】`, `首页 > 新闻 > 本地` aside from
/// section names, which [`is_breadcrumb`] handles).
fn is_nav_line(line: &str) -> bool {
    let mut words = line
        .split(|c: char| c.is_whitespace() || "|｜【】[]·•/:：>»".contains(c))
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some() && words.all(|w| NAV_WORDS.iter().any(|n| n.eq_ignore_ascii_case(w)))
        || is_breadcrumb(line)
}

/// `首页 > 新闻 > 本地`: a path of short section names.
fn is_breadcrumb(line: &str) -> bool {
    let parts: Vec<&str> = line.split(['>', '»', '＞']).map(str::trim).collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().count() <= 8
                && p.chars().all(|c| c.is_alphanumeric() || c == ' ')
        })
}

/// Labelled metadata in header lines: `发布时间：2022-06-20 10:00 来源：新华网 作者：张三`.
static META_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(来源|作者|发布时间|发布日期|时间|日期|编辑|责任编辑|记者)\s*[:：]\s*([^\s:：]+(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)",
    )
    .expect("valid regex")
});

/// A line that is only a date (and time).
static DATE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$",
    )
    .expect("valid regex")
});

/// Characters that end a sentence (or a quoted one).
fn ends_sentence(line: &str) -> bool {
    line.chars().last().is_some_and(|c| {
        matches!(
            c,
            '。' | '！'
                | '？'
                | '!'
                | '?'
                | '.'
                | '…'
                | '”'
                | '」'
                | '』'
                | '"'
                | '；'
                | ';'
                | '）'
                | ')'
        )
    })
}

/// True for a line that reads as prose rather than a heading: long, or a punctuated sentence.
fn is_prose(line: &str) -> bool {
    let n = line.chars().count();
    n >= 40 || (n >= 12 && line.contains(['。', '！', '？', '；']))
}

/// Where a body line sends the parser.
enum BodyLine<'a> {
    Text,
    /// A source credit: the body ends; the value is the source.
    Source(&'a str),
    /// An editor credit, a furniture line or `(完)`: the body ends.
    End,
}

fn classify_body_line(line: &str) -> BodyLine<'_> {
    if let Some(caps) = SOURCE_LINE.captures(line) {
        return BodyLine::Source(caps.get(1).map_or("", |m| m.as_str()));
    }
    if EDITOR_LINE.is_match(line) || is_furniture(line) {
        return BodyLine::End;
    }
    BodyLine::Text
}

/// The value of a source credit, without trailing labelled fields or dates.
fn source_value(raw: &str) -> Option<String> {
    static CUT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s+(?:作者|编辑|责任编辑|时间|发布时间|日期|浏览|记者)|\s*\d{4}[-/.年]\d{1,2}")
            .expect("valid regex")
    });
    let cut = CUT.find(raw).map_or(raw, |m| &raw[..m.start()]);
    let value =
        cut.trim_matches(|c: char| c.is_whitespace() || matches!(c, '】' | ']' | '[' | '【'));
    (!value.is_empty() && value.chars().count() <= 40).then(|| value.to_string())
}

/// Parses a saved news page. `file_date` (the file's modification date) is the last resort
/// for the date. `None` if there is no text at all.
pub fn parse(text: &str, file_date: Option<NaiveDate>) -> Option<Article> {
    let lines: Vec<&str> = text
        .lines()
        .map(clean_line)
        .filter(|l| !l.is_empty())
        .collect();
    // Navigation above the title (breadcrumbs, "首页") is furniture too.
    let title_at = lines
        .iter()
        .position(|l| !is_furniture(l) && !DATE_ONLY.is_match(l))?;
    let title = strip_label(lines[title_at], &["标题"]).to_string();
    let rest = &lines[title_at + 1..];

    let body_start = rest
        .iter()
        .position(|l| byline::parse(l).is_some() || is_prose(l))
        .unwrap_or(0);

    let mut article = Article::new("", title, Vec::new());
    let mut header_dates: Vec<NaiveDate> = lines[..title_at]
        .iter()
        .flat_map(|l| find_dates(l))
        .collect();

    for line in &rest[..body_start] {
        if let Some(reporter) = byline::parse_credit_line(line) {
            article.reporter.get_or_insert(reporter);
        } else if META_FIELD.is_match(line) || DATE_ONLY.is_match(line) {
            read_meta_fields(line, &mut article, &mut header_dates);
        } else if !is_furniture(line) {
            article.deck.push((*line).to_string());
        }
    }

    let mut body: Vec<String> = Vec::new();
    let mut after_body: &[&str] = &[];
    for (i, line) in rest[body_start..].iter().enumerate() {
        match classify_body_line(line) {
            BodyLine::Text => body.push(strip_end_mark(line).to_string()),
            BodyLine::Source(value) => {
                article.source = source_value(value);
                after_body = &rest[body_start + i + 1..];
                break;
            }
            BodyLine::End => {
                after_body = &rest[body_start + i..];
                break;
            }
        }
    }
    // Short unpunctuated lines trailing the body are page furniture (slogans, site names).
    while body.len() > 1
        && body
            .last()
            .is_some_and(|l| l.chars().count() <= 30 && !ends_sentence(l))
    {
        body.pop();
    }

    let mut page_dates: Vec<NaiveDate> = Vec::new();
    for line in after_body {
        if article.source.is_none()
            && let Some(caps) = SOURCE_LINE.captures(line)
        {
            article.source = caps.get(1).and_then(|m| source_value(m.as_str()));
        }
        page_dates.extend(find_dates(line));
    }

    let byline = body.first().and_then(|p| byline::parse(p));
    if let Some(b) = &byline {
        article.outlet = b.outlet.clone();
        if b.reporter.is_some() {
            article.reporter = b.reporter.clone();
        }
        article.byline_len = b.len;
        if b.len >= body[0].len() {
            // A byline on its own line: metadata, not a paragraph.
            body.remove(0);
            article.byline_len = 0;
        }
    }
    if body.is_empty() {
        article.warnings.push("no body text".into());
    }
    article.paragraphs = body;
    set_date(
        &mut article,
        byline.and_then(|b| b.date),
        &header_dates,
        &page_dates,
        file_date,
    );
    Some(article)
}

fn read_meta_fields(line: &str, article: &mut Article, dates: &mut Vec<NaiveDate>) {
    dates.extend(find_dates(line));
    for caps in META_FIELD.captures_iter(line) {
        let (Some(key), Some(value)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        match key.as_str() {
            "来源" => article.source = source_value(value.as_str()),
            "作者" | "记者" => {
                article
                    .reporter
                    .get_or_insert_with(|| value.as_str().to_string());
            }
            _ => {}
        }
    }
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
        Some((None, m, d)) => match reference {
            Some(r) => (with_inferred_year(m, d, r), DateOrigin::BylineWithPageYear),
            None => (
                file_date.and_then(|f| with_inferred_year(m, d, f)),
                DateOrigin::FileTime,
            ),
        },
        None => match header_dates.first() {
            Some(d) => (Some(*d), DateOrigin::Page),
            None => (file_date, DateOrigin::FileTime),
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

/// Removes an end-of-story mark such as `(完)` from the end of a paragraph.
fn strip_end_mark(line: &str) -> &str {
    let trimmed = line
        .strip_suffix("(完)")
        .or_else(|| line.strip_suffix("（完）"))
        .unwrap_or(line);
    trimmed.trim_end()
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
    fn furniture_lines() {
        for line in [
            "(0)",
            "（12）",
            "上一篇 2022-06-22 10:51",
            "下一篇 2022-06-22 18:43",
            "相关推荐",
            "发表回复",
            "登录后才能评论",
            "分享到：",
            "【打印】",
            "【关闭】",
            "Copyright © 2022 忻州日报社 版权所有",
            "当前位置：首页 > 时政要闻 > 正文",
            "今天是：2024年5月1日 星期三",
            "首页 > 新闻 > 本地",
            "【打印】【关闭】",
            "字号：大 中 小",
            "晋ICP备12345678号",
            "返回顶部",
            "(完)",
            "阅读 1234",
        ] {
            assert!(is_furniture(line), "{line:?} should be furniture");
        }
        for line in [
            "网友热议<b>标签</b> & “转义”",
            "会议以视频形式召开,宁武、静乐设分会场。",
            "朱晓东强调",
            "李建国出席",
            "2022年是关键之年",
            "关闭高耗能企业三十家。",
            "扫码即可办理，群众少跑腿。",
            "扫描二维码，即可进入平台办理业务。",
            "登录后，点击“我要办”即可申请。",
            "被告未经授权在其网站上传播涉案作品，构成侵权。",
            "523",
        ] {
            assert!(!is_furniture(line), "{line:?} is not furniture");
        }
    }

    #[test]
    fn source_values() {
        assert_eq!(
            source_value("忻州日报新媒体中心"),
            Some("忻州日报新媒体中心".into())
        );
        assert_eq!(source_value("新华网 作者：张三"), Some("新华网".into()));
        assert_eq!(
            source_value("人民网 2022-06-20 10:00"),
            Some("人民网".into())
        );
        assert_eq!(source_value(""), None);
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
