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

/// Loads one built-in pack by name. Its examples are not run and its patterns are compiled only when
/// first needed: `cargo test` (and `huashu test-rules`) compile every pattern and run every example.
pub fn load(name: &str) -> Option<Result<Pack, Vec<LocatedError>>> {
    text(name).map(|t| Pack::parse_builtin(&format!("rules/{name}.yaml"), t))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Start-up skips what this checks: every built-in pattern compiles and every example behaves
    /// (`Pack::parse` is what a user pack goes through).
    #[test]
    fn every_builtin_pattern_compiles_and_every_example_behaves() {
        for name in names() {
            let text = text(name).unwrap();
            if let Err(errors) = Pack::parse(&format!("rules/{name}.yaml"), text) {
                panic!("rules/{name}.yaml: {errors:?}");
            }
        }
    }

    /// The literals `build.rs` prepared are the ones the engine would work out itself.
    #[test]
    fn prepared_literals_are_the_computed_ones() {
        use crate::engine::pattern::Pattern;
        let mut checked = 0;
        for name in names() {
            let pack = load(name).unwrap().unwrap();
            for rule in &pack.rules {
                let mut patterns: Vec<&Pattern> = rule.except.iter().chain(&rule.unless).collect();
                match &rule.kind {
                    crate::engine::rules::Kind::Forbid(f) => patterns.extend(&f.matcher.patterns),
                    crate::engine::rules::Kind::RequireWith(r) => {
                        patterns.extend(&r.when.patterns);
                        patterns.extend(&r.require.patterns);
                    }
                    crate::engine::rules::Kind::Require(r) => patterns.extend(&r.any.patterns),
                    _ => {}
                }
                for p in patterns {
                    let fresh = Pattern::compile(p.as_str()).unwrap();
                    assert_eq!(p.literals(), fresh.literals(), "{}", p.as_str());
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} patterns");
    }
}
