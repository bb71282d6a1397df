//! `--summary`: the overview of each library a shop owner wants before reading findings: phrases
//! per group and per scene, the conversation stages with and without a reply, copies, variants and
//! code clashes, and what the phrases promise (each fact's values, how many phrases state each,
//! where the first is, and the shop's policy). JSON gets it as the `library` object.

use crate::text::scene::Scene;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Overview {
    pub libraries: Vec<LibraryOverview>,
}

/// One library: the run's (shop `null`) or a shop's.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LibraryOverview {
    pub shop: Option<String>,
    pub files: usize,
    pub phrases: usize,
    pub groups: Vec<GroupCount>,
    pub ungrouped: usize,
    pub scenes: Vec<SceneCount>,
    /// The stages the library checks require, with whether the library has a reply for each.
    pub stages: Vec<StageState>,
    /// Copies of earlier phrases, and how many phrases have copies.
    pub copies: usize,
    pub phrases_with_copies: usize,
    pub near_duplicates: usize,
    pub code_clashes: usize,
    pub facts: Vec<FactSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupCount {
    pub name: String,
    pub scene: Scene,
    pub phrases: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SceneCount {
    pub scene: Scene,
    pub label: &'static str,
    pub phrases: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageState {
    pub name: String,
    pub label: String,
    pub present: bool,
}

/// A fact: its values in the library, and the policy's.
#[derive(Debug, Clone, Serialize)]
pub struct FactSummary {
    pub name: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    pub values: Vec<ValueCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueCount {
    pub value: String,
    pub phrases: usize,
    /// Where the first phrase stating it is (`path:line:column`, or the cell).
    pub first: String,
    /// Whether it is the policy's value, when there is a policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
}

impl LibraryOverview {
    fn title(&self) -> String {
        match &self.shop {
            Some(s) => format!("话术库“{s}”"),
            None => "话术库".to_string(),
        }
    }
}

/// The overview as pretty output shows it.
pub fn render(o: &Overview) -> String {
    let mut out = String::new();
    for lib in &o.libraries {
        let _ = writeln!(
            out,
            "{}：{} 个文件，{} 条话术",
            lib.title(),
            lib.files,
            lib.phrases
        );
        if !lib.groups.is_empty() || lib.ungrouped > 0 {
            let mut groups: Vec<String> = lib
                .groups
                .iter()
                .map(|g| format!("{} {} 条", g.name, g.phrases))
                .collect();
            if lib.ungrouped > 0 {
                groups.push(format!("未分组 {} 条", lib.ungrouped));
            }
            let _ = writeln!(
                out,
                "  分组（{} 个）：{}",
                lib.groups.len(),
                groups.join("，")
            );
        }
        let scenes: Vec<String> = lib
            .scenes
            .iter()
            .map(|s| format!("{} {}", s.label, s.phrases))
            .collect();
        let _ = writeln!(out, "  场景：{}", scenes.join(" · "));
        if !lib.stages.is_empty() {
            let stages: Vec<String> = lib
                .stages
                .iter()
                .map(|s| format!("{}{}", s.label, if s.present { "✓" } else { "✗" }))
                .collect();
            let _ = writeln!(out, "  对话阶段：{}", stages.join(" "));
            let missing: Vec<&str> = lib
                .stages
                .iter()
                .filter(|s| !s.present)
                .map(|s| s.label.as_str())
                .collect();
            if missing.is_empty() {
                let _ = writeln!(out, "  每个阶段都有话术。");
            } else {
                let _ = writeln!(out, "  缺少的阶段：{}", missing.join("、"));
            }
        }
        let _ = writeln!(
            out,
            "  重复：{} 条话术有副本，共多出 {} 条；相近的话术 {} 条；快捷编码冲突 {} 处",
            lib.phrases_with_copies, lib.copies, lib.near_duplicates, lib.code_clashes
        );
        let (stated, unstated): (Vec<&FactSummary>, Vec<&FactSummary>) =
            lib.facts.iter().partition(|f| !f.values.is_empty());
        if !stated.is_empty() {
            let _ = writeln!(out, "  话术里的承诺：");
        }
        for f in stated {
            let values: Vec<String> = f
                .values
                .iter()
                .map(|v| {
                    let mark = match v.agrees {
                        Some(false) => "，与政策不符",
                        _ => "",
                    };
                    format!("{}（{} 条，最早在 {}{mark}）", v.value, v.phrases, v.first)
                })
                .collect();
            let mut line = format!("    {}：{}", f.label, values.join("、"));
            if let Some(p) = &f.policy {
                line.push_str(&format!("；政策：{p}"));
            } else if f.values.len() > 1 {
                line.push_str("——说法不一致");
            }
            let _ = writeln!(out, "{line}");
        }
        if !unstated.is_empty() {
            let labels: Vec<String> = unstated
                .iter()
                .map(|f| match &f.policy {
                    Some(p) => format!("{}（政策：{p}）", f.label),
                    None => f.label.clone(),
                })
                .collect();
            let _ = writeln!(out, "  话术里没有提到：{}", labels.join("、"));
        }
        out.push('\n');
    }
    out
}
