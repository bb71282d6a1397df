//! The `huashu` command: parses arguments and calls the library.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use huashu::report as output;
use huashu::report::OutputFormat;
use huashu::run::check::CheckArgs;
use huashu::run::commands;
use huashu::run::dropped::{self, Surroundings};
use huashu::run::{ConfigChoice, Io};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "huashu",
    // The built-in packs' versions too: what a run reports depends on them as much as on the program.
    version = huashu::engine::builtin::version_text(),
    about = "话术检查：按规则包检查电商客服快捷短语库"
)]
struct Cli {
    /// 颜色：auto（输出到终端且未设置 NO_COLOR 时）、always、never
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// 配置文件（默认从当前目录向上查找 huashu.yaml 或 .huashu.yaml）
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// 不读取任何配置文件
    #[arg(long, global = true, conflicts_with = "config")]
    no_config: bool,
    /// 出错时同时显示底层原因（系统、解析器或 Excel 读取库给出的原始信息）
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
    /// 不写子命令时：检查这些文件，把报告写在第一个文件旁边并打开（把文件拖到 huashu.exe 上就是这样）
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// 给人看：每个问题显示在原文行下方
    Pretty,
    /// 给程序读：一个 JSON 文档
    Json,
    /// SARIF 2.1.0，用于 GitHub 代码扫描
    Sarif,
    /// GitHub Actions 注释
    Github,
    /// JUnit XML，用于 CI 测试报告
    Junit,
    /// 网页报告：一个 HTML 文件，双击用浏览器打开，可筛选、搜索、复制改好的话术（配合 -o 使用）
    Html,
}

#[derive(clap::Args)]
struct Selection {
    /// 额外启用规则包：内置包名（如 cosmetics）或规则包文件；可重复
    #[arg(long = "pack", value_name = "PACK")]
    packs: Vec<String>,
    /// 只用这些规则或规则包（逗号分隔或重复给出）
    #[arg(long, value_delimiter = ',', value_name = "RULE_OR_PACK")]
    select: Vec<String>,
    /// 不用这些规则或规则包（逗号分隔或重复给出）
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
    /// 要检查的文件或目录
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Pretty)]
    format: Format,
    /// 把报告写入这个文件（写完整后才替换原文件），而不是输出到终端
    #[arg(short, long, value_name = "FILE", conflicts_with = "write_baseline")]
    output: Option<PathBuf>,
    #[command(flatten)]
    selection: Selection,
    /// 警告数超过此值时以退出码 1 结束
    #[arg(long, value_name = "N")]
    max_warnings: Option<usize>,
    /// 只报告基线文件里没有记录的新问题
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// 把当前问题记录到基线文件（退出码 0）
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// 自动修复（fix: safe 的替换、fix: remove 的删除）并写回文件
    #[arg(long)]
    fix: bool,
    /// 以 diff 显示可自动修复的改动，不写文件（有可修复内容时退出码 1）
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// 按规则统计问题数（pretty：代替逐条输出；json：增加 "statistics"）
    #[arg(long)]
    statistics: bool,
    /// 话术库概况：各分组、各场景的话术数，缺少的对话阶段，重复话术，话术里的承诺（pretty：代替逐条输出；json：增加 "library"）
    #[arg(long)]
    summary: bool,
    /// 把明确给出的文件（和标准输入）按此格式读取：txt yaml json csv tsv xlsx xls md
    #[arg(long, value_name = "FORMAT", value_parser = parse_input_format)]
    input_format: Option<huashu::input::Format>,
    /// 用此编码解码文本文件，不自动识别（utf-8、utf-16le、gbk、gb18030、big5 等）
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
                Format::Html => OutputFormat::Html,
            },
            selection: self.selection.into_lib(),
            max_warnings: self.max_warnings,
            baseline: self.baseline,
            write_baseline: self.write_baseline,
            fix: self.fix,
            diff: self.diff,
            statistics: self.statistics,
            summary: self.summary,
            input_format: self.input_format,
            encoding: self.encoding,
            output: self.output,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// 检查话术文件（.txt .yaml .yml .json .csv .tsv .xlsx .xls .md、目录，或 - 表示标准输入）
    Check(CheckCli),
    /// 列出全部规则：id、级别、类型、场景、说明
    Rules {
        #[command(flatten)]
        selection: Selection,
    },
    /// 解释一条规则：原因、依据、正反例
    Explain {
        /// 规则 id，如 etiquette/dont-know
        rule: String,
        #[command(flatten)]
        selection: Selection,
    },
    /// 在当前目录写一个带注释的 huashu.yaml
    Init {
        /// 覆盖已有的 huashu.yaml
        #[arg(long)]
        force: bool,
    },
    /// 显示最终生效的配置：规则包、每条规则的级别、按路径覆盖
    Config {
        #[command(flatten)]
        selection: Selection,
    },
    /// 检查每条规则的反例都会报告、正例都不会报告
    TestRules {
        /// 规则包文件（默认：内置规则包）
        packs: Vec<PathBuf>,
    },
    /// 作为语言服务器（LSP，经标准输入输出）运行，在编辑器里边写边查：见 docs/editors.md
    Server,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return command_line_error(e),
    };
    huashu::error::set_verbose(cli.verbose);
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
    let command = match cli.command {
        // Standard output is the protocol's: nothing else may lock or write it.
        Some(Command::Server) if config.path.is_some() || config.none => {
            let error = huashu::Error::usage(
                "huashu server 不接受 --config 或 --no-config",
                Some(
                    "服务器为每个文件从它所在的目录向上查找 huashu.yaml，和 huashu check 一样"
                        .into(),
                ),
            );
            eprint!("{}", output::pretty::render_run_error(&error, err_color));
            return ExitCode::from(2);
        }
        Some(Command::Server) => return ExitCode::from(huashu::server::run()),
        Some(command) => command,
        None => return without_subcommand(cli.files, &config),
    };
    match run(command, &config, color) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprint!("{}", output::pretty::render_run_error(&e, err_color));
            ExitCode::from(2)
        }
    }
}

