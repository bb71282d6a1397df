//! `.csv` / `.tsv` with a header row, as seller tools (千牛) and Excel export them.
//!
//! A small RFC 4180 reader of our own rather than the csv crate: findings need the exact source
//! position of every character of a field, including inside quoted fields with line breaks.

use super::table::{self, Mapped};
use crate::error::{Kind, LocatedError};
use crate::text::phrase::{Draft, Offsets, Phrases};
use crate::text::source::{SourceFile, lines};
use std::ops::Range;
use std::sync::Arc;

/// One field: its value and where each character came from.
struct Field {
    value: String,
    raw: Range<usize>,
    offsets: Offsets,
}

/// Splits the text into records of fields, one record at a time, so a large file's fields are not
/// all held at once.
struct Records<'a> {
    text: &'a str,
    delimiter: char,
    i: usize,
    /// Where quotes opened that did not close properly (see [`Records::quoted`]): each such field was
    /// read as unquoted text instead, so the rows after it are still checked.
    unbalanced: Vec<usize>,
}

fn records(text: &str, delimiter: char) -> Records<'_> {
    Records {
        text,
        delimiter,
        i: 0,
        unbalanced: Vec::new(),
    }
}

impl Iterator for Records<'_> {
    type Item = Vec<Field>;

    fn next(&mut self) -> Option<Vec<Field>> {
        while self.i < self.text.len() {
            let record = self.record();
            let blank = record.len() == 1 && record[0].value.trim().is_empty();
            if !blank {
                return Some(record);
            }
        }
        None
    }
}

impl Records<'_> {
    fn at_field_end(&self, i: usize) -> bool {
        let bytes = self.text.as_bytes();
        i >= bytes.len()
            || bytes[i] == b'\n'
            || bytes[i] == b'\r'
            || self.text[i..].starts_with(self.delimiter)
    }

    /// An unquoted field from byte `start`: up to the delimiter or the line end.
    fn plain(&self, start: usize) -> (Field, usize) {
        let text = self.text;
        let mut i = start;
        while !self.at_field_end(i) {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        let field = Field {
            value: text[start..i].to_string(),
            raw: start..i,
            offsets: Offsets::Contiguous(start),
        };
        (field, i)
    }

    /// A quoted field opening at byte `start`, and where it ends; `None` when the quote does not close
    /// properly: it runs to the end of the file, or it spans lines and its closing quote is followed
    /// by more text (`"亲，您好` … a later row's `"再见",`). Spreadsheet tools let such a quote
    /// swallow the rows after it; here the field is read as unquoted text and the quote reported.
    fn quoted(&self, start: usize) -> Option<(Field, usize)> {
        let text = self.text;
        let mut value = String::new();
        let mut map = Vec::new();
        let mut escaped = false;
        let mut closed = false;
        let mut i = start + 1;
        while let Some(c) = text[i..].chars().next() {
            if c == '"' {
                if text[i + 1..].starts_with('"') {
                    value.push('"');
                    map.push(i..i + 1);
                    escaped = true;
                    i += 2;
                    continue;
                }
                i += 1;
                closed = true;
                break;
            }
            value.push(c);
            map.push(i..i + c.len_utf8());
            i += c.len_utf8();
        }
        if !closed {
            return None;
        }
        let multiline = value.contains(['\n', '\r']);
        // Anything between the closing quote and the delimiter is kept, as spreadsheet tools do.
        while !self.at_field_end(i) {
            if multiline {
                return None;
            }
            let c = text[i..].chars().next().unwrap();
            value.push(c);
            map.push(i..i + c.len_utf8());
            escaped = true;
            i += c.len_utf8();
        }
        let offsets = if escaped {
            Offsets::Mapped(map)
        } else {
            Offsets::Contiguous(start + 1)
        };
        let field = Field {
            value,
            raw: start..i,
            offsets,
        };
        Some((field, i))
    }

    fn record(&mut self) -> Vec<Field> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut record = Vec::new();
        let mut i = self.i;
        let n = bytes.len();
        loop {
            // Start of a field at byte i.
            let start = i;
            let (field, end) = if i < n && bytes[i] == b'"' {
                match self.quoted(start) {
                    Some(quoted) => quoted,
                    None => {
                        self.unbalanced.push(start);
                        self.plain(start)
                    }
                }
            } else {
                self.plain(start)
            };
            i = end;
            record.push(field);
            if i < n && text[i..].starts_with(self.delimiter) {
                i += self.delimiter.len_utf8();
                continue;
            }
            // End of record: LF, CRLF or a lone CR.
            if i < n && bytes[i] == b'\r' {
                i += 1;
            }
            if i < n && bytes[i] == b'\n' {
                i += 1;
            }
            self.i = i;
            return record;
        }
    }
}

/// The delimiter of a `.csv` file: a comma, unless the header has tabs and no commas (some seller
/// tools write tab-separated files named `.csv`).
pub fn sniff_delimiter(text: &str) -> char {
    let header = lines(text).find(|l| !l.trim().is_empty()).unwrap_or("");
    if header.contains('\t') && !header.contains(',') && !header.contains('，') {
        '\t'
    } else {
        ','
    }
}

