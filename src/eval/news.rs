//! `jianbao eval --only news`: natural questions over the 新闻联播 stories, as readers type
//! them (colloquial, with dates relative to the day they ask), questions the corpus cannot
//! answer, and questions about the seed article asked over the seed alone and with the
//! 新闻联播 stories loaded. The questions file holds only questions, answer strings and
//! story ids (`eval/news_questions.jsonl`, see `eval/README.md`); the stories are read from
//! the data folder.
//!
//! Ids whose number is a multiple of 3 are held out: the confidence is fitted on the rest
//! (the dev part) and its reliability is shown on the held-out part.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::answer::{Answer, Engine};
use crate::config::Config;
use crate::corpus::{self, Article};
use crate::text::Segmenter;

/// What a question is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// Answerable from the 新闻联播 stories.
    Answerable,
    /// Answerable from the seed article.
    Seed,
    /// Nothing in the corpus answers it.
    Unanswerable,
}

/// One line of the questions file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct NewsQuestion {
    pub(crate) id: String,
    pub(crate) question: String,
    pub(crate) kind: Kind,
    /// The day the reader asks, for questions with relative dates (`去年`, `上个月`).
    #[serde(default)]
    pub(crate) asked_on: Option<NaiveDate>,
    /// Correct when the chosen sentence contains one of these.
    #[serde(default)]
    pub(crate) answers: Vec<String>,
    /// The stories that hold the answer.
    #[serde(default)]
    pub(crate) story_ids: Vec<String>,
    #[serde(default)]
    pub(crate) topic: Option<String>,
}

impl NewsQuestion {
    /// Whether the question belongs to the dev/held-out file (`nq-…` ids), which is split;
    /// the fresh set (`fresh-…`) is not: none of it was tuned on.
    pub(crate) fn split(&self) -> bool {
        self.id.starts_with("nq-")
    }

    /// Held out from tuning: `nq-` ids whose number is a multiple of 3.
    pub(crate) fn held_out(&self) -> bool {
        let digits: String = self.id.chars().filter(char::is_ascii_digit).collect();
        self.split() && digits.parse::<u64>().is_ok_and(|n| n % 3 == 0)
    }
}

/// Reads the questions file; a bad line is an error naming it.
pub(crate) fn load(path: &Path) -> anyhow::Result<Vec<NewsQuestion>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(line)
                .with_context(|| format!("{} line {}: not a question", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

/// How one answerable question went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    Correct,
    WrongStory,
    WrongSentence,
    Declined,
}

/// Figures for a set of questions.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct NewsPart {
    pub(crate) part: String,
    pub(crate) answerable: usize,
    /// Answered, and the sentence holds an answer.
    pub(crate) answer_at_1: f64,
    /// Answered from a story that is not one of the answer's stories.
    pub(crate) wrong_story: f64,
    /// Answered from a right story, with a sentence that does not hold the answer.
    pub(crate) wrong_sentence: f64,
    pub(crate) declined: f64,
    /// The best sentence holds an answer, whether or not it was given.
    pub(crate) best_sentence_at_1: f64,
    pub(crate) unanswerable: usize,
    /// Share of the unanswerable questions that were answered anyway.
    pub(crate) unanswerable_answered: f64,
}

/// The seed article's questions, both ways.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct SeedReport {
    pub(crate) questions: usize,
    /// Answered correctly over the seed alone.
    pub(crate) alone: usize,
    /// Answered correctly with the 新闻联播 stories loaded too.
    pub(crate) loaded: usize,
    /// Questions with the same outcome both ways.
    pub(crate) same_both_ways: usize,
}

/// One confidence bucket of the reliability table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Bucket {
    pub(crate) from: f32,
    pub(crate) to: f32,
    pub(crate) questions: usize,
    pub(crate) mean_confidence: f64,
    /// Share whose best sentence holds an answer.
    pub(crate) correct: f64,
}

