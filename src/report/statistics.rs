//! `--statistics`: findings counted per rule, most frequent first, like `ruff --statistics`. For a CS
//! lead cleaning up a library of thousands of phrases, "which rule fires most" is the first question.
//! Counted as findings are written, so no finding is kept for it.

use crate::engine::rules::Level;
use crate::report::diagnostic::Diagnostic;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistic {
    pub count: usize,
    pub rule: Arc<str>,
    pub level: Level,
    pub message: Arc<str>,
}

/// Findings per rule, counted as they go by.
#[derive(Debug, Default)]
pub struct Tally {
    by_rule: HashMap<Arc<str>, Statistic>,
}

impl Tally {
    pub fn add(&mut self, d: &Diagnostic) {
        if let Some(s) = self.by_rule.get_mut(&d.rule) {
            s.count += 1;
            return;
        }
        self.by_rule.insert(
            d.rule.clone(),
            Statistic {
                count: 1,
                rule: d.rule.clone(),
                level: d.severity,
                message: d.message.clone(),
            },
        );
    }

    /// One entry per rule with at least one finding: by count (descending), then rule id.
    pub fn statistics(&self) -> Vec<Statistic> {
        let mut stats: Vec<Statistic> = self.by_rule.values().cloned().collect();
        stats.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
        stats
    }
}

/// The table for `--format pretty`: count, rule id, level, message.
pub fn table(stats: &[Statistic]) -> String {
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
    for s in stats {
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
    out
}
