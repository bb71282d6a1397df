//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps).
//!
//! Shape: one `<testsuite>` per file with findings, one failing `<testcase>` per finding (the failure's
//! `type` is the level), named `rule line:column` so that two findings of one rule in one file stay
//! apart in report views that key on names. Files that could not be checked are a suite of their own,
//! one test case with an `<error>` per file. A clean run is a single passing test case, because many
//! CI systems treat a report without tests as a broken job. Each file's suite is written once its
//! findings are in; only that file's findings are held.

use crate::report::diagnostic::Diagnostic;
use crate::report::{End, Writer};
use std::io::{self, Write};
use std::sync::Arc;

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
    for r in &d.related {
        b.push_str(&format!("{}：{}\n", r.message, r.place()));
    }
    b.push_str(&format!("详见：huashu explain {}", d.rule));
    b
}

fn testcase(out: &mut String, d: &Diagnostic) {
    if d.is_file_level() {
        // About the whole file: named by the rule and what it is about, no line.
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" time=\"0\">\n",
            escape(&format!("{} {}", d.rule, d.matched)),
            escape(&d.path),
            escape(&d.path),
        ));
    } else {
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">\n",
            escape(&format!("{} {}:{}", d.rule, d.line, d.column)),
            escape(&d.path),
            escape(&d.path),
            d.line
        ));
    }
    out.push_str(&format!(
        "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
        escape(&d.message),
        d.severity.as_str(),
        escape(&body(d))
    ));
    out.push_str("    </testcase>\n");
}

pub struct Junit<'a> {
    out: Box<dyn Write + 'a>,
    started: bool,
    /// The file whose findings are being collected, and its test cases so far.
    file: Option<Arc<str>>,
    cases: String,
    count: usize,
    any: bool,
}

impl<'a> Junit<'a> {
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Junit {
            out,
            started: false,
            file: None,
            cases: String::new(),
            count: 0,
            any: false,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"huashu\">\n",
            )?;
        }
        Ok(())
    }

    fn flush_file(&mut self) -> io::Result<()> {
        let Some(path) = self.file.take() else {
            return Ok(());
        };
        write!(
            self.out,
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\" time=\"0\">\n{}  </testsuite>\n",
            escape(&path),
            self.cases,
            n = self.count
        )?;
        self.cases.clear();
        self.count = 0;
        Ok(())
    }
}

impl Writer for Junit<'_> {
    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.start()?;
        if self.file.as_deref() != Some(&*d.path) {
            self.flush_file()?;
            self.file = Some(d.path.clone());
        }
        testcase(&mut self.cases, d);
        self.count += 1;
        self.any = true;
        Ok(())
    }

    fn finish(&mut self, end: &End) -> io::Result<()> {
        self.start()?;
        self.flush_file()?;
        if !end.failures.is_empty() {
            let n = end.failures.len();
            writeln!(
                self.out,
                "  <testsuite name=\"无法检查的文件\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\" time=\"0\">"
            )?;
            for f in end.failures {
                let name = if f.place().is_empty() {
                    "huashu".to_string()
                } else {
                    f.place()
                };
                write!(
                    self.out,
                    "    <testcase name=\"{}\" classname=\"huashu\" time=\"0\">\n      <error message=\"{}\" type=\"无法检查\">{}</error>\n    </testcase>\n",
                    escape(&name),
                    escape(&f.message),
                    escape(&format!("{name}：{}", f.message))
                )?;
            }
            self.out.write_all(b"  </testsuite>\n")?;
        }
        if !self.any && end.failures.is_empty() {
            // A stable name, so test-history views see the same test every run; the counts go to output.
            write!(
                self.out,
                "  <testsuite name=\"huashu\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">\n    <testcase name=\"huashu check\" classname=\"huashu\" time=\"0\">\n      <system-out>{}</system-out>\n    </testcase>\n  </testsuite>\n",
                escape(&end.line())
            )?;
        }
        self.out.write_all(b"</testsuites>\n")?;
        self.out.flush()
    }
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
