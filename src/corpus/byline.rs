//! Bylines at the head of a news story: `忻州日报(乔龙飞)6月20日,`,
//! `新华社北京6月20日电(记者 张三 李四)`, `本报讯(记者 王五 通讯员 赵六)`,
//! `央视网消息(新闻联播):` and the like, with full- or half-width brackets and commas.

use std::sync::LazyLock;

use regex::Regex;

/// What a byline says. `len` is its length in bytes, separator included.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Byline {
    /// The publication; `None` for self-references such as 本报 or 本台.
    pub(crate) outlet: Option<String>,
    /// Reporter names, space-separated, roles (记者, 通讯员) removed.
    pub(crate) reporter: Option<String>,
    /// `(year if printed, month, day)`.
    pub(crate) date: Option<(Option<i32>, u32, u32)>,
    pub(crate) len: usize,
}

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        ^[\s\u{3000}]*(?:据)?
        (?P<outlet>[\p{Han}A-Za-z0-9·]{1,14}?
            (?:日[报報]社|日[报報]|晚[报報]|早[报報]|都市[报報]|商[报報]|[时時][报報]|[报報]社|[报報]
              |新[闻聞][网網]|日[报報][网網]|新[闻聞]社
              |通[讯訊]社|社|[网網]|[电電]视台|[电電]視臺|[台臺]
              |新[闻聞]|客[户戶]端|融媒体中心|新媒体中心|融媒|[频頻]道))
        (?P<kind>[讯訊]|消息|[报報]道)?
        (?:[记記]者(?P<rep0>\p{Han}{2,3}))?
        [\s\u{3000}]*
        # A dateline place only counts with a date and 电/讯 after it (新华社石家庄6月15日电),
        # or 电 alone (新华社北京电); otherwise it is the start of a sentence.
        (?:
            (?P<place>\p{Han}{2,8}?)(?P<date>(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日)(?P<dian>[电電讯訊])
          | (?P<date0>(?:(?P<y0>\d{4})年)?(?P<m0>\d{1,2})月(?P<d0>\d{1,2})日)(?P<dian0>[电電讯訊])?
          | (?P<place1>\p{Han}{2,8}?)(?P<dian1>[电電])
          | (?P<dian3>[电電讯訊])
        )?
        [\s\u{3000}]*
        (?:[(（][\s\u{3000}]*(?P<rep>[^()（）]{1,60}?)[\s\u{3000}]*[)）])?
        [\s\u{3000}]*
        (?P<date2>(?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)?
        (?P<dian2>[电電]|[讯訊])?
        [\s\u{3000}]*
        (?P<sep>[,，:：、]|$)?
        ",
    )
    .expect("valid regex")
});

/// Role words in a reporter credit.
static ROLES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"特约[记記]者|见习[记記]者|实习[记記]者|首席[记記]者|[记記]者|通[讯訊][员員]|实习生|摄影|摄像|[编編][辑輯]|[报報]道|文字|文/|图/|文／|图／|[:：]")
        .expect("valid regex")
});

/// Reads a byline at the start of `paragraph`, if there is one.
pub(crate) fn parse(paragraph: &str) -> Option<Byline> {
    let caps = BYLINE.captures(paragraph)?;
    let has = |name: &str| caps.name(name).is_some();
    let rep_raw = caps.name("rep").map(|m| m.as_str());
    let rep_has_role = rep_raw.is_some_and(|r| ROLES.is_match(r));
    let marker = ["kind", "dian", "dian0", "dian1", "dian2", "dian3"]
        .iter()
        .any(|n| has(n));
    let separated = caps
        .name("sep")
        .is_some_and(|m| !m.as_str().is_empty() || m.end() == paragraph.len())
        || caps.get(0).is_some_and(|m| {
            // White space after the byline also separates it (`...6月20日电 国务院...`).
            paragraph[..m.end()].ends_with(char::is_whitespace)
        });
    let says_something = rep_raw.is_some() || has("date") || has("date0") || has("date2") || marker;
    if has("rep0") && !(has("date") || has("date0") || marker) {
        // `新华社记者张三摄` or a sentence about reporters, not a dateline.
        return None;
    }
    if !says_something || !(marker || separated || rep_has_role) {
        return None;
    }
    let outlet = caps.name("outlet").map(|m| m.as_str().to_string());
    let outlet = outlet.filter(|o| !matches!(o.as_str(), "本报" | "本台" | "本网" | "本社"));
    let reporter = rep_raw
        .and_then(clean_reporter)
        .or_else(|| caps.name("rep0").map(|m| m.as_str().to_string()));
    let date = date_of(&caps, "y", "m", "d")
        .or_else(|| date_of(&caps, "y0", "m0", "d0"))
        .or_else(|| date_of(&caps, "y2", "m2", "d2"));
    Some(Byline {
        outlet,
        reporter,
        date,
        len: caps.get(0).map_or(0, |m| m.end()),
    })
}

