//! Library checks: rules that look at all phrases of a library together (a run, or one shop where a
//! file names it) instead of one phrase at a time: the same reply saved twice, replies that differ
//! only slightly, two replies on one quick code, replies promising different things, replies that
//! contradict the shop's stated policy, conversation stages with no reply at all, and names and
//! codes too long for the platform.
//!
//! They are rules like any other ([`crate::engine::rules::Kind::Library`]): ids, levels, messages,
//! selection, suppressions and baselines work the same. They never match a single phrase on its
//! own; the run computes a compact [`Sketch`] of every phrase where it lints it, and an [`Index`]
//! merges the sketches in path order (see `run::library`).
//!
//! [`key`] is how phrases are compared, [`facts`] what they promise, [`index`] the library as it
//! grows, [`examples`] the packs' multi-phrase examples.

pub mod chunked;
pub mod examples;
pub mod facts;
pub mod index;
pub mod key;
pub mod lazy_regex;

pub use chunked::Chunked;
pub use facts::{Fact, Hit, Value, ValueType};
pub use index::{Index, LibId, PhraseId};
use lazy_regex::LazyRegex;

use crate::engine::pattern::Pattern;
use crate::text::normalize::normalize_str;
use crate::text::scene::Scene;
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// The kinds of library rules, as packs name them.
pub const KINDS: &[&str] = &[
    "duplicate",
    "near-duplicate",
    "duplicate-code",
    "inconsistent-promise",
    "contradicts-policy",
    "missing-scene",
    "group-name-too-long",
    "code-too-long",
];

/// Words and patterns, matched on normalised text (one regex for all, compiled on first use).
#[derive(Debug, Clone)]
pub struct Words {
    re: LazyRegex,
    /// The words (normalised) and the patterns the regex joins: the screen reads their literals
    /// one by one, prepared by `build.rs` for a built-in pack.
    words: Vec<String>,
    patterns: Vec<String>,
}

impl Words {
    /// The one regex, as source.
    pub fn as_str(&self) -> &str {
        self.re.as_str()
    }

    /// `words` are literals (normalised here), `patterns` regexes (already Simplified); compiled
    /// now, so that a mistake in a user's pack is reported when it loads.
    pub fn new(words: &[String], patterns: &[String]) -> Result<Words, regex::Error> {
        let lazy = Words::lazy(words, patterns);
        // Compiled here for its error only; searched with the lazily built one.
        Regex::new(lazy.as_str())?;
        Ok(lazy)
    }

    /// [`Words::new`] compiled on first use: for a built-in pack, whose lists `cargo test` compiles.
    pub fn lazy(words: &[String], patterns: &[String]) -> Words {
        let words: Vec<String> = words
            .iter()
            .map(|w| normalize_str(w))
            .filter(|w| !w.is_empty())
            .collect();
        let mut alternatives: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
        alternatives.extend(patterns.iter().map(|p| format!("(?:{p})")));
        Words {
            re: LazyRegex::lazy(&alternatives.join("|")),
            words,
            patterns: patterns.to_vec(),
        }
    }

    pub fn is_match(&self, normalised: &str) -> bool {
        self.re.is_match(normalised)
    }
}

/// A conversation stage a library should have a reply for (greeting, payment reminder, an apology
/// in after-sales, closing thanks).
#[derive(Debug, Clone)]
pub struct Stage {
    /// Kebab-case name, as `library: stages:` in the config names it.
    pub name: String,
    /// What shop owners call it (售后致歉).
    pub label: String,
    /// A phrase in one of these scenes covers the stage (if it also matches `with`, when given).
    pub scenes: Vec<Scene>,
    pub with: Option<Words>,
    /// A phrase in any scene that matches this covers the stage too.
    pub any: Option<Words>,
}

impl Stage {
    pub fn covered_by(&self, normalised: &str, scene: Scene) -> bool {
        let matches = |w: &Words| w.is_match(normalised);
        self.covered(scene, matches, matches)
    }

    /// [`Stage::covered_by`], with `with` and `any` telling whether those word lists match.
    fn covered(
        &self,
        scene: Scene,
        with: impl FnOnce(&Words) -> bool,
        any: impl FnOnce(&Words) -> bool,
    ) -> bool {
        (self.scenes.contains(&scene) && self.with.as_ref().is_none_or(with))
            || self.any.as_ref().is_some_and(any)
    }
}

