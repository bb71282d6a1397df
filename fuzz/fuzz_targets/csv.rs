#![no_main]
//! The csv reader on any bytes (decoded as a file would be, then parsed).

use huashu::input::Format;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read("f.csv", data, Format::Csv, true);
    // The same bytes as tab-separated.
    common::read("f.tsv", data, Format::Tsv, true);
});
