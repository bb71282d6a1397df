//! The library as it grows, phrase by phrase in path order: which phrases are copies, variants or
//! code clashes of earlier ones (known at once), which facts disagree and which stages have no
//! reply (known at the end), and the counts of the overview.
//!
//! Memory stays compact for a million phrases: per phrase a key hash, a slot in an
//! open-addressing table of phrase ids and two bits; per phrase long enough for near-duplicates a
//! 32-byte entry (odd sketch, size, one chain link per band) and a bucket head per band; per
//! quick code its hash and a slot. No phrase text is kept here.

use super::chunked::filled;
use super::key::{BANDS, combine, similarity};
use super::{Chunked, Sketch, Value};
use crate::text::scene::Scene;
use std::collections::HashMap;
use std::sync::Arc;

/// A phrase, numbered in the order phrases were added.
pub type PhraseId = u32;
/// A library: the run's (shop `None`), or a shop's.
pub type LibId = u16;
/// A fact statement, numbered in the order they were added.
pub type OccId = u32;

const NONE: u32 = u32::MAX;
/// The largest phrase count an index is sized for up front.
const MAX_EXPECTED: usize = 1 << 22;
/// Entries of one bucket chain compared, at most, per band: bounds the work on huge clusters.
const MAX_WALK: usize = 48;

/// A hint to load the cache line of `at` (a no-op where there is no such instruction).
#[inline(always)]
fn prefetch<T>(at: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing and cannot fault; `at` is a valid reference anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (at as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// Open addressing over ids, the key of an id given by the caller: 4 bytes a slot.
#[derive(Debug, Default)]
struct IdTable {
    slots: Vec<u32>,
    len: usize,
}

impl IdTable {
    /// The id stored under `key`, or `None` after storing `id` under it.
    fn get_or_insert(&mut self, key: u64, id: u32, key_of: impl Fn(u32) -> u64) -> Option<u32> {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow(&key_of);
        }
        let mask = self.slots.len() - 1;
        let mut i = key as usize & mask;
        loop {
            let s = self.slots[i];
            if s == NONE {
                self.slots[i] = id;
                self.len += 1;
                return None;
            }
            if key_of(s) == key {
                return Some(s);
            }
            i = (i + 1) & mask;
        }
    }

    /// Asks the cache for the slot `key` is looked up in first.
    fn prefetch(&self, key: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[key as usize & (self.slots.len() - 1)]);
        }
    }

    fn grow(&mut self, key_of: &impl Fn(u32) -> u64) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, filled(size, NONE));
        let mask = size - 1;
        for id in old.into_iter().filter(|&s| s != NONE) {
            let mut i = key_of(id) as usize & mask;
            while self.slots[i] != NONE {
                i = (i + 1) & mask;
            }
            self.slots[i] = id;
        }
    }
}

/// A phrase that takes part in near-duplicate search: 32 bytes, a million of them a sizeable part
/// of a large run's memory. Its phrase and library are not stored in it: entries are made in
/// phrase order, so [`Members`] recovers the phrase of the one entry that wins, and a library's
/// entries come in runs ([`Index::lib_runs`]).
#[derive(Debug, Clone, Copy)]
struct NearEntry {
    odd: [u32; 4],
    /// Per band, the previous entry in the same bucket (the low [`LINK_BITS`] bits), and in the
    /// high 4 bits a nibble of the phrase's size (its bigrams, a `u16`): band `k` holds bits
    /// `4k..4k + 4`.
    links: [u32; BANDS],
}

/// Bits of an entry number in a link: near-duplicate search covers the first 2²⁸ − 1 phrases
/// that take part (268 million), beyond which phrases are still checked for copies and codes.
const LINK_BITS: u32 = 28;
const LINK_MASK: u32 = (1 << LINK_BITS) - 1;
/// No entry, as a link.
const NO_LINK: u32 = LINK_MASK;

