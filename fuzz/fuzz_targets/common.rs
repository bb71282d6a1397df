//! What every reader target checks of a document it read: each phrase character maps into the
//! file's text on character boundaries, and every position (of phrases and of problems) resolves.

use huashu::input::{Document, Format, Loaded, ReadOptions, read_bytes};

pub fn read(name: &str, data: &[u8], format: Format, explicit: bool) {
    let options = ReadOptions::default();
    if let Ok(Loaded::Document(doc)) =
        read_bytes(name.to_string(), data.to_vec(), format, &options, explicit)
    {
        check(&doc);
    }
}

pub fn check(doc: &Document) {
    let text = &doc.source.text;
    for p in doc.phrases() {
        let n = p.text.chars().count();
        assert!(n > 0, "empty phrase");
        for i in 0..n {
            let r = p.source_range(i..i + 1);
            assert!(
                r.start <= r.end && r.end <= text.len(),
                "{r:?} outside {}",
                text.len()
            );
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        let whole = p.source_range(0..n);
        let start = doc.source.position(whole.start);
        let end = doc.source.position(whole.end);
        assert!(start <= end, "{start:?} after {end:?}");
    }
    for e in &doc.problems {
        let at = e.position();
        assert!(at.line >= 1 && at.column >= 1);
    }
}
