//! Hostile paths and standard input: FIFOs, symbolic links, missing paths, files that are not phrase
//! libraries, closed or empty stdin. Each case proves a run never blocks, never silently ignores a
//! phrase file, and names what it did not check.

mod common;
mod support;

use support::{dir_with, run, run_with};

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_refused_without_blocking() {
    let dir = dir_with(&[("ok.txt", "这个我不知道\n".as_bytes())]);
    mkfifo(&dir.path().join("pipe.txt"));
    let r = run(
        dir.path(),
        &["check", "--format", "json", "pipe.txt", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert!(
        r.error_for("pipe.txt")["message"]
            .as_str()
            .unwrap()
            .contains("不是普通文件")
    );
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[cfg(unix)]
#[test]
fn a_fifo_met_while_walking_is_counted_as_skipped_not_opened() {
    let dir = dir_with(&[("lib/ok.txt", "这个我不知道\n".as_bytes())]);
    mkfifo(&dir.path().join("lib/pipe.txt"));
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 1);
    let skipped = &r.json()["skipped"];
    assert!(
        skipped.as_array().unwrap().iter().any(|s| s["path"]
            .as_str()
            .unwrap()
            .ends_with("pipe.txt")
            && s["reason"] == "not-regular-file"),
        "{skipped}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_phrase_file_in_a_walked_folder_is_checked() {
    let dir = dir_with(&[
        ("elsewhere/real.txt", "这个我不知道\n".as_bytes()),
        ("lib/.keep", b""),
    ]);
    std::os::unix::fs::symlink(
        dir.path().join("elsewhere/real.txt"),
        dir.path().join("lib/link.txt"),
    )
    .unwrap();
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings_in("lib/link.txt"),
        [("etiquette/dont-know".into(), 1, 4)]
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_folder_is_counted_as_skipped() {
    let dir = dir_with(&[
        ("other/a.txt", "这个我不知道\n".as_bytes()),
        ("lib/ok.txt", b"ok\n"),
    ]);
    std::os::unix::fs::symlink(dir.path().join("other"), dir.path().join("lib/linked")).unwrap();
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    let json = r.json();
    assert_eq!(json["summary"]["skipped"], 1);
    assert_eq!(json["skipped"][0]["reason"], "linked-directory");
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_in_a_walked_folder_is_an_error_naming_it() {
    let dir = dir_with(&[("lib/ok.txt", "这个我不知道\n".as_bytes())]);
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), dir.path().join("lib/dead.txt"))
        .unwrap();
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 2);
    r.error_for("dead.txt");
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_a_walked_folder_never_hangs() {
    let dir = dir_with(&[("lib/ok.txt", "这个我不知道\n".as_bytes())]);
    std::os::unix::fs::symlink(dir.path().join("lib"), dir.path().join("lib/again")).unwrap();
    std::os::unix::fs::symlink("b.txt", dir.path().join("lib/a.txt")).unwrap();
    std::os::unix::fs::symlink("a.txt", dir.path().join("lib/b.txt")).unwrap();
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.findings_in("ok.txt").len(), 1);
    r.error_for("a.txt");
}

#[cfg(unix)]
#[test]
fn a_closed_stdin_is_an_error_not_an_empty_clean_file() {
    use std::os::unix::process::CommandExt;
    let dir = dir_with(&[]);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("huashu"));
    cmd.current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "--format", "json", "-"]);
    // SAFETY: close(2) is async-signal-safe; the child closes its own descriptor 0 before exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(0);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("标准输入已关闭"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"][0]["path"], "<stdin>");
    assert_eq!(json["summary"]["files"], 0);
}

#[test]
fn an_empty_stdin_is_an_empty_file_not_an_error() {
    let dir = dir_with(&[]);
    let r = run_with(dir.path(), &["check", "--format", "json", "-"], |c| {
        c.write_stdin("");
    });
    r.sane();
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["empty"], serde_json::json!(["<stdin>"]));
}

#[test]
fn stdin_with_cr_only_lines_is_split_into_phrases() {
    let dir = dir_with(&[]);
    let r = run_with(dir.path(), &["check", "--format", "json", "-"], |c| {
        c.write_stdin("您好\r这个我不知道\r");
    });
    r.sane();
    assert_eq!(
        r.findings_in("<stdin>"),
        [("etiquette/dont-know".into(), 2, 4)]
    );
}

