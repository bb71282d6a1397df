//! `huashu.yaml`: discovery, every setting, and errors that point at the line in the config.

use serde_json::Value;
use std::path::Path;

mod common;

/// A temporary project with the demo pack and the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    common::project(
        &[
            ("demo.yaml", "packs/demo.yaml"),
            ("scenic.yaml", "config/scene-pack.yaml"),
        ],
        files,
    )
}

fn huashu(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    common::huashu(dir).args(args).assert()
}

/// Runs `check --format json`; returns the exit code and the (rule, path, severity) of each finding.
fn findings(dir: &Path, args: &[&str]) -> (i32, Vec<(String, String, String)>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = huashu(dir, &all).get_output().clone();
    let code = out.status.code().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let list = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (code, list)
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

#[test]
fn config_is_found_from_a_parent_directory() {
    let dir = project(&[
        ("huashu.yaml", "packs: [demo.yaml]\nselect: [demo]\n"),
        ("话术/a.txt", "这个我不知道\n"),
    ]);
    let (code, f) = findings(&dir.path().join("话术"), &["a.txt"]);
    assert_eq!(code, 1);
    assert_eq!(f[0].0, "demo/dont-know");
    // A dotted name works too.
    std::fs::rename(
        dir.path().join("huashu.yaml"),
        dir.path().join(".huashu.yaml"),
    )
    .unwrap();
    let (_, f) = findings(&dir.path().join("话术"), &["a.txt"]);
    assert_eq!(f.len(), 1);
}

#[test]
fn explicit_config_and_no_config() {
    let dir = project(&[
        (
            "cfg/other.yaml",
            "packs: [../demo.yaml]\nselect: [demo]\nignore: [demo/dont-know]\n",
        ),
        ("huashu.yaml", "packs: [demo.yaml]\nselect: [demo]\n"),
        ("a.txt", "这个我不知道\n"),
    ]);
    let (code, f) = findings(dir.path(), &["--config", "cfg/other.yaml", "a.txt"]);
    assert_eq!((code, f.len()), (0, 0));
    let (_, f) = findings(dir.path(), &["--no-config", "a.txt"]);
    assert!(
        f.iter().all(|(r, _, _)| !r.starts_with("demo/")),
        "no demo pack without the config: {f:?}"
    );
}

#[test]
fn levels_select_and_ignore() {
    let dir = project(&[
        (
            "huashu.yaml",
            "packs: [demo.yaml]\nselect: [demo]\nlevels:\n  demo: info\n  demo/you: warning\n  demo/sorry: off\n",
        ),
        ("a.txt", "这个我不知道\n你好\n这个不包邮\n"),
    ]);
    let (code, f) = findings(dir.path(), &["a.txt"]);
    assert_eq!(code, 0, "{f:?}");
    let got: Vec<(&str, &str)> = f.iter().map(|(r, _, s)| (r.as_str(), s.as_str())).collect();
    assert_eq!(
        got,
        vec![("demo/dont-know", "info"), ("demo/you", "warning")]
    );
    // --select replaces the config's selection; --ignore adds to it.
    let (_, f) = findings(dir.path(), &["--select", "demo/sorry,demo/you", "a.txt"]);
    assert_eq!(f.len(), 1, "demo/sorry is still off by level: {f:?}");
    let (_, f) = findings(dir.path(), &["--ignore", "demo/you", "a.txt"]);
    assert_eq!(f.len(), 1);
    // max_warnings from the config; the command line wins.
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "packs: [demo.yaml]\nselect: [demo]\nlevels: {demo: warning}\nmax_warnings: 1\n",
    )
    .unwrap();
    assert_eq!(findings(dir.path(), &["a.txt"]).0, 1);
    assert_eq!(findings(dir.path(), &["--max-warnings", "5", "a.txt"]).0, 0);
}

#[test]
fn exclude_and_per_path_overrides() {
    let dir = project(&[
        (
            "huashu.yaml",
            concat!(
                "packs: [demo.yaml]\nselect: [demo]\n",
                "exclude: [旧/, '*.bak.txt']\n",
                "overrides:\n",
                "  - files: ['售后/*.csv']\n",
                "    ignore: [demo/you]\n",
                "    levels: {demo/dont-know: info}\n",
                "  - files: [欢迎.txt]\n",
                "    select: [demo/you]\n",
            ),
        ),
        ("旧/a.txt", "不知道\n"),
        ("b.bak.txt", "不知道\n"),
        ("售后/c.csv", "快捷短语\n你好，不知道\n"),
        ("欢迎.txt", "你好，不知道\n"),
        ("d.txt", "你好，不知道\n"),
    ]);
    let (code, f) = findings(dir.path(), &["."]);
    assert_eq!(code, 1);
    let got: Vec<String> = f.iter().map(|(r, p, s)| format!("{p} {r} {s}")).collect();
    assert_eq!(
        got,
        vec![
            "d.txt demo/you info",
            "d.txt demo/dont-know error",
            "售后/c.csv demo/dont-know info",
            "欢迎.txt demo/you info",
        ]
    );
}

