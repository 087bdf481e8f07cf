//! `jianbao eval`: measures retrieval, answers and ledes on the public data in
//! `../shared/data` (path configurable), the same way as the Python baseline in `benches/`.
//!
//! - CMRC 2018 trial and DRCD dev (SQuAD-style): each paragraph becomes an article, indexed
//!   with every 2025 新闻联播 paragraph as distractors; each question is asked; the gold
//!   paragraph's rank gives R@1, R@5, MRR@10, and the best (three best) answer sentences
//!   containing a gold answer give answer@1 (answer@3). The same questions asked of the
//!   distractors alone measure how often the engine answers when it should not.
//! - LCSTS part III (rated ≥ 3): char-level ROUGE-1/2/L F1 of our lede and of Lead-1.
//! - News pages (`news_pages/`): title, date, source and body of real saved pages, as HTML
//!   and as whole-page text copies, scored as the data set's `score.py` does.
//! - News questions (see [`news`]): natural questions over all the 新闻联播 stories, ones
//!   they cannot answer, and the seed article's, asked the way readers type them.

pub(crate) mod news;
mod pages;
mod rouge;
mod squad;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;

use crate::answer::Engine;
use crate::config::Config;
use crate::corpus::{self, Article, Corpus};
use crate::text::{Segmenter, sentences};

pub(crate) use pages::{PagesReport, Rate};
pub(crate) use rouge::{Rouge, rouge_chars};

/// What to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// The folder with `cmrc2018/`, `drcd/`, `lcsts_part3/`, `xinwenlianbo/`.
    pub(crate) data: PathBuf,
    /// Datasets to run (`cmrc`, `drcd`, `lcsts`, `pages`); empty means all.
    pub(crate) only: Vec<String>,
    /// Use at most this many questions (or LCSTS records) per dataset.
    pub(crate) limit: Option<usize>,
    /// Distractor stories (JSON Lines), relative to `data`.
    pub(crate) distractors: PathBuf,
    /// Write the questions whose best sentence missed the answer here (JSON Lines).
    pub(crate) dump: Option<PathBuf>,
    /// Index the dataset paragraphs without their documents' titles (as the baseline does).
    pub(crate) no_titles: bool,
    /// The news questions file (`eval/news_questions.jsonl` in the repository).
    pub(crate) news_questions: PathBuf,
    /// The seed article for the news questions.
    pub(crate) seed: PathBuf,
}

impl Options {
    pub(crate) fn new(data: PathBuf) -> Self {
        Self {
            data,
            only: Vec::new(),
            limit: None,
            distractors: PathBuf::from("xinwenlianbo/xwlb_stories_2025.jsonl"),
            dump: None,
            no_titles: false,
            news_questions: PathBuf::from("eval/news_questions.jsonl"),
            seed: PathBuf::from("seeds"),
        }
    }

    fn wants(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == name)
    }
}

/// Retrieval and answer figures for one SQuAD-style dataset.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct QaReport {
    pub(crate) dataset: String,
    pub(crate) questions: usize,
    pub(crate) documents: u64,
    pub(crate) recall_at_1: f64,
    pub(crate) recall_at_5: f64,
    pub(crate) mrr_at_10: f64,
    pub(crate) answer_at_1: f64,
    pub(crate) answer_at_3: f64,
    /// Share of questions the engine answered (did not say "not found").
    pub(crate) answered: f64,
    /// answer@1 among the answered questions.
    pub(crate) answered_correct: f64,
    /// Share of questions answered when their paragraphs are not in the index at all
    /// (lower is better: those answers cannot be right).
    pub(crate) answered_without_source: f64,
    pub(crate) index_seconds: f64,
    pub(crate) ms_per_question: f64,
}

/// Lede quality on LCSTS.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LedeReport {
    pub(crate) records: usize,
    pub(crate) lede: Rouge,
    pub(crate) lead1: Rouge,
}

/// Everything `eval` measured; absent datasets are listed in `skipped`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub(crate) qa: Vec<QaReport>,
    pub(crate) lcsts: Option<LedeReport>,
    pub(crate) pages: Option<PagesReport>,
    pub(crate) news: Option<news::NewsReport>,
    pub(crate) skipped: Vec<String>,
}

