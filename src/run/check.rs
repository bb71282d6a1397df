//! `huashu check`, the whole run in one place: paths → files → phrases → diagnostics → report, with
//! fixes, baselines and the exit code.

use crate::RuleSelection;
use crate::engine::linter::Linter;
use crate::error::Error;
use crate::input::Document;
use crate::report as output;
use crate::report::Report;
use crate::report::diagnostic::{Diagnostic, place};
use crate::run::setup::Setup;
use crate::run::{ConfigChoice, Io, emit};
use crate::text::phrase::Phrase;
use crate::text::source::SourceFile;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// The outcome of a run: the report, plus the files that could not be read or parsed.
#[derive(Debug, Default)]
pub struct Outcome {
    pub report: Report,
    pub file_errors: Vec<Error>,
}

/// Lints documents on all cores; the result is in file order, then position.
pub fn lint_documents(linter: &Linter, documents: &[Document]) -> Vec<Diagnostic> {
    lint_documents_with(documents, |_, source, phrase, out| {
        place(linter, source, phrase, out)
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

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Pretty,
    Json,
    Sarif,
    Github,
    Junit,
}

/// The options of `huashu check`.
#[derive(Debug, Clone)]
pub struct CheckArgs {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub selection: RuleSelection,
    pub max_warnings: Option<usize>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub fix: bool,
    pub diff: bool,
    pub statistics: bool,
    pub input_format: Option<crate::input::Format>,
    pub encoding: Option<String>,
}

/// `huashu check`.
pub fn run(args: CheckArgs, config: &ConfigChoice, io: &mut Io) -> Result<u8, Error> {
    let CheckArgs {
        paths,
        format,
        selection,
        max_warnings,
        baseline,
        write_baseline,
        fix,
        diff,
        statistics,
        input_format,
        encoding,
    } = args;

    if statistics && !matches!(format, OutputFormat::Pretty | OutputFormat::Json) {
        return Err(crate::Error::usage(
            "--statistics 只能与 --format pretty 或 --format json 一起使用",
            Some("SARIF、GitHub 和 JUnit 格式需要逐条结果，请去掉 --statistics".to_string()),
        ));
    }
    let options = crate::input::ReadOptions {
        format: input_format,
        encoding: encoding
            .as_deref()
            .map(crate::input::decode::by_label)
            .transpose()?,
    };
    let mut setup = Setup::new(config.load()?, &selection, max_warnings)?;
    setup.read_options = options;
    let (mut reads, mut file_errors) = setup.read_all(&paths, io.stdin)?;
    if diff {
        let mut changed = false;
        for r in &reads {
            let f = crate::run::fix::plan(&setup, r);
            report_skipped(&f, io.err);
            if f.changed() {
                changed = true;
                if crate::run::fix::writable(f.format) {
                    emit(io.out, &crate::run::fix::diff(&f));
                } else {
                    // A workbook's text is synthetic: a diff of it means nothing; cells do.
                    let mut s = format!("# {}（Excel 工作簿，不会被改写）\n", f.name);
                    for c in &f.changes {
                        s.push_str(&format!("#   {c}\n"));
                    }
                    emit(io.out, &s);
                }
            }
        }
        for e in &file_errors {
            let _ = write!(io.err, "{}", output::pretty::render_run_error(e, io.color));
        }
        return Ok(if !file_errors.is_empty() {
            2
        } else {
            u8::from(changed)
        });
    }
    if fix {
        let (fixed, files) = apply_fixes(&setup, &mut reads, &mut file_errors, io.err);
        if fixed > 0 {
            let _ = writeln!(io.err, "已自动修复 {fixed} 处（{files} 个文件）。");
        }
    }
    let mut outcome = setup.outcome(&reads, file_errors);
    if let Some(file) = write_baseline {
        let b = crate::run::baseline::Baseline::of(&file, &outcome.report.diagnostics);
        b.write(&file)?;
        let _ = writeln!(
            io.err,
            "已把 {} 条问题写入基线 {}；以后用 --baseline {} 只报告新问题。",
            b.len(),
            file.display(),
            file.display()
        );
        for e in &outcome.file_errors {
            let _ = write!(io.err, "{}", output::pretty::render_run_error(e, io.color));
        }
        return Ok(if outcome.file_errors.is_empty() { 0 } else { 2 });
    }
    if let Some(file) = baseline {
        let b = crate::run::baseline::Baseline::load(&file)?;
        let applied = b.apply(&mut outcome.report.diagnostics);
        if applied.known > 0 {
            let _ = writeln!(
                io.err,
                "另有 {} 条问题已记录在基线 {} 中，未显示。",
                applied.known,
                file.display()
            );
        }
        if applied.gone > 0 {
            let _ = writeln!(
                io.err,
                "基线中有 {} 条问题已经不再出现，可以用 --write-baseline 重新生成基线。",
                applied.gone
            );
        }
    }
    let report = &outcome.report;
    let rendered = match format {
        OutputFormat::Pretty if statistics => output::statistics::render(report),
        OutputFormat::Pretty => output::pretty::render(report, io.color),
        OutputFormat::Json if statistics => output::json::render_with_statistics(report),
        OutputFormat::Json => output::json::render(report),
        OutputFormat::Sarif => {
            output::sarif::render(report, &setup.reported_rules(report), &outcome.file_errors)
        }
        OutputFormat::Github => output::github::render(report),
        OutputFormat::Junit => output::junit::render(report),
    };
    emit(io.out, &rendered);
    for e in &outcome.file_errors {
        let _ = write!(io.err, "{}", output::pretty::render_run_error(e, io.color));
    }
    if !outcome.file_errors.is_empty() {
        return Ok(2);
    }
    Ok(outcome.report.exit_code(setup.max_warnings) as u8)
}

/// Applies the fixes of every document: writes the files it may write, and replaces each fixed
/// document by its fixed text so that the report shows what remains. Returns (edits, files).
fn apply_fixes(
    setup: &Setup,
    reads: &mut [crate::run::setup::Read],
    errors: &mut Vec<Error>,
    err: &mut dyn Write,
) -> (usize, usize) {
    let (mut edits, mut files) = (0, 0);
    for r in reads.iter_mut() {
        let f = crate::run::fix::plan(setup, r);
        report_skipped(&f, err);
        if !f.changed() {
            continue;
        }
        if matches!(r.input, crate::input::Input::Stdin) {
            let _ = writeln!(err, "标准输入无法就地修复（{} 处可修复）。", f.fixed);
            continue;
        }
        if !crate::run::fix::writable(f.format) {
            let _ = writeln!(
                err,
                "{}：Excel 工作簿不会被改写，可修复 {} 处：",
                f.name, f.fixed
            );
            for c in &f.changes {
                let _ = writeln!(err, "  {c}");
            }
            continue;
        }
        match crate::run::fix::write_back(&f.path, &f.source, &f.after) {
            Ok(()) => {}
            // Not writing is a failure of the run; a fix the file cannot hold is only left undone.
            Err(e @ (crate::Error::Io { .. } | crate::Error::Write { .. })) => {
                errors.push(e);
                continue;
            }
            Err(e) => {
                let _ = write!(err, "{}", output::pretty::render_error(&e, false));
                continue;
            }
        }
        let mut fixed = crate::text::source::SourceFile::new(f.name.clone(), f.after);
        if let Some(encoding) = f.source.encoding {
            fixed = fixed.with_encoding(encoding);
        }
        let source = std::sync::Arc::new(fixed);
        match crate::input::parse(source, f.format) {
            Ok(mut document) => {
                r.orphans = setup.prepare(&mut document);
                r.document = document;
            }
            Err(e) => errors.push(e.into()),
        }
        edits += f.fixed;
        files += 1;
    }
    (edits, files)
}

fn report_skipped(f: &crate::run::fix::FileFix, err: &mut dyn Write) {
    for (line, why) in &f.skipped {
        let _ = writeln!(err, "{}:{line}: {why}", f.name);
    }
}
