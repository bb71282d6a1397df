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
use crate::run::library::{LibraryRun, Seen};
use crate::run::pool::{self, Pool, Ticket};
use crate::run::renames::Place;
use crate::run::setup::{Packs, ProfileLinter, Setup};
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
    /// `--summary`: the library overview.
    pub summary: bool,
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
/// A read file costs about twice its size once split into phrases; at 32 MB a library of 4 MB
/// files held 60 MB more for no gain in speed (reading is a small part of the work).
const AHEAD_BYTES: u64 = 8 << 20;
/// A document with more phrases than this is linted in segments on all cores by the run, rather
/// than whole by the worker that read it.
const SEGMENT: usize = 16_384;
/// With fewer files than cores, a document with at least this many phrases is split over the
/// cores too: on a pre-commit hook's one small file, the patterns its phrases need are compiled on
/// every core instead of one (a 20-line file: one core busy and the other idle for 30 ms).
const SPLIT_SMALL: usize = 2;

/// Work for the pool: read (and fix, and lint a small document) one input, or lint part of a large
/// document.
enum Job<'a> {
    Read(&'a Input, Option<Result<Arc<[u8]>, Arc<std::io::Error>>>),
    Lint(Arc<Document>, Arc<ProfileLinter>, std::ops::Range<usize>),
}

