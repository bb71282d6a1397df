//! Findings placed in their files ([`diagnostic`]), the result of a run and the exit code it implies,
//! and the output formats, one module each.

pub mod catalog;
pub mod diagnostic;
pub mod github;
pub mod json;
pub mod junit;
pub mod pretty;
pub mod sarif;
pub mod statistics;

use crate::engine::rules::Level;
use crate::report::diagnostic::Diagnostic;
use serde::Serialize;

#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub phrases: usize,
    /// Files met while walking directories that are not phrase files (unknown formats, binary).
    pub skipped: usize,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub phrases: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub skipped: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let count = |l: Level| self.diagnostics.iter().filter(|d| d.severity == l).count();
        Summary {
            files: self.files,
            phrases: self.phrases,
            errors: count(Level::Error),
            warnings: count(Level::Warning),
            infos: count(Level::Info),
            skipped: self.skipped,
        }
    }

    /// 0 when there is no error-level finding and warnings are within `max_warnings`; 1 otherwise.
    pub fn exit_code(&self, max_warnings: Option<usize>) -> i32 {
        let s = self.summary();
        let too_many_warnings = max_warnings.is_some_and(|max| s.warnings > max);
        if s.errors > 0 || too_many_warnings {
            1
        } else {
            0
        }
    }
}

impl Summary {
    /// The one-line summary in Chinese.
    pub fn line(&self) -> String {
        let mut head = format!("共检查 {} 个文件、{} 条话术", self.files, self.phrases);
        if self.skipped > 0 {
            head.push_str(&format!("（跳过 {} 个非话术文件）", self.skipped));
        }
        if self.errors + self.warnings + self.infos == 0 {
            return format!("{head}，没有发现问题。");
        }
        format!(
            "{head}：{} 个错误，{} 个警告，{} 条提示。",
            self.errors, self.warnings, self.infos
        )
    }
}

/// A finding built by hand, for the format modules' unit tests.
#[cfg(test)]
pub(crate) fn sample(text: &str, span: std::ops::Range<usize>) -> crate::Diagnostic {
    use crate::text::source::SourceFile;
    use std::sync::Arc;
    let source = Arc::new(SourceFile::new("a.txt", text.to_string()));
    let (start, end) = (source.position(span.start), source.position(span.end));
    crate::Diagnostic {
        rule: "demo/you".into(),
        severity: crate::Level::Info,
        path: "a.txt".into(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: "称呼顾客用“您”".into(),
        matched: text[span.clone()].to_string(),
        phrase: text.into(),
        group: None,
        scene: crate::Scene::Common,
        suggestions: vec!["您".into()],
        quick_code: None,
        fix: Some(crate::engine::rules::Fix::Safe),
        encoding: Some("UTF-8"),
        sheet: None,
        cell: None,
        span,
        source,
    }
}
