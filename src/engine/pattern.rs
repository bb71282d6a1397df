//! A rule's regular expression: its source, the literals every match contains (for the prefilter that
//! decides which patterns a phrase needs), and the compiled regex, built the first time a phrase needs
//! it. Cloning shares all three.
//!
//! The built-in packs' literals are computed at build time (`build.rs`), so a run parses none of their
//! patterns up front; a pattern a run never needs is never compiled. Searches take a cache from the
//! caller, one per thread, so worker threads never contend for the regex's own pool.

use crate::engine::literals;
use regex_automata::util::iter::Searcher;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, meta};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

#[derive(Clone)]
pub struct Pattern(Arc<Inner>);

struct Inner {
    /// The pattern as compiled: Traditional already simplified.
    source: Box<str>,
    literals: OnceLock<Literals>,
    regex: OnceLock<meta::Regex>,
}

/// Required literals: one of them is in every match; `None` when the pattern has no such set.
enum Literals {
    None,
    Static(&'static [&'static [u8]]),
    Owned(Vec<Vec<u8>>),
}

/// `(pattern, required literals)` of every built-in pattern, sorted by pattern; from `build.rs`.
type Prepared = &'static [(&'static str, Option<&'static [&'static [u8]]>)];
static PREPARED: Prepared = include!(concat!(env!("OUT_DIR"), "/builtin_literals.rs"));

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.as_str()).finish()
    }
}

/// The regex crate's own configuration (`regex::Regex::new`), so matches are the same as with it.
fn builder() -> meta::Builder {
    let mut b = meta::Builder::new();
    b.configure(
        meta::Config::new()
            .nfa_size_limit(Some(10 * (1 << 20)))
            .hybrid_cache_capacity(2 * (1 << 20))
            .match_kind(MatchKind::LeftmostFirst)
            .utf8_empty(true),
    )
    .syntax(syntax::Config::new().utf8(true));
    b
}

/// An invalid pattern's error as the regex crate words it.
fn build_error(e: &regex_automata::meta::BuildError) -> String {
    if let Some(limit) = e.size_limit() {
        format!("Compiled regex exceeds size limit of {limit} bytes.")
    } else if let Some(syntax) = e.syntax_error() {
        syntax.to_string()
    } else {
        e.to_string()
    }
}

impl Pattern {
    fn with(source: &str) -> Inner {
        Inner {
            source: source.into(),
            literals: OnceLock::new(),
            regex: OnceLock::new(),
        }
    }

    /// Compiles a pattern now (a user pack's: its mistakes are reported when the pack loads).
    /// `source` must already be simplified. The error is worded as the regex crate words it.
    pub fn compile(source: &str) -> Result<Pattern, String> {
        let inner = Pattern::with(source);
        let re = builder().build(source).map_err(|e| build_error(&e))?;
        let _ = inner.regex.set(re);
        let p = Pattern(Arc::new(inner));
        p.literals(); // parsed anyway: costs little next to compiling
        Ok(p)
    }

    /// A pattern of a built-in pack, compiled only when first searched. Its literals come from the
    /// build; a pattern the build did not see has them worked out when first asked for.
    pub fn builtin(source: &str) -> Pattern {
        let inner = Pattern::with(source);
        if let Ok(i) = PREPARED.binary_search_by_key(&source, |(s, _)| s) {
            let lits = match PREPARED[i].1 {
                Some(l) => Literals::Static(l),
                None => Literals::None,
            };
            let _ = inner.literals.set(lits);
        }
        Pattern(Arc::new(inner))
    }

    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// Literals one of which every match contains; `None` when unknown (then the pattern is searched
    /// on every phrase its rule runs on).
    pub fn literals(&self) -> Option<Vec<&[u8]>> {
        let lits = self.0.literals.get_or_init(|| {
            match regex_syntax::Parser::new()
                .parse(&self.0.source)
                .ok()
                .and_then(|hir| literals::required(&hir))
            {
                Some(l) => Literals::Owned(l),
                None => Literals::None,
            }
        });
        match lits {
            Literals::None => None,
            Literals::Static(l) => Some(l.to_vec()),
            Literals::Owned(l) => Some(l.iter().map(Vec::as_slice).collect()),
        }
    }

    /// The compiled regex, compiled now if this is its first use.
    pub fn regex(&self) -> &meta::Regex {
        self.0.regex.get_or_init(|| {
            builder().build(&self.0.source).unwrap_or_else(|e| {
                // Built-in patterns are compiled by `cargo test` (test-rules); this is a broken build.
                panic!(
                    "built-in pattern {:?} does not compile: {}",
                    self.0.source,
                    build_error(&e)
                )
            })
        })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, cache: &mut meta::Cache, text: &str) -> bool {
        self.regex().is_match_with(cache, &Input::new(text))
    }

    /// Every non-empty match, leftmost-first and non-overlapping, as `regex::Regex::find_iter` finds
    /// them (empty ones included when `empty` is set).
    pub fn find_iter(
        &self,
        cache: &mut meta::Cache,
        text: &str,
        empty: bool,
        mut f: impl FnMut(Range<usize>),
    ) {
        let re = self.regex();
        let mut it = Searcher::new(Input::new(text));
        while let Some(m) = it.advance(|input| Ok(re.search_with(cache, input))) {
            if empty || !m.is_empty() {
                f(m.range());
            }
        }
    }

    /// A search cache for this pattern's regex (compiling it if needed).
    pub fn create_cache(&self) -> meta::Cache {
        self.regex().create_cache()
    }
}
