//! `huashu server` driven as an editor drives it: the real binary, speaking the Language Server
//! Protocol over its standard input and output (`Content-Length` frames of JSON-RPC), through a small
//! client written here.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;

/// Long enough for a debug build on a busy machine to load the packs.
const WAIT: Duration = Duration::from_secs(120);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Messages read while waiting for something else.
    held: Vec<Value>,
    next_id: i64,
    _cache: tempfile::TempDir,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

impl Client {
    fn start(dir: &Path) -> Client {
        let cache = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_huashu"))
            .arg("server")
            .current_dir(dir)
            .env("XDG_CACHE_HOME", cache.path())
            .env("HOME", cache.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("every message has a Content-Length")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                assert_eq!(v["jsonrpc"], "2.0");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            held: Vec::new(),
            next_id: 0,
            _cache: cache,
        }
    }

    fn cache(&self) -> &Path {
        self._cache.path()
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_vec(&v).unwrap();
        self.raw(&frame(&body));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message that `want` accepts; others are kept for later. The server's own requests
    /// (registering file watchers) are answered as a client would.
    fn wait(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.held.iter().position(&want) {
            return self.held.remove(i);
        }
        let until = Instant::now() + WAIT;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let m = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}; held: {:#?}", self.held));
            if m.get("method").is_some() && m.get("id").is_some() {
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            if want(&m) {
                return m;
            }
            self.held.push(m);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(&format!("answer to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let answer = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        answer
    }

    fn open(&mut self, path: &Path, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// The next diagnostics published for a file, of the given version when one is given.
    fn diagnostics(&mut self, path: &Path, version: Option<i64>) -> Vec<Value> {
        let u = uri(path);
        let m = self.wait(&format!("diagnostics of {u} (version {version:?})"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == u.as_str()
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn change(&mut self, path: &Path, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
        );
    }

    fn shutdown(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        self.notify("exit", Value::Null);
        let until = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "an orderly shutdown exits with 0");
                return;
            }
            assert!(Instant::now() < until, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (rule, start line, start character, end line, end character) of each diagnostic.
fn places(diagnostics: &[Value]) -> Vec<(String, u64, u64, u64, u64)> {
    diagnostics
        .iter()
        .map(|d| {
            let r = &d["range"];
            (
                d["code"].as_str().unwrap_or("").to_string(),
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn place(rule: &str, line: u64, start: u64, end: u64) -> (String, u64, u64, u64, u64) {
    (rule.to_string(), line, start, line, end)
}

/// A project with the demo pack, only its rules selected (so findings are few and known).
fn demo_project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let config = [("huashu.yaml", "packs: [demo.yaml]\nselect: [demo]\n")];
    let all: Vec<(&str, &str)> = config.iter().chain(files).copied().collect();
    common::project(&[("demo.yaml", "packs/demo.yaml")], &all)
}

/// What an editor that implements the protocol fully says it can do (UTF-16 positions).
fn full_client() -> Value {
    json!({
        "textDocument": {
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true, "codeDescriptionSupport": true},
            "codeAction": {"disabledSupport": true},
            "hover": {"contentFormat": ["markdown", "plaintext"]}
        },
        "workspace": {"workspaceEdit": {"documentChanges": true}, "didChangeWatchedFiles": {"dynamicRegistration": true}}
    })
}

/// Applies LSP text edits (UTF-16 positions) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let (line, ch) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap(),
        );
        let mut at = 0;
        for _ in 0..line {
            at += text[at..].find('\n').map_or(text.len() - at, |i| i + 1);
        }
        let mut units = 0;
        for c in text[at..].chars() {
            if units >= ch || c == '\n' {
                break;
            }
            units += c.len_utf16() as u64;
            at += c.len_utf8();
        }
        at
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}

/// The text edits of an action's workspace edit (`documentChanges` or `changes`).
fn action_edits(action: &Value) -> Vec<Value> {
    let edit = &action["edit"];
    if let Some(changes) = edit["documentChanges"].as_array() {
        return changes[0]["edits"].as_array().unwrap().clone();
    }
    edit["changes"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn actions_at(
    client: &mut Client,
    path: &Path,
    line: u64,
    character: u64,
    only: Option<&str>,
) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(kind) = only {
        context["only"] = json!([kind]);
    }
    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(path)},
            "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}},
            "context": context,
        }),
    );
    answer["result"].as_array().cloned().unwrap_or_default()
}

#[test]
fn an_editor_session_diagnostics_edits_fixes_hover_and_shutdown() {
    let text = "😀亲，這個我不知道😀\n你好，请稍等\n";
    let dir = demo_project(&[("话术/售后.txt", text)]);
    let file = dir.path().join("话术/售后.txt");
    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path(), full_client(), json!({"debounce": 20}));
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert_eq!(init["result"]["serverInfo"]["name"], "huashu");
    // The server asks to hear about configs and packs changing on disk.
    let registration = client.wait("the file watcher registration", |m| {
        m["method"] == "client/registerCapability"
    });
    assert_eq!(
        registration["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );

    client.open(&file, "plaintext", text);
    let d = client.diagnostics(&file, Some(1));
    // 😀 is two UTF-16 code units: 不知道 starts at column 7, not at character 6.
    assert_eq!(
        places(&d),
        vec![
            place("demo/dont-know", 0, 7, 10),
            place("demo/you", 1, 0, 1)
        ]
    );
    let dont_know = &d[0];
    assert_eq!(dont_know["severity"], 1);
    assert_eq!(dont_know["source"], "huashu");
    assert_eq!(d[1]["severity"], 3);
    assert!(dont_know["message"].as_str().unwrap().contains("不知道"));
    // The link opens a page with the rule's explanation.
    let href = dont_know["codeDescription"]["href"].as_str().unwrap();
    assert!(href.starts_with("file://"), "{href}");
    let page = client.cache().join("huashu/rules/demo/dont-know.md");
    assert!(href.ends_with("/huashu/rules/demo/dont-know.md"), "{href}");
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains("说“不知道”会让顾客觉得被敷衍"), "{page}");

    // Typing: 不知道 → 帮您确认一下 (an incremental change, in UTF-16 columns).
    client.change(
        &file,
        2,
        json!([{"range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 10}}, "text": "帮您确认一下"}]),
    );
    let d = client.diagnostics(&file, Some(2));
    assert_eq!(places(&d), vec![place("demo/you", 1, 0, 1)]);
    // A new first line moves everything below it.
    client.change(
        &file,
        3,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "你在吗😀？\n"}]),
    );
    let d = client.diagnostics(&file, Some(3));
    assert_eq!(
        places(&d),
        vec![place("demo/you", 0, 0, 1), place("demo/you", 2, 0, 1)]
    );
    let mut text = "你在吗😀？\n😀亲，這個我帮您确认一下😀\n你好，请稍等\n".to_string();

    // The quick fix on line 2: the rule's safe fix, preferred, as an edit of this version.
    let actions = actions_at(&mut client, &file, 2, 0, None);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert!(
        fix["title"].as_str().unwrap().contains("改为“您”"),
        "{titles:?}"
    );
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"],
        3
    );
    text = apply(&text, &action_edits(fix));
    assert_eq!(
        text,
        "你在吗😀？\n😀亲，這個我帮您确认一下😀\n您好，请稍等\n"
    );
    client.change(&file, 4, json!([{"text": text}]));
    let d = client.diagnostics(&file, Some(4));
    assert_eq!(places(&d), vec![place("demo/you", 0, 0, 1)]);

    // Hovering the finding: the rule, its explanation and its source, in Chinese.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&file)}, "position": {"line": 0, "character": 0}}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert!(shown.contains("demo/you"), "{shown}");
    assert!(shown.contains("用“您”更礼貌"), "{shown}");
    assert!(
        shown.contains("依据：004\\_903dd9bc572678f5.txt"),
        "{shown}"
    );
    assert_eq!(hover["result"]["range"]["end"]["character"], 1);
    // Nothing to say where there is no finding.
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&file)}, "position": {"line": 2, "character": 3}}),
    );
    assert_eq!(nothing["result"], Value::Null);

    // A suppression in the file's own syntax, its reason a placeholder that does not count.
    let actions = actions_at(&mut client, &file, 0, 0, None);
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("豁免 demo/you"))
        .expect("a suppression is offered");
    text = apply(&text, &action_edits(suppress));
    assert!(
        text.starts_with("# huashu-allow: demo/you -- 理由\n你在吗"),
        "{text}"
    );
    client.change(&file, 5, json!([{"text": text}]));
    let d = client.diagnostics(&file, Some(5));
    let rules: Vec<String> = places(&d).into_iter().map(|p| p.0).collect();
    assert_eq!(rules, vec!["huashu/invalid-suppression", "demo/you"]);
    assert!(d[0]["message"].as_str().unwrap().contains("占位"));
    // The reason written: the finding is gone.
    text = text.replace("-- 理由", "-- 老客户习惯，店长同意");
    client.change(&file, 6, json!([{"text": text}]));
    assert!(client.diagnostics(&file, Some(6)).is_empty());

    client.shutdown();
}

