//! `/trend` and `jianbao trend`: weekly and monthly article counts on a generated corpus
//! whose counts are known, the JSON shape, and the chart sent as a photo that the fake
//! Telegram decodes.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate};
use jianbao::answer::{Engine, Options, Period, TrendRequest};
use jianbao::bot::delivery::{self, Settings};
use jianbao::bot::sender::Limits;
use jianbao::bot::{Handlers, State};
use jianbao::chat::{ListSizes, Memory};
use jianbao::config::Config;
use serde_json::{Value, json};
use teloxide::types::UserId;

use crate::common::fake_telegram::{FakeTelegram, updates};
use crate::common::*;

/// Monday of the first generated week.
fn first_monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 4).expect("date")
}

/// Articles about 黄河 per generated week: the counts the trend must find.
const YELLOW: [usize; 8] = [1, 2, 3, 4, 0, 2, 3, 1];
/// Articles about 长江 per week.
const YANGTZE: [usize; 8] = [2, 0, 1, 0, 2, 2, 0, 1];

fn record(id: &str, title: &str, date: Option<NaiveDate>, paragraphs: &[String]) -> String {
    json!({
        "id": id,
        "title": title,
        "date": date.map(|d| d.to_string()),
        "source": "测试日报",
        "paragraphs": paragraphs,
    })
    .to_string()
}

/// A JSON Lines corpus: per week, the 黄河 and 长江 articles of the tables above on
/// different weekdays (Monday and Sunday included), some mentioning the word many times, one
/// only in its title, one in traditional script; and articles that must not count: 黄 and 河
/// apart, an undated one, and filler.
fn write_corpus(dir: &Path, extra: &[String]) {
    let mut lines = Vec::new();
    for week in 0..YELLOW.len() {
        let monday = first_monday() + Days::new(7 * week as u64);
        for i in 0..YELLOW[week] {
            let day = monday + Days::new(((i * 6) % 7) as u64); // Mon, Sun, Sat, Fri
            let body = match i {
                0 => vec![
                    "黄河黄河黄河，黄河流域，保护黄河。".to_string(),
                    "黄河再次出现。".into(),
                ],
                1 => vec!["今年汛期，黃河水位上涨。".to_string()],
                2 => vec!["防汛工作部署会召开。".to_string()],
                _ => vec![format!("第{week}周关于黄河的报道。")],
            };
            // The third article names the river only in its title.
            let title = match i {
                2 => format!("第{week}周 黄河报道{i}"),
                _ => format!("第{week}周 报道{i}"),
            };
            lines.push(record(&format!("y{week}-{i}"), &title, Some(day), &body));
        }
        for i in 0..YANGTZE[week] {
            let day = monday + Days::new((2 + i) as u64);
            lines.push(record(
                &format!("c{week}-{i}"),
                &format!("第{week}周 航运消息{i}"),
                Some(day),
                &["长江航运繁忙，长江经济带建设推进。".to_string()],
            ));
        }
        lines.push(record(
            &format!("n{week}"),
            &format!("第{week}周 其他新闻"),
            Some(monday + Days::new(3)),
            &["黄色的河 不算，黄 河 也不算。".to_string()],
        ));
    }
    lines.push(record(
        "undated",
        "黄河没有日期",
        None,
        &["黄河的一篇没有日期的文章。".to_string()],
    ));
    lines.extend(extra.iter().cloned());
    std::fs::write(dir.join("news.jsonl"), lines.join("\n") + "\n").expect("write corpus");
}

fn engine_over(dir: &Path) -> Engine {
    let options = Options {
        corpus: dir.to_path_buf(),
        ..Config::default().engine_options()
    };
    Engine::load_with(&options, SEGMENTER.clone(), &|_, _| {}).expect("engine")
}

fn counts(series: &jianbao::answer::Series) -> Vec<(NaiveDate, usize)> {
    series
        .counts
        .iter()
        .map(|c| (c.start, c.articles))
        .collect()
}

fn weekly(table: &[usize]) -> Vec<(NaiveDate, usize)> {
    table
        .iter()
        .enumerate()
        .map(|(w, &n)| (first_monday() + Days::new(7 * w as u64), n))
        .collect()
}

