//! A finding placed in its file: what users and machines see.
//!
//! Findings are made and written one file at a time, so they can afford to be self-contained; what
//! they share with their neighbours (the rule id and message, the path, the phrase) is
//! reference-counted rather than copied.

use crate::engine::linter::{Finding, Linter};
use crate::engine::rules::{Fix, Level};
use crate::text::phrase::Phrase;
use crate::text::scene::Scene;
use crate::text::source::{PositionCursor, SourceFile};
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub rule: Arc<str>,
    pub severity: Level,
    pub path: Arc<str>,
    /// 1-based; columns count characters; `end_column` is exclusive. 0 (`null` in JSON) for a
    /// finding about a whole file (a library without a reply for a stage).
    #[serde(serialize_with = "serialize_position")]
    pub line: usize,
    #[serde(serialize_with = "serialize_position")]
    pub column: usize,
    #[serde(serialize_with = "serialize_position")]
    pub end_line: usize,
    #[serde(serialize_with = "serialize_position")]
    pub end_column: usize,
    pub message: Arc<str>,
    pub matched: String,
    /// Shared by all findings of one phrase: a long phrase is not copied per finding. Serialised cut
    /// to its first [`MAX_PHRASE_CHARS`] characters (then …), so a runaway line cannot multiply the
    /// report's size by its number of findings.
    #[serde(serialize_with = "serialize_phrase")]
    pub phrase: Arc<str>,
    pub group: Option<Arc<str>>,
    pub scene: Scene,
    pub suggestions: Vec<String>,
    /// The phrase's quick code (快捷编码), where the format has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_code: Option<Arc<str>>,
    /// `safe` when the first suggestion can be applied without review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The file's detected (or `--encoding`) text encoding; `null` for workbooks.
    pub encoding: Option<&'static str>,
    /// For workbooks: the sheet and cell (`B12`) of the phrase; `line` is then the cell's row and
    /// `column` the character offset within the cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// Other places the finding is about (the first copy of a duplicate phrase, the phrase that
    /// promises otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// What a baseline records instead of the phrase's text, for findings about more than one
    /// phrase (a duplicate is keyed by the text all its copies share, whichever copy is reported).
    #[serde(skip)]
    pub key: Option<Arc<str>>,
    /// Byte range of the match in the decoded source.
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub source: Arc<SourceFile>,
}

/// Another place a finding is about.
#[derive(Debug, Clone, Serialize)]
pub struct Related {
    pub path: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// What stands there, in Chinese (e.g. 第一次出现在这里).
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub source: Arc<SourceFile>,
}

impl Related {
    /// A related place at a byte range of a file.
    pub fn at(source: &Arc<SourceFile>, span: Range<usize>, message: impl Into<String>) -> Related {
        let (start, end) = (source.position(span.start), source.position(span.end));
        let cell = source.cell_at(span.start);
        Related {
            path: source.name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: message.into(),
            sheet: cell.map(|c| c.sheet.clone()),
            cell: cell.map(|c| c.reference()),
            span,
            source: source.clone(),
        }
    }

    /// Where it is, as people read it (see [`Diagnostic::place`]).
    pub fn place(&self) -> String {
        match (&self.sheet, &self.cell) {
            (Some(sheet), Some(cell)) => format!("{} {sheet}!{cell}", self.path),
            _ => format!("{}:{}:{}", self.path, self.line, self.column),
        }
    }
}

fn serialize_position<S: serde::Serializer>(n: &usize, s: S) -> Result<S::Ok, S::Error> {
    match n {
        0 => s.serialize_none(),
        n => s.serialize_u64(*n as u64),
    }
}

impl Related {
    /// Whether the place can be shown as a snippet (its file is still in memory).
    pub fn has_snippet(&self) -> bool {
        !self.source.text.is_empty() && self.span.end <= self.source.text.len()
    }
}

impl Diagnostic {
    /// Whether `huashu check --fix` would apply this finding's fix: the rule has a safe fix or a
    /// removal, the file is a text file huashu writes back (not a workbook, not standard input), and
    /// its encoding can hold the replacement (an emoji cannot be written into a GBK file).
    pub fn fix_applies(&self) -> bool {
        let Some(encoding) = self.source.encoding else {
            return false; // a workbook: never written
        };
        if &*self.path == "<stdin>" {
            return false;
        }
        match self.fix {
            Some(Fix::Remove) => true,
            Some(Fix::Safe) => self
                .suggestions
                .first()
                .is_some_and(|s| crate::text::encoding::encode(s, &encoding).is_ok()),
            _ => false,
        }
    }

