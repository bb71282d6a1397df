//! Loading rule packs: YAML with real source spans, checked field by field. A user pack's patterns are
//! compiled when it loads (so mistakes are reported there) and its examples run; a built-in pack's
//! patterns are compiled only when a phrase first needs them, and its examples are run by `cargo test`
//! and `huashu test-rules`.
//!
//! Every mistake (unknown or missing field, wrong type, unknown kind or scene, invalid regex, a field
//! that the rule's kind does not use, an example that does not behave) is reported with the pack file,
//! the line, the column, and a label under the offending text.

pub mod library;
mod raw;

use crate::engine::lexicon::{self, is_kebab};
use crate::engine::pattern::Pattern;
use crate::engine::rules::{
    Alias, Example, Examples, Fix, Kind, Level, Rule, Scope, View, forbid::Forbid, limit::Limit,
    matcher::Matcher, replace::Replace, require::Require, require_with::RequireWith,
};
use crate::error::{LocatedError, from_yaml_error, location_range};
use crate::text::normalize::normalize_str;
use crate::text::scene::Scene;
use crate::text::source::SourceFile;
use raw::{RawMatch, RawPack, RawRule};
use serde_saphyr::Spanned;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    /// `version:` as written (`MAJOR.MINOR.PATCH`, see docs/rule-packs.md); optional in a user pack.
    pub version: Option<String>,
    pub description: String,
    /// Where the pack came from: a file path, or `builtin:NAME`.
    pub origin: String,
    pub rules: Vec<Rule>,
    /// Facts the library rules extract (`facts:`), in the order declared.
    pub facts: Arc<[crate::engine::library::Fact]>,
    pub source: Arc<SourceFile>,
}

const KINDS: &[&str] = &["forbid", "replace", "require-with", "require", "limit"];

/// Fields each kind may use, beyond the common ones.
fn kind_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "forbid" => &["words", "patterns", "except", "unless", "suggest", "fix"],
        "replace" => &["map", "fix", "except", "unless"],
        "require-with" => &["when", "require", "except", "unless", "suggest"],
        "require" => &["any", "suggest"],
        "limit" => &[
            "max_chars",
            "max_repeat_punct",
            "except",
            "unless",
            "suggest",
        ],
        "near-duplicate" => &["threshold"],
        "missing-scene" => &["stages", "min_phrases"],
        "group-name-too-long" | "code-too-long" => &["max_chars"],
        _ => &[],
    }
}

struct Ctx<'a> {
    src: &'a Arc<SourceFile>,
    errors: Vec<LocatedError>,
    /// The pack's `lexicons:` (name → normalised words).
    lexicons: Vec<(String, Vec<String>)>,
    /// A built-in pack: patterns are compiled on first use (the tests compile them all).
    builtin: bool,
    /// Patterns come with lexicons expanded and Traditional simplified (`build.rs` did it).
    prepared: bool,
}

