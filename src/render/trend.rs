//! A trend in words: the photo caption for Telegram (HTML, at most 1,024 characters after
//! entity parsing, each topic marked with its line's colour, the peak period's top titles)
//! and the terminal's sparklines. The picture itself is drawn in [`super::chart`].

use crate::answer::{Series, Trend, TrendNotice};
use crate::render::chart::SERIES_MARKS;
use crate::render::clip;
use crate::render::telegram::html::{escape, utf16_len};
use crate::render::words::{self, Lang};

/// Telegram's limit on a photo caption, in UTF-16 code units after entity parsing.
pub(crate) const CAPTION_LIMIT: usize = 1024;
/// Longest peak title shown, in characters.
const PEAK_TITLE_CHARS: usize = 40;
/// Longest word echoed back in a notice.
const WORD_CHARS: usize = 30;

/// True when there is something to draw: at least one topic and a range of dates.
pub(crate) fn has_chart(t: &Trend) -> bool {
    !t.series.is_empty() && t.range.is_some()
}

/// A piece of a caption as HTML and as the text Telegram counts.
struct Line {
    html: String,
    text: String,
}

impl Line {
    fn plain(text: String) -> Self {
        Self {
            html: escape(&text),
            text,
        }
    }
}

fn notice_lines(t: &Trend, lang: Lang) -> Vec<Line> {
    t.notices
        .iter()
        .map(|n| {
            // The reader's words are clipped before they are echoed.
            let clipped = match n {
                TrendNotice::TooManyWords(rest) => {
                    TrendNotice::TooManyWords(rest.iter().map(|w| clip(w, WORD_CHARS)).collect())
                }
                TrendNotice::Unsearchable(w) => TrendNotice::Unsearchable(clip(w, WORD_CHARS)),
                other => other.clone(),
            };
            Line::plain(words::trend_notice(lang, &clipped))
        })
        .collect()
}

/// The header and each topic's lines (its total, its peak, the peak's titles).
fn topic_lines(t: &Trend, i: usize, s: &Series, lang: Lang) -> (Line, Vec<Line>) {
    let mark = SERIES_MARKS[i % SERIES_MARKS.len()];
    let total = words::trend_total(lang, s.total);
    let mut head_text = format!("{mark} {} {total}", s.word);
    let mut head_html = format!("{mark} <b>{}</b> {}", escape(&s.word), escape(&total));
    if let Some(p) = &s.peak {
        let peak = words::trend_peak(
            lang,
            &words::trend_period(lang, t.period, p.start),
            p.articles,
        );
        head_text.push_str(&peak);
        head_html.push_str(&escape(&peak));
    }
    if s.undated > 0 {
        let undated = words::trend_undated(lang, s.undated);
        head_text.push_str(&undated);
        head_html.push_str(&escape(&undated));
    }
    let titles = s
        .peak
        .iter()
        .flat_map(|p| &p.titles)
        .map(|a| {
            let mut text = format!("《{}》", clip(&a.title, PEAK_TITLE_CHARS));
            if let Some(d) = a.date {
                text.push_str(&format!(" {d}"));
            }
            if let Some(o) = a.outlet_or_source() {
                text.push_str(&format!(" · {}", clip(o, WORD_CHARS)));
            }
            Line::plain(format!("  {text}"))
        })
        .collect();
    (
        Line {
            html: head_html,
            text: head_text,
        },
        titles,
    )
}

/// The caption of the trend photo (or the whole message when there is nothing to draw):
/// HTML whose text is at most [`CAPTION_LIMIT`] UTF-16 units. Peak titles are dropped,
/// last first, until it fits.
pub(crate) fn caption_html(t: &Trend, lang: Lang) -> String {
    let mut lines: Vec<Line> = Vec::new();
    if has_chart(t) {
        let shown: Vec<String> = t.words.iter().map(|w| clip(w, WORD_CHARS)).collect();
        let (from, to) = t.range.unwrap_or_default();
        let text = words::trend_heading(lang, &shown.join(" · "), t.period, from, to);
        let marked = format!(
            "<b>{}</b>",
            shown
                .iter()
                .map(|w| escape(w))
                .collect::<Vec<_>>()
                .join("</b> · <b>")
        );
        // The heading's own words hold no markup characters; the topic words are escaped.
        lines.push(Line {
            html: words::trend_heading(lang, &marked, t.period, from, to),
            text,
        });
    }
    let mut topics: Vec<(Line, Vec<Line>)> = t
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| topic_lines(t, i, s, lang))
        .collect();
    let notices = notice_lines(t, lang);
    let length = |lines: &[Line], topics: &[(Line, Vec<Line>)], notices: &[Line]| {
        let all: Vec<&Line> = lines
            .iter()
            .chain(
                topics
                    .iter()
                    .flat_map(|(h, ts)| std::iter::once(h).chain(ts)),
            )
            .chain(notices)
            .collect();
        all.iter().map(|l| utf16_len(&l.text)).sum::<usize>() + all.len().saturating_sub(1)
    };
    // Drop titles from the last topic backwards, then whole topic lines, until it fits.
    while length(&lines, &topics, &notices) > CAPTION_LIMIT {
        if let Some((_, titles)) = topics.iter_mut().rev().find(|(_, ts)| !ts.is_empty()) {
            titles.pop();
        } else if topics.pop().is_none() {
            break;
        }
    }
    let all = lines
        .iter()
        .chain(
            topics
                .iter()
                .flat_map(|(h, ts)| std::iter::once(h).chain(ts)),
        )
        .chain(&notices)
        .map(|l| l.html.as_str())
        .collect::<Vec<_>>();
    let html = all.join("\n");
    // A lone notice can still be long (a long word is clipped, so this is a guard only).
    if html.is_empty() {
        words::trend_nothing(lang).into()
    } else {
        html
    }
}

