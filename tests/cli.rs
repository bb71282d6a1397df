//! The core `huashu check` behaviour through the real binary: every input format, both output
//! formats, every exit code, and broken packs. Uses a fixture pack so the assertions do not move when
//! the built-in packs' wording improves.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

const DEMO: &str = "tests/fixtures/packs/demo.yaml";

fn huashu() -> Command {
    let mut cmd = Command::cargo_bin("huashu").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    cmd
}

/// Runs `check --format json` with the demo pack only and returns the document.
fn json(args: &[&str]) -> (Value, i32) {
    let out = huashu()
        .args([
            "check", "--format", "json", "--pack", DEMO, "--select", "demo",
        ])
        .args(args)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON document ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (doc, out.status.code().unwrap())
}

fn found(doc: &Value) -> Vec<(String, u64, u64, u64, String)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
                d["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn f(rule: &str, line: u64, col: u64, end: u64, matched: &str) -> (String, u64, u64, u64, String) {
    (format!("demo/{rule}"), line, col, end, matched.to_string())
}

#[test]
fn txt_findings_have_character_columns() {
    let (doc, code) = json(&["tests/fixtures/core/phrases.txt"]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&doc),
        vec![
            f("dont-know", 2, 6, 9, "不知道"),
            f("you", 4, 1, 2, "你"),
            f("sorry", 4, 7, 10, "不包邮"),
            f("long", 4, 11, 14, "！！！"),
        ]
    );
    let first = &doc["diagnostics"][0];
    assert_eq!(first["version"], Value::Null);
    assert_eq!(doc["version"], 1);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "tests/fixtures/core/phrases.txt");
    assert_eq!(first["phrase"], "亲，这个我不知道。");
    assert_eq!(first["scene"], "common");
    assert_eq!(first["suggestions"][0], "我帮您确认一下");
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 1, "phrases": 3, "errors": 1, "warnings": 2, "infos": 1, "skipped": 0, "failed": 0, "empty": 0})
    );
}

#[test]
fn yaml_phrasebook_points_inside_the_yaml() {
    let (doc, _) = json(&["tests/fixtures/core/book.yaml"]);
    // 親，這個我不清楚 is Traditional; its value starts at column 15 of line 6. The double-quoted
    // scalar on line 11 has escaped quotes before the match, which must not shift the column.
    assert_eq!(
        found(&doc),
        vec![
            f("dont-know", 6, 20, 23, "不清楚"),
            f("sorry", 11, 20, 23, "不包邮")
        ]
    );
    let d = &doc["diagnostics"][0];
    assert_eq!(d["group"], "欢迎语");
    assert_eq!(d["scene"], "greeting");
    assert_eq!(d["quick_code"], "hy2");
    assert_eq!(doc["diagnostics"][1]["scene"], "logistics");
}

#[test]
fn json_phrasebook() {
    let (doc, _) = json(&["tests/fixtures/core/book.json"]);
    assert_eq!(found(&doc), vec![f("dont-know", 4, 36, 39, "不知道")]);
    assert_eq!(doc["diagnostics"][0]["scene"], "after-sales");
}

#[test]
fn csv_with_quoted_line_breaks_and_tsv_synonyms() {
    let (doc, _) = json(&[
        "tests/fixtures/core/qianniu.csv",
        "tests/fixtures/core/export.tsv",
    ]);
    assert_eq!(
        found(&doc),
        // Sorted by path: export.tsv before qianniu.csv.
        vec![
            f("you", 2, 5, 6, "你"),
            f("dont-know", 3, 4, 7, "不知道"),
            f("sorry", 4, 7, 10, "不包邮"),
        ]
    );
    assert_eq!(doc["diagnostics"][1]["group"], "欢迎语");
    assert_eq!(doc["diagnostics"][2]["scene"], "logistics");
    assert_eq!(doc["summary"]["phrases"], 3);
}

#[test]
fn stdin_reads_txt_phrases() {
    let out = huashu()
        .args([
            "check", "--format", "json", "--pack", DEMO, "--select", "demo", "-",
        ])
        .write_stdin("您好\n这个不知道\n")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found(&doc), vec![f("dont-know", 2, 3, 6, "不知道")]);
    assert_eq!(doc["diagnostics"][0]["path"], "<stdin>");
}

