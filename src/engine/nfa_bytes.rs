//! A Thompson NFA written as bytes and read back, so the built-in patterns are compiled at build
//! time (`build.rs`) and a run only rebuilds their automata from the bytes.
//!
//! Parsing a pattern and compiling its NFA (UTF-8 sequences for every repetition of a class such
//! as `[^,。!?]{0,8}`) was half of a 20-line run's instructions. regex-automata can serialise
//! DFAs but not NFAs; its NFA builder, though, takes states one at a time, and an NFA's states
//! are public. Written in order and added back in order, every state keeps its ID, so the rebuilt
//! NFA is the compiled one (a test in `src/engine/pattern.rs` compares all the built-in ones).
//! Numbers are LEB128, most of them one or two bytes.

use regex_automata::PatternID;
use regex_automata::nfa::thompson::{self, Builder, NFA, State, Transition, WhichCaptures};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;

/// The regex crate's limit on a compiled NFA, for the full regexes too.
pub const SIZE_LIMIT: usize = 10 * (1 << 20);

/// How every pattern's NFA is compiled: as the regex crate compiles it, with only the implicit
/// capture group (only whole matches are used).
pub fn config() -> thompson::Config {
    thompson::Config::new()
        .utf8(true)
        .shrink(false)
        .nfa_size_limit(Some(SIZE_LIMIT))
        .which_captures(WhichCaptures::Implicit)
}

const RANGE: u8 = 0;
const SPARSE: u8 = 1;
const LOOK: u8 = 2;
const UNION: u8 = 3;
const CAPTURE_START: u8 = 4;
const CAPTURE_END: u8 = 5;
const FAIL: u8 = 6;
const MATCH: u8 = 7;

fn put(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_transition(out: &mut Vec<u8>, t: &Transition) {
    out.extend([t.start, t.end]);
    put(out, t.next.as_usize());
}

/// Appends `nfa`, a one-pattern NFA compiled with [`config`], to `out`.
pub fn encode(nfa: &NFA, out: &mut Vec<u8>) {
    assert_eq!(nfa.pattern_len(), 1, "one pattern per NFA");
    put(out, nfa.states().len());
    put(out, nfa.start_anchored().as_usize());
    put(out, nfa.start_unanchored().as_usize());
    let start = nfa.start_pattern(PatternID::ZERO).expect("one pattern");
    put(out, start.as_usize());
    for state in nfa.states() {
        match state {
            State::ByteRange { trans } => {
                out.push(RANGE);
                put_transition(out, trans);
            }
            State::Sparse(sparse) => {
                out.push(SPARSE);
                put(out, sparse.transitions.len());
                for t in sparse.transitions.iter() {
                    put_transition(out, t);
                }
            }
            // The builder never makes dense states; only `nfa.rs` internals would.
            State::Dense(_) => unreachable!("a compiled NFA has no dense states"),
            State::Look { look, next } => {
                out.push(LOOK);
                put(out, look.as_repr() as usize);
                put(out, next.as_usize());
            }
            State::Union { alternates } => {
                out.push(UNION);
                put(out, alternates.len());
                for a in alternates.iter() {
                    put(out, a.as_usize());
                }
            }
            State::BinaryUnion { alt1, alt2 } => {
                out.push(UNION);
                put(out, 2);
                put(out, alt1.as_usize());
                put(out, alt2.as_usize());
            }
            // A group's start slot is even, its end slot odd.
            State::Capture {
                next,
                group_index,
                slot,
                ..
            } => {
                out.push(if slot.as_usize() % 2 == 0 {
                    CAPTURE_START
                } else {
                    CAPTURE_END
                });
                put(out, group_index.as_usize());
                put(out, next.as_usize());
            }
            State::Fail => out.push(FAIL),
            State::Match { .. } => out.push(MATCH),
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().expect("a complete NFA record");
        self.0 = rest;
        *b
    }

    fn num(&mut self) -> usize {
        let (mut n, mut shift) = (0usize, 0);
        loop {
            let b = self.byte();
            n |= ((b & 0x7f) as usize) << shift;
            if b < 0x80 {
                return n;
            }
            shift += 7;
        }
    }

    fn id(&mut self) -> StateID {
        StateID::new(self.num()).expect("a state ID in range")
    }

    fn transition(&mut self) -> Transition {
        let (start, end) = (self.byte(), self.byte());
        Transition {
            start,
            end,
            next: self.id(),
        }
    }
}

/// The NFA [`encode`] wrote at the start of `bytes`.
pub fn decode(bytes: &[u8]) -> NFA {
    let mut r = Reader(bytes);
    let len = r.num();
    let (anchored, unanchored, start) = (r.id(), r.id(), r.id());
    let mut b = Builder::new();
    b.set_utf8(true);
    b.start_pattern().expect("one pattern");
    // Every add below returns the next ID in order; errors are size limits, which none is given.
    let built = "the builder takes every state of a compiled NFA";
    for _ in 0..len {
        match r.byte() {
            RANGE => {
                let t = r.transition();
                b.add_range(t).expect(built);
            }
            SPARSE => {
                let n = r.num();
                let ts = (0..n).map(|_| r.transition()).collect();
                b.add_sparse(ts).expect(built);
            }
            LOOK => {
                let look = Look::from_repr(r.num() as u32).expect("a known look-around");
                b.add_look(r.id(), look).expect(built);
            }
            UNION => {
                let n = r.num();
                let alts = (0..n).map(|_| r.id()).collect();
                b.add_union(alts).expect(built);
            }
            CAPTURE_START => {
                let group = r.num() as u32;
                b.add_capture_start(r.id(), group, None).expect(built);
            }
            CAPTURE_END => {
                let group = r.num() as u32;
                b.add_capture_end(r.id(), group).expect(built);
            }
            FAIL => {
                b.add_fail().expect(built);
            }
            MATCH => {
                b.add_match().expect(built);
            }
            tag => unreachable!("unknown NFA state tag {tag}"),
        }
    }
    b.finish_pattern(start).expect(built);
    b.build(anchored, unanchored).expect(built)
}
