//! Runs rules over phrases.
//!
//! A [`Linter`] is a list of rules (with their levels) over a shared [`Engine`], which is built once
//! per set of loaded rules and compiles nothing up front: every rule's patterns and word lists get a
//! slot. For the rules a linter runs, the literals one of which every match of a slot contains (up to
//! three such sets per pattern, all required) are gathered into one Aho-Corasick automaton, the gate,
//! built on the first phrase and shared by every linter that runs the same rules. Per phrase:
//!
//! 1. the phrase is normalised (one table look-up per character) into a per-thread buffer, and when
//!    a rule that matches on the skeleton view (`match: skeleton`) applies to the phrase's scene, its
//!    skeleton ([`Skeleton`]) is built from that;
//! 2. one pass of the gate over each view marks the slots whose literal sets all occur in it (a
//!    skeleton rule's slots are marked by what the skeleton contains, never by the normalised text);
//! 3. a rule runs only if something that makes it fire is marked (most rules never run on most
//!    phrases), and inside it only marked patterns are searched — its `except` and `unless`
//!    included. Skipping an unmarked pattern changes nothing: it cannot match.
//!
//! Regexes are searched with per-thread caches, and the buffers are per thread and reused, so the
//! hot path neither contends nor allocates (a finding's suggestions are the only allocation).
//! [`Linter::subset`] gives the linter of a per-file profile without compiling or cloning any
//! matcher.

use crate::engine::pattern::{Caches, Pattern};
use crate::engine::rules::matcher::{Matcher, Words, drop_overlaps};
use crate::engine::rules::{Kind, Level, Rule, Scope, View, sentences_into};
use crate::text::normalize::normalize_into;
use crate::text::phrase::Phrase;
use crate::text::scene::Scene;
use crate::text::skeleton::Skeleton;
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::cell::RefCell;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// One rule's match in a phrase, in characters of the phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the rule in the linter.
    pub rule: usize,
    pub chars: Range<usize>,
    pub suggestions: Vec<String>,
}

/// Rules to run, at their levels, over a shared compiled engine.
#[derive(Debug, Clone, Default)]
pub struct Linter {
    /// The rules this linter runs; a finding's `rule` indexes this list. Matching uses the engine's
    /// own copy, so changing a rule here after construction changes only what it reports (level,
    /// message), not what it matches.
    pub rules: Vec<Rule>,
    engine: Arc<Engine>,
    /// The engine index of each of `rules`.
    at: Vec<usize>,
    /// The gate over these rules, built on the first phrase (shared with every linter of the same
    /// engine and the same rules).
    gate: OnceLock<Arc<Gate>>,
}

impl Linter {
    /// A linter over its own engine, built from `rules`. Nothing is compiled until a phrase needs it.
    pub fn new(rules: Vec<Rule>) -> Self {
        let engine = Arc::new(Engine::new(rules.clone()));
        let at = (0..rules.len()).collect();
        Linter {
            rules,
            engine,
            at,
            gate: OnceLock::new(),
        }
    }

    /// A linter over the same engine that runs only some of the rules, at other levels: `level`
    /// gets each rule's index and the rule, and returns its level, or `None` to leave it out. Cheap:
    /// nothing is compiled and no matcher is cloned, so a per-file profile costs nothing.
    pub fn subset(&self, level: impl Fn(usize, &Rule) -> Option<Level>) -> Linter {
        let mut rules = Vec::new();
        let mut at = Vec::new();
        for (i, (rule, &e)) in self.rules.iter().zip(&self.at).enumerate() {
            if let Some(level) = level(i, rule) {
                rules.push(Rule {
                    level,
                    ..rule.clone()
                });
                at.push(e);
            }
        }
        Linter {
            rules,
            engine: self.engine.clone(),
            at,
            gate: OnceLock::new(),
        }
    }

    pub fn check_phrase(&self, phrase: &Phrase) -> Vec<Finding> {
        self.check_text(phrase.text, phrase.scene)
    }

    /// Findings for a text used in a scene, sorted by position then rule order. A text longer than
    /// [`WINDOWED_FROM`] is checked window by window ([`Linter::check_windows`]).
    pub fn check_text(&self, text: &str, scene: Scene) -> Vec<Finding> {
        let mut out = Vec::new();
        let gate = self.gate.get_or_init(|| self.engine.gate(&self.at));
        if text.len() > WINDOWED_FROM {
            self.check_windows(gate, text, scene, &mut out);
        } else {
            with_scratch(&self.engine, |s| {
                self.engine.check(s, gate, text, scene, &self.at, &mut out)
            });
        }
        out.sort_by_key(|f| (f.chars.start, f.rule));
        out
    }

    /// Whether [`Linter::check_texts`] checks in blocks: only when a rule in use has patterns to
    /// search ahead. Rules that match only word lists have none, and a block would only cost
    /// (about 10% on 100k phrases and one rule of three words).
    pub fn checks_in_blocks(&self) -> bool {
        self.at
            .iter()
            .any(|&e| self.engine.plans[e].searches_ahead())
    }

    /// Findings for many texts, each as [`Linter::check_text`] finds them, in the same order; faster
    /// than one by one on a large library, as the texts are checked in blocks
    /// ([`Engine::check_block`]).
    pub fn check_texts(&self, texts: &[(&str, Scene)]) -> Vec<Vec<Finding>> {
        if !self.checks_in_blocks() {
            return texts
                .iter()
                .map(|&(text, scene)| self.check_text(text, scene))
                .collect();
        }
        let gate = self.gate.get_or_init(|| self.engine.gate(&self.at));
        let mut outs: Vec<Vec<Finding>> = vec![Vec::new(); texts.len()];
        let mut block: Vec<(&str, Scene)> = Vec::with_capacity(BLOCK.min(texts.len()));
        let mut at: Vec<usize> = Vec::with_capacity(block.capacity());
        let mut found: Vec<Vec<Finding>> = Vec::new();
        let mut flush = |block: &mut Vec<(&str, Scene)>, at: &mut Vec<usize>| {
            if block.is_empty() {
                return;
            }
            found.clear();
            found.resize(block.len(), Vec::new());
            with_scratch(&self.engine, |s| {
                self.engine
                    .check_block(s, gate, block, &self.at, &mut found)
            });
            for (&i, f) in at.iter().zip(found.iter_mut()) {
                f.sort_by_key(|f| (f.chars.start, f.rule));
                outs[i] = std::mem::take(f);
            }
            block.clear();
            at.clear();
        };
        for (i, &(text, scene)) in texts.iter().enumerate() {
            if text.len() > WINDOWED_FROM {
                continue;
            }
            block.push((text, scene));
            at.push(i);
            if block.len() == BLOCK {
                flush(&mut block, &mut at);
            }
        }
        flush(&mut block, &mut at);
        for (i, &(text, scene)) in texts.iter().enumerate() {
            if text.len() > WINDOWED_FROM {
                outs[i] = self.check_text(text, scene);
            }
        }
        outs
    }

