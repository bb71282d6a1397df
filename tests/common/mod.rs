//! Helpers shared by the CLI tests: the real binary, and temporary projects built from fixtures.
#![allow(dead_code)] // each test crate uses a different subset

use assert_cmd::Command;
use std::path::Path;
use tempfile::TempDir;

/// `huashu` run in `dir`, without colour.
pub fn huashu(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("huashu").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// The text of a file under `tests/fixtures/`.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// A temporary project: `fixtures` copied in as (name in the project, path under tests/fixtures/),
/// then `files` written (folders created as needed).
pub fn project<T: AsRef<[u8]>>(fixtures: &[(&str, &str)], files: &[(&str, T)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, from) in fixtures {
        std::fs::write(dir.path().join(name), fixture(from)).unwrap();
    }
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}
