//! A rule's regular expression: its source, the literals every match contains (for the gate that
//! decides which patterns a phrase needs), and how it is matched, built the first time a phrase needs
//! it. Cloning shares all of it.
//!
//! A pattern that is only an alternation of literals (`不能|无法|不支持`, `(用|少|错)不了`) is matched
//! by a leftmost-longest Aho-Corasick automaton over them, which finds exactly the regex's matches
//! (see [`prefer_longer`]) and builds in a fraction of the time. Any other pattern is first searched
//! by a quick regex: a bounded backtracker or a PikeVM on its Thompson NFA, which for a built-in
//! pattern the build has compiled already ([`nfa_bytes`]), so a run neither parses nor compiles it;
//! after [`UPGRADE`] searches (a search counting once per kilobyte of text) it is compiled in full as
//! a regex-automata meta regex, configured as the regex crate configures it, so a large file or a
//! long text gets the lazy DFAs' speed and a short one never pays for them. A regex whose matches can
//! only begin at the text's start or at a few characters is searched anchored at each place they
//! occur ([`starts`]). The built-in packs' literals are worked out at build time (`build.rs`) too,
//! and a pattern a run never needs is never built. Regex searches take a cache from the caller, one
//! per thread, so worker threads never contend for the regex's own pool.

use crate::engine::alternation::prefer_longer;
use crate::engine::literals;
use crate::engine::nfa_bytes;
use crate::engine::starts::{self, Starts};
use aho_corasick::AhoCorasick;
use regex_automata::nfa::thompson::{self, NFA, WhichCaptures, backtrack, pikevm};
use regex_automata::util::iter::Searcher;
use regex_automata::{Anchored, Input, Match, MatchKind, meta};
use regex_syntax::hir::Hir;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

/// Searches with the quickly built regex before the full one is built.
pub const UPGRADE: u32 = 64;
/// Each lazy DFA's cache, at most (the regex crate's default is 2 MB). A run keeps one per pattern,
/// direction and thread, and on a large library they fill with states: at 2 MB they were half of a
/// million-phrase run's memory. At 512 KB that run takes 30 MB less, finds the same, and its time
/// did not measurably change (a full cache is cleared and refilled; 128 KB cost 5% more time).
pub const CAP: usize = 512 * (1 << 10);

/// This thread's search caches for one pattern: for its quick regex and for its full one. Boxed: a
/// cache is 1.4 KB inline, a run holds one pair per pattern slot and thread (thousands), and most
/// slots are never searched; unboxed, their zeroed pages were half of a small run's page faults.
#[derive(Default)]
pub struct Caches {
    quick: Option<Box<QuickCache>>,
    full: Option<Box<meta::Cache>>,
}

/// A quick regex's caches, each made when its engine first searches.
#[derive(Default)]
struct QuickCache {
    backtrack: Option<backtrack::Cache>,
    pikevm: Option<pikevm::Cache>,
}

#[derive(Clone)]
pub struct Pattern(Arc<Inner>);

struct Inner {
    /// The pattern as compiled: Traditional already simplified.
    source: Box<str>,
    /// Known once the pattern is parsed, or from the build.
    analysis: OnceLock<Analysis>,
    /// A built-in pattern's NFA and where its matches begin, compiled by the build.
    prepared: Option<Prepared>,
    /// The literal automaton, or the regex built without its lazy DFA.
    matcher: OnceLock<Compiled>,
    /// The regex with every engine the regex crate would use.
    full: OnceLock<meta::Regex>,
    /// Where matches begin, when few characters can begin them (known once the regex is built).
    starts: OnceLock<Option<StartAt>>,
    /// Searches so far (counted until the full regex is built).
    uses: AtomicU32,
}

/// What parsing tells: sets of literals every match contains one of each of (`None`: no such set),
/// and the literals the pattern consists of (`None`: it is not just literals).
struct Analysis {
    required: Clauses,
    exact: Lits,
}

