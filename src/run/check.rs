//! `huashu check`, the whole run in one place: paths → files → phrases → diagnostics → report, with
//! fixes, baselines and the exit code.
//!
//! The run streams. A pool of workers, one per core, reads, fixes and lints files a little ahead of
//! the one being written, within a bound of files and bytes, so memory holds a few files, not the
//! library. A file too large to lint in one piece is linted in segments of phrases, each segment
//! split over the workers, and written segment by segment. Output order is always path order, then
//! position, whatever the number of cores.

use crate::RuleSelection;
use crate::error::Error;
use crate::input::{self, Document, Input, Loaded, ReadOptions, Skipped};
use crate::report::diagnostic::Diagnostic;
use crate::report::statistics::Tally;
use crate::report::{self as output, End, Failure, OutputFormat, Summary, Writer};
use crate::run::baseline::Baseline;
use crate::run::fix;
use crate::run::pool::{self, Pool, Ticket};
use crate::run::setup::{ProfileLinter, Setup};
use crate::run::{ConfigChoice, Io, emit};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// `-o/--output FILE`: the report goes to this file, written whole or not at all, instead of
    /// standard output.
    pub output: Option<PathBuf>,
}

/// Files read ahead of the one being written, at most, per worker: enough to keep every core busy
/// on small files.
const AHEAD_FILES: usize = 8;
/// Bytes of the files read ahead, at most (a larger file is read alone): what memory holds at once.
const AHEAD_BYTES: u64 = 32 << 20;
/// A document with more phrases than this is linted in segments on all cores by the run, rather
/// than whole by the worker that read it.
const SEGMENT: usize = 16_384;

/// Work for the pool: read (and fix, and lint a small document) one input, or lint part of a large
/// document.
enum Job<'a> {
    Read(&'a Input, Option<Arc<[u8]>>),
    Lint(Arc<Document>, Arc<ProfileLinter>, std::ops::Range<usize>),
}

enum Done {
    Read(Worked),
    Lint(Vec<Diagnostic>),
}

/// What a worker made of one input.
enum Worked {
    Failed(Error),
    Skipped(crate::input::SkipReason),
    Checked(Box<Checked>),
}

struct Checked {
    document: Document,
    linter: Arc<ProfileLinter>,
    /// The findings, when the worker linted the whole document (small documents).
    diagnostics: Option<Vec<Diagnostic>>,
    /// What `--fix` did or left alone, for stderr.
    notes: Vec<String>,
    /// Edits written by `--fix`.
    fixed: usize,
    /// A fix that could not be written: the run fails, the document as read is still checked.
    write_error: Option<Error>,
}

/// `huashu check`: the report on standard output, or with `--output` in a file.
pub fn run(args: CheckArgs, config: &ConfigChoice, io: &mut Io) -> Result<u8, Error> {
    let Some(path) = args.output.clone() else {
        return check(args, config, io);
    };
    // The report is kept until the run ends, then replaces the file in one step: an interrupted or
    // failed run never leaves half a report where the last whole one was.
    let mut report = Vec::new();
    let code = {
        let mut to_file = Io {
            out: &mut report,
            err: &mut *io.err,
            stdin: &mut *io.stdin,
            color: false,
        };
        check(args, config, &mut to_file)?
    };
    fix::write_atomic(&path, &report).map_err(|e| {
        let shown = input::display_path(&path);
        Error::usage(
            format!("无法写入 {shown}：{}", crate::error::describe_io(&e)),
            Some("检查文件夹是否存在、是否有写入权限，或换一个 --output 位置".to_string()),
        )
    })?;
    let _ = writeln!(io.err, "报告已写入 {}", input::display_path(&path));
    Ok(code)
}

