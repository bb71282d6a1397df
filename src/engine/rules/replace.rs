//! `replace`: a bad form with the form(s) to write instead; `fix: safe` marks replacements that can be
//! applied without a person looking. (`Fix::Remove` is the `forbid` counterpart: the match can be
//! deleted without a person looking.)

use super::matcher::Words;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fix {
    Safe,
    Suggest,
    /// A `forbid` match that `--fix` deletes (stage directions such as “（笑脸表情）”).
    Remove,
}

#[derive(Debug, Clone)]
pub struct Replace {
    /// The bad forms, matched leftmost-longest.
    pub keys: Words,
    /// The replacements of each key, in the order of the keys.
    pub values: Vec<Vec<String>>,
    pub fix: Fix,
}

impl Replace {
    /// `map` keys must already be normalised; `map` must not be empty.
    pub fn new(map: Vec<(String, Vec<String>)>, fix: Fix) -> Self {
        let (keys, values) = map.into_iter().unzip();
        Replace {
            keys: Words::new(keys).expect("a replace rule has at least one key"),
            values,
            fix,
        }
    }
}