impl Ctx<'_> {
    fn range<T>(&self, s: &Spanned<T>) -> std::ops::Range<usize> {
        location_range(self.src, &s.referenced)
    }

    fn error<T>(&mut self, at: &Spanned<T>, message: impl Into<String>, label: impl Into<String>) {
        let range = self.range(at);
        self.errors
            .push(LocatedError::new(self.src, range, message, label));
    }

    fn error_help<T>(
        &mut self,
        at: &Spanned<T>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        let range = self.range(at);
        self.errors
            .push(LocatedError::new(self.src, range, message, label).with_help(help));
    }

    fn lexicon(&self, name: &str) -> Option<&[String]> {
        self.lexicons
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, words)| words.as_slice())
    }

    /// A pattern with every `{{name}}` replaced by `(?:word|word|…)`, longest words first.
    fn expand(&mut self, p: &Spanned<String>) -> Option<String> {
        match lexicon::expand(&p.value, |name| self.lexicon(name)) {
            Ok(expanded) => Some(expanded),
            Err(name) => {
                let known: Vec<&str> = self.lexicons.iter().map(|(n, _)| n.as_str()).collect();
                let help = if known.is_empty() {
                    "在规则包顶层用 lexicons: 定义词表".to_string()
                } else {
                    format!("已定义的词表：{}", known.join("、"))
                };
                let name = name.to_string();
                self.error_help(p, format!("未知的词表 {{{{{name}}}}}"), "未知词表", help);
                None
            }
        }
    }

    fn regexes(&mut self, list: &[Spanned<String>]) -> Vec<Pattern> {
        let mut out = Vec::new();
        for p in list {
            let source = if self.prepared {
                p.value.clone()
            } else {
                let Some(pattern) = self.expand(p) else {
                    continue;
                };
                // Only Traditional→Simplified: width folding or lower-casing would change regex
                // syntax.
                crate::text::normalize::simplify(&pattern)
            };
            if self.builtin {
                out.push(Pattern::builtin(&source));
                continue;
            }
            match Pattern::compile(&source) {
                Ok(re) => out.push(re),
                Err(detail) => {
                    let last = detail.lines().last().unwrap_or("").trim();
                    let last = last.strip_prefix("error: ").unwrap_or(last).to_string();
                    self.error_help(
                        p,
                        format!("正则表达式无效：{}", p.value),
                        "无法编译的正则",
                        last,
                    )
                }
            }
        }
        out
    }

    fn matcher(&mut self, words: &[Spanned<String>], patterns: &[Spanned<String>]) -> Matcher {
        let mut expanded = Vec::new();
        for w in words {
            // A word that is exactly `{{name}}` stands for the words of that lexicon.
            match lexicon::whole_ref(&w.value) {
                Some(name) => match self.lexicon(name) {
                    Some(list) => expanded.extend(list.iter().cloned()),
                    None => self.error(w, format!("未知的词表 {{{{{name}}}}}"), "未知词表"),
                },
                None => expanded.push(normalize_str(&w.value)),
            }
        }
        let words: Vec<String> = expanded.into_iter().filter(|w| !w.is_empty()).collect();
        let patterns = self.regexes(patterns);
        Matcher::new(&words, patterns)
    }
}

impl Pack {
    /// Parses and compiles a pack, and checks its examples. `name` is the path shown in errors.
    pub fn parse(name: &str, text: &str) -> Result<Pack, Vec<LocatedError>> {
        let pack = Pack::parse_unchecked(name, text)?;
        // Examples are the pack's own tests: a pack whose examples misbehave is a broken pack.
        let mut errors: Vec<LocatedError> = pack
            .rules
            .iter()
            .flat_map(|rule| example_failures(&pack.source, rule))
            .collect();
        errors.extend(library::fact_failures(&pack.source, &pack.facts));
        if errors.is_empty() {
            Ok(pack)
        } else {
            Err(errors)
        }
    }

    /// Parses and compiles a pack without running its examples (`huashu test-rules` runs them).
    pub fn parse_unchecked(name: &str, text: &str) -> Result<Pack, Vec<LocatedError>> {
        Pack::load(name, text, false)
    }

    /// A built-in pack: parsed, with patterns compiled only when a phrase first needs them and
    /// examples not run (`cargo test` compiles every pattern and runs every example).
    pub fn parse_builtin(name: &str, text: &str) -> Result<Pack, Vec<LocatedError>> {
        Pack::load(name, text, true)
    }

    /// A built-in pack read from `json`, the document `build.rs` converted `yaml` to: the same
    /// pack as [`Pack::parse_builtin`] gives, without the source positions of its fields, which only
    /// a mistake in the pack would show (`cargo test` and `huashu test-rules` read the YAML).
    pub fn parse_builtin_json(
        name: &str,
        yaml: &str,
        json: &str,
    ) -> Result<Pack, Vec<LocatedError>> {
        let src = Arc::new(SourceFile::new(name, yaml.to_string()));
        let raw: RawPack = serde_json::from_str(json).map_err(|e| {
            vec![LocatedError::new(
                &src,
                0..0,
                format!("内置规则包的 JSON 形式读不出来：{e}"),
                "规则包",
            )]
        })?;
        Pack::compile(name, &src, raw, true, true)
    }

    fn load(name: &str, text: &str, builtin: bool) -> Result<Pack, Vec<LocatedError>> {
        let src = Arc::new(SourceFile::new(name, text.to_string()));
        // The phrasebook limits: a large pack (thousands of rules) must load; alias bombs must not.
        let raw: RawPack = serde_saphyr::from_str_with_options(text, crate::input::yaml::options())
            .map_err(|e| vec![from_yaml_error(&src, &e, "规则包")])?;
        Pack::compile(name, &src, raw, builtin, false)
    }