/// Everything the news evaluation measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NewsReport {
    pub(crate) questions: usize,
    pub(crate) documents: u64,
    pub(crate) parts: Vec<NewsPart>,
    pub(crate) seed: SeedReport,
    /// Held-out questions (all kinds) by confidence; all of them for a file without the
    /// split (see [`NewsQuestion::split`]).
    pub(crate) reliability: Vec<Bucket>,
    /// Which questions the reliability table is over: `held-out` or `all`.
    pub(crate) reliability_of: &'static str,
    pub(crate) index_seconds: f64,
    pub(crate) ms_per_question: f64,
}

/// Whether a sentence holds one of the answers (compared after normalisation).
fn holds(seg: &Segmenter, sentence: &str, answers: &[String]) -> bool {
    let s = seg.normalize(sentence);
    answers
        .iter()
        .any(|a| !a.trim().is_empty() && s.contains(seg.normalize(a.trim()).as_str()))
}

fn outcome(seg: &Segmenter, q: &NewsQuestion, a: &Answer) -> Outcome {
    match a.sentence.as_deref() {
        None => Outcome::Declined,
        Some(s) if holds(seg, s, &q.answers) => Outcome::Correct,
        Some(_) => {
            let id = a.article.as_ref().map_or("", |r| r.article_id.as_str());
            if q.story_ids.iter().any(|s| s == id) {
                Outcome::WrongSentence
            } else {
                Outcome::WrongStory
            }
        }
    }
}

/// One question asked, for the figures and the dump.
struct Asked<'a> {
    q: &'a NewsQuestion,
    answer: Answer,
    outcome: Outcome,
    best_holds: bool,
    confidence: f32,
    dump: serde_json::Value,
}

fn ask<'q>(engine: &Engine, seg: &Segmenter, q: &'q NewsQuestion) -> Asked<'q> {
    let today = q.asked_on.unwrap_or_else(|| engine.anchor());
    let trace = engine.ask_trace_on(&q.question, today);
    let answer = engine.answer_from(&q.question, &trace);
    let outcome = outcome(seg, q, &answer);
    // The candidates with what their scores are made of (for fitting the score offline);
    // the first three also with their text, for reading.
    let candidates: Vec<serde_json::Value> = trace
        .candidates
        .iter()
        .take(60)
        .map(|c| {
            serde_json::json!({
                "article_id": engine.articles()[c.article].id, "paragraph": c.paragraph,
                "score": c.score, "coverage": c.coverage, "focus": c.focus, "grams": c.grams,
                "type_match": c.type_match, "unit_match": c.unit_match,
                "counted": c.counted,
                "paragraph_rank": c.paragraph_rank, "proximity": c.proximity,
                "position": c.position, "date_fit": c.date_fit,
                "year_part_fit": c.year_part_fit, "ordinal_fit": c.ordinal_fit,
                "heading": c.heading, "support": c.support, "missing": c.missing,
                "identifiers_found": c.identifiers_found,
                "holds": holds(seg, engine.candidate_text(c), &q.answers),
            })
        })
        .collect();
    let top: Vec<serde_json::Value> = candidates
        .iter()
        .zip(&trace.candidates)
        .take(3)
        .map(|(json, c)| {
            let mut json = json.clone();
            json["text"] = engine.candidate_text(c).into();
            json
        })
        .collect();
    let best_holds = candidates.first().is_some_and(|c| c["holds"] == true);
    let gold_rank = trace
        .paragraphs
        .iter()
        .position(|(a, _)| q.story_ids.iter().any(|s| *s == engine.articles()[*a].id));
    let best = trace.candidates.first();
    let margin = best.zip(trace.rival).map(|(b, r)| b.score - r);
    let features = best.map(|best| crate::answer::Features::of(&trace.info, best, trace.rival));
    let dump = serde_json::json!({
        "features": features,
        "id": q.id, "question": q.question, "kind": q.kind, "held_out": q.held_out(), "topic": q.topic,
        "asked_on": q.asked_on, "answers": q.answers, "outcome": outcome,
        "confidence": answer.confidence, "answer_type": trace.info.answer_type,
        "unit": trace.info.unit, "words": trace.info.words,
        "dates": trace.info.dates.iter().map(|d| d.label()).collect::<Vec<_>>(),
        "gold_paragraph_rank": gold_rank, "margin": margin, "top": top,
        "candidates": candidates,
    });
    Asked {
        q,
        confidence: answer.confidence,
        answer,
        outcome,
        best_holds,
        dump,
    }
}

