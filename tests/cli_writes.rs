//! Writes never damage anything else: `--fix`, `--write-baseline` and `huashu init`, through the real
//! binary, in temporary directories. Symbolic links are followed and kept, special files are never
//! written, a planted link at the temporary name redirects nothing, a file changed after huashu read
//! it is not overwritten, permissions are kept, failures say 无法写入 and name the path, and the
//! "--fix" hint appears only where --fix really applies the fix.

mod common;

use common::huashu;
use std::path::Path;

/// A phrase with a bracketed note for the built-in hygiene/stage-direction rule (`fix: remove`).
const NOTE: &str = "您好，欢迎光临本店(再回答顾客的问题)\n";
const FIXED: &str = "您好，欢迎光临本店\n";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = huashu(dir).arg("--no-config").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[cfg(unix)]
#[test]
fn fix_through_a_symlink_rewrites_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("真")).unwrap();
    std::fs::write(d.join("真/话术.txt"), NOTE).unwrap();
    std::os::unix::fs::symlink("真/话术.txt", d.join("链接.txt")).unwrap();
    let (_, _, err) = run(d, &["check", "--fix", "链接.txt"]);
    assert!(err.contains("已自动修复 1 处"), "{err}");
    let link = std::fs::symlink_metadata(d.join("链接.txt")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(read(d, "真/话术.txt"), FIXED);
    let left: Vec<_> = std::fs::read_dir(d.join("真")).unwrap().collect();
    assert_eq!(left.len(), 1, "a temporary file was left behind");
}

