//! `--fix` and `--diff`: applies `fix: safe` replacements and `fix: remove` deletions to the files.
//!
//! Edits are made in the source text, byte for byte: nothing outside a fixed span changes, so line
//! endings, the BOM, quoting and the layout of the file stay as they were. A replacement is escaped for
//! where it stands (`"` → `""` in a quoted CSV field; `\` and `"` in a YAML/JSON double-quoted string;
//! `'` in a single-quoted one), and every fixed file is parsed again and must give exactly the phrases
//! expected; otherwise the file is left alone and the reason reported. Fixes repeat until nothing more
//! changes (at most a few rounds), so a second `--fix` changes nothing. Writes go through
//! [`crate::run::write`]: a temporary file in the same directory, then a rename, refusing a file changed
//! since it was read. Suppressed findings are not fixed.

use crate::engine::linter::Linter;
use crate::engine::rules::Fix;
use crate::error::Error;
use crate::error::WriteRefusal;
use crate::input::{self, Document, Format, Input};
use crate::run::setup::Setup;
use crate::run::write::{self, Expect};
use crate::text::phrase::Phrase;
use crate::text::source::SourceFile;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rounds of fixing before giving up on reaching a fixed point (fixes that feed each other).
const MAX_ROUNDS: usize = 8;

/// What fixing one file did or would do.
#[derive(Debug)]
pub struct FileFix {
    pub path: PathBuf,
    pub format: Format,
    /// The path as shown.
    pub name: String,
    /// The file as read (its text is `before`; it knows how the file was encoded).
    pub source: Arc<SourceFile>,
    pub before: String,
    pub after: String,
    /// Edits applied.
    pub fixed: usize,
    /// Fixable findings left alone, with why: (line, message).
    pub skipped: Vec<(usize, String)>,
    /// For a format that is never written: each change it would get, by cell (`Sheet1!B2：“你” → “您”`).
    pub changes: Vec<String>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// How text is written where a phrase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Verbatim (a .txt line, a plain YAML scalar or block).
    Plain,
    /// A quoted CSV field: `"` is written `""`.
    CsvQuoted,
    /// An unquoted CSV field: the delimiter, quotes and line breaks cannot be written into it.
    CsvPlain(char),
    /// YAML or JSON double quotes: backslash escapes.
    DoubleQuoted,
    /// YAML single quotes: `'` is written `''`.
    SingleQuoted,
}

impl Context {
    fn of(format: Format, text: &str, phrase: &Phrase) -> Context {
        let start = phrase.source_range(0..1).start.min(text.len());
        let before = text[..start]
            .chars()
            .rev()
            .find(|c| !matches!(c, ' ' | '\u{3000}'));
        let delimiter = match format {
            Format::Csv => Some(crate::input::csv::sniff_delimiter(text)),
            Format::Tsv => Some('\t'),
            // Excel's "Unicode text" export: a tab-separated table in a .txt.
            Format::Txt if crate::input::csv::is_tsv_table(text) => Some('\t'),
            _ => None,
        };
        if let Some(delimiter) = delimiter {
            return match before {
                Some('"') => Context::CsvQuoted,
                _ => Context::CsvPlain(delimiter),
            };
        }
        match format {
            Format::Txt | Format::Md | Format::Xlsx | Format::Xls | Format::Csv | Format::Tsv => {
                Context::Plain
            }
            Format::Yaml | Format::Json => match before {
                Some('"') => Context::DoubleQuoted,
                Some('\'') => Context::SingleQuoted,
                _ => Context::Plain,
            },
        }
    }

    /// The source form of a text in this context; `None` when it cannot be written here.
    fn escape(self, s: &str) -> Option<String> {
        Some(match self {
            Context::Plain => s.to_string(),
            Context::CsvQuoted => s.replace('"', "\"\""),
            Context::CsvPlain(delimiter) => {
                if s.contains([delimiter, '"', '\n', '\r']) {
                    return None;
                }
                s.to_string()
            }
            Context::DoubleQuoted => {
                let mut out = String::with_capacity(s.len());
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
                out
            }
            Context::SingleQuoted => s.replace('\'', "''"),
        })
    }
}