enum Clauses {
    None,
    /// Encoded in the built-in blob: a count of sets, then each as [`Lits::Static`].
    Static(&'static [u8]),
    Owned(Vec<Vec<Vec<u8>>>),
}

impl Clauses {
    fn get(&self) -> Option<Vec<Vec<&[u8]>>> {
        match self {
            Clauses::None => None,
            Clauses::Static(c) => {
                let mut r = Reader(c);
                Some((0..r.u32()).map(|_| r.lits()).collect())
            }
            Clauses::Owned(c) => Some(
                c.iter()
                    .map(|s| s.iter().map(Vec::as_slice).collect())
                    .collect(),
            ),
        }
    }
}

enum Lits {
    None,
    /// Encoded in the built-in blob: a count, then each literal's length and bytes.
    Static(&'static [u8]),
    Owned(Vec<Vec<u8>>),
}

impl Lits {
    fn from(l: Option<Vec<Vec<u8>>>) -> Lits {
        l.map_or(Lits::None, Lits::Owned)
    }

    fn get(&self) -> Option<Vec<&[u8]>> {
        match self {
            Lits::None => None,
            Lits::Static(l) => Some(Reader(l).lits()),
            Lits::Owned(l) => Some(l.iter().map(Vec::as_slice).collect()),
        }
    }
}

enum Compiled {
    Literals(AhoCorasick),
    Regex(Quick),
}

/// A built-in pattern's NFA as [`nfa_bytes`] wrote it, then where its matches begin as
/// [`Starts::encode`] wrote it.
struct Prepared {
    nfa: &'static [u8],
    starts: &'static [u8],
}

/// A regex without lazy DFAs, as the regex crate's meta regex searches with its DFAs turned off:
/// a bounded backtracker where the text fits its visited set, else a PikeVM. Both run on the NFA
/// only, so it is quick to build: from a built-in pattern's prepared bytes, with no parsing and no
/// compiling at all.
struct Quick {
    backtrack: backtrack::BoundedBacktracker,
    pikevm: pikevm::PikeVM,
}

impl Quick {
    fn new(nfa: NFA) -> Quick {
        let built = "the NFA engines build from any NFA the compiler made";
        Quick {
            backtrack: backtrack::Builder::new()
                .build_from_nfa(nfa.clone())
                .expect(built),
            pikevm: pikevm::Builder::new()
                .configure(pikevm::Config::new().match_kind(MatchKind::LeftmostFirst))
                .build_from_nfa(nfa)
                .expect(built),
        }
    }

    /// Whether the backtracker takes `input` (the meta regex's choice): it cannot stop early at a
    /// match it is sure of, so on a long text an earliest search goes to the PikeVM.
    fn backtracks(&self, input: &Input<'_>) -> bool {
        !(input.get_earliest() && input.haystack().len() > 128)
            && input.get_span().len() < self.backtrack.max_haystack_len()
    }

    /// The leftmost-first match in `input`, found through the implicit group's two slots (as the
    /// meta regex finds it).
    fn search(&self, cache: &mut QuickCache, input: &Input<'_>) -> Option<Match> {
        let mut slots = [None, None];
        let pid = if self.backtracks(input) {
            let c = cache
                .backtrack
                .get_or_insert_with(|| self.backtrack.create_cache());
            self.backtrack
                .try_search_slots(c, input, &mut slots)
                .expect("the text fits the backtracker")?
        } else {
            let c = cache
                .pikevm
                .get_or_insert_with(|| self.pikevm.create_cache());
            self.pikevm.search_slots(c, input, &mut slots)?
        };
        let (start, end) = (slots[0]?.get(), slots[1]?.get());
        Some(Match::new(pid, start..end))
    }
}

/// Texts up to this long are searched where their matches can begin ([`StartAt`]); longer ones in
/// one unanchored pass. An anchored search that fails can run to the end of the text (a pattern
/// with a gap such as `[^。!?]*` before a word the text lacks), so many places to start in a long
/// text could cost time quadratic in its length; a reply is far shorter than this.
pub const ANCHORED_MAX: usize = 2048;

/// [`Starts`] ready to search. A set of at most [`starts::MAX_CHARS`] characters: looked up in a
/// bitmap (ASCII) or by binary search, which costs less than building an automaton per pattern
/// (a small run builds dozens) and about as much to scan a phrase with.
struct StartAt {
    at_text_start: bool,
    ascii: u128,
    /// The characters outside ASCII, sorted.
    wide: Box<[char]>,
}

impl StartAt {
    fn new(s: Starts) -> StartAt {
        let ascii = s
            .chars
            .iter()
            .filter(|c| c.is_ascii())
            .fold(0u128, |m, &c| m | 1 << (c as u32));
        StartAt {
            at_text_start: s.at_text_start,
            ascii,
            wide: s.chars.into_iter().filter(|c| !c.is_ascii()).collect(),
        }
    }

