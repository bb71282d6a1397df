//! `huashu server`: live diagnostics in the editor, as a Language Server over standard input and
//! output.
//!
//! The server sits on top of the run: a document the editor opens is read from its buffer as
//! `huashu check` reads the file (format by extension, the config found from its folder upward, its
//! overrides and suppressions), checked, and its findings published with ranges in the position
//! encoding agreed with the editor. Changes are checked after a short pause in typing, and only the
//! phrases that changed are linted again ([`document`]). Quick fixes are the edits `--fix` makes
//! ([`actions`]); hovering a finding shows its rule's explanation ([`explain`]). `huashu.yaml` and rule
//! packs are checked as they are edited, and the open files again when they are saved or change on
//! disk ([`workspace`]).
//!
//! The protocol is `lsp-server` and `lsp-types` (rust-analyzer's): synchronous, one thread handling
//! messages in order, linting on every core when a file is large. Nothing a client sends stops the
//! server but `exit`: malformed messages, unknown methods and files that are not phrase files are
//! answered or ignored, and a panic while handling one message is reported and survived.

mod actions;
mod document;
mod explain;
mod position;
mod transport;
mod uri;
mod workspace;

use crate::engine::rules::Level;
use crate::error::LocatedError;
use crate::input::Input;
use crate::report::diagnostic::Diagnostic;
use actions::{Action, Checked};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use document::{Cache, Kind, Read};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use position::{Encoding, LineIndex};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use workspace::{State, Workspace};

/// How long typing must pause before a changed document is checked, unless the client says
/// otherwise (`initializationOptions.debounce`, in milliseconds).
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Runs the server on standard input and output until the client says `exit` or goes away. The exit
/// code is 0 after an orderly `shutdown`, 1 otherwise (as the protocol asks).
pub fn run() -> u8 {
    let t = transport::Transport::stdio();
    let code = serve(&t.sender, &t.receiver);
    t.finish();
    code
}

fn send(out: &Sender<Message>, m: impl Into<Message>) {
    // The writer ends only when standard output is closed: then nobody is listening.
    let _ = out.send(m.into());
}

fn error(out: &Sender<Message>, id: RequestId, code: ErrorCode, message: impl Into<String>) {
    send(out, Response::new_err(id, code as i32, message.into()));
}

/// The protocol before `initialize`, then the server's loop.
fn serve(out: &Sender<Message>, incoming: &Receiver<Message>) -> u8 {
    let mut server = loop {
        match incoming.recv() {
            Err(_) => return 1,
            Ok(Message::Request(r)) if r.method == "initialize" => {
                break Server::initialize(out.clone(), r);
            }
            Ok(Message::Request(r)) => error(
                out,
                r.id,
                ErrorCode::ServerNotInitialized,
                "huashu server 还没有初始化：请先发送 initialize",
            ),
            Ok(Message::Notification(n)) if n.method == "exit" => return 1,
            Ok(Message::Notification(n)) if n.method == transport::MALFORMED => {
                // Before `initialize` the server may not send notifications: say it on stderr.
                eprintln!("huashu server：收到无法解析的消息，已忽略：{}", n.params);
            }
            Ok(_) => {}
        }
    };
    loop {
        let received = match server.next_due() {
            Some(due) => match incoming.recv_deadline(due) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return 1,
            },
            None => match incoming.recv() {
                Ok(m) => Some(m),
                Err(_) => return 1,
            },
        };
        if let Some(message) = received {
            if let Message::Notification(n) = &message
                && n.method == "exit"
            {
                return if server.shutdown { 0 } else { 1 };
            }
            server.guarded(|s| s.handle(message));
        }
        server.guarded(Server::check_due);
    }
}

/// What the client can do, from its `initialize` request.
#[derive(Debug, Default, Clone, Copy)]
struct Client {
    related: bool,
    code_description: bool,
    document_changes: bool,
    disabled_actions: bool,
    resolve_edits: bool,
    watch_files: bool,
}

/// An open document.
struct Doc {
    uri: lsp::Uri,
    path: Option<PathBuf>,
    language: String,
    version: i32,
    text: String,
    index: LineIndex,
    /// When a change is to be checked (typing paused); `None`: checked as it is.
    due: Option<Instant>,
    cache: Cache,
    /// The phrase document as last checked, for quick fixes and hovers.
    checked: Option<Checked>,
}