    fn compile(
        name: &str,
        src: &Arc<SourceFile>,
        raw: RawPack,
        builtin: bool,
        prepared: bool,
    ) -> Result<Pack, Vec<LocatedError>> {
        let mut ctx = Ctx {
            src,
            errors: Vec::new(),
            lexicons: Vec::new(),
            builtin,
            prepared,
        };
        if let Some(lexicons) = &raw.lexicons {
            for (name, words) in &lexicons.value.0 {
                if !is_kebab(&name.value) {
                    ctx.error(
                        name,
                        format!("词表名 “{}” 只能用小写字母、数字和连字符", name.value),
                        "词表名",
                    );
                } else if ctx.lexicon(&name.value).is_some() {
                    ctx.error(name, format!("词表重复：{}", name.value), "重复的词表");
                }
                let words: Vec<String> = words
                    .iter()
                    .map(|w| normalize_str(w))
                    .filter(|w| !w.is_empty())
                    .collect();
                if words.is_empty() {
                    ctx.error(name, format!("词表 {} 是空的", name.value), "空词表");
                }
                ctx.lexicons.push((name.value.clone(), words));
            }
        }
        let pack_name = raw.pack.value.clone();
        if !is_kebab(&pack_name) {
            ctx.error(
                &raw.pack,
                format!("包名 “{pack_name}” 只能用小写字母、数字和连字符"),
                "包名",
            );
        }
        if let Some(v) = &raw.version
            && !is_version(&v.value)
        {
            ctx.error_help(
                v,
                format!("规则包版本号 “{}” 格式不对", v.value),
                "版本号",
                "写作 主版本.次版本.修订号，如 1.0.0",
            );
        }
        let facts: Arc<[crate::engine::library::Fact]> =
            library::compile_facts(&mut ctx, &raw.facts).into();
        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        for r in &raw.rules {
            if !seen.insert(r.value.id.value.clone()) {
                ctx.error(
                    &r.value.id,
                    format!("规则 id 重复：{}", r.value.id.value),
                    "重复的 id",
                );
            }
            if let Some(rule) = compile_rule(&mut ctx, &pack_name, r) {
                rules.push(rule);
            }
        }
        check_aliases(&mut ctx, &raw.rules);
        check_defers(&mut ctx, &pack_name, &raw.rules);
        let errors = ctx.errors;
        if !errors.is_empty() {
            return Err(errors);
        }
        for r in &mut rules {
            if let Kind::Library(l) = &mut r.kind {
                l.facts = facts.clone();
            }
        }
        Ok(Pack {
            name: pack_name,
            version: raw.version.map(|v| v.value),
            description: raw.description.unwrap_or_default(),
            origin: name.to_string(),
            rules,
            facts,
            source: src.clone(),
        })
    }
}

/// `MAJOR.MINOR.PATCH`, each a number without leading zeros (as semver writes them).
fn is_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

/// A former id must name one rule only: not the rule itself, not another rule, not another rule's
/// former id. Otherwise an old config would silently mean something else.
fn check_aliases(ctx: &mut Ctx, rules: &[Spanned<RawRule>]) {
    let ids: HashSet<&str> = rules.iter().map(|r| r.value.id.value.as_str()).collect();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for r in rules {
        let own = r.value.id.value.as_str();
        for a in &r.value.aliases {
            let alias = a.value.as_str();
            let well_formed = alias
                .split_once('/')
                .is_some_and(|(p, name)| is_kebab(p) && is_kebab(name));
            if !well_formed {
                ctx.error_help(
                    a,
                    format!("旧 id “{alias}” 应写作 “<规则包>/<短横线名称>”"),
                    "旧 id",
                    "aliases 里写这条规则改名前的 id",
                );
            } else if alias == own {
                ctx.error(
                    a,
                    format!("旧 id {alias} 就是这条规则现在的 id"),
                    "与本规则 id 相同",
                );
            } else if ids.contains(alias) {
                ctx.error_help(
                    a,
                    format!("旧 id {alias} 是另一条规则现在的 id"),
                    "与另一条规则的 id 相同",
                    "一个 id 只能指一条规则",
                );
            } else if let Some((_, other)) = seen.iter().find(|(s, _)| *s == alias) {
                let other = other.to_string();
                ctx.error_help(
                    a,
                    format!("旧 id {alias} 已经是规则 {other} 的旧 id"),
                    "重复的旧 id",
                    "一个旧 id 只能指一条规则",
                );
            }
            seen.push((alias, own));
        }
    }
}