/// The formats fixes are written to. A format that is read but not written (Excel) only reports what
/// it would change.
pub fn writable(format: Format) -> bool {
    match format {
        Format::Txt | Format::Yaml | Format::Json | Format::Csv | Format::Tsv | Format::Md => true,
        Format::Xlsx | Format::Xls => false,
    }
}

/// One edit of a phrase, in its characters.
#[derive(Debug, Clone)]
struct Edit {
    chars: Range<usize>,
    replacement: String,
    /// The characters the finding it fixes matched (a removal may take a space more).
    finding: Range<usize>,
}

/// A fix as an edit of the decoded source text: the bytes `range` become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEdit {
    pub range: Range<usize>,
    pub text: String,
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// Whether every bracket in the text is closed by its partner, half- or full-width.
fn brackets_balanced(chars: &[char]) -> bool {
    let mut open = Vec::new();
    for &c in chars {
        match c {
            '(' | '（' | '[' | '［' | '【' | '{' | '｛' => open.push(c),
            ')' | '）' | ']' | '］' | '】' | '}' | '｝' => {
                let partner = match open.pop() {
                    Some(o) => o,
                    None => return false,
                };
                let ok = matches!(
                    (partner, c),
                    ('(' | '（', ')' | '）')
                        | ('[' | '［', ']' | '］')
                        | ('【', '】')
                        | ('{' | '｛', '}' | '｝')
                );
                if !ok {
                    return false;
                }
            }
            _ => {}
        }
    }
    open.is_empty()
}

/// Widens a deletion so it leaves no double space, and no space at either end of the phrase.
fn widen_removal(chars: &[char], r: Range<usize>) -> Range<usize> {
    let before = r.start.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(r.end).copied();
    match (before, after) {
        (Some(b), Some(a)) if is_space(b) && is_space(a) => r.start..r.end + 1,
        (None, Some(a)) if is_space(a) => r.start..r.end + 1,
        (Some(b), None) if is_space(b) => r.start - 1..r.end,
        _ => r,
    }
}

/// The fixable edits on one phrase: non-overlapping, in order, suppressed findings left out.
/// `linter` holds the fixable rules that run on the phrase's file.
fn phrase_edits(linter: &Linter, phrase: &Phrase) -> Vec<Edit> {
    let findings = linter.check_text(phrase.text, phrase.scene);
    let chars: Vec<char> = phrase.text.chars().collect();
    let mut out: Vec<Edit> = Vec::new();
    for f in findings {
        let rule = &linter.rules[f.rule];
        if crate::run::suppress::allows(phrase, &rule.id) {
            continue;
        }
        let edit = match rule.fix() {
            Some(Fix::Safe) => match f.suggestions.first() {
                Some(s) => Edit {
                    chars: f.chars.clone(),
                    replacement: s.clone(),
                    finding: f.chars.clone(),
                },
                None => continue,
            },
            // A match that opens a bracket it does not close (a note cut short) is not a whole
            // note: deleting it would leave the rest dangling, so a person fixes it.
            Some(Fix::Remove) if !brackets_balanced(&chars[f.chars.clone()]) => continue,
            Some(Fix::Remove) => Edit {
                chars: widen_removal(&chars, f.chars.clone()),
                replacement: String::new(),
                finding: f.chars.clone(),
            },
            _ => continue,
        };
        if out.last().is_some_and(|e| edit.chars.start < e.chars.end) {
            continue; // overlapping: the next round gets it if it still applies
        }
        out.push(edit);
    }
    out
}

