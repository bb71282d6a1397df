//! Hostile output and fix writes: a full disk under every subcommand, a reader that stops early, a
//! failed file in every report format, and fixes that must change nothing but the fixed spans of
//! files with unusual encodings and line endings.

mod common;
mod support;

use std::io::Read;
use std::process::Stdio;
use support::{dir_with, run, utf16};

/// Runs huashu with stdout on /dev/full (every write fails with "no space left on device").
#[cfg(target_os = "linux")]
fn to_full_disk(dir: &std::path::Path, args: &[&str]) -> support::Run {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("huashu"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[cfg(target_os = "linux")]
fn assert_full_disk_fails(args: &[&str]) {
    let dir = with_demo_pack(&[("a.txt", "你好，这个我不知道\n".as_bytes())]);
    let r = to_full_disk(dir.path(), args);
    r.sane();
    assert_eq!(r.code, 2, "{args:?} on a full disk: {}", r.stderr);
    assert!(r.stderr.contains("无法写入输出"), "{args:?}: {}", r.stderr);
    assert!(r.stderr.contains("磁盘空间不足"), "{args:?}: {}", r.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn check_on_a_full_disk_fails_in_every_format() {
    for format in ["pretty", "json", "sarif", "github", "junit"] {
        assert_full_disk_fails(&["check", "--format", format, "a.txt"]);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn check_diff_on_a_full_disk_fails() {
    // demo/you is a safe fix (你 → 您): there is a diff to write.
    assert_full_disk_fails(&["check", "--diff", "--pack", "demo.yaml", "a.txt"]);
}

#[cfg(target_os = "linux")]
#[test]
fn rules_explain_and_config_on_a_full_disk_fail() {
    assert_full_disk_fails(&["rules"]);
    assert_full_disk_fails(&["explain", "etiquette/dont-know"]);
    assert_full_disk_fails(&["config"]);
}

#[cfg(target_os = "linux")]
#[test]
fn test_rules_on_a_full_disk_fails() {
    assert_full_disk_fails(&["test-rules"]);
}

#[test]
fn a_reader_that_stops_early_is_not_a_failure() {
    let many = "这个我不知道\n".repeat(20_000);
    let dir = dir_with(&[("a.txt", many.as_bytes())]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("huashu"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "a.txt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the pipe is closed, as `huashu check | head` does.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("无法写入输出"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A folder holding `files` and the demo pack (`demo.yaml`), whose `demo/you` fixes 你 → 您.
fn with_demo_pack(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = dir_with(files);
    std::fs::write(
        dir.path().join("demo.yaml"),
        common::fixture("packs/demo.yaml"),
    )
    .unwrap();
    dir
}

/// `huashu check --fix` with only the demo pack's rules.
const FIX: [&str; 6] = ["check", "--fix", "--pack", "demo.yaml", "--select", "demo"];

fn failing_dir() -> tempfile::TempDir {
    dir_with(&[
        ("bad.csv", "快捷短语\n\"这个我不知道\n".as_bytes()),
        ("good.txt", "这个我不知道\n".as_bytes()),
    ])
}

#[test]
fn a_file_read_around_a_problem_is_listed_in_json_and_sarif_with_its_line() {
    let dir = failing_dir();
    let r = run(dir.path(), &["check", "--format", "json", "."]);
    r.sane();
    assert_eq!(r.code, 2);
    assert_eq!(r.error_for("bad.csv")["line"], 2);
    let r = run(dir.path(), &["check", "--format", "sarif", "."]);
    assert_eq!(r.code, 2);
    let sarif = r.json();
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(
        notes.contains("bad.csv") && notes.contains("\"startLine\":2"),
        "{notes}"
    );
}

#[test]
fn a_file_read_around_a_problem_is_listed_in_github_junit_and_pretty() {
    let dir = failing_dir();
    let r = run(dir.path(), &["check", "--format", "github", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("::error file=bad.csv,line=2"),
        "{}",
        r.stdout
    );
    let r = run(dir.path(), &["check", "--format", "junit", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("<error") && r.stdout.contains("bad.csv:2:1"),
        "{}",
        r.stdout
    );
    let r = run(dir.path(), &["check", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.csv:2:1"), "{}", r.stderr);
    // The rest of the file was checked: its finding is in the report too.
    assert!(r.stdout.contains("bad.csv:2:"), "{}", r.stdout);
}

#[test]
fn json_stays_one_document_when_every_file_fails() {
    let dir = dir_with(&[
        ("a.xlsx", b"PK\x03\x04broken" as &[u8]),
        ("b.txt", &utf16("x\n", true, false)),
    ]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "a.xlsx", "b.txt", "c.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert_eq!(r.json()["errors"].as_array().unwrap().len(), 3);
}

#[test]
fn fix_on_a_cr_only_file_changes_only_the_fixed_span() {
    let before = "您好\r你好，欢迎\r再见\r";
    let dir = with_demo_pack(&[("mac.txt", before.as_bytes())]);
    let r = run(dir.path(), &[&FIX[..], &["mac.txt"]].concat());
    r.sane();
    let after = std::fs::read_to_string(dir.path().join("mac.txt")).unwrap();
    assert_eq!(after, "您好\r您好，欢迎\r再见\r");
}

#[test]
fn fix_on_a_bomless_utf16le_file_read_with_encoding_keeps_every_other_byte() {
    let before = utf16("您好\r\n你好，欢迎\r\n", false, false);
    let dir = with_demo_pack(&[("u.txt", &before)]);
    let r = run(
        dir.path(),
        &[&FIX[..], &["--encoding", "utf-16le", "u.txt"]].concat(),
    );
    r.sane();
    assert_eq!(
        std::fs::read(dir.path().join("u.txt")).unwrap(),
        utf16("您好\r\n您好，欢迎\r\n", false, false),
        "{}",
        r.stderr
    );
}

#[test]
fn fix_on_a_gbk_csv_with_two_phrase_columns_fixes_both() {
    let (before, _, _) = encoding_rs::GBK.encode("快捷短语,回复内容\r\n你好,谢谢你\r\n");
    let dir = with_demo_pack(&[("g.csv", &before)]);
    let r = run(dir.path(), &[&FIX[..], &["g.csv"]].concat());
    r.sane();
    let (after, _, _) = encoding_rs::GBK.encode("快捷短语,回复内容\r\n您好,谢谢您\r\n");
    assert_eq!(
        std::fs::read(dir.path().join("g.csv")).unwrap(),
        after.as_ref()
    );
}

#[test]
fn a_baseline_saved_as_utf16_is_an_error_naming_it_not_an_empty_baseline() {
    let dir = dir_with(&[
        (
            "base.json",
            &utf16("{\"version\": 1, \"findings\": []}\n", false, true),
        ),
        ("a.txt", "这个我不知道\n".as_bytes()),
    ]);
    let r = run(dir.path(), &["check", "--baseline", "base.json", "a.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("base.json"), "{}", r.stderr);
}

#[test]
fn write_baseline_into_a_missing_folder_fails_and_writes_nothing() {
    let dir = dir_with(&[("a.txt", "这个我不知道\n".as_bytes())]);
    let r = run(
        dir.path(),
        &["check", "--write-baseline", "nowhere/base.json", "a.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nowhere/base.json"), "{}", r.stderr);
    assert!(!dir.path().join("nowhere").exists());
}
