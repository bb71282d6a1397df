//! A renamed rule keeps its former id as an alias (`aliases:` in its pack). No built-in rule has been
//! renamed yet, so these tests rename one in a pack of their own: the old id must keep working in the
//! config, on the command line, in suppressions, in baselines and in `huashu explain`, with a note on
//! standard error once per old id and the exit code unchanged.

use serde_json::Value;
use std::path::Path;

mod common;

const OLD: &str = "myshop/no-wechat";
const NEW: &str = "myshop/no-private-contact";

/// A pack whose contact rule was called `myshop/no-wechat` before it was renamed.
const PACK: &str = "pack: myshop
version: 1.1.0
description: 自己店铺的规则
rules:
  - id: myshop/no-private-contact
    aliases: [myshop/no-wechat]
    kind: forbid
    level: warning
    message: 不要引导顾客加微信
    explain: 平台禁止站外联系。
    source: 店铺规范
    words: [微信]
    examples: {bad: [加我微信], good: [有问题随时找我]}
  - id: myshop/no-sure
    kind: forbid
    level: warning
    message: 不要打包票
    explain: 说不准的事不要保证。
    source: 店铺规范
    words: [包好]
    examples: {bad: [包好], good: [一般都能好]}
";

/// A phrase each rule of the pack finds.
const PHRASES: &str = "加我微信\n用了包好\n";

fn note(place_advice: &str) -> String {
    format!("提示：规则 {OLD} 已改名为 {NEW}，旧 id 仍然有效；{place_advice}。")
}

/// A project with the pack, a config (`config` appended to `packs: [myshop.yaml]`) and files.
fn project(config: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let config = format!("packs: [myshop.yaml]\n{config}");
    let mut all: Vec<(&str, &str)> = vec![("myshop.yaml", PACK), ("huashu.yaml", &config)];
    all.extend(files);
    common::project::<&str>(&[], &all)
}

struct Run {
    code: i32,
    /// (rule, severity) of each finding.
    findings: Vec<(String, String)>,
    stderr: String,
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let out = common::huashu(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let findings = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    Run {
        code: out.status.code().unwrap(),
        findings,
        stderr,
    }
}

fn rules(run: &Run) -> Vec<&str> {
    run.findings.iter().map(|(r, _)| r.as_str()).collect()
}

#[test]
fn an_old_id_in_the_config_works_everywhere_and_is_noted_once() {
    // The old id in select, levels and an override: one note, and the same run as with the new id.
    let config = |id: &str| {
        format!(
            "select: [{id}, myshop/no-sure]\nlevels: {{{id}: error}}\noverrides:\n  - files: [b.txt]\n    ignore: [{id}]\n"
        )
    };
    let files = [("a.txt", PHRASES), ("b.txt", PHRASES)];
    let old = project(&config(OLD), &files);
    let new = project(&config(NEW), &files);
    let (with_old, with_new) = (check(old.path(), &["."]), check(new.path(), &["."]));
    assert_eq!(with_old.findings, with_new.findings);
    assert_eq!(with_old.code, with_new.code);
    assert_eq!(
        with_old.findings,
        [
            (NEW.to_string(), "error".to_string()),
            ("myshop/no-sure".to_string(), "warning".to_string()),
            ("myshop/no-sure".to_string(), "warning".to_string()),
        ]
    );
    assert_eq!(with_old.code, 1);
    assert_eq!(
        with_old.stderr.matches("已改名为").count(),
        1,
        "{}",
        with_old.stderr
    );
    assert!(
        with_old.stderr.contains(&note("请在配置文件里改用新 id")),
        "{}",
        with_old.stderr
    );
    assert!(!with_new.stderr.contains("已改名"), "{}", with_new.stderr);
    // `huashu config` reads the same config, and says the same.
    let out = common::huashu(old.path()).arg("config").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains(&note("请在配置文件里改用新 id"))
    );
    let effective = String::from_utf8(out.stdout).unwrap();
    assert!(
        effective.contains(&format!("\"{NEW}\": error")),
        "{effective}"
    );
}

#[test]
fn an_old_id_on_the_command_line_selects_and_ignores_the_rule() {
    let dir = project("", &[("a.txt", PHRASES)]);
    let selected = check(dir.path(), &["--select", OLD, "a.txt"]);
    assert_eq!(rules(&selected), [NEW]);
    assert_eq!(selected.code, 0, "warnings only");
    assert!(
        selected.stderr.contains(&note("请在命令行里改用新 id")),
        "{}",
        selected.stderr
    );
    let ignored = check(
        dir.path(),
        &[
            "--select", "myshop", "--ignore", OLD, "--ignore", OLD, "a.txt",
        ],
    );
    assert_eq!(rules(&ignored), ["myshop/no-sure"]);
    assert_eq!(
        ignored.stderr.matches("已改名为").count(),
        1,
        "{}",
        ignored.stderr
    );
}

