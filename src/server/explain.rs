//! What a rule is for, in the editor: the same text as `huashu explain`, as Markdown for hovers, and
//! as a page the diagnostic's link (`codeDescription`) opens.
//!
//! There is no website to link to, and a `huashu:` or `command:` link only works in a client that
//! knows it. A `file:` URI every client can open: the pages are written on first use to the user's
//! cache folder (`$XDG_CACHE_HOME/huashu/rules/` or `~/.cache/huashu/rules/`; `~/Library/Caches` on
//! macOS, `%LOCALAPPDATA%` on Windows), one Markdown file per rule, rewritten when the text changes.
//! With no such folder the diagnostics carry no link; the hover says the same.

use crate::report::catalog;
use crate::run::setup::Setup;
use crate::run::suppress;
use lsp_types::Uri;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The explanation of a rule of a setup (or of a suppression finding), as `huashu explain` prints it.
pub fn text(setup: Option<&Setup>, id: &str) -> Option<String> {
    if let Some(t) = suppress::explain(id) {
        return Some(t);
    }
    let setup = setup?;
    setup
        .linter
        .rules
        .iter()
        .find(|r| r.id == id)
        .map(catalog::explain)
}

fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `huashu explain`'s text as Markdown: its first line in bold, the examples as a list, every other
/// line kept a line of its own; Markdown's own characters escaped.
pub fn markdown(text: &str) -> String {
    let mut out = String::new();
    let mut first = true;
    let mut in_paragraph = false;
    for line in text.lines() {
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            if in_paragraph {
                out.push_str("\n\n");
                in_paragraph = false;
            }
            continue;
        }
        if let Some(example) = trimmed
            .strip_prefix("  ✗ ")
            .map(|t| ("✗", t))
            .or_else(|| trimmed.strip_prefix("  ✓ ").map(|t| ("✓", t)))
        {
            if in_paragraph {
                out.push_str("\n\n");
                in_paragraph = false;
            }
            out.push_str(&format!("- {} {}\n", example.0, escape(example.1)));
            continue;
        }
        if in_paragraph {
            // A hard line break: the explanation's own lines stay lines.
            out.push_str("  \n");
        } else if out.ends_with('\n') && !out.ends_with("\n\n") {
            out.push('\n');
        }
        if first {
            out.push_str(&format!("**{}**", escape(trimmed)));
            first = false;
        } else {
            out.push_str(&escape(trimmed));
        }
        in_paragraph = true;
    }
    out.trim_end().to_string()
}

/// The user's cache folder for explanation pages, if there is one.
pub fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else if let Some(xdg) = var("XDG_CACHE_HOME") {
        Some(xdg)
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library").join("Caches"))
    } else {
        var("HOME").map(|h| h.join(".cache"))
    };
    base.map(|b| b.join("huashu").join("rules"))
}

/// A rule id as a relative file path: `etiquette/dont-know` → `etiquette/dont-know.md`; anything
/// but letters, digits, `-` and `_` becomes `_`, so no id leaves the folder.
fn file_name(id: &str) -> PathBuf {
    let mut p = PathBuf::new();
    for part in id.split('/') {
        let clean: String = part
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        p.push(if clean.is_empty() { "_".into() } else { clean });
    }
    p.set_extension("md");
    p
}

/// The explanation pages written so far.
pub struct Pages {
    dir: Option<PathBuf>,
    written: HashMap<PathBuf, String>,
}

impl Pages {
    pub fn new(dir: Option<PathBuf>) -> Pages {
        Pages {
            dir,
            written: HashMap::new(),
        }
    }

    /// The URI of the page explaining rule `id` (whose explanation is `text`), written when new or
    /// changed. `None` when there is no folder to write to or writing failed.
    pub fn uri(&mut self, id: &str, text: &str) -> Option<Uri> {
        let dir = self.dir.as_ref()?;
        let path = dir.join(file_name(id));
        let page = format!(
            "{}\n\n---\n\n本页由 huashu server 生成，内容与 `huashu explain {id}` 相同。\n",
            markdown(text)
        );
        if self.written.get(&path) != Some(&page) {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
                std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).ok()?;
                crate::run::write::write_file(
                    &path,
                    page.as_bytes(),
                    crate::run::write::Expect::Any,
                )
                .ok()?;
            }
            self.written.insert(path.clone(), page);
        }
        crate::server::uri::from_path(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_lines_lists_examples_and_escapes() {
        let md =
            markdown("a/b（错误，forbid）\n\n说明 *重点*\n第二行\n\n反例：\n  ✗ 你_好\n  ✓ 您好\n");
        assert_eq!(
            md,
            "**a/b（错误，forbid）**\n\n说明 \\*重点\\*  \n第二行\n\n反例：\n\n- ✗ 你\\_好\n- ✓ 您好"
        );
    }

    #[test]
    fn ids_stay_inside_the_folder() {
        assert_eq!(
            file_name("etiquette/dont-know"),
            PathBuf::from("etiquette/dont-know.md")
        );
        assert_eq!(file_name("../x"), PathBuf::from("__/x.md"));
    }
}
