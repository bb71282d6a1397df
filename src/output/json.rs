//! `--format json`: exactly one JSON document on stdout.

use crate::diagnostic::Diagnostic;
use crate::report::{Report, Summary};
use serde::Serialize;

pub const VERSION: u32 = 1;

/// Field order is kept as declared: version first, summary last.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: &'a [Diagnostic],
    summary: Summary,
}

pub fn render(report: &Report) -> String {
    let doc = Document {
        version: VERSION,
        diagnostics: &report.diagnostics,
        summary: report.summary(),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("diagnostics serialise");
    s.push('\n');
    s
}
