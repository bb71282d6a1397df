//! Checking the text of one open document, as often as the writer types.
//!
//! The whole buffer is read again on every change (reading is fast and positions move), but only
//! phrases not seen before are linted: findings are kept per phrase, keyed by everything they depend
//! on (its text, scene, group, code, suppressions and how its characters sit in the source, under
//! one profile's linter), and moved to where the phrase now stands. Typing in one phrase of a
//! 5,000-phrase file lints that one phrase.

use crate::input::{self, Document, Format, Loaded};
use crate::report::diagnostic::Diagnostic;
use crate::run::config;
use crate::run::setup::{ProfileLinter, Setup};
use crate::text::phrase::{OffsetsRef, Phrase};
use crate::text::scene::Scene;
use crate::text::source::SourceFile;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// What an open document is to huashu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A phrase file, read as this format.
    Phrases(Format),
    /// `huashu.yaml` or `.huashu.yaml`.
    Config,
    /// A rule pack.
    Pack,
    /// Anything else (a workbook, a file of another kind): no diagnostics.
    Other,
}

/// What a document is, from its path (or, without one, the editor's language id) and its text.
pub fn kind_of(path: Option<&Path>, language: &str, text: &str, pack_in_use: bool) -> Kind {
    let format = match path {
        Some(p) => {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if config::NAMES.contains(&name) {
                return Kind::Config;
            }
            Format::from_path(p)
        }
        None => match language {
            "markdown" => Some(Format::Md),
            "yaml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            "plaintext" | "text" => Some(Format::Txt),
            _ => None,
        },
    };
    match format {
        Some(Format::Yaml) if pack_in_use || is_pack(text) => Kind::Pack,
        Some(f) if f.is_workbook() => Kind::Other,
        Some(f) => Kind::Phrases(f),
        None => Kind::Other,
    }
}

/// A rule pack: top-level `pack:` and `rules:` keys.
fn is_pack(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("pack:")) && input::yaml::is_rule_pack(text)
}

/// A buffer read as a phrase document.
pub enum Read {
    Document(Document),
    /// Not a phrase library after all (a YAML file without `groups`, Markdown documentation, a CSV
    /// without a phrase column): checked by no one, as `huashu check` skips it while walking.
    Skipped,
    /// A mistake that keeps it from being read (YAML that does not parse), where it stands.
    Failed(crate::error::Error),
}

/// Reads a buffer as `huashu check` reads the file, except that it is text already: a leading byte
/// order mark is left out of the document (its spans are then `shift` bytes before the buffer's).
pub fn read(name: &str, text: &str, format: Format, setup: &Setup) -> (Read, usize) {
    let (body, shift) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    let loaded = input::read_bytes(
        name.to_string(),
        body.as_bytes().to_vec(),
        format,
        &setup.read_options,
        false,
    );
    let read = match loaded {
        Ok(Loaded::Document(mut d)) => {
            setup.prepare(&mut d);
            Read::Document(d)
        }
        Ok(Loaded::Skipped(_)) => Read::Skipped,
        Err(e) => Read::Failed(e),
    };
    (read, shift)
}

/// A suppression as the cache sees it: rule, reason, span relative to the phrase's start.
type KeyAllow = (Box<str>, Box<str>, isize, isize);

/// Everything a phrase's findings depend on, but where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    text: Box<str>,
    scene: Scene,
    group: Option<Arc<str>>,
    code: Option<Arc<str>>,
    /// Suppressions: rule, reason, span relative to the phrase's start.
    allow: Box<[KeyAllow]>,
    /// For a phrase that is not a verbatim slice of its file: each character's source range,
    /// relative to its start.
    map: Option<Box<[(isize, isize)]>>,
}

fn rel(at: usize, anchor: usize) -> isize {
    at as isize - anchor as isize
}

impl Key {
    fn of(phrase: &Phrase) -> Key {
        let anchor = phrase.start();
        Key {
            text: phrase.text.into(),
            scene: phrase.scene,
            group: phrase.group.map(|g| g.name.clone()),
            code: phrase.code.cloned(),
            allow: phrase
                .allow
                .iter()
                .map(|a| {
                    (
                        a.rule.as_str().into(),
                        a.reason.as_str().into(),
                        rel(a.span.start, anchor),
                        rel(a.span.end, anchor),
                    )
                })
                .collect(),
            map: match phrase.offsets {
                OffsetsRef::Contiguous(_) => None,
                OffsetsRef::Mapped(map) => Some(
                    map.iter()
                        .map(|r| (rel(r.start, anchor), rel(r.end, anchor)))
                        .collect(),
                ),
            },
        }
    }
}

