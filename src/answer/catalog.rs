//! The articles of one snapshot, in key order, with the lookups a snapshot answers from (by
//! id, newest first), kept in persistent structures (`imbl`): a new snapshot shares every
//! unchanged part with the one before, so the live side publishes a batch in time that grows
//! with the batch (and the logarithm of the corpus), not with the corpus, and dropping an old
//! snapshot frees only what changed.

use std::cmp::Ordering;
use std::ops::Index;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;

use super::Entry;
use crate::corpus::Article;
use crate::index::ArticleKey;

/// A snapshot's articles by position, in key order (the order they were added): what
/// [`Engine::articles`](super::Engine::articles) lists. Indexing is O(log n).
#[derive(Clone, Default)]
pub struct Articles(imbl::Vector<Arc<Article>>);

impl std::fmt::Debug for Articles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Articles")
            .field("len", &self.len())
            .finish()
    }
}

impl Articles {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The article at `position`.
    pub(crate) fn get(&self, position: usize) -> Option<&Arc<Article>> {
        self.0.get(position)
    }

    /// The articles in position order.
    pub fn iter(&self) -> ArticlesIter<'_> {
        ArticlesIter(self.0.iter())
    }
}

impl Index<usize> for Articles {
    type Output = Arc<Article>;

    fn index(&self, position: usize) -> &Arc<Article> {
        &self.0[position]
    }
}

impl<'a> IntoIterator for &'a Articles {
    type Item = &'a Arc<Article>;
    type IntoIter = ArticlesIter<'a>;

    fn into_iter(self) -> ArticlesIter<'a> {
        self.iter()
    }
}

/// The articles of an [`Articles`] in position order.
pub struct ArticlesIter<'a>(
    imbl::vector::Iter<'a, Arc<Article>, imbl::shared_ptr::DefaultSharedPtr>,
);

impl<'a> Iterator for ArticlesIter<'a> {
    type Item = &'a Arc<Article>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for ArticlesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back()
    }
}

impl ExactSizeIterator for ArticlesIter<'_> {}

/// An article in the date order: newest first, undated last, ties by id, then by key (the
/// order they were added), as a stable sort of the articles by date and id gives.
#[derive(Clone)]
struct Newest {
    key: ArticleKey,
    article: Arc<Article>,
}

impl Ord for Newest {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .article
            .date
            .cmp(&self.article.date)
            .then_with(|| self.article.id.cmp(&other.article.id))
            .then(self.key.cmp(&other.key))
    }
}

impl PartialOrd for Newest {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Newest {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Newest {}

/// The articles of a snapshot and the ways to find them. Cloning is O(1); inserting or
/// removing one article O(log n), sharing the rest with earlier clones.
#[derive(Clone, Default)]
pub(crate) struct Catalog {
    /// Ascending; `keys[i]` is the key of the article at position `i`.
    keys: imbl::Vector<ArticleKey>,
    articles: Articles,
    /// Each article's card lede cache, by position.
    ledes: imbl::Vector<Arc<OnceLock<String>>>,
    /// The keys of the articles with each id, ascending: more than one only when a corpus
    /// holds an id twice, and then the last (the latest added) is the one found by id.
    by_id: imbl::HashMap<Arc<str>, Vec<ArticleKey>>,
    newest: imbl::OrdSet<Newest>,
    /// The dated articles by date, for the keys within a range of dates.
    dated: imbl::OrdSet<(NaiveDate, ArticleKey)>,
}

impl Catalog {
    /// A catalog of these articles (any key order).
    pub(crate) fn of(entries: impl IntoIterator<Item = (ArticleKey, Entry)>) -> Self {
        let mut catalog = Self::default();
        for (key, entry) in entries {
            catalog.insert(key, entry);
        }
        catalog
    }

    /// Adds (or, for a key already there, replaces) the article under `key`. Keys above
    /// every other (as the live side gives them) are appended.
    pub(crate) fn insert(&mut self, key: ArticleKey, entry: Entry) {
        let at = match self.keys.last() {
            Some(&last) if last >= key => {
                self.remove(key);
                self.keys.binary_search(&key).unwrap_or_else(|i| i)
            }
            _ => self.keys.len(),
        };
        let Entry { article, card_lede } = entry;
        self.keys.insert(at, key);
        self.articles.0.insert(at, Arc::clone(&article));
        self.ledes.insert(at, card_lede);
        let ids = self
            .by_id
            .entry(Arc::from(article.id.as_str()))
            .or_default();
        let i = ids.binary_search(&key).unwrap_or_else(|i| i);
        ids.insert(i, key);
        if let Some(date) = article.date {
            self.dated.insert((date, key));
        }
        self.newest.insert(Newest { key, article });
    }