    fn starts_with(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii >> (c as u32) & 1 == 1
        } else {
            self.wide.binary_search(&c).is_ok()
        }
    }

    /// Every match, leftmost-first and non-overlapping: the regex searched anchored at each place
    /// a match can begin, from the end of the last match on. No match is empty ([`starts`]).
    fn find_iter(
        &self,
        mut search: impl FnMut(&Input<'_>) -> Option<Match>,
        text: &str,
        mut f: impl FnMut(Range<usize>) -> bool,
    ) {
        let mut next = 0;
        let mut at = |from: usize, next: &mut usize| -> bool {
            let input = Input::new(text).range(from..).anchored(Anchored::Yes);
            match search(&input) {
                Some(m) => {
                    *next = m.end();
                    f(m.range())
                }
                None => true,
            }
        };
        if self.at_text_start && !at(0, &mut next) {
            return;
        }
        for (from, c) in text.char_indices() {
            if !self.starts_with(c) {
                continue;
            }
            // A start inside the last match, or the text's start tried already.
            if from < next || (from == 0 && self.at_text_start) {
                continue;
            }
            if !at(from, &mut next) {
                return;
            }
        }
    }
}

// Every built-in pattern, sorted, with its required and exact literals, from `build.rs`: record `i`
// is `PREPARED_BLOB[PREPARED_STARTS[i]..PREPARED_STARTS[i + 1]]`, holding the pattern, then each
// literal list (a flag byte, then counts and lengths as little-endian u32s).
include!(concat!(env!("OUT_DIR"), "/builtin_literals.rs"));

/// Reads a record of the blob.
struct Reader(&'static [u8]);

impl Reader {
    fn u32(&mut self) -> usize {
        let (n, rest) = self.0.split_at(4);
        self.0 = rest;
        u32::from_le_bytes(n.try_into().expect("four bytes")) as usize
    }

    fn bytes(&mut self) -> &'static [u8] {
        let n = self.u32();
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        b
    }

    fn flag(&mut self) -> bool {
        let (f, rest) = self.0.split_first().expect("a flag byte");
        self.0 = rest;
        *f == 1
    }

    fn lits(&mut self) -> Vec<&'static [u8]> {
        (0..self.u32()).map(|_| self.bytes()).collect()
    }

    /// Skips a literal list.
    fn skip_lits(&mut self) {
        for _ in 0..self.u32() {
            self.bytes();
        }
    }

    /// The encoded bytes `skip` reads past.
    fn span(&mut self, skip: impl FnOnce(&mut Reader)) -> &'static [u8] {
        let all = self.0;
        skip(self);
        &all[..all.len() - self.0.len()]
    }
}

fn record(i: usize) -> &'static [u8] {
    &PREPARED_BLOB[PREPARED_STARTS[i] as usize..PREPARED_STARTS[i + 1] as usize]
}

/// The index of a built-in pattern's record.
fn prepared(source: &str) -> Option<usize> {
    let records = &PREPARED_STARTS[..PREPARED_STARTS.len() - 1];
    records
        .binary_search_by(|&start| {
            // A record opens with its pattern, length first.
            Reader(&PREPARED_BLOB[start as usize..])
                .bytes()
                .cmp(source.as_bytes())
        })
        .ok()
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.as_str()).finish()
    }
}

/// The regex crate's configuration (`regex::Regex::new`), so matches are the same as with it; only
/// what cannot change a match is left out: capture groups (only the whole match is used) and the
/// regex's own prefilter (the engine's gate has run already, and phrases are short).
fn full_config() -> meta::Config {
    meta::Config::new()
        .nfa_size_limit(Some(nfa_bytes::SIZE_LIMIT))
        .hybrid_cache_capacity(CAP)
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .which_captures(WhichCaptures::Implicit)
        .auto_prefilter(false)
}

/// The pattern's syntax tree; the error is worded as the regex crate words it.
fn parse(source: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .utf8(true)
        .build()
        .parse(source)
        .map_err(|e| e.to_string())
}