#[test]
fn fix_all_applies_every_safe_fix_of_the_file() {
    let text = "你好\n您好，你在吗\n这个我不知道\n";
    let dir = demo_project(&[("a.txt", text)]);
    let file = dir.path().join("a.txt");
    let mut client = Client::start(dir.path());
    // A client that resolves edits lazily and knows only `changes`.
    let caps =
        json!({"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}});
    client.initialize(dir.path(), caps, json!({"debounce": 0}));
    client.open(&file, "plaintext", text);
    assert_eq!(client.diagnostics(&file, Some(1)).len(), 3);
    let actions = actions_at(&mut client, &file, 0, 0, Some("source.fixAll"));
    assert_eq!(actions.len(), 1, "{actions:?}");
    let action = &actions[0];
    assert_eq!(action["kind"], "source.fixAll");
    assert!(
        action["title"].as_str().unwrap().contains("2 处"),
        "{action}"
    );
    assert!(
        action.get("edit").is_none(),
        "the edit comes when it is resolved"
    );
    let resolved = client.request("codeAction/resolve", action.clone())["result"].clone();
    let fixed = apply(text, &action_edits(&resolved));
    assert_eq!(fixed, "您好\n您好，您在吗\n这个我不知道\n");
    client.change(&file, 2, json!([{"text": fixed}]));
    let d = client.diagnostics(&file, Some(2));
    assert_eq!(places(&d), vec![place("demo/dont-know", 2, 3, 6)]);
    client.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let text = "😀亲，這個我不知道\n";
    let dir = demo_project(&[("a.txt", text)]);
    let file = dir.path().join("a.txt");
    let mut client = Client::start(dir.path());
    let caps = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let init = client.initialize(dir.path(), caps, json!({}));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    client.open(&file, "plaintext", text);
    let d = client.diagnostics(&file, Some(1));
    // 😀 is 4 bytes, each of the five characters before 不知道 is 3.
    assert_eq!(places(&d), vec![place("demo/dont-know", 0, 19, 28)]);
    // Edits are in bytes too.
    client.change(
        &file,
        2,
        json!([{"range": {"start": {"line": 0, "character": 19}, "end": {"line": 0, "character": 28}}, "text": "我帮您确认一下"}]),
    );
    assert!(client.diagnostics(&file, Some(2)).is_empty());
    client.shutdown();
}

/// A file to open: name, language id, text, and where its one finding is (line, start, end).
type Case<'a> = (&'a str, &'a str, &'a str, (u64, u64, u64));

#[test]
fn every_text_format_is_checked_in_place() {
    let dir = demo_project(&[]);
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), full_client(), json!({"debounce": 0}));
    let cases: &[Case] = &[
        (
            "a.md",
            "markdown",
            "# 售后\n\n- 您好\n- 😀这个我不知道\n",
            (3, 7, 10),
        ),
        (
            "b.yaml",
            "yaml",
            "groups:\n  - name: 售后\n    phrases:\n      - 您好\n      - \"😀這個不知道\"\n",
            (4, 13, 16),
        ),
        (
            "c.json",
            "json",
            "{\"groups\": [{\"name\": \"售后\", \"phrases\": [\"😀这个我不知道\"]}]}\n",
            (0, 45, 48),
        ),
        (
            "d.csv",
            "csv",
            "快捷短语编码,快捷短语,快捷短语分组\nhy1,😀这个我不知道,售后\n",
            (1, 9, 12),
        ),
    ];
    for (name, language, text, (line, start, end)) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        client.open(&file, language, text);
        let d = client.diagnostics(&file, Some(1));
        assert_eq!(
            places(&d),
            vec![place("demo/dont-know", *line, *start, *end)],
            "{name}"
        );
        // The suppression quick fix writes each format's own syntax, or says why it cannot.
        let actions = actions_at(&mut client, &file, *line, *start, None);
        let suppress = actions
            .iter()
            .find(|a| {
                a["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("豁免 demo/dont-know")
            })
            .unwrap_or_else(|| panic!("{name}: {actions:?}"));
        if *name == "d.csv" {
            assert!(
                suppress["disabled"]["reason"]
                    .as_str()
                    .unwrap()
                    .contains("overrides"),
                "{suppress}"
            );
            continue;
        }
        let fixed = apply(text, &action_edits(suppress));
        let expect = match *name {
            "a.md" => "- 您好\n<!-- huashu-allow: demo/dont-know -- 理由 -->\n- 😀这个我不知道\n",
            "b.yaml" => {
                "      - text: \"😀這個不知道\"\n        allow: [demo/dont-know]\n        reason: 理由\n"
            }
            _ => {
                "[{\"text\": \"😀这个我不知道\", \"allow\": [\"demo/dont-know\"], \"reason\": \"理由\"}]"
            }
        };
        assert!(fixed.contains(expect), "{name}: {fixed}");
        // Written with a real reason, it silences the finding.
        let fixed = fixed.replace("理由", "店长同意");
        client.change(&file, 2, json!([{"text": fixed}]));
        assert!(
            client.diagnostics(&file, Some(2)).is_empty(),
            "{name}: {fixed}"
        );
    }
    client.shutdown();
}

