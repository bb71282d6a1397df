//! Findings must not change when the engine does: every example file and every corpus (as frozen phrase
//! files under `tests/golden/inputs/`) is checked through the real binary, and each finding's rule,
//! place, matched text and suggestions are compared with `tests/golden/<case>.jsonl`, captured from the
//! binary before the engine rewrite.
//!
//! Only fields a finding is made of are compared, not summaries or fields others may legitimately
//! change. To re-capture after an intended change of the rules (review the diff!):
//! `HUASHU_BLESS=1 cargo test --test golden_findings`; `HUASHU_GOLDEN_BIN=path` captures with another
//! binary (how the goldens were first made).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (case name, arguments after `check --format json --no-config`).
fn cases() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for dir in ["examples/clean", "examples/problems"] {
        // A packaged crate may ship without the examples; the corpora below still run.
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let rel = format!("{dir}/{}", f.file_name().unwrap().to_string_lossy());
            let name = rel.replace('/', "-");
            out.push((name, vec![rel]));
        }
    }
    let inputs = "tests/golden/inputs";
    let mut files: Vec<String> = std::fs::read_dir(root().join(inputs))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for f in &files {
        out.push((
            f.clone(),
            vec!["--pack".into(), "cosmetics".into(), format!("{inputs}/{f}")],
        ));
    }
    // A selection: a subset of the rules runs over a corpus.
    out.push((
        "select-subset".into(),
        vec![
            "--pack".into(),
            "cosmetics".into(),
            "--select".into(),
            "cosmetics".into(),
            "--select".into(),
            "etiquette/informal-you".into(),
            "--ignore".into(),
            "cosmetics/efficacy-claim".into(),
            format!("{inputs}/corpus-cosmetics.json"),
            format!("{inputs}/corpus-etiquette.txt"),
        ],
    ));
    out
}

/// One line per finding: what a finding is, in report order.
fn findings(bin: &Path, args: &[String]) -> String {
    let out = Command::new(bin)
        .current_dir(root())
        .args(["check", "--format", "json", "--no-config"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{args:?}: exit {code:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut lines = String::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let keep: Vec<&Value> = [
            "path",
            "rule",
            "line",
            "column",
            "end_line",
            "end_column",
            "matched",
            "suggestions",
        ]
        .iter()
        .map(|k| &d[*k])
        .collect();
        lines.push_str(&serde_json::to_string(&keep).unwrap());
        lines.push('\n');
    }
    lines
}

#[test]
fn findings_match_the_goldens() {
    let bless = std::env::var_os("HUASHU_BLESS").is_some();
    let bin = std::env::var_os("HUASHU_GOLDEN_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_huashu")));
    let mut failed = Vec::new();
    let mut total = 0;
    for (name, args) in cases() {
        let got = findings(&bin, &args);
        total += got.lines().count();
        let path = root().join(format!("tests/golden/{name}.jsonl"));
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if got != want {
            let first = got
                .lines()
                .zip(want.lines())
                .find(|(g, w)| g != w)
                .map(|(g, w)| format!("got  {g}\nwant {w}"))
                .unwrap_or_else(|| {
                    format!(
                        "{} findings, {} expected",
                        got.lines().count(),
                        want.lines().count()
                    )
                });
            failed.push(format!("{name}:\n{first}"));
        }
    }
    assert!(
        failed.is_empty(),
        "findings changed:\n{}",
        failed.join("\n")
    );
    assert!(
        total > 1000,
        "only {total} findings: the cases lost their inputs"
    );
}
