//! Following topics: a chat's subscriptions (`/subscribe 防汛`) and the alerts new articles
//! raise. The words of a subscription are a [`Topic`] (the rule `/trend` counts with); every
//! active subscription is compiled into one [`TopicMatcher`], so matching a batch of new
//! articles costs about the same for ten subscriptions as for ten thousand. Alerts are
//! queued in the store's outbox (for feed articles in the transaction that saves them, see
//! `ingest`), and the alert sender is woken.
//!
//! Only articles that arrive while the program runs alert ([`Change::Added`]); what was
//! there at start-up never does, and a changed story (replaced) is not news again.

use std::sync::{Arc, PoisonError, RwLock};

use crate::corpus::Article;
use crate::store::{
    NewAlert, NewSubscription, PHRASE_SEPARATOR, Store, StoreError, Subscribed, Subscription,
};
use crate::text::Segmenter;

use super::{Engine, Topic, TopicMatcher, is_word_letter_phrase};

/// How many of the newest articles a new topic is tried on to see whether it is too broad.
pub(crate) const BREADTH_SAMPLE: usize = 500;
/// A topic matching at least this share of the sample matches nearly everything.
pub(crate) const TOO_BROAD_SHARE: f64 = 0.5;
/// A one-character topic matching at least this share of the sample is a common character.
pub(crate) const COMMON_CHARACTER_SHARE: f64 = 0.05;
/// Below this many articles the sample says nothing about breadth.
const BREADTH_MIN_SAMPLE: usize = 20;

/// Why words cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing searchable (punctuation, symbols).
    Nothing,
    /// Only stop words (的, 是, 新闻…).
    OnlyStopWords,
    /// A single letter or digit.
    TooShort,
    /// It matches `matched` of the newest `of` articles.
    TooBroad { matched: usize, of: usize },
}

/// The compiled active subscriptions.
struct Compiled {
    matcher: TopicMatcher,
    /// Per subscription id: its chat and topic (for the best paragraph).
    subs: std::collections::HashMap<i64, (i64, Topic)>,
}

/// Subscriptions and matching, over the store.
pub struct Following {
    store: Arc<Store>,
    segmenter: Segmenter,
    compiled: RwLock<Arc<Compiled>>,
    wake: tokio::sync::Notify,
}

impl std::fmt::Debug for Following {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Following")
            .field("active", &self.compiled().subs.len())
            .finish()
    }
}

/// The key that makes two wordings of one topic the same subscription (`黃河 保护` and
/// `黄河的保护`).
pub fn topic_key(topic: &Topic) -> String {
    topic.phrases.join(&PHRASE_SEPARATOR.to_string())
}

impl Following {
    /// Loads the active subscriptions from `store`.
    pub fn new(store: Arc<Store>, segmenter: Segmenter) -> Result<Self, StoreError> {
        let following = Self {
            store,
            segmenter,
            compiled: RwLock::new(Arc::new(Compiled {
                matcher: TopicMatcher::new(std::iter::empty()),
                subs: Default::default(),
            })),
            wake: tokio::sync::Notify::new(),
        };
        following.reload()?;
        Ok(following)
    }

