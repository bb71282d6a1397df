//! A regex compiled on first use, for the library pack's facts and stage word lists: a run compiles
//! only those its phrases may need (the library's screen rules the others out), and a built-in
//! pack's are not compiled at start. A user pack's are compiled when it loads, so that a mistake is
//! reported there (by the pack loader, with the `regex` crate's wording).
//!
//! As for the rules' patterns (`crate::engine::pattern`), a regex is first built without its lazy
//! DFA and one-pass engine, the half of the work a few phrases never repay, and built again in full
//! after as many searches as a rule's pattern ([`still_quick`]): a 20-line run compiled these with
//! every engine the `regex` crate builds up front, about 24 million instructions.

use crate::engine::pattern::{CAP, still_quick};
use regex_automata::meta::{self, Regex};
use regex_automata::util::captures::Captures;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    quick: OnceLock<Regex>,
    full: OnceLock<Regex>,
    uses: AtomicU32,
}

impl Clone for LazyRegex {
    fn clone(&self) -> LazyRegex {
        LazyRegex {
            source: self.source.clone(),
            quick: self.quick.clone(),
            full: self.full.clone(),
            uses: AtomicU32::new(self.uses.load(Ordering::Relaxed)),
        }
    }
}

/// Without the engines that need a reverse automaton or extra analysis: the PikeVM and the bounded
/// backtracker find the same matches, more slowly, on short texts not much so. Not the rules'
/// configuration (`pattern`), which keeps no capture groups: facts read their values from them.
fn quick_config() -> meta::Config {
    meta::Config::new().hybrid(false).onepass(false)
}

/// Every engine, each lazy DFA's cache capped as the rules' are ([`CAP`]: the default 2 MB per
/// regex and thread was 9 MB of a million-phrase library's run).
fn full_config() -> meta::Config {
    meta::Config::new().hybrid_cache_capacity(CAP)
}

fn build(source: &str, config: meta::Config) -> Regex {
    meta::Builder::new()
        .configure(config)
        .build(source)
        .expect("a pattern checked when its pack loaded compiles (built-in ones: by `cargo test`)")
}

impl LazyRegex {
    /// A pattern known to compile: a built-in pack's (`cargo test` compiles every one) or one the
    /// pack loader has compiled already.
    pub fn lazy(source: &str) -> LazyRegex {
        LazyRegex {
            source: source.to_string(),
            quick: OnceLock::new(),
            full: OnceLock::new(),
            uses: AtomicU32::new(0),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The regex to search `len` bytes with: the quick one for the first searches, then the full.
    fn get(&self, len: usize) -> &Regex {
        if let Some(full) = self.full.get() {
            return full;
        }
        if still_quick(&self.uses, len) {
            self.quick
                .get_or_init(|| build(&self.source, quick_config()))
        } else {
            self.full.get_or_init(|| build(&self.source, full_config()))
        }
    }

    /// The names of the capture groups.
    pub fn group_names(&self) -> Vec<&str> {
        let re = match self.full.get() {
            Some(full) => full,
            None => self
                .quick
                .get_or_init(|| build(&self.source, quick_config())),
        };
        re.group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
            .flatten()
            .collect()
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.get(haystack.len()).is_match(haystack)
    }

    /// Every match, leftmost-first and non-overlapping, as `regex::Regex::find_iter` finds them.
    pub fn find_iter<'a>(&'a self, haystack: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        self.get(haystack.len())
            .find_iter(haystack)
            .map(|m| m.range())
    }

    /// The captures of every match, as `regex::Regex::captures_iter` finds them.
    pub fn captures_iter<'a>(&'a self, haystack: &'a str) -> impl Iterator<Item = Captures> + 'a {
        self.get(haystack.len()).captures_iter(haystack)
    }
}

/// The text of a named group of `caps` in `haystack`.
pub fn group<'h>(caps: &Captures, haystack: &'h str, name: &str) -> Option<&'h str> {
    caps.get_group_by_name(name).map(|s| &haystack[s.range()])
}
