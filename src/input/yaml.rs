//! `.yaml` / `.yml` / `.json` phrasebooks: `shop`, then `groups` of `name`, optional `scene`, `phrases`.
//! The same parser as rule packs (JSON is read as YAML), so every phrase keeps its exact position.

use crate::error::{LocatedError, from_json_error, from_yaml_error, location_range};
use crate::text::phrase::{Draft, Offsets, Phrases};
use crate::text::scene::Scene;
use crate::text::source::SourceFile;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Book {
    #[serde(default)]
    shop: Option<String>,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    name: String,
    #[serde(default)]
    scene: Option<Spanned<String>>,
    #[serde(default)]
    phrases: Vec<Spanned<Entry>>,
}

/// A phrase entry: a string, or `{text, code, allow, reason}`.
#[derive(Debug)]
enum Entry {
    Plain(String),
    Full {
        text: Spanned<String>,
        code: Option<String>,
        /// Suppressions: rule ids or pack names, each optionally `RULE -- 理由`.
        allow: Vec<Spanned<String>>,
        reason: Option<String>,
    },
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a phrase string, or a map with `text` and optional `code`, `allow`, `reason`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Entry, E> {
                Ok(Entry::Plain(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
                let mut text = None;
                let mut code = None;
                let mut allow = Vec::new();
                let mut reason = None;
                const FIELDS: &[&str] = &["text", "code", "allow", "reason"];
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => text = Some(map.next_value::<Spanned<String>>()?),
                        "code" => code = Some(map.next_value::<String>()?),
                        "allow" => allow = map.next_value::<Vec<Spanned<String>>>()?,
                        "reason" => reason = Some(map.next_value::<String>()?),
                        other => return Err(de::Error::unknown_field(other, FIELDS)),
                    }
                }
                let text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                Ok(Entry::Full {
                    text,
                    code,
                    allow,
                    reason,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Parser limits sized for phrase libraries and rule packs rather than config files: serde-saphyr's
/// defaults (250,000 nodes, 1,000,000 events, 64 MiB of text) reject a legitimate 50,000-phrase book
/// or a 9,000-rule pack. These fit a library of well over a million phrases. Aliases stay strictly
/// bounded (a phrase library has little use for them), so an alias bomb still stops at once.
pub fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 20_000_000;
    budget.max_events = 40_000_000;
    budget.max_total_scalar_bytes = 1 << 30;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options
}

/// Whether a YAML text is a rule pack (a top-level `rules:` key) rather than a phrasebook.
pub fn is_rule_pack(text: &str) -> bool {
    crate::text::source::lines(text).any(|l| l.starts_with("rules:"))
}

/// A `.json` phrasebook: the same structure, but it must be valid JSON. YAML would accept what JSON
/// does not (a trailing comma, comments, unquoted words), and a JSON mistake should be explained as
/// one, at its line and column.
pub fn parse_json(src: &Arc<SourceFile>, out: &mut Phrases) -> Result<(), LocatedError> {
    if !src.text.trim().is_empty()
        && let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&src.text)
    {
        // Skipping a value reports a trailing comma as "expected value"; reading it names it.
        let e = serde_json::from_str::<serde_json::Value>(&src.text)
            .err()
            .unwrap_or(e);
        return Err(from_json_error(src, &e, "话术库"));
    }
    parse(src, out)
}

pub fn parse(src: &Arc<SourceFile>, out: &mut Phrases) -> Result<(), LocatedError> {
    if src.text.trim().is_empty() {
        return Ok(());
    }
    let book: Book = serde_saphyr::from_str_with_options(&src.text, options())
        .map_err(|e| from_yaml_error(src, &e, "话术库"))?;
    if let Some(shop) = &book.shop {
        out.set_shop(shop);
    }
    for group in book.groups {
        let scene = match &group.scene {
            None => Scene::infer(&group.name),
            Some(s) => Scene::parse(&s.value).ok_or_else(|| {
                LocatedError::new(
                    src,
                    location_range(src, &s.referenced),
                    format!("未知的场景 “{}”", s.value),
                    "未知场景",
                )
                .with_help(format!(
                    "可用场景：{}",
                    Scene::ALL.map(|s| s.as_str()).join("、")
                ))
            })?,
        };
        for entry in group.phrases {
            let mut allows = Vec::new();
            let (text, loc, code) = match entry.value {
                Entry::Plain(t) => (t, entry.referenced, None),
                Entry::Full {
                    text,
                    code,
                    allow,
                    reason,
                } => {
                    for item in &allow {
                        let at = location_range(src, &item.referenced);
                        // The item's own source when it is verbatim there, so spans name the rule.
                        let at = if src.text[at.clone()].contains(item.value.as_str()) {
                            at.start + src.text[at.clone()].find(item.value.as_str()).unwrap_or(0)
                        } else {
                            at.start
                        };
                        for mut a in crate::input::suppression::parse_body(&item.value, at) {
                            if a.reason.is_empty() {
                                a.reason = reason.clone().unwrap_or_default();
                            }
                            allows.push(a);
                        }
                    }
                    (text.value, text.referenced, code)
                }
            };
            let range = location_range(src, &loc);
            let raw = &src.text[range.clone()];
            let trimmed = text.trim();
            if trimmed.is_empty() {
                continue;
            }
            let mut phrase = Draft::new(text.clone(), Offsets::align(&text, raw, range.start));
            if trimmed.len() != text.len() {
                // Keep positions exact while dropping surrounding blanks (block scalars end in \n).
                let lead = text.chars().take_while(|c| c.is_whitespace()).count();
                let n = trimmed.chars().count();
                let start = phrase.view().source_range(lead..lead + 1).start;
                phrase.offsets = match phrase.offsets {
                    Offsets::Contiguous(_) => Offsets::Contiguous(start),
                    Offsets::Mapped(m) => Offsets::Mapped(m[lead..lead + n].to_vec()),
                };
                phrase.text = trimmed.to_string();
            }
            phrase.group = Some(group.name.clone());
            phrase.scene = scene;
            phrase.code = code;
            phrase.allow = allows;
            out.push(&src.text, phrase);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(t: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("b.yaml", t.to_string()))
    }

    fn read(s: &Arc<SourceFile>) -> Result<Phrases, LocatedError> {
        let mut p = Phrases::default();
        parse(s, &mut p)?;
        Ok(p)
    }

    #[test]
    fn reads_groups_codes_and_positions() {
        let s = src(
            "shop: 示例\ngroups:\n  - name: 欢迎语\n    phrases:\n      - 您好，不知道\n      - text: \"亲\\n在的\"\n        code: hy2\n",
        );
        let p = read(&s).unwrap();
        assert_eq!(p.len(), 2);
        let (p0, p1) = (p.get(&s.text, 0), p.get(&s.text, 1));
        assert_eq!(p0.scene, Scene::Greeting);
        assert_eq!(s.position(p0.source_range(3..6).start).column, 12);
        assert_eq!(p1.code.map(|c| &**c), Some("hy2"));
        assert_eq!(&s.text[p1.source_range(2..4)], "在的");
    }

    #[test]
    fn json_phrasebooks_parse_the_same() {
        let s = src("{\"groups\": [{\"name\": \"催付\", \"phrases\": [\"亲，记得付款哦\"]}]}");
        let p = read(&s).unwrap();
        let p0 = p.get(&s.text, 0);
        assert_eq!(p0.scene, Scene::UrgePayment);
        assert_eq!(&s.text[p0.source_range(0..1)], "亲");
    }

    #[test]
    fn unknown_field_points_at_it() {
        let s = src("groups:\n  - name: a\n    phrase: []\n");
        let e = read(&s).unwrap_err();
        assert_eq!(e.position().line, 3);
        assert!(e.message.contains("未知字段"), "{}", e.message);
    }
}
