//! A phrase: one quick reply, with where each of its characters stands in its file.
//!
//! Readers hand phrases over as [`Draft`]s (owned text and offsets); a document stores them compactly
//! and lends them out as [`Phrase`]s. Most phrases are verbatim slices of their file, so a document
//! keeps only their byte range: a library of a million one-line phrases costs a few bytes a phrase
//! beyond its own text.

use crate::text::scene::Scene;
use std::ops::Range;
use std::sync::Arc;

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

/// Where a phrase's characters are in the decoded file text.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    fn as_ref(&self) -> OffsetsRef<'_> {
        match self {
            Offsets::Contiguous(start) => OffsetsRef::Contiguous(*start),
            Offsets::Mapped(map) => OffsetsRef::Mapped(map),
        }
    }
}

/// [`Offsets`], borrowed from where a document keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetsRef<'a> {
    Contiguous(usize),
    Mapped(&'a [Range<usize>]),
}

/// A group of phrases (a 快捷短语分组, a YAML group, a Markdown heading) and the scene it implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: Arc<str>,
    pub scene: Scene,
}

/// A phrase as a reader builds it, before a document stores it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub text: String,
    pub offsets: Offsets,
    pub group: Option<String>,
    pub scene: Scene,
    /// The quick code (快捷编码), where the format has one.
    pub code: Option<String>,
    /// Suppressions a reviewer attached to this phrase (see [`crate::input::suppression`]).
    pub allow: Vec<Allow>,
}

impl Draft {
    pub fn new(text: String, offsets: Offsets) -> Self {
        Draft {
            text,
            offsets,
            group: None,
            scene: Scene::Common,
            code: None,
            allow: Vec::new(),
        }
    }

    /// The draft as a phrase, for readers' own tests and tools that never store it.
    pub fn view(&self) -> Phrase<'_> {
        Phrase {
            index: 0,
            text: &self.text,
            group: None,
            scene: self.scene,
            code: None,
            allow: &self.allow,
            offsets: self.offsets.as_ref(),
        }
    }
}

/// A phrase of a document, as rules, fixes and reports see it.
#[derive(Debug, Clone, Copy)]
pub struct Phrase<'a> {
    /// Its index in the document.
    pub index: usize,
    pub text: &'a str,
    pub group: Option<&'a Group>,
    pub scene: Scene,
    pub code: Option<&'a Arc<str>>,
    pub allow: &'a [Allow],
    pub offsets: OffsetsRef<'a>,
}

