//! `--format sarif`: one SARIF 2.1.0 log on stdout, for GitHub code scanning and other SARIF viewers.
//!
//! Columns count Unicode code points (`run.columnKind`), the same columns as every other format, and
//! `endColumn` is exclusive as SARIF defines it. Paths become URI references: relative ones stay
//! relative to `%SRCROOT%` (the directory huashu ran in), with non-ASCII bytes percent-encoded, since
//! Chinese file names are the norm here.

use crate::engine::rules::{Fix, Level, Rule};
use crate::input::percent_encode_path;
use crate::report::catalog;
use crate::report::diagnostic::{Diagnostic, Related};
use crate::report::{End, Failure, Writer};
use crate::text::scene::Scene;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF's name for each level.
fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// `etiquette/dont-know` → `EtiquetteDontKnow`: SARIF wants a readable identifier distinct from the id.
fn rule_name(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().expect("non-empty").to_uppercase();
            first.chain(cs).collect::<String>()
        })
        .collect()
}

/// Where a result is: a URI reference plus its base.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// Relative paths resolve against `%SRCROOT%`; absolute ones become `file://` URIs.
fn artifact_location(path: &str) -> ArtifactLocation {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let (uri, uri_base_id) = if drive {
        (
            format!("file:///{}:{}", &path[..1], percent_encode_path(&path[2..])),
            None,
        )
    } else if path.starts_with('/') {
        (format!("file://{}", percent_encode_path(&path)), None)
    } else {
        (percent_encode_path(&path), Some("%SRCROOT%"))
    };
    ArtifactLocation { uri, uri_base_id }
}

/// `help.markdown`: the explanation, source and examples, for code-scanning alert pages.
fn help_markdown(rule: &Rule) -> String {
    let mut md = String::new();
    for line in rule.explain.trim().lines() {
        // Two trailing spaces keep the author's line breaks in Markdown.
        md.push_str(line);
        md.push_str("  \n");
    }
    md.push_str(&format!("\n**依据**：{}\n", rule.source));
    if !rule.examples.bad.is_empty() {
        md.push_str("\n**反例（会报告）**\n\n");
        for ex in &rule.examples.bad {
            md.push_str(&format!("- ✗ {}\n", ex.text));
        }
    }
    if !rule.examples.good.is_empty() {
        md.push_str("\n**正例（不会报告）**\n\n");
        for ex in &rule.examples.good {
            md.push_str(&format!("- ✓ {}\n", ex.text));
        }
    }
    md
}

fn scenes(rule: &Rule) -> Vec<&'static str> {
    match &rule.scenes {
        Some(s) => s.iter().map(|s| s.as_str()).collect(),
        None => Scene::ALL.iter().map(|s| s.as_str()).collect(),
    }
}

fn descriptor(rule: &Rule) -> Value {
    let mut properties = json!({
        "pack": rule.pack,
        "kind": rule.kind.name(),
        "source": rule.source,
        "scenes": scenes(rule),
        "tags": ["huashu", rule.pack, rule.kind.name()],
    });
    if let Some(fix) = rule.fix() {
        properties["fix"] = json!(fix);
    }
    json!({
        "id": rule.id,
        "name": rule_name(&rule.id),
        "shortDescription": { "text": rule.message },
        "fullDescription": { "text": rule.explain.trim() },
        "help": { "text": catalog::explain(rule), "markdown": help_markdown(rule) },
        "defaultConfiguration": { "level": level(rule.level) },
        "properties": properties,
    })
}

fn message(d: &Diagnostic) -> String {
    let mut text = format!("{}：“{}”", d.message, d.matched);
    if !d.suggestions.is_empty() {
        let quoted: Vec<String> = d.suggestions.iter().map(|s| format!("“{s}”")).collect();
        text.push_str(&format!("，建议改为 {}", quoted.join(" 或 ")));
    }
    if let Some(cell) = d.cell_ref() {
        // A workbook's region is row and offset in the cell; the message names the cell.
        text.push_str(&format!("（{cell}）"));
    }
    text.push('。');
    text
}

/// Characters that could change a file's structure if written unquoted into YAML, CSV or JSON.
fn structurally_plain(s: &str) -> bool {
    !s.chars()
        .any(|c| matches!(c, '"' | '\'' | '\\' | ',' | ':' | '#' | '\t' | '\r' | '\n'))
}

// Results are typed and borrow from the diagnostics: a library with tens of thousands of findings
// would otherwise build a `serde_json::Value` tree many times the size of the output.