#[test]
fn weekly_counts_are_articles_not_mentions() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_corpus(dir.path(), &[]);
    let engine = engine_over(dir.path());
    let trend = engine.trend(&TrendRequest::parse("黄河 长江"));
    assert_eq!(trend.period, Period::Week);
    assert_eq!(trend.words, vec!["黄河", "长江"]);
    assert_eq!(counts(&trend.series[0]), weekly(&YELLOW), "黄河 per week");
    assert_eq!(counts(&trend.series[1]), weekly(&YANGTZE), "长江 per week");
    assert_eq!(trend.series[0].total, YELLOW.iter().sum::<usize>());
    assert_eq!(
        trend.series[0].undated, 1,
        "the undated article is counted aside"
    );
    let peak = trend.series[0].peak.as_ref().expect("a peak");
    assert_eq!(
        (peak.start, peak.articles),
        (first_monday() + Days::new(21), 4)
    );
    assert_eq!(peak.titles.len(), 3);
    assert!(
        peak.titles.iter().all(|a| a.title.contains("第3周")),
        "{:?}",
        peak.titles
    );
}

#[test]
fn long_ranges_count_by_month_and_a_year_narrows_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = NaiveDate::from_ymd_opt(2023, 1, 15).expect("date");
    write_corpus(
        dir.path(),
        &[record(
            "old",
            "黄河旧闻",
            Some(old),
            &["黄河旧事。".to_string()],
        )],
    );
    let engine = engine_over(dir.path());
    let all = engine.trend(&TrendRequest::parse("黄河"));
    assert_eq!(all.period, Period::Month);
    let months = counts(&all.series[0]);
    assert_eq!(months.first(), Some(&(old.with_day0(0).expect("day"), 1)));
    assert_eq!(months.len(), 16, "2023-01 to 2024-04: {months:?}");
    assert_eq!(
        months.iter().map(|(_, n)| n).sum::<usize>(),
        1 + YELLOW.iter().sum::<usize>()
    );
    let year = engine.trend(&TrendRequest::parse("黄河 2024"));
    assert_eq!(year.period, Period::Week, "2024 alone spans 8 weeks");
    assert_eq!(counts(&year.series[0]), weekly(&YELLOW));
    let empty = engine.trend(&TrendRequest::parse("黄河 1999"));
    assert_eq!(empty.period, Period::Month);
    assert_eq!(empty.series[0].counts.len(), 12);
    assert_eq!(empty.series[0].total, 0);
}

#[test]
fn trend_json_has_exactly_the_documented_shape() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_corpus(dir.path(), &[]);
    let corpus = dir.path().to_string_lossy().into_owned();
    let out = jianbao(&["--corpus", &corpus, "trend", "--json", "黄河"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["period", "series", "words"]);
    assert_eq!(v["words"], json!(["黄河"]));
    assert_eq!(v["period"], "week");
    let series = v["series"].as_array().expect("series");
    assert_eq!(series.len(), 1);
    assert_eq!(
        series[0].as_object().map(|o| o.len()),
        Some(2),
        "word and counts only"
    );
    assert_eq!(series[0]["word"], "黄河");
    let want: Vec<Value> = weekly(&YELLOW)
        .into_iter()
        .map(|(d, n)| json!({"start": d.to_string(), "articles": n}))
        .collect();
    assert_eq!(series[0]["counts"], Value::Array(want));

    let png = dir.path().join("chart.png");
    let out = jianbao(&[
        "--corpus",
        &corpus,
        "trend",
        "--png",
        &png.to_string_lossy(),
        "黄河",
        "长江",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("黄河") && text.contains('█'), "{text}");
    assert!(text.contains(&png.display().to_string()), "{text}");
    let (w, h) = png_size(&std::fs::read(&png).expect("chart written"));
    assert!(w > 100 && h > 100);
}

/// Width and height of a PNG that decodes in full.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let frame = reader.next_frame(&mut buf).expect("PNG decodes");
    (frame.width, frame.height)
}