#[test]
fn directories_skip_hidden_ignored_unknown_and_rule_packs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |p: &str, s: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    };
    write("a.txt", "这个我不知道\n");
    write("sub/b.txt", "这个我不清楚\n");
    write(".hidden/c.txt", "这个我不知道\n");
    write("ignored.txt", "这个我不知道\n");
    write(".gitignore", "ignored.txt\n");
    write("pack.yaml", "pack: x\nrules: []\n");
    write("notes.rst", "不知道");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO);
    let out = Command::cargo_bin("huashu")
        .unwrap()
        .current_dir(root)
        .args(["check", "--format", "json", "--select", "demo", "--pack"])
        .arg(&demo)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["a.txt", "sub/b.txt"]);
    assert_eq!(doc["summary"]["files"], 2);
}

#[test]
fn exit_codes() {
    // 0: clean.
    huashu()
        .args(["check", "--pack", DEMO, "--select", "demo", "-"])
        .write_stdin("您好，很高兴为您服务\n")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("没有发现问题"));
    // 0: warnings only, no limit.
    huashu()
        .args(["check", "--pack", DEMO, "--select", "demo", "-"])
        .write_stdin("这款不包邮\n")
        .assert()
        .code(0);
    // 1: warnings over --max-warnings.
    huashu()
        .args([
            "check",
            "--pack",
            DEMO,
            "--select",
            "demo",
            "--max-warnings",
            "0",
            "-",
        ])
        .write_stdin("这款不包邮\n")
        .assert()
        .code(1);
    // 1: an error-level finding.
    huashu()
        .args(["check", "--pack", DEMO, "--select", "demo", "-"])
        .write_stdin("不知道\n")
        .assert()
        .code(1);
    // 2: a missing path, named.
    huashu()
        .args(["check", "--pack", DEMO, "no/such/file.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.txt"));
    // 2: an unknown rule in --select.
    huashu()
        .args(["check", "--pack", DEMO, "--select", "demo/nope", "-"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("demo/nope"));
    // 2: a file of unknown format named explicitly.
    huashu()
        .args(["check", "--pack", DEMO, "Cargo.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Cargo.toml"));
    // 2: bad usage.
    huashu().args(["check", "--format", "xml"]).assert().code(2);
}

#[test]
fn select_and_ignore() {
    let (doc, _) = json(&[
        "--ignore",
        "demo/you,demo/long",
        "tests/fixtures/core/phrases.txt",
    ]);
    let rules: Vec<String> = found(&doc).into_iter().map(|d| d.0).collect();
    assert_eq!(rules, vec!["demo/dont-know", "demo/sorry"]);
}

#[test]
fn pretty_output_shows_the_line_label_message_help_and_summary() {
    let out = huashu()
        .args([
            "check",
            "--pack",
            DEMO,
            "--select",
            "demo",
            "tests/fixtures/core/phrases.txt",
        ])
        .output()
        .unwrap();
    insta::assert_snapshot!("pretty_phrases_txt", String::from_utf8(out.stdout).unwrap());
}

