//! The config file, `huashu.yaml` (or `.huashu.yaml`): which packs and rules run, at what level, on
//! which files. Read with the same spanned YAML parser as rule packs, so every mistake (an unknown key, a
//! bad level, a rule that does not exist) is reported at its line in the config.
//!
//! It is found from the working directory upward, or given with `--config`. Paths in it (pack files,
//! `exclude`, `overrides[].files`) are relative to the directory it is in.

use crate::engine::rules::Level;
use crate::error::{Error, LocatedError, from_yaml_error, location_range};
use crate::text::scene::Scene;
use crate::text::source::SourceFile;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// File names looked for, in this order, in the working directory and each parent.
pub const NAMES: [&str; 2] = ["huashu.yaml", ".huashu.yaml"];

/// A value from the config with where it was written (no span: it came from the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub value: String,
    pub span: Option<Range<usize>>,
}

impl Item {
    pub fn cli(value: impl Into<String>) -> Item {
        Item {
            value: value.into(),
            span: None,
        }
    }
}

/// A per-path override: in files matching `files`, these selections and levels apply on top.
#[derive(Debug, Clone, Default)]
pub struct Override {
    pub files: Vec<Item>,
    pub select: Vec<Item>,
    pub ignore: Vec<Item>,
    pub levels: Vec<(Item, Option<Level>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The config file, when there is one.
    pub path: Option<PathBuf>,
    /// The directory relative paths are resolved against: the config's, or the working directory.
    pub root: PathBuf,
    pub source: Option<Arc<SourceFile>>,
    /// Extra packs: built-in names or pack files (already resolved against `root`).
    pub packs: Vec<Item>,
    /// Built-in packs that are on by default, turned off.
    pub disable_packs: Vec<Item>,
    pub select: Vec<Item>,
    pub ignore: Vec<Item>,
    /// Per rule or pack: a level, or `None` for `off`.
    pub levels: Vec<(Item, Option<Level>)>,
    /// Gitignore-style patterns of files not to check.
    pub exclude: Vec<Item>,
    /// Extra group-name keyword → scene mappings, tried before the built-in ones.
    pub scenes: Vec<(String, Scene)>,
    /// Replace the limits of every `limit` rule that has one.
    pub max_chars: Option<usize>,
    pub max_repeat_punct: Option<usize>,
    pub max_warnings: Option<usize>,
    pub overrides: Vec<Override>,
    /// The shop's policy: fact (label or name) → value, for `library/contradicts-policy`.
    pub policy: Vec<(Item, Item)>,
    /// The `library:` section: what the library checks require.
    pub library: LibraryConfig,
}

/// The `library:` section of the config.
#[derive(Debug, Clone, Default)]
pub struct LibraryConfig {
    /// The conversation stages a library must have a phrase for (`None`: every stage the
    /// `missing-scene` rules declare).
    pub stages: Option<Vec<Item>>,
    /// The similarity from which phrases are near-duplicates (0–1).
    pub near_duplicate: Option<(f64, Item)>,
    /// The platform's limits, characters: group names, quick codes.
    pub max_group_name: Option<usize>,
    pub max_code: Option<usize>,
    /// Libraries with fewer phrases are not checked for missing stages.
    pub min_phrases: Option<usize>,
}

// ---- The file as written -------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    packs: Vec<Spanned<String>>,
    #[serde(default)]
    disable_packs: Vec<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    levels: SpannedMap,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    scenes: SpannedMap,
    #[serde(default)]
    max_chars: Option<Spanned<usize>>,
    #[serde(default)]
    max_repeat_punct: Option<Spanned<usize>>,
    #[serde(default)]
    max_warnings: Option<usize>,
    #[serde(default)]
    overrides: Vec<Spanned<RawOverride>>,
    #[serde(default)]
    policy: SpannedMap,
    #[serde(default)]
    library: Option<Spanned<RawLibrary>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    #[serde(default)]
    stages: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    near_duplicate: Option<Spanned<f64>>,
    #[serde(default)]
    max_group_name: Option<Spanned<usize>>,
    #[serde(default)]
    max_code: Option<Spanned<usize>>,
    #[serde(default)]
    min_phrases: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    levels: SpannedMap,
}

/// A string → string map in the order written, keys and values with their positions.
#[derive(Debug, Default)]
struct SpannedMap(Vec<(Spanned<String>, Spanned<String>)>);

impl<'de> Deserialize<'de> for SpannedMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SpannedMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SpannedMap, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    out.push((k, map.next_value::<Spanned<String>>()?));
                }
                Ok(SpannedMap(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<SpannedMap, E> {
                Ok(SpannedMap::default())
            }
        }
        d.deserialize_any(V)
    }
}

// ---- Finding and reading -------------------------------------------------------------------------

