//! The labelled corpus: every built-in pack has `tests/corpus/<pack>.tsv` with realistic phrases and
//! the rule ids a careful reviewer would flag. Asserts per-rule precision and recall, and that clean
//! phrases rarely draw a warning or error.
//!
//! Format: `expected<TAB>scene<TAB>text`, `expected` = comma-separated rule ids or `-`, scene `-` for
//! common; `#` starts a comment; `\n` and `\t` in text are unescaped.

use huashu::engine::builtin;
use huashu::engine::{RuleSelection, linter};
use huashu::{Level, Scene};
use std::collections::{BTreeMap, BTreeSet};

const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.90;
/// At most this share of clean phrases may draw a warning or an error from the file's pack.
const MAX_CLEAN_ALARMS: f64 = 0.02;

struct Row {
    line: usize,
    expected: BTreeSet<String>,
    scene: Scene,
    text: String,
}

fn rows(pack: &str) -> Vec<Row> {
    let path = format!("{}/tests/corpus/{pack}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(expected), Some(scene), Some(text)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("{path}:{}: expected three tab-separated columns", i + 1);
        };
        let expected: BTreeSet<String> = if expected.trim() == "-" {
            BTreeSet::new()
        } else {
            expected.split(',').map(|s| s.trim().to_string()).collect()
        };
        for id in &expected {
            assert!(
                id.starts_with(&format!("{pack}/")),
                "{path}:{}: {id} is not a rule of {pack}",
                i + 1
            );
        }
        let scene = match scene.trim() {
            "-" | "" => Scene::Common,
            s => Scene::parse(s).unwrap_or_else(|| panic!("{path}:{}: unknown scene {s}", i + 1)),
        };
        out.push(Row {
            line: i + 1,
            expected,
            scene,
            text: text.replace("\\n", "\n").replace("\\t", "\t"),
        });
    }
    out
}

#[derive(Default, Debug)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn score(pack: &str, min_rows: usize) {
    let selection = RuleSelection {
        packs: vec![pack.to_string()],
        select: vec![pack.to_string()],
        ignore: vec![],
    };
    let linter = linter(&selection).expect("built-in packs load");
    let rows = rows(pack);
    assert!(
        rows.len() >= min_rows,
        "{pack}.tsv has {} phrases; at least {min_rows} are needed",
        rows.len()
    );
    let mut scores: BTreeMap<String, Score> = linter
        .rules
        .iter()
        .map(|r| (r.id.clone(), Score::default()))
        .collect();
    let mut mistakes = Vec::new();
    let (mut clean, mut clean_alarms) = (0, 0);
    for row in &rows {
        let findings = linter.check_text(&row.text, row.scene);
        let fired: BTreeSet<String> = findings
            .iter()
            .map(|f| linter.rules[f.rule].id.clone())
            .collect();
        for id in row.expected.iter().chain(&fired) {
            assert!(
                scores.contains_key(id),
                "{pack}.tsv:{}: unknown rule {id}",
                row.line
            );
        }
        for (id, s) in scores.iter_mut() {
            match (row.expected.contains(id), fired.contains(id)) {
                (true, true) => s.tp += 1,
                (false, true) => {
                    s.fp += 1;
                    mistakes.push(format!("  FP {id} line {}: {}", row.line, row.text));
                }
                (true, false) => {
                    s.fn_ += 1;
                    mistakes.push(format!("  FN {id} line {}: {}", row.line, row.text));
                }
                (false, false) => {}
            }
        }
        if row.expected.is_empty() {
            clean += 1;
            if findings
                .iter()
                .any(|f| linter.rules[f.rule].level >= Level::Warning)
            {
                clean_alarms += 1;
            }
        }
    }
    let mut table = String::new();
    let mut failed = Vec::new();
    for (id, s) in &scores {
        let precision = if s.tp + s.fp == 0 {
            1.0
        } else {
            s.tp as f64 / (s.tp + s.fp) as f64
        };
        let recall = if s.tp + s.fn_ == 0 {
            1.0
        } else {
            s.tp as f64 / (s.tp + s.fn_) as f64
        };
        table.push_str(&format!(
            "{id:<40} tp {:>3} fp {:>3} fn {:>3}  precision {precision:.3}  recall {recall:.3}\n",
            s.tp, s.fp, s.fn_
        ));
        if s.tp + s.fn_ == 0 {
            failed.push(format!("{id}: no positive phrase in the corpus"));
        }
        if precision < MIN_PRECISION {
            failed.push(format!("{id}: precision {precision:.3} < {MIN_PRECISION}"));
        }
        if recall < MIN_RECALL {
            failed.push(format!("{id}: recall {recall:.3} < {MIN_RECALL}"));
        }
    }
    let alarm_rate = clean_alarms as f64 / clean.max(1) as f64;
    table.push_str(&format!(
        "clean phrases with a warning or error: {clean_alarms}/{clean} ({:.1}%)\n",
        alarm_rate * 100.0
    ));
    if alarm_rate > MAX_CLEAN_ALARMS {
        failed.push(format!(
            "clean-phrase alarm rate {alarm_rate:.3} > {MAX_CLEAN_ALARMS}"
        ));
    }
    println!("{pack}:\n{table}");
    assert!(
        failed.is_empty(),
        "{pack} corpus below the bar:\n{}\n\n{table}\nmistakes:\n{}",
        failed.join("\n"),
        mistakes.join("\n")
    );
}

