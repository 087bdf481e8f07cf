//! `eval --only pages`: how well the corpus readers get a real news page's title, date,
//! source and body, on `news_pages/` (saved pages with a hand-made `truth.jsonl`). The same
//! figures as the data set's own `score.py`, computed the same way, for the HTML pages and
//! for their whole-page text copies, and the time to read one HTML page.

use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::corpus::{self, Article, LoadOptions};

/// Furniture words that must not appear in a body unless the true body has them
/// (the list `score.py` uses).
const MARKERS: &[&str] = &[
    "上一篇",
    "下一篇",
    "上一页",
    "下一页",
    "相关推荐",
    "相关阅读",
    "相关新闻",
    "相关文章",
    "推荐阅读",
    "延伸阅读",
    "为您推荐",
    "为你推荐",
    "热门推荐",
    "猜你喜欢",
    "发表评论",
    "发表回复",
    "网友评论",
    "我要评论",
    "跟贴",
    "登录后",
    "责任编辑",
    "责编",
    "分享到",
    "分享至",
    "扫一扫",
    "二维码",
    "打印",
    "关闭窗口",
    "返回顶部",
    "返回首页",
    "版权所有",
    "Copyright",
    "ICP备",
    "举报",
    "免责声明",
    "特别声明",
    "点击排行",
    "热门点击",
    "阅读下一篇",
    "【纠错】",
    "客户端",
    "APP",
    "来源:",
    "来源：",
];

/// Characters compared at each end of the body.
const K: usize = 15;

/// One line of `truth.jsonl`.
#[derive(Debug, Deserialize)]
struct Truth {
    name: String,
    title: String,
    date: Option<String>,
    source_or_outlet: Option<String>,
    body_first: Option<String>,
    body_last: Option<String>,
    body_lines: Option<[usize; 2]>,
}

/// A count out of a total.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct Rate {
    pub(crate) hits: usize,
    pub(crate) of: usize,
}

impl Rate {
    fn add(&mut self, hit: bool) {
        self.of += 1;
        self.hits += usize::from(hit);
    }

    pub(crate) fn share(&self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            self.hits as f64 / self.of as f64
        }
    }
}

/// The figures for one kind of copy (HTML pages or their text copies).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct PagesFigures {
    /// `html` or `txt`.
    pub(crate) mode: String,
    pub(crate) pages: usize,
    pub(crate) loaded: usize,
    pub(crate) title_exact: Rate,
    pub(crate) title_contains: Rate,
    /// Over pages whose truth states a date.
    pub(crate) date: Rate,
    /// Over pages whose truth names a source or outlet.
    pub(crate) source: Rate,
    pub(crate) source_contains: Rate,
    pub(crate) body_start: Rate,
    pub(crate) body_end: Rate,
    pub(crate) no_leak: Rate,
    /// Body start and end found and no furniture leaked: the headline figure.
    pub(crate) body: Rate,
    pub(crate) mean_line_recall: f64,
    pub(crate) mean_precision: f64,
    /// Pages that missed something, with what was got.
    pub(crate) misses: Vec<PageMiss>,
}

/// What went wrong on one page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageMiss {
    pub(crate) name: String,
    pub(crate) notes: Vec<String>,
}

/// Everything `eval --only pages` measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PagesReport {
    pub(crate) html: PagesFigures,
    pub(crate) txt: PagesFigures,
    /// Median time to read one HTML page from its bytes (decode, parse, extract), ms.
    pub(crate) html_ms_median: f64,
    /// The slowest page, ms.
    pub(crate) html_ms_max: f64,
}

/// Normalised as `score.py` does: NFKC, white space removed.
fn norm(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{feff}'))
        .collect()
}

fn first_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn last_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

/// One inside the other, the shorter at least half the longer.
fn title_contains(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (s, l) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    l.contains(&s) && s.chars().count() * 2 >= l.chars().count()
}

