//! Embeds every `rules/*.yaml` pack into the binary, so the default run needs no files beside it, and
//! prepares the packs' patterns: for each (Traditional simplified, as the engine compiles it) the
//! literals one of which every match contains, so a run needs to parse no built-in pattern to set up
//! its prefilter, and for a pattern that is only an alternation of literals, the list of them (it is
//! then matched without a regex), or else its compiled NFA and where its matches can begin, so a run
//! neither parses nor compiles a built-in pattern before searching with it
//! (`src/engine/nfa_bytes.rs`). A built-in pattern that does not parse fails the build. Each pack's
//! `version:` is taken too, for `huashu --version`, and its rule ids and former ids, so that a run
//! can tell without parsing a pack whether its selection uses any of its rules.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::{env, fs, path::Path};

#[allow(dead_code)]
#[path = "src/text/normalize.rs"]
mod normalize;

#[allow(dead_code)]
#[path = "src/engine/literals.rs"]
mod literals;

#[allow(dead_code)]
#[path = "src/engine/lexicon.rs"]
mod lexicon;

#[path = "src/engine/alternation.rs"]
mod alternation;

#[allow(dead_code)]
#[path = "src/engine/starts.rs"]
mod starts;

#[allow(dead_code)]
#[path = "src/engine/nfa_bytes.rs"]
mod nfa_bytes;

/// Just the pattern lists of a pack; everything else is checked when the pack loads.
#[derive(Deserialize)]
struct Pack {
    /// `huashu --version` lists it without parsing the packs at start-up.
    #[serde(default)]
    version: Option<String>,
    /// `{{name}}` in a pattern expands to these words before anything else is done with it.
    #[serde(default)]
    lexicons: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    rules: Vec<Rule>,
    /// The library pack's facts: their patterns are screened for literals like rules' patterns.
    #[serde(default)]
    facts: Vec<Fact>,
}

/// The kinds of rule that check one phrase at a time (`KINDS` in `src/engine/pack/mod.rs`); any
/// other kind is a library check.
const PHRASE_KINDS: &[&str] = &["forbid", "replace", "require-with", "require", "limit"];

#[derive(Deserialize)]
struct Fact {
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
}

/// A library rule's conversation stage: the word lists that show a phrase covers it.
#[derive(Deserialize)]
struct Stage {
    #[serde(default)]
    with: Option<Match>,
    #[serde(default)]
    any: Option<Match>,
}

#[derive(Deserialize)]
struct Rule {
    #[serde(default)]
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    patterns: Option<Vec<String>>,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    when: Option<Match>,
    #[serde(default)]
    require: Option<Match>,
    #[serde(default)]
    any: Option<Match>,
    #[serde(default)]
    stages: Vec<Stage>,
}

