//! `forbid`: every match of a word list or pattern is a finding.

use super::{Hit, matcher::Matcher};

#[derive(Debug, Clone)]
pub struct Forbid {
    pub matcher: Matcher,
    /// `fix: remove`: `--fix` may delete every match.
    pub remove: bool,
}

impl Forbid {
    pub fn hits(&self, text: &str, suggest: &[String], out: &mut Vec<Hit>) {
        out.extend(self.matcher.find_all(text).into_iter().map(|range| Hit {
            range,
            suggestions: suggest.to_vec(),
        }));
    }
}