    pub(crate) fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The segmenter topics are read with.
    pub(crate) fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    fn compiled(&self) -> Arc<Compiled> {
        Arc::clone(&self.compiled.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Compiles the active subscriptions again (after any change to them).
    pub(crate) fn reload(&self) -> Result<(), StoreError> {
        let active = self.store.active_subscriptions()?;
        let subs: std::collections::HashMap<i64, (i64, Topic)> = active
            .iter()
            .map(|s| (s.id, (s.chat_id, Topic::new(&self.segmenter, &s.query))))
            .collect();
        let mut ids: Vec<&i64> = subs.keys().collect();
        ids.sort_unstable();
        let matcher = TopicMatcher::new(ids.into_iter().map(|id| (*id, &subs[id].1)));
        *self
            .compiled
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(Compiled { matcher, subs });
        Ok(())
    }

    /// The topic of `words`, or why it cannot be followed. Breadth is judged on the newest
    /// articles of `engine`.
    pub fn topic(&self, engine: &Engine, words: &str) -> Result<Topic, Refusal> {
        let topic = Topic::new(&self.segmenter, words);
        if topic.is_empty() {
            return Err(Refusal::Nothing);
        }
        if topic.only_stop_words {
            return Err(Refusal::OnlyStopWords);
        }
        let chars: usize = topic.phrases.iter().map(|p| p.chars().count()).sum();
        if chars == 1 && is_word_letter_phrase(&topic.phrases[0]) {
            return Err(Refusal::TooShort);
        }
        let sample = engine.latest(BREADTH_SAMPLE);
        if sample.len() >= BREADTH_MIN_SAMPLE {
            let one = TopicMatcher::new([(0, &topic)]);
            let matched = sample
                .iter()
                .filter(|a| {
                    !one.matches(&self.segmenter, &a.title, &a.paragraphs)
                        .is_empty()
                })
                .count();
            let share = matched as f64 / sample.len() as f64;
            let limit = if chars == 1 {
                COMMON_CHARACTER_SHARE
            } else {
                TOO_BROAD_SHARE
            };
            if share >= limit {
                return Err(Refusal::TooBroad {
                    matched,
                    of: sample.len(),
                });
            }
        }
        Ok(topic)
    }

    /// Follows `topic` in a chat.
    pub fn subscribe(
        &self,
        chat_id: i64,
        chat_kind: &str,
        topic: &Topic,
        lang: &str,
        created_by: Option<i64>,
    ) -> Result<Subscribed, StoreError> {
        let outcome = self.store.subscribe(&NewSubscription {
            chat_id,
            chat_kind: chat_kind.to_string(),
            query: topic.query.clone(),
            topic_key: topic_key(topic),
            lang: lang.to_string(),
            created_by,
        })?;
        if matches!(outcome, Subscribed::Added(_)) {
            self.reload()?;
        }
        Ok(outcome)
    }

    /// A chat's subscriptions, in the order `/subscriptions` numbers them.
    pub(crate) fn of_chat(&self, chat_id: i64) -> Result<Vec<Subscription>, StoreError> {
        self.store.subscriptions_of(chat_id)
    }

    pub(crate) fn unsubscribe(&self, id: i64) -> Result<bool, StoreError> {
        let removed = self.store.unsubscribe(id)?;
        if removed {
            self.reload()?;
        }
        Ok(removed)
    }

    /// Stops alerts to a chat that cannot be reached; see [`Store::pause_chat`].
    pub(crate) fn pause_chat(&self, chat_id: i64, reason: &str) -> Result<usize, StoreError> {
        let paused = self.store.pause_chat(chat_id, reason)?;
        if paused > 0 {
            self.reload()?;
        }
        Ok(paused)
    }

    /// Follows a group that became a supergroup to its new id.
    pub(crate) fn move_chat(&self, from: i64, to: i64) -> Result<(), StoreError> {
        self.store.move_chat(from, to)?;
        self.reload()
    }

    /// Resumes a chat's paused subscriptions; returns how many were paused.
    pub(crate) fn resume_chat(&self, chat_id: i64) -> Result<usize, StoreError> {
        let resumed = self.store.resume_chat(chat_id)?;
        if resumed > 0 {
            self.reload()?;
        }
        Ok(resumed)
    }

    /// The alerts these articles raise, not yet queued.
    pub(crate) fn alerts_for_articles(&self, articles: &[&Article]) -> Vec<NewAlert> {
        let compiled = self.compiled();
        if compiled.matcher.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for a in articles {
            for id in compiled
                .matcher
                .matches(&self.segmenter, &a.title, &a.paragraphs)
            {
                let Some((chat_id, topic)) = compiled.subs.get(&id) else {
                    continue;
                };
                out.push(NewAlert {
                    subscription_id: id,
                    chat_id: *chat_id,
                    article_id: a.id.clone(),
                    title: a.title.clone(),
                    published: a.date.map(|d| d.format("%Y-%m-%d").to_string()),
                    outlet: a.outlet_or_source().map(str::to_string),
                    url: a.url.clone(),
                    paragraph: self.best_paragraph(topic, a).to_string(),
                });
            }
        }
        out
    }

    /// The first paragraph holding the whole topic; the lede when only the title does.
    fn best_paragraph<'a>(&self, topic: &Topic, a: &'a Article) -> &'a str {
        a.paragraphs
            .iter()
            .find(|p| topic.matches_normalized(&self.segmenter.normalize(p)))
            .map_or_else(|| a.first_paragraph_without_byline(), String::as_str)
    }

