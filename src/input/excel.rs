//! `.xlsx` / `.xls` workbooks (calamine, pure Rust). Every sheet with a recognisable header row (the
//! same column names as CSV, within its first rows) holds phrases; other sheets are left alone.
//!
//! A workbook has no text to point into, so its phrase cells are laid end to end, one per line, in a
//! synthetic source text, and the source records which cell each stretch came from. Positions in it
//! are line = the cell's row, column = the character offset within the cell (line breaks in a cell
//! count as one character); every finding also names its sheet and cell (`默认表单!B12`).

use super::guard;
use super::table::{self, Mapped};
use crate::error::Error;
use crate::text::phrase::{Draft, Offsets, Phrases};
use crate::text::source::{CellSpan, SourceFile};
use calamine::{Data, DataRef, Reader, Sheets, Xls, Xlsx};
use std::io::Cursor;
use std::sync::Arc;

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether bytes are an Excel workbook: a zip (.xlsx) or a compound file (.xls).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0")
}

/// A calamine error explained for a shop owner: what is wrong with the workbook, and what to do.
/// calamine's own text ("Zip error: … EOCD", "Cfb error: …") is kept for `--verbose`.
fn workbook_error(name: &str, e: calamine::Error) -> Error {
    use calamine::{XlsError, XlsxError};
    const RESAVE: &str = "在 Excel 或 WPS 中打开它，另存为 .xlsx 后再检查";
    let (what, help): (&str, String) = match &e {
        calamine::Error::Xlsx(XlsxError::Zip(_)) => (
            "文件不完整或已损坏（不是一个完整的 .xlsx 文件）",
            format!("如果文件是下载或从聊天工具收到的，请重新下载；或者{RESAVE}"),
        ),
        calamine::Error::Xlsx(XlsxError::FileNotFound(_) | XlsxError::RelationshipNotFound) => (
            "这不是 Excel 工作簿（可能是 Word 文档或其他压缩包改了扩展名）",
            format!("请找到真正的表格文件；或者{RESAVE}"),
        ),
        calamine::Error::Xlsx(XlsxError::Password) | calamine::Error::Xls(XlsError::Password) => (
            "工作簿设置了打开密码，无法读取",
            "在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后另存，再检查".to_string(),
        ),
        calamine::Error::Xls(XlsError::Cfb(_)) => (
            "文件已损坏，或不是真正的 .xls 工作簿",
            format!("{RESAVE}；如果它其实是文字表格，用 --input-format csv 按 CSV 读取"),
        ),
        calamine::Error::Io(_)
        | calamine::Error::Xlsx(XlsxError::Io(_))
        | calamine::Error::Xls(XlsError::Io(_)) => (
            "读取工作簿时出错",
            "确认文件没有被别的程序占用，再运行一次；加 --verbose 可以看到系统给出的原因"
                .to_string(),
        ),
        _ => ("工作簿里的数据已损坏，或是不支持的格式", RESAVE.to_string()),
    };
    Error::file_with_cause(
        name,
        format!("无法读取 Excel 工作簿：{what}"),
        Some(help),
        e,
    )
}

fn open<'a>(name: &str, bytes: &'a [u8]) -> Result<Sheets<Cursor<&'a [u8]>>, Error> {
    // Decide by content, not extension: seller tools write .xls files that are really .xlsx.
    if bytes.starts_with(b"PK\x03\x04") {
        calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes))
            .map(Sheets::Xlsx)
            .map_err(|e| workbook_error(name, e.into()))
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        calamine::open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes))
            .map(Sheets::Xls)
            .map_err(|e| workbook_error(name, e.into()))
    } else {
        Err(Error::file(
            name,
            "无法读取 Excel 工作簿：它不是 Excel 文件（.xlsx 或 .xls）",
            Some(
                "可能是扩展名为 .xls 的网页或文字表格：在 Excel 中另存为 .xlsx，或用 --input-format csv 按 CSV 读取"
                    .to_string(),
            ),
        ))
    }
}

/// Why a workbook gave no phrases.
#[derive(Debug)]
pub enum Failure {
    /// No sheet has a header with a phrase column: a walked workbook like that is skipped.
    NoPhraseColumn(Error),
    Other(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Other(e)
    }
}

/// A cell with text, at its 0-based row and column.
struct Cell {
    row: u32,
    column: u32,
    text: String,
}

/// The cells of a sheet that hold text, in row order. An `.xlsx` sheet is read cell by cell (a note
/// in `XFD1048576` costs one cell, not the grid up to it); an `.xls` sheet comes as calamine's dense
/// range, which [`guard::check_xls`] has bounded.
fn sheet_cells(
    book: &mut Sheets<Cursor<&[u8]>>,
    name: &str,
    sheet: &str,
) -> Result<Vec<Cell>, Error> {
    // calamine's errors explained as for the whole workbook, naming the sheet.
    let failed = |e: calamine::Error| match workbook_error(name, e) {
        Error::File {
            path,
            message,
            help,
            cause,
        } => Error::File {
            path,
            message: message.replace("Excel 工作簿", &format!("工作表“{sheet}”")),
            help,
            cause,
        },
        other => other,
    };
    let mut cells = Vec::new();
    let mut keep = |row: u32, column: u32, text: String| {
        if !text.trim().is_empty() {
            cells.push(Cell { row, column, text });
        }
    };
    match book {
        Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx
                .worksheet_cells_reader(sheet)
                .map_err(|e| failed(e.into()))?;
            while let Some(cell) = reader.next_cell().map_err(|e| failed(e.into()))? {
                let (row, column) = cell.get_position();
                let text = match cell.get_value() {
                    DataRef::Empty => continue,
                    DataRef::SharedString(s) => s.to_string(),
                    DataRef::String(s) => s.clone(),
                    other => Data::from(other.clone()).to_string(),
                };
                keep(row, column, text);
            }
        }
        other => {
            let range = other.worksheet_range(sheet).map_err(failed)?;
            let Some((row0, col0)) = range.start() else {
                return Ok(cells);
            };
            for (r, c, d) in range.used_cells() {
                keep(row0 + r as u32, col0 + c as u32, cell_text(d));
            }
        }
    }
    // Writers other than Excel may list cells out of order.
    if !cells.is_sorted_by_key(|c| (c.row, c.column)) {
        cells.sort_by_key(|c| (c.row, c.column));
    }
    Ok(cells)
}

