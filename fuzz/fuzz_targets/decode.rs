#![no_main]
//! Encoding detection and decoding on any bytes, detected and forced; positions in the result.

use huashu::input::decode::{decode, looks_binary, looks_utf16, utf32_bom};
use huashu::text::encoding::{BIG5, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};
use huashu::text::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = (looks_binary(data), looks_utf16(data), utf32_bom(data));
    let forced = [
        None,
        Some(UTF_8),
        Some(UTF_16LE),
        Some(UTF_16BE),
        Some(GBK),
        Some(GB18030),
        Some(BIG5),
    ];
    let which = data.first().map_or(0, |b| *b as usize % forced.len());
    for choice in [None, forced[which]] {
        match decode("f.txt", data.to_vec(), choice) {
            Ok(d) => {
                let src = SourceFile::new("f.txt", d.text);
                for (i, _) in src.text.char_indices().step_by(7) {
                    let p = src.position(i);
                    assert!(p.line >= 1 && p.column >= 1);
                }
                if let Some(damage) = d.damage {
                    assert!(damage.count >= 1 && !damage.bytes.is_empty());
                    assert_eq!(
                        &src.text[damage.first.clone()].chars().next(),
                        &Some('\u{FFFD}')
                    );
                }
            }
            Err(e) => {
                let _ = (e.position(), e.message());
            }
        }
    }
});
