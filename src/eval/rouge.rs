//! Character-level ROUGE-1, ROUGE-2 and ROUGE-L F1, the usual measure for Chinese summaries
//! (characters as tokens; white space and punctuation left out on both sides).

use std::collections::HashMap;

use serde::Serialize;

/// ROUGE F1 scores; also used as a running sum (see [`Rouge::add`], [`Rouge::mean`]).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub(crate) struct Rouge {
    pub(crate) rouge_1: f64,
    pub(crate) rouge_2: f64,
    pub(crate) rouge_l: f64,
    #[serde(skip)]
    count: usize,
}

impl Rouge {
    pub(crate) fn add(&mut self, other: &Rouge) {
        self.rouge_1 += other.rouge_1;
        self.rouge_2 += other.rouge_2;
        self.rouge_l += other.rouge_l;
        self.count += 1;
    }

    pub(crate) fn mean(&self) -> Rouge {
        let n = self.count.max(1) as f64;
        Rouge {
            rouge_1: self.rouge_1 / n,
            rouge_2: self.rouge_2 / n,
            rouge_l: self.rouge_l / n,
            count: self.count,
        }
    }
}

fn tokens(s: &str) -> Vec<char> {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

fn f1(overlap: f64, candidate: usize, reference: usize) -> f64 {
    if overlap == 0.0 || candidate == 0 || reference == 0 {
        return 0.0;
    }
    let p = overlap / candidate as f64;
    let r = overlap / reference as f64;
    2.0 * p * r / (p + r)
}

fn ngram_overlap(c: &[char], r: &[char], n: usize) -> (f64, usize, usize) {
    if c.len() < n || r.len() < n {
        return (
            0.0,
            c.len().saturating_sub(n - 1),
            r.len().saturating_sub(n - 1),
        );
    }
    let mut counts: HashMap<&[char], usize> = HashMap::new();
    for g in r.windows(n) {
        *counts.entry(g).or_insert(0) += 1;
    }
    let mut overlap = 0usize;
    for g in c.windows(n) {
        if let Some(k) = counts.get_mut(g)
            && *k > 0
        {
            *k -= 1;
            overlap += 1;
        }
    }
    (overlap as f64, c.len() - n + 1, r.len() - n + 1)
}

fn lcs(a: &[char], b: &[char]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// ROUGE-1/2/L F1 of `candidate` against `reference`, characters as tokens.
pub(crate) fn rouge_chars(candidate: &str, reference: &str) -> Rouge {
    let c = tokens(candidate);
    let r = tokens(reference);
    let (o1, c1, r1) = ngram_overlap(&c, &r, 1);
    let (o2, c2, r2) = ngram_overlap(&c, &r, 2);
    Rouge {
        rouge_1: f1(o1, c1, r1),
        rouge_2: f1(o2, c2, r2),
        rouge_l: f1(lcs(&c, &r) as f64, c.len(), r.len()),
        count: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_and_disjoint() {
        let same = rouge_chars("黄河流域", "黄河流域");
        assert_eq!((same.rouge_1, same.rouge_2, same.rouge_l), (1.0, 1.0, 1.0));
        let none = rouge_chars("长江", "黄河");
        assert_eq!((none.rouge_1, none.rouge_2, none.rouge_l), (0.0, 0.0, 0.0));
    }

    #[test]
    fn partial_overlap() {
        // candidate 黄河流经 (4), reference 黄河流域 (4): unigrams 3/4, bigrams 2/3, LCS 3.
        let r = rouge_chars("黄河流经。", "黄河，流域");
        assert!((r.rouge_1 - 0.75).abs() < 1e-9);
        assert!((r.rouge_2 - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.rouge_l - 0.75).abs() < 1e-9);
    }

    #[test]
    fn mean_of_sums() {
        let mut acc = Rouge::default();
        acc.add(&rouge_chars("黄河", "黄河"));
        acc.add(&rouge_chars("长江", "黄河"));
        assert!((acc.mean().rouge_1 - 0.5).abs() < 1e-9);
    }
}