/// What a library rule checks, with its parameters.
#[derive(Debug, Clone)]
pub enum LibraryKind {
    Duplicate,
    NearDuplicate {
        /// Bigram similarity (Jaccard) at or above which two phrases are near-duplicates.
        threshold: f64,
    },
    DuplicateCode,
    InconsistentPromise,
    ContradictsPolicy,
    MissingScene {
        stages: Vec<Stage>,
        /// A library with fewer phrases is a fragment, not a library: not checked.
        min_phrases: usize,
    },
    GroupNameTooLong {
        /// `None` until a config names the platform's limit.
        max_chars: Option<usize>,
    },
    CodeTooLong {
        max_chars: Option<usize>,
    },
}

impl LibraryKind {
    pub fn name(&self) -> &'static str {
        match self {
            LibraryKind::Duplicate => "duplicate",
            LibraryKind::NearDuplicate { .. } => "near-duplicate",
            LibraryKind::DuplicateCode => "duplicate-code",
            LibraryKind::InconsistentPromise => "inconsistent-promise",
            LibraryKind::ContradictsPolicy => "contradicts-policy",
            LibraryKind::MissingScene { .. } => "missing-scene",
            LibraryKind::GroupNameTooLong { .. } => "group-name-too-long",
            LibraryKind::CodeTooLong { .. } => "code-too-long",
        }
    }

    /// Whether its findings are known only once every phrase is in.
    pub fn is_deferred(&self) -> bool {
        matches!(
            self,
            LibraryKind::InconsistentPromise | LibraryKind::MissingScene { .. }
        )
    }
}

/// One phrase of a multi-phrase example.
#[derive(Debug, Clone)]
pub struct ExamplePhrase {
    pub text: String,
    pub scene: Scene,
    pub group: Option<String>,
    pub code: Option<String>,
}

/// A library rule's example: a small library, with what the config would say.
#[derive(Debug, Clone, Default)]
pub struct LibraryExample {
    pub phrases: Vec<ExamplePhrase>,
    /// `policy:` entries (fact label or name → value).
    pub policy: Vec<(String, String)>,
    /// Required stages (`None`: all the rule declares).
    pub stages: Option<Vec<String>>,
    /// The limit for the length rules.
    pub limit: Option<usize>,
    /// Byte range of the example in the pack file.
    pub span: Range<usize>,
}

/// A compiled library rule.
#[derive(Debug, Clone)]
pub struct LibraryRule {
    pub kind: LibraryKind,
    pub bad: Vec<LibraryExample>,
    pub good: Vec<LibraryExample>,
    /// The facts of the rule's pack (its examples use them; a run uses every loaded pack's).
    pub facts: Arc<[Fact]>,
}

/// What the run's library checks need to know about a phrase, computed where it is linted.
#[derive(Debug, Clone)]
pub struct Sketch {
    /// Hash of the phrase's key; 0 when it has none (punctuation or emoji only).
    pub key: u64,
    /// Its shape, for near-duplicates.
    pub shape: Option<key::Shape>,
    /// Hash of its quick code (trimmed, normalised), and the code's length in characters.
    pub code: Option<(u64, usize)>,
    pub scene: Scene,
    /// The stages it covers, one bit per stage of the run.
    pub stages: u64,
    /// The facts it states.
    pub facts: Vec<Hit>,
}

/// The run's library checks, set up once: facts from every loaded pack, the policy, the stages.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub facts: Vec<Fact>,
    /// The policy value of each fact, where the config states one.
    pub policy: Vec<Option<Value>>,
    /// The stages of the run (at most 64).
    pub stages: Vec<Stage>,
    /// Whether any near-duplicate rule runs (shapes are computed only then).
    pub near: bool,
    /// Built on the first sketch, once the facts and stages are set.
    pub screen: Screened,
}

/// The [`Library`]'s screen, built when first needed (set up the facts and stages before).
#[derive(Debug, Clone, Default)]
pub struct Screened(std::sync::OnceLock<Screen>);

/// One pass over a phrase that tells which facts and which stages' word lists can match it at all:
/// most phrases state no fact, and every pattern searched on its own cost more than the lint of the
/// phrase. Each fact and word list is a target with the literals one of which every match contains
/// ([`crate::engine::literals::required`]); one Aho-Corasick pass marks the targets whose literals
/// occur. A target without known literals is searched on every phrase, as before.
#[derive(Debug, Clone, Default)]
struct Screen {
    automaton: Option<aho_corasick::AhoCorasick>,
    /// The targets of each literal of the automaton.
    targets_of: Vec<Vec<u32>>,
    /// Targets marked on every phrase.
    always: Vec<bool>,
    /// Per fact: its target.
    facts: Vec<u32>,
    /// Per stage: the targets of its `with` and `any` word lists.
    stages: Vec<(Option<u32>, Option<u32>)>,
}

