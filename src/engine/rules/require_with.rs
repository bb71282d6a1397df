//! `require-with`: when `when` matches in a scope, something of `require` must match there too
//! ("apologise when refusing"). The finding is at the first `when` match that no `except` match
//! contains.

use super::matcher::Matcher;

#[derive(Debug, Clone)]
pub struct RequireWith {
    pub when: Matcher,
    pub require: Matcher,
}
