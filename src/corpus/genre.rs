//! The rules of the genre that both page readers share (the text reader in `page.rs` and
//! the HTML reader in `html.rs`): what page furniture looks like, which lines end a story
//! (source credits, editor credits, `(完)`, recommendation blocks, footers), which lines are
//! not body text (image captions, `原标题` lines), the date/source line under a headline,
//! and where a body starts and ends. Both readers cut the body with [`cut_body`], so they
//! stop at the same places.
//!
//! Every rule is about the shape of Chinese news pages in general, never about one site.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::dates::find_dates;
use super::{Article, byline};

/// A line that ends the body: the source credit (`来源：新华网`, `本文来源：…`).
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[【\[（(]?\s*(?:本文|文章|信息|稿件|资料)?(?:来源|稿源|出处|来源于)\s*[:：]\s*(.*?)[】\]）)]?$",
    )
    .expect("valid regex")
});

/// Editor credits that close a story.
static EDITOR_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|审核|审校|校对|终审|初审|复审|监制|签发|值班编辑|统筹|编审)\s*[:：/|｜]")
        .expect("valid regex")
});

/// Page furniture that a line starts with: previous/next links, recommendation blocks,
/// comment and login prompts, sharing. Only checked on lines of at most 60 characters.
static FURNITURE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        ^(?:上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇|【上一篇】|【下一篇】)
        | ^(?:相关推荐|相关阅读|相关新闻|相关文章|相关链接|相关搜索|相关专题|推荐阅读|延伸阅读|热门推荐|热点推荐
             |热门文章|猜你喜欢|为你推荐|为您推荐|精彩推荐|更多精彩|更多新闻|往期回顾|热门标签|作者最新文章
             |点击排行|热门点击|阅读排行|排行榜|今日推荐|编辑推荐|图片推荐|热点新闻|最新文章|最新新闻)
        | ^(?:发表回复|发表评论|网友评论|我要评论|评论列表|全部评论|最新评论|查看评论|暂无评论|参与评论|写评论|我要反馈)
        | ^(?:登录后|请登录|请先登录|立即登录)
        | ^\d+\s*条评论
        | ^(?:分享到|分享至|分享：|一键分享|微信扫一扫|扫一扫|扫描二维码|用微信扫)
        | ^(?:浏览次数|阅读量|阅读数|点击数|点击量|阅读|浏览|推荐)\s*[:：(（]?\s*\d+\s*次?[)）]?$
        | ^[(（\[【]\s*\d{0,7}\s*[)）\]】]$
        | ^(?:当前位置|您现在的位置|您的位置|现在位置|您所在的位置|所在位置|位置|今天是)\s*[:：]
        | ^[(（]完[)）]$
        | ^(?:标签|关键字|关键词|文章关键词|本文关键词|TAG|Tags?)\s*[:：]?
        | ^(?:正文已结束|返回\S{0,6}首页|查看更多|加载更多|点击加载更多|展开全文|余下全文)
        ",
    )
    .expect("valid regex")
});

/// Footer marks found anywhere in a line of at most 160 characters.
static FURNITURE_ANYWHERE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:copyright)|©|版权所有|ICP备|ICP证|公网安备|未经授权|违法和不良信息举报|二维码")
        .expect("valid regex")
});

/// Statements about the page rather than the story; furniture even when punctuated.
static PAGE_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[【\[（(]?\s*(?:免责声明|特别声明|版权声明|声明)\s*[:：]|^[(（]?\s*本文(?:来自|系|为|转载自|仅代表)|不得转载|禁止转载|未经允许|转载请注明|请勿转载",
    )
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
    "收藏本文",
    "点赞",
    "纠错",
    "举报",
    "字号",
    "字体",
    "调整字体",
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
    "QQ好友",
    "新浪微博",
    "微信好友",
    "朋友圈",
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
    "放大字体",
    "缩小字体",
    "正常",
    "订阅",
    "关注",
    "赞",
    "赏",
    "A-",
    "A+",
    "+",
    "-",
    "□",
    "■",
    "●",
    ">",
    "»",
];

/// True for a line of page furniture: navigation, tool bars, footers, recommendation and
/// comment blocks, previous/next links.
pub(super) fn is_furniture(line: &str) -> bool {
    let n = line.chars().count();
    // A punctuated sentence is article text even when it mentions 扫描二维码 or 未经授权.
    let prose = line.contains(['，', '。', '；', '！', '？']);
    if n <= 60 && !prose && FURNITURE_START.is_match(line) {
        return true;
    }
    if n <= 160 && !prose && FURNITURE_ANYWHERE.is_match(line) {
        return true;
    }
    if n <= 200 && PAGE_NOTICE.is_match(line) {
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
    let parts: Vec<&str> = line
        .split(['>', '»', '＞'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    line.contains(['>', '»', '＞'])
        && !parts.is_empty()
        && parts.iter().all(|p| {
            p.chars().count() <= 12
                && p.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '%' | '·' | '-'))
        })
}

/// Labelled metadata in header lines: `发布时间：2022-06-20 10:00 来源：新华网 作者：张三`.
/// The value runs to the next label, a `|` or a wide gap.
static META_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:信息来源|文章来源|稿件来源|本文来源|来源于|来源|稿源|出处|作者|发布时间|发布日期|发表时间|更新时间|最后更新|时间|日期|编辑|责任编辑|记者|浏览次数|浏览|点击|字号)\s*[:：]|(?:^|[\s|｜])来源",
    )
    .expect("valid regex")
});

