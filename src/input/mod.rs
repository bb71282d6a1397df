//! Readers, one per input format, and the walk from paths to files.

pub mod csv;
pub mod txt;
pub mod yaml;

use crate::error::{Error, LocatedError};
use crate::phrase::Phrase;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Txt,
    Yaml,
    Json,
    Csv,
    Tsv,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(Format::Txt),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            _ => None,
        }
    }
}

/// A phrase file, read and split into phrases.
#[derive(Debug)]
pub struct Document {
    pub source: Arc<SourceFile>,
    pub format: Format,
    pub phrases: Vec<Phrase>,
}

/// Splits a decoded file into phrases.
pub fn parse(source: Arc<SourceFile>, format: Format) -> Result<Document, LocatedError> {
    let phrases = match format {
        Format::Txt => txt::parse(&source.text),
        Format::Yaml | Format::Json => yaml::parse(&source)?,
        Format::Csv => csv::parse(&source, ',')?,
        Format::Tsv => csv::parse(&source, '\t')?,
    };
    Ok(Document {
        source,
        format,
        phrases,
    })
}

/// Decodes a file's bytes: UTF-8, with or without a BOM (the BOM is not part of the text).
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::usage(
            format!("{name}：第 {at} 字节处不是有效的 UTF-8 文本"),
            Some("请把文件另存为 UTF-8 编码".to_string()),
        )
    })
}

/// An input to check: a file found on disk, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File { path: PathBuf, format: Format },
    Stdin,
}

/// Expands the paths given on the command line into inputs. Directories are walked recursively for
/// files of known formats, skipping hidden folders, `.gitignore`d paths and rule packs; a file named
/// explicitly must have a known format.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            let walker = ignore::WalkBuilder::new(path)
                .hidden(true)
                .git_ignore(true)
                .require_git(false)
                .sort_by_file_name(|a, b| a.cmp(b))
                .build();
            for entry in walker {
                let entry = entry.map_err(|e| {
                    Error::usage(format!("遍历 {} 时出错：{e}", path.display()), None)
                })?;
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let p = entry.path();
                let Some(format) = Format::from_path(p) else {
                    continue;
                };
                if format == Format::Yaml
                    && std::fs::read_to_string(p).is_ok_and(|t| yaml::is_rule_pack(&t))
                {
                    continue;
                }
                out.push(Input::File {
                    path: p.to_path_buf(),
                    format,
                });
            }
        } else {
            let Some(format) = Format::from_path(path) else {
                return Err(Error::usage(
                    format!("不认识的文件格式：{}", path.display()),
                    Some("支持的格式：.txt .yaml .yml .json .csv .tsv".to_string()),
                ));
            };
            out.push(Input::File {
                path: path.clone(),
                format,
            });
        }
    }
    Ok(out)
}

/// Displays a path the way users typed it, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let s = path.display().to_string();
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s
    }
}
