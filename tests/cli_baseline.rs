//! Baselines: record today's findings, report only new ones, survive re-sorted and inserted rows.

use std::path::Path;

mod common;

/// A project with the demo pack selected by its config, and the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let config = [("huashu.yaml", "packs: [demo.yaml]\nselect: [demo]\n")];
    let all: Vec<(&str, &str)> = config.iter().chain(files).copied().collect();
    common::project(&[("demo.yaml", "packs/demo.yaml")], &all)
}

fn run(dir: &Path, args: &[&str]) -> (i32, Vec<(String, String)>, String) {
    let out = common::huashu(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let list = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .map(|json| {
            json["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap().to_string(),
                        d["phrase"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (out.status.code().unwrap(), list, err)
}

const CSV: &str = "快捷短语,分组\n这个我不知道,售后\n你好,欢迎\n这个不包邮,议价\n";

#[test]
fn a_baseline_survives_resorted_and_inserted_rows() {
    let dir = project(&[("话术/a.csv", CSV)]);
    let (code, _, err) = run(
        dir.path(),
        &["--write-baseline", "huashu-baseline.json", "话术"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("已把 3 条问题写入基线"), "{err}");
    let text = std::fs::read_to_string(dir.path().join("huashu-baseline.json")).unwrap();
    assert!(
        text.contains(
            r#"{"path":"话术/a.csv","rule":"demo/dont-know","phrase":"这个我不知道","count":1}"#
        ),
        "{text}"
    );
    let (code, f, _) = run(dir.path(), &["--baseline", "huashu-baseline.json", "话术"]);
    assert_eq!((code, f.len()), (0, 0));
    // Rows re-sorted, one inserted at the top, full-width and Traditional variants of old text.
    std::fs::write(
        dir.path().join("话术/a.csv"),
        "快捷短语,分组\n你们好,欢迎\n這個不包郵,议价\n你好,欢迎\n这个我不知道,售后\n",
    )
    .unwrap();
    let (code, f, err) = run(dir.path(), &["--baseline", "huashu-baseline.json", "话术"]);
    assert_eq!(
        f,
        vec![("demo/you".to_string(), "你们好".to_string())],
        "{err}"
    );
    assert_eq!(code, 0);
    assert!(err.contains("另有 3 条问题已记录在基线"), "{err}");
}

#[test]
fn counts_bring_back_a_repeated_finding_and_gone_ones_are_noted() {
    let dir = project(&[("a.txt", "这个我不知道\n你好\n")]);
    run(dir.path(), &["--write-baseline", "b.json", "a.txt"]);
    std::fs::write(dir.path().join("a.txt"), "这个我不知道\n这个我不知道\n").unwrap();
    let (code, f, err) = run(dir.path(), &["--baseline", "b.json", "a.txt"]);
    assert_eq!(f.len(), 1, "the second copy is new");
    assert_eq!(code, 1);
    assert!(err.contains("基线中有 1 条问题已经不再出现"), "{err}");
}

#[test]
fn the_baseline_works_from_another_directory() {
    let dir = project(&[("话术/a.txt", "这个我不知道\n")]);
    run(dir.path(), &["--write-baseline", "b.json", "话术/a.txt"]);
    let (code, f, err) = run(
        &dir.path().join("话术"),
        &["--baseline", "../b.json", "a.txt"],
    );
    assert_eq!((code, f.len()), (0, 0), "{err}");
}

#[test]
fn a_broken_or_missing_baseline_is_a_usage_error() {
    let dir = project(&[
        ("a.txt", "好\n"),
        ("b.json", "{\"version\": 1, \"findings\": [}"),
    ]);
    let (code, _, err) = run(dir.path(), &["--baseline", "b.json", "a.txt"]);
    assert_eq!(code, 2);
    // Named, located at its line and column, and explained as JSON.
    assert!(err.contains("基线文件不是有效的 JSON"), "{err}");
    assert!(err.contains("b.json:1:29"), "{err}");
    let (code, _, _) = run(dir.path(), &["--baseline", "nope.json", "a.txt"]);
    assert_eq!(code, 2);
}
