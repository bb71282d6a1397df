//! Runs compiled rules over phrases. Each phrase is normalised once and split into sentences once;
//! nothing is compiled here.

use crate::engine::rules::{Rule, Scope, sentences};
use crate::text::normalize::Normalized;
use crate::text::phrase::Phrase;
use crate::text::scene::Scene;
use std::ops::Range;

/// One rule's match in a phrase, in characters of the phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the rule in the linter.
    pub rule: usize,
    pub chars: Range<usize>,
    pub suggestions: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Linter {
    pub rules: Vec<Rule>,
}

/// A phrase prepared for matching.
struct Prepared {
    norm: Normalized,
    whole: Vec<Range<usize>>,
    sentences: Vec<Range<usize>>,
}

impl Prepared {
    fn new(text: &str) -> Self {
        let norm = Normalized::new(text);
        let whole = std::iter::once(0..norm.as_str().len()).collect();
        let sentences = sentences(norm.as_str());
        Prepared {
            norm,
            whole,
            sentences,
        }
    }

    fn run(&self, rule: &Rule, index: usize, out: &mut Vec<Finding>) {
        let scopes = match rule.scope {
            Scope::Phrase => &self.whole,
            Scope::Sentence => &self.sentences,
        };
        for hit in rule.check(&self.norm, scopes) {
            out.push(Finding {
                rule: index,
                chars: self.norm.char_range(hit.range),
                suggestions: hit.suggestions,
            });
        }
    }
}

impl Linter {
    pub fn new(rules: Vec<Rule>) -> Self {
        Linter { rules }
    }

    pub fn check_phrase(&self, phrase: &Phrase) -> Vec<Finding> {
        self.check_text(phrase.text, phrase.scene)
    }

    /// Findings for a text used in a scene, sorted by position then rule order.
    pub fn check_text(&self, text: &str, scene: Scene) -> Vec<Finding> {
        let prepared = Prepared::new(text);
        let mut out = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.applies_to(scene) {
                prepared.run(rule, i, &mut out);
            }
        }
        out.sort_by_key(|f| (f.chars.start, f.rule));
        out
    }
}

/// The character ranges where one rule fires on a text (used to test a rule's examples).
pub fn rule_hits(rule: &Rule, text: &str, scene: Scene) -> Vec<Range<usize>> {
    if !rule.applies_to(scene) {
        return Vec::new();
    }
    let prepared = Prepared::new(text);
    let mut out = Vec::new();
    prepared.run(rule, 0, &mut out);
    out.into_iter().map(|f| f.chars).collect()
}