#[derive(Clone, Copy, Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text<&'a str>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    /// None for a finding about a whole file.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_region: Option<Region<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    physical_location: PhysicalLocation<'a>,
    message: Text<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region<'a>,
    inserted_content: Text<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: [Replacement<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<String>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    matched: &'a str,
    phrase: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    scene: Scene,
    #[serde(skip_serializing_if = "Option::is_none")]
    quick_code: Option<&'a str>,
    suggestions: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<String>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    properties: ResultProperties<'a>,
}

/// A SARIF fix for a `fix: safe` replacement or a `fix: remove` deletion, only when the region's text in the file is exactly the
/// matched text (no escapes inside it) and the replacement cannot break the file's quoting.
fn fix<'a>(d: &'a Diagnostic, region: Region<'a>) -> Option<SarifFix<'a>> {
    // A workbook is not a text file: a text replacement in it would corrupt it.
    if d.cell.is_some() {
        return None;
    }
    let (suggestion, description) = match d.fix {
        Some(Fix::Safe) => {
            let s = d.suggestions.first()?;
            (s.as_str(), format!("把“{}”改为“{}”", d.matched, s))
        }
        Some(Fix::Remove) => ("", format!("删除“{}”", d.matched)),
        _ => return None,
    };
    if d.source.text.get(d.span.clone()) != Some(d.matched.as_str())
        || !structurally_plain(suggestion)
    {
        return None;
    }
    Some(SarifFix {
        description: Text { text: description },
        artifact_changes: [ArtifactChange {
            artifact_location: artifact_location(&d.path),
            replacements: [Replacement {
                deleted_region: Region {
                    snippet: None,
                    ..region
                },
                inserted_content: Text { text: suggestion },
            }],
        }],
    })
}

/// Longest context snippet worth embedding; a minified one-line JSON file would otherwise be copied
/// into every result.
const MAX_CONTEXT_CHARS: usize = 500;

/// The whole lines holding the finding, so viewers without the repository still show the phrase.
fn context_region(d: &Diagnostic) -> Option<Region<'_>> {
    let text = &d.source.text;
    let start = text
        .get(..d.span.start)?
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let end = text
        .get(d.span.end..)?
        .find(['\n', '\r'])
        .map_or(text.len(), |i| d.span.end + i);
    let lines = text[start..end].trim_end_matches('\r');
    if lines.chars().count() > MAX_CONTEXT_CHARS {
        return None;
    }
    Some(Region {
        start_line: d.line,
        start_column: None,
        end_line: d.end_line,
        end_column: None,
        snippet: Some(Text { text: lines }),
    })
}

fn related_location(i: usize, r: &Related) -> RelatedLocation<'_> {
    RelatedLocation {
        id: i + 1,
        physical_location: PhysicalLocation {
            artifact_location: artifact_location(&r.path),
            region: Some(Region {
                start_line: r.line,
                start_column: Some(r.column),
                end_line: r.end_line,
                end_column: Some(r.end_column),
                snippet: r
                    .has_snippet()
                    .then(|| r.source.text.get(r.span.clone()))
                    .flatten()
                    .map(|text| Text { text }),
            }),
            context_region: None,
        },
        message: Text { text: &r.message },
    }
}

fn result(d: &Diagnostic, rule_index: Option<usize>) -> SarifResult<'_> {
    let region = Region {
        start_line: d.line,
        start_column: Some(d.column),
        end_line: d.end_line,
        end_column: Some(d.end_column),
        snippet: Some(Text {
            text: d.source.text.get(d.span.clone()).unwrap_or(&d.matched),
        }),
    };
    SarifResult {
        rule_id: &d.rule,
        rule_index,
        level: level(d.severity),
        message: Text { text: message(d) },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact_location(&d.path),
                region: (!d.is_file_level()).then_some(region),
                context_region: (!d.is_file_level()).then(|| context_region(d)).flatten(),
            },
        }],
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| related_location(i, r))
            .collect(),
        fixes: (!d.is_file_level())
            .then(|| fix(d, region))
            .flatten()
            .map(|f| [f]),
        properties: ResultProperties {
            matched: &d.matched,
            phrase: crate::report::diagnostic::shown_phrase(&d.phrase),
            group: d.group.as_deref(),
            scene: d.scene,
            quick_code: d.quick_code.as_deref(),
            suggestions: &d.suggestions,
            sheet: d.sheet.as_deref(),
            cell: d.cell.as_deref(),
        },
    }
}

/// A file that could not be read or parsed; a mistake at a place in the file keeps that place.
fn notification(f: &Failure) -> Value {
    let text = match &f.path {
        Some(p) => format!("{p}：{}", f.message),
        None => f.message.clone(),
    };
    let mut n = json!({ "level": "error", "message": { "text": text } });
    if let Some(path) = &f.path {
        let mut location = json!({
            "physicalLocation": { "artifactLocation": json!(artifact_location(path)) },
        });
        if let (Some(line), Some(column)) = (f.line, f.column) {
            location["physicalLocation"]["region"] =
                json!({ "startLine": line, "startColumn": column });
        }
        n["locations"] = json!([location]);
    }
    n
}

