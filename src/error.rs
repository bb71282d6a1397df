//! Errors that stop a run (exit code 2): I/O, usage, and mistakes in packs, configs and phrase files.
//! A mistake in a file always carries the file, the line, the column, and a label under the text.
//!
//! Every message is written for a shop owner: in Chinese, naming the file, saying what is wrong and
//! what to do. The text a library or the operating system gave (an English YAML parser message, "No
//! such file or directory (os error 2)", a zip error) is kept as the error's source: the pretty
//! output shows it only with `--verbose` (see [`set_verbose`]).

use crate::text::source::{Position, SourceFile};
use miette::{Diagnostic, LabeledSpan, Severity, SourceCode, SourceSpan};
use std::fmt;
use std::io::ErrorKind;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// `--verbose`: error reports also show the underlying cause as the library or the system gave it.
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

/// Whether `--verbose` was given.
pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// The original text of a library's error, kept for `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause(pub String);

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cause {}

/// Why huashu refused to write a file, rather than the system failing to. Carried inside an
/// `std::io::Error` (kind `Other`) so that writers keep returning `io::Result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteRefusal {
    /// Not a regular file: a device, a FIFO, a socket or a directory (what it is, in Chinese).
    NotRegular(&'static str),
    /// The file changed after huashu read it; writing would overwrite someone else's edit.
    Changed,
    /// A symbolic link whose target does not exist.
    DanglingLink,
    /// A new file was to be created, and one appeared meanwhile.
    Exists,
}

impl fmt::Display for WriteRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteRefusal::NotRegular(what) => {
                write!(f, "这是{what}，不是普通文件，huashu 不会写入")
            }
            WriteRefusal::Changed => {
                f.write_str("huashu 读取之后它又被修改过，为了不覆盖别人的改动，没有写入")
            }
            WriteRefusal::DanglingLink => f.write_str("这是一个符号链接，它指向的文件不存在"),
            WriteRefusal::Exists => f.write_str("文件已经存在，没有覆盖"),
        }
    }
}

impl std::error::Error for WriteRefusal {}

impl WriteRefusal {
    pub fn into_io(self) -> std::io::Error {
        std::io::Error::other(self)
    }

    fn help(&self) -> &'static str {
        match self {
            WriteRefusal::NotRegular(_) => "请给出一个普通文件的路径",
            WriteRefusal::Changed => "请确认文件现在的内容，再重新运行这条命令",
            WriteRefusal::DanglingLink => "请先创建链接指向的文件，或改用普通文件的路径",
            WriteRefusal::Exists => "确认可以覆盖后，再重新运行这条命令",
        }
    }
}

#[derive(Debug)]
pub enum Error {
    /// A file that could not be read.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A file that could not be written (or that huashu refused to write: see [`WriteRefusal`]).
    Write {
        path: String,
        source: std::io::Error,
    },
    Located(Box<LocatedError>),
    Pack {
        path: String,
        errors: Vec<LocatedError>,
    },
    Config {
        path: String,
        errors: Vec<LocatedError>,
    },
    /// A file that cannot be checked, for a reason that has no place inside it (not a workbook, a
    /// binary file, not a regular file).
    File {
        path: String,
        message: String,
        help: Option<String>,
        /// What a library said, for `--verbose`.
        cause: Option<Cause>,
    },
    Usage {
        message: String,
        help: Option<String>,
        /// What a library said, for `--verbose`.
        cause: Option<Cause>,
    },
}

impl Error {
    pub fn usage(message: impl Into<String>, help: Option<String>) -> Self {
        Error::Usage {
            message: message.into(),
            help,
            cause: None,
        }
    }

    /// A usage error that keeps a library's own wording of the problem for `--verbose`.
    pub fn usage_with_cause(
        message: impl Into<String>,
        help: Option<String>,
        cause: impl fmt::Display,
    ) -> Self {
        Error::Usage {
            message: message.into(),
            help,
            cause: Some(Cause(cause.to_string())),
        }
    }
}

