//! huashu (话术): a linter for Chinese e-commerce customer-service phrase libraries.
//!
//! The modules are layered the way data flows, and each imports only the layers before it:
//!
//! 1. [`text`]: a file's decoded text and positions, phrases, the normalised views rules match on.
//! 2. [`input`]: paths → files → phrases, one reader per format.
//! 3. [`engine`]: rule packs (the built-in ones embedded in the binary), compiled rules, matching.
//! 4. [`report`]: findings placed in their files, and one writer per output format.
//! 5. [`run`]: a run as the config and the command line set it up: selection, suppressions,
//!    baselines, fixes, and the subcommands.
//! 6. [`server`]: `huashu server`, the same checks live in the editor (the Language Server
//!    Protocol).
//!
//! [`error`] sits below them all: the errors that stop a run, each naming its file and place.

pub mod engine;
pub mod error;
pub mod input;
pub mod report;
pub mod run;
pub mod server;
pub mod text;

pub use engine::RuleSelection;
pub use engine::linter::Linter;
pub use engine::pack::Pack;
pub use engine::rules::{Level, Rule};
pub use error::Error;
pub use report::diagnostic::Diagnostic;
pub use text::scene::Scene;
