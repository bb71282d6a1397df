//! Findings placed in their files ([`diagnostic`]), and the output formats, one module each.
//!
//! A report is written as the run goes: each format is a [`Writer`] that gets the findings one by one,
//! in file order, and writes them at once; what only the end of the run knows (the summary, the files
//! that could not be checked, the statistics) comes last, in [`Writer::finish`]. Nothing holds the
//! whole report in memory.

pub mod catalog;
pub mod diagnostic;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod library;
pub mod pretty;
pub mod sarif;
pub mod statistics;

use crate::engine::rules::{Level, Rule};
use crate::error::Error;
use crate::input::Skipped;
use diagnostic::Diagnostic;
use serde::Serialize;
use statistics::Statistic;
use std::io::{self, Write};

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Pretty,
    Json,
    Sarif,
    Github,
    Junit,
    Html,
}

impl OutputFormat {
    /// Whether the format shows the text at a finding's related places (pretty's snippets,
    /// SARIF's `snippet`): only then is an earlier file's text worth keeping.
    pub fn quotes_related(self) -> bool {
        matches!(self, OutputFormat::Pretty | OutputFormat::Sarif)
    }
}

/// A report format: findings one at a time, then the end of the run.
pub trait Writer {
    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()>;
    fn finish(&mut self, end: &End) -> io::Result<()>;
}

/// What a writer needs besides the output: colours, `--statistics`, the rules that run (SARIF and
/// HTML describe them), the packs in use (HTML names them).
pub struct Options {
    pub color: bool,
    pub statistics: bool,
    /// `--summary`: the library overview (pretty: instead of each finding).
    pub summary: bool,
    pub rules: Vec<Rule>,
    pub packs: Vec<String>,
}

/// The writer of a format.
pub fn writer<'a>(
    format: OutputFormat,
    out: Box<dyn Write + 'a>,
    options: Options,
) -> Box<dyn Writer + 'a> {
    match format {
        OutputFormat::Pretty => Box::new(pretty::Pretty::new(
            out,
            options.color,
            options.statistics || options.summary,
        )),
        OutputFormat::Json => Box::new(json::Json::new(out)),
        OutputFormat::Sarif => Box::new(sarif::Sarif::new(out, options.rules)),
        OutputFormat::Github => Box::new(github::Github::new(out)),
        OutputFormat::Junit => Box::new(junit::Junit::new(out)),
        OutputFormat::Html => Box::new(html::Html::new(
            out,
            options.rules,
            html::PageInfo::now(options.packs),
        )),
    }
}

/// A file that could not be checked, as reports list it.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The file, when the error is about one.
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What went wrong, in Chinese, in one line.
    pub message: String,
}

impl Failure {
    pub fn of(e: &Error) -> Failure {
        let position = e.position();
        Failure {
            path: e.path().map(str::to_string),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            message: e.message(),
        }
    }

    /// Where, as people read it: `path:line:column`, `path`, or nothing.
    pub fn place(&self) -> String {
        match (&self.path, self.line, self.column) {
            (Some(p), Some(l), Some(c)) => format!("{p}:{l}:{c}"),
            (Some(p), _, _) => p.clone(),
            _ => String::new(),
        }
    }
}

/// Counts of a run, as every format ends with them.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Files checked (read and linted).
    pub files: usize,
    pub phrases: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Files met while walking that are not phrase libraries.
    pub skipped: usize,
    /// Files that could not be checked (exit code 2).
    pub failed: usize,
    /// Files checked that hold no phrase.
    pub empty: usize,
}

impl Summary {
    /// Counts one finding.
    pub fn count(&mut self, level: Level) {
        match level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
            Level::Info => self.infos += 1,
        }
    }

    /// 0 when there is no error-level finding and warnings are within `max_warnings`; 1 otherwise.
    pub fn exit_code(&self, max_warnings: Option<usize>) -> u8 {
        let too_many_warnings = max_warnings.is_some_and(|max| self.warnings > max);
        u8::from(self.errors > 0 || too_many_warnings)
    }
}