/// `defers_to` names other rules by id. One in the same pack must exist and must not defer in
/// turn: two rules deferring to each other would both go quiet, and a chain would make what is
/// reported depend on which rules run. Another pack's rule may not be loaded; then this rule
/// simply reports.
fn check_defers(ctx: &mut Ctx, pack: &str, rules: &[Spanned<RawRule>]) {
    let own: HashMap<&str, bool> = rules
        .iter()
        .map(|r| (r.value.id.value.as_str(), !r.value.defers_to.is_empty()))
        .collect();
    for r in rules {
        let id = r.value.id.value.as_str();
        for d in &r.value.defers_to {
            let other = d.value.as_str();
            let Some((p, _)) = other
                .split_once('/')
                .filter(|(p, n)| is_kebab(p) && is_kebab(n))
            else {
                ctx.error_help(
                    d,
                    format!("defers_to 里的 “{other}” 应写作 “<规则包>/<短横线名称>”"),
                    "规则 id",
                    "defers_to 写另一条规则的 id：它在同一条话术上报告时，本规则不再报告",
                );
                continue;
            };
            if other == id {
                ctx.error(d, format!("规则 {id} 不能让位给自己"), "本规则自己的 id");
            } else if p == pack {
                match own.get(other) {
                    None => ctx.error_help(
                        d,
                        format!("规则包 {pack} 里没有规则 {other}"),
                        "没有这条规则",
                        "defers_to 写同一规则包或其他规则包里一条规则的 id",
                    ),
                    Some(true) => ctx.error_help(
                        d,
                        format!("规则 {other} 自己也有 defers_to，不能再让别的规则让位给它"),
                        "它也在让位",
                        "只让位一层：被让位的规则自己不写 defers_to",
                    ),
                    Some(false) => {}
                }
            }
        }
    }
}