/// Joins and removes `.` and `..` without touching the file system (paths need not exist, and
/// symlinks should not move a file out of the config's directory).
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// An absolute, cleaned form of a path given relative to the working directory.
pub fn absolute(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    clean(&cwd.join(path))
}

/// The nearest config file from `dir` upward.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let mut dir = Some(dir);
    while let Some(d) = dir {
        for name in NAMES {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

/// Loads the config: the file given, else the nearest one found, else the defaults.
pub fn load(explicit: Option<&Path>, use_files: bool) -> Result<Config, Error> {
    let cwd = absolute(Path::new("."));
    let path = match explicit {
        Some(p) => Some(absolute(p)),
        None if use_files => discover(&cwd),
        None => None,
    };
    let Some(path) = path else {
        return Ok(Config {
            root: cwd,
            ..Config::default()
        });
    };
    let shown = explicit.map(crate::input::display_path).unwrap_or_else(|| {
        let rel = pathdiff(&path, &cwd);
        crate::input::display_path(&rel)
    });
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: shown.clone(),
        source,
    })?;
    let root = path.parent().map(Path::to_path_buf).unwrap_or(cwd);
    let mut config = parse(&shown, &text, &root).map_err(|errors| Error::Config {
        path: shown.clone(),
        errors,
    })?;
    config.path = Some(path);
    Ok(config)
}

/// `path` relative to `base` when it is under it (for showing where a found config is).
fn pathdiff(path: &Path, base: &Path) -> PathBuf {
    if let Ok(rel) = path.strip_prefix(base) {
        return rel.to_path_buf();
    }
    let mut up = PathBuf::new();
    let mut b = base;
    while let Some(parent) = b.parent() {
        up.push("..");
        if let Ok(rel) = path.strip_prefix(parent) {
            return up.join(rel);
        }
        b = parent;
    }
    path.to_path_buf()
}

fn item(src: &SourceFile, s: &Spanned<String>) -> Item {
    Item {
        value: s.value.clone(),
        span: Some(location_range(src, &s.referenced)),
    }
}

