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
    /// Byte range of the match in the decoded source.
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub source: Arc<SourceFile>,
}
