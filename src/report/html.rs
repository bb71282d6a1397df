//! `--format html`: one self-contained page in Simplified Chinese that a shop owner opens by
//! double-clicking, and that never loads anything from anywhere.
//!
//! The page is written as the run goes, like every format:
//!
//! 1. at the start, the head (a Content-Security-Policy that allows nothing but the page's own style
//!    and script, by hash), the style, the empty layout, and a `meta` block (huashu's version, the
//!    packs, when);
//! 2. the findings in `<script type="application/json" class="hs-chunk">` blocks of [`CHUNK`]
//!    findings: data, never executed. Each block adds to tables that later blocks refer to by index
//!    (files, groups, rules, phrases), so a rule's explanation is written once per report and a phrase
//!    once however many findings it has;
//! 3. at the end, the `end` block (the summary, the files that could not be checked, the files
//!    skipped or empty, the library overview when there is one), then the script that renders it all.
//!
//! Every string reaches the page only inside these JSON blocks, with `<`, `>`, `&`, U+2028 and U+2029
//! written as `\u` escapes, so no text can close the block or start markup; the script puts text into
//! the page with `textContent` only.
//!
//! The blocks, by field (the script in `html/report.js` reads exactly these):
//!
//! ```text
//! meta:  {"format": 1, "version", "packs": [name…], "generated": "2025-01-01T00:00:00Z"}
//! chunk: {"files": [path…], "groups": [[name, scene]…], "rules": [rule…],
//!         "phrases": [[file, group or -1, text, quick code?]…],
//!         "findings": [[phrase, rule, severity (0 error, 1 warning, 2 info), line, column,
//!                       start, end (characters of the phrase to highlight, -1 when unknown),
//!                       extra?]…]}
//! rule:  {"id", "level", "message", "fix"?, "suggest": [...], "explain"?, "source"?, "bad"?, "good"?}
//! extra: {"m": message when not the rule's, "s": suggestions when not the rule's first ones,
//!         "c": "工作表!B3", "t": matched text when it is not found in the phrase,
//!         "r": [[file, line, column, "工作表!B3" or null, message]…] (related places)}
//! end:   {"summary": {...}, "failures": [{path?, line?, column?, message}],
//!         "skipped": [{path, reason}], "empty": [path…], "library": overview or null}
//! ```
//!
//! The library overview (`library`) is the one part filled from outside the findings: see
//! [`Html::set_library`] for its shape; the page shows its section only when it is there.

mod csp;

use crate::engine::rules::{Fix, Level, Rule};
use crate::report::diagnostic::{Diagnostic, shown_phrase};
use crate::report::{End, Writer};
use crate::text::scene::Scene;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::{Arc, LazyLock};

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");
const BODY: &str = include_str!("html/body.html");

/// Findings per data block: small enough that memory holds one block, large enough that the blocks
/// add little.
pub const CHUNK: usize = 2000;

/// The page's Content-Security-Policy, computed once.
static POLICY: LazyLock<String> = LazyLock::new(|| csp::policy(STYLE, SCRIPT));

/// What the page says about the run that made it.
#[derive(Debug, Clone)]
pub struct PageInfo {
    /// huashu's version.
    pub version: String,
    /// The packs that ran, as people read them.
    pub packs: Vec<String>,
    /// When the report was made: seconds since 1970 (UTC).
    pub generated: u64,
}

impl PageInfo {
    /// This huashu, these packs, now (or `SOURCE_DATE_EPOCH`, as reproducible builds set it).
    pub fn now(packs: Vec<String>) -> PageInfo {
        PageInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            packs,
            generated: generated_at(),
        }
    }
}

/// `SOURCE_DATE_EPOCH` when set to a number, otherwise the clock.
pub fn generated_at() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}

/// Seconds since 1970 as an ISO 8601 UTC time, `2025-01-01T00:00:00Z`.
pub fn iso_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Days to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// JSON for a `<script type="application/json">` block: nothing in it can end the block, open a
/// comment or tag, or break a line in older JavaScript parsers. The characters escaped only occur
/// inside JSON strings, where `\u` escapes mean the same text.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn level_code(level: Level) -> u8 {
    match level {
        Level::Error => 0,
        Level::Warning => 1,
        Level::Info => 2,
    }
}