impl<'a> Phrase<'a> {
    pub fn group_name(&self) -> Option<&'a str> {
        self.group.map(|g| &*g.name)
    }

    /// The byte offset of each character of the text, plus one for the end.
    pub fn char_starts(&self) -> Vec<usize> {
        let mut starts: Vec<usize> = self.text.char_indices().map(|(i, _)| i).collect();
        starts.push(self.text.len());
        starts
    }

    /// [`Phrase::source_range`] with the character table computed once for many ranges.
    pub fn source_range_in(&self, starts: &[usize], chars: Range<usize>) -> Range<usize> {
        match self.offsets {
            OffsetsRef::Contiguous(start) => {
                let last = starts.len() - 1;
                start + starts[chars.start.min(last)]..start + starts[chars.end.min(last)]
            }
            OffsetsRef::Mapped(_) => self.source_range(chars),
        }
    }

    /// The source byte range of a range of the phrase's characters.
    pub fn source_range(&self, chars: Range<usize>) -> Range<usize> {
        match self.offsets {
            OffsetsRef::Contiguous(start) => {
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
            OffsetsRef::Mapped(map) => {
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

    /// Where the phrase starts in its file.
    pub fn start(&self) -> usize {
        match self.offsets {
            OffsetsRef::Contiguous(start) => start,
            OffsetsRef::Mapped(map) => map.first().map_or(0, |r| r.start),
        }
    }
}

/// How a document stores a phrase: 24 bytes, the text itself stays in the file's text.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// Byte offset of the text in the file (of its first character, for mapped text).
    start: usize,
    /// Byte length of the text when it is a verbatim slice of the file.
    len: u32,
    /// Index into the groups; `NONE` for none.
    group: u32,
    /// Index into the extras; `NONE` for none.
    extra: u32,
}

const NONE: u32 = u32::MAX;

/// Unescaped or unfolded text, with the source range of each character.
type MappedText = (Box<str>, Box<[Range<usize>]>);

/// What only some phrases have: text that is not a verbatim slice of the file, a code, suppressions.
#[derive(Debug, Clone, Default)]
struct Extra {
    text: Option<MappedText>,
    code: Option<Arc<str>>,
    allow: Vec<Allow>,
}

/// The phrases of one file, stored compactly against the file's text.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    records: Vec<Record>,
    groups: Vec<Group>,
    extras: Vec<Extra>,
    /// The shop the file names (a phrasebook's `shop:`): its phrases form that shop's library.
    shop: Option<Arc<str>>,
}

impl Phrases {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Stores a draft; `text` is the file's decoded text its offsets point into.
    pub fn push(&mut self, text: &str, draft: Draft) {
        let text_len = draft.text.len();
        let group = match draft.group {
            None => NONE,
            Some(name) => self.group(&name, draft.scene),
        };
        let mut extra = Extra {
            code: draft.code.map(Arc::from),
            allow: draft.allow,
            ..Extra::default()
        };
        let start = match draft.offsets {
            Offsets::Contiguous(start)
                if text.get(start..start + draft.text.len()) == Some(draft.text.as_str()) =>
            {
                start
            }
            Offsets::Contiguous(start) => {
                // Not verbatim after all: map each character to its own stretch.
                let map = draft
                    .text
                    .char_indices()
                    .map(|(i, c)| start + i..start + i + c.len_utf8())
                    .collect();
                extra.text = Some((draft.text.into_boxed_str(), map));
                start
            }
            Offsets::Mapped(map) => {
                let start = map.first().map_or(0, |r| r.start);
                extra.text = Some((draft.text.into_boxed_str(), map.into_boxed_slice()));
                start
            }
        };
        // A verbatim phrase longer than 4 GiB cannot be; a file that size is refused on reading.
        let len = if extra.text.is_some() {
            0
        } else {
            u32::try_from(text_len).unwrap_or(u32::MAX)
        };
        let has_extra = extra.text.is_some() || extra.code.is_some() || !extra.allow.is_empty();
        let extra = if has_extra {
            self.extras.push(extra);
            (self.extras.len() - 1) as u32
        } else {
            NONE
        };
        self.records.push(Record {
            start,
            len,
            group,
            extra,
        });
    }

    /// Stores a phrase that is a verbatim slice of the file (`range` of its text) and has no group:
    /// nothing is copied.
    pub fn push_slice(&mut self, range: Range<usize>) {
        self.records.push(Record {
            start: range.start,
            len: u32::try_from(range.len()).unwrap_or(u32::MAX),
            group: NONE,
            extra: NONE,
        });
    }

    /// The index of a group, added when new. Consecutive phrases usually share theirs.
    fn group(&mut self, name: &str, scene: Scene) -> u32 {
        if let Some(i) = self
            .groups
            .iter()
            .rposition(|g| &*g.name == name && g.scene == scene)
        {
            return i as u32;
        }
        self.groups.push(Group {
            name: Arc::from(name),
            scene,
        });
        (self.groups.len() - 1) as u32
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Phrases per group (in the order of [`Phrases::groups`]), and phrases without a group.
    pub fn group_counts(&self) -> (Vec<usize>, usize) {
        let mut counts = vec![0; self.groups.len()];
        let mut none = 0;
        for r in &self.records {
            match counts.get_mut(r.group as usize) {
                Some(n) => *n += 1,
                None => none += 1,
            }
        }
        (counts, none)
    }

    /// Records the shop the file names; a blank name is none.
    pub fn set_shop(&mut self, shop: &str) {
        let shop = shop.trim();
        self.shop = (!shop.is_empty()).then(|| Arc::from(shop));
    }

    pub fn shop(&self) -> Option<&Arc<str>> {
        self.shop.as_ref()
    }

    /// Groups can be renamed to other scenes (a config's `scenes` keywords).
    pub fn groups_mut(&mut self) -> &mut [Group] {
        &mut self.groups
    }

    /// Phrase `i`, with its text borrowed from the file's `text`.
    pub fn get<'a>(&'a self, text: &'a str, i: usize) -> Phrase<'a> {
        let r = self.records[i];
        let extra = (r.extra != NONE).then(|| &self.extras[r.extra as usize]);
        let group = (r.group != NONE).then(|| &self.groups[r.group as usize]);
        let (phrase_text, offsets) = match extra.and_then(|e| e.text.as_ref()) {
            Some((t, map)) => (&**t, OffsetsRef::Mapped(map)),
            None => (
                &text[r.start..r.start + r.len as usize],
                OffsetsRef::Contiguous(r.start),
            ),
        };
        Phrase {
            index: i,
            text: phrase_text,
            group,
            scene: group.map_or(Scene::Common, |g| g.scene),
            code: extra.and_then(|e| e.code.as_ref()),
            allow: extra.map_or(&[], |e| &e.allow),
            offsets,
        }
    }

    /// Attaches suppressions to phrase `i`.
    pub fn allow(&mut self, i: usize, allow: Vec<Allow>) {
        if allow.is_empty() {
            return;
        }
        let r = &mut self.records[i];
        if r.extra == NONE {
            self.extras.push(Extra::default());
            r.extra = (self.extras.len() - 1) as u32;
        }
        self.extras[r.extra as usize].allow.extend(allow);
    }

    /// Puts the phrases in file order (readers of tables and trees may meet them out of order).
    pub fn sort_by_start(&mut self) {
        if !self.records.is_sorted_by_key(|r| r.start) {
            self.records.sort_by_key(|r| r.start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str, drafts: Vec<Draft>) -> Phrases {
        let mut p = Phrases::default();
        for d in drafts {
            p.push(text, d);
        }
        p
    }

    #[test]
    fn contiguous_ranges_count_characters() {
        let text = "0123456789亲，不知道";
        let p = phrases(
            text,
            vec![Draft::new("亲，不知道".into(), Offsets::Contiguous(10))],
        );
        let p = p.get(text, 0);
        assert_eq!(p.text, "亲，不知道");
        assert_eq!(p.source_range(2..5), 10 + 6..10 + 15);
        assert_eq!(p.source_range_in(&p.char_starts(), 2..5), 10 + 6..10 + 15);
    }

    #[test]
    fn aligned_escapes_map_to_their_source() {
        // YAML single quotes: '' stands for '.
        let raw = "'单引''号'";
        let o = Offsets::align("单引'号", raw, 0);
        let p = phrases(raw, vec![Draft::new("单引'号".into(), o)]);
        let p = p.get(raw, 0);
        assert_eq!(p.text, "单引'号");
        assert_eq!(&raw[p.source_range(3..4)], "号");
    }

    #[test]
    fn aligned_folded_lines_follow_the_source() {
        let raw = "多行\n    续行";
        let p = Draft::new("多行 续行".into(), Offsets::align("多行 续行", raw, 0));
        assert_eq!(&raw[p.view().source_range(3..5)], "续行");
    }

    #[test]
    fn groups_codes_and_suppressions_are_kept() {
        let text = "您好\n谢谢\n";
        let mut a = Draft::new("您好".into(), Offsets::Contiguous(0));
        a.group = Some("欢迎语".into());
        a.scene = Scene::Greeting;
        a.code = Some("hy".into());
        let mut b = Draft::new("谢谢".into(), Offsets::Contiguous(7));
        b.group = Some("欢迎语".into());
        b.scene = Scene::Greeting;
        let mut p = phrases(text, vec![a, b]);
        assert_eq!(p.groups().len(), 1, "one group, shared");
        p.allow(
            1,
            vec![Allow {
                rule: "x".into(),
                reason: "y".into(),
                span: 0..1,
            }],
        );
        let (a, b) = (p.get(text, 0), p.get(text, 1));
        assert_eq!(a.code.map(|c| &**c), Some("hy"));
        assert_eq!(a.scene, Scene::Greeting);
        assert_eq!(b.group_name(), Some("欢迎语"));
        assert_eq!(b.allow.len(), 1);
        assert_eq!(b.text, "谢谢");
    }

    #[test]
    fn a_contiguous_draft_that_is_not_verbatim_keeps_its_text() {
        let text = "abc";
        let p = phrases(text, vec![Draft::new("xyz".into(), Offsets::Contiguous(0))]);
        assert_eq!(p.get(text, 0).text, "xyz");
    }
}