/// A clock time: `13:43`, `13:43:45`.
static TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{1,2}:\d{2}").expect("valid regex"));

/// A line that is only a date (and time).
pub(super) static DATE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$",
    )
    .expect("valid regex")
});

/// A month and day with a time and no year (`10-08 12:00`, `09-3022:46`), as the header
/// of some pages prints its date.
static MONTH_DAY_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d-])(\d{1,2})-(\d{1,2})\s*\d{1,2}:\d{2}").expect("valid regex")
});

/// Dates and times, and the words around them in a date line that are not an outlet.
static DATE_AND_NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}-\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?|星期.|周[一二三四五六日]|[\[【(（][^\]】)）]{0,6}[\]】)）]|\d+|发表于|发布于|原创|转载|举报|字号|[A-Z]?[-+]|[|｜·•]",
    )
    .expect("valid regex")
});

/// Characters that end a sentence (or a quoted one).
pub(super) fn ends_sentence(line: &str) -> bool {
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
pub(super) fn is_prose(line: &str) -> bool {
    let n = line.chars().count();
    n >= 40 || (n >= 12 && line.contains(['。', '！', '？', '；']))
}

/// A paragraph of a story, not a headline: a sentence with a full stop, or a long line of
/// clauses. Headlines often carry `！` or `？`, so those alone do not make a paragraph.
pub(super) fn is_paragraph(line: &str) -> bool {
    let n = line.chars().count();
    (n >= 12 && line.contains('。')) || (n >= 50 && line.contains(['，', ',']))
}

/// A line that could be a headline: a few words, not a sentence, not furniture.
pub(super) fn is_heading_like(line: &str) -> bool {
    let n = line.chars().count();
    let words = line.chars().filter(|c| c.is_alphanumeric()).count();
    (5..=80).contains(&n)
        && words >= 4
        && !line.contains('。')
        && !is_furniture(line)
        && !DATE_ONLY.is_match(line)
        && !line
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace())
}

/// `原标题：…`, `（原题为《…》）`: the story's earlier headline, not body text.
pub(super) fn is_original_title(line: &str) -> bool {
    static ORIGINAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[□\s]*[（(【\[]?\s*(?:本文)?原(?:标题|题|题为|文标题)\s*[:：为《]")
            .expect("valid regex")
    });
    ORIGINAL.is_match(line)
}

/// An image or video caption: `图为…`, `…（刘通摄）`, `…视频截图`, `…供图`.
pub(super) fn is_caption(line: &str) -> bool {
    static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:图为|图：|图:|图/|图片：|图片来源|▲|△|视频[-—：:])|(?:摄|供图|截图|资料图|资料|图源[:：]?\S{0,12}|视觉中国|配图|图片来自网络|图片均来自网络|摄影[:：]?\S{0,8})[)）]?\s*$|[（(][^（()）]{0,20}摄[)）]\s*$",
        )
        .expect("valid regex")
    });
    line.chars().count() <= 80 && CAPTION.is_match(line)
}

/// A line that can open the body of a whole page: a byline, or prose that reads as a
/// paragraph rather than a second headline (not a caption, 原标题 or date line).
pub(super) fn is_body_start_line(line: &str) -> bool {
    if is_furniture(line) || is_original_title(line) || is_caption(line) || is_meta_line(line) {
        return false;
    }
    byline::parse(line).is_some()
        || (is_prose(line)
            && (ends_sentence(line) || line.chars().count() >= 40 || line.contains(['，', ','])))
}

