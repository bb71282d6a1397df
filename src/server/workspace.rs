//! The configs of the files the editor has open: each file is checked with the config found from its
//! folder upward, as `huashu check` would find it, loaded once and kept until it or one of its pack
//! files changes on disk. A config that cannot be loaded is kept as a failure, with its mistakes
//! placed in the config and pack files.

use crate::RuleSelection;
use crate::error::{Error, LocatedError};
use crate::input;
use crate::run::config::{self, Config, Item};
use crate::run::setup::{Packs, Setup};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the files under a config are not checked.
#[derive(Debug)]
pub struct Failure {
    /// The config file (none: the defaults failed, which only a broken build could cause).
    pub config: Option<PathBuf>,
    /// The error in one line, as `huashu check` says it.
    pub summary: String,
    /// Its mistakes, each in the config or pack file where it stands.
    pub errors: Vec<LocatedError>,
}

#[derive(Clone)]
pub enum State {
    Ready(Arc<Setup>),
    Failed(Arc<Failure>),
}

struct Entry {
    state: State,
    /// The files it was made from: the config, and its pack files.
    deps: Vec<PathBuf>,
}

#[derive(Default)]
pub struct Workspace {
    /// The workspace folder, for documents that have no path (untitled buffers).
    pub root: Option<PathBuf>,
    /// The config found for each folder asked about.
    found: HashMap<PathBuf, Option<PathBuf>>,
    setups: HashMap<Option<PathBuf>, Entry>,
}

impl Workspace {
    pub fn new(root: Option<PathBuf>) -> Workspace {
        Workspace {
            root,
            ..Workspace::default()
        }
    }

    /// The config for a file: the nearest `huashu.yaml` or `.huashu.yaml` from its folder upward (from
    /// the workspace folder for a document without a path).
    pub fn config_for(&mut self, path: Option<&Path>) -> Option<PathBuf> {
        let dir = match path {
            Some(p) => p.parent()?.to_path_buf(),
            None => self.root.clone()?,
        };
        self.found
            .entry(dir)
            .or_insert_with_key(|dir| config::discover(dir))
            .clone()
    }

    /// The setup of a config (`None`: the defaults), loaded the first time it is asked for.
    pub fn setup(&mut self, config: Option<&Path>) -> State {
        let key = config.map(Path::to_path_buf);
        if let Some(e) = self.setups.get(&key) {
            return e.state.clone();
        }
        let (state, deps) = load(config);
        self.setups.insert(
            key,
            Entry {
                state: state.clone(),
                deps,
            },
        );
        state
    }

    /// A file changed on disk (or was saved, created, deleted): forgets every setup made from it, and
    /// where configs are found when it is a config. Whether anything was forgotten.
    pub fn changed(&mut self, path: &Path) -> bool {
        let is_config = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| config::NAMES.contains(&n));
        if is_config {
            self.found.clear();
        }
        let before = self.setups.len();
        self.setups
            .retain(|key, e| key.as_deref() != Some(path) && !e.deps.iter().any(|d| d == path));
        is_config || self.setups.len() != before
    }

    /// Whether a file is a pack file some loaded config uses.
    pub fn is_pack_in_use(&self, path: &Path) -> bool {
        self.setups
            .iter()
            .any(|(key, e)| key.as_deref() != Some(path) && e.deps.iter().any(|d| d == path))
    }

    /// The configs that failed to load.
    pub fn failures(&self) -> impl Iterator<Item = &Arc<Failure>> {
        self.setups.values().filter_map(|e| match &e.state {
            State::Failed(f) => Some(f),
            State::Ready(_) => None,
        })
    }
}

/// The pack files a config names, as absolute paths.
fn pack_files(config: &Config) -> Vec<PathBuf> {
    config
        .packs
        .iter()
        .filter(|p| crate::engine::builtin::text(&p.value).is_none())
        .map(|p| config::absolute(Path::new(&p.value)))
        .collect()
}

