//! Quick fixes as edits of the source: a rule's safe fix and a replacement suggestion (the edits
//! `--fix` would make, escaped for where the phrase stands), a suppression written in the file's own
//! syntax, and every safe fix of a file at once (`--fix`'s own plan, rounds and checks included).
//!
//! Every edit is checked before it is offered: the file, edited, must read back as the same phrases
//! (but the one fixed), and a suppression must attach to its phrase. An edit that would change what
//! else the file says is not offered.

use crate::input::suppression::CommentStyle;
use crate::input::{self, Document, Format, Input};
use crate::run::fix::{self, SourceEdit};
use crate::run::setup::Setup;
use crate::run::suppress::REASON_PLACEHOLDER;
use crate::server::document::phrase_at;
use crate::text::phrase::Phrase;
use crate::text::source::SourceFile;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::Arc;

/// A document as last checked: what the actions work on.
pub struct Checked {
    pub document: Document,
    /// Bytes of a byte order mark before the document's text in the editor's buffer.
    pub shift: usize,
    pub setup: Arc<Setup>,
    pub input: Input,
    pub found: Vec<crate::report::diagnostic::Diagnostic>,
}

/// What an action does, kept in the action (`data`) until the editor asks for its edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum Action {
    /// The rule's safe fix (or removal) of the finding at `span`.
    Fix { rule: String, span: (usize, usize) },
    /// A replacement the rule suggests for the finding at `span`.
    Replace {
        rule: String,
        span: (usize, usize),
        text: String,
    },
    /// A suppression of `rule` for the phrase holding `span`.
    Suppress { rule: String, span: (usize, usize) },
    /// Every safe fix of the file.
    FixAll,
}

fn range(span: (usize, usize)) -> Range<usize> {
    span.0..span.1
}

/// Why a suppression cannot be written into a table.
pub const NO_COMMENTS_IN_TABLES: &str = "CSV/TSV 表格里没有注释行，不能在文件里写豁免；\
     请在 huashu.yaml 的 overrides 里对这个文件忽略这条规则（见 docs/editors.md）";

/// Why a suppression cannot be written before this phrase.
pub const NO_PLACE: &str = "在这条话术前插入豁免会改变文件的结构（例如 Markdown 表格里的一行）；\
     请在 huashu.yaml 的 overrides 里对这个文件忽略这条规则（见 docs/editors.md）";

/// Whether a document's phrases can carry suppression comments or fields at all.
pub fn can_suppress(document: &Document) -> Result<(), &'static str> {
    match document.format {
        Format::Csv | Format::Tsv | Format::Xlsx | Format::Xls => Err(NO_COMMENTS_IN_TABLES),
        Format::Txt if input::csv::is_tsv_table(&document.source.text) => {
            Err(NO_COMMENTS_IN_TABLES)
        }
        _ => Ok(()),
    }
}

/// The edits of an action, in the document's source (before the buffer's `shift`).
pub fn edits(checked: &Checked, action: &Action) -> Result<Vec<SourceEdit>, String> {
    let document = &checked.document;
    match action {
        Action::Fix { span, .. } => {
            let span = range(*span);
            let (index, _) = phrase_at(document, &span).ok_or("找不到这个问题所在的话术")?;
            let edit = fix::phrase_fixes(&checked.setup, &checked.input, document, index)
                .into_iter()
                .find(|(finding, _)| *finding == span)
                .ok_or("这个问题没有可自动应用的修复")?
                .1?;
            same_phrases_but(document, std::slice::from_ref(&edit), index)?;
            Ok(vec![edit])
        }
        Action::Replace { span, text, .. } => {
            let span = range(*span);
            let (index, chars) = phrase_at(document, &span).ok_or("找不到这个问题所在的话术")?;
            let edit = fix::replacement_edit(document, index, chars, text)?;
            same_phrases_but(document, std::slice::from_ref(&edit), index)?;
            Ok(vec![edit])
        }
        Action::Suppress { rule, span } => {
            can_suppress(document)?;
            let (index, _) =
                phrase_at(document, &range(*span)).ok_or("找不到这个问题所在的话术")?;
            suppression(document, index, rule).ok_or_else(|| NO_PLACE.to_string())
        }
        Action::FixAll => {
            let f = fix::plan(&checked.setup, &checked.input, document);
            if !f.changed() {
                let why = f
                    .skipped
                    .first()
                    .map(|(line, why)| format!("第 {line} 行：{why}"));
                return Err(why.unwrap_or_else(|| "没有可以自动修复的问题".to_string()));
            }
            Ok(diff(&f.before, &f.after))
        }
    }
}

