//! The library checks in a run (see [`crate::engine::library`]).
//!
//! Workers compute each phrase's [`Seen`] (its sketch and where it stands) as they lint it. The
//! main thread adds them to the [`Index`] in path order and reports, at the later phrase and in
//! position order with the file's other findings, what is known at once: copies, variants, code
//! clashes, statements against the policy, names and codes over the limits. What only the whole
//! library tells (promises that disagree, stages without a reply) is reported after the last file,
//! before the report ends.
//!
//! Memory is bounded for a million phrases: per phrase the index's hashes and about 3 bytes of
//! [`Spots`];
//! the text of earlier files is kept only up to [`RETAIN_BYTES`] (a place in a file no longer in
//! memory is named without a snippet); a fact statement keeps an excerpt of its line, since its
//! finding may be reported at the end.

use crate::engine::library::index::OccId;
use crate::engine::library::{
    self as lib, Chunked, Fact, Index, LibId, Library, LibraryKind, PhraseId, Sketch, key,
};
use crate::engine::rules::{Kind, Level, Rule};
use crate::error::LocatedError;
use crate::input::Document;
use crate::report::diagnostic::{Diagnostic, Related};
use crate::report::library::{
    FactSummary, GroupCount, LibraryOverview, Overview, SceneCount, StageState, ValueCount,
};
use crate::run::config::{Config, Item};
use crate::run::setup::ProfileLinter;
use crate::run::suppress;
use crate::text::encoding::TextEncoding;
use crate::text::phrase::Phrase;
use crate::text::scene::Scene;
use crate::text::source::{PositionCursor, SourceFile};
use spots::{Place, Spots};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

mod spots;

/// Text of earlier files kept for snippets of related places, at most.
pub const RETAIN_BYTES: usize = 8 << 20;

/// The library checks as the config and the packs set them up.
#[derive(Debug, Default)]
pub struct LibrarySetup {
    /// What workers need to sketch phrases.
    pub library: Arc<Library>,
    /// Whether any library rule runs on any file (otherwise nothing is sketched).
    pub active: bool,
    /// Names (rule ids, packs) whose suppressions only library rules can use.
    only: HashSet<String>,
    /// Packs with library rules among others: their suppressions apply on both sides.
    mixed: HashSet<String>,
    /// Per fact: the config's policy entry.
    policy_items: Vec<Option<Item>>,
    /// Per stage of the library: the config's entry naming it.
    stage_items: Vec<Option<Item>>,
    /// Per `missing-scene` rule: its stages, one bit each.
    stage_bits: HashMap<String, u64>,
    /// The lowest near-duplicate threshold of the rules.
    threshold: f64,
    /// Whether any `inconsistent-promise` rule may run (statements are then kept).
    promises: bool,
    config: Option<Arc<SourceFile>>,
}

impl LibrarySetup {
    /// Applies the config's `library:` and `policy:` to the library rules, and checks them against
    /// the loaded facts and stages. Mistakes are returned, located in the config.
    pub fn new(
        config: &Config,
        rules: &mut [Rule],
        facts: Vec<Fact>,
        errors: &mut Vec<LocatedError>,
    ) -> LibrarySetup {
        let at = |item: &Item, message: String, label: &str, help: Option<String>| {
            let src = config.source.as_ref()?;
            let span = item.span.clone()?;
            let mut e = LocatedError::new(src, span, message, label);
            e.help = help;
            Some(e)
        };
        let c = &config.library;
        let mut stage_names: Vec<String> = Vec::new();
        let mut threshold = 1.0f64;
        for r in rules.iter_mut() {
            let Kind::Library(l) = &mut r.kind else {
                continue;
            };
            match &mut l.kind {
                LibraryKind::NearDuplicate { threshold: t } => {
                    if let Some((v, _)) = c.near_duplicate {
                        *t = v;
                    }
                    threshold = threshold.min(*t);
                }
                LibraryKind::GroupNameTooLong { max_chars } => {
                    *max_chars = c.max_group_name.or(*max_chars);
                }
                LibraryKind::CodeTooLong { max_chars } => {
                    *max_chars = c.max_code.or(*max_chars);
                }
                LibraryKind::MissingScene {
                    stages,
                    min_phrases,
                } => {
                    *min_phrases = c.min_phrases.unwrap_or(*min_phrases);
                    stage_names.extend(stages.iter().map(|s| s.name.clone()));
                    if let Some(wanted) = &c.stages {
                        stages.retain(|s| wanted.iter().any(|w| w.value == s.name));
                    }
                }
                _ => {}
            }
        }
        if let Some(wanted) = &c.stages {
            for w in wanted {
                if !stage_names.contains(&w.value) {
                    let mut known = stage_names.clone();
                    known.dedup();
                    errors.extend(at(
                        w,
                        format!("没有名为 {} 的对话阶段", w.value),
                        "未知阶段",
                        Some(format!("可用阶段：{}", known.join("、"))),
                    ));
                }
            }
        }
        let mut library = Library {
            policy: vec![None; facts.len()],
            facts,
            ..Library::default()
        };
        let mut stage_items = Vec::new();
        let mut stage_bits = HashMap::new();
        for r in rules.iter() {
            if let Kind::Library(l) = &r.kind
                && let LibraryKind::MissingScene { stages, .. } = &l.kind
            {
                let mut bits = 0u64;
                for s in stages {
                    if library.stages.len() >= 64 {
                        break;
                    }
                    bits |= 1 << library.stages.len();
                    library.stages.push(s.clone());
                    stage_items.push(
                        c.stages
                            .as_ref()
                            .and_then(|w| w.iter().find(|i| i.value == s.name).cloned()),
                    );
                }
                stage_bits.insert(r.id.clone(), bits);
            }
        }
        let mut policy_items = vec![None; library.facts.len()];
        for (k, v) in &config.policy {
            let Some(f) = library.fact_named(&k.value) else {
                let labels: Vec<&str> = library.facts.iter().map(|f| f.label.as_str()).collect();
                errors.extend(at(
                    k,
                    format!("policy 里的 “{}” 不是规则包声明的事实", k.value),
                    "未知的事实",
                    Some(format!("可写的事实：{}", labels.join("、"))),
                ));
                continue;
            };
            if policy_items[f].is_some() {
                errors.extend(at(
                    k,
                    format!("policy 里 “{}” 写了两次", library.facts[f].label),
                    "重复",
                    None,
                ));
                continue;
            }
            match library.facts[f].parse_value(&v.value) {
                Some(value) => {
                    library.policy[f] = Some(value);
                    policy_items[f] = Some(k.clone());
                }
                None => errors.extend(at(
                    v,
                    format!("无法识别 {} 的值 “{}”", library.facts[f].label, v.value),
                    "无法识别的值",
                    Some(value_help(&library.facts[f])),
                )),
            }
        }
        let mut only = HashSet::new();
        let mut mixed = HashSet::new();
        let mut packs: HashMap<&str, (bool, bool)> = HashMap::new();
        for r in rules.iter() {
            let is_library = matches!(r.kind, Kind::Library(_));
            if is_library {
                only.insert(r.id.clone());
            }
            let e = packs.entry(r.pack.as_str()).or_default();
            if is_library {
                e.0 = true;
            } else {
                e.1 = true;
            }
        }
        for (pack, (library_rules, others)) in packs {
            match (library_rules, others) {
                (true, false) => {
                    only.insert(pack.to_string());
                }
                (true, true) => {
                    mixed.insert(pack.to_string());
                }
                _ => {}
            }
        }
        LibrarySetup {
            library: Arc::new(library),
            active: false,
            only,
            mixed,
            policy_items,
            stage_items,
            stage_bits,
            threshold,
            promises: false,
            config: config.source.clone(),
        }
    }

