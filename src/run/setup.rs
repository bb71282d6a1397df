//! A check run as the config and the command line set it up: one linter (every rule compiled once),
//! the level of each rule in each file (a per-path override selects among the compiled rules, it never
//! recompiles them), the files left out, extra scene keywords, and the suppressions. A check parses
//! no built-in pack none of whose rules its selection lets run on any file.

use crate::engine::builtin::{self, Filter};
use crate::engine::linter::Linter;
use crate::engine::rules::{Kind, Level};
use crate::engine::{self, Loaded, RuleSelection};
use crate::error::{Error, LocatedError};
use crate::input::{self, Document, Input};
use crate::report::diagnostic::{self, Diagnostic, RuleNames};
use crate::run::config::{self, Config, Item, LocatedOrUsage};
use crate::run::renames::{Place, Renames};
use crate::run::suppress;
use crate::text::normalize::normalize_str;
use crate::text::scene::Scene;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The level of every rule in one file: the linter's rules by index, then [`suppress::META`];
/// `None` where the rule is off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub levels: Vec<Option<Level>>,
}

struct CompiledOverride {
    files: Gitignore,
    select: Vec<String>,
    ignore: Vec<String>,
    levels: Vec<(String, Option<Level>)>,
}

pub struct Setup {
    pub config: Config,
    pub linter: Linter,
    /// (name, origin) of each pack in use.
    pub packs: Vec<(String, String)>,
    /// (id, pack, own level) of each rule, in profile order.
    ids: Vec<(String, String, Level)>,
    pub base: Profile,
    overrides: Vec<CompiledOverride>,
    exclude: Gitignore,
    known: HashSet<String>,
    pub max_warnings: Option<usize>,
    /// `--input-format` and `--encoding`.
    pub read_options: input::ReadOptions,
    /// One linter per distinct profile met so far.
    linters: Mutex<Vec<(Profile, Arc<ProfileLinter>)>>,
    /// The library checks: facts, policy, stages (see [`crate::run::library`]).
    pub library: crate::run::library::LibrarySetup,
    /// Former ids of renamed rules; the config and the command line are rewritten already.
    pub renames: Renames,
}

/// Which packs a setup parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packs {
    /// Every pack enabled, whether or not a rule of it runs: `huashu config` lists every rule.
    All,
    /// Not the default built-in packs none of whose rules can run: a check does not need them.
    Used,
}

/// The rules that run on a file, at its levels, with the names its findings carry.
pub struct ProfileLinter {
    pub linter: Linter,
    pub names: RuleNames,
    pub profile: Profile,
}

fn strings(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.value.clone()).collect()
}

