//! `--format sarif`: one SARIF 2.1.0 log on stdout, for GitHub code scanning and other SARIF viewers.
//!
//! Columns count Unicode code points (`run.columnKind`), the same columns as every other format, and
//! `endColumn` is exclusive as SARIF defines it. Paths become URI references: relative ones stay
//! relative to `%SRCROOT%` (the directory huashu ran in), with non-ASCII bytes percent-encoded, since
//! Chinese file names are the norm here.

use crate::catalog;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::report::Report;
use crate::rules::{Fix, Level, Rule};
use crate::scene::Scene;
use serde_json::{Value, json};
use std::collections::HashMap;

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

/// A path as a URI reference plus its base: relative paths resolve against `%SRCROOT%`, absolute ones
/// become `file://` URIs.
fn artifact_location(path: &str) -> Value {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if drive {
        let uri = format!("file:///{}:{}", &path[..1], encode(&path[2..]));
        json!({ "uri": uri })
    } else if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode(&path)) })
    } else {
        json!({ "uri": encode(&path), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
fn encode(path: &str) -> String {
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
    text.push('。');
    text
}

/// Characters that could change a file's structure if written unquoted into YAML, CSV or JSON.
fn structurally_plain(s: &str) -> bool {
    !s.chars()
        .any(|c| matches!(c, '"' | '\'' | '\\' | ',' | ':' | '#' | '\t' | '\r' | '\n'))
}

/// A SARIF fix for a `fix: safe` replacement, only when the region's text in the file is exactly the
/// matched text (no escapes inside it) and the replacement cannot break the file's quoting.
fn fix(d: &Diagnostic, region: &Value) -> Option<Value> {
    if d.fix != Some(Fix::Safe) {
        return None;
    }
    let suggestion = d.suggestions.first()?;
    if d.source.text.get(d.span.clone()) != Some(d.matched.as_str())
        || !structurally_plain(suggestion)
    {
        return None;
    }
    Some(json!({
        "description": { "text": format!("把“{}”改为“{}”", d.matched, suggestion) },
        "artifactChanges": [{
            "artifactLocation": artifact_location(&d.path),
            "replacements": [{
                "deletedRegion": region,
                "insertedContent": { "text": suggestion },
            }],
        }],
    }))
}

/// Longest context snippet worth embedding; a minified one-line JSON file would otherwise be copied
/// into every result.
const MAX_CONTEXT_CHARS: usize = 500;

/// The whole lines holding the finding, so viewers without the repository still show the phrase.
fn context_region(d: &Diagnostic) -> Option<Value> {
    let text = &d.source.text;
    let start = text.get(..d.span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(d.span.end..)?
        .find('\n')
        .map_or(text.len(), |i| d.span.end + i);
    let lines = text[start..end].trim_end_matches('\r');
    if lines.chars().count() > MAX_CONTEXT_CHARS {
        return None;
    }
    Some(json!({
        "startLine": d.line,
        "endLine": d.end_line,
        "snippet": { "text": lines },
    }))
}

fn result(d: &Diagnostic, index: Option<usize>) -> Value {
    let region = json!({
        "startLine": d.line,
        "startColumn": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
    });
    let mut snippet_region = region.clone();
    let snippet = d.source.text.get(d.span.clone()).unwrap_or(&d.matched);
    snippet_region["snippet"] = json!({ "text": snippet });
    let mut physical = json!({
        "artifactLocation": artifact_location(&d.path),
        "region": snippet_region,
    });
    if let Some(context) = context_region(d) {
        physical["contextRegion"] = context;
    }
    let mut properties = json!({
        "matched": d.matched,
        "phrase": d.phrase,
        "scene": d.scene,
        "suggestions": d.suggestions,
    });
    if let Some(g) = &d.group {
        properties["group"] = json!(g);
    }
    if let Some(c) = &d.quick_code {
        properties["quickCode"] = json!(c);
    }
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": message(d) },
        "locations": [{ "physicalLocation": physical }],
        "properties": properties,
    });
    if let Some(i) = index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(f) = fix(d, &region) {
        r["fixes"] = json!([f]);
    }
    r
}

/// A file that could not be read or parsed; a mistake at a place in the file keeps that place.
fn notification(e: &Error) -> Value {
    let mut n = json!({ "level": "error", "message": { "text": e.to_string() } });
    if let Error::Located(located) = e {
        let src = &located.src;
        let start = src.position(located.span.offset());
        let end = src.position(located.span.offset() + located.span.len());
        n["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": artifact_location(&src.name),
                "region": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
            },
        }]);
    }
    n
}

/// The SARIF log for a run: every rule that ran is described, every finding is a result, and files
/// that could not be read are tool execution notifications (the run is then not successful).
pub fn render(report: &Report, rules: &[Rule], file_errors: &[Error]) -> String {
    let index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(d, index.get(d.rule.as_str()).copied()))
        .collect();
    let notifications: Vec<Value> = file_errors.iter().map(notification).collect();
    let version = env!("CARGO_PKG_VERSION");
    let mut driver = json!({
        "name": "huashu",
        "fullName": "huashu 话术检查",
        "version": version,
        "semanticVersion": version,
        "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
    });
    // Only a real address: Cargo.toml's `repository`, once the project has one.
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        driver["informationUri"] = json!(repository);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [{
                "executionSuccessful": file_errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "运行 huashu 的目录" } },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serialises");
    s.push('\n');
    s
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
        use crate::output::sample;
        let region = json!({});
        assert!(fix(&sample("你好", 0..3), &region).is_some());
        let mut quoted = sample("你好", 0..3);
        quoted.suggestions = vec!["您,".into()];
        assert!(
            fix(&quoted, &region).is_none(),
            "a comma could split a CSV field"
        );
        let mut escaped = sample("\\u4f60好", 0..6);
        escaped.matched = "你".into();
        assert!(
            fix(&escaped, &region).is_none(),
            "the file holds an escape, not the text"
        );
        let mut suggest = sample("你好", 0..3);
        suggest.fix = Some(Fix::Suggest);
        assert!(fix(&suggest, &region).is_none());
    }

    #[test]
    fn encodes_paths_as_uri_references() {
        assert_eq!(
            artifact_location("话术/售后.txt")["uri"],
            "%E8%AF%9D%E6%9C%AF/%E5%94%AE%E5%90%8E.txt"
        );
        assert_eq!(artifact_location("a b:c.txt")["uri"], "a%20b%3Ac.txt");
        assert_eq!(artifact_location("/srv/x.txt")["uri"], "file:///srv/x.txt");
        assert_eq!(
            artifact_location("C:\\x\\y.txt")["uri"],
            "file:///C:/x/y.txt"
        );
        assert!(artifact_location("/srv/x.txt").get("uriBaseId").is_none());
    }
}
