//! The built-in packs, embedded from `rules/` at build time.

use crate::engine::pack::Pack;
use crate::error::LocatedError;

/// A file of `rules/` as `build.rs` embedded it (`builtin_packs.rs`, sorted by name).
struct Embedded {
    name: &'static str,
    yaml: &'static str,
    /// `version:`, read at build time so that `huashu --version` parses no pack.
    version: Option<&'static str>,
    /// The same document as JSON, which a run parses instead of the YAML (a fifth of the time).
    json: Option<&'static str>,
    /// Each rule's id and former ids, so that a run can tell without parsing the pack whether its
    /// selection uses any of them (`None`: the build could not read the pack).
    rules: Option<&'static [(&'static str, &'static [&'static str])]>,
    /// Whether the pack declares facts or library rules, which serve `--summary` and the config's
    /// `policy:` and `library:` even when none of its rules runs.
    library: bool,
}
const PACKS: &[Embedded] = include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// Built-in packs that are off unless asked for with `--pack NAME`.
const OFF_BY_DEFAULT: &[&str] = &["cosmetics"];

/// The order packs are listed in: the core etiquette first.
const ORDER: &[&str] = &["etiquette", "compliance", "hygiene"];

pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = PACKS.iter().map(|p| p.name).collect();
    names.sort_by_key(|n| (ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()), *n));
    names
}

pub fn is_default(name: &str) -> bool {
    !OFF_BY_DEFAULT.contains(&name)
}

pub fn text(name: &str) -> Option<&'static str> {
    embedded(name).map(|p| p.yaml)
}

fn embedded(name: &str) -> Option<&'static Embedded> {
    PACKS.iter().find(|p| p.name == name)
}

/// A built-in pack's `version:`.
pub fn version(name: &str) -> Option<&'static str> {
    embedded(name).and_then(|p| p.version)
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

/// A built-in pack's rules, each with its former ids (`None`: no such pack, or the build could not
/// read it).
pub fn rule_ids(name: &str) -> Option<&'static [(&'static str, &'static [&'static str])]> {
    embedded(name).and_then(|p| p.rules)
}

/// Whether `name` names a built-in pack, or a rule of one by its id or a former id, whether or not
/// the run loaded it (from the build's lists: no pack is parsed to tell).
pub fn knows(name: &str) -> bool {
    static NAMES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut names = std::collections::HashSet::new();
            for p in PACKS {
                names.insert(p.name);
                for (id, aliases) in p.rules.unwrap_or_default() {
                    names.insert(*id);
                    names.extend(aliases.iter().copied());
                }
            }
            names
        })
        .contains(name)
}

/// One way a run may choose its rules: those `select` names (every rule when it is empty) and not
/// those `ignore` names. A name is a pack's, a rule's id or a former id of a rule.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    pub select: &'a [String],
    pub ignore: &'a [String],
}

/// The default built-in packs of which no rule can run under any of `filters`: a run need not parse
/// them (most of a small run's start-up). Decided from the build's lists of ids; a pack the build
/// could not read, or one with facts or library rules, is always parsed.
pub fn unused(filters: &[Filter]) -> Vec<&'static str> {
    unused_of(PACKS, filters)
}

