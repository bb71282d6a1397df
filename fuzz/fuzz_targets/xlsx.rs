#![no_main]
//! Workbooks on any bytes: the container checks, calamine, and the sheet reader.

use huashu::input::Format;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read("f.xlsx", data, Format::Xlsx, true);
});
