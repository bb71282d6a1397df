//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps).
//!
//! Shape: one `<testsuite>` per file with findings, one failing `<testcase>` per finding (the failure's
//! `type` is the level), named `rule line:column` so that two findings of one rule in one file stay
//! apart in report views that key on names. A clean run is a single passing test case, because many
//! CI systems treat a report without tests as a broken job.

use crate::report::Report;
use crate::report::diagnostic::Diagnostic;

/// Escapes text for XML attributes and content; characters XML 1.0 forbids (most C0 controls, which
/// spreadsheets do leak) become U+FFFD so the document always parses.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn body(d: &Diagnostic) -> String {
    let mut b = format!(
        "{} {}：{}\n位置：{}\n话术：{}\n匹配：{}\n",
        d.severity.label(),
        d.rule,
        d.message,
        d.place(),
        crate::report::diagnostic::shown_phrase(&d.phrase),
        d.matched
    );
    if !d.suggestions.is_empty() {
        b.push_str(&format!("建议：{}\n", d.suggestions.join(" 或 ")));
    }
    if let Some(g) = &d.group {
        b.push_str(&format!("分组：{g}\n"));
    }
    b.push_str(&format!("详见：huashu explain {}", d.rule));
    b
}

fn testcase(out: &mut String, d: &Diagnostic) {
    out.push_str(&format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">\n",
        escape(&format!("{} {}:{}", d.rule, d.line, d.column)),
        escape(&d.path),
        escape(&d.path),
        d.line
    ));
    out.push_str(&format!(
        "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
        escape(&d.message),
        d.severity.as_str(),
        escape(&body(d))
    ));
    out.push_str("    </testcase>\n");
}

pub fn render(report: &Report) -> String {
    let ds = &report.diagnostics;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = ds.len().max(1);
    out.push_str(&format!(
        "<testsuites name=\"huashu\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" time=\"0\">\n",
        ds.len()
    ));
    if ds.is_empty() {
        out.push_str(
            "  <testsuite name=\"huashu\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">\n",
        );
        // A stable name, so test-history views see the same test every run; the counts go to output.
        out.push_str(&format!(
            "    <testcase name=\"huashu check\" classname=\"huashu\" time=\"0\">\n      <system-out>{}</system-out>\n    </testcase>\n",
            escape(&report.summary().line())
        ));
        out.push_str("  </testsuite>\n");
    }
    // Diagnostics arrive sorted by path, so each file's findings are one run.
    for group in ds.chunk_by(|a, b| a.path == b.path) {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\" time=\"0\">\n",
            escape(&group[0].path),
            n = group.len()
        ));
        for d in group {
            testcase(&mut out, d);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            escape("<a & \"b\">'"),
            "&lt;a &amp; &quot;b&quot;&gt;&apos;"
        );
        assert_eq!(escape("x\u{1}y\n"), "x\u{FFFD}y\n");
    }
}
