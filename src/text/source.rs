//! A phrase file's decoded text with a line index, so positions are found by binary search instead of a
//! rescan, and miette can draw snippets from it quickly.

use crate::text::encoding::TextEncoding;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as found while walking), shown in every report.
    pub name: Arc<str>,
    pub text: String,
    /// How the file's bytes were decoded; `None` for workbooks, whose text is synthetic.
    pub encoding: Option<TextEncoding>,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Whether some line ends with a lone CR (an old Mac or Excel export): miette cannot draw such a
    /// file's lines, so snippets show the span's own line only.
    lone_cr: bool,
    /// For a workbook: the cell each stretch of the synthetic text came from, in text order.
    cells: Vec<CellSpan>,
    /// For an excerpt ([`SourceFile::excerpt`]): the 0-based line of the whole file its text starts
    /// on, and the characters of that line before it; (0, 0) for a whole file.
    origin: (usize, usize),
}

/// Where an excerpt ([`SourceFile::excerpt`]) stands in its file.
#[derive(Debug, Clone)]
pub struct ExcerptBounds {
    /// The bytes of the file it copies.
    pub bytes: Range<usize>,
    /// The 0-based line of the whole file it starts on, and the characters of that line before it.
    pub origin: (usize, usize),
    /// For a workbook: its cell, rebased to the excerpt.
    pub cell: Option<CellSpan>,
}

/// A spreadsheet cell whose text stands at `start..end` of a workbook's synthetic source text.
/// Positions in it are reported as line = row, column = character offset within the cell.
#[derive(Debug, Clone)]
pub struct CellSpan {
    pub start: usize,
    pub end: usize,
    pub sheet: Arc<str>,
    /// 1-based row number, as Excel shows it.
    pub row: u32,
    /// 0-based column index (0 is column A).
    pub column: u32,
}

impl CellSpan {
    /// The cell's A1-style reference, e.g. `B12`.
    pub fn reference(&self) -> String {
        let mut letters = Vec::new();
        let mut n = self.column + 1;
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        format!("{}{}", String::from_utf8(letters).expect("ASCII"), self.row)
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<Arc<str>>, text: String) -> Self {
        let mut line_starts = vec![0];
        let mut lone_cr = false;
        let bytes = text.as_bytes();
        // A line ends with LF, CRLF, or a lone CR (old Mac and Excel exports).
        for i in memchr_breaks(bytes) {
            if bytes[i] == b'\r' {
                if bytes.get(i + 1) == Some(&b'\n') {
                    continue;
                }
                lone_cr = true;
            }
            line_starts.push(i + 1);
        }
        SourceFile {
            name: name.into(),
            text,
            encoding: None,
            line_starts,
            lone_cr,
            cells: Vec::new(),
            origin: (0, 0),
        }
    }

