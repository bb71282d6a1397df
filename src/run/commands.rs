//! The subcommands as the `huashu` binary runs them. Each writes its report to `io.out` and its notes
//! and per-file errors to `io.err`, and returns the exit code; a run-stopping error is returned for
//! the binary to print (exit code 2).

use crate::RuleSelection;
use crate::engine::builtin;
use crate::error::Error;
use crate::report::{self as output, catalog};
use crate::run::setup::{Packs, Setup};
use crate::run::{ConfigChoice, Io, config, emit};
use std::path::PathBuf;

/// `huashu rules`: every rule of the packs in use, and the built-in packs that are off.
pub fn rules(selection: &RuleSelection, config: &ConfigChoice) -> Result<String, Error> {
    let packs = config.packs(&selection.packs)?;
    let mut listed = Vec::new();
    for name in builtin::names() {
        if !packs.iter().any(|p| p.name == name) {
            // Off-by-default built-ins are listed too, marked as such.
            if let Some(Ok(p)) = builtin::load(name) {
                listed.push((p, false));
            }
        }
    }
    let mut all: Vec<(crate::Pack, bool)> = packs.into_iter().map(|p| (p, true)).collect();
    all.extend(listed);
    Ok(catalog::rules_table(&all))
}

/// `huashu init`: writes a commented starter config in the working directory.
pub fn init(force: bool, io: &mut Io) -> Result<u8, Error> {
    let path = PathBuf::from(config::NAMES[0]);
    // .huashu.yaml counts too: a second config beside it would silently win.
    if let Some(existing) = config::NAMES
        .iter()
        .find(|n| std::path::Path::new(n).exists())
        && !force
    {
        return Err(crate::Error::usage(
            format!("{existing} 已经存在，没有覆盖"),
            Some("要重新生成请加 --force".to_string()),
        ));
    }
    let expect = if force {
        crate::run::write::Expect::Any
    } else {
        crate::run::write::Expect::Absent
    };
    crate::run::write::write_file(&path, config::STARTER.as_bytes(), expect).map_err(|source| {
        crate::Error::Write {
            path: path.display().to_string(),
            source,
        }
    })?;
    let _ = writeln!(io.err, "已写入 huashu.yaml，去掉设置前的 # 即可启用。");
    Ok(0)
}

/// `huashu config`: the effective configuration.
pub fn show_config(
    selection: &RuleSelection,
    config: &ConfigChoice,
    err: &mut dyn std::io::Write,
) -> Result<String, Error> {
    let setup = Setup::new(config.load()?, selection, None, Packs::All)?;
    setup.renames.write_notes(err);
    Ok(setup.effective())
}

/// `huashu explain RULE`; RULE may be a renamed rule's former id (a note says the current one).
pub fn explain(
    rule: &str,
    selection: &RuleSelection,
    config: &ConfigChoice,
    err: &mut dyn std::io::Write,
) -> Result<String, Error> {
    if let Some(text) = crate::run::suppress::explain(rule) {
        return Ok(text);
    }
    let mut packs = config.packs(&selection.packs)?;
    for name in builtin::names() {
        if !packs.iter().any(|p| p.name == name)
            && let Some(Ok(p)) = builtin::load(name)
        {
            packs.push(p);
        }
    }
    let renames = crate::run::renames::Renames::of(&packs, &[]);
    let rule = renames.resolve(rule, crate::run::renames::Place::Explain);
    renames.write_notes(err);
    let found = packs.iter().flat_map(|p| &p.rules).find(|r| r.id == rule);
    match found {
        Some(r) => Ok(catalog::explain(r)),
        None => Err(crate::Error::usage(
            format!("没有名为 {rule} 的规则"),
            Some("用 huashu rules 查看全部规则".to_string()),
        )),
    }
}

/// `huashu test-rules [PACK...]`: runs every rule's examples (the built-in packs by default).
pub fn test_rules(packs: &[PathBuf], io: &mut Io) -> Result<u8, Error> {
    let sources: Vec<(String, String)> = if packs.is_empty() {
        builtin::names()
            .into_iter()
            .map(|n| {
                (
                    format!("rules/{n}.yaml"),
                    builtin::text(n).expect("listed").to_string(),
                )
            })
            .collect()
    } else {
        let mut v = Vec::new();
        for p in packs {
            let text = std::fs::read_to_string(p).map_err(|source| crate::Error::Io {
                path: p.display().to_string(),
                source,
            })?;
            v.push((crate::input::display_path(p), text));
        }
        v
    };
    let mut failed = 0;
    let mut report = String::new();
    for (name, text) in sources {
        let pack =
            crate::Pack::parse_unchecked(&name, &text).map_err(|errors| crate::Error::Pack {
                path: name.clone(),
                errors,
            })?;
        let (checked, failures) = catalog::test_pack(&pack);
        for f in &failures {
            let _ = write!(io.err, "{}", output::pretty::render_error(f, io.color));
        }
        failed += failures.len();
        report.push_str(&format!(
            "{name}：{} 条规则，{checked} 个例子，{} 个通过，{} 个失败\n",
            pack.rules.len(),
            checked - failures.len(),
            failures.len()
        ));
    }
    emit(io.out, &report)?;
    Ok(if failed > 0 { 1 } else { 0 })
}