impl Setup {
    /// Loads the packs the config and the command line name (`packs`: which of them), and checks
    /// every rule and pack name they use. `max_warnings` from the command line wins over the config's.
    pub fn new(
        mut config: Config,
        cli: &RuleSelection,
        max_warnings: Option<usize>,
        packs: Packs,
    ) -> Result<Setup, Error> {
        let mut located: Vec<LocatedError> = Vec::new();
        let mut usage: Option<Error> = None;
        let mut fail = |e: LocatedOrUsage| match e {
            LocatedOrUsage::Located(e) => located.push(e),
            LocatedOrUsage::Usage(e) => {
                usage.get_or_insert(e);
            }
        };
        for d in &config.disable_packs {
            if crate::engine::builtin::text(&d.value).is_none() {
                fail(config.error_at(
                    d,
                    format!("没有名为 {} 的内置规则包", d.value),
                    "不是内置规则包",
                    Some(format!(
                        "内置规则包：{}",
                        crate::engine::builtin::names().join("、")
                    )),
                ));
            }
        }
        let mut extra = Vec::new();
        for p in &config.packs {
            // A config's pack paths are resolved already (relative to the working directory).
            if crate::engine::builtin::text(&p.value).is_some() || Path::new(&p.value).is_file() {
                extra.push(p.value.clone());
            } else {
                fail(config.error_at(
                    p,
                    format!("找不到规则包 {}", p.value),
                    "既不是内置规则包，也不是存在的文件",
                    Some(format!(
                        "内置规则包：{}；文件路径相对于配置文件所在的目录",
                        crate::engine::builtin::names().join("、")
                    )),
                ));
            }
        }
        extra.extend(cli.packs.iter().cloned());
        let unused = match packs {
            Packs::All => Vec::new(),
            Packs::Used => unused_builtins(&config, cli),
        };
        let Loaded { packs, unparsed } =
            engine::load_packs_skipping(&extra, &strings(&config.disable_packs), &unused)?;
        // From here on every rule name is a current id: former ones are rewritten (and noted).
        let renames = Renames::of(&packs, &unparsed);
        rename_config(&renames, &mut config);
        let renamed_cli = RuleSelection {
            packs: cli.packs.clone(),
            select: rename(&renames, &cli.select, Place::CommandLine),
            ignore: rename(&renames, &cli.ignore, Place::CommandLine),
        };
        let cli = &renamed_cli;
        // A rule of a pack left unparsed still has a name a selection may use (it selects nothing).
        let mut known: HashSet<String> = HashSet::new();
        for name in &unparsed {
            known.insert(name.to_string());
            for (id, _) in builtin::rule_ids(name).unwrap_or_default() {
                known.insert(id.to_string());
            }
        }
        let mut rules = Vec::new();
        let mut pack_list = Vec::new();
        let mut facts: Vec<crate::engine::library::Fact> = Vec::new();
        for p in &packs {
            for f in p.facts.iter() {
                if let Some(other) = facts.iter().find(|o| o.name == f.name) {
                    return Err(Error::usage(
                        format!("事实 {} 在两个规则包里都有声明（{}）", f.name, other.label),
                        Some("自己的规则包里给事实换一个名字".to_string()),
                    ));
                }
                facts.push(f.clone());
            }
        }
        for p in packs {
            known.insert(p.name.clone());
            pack_list.push((p.name.clone(), p.origin.clone()));
            for mut r in p.rules {
                known.insert(r.id.clone());
                if let Kind::Limit(l) = &mut r.kind {
                    if l.max_chars.is_some() && config.max_chars.is_some() {
                        l.max_chars = config.max_chars;
                    }
                    if l.max_repeat_punct.is_some() && config.max_repeat_punct.is_some() {
                        l.max_repeat_punct = config.max_repeat_punct;
                    }
                }
                rules.push(r);
            }
        }
        let mut ids: Vec<(String, String, Level)> = rules
            .iter()
            .map(|r| (r.id.clone(), r.pack.clone(), r.level))
            .collect();
        for (id, level) in suppress::META {
            ids.push((id.to_string(), suppress::META_PACK.to_string(), level));
        }
        // Names a selection may use: loaded rules and packs, and the suppression findings.
        let selectable =
            |s: &str| known.contains(s) || ids.iter().any(|(id, p, _)| id == s || p == s);
        let cli_items: Vec<Item> = cli
            .select
            .iter()
            .chain(&cli.ignore)
            .map(|s| Item::cli(s.clone()))
            .collect();
        let mut names: Vec<&Item> = config
            .select
            .iter()
            .chain(&config.ignore)
            .chain(config.levels.iter().map(|(i, _)| i))
            .collect();
        for o in &config.overrides {
            names.extend(o.select.iter().chain(&o.ignore));
            names.extend(o.levels.iter().map(|(i, _)| i));
        }
        names.extend(cli_items.iter());
        for it in names {
            if !selectable(&it.value) {
                fail(config.error_at(
                    it,
                    format!("没有名为 {} 的规则或规则包", it.value),
                    "未知的规则",
                    Some("用 huashu rules 查看全部规则；规则包没有启用时，它的规则也不可用".into()),
                ));
            }
        }
        let glob = |items: &[Item], fail: &mut dyn FnMut(LocatedOrUsage)| -> Gitignore {
            let mut b = GitignoreBuilder::new(&config.root);
            for it in items {
                if let Err(e) = b.add_line(None, &it.value) {
                    fail(config.error_at(
                        it,
                        format!("无效的路径模式 “{}”：{e}", it.value),
                        "无效的模式",
                        Some("写法同 .gitignore，如 旧话术/ 或 *.csv".into()),
                    ));
                }
            }
            b.build().unwrap_or_else(|_| Gitignore::empty())
        };
        let exclude = glob(&config.exclude, &mut fail);
        let overrides = config
            .overrides
            .iter()
            .map(|o| CompiledOverride {
                files: glob(&o.files, &mut fail),
                select: strings(&o.select),
                ignore: strings(&o.ignore),
                levels: o
                    .levels
                    .iter()
                    .map(|(i, l)| (i.value.clone(), *l))
                    .collect(),
            })
            .collect();
        let library =
            crate::run::library::LibrarySetup::new(&config, &mut rules, facts, &mut located);
        if !located.is_empty() {
            return Err(Error::Config {
                path: config.shown_name(),
                errors: located,
            });
        }
        if let Some(e) = usage {
            return Err(e);
        }
        let (select, ignore) = top_level(&config, cli);
        let levels: Vec<(String, Option<Level>)> = config
            .levels
            .iter()
            .map(|(i, l)| (i.value.clone(), *l))
            .collect();
        let base = resolve(&ids, &select, &ignore, &levels);
        let max_warnings = max_warnings.or(config.max_warnings);
        Ok(Setup {
            linter: Linter::new(rules),
            packs: pack_list,
            ids,
            base,
            overrides,
            exclude,
            known,
            max_warnings,
            read_options: input::ReadOptions::default(),
            linters: Mutex::new(Vec::new()),
            config: CliMerged { select, ignore }.into_config(config),
            library,
            renames,
        })
    }

