//! Report formats, one module each.

pub mod github;
pub mod json;
pub mod junit;
pub mod pretty;
pub mod sarif;
pub mod statistics;

/// A finding built by hand, for the format modules' unit tests.
#[cfg(test)]
pub(crate) fn sample(text: &str, span: std::ops::Range<usize>) -> crate::Diagnostic {
    use crate::source::SourceFile;
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
        fix: Some(crate::rules::Fix::Safe),
        encoding: Some("UTF-8"),
        sheet: None,
        cell: None,
        span,
        source,
    }
}
