//! Errors a shop owner can read. Every input here is made at test time in a temporary directory and
//! checked through the real binary: exit code 2; stderr names the file (and line:column where the
//! mistake has one), is Chinese, says what to do, and shows none of the libraries' or the system's
//! own English wording, which only `--verbose` adds.

mod common;

use common::huashu;
use std::path::Path;

/// Raw library and system text that must never reach the default output.
const RAW: &[&str] = &[
    "expected sequence start",
    "expected mapping start",
    "did not find expected",
    "budget breached",
    "DuplicateKeyPolicy",
    "duplicate mapping key",
    "invalid u64",
    "Zip error",
    "EOCD",
    "Cfb error",
    "File not found",
    "os error",
    "No such file",
    "Permission denied",
    "Is a directory",
    "tabs disallowed",
    "trailing comma",
    "at line",
    "huashu::",
    "error:",
    "Error",
];

struct Run {
    code: i32,
    stderr: String,
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let out = huashu(dir).arg("--no-config").args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Exit code 2, the file named (with `place`, e.g. `a.yaml:2:1`, when given), Chinese, a
/// `help:` line saying what to do, no raw text; and `--verbose` adds the underlying cause.
fn assert_readable(dir: &Path, args: &[&str], place: &str) -> String {
    let r = check(dir, args);
    let e = &r.stderr;
    assert_eq!(r.code, 2, "{e}");
    assert!(e.contains(place), "does not name {place}:\n{e}");
    assert!(
        e.chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count()
            >= 6,
        "not Chinese:\n{e}"
    );
    assert!(e.contains("help:"), "does not say what to do:\n{e}");
    for raw in RAW {
        assert!(!e.contains(raw), "shows “{raw}”:\n{e}");
    }
    let verbose = check(dir, &[&["--verbose"], args].concat());
    assert_eq!(verbose.code, 2);
    assert!(
        verbose.stderr.len() > e.len(),
        "--verbose adds no cause:\n{}",
        verbose.stderr
    );
    r.stderr
}

fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn fixture_xlsx() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/qianniu.xlsx"))
        .unwrap()
}

/// A zip archive with its entries stored (no compression), as a minimal .docx is.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let (crc, len, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
        for v in [crc, len, len] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [crc, len, len] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (at, size) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    let n = entries.len() as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn a_truncated_xlsx_is_called_damaged() {
    let xlsx = fixture_xlsx();
    let dir = dir_with(&[("话术.xlsx", &xlsx[..xlsx.len() / 2])]);
    let e = assert_readable(dir.path(), &["check", "话术.xlsx"], "话术.xlsx");
    assert!(e.contains("损坏"), "{e}");
}

#[test]
fn a_word_document_renamed_to_xlsx_is_not_a_workbook() {
    let docx = stored_zip(&[
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>"),
        (
            "word/document.xml",
            "<?xml version=\"1.0\"?><document><body>您好</body></document>".as_bytes(),
        ),
    ]);
    let dir = dir_with(&[("快捷短语.xlsx", &docx)]);
    let e = assert_readable(dir.path(), &["check", "快捷短语.xlsx"], "快捷短语.xlsx");
    assert!(e.contains("不是 Excel 工作簿"), "{e}");
}

#[test]
fn an_xls_of_compound_file_garbage_is_called_damaged() {
    let mut xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    xls.extend((0..4096u32).map(|i| (i * 7 + 3) as u8));
    let dir = dir_with(&[("旧表格.xls", &xls)]);
    let e = assert_readable(dir.path(), &["check", "旧表格.xls"], "旧表格.xls");
    assert!(e.contains("损坏"), "{e}");
}

#[test]
fn yaml_indented_with_tabs_points_at_the_tab() {
    let dir = dir_with(&[("话术.yaml", b"groups:\n\t- name: a\n")]);
    let e = assert_readable(dir.path(), &["check", "话术.yaml"], "话术.yaml:2:");
    assert!(e.contains("Tab"), "{e}");
}

#[test]
fn a_duplicate_yaml_key_names_the_key_and_its_line() {
    let book = "groups:\n  - name: 欢迎语\n    name: 催付\n    phrases: [您好]\n";
    let dir = dir_with(&[("话术.yaml", book.as_bytes())]);
    let e = assert_readable(dir.path(), &["check", "话术.yaml"], "话术.yaml:3:5");
    assert!(e.contains("name 写了两次"), "{e}");
}