    /// Turns the library checks on when a library rule runs on some file, or `--summary` asks
    /// for the overview.
    pub fn activate_library(&mut self, summary: bool) {
        let on = self.reported_rules();
        self.library.activate(&on, summary);
    }

    /// A rule's own message (statistics show it rather than one finding's).
    pub fn rule_message(&self, id: &str) -> Option<Arc<str>> {
        self.linter
            .rules
            .iter()
            .find(|r| r.id == id)
            .map(|r| Arc::from(r.message.as_str()))
    }

    /// The levels of the suppression findings in a profile: (unused, invalid).
    pub fn meta_levels(&self, profile: &Profile) -> (Option<Level>, Option<Level>) {
        let n = self.linter.rules.len();
        (profile.levels[n], profile.levels[n + 1])
    }

    /// A path relative to the config's directory, when it is under it.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        config::absolute(path)
            .strip_prefix(&self.config.root)
            .ok()
            .map(Path::to_path_buf)
    }

    /// Whether the config's `exclude` leaves a file out.
    pub fn excluded(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|rel| {
            !rel.as_os_str().is_empty()
                && self
                    .exclude
                    .matched_path_or_any_parents(&rel, false)
                    .is_ignore()
        })
    }

    /// The level of every rule in a file (`None`: standard input), after the matching overrides.
    pub fn profile_for(&self, path: Option<&Path>) -> Profile {
        let Some(rel) = path.and_then(|p| self.relative(p)) else {
            return self.base.clone();
        };
        let matching: Vec<&CompiledOverride> = self
            .overrides
            .iter()
            .filter(|o| o.files.matched_path_or_any_parents(&rel, false).is_ignore())
            .collect();
        if matching.is_empty() {
            return self.base.clone();
        }
        self.profile_with(&matching)
    }

    /// The profile under some overrides, applied in order over the config's top level.
    fn profile_with(&self, matching: &[&CompiledOverride]) -> Profile {
        let mut select = self.config.select.iter().map(|i| i.value.clone()).collect();
        let mut ignore: Vec<String> = strings(&self.config.ignore);
        let mut levels: Vec<(String, Option<Level>)> = self
            .config
            .levels
            .iter()
            .map(|(i, l)| (i.value.clone(), *l))
            .collect();
        for o in matching.iter() {
            if !o.select.is_empty() {
                select = o.select.clone();
            }
            ignore.extend(o.ignore.iter().cloned());
            levels.extend(o.levels.iter().cloned());
        }
        resolve(&self.ids, &select, &ignore, &levels)
    }

    /// The linter for a profile: the rules it runs, at its levels. The compiled rules are shared (their
    /// automata and regexes are reference-counted), never recompiled.
    pub fn linter_for(&self, profile: &Profile) -> Linter {
        self.linter_where(profile, |_| true)
    }

    /// Like `linter_for`, with only the rules `keep` accepts (`--fix` wants the fixable ones).
    pub fn linter_where(
        &self,
        profile: &Profile,
        keep: impl Fn(&crate::engine::rules::Rule) -> bool,
    ) -> Linter {
        self.linter
            .subset(|i, r| profile.levels[i].filter(|_| keep(r)))
    }

    /// The rules a report describes (SARIF's rule list): every rule that runs at the top level, at
    /// its level there, and every rule an override turns on, at its own level.
    pub fn reported_rules(&self) -> Vec<crate::engine::rules::Rule> {
        let mut rules = self.linter_for(&self.base).rules;
        let mut on_somewhere: Vec<bool> = vec![false; self.linter.rules.len()];
        for profile in self.override_profiles() {
            for (i, l) in profile
                .levels
                .iter()
                .take(self.linter.rules.len())
                .enumerate()
            {
                on_somewhere[i] |= l.is_some();
            }
        }
        for (i, r) in self.linter.rules.iter().enumerate() {
            if on_somewhere[i] && !rules.iter().any(|x| x.id == r.id) {
                rules.push(r.clone());
            }
        }
        rules
    }

    /// The profile each override gives on its own (on top of the config's top level).
    fn override_profiles(&self) -> Vec<Profile> {
        (0..self.overrides.len())
            .map(|i| self.profile_with(&[&self.overrides[i]]))
            .collect()
    }

    /// The profile of a file: `None` for standard input.
    pub fn profile_of(&self, input: &Input) -> Profile {
        match input {
            Input::File { path, .. } => self.profile_for(Some(path)),
            Input::Stdin => self.profile_for(None),
        }
    }

    /// Whether a rule id or pack name names a rule of any loaded or built-in pack (a former id of a
    /// pack not loaded is known too: it silences nothing).
    pub fn is_known(&self, name: &str) -> bool {
        self.known.contains(name) || builtin::knows(name)
    }

    fn enabled_in(&self, profile: &Profile, name: &str) -> bool {
        self.ids
            .iter()
            .zip(&profile.levels)
            .any(|((id, pack, _), l)| (id == name || pack == name) && l.is_some())
    }

    /// Readies a document for the rules: its suppressions name current rule ids, and its groups
    /// have the config's scenes.
    pub fn prepare(&self, document: &mut Document) {
        for allow in document.allows_mut() {
            if let Some(new) = self.renames.current(&allow.rule, Place::Suppression) {
                allow.rule = new.to_string();
            }
        }
        self.apply_scenes(document);
    }

    /// Applies the config's `scenes` keywords to a document's groups. Only an inferred scene is
    /// replaced: a YAML group's explicit `scene:` stays.
    pub fn apply_scenes(&self, document: &mut Document) {
        if self.config.scenes.is_empty() {
            return;
        }
        for g in document.groups_mut() {
            if g.scene != Scene::infer(&g.name) {
                continue;
            }
            let name = normalize_str(&g.name);
            if let Some((_, scene)) = self
                .config
                .scenes
                .iter()
                .find(|(k, _)| name.contains(&normalize_str(k)))
            {
                g.scene = *scene;
            }
        }
    }

    /// The linter of a profile, compiled rules shared, with the names its findings carry; made once
    /// per distinct profile (few: the combinations of overrides that match files).
    pub fn profile_linter(&self, profile: &Profile) -> Arc<ProfileLinter> {
        let mut cache = self.linters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, l)) = cache.iter().find(|(p, _)| p == profile) {
            return l.clone();
        }
        let linter = self.linter_for(profile);
        let made = Arc::new(ProfileLinter {
            names: RuleNames::of(&linter),
            linter,
            profile: profile.clone(),
        });
        cache.push((profile.clone(), made.clone()));
        made
    }

    /// The findings on phrases `range` of a document, in file order, after suppressions. The
    /// suppressions that stand before no phrase are the caller's (see [`Setup::orphans`]).
    pub fn lint_range(
        &self,
        document: &Document,
        linter: &ProfileLinter,
        range: std::ops::Range<usize>,
    ) -> Vec<Diagnostic> {
        let n = self.linter.rules.len();
        let known = |s: &str| self.is_known(s);
        let profile = &linter.profile;
        let mut out = Vec::new();
        let mut found = Vec::new();
        // Checked in blocks when the rules have patterns to search ahead (Linter::check_texts).
        let mut ahead = linter.linter.checks_in_blocks().then(|| {
            let texts: Vec<_> = range
                .clone()
                .map(|i| {
                    let phrase = document.phrase(i);
                    (phrase.text, phrase.scene)
                })
                .collect();
            linter.linter.check_texts(&texts).into_iter()
        });
        for i in range {
            let phrase = document.phrase(i);
            let findings = match &mut ahead {
                Some(found) => found.next().expect("one result per phrase"),
                None => linter.linter.check_text(phrase.text, phrase.scene),
            };
            diagnostic::place_findings(
                &linter.linter,
                &linter.names,
                &document.source,
                &phrase,
                findings,
                &mut found,
            );
            // Suppressions of library rules are the library checks' (run::library). One without a
            // real reason (none, or the placeholder the editor writes) stays here, to be reported
            // as invalid: it silences nothing on either side.
            let own: Vec<crate::text::phrase::Allow>;
            let mut phrase = phrase;
            if phrase
                .allow
                .iter()
                .any(|a| suppress::has_reason(&a.reason) && self.library.only(&a.rule))
            {
                own = phrase
                    .allow
                    .iter()
                    .filter(|a| !suppress::has_reason(&a.reason) || !self.library.only(&a.rule))
                    .cloned()
                    .collect();
                phrase.allow = &own;
            }
            if !phrase.allow.is_empty() {
                let enabled = |s: &str| self.enabled_in(profile, s);
                let ctx = suppress::Context {
                    known: &known,
                    enabled: &enabled,
                    unused: profile.levels[n],
                    invalid: profile.levels[n + 1],
                };
                suppress::apply(&document.source, &phrase, &mut found, &ctx);
            }
            // A phrase's findings by position (suppression findings point at the comment before it).
            found.sort_by_key(|d| d.span.start);
            out.append(&mut found);
        }
        out
    }

    /// The findings for a document's suppression comments that stand before no phrase.
    pub fn orphans(&self, document: &Document, profile: &Profile) -> Vec<Diagnostic> {
        let n = self.linter.rules.len();
        match profile.levels[n] {
            Some(level) => document
                .orphans
                .iter()
                .map(|a| suppress::orphan(&document.source, a, level))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The effective configuration as YAML, for `huashu config`.
    pub fn effective(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).expect("strings serialise");
        let mut out = String::new();
        match &self.config.path {
            Some(p) => {
                let _ = writeln!(out, "# 生效的配置：来自 {}", p.display());
            }
            None => out.push_str("# 生效的配置：没有找到配置文件，使用默认设置\n"),
        }
        let _ = writeln!(out, "root: {}", q(&self.config.root.display().to_string()));
        out.push_str("packs:\n");
        for (name, origin) in &self.packs {
            let _ = writeln!(out, "  - {{name: {}, origin: {}}}", q(name), q(origin));
        }
        let list = |out: &mut String, key: &str, items: &[Item]| {
            let v: Vec<String> = items.iter().map(|i| q(&i.value)).collect();
            let _ = writeln!(out, "{key}: [{}]", v.join(", "));
        };
        list(&mut out, "select", &self.config.select);
        list(&mut out, "ignore", &self.config.ignore);
        list(&mut out, "exclude", &self.config.exclude);
        out.push_str("scenes:");
        if self.config.scenes.is_empty() {
            out.push_str(" {}");
        }
        out.push('\n');
        for (k, s) in &self.config.scenes {
            let _ = writeln!(out, "  {}: {}", q(k), s);
        }
        let opt = |v: Option<usize>| v.map_or("null".to_string(), |v| v.to_string());
        let _ = writeln!(out, "max_chars: {}", opt(self.config.max_chars));
        let _ = writeln!(
            out,
            "max_repeat_punct: {}",
            opt(self.config.max_repeat_punct)
        );
        let _ = writeln!(out, "max_warnings: {}", opt(self.max_warnings));
        out.push_str("overrides:");
        if self.config.overrides.is_empty() {
            out.push_str(" []");
        }
        out.push('\n');
        for o in &self.config.overrides {
            let v: Vec<String> = o.files.iter().map(|i| q(&i.value)).collect();
            let _ = writeln!(out, "  - files: [{}]", v.join(", "));
            let mut sub = String::new();
            list(&mut sub, "select", &o.select);
            list(&mut sub, "ignore", &o.ignore);
            for line in sub.lines() {
                let _ = writeln!(out, "    {line}");
            }
            let _ = writeln!(out, "    levels: {{{}}}", levels_inline(&o.levels, &q));
        }
        out.push_str("# 每条规则最终的级别（不含 overrides）\nrules:\n");
        for ((id, _, _), level) in self.ids.iter().zip(&self.base.levels) {
            let _ = writeln!(out, "  {}: {}", q(id), level.map_or("off", |l| l.as_str()));
        }
        out
    }
}

