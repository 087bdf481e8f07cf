//! Inline-mode cards (`@bot 关键词` in any chat): what the result list shows (a title and a
//! line of description) and the HTML message sent when a card is chosen (the paragraph or
//! answer with its citation). Pure: the bot picks the articles and turns cards into
//! teloxide's result type.

use crate::answer::{Answer, ArticleHits, ArticleRef};
use crate::render::words::{self, Lang};
use crate::render::{clip, snippet};

use super::html::{escape, marked};
use super::{CARD_TITLE_CHARS, SENTENCE_CHARS, cite, cite_line};

/// Characters of a card's title in the result list (the list shows one line of it).
pub(crate) const LIST_TITLE_CHARS: usize = 100;
/// Characters of a card's description in the result list (the list shows two lines).
pub(crate) const DESCRIPTION_CHARS: usize = 200;
/// Characters of the matching paragraph in the message a search card sends.
pub(crate) const PARAGRAPH_CHARS: usize = 300;

/// One inline result: `id` is unique within the answer to one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Card {
    pub(crate) id: String,
    /// Plain text, at most [`LIST_TITLE_CHARS`] characters.
    pub(crate) title: String,
    /// Plain text, at most [`DESCRIPTION_CHARS`] characters.
    pub(crate) description: String,
    /// The message sent when the card is chosen: Telegram HTML.
    pub(crate) html: String,
}

impl Card {
    fn new(id: String, title: &str, description: &str, html: String) -> Self {
        Self {
            id,
            title: title.chars().take(LIST_TITLE_CHARS).collect(),
            description: description.chars().take(DESCRIPTION_CHARS).collect(),
            html,
        }
    }
}

fn date_of(r: &ArticleRef) -> String {
    r.date.map(|d| d.to_string()).unwrap_or_default()
}

/// The `n`th of the latest articles (for an empty query), with its lede.
pub(crate) fn latest_card(n: usize, article: &ArticleRef, lede: &str) -> Card {
    let html = format!(
        "<b>{}</b>\n{}\n\n{}",
        escape(&clip(&article.title, CARD_TITLE_CHARS)),
        cite(article),
        escape(&clip(lede, SENTENCE_CHARS))
    );
    Card::new(
        format!("l{n}"),
        &article.title,
        &format!("{} {lede}", date_of(article)),
        html,
    )
}

/// The answer to the query as a card, when there is one.
pub(crate) fn answer_card(answer: &Answer, lang: Lang) -> Option<Card> {
    let (Some(sentence), Some(article)) = (&answer.sentence, &answer.article) else {
        return None;
    };
    let html = format!(
        "<b>{}</b>\n{}",
        escape(&clip(sentence, SENTENCE_CHARS)),
        cite_line(article, CARD_TITLE_CHARS)
    );
    Some(Card::new(
        "answer".into(),
        &format!("{}{}", words::answer_card_prefix(lang), article.title),
        sentence,
        html,
    ))
}

/// The `n`th matching article as a card: its best paragraph, matched words in bold; `None`
/// when it matched by title only. `lede` describes it in the list.
pub(crate) fn hit_card(n: usize, group: &ArticleHits, lede: &str) -> Option<Card> {
    let hit = group.hits.first()?;
    let (text, ranges) = snippet(&hit.text, &hit.highlights, PARAGRAPH_CHARS);
    let html = format!(
        "{}\n{}",
        marked(&text, &ranges),
        cite_line(&group.article, CARD_TITLE_CHARS)
    );
    Some(Card::new(
        format!("s{n}"),
        &group.article.title,
        &format!("{} {lede}", date_of(&group.article)),
        html,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str) -> ArticleRef {
        ArticleRef {
            article_id: "a1".into(),
            title: title.into(),
            date: chrono::NaiveDate::from_ymd_opt(2022, 6, 20),
            source: Some("来源<台>".into()),
            outlet: None,
            reporter: None,
            url: None,
        }
    }

    #[test]
    fn cards_clip_with_the_named_limits_and_escape() {
        let long = "长".repeat(500);
        let card = latest_card(3, &article(&format!("<b>{long}")), &long);
        assert_eq!(card.id, "l3");
        assert_eq!(card.title.chars().count(), LIST_TITLE_CHARS);
        assert_eq!(card.description.chars().count(), DESCRIPTION_CHARS);
        assert!(card.description.starts_with("2022-06-20 长"));
        assert!(card.html.starts_with("<b>&lt;b&gt;长"), "{}", card.html);
        assert!(card.html.contains("2022-06-20 · 来源&lt;台&gt;"));
    }
}