/// The source edit writing `replacement` over characters `chars` of a phrase, escaped for where the
/// phrase stands; `Err(why)` when it cannot be written exactly.
fn source_edit(
    text: &str,
    context: Context,
    phrase: &Phrase,
    chars: Range<usize>,
    replacement: &str,
) -> Result<SourceEdit, String> {
    let original: String = phrase
        .text
        .chars()
        .skip(chars.start)
        .take(chars.len())
        .collect();
    let range = phrase.source_range(chars);
    // The source must hold the original exactly as this context writes it; escapes split
    // across a folded line or written another way (\u4f60) are left alone.
    let raw = context.escape(&original);
    let Some(raw) = raw.filter(|raw| text[range.start..].starts_with(raw.as_str())) else {
        return Err(format!(
            "“{original}” 在文件里的写法无法逐字定位，未自动修改"
        ));
    };
    let Some(new) = context.escape(replacement) else {
        return Err(format!(
            "替换为“{replacement}”需要给这个字段加引号，未自动修改"
        ));
    };
    Ok(SourceEdit {
        range: range.start..range.start + raw.len(),
        text: new,
    })
}

/// The fixes `--fix` would make on phrase `index` of a document (its first round), each with the
/// source span of the finding it fixes: an editor's quick fix for one finding. A fix that cannot be
/// written exactly is `Err(why)`. Suppressed findings have none.
pub fn phrase_fixes(
    setup: &Setup,
    input: &Input,
    document: &Document,
    index: usize,
) -> Vec<(Range<usize>, Result<SourceEdit, String>)> {
    let linter = setup.linter_where(&setup.profile_of(input), |r| {
        matches!(r.fix(), Some(Fix::Safe | Fix::Remove))
    });
    let phrase = document.phrase(index);
    let context = Context::of(document.format, &document.source.text, &phrase);
    phrase_edits(&linter, &phrase)
        .into_iter()
        .map(|e| {
            let finding = phrase.source_range(e.finding.clone());
            let edit = source_edit(
                &document.source.text,
                context,
                &phrase,
                e.chars,
                &e.replacement,
            );
            (finding, edit)
        })
        .collect()
}

/// The source edit writing `replacement` over characters `chars` of phrase `index` (a suggestion
/// someone chose), escaped for where the phrase stands as `--fix` escapes; `Err(why)` when it cannot
/// be written exactly.
pub fn replacement_edit(
    document: &Document,
    index: usize,
    chars: Range<usize>,
    replacement: &str,
) -> Result<SourceEdit, String> {
    let phrase = document.phrase(index);
    let context = Context::of(document.format, &document.source.text, &phrase);
    source_edit(&document.source.text, context, &phrase, chars, replacement)
}

fn apply_chars(text: &str, edits: &[Edit]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.extend(&chars[at..e.chars.start]);
        out.push_str(&e.replacement);
        at = e.chars.end;
    }
    out.extend(&chars[at..]);
    out
}