/// Where the matched text stands in the phrase as shown, in characters: `(start, end)`.
///
/// A finding knows its place in the file, not in the phrase, and a phrase's text may differ from the
/// file's (CSV doubles quotes, YAML escapes, a workbook's cells). The match is searched in the phrase;
/// when it occurs more than once, the occurrence whose neighbours in the phrase are found around the
/// finding in the file wins: first by how few of them are missing there (escapes only add characters
/// to the file), then by how many agree exactly, then the first.
fn locate(phrase: &str, d: &Diagnostic) -> Option<(usize, usize)> {
    const AROUND: usize = 24;
    const CANDIDATES: usize = 256;
    let matched = d.matched.as_str();
    if matched.is_empty() {
        return None;
    }
    let text = d.source.text.as_str();
    let before: Vec<char> = text
        .get(..d.span.start)
        .unwrap_or("")
        .chars()
        .rev()
        .take(3 * AROUND)
        .collect();
    let after: Vec<char> = text
        .get(d.span.end..)
        .unwrap_or("")
        .chars()
        .take(3 * AROUND)
        .collect();
    // (byte offset, characters missing around it in the file, characters that agree exactly)
    let mut best: Option<(usize, usize, usize)> = None;
    let mut found = 0;
    for (at, _) in phrase.char_indices() {
        if !phrase[at..].starts_with(matched) {
            continue;
        }
        found += 1;
        if found > CANDIDATES {
            break;
        }
        let left: Vec<char> = phrase[..at].chars().rev().take(AROUND).collect();
        let right: Vec<char> = phrase[at + matched.len()..].chars().take(AROUND).collect();
        let missing = missing_from(&left, &before) + missing_from(&right, &after);
        let agree = agreeing(&left, &before) + agreeing(&right, &after);
        if best.is_none_or(|(_, m, a)| missing < m || (missing == m && agree > a)) {
            best = Some((at, missing, agree));
        }
    }
    let (at, _, _) = best?;
    let start = phrase[..at].chars().count();
    Some((start, start + matched.chars().count()))
}

/// How many of `wanted`, in order, are not found in order in `within` (a greedy subsequence match).
fn missing_from(wanted: &[char], within: &[char]) -> usize {
    let (mut from, mut missing) = (0, 0);
    for c in wanted {
        match within[from..].iter().position(|x| x == c) {
            Some(i) => from += i + 1,
            None => missing += 1,
        }
    }
    missing
}

/// How many of `a` and `b` agree from their starts.
fn agreeing(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// `huashu explain`'s parts of a rule, for the page's "为什么" panel.
fn rule_entry(id: &str, d: &Diagnostic, rule: Option<&Rule>) -> Value {
    let mut entry = json!({
        "id": id,
        "level": rule.map_or(d.severity, |r| r.level).as_str(),
        "message": rule.map_or(&*d.message, |r| r.message.as_str()),
        "suggest": d.suggestions,
    });
    if let Some(fix) = d.fix.or_else(|| rule.and_then(Rule::fix)) {
        entry["fix"] = json!(match fix {
            Fix::Safe => "safe",
            Fix::Suggest => "suggest",
            Fix::Remove => "remove",
        });
    }
    if let Some(r) = rule {
        entry["pack"] = json!(r.pack);
        entry["explain"] = json!(r.explain.trim());
        entry["source"] = json!(r.source);
        let texts = |examples: &[crate::engine::rules::Example]| -> Vec<String> {
            examples.iter().take(4).map(|e| e.text.clone()).collect()
        };
        entry["bad"] = json!(texts(&r.examples.bad));
        entry["good"] = json!(texts(&r.examples.good));
    }
    entry
}

/// One data block being filled.
#[derive(Default)]
struct Chunk {
    files: Vec<Value>,
    groups: Vec<Value>,
    rules: Vec<Value>,
    phrases: Vec<Value>,
    findings: Vec<Value>,
}

impl Chunk {
    fn is_empty(&self) -> bool {
        self.files.is_empty()
            && self.groups.is_empty()
            && self.rules.is_empty()
            && self.phrases.is_empty()
            && self.findings.is_empty()
    }
}

#[derive(Serialize)]
struct SkippedEntry<'a> {
    path: &'a str,
    reason: &'static str,
}

/// The html writer.
pub struct Html<'a> {
    out: Box<dyn Write + 'a>,
    info: PageInfo,
    /// The rules that may fire, for their explanations.
    rules: HashMap<String, Rule>,
    started: bool,
    file_index: HashMap<Arc<str>, usize>,
    group_index: HashMap<(Arc<str>, Scene), usize>,
    rule_index: HashMap<Arc<str>, (usize, Vec<String>, Arc<str>)>,
    /// The last phrase written, by identity, and its index: a phrase's findings come together.
    last_phrase: Option<(Arc<str>, Arc<str>, usize)>,
    phrases: usize,
    chunk: Chunk,
    library: Option<Value>,
}

