//! Helpers for the hostile-input suites (tests/hostile_*.rs): a run of the real binary with its
//! exit code, stdout (parsed as JSON where asked) and stderr, and inputs made at test time.
#![allow(dead_code)] // each suite uses a different subset

use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// A run of huashu: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON (the run must have asked for `--format json`).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the run did not panic, hang or abort: it ended with one of huashu's exit codes.
    pub fn sane(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "a panic:\n{}",
            self.stderr
        );
        assert!(
            (0..=2).contains(&self.code),
            "exit code {}:\n{}",
            self.code,
            self.stderr
        );
        self
    }

    /// The `errors` entry of a JSON run for a file whose path ends with `name`.
    pub fn error_for(&self, name: &str) -> serde_json::Value {
        let json = self.json();
        json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .cloned()
            .unwrap_or_else(|| panic!("no error for {name}: {json}"))
    }

    /// The findings of a JSON run in files whose path ends with `name`: (rule, line, column).
    pub fn findings_in(&self, name: &str) -> Vec<(String, u64, u64)> {
        self.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    // A finding about a whole file (library/missing-scene) has no line: 0.
                    d["line"].as_u64().unwrap_or(0),
                    d["column"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }
}

/// Runs `huashu ARGS` in `dir` with a time limit (a hang fails the test rather than blocking it).
pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, |_| {})
}

/// Runs `huashu ARGS` in `dir` after `setup` adjusts the command (stdin, environment).
pub fn run_with(dir: &Path, args: &[&str], setup: impl FnOnce(&mut assert_cmd::Command)) -> Run {
    let mut cmd = super::common::huashu(dir);
    cmd.args(args).timeout(Duration::from_secs(120));
    setup(&mut cmd);
    let out = cmd.output().expect("huashu runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A temporary folder holding `files` (folders created as needed).
pub fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

/// Text encoded as UTF-16 (with or without a BOM).
pub fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A minimal `.xlsx` with one sheet named `Sheet1` holding `cells` (A1-style reference, text) as
/// inline strings, in the order given. Parts are deflated.
pub fn xlsx(cells: &[(&str, &str)]) -> Vec<u8> {
    let mut rows: Vec<(u32, Vec<(&str, &str)>)> = Vec::new();
    for &(at, text) in cells {
        let row: u32 = at
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .unwrap();
        match rows.iter_mut().find(|(r, _)| *r == row) {
            Some((_, v)) => v.push((at, text)),
            None => rows.push((row, vec![(at, text)])),
        }
    }
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (row, cells) in rows {
        sheet.push_str(&format!(r#"<row r="{row}">"#));
        for (at, text) in cells {
            sheet.push_str(&format!(
                r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                xml_escape(text)
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    workbook_zip(&[("xl/worksheets/sheet1.xml", sheet.as_bytes())])
}

/// An `.xlsx` container: the fixed parts of a one-sheet workbook, plus `parts`.
pub fn workbook_zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let fixed: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, data) in fixed
        .iter()
        .map(|(n, d)| (*n, d.as_bytes()))
        .chain(parts.iter().copied())
    {
        zip.start_file(name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
