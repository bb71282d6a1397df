//! A library rule's examples: each is a small library (a list of phrases, with the policy, stages
//! or limit a config would give), and a bad one must make the rule report at least once, a good one
//! never. `huashu test-rules` and loading a pack run them, as for every other rule.

use super::{Index, LibraryExample, LibraryKind, LibraryRule, contradicts, too_long};
use crate::error::LocatedError;
use crate::text::source::SourceFile;
use std::sync::Arc;

/// The library an example stands for, set up as a run would be.
fn library(rule: &LibraryRule, ex: &LibraryExample) -> Result<super::Library, String> {
    let mut library = super::Library {
        facts: rule.facts.to_vec(),
        near: true,
        ..super::Library::default()
    };
    library.policy = vec![None; library.facts.len()];
    for (name, value) in &ex.policy {
        let f = library
            .fact_named(name)
            .ok_or_else(|| format!("例子的 policy 里的 “{name}” 不是本规则包声明的事实"))?;
        let v = library.facts[f]
            .parse_value(value)
            .ok_or_else(|| format!("例子的 policy 里 “{name}” 的值 “{value}” 无法识别"))?;
        library.policy[f] = Some(v);
    }
    if let LibraryKind::MissingScene { stages, .. } = &rule.kind {
        library.stages = stages
            .iter()
            .filter(|s| {
                ex.stages
                    .as_ref()
                    .is_none_or(|names| names.contains(&s.name))
            })
            .take(64)
            .cloned()
            .collect();
    }
    Ok(library)
}

/// How many times the rule reports on an example.
pub fn findings(rule: &LibraryRule, ex: &LibraryExample) -> Result<usize, String> {
    let library = library(rule, ex)?;
    let threshold = match rule.kind {
        LibraryKind::NearDuplicate { threshold } => threshold,
        _ => 1.0,
    };
    let mut index = Index::new(64, threshold);
    let lib = index.library(None);
    let mut found = 0;
    let mut groups = std::collections::HashSet::new();
    for p in &ex.phrases {
        let sketch = library.sketch(&p.text, p.scene, p.code.as_deref());
        let (_, events) = index.add(lib, &sketch);
        found += match &rule.kind {
            LibraryKind::Duplicate => usize::from(events.duplicate_of.is_some()),
            LibraryKind::NearDuplicate { .. } => usize::from(events.near.is_some()),
            LibraryKind::DuplicateCode => usize::from(events.code_of.is_some()),
            LibraryKind::ContradictsPolicy => sketch
                .facts
                .iter()
                .filter(|h| contradicts(&library.policy, h).is_some())
                .count(),
            LibraryKind::InconsistentPromise => {
                for h in &sketch.facts {
                    index.state(lib, h.fact, &h.value);
                }
                0
            }
            LibraryKind::GroupNameTooLong { max_chars } => match &p.group {
                Some(g) if groups.insert(g.clone()) => {
                    usize::from(too_long(ex.limit.or(*max_chars), g.chars().count()))
                }
                _ => 0,
            },
            LibraryKind::CodeTooLong { max_chars } => sketch.code.map_or(0, |(_, n)| {
                usize::from(too_long(ex.limit.or(*max_chars), n))
            }),
            LibraryKind::MissingScene { .. } => 0,
        };
    }
    match &rule.kind {
        LibraryKind::InconsistentPromise => {
            found += index.disagreements(|f| library.policy[f].is_some()).len();
        }
        LibraryKind::MissingScene { .. } => {
            let all = if library.stages.len() >= 64 {
                u64::MAX
            } else {
                (1u64 << library.stages.len()) - 1
            };
            found += index.missing_stages(lib, all, 0).count_ones() as usize;
        }
        _ => {}
    }
    Ok(found)
}

/// Examples that do not behave, as errors at the example in the pack file.
pub fn failures(src: &Arc<SourceFile>, id: &str, rule: &LibraryRule) -> Vec<LocatedError> {
    let mut out = Vec::new();
    for (bad, list) in [(true, &rule.bad), (false, &rule.good)] {
        for ex in list {
            match findings(rule, ex) {
                Err(message) => {
                    out.push(LocatedError::new(src, ex.span.clone(), message, "这个例子"))
                }
                Ok(0) if bad => out.push(
                    LocatedError::new(
                        src,
                        ex.span.clone(),
                        format!("反例没有触发规则 {id}"),
                        "这组话术应当触发本规则",
                    )
                    .with_help("请修改规则的参数，或改写这个反例"),
                ),
                Ok(n) if !bad && n > 0 => out.push(
                    LocatedError::new(
                        src,
                        ex.span.clone(),
                        format!("正例误触发了规则 {id}（{n} 处）"),
                        "这组话术不应触发本规则",
                    )
                    .with_help("请修改规则的参数或事实的 except/unless，或改写这个正例"),
                ),
                Ok(_) => {}
            }
        }
    }
    out
}
