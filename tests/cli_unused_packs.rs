//! A check does not parse a built-in pack none of whose rules its selection lets run on any file
//! (start-up time). Nothing a user sees may change with it: findings, the names `--select` and
//! `--ignore` accept and the errors for the others, former ids, clashes with a pack of one's own,
//! per-path overrides, `huashu config` and exit codes.

use serde_json::Value;
use std::path::Path;

mod common;

/// A pack of one's own, whose rule was called `words/old-three` before it was renamed.
const WORDS: &str = "pack: words
description: 三个词
rules:
  - id: words/three
    aliases: [words/old-three]
    kind: forbid
    level: warning
    message: 命中词表
    explain: 三个词。
    source: 测试
    words: [微信, 不知道, 最好]
    examples: {bad: [加我微信], good: [您好]}
";

/// Phrases the words pack finds, and one only `etiquette/dont-know` finds.
const PHRASES: &str = "加我微信\n这个我也不清楚\n";

struct Run {
    code: i32,
    /// (rule, line) of each finding.
    findings: Vec<(String, u64)>,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = common::huashu(dir).args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let findings = serde_json::from_slice::<Value>(&out.stdout)
        .map(|json| {
            json["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap().to_string(),
                        d["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Run {
        code: out.status.code().unwrap(),
        findings,
        stderr,
    }
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec![
        "check",
        "--no-config",
        "--format",
        "json",
        "--pack",
        "words.yaml",
    ];
    all.extend(args);
    run(dir, &all)
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let mut all = vec![("words.yaml", WORDS)];
    all.extend(files);
    common::project::<&str>(&[], &all)
}

fn finding(rule: &str, line: u64) -> (String, u64) {
    (rule.to_string(), line)
}

#[test]
fn a_pack_of_ones_own_selected_alone_finds_what_it_did() {
    let dir = project(&[("a.txt", PHRASES)]);
    let selected = check(dir.path(), &["--select", "words", "a.txt"]);
    assert_eq!(selected.findings, [finding("words/three", 1)]);
    assert_eq!(selected.code, 0, "warnings only: {}", selected.stderr);
    assert_eq!(selected.stderr, "");
    // Selected by its former id: the same findings, and the note.
    let old = check(dir.path(), &["--select", "words/old-three", "a.txt"]);
    assert_eq!(old.findings, selected.findings);
    assert_eq!(old.code, 0);
    assert!(
        old.stderr.contains(
            "提示：规则 words/old-three 已改名为 words/three，旧 id 仍然有效；请在命令行里改用新 id。"
        ),
        "{}",
        old.stderr
    );
    // Built-in rules named in --ignore are still known, though their packs are not loaded.
    let ignoring = check(
        dir.path(),
        &[
            "--select",
            "words",
            "--ignore",
            "etiquette/dont-know,compliance",
            "a.txt",
        ],
    );
    assert_eq!(ignoring.findings, selected.findings);
    assert_eq!(ignoring.code, 0, "{}", ignoring.stderr);
}

#[test]
fn an_unknown_name_in_select_is_still_an_error() {
    let dir = project(&[("a.txt", PHRASES)]);
    for select in ["words,no-such-rule", "etiquette/no-such-rule"] {
        let out = check(dir.path(), &["--select", select, "a.txt"]);
        assert_eq!(out.code, 2);
        let unknown = select.split(',').next_back().unwrap();
        assert!(
            out.stderr
                .contains(&format!("没有名为 {unknown} 的规则或规则包")),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("用 huashu rules 查看全部规则；规则包没有启用时，它的规则也不可用"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_built_in_rule_selected_alone_still_runs() {
    let dir = project(&[("a.txt", PHRASES)]);
    let out = check(dir.path(), &["--select", "etiquette/dont-know", "a.txt"]);
    assert_eq!(out.findings, [finding("etiquette/dont-know", 2)]);
    let both = check(dir.path(), &["--select", "words,etiquette", "a.txt"]);
    assert_eq!(
        both.findings,
        [finding("words/three", 1), finding("etiquette/dont-know", 2)]
    );
}

#[test]
fn an_override_that_selects_a_built_in_rule_runs_it_on_its_files() {
    let dir = project(&[
        ("a.txt", PHRASES),
        ("售后/b.txt", PHRASES),
        (
            "huashu.yaml",
            "packs: [words.yaml]\noverrides:\n  - files: [售后/]\n    select: [etiquette/dont-know]\n    levels: {etiquette/dont-know: error}\n",
        ),
    ]);
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--select", "words", "."],
    );
    assert_eq!(
        out.findings,
        [finding("words/three", 1), finding("etiquette/dont-know", 2)]
    );
    assert_eq!(
        out.code, 1,
        "the override's rule is an error: {}",
        out.stderr
    );
    // The SARIF rule list names both rules.
    let sarif = common::huashu(dir.path())
        .args(["check", "--format", "sarif", "--select", "words", "."])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["words/three", "etiquette/dont-know"]);
}

#[test]
fn a_suppression_of_a_rule_not_loaded_is_neither_invalid_nor_unused() {
    let dir = project(&[(
        "a.txt",
        "# huashu-allow: etiquette/dont-know -- 店长同意\n这个我也不清楚\n",
    )]);
    let out = check(dir.path(), &["--select", "words", "a.txt"]);
    assert_eq!(out.findings, []);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_clash_with_a_built_in_pack_not_used_is_still_reported() {
    // A pack of one's own that calls itself etiquette, and one whose former id is a built-in
    // rule's id: the same error, exit code 2, whether or not the built-in pack's rules are selected.
    let twin = WORDS
        .replace("pack: words", "pack: etiquette")
        .replace("words/", "etiquette/");
    let clash = WORDS.replace("words/old-three", "etiquette/dont-know");
    for (pack, error) in [
        (twin.as_str(), "规则包 etiquette 加载了两次"),
        (
            clash.as_str(),
            "旧 id etiquette/dont-know 是规则包 etiquette 里一条规则现在的 id",
        ),
    ] {
        let dir = common::project::<&str>(&[], &[("mine.yaml", pack), ("a.txt", PHRASES)]);
        let base = ["check", "--no-config", "--pack", "mine.yaml"];
        let select = pack.lines().next().unwrap().trim_start_matches("pack: ");
        let all = run(dir.path(), &[&base[..], &["a.txt"]].concat());
        let mine = run(
            dir.path(),
            &[&base[..], &["--select", select, "a.txt"]].concat(),
        );
        assert_eq!(all.code, 2);
        assert!(all.stderr.contains(error), "{}", all.stderr);
        assert_eq!((mine.code, mine.stderr), (all.code, all.stderr));
    }
}

#[test]
fn huashu_config_still_lists_every_rule() {
    let dir = project(&[]);
    let out = common::huashu(dir.path())
        .args([
            "config",
            "--no-config",
            "--pack",
            "words.yaml",
            "--select",
            "words",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let effective = String::from_utf8(out.stdout).unwrap();
    for line in [
        "  - {name: \"etiquette\", origin: \"rules/etiquette.yaml\"}",
        "  \"etiquette/dont-know\": off",
        "  \"compliance/absolute-claim\": off",
        "  \"words/three\": warning",
    ] {
        assert!(effective.contains(line), "{line}\n{effective}");
    }
}
