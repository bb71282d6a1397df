//! CI output formats: SARIF, GitHub annotations, JUnit, `--statistics`. Runs in
//! `tests/fixtures/output` with only the demo pack, so paths are relative and stable and the results
//! do not move when the built-in packs change.

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

/// Runs `huashu check` with only the demo pack's rules (`--select demo` keeps default built-in packs
/// out) in the fixture directory; returns stdout and the exit code.
fn check(args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("huashu")
        .unwrap()
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .args(["check", "--pack", PACK, "--select", "demo"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    (stdout, out.status.code().expect("exited"))
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).expect("one JSON document")
}

/// The version changes with releases, not with this code: keep it out of snapshots.
fn without_version(mut log: Value) -> Value {
    let driver = &mut log["runs"][0]["tool"]["driver"];
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    log
}

fn sarif_validator() -> jsonschema::Validator {
    // The OASIS SARIF 2.1.0 schema, vendored (see tests/fixtures/schemas/README.md).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schemas/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the SARIF 2.1.0 schema must be at {path}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_and_describes_rules_and_results() {
    let (out, code) = check(&["lib", "--format", "sarif"]);
    assert_eq!(code, 1, "an error-level finding fails the run");
    let log = json(&out);
    assert_valid_sarif(&log);

    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
    }
    // Chinese file names are percent-encoded, relative to the run directory.
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"lib/%E5%94%AE%E5%90%8E.csv"), "{uris:?}");
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let snippet = loc["region"]["snippet"]["text"].as_str().unwrap();
        let context = loc["contextRegion"]["snippet"]["text"].as_str().unwrap();
        assert!(context.contains(snippet), "{context} holds {snippet}");
    }
    insta::assert_json_snapshot!("sarif", without_version(log));
}

#[test]
fn sarif_offers_fixes_only_for_safe_rules() {
    let (out, _) = check(&["lib/welcome.txt", "--format", "sarif"]);
    let log = json(&out);
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let has_fix = r.get("fixes").is_some();
        assert_eq!(has_fix, r["ruleId"] == "demo/you", "{r}");
    }
}