/// A finding kept for a phrase, its span relative to the phrase's start.
#[derive(Debug, Clone)]
struct Kept {
    diagnostic: Diagnostic,
    start: isize,
    end: isize,
}

/// The findings of one document's phrases, from its last check.
#[derive(Default)]
pub struct Cache {
    /// The linter the findings came from; another one (the config changed) starts afresh.
    linter: Option<Arc<ProfileLinter>>,
    /// `None` for a phrase whose findings point elsewhere (related places): always linted again.
    phrases: HashMap<Key, Option<Arc<[Kept]>>>,
}

/// How much a check had to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub phrases: usize,
    /// Phrases linted (the others' findings were kept).
    pub linted: usize,
}

/// Below this many phrases to lint, one thread does it; above, every core takes a share.
const PARALLEL: usize = 256;

/// The findings of a document in file order, after suppressions: the phrases seen at the last check
/// keep their findings (moved to where they now stand), the others are linted.
pub fn lint(
    setup: &Setup,
    document: &Document,
    linter: &Arc<ProfileLinter>,
    cache: &mut Cache,
) -> (Vec<Diagnostic>, Stats) {
    if !cache
        .linter
        .as_ref()
        .is_some_and(|l| Arc::ptr_eq(l, linter))
    {
        cache.phrases.clear();
        cache.linter = Some(linter.clone());
    }
    let n = document.len();
    let keys: Vec<Key> = document.phrases().map(|p| Key::of(&p)).collect();
    let mut wanted: Vec<usize> = Vec::new();
    {
        let mut seen: HashMap<&Key, ()> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            let known = matches!(cache.phrases.get(k), Some(Some(_)));
            if !known && seen.insert(k, ()).is_none() {
                wanted.push(i);
            }
        }
    }
    let fresh = lint_phrases(setup, document, linter, &wanted);
    let mut next: HashMap<Key, Option<Arc<[Kept]>>> = HashMap::with_capacity(n);
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut extra: HashMap<usize, Vec<Diagnostic>> = HashMap::new();
    for (i, found) in wanted.iter().zip(fresh) {
        let anchor = document.phrase(*i).start();
        let kept = if found.iter().any(|d| !d.related.is_empty()) {
            extra.insert(*i, found);
            None
        } else {
            Some(
                found
                    .into_iter()
                    .map(|d| Kept {
                        start: rel(d.span.start, anchor),
                        end: rel(d.span.end, anchor),
                        diagnostic: d,
                    })
                    .collect::<Arc<[Kept]>>(),
            )
        };
        next.insert(keys[*i].clone(), kept);
    }
    for (i, key) in keys.iter().enumerate() {
        if let Some(found) = extra.remove(&i) {
            out.extend(found);
            continue;
        }
        let kept = match next.get(key) {
            Some(k) => k.clone(),
            None => {
                let k = cache.phrases.remove(key).flatten();
                next.insert(key.clone(), k.clone());
                k
            }
        };
        match kept {
            Some(kept) => {
                let anchor = document.phrase(i).start();
                out.extend(kept.iter().map(|k| moved(k, anchor, &document.source)));
            }
            // A copy of a phrase whose findings point elsewhere: lint this copy too.
            None => out.extend(setup.lint_range(document, linter, i..i + 1)),
        }
    }
    cache.phrases = next;
    let mut orphans = setup.orphans(document, &linter.profile);
    if !orphans.is_empty() {
        out.append(&mut orphans);
        out.sort_by_key(|d| d.span.start);
    }
    (
        out,
        Stats {
            phrases: n,
            linted: wanted.len(),
        },
    )
}

/// The library findings of a document, computed over its phrases alone (the document is its own
/// library, as with `huashu check FILE`). They depend on every phrase at once, so they are not kept
/// per phrase: they are computed afresh for the whole document on each check, which is cheap (a
/// sketch per phrase and an index), and merged by position into the per-phrase findings `found`.
pub fn with_library(
    setup: &Setup,
    document: &Document,
    linter: &Arc<ProfileLinter>,
    found: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let (unused, _) = setup.meta_levels(&linter.profile);
    let library =
        crate::run::library::LibraryRun::document(&setup.library, document, linter, unused);
    if library.is_empty() {
        return found;
    }
    let mut all = found;
    all.extend(library);
    // Stable: at one position the per-phrase findings come first, as `huashu check` writes them.
    all.sort_by_key(|d| d.span.start);
    all
}

