//! `--format pretty`: one miette diagnostic per finding (the phrase's line, a label under the matched
//! text, the message, the suggestion as help), then a one-line summary in Chinese.

use crate::engine::rules::{Fix, Level};
use crate::report::Report;
use crate::report::diagnostic::Diagnostic;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity, SourceCode};
use std::fmt;

struct Finding<'a>(&'a Diagnostic);

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
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
        Some(&*self.0.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.0;
        let label = format!("{}：“{}”", d.severity.label(), d.matched);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(label), d.span.start..d.span.end),
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

pub fn render(report: &Report, color: bool) -> String {
    let handler = handler(color);
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = handler.render_report(&mut out, &Finding(d));
        out.push('\n');
    }
    out.push_str(&report.summary().line());
    out.push('\n');
    out
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