fn part(name: &str, asked: &[&Asked<'_>]) -> NewsPart {
    let answerable: Vec<&&Asked<'_>> = asked
        .iter()
        .filter(|a| a.q.kind == Kind::Answerable)
        .collect();
    let unanswerable: Vec<&&Asked<'_>> = asked
        .iter()
        .filter(|a| a.q.kind == Kind::Unanswerable)
        .collect();
    let n = answerable.len().max(1) as f64;
    let share = |o: Outcome| answerable.iter().filter(|a| a.outcome == o).count() as f64 / n;
    NewsPart {
        part: name.to_string(),
        answerable: answerable.len(),
        answer_at_1: share(Outcome::Correct),
        wrong_story: share(Outcome::WrongStory),
        wrong_sentence: share(Outcome::WrongSentence),
        declined: share(Outcome::Declined),
        best_sentence_at_1: answerable.iter().filter(|a| a.best_holds).count() as f64 / n,
        unanswerable: unanswerable.len(),
        unanswerable_answered: unanswerable.iter().filter(|a| a.answer.answered).count() as f64
            / unanswerable.len().max(1) as f64,
    }
}

fn reliability(asked: &[&Asked<'_>]) -> Vec<Bucket> {
    let edges = [0.0f32, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
    edges
        .windows(2)
        .filter_map(|w| {
            let inside: Vec<&&Asked<'_>> = asked
                .iter()
                .filter(|a| a.confidence >= w[0] && a.confidence < w[1])
                .collect();
            if inside.is_empty() {
                return None;
            }
            let n = inside.len() as f64;
            Some(Bucket {
                from: w[0],
                to: w[1].min(1.0),
                questions: inside.len(),
                mean_confidence: inside.iter().map(|a| f64::from(a.confidence)).sum::<f64>() / n,
                correct: inside
                    .iter()
                    .filter(|a| a.q.kind != Kind::Unanswerable && a.best_holds)
                    .count() as f64
                    / n,
            })
        })
        .collect()
}

/// Where the news evaluation finds its inputs.
#[derive(Debug, Clone)]
pub(crate) struct NewsInputs {
    /// The 新闻联播 stories (a folder of JSON Lines).
    pub(crate) stories: PathBuf,
    /// The seed article (a file or folder).
    pub(crate) seed: PathBuf,
    /// The questions file.
    pub(crate) questions: PathBuf,
}

/// Runs the news evaluation; `dump` gets one JSON line per question asked.
pub(crate) fn evaluate(
    inputs: &NewsInputs,
    limit: Option<usize>,
    dump: Option<&Path>,
    config: &Config,
    segmenter: &Segmenter,
) -> anyhow::Result<NewsReport> {
    let questions: Vec<NewsQuestion> = load(&inputs.questions)?
        .into_iter()
        .take(limit.unwrap_or(usize::MAX))
        .collect();
    let started = Instant::now();
    let read = |p: &Path| -> anyhow::Result<Vec<Article>> {
        Ok(corpus::load_dir(p, &config.load_options())
            .with_context(|| format!("cannot read {}", p.display()))?
            .articles)
    };
    let seed = read(&inputs.seed)?;
    let mut all = read(&inputs.stories)?;
    all.extend(seed.iter().cloned());
    let loaded = super::build(all, config, segmenter)?;
    loaded.compact_index();
    let alone = super::build(seed, config, segmenter)?;
    let index_seconds = started.elapsed().as_secs_f64();

    let asked_at = Instant::now();
    let asked: Vec<Asked<'_>> = questions
        .iter()
        .map(|q| ask(&loaded, segmenter, q))
        .collect();
    let ms_per_question =
        asked_at.elapsed().as_secs_f64() * 1000.0 / questions.len().max(1) as f64 / 2.0;
    let seeds: Vec<&NewsQuestion> = questions.iter().filter(|q| q.kind == Kind::Seed).collect();
    let seed_alone: Vec<Asked<'_>> = seeds.iter().map(|q| ask(&alone, segmenter, q)).collect();

    if let Some(path) = dump {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        );
        for a in &asked {
            writeln!(out, "{}", a.dump)?;
        }
        for a in &seed_alone {
            let mut line = a.dump.clone();
            line["corpus"] = "seed alone".into();
            writeln!(out, "{line}")?;
        }
    }

    let refs: Vec<&Asked<'_>> = asked.iter().collect();
    let dev: Vec<&Asked<'_>> = asked.iter().filter(|a| !a.q.held_out()).collect();
    let held: Vec<&Asked<'_>> = asked.iter().filter(|a| a.q.held_out()).collect();
    let seed_loaded: Vec<&Asked<'_>> = asked.iter().filter(|a| a.q.kind == Kind::Seed).collect();
    let ok = |a: &Asked<'_>| a.outcome == Outcome::Correct;
    let seed = SeedReport {
        questions: seeds.len(),
        alone: seed_alone.iter().filter(|a| ok(a)).count(),
        loaded: seed_loaded.iter().filter(|a| ok(a)).count(),
        same_both_ways: seed_alone
            .iter()
            .zip(&seed_loaded)
            .filter(|(a, b)| ok(a) == ok(b))
            .count(),
    };
    // A file without the split (the fresh set) has one part: all of it.
    let split = asked.iter().any(|a| a.q.split());
    let (parts, reliability, reliability_of) = if split {
        (
            vec![
                part("dev", &dev),
                part("held-out", &held),
                part("all", &refs),
            ],
            reliability(&held),
            "held-out",
        )
    } else {
        (vec![part("all", &refs)], reliability(&refs), "all")
    };
    Ok(NewsReport {
        questions: questions.len(),
        documents: loaded.stats().paragraphs,
        parts,
        seed,
        reliability,
        reliability_of,
        index_seconds,
        ms_per_question,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_by_id() {
        let q = |id: &str| NewsQuestion {
            id: id.into(),
            question: String::new(),
            kind: Kind::Answerable,
            asked_on: None,
            answers: Vec::new(),
            story_ids: Vec::new(),
            topic: None,
        };
        assert!(q("nq-003").held_out());
        assert!(!q("nq-004").held_out());
        assert!(!q("no digits").held_out());
        assert!(!q("fresh-003").held_out(), "the fresh set is not split");
        assert!(!q("fresh-003").split());
    }

    /// The committed question files are well formed: every line reads, ids are unique
    /// across both files, answerable questions name their answers and stories, the others
    /// none, and the fresh set holds no seed questions (it is asked over the corpus only).
    #[test]
    fn the_question_files_are_well_formed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval");
        let main = load(&root.join("news_questions.jsonl")).expect("main set");
        let fresh = load(&root.join("news_questions_fresh.jsonl")).expect("fresh set");
        assert!(
            main.len() >= 190 && fresh.len() >= 150,
            "{} {}",
            main.len(),
            fresh.len()
        );
        let mut ids = std::collections::HashSet::new();
        for q in main.iter().chain(&fresh) {
            assert!(ids.insert(q.id.as_str()), "{} twice", q.id);
            assert!(!q.question.trim().is_empty(), "{}", q.id);
            match q.kind {
                Kind::Unanswerable => {
                    assert!(q.answers.is_empty() && q.story_ids.is_empty(), "{}", q.id);
                }
                Kind::Answerable => assert!(
                    !q.answers.is_empty()
                        && !q.story_ids.is_empty()
                        && q.answers.iter().all(|a| !a.trim().is_empty()),
                    "{}",
                    q.id
                ),
                Kind::Seed => assert!(!q.answers.is_empty(), "{}", q.id),
            }
        }
        assert!(fresh.iter().all(|q| q.kind != Kind::Seed));
    }

    #[test]
    fn answers_are_matched_after_normalisation() {
        let seg = Segmenter::builtin();
        assert!(holds(&seg, "蜿蜒１７１公里", &["171公里".into()]));
        assert!(!holds(&seg, "蜿蜒公里", &["171公里".into()]));
        assert!(!holds(&seg, "任何句子", &[" ".into()]));
    }
}
