//! Hostile inputs, encodings and line endings: every file either reads right (same findings at the
//! same lines and columns as its UTF-8 twin) or is an error naming the file, line and column, with
//! exit code 2 and the other files still checked. Nothing panics. Inputs are made at test time.

mod common;
mod support;

use support::{dir_with, run, utf16};

/// "不知道" is an `etiquette/dont-know` error wherever it stands.
const PHRASES: &str = "亲，您好，欢迎光临本店\n这个我不知道\n";

fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once('\u{feff}')
        .chain(text.chars())
        .flat_map(|c| {
            let u = c as u32;
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf32le_with_a_bom_is_refused_by_name_not_read_as_utf16() {
    let dir = dir_with(&[
        ("w.txt", &utf32(PHRASES, false)),
        ("ok.txt", "不知道\n".as_bytes()),
    ]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "w.txt", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert!(
        r.error_for("w.txt")["message"]
            .as_str()
            .unwrap()
            .contains("UTF-32LE")
    );
    // Not read as UTF-16 (which would have produced NUL-ridden phrases), and the other file is checked.
    assert!(r.findings_in("w.txt").is_empty());
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[test]
fn utf32be_with_a_bom_is_refused_even_in_a_walked_folder() {
    let dir = dir_with(&[("lib/w.txt", &utf32(PHRASES, true))]);
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 2, "not skipped silently as a binary file");
    assert!(
        r.error_for("w.txt")["message"]
            .as_str()
            .unwrap()
            .contains("UTF-32BE")
    );
}

fn damaged_utf8() -> Vec<u8> {
    let mut bytes = "亲，您好，欢迎光临本店，有什么可以帮您\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice("第二行：".as_bytes());
    bytes.extend_from_slice(b"\xC3\x28\xFF");
    bytes.extend_from_slice("破损\n这个我不知道\n您自己看说明书\n".as_bytes());
    bytes
}

#[test]
fn damaged_utf8_is_reported_at_its_line_and_column_and_the_rest_is_checked() {
    let dir = dir_with(&[("d.txt", &damaged_utf8())]);
    let r = run(dir.path(), &["check", "--format", "json", "d.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    let e = r.error_for("d.txt");
    assert_eq!((&e["line"], &e["column"]), (&2.into(), &5.into()), "{e}");
    assert!(e["message"].as_str().unwrap().contains("0xC3"), "{e}");
    let found = r.findings_in("d.txt");
    assert!(
        found.contains(&("etiquette/dont-know".into(), 3, 4)),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.0 == "etiquette/imperative" && f.1 == 4),
        "{found:?}"
    );
}

#[test]
fn damaged_utf8_is_not_reguessed_as_gbk_and_gives_no_garbled_text_flood() {
    let dir = dir_with(&[("d.txt", &damaged_utf8())]);
    let r = run(dir.path(), &["check", "--format", "json", "d.txt"]);
    let json = r.json();
    assert_eq!(json["diagnostics"][0]["encoding"], "UTF-8");
    let garbled = r
        .findings_in("d.txt")
        .into_iter()
        .filter(|f| f.0 == "hygiene/garbled-text")
        .collect::<Vec<_>>();
    // At most the damaged place itself, never every line.
    assert!(garbled.iter().all(|f| f.1 == 2), "{garbled:?}");
}

#[test]
fn fix_never_writes_back_a_damaged_file() {
    let mut bytes = damaged_utf8();
    // Fixable on its own: hygiene/stage-direction removes the note for the agent.
    bytes.extend_from_slice("亲，欢迎光临本店(再回答顾客的问题)\n".as_bytes());
    let dir = dir_with(&[("d.txt", &bytes)]);
    let r = run(dir.path(), &["check", "--fix", "d.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("没有自动修复"), "{}", r.stderr);
    assert_eq!(std::fs::read(dir.path().join("d.txt")).unwrap(), bytes);
    let r = run(dir.path(), &["check", "--diff", "d.txt"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.is_empty(),
        "no diff of a damaged file: {}",
        r.stdout
    );
}

#[test]
fn gbk_decode_error_names_line_and_column_not_a_byte_offset() {
    let mut bytes = "快捷短语\n您好\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"ab\xFF\n");
    let dir = dir_with(&[("g.csv", &bytes)]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "--encoding", "gbk", "g.csv"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    let e = r.error_for("g.csv");
    assert_eq!((&e["line"], &e["column"]), (&3.into(), &3.into()), "{e}");
    assert!(!e["message"].as_str().unwrap().contains("字节处"), "{e}");
}

#[test]
fn a_gbk_file_forced_as_utf8_is_one_located_error_not_a_check_of_mojibake() {
    let (gbk, _, _) = encoding_rs::GBK.encode("快捷短语,分组\n亲，这个我不知道哦,售后\n");
    let dir = dir_with(&[("g.csv", &gbk)]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "--encoding", "utf-8", "g.csv"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert_eq!(r.error_for("g.csv")["line"], 1);
    assert_eq!(r.json()["summary"]["files"], 0);
}

#[test]
fn bomless_utf16be_gets_a_hint_that_works() {
    let dir = dir_with(&[("be.txt", &utf16(PHRASES, true, false))]);
    let r = run(dir.path(), &["check", "--format", "json", "be.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    let message = r.error_for("be.txt")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("UTF-16BE"), "{message}");
    assert!(r.stderr.contains("--encoding utf-16be"), "{}", r.stderr);
    // Following the hint reads it like its UTF-8 twin.
    let r = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--encoding",
            "utf-16be",
            "be.txt",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.findings_in("be.txt"),
        [("etiquette/dont-know".into(), 2, 4)]
    );
}

#[test]
fn bomless_utf16le_gets_the_little_endian_hint() {
    let dir = dir_with(&[("le.txt", &utf16(PHRASES, false, false))]);
    let r = run(dir.path(), &["check", "le.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--encoding utf-16le"), "{}", r.stderr);
    let r = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--encoding",
            "utf-16le",
            "le.txt",
        ],
    );
    assert_eq!(
        r.findings_in("le.txt"),
        [("etiquette/dont-know".into(), 2, 4)]
    );
}

#[test]
fn bomless_utf16_met_while_walking_is_an_error_not_a_silent_skip() {
    let dir = dir_with(&[("lib/be.txt", &utf16(PHRASES, true, false))]);
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert_eq!(r.json()["summary"]["skipped"], 0);
    r.error_for("be.txt");
}

#[test]
fn utf16_with_a_bom_and_a_lone_surrogate_is_read_around_it() {
    let mut bytes = utf16("亲，您好，欢迎光临本店\n", false, true);
    bytes.extend_from_slice(&0xDC00u16.to_le_bytes());
    bytes.extend(utf16("这个我不知道\n", false, false));
    let dir = dir_with(&[("u.txt", &bytes)]);
    let r = run(dir.path(), &["check", "--format", "json", "u.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    let e = r.error_for("u.txt");
    assert_eq!((&e["line"], &e["column"]), (&2.into(), &1.into()));
    assert!(
        r.findings_in("u.txt")
            .contains(&("etiquette/dont-know".into(), 2, 5))
    );
}

#[test]
fn cr_only_txt_splits_into_lines_with_true_positions() {
    let dir = dir_with(&[(
        "mac.txt",
        "亲，您好\r# 注释\r\r这个我不知道\r您自己看\r".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "--format", "json", "mac.txt"]);
    r.sane();
    assert_eq!(r.json()["summary"]["phrases"], 3);
    let found = r.findings_in("mac.txt");
    assert!(
        found.contains(&("etiquette/dont-know".into(), 4, 4)),
        "{found:?}"
    );
    assert!(found.iter().any(|f| f.1 == 5), "{found:?}");
}

#[test]
fn cr_only_gbk_csv_splits_rows_with_true_positions() {
    let (gbk, _, _) = encoding_rs::GBK
        .encode("快捷编码,快捷短语,快捷短语分组\ra,您好,欢迎\rb,这个我不知道,售后\r");
    let dir = dir_with(&[("old.csv", &gbk)]);
    let r = run(dir.path(), &["check", "--format", "json", "old.csv"]);
    r.sane();
    assert_eq!(r.json()["summary"]["phrases"], 2);
    assert_eq!(
        r.findings_in("old.csv"),
        [("etiquette/dont-know".into(), 3, 6)]
    );
    assert_eq!(r.json()["diagnostics"][0]["encoding"], "GBK");
}

#[test]
fn cr_only_tab_separated_csv_is_still_sniffed_as_tabs() {
    let dir = dir_with(&[(
        "t.csv",
        "快捷编码\t快捷短语\ra\t亲，在的，有什么可以帮您，谢谢\rb\t这个我不知道\r".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "--format", "json", "t.csv"]);
    assert_eq!(r.json()["summary"]["phrases"], 2);
    assert_eq!(
        r.findings_in("t.csv"),
        [("etiquette/dont-know".into(), 3, 6)]
    );
}

#[test]
fn cr_only_markdown_keeps_lines() {
    let dir = dir_with(&[("m.md", "# 售后\r\r- 您好\r- 这个我不知道\r".as_bytes())]);
    let r = run(dir.path(), &["check", "--format", "json", "m.md"]);
    r.sane();
    assert_eq!(
        r.findings_in("m.md"),
        [("etiquette/dont-know".into(), 4, 6)]
    );
}

#[test]
fn cr_only_snippets_show_the_line_not_the_whole_file() {
    let dir = dir_with(&[(
        "mac.txt",
        "第一行很长很长的欢迎语\r这个我不知道\r第三行再见\r".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "mac.txt"]);
    r.sane();
    assert!(r.stdout.contains("mac.txt:2:4"), "{}", r.stdout);
    assert!(
        !r.stdout.contains('\r'),
        "a lone CR in the snippet garbles the terminal"
    );
    assert!(!r.stdout.contains("第三行"), "{}", r.stdout);
}

#[test]
fn crlf_and_mixed_line_endings_keep_their_positions() {
    let dir = dir_with(&[("mix.txt", "您好\r\n欢迎\n再见\r这个我不知道\r\n".as_bytes())]);
    let r = run(dir.path(), &["check", "--format", "json", "mix.txt"]);
    assert_eq!(r.json()["summary"]["phrases"], 4);
    assert_eq!(
        r.findings_in("mix.txt"),
        [("etiquette/dont-know".into(), 4, 4)]
    );
}

#[test]
fn an_empty_file_and_a_bom_only_file_are_checked_and_listed_as_empty() {
    let dir = dir_with(&[
        ("e.txt", b""),
        ("b.txt", b"\xEF\xBB\xBF"),
        ("u.txt", b"\xFF\xFE"),
    ]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "e.txt", "b.txt", "u.txt"],
    );
    r.sane();
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["empty"].as_array().unwrap().len(), 3);
}

#[test]
fn nul_bytes_named_explicitly_are_a_binary_file_error() {
    let dir = dir_with(&[("n.txt", &[0u8, 1, 2, 3, 0, 0, 0xFF, 0x10][..])]);
    let r = run(dir.path(), &["check", "--format", "json", "n.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(
        r.error_for("n.txt")["message"]
            .as_str()
            .unwrap()
            .contains("二进制")
    );
}