impl NearEntry {
    fn new(odd: [u64; 2], size: u16, links: [u32; BANDS]) -> NearEntry {
        let mut packed = [0; BANDS];
        for (band, link) in links.iter().enumerate() {
            let nibble = (size >> (4 * band)) as u32 & 0xf;
            packed[band] = link | nibble << LINK_BITS;
        }
        NearEntry {
            odd: [
                odd[0] as u32,
                (odd[0] >> 32) as u32,
                odd[1] as u32,
                (odd[1] >> 32) as u32,
            ],
            links: packed,
        }
    }

    fn odd(&self) -> [u64; 2] {
        [
            self.odd[0] as u64 | (self.odd[1] as u64) << 32,
            self.odd[2] as u64 | (self.odd[3] as u64) << 32,
        ]
    }

    fn size(&self) -> u16 {
        (0..BANDS).fold(0, |size, band| {
            size | ((self.links[band] >> LINK_BITS) as u16) << (4 * band)
        })
    }

    fn link(&self, band: usize) -> u32 {
        self.links[band] & LINK_MASK
    }
}

/// Some of the phrases, numbered in phrase order (the near-duplicate entries, the stored codes):
/// finds the phrase of a member by its number, in about a bit a phrase (which phrases are members,
/// and the phrase of every 64th member) instead of 4 bytes a member. A member is looked up only
/// when it is found again (the entry that wins a search, a code used twice).
#[derive(Debug, Default)]
struct Members {
    /// Bit `id` is set when phrase `id` is a member.
    has: Vec<u64>,
    /// The phrase of member `64 k`.
    every64: Vec<PhraseId>,
    entries: u32,
}

impl Members {
    /// Phrase `id` (the next phrase) is a member or not.
    fn push(&mut self, id: PhraseId, entry: bool) {
        let word = id as usize / 64;
        if word == self.has.len() {
            self.has.push(0);
        }
        if entry {
            self.has[word] |= 1 << (id % 64);
            if self.entries.is_multiple_of(64) {
                self.every64.push(id);
            }
            self.entries += 1;
        }
    }

    /// The phrase of member `entry`: the (entry mod 64)-th member from the last 64th member before
    /// it on.
    fn id_of(&self, entry: u32) -> PhraseId {
        let from = self.every64[entry as usize / 64];
        let mut k = entry % 64;
        let mut word = from as usize / 64;
        // Phrases before `from` in its word are not counted.
        let mut bits = self.has[word] & (u64::MAX << (from % 64));
        loop {
            let n = bits.count_ones();
            if k < n {
                for _ in 0..k {
                    bits &= bits - 1;
                }
                return (word * 64) as PhraseId + bits.trailing_zeros();
            }
            k -= n;
            word += 1;
            bits = self.has[word];
        }
    }
}

/// What adding a phrase found.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Events {
    /// An earlier phrase with the same key.
    pub duplicate_of: Option<PhraseId>,
    /// The most similar earlier phrase among the candidates, and the similarity.
    pub near: Option<(PhraseId, f64)>,
    /// An earlier, different phrase with the same quick code.
    pub code_of: Option<PhraseId>,
}

/// One value of a fact in a library, with where it is stated.
#[derive(Debug, Clone)]
pub struct ValueStat {
    pub value: Value,
    pub occurrences: Vec<OccId>,
}

/// A library's counts, for the overview.
#[derive(Debug, Clone, Default)]
pub struct LibStats {
    pub shop: Option<Arc<str>>,
    /// Mixed into the library's hashes: from the shop's name, so keys are the same in every run.
    salt: u64,
    pub phrases: usize,
    /// (group name, scene, phrases), in the order first met.
    pub groups: Vec<(Arc<str>, Scene, usize)>,
    group_index: HashMap<(Arc<str>, Scene), usize>,
    pub ungrouped: usize,
    /// Phrases per scene, in [`Scene::ALL`] order.
    pub scenes: [usize; 9],
    /// Stages with at least one phrase, one bit per stage.
    pub stages: u64,
    /// Copies of earlier phrases, and the phrases that have copies.
    pub copies: usize,
    pub copied: usize,
    /// Phrases with an earlier near-duplicate.
    pub near: usize,
    /// Phrases whose quick code an earlier, different phrase has.
    pub code_clashes: usize,
    /// Per fact (by index): its values, in the order first met.
    pub facts: HashMap<usize, Vec<ValueStat>>,
}

