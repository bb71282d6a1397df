//! Literal words (one Aho-Corasick automaton) plus regular expressions, compiled once per rule.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexSet};
use std::ops::Range;

#[derive(Debug, Clone, Default)]
pub struct Matcher {
    words: Option<AhoCorasick>,
    patterns: Vec<Regex>,
    /// All patterns in one automaton: one pass says which (usually none) need searching.
    set: Option<RegexSet>,
}

impl Matcher {
    /// `words` must already be normalised; `patterns` compiled.
    pub fn new(words: &[String], patterns: Vec<Regex>) -> Self {
        let words = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(words)
                    .expect("a literal automaton over a few thousand words always builds"),
            )
        };
        let set = (patterns.len() > 1).then(|| {
            RegexSet::new(patterns.iter().map(|p| p.as_str()))
                .expect("each pattern compiled on its own already")
        });
        Matcher {
            words,
            patterns,
            set,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_none() && self.patterns.is_empty()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.words.as_ref().is_some_and(|ac| ac.is_match(text))
            || match &self.set {
                Some(set) => set.is_match(text),
                None => self.patterns.iter().any(|re| re.is_match(text)),
            }
    }

    /// Every match, as byte ranges of `text`, sorted by start (longest first), overlaps kept: a
    /// rule's `except` must judge each match before overlapping ones are merged, or a long excepted
    /// match could hide a short one that is not.
    pub fn find_all(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        if let Some(ac) = &self.words {
            out.extend(ac.find_iter(text).map(|m| m.range()));
        }
        let matched: Vec<usize> = match &self.set {
            Some(set) => set.matches(text).into_iter().collect(),
            None => (0..self.patterns.len()).collect(),
        };
        for re in matched.into_iter().map(|i| &self.patterns[i]) {
            out.extend(
                re.find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.range()),
            );
        }
        out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        out
    }
}

/// Overlapping matches of one rule are one finding: keeps the first, longest of each overlapping run.
/// `items` must be sorted by start, longest first.
pub fn drop_overlaps<T>(items: &mut Vec<T>, range: impl Fn(&T) -> Range<usize>) {
    let mut end = 0;
    let mut first = true;
    items.retain(|item| {
        let r = range(item);
        if !first && r.start < end {
            return false;
        }
        first = false;
        end = r.end;
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_patterns_merge_overlaps() {
        let m = Matcher::new(
            &["不知道".to_string()],
            vec![Regex::new("不知道?").unwrap()],
        );
        let mut all = m.find_all("我不知道");
        assert_eq!(all, vec![3..12, 3..12]);
        drop_overlaps(&mut all, |r| r.clone());
        assert_eq!(all, vec![3..12]);
        assert!(m.is_match("不知"));
        assert!(!m.is_match("知道"));
    }
}