    /// Queues the alerts of articles that are not stored (files) and wakes the sender.
    pub(crate) fn queue(&self, alerts: &[NewAlert]) -> Result<usize, StoreError> {
        let added = self.store.queue_alerts(alerts)?;
        if added > 0 {
            self.wake();
        }
        Ok(added)
    }

    /// Tells the sender there is something in the outbox.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when [`Following::wake`] was called (since the last time this resolved).
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// The highlight ranges of a subscription's words in a paragraph (for its alert).
    pub(crate) fn highlights(&self, query: &str, paragraph: &str) -> Vec<std::ops::Range<usize>> {
        let topic = Topic::new(&self.segmenter, query);
        super::highlight(&self.segmenter, paragraph, &topic.phrases)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str, paragraphs: &[&str]) -> Article {
        Article::new(
            id,
            title,
            paragraphs.iter().map(|p| p.to_string()).collect(),
        )
    }

    fn alerts(f: &Following, batch: &[Article]) -> Vec<NewAlert> {
        f.alerts_for_articles(&batch.iter().collect::<Vec<_>>())
    }

    fn following() -> Following {
        Following::new(
            Arc::new(Store::open_in_memory().unwrap()),
            Segmenter::builtin(),
        )
        .unwrap()
    }

    fn subscribe(f: &Following, chat: i64, words: &str) -> i64 {
        let topic = Topic::new(&f.segmenter, words);
        match f
            .subscribe(chat, "private", &topic, "zh", Some(chat))
            .unwrap()
        {
            Subscribed::Added(s) => s.id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn new_articles_alert_the_chats_that_follow_them_with_the_best_paragraph() {
        let f = following();
        let flood = subscribe(&f, 1, "防汛");
        let _river = subscribe(&f, 2, "黄河 保护");
        let batch = [
            article(
                "a1",
                "各地部署防汛工作",
                &["记者 张三", "今年入汛以来，防汛形势严峻。"],
            ),
            article("a2", "黄河", &["黄河流域", "加强黄河生态保护。"]),
            article("a3", "天气", &["晴"]),
        ];
        let alerts = alerts(&f, &batch);
        assert_eq!(alerts.len(), 2, "{alerts:?}");
        assert_eq!(
            (alerts[0].subscription_id, alerts[0].article_id.as_str()),
            (flood, "a1")
        );
        assert_eq!(alerts[0].paragraph, "今年入汛以来，防汛形势严峻。");
        assert_eq!(
            (alerts[1].chat_id, alerts[1].article_id.as_str()),
            (2, "a2")
        );
        assert_eq!(alerts[1].paragraph, "加强黄河生态保护。");
    }

    #[test]
    fn the_same_topic_in_other_words_is_one_subscription() {
        let f = following();
        subscribe(&f, 1, "黄河的保护");
        let again = Topic::new(&f.segmenter, "黃河 保护");
        assert!(matches!(
            f.subscribe(1, "private", &again, "zh", None).unwrap(),
            Subscribed::Already(_)
        ));
    }

    #[test]
    fn unsubscribed_and_paused_chats_get_no_alerts() {
        let f = following();
        let id = subscribe(&f, 1, "防汛");
        subscribe(&f, 2, "防汛");
        let batch = [article("a1", "防汛", &[])];
        assert_eq!(alerts(&f, &batch).len(), 2);
        assert!(f.unsubscribe(id).unwrap());
        assert_eq!(f.pause_chat(2, "blocked").unwrap(), 1);
        assert!(alerts(&f, &batch).is_empty());
        assert_eq!(f.resume_chat(2).unwrap(), 1);
        assert_eq!(alerts(&f, &batch).len(), 1);
    }
}