/// The top level's select and ignore: the command line's select replaces the config's, its ignore
/// adds to the config's.
fn top_level(config: &Config, cli: &RuleSelection) -> (Vec<String>, Vec<String>) {
    let select = if cli.select.is_empty() {
        strings(&config.select)
    } else {
        cli.select.clone()
    };
    let mut ignore = strings(&config.ignore);
    ignore.extend(cli.ignore.iter().cloned());
    (select, ignore)
}

/// The default built-in packs no rule of which can run on any file, from the names as written
/// (former ids included). A file's rules are chosen by the top level's select, or by the select of
/// the last override matching it that has one, and that override's ignore adds to the top level's
/// (other ignores only take more rules away): each of these is one way a rule may be chosen.
fn unused_builtins(config: &Config, cli: &RuleSelection) -> Vec<&'static str> {
    let (select, ignore) = top_level(config, cli);
    let overrides: Vec<(Vec<String>, Vec<String>)> = config
        .overrides
        .iter()
        .filter(|o| !o.select.is_empty())
        .map(|o| {
            let mut also = ignore.clone();
            also.extend(strings(&o.ignore));
            (strings(&o.select), also)
        })
        .collect();
    let mut filters = vec![Filter {
        select: &select,
        ignore: &ignore,
    }];
    filters.extend(
        overrides
            .iter()
            .map(|(select, ignore)| Filter { select, ignore }),
    );
    builtin::unused(&filters)
}