#[test]
fn config_mistakes_are_diagnostics_in_huashu_yaml_and_a_fixed_config_rechecks_open_files() {
    let dir = demo_project(&[("a.txt", "这个我不知道\n")]);
    let config = dir.path().join("huashu.yaml");
    let file = dir.path().join("a.txt");
    std::fs::write(&config, "packs: [demo.yaml]\nselect: [demo/nope]\n").unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), full_client(), json!({"debounce": 0}));
    client.open(&file, "plaintext", "这个我不知道\n");
    // The phrase file says why it is not checked, and points at the mistake.
    let d = client.diagnostics(&file, Some(1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0]["message"].as_str().unwrap().contains("有错误"),
        "{d:?}"
    );
    let related = &d[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&config));
    assert_eq!(related["location"]["range"]["start"]["line"], 1);
    // The config, not open in the editor, carries its mistake at its line.
    let c = client.diagnostics(&config, None);
    assert_eq!(c[0]["range"]["start"]["line"], 1, "{c:?}");
    assert!(c[0]["message"].as_str().unwrap().contains("demo/nope"));

    // Editing the config in the editor: its mistakes as you type.
    let edited = "packs: [demo.yaml]\nselect: [demo]\nlevels:\n  demo/dont-know: loud\n";
    client.open(&config, "yaml", edited);
    let c = client.diagnostics(&config, Some(1));
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0]["range"]["start"]["line"], 3);
    assert!(c[0]["message"].as_str().unwrap().contains("loud"));
    // Fixed and saved: the config is clean and the open phrase file is checked under it.
    let fixed = "packs: [demo.yaml]\nselect: [demo]\n";
    client.change(&config, 2, json!([{"text": fixed}]));
    assert!(client.diagnostics(&config, Some(2)).is_empty());
    std::fs::write(&config, fixed).unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    let d = client.diagnostics(&file, Some(1));
    assert_eq!(places(&d), vec![place("demo/dont-know", 0, 3, 6)]);

    // A change on disk the editor reports (another branch checked out): ignoring the rule.
    std::fs::write(
        &config,
        "packs: [demo.yaml]\nselect: [demo]\nignore: [demo/dont-know]\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    assert!(client.diagnostics(&file, Some(1)).is_empty());
    client.shutdown();
}

