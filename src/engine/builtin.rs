//! The built-in packs, embedded from `rules/` at build time.

use crate::engine::pack::Pack;
use crate::error::LocatedError;

/// (name, YAML text) of every file in `rules/`, sorted by name.
const PACKS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// Built-in packs that are off unless asked for with `--pack NAME`.
const OFF_BY_DEFAULT: &[&str] = &["cosmetics"];

/// The order packs are listed in: the core etiquette first.
const ORDER: &[&str] = &["etiquette", "compliance", "hygiene"];

pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = PACKS.iter().map(|(n, _)| *n).collect();
    names.sort_by_key(|n| (ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()), *n));
    names
}

pub fn is_default(name: &str) -> bool {
    !OFF_BY_DEFAULT.contains(&name)
}

pub fn text(name: &str) -> Option<&'static str> {
    PACKS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Loads one built-in pack by name.
pub fn load(name: &str) -> Option<Result<Pack, Vec<LocatedError>>> {
    text(name).map(|t| Pack::parse(&format!("rules/{name}.yaml"), t))
}