    /// Turns the checks on for the rules that run somewhere (`on`), and for `--summary`.
    pub fn activate(&mut self, on: &[Rule], summary: bool) {
        let kinds: Vec<&LibraryKind> = on
            .iter()
            .filter_map(|r| r.kind.library().map(|l| &l.kind))
            .collect();
        self.active = summary || !kinds.is_empty();
        // The overview names where each value is first stated: statements are kept for it too.
        self.promises = summary
            || kinds
                .iter()
                .any(|k| matches!(k, LibraryKind::InconsistentPromise));
        let near = summary
            || kinds
                .iter()
                .any(|k| matches!(k, LibraryKind::NearDuplicate { .. }));
        if near != self.library.near {
            Arc::make_mut(&mut self.library).near = near;
        }
        if summary && self.threshold >= 1.0 {
            self.threshold = 0.8;
        }
    }

    /// Whether a suppression naming `name` is for library rules only (the lint of single phrases
    /// leaves it alone).
    pub fn only(&self, name: &str) -> bool {
        self.only.contains(name)
    }

    /// What a worker computes for phrases `range` of a document.
    pub fn seen(&self, document: &Document, range: Range<usize>) -> Vec<Seen> {
        let source = &document.source;
        let mut starts = PositionCursor::new(source);
        let mut ends = PositionCursor::new(source);
        range
            .map(|i| {
                let p = document.phrase(i);
                let sketch = self.library.sketch(p.text, p.scene, p.code.map(|c| &**c));
                let span = p.source_range(0..p.text.chars().count());
                let (a, b) = (starts.position(span.start), ends.position(span.end));
                let cell = source
                    .cell_at(span.start)
                    .map(|c| (c.sheet.clone(), c.column));
                Seen {
                    sketch,
                    start: span.start,
                    end: span.end,
                    line: a.line,
                    column: a.column,
                    end_line: b.line,
                    end_column: b.column,
                    cell,
                }
            })
            .collect()
    }
}

fn value_help(f: &Fact) -> String {
    match f.kind {
        lib::ValueType::Duration => format!("写成数字加单位，如 48小时、2天、7天{}", words_help(f)),
        lib::ValueType::Amount => "写成金额，如 99元".to_string(),
        lib::ValueType::ClockRange => "写成时间段，如 9:00-23:00".to_string(),
        lib::ValueType::Name => format!("写名称{}", words_help(f)),
    }
}

fn words_help(f: &Fact) -> String {
    let mut words: Vec<&str> = f.values.iter().map(|(_, v)| v.as_str()).collect();
    words.dedup();
    if words.is_empty() {
        String::new()
    } else {
        format!("，或 {}", words.join("、"))
    }
}

/// What a worker computes for one phrase: its sketch and where it stands.
#[derive(Debug, Clone)]
pub struct Seen {
    pub sketch: Sketch,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    cell: Option<(Arc<str>, u32)>,
}

