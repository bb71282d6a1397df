//! `replace`: a bad form with the form(s) to write instead; `fix: safe` marks replacements that can be
//! applied without a person looking. (`Fix::Remove` is the `forbid` counterpart: the match can be
//! deleted without a person looking.)

use super::Hit;
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fix {
    Safe,
    Suggest,
    /// A `forbid` match that `--fix` deletes (stage directions such as “（笑脸表情）”).
    Remove,
}

#[derive(Debug, Clone)]
pub struct Replace {
    keys: AhoCorasick,
    /// The replacements of each key, in the order of the keys given to `new`.
    values: Vec<Vec<String>>,
    pub fix: Fix,
}

impl Replace {
    /// `map` keys must already be normalised.
    pub fn new(map: Vec<(String, Vec<String>)>, fix: Fix) -> Self {
        let keys = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(map.iter().map(|(k, _)| k))
            .expect("a literal automaton over a few thousand words always builds");
        Replace {
            keys,
            values: map.into_iter().map(|(_, v)| v).collect(),
            fix,
        }
    }

    pub fn hits(&self, text: &str, out: &mut Vec<Hit>) {
        out.extend(self.keys.find_iter(text).map(|m| Hit {
            range: m.range(),
            suggestions: self.values[m.pattern().as_usize()].clone(),
        }));
    }
}