/// An invalid pattern's error as the regex crate words it.
fn build_error(e: &meta::BuildError) -> String {
    if let Some(limit) = e.size_limit() {
        format!("Compiled regex exceeds size limit of {limit} bytes.")
    } else if let Some(syntax) = e.syntax_error() {
        syntax.to_string()
    } else {
        e.to_string()
    }
}

fn analyse(hir: &Hir) -> Analysis {
    Analysis {
        required: literals::required_all(hir).map_or(Clauses::None, Clauses::Owned),
        exact: Lits::from(literals::exact(hir)),
    }
}

/// Where the pattern's matches begin, ready to search, when few characters can begin them.
fn start_at(hir: &Hir) -> Option<StartAt> {
    starts::starts(hir).map(StartAt::new)
}

/// The automaton of a pattern that is only words: at the leftmost start, the longest word, as
/// [`prefer_longer`] orders the regex's alternatives.
fn leftmost_longest(lits: &[&[u8]]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .prefilter(false)
        .build(lits)
        .expect("an automaton over a pattern's literals always builds")
}

impl Pattern {
    fn with(source: &str) -> Inner {
        Inner {
            source: source.into(),
            analysis: OnceLock::new(),
            prepared: None,
            matcher: OnceLock::new(),
            full: OnceLock::new(),
            starts: OnceLock::new(),
            uses: AtomicU32::new(0),
        }
    }

    /// Compiles a pattern now (a user pack's: its mistakes are reported when the pack loads, worded
    /// as the regex crate words them). `source` must already be simplified.
    pub fn compile(source: &str) -> Result<Pattern, String> {
        let hir = parse(source)?;
        // Built even when the pattern is only literals: a pattern too big for the regex crate is an
        // error in the pack.
        let analysis = analyse(&hir);
        let start = start_at(&hir);
        let re = meta::Builder::new()
            .configure(full_config())
            .build_from_hir(&prefer_longer(hir))
            .map_err(|e| build_error(&e))?;
        let inner = Pattern::with(source);
        let _ = inner.starts.set(start);
        if let Some(lits) = analysis.exact.get() {
            let _ = inner
                .matcher
                .set(Compiled::Literals(leftmost_longest(&lits)));
        }
        let _ = inner.full.set(re);
        let _ = inner.analysis.set(analysis);
        Ok(Pattern(Arc::new(inner)))
    }

    /// A pattern of a built-in pack, compiled only when first searched. Its literals come from the
    /// build; a pattern the build did not see is analysed when first asked about.
    pub fn builtin(source: &str) -> Pattern {
        let mut inner = Pattern::with(source);
        if let Some(i) = prepared(source) {
            let mut r = Reader(record(i));
            r.bytes();
            let required = if r.flag() {
                // The sets' count, then each set.
                Clauses::Static(r.span(|r| {
                    for _ in 0..r.u32() {
                        r.skip_lits();
                    }
                }))
            } else {
                Clauses::None
            };
            let exact = if r.flag() {
                Lits::Static(r.span(Reader::skip_lits))
            } else {
                Lits::None
            };
            let _ = inner.analysis.set(Analysis { required, exact });
            if r.flag() {
                inner.prepared = Some(Prepared {
                    nfa: r.bytes(),
                    starts: r.0,
                });
            }
        }
        Pattern(Arc::new(inner))
    }

    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// Whether `build.rs` prepared this built-in pattern's literals (it sees the patterns after
    /// lexicon expansion and simplification, as the pack loader makes them).
    pub fn is_prepared(source: &str) -> bool {
        prepared(source).is_some()
    }

    fn analysis(&self) -> &Analysis {
        self.0.analysis.get_or_init(|| match parse(&self.0.source) {
            Ok(hir) => analyse(&hir),
            Err(_) => Analysis {
                required: Clauses::None,
                exact: Lits::None,
            },
        })
    }

    /// Sets of literals: every match contains one literal of each set; `None` when none is known
    /// (then the pattern is searched on every phrase its rule runs on).
    pub fn literals(&self) -> Option<Vec<Vec<&[u8]>>> {
        self.analysis().required.get()
    }

    /// The literals the pattern consists of, in order of preference, if that is all it is.
    pub fn exact_literals(&self) -> Option<Vec<&[u8]>> {
        self.analysis().exact.get()
    }

