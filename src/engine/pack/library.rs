//! The pack format's additions for library rules: top-level `facts`, the library kinds' fields
//! (`threshold`, `stages`, `min_phrases`, `max_chars`), and multi-phrase examples.
//!
//! ```yaml
//! facts:
//!   - name: shipping-time            # kebab-case, unique in the run
//!     label: 发货时效                  # what shop owners call it; policy keys use it
//!     type: duration                 # duration | amount | clock-range | name
//!     unit: 小时                      # shown in; the unit of a bare number
//!     patterns: ['(?P<value>\d+)\s*(?P<unit>小时|天)内?发货']
//!     values: {当日: 当天}             # words and the value they stand for
//!     except: [...]                  # a match inside one of these is not the fact
//!     unless: [...]                  # a sentence where one matches states no fact
//!     examples:
//!       found: {48小时内发货: 48小时}
//!       none: [满199送赠品]
//! rules:
//!   - id: library/near-duplicate
//!     kind: near-duplicate
//!     threshold: 0.85
//!     examples:
//!       bad:
//!         - [亲，这款是纯棉的，不会起球, 亲，这款是纯棉的，不会起球的哦]
//!       good:
//!         - {phrases: [...], policy: {发货时效: 48小时}, stages: [greeting], limit: 4}
//! ```

use super::Ctx;
use super::raw::{RawExample, RawMatch, RawRule};
use crate::engine::library::facts::{self, FactExample};
use crate::engine::library::lazy_regex::LazyRegex;
use crate::engine::library::{
    ExamplePhrase, Fact, LibraryExample, LibraryKind, Stage, ValueType, Words,
};
use crate::engine::pattern::Pattern;
use crate::error::LocatedError;
use crate::text::normalize::normalize_str;
use crate::text::scene::Scene;
use crate::text::source::SourceFile;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub name: Spanned<String>,
    pub label: Spanned<String>,
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
    pub patterns: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub values: Option<Spanned<super::raw::OrderedMap>>,
    #[serde(default)]
    pub except: Vec<Spanned<String>>,
    #[serde(default)]
    pub unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub examples: Option<Spanned<RawFactExamples>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFactExamples {
    /// Phrase → the value it states.
    #[serde(default)]
    pub found: Option<Spanned<super::raw::OrderedMap>>,
    /// Phrases that state no value of this fact.
    #[serde(default)]
    pub none: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub name: Spanned<String>,
    pub label: Spanned<String>,
    #[serde(default)]
    pub scenes: Vec<Spanned<String>>,
    #[serde(default)]
    pub with: Option<Spanned<RawMatch>>,
    #[serde(default)]
    pub any: Option<Spanned<RawMatch>>,
}

/// One phrase of a multi-phrase example: a string, or `{text, scene, group, code}`.
#[derive(Debug, Default)]
pub struct RawPhrase {
    pub text: String,
    pub scene: Option<String>,
    pub group: Option<String>,
    pub code: Option<String>,
}

impl<'de> Deserialize<'de> for RawPhrase {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPhrase;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a phrase, or a map with `text` and optional `scene`, `group`, `code`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPhrase, E> {
                Ok(RawPhrase {
                    text: v.to_string(),
                    ..RawPhrase::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPhrase, A::Error> {
                let mut p = RawPhrase::default();
                let mut text = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => text = Some(map.next_value::<String>()?),
                        "scene" => p.scene = Some(map.next_value()?),
                        "group" => p.group = Some(map.next_value()?),
                        "code" => p.code = Some(map.next_value()?),
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["text", "scene", "group", "code"],
                            ));
                        }
                    }
                }
                p.text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                Ok(p)
            }
        }
        d.deserialize_any(V)
    }
}

/// A list of phrases, read from a sequence.
pub fn phrases<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<RawPhrase>, A::Error> {
    let mut out = Vec::new();
    while let Some(p) = seq.next_element::<RawPhrase>()? {
        out.push(p);
    }
    Ok(out)
}

struct PhraseList(Vec<RawPhrase>);

impl<'de> Deserialize<'de> for PhraseList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PhraseList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of phrases")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<PhraseList, A::Error> {
                phrases(seq).map(PhraseList)
            }
        }
        d.deserialize_seq(V)
    }
}