#[derive(Deserialize)]
struct Match {
    #[serde(default)]
    patterns: Vec<String>,
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/engine/literals.rs");
    println!("cargo:rerun-if-changed=src/engine/lexicon.rs");
    println!("cargo:rerun-if-changed=src/text/normalize.rs");
    println!("cargo:rerun-if-changed=src/text/normalize/t2s.rs");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("rules");
    let mut packs: Vec<(String, String)> = Vec::new();
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "yaml") {
                println!("cargo:rerun-if-changed={}", path.display());
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                packs.push((name, path.display().to_string()));
            }
        }
    }
    packs.sort();
    let out_dir = env::var("OUT_DIR").unwrap();
    let mut out = String::from("&[\n");
    for (name, path) in &packs {
        let text = fs::read_to_string(path).unwrap();
        // A pack that does not deserialise is reported, with its line and column, when it loads.
        let pack = serde_saphyr::from_str::<Pack>(&text).ok();
        let version = pack.as_ref().and_then(|p| p.version.clone());
        // The same document as JSON, which a run reads several times faster than YAML, with every
        // pattern as the loader makes it (lexicons expanded, Traditional simplified), so that a run
        // does neither. A pack that is not YAML, or names an unknown lexicon, gets none: its mistake
        // is reported from the YAML when it loads.
        let mut node = serde_saphyr::from_str::<Node>(&text).ok();
        let prepared = match (&pack, &mut node) {
            (Some(pack), Some(node)) => node.prepare(&lexicons_of(pack)).then_some(node),
            _ => None,
        };
        let json = match prepared {
            Some(node) => {
                let file = format!("{name}.json");
                let mut json = String::new();
                node.write_json(&mut json);
                fs::write(Path::new(&out_dir).join(&file), json).unwrap();
                format!("Some(include_str!(concat!(env!(\"OUT_DIR\"), \"/{file}\")))")
            }
            _ => "None".to_string(),
        };
        // Rule ids and former ids; `None` for a pack the build cannot read, which a run then always
        // parses (and reports the mistake of).
        let rules = match &pack {
            Some(pack) => {
                let rules: Vec<String> = pack
                    .rules
                    .iter()
                    .map(|r| format!("({:?}, &{:?})", r.id, r.aliases))
                    .collect();
                format!("Some(&[{}])", rules.join(", "))
            }
            None => "None".to_string(),
        };
        // Facts and library rules serve `--summary`, `policy:` and `library:` in the config even
        // when no rule of the pack runs.
        let library = pack.as_ref().is_some_and(|p| {
            !p.facts.is_empty()
                || p.rules
                    .iter()
                    .any(|r| !PHRASE_KINDS.contains(&r.kind.as_str()))
        });
        out.push_str(&format!(
            "    Embedded {{ name: {name:?}, yaml: include_str!({path:?}), version: {version:?}, json: {json}, rules: {rules}, library: {library} }},\n"
        ));
    }
    out.push_str("]\n");
    fs::write(Path::new(&out_dir).join("builtin_packs.rs"), out).unwrap();

    // pattern → (its required literals, the literals it is made of, its NFA and where its matches
    // begin when it is not only literals)
    type Lits = Option<Vec<Vec<u8>>>;
    type Clauses = Option<Vec<Vec<Vec<u8>>>>;
    type Nfa = Option<(Vec<u8>, Option<starts::Starts>)>;
    let mut prepared: BTreeMap<String, (Clauses, Lits, Nfa)> = BTreeMap::new();
    for (name, path) in &packs {
        let text = fs::read_to_string(path).unwrap();
        // A pack that does not deserialise is reported, with its line and column, when it loads.
        let Ok(pack) = serde_saphyr::from_str::<Pack>(&text) else {
            continue;
        };
        let lexicons = lexicons_of(&pack);
        let mut lists: Vec<Vec<String>> = Vec::new();
        for rule in pack.rules {
            lists.extend([
                rule.patterns.unwrap_or_default(),
                rule.except,
                rule.unless,
                rule.when.map(|m| m.patterns).unwrap_or_default(),
                rule.require.map(|m| m.patterns).unwrap_or_default(),
                rule.any.map(|m| m.patterns).unwrap_or_default(),
            ]);
            for stage in rule.stages {
                lists.extend(stage.with.map(|m| m.patterns));
                lists.extend(stage.any.map(|m| m.patterns));
            }
        }
        for fact in pack.facts {
            lists.extend([fact.patterns, fact.except, fact.unless]);
        }
        for pattern in lists.into_iter().flatten() {
            // An unknown lexicon is reported, with its line and column, when the pack loads.
            let Ok(expanded) =
                lexicon::expand(&pattern, |name| lexicons.get(name).map(Vec::as_slice))
            else {
                continue;
            };
            let source = normalize::simplify(&expanded);
            let hir = regex_syntax::Parser::new()
                .parse(&source)
                .unwrap_or_else(|e| panic!("rules/{name}.yaml: pattern {pattern:?}:\n{e}"));
            let required = literals::required_all(&hir);
            let exact = literals::exact(&hir);
            // A pattern that is only words is matched by an automaton over them, not a regex.
            let nfa = exact.is_none().then(|| {
                let starts = starts::starts(&hir);
                let nfa = regex_automata::nfa::thompson::Compiler::new()
                    .configure(nfa_bytes::config())
                    .build_from_hir(&alternation::prefer_longer(hir))
                    .unwrap_or_else(|e| panic!("rules/{name}.yaml: pattern {pattern:?}:\n{e}"));
                let mut bytes = Vec::new();
                nfa_bytes::encode(&nfa, &mut bytes);
                (bytes, starts)
            });
            prepared.insert(source, (required, exact, nfa));
        }
    }
    // One blob of records and a table of where each starts: as Rust slices of slices, the tables
    // were 66,000 pointers that the dynamic loader relocated, page by page, on every start
    // (`src/engine/pattern.rs` reads this format).
    let mut blob: Vec<u8> = Vec::new();
    let mut starts: Vec<u32> = Vec::new();
    let put = |blob: &mut Vec<u8>, bytes: &[u8]| {
        blob.extend((bytes.len() as u32).to_le_bytes());
        blob.extend(bytes);
    };
    let put_lits = |blob: &mut Vec<u8>, lits: &[Vec<u8>]| {
        blob.extend((lits.len() as u32).to_le_bytes());
        for l in lits {
            put(blob, l);
        }
    };
    for (source, (required, exact, nfa)) in &prepared {
        starts.push(blob.len() as u32);
        put(&mut blob, source.as_bytes());
        match required {
            None => blob.push(0),
            Some(sets) => {
                blob.push(1);
                blob.extend((sets.len() as u32).to_le_bytes());
                for set in sets {
                    put_lits(&mut blob, set);
                }
            }
        }
        match exact {
            None => blob.push(0),
            Some(lits) => {
                blob.push(1);
                put_lits(&mut blob, lits);
            }
        }
        match nfa {
            None => blob.push(0),
            Some((bytes, starts)) => {
                blob.push(1);
                put(&mut blob, bytes);
                starts::Starts::encode(starts.as_ref(), &mut blob);
            }
        }
    }
    starts.push(blob.len() as u32);
    fs::write(Path::new(&out_dir).join("builtin_literals.bin"), &blob).unwrap();
    let out = format!(
        "static PREPARED_BLOB: [u8; {}] = *include_bytes!(concat!(env!(\"OUT_DIR\"), \"/builtin_literals.bin\"));\nstatic PREPARED_STARTS: [u32; {}] = {:?};\n",
        blob.len(),
        starts.len(),
        starts
    );
    fs::write(Path::new(&out_dir).join("builtin_literals.rs"), out).unwrap();
}

