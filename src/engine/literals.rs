//! Required literals of a regular expression: a small set of byte strings one of which every match
//! contains. A phrase that contains none of them cannot match, so the pattern need not be searched.
//!
//! Used at run time for the patterns of user packs, and by `build.rs` (which includes this file) to
//! prepare the built-in packs' patterns, so it depends on nothing but `regex-syntax`.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};

/// A pattern whose whole language is more literals than this is run as a regex.
pub const MAX_EXACT: usize = 250;

/// Every string the pattern matches, in its order of preference, when that is a short list of
/// non-empty literals and the pattern has no look-around (`^`, `$`, `\b`): then leftmost-first
/// Aho-Corasick over the list finds exactly the regex's matches (the regex crate does the same for
/// such patterns, once compiled). `None` otherwise.
pub fn exact(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    if !hir.properties().look_set().is_empty() {
        return None;
    }
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    if !seq.is_exact() {
        return None;
    }
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_EXACT || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// More literals than this make a set too big to be worth keeping. (A set of many rare characters,
/// such as the mojibake classes of `hygiene/garbled-text`, is still a good filter.)
pub const MAX_LITERALS: usize = 1024;
/// A class of more characters than this is not turned into literals.
const MAX_CLASS: usize = 1024;

/// A set of literals one of which every match of `hir` contains, or `None` when there is no such set
/// (the pattern can match the empty string, or only classes too big to list constrain it). Every
/// literal is non-empty.
pub fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let set = req(hir)?;
    valid(&set).then(|| minimal(set))
}

fn valid(set: &[Vec<u8>]) -> bool {
    !set.is_empty() && set.len() <= MAX_LITERALS && set.iter().all(|l| !l.is_empty())
}

/// At most this many sets are required together.
pub const MAX_CLAUSES: usize = 3;
/// Sets after the first have at most this many literals.
const MAX_EXTRA_CLAUSE: usize = 32;

/// Sets of literals that are all required: every match contains a literal of each set (a pattern
/// `(好评|五星).{0,8}(返现|红包)` needs one of the first two words *and* one of the last two).
/// Checking several sets lets far fewer phrases through than the best one alone. `None` when not
/// even one set is known.
pub fn required_all(hir: &Hir) -> Option<Vec<Vec<Vec<u8>>>> {
    let mut top = hir;
    loop {
        match top.kind() {
            HirKind::Capture(c) => top = &c.sub,
            HirKind::Repetition(r) if r.min >= 1 => top = &r.sub,
            _ => break,
        }
    }
    let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
    if let HirKind::Concat(parts) = top.kind() {
        candidates.extend(parts.iter().filter_map(req));
    }
    candidates.extend(req(hir));
    let mut sets: Vec<Vec<Vec<u8>>> = candidates
        .into_iter()
        .filter(|s| valid(s))
        .map(minimal)
        .collect();
    sets.sort_by_key(|s| std::cmp::Reverse(score(s)));
    let mut out: Vec<Vec<Vec<u8>>> = Vec::new();
    for s in sets {
        // Sets after the first only narrow it: a long one would cost more to look for than it saves.
        let small = out.is_empty() || s.len() <= MAX_EXTRA_CLAUSE;
        if out.len() < MAX_CLAUSES && small && !out.contains(&s) {
            out.push(s);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Literals are cut to this many bytes (two Chinese characters): a prefix of a required literal is
/// in every phrase the literal is in, two characters are already rare, and short literals keep the
/// automaton over all of them small and quick to build.
pub const MAX_LITERAL_BYTES: usize = 6;

/// The same condition with fewer, shorter literals: each cut to [`MAX_LITERAL_BYTES`], and any that
/// contains another dropped (wherever it is, the other is too).
fn minimal(set: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut cut: Vec<Vec<u8>> = set
        .into_iter()
        .map(|mut l| {
            l.truncate(MAX_LITERAL_BYTES);
            l
        })
        .collect();
    cut.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    cut.dedup();
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(cut.len());
    for l in cut {
        if !out.iter().any(|o| contains(&l, o)) {
            out.push(l);
        }
    }
    out.sort();
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn req(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let structural = req_parts(hir);
    match hir.kind() {
        // regex-syntax's own prefixes and suffixes can be longer: `,{3,}` needs `,,,`, not just `,`.
        HirKind::Repetition(_) | HirKind::Alternation(_) | HirKind::Capture(_) => {
            let best = better_opt(structural, extracted(hir, ExtractKind::Prefix));
            better_opt(best, extracted(hir, ExtractKind::Suffix))
        }
        _ => structural,
    }
}

fn req_parts(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(lit) => (!lit.0.is_empty()).then(|| vec![lit.0.to_vec()]),
        HirKind::Class(class) => class_literals(class),
        HirKind::Repetition(rep) if rep.min >= 1 => req(&rep.sub),
        HirKind::Repetition(_) => None,
        HirKind::Capture(cap) => req(&cap.sub),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(req(alt)?);
                if all.len() > MAX_LITERALS {
                    return None;
                }
            }
            Some(all)
        }
        HirKind::Concat(parts) => {
            // Any part's required set is required of the whole; so is the set of prefixes (or
            // suffixes) of any run of consecutive parts, which joins neighbours into longer literals.
            let mut best: Option<Vec<Vec<u8>>> = None;
            for part in parts {
                if let Some(set) = req(part) {
                    best = better(best, set);
                }
            }
            for start in 0..parts.len() {
                let rest = Hir::concat(parts[start..].to_vec());
                best = better_opt(best, extracted(&rest, ExtractKind::Prefix));
            }
            for end in 1..=parts.len() {
                let head = Hir::concat(parts[..end].to_vec());
                best = better_opt(best, extracted(&head, ExtractKind::Suffix));
            }
            best
        }
    }
}

/// The prefixes (or suffixes) regex-syntax finds, when they are few, finite and none is empty.
fn extracted(hir: &Hir, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let seq = Extractor::new().kind(kind).extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_LITERALS || lits.iter().any(|l| l.as_bytes().is_empty())
    {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// Each character of a small class, as a literal.
fn class_literals(class: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    match class {
        Class::Unicode(c) => {
            for r in c.ranges() {
                for u in r.start() as u32..=r.end() as u32 {
                    let ch = char::from_u32(u)?;
                    out.push(ch.to_string().into_bytes());
                    if out.len() > MAX_CLASS {
                        return None;
                    }
                }
            }
        }
        Class::Bytes(c) => {
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    out.push(vec![b]);
                    if out.len() > MAX_CLASS {
                        return None;
                    }
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// How selective a set is: the longer its shortest literal (up to the length literals are cut to),
/// then the fewer its literals, the better.
fn score(s: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = s.iter().map(Vec::len).min().unwrap_or(0);
    (shortest.min(MAX_LITERAL_BYTES), std::cmp::Reverse(s.len()))
}

fn better_opt(a: Option<Vec<Vec<u8>>>, b: Option<Vec<Vec<u8>>>) -> Option<Vec<Vec<u8>>> {
    match b {
        Some(b) => better(a, b),
        None => a,
    }
}

/// The more selective of two sets: the longer shortest literal (a rarer string; up to the length
/// literals are cut to), then fewer literals.
fn better(a: Option<Vec<Vec<u8>>>, b: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    match a {
        Some(a) if score(&a) >= score(&b) => Some(a),
        _ => Some(b),
    }
}