    /// Takes the article under `key` out; `None` if there is none.
    pub(crate) fn remove(&mut self, key: ArticleKey) -> Option<Entry> {
        let at = self.position(key)?;
        self.keys.remove(at);
        let article = self.articles.0.remove(at);
        let card_lede = self.ledes.remove(at);
        if let Some(ids) = self.by_id.get_mut(article.id.as_str()) {
            ids.retain(|&k| k != key);
            if ids.is_empty() {
                self.by_id.remove(article.id.as_str());
            }
        }
        if let Some(date) = article.date {
            self.dated.remove(&(date, key));
        }
        self.newest.remove(&Newest {
            key,
            article: Arc::clone(&article),
        });
        Some(Entry { article, card_lede })
    }

    /// The position of the article under `key`.
    pub(crate) fn position(&self, key: ArticleKey) -> Option<usize> {
        self.keys.binary_search(&key).ok()
    }

    /// The article under `key`.
    pub(crate) fn get(&self, key: ArticleKey) -> Option<&Arc<Article>> {
        self.articles.get(self.position(key)?)
    }

    /// The position of the article with this id (the latest added, if the id is there
    /// twice).
    pub(crate) fn position_of_id(&self, id: &str) -> Option<usize> {
        let &key = self.by_id.get(id)?.last()?;
        self.position(key)
    }

    pub(crate) fn keys(&self) -> &imbl::Vector<ArticleKey> {
        &self.keys
    }

    pub(crate) fn articles(&self) -> &Articles {
        &self.articles
    }

    /// The card lede cache of the article at `position`.
    pub(crate) fn lede(&self, position: usize) -> Option<&Arc<OnceLock<String>>> {
        self.ledes.get(position)
    }

    /// The articles newest first, undated last, ties by id (then in the order added).
    pub(crate) fn newest_first(&self) -> impl DoubleEndedIterator<Item = &Arc<Article>> + '_ {
        self.newest.iter().map(|n| &n.article)
    }

    /// The keys of the articles dated within `from..=to`, ascending; `None` when there
    /// are more than `at_most` (they are not collected then).
    pub(crate) fn keys_dated_within(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        at_most: usize,
    ) -> Option<Vec<ArticleKey>> {
        if from > to {
            return Some(Vec::new());
        }
        let mut keys: Vec<ArticleKey> = self
            .dated
            .range((from, ArticleKey::MIN)..=(to, ArticleKey::MAX))
            .map(|&(_, key)| key)
            .take(at_most.saturating_add(1))
            .collect();
        if keys.len() > at_most {
            return None;
        }
        keys.sort_unstable();
        Some(keys)
    }

