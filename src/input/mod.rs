//! Readers, one per input format, and the walk from paths to files.

pub mod csv;
pub mod decode;
pub mod excel;
pub mod markdown;
pub mod suppression;
pub mod table;
pub mod txt;
pub mod yaml;

use crate::error::{Error, LocatedError};
use crate::text::encoding::TextEncoding;
use crate::text::phrase::Phrase;
use crate::text::source::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Txt,
    Yaml,
    Json,
    Csv,
    Tsv,
    Xlsx,
    Xls,
    Md,
}

impl Format {
    /// The names `--input-format` accepts.
    pub const NAMES: &[&str] = &["txt", "yaml", "json", "csv", "tsv", "xlsx", "xls", "md"];

    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yml" => Some(Format::Yaml),
            "xlsm" => Some(Format::Xlsx),
            "markdown" => Some(Format::Md),
            other => Format::from_name(other),
        }
    }

    /// A format by its `--input-format` name.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "txt" => Some(Format::Txt),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            "xlsx" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "md" | "markdown" => Some(Format::Md),
            _ => None,
        }
    }

    /// Workbooks are read from their bytes, not decoded as text.
    pub fn is_workbook(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls)
    }
}

/// How inputs are read: overrides from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// `--input-format`: the format of files named explicitly and of stdin.
    pub format: Option<Format>,
    /// `--encoding`: the encoding of every text file, instead of detecting it.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// A phrase file, read and split into phrases.
#[derive(Debug)]
pub struct Document {
    pub source: Arc<SourceFile>,
    pub format: Format,
    pub phrases: Vec<Phrase>,
}

impl Document {
    /// How the file was decoded; `None` for a workbook (its source text is synthetic and cannot be
    /// written back).
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.source.encoding
    }
}

/// Splits a decoded text file into phrases.
pub fn parse(source: Arc<SourceFile>, format: Format) -> Result<Document, LocatedError> {
    let phrases = match format {
        // Excel's "Unicode text" export of a phrase table is a tab-separated .txt.
        Format::Txt if csv::is_tsv_table(&source.text) => csv::parse(&source, '\t')?,
        Format::Txt => txt::parse(&source.text),
        Format::Yaml => yaml::parse(&source)?,
        Format::Json => yaml::parse_json(&source)?,
        Format::Csv => csv::parse(&source, csv::sniff_delimiter(&source.text))?,
        Format::Tsv => csv::parse(&source, '\t')?,
        Format::Md => markdown::parse(&source),
        Format::Xlsx | Format::Xls => {
            return Err(LocatedError::new(
                &source,
                0..0,
                "Excel 工作簿要从原始字节读取",
                "这里",
            ));
        }
    };
    Ok(Document {
        source,
        format,
        phrases,
    })
}

/// Reads a file's bytes into a document: workbooks through calamine, text files decoded (detected,
/// or as `--encoding` says) and parsed. `None` for a binary file met while walking a directory
/// (`explicit` is false): it is skipped and counted, not an error.
pub fn read_bytes(
    name: String,
    bytes: Vec<u8>,
    format: Format,
    options: &ReadOptions,
    explicit: bool,
) -> Result<Option<Document>, Error> {
    let mut format = format;
    if format.is_workbook() {
        if excel::is_workbook(&bytes) || decode::looks_binary(&bytes) {
            let (source, phrases) = excel::parse(&name, &bytes)?;
            return Ok(Some(Document {
                source: Arc::new(source),
                format,
                phrases,
            }));
        }
        // Seller tools and ERPs save tab- or comma-separated text as `.xls`; read it as what it is.
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
        if head
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
        {
            return Err(Error::usage(
                format!("{name}：这是网页（HTML）格式的表格，不是真正的 Excel 文件"),
                Some("请在 Excel 中打开后另存为 .xlsx 或 CSV 再检查".to_string()),
            ));
        }
        format = Format::Csv;
    }
    if options.encoding.is_none() && decode::looks_binary(&bytes) {
        if !explicit {
            return Ok(None);
        }
        return Err(Error::usage(
            format!("{name}：看起来是二进制文件，不是文本"),
            Some(
                "如果它是没有 BOM 的 UTF-16 文本，请用 --encoding utf-16le 指定编码；如果是 Excel 工作簿，请用 --input-format xlsx"
                    .to_string(),
            ),
        ));
    }
    let (text, enc) = decode::decode(&name, bytes, options.encoding)?;
    let source = Arc::new(SourceFile::new(name, text).with_encoding(enc));
    Ok(Some(parse(source, format)?))
}

/// Decodes a file's bytes: UTF-8, with or without a BOM (the BOM is not part of the text), UTF-16
/// with a BOM, or GBK and other legacy encodings detected from the bytes.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
    decode::decode(name, bytes, None).map(|(text, _)| text)
}

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

/// The inputs a run checks, and how many files met while walking were not phrase files.
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    /// Files of unknown formats found in directories (binary ones are counted when read).
    pub skipped: usize,
}

/// Expands the paths given on the command line into inputs. Directories are walked recursively for
/// files of known formats, skipping hidden folders, `.gitignore`d paths and rule packs; a file named
/// explicitly must have a known format.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, Error> {
    collect_with(paths, &ReadOptions::default()).map(|c| c.inputs)
}

/// [`collect`], with `--input-format` applying to files named explicitly, and a count of the files
/// of unknown formats skipped while walking.
pub fn collect_with(paths: &[PathBuf], options: &ReadOptions) -> Result<Collected, Error> {
    let mut out = Collected::default();
    for path in paths {
        if path.as_os_str() == "-" {
            out.inputs.push(Input::Stdin);
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
                // `~$name.xlsx` is the lock file Excel leaves beside a workbook it has open.
                let lock = entry.file_name().to_string_lossy().starts_with("~$");
                let Some(format) = Format::from_path(p).filter(|_| !lock) else {
                    out.skipped += 1;
                    continue;
                };
                if format == Format::Yaml
                    && std::fs::read_to_string(p).is_ok_and(|t| yaml::is_rule_pack(&t))
                {
                    continue;
                }
                out.inputs.push(Input::File {
                    path: p.to_path_buf(),
                    format,
                    explicit: false,
                });
            }
        } else {
            let Some(format) = options.format.or_else(|| Format::from_path(path)) else {
                return Err(Error::usage(
                    format!("不认识的文件格式：{}", path.display()),
                    Some(format!(
                        "用 --input-format 指定它的格式（{}）；能自动识别的扩展名有 .txt .yaml .yml .json .csv .tsv .xlsx .xls .md",
                        Format::NAMES.join("、")
                    )),
                ));
            };
            out.inputs.push(Input::File {
                path: path.clone(),
                format,
                explicit: true,
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

/// Reads one input into a document. Errors name the file (and the line and column where there is one).
/// `None` for a binary file met while walking a directory: skipped, and counted in the summary.
pub fn read(
    input: &Input,
    options: &ReadOptions,
    stdin: &mut dyn FnMut() -> std::io::Result<Vec<u8>>,
) -> Result<Option<Document>, Error> {
    let (name, bytes, format, explicit) = match input {
        Input::Stdin => {
            let bytes = stdin().map_err(|source| Error::Io {
                path: "<stdin>".into(),
                source,
            })?;
            let format = options.format.unwrap_or(Format::Txt);
            ("<stdin>".to_string(), bytes, format, true)
        }
        Input::File {
            path,
            format,
            explicit,
        } => {
            let name = display_path(path);
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: name.clone(),
                source,
            })?;
            (name, bytes, *format, *explicit)
        }
    };
    read_bytes(name, bytes, format, options, explicit)
}