#[test]
fn damaged_stdin_is_reported_with_its_line_and_the_rest_checked() {
    let mut bytes = "亲，您好，欢迎光临本店，有什么可以帮您\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"\xFF\n");
    bytes.extend_from_slice("这个我不知道\n".as_bytes());
    let dir = dir_with(&[]);
    let r = run_with(dir.path(), &["check", "--format", "json", "-"], |c| {
        c.write_stdin(bytes);
    });
    r.sane();
    assert_eq!(r.code, 2);
    assert_eq!(r.error_for("<stdin>")["line"], 2);
    assert!(
        r.findings_in("<stdin>")
            .contains(&("etiquette/dont-know".into(), 3, 4))
    );
}

#[test]
fn a_missing_path_fails_the_run_but_the_other_paths_are_checked() {
    let dir = dir_with(&[("ok.txt", "这个我不知道\n".as_bytes())]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "nowhere.txt", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    r.error_for("nowhere.txt");
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[test]
fn an_unknown_extension_named_explicitly_suggests_input_format() {
    let dir = dir_with(&[("phrases.dat", "这个我不知道\n".as_bytes())]);
    let r = run(dir.path(), &["check", "phrases.dat"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--input-format"), "{}", r.stderr);
    let r = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--input-format",
            "txt",
            "phrases.dat",
        ],
    );
    assert_eq!(r.findings_in("phrases.dat").len(), 1);
}

#[test]
fn files_that_are_not_phrase_libraries_are_skipped_by_reason_and_counted() {
    let dir = dir_with(&[
        ("lib/~$快捷短语.xlsx", b"lock" as &[u8]),
        ("lib/bin.txt", &[0u8, 1, 2, 3]),
        ("lib/huashu.yaml", b"packs: []\n"),
        ("lib/pack.yaml", b"pack: x\nrules: []\n"),
        ("lib/package.json", b"{\"name\": \"x\"}\n"),
        ("lib/README.md", "# 说明\n".as_bytes()),
        ("lib/notes.csv", "a,b\n1,2\n".as_bytes()),
        ("lib/photo.png", b"\x89PNG"),
        ("lib/ok.txt", "这个我不知道\n".as_bytes()),
    ]);
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 1);
    let json = r.json();
    let mut reasons: Vec<String> = json["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_string())
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "binary",
            "document",
            "excel-lock",
            "no-phrase-column",
            "not-phrasebook",
            "tooling",
            "tooling",
            "unknown-format"
        ]
    );
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn a_folder_named_like_a_phrase_file_is_walked_not_read() {
    let dir = dir_with(&[("话术.txt/inner.txt", "这个我不知道\n".as_bytes())]);
    let r = run(dir.path(), &["check", "--format", "json", "话术.txt"]);
    r.sane();
    assert_eq!(r.code, 1);
    assert_eq!(r.findings_in("inner.txt").len(), 1);
}

#[test]
fn hidden_and_gitignored_folders_are_not_walked() {
    let dir = dir_with(&[
        ("lib/.git/x.txt", "这个我不知道\n".as_bytes()),
        ("lib/.hidden/x.txt", "这个我不知道\n".as_bytes()),
        ("lib/build/x.txt", "这个我不知道\n".as_bytes()),
        ("lib/.gitignore", b"build/\n"),
        ("lib/ok.txt", b"ok\n"),
    ]);
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["summary"]["files"], 1);
}

#[test]
fn a_config_saved_as_utf16_is_an_error_naming_it_not_ignored() {
    let dir = dir_with(&[
        (
            "huashu.yaml",
            &support::utf16("levels:\n  etiquette/dont-know: off\n", false, true),
        ),
        ("a.txt", "这个我不知道\n".as_bytes()),
    ]);
    let r = run(dir.path(), &["check", "a.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("huashu.yaml"), "{}", r.stderr);
}

#[test]
fn a_config_alias_bomb_fails_fast() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    bomb.push_str("exclude: *a9\n");
    let dir = dir_with(&[("huashu.yaml", bomb.as_bytes()), ("a.txt", b"ok\n")]);
    let started = std::time::Instant::now();
    let r = run(dir.path(), &["check", "a.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("huashu.yaml"), "{}", r.stderr);
    assert!(started.elapsed().as_secs() < 30);
}
