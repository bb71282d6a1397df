//! `--format json`: exactly one JSON document on stdout.

use crate::report::diagnostic::Diagnostic;
use crate::report::statistics::Statistic;
use crate::report::{Report, Summary};
use serde::Serialize;

pub const VERSION: u32 = 1;

/// Field order is kept as declared: version first, summary last.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: &'a [Diagnostic],
    /// Only with `--statistics`; absent otherwise, so the document is unchanged for existing readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<Vec<Statistic>>,
    summary: Summary,
}

pub fn render(report: &Report) -> String {
    render_document(report, None)
}

/// The same document with a `statistics` array (see [`crate::report::statistics`]) before the summary.
pub fn render_with_statistics(report: &Report) -> String {
    render_document(report, Some(crate::report::statistics::compute(report)))
}

fn render_document(report: &Report, statistics: Option<Vec<Statistic>>) -> String {
    let doc = Document {
        version: VERSION,
        diagnostics: &report.diagnostics,
        statistics,
        summary: report.summary(),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("diagnostics serialise");
    s.push('\n');
    s
}