/// Eight heights for sparklines.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One character per period, scaled to `top` (the largest count of all series shown, so
/// lines compare); a period without articles is a space-like low bar `·`.
pub(crate) fn sparkline(counts: &[usize], top: usize) -> String {
    counts
        .iter()
        .map(|&n| {
            if n == 0 || top == 0 {
                '·'
            } else {
                BARS[((n * (BARS.len() - 1)).div_ceil(top)).min(BARS.len() - 1)]
            }
        })
        .collect()
}

/// The trend for a terminal: a sparkline per topic with its total and peak, the range, and
/// the notices. `png` is where the chart was written, if it was.
pub(crate) fn trend_text(t: &Trend, png: Option<&std::path::Path>, lang: Lang) -> String {
    let mut out = String::new();
    if let Some((from, to)) = t.range
        && !t.series.is_empty()
    {
        out.push_str(&words::trend_range(lang, t.period, from, to));
        out.push('\n');
    }
    let top = t
        .series
        .iter()
        .flat_map(|s| s.counts.iter().map(|c| c.articles))
        .max()
        .unwrap_or(0);
    let width = t.words.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    for s in &t.series {
        let counts: Vec<usize> = s.counts.iter().map(|c| c.articles).collect();
        let pad = " ".repeat(width - s.word.chars().count());
        out.push_str(&format!(
            "{}{pad}  {}  {}",
            s.word,
            sparkline(&counts, top),
            words::trend_total(lang, s.total)
        ));
        if let Some(p) = &s.peak {
            out.push_str(&words::trend_peak(
                lang,
                &words::trend_period(lang, t.period, p.start),
                p.articles,
            ));
        }
        out.push('\n');
        if let Some(p) = &s.peak {
            for a in &p.titles {
                out.push_str(&format!(
                    "    《{}》 [{}]\n",
                    clip(&a.title, PEAK_TITLE_CHARS),
                    a.article_id
                ));
            }
        }
    }
    for n in notice_lines(t, lang) {
        out.push_str(&n.text);
        out.push('\n');
    }
    if let Some(path) = png {
        out.push_str(&words::chart_written(lang, path));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Period;
    use crate::answer::{ArticleRef, Peak, PeriodCount};
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, d).unwrap()
    }

    fn trend_with_titles(title: &str, outlet: &str, n: usize) -> Trend {
        trend_of(["黄河", "a<b", "长江"].map(String::from), title, outlet, n)
    }

    fn trend_of(words: [String; 3], title: &str, outlet: &str, n: usize) -> Trend {
        let reference = ArticleRef {
            article_id: "a".into(),
            title: title.into(),
            date: Some(day(3)),
            source: None,
            outlet: Some(outlet.into()),
            reporter: None,
            url: None,
        };
        let series = |w: &str| Series {
            word: w.into(),
            counts: vec![PeriodCount {
                start: day(3),
                articles: n,
            }],
            total: n,
            undated: 1,
            peak: Some(Peak {
                start: day(3),
                articles: n,
                titles: vec![reference.clone(); n],
            }),
        };
        Trend {
            words: words.to_vec(),
            period: Period::Week,
            series: words.iter().map(|w| series(w)).collect(),
            range: Some((day(3), day(9))),
            notices: vec![TrendNotice::TooManyWords(vec!["淮河".into()])],
        }
    }

    #[test]
    fn an_english_reader_gets_english_words_around_the_topics() {
        let t = trend_with_titles("标题", "新华社", 2);
        let html = caption_html(&t, Lang::En);
        assert!(html.contains("weekly article counts"), "{html}");
        assert!(html.contains("2 articles, most in the week of"), "{html}");
        assert!(html.contains("left out: 淮河"), "{html}");
        assert!(!html.contains("篇"), "{html}");
        let text = trend_text(&t, Some(std::path::Path::new("/tmp/c.png")), Lang::En);
        assert!(
            text.contains("Chart: /tmp/c.png") && !text.contains("共"),
            "{text}"
        );
    }

    #[test]
    fn caption_fits_and_escapes() {
        let t = trend_with_titles(&"很长的标题&".repeat(30), "<新华社>", 3);
        let html = caption_html(&t, Lang::Zh);
        assert!(
            html.contains("a&lt;b") && html.contains("&lt;新华社&gt;"),
            "{html}"
        );
        assert!(html.contains("淮河"));
        let text = html.replace("<b>", "").replace("</b>", "");
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert!(utf16_len(&text) <= CAPTION_LIMIT, "{}", utf16_len(&text));
    }

    #[test]
    fn long_captions_drop_titles_first() {
        let words = ["黄", "淮", "长"].map(|c| c.repeat(30));
        let t = trend_of(words, &"标".repeat(40), &"社".repeat(40), 3);
        let html = caption_html(&t, Lang::Zh);
        assert!(
            html.matches('《').count() < 9,
            "some titles were dropped: {html}"
        );
        let text = html
            .replace("<b>", "")
            .replace("</b>", "")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        assert!(utf16_len(&text) <= CAPTION_LIMIT);
        assert!(
            html.contains(&format!("🟩 <b>{}</b>", "长".repeat(30))),
            "every topic keeps its line: {html}"
        );
    }

    #[test]
    fn sparklines_scale_to_the_top() {
        assert_eq!(sparkline(&[0, 1, 4, 8], 8), "·▂▅█");
        assert_eq!(sparkline(&[0, 0], 0), "··");
    }
}