#[test]
fn bad_input_never_stops_the_server() {
    let dir = demo_project(&[("a.txt", "这个我不知道\n")]);
    let file = dir.path().join("a.txt");
    let mut client = Client::start(dir.path());
    // Before initialize: requests are refused, not fatal.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(dir.path(), json!({}), json!({"debounce": 0}));
    // Malformed JSON, a body that is not UTF-8, JSON that is no JSON-RPC message.
    client.raw(&frame(b"{\"jsonrpc\": \"2.0\", \"method\": "));
    client.raw(&frame(b"\xff\xfe\x00garbage"));
    client.raw(&frame(b"[1, 2, 3]"));
    let log = client.wait("a word about the malformed message", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("无法解析"))
    });
    assert_eq!(log["params"]["type"], 2);
    // Unknown methods; parameters of the wrong shape.
    let unknown = client.request("textDocument/frobnicate", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    client.notify("huashu/unknown", json!({"x": 1}));
    let bad = client.request("textDocument/codeAction", json!({"textDocument": 5}));
    assert_eq!(bad["error"]["code"], -32602);
    client.notify("textDocument/didChange", json!({"nonsense": true}));
    // Requests about documents never opened.
    let ghost = dir.path().join("ghost.txt");
    let none = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&ghost)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(none["result"], Value::Null);
    assert_eq!(
        actions_at(&mut client, &ghost, 0, 0, None),
        Vec::<Value>::new()
    );
    // Documents that are not phrase files: no findings, no trouble.
    for (name, language, text) in [
        ("main.rs", "rust", "fn main() {}\n"),
        ("package.json", "json", "{\"name\": \"x\"}\n"),
        ("broken.yaml", "yaml", "groups: [\n"),
        ("binary.txt", "plaintext", "\u{0}\u{0}\u{0}你"),
    ] {
        let path = dir.path().join(name);
        client.open(&path, language, text);
        if name == "main.rs" {
            continue; // not a format huashu reads: nothing is published
        }
        let d = client.diagnostics(&path, Some(1));
        if name == "broken.yaml" {
            // A phrase book that does not parse says where.
            assert_eq!(d.len(), 1, "{d:?}");
            assert_eq!(d[0]["severity"], 1);
        } else {
            assert!(d.is_empty(), "{name}: {d:?}");
        }
    }
    // Still serving.
    client.open(&file, "plaintext", "这个我不知道\n");
    assert_eq!(
        places(&client.diagnostics(&file, Some(1))),
        vec![place("demo/dont-know", 0, 3, 6)]
    );
    client.shutdown();
}

