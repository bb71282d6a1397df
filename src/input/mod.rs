//! Readers, one per input format ([`txt`], [`csv`], [`excel`], [`markdown`], [`yaml`]), the decoding of
//! text files ([`decode`]), suppression comments ([`suppression`]) and the walk from paths to files
//! ([`walk`]).

pub mod csv;
pub mod decode;
pub mod excel;
pub mod guard;
pub mod markdown;
pub mod suppression;
pub mod table;
pub mod txt;
pub mod walk;
pub mod yaml;

use crate::error::{Error, LocatedError};
use crate::text::encoding::{TextEncoding, UTF_16BE};
use crate::text::phrase::{Allow, Draft, Group, Phrase, Phrases};
use crate::text::source::SourceFile;
use std::path::Path;
use std::sync::Arc;

pub use walk::{Input, SkipReason, Skipped, Walked, walk};

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

    /// The extensions recognised when walking, as shown to users.
    pub const EXTENSIONS: &[&str] = &[
        ".txt",
        ".yaml",
        ".yml",
        ".json",
        ".csv",
        ".tsv",
        ".xlsx",
        ".xlsm",
        ".xls",
        ".md",
        ".markdown",
    ];

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
            "xlsx" | "xlsm" => Some(Format::Xlsx),
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
    phrases: Phrases,
    /// Suppression comments that stand before no phrase (they silence nothing).
    pub orphans: Vec<Allow>,
    /// Parts of the file that could not be read as they should (damaged bytes, a quote that does not
    /// close): the reader read around them, the rest is checked, and each is an error of the run
    /// (exit code 2). `--fix` never rewrites such a file.
    pub problems: Vec<LocatedError>,
}

impl Document {
    pub fn new(source: Arc<SourceFile>, format: Format, phrases: Phrases) -> Document {
        let mut phrases = phrases;
        phrases.sort_by_start();
        let mut doc = Document {
            source,
            format,
            phrases,
            orphans: Vec::new(),
            problems: Vec::new(),
        };
        if let Some(style) = suppression::CommentStyle::of(format) {
            doc.orphans = suppression::attach_comments(&doc.source.text, &mut doc.phrases, style);
        }
        doc
    }

    /// How the file was decoded; `None` for a workbook (its source text is synthetic and cannot be
    /// written back).
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.source.encoding
    }

    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Phrase `i`, in file order.
    pub fn phrase(&self, i: usize) -> Phrase<'_> {
        self.phrases.get(&self.source.text, i)
    }

    /// Every phrase, in file order.
    pub fn phrases(&self) -> impl ExactSizeIterator<Item = Phrase<'_>> + '_ {
        (0..self.phrases.len()).map(|i| self.phrase(i))
    }

    pub fn groups(&self) -> &[Group] {
        self.phrases.groups()
    }

    /// Phrases per group (in the order of [`Document::groups`]), and phrases without a group.
    pub fn group_counts(&self) -> (Vec<usize>, usize) {
        self.phrases.group_counts()
    }

    /// The shop the file names (a YAML/JSON phrasebook's `shop:`, a Markdown file's front matter),
    /// whose library its phrases belong to; `None`: the run's library.
    pub fn shop(&self) -> Option<&Arc<str>> {
        self.phrases.shop()
    }

    /// Every suppression, on a phrase or standing before none, to rewrite the rule names they use.
    pub fn allows_mut(&mut self) -> impl Iterator<Item = &mut Allow> {
        self.phrases.allows_mut().chain(self.orphans.iter_mut())
    }

    /// The groups, to map them to other scenes (a config's `scenes` keywords).
    pub fn groups_mut(&mut self) -> &mut [Group] {
        self.phrases.groups_mut()
    }
}