/// Rule names as written, former ids replaced by current ones.
fn rename(renames: &Renames, names: &[String], place: Place) -> Vec<String> {
    names.iter().map(|n| renames.resolve(n, place)).collect()
}

/// The config with every former rule id replaced by the current one; each item keeps its place in
/// the file, for errors about it.
fn rename_config(renames: &Renames, config: &mut Config) {
    let items = config
        .select
        .iter_mut()
        .chain(config.ignore.iter_mut())
        .chain(config.levels.iter_mut().map(|(i, _)| i));
    let overrides = config.overrides.iter_mut().flat_map(|o| {
        o.select
            .iter_mut()
            .chain(o.ignore.iter_mut())
            .chain(o.levels.iter_mut().map(|(i, _)| i))
    });
    for item in items.chain(overrides) {
        if let Some(new) = renames.current(&item.value, Place::Config) {
            item.value = new.to_string();
        }
    }
}

fn levels_inline(levels: &[(Item, Option<Level>)], q: &dyn Fn(&str) -> String) -> String {
    levels
        .iter()
        .map(|(i, l)| format!("{}: {}", q(&i.value), l.map_or("off", |l| l.as_str())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The command line's select and ignore folded into the config, so `huashu config` shows what runs.
struct CliMerged {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl CliMerged {
    fn into_config(self, mut config: Config) -> Config {
        let keep = |old: &[Item], new: Vec<String>| -> Vec<Item> {
            new.into_iter()
                .map(|v| {
                    old.iter()
                        .find(|i| i.value == v)
                        .cloned()
                        .unwrap_or(Item::cli(v))
                })
                .collect()
        };
        config.select = keep(&config.select, self.select);
        config.ignore = keep(&config.ignore, self.ignore);
        config
    }
}

/// The level of each rule under a selection: a rule runs when `select` is empty or names it or its
/// pack (the suppression findings are not subject to `select`), and `ignore` does not; `levels` then
/// set levels, pack entries first and rule entries over them, later entries over earlier ones.
fn resolve(
    ids: &[(String, String, Level)],
    select: &[String],
    ignore: &[String],
    levels: &[(String, Option<Level>)],
) -> Profile {
    let names = |list: &[String], id: &str, pack: &str| list.iter().any(|s| s == id || s == pack);
    let levels = ids
        .iter()
        .map(|(id, pack, own)| {
            let selected =
                pack == suppress::META_PACK || select.is_empty() || names(select, id, pack);
            if !selected || names(ignore, id, pack) {
                return None;
            }
            let mut level = Some(*own);
            for (_, l) in levels.iter().filter(|(k, _)| k == pack) {
                level = *l;
            }
            for (_, l) in levels.iter().filter(|(k, _)| k == id) {
                level = *l;
            }
            level
        })
        .collect();
    Profile { levels }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        config::parse("huashu.yaml", text, Path::new("/project")).unwrap()
    }

    fn cli(select: &[&str], ignore: &[&str]) -> RuleSelection {
        let strings = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        RuleSelection {
            packs: Vec::new(),
            select: strings(select),
            ignore: strings(ignore),
        }
    }

    #[test]
    fn a_check_leaves_unparsed_the_built_in_packs_no_file_can_use() {
        let unused = |config_text: &str, select: &[&str], ignore: &[&str]| {
            unused_builtins(&config(config_text), &cli(select, ignore))
        };
        assert!(unused("", &[], &[]).is_empty());
        assert_eq!(
            unused("", &["words"], &[]),
            ["compliance", "etiquette", "hygiene"]
        );
        assert_eq!(
            unused("select: [hygiene]\n", &[], &[]),
            ["compliance", "etiquette"]
        );
        // The command line's select replaces the config's.
        assert_eq!(
            unused("select: [hygiene]\n", &["words"], &[]),
            ["compliance", "etiquette", "hygiene"]
        );
        assert_eq!(
            unused("", &[], &["etiquette", "compliance"]),
            ["compliance", "etiquette"]
        );
        // A per-path override that selects a built-in rule keeps its pack, whatever the top level
        // selects; its own ignore, or the top level's, can still rule the rule out.
        let dont_know = "overrides:\n  - files: [售后/]\n    select: [etiquette/dont-know]\n";
        assert_eq!(
            unused(dont_know, &["words"], &[]),
            ["compliance", "hygiene"]
        );
        assert_eq!(
            unused(dont_know, &["words"], &["etiquette/dont-know"]),
            ["compliance", "etiquette", "hygiene"]
        );
        assert_eq!(
            unused(
                &format!("{dont_know}    ignore: [etiquette]\n"),
                &["words"],
                &[]
            ),
            ["compliance", "etiquette", "hygiene"]
        );
        // An override that only ignores keeps nothing.
        assert_eq!(
            unused(
                "overrides:\n  - files: [a.txt]\n    ignore: [words]\n",
                &["words"],
                &[]
            ),
            ["compliance", "etiquette", "hygiene"]
        );
    }

    /// Leaving packs unparsed changes nothing a check shows: the same rules run on each file at the
    /// same levels, the same names are accepted, and the same mistakes are reported.
    #[test]
    fn a_check_without_the_unused_packs_runs_as_with_them() {
        let project = "select: [hygiene]\nlevels: {etiquette/dont-know: error}\noverrides:\n  - files: [售后/]\n    select: [etiquette/dont-know]\n";
        let cases = [
            (project, cli(&[], &[])),
            (
                project,
                cli(&["hygiene/too-long"], &["compliance/absolute-claim"]),
            ),
            ("", cli(&["etiquette/dont-know"], &[])),
            ("", cli(&["no-such-rule"], &[])),
            ("select: [etiquette/no-such-rule]\n", cli(&["hygiene"], &[])),
        ];
        let running = |setup: &Setup, path: &str| -> Vec<(String, Level)> {
            let profile = setup.profile_for(Some(Path::new(path)));
            setup
                .linter_for(&profile)
                .rules
                .iter()
                .map(|r| (r.id.clone(), r.level))
                .collect()
        };
        for (text, selection) in cases {
            let all = Setup::new(config(text), &selection, None, Packs::All);
            let used = Setup::new(config(text), &selection, None, Packs::Used);
            let (all, used) = match (all, used) {
                (Ok(all), Ok(used)) => (all, used),
                (Err(a), Err(u)) => {
                    assert_eq!(format!("{a:?}"), format!("{u:?}"), "{text} {selection:?}");
                    continue;
                }
                (a, u) => panic!("{text} {selection:?}: {:?} / {:?}", a.err(), u.err()),
            };
            assert!(used.packs.len() < all.packs.len(), "{text} {selection:?}");
            for path in ["/project/a.txt", "/project/售后/b.txt"] {
                assert_eq!(running(&all, path), running(&used, path), "{path}");
            }
            let ids = |s: &Setup| -> Vec<String> {
                s.reported_rules().into_iter().map(|r| r.id).collect()
            };
            assert_eq!(ids(&all), ids(&used));
            assert!(used.is_known("compliance/absolute-claim"));
        }
        // The override's rule runs on its files only, with the config's level for it.
        let setup = Setup::new(config(project), &cli(&[], &[]), None, Packs::Used).unwrap();
        let names: Vec<&str> = setup.packs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["etiquette", "hygiene", "library"]);
        assert_eq!(
            running(&setup, "/project/售后/b.txt"),
            [("etiquette/dont-know".to_string(), Level::Error)]
        );
    }
}