    /// A text far longer than any reply (a document pasted into one cell, a file with no line
    /// breaks) is checked in windows of about [`WINDOW`] bytes that end at a sentence end: the
    /// gate then does for each window what it does for a phrase, and the normalised views are a
    /// window's, not the text's (they cost several bytes per byte). Rules that judge a whole phrase
    /// judge each window; a character limit (`limit` with `max_chars`) still counts the whole text.
    fn check_windows(&self, gate: &Gate, text: &str, scene: Scene, out: &mut Vec<Finding>) {
        let whole = |rule: &Rule| matches!(&rule.kind, Kind::Limit(k) if k.max_chars.is_some());
        let (limits, windowed): (Vec<usize>, Vec<usize>) =
            (0..self.rules.len()).partition(|&i| whole(&self.engine.rules[self.at[i]]));
        let active: Vec<usize> = windowed.iter().map(|&i| self.at[i]).collect();
        let mut chars = 0;
        let mut part = Vec::new();
        for window in windows(text) {
            let window = &text[window];
            part.clear();
            with_scratch(&self.engine, |s| {
                self.engine
                    .check(s, gate, window, scene, &active, &mut part)
            });
            out.extend(part.drain(..).map(|f| Finding {
                rule: windowed[f.rule],
                chars: f.chars.start + chars..f.chars.end + chars,
                suggestions: f.suggestions,
            }));
            chars += window.chars().count();
        }
        // Limits count characters and runs of punctuation, which the view keeps one for one; the
        // whole text's view is made once, and only when a limit applies.
        let mut norm = String::new();
        for i in limits {
            let rule = &self.engine.rules[self.at[i]];
            let Kind::Limit(k) = &rule.kind else {
                continue;
            };
            if !rule.applies_to(scene) {
                continue;
            }
            if norm.is_empty() {
                normalize_into(text, &mut norm);
            }
            let mut ranges = Vec::new();
            k.hits(&norm, |r| ranges.push(r));
            let (mut byte, mut char) = (0, 0);
            let mut char_at = |b: usize| {
                char += norm[byte..b].chars().count();
                byte = b;
                char
            };
            for r in ranges {
                let start = char_at(r.start);
                let end = char_at(r.end);
                out.push(Finding {
                    rule: i,
                    chars: start..end,
                    suggestions: rule.suggest.clone(),
                });
            }
        }
    }
}

/// Texts checked together by [`Linter::check_texts`]. A block's phrases are all normalised and
/// gated before any pattern runs, and a pattern then searches every phrase of the block that needs
/// it: the larger the block, the more searches each pattern makes while its DFA is still in the
/// processor's cache. A block holds each phrase's views, marks and searches, about 2 KB a phrase.
/// Measured on a million phrases against checking them one by one: 16% less cpu, 10% less time,
/// 33 MB more memory at 8192 (at 1024 the cpu saved was 4%).
const BLOCK: usize = 8192;

/// Texts longer than this (in bytes) are checked in windows: no quick reply comes near it (the
/// platforms cut one at a few hundred characters).
pub const WINDOWED_FROM: usize = 64 << 10;
/// The size a window aims at: about a long reply (340 characters of Chinese), so the gate works as it
/// does on a phrase.
const WINDOW: usize = 1 << 10;

/// Where a window may end, in the original text (full- and half-width): after a sentence, or
/// failing that after a clause.
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '!', '?', '；', ';', '\n', '\r', '…'];
const CLAUSE_ENDS: &[char] = &['，', ',', '、'];

/// The windows of a long text: consecutive byte ranges of about [`WINDOW`] bytes, each ending after
/// a sentence end (a run of 。！？!?；; or a line break) where the stretch has one, else after a
/// comma, else at a character boundary.
fn windows(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let mut end = start + WINDOW;
        if end >= text.len() {
            end = text.len();
        } else {
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let stretch = &text[start..end];
            let ends = |set: &[char]| {
                stretch
                    .char_indices()
                    .rfind(|(_, c)| set.contains(c))
                    .map(|(i, c)| start + i + c.len_utf8())
            };
            if let Some(cut) = ends(SENTENCE_ENDS).or_else(|| ends(CLAUSE_ENDS)) {
                end = cut;
            }
            // A run of marks stays in one window (three in a row are one finding).
            let rest = &text[end..];
            let run = rest
                .char_indices()
                .find(|(_, c)| !SENTENCE_ENDS.contains(c) && !CLAUSE_ENDS.contains(c))
                .map_or(rest.len(), |(i, _)| i);
            end += run;
            if end == start {
                end = start + text[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        let window = start..end;
        start = end;
        Some(window)
    })
}

/// The character ranges where one rule fires on a text (used to test a rule's examples).
pub fn rule_hits(rule: &Rule, text: &str, scene: Scene) -> Vec<Range<usize>> {
    Linter::new(vec![rule.clone()])
        .check_text(text, scene)
        .into_iter()
        .map(|f| f.chars)
        .collect()
}

/// Rules prepared for matching: slots, the gate, and per rule what makes it fire.
struct Engine {
    /// Tells per-thread scratch space which engine it was sized for.
    id: u64,
    rules: Vec<Rule>,
    plans: Vec<Plan>,
    /// What each slot is: a pattern (searched with the slot's cache), or a word list, `replace`
    /// keys or a punctuation limit (no cache). A slot is also the slot's bit in the gate's marks.
    slots: Vec<Option<Pattern>>,
    /// The literals of each slot.
    slot_literals: Vec<SlotLiterals>,
    /// The engine index of the rule each slot belongs to.
    slot_rule: Vec<u32>,
    /// The gate of each set of active rules met so far (per-file profiles share them).
    gates: Mutex<Vec<(Vec<usize>, Arc<Gate>)>>,
    /// Per rule: the engine indexes of the rules it defers to (`defers_to`, by id or former id).
    defers: Vec<Vec<usize>>,
}

/// Where a slot's literals come from.
enum SlotLiterals {
    /// The slot's pattern.
    Pattern,
    Words(Words),
    Listed(Option<Vec<Vec<u8>>>),
}

/// The prefilter of one set of active rules: per view, one automaton over the literals of the slots
/// of the rules that match on that view.
struct Gate {
    /// The normalised view's.
    text: ViewGate,
    /// The skeleton view's; `None` when no active rule matches on the skeleton.
    skeleton: Option<ViewGate>,
    /// The slot of each clause (clauses of both views are numbered together).
    clause_slot: Vec<u32>,
    /// How many clauses each slot has (0 for slots of inactive rules).
    clauses_of: Vec<u8>,
    /// Slots marked on every phrase: active ones with no known literals.
    always: Vec<u64>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("literals", &self.text.ends.len())
            .finish()
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.rules.len())
            .field("slots", &self.slots.len())
            .finish()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(Vec::new())
    }
}

/// Phrases a gate serves by looking its literals up in a hash table before it builds its automaton.
/// Building the automaton over the built-in packs' ~5,600 literals costs about 34 million
/// instructions; the lookups cost a few thousand instructions a phrase more than searching with it
/// (callgrind). Looking up for about as many phrases as the automaton's cost would pay for bounds
/// the loss either way: a pre-commit run over a few files or a shop's library of a few thousand
/// phrases never builds it, a large library gets it early on.
const LOOKUPS_BEFORE_AUTOMATON: u32 = 4096;

/// Up to this many literals, a gate's automaton is left to the aho-corasick crate's own choices.
const FEW_LITERALS: usize = 64;

/// A normalised text longer than this (in bytes) has its sentence-scoped rules gated sentence by
/// sentence. The findings are the same either way (a pattern matches in a sentence only if its
/// literals are in that sentence); for a short phrase one gate pass is cheaper, for a long one
/// (a whole document pasted into one cell) it spares searching each of thousands of sentences
/// for every pattern whose literals occur anywhere in the text.
const LONG_TEXT: usize = 4096;

