//! Embeds every `rules/*.yaml` pack into the binary, so the default run needs no files beside it.

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=rules");
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
    let mut out = String::from("&[\n");
    for (name, path) in &packs {
        out.push_str(&format!("    ({name:?}, include_str!({path:?})),\n"));
    }
    out.push_str("]\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_packs.rs"),
        out,
    )
    .unwrap();
}