/// The rows of a sheet's cells: each row's cells, in order.
fn rows(cells: &[Cell]) -> impl Iterator<Item = &[Cell]> {
    cells.chunk_by(|a, b| a.row == b.row)
}

/// A row's cell in a column.
fn at(row: &[Cell], column: usize) -> Option<&Cell> {
    row.binary_search_by_key(&column, |c| c.column as usize)
        .ok()
        .map(|i| &row[i])
}

/// Reads a workbook. calamine is a large parser of hostile formats: beyond what [`guard`] refuses
/// up front, a panic inside it (fuzzing found an index out of range in its `.xls` string table
/// and an overflowing cell reference in `.xlsx`) is contained here and reported as a damaged file,
/// so one bad workbook never ends a run over a whole folder.
pub fn parse(name: &str, bytes: &[u8]) -> Result<(SourceFile, Phrases), Failure> {
    match contained(|| parse_workbook(name, bytes)) {
        Some(result) => result,
        None => Err(Error::file(
            name,
            "无法读取 Excel 工作簿：工作簿里的数据已损坏",
            Some("在 Excel 或 WPS 中打开它，另存为 .xlsx 后再检查".to_string()),
        )
        .into()),
    }
}

thread_local! {
    /// Set while this thread runs code whose panics [`contained`] turns into errors.
    static CONTAINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, returning `None` if it panicked. The panic is not printed (the caller reports it as
/// an error); panics elsewhere go to the hook that was installed before, as they did.
fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(|c| c.get()) {
                previous(info);
            }
        }));
    });
    let was = CONTAINED.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(was));
    result.ok()
}

fn parse_workbook(name: &str, bytes: &[u8]) -> Result<(SourceFile, Phrases), Failure> {
    let refused = if bytes.starts_with(b"PK\x03\x04") {
        guard::check_xlsx(bytes)
    } else {
        guard::check_xls(bytes)
    };
    if let Err(refusal) = refused {
        let (message, help) = refusal.describe();
        return Err(Error::file(name, message, Some(help)).into());
    }
    let mut book = open(name, bytes)?;
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut phrases = Vec::new();
    let mut with_header = 0;
    let mut first_seen: Option<(String, usize, Vec<String>)> = None;
    for sheet_name in book.sheet_names() {
        let cells = sheet_cells(&mut book, name, &sheet_name)?;
        let Some(first_row) = cells.first().map(|c| c.row) else {
            continue; // an empty sheet
        };
        let sheet: Arc<str> = Arc::from(sheet_name.as_str());
        // The header is within the first rows from the first one with text (title rows above it).
        let header = rows(&cells)
            .take_while(|r| (r[0].row - first_row) < table::HEADER_ROWS as u32)
            .find_map(|r| {
                let width = r.last().map_or(0, |c| c.column as usize + 1);
                let mut names = vec![""; width];
                for c in r {
                    names[c.column as usize] = &c.text;
                }
                table::columns(&names).map(|cols| (r[0].row, cols))
            });
        let Some((header_row, cols)) = header else {
            if first_seen.is_none() {
                let first = rows(&cells).next().unwrap_or_default();
                let names = first.iter().map(|c| c.text.clone()).collect();
                first_seen = Some((sheet_name.clone(), first_row as usize + 1, names));
            }
            continue;
        };
        with_header += 1;
        for row in rows(&cells).filter(|r| r[0].row > header_row) {
            for &column in &cols.text {
                let Some(cell) = at(row, column) else {
                    continue;
                };
                let value = &cell.text;
                let start = text.len();
                text.push_str(value);
                let end = text.len();
                text.push('\n');
                spans.push(CellSpan {
                    start,
                    end,
                    sheet: sheet.clone(),
                    row: cell.row + 1,
                    column: cell.column,
                });
                let Some((t, offsets)) = Mapped::new(value, &Offsets::Contiguous(start))
                    .unescape()
                    .trimmed()
                else {
                    continue;
                };
                let mut phrase = Draft::new(t, offsets);
                let other = |c: Option<usize>| c.and_then(|c| at(row, c)).map(|c| c.text.as_str());
                phrase.code = other(cols.code)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
                let (group, scene) = table::group(other(cols.group));
                phrase.group = Some(group);
                phrase.scene = scene;
                phrases.push(phrase);
            }
        }
    }
    if with_header == 0
        && let Some((sheet, row, names)) = first_seen
    {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let (_, help) = table::missing_text_column(&refs);
        let seen: Vec<&str> = refs
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        return Err(Failure::NoPhraseColumn(Error::file(
            name,
            format!(
                "没有哪个工作表的表头里有话术列（工作表 {sheet} 第 {row} 行是：{}）",
                seen.join("、")
            ),
            Some(help),
        )));
    }
    let phrases = crate::input::store(&text, phrases);
    Ok((SourceFile::with_cells(name, text, spans), phrases))
}
