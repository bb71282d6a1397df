//! Real phrase files (issue 4): encodings, 千牛 CSV quirks, Excel workbooks, Markdown, and the walk.
//! The fixtures in tests/fixtures/formats were written by other tools (see make.sh there); each must
//! lint as its UTF-8 twin does.

use assert_cmd::Command;
use serde_json::Value;

const DIR: &str = "tests/fixtures/formats";
const PACK: &str = "tests/fixtures/packs/demo.yaml";

fn huashu() -> Command {
    let mut c = Command::cargo_bin("huashu").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Runs `check --format json` and returns (exit code, JSON, stderr).
fn check_json(args: &[&str]) -> (i32, Value, String) {
    let mut cmd = huashu();
    cmd.args(["check", "--pack", PACK, "--format", "json"]);
    // Only the demo pack's rules, so the built-in packs can change without touching these tests.
    if !args.contains(&"--select") {
        cmd.args(["--select", "demo"]);
    }
    let out = cmd.args(args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// The findings of one file, each reduced to the given fields.
fn findings(file: &str, fields: &[&str]) -> Vec<Vec<Value>> {
    let (code, json, stderr) = check_json(&[&fixture(file)]);
    assert_eq!(code, 1, "{file}: {stderr}");
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| fields.iter().map(|f| d[*f].clone()).collect())
        .collect()
}

/// Every field a finding has except where it came from.
const ALL: &[&str] = &[
    "rule",
    "severity",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "matched",
    "phrase",
    "group",
    "scene",
    "suggestions",
    "quick_code",
];

/// What a finding says about the phrase, whatever the file's layout.
const CONTENT: &[&str] = &["rule", "matched", "phrase", "group", "scene", "quick_code"];

fn encodings(file: &str) -> Vec<Value> {
    let (_, json, _) = check_json(&[&fixture(file)]);
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["encoding"].clone())
        .collect()
}

#[test]
fn gbk_csv_with_crlf_lints_as_its_utf8_twin() {
    let raw = std::fs::read(fixture("qianniu-gbk.csv")).unwrap();
    assert!(std::str::from_utf8(&raw).is_err(), "the fixture is GBK");
    assert!(raw.windows(2).any(|w| w == b"\r\n"), "the fixture has CRLF");
    let utf8 = findings("qianniu.csv", ALL);
    assert_eq!(utf8.len(), 5);
    assert_eq!(findings("qianniu-gbk.csv", ALL), utf8);
    assert!(encodings("qianniu-gbk.csv").iter().all(|e| e == "GBK"));
    assert!(encodings("qianniu.csv").iter().all(|e| e == "UTF-8"));
}

#[test]
fn utf16_text_files_lint_as_their_utf8_twin() {
    let utf8 = findings("twin.txt", ALL);
    assert_eq!(utf8.len(), 5);
    assert_eq!(findings("twin-utf16le.txt", ALL), utf8);
    assert_eq!(findings("twin-utf16be.txt", ALL), utf8);
    assert!(
        encodings("twin-utf16le.txt")
            .iter()
            .all(|e| e == "UTF-16LE")
    );
    assert!(
        encodings("twin-utf16be.txt")
            .iter()
            .all(|e| e == "UTF-16BE")
    );
}

#[test]
fn excel_unicode_text_export_reads_as_a_table() {
    let mut fields = CONTENT.to_vec();
    fields.push("line");
    assert_eq!(
        findings("qianniu-unicode.txt", &fields),
        findings("qianniu.csv", &fields)
    );
}

#[test]
fn qianniu_csv_quirks() {
    let (_, json, _) = check_json(&[&fixture("qianniu.csv")]);
    let d = json["diagnostics"].as_array().unwrap();
    // Empty group: 未分组.
    assert_eq!(d[1]["group"], "未分组");
    // &#13;&#10; is a line break in the phrase; the position is still the source's.
    assert_eq!(d[2]["phrase"], "你好\n记得付款哦,谢谢");
    assert_eq!(d[2]["scene"], "urge-payment");
    assert_eq!((&d[2]["line"], &d[2]["column"]), (&4.into(), &5.into()));
    // Full-width ＝>: the innermost group decides the scene.
    assert_eq!(d[3]["group"], "售后＝>退换货");
    assert_eq!(d[3]["scene"], "after-sales");
    assert_eq!(d[0]["quick_code"], "hy1");
}

#[test]
fn xlsx_lints_as_its_csv_twin_with_sheet_and_cell() {
    let (_, json, _) = check_json(&[&fixture("qianniu.xlsx")]);
    let d = json["diagnostics"].as_array().unwrap();
    let default: Vec<Vec<Value>> = d
        .iter()
        .filter(|d| d["sheet"] == "默认表单")
        .map(|d| CONTENT.iter().map(|f| d[*f].clone()).collect())
        .collect();
    assert_eq!(default, findings("qianniu.csv", CONTENT));
    let first = &d[0];
    assert_eq!(first["cell"], "B2");
    // line = row, column = character offset within the cell.
    assert_eq!((&first["line"], &first["column"]), (&2.into(), &11.into()));
    assert_eq!(first["encoding"], Value::Null);
    // Sheets are in workbook order; the header of 售后话术 is on row 3 under a title, and the notes
    // sheet (no header) is not checked.
    let last = d.last().unwrap();
    assert_eq!(
        (&last["sheet"], &last["cell"], &last["line"]),
        (&"售后话术".into(), &"C4".into(), &4.into())
    );
    assert_eq!(last["quick_code"], "sh1");
    assert_eq!(last["group"], "退换货");
    assert_eq!(json["summary"]["phrases"], 6);
}

#[test]
fn xls_lints_as_its_csv_twin() {
    let mut fields = CONTENT.to_vec();
    fields.push("line");
    let xls = findings("qianniu.xls", &fields);
    assert_eq!(xls, findings("qianniu.csv", &fields));
    let (_, json, _) = check_json(&[&fixture("qianniu.xls")]);
    assert_eq!(json["diagnostics"][0]["cell"], "B2");
}

#[test]
fn pretty_output_names_sheet_and_cell() {
    let out = huashu()
        .args(["check", "--pack", PACK, "--select", "demo"])
        .arg(fixture("qianniu.xlsx"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("qianniu.xlsx 默认表单!B2:2:11"), "{stdout}");
    assert!(stdout.contains("售后话术!C4"), "{stdout}");
    // A cell with a line break shows only its own row number.
    assert!(!stdout.contains(" 5 │ 记得付款哦"), "{stdout}");
}

#[test]
fn markdown_lints_as_its_csv_twin() {
    let fields = ["rule", "matched", "phrase", "scene"];
    assert_eq!(
        findings("twin.md", &fields),
        findings("qianniu.csv", &fields)
    );
    let (_, json, _) = check_json(&[&fixture("twin.md")]);
    let d = &json["diagnostics"][0];
    // Front matter, the HTML comment and the code block are not phrases.
    assert_eq!(json["summary"]["phrases"], 5);
    assert_eq!((&d["line"], &d["column"]), (&11.into(), &13.into()));
    assert_eq!(d["group"], "欢迎语");
}

#[test]
fn utf8_bom_is_not_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bom.txt");
    std::fs::write(&p, "\u{feff}不知道\n").unwrap();
    let (_, json, _) = check_json(&[p.to_str().unwrap()]);
    let d = &json["diagnostics"][0];
    assert_eq!((&d["line"], &d["column"]), (&1.into(), &1.into()));
    assert_eq!(d["encoding"], "UTF-8");
}

#[test]
fn undecodable_file_is_an_error_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    let mut bytes = "亲，您好，欢迎光临本店哦\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"\xFF\xFE\xFD\n");
    std::fs::write(&bad, bytes).unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "不知道\n").unwrap();
    let (code, json, stderr) = check_json(&[bad.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.txt"), "{stderr}");
    // The damaged bytes are located by line and column (not a byte offset), and reported in JSON.
    let e = &json["errors"][0];
    assert!(e["path"].as_str().unwrap().ends_with("bad.txt"), "{e}");
    assert_eq!((&e["line"], &e["column"]), (&2.into(), &1.into()));
    assert!(
        e["message"].as_str().unwrap().contains("0xFF 0xFE 0xFD"),
        "{e}"
    );
    // The other file is still checked.
    let found = json["diagnostics"].as_array().unwrap();
    assert!(
        found
            .iter()
            .any(|d| d["path"].as_str().unwrap().ends_with("good.txt") && d["matched"] == "不知道"),
        "{json}"
    );
}

#[test]
fn encoding_flag_overrides_detection() {
    let gbk = fixture("qianniu-gbk.csv");
    let (code, json, _) = check_json(&["--encoding", "gb18030", &gbk]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["encoding"], "GB18030");
    let (code, json, stderr) = check_json(&["--encoding", "utf-8", &gbk]);
    assert_eq!(code, 2);
    assert!(stderr.contains("qianniu-gbk.csv"), "{stderr}");
    // Not UTF-8 at all: an error at the first bad byte's line and column, and nothing checked
    // (no flood of garbled-text findings from reading it anyway).
    let e = &json["errors"][0];
    assert_eq!((&e["line"], &e["column"]), (&1.into(), &1.into()));
    assert_eq!(json["summary"]["files"], 0);
    huashu()
        .args(["check", "--encoding", "klingon", &gbk])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("不认识的编码"));
}