/// Runs the evaluation. A dataset whose files are absent is skipped with a message.
pub(crate) fn run(
    options: &Options,
    config: &Config,
    segmenter: &Segmenter,
) -> anyhow::Result<Report> {
    let mut report = Report {
        qa: Vec::new(),
        lcsts: None,
        pages: None,
        news: None,
        skipped: Vec::new(),
    };
    let squad_sets = [
        ("cmrc", "cmrc2018/cmrc2018_trial.json"),
        ("drcd", "drcd/DRCD_dev.json"),
    ];
    let needs_distractors = squad_sets
        .iter()
        .any(|(n, p)| options.wants(n) && options.data.join(p).exists());
    let distractors = if needs_distractors {
        let path = options.data.join(&options.distractors);
        if path.exists() {
            let c = corpus::load_dir(&path, &config.load_options())
                .with_context(|| format!("cannot read distractors {}", path.display()))?;
            Some(c.articles)
        } else {
            report.skipped.push(format!(
                "distractors: {} not found; indexing the datasets alone",
                path.display()
            ));
            None
        }
    } else {
        None
    };
    for (name, rel) in squad_sets {
        if !options.wants(name) {
            continue;
        }
        let path = options.data.join(rel);
        if !path.exists() {
            report
                .skipped
                .push(format!("{name}: {} not found", path.display()));
            continue;
        }
        let set = squad::load(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let distractors = distractors.clone().unwrap_or_default();
        let dump = options
            .dump
            .as_ref()
            .map(|d| d.with_extension(format!("{name}.jsonl")));
        report.qa.push(evaluate_qa(
            name,
            &set,
            distractors,
            options,
            dump.as_deref(),
            config,
            segmenter,
        )?);
    }
    if options.wants("lcsts") {
        let path = options.data.join("lcsts_part3/lcsts_part3.jsonl");
        if path.exists() {
            report.lcsts = Some(evaluate_ledes(&path, options.limit, config, segmenter)?);
        } else {
            report
                .skipped
                .push(format!("lcsts: {} not found", path.display()));
        }
    }
    if options.wants("pages") {
        let dir = options.data.join("news_pages");
        if dir.join("truth.jsonl").exists() {
            report.pages = Some(pages::run(&dir)?);
        } else {
            report.skipped.push(format!(
                "pages: {} not found",
                dir.join("truth.jsonl").display()
            ));
        }
    }
    if options.wants("news") {
        let inputs = news::NewsInputs {
            stories: options.data.join("xinwenlianbo"),
            seed: options.seed.clone(),
            questions: options.news_questions.clone(),
        };
        let missing = [&inputs.stories, &inputs.seed, &inputs.questions]
            .into_iter()
            .find(|p| !p.exists());
        match missing {
            Some(p) => report
                .skipped
                .push(format!("news: {} not found", p.display())),
            None => {
                let dump = options
                    .dump
                    .as_ref()
                    .map(|d| d.with_extension("news.jsonl"));
                report.news = Some(news::evaluate(
                    &inputs,
                    options.limit,
                    dump.as_deref(),
                    config,
                    segmenter,
                )?);
            }
        }
    }
    Ok(report)
}

fn build(articles: Vec<Article>, config: &Config, segmenter: &Segmenter) -> anyhow::Result<Engine> {
    let corpus = Corpus {
        articles,
        ..Corpus::default()
    };
    Ok(Engine::from_corpus(
        corpus,
        &config.engine_options(),
        segmenter.clone(),
        Default::default(),
        &|_, _| {},
    )?)
}

fn evaluate_qa(
    name: &str,
    set: &squad::Dataset,
    distractors: Vec<Article>,
    options: &Options,
    dump: Option<&Path>,
    config: &Config,
    segmenter: &Segmenter,
) -> anyhow::Result<QaReport> {
    let started = Instant::now();
    let mut articles = set.articles();
    if options.no_titles {
        articles.iter_mut().for_each(|a| a.title.clear());
    }
    let gold_ids: std::collections::HashSet<String> =
        articles.iter().map(|a| a.id.clone()).collect();
    articles.extend(distractors.iter().cloned());
    let engine = build(articles, config, segmenter)?;
    let index_seconds = started.elapsed().as_secs_f64();
    let questions: Vec<squad::Question> = set
        .questions()
        .take(options.limit.unwrap_or(usize::MAX))
        .collect();
    let n = questions.len().max(1) as f64;

    let mut tally = QaTally::default();
    let mut misses = match dump {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    let asked = Instant::now();
    for q in &questions {
        tally.ask(&engine, q, misses.as_mut())?;
    }
    let ms_per_question = asked.elapsed().as_secs_f64() * 1000.0 / n / 2.0;

    // The same questions without their sources: every answer would be a wrong one.
    let without: Vec<Article> = distractors
        .into_iter()
        .filter(|a| !gold_ids.contains(&a.id))
        .collect();
    let blind = build(without, config, segmenter)?;
    let false_answers = questions
        .iter()
        .filter(|q| blind.ask(&q.question).answered)
        .count();

    Ok(QaReport {
        dataset: name.to_string(),
        questions: questions.len(),
        documents: engine.stats().paragraphs,
        recall_at_1: tally.r1 / n,
        recall_at_5: tally.r5 / n,
        mrr_at_10: tally.mrr / n,
        answer_at_1: tally.a1 / n,
        answer_at_3: tally.a3 / n,
        answered: tally.answered / n,
        answered_correct: if tally.answered > 0.0 {
            tally.answered_ok / tally.answered
        } else {
            0.0
        },
        answered_without_source: false_answers as f64 / n,
        index_seconds,
        ms_per_question,
    })
}

/// Running sums over a dataset's questions: retrieval ranks and answers.
#[derive(Debug, Default)]
struct QaTally {
    r1: f64,
    r5: f64,
    mrr: f64,
    a1: f64,
    a3: f64,
    answered: f64,
    answered_ok: f64,
}

impl QaTally {
    /// Asks one question and counts how it went; when the best sentence misses, a line
    /// about it goes to `misses`.
    fn ask(
        &mut self,
        engine: &Engine,
        q: &squad::Question,
        misses: Option<&mut impl std::io::Write>,
    ) -> anyhow::Result<()> {
        let trace = engine.ask_trace(&q.question);
        let rank = trace
            .paragraphs
            .iter()
            .position(|(a, _)| engine.articles()[*a].id == q.paragraph_id)
            .map(|r| r + 1);
        if let Some(rank) = rank {
            self.r1 += f64::from(u8::from(rank == 1));
            self.r5 += f64::from(u8::from(rank <= 5));
            self.mrr += 1.0 / rank as f64;
        }
        // Answers come from the paragraphs `ask` reads, as in the bot.
        let top: Vec<&str> = trace
            .candidates
            .iter()
            .take(3)
            .map(|c| engine.candidate_text(c))
            .collect();
        let contains = |s: &&str| q.answers.iter().any(|ans| s.contains(ans.as_str()));
        let hit1 = top.first().is_some_and(contains);
        if !hit1 && let Some(out) = misses {
            let line = serde_json::json!({
                "question": q.question, "answers": q.answers, "gold_rank": rank,
                "type": format!("{:?}", trace.info.answer_type), "words": trace.info.words,
                "top": top, "scores": trace.candidates.iter().take(3).map(|c| c.score).collect::<Vec<_>>(),
            });
            writeln!(out, "{line}")?;
        }
        self.a1 += f64::from(u8::from(hit1));
        self.a3 += f64::from(u8::from(top.iter().any(contains)));
        let answer = engine.ask(&q.question);
        if answer.answered {
            self.answered += 1.0;
            self.answered_ok +=
                f64::from(u8::from(answer.sentence.as_deref().is_some_and(|s| {
                    q.answers.iter().any(|a| s.contains(a.as_str()))
                })));
        }
        Ok(())
    }
}

/// One LCSTS record.
#[derive(serde::Deserialize)]
struct LcstsRecord {
    human_label: u8,
    summary: String,
    text: String,
}

fn evaluate_ledes(
    path: &Path,
    limit: Option<usize>,
    config: &Config,
    segmenter: &Segmenter,
) -> anyhow::Result<LedeReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut records: Vec<LcstsRecord> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        records
            .push(serde_json::from_str(line).with_context(|| format!("bad LCSTS line: {line}"))?);
    }
    // Every post is an article of the corpus, so rarity comes from the posts themselves,
    // as it would in the bot.
    let articles = records
        .iter()
        .enumerate()
        .map(|(i, r)| Article::new(format!("lcsts-{i}"), "", vec![r.text.clone()]))
        .collect();
    let engine = build(articles, config, segmenter)?;
    let mut lede = Rouge::default();
    let mut lead1 = Rouge::default();
    let mut count = 0usize;
    for (i, r) in records.iter().enumerate() {
        if r.human_label < 3 {
            continue;
        }
        if limit.is_some_and(|l| count >= l) {
            break;
        }
        count += 1;
        let first = sentences(&r.text)
            .first()
            .map(|s| r.text[s.clone()].to_string())
            .unwrap_or_default();
        lead1.add(&rouge_chars(&first, &r.summary));
        lede.add(&rouge_chars(
            &engine.lede(&engine.articles()[i]),
            &r.summary,
        ));
    }
    Ok(LedeReport {
        records: count,
        lede: lede.mean(),
        lead1: lead1.mean(),
    })
}
