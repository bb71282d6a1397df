//! Required literals of a regular expression: a small set of byte strings one of which every match
//! contains. A phrase that contains none of them cannot match, so the pattern need not be searched.
//!
//! Used at run time for the patterns of user packs, and by `build.rs` (which includes this file) to
//! prepare the built-in packs' patterns, so it depends on nothing but `regex-syntax`.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};

/// More literals than this make a set too weak to be worth keeping.
pub const MAX_LITERALS: usize = 64;
/// A class of more characters than this is not turned into literals.
const MAX_CLASS: usize = 16;

/// A set of literals one of which every match of `hir` contains, or `None` when there is no such set
/// (the pattern can match the empty string, or only classes too big to list constrain it). Every
/// literal is non-empty.
pub fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut set = req(hir)?;
    set.sort();
    set.dedup();
    (!set.is_empty() && set.len() <= MAX_LITERALS && set.iter().all(|l| !l.is_empty()))
        .then_some(set)
}

fn req(hir: &Hir) -> Option<Vec<Vec<u8>>> {
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

fn better_opt(a: Option<Vec<Vec<u8>>>, b: Option<Vec<Vec<u8>>>) -> Option<Vec<Vec<u8>>> {
    match b {
        Some(b) => better(a, b),
        None => a,
    }
}

/// The more selective of two sets: the longer shortest literal (a rarer string), then fewer literals.
fn better(a: Option<Vec<Vec<u8>>>, b: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    let score = |s: &Vec<Vec<u8>>| {
        let shortest = s.iter().map(Vec::len).min().unwrap_or(0).min(12);
        (shortest, std::cmp::Reverse(s.len()))
    };
    match a {
        Some(a) if score(&a) >= score(&b) => Some(a),
        _ => Some(b),
    }
}