    /// The articles with their caches, in key order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (ArticleKey, Entry)> + '_ {
        self.keys
            .iter()
            .zip(self.articles.iter())
            .zip(self.ledes.iter())
            .map(|((&key, article), card_lede)| {
                (
                    key,
                    Entry {
                        article: Arc::clone(article),
                        card_lede: Arc::clone(card_lede),
                    },
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, date: Option<(i32, u32, u32)>) -> Entry {
        let mut a = Article::new(id, format!("标题{id}"), vec![format!("正文{id}")]);
        a.date = date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        Entry::new(Arc::new(a))
    }

    /// What a catalog must agree with: the lists and lookups computed from scratch from
    /// `(key, article)` pairs, as snapshots were built before.
    fn assert_consistent(c: &Catalog, expected: &[(ArticleKey, &str, Option<NaiveDate>)]) {
        let mut sorted: Vec<_> = expected.to_vec();
        sorted.sort_by_key(|e| e.0);
        assert_eq!(c.keys().len(), sorted.len());
        assert_eq!(c.articles().len(), sorted.len());
        let keys: Vec<ArticleKey> = c.keys().iter().copied().collect();
        assert_eq!(keys, sorted.iter().map(|e| e.0).collect::<Vec<_>>());
        for (i, (key, id, date)) in sorted.iter().enumerate() {
            assert_eq!(c.articles()[i].id, *id, "article at position {i}");
            assert_eq!(c.articles()[i].date, *date);
            assert_eq!(c.position(*key), Some(i), "position of key {key}");
            assert_eq!(c.get(*key).map(|a| a.id.as_str()), Some(*id));
            assert!(c.lede(i).is_some());
        }
        // By id: the position of the highest key with that id.
        for (_, id, _) in &sorted {
            let want = sorted.iter().rposition(|e| e.1 == *id);
            assert_eq!(c.position_of_id(id), want, "position of id {id}");
        }
        // Newest first: a stable sort by date (descending, undated last), then id.
        let mut order: Vec<usize> = (0..sorted.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&sorted[a], &sorted[b]);
            b.2.cmp(&a.2).then_with(|| a.1.cmp(b.1))
        });
        let got: Vec<(String, Option<NaiveDate>)> =
            c.newest_first().map(|a| (a.id.clone(), a.date)).collect();
        let want: Vec<(String, Option<NaiveDate>)> = order
            .iter()
            .map(|&i| (sorted[i].1.to_string(), sorted[i].2))
            .collect();
        assert_eq!(got, want);
        let entries: Vec<ArticleKey> = c.entries().map(|(k, _)| k).collect();
        assert_eq!(entries, keys);
        // Keys within dates: every range between two of the dates (and one before them all).
        let mut dates: Vec<NaiveDate> = sorted.iter().filter_map(|e| e.2).collect();
        dates.push(NaiveDate::MIN);
        for &from in &dates {
            for &to in &dates {
                let want: Vec<ArticleKey> = sorted
                    .iter()
                    .filter(|e| e.2.is_some_and(|d| from <= d && d <= to))
                    .map(|e| e.0)
                    .collect();
                let got = c.keys_dated_within(from, to, usize::MAX);
                assert_eq!(got.as_ref(), Some(&want), "{from}..={to}");
                assert_eq!(c.keys_dated_within(from, to, want.len()), got);
                if let Some(fewer) = want.len().checked_sub(1) {
                    assert_eq!(c.keys_dated_within(from, to, fewer), None, "{from}..={to}");
                }
            }
        }
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn a_catalog_stays_consistent_across_upsert_replace_and_remove() {
        let mut c = Catalog::of([
            (0, article("a", Some((2024, 1, 2)))),
            (1, article("b", None)),
            (2, article("c", Some((2024, 1, 2)))),
            (3, article("d", Some((2023, 5, 1)))),
        ]);
        let mut want = vec![
            (0, "a", d(2024, 1, 2)),
            (1, "b", None),
            (2, "c", d(2024, 1, 2)),
            (3, "d", d(2023, 5, 1)),
        ];
        assert_consistent(&c, &want);
        let before = c.clone();

        // Upsert: a new article appended under a new key.
        c.insert(4, article("e", Some((2025, 3, 3))));
        want.push((4, "e", d(2025, 3, 3)));
        assert_consistent(&c, &want);

        // Replace: the old key out, the changed article under a new key, same id.
        let old = c.remove(0).expect("key 0 is there");
        assert_eq!(old.article.id, "a");
        c.insert(5, article("a", Some((2022, 1, 1))));
        want.retain(|e| e.0 != 0);
        want.push((5, "a", d(2022, 1, 1)));
        assert_consistent(&c, &want);

        // Remove from the middle, and a key that is not there.
        assert!(c.remove(2).is_some());
        assert!(c.remove(2).is_none());
        assert!(c.remove(99).is_none());
        want.retain(|e| e.0 != 2);
        assert_consistent(&c, &want);

        // A key below the others goes to its place; the same key again replaces.
        c.insert(1, article("b2", Some((2024, 6, 1))));
        want.retain(|e| e.0 != 1);
        want.push((1, "b2", d(2024, 6, 1)));
        assert_consistent(&c, &want);
        assert_eq!(c.position_of_id("b"), None);

        // The earlier clone did not change.
        assert_consistent(
            &before,
            &[
                (0, "a", d(2024, 1, 2)),
                (1, "b", None),
                (2, "c", d(2024, 1, 2)),
                (3, "d", d(2023, 5, 1)),
            ],
        );
    }

    #[test]
    fn an_id_held_twice_is_found_as_the_latest_until_it_goes() {
        let mut c = Catalog::of([
            (0, article("x", Some((2024, 1, 1)))),
            (1, article("x", Some((2024, 1, 1)))),
            (2, article("y", None)),
        ]);
        assert_consistent(
            &c,
            &[
                (0, "x", d(2024, 1, 1)),
                (1, "x", d(2024, 1, 1)),
                (2, "y", None),
            ],
        );
        c.remove(1);
        assert_eq!(c.position_of_id("x"), Some(0));
        c.remove(0);
        assert_eq!(c.position_of_id("x"), None);
        assert_consistent(&c, &[(2, "y", None)]);
    }

    #[test]
    fn many_changes_keep_the_catalog_equal_to_one_built_from_scratch() {
        // A fixed pseudo-random walk of inserts and removals (no clock, no randomness).
        let mut c = Catalog::default();
        let mut want: Vec<(ArticleKey, String, Option<NaiveDate>)> = Vec::new();
        let mut next_key = 0;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for step in 0..600 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if want.is_empty() || !x.is_multiple_of(3) {
                let id = format!("id{}", x % 50);
                let date =
                    (!x.is_multiple_of(5)).then(|| (2020 + (x % 3) as i32, 1 + (x % 12) as u32, 1));
                c.insert(next_key, article(&id, date));
                want.push((next_key, id, date.and_then(|(y, m, day)| d(y, m, day))));
                next_key += 1;
            } else {
                let i = (x as usize / 3) % want.len();
                let (key, ..) = want.remove(i);
                assert!(c.remove(key).is_some(), "step {step}: key {key}");
            }
        }
        let expected: Vec<(ArticleKey, &str, Option<NaiveDate>)> = want
            .iter()
            .map(|(k, id, date)| (*k, id.as_str(), *date))
            .collect();
        assert_consistent(&c, &expected);
    }
}
