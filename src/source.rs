//! A phrase file's decoded text with a line index, so positions are found by binary search instead of a
//! rescan, and miette can draw snippets from it quickly.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as found while walking), shown in every report.
    pub name: String,
    pub text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 0-based line index of a byte offset.
    fn line_index(&self, byte: usize) -> usize {
        match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The line and character column of a byte offset.
    pub fn position(&self, byte: usize) -> Position {
        let line = self.line_index(byte);
        let start = self.line_starts[line];
        let column = self.text[start..byte].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
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
        // miette prints this column in its header; count characters, as every other column here does.
        let column = self.text[line_start..start].chars().count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first,
            column,
            last - first + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let f = SourceFile::new("a.txt", "第一行\n亲，不知道\n".to_string());
        let at = f.text.find("不知道").unwrap();
        assert_eq!(f.position(at), Position { line: 2, column: 3 });
        assert_eq!(f.line_text(at), "亲，不知道");
    }
}