#[test]
fn sarif_reports_unreadable_files_as_notifications() {
    let (out, code) = check(&["broken", "clean", "--format", "sarif"]);
    assert_eq!(code, 2);
    let log = json(&out);
    assert_valid_sarif(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let n = &invocation["toolExecutionNotifications"][0];
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken/bad.yaml"
    );
    assert_eq!(
        n["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
}

#[test]
fn sarif_clean_run_validates() {
    let (out, code) = check(&["clean", "--format", "sarif"]);
    assert_eq!(code, 0);
    let log = json(&out);
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn github_annotations() {
    let (out, code) = check(&["lib", "--format", "github"]);
    assert_eq!(code, 1);
    for line in out.lines().filter(|l| l.starts_with("::")) {
        // Each annotation is one line with a command, properties and a message.
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
    }
    insta::assert_snapshot!("github", out);
}

#[test]
fn junit_parses_and_has_one_failure_per_finding() {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    let (out, code) = check(&["lib", "--format", "junit"]);
    assert_eq!(code, 1);
    let mut reader = Reader::from_str(&out);
    let (mut suites, mut cases, mut failures) = (0, 0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().into_inner() {
                "testsuite" => suites += 1,
                "testcase" => cases += 1,
                "failure" => failures += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((suites, cases, failures), (3, 7, 7), "one suite per file");
    insta::assert_snapshot!("junit", out);
}

#[test]
fn junit_clean_run_is_one_passing_test() {
    let (out, code) = check(&["clean", "--format", "junit"]);
    assert_eq!(code, 0);
    assert!(out.contains("tests=\"1\" failures=\"0\""), "{out}");
    insta::assert_snapshot!("junit_clean", out);
}

#[test]
fn statistics_pretty() {
    let (out, code) = check(&["lib", "--statistics"]);
    assert_eq!(code, 1, "--statistics does not change the exit code");
    insta::assert_snapshot!("statistics", out);
}

#[test]
fn statistics_json_adds_an_array() {
    let (out, _) = check(&["lib", "--format", "json", "--statistics"]);
    let doc = json(&out);
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 7);
    insta::assert_json_snapshot!("statistics_json", doc["statistics"]);

    let (plain, _) = check(&["lib", "--format", "json"]);
    assert!(json(&plain).get("statistics").is_none());
}

#[test]
fn statistics_with_other_formats_is_a_usage_error() {
    for format in ["sarif", "github", "junit"] {
        let (out, code) = check(&["lib", "--format", format, "--statistics"]);
        assert_eq!(code, 2, "{format}");
        assert!(out.is_empty(), "nothing on stdout: {out}");
    }
}

#[test]
fn max_warnings_sets_the_bar_in_every_format() {
    // welcome.txt's error is ignored; four warnings remain.
    for format in ["pretty", "json", "sarif", "github", "junit"] {
        let base = ["lib", "--ignore", "demo/dont-know", "--format", format];
        assert_eq!(check(&base).1, 0, "{format}: warnings alone pass");
        let strict = [&base[..], &["--max-warnings", "3"]].concat();
        assert_eq!(check(&strict).1, 1, "{format}: four warnings > 3");
    }
}

#[test]
fn sarif_schema_check_is_not_vacuous() {
    // Guards the guard: a level SARIF does not know must be rejected by the same validator.
    let (out, _) = check(&["lib", "--format", "sarif"]);
    let mut log = json(&out);
    log["runs"][0]["results"][0]["level"] = "info".into();
    assert!(!sarif_validator().is_valid(&log));
}

#[test]
fn special_characters_stay_escaped() {
    // A comma in the file name, markup, quotes and a control character in the phrase and group.
    let (github, _) = check(&["special", "--format", "github"]);
    assert!(
        github.starts_with("::notice file=special/话术%2C特殊.csv,line=2,col=2,"),
        "{github}"
    );

    let (junit, _) = check(&["special", "--format", "junit"]);
    let mut reader = quick_xml::Reader::from_str(&junit);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            _ => continue,
        }
    }
    assert!(junit.contains("&lt;&amp;&gt;"), "{junit}");
    assert!(junit.contains("分组：售后 &amp; 退换"), "{junit}");
    assert!(!junit.contains('\u{1}'), "XML 1.0 forbids U+0001");

    let (sarif, _) = check(&["special", "--format", "sarif"]);
    let log = json(&sarif);
    assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "special/%E8%AF%9D%E6%9C%AF%2C%E7%89%B9%E6%AE%8A.csv"
    );
}

/// Library findings in SARIF: the other phrase as a related location, and a finding about a whole
/// file (a missing stage) as a location without a region; the log still validates.
#[test]
fn sarif_library_findings_validate_with_related_locations() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "快捷短语编码,快捷短语,快捷短语分组\nhy1,您好，请问有什么可以帮您？,欢迎语\n";
    std::fs::write(dir.path().join("a.csv"), csv).unwrap();
    let mut text = String::from("您好，請問有什麼可以幫您\n");
    for i in 0..30 {
        text.push_str(&format!("您好，欢迎光临，我是{i}号客服\n"));
    }
    std::fs::write(dir.path().join("b.txt"), text).unwrap();
    let out = Command::cargo_bin("huashu")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--select",
            "library",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    let log = json(&String::from_utf8(out.stdout).unwrap());
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let dup = results
        .iter()
        .find(|r| r["ruleId"] == "library/duplicate")
        .unwrap();
    let loc = &dup["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "b.txt");
    assert_eq!(loc["region"]["startLine"], 1);
    let related = &dup["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "第一次出现在这里");
    let r = &related["physicalLocation"];
    assert_eq!(r["artifactLocation"]["uri"], "a.csv");
    assert_eq!(
        (&r["region"]["startLine"], &r["region"]["startColumn"]),
        (&2.into(), &5.into())
    );
    assert_eq!(r["region"]["snippet"]["text"], "您好，请问有什么可以帮您？");
    let missing = results
        .iter()
        .find(|r| r["ruleId"] == "library/missing-scene")
        .unwrap();
    let loc = &missing["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "a.csv");
    assert!(
        loc.get("region").is_none(),
        "a whole-file finding has no region: {loc}"
    );
}
