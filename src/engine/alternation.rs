//! Alternations reordered so that a word is tried before the words that are its prefixes.
//!
//! Leftmost-first matching takes the first alternative that matches, so `退|退款` matches only `退`
//! of 退款. Packs list words in any order, and folding Traditional and Cantonese into Simplified
//! makes such orders of its own (`冇关|没关系` is `没关|没关系` once folded). Compiled here, both at
//! run time and by `build.rs` (which prepares the built-in patterns' automata), so the two agree.

use regex_syntax::hir::Hir;

/// The word of an alternative that is only a word.
fn word(h: &Hir) -> Option<&[u8]> {
    match h.kind() {
        regex_syntax::hir::HirKind::Literal(l) => Some(&l.0),
        _ => None,
    }
}

/// Where alternative `i` goes: before the first earlier word that is its prefix.
fn ahead_of(words: &[Option<&[u8]>], i: usize) -> Option<usize> {
    let b = words[i]?;
    (0..i).find(|&j| words[j].is_some_and(|a| a.len() < b.len() && b.starts_with(a)))
}

/// Whether some alternation of `hir` lists a word after its own prefix.
pub fn shadows(hir: &Hir) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Alternation(alts) => {
            let words: Vec<Option<&[u8]>> = alts.iter().map(word).collect();
            (1..alts.len()).any(|i| ahead_of(&words, i).is_some()) || alts.iter().any(shadows)
        }
        HirKind::Concat(parts) => parts.iter().any(shadows),
        HirKind::Repetition(r) => shadows(&r.sub),
        HirKind::Capture(c) => shadows(&c.sub),
        _ => false,
    }
}

/// `hir` with every word of an alternation tried before the words that are its prefixes
/// (`退|退款` as `退款|退`). Leftmost-first takes the first alternative that matches, so a shorter
/// word ahead of its own extension cut matches short: folding Traditional and Cantonese makes such
/// orders (`冇关|没关系` is `没关|没关系` once folded), and a list of words is written in any order.
/// Whether and where a match starts does not change, only how far it reaches.
pub fn prefer_longer(hir: Hir) -> Hir {
    use regex_syntax::hir::{Capture, HirKind, Repetition};
    // Most patterns list no word after its prefix: they are kept as parsed, not rebuilt.
    if !shadows(&hir) {
        return hir;
    }
    match hir.into_kind() {
        HirKind::Alternation(alts) => {
            let mut alts: Vec<Hir> = alts.into_iter().map(prefer_longer).collect();
            for i in 1..alts.len() {
                let words: Vec<Option<&[u8]>> = alts[..=i].iter().map(word).collect();
                if let Some(j) = ahead_of(&words, i) {
                    let moved = alts.remove(i);
                    alts.insert(j, moved);
                }
            }
            Hir::alternation(alts)
        }
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(prefer_longer).collect()),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(prefer_longer(*r.sub)),
            ..r
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(prefer_longer(*c.sub)),
            ..c
        }),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        HirKind::Look(l) => Hir::look(l),
    }
}
