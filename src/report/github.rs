//! `--format github`: GitHub Actions workflow commands, one annotation per finding, then the summary
//! line (plain log text, which the runner leaves alone).
//!
//! GitHub only honours `col`/`endColumn` on a single line, so a finding spanning lines gives lines only.
//! Unlike every other format, `endColumn` here is inclusive (the match's last character): GitHub's
//! annotations default `endColumn` to `col`, i.e. a one-character span names that character twice.

use crate::engine::rules::Level;
use crate::report::diagnostic::Diagnostic;
use crate::report::{End, Failure, Writer};
use std::io::{self, Write};

/// Escapes a command's message, as the runner (actions/toolkit `escapeData`) expects.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: also `:` and `,`, which separate properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "notice",
    }
}

fn annotation(d: &Diagnostic) -> String {
    let mut props = vec![format!("file={}", escape_property(&d.path))];
    // A finding about a whole file is an annotation on the file, without a line.
    if !d.is_file_level() {
        props.push(format!("line={}", d.line));
        if d.line == d.end_line {
            props.push(format!("col={}", d.column));
        }
        props.push(format!("endLine={}", d.end_line));
        if d.line == d.end_line {
            // An empty match (an insertion point) still names its column.
            props.push(format!("endColumn={}", (d.end_column - 1).max(d.column)));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("huashu {}", d.rule))
    ));
    let mut message = format!("{}：“{}”", d.message, d.matched);
    if !d.suggestions.is_empty() {
        let quoted: Vec<String> = d.suggestions.iter().map(|s| format!("“{s}”")).collect();
        message.push_str(&format!("，建议改为 {}", quoted.join(" 或 ")));
    }
    if let Some(cell) = d.cell_ref() {
        // A workbook's line is a row: say which cell, since GitHub cannot show the file.
        message.push_str(&format!("（{cell}）"));
    }
    for r in &d.related {
        message.push_str(&format!("；{}：{}", r.message, r.place()));
    }
    message.push_str(&format!("。详见 huashu explain {}", d.rule));
    format!(
        "::{} {}::{}\n",
        command(d.severity),
        props.join(","),
        escape_data(&message)
    )
}

/// A file that could not be checked: an error annotation on the file (at its line where known).
fn failure(f: &Failure) -> String {
    let mut props = Vec::new();
    if let Some(path) = &f.path {
        props.push(format!("file={}", escape_property(path)));
    }
    if let Some(line) = f.line {
        props.push(format!("line={line}"));
    }
    if let Some(col) = f.column {
        props.push(format!("col={col}"));
    }
    props.push(format!("title={}", escape_property("huashu 无法检查")));
    format!(
        "::error {}::{}\n",
        props.join(","),
        escape_data(&format!("无法检查这个文件：{}", f.message))
    )
}

pub struct Github<'a> {
    out: Box<dyn Write + 'a>,
}

impl<'a> Github<'a> {
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Github { out }
    }
}

impl Writer for Github<'_> {
    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.out.write_all(annotation(d).as_bytes())
    }

    fn finish(&mut self, end: &End) -> io::Result<()> {
        for f in end.failures {
            self.out.write_all(failure(f).as_bytes())?;
        }
        writeln!(self.out, "{}", end.line())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("100%\r\n好"), "100%25%0D%0A好");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn gives_columns_only_on_one_line() {
        let one = annotation(&crate::report::sample("你好", 0..3));
        assert!(one.starts_with("::notice file=a.txt,line=1,col=1,endLine=1,endColumn=1,"));
        let two = annotation(&crate::report::sample("好\n你", 0..7));
        assert!(
            two.starts_with("::notice file=a.txt,line=1,endLine=2,title="),
            "{two}"
        );
        assert_eq!(two.lines().count(), 1, "the matched line break is escaped");
    }
}