impl Error {
    /// A file that cannot be checked, and why, in Chinese.
    pub fn file(path: impl Into<String>, message: impl Into<String>, help: Option<String>) -> Self {
        Error::File {
            path: path.into(),
            message: message.into(),
            help,
            cause: None,
        }
    }

    /// [`Error::file`], keeping a library's own wording of the problem for `--verbose`.
    pub fn file_with_cause(
        path: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
        cause: impl fmt::Display,
    ) -> Self {
        Error::File {
            path: path.into(),
            message: message.into(),
            help,
            cause: Some(Cause(cause.to_string())),
        }
    }

    /// The file the error is about, when it is about one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Io { path, .. }
            | Error::Write { path, .. }
            | Error::File { path, .. }
            | Error::Pack { path, .. }
            | Error::Config { path, .. } => Some(path),
            Error::Located(e) => Some(e.path()),
            Error::Usage { .. } => None,
        }
    }

    /// Where in the file, when the error has a place: the start of the first located mistake.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Located(e) => Some(e.position()),
            Error::Pack { errors, .. } | Error::Config { errors, .. } => {
                errors.first().map(LocatedError::position)
            }
            _ => None,
        }
    }

    /// The error in one line, without the file name (reports name the file in a field of its own).
    pub fn message(&self) -> String {
        match self {
            Error::Io { path, source } => io_problem(path, source, false).0,
            Error::Write { path, source } => {
                format!("无法写入：{}", io_problem(path, source, true).0)
            }
            Error::File { message, .. } => message.clone(),
            Error::Located(e) => e.message.clone(),
            other => other.to_string(),
        }
    }
}

/// An I/O error met while reading `path`, in Chinese, by its kind.
pub fn describe_io(path: &str, e: &std::io::Error) -> String {
    io_problem(path, e, false).0
}

/// An I/O error met while writing `path`, in Chinese, by its kind.
pub fn describe_write(path: &str, e: &std::io::Error) -> String {
    io_problem(path, e, true).0
}