/// Splits a decoded text file into phrases.
pub fn parse(source: Arc<SourceFile>, format: Format) -> Result<Document, LocatedError> {
    let mut phrases = Phrases::default();
    let mut problems = Vec::new();
    match format {
        // Excel's "Unicode text" export of a phrase table is a tab-separated .txt.
        Format::Txt if csv::is_tsv_table(&source.text) => {
            csv::parse(&source, '\t', &mut phrases, &mut problems)?
        }
        Format::Txt => txt::parse(&source, &mut phrases),
        Format::Yaml => yaml::parse(&source, &mut phrases)?,
        Format::Json => yaml::parse_json(&source, &mut phrases)?,
        Format::Csv => {
            let delimiter = csv::sniff_delimiter(&source.text);
            csv::parse(&source, delimiter, &mut phrases, &mut problems)?
        }
        Format::Tsv => csv::parse(&source, '\t', &mut phrases, &mut problems)?,
        Format::Md => markdown::parse(&source, &mut phrases),
        Format::Xlsx | Format::Xls => {
            return Err(LocatedError::new(
                &source,
                0..0,
                "Excel 工作簿要从原始字节读取",
                "这里",
            ));
        }
    }
    let mut doc = Document::new(source, format, phrases);
    doc.problems = problems;
    Ok(doc)
}

/// What reading an input gave.
#[derive(Debug)]
pub enum Loaded {
    Document(Document),
    /// A file met while walking that is not a phrase library (see [`SkipReason`]).
    Skipped(SkipReason),
}

impl Loaded {
    /// The document, unless the file was skipped.
    pub fn document(self) -> Option<Document> {
        match self {
            Loaded::Document(d) => Some(d),
            Loaded::Skipped(_) => None,
        }
    }
}

/// Reads a file's bytes into a document: workbooks through calamine, text files decoded (detected,
/// or as `--encoding` says) and parsed. A file met while walking (`explicit` is false) that turns out
/// not to be a phrase library is skipped; named on the command line, the same file is an error that
/// says why.
pub fn read_bytes(
    name: String,
    bytes: Vec<u8>,
    format: Format,
    options: &ReadOptions,
    explicit: bool,
) -> Result<Loaded, Error> {
    let mut format = format;
    if format.is_workbook() {
        if excel::is_workbook(&bytes) || decode::looks_binary(&bytes) {
            return match excel::parse(&name, &bytes) {
                Ok((source, phrases)) => Ok(Loaded::Document(Document::new(
                    Arc::new(source),
                    format,
                    phrases,
                ))),
                Err(excel::Failure::NoPhraseColumn(_)) if !explicit => {
                    Ok(Loaded::Skipped(SkipReason::NoPhraseColumn))
                }
                Err(excel::Failure::NoPhraseColumn(e) | excel::Failure::Other(e)) => Err(e),
            };
        }
        // Seller tools and ERPs save tab- or comma-separated text as `.xls`; read it as what it is.
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
        if head
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
        {
            return Err(Error::file(
                name,
                "这是网页（HTML）格式的表格，不是真正的 Excel 文件",
                Some("请在 Excel 中打开后另存为 .xlsx 或 CSV 再检查".to_string()),
            ));
        }
        format = Format::Csv;
    }
    if options.encoding.is_none()
        && decode::utf32_bom(&bytes).is_none()
        && decode::looks_binary(&bytes)
    {
        if let Some(utf16) = decode::looks_utf16(&bytes) {
            // A phrase file all the same, walked or named: say how to read it rather than skip it.
            let label = if utf16 == UTF_16BE {
                "utf-16be"
            } else {
                "utf-16le"
            };
            return Err(Error::file(
                name,
                format!("看起来是没有 BOM 的 {} 文本，无法自动识别", utf16.name()),
                Some(format!(
                    "加上 --encoding {label} 再检查；或在记事本中另存为 UTF-8（带 BOM 的 UTF-16 能自动识别）"
                )),
            ));
        }
        if !explicit {
            return Ok(Loaded::Skipped(SkipReason::Binary));
        }
        return Err(Error::file(
            name,
            "看起来是二进制文件，不是文本",
            Some(
                "如果它是没有 BOM 的 UTF-16 文本，请用 --encoding utf-16le 指定编码；如果是 Excel 工作簿，请用 --input-format xlsx"
                    .to_string(),
            ),
        ));
    }
    let decode::Decoded {
        text,
        encoding: enc,
        damage,
    } = decode::decode(&name, bytes, options.encoding)?;
    match skip_by_content(&text, format) {
        Some(reason) if !explicit => return Ok(Loaded::Skipped(reason)),
        // Named on the command line: say why it is not checked. (Markdown with code blocks is
        // still read when named: its code blocks are left out anyway.)
        Some(reason @ (SkipReason::Tooling | SkipReason::NotPhrasebook)) => {
            let help = match reason {
                SkipReason::Tooling => {
                    "规则包用 huashu test-rules 检查；配置和基线不用检查".to_string()
                }
                _ => "话术库的 YAML/JSON 要有 groups：每组写 name 和 phrases，见 docs/formats.md"
                    .to_string(),
            };
            return Err(Error::file(
                name,
                format!("不是话术库（{}），没有检查", reason.label()),
                Some(help),
            ));
        }
        _ => {}
    }
    let source = Arc::new(SourceFile::new(name, text).with_encoding(enc));
    match parse(source, format) {
        Ok(mut doc) => {
            if let Some(damage) = damage {
                let e = damage.error(&doc.source, enc.name());
                doc.problems.insert(0, e);
            }
            Ok(Loaded::Document(doc))
        }
        Err(e) if !explicit && e.kind == crate::error::Kind::NoPhraseColumn => {
            Ok(Loaded::Skipped(SkipReason::NoPhraseColumn))
        }
        Err(e) => Err(e.into()),
    }
}

