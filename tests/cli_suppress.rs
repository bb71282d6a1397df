//! Suppressions: every form, the reason they need, and the report of those that silence nothing.

use serde_json::Value;
use std::path::Path;

mod common;

/// A project with the demo pack selected by its config, and the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let config = [("huashu.yaml", "packs: [demo.yaml]\nselect: [demo]\n")];
    let all: Vec<(&str, &str)> = config.iter().chain(files).copied().collect();
    common::project(&[("demo.yaml", "packs/demo.yaml")], &all)
}

/// (rule, line, severity) of each finding, and the exit code.
fn findings(dir: &Path, file: &str) -> (i32, Vec<(String, u64, String)>) {
    let out = common::huashu(dir)
        .args(["check", "--format", "json", file])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let list = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap(), list)
}

fn rules(f: &[(String, u64, String)]) -> Vec<String> {
    f.iter().map(|(r, l, _)| format!("{l} {r}")).collect()
}

#[test]
fn txt_comment_suppresses_the_next_phrase() {
    let dir = project(&[(
        "a.txt",
        "# huashu-allow: demo/dont-know -- 顾客问的是竞品，确实不知道\n这个我不知道\n这个我不知道\n",
    )]);
    let (code, f) = findings(dir.path(), "a.txt");
    assert_eq!(rules(&f), vec!["3 demo/dont-know"]);
    assert_eq!(code, 1);
}

#[test]
fn txt_comment_forms_several_rules_packs_and_full_width_marks() {
    let dir = project(&[(
        "a.txt",
        concat!(
            "# huashu-allow：demo/dont-know，demo/you —— 老客户习惯\n",
            "你好，这个我不知道\n",
            "# huashu-allow: demo -- 整条是内部备注\n",
            "# 其他注释不打断豁免\n",
            "你不知道\n",
        ),
    )]);
    let (code, f) = findings(dir.path(), "a.txt");
    assert_eq!(rules(&f), Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn a_suppression_needs_a_reason_and_a_known_rule() {
    let dir = project(&[(
        "a.txt",
        "# huashu-allow: demo/dont-know\n这个我不知道\n# huashu-allow: demo/nope -- 理由\n好的\n",
    )]);
    let (code, f) = findings(dir.path(), "a.txt");
    assert_eq!(
        rules(&f),
        vec![
            "1 huashu/invalid-suppression",
            "2 demo/dont-know",
            "3 huashu/invalid-suppression",
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn the_placeholder_reason_is_no_reason() {
    // `理由` is the word the docs write for the reason, and what `huashu server` fills in when it adds a
    // suppression: left as it is, the suppression does not apply, in every format.
    let dir = project(&[
        (
            "a.txt",
            "# huashu-allow: demo/dont-know -- 理由\n这个我不知道\n",
        ),
        (
            "b.yaml",
            "groups:\n  - name: 售后\n    phrases:\n      - text: 这个我不知道\n        allow: [demo/dont-know]\n        reason: 理由\n",
        ),
    ]);
    for file in ["a.txt", "b.yaml"] {
        let (code, f) = findings(dir.path(), file);
        let got: Vec<&str> = f.iter().map(|(r, _, _)| r.as_str()).collect();
        assert!(
            got.contains(&"huashu/invalid-suppression"),
            "{file}: {got:?}"
        );
        assert!(got.contains(&"demo/dont-know"), "{file}: {got:?}");
        assert_eq!(code, 1);
    }
}

#[test]
fn unused_suppressions_are_reported_as_info() {
    let dir = project(&[(
        "a.txt",
        concat!(
            "# huashu-allow: demo/dont-know -- 以前有问题\n",
            "我帮您确认一下\n",
            "\n",
            "# huashu-allow: demo/you -- 空行隔开了\n",
            "\n",
            "你好\n",
        ),
    )]);
    let (code, f) = findings(dir.path(), "a.txt");
    let got: Vec<String> = f.iter().map(|(r, l, s)| format!("{l} {r} {s}")).collect();
    assert_eq!(
        got,
        vec![
            "1 huashu/unused-suppression info",
            "4 huashu/unused-suppression info",
            "6 demo/you info",
        ]
    );
    assert_eq!(code, 0, "info findings do not fail the run");
}

#[test]
fn unused_is_not_reported_for_a_rule_that_does_not_run_and_can_be_ignored() {
    let dir = project(&[(
        "a.txt",
        "# huashu-allow: demo/dont-know -- 以前有问题\n我帮您确认一下\n",
    )]);
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "packs: [demo.yaml]\nselect: [demo]\nignore: [demo/dont-know]\n",
    )
    .unwrap();
    assert_eq!(findings(dir.path(), "a.txt").1.len(), 0);
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "packs: [demo.yaml]\nselect: [demo]\nignore: [huashu/unused-suppression]\n",
    )
    .unwrap();
    assert_eq!(findings(dir.path(), "a.txt").1.len(), 0);
}

#[test]
fn yaml_allow_with_reason_field_or_inline() {
    let dir = project(&[(
        "b.yaml",
        concat!(
            "groups:\n",
            "  - name: 售后\n",
            "    phrases:\n",
            "      - text: 你好，这个我不知道\n",
            "        allow: [demo/dont-know, demo/you]\n",
            "        reason: 内部培训用的反例\n",
            "      - text: 你好\n",
            "        allow: ['demo/you -- 老客户']\n",
            "      - text: 你好\n",
            "        allow: [demo/you]\n",
            "      - text: 谢谢\n",
            "        allow: ['demo/you -- 已改好']\n",
        ),
    )]);
    let (_, f) = findings(dir.path(), "b.yaml");
    assert_eq!(
        rules(&f),
        vec![
            "9 demo/you",
            "10 huashu/invalid-suppression",
            "12 huashu/unused-suppression",
        ]
    );
}

#[test]
fn json_allow() {
    let dir = project(&[(
        "b.json",
        r#"{"groups": [{"name": "欢迎语", "phrases": [{"text": "你好", "allow": ["demo/you -- 品牌口吻"]}, "你好"]}]}"#,
    )]);
    let (_, f) = findings(dir.path(), "b.json");
    assert_eq!(f.len(), 1, "only the second phrase: {f:?}");
}

#[test]
fn a_yaml_allow_that_is_not_a_list_points_at_it() {
    let dir = project(&[(
        "b.yaml",
        "groups:\n  - name: a\n    phrases:\n      - text: 你好\n        allow: {demo/you: x}\n",
    )]);
    let out = common::huashu(dir.path())
        .args(["check", "b.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.yaml:5:"));
}

#[test]
fn markdown_html_comment_suppresses_the_next_item() {
    let dir = project(&[(
        "a.md",
        concat!(
            "# 欢迎语\n\n",
            "<!-- huashu-allow: demo/you -- 品牌口吻 -->\n",
            "- 你好\n",
            "- 你好\n\n",
            "<!-- huashu-allow: demo/dont-know -- 以前有问题 -->\n",
            "- 谢谢\n",
        ),
    )]);
    let (_, f) = findings(dir.path(), "a.md");
    assert_eq!(rules(&f), vec!["5 demo/you", "7 huashu/unused-suppression"]);
}
