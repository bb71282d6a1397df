//! Report formats, one module each.

pub mod github;
pub mod json;
pub mod junit;
pub mod pretty;
pub mod sarif;
pub mod statistics;