impl Screen {
    fn new(library: &Library) -> Screen {
        let mut literals: HashMap<Vec<u8>, Vec<u32>> = HashMap::new();
        let mut always = Vec::new();
        // A target is known when each of its alternatives (a word, or a pattern with a set of
        // literals one of which every match contains) is: then one of all those literals occurs in
        // every phrase it matches. A built-in pattern's sets come from `build.rs`, not parsed here.
        let mut target = |words: &[String], patterns: &mut dyn Iterator<Item = &str>| -> u32 {
            let id = always.len() as u32;
            let mut sets: Vec<Vec<Vec<u8>>> =
                vec![words.iter().map(|w| w.as_bytes().to_vec()).collect()];
            let mut known = true;
            for p in patterns {
                let pattern = Pattern::builtin(p);
                match pattern.literals().as_ref().and_then(|sets| sets.first()) {
                    Some(set) => sets.push(set.iter().map(|l| l.to_vec()).collect()),
                    None => known = false,
                }
            }
            let none = sets.iter().all(Vec::is_empty);
            always.push(!known || none);
            if known {
                for l in sets.into_iter().flatten() {
                    let ids = literals.entry(l).or_default();
                    if ids.last() != Some(&id) {
                        ids.push(id);
                    }
                }
            }
            id
        };
        let facts = library
            .facts
            .iter()
            .map(|f| target(&[], &mut f.patterns.iter().map(|re| re.as_str())))
            .collect();
        let stages = library
            .stages
            .iter()
            .map(|st| {
                let mut one = |w: &Option<Words>| {
                    w.as_ref()
                        .map(|w| target(&w.words, &mut w.patterns.iter().map(String::as_str)))
                };
                (one(&st.with), one(&st.any))
            })
            .collect();
        let (keys, targets_of): (Vec<Vec<u8>>, Vec<Vec<u32>>) = literals.into_iter().unzip();
        let automaton = (!keys.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&keys)
                    .ok()
            })
            .flatten();
        // Without the automaton nothing is screened out.
        if automaton.is_none() {
            always.iter_mut().for_each(|a| *a = true);
        }
        Screen {
            automaton,
            targets_of,
            always,
            facts,
            stages,
        }
    }

    /// The targets a normalised phrase may match.
    fn marks(&self, norm: &str) -> Vec<bool> {
        let mut marks = self.always.clone();
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(norm) {
                for &t in &self.targets_of[m.pattern().as_usize()] {
                    marks[t as usize] = true;
                }
            }
        }
        marks
    }
}

impl Library {
    /// The sketch of one phrase.
    pub fn sketch(&self, text: &str, scene: Scene, code: Option<&str>) -> Sketch {
        thread_local! {
            // A worker sketches phrase after phrase: the view's buffers are reused.
            static NORM: std::cell::RefCell<crate::text::normalize::Normalized> =
                Default::default();
        }
        NORM.with(|cell| match cell.try_borrow_mut() {
            Ok(mut norm) => {
                norm.set(text);
                let sketch = self.sketch_normalized(&norm, scene, code);
                // A runaway phrase's view is not kept for the phrases after it.
                if text.len() > crate::engine::linter::WINDOWED_FROM {
                    *norm = Default::default();
                }
                sketch
            }
            Err(_) => {
                let norm = crate::text::normalize::Normalized::new(text);
                self.sketch_normalized(&norm, scene, code)
            }
        })
    }

    /// [`Library::sketch`] of a phrase's normalised view: one view for the key, the stages and the
    /// facts.
    fn sketch_normalized(
        &self,
        norm: &crate::text::normalize::Normalized,
        scene: Scene,
        code: Option<&str>,
    ) -> Sketch {
        let key_text = key::key_of_normalized(norm.as_str());
        let key = if key_text.is_empty() {
            0
        } else {
            key::hash(key_text.as_bytes()).max(1)
        };
        let shape = if self.near {
            key::shape(&key_text)
        } else {
            None
        };
        let code = code.map(str::trim).filter(|c| !c.is_empty()).map(|c| {
            (
                key::hash(normalize_str(c).as_bytes()).max(1),
                c.chars().count(),
            )
        });
        let screen = self.screen.0.get_or_init(|| Screen::new(self));
        let marks = screen.marks(norm.as_str());
        let mut stages = 0u64;
        for (i, s) in self.stages.iter().enumerate().take(64) {
            let (with, any) = screen.stages.get(i).copied().unwrap_or_default();
            // A word list the screen left unmarked cannot match; a marked one is searched.
            let may = |target: Option<u32>, w: &Words| {
                target.is_none_or(|t| marks[t as usize]) && w.is_match(norm.as_str())
            };
            let covered = s.covered(scene, |w| may(with, w), |w| may(any, w));
            if covered {
                stages |= 1 << i;
            }
        }
        let can_state = |fact: usize| screen.facts.get(fact).is_none_or(|&t| marks[t as usize]);
        Sketch {
            key,
            shape,
            code,
            scene,
            stages,
            facts: facts::extract_screened(&self.facts, norm, can_state),
        }
    }

