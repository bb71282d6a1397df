//! The pack file as written, with the source position of every field a mistake can be in.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    pub pack: Spanned<String>,
    /// The pack's own version (`MAJOR.MINOR.PATCH`), shown by `huashu --version` and `huashu rules`.
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    #[serde(default)]
    pub description: Option<String>,
    /// Named word lists the pack's rules share: `{{name}}` in a pattern, or a `words` entry.
    #[serde(default)]
    pub lexicons: Option<Spanned<OrderedMap>>,
    /// Facts the library rules extract (see `super::library`).
    #[serde(default)]
    pub facts: Vec<Spanned<super::library::RawFact>>,
    pub rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    /// Former ids of a renamed rule: they keep working wherever a rule id is accepted.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    pub kind: Spanned<String>,
    pub level: Spanned<String>,
    pub message: Spanned<String>,
    pub explain: Spanned<String>,
    pub source: Spanned<String>,
    #[serde(default)]
    pub scenes: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub scope: Option<Spanned<String>>,
    /// `match: skeleton`: words and patterns run on the skeleton view (`text::skeleton`).
    #[serde(default, rename = "match")]
    pub view: Option<Spanned<String>>,
    #[serde(default)]
    pub suggest: Vec<String>,
    #[serde(default)]
    pub words: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub patterns: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub except: Vec<Spanned<String>>,
    #[serde(default)]
    pub unless: Vec<Spanned<String>>,
    /// Rules whose finding on a phrase makes this one quiet there: one problem, one finding.
    #[serde(default)]
    pub defers_to: Vec<Spanned<String>>,
    #[serde(default)]
    pub map: Option<Spanned<OrderedMap>>,
    #[serde(default)]
    pub fix: Option<Spanned<String>>,
    #[serde(default)]
    pub when: Option<Spanned<RawMatch>>,
    #[serde(default)]
    pub require: Option<Spanned<RawMatch>>,
    #[serde(default)]
    pub any: Option<Spanned<RawMatch>>,
    #[serde(default)]
    pub max_chars: Option<Spanned<usize>>,
    #[serde(default)]
    pub max_repeat_punct: Option<Spanned<usize>>,
    /// Library rules (see `super::library`): `near-duplicate`'s similarity threshold.
    #[serde(default)]
    pub threshold: Option<Spanned<f64>>,
    /// `missing-scene`: the stages a library needs, and the size from which it is checked.
    #[serde(default)]
    pub stages: Option<Spanned<Vec<Spanned<super::library::RawStage>>>>,
    #[serde(default)]
    pub min_phrases: Option<Spanned<usize>>,
    pub examples: Spanned<RawExamples>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawMatch {
    #[serde(default)]
    pub words: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    #[serde(default)]
    pub bad: Vec<Spanned<RawExample>>,
    #[serde(default)]
    pub good: Vec<Spanned<RawExample>>,
}

/// An example: a string, or `{text, scene}`; for a library rule, a list of phrases, or
/// `{phrases, policy, stages, limit}`.
#[derive(Debug)]
pub struct RawExample {
    pub text: String,
    pub scene: Option<Spanned<String>>,
    pub library: Option<super::library::RawLibraryExample>,
}

impl<'de> Deserialize<'de> for RawExample {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawExample;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, or a map with `text` and `scene`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawExample, E> {
                Ok(RawExample {
                    text: v.to_string(),
                    scene: None,
                    library: None,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawExample, A::Error> {
                let phrases = super::library::phrases(seq)?;
                Ok(RawExample {
                    text: String::new(),
                    scene: None,
                    library: Some(super::library::RawLibraryExample {
                        phrases,
                        ..Default::default()
                    }),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawExample, A::Error> {
                let mut text = None;
                let mut scene = None;
                let mut library: Option<super::library::RawLibraryExample> = None;
                const FIELDS: &[&str] = &["text", "scene", "phrases", "policy", "stages", "limit"];
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => text = Some(map.next_value::<String>()?),
                        "scene" => scene = Some(map.next_value::<Spanned<String>>()?),
                        "phrases" | "policy" | "stages" | "limit" => {
                            let lib = library.get_or_insert_with(Default::default);
                            lib.set(&key, &mut map)?;
                        }
                        other => {
                            return Err(de::Error::unknown_field(other, FIELDS));
                        }
                    }
                }
                if let Some(library) = library {
                    if text.is_some() || scene.is_some() {
                        return Err(de::Error::custom(
                            "a library example has `phrases`, not `text` or `scene`",
                        ));
                    }
                    if library.phrases.is_empty() {
                        return Err(de::Error::missing_field("phrases"));
                    }
                    return Ok(RawExample {
                        text: String::new(),
                        scene: None,
                        library: Some(library),
                    });
                }
                let text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                Ok(RawExample {
                    text,
                    scene,
                    library: None,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A `replace` map in the order written: bad form → one or more good forms.
#[derive(Debug, Default)]
pub struct OrderedMap(pub Vec<(Spanned<String>, Vec<String>)>);

/// A map value: one string or a list of strings.
struct OneOrMany(Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for OrderedMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from a bad form to its replacement(s)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap, A::Error> {
                let mut out = Vec::new();
                while let Some(Key(k)) = map.next_key::<Key>()? {
                    let v: OneOrMany = map.next_value()?;
                    out.push((k, v.0));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A map key with its position where the format has one (YAML); a plain string where it has none
/// (the JSON form of a built-in pack). `Spanned<String>` itself cannot read the first key of a map
/// that is itself read without positions: serde-saphyr hands that key over as a bare string.
struct Key(Spanned<String>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_saphyr::Location;
        struct Plain;
        impl<'de> Visitor<'de> for Plain {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(Spanned::new(
                    v.to_string(),
                    Location::UNKNOWN,
                    Location::UNKNOWN,
                )))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
                d.deserialize_any(self)
            }
            /// serde-saphyr's view of a spanned value: `{marker, value, referenced, defined}`.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
                let (mut value, mut referenced, mut defined) = (None, None, None);
                while let Some(field) = map.next_key::<String>()? {
                    match field.as_str() {
                        "value" => value = Some(map.next_value::<String>()?),
                        "referenced" => referenced = Some(map.next_value::<Location>()?),
                        "defined" => defined = Some(map.next_value::<Location>()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
                Ok(Key(Spanned::new(
                    value,
                    referenced.unwrap_or(Location::UNKNOWN),
                    defined.unwrap_or(Location::UNKNOWN),
                )))
            }
        }
        d.deserialize_newtype_struct("__yaml_spanned", Plain)
    }
}
