//! Throughput benchmark: `cargo bench --bench throughput`.
//!
//! Measures, with the built-in packs (cosmetics included):
//! - loading every pack (patterns are compiled when a phrase first needs them);
//! - the engine alone on one thread: `Linter::check_text` over the corpus phrases, first pass
//!   (compiling what the phrases need) and warm (phrases per second of one core);
//! - linting a 20,000-line phrase file built from the labelled corpus on all cores (phrases per
//!   second);
//! - rendering every finding of that file as pretty output (the line index keeps this linear).
//!
//! Prints the median of several runs. No timing assertion lives in `cargo test`.

use huashu::engine::{RuleSelection, linter};
use huashu::input::{Format, parse};
use huashu::report::diagnostic::{RuleNames, place};
use huashu::text::source::SourceFile;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

fn corpus_phrases() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                if let Some(t) = line.splitn(3, '\t').nth(2) {
                    out.push(t.replace("\\n", " "));
                }
            }
        }
    }
    if out.is_empty() {
        out.push("亲，这个我不知道，您自己看详情页吧".to_string());
        out.push("您好，很高兴为您服务，有什么可以帮到您的吗？".to_string());
    }
    out
}

fn main() {
    let selection = RuleSelection {
        packs: vec!["cosmetics".into()],
        ..Default::default()
    };
    let (t_load, linter) = time(5, || linter(&selection).expect("built-in packs load"));
    println!(
        "load {} rules: {:.2} ms",
        linter.rules.len(),
        t_load.as_secs_f64() * 1e3
    );

    let phrases = corpus_phrases();
    let fresh = huashu::engine::linter(&selection).expect("built-in packs load");
    let scene = huashu::Scene::Common;
    let (t_first, _) = time(1, || {
        phrases
            .iter()
            .map(|p| fresh.check_text(p, scene).len())
            .sum::<usize>()
    });
    let (t_warm, found) = time(5, || {
        phrases
            .iter()
            .map(|p| fresh.check_text(p, scene).len())
            .sum::<usize>()
    });
    println!(
        "engine, one thread, {} phrases: first pass {:.1} ms, warm {:.1} ms ({:.0} phrases/s, {:.2} µs/phrase), {found} findings",
        phrases.len(),
        t_first.as_secs_f64() * 1e3,
        t_warm.as_secs_f64() * 1e3,
        phrases.len() as f64 / t_warm.as_secs_f64(),
        t_warm.as_secs_f64() * 1e6 / phrases.len() as f64
    );
    let lines = 20_000;
    let mut text = String::new();
    for i in 0..lines {
        text.push_str(&phrases[i % phrases.len()]);
        text.push('\n');
    }
    let source = Arc::new(SourceFile::new("bench.txt", text));
    let doc = parse(source, Format::Txt).expect("txt parses");
    let names = RuleNames::of(&linter);
    let (t_lint, diagnostics) = time(5, || {
        let mut out = Vec::new();
        for phrase in doc.phrases() {
            place(&linter, &names, &doc.source, &phrase, &mut out);
        }
        out
    });
    println!(
        "lint {lines} phrases: {:.1} ms ({:.0} phrases/s), {} findings",
        t_lint.as_secs_f64() * 1e3,
        lines as f64 / t_lint.as_secs_f64(),
        diagnostics.len()
    );

    let handler = huashu::report::pretty::handler(false);
    let (t_render, out) = time(3, || {
        diagnostics
            .iter()
            .map(|d| huashu::report::pretty::render(d, &handler))
            .collect::<String>()
    });
    println!(
        "render {} findings as pretty output: {:.1} ms ({} KiB)",
        diagnostics.len(),
        t_render.as_secs_f64() * 1e3,
        out.len() / 1024
    );
}