#[test]
fn a_change_in_a_5000_phrase_file_relints_one_phrase() {
    let mut text = String::from("groups:\n");
    for g in 0..50 {
        text.push_str(&format!("  - name: 售后{g}\n    phrases:\n"));
        for i in 0..100 {
            text.push_str(&format!("      - 第{g}组{i}号，您好~\n"));
        }
    }
    let dir = demo_project(&[]);
    let file = dir.path().join("big.yaml");
    std::fs::write(&file, &text).unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}), json!({"debounce": 0}));
    client.open(&file, "yaml", &text);
    assert!(client.diagnostics(&file, Some(1)).is_empty());
    let checked = |m: &Value| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("big.yaml") && s.contains("5000 条话术"))
    };
    client.wait("the log of the first check", checked);
    // Typing 不知道 into phrase 2,500 (line 2 + 25 group headers of 2 lines + 2,500 phrases).
    let line = 1 + 25 * 2 + 2 + 2500;
    let started = Instant::now();
    client.change(
        &file,
        2,
        json!([{"range": {"start": {"line": line, "character": 8}, "end": {"line": line, "character": 8}}, "text": "不知道"}]),
    );
    let d = client.diagnostics(&file, Some(2));
    let round_trip = started.elapsed();
    assert_eq!(
        places(&d),
        vec![place("demo/dont-know", line as u64, 8, 11)]
    );
    let log = client.wait("the log of the second check", checked);
    let said = log["params"]["message"].as_str().unwrap().to_string();
    assert!(said.contains("重新检查 1 条"), "{said}");
    eprintln!("5,000 phrases, one changed: {said}; round trip {round_trip:?} (debug build)");
    client.shutdown();
}

