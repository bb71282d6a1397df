//! The rule engine: packs loaded from YAML ([`pack`]), the built-in ones embedded in the binary
//! ([`builtin`]), compiled rules one kind per module ([`rules`]), and the linter that runs them over
//! phrases ([`linter`]).

pub mod alternation;
pub mod builtin;
pub mod lexicon;
pub mod library;
pub mod linter;
pub mod literals;
pub mod nfa_bytes;
pub mod pack;
pub mod pattern;
pub mod rules;
pub mod starts;

use crate::error::{Error, LocatedError};
use linter::Linter;
use pack::Pack;
use rules::Rule;
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
    load_packs_skipping(extra, disabled, &[]).map(|loaded| loaded.packs)
}

/// The packs a run loaded, and the default built-in ones it left unparsed.
#[derive(Debug)]
pub struct Loaded {
    pub packs: Vec<Pack>,
    pub unparsed: Vec<&'static str>,
}

/// Like `load_packs_except`, without parsing the default built-in packs named in `unused` (see
/// [`builtin::unused`]), unless another pack shares a name with one: that one is parsed after all,
/// so that the clash is reported as ever.
pub fn load_packs_skipping(
    extra: &[String],
    disabled: &[String],
    unused: &[&'static str],
) -> Result<Loaded, Error> {
    let mut packs = Vec::new();
    let mut load = |name: &str, pack: Pack| -> Result<(), Error> {
        if packs.iter().any(|p: &Pack| p.name == pack.name) {
            return Err(Error::usage(
                format!("规则包 {} 加载了两次（{name}）", pack.name),
                None,
            ));
        }
        let errors = alias_clashes(&packs, &pack);
        if !errors.is_empty() {
            return Err(Error::Pack {
                path: name.to_string(),
                errors,
            });
        }
        packs.push(pack);
        Ok(())
    };
    // What to load, in order: the default built-in packs, then the extra ones.
    let mut specs: Vec<(&str, bool)> = builtin::names()
        .into_iter()
        .filter(|name| builtin::is_default(name) && !disabled.iter().any(|d| d == name))
        .map(|name| (name, true))
        .collect();
    for spec in extra {
        let default_on = builtin::text(spec).is_some()
            && builtin::is_default(spec)
            && !disabled.iter().any(|d| d == spec);
        if !default_on {
            specs.push((spec, false));
        }
    }
    let skipped = |(spec, builtin): (&str, bool)| builtin && unused.contains(&spec);
    // Parsing is most of a small run's start-up, and packs are independent until their ids are
    // compared: each is parsed on a thread of its own, then checked and kept in order, so the first
    // error reported is the one a one-by-one load would report.
    let mut parsed: Vec<Option<Result<Pack, Error>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = specs
            .iter()
            .map(|&(spec, builtin)| {
                (!skipped((spec, builtin))).then(|| scope.spawn(move || parse_pack(spec, builtin)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
            })
            .collect()
    });
    let others: Vec<&Pack> = parsed.iter().flatten().flatten().collect();
    let clashing: Vec<usize> = (0..specs.len())
        .filter(|&i| skipped(specs[i]) && others.iter().any(|p| shares_a_name(specs[i].0, p)))
        .collect();
    for i in clashing {
        parsed[i] = Some(parse_pack(specs[i].0, true));
    }
    let mut unparsed = Vec::new();
    for (&(spec, _), pack) in specs.iter().zip(parsed) {
        match pack {
            Some(pack) => load(spec, pack?)?,
            None => unparsed.extend(unused.iter().find(|n| **n == spec)),
        }
    }
    Ok(Loaded { packs, unparsed })
}

/// Whether `pack` has a name that built-in pack `builtin` has too: its own, or a rule's id or former
/// id (the clashes `load_packs_skipping` reports are all of this sort).
fn shares_a_name(builtin: &str, pack: &Pack) -> bool {
    let rules = builtin::rule_ids(builtin).unwrap_or_default();
    let theirs = |name: &str| {
        name == builtin
            || rules
                .iter()
                .any(|(id, aliases)| *id == name || aliases.contains(&name))
    };
    theirs(&pack.name)
        || pack
            .rules
            .iter()
            .any(|r| theirs(&r.id) || r.aliases.iter().any(|a| theirs(&a.id)))
}

/// One pack named on the command line or built in: a built-in's name (`builtin`: a default one,
/// which must exist) or a pack file's path.
fn parse_pack(spec: &str, builtin: bool) -> Result<Pack, Error> {
    let pack_error = |errors| Error::Pack {
        path: spec.to_string(),
        errors,
    };
    if let Some(result) = builtin::load(spec) {
        return result.map_err(pack_error);
    }
    assert!(!builtin, "listed built-in {spec} exists");
    let path = Path::new(spec);
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: spec.to_string(),
        source,
    })?;
    Pack::parse(&crate::input::display_path(path), &text).map_err(pack_error)
}

/// Former ids of `pack`'s rules that name a rule of a pack loaded before it, and former ids of those
/// packs that are ids of `pack`'s rules: either would make one id mean two rules.
fn alias_clashes(loaded: &[Pack], pack: &Pack) -> Vec<LocatedError> {
    let mut errors = Vec::new();
    let earlier = || {
        loaded
            .iter()
            .flat_map(|p| p.rules.iter().map(move |r| (p, r)))
    };
    for rule in &pack.rules {
        for alias in &rule.aliases {
            let clash = earlier().find(|(_, r)| r.id == alias.id || r.has_alias(&alias.id));
            if let Some((p, other)) = clash {
                let what = if other.id == alias.id {
                    format!("旧 id {} 是规则包 {} 里一条规则现在的 id", alias.id, p.name)
                } else {
                    format!(
                        "旧 id {} 已经是规则包 {} 的规则 {} 的旧 id",
                        alias.id, p.name, other.id
                    )
                };
                errors.push(
                    LocatedError::new(&pack.source, alias.span.clone(), what, "旧 id 冲突")
                        .with_help("一个 id 只能指一条规则"),
                );
            }
        }
        for (p, other) in earlier() {
            if let Some(alias) = other.aliases.iter().find(|a| a.id == rule.id) {
                errors.push(
                    LocatedError::new(
                        &p.source,
                        alias.span.clone(),
                        format!(
                            "规则 {} 的旧 id {} 是规则包 {} 里一条规则现在的 id",
                            other.id, alias.id, pack.name
                        ),
                        "旧 id 冲突",
                    )
                    .with_help("一个 id 只能指一条规则"),
                );
            }
        }
    }
    errors
}

/// The current id of the rule whose former id `name` is (`None`: `name` is no rule's former id).
pub fn renamed<'a>(rules: impl IntoIterator<Item = &'a Rule>, name: &str) -> Option<&'a str> {
    rules
        .into_iter()
        .find(|r| r.has_alias(name))
        .map(|r| r.id.as_str())
}

/// The linter for a selection: its packs' rules, filtered by `select` and `ignore`.
pub fn linter(selection: &RuleSelection) -> Result<Linter, Error> {
    let packs = load_packs(&selection.packs)?;
    // A former id of a renamed rule selects that rule (the library API has no place for a note).
    let current = |s: &String| -> String {
        renamed(packs.iter().flat_map(|p| &p.rules), s).map_or_else(|| s.clone(), str::to_string)
    };
    let selection = RuleSelection {
        packs: Vec::new(),
        select: selection.select.iter().map(current).collect(),
        ignore: selection.ignore.iter().map(current).collect(),
    };
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