/// A pack's lexicons as the pack loader has them: normalised, empty words left out.
fn lexicons_of(pack: &Pack) -> BTreeMap<String, Vec<String>> {
    pack.lexicons
        .iter()
        .map(|(name, words)| {
            let words = words
                .iter()
                .map(|w| normalize::normalize_str(w))
                .filter(|w| !w.is_empty())
                .collect();
            (name.clone(), words)
        })
        .collect()
}

/// Keys whose lists are regular expressions, wherever they stand in a pack.
const PATTERN_LISTS: &[&str] = &["patterns", "except", "unless"];

/// A pattern as the pack loader compiles it; `None` when it names an unknown lexicon.
fn prepared_pattern(pattern: &str, lexicons: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let expanded = lexicon::expand(pattern, |name| lexicons.get(name).map(Vec::as_slice)).ok()?;
    Some(normalize::simplify(&expanded))
}

/// A YAML document as read, maps in the order written (the loader keeps word lists and maps in
/// order), scalars typed as YAML types them.
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::UInt(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Str(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(n) = a.next_element()? {
                    items.push(n);
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(entry) = a.next_entry()? {
                    items.push(entry);
                }
                Ok(Node::Map(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl Node {
    /// Every pattern list's patterns as the loader makes them; false when one cannot be.
    fn prepare(&mut self, lexicons: &BTreeMap<String, Vec<String>>) -> bool {
        match self {
            Node::Seq(items) => {
                numbers_as_text(items);
                items.iter_mut().all(|n| n.prepare(lexicons))
            }
            Node::Map(items) => items.iter_mut().all(|(k, v)| match (k, v) {
                (Node::Str(key), Node::Seq(list)) if PATTERN_LISTS.contains(&key.as_str()) => {
                    numbers_as_text(list);
                    list.iter_mut().all(|item| match item {
                        Node::Str(p) => prepared_pattern(p, lexicons).map(|s| *p = s).is_some(),
                        other => other.prepare(lexicons),
                    })
                }
                (_, v) => v.prepare(lexicons),
            }),
            _ => true,
        }
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Int(i) => out.push_str(&i.to_string()),
            Node::UInt(u) => out.push_str(&u.to_string()),
            Node::Float(f) => {
                assert!(
                    f.is_finite(),
                    "a built-in pack holds a number JSON cannot: {f}"
                );
                out.push_str(&format!("{f:?}"));
            }
            Node::Str(s) => json_string(s, out),
            Node::Seq(items) => {
                out.push('[');
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    n.write_json(out);
                }
                out.push(']');
            }
            Node::Map(items) => {
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    // JSON keys are strings; YAML reads a key the same way whatever it looks like.
                    match k {
                        Node::Str(s) => json_string(s, out),
                        Node::Int(_) | Node::UInt(_) | Node::Float(_) | Node::Bool(_) => {
                            let mut scalar = String::new();
                            k.write_json(&mut scalar);
                            json_string(&scalar, out);
                        }
                        _ => panic!("a built-in pack has a key that is not a scalar"),
                    }
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// Every list in a pack is a list of text (words, patterns, examples, ids), and the YAML loader reads
/// an unquoted number in one as its text (`parties: [7-11, 711]`): the JSON form must say the same,
/// or the embedded pack would not load.
fn numbers_as_text(items: &mut [Node]) {
    for item in items {
        let text = match item {
            Node::Int(i) => i.to_string(),
            Node::UInt(u) => u.to_string(),
            Node::Float(f) => f.to_string(),
            _ => continue,
        };
        *item = Node::Str(text);
    }
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