/// The gate's literals for the slots of one view: found by table lookups for the first phrases, then
/// by an automaton. Both find every occurrence of every literal, so the marks are the same.
struct ViewGate {
    /// Every distinct literal, concatenated: literal `i` is `bytes[ends[i - 1]..ends[i]]`.
    bytes: Vec<u8>,
    ends: Vec<u32>,
    /// Every prefix of every literal, once: indexes into `prefixes` by the hash of the prefix's
    /// bytes, open addressing (`u32::MAX`: empty); a power of two long.
    table: Vec<u32>,
    prefixes: Vec<Prefix>,
    /// Phrases served so far by lookups.
    served: AtomicU32,
    /// Over every distinct literal, built after [`LOOKUPS_BEFORE_AUTOMATON`] phrases.
    automaton: OnceLock<AhoCorasick>,
    /// The clauses each literal satisfies: `clauses[starts[i]..starts[i + 1]]`. A clause is a set of
    /// literals of one slot; a slot is marked once all its clauses are.
    starts: Vec<u32>,
    clauses: Vec<u32>,
}

impl ViewGate {
    /// A gate over `(literal, clause)` pairs, in any order and with repeats. The literals are told
    /// apart by the prefix table itself (a start-up builds this over some 20,000 pairs: a map of
    /// vectors, hashed again, cost as much as the table).
    fn new(pairs: Vec<(&[u8], u32)>) -> ViewGate {
        let mut gate = ViewGate {
            table: vec![u32::MAX; 1024],
            prefixes: Vec::new(),
            bytes: Vec::new(),
            ends: Vec::new(),
            served: AtomicU32::new(0),
            automaton: OnceLock::new(),
            starts: vec![0],
            clauses: Vec::with_capacity(pairs.len()),
        };
        let mut of_literal: Vec<(u32, u32)> = Vec::with_capacity(pairs.len());
        for (l, clause) in pairs {
            let h = l.iter().fold(HASH_SEED, |h, &b| hash_step(h, b));
            let literal = match gate.find_prefix(h, l) {
                Ok(p) if gate.prefixes[p].literal != u32::MAX => gate.prefixes[p].literal,
                _ => gate.add_literal(l),
            };
            of_literal.push((literal, clause));
        }
        // Grouped by literal with a counting sort, which keeps each literal's clauses in the order
        // they came: increasing, so a repeat is next to its twin.
        let n = gate.ends.len();
        let mut at = vec![0u32; n + 1];
        for &(l, _) in &of_literal {
            at[l as usize + 1] += 1;
        }
        for i in 0..n {
            at[i + 1] += at[i];
        }
        let mut grouped = vec![0u32; of_literal.len()];
        let mut fill = at.clone();
        for &(l, clause) in &of_literal {
            grouped[fill[l as usize] as usize] = clause;
            fill[l as usize] += 1;
        }
        for l in 0..n {
            let run = &grouped[at[l] as usize..at[l + 1] as usize];
            for (j, &clause) in run.iter().enumerate() {
                if j == 0 || run[j - 1] != clause {
                    gate.clauses.push(clause);
                }
            }
            gate.starts.push(gate.clauses.len() as u32);
        }
        gate
    }

    /// Adds a literal not yet in the gate, and those of its prefixes not yet in the table.
    fn add_literal(&mut self, l: &[u8]) -> u32 {
        let i = self.ends.len() as u32;
        self.bytes.extend_from_slice(l);
        self.ends.push(self.bytes.len() as u32);
        // At most half full, so that probes stay short.
        if (self.prefixes.len() + l.len()) * 2 > self.table.len() {
            self.grow((self.prefixes.len() + l.len()) * 2);
        }
        let mut h = HASH_SEED;
        for n in 1..=l.len() {
            h = hash_step(h, l[n - 1]);
            let at = match self.find_prefix(h, &l[..n]) {
                Ok(p) => p,
                Err(slot) => {
                    self.table[slot] = self.prefixes.len() as u32;
                    self.prefixes.push(Prefix {
                        of: i,
                        len: n as u32,
                        literal: u32::MAX,
                    });
                    self.prefixes.len() - 1
                }
            };
            if n == l.len() {
                self.prefixes[at].literal = i;
            }
        }
        i
    }

    /// A table of at least `size` slots, with every prefix in it again.
    fn grow(&mut self, size: usize) {
        let size = size.next_power_of_two().max(self.table.len() * 2);
        self.table = vec![u32::MAX; size];
        for p in 0..self.prefixes.len() {
            let Prefix { of, len, .. } = self.prefixes[p];
            let bytes = &self.literal(of as usize)[..len as usize];
            let h = bytes.iter().fold(HASH_SEED, |h, &b| hash_step(h, b));
            let Err(slot) = self.find_prefix(h, bytes) else {
                unreachable!("each prefix is in the table once");
            };
            self.table[slot] = p as u32;
        }
    }

    /// The entry of `prefix` (whose running hash is `h`), or the empty slot where it would go.
    fn find_prefix(&self, h: u64, prefix: &[u8]) -> Result<usize, usize> {
        let mask = self.table.len() - 1;
        let mut at = finish_hash(h) as usize & mask;
        loop {
            let p = self.table[at];
            if p == u32::MAX {
                return Err(at);
            }
            let e = &self.prefixes[p as usize];
            if e.len as usize == prefix.len()
                && &self.literal(e.of as usize)[..prefix.len()] == prefix
            {
                return Ok(p as usize);
            }
            at = (at + 1) & mask;
        }
    }

    fn literal(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    /// The automaton, once enough phrases have gone by (`None` before: look literals up).
    fn automaton(&self) -> Option<&AhoCorasick> {
        if let Some(a) = self.automaton.get() {
            return Some(a);
        }
        if self.served.fetch_add(1, Ordering::Relaxed) < LOOKUPS_BEFORE_AUTOMATON {
            return None;
        }
        Some(self.automaton.get_or_init(|| self.build_automaton()))
    }

    /// For the built-in packs' thousands of literals, a contiguous NFA: quick to build, quick to
    /// search, and no prefilter, as most literals are common characters and none would skip much. A
    /// handful of a user's words is left to the crate: a DFA, and a prefilter that skips to where
    /// they can start.
    fn build_automaton(&self) -> AhoCorasick {
        let few = self.ends.len() <= FEW_LITERALS;
        AhoCorasick::builder()
            .kind((!few).then_some(AhoCorasickKind::ContiguousNFA))
            .prefilter(few)
            .build((0..self.ends.len()).map(|i| self.literal(i)))
            .expect("an automaton over the rules' literals always builds")
    }

    /// Calls `hit` with the id of every literal occurring in `text`, once per occurrence.
    fn each_literal(&self, text: &str, mut hit: impl FnMut(usize)) {
        if self.ends.is_empty() {
            return;
        }
        if let Some(automaton) = self.automaton() {
            for m in automaton.find_overlapping_iter(text) {
                hit(m.pattern().as_usize());
            }
            return;
        }
        // From each byte, the substring grows while it is the prefix of some literal.
        let text = text.as_bytes();
        for start in 0..text.len() {
            let mut h = HASH_SEED;
            for end in start + 1..=text.len() {
                h = hash_step(h, text[end - 1]);
                let Ok(p) = self.find_prefix(h, &text[start..end]) else {
                    break;
                };
                let literal = self.prefixes[p].literal;
                if literal != u32::MAX {
                    hit(literal as usize);
                }
            }
        }
    }

    /// Marks the clauses whose literals occur in `text`, and the slots all of whose clauses are met.
    fn run(
        &self,
        gate: &Gate,
        text: &str,
        clauses_met: &mut [u64],
        counts: &mut [u8],
        marks: &mut [u64],
    ) {
        self.each_literal(text, |i| {
            let (a, b) = (self.starts[i], self.starts[i + 1]);
            for &clause in &self.clauses[a as usize..b as usize] {
                if marked(clauses_met, clause) {
                    continue;
                }
                mark(clauses_met, clause);
                let slot = gate.clause_slot[clause as usize];
                counts[slot as usize] += 1;
                if counts[slot as usize] == gate.clauses_of[slot as usize] {
                    mark(marks, slot);
                }
            }
        });
    }
}

/// A prefix of a literal: the first `len` bytes of literal `of`, itself the literal `literal` (or
/// `u32::MAX`: only a prefix).
struct Prefix {
    of: u32,
    len: u32,
    literal: u32,
}

/// FNV-1a over a literal's bytes, a byte at a time so that a substring's hash grows with it.
const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

fn hash_step(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
}

/// Spreads FNV's weak low bits before they index the table.
fn finish_hash(h: u64) -> u64 {
    h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32
}

/// Slots of one [`Matcher`].
#[derive(Default)]
struct MatcherPlan {
    words: Option<u32>,
    patterns: Vec<u32>,
}

impl MatcherPlan {
    fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.words
            .iter()
            .copied()
            .chain(self.patterns.iter().copied())
    }
}