/// A command-line mistake, in Chinese like every other error (clap's own wording is English); help
/// and version requests are printed as clap prints them.
fn command_line_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
    }
    let get = |kind: ContextKind| -> String {
        use clap::error::ContextValue;
        match e.get(kind) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join("、"),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(v)) => v
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、"),
            Some(ContextValue::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let did_you_mean = |kind: ContextKind| {
        let s = get(kind);
        (!s.is_empty()).then(|| format!("是不是想写 {s}？"))
    };
    let see_help = "用 huashu --help 或 huashu 子命令 --help 查看用法".to_string();
    let (message, help) = match e.kind() {
        ErrorKind::UnknownArgument => (
            format!("不认识的参数 {}", get(ContextKind::InvalidArg)),
            did_you_mean(ContextKind::SuggestedArg).unwrap_or(see_help),
        ),
        ErrorKind::InvalidSubcommand => (
            format!("没有 {} 这个子命令", get(ContextKind::InvalidSubcommand)),
            did_you_mean(ContextKind::SuggestedSubcommand).unwrap_or_else(|| {
                "可用的子命令：check、rules、explain、init、config、test-rules、server".to_string()
            }),
        ),
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            (
                format!(
                    "参数 {} 的值“{}”不对",
                    get(ContextKind::InvalidArg),
                    get(ContextKind::InvalidValue)
                ),
                if valid.is_empty() {
                    see_help
                } else {
                    format!("可用的值：{valid}")
                },
            )
        }
        ErrorKind::ValueValidation => {
            let arg = get(ContextKind::InvalidArg);
            // Our own value parsers explain themselves in Chinese; number parsers do not.
            let why = std::error::Error::source(&e)
                .map(|s| s.to_string())
                .filter(|s| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
            (
                format!("参数 {arg} 的值“{}”不对", get(ContextKind::InvalidValue)),
                why.unwrap_or_else(|| {
                    if arg.contains("<N>") {
                        "这里要写一个不小于 0 的整数".to_string()
                    } else {
                        see_help
                    }
                }),
            )
        }
        ErrorKind::ArgumentConflict => (
            format!(
                "{} 和 {} 不能同时使用",
                get(ContextKind::InvalidArg),
                get(ContextKind::PriorArg)
            ),
            "去掉其中一个".to_string(),
        ),
        ErrorKind::MissingRequiredArgument => (
            format!("缺少参数 {}", get(ContextKind::InvalidArg)),
            see_help,
        ),
        ErrorKind::MissingSubcommand => (
            "缺少子命令".to_string(),
            "可用的子命令：check、rules、explain、init、config、test-rules、server".to_string(),
        ),
        _ => ("命令行参数有误".to_string(), see_help),
    };
    let verbose = std::env::args_os().any(|a| a == "--verbose" || a == "-v");
    let error = if verbose {
        huashu::Error::usage_with_cause(message, Some(help), e.to_string().trim())
    } else {
        huashu::Error::usage(message, Some(help))
    };
    huashu::error::set_verbose(verbose);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", output::pretty::render_run_error(&error, color));
    ExitCode::from(2)
}

