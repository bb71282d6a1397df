//! `require`: every phrase in the rule's scenes must match one of `any` (greetings greet, closings
//! thank). The finding covers the whole scope.

use super::matcher::Matcher;

#[derive(Debug, Clone)]
pub struct Require {
    pub any: Matcher,
}