#[test]
fn every_builtin_pack_has_a_corpus() {
    for name in builtin::names() {
        let path = format!("{}/tests/corpus/{name}.tsv", env!("CARGO_MANIFEST_DIR"));
        assert!(
            std::path::Path::new(&path).exists(),
            "missing corpus {path}"
        );
    }
    assert!(
        builtin::names().contains(&"etiquette"),
        "the etiquette pack is built in"
    );
}

#[test]
fn etiquette_corpus() {
    score("etiquette", 300);
}

#[test]
fn compliance_corpus() {
    score("compliance", 150);
}

#[test]
fn hygiene_corpus() {
    score("hygiene", 120);
}

#[test]
fn cosmetics_corpus() {
    score("cosmetics", 60);
}

/// The library pack's corpus is one shop's library: its phrases go, in order, into a 千牛-style CSV
/// (the group is the scene's usual name) checked by the real binary; each phrase's library findings
/// are scored against the expected ones like any other pack's.
#[test]
fn library_corpus() {
    let rows = rows("library");
    assert!(rows.len() >= 150, "library.tsv has {} phrases", rows.len());
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("快捷短语,快捷短语分组\n");
    for r in &rows {
        assert!(
            !r.text.contains(['"', ',', '\n']),
            "line {}: keep corpus phrases CSV-plain",
            r.line
        );
        let group = if r.scene == Scene::Common {
            ""
        } else {
            r.scene.label()
        };
        csv.push_str(&format!("{},{group}\n", r.text));
    }
    std::fs::write(dir.path().join("library.csv"), csv).unwrap();
    let out = assert_cmd::Command::cargo_bin("huashu")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--select",
            "library",
            "--format",
            "json",
            "library.csv",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // CSV line n + 1 holds corpus row n (the header is line 1).
    let mut fired: Vec<BTreeSet<String>> = vec![BTreeSet::new(); rows.len()];
    for d in doc["diagnostics"].as_array().unwrap() {
        let line = d["line"].as_u64().expect("phrase findings have a line") as usize;
        fired[line - 2].insert(d["rule"].as_str().unwrap().to_string());
    }
    let ids = [
        "library/duplicate",
        "library/near-duplicate",
        "library/inconsistent-promise",
    ];
    let mut failed = Vec::new();
    let mut mistakes = Vec::new();
    let mut table = String::new();
    for id in ids {
        let mut s = Score::default();
        for (row, fired) in rows.iter().zip(&fired) {
            match (row.expected.contains(id), fired.contains(id)) {
                (true, true) => s.tp += 1,
                (false, true) => {
                    s.fp += 1;
                    mistakes.push(format!("  FP {id} line {}: {}", row.line, row.text));
                }
                (true, false) => {
                    s.fn_ += 1;
                    mistakes.push(format!("  FN {id} line {}: {}", row.line, row.text));
                }
                (false, false) => {}
            }
        }
        let precision = s.tp as f64 / (s.tp + s.fp).max(1) as f64;
        let recall = s.tp as f64 / (s.tp + s.fn_).max(1) as f64;
        table.push_str(&format!(
            "{id:<40} tp {:>3} fp {:>3} fn {:>3}  precision {precision:.3}  recall {recall:.3}\n",
            s.tp, s.fp, s.fn_
        ));
        if s.tp == 0 || precision < MIN_PRECISION || recall < MIN_RECALL {
            failed.push(id);
        }
    }
    for (row, fired) in rows.iter().zip(&fired) {
        for id in fired.iter().filter(|id| !ids.contains(&id.as_str())) {
            mistakes.push(format!("  unexpected {id} line {}: {}", row.line, row.text));
            failed.push("library");
        }
    }
    println!("library:\n{table}");
    assert!(
        failed.is_empty(),
        "library corpus below the bar: {failed:?}\n\n{table}\nmistakes:\n{}",
        mistakes.join("\n")
    );
}
