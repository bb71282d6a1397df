//! Former ids of renamed rules (a pack's `aliases:`). A rule id never changes meaning, so an old id
//! keeps working wherever a rule id is accepted: configs, the command line, suppressions, baselines,
//! `huashu explain`. Each use is rewritten to the current id where the run takes it in, so nothing
//! further down needs to know about renames, and it is noted once per old id so that people update
//! their files before the alias is dropped in a later major version of the pack.

use crate::engine::builtin;
use crate::engine::pack::Pack;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::Mutex;

/// Where an old id was met: the note says what to update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Config,
    CommandLine,
    Suppression,
    Baseline,
    Explain,
}

impl Place {
    fn advice(self) -> &'static str {
        match self {
            Place::Config => "请在配置文件里改用新 id",
            Place::CommandLine => "请在命令行里改用新 id",
            Place::Suppression => "请在豁免里改用新 id",
            Place::Baseline => "可以用 --write-baseline 重新生成基线",
            Place::Explain => "请改用新 id",
        }
    }
}

#[derive(Debug, Default)]
pub struct Renames {
    /// Former id → current id, over the packs of the run.
    current: HashMap<String, String>,
    /// The old ids noted so far, and the notes not yet written. Documents are read on several
    /// threads, so suppressions are noted from any of them.
    noted: Mutex<(HashSet<String>, Vec<String>)>,
}

impl Renames {
    /// The former ids of the packs' rules (a pack cannot load with one naming two rules), and of the
    /// rules of the built-in packs the run left `unparsed`: a former id means the same whether or
    /// not the run uses its rule.
    pub fn of<'a>(packs: impl IntoIterator<Item = &'a Pack>, unparsed: &[&str]) -> Renames {
        let mut current = HashMap::new();
        for rule in packs.into_iter().flat_map(|p| &p.rules) {
            for alias in &rule.aliases {
                current.insert(alias.id.clone(), rule.id.clone());
            }
        }
        for name in unparsed {
            for (id, aliases) in builtin::rule_ids(name).unwrap_or_default() {
                for alias in *aliases {
                    current.insert(alias.to_string(), id.to_string());
                }
            }
        }
        Renames {
            current,
            noted: Mutex::new(Default::default()),
        }
    }

    /// The current id, when `name` is a former one (and a note for it, the first time).
    pub fn current(&self, name: &str, place: Place) -> Option<&str> {
        let new = self.current.get(name)?;
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        if noted.0.insert(name.to_string()) {
            noted.1.push(format!(
                "提示：规则 {name} 已改名为 {new}，旧 id 仍然有效；{}。",
                place.advice()
            ));
        }
        Some(new)
    }

    /// `name`, or the current id when it is a former one.
    pub fn resolve(&self, name: &str, place: Place) -> String {
        self.current(name, place).unwrap_or(name).to_string()
    }

    /// Writes the notes not written yet (on standard error: they are not part of the report).
    pub fn write_notes(&self, err: &mut dyn Write) {
        let pending = {
            let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut noted.1)
        };
        for note in pending {
            let _ = writeln!(err, "{note}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renames() -> Renames {
        let pack = Pack::parse(
            "t.yaml",
            "pack: t\nrules:\n  - id: t/new\n    aliases: [t/old, t/older]\n    kind: forbid\n    level: warning\n    message: m\n    explain: e\n    source: s\n    words: [微信]\n    examples: {bad: [微信], good: [旺旺]}\n",
        )
        .unwrap();
        Renames::of([&pack], &[])
    }

    #[test]
    fn an_old_id_resolves_and_is_noted_once() {
        let r = renames();
        assert_eq!(r.resolve("t/old", Place::Config), "t/new");
        assert_eq!(r.resolve("t/old", Place::Suppression), "t/new");
        assert_eq!(r.resolve("t/new", Place::Config), "t/new");
        assert_eq!(r.resolve("t", Place::Config), "t");
        let mut err = Vec::new();
        r.write_notes(&mut err);
        let err = String::from_utf8(err).unwrap();
        assert_eq!(
            err,
            "提示：规则 t/old 已改名为 t/new，旧 id 仍然有效；请在配置文件里改用新 id。\n"
        );
        assert_eq!(r.resolve("t/older", Place::Baseline), "t/new");
        let mut again = Vec::new();
        r.write_notes(&mut again);
        assert_eq!(String::from_utf8(again).unwrap().lines().count(), 1);
    }
}
