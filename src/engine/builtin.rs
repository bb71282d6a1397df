//! The built-in packs, embedded from `rules/` at build time.

use crate::engine::pack::Pack;
use crate::error::LocatedError;

/// (name, YAML text, `version:`, the same document as JSON) of every file in `rules/`, sorted by
/// name. `build.rs` reads the version, so that `huashu --version` parses no pack, and writes the
/// JSON, which a run parses instead of the YAML (a fifth of the time).
type Embedded = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);
const PACKS: &[Embedded] = include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// Built-in packs that are off unless asked for with `--pack NAME`.
const OFF_BY_DEFAULT: &[&str] = &["cosmetics"];

/// The order packs are listed in: the core etiquette first.
const ORDER: &[&str] = &["etiquette", "compliance", "hygiene"];

pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = PACKS.iter().map(|(n, ..)| *n).collect();
    names.sort_by_key(|n| (ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()), *n));
    names
}

pub fn is_default(name: &str) -> bool {
    !OFF_BY_DEFAULT.contains(&name)
}

pub fn text(name: &str) -> Option<&'static str> {
    PACKS.iter().find(|(n, ..)| *n == name).map(|(_, t, ..)| *t)
}

/// A built-in pack's `version:`.
pub fn version(name: &str) -> Option<&'static str> {
    PACKS
        .iter()
        .find(|(n, ..)| *n == name)
        .and_then(|(_, _, v, _)| *v)
}

/// What `huashu --version` prints after the program's name: its version, then each built-in pack's,
/// one per line (rule ids and findings change with a pack's version, not only with the program's).
pub fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let mut out = format!("{}\n内置规则包：", env!("CARGO_PKG_VERSION"));
        for name in names() {
            let off = if is_default(name) {
                ""
            } else {
                "（默认不启用）"
            };
            out.push_str(&format!(
                "\n  {name} {}{off}",
                version(name).unwrap_or("（无版本号）")
            ));
        }
        out
    })
}

/// Loads one built-in pack by name. Its examples are not run and its patterns are compiled only when
/// first needed: `cargo test` (and `huashu test-rules`) compile every pattern and run every example.
pub fn load(name: &str) -> Option<Result<Pack, Vec<LocatedError>>> {
    let (_, yaml, _, json) = PACKS.iter().find(|(n, ..)| *n == name)?;
    let path = format!("rules/{name}.yaml");
    Some(match json {
        Some(json) => Pack::parse_builtin_json(&path, yaml, json),
        None => Pack::parse_builtin(&path, yaml),
    })
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

    /// A run reads each built-in pack's JSON form: it must give the pack the YAML gives, down to
    /// every pattern, word, message and example; only the source positions, which JSON lacks, may
    /// differ. (A YAML 1.1 word such as `no`, which a typed reader takes for `false`, is quoted in
    /// the pack: otherwise this fails.)
    #[test]
    fn the_json_form_of_every_builtin_pack_is_the_pack_its_yaml_is() {
        let positions = regex::Regex::new(r"span: \d+\.\.\d+").unwrap();
        let shown = |p: &Pack| {
            let all = format!(
                "{:?}",
                (&p.name, &p.version, &p.description, &p.rules, &p.facts)
            );
            positions.replace_all(&all, "span: _").into_owned()
        };
        for (name, yaml, _, json) in PACKS {
            let json = json.unwrap_or_else(|| panic!("rules/{name}.yaml has no JSON form"));
            let path = format!("rules/{name}.yaml");
            let from_yaml = Pack::parse_builtin(&path, yaml).unwrap();
            let from_json = Pack::parse_builtin_json(&path, yaml, json).unwrap();
            assert!(!from_json.rules.is_empty());
            assert_eq!(shown(&from_yaml), shown(&from_json), "rules/{name}.yaml");
        }
    }

    /// `build.rs` read each version as the pack loader does, and every built-in pack has one.
    #[test]
    fn every_builtin_pack_has_the_version_build_rs_read() {
        for name in names() {
            let pack = load(name).unwrap().unwrap();
            assert!(pack.version.is_some(), "rules/{name}.yaml has no version");
            assert_eq!(pack.version.as_deref(), version(name), "{name}");
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