/// A position or offset as stored (files over 4 GiB are refused on reading).
fn sat(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A library rule that runs on a file, at its level there.
#[derive(Debug, Clone)]
struct Active {
    id: Arc<str>,
    pack: String,
    level: Level,
    kind: LibraryKind,
}

/// A file of the run, as the library remembers it.
struct FileInfo {
    path: Arc<str>,
    /// Its first phrase.
    first: PhraseId,
    /// Each phrase's bytes in the text, while the text is kept.
    offsets: Vec<(u32, u32)>,
    /// For a workbook: each phrase's cell, the sheet (index in `sheets`) in the high 12 bits,
    /// the column in the low 20.
    cells: Vec<u32>,
    /// While the file is being written, and after when it is retained.
    source: Option<Arc<SourceFile>>,
    /// The file without its text, for places whose snippet cannot be shown.
    placeholder: Option<Arc<SourceFile>>,
    sheets: Vec<Arc<str>>,
    workbook: bool,
    lib: LibId,
    rules: Arc<[Active]>,
    /// The levels of the suppression findings there: (unused, invalid).
    unused: Option<Level>,
    encoding: Option<TextEncoding>,
}

/// A fact statement kept for the end of the run: an excerpt of its line and its phrase.
struct Statement {
    phrase: PhraseId,
    file: u32,
    excerpt: Excerpt,
    /// The statement in the excerpt.
    span: Range<usize>,
    /// The phrase: in the excerpt, or (unescaped, or longer than an excerpt) on its own.
    text: Result<Range<usize>, Arc<str>>,
    group: Option<Arc<str>>,
    scene: Scene,
    code: Option<Arc<str>>,
}

/// The excerpt a statement is shown in.
#[derive(Clone)]
enum Excerpt {
    /// Lines of a text file, copied into [`Kept`]: made into a file again only when reported (a
    /// million-phrase library states tens of thousands of facts; a file per statement was most of
    /// their memory).
    Kept {
        chunk: u32,
        at: u32,
        len: u32,
        /// [`crate::text::source::ExcerptBounds::origin`].
        line: u32,
        before: u32,
    },
    /// The document itself (the editor's run), or a workbook's cell.
    Made(Arc<SourceFile>),
}

/// The text of kept excerpts, in chunks that are never moved once filled.
#[derive(Default)]
struct Kept {
    chunks: Vec<String>,
}

/// Bytes of a chunk of [`Kept`], at most (an excerpt longer than this gets a chunk of its own).
const KEPT_CHUNK: usize = 1 << 20;

impl Kept {
    /// Keeps the excerpt of `span` of `source`, and says where `span` is in it.
    fn excerpt(&mut self, source: &SourceFile, span: Range<usize>) -> (Excerpt, Range<usize>) {
        let (bounds, inner) = source.excerpt_bounds(span);
        if bounds.cell.is_some() {
            let text = source.text[bounds.bytes.clone()].to_string();
            return (
                Excerpt::Made(Arc::new(source.excerpt_of(text, &bounds))),
                inner,
            );
        }
        let text = &source.text[bounds.bytes.clone()];
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= text.len());
        if !fits {
            // Doubling up to a chunk: a small run keeps a few kilobytes, not a megabyte.
            let next = self.chunks.last().map_or(4 << 10, |c| 2 * c.capacity());
            self.chunks
                .push(String::with_capacity(next.min(KEPT_CHUNK).max(text.len())));
        }
        let chunk = self.chunks.len() - 1;
        let c = &mut self.chunks[chunk];
        let at = c.len();
        c.push_str(text);
        let excerpt = Excerpt::Kept {
            chunk: sat(chunk),
            at: sat(at),
            len: sat(text.len()),
            line: sat(bounds.origin.0),
            before: sat(bounds.origin.1),
        };
        (excerpt, inner)
    }

    fn text<'a>(&'a self, excerpt: &'a Excerpt) -> &'a str {
        match excerpt {
            Excerpt::Kept { chunk, at, len, .. } => {
                &self.chunks[*chunk as usize][*at as usize..(*at + *len) as usize]
            }
            Excerpt::Made(source) => &source.text,
        }
    }
}

/// A suppression whose use is known only at the end (it names a rule reported then).
struct Pending {
    phrase: PhraseId,
    rule: String,
    used: bool,
    unused: Option<Diagnostic>,
}

/// A file's index in the run.
pub type FileId = u32;

/// The library checks of a run as its files go by.
pub struct LibraryRun {
    index: Index,
    /// Where each phrase stands. Its file is the last whose first phrase is not after it; a
    /// workbook cell's sheet and column are in its file's `cells`, and byte offsets (for snippets)
    /// in its file's `offsets` while the file's text is kept.
    spots: Spots,
    files: Vec<FileInfo>,
    retained: usize,
    /// Text of earlier files kept, at most ([`RETAIN_BYTES`]).
    budget: usize,
    statements: Chunked<Option<Statement>>,
    /// The excerpts of the statements.
    kept: Kept,
    pending: Vec<Pending>,
    /// Per library: its first file.
    first_file: Vec<FileId>,
    files_per_lib: Vec<usize>,
    /// Rules per profile, made once.
    actives: Vec<(*const ProfileLinter, Arc<[Active]>)>,
    /// Groups already checked for their name's length, in the current file (by their name's
    /// address: a document holds each group once).
    groups_seen: HashSet<usize>,
    /// The group of the previous phrase (consecutive phrases mostly share one).
    last_group: usize,
    /// A run over one document held whole in memory (the editor's): statements and suppression
    /// findings point into the document itself, not into excerpts, so that their spans are the
    /// document's bytes, as the server needs them to place findings in the buffer.
    whole: bool,
}

impl LibraryRun {
    /// The checks for a run of about `expected` phrases.
    pub fn new(setup: &LibrarySetup, expected: usize) -> LibraryRun {
        LibraryRun {
            index: Index::new(expected, setup.threshold),
            spots: Spots::default(),
            files: Vec::new(),
            retained: 0,
            budget: RETAIN_BYTES,
            statements: Chunked::default(),
            kept: Kept::default(),
            pending: Vec::new(),
            first_file: Vec::new(),
            files_per_lib: Vec::new(),
            actives: Vec::new(),
            groups_seen: HashSet::new(),
            last_group: 0,
            whole: false,
        }
    }

    /// The library findings of one document on its own, as `huashu check` reports them when that
    /// document is the only file of the run: copies and clashes within it, its promises that
    /// disagree with each other, its missing stages, after its suppressions. The document is the
    /// whole library here, so its text is kept and every place is in it (see `whole`).
    pub fn document(
        setup: &LibrarySetup,
        document: &Document,
        linter: &Arc<ProfileLinter>,
        unused: Option<Level>,
    ) -> Vec<Diagnostic> {
        if !setup.active {
            return Vec::new();
        }
        let mut run = LibraryRun::new(setup, document.len());
        run.whole = true;
        run.budget = usize::MAX;
        let file = run.start_file(document, linter, unused);
        let seen = setup.seen(document, 0..document.len());
        let mut out = run.phrases(setup, document, file, 0..document.len(), seen);
        run.end_file(file);
        out.extend(run.finish(setup));
        out
    }

