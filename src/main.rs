//! The `huashu` command: parses arguments and calls the library.

use clap::{Parser, Subcommand, ValueEnum};
use huashu::setup::Setup;
use huashu::{builtin, catalog, check, config, output};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "huashu",
    version,
    about = "话术检查：按规则包检查电商客服快捷短语库"
)]
struct Cli {
    /// Colour: auto (when writing to a terminal and NO_COLOR is unset), always, never
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Config file (default: huashu.yaml or .huashu.yaml, from the working directory upward)
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore every config file
    #[arg(long, global = true, conflicts_with = "config")]
    no_config: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// For people: each finding under its source line
    Pretty,
    /// One JSON document, for programs
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions annotations
    Github,
    /// JUnit XML, for CI test reports
    Junit,
}

#[derive(clap::Args)]
struct Selection {
    /// Add a rule pack: a built-in name (e.g. cosmetics) or a pack file; repeatable
    #[arg(long = "pack", value_name = "PACK")]
    packs: Vec<String>,
    /// Only these rules or packs (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', value_name = "RULE_OR_PACK")]
    select: Vec<String>,
    /// Skip these rules or packs (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', value_name = "RULE_OR_PACK")]
    ignore: Vec<String>,
}

impl Selection {
    fn into_lib(self) -> huashu::RuleSelection {
        huashu::RuleSelection {
            packs: self.packs,
            select: self.select,
            ignore: self.ignore,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check phrase files (.txt .yaml .yml .json .csv .tsv .xlsx .xls .md, directories, or - for stdin)
    Check {
        /// Files or directories to check
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Pretty)]
        format: Format,
        #[command(flatten)]
        selection: Selection,
        /// Exit with 1 when there are more warnings than this
        #[arg(long, value_name = "N")]
        max_warnings: Option<usize>,
        /// Report only findings not recorded in this baseline file
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record the current findings in this baseline file (and exit 0)
        #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
        write_baseline: Option<PathBuf>,
        /// Apply safe fixes (fix: safe replacements, fix: remove deletions) to the files
        #[arg(long)]
        fix: bool,
        /// Show the fixes as a diff without writing them (exit 1 when there is something to fix)
        #[arg(long, conflicts_with = "fix")]
        diff: bool,
        /// Count findings per rule (pretty: instead of each finding; json: adds "statistics")
        #[arg(long)]
        statistics: bool,
        /// Read files named explicitly (and stdin) as this format: txt yaml json csv tsv xlsx xls md
        #[arg(long, value_name = "FORMAT", value_parser = parse_input_format)]
        input_format: Option<huashu::input::Format>,
        /// Decode text files with this encoding instead of detecting it (utf-8, utf-16le, gbk, gb18030, big5, ...)
        #[arg(long, value_name = "ENCODING")]
        encoding: Option<String>,
    },
    /// List every rule: id, level, kind, scenes, message
    Rules {
        #[command(flatten)]
        selection: Selection,
    },
    /// Explain a rule: why, its source, its examples
    Explain {
        /// Rule id, e.g. etiquette/dont-know
        rule: String,
        #[command(flatten)]
        selection: Selection,
    },
    /// Write a commented starter huashu.yaml in the working directory
    Init {
        /// Overwrite an existing huashu.yaml
        #[arg(long)]
        force: bool,
    },
    /// Print the effective configuration: packs, levels of every rule, overrides
    Config {
        #[command(flatten)]
        selection: Selection,
    },
    /// Check that every rule's bad examples fire and good examples stay quiet
    TestRules {
        /// Pack files (default: the built-in packs)
        packs: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let err_color = match cli.color {
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        _ => color,
    };
    let config = ConfigArgs {
        path: cli.config,
        none: cli.no_config,
    };
    match run(cli.command, &config, color) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprint!("{}", output::pretty::render_run_error(&e, err_color));
            ExitCode::from(2)
        }
    }
}

fn parse_input_format(s: &str) -> Result<huashu::input::Format, String> {
    huashu::input::Format::from_name(s).ok_or_else(|| {
        format!(
            "不认识的格式 {s}，可用：{}",
            huashu::input::Format::NAMES.join("、")
        )
    })
}

fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (huashu check | head) is not an error worth a panic.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Applies the fixes of every document: writes the files it may write, and replaces each fixed
/// document by its fixed text so that the report shows what remains. Returns (edits, files).
fn apply_fixes(
    setup: &Setup,
    reads: &mut [huashu::setup::Read],
    errors: &mut Vec<huashu::Error>,
) -> (usize, usize) {
    let (mut edits, mut files) = (0, 0);
    for r in reads.iter_mut() {
        let f = huashu::fix::plan(setup, r);
        report_skipped(&f);
        if !f.changed() {
            continue;
        }
        if matches!(r.input, huashu::input::Input::Stdin) {
            eprintln!("标准输入无法就地修复（{} 处可修复）。", f.fixed);
            continue;
        }
        if !huashu::fix::writable(f.format) {
            eprintln!(
                "{}：Excel 工作簿不会被改写，可修复 {} 处：",
                f.name, f.fixed
            );
            for c in &f.changes {
                eprintln!("  {c}");
            }
            continue;
        }
        match huashu::fix::write_back(&f.path, &f.source, &f.after) {
            Ok(()) => {}
            // Not writing is a failure of the run; a fix the file cannot hold is only left undone.
            Err(e @ huashu::Error::Io { .. }) => {
                errors.push(e);
                continue;
            }
            Err(e) => {
                eprint!("{}", output::pretty::render_error(&e, false));
                continue;
            }
        }
        let mut fixed = huashu::source::SourceFile::new(f.name.clone(), f.after);
        if let Some(encoding) = f.source.encoding {
            fixed = fixed.with_encoding(encoding);
        }
        let source = std::sync::Arc::new(fixed);
        match huashu::input::parse(source, f.format) {
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

fn report_skipped(f: &huashu::fix::FileFix) {
    for (line, why) in &f.skipped {
        eprintln!("{}:{line}: {why}", f.name);
    }
}

struct ConfigArgs {
    path: Option<PathBuf>,
    none: bool,
}

impl ConfigArgs {
    fn load(&self) -> Result<config::Config, huashu::Error> {
        config::load(self.path.as_deref(), !self.none)
    }

    /// The packs the config enables or disables, plus those named on the command line.
    fn packs(&self, cli: &[String]) -> Result<Vec<huashu::Pack>, huashu::Error> {
        let config = self.load()?;
        let value =
            |items: &[config::Item]| items.iter().map(|i| i.value.clone()).collect::<Vec<_>>();
        let mut extra = value(&config.packs);
        extra.extend(cli.iter().cloned());
        check::load_packs_except(&extra, &value(&config.disable_packs))
    }
}

fn run(command: Command, config: &ConfigArgs, color: bool) -> Result<u8, huashu::Error> {
    match command {
        Command::Check {
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
        } => {
            if statistics && !matches!(format, Format::Pretty | Format::Json) {
                return Err(huashu::Error::usage(
                    "--statistics 只能与 --format pretty 或 --format json 一起使用",
                    Some(
                        "SARIF、GitHub 和 JUnit 格式需要逐条结果，请去掉 --statistics".to_string(),
                    ),
                ));
            }
            let options = huashu::input::ReadOptions {
                format: input_format,
                encoding: encoding
                    .as_deref()
                    .map(huashu::input::encoding::by_label)
                    .transpose()?,
            };
            let mut setup = Setup::new(config.load()?, &selection.into_lib(), max_warnings)?;
            setup.read_options = options;
            let mut stdin = || {
                let mut buf = Vec::new();
                std::io::stdin().read_to_end(&mut buf).map(|_| buf)
            };
            let (mut reads, mut file_errors) = setup.read_all(&paths, &mut stdin)?;
            if diff {
                let mut changed = false;
                for r in &reads {
                    let f = huashu::fix::plan(&setup, r);
                    report_skipped(&f);
                    if f.changed() {
                        changed = true;
                        if huashu::fix::writable(f.format) {
                            print(&huashu::fix::diff(&f));
                        } else {
                            // A workbook's text is synthetic: a diff of it means nothing; cells do.
                            let mut s = format!("# {}（Excel 工作簿，不会被改写）\n", f.name);
                            for c in &f.changes {
                                s.push_str(&format!("#   {c}\n"));
                            }
                            print(&s);
                        }
                    }
                }
                for e in &file_errors {
                    eprint!("{}", output::pretty::render_run_error(e, color));
                }
                return Ok(if !file_errors.is_empty() {
                    2
                } else {
                    u8::from(changed)
                });
            }
            if fix {
                let (fixed, files) = apply_fixes(&setup, &mut reads, &mut file_errors);
                if fixed > 0 {
                    eprintln!("已自动修复 {fixed} 处（{files} 个文件）。");
                }
            }
            let mut outcome = setup.outcome(&reads, file_errors);
            if let Some(file) = write_baseline {
                let b = huashu::baseline::Baseline::of(&file, &outcome.report.diagnostics);
                b.write(&file)?;
                eprintln!(
                    "已把 {} 条问题写入基线 {}；以后用 --baseline {} 只报告新问题。",
                    b.len(),
                    file.display(),
                    file.display()
                );
                for e in &outcome.file_errors {
                    eprint!("{}", output::pretty::render_run_error(e, color));
                }
                return Ok(if outcome.file_errors.is_empty() { 0 } else { 2 });
            }
            if let Some(file) = baseline {
                let b = huashu::baseline::Baseline::load(&file)?;
                let applied = b.apply(&mut outcome.report.diagnostics);
                if applied.known > 0 {
                    eprintln!(
                        "另有 {} 条问题已记录在基线 {} 中，未显示。",
                        applied.known,
                        file.display()
                    );
                }
                if applied.gone > 0 {
                    eprintln!(
                        "基线中有 {} 条问题已经不再出现，可以用 --write-baseline 重新生成基线。",
                        applied.gone
                    );
                }
            }
            let report = &outcome.report;
            let rendered = match format {
                Format::Pretty if statistics => output::statistics::render(report),
                Format::Pretty => output::pretty::render(report, color),
                Format::Json if statistics => output::json::render_with_statistics(report),
                Format::Json => output::json::render(report),
                Format::Sarif => output::sarif::render(
                    report,
                    &setup.reported_rules(report),
                    &outcome.file_errors,
                ),
                Format::Github => output::github::render(report),
                Format::Junit => output::junit::render(report),
            };
            print(&rendered);
            for e in &outcome.file_errors {
                eprint!("{}", output::pretty::render_run_error(e, color));
            }
            if !outcome.file_errors.is_empty() {
                return Ok(2);
            }
            Ok(outcome.report.exit_code(setup.max_warnings) as u8)
        }
        Command::Rules { selection } => {
            let selection = selection.into_lib();
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
            let mut all: Vec<(huashu::Pack, bool)> = packs.into_iter().map(|p| (p, true)).collect();
            all.extend(listed);
            print(&catalog::rules_table(&all));
            Ok(0)
        }
        Command::Init { force } => {
            let path = PathBuf::from(config::NAMES[0]);
            // .huashu.yaml counts too: a second config beside it would silently win.
            if let Some(existing) = config::NAMES
                .iter()
                .find(|n| std::path::Path::new(n).exists())
                && !force
            {
                return Err(huashu::Error::usage(
                    format!("{existing} 已经存在，没有覆盖"),
                    Some("要重新生成请加 --force".to_string()),
                ));
            }
            std::fs::write(&path, config::STARTER).map_err(|source| huashu::Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            eprintln!("已写入 huashu.yaml，去掉设置前的 # 即可启用。");
            Ok(0)
        }
        Command::Config { selection } => {
            let setup = Setup::new(config.load()?, &selection.into_lib(), None)?;
            print(&setup.effective());
            Ok(0)
        }
        Command::Explain { rule, selection } => {
            if let Some(text) = huashu::suppress::explain(&rule) {
                print(&text);
                return Ok(0);
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
                Some(r) => {
                    print(&catalog::explain(r));
                    Ok(0)
                }
                None => Err(huashu::Error::usage(
                    format!("没有名为 {rule} 的规则"),
                    Some("用 huashu rules 查看全部规则".to_string()),
                )),
            }
        }
        Command::TestRules { packs } => {
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
                for p in &packs {
                    let text = std::fs::read_to_string(p).map_err(|source| huashu::Error::Io {
                        path: p.display().to_string(),
                        source,
                    })?;
                    v.push((huashu::input::display_path(p), text));
                }
                v
            };
            let mut failed = 0;
            let mut report = String::new();
            for (name, text) in sources {
                let pack = huashu::Pack::parse_unchecked(&name, &text).map_err(|errors| {
                    huashu::Error::Pack {
                        path: name.clone(),
                        errors,
                    }
                })?;
                let (checked, failures) = catalog::test_pack(&pack);
                for f in &failures {
                    eprint!("{}", output::pretty::render_error(f, color));
                }
                failed += failures.len();
                report.push_str(&format!(
                    "{name}：{} 条规则，{checked} 个例子，{} 个通过，{} 个失败\n",
                    pack.rules.len(),
                    checked - failures.len(),
                    failures.len()
                ));
            }
            print(&report);
            Ok(if failed > 0 { 1 } else { 0 })
        }
    }
}