fn load(path: Option<&Path>) -> (State, Vec<PathBuf>) {
    let mut deps: Vec<PathBuf> = path.map(Path::to_path_buf).into_iter().collect();
    let loaded = match path {
        Some(p) => config::load(Some(p), true),
        None => config::load(None, false),
    };
    let config = match loaded {
        Ok(c) => c,
        Err(e) => return (State::Failed(Arc::new(failure(path, e, None))), deps),
    };
    deps.extend(pack_files(&config));
    let kept = config.clone();
    match Setup::new(config, &RuleSelection::default(), None, Packs::All) {
        Ok(mut setup) => {
            // The library checks run on each open document on its own, as `huashu check FILE`
            // runs them (no overview: the editor shows findings only).
            setup.activate_library(false);
            (State::Ready(Arc::new(setup)), deps)
        }
        Err(e) => (State::Failed(Arc::new(failure(path, e, Some(&kept)))), deps),
    }
}

/// A failure to load a config, each mistake placed in its file: a pack's or an unreadable pack's
/// trouble is also told at the pack's entry in the config.
fn failure(path: Option<&Path>, e: Error, config: Option<&Config>) -> Failure {
    let summary = e.to_string();
    let at_item = |name: &str, message: String| -> Option<LocatedError> {
        let config = config?;
        let src = config.source.as_ref()?;
        let item: &Item = config.packs.iter().find(|i| i.value == name)?;
        Some(LocatedError::new(
            src,
            item.span.clone()?,
            message,
            "规则包有错误",
        ))
    };
    let at_top = |message: String| -> Option<LocatedError> {
        let src = config?.source.as_ref()?;
        Some(LocatedError::new(src, 0..0, message, "这里"))
    };
    let errors = match e {
        Error::Config { errors, .. } => errors,
        Error::Located(e) => vec![*e],
        Error::Pack { path: pack, errors } => {
            let first = errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            let message = format!("规则包 {pack} 有 {} 处错误：{first}", errors.len());
            let mut all: Vec<LocatedError> = at_item(&pack, message).into_iter().collect();
            all.extend(errors);
            all
        }
        Error::Io { ref path, .. } => at_item(path, e.to_string())
            .or_else(|| at_top(e.to_string()))
            .into_iter()
            .collect(),
        other => at_top(other.to_string()).into_iter().collect(),
    };
    Failure {
        config: path.map(Path::to_path_buf),
        summary,
        errors,
    }
}

/// The mistakes in a config as the editor has it (saved or not): its own (an unknown key, a bad
/// level) and those found applying it (a rule or pack that does not exist, a pack with errors),
/// placed in the config itself.
pub fn check_config(path: &Path, text: &str) -> Vec<LocatedError> {
    let root = path.parent().unwrap_or(Path::new("/"));
    let shown = input::display_path(path);
    let mut config = match config::parse(&shown, text, root) {
        Ok(c) => c,
        Err(errors) => return errors,
    };
    config.path = Some(path.to_path_buf());
    let Some(source) = config.source.clone() else {
        return Vec::new();
    };
    let kept = config.clone();
    match Setup::new(config, &RuleSelection::default(), None, Packs::All) {
        Ok(_) => Vec::new(),
        Err(e) => failure(Some(path), e, Some(&kept))
            .errors
            .into_iter()
            .filter(|e| Arc::ptr_eq(&e.src, &source))
            .collect(),
    }
}

/// The mistakes in a rule pack as the editor has it, its examples tested (as loading it does).
pub fn check_pack(path: &Path, text: &str) -> Vec<LocatedError> {
    crate::engine::pack::Pack::parse(&input::display_path(path), text)
        .err()
        .unwrap_or_default()
}

/// The file a located mistake stands in.
pub fn file_of(e: &LocatedError) -> PathBuf {
    config::absolute(Path::new(&*e.src.name))
}
