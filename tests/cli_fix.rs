//! `--fix` and `--diff`: byte-exact edits, escaping where the phrase stands, idempotence, what is left.

use std::path::Path;

mod common;

/// A project with the demo and fix packs, this config, and the given files.
fn project(config: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let config = [("huashu.yaml", config.as_bytes())];
    let all: Vec<(&str, &[u8])> = config.iter().chain(files).copied().collect();
    common::project(
        &[
            ("demo.yaml", "packs/demo.yaml"),
            ("fixy.yaml", "config/fix-pack.yaml"),
        ],
        &all,
    )
}

const BOTH: &str = "packs: [demo.yaml, fixy.yaml]\nselect: [demo, fixy]\n";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::huashu(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

#[test]
fn utf8_with_bom_and_crlf_round_trips() {
    let before = "\u{feff}你好（笑脸表情） 亲\r\n# huashu-allow: demo/you -- 老客户的口头禅\r\n你好\r\n迷你款 （哭脸表情） 你看看\r\n".as_bytes();
    let dir = project(BOTH, &[("a.txt", before)]);
    let (code, _, err) = run(dir.path(), &["check", "--fix", "a.txt"]);
    let after = "\u{feff}您好 亲\r\n# huashu-allow: demo/you -- 老客户的口头禅\r\n你好\r\n迷你款 您看看\r\n";
    assert_eq!(
        String::from_utf8(read(dir.path(), "a.txt")).unwrap(),
        after,
        "{err}"
    );
    assert_eq!(code, 0, "nothing is left: {err}");
    assert!(err.contains("已自动修复 4 处"), "{err}");
    // A second run changes nothing.
    let (code, _, err) = run(dir.path(), &["check", "--fix", "a.txt"]);
    assert_eq!(code, 0);
    assert!(!err.contains("已自动修复"), "{err}");
    assert_eq!(String::from_utf8(read(dir.path(), "a.txt")).unwrap(), after);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn remaining_findings_are_reported_and_set_the_exit_code() {
    let dir = project(BOTH, &[("a.txt", "你好，这个我不知道\n".as_bytes())]);
    let (code, out, _) = run(dir.path(), &["check", "--fix", "--format", "json", "a.txt"]);
    assert_eq!(
        String::from_utf8(read(dir.path(), "a.txt")).unwrap(),
        "您好，这个我不知道\n"
    );
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["demo/dont-know"]);
}

#[test]
fn diff_shows_without_writing() {
    let before = "你好\r\n".as_bytes();
    let dir = project(BOTH, &[("a.txt", before)]);
    let (code, out, _) = run(dir.path(), &["check", "--diff", "a.txt"]);
    assert_eq!(code, 1);
    assert!(out.contains("--- a/a.txt"), "{out}");
    assert!(out.contains("-你好\r\n+您好\r\n"), "{out:?}");
    assert_eq!(read(dir.path(), "a.txt"), before);
    let dir = project(BOTH, &[("a.txt", "您好\n".as_bytes())]);
    let (code, out, _) = run(dir.path(), &["check", "--diff", "a.txt"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn csv_quoting_is_kept_and_replacements_are_escaped() {
    let before = concat!(
        "快捷短语编码,快捷短语,快捷短语分组\r\n",
        "a1,\"你说\"\"掌柜\"\"在，你好\",欢迎语\r\n",
        "a2,掌柜在的,欢迎语\r\n",
        "a3,\"马上发货\",物流\r\n",
        "a4,马上发货,物流\r\n",
    );
    let dir = project(BOTH, &[("a.csv", before.as_bytes())]);
    let (_, _, err) = run(dir.path(), &["check", "--fix", "a.csv"]);
    let after = concat!(
        "快捷短语编码,快捷短语,快捷短语分组\r\n",
        "a1,\"您说\"\"\"\"店主\"\"\"\"在，您好\",欢迎语\r\n",
        "a2,掌柜在的,欢迎语\r\n",
        "a3,\"尽快,请稍候发货\",物流\r\n",
        "a4,马上发货,物流\r\n",
    );
    assert_eq!(String::from_utf8(read(dir.path(), "a.csv")).unwrap(), after);
    // In an unquoted field a quote or the delimiter would break the row: left for a person.
    assert!(
        err.contains("a.csv:3: 替换为“\"店主\"”需要给这个字段加引号"),
        "{err}"
    );
    assert!(
        err.contains("a.csv:5: 替换为“尽快,请稍候”需要给这个字段加引号"),
        "{err}"
    );
    let (_, _, err2) = run(dir.path(), &["check", "--fix", "a.csv"]);
    assert_eq!(
        String::from_utf8(read(dir.path(), "a.csv")).unwrap(),
        after,
        "{err2}"
    );
}

#[test]
fn yaml_quoting_styles() {
    let before = concat!(
        "groups:\n",
        "  - name: 欢迎\n",
        "    phrases:\n",
        "      - \"你\\\"好\\\"\"\n",
        "      - '你''好'\n",
        "      - text: 你 （哭脸表情） 好\n",
        "        code: h1\n",
        "      - \"掌柜\\n你好\"\n",
    );
    let dir = project(BOTH, &[("a.yaml", before.as_bytes())]);
    let (_, _, err) = run(dir.path(), &["check", "--fix", "a.yaml"]);
    let after = concat!(
        "groups:\n",
        "  - name: 欢迎\n",
        "    phrases:\n",
        "      - \"您\\\"好\\\"\"\n",
        "      - '您''好'\n",
        "      - text: 您 好\n",
        "        code: h1\n",
        "      - \"\\\"店主\\\"\\n您好\"\n",
    );
    assert_eq!(
        String::from_utf8(read(dir.path(), "a.yaml")).unwrap(),
        after,
        "{err}"
    );
}

#[test]
fn suppressed_findings_are_not_fixed_and_empty_phrases_are_kept() {
    let before = "# huashu-allow: demo/you -- 顾客原话\n你好\n（笑脸表情）\n".as_bytes();
    let dir = project(BOTH, &[("a.txt", before)]);
    let (_, _, err) = run(dir.path(), &["check", "--fix", "a.txt"]);
    assert_eq!(read(dir.path(), "a.txt"), before);
    assert!(err.contains("a.txt:3: 删除后话术为空"), "{err}");
}

#[test]
fn fixes_that_feed_each_other_are_not_written() {
    let dir = project(BOTH, &[("a.txt", "甲\n".as_bytes())]);
    let loop_pack = concat!(
        "pack: loop\ndescription: 测试\nrules:\n",
        "  - {id: loop/a, kind: replace, level: info, message: m, explain: e, source: s, fix: safe,\n",
        "     map: {甲: 乙}, examples: {bad: [甲], good: [乙]}}\n",
        "  - {id: loop/b, kind: replace, level: info, message: m, explain: e, source: s, fix: safe,\n",
        "     map: {乙: 甲}, examples: {bad: [乙], good: [甲]}}\n",
    );
    std::fs::write(dir.path().join("loop.yaml"), loop_pack).unwrap();
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "packs: [loop.yaml]\nselect: [loop]\n",
    )
    .unwrap();
    let (_, _, err) = run(dir.path(), &["check", "--fix", "a.txt"]);
    assert_eq!(read(dir.path(), "a.txt"), "甲\n".as_bytes());
    assert!(err.contains("多轮修复后仍在变化"), "{err}");
}

// GBK and UTF-16: the file is re-encoded with its detected encoding, byte for byte outside the fixes.

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend_from_slice(&if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn gbk_csv_with_crlf_round_trips() {
    let before: &[u8] = b"\xbf\xec\xbd\xdd\xb6\xcc\xd3\xef\x0d\x0a\xc4\xe3\xba\xc3\x0d\x0a";
    let after: &[u8] = b"\xbf\xec\xbd\xdd\xb6\xcc\xd3\xef\x0d\x0a\xc4\xfa\xba\xc3\x0d\x0a";
    let dir = project(BOTH, &[("a.csv", before)]);
    let (_, _, err) = run(dir.path(), &["check", "--fix", "a.csv"]);
    assert_eq!(read(dir.path(), "a.csv"), after, "{err}");
    run(dir.path(), &["check", "--fix", "a.csv"]);
    assert_eq!(read(dir.path(), "a.csv"), after);
}

#[test]
fn utf16_text_with_bom_and_crlf_round_trips() {
    for little in [true, false] {
        let before = utf16("你好（笑脸表情）\r\n# 注释\r\n迷你款\r\n", little);
        let dir = project(BOTH, &[("a.txt", &before)]);
        let (_, _, err) = run(dir.path(), &["check", "--fix", "a.txt"]);
        assert_eq!(
            read(dir.path(), "a.txt"),
            utf16("您好\r\n# 注释\r\n迷你款\r\n", little),
            "{err}"
        );
    }
}

#[test]
fn a_replacement_gbk_cannot_hold_is_left_undone() {
    let before: &[u8] = b"\xbf\xec\xbd\xdd\xb6\xcc\xd3\xef\x0d\x0a\xc4\xe3\xba\xc3\x0d\x0a";
    let dir = project(
        "packs: [emoji.yaml]\nselect: [emoji]\n",
        &[("a.csv", before)],
    );
    std::fs::write(
        dir.path().join("emoji.yaml"),
        concat!(
            "pack: emoji\ndescription: 测试\nrules:\n",
            "  - {id: emoji/smile, kind: replace, level: info, message: m, explain: e, source: s,\n",
            "     fix: safe, map: {你好: 😀}, examples: {bad: [你好], good: [您好]}}\n",
        ),
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["check", "--fix", "--format", "json", "a.csv"]);
    assert_eq!(read(dir.path(), "a.csv"), before);
    assert!(err.contains("无法用 GBK 编码保存"), "{err}");
    assert_eq!(code, 0, "the finding is info; nothing failed");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["diagnostics"][0]["encoding"], "GBK");
}

#[test]
fn fixed_files_keep_their_encoding_in_the_report() {
    let dir = project(BOTH, &[("a.txt", &utf16("你好，这个我不知道\r\n", true))]);
    let (_, out, _) = run(dir.path(), &["check", "--fix", "--format", "json", "a.txt"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["diagnostics"][0]["rule"], "demo/dont-know");
    assert_eq!(json["diagnostics"][0]["encoding"], "UTF-16LE");
}

#[test]
fn sarif_carries_a_deletion_for_fix_remove() {
    let dir = project(BOTH, &[("a.txt", "您好（笑脸表情）\n".as_bytes())]);
    let (_, out, _) = run(dir.path(), &["check", "--format", "sarif", "a.txt"]);
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "fixy/stage-direction");
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "");
    assert_eq!(replacement["deletedRegion"]["startColumn"], 3);
}

#[test]
fn excel_workbooks_are_never_written_only_listed() {
    let xlsx = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/qianniu.xlsx"),
    )
    .unwrap();
    let dir = project(BOTH, &[("a.xlsx", &xlsx)]);
    let (_, _, err) = run(dir.path(), &["check", "--fix", "a.xlsx"]);
    assert_eq!(read(dir.path(), "a.xlsx"), xlsx);
    assert!(
        err.contains("a.xlsx：Excel 工作簿不会被改写，可修复 1 处"),
        "{err}"
    );
    assert!(err.contains("!B4：“你” → “您”"), "{err}");
    let (code, out, _) = run(dir.path(), &["check", "--diff", "a.xlsx"]);
    assert_eq!(read(dir.path(), "a.xlsx"), xlsx);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn fix_removes_whole_stage_directions_of_the_builtin_hygiene_pack() {
    // GBK with CRLF, as Chinese Windows Excel writes text: the note goes, every other byte stays.
    let text = "您好，很高興為您服務(笑臉表情)\r\n您好 （合适的表情） 欢迎光临\r\n亲，上午好，(再向顾客通告店内活动、推荐产品\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let dir = project("select: [hygiene/stage-direction]\n", &[("a.txt", &gbk)]);
    let (code, _, stderr) = run(dir.path(), &["check", "--fix", "--format", "json", "a.txt"]);
    // The note without its closing bracket is not a whole note: it stays, and is still reported.
    assert_eq!(code, 1, "{stderr}");
    let bytes = std::fs::read(dir.path().join("a.txt")).unwrap();
    let (decoded, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert_eq!(
        decoded,
        "您好，很高興為您服務\r\n您好 欢迎光临\r\n亲，上午好，(再向顾客通告店内活动、推荐产品\r\n"
    );
    let (code, _, _) = run(dir.path(), &["check", "--fix", "a.txt"]);
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read(dir.path().join("a.txt")).unwrap(),
        bytes,
        "idempotent"
    );
}