fn compile_rule(ctx: &mut Ctx, pack: &str, spanned: &Spanned<RawRule>) -> Option<Rule> {
    let r = &spanned.value;
    let errors_before = ctx.errors.len();
    let id = r.id.value.clone();
    match id.split_once('/') {
        Some((p, name)) if p == pack && is_kebab(name) => {}
        _ => ctx.error_help(
            &r.id,
            format!("规则 id “{id}” 应写作 “{pack}/<短横线名称>”"),
            "规则 id",
            format!("例如 {pack}/dont-know"),
        ),
    }
    let kind = r.kind.value.as_str();
    let library_kind = crate::engine::library::KINDS.contains(&kind);
    if !KINDS.contains(&kind) && !library_kind {
        ctx.error_help(
            &r.kind,
            format!("未知的规则类型 “{kind}”"),
            "未知类型",
            format!(
                "可用类型：{}；话术库整体检查：{}",
                KINDS.join("、"),
                crate::engine::library::KINDS.join("、")
            ),
        );
        return None;
    }
    let level = Level::parse(&r.level.value).or_else(|| {
        ctx.error_help(
            &r.level,
            format!("未知的级别 “{}”", r.level.value),
            "未知级别",
            "可用级别：error、warning、info",
        );
        None
    });
    let scope = match r.scope.as_ref().map(|s| s.value.as_str()) {
        None | Some("phrase") => Scope::Phrase,
        Some("sentence") => Scope::Sentence,
        Some(other) => {
            let at = r.scope.as_ref().expect("matched Some");
            ctx.error_help(
                at,
                format!("未知的范围 “{other}”"),
                "未知范围",
                "可用范围：phrase、sentence",
            );
            Scope::Phrase
        }
    };
    let view = match r.view.as_ref().map(|s| s.value.as_str()) {
        None | Some("text") => View::Text,
        Some("skeleton") => View::Skeleton,
        Some(other) => {
            let at = r.view.as_ref().expect("matched Some");
            ctx.error_help(
                at,
                format!("未知的匹配视图 “{other}”"),
                "未知视图",
                "可用视图：text（默认）、skeleton",
            );
            View::Text
        }
    };
    let scenes = r.scenes.as_ref().map(|list| {
        list.iter()
            .filter_map(|s| {
                Scene::parse(&s.value).or_else(|| {
                    ctx.error_help(
                        s,
                        format!("未知的场景 “{}”", s.value),
                        "未知场景",
                        format!("可用场景：{}", Scene::ALL.map(|s| s.as_str()).join("、")),
                    );
                    None
                })
            })
            .collect::<Vec<_>>()
    });
    for (field, present) in [
        ("words", r.words.is_some()),
        ("patterns", r.patterns.is_some()),
        ("except", !r.except.is_empty()),
        ("unless", !r.unless.is_empty()),
        ("suggest", !r.suggest.is_empty()),
        ("map", r.map.is_some()),
        ("fix", r.fix.is_some()),
        ("when", r.when.is_some()),
        ("require", r.require.is_some()),
        ("any", r.any.is_some()),
        ("max_chars", r.max_chars.is_some()),
        ("max_repeat_punct", r.max_repeat_punct.is_some()),
        ("threshold", r.threshold.is_some()),
        ("stages", r.stages.is_some()),
        ("min_phrases", r.min_phrases.is_some()),
    ] {
        if present && !kind_fields(kind).contains(&field) {
            let users: Vec<&str> = KINDS
                .iter()
                .chain(crate::engine::library::KINDS)
                .copied()
                .filter(|k| kind_fields(k).contains(&field))
                .collect();
            ctx.error_help(
                &r.kind,
                format!("{kind} 规则不使用字段 {field}"),
                format!("类型是 {kind}"),
                format!("字段 {field} 只用于 {} 规则", users.join("、")),
            );
        }
    }
    let except = ctx.regexes(&r.except);
    let unless = ctx.regexes(&r.unless);
    let list = |l: &Option<Spanned<Vec<Spanned<String>>>>| -> Vec<Spanned<String>> {
        l.as_ref()
            .map(|s| {
                s.value
                    .iter()
                    .map(|x| Spanned::new(x.value.clone(), x.referenced, x.defined))
                    .collect()
            })
            .unwrap_or_default()
    };
    let compiled_kind = match kind {
        "forbid" => {
            let (words, patterns) = (list(&r.words), list(&r.patterns));
            if words.is_empty() && patterns.is_empty() {
                ctx.error(
                    &r.kind,
                    "forbid 规则需要 words 或 patterns",
                    "缺少 words/patterns",
                );
            }
            let remove = match r.fix.as_ref().map(|f| f.value.as_str()) {
                None => false,
                Some("remove") => true,
                Some(other) => {
                    let at = r.fix.as_ref().expect("matched Some");
                    ctx.error_help(
                        at,
                        format!("forbid 规则不支持修复方式 “{other}”"),
                        "未知修复方式",
                        "forbid 规则可用：remove（删除匹配到的文字）",
                    );
                    false
                }
            };
            Kind::Forbid(Forbid {
                matcher: ctx.matcher(&words, &patterns),
                remove,
            })
        }
        "replace" => {
            let fix = match r.fix.as_ref().map(|f| f.value.as_str()) {
                None | Some("suggest") => Fix::Suggest,
                Some("safe") => Fix::Safe,
                Some(other) => {
                    let at = r.fix.as_ref().expect("matched Some");
                    ctx.error_help(
                        at,
                        format!("未知的修复方式 “{other}”"),
                        "未知修复方式",
                        "replace 规则可用：safe、suggest",
                    );
                    Fix::Suggest
                }
            };
            let Some(map) = r.map.as_ref() else {
                ctx.error(&r.kind, "replace 规则需要 map", "缺少 map");
                return None;
            };
            if map.value.0.is_empty() {
                ctx.error(map, "map 不能为空", "空的 map");
            }
            let mut pairs = Vec::new();
            for (k, v) in &map.value.0 {
                let key = normalize_str(&k.value);
                if key.is_empty() {
                    ctx.error(k, "map 的键不能为空", "空键");
                } else if v.is_empty() {
                    ctx.error(k, format!("“{}” 没有给出替换写法", k.value), "缺少替换写法");
                } else if fix == Fix::Safe && normalize_str(&v[0]).contains(&key) {
                    // --fix would replace its own output again on the next run.
                    ctx.error_help(
                        k,
                        format!("fix: safe 的替换写法 “{}” 里又包含 “{}”", v[0], k.value),
                        "自动修复会反复替换",
                        "改用 fix: suggest，或换一个不含原词的写法",
                    );
                } else {
                    pairs.push((key, v.clone()));
                }
            }
            if pairs.is_empty() {
                return None;
            }
            Kind::Replace(Replace::new(pairs, fix))
        }
        "require-with" => {
            let (Some(when), Some(require)) = (r.when.as_ref(), r.require.as_ref()) else {
                ctx.error(
                    &r.kind,
                    "require-with 规则需要 when 和 require",
                    "缺少 when/require",
                );
                return None;
            };
            let when_m = match_of(ctx, when);
            let require_m = match_of(ctx, require);
            Kind::RequireWith(RequireWith {
                when: when_m,
                require: require_m,
            })
        }
        "require" => {
            let Some(any) = r.any.as_ref() else {
                ctx.error(&r.kind, "require 规则需要 any", "缺少 any");
                return None;
            };
            Kind::Require(Require {
                any: match_of(ctx, any),
            })
        }
        "limit" => {
            if r.max_chars.is_none() && r.max_repeat_punct.is_none() {
                ctx.error(
                    &r.kind,
                    "limit 规则需要 max_chars 或 max_repeat_punct",
                    "缺少限制",
                );
            }
            Kind::Limit(Limit {
                max_chars: r.max_chars.as_ref().map(|s| s.value),
                max_repeat_punct: r.max_repeat_punct.as_ref().map(|s| s.value),
            })
        }
        library if library_kind => {
            let compiled = library::compile_kind(ctx, library, r);
            let bad = library::compile_examples(ctx, &r.examples.value.bad);
            let good = library::compile_examples(ctx, &r.examples.value.good);
            Kind::Library(crate::engine::library::LibraryRule {
                kind: compiled?,
                bad,
                good,
                facts: Arc::from(Vec::new()),
            })
        }
        _ => unreachable!("kind checked above"),
    };
    let default_scene = scenes
        .as_ref()
        .and_then(|s| s.first().copied())
        .unwrap_or(Scene::Common);
    let mut examples = Examples::default();
    for (list, out) in [
        (&r.examples.value.bad, &mut examples.bad),
        (&r.examples.value.good, &mut examples.good),
    ] {
        for ex in list {
            if let Some(lib) = &ex.value.library {
                if !library_kind {
                    ctx.error_help(
                        ex,
                        format!("{kind} 规则的例子是一条话术，不是一组"),
                        "一组话术",
                        "一组话术的例子只用于话术库整体检查的规则",
                    );
                }
                out.push(Example {
                    text: lib.shown(),
                    scene: default_scene,
                    span: ctx.range(ex),
                });
                continue;
            }
            let scene = match &ex.value.scene {
                None => default_scene,
                Some(s) => Scene::parse(&s.value).unwrap_or_else(|| {
                    ctx.error(s, format!("未知的场景 “{}”", s.value), "未知场景");
                    default_scene
                }),
            };
            out.push(Example {
                text: ex.value.text.clone(),
                scene,
                span: ctx.range(ex),
            });
        }
    }
    if examples.bad.is_empty() || examples.good.is_empty() {
        ctx.error(
            &r.examples,
            "每条规则至少要有一个反例（bad）和一个正例（good）",
            "examples 不完整",
        );
    }
    if ctx.errors.len() > errors_before {
        return None;
    }
    let aliases = r
        .aliases
        .iter()
        .map(|a| Alias {
            id: a.value.clone(),
            span: ctx.range(a),
        })
        .collect();
    Some(Rule {
        id,
        aliases,
        pack: pack.to_string(),
        level: level?,
        message: r.message.value.trim().to_string(),
        explain: r.explain.value.trim_end().into(),
        source: r.source.value.trim().into(),
        scenes,
        scope,
        view,
        suggest: r.suggest.clone(),
        except,
        unless,
        defers_to: r.defers_to.iter().map(|d| d.value.clone()).collect(),
        kind: compiled_kind,
        examples: examples.into(),
    })
}

