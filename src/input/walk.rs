//! From the paths on the command line to the files a run checks.
//!
//! A file named on the command line is always checked (and is an error when it cannot be). A file met
//! while walking a directory is checked only when it looks like a phrase library: files of unknown
//! formats, the tool's own files (configs, rule packs, baselines), documentation (README, CHANGELOG,
//! LICENSE and the like) and Excel's lock files are skipped, and counted by reason in the summary.
//! Whether a table has a phrase column, or a YAML/JSON file has `groups`, is only known once it is
//! read; the reader skips those the same way.

use super::{Format, ReadOptions, display_path};
use crate::error::Error;
use std::path::{Path, PathBuf};

/// An input to check: a file found on disk, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File {
        path: PathBuf,
        format: Format,
        /// Named on the command line (rather than found while walking a directory).
        explicit: bool,
    },
    Stdin,
}

/// Why a file met while walking was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// An extension huashu does not read.
    UnknownFormat,
    /// A binary file with a phrase-file extension.
    Binary,
    /// `~$name.xlsx`, the lock file Excel keeps beside an open workbook.
    ExcelLock,
    /// huashu's own files: a config, a rule pack, a baseline.
    Tooling,
    /// README, CHANGELOG, LICENSE and other documents about a project, and Markdown with code.
    Document,
    /// A CSV/TSV file or workbook with no phrase column.
    NoPhraseColumn,
    /// A YAML/JSON file without `groups`.
    NotPhrasebook,
    /// A symbolic link to a directory (not followed, so a walk cannot loop).
    LinkedDirectory,
    /// A FIFO, socket or device: reading it could block forever.
    NotRegular,
}

impl SkipReason {
    /// What the summary says, in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::UnknownFormat => "格式不是话术文件",
            SkipReason::Binary => "二进制文件",
            SkipReason::ExcelLock => "Excel 临时文件",
            SkipReason::Tooling => "huashu 的配置、规则包或基线",
            SkipReason::Document => "说明文档",
            SkipReason::NoPhraseColumn => "表格里没有话术列",
            SkipReason::NotPhrasebook => "YAML/JSON 里没有 groups",
            SkipReason::LinkedDirectory => "指向目录的符号链接（不跟随）",
            SkipReason::NotRegular => "管道、设备等不是普通文件",
        }
    }

    /// The stable name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::UnknownFormat => "unknown-format",
            SkipReason::Binary => "binary",
            SkipReason::ExcelLock => "excel-lock",
            SkipReason::Tooling => "tooling",
            SkipReason::Document => "document",
            SkipReason::NoPhraseColumn => "no-phrase-column",
            SkipReason::NotPhrasebook => "not-phrasebook",
            SkipReason::LinkedDirectory => "linked-directory",
            SkipReason::NotRegular => "not-regular-file",
        }
    }
}

/// A file met while walking and not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// What the paths of a run expand to: the inputs to check in order, the files skipped, and the paths
/// that could not be walked (each an error; the other paths are still checked).
#[derive(Debug, Default)]
pub struct Walked {
    pub inputs: Vec<Input>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<Error>,
}

/// File names of huashu's own files.
const TOOLING: &[&str] = &["huashu.yaml", ".huashu.yaml", "huashu-baseline.json"];

/// Stems of documents about a project rather than phrase libraries (compared case-insensitively).
const DOCUMENTS: &[&str] = &[
    "readme",
    "changelog",
    "license",
    "licence",
    "copying",
    "notice",
    "authors",
    "contributors",
    "contributing",
    "code_of_conduct",
    "maintainers",
    "codeowners",
];

/// Whether a file name (not a path) names a project document: `README.md`, `LICENSE-MIT`,
/// `CHANGELOG.txt`, `readme.zh-CN.md` …
fn is_document_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .split(['.', '-', '_'])
        .next()
        .unwrap_or(&lower)
        .to_string();
    DOCUMENTS.iter().any(|d| {
        *d == stem || lower.starts_with(&format!("{d}.")) || lower.starts_with(&format!("{d}-"))
    })
}

/// Whether Markdown text reads as documentation rather than a phrase library: it holds a fenced
/// code block, or inline code (three spans or more). Quick replies never carry code.
pub fn is_documentation(text: &str) -> bool {
    crate::text::source::lines(text).any(|l| {
        let t = l.trim_start();
        t.starts_with("```") || t.starts_with("~~~")
    }) || text.matches('`').count() >= 6
}

/// Why a file met while walking is skipped by its name and format alone, if it is.
fn skip_by_name(name: &str, format: Option<Format>) -> Option<SkipReason> {
    if name.starts_with("~$") {
        return Some(SkipReason::ExcelLock);
    }
    if TOOLING.contains(&name) {
        return Some(SkipReason::Tooling);
    }
    let format = format?;
    if matches!(format, Format::Txt | Format::Md) && is_document_name(name) {
        return Some(SkipReason::Document);
    }
    None
}