#[test]
fn terminal_chat_prints_a_sparkline_and_the_png_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_corpus(dir.path(), &[]);
    let corpus = dir.path().to_string_lossy().into_owned();
    let out = jianbao_with(&["--corpus", &corpus, "chat"], &[], Some("/trend 黄河\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let path = text
        .lines()
        .find_map(|l| l.strip_prefix("Chart: "))
        .unwrap_or_else(|| panic!("no chart path in {text}"));
    let bytes = std::fs::read(path.trim()).expect("the chart file exists");
    png_size(&bytes);
    let _ = std::fs::remove_file(path.trim());
    assert!(text.contains("▁") || text.contains('█'), "{text}");
}

const TOKEN: &str = "123456789:TEST-token-for-trend";

/// Multipart requests carry every parameter as a string.
fn chat_is(params: &Value, chat: i64) -> bool {
    params["chat_id"] == chat || params["chat_id"].as_str() == Some(chat.to_string().as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trend_is_sent_as_a_photo_telegram_accepts() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_corpus(dir.path(), &[]);
    let engine = Arc::new(jianbao::answer::LiveEngine::new(Arc::new(engine_over(
        dir.path(),
    ))));
    let fake = FakeTelegram::start(TOKEN).await;
    let me = fake.bot_user();
    let state = Arc::new(State {
        engine,
        memory: Memory::default(),
        username: me["username"].as_str().unwrap_or_default().to_string(),
        bot_id: UserId(me["id"].as_u64().unwrap_or_default()),
        sizes: ListSizes {
            search: 2,
            latest: 5,
        },
        feed_admin: None,
        following: None,
    });
    let tg = crate::bot::client(&fake, Limits::unlimited());
    let handlers = Arc::new(Handlers {
        tg: Arc::clone(&tg),
        state,
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(delivery::run(
        tg,
        handlers,
        Settings::default(),
        async move {
            let _ = stopped.await;
        },
    ));

    let alice = updates::alice();
    fake.push_update(updates::private_text(&alice, "/trend 黄河 长江"));
    let group = updates::supergroup(-100_555, "新闻组");
    fake.push_update(updates::group_text(
        &group,
        &alice,
        "/trend@jianbao_bot 黄河",
    ));
    fake.push_update(updates::private_text(&alice, "/trend ？？"));
    let wait = Duration::from_secs(30);
    let photo = fake.wait_for("sendPhoto", |p| chat_is(p, 1001), wait).await;
    let caption = photo["caption"].as_str().expect("a caption");
    assert!(
        caption.contains("<b>黄河</b>") && caption.contains("<b>长江</b>"),
        "{caption}"
    );
    assert!(caption.contains("共 16 篇"), "黄河's total: {caption}");
    assert!(
        caption.contains("2024-03-25 那周 4 篇"),
        "the peak week: {caption}"
    );
    assert!(
        caption.contains("第3周 黄河报道"),
        "a peak title: {caption}"
    );
    fake.wait_for("sendPhoto", |p| chat_is(p, -100_555), wait)
        .await;
    let note = fake
        .wait_for("sendMessage", |p| p["chat_id"] == 1001, wait)
        .await;
    assert!(
        note["text"]
            .as_str()
            .is_some_and(|t| t.contains("没有可查的字词")),
        "{note}"
    );
    for (params, files) in fake.uploads("sendPhoto") {
        assert_eq!(files.len(), 1, "{params}");
        assert_eq!(png_size(&files[0].bytes), (960, 540));
    }
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(60), task)
        .await
        .expect("delivery stops")
        .expect("delivery task")
        .expect("delivery ended cleanly");
    fake.assert_no_rejections();
}

/// The fake refuses photos Telegram would: bytes that are not a picture, a caption over
/// 1,024 characters after parsing, HTML it cannot parse; and accepts a caption of exactly
/// 1,024 characters whose markup makes it longer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fake_telegram_checks_photos() {
    use teloxide::prelude::*;
    use teloxide::types::{InputFile, ParseMode};
    let fake = FakeTelegram::start(TOKEN).await;
    let alice = updates::alice();
    fake.add_chat(&updates::private_chat(&alice));
    let bot = fake.bot();
    let chat = ChatId(1001);
    let png = {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Rgb);
        let mut w = enc.write_header().expect("header");
        w.write_image_data(&[0; 12]).expect("pixels");
        w.finish().expect("finish");
        out
    };
    let photo = |bytes: Vec<u8>| InputFile::memory(bytes).file_name("x.png");
    let refused =
        |r: Result<Message, teloxide::RequestError>, what: &str| r.expect_err(what).to_string();
    let not_png = bot
        .send_photo(chat, photo(b"GIF89a not a picture".to_vec()))
        .await;
    assert!(refused(not_png, "not a PNG").contains("IMAGE_PROCESS_FAILED"));
    let long = bot
        .send_photo(chat, photo(png.clone()))
        .caption("字".repeat(1025))
        .await;
    assert!(refused(long, "long caption").contains("caption is too long"));
    let broken = bot
        .send_photo(chat, photo(png.clone()))
        .caption("<b>黄河")
        .parse_mode(ParseMode::Html)
        .await;
    assert!(refused(broken, "unclosed tag").contains("can't parse entities"));
    let exact = format!("<b>{}</b>", "字".repeat(1024));
    let sent = bot
        .send_photo(chat, photo(png))
        .caption(exact)
        .parse_mode(ParseMode::Html)
        .await
        .expect("1,024 characters after parsing fit");
    assert_eq!(sent.caption().map(|c| c.chars().count()), Some(1024));
    assert!(sent.photo().is_some_and(|p| p[0].width == 2));
    assert_eq!(fake.rejections().len(), 3);
}
