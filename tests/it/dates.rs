//! Dates in questions, searches and `/latest`: a year, a month or `去年` keeps the answer and
//! the results to the articles and sentences of that time, and the reply says which dates
//! were understood. On a small corpus of dated stories written for the test.

use chrono::NaiveDate;
use jianbao::answer::Engine;
use jianbao::chat::{self, ListSizes, Memory, Origin, Reply, Request};
use jianbao::corpus::Article;

use crate::common::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn dated(id: &str, date: NaiveDate, title: &str, paragraphs: &[&str]) -> Article {
    let mut a = story(id, title, paragraphs);
    a.date = Some(date);
    a
}

fn engine() -> Engine {
    engine_with(SEGMENTER.clone())
}

fn engine_with(segmenter: jianbao::text::Segmenter) -> Engine {
    let articles = vec![
        dated(
            "export-2024",
            day(2024, 1, 12),
            "去年我国汽车出口再创新高",
            &[
                "记者今天从中国汽车工业协会了解到，去年我国汽车产销量双双突破3000万辆。",
                "2023年，我国汽车出口491万辆，同比增长57.9%，首次跃居全球第一。",
            ],
        ),
        dated(
            "export-2025",
            day(2025, 1, 13),
            "汽车产销连续两年超3000万辆",
            &[
                "中国汽车工业协会今天发布数据，2024年汽车产销量继续保持在3000万辆以上。",
                "2024年，我国汽车出口585.9万辆，同比增长19.3%。",
            ],
        ),
        dated(
            "flood-2023",
            day(2023, 7, 2),
            "多地防汛进入关键期",
            &["国家防总启动防汛四级应急响应，多地加强巡查值守。"],
        ),
        dated(
            "flood-2024",
            day(2024, 6, 18),
            "南方强降雨 防汛形势严峻",
            &["国家防总针对南方强降雨启动防汛三级应急响应，派出工作组赴一线。"],
        ),
        dated(
            "logistics-2024-08",
            day(2024, 8, 29),
            "前7个月社会物流总额稳定增长",
            &["1—7月份，全国社会物流总额为197.7万亿元，同比增长5.5%。"],
        ),
        dated(
            "logistics-2024-11",
            day(2024, 11, 28),
            "物流运行稳中有进",
            &[
                "中国物流与采购联合会今天发布数据。",
                "前10个月，全国社会物流总额达287.8万亿元，同比增长5.6%，增速比前三季度提高0.2个百分点。",
            ],
        ),
        dated(
            "bridge-2024",
            day(2024, 6, 25),
            "跨海大桥建成通车",
            &[
                "今天，这座跨海大桥正式建成通车。",
                "大桥全长24公里，双向八车道，设计时速100公里。",
            ],
        ),
        dated(
            "income-2024",
            day(2024, 1, 20),
            "山区小村走出致富路",
            &[
                "这个山区小村发展特色种植，日子越过越红火。",
                "去年，村里每户农民平均收入达到5.6万元。",
            ],
        ),
        dated(
            "festival-30",
            day(2025, 6, 23),
            "第30届电视节开幕",
            &[
                "第30届电视节今天开幕。",
                "本届电视节共有43个国家和地区的近千部作品参与评奖。",
            ],
        ),
        dated(
            "festival-31",
            day(2026, 6, 22),
            "第三十一届电视节开幕",
            &["第三十一届电视节今天开幕，来自60个国家和地区的千余部作品参与评奖。"],
        ),
        dated(
            "current-account",
            day(2025, 12, 9),
            "某国贸易收支恶化",
            &["该国财务省8日公布的初步统计结果显示，受本币贬值影响，10月经常项目逆差为520亿元。"],
        ),
        dated(
            "landslide",
            day(2024, 1, 23),
            "山区县山体滑坡救援加紧展开",
            &["截至今天（1月23日）下午4时，这次山体滑坡已造成25人遇难、19人失联。"],
        ),
        dated(
            "box-office-2024-02",
            day(2024, 2, 20),
            "电影市场开门红",
            &["一月份，全国电影票房超100亿元，刷新年度票房最快破百亿元纪录。"],
        ),
        dated(
            "box-office-2024-11",
            day(2024, 11, 15),
            "文化快讯",
            &[
                "本台今天播出一组文化消息。",
                "全国电影票房今年已超500亿元",
                "国家电影局今天发布，截至11月14日，今年全国总票房为500.01亿元，其中国产影片票房为419.89亿元。",
            ],
        ),
    ];
    engine_of(articles, segmenter)
}