enum KindPlan {
    Forbid(MatcherPlan),
    Replace(u32),
    RequireWith {
        when: MatcherPlan,
        require: MatcherPlan,
    },
    Require(MatcherPlan),
    Limit,
    /// Library rules look at all phrases together (`run::library`), never at one: no slots, never fires.
    Library,
}

/// One rule's slots, and when it can fire at all.
struct Plan {
    kind: KindPlan,
    except: Vec<u32>,
    unless: Vec<u32>,
    /// The rule runs when one of these slots is marked...
    fire_on: Vec<u32>,
    /// ...or always...
    always: bool,
    /// ...or when the phrase has more characters than this (`limit` with `max_chars`).
    longer_than: Option<usize>,
}

impl Plan {
    /// Whether [`Engine::request`] searches ahead for this rule: it has patterns to start with.
    fn searches_ahead(&self) -> bool {
        match &self.kind {
            KindPlan::Forbid(p) | KindPlan::RequireWith { when: p, .. } => !p.patterns.is_empty(),
            _ => false,
        }
    }

    fn fires(&self, marks: &[u64], text: &str) -> bool {
        self.always
            || self.fire_on.iter().any(|&s| marked(marks, s))
            || self
                .longer_than
                .is_some_and(|max| text.len() > max && text.chars().count() > max)
    }
}

fn marked(marks: &[u64], slot: u32) -> bool {
    marks[slot as usize / 64] & (1 << (slot % 64)) != 0
}

fn mark(marks: &mut [u64], slot: u32) {
    marks[slot as usize / 64] |= 1 << (slot % 64);
}

/// Collects slots while an engine is built.
#[derive(Default)]
struct Builder {
    slots: Vec<Option<Pattern>>,
    slot_literals: Vec<SlotLiterals>,
    slot_rule: Vec<u32>,
    /// The rule whose slots are being made.
    rule: u32,
}

impl Builder {
    fn slot(&mut self, pattern: Option<Pattern>, literals: SlotLiterals) -> u32 {
        let slot = self.slots.len() as u32;
        self.slots.push(pattern);
        self.slot_literals.push(literals);
        self.slot_rule.push(self.rule);
        slot
    }

    fn pattern(&mut self, p: &Pattern) -> u32 {
        self.slot(Some(p.clone()), SlotLiterals::Pattern)
    }

    fn patterns(&mut self, ps: &[Pattern]) -> Vec<u32> {
        ps.iter().map(|p| self.pattern(p)).collect()
    }

    fn words(&mut self, w: &Words) -> u32 {
        self.slot(None, SlotLiterals::Words(w.clone()))
    }

    fn matcher(&mut self, m: &Matcher) -> MatcherPlan {
        MatcherPlan {
            words: m.words.as_ref().map(|w| self.words(w)),
            patterns: self.patterns(&m.patterns),
        }
    }
}

static NEXT_ENGINE: AtomicU64 = AtomicU64::new(1);