#[test]
fn scene_keywords_and_limits() {
    let dir = project(&[
        (
            "huashu.yaml",
            "packs: [scenic.yaml, demo.yaml]\nscenes: {活动: bargaining}\nmax_chars: 5\nselect: [scenic, demo/long]\n",
        ),
        (
            "a.csv",
            "快捷短语,分组\n这是最低价,店铺活动\n这是最低价,其他\n",
        ),
    ]);
    let (_, f) = findings(dir.path(), &["a.csv"]);
    let rules: Vec<&str> = f.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(rules, vec!["scenic/no-discount"], "{f:?}");
    std::fs::write(dir.path().join("a.csv"), "快捷短语\n亲，这是最低价\n").unwrap();
    let (_, f) = findings(dir.path(), &["a.csv"]);
    assert_eq!(f[0].0, "demo/long", "6 characters is over max_chars: 5");
}

#[test]
fn unknown_key_is_an_error_at_its_line() {
    let dir = project(&[
        ("huashu.yaml", "packs: [demo.yaml]\nignor: [demo/you]\n"),
        ("a.txt", "好\n"),
    ]);
    let a = huashu(dir.path(), &["check", "a.txt"]).code(2);
    let err = stderr(&a);
    assert!(err.contains("huashu.yaml:2:1"), "{err}");
    assert!(err.contains("未知字段"), "{err}");
}

#[test]
fn bad_values_are_errors_at_their_place() {
    let dir = project(&[
        (
            "huashu.yaml",
            concat!(
                "packs: [demo.yaml]\n",
                "select: [demo/nope]\n",
                "levels:\n",
                "  demo/you: loud\n",
                "disable_packs: [nothing]\n",
                "overrides:\n",
                "  - files: ['a{b']\n",
                "    ignore: [demo/also-nope]\n",
            ),
        ),
        ("a.txt", "好\n"),
    ]);
    let a = huashu(dir.path(), &["check", "a.txt"]).code(2);
    let err = stderr(&a);
    // The level is checked while reading; the names once the packs are loaded.
    assert!(err.contains("huashu.yaml:4:13"), "{err}");
    assert!(err.contains("未知的级别"), "{err}");
    std::fs::write(
        dir.path().join("huashu.yaml"),
        concat!(
            "packs: [demo.yaml]\n",
            "select: [demo/nope]\n",
            "disable_packs: [nothing]\n",
            "overrides:\n",
            "  - files: ['a{b']\n",
            "    ignore: [demo/also-nope]\n",
        ),
    )
    .unwrap();
    let a = huashu(dir.path(), &["check", "a.txt"]).code(2);
    let err = stderr(&a);
    for at in [
        "huashu.yaml:2:10",
        "huashu.yaml:3:17",
        "huashu.yaml:5:13",
        "huashu.yaml:6:14",
    ] {
        assert!(err.contains(at), "{at} in {err}");
    }
    assert!(err.contains("4 处错误"), "{err}");
}

#[test]
fn a_pack_that_does_not_exist_is_an_error_at_its_line() {
    let dir = project(&[("huashu.yaml", "packs: [nope.yaml]\n"), ("a.txt", "好\n")]);
    let a = huashu(dir.path(), &["check", "a.txt"]).code(2);
    let err = stderr(&a);
    assert!(err.contains("找不到规则包 nope.yaml"), "{err}");
    assert!(err.contains("huashu.yaml:1:9"), "{err}");
}

#[test]
fn init_writes_a_starter_that_loads_and_config_prints_the_effective_one() {
    let dotted = project(&[(".huashu.yaml", "select: []\n")]);
    huashu(dotted.path(), &["init"]).code(2);
    let dir = project(&[]);
    huashu(dir.path(), &["init"]).success();
    let text = std::fs::read_to_string(dir.path().join("huashu.yaml")).unwrap();
    assert!(text.contains("# packs:"));
    huashu(dir.path(), &["init"]).code(2);
    huashu(dir.path(), &["init", "--force"]).success();
    std::fs::write(
        dir.path().join("huashu.yaml"),
        format!("{text}\npacks: [demo.yaml]\nlevels: {{demo/you: off}}\n"),
    )
    .unwrap();
    let a = huashu(dir.path(), &["config"]).success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(out.contains("\"demo/you\": off"), "{out}");
    assert!(out.contains("\"demo/dont-know\": error"), "{out}");
    assert!(out.contains("origin: \"demo.yaml\""), "{out}");
}

#[test]
fn rules_and_explain_see_the_config_packs() {
    let dir = project(&[("huashu.yaml", "packs: [demo.yaml]\n")]);
    let a = huashu(dir.path(), &["rules"]).success();
    assert!(String::from_utf8_lossy(&a.get_output().stdout).contains("demo/you"));
    huashu(dir.path(), &["explain", "demo/you"]).success();
    huashu(dir.path(), &["explain", "huashu/unused-suppression"]).success();
}