/// (rule, start line, start character, end line, end character) of each `library/` finding that
/// `huashu check --format json FILE` reports in `dir`, its 1-based character columns turned into the
/// 0-based UTF-16 positions the server publishes for `text`.
fn cli_library_places(dir: &Path, file: &str, text: &str) -> Vec<(String, u64, u64, u64, u64)> {
    let out = common::huashu(dir)
        .args(["check", "--format", "json", file])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let lines: Vec<&str> = text.split('\n').collect();
    let utf16 = |line: u64, column: u64| -> (u64, u64) {
        if line == 0 {
            return (0, 0); // a finding about the whole library: the top of the file
        }
        let units = lines[line as usize - 1]
            .chars()
            .take(column as usize - 1)
            .map(|c| c.len_utf16() as u64)
            .sum();
        (line - 1, units)
    };
    let mut places: Vec<(String, u64, u64, u64, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("library/"))
        .map(|d| {
            let (l, c) = utf16(d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
            let (el, ec) = utf16(
                d["end_line"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
            );
            (d["rule"].as_str().unwrap().to_string(), l, c, el, ec)
        })
        .collect();
    places.sort();
    places
}

/// The server's `library/` findings, sorted as `cli_library_places` sorts the CLI's.
fn library_places(diagnostics: &[Value]) -> Vec<(String, u64, u64, u64, u64)> {
    let mut places: Vec<_> = places(diagnostics)
        .into_iter()
        .filter(|p| p.0.starts_with("library/"))
        .collect();
    places.sort();
    places
}

#[test]
fn library_findings_of_the_open_document_as_huashu_check_reports_them() {
    // Line 3 copies line 0; lines 1 and 2 promise different shipping times. The emoji (two UTF-16
    // code units) puts line 2's statement at character 4, not 3.
    let text = "您好，请问有什么可以帮您？\n付款后48小时内发货\n😀我们24小时内发货哦\n您好，请问有什么可以帮您？\n";
    let dir = common::project::<&str>(
        &[],
        &[
            ("huashu.yaml", "levels: {library/duplicate: error}\n"),
            ("a.txt", text),
        ],
    );
    let file = dir.path().join("a.txt");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), full_client(), json!({"debounce": 0}));
    client.open(&file, "plaintext", text);
    let d = client.diagnostics(&file, Some(1));

    let dup: Vec<&Value> = d
        .iter()
        .filter(|x| x["code"] == "library/duplicate")
        .collect();
    assert_eq!(dup.len(), 1, "{d:#?}");
    assert_eq!(
        places(&[dup[0].clone()]),
        vec![place("library/duplicate", 3, 0, 13)]
    );
    assert_eq!(dup[0]["severity"], 1, "the config's level: error");
    let related = dup[0]["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["location"]["uri"], uri(&file));
    assert_eq!(
        related[0]["location"]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 13}})
    );
    assert_eq!(related[0]["message"], "第一次出现在这里");

    // 48小时 and 24小时, once each: a tie, both reported, each pointing at the other.
    let promises: Vec<&Value> = d
        .iter()
        .filter(|x| x["code"] == "library/inconsistent-promise")
        .collect();
    assert_eq!(
        places(&promises.iter().map(|v| (*v).clone()).collect::<Vec<_>>()),
        vec![
            place("library/inconsistent-promise", 1, 3, 10),
            place("library/inconsistent-promise", 2, 4, 11),
        ],
        "{promises:#?}"
    );
    let other = &promises[1]["relatedInformation"][0]["location"]["range"];
    assert_eq!(
        other,
        &json!({"start": {"line": 1, "character": 3}, "end": {"line": 1, "character": 10}})
    );
    // Exactly what `huashu check FILE` reports, with the same config.
    assert_eq!(
        library_places(&d),
        cli_library_places(dir.path(), "a.txt", text)
    );

    // No quick fix for a library finding, but a suppression (the CLI honours it).
    let actions = actions_at(&mut client, &file, 3, 2, None);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("豁免 library/duplicate")),
        "{titles:?}"
    );
    assert!(
        !actions.iter().any(|a| a["isPreferred"] == true),
        "{titles:?}"
    );

    // The copy edited into another phrase: the duplicate is gone at once.
    client.change(
        &file,
        2,
        json!([{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 13}}, "text": "感谢您的支持，祝您购物愉快"}]),
    );
    let d = client.diagnostics(&file, Some(2));
    assert!(
        !d.iter().any(|x| x["code"] == "library/duplicate"),
        "{d:#?}"
    );
    assert_eq!(
        d.iter()
            .filter(|x| x["code"] == "library/inconsistent-promise")
            .count(),
        2
    );
    let edited = "您好，请问有什么可以帮您？\n付款后48小时内发货\n😀我们24小时内发货哦\n感谢您的支持，祝您购物愉快\n";
    std::fs::write(&file, edited).unwrap();
    assert_eq!(
        library_places(&d),
        cli_library_places(dir.path(), "a.txt", edited)
    );

    // The copy back, and the suppression action applied: its placeholder reason is no reason, so
    // the copy is still reported and the suppression is invalid, as `huashu check` says.
    client.change(&file, 3, json!([{"text": text}]));
    client.diagnostics(&file, Some(3));
    let actions = actions_at(&mut client, &file, 3, 2, None);
    let suppress = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("豁免 library/duplicate")
        })
        .unwrap();
    let suppressed = apply(text, &action_edits(suppress));
    assert!(
        suppressed.contains("\n# huashu-allow: library/duplicate -- 理由\n您好"),
        "{suppressed}"
    );
    client.change(&file, 4, json!([{"text": suppressed}]));
    let d = client.diagnostics(&file, Some(4));
    assert!(
        d.iter().any(|x| x["code"] == "huashu/invalid-suppression"),
        "{d:#?}"
    );
    assert!(d.iter().any(|x| x["code"] == "library/duplicate"), "{d:#?}");
    std::fs::write(&file, &suppressed).unwrap();
    assert_eq!(
        library_places(&d),
        cli_library_places(dir.path(), "a.txt", &suppressed)
    );
    // A real reason: the copy is allowed.
    let reasoned = suppressed.replace("-- 理由", "-- 欢迎语在两个分组里都要有");
    client.change(&file, 5, json!([{"text": reasoned}]));
    let d = client.diagnostics(&file, Some(5));
    assert!(
        !d.iter()
            .any(|x| x["code"] == "library/duplicate" || x["code"] == "huashu/invalid-suppression"),
        "{d:#?}"
    );
    std::fs::write(&file, &reasoned).unwrap();
    assert_eq!(
        library_places(&d),
        cli_library_places(dir.path(), "a.txt", &reasoned)
    );
    client.shutdown();
}