impl Engine {
    fn new(rules: Vec<Rule>) -> Engine {
        let mut b = Builder::default();
        let mut plans = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            b.rule = i as u32;
            let except = b.patterns(&rule.except);
            let unless = b.patterns(&rule.unless);
            let (kind, fire_on, always, longer_than) = match &rule.kind {
                Kind::Forbid(f) => {
                    let m = b.matcher(&f.matcher);
                    let fire: Vec<u32> = m.slots().collect();
                    (KindPlan::Forbid(m), fire, false, None)
                }
                Kind::Replace(r) => {
                    let s = b.words(&r.keys);
                    (KindPlan::Replace(s), vec![s], false, None)
                }
                Kind::RequireWith(r) => {
                    let when = b.matcher(&r.when);
                    let require = b.matcher(&r.require);
                    let fire: Vec<u32> = when.slots().collect();
                    (KindPlan::RequireWith { when, require }, fire, false, None)
                }
                // Fires where nothing matches: always runs.
                Kind::Require(r) => (KindPlan::Require(b.matcher(&r.any)), vec![], true, None),
                Kind::Limit(l) => {
                    let punct = l
                        .max_repeat_punct
                        .map(|_| b.slot(None, SlotLiterals::Listed(l.punct_literals())));
                    (
                        KindPlan::Limit,
                        punct.into_iter().collect(),
                        false,
                        l.max_chars,
                    )
                }
                Kind::Library(_) => (KindPlan::Library, vec![], false, None),
            };
            plans.push(Plan {
                kind,
                except,
                unless,
                fire_on,
                always,
                longer_than,
            });
        }
        let defers = rules
            .iter()
            .map(|rule| {
                let named = |other: &Rule| {
                    rule.defers_to
                        .iter()
                        .any(|d| *d == other.id || other.has_alias(d))
                };
                (0..rules.len()).filter(|&j| named(&rules[j])).collect()
            })
            .collect();
        Engine {
            id: NEXT_ENGINE.fetch_add(1, Ordering::Relaxed),
            defers,
            rules,
            plans,
            slots: b.slots,
            slot_literals: b.slot_literals,
            slot_rule: b.slot_rule,
            gates: Mutex::new(Vec::new()),
        }
    }

    /// The gate over the slots of the rules at engine indexes `active`, built once per set.
    fn gate(&self, active: &[usize]) -> Arc<Gate> {
        let mut key = active.to_vec();
        key.sort_unstable();
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, g)) = gates.iter().find(|(k, _)| *k == key) {
            return g.clone();
        }
        let gate = Arc::new(self.build_gate(&key));
        gates.push((key, gate.clone()));
        gate
    }

    fn build_gate(&self, active: &[usize]) -> Gate {
        let mut is_active = vec![false; self.rules.len()];
        for &e in active {
            is_active[e] = true;
        }
        let mut literals: [Vec<(&[u8], u32)>; 2] = Default::default();
        let mut skeleton = false;
        let mut clause_slot = Vec::new();
        let mut clauses_of = vec![0u8; self.slots.len()];
        let mut always = vec![0u64; self.slots.len().div_ceil(64)];
        for (slot, source) in self.slot_literals.iter().enumerate() {
            let rule = self.slot_rule[slot] as usize;
            if !is_active[rule] {
                continue;
            }
            let view = self.rules[rule].view;
            skeleton |= view == View::Skeleton;
            let clauses: Option<Vec<Vec<&[u8]>>> = match source {
                SlotLiterals::Pattern => self.slots[slot].as_ref().and_then(Pattern::literals),
                SlotLiterals::Words(w) => {
                    Some(vec![w.list().iter().map(|s| s.as_bytes()).collect()])
                }
                SlotLiterals::Listed(l) => l
                    .as_ref()
                    .map(|l| vec![l.iter().map(Vec::as_slice).collect()]),
            };
            let clauses: Vec<Vec<&[u8]>> = clauses
                .unwrap_or_default()
                .into_iter()
                .filter(|c| !c.is_empty() && c.iter().all(|l| !l.is_empty()))
                .take(u8::MAX as usize)
                .collect();
            clauses_of[slot] = clauses.len() as u8;
            if clauses.is_empty() {
                mark(&mut always, slot as u32);
            }
            for clause in clauses {
                let id = clause_slot.len() as u32;
                clause_slot.push(slot as u32);
                literals[view as usize].extend(clause.into_iter().map(|l| (l, id)));
            }
        }
        // Active skeleton rules with no literals at all still need the skeleton built.
        skeleton |= active.iter().any(|&e| self.rules[e].view == View::Skeleton);
        let [text, skel] = literals;
        Gate {
            text: ViewGate::new(text),
            skeleton: skeleton.then(|| ViewGate::new(skel)),
            clause_slot,
            clauses_of,
            always,
        }
    }

    /// Runs the rules at engine indexes `active` (the linter's rule `i` is `active[i]`) over `text`.
    fn check(
        &self,
        s: &mut Scratch,
        gate: &Gate,
        text: &str,
        scene: Scene,
        active: &[usize],
        out: &mut Vec<Finding>,
    ) {
        let long_text = s.long_text.unwrap_or(LONG_TEXT);
        let Scratch { one, work, .. } = s;
        self.prepare(one, work, gate, text, scene, active, long_text);
        self.finish(one, work, gate, scene, active, &[], out);
    }

    /// Runs the rules over many texts at once, with the findings of text `i` added to `outs[i]`.
    /// The findings are [`Engine::check`]'s; only the order of the work differs. Every text is
    /// normalised and gated first; then each pattern that a rule's matching starts with is searched
    /// in all the texts that need it, one pattern after another; then each text's rules run on
    /// those results. A pattern's lazy DFA stays in the processor's cache while it searches a run
    /// of texts: searched text by text, each text touches a dozen patterns' DFAs, cold ones, and a
    /// million-phrase run spent most of its matching time waiting on memory.
    fn check_block(
        &self,
        s: &mut Scratch,
        gate: &Gate,
        texts: &[(&str, Scene)],
        active: &[usize],
        outs: &mut [Vec<Finding>],
    ) {
        let long_text = s.long_text.unwrap_or(LONG_TEXT);
        let Scratch { block, work, .. } = s;
        if block.len() < texts.len() {
            block.resize_with(texts.len(), Default::default);
        }
        work.requests.clear();
        for (i, &(text, scene)) in texts.iter().enumerate() {
            let st = &mut block[i];
            self.prepare(st, work, gate, text, scene, active, long_text);
            self.request(st, scene, active, i as u32, &mut work.requests);
        }
        // Pattern by pattern: the point of the block.
        work.requests.sort_unstable_by_key(|r| (r.slot, r.phrase));
        work.results.clear();
        for r in work.requests.iter_mut() {
            let st = &block[r.phrase as usize];
            let view = st.view(r.view);
            let p = self.slots[r.slot as usize]
                .as_ref()
                .expect("a requested slot holds a pattern");
            r.from = work.results.len() as u32;
            let results = &mut work.results;
            p.find_iter(
                &mut work.caches[r.slot as usize],
                &view[r.start as usize..r.end as usize],
                true,
                |m| results.push(m),
            );
            r.to = work.results.len() as u32;
        }
        work.requests
            .sort_unstable_by_key(|r| (r.phrase, r.slot, r.at, r.len));
        let requests = std::mem::take(&mut work.requests);
        let mut rest = &requests[..];
        for (i, &(_, scene)) in texts.iter().enumerate() {
            let n = rest.partition_point(|r| r.phrase as usize == i);
            let (mine, after) = rest.split_at(n);
            rest = after;
            self.finish(&mut block[i], work, gate, scene, active, mine, &mut outs[i]);
        }
        work.requests = requests;
    }

    /// Normalises `text` into `st`, and marks the slots whose literals it holds (the skeleton too,
    /// when a skeleton rule applies in this scene).
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        &self,
        st: &mut PhraseState,
        work: &mut Work,
        gate: &Gate,
        text: &str,
        scene: Scene,
        active: &[usize],
        long_text: usize,
    ) {
        st.text.clear();
        normalize_into(text, &mut st.text);
        let norm = st.text.as_str();
        st.marks.clear();
        st.marks.extend_from_slice(&gate.always);
        work.clauses_met.clear();
        work.clauses_met
            .resize(gate.clause_slot.len().div_ceil(64), 0);
        work.counts.fill(0);
        gate.text.run(
            gate,
            norm,
            &mut work.clauses_met,
            &mut work.counts,
            &mut st.marks,
        );
        // The skeleton, only when a skeleton rule applies to this scene.
        st.skeleton = None;
        if let Some(sk_gate) = &gate.skeleton
            && active.iter().any(|&e| {
                let rule = &self.rules[e];
                rule.view == View::Skeleton && rule.applies_to(scene)
            })
        {
            let sk = Skeleton::from_chars(norm.chars().collect());
            sk_gate.run(
                gate,
                sk.as_str(),
                &mut work.clauses_met,
                &mut work.counts,
                &mut st.marks,
            );
            st.skeleton = Some(sk);
        }
        st.have = [false; 2];
        st.long = norm.len() > long_text;
    }

    /// The searches [`Engine::finish`] will start each rule's matching with on this phrase: each
    /// marked pattern of a rule's matcher (`forbid`) or trigger (`require-with`), in each scope.
    /// `except`, `unless` and what a trigger requires are searched only after a match, and are
    /// left to `finish`.
    fn request(
        &self,
        st: &mut PhraseState,
        scene: Scene,
        active: &[usize],
        phrase: u32,
        out: &mut Vec<Request>,
    ) {
        let PhraseState {
            text,
            skeleton,
            marks,
            sentences,
            have,
            long,
        } = st;
        for &e in active {
            let (rule, plan) = (&self.rules[e], &self.plans[e]);
            if !rule.applies_to(scene) {
                continue;
            }
            let slots: &[u32] = match &plan.kind {
                KindPlan::Forbid(p) | KindPlan::RequireWith { when: p, .. } => &p.patterns,
                _ => continue,
            };
            let v = (rule.view == View::Skeleton) as usize;
            let view = view_of(text, skeleton.as_ref(), v);
            if (*long && rule.scope == Scope::Sentence)
                || !slots.iter().any(|&s| marked(marks, s))
                || !plan.fires(marks, view)
            {
                continue;
            }
            let whole = 0..view.len();
            let scopes = scopes_of(rule.scope, view, &whole, &mut sentences[v], &mut have[v]);
            for &slot in slots.iter().filter(|&&s| marked(marks, s)) {
                for scope in scopes {
                    let scoped = &view[scope.clone()];
                    out.push(Request {
                        slot,
                        phrase,
                        view: v as u8,
                        start: scope.start as u32,
                        end: scope.end as u32,
                        at: scoped.as_ptr() as usize,
                        len: scoped.len() as u32,
                        from: 0,
                        to: 0,
                    });
                }
            }
        }
    }

    /// Runs the rules over a prepared phrase; `done` are searches made already ([`Engine::request`]).
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        st: &mut PhraseState,
        work: &mut Work,
        gate: &Gate,
        scene: Scene,
        active: &[usize],
        done: &[Request],
        out: &mut Vec<Finding>,
    ) {
        let PhraseState {
            text: norm,
            skeleton,
            marks,
            sentences,
            have,
            long,
        } = st;
        let Work {
            sentence_marks,
            clauses_met,
            counts,
            caches,
            hits,
            ranges,
            whens,
            found,
            char_starts,
            results,
            ..
        } = work;
        let norm = norm.as_str();
        let skeleton = skeleton.as_ref();
        let long = *long;
        let mut search = Search {
            slots: &self.slots,
            marks: &*marks,
            caches: &mut *caches,
            done,
            results,
        };
        // In a long text the gate's marks say little about any one sentence: sentence-scoped rules
        // are then run sentence by sentence with marks of that sentence alone (below), so that a
        // sentence is searched only for the patterns whose literals it holds.
        let mut by_sentence: [Vec<usize>; 2] = Default::default();
        found.clear();
        let mut bufs = Bufs {
            hits,
            ranges,
            whens,
            found,
        };
        for (local, &e) in active.iter().enumerate() {
            let (rule, plan) = (&self.rules[e], &self.plans[e]);
            if !rule.applies_to(scene) {
                continue;
            }
            let v = (rule.view == View::Skeleton) as usize;
            let view = view_of(norm, skeleton, v);
            if !plan.fires(search.marks, view) {
                continue;
            }
            if long && rule.scope == Scope::Sentence {
                by_sentence[v].push(local);
                continue;
            }
            let whole = 0..view.len();
            let scopes = scopes_of(rule.scope, view, &whole, &mut sentences[v], &mut have[v]);
            for scope in scopes {
                bufs.run(rule, plan, &mut search, view, scope, local);
            }
        }
        for (v, locals) in by_sentence.iter().enumerate() {
            if locals.is_empty() {
                continue;
            }
            let view = view_of(norm, skeleton, v);
            let view_gate = match (v, &gate.skeleton) {
                (1, Some(g)) => g,
                (1, None) => unreachable!("skeleton rules are deferred only with a skeleton"),
                _ => &gate.text,
            };
            let whole = 0..view.len();
            let view_sentences = scopes_of(
                Scope::Sentence,
                view,
                &whole,
                &mut sentences[v],
                &mut have[v],
            );
            for scope in view_sentences {
                let scope_text = &view[scope.clone()];
                sentence_marks.copy_from_slice(&gate.always);
                clauses_met.fill(0);
                counts.fill(0);
                view_gate.run(gate, scope_text, clauses_met, counts, sentence_marks);
                let mut search = Search {
                    slots: &self.slots,
                    marks: &*sentence_marks,
                    caches: &mut *caches,
                    done: &[],
                    results: &[],
                };
                for &local in locals {
                    let (rule, plan) = (&self.rules[active[local]], &self.plans[active[local]]);
                    // The whole view for the length limit: as for the phrase, a superset.
                    if !plan.fires(search.marks, view) {
                        continue;
                    }
                    bufs.run(rule, plan, &mut search, view, scope, local);
                }
            }
        }
        if found.is_empty() {
            return;
        }
        // One problem, one finding: a rule is quiet on a phrase where a rule it defers to reports
        // (judged on what every rule found before any goes quiet, so the order does not matter).
        if found
            .iter()
            .any(|f| !self.defers[active[f.rule]].is_empty())
        {
            let fired: Vec<usize> = found.iter().map(|f| active[f.rule]).collect();
            found.retain(|f| {
                let defers = &self.defers[active[f.rule]];
                !fired.iter().any(|e| defers.contains(e))
            });
        }
        char_starts.clear();
        char_starts.extend(norm.char_indices().map(|(i, _)| i));
        char_starts.push(norm.len());
        let char_index = |byte: usize| match char_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        for f in found.iter() {
            let rule = &self.rules[active[f.rule]];
            let suggestions = match (f.value, &rule.kind) {
                (Some(v), Kind::Replace(r)) => r.values[v].clone(),
                _ => rule.suggest.clone(),
            };
            let chars = match (rule.view, skeleton) {
                (View::Skeleton, Some(sk)) => sk.char_range(f.range.clone()),
                _ => char_index(f.range.start)..char_index(f.range.end),
            };
            out.push(Finding {
                rule: f.rule,
                chars,
                suggestions,
            });
        }
    }
}