impl<'a> Html<'a> {
    pub fn new(out: Box<dyn Write + 'a>, rules: Vec<Rule>, info: PageInfo) -> Self {
        Html {
            out,
            info,
            rules: rules.into_iter().map(|r| (r.id.clone(), r)).collect(),
            started: false,
            file_index: HashMap::new(),
            group_index: HashMap::new(),
            rule_index: HashMap::new(),
            last_phrase: None,
            phrases: 0,
            chunk: Chunk::default(),
            library: None,
        }
    }

    /// The library overview, shown above the findings. Any JSON object; the page shows the parts it
    /// knows and leaves out the rest:
    ///
    /// ```text
    /// {"groups": [{"name", "scene", "phrases"}…],        phrases per group and scene
    ///  "missing_scenes": [scene…],                       scenes no group covers
    ///  "duplicates": [{"text", "places": [place…]}…],    the same phrase more than once
    ///  "inconsistent": [{"message", "places": [place…]}…]} phrases that promise differently
    /// ```
    ///
    /// where a place is `"path:line:column"` or `{"path", "line", "column", "cell"?}`.
    ///
    /// When it is not set, [`Writer::finish`] maps the run's library overview (see [`overview`]).
    pub fn set_library(&mut self, overview: Value) {
        self.library = Some(overview);
    }

    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let meta = json!({
            "format": 1,
            "version": self.info.version,
            "packs": self.info.packs,
            "generated": iso_utc(self.info.generated),
        });
        write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"huashu {version}\">\n\
             <title>话术检查报告</title>\n\
             <link rel=\"icon\" href=\"data:,\">\n\
             <style>{STYLE}</style>\n</head>\n<body>\n{BODY}\
             <script type=\"application/json\" id=\"hs-meta\">{meta}</script>\n",
            policy = *POLICY,
            version = escape_attribute(&self.info.version),
            meta = script_json(&meta.to_string()),
        )
    }

    fn file(&mut self, path: &Arc<str>) -> usize {
        if let Some(&i) = self.file_index.get(path) {
            return i;
        }
        let i = self.file_index.len();
        self.file_index.insert(path.clone(), i);
        self.chunk.files.push(json!(path));
        i
    }

    fn group(&mut self, name: &Arc<str>, scene: Scene) -> usize {
        let key = (name.clone(), scene);
        if let Some(&i) = self.group_index.get(&key) {
            return i;
        }
        let i = self.group_index.len();
        self.group_index.insert(key, i);
        self.chunk.groups.push(json!([name, scene.as_str()]));
        i
    }

    /// The rule's index, and its first suggestions and message (findings that say the same omit them).
    fn rule(&mut self, d: &Diagnostic) -> (usize, bool, bool) {
        if let Some((i, suggest, message)) = self.rule_index.get(&d.rule) {
            return (*i, *suggest == d.suggestions, *message == d.message);
        }
        let i = self.rule_index.len();
        let entry = rule_entry(&d.rule, d, self.rules.get(&*d.rule));
        let message: Arc<str> = Arc::from(entry["message"].as_str().unwrap_or_default());
        let same_message = message == d.message;
        self.rule_index
            .insert(d.rule.clone(), (i, d.suggestions.clone(), message));
        self.chunk.rules.push(entry);
        (i, true, same_message)
    }

    fn phrase(&mut self, d: &Diagnostic, shown: &str) -> usize {
        if let Some((path, phrase, i)) = &self.last_phrase
            && Arc::ptr_eq(path, &d.path)
            && Arc::ptr_eq(phrase, &d.phrase)
        {
            return *i;
        }
        let file = self.file(&d.path);
        let group = d
            .group
            .as_ref()
            .map_or(-1, |g| self.group(g, d.scene) as i64);
        let i = self.phrases;
        self.phrases += 1;
        let mut entry = json!([file, group, shown]);
        if let Some(code) = &d.quick_code {
            entry.as_array_mut().expect("an array").push(json!(code));
        }
        self.chunk.phrases.push(entry);
        self.last_phrase = Some((d.path.clone(), d.phrase.clone(), i));
        i
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.chunk);
        // One entry a line: the page stays readable and diffable, at one byte per entry.
        let list = |items: &[Value]| -> String {
            let items: Vec<String> = items.iter().map(Value::to_string).collect();
            if items.is_empty() {
                "[]".to_string()
            } else {
                format!("[\n{}]", items.join(",\n"))
            }
        };
        let data = format!(
            "{{\"files\":{},\n\"groups\":{},\n\"rules\":{},\n\"phrases\":{},\n\"findings\":{}}}",
            list(&chunk.files),
            list(&chunk.groups),
            list(&chunk.rules),
            list(&chunk.phrases),
            list(&chunk.findings),
        );
        writeln!(
            self.out,
            "<script type=\"application/json\" class=\"hs-chunk\">{}</script>",
            script_json(&data)
        )
    }
}