    /// Records how the file was decoded (so it can be written back the same way).
    pub fn with_encoding(mut self, encoding: TextEncoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// A workbook's synthetic text and the cells it is made of (sorted by `start`, not overlapping).
    pub fn with_cells(name: impl Into<Arc<str>>, text: String, cells: Vec<CellSpan>) -> Self {
        let mut f = SourceFile::new(name, text);
        f.cells = cells;
        f
    }

    /// The cell holding a byte offset of a workbook's text (its end counts as inside).
    pub fn cell_at(&self, byte: usize) -> Option<&CellSpan> {
        let i = self.cells.partition_point(|c| c.start <= byte);
        self.cells[..i].last().filter(|c| byte <= c.end)
    }

    /// 0-based line index of a byte offset.
    fn line_index(&self, byte: usize) -> usize {
        match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Where the line (or the workbook cell) holding a byte offset starts.
    fn region_start(&self, byte: usize) -> usize {
        match self.cell_at(byte) {
            Some(cell) => cell.start,
            None => self.line_starts[self.line_index(byte)],
        }
    }

    /// The line and character column of a byte offset.
    pub fn position(&self, byte: usize) -> Position {
        if let Some(cell) = self.cell_at(byte) {
            return Position {
                line: cell.row as usize,
                column: self.text[cell.start..byte].chars().count() + 1,
            };
        }
        let line = self.line_index(byte);
        let start = self.line_starts[line];
        let column = self.text[start..byte].chars().count() + 1 + self.first_line_offset(line);
        Position {
            line: line + 1 + self.origin.0,
            column,
        }
    }

    /// Characters of the whole file's line before an excerpt's first line (0 for other lines).
    fn first_line_offset(&self, line: usize) -> usize {
        if line == 0 { self.origin.1 } else { 0 }
    }

    /// The lines (in a workbook, the cell) holding `span`, as a file of their own that keeps this
    /// file's name, encoding and numbering, and `span` within it. A finding reported after its file
    /// is gone (at the end of a run) holds on to this instead of the whole file. A line longer than
    /// a snippet shows is cut to a window around the span, and so is a span that long.
    pub fn excerpt(&self, span: Range<usize>) -> (SourceFile, Range<usize>) {
        let (bounds, span) = self.excerpt_bounds(span);
        let text = self.text[bounds.bytes.clone()].to_string();
        let part = self.excerpt_of(text, &bounds);
        (part, span)
    }

    /// What [`SourceFile::excerpt`] would copy for `span`, without copying it: the bytes, where
    /// they start in the whole file, the cell for a workbook; and `span` within those bytes.
    pub fn excerpt_bounds(&self, span: Range<usize>) -> (ExcerptBounds, Range<usize>) {
        let span = span.start.min(self.text.len())
            ..span
                .end
                .min(self.text.len())
                .max(span.start.min(self.text.len()));
        let (from, to, origin, cell) = match self.cell_at(span.start) {
            Some(cell) => {
                let rebased = CellSpan {
                    start: 0,
                    end: cell.end - cell.start,
                    ..cell.clone()
                };
                (cell.start, cell.end.max(span.end), (0, 0), Some(rebased))
            }
            None => {
                let line = self.line_index(span.start);
                let line_start = self.line_starts[line];
                let end_line = self.line_index(span.end);
                let line_end = self
                    .line_starts
                    .get(end_line + 1)
                    .map_or(self.text.len(), |&e| e - 1);
                let (mut from, mut to) = (line_start, line_end.max(span.end));
                if to - from > MAX_SNIPPET_BYTES {
                    from = floor_char(
                        &self.text,
                        span.start.saturating_sub(EXCERPT_CONTEXT).max(line_start),
                    );
                    to = ceil_char(
                        &self.text,
                        (span.end.min(span.start + MAX_SNIPPET_BYTES) + EXCERPT_CONTEXT).min(to),
                    );
                }
                let before =
                    self.text[line_start..from].chars().count() + self.first_line_offset(line);
                (from, to, (line + self.origin.0, before), None)
            }
        };
        let end = span.end.min(to).max(span.start);
        let bounds = ExcerptBounds {
            bytes: from..to,
            origin,
            cell,
        };
        (bounds, span.start - from..end - from)
    }

    /// The excerpt of this file whose text (`bounds.bytes` of it, copied) is `text`.
    pub fn excerpt_of(&self, text: String, bounds: &ExcerptBounds) -> SourceFile {
        let mut part =
            SourceFile::excerpt_named(self.name.clone(), text, self.encoding, bounds.origin);
        part.cells = bounds.cell.iter().cloned().collect();
        part
    }

    /// An excerpt of a text file made again from what was kept of it: the file's name and
    /// encoding, the excerpt's text and [`ExcerptBounds::origin`].
    pub fn excerpt_named(
        name: Arc<str>,
        text: String,
        encoding: Option<TextEncoding>,
        origin: (usize, usize),
    ) -> SourceFile {
        let mut part = SourceFile::new(name, text);
        part.encoding = encoding;
        part.origin = origin;
        part
    }

    /// The text of the line holding a byte offset, without its line break.
    pub fn line_text(&self, byte: usize) -> &str {
        let line = self.line_index(byte);
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// The offsets of every CR and LF byte (memchr's vectorised search: the built-in packs' 860 KB of
/// YAML are indexed this way at every start, and byte by byte that was a tenth of a small run).
fn memchr_breaks(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
}

/// The lines of a text, each with its line break: a line ends with LF, CRLF or a lone CR.
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let mut i = memchr::memchr2(b'\n', b'\r', &bytes[from..]).map_or(bytes.len(), |j| from + j);
        if i < bytes.len() {
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        start = i;
        Some(&text[from..i])
    })
}

/// The lines of a text without their line breaks (LF, CRLF or a lone CR).
pub fn lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    lines_inclusive(text).map(|l| l.trim_end_matches(['\n', '\r']))
}

/// Where the line holding byte `at` starts (after an LF, CRLF or lone CR).
pub fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// Above this size a snippet shows only a window of the span's own line: a phrase file with a
/// megabyte-long line must not print that line once per finding.
const MAX_SNIPPET_BYTES: usize = 4096;
/// Bytes kept either side of the span when an excerpt of a very long line is cut to a window.
const EXCERPT_CONTEXT: usize = 240;

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}
/// Characters of context either side of the span in a windowed snippet.
const WINDOW_CHARS: usize = 40;

