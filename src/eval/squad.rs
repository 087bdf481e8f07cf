//! SQuAD-style reading-comprehension data (CMRC 2018, DRCD): paragraphs with questions and
//! answer texts, turned into one article per paragraph.

use std::path::Path;

use serde::Deserialize;

use crate::corpus::Article;

#[derive(Debug, Deserialize)]
pub(crate) struct Dataset {
    pub(crate) data: Vec<Document>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Document {
    #[serde(default)]
    pub(crate) title: String,
    pub(crate) paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Paragraph {
    pub(crate) id: String,
    pub(crate) context: String,
    pub(crate) qas: Vec<Qa>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Qa {
    pub(crate) question: String,
    pub(crate) answers: Vec<AnswerSpan>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AnswerSpan {
    pub(crate) text: String,
}

/// A question with the id of the paragraph that answers it.
#[derive(Debug)]
pub(crate) struct Question {
    pub(crate) question: String,
    pub(crate) paragraph_id: String,
    pub(crate) answers: Vec<String>,
}

pub(crate) fn load(path: &Path) -> anyhow::Result<Dataset> {
    let text = std::fs::read_to_string(path)?;
    Ok(serde_json::from_str(&text)?)
}

impl Dataset {
    /// One article per paragraph, titled with its document's title. The id is prefixed so
    /// it cannot collide with a distractor's.
    pub(crate) fn articles(&self) -> Vec<Article> {
        self.data
            .iter()
            .flat_map(|d| {
                d.paragraphs.iter().map(move |p| {
                    Article::new(
                        article_id(&p.id),
                        d.title.clone(),
                        vec![p.context.trim().to_string()],
                    )
                })
            })
            .collect()
    }

    /// Every question with at least one non-empty answer.
    pub(crate) fn questions(&self) -> impl Iterator<Item = Question> + '_ {
        self.data
            .iter()
            .flat_map(|d| d.paragraphs.iter())
            .flat_map(|p| {
                p.qas.iter().filter_map(move |qa| {
                    let answers: Vec<String> = qa
                        .answers
                        .iter()
                        .map(|a| a.text.trim().to_string())
                        .filter(|a| !a.is_empty())
                        .collect();
                    (!answers.is_empty()).then(|| Question {
                        question: qa.question.clone(),
                        paragraph_id: article_id(&p.id),
                        answers,
                    })
                })
            })
    }
}

fn article_id(paragraph_id: &str) -> String {
    format!("squad-{paragraph_id}")
}
