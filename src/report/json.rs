//! `--format json`: exactly one JSON document on stdout, written as the findings come.
//!
//! ```text
//! {"version": 1, "diagnostics": [...], "errors": [...], "skipped": [...], "empty": [...],
//!  "statistics": [...] (with --statistics), "library": {...} (with --summary), "summary": {...}}
//! ```
//!
//! `errors` lists the files that could not be checked (path, line and column where known, message);
//! `skipped` the files met while walking that are not phrase libraries (path, reason); `empty` the
//! files checked that hold no phrase.

use crate::report::diagnostic::Diagnostic;
use crate::report::{End, Writer};
use serde::Serialize;
use std::io::{self, Write};

pub const VERSION: u32 = 1;

pub struct Json<'a> {
    out: Box<dyn Write + 'a>,
    started: bool,
    any: bool,
    /// Scratch space of [`Json::value`].
    buf: Vec<u8>,
    padded: Vec<u8>,
}

impl<'a> Json<'a> {
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Json {
            out,
            started: false,
            any: false,
            buf: Vec::new(),
            padded: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(
                self.out,
                "{{\n  \"version\": {VERSION},\n  \"diagnostics\": ["
            )?;
        }
        Ok(())
    }

    /// Writes `value` pretty-printed, each line after the first indented by `indent` spaces: made in
    /// a reused buffer and written in one call (a report can hold a million findings).
    fn value(&mut self, value: &impl Serialize, indent: usize) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer_pretty(&mut self.buf, value).map_err(io::Error::other)?;
        self.padded.clear();
        for (i, line) in self.buf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.padded.push(b'\n');
                self.padded.resize(self.padded.len() + indent, b' ');
            }
            self.padded.extend_from_slice(line);
        }
        self.out.write_all(&self.padded)
    }

    fn field(&mut self, key: &str, value: &impl Serialize) -> io::Result<()> {
        write!(self.out, ",\n  \"{key}\": ")?;
        self.value(value, 2)
    }
}

#[derive(Serialize)]
struct SkippedEntry<'a> {
    path: &'a str,
    reason: &'static str,
}

impl Writer for Json<'_> {
    fn diagnostic(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.start()?;
        self.out
            .write_all(if self.any { b",\n    " } else { b"\n    " })?;
        self.any = true;
        self.value(d, 4)
    }

    fn finish(&mut self, end: &End) -> io::Result<()> {
        self.start()?;
        self.out.write_all(if self.any { b"\n  ]" } else { b"]" })?;
        self.field("errors", &end.failures)?;
        let skipped: Vec<SkippedEntry> = end
            .skipped
            .iter()
            .map(|s| SkippedEntry {
                path: &s.path,
                reason: s.reason.as_str(),
            })
            .collect();
        self.field("skipped", &skipped)?;
        self.field("empty", &end.empty)?;
        if let Some(stats) = end.statistics {
            self.field("statistics", &stats)?;
        }
        if let Some(library) = end.library {
            self.field("library", library)?;
        }
        self.field("summary", &end.summary)?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Summary;

    #[test]
    fn streams_one_valid_document() {
        let mut buf = Vec::new();
        {
            let mut w = Json::new(Box::new(&mut buf));
            w.diagnostic(&crate::report::sample("你好\n", 0..3))
                .unwrap();
            w.diagnostic(&crate::report::sample("你们", 0..3)).unwrap();
            w.finish(&End {
                summary: Summary::default(),
                failures: &[],
                skipped: &[],
                empty: &[],
                statistics: None,
                library: None,
            })
            .unwrap();
        }
        let doc: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 2);
        assert_eq!(doc["diagnostics"][1]["matched"], "你");
        assert_eq!(doc["errors"], serde_json::json!([]));
        let mut empty = Vec::new();
        Json::new(Box::new(&mut empty))
            .finish(&End {
                summary: Summary::default(),
                failures: &[],
                skipped: &[],
                empty: &[],
                statistics: None,
                library: None,
            })
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&empty).unwrap();
        assert_eq!(doc["diagnostics"], serde_json::json!([]));
    }
}
