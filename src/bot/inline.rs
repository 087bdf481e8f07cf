//! Inline mode (`@bot 关键词` in any chat): picks the articles (the latest for an empty
//! query, else the answer when there is one and the best matches) and hands `render`'s
//! cards to Telegram.

use teloxide::payloads::AnswerInlineQuery;
use teloxide::prelude::*;
use teloxide::types::{
    InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText,
    ParseMode,
};

use super::messages::no_preview;
use super::{State, TgBot};
use crate::answer::{ArticleRef, Engine};
use crate::render::Lang;
use crate::render::telegram::inline::{self, Card};

/// Inline results per query (Telegram allows 50).
const INLINE_RESULTS: usize = 10;

/// How long Telegram may cache the answer to one inline query, in seconds.
const CACHE_SECONDS: u32 = 30;

pub(super) async fn handle_inline(
    bot: &TgBot,
    q: &InlineQuery,
    state: &State,
    lang: Lang,
) -> anyhow::Result<()> {
    let query = q.query.trim();
    // CPU work, like answering a message, and a panic stays with this query.
    let cards = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cards(&state.engine.snapshot(), query, lang)
        }))
    })
    .map_err(|_| anyhow::anyhow!("inline results panicked"))?;
    let results: Vec<InlineQueryResult> = cards.into_iter().map(result).collect();
    bot.call(&AnswerInlineQuery::new(q.id.clone(), results).cache_time(CACHE_SECONDS))
        .await?;
    Ok(())
}

/// The cards for a query, at most [`INLINE_RESULTS`].
fn cards(engine: &Engine, query: &str, lang: Lang) -> Vec<Card> {
    if query.is_empty() {
        return engine
            .latest(INLINE_RESULTS)
            .into_iter()
            .enumerate()
            .map(|(i, a)| inline::latest_card(i, &ArticleRef::of(a), &engine.card_lede(a)))
            .collect();
    }
    let mut out: Vec<Card> = inline::answer_card(&engine.ask(query), lang)
        .into_iter()
        .collect();
    let results = engine.search(query, 1, INLINE_RESULTS);
    for (i, group) in results.articles.iter().enumerate() {
        if out.len() >= INLINE_RESULTS {
            break;
        }
        if group.hits.is_empty() {
            continue;
        }
        let lede = engine
            .article(&group.article.article_id)
            .map(|a| engine.card_lede(a).into_owned())
            .unwrap_or_default();
        out.extend(inline::hit_card(i, group, &lede));
    }
    out
}

fn result(card: Card) -> InlineQueryResult {
    let message = InputMessageContentText::new(card.html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    InlineQueryResult::Article(
        InlineQueryResultArticle::new(card.id, card.title, InputMessageContent::Text(message))
            .description(card.description),
    )
}
