//! `--statistics`: findings counted per rule, most frequent first, like `ruff --statistics`. For a CS
//! lead cleaning up a library of thousands of phrases, "which rule fires most" is the first question.

use crate::engine::rules::Level;
use crate::report::Report;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistic {
    pub count: usize,
    pub rule: String,
    pub level: Level,
    pub message: String,
}

/// One entry per rule with at least one finding: by count (descending), then rule id.
pub fn compute(report: &Report) -> Vec<Statistic> {
    let mut by_rule: HashMap<&str, Statistic> = HashMap::new();
    for d in &report.diagnostics {
        by_rule
            .entry(&d.rule)
            .or_insert_with(|| Statistic {
                count: 0,
                rule: d.rule.clone(),
                level: d.severity,
                message: d.message.clone(),
            })
            .count += 1;
    }
    let mut stats: Vec<Statistic> = by_rule.into_values().collect();
    stats.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    stats
}

/// The table for `--format pretty`: count, rule id, level, message; then the summary line.
pub fn render(report: &Report) -> String {
    let stats = compute(report);
    let count_width = stats
        .iter()
        .map(|s| s.count.to_string().len())
        .max()
        .unwrap_or(1);
    // Rule ids are kebab-case ASCII by the pack format, so characters are display columns.
    let rule_width = stats
        .iter()
        .map(|s| s.rule.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for s in &stats {
        out.push_str(&format!(
            "{:>count_width$}  {:<rule_width$}  {}  {}\n",
            s.count,
            s.rule,
            s.level.label(),
            s.message
        ));
    }
    if !stats.is_empty() {
        out.push('\n');
    }
    out.push_str(&report.summary().line());
    out.push('\n');
    out
}