/// One phrase's views and marks, kept from the gate's pass to the rules'.
#[derive(Default)]
struct PhraseState {
    /// The normalised text.
    text: String,
    /// The skeleton, when a skeleton rule applies to the phrase.
    skeleton: Option<Skeleton>,
    marks: Vec<u64>,
    /// Sentence scopes of the normalised text and of the skeleton, once split (`have`).
    sentences: [Vec<Range<usize>>; 2],
    have: [bool; 2],
    /// Whether sentence-scoped rules are gated sentence by sentence ([`LONG_TEXT`]).
    long: bool,
}

impl PhraseState {
    fn view(&self, v: u8) -> &str {
        view_of(&self.text, self.skeleton.as_ref(), v as usize)
    }
}

/// View `v` of a phrase: its normalised text (0) or its skeleton (1, made when a skeleton rule
/// applies to the phrase).
fn view_of<'a>(text: &'a str, skeleton: Option<&'a Skeleton>, v: usize) -> &'a str {
    match (v, skeleton) {
        (1, Some(sk)) => sk.as_str(),
        (1, None) => unreachable!("a skeleton rule runs only where the skeleton was made"),
        _ => text,
    }
}

/// Where a rule of `scope` runs in `view`: the whole view, or each of its sentences, split into
/// `sentences` the first time a rule needs them (`have`).
fn scopes_of<'a>(
    scope: Scope,
    view: &str,
    whole: &'a Range<usize>,
    sentences: &'a mut Vec<Range<usize>>,
    have: &mut bool,
) -> &'a [Range<usize>] {
    match scope {
        Scope::Phrase => std::slice::from_ref(whole),
        Scope::Sentence => {
            if !*have {
                sentences_into(view, sentences);
                *have = true;
            }
            sentences
        }
    }
}

/// A search made ahead for a block ([`Engine::check_block`]): a slot in a scope of a phrase's view,
/// and where its matches (empty ones too) are in the block's results.
struct Request {
    slot: u32,
    phrase: u32,
    view: u8,
    start: u32,
    end: u32,
    /// The scope's text, as `finish` will ask for it: address and length.
    at: usize,
    len: u32,
    from: u32,
    to: u32,
}

/// A match in a scope: its byte range there, and for `replace` the key's index (whose values are
/// the suggestions; other kinds suggest the rule's `suggest`).
#[derive(Debug, Clone)]
struct Hit {
    range: Range<usize>,
    value: Option<usize>,
}

/// A hit placed in the whole normalised phrase, with the linter index of its rule.
struct Found {
    rule: usize,
    range: Range<usize>,
    value: Option<usize>,
}

/// The searches of one phrase: which slots the gate marked, and this thread's regex caches.
struct Search<'a> {
    slots: &'a [Option<Pattern>],
    marks: &'a [u64],
    caches: &'a mut Vec<Caches>,
    /// Searches made ahead, sorted by slot, address and length, and their matches.
    done: &'a [Request],
    results: &'a [Range<usize>],
}