    /// Whether the finding is about a whole file, with no line (see [`Diagnostic::line`]).
    pub fn is_file_level(&self) -> bool {
        self.line == 0
    }

    /// A workbook finding's sheet and cell as Excel writes them, e.g. `默认表单!B12`.
    pub fn cell_ref(&self) -> Option<String> {
        Some(format!(
            "{}!{}",
            self.sheet.as_deref()?,
            self.cell.as_deref()?
        ))
    }

    /// Where the finding is, as people read it: `path:line:column`, or for a workbook
    /// `path 默认表单!B12` and the column within the cell.
    pub fn place(&self) -> String {
        if self.is_file_level() {
            return self.path.to_string();
        }
        match self.cell_ref() {
            Some(cell) => format!("{} {cell} 第 {} 个字符", self.path, self.column),
            None => format!("{}:{}:{}", self.path, self.line, self.column),
        }
    }
}

/// Phrases longer than this are cut in serialised reports; no quick reply comes near it.
pub const MAX_PHRASE_CHARS: usize = 1000;

/// The phrase as reports show it: whole, or its first [`MAX_PHRASE_CHARS`] characters and "…".
pub fn shown_phrase(phrase: &str) -> std::borrow::Cow<'_, str> {
    match phrase.char_indices().nth(MAX_PHRASE_CHARS) {
        None => std::borrow::Cow::Borrowed(phrase),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &phrase[..cut])),
    }
}

fn serialize_phrase<S: serde::Serializer>(phrase: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&shown_phrase(phrase))
}

/// The ids and messages of a linter's rules, made once so findings share them.
#[derive(Debug, Clone)]
pub struct RuleNames {
    ids: Vec<Arc<str>>,
    messages: Vec<Arc<str>>,
}

impl RuleNames {
    pub fn of(linter: &Linter) -> RuleNames {
        RuleNames {
            ids: linter
                .rules
                .iter()
                .map(|r| Arc::from(r.id.as_str()))
                .collect(),
            messages: linter
                .rules
                .iter()
                .map(|r| Arc::from(r.message.as_str()))
                .collect(),
        }
    }
}

/// Places a linter's findings on a phrase in its file.
pub fn place(
    linter: &Linter,
    names: &RuleNames,
    source: &Arc<SourceFile>,
    phrase: &Phrase,
    out: &mut Vec<Diagnostic>,
) {
    let findings = linter.check_text(phrase.text, phrase.scene);
    place_findings(linter, names, source, phrase, findings, out);
}

/// Places findings the linter made on a phrase ([`Linter::check_texts`]) in its file.
pub fn place_findings(
    linter: &Linter,
    names: &RuleNames,
    source: &Arc<SourceFile>,
    phrase: &Phrase,
    findings: Vec<Finding>,
    out: &mut Vec<Diagnostic>,
) {
    if findings.is_empty() {
        return;
    }
    // Computed once per phrase, so many findings on one long phrase stay linear.
    let text: Arc<str> = Arc::from(phrase.text);
    let starts = phrase.char_starts();
    let mut starts_cursor = PositionCursor::new(source);
    let mut ends_cursor = PositionCursor::new(source);
    for f in findings {
        let rule = &linter.rules[f.rule];
        let span = phrase.source_range_in(&starts, f.chars.clone());
        let start = starts_cursor.position(span.start);
        let end = ends_cursor.position(span.end);
        let cell = source.cell_at(span.start);
        let last = starts.len() - 1;
        out.push(Diagnostic {
            rule: names.ids[f.rule].clone(),
            severity: rule.level,
            path: source.name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: names.messages[f.rule].clone(),
            matched: phrase.text[starts[f.chars.start.min(last)]..starts[f.chars.end.min(last)]]
                .to_string(),
            phrase: text.clone(),
            group: phrase.group.map(|g| g.name.clone()),
            scene: phrase.scene,
            suggestions: f.suggestions,
            quick_code: phrase.code.cloned(),
            fix: rule.fix(),
            encoding: source.encoding.map(|e| e.name()),
            sheet: cell.map(|c| c.sheet.clone()),
            cell: cell.map(|c| c.reference()),
            related: Vec::new(),
            key: None,
            span,
            source: source.clone(),
        });
    }
}