/// Lints some phrases of a document, one by one, on every core when there are many.
fn lint_phrases(
    setup: &Setup,
    document: &Document,
    linter: &Arc<ProfileLinter>,
    which: &[usize],
) -> Vec<Vec<Diagnostic>> {
    let one = |i: usize| setup.lint_range(document, linter, i..i + 1);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if which.len() < PARALLEL || threads < 2 {
        return which.iter().map(|&i| one(i)).collect();
    }
    let chunk = which.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = which
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|&i| one(i)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// A kept finding placed at a phrase that now starts at `anchor` of `source`.
fn moved(k: &Kept, anchor: usize, source: &Arc<SourceFile>) -> Diagnostic {
    let len = source.text.len();
    let place = |r: isize| ((anchor as isize + r).max(0) as usize).min(len);
    let mut d = k.diagnostic.clone();
    d.span = place(k.start)..place(k.end);
    let (start, end) = (source.position(d.span.start), source.position(d.span.end));
    d.line = start.line;
    d.column = start.column;
    d.end_line = end.line;
    d.end_column = end.column;
    d.path = source.name.clone();
    d.source = source.clone();
    d
}

/// The phrase of a document whose text a byte span falls in, and the span as characters of it.
pub fn phrase_at(
    document: &Document,
    span: &std::ops::Range<usize>,
) -> Option<(usize, std::ops::Range<usize>)> {
    let n = document.len();
    // Phrases are in file order: the last one starting at or before the span.
    let mut lo = 0;
    let mut hi = n;
    while lo < hi {
        let mid = (lo + hi) / 2;
        if document.phrase(mid).start() <= span.start {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let index = lo.checked_sub(1)?;
    let phrase = document.phrase(index);
    let starts = phrase.char_starts();
    let chars = starts.len() - 1;
    let first =
        (0..chars).find(|&k| phrase.source_range_in(&starts, k..k + 1).start == span.start)?;
    let last =
        (first + 1..=chars).find(|&k| phrase.source_range_in(&starts, first..k).end == span.end)?;
    Some((index, first..last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::config::Config;
    use crate::run::setup::Packs;

    fn setup() -> Setup {
        Setup::new(
            Config::default(),
            &crate::RuleSelection::default(),
            None,
            Packs::All,
        )
        .unwrap()
    }

    fn document(setup: &Setup, text: &str) -> Document {
        match read("a.txt", text, Format::Txt, setup).0 {
            Read::Document(d) => d,
            _ => panic!("not read"),
        }
    }

    fn summary(found: &[Diagnostic]) -> Vec<(String, usize, usize)> {
        found
            .iter()
            .map(|d| (d.rule.to_string(), d.line, d.column))
            .collect()
    }

    #[test]
    fn kept_findings_move_with_their_phrase_and_only_new_phrases_are_linted() {
        let setup = setup();
        let linter = setup.profile_linter(&setup.base);
        let mut cache = Cache::default();
        let before = document(&setup, "这个我不知道\n您好\n你在吗\n");
        let (found, stats) = lint(&setup, &before, &linter, &mut cache);
        assert_eq!(stats.linted, 3);
        let after = document(
            &setup,
            "新加一行，这事我也不知道\n这个我不知道\n您好\n你在吗\n",
        );
        let (moved, stats) = lint(&setup, &after, &linter, &mut cache);
        assert_eq!(stats.linted, 1);
        // The same as linting afresh.
        let (fresh, _) = lint(&setup, &after, &linter, &mut Cache::default());
        assert_eq!(summary(&moved), summary(&fresh));
        assert!(summary(&moved).len() > summary(&found).len());
        for (m, f) in moved.iter().zip(&fresh) {
            assert_eq!(m.span, f.span);
        }
    }

    #[test]
    fn the_phrase_holding_a_span_and_its_characters() {
        let setup = setup();
        let d = document(&setup, "您好\n这个我不知道\n");
        let at = d.source.text.find("不知道").unwrap();
        assert_eq!(phrase_at(&d, &(at..at + "不知道".len())), Some((1, 3..6)));
    }
}
