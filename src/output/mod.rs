//! Report formats, one module each.

pub mod json;
pub mod pretty;
