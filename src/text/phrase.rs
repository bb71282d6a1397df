//! A phrase: one quick reply, with where each of its characters stands in its file.

use crate::text::scene::Scene;
use std::ops::Range;

/// One rule (or pack) allowed on one phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// A rule id or a pack name.
    pub rule: String,
    /// Why; empty when none was given (then the suppression is reported and does not apply).
    pub reason: String,
    /// Source bytes of the suppression (the rule name where it can be found), where it is reported.
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Phrase {
    pub text: String,
    pub group: Option<String>,
    pub scene: Scene,
    /// The quick code (快捷编码), where the format has one.
    pub code: Option<String>,
    pub offsets: Offsets,
    /// Suppressions a reviewer attached to this phrase (see [`crate::run::suppress`]).
    pub allow: Vec<Allow>,
}

/// Where a phrase's characters are in the decoded file text.
#[derive(Debug, Clone)]
pub enum Offsets {
    /// The phrase is a verbatim slice of the file starting at this byte offset.
    Contiguous(usize),
    /// The phrase was unescaped or unfolded: the source byte range of each character.
    Mapped(Vec<Range<usize>>),
}

impl Offsets {
    /// Offsets for a `value` read from `raw` (the source text of the value, quotes and escapes included),
    /// which starts at byte `raw_start` of the file.
    pub fn align(value: &str, raw: &str, raw_start: usize) -> Offsets {
        if value.is_empty() {
            return Offsets::Contiguous(raw_start);
        }
        if let Some(i) = raw.find(value) {
            // Plain, or quoted without escapes: the value stands verbatim in the source.
            return Offsets::Contiguous(raw_start + i);
        }
        // Walk both texts: each value character maps to the next equal raw character within a short
        // window (skipping quotes, indentation, escape syntax); one made by an escape maps to where the
        // escape stands.
        const WINDOW: usize = 12;
        let raw_chars: Vec<(usize, char)> = raw.char_indices().collect();
        let mut j = 0;
        let mut map = Vec::with_capacity(value.len());
        for c in value.chars() {
            let found = raw_chars[j.min(raw_chars.len())..]
                .iter()
                .take(WINDOW)
                .position(|&(_, r)| r == c);
            let k = match found {
                Some(d) => j + d,
                None => j.min(raw_chars.len().saturating_sub(1)),
            };
            let range = match raw_chars.get(k) {
                Some(&(at, rc)) => raw_start + at..raw_start + at + rc.len_utf8(),
                None => raw_start + raw.len()..raw_start + raw.len(),
            };
            map.push(range);
            if found.is_some() {
                j = k + 1;
            }
        }
        Offsets::Mapped(map)
    }
}

impl Phrase {
    pub fn new(text: String, offsets: Offsets) -> Self {
        Phrase {
            text,
            group: None,
            scene: Scene::Common,
            code: None,
            offsets,
            allow: Vec::new(),
        }
    }

    /// The byte offset of each character of the text, plus one for the end.
    pub fn char_starts(&self) -> Vec<usize> {
        let mut starts: Vec<usize> = self.text.char_indices().map(|(i, _)| i).collect();
        starts.push(self.text.len());
        starts
    }

    /// [`Phrase::source_range`] with the character table computed once for many ranges.
    pub fn source_range_in(&self, starts: &[usize], chars: Range<usize>) -> Range<usize> {
        match &self.offsets {
            Offsets::Contiguous(start) => {
                let last = starts.len() - 1;
                start + starts[chars.start.min(last)]..start + starts[chars.end.min(last)]
            }
            Offsets::Mapped(_) => self.source_range(chars),
        }
    }

    /// The source byte range of a range of the phrase's characters.
    pub fn source_range(&self, chars: Range<usize>) -> Range<usize> {
        match &self.offsets {
            Offsets::Contiguous(start) => {
                let mut indices = self.text.char_indices().map(|(i, _)| i);
                let a = indices.nth(chars.start).unwrap_or(self.text.len());
                let b = if chars.end > chars.start {
                    indices
                        .nth(chars.end - chars.start - 1)
                        .unwrap_or(self.text.len())
                } else {
                    a
                };
                start + a..start + b
            }
            Offsets::Mapped(map) => {
                if map.is_empty() {
                    return 0..0;
                }
                let a = map[chars.start.min(map.len() - 1)].start;
                let b = if chars.end > chars.start {
                    map[(chars.end - 1).min(map.len() - 1)].end
                } else {
                    a
                };
                a..b.max(a)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_ranges_count_characters() {
        let p = Phrase::new("亲，不知道".into(), Offsets::Contiguous(10));
        assert_eq!(p.source_range(2..5), 10 + 6..10 + 15);
        assert_eq!(p.source_range_in(&p.char_starts(), 2..5), 10 + 6..10 + 15);
    }

    #[test]
    fn aligned_escapes_map_to_their_source() {
        // YAML single quotes: '' stands for '.
        let raw = "'单引''号'";
        let o = Offsets::align("单引'号", raw, 100);
        let p = Phrase::new("单引'号".into(), o);
        let r = p.source_range(3..4);
        assert_eq!(&raw[r.start - 100..r.end - 100], "号");
    }

    #[test]
    fn aligned_folded_lines_follow_the_source() {
        let raw = "多行\n    续行";
        let p = Phrase::new("多行 续行".into(), Offsets::align("多行 续行", raw, 0));
        assert_eq!(&raw[p.source_range(3..5)], "续行");
    }
}