    /// The pattern's syntax tree, for a pattern the build did not prepare or for its full regex.
    fn hir(&self) -> Hir {
        let hir = parse(&self.0.source)
            .unwrap_or_else(|e| panic!("pattern {:?} does not parse: {e}", self.0.source));
        self.0.starts.get_or_init(|| start_at(&hir));
        hir
    }

    /// The regex with every engine, as the regex crate builds it.
    fn build_full(&self) -> meta::Regex {
        meta::Builder::new()
            .configure(full_config())
            .build_from_hir(&prefer_longer(self.hir()))
            .unwrap_or_else(|e| {
                // Built-in patterns are all compiled by `cargo test`: this is a broken build.
                panic!(
                    "pattern {:?} does not compile: {}",
                    self.0.source,
                    build_error(&e)
                )
            })
    }

    /// The quick regex: a built-in pattern's from the NFA the build compiled, any other's compiled
    /// now with the same configuration.
    fn build_quick(&self) -> Quick {
        if let Some(p) = &self.0.prepared {
            self.0
                .starts
                .get_or_init(|| Starts::decode(p.starts).map(StartAt::new));
            return Quick::new(nfa_bytes::decode(p.nfa));
        }
        let nfa = thompson::Compiler::new()
            .configure(nfa_bytes::config())
            .build_from_hir(&prefer_longer(self.hir()))
            .unwrap_or_else(|e| panic!("pattern {:?} does not compile: {e}", self.0.source));
        Quick::new(nfa)
    }

    /// What to search with: the literal automaton, the quick regex or the full one.
    fn engine(&self, len: usize) -> Engine<'_> {
        if let Some(full) = self.0.full.get() {
            if let Some(Compiled::Literals(ac)) = self.0.matcher.get() {
                return Engine::Literals(ac);
            }
            return Engine::Full(full);
        }
        let quick = self.0.matcher.get_or_init(|| {
            if let Some(lits) = self.analysis().exact.get() {
                return Compiled::Literals(leftmost_longest(&lits));
            }
            Compiled::Regex(self.build_quick())
        });
        match quick {
            Compiled::Literals(ac) => Engine::Literals(ac),
            Compiled::Regex(re) => {
                if still_quick(&self.0.uses, len) {
                    Engine::Quick(re)
                } else {
                    Engine::Full(self.0.full.get_or_init(|| self.build_full()))
                }
            }
        }
    }

    /// Where matches can begin, when `text` is to be searched from there ([`ANCHORED_MAX`]).
    fn anchored_starts(&self, text: &str) -> Option<&StartAt> {
        let st = self.0.starts.get()?.as_ref()?;
        (text.len() <= ANCHORED_MAX).then_some(st)
    }

    /// Whether the pattern matches anywhere in `text`. `caches` are this thread's for the pattern.
    pub fn is_match(&self, caches: &mut Caches, text: &str) -> bool {
        let mut search = match self.engine(text.len()) {
            Engine::Literals(ac) => return ac.is_match(text),
            Engine::Quick(re) => Search::Quick(re, caches.quick()),
            Engine::Full(re) => Search::Full(re, caches.full(re)),
        };
        if let Some(st) = self.anchored_starts(text) {
            let mut found = false;
            st.find_iter(
                |input| search.run(input),
                text,
                |_| {
                    found = true;
                    false
                },
            );
            return found;
        }
        search.is_match(&Input::new(text))
    }

    /// Every match, leftmost-first and non-overlapping, as `regex::Regex::find_iter` finds them; empty
    /// ones only when `empty` is set. `caches` are this thread's for the pattern.
    pub fn find_iter(
        &self,
        caches: &mut Caches,
        text: &str,
        empty: bool,
        mut f: impl FnMut(Range<usize>),
    ) {
        let mut search = match self.engine(text.len()) {
            // Literals are never empty.
            Engine::Literals(ac) => return ac.find_iter(text).for_each(|m| f(m.range())),
            Engine::Quick(re) => Search::Quick(re, caches.quick()),
            Engine::Full(re) => Search::Full(re, caches.full(re)),
        };
        if let Some(st) = self.anchored_starts(text) {
            st.find_iter(
                |input| search.run(input),
                text,
                |r| {
                    f(r);
                    true
                },
            );
            return;
        }
        let mut it = Searcher::new(Input::new(text));
        while let Some(m) = it.advance(|input| Ok(search.run(input))) {
            if empty || !m.is_empty() {
                f(m.range());
            }
        }
    }
}