/// `huashu FILE…`, the drag-and-drop use; `huashu` alone prints the help.
fn without_subcommand(files: Vec<PathBuf>, config: &ConfigChoice) -> ExitCode {
    let around = Surroundings::detect();
    let Some(first) = files.first() else {
        eprint!("{}", Cli::command().render_help());
        return ExitCode::from(dropped::nothing_given(&mut std::io::stdout(), around));
    };
    // `huashu chekc` is a mistyped subcommand more likely than a file without an extension.
    let bare_word = first.extension().is_none() && first.components().count() == 1;
    if bare_word && first.as_os_str() != "-" && !first.exists() {
        let cli = Cli::command();
        let names: Vec<String> = cli
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|n| n != "help")
            .collect();
        let error = huashu::Error::usage(
            format!("没有叫 {} 的子命令或文件", first.display()),
            Some(format!("子命令有 {}", names.join("、"))),
        );
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        eprint!("{}", output::pretty::render_run_error(&error, color));
        return ExitCode::from(2);
    }
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let mut stdin = || Ok(Vec::new());
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        stdin: &mut stdin,
        color: false,
    };
    ExitCode::from(dropped::run(files, config, &mut io, around))
}

fn parse_input_format(s: &str) -> Result<huashu::input::Format, String> {
    huashu::input::Format::from_name(s).ok_or_else(|| {
        format!(
            "不认识的格式 {s}，可用：{}",
            huashu::input::Format::NAMES.join("、")
        )
    })
}

/// Whether standard input was closed when huashu started. Rust's runtime reopens a closed fd 0 on
/// /dev/null before `main`, where it would read as an empty file (a clean result for nothing), so
/// this looks at it earlier, from the platform's list of functions run at load time.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
mod stdin_probe {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED: AtomicBool = AtomicBool::new(false);

    extern "C" fn probe() {
        // SAFETY: F_GETFD only asks whether descriptor 0 is open.
        if unsafe { libc::fcntl(0, libc::F_GETFD) } == -1 {
            CLOSED.store(true, Ordering::Relaxed);
        }
    }

    #[used]
    #[cfg_attr(
        any(target_os = "linux", target_os = "android"),
        unsafe(link_section = ".init_array")
    )]
    #[cfg_attr(
        target_vendor = "apple",
        unsafe(link_section = "__DATA,__mod_init_func")
    )]
    static PROBE: extern "C" fn() = probe;

    pub fn closed() -> bool {
        CLOSED.load(Ordering::Relaxed)
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
mod stdin_probe {
    pub fn closed() -> bool {
        false
    }
}

fn run(command: Command, config: &ConfigChoice, color: bool) -> Result<u8, huashu::Error> {
    let mut stdin = || {
        if stdin_probe::closed() {
            return Err(std::io::Error::from(std::io::ErrorKind::NotConnected));
        }
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    };
    // A terminal sees each line as it is written; a pipe or a file gets the output in blocks (Rust's
    // standard output is line-buffered: a JSON report of a million findings was tens of millions of
    // write calls).
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = if stdout.is_terminal() {
        Box::new(stdout.lock())
    } else {
        Box::new(std::io::BufWriter::with_capacity(1 << 16, stdout.lock()))
    };
    let mut err = std::io::stderr();
    let mut io = Io {
        out: &mut *out,
        err: &mut err,
        stdin: &mut stdin,
        color,
    };
    let result = dispatch(command, config, &mut io);
    // Whatever is still buffered: failing to write it cuts the report short (a closed pipe is fine).
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe && result.is_ok() => {
            Err(huashu::run::output_error(&e))
        }
        _ => result,
    }
}

fn dispatch(command: Command, config: &ConfigChoice, io: &mut Io) -> Result<u8, huashu::Error> {
    let text = match command {
        Command::Check(args) => return huashu::run::check::run(args.into_lib(), config, io),
        Command::Rules { selection } => commands::rules(&selection.into_lib(), config)?,
        Command::Init { force } => return commands::init(force, io),
        Command::Config { selection } => {
            commands::show_config(&selection.into_lib(), config, io.err)?
        }
        Command::Explain { rule, selection } => {
            commands::explain(&rule, &selection.into_lib(), config, io.err)?
        }
        Command::TestRules { packs } => return commands::test_rules(&packs, io),
        Command::Server => unreachable!("the server runs before standard output is locked"),
    };
    // A closed pipe (huashu rules | head) is fine; a full disk is an error.
    huashu::run::emit(io.out, &text)?;
    Ok(0)
}
