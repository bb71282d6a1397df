//! The examples users copy from the README, docs/ and `huashu init` must work as written: every config
//! loads and names only rules and packs that exist, and the suppression examples really suppress
//! something. Each example is taken from the documents themselves, so editing a document re-tests it.

mod common;

use common::huashu;
use serde_json::Value;
use std::path::{Path, PathBuf};

const CONFIG_KEYS: &[&str] = &[
    "packs",
    "disable_packs",
    "select",
    "ignore",
    "levels",
    "exclude",
    "scenes",
    "max_chars",
    "max_repeat_punct",
    "max_warnings",
    "overrides",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md, with their text.
fn documents() -> Vec<(PathBuf, String)> {
    let mut paths = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// Fenced code blocks of a language, dedented (a block inside a list item is indented).
fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None if trimmed.starts_with("```") && trimmed[3..].trim() == lang => {
                current = Some((indent, Vec::new()))
            }
            Some((_, lines)) if trimmed.starts_with("```") => {
                out.push(lines.join("\n") + "\n");
                current = None;
            }
            Some((indent, lines)) => {
                let cut = line
                    .char_indices()
                    .take_while(|(i, c)| *i < *indent && *c == ' ')
                    .count();
                lines.push(line[cut..].to_string());
            }
            None => {}
        }
    }
    out
}

/// Parses YAML into JSON values (serde-saphyr, as huashu itself reads YAML).
fn yaml(text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(text).ok()
}

/// A yaml block is a config when its top level is a map with at least one config key.
fn is_config(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| m.keys().any(|k| CONFIG_KEYS.contains(&k.as_str())))
}

/// Runs `huashu config` on a config text in a fresh directory, with a small pack file wherever the
/// config names a pack file, and returns the command's result.
fn load_config(text: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("huashu.yaml"), text).unwrap();
    if let Some(packs) = yaml(text).and_then(|v| v.get("packs").cloned()) {
        for p in packs.as_array().into_iter().flatten() {
            let name = p.as_str().unwrap();
            if huashu::engine::builtin::text(name).is_none() {
                let path = dir.path().join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, common::fixture("packs/demo.yaml")).unwrap();
            }
        }
    }
    let out = huashu(dir.path()).arg("config").assert();
    drop(dir);
    out
}