/// A string → string map in the order written.
struct Pairs(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of fact names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    out.push((k, map.next_value::<String>()?));
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A library rule's example as written.
#[derive(Debug, Default)]
pub struct RawLibraryExample {
    pub phrases: Vec<RawPhrase>,
    pub policy: Vec<(String, String)>,
    pub stages: Option<Vec<String>>,
    pub limit: Option<usize>,
}

impl RawLibraryExample {
    /// Reads the value of one of its keys.
    pub fn set<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "phrases" => self.phrases = map.next_value::<PhraseList>()?.0,
            "policy" => self.policy = map.next_value::<Pairs>()?.0,
            "stages" => self.stages = Some(map.next_value()?),
            "limit" => self.limit = Some(map.next_value()?),
            _ => unreachable!("caller passes only example keys"),
        }
        Ok(())
    }

    /// The example as one line, for `huashu explain` and SARIF help.
    pub fn shown(&self) -> String {
        let phrases: Vec<String> = self
            .phrases
            .iter()
            .map(|p| {
                let mut s = String::new();
                if let Some(g) = &p.group {
                    s.push_str(&format!("【{g}】"));
                }
                if let Some(c) = &p.code {
                    s.push_str(&format!("[{c}] "));
                }
                s.push_str(&p.text);
                s
            })
            .collect();
        let mut out = phrases.join(" ｜ ");
        let mut notes = Vec::new();
        if !self.policy.is_empty() {
            let p: Vec<String> = self
                .policy
                .iter()
                .map(|(k, v)| format!("{k}：{v}"))
                .collect();
            notes.push(format!("政策 {}", p.join("，")));
        }
        if let Some(s) = &self.stages {
            notes.push(format!("要求的阶段 {}", s.join("、")));
        }
        if let Some(l) = self.limit {
            notes.push(format!("限 {l} 字"));
        }
        if !notes.is_empty() {
            out.push_str(&format!("（{}）", notes.join("；")));
        }
        out
    }
}

/// Compiles a pack's facts. Every mistake is reported at its field.
pub(super) fn compile_facts(ctx: &mut Ctx, raw: &[Spanned<RawFact>]) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    for f in raw {
        let f = &f.value;
        let errors_before = ctx.errors.len();
        if !super::is_kebab(&f.name.value) {
            ctx.error(
                &f.name,
                format!("事实名 “{}” 只能用小写字母、数字和连字符", f.name.value),
                "事实名",
            );
        }
        if out.iter().any(|o| o.name == f.name.value) {
            ctx.error(
                &f.name,
                format!("事实名重复：{}", f.name.value),
                "重复的事实名",
            );
        }
        if f.label.value.trim().is_empty() {
            ctx.error(&f.label, "label 不能为空", "空的 label");
        }
        let kind = ValueType::parse(&f.kind.value).unwrap_or_else(|| {
            ctx.error_help(
                &f.kind,
                format!("未知的事实类型 “{}”", f.kind.value),
                "未知类型",
                format!("可用类型：{}", ValueType::NAMES.join("、")),
            );
            ValueType::Name
        });
        if let Some(u) = &f.unit
            && !facts::unit_known(kind, &u.value)
        {
            ctx.error_help(
                u,
                format!("{kind} 类型的事实不认识单位 “{}”", u.value),
                "未知单位",
                "duration：小时、天、周、月；amount：元、块",
            );
        }
        if f.patterns.value.is_empty() {
            ctx.error(&f.patterns, "事实需要至少一个 pattern", "空的 patterns");
        }
        let patterns = capturing(ctx.regexes(&f.patterns.value));
        // A built-in pack's patterns are checked by the test of the built-in facts instead, so
        // that none is compiled at start.
        let checked = if ctx.builtin { 0 } else { patterns.len() };
        for (re, raw) in patterns.iter().zip(&f.patterns.value).take(checked) {
            let names = re.group_names();
            let ok = names.contains(&"value") || (names.contains(&"from") && names.contains(&"to"));
            if !ok {
                ctx.error_help(
                    raw,
                    "事实的 pattern 要用 (?P<value>…) 标出值",
                    "没有 value 分组",
                    "时间段用 (?P<from>…) 和 (?P<to>…)；单位可以用 (?P<unit>…) 单独标出",
                );
            }
        }
        let values = f
            .values
            .as_ref()
            .map(|m| {
                m.value
                    .0
                    .iter()
                    .filter_map(|(k, v)| Some((normalize_str(&k.value), normalize_str(v.first()?))))
                    .collect()
            })
            .unwrap_or_default();
        let except = capturing(ctx.regexes(&f.except));
        let unless = capturing(ctx.regexes(&f.unless));
        let mut examples = Vec::new();
        if let Some(ex) = &f.examples {
            if let Some(found) = &ex.value.found {
                for (text, value) in &found.value.0 {
                    examples.push(FactExample {
                        text: text.value.clone(),
                        value: value.first().cloned(),
                        span: ctx.range(text),
                    });
                }
            }
            for text in &ex.value.none {
                examples.push(FactExample {
                    text: text.value.clone(),
                    value: None,
                    span: ctx.range(text),
                });
            }
        }
        if ctx.errors.len() > errors_before {
            continue;
        }
        out.push(Fact {
            name: f.name.value.clone(),
            label: f.label.value.trim().to_string(),
            kind,
            unit: f.unit.as_ref().map(|u| u.value.clone()),
            patterns,
            values,
            except,
            unless,
            examples,
        });
    }
    out
}