/// Whether `path` is the file `output` names (compared only when the names match, so a walk of many
/// files does not resolve each one).
fn is_output(output: Option<&std::path::Path>, path: &std::path::Path) -> bool {
    let Some(output) = output else { return false };
    output.file_name() == path.file_name()
        && match (std::fs::canonicalize(output), std::fs::canonicalize(path)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}

fn check(args: CheckArgs, config: &ConfigChoice, io: &mut Io) -> Result<u8, Error> {
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
        output,
    } = args;

    if statistics && !matches!(format, OutputFormat::Pretty | OutputFormat::Json) {
        return Err(crate::Error::usage(
            "--statistics 只能与 --format pretty 或 --format json 一起使用",
            Some("SARIF、GitHub 和 JUnit 格式需要逐条结果，请去掉 --statistics".to_string()),
        ));
    }
    let options = ReadOptions {
        format: input_format,
        encoding: encoding
            .as_deref()
            .map(crate::input::decode::by_label)
            .transpose()?,
    };
    let mut setup = Setup::new(config.load()?, &selection, max_warnings)?;
    setup.read_options = options;
    let baseline = baseline.as_deref().map(Baseline::load).transpose()?;
    let mut walked = input::walk(&paths, &setup.read_options);
    // The report of an earlier run with the same --output is not part of the library.
    let report = |p: &std::path::Path| is_output(output.as_deref(), p);
    walked
        .skipped
        .retain(|s| !report(std::path::Path::new(&s.path)));
    let mut inputs: Vec<Input> = walked
        .inputs
        .into_iter()
        .filter(|i| match i {
            Input::File { path, .. } => !setup.excluded(path) && !report(path),
            Input::Stdin => true,
        })
        .collect();
    // Reports are in path order, whatever order the paths were given in.
    inputs.sort_by_cached_key(|i| match i {
        Input::File { path, .. } => input::display_path(path),
        Input::Stdin => "<stdin>".to_string(),
    });
    let mut run = Run {
        setup: &setup,
        failures: Vec::new(),
        skipped: walked.skipped,
        empty: Vec::new(),
        summary: Summary::default(),
        tally: Tally::default(),
        baseline,
        record: write_baseline.as_deref().map(Baseline::new),
        fixed: (0, 0),
        color: io.color,
    };
    for e in walked.errors {
        run.fail(e, io.err);
    }
    if diff {
        return diff_run(&setup, &inputs, &mut run, io);
    }
    let reported = setup.reported_rules();
    // The packs the report names: those with a rule that runs, built-in ones by name.
    let packs = setup
        .packs
        .iter()
        .filter(|(name, _)| reported.iter().any(|r| &r.pack == name))
        .map(|(name, origin)| {
            if crate::engine::builtin::text(name).is_some()
                && *origin == format!("rules/{name}.yaml")
            {
                name.clone()
            } else {
                format!("{name}（{origin}）")
            }
        })
        .collect();
    let rules = if matches!(format, OutputFormat::Sarif | OutputFormat::Html) {
        reported
    } else {
        Vec::new()
    };
    // With --write-baseline the findings go into the baseline, not into a report.
    let mut writer: Option<Box<dyn Writer + '_>> = if run.record.is_some() {
        None
    } else {
        Some(output::writer(
            format,
            Box::new(&mut *io.out),
            output::Options {
                color: io.color,
                statistics,
                rules,
                packs,
            },
        ))
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let work = |job: Job| match job {
        Job::Read(input, stdin) => Done::Read(work_one(&setup, input, stdin.as_deref(), fix)),
        Job::Lint(document, linter, range) => {
            Done::Lint(setup.lint_range(&document, &linter, range))
        }
    };
    let written = pool::with_pool(threads, &work, |pool| {
        let mut ahead: std::collections::VecDeque<(usize, u64, Ticket)> = Default::default();
        let mut next = 0;
        loop {
            // Keep the workers busy reading ahead, within bounds, while the front file is written.
            while next < inputs.len() {
                let bytes: u64 = ahead.iter().map(|(_, b, _)| b).sum();
                let size = match &inputs[next] {
                    Input::File { path, .. } => std::fs::metadata(path).map_or(0, |m| m.len()),
                    Input::Stdin => 0,
                };
                if !ahead.is_empty()
                    && (ahead.len() >= AHEAD_FILES * threads || bytes + size > AHEAD_BYTES)
                {
                    break;
                }
                // Standard input is read here, by the one thread that may.
                let stdin: Option<Arc<[u8]>> = match inputs[next] {
                    Input::Stdin => Some(Arc::from((io.stdin)().unwrap_or_default())),
                    Input::File { .. } => None,
                };
                ahead.push_back((next, size, pool.submit(Job::Read(&inputs[next], stdin))));
                next += 1;
            }
            let Some((i, _, ticket)) = ahead.pop_front() else {
                return Ok(());
            };
            let Done::Read(worked) = pool.wait(ticket) else {
                unreachable!("a read job answers with a read");
            };
            run.emit_file(
                &inputs[i],
                worked,
                writer.as_deref_mut(),
                pool,
                threads,
                io.err,
            )?;
        }
    });
    let stats = statistics.then(|| run.tally.statistics());
    let failures: Vec<Failure> = run.failures.iter().map(Failure::of).collect();
    let mut summary = run.summary;
    summary.failed = failures.len();
    summary.skipped = run.skipped.len();
    summary.empty = run.empty.len();
    let written = written.and_then(|()| match writer.as_mut() {
        Some(w) => w.finish(&End {
            summary,
            failures: &failures,
            skipped: &run.skipped,
            empty: &run.empty,
            statistics: stats.as_deref(),
        }),
        None => Ok(()),
    });
    drop(writer);
    match written {
        Ok(()) => {}
        // A reader that stopped early (`huashu check | head`) wants no more; that is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return Ok(summary.exit_code(setup.max_warnings));
        }
        Err(e) => {
            return Err(Error::usage(
                format!(
                    "无法写入输出：{}，报告不完整",
                    crate::error::describe_io(&e)
                ),
                Some("检查磁盘空间，或把输出重定向到可以写入的位置".to_string()),
            ));
        }
    }
    let (edits, files) = run.fixed;
    if edits > 0 {
        let _ = writeln!(io.err, "已自动修复 {edits} 处（{files} 个文件）。");
    }
    if let Some(record) = &run.record {
        let file = write_baseline
            .as_deref()
            .expect("recording for --write-baseline");
        record.write(file)?;
        let _ = writeln!(
            io.err,
            "已把 {} 条问题写入基线 {}；以后用 --baseline {} 只报告新问题。",
            record.len(),
            file.display(),
            file.display()
        );
        return Ok(if run.failures.is_empty() { 0 } else { 2 });
    }
    if let Some(b) = &run.baseline {
        let applied = b.applied();
        let shown = b.shown_name();
        if applied.known > 0 {
            let _ = writeln!(
                io.err,
                "另有 {} 条问题已记录在基线 {shown} 中，未显示。",
                applied.known
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
    if !run.failures.is_empty() {
        return Ok(2);
    }
    Ok(summary.exit_code(setup.max_warnings))
}

/// One input: read it, apply `--fix`, and lint it when it is small.
fn work_one(setup: &Setup, input: &Input, stdin: Option<&[u8]>, fix: bool) -> Worked {
    let loaded = match (input, stdin) {
        (Input::Stdin, Some(bytes)) => {
            let format = setup.read_options.format.unwrap_or(input::Format::Txt);
            input::read_bytes(
                "<stdin>".to_string(),
                bytes.to_vec(),
                format,
                &setup.read_options,
                true,
            )
        }
        _ => input::read(input, &setup.read_options, &mut || Ok(Vec::new())),
    };
    let mut document = match loaded {
        Ok(Loaded::Document(d)) => d,
        Ok(Loaded::Skipped(reason)) => return Worked::Skipped(reason),
        Err(e) => return Worked::Failed(e),
    };
    setup.apply_scenes(&mut document);
    let mut notes = Vec::new();
    let mut fixed = 0;
    let mut write_error = None;
    if fix {
        match apply_fix(setup, input, &document, &mut notes) {
            Ok(Some((next, edits))) => {
                document = next;
                fixed = edits;
            }
            Ok(None) => {}
            Err(e) => write_error = Some(e),
        }
    }
    let linter = setup.profile_linter(&setup.profile_of(input));
    let diagnostics = (document.len() <= SEGMENT)
        .then(|| setup.lint_range(&document, &linter, 0..document.len()));
    Worked::Checked(Box::new(Checked {
        document,
        linter,
        diagnostics,
        notes,
        fixed,
        write_error,
    }))
}

/// Applies the fixes of one document: writes the file when it may be written, and returns the fixed
/// document (and the number of edits) so that the report shows what remains.
fn apply_fix(
    setup: &Setup,
    input: &Input,
    document: &Document,
    notes: &mut Vec<String>,
) -> Result<Option<(Document, usize)>, Error> {
    let f = fix::plan(setup, input, document);
    notes.extend(skipped_notes(&f));
    if !f.changed() {
        return Ok(None);
    }
    if matches!(input, Input::Stdin) {
        notes.push(format!("标准输入无法就地修复（{} 处可修复）。", f.fixed));
        return Ok(None);
    }
    if !fix::writable(f.format) {
        notes.push(format!(
            "{}：Excel 工作簿不会被改写，可修复 {} 处：",
            f.name, f.fixed
        ));
        notes.extend(f.changes.iter().map(|c| format!("  {c}")));
        return Ok(None);
    }
    match fix::write_back(&f.path, &f.source, &f.after) {
        Ok(()) => {}
        // Not writing is a failure of the run; a fix the file cannot hold is only left undone.
        Err(e @ Error::Io { .. }) => return Err(e),
        Err(e) => {
            notes.push(output::pretty::render_error(&e, false));
            return Ok(None);
        }
    }
    let mut fixed = crate::text::source::SourceFile::new(f.name.clone(), f.after);
    if let Some(encoding) = f.source.encoding {
        fixed = fixed.with_encoding(encoding);
    }
    let mut next = input::parse(Arc::new(fixed), f.format)?;
    setup.apply_scenes(&mut next);
    Ok(Some((next, f.fixed)))
}

fn skipped_notes(f: &fix::FileFix) -> Vec<String> {
    f.skipped
        .iter()
        .map(|(line, why)| format!("{}:{line}: {why}", f.name))
        .collect()
}

/// The state of a run as its files go by.
struct Run<'a> {
    setup: &'a Setup,
    failures: Vec<Error>,
    skipped: Vec<Skipped>,
    empty: Vec<String>,
    summary: Summary,
    tally: Tally,
    baseline: Option<Baseline>,
    /// `--write-baseline`: the findings are recorded here instead of reported.
    record: Option<Baseline>,
    /// (edits, files) written by `--fix`.
    fixed: (usize, usize),
    color: bool,
}

impl Run<'_> {
    /// A file that could not be checked: said on stderr at once, listed in the report at the end.
    fn fail(&mut self, e: Error, err: &mut dyn Write) {
        let _ = write!(err, "{}", output::pretty::render_run_error(&e, self.color));
        self.failures.push(e);
    }

    /// Writes what a worker made of one input.
    fn emit_file(
        &mut self,
        input: &Input,
        worked: Worked,
        mut writer: Option<&mut (dyn Writer + '_)>,
        pool: &mut Pool<Job, Done>,
        threads: usize,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        let checked = match worked {
            Worked::Failed(e) => {
                self.fail(e, err);
                return Ok(());
            }
            Worked::Skipped(reason) => {
                if let Input::File { path, .. } = input {
                    self.skipped.push(Skipped {
                        path: input::display_path(path),
                        reason,
                    });
                }
                return Ok(());
            }
            Worked::Checked(c) => c,
        };
        let Checked {
            document,
            linter,
            diagnostics,
            notes,
            fixed,
            write_error,
        } = *checked;
        for n in &notes {
            let _ = writeln!(err, "{}", n.trim_end());
        }
        if let Some(e) = write_error {
            self.fail(e, err);
        }
        if fixed > 0 {
            self.fixed.0 += fixed;
            self.fixed.1 += 1;
        }
        self.summary.files += 1;
        self.summary.phrases += document.len();
        if document.is_empty() {
            self.empty.push(document.source.name.to_string());
        }
        let mut orphans = self
            .setup
            .orphans(&document, &linter.profile)
            .into_iter()
            .peekable();
        let mut emit_all = |run: &mut Self, found: Vec<Diagnostic>| -> std::io::Result<()> {
            for d in found {
                // Suppression comments before no phrase go where they stand.
                while let Some(o) = orphans.next_if(|o| o.span.start <= d.span.start) {
                    run.emit(o, writer.as_deref_mut())?;
                }
                run.emit(d, writer.as_deref_mut())?;
            }
            Ok(())
        };
        match diagnostics {
            Some(found) => emit_all(self, found)?,
            None => {
                // A large document: segments of phrases, each split over the workers, one segment
                // linted ahead while the one before it is written.
                let document = Arc::new(document);
                let len = document.len();
                let submit = |pool: &mut Pool<Job, Done>, start: usize| -> Vec<Ticket> {
                    let end = (start + SEGMENT).min(len);
                    let part = (end - start).div_ceil(threads.max(1)).max(1);
                    (start..end)
                        .step_by(part)
                        .map(|from| {
                            let to = (from + part).min(end);
                            pool.submit(Job::Lint(document.clone(), linter.clone(), from..to))
                        })
                        .collect()
                };
                let mut current = submit(pool, 0);
                let mut start = 0;
                while start < len {
                    let following = start + SEGMENT;
                    let upcoming = (following < len).then(|| submit(pool, following));
                    for t in current {
                        let Done::Lint(found) = pool.wait(t) else {
                            unreachable!("a lint job answers with findings");
                        };
                        emit_all(self, found)?;
                    }
                    current = upcoming.unwrap_or_default();
                    start = following;
                }
            }
        }
        for o in orphans {
            self.emit(o, writer.as_deref_mut())?;
        }
        Ok(())
    }

    /// One finding: through the baseline, into the counts, out to the report (or the new baseline).
    fn emit(
        &mut self,
        d: Diagnostic,
        writer: Option<&mut (dyn Writer + '_)>,
    ) -> std::io::Result<()> {
        if let Some(b) = self.baseline.as_mut()
            && !b.is_new(&d)
        {
            return Ok(());
        }
        if let Some(record) = &mut self.record {
            record.record(&d);
        }
        self.summary.count(d.severity);
        self.tally.add(&d);
        match writer {
            Some(w) => w.diagnostic(&d),
            None => Ok(()),
        }
    }
}

/// `--diff`: the fixes each file would get, as a unified diff, without writing; exit 1 when there
/// is anything to fix.
fn diff_run(setup: &Setup, inputs: &[Input], run: &mut Run, io: &mut Io) -> Result<u8, Error> {
    let mut changed = false;
    for input in inputs {
        let loaded = input::read(input, &setup.read_options, io.stdin);
        let mut document = match loaded {
            Ok(Loaded::Document(d)) => d,
            Ok(Loaded::Skipped(_)) => continue,
            Err(e) => {
                run.fail(e, io.err);
                continue;
            }
        };
        setup.apply_scenes(&mut document);
        let f = fix::plan(setup, input, &document);
        for n in skipped_notes(&f) {
            let _ = writeln!(io.err, "{n}");
        }
        if !f.changed() {
            continue;
        }
        changed = true;
        if fix::writable(f.format) {
            emit(io.out, &fix::diff(&f));
        } else {
            // A workbook's text is synthetic: a diff of it means nothing; cells do.
            let mut s = format!("# {}（Excel 工作簿，不会被改写）\n", f.name);
            for c in &f.changes {
                s.push_str(&format!("#   {c}\n"));
            }
            emit(io.out, &s);
        }
    }
    Ok(if !run.failures.is_empty() {
        2
    } else {
        u8::from(changed)
    })
}