/// One round over a document's text: the new text, edits made, and edits left alone.
fn round(
    setup: &Setup,
    input: &Input,
    doc: &Document,
    skipped: &mut Vec<(usize, String)>,
) -> (String, Vec<(Range<usize>, String)>) {
    let text = &doc.source.text;
    let linter = setup.linter_where(&setup.profile_of(input), |r| {
        matches!(r.fix(), Some(Fix::Safe | Fix::Remove))
    });
    // Source edits (byte range, new bytes) and the text each phrase should read afterwards.
    let mut source_edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut expected: Vec<String> = Vec::with_capacity(doc.len());
    for phrase in doc.phrases() {
        let edits = phrase_edits(&linter, &phrase);
        if edits.is_empty() {
            expected.push(phrase.text.to_string());
            continue;
        }
        let line = doc.source.position(phrase.start()).line;
        let context = Context::of(doc.format, text, &phrase);
        let mut kept = Vec::new();
        for e in edits {
            match source_edit(text, context, &phrase, e.chars.clone(), &e.replacement) {
                Ok(edit) => {
                    source_edits.push((edit.range, edit.text));
                    kept.push(e);
                }
                Err(why) => skipped.push((line, why)),
            }
        }
        let fixed = apply_chars(phrase.text, &kept);
        if fixed.trim().is_empty() {
            // Deleting everything would drop the phrase (and shift the phrases after it).
            source_edits.truncate(source_edits.len() - kept.len());
            skipped.push((line, "删除后话术为空，未自动修改".to_string()));
            expected.push(phrase.text.to_string());
            continue;
        }
        expected.push(fixed.trim().to_string());
    }
    if source_edits.is_empty() {
        return (text.clone(), Vec::new());
    }
    source_edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, new) in &source_edits {
        out.push_str(&text[at..r.start]);
        out.push_str(new);
        at = r.end;
    }
    out.push_str(&text[at..]);
    if !writable(doc.format) {
        // Never written (a workbook's text is synthetic and cannot be parsed back): only shown.
        return (out, source_edits);
    }
    // The fixed file must read back as exactly the phrases expected.
    let check = Arc::new(SourceFile::new(doc.source.name.clone(), out.clone()));
    let reread: Option<Vec<String>> = input::parse(check, doc.format)
        .ok()
        .map(|d| d.phrases().map(|p| p.text.to_string()).collect());
    if reread.as_ref() != Some(&expected) {
        skipped.push((
            1,
            "修复后的文件读回来与预期不符（可能破坏了格式），整个文件未自动修改".to_string(),
        ));
        return (text.clone(), Vec::new());
    }
    (out, source_edits)
}

/// Works out the fixes of one document, round after round, in memory.
pub fn plan(setup: &Setup, input: &Input, document: &Document) -> FileFix {
    let (path, name) = match input {
        Input::File { path, .. } => (path.clone(), input::display_path(path)),
        Input::Stdin => (PathBuf::from("-"), "<stdin>".to_string()),
    };
    let before = document.source.text.clone();
    let mut fixed = 0;
    let mut skipped = Vec::new();
    let mut current: Option<Document> = None;
    let mut settled = false;
    let mut after = before.clone();
    let mut changes = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let doc = current.as_ref().unwrap_or(document);
        let mut round_skipped = Vec::new();
        let (text, edits) = round(setup, input, doc, &mut round_skipped);
        let n = edits.len();
        // Only the last round's leftovers matter: earlier ones may have been fixed since.
        skipped = round_skipped;
        if n == 0 {
            settled = true;
            break;
        }
        fixed += n;
        after = text.clone();
        if !writable(document.format) {
            // What a workbook would change is listed by cell; it is never written, so no second round.
            let source = &document.source;
            changes = edits
                .iter()
                .map(|(r, new)| {
                    let at = match source.cell_at(r.start) {
                        Some(c) => format!("{}!{}", c.sheet, c.reference()),
                        None => format!("第 {} 行", source.position(r.start).line),
                    };
                    format!("{at}：“{}” → “{new}”", &source.text[r.clone()])
                })
                .collect();
            settled = true;
            break;
        }
        let source = Arc::new(SourceFile::new(name.clone(), text));
        let Ok(mut next) = input::parse(source, document.format) else {
            break;
        };
        setup.prepare(&mut next);
        current = Some(next);
    }
    if !settled {
        // Fixes that keep feeding each other would not be idempotent: write nothing.
        skipped.push((
            1,
            "多轮修复后仍在变化（替换写法又触发了规则），整个文件未自动修改".to_string(),
        ));
        after = before.clone();
        fixed = 0;
    }
    FileFix {
        path,
        format: document.format,
        name,
        source: document.source.clone(),
        before,
        after,
        fixed,
        skipped,
        changes,
    }
}