/// Facts' examples that do not behave: a `found` phrase that does not state its value, a `none`
/// phrase that states one.
pub fn fact_failures(src: &Arc<SourceFile>, facts: &[Fact]) -> Vec<LocatedError> {
    let mut out = Vec::new();
    for (i, fact) in facts.iter().enumerate() {
        for ex in &fact.examples {
            let hits: Vec<_> = facts::extract(std::slice::from_ref(fact), &ex.text);
            let got: Vec<String> = hits.iter().map(|h| fact.show(&h.value)).collect();
            match &ex.value {
                Some(expected) => {
                    let want = fact.parse_value(expected);
                    if want.is_none() {
                        out.push(LocatedError::new(
                            src,
                            ex.span.clone(),
                            format!("事实 {} 的例子写的值 “{expected}” 无法识别", fact.name),
                            "这个例子",
                        ));
                    } else if !hits.iter().any(|h| Some(&h.value) == want.as_ref()) {
                        out.push(
                            LocatedError::new(
                                src,
                                ex.span.clone(),
                                format!(
                                    "事实 {} 没有从例子里找到 “{expected}”（找到：{}）",
                                    fact.name,
                                    if got.is_empty() {
                                        "无".to_string()
                                    } else {
                                        got.join("、")
                                    }
                                ),
                                "应当找到这个值",
                            )
                            .with_help("请修改事实的 patterns、except 或 unless，或改写这个例子"),
                        );
                    }
                }
                None if !hits.is_empty() => out.push(
                    LocatedError::new(
                        src,
                        ex.span.clone(),
                        format!("事实 {} 误从例子里找到了 “{}”", fact.name, got.join("、")),
                        "不应找到值",
                    )
                    .with_help("请用 except 或 unless 排除这种说法，或改写这个例子"),
                ),
                None => {}
            }
        }
        let _ = i;
    }
    out
}

fn words(ctx: &mut Ctx, m: &Spanned<RawMatch>) -> Option<Words> {
    if m.value.words.is_empty() && m.value.patterns.is_empty() {
        ctx.error(m, "需要 words 或 patterns", "空的匹配");
        return None;
    }
    // Compiled one by one first, so a bad pattern is reported at itself; the word list takes them
    // as the loader made them (lexicons expanded, Traditional simplified).
    let before = ctx.errors.len();
    let compiled = ctx.regexes(&m.value.patterns);
    if ctx.errors.len() > before {
        return None;
    }
    let words: Vec<String> = m.value.words.iter().map(|w| w.value.clone()).collect();
    let patterns: Vec<String> = compiled.iter().map(|p| p.as_str().to_string()).collect();
    if ctx.builtin {
        return Some(Words::lazy(&words, &patterns));
    }
    match Words::new(&words, &patterns) {
        Ok(w) => Some(w),
        Err(e) => {
            ctx.error(m, format!("无法编译：{e}"), "这里");
            None
        }
    }
}

fn scene(ctx: &mut Ctx, s: &Spanned<String>) -> Option<Scene> {
    Scene::parse(&s.value).or_else(|| {
        ctx.error_help(
            s,
            format!("未知的场景 “{}”", s.value),
            "未知场景",
            format!("可用场景：{}", Scene::ALL.map(|s| s.as_str()).join("、")),
        );
        None
    })
}