struct Server {
    out: Sender<Message>,
    encoding: Encoding,
    client: Client,
    debounce: Duration,
    workspace: Workspace,
    docs: HashMap<lsp::Uri, Doc>,
    pages: explain::Pages,
    /// Links to explanation pages, per setup and rule.
    links: HashMap<(usize, String), Option<lsp::Uri>>,
    /// Diagnostics published for files that are not open: configs and packs that failed to load.
    elsewhere: HashMap<PathBuf, Vec<lsp::Diagnostic>>,
    next_id: i32,
    shutdown: bool,
}

fn flag(params: &Value, pointer: &str) -> bool {
    params.pointer(pointer).and_then(Value::as_bool) == Some(true)
}

impl Server {
    fn initialize(out: Sender<Message>, request: Request) -> Server {
        let p = &request.params;
        let offered: Vec<String> = p
            .pointer("/capabilities/general/positionEncodings")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let encoding = Encoding::negotiate(&offered);
        let client = Client {
            related: flag(
                p,
                "/capabilities/textDocument/publishDiagnostics/relatedInformation",
            ),
            code_description: flag(
                p,
                "/capabilities/textDocument/publishDiagnostics/codeDescriptionSupport",
            ),
            document_changes: flag(p, "/capabilities/workspace/workspaceEdit/documentChanges"),
            disabled_actions: flag(p, "/capabilities/textDocument/codeAction/disabledSupport"),
            resolve_edits: p
                .pointer("/capabilities/textDocument/codeAction/resolveSupport/properties")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v == "edit")),
            watch_files: flag(
                p,
                "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration",
            ),
        };
        let root = p
            .pointer("/workspaceFolders/0/uri")
            .or_else(|| p.get("rootUri"))
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<lsp::Uri>().ok())
            .and_then(|u| uri::to_path(&u))
            .or_else(|| p.get("rootPath").and_then(Value::as_str).map(PathBuf::from));
        let debounce = p
            .pointer("/initializationOptions/debounce")
            .and_then(Value::as_u64)
            .map_or(DEBOUNCE, Duration::from_millis);
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::SOURCE_FIX_ALL,
                    ]),
                    resolve_provider: Some(client.resolve_edits),
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
        let result = lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "huashu".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        send(&out, Response::new_ok(request.id, result));
        Server {
            out,
            encoding,
            client,
            debounce,
            workspace: Workspace::new(root),
            docs: HashMap::new(),
            pages: explain::Pages::new(explain::default_dir()),
            links: HashMap::new(),
            elsewhere: HashMap::new(),
            next_id: 0,
            shutdown: false,
        }
    }

    /// Runs a step, surviving a panic in it: the client is told, the server goes on.
    fn guarded(&mut self, step: impl FnOnce(&mut Server)) {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step(self)));
        if let Err(panic) = result {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            self.log(
                lsp::MessageType::ERROR,
                format!("huashu server 内部错误（已跳过这条消息）：{what}"),
            );
        }
    }

    fn log(&self, typ: lsp::MessageType, message: String) {
        send(
            &self.out,
            Notification::new(
                "window/logMessage".to_string(),
                lsp::LogMessageParams { typ, message },
            ),
        );
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Request(r) => self.request(r),
            Message::Notification(n) => self.notification(n),
            // Answers to our own requests (registering file watchers): nothing to do.
            Message::Response(_) => {}
        }
    }

    fn request(&mut self, r: Request) {
        if self.shutdown {
            return error(
                &self.out,
                r.id,
                ErrorCode::InvalidRequest,
                "huashu server 已经关闭（shutdown），只等 exit",
            );
        }
        let id = r.id.clone();
        let result: Result<Value, (ErrorCode, String)> = match r.method.as_str() {
            "initialize" => Err((
                ErrorCode::InvalidRequest,
                "已经初始化过了：initialize 只能发送一次".to_string(),
            )),
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/hover" => params(r.params).map(|p| self.hover(p)),
            "textDocument/codeAction" => params(r.params).map(|p| self.code_actions(p)),
            "codeAction/resolve" => params(r.params).map(|p| self.resolve(p)),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("huashu server 不支持 {other}"),
            )),
        };
        match result {
            Ok(v) => send(
                &self.out,
                Response {
                    id,
                    response_result: Ok(v),
                },
            ),
            Err((code, message)) => error(&self.out, id, code, message),
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "initialized" => self.watch_files(),
            "textDocument/didOpen" => self.with(n.params, Server::did_open),
            "textDocument/didChange" => self.with(n.params, Server::did_change),
            "textDocument/didSave" => self.with(n.params, Server::did_save),
            "textDocument/didClose" => self.with(n.params, Server::did_close),
            "workspace/didChangeWatchedFiles" => self.with(n.params, Server::files_changed),
            transport::MALFORMED => self.log(
                lsp::MessageType::WARNING,
                format!("收到无法解析的消息，已忽略：{}", n.params),
            ),
            // $/cancelRequest (requests are answered in order, at once), $/setTrace, configuration
            // changes, and anything else.
            _ => {}
        }
    }

    /// Calls a notification handler with its parameters, or says that they did not parse.
    fn with<P: serde::de::DeserializeOwned>(&mut self, value: Value, handler: fn(&mut Server, P)) {
        match serde_json::from_value::<P>(value) {
            Ok(p) => handler(self, p),
            Err(e) => self.log(
                lsp::MessageType::WARNING,
                format!("通知的参数不对，已忽略：{e}"),
            ),
        }
    }

    /// Asks the client to tell about changes of configs and packs on disk (when it can be asked).
    fn watch_files(&mut self) {
        if !self.client.watch_files {
            return;
        }
        let watchers = ["**/huashu.yaml", "**/.huashu.yaml", "**/*.yaml", "**/*.yml"]
            .into_iter()
            .map(|g| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "huashu-watch-configs".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        send(
            &self.out,
            Request::new(
                RequestId::from(format!("huashu-{}", self.next_id)),
                "client/registerCapability".to_string(),
                params,
            ),
        );
    }

    // ---- Documents ------------------------------------------------------------------------------

    fn did_open(&mut self, p: lsp::DidOpenTextDocumentParams) {
        let d = p.text_document;
        let index = LineIndex::new(&d.text);
        let path = uri::to_path(&d.uri);
        self.docs.insert(
            d.uri.clone(),
            Doc {
                uri: d.uri.clone(),
                path,
                language: d.language_id,
                version: d.version,
                text: d.text,
                index,
                due: None,
                cache: Cache::default(),
                checked: None,
            },
        );
        self.check(&d.uri);
        self.refresh_elsewhere();
    }

    fn did_change(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let encoding = self.encoding;
        let due = Instant::now() + self.debounce;
        let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                Some(range) => {
                    let span = doc.index.span(&doc.text, range, encoding);
                    doc.text.replace_range(span, &change.text);
                }
                None => doc.text = change.text,
            }
            doc.index = LineIndex::new(&doc.text);
        }
        doc.version = p.text_document.version;
        doc.due = Some(due);
    }

    fn did_save(&mut self, p: lsp::DidSaveTextDocumentParams) {
        if let Some(path) = uri::to_path(&p.text_document.uri) {
            self.disk_changed(&[path]);
        }
    }

    fn did_close(&mut self, p: lsp::DidCloseTextDocumentParams) {
        if let Some(doc) = self.docs.remove(&p.text_document.uri) {
            self.publish(&doc.uri, Vec::new(), None);
            self.refresh_elsewhere();
        }
    }

    fn files_changed(&mut self, p: lsp::DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> = p
            .changes
            .iter()
            .filter_map(|c| uri::to_path(&c.uri))
            .collect();
        self.disk_changed(&paths);
    }

    /// Files changed on disk: when configs or packs in use are among them, every open document is
    /// checked again under what they now say.
    fn disk_changed(&mut self, paths: &[PathBuf]) {
        let mut any = false;
        for p in paths {
            any |= self.workspace.changed(p);
        }
        if !any {
            return;
        }
        self.links.clear();
        let uris: Vec<lsp::Uri> = self.docs.keys().cloned().collect();
        for u in &uris {
            self.check(u);
        }
        self.refresh_elsewhere();
    }

    /// The next moment a changed document is due to be checked.
    fn next_due(&self) -> Option<Instant> {
        self.docs.values().filter_map(|d| d.due).min()
    }

    fn check_due(&mut self) {
        let now = Instant::now();
        let due: Vec<lsp::Uri> = self
            .docs
            .values()
            .filter(|d| d.due.is_some_and(|t| t <= now))
            .map(|d| d.uri.clone())
            .collect();
        for u in &due {
            self.check(u);
        }
        if !due.is_empty() {
            self.refresh_elsewhere();
        }
    }

    /// Checks a document that has changed since it was last checked (before answering about it).
    fn flush(&mut self, uri: &lsp::Uri) {
        if self.docs.get(uri).is_some_and(|d| d.due.is_some()) {
            self.check(uri);
            self.refresh_elsewhere();
        }
    }

    /// Checks a document as the editor has it now, and publishes its diagnostics.
    fn check(&mut self, uri: &lsp::Uri) {
        let started = Instant::now();
        let Some(mut doc) = self.docs.remove(uri) else {
            return;
        };
        doc.due = None;
        doc.checked = None;
        let pack_in_use = doc
            .path
            .as_deref()
            .is_some_and(|p| self.workspace.is_pack_in_use(p));
        let kind = document::kind_of(doc.path.as_deref(), &doc.language, &doc.text, pack_in_use);
        let diagnostics = match (kind, doc.path.clone()) {
            (Kind::Config, Some(path)) => {
                let errors = workspace::check_config(&path, &doc.text);
                self.located(&doc, &errors)
            }
            (Kind::Pack, Some(path)) => {
                let errors = workspace::check_pack(&path, &doc.text);
                self.located(&doc, &errors)
            }
            (Kind::Phrases(format), path) => self.check_phrases(&mut doc, format, path, started),
            _ => Vec::new(),
        };
        self.publish(&doc.uri, diagnostics, Some(doc.version));
        self.docs.insert(uri.clone(), doc);
    }

    fn check_phrases(
        &mut self,
        doc: &mut Doc,
        format: crate::input::Format,
        path: Option<PathBuf>,
        started: Instant,
    ) -> Vec<lsp::Diagnostic> {
        let config = self.workspace.config_for(path.as_deref());
        let setup = match self.workspace.setup(config.as_deref()) {
            State::Ready(s) => s,
            State::Failed(f) => return vec![self.not_checked(&f)],
        };
        if path.as_deref().is_some_and(|p| setup.excluded(p)) {
            return Vec::new();
        }
        let name = match &path {
            Some(p) => crate::input::display_path(p),
            None => doc.uri.as_str().to_string(),
        };
        let read_started = Instant::now();
        let (read, shift) = document::read(&name, &doc.text, format, &setup);
        let document = match read {
            Read::Document(d) => d,
            Read::Skipped => return Vec::new(),
            Read::Failed(e) => return vec![self.unreadable(doc, shift, &e)],
        };
        let read_time = read_started.elapsed();
        let input = match &path {
            Some(p) => Input::File {
                path: p.clone(),
                format,
                explicit: true,
            },
            None => Input::Stdin,
        };
        let linter = setup.profile_linter(&setup.profile_of(&input));
        let (found, stats) = document::lint(&setup, &document, &linter, &mut doc.cache);
        let found = document::with_library(&setup, &document, &linter, found);
        let diagnostics: Vec<lsp::Diagnostic> = found
            .iter()
            .map(|d| self.finding(doc, shift, &setup, d))
            .collect();
        self.log(
            lsp::MessageType::LOG,
            format!(
                "已检查 {name}（第 {} 版）：{} 条话术，重新检查 {} 条，{} 个问题；读取 {:.1} ms，共 {:.1} ms",
                doc.version,
                stats.phrases,
                stats.linted,
                found.len(),
                read_time.as_secs_f64() * 1000.0,
                started.elapsed().as_secs_f64() * 1000.0
            ),
        );
        doc.checked = Some(Checked {
            document,
            shift,
            setup,
            input,
            found,
        });
        diagnostics
    }

    fn publish(&self, uri: &lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        send(
            &self.out,
            Notification::new(
                "textDocument/publishDiagnostics".to_string(),
                lsp::PublishDiagnosticsParams {
                    uri: uri.clone(),
                    diagnostics,
                    version,
                },
            ),
        );
    }

    // ---- Diagnostics ----------------------------------------------------------------------------

    /// A finding as the editor shows it.
    fn finding(
        &mut self,
        doc: &Doc,
        shift: usize,
        setup: &Arc<crate::run::setup::Setup>,
        d: &Diagnostic,
    ) -> lsp::Diagnostic {
        let range = doc.index.range(
            &doc.text,
            d.span.start + shift..d.span.end + shift,
            self.encoding,
        );
        let code_description = if self.client.code_description {
            self.link(setup, &d.rule)
                .map(|href| lsp::CodeDescription { href })
        } else {
            None
        };
        let related_information = (self.client.related && !d.related.is_empty()).then(|| {
            d.related
                .iter()
                .filter_map(|r| {
                    let (uri, range) = if Arc::ptr_eq(&r.source, &d.source) {
                        let span = r.span.start + shift..r.span.end + shift;
                        (
                            doc.uri.clone(),
                            doc.index.range(&doc.text, span, self.encoding),
                        )
                    } else {
                        let path = crate::run::config::absolute(Path::new(&*r.path));
                        let index = LineIndex::new(&r.source.text);
                        let range = index.range(&r.source.text, r.span.clone(), self.encoding);
                        (uri::from_path(&path)?, range)
                    };
                    Some(lsp::DiagnosticRelatedInformation {
                        location: lsp::Location { uri, range },
                        message: r.message.clone(),
                    })
                })
                .collect()
        });
        lsp::Diagnostic {
            range,
            severity: Some(severity(d.severity)),
            code: Some(lsp::NumberOrString::String(d.rule.to_string())),
            code_description,
            source: Some("huashu".to_string()),
            message: message(d),
            related_information,
            tags: None,
            data: None,
        }
    }

    /// The link to a rule's explanation page, made once per setup and rule.
    fn link(&mut self, setup: &Arc<crate::run::setup::Setup>, rule: &str) -> Option<lsp::Uri> {
        let key = (Arc::as_ptr(setup) as usize, rule.to_string());
        if let Some(l) = self.links.get(&key) {
            return l.clone();
        }
        let link = explain::text(Some(&**setup), rule).and_then(|t| self.pages.uri(rule, &t));
        self.links.insert(key, link.clone());
        link
    }

    /// Mistakes in a config or pack the editor has open.
    fn located(&self, doc: &Doc, errors: &[LocatedError]) -> Vec<lsp::Diagnostic> {
        errors
            .iter()
            .map(|e| located(e, &doc.text, &doc.index, self.encoding))
            .collect()
    }

    /// The diagnostic of a phrase file whose config cannot be loaded: at its top, pointing to the
    /// mistakes.
    fn not_checked(&self, f: &workspace::Failure) -> lsp::Diagnostic {
        let config = f
            .config
            .as_deref()
            .map(crate::input::display_path)
            .unwrap_or_else(|| "huashu.yaml".to_string());
        let related: Vec<lsp::DiagnosticRelatedInformation> = f
            .errors
            .iter()
            .filter_map(|e| {
                let path = workspace::file_of(e);
                let index = LineIndex::new(&e.src.text);
                let span = e.span.offset()..e.span.offset() + e.span.len();
                Some(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location {
                        uri: uri::from_path(&path)?,
                        range: index.range(&e.src.text, span, self.encoding),
                    },
                    message: e.message.clone(),
                })
            })
            .collect();
        lsp::Diagnostic {
            range: lsp::Range::default(),
            severity: Some(lsp::DiagnosticSeverity::WARNING),
            source: Some("huashu".to_string()),
            message: format!(
                "配置 {config} 有错误，改正之后才会检查这个文件：{}",
                f.summary
            ),
            related_information: (self.client.related && !related.is_empty()).then_some(related),
            ..Default::default()
        }
    }

    /// The diagnostic of a phrase file that cannot be read (YAML that does not parse, a table
    /// without a phrase column): where the reader says.
    fn unreadable(&self, doc: &Doc, shift: usize, e: &crate::Error) -> lsp::Diagnostic {
        if let crate::Error::Located(e) = e {
            let mut d = located(e, &doc.text, &doc.index, self.encoding);
            let span = e.span.offset() + shift..e.span.offset() + e.span.len() + shift;
            d.range = doc.index.range(&doc.text, span, self.encoding);
            return d;
        }
        let mut message = e.message();
        if let Some(help) = miette::Diagnostic::help(e) {
            message.push_str(&format!("\n提示：{help}"));
        }
        lsp::Diagnostic {
            range: lsp::Range::default(),
            severity: Some(lsp::DiagnosticSeverity::ERROR),
            source: Some("huashu".to_string()),
            message,
            ..Default::default()
        }
    }

    /// Publishes the mistakes of configs and packs that failed to load into their files when the
    /// editor does not have them open (open ones are checked as they are edited), and clears those
    /// fixed since.
    fn refresh_elsewhere(&mut self) {
        let open: Vec<PathBuf> = self.docs.values().filter_map(|d| d.path.clone()).collect();
        let mut now: HashMap<PathBuf, Vec<lsp::Diagnostic>> = HashMap::new();
        for f in self.workspace.failures() {
            for e in &f.errors {
                let path = workspace::file_of(e);
                if open.contains(&path) {
                    continue;
                }
                let index = LineIndex::new(&e.src.text);
                now.entry(path)
                    .or_default()
                    .push(located(e, &e.src.text, &index, self.encoding));
            }
        }
        for (path, diagnostics) in &now {
            if self.elsewhere.get(path) != Some(diagnostics)
                && let Some(u) = uri::from_path(path)
            {
                self.publish(&u, diagnostics.clone(), None);
            }
        }
        for path in self.elsewhere.keys() {
            if !now.contains_key(path)
                && !open.contains(path)
                && let Some(u) = uri::from_path(path)
            {
                self.publish(&u, Vec::new(), None);
            }
        }
        self.elsewhere = now;
    }

    // ---- Hover and code actions -----------------------------------------------------------------

    fn hover(&mut self, p: lsp::HoverParams) -> Value {
        let at = p.text_document_position_params;
        self.flush(&at.text_document.uri);
        let Some(doc) = self.docs.get(&at.text_document.uri) else {
            return Value::Null;
        };
        let Some(checked) = &doc.checked else {
            return Value::Null;
        };
        let byte = doc.index.offset(&doc.text, at.position, self.encoding);
        let byte = byte.saturating_sub(checked.shift);
        let mut parts: Vec<String> = Vec::new();
        let mut covered: Option<std::ops::Range<usize>> = None;
        let mut rules_seen: Vec<&str> = Vec::new();
        for d in &checked.found {
            let inside = d.span.start <= byte
                && (byte < d.span.end || (d.span.is_empty() && byte == d.span.start));
            if !inside || rules_seen.contains(&&*d.rule) {
                continue;
            }
            rules_seen.push(&*d.rule);
            covered = Some(match covered {
                Some(c) => c.start.min(d.span.start)..c.end.max(d.span.end),
                None => d.span.clone(),
            });
            parts.push(hover_text(d, Some(&*checked.setup)));
        }
        // A rule named in a suppression comment: what it is.
        if parts.is_empty() {
            let allows = checked
                .document
                .phrases()
                .flat_map(|p| p.allow.to_vec())
                .chain(checked.document.orphans.iter().cloned());
            for a in allows {
                if a.span.start <= byte && byte < a.span.end {
                    if let Some(t) = explain::text(Some(&*checked.setup), &a.rule) {
                        parts.push(explain::markdown(&t));
                        covered = Some(a.span.clone());
                    }
                    break;
                }
            }
        }
        let Some(span) = covered else {
            return Value::Null;
        };
        let range = doc.index.range(
            &doc.text,
            span.start + checked.shift..span.end + checked.shift,
            self.encoding,
        );
        serde_json::to_value(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range: Some(range),
        })
        .unwrap_or(Value::Null)
    }

    fn code_actions(&mut self, p: lsp::CodeActionParams) -> Value {
        let uri = p.text_document.uri;
        self.flush(&uri);
        let Some(doc) = self.docs.get(&uri) else {
            return json!([]);
        };
        let Some(checked) = &doc.checked else {
            return json!([]);
        };
        let wanted = |kind: &lsp::CodeActionKind| match &p.context.only {
            None => true,
            Some(only) => only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            }),
        };
        let span = doc.index.span(&doc.text, p.range, self.encoding);
        let span = span.start.saturating_sub(checked.shift)..span.end.saturating_sub(checked.shift);
        let mut offered: Vec<(lsp::CodeAction, Option<Action>)> = Vec::new();
        let mut fixable_here = false;
        let quickfix = lsp::CodeActionKind::QUICKFIX;
        for d in &checked.found {
            let touches = d.span.start <= span.end && span.start <= d.span.end;
            if !touches || !wanted(&quickfix) {
                continue;
            }
            let diagnostic = self.plain_finding(doc, checked.shift, d);
            let action = |title: String, preferred: bool| lsp::CodeAction {
                title,
                kind: Some(quickfix.clone()),
                diagnostics: Some(vec![diagnostic.clone()]),
                is_preferred: preferred.then_some(true),
                ..Default::default()
            };
            let at = (d.span.start, d.span.end);
            let rule = d.rule.to_string();
            if d.fix_applies() {
                fixable_here = true;
                let title = match d.fix {
                    Some(crate::engine::rules::Fix::Remove) => format!("删除“{}”", d.matched),
                    _ => format!(
                        "把“{}”改为“{}”",
                        d.matched,
                        d.suggestions.first().cloned().unwrap_or_default()
                    ),
                };
                offered.push((
                    action(format!("修复：{title}（{rule}）"), true),
                    Some(Action::Fix {
                        rule: rule.clone(),
                        span: at,
                    }),
                ));
            }
            // A replace rule's suggestions are text to write instead (a forbid rule's are advice).
            if matches!(
                d.fix,
                Some(crate::engine::rules::Fix::Safe | crate::engine::rules::Fix::Suggest)
            ) {
                let skip = usize::from(d.fix_applies());
                for s in d.suggestions.iter().skip(skip) {
                    offered.push((
                        action(format!("把“{}”改为“{s}”（{rule}）", d.matched), false),
                        Some(Action::Replace {
                            rule: rule.clone(),
                            span: at,
                            text: s.clone(),
                        }),
                    ));
                }
            }
            // A finding about the whole library (a missing stage, line 0) stands on no phrase: no
            // comment before a phrase can suppress it.
            if !rule.starts_with("huashu/") && d.line > 0 {
                let title = format!("豁免 {rule}：在这条话术上写明不检查，理由待填写");
                match actions::can_suppress(&checked.document) {
                    Ok(()) => offered.push((
                        action(title, false),
                        Some(Action::Suppress {
                            rule: rule.clone(),
                            span: at,
                        }),
                    )),
                    Err(why) if self.client.disabled_actions => {
                        let mut a = action(title, false);
                        a.disabled = Some(lsp::CodeActionDisabled {
                            reason: why.to_string(),
                        });
                        offered.push((a, None));
                    }
                    Err(_) => {}
                }
            }
        }
        let fixable = checked.found.iter().filter(|d| d.fix_applies()).count();
        let fix_all = lsp::CodeActionKind::SOURCE_FIX_ALL;
        let fix_all_asked = p.context.only.is_some() && wanted(&fix_all);
        if fixable > 0 && (fix_all_asked || (fixable_here && wanted(&quickfix))) {
            let kind = if fix_all_asked { fix_all } else { quickfix };
            offered.push((
                lsp::CodeAction {
                    title: format!("修复本文件全部可自动修复的问题（{fixable} 处）"),
                    kind: Some(kind),
                    ..Default::default()
                },
                Some(Action::FixAll),
            ));
        }
        let version = doc.version;
        let result: Vec<lsp::CodeActionOrCommand> = offered
            .into_iter()
            .filter_map(|(mut action, what)| {
                let Some(what) = what else {
                    return Some(action);
                };
                if self.client.resolve_edits {
                    action.data =
                        Some(json!({"uri": uri.as_str(), "version": version, "action": what}));
                    return Some(action);
                }
                // The edit now: an action whose edit cannot be made is not offered.
                match self.edit(&uri, &what) {
                    Ok(edit) => {
                        action.edit = Some(edit);
                        Some(action)
                    }
                    Err(_) => None,
                }
            })
            .map(lsp::CodeActionOrCommand::CodeAction)
            .collect();
        serde_json::to_value(result).unwrap_or_else(|_| json!([]))
    }

    /// A finding as a diagnostic, without the link that writes a page (for an action's list).
    fn plain_finding(&self, doc: &Doc, shift: usize, d: &Diagnostic) -> lsp::Diagnostic {
        lsp::Diagnostic {
            range: doc.index.range(
                &doc.text,
                d.span.start + shift..d.span.end + shift,
                self.encoding,
            ),
            severity: Some(severity(d.severity)),
            code: Some(lsp::NumberOrString::String(d.rule.to_string())),
            source: Some("huashu".to_string()),
            message: message(d),
            ..Default::default()
        }
    }

    fn resolve(&mut self, mut action: lsp::CodeAction) -> Value {
        let data = action.data.take();
        let target = data.as_ref().and_then(|d| {
            let uri: lsp::Uri = d.get("uri")?.as_str()?.parse().ok()?;
            let version = d.get("version")?.as_i64()?;
            let what: Action = serde_json::from_value(d.get("action")?.clone()).ok()?;
            Some((uri, version, what))
        });
        if let Some((uri, version, what)) = target {
            self.flush(&uri);
            let current = self.docs.get(&uri).map(|d| i64::from(d.version));
            if current == Some(version) {
                match self.edit(&uri, &what) {
                    Ok(edit) => action.edit = Some(edit),
                    Err(why) => self.show(lsp::MessageType::WARNING, why),
                }
            } else {
                self.show(
                    lsp::MessageType::INFO,
                    "文件在选择修复之后又改过了，请重新选择".to_string(),
                );
            }
        }
        serde_json::to_value(action).unwrap_or(Value::Null)
    }

    fn show(&self, typ: lsp::MessageType, message: String) {
        send(
            &self.out,
            Notification::new(
                "window/showMessage".to_string(),
                lsp::ShowMessageParams { typ, message },
            ),
        );
    }

    /// The workspace edit of an action on a document as last checked.
    fn edit(&self, uri: &lsp::Uri, what: &Action) -> Result<lsp::WorkspaceEdit, String> {
        let doc = self.docs.get(uri).ok_or("文件已经关闭")?;
        let checked = doc.checked.as_ref().ok_or("这个文件没有检查过")?;
        let edits: Vec<lsp::TextEdit> = actions::edits(checked, what)?
            .into_iter()
            .map(|e| lsp::TextEdit {
                range: doc.index.range(
                    &doc.text,
                    e.range.start + checked.shift..e.range.end + checked.shift,
                    self.encoding,
                ),
                new_text: e.text,
            })
            .collect();
        Ok(if self.client.document_changes {
            lsp::WorkspaceEdit {
                document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri: uri.clone(),
                        version: Some(doc.version),
                    },
                    edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                }])),
                ..Default::default()
            }
        } else {
            lsp::WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }
        })
    }
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, format!("参数不对：{e}")))
}

