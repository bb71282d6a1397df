//! The `huashu` command: parses arguments and calls the library.

use clap::{Parser, Subcommand, ValueEnum};
use huashu::commands::{self, CheckArgs, ConfigChoice, Io, OutputFormat};
use huashu::output;
use std::io::{IsTerminal, Read};
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

#[derive(clap::Args)]
struct CheckCli {
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
}

impl CheckCli {
    fn into_lib(self) -> CheckArgs {
        CheckArgs {
            paths: self.paths,
            format: match self.format {
                Format::Pretty => OutputFormat::Pretty,
                Format::Json => OutputFormat::Json,
                Format::Sarif => OutputFormat::Sarif,
                Format::Github => OutputFormat::Github,
                Format::Junit => OutputFormat::Junit,
            },
            selection: self.selection.into_lib(),
            max_warnings: self.max_warnings,
            baseline: self.baseline,
            write_baseline: self.write_baseline,
            fix: self.fix,
            diff: self.diff,
            statistics: self.statistics,
            input_format: self.input_format,
            encoding: self.encoding,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check phrase files (.txt .yaml .yml .json .csv .tsv .xlsx .xls .md, directories, or - for stdin)
    Check(CheckCli),
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
    let config = ConfigChoice {
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

fn run(command: Command, config: &ConfigChoice, color: bool) -> Result<u8, huashu::Error> {
    let mut stdin = || {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    };
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        stdin: &mut stdin,
        color,
    };
    let text = match command {
        Command::Check(args) => return commands::check(args.into_lib(), config, &mut io),
        Command::Rules { selection } => commands::rules(&selection.into_lib(), config)?,
        Command::Init { force } => return commands::init(force, &mut io),
        Command::Config { selection } => commands::show_config(&selection.into_lib(), config)?,
        Command::Explain { rule, selection } => {
            commands::explain(&rule, &selection.into_lib(), config)?
        }
        Command::TestRules { packs } => return commands::test_rules(&packs, &mut io),
    };
    // A closed pipe (huashu rules | head) is not an error worth a panic.
    let _ = io.out.write_all(text.as_bytes());
    let _ = io.out.flush();
    Ok(0)
}