/// Where a body line sends the reader.
pub(super) enum BodyLine<'a> {
    Text,
    /// Not body text, but the body goes on (captions, `原标题` lines).
    Skip,
    /// A source credit: the body ends; the value is the source.
    Source(&'a str),
    /// An editor credit, a furniture line or `(完)`: the body ends.
    End,
}

pub(super) fn classify_body_line(line: &str) -> BodyLine<'_> {
    if let Some(caps) = SOURCE_LINE.captures(line)
        && line.chars().count() <= 80
    {
        return BodyLine::Source(caps.get(1).map_or("", |m| m.as_str()));
    }
    if EDITOR_LINE.is_match(line) || is_furniture(line) {
        return BodyLine::End;
    }
    if is_original_title(line) || is_caption(line) {
        return BodyLine::Skip;
    }
    BodyLine::Text
}

/// The source named by a credit line (`来源：新华网`), if the line is one.
pub(super) fn source_credit(line: &str) -> Option<String> {
    let caps = SOURCE_LINE.captures(line)?;
    source_value(caps.get(1)?.as_str())
}

/// The value of a source credit, without trailing labelled fields, dates or tool words.
pub(super) fn source_value(raw: &str) -> Option<String> {
    static CUT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\s+(?:作者|编辑|责任编辑|时间|发布时间|日期|浏览|记者)|(?:作者|编辑|责任编辑|记者)\s*[:：]|\s*\d{4}[-/.年]\d{1,2}|\s{2,}|[|｜]",
        )
        .expect("valid regex")
    });
    static TAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:举报|分享|收藏|打印|评论|纠错|字号|\[整理\]|\d+)+$").expect("valid regex")
    });
    let cut = CUT.find(raw).map_or(raw, |m| &raw[..m.start()]);
    let cut = TAIL.replace(cut.trim(), "");
    let value = cut.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '】' | ']' | '[' | '【' | '(' | ')' | '（' | '）')
    });
    (!value.is_empty() && value.chars().count() <= 40).then(|| value.to_string())
}

/// What the lines between a headline and the body say.
#[derive(Debug, Default)]
pub(super) struct Header {
    pub(crate) dates: Vec<NaiveDate>,
    /// A month and day printed without a year (`10-08 12:00`).
    pub(crate) month_day: Option<(u32, u32)>,
    pub(crate) source: Option<String>,
    pub(crate) reporter: Option<String>,
    /// The outlet printed beside a date (`2019-09-26 10:56:28 证券时报网`), or alone on a
    /// short line above it.
    pub(crate) outlet: Option<String>,
}

/// True for a header line that states a date or source: `2019-09-07 13:43:45 来源: 红周刊`,
/// `发布时间：…`, `2019年11月25日 18:57 参考消息`, `来源于：东区办事处`, `10-08 12:00`.
pub(super) fn is_meta_line(line: &str) -> bool {
    let n = line.chars().count();
    if n > 100 || line.contains('。') || byline::parse(line).is_some() {
        return false;
    }
    // A label must start the line or follow a gap or a date, not sit inside a sentence.
    let labelled = META_LABEL
        .find(line)
        .is_some_and(|m| m.start() == 0 || !line.contains('，'));
    if labelled || DATE_ONLY.is_match(line) {
        return true;
    }
    let dated = !find_dates(line).is_empty();
    // A date with a clock time, or with a few words (an outlet) and nothing else; a
    // headline that starts with a date has more to say.
    (dated || MONTH_DAY_TIME.is_match(line)) && TIME.is_match(line)
        || dated && DATE_AND_NOISE.replace_all(line, "").trim().chars().count() <= 12
}

