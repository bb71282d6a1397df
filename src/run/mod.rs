//! A run of huashu as the config and the command line set it up.

pub mod baseline;
pub mod check;
pub mod commands;
pub mod config;
pub mod dropped;
pub mod fix;
pub mod library;
pub mod memory;
pub mod pool;
pub mod renames;
pub mod setup;
pub mod suppress;
pub mod write;

use crate::engine::pack::Pack;
use crate::error::Error;
use std::io::Write;
use std::path::PathBuf;

/// Writes a report. A reader that stopped early (`huashu rules | head`) is not an error; any other
/// failure to write (a full disk, a closed output) is, since the report would be cut short.
pub fn emit(out: &mut dyn Write, s: &str) -> Result<(), Error> {
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(output_error(&e)),
        _ => Ok(()),
    }
}

/// A report that could not be written (exit code 2).
pub fn output_error(e: &std::io::Error) -> Error {
    Error::usage(
        format!(
            "无法写入输出：{}，报告不完整",
            crate::error::describe_io("<标准输出>", e)
        ),
        Some("检查磁盘空间，或把输出重定向到可以写入的位置".to_string()),
    )
}

/// Where a command writes, and whether it may colour.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub stdin: &'a mut dyn FnMut() -> std::io::Result<Vec<u8>>,
    pub color: bool,
}

/// Which config file a command uses: `--config FILE`, none (`--no-config`), or the one found upward.
#[derive(Debug, Clone, Default)]
pub struct ConfigChoice {
    pub path: Option<PathBuf>,
    pub none: bool,
}

impl ConfigChoice {
    pub fn load(&self) -> Result<config::Config, Error> {
        config::load(self.path.as_deref(), !self.none)
    }

    /// The packs the config enables or disables, plus those named on the command line.
    pub fn packs(&self, cli: &[String]) -> Result<Vec<Pack>, Error> {
        let config = self.load()?;
        let value =
            |items: &[config::Item]| items.iter().map(|i| i.value.clone()).collect::<Vec<_>>();
        let mut extra = value(&config.packs);
        extra.extend(cli.iter().cloned());
        crate::engine::load_packs_except(&extra, &value(&config.disable_packs))
    }
}