#[test]
fn library_findings_follow_the_config_policy_and_suppressions_as_the_cli_does() {
    // The policy says 48小时: 24小时 contradicts it (and a promise the policy settles is no
    // disagreement). A suppression with a real reason silences the copy; one naming a library rule
    // that reports nothing there is unused.
    let config = "policy: {发货时效: 48小时}\nignore: [library/near-duplicate]\n";
    let text = "您好，请问有什么可以帮您？\n付款后48小时内发货\n我们24小时内发货哦\n# huashu-allow: library/duplicate -- 欢迎语放在两个分组里\n您好，请问有什么可以帮您？\n# huashu-allow: library/duplicate-code -- 试一下\n亲，在的\n";
    let dir = common::project::<&str>(&[], &[("huashu.yaml", config), ("a.txt", text)]);
    let file = dir.path().join("a.txt");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), full_client(), json!({"debounce": 0}));
    client.open(&file, "plaintext", text);
    let d = client.diagnostics(&file, Some(1));
    let mine = library_places(&d);
    assert_eq!(
        mine,
        vec![place("library/contradicts-policy", 2, 2, 9)],
        "{d:#?}"
    );
    let policy = d
        .iter()
        .find(|x| x["code"] == "library/contradicts-policy")
        .unwrap();
    let related = &policy["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], uri(&dir.path().join("huashu.yaml")));
    assert_eq!(related["range"]["start"]["line"], 0);
    assert!(
        d.iter()
            .any(|x| x["code"] == "huashu/unused-suppression" && x["range"]["start"]["line"] == 5),
        "{d:#?}"
    );
    assert_eq!(mine, cli_library_places(dir.path(), "a.txt", text));
    client.shutdown();
}
