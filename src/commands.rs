//! The subcommands as the `huashu` binary runs them. Each writes its report to `io.out` and its notes
//! and per-file errors to `io.err`, and returns the exit code; a run-stopping error is returned for
//! the binary to print (exit code 2).

use crate::error::Error;
use crate::pack::Pack;
use crate::setup::Setup;
use crate::{RuleSelection, builtin, catalog, check, config, output};
use std::io::Write;
use std::path::PathBuf;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Pretty,
    Json,
    Sarif,
    Github,
    Junit,
}

/// Where a command writes, and whether it may colour.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub stdin: &'a mut dyn FnMut() -> std::io::Result<Vec<u8>>,
    pub color: bool,
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

/// Writes a report; a closed pipe (`huashu check | head`) is not an error worth reporting.
fn emit(out: &mut dyn Write, s: &str) {
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// `huashu check`.
pub fn check(args: CheckArgs, config: &ConfigChoice, io: &mut Io) -> Result<u8, Error> {
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
            .map(crate::input::encoding::by_label)
            .transpose()?,
    };
    let mut setup = Setup::new(config.load()?, &selection, max_warnings)?;
    setup.read_options = options;
    let (mut reads, mut file_errors) = setup.read_all(&paths, io.stdin)?;
    if diff {
        let mut changed = false;
        for r in &reads {
            let f = crate::fix::plan(&setup, r);
            report_skipped(&f, io.err);
            if f.changed() {
                changed = true;
                if crate::fix::writable(f.format) {
                    emit(io.out, &crate::fix::diff(&f));
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
        let b = crate::baseline::Baseline::of(&file, &outcome.report.diagnostics);
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
        let b = crate::baseline::Baseline::load(&file)?;
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

/// `huashu rules`: every rule of the packs in use, and the built-in packs that are off.
pub fn rules(selection: &RuleSelection, config: &ConfigChoice) -> Result<String, Error> {
    let packs = config.packs(&selection.packs)?;
    let mut listed = Vec::new();
    for name in builtin::names() {
        if !packs.iter().any(|p| p.name == name) {
            // Off-by-default built-ins are listed too, marked as such.
            if let Some(Ok(p)) = builtin::load(name) {
                listed.push((p, false));
            }
        }
    }
    let mut all: Vec<(crate::Pack, bool)> = packs.into_iter().map(|p| (p, true)).collect();
    all.extend(listed);
    Ok(catalog::rules_table(&all))
}

/// `huashu init`: writes a commented starter config in the working directory.
pub fn init(force: bool, io: &mut Io) -> Result<u8, Error> {
    let path = PathBuf::from(config::NAMES[0]);
    // .huashu.yaml counts too: a second config beside it would silently win.
    if let Some(existing) = config::NAMES
        .iter()
        .find(|n| std::path::Path::new(n).exists())
        && !force
    {
        return Err(crate::Error::usage(
            format!("{existing} 已经存在，没有覆盖"),
            Some("要重新生成请加 --force".to_string()),
        ));
    }
    std::fs::write(&path, config::STARTER).map_err(|source| crate::Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let _ = writeln!(io.err, "已写入 huashu.yaml，去掉设置前的 # 即可启用。");
    Ok(0)
}

/// `huashu config`: the effective configuration.
pub fn show_config(selection: &RuleSelection, config: &ConfigChoice) -> Result<String, Error> {
    let setup = Setup::new(config.load()?, selection, None)?;
    Ok(setup.effective())
}

/// `huashu explain RULE`.
pub fn explain(
    rule: &str,
    selection: &RuleSelection,
    config: &ConfigChoice,
) -> Result<String, Error> {
    if let Some(text) = crate::suppress::explain(rule) {
        return Ok(text);
    }
    let mut packs = config.packs(&selection.packs)?;
    for name in builtin::names() {
        if !packs.iter().any(|p| p.name == name)
            && let Some(Ok(p)) = builtin::load(name)
        {
            packs.push(p);
        }
    }
    let found = packs.iter().flat_map(|p| &p.rules).find(|r| r.id == rule);
    match found {
        Some(r) => Ok(catalog::explain(r)),
        None => Err(crate::Error::usage(
            format!("没有名为 {rule} 的规则"),
            Some("用 huashu rules 查看全部规则".to_string()),
        )),
    }
}

/// `huashu test-rules [PACK...]`: runs every rule's examples (the built-in packs by default).
pub fn test_rules(packs: &[PathBuf], io: &mut Io) -> Result<u8, Error> {
    let sources: Vec<(String, String)> = if packs.is_empty() {
        builtin::names()
            .into_iter()
            .map(|n| {
                (
                    format!("rules/{n}.yaml"),
                    builtin::text(n).expect("listed").to_string(),
                )
            })
            .collect()
    } else {
        let mut v = Vec::new();
        for p in packs {
            let text = std::fs::read_to_string(p).map_err(|source| crate::Error::Io {
                path: p.display().to_string(),
                source,
            })?;
            v.push((crate::input::display_path(p), text));
        }
        v
    };
    let mut failed = 0;
    let mut report = String::new();
    for (name, text) in sources {
        let pack =
            crate::Pack::parse_unchecked(&name, &text).map_err(|errors| crate::Error::Pack {
                path: name.clone(),
                errors,
            })?;
        let (checked, failures) = catalog::test_pack(&pack);
        for f in &failures {
            let _ = write!(io.err, "{}", output::pretty::render_error(f, io.color));
        }
        failed += failures.len();
        report.push_str(&format!(
            "{name}：{} 条规则，{checked} 个例子，{} 个通过，{} 个失败\n",
            pack.rules.len(),
            checked - failures.len(),
            failures.len()
        ));
    }
    emit(io.out, &report);
    Ok(if failed > 0 { 1 } else { 0 })
}

/// Applies the fixes of every document: writes the files it may write, and replaces each fixed
/// document by its fixed text so that the report shows what remains. Returns (edits, files).
fn apply_fixes(
    setup: &Setup,
    reads: &mut [crate::setup::Read],
    errors: &mut Vec<Error>,
    err: &mut dyn Write,
) -> (usize, usize) {
    let (mut edits, mut files) = (0, 0);
    for r in reads.iter_mut() {
        let f = crate::fix::plan(setup, r);
        report_skipped(&f, err);
        if !f.changed() {
            continue;
        }
        if matches!(r.input, crate::input::Input::Stdin) {
            let _ = writeln!(err, "标准输入无法就地修复（{} 处可修复）。", f.fixed);
            continue;
        }
        if !crate::fix::writable(f.format) {
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
        match crate::fix::write_back(&f.path, &f.source, &f.after) {
            Ok(()) => {}
            // Not writing is a failure of the run; a fix the file cannot hold is only left undone.
            Err(e @ crate::Error::Io { .. }) => {
                errors.push(e);
                continue;
            }
            Err(e) => {
                let _ = write!(err, "{}", output::pretty::render_error(&e, false));
                continue;
            }
        }
        let mut fixed = crate::source::SourceFile::new(f.name.clone(), f.after);
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

fn report_skipped(f: &crate::fix::FileFix, err: &mut dyn Write) {
    for (line, why) in &f.skipped {
        let _ = writeln!(err, "{}:{line}: {why}", f.name);
    }
}

/// Which config file a command uses: `--config FILE`, none (`--no-config`), or the one found upward.
#[derive(Debug, Clone, Default)]
pub struct ConfigChoice {
    pub path: Option<PathBuf>,
    pub none: bool,
}

impl ConfigChoice {
    pub fn load(&self) -> Result<config::Config, Error> {
        config::load(self.path.as_deref(), !self.none)
    }

    /// The packs the config enables or disables, plus those named on the command line.
    pub fn packs(&self, cli: &[String]) -> Result<Vec<Pack>, Error> {
        let config = self.load()?;
        let value =
            |items: &[config::Item]| items.iter().map(|i| i.value.clone()).collect::<Vec<_>>();
        let mut extra = value(&config.packs);
        extra.extend(cli.iter().cloned());
        check::load_packs_except(&extra, &value(&config.disable_packs))
    }
}
