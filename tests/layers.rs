//! The modules are layered the way data flows (see `src/lib.rs`): each layer imports only the layers
//! before it, so no two modules import each other in a circle. This test reads the source and fails on
//! an import that points up the pipeline.

use std::path::Path;

/// Layers in pipeline order; `error` sits just above `text` (its errors carry a source file).
const LAYERS: &[&str] = &[
    "text", "error", "input", "engine", "report", "run", "server",
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == module)
}

/// The crate-root re-exports in `lib.rs`, by the layer they come from.
fn reexport_layer(name: &str) -> Option<&'static str> {
    Some(match name {
        "Scene" => "text",
        "Error" => "error",
        "Level" | "Rule" | "Pack" | "Linter" | "RuleSelection" => "engine",
        "Diagnostic" => "report",
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit tests (tests may reach anywhere).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn imports_only_point_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs");
        let Some(own) = rank(top) else { continue };
        let text = code(&std::fs::read_to_string(file).unwrap());
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + 7..];
            // `crate::{a, b::c}` names several modules at once.
            let names: Vec<String> = match rest.strip_prefix('{') {
                Some(group) => group[..group.find('}').unwrap_or(group.len())]
                    .split(',')
                    .map(|n| n.trim().split("::").next().unwrap_or("").to_string())
                    .collect(),
                None => vec![
                    rest.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect(),
                ],
            };
            for name in names {
                let layer = rank(&name).or_else(|| reexport_layer(&name).and_then(rank));
                if let Some(layer) = layer
                    && layer > own
                {
                    wrong.push(format!(
                        "{}: {top} imports crate::{name} ({})",
                        rel.display(),
                        LAYERS[layer]
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}
