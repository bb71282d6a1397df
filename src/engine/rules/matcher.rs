//! What a rule looks for: literal words (one Aho-Corasick automaton) plus regular expressions. Both
//! are compiled the first time a phrase needs them, and shared by every clone of the rule.

use crate::engine::pattern::Pattern;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone, Default)]
pub struct Matcher {
    pub words: Option<Words>,
    pub patterns: Vec<Pattern>,
}

impl Matcher {
    /// `words` must already be normalised; `patterns` simplified.
    pub fn new(words: &[String], patterns: Vec<Pattern>) -> Self {
        Matcher {
            words: Words::new(words.to_vec()),
            patterns,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_none() && self.patterns.is_empty()
    }
}

/// A list of literal strings matched leftmost-longest, non-overlapping.
#[derive(Clone)]
pub struct Words(Arc<WordsInner>);

struct WordsInner {
    list: Vec<String>,
    automaton: OnceLock<AhoCorasick>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Words").field(&self.0.list).finish()
    }
}

impl Words {
    /// `None` for an empty list.
    pub fn new(list: Vec<String>) -> Option<Words> {
        (!list.is_empty()).then(|| {
            Words(Arc::new(WordsInner {
                list,
                automaton: OnceLock::new(),
            }))
        })
    }

    pub fn list(&self) -> &[String] {
        &self.0.list
    }

    /// The automaton, built on first use.
    pub fn automaton(&self) -> &AhoCorasick {
        self.0.automaton.get_or_init(|| {
            // Searched only on phrases the engine's gate passes, which are short: a contiguous
            // NFA without prefilter builds in a fraction of a DFA's time and searches them as fast.
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .prefilter(false)
                .build(&self.0.list)
                .expect("a literal automaton over a few thousand words always builds")
        })
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
