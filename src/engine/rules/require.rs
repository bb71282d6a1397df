//! `require`: every phrase in the rule's scenes must match one of `any` (greetings greet, closings
//! thank). The finding covers the whole scope.

use super::{Hit, matcher::Matcher};

#[derive(Debug, Clone)]
pub struct Require {
    pub any: Matcher,
}

impl Require {
    pub fn hits(&self, text: &str, suggest: &[String], out: &mut Vec<Hit>) {
        let trimmed = text.trim_end();
        if !trimmed.is_empty() && !self.any.is_match(text) {
            out.push(Hit {
                range: 0..trimmed.len(),
                suggestions: suggest.to_vec(),
            });
        }
    }
}
