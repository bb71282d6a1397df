//! Errors that stop a run (exit code 2): I/O, usage, and mistakes in packs, configs and phrase files.
//! A mistake in a file always carries the file, the line, the column, and a label under the text.

use crate::text::source::{Position, SourceFile};
use miette::{Diagnostic, SourceSpan};
use std::sync::Arc;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    #[error("无法读取 {path}：{source}")]
    #[diagnostic(code(huashu::io))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Located(Box<LocatedError>),
    #[error("规则包 {path} 有 {} 处错误", errors.len())]
    #[diagnostic(code(huashu::pack))]
    Pack {
        path: String,
        #[related]
        errors: Vec<LocatedError>,
    },
    #[error("配置文件 {path} 有 {} 处错误", errors.len())]
    #[diagnostic(code(huashu::config))]
    Config {
        path: String,
        #[related]
        errors: Vec<LocatedError>,
    },
    /// A file that cannot be checked, for a reason that has no place inside it (not a workbook, a
    /// binary file, not a regular file).
    #[error("{path}：{message}")]
    #[diagnostic(code(huashu::file))]
    File {
        path: String,
        message: String,
        #[help]
        help: Option<String>,
    },
    #[error("{message}")]
    #[diagnostic(code(huashu::usage))]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },
}

impl Error {
    pub fn usage(message: impl Into<String>, help: Option<String>) -> Self {
        Error::Usage {
            message: message.into(),
            help,
        }
    }

    pub fn file(path: impl Into<String>, message: impl Into<String>, help: Option<String>) -> Self {
        Error::File {
            path: path.into(),
            message: message.into(),
            help,
        }
    }

    /// The file the error is about, when it is about one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Io { path, .. }
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
            Error::Io { source, .. } => describe_io(source),
            Error::File { message, .. } => message.clone(),
            Error::Located(e) => e.message.clone(),
            other => other.to_string(),
        }
    }
}

/// An I/O error in Chinese, by its kind (the OS's own words are English and add nothing).
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件或目录不存在".to_string(),
        K::PermissionDenied => "没有权限".to_string(),
        K::IsADirectory => "这是一个目录，不是文件".to_string(),
        K::NotADirectory => "路径中有一段不是目录".to_string(),
        K::InvalidData => "内容不是有效的文本".to_string(),
        K::UnexpectedEof => "文件意外结束".to_string(),
        K::StorageFull => "磁盘空间不足".to_string(),
        K::ReadOnlyFilesystem => "文件系统是只读的".to_string(),
        K::BrokenPipe => "输出管道已关闭".to_string(),
        K::TimedOut => "操作超时".to_string(),
        K::Interrupted => "操作被中断".to_string(),
        K::AlreadyExists => "文件已存在".to_string(),
        K::FileTooLarge => "文件太大".to_string(),
        K::InvalidFilename => "文件名无效".to_string(),
        _ => format!("系统错误（{e}）"),
    }
}

impl From<LocatedError> for Error {
    fn from(e: LocatedError) -> Self {
        Error::Located(Box::new(e))
    }
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

/// Turns a serde-saphyr error into a located error in Chinese, pointing where the parser stopped.
pub fn from_yaml_error(
    src: &Arc<SourceFile>,
    err: &serde_saphyr::Error,
    what: &str,
) -> LocatedError {
    let raw = err.to_string();
    // serde-saphyr prefixes "line L column C: " and appends a snippet; keep the first line's message.
    let first = raw.lines().next().unwrap_or(&raw);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let msg = first
        .split_once(": ")
        .filter(|(prefix, _)| prefix.starts_with("line "))
        .map(|(_, m)| m)
        .unwrap_or(first)
        .to_string();
    let (message, label) = translate_yaml_message(&msg);
    let range = match err.location() {
        Some(loc) => location_range(src, &loc),
        None => 0..0,
    };
    LocatedError::new(src, range, format!("{what}格式错误：{message}"), label)
}

fn translate_yaml_message(msg: &str) -> (String, String) {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected
            .trim_start_matches("one of ")
            .trim_start_matches("nothing");
        let name = field.trim_matches('`');
        let closest = expected
            .split(", ")
            .map(|c| c.trim_matches('`'))
            .filter(|c| !c.is_empty())
            .map(|c| (edit_distance(name, c), c))
            .min()
            .filter(|(d, _)| *d <= 2);
        let label = match closest {
            Some((_, c)) => format!("未知字段，是不是想写 {c}？"),
            None => "未知字段".to_string(),
        };
        let help = if expected.is_empty() {
            String::new()
        } else {
            format!("（可用字段：{expected}）")
        };
        return (format!("未知字段 {field}{help}"), label);
    }
    if let Some(field) = msg.strip_prefix("missing field ") {
        return (format!("缺少必填字段 {field}"), format!("这里缺少 {field}"));
    }
    if msg.starts_with("invalid type") {
        return (format!("类型不对：{msg}"), "类型不对".to_string());
    }
    (msg.to_string(), "这里".to_string())
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
        let (_, label) =
            translate_yaml_message("unknown field `mesage`, expected one of id, message, explain");
        assert_eq!(label, "未知字段，是不是想写 message？");
        assert_eq!(edit_distance("kind", "kind"), 0);
    }
}