/// Writes a fixed text over the file `source` was read from, in the file's encoding. The file is read
/// again and the text as checked must encode back to exactly its bytes: then the file did not change
/// meanwhile, and re-encoding the fixed text changes no byte outside the fixed spans. Those bytes
/// are compared once more just before the new file replaces it (see [`crate::run::write`]).
pub fn write_back(path: &Path, source: &SourceFile, after: &str) -> Result<(), Error> {
    let shown = input::display_path(path);
    let original = std::fs::read(path).map_err(|e| Error::Io {
        path: shown.clone(),
        source: e,
    })?;
    if encode_like(&original, source, &source.text).as_deref() != Ok(original.as_slice()) {
        let changed = source
            .encoding
            .and_then(|enc| input::decode::decode(&shown, original.clone(), Some(enc.charset)).ok())
            .is_none_or(|now| now.text != source.text);
        if changed {
            return Err(Error::Write {
                path: shown,
                source: WriteRefusal::Changed.into_io(),
            });
        }
        return Err(Error::usage(
            format!("{shown}：无法按原编码逐字节写回，没有写入修复"),
            Some("可以用 huashu check --diff 查看改动，手动修改".to_string()),
        ));
    }
    let bytes = encode_like(&original, source, after)
        .map_err(|why| Error::usage(format!("{shown}：{why}，没有写入修复"), None))?;
    write::write_file(path, &bytes, Expect::Unchanged(&original)).map_err(|e| Error::Write {
        path: shown,
        source: e,
    })
}

/// A text encoded the way the file was: UTF-8, with the BOM when it had one. This is the one place that
/// knows encodings: with detected GBK/UTF-16 decoding it encodes with the `SourceFile`'s encoding
/// instead (and refuses a character that encoding cannot hold).
fn encode_like(_original: &[u8], source: &SourceFile, text: &str) -> Result<Vec<u8>, String> {
    let encoding = source
        .encoding
        .ok_or_else(|| "这种文件不会被改写".to_string())?;
    crate::text::encoding::encode(text, &encoding).map_err(|e| e.to_string())
}

/// `a/NAME` as git writes it; an absolute path keeps its own leading `/`.
fn prefixed(side: &str, name: &str) -> String {
    if name.starts_with('/') {
        format!("{side}{name}")
    } else {
        format!("{side}/{name}")
    }
}

/// A unified diff of a file's fix, for `--diff`.
pub fn diff(fix: &FileFix) -> String {
    similar::TextDiff::from_lines(&fix.before, &fix.after)
        .unified_diff()
        .context_radius(2)
        .header(&prefixed("a", &fix.name), &prefixed("b", &fix.name))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_leaves_no_double_or_edge_space() {
        let c: Vec<char> = "亲 (笑) 好".chars().collect();
        assert_eq!(widen_removal(&c, 2..5), 2..6);
        let c: Vec<char> = "(笑) 好".chars().collect();
        assert_eq!(widen_removal(&c, 0..3), 0..4);
        let c: Vec<char> = "好 (笑)".chars().collect();
        assert_eq!(widen_removal(&c, 2..5), 1..5);
        let c: Vec<char> = "好(笑)呀".chars().collect();
        assert_eq!(widen_removal(&c, 1..4), 1..4);
    }

    #[test]
    fn write_back_refuses_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "\u{feff}你好\r\n").unwrap();
        let utf8_bom = crate::text::encoding::TextEncoding {
            bom: true,
            ..crate::text::encoding::TextEncoding::UTF8
        };
        let source = SourceFile::new("a.txt", "你好\r\n".to_string()).with_encoding(utf8_bom);
        write_back(&path, &source, "您好\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), "\u{feff}您好\r\n".as_bytes());
        // The file now holds 您好: the stale check result must not be written over it.
        assert!(write_back(&path, &source, "您们好\r\n").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), "\u{feff}您好\r\n".as_bytes());
    }

    #[test]
    fn escapes_per_context() {
        assert_eq!(
            Context::CsvQuoted.escape("说\"您\"").unwrap(),
            "说\"\"您\"\""
        );
        assert_eq!(Context::CsvPlain(',').escape("a,b"), None);
        assert_eq!(Context::DoubleQuoted.escape("\"\\").unwrap(), "\\\"\\\\");
        assert_eq!(Context::SingleQuoted.escape("'").unwrap(), "''");
    }
}