#[test]
fn a_yaml_alias_bomb_stops_with_an_explanation() {
    let aliases = vec!["*s"; 150].join(",");
    let book = format!("groups:\n  - name: a\n    phrases: [&s \"哈哈\", {aliases}]\n");
    let dir = dir_with(&[("话术.yaml", book.as_bytes())]);
    let e = assert_readable(dir.path(), &["check", "话术.yaml"], "话术.yaml:");
    assert!(e.contains("锚点"), "{e}");
}

#[test]
fn a_yaml_type_mistake_says_what_was_expected() {
    let dir = dir_with(&[("话术.yaml", "groups: 欢迎语\n".as_bytes())]);
    let e = assert_readable(dir.path(), &["check", "话术.yaml"], "话术.yaml:1:9");
    assert!(e.contains("列表"), "{e}");
}

#[test]
fn a_negative_number_in_the_config_asks_for_a_whole_number() {
    let dir = dir_with(&[
        ("huashu.yaml", b"max_warnings: -1\n"),
        ("a.txt", "您好\n".as_bytes()),
    ]);
    let out = huashu(dir.path())
        .args(["check", "a.txt"])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("huashu.yaml:1:15"), "{e}");
    assert!(e.contains("不小于 0 的整数"), "{e}");
    for raw in RAW {
        assert!(!e.contains(raw), "shows “{raw}”:\n{e}");
    }
}

#[test]
fn json_with_a_trailing_comma_is_a_json_error_at_its_line_and_column() {
    let book = "{\n  \"groups\": [\n    {\"name\": \"欢迎语\", \"phrases\": [\"您好\",]}\n  ]\n}\n";
    let dir = dir_with(&[("话术.json", book.as_bytes())]);
    let e = assert_readable(dir.path(), &["check", "话术.json"], "话术.json:3:");
    assert!(e.contains("JSON"), "{e}");
    assert!(e.contains("逗号"), "{e}");
    assert!(!e.contains("YAML"), "{e}");
}

#[test]
fn a_broken_baseline_is_a_json_error_at_its_line_and_column() {
    let dir = dir_with(&[
        ("a.txt", "您好\n".as_bytes()),
        ("基线.json", b"{\"version\": 1,\n \"findings\": [}\n"),
    ]);
    assert_readable(
        dir.path(),
        &["check", "--baseline", "基线.json", "a.txt"],
        "基线.json:2:",
    );
}

#[test]
fn a_missing_path_is_named_and_explained_once() {
    let dir = dir_with(&[]);
    let e = assert_readable(
        dir.path(),
        &["check", "没有这个文件.txt"],
        "没有这个文件.txt",
    );
    assert!(e.contains("找不到"), "{e}");
    assert_eq!(e.matches("找不到").count(), 1, "{e}");
}

#[test]
fn a_directory_named_as_a_file_is_called_a_directory() {
    let dir = dir_with(&[("话术/a.txt", "您好\n".as_bytes())]);
    for args in [
        &["--config", "话术", "check", "话术/a.txt"][..],
        &["check", "--pack", "话术", "话术/a.txt"][..],
        &["check", "--baseline", "话术", "话术/a.txt"][..],
    ] {
        let out = huashu(dir.path()).args(args).output().unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains("无法读取 话术："), "{args:?}: {e}");
        assert!(e.contains("目录"), "{args:?}: {e}");
        for raw in RAW {
            assert!(!e.contains(raw), "{args:?} shows “{raw}”:\n{e}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(&[("话术.txt", "您好\n".as_bytes())]);
    let p = dir.path().join("话术.txt");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        // Running as root: permissions do not stop reading, so there is nothing to see.
        eprintln!("skipped: this user can read a file with mode 000 (root)");
        return;
    }
    let e = assert_readable(dir.path(), &["check", "话术.txt"], "话术.txt");
    assert!(e.contains("没有读取它的权限"), "{e}");
}

#[test]
fn command_line_mistakes_are_explained_in_chinese() {
    let dir = dir_with(&[]);
    for (args, want) in [
        (&["check", "--bogus"][..], "不认识的参数 --bogus"),
        (&["chek"][..], "check"),
        (&["check", "--format", "xml"][..], "pretty"),
        (&["check", "--max-warnings", "abc"][..], "整数"),
        (&["check", "--fix", "--diff"][..], "不能同时使用"),
    ] {
        let out = huashu(dir.path()).args(args).output().unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(want), "{args:?}: {e}");
        for raw in ["error:", "unexpected argument", "invalid value", "Usage:"] {
            assert!(!e.contains(raw), "{args:?} shows “{raw}”:\n{e}");
        }
    }
}