/// Text for a double-quoted attribute.
fn escape_attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Writer for Html<'_> {
    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.start()?;
        let shown = shown_phrase(&d.phrase);
        let phrase = self.phrase(d, &shown);
        let (rule, same_suggestions, same_message) = self.rule(d);
        let (start, end) = locate(&shown, d).map_or((-1, -1), |(s, e)| (s as i64, e as i64));
        let mut extra = serde_json::Map::new();
        if !same_message {
            extra.insert("m".into(), json!(d.message));
        }
        if !same_suggestions {
            extra.insert("s".into(), json!(d.suggestions));
        }
        if let Some(cell) = d.cell_ref() {
            extra.insert("c".into(), json!(cell));
        }
        if start < 0 && !d.matched.is_empty() {
            extra.insert("t".into(), json!(d.matched));
        }
        if !d.related.is_empty() {
            let related: Vec<Value> = d
                .related
                .iter()
                .map(|r| {
                    let file = self.file(&r.path);
                    let cell = match (&r.sheet, &r.cell) {
                        (Some(sheet), Some(cell)) => json!(format!("{sheet}!{cell}")),
                        _ => Value::Null,
                    };
                    json!([file, r.line, r.column, cell, r.message])
                })
                .collect();
            extra.insert("r".into(), json!(related));
        }
        let mut finding = json!([
            phrase,
            rule,
            level_code(d.severity),
            d.line,
            d.column,
            start,
            end
        ]);
        if !extra.is_empty() {
            finding
                .as_array_mut()
                .expect("an array")
                .push(Value::Object(extra));
        }
        self.chunk.findings.push(finding);
        if self.chunk.findings.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self, end: &End) -> io::Result<()> {
        self.start()?;
        self.flush()?;
        let skipped: Vec<SkippedEntry> = end
            .skipped
            .iter()
            .map(|s| SkippedEntry {
                path: &s.path,
                reason: s.reason.label(),
            })
            .collect();
        let data = json!({
            "summary": end.summary,
            "line": end.line(),
            "failures": end.failures,
            "skipped": skipped,
            "empty": end.empty,
            "library": self.library.take().or_else(|| end.library.map(overview)),
        });
        write!(
            self.out,
            "<script type=\"application/json\" id=\"hs-end\">{}</script>\n\
             <script>{SCRIPT}</script>\n</body>\n</html>\n",
            script_json(&data.to_string())
        )?;
        self.out.flush()
    }
}

/// The run's library overview in the page's shape (see [`Html::set_library`]): the groups, the
/// conversation stages with no reply, and each promise the library states in more than one way,
/// with where each value first stands. A run of several shops names the shop before each group.
pub fn overview(o: &crate::report::library::Overview) -> Value {
    let mut groups = Vec::new();
    let mut missing = Vec::new();
    let mut inconsistent = Vec::new();
    for lib in &o.libraries {
        let shop = |name: &str| match &lib.shop {
            Some(s) => format!("{s} / {name}"),
            None => name.to_string(),
        };
        for g in &lib.groups {
            groups.push(json!({"name": shop(&g.name), "scene": g.scene, "phrases": g.phrases}));
        }
        for s in lib.stages.iter().filter(|s| !s.present) {
            missing.push(Value::from(shop(&s.label)));
        }
        for f in lib.facts.iter().filter(|f| f.values.len() > 1) {
            let values: Vec<String> = f
                .values
                .iter()
                .map(|v| format!("{}（{} 条）", v.value, v.phrases))
                .collect();
            let places: Vec<&str> = f.values.iter().map(|v| v.first.as_str()).collect();
            inconsistent.push(json!({
                "message": format!("{}：{}", shop(&f.label), values.join(" / ")),
                "places": places,
            }));
        }
    }
    json!({"groups": groups, "missing_scenes": missing, "inconsistent": inconsistent})
}

