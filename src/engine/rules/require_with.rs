//! `require-with`: when `when` matches in a scope, something of `require` must match there too
//! ("apologise when refusing"). The finding is at the first `when` match.

use super::{Hit, matcher::Matcher};

#[derive(Debug, Clone)]
pub struct RequireWith {
    pub when: Matcher,
    pub require: Matcher,
}

impl RequireWith {
    /// `keep` says whether a `when` match survives the rule's `except` patterns.
    pub fn hits(
        &self,
        text: &str,
        suggest: &[String],
        keep: impl Fn(&std::ops::Range<usize>) -> bool,
        out: &mut Vec<Hit>,
    ) {
        let Some(first) = self.when.find_all(text).into_iter().find(|r| keep(r)) else {
            return;
        };
        if !self.require.is_match(text) {
            out.push(Hit {
                range: first,
                suggestions: suggest.to_vec(),
            });
        }
    }
}
