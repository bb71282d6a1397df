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
    Pretty,
    Json,
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
    /// Check phrase files (.txt .yaml .yml .json .csv .tsv, directories, or - for stdin)
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
            eprint!("{}", output::pretty::render_error(&e, err_color));
            ExitCode::from(2)
        }
    }
}

fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (huashu check | head) is not an error worth a panic.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

struct ConfigArgs {
    path: Option<PathBuf>,
    none: bool,
}

impl ConfigArgs {
    fn load(&self) -> Result<config::Config, huashu::Error> {
        config::load(self.path.as_deref(), !self.none)
    }
}

fn run(command: Command, config: &ConfigArgs, color: bool) -> Result<u8, huashu::Error> {
    match command {
        Command::Check {
            paths,
            format,
            selection,
            max_warnings,
        } => {
            let setup = Setup::new(config.load()?, &selection.into_lib(), max_warnings)?;
            let mut stdin = || {
                let mut buf = Vec::new();
                std::io::stdin().read_to_end(&mut buf).map(|_| buf)
            };
            let outcome = setup.run(&paths, &mut stdin)?;
            let rendered = match format {
                Format::Pretty => output::pretty::render(&outcome.report, color),
                Format::Json => output::json::render(&outcome.report),
            };
            print(&rendered);
            for e in &outcome.file_errors {
                eprint!("{}", output::pretty::render_error(e, color));
            }
            if !outcome.file_errors.is_empty() {
                return Ok(2);
            }
            Ok(outcome.report.exit_code(setup.max_warnings) as u8)
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
        Command::Init { force } => {
            let path = PathBuf::from(config::NAMES[0]);
            if path.exists() && !force {
                return Err(huashu::Error::usage(
                    "huashu.yaml 已经存在，没有覆盖",
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
