//! `--format html` as the binary writes it, and `-o/--output` for every format. The page's behaviour
//! in a browser is tested in `html_browser.rs`; here, what the file holds.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const PACK: &str = "../packs/demo.yaml";

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/output"
    ))
}

/// `huashu check` with only the demo pack, in `tests/fixtures/output`, at a fixed time.
fn check(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("huashu")
        .unwrap()
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .args(["check", "--pack", PACK, "--select", "demo"])
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().expect("exited"),
    )
}

/// The text between `open` (its end) and the next `close`.
fn between<'a>(page: &'a str, open: &str, close: &str) -> &'a str {
    let start = page
        .find(open)
        .unwrap_or_else(|| panic!("{open} in the page"))
        + open.len();
    let end = start + page[start..].find(close).unwrap();
    &page[start..end]
}

/// The page with its style, its script and their hashes left out: those are the page's code, tested
/// in the browser; the snapshot is about the data and the layout.
fn redacted(page: &str) -> String {
    let style = between(page, "<style>", "</style>");
    let script_at = page.rfind("<script>").unwrap() + "<script>".len();
    let script = &page[script_at..page.rfind("</script>").unwrap()];
    let mut out = page
        .replacen(style, "[style]", 1)
        .replacen(script, "[script]", 1)
        .replace(env!("CARGO_PKG_VERSION"), "[version]");
    while let Some(at) = out.find("'sha256-") {
        let end = at + 1 + out[at + 1..].find('\'').unwrap();
        out.replace_range(at..=end, "'[hash]'");
    }
    out
}

/// The JSON data blocks of a page: meta, chunks, end.
fn blocks(page: &str) -> Vec<Value> {
    page.split("<script type=\"application/json\"")
        .skip(1)
        .map(|rest| {
            let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
            serde_json::from_str(body).expect("each data block is JSON")
        })
        .collect()
}

#[test]
fn html_of_a_small_library() {
    let (page, _, code) = check(&["lib", "--format", "html"]);
    assert_eq!(code, 1, "the exit code does not depend on the format");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.ends_with("</html>\n"));
    insta::assert_snapshot!("html_lib", redacted(&page));
}

