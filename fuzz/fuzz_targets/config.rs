#![no_main]
//! The config loader on any text.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(errors) =
            huashu::run::config::parse("huashu.yaml", text, std::path::Path::new("."))
        {
            for e in errors {
                let _ = e.position();
            }
        }
    }
});