fn sentence(a: &jianbao::answer::Answer) -> &str {
    a.sentence.as_deref().unwrap_or("")
}

#[test]
fn a_year_in_the_question_picks_that_years_figure() {
    let e = engine();
    for (q, want) in [
        ("2023年我国汽车出口了多少辆？", "491万辆"),
        ("2024年全国汽车出口一共多少辆？", "585.9万辆"),
    ] {
        let a = e.ask(q);
        assert!(a.answered, "{q:?} should be answered");
        assert!(sentence(&a).contains(want), "{q:?}: {:?}", a.sentence);
        assert_eq!(a.dates.len(), 1, "{q:?}: {:?}", a.dates);
    }
}

#[test]
fn a_part_of_the_year_picks_the_figure_for_that_part() {
    let e = engine();
    for (q, want) in [
        ("今年1到10月全国社会物流总额是多少？", "287.8万亿元"),
        ("2024年前7个月社会物流总额有多少", "197.7万亿元"),
    ] {
        let a = e.ask_on(q, day(2024, 12, 1));
        assert!(a.answered, "{q:?} should be answered: {a:?}");
        assert!(sentence(&a).contains(want), "{q:?}: {:?}", a.sentence);
        assert_eq!(a.dates.len(), 1, "only the year is a date: {:?}", a.dates);
        assert_eq!(a.year_parts.len(), 1, "{q:?}: {:?}", a.year_parts);
    }
    let a = e.ask_on("今年1到10月全国社会物流总额是多少？", day(2024, 12, 1));
    assert_eq!(
        jianbao::render::question_dates_line(&a.dates, &a.year_parts, jianbao::render::Lang::Zh)
            .as_deref(),
        Some("日期：今年（2024年）、1—10月"),
        "the reply says which dates were understood"
    );
    assert_eq!(
        jianbao::render::question_dates_line(&a.dates, &a.year_parts, jianbao::render::Lang::En)
            .as_deref(),
        Some("Dates: 今年 (2024), Jan–Oct"),
        "in the reader's language"
    );
    // Nothing states the first half: the figure for another part is not the answer.
    let a = e.ask_on("今年上半年全国社会物流总额是多少？", day(2024, 12, 1));
    assert!(!a.answered, "answered with {:?}", a.sentence);
}