fn unused_of(packs: &'static [Embedded], filters: &[Filter]) -> Vec<&'static str> {
    let runs = |pack: &str, id: &str, aliases: &[&str]| {
        let names = |list: &[String]| {
            list.iter()
                .any(|s| s == pack || s == id || aliases.contains(&s.as_str()))
        };
        filters
            .iter()
            .any(|f| (f.select.is_empty() || names(f.select)) && !names(f.ignore))
    };
    packs
        .iter()
        .filter(|p| is_default(p.name) && !p.library)
        .filter(|p| {
            p.rules
                .is_some_and(|rules| !rules.iter().any(|(id, aliases)| runs(p.name, id, aliases)))
        })
        .map(|p| p.name)
        .collect()
}

/// Loads one built-in pack by name. Its examples are not run and its patterns are compiled only when
/// first needed: `cargo test` (and `huashu test-rules`) compile every pattern and run every example.
pub fn load(name: &str) -> Option<Result<Pack, Vec<LocatedError>>> {
    let p = embedded(name)?;
    let path = format!("rules/{name}.yaml");
    Some(match p.json {
        Some(json) => Pack::parse_builtin_json(&path, p.yaml, json),
        None => Pack::parse_builtin(&path, p.yaml),
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
        for Embedded {
            name, yaml, json, ..
        } in PACKS
        {
            let json = json.unwrap_or_else(|| panic!("rules/{name}.yaml has no JSON form"));
            let path = format!("rules/{name}.yaml");
            let from_yaml = Pack::parse_builtin(&path, yaml).unwrap();
            let from_json = Pack::parse_builtin_json(&path, yaml, json).unwrap();
            assert!(!from_json.rules.is_empty());
            assert_eq!(shown(&from_yaml), shown(&from_json), "rules/{name}.yaml");
        }
    }

    /// `build.rs` listed every rule's id and former ids as the pack loader reads them, and marked
    /// the packs with facts or library rules: a run decides from these which packs it need not
    /// parse, and which names are built-in ones.
    #[test]
    fn build_rs_listed_every_rule_id_and_former_id() {
        for p in PACKS {
            let pack = load(p.name).unwrap().unwrap();
            let parsed: Vec<(&str, Vec<&str>)> = pack
                .rules
                .iter()
                .map(|r| {
                    (
                        r.id.as_str(),
                        r.aliases.iter().map(|a| a.id.as_str()).collect(),
                    )
                })
                .collect();
            let listed: Vec<(&str, Vec<&str>)> = p
                .rules
                .unwrap_or_else(|| panic!("rules/{}.yaml has no list of ids", p.name))
                .iter()
                .map(|(id, aliases)| (*id, aliases.to_vec()))
                .collect();
            assert_eq!(listed, parsed, "{}", p.name);
            let library =
                !pack.facts.is_empty() || pack.rules.iter().any(|r| r.kind.library().is_some());
            assert_eq!(p.library, library, "{}", p.name);
            assert!(knows(p.name));
            for (id, aliases) in &parsed {
                assert!(knows(id) && aliases.iter().all(|a| knows(a)), "{id}");
            }
        }
        assert!(!knows("etiquette/no-such-rule"));
    }

    /// Packs as a test build might embed them: `a` has a renamed rule, `lib` serves the library
    /// checks, `cosmetics` is off by default and `broken` could not be read.
    static FAKE: &[Embedded] = &[
        Embedded {
            name: "a",
            yaml: "",
            version: None,
            json: None,
            rules: Some(&[("a/new", &["a/old"]), ("a/other", &[])]),
            library: false,
        },
        Embedded {
            name: "b",
            yaml: "",
            version: None,
            json: None,
            rules: Some(&[("b/one", &[])]),
            library: false,
        },
        Embedded {
            name: "lib",
            yaml: "",
            version: None,
            json: None,
            rules: Some(&[("lib/duplicate", &[])]),
            library: true,
        },
        Embedded {
            name: "cosmetics",
            yaml: "",
            version: None,
            json: None,
            rules: Some(&[("cosmetics/x", &[])]),
            library: false,
        },
        Embedded {
            name: "broken",
            yaml: "",
            version: None,
            json: None,
            rules: None,
            library: false,
        },
    ];

    fn unused_with(filters: &[(&[&str], &[&str])]) -> Vec<&'static str> {
        let owned: Vec<(Vec<String>, Vec<String>)> = filters
            .iter()
            .map(|(s, i)| {
                let strings = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
                (strings(s), strings(i))
            })
            .collect();
        let filters: Vec<Filter> = owned
            .iter()
            .map(|(select, ignore)| Filter { select, ignore })
            .collect();
        unused_of(FAKE, &filters)
    }

    #[test]
    fn a_pack_is_unused_when_no_filter_lets_a_rule_of_it_run() {
        // No selection: every rule may run.
        assert!(unused_with(&[(&[], &[])]).is_empty());
        // Another pack selected; the library pack, the one the build could not read and the one
        // off by default (parsed only when asked for) are never left out.
        assert_eq!(unused_with(&[(&["words"], &[])]), ["a", "b"]);
        // A rule selected by its id, by a former id, or its pack by name.
        assert_eq!(unused_with(&[(&["a/other"], &[])]), ["b"]);
        assert_eq!(unused_with(&[(&["a/old"], &[])]), ["b"]);
        assert_eq!(unused_with(&[(&["b"], &[])]), ["a"]);
        // Ignored: the whole pack, or each of its rules (one by a former id).
        assert_eq!(unused_with(&[(&[], &["a"])]), ["a"]);
        assert_eq!(unused_with(&[(&[], &["a/old", "a/other"])]), ["a"]);
        assert!(unused_with(&[(&[], &["a/old"])]).is_empty());
        assert_eq!(unused_with(&[(&["a"], &["a/new", "a/other"])]), ["a", "b"]);
        // A second way of choosing (a per-path override) that selects a rule keeps its pack.
        assert_eq!(unused_with(&[(&["words"], &[]), (&["b/one"], &[])]), ["a"]);
        assert!(unused_with(&[(&["words"], &[]), (&[], &[])]).is_empty());
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
