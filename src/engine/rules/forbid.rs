//! `forbid`: every match of a word list or pattern is a finding.

use super::matcher::Matcher;

#[derive(Debug, Clone)]
pub struct Forbid {
    pub matcher: Matcher,
    /// `fix: remove`: `--fix` may delete every match.
    pub remove: bool,
}