/// Runs the page evaluation on `dir` (with `truth.jsonl`, `NAME.html`, `NAME.txt`).
pub(crate) fn run(dir: &Path) -> anyhow::Result<PagesReport> {
    let truth_path = dir.join("truth.jsonl");
    let text = std::fs::read_to_string(&truth_path)
        .with_context(|| format!("cannot read {}", truth_path.display()))?;
    let mut truths = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        truths.push(
            serde_json::from_str::<Truth>(line)
                .with_context(|| format!("{}:{}: bad truth line", truth_path.display(), i + 1))?,
        );
    }
    let mut html = PagesFigures {
        mode: "html".into(),
        ..PagesFigures::default()
    };
    let mut txt = PagesFigures {
        mode: "txt".into(),
        ..PagesFigures::default()
    };
    let mut times = Vec::new();
    let (mut recall_html, mut recall_txt) = (Vec::new(), Vec::new());
    let (mut prec_html, mut prec_txt) = (Vec::new(), Vec::new());
    for t in &truths {
        let txt_path = dir.join(format!("{}.txt", t.name));
        let txt_lines: Vec<String> = std::fs::read_to_string(&txt_path)
            .map(|s| {
                s.split('\n')
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default();

        let html_path = dir.join(format!("{}.html", t.name));
        let article = match std::fs::read(&html_path) {
            Ok(bytes) => {
                let started = Instant::now();
                let read = corpus::read_html_bytes(&bytes, None, None, &t.name);
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                read.ok()
            }
            Err(_) => None,
        };
        let (r, p) = score(t, article.as_ref(), &txt_lines, &mut html);
        recall_html.push(r);
        prec_html.push(p);

        let article = load_one(&txt_path);
        let (r, p) = score(t, article.as_ref(), &txt_lines, &mut txt);
        recall_txt.push(r);
        prec_txt.push(p);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    html.mean_line_recall = mean(&recall_html);
    html.mean_precision = mean(&prec_html);
    txt.mean_line_recall = mean(&recall_txt);
    txt.mean_precision = mean(&prec_txt);
    times.sort_by(f64::total_cmp);
    let html_ms_median = times.get(times.len() / 2).copied().unwrap_or(0.0);
    let html_ms_max = times.last().copied().unwrap_or(0.0);
    Ok(PagesReport {
        html,
        txt,
        html_ms_median,
        html_ms_max,
    })
}

/// Reads one file as the corpus loader does (its id is the file name).
fn load_one(path: &Path) -> Option<Article> {
    let corpus = corpus::load_dir(path, &LoadOptions::default()).ok()?;
    corpus.articles.into_iter().next()
}

/// Scores one page into `fig`; returns its line recall and paragraph precision.
fn score(
    t: &Truth,
    art: Option<&Article>,
    txt_lines: &[String],
    fig: &mut PagesFigures,
) -> (f64, f64) {
    fig.pages += 1;
    let has_date = t.date.as_deref().is_some_and(|d| !d.is_empty());
    let truth_source = norm(t.source_or_outlet.as_deref().unwrap_or(""));
    let Some(a) = art else {
        for r in [
            &mut fig.title_exact,
            &mut fig.title_contains,
            &mut fig.body_start,
            &mut fig.body_end,
            &mut fig.no_leak,
            &mut fig.body,
        ] {
            r.add(false);
        }
        if has_date {
            fig.date.add(false);
        }
        if !truth_source.is_empty() {
            fig.source.add(false);
            fig.source_contains.add(false);
        }
        fig.misses.push(PageMiss {
            name: t.name.clone(),
            notes: vec!["skipped".into()],
        });
        return (0.0, 0.0);
    };
    fig.loaded += 1;
    let mut notes = Vec::new();
    let title_exact = norm(&a.title) == norm(&t.title);
    fig.title_exact.add(title_exact);
    fig.title_contains
        .add(title_exact || title_contains(&a.title, &t.title));
    if !title_exact {
        notes.push(format!("title={:?}", first_chars(&a.title, 40)));
    }
    if has_date {
        let got = a.date.map(|d| d.to_string());
        let ok = got.as_deref() == t.date.as_deref();
        fig.date.add(ok);
        if !ok {
            notes.push(format!("date={}", got.as_deref().unwrap_or("none")));
        }
    }
    if !truth_source.is_empty() {
        let got = [
            norm(a.source.as_deref().unwrap_or("")),
            norm(a.outlet.as_deref().unwrap_or("")),
        ];
        let ok = got.contains(&truth_source);
        fig.source.add(ok);
        fig.source_contains.add(got.iter().any(|g| {
            !g.is_empty()
                && (g.contains(truth_source.as_str()) || truth_source.contains(g.as_str()))
        }));
        if !ok {
            notes.push(format!(
                "source={:?}/{:?}",
                a.source.as_deref().unwrap_or(""),
                a.outlet.as_deref().unwrap_or("")
            ));
        }
    }
    let paras: Vec<String> = a
        .paragraphs
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| norm(p))
        .collect();
    let first = first_chars(&norm(t.body_first.as_deref().unwrap_or("")), K);
    let last = last_chars(&norm(t.body_last.as_deref().unwrap_or("")), K);
    let head: String = paras.iter().take(2).map(String::as_str).collect();
    let tail: String = paras[paras.len().saturating_sub(2)..].concat();
    let start_ok = !first.is_empty() && head.contains(&first);
    let end_ok = !last.is_empty() && tail.contains(&last);
    fig.body_start.add(start_ok);
    fig.body_end.add(end_ok);
    if !start_ok {
        notes.push(format!(
            "first={:?}",
            first_chars(a.paragraphs.first().map_or("", String::as_str), 30)
        ));
    }
    if !end_ok {
        notes.push(format!(
            "last={:?}",
            last_chars(a.paragraphs.last().map_or("", String::as_str), 30)
        ));
    }
    let body_text: String = paras.concat();
    let true_lines: Vec<String> = match t.body_lines {
        Some([from, to]) if from <= to && to < txt_lines.len() => {
            txt_lines[from..=to].iter().map(|l| norm(l)).collect()
        }
        _ => Vec::new(),
    };
    let true_text: String = true_lines.concat();
    let leaks: Vec<&str> = MARKERS
        .iter()
        .copied()
        .filter(|m| {
            let m = norm(m);
            body_text.contains(&m) && !true_text.contains(&m)
        })
        .collect();
    fig.no_leak.add(leaks.is_empty());
    fig.body.add(start_ok && end_ok && leaks.is_empty());
    if !leaks.is_empty() {
        notes.push(format!("leak={}", leaks.join(",")));
    }
    let keys: Vec<String> = true_lines
        .iter()
        .filter(|l| l.chars().count() >= 4)
        .map(|l| first_chars(l, 12))
        .collect();
    let recall = if keys.is_empty() {
        0.0
    } else {
        keys.iter()
            .filter(|k| body_text.contains(k.as_str()))
            .count() as f64
            / keys.len() as f64
    };
    let precision = if paras.is_empty() || true_text.is_empty() {
        0.0
    } else {
        paras
            .iter()
            .filter(|p| {
                true_text.contains(&first_chars(p, 12)) || true_text.contains(&last_chars(p, 12))
            })
            .count() as f64
            / paras.len() as f64
    };
    if !notes.is_empty() {
        fig.misses.push(PageMiss {
            name: t.name.clone(),
            notes,
        });
    }
    (recall, precision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_the_script() {
        assert_eq!(norm("多地 项目\u{3000}ＡＢＣ１２３"), "多地项目ABC123");
        assert!(title_contains("中国芯本月商用", "最强中国芯本月商用"));
        assert!(!title_contains("中国", "最强中国芯本月商用了"));
        assert_eq!(last_chars("一二三四五", 2), "四五");
    }
}