/// What a run knows at its end.
pub struct End<'a> {
    pub summary: Summary,
    pub failures: &'a [Failure],
    pub skipped: &'a [Skipped],
    /// Files checked that hold no phrase.
    pub empty: &'a [String],
    /// Findings per rule, when `--statistics` asks for them.
    pub statistics: Option<&'a [Statistic]>,
    /// The library overview, when `--summary` asks for it.
    pub library: Option<&'a library::Overview>,
}

impl End<'_> {
    /// The summary in Chinese, as the last line of the human-readable formats.
    pub fn line(&self) -> String {
        let s = &self.summary;
        let mut out = format!("共检查 {} 个文件、{} 条话术", s.files, s.phrases);
        if !self.skipped.is_empty() {
            let mut reasons: Vec<(crate::input::SkipReason, usize)> = Vec::new();
            for k in self.skipped {
                match reasons.iter_mut().find(|(r, _)| *r == k.reason) {
                    Some((_, n)) => *n += 1,
                    None => reasons.push((k.reason, 1)),
                }
            }
            reasons.sort();
            let reasons: Vec<String> = reasons
                .iter()
                .map(|(r, n)| format!("{n} 个{}", r.label()))
                .collect();
            out.push_str(&format!(
                "（跳过 {} 个不是话术库的文件：{}）",
                self.skipped.len(),
                reasons.join("、")
            ));
        }
        if s.errors + s.warnings + s.infos == 0 {
            out.push_str("，没有发现问题。");
        } else {
            out.push_str(&format!(
                "：{} 个错误，{} 个警告，{} 条提示。",
                s.errors, s.warnings, s.infos
            ));
        }
        if s.failed > 0 {
            out.push_str(&format!("{} 个文件无法检查，原因见上方。", s.failed));
        }
        if !self.empty.is_empty() {
            const SHOWN: usize = 5;
            let mut names = self.empty[..self.empty.len().min(SHOWN)].join("、");
            if self.empty.len() > SHOWN {
                names.push_str(" 等");
            }
            out.push_str(&format!("{} 个文件里没有话术：{names}。", self.empty.len()));
        }
        out
    }
}

/// A finding built by hand, for the format modules' unit tests.
#[cfg(test)]
pub(crate) fn sample(text: &str, span: std::ops::Range<usize>) -> Diagnostic {
    use crate::text::source::SourceFile;
    use std::sync::Arc;
    let source = Arc::new(SourceFile::new("a.txt", text.to_string()));
    let (start, end) = (source.position(span.start), source.position(span.end));
    Diagnostic {
        rule: "demo/you".into(),
        severity: Level::Info,
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
        related: Vec::new(),
        key: None,
        span,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end<'a>(summary: Summary, skipped: &'a [Skipped], empty: &'a [String]) -> End<'a> {
        End {
            summary,
            failures: &[],
            skipped,
            empty,
            statistics: None,
            library: None,
        }
    }

    #[test]
    fn the_summary_says_what_was_skipped_failed_and_empty() {
        let skipped = [
            Skipped {
                path: "README.md".into(),
                reason: crate::input::SkipReason::Document,
            },
            Skipped {
                path: "docs/ci.md".into(),
                reason: crate::input::SkipReason::Document,
            },
        ];
        let empty = ["空.txt".to_string()];
        let s = Summary {
            files: 2,
            phrases: 3,
            failed: 1,
            empty: 1,
            ..Summary::default()
        };
        let line = end(s, &skipped, &empty).line();
        assert_eq!(
            line,
            "共检查 2 个文件、3 条话术（跳过 2 个不是话术库的文件：2 个说明文档），没有发现问题。\
             1 个文件无法检查，原因见上方。1 个文件里没有话术：空.txt。"
        );
    }
}
