//! `.csv` / `.tsv` with a header row, as seller tools (千牛) and Excel export them.
//!
//! A small RFC 4180 reader of our own rather than the csv crate: findings need the exact source
//! position of every character of a field, including inside quoted fields with line breaks.

use crate::error::LocatedError;
use crate::phrase::{Offsets, Phrase};
use crate::scene::Scene;
use crate::source::SourceFile;
use std::ops::Range;
use std::sync::Arc;

const CODE: &[&str] = &["快捷短语编码", "快捷编码", "编码", "code"];
const TEXT: &[&str] = &["快捷短语", "短语", "内容", "短语内容", "回复内容", "text"];
const GROUP: &[&str] = &["快捷短语分组", "分组", "分类", "group"];

/// One field: its value and where each character came from.
struct Field {
    value: String,
    raw: Range<usize>,
    offsets: Offsets,
}

/// Splits the text into records of fields.
fn records(text: &str, delimiter: char) -> Vec<Vec<Field>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut i = 0;
    let n = bytes.len();
    loop {
        // Start of a field at byte i.
        let start = i;
        let field = if i < n && bytes[i] == b'"' {
            let mut value = String::new();
            let mut map = Vec::new();
            let mut escaped = false;
            i += 1;
            // An unterminated quote takes the rest of the file, as spreadsheet tools do.
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
                    break;
                }
                value.push(c);
                map.push(i..i + c.len_utf8());
                i += c.len_utf8();
            }
            // Anything between the closing quote and the delimiter is kept, as spreadsheet tools do.
            while i < n
                && bytes[i] != b'\n'
                && bytes[i] != b'\r'
                && !text[i..].starts_with(delimiter)
            {
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
            Field {
                value,
                raw: start..i,
                offsets,
            }
        } else {
            while i < n
                && bytes[i] != b'\n'
                && bytes[i] != b'\r'
                && !text[i..].starts_with(delimiter)
            {
                i += text[i..].chars().next().unwrap().len_utf8();
            }
            Field {
                value: text[start..i].to_string(),
                raw: start..i,
                offsets: Offsets::Contiguous(start),
            }
        };
        record.push(field);
        if i < n && text[i..].starts_with(delimiter) {
            i += delimiter.len_utf8();
            continue;
        }
        // End of record.
        if i < n && bytes[i] == b'\r' {
            i += 1;
        }
        if i < n && bytes[i] == b'\n' {
            i += 1;
        }
        let blank = record.len() == 1 && record[0].value.trim().is_empty();
        if !blank {
            out.push(std::mem::take(&mut record));
        } else {
            record.clear();
        }
        if i >= n {
            break;
        }
    }
    out
}

fn column(header: &[Field], names: &[&str]) -> Option<usize> {
    header.iter().position(|f| {
        let h = crate::normalize::normalize_str(f.value.trim().trim_start_matches('\u{feff}'));
        names.iter().any(|n| h == *n)
    })
}

pub fn parse(src: &Arc<SourceFile>, delimiter: char) -> Result<Vec<Phrase>, LocatedError> {
    let rows = records(&src.text, delimiter);
    let Some((header, body)) = rows.split_first() else {
        return Ok(Vec::new());
    };
    let Some(text_col) = column(header, TEXT) else {
        let seen: Vec<&str> = header.iter().map(|f| f.value.trim()).collect();
        let end = header.last().map(|f| f.raw.end).unwrap_or(0);
        return Err(LocatedError::new(
            src,
            0..end,
            format!("表头里没有话术列：看到的列是 {}", seen.join("、")),
            "表头",
        )
        .with_help(format!("话术列的列名可以是：{}", TEXT.join("、"))));
    };
    let code_col = column(header, CODE);
    let group_col = column(header, GROUP);
    let mut out = Vec::new();
    for row in body {
        let Some(field) = row.get(text_col) else {
            continue;
        };
        let trimmed = field.value.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = field.value.len() - field.value.trim_start().len();
        let lead_chars = field.value[..lead].chars().count();
        let offsets = match &field.offsets {
            Offsets::Contiguous(s) => Offsets::Contiguous(s + lead),
            Offsets::Mapped(m) => {
                Offsets::Mapped(m[lead_chars..lead_chars + trimmed.chars().count()].to_vec())
            }
        };
        let mut phrase = Phrase::new(trimmed.to_string(), offsets);
        phrase.code = code_col
            .and_then(|c| row.get(c))
            .map(|f| f.value.trim().to_string())
            .filter(|s| !s.is_empty());
        phrase.group = group_col
            .and_then(|c| row.get(c))
            .map(|f| f.value.trim().to_string())
            .filter(|s| !s.is_empty());
        phrase.scene = phrase
            .group
            .as_deref()
            .map(Scene::infer)
            .unwrap_or(Scene::Common);
        out.push(phrase);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(t: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("t.csv", t.to_string()))
    }

    #[test]
    fn qianniu_header_and_quoted_fields() {
        let s = src(
            "快捷短语编码,快捷短语,快捷短语分组\nhy1,\"亲，您好,在的\n有什么\"\"可以\"\"帮您\",欢迎语\n",
        );
        let p = parse(&s, ',').unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].text, "亲，您好,在的\n有什么\"可以\"帮您");
        assert_eq!(p[0].code.as_deref(), Some("hy1"));
        assert_eq!(p[0].scene, Scene::Greeting);
        let r = p[0].source_range(8..10);
        assert_eq!(&s.text[r], "有什");
    }

    #[test]
    fn unknown_header_lists_columns() {
        let s = src("a,b\n1,2\n");
        let e = parse(&s, ',').unwrap_err();
        assert!(e.message.contains("a、b"), "{}", e.message);
    }
}
