//! Walking a folder checks phrase files and says what it skipped; every file that could not be
//! checked is in every report; a missing path does not stop the others.

use serde_json::Value;
use std::path::Path;

mod common;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::huashu(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, doc, err)
}

fn paths(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}

/// A shop's repository: phrase files beside the things every repository has.
fn repository() -> tempfile::TempDir {
    common::project(
        &[],
        &[
            ("话术/售后.txt", "这个我不知道\n"),
            ("话术/欢迎.md", "# 欢迎语\n\n- 您好，在的\n"),
            ("README.md", "# 我们的话术库\n\n这里不知道的话就问组长。\n"),
            ("CHANGELOG.md", "- 不知道\n"),
            ("LICENSE", "MIT\n"),
            (
                "docs/用法.md",
                "# 用法\n\n```sh\nhuashu check\n```\n\n不知道的先问。\n",
            ),
            (
                "huashu-baseline.json",
                "{\"version\": 1, \"findings\": []}\n",
            ),
            (
                "package.json",
                "{\"name\": \"shop\", \"version\": \"1.0.0\"}\n",
            ),
            (
                "corpus/labels.tsv",
                "# 标注语料：期望\t场景\t文字\n-\t-\t不知道\n",
            ),
            ("rules/mine.yaml", "pack: mine\ndescription: x\nrules: []\n"),
        ],
    )
}

#[test]
fn walking_checks_phrase_files_and_skips_the_rest_by_reason() {
    let dir = repository();
    let (code, doc, err) = json(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        doc["summary"]["files"], 2,
        "only the two phrase files: {doc}"
    );
    let mut found = paths(&doc["diagnostics"]);
    found.dedup();
    assert_eq!(found, ["话术/售后.txt"]);
    let skipped: Vec<(String, String)> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (path, reason) in [
        ("README.md", "document"),
        ("CHANGELOG.md", "document"),
        ("docs/用法.md", "document"),
        ("huashu-baseline.json", "tooling"),
        ("package.json", "not-phrasebook"),
        ("corpus/labels.tsv", "no-phrase-column"),
        ("rules/mine.yaml", "tooling"),
        ("LICENSE", "unknown-format"),
    ] {
        assert!(
            skipped.contains(&(path.to_string(), reason.to_string())),
            "{path} should be skipped as {reason}: {skipped:?}"
        );
    }
    assert_eq!(doc["summary"]["skipped"], skipped.len());
    assert_eq!(doc["errors"], serde_json::json!([]));

    let (_, out, _) = run(dir.path(), &["check"]);
    let last = out.lines().last().unwrap();
    assert!(
        last.contains("跳过 8 个不是话术库的文件") && last.contains("3 个说明文档"),
        "{last}"
    );
}

#[test]
fn the_same_files_named_on_the_command_line_are_errors_that_say_why() {
    let dir = repository();
    for (file, why) in [
        ("corpus/labels.tsv", "话术列"),
        ("package.json", "groups"),
        ("huashu-baseline.json", "huashu"),
    ] {
        let (code, _, err) = run(dir.path(), &["check", file]);
        assert_eq!(code, 2, "{file}: {err}");
        assert!(err.contains(file) && err.contains(why), "{file}: {err}");
    }
}

#[test]
fn the_readme_baseline_workflow_works_as_written() {
    let dir = repository();
    let (code, _, err) = run(
        dir.path(),
        &["check", "--write-baseline", "huashu-baseline.json"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(dir.path(), &["check", "--baseline", "huashu-baseline.json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("没有发现问题"), "{out}");
    assert!(err.contains("已记录在基线"), "{err}");
}

#[test]
fn a_file_that_cannot_be_read_is_in_every_report() {
    let dir = common::project(
        &[],
        &[
            ("好.txt", "这个我不知道\n".as_bytes()),
            (
                "坏.yaml",
                "groups:\n  - name: a\n    phrases: [\n".as_bytes(),
            ),
        ],
    );
    let (code, doc, _) = json(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(doc["summary"]["failed"], 1);
    let e = &doc["errors"][0];
    assert_eq!(e["path"], "坏.yaml");
    assert!(
        e["line"].as_u64().is_some() && e["column"].as_u64().is_some(),
        "{e}"
    );
    assert!(!e["message"].as_str().unwrap().is_empty());
    assert_eq!(
        paths(&doc["diagnostics"]),
        ["好.txt"],
        "the readable file is still checked"
    );

    let (code, out, _) = run(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(out.contains("1 个文件无法检查"), "{out}");

    let (code, out, _) = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(code, 2);
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=坏.yaml,line=")),
        "{out}"
    );

    let (code, out, _) = run(dir.path(), &["check", "--format", "junit"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("<error message=") && out.contains("坏.yaml"),
        "{out}"
    );

    let (code, out, _) = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code, 2);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "%E5%9D%8F.yaml"
    );
}

#[test]
fn a_missing_path_is_reported_and_the_others_are_still_checked() {
    let dir = common::project(&[], &[("a.txt", "这个我不知道\n")]);
    let (code, doc, err) = json(dir.path(), &["没有这个.txt", "a.txt"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(paths(&doc["diagnostics"]), ["a.txt"]);
    assert_eq!(doc["errors"][0]["path"], "没有这个.txt");
    assert!(err.contains("没有这个.txt"), "{err}");
}

#[test]
fn empty_files_say_so() {
    let dir = common::project(&[], &[("空.txt", "\n# 只有注释\n"), ("a.txt", "您好\n")]);
    let (code, doc, _) = json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["empty"], 1);
    assert_eq!(doc["empty"], serde_json::json!(["空.txt"]));
    let (_, out, _) = run(dir.path(), &["check"]);
    assert!(out.contains("1 个文件里没有话术：空.txt"), "{out}");
}

#[test]
fn xlsm_and_markdown_extensions_are_phrase_files() {
    let dir = common::project(&[], &[("话术.markdown", "# 售后\n\n- 这个我不知道\n")]);
    let (code, doc, _) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(paths(&doc["diagnostics"]), ["话术.markdown"]);
}

#[cfg(unix)]
#[test]
fn a_linked_phrase_file_is_checked_and_a_linked_folder_is_counted() {
    let dir = common::project(&[], &[("真/a.txt", "这个我不知道\n")]);
    let d = dir.path();
    std::fs::create_dir(d.join("库")).unwrap();
    std::os::unix::fs::symlink(d.join("真/a.txt"), d.join("库/链接.txt")).unwrap();
    std::os::unix::fs::symlink(d.join("真"), d.join("库/目录")).unwrap();
    let (code, doc, err) = json(d, &["库"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&doc["diagnostics"]), ["库/链接.txt"]);
    assert_eq!(doc["skipped"][0]["reason"], "linked-directory");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_does_not_block() {
    let dir = common::project(&[], &[("a.txt", "您好\n")]);
    let fifo = dir.path().join("管道.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let out = common::huashu(dir.path())
        .args(["check", "管道.txt", "a.txt"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("管道.txt") && err.contains("不是普通文件"),
        "{err}"
    );
}