#[test]
fn an_old_id_in_a_suppression_still_silences_the_rule() {
    let dir = project(
        "select: [myshop]\n",
        &[
            (
                "a.txt",
                "# huashu-allow: myshop/no-wechat -- 这是公司企业微信，平台允许\n加我微信\n# huashu-allow: myshop/no-wechat -- 同上\n加我微信\n",
            ),
            (
                "b.yaml",
                "groups:\n  - name: 售前\n    phrases:\n      - text: 加我微信\n        allow: [myshop/no-wechat]\n        reason: 企业微信\n",
            ),
        ],
    );
    let run = check(dir.path(), &["a.txt", "b.yaml"]);
    // Silenced, and neither an invalid nor an unused suppression.
    assert_eq!(rules(&run), Vec::<&str>::new(), "{}", run.stderr);
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr.matches("已改名为").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&note("请在豁免里改用新 id")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_baseline_written_before_the_rename_still_holds_the_findings() {
    let dir = project("select: [myshop]\n", &[("a.txt", PHRASES)]);
    let baseline = format!(
        "{{\"version\": 1, \"findings\": [\n  {{\"path\": \"a.txt\", \"rule\": \"{OLD}\", \"phrase\": \"加我微信\", \"count\": 1}}\n]}}\n"
    );
    std::fs::write(dir.path().join("baseline.json"), baseline).unwrap();
    let run = check(dir.path(), &["--baseline", "baseline.json", "a.txt"]);
    assert_eq!(rules(&run), ["myshop/no-sure"], "{}", run.stderr);
    assert!(
        run.stderr.contains("另有 1 条问题已记录在基线"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("不再出现"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&note("可以用 --write-baseline 重新生成基线")),
        "{}",
        run.stderr
    );
    // A baseline written now records the current id.
    common::huashu(dir.path())
        .args(["check", "--write-baseline", "new.json", "a.txt"])
        .assert()
        .code(0);
    let written = std::fs::read_to_string(dir.path().join("new.json")).unwrap();
    assert!(written.contains(NEW) && !written.contains(OLD), "{written}");
}

#[test]
fn explain_answers_to_an_old_id() {
    let dir = project("", &[]);
    let out = common::huashu(dir.path())
        .args(["explain", OLD])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with(NEW), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim_end(), note("请改用新 id"));
}

#[test]
fn an_alias_naming_another_rule_is_a_pack_error_at_the_alias() {
    let dir = common::project::<&str>(&[], &[("a.txt", PHRASES)]);
    // The pack with `from` replaced by `to`: the run must refuse it, and says why on stderr.
    let refused = |from: &str, to: &str| -> String {
        std::fs::write(dir.path().join("myshop.yaml"), PACK.replace(from, to)).unwrap();
        let out = common::huashu(dir.path())
            .args(["check", "--pack", "myshop.yaml", "a.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8(out.stderr).unwrap()
    };
    // Within the pack: the old id is the other rule's id.
    let stderr = refused("aliases: [myshop/no-wechat]", "aliases: [myshop/no-sure]");
    assert!(stderr.contains("myshop.yaml:6:15"), "{stderr}");
    assert!(
        stderr.contains("旧 id myshop/no-sure 是另一条规则现在的 id"),
        "{stderr}"
    );
    // Two rules of the pack with the same old id.
    let stderr = refused(
        "  - id: myshop/no-sure\n",
        "  - id: myshop/no-sure\n    aliases: [myshop/no-wechat]\n",
    );
    assert!(stderr.contains("myshop.yaml:15:15"), "{stderr}");
    assert!(
        stderr.contains(&format!("已经是规则 {NEW} 的旧 id")),
        "{stderr}"
    );
    // Across packs: the old id is a built-in rule's id.
    let stderr = refused(
        "aliases: [myshop/no-wechat]",
        "aliases: [etiquette/dont-know]",
    );
    assert!(stderr.contains("myshop.yaml:6:15"), "{stderr}");
    assert!(
        stderr.contains("规则包 etiquette 里一条规则现在的 id"),
        "{stderr}"
    );
}

#[test]
fn rules_shows_a_user_packs_version() {
    let dir = project("", &[]);
    let out = common::huashu(dir.path()).arg("rules").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("# myshop 1.1.0（用 --pack 加载）"),
        "{stdout}"
    );
}
