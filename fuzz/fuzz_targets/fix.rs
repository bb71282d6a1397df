#![no_main]
//! The fix writer: read a file, plan its fixes with the built-in packs, then read the fixed text
//! back. It must parse, hold as many phrases, differ from the original only inside the original's
//! phrases (every stretch between them is still there, in order, unchanged), and need no further
//! fix.

use huashu::input::{self, Document, Format, Input, Loaded, ReadOptions};
use huashu::run::fix;
use huashu::run::setup::Setup;
use huashu::text::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        Setup::new(Default::default(), &Default::default(), None).expect("built-in packs")
    })
}

/// The text between phrases: before the first, between each two, after the last.
fn gaps(doc: &Document) -> Vec<String> {
    let text = &doc.source.text;
    let mut spans: Vec<(usize, usize)> = doc
        .phrases()
        .map(|p| {
            let n = p.text.chars().count();
            let r = p.source_range(0..n);
            (r.start, r.end)
        })
        .collect();
    spans.sort();
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e) in spans {
        if s >= at {
            out.push(text[at..s].to_string());
            at = e;
        } else {
            at = at.max(e);
        }
    }
    out.push(text[at.min(text.len())..].to_string());
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let formats = [
        Format::Txt,
        Format::Csv,
        Format::Tsv,
        Format::Yaml,
        Format::Json,
        Format::Md,
    ];
    let format = formats[which as usize % formats.len()];
    let name = format!(
        "f.{}",
        ["txt", "csv", "tsv", "yaml", "json", "md"][which as usize % 6]
    );
    let Ok(Loaded::Document(mut doc)) = input::read_bytes(
        name.clone(),
        bytes.to_vec(),
        format,
        &ReadOptions::default(),
        true,
    ) else {
        return;
    };
    if !doc.problems.is_empty() {
        return; // never fixed (the run refuses)
    }
    let setup = setup();
    setup.apply_scenes(&mut doc);
    let input = Input::File {
        path: name.clone().into(),
        format,
        explicit: true,
    };
    let f = fix::plan(setup, &input, &doc);
    if !f.changed() {
        return;
    }
    let mut source = SourceFile::new(name.clone(), f.after.clone());
    if let Some(e) = doc.source.encoding {
        source = source.with_encoding(e);
    }
    let fixed = input::parse(Arc::new(source), format).expect("a fixed file reads back");
    assert_eq!(fixed.len(), doc.len(), "a fix added or dropped a phrase");
    // The fixed text is g0 p0' g1 p1' … gn: the gaps of the original around changed phrases.
    let old = gaps(&doc);
    let after = &f.after;
    assert!(
        after.starts_with(&old[0]),
        "a fix changed the text before the first phrase"
    );
    assert!(
        after.ends_with(&old[old.len() - 1]),
        "a fix changed the text after the last phrase"
    );
    let mut at = old[0].len();
    for gap in &old[1..] {
        match after[at..].find(gap.as_str()) {
            Some(i) => at += i + gap.len(),
            None => panic!("a fix changed the text between phrases: {gap:?} is gone"),
        }
    }
    let again = fix::plan(setup, &input, &fixed);
    assert!(!again.changed(), "a second fix changed more");
});
