//! A finding placed in its file: what users and machines see.

use crate::rules::{Fix, Level};
use crate::scene::Scene;
use crate::source::SourceFile;
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
    pub phrase: String,
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
