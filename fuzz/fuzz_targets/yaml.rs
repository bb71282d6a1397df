#![no_main]
//! YAML and JSON phrasebooks on any bytes, walked (skipped when not a phrasebook) and named.

use huashu::input::Format;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read("f.yaml", data, Format::Yaml, true);
    common::read("f.json", data, Format::Json, false);
});
