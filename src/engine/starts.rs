//! Where a pattern's matches can begin: at the start of the text, or at one of a few characters.
//!
//! A pattern such as `(^|[,。])[^,。]{0,12}(本店|目前)…` or `(给|晒|好评)[^\n]{0,40}?(返现|红包)` can
//! only match from the text's start or from one of a handful of characters. Searched without
//! anchoring, a lazy DFA follows every position that might start a match at once, and such gaps make
//! it run through many states (or give up and fall back to a slower engine); searched anchored at
//! each place one of those characters occurs, it follows one start at a time, needs no reverse
//! search to find where the match began, and a phrase with none of the characters is not searched
//! at all. Leftmost-first matches are the same either way: the first place where an anchored
//! search succeeds is the leftmost start, and at that start the anchored search prefers what the
//! unanchored one prefers.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// More start characters than this, and a phrase would offer too many places to try.
pub const MAX_CHARS: usize = 48;

/// Where every match begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Starts {
    /// A match may begin at the start of the text (after `^`).
    pub at_text_start: bool,
    /// Or with one of these characters, sorted.
    pub chars: Vec<char>,
}

impl Starts {
    /// Appends `starts` as `build.rs` embeds it for a built-in pattern: a flag byte (none known),
    /// then whether at the text's start, a count and the characters, as little-endian u32s.
    pub fn encode(starts: Option<&Starts>, out: &mut Vec<u8>) {
        let Some(s) = starts else {
            out.push(0);
            return;
        };
        out.extend([1, u8::from(s.at_text_start)]);
        out.extend((s.chars.len() as u32).to_le_bytes());
        for &c in &s.chars {
            out.extend((c as u32).to_le_bytes());
        }
    }

    /// What [`Starts::encode`] wrote at the start of `bytes`.
    pub fn decode(bytes: &[u8]) -> Option<Starts> {
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("four bytes"));
        if bytes[0] == 0 {
            return None;
        }
        let chars = (0..u32_at(2) as usize)
            .map(|k| char::from_u32(u32_at(6 + 4 * k)).expect("a start character"))
            .collect();
        Some(Starts {
            at_text_start: bytes[1] == 1,
            chars,
        })
    }
}

/// Where every match of `hir` begins, when that is known and short: `None` for a pattern that can
/// match the empty string, or whose matches can begin with a character of a large class.
pub fn starts(hir: &Hir) -> Option<Starts> {
    if hir.properties().minimum_len().is_none_or(|n| n == 0) {
        return None;
    }
    let mut s = Starts {
        at_text_start: false,
        chars: Vec::new(),
    };
    first(hir, &mut s)?;
    s.chars.sort_unstable();
    s.chars.dedup();
    (s.chars.len() <= MAX_CHARS).then_some(s)
}

/// Adds where a match of `hir` begins to `s`. `None` unless every match of `hir` either begins with a
/// listed character or is empty at the start of the text.
fn first(hir: &Hir, s: &mut Starts) -> Option<()> {
    match hir.kind() {
        HirKind::Look(Look::Start) => {
            s.at_text_start = true;
            Some(())
        }
        HirKind::Look(_) | HirKind::Empty => None,
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            s.chars.push(c);
            Some(())
        }
        HirKind::Class(Class::Unicode(class)) => {
            for r in class.ranges() {
                for u in r.start() as u32..=r.end() as u32 {
                    s.chars.push(char::from_u32(u)?);
                    if s.chars.len() > MAX_CHARS {
                        return None;
                    }
                }
            }
            Some(())
        }
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Capture(cap) => first(&cap.sub, s),
        HirKind::Repetition(rep) if rep.min >= 1 => first(&rep.sub, s),
        HirKind::Repetition(_) => None,
        HirKind::Alternation(alts) => alts.iter().try_for_each(|a| first(a, s)),
        // Only the first part: where it is empty, it is empty at the start of the text.
        HirKind::Concat(parts) => first(parts.first()?, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(pattern: &str) -> Option<(bool, String)> {
        let hir = regex_syntax::parse(pattern).unwrap();
        starts(&hir).map(|s| (s.at_text_start, s.chars.into_iter().collect()))
    }

    #[test]
    fn first_characters_of_alternations_and_literals() {
        assert_eq!(
            of("(给|晒|好评)[^\n]{0,40}?(返现|红包)"),
            Some((false, "好晒给".into()))
        );
        assert_eq!(of("不能|无法"), Some((false, "不无".into())));
        assert_eq!(of("(?:我们|本店)+不发"), Some((false, "我本".into())));
    }

    #[test]
    fn the_start_of_the_text_as_an_alternative() {
        assert_eq!(of("(^|[,。])[^,。]{0,12}本店"), Some((true, ",。".into())));
        assert_eq!(of("^[ ,]*(亲|您好)?不行"), Some((true, String::new())));
        assert_eq!(of("^不行"), Some((true, String::new())));
    }

    #[test]
    fn unknown_starts() {
        assert_eq!(of("[^,。]{1,6}之前"), None, "a large class");
        assert_eq!(of("(亲)?不行"), None, "an optional first part");
        assert_eq!(of(r"\b不行"), None, "a word boundary");
        assert_eq!(of("(?m)^不行"), None, "a line start");
        assert_eq!(of("x*"), None, "an empty match");
    }
}