#[test]
fn a_readers_word_finds_the_news_word_through_the_synonym_list() {
    // 挣 is the reader's word; the story says 收入. Only the synonym list links them.
    let q = "村里农民去年每户平均挣了多少钱？";
    let highlighted = |a: &jianbao::answer::Answer| -> Vec<String> {
        let chars: Vec<char> = sentence(a).chars().collect();
        a.highlights
            .iter()
            .map(|&[from, to]| chars[from..to].iter().collect())
            .collect()
    };
    let a = engine().ask_on(q, day(2024, 3, 1));
    assert!(a.answered, "{q:?}: {a:?}");
    assert!(sentence(&a).contains("5.6万元"), "{:?}", a.sentence);
    assert!(
        highlighted(&a).iter().any(|h| h.contains("收入")),
        "收入 is matched as 挣: {:?}",
        highlighted(&a)
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("synonyms.txt");
    std::fs::write(&empty, "# none\n").expect("write");
    let plain = jianbao::text::Segmenter::load(None, None, Some(&empty)).expect("segmenter");
    let a = engine_with(plain).ask_on(q, day(2024, 3, 1));
    assert!(
        !highlighted(&a).iter().any(|h| h.contains("收入")),
        "without the list 收入 is not one of the question's words: {:?}",
        highlighted(&a)
    );
}

#[test]
fn an_edition_of_an_event_is_answered_from_that_edition() {
    let e = engine();
    for (q, want) in [
        ("第三十届电视节有多少个国家和地区的作品参与评奖？", "43个"),
        ("第31届电视节有多少个国家和地区的作品参与评奖？", "60个"),
    ] {
        let a = e.ask(q);
        assert!(a.answered, "{q:?}: {a:?}");
        assert!(sentence(&a).contains(want), "{q:?}: {:?}", a.sentence);
    }
    // An edition the corpus has no story of is not answered from another one.
    let a = e.ask("第29届电视节有多少个国家和地区的作品参与评奖？");
    assert!(!a.answered, "answered with {:?}", a.sentence);
}

#[test]
fn relative_years_are_read_against_the_day_asked() {
    let e = engine();
    let q = "去年我国汽车出口了多少辆？";
    let a = e.ask_on(q, day(2024, 3, 1));
    assert!(
        sentence(&a).contains("491万辆"),
        "asked in 2024: {:?}",
        a.sentence
    );
    assert_eq!(a.dates[0].label(), "2023年");
    let a = e.ask_on(q, day(2025, 3, 1));
    assert!(
        sentence(&a).contains("585.9万辆"),
        "asked in 2025: {:?}",
        a.sentence
    );
}

#[test]
fn a_year_after_the_corpus_is_not_answered_with_an_older_figure() {
    let e = engine();
    let a = e.ask("2027年我国汽车出口了多少辆？");
    assert!(!a.answered, "answered with {:?}", a.sentence);
    assert_eq!(
        a.dates[0].label(),
        "2027年",
        "the reply can say which year it looked for"
    );
}

/// Asserts that the answer to `asked` (the question, for the message) is given, in a
/// sentence holding `want`.
fn assert_holds(a: &jianbao::answer::Answer, asked: &str, want: &str) {
    assert!(a.answered, "{asked}: {:?} at {}", a.sentence, a.confidence);
    assert!(sentence(a).contains(want), "{asked}: {:?}", a.sentence);
}

fn assert_not_given(a: &jianbao::answer::Answer, asked: &str) {
    assert!(
        !a.answered,
        "{asked} answered with {:?} at {}",
        a.sentence, a.confidence
    );
}

/// Asserts that `question` is answered with a sentence holding `want`.
fn assert_answered(e: &Engine, question: &str, want: &str) {
    assert_holds(&e.ask(question), &format!("{question:?}"), want);
}

fn assert_declined(e: &Engine, question: &str) {
    assert_not_given(&e.ask(question), &format!("{question:?}"));
}

/// The same, asked on `asked` (relative dates are read against it).
fn assert_answered_on(e: &Engine, question: &str, asked: NaiveDate, want: &str) {
    assert_holds(
        &e.ask_on(question, asked),
        &format!("{question:?} on {asked}"),
        want,
    );
}

fn assert_declined_on(e: &Engine, question: &str, asked: NaiveDate) {
    assert_not_given(
        &e.ask_on(question, asked),
        &format!("{question:?} on {asked}"),
    );
}

/// A month's figures reported weeks after the month: the sentence names the month, and
/// read against its story's date it is the month asked about. Another month is still not
/// answered from it.
#[test]
fn a_months_figure_reported_weeks_later_is_answered() {
    let e = engine();
    assert_answered(&e, "2025年10月该国经常项目逆差是多少？", "520亿元");
    assert_declined(&e, "2025年9月该国经常项目逆差是多少？");
}

/// A day asked without its year: the year guessed is the latest such day (2026 here), but
/// a story of that day in an earlier year answers; a year said outright is kept to.
#[test]
fn a_day_without_its_year_is_answered_from_that_day_in_another_year() {
    let e = engine();
    assert_answered(&e, "山体滑坡到1月23日下午一共遇难了多少人？", "25人遇难");
    assert_declined(&e, "2025年1月23日山体滑坡遇难了多少人？");
}

/// A year and a day without its year in one question (`今年…到11月14日`) mean that day of
/// that year: the figure of another day of the year does not answer. The answer is the
/// statement under the sub-heading that sums it up, though it leaves the subject
/// (`电影票房`) to the heading.
#[test]
fn a_year_and_a_day_in_one_question_mean_that_day() {
    let e = engine();
    let asked = day(2024, 11, 18);
    let a = e.ask_on("今年全国电影票房到11月14日一共多少了？", asked);
    assert!(a.answered, "{:?} at {}", a.sentence, a.confidence);
    assert!(sentence(&a).contains("500.01亿元"), "{:?}", a.sentence);
    let dates: Vec<String> = a.dates.iter().map(|d| d.label()).collect();
    assert_eq!(dates, ["2024年11月14日"]);
    // Controls: the month of the other figure, and a day of that year with no figure.
    let a = e.ask_on("今年1月全国电影票房有多少？", asked);
    assert!(sentence(&a).contains("100亿元"), "{:?}", a.sentence);
    let a = e.ask_on("今年全国电影票房到3月14日一共多少了？", asked);
    assert!(!a.answered, "answered with {:?}", a.sentence);
}

#[test]
fn the_answer_span_is_the_number_asked_for() {
    let e = engine();
    let a = e.ask("那座跨海大桥全长多少公里？");
    assert!(a.answered, "{:?}", a.sentence);
    let s = sentence(&a);
    let span = a
        .answer_span_bytes
        .clone()
        .expect("a span for a number question");
    assert_eq!(&s[span], "24公里", "in {s:?}");
    let [from, to] = a.answer_span.expect("char offsets too");
    assert_eq!(
        s.chars().skip(from).take(to - from).collect::<String>(),
        "24公里"
    );
}

#[test]
fn search_keeps_to_the_dates_in_the_query() {
    let e = engine();
    let r = e.search("防汛 2024", 1, 5);
    let ids: Vec<&str> = r
        .articles
        .iter()
        .map(|g| g.article.article_id.as_str())
        .collect();
    assert_eq!(ids, ["flood-2024"], "{ids:?}");
    assert_eq!(r.terms, ["防汛"]);
    assert_eq!(r.dates.len(), 1);
    assert_eq!(
        jianbao::render::dates_line(&r.dates, jianbao::render::Lang::Zh).as_deref(),
        Some("日期：2024年")
    );
    let all = e.search("防汛", 1, 5);
    assert_eq!(all.articles.len(), 2, "without a date both years match");
}

/// A day's articles under hundreds of stronger matches from other days: the search finds
/// them at once, counts them exactly, and scores them as the search without the date does.
#[test]
fn a_search_within_one_day_finds_its_articles_under_many_stronger_matches() {
    let strong = "防汛防汛，各地防汛值守，防汛物资到位。";
    let mut articles: Vec<Article> = (0..400)
        .map(|i| {
            dated(
                &format!("strong-{i}"),
                day(2024, 7, 1) + chrono::Days::new(i % 60),
                &format!("防汛一线第{i}报"),
                &[strong],
            )
        })
        .collect();
    let weak = "今年入汛以来，这个县修复堤防十二处，加固水库三座，群众转移安置工作有序开展，防汛检查组走访了沿河村镇。";
    for id in ["weak-a", "weak-b"] {
        articles.push(dated(id, day(2024, 6, 18), "入汛以来的一天", &[weak]));
    }
    let e = engine_of(articles, SEGMENTER.clone());

    let r = e.search("防汛 2024年6月18日", 1, 5);
    let mut ids: Vec<&str> = r
        .articles
        .iter()
        .map(|g| g.article.article_id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["weak-a", "weak-b"]);
    assert_eq!(r.total_articles, 2);
    assert!(r.total_is_exact);

    // Undated, they are found last, with the same scores.
    let all = e.search("防汛", 1, 500);
    assert_eq!(all.total_articles, 402);
    let last: Vec<(&str, f32)> = all.articles[400..]
        .iter()
        .map(|g| (g.article.article_id.as_str(), g.score))
        .collect();
    for g in &r.articles {
        let undated = last
            .iter()
            .find(|(id, _)| *id == g.article.article_id)
            .expect("found undated too");
        assert!(
            (undated.1 - g.score).abs() < 1e-4,
            "{undated:?} vs {}",
            g.score
        );
    }

    // A day with no articles: nothing, exactly.
    let none = e.search("防汛 2024年6月19日", 1, 5);
    assert_eq!(none.total_articles, 0);
    assert!(none.total_is_exact);
}

/// Monthly figures come out in the next month: a story of September gives August's
/// reserves (`8月末`). Asked in October about last month's end, September's figure in
/// October's story answers, not August's in September's; asked in September, August's.
#[test]
fn a_month_question_is_not_answered_with_another_months_figure() {
    let e = engine_of(
        vec![
            dated(
                "reserves-2025-09",
                day(2025, 9, 7),
                "8月末我国外汇储备规模为33222亿美元",
                &[
                    "国家外汇管理局最新数据显示，8月末，我国外汇储备规模为33222亿美元，较7月末上升299亿美元。",
                ],
            ),
            dated(
                "reserves-2025-10",
                day(2025, 10, 9),
                "外汇储备规模保持稳定",
                &[
                    "国家外汇管理局今天发布数据，9月末，我国外汇储备规模为33387亿美元，较8月末上升165亿美元。",
                ],
            ),
        ],
        SEGMENTER.clone(),
    );
    let q = "上个月末我国外汇储备规模是多少？";
    assert_answered_on(&e, q, day(2025, 10, 20), "33387亿美元");
    assert_answered_on(&e, q, day(2025, 9, 20), "33222亿美元");
    // Only September's story is of November's "last month", and it gives August's figure.
    let e = engine_of(
        vec![dated(
            "reserves-2025-09",
            day(2025, 9, 7),
            "外汇储备",
            &["国家外汇管理局最新数据显示，8月末，我国外汇储备规模为33222亿美元。"],
        )],
        SEGMENTER.clone(),
    );
    assert_declined_on(&e, "9月末我国外汇储备规模是多少？", day(2025, 11, 2));
}

/// A quarter's figure is reported after the quarter: a story of February does not give
/// the first quarter's growth, though it names the same indicators; the April report does.
#[test]
fn a_part_of_the_year_is_not_answered_from_a_story_written_before_it_ended() {
    let february = dated(
        "money-2026-02",
        day(2026, 2, 13),
        "1月末社会融资规模增长8.2%",
        &[
            "中国人民银行今天发布，社会融资规模同比增长8.2%，广义货币同比增长9%，均明显高于名义GDP增速。",
        ],
    );
    let april = dated(
        "gdp-2026-q1",
        day(2026, 4, 16),
        "国民经济实现良好开局",
        &["初步核算，一季度国内生产总值334193亿元，按不变价格计算，同比增长5.0%。"],
    );
    let q = "今年一季度GDP同比增长了多少？";
    let e = engine_of(vec![february.clone()], SEGMENTER.clone());
    assert_declined_on(&e, q, day(2026, 3, 20));
    let e = engine_of(vec![february, april], SEGMENTER.clone());
    assert_answered_on(&e, q, day(2026, 5, 20), "5.0%");
}

/// One report a month on the year's first 2 … 11 months (`今年前N个月…`), each published
/// the month after its period ends.
fn reports_of_the_first_months(
    year: i32,
    title: &str,
    text: impl Fn(u32) -> String,
) -> Vec<Article> {
    (2..=11u32)
        .map(|months| {
            dated(
                &format!("{title}-{year}-{months:02}"),
                day(year, months + 1, 10),
                title,
                &[&text(months)],
            )
        })
        .collect()
}

/// A figure for a part of the year (`前11个月`) is found among reports of the year's other
/// parts, which match the question as well and are more than are read: the paragraph
/// naming the part asked is read first.
#[test]
fn the_part_of_the_year_asked_is_read_among_the_others() {
    let articles = reports_of_the_first_months(2024, "外贸稳中有进", |months| {
        format!(
            "据海关统计，今年前{months}个月，我国货物贸易进出口总值{}.{}万亿元，同比增长5%。",
            3 * months + 6,
            months
        )
    });
    let e = engine_of(articles, SEGMENTER.clone());
    assert_answered_on(
        &e,
        "2024年前11个月我国货物贸易进出口总值是多少？",
        day(2025, 3, 1),
        "39.11万亿元",
    );
}

/// A year's total is reported in the first weeks of the next year. Many stories of that
/// year match the question as well (figures for its first months, more than are read);
/// the later report that names the year is still read, and answers.
#[test]
fn a_years_total_reported_next_year_is_found_among_that_years_partial_figures() {
    let mut articles = reports_of_the_first_months(2025, "服务贸易较快增长", |months| {
        format!(
            "商务部数据显示，今年前{months}个月，我国服务贸易较快增长，服务进出口总额{}亿元，同比增长9.9%，其中知识密集型服务进出口占比进一步提升。",
            6500 * months
        )
    });
    articles.push(dated(
        "services-2026-02",
        day(2026, 2, 6),
        "服务贸易规模稳步扩大",
        &["商务部数据显示，2025年，我国服务贸易保持稳步增长，服务进出口总额80823.1亿元，同比增长7.4%。"],
    ));
    let e = engine_of(articles, SEGMENTER.clone());
    assert_answered_on(
        &e,
        "去年我国服务进出口总额一共多少？",
        day(2026, 3, 10),
        "80823.1亿元",
    );
}

/// The reader's abbreviation (`GDP`) is searched with its full name too: the quarter's
/// report spells it out (`国内生产总值`), while many other stories of the year use the
/// abbreviation in passing, more than are read.
#[test]
fn an_abbreviation_finds_the_report_that_spells_it_out() {
    let mut articles: Vec<Article> = (0..12u64)
        .map(|i| {
            dated(
                &format!("money-{i}"),
                day(2026, 5, 10) + chrono::Days::new(i * 3),
                "金融数据",
                &["中国人民银行今天发布，广义货币同比增长8.6%，社会融资规模同比增长7.7%，均高于名义GDP增速，GDP增速平稳。"],
            )
        })
        .collect();
    articles.push(dated(
        "gdp-2026-q1",
        day(2026, 4, 16),
        "国民经济实现良好开局",
        &["国家统计局今天发布，初步核算，一季度国内生产总值334193亿元，按不变价格计算，同比增长5.0%。"],
    ));
    let e = engine_of(articles, SEGMENTER.clone());
    assert_answered_on(&e, "今年一季度GDP同比增长了多少？", day(2026, 7, 1), "5.0%");
}

#[test]
fn latest_takes_a_month() {
    let e = engine();
    let memory = Memory::default();
    let sizes = ListSizes {
        search: 5,
        latest: 10,
    };
    let ask = |arg: &str| {
        chat::respond(
            &e,
            &memory,
            Origin::default(),
            Request::Command(chat::Command::Latest(arg.into())),
            sizes,
        )
    };
    let Reply::Latest(list, dates) = ask("2024-06") else {
        panic!("a list")
    };
    let ids: Vec<&str> = list.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["bridge-2024", "flood-2024"], "newest first");
    assert_eq!(dates[0].label(), "2024年6月");
    let Reply::Latest(list, _) = ask("1 2024-06") else {
        panic!("a list")
    };
    assert_eq!(list.len(), 1, "a count and a month");
    let Reply::Latest(list, _) = ask("2022") else {
        panic!("a list")
    };
    assert!(list.is_empty(), "nothing in 2022");
    let text = jianbao::render::text::reply(
        &ask("2022"),
        jianbao::render::text::Style {
            color: false,
            snippet_chars: 160,
            lang: jianbao::render::Lang::Zh,
            front: jianbao::render::words::Front::Chat,
        },
    );
    assert!(text.contains("日期：2022年"), "{text}");
}
