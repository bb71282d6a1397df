//! The result of a check run, and the exit code it implies.

use crate::diagnostic::Diagnostic;
use crate::rules::Level;
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
