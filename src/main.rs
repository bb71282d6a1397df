//! The `huashu` command: parses arguments and calls the library.

use clap::{Parser, Subcommand, ValueEnum};
use huashu::{builtin, catalog, check, output};
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
    match run(cli.command, color) {
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

fn run(command: Command, color: bool) -> Result<u8, huashu::Error> {
    match command {
        Command::Check {
            paths,
            format,
            selection,
            max_warnings,
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
            let linter = check::linter(&selection.into_lib())?;
            let mut stdin = || {
                let mut buf = Vec::new();
                std::io::stdin().read_to_end(&mut buf).map(|_| buf)
            };
            let outcome = check::run_with(&linter, &paths, &options, &mut stdin)?;
            let report = &outcome.report;
            let rendered = match format {
                Format::Pretty if statistics => output::statistics::render(report),
                Format::Pretty => output::pretty::render(report, color),
                Format::Json if statistics => output::json::render_with_statistics(report),
                Format::Json => output::json::render(report),
                Format::Sarif => output::sarif::render(report, &linter.rules, &outcome.file_errors),
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
            Ok(outcome.report.exit_code(max_warnings) as u8)
        }
        Command::Rules { selection } => {
            let selection = selection.into_lib();
            let packs = check::load_packs(&selection.packs)?;
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
        Command::Explain { rule, selection } => {
            let mut packs = check::load_packs(&selection.packs)?;
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
