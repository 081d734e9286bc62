//! `schema-lint server`: the Language Server Protocol over stdin/stdout.
//!
//! Synchronous, on one thread (plus one that reads stdin): a lint run is a
//! function call, and while it runs, messages wait. Changes are debounced,
//! so a run starts once typing pauses; opening and saving lint at once.
//! The protocol types are lsp-types'; the JSON-RPC message types are
//! lsp-server's, with our own reader (see `transport`) and lifecycle (its
//! helpers end the session on an unexpected message, which a client's
//! mistake should not do).
//!
//! Modules: `transport` (framing), `documents` (open buffers), `check`
//! (lint runs, findings as diagnostics), `settings` (config files),
//! `requests` (hover, code actions), `actions` (the fixes code actions
//! offer), `position` (offsets to LSP positions), `uri`.

mod actions;
mod check;
mod documents;
mod position;
mod requests;
mod settings;
mod transport;
mod uri;

use std::collections::BTreeSet;
use std::io::{BufReader, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult,
    LogMessageParams, MessageType, PublishDiagnosticsParams, Registration, RegistrationParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use documents::{Documents, located};
use position::Encoding;
use settings::Configs;
use transport::{Incoming, Output};

/// How long typing must pause before the open files are linted again.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Runs the server on stdin/stdout until `exit`; the exit code is 0 when
/// `shutdown` came first, as the protocol asks.
pub fn run() -> u8 {
    let incoming = transport::spawn_reader(BufReader::new(std::io::stdin()));
    let stdout = std::io::stdout();
    Server::new(Output::new(stdout.lock())).serve(&incoming)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server<W: Write> {
    out: Output<W>,
    state: State,
    encoding: Encoding,
    /// The workspace folders, whose configs are checked at the start.
    workspace: Vec<PathBuf>,
    documents: Documents,
    configs: Configs,
    /// Config files with an error published, to clear once fixed.
    config_errors: BTreeSet<PathBuf>,
    /// When the open documents are linted next.
    lint_at: Option<Instant>,
    /// Whether the client lets us ask for file change notifications.
    can_watch: bool,
    /// Writing to the client failed: it is gone.
    closed: bool,
}

impl<W: Write> Server<W> {
    fn new(out: Output<W>) -> Self {
        Server {
            out,
            state: State::Uninitialized,
            encoding: Encoding::Utf16,
            workspace: Vec::new(),
            documents: Documents::default(),
            configs: Configs::default(),
            config_errors: BTreeSet::new(),
            lint_at: None,
            can_watch: false,
            closed: false,
        }
    }

    fn serve(&mut self, incoming: &Receiver<Incoming>) -> u8 {
        loop {
            // Queued messages are handled before a due run, so a burst
            // (an editor restoring twenty files) is linted once; but a
            // client that never pauses does not hold the run off forever.
            if self
                .lint_at
                .is_some_and(|at| at + DEBOUNCE <= Instant::now())
            {
                self.lint_guarded();
            }
            let next = match self.lint_at {
                Some(at) => incoming.recv_timeout(at.saturating_duration_since(Instant::now())),
                None => incoming.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            let exit = match next {
                Ok(Incoming::Message(message)) => self.guarded(message),
                Ok(Incoming::Malformed { id, code, message }) => {
                    let sent = self.out.send_malformed(id, code, &message);
                    self.closed |= sent.is_err();
                    None
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.lint_guarded();
                    None
                }
                // The input ended without `exit`.
                Err(RecvTimeoutError::Disconnected) => Some(1),
            };
            if let Some(code) = exit {
                return code;
            }
            if self.closed {
                return 1;
            }
        }
    }

    /// Handles one message; a panic (a bug, never the client's input)
    /// answers the request with an internal error and the server goes on.
    fn guarded(&mut self, message: Message) -> Option<u8> {
        let id = match &message {
            Message::Request(request) => Some(request.id.clone()),
            _ => None,
        };
        match catch_unwind(AssertUnwindSafe(|| self.handle(message))) {
            Ok(exit) => exit,
            Err(_) => {
                if let Some(id) = id {
                    let error = failure(
                        ErrorCode::InternalError,
                        "internal error (see the server's log)",
                    );
                    self.respond(id, Err(error));
                }
                None
            }
        }
    }

    fn lint_guarded(&mut self) {
        if catch_unwind(AssertUnwindSafe(|| self.lint_now())).is_err() {
            self.lint_at = None;
            self.log(
                MessageType::ERROR,
                "linting failed (see the server's log)".to_string(),
            );
        }
    }

    fn handle(&mut self, message: Message) -> Option<u8> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let result = self.on_request(request);
                self.respond(id, result);
                None
            }
            Message::Notification(notification) => self.on_notification(notification),
            Message::Response(response) => {
                if let Err(error) = response.response_result {
                    self.log(
                        MessageType::WARNING,
                        format!("the client refused: {}", error.message),
                    );
                }
                None
            }
        }
    }

    fn on_request(&mut self, request: Request) -> Result<Value, ResponseError> {
        let method = request.method.as_str();
        match (self.state, method) {
            (State::Uninitialized, "initialize") => self.initialize(params(request.params)?),
            (State::Uninitialized, _) => Err(failure(
                ErrorCode::ServerNotInitialized,
                "the server has not been initialized",
            )),
            (State::ShutDown, _) => Err(failure(
                ErrorCode::InvalidRequest,
                "the server is shutting down",
            )),
            (State::Running, "initialize") => {
                Err(failure(ErrorCode::InvalidRequest, "already initialized"))
            }
            (State::Running, "shutdown") => {
                self.state = State::ShutDown;
                Ok(Value::Null)
            }
            (State::Running, HoverRequest::METHOD) => {
                result(requests::hover(&self.documents, params(request.params)?))
            }
            (State::Running, CodeActionRequest::METHOD) => result(requests::code_actions(
                &self.documents,
                params(request.params)?,
            )),
            (State::Running, _) => Err(failure(
                ErrorCode::MethodNotFound,
                &format!("unsupported request: {}", crate::report::visible(method)),
            )),
        }
    }

    fn on_notification(&mut self, notification: Notification) -> Option<u8> {
        let Notification { method, params } = notification;
        match (self.state, method.as_str()) {
            (state, "exit") => return Some(if state == State::ShutDown { 0 } else { 1 }),
            // Before `initialize` and after `shutdown`, notifications are
            // dropped, as the protocol says.
            (State::Uninitialized | State::ShutDown, _) => {}
            (State::Running, "initialized") => self.initialized(),
            (State::Running, DidOpenTextDocument::METHOD) => {
                self.with(params, &method, Self::did_open)
            }
            (State::Running, DidChangeTextDocument::METHOD) => {
                self.with(params, &method, Self::did_change)
            }
            (State::Running, DidSaveTextDocument::METHOD) => {
                self.with(params, &method, Self::did_save)
            }
            (State::Running, DidCloseTextDocument::METHOD) => {
                self.with(params, &method, Self::did_close)
            }
            (State::Running, DidChangeWatchedFiles::METHOD) => {
                self.with(params, &method, Self::files_changed)
            }
            // `$/cancelRequest` (answers are never pending here),
            // `$/setTrace`, and what we do not know.
            (State::Running, _) => {}
        }
        None
    }

    /// Runs a notification handler on its parameters; parameters it
    /// cannot read are logged (a notification has no answer to carry an
    /// error).
    fn with<P: DeserializeOwned>(
        &mut self,
        params: Value,
        method: &str,
        handler: fn(&mut Self, P),
    ) {
        match serde_json::from_value(params) {
            Ok(params) => handler(self, params),
            Err(error) => self.log(
                MessageType::ERROR,
                format!(
                    "{}: invalid parameters: {error}",
                    crate::report::visible(method)
                ),
            ),
        }
    }

    // ----- lifecycle ------------------------------------------------------

    fn initialize(&mut self, params: InitializeParams) -> Result<Value, ResponseError> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref());
        self.encoding = Encoding::negotiate(offered);
        self.can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.workspace = workspace_folders(&params);
        self.state = State::Running;
        result(InitializeResult {
            capabilities: self.capabilities(),
            server_info: Some(ServerInfo {
                name: "schema-lint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            // Whole texts: migrations are small, and a whole text cannot
            // drift from the client's.
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::FULL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        }
    }

    /// Asks to hear of config files and migrations changed on disk (a
    /// checkout, another editor), and shows what is wrong with the
    /// workspace's config before any file is opened.
    fn initialized(&mut self) {
        if self.can_watch {
            self.watch();
        }
        let configs: Vec<PathBuf> = self
            .workspace
            .iter()
            .filter_map(|folder| crate::config::find(folder))
            .collect();
        self.publish_configs(configs);
    }

    fn watch(&mut self) {
        let watchers = ["**/schema-lint.toml", "**/.schema-lint.toml", "**/*.sql"]
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .to_vec();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "schema-lint-watch".to_string(),
            method: DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = RegistrationParams {
            registrations: vec![registration],
        };
        let id = RequestId::from("schema-lint-watch".to_string());
        let request = Request::new(id, RegisterCapability::METHOD.to_string(), params);
        self.send(request);
    }

    // ----- documents ------------------------------------------------------

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.documents
            .open(document.uri.clone(), document.text, document.version);
        self.changed(&document.uri, Duration::ZERO);
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let encoding = self.encoding;
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        document.version = params.text_document.version;
        document.apply(params.content_changes, encoding);
        self.changed(&uri, DEBOUNCE);
    }

    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.documents.get(&uri).is_some_and(|d| d.is_config()) {
            // A saved config changes what every open file is linted with.
            self.configs.clear();
        }
        self.changed(&uri, Duration::ZERO);
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.close(&uri) else {
            return;
        };
        if document.is_config() {
            // Its errors are the saved file's again.
            self.publish_configs(document.path.into_iter().collect());
        } else {
            self.publish(uri, Vec::new(), None);
            // Its file on disk now stands in for the buffer.
            self.schedule(DEBOUNCE);
        }
    }

    fn files_changed(&mut self, params: DidChangeWatchedFilesParams) {
        let configs: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|change| uri::to_path(&change.uri))
            .filter(|path| settings::is_config(path))
            .collect();
        if configs.is_empty() {
            self.schedule(DEBOUNCE);
        } else {
            self.configs.clear();
            self.publish_configs(configs);
            self.schedule(Duration::ZERO);
        }
    }

    /// A document was opened, changed or saved: a config's errors are
    /// shown at once (parsing it is cheap); migrations are linted after
    /// `delay`.
    fn changed(&mut self, uri: &Uri, delay: Duration) {
        let config = self
            .documents
            .get(uri)
            .filter(|d| d.is_config())
            .and_then(|d| d.path.clone());
        match config {
            Some(path) => {
                self.publish_configs(vec![path]);
                if delay.is_zero() {
                    self.schedule(delay);
                }
            }
            None => self.schedule(delay),
        }
    }

    /// Lints after `delay`: a change postpones a pending run (typing goes
    /// on), an open or save brings it forward.
    fn schedule(&mut self, delay: Duration) {
        let now = Instant::now();
        self.lint_at = Some(match self.lint_at {
            Some(at) if delay.is_zero() => at.min(now),
            _ => now + delay,
        });
    }

    // ----- linting and publishing ----------------------------------------

    fn lint_now(&mut self) {
        self.lint_at = None;
        let run = check::lint_open(&mut self.documents, &mut self.configs, self.encoding);
        for note in run.notes {
            self.log(MessageType::INFO, note);
        }
        self.publish_configs(run.configs);
        let published: Vec<(Uri, Vec<lsp_types::Diagnostic>, Option<i32>)> = self
            .documents
            .iter()
            .filter(|d| !d.is_config() && d.linted.is_some())
            .map(|d| {
                let diagnostics = d.findings.iter().map(|f| f.diagnostic.clone()).collect();
                (d.uri.clone(), diagnostics, d.linted)
            })
            .collect();
        for (uri, diagnostics, version) in published {
            self.publish(uri, diagnostics, version);
        }
    }

    /// Publishes the errors of config files (or clears those fixed): an
    /// open config's unsaved text, else the file.
    fn publish_configs(&mut self, paths: Vec<PathBuf>) {
        let paths: BTreeSet<PathBuf> = paths.iter().map(|p| located(p)).collect();
        for path in paths {
            let (uri, diagnostic) = self.config_error(&path);
            let had_errors = self.config_errors.contains(&path);
            match &diagnostic {
                Some(_) => self.config_errors.insert(path.clone()),
                None => self.config_errors.remove(&path),
            };
            if let Some(uri) = uri
                && (diagnostic.is_some() || had_errors)
            {
                self.publish(uri, diagnostic.into_iter().collect(), None);
            }
        }
    }

    /// Where a config file's diagnostics go, and its error: of its
    /// unsaved text when it is open, else of the file.
    fn config_error(&mut self, path: &Path) -> (Option<Uri>, Option<lsp_types::Diagnostic>) {
        let encoding = self.encoding;
        if let Some(document) = self.documents.by_key(path).filter(|d| d.is_config()) {
            let error = settings::check_text(path, &document.text);
            let diagnostic = error.map(|e| settings::diagnostic(&e, &document.text, encoding));
            return (Some(document.uri.clone()), diagnostic);
        }
        let error = self.configs.settings(Some(path)).err();
        let diagnostic = error.map(|e| settings::diagnostic(&e, &e.text, encoding));
        (uri::from_path(path), diagnostic)
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.notify(PublishDiagnostics::METHOD, params);
    }

    // ----- output ---------------------------------------------------------

    fn respond(&mut self, id: RequestId, result: Result<Value, ResponseError>) {
        self.send(Response {
            id,
            response_result: result,
        });
    }

    fn notify(&mut self, method: &str, params: impl Serialize) {
        match serde_json::to_value(params) {
            Ok(params) => self.send(Notification {
                method: method.to_string(),
                params,
            }),
            Err(error) => eprintln!("schema-lint server: cannot serialize {method}: {error}"),
        }
    }

    fn log(&mut self, typ: MessageType, message: String) {
        self.notify(LogMessage::METHOD, LogMessageParams { typ, message });
    }

    fn send(&mut self, message: impl Into<Message>) {
        if self.out.send(message).is_err() {
            self.closed = true;
        }
    }
}

/// The folders of the workspace: its folders, else its root.
#[allow(deprecated)] // `root_uri` and `root_path`, for clients before folders
fn workspace_folders(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders
            .iter()
            .filter_map(|f| uri::to_path(&f.uri))
            .collect();
    }
    match (&params.root_uri, &params.root_path) {
        (Some(root), _) => uri::to_path(root).into_iter().collect(),
        (None, Some(path)) => vec![PathBuf::from(path)],
        (None, None) => Vec::new(),
    }
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, ResponseError> {
    serde_json::from_value(value).map_err(|error| {
        failure(
            ErrorCode::InvalidParams,
            &format!("invalid parameters: {error}"),
        )
    })
}

fn result(value: impl Serialize) -> Result<Value, ResponseError> {
    serde_json::to_value(value)
        .map_err(|error| failure(ErrorCode::InternalError, &error.to_string()))
}

fn failure(code: ErrorCode, message: &str) -> ResponseError {
    ResponseError {
        code: code as i32,
        message: message.to_string(),
        data: None,
    }
}