/// A phrase stating a value of a fact that the rest of its library does not agree on.
#[derive(Debug, Clone)]
pub struct Disagreement {
    pub occurrence: OccId,
    pub lib: LibId,
    pub fact: usize,
    pub value: Value,
    /// The value most phrases state, when one does.
    pub prevailing: Option<Value>,
    /// Every other value: the value, how many phrases state it, and where the first few are.
    pub others: Vec<(Value, usize, Vec<OccId>)>,
}

/// Places of another value named per finding, at most.
pub const SHOWN_PLACES: usize = 3;

#[derive(Debug, Default)]
pub struct Index {
    /// Per phrase: its key hash mixed with its library (0: none).
    keys: Chunked<u64>,
    dups: IdTable,
    /// The codes of phrases with a code not used before: the hash mixed with the library.
    coded: Chunked<u64>,
    /// Their phrases.
    coded_ids: Members,
    codes: IdTable,
    /// Whose first copy already counts as copied.
    copied: std::collections::HashSet<PhraseId>,
    near: Chunked<NearEntry>,
    near_ids: Members,
    /// The library of the near-duplicate entries: (first entry, library) where it changes.
    lib_runs: Vec<(u32, LibId)>,
    heads: Vec<u32>,
    bucket_bits: u32,
    libs: Vec<LibStats>,
    lib_ids: HashMap<Option<Arc<str>>, LibId>,
    /// Fact statements so far.
    occurrences: usize,
    /// The lowest near-duplicate threshold of the rules that run.
    threshold: f64,
}

impl Index {
    /// An index for about `expected` phrases (sizes the near-duplicate buckets: one per four
    /// phrases and band; chains are walked and every candidate confirmed, so a low estimate costs
    /// time, not findings), reporting near-duplicates at or above `threshold`.
    pub fn new(expected: usize, threshold: f64) -> Index {
        // Reservations are virtual, but an absurd estimate must not ask for more than the system
        // will lend: beyond this the tables grow chunk by chunk.
        let expected = expected.min(MAX_EXPECTED);
        let bucket_bits = (expected / 4)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(10, 21);
        Index {
            // Reserved, not touched: a good estimate puts the tables in one chunk each.
            keys: Chunked::with_first(expected),
            coded: Chunked::with_first(expected),
            near: Chunked::with_first(expected),
            heads: filled(BANDS << bucket_bits, NO_LINK),
            bucket_bits,
            threshold,
            ..Index::default()
        }
    }

    /// Sized again for about `expected` phrases, while nothing has been added.
    pub fn resize_empty(&mut self, expected: usize) {
        if self.keys.is_empty() {
            let sized = Index::new(expected, self.threshold);
            self.keys = sized.keys;
            self.coded = sized.coded;
            self.near = sized.near;
            self.heads = sized.heads;
            self.bucket_bits = sized.bucket_bits;
        }
    }

    /// The library of a shop (`None`: the run's own).
    pub fn library(&mut self, shop: Option<&Arc<str>>) -> LibId {
        if let Some(&id) = self.lib_ids.get(&shop.cloned()) {
            return id;
        }
        // More shops than ids: the last id is shared (no run names 65,535 shops).
        let Ok(id) = LibId::try_from(self.libs.len()) else {
            return LibId::MAX;
        };
        self.libs.push(LibStats {
            shop: shop.cloned(),
            salt: shop.map_or(0, |s| super::key::hash(s.as_bytes())),
            ..LibStats::default()
        });
        self.lib_ids.insert(shop.cloned(), id);
        id
    }