impl From<LocatedError> for Error {
    fn from(e: LocatedError) -> Self {
        Error::Located(Box::new(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => {
                write!(f, "无法读取 {path}：{}", io_problem(path, source, false).0)
            }
            Error::Write { path, source } => {
                write!(f, "无法写入 {path}：{}", io_problem(path, source, true).0)
            }
            Error::Located(e) => fmt::Display::fmt(e, f),
            Error::Pack { path, errors } => write!(f, "规则包 {path} 有 {} 处错误", errors.len()),
            Error::Config { path, errors } => {
                write!(f, "配置文件 {path} 有 {} 处错误", errors.len())
            }
            Error::File { path, message, .. } => write!(f, "{path}：{message}"),
            Error::Usage { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            // A refusal is described in full already; the system failing to write is the cause.
            Error::Write { source, .. } if refusal(source).is_some() => None,
            Error::Write { source, .. } => Some(source),
            Error::Located(e) => e.source(),
            Error::Usage { cause, .. } | Error::File { cause, .. } => {
                cause.as_ref().map(|c| c as _)
            }
            Error::Pack { .. } | Error::Config { .. } => None,
        }
    }
}

impl Diagnostic for Error {
    fn severity(&self) -> Option<Severity> {
        match self {
            Error::Located(e) => e.severity(),
            _ => None,
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self {
            Error::Io { path, source } => Some(Box::new(io_problem(path, source, false).1)),
            Error::Write { path, source } => Some(Box::new(io_problem(path, source, true).1)),
            Error::Located(e) => e.help(),
            Error::Usage { help, .. } | Error::File { help, .. } => {
                help.as_ref().map(|h| Box::new(h) as _)
            }
            Error::Pack { .. } | Error::Config { .. } => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match self {
            Error::Located(e) => e.source_code(),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        match self {
            Error::Located(e) => e.labels(),
            _ => None,
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        match self {
            Error::Pack { errors, .. } | Error::Config { errors, .. } => {
                Some(Box::new(errors.iter().map(|e| e as &dyn Diagnostic)))
            }
            _ => None,
        }
    }
}

fn refusal(e: &std::io::Error) -> Option<&WriteRefusal> {
    e.get_ref()?.downcast_ref::<WriteRefusal>()
}

/// What went wrong reading or writing, and what to do, in Chinese, by the kind of error.
fn io_problem(path: &str, e: &std::io::Error, writing: bool) -> (String, String) {
    if let Some(r) = refusal(e) {
        return (r.to_string(), r.help().to_string());
    }
    let verbose_hint = "加 --verbose 可以看到系统给出的原因";
    let mut kind = e.kind();
    // Windows reports opening a directory as a file as "access denied".
    if kind == ErrorKind::PermissionDenied && std::path::Path::new(path).is_dir() {
        kind = ErrorKind::IsADirectory;
    }
    let (what, help): (&str, String) = match (kind, writing) {
        (ErrorKind::NotFound, false) => (
            "找不到这个文件或目录",
            "检查路径是否写对；相对路径从当前所在的目录算起".into(),
        ),
        (ErrorKind::NotFound, true) => (
            "它所在的目录不存在",
            "先创建这个目录，或检查路径是否写对".into(),
        ),
        (ErrorKind::PermissionDenied, false) => (
            "没有读取它的权限",
            "请确认当前用户可以读取这个文件，或它没有被别的程序独占打开".into(),
        ),
        (ErrorKind::PermissionDenied, true) => (
            "没有写入它的权限",
            "检查文件和它所在的目录是不是只读，或文件是否正被别的程序（如 Excel、WPS）打开".into(),
        ),
        (ErrorKind::IsADirectory, _) => {
            ("这是一个目录，这里需要的是文件", "请写出文件的路径".into())
        }
        (ErrorKind::NotADirectory, _) => ("路径中间的某一段不是目录", "检查路径是否写对".into()),
        (ErrorKind::InvalidData, false) => (
            "它不是 UTF-8 编码的文本",
            "请用记事本等编辑器把它另存为 UTF-8 编码".into(),
        ),
        (ErrorKind::StorageFull, _) => ("磁盘空间不足", "清理出空间后再运行".into()),
        (ErrorKind::QuotaExceeded, _) => ("超出了磁盘配额", "清理出空间后再运行".into()),
        (ErrorKind::ReadOnlyFilesystem, _) => {
            ("它所在的磁盘或目录是只读的", "换一个可以写入的位置".into())
        }
        (ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy, _) => {
            ("文件正被别的程序占用", "关闭占用它的程序后再运行".into())
        }
        (ErrorKind::InvalidFilename, _) => ("文件名不合法", "检查文件名里有没有特殊字符".into()),
        (ErrorKind::FileTooLarge, _) => ("文件太大", verbose_hint.into()),
        (ErrorKind::AlreadyExists, true) => ("文件已经存在", "确认可以覆盖后再运行".into()),
        (ErrorKind::TimedOut, _) => (
            "操作超时（文件可能在网络盘上）",
            "稍后再试，或把文件复制到本地磁盘".into(),
        ),
        (_, false) => ("读取时出错", verbose_hint.into()),
        (_, true) => ("写入时出错", verbose_hint.into()),
    };
    (what.to_string(), help)
}

/// What kind of mistake a located error is, where callers treat some kinds differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Other,
    /// A table whose header has no phrase column: a walked file like that is skipped, not an error.
    NoPhraseColumn,
}

/// A mistake at a place in a file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct LocatedError {
    pub kind: Kind,
    pub message: String,
    #[source_code]
    pub src: Arc<SourceFile>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// What the parser said, for `--verbose` (boxed: errors travel in `Result`s and stay small).
    #[source]
    pub cause: Option<Box<Cause>>,
}

impl LocatedError {
    pub fn new(
        src: &Arc<SourceFile>,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        let len = src.text.len();
        let start = span.start.min(len);
        let end = span.end.clamp(start, len);
        LocatedError {
            kind: Kind::Other,
            message: message.into(),
            src: src.clone(),
            span: (start, end - start).into(),
            label: label.into(),
            help: None,
            cause: None,
        }
    }

    pub fn with_kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_cause(mut self, cause: impl fmt::Display) -> Self {
        self.cause = Some(Box::new(Cause(cause.to_string())));
        self
    }

    pub fn path(&self) -> &str {
        &self.src.name
    }

    pub fn position(&self) -> Position {
        self.src.position(self.span.offset())
    }
}

/// The byte range of a serde-saphyr location in its source.
pub fn location_range(src: &SourceFile, loc: &serde_saphyr::Location) -> std::ops::Range<usize> {
    let span = loc.span();
    if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = start as usize;
        return start..start + len as usize;
    }
    // Fall back to line and (character) column.
    let line = loc.line().max(1) as usize;
    let line_start = src
        .text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>();
    let start = src.text[line_start.min(src.text.len())..]
        .char_indices()
        .nth(loc.column().saturating_sub(1) as usize)
        .map(|(i, _)| line_start + i)
        .unwrap_or(src.text.len());
    start..start
}

/// A problem described for a shop owner: the message, the label under the text, and what to do.
struct Described {
    message: String,
    label: String,
    help: Option<String>,
}

fn described(
    message: impl Into<String>,
    label: impl Into<String>,
    help: Option<&str>,
) -> Described {
    Described {
        message: message.into(),
        label: label.into(),
        help: help.map(str::to_string),
    }
}

const YAML_HELP: &str =
    "检查这一行和上一行的缩进（只能用空格）、冒号和引号；加 --verbose 可以看到解析器给出的原始信息";

/// Turns a serde-saphyr error into a located error in Chinese, pointing where the parser stopped.
/// `what` names the kind of file (规则包, 配置文件, 话术库). The parser's own text is kept as the cause.
pub fn from_yaml_error(
    src: &Arc<SourceFile>,
    err: &serde_saphyr::Error,
    what: &str,
) -> LocatedError {
    let d = describe_yaml(innermost(err));
    let range = match err.location() {
        Some(loc) => location_range(src, &loc),
        None => 0..0,
    };
    let raw = err.to_string();
    // Say where the right way to write it is shown, unless the label already suggests the fix.
    let suggested = d.label.contains('？');
    let mut e = LocatedError::new(
        src,
        range,
        format!("{what}格式错误：{}", d.message),
        d.label,
    )
    .with_cause(raw.lines().next().unwrap_or(&raw).trim());
    e.help = d
        .help
        .or_else(|| (!suggested).then(|| how_to_write(what).to_string()));
    e
}

/// Where the right way to write a kind of file is shown.
fn how_to_write(what: &str) -> &'static str {
    match what {
        "配置文件" => "每项设置的写法见 huashu init 生成的 huashu.yaml 里的注释",
        "规则包" => "规则包的写法见 huashu 的 docs/rule-packs.md",
        _ => {
            "话术库的写法：顶层是 shop 和 groups；每个分组写 name、phrases（可选 scene），见 huashu 的 README"
        }
    }
}

/// The error inside snippet and alias wrappers.
fn innermost(err: &serde_saphyr::Error) -> &serde_saphyr::Error {
    use serde_saphyr::Error as E;
    match err {
        E::WithSnippet { error, .. } | E::AliasError { error, .. } => innermost(error),
        other => other,
    }
}

fn describe_yaml(err: &serde_saphyr::Error) -> Described {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach;
    const ALIAS: &str = "文件里用锚点和别名（& 和 *）反复引用，展开后太大，为了安全停止读取";
    const ALIAS_HELP: Option<&str> = Some("不要用 & 和 * 层层引用大段内容，把内容直接写出来");
    match err {
        E::SerdeUnknownField {
            field, expected, ..
        } => {
            let (message, label) = unknown_field(field, expected);
            Described {
                message,
                label,
                help: None,
            }
        }
        E::SerdeMissingField { field, .. } => described(
            format!("缺少必填字段 {field}"),
            format!("这里缺少 {field}"),
            None,
        ),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => described(
            format!(
                "这里应该是{}，写的却是{}",
                expected_zh(expected),
                unexpected_zh(unexpected)
            ),
            "类型不对",
            None,
        ),
        E::SerdeInvalidLength { len, .. } => {
            described(format!("这里的项数（{len}）不对"), "项数不对", None)
        }
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => described(
            format!("不认识的取值 {variant}（可用：{}）", expected.join("、")),
            "不认识的取值",
            None,
        ),
        E::Unexpected { expected, .. } => {
            let what = match *expected {
                "sequence start" => "列表（每项一行、以 - 开头，或写成 [甲, 乙]）",
                "mapping start" | "empty mapping start" => "“名称: 内容”形式的一组设置",
                "string scalar" | "scalar" | "str expected" | "missing string" => "一段文字",
                "bool expected" | "missing bool" => "true 或 false",
                _ => "另一种内容",
            };
            described(format!("这里应该是{what}"), "类型不对", None)
        }
        E::InvalidScalar { ty, .. } => {
            let what = match *ty {
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "不小于 0 的整数",
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "整数",
                "f32" | "f64" => "数字",
                "bool" => "true 或 false",
                "char" => "一个字符",
                _ => "另一种写法",
            };
            described(format!("这里应该是{what}"), "写法不对", None)
        }
        E::NullIntoString { .. } => described("这里不能空着，应该写一段文字", "空的", None),
        E::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().unwrap_or("这个名称");
            described(
                format!("{key} 写了两次：同一层里每个名称只能出现一次"),
                format!("重复的 {key}"),
                Some("删掉重复的一项，或把两项合并"),
            )
        }
        E::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => described(
                "嵌套的层数太多，为了安全停止读取",
                "从这里开始",
                Some("话术库只需要 groups → 分组 → phrases 三层"),
            ),
            BudgetBreach::Events { .. } => described(
                "文件内容太多（或锚点和别名展开后太多），为了安全停止读取",
                "从这里开始",
                Some("把文件拆成几个小文件；不要用 & 和 * 层层引用大段内容"),
            ),
            _ => described(ALIAS, "从这里开始", ALIAS_HELP),
        },
        E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::RecursiveReferencesRequireWeakTypes { .. } => {
            described(ALIAS, "从这里开始", ALIAS_HELP)
        }
        E::UnknownAnchor { .. } => described(
            "引用了没有定义的锚点（* 后面的名称）",
            "没有定义",
            Some("在前面用 &名称 定义它，或去掉 *名称"),
        ),
        E::Eof { .. } => described(
            "文件在这里意外结束，内容不完整",
            "文件结束",
            Some("检查是否缺少右括号或引号，或文件只保存了一半"),
        ),
        E::MultipleDocuments { .. } => described(
            "文件里有多个 YAML 文档（用 --- 分隔），只能有一个",
            "另一个文档",
            Some("删掉多余的 --- 分隔线，或把它们拆成几个文件"),
        ),
        E::InvalidUtf8Input => described(
            "文件不是 UTF-8 编码的文本",
            "这里",
            Some("请另存为 UTF-8 编码"),
        ),
        E::IndentationError { .. } => described(
            "缩进不对",
            "缩进",
            Some("同一层的内容要对齐，只能用空格缩进"),
        ),
        E::FoldedBlockScalarMustIndentContent { .. } => described(
            "“>” 或 “|” 后面的多行文字要比上一行多缩进",
            "缩进",
            Some("把下面的文字行往右缩进两个空格"),
        ),
        E::ExternalMessage { msg, .. } => parser_message(msg),
        E::Message { msg, .. } if msg.chars().any(is_cjk) => described(msg.clone(), "这里", None),
        _ => described("这里的写法不符合要求", "这里", Some(YAML_HELP)),
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The YAML parser's messages (English, from granit-parser), in Chinese.
fn parser_message(msg: &str) -> Described {
    let m = msg.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if has(&["tab"]) {
        return described(
            "这里用了 Tab 键缩进，YAML 只能用空格缩进",
            "Tab",
            Some("把行首的 Tab 换成空格（一般每一层两个空格）"),
        );
    }
    if has(&["escape"]) {
        return described(
            "双引号里的转义写法不对（\\ 后面的字符）",
            "转义",
            Some("要写反斜杠本身请写成 \\\\，或改用单引号"),
        );
    }
    if has(&["quote", "unterminated", "end of stream", "unexpected eof"]) {
        return described(
            "引号没有闭合，或文件在这里意外结束",
            "没有闭合",
            Some("补上对应的引号"),
        );
    }
    if has(&["unclosed", "misplaced bracket"]) {
        return described(
            "方括号或花括号没有配对",
            "括号没有配对",
            Some("每个 [ 要有对应的 ]，每个 { 要有对应的 }"),
        );
    }
    if m.contains("','") && m.contains("']'") {
        return described(
            "这里应该是逗号或 ]",
            "缺少逗号或 ]",
            Some("列表的各项用逗号隔开，最后用 ] 结束"),
        );
    }
    if m.contains("','") && m.contains("'}'") {
        return described(
            "这里应该是逗号或 }",
            "缺少逗号或 }",
            Some("各项用逗号隔开，最后用 } 结束"),
        );
    }
    if has(&["'-' indicator"]) {
        return described(
            "这里缩进不对：它和上面的列表项没有对齐",
            "缩进",
            Some("列表的每一项以 - 开头并对齐；属于某一项的内容要比 - 多缩进"),
        );
    }
    if has(&["document start", "document end"]) {
        return described(
            "这里多出了不属于任何设置的内容",
            "多余的内容",
            Some("每一项都应写成“名称: 内容”，或是以 - 开头的列表项；检查缩进"),
        );
    }
    if has(&["expected key", "simple key"]) {
        return described(
            "这里缩进不对，或少了“名称:”",
            "缩进或冒号",
            Some("同一层的内容要对齐（只用空格），每项写成“名称: 内容”"),
        );
    }
    if has(&["mapping values are not allowed"]) {
        return described(
            "这里不能出现“冒号加空格”",
            "冒号",
            Some("含有冒号的文字请整体加上引号，或检查缩进"),
        );
    }
    if has(&["cannot start any token", "unexpected character"]) {
        return described(
            "这个字符不能出现在这里",
            "不能出现的字符",
            Some("以 @、`、% 等符号开头的文字请加上引号"),
        );
    }
    if has(&["anchor", "alias"]) {
        return described(
            "锚点或别名（& 或 *）的写法不对",
            "锚点",
            Some("不需要时去掉 & 和 *；需要时先用 &名称 定义，再用 *名称 引用"),
        );
    }
    if has(&["indent"]) {
        return described(
            "缩进不对",
            "缩进",
            Some("同一层的内容要对齐，只能用空格缩进"),
        );
    }
    if has(&["block sequence", "block mapping", "block collection"]) {
        return described(
            "这里缩进不对，列表和设置混在了一起",
            "缩进",
            Some("同一层的内容要对齐；列表项以 - 开头"),
        );
    }
    described("这里的写法不符合 YAML 格式", "这里", Some(YAML_HELP))
}

/// What a serde visitor expected, in Chinese.
fn expected_zh(expected: &str) -> String {
    let e = expected.trim();
    let s = if e.contains("sequence") || e.contains("list") {
        "列表（每项一行、以 - 开头，或写成 [甲, 乙]）"
    } else if e.starts_with("a phrase string") {
        "一条话术：一段文字，或带 text 的“名称: 内容”"
    } else if e.starts_with("struct ") || e.starts_with("a map") || e.contains("map") {
        "“名称: 内容”形式的一组设置"
    } else if e.contains("string") || e == "a borrowed str" {
        "一段文字"
    } else if e.contains("bool") {
        "true 或 false"
    } else if e.starts_with('u') && e[1..].chars().all(|c| c.is_ascii_digit() || c == 's') {
        "不小于 0 的整数"
    } else if e.contains("integer") || e.starts_with('i') {
        "整数"
    } else {
        "另一种内容"
    };
    s.to_string()
}

/// What serde found instead (its `Unexpected` wording), in Chinese.
fn unexpected_zh(unexpected: &str) -> String {
    let u = unexpected.trim();
    if let Some(rest) = u.strip_prefix("string ") {
        return format!("文字 {rest}");
    }
    for (prefix, zh) in [
        ("integer ", "数字 "),
        ("floating point ", "数字 "),
        ("boolean ", ""),
        ("unsigned integer ", "数字 "),
    ] {
        if let Some(rest) = u.strip_prefix(prefix) {
            return format!("{zh}{}", rest.trim_matches('`'));
        }
    }
    match u {
        "sequence" => "列表".to_string(),
        "map" => "“名称: 内容”形式的设置".to_string(),
        "unit value" | "null" | "Option value" => "空值".to_string(),
        _ => "别的内容".to_string(),
    }
}

fn unknown_field(field: &str, expected: &[&str]) -> (String, String) {
    let name = field.trim_matches('`');
    let closest = expected
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .min()
        .filter(|(d, _)| *d <= 2);
    let label = match closest {
        Some((_, c)) => format!("未知字段，是不是想写 {c}？"),
        None => "未知字段".to_string(),
    };
    let list = if expected.is_empty() {
        String::new()
    } else {
        format!("（可用字段：{}）", expected.join(", "))
    };
    (format!("未知字段 `{name}`{list}"), label)
}

/// serde's wording of a data error ("unknown field `x`, expected one of `a`, `b`", "missing field
/// `x`", "invalid type: …"), as serde_json reports it, in Chinese.
fn translate_serde_message(msg: &str) -> (String, String) {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected
            .trim_start_matches("one of ")
            .trim_start_matches("nothing");
        let list: Vec<&str> = expected
            .split(", ")
            .flat_map(|c| c.split(" or "))
            .map(|c| c.trim_matches('`'))
            .filter(|c| !c.is_empty())
            .collect();
        return unknown_field(field, &list);
    }
    if let Some(field) = msg.strip_prefix("missing field ") {
        let field = field.trim_matches('`');
        return (format!("缺少必填字段 {field}"), format!("这里缺少 {field}"));
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = msg.strip_prefix(prefix)
            && let Some((unexpected, expected)) = rest.split_once(", expected ")
        {
            return (
                format!(
                    "这里应该是{}，写的却是{}",
                    expected_zh(expected),
                    unexpected_zh(unexpected)
                ),
                "类型不对".to_string(),
            );
        }
    }
    ("内容不符合要求".to_string(), "这里".to_string())
}

/// Turns a serde_json error into a located error in Chinese at its line and column. `what` names the
/// kind of file (话术库, 基线文件). serde_json's own text is kept as the cause.
pub fn from_json_error(src: &Arc<SourceFile>, err: &serde_json::Error, what: &str) -> LocatedError {
    let raw = err.to_string();
    // serde_json appends " at line L column C"; the column counts bytes within the line.
    let msg = raw
        .rsplit_once(" at line ")
        .map(|(m, _)| m)
        .unwrap_or(&raw)
        .to_string();
    let mut at = json_offset(&src.text, err.line(), err.column());
    if msg.contains("trailing comma")
        && let Some(comma) = src.text[..at].rfind(',')
    {
        at = comma; // point at the comma itself, not at the bracket after it
    }
    let (message, label, help) = match err.classify() {
        serde_json::error::Category::Data => {
            let (m, l) = translate_serde_message(&msg);
            (m, l, None)
        }
        serde_json::error::Category::Eof => (
            "文件在这里意外结束：括号或引号没有闭合".to_string(),
            "文件结束".to_string(),
            Some("检查是否缺少 ]、} 或 \"，或文件只保存了一半"),
        ),
        _ => {
            let (m, l, h) = json_syntax(&msg);
            (m.to_string(), l.to_string(), Some(h))
        }
    };
    let mut e = LocatedError::new(
        src,
        at..at,
        format!("{what}不是有效的 JSON：{message}"),
        label,
    )
    .with_cause(&raw);
    e.help = help.map(str::to_string);
    e
}

fn json_syntax(msg: &str) -> (&'static str, &'static str, &'static str) {
    if msg.contains("trailing comma") {
        (
            "最后一项后面多了一个逗号",
            "多余的逗号",
            "JSON 不允许在 ] 或 } 前面写逗号，删掉它",
        )
    } else if msg.contains("expected `,` or `]`") {
        (
            "这里应该是逗号或 ]",
            "缺少逗号或 ]",
            "列表的各项用逗号隔开，最后用 ] 结束",
        )
    } else if msg.contains("expected `,` or `}`") {
        (
            "这里应该是逗号或 }",
            "缺少逗号或 }",
            "各项用逗号隔开，最后用 } 结束",
        )
    } else if msg.contains("expected `:`") {
        ("名称后面应该是冒号", "缺少冒号", "写成 \"名称\": 内容")
    } else if msg.contains("key must be a string") {
        ("名称必须用双引号括起来", "名称", "写成 \"名称\": 内容")
    } else if msg.contains("control character") {
        (
            "引号里有换行或制表符",
            "控制字符",
            "JSON 的文字里换行要写成 \\n，制表符写成 \\t",
        )
    } else if msg.contains("escape") {
        (
            "引号里的转义写法不对（\\ 后面的字符）",
            "转义",
            "要写反斜杠本身请写成 \\\\",
        )
    } else if msg.contains("expected value") {
        (
            "这里缺少内容，或多了符号",
            "这里",
            "[ ] 和 { } 要配对，各项用逗号隔开，文字要用英文双引号括起来",
        )
    } else if msg.contains("expected ident") {
        (
            "这里的写法不对",
            "这里",
            "true、false、null 要写完整；文字要用英文双引号括起来",
        )
    } else if msg.contains("trailing characters") {
        (
            "JSON 已经结束，后面还有多余的内容",
            "多余的内容",
            "删掉多余的内容",
        )
    } else if msg.contains("number") {
        ("数字的写法不对", "数字", "数字不要加引号以外的符号")
    } else if msg.contains("recursion limit") {
        (
            "嵌套的层数太多",
            "从这里开始",
            "话术库只需要 groups → 分组 → phrases 三层",
        )
    } else {
        (
            "这里的写法不符合 JSON 格式",
            "这里",
            "文字要用英文双引号括起来，各项用逗号隔开；加 --verbose 可以看到原始信息",
        )
    }
}

/// The byte offset of serde_json's (1-based line, 1-based byte column), on a character boundary.
fn json_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Levenshtein distance, for "did you mean" hints on short field names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_field() {
        let (_, label) = unknown_field("mesage", &["id", "message", "explain"]);
        assert_eq!(label, "未知字段，是不是想写 message？");
        assert_eq!(edit_distance("kind", "kind"), 0);
        let (_, label) =
            translate_serde_message("unknown field `findigns`, expected `version` or `findings`");
        assert_eq!(label, "未知字段，是不是想写 findings？");
    }

    #[test]
    fn io_errors_are_described_by_kind_without_the_system_text() {
        let e = Error::Io {
            path: "a.txt".into(),
            source: std::io::Error::from(ErrorKind::NotFound),
        };
        assert_eq!(e.to_string(), "无法读取 a.txt：找不到这个文件或目录");
        let e = Error::Write {
            path: "a.txt".into(),
            source: WriteRefusal::Changed.into_io(),
        };
        assert!(e.to_string().starts_with("无法写入 a.txt："), "{e}");
        assert!(std::error::Error::source(&e).is_none());
    }

    #[test]
    fn json_offsets_land_on_characters() {
        assert_eq!(json_offset("{\n  \"话\",]", 2, 5), 5);
        assert_eq!(json_offset("ab", 1, 99), 2);
    }
}