    /// The fact a `policy:` key names (its label or its name).
    pub fn fact_named(&self, name: &str) -> Option<usize> {
        let name = normalize_str(name.trim());
        self.facts
            .iter()
            .position(|f| normalize_str(&f.label) == name || f.name == name)
    }
}

/// The policy value a fact statement contradicts, if any.
pub fn contradicts<'a>(policy: &'a [Option<Value>], hit: &Hit) -> Option<&'a Value> {
    policy
        .get(hit.fact)
        .and_then(Option::as_ref)
        .filter(|v| **v != hit.value)
}

/// Whether a name or code of `chars` characters is over a limit (none: never).
pub fn too_long(max: Option<usize>, chars: usize) -> bool {
    max.is_some_and(|m| chars > m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The screen only skips what cannot match: the built-in facts and stages give the same sketch
    /// with it as searching every pattern does.
    /// Built-in facts and word lists compile on first use, not when the pack loads: this is where a
    /// mistake in them is caught instead (a user pack's are compiled and checked on loading).
    #[test]
    fn built_in_facts_and_word_lists_compile_and_name_their_values() {
        for name in crate::engine::builtin::names() {
            let Some(Ok(pack)) = crate::engine::builtin::load(name) else {
                continue;
            };
            for f in pack.facts.iter() {
                assert!(!f.patterns.is_empty(), "{}", f.name);
                for re in &f.patterns {
                    let compiled = Regex::new(re.as_str()).unwrap();
                    let names: Vec<&str> = compiled.capture_names().flatten().collect();
                    assert!(
                        names.contains(&"value")
                            || (names.contains(&"from") && names.contains(&"to")),
                        "{}: {} names no value",
                        f.name,
                        re.as_str()
                    );
                    // The screen reads its literals from `build.rs` instead of parsing it.
                    assert!(Pattern::is_prepared(re.as_str()), "{}", re.as_str());
                }
                for re in f.except.iter().chain(&f.unless) {
                    Regex::new(re.as_str()).unwrap();
                }
            }
            for r in &pack.rules {
                if let crate::engine::rules::Kind::Library(l) = &r.kind
                    && let LibraryKind::MissingScene { stages, .. } = &l.kind
                {
                    for w in stages.iter().flat_map(|s| s.with.iter().chain(&s.any)) {
                        Regex::new(w.as_str()).unwrap();
                        for p in &w.patterns {
                            assert!(Pattern::is_prepared(p), "{p}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_screen_changes_no_sketch() {
        let pack = crate::engine::builtin::load("library").unwrap().unwrap();
        let mut stages = Vec::new();
        for r in &pack.rules {
            if let crate::engine::rules::Kind::Library(l) = &r.kind
                && let LibraryKind::MissingScene { stages: s, .. } = &l.kind
            {
                stages.extend(s.iter().cloned());
            }
        }
        assert!(!stages.is_empty() && !pack.facts.is_empty());
        let library = Library {
            facts: pack.facts.to_vec(),
            stages,
            ..Library::default()
        };
        let phrases = [
            "亲，本店默认发中通快递，48小时内发货，7天无理由退换",
            "满99包邮，偏远地区除外；价保30天",
            "客服在线时间 9:00-23:00，欢迎咨询",
            "您好，欢迎光临！请问有什么可以帮您？",
            "非常抱歉给您带来不便，我们马上为您处理",
            "感谢您的光临，祝您生活愉快",
            "親，我們24小時內發貨，支援15天無理由退換喔",
            "好的",
        ];
        let (mut facts_seen, mut stages_seen) = (0, 0);
        for text in phrases {
            for scene in Scene::ALL {
                let norm = crate::text::normalize::Normalized::new(text);
                let sketch = library.sketch(text, scene, None);
                assert_eq!(
                    sketch.facts,
                    facts::extract_normalized(&library.facts, &norm),
                    "{text}"
                );
                let stages = library
                    .stages
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.covered_by(norm.as_str(), scene))
                    .fold(0u64, |bits, (i, _)| bits | 1 << i);
                assert_eq!(sketch.stages, stages, "{text} in {scene:?}");
                facts_seen += sketch.facts.len();
                stages_seen += stages.count_ones();
            }
        }
        // The phrases state facts and cover stages: the comparison is not between two empties.
        assert!(facts_seen > 0 && stages_seen > 0);
    }
}