#[test]
fn header_without_phrase_column_lists_columns_and_accepted_names() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, "编号,名称\n1,不知道\n").unwrap();
    let (code, _, stderr) = check_json(&[p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("编号、名称"), "{stderr}");
    assert!(stderr.contains("快捷短语"), "{stderr}");
}

#[test]
fn walking_skips_and_counts_binary_and_unknown_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "不知道\n").unwrap();
    std::fs::write(d.join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    std::fs::write(d.join("notes.pdf"), b"%PDF-1.4").unwrap();
    std::fs::write(d.join("dump.txt"), b"\0\x01\x02binary").unwrap();
    std::fs::write(d.join("~$book.xlsx"), b"\x05user\0\0\0").unwrap();
    let (code, json, stderr) = check_json(&[d.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["skipped"], 4);
    let out = huashu()
        .args([
            "check",
            "--pack",
            PACK,
            "--select",
            "demo",
            d.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("跳过 4 个"));
}

#[test]
fn explicit_unknown_extension_suggests_input_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("phrases.dat");
    std::fs::write(&p, "快捷编码\t快捷短语\na\t不知道\n").unwrap();
    huashu()
        .args(["check", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--input-format"));
    let (code, json, _) = check_json(&["--input-format", "tsv", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["quick_code"], "a");
    // A binary file named explicitly is an error, not a skip.
    let bin = dir.path().join("b.txt");
    std::fs::write(&bin, b"\0\0\0").unwrap();
    huashu()
        .args(["check", bin.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("二进制"));
}

#[test]
fn stdin_takes_input_format() {
    let csv = std::fs::read(fixture("qianniu-gbk.csv")).unwrap();
    let out = huashu()
        .args([
            "check", "--pack", PACK, "--select", "demo", "--format", "json",
        ])
        .args(["--input-format", "csv", "-"])
        .write_stdin(csv)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["path"], "<stdin>");
    assert_eq!(json["diagnostics"][0]["encoding"], "GBK");
    assert_eq!(json["diagnostics"][0]["quick_code"], "hy1");
    let xlsx = std::fs::read(fixture("qianniu.xlsx")).unwrap();
    let out = huashu()
        .args([
            "check", "--pack", PACK, "--select", "demo", "--format", "json",
        ])
        .args(["--input-format", "xlsx", "-"])
        .write_stdin(xlsx)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["cell"], "B2");
}

#[test]
fn a_one_megabyte_line_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("long.txt");
    let head = "亲，您好。".repeat(70_000);
    std::fs::write(&p, format!("{head}这个我不知道。\n第二行不知道\n")).unwrap();
    assert!(std::fs::metadata(&p).unwrap().len() > 1_000_000);
    let started = std::time::Instant::now();
    let (_, json, _) = check_json(&["--select", "demo/dont-know", p.to_str().unwrap()]);
    assert!(started.elapsed().as_secs() < 30);
    let d = json["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0]["line"], 1);
    assert_eq!(d[0]["column"], 350_000 + 4);
    assert_eq!(d[1]["line"], 2);
}

#[test]
fn text_saved_as_xls_is_read_as_the_table_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("export.xls");
    std::fs::copy(fixture("qianniu-unicode.txt"), &fake).unwrap();
    let mut fields = CONTENT.to_vec();
    fields.push("line");
    let (code, json, stderr) = check_json(&[fake.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let got: Vec<Vec<Value>> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| fields.iter().map(|f| d[*f].clone()).collect())
        .collect();
    assert_eq!(got, findings("qianniu.csv", &fields));
    let html = dir.path().join("web.xls");
    std::fs::write(
        &html,
        "<html><table><tr><td>快捷短语</td></tr></table></html>",
    )
    .unwrap();
    let (code, _, stderr) = check_json(&[html.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("HTML"), "{stderr}");
}

#[test]
fn workbook_without_phrase_column_lists_its_header() {
    let (code, _, stderr) = check_json(&[&fixture("noheader.xlsx")]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("noheader.xlsx") && stderr.contains("编号、标题"),
        "{stderr}"
    );
    assert!(stderr.contains("快捷短语"), "{stderr}");
}

#[test]
fn every_text_fixture_encodes_back_to_its_own_bytes() {
    use huashu::input::{Format, ReadOptions, read_bytes};
    for (file, format, name) in [
        ("qianniu.csv", Format::Csv, "UTF-8"),
        ("qianniu-gbk.csv", Format::Csv, "GBK"),
        ("qianniu-unicode.txt", Format::Txt, "UTF-16LE"),
        ("twin-utf16le.txt", Format::Txt, "UTF-16LE"),
        ("twin-utf16be.txt", Format::Txt, "UTF-16BE"),
        ("twin.md", Format::Md, "UTF-8"),
    ] {
        let bytes = std::fs::read(fixture(file)).unwrap();
        let doc = read_bytes(
            file.to_string(),
            bytes.clone(),
            format,
            &ReadOptions::default(),
            true,
        )
        .unwrap()
        .document()
        .unwrap();
        let enc = doc.encoding().unwrap();
        assert_eq!(enc.name(), name, "{file}");
        assert_eq!(enc.encode(&doc.source.text).unwrap(), bytes, "{file}");
    }
    let bytes = std::fs::read(fixture("qianniu.xlsx")).unwrap();
    let doc = read_bytes(
        "b.xlsx".into(),
        bytes,
        Format::Xlsx,
        &ReadOptions::default(),
        true,
    )
    .unwrap()
    .document()
    .unwrap();
    assert_eq!(
        doc.encoding(),
        None,
        "a workbook cannot be written back as text"
    );
}

#[test]
fn ci_outputs_name_the_cell_and_never_fix_a_workbook() {
    let run = |format: &str| {
        let out = huashu()
            .args([
                "check", "--pack", PACK, "--select", "demo", "--format", format,
            ])
            .arg(fixture("qianniu.xlsx"))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let github = run("github");
    assert!(
        github.contains("line=2,col=11,") && github.contains("（默认表单!B2）"),
        "{github}"
    );
    let junit = run("junit");
    assert!(
        junit.contains("位置：tests/fixtures/formats/qianniu.xlsx 默认表单!B2 第 11 个字符"),
        "{junit}"
    );
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let first = &results[0];
    assert_eq!(first["properties"]["cell"], "B2");
    assert_eq!(first["properties"]["sheet"], "默认表单");
    assert_eq!(
        first["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    // demo/you is fix: safe, but a text edit would corrupt a workbook.
    let you = results.iter().find(|r| r["ruleId"] == "demo/you").unwrap();
    assert!(you.get("fixes").is_none(), "{you}");
}
