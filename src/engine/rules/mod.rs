//! Rules as loaded. Each kind lives in its own module; this one holds what they share: levels, scopes,
//! scenes, `except`/`unless` and examples. The engine ([`crate::engine::linter`]) runs them.

pub mod forbid;
pub mod limit;
pub mod matcher;
pub mod replace;
pub mod require;
pub mod require_with;

use crate::engine::pattern::Pattern;
use crate::text::scene::Scene;
use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

pub use replace::Fix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }

    /// The Chinese word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Level::Info => "提示",
            Level::Warning => "警告",
            Level::Error => "错误",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Phrase,
    Sentence,
}

/// Which view of a phrase a rule matches on (`match:` in a pack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    /// The normalised view (`text::normalize`): the default.
    #[default]
    Text,
    /// The skeleton view (`text::skeleton`): separators and emoji between letters removed,
    /// homophones of contact words folded, digits in any form read as digits.
    Skeleton,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Forbid(forbid::Forbid),
    Replace(replace::Replace),
    RequireWith(require_with::RequireWith),
    Require(require::Require),
    Limit(limit::Limit),
    /// A rule over the whole library (see [`crate::engine::library`]): it never matches one phrase.
    Library(crate::engine::library::LibraryRule),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Forbid(_) => "forbid",
            Kind::Replace(_) => "replace",
            Kind::RequireWith(_) => "require-with",
            Kind::Require(_) => "require",
            Kind::Limit(_) => "limit",
            Kind::Library(l) => l.kind.name(),
        }
    }

    /// The library rule, when this is one.
    pub fn library(&self) -> Option<&crate::engine::library::LibraryRule> {
        match self {
            Kind::Library(l) => Some(l),
            _ => None,
        }
    }
}

/// An example from a rule's `examples`, with where it stands in its pack file.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    pub scene: Scene,
    /// Byte range of the example in the pack file.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Examples {
    pub bad: Vec<Example>,
    pub good: Vec<Example>,
}

/// A former id of a renamed rule, with where its pack declares it (errors about it point there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub id: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    /// Former ids: an id never changes meaning, so a renamed rule still answers to its old ones.
    pub aliases: Vec<Alias>,
    pub pack: String,
    pub level: Level,
    pub message: String,
    /// Shared: a rule is cloned for every linter and profile, and these are its long texts.
    pub explain: Arc<str>,
    pub source: Arc<str>,
    pub scenes: Option<Vec<Scene>>,
    pub scope: Scope,
    pub view: View,
    pub suggest: Vec<String>,
    /// A match inside an `except` match is dropped.
    pub except: Vec<Pattern>,
    /// A scope where an `unless` pattern matches has no finding.
    pub unless: Vec<Pattern>,
    /// Ids of rules that, when they report on a phrase, leave this rule quiet there (when they
    /// run): two findings asking for the same change are one too many.
    pub defers_to: Vec<String>,
    pub kind: Kind,
    pub examples: Arc<Examples>,
}

impl Rule {
    /// Whether `name` is one of the rule's former ids.
    pub fn has_alias(&self, name: &str) -> bool {
        self.aliases.iter().any(|a| a.id == name)
    }

    pub fn applies_to(&self, scene: Scene) -> bool {
        self.scenes.as_ref().is_none_or(|s| s.contains(&scene))
    }

    /// The fix mode of a `replace` rule, or `Remove` for a `forbid` rule with `fix: remove`.
    pub fn fix(&self) -> Option<Fix> {
        match &self.kind {
            Kind::Replace(r) => Some(r.fix),
            Kind::Forbid(f) if f.remove => Some(Fix::Remove),
            _ => None,
        }
    }
}

/// Sentence scopes of a normalised text: split after 。!?;… and at line breaks.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    sentences_into(text, &mut out);
    out
}

/// [`sentences`] into a buffer (cleared first).
pub fn sentences_into(text: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let end = match c {
            '\n' | '\r' => Some((i, i + c.len_utf8())),
            '。' | '!' | '?' | ';' | '…' => {
                // Keep a run of terminators (?!, ……) with the sentence it ends.
                let mut e = i + c.len_utf8();
                while let Some(&(j, d)) = iter.peek() {
                    if matches!(d, '。' | '!' | '?' | ';' | '…') {
                        e = j + d.len_utf8();
                        iter.next();
                    } else {
                        break;
                    }
                }
                Some((e, e))
            }
            _ => None,
        };
        if let Some((end, next)) = end {
            if end > start {
                out.push(start..end);
            }
            start = next;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn except_judges_each_match_before_overlaps_merge() {
        let pack = "pack: t\ndescription: t\nrules:\n  - id: t/x\n    kind: forbid\n    level: warning\n    message: m\n    explain: e\n    source: s\n    patterns: ['我们把[^,]*发', '发过来']\n    except: ['我们把[^,]*发']\n    examples: {bad: [我们把样品发过来], good: [我们把样品发出]}\n";
        let pack = crate::Pack::parse("t.yaml", pack).unwrap();
        let hits =
            crate::engine::linter::rule_hits(&pack.rules[0], "我们把样品发过来", Scene::Common);
        assert_eq!(hits, vec![5..8]);
    }

    #[test]
    fn splits_sentences_keeping_terminators() {
        let t = "不清楚。我帮您问问!!好吗?\n谢谢";
        let parts: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(parts, vec!["不清楚。", "我帮您问问!!", "好吗?", "谢谢"]);
    }
}