/// What `check` prints loading a pack that has a mistake (it exits with 2).
fn pack_error(pack: &str) -> String {
    let out = huashu()
        .args(["check", "--no-config", "--pack", pack, "-"])
        .write_stdin("")
        .assert()
        .code(2);
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

#[test]
fn broken_regex_points_at_the_pattern() {
    let stderr = pack_error("tests/fixtures/core/broken-pack.yaml");
    assert!(stderr.contains("broken-pack.yaml:10:16"), "{stderr}");
    insta::assert_snapshot!("broken_regex", stderr);
}

/// `defers_to` naming no rule of the pack is an error under that id; fixed, the deferring rule is
/// quiet where the rule it names reports, and reports where it does not.
#[test]
fn defers_to_points_at_a_wrong_id_and_keeps_one_finding_per_problem() {
    let stderr = pack_error("tests/fixtures/core/defers-pack.yaml");
    assert!(stderr.contains("defers-pack.yaml:31:17"), "{stderr}");
    assert!(
        stderr.contains("规则包 myshop 里没有规则 myshop/curt-noo"),
        "{stderr}"
    );
    assert!(stderr.contains("没有这条规则"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let fixed = std::fs::read_to_string("tests/fixtures/core/defers-pack.yaml")
        .unwrap()
        .replace("myshop/curt-noo", "myshop/curt-no");
    let pack = dir.path().join("defers-pack.yaml");
    std::fs::write(&pack, fixed).unwrap();
    let out = huashu()
        .args([
            "check",
            "--no-config",
            "--select",
            "myshop",
            "--format",
            "json",
            "--pack",
        ])
        .arg(&pack)
        .arg("-")
        .write_stdin("不行，不能再便宜了\n这个不能改\n")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, u64, String)> = found(&doc)
        .into_iter()
        .map(|(rule, line, _, _, matched)| (rule, line, matched))
        .collect();
    assert_eq!(
        got,
        [
            ("myshop/curt-no".to_string(), 1, "不行".to_string()),
            ("myshop/any-refusal".to_string(), 2, "不能".to_string())
        ]
    );
}

#[test]
fn unknown_field_points_at_the_field() {
    let stderr = pack_error("tests/fixtures/core/unknown-field-pack.yaml");
    assert!(stderr.contains("unknown-field-pack.yaml:7:5"), "{stderr}");
    assert!(stderr.contains("未知字段"), "{stderr}");
    insta::assert_snapshot!("unknown_field", stderr);
}

/// Packs are read side by side, but errors are reported as a one-by-one load would: the first
/// broken pack named, and only it, whichever of them finishes reading first.
#[test]
fn of_two_broken_packs_the_first_named_is_reported() {
    for (first, second) in [
        ("unknown-field-pack.yaml", "broken-pack.yaml"),
        ("broken-pack.yaml", "unknown-field-pack.yaml"),
    ] {
        let out = huashu()
            .args(["check", "--no-config", "--pack"])
            .arg(format!("tests/fixtures/core/{first}"))
            .arg("--pack")
            .arg(format!("tests/fixtures/core/{second}"))
            .arg("-")
            .write_stdin("")
            .assert()
            .code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains(first), "{stderr}");
        assert!(!stderr.contains(second), "{stderr}");
    }
}

#[test]
fn misbehaving_example_is_a_pack_error_and_a_test_rules_failure() {
    let stderr = pack_error("tests/fixtures/core/bad-example-pack.yaml");
    assert!(stderr.contains("bad-example-pack.yaml:13:14"), "{stderr}");
    assert!(
        stderr.contains("正例误触发了规则 broken/example"),
        "{stderr}"
    );
    huashu()
        .args([
            "test-rules",
            "tests/fixtures/core/bad-example-pack.yaml",
            DEMO,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 个失败"))
        .stdout(predicate::str::contains(
            "demo.yaml：4 条规则，11 个例子，11 个通过，0 个失败",
        ));
}

#[test]
fn rules_and_explain() {
    huashu()
        .args(["rules", "--pack", DEMO])
        .assert()
        .success()
        .stdout(predicate::str::contains("demo/dont-know"))
        .stdout(predicate::str::contains("require-with"));
    huashu()
        .args(["explain", "demo/dont-know", "--pack", DEMO])
        .assert()
        .success()
        .stdout(predicate::str::contains("000_9ad25540fe6c8c52.txt"))
        .stdout(predicate::str::contains("✗ 这个我不知道。"))
        .stdout(predicate::str::contains("✓ 我帮您确认一下"));
    huashu()
        .args(["explain", "demo/nope", "--pack", DEMO])
        .assert()
        .code(2);
}

#[test]
fn a_long_line_with_many_findings_stays_small_in_every_format() {
    // 300 findings on one 300 KB line: each report must not repeat the whole line per finding.
    let line = format!(
        "{}\n",
        format!("{}这个不知道，", "我们".repeat(160)).repeat(300)
    );
    for format in ["pretty", "json", "sarif", "github", "junit"] {
        let out = huashu()
            .args([
                "check",
                "--format",
                format,
                "--pack",
                DEMO,
                "--select",
                "demo/dont-know",
                "-",
            ])
            .write_stdin(line.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(
            out.stdout.len() < 3_000_000,
            "{format}: {} bytes of output",
            out.stdout.len()
        );
        let text = String::from_utf8(out.stdout).unwrap();
        if format == "pretty" {
            // The second finding's true column, with only a window of the line shown.
            assert!(text.contains("<stdin>:1:649"), "{}", &text[..2000]);
        }
    }
}

#[test]
fn a_text_far_longer_than_any_reply_is_checked_window_by_window() {
    // A 400 KB line (a document pasted into one cell): checked in windows that end at sentence
    // ends, so no problem is lost or reported twice at a cut, columns count from the line's start,
    // and the length limit still counts the whole line, once.
    let clean = "您好，欢迎光临小店，有什么可以帮您的吗？";
    let bad = "这个我们也不知道。";
    let mut line = String::new();
    let mut expected = Vec::new();
    for i in 0..8000 {
        if i % 7 == 3 {
            let column = line.chars().count() + 1 + bad.find("不知道").unwrap() / 3;
            expected.push(column);
            line.push_str(bad);
        } else {
            line.push_str(clean);
        }
    }
    let chars = line.chars().count();
    assert!(line.len() > 300_000);
    let out = huashu()
        .args(["check", "--no-config", "--format", "json", "-"])
        .write_stdin(format!("{line}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    let of = |rule: &str| -> Vec<&serde_json::Value> {
        diagnostics.iter().filter(|d| d["rule"] == rule).collect()
    };
    let dont_know: Vec<u64> = of("etiquette/dont-know")
        .iter()
        .map(|d| d["column"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = expected.iter().map(|&c| c as u64).collect();
    assert_eq!(dont_know, expected);
    let too_long = of("hygiene/too-long");
    assert_eq!(too_long.len(), 1, "{too_long:?}");
    assert_eq!(too_long[0]["column"], 431);
    assert_eq!(too_long[0]["end_column"], chars as u64 + 1);
    let rules: std::collections::BTreeSet<&str> = diagnostics
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["etiquette/dont-know", "hygiene/too-long"]
    );
}

#[test]
fn version_lists_every_built_in_pack_with_its_version() {
    let out = huashu().arg("--version").assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(concat!("huashu ", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    assert_eq!(lines.next(), Some("内置规则包："), "{stdout}");
    for pack in ["etiquette", "compliance", "hygiene", "library", "cosmetics"] {
        let yaml = std::fs::read_to_string(format!("rules/{pack}.yaml")).unwrap();
        let version = yaml
            .lines()
            .find_map(|l| l.strip_prefix("version: "))
            .unwrap_or_else(|| panic!("rules/{pack}.yaml has no version"));
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{pack} {version}"))),
            "{pack} {version}: {stdout}"
        );
    }
}

#[test]
fn rules_shows_each_packs_version_in_its_header() {
    let out = huashu().arg("rules").assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("# etiquette 1.0.0（"), "{stdout}");
}

/// Hong Kong replies meet the rules in Cantonese: the matching view folds 唔/冇/嘅…, while findings point
/// at the characters the shop wrote, and 唔該 (thanks) stays thanks.
#[test]
fn cantonese_replies_meet_the_rules_at_their_own_characters() {
    let out = huashu()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "etiquette",
            "-",
        ])
        .write_stdin("唔得，呢款唔設退換\n呢款特價唔設退換\n唔該晒，我哋聽日寄出\n")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = found(&doc);
    let want: Vec<(String, u64, u64, u64, String)> = [
        // the second refusal after a curt opening is bare-no's one finding (defers_to)
        ("etiquette/bare-no", 1, 1, 4, "唔得，"),
        ("etiquette/refusal-without-apology", 2, 5, 9, "唔設退換"),
    ]
    .into_iter()
    .map(|(r, l, c, e, m)| (r.to_string(), l, c, e, m.to_string()))
    .collect();
    assert_eq!(got, want);
}