/// The summary line (`共检查 …`) of a page this writer made: what a console shows beside the page.
pub fn summary_line(page: &str) -> Option<String> {
    let start = page.rfind("<script type=\"application/json\" id=\"hs-end\">")?;
    let data = &page[start..];
    let data = &data[data.find('>')? + 1..data.find("</script>")?];
    let data: Value = serde_json::from_str(data).ok()?;
    data["line"].as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Summary;

    fn page(findings: &[Diagnostic]) -> String {
        let mut buf = Vec::new();
        {
            let info = PageInfo {
                version: "0.0.0".into(),
                packs: vec!["demo".into()],
                generated: 0,
            };
            let mut w = Html::new(Box::new(&mut buf), Vec::new(), info);
            for d in findings {
                w.diagnostic(d).unwrap();
            }
            w.finish(&End {
                summary: Summary::default(),
                failures: &[],
                skipped: &[],
                empty: &[],
                statistics: None,
                library: None,
            })
            .unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    /// The JSON of every data block, in order.
    fn blocks(page: &str) -> Vec<Value> {
        page.split("<script type=\"application/json\"")
            .skip(1)
            .map(|rest| {
                let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
                serde_json::from_str(body).unwrap()
            })
            .collect()
    }

    #[test]
    fn script_json_keeps_text_out_of_markup() {
        let hostile = "</script><script>alert(1)</script><!-- \u{2028}\u{2029} & \"><img src=x onerror=alert(1)>";
        let escaped = script_json(&serde_json::to_string(hostile).unwrap());
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!escaped.contains(bad), "{bad:?} in {escaped}");
        }
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn the_assets_cannot_end_their_own_elements() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!SCRIPT.contains("<!--"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
        // The page's text goes in with textContent, never as markup.
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!SCRIPT.contains(sink), "report.js uses {sink}");
        }
    }

    #[test]
    fn the_policy_names_the_exact_style_and_script() {
        let page = page(&[]);
        let style = &page[page.find("<style>").unwrap() + 7..page.find("</style>").unwrap()];
        let script_start = page.rfind("<script>").unwrap() + 8;
        let script = &page[script_start..page.rfind("</script>").unwrap()];
        assert_eq!(style, STYLE);
        assert_eq!(script, SCRIPT);
        assert!(page.contains(&format!("style-src '{}'", csp::source_hash(style))));
        assert!(page.contains(&format!("script-src '{}'", csp::source_hash(script))));
        assert!(page.contains("default-src 'none'"));
    }

    #[test]
    fn phrases_and_rules_are_written_once() {
        let a = crate::report::sample("你好你们", 0..3);
        let mut b = a.clone();
        (b.span, b.column, b.end_column) = (6..9, 3, 4);
        let page = page(&[a, b]);
        let blocks = blocks(&page);
        assert_eq!(blocks.len(), 3, "meta, one chunk, end");
        let chunk = &blocks[1];
        assert_eq!(chunk["phrases"], json!([[0, -1, "你好你们"]]));
        assert_eq!(chunk["rules"].as_array().unwrap().len(), 1);
        // The second 你 is found at its own place, not at the first one.
        assert_eq!(
            chunk["findings"],
            json!([[0, 0, 2, 1, 1, 0, 1], [0, 0, 2, 1, 3, 2, 3]])
        );
        assert_eq!(blocks[0]["generated"], "1970-01-01T00:00:00Z");
        assert_eq!(blocks[2]["library"], Value::Null);
    }

    #[test]
    fn a_match_is_found_in_a_phrase_that_differs_from_the_file() {
        // A CSV field: the file doubles the quotes, the phrase does not.
        let text = "a,\"说\"\"你\"\"你\"\n";
        let mut d = crate::report::sample(text, 13..16);
        d.phrase = Arc::from("说\"你\"你");
        d.matched = "你".into();
        assert_eq!(locate(&d.phrase, &d), Some((4, 5)));
        d.span = 8..11;
        assert_eq!(locate(&d.phrase, &d), Some((2, 3)));
        // Twice in a row, the line after holding it too.
        let mut d = crate::report::sample("你你\n你\n", 3..6);
        d.phrase = Arc::from("你你");
        assert_eq!(locate(&d.phrase, &d), Some((1, 2)));
        d.span = 0..3;
        assert_eq!(locate(&d.phrase, &d), Some((0, 1)));
        d.matched = "您".into();
        assert_eq!(locate(&d.phrase, &d), None);
    }

    #[test]
    fn times_are_utc_dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(1_735_689_599), "2024-12-31T23:59:59Z");
    }
}