/// A reporter credit on its own line: `本报记者 张三`, `记者：张三 李四`, `文/张三`.
pub(crate) fn parse_credit_line(line: &str) -> Option<String> {
    static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:本报|本台|本网)?(?:特约记者|见习记者|首席记者|记者|作者|文)\s*[:：/／]?\s*(\p{Han}{2,4}(?:[\s、，,]+\p{Han}{2,4}){0,5})$")
            .expect("valid regex")
    });
    let caps = CREDIT.captures(line.trim())?;
    clean_reporter(caps.get(1)?.as_str())
}

fn clean_reporter(raw: &str) -> Option<String> {
    let without_roles = ROLES.replace_all(raw, " ");
    let names: Vec<&str> = without_roles
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | '/' | '／'))
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() || names.iter().any(|n| n.chars().count() > 12) {
        return None;
    }
    Some(names.join(" "))
}

fn date_of(
    caps: &regex::Captures<'_>,
    y: &str,
    m: &str,
    d: &str,
) -> Option<(Option<i32>, u32, u32)> {
    let month = caps.name(m)?.as_str().parse().ok()?;
    let day = caps.name(d)?.as_str().parse().ok()?;
    let year = caps.name(y).and_then(|m| m.as_str().parse().ok());
    Some((year, month, day))
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn b(
        outlet: Option<&str>,
        reporter: Option<&str>,
        date: Option<(Option<i32>, u32, u32)>,
    ) -> (
        Option<String>,
        Option<String>,
        Option<(Option<i32>, u32, u32)>,
    ) {
        (outlet.map(String::from), reporter.map(String::from), date)
    }

    #[test]
    fn golden_bylines() {
        let cases = [
            (
                "忻州日报(乔龙飞)6月20日,忻州市委书记朱晓东主持召开会议",
                b(Some("忻州日报"), Some("乔龙飞"), Some((None, 6, 20))),
                "忻州日报(乔龙飞)6月20日,",
            ),
            (
                "新华社北京6月20日电(记者 张三 李四)国务院总理",
                b(Some("新华社"), Some("张三 李四"), Some((None, 6, 20))),
                "新华社北京6月20日电(记者 张三 李四)",
            ),
            (
                "新华社北京6月20日电 国务院总理",
                b(Some("新华社"), None, Some((None, 6, 20))),
                "新华社北京6月20日电 ",
            ),
            (
                "本报讯（记者 王五 通讯员 赵六）近日，我市",
                b(None, Some("王五 赵六"), None),
                "本报讯（记者 王五 通讯员 赵六）",
            ),
            (
                "人民日报北京2023年3月5日电（记者王明）十四届全国人大",
                b(Some("人民日报"), Some("王明"), Some((Some(2023), 3, 5))),
                "人民日报北京2023年3月5日电（记者王明）",
            ),
            (
                "央视网消息（新闻联播）：国家主席",
                b(Some("央视网"), Some("新闻联播"), None),
                "央视网消息（新闻联播）：",
            ),
            (
                "中新网6月20日电 据报道",
                b(Some("中新网"), None, Some((None, 6, 20))),
                "中新网6月20日电 ",
            ),
        ];
        for (input, want, prefix) in cases {
            let got = parse(input).unwrap_or_else(|| panic!("no byline found in {input:?}"));
            assert_eq!(
                (got.outlet.clone(), got.reporter.clone(), got.date),
                want,
                "byline of {input:?}"
            );
            assert_eq!(&input[..got.len], prefix, "byline length of {input:?}");
        }
    }

    #[test]
    fn ordinary_sentences_are_not_bylines() {
        for input in [
            "国务院新闻办公室(国新办)6月20日举行发布会，介绍情况。",
            "新华社记者近日走访了黄河沿岸。",
            "朱晓东强调,推进黄河流域生态保护和高质量发展",
            "会议以视频形式召开,宁武、静乐设分会场。",
            "合作社成员增收明显。",
            "合作社社员6月15日，领到了分红。",
            "",
        ] {
            assert_eq!(parse(input), None, "{input:?} is not a byline");
        }
    }

    #[test]
    fn credit_lines() {
        assert_eq!(parse_credit_line("本报记者 张三"), Some("张三".into()));
        assert_eq!(
            parse_credit_line("记者：张三 李四"),
            Some("张三 李四".into())
        );
        assert_eq!(parse_credit_line("文/王五"), Some("王五".into()));
        assert_eq!(parse_credit_line("记者们深入一线采访"), None);
    }
}
