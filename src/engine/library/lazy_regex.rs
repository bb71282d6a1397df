//! A regex compiled on first use, for the library pack's facts and stage word lists: a run compiles
//! only those its phrases may need (the library's screen rules the others out), and a built-in
//! pack's are not compiled at start. A user pack's are compiled when it loads, so that a mistake is
//! reported there ([`LazyRegex::compiled`]).

use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    re: OnceLock<Regex>,
}

impl LazyRegex {
    /// A pattern known to compile (a built-in pack's: `cargo test` compiles every one).
    pub fn lazy(source: &str) -> LazyRegex {
        LazyRegex {
            source: source.to_string(),
            re: OnceLock::new(),
        }
    }

    /// A pattern compiled already.
    pub fn compiled(re: Regex) -> LazyRegex {
        LazyRegex {
            source: re.as_str().to_string(),
            re: OnceLock::from(re),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compiled regex.
    pub fn get(&self) -> &Regex {
        self.re
            .get_or_init(|| Regex::new(&self.source).expect("a built-in pattern compiles (tested)"))
    }
}
