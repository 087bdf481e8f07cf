//! Matching new articles against every followed topic at once: one Aho-Corasick automaton
//! over all the topics' phrases finds, in one pass over each normalised title and paragraph,
//! which phrases occur; a topic matches when one text holds all of its phrases (the rule of
//! [`Topic`]). Cost grows with the text read, not with the number of topics, so 10,000
//! subscriptions cost about what ten do (docs/PERFORMANCE.md).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use super::topic::{Topic, is_word_letter};
use crate::text::Segmenter;

/// Many topics, each under a caller's id (a subscription number), ready to match articles.
pub struct TopicMatcher {
    automaton: Option<AhoCorasick>,
    /// Per phrase: does it start / end with a letter or digit (whole-word rule).
    phrase_edges: Vec<(bool, bool)>,
    /// Per phrase: the topics (positions in `ids`) that need it.
    postings: Vec<Vec<u32>>,
    /// Per topic: how many distinct phrases it needs.
    needs: Vec<u32>,
    ids: Vec<i64>,
}

impl std::fmt::Debug for TopicMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopicMatcher")
            .field("topics", &self.ids.len())
            .field("phrases", &self.postings.len())
            .finish()
    }
}

impl TopicMatcher {
    /// A matcher over `(id, topic)` pairs; empty topics never match.
    pub fn new<'a>(topics: impl IntoIterator<Item = (i64, &'a Topic)>) -> Self {
        let mut phrase_no: HashMap<&str, usize> = HashMap::new();
        let mut phrases: Vec<&str> = Vec::new();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut needs = Vec::new();
        let mut ids = Vec::new();
        for (id, topic) in topics {
            if topic.is_empty() {
                continue;
            }
            let t = ids.len() as u32;
            ids.push(id);
            let mut distinct = 0;
            for p in &topic.phrases {
                let n = *phrase_no.entry(p.as_str()).or_insert_with(|| {
                    phrases.push(p.as_str());
                    postings.push(Vec::new());
                    phrases.len() - 1
                });
                if postings[n].last() != Some(&t) {
                    postings[n].push(t);
                    distinct += 1;
                }
            }
            needs.push(distinct);
        }
        let automaton = (!phrases.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&phrases)
                    .map_err(|e| tracing::error!("cannot build the topic matcher: {e}"))
                    .ok()
            })
            .flatten();
        let phrase_edges = phrases
            .iter()
            .map(|p| {
                (
                    p.chars().next().is_some_and(is_word_letter),
                    p.chars().next_back().is_some_and(is_word_letter),
                )
            })
            .collect();
        Self {
            automaton,
            phrase_edges,
            postings,
            needs,
            ids,
        }
    }

    /// How many topics it holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids of the topics an article (its title and paragraphs) matches, in the order
    /// they were given.
    pub fn matches(&self, segmenter: &Segmenter, title: &str, paragraphs: &[String]) -> Vec<i64> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut matched = vec![false; self.ids.len()];
        let mut count = vec![0u32; self.ids.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut phrase_seen = vec![false; self.postings.len()];
        let mut phrases_here: Vec<usize> = Vec::new();
        let texts = std::iter::once(title).chain(paragraphs.iter().map(String::as_str));
        for text in texts {
            let norm = segmenter.normalize(text);
            for m in ac.find_overlapping_iter(&norm) {
                let p = m.pattern().as_usize();
                if phrase_seen[p] {
                    continue;
                }
                let (starts_word, ends_word) = self.phrase_edges[p];
                let cut_before = starts_word
                    && norm[..m.start()]
                        .chars()
                        .next_back()
                        .is_some_and(is_word_letter);
                let cut_after =
                    ends_word && norm[m.end()..].chars().next().is_some_and(is_word_letter);
                if cut_before || cut_after {
                    continue;
                }
                phrase_seen[p] = true;
                phrases_here.push(p);
            }
            for &p in &phrases_here {
                for &t in &self.postings[p] {
                    let t = t as usize;
                    if count[t] == 0 {
                        touched.push(t as u32);
                    }
                    count[t] += 1;
                    if count[t] == self.needs[t] {
                        matched[t] = true;
                    }
                }
            }
            for p in phrases_here.drain(..) {
                phrase_seen[p] = false;
            }
            for t in touched.drain(..) {
                count[t as usize] = 0;
            }
        }
        self.ids
            .iter()
            .zip(matched)
            .filter_map(|(&id, m)| m.then_some(id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, paragraphs: &[&str]) -> (String, Vec<String>) {
        (
            title.to_string(),
            paragraphs.iter().map(|p| p.to_string()).collect(),
        )
    }

    #[test]
    fn agrees_with_the_topic_rule() {
        let seg = Segmenter::builtin();
        let queries = [
            "黄河",
            "黄河的保护",
            "防汛",
            "ai",
            "171公里",
            "河流",
            "？？",
        ];
        let topics: Vec<Topic> = queries.iter().map(|q| Topic::new(&seg, q)).collect();
        let matcher = TopicMatcher::new(topics.iter().enumerate().map(|(i, t)| (i as i64, t)));
        assert_eq!(matcher.len(), 6, "the empty topic is left out");
        let articles = [
            article("黄河流域生态保护", &["防汛工作。"]),
            article("标题", &["黄河", "保护"]),
            article("He said", &["流经2171公里"]),
            article("用AI防汛", &["流经171公里"]),
            article("", &[]),
        ];
        for (title, paragraphs) in &articles {
            let want: Vec<i64> = topics
                .iter()
                .enumerate()
                .filter(|(_, t)| t.matches_article(&seg, title, paragraphs))
                .map(|(i, _)| i as i64)
                .collect();
            assert_eq!(matcher.matches(&seg, title, paragraphs), want, "{title:?}");
        }
        let (title, paragraphs) = &articles[0];
        assert_eq!(matcher.matches(&seg, title, paragraphs), vec![0, 1, 2, 5]);
    }

    #[test]
    fn no_topics_match_nothing() {
        let seg = Segmenter::builtin();
        let matcher = TopicMatcher::new(std::iter::empty());
        assert!(matcher.is_empty());
        assert!(matcher.matches(&seg, "黄河", &[]).is_empty());
    }
}