impl SourceFile {
    /// A snippet of the span with a few characters either side, on the span's first line only.
    fn window(&self, start: usize, end: usize, line_start: usize) -> MietteSpanContents<'_> {
        let line = self.line_index(start);
        let line_end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&e| e - 1);
        let before = &self.text[line_start..start];
        let from = before
            .char_indices()
            .rev()
            .nth(WINDOW_CHARS - 1)
            .map_or(line_start, |(i, _)| line_start + i);
        let end = end.min(line_end).max(start);
        let to = self.text[end..line_end]
            .char_indices()
            .nth(WINDOW_CHARS)
            .map_or(line_end, |(i, _)| end + i);
        let to = if self.text[from..to].ends_with('\r') {
            to - 1
        } else {
            to
        };
        MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()[from..to],
            (from, to - from).into(),
            line + self.origin.0,
            before.chars().count() + self.first_line_offset(line),
            1,
        )
    }
}

/// Positions of offsets that mostly increase, as a phrase's findings do: counts characters from the
/// previous offset on the same line instead of from the line start, so many findings on one very long
/// line stay linear.
pub struct PositionCursor<'a> {
    src: &'a SourceFile,
    last: Option<(usize, usize, Position)>,
}

impl<'a> PositionCursor<'a> {
    pub fn new(src: &'a SourceFile) -> Self {
        PositionCursor { src, last: None }
    }

