//! The built-in packs hold themselves to their own standard: every rule cites a source, explains
//! itself, and ships at least three bad and three good examples, across both scripts, all of which
//! behave (also checked through the real binary with `huashu test-rules`).

use assert_cmd::Command;
use huashu::Pack;
use huashu::engine::builtin;

fn packs() -> Vec<Pack> {
    builtin::names()
        .into_iter()
        .map(|n| {
            builtin::load(n)
                .expect("listed")
                .unwrap_or_else(|e| panic!("built-in pack {n} does not load: {e:?}"))
        })
        .collect()
}

fn has_traditional(s: &str) -> bool {
    fast2s::convert(s) != s
}

#[test]
fn every_rule_is_documented_with_enough_examples() {
    let packs = packs();
    assert!(!packs.is_empty());
    for pack in &packs {
        assert!(
            !pack.description.is_empty(),
            "{} has no description",
            pack.name
        );
        let mut traditional = 0;
        let mut simplified = 0;
        for rule in &pack.rules {
            assert!(
                rule.examples.bad.len() >= 3,
                "{}: fewer than 3 bad examples",
                rule.id
            );
            assert!(
                rule.examples.good.len() >= 3,
                "{}: fewer than 3 good examples",
                rule.id
            );
            assert!(
                rule.source.chars().count() >= 6,
                "{}: source too short",
                rule.id
            );
            assert!(
                rule.explain.chars().count() >= 20,
                "{}: explain too short",
                rule.id
            );
            for ex in rule.examples.bad.iter().chain(&rule.examples.good) {
                if has_traditional(&ex.text) {
                    traditional += 1;
                } else {
                    simplified += 1;
                }
            }
        }
        assert!(
            traditional >= pack.rules.len() && simplified >= pack.rules.len(),
            "{}: examples should mix scripts (traditional {traditional}, simplified {simplified})",
            pack.name
        );
    }
}

#[test]
fn test_rules_passes_on_the_builtin_packs() {
    let out = Command::cargo_bin("huashu")
        .unwrap()
        .arg("test-rules")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for name in builtin::names() {
        assert!(
            stdout.contains(&format!("rules/{name}.yaml")),
            "test-rules did not report {name}:\n{stdout}"
        );
    }
    assert!(stdout.contains("0 个失败"), "{stdout}");
}

/// What `source:` and `explain:` show a shop owner must make sense without this repository's history:
/// no internal file names, no "seed documents", no rule ids or rule-author terms standing in for an
/// explanation. Another rule is named by what it reports, in Chinese.
#[test]
fn sources_and_explanations_name_what_they_cite_in_plain_chinese() {
    let internal_file = regex::Regex::new(r"\d{3}_[0-9a-f]{16}\.txt").unwrap();
    let rule_id = regex::Regex::new(r"\b[a-z]+/[a-z]+(-[a-z]+)*\b").unwrap();
    let jargon = [
        "种子",
        "seed",
        concat!("..", "/shared"), // (split so that the repository holds no such path)
        "forbid",
        "require-with",
        "suggest",
        "safe",
        "limit ",
        "info",
    ];
    for pack in packs() {
        for rule in &pack.rules {
            for (field, text) in [("source", &rule.source), ("explain", &rule.explain)] {
                assert!(
                    !internal_file.is_match(text),
                    "{} {field} names an internal file: {text}",
                    rule.id
                );
                if let Some(m) = rule_id.find(text) {
                    panic!(
                        "{} {field} names a rule id ({}): {text}",
                        rule.id,
                        m.as_str()
                    );
                }
                for word in jargon {
                    assert!(
                        !text.contains(word),
                        "{} {field} uses “{word}”: {text}",
                        rule.id
                    );
                }
            }
        }
    }
}

#[test]
fn rules_and_explain_speak_chinese_like_check() {
    let out = Command::cargo_bin("huashu")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("rules")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for line in stdout.lines().filter(|l| l.contains('/')) {
        let level = line.split_whitespace().nth(1).unwrap_or("");
        assert!(
            ["错误", "警告", "提示"].contains(&level),
            "level not in Chinese: {line}"
        );
    }
    for pack in packs() {
        for rule in &pack.rules {
            let out = Command::cargo_bin("huashu")
                .unwrap()
                .env("NO_COLOR", "1")
                .args(["explain", &rule.id])
                .assert()
                .success();
            let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
            assert!(stdout.contains("依据："), "{stdout}");
            for bad in [concat!("..", "/shared"), "seeds/", ".txt", "种子"] {
                assert!(!stdout.contains(bad), "{}: “{bad}” in\n{stdout}", rule.id);
            }
        }
    }
}
