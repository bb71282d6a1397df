//! `--format pretty`: one miette diagnostic per finding (the phrase's line, a label under the matched
//! text, the message, the suggestion as help; other places it concerns below it), then a one-line
//! summary in Chinese. With `--statistics`, a table of findings per rule instead of the findings.

use crate::engine::rules::{Fix, Level};
use crate::report::diagnostic::{Diagnostic, Related};
use crate::report::{End, Writer};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity, SourceCode};
use std::fmt;
use std::io::{self, Write};

struct Finding<'a>(&'a Diagnostic, Vec<Place<'a>>);

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        if self.0.is_file_level() {
            // No snippet names the file: the message does.
            write!(f, "（{}）", self.0.path)?;
        }
        Ok(())
    }
}

impl std::error::Error for Finding<'_> {}

impl miette::Diagnostic for Finding<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.0.rule))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.0.severity {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let d = self.0;
        let mut help = String::new();
        let quoted = || -> String {
            let q: Vec<String> = d.suggestions.iter().map(|s| format!("“{s}”")).collect();
            q.join(" 或 ")
        };
        // Replacements are text to write instead; a forbid rule's suggestions are advice.
        // The --fix hint only where --fix will really apply it (see Diagnostic::fix_applies).
        match d.fix {
            Some(Fix::Remove) if d.fix_applies() => help.push_str(&format!(
                "删除 “{}”（huashu check --fix 可自动删除）；",
                d.matched
            )),
            Some(Fix::Remove) => help.push_str(&format!("删除 “{}”；", d.matched)),
            Some(Fix::Safe) if !d.suggestions.is_empty() && d.fix_applies() => help.push_str(
                &format!("建议改为 {}（huashu check --fix 可自动修改）；", quoted()),
            ),
            Some(_) if !d.suggestions.is_empty() => {
                help.push_str(&format!("建议改为 {}；", quoted()))
            }
            _ if !d.suggestions.is_empty() => {
                help.push_str(&format!("建议：{}；", d.suggestions.join("；")))
            }
            _ => {}
        }
        help.push_str(&format!("详见 huashu explain {}", d.rule));
        Some(Box::new(help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        (!self.0.is_file_level()).then_some(&*self.0.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.0;
        if d.is_file_level() {
            return None;
        }
        let label = format!("{}：“{}”", d.severity.label(), d.matched);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(label), d.span.start..d.span.end),
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.1.is_empty() {
            return None;
        }
        Some(Box::new(
            self.1.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// Another place a finding is about, shown as a snippet of its own under the finding.
struct Place<'a>(&'a Related);

impl fmt::Debug for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）", self.0.message, self.0.place())
    }
}

impl std::error::Error for Place<'_> {}

impl miette::Diagnostic for Place<'_> {
    fn severity(&self) -> Option<Severity> {
        Some(Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        // A place in a file no longer in memory (a large library) is named, not shown.
        self.0
            .has_snippet()
            .then_some(&*self.0.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let r = self.0;
        if !r.has_snippet() {
            return None;
        }
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(r.message.clone()), r.span.start..r.span.end),
        )))
    }
}

pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        // Rule ids and paths must not be split across lines (textwrap breaks at hyphens); terminals wrap.
        .with_wrap_lines(false);
    // An error's cause is the library's or the system's own wording (English, often repeating the
    // Chinese message): shown only with --verbose.
    if crate::error::verbose() {
        handler.with_cause_chain()
    } else {
        handler.without_cause_chain()
    }
}

/// One finding as pretty output shows it.
pub fn render(d: &Diagnostic, handler: &GraphicalReportHandler) -> String {
    let mut out = String::new();
    let finding = Finding(d, d.related.iter().map(Place).collect());
    let _ = handler.render_report(&mut out, &finding);
    if !d.related.is_empty() {
        // miette heads each related place with an English "Advice: "; a shop owner reads Chinese.
        out = out
            .split_inclusive('\n')
            .map(|line| match line.strip_prefix("Advice: ") {
                Some(rest) => format!("另见：{rest}"),
                None => line.to_string(),
            })
            .collect();
    }
    out.push('\n');
    out
}

/// The pretty writer.
pub struct Pretty<'a> {
    out: Box<dyn Write + 'a>,
    handler: GraphicalReportHandler,
    /// `--statistics` or `--summary`: tables at the end instead of each finding.
    statistics: bool,
}

impl<'a> Pretty<'a> {
    pub fn new(out: Box<dyn Write + 'a>, color: bool, statistics: bool) -> Self {
        Pretty {
            out,
            handler: handler(color),
            statistics,
        }
    }
}

impl Writer for Pretty<'_> {
    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        if self.statistics {
            return Ok(());
        }
        self.out.write_all(render(d, &self.handler).as_bytes())
    }

    fn finish(&mut self, end: &End) -> io::Result<()> {
        if let Some(library) = end.library {
            self.out
                .write_all(crate::report::library::render(library).as_bytes())?;
        }
        if let Some(stats) = end.statistics {
            self.out
                .write_all(crate::report::statistics::table(stats).as_bytes())?;
        }
        writeln!(self.out, "{}", end.line())?;
        self.out.flush()
    }
}

/// Renders any miette diagnostic (used for errors on stderr).
pub fn render_error(e: &dyn miette::Diagnostic, color: bool) -> String {
    let mut out = String::new();
    let _ = handler(color).render_report(&mut out, e);
    out
}

/// Renders a run-stopping error. A pack's mistakes are shown one by one, then counted, so each gets
/// its own snippet rather than being nested under a summary.
pub fn render_run_error(e: &crate::Error, color: bool) -> String {
    match e {
        crate::Error::Pack { path, errors } => {
            let mut out = String::new();
            for located in errors {
                out.push_str(&render_error(located, color));
                out.push('\n');
            }
            out.push_str(&format!(
                "规则包 {path} 有 {} 处错误，未能加载。\n",
                errors.len()
            ));
            out
        }
        crate::Error::Config { path, errors } => {
            let mut out = String::new();
            for located in errors {
                out.push_str(&render_error(located, color));
                out.push('\n');
            }
            out.push_str(&format!("配置文件 {path} 有 {} 处错误。\n", errors.len()));
            out
        }
        other => render_error(other, color),
    }
}