    /// Sizes the index, before its first phrase, for a run of `input_bytes` whose first document
    /// with phrases is `document`: from that document's density (phrases per byte), since table
    /// exports with a code and a group per row hold half the phrases that 40 bytes a phrase
    /// suggests. A workbook's bytes are compressed and say little, and so does a short first file:
    /// then it is sized at 40 bytes a phrase. A low estimate costs time (longer bucket chains), a
    /// high one memory.
    pub fn size_from_first(&mut self, input_bytes: u64, document: &Document) {
        let text = document.source.text.len() as u64;
        if !self.index.is_empty() || document.is_empty() || text == 0 {
            return;
        }
        // A few phrases say little about the rest.
        let expected = if document.format.is_workbook() || document.len() < 1000 {
            input_bytes / 40
        } else {
            input_bytes.saturating_mul(document.len() as u64) / text
        };
        self.index
            .resize_empty(usize::try_from(expected).unwrap_or(usize::MAX));
    }

    /// Registers a document about to be written.
    pub fn start_file(
        &mut self,
        document: &Document,
        linter: &Arc<ProfileLinter>,
        unused: Option<Level>,
    ) -> FileId {
        let id = self.files.len() as FileId;
        let lib = self.index.library(document.shop());
        if self.first_file.len() <= lib as usize {
            self.first_file.resize(lib as usize + 1, id);
            self.files_per_lib.resize(lib as usize + 1, 0);
        }
        self.files_per_lib[lib as usize] += 1;
        let (counts, ungrouped) = document.group_counts();
        let groups: Vec<(Arc<str>, Scene, usize)> = document
            .groups()
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(g, n)| (g.name.clone(), g.scene, n))
            .collect();
        self.index.count_groups(lib, &groups, ungrouped);
        let key = Arc::as_ptr(linter);
        let rules = match self.actives.iter().find(|(p, _)| *p == key) {
            Some((_, r)) => r.clone(),
            None => {
                let r: Arc<[Active]> = linter
                    .linter
                    .rules
                    .iter()
                    .filter_map(|r| {
                        r.kind.library().map(|l| Active {
                            id: Arc::from(r.id.as_str()),
                            pack: r.pack.clone(),
                            level: r.level,
                            kind: l.kind.clone(),
                        })
                    })
                    .collect();
                self.actives.push((key, r.clone()));
                r
            }
        };
        self.files.push(FileInfo {
            path: document.source.name.clone(),
            first: self.spots.len() as PhraseId,
            offsets: Vec::new(),
            cells: Vec::new(),
            source: Some(document.source.clone()),
            placeholder: None,
            sheets: Vec::new(),
            workbook: document.format.is_workbook(),
            lib,
            rules,
            unused,
            encoding: document.source.encoding,
        });
        self.groups_seen.clear();
        self.last_group = 0;
        id
    }

    /// Keeps no earlier file's text: for a report that does not quote related places.
    pub fn without_snippets(mut self) -> LibraryRun {
        self.budget = 0;
        self
    }

    /// The file is written: its text is kept for snippets while the budget allows.
    pub fn end_file(&mut self, file: FileId) {
        let f = &mut self.files[file as usize];
        if let Some(src) = &f.source {
            let size = src.text.len() + src.text.len() / 8;
            if self.retained + size <= self.budget {
                self.retained += size;
                f.offsets.shrink_to_fit();
            } else {
                f.placeholder = Some(Arc::new(SourceFile::new(f.path.clone(), String::new())));
                f.source = None;
                f.offsets = Vec::new();
            }
            f.cells.shrink_to_fit();
        }
    }

    /// The findings known at once on phrases `range` of a document (`seen` is what the workers
    /// computed for them), after the phrases' suppressions, in position order.
    pub fn phrases(
        &mut self,
        setup: &LibrarySetup,
        document: &Document,
        file: FileId,
        range: Range<usize>,
        seen: Vec<Seen>,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let rules = self.files[file as usize].rules.clone();
        let lib = self.files[file as usize].lib;
        for (k, (i, s)) in range.zip(&seen).enumerate() {
            if let Some(next) = seen.get(k + 1) {
                self.index.prefetch_heads(lib, &next.sketch);
            }
            let phrase = document.phrase(i);
            let (id, events) = self.index.add(lib, &s.sketch);
            self.spot(file, id, s);
            let mut found: Vec<Diagnostic> = Vec::new();
            let first_in_group = phrase.group.is_some_and(|g| {
                let at = g.name.as_ptr() as usize;
                let new = at != self.last_group && self.groups_seen.insert(at);
                self.last_group = at;
                new
            });
            for rule in rules.iter() {
                self.phrase_findings(
                    setup,
                    rule,
                    document,
                    &phrase,
                    s,
                    id,
                    &events,
                    first_in_group,
                    &mut found,
                );
            }
            // The excerpt of the phrase's lines, and the phrase's own copy where the excerpt does not
            // hold it: shared by its statements (a runaway line states thousands of facts).
            let mut lines: Option<(Excerpt, Range<usize>)> = None;
            let mut own: Option<Arc<str>> = None;
            for h in &s.sketch.facts {
                let occ = self.index.state(lib, h.fact, &h.value);
                debug_assert_eq!(occ as usize, self.statements.len());
                let kept = setup.promises.then(|| {
                    let span = phrase.source_range(h.chars.clone());
                    let (excerpt, inner, text) = if self.whole {
                        // The document stays in memory: the statement is placed in it.
                        let text = if document.source.text.get(s.start..s.end) == Some(phrase.text)
                        {
                            Ok(s.start..s.end)
                        } else {
                            Err(Arc::from(phrase.text))
                        };
                        (Excerpt::Made(document.source.clone()), span, text)
                    } else {
                        // An excerpt of the phrase's lines holds the phrase, when it is written
                        // as is.
                        let (excerpt, whole) = lines
                            .get_or_insert_with(|| {
                                self.kept.excerpt(&document.source, s.start..s.end)
                            })
                            .clone();
                        let from = s.start - whole.start;
                        let inner = span.start - from..span.end - from;
                        let held = self.kept.text(&excerpt);
                        if held.get(whole.clone()) == Some(phrase.text) && inner.end <= held.len() {
                            (excerpt, inner, Ok(whole))
                        } else {
                            let (excerpt, inner) = self.kept.excerpt(&document.source, span);
                            let text = own.get_or_insert_with(|| Arc::from(phrase.text)).clone();
                            (excerpt, inner, Err(text))
                        }
                    };
                    Statement {
                        phrase: id,
                        file,
                        excerpt,
                        span: inner,
                        text,
                        group: phrase.group.map(|g| g.name.clone()),
                        scene: phrase.scene,
                        code: phrase.code.cloned(),
                    }
                });
                self.statements.push(kept);
            }
            if !phrase.allow.is_empty() {
                self.suppress(setup, document, &phrase, id, file, &mut found);
            }
            found.sort_by_key(|d| d.span.start);
            out.append(&mut found);
        }
        out
    }

    /// Records where phrase `id` stands.
    fn spot(&mut self, file: FileId, id: PhraseId, s: &Seen) {
        let f = &mut self.files[file as usize];
        f.offsets.push((sat(s.start), sat(s.end)));
        if f.workbook {
            let packed = match &s.cell {
                Some((sheet, column)) => {
                    let sheet = match f.sheets.iter().position(|x| x == sheet) {
                        Some(i) => i,
                        None => {
                            f.sheets.push(sheet.clone());
                            f.sheets.len() - 1
                        }
                    };
                    ((sheet.min(0xfff) as u32) << 20) | (*column).min(0xf_ffff)
                }
                None => u32::MAX,
            };
            f.cells.push(packed);
        }
        debug_assert_eq!(id as usize, self.spots.len());
        // A workbook cell's place is its row; the columns are within the cell.
        let end_line = if f.workbook { s.line } else { s.end_line };
        self.spots.push(Place {
            line: sat(s.line),
            column: sat(s.column),
            end_line: sat(end_line),
            end_column: sat(s.end_column),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn phrase_findings(
        &self,
        setup: &LibrarySetup,
        rule: &Active,
        document: &Document,
        phrase: &Phrase,
        s: &Seen,
        id: PhraseId,
        events: &lib::index::Events,
        first_in_group: bool,
        found: &mut Vec<Diagnostic>,
    ) {
        let whole = |message: String| -> Diagnostic {
            at_phrase(rule, message, document, phrase, s, s.start..s.end)
        };
        match &rule.kind {
            LibraryKind::Duplicate => {
                if let Some(first) = events.duplicate_of {
                    let mut d = whole(
                        "这条话术和前面的一条重复（不计繁简、标点、空格和语气词），留一份即可"
                            .to_string(),
                    );
                    d.related
                        .push(self.related(first, "第一次出现在这里".to_string()));
                    d.key = Some(Arc::from(key::key_text(phrase.text)));
                    found.push(d);
                }
            }
            LibraryKind::NearDuplicate { threshold } => {
                if let Some((other, similarity)) = events.near
                    && similarity >= *threshold
                {
                    let mut d = whole(format!(
                        "这条话术和前面的一条几乎一样（相似度约 {:.0}%），可以合并，或改得各有用途",
                        similarity * 100.0
                    ));
                    d.related
                        .push(self.related(other, "相近的话术在这里".to_string()));
                    let (a, b) = (self.index.key(id), self.index.key(other));
                    d.key = Some(Arc::from(format!("≈{:016x}{:016x}", a.min(b), a.max(b))));
                    found.push(d);
                }
            }
            LibraryKind::DuplicateCode => {
                if let Some(first) = events.code_of {
                    let code = phrase.code.map_or("", |c| c.trim());
                    let mut d = whole(format!(
                        "快捷编码“{code}”已经用在前面另一条话术上，输入编码时只能调出其中一条"
                    ));
                    d.related
                        .push(self.related(first, format!("编码“{code}”先用在了这条话术上")));
                    d.key = Some(Arc::from(format!(
                        "编码 {}",
                        crate::text::normalize::normalize_str(code)
                    )));
                    found.push(d);
                }
            }
            LibraryKind::CodeTooLong { max_chars } => {
                if let Some((_, n)) = s.sketch.code
                    && lib::too_long(*max_chars, n)
                {
                    let code = phrase.code.map_or("", |c| c.trim());
                    found.push(whole(format!(
                        "快捷编码“{code}”有 {n} 个字，超过限制的 {} 个字，导入时可能被截断",
                        max_chars.unwrap_or_default()
                    )));
                }
            }
            LibraryKind::GroupNameTooLong { max_chars } => {
                if let Some(g) = phrase.group
                    && first_in_group
                    && lib::too_long(*max_chars, g.name.chars().count())
                {
                    let mut d = whole(format!(
                        "分组名“{}”有 {} 个字，超过限制的 {} 个字，导入时可能被截断",
                        g.name,
                        g.name.chars().count(),
                        max_chars.unwrap_or_default()
                    ));
                    d.key = Some(Arc::from(format!("分组 {}", g.name)));
                    found.push(d);
                }
            }
            LibraryKind::ContradictsPolicy => {
                for h in &s.sketch.facts {
                    let Some(policy) = lib::contradicts(&setup.library.policy, h) else {
                        continue;
                    };
                    let fact = &setup.library.facts[h.fact];
                    let span = phrase.source_range(h.chars.clone());
                    let mut d = at_phrase(
                        rule,
                        format!(
                            "{}和店铺政策不符：这里是“{}”，政策是“{}”",
                            fact.label,
                            fact.show(&h.value),
                            fact.show(policy)
                        ),
                        document,
                        phrase,
                        s,
                        span,
                    );
                    if let (Some(src), Some(item)) = (&setup.config, &setup.policy_items[h.fact])
                        && let Some(span) = item.span.clone()
                    {
                        d.related.push(Related::at(
                            src,
                            span,
                            format!("店铺政策：{} {}", fact.label, fact.show(policy)),
                        ));
                    }
                    d.suggestions = vec![format!("改成“{}”", fact.show(policy))];
                    found.push(d);
                }
            }
            LibraryKind::InconsistentPromise | LibraryKind::MissingScene { .. } => {}
        }
    }

    fn placeholder(&self, file: u32) -> Arc<SourceFile> {
        let f = &self.files[file as usize];
        f.placeholder
            .clone()
            .unwrap_or_else(|| Arc::new(SourceFile::new(f.path.clone(), String::new())))
    }

    /// Another phrase as a related place: shown as a snippet when its file is in memory, named
    /// otherwise.
    fn related(&self, id: PhraseId, message: String) -> Related {
        let s = self.spots.get(id as usize);
        let file = self.files.partition_point(|f| f.first <= id) - 1;
        let f = &self.files[file];
        let index = (id - f.first) as usize;
        let (sheet, cell) = match f.cells.get(index) {
            Some(&packed) if packed != u32::MAX => {
                let sheet = f.sheets.get((packed >> 20) as usize).cloned();
                let cell = crate::text::source::CellSpan {
                    start: 0,
                    end: 0,
                    sheet: sheet.clone().unwrap_or_else(|| Arc::from("")),
                    row: s.line,
                    column: packed & 0xf_ffff,
                }
                .reference();
                (sheet, Some(cell))
            }
            _ => (None, None),
        };
        let (source, span) = match (&f.source, f.offsets.get(index)) {
            (Some(src), Some(&(a, b))) => (src.clone(), a as usize..b as usize),
            _ => (self.placeholder(file as u32), 0..0),
        };
        Related {
            path: f.path.clone(),
            line: s.line as usize,
            column: s.column as usize,
            end_line: s.end_line as usize,
            end_column: s.end_column as usize,
            message,
            sheet,
            cell,
            span,
            source,
        }
    }

    /// Applies a phrase's suppressions to its library findings, and reports those that silence
    /// nothing (later, for rules reported at the end).
    fn suppress(
        &mut self,
        setup: &LibrarySetup,
        document: &Document,
        phrase: &Phrase,
        id: PhraseId,
        file: FileId,
        found: &mut Vec<Diagnostic>,
    ) {
        let f = &self.files[file as usize];
        let rules = f.rules.clone();
        let unused_level = f.unused;
        let whole = self.whole;
        for allow in phrase.allow {
            let name = allow.rule.as_str();
            if !suppress::has_reason(&allow.reason)
                || !(setup.only(name) || setup.mixed.contains(name))
            {
                continue;
            }
            let before = found.len();
            found.retain(|d| !suppress::covers(name, &d.rule));
            if found.len() < before || !setup.only(name) {
                continue;
            }
            let named: Vec<&Active> = rules
                .iter()
                .filter(|r| suppress::covers(name, &r.id) || r.pack == name)
                .collect();
            if named.is_empty() {
                // Not run on this file: it may still be needed elsewhere.
                continue;
            }
            let unused = unused_level.map(|level| {
                if whole {
                    return suppress::unused(&document.source, phrase, allow, level);
                }
                let (excerpt, span) = document.source.excerpt(allow.span.clone());
                let mut moved = allow.clone();
                moved.span = span;
                suppress::unused(&Arc::new(excerpt), phrase, &moved, level)
            });
            if named.iter().any(|r| r.kind.is_deferred()) {
                self.pending.push(Pending {
                    phrase: id,
                    rule: name.to_string(),
                    used: false,
                    unused,
                });
            } else if let Some(d) = unused {
                found.push(d);
            }
        }
    }

    /// The findings known only now that every phrase is in: promises that disagree, stages
    /// without a reply, and suppressions that turned out unused.
    pub fn finish(&mut self, setup: &LibrarySetup) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let library = &setup.library;
        let disagreements = self
            .index
            .disagreements(|f| library.policy.get(f).is_some_and(Option::is_some));
        // The excerpts made again, by statement: the first places of a value are named by every
        // finding on another value.
        let mut made = HashMap::new();
        for d in disagreements {
            let Some(st) = self.statements[d.occurrence as usize].as_ref() else {
                continue;
            };
            let fact = &library.facts[d.fact];
            let f = &self.files[st.file as usize];
            for rule in f.rules.iter() {
                if !matches!(rule.kind, LibraryKind::InconsistentPromise) {
                    continue;
                }
                let suppressed = self.pending.iter_mut().any(|p| {
                    let hit = p.phrase == st.phrase && suppress::covers(&p.rule, &rule.id);
                    p.used |= hit;
                    hit
                });
                if suppressed {
                    continue;
                }
                out.push(self.disagreement(rule, fact, &d, st, &mut made));
            }
        }
        for (lib, stats) in self.index.libraries().iter().enumerate() {
            let Some(&file) = self.first_file.get(lib) else {
                continue;
            };
            let f = &self.files[file as usize];
            for rule in f.rules.iter() {
                let LibraryKind::MissingScene { min_phrases, .. } = &rule.kind else {
                    continue;
                };
                let bits = setup.stage_bits.get(&*rule.id).copied().unwrap_or(0);
                let missing = self.index.missing_stages(lib as LibId, bits, *min_phrases);
                for (i, stage) in library.stages.iter().enumerate() {
                    if missing & (1 << i) == 0 {
                        continue;
                    }
                    let shop = stats
                        .shop
                        .as_ref()
                        .map_or(String::new(), |s| format!("“{s}”"));
                    let mut d = file_level(
                        rule,
                        &f.path,
                        self.placeholder(file),
                        format!(
                            "话术库{shop}里没有“{}”阶段的话术（共 {} 条话术）",
                            stage.label, stats.phrases
                        ),
                        &stage.label,
                    );
                    d.key = Some(Arc::from(format!("阶段 {}", stage.name)));
                    if let (Some(src), Some(item)) = (&setup.config, &setup.stage_items[i])
                        && let Some(span) = item.span.clone()
                    {
                        d.related.push(Related::at(
                            src,
                            span,
                            "配置要求话术库有这个阶段".to_string(),
                        ));
                    }
                    out.push(d);
                }
            }
        }
        for p in self.pending.drain(..) {
            if !p.used
                && let Some(d) = p.unused
            {
                out.push(d);
            }
        }
        out
    }

    fn disagreement(
        &self,
        rule: &Active,
        fact: &Fact,
        d: &lib::index::Disagreement,
        st: &Statement,
        made: &mut HashMap<OccId, Arc<SourceFile>>,
    ) -> Diagnostic {
        let others: Vec<String> = d
            .others
            .iter()
            .map(|(v, n, _)| format!("“{}”（{n} 条）", fact.show(v)))
            .collect();
        let message = format!(
            "{}说法不一：这里是“{}”，话术库里还有 {}",
            fact.label,
            fact.show(&d.value),
            others.join("、")
        );
        let source = &self.source_of(d.occurrence, made);
        let (start, end) = (source.position(st.span.start), source.position(st.span.end));
        let cell = source.cell_at(st.span.start);
        let mut related = Vec::new();
        for (v, n, occs) in &d.others {
            for (k, occ) in occs.iter().enumerate() {
                let Some(o) = self.statements[*occ as usize].as_ref() else {
                    continue;
                };
                let message = if k == 0 && *n > 1 {
                    format!("这里是“{}”（共 {n} 条）", fact.show(v))
                } else {
                    format!("这里是“{}”", fact.show(v))
                };
                related.push(Related::at(
                    &self.source_of(*occ, made),
                    o.span.clone(),
                    message,
                ));
            }
        }
        let suggestions = match &d.prevailing {
            Some(p) => vec![format!(
                "统一成话术库里多数话术的“{}”，或在配置文件 policy 里写明 {}",
                fact.show(p),
                fact.label
            )],
            None => vec![format!(
                "统一成店铺实际执行的说法，并在配置文件 policy 里写明 {}",
                fact.label
            )],
        };
        Diagnostic {
            rule: rule.id.clone(),
            severity: rule.level,
            path: source.name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: Arc::from(message),
            matched: source.text[st.span.clone()].to_string(),
            phrase: match &st.text {
                Ok(r) => Arc::from(&source.text[r.clone()]),
                Err(t) => t.clone(),
            },
            group: st.group.clone(),
            scene: st.scene,
            suggestions,
            quick_code: st.code.clone(),
            fix: None,
            encoding: source.encoding.map(|e| e.name()),
            sheet: cell.map(|c| c.sheet.clone()),
            cell: cell.map(|c| c.reference()),
            related,
            key: None,
            span: st.span.clone(),
            source: source.clone(),
        }
    }

    /// The overview of every library, for `--summary`.
    pub fn overview(&self, setup: &LibrarySetup) -> Overview {
        let library = &setup.library;
        let mut out = Overview::default();
        for (lib, stats) in self.index.libraries().iter().enumerate() {
            let scenes = Scene::ALL
                .iter()
                .zip(stats.scenes)
                .map(|(s, n)| SceneCount {
                    scene: *s,
                    label: s.label(),
                    phrases: n,
                })
                .collect();
            let stages = library
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| StageState {
                    name: s.name.clone(),
                    label: s.label.clone(),
                    present: stats.stages & (1 << i) != 0,
                })
                .collect();
            let mut facts = Vec::new();
            for (i, fact) in library.facts.iter().enumerate() {
                let policy = library.policy.get(i).and_then(Option::as_ref);
                let values = stats
                    .facts
                    .get(&i)
                    .map(|vs| {
                        vs.iter()
                            .map(|v| ValueCount {
                                value: fact.show(&v.value),
                                phrases: v.occurrences.len(),
                                first: v
                                    .occurrences
                                    .first()
                                    .map_or(String::new(), |o| self.place_of(*o)),
                                agrees: policy.map(|p| *p == v.value),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                facts.push(FactSummary {
                    name: fact.name.clone(),
                    label: fact.label.clone(),
                    policy: policy.map(|p| fact.show(p)),
                    values,
                });
            }
            out.libraries.push(LibraryOverview {
                shop: stats.shop.as_deref().map(str::to_string),
                files: self.files_per_lib.get(lib).copied().unwrap_or(0),
                phrases: stats.phrases,
                groups: stats
                    .groups
                    .iter()
                    .map(|(name, scene, n)| GroupCount {
                        name: name.to_string(),
                        scene: *scene,
                        phrases: *n,
                    })
                    .collect(),
                ungrouped: stats.ungrouped,
                scenes,
                stages,
                copies: stats.copies,
                phrases_with_copies: stats.copied,
                near_duplicates: stats.near,
                code_clashes: stats.code_clashes,
                facts,
            });
        }
        out
    }

    /// The excerpt of a kept statement as a file, made once per `made`.
    fn source_of(&self, occ: OccId, made: &mut HashMap<OccId, Arc<SourceFile>>) -> Arc<SourceFile> {
        let st = self.statements[occ as usize]
            .as_ref()
            .expect("a kept statement");
        match &st.excerpt {
            Excerpt::Made(source) => source.clone(),
            kept @ Excerpt::Kept { line, before, .. } => made
                .entry(occ)
                .or_insert_with(|| {
                    let f = &self.files[st.file as usize];
                    Arc::new(SourceFile::excerpt_named(
                        f.path.clone(),
                        self.kept.text(kept).to_string(),
                        f.encoding,
                        (*line as usize, *before as usize),
                    ))
                })
                .clone(),
        }
    }

    /// Where a fact statement is, as people read it.
    fn place_of(&self, occ: OccId) -> String {
        if let Some(Some(st)) = self.statements.get(occ as usize) {
            let source = self.source_of(occ, &mut HashMap::new());
            let p = source.position(st.span.start);
            return match source.cell_at(st.span.start) {
                Some(c) => format!("{} {}!{}", source.name, c.sheet, c.reference()),
                None => format!("{}:{}:{}", source.name, p.line, p.column),
            };
        }
        String::new()
    }
}

/// A finding on a phrase (or a span of it) of the current document.
fn at_phrase(
    rule: &Active,
    message: String,
    document: &Document,
    phrase: &Phrase,
    s: &Seen,
    span: Range<usize>,
) -> Diagnostic {
    let source = &document.source;
    let (start, end) = if span == (s.start..s.end) {
        (
            crate::text::source::Position {
                line: s.line,
                column: s.column,
            },
            crate::text::source::Position {
                line: s.end_line,
                column: s.end_column,
            },
        )
    } else {
        (source.position(span.start), source.position(span.end))
    };
    let cell = source.cell_at(span.start);
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.level,
        path: source.name.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: Arc::from(message),
        matched: source
            .text
            .get(span.clone())
            .unwrap_or(phrase.text)
            .to_string(),
        phrase: Arc::from(phrase.text),
        group: phrase.group.map(|g| g.name.clone()),
        scene: phrase.scene,
        suggestions: Vec::new(),
        quick_code: phrase.code.cloned(),
        fix: None,
        encoding: source.encoding.map(|e| e.name()),
        sheet: cell.map(|c| c.sheet.clone()),
        cell: cell.map(|c| c.reference()),
        related: Vec::new(),
        key: None,
        span,
        source: source.clone(),
    }
}

/// A finding about a whole file (no line).
fn file_level(
    rule: &Active,
    path: &Arc<str>,
    source: Arc<SourceFile>,
    message: String,
    matched: &str,
) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.level,
        path: path.clone(),
        line: 0,
        column: 0,
        end_line: 0,
        end_column: 0,
        message: Arc::from(message),
        matched: matched.to_string(),
        phrase: Arc::from(""),
        group: None,
        scene: Scene::Common,
        suggestions: Vec::new(),
        quick_code: None,
        fix: None,
        encoding: None,
        sheet: None,
        cell: None,
        related: Vec::new(),
        key: None,
        span: 0..0,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{self, Format};
    use crate::report::diagnostic::RuleNames;
    use crate::run::setup::Profile;

    fn document(name: &str, text: &str) -> Document {
        input::parse(
            Arc::new(SourceFile::new(name, text.to_string())),
            Format::Txt,
        )
        .unwrap()
    }

    /// The built-in library pack set up as a run with every rule on, and its profile.
    fn builtin_library() -> (LibrarySetup, Arc<ProfileLinter>) {
        let pack = crate::engine::builtin::load("library").unwrap().unwrap();
        let mut rules = pack.rules.clone();
        let mut errors = Vec::new();
        let mut setup = LibrarySetup::new(
            &Config::default(),
            &mut rules,
            pack.facts.to_vec(),
            &mut errors,
        );
        assert!(errors.is_empty());
        setup.activate(&rules, false);
        let linter = crate::Linter::new(rules);
        let profile = Arc::new(ProfileLinter {
            names: RuleNames::of(&linter),
            profile: Profile {
                levels: linter.rules.iter().map(|r| Some(r.level)).collect(),
            },
            linter,
        });
        (setup, profile)
    }

    /// Adds text files to a run one after another, as a check does; the findings known at once.
    fn add_files(
        run: &mut LibraryRun,
        setup: &LibrarySetup,
        profile: &Arc<ProfileLinter>,
        files: &[(&str, &str)],
    ) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (name, text) in files {
            let doc = document(name, text);
            let file = run.start_file(&doc, profile, None);
            let seen = setup.seen(&doc, 0..doc.len());
            found.extend(run.phrases(setup, &doc, file, 0..doc.len(), seen));
            run.end_file(file);
        }
        found
    }

    /// Two files, the second repeating the first's phrase, with `budget` bytes of earlier text kept.
    fn copy_across_files(budget: usize) -> Diagnostic {
        let (setup, profile) = builtin_library();
        let mut run = LibraryRun::new(&setup, 10);
        run.budget = budget;
        let mut found = add_files(
            &mut run,
            &setup,
            &profile,
            &[
                ("a.txt", "您好，请问有什么可以帮您？\n"),
                ("b.txt", "您好，請問有什麼可以幫您\n"),
            ],
        );
        assert_eq!(found.len(), 1);
        found.pop().unwrap()
    }

    #[test]
    fn an_earlier_file_within_the_budget_is_shown_beyond_it_named() {
        let d = copy_across_files(RETAIN_BYTES);
        let r = &d.related[0];
        assert!(r.has_snippet());
        assert_eq!(&r.source.text[r.span.clone()], "您好，请问有什么可以帮您？");
        let d = copy_across_files(0);
        let r = &d.related[0];
        assert!(!r.has_snippet(), "the file's text is gone");
        assert_eq!(
            (&*r.path, r.line, r.column, r.end_column),
            ("a.txt", 1, 1, 14)
        );
        // Pretty output names the place without a snippet.
        let shown = crate::report::pretty::render(&d, &crate::report::pretty::handler(false));
        assert!(shown.contains("第一次出现在这里（a.txt:1:1）"), "{shown}");
        assert!(!shown.contains("╭─[a.txt"), "{shown}");
    }

    /// A fact statement is kept as a few bytes of its line and made into a file again when it is
    /// reported at the end: the places and snippets are the lines' own, after their files are gone.
    #[test]
    fn statements_reported_at_the_end_keep_their_lines_and_places() {
        let (setup, profile) = builtin_library();
        let mut run = LibraryRun::new(&setup, 10);
        run.budget = 0;
        add_files(
            &mut run,
            &setup,
            &profile,
            &[
                ("a.txt", "欢迎光临小店\n亲，全场满99包邮哦\n"),
                ("b.txt", "您好\n本店满88元包邮\n\n親，滿88包郵的喔\n"),
            ],
        );
        let found: Vec<Diagnostic> = run
            .finish(&setup)
            .into_iter()
            .filter(|d| &*d.rule == "library/inconsistent-promise")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!((&*d.path, d.line, d.column), ("a.txt", 2, 5));
        assert_eq!(d.matched, "满99包邮");
        assert_eq!(&*d.phrase, "亲，全场满99包邮哦");
        assert_eq!(d.source.text, "亲，全场满99包邮哦");
        let places: Vec<(&str, usize, usize, &str)> = d
            .related
            .iter()
            .map(|r| (&*r.path, r.line, r.column, &r.source.text[r.span.clone()]))
            .collect();
        assert_eq!(
            places,
            [("b.txt", 2, 3, "满88元包邮"), ("b.txt", 4, 3, "滿88包郵")]
        );
        assert!(d.related.iter().all(Related::has_snippet));
    }
}