#[test]
fn every_config_example_in_the_docs_loads_and_names_existing_rules() {
    let mut seen = 0;
    for (path, text) in documents() {
        for block in blocks(&text, "yaml") {
            let Some(v) = yaml(&block) else { continue };
            if !is_config(&v) {
                continue;
            }
            seen += 1;
            let out = load_config(&block);
            let o = out.get_output();
            assert!(
                o.status.success(),
                "the config example in {} does not load:\n{block}\n{}",
                path.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
    assert!(
        seen >= 1,
        "no config example found in the docs: the test would be vacuous"
    );
}

/// Lines of the starter config that are settings, uncommented (comment lines of prose stay out).
fn uncommented(starter: &str) -> String {
    starter
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with(' ') || l.contains(':'))
        .filter(|l| !l.contains('：') && !l.contains("可用场景"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_init_template_loads_as_written_and_with_every_setting_turned_on() {
    let dir = tempfile::tempdir().unwrap();
    huashu(dir.path()).arg("init").assert().success();
    let starter = std::fs::read_to_string(dir.path().join("huashu.yaml")).unwrap();
    huashu(dir.path()).arg("config").assert().success();
    let all = uncommented(&starter);
    assert!(all.contains("overrides:"), "{all}");
    let out = load_config(&all);
    let o = out.get_output();
    assert!(
        o.status.success(),
        "huashu init's settings, uncommented, do not load:\n{all}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every rule id and pack name that huashu knows.
fn known_names() -> Vec<String> {
    let mut names = Vec::new();
    for n in huashu::engine::builtin::names() {
        names.push(n.to_string());
        let pack = huashu::engine::builtin::load(n).unwrap().unwrap();
        names.extend(pack.rules.iter().map(|r| r.id.clone()));
    }
    names.push(huashu::run::suppress::META_PACK.to_string());
    names.extend(
        huashu::run::suppress::META
            .iter()
            .map(|(id, _)| id.to_string()),
    );
    names
}

#[test]
fn every_rule_id_the_docs_and_init_mention_exists() {
    let known = known_names();
    let packs = huashu::engine::builtin::names().join("|");
    let id = regex::Regex::new(&format!(r"\b(?:{packs}|huashu)/[a-z]+(?:-[a-z]+)*\b")).unwrap();
    let mut texts = documents();
    texts.push((
        PathBuf::from("huashu init"),
        huashu::run::config::STARTER.to_string(),
    ));
    for (path, text) in texts {
        for m in id.find_iter(&text) {
            // A path such as tools/huashu/build.rs is not a rule id.
            let before = text[..m.start()].chars().next_back();
            let mut after = text[m.end()..].chars();
            let extension = after.next() == Some('.')
                && after.next().is_some_and(|c| c.is_ascii_alphanumeric());
            if before == Some('/') || text[m.end()..].starts_with('/') || extension {
                continue;
            }
            assert!(
                known.iter().any(|k| k == m.as_str()),
                "{} mentions {}, which is no rule",
                path.display(),
                m.as_str()
            );
        }
    }
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn rules_reported(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Checks `file` (named `name`) with and without its suppressions: with them, nothing is reported
/// about the suppression itself; without them, the suppressed rule is reported.
fn assert_suppresses(name: &str, with: &str, without: &str, rule: &str, from: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), with).unwrap();
    let out = huashu(dir.path())
        .args(["--no-config", "check", "--format", "json", name])
        .output()
        .unwrap();
    let reported = rules_reported(&json(&out));
    assert!(
        !reported.iter().any(|r| r.starts_with("huashu/")),
        "the suppression example in {from} is reported as {reported:?}:\n{with}"
    );
    assert!(!reported.iter().any(|r| r == rule), "{reported:?}");
    std::fs::write(dir.path().join(name), without).unwrap();
    let out = huashu(dir.path())
        .args(["--no-config", "check", "--format", "json", name])
        .output()
        .unwrap();
    let reported = rules_reported(&json(&out));
    assert!(
        reported.iter().any(|r| r == rule),
        "without the suppression in {from}, {rule} is not reported ({reported:?}): it suppresses nothing"
    );
}

#[test]
fn the_documented_suppressions_suppress_something() {
    let allow = regex::Regex::new(r"huashu-allow:\s*([a-z]+/[a-z-]+)").unwrap();
    let mut txt = 0;
    let mut yml = 0;
    for (path, text) in documents() {
        let from = path.display().to_string();
        for block in blocks(&text, "text") {
            let Some(c) = allow.captures(&block) else {
                continue;
            };
            txt += 1;
            let without: String = block
                .lines()
                .filter(|l| !l.contains("huashu-allow"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_suppresses("话术.txt", &block, &without, &c[1], &from);
        }
        for block in blocks(&text, "yaml") {
            if !block.trim_start().starts_with("- text:") || !block.contains("allow:") {
                continue;
            }
            yml += 1;
            let book = |entry: &str| {
                let entry: String = entry.lines().map(|l| format!("      {l}\n")).collect();
                format!("groups:\n  - name: 欢迎语\n    phrases:\n{entry}")
            };
            let v = yaml(&block).unwrap();
            let rule = v[0]["allow"][0].as_str().unwrap().to_string();
            let without: String = block
                .lines()
                .filter(|l| !l.contains("allow:") && !l.contains("reason:"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_suppresses("话术.yaml", &book(&block), &book(&without), &rule, &from);
        }
    }
    assert!(
        txt >= 2 && yml >= 1,
        "expected the .txt example in README and docs/config.md and the YAML one ({txt}, {yml})"
    );
}

/// The CI recipes can be followed from this repository as it is: no address or tag to fill in that a
/// user has no way of knowing (huashu is not published and has no tags), installs build from a path.
/// (The README's install section may name the published crate and release downloads for later; the
/// CI recipes must work today.)
#[test]
fn ci_recipes_have_no_placeholders_a_user_cannot_fill() {
    let placeholder =
        regex::Regex::new(r"<[^<>\n]*(仓库地址|版本标签|repository|tag)[^<>\n]*>").unwrap();
    for (path, text) in documents() {
        if let Some(m) = placeholder.find(&text) {
            panic!("{} has the placeholder {}", path.display(), m.as_str());
        }
        let recipes = match path.file_name().and_then(|n| n.to_str()) {
            Some("README.md") => text
                .split_once("### CI 与 pre-commit")
                .map_or("", |(_, ci)| ci.split("\n## ").next().unwrap_or(ci)),
            Some("ci.md") => text.as_str(),
            _ => "",
        };
        for line in recipes.lines().filter(|l| l.contains("cargo install")) {
            assert!(
                line.contains("--path") && !line.contains("--git"),
                "{}: install from a checkout, not from an address: {line}",
                path.display()
            );
        }
    }
}

/// The local pre-commit hook docs/ci.md gives is the hook .pre-commit-hooks.yaml defines: same id,
/// same command, same file types, same exclusions.
#[test]
fn the_documented_pre_commit_hook_is_the_published_one() {
    let published = yaml(&std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap())
        .expect(".pre-commit-hooks.yaml parses");
    let published = &published[0];
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let local = blocks(&ci, "yaml")
        .iter()
        .filter_map(|b| yaml(b))
        .find(|v| v["repos"][0]["repo"] == "local")
        .expect("docs/ci.md has a repo: local pre-commit config");
    let hook = &local["repos"][0]["hooks"][0];
    assert_eq!(hook["id"], published["id"]);
    assert_eq!(hook["exclude"], published["exclude"]);
    let files = hook["files"].as_str().unwrap();
    let types = published["files"].as_str().unwrap();
    assert!(
        files.ends_with(types.trim_start_matches('^')),
        "file types differ: {files} vs {types}"
    );
    let entry = hook["entry"].as_str().unwrap();
    let command = published["entry"].as_str().unwrap(); // huashu check
    assert!(
        entry.ends_with(&format!("-- {}", command.trim_start_matches("huashu "))),
        "{entry} does not run {command}"
    );
    assert!(
        entry.contains("--manifest-path tools/huashu/Cargo.toml"),
        "{entry}"
    );
}

/// The README's baseline commands, run as written in a directory of phrases: the second run must not
/// read the baseline file it is given as a phrasebook.
#[test]
fn the_readme_baseline_workflow_works_as_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("话术.txt"), "这个我不知道\n").unwrap();
    huashu(dir.path())
        .args(["check", "--write-baseline", "huashu-baseline.json"])
        .assert()
        .code(0);
    let out = huashu(dir.path())
        .args(["check", "--baseline", "huashu-baseline.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("huashu-baseline.json："), "{stderr}");
}
