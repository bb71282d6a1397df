#![no_main]
//! The rule pack loader (parse, compile, run the examples) on any text.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(errors) = huashu::Pack::parse("p.yaml", text) {
            for e in errors {
                let _ = e.position();
            }
        }
    }
});