#[test]
fn html_holds_what_json_holds() {
    let (page, _, _) = check(&["lib", "broken", "--format", "html"]);
    let (json, _, _) = check(&["lib", "broken", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let blocks = blocks(&page);
    let (meta, end) = (&blocks[0], blocks.last().unwrap());
    assert_eq!(
        meta["generated"], "2025-01-01T00:00:00Z",
        "SOURCE_DATE_EPOCH"
    );
    assert_eq!(
        meta["packs"],
        serde_json::json!(["demo（../packs/demo.yaml）"])
    );
    let findings: usize = blocks[1..blocks.len() - 1]
        .iter()
        .map(|c| c["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(findings, json["diagnostics"].as_array().unwrap().len());
    assert_eq!(end["summary"], json["summary"]);
    assert_eq!(end["failures"], json["errors"]);
    assert_eq!(
        end["library"],
        Value::Null,
        "no overview without library checks"
    );
}

/// The phrases and the group name of `fixtures/html/hostile.yaml`, as read.
fn hostile() -> (Vec<String>, String) {
    let book: Value = serde_saphyr::from_str(&common::fixture("html/hostile.yaml")).unwrap();
    let group = &book["groups"][0];
    let phrases = group["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    (phrases, group["name"].as_str().unwrap().to_string())
}

#[test]
fn hostile_text_never_becomes_markup() {
    let (phrases, group) = hostile();
    let dir = common::project(
        &[("<b onclick=x>名&amp;.yaml", "html/hostile.yaml")],
        &[] as &[(&str, &str)],
    );
    let out = common::huashu(dir.path())
        .args([
            "check",
            "--format",
            "html",
            "--select",
            "etiquette/informal-you",
        ])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    for text in phrases.iter().chain([&group]) {
        assert!(
            !text.contains(['<', '>', '&']) || !page.contains(text.as_str()),
            "{text} written raw"
        );
    }
    for raw in [
        "<img",
        "<b>",
        "__pwned = 1</script>",
        "<!-- 你",
        "<iframe",
        "<svg",
    ] {
        assert!(!page.contains(raw), "{raw} in the page");
    }
    // The scripts are the page's own: meta, one data block, end, the app.
    assert_eq!(page.matches("<script").count(), 4);
    let blocks = blocks(&page);
    let shown: Vec<&str> = blocks[1]["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[2].as_str().unwrap())
        .collect();
    assert_eq!(shown, phrases, "the data holds the text as it was");
    assert_eq!(blocks[1]["files"][0], "<b onclick=x>名&amp;.yaml");
    assert_eq!(blocks[1]["groups"][0][0], group.as_str());
}

#[test]
fn output_writes_every_format_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["pretty", "json", "sarif", "github", "junit", "html"] {
        let (to_stdout, _, code) = check(&["lib", "--format", format]);
        let file = dir.path().join(format!("报告.{format}"));
        let (stdout, stderr, code_to_file) =
            check(&["lib", "--format", format, "-o", file.to_str().unwrap()]);
        assert_eq!(code_to_file, code, "{format}: the same exit code");
        assert_eq!(stdout, "", "{format}: nothing on stdout");
        assert!(stderr.contains("报告已写入"), "{format}: {stderr}");
        let written = std::fs::read_to_string(&file).unwrap();
        assert_eq!(written, to_stdout, "{format}: the file holds the report");
    }
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn output_replaces_an_old_report_and_is_not_checked_itself() {
    let dir = common::project(&[], &[("话术.txt", "你好\n"), ("报告.json", "旧的")]);
    let run = || {
        common::huashu(dir.path())
            .args(["check", "--format", "json", "-o", "报告.json"])
            .output()
            .unwrap()
    };
    for _ in 0..2 {
        let out = run();
        assert_eq!(out.status.code(), Some(0));
        let report: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("报告.json")).unwrap()).unwrap();
        assert_eq!(report["summary"]["files"], 1, "{report}");
        assert_eq!(report["summary"]["skipped"], 0, "{report}");
    }
}

/// The report is written beside the target as it comes (a million findings are never held in
/// memory) and replaces it only when the run ends: a run that stops with an error leaves the old
/// report as it was and no temporary file behind.
#[test]
fn output_of_a_failed_run_leaves_the_old_report_and_no_temporary_file() {
    let dir = common::project(&[], &[("话术.txt", "你好\n"), ("报告.json", "旧的")]);
    let out = common::huashu(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "-o",
            "报告.json",
            "--encoding",
            "没有这种编码",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("报告.json")).unwrap(),
        "旧的"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["报告.json", "话术.txt"]);
}

#[test]
fn output_that_cannot_be_written_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("没有这个文件夹").join("报告.html");
    let (stdout, stderr, code) =
        check(&["lib", "--format", "html", "-o", target.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("无法写入"), "{stderr}");
    assert!(
        stderr.contains("没有这个文件夹"),
        "names the path: {stderr}"
    );
    assert!(!target.exists());
}

#[test]
fn output_cannot_go_with_write_baseline() {
    let (_, stderr, code) = check(&["lib", "-o", "x.json", "--write-baseline", "b.json"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!fixtures().join("x.json").exists());
    assert!(!fixtures().join("b.json").exists());
}

#[test]
fn the_page_opens_with_the_library_overview() {
    // Two phrases that promise different shipping times, in two groups, with the built-in packs.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.csv"),
        "快捷短语,快捷短语分组\n付款后48小时内发货，请您放心,物流\n亲，我们24小时内发货哦,物流\n感谢您的支持，祝您购物愉快！,结束语\n",
    )
    .unwrap();
    let out = Command::cargo_bin("huashu")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--format", "html", "a.csv"])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    let end = blocks(&page).pop().expect("the end block");
    let library = &end["library"];
    assert_eq!(library["groups"][0]["name"], "物流", "{library}");
    assert_eq!(library["groups"][0]["phrases"], 2, "{library}");
    let promise = library["inconsistent"][0]["message"].as_str().unwrap();
    assert!(
        promise.contains("48小时") && promise.contains("24小时"),
        "{promise}"
    );
    assert_eq!(
        library["inconsistent"][0]["places"][0], "a.csv:2:4",
        "{library}"
    );
    assert!(
        library["missing_scenes"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "{library}"
    );
}