fn severity(level: Level) -> lsp::DiagnosticSeverity {
    match level {
        Level::Error => lsp::DiagnosticSeverity::ERROR,
        Level::Warning => lsp::DiagnosticSeverity::WARNING,
        Level::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// A finding's message, with what to write instead.
fn message(d: &Diagnostic) -> String {
    let mut m = d.message.to_string();
    if !d.suggestions.is_empty() {
        let quoted: Vec<String> = d.suggestions.iter().map(|s| format!("“{s}”")).collect();
        match d.fix {
            Some(crate::engine::rules::Fix::Safe | crate::engine::rules::Fix::Suggest) => {
                m.push_str(&format!("\n建议改为 {}", quoted.join(" 或 ")))
            }
            _ => m.push_str(&format!("\n建议：{}", d.suggestions.join("；"))),
        }
    }
    m
}

/// A located mistake in a file the editor shows as `text`.
fn located(e: &LocatedError, text: &str, index: &LineIndex, encoding: Encoding) -> lsp::Diagnostic {
    let span = e.span.offset()..e.span.offset() + e.span.len();
    let mut message = e.message.clone();
    if let Some(help) = &e.help {
        message.push_str(&format!("\n提示：{help}"));
    }
    lsp::Diagnostic {
        range: index.range(text, span, encoding),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        source: Some("huashu".to_string()),
        message,
        ..Default::default()
    }
}

/// What hovering a finding shows: the finding, and its rule's explanation and source.
fn hover_text(d: &Diagnostic, setup: Option<&crate::run::setup::Setup>) -> String {
    let mut out = format!(
        "**{}**（{}）：“{}”\n\n",
        d.rule,
        d.severity.label(),
        d.matched.replace('\n', " ")
    );
    match explain::text(setup, &d.rule) {
        Some(t) => out.push_str(&explain::markdown(&t)),
        None => out.push_str(&d.message),
    }
    out
}
