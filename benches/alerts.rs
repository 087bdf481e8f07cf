//! The alert matching benchmark (docs/PERFORMANCE.md): how long one batch of new articles
//! takes to match against every subscription, the work ingestion does for alerts.
//! Subscriptions are real words: content words (2–6 characters, stop words out) taken
//! evenly from the titles of the Sina 2018 corpus, one in five a pair of words; the batch is
//! the corpus's last articles, which no subscription was taken from.
//!
//! `cargo bench --locked --bench alerts -- [--data DIR] [--subscriptions N] [--articles N] [--runs N]`

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jianbao::answer::{Topic, TopicMatcher};
use jianbao::corpus::{self, LoadOptions};
use jianbao::text::Segmenter;

struct Args {
    data: PathBuf,
    subscriptions: usize,
    articles: usize,
    runs: usize,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        data: PathBuf::from("../shared/data"),
        subscriptions: 10_000,
        articles: 100,
        runs: 20,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        // `cargo bench` passes `--bench`; it means nothing here.
        if flag == "--bench" {
            continue;
        }
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => a.data = PathBuf::from(value),
            "--subscriptions" => a.subscriptions = value.parse()?,
            "--articles" => a.articles = value.parse()?,
            "--runs" => a.runs = value.parse::<usize>()?.max(1),
            other => bail!("unknown option {other}"),
        }
    }
    Ok(a)
}

fn main() -> anyhow::Result<()> {
    let args = args()?;
    let path = args.data.join("sina_news_2018");
    let corpus = corpus::load_dir(&path, &LoadOptions::default())
        .with_context(|| format!("cannot read {}", path.display()))?;
    let articles = corpus.articles;
    if articles.len() <= args.articles {
        bail!("{} has only {} articles", path.display(), articles.len());
    }
    let (older, batch) = articles.split_at(articles.len() - args.articles);
    let segmenter = Segmenter::builtin();

    // Every distinct content word of the older titles, then an even sample of them.
    let mut seen = HashSet::new();
    let mut words: Vec<String> = Vec::new();
    for a in older {
        let norm = segmenter.normalize(&a.title);
        for w in segmenter.precise_words(&norm) {
            let n = w.text.chars().count();
            if (2..=6).contains(&n)
                && w.text.chars().all(jianbao::text::is_word_char)
                && !segmenter.is_stop_word(w.text)
                && seen.insert(w.text.to_string())
            {
                words.push(w.text.to_string());
            }
        }
    }
    if words.len() < 2 {
        bail!("too few words in {}", path.display());
    }
    let queries: Vec<String> = (0..args.subscriptions)
        .map(|i| {
            let w = &words[(i * 7919) % words.len()];
            if i % 5 == 4 {
                format!("{w} {}", words[(i * 104_729 + 1) % words.len()])
            } else {
                w.clone()
            }
        })
        .collect();

    let started = Instant::now();
    let topics: Vec<Topic> = queries.iter().map(|q| Topic::new(&segmenter, q)).collect();
    let matcher = TopicMatcher::new(topics.iter().enumerate().map(|(i, t)| (i as i64, t)));
    let build = started.elapsed();

    let mut times: Vec<Duration> = Vec::with_capacity(args.runs);
    let mut matches = 0;
    for _ in 0..args.runs {
        let started = Instant::now();
        matches = batch
            .iter()
            .map(|a| matcher.matches(&segmenter, &a.title, &a.paragraphs).len())
            .sum::<usize>();
        times.push(started.elapsed());
    }
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let chars: usize = batch
        .iter()
        .map(|a| {
            a.title.chars().count()
                + a.paragraphs
                    .iter()
                    .map(|p| p.chars().count())
                    .sum::<usize>()
        })
        .sum();
    println!(
        "{} subscriptions (from {} distinct title words), {} new articles ({chars} characters): \
         match median {:.2} ms, max {:.2} ms over {} runs; {matches} alerts; matcher built in {:.1} ms",
        matcher.len(),
        words.len(),
        batch.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len(),
        ms(build),
    );
    Ok(())
}
