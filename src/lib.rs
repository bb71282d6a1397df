//! huashu (话术): a linter for Chinese e-commerce customer-service phrase libraries.
//!
//! Data flows one way: paths → files ([`input`]) → phrases ([`phrase`]) → diagnostics ([`linter`],
//! [`diagnostic`]) → report ([`report`], [`output`]). Rules come from YAML packs ([`pack`]), the
//! built-in ones embedded in the binary ([`builtin`]).

pub mod baseline;
pub mod builtin;
pub mod catalog;
pub mod check;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod fix;
pub mod input;
pub mod linter;
pub mod normalize;
pub mod output;
pub mod pack;
pub mod phrase;
pub mod report;
pub mod rules;
pub mod scene;
pub mod setup;
pub mod source;
pub mod suppress;

pub use check::RuleSelection;
pub use diagnostic::Diagnostic;
pub use error::Error;
pub use linter::Linter;
pub use pack::Pack;
pub use rules::{Level, Rule};
pub use scene::Scene;
