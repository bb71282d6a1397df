//! Positions as the editor counts them: a 0-based line, and a column in UTF-16 code units (the
//! protocol's default), UTF-8 bytes or characters, whichever was agreed at initialisation. huashu's
//! own spans are byte ranges of the decoded text; everything crossing the protocol goes through here.

use lsp_types::{Position, PositionEncodingKind, Range};

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use among those a client offers (`general.positionEncodings`): UTF-8 when
    /// offered (huashu's spans are bytes already), then characters, else UTF-16, which every client
    /// understands.
    pub fn negotiate(offered: &[String]) -> Encoding {
        if offered.iter().any(|e| e == "utf-8") {
            Encoding::Utf8
        } else if offered.iter().any(|e| e == "utf-32") {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// Where each line of a text starts. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol
/// counts them.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

fn floor_boundary(text: &str, mut byte: usize) -> usize {
    byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// The byte range of line `line`'s content, without its line break.
    fn line(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line];
        let next = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let content = text[start..next].trim_end_matches(['\n', '\r']);
        start..start + content.len()
    }

    /// The position of a byte offset (clamped to the text, moved back to a character boundary).
    pub fn position(&self, text: &str, byte: usize, encoding: Encoding) -> Position {
        let byte = floor_boundary(text, byte);
        let line = match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        // Inside a `\r\n`: the position of the line's end.
        let end = byte.min(self.line(text, line).end).max(start);
        let character = match encoding {
            Encoding::Utf8 => (end - start) as u32,
            _ => text[start..end].chars().map(|c| encoding.units(c)).sum(),
        };
        Position {
            line: line as u32,
            character,
        }
    }

    /// The byte offset of a position. A line past the end is the end of the text; a column past the
    /// end of its line is the line's end; a column inside a character is that character's start.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let range = self.line(text, line);
        let mut at = range.start;
        let mut count = 0u32;
        for c in text[range].chars() {
            let units = encoding.units(c);
            if count + units > position.character {
                break;
            }
            count += units;
            at += c.len_utf8();
        }
        at
    }

    pub fn range(&self, text: &str, span: std::ops::Range<usize>, encoding: Encoding) -> Range {
        Range {
            start: self.position(text, span.start, encoding),
            end: self.position(text, span.end.max(span.start), encoding),
        }
    }

    /// The byte range of an editor range (start and end in order).
    pub fn span(&self, text: &str, range: Range, encoding: Encoding) -> std::ops::Range<usize> {
        let a = self.offset(text, range.start, encoding);
        let b = self.offset(text, range.end, encoding);
        a.min(b)..a.max(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn columns_in_each_encoding() {
        // 😀 is two UTF-16 units and four bytes; 們 (Traditional) is one unit and three bytes.
        let text = "第一行\r\n😀們不知道\n";
        let index = LineIndex::new(text);
        let at = text.find("不知道").unwrap();
        assert_eq!(index.position(text, at, Encoding::Utf16), pos(1, 3));
        assert_eq!(index.position(text, at, Encoding::Utf32), pos(1, 2));
        assert_eq!(index.position(text, at, Encoding::Utf8), pos(1, 7));
        for e in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let p = index.position(text, at, e);
            assert_eq!(index.offset(text, p, e), at, "{e:?}");
        }
    }

    #[test]
    fn line_breaks_of_every_kind_and_clamping() {
        let text = "a\rb\r\nc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 2, Encoding::Utf16), pos(1, 0));
        assert_eq!(index.position(text, 5, Encoding::Utf16), pos(2, 0));
        // Past the end of a line: its end; past the last line: the end of the text.
        assert_eq!(index.offset(text, pos(1, 99), Encoding::Utf16), 3);
        assert_eq!(index.offset(text, pos(9, 0), Encoding::Utf16), text.len());
        // Inside the \r\n: the end of the line.
        assert_eq!(index.position(text, 4, Encoding::Utf16), pos(1, 1));
    }

    #[test]
    fn a_column_inside_a_surrogate_pair_is_the_character_start() {
        let text = "😀好";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 1), Encoding::Utf16), 0);
        assert_eq!(index.offset(text, pos(0, 2), Encoding::Utf16), 4);
        assert_eq!(index.position(text, 2, Encoding::Utf16), pos(0, 0));
    }

    #[test]
    fn negotiation_prefers_utf8_then_utf32_and_defaults_to_utf16() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Encoding::negotiate(&s(&["utf-16", "utf-8"])),
            Encoding::Utf8
        );
        assert_eq!(Encoding::negotiate(&s(&["utf-32"])), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(&[]), Encoding::Utf16);
    }
}
