//! `huashu rules`, `huashu explain` and `huashu test-rules`: what the rules are and whether their
//! examples behave.

use crate::engine::pack::{Pack, example_failures};
use crate::engine::rules::Rule;
use crate::error::LocatedError;
use std::fmt::Write;

fn scenes(rule: &Rule) -> String {
    match &rule.scenes {
        None => "全部".to_string(),
        Some(s) => s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","),
    }
}

/// One line per rule: id, level, kind, scenes, message.
pub fn rules_table(packs: &[(Pack, bool)]) -> String {
    let mut out = String::new();
    for (pack, in_use) in packs {
        let state = match (
            crate::engine::builtin::text(&pack.name).is_some(),
            crate::engine::builtin::is_default(&pack.name),
            in_use,
        ) {
            (true, true, _) => "内置，默认启用",
            (true, false, true) => "内置，默认关闭，本次已用 --pack 启用",
            (true, false, false) => "内置，默认关闭，用 --pack 启用",
            (false, _, _) => "用 --pack 加载",
        };
        let _ = writeln!(out, "# {}（{}）：{}", pack.name, state, pack.description);
        for r in &pack.rules {
            let _ = writeln!(
                out,
                "{:<40} {:<6} {:<13} {:<24} {}",
                r.id,
                // In Chinese, as `check` shows them (错误/警告/提示).
                r.level.label(),
                r.kind.name(),
                scenes(r),
                r.message
            );
        }
        out.push('\n');
    }
    out
}

/// A rule's full documentation.
pub fn explain(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}（{}，{}）",
        rule.id,
        rule.level.label(),
        rule.kind.name()
    );
    let _ = writeln!(out, "\n{}\n", rule.message);
    let _ = writeln!(out, "{}\n", rule.explain.trim());
    let _ = writeln!(out, "依据：{}", rule.source);
    let _ = writeln!(out, "适用场景：{}", scenes(rule));
    if let Some(fix) = rule.fix() {
        let fix = match fix {
            crate::engine::rules::Fix::Safe => "可自动修复（safe）",
            crate::engine::rules::Fix::Suggest => "只给建议，需人工确认（suggest）",
            crate::engine::rules::Fix::Remove => "可自动删除（remove）",
        };
        let _ = writeln!(out, "修复：{fix}");
    }
    let _ = writeln!(out, "\n反例（会报告）：");
    for ex in &rule.examples.bad {
        let _ = writeln!(out, "  ✗ {}", ex.text);
    }
    let _ = writeln!(out, "\n正例（不会报告）：");
    for ex in &rule.examples.good {
        let _ = writeln!(out, "  ✓ {}", ex.text);
    }
    out
}

/// Runs every rule's examples; returns the number checked and the failures.
pub fn test_pack(pack: &Pack) -> (usize, Vec<LocatedError>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in &pack.rules {
        checked += rule.examples.bad.len() + rule.examples.good.len();
        failures.extend(example_failures(&pack.source, rule));
    }
    checked += pack.facts.iter().map(|f| f.examples.len()).sum::<usize>();
    failures.extend(crate::engine::pack::library::fact_failures(
        &pack.source,
        &pack.facts,
    ));
    (checked, failures)
}