impl Search<'_> {
    /// A pattern slot's pattern and this thread's cache for it.
    fn cache(&mut self, slot: u32) -> (&Pattern, &mut Caches) {
        let slots = self.slots;
        let p = slots[slot as usize]
            .as_ref()
            .expect("a pattern slot holds a pattern");
        (p, &mut self.caches[slot as usize])
    }

    fn marked(&self, slot: u32) -> bool {
        marked(self.marks, slot)
    }

    /// The matches of a search made ahead (empty ones too), if it was.
    fn done(&self, slot: u32, text: &str) -> Option<&[Range<usize>]> {
        if self.done.is_empty() {
            return None;
        }
        let key = (slot, text.as_ptr() as usize, text.len() as u32);
        let i = self
            .done
            .binary_search_by_key(&key, |r| (r.slot, r.at, r.len))
            .ok()?;
        let r = &self.done[i];
        Some(&self.results[r.from as usize..r.to as usize])
    }

    /// Matches of a pattern slot (empty ones too when `empty`).
    fn find(&mut self, slot: u32, text: &str, empty: bool, mut f: impl FnMut(Range<usize>)) {
        if self.marked(slot) {
            if let Some(done) = self.done(slot, text) {
                done.iter()
                    .filter(|m| empty || !m.is_empty())
                    .for_each(|m| f(m.clone()));
                return;
            }
            let (p, cache) = self.cache(slot);
            p.find_iter(cache, text, empty, f);
        }
    }

    fn is_match(&mut self, slot: u32, text: &str) -> bool {
        self.marked(slot) && {
            if let Some(done) = self.done(slot, text) {
                return !done.is_empty();
            }
            let (p, cache) = self.cache(slot);
            p.is_match(cache, text)
        }
    }

    /// Matches of a word list, leftmost-longest.
    fn words(&self, slot: u32, words: &Words, text: &str, mut f: impl FnMut(Range<usize>, usize)) {
        if self.marked(slot) {
            for m in words.automaton().find_iter(text) {
                f(m.range(), m.pattern().as_usize());
            }
        }
    }

    /// Whether a matcher matches anywhere in `text`.
    fn matcher_is_match(&mut self, plan: &MatcherPlan, m: &Matcher, text: &str) -> bool {
        if let (Some(slot), Some(words)) = (plan.words, &m.words)
            && self.marked(slot)
            && words.automaton().is_match(text)
        {
            return true;
        }
        plan.patterns.iter().any(|&slot| self.is_match(slot, text))
    }

    /// Every match of a matcher: word matches, then each pattern's, sorted by start (longest first),
    /// overlaps kept: a rule's `except` must judge each match before overlapping ones are merged, or
    /// a long excepted match could hide a short one that is not.
    fn matcher_find_all(
        &mut self,
        plan: &MatcherPlan,
        m: &Matcher,
        text: &str,
        out: &mut Vec<Range<usize>>,
    ) {
        if let (Some(slot), Some(words)) = (plan.words, &m.words) {
            self.words(slot, words, text, |r, _| out.push(r));
        }
        for &slot in &plan.patterns {
            self.find(slot, text, false, |r| out.push(r));
        }
        out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    }

    /// Every match of the `except` patterns, empty ones included.
    fn excepted(&mut self, except: &[u32], text: &str, out: &mut Vec<Range<usize>>) {
        out.clear();
        for &slot in except {
            self.find(slot, text, true, |r| out.push(r));
        }
    }
}

/// A rule's buffers for one scope, from the scratch space: its hits, two lists of ranges, and
/// what the phrase's rules found so far.
struct Bufs<'a> {
    hits: &'a mut Vec<Hit>,
    ranges: &'a mut Vec<Range<usize>>,
    whens: &'a mut Vec<Range<usize>>,
    found: &'a mut Vec<Found>,
}

impl Bufs<'_> {
    /// Runs one rule (the `local`-th active one) over one scope of a view, and adds its hits,
    /// placed in the view, to `found`.
    fn run(
        &mut self,
        rule: &Rule,
        plan: &Plan,
        search: &mut Search,
        view: &str,
        scope: &Range<usize>,
        local: usize,
    ) {
        self.hits.clear();
        run_rule(rule, plan, search, &view[scope.clone()], self);
        self.found.extend(self.hits.drain(..).map(|h| Found {
            rule: local,
            range: h.range.start + scope.start..h.range.end + scope.start,
            value: h.value,
        }));
    }
}

fn inside_any(r: &Range<usize>, outer: &[Range<usize>]) -> bool {
    outer.iter().any(|o| o.start <= r.start && r.end <= o.end)
}

/// One rule over one scope. Per scope: the kind finds matches; `unless` silences the scope; `except`
/// drops matches lying inside one of its matches; what still overlaps is one finding. `unless` and
/// `except` are only searched when there is a match.
fn run_rule(rule: &Rule, plan: &Plan, search: &mut Search, text: &str, bufs: &mut Bufs) {
    let Bufs {
        hits,
        ranges,
        whens,
        ..
    } = bufs;
    let hit = |range| Hit { range, value: None };
    match (&rule.kind, &plan.kind) {
        (Kind::Forbid(k), KindPlan::Forbid(p)) => {
            ranges.clear();
            search.matcher_find_all(p, &k.matcher, text, ranges);
            hits.extend(ranges.drain(..).map(hit));
        }
        (Kind::Replace(k), KindPlan::Replace(slot)) => {
            search.words(*slot, &k.keys, text, |range, key| {
                hits.push(Hit {
                    range,
                    value: Some(key),
                })
            });
        }
        (Kind::Require(k), KindPlan::Require(p)) => {
            let trimmed = text.trim_end();
            if !trimmed.is_empty() && !search.matcher_is_match(p, &k.any, text) {
                hits.push(hit(0..trimmed.len()));
            }
        }
        (Kind::Limit(k), KindPlan::Limit) => k.hits(text, |r| hits.push(hit(r))),
        (Kind::Library(_), KindPlan::Library) => return,
        (Kind::RequireWith(k), KindPlan::RequireWith { when, require }) => {
            if !search.matcher_is_match(when, &k.when, text) {
                return;
            }
            search.excepted(&plan.except, text, ranges);
            whens.clear();
            search.matcher_find_all(when, &k.when, text, whens);
            let Some(first) = whens.iter().find(|r| !inside_any(r, ranges)).cloned() else {
                return;
            };
            if !search.matcher_is_match(require, &k.require, text) {
                hits.push(hit(first));
            }
        }
        _ => unreachable!("a plan is made from its rule"),
    }
    if hits.is_empty() || plan.unless.iter().any(|&s| search.is_match(s, text)) {
        hits.clear();
        return;
    }
    if !plan.except.is_empty() && !matches!(rule.kind, Kind::RequireWith(_)) {
        search.excepted(&plan.except, text, ranges);
        hits.retain(|h| !inside_any(&h.range, ranges));
    }
    if matches!(rule.kind, Kind::Forbid(_)) {
        drop_overlaps(hits, |h| h.range.clone());
    }
}

/// Per-thread buffers and regex caches, sized for one engine at a time.
#[derive(Default)]
struct Scratch {
    engine: u64,
    /// The phrase being checked on its own.
    one: PhraseState,
    /// The phrases of a block ([`Engine::check_block`]).
    block: Vec<PhraseState>,
    /// Overrides [`LONG_TEXT`] (tests compare both ways of gating).
    long_text: Option<usize>,
    work: Work,
}

/// What checking a phrase needs besides the phrase's own state.
#[derive(Default)]
struct Work {
    /// The marks of one sentence of a long text.
    sentence_marks: Vec<u64>,
    /// Per clause, whether the gate met it in this phrase.
    clauses_met: Vec<u64>,
    /// Per slot, how many of its clauses the gate met.
    counts: Vec<u8>,
    caches: Vec<Caches>,
    hits: Vec<Hit>,
    ranges: Vec<Range<usize>>,
    whens: Vec<Range<usize>>,
    found: Vec<Found>,
    char_starts: Vec<usize>,
    /// A block's searches made ahead, and their matches.
    requests: Vec<Request>,
    results: Vec<Range<usize>>,
}