fn apply(text: &str, edits: &[SourceEdit]) -> String {
    let mut sorted: Vec<&SourceEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.range.start.max(at)]);
        out.push_str(&e.text);
        at = e.range.end.max(at);
    }
    out.push_str(&text[at..]);
    out
}

fn reparse(document: &Document, edits: &[SourceEdit]) -> Option<Document> {
    let text = apply(&document.source.text, edits);
    input::parse(
        Arc::new(SourceFile::new(document.source.name.clone(), text)),
        document.format,
    )
    .ok()
}

/// The edited file must read as the same phrases, but phrase `index`.
fn same_phrases_but(document: &Document, edits: &[SourceEdit], index: usize) -> Result<(), String> {
    let ok = reparse(document, edits).is_some_and(|after| {
        after.len() == document.len()
            && document
                .phrases()
                .zip(after.phrases())
                .all(|(a, b)| a.index == index || a.text == b.text)
    });
    if ok {
        Ok(())
    } else {
        Err("修改后文件的其他话术会跟着变化（可能破坏了格式），没有应用".to_string())
    }
}

/// The first way of writing the suppression that reads back as the same phrases with the
/// suppression (and its placeholder reason) on the phrase.
fn suppression(document: &Document, index: usize, rule: &str) -> Option<Vec<SourceEdit>> {
    let phrase = document.phrase(index);
    let text = &document.source.text;
    let candidates = match CommentStyle::of(document.format) {
        Some(style) => vec![comment(text, &phrase, rule, style)],
        None => entry_candidates(text, &phrase, rule, document.format == Format::Json),
    };
    candidates.into_iter().find(|edits| {
        reparse(document, edits).is_some_and(|after| {
            after.len() == document.len()
                && document
                    .phrases()
                    .zip(after.phrases())
                    .all(|(a, b)| a.text == b.text)
                && after
                    .phrase(index)
                    .allow
                    .iter()
                    .any(|a| a.rule == rule && a.reason == REASON_PLACEHOLDER)
        })
    })
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the line holding `at` ends, its line break included.
fn line_after(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The line break the file uses on the line holding `at` (`\n` when it has none).
fn newline(text: &str, at: usize) -> &'static str {
    let end = line_after(text, at);
    if text[..end].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Lines inserted after the line holding `at` (a line break first when that line is the last and
/// has none).
fn lines_after(text: &str, at: usize, lines: &str) -> SourceEdit {
    let end = line_after(text, at);
    let mut inserted = String::new();
    if end == text.len() && !text.ends_with('\n') {
        inserted.push_str(newline(text, at));
    }
    inserted.push_str(lines);
    SourceEdit {
        range: end..end,
        text: inserted,
    }
}

fn insert(at: usize, text: impl Into<String>) -> SourceEdit {
    SourceEdit {
        range: at..at,
        text: text.into(),
    }
}

/// A comment line before the phrase's line, indented like it: `.txt` and Markdown.
fn comment(text: &str, phrase: &Phrase, rule: &str, style: CommentStyle) -> Vec<SourceEdit> {
    let start = line_start(text, phrase.start().min(text.len()));
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let nl = newline(text, start);
    let line = match style {
        CommentStyle::Hash => format!("{indent}# huashu-allow: {rule} -- {REASON_PLACEHOLDER}{nl}"),
        CommentStyle::Html => {
            format!("{indent}<!-- huashu-allow: {rule} -- {REASON_PLACEHOLDER} -->{nl}")
        }
    };
    vec![insert(start, line)]
}

/// Ways of adding `allow` and `reason` to a YAML or JSON phrase entry, most natural first: to the
/// entry's existing `allow` list; as fields of an entry that is a map already; a plain string entry
/// made a map (`- text: …` and the fields below it); the string wrapped as `{text: …, allow: …}`.
fn entry_candidates(text: &str, phrase: &Phrase, rule: &str, json: bool) -> Vec<Vec<SourceEdit>> {
    let n = phrase.text.chars().count();
    if n == 0 {
        return Vec::new();
    }
    let start = phrase.start();
    let end = phrase.source_range(n - 1..n).end;
    // The scalar as written: with its quotes.
    let (raw_start, raw_end) = match text[..start].chars().next_back() {
        Some(q @ ('"' | '\'')) if text[end..].starts_with(q) => (start - 1, end + 1),
        _ => (start, end),
    };
    let line = line_start(text, raw_start);
    let prefix = &text[line..raw_start];
    let nl = newline(text, raw_end);
    let item = format!("\"{rule} -- {REASON_PLACEHOLDER}\"");
    if let Some(last) = phrase.allow.iter().map(|a| a.span.end).max() {
        let last = last.min(text.len());
        let rest_end = line_after(text, last);
        let rest = &text[last..rest_end];
        return match rest.find(']') {
            // [a, b] → [a, b, "RULE -- 理由"]
            Some(close) => vec![vec![insert(last + close, format!(", {item}"))]],
            // A block list: one more `- ` item below the last.
            None => {
                let item_line = line_start(text, last);
                let dash = text[item_line..last].find('-');
                match dash {
                    Some(d) if text[item_line..item_line + d].chars().all(|c| c == ' ') => {
                        let indent = " ".repeat(d);
                        vec![vec![lines_after(
                            text,
                            last,
                            &format!("{indent}- {item}{nl}"),
                        )]]
                    }
                    _ => Vec::new(),
                }
            }
        };
    }
    let fields_inline = if json {
        format!(", \"allow\": [\"{rule}\"], \"reason\": \"{REASON_PLACEHOLDER}\"")
    } else {
        format!(", allow: [{rule}], reason: {REASON_PLACEHOLDER}")
    };
    let key = if json { "\"text\":" } else { "text:" };
    let head = prefix.trim_end();
    let mut out = Vec::new();
    if let Some(lead) = head.strip_suffix(key) {
        if json || lead.contains('{') {
            out.push(vec![insert(raw_end, fields_inline)]);
        } else if lead.chars().all(|c| c == ' ' || c == '-') {
            let indent = " ".repeat(lead.chars().count());
            out.push(vec![lines_after(
                text,
                raw_end,
                &format!("{indent}allow: [{rule}]{nl}{indent}reason: {REASON_PLACEHOLDER}{nl}"),
            )]);
        }
        return out;
    }
    if !json && prefix.contains('-') && prefix.chars().all(|c| c == ' ' || c == '-') {
        let indent = " ".repeat(prefix.chars().count());
        out.push(vec![
            insert(raw_start, "text: "),
            lines_after(
                text,
                raw_end,
                &format!("{indent}allow: [{rule}]{nl}{indent}reason: {REASON_PLACEHOLDER}{nl}"),
            ),
        ]);
    }
    let open = if json { "{\"text\": " } else { "{text: " };
    out.push(vec![
        insert(raw_start, open),
        insert(raw_end, format!("{fields_inline}}}")),
    ]);
    out
}

/// The changes from `before` to `after` as few, small edits: changed runs of lines, less what they
/// share at either end.
pub fn diff(before: &str, after: &str) -> Vec<SourceEdit> {
    use similar::{DiffTag, TextDiff};
    let d = TextDiff::from_lines(before, after);
    let offsets = |slices: &[&str]| -> Vec<usize> {
        let mut v = Vec::with_capacity(slices.len() + 1);
        let mut at = 0;
        v.push(0);
        for s in slices {
            at += s.len();
            v.push(at);
        }
        v
    };
    let (old_at, new_at) = (offsets(d.old_slices()), offsets(d.new_slices()));
    // Runs of changed lines, neighbouring changes merged.
    let mut runs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for op in d.ops() {
        if op.tag() == DiffTag::Equal {
            continue;
        }
        let (o, n) = (op.old_range(), op.new_range());
        match runs.last_mut() {
            Some((lo, ln)) if lo.end == o.start && ln.end == n.start => {
                lo.end = o.end;
                ln.end = n.end;
            }
            _ => runs.push((o, n)),
        }
    }
    runs.into_iter()
        .map(|(o, n)| {
            let (a0, a1) = (old_at[o.start], old_at[o.end]);
            let (b0, b1) = (new_at[n.start], new_at[n.end]);
            let (a, b) = (&before[a0..a1], &after[b0..b1]);
            let prefix: usize = a
                .chars()
                .zip(b.chars())
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x.len_utf8())
                .sum();
            let suffix: usize = a[prefix..]
                .chars()
                .rev()
                .zip(b[prefix..].chars().rev())
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x.len_utf8())
                .sum();
            SourceEdit {
                range: a0 + prefix..a1 - suffix,
                text: b[prefix..b.len() - suffix].to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_are_small_edits() {
        let before = "您好\n你好吗\n谢谢\n你在吗\n";
        let after = "您好\n您好吗\n谢谢\n您在吗\n";
        let edits = diff(before, after);
        assert_eq!(edits.len(), 2);
        assert_eq!(&before[edits[0].range.clone()], "你");
        assert_eq!(edits[0].text, "您");
        assert_eq!(apply(before, &edits), after);
    }

    #[test]
    fn suppressions_keep_yaml_and_json_valid() {
        let cases = [
            (
                Format::Yaml,
                "groups:\n  - name: 售后\n    phrases:\n      - 你好\n      - 谢谢\n",
                "      - text: 你好\n        allow: [demo/you]\n        reason: 理由\n",
            ),
            (
                Format::Yaml,
                "groups:\n  - name: 售后\n    phrases:\n      - text: \"你好\"\n        code: a\n",
                "      - text: \"你好\"\n        allow: [demo/you]\n        reason: 理由\n        code: a\n",
            ),
            (
                Format::Yaml,
                "groups:\n  - name: 售后\n    phrases: [你好, 谢谢]\n",
                "phrases: [{text: 你好, allow: [demo/you], reason: 理由}, 谢谢]",
            ),
            (
                Format::Json,
                "{\"groups\": [{\"name\": \"售后\", \"phrases\": [\"你好\", \"谢谢\"]}]}",
                "[{\"text\": \"你好\", \"allow\": [\"demo/you\"], \"reason\": \"理由\"}, \"谢谢\"]",
            ),
            (
                Format::Yaml,
                "groups:\n  - name: 售后\n    phrases:\n      - text: 你好\n        allow: [demo/sorry]\n        reason: 老客户\n",
                "allow: [demo/sorry, \"demo/you -- 理由\"]",
            ),
        ];
        for (format, text, expect) in cases {
            let document =
                input::parse(Arc::new(SourceFile::new("a", text.to_string())), format).unwrap();
            let edits = suppression(&document, 0, "demo/you")
                .unwrap_or_else(|| panic!("no suppression for {text}"));
            let after = apply(text, &edits);
            assert!(after.contains(expect), "{after}");
        }
    }

    #[test]
    fn comments_for_txt_and_markdown_keep_the_line_break() {
        for (format, text, expect) in [
            (
                Format::Txt,
                "您好\r\n你好\r\n",
                "您好\r\n# huashu-allow: demo/you -- 理由\r\n你好\r\n",
            ),
            (
                Format::Md,
                "# 欢迎语\n\n- 您好\n- 你好\n",
                "- 您好\n<!-- huashu-allow: demo/you -- 理由 -->\n- 你好\n",
            ),
        ] {
            let document =
                input::parse(Arc::new(SourceFile::new("a", text.to_string())), format).unwrap();
            let edits = suppression(&document, 1, "demo/you").unwrap();
            assert!(
                apply(text, &edits).contains(expect),
                "{:?}",
                apply(text, &edits)
            );
        }
    }

    #[test]
    fn a_markdown_table_row_gets_no_suppression() {
        let text = "| 话术 |\n| --- |\n| 您好 |\n| 你好 |\n";
        let document = input::parse(
            Arc::new(SourceFile::new("a.md", text.to_string())),
            Format::Md,
        )
        .unwrap();
        assert_eq!(document.len(), 2);
        assert!(suppression(&document, 1, "demo/you").is_none());
    }
}