enum Done {
    Read(Worked),
    /// The findings on the phrases, and what the library checks need of them (when they run).
    Lint(Vec<Diagnostic>, Option<Vec<Seen>>),
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
    /// Likewise, what the library checks need of each phrase (when they run).
    seen: Option<Vec<Seen>>,
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
    // The report is written beside the file as it comes, then replaces the file in one step: an
    // interrupted or failed run never leaves half a report where the last whole one was, and a
    // report of a million findings is never held in memory.
    let write_error = |source| Error::Write {
        path: input::display_path(&path),
        source,
    };
    let mut report = crate::run::write::Staged::new(&path, crate::run::write::Expect::Any)
        .map_err(write_error)?;
    let code = {
        let mut to_file = Io {
            out: &mut report,
            err: &mut *io.err,
            stdin: &mut *io.stdin,
            color: false,
        };
        check(args, config, &mut to_file)?
    };
    report.commit().map_err(write_error)?;
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
        summary,
        input_format,
        encoding,
        output,
    } = args;

    for (on, flag) in [(statistics, "--statistics"), (summary, "--summary")] {
        if on && !matches!(format, OutputFormat::Pretty | OutputFormat::Json) {
            return Err(crate::Error::usage(
                format!("{flag} 只能与 --format pretty 或 --format json 一起使用"),
                Some(format!(
                    "SARIF、GitHub 和 JUnit 格式需要逐条结果，请去掉 {flag}"
                )),
            ));
        }
    }
    let options = ReadOptions {
        format: input_format,
        encoding: encoding
            .as_deref()
            .map(crate::input::decode::by_label)
            .transpose()?,
    };
    let mut setup = Setup::new(config.load()?, &selection, max_warnings, Packs::Used)?;
    setup.read_options = options;
    // The HTML report shows the library overview at its top whenever the library checks run.
    let overview_wanted = summary
        || (format == OutputFormat::Html
            && setup
                .reported_rules()
                .iter()
                .any(|r| r.kind.library().is_some()));
    setup.activate_library(overview_wanted);
    let mut baseline = baseline.as_deref().map(Baseline::load).transpose()?;
    if let Some(b) = baseline.as_mut() {
        b.rename_rules(|rule| setup.renames.current(rule, Place::Baseline));
    }
    // Former ids in the config, on the command line or in the baseline: said before the report.
    setup.renames.write_notes(io.err);
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
    // Sizes the library's index, with the first document's density (`size_from_first`).
    let input_bytes: u64 = inputs
        .iter()
        .map(|i| match i {
            Input::File { path, .. } => std::fs::metadata(path).map_or(0, |m| m.len()),
            Input::Stdin => 0,
        })
        .sum();
    super::memory::prepare_for(input_bytes);
    let library = setup
        .library
        .active
        .then(|| LibraryRun::new(&setup.library, 0))
        .map(|l| {
            if format.quotes_related() {
                l
            } else {
                l.without_snippets()
            }
        });
    let mut run = Run {
        setup: &setup,
        input_bytes,
        library,
        failures: Vec::new(),
        partial: 0,
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
        let code = diff_run(&setup, &inputs, &mut run, io);
        setup.renames.write_notes(io.err);
        return code;
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
                summary,
                rules,
                packs,
            },
        ))
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let split = inputs.len() < threads;
    let work = |job: Job| match job {
        Job::Read(input, stdin) => Done::Read(match stdin {
            Some(Err(e)) => Worked::Failed(input::stdin_error(std::io::Error::new(
                e.kind(),
                e.to_string(),
            ))),
            Some(Ok(bytes)) => work_one(&setup, input, Some(&bytes), fix, split),
            None => work_one(&setup, input, None, fix, split),
        }),
        Job::Lint(document, linter, range) => Done::Lint(
            setup.lint_range(&document, &linter, range.clone()),
            setup
                .library
                .active
                .then(|| setup.library.seen(&document, range)),
        ),
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
                // Standard input is read here, by the one thread that may. Failing to read it (it is
                // closed) fails that input; it is never taken for an empty file.
                let stdin = match inputs[next] {
                    Input::Stdin => Some((io.stdin)().map(Arc::from).map_err(Arc::new)),
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
    // What only the whole library tells, before the report ends.
    let written = written.and_then(|()| {
        let Some(library) = run.library.as_mut() else {
            return Ok(());
        };
        for d in library.finish(&setup.library) {
            run.emit(d, writer.as_deref_mut())?;
        }
        Ok(())
    });
    let overview = if overview_wanted {
        run.library.as_ref().map(|l| l.overview(&setup.library))
    } else {
        None
    };
    let stats = statistics.then(|| {
        let mut stats = run.tally.statistics();
        for s in &mut stats {
            if let Some(m) = setup.rule_message(&s.rule) {
                s.message = m;
            }
        }
        stats
    });
    let failures: Vec<Failure> = run.failures.iter().map(Failure::of).collect();
    let mut summary = run.summary;
    summary.failed = failures.len() - run.partial;
    summary.skipped = run.skipped.len();
    summary.empty = run.empty.len();
    let written = written.and_then(|()| match writer.as_mut() {
        Some(w) => w.finish(&End {
            summary,
            failures: &failures,
            skipped: &run.skipped,
            empty: &run.empty,
            statistics: stats.as_deref(),
            library: overview.as_ref(),
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
        Err(e) => return Err(crate::run::output_error(&e)),
    }
    // Former ids met in suppressions while the files were read.
    setup.renames.write_notes(io.err);
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
/// `split`: leave a document of [`SPLIT_SMALL`] phrases or more to be linted in parts on every core.
fn work_one(setup: &Setup, input: &Input, stdin: Option<&[u8]>, fix: bool, split: bool) -> Worked {
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
    setup.prepare(&mut document);
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
    let small = document.len() <= SEGMENT && !(split && document.len() >= SPLIT_SMALL);
    let diagnostics = small.then(|| setup.lint_range(&document, &linter, 0..document.len()));
    let seen =
        (small && setup.library.active).then(|| setup.library.seen(&document, 0..document.len()));
    Worked::Checked(Box::new(Checked {
        document,
        linter,
        diagnostics,
        seen,
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
    if !document.problems.is_empty() {
        notes.push(damaged_note(document));
        return Ok(None);
    }
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
        Err(e @ (Error::Io { .. } | Error::Write { .. })) => return Err(e),
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
    setup.prepare(&mut next);
    Ok(Some((next, f.fixed)))
}

/// Why a file read around damage is not fixed: writing it back would write the reader's stand-ins
/// (U+FFFD for damaged bytes) over what the file holds.
fn damaged_note(document: &Document) -> String {
    format!(
        "{}：文件有损坏或格式问题（见错误信息），没有自动修复；改正后再运行 --fix",
        document.source.name
    )
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
    /// The library checks, when they run.
    library: Option<LibraryRun>,
    /// The size of the run's input files, together.
    input_bytes: u64,
    failures: Vec<Error>,
    /// Failures that are problems inside a file that was checked all the same.
    partial: usize,
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
            mut document,
            linter,
            diagnostics,
            seen,
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
        // Read around: the rest of the file is checked below, and the run fails.
        for problem in std::mem::take(&mut document.problems) {
            self.partial += 1;
            self.fail(problem.into(), err);
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
        let file = self.library.as_mut().map(|l| {
            l.size_from_first(self.input_bytes, &document);
            let (unused, _) = self.setup.meta_levels(&linter.profile);
            l.start_file(&document, &linter, unused)
        });
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
        // The library's findings on a range of phrases, merged by position with their others.
        let with_library = |run: &mut Self,
                            document: &Document,
                            range: std::ops::Range<usize>,
                            found: Vec<Diagnostic>,
                            seen: Option<Vec<Seen>>|
         -> Vec<Diagnostic> {
            match (run.library.as_mut(), file, seen) {
                (Some(l), Some(file), Some(seen)) => merge(
                    found,
                    l.phrases(&run.setup.library, document, file, range, seen),
                ),
                _ => found,
            }
        };
        match diagnostics {
            Some(found) => {
                let found = with_library(self, &document, 0..document.len(), found, seen);
                emit_all(self, found)?
            }
            None => {
                // A large document: segments of phrases, each split over the workers, one segment
                // linted ahead while the one before it is written.
                let document = Arc::new(document);
                let len = document.len();
                type Part = (Ticket, std::ops::Range<usize>);
                let submit = |pool: &mut Pool<Job, Done>, start: usize| -> Vec<Part> {
                    let end = (start + SEGMENT).min(len);
                    let part = (end - start).div_ceil(threads.max(1)).max(1);
                    (start..end)
                        .step_by(part)
                        .map(|from| {
                            let to = (from + part).min(end);
                            let job = Job::Lint(document.clone(), linter.clone(), from..to);
                            (pool.submit(job), from..to)
                        })
                        .collect()
                };
                let mut current = submit(pool, 0);
                let mut start = 0;
                while start < len {
                    let following = start + SEGMENT;
                    let upcoming = (following < len).then(|| submit(pool, following));
                    for (t, range) in current {
                        let Done::Lint(found, seen) = pool.wait(t) else {
                            unreachable!("a lint job answers with findings");
                        };
                        let found = with_library(self, &document, range, found, seen);
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
        if let (Some(l), Some(file)) = (self.library.as_mut(), file) {
            l.end_file(file);
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

/// Two lists of findings each in position order, merged by position (`a` first at a tie).
fn merge(a: Vec<Diagnostic>, b: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for d in a {
        while let Some(x) = b.next_if(|x| x.span.start < d.span.start) {
            out.push(x);
        }
        out.push(d);
    }
    out.extend(b);
    out
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
        setup.prepare(&mut document);
        if !document.problems.is_empty() {
            let _ = writeln!(io.err, "{}", damaged_note(&document));
            for problem in std::mem::take(&mut document.problems) {
                run.fail(problem.into(), io.err);
            }
            continue;
        }
        let f = fix::plan(setup, input, &document);
        for n in skipped_notes(&f) {
            let _ = writeln!(io.err, "{n}");
        }
        if !f.changed() {
            continue;
        }
        changed = true;
        if fix::writable(f.format) {
            emit(io.out, &fix::diff(&f))?;
        } else {
            // A workbook's text is synthetic: a diff of it means nothing; cells do.
            let mut s = format!("# {}（Excel 工作簿，不会被改写）\n", f.name);
            for c in &f.changes {
                s.push_str(&format!("#   {c}\n"));
            }
            emit(io.out, &s)?;
        }
    }
    Ok(if !run.failures.is_empty() {
        2
    } else {
        u8::from(changed)
    })
}
