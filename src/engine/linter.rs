//! Runs compiled rules over phrases. Each phrase is normalised once and split into sentences once;
//! nothing is compiled here.

use crate::engine::rules::{Rule, Scope, View, sentences};
use crate::text::normalize::Normalized;
use crate::text::phrase::Phrase;
use crate::text::scene::Scene;
use crate::text::skeleton::Skeleton;
use std::cell::OnceCell;
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

/// The skeleton view of a phrase with its phrase and sentence scopes.
struct SkeletonView {
    skeleton: Skeleton,
    whole: Vec<Range<usize>>,
    sentences: Vec<Range<usize>>,
}

/// A phrase prepared for matching.
struct Prepared {
    norm: Normalized,
    whole: Vec<Range<usize>>,
    sentences: Vec<Range<usize>>,
    /// The skeleton view and its scopes, built the first time a `match: skeleton` rule runs.
    skeleton: OnceCell<SkeletonView>,
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
            skeleton: OnceCell::new(),
        }
    }

    fn run(&self, rule: &Rule, index: usize, out: &mut Vec<Finding>) {
        if rule.view == View::Skeleton {
            let view = self.skeleton.get_or_init(|| {
                let skeleton = Skeleton::new(&self.norm);
                SkeletonView {
                    whole: std::iter::once(0..skeleton.as_str().len()).collect(),
                    sentences: sentences(skeleton.as_str()),
                    skeleton,
                }
            });
            let (skeleton, scopes) = match rule.scope {
                Scope::Phrase => (&view.skeleton, &view.whole),
                Scope::Sentence => (&view.skeleton, &view.sentences),
            };
            for hit in rule.check(skeleton.as_str(), scopes) {
                out.push(Finding {
                    rule: index,
                    chars: skeleton.char_range(hit.range),
                    suggestions: hit.suggestions,
                });
            }
            return;
        }
        let scopes = match rule.scope {
            Scope::Phrase => &self.whole,
            Scope::Sentence => &self.sentences,
        };
        for hit in rule.check(self.norm.as_str(), scopes) {
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