fn match_of(ctx: &mut Ctx, m: &Spanned<RawMatch>) -> Matcher {
    if m.value.words.is_empty() && m.value.patterns.is_empty() {
        ctx.error(m, "需要 words 或 patterns", "空的匹配");
    }
    ctx.matcher(&m.value.words, &m.value.patterns)
}

/// Examples that do not behave: a bad one the rule misses, a good one it fires on.
pub fn example_failures(src: &Arc<SourceFile>, rule: &Rule) -> Vec<LocatedError> {
    if let Kind::Library(l) = &rule.kind {
        return crate::engine::library::examples::failures(src, &rule.id, l);
    }
    let mut out = Vec::new();
    for ex in &rule.examples.bad {
        if crate::engine::linter::rule_hits(rule, &ex.text, ex.scene).is_empty() {
            out.push(
                LocatedError::new(
                    src,
                    ex.span.clone(),
                    format!("反例没有触发规则 {}", rule.id),
                    "这个反例应当触发本规则",
                )
                .with_help(format!(
                    "场景：{}；请修改规则的匹配条件，或改写这个反例",
                    ex.scene
                )),
            );
        }
    }
    for ex in &rule.examples.good {
        let hits = crate::engine::linter::rule_hits(rule, &ex.text, ex.scene);
        if let Some(hit) = hits.first() {
            let matched: String = ex
                .text
                .chars()
                .skip(hit.start)
                .take(hit.end - hit.start)
                .collect();
            out.push(
                LocatedError::new(
                    src,
                    ex.span.clone(),
                    format!("正例误触发了规则 {}：匹配到 “{matched}”", rule.id),
                    "这个正例不应触发本规则",
                )
                .with_help("请用 except 或 unless 排除这种用法，或改写这个正例"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::linter::rule_hits;

    fn pack(body: &str) -> Result<Pack, Vec<LocatedError>> {
        Pack::parse("t.yaml", &format!("pack: t\ndescription: t\n{body}"))
    }

    const RULE: &str =
        "    kind: forbid\n    level: warning\n    message: m\n    explain: e\n    source: s\n";

    #[test]
    fn lexicons_expand_in_patterns_and_words() {
        let p = pack(&format!(
            "lexicons:\n  apps: [微信, QQ, 釘釘]\nrules:\n  - id: t/a\n{RULE}    patterns: ['加我{{{{apps}}}}']\n    examples: {{bad: [加我釘釘], good: [加我好友]}}\n  - id: t/b\n{RULE}    words: ['{{{{apps}}}}']\n    examples: {{bad: [qq号], good: [旺旺]}}\n"
        ))
        .unwrap();
        assert_eq!(
            rule_hits(&p.rules[0], "亲，加我QQ", Scene::Common),
            vec![2..6]
        );
        assert_eq!(
            rule_hits(&p.rules[1], "我的微信", Scene::Common),
            vec![2..4]
        );
    }

    #[test]
    fn an_unknown_lexicon_is_an_error_at_the_pattern() {
        let errors = pack(&format!(
            "lexicons:\n  apps: [微信]\nrules:\n  - id: t/a\n{RULE}    patterns: ['加我{{{{app}}}}']\n    examples: {{bad: [加我微信], good: [加我]}}\n"
        ))
        .unwrap_err();
        assert!(
            errors.iter().any(|e| e.to_string().contains("{{app}}")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_skeleton_rule_sees_through_separators_and_reports_the_original_characters() {
        let p = pack(&format!(
            "rules:\n  - id: t/a\n{RULE}    match: skeleton\n    words: [微信]\n    examples: {{bad: ['加 薇-信'], good: [维新]}}\n  - id: t/b\n{RULE}    words: [微信]\n    examples: {{bad: [微信], good: ['薇-信']}}\n"
        ))
        .unwrap();
        assert_eq!(p.rules[0].view, View::Skeleton);
        // 加 薇-信: the match is 薇-信, characters 2..5 of the original
        assert_eq!(
            rule_hits(&p.rules[0], "加 薇-信", Scene::Common),
            vec![2..5]
        );
        assert!(rule_hits(&p.rules[1], "加 薇-信", Scene::Common).is_empty());
    }

    #[test]
    fn an_unknown_view_is_an_error() {
        let errors = pack(&format!(
            "rules:\n  - id: t/a\n{RULE}    match: pinyin\n    words: [微信]\n    examples: {{bad: [微信], good: [旺旺]}}\n"
        ))
        .unwrap_err();
        assert!(
            errors.iter().any(|e| e.to_string().contains("pinyin")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_version_is_optional_and_must_be_major_minor_patch() {
        let rules = format!(
            "rules:\n  - id: t/a\n{RULE}    words: [微信]\n    examples: {{bad: [微信], good: [旺旺]}}\n"
        );
        assert_eq!(pack(&rules).unwrap().version, None);
        let p = Pack::parse("t.yaml", &format!("pack: t\nversion: 2.10.0\n{rules}")).unwrap();
        assert_eq!(p.version.as_deref(), Some("2.10.0"));
        for bad in ["'1.0'", "1.0.0-beta", "01.0.0", "v1.0.0"] {
            let errors =
                Pack::parse("t.yaml", &format!("pack: t\nversion: {bad}\n{rules}")).unwrap_err();
            assert!(
                errors.iter().any(|e| e.to_string().contains("版本号")),
                "{bad}: {errors:?}"
            );
        }
    }

    /// Rules t/a and t/b, each with `field` set (to `a`, `b`) and one word.
    fn two_rules_with(
        field: &str,
        (a, b): (&str, &str),
        [word_a, word_b]: [&str; 2],
    ) -> Result<Pack, Vec<LocatedError>> {
        pack(&format!(
            "rules:\n  - id: t/a\n    {field}: {a}\n{RULE}    words: [{word_a}]\n    examples: {{bad: [{word_a}], good: [旺旺]}}\n  - id: t/b\n    {field}: {b}\n{RULE}    words: [{word_b}]\n    examples: {{bad: [{word_b}], good: [旺旺]}}\n"
        ))
    }

    fn two_rules(aliases_a: &str, aliases_b: &str) -> Result<Pack, Vec<LocatedError>> {
        two_rules_with("aliases", (aliases_a, aliases_b), ["微信", "钉钉"])
    }

    #[test]
    fn aliases_are_kept_with_where_they_are_written() {
        let p = two_rules("[t/old-a, other/older-a]", "[]").unwrap();
        let ids: Vec<&str> = p.rules[0].aliases.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["t/old-a", "other/older-a"]);
        let span = p.rules[0].aliases[0].span.clone();
        assert_eq!(&p.source.text[span], "t/old-a");
        assert!(p.rules[1].aliases.is_empty());
    }

    fn deferring(defers_a: &str, defers_b: &str) -> Result<Pack, Vec<LocatedError>> {
        two_rules_with("defers_to", (defers_a, defers_b), ["不能", "不行"])
    }

    #[test]
    fn a_rule_is_quiet_where_the_rule_it_defers_to_reports() {
        let p = deferring("[t/b]", "[]").unwrap();
        assert_eq!(p.rules[0].defers_to, ["t/b"]);
        let linter = crate::Linter::new(p.rules.clone());
        let ids = |text: &str| -> Vec<String> {
            linter
                .check_text(text, Scene::Common)
                .iter()
                .map(|f| linter.rules[f.rule].id.clone())
                .collect()
        };
        assert_eq!(ids("不行，不能再便宜了"), ["t/b"]);
        assert_eq!(ids("这个不能再便宜了"), ["t/a"]);
        // without the rule it defers to, it reports
        let alone = linter.subset(|_, r| (r.id == "t/a").then_some(r.level));
        assert_eq!(
            alone.check_text("不行，不能再便宜了", Scene::Common).len(),
            1
        );
        // another pack's rule may not be loaded: accepted
        assert!(deferring("[other/x]", "[]").is_ok());
    }

    #[test]
    fn defers_to_points_at_a_wrong_id() {
        for (a, b, at, expect) in [
            ("[t/c]", "[]", "t/c", "规则包 t 里没有规则 t/c"),
            ("[t/a]", "[]", "t/a", "不能让位给自己"),
            ("[t/b]", "[other/x]", "t/b", "自己也有 defers_to"),
            ("[Bare]", "[]", "Bare", "应写作"),
        ] {
            let errors = deferring(a, b).unwrap_err();
            let e = errors
                .iter()
                .find(|e| e.to_string().contains(expect))
                .unwrap_or_else(|| panic!("{a} {b}: {errors:?}"));
            let span: std::ops::Range<usize> = e.span.offset()..e.span.offset() + e.span.len();
            assert_eq!(&e.src.text[span], at, "{a} {b}");
        }
    }

    #[test]
    fn an_alias_may_name_one_rule_only() {
        for (a, b, expect) in [
            ("[t/old]", "[t/old]", "已经是规则 t/a 的旧 id"),
            ("[t/b]", "[]", "是另一条规则现在的 id"),
            ("[t/a]", "[]", "就是这条规则现在的 id"),
            ("[Old]", "[]", "应写作"),
        ] {
            let errors = two_rules(a, b).unwrap_err();
            assert!(
                errors.iter().any(|e| e.to_string().contains(expect)),
                "{a} {b}: {errors:?}"
            );
        }
    }
}
