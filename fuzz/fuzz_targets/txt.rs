#![no_main]
//! The txt reader on any bytes (decoded as a file would be, then parsed).

use huashu::input::Format;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read("f.txt", data, Format::Txt, true);
});