#[cfg(unix)]
#[test]
fn write_baseline_and_init_through_a_symlink_keep_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "这个我不知道\n").unwrap();
    std::fs::write(d.join("real.json"), "old").unwrap();
    std::os::unix::fs::symlink("real.json", d.join("baseline.json")).unwrap();
    let (code, _, err) = run(d, &["check", "--write-baseline", "baseline.json", "a.txt"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(d.join("baseline.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(read(d, "real.json").contains("etiquette/dont-know"));

    std::fs::write(d.join("mine.yaml"), "# 我的配置\n").unwrap();
    std::os::unix::fs::symlink("mine.yaml", d.join("huashu.yaml")).unwrap();
    let (code, _, err) = run(d, &["init", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(d.join("huashu.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(read(d, "mine.yaml").contains("huashu 配置文件"));
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_refused_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "这个我不知道\n").unwrap();
    std::os::unix::fs::symlink("nowhere/b.json", d.join("b.json")).unwrap();
    let (code, _, err) = run(d, &["check", "--write-baseline", "b.json", "a.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("无法写入 b.json"), "{err}");
    assert!(err.contains("符号链接"), "{err}");
    assert!(
        std::fs::symlink_metadata(d.join("b.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "这个我不知道\n").unwrap();
    // A character device: /dev/null, named directly and through a link.
    let (code, _, err) = run(d, &["check", "--write-baseline", "/dev/null", "a.txt"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("无法写入 /dev/null"), "{err}");
    assert!(err.contains("设备文件"), "{err}");
    std::os::unix::fs::symlink("/dev/null", d.join("huashu.yaml")).unwrap();
    let (code, _, err) = run(d, &["init", "--force"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("设备文件"), "{err}");
    // A FIFO: refused without opening it (opening would block until someone reads).
    let made = std::process::Command::new("mkfifo")
        .arg(d.join("pipe.json"))
        .status();
    if made.is_ok_and(|s| s.success()) {
        let (code, _, err) = run(d, &["check", "--write-baseline", "pipe.json", "a.txt"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("无法写入 pipe.json"), "{err}");
        assert!(err.contains("管道"), "{err}");
    } else {
        eprintln!("mkfifo is not available: the FIFO case was not run");
    }
}

// The hook it needs is in debug builds only (src/run/write.rs), the ones `cargo test` makes.
#[cfg(all(unix, debug_assertions))]
#[test]
fn a_symlink_planted_at_the_temporary_name_redirects_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("话术.txt"), NOTE).unwrap();
    std::fs::write(d.join("victim.txt"), "别人的文件\n").unwrap();
    let planted = ".话术.txt.planted.tmp";
    std::os::unix::fs::symlink("victim.txt", d.join(planted)).unwrap();
    // The debug build tries this name first (a release build's names are unpredictable).
    let out = huashu(d)
        .env("HUASHU_TEST_TEMP_NAME", planted)
        .args(["--no-config", "check", "--fix", "话术.txt"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        read(d, "victim.txt"),
        "别人的文件\n",
        "the write followed the link"
    );
    assert!(
        std::fs::symlink_metadata(d.join(planted))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the planted link was replaced"
    );
    // Creation is exclusive: the planted name is skipped and another is used.
    assert_eq!(read(d, "话术.txt"), FIXED, "{err}");
}

// The hook it needs is in debug builds only (src/run/write.rs), the ones `cargo test` makes.
#[cfg(all(unix, debug_assertions))]
#[test]
fn a_file_changed_after_reading_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("话术.txt"), NOTE).unwrap();
    let marker = d.join("paused");
    // The debug build stops just before the rename until the marker is removed.
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("huashu"))
        .current_dir(d)
        .env("NO_COLOR", "1")
        .env("HUASHU_TEST_PAUSE_BEFORE_RENAME", &marker)
        .args(["--no-config", "check", "--fix", "话术.txt"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !marker.exists() {
        assert!(std::time::Instant::now() < until, "huashu never paused");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // Someone else edits the file while huashu holds its fixed copy.
    std::fs::write(d.join("话术.txt"), "店长刚改过这一句(笑脸表情)\n").unwrap();
    std::fs::remove_file(&marker).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(read(d, "话术.txt"), "店长刚改过这一句(笑脸表情)\n");
    assert!(err.contains("无法写入 话术.txt"), "{err}");
    assert!(err.contains("修改过"), "{err}");
    let left: Vec<_> = std::fs::read_dir(d).unwrap().collect();
    assert_eq!(left.len(), 1, "a temporary file was left behind");
}

#[cfg(unix)]
#[test]
fn permissions_of_the_original_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("话术.txt"), NOTE).unwrap();
    std::fs::set_permissions(d.join("话术.txt"), std::fs::Permissions::from_mode(0o640)).unwrap();
    run(d, &["check", "--fix", "话术.txt"]);
    assert_eq!(read(d, "话术.txt"), FIXED);
    let mode = std::fs::metadata(d.join("话术.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);

    std::fs::write(d.join("b.json"), "").unwrap();
    std::fs::set_permissions(d.join("b.json"), std::fs::Permissions::from_mode(0o604)).unwrap();
    run(d, &["check", "--write-baseline", "b.json", "话术.txt"]);
    let mode = std::fs::metadata(d.join("b.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o604);
}

#[test]
fn write_failures_say_cannot_write_and_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "这个我不知道\n").unwrap();
    std::fs::create_dir(d.join("目录.json")).unwrap();
    for (target, why) in [
        ("没有的目录/b.json", "所在的目录不存在"),
        ("目录.json", "目录"),
    ] {
        let (code, _, err) = run(d, &["check", "--write-baseline", target, "a.txt"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&format!("无法写入 {target}")), "{err}");
        assert!(err.contains(why), "{err}");
        assert!(!err.contains("无法读取"), "{err}");
        assert!(!err.contains("os error"), "{err}");
    }
    // init never replaces a file without --force, and says so.
    std::fs::write(d.join("huashu.yaml"), "# 已有的配置\n").unwrap();
    let (code, _, err) = run(d, &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("huashu.yaml 已经存在"), "{err}");
    assert_eq!(read(d, "huashu.yaml"), "# 已有的配置\n");
}

/// A pack whose safe fix writes an emoji: a GBK file cannot hold it.
const SMILE_PACK: &str = r#"pack: smile
description: 测试用
rules:
  - id: smile/laugh
    kind: replace
    level: warning
    message: 用表情代替“哈哈”
    explain: 测试用：替换成 GBK 写不了的字符。
    source: 测试
    fix: safe
    map: {哈哈: "😊"}
    examples:
      bad: [好的哈哈]
      good: [好的😊]
"#;

#[test]
fn the_fix_hint_appears_only_where_fix_applies_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("smile.yaml"), SMILE_PACK).unwrap();
    std::fs::write(d.join("utf8.txt"), "好的哈哈\n").unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode("好的哈哈，收到啦\r\n");
    assert!(!unmappable);
    let gbk = gbk.into_owned();
    std::fs::write(d.join("gbk.txt"), &gbk).unwrap();
    let xlsx = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/qianniu.xlsx"),
    )
    .unwrap();
    std::fs::write(d.join("表格.xlsx"), &xlsx).unwrap();
    let hint = "huashu check --fix 可自动";
    std::fs::write(d.join("demo.yaml"), common::fixture("packs/demo.yaml")).unwrap();
    // Only the test pack's rules run; the file's encoding is given, not guessed from a short text.
    let check = |file: &str, pack: &str, select: &str| {
        let args = [
            "check",
            "--pack",
            pack,
            "--select",
            select,
            "--encoding",
            "gbk",
        ];
        let args = if file.ends_with("gbk.txt") {
            &args[..]
        } else {
            &args[..5]
        };
        let (_, out, _) = run(d, &[args, &[file]].concat());
        out
    };

    // UTF-8 can hold the emoji: the hint is there, and --fix applies it.
    let out = check("utf8.txt", "smile.yaml", "smile");
    assert!(out.contains(hint), "{out}");
    run(
        d,
        &[
            "check",
            "--pack",
            "smile.yaml",
            "--select",
            "smile",
            "--fix",
            "utf8.txt",
        ],
    );
    assert_eq!(read(d, "utf8.txt"), "好的😊\n");
    // GBK cannot: no hint, and --fix leaves it alone.
    let out = check("gbk.txt", "smile.yaml", "smile");
    assert!(out.contains("建议改为 “😊”"), "{out}");
    assert!(!out.contains(hint), "{out}");
    let fix = [
        "check",
        "--pack",
        "smile.yaml",
        "--select",
        "smile",
        "--encoding",
        "gbk",
    ];
    run(d, &[&fix[..], &["--fix", "gbk.txt"]].concat());
    assert_eq!(std::fs::read(d.join("gbk.txt")).unwrap(), gbk);
    // A workbook is never written: the demo pack's safe 你→您 gets no hint there.
    let out = check("表格.xlsx", "demo.yaml", "demo");
    assert!(out.contains("建议改为 “您”"), "{out}");
    assert!(!out.contains(hint), "{out}");
    assert_eq!(std::fs::read(d.join("表格.xlsx")).unwrap(), xlsx);
    // Standard input is never fixed in place either.
    let out = huashu(d)
        .args([
            "--no-config",
            "check",
            "--pack",
            "demo.yaml",
            "--select",
            "demo",
            "-",
        ])
        .write_stdin("你好\n")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("建议改为 “您”"), "{out}");
    assert!(!out.contains(hint), "{out}");
}