/// Reads a header line into `header`.
pub(super) fn read_meta_line(line: &str, header: &mut Header) {
    header.dates.extend(find_dates(line));
    if header.dates.is_empty()
        && header.month_day.is_none()
        && let Some(c) = MONTH_DAY_TIME.captures(line)
    {
        let num = |i| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        if let (Some(m), Some(d)) = (num(1), num(2))
            && (1..=12).contains(&m)
            && (1..=31).contains(&d)
        {
            header.month_day = Some((m, d));
        }
    }
    let labels: Vec<regex::Match<'_>> = META_LABEL.find_iter(line).collect();
    for (i, label) in labels.iter().enumerate() {
        let end = labels.get(i + 1).map_or(line.len(), |next| next.start());
        let value = line[label.end()..end]
            .trim()
            .trim_start_matches([':', '：'])
            .trim();
        let key = label.as_str().trim_end_matches([':', '：', ' ']);
        if key.contains("来源") || key == "稿源" || key == "出处" {
            if header.source.is_none() {
                header.source = source_value(value);
            }
        } else if matches!(key, "作者" | "记者") {
            let name = value.split_whitespace().next().unwrap_or("");
            if !name.is_empty() && name.chars().count() <= 12 {
                header.reporter.get_or_insert_with(|| name.to_string());
            }
        }
    }
    // Without a label, the words beside a date are the outlet: `2019-09-26 10:56 证券时报网`,
    // `原创南方都市报 2019-09-09 16:01`.
    if labels.is_empty()
        && header.outlet.is_none()
        && (!find_dates(line).is_empty() || MONTH_DAY_TIME.is_match(line))
    {
        let rest = DATE_AND_NOISE.replace_all(line, " ");
        let words: Vec<&str> = rest.split_whitespace().collect();
        if let [word] = words.as_slice()
            && (2..=20).contains(&word.chars().count())
            && word.chars().any(|c| c.is_alphabetic())
        {
            header.outlet = Some((*word).to_string());
        }
    }
}