/// Counts a search of `len` bytes against a regex's quick build; whether it may still use it (else
/// it is time for the full one). A search counts once per kilobyte searched: the quick regex's
/// PikeVM costs per byte what the DFA costs per phrase, and one long text (a 50 MB line) would
/// otherwise be searched by it alone.
pub fn still_quick(uses: &AtomicU32, len: usize) -> bool {
    let weight = u32::try_from(1 + len / 1024).map_or(UPGRADE + 1, |w| w.min(UPGRADE + 1));
    let before = uses.fetch_add(weight, Ordering::Relaxed);
    before.saturating_add(weight) <= UPGRADE
}

impl Caches {
    fn quick(&mut self) -> &mut QuickCache {
        self.quick.get_or_insert_with(Box::default)
    }

    /// Once the full regex is in use the quick one's caches are freed: on a large run every
    /// pattern is upgraded, and keeping both per pattern and thread cost 28 MB on a million
    /// phrases.
    fn full(&mut self, re: &meta::Regex) -> &mut meta::Cache {
        self.quick = None;
        self.full.get_or_insert_with(|| Box::new(re.create_cache()))
    }
}

enum Engine<'a> {
    Literals(&'a AhoCorasick),
    Quick(&'a Quick),
    Full(&'a meta::Regex),
}

/// A regex with this thread's cache for it.
enum Search<'a> {
    Quick(&'a Quick, &'a mut QuickCache),
    Full(&'a meta::Regex, &'a mut meta::Cache),
}

impl Search<'_> {
    fn run(&mut self, input: &Input<'_>) -> Option<Match> {
        match self {
            Search::Quick(re, cache) => re.search(cache, input),
            Search::Full(re, cache) => re.search_with(cache, input),
        }
    }

    /// Whether there is a match at all: the full regex then runs only its forward automaton (a
    /// search would also run the reverse one back to where the match begins).
    fn is_match(&mut self, input: &Input<'_>) -> bool {
        match self {
            Search::Quick(re, cache) => re.search(cache, &input.clone().earliest(true)).is_some(),
            Search::Full(re, cache) => re.is_match_with(cache, input),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::alternation::shadows;
    use crate::engine::rules::Kind;
    use crate::text::normalize::normalize_str;
    use crate::text::skeleton::Skeleton;

    /// Every built-in pattern, and every corpus phrase and rule example as the engine sees it.
    fn patterns_and_phrases() -> (Vec<Pattern>, Vec<String>) {
        let mut patterns = Vec::new();
        let mut phrases = Vec::new();
        for name in crate::engine::builtin::names() {
            let pack = crate::engine::builtin::load(name).unwrap().unwrap();
            for rule in &pack.rules {
                patterns.extend(rule.except.iter().chain(&rule.unless).cloned());
                match &rule.kind {
                    Kind::Forbid(f) => patterns.extend(f.matcher.patterns.iter().cloned()),
                    Kind::RequireWith(r) => {
                        patterns.extend(r.when.patterns.iter().cloned());
                        patterns.extend(r.require.patterns.iter().cloned());
                    }
                    Kind::Require(r) => patterns.extend(r.any.patterns.iter().cloned()),
                    _ => {}
                }
                for ex in rule.examples.bad.iter().chain(&rule.examples.good) {
                    phrases.push(normalize_str(&ex.text));
                }
            }
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                if let Some(t) = line.splitn(3, '\t').nth(2) {
                    phrases.push(normalize_str(&t.replace("\\n", "\n")));
                }
            }
        }
        // Skeleton rules' patterns run on the skeleton of a phrase: check them there too.
        let seen: std::collections::HashSet<&String> = phrases.iter().collect();
        let skeletons: Vec<String> = phrases
            .iter()
            .map(|p| {
                Skeleton::from_chars(p.chars().collect())
                    .as_str()
                    .to_string()
            })
            .filter(|k| !seen.contains(k))
            .collect();
        phrases.extend(skeletons);
        (patterns, phrases)
    }

    /// The pack loader expands lexicons and simplifies before `Pattern::builtin`; `build.rs` must
    /// have done the same, or a built-in pattern would be parsed at run time.
    #[test]
    fn build_prepared_every_builtin_pattern() {
        let (patterns, _) = patterns_and_phrases();
        assert!(patterns.len() > 100);
        for p in &patterns {
            assert!(Pattern::is_prepared(p.as_str()), "{}", p.as_str());
        }
    }

    /// The NFA and the start characters `build.rs` prepared are what compiling the pattern now
    /// gives, state for state (so the build and the run configure the compiler alike).
    #[test]
    fn prepared_nfas_are_the_compiled_ones() {
        let (patterns, _) = patterns_and_phrases();
        let mut checked = 0;
        for p in &patterns {
            let Some(prepared) = &p.0.prepared else {
                assert!(p.exact_literals().is_some(), "{} has no NFA", p.as_str());
                continue;
            };
            let hir = parse(p.as_str()).unwrap();
            assert_eq!(
                Starts::decode(prepared.starts),
                starts::starts(&hir),
                "{}",
                p.as_str()
            );
            let nfa = thompson::Compiler::new()
                .configure(nfa_bytes::config())
                .build_from_hir(&prefer_longer(hir))
                .unwrap();
            let back = nfa_bytes::decode(prepared.nfa);
            assert_eq!(format!("{back:?}"), format!("{nfa:?}"), "{}", p.as_str());
            let mut bytes = Vec::new();
            nfa_bytes::encode(&nfa, &mut bytes);
            assert_eq!(bytes, prepared.nfa, "{}", p.as_str());
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
    }

    /// The shortcuts are checked against the regex itself, built the regex crate's way: the gate's
    /// literal sets are in every phrase a pattern matches, a pattern matched as literals finds
    /// exactly the regex's matches, and so does one searched only where its matches can begin.
    #[test]
    fn literals_are_in_every_match_and_literal_patterns_match_as_the_regex() {
        let (patterns, phrases) = patterns_and_phrases();
        let (mut matched, mut literal, mut anchored) = (0, 0, 0);
        for p in &patterns {
            let re = meta::Builder::new()
                .configure(
                    meta::Config::new()
                        .nfa_size_limit(Some(10 * (1 << 20)))
                        .hybrid_cache_capacity(2 * (1 << 20)),
                )
                .build_from_hir(&prefer_longer(parse(p.as_str()).unwrap()))
                .unwrap();
            let clauses = p.literals();
            let exact = p.exact_literals().map(|l| leftmost_longest(&l));
            // The quick regex, unanchored (the pattern's own searches switch to the full regex
            // after a few): from the build's NFA for every built-in regex.
            let quick = exact.is_none().then(|| {
                assert!(p.0.prepared.is_some(), "{} has no NFA", p.as_str());
                p.build_quick()
            });
            let mut quick_cache = QuickCache::default();
            let mut caches = Caches::default();
            for (i, text) in phrases.iter().enumerate() {
                let want: Vec<Range<usize>> =
                    re.find_iter(text.as_str()).map(|m| m.range()).collect();
                // Every phrase it matches and every sixteenth other one: all of them took half a
                // minute in a release build and minutes in a debug one.
                if let Some(q) = quick.as_ref().filter(|_| !want.is_empty() || i % 16 == 0) {
                    let mut got = Vec::new();
                    let mut it = Searcher::new(Input::new(text));
                    while let Some(m) = it.advance(|input| Ok(q.search(&mut quick_cache, input))) {
                        got.push(m.range());
                    }
                    assert_eq!(got, want, "quick {} on {text}", p.as_str());
                }
                if !want.is_empty() {
                    matched += 1;
                    for clause in clauses.iter().flatten() {
                        assert!(
                            clause
                                .iter()
                                .any(|l| text.as_bytes().windows(l.len()).any(|w| w == *l)),
                            "{}: no literal of {clause:?} in {text}",
                            p.as_str()
                        );
                    }
                }
                if let Some(ac) = &exact {
                    literal += 1;
                    let got: Vec<Range<usize>> = ac.find_iter(text).map(|m| m.range()).collect();
                    assert_eq!(got, want, "{} on {text}", p.as_str());
                }
                let mut got = Vec::new();
                p.find_iter(&mut caches, text, true, |r| got.push(r));
                assert_eq!(got, want, "{} on {text}", p.as_str());
                assert_eq!(
                    p.is_match(&mut caches, text),
                    !want.is_empty(),
                    "{} on {text}",
                    p.as_str()
                );
                if matches!(p.0.starts.get(), Some(Some(_))) && !want.is_empty() {
                    anchored += 1;
                }
            }
        }
        assert!(
            matched > 1000 && literal > 1000 && anchored > 1000,
            "{matched} matches, {literal} literal checks, {anchored} by their starts"
        );
    }

    /// Folding Traditional and Cantonese into Simplified can turn a well-ordered alternation into a
    /// shadowed one (冇关|没关系 is 没关|没关系 once folded): 跟皮夾本身沒關係 was reported as 沒關.
    /// Before [`prefer_longer`], 128 built-in patterns had a word shadowed so at their end; as
    /// compiled, no alternation of any built-in pattern lists a word after its own prefix.
    #[test]
    fn no_builtin_word_is_shadowed_by_its_own_prefix() {
        let (patterns, _) = patterns_and_phrases();
        let (mut seen, mut bad) = (0, Vec::new());
        for p in &patterns {
            let hir = parse(p.as_str()).unwrap();
            seen += usize::from(shadows(&hir));
            if shadows(&prefer_longer(hir)) {
                bad.push(p.as_str());
            }
        }
        assert!(seen > 100, "only {seen} patterns shadow a word as written");
        assert!(
            bad.is_empty(),
            "{} still shadowed:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    fn matches(source: &str, text: &str) -> Vec<String> {
        let p = Pattern::compile(source).unwrap();
        let mut got = Vec::new();
        p.find_iter(&mut Caches::default(), text, false, |r| {
            got.push(text[r].to_string())
        });
        got
    }

    #[test]
    fn a_long_text_is_searched_with_the_full_regex_at_once() {
        let short = Pattern::builtin("不[^,]{0,3}行");
        let long = Pattern::builtin("不[^,]{0,3}行");
        let mut caches = Caches::default();
        assert!(short.is_match(&mut caches, "这样不太行"));
        assert!(
            short.0.full.get().is_none(),
            "a phrase is searched by the quick regex"
        );
        let text = format!("{}不太行", "好".repeat(40_000));
        let mut caches = Caches::default();
        assert!(long.is_match(&mut caches, &text));
        assert!(long.0.full.get().is_some(), "120 KB counts as 118 searches");
        assert!(caches.quick.is_none() && caches.full.is_some());
    }

    /// On both sides of [`ANCHORED_MAX`] (searched from where matches begin, then in one pass) a
    /// pattern with a gap before its last word finds what the regex crate finds.
    #[test]
    fn a_long_text_is_searched_in_one_pass() {
        let source = "(抱歉|对不起)[^。]*帮您处理";
        let p = Pattern::compile(source).unwrap();
        let re = regex::Regex::new(source).unwrap();
        for n in [10, 2_000] {
            let text = format!("帮您处理{}抱歉，已经帮您处理", "抱歉".repeat(n));
            assert_eq!(text.len() > ANCHORED_MAX, n == 2_000);
            let mut got = Vec::new();
            p.find_iter(&mut Caches::default(), &text, false, |r| got.push(r));
            let want: Vec<Range<usize>> = re.find_iter(&text).map(|m| m.range()).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_word_is_matched_whole_whatever_order_the_list_gives() {
        assert_eq!(
            matches("不会给您(退|换|退款)", "不会给您退款的"),
            ["不会给您退款"]
        );
        assert_eq!(matches("(到|到货|到达)", "明天到货"), ["到货"]);
        // Only words: the literal automaton.
        assert_eq!(matches("稳赚|稳赚不赔", "稳赚不赔哦"), ["稳赚不赔"]);
        // A shorter word still matches where the longer one does not.
        assert_eq!(matches("不会给您(退|退款)", "不会给您退钱"), ["不会给您退"]);
        // Elsewhere in the pattern the order only decides how far a match reaches.
        assert_eq!(matches("(我|我们)[^,]{0,2}查", "我们去查"), ["我们去查"]);
    }
}
