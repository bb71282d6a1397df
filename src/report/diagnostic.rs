//! A finding placed in its file: what users and machines see.

use crate::engine::linter::Linter;
use crate::engine::rules::{Fix, Level};
use crate::text::phrase::Phrase;
use crate::text::scene::Scene;
use crate::text::source::{PositionCursor, SourceFile};
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub rule: String,
    pub severity: Level,
    pub path: String,
    /// 1-based; columns count characters; `end_column` is exclusive.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    pub matched: String,
    /// Shared by all findings of one phrase: a long phrase is not copied per finding. Serialised cut
    /// to its first [`MAX_PHRASE_CHARS`] characters (then …), so a runaway line cannot multiply the
    /// report's size by its number of findings.
    #[serde(serialize_with = "serialize_phrase")]
    pub phrase: Arc<str>,
    pub group: Option<String>,
    pub scene: Scene,
    pub suggestions: Vec<String>,
    /// The phrase's quick code (快捷编码), where the format has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_code: Option<String>,
    /// `safe` when the first suggestion can be applied without review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The file's detected (or `--encoding`) text encoding; `null` for workbooks.
    pub encoding: Option<&'static str>,
    /// For workbooks: the sheet and cell (`B12`) of the phrase; `line` is then the cell's row and
    /// `column` the character offset within the cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// Byte range of the match in the decoded source.
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub source: Arc<SourceFile>,
}

impl Diagnostic {
    /// Whether `huashu check --fix` would apply this finding's fix: the rule has a safe fix or a
    /// removal, the file is a text file huashu writes back (not a workbook, not standard input), and
    /// its encoding can hold the replacement (an emoji cannot be written into a GBK file).
    pub fn fix_applies(&self) -> bool {
        let Some(encoding) = self.source.encoding else {
            return false; // a workbook: never written
        };
        if self.path == "<stdin>" {
            return false;
        }
        match self.fix {
            Some(Fix::Remove) => true,
            Some(Fix::Safe) => self
                .suggestions
                .first()
                .is_some_and(|s| crate::text::encoding::encode(s, &encoding).is_ok()),
            _ => false,
        }
    }

    /// A workbook finding's sheet and cell as Excel writes them, e.g. `默认表单!B12`.
    pub fn cell_ref(&self) -> Option<String> {
        Some(format!(
            "{}!{}",
            self.sheet.as_deref()?,
            self.cell.as_deref()?
        ))
    }

    /// Where the finding is, as people read it: `path:line:column`, or for a workbook
    /// `path 默认表单!B12` and the column within the cell.
    pub fn place(&self) -> String {
        match self.cell_ref() {
            Some(cell) => format!("{} {cell} 第 {} 个字符", self.path, self.column),
            None => format!("{}:{}:{}", self.path, self.line, self.column),
        }
    }
}

/// Phrases longer than this are cut in serialised reports; no quick reply comes near it.
pub const MAX_PHRASE_CHARS: usize = 1000;

/// The phrase as reports show it: whole, or its first [`MAX_PHRASE_CHARS`] characters and "…".
pub fn shown_phrase(phrase: &str) -> std::borrow::Cow<'_, str> {
    match phrase.char_indices().nth(MAX_PHRASE_CHARS) {
        None => std::borrow::Cow::Borrowed(phrase),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &phrase[..cut])),
    }
}

fn serialize_phrase<S: serde::Serializer>(phrase: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&shown_phrase(phrase))
}

/// Places a linter's findings on a phrase in its file.
pub fn place(
    linter: &Linter,
    source: &Arc<SourceFile>,
    phrase: &Phrase,
    out: &mut Vec<Diagnostic>,
) {
    let findings = linter.check_phrase(phrase);
    if findings.is_empty() {
        return;
    }
    // Computed once per phrase, so many findings on one long phrase stay linear.
    let text: Arc<str> = Arc::from(phrase.text.as_str());
    let starts = phrase.char_starts();
    let mut starts_cursor = PositionCursor::new(source);
    let mut ends_cursor = PositionCursor::new(source);
    for f in findings {
        let rule = &linter.rules[f.rule];
        let span = phrase.source_range_in(&starts, f.chars.clone());
        let start = starts_cursor.position(span.start);
        let end = ends_cursor.position(span.end);
        let cell = source.cell_at(span.start);
        let last = starts.len() - 1;
        out.push(Diagnostic {
            rule: rule.id.clone(),
            severity: rule.level,
            path: source.name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: rule.message.clone(),
            matched: phrase.text[starts[f.chars.start.min(last)]..starts[f.chars.end.min(last)]]
                .to_string(),
            phrase: text.clone(),
            group: phrase.group.clone(),
            scene: phrase.scene,
            suggestions: f.suggestions,
            quick_code: phrase.code.clone(),
            fix: rule.fix(),
            encoding: source.encoding.map(|e| e.name()),
            sheet: cell.map(|c| c.sheet.to_string()),
            cell: cell.map(|c| c.reference()),
            span,
            source: source.clone(),
        });
    }
}