impl Scratch {
    fn prepare(&mut self, engine: &Engine) {
        if self.engine != engine.id {
            self.engine = engine.id;
            let w = &mut self.work;
            w.caches.clear();
            w.caches.resize_with(engine.slots.len(), Default::default);
            w.sentence_marks.clear();
            w.sentence_marks.resize(engine.slots.len().div_ceil(64), 0);
            w.counts.clear();
            w.counts.resize(engine.slots.len(), 0);
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn with_scratch<R>(engine: &Engine, f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            s.prepare(engine);
            f(&mut s)
        }
        Err(_) => {
            let mut s = Scratch::default();
            s.prepare(engine);
            f(&mut s)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Windows cover a long text end to end, each cut after a sentence end when its stretch has
    /// one (after a comma, or at a character boundary, when not), never inside a run of marks.
    #[test]
    fn windows_cut_long_texts_at_sentence_ends() {
        let sentence = "您好，这款是纯棉的，洗涤时建议手洗！！！";
        let commas = "一，二，三，四，五，六".repeat(200);
        let nothing = "好".repeat(3000);
        let mixed = format!("{}\r\n{}", sentence.repeat(300), "不行。。。".repeat(400));
        for text in [sentence.repeat(400), commas, nothing, mixed] {
            let cuts: Vec<Range<usize>> = windows(&text).collect();
            assert_eq!(cuts.first().map(|w| w.start), Some(0));
            assert_eq!(cuts.last().map(|w| w.end), Some(text.len()));
            for pair in cuts.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
            for w in &cuts {
                let part = &text[w.clone()];
                assert!(w.len() <= WINDOW + 64, "{}", w.len());
                if w.end == text.len() {
                    continue;
                }
                let last = part.chars().last().unwrap();
                let next = text[w.end..].chars().next().unwrap();
                if text.contains('！') || text.contains('。') {
                    assert!(matches!(last, '！' | '。' | '\n'), "{part}");
                } else if text.contains('，') {
                    assert_eq!(last, '，');
                }
                assert!(!matches!(next, '！' | '。' | '，' | '\n'), "{part}|{next}");
            }
        }
    }

    /// A long text's sentence-scoped rules, gated sentence by sentence, find exactly what they
    /// find gated once over the whole text: every built-in pack on the corpora run together as one
    /// text, in both scripts.
    #[test]
    fn texts_checked_in_blocks_find_what_they_find_one_by_one() {
        let mut rules = Vec::new();
        for name in crate::engine::builtin::names() {
            rules.extend(crate::engine::builtin::load(name).unwrap().unwrap().rules);
        }
        let mut texts: Vec<String> = rules
            .iter()
            .flat_map(|r| r.examples.bad.iter().chain(&r.examples.good))
            .map(|e| e.text.clone())
            .collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        for entry in std::fs::read_dir(dir).unwrap() {
            let corpus = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in corpus.lines().filter(|l| !l.starts_with('#')) {
                if let Some(t) = line.splitn(3, '\t').nth(2) {
                    texts.push(t.replace("\\n", "\n"));
                }
            }
        }
        // A text gated sentence by sentence, and one checked in windows, inside the block.
        let long: String = texts[..400].join("。");
        assert!(long.len() > LONG_TEXT);
        texts.insert(100, long);
        let longest = texts[..3000].join("\n");
        assert!(longest.len() > WINDOWED_FROM);
        texts.insert(200, longest);
        let scenes = [
            Scene::Common,
            Scene::Bargaining,
            Scene::AfterSales,
            Scene::Logistics,
        ];
        let batch: Vec<(&str, Scene)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), scenes[i % scenes.len()]))
            .collect();
        assert!(batch.len() > 5000);
        let linter = Linter::new(rules);
        let together = linter.check_texts(&batch);
        assert_eq!(together.len(), batch.len());
        let mut found = 0;
        for (&(text, scene), got) in batch.iter().zip(&together) {
            let want = linter.check_text(text, scene);
            found += want.len();
            assert_eq!(got, &want, "{text}");
        }
        assert!(found > 3000, "{found}");
    }

    #[test]
    fn long_texts_gated_by_sentence_find_the_same() {
        let mut rules = Vec::new();
        for name in crate::engine::builtin::names() {
            rules.extend(crate::engine::builtin::load(name).unwrap().unwrap().rules);
        }
        let sentence_rules: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].scope == Scope::Sentence)
            .collect();
        assert!(!sentence_rules.is_empty());
        let linter = Linter::new(rules);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        let mut text = String::new();
        for file in ["etiquette.tsv", "compliance.tsv", "cosmetics.tsv"] {
            let corpus = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            for line in corpus.lines().filter(|l| !l.starts_with('#')) {
                if let Some(phrase) = line.splitn(3, '\t').nth(2) {
                    text.push_str(phrase);
                    text.push(if text.len().is_multiple_of(3) {
                        '\n'
                    } else {
                        '。'
                    });
                }
            }
        }
        assert!(text.len() > 20 * LONG_TEXT);
        let gate = linter.engine.gate(&linter.at);
        let run = |long_text| {
            let mut out = Vec::new();
            with_scratch(&linter.engine, |s| {
                s.long_text = Some(long_text);
                linter
                    .engine
                    .check(s, &gate, &text, Scene::Common, &linter.at, &mut out);
                s.long_text = None;
            });
            out.sort_by_key(|f| (f.chars.start, f.rule));
            out.into_iter()
                .map(|f| (f.rule, f.chars))
                .collect::<Vec<_>>()
        };
        let by_sentence = run(LONG_TEXT);
        let whole = run(usize::MAX);
        let of_sentence_rules = whole
            .iter()
            .filter(|(r, _)| sentence_rules.contains(r))
            .count();
        assert!(of_sentence_rules > 50, "{of_sentence_rules}");
        assert_eq!(by_sentence, whole);
    }

    /// Literal ids found in `text` by table lookups and by the automaton, each sorted.
    fn both_ways(gate: &ViewGate, text: &str) -> (Vec<usize>, Vec<usize>) {
        let mut looked_up = Vec::new();
        gate.each_literal(text, |i| looked_up.push(i));
        let automaton = gate.automaton.get_or_init(|| gate.build_automaton());
        let mut found: Vec<usize> = automaton
            .find_overlapping_iter(text)
            .map(|m| m.pattern().as_usize())
            .collect();
        let mut looked_up_again = Vec::new();
        gate.each_literal(text, |i| looked_up_again.push(i));
        assert_eq!(looked_up_again.len(), found.len(), "{text}");
        looked_up.sort_unstable();
        found.sort_unstable();
        (looked_up, found)
    }

    #[test]
    fn lookups_find_what_the_automaton_finds() {
        let mut words: Vec<&[u8]> = [
            "不",
            "不行",
            "不知道",
            "知道",
            "微信",
            "加我",
            "V",
            "vx",
            "呵呵",
            "呵",
            "！！",
            "最好",
        ]
        .iter()
        .map(|w| w.as_bytes())
        .collect();
        // part of a character (the first two bytes of 不): found inside one, as by the automaton
        words.push(b"\xe4\xb8");
        let literals: Vec<(&[u8], u32)> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, i as u32))
            .collect();
        for text in [
            "",
            "不",
            "不行不知道呵呵呵！！！",
            "亲，加我vx或者V信，最好今天",
            "您好，欢迎光临",
            "ä不行",
        ] {
            let gate = ViewGate::new(literals.clone());
            let (looked_up, found) = both_ways(&gate, text);
            assert_eq!(looked_up, found, "{text}");
        }
        // The automaton takes over after enough phrases, with the same marks.
        let gate = ViewGate::new(literals);
        for _ in 0..LOOKUPS_BEFORE_AUTOMATON {
            assert!(gate.automaton().is_none());
        }
        assert!(gate.automaton().is_some());
    }
}