/// Whether a text's first line is a tab-separated header with a phrase column, as Excel's
/// "Unicode text" export of a phrase table is (saved as `.txt`).
pub fn is_tsv_table(text: &str) -> bool {
    let header = lines(text).find(|l| !l.trim().is_empty()).unwrap_or("");
    header.contains('\t') && table::columns(&header.split('\t').collect::<Vec<_>>()).is_some()
}

/// Reads a table's phrases into `out`. A quote that does not close is reported in `problems` (the
/// field is read as plain text and the rows after it are checked).
pub fn parse(
    src: &Arc<SourceFile>,
    delimiter: char,
    out: &mut Phrases,
    problems: &mut Vec<LocatedError>,
) -> Result<(), LocatedError> {
    let mut rows = records(&src.text, delimiter);
    let result = read_rows(src, &mut rows, out);
    for at in rows.unbalanced {
        problems.push(unbalanced_quote(src, at));
    }
    result
}

fn unbalanced_quote(src: &Arc<SourceFile>, at: usize) -> LocatedError {
    let line = src.position(at).line;
    LocatedError::new(
        src,
        at..at + 1,
        format!("第 {line} 行的引号没有配对：这一格按原文读取（引号也算在内），后面的行照常检查"),
        "引号从这里开始",
    )
    .with_help(
        "引号要成对：整格用引号括起来时结尾也要有引号，格子里的引号要写成两个（\"\"）；在 Excel 里打开另存一次也能改正"
            .to_string(),
    )
}

fn read_rows(
    src: &Arc<SourceFile>,
    rows: &mut Records,
    out: &mut Phrases,
) -> Result<(), LocatedError> {
    let Some(first) = rows.next() else {
        return Ok(());
    };
    // The header may sit under a title row or two, as in a workbook saved as CSV.
    let names = |r: &[Field]| -> Vec<String> { r.iter().map(|f| f.value.clone()).collect() };
    let find =
        |r: &[Field]| table::columns(&names(r).iter().map(String::as_str).collect::<Vec<_>>());
    let mut cols = find(&first);
    for _ in 1..table::HEADER_ROWS {
        if cols.is_some() {
            break;
        }
        match rows.next() {
            Some(r) => cols = find(&r),
            None => break,
        }
    }
    let Some(cols) = cols else {
        let seen = names(&first);
        let (message, help) =
            table::missing_text_column(&seen.iter().map(String::as_str).collect::<Vec<_>>());
        let end = first.last().map(|f| f.raw.end).unwrap_or(0);
        let start = first.first().map(|f| f.raw.start).unwrap_or(0);
        return Err(LocatedError::new(src, start..end, message, "表头")
            .with_help(help)
            .with_kind(Kind::NoPhraseColumn));
    };
    for row in rows {
        for &column in &cols.text {
            if let Some(field) = row.get(column) {
                push_field(src, &cols, &row, field, out);
            }
        }
    }
    Ok(())
}

/// One phrase cell of a row, with the row's code and group.
fn push_field(
    src: &Arc<SourceFile>,
    cols: &table::Columns,
    row: &[Field],
    field: &Field,
    out: &mut Phrases,
) {
    let (text, offsets) = if field.value.contains("&#") {
        match Mapped::new(&field.value, &field.offsets)
            .unescape()
            .trimmed()
        {
            Some(t) => t,
            None => return,
        }
    } else {
        let trimmed = field.value.trim();
        if trimmed.is_empty() {
            return;
        }
        let lead = field.value.len() - field.value.trim_start().len();
        let lead_chars = field.value[..lead].chars().count();
        let offsets = match &field.offsets {
            Offsets::Contiguous(s) => Offsets::Contiguous(s + lead),
            Offsets::Mapped(m) => {
                Offsets::Mapped(m[lead_chars..lead_chars + trimmed.chars().count()].to_vec())
            }
        };
        (trimmed.to_string(), offsets)
    };
    let mut phrase = Draft::new(text, offsets);
    phrase.code = cols
        .code
        .and_then(|c| row.get(c))
        .map(|f| unescape(f.value.trim()))
        .filter(|s| !s.is_empty());
    let (group, scene) = table::group(
        cols.group
            .and_then(|c| row.get(c))
            .map(|f| unescape(&f.value))
            .as_deref(),
    );
    phrase.group = Some(group);
    phrase.scene = scene;
    out.push(&src.text, phrase);
}