/// Parses a config's text. `name` is the path shown in errors, `root` the directory paths in it are
/// relative to. Every mistake found is returned, not only the first.
pub fn parse(name: &str, text: &str, root: &Path) -> Result<Config, Vec<LocatedError>> {
    let src = Arc::new(SourceFile::new(name, text.to_string()));
    let mut config = Config {
        root: root.to_path_buf(),
        source: Some(src.clone()),
        ..Config::default()
    };
    // A config of comments only (as `huashu init` writes) is the defaults.
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(config);
    }
    let raw: RawConfig =
        serde_saphyr::from_str(text).map_err(|e| vec![from_yaml_error(&src, &e, "配置文件")])?;
    let mut errors = Vec::new();
    let items = |list: &[Spanned<String>]| list.iter().map(|s| item(&src, s)).collect::<Vec<_>>();
    config.packs = raw
        .packs
        .iter()
        .map(|s| {
            let mut it = item(&src, s);
            // A pack file is relative to the config; a built-in name stays a name.
            if crate::engine::builtin::text(&it.value).is_none() {
                let cwd = absolute(Path::new("."));
                it.value =
                    crate::input::display_path(&pathdiff(&clean(&root.join(&it.value)), &cwd));
            }
            it
        })
        .collect();
    config.disable_packs = items(&raw.disable_packs);
    config.select = items(&raw.select);
    config.ignore = items(&raw.ignore);
    config.levels = levels(&src, &raw.levels, &mut errors);
    config.exclude = items(&raw.exclude);
    for (k, v) in &raw.scenes.0 {
        match Scene::parse(&v.value) {
            Some(scene) if !k.value.trim().is_empty() => {
                config.scenes.push((k.value.trim().to_string(), scene))
            }
            Some(_) => errors.push(LocatedError::new(
                &src,
                location_range(&src, &k.referenced),
                "scenes 的分组关键词不能为空",
                "空关键词",
            )),
            None => errors.push(
                LocatedError::new(
                    &src,
                    location_range(&src, &v.referenced),
                    format!("未知的场景 “{}”", v.value),
                    "未知场景",
                )
                .with_help(format!(
                    "可用场景：{}",
                    Scene::ALL.map(|s| s.as_str()).join("、")
                )),
            ),
        }
    }
    for (field, value) in [
        ("max_chars", &raw.max_chars),
        ("max_repeat_punct", &raw.max_repeat_punct),
    ] {
        if let Some(v) = value
            && v.value == 0
        {
            errors.push(LocatedError::new(
                &src,
                location_range(&src, &v.referenced),
                format!("{field} 必须大于 0"),
                "必须大于 0",
            ));
        }
    }
    for (k, v) in &raw.policy.0 {
        if v.value.trim().is_empty() {
            errors.push(LocatedError::new(
                &src,
                location_range(&src, &k.referenced),
                format!("policy 里的 “{}” 没有写值", k.value),
                "缺少值",
            ));
            continue;
        }
        config.policy.push((item(&src, k), item(&src, v)));
    }
    if let Some(lib) = &raw.library {
        let lib = &lib.value;
        for (field, value) in [
            ("max_group_name", &lib.max_group_name),
            ("max_code", &lib.max_code),
        ] {
            if let Some(v) = value
                && v.value == 0
            {
                errors.push(LocatedError::new(
                    &src,
                    location_range(&src, &v.referenced),
                    format!("library 的 {field} 必须大于 0"),
                    "必须大于 0",
                ));
            }
        }
        if let Some(t) = &lib.near_duplicate {
            if !(t.value > 0.0 && t.value <= 1.0) {
                errors.push(
                    LocatedError::new(
                        &src,
                        location_range(&src, &t.referenced),
                        "library 的 near_duplicate 是 0 到 1 之间的相似度",
                        "超出范围",
                    )
                    .with_help("例如 0.8：相邻两字组合有八成相同就算相近"),
                );
            }
            let it = Item {
                value: t.value.to_string(),
                span: Some(location_range(&src, &t.referenced)),
            };
            config.library.near_duplicate = Some((t.value, it));
        }
        config.library.stages = lib.stages.as_ref().map(|s| items(s));
        config.library.max_group_name = lib.max_group_name.as_ref().map(|v| v.value);
        config.library.max_code = lib.max_code.as_ref().map(|v| v.value);
        config.library.min_phrases = lib.min_phrases;
    }
    config.max_chars = raw.max_chars.map(|s| s.value);
    config.max_repeat_punct = raw.max_repeat_punct.map(|s| s.value);
    config.max_warnings = raw.max_warnings;
    for o in &raw.overrides {
        if o.value.files.value.is_empty() {
            errors.push(LocatedError::new(
                &src,
                location_range(&src, &o.value.files.referenced),
                "overrides 的 files 不能为空",
                "空的 files",
            ));
        }
        config.overrides.push(Override {
            files: items(&o.value.files.value),
            select: items(&o.value.select),
            ignore: items(&o.value.ignore),
            levels: levels(&src, &o.value.levels, &mut errors),
        });
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

fn levels(
    src: &Arc<SourceFile>,
    map: &SpannedMap,
    errors: &mut Vec<LocatedError>,
) -> Vec<(Item, Option<Level>)> {
    let mut out = Vec::new();
    for (k, v) in &map.0 {
        let level = match v.value.as_str() {
            "off" => None,
            other => match Level::parse(other) {
                Some(l) => Some(l),
                None => {
                    errors.push(
                        LocatedError::new(
                            src,
                            location_range(src, &v.referenced),
                            format!("未知的级别 “{other}”"),
                            "未知级别",
                        )
                        .with_help("可用级别：error、warning、info、off"),
                    );
                    continue;
                }
            },
        };
        out.push((item(src, k), level));
    }
    out
}

impl Config {
    /// A config error at an item: located when it came from the file, a usage error otherwise.
    pub fn error_at(
        &self,
        item: &Item,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> LocatedOrUsage {
        match (&self.source, &item.span) {
            (Some(src), Some(span)) => {
                let mut e = LocatedError::new(src, span.clone(), message, label);
                e.help = help;
                LocatedOrUsage::Located(e)
            }
            _ => LocatedOrUsage::Usage(Error::usage(message, help)),
        }
    }

    /// The name the config is shown under in errors.
    pub fn shown_name(&self) -> String {
        self.source
            .as_ref()
            .map(|s| s.name.to_string())
            .unwrap_or_else(|| "huashu.yaml".to_string())
    }
}

/// A mistake found while applying the config: in the file, or on the command line.
pub enum LocatedOrUsage {
    Located(LocatedError),
    Usage(Error),
}

/// The starter config `huashu init` writes: every setting, commented out, explained.
pub const STARTER: &str = r#"# huashu 配置文件。huashu 从当前目录往上找 huashu.yaml（或 .huashu.yaml）；也可以用 --config 指定。
# 文件里的相对路径都相对于本文件所在的目录。去掉行首的 # 即可启用一项设置。
# 用 huashu config 查看最终生效的配置，用 huashu rules 查看全部规则。

# 额外启用的规则包：内置包名（如 cosmetics），或规则包文件的路径。
# packs:
#   - cosmetics
#   - 规则/本店规则.yaml

# 关闭默认启用的内置规则包。
# disable_packs:
#   - hygiene

# 只运行这些规则或规则包（不写则运行全部）。命令行的 --select 会替换这里的设置。
# select:
#   - etiquette

# 不运行这些规则或规则包。命令行的 --ignore 会追加到这里。
# ignore:
#   - etiquette/informal-you

# 调整规则的级别：error（错误）、warning（警告）、info（提示）或 off（关闭）。
# levels:
#   etiquette/dont-know: warning
#   compliance: error

# 不检查的文件，写法同 .gitignore（如 旧话术/ 或 *.bak.txt）。
# exclude:
#   - 旧话术/
#   - "*.bak.txt"

# 分组名里的关键词 → 场景，优先于内置的对应关系。
# 可用场景：greeting product bargaining payment urge-payment logistics after-sales closing common
# scenes:
#   店铺活动: bargaining
#   催单: urge-payment

# 每条话术最多多少字（hygiene/too-long 默认 430 字）；自己规则包里 limit 规则的同一标点最多连用几个。
# max_chars: 120
# max_repeat_punct: 2

# 店铺政策：话术里的承诺和这里不同时报告（library/contradicts-policy），并指向这里。
# 可写的项目：发货时效、无理由退换、包邮门槛、默认快递、客服在线时间、价保。
# policy:
#   发货时效: 48小时
#   无理由退换: 7天
#   包邮门槛: 99元
#   默认快递: 中通
#   客服在线时间: 9:00-23:00
#   价保: 30天

# 话术库整体检查（library 规则包）。
# stages 是话术库必须有话术的对话阶段（不写则全部要求）。
# 可用阶段：greeting product bargaining urge-payment logistics after-sales closing
# near_duplicate 是相近话术的相似度（0 到 1，默认 0.8）。
# min_phrases 是检查缺少阶段的最少话术条数（默认 30）。
# max_group_name 和 max_code 是平台对分组名、快捷编码的字数限制；各平台的限制没有可靠资料，
# 确认后再填，不填就不检查（例如有的千牛兼容工具是分组名 10 字、编码 4 字）。
# library:
#   stages: [greeting, urge-payment, after-sales, closing]
#   near_duplicate: 0.8
#   min_phrases: 30
#   max_group_name: 10
#   max_code: 4

# 警告超过这个数量时退出码为 1（命令行的 --max-warnings 优先）。
# max_warnings: 0

# 按路径调整：匹配 files 的文件在上面的设置之外再应用这些 select、ignore、levels。
# overrides:
#   - files: ["售后/*.csv"]
#     ignore: [etiquette/imperative]
#     levels:
#       etiquette/dont-know: error
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> Vec<LocatedError> {
        parse("huashu.yaml", text, Path::new("/r")).unwrap_err()
    }

    #[test]
    fn reads_every_setting() {
        let c = parse(
            "huashu.yaml",
            "packs: [cosmetics, my.yaml]\ndisable_packs: [hygiene]\nselect: [demo]\nignore: [demo/you]\nlevels: {demo/long: off, demo: info}\nexclude: [旧/]\nscenes: {活动: bargaining}\nmax_chars: 50\nmax_warnings: 3\noverrides:\n  - files: ['*.csv']\n    ignore: [demo/sorry]\n",
            Path::new("/r"),
        )
        .unwrap();
        assert!(
            c.packs[1].value.ends_with("r/my.yaml"),
            "{}",
            c.packs[1].value
        );
        assert_eq!(c.levels[0].1, None);
        assert_eq!(c.levels[1].1, Some(Level::Info));
        assert_eq!(c.scenes, vec![("活动".to_string(), Scene::Bargaining)]);
        assert_eq!(c.max_chars, Some(50));
        assert_eq!(c.overrides[0].ignore[0].value, "demo/sorry");
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let e = parse_err("select: [demo]\nignor: [demo/you]\n");
        assert_eq!(e[0].position().line, 2);
        assert!(e[0].message.contains("未知字段"), "{}", e[0].message);
    }

    #[test]
    fn bad_values_point_at_the_value() {
        let e = parse_err("levels:\n  demo/you: loud\nscenes:\n  活动: sale\n");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].position().line, 2);
        assert_eq!(e[0].position().column, 13);
        assert_eq!(e[1].position().line, 4);
    }

    #[test]
    fn the_starter_config_is_valid_and_every_commented_setting_parses() {
        parse("huashu.yaml", STARTER, Path::new("/r")).unwrap();
        let uncommented: String = STARTER
            .lines()
            .filter(|l| l.starts_with("# ") && (l[2..].starts_with(' ') || l[2..].contains(':')))
            .filter(|l| !l.contains('：') && !l.contains("可用场景"))
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        parse("huashu.yaml", &uncommented, Path::new("/r"))
            .unwrap_or_else(|e| panic!("{uncommented}\n{:?}", e[0].message));
    }

    #[test]
    fn clean_resolves_dots() {
        assert_eq!(clean(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}
