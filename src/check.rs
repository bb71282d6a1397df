//! The check run: paths → files → phrases → diagnostics → report.

use crate::builtin;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, LocatedError};
use crate::input::{self, Document, Input, ReadOptions};
use crate::linter::Linter;
use crate::pack::Pack;
use crate::phrase::Phrase;
use crate::report::Report;
use crate::source::{PositionCursor, SourceFile};
use std::path::Path;
use std::sync::Arc;

/// Which packs and rules a run uses.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// Extra packs: built-in names (e.g. `cosmetics`) or pack file paths.
    pub packs: Vec<String>,
    /// Only these rules or packs (empty: all).
    pub select: Vec<String>,
    /// Not these rules or packs.
    pub ignore: Vec<String>,
}

/// Loads the default built-in packs plus the extra ones named.
pub fn load_packs(extra: &[String]) -> Result<Vec<Pack>, Error> {
    load_packs_except(extra, &[])
}

/// Like `load_packs`, leaving out the default built-in packs named in `disabled` (from a config).
pub fn load_packs_except(extra: &[String], disabled: &[String]) -> Result<Vec<Pack>, Error> {
    let mut packs = Vec::new();
    let mut load = |name: &str, result: Result<Pack, Vec<LocatedError>>| -> Result<(), Error> {
        let pack = result.map_err(|errors| Error::Pack {
            path: name.to_string(),
            errors,
        })?;
        if packs.iter().any(|p: &Pack| p.name == pack.name) {
            return Err(Error::usage(
                format!("规则包 {} 加载了两次（{name}）", pack.name),
                None,
            ));
        }
        packs.push(pack);
        Ok(())
    };
    for name in builtin::names() {
        if builtin::is_default(name) && !disabled.iter().any(|d| d == name) {
            load(name, builtin::load(name).expect("listed built-in exists"))?;
        }
    }
    for spec in extra {
        if let Some(result) = builtin::load(spec) {
            if builtin::is_default(spec) && !disabled.iter().any(|d| d == spec) {
                continue; // already on
            }
            load(spec, result)?;
            continue;
        }
        let path = Path::new(spec);
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: spec.clone(),
            source,
        })?;
        load(spec, Pack::parse(&input::display_path(path), &text))?;
    }
    Ok(packs)
}

/// The linter for a selection: its packs' rules, filtered by `select` and `ignore`.
pub fn linter(selection: &RuleSelection) -> Result<Linter, Error> {
    let packs = load_packs(&selection.packs)?;
    let known = |s: &str| {
        packs
            .iter()
            .any(|p| p.name == s || p.rules.iter().any(|r| r.id == s))
    };
    for s in selection.select.iter().chain(&selection.ignore) {
        if !known(s) {
            return Err(Error::usage(
                format!("没有名为 {s} 的规则或规则包"),
                Some("用 huashu rules 查看全部规则".to_string()),
            ));
        }
    }
    let matches = |list: &[String], pack: &str, id: &str| list.iter().any(|s| s == pack || s == id);
    let rules = packs
        .into_iter()
        .flat_map(|p| p.rules)
        .filter(|r| selection.select.is_empty() || matches(&selection.select, &r.pack, &r.id))
        .filter(|r| !matches(&selection.ignore, &r.pack, &r.id))
        .collect();
    Ok(Linter::new(rules))
}

/// Reads one input into a document. Errors name the file (and the line and column where there is one).
/// `None` for a binary file met while walking a directory: skipped, and counted in the summary.
pub fn read(
    input: &Input,
    options: &ReadOptions,
    stdin: &mut dyn FnMut() -> std::io::Result<Vec<u8>>,
) -> Result<Option<Document>, Error> {
    let (name, bytes, format, explicit) = match input {
        Input::Stdin => {
            let bytes = stdin().map_err(|source| Error::Io {
                path: "<stdin>".into(),
                source,
            })?;
            let format = options.format.unwrap_or(input::Format::Txt);
            ("<stdin>".to_string(), bytes, format, true)
        }
        Input::File {
            path,
            format,
            explicit,
        } => {
            let name = input::display_path(path);
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: name.clone(),
                source,
            })?;
            (name, bytes, *format, *explicit)
        }
    };
    input::read_bytes(name, bytes, format, options, explicit)
}

/// Places a linter's findings on a phrase in its file.
pub fn diagnostics(
    linter: &Linter,
    source: &Arc<SourceFile>,
    phrase: &Phrase,
    out: &mut Vec<Diagnostic>,
) {
    let findings = linter.check_phrase(phrase);
    if findings.is_empty() {
        return;
    }
    // Computed once per phrase, so many findings on one long phrase stay linear.
    let text: Arc<str> = Arc::from(phrase.text.as_str());
    let starts = phrase.char_starts();
    let mut starts_cursor = PositionCursor::new(source);
    let mut ends_cursor = PositionCursor::new(source);
    for f in findings {
        let rule = &linter.rules[f.rule];
        let span = phrase.source_range_in(&starts, f.chars.clone());
        let start = starts_cursor.position(span.start);
        let end = ends_cursor.position(span.end);
        let cell = source.cell_at(span.start);
        let last = starts.len() - 1;
        out.push(Diagnostic {
            rule: rule.id.clone(),
            severity: rule.level,
            path: source.name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: rule.message.clone(),
            matched: phrase.text[starts[f.chars.start.min(last)]..starts[f.chars.end.min(last)]]
                .to_string(),
            phrase: text.clone(),
            group: phrase.group.clone(),
            scene: phrase.scene,
            suggestions: f.suggestions,
            quick_code: phrase.code.clone(),
            fix: rule.fix(),
            encoding: source.encoding.map(|e| e.name()),
            sheet: cell.map(|c| c.sheet.to_string()),
            cell: cell.map(|c| c.reference()),
            span,
            source: source.clone(),
        });
    }
}

/// The outcome of a run: the report, plus the files that could not be read or parsed.
#[derive(Debug, Default)]
pub struct Outcome {
    pub report: Report,
    pub file_errors: Vec<Error>,
}

/// Lints documents on all cores; the result is in file order, then position.
pub fn lint_documents(linter: &Linter, documents: &[Document]) -> Vec<Diagnostic> {
    lint_documents_with(documents, |_, source, phrase, out| {
        diagnostics(linter, source, phrase, out)
    })
}

/// Lints documents on all cores with `lint(document index, source, phrase, out)` for each phrase;
/// the result is in file order, then position.
pub fn lint_documents_with<D, F>(documents: &[D], lint: F) -> Vec<Diagnostic>
where
    D: std::borrow::Borrow<Document>,
    F: Fn(usize, &Arc<SourceFile>, &Phrase, &mut Vec<Diagnostic>) + Sync,
{
    let lint = &lint;
    let work: Vec<(usize, &Arc<SourceFile>, &Phrase)> = documents
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            let d: &Document = d.borrow();
            d.phrases.iter().map(move |p| (i, &d.source, p))
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(work.len() / 256 + 1);
    let chunk = work.len().div_ceil(threads.max(1)).max(1);
    let mut out: Vec<Diagnostic> = std::thread::scope(|s| {
        let handles: Vec<_> = work
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (doc, source, phrase) in part {
                        lint(*doc, source, phrase, &mut out);
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("lint thread panicked"))
            .collect()
    });
    // Chunks are in order already; a stable sort keeps rule order among equal positions. Byte order
    // is line order in text files, and sheet-then-row order in workbooks.
    out.sort_by(|a, b| (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start)));
    out
}
