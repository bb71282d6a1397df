//! The rule engine: packs loaded from YAML ([`pack`]), the built-in ones embedded in the binary
//! ([`builtin`]), compiled rules one kind per module ([`rules`]), and the linter that runs them over
//! phrases ([`linter`]).

pub mod builtin;
pub mod lexicon;
pub mod library;
pub mod linter;
pub mod literals;
pub mod pack;
pub mod pattern;
pub mod rules;

use crate::error::{Error, LocatedError};
use linter::Linter;
use pack::Pack;
use std::path::Path;

/// Which packs and rules a run uses.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// Extra packs: built-in names (e.g. `cosmetics`) or pack file paths.
    pub packs: Vec<String>,
    /// Only these rules or packs (empty: all).
    pub select: Vec<String>,
    /// Not these rules or packs.
    pub ignore: Vec<String>,
}

/// Loads the default built-in packs plus the extra ones named.
pub fn load_packs(extra: &[String]) -> Result<Vec<Pack>, Error> {
    load_packs_except(extra, &[])
}

/// Like `load_packs`, leaving out the default built-in packs named in `disabled` (from a config).
pub fn load_packs_except(extra: &[String], disabled: &[String]) -> Result<Vec<Pack>, Error> {
    let mut packs = Vec::new();
    let mut load = |name: &str, result: Result<Pack, Vec<LocatedError>>| -> Result<(), Error> {
        let pack = result.map_err(|errors| Error::Pack {
            path: name.to_string(),
            errors,
        })?;
        if packs.iter().any(|p: &Pack| p.name == pack.name) {
            return Err(Error::usage(
                format!("规则包 {} 加载了两次（{name}）", pack.name),
                None,
            ));
        }
        packs.push(pack);
        Ok(())
    };
    for name in builtin::names() {
        if builtin::is_default(name) && !disabled.iter().any(|d| d == name) {
            load(name, builtin::load(name).expect("listed built-in exists"))?;
        }
    }
    for spec in extra {
        if let Some(result) = builtin::load(spec) {
            if builtin::is_default(spec) && !disabled.iter().any(|d| d == spec) {
                continue; // already on
            }
            load(spec, result)?;
            continue;
        }
        let path = Path::new(spec);
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: spec.clone(),
            source,
        })?;
        load(spec, Pack::parse(&crate::input::display_path(path), &text))?;
    }
    Ok(packs)
}

/// The linter for a selection: its packs' rules, filtered by `select` and `ignore`.
pub fn linter(selection: &RuleSelection) -> Result<Linter, Error> {
    let packs = load_packs(&selection.packs)?;
    let known = |s: &str| {
        packs
            .iter()
            .any(|p| p.name == s || p.rules.iter().any(|r| r.id == s))
    };
    for s in selection.select.iter().chain(&selection.ignore) {
        if !known(s) {
            return Err(Error::usage(
                format!("没有名为 {s} 的规则或规则包"),
                Some("用 huashu rules 查看全部规则".to_string()),
            ));
        }
    }
    let matches = |list: &[String], pack: &str, id: &str| list.iter().any(|s| s == pack || s == id);
    let rules = packs
        .into_iter()
        .flat_map(|p| p.rules)
        .filter(|r| selection.select.is_empty() || matches(&selection.select, &r.pack, &r.id))
        .filter(|r| !matches(&selection.ignore, &r.pack, &r.id))
        .collect();
    Ok(Linter::new(rules))
}
