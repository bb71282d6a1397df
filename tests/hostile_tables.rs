//! Hostile tables and structured files: CSV quotes and columns, workbooks (sparse sheets, zip bombs,
//! damaged compound files), YAML/JSON sizes and alias bombs, Markdown tables. Each case proves the
//! file is read right or refused with a clear error naming it, never a silent wrong result, a hang
//! or a crash, and that the other files are still checked.

mod common;
mod support;

use std::time::Instant;
use support::{dir_with, run, xlsx};

#[test]
fn csv_unclosed_quote_names_its_line_and_the_rows_after_it_are_checked() {
    let dir = dir_with(&[(
        "q.csv",
        "快捷短语,分组\n您好,欢迎\n\"亲，稍等,售后\n这个我不知道,售后\n你自己看,售后\n".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "--format", "json", "q.csv"]);
    r.sane();
    assert_eq!(r.code, 2);
    let e = r.error_for("q.csv");
    assert_eq!((&e["line"], &e["column"]), (&3.into(), &1.into()), "{e}");
    assert!(e["message"].as_str().unwrap().contains("引号"), "{e}");
    let found = r.findings_in("q.csv");
    assert!(
        found.contains(&("etiquette/dont-know".into(), 4, 4)),
        "{found:?}"
    );
    assert!(found.iter().any(|f| f.1 == 5), "{found:?}");
    assert_eq!(r.json()["summary"]["phrases"], 4);
}

#[test]
fn csv_quote_that_closes_rows_later_before_more_text_is_unbalanced() {
    let dir = dir_with(&[(
        "q.csv",
        "快捷短语,分组\n\"亲，稍等,售后\n这个我不知道,售后\n\"再见\",结束语\n".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "--format", "json", "q.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.error_for("q.csv")["line"], 2);
    assert!(
        r.findings_in("q.csv")
            .contains(&("etiquette/dont-know".into(), 3, 4))
    );
}

#[test]
fn csv_quoted_field_with_line_breaks_is_one_phrase_not_an_error() {
    let dir = dir_with(&[(
        "q.csv",
        "快捷短语,分组\n\"亲，您好\n这个我不知道\",售后\n再见,结束语\n".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "--format", "json", "q.csv"]);
    r.sane();
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["errors"], serde_json::json!([]));
    assert_eq!(r.json()["summary"]["phrases"], 2);
    assert_eq!(
        r.findings_in("q.csv"),
        [("etiquette/dont-know".into(), 3, 4)]
    );
}

#[test]
fn csv_with_the_phrase_column_twice_reads_both() {
    let dir = dir_with(&[(
        "d.csv",
        "快捷编码,快捷短语,快捷短语\na,您好,这个我不知道\n".as_bytes(),
    )]);
    // What the reader read. Both phrases of the row share its code, which library/duplicate-code
    // reports (tests/cli_library.rs); here only the phrases matter.
    let r = run(
        dir.path(),
        &["check", "--format", "json", "--ignore", "library", "d.csv"],
    );
    assert_eq!(r.json()["summary"]["phrases"], 2);
    assert_eq!(
        r.findings_in("d.csv"),
        [("etiquette/dont-know".into(), 2, 9)]
    );
}

#[test]
fn csv_with_synonym_phrase_columns_reads_both() {
    let dir = dir_with(&[(
        "s.csv",
        "快捷短语,分组,回复内容\n这个我不知道,售后,您自己看\n".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "--format", "json", "s.csv"]);
    let found = r.findings_in("s.csv");
    assert!(
        found.contains(&("etiquette/dont-know".into(), 2, 4)),
        "{found:?}"
    );
    assert!(
        found.contains(&("etiquette/imperative".into(), 2, 12)),
        "{found:?}"
    );
}

#[test]
fn fix_never_rewrites_a_csv_with_an_unbalanced_quote() {
    // The last row is fixable on its own (hygiene/stage-direction removes the note).
    let text = "快捷短语\n\"您好\n亲，欢迎光临本店(再回答顾客的问题)\n";
    let dir = dir_with(&[("q.csv", text.as_bytes())]);
    let r = run(dir.path(), &["check", "--fix", "q.csv"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("q.csv")).unwrap(),
        text
    );
}

#[test]
fn markdown_table_with_two_phrase_columns_reads_both() {
    let dir = dir_with(&[(
        "t.md",
        "| 快捷短语 | 回复内容 |\n| --- | --- |\n| 您好 | 这个我不知道 |\n".as_bytes(),
    )]);
    let r = run(dir.path(), &["check", "--format", "json", "t.md"]);
    assert_eq!(r.json()["summary"]["phrases"], 2);
    assert_eq!(
        r.findings_in("t.md"),
        [("etiquette/dont-know".into(), 3, 11)]
    );
}

#[test]
fn xlsx_with_a_note_in_xfd1048576_is_read_sparsely() {
    let book = xlsx(&[
        ("A1", "快捷短语"),
        ("B1", "分组"),
        ("A2", "这个我不知道"),
        ("B2", "售后"),
        ("XFD1048576", "备注：最后一格"),
    ]);
    let dir = dir_with(&[("far.xlsx", &book)]);
    let started = Instant::now();
    let r = run(dir.path(), &["check", "--format", "json", "far.xlsx"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = &r.json()["diagnostics"][0];
    assert_eq!((&d["sheet"], &d["cell"]), (&"Sheet1".into(), &"A2".into()));
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn xlsx_header_below_title_rows_and_far_columns_is_found() {
    let book = xlsx(&[
        ("A1", "话术导出"),
        ("C3", "编码"),
        ("AA3", "快捷短语"),
        ("C4", "a1"),
        ("AA4", "这个我不知道"),
    ]);
    let dir = dir_with(&[("t.xlsx", &book)]);
    let r = run(dir.path(), &["check", "--format", "json", "t.xlsx"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = &r.json()["diagnostics"][0];
    assert_eq!(d["cell"], "AA4");
    assert_eq!((&d["line"], &d["column"]), (&4.into(), &4.into()));
}

#[test]
fn xlsx_with_two_phrase_columns_reads_both() {
    let book = xlsx(&[
        ("A1", "快捷短语"),
        ("B1", "回复内容"),
        ("A2", "您好"),
        ("B2", "这个我不知道"),
    ]);
    let dir = dir_with(&[("two.xlsx", &book)]);
    let r = run(dir.path(), &["check", "--format", "json", "two.xlsx"]);
    assert_eq!(r.json()["summary"]["phrases"], 2);
    assert_eq!(r.json()["diagnostics"][0]["cell"], "B2");
}

#[test]
fn xlsx_zip_bomb_meets_the_size_limit_with_a_clear_error() {
    let big = "哈".repeat(30 << 20); // 90 MB of one cell, packed to a few hundred KB
    let book = xlsx(&[("A1", "快捷短语"), ("A2", &big)]);
    assert!(book.len() < 1 << 20, "{} bytes", book.len());
    let dir = dir_with(&[
        ("bomb.xlsx", &book),
        ("ok.txt", "这个我不知道\n".as_bytes()),
    ]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "bomb.xlsx", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    let message = r.error_for("bomb.xlsx")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("sheet1.xml") && message.contains("压缩"),
        "{message}"
    );
    assert_eq!(
        r.findings_in("ok.txt").len(),
        1,
        "the other file is checked"
    );
}

#[test]
fn xlsx_with_a_forged_shared_string_count_is_refused_not_an_abort() {
    // calamine reserves `uniqueCount` strings up front: 4 trillion would abort the process.
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000000"><si><t>快捷短语</t></si></sst>"#;
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
    let book = support::workbook_zip(&[
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
    ]);
    let dir = dir_with(&[("sst.xlsx", &book), ("ok.txt", "这个我不知道\n".as_bytes())]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "sst.xlsx", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert!(
        r.error_for("sst.xlsx")["message"]
            .as_str()
            .unwrap()
            .contains("共享字符串")
    );
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[test]
fn one_broken_workbook_never_stops_the_other_files() {
    let good = xlsx(&[("A1", "快捷短语"), ("A2", "这个我不知道")]);
    let broken = good[..good.len() / 2].to_vec();
    let dir = dir_with(&[
        ("lib/a.xlsx", &broken),
        ("lib/b.xlsx", &good),
        ("lib/c.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage"),
        ("lib/d.txt", "您自己看\n".as_bytes()),
    ]);
    let r = run(dir.path(), &["check", "--format", "json", "lib"]);
    r.sane();
    assert_eq!(r.code, 2);
    r.error_for("a.xlsx");
    r.error_for("c.xls");
    assert_eq!(r.findings_in("b.xlsx").len(), 1);
    assert!(!r.findings_in("d.txt").is_empty());
}

/// The fixture .xls, with `patch` applied to its bytes.
fn patched_xls(patch: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/qianniu.xls"),
    )
    .unwrap();
    patch(&mut bytes);
    bytes
}

fn find_last(bytes: &[u8], needle: &[u8]) -> usize {
    bytes
        .windows(needle.len())
        .rposition(|w| w == needle)
        .expect("record in the fixture")
}

#[test]
fn xls_with_a_cell_far_away_is_refused_with_a_hint_not_allocated() {
    // The last LabelSst record (type 0x00FD, 10 bytes) moved to IV65536.
    let xls = patched_xls(|b| {
        let at = find_last(b, b"\xFD\x00\x0A\x00") + 4;
        b[at..at + 4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
    });
    let dir = dir_with(&[("far.xls", &xls)]);
    let r = run(dir.path(), &["check", "--format", "json", "far.xls"]);
    r.sane();
    assert_eq!(r.code, 2);
    let message = r.error_for("far.xls")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("65536 行") && message.contains("256 列"),
        "{message}"
    );
    assert!(r.stderr.contains(".xlsx"), "{}", r.stderr);
}

#[test]
fn xls_whose_dimensions_record_asks_for_billions_of_cells_is_refused() {
    // DIMENSIONS (0x0200, 14 bytes): last row + 1 as a 32-bit number.
    let xls = patched_xls(|b| {
        let at = find_last(b, b"\x00\x02\x0E\x00") + 4;
        b[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        b[at + 10..at + 12].copy_from_slice(&0x00FFu16.to_le_bytes());
    });
    let dir = dir_with(&[("dim.xls", &xls)]);
    let r = run(dir.path(), &["check", "--format", "json", "dim.xls"]);
    r.sane();
    assert_eq!(r.code, 2);
    r.error_for("dim.xls");
}

#[test]
fn xls_with_a_looping_sector_chain_is_refused_instead_of_hanging() {
    let xls = patched_xls(|b| {
        let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
        let dir_start = u32_at(b, 48) as usize;
        let fat_sector = u32_at(b, 76) as usize;
        let entry = (fat_sector + 1) * 512 + dir_start * 4;
        b[entry..entry + 4].copy_from_slice(&(dir_start as u32).to_le_bytes());
    });
    let dir = dir_with(&[("loop.xls", &xls), ("ok.txt", "这个我不知道\n".as_bytes())]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "loop.xls", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert!(
        r.error_for("loop.xls")["message"]
            .as_str()
            .unwrap()
            .contains("损坏")
    );
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[test]
fn fuzz_found_xls_sector_past_the_end_is_refused_not_a_panic() {
    let xls = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz/xls-sector-past-end.xls"),
    )
    .unwrap();
    let dir = dir_with(&[("crash.xls", &xls), ("ok.txt", "这个我不知道\n".as_bytes())]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "crash.xls", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    assert!(
        r.error_for("crash.xls")["message"]
            .as_str()
            .unwrap()
            .contains("损坏")
    );
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

/// A damaged workbook that makes calamine itself panic (past what `input::guard` refuses up front)
/// fails that file with a readable error, silently (no panic message), and the run goes on.
fn contained_workbook_panic(fixture: &str, name: &str) {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz")
            .join(fixture),
    )
    .unwrap();
    let dir = dir_with(&[(name, &bytes), ("ok.txt", "这个我不知道\n".as_bytes())]);
    let r = run(dir.path(), &["check", "--format", "json", name, "ok.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(
        r.error_for(name)["message"]
            .as_str()
            .unwrap()
            .contains("损坏"),
        "{}",
        r.stderr
    );
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[test]
fn fuzz_found_xls_string_table_past_its_record_is_an_error_not_a_panic() {
    // calamine's read_rich_extended_string: `range end index 2 out of range for slice of length 0`.
    contained_workbook_panic("xls-sst-string-past-the-record.xls", "crash.xls");
}

#[test]
fn fuzz_found_xlsx_cell_reference_overflow_is_an_error_not_a_panic() {
    // calamine's get_row_and_optional_column: `attempt to multiply with overflow` (a debug build's
    // overflow check; a release build wraps and reads the sheet as damaged).
    contained_workbook_panic("xlsx-cell-reference-overflow.xlsx", "crash.xlsx");
}

#[test]
fn xls_with_a_truncated_sheet_directory_record_is_refused_not_a_panic() {
    // BoundSheet8 (0x0085) cut to 4 bytes: calamine reads its flag bytes 4 and 5 unchecked.
    let xls = patched_xls(|b| {
        let at = (0..b.len() - 4)
            .find(|&i| b[i..i + 2] == [0x85, 0x00] && b[i + 2] == 16 && b[i + 3] == 0)
            .expect("the sheet's BoundSheet8 record");
        b[at + 2] = 4;
    });
    let dir = dir_with(&[("short.xls", &xls), ("ok.txt", "这个我不知道\n".as_bytes())]);
    let r = run(
        dir.path(),
        &["check", "--format", "json", "short.xls", "ok.txt"],
    );
    r.sane();
    assert_eq!(r.code, 2);
    r.error_for("short.xls");
    assert_eq!(r.findings_in("ok.txt").len(), 1);
}

#[test]
fn the_xls_fixture_still_reads_after_the_guards() {
    let dir = dir_with(&[("q.xls", &patched_xls(|_| {}))]);
    let r = run(dir.path(), &["check", "--format", "json", "q.xls"]);
    r.sane();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["summary"]["phrases"], 5);
}

fn book_of(n: usize) -> String {
    let mut s = String::from("shop: 大店\ngroups:\n  - name: 售后\n    phrases:\n");
    for i in 0..n {
        s.push_str(&format!(
            "      - text: 亲，第{i}号问题我们马上帮您处理\n        code: c{i}\n"
        ));
    }
    s.push_str("      - text: 这个我不知道\n        code: last\n");
    s
}

#[test]
fn yaml_phrasebook_of_50000_coded_phrases_is_read_not_refused_by_a_node_limit() {
    let dir = dir_with(&[("big.yaml", book_of(50_000).as_bytes())]);
    // What the reader read: the library checks would report the 50,000 near-copies of this
    // synthetic book (they have tests of their own in tests/cli_library.rs).
    let r = run(
        dir.path(),
        &[
            "check", "--format", "json", "--ignore", "library", "big.yaml",
        ],
    );
    r.sane();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["summary"]["phrases"], 50_001);
    assert_eq!(
        r.findings_in("big.yaml"),
        [("etiquette/dont-know".into(), 100_005, 18)]
    );
}

#[test]
fn json_phrasebook_of_60000_coded_phrases_is_read() {
    let phrases: Vec<serde_json::Value> = (0..60_000)
        .map(|i| serde_json::json!({"text": format!("亲，第{i}号"), "code": format!("c{i}")}))
        .collect();
    let book = serde_json::json!({"groups": [{"name": "售后", "phrases": phrases}]});
    let dir = dir_with(&[("big.json", book.to_string().as_bytes())]);
    let r = run(dir.path(), &["check", "--format", "json", "big.json"]);
    r.sane();
    assert_eq!(r.json()["summary"]["phrases"], 60_000, "{}", r.stderr);
}

/// A billion-laughs document: nine levels of ten aliases each.
fn alias_bomb(top: &str) -> String {
    let mut s = String::from(
        "a0: &a0 [\"哈\", \"哈\", \"哈\", \"哈\", \"哈\", \"哈\", \"哈\", \"哈\", \"哈\", \"哈\"]\n",
    );
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        s.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    s.push_str(top);
    s
}

#[test]
fn yaml_alias_bomb_in_a_phrasebook_still_fails_fast_with_the_raised_limits() {
    let book = alias_bomb("groups:\n  - name: 售后\n    phrases: *a9\n");
    let dir = dir_with(&[("bomb.yaml", book.as_bytes())]);
    let started = Instant::now();
    let r = run(dir.path(), &["check", "--format", "json", "bomb.yaml"]);
    r.sane();
    assert_eq!(r.code, 2);
    r.error_for("bomb.yaml");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn yaml_alias_bomb_as_a_rule_pack_fails_fast() {
    let pack = alias_bomb("pack: bomb\nrules: *a9\n");
    let dir = dir_with(&[("bomb-pack.yaml", pack.as_bytes()), ("a.txt", b"ok\n")]);
    let started = Instant::now();
    let r = run(dir.path(), &["check", "--pack", "bomb-pack.yaml", "a.txt"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bomb-pack.yaml"), "{}", r.stderr);
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn yaml_nested_too_deep_is_an_error_not_a_stack_overflow() {
    let deep = format!("groups: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let dir = dir_with(&[("deep.yaml", deep.as_bytes())]);
    let r = run(dir.path(), &["check", "--format", "json", "deep.yaml"]);
    r.sane();
    assert_eq!(r.code, 2);
    assert_eq!(r.error_for("deep.yaml")["line"], 1);
}

#[test]
fn a_rule_pack_of_9000_rules_loads() {
    let mut pack = String::from("pack: big\nrules:\n");
    for i in 0..9_000 {
        // About 30 YAML nodes a rule: 270,000 in all, past serde-saphyr's default 250,000.
        pack.push_str(&format!(
            "  - id: big/r{i}\n    kind: forbid\n    level: info\n    message: 规则{i}\n    explain: 测试用\n    source: 测试用\n    scope: sentence\n    suggest: [别的词]\n    words: [禁词{i}号]\n    except: [禁词{i}号码]\n    examples:\n      bad: [有禁词{i}号]\n      good: [没有]\n"
        ));
    }
    let dir = dir_with(&[
        ("big-pack.yaml", pack.as_bytes()),
        ("a.txt", "这里有禁词8999号\n".as_bytes()),
    ]);
    let r = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--pack",
            "big-pack.yaml",
            "--select",
            "big",
            "a.txt",
        ],
    );
    r.sane();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.findings_in("a.txt"), [("big/r8999".into(), 1, 4)]);
}