    pub fn position(&mut self, byte: usize) -> Position {
        let region = self.src.region_start(byte);
        let pos = match self.last {
            Some((b, r, p)) if r == region && byte >= b => Position {
                line: p.line,
                column: p.column + self.src.text[b..byte].chars().count(),
            },
            _ => self.src.position(byte),
        };
        self.last = Some((byte, region, pos));
        pos
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        if let Some(cell) = self.cell_at(start) {
            // A cell is shown alone, without context (its neighbours in the synthetic text are
            // unrelated cells), named by sheet and reference and numbered by its row. Of a cell with
            // line breaks only the lines the span touches are shown, so no other row number appears.
            let cell_text = &self.text[cell.start..cell.end];
            let from = cell.start
                + cell_text[..start - cell.start]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
            let to = cell.start
                + cell_text[end.min(cell.end) - cell.start..]
                    .find('\n')
                    .map_or(cell_text.len(), |i| end.min(cell.end) - cell.start + i);
            let data = &self.text[from..to];
            return Ok(Box::new(MietteSpanContents::new_named(
                format!("{} {}!{}", self.name, cell.sheet, cell.reference()),
                data.as_bytes(),
                (from, to - from).into(),
                cell.row as usize - 1,
                self.text[cell.start..start].chars().count(),
                data.split('\n').count(),
            )));
        }
        let first = self.line_index(start).saturating_sub(context_lines_before);
        let last_of_span = self.line_index(end.saturating_sub(1).max(start));
        let last = (last_of_span + context_lines_after).min(self.line_starts.len() - 1);
        let data_start = self.line_starts[first];
        let data_end = self
            .line_starts
            .get(last + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line_start = self.line_starts[self.line_index(start)];
        if data_end - data_start > MAX_SNIPPET_BYTES || self.lone_cr {
            return Ok(Box::new(self.window(start, end, line_start)));
        }
        // miette prints this column in its header; count characters, as every other column here does.
        let column = self.text[line_start..start].chars().count()
            + self.first_line_offset(self.line_index(start));
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first + self.origin.0,
            column,
            last - first + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_shown_as_a_window_with_the_true_column() {
        let text = format!("{}不知道{}\n", "亲".repeat(5000), "好".repeat(5000));
        let f = SourceFile::new("long.txt", text);
        let at = f.text.find("不知道").unwrap();
        let span: SourceSpan = (at, "不知道".len()).into();
        let c = f.read_span(&span, 1, 1).unwrap();
        let data = std::str::from_utf8(c.data()).unwrap();
        assert_eq!(data.chars().count(), 40 + 3 + 40);
        assert_eq!(c.column(), 5000);
        assert_eq!(c.line(), 0);
    }

    #[test]
    fn cursor_agrees_with_position() {
        let f = SourceFile::new("a.txt", "亲，不知道不清楚\n第二行不知道\n".to_string());
        let mut c = PositionCursor::new(&f);
        let offsets: Vec<usize> = f.text.char_indices().map(|(i, _)| i).collect();
        for &b in offsets.iter().chain(offsets.iter().rev()) {
            assert_eq!(c.position(b), f.position(b), "at {b}");
        }
    }

    #[test]
    fn positions_count_characters() {
        let f = SourceFile::new("a.txt", "第一行\n亲，不知道\n".to_string());
        let at = f.text.find("不知道").unwrap();
        assert_eq!(f.position(at), Position { line: 2, column: 3 });
        assert_eq!(f.line_text(at), "亲，不知道");
    }

    #[test]
    fn an_excerpt_keeps_the_file_s_positions_and_snippets() {
        let f = SourceFile::new(
            "a.csv",
            "code,text\nhy,您好\nwl,亲，不知道哦\nzz,再见\n".to_string(),
        );
        let at = f.text.find("不知道").unwrap();
        let span = at..at + "不知道".len();
        let (part, inner) = f.excerpt(span.clone());
        assert_eq!(part.text, "wl,亲，不知道哦");
        assert_eq!(&part.text[inner.clone()], "不知道");
        assert_eq!(part.position(inner.start), f.position(span.start));
        assert_eq!(part.position(inner.end), f.position(span.end));
        let c = part
            .read_span(&(inner.start, inner.len()).into(), 1, 1)
            .unwrap();
        assert_eq!(c.line(), 2);
        assert_eq!(c.column(), 5);
        // A window of a very long line still counts the characters before it.
        let long = format!("{}不知道\n", "亲".repeat(3000));
        let f = SourceFile::new("b.txt", long);
        let at = f.text.find("不知道").unwrap();
        let (part, inner) = f.excerpt(at..at + 9);
        assert!(part.text.len() < 1000);
        assert_eq!(part.position(inner.start), f.position(at));
    }

    #[test]
    fn cells_report_row_and_offset_in_cell() {
        let text = "您好\n这个我不知道\n".to_string();
        let cell = |start, end, row, column| CellSpan {
            start,
            end,
            sheet: Arc::from("默认表单"),
            row,
            column,
        };
        let f = SourceFile::with_cells("a.xlsx", text, vec![cell(0, 6, 2, 1), cell(7, 25, 12, 27)]);
        let at = f.text.find("不知道").unwrap();
        assert_eq!(
            f.position(at),
            Position {
                line: 12,
                column: 4
            }
        );
        assert_eq!(f.cell_at(at).unwrap().reference(), "AB12");
        assert_eq!(f.cell_at(0).unwrap().reference(), "B2");
    }
}
