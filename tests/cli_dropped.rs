//! `huashu FILE…` without a subcommand, as Windows runs it for files dropped onto `huashu.exe`:
//! through the real binary, in temporary folders, with the built-in packs.

mod common;

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

const REPORT: &str = "话术检查报告.html";
const BAD: &str = "您好，这个我不知道\n";
const CLEAN: &str = "您好，请问有什么可以帮您？\n";

/// `huashu` in `dir` with nothing around it: no desktop, no opening, no pause asked for, and a time
/// limit, so that a run that waited for Enter fails instead of hanging.
fn huashu(dir: &Path) -> Command {
    let mut cmd = common::huashu(dir);
    cmd.env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("HUASHU_PAUSE")
        .env("HUASHU_NO_OPEN", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status
            .code()
            .expect("exited, not killed by the time limit"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn writes_the_report_beside_the_first_file_and_says_where() {
    let dir = common::project::<&str>(&[], &[("话术/快捷短语.txt", BAD), ("other/b.txt", CLEAN)]);
    let (code, stdout, stderr) = run(huashu(dir.path()).args(["话术/快捷短语.txt", "other/b.txt"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    let report = dir.path().join("话术").join(REPORT);
    let page = std::fs::read_to_string(&report).expect("report beside the first file");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    // The HTML report (`--format html`): its data names the rule, the file and the phrase.
    assert!(page.contains("etiquette/dont-know"), "{page}");
    assert!(page.contains("\"话术/快捷短语.txt\""), "{page}");
    assert!(page.contains("[0,-1,\"您好，这个我不知道\"]"), "{page}");
    assert!(page.contains("共检查 2 个文件、2 条话术"), "{page}");
    assert!(!dir.path().join("other").join(REPORT).exists());
    let shown = stdout
        .lines()
        .find_map(|l| l.strip_prefix("检查报告已保存到："))
        .unwrap_or_else(|| panic!("where the report is: {stdout}"));
    assert!(Path::new(shown).is_absolute(), "{shown}");
    assert_eq!(
        std::fs::canonicalize(shown).unwrap(),
        std::fs::canonicalize(&report).unwrap()
    );
    assert!(
        stdout.contains("共检查 2 个文件、2 条话术：1 个错误"),
        "{stdout}"
    );
    assert!(!stdout.contains("打开"), "nothing opened: {stdout}");
    assert!(!stdout.contains("按回车键"), "no wait: {stdout}");
}

#[test]
fn exits_with_the_code_check_gives() {
    let dir = common::project::<&[u8]>(
        &[],
        &[
            ("clean.txt", CLEAN.as_bytes()),
            ("bad.txt", BAD.as_bytes()),
            ("binary.txt", b"\x00\x01\x02\x03binary\x00\x00"),
        ],
    );
    let mut stderr = String::new();
    for (file, expected) in [("clean.txt", 0), ("bad.txt", 1), ("binary.txt", 2)] {
        let (checked, ..) = run(huashu(dir.path()).args(["check", file]));
        let (dropped, stdout, err) = run(huashu(dir.path()).arg(file));
        assert_eq!(checked, expected, "huashu check {file}");
        assert_eq!(dropped, checked, "huashu {file}: {stdout}{err}");
        assert!(dir.path().join(REPORT).exists(), "a report for {file}");
        stderr = err;
    }
    // A file that cannot be read is named on the console and in the report.
    assert!(stderr.contains("binary.txt"), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join(REPORT)).unwrap();
    assert!(
        page.contains(
            "\"failures\":[{\"message\":\"看起来是二进制文件，不是文本\",\"path\":\"binary.txt\"}]"
        ),
        "{page}"
    );
}

#[test]
fn a_dropped_folder_gets_its_report_beside_it_and_never_reads_a_report() {
    let dir = common::project::<&str>(&[], &[("话术/a.txt", BAD), ("话术/b.txt", CLEAN)]);
    // Files first (report inside the folder), then the folder itself (report beside it).
    run(huashu(dir.path()).args(["话术/a.txt", "话术/b.txt"]));
    assert!(dir.path().join("话术").join(REPORT).exists());
    let (code, stdout, _) = run(huashu(dir.path()).arg("话术"));
    assert_eq!(code, 1);
    assert!(dir.path().join(REPORT).exists(), "beside the folder");
    assert!(
        stdout.contains(
            "共检查 2 个文件、2 条话术（跳过 1 个不是话术库的文件：1 个格式不是话术文件）：1 个错误"
        ),
        "the earlier report is not read as phrases: {stdout}"
    );
}

#[test]
fn uses_the_config_beside_the_files_not_the_one_where_it_runs() {
    let dir = common::project::<&str>(
        &[],
        &[
            ("店铺/话术/a.txt", BAD),
            ("店铺/huashu.yaml", "ignore: [etiquette/dont-know]\n"),
            // Where huashu happens to start: a config here would be a usage error (exit 2).
            ("elsewhere/huashu.yaml", "select: [nothing/at-all]\n"),
        ],
    );
    let elsewhere = dir.path().join("elsewhere");
    let file = dir.path().join("店铺/话术/a.txt");
    let (code, stdout, stderr) = run(huashu(&elsewhere).arg(&file));
    assert_eq!(code, 0, "the shop's config applies: {stdout}{stderr}");
    assert!(stdout.contains("没有发现问题"), "{stdout}");
    // Without a config beside the files, none is used, wherever huashu runs.
    std::fs::remove_file(dir.path().join("店铺/huashu.yaml")).unwrap();
    let (code, stdout, stderr) = run(huashu(&elsewhere).arg(&file));
    assert_eq!(code, 1, "{stdout}{stderr}");
}

#[test]
fn never_waits_for_enter_when_stdin_is_not_a_terminal() {
    let dir = common::project::<&str>(&[], &[("a.txt", BAD)]);
    // HUASHU_PAUSE=1 asks for the pause; with a pipe for stdin nobody could answer it.
    for stdin in ["", "\n"] {
        let (code, stdout, stderr) = run(huashu(dir.path())
            .env("HUASHU_PAUSE", "1")
            .write_stdin(stdin)
            .arg("a.txt"));
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(!stdout.contains("按回车键"), "{stdout}");
    }
}

#[test]
fn errors_before_checking_write_no_report() {
    let dir = common::project::<&str>(&[], &[("a.txt", BAD)]);
    let (code, _, stderr) = run(huashu(dir.path()).arg("missing.txt"));
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.txt"), "{stderr}");
    let (code, _, stderr) = run(huashu(dir.path()).arg("-"));
    assert_eq!(code, 2);
    assert!(stderr.contains("huashu check -"), "{stderr}");
    assert!(!dir.path().join(REPORT).exists());
}

#[test]
fn a_mistyped_subcommand_is_a_usage_error_not_a_file() {
    let dir = common::project::<&str>(&[], &[("a.txt", BAD)]);
    let (code, _, stderr) = run(huashu(dir.path()).arg("chekc"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("chekc") && stderr.contains("check"),
        "{stderr}"
    );
    assert!(!dir.path().join(REPORT).exists());
    let (code, _, stderr) = run(&mut huashu(dir.path()));
    assert_eq!(code, 2, "nothing to do is a usage error, as before");
    assert!(stderr.contains("Usage: huashu"), "{stderr}");
}

/// A stand-in for `xdg-open` on PATH that records what it was asked to open.
#[cfg(all(unix, not(target_os = "macos")))]
fn fake_opener(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let marker = dir.join("opened");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    (path.into(), marker)
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn opens_the_report_only_when_a_desktop_is_present() {
    let dir = common::project::<&str>(&[], &[("a.txt", BAD)]);
    let (path, marker) = fake_opener(dir.path());

    // No display: nothing is launched, even though an opener is on PATH.
    let (code, stdout, _) = run(huashu(dir.path())
        .env("PATH", &path)
        .env_remove("HUASHU_NO_OPEN")
        .arg("a.txt"));
    assert_eq!(code, 1);
    assert!(!stdout.contains("打开"), "{stdout}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!marker.exists(), "no opener launched without a desktop");

    // HUASHU_NO_OPEN wins over a display.
    run(huashu(dir.path())
        .env("PATH", &path)
        .env("DISPLAY", ":99")
        .arg("a.txt"));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!marker.exists(), "HUASHU_NO_OPEN=1 opens nothing");

    // With a display the opener is launched on the report, without huashu waiting for it.
    let (code, stdout, _) = run(huashu(dir.path())
        .env("PATH", &path)
        .env("DISPLAY", ":99")
        .env_remove("HUASHU_NO_OPEN")
        .arg("a.txt"));
    assert_eq!(code, 1, "the exit code does not depend on opening");
    assert!(stdout.contains("已用默认程序打开报告"), "{stdout}");
    let opened = (0..100)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::read_to_string(&marker)
                .ok()
                .filter(|s| !s.is_empty())
        })
        .expect("the opener ran");
    assert_eq!(
        std::fs::canonicalize(opened).unwrap(),
        std::fs::canonicalize(dir.path().join(REPORT)).unwrap()
    );
}