/// The parameters of a library rule of `kind`.
pub(super) fn compile_kind(ctx: &mut Ctx, kind: &str, r: &RawRule) -> Option<LibraryKind> {
    if let Some(s) = r.scenes.as_ref().and_then(|s| s.first()) {
        ctx.error_help(
            s,
            format!("{kind} 规则检查整个话术库，不按场景限定"),
            "不用 scenes",
            "按文件调整请用配置文件的 overrides",
        );
    }
    if let Some(d) = r.defers_to.first() {
        ctx.error_help(
            d,
            format!("{kind} 规则检查整个话术库，不对单条话术让位"),
            "不用 defers_to",
            "defers_to 只用于检查单条话术的规则",
        );
    }
    Some(match kind {
        "duplicate" => LibraryKind::Duplicate,
        "duplicate-code" => LibraryKind::DuplicateCode,
        "inconsistent-promise" => LibraryKind::InconsistentPromise,
        "contradicts-policy" => LibraryKind::ContradictsPolicy,
        "near-duplicate" => {
            let Some(t) = &r.threshold else {
                ctx.error(
                    &r.kind,
                    "near-duplicate 规则需要 threshold（0 到 1 之间的相似度）",
                    "缺少 threshold",
                );
                return None;
            };
            if !(t.value > 0.0 && t.value <= 1.0) {
                ctx.error(t, "threshold 必须大于 0、不超过 1", "超出范围");
                return None;
            }
            LibraryKind::NearDuplicate { threshold: t.value }
        }
        "missing-scene" => {
            let Some(list) = &r.stages else {
                ctx.error(&r.kind, "missing-scene 规则需要 stages", "缺少 stages");
                return None;
            };
            let mut stages: Vec<Stage> = Vec::new();
            for s in &list.value {
                let s = &s.value;
                if !super::is_kebab(&s.name.value) {
                    ctx.error(
                        &s.name,
                        format!("阶段名 “{}” 只能用小写字母、数字和连字符", s.name.value),
                        "阶段名",
                    );
                }
                if stages.iter().any(|o| o.name == s.name.value) {
                    ctx.error(
                        &s.name,
                        format!("阶段名重复：{}", s.name.value),
                        "重复的阶段",
                    );
                }
                let scenes: Vec<Scene> = s.scenes.iter().filter_map(|x| scene(ctx, x)).collect();
                let with = s.with.as_ref().and_then(|m| words(ctx, m));
                let any = s.any.as_ref().and_then(|m| words(ctx, m));
                if s.scenes.is_empty() && s.any.is_none() {
                    ctx.error(
                        &s.name,
                        "阶段需要 scenes 或 any",
                        "无法判断哪些话术属于这个阶段",
                    );
                }
                stages.push(Stage {
                    name: s.name.value.clone(),
                    label: s.label.value.trim().to_string(),
                    scenes,
                    with,
                    any,
                });
            }
            if stages.is_empty() {
                ctx.error(list, "stages 不能为空", "空的 stages");
            }
            if stages.len() > 64 {
                ctx.error(list, "一条规则最多 64 个阶段", "太多阶段");
            }
            LibraryKind::MissingScene {
                stages,
                min_phrases: r.min_phrases.as_ref().map_or(0, |m| m.value),
            }
        }
        "group-name-too-long" => LibraryKind::GroupNameTooLong {
            max_chars: r.max_chars.as_ref().map(|m| m.value),
        },
        "code-too-long" => LibraryKind::CodeTooLong {
            max_chars: r.max_chars.as_ref().map(|m| m.value),
        },
        _ => unreachable!("library kinds listed"),
    })
}

/// A library rule's examples.
pub(super) fn compile_examples(ctx: &mut Ctx, list: &[Spanned<RawExample>]) -> Vec<LibraryExample> {
    let mut out = Vec::new();
    for ex in list {
        let Some(lib) = &ex.value.library else {
            ctx.error_help(
                ex,
                "话术库规则的例子是一组话术",
                "这里只有一条话术",
                "写成列表，如 [您好，在的, 您好，在的！]，或 {phrases: [...], policy: {...}}",
            );
            continue;
        };
        let mut phrases = Vec::new();
        for p in &lib.phrases {
            let scene = match &p.scene {
                None => p.group.as_deref().map_or(Scene::Common, Scene::infer),
                Some(s) => match Scene::parse(s) {
                    Some(s) => s,
                    None => {
                        ctx.error(ex, format!("未知的场景 “{s}”"), "未知场景");
                        Scene::Common
                    }
                },
            };
            phrases.push(ExamplePhrase {
                text: p.text.clone(),
                scene,
                group: p.group.clone(),
                code: p.code.clone(),
            });
        }
        out.push(LibraryExample {
            phrases,
            policy: lib.policy.clone(),
            stages: lib.stages.clone(),
            limit: lib.limit,
            span: ctx.range(ex),
        });
    }
    out
}

/// Every fact name given to a pack is unique across it; the run checks across packs.
pub fn duplicate_fact<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    facts
        .into_iter()
        .find(|f| !seen.insert(f.name.as_str()))
        .map(|f| f.name.as_str())
}

/// Facts read their values from capture groups, which the rule engine's patterns do not keep: the
/// same sources, as regexes with their groups, built when first used. They compiled as patterns
/// already (built-in ones are compiled by the tests), so none is expected to fail here.
fn capturing(patterns: Vec<Pattern>) -> Vec<LazyRegex> {
    patterns
        .iter()
        .map(|p| LazyRegex::lazy(p.as_str()))
        .collect()
}