/// Why a decoded text file met while walking is not a phrase library, when its text says so before
/// parsing: a rule pack, a YAML/JSON file without `groups` (a baseline, a package manifest), Markdown
/// documentation (it holds code).
fn skip_by_content(text: &str, format: Format) -> Option<SkipReason> {
    match format {
        Format::Yaml | Format::Json if yaml::is_rule_pack(text) => Some(SkipReason::Tooling),
        Format::Json if text.contains("\"findings\"") && !text.contains("\"groups\"") => {
            // `--write-baseline` output: {"version": 1, "findings": [...]}.
            Some(SkipReason::Tooling)
        }
        Format::Yaml | Format::Json if !text.trim().is_empty() && !text.contains("groups") => {
            Some(SkipReason::NotPhrasebook)
        }
        Format::Md if walk::is_documentation(text) => Some(SkipReason::Document),
        _ => None,
    }
}

/// Decodes a file's bytes: UTF-8, with or without a BOM (the BOM is not part of the text), UTF-16
/// with a BOM, or GBK and other legacy encodings detected from the bytes.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
    decode::decode(name, bytes, None).map(|d| d.text)
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

/// A `/`-separated path percent-encoded for a `file:` URI: everything but RFC 3986 unreserved
/// characters and `/` (SARIF artifact locations, LSP document URIs).
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads one input. Errors name the file (and the line and column where there is one).
pub fn read(
    input: &Input,
    options: &ReadOptions,
    stdin: &mut dyn FnMut() -> std::io::Result<Vec<u8>>,
) -> Result<Loaded, Error> {
    let (name, bytes, format, explicit) = match input {
        Input::Stdin => {
            let bytes = stdin().map_err(stdin_error)?;
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

/// Standard input could not be read. A closed standard input (the binary reports it as
/// `NotConnected`) is never taken for an empty file: that would be a clean result for nothing.
pub fn stdin_error(source: std::io::Error) -> Error {
    if source.kind() == std::io::ErrorKind::NotConnected {
        return Error::file(
            "<stdin>",
            "标准输入已关闭，没有可读的内容",
            Some("用 - 时要把话术传给 huashu，如 huashu check - < 话术.txt，或 cat 话术.txt | huashu check -".to_string()),
        );
    }
    Error::Io {
        path: "<stdin>".into(),
        source,
    }
}

/// Drafts a reader collected, stored against the text they point into.
pub(crate) fn store(text: &str, drafts: impl IntoIterator<Item = Draft>) -> Phrases {
    let mut phrases = Phrases::default();
    for d in drafts {
        phrases.push(text, d);
    }
    phrases
}