/// Expands the paths given on the command line into inputs. Directories are walked recursively for
/// phrase files, skipping hidden folders, `.gitignore`d paths and the files [`SkipReason`] lists;
/// `--input-format` applies to files named explicitly. A path that does not exist or cannot be walked
/// is an error of its own; the other paths are still expanded.
pub fn walk(paths: &[PathBuf], options: &ReadOptions) -> Walked {
    let mut out = Walked::default();
    for path in paths {
        if path.as_os_str() == "-" {
            out.inputs.push(Input::Stdin);
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(source) => {
                out.errors.push(Error::Io {
                    path: display_path(path),
                    source,
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk_dir(path, &mut out);
            continue;
        }
        if !meta.is_file() {
            // A FIFO or device would block or never end; a phrase library is a regular file.
            out.errors.push(Error::file(
                display_path(path),
                "不是普通文件（可能是管道、设备或套接字），没有检查",
                Some("请指定话术文件本身；要从管道读取请用 - 表示标准输入".to_string()),
            ));
            continue;
        }
        match options.format.or_else(|| Format::from_path(path)) {
            Some(format) => out.inputs.push(Input::File {
                path: path.clone(),
                format,
                explicit: true,
            }),
            None => out.errors.push(Error::file(
                display_path(path),
                "不认识的文件格式",
                Some(format!(
                    "用 --input-format 指定它的格式（{}）；能自动识别的扩展名有 {}",
                    Format::NAMES.join("、"),
                    Format::EXTENSIONS.join(" ")
                )),
            )),
        }
    }
    out
}

fn walk_dir(root: &Path, out: &mut Walked) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(Error::file(
                    display_path(root),
                    format!("遍历目录时出错：{}", describe_walk_error(&e)),
                    None,
                ));
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let p = entry.path();
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            // Not followed while walking (a link could loop); a link to a file is checked as the file.
            match std::fs::metadata(p) {
                Ok(m) if m.is_dir() => {
                    out.skipped.push(Skipped {
                        path: display_path(p),
                        reason: SkipReason::LinkedDirectory,
                    });
                    continue;
                }
                Ok(m) if m.is_file() => {}
                Ok(_) => {
                    out.skipped.push(Skipped {
                        path: display_path(p),
                        reason: SkipReason::NotRegular,
                    });
                    continue;
                }
                Err(source) => {
                    out.errors.push(Error::Io {
                        path: display_path(p),
                        source,
                    });
                    continue;
                }
            }
        } else if !file_type.is_file() {
            // A FIFO or device would block or never end: counted, never opened.
            out.skipped.push(Skipped {
                path: display_path(p),
                reason: SkipReason::NotRegular,
            });
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let format = Format::from_path(p);
        if let Some(reason) = skip_by_name(&name, format) {
            out.skipped.push(Skipped {
                path: display_path(p),
                reason,
            });
            continue;
        }
        let Some(format) = format else {
            out.skipped.push(Skipped {
                path: display_path(p),
                reason: SkipReason::UnknownFormat,
            });
            continue;
        };
        out.inputs.push(Input::File {
            path: p.to_path_buf(),
            format,
            explicit: false,
        });
    }
}

/// A walk error without the `ignore` crate's English wording where the cause is an I/O error.
fn describe_walk_error(e: &ignore::Error) -> String {
    match e.io_error() {
        Some(io) => crate::error::describe_io("", io),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_documents_are_known_by_name() {
        for name in [
            "README.md",
            "readme.zh-CN.md",
            "CHANGELOG.md",
            "LICENSE-MIT",
            "LICENSE.txt",
            "CONTRIBUTING.md",
            "code_of_conduct.md",
        ] {
            assert!(is_document_name(name), "{name}");
        }
        // Words a shop could name its phrase files with are not document names.
        for name in ["话术.md", "快捷短语.txt", "support.txt", "notices_reply.md"] {
            assert!(!is_document_name(name), "{name}");
        }
    }

    #[test]
    fn tooling_and_locks_are_skipped_by_name() {
        assert_eq!(
            skip_by_name("huashu.yaml", Some(Format::Yaml)),
            Some(SkipReason::Tooling)
        );
        assert_eq!(
            skip_by_name("~$快捷短语.xlsx", Some(Format::Xlsx)),
            Some(SkipReason::ExcelLock)
        );
        assert_eq!(skip_by_name("话术.md", Some(Format::Md)), None);
    }

    #[test]
    fn code_marks_documentation() {
        assert!(is_documentation("# 用法\n\n```sh\nhuashu check\n```\n"));
        assert!(is_documentation(
            "用 `--fix` 修复，`--diff` 预览，`--format json` 给程序读。\n"
        ));
        assert!(!is_documentation(
            "# 欢迎语\n\n- 亲，您好\n- 用`符号`标出\n"
        ));
    }
}