    pub fn libraries(&self) -> &[LibStats] {
        &self.libs
    }

    /// A phrase's key hash, mixed with its library's (0: none): the same in every run.
    pub fn key(&self, id: PhraseId) -> u64 {
        self.keys[id as usize]
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Asks the cache for what adding `sketch` reads first: its key's slot and its buckets'
    /// heads. These tables are tens of megabytes read at random; asked for a phrase ahead, their
    /// misses overlap with adding the phrase before.
    pub fn prefetch_heads(&self, lib: LibId, sketch: &Sketch) {
        let salt = self.libs[lib as usize].salt;
        if sketch.key != 0 {
            self.dups.prefetch(combine(sketch.key, salt).max(1));
        }
        if let Some(shape) = &sketch.shape {
            for (band, key) in shape.bands.iter().enumerate() {
                prefetch(&self.heads[self.bucket(band, *key, lib)]);
            }
        }
    }

    /// Adds the next phrase; says which earlier phrases it repeats, resembles or clashes with.
    pub fn add(&mut self, lib: LibId, sketch: &Sketch) -> (PhraseId, Events) {
        let id = PhraseId::try_from(self.keys.len()).expect("fewer than 4 billion phrases");
        let salt = self.libs[lib as usize].salt;
        let key = if sketch.key == 0 {
            0
        } else {
            combine(sketch.key, salt).max(1)
        };
        self.keys.push(key);
        let stats = &mut self.libs[lib as usize];
        stats.phrases += 1;
        let scene = Scene::ALL
            .iter()
            .position(|s| *s == sketch.scene)
            .unwrap_or(8);
        stats.scenes[scene] += 1;
        stats.stages |= sketch.stages;
        let mut events = Events::default();
        if key != 0 {
            let keys = &self.keys;
            events.duplicate_of = self.dups.get_or_insert(key, id, |i| keys[i as usize]);
        }
        if let Some(first) = events.duplicate_of {
            stats.copies += 1;
            if self.copied.insert(first) {
                stats.copied += 1;
            }
        }
        let mut new_code = false;
        if let Some((code, _)) = sketch.code {
            let code = combine(code, salt).max(1);
            let n = self.coded.len() as u32;
            let coded = &self.coded;
            // Only codes already stored are looked up: `n` is stored after.
            match self.codes.get_or_insert(code, n, |i| coded[i as usize]) {
                None => {
                    self.coded.push(code);
                    new_code = true;
                }
                Some(first) => {
                    let first = self.coded_ids.id_of(first);
                    if self.keys[first as usize] != key || key == 0 {
                        events.code_of = Some(first);
                        self.libs[lib as usize].code_clashes += 1;
                    }
                }
            }
        }
        let mut entry = false;
        if events.duplicate_of.is_none()
            && let Some(shape) = sketch.shape
            && self.near.len() < NO_LINK as usize
        {
            events.near = self.near_search(lib, shape);
            entry = true;
            if events.near.is_some() {
                self.libs[lib as usize].near += 1;
            }
        }
        self.near_ids.push(id, entry);
        self.coded_ids.push(id, new_code);
        (id, events)
    }

    fn bucket(&self, band: usize, key: u32, lib: LibId) -> usize {
        let h = combine(key as u64, lib as u64);
        (band << self.bucket_bits) | (h as usize & ((1 << self.bucket_bits) - 1))
    }

    /// The library of entry `p`.
    fn lib_of(&self, p: u32) -> LibId {
        match self.lib_runs.as_slice() {
            [(_, lib)] => *lib,
            runs => runs[runs.partition_point(|&(first, _)| first <= p) - 1].1,
        }
    }

    /// The most similar earlier phrase among the candidates, then the phrase joins the buckets.
    fn near_search(&mut self, lib: LibId, shape: super::key::Shape) -> Option<(PhraseId, f64)> {
        let odd = shape.odd;
        let me = self.near.len() as u32;
        if self.lib_runs.last().is_none_or(|&(_, l)| l != lib) {
            self.lib_runs.push((me, lib));
        }
        let mut slots = [0usize; BANDS];
        let mut links = [NO_LINK; BANDS];
        for (band, key) in shape.bands.iter().enumerate() {
            slots[band] = self.bucket(band, *key, lib);
            links[band] = self.heads[slots[band]];
        }
        // The bands' chains are walked side by side, a step of each in turn: every step is a
        // cache miss, and four independent ones overlap where one chain after another would wait
        // for each. The winner is the most similar candidate, among equals the one a walk of
        // band after band meets first, as if they were walked so.
        let mut best: Option<(u32, f64, (usize, usize))> = None;
        let mut at = links;
        for step in 0..MAX_WALK {
            let mut any = false;
            for (band, next) in at.iter_mut().enumerate() {
                let p = *next;
                if p == NO_LINK {
                    continue;
                }
                any = true;
                let e = self.near[p as usize];
                // A candidate met in several bands is compared again: cheaper than remembering it.
                if self.lib_of(p) == lib {
                    let s = similarity(shape.size, odd, e.size(), e.odd());
                    let order = (band, step);
                    if s >= self.threshold
                        && best.is_none_or(|(_, b, o)| s > b || (s == b && order < o))
                    {
                        best = Some((p, s, order));
                    }
                }
                *next = e.link(band);
            }
            if !any {
                break;
            }
        }
        for slot in slots {
            self.heads[slot] = me;
        }
        self.near.push(NearEntry::new(odd, shape.size, links));
        best.map(|(p, s, _)| (self.near_ids.id_of(p), s))
    }

    /// Counts a document's groups: (name, scene, phrases) and the phrases without a group.
    pub fn count_groups(
        &mut self,
        lib: LibId,
        groups: &[(Arc<str>, Scene, usize)],
        ungrouped: usize,
    ) {
        let stats = &mut self.libs[lib as usize];
        stats.ungrouped += ungrouped;
        for (name, scene, n) in groups {
            let k = (name.clone(), *scene);
            match stats.group_index.get(&k) {
                Some(&i) => stats.groups[i].2 += n,
                None => {
                    stats.group_index.insert(k, stats.groups.len());
                    stats.groups.push((name.clone(), *scene, *n));
                }
            }
        }
    }

    /// Records that a phrase of a library states a value of a fact; the statement's number.
    pub fn state(&mut self, lib: LibId, fact: usize, value: &Value) -> OccId {
        let occ = OccId::try_from(self.occurrences).expect("fewer than 4 billion facts");
        let values = self.libs[lib as usize].facts.entry(fact).or_default();
        let v = match values.iter().position(|v| v.value == *value) {
            Some(v) => v,
            None => {
                values.push(ValueStat {
                    value: value.clone(),
                    occurrences: Vec::new(),
                });
                values.len() - 1
            }
        };
        values[v].occurrences.push(occ);
        self.occurrences += 1;
        occ
    }

    /// Every statement of a fact whose library states other values too, in the order stated,
    /// except facts `skip` names (a policy covers them). In each library and fact, the value most
    /// phrases state prevails and its statements are not reported; when no value has more phrases
    /// than every other, every statement is.
    pub fn disagreements(&self, skip: impl Fn(usize) -> bool) -> Vec<Disagreement> {
        let mut out = Vec::new();
        for (lib, stats) in self.libs.iter().enumerate() {
            for (&fact, values) in &stats.facts {
                if values.len() < 2 || skip(fact) {
                    continue;
                }
                let max = values
                    .iter()
                    .map(|v| v.occurrences.len())
                    .max()
                    .unwrap_or(0);
                let top: Vec<&ValueStat> = values
                    .iter()
                    .filter(|v| v.occurrences.len() == max)
                    .collect();
                let prevailing = (top.len() == 1).then(|| top[0].value.clone());
                for v in values {
                    if Some(&v.value) == prevailing.as_ref() {
                        continue;
                    }
                    let mut others: Vec<(Value, usize, Vec<OccId>)> = values
                        .iter()
                        .filter(|o| o.value != v.value)
                        .map(|o| {
                            (
                                o.value.clone(),
                                o.occurrences.len(),
                                o.occurrences.iter().take(SHOWN_PLACES).copied().collect(),
                            )
                        })
                        .collect();
                    // The prevailing value first, then by how often, then as first met.
                    others.sort_by_key(|(val, n, firsts)| {
                        (
                            Some(val) != prevailing.as_ref(),
                            std::cmp::Reverse(*n),
                            firsts[0],
                        )
                    });
                    for &occ in &v.occurrences {
                        out.push(Disagreement {
                            occurrence: occ,
                            lib: lib as LibId,
                            fact,
                            value: v.value.clone(),
                            prevailing: prevailing.clone(),
                            others: others.clone(),
                        });
                    }
                }
            }
        }
        out.sort_by_key(|d| d.occurrence);
        out
    }

    /// The stages (bits of `required`) a library has no phrase for, when it has at least
    /// `min_phrases` phrases.
    pub fn missing_stages(&self, lib: LibId, required: u64, min_phrases: usize) -> u64 {
        let stats = &self.libs[lib as usize];
        if stats.phrases < min_phrases.max(1) {
            return 0;
        }
        required & !stats.stages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::library::Library;

    fn add(index: &mut Index, lib: &Library, text: &str, code: Option<&str>) -> Events {
        let s = lib.sketch(text, Scene::Common, code);
        let l = index.library(None);
        index.add(l, &s).1
    }

    /// However wrong the estimate, the index is made and finds the same: an absurd one is capped
    /// (reservations are virtual, but not unbounded), a low one only lengthens bucket chains.
    #[test]
    fn any_estimate_gives_the_same_findings() {
        let lib = Library {
            near: true,
            ..Library::default()
        };
        let texts = [
            "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议手洗",
            "您好，请问有什么可以帮您？",
            "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议您手洗",
            "您好呀 請問有什麼可以幫您",
        ];
        let run = |index: &mut Index| -> Vec<Events> {
            texts.iter().map(|t| add(index, &lib, t, None)).collect()
        };
        let expected = run(&mut Index::new(100, 0.8));
        assert_eq!(expected[2].near.map(|(id, _)| id), Some(0));
        assert_eq!(expected[3].duplicate_of, Some(1));
        for estimate in [0, 1, usize::MAX] {
            assert_eq!(run(&mut Index::new(estimate, 0.8)), expected, "{estimate}");
        }
        let mut resized = Index::new(0, 0.8);
        resized.library(None);
        resized.resize_empty(usize::MAX);
        assert_eq!(run(&mut resized), expected);
    }

    /// Members' phrases are found again whatever the gaps between them: none, short, longer than
    /// a word, at word edges.
    #[test]
    fn members_find_their_phrases() {
        let mut ids = Members::default();
        let mut expected = Vec::new();
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for id in 0..5000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Runs of phrases with entries, and gaps up to 300 long.
            let entry = match id / 500 {
                0 => true,
                3 => id % 300 == 7,
                _ => !x.is_multiple_of(3),
            };
            ids.push(id, entry);
            if entry {
                expected.push(id);
            }
        }
        for (entry, id) in expected.iter().enumerate() {
            assert_eq!(ids.id_of(entry as u32), *id, "entry {entry}");
        }
    }

    /// An entry keeps every size a phrase can have, beside its links.
    #[test]
    fn entries_keep_size_and_links() {
        for size in [0, 1, 15, 16, 255, 4096, 40_000, u16::MAX] {
            let links = [0, 7, NO_LINK, LINK_MASK - 1];
            let e = NearEntry::new([u64::MAX, 5], size, links);
            assert_eq!(e.size(), size);
            assert_eq!((0..BANDS).map(|b| e.link(b)).collect::<Vec<_>>(), links);
            assert_eq!(e.odd(), [u64::MAX, 5]);
        }
        assert_eq!(size_of::<NearEntry>(), 32);
    }

    #[test]
    fn copies_variants_and_code_clashes() {
        let lib = Library {
            near: true,
            ..Library::default()
        };
        let mut index = Index::new(100, 0.8);
        assert_eq!(
            add(&mut index, &lib, "您好，请问有什么可以帮您？", Some("hy")),
            Events::default()
        );
        let e = add(&mut index, &lib, "您好呀 請問有什麼可以幫您", None);
        assert_eq!(e.duplicate_of, Some(0));
        let e = add(
            &mut index,
            &lib,
            "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议手洗",
            None,
        );
        assert_eq!(e, Events::default());
        let e = add(
            &mut index,
            &lib,
            "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议您手洗",
            Some("hy"),
        );
        assert_eq!(e.near.map(|(id, _)| id), Some(2));
        assert_eq!(e.code_of, Some(0));
        // The same phrase under the same code is a copy, not a clash.
        let e = add(&mut index, &lib, "您好，请问有什么可以帮您？", Some("HY"));
        assert_eq!(e.code_of, None);
        let stats = &index.libraries()[0];
        assert_eq!(
            (stats.copies, stats.copied, stats.near, stats.code_clashes),
            (2, 1, 1, 1)
        );
    }

    #[test]
    fn shops_are_separate_libraries() {
        let lib = Library::default();
        let mut index = Index::new(10, 0.9);
        let a = index.library(Some(&Arc::from("甲店")));
        let b = index.library(Some(&Arc::from("乙店")));
        let s = lib.sketch("您好，在的", Scene::Common, None);
        assert_eq!(index.add(a, &s).1.duplicate_of, None);
        assert_eq!(index.add(b, &s).1.duplicate_of, None);
        assert_eq!(index.add(a, &s).1.duplicate_of, Some(0));
        // Near-duplicates too, with the shops' phrases interleaved.
        let lib = Library {
            near: true,
            ..Library::default()
        };
        let first = "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议手洗";
        let variant = "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议您手洗";
        let sketch = |t| lib.sketch(t, Scene::Common, None);
        let mut index = Index::new(10, 0.8);
        let a = index.library(Some(&Arc::from("甲店")));
        let b = index.library(Some(&Arc::from("乙店")));
        let (a1, _) = index.add(a, &sketch(first));
        assert_eq!(
            index.add(b, &sketch(variant)).1.near,
            None,
            "another shop's"
        );
        let (_, e) = index.add(a, &sketch(variant));
        assert_eq!(e.near.map(|(id, _)| id), Some(a1));
        let (_, e) = index.add(b, &sketch(first));
        assert_eq!(e.near.map(|(id, _)| id), Some(a1 + 1));
    }

    #[test]
    fn the_prevailing_value_is_not_reported() {
        let mut index = Index::new(10, 0.9);
        let l = index.library(None);
        let h48 = Value::Number(48);
        let h24 = Value::Number(24);
        let a = index.state(l, 0, &h48);
        let b = index.state(l, 0, &h24);
        let d = index.disagreements(|_| false);
        assert_eq!(d.len(), 2, "a tie: both");
        let c = index.state(l, 0, &h48);
        let d = index.disagreements(|_| false);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].occurrence, b);
        assert_eq!(d[0].prevailing, Some(h48.clone()));
        assert_eq!(d[0].others, vec![(h48, 2, vec![a, c])]);
        assert!(index.disagreements(|f| f == 0).is_empty());
    }
}