/// The body of a story from its lines, starting at the first line: text lines until a
/// source or editor credit, `(完)`, a furniture line or a block of short unpunctuated lines
/// (a recommendation list); then short unpunctuated lines trailing it (slogans, site names,
/// reporter credits) are dropped. Returns the paragraphs, the source credit if one ended
/// the body, and the index of the first line after the body.
pub(super) fn cut_body(lines: &[&str]) -> (Vec<String>, Option<String>, usize) {
    let mut body: Vec<String> = Vec::new();
    let mut source = None;
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        match classify_body_line(line) {
            BodyLine::Text => {
                if starts_short_block(&lines[i..]) && !body.is_empty() {
                    end = i;
                    break;
                }
                let text = strip_end_mark(line);
                let ended = text.len() < line.len();
                if !text.is_empty() {
                    body.push(text.to_string());
                }
                if ended {
                    // `……。(完)`: the story ends here.
                    end = i + 1;
                    break;
                }
            }
            BodyLine::Skip => {}
            BodyLine::Source(value) => {
                source = source_value(value);
                end = i + 1;
                break;
            }
            BodyLine::End => {
                end = i;
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
    (body, source, end)
}

/// Four or more short lines in a row, none a sentence: a list of links or tags, not a story.
fn starts_short_block(lines: &[&str]) -> bool {
    const RUN: usize = 4;
    lines.len() >= RUN
        && lines[..RUN].iter().all(|l| {
            l.chars().count() <= 36 && !ends_sentence(l) && !l.contains(['，', '。', '；'])
        })
}

/// Removes an end-of-story mark such as `(完)` from the end of a paragraph.
pub(super) fn strip_end_mark(line: &str) -> &str {
    let trimmed = line
        .strip_suffix("(完)")
        .or_else(|| line.strip_suffix("（完）"))
        .unwrap_or(line);
    trimmed.trim_end()
}

/// Reads the byline that opens the body (the first paragraph, or the second after a short
/// heading-like first line) into the article: outlet and reporter where the record did not
/// state them, and [`Article::byline_len`]. A byline alone on its line is metadata, not a
/// paragraph, and is removed when other paragraphs follow. Returns the byline.
pub(crate) fn take_byline(article: &mut Article) -> Option<byline::Byline> {
    let at = article
        .paragraphs
        .iter()
        .take(2)
        .enumerate()
        .find_map(|(i, p)| {
            let after_heading = i == 1 && !is_prose(&article.paragraphs[0]);
            (i == 0 || after_heading)
                .then(|| byline::parse(p))
                .flatten()
                .map(|b| (i, b))
        });
    let (i, b) = at?;
    article.outlet = article.outlet.take().or_else(|| b.outlet.clone());
    article.reporter = article.reporter.take().or_else(|| b.reporter.clone());
    if i == 0 {
        article.byline_len = b.len;
        if b.len >= article.paragraphs[0].len() && article.paragraphs.len() > 1 {
            article.paragraphs.remove(0);
            article.byline_len = 0;
        }
    }
    Some(b)
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
            "为您推荐",
            "作者最新文章",
            "用微信扫码二维码",
            "免责声明：本文来自网络，不代表本站观点。",
            "本文为原创文章，未经允许不得转载。",
            "标签：防汛 水利",
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
            "推荐一种新的做法，群众欢迎。",
        ] {
            assert!(!is_furniture(line), "{line:?} is not furniture");
        }
    }

    #[test]
    fn source_values() {
        for (raw, want) in [
            ("忻州日报新媒体中心", Some("忻州日报新媒体中心")),
            ("新华网 作者：张三", Some("新华网")),
            ("人民网 2022-06-20 10:00", Some("人民网")),
            ("证券市场红周刊举报", Some("证券市场红周刊")),
            ("证券时报网作者：李在山", Some("证券时报网")),
            ("", None),
        ] {
            assert_eq!(source_value(raw).as_deref(), want, "source of {raw:?}");
        }
    }

    fn header_of(lines: &[&str]) -> Header {
        let mut h = Header::default();
        for l in lines {
            assert!(is_meta_line(l), "{l:?} is a meta line");
            read_meta_line(l, &mut h);
        }
        h
    }

    #[test]
    fn date_and_source_lines() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let h = header_of(&["2019-09-07 13:43:45　来源: 某某周刊举报"]);
        assert_eq!(
            (h.dates[0], h.source.as_deref()),
            (d(2019, 9, 7), Some("某某周刊"))
        );
        let h = header_of(&["2019年11月25日 18:57 参考消息"]);
        assert_eq!(
            (h.dates[0], h.outlet.as_deref()),
            (d(2019, 11, 25), Some("参考消息"))
        );
        let h = header_of(&["原创某某都市报 2019-09-09 16:01:46"]);
        assert_eq!(h.outlet.as_deref(), Some("某某都市报"));
        let h = header_of(&["发布时间：2019-05-18 来源：某某学会"]);
        assert_eq!(
            (h.dates[0], h.source.as_deref()),
            (d(2019, 5, 18), Some("某某学会"))
        );
        let h = header_of(&["2019-09-26 12:11来源：某某网作者：李四"]);
        assert_eq!(
            (h.source.as_deref(), h.reporter.as_deref()),
            (Some("某某网"), Some("李四"))
        );
        let h = header_of(&["发表于2014-08-24 21:30| 1164次阅读| 来源某某| 0 条评论| 作者张三"]);
        assert_eq!(h.source.as_deref(), Some("某某"));
        let h = header_of(&["发布时间：10-0812:00"]);
        assert_eq!((h.dates.len(), h.month_day), (0, Some((10, 8))));
        let h = header_of(&["来源于：东区办事处"]);
        assert_eq!(h.source.as_deref(), Some("东区办事处"));
        for line in [
            "会议指出，要抓好粮食生产，来源：群众反映。",
            "新华社北京7月28日电(记者 张明)",
            "朱晓东强调",
        ] {
            assert!(!is_meta_line(line), "{line:?} is not a meta line");
        }
    }

    #[test]
    fn captions_and_original_titles() {
        for line in [
            "图为启动仪式。（刘通摄）",
            "姚明场边支招周琦。视频截图",
            "共享充电宝。视觉中国资料",
            "（原标题：多地项目连环爆雷）",
            "原标题：视界丨这个地方",
            "（原题为《是“收割韭菜”还是“回归理性”》）",
        ] {
            assert!(
                is_caption(line) || is_original_title(line),
                "{line:?} is not body text"
            );
        }
        for line in [
            "会议强调，要加强监测预报预警。",
            "他说，这张照片是父亲拍摄的。",
        ] {
            assert!(!is_caption(line) && !is_original_title(line), "{line:?}");
        }
    }

    #[test]
    fn body_ends_at_credits_and_lists() {
        let lines = [
            "第一段正文，讲了一件事。",
            "第二段正文，讲了另一件事。",
            "本文来源：某某周刊责任编辑：张三_NF4425",
            "第三段不算。",
        ];
        let (body, source, end) = cut_body(&lines);
        assert_eq!(body.len(), 2);
        assert_eq!(source.as_deref(), Some("某某周刊"));
        assert_eq!(end, 3);
        let lines = [
            "正文一段，讲了一件事。",
            "推荐文章标题一",
            "推荐文章标题二号",
            "推荐文章标题三",
            "推荐文章标题四个",
            "一段很长的推荐摘要，里面也有逗号和句号。",
        ];
        let (body, _, end) = cut_body(&lines);
        assert_eq!((body.len(), end), (1, 1), "{body:?}");
    }
}