/// The SARIF writer: every rule that may run is described, every finding is a result (written as it
/// comes), and files that could not be read are tool execution notifications (the run is then not
/// successful). JSON objects are unordered, so the results come first and what only the end knows
/// (the invocation) after them.
pub struct Sarif<'a> {
    out: Box<dyn Write + 'a>,
    rules: Vec<Rule>,
    index: HashMap<String, usize>,
    started: bool,
    any: bool,
}

impl<'a> Sarif<'a> {
    pub fn new(out: Box<dyn Write + 'a>, rules: Vec<Rule>) -> Self {
        let index = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Sarif {
            out,
            rules,
            index,
            started: false,
            any: false,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(
                self.out,
                "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"results\": ["
            )?;
        }
        Ok(())
    }

    fn value(&mut self, value: &impl Serialize, indent: usize) -> io::Result<()> {
        let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        let pad = " ".repeat(indent);
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
                self.out.write_all(pad.as_bytes())?;
            }
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    fn field(&mut self, key: &str, value: &impl Serialize) -> io::Result<()> {
        write!(self.out, ",\n      \"{key}\": ")?;
        self.value(value, 6)
    }
}

impl Writer for Sarif<'_> {
    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.start()?;
        self.out.write_all(if self.any {
            b",\n        "
        } else {
            b"\n        "
        })?;
        self.any = true;
        let r = result(d, self.index.get(&*d.rule).copied());
        self.value(&r, 8)
    }

    fn finish(&mut self, end: &End) -> io::Result<()> {
        self.start()?;
        self.out
            .write_all(if self.any { b"\n      ]" } else { b"]" })?;
        let version = env!("CARGO_PKG_VERSION");
        let mut driver = json!({
            "name": "huashu",
            "fullName": "huashu 话术检查",
            "version": version,
            "semanticVersion": version,
            "rules": self.rules.iter().map(descriptor).collect::<Vec<_>>(),
        });
        // Only a real address: Cargo.toml's `repository`, once the project has one.
        let repository = env!("CARGO_PKG_REPOSITORY");
        if !repository.is_empty() {
            driver["informationUri"] = json!(repository);
        }
        let notifications: Vec<Value> = end.failures.iter().map(notification).collect();
        self.field("columnKind", &"unicodeCodePoints")?;
        self.field(
            "originalUriBaseIds",
            &json!({
                "%SRCROOT%": { "description": { "text": "运行 huashu 的目录" } },
            }),
        )?;
        self.field("tool", &json!({ "driver": driver }))?;
        self.field(
            "invocations",
            &json!([{
                "executionSuccessful": end.failures.is_empty(),
                "toolExecutionNotifications": notifications,
            }]),
        )?;
        self.out.write_all(b"\n    }\n  ]\n}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_rules_in_pascal_case() {
        assert_eq!(rule_name("etiquette/dont-know"), "EtiquetteDontKnow");
        assert_eq!(rule_name("demo/you"), "DemoYou");
    }

    #[test]
    fn fixes_only_plain_replacements_of_literal_text() {
        use crate::report::sample;
        let region = Region {
            start_line: 1,
            start_column: Some(1),
            end_line: 1,
            end_column: Some(2),
            snippet: None,
        };
        assert!(fix(&sample("你好", 0..3), region).is_some());
        let mut quoted = sample("你好", 0..3);
        quoted.suggestions = vec!["您,".into()];
        assert!(
            fix(&quoted, region).is_none(),
            "a comma could split a CSV field"
        );
        let mut escaped = sample("\\u4f60好", 0..6);
        escaped.matched = "你".into();
        assert!(
            fix(&escaped, region).is_none(),
            "the file holds an escape, not the text"
        );
        let mut suggest = sample("你好", 0..3);
        suggest.fix = Some(Fix::Suggest);
        assert!(fix(&suggest, region).is_none());
    }

    #[test]
    fn encodes_paths_as_uri_references() {
        assert_eq!(
            artifact_location("话术/售后.txt").uri,
            "%E8%AF%9D%E6%9C%AF/%E5%94%AE%E5%90%8E.txt"
        );
        assert_eq!(artifact_location("a b:c.txt").uri, "a%20b%3Ac.txt");
        assert_eq!(artifact_location("/srv/x.txt").uri, "file:///srv/x.txt");
        assert_eq!(artifact_location("C:\\x\\y.txt").uri, "file:///C:/x/y.txt");
        assert!(artifact_location("/srv/x.txt").uri_base_id.is_none());
    }
}
