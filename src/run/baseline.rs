//! Baselines, for adopting huashu on an existing library: `--write-baseline FILE` records today's
//! findings, `--baseline FILE` reports only new ones.
//!
//! A finding is keyed by its file, its rule and its phrase's normalised text (Simplified, half-width,
//! blanks collapsed), with a count, never by line: sorting the rows, inserting phrases or moving a
//! phrase to another group does not bring old findings back. Paths are stored relative to the
//! baseline file's directory with `/`, so the baseline works from any working directory and OS.
//!
//! The file is JSON, one finding per line, sorted, so that it diffs and merges well in git:
//!
//! ```json
//! {"version": 1, "findings": [
//!   {"path": "话术/售后.txt", "rule": "etiquette/dont-know", "phrase": "这个我不知道", "count": 1}
//! ]}
//! ```

use crate::error::Error;
use crate::report::diagnostic::Diagnostic;
use crate::run::config;
use crate::text::normalize::normalize_str;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const VERSION: u32 = 1;

type Key = (String, String, String);

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    path: String,
    rule: String,
    phrase: String,
    count: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, Default)]
pub struct Baseline {
    counts: BTreeMap<Key, usize>,
    /// The directory stored paths are relative to.
    dir: PathBuf,
    /// While applied: how many of each key are still to be left out.
    left: Option<BTreeMap<Key, usize>>,
    /// The file, as shown in messages.
    shown: String,
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Findings left out because the baseline has them.
    pub known: usize,
    /// Baseline entries no longer found (fixed since): the baseline can be rewritten smaller.
    pub gone: usize,
}

/// A phrase's text as the key uses it.
pub fn phrase_key(text: &str) -> String {
    normalize_str(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn dir_of(file: &Path) -> PathBuf {
    config::absolute(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn path_key(dir: &Path, shown: &str) -> String {
    if shown == "<stdin>" {
        return shown.to_string();
    }
    let abs = config::absolute(Path::new(shown));
    let rel = abs.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(abs);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn key(dir: &Path, d: &Diagnostic) -> Key {
    (
        path_key(dir, &d.path),
        d.rule.to_string(),
        // A finding about several phrases says what it is keyed by (a copy by the text all copies
        // share), so that whichever of them is reported, the key is the same.
        match &d.key {
            Some(k) => phrase_key(k),
            None => phrase_key(&d.phrase),
        },
    )
}

impl Baseline {
    /// An empty baseline, to be written to `file` once findings are recorded.
    pub fn new(file: &Path) -> Baseline {
        Baseline {
            counts: BTreeMap::new(),
            dir: dir_of(file),
            left: None,
            shown: file.display().to_string(),
        }
    }

    /// Records a finding (for `--write-baseline`).
    pub fn record(&mut self, d: &Diagnostic) {
        *self.counts.entry(key(&self.dir, d)).or_insert(0) += 1;
    }

    /// The file, as shown in messages.
    pub fn shown_name(&self) -> &str {
        &self.shown
    }

    pub fn len(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        let mut out = format!("{{\"version\": {VERSION}, \"findings\": [\n");
        let lines: Vec<String> = self
            .counts
            .iter()
            .map(|((path, rule, phrase), count)| {
                let e = Entry {
                    path: path.clone(),
                    rule: rule.clone(),
                    phrase: phrase.clone(),
                    count: *count,
                };
                format!(
                    "  {}",
                    serde_json::to_string(&e).expect("entries serialise")
                )
            })
            .collect();
        out.push_str(&lines.join(",\n"));
        if !lines.is_empty() {
            out.push('\n');
        }
        out.push_str("]}\n");
        out
    }

    /// Writes the baseline (atomically: a half-written baseline would resurface everything).
    pub fn write(&self, file: &Path) -> Result<(), Error> {
        crate::run::write::write_file(
            file,
            self.to_json().as_bytes(),
            crate::run::write::Expect::Any,
        )
        .map_err(|source| Error::Write {
            path: crate::input::display_path(file),
            source,
        })
    }

    pub fn load(file: &Path) -> Result<Baseline, Error> {
        let shown = crate::input::display_path(file);
        let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
            path: shown.clone(),
            source,
        })?;
        let parsed: File = serde_json::from_str(&text).map_err(|e| {
            let src = std::sync::Arc::new(crate::text::source::SourceFile::new(
                shown.clone(),
                text.clone(),
            ));
            Error::from(
                crate::error::from_json_error(&src, &e, "基线文件")
                    .with_help("用 --write-baseline 重新生成基线文件"),
            )
        })?;
        if parsed.version != VERSION {
            return Err(Error::usage(
                format!(
                    "基线文件 {shown} 的版本是 {}，本程序只认 {VERSION}",
                    parsed.version
                ),
                Some("用 --write-baseline 重新生成".to_string()),
            ));
        }
        let mut counts = BTreeMap::new();
        for e in parsed.findings {
            // Stored keys are normalised already; normalising again keeps hand-edited files working.
            *counts
                .entry((e.path, e.rule, phrase_key(&e.phrase)))
                .or_insert(0) += e.count;
        }
        Ok(Baseline {
            counts,
            dir: dir_of(file),
            left: None,
            shown,
        })
    }

    /// Whether a finding is new: findings the baseline has are left out, as many of each key as it
    /// counts; the rest are new. Findings come one by one, as the run writes them.
    pub fn is_new(&mut self, d: &Diagnostic) -> bool {
        let left = self.left.get_or_insert_with(|| self.counts.clone());
        match left.get_mut(&key(&self.dir, d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    }

    /// What applying the baseline did, once every finding has gone through [`Baseline::is_new`].
    pub fn applied(&self) -> Applied {
        let total: usize = self.counts.values().sum();
        let gone: usize = match &self.left {
            Some(left) => left.values().sum(),
            None => total,
        };
        Applied {
            known: total - gone,
            gone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrase_keys_ignore_width_script_and_blanks() {
        assert_eq!(
            phrase_key("親，這個 不知道！"),
            phrase_key("亲,这个  不知道!")
        );
    }
}