fn unescape(s: &str) -> String {
    if s.contains("&#") {
        Mapped::new(s, &Offsets::Contiguous(0)).unescape().text
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::scene::Scene;

    fn src(t: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("t.csv", t.to_string()))
    }

    fn read(s: &Arc<SourceFile>, delimiter: char) -> Result<Phrases, LocatedError> {
        let (p, problems) = read_all(s, delimiter)?;
        assert!(problems.is_empty(), "{problems:?}");
        Ok(p)
    }

    fn read_all(
        s: &Arc<SourceFile>,
        delimiter: char,
    ) -> Result<(Phrases, Vec<LocatedError>), LocatedError> {
        let mut p = Phrases::default();
        let mut problems = Vec::new();
        parse(s, delimiter, &mut p, &mut problems)?;
        Ok((p, problems))
    }

    fn texts<'a>(s: &'a Arc<SourceFile>, p: &'a Phrases) -> Vec<&'a str> {
        (0..p.len()).map(|i| p.get(&s.text, i).text).collect()
    }

    #[test]
    fn an_unclosed_quote_is_reported_and_the_rows_after_it_are_read() {
        let s = src("快捷短语,分组\n您好,欢迎\n\"不知道,售后\n亲，在的,欢迎\n");
        let (p, problems) = read_all(&s, ',').unwrap();
        assert_eq!(texts(&s, &p), ["您好", "\"不知道", "亲，在的"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].position().line, 3);
        assert_eq!(p.get(&s.text, 2).scene, Scene::Greeting);
    }

    #[test]
    fn a_quote_closed_rows_later_and_followed_by_text_is_unbalanced() {
        let s = src("快捷短语,分组\n\"亲，您好,欢迎\n不知道,售后\n\"再见\",结束\n");
        let (p, problems) = read_all(&s, ',').unwrap();
        assert_eq!(texts(&s, &p), ["\"亲，您好", "不知道", "再见"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].position(),
            s.position(s.text.find('"').unwrap())
        );
        // A quoted field with a line break that closes properly is one phrase.
        let s = src("快捷短语\n\"亲\n您好\"x\n");
        let (p, problems) = read_all(&s, ',').unwrap();
        assert_eq!(
            problems.len(),
            1,
            "text after a multi-line field's closing quote"
        );
        assert_eq!(texts(&s, &p), ["\"亲", "您好\"x"]);
        let s = src("快捷短语\n\"亲\n您好\"\n再见\n");
        assert_eq!(texts(&s, &read(&s, ',').unwrap()), ["亲\n您好", "再见"]);
    }

    #[test]
    fn both_phrase_columns_are_read() {
        let s = src("编码,快捷短语,回复内容\na,您好,不知道\nb,,再见\n");
        let p = read(&s, ',').unwrap();
        assert_eq!(texts(&s, &p), ["您好", "不知道", "再见"]);
        assert_eq!(p.get(&s.text, 1).code.map(|c| &**c), Some("a"));
    }

    #[test]
    fn lone_cr_ends_records_and_positions_follow() {
        let s = src("快捷编码\t快捷短语\ra\t您好\rb\t不知道\r");
        assert_eq!(sniff_delimiter(&s.text), '\t');
        let p = read(&s, '\t').unwrap();
        assert_eq!(texts(&s, &p), ["您好", "不知道"]);
        let pos = s.position(p.get(&s.text, 1).start());
        assert_eq!((pos.line, pos.column), (3, 3));
    }

    #[test]
    fn qianniu_header_and_quoted_fields() {
        let s = src(
            "快捷短语编码,快捷短语,快捷短语分组\nhy1,\"亲，您好,在的\n有什么\"\"可以\"\"帮您\",欢迎语\n",
        );
        let p = read(&s, ',').unwrap();
        assert_eq!(p.len(), 1);
        let p0 = p.get(&s.text, 0);
        assert_eq!(p0.text, "亲，您好,在的\n有什么\"可以\"帮您");
        assert_eq!(p0.code.map(|c| &**c), Some("hy1"));
        assert_eq!(p0.scene, Scene::Greeting);
        let r = p0.source_range(8..10);
        assert_eq!(&s.text[r], "有什");
    }

    #[test]
    fn qianniu_quirks() {
        let s = src(
            "快捷编码,快捷短语,快捷短语分组\r\na,不知道&#44;亲&#13;&#10;稍等,\r\nb,您好,售后=>常见问题\r\n",
        );
        let p = read(&s, ',').unwrap();
        let (p0, p1) = (p.get(&s.text, 0), p.get(&s.text, 1));
        assert_eq!(p0.text, "不知道,亲\n稍等");
        assert_eq!(p0.group_name(), Some("未分组"));
        assert_eq!(&s.text[p0.source_range(6..8)], "稍等");
        assert_eq!(&s.text[p0.source_range(3..4)], "&#44;");
        assert_eq!(p1.scene, Scene::AfterSales);
        assert_eq!(p1.code.map(|c| &**c), Some("b"));
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("快捷编码\t快捷短语\n"), '\t');
        assert_eq!(sniff_delimiter("快捷编码,快捷短语\n"), ',');
        assert!(is_tsv_table("快捷短语编码\t快捷短语\t快捷短语分组\r\n"));
        assert!(!is_tsv_table("亲\t您好\n"));
    }

    #[test]
    fn header_may_follow_title_rows() {
        let s = src("话术导出（2024）\n\n说明,,\n快捷短语,分组\n不知道,售后\n");
        let p = read(&s, ',').unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p.get(&s.text, 0).scene, Scene::AfterSales);
    }

    #[test]
    fn unknown_header_lists_columns() {
        let s = src("a,b\n1,2\n");
        let e = read(&s, ',').unwrap_err();
        assert!(e.message.contains("a、b"), "{}", e.message);
    }
}
