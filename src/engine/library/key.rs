//! What a phrase is, for comparing it with every other phrase of a library: its normalised key
//! (Simplified, half-width, without punctuation, spaces or trailing particles), a stable 64-bit
//! hash of that key, and a compact sketch of its character bigrams for near-duplicates.
//!
//! Near-duplicates are found in near-linear time with locality-sensitive hashing: each phrase's
//! bigrams get [`BANDS`] × [`ROWS`] min-hashes, and two phrases whose min-hashes agree on a whole band
//! are candidates. A candidate is confirmed with an *odd sketch* (Mitzenmacher, Pagh and Pham, 2014):
//! 128 bits, each bigram flipping one, so that the bits two phrases differ in estimate how many
//! bigrams they do not share. That estimate is accurate exactly where it matters, for phrases that
//! differ in a few bigrams, and costs 16 bytes a phrase instead of the phrases' text.

use crate::text::normalize::normalize_str;

/// Bands of the min-hash signature; a pair that agrees on all rows of one band is a candidate.
pub const BANDS: usize = 4;
/// Rows (min-hashes) per band.
pub const ROWS: usize = 4;
/// Keys shorter than this (in characters) are not compared for near-duplicates: a few characters
/// changed in a short phrase make it another phrase, not a variant.
pub const MIN_NEAR_CHARS: usize = 6;

/// Particles that end a clause without changing what it says (好的呢 = 好的). 吗 asks a question and
/// stays.
const PARTICLES: &[char] = &[
    '呀', '啊', '哦', '喔', '噢', '呢', '吧', '啦', '嘛', '哈', '咯', '哟', '呦', '嗯', '哇', '捏',
];

/// The text two phrases must share to be the same phrase: normalised (Traditional→Simplified,
/// full-width→half-width, lower case), punctuation, symbols, emoji and spaces dropped, and particles
/// at the end of each clause dropped.
pub fn key_text(text: &str) -> String {
    key_of_normalized(&normalize_str(text))
}

/// [`key_text`] of a text already normalised.
pub fn key_of_normalized(norm: &str) -> String {
    let mut out = String::with_capacity(norm.len());
    let mut clause_start = 0;
    let end_clause = |out: &mut String, clause_start: usize| {
        while out.len() > clause_start && out.ends_with(PARTICLES) {
            out.pop();
        }
    };
    for c in norm.chars() {
        // Common CJK ideographs are letters: skip the Unicode table for most characters.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric() {
            out.push(c);
        } else if out.len() > clause_start {
            end_clause(&mut out, clause_start);
            clause_start = out.len();
        }
    }
    end_clause(&mut out, clause_start);
    out
}

/// The finaliser of SplitMix64: a fast, well-mixing bijection of 64-bit words.
pub const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 64-bit hash of bytes that never changes between versions or platforms (baselines store it).
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15_u64 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = mix(h ^ w);
    }
    let mut tail = [0u8; 8];
    let rest = chunks.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    mix(h ^ u64::from_le_bytes(tail) ^ 0xff)
}

/// Combines two hashes (order matters).
pub fn combine(a: u64, b: u64) -> u64 {
    mix(a ^ b.rotate_left(23) ^ 0x2545_f491_4f6c_dd1d)
}

/// What near-duplicate search keeps of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Distinct bigrams (at most `u16::MAX`).
    pub size: u16,
    /// The odd sketch of the bigrams.
    pub odd: [u64; 2],
    /// One key per band of the min-hash signature.
    pub bands: [u32; BANDS],
}

/// The min-hash family: `h_i(g)` = the high 32 bits of `a_i·g + b_i` (mod 2⁶⁴), `a_i` odd, applied
/// to bigram hashes `g` that are already well mixed. One multiply and add per row instead of a full
/// mix: the sixteen rows were most of a phrase's sketch.
const FAMILY: [(u64, u64); BANDS * ROWS] = {
    let mut family = [(0u64, 0u64); BANDS * ROWS];
    let mut i = 0;
    let mut x = 0x6a09_e667_f3bc_c908_u64;
    while i < family.len() {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let a = mix(x) | 1;
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        family[i] = (a, mix(x));
        i += 1;
    }
    family
};

/// The shape of a key, when it is long enough to have near-duplicates.
pub fn shape(key: &str) -> Option<Shape> {
    let mut grams: Vec<u64> = Vec::with_capacity(key.len() / 3 + 1);
    let mut chars = key.chars();
    let mut prev = chars.next()?;
    for c in chars {
        grams.push(mix(((prev as u64) << 32) | c as u64));
        prev = c;
    }
    // Bigrams = characters − 1.
    if grams.len() + 1 < MIN_NEAR_CHARS {
        return None;
    }
    grams.sort_unstable();
    grams.dedup();
    let mut odd = [0u64; 2];
    let mut mins = [u32::MAX; BANDS * ROWS];
    for &g in &grams {
        let bit = mix(g ^ 0x0dd5_ce7c_0dd5_ce7c) & 127;
        odd[(bit >> 6) as usize] ^= 1 << (bit & 63);
        for (m, (a, b)) in mins.iter_mut().zip(FAMILY) {
            *m = (*m).min((g.wrapping_mul(a).wrapping_add(b) >> 32) as u32);
        }
    }
    let mut bands = [0u32; BANDS];
    for (b, band) in bands.iter_mut().enumerate() {
        let rows = &mins[b * ROWS..(b + 1) * ROWS];
        let h = rows.iter().fold(b as u64, |h, &r| combine(h, r as u64));
        *band = (h >> 32) as u32;
    }
    Some(Shape {
        size: u16::try_from(grams.len()).unwrap_or(u16::MAX),
        odd,
        bands,
    })
}

/// The estimated Jaccard similarity of two phrases' bigram sets, from their odd sketches and sizes.
/// Pairs that differ in more bigrams than the sketch can tell apart come out as 0.
pub fn similarity(a_size: u16, a_odd: [u64; 2], b_size: u16, b_odd: [u64; 2]) -> f64 {
    const BITS: f64 = 128.0;
    /// ln(1 − 2/128).
    const LN_STEP: f64 = -0.015_748_356_968_139_168;
    let (na, nb) = (a_size as f64, b_size as f64);
    // Sizes alone bound the similarity: min/max.
    if na.min(nb) < 0.5 * na.max(nb) {
        return 0.0;
    }
    let z = ((a_odd[0] ^ b_odd[0]).count_ones() + (a_odd[1] ^ b_odd[1]).count_ones()) as f64;
    if 2.0 * z >= BITS * 0.9 {
        return 0.0;
    }
    // E[z] = n/2 · (1 − (1 − 2/n)^d) for d bigrams in one set and not the other.
    let d = ((1.0 - 2.0 * z / BITS).ln() / LN_STEP).max((na - nb).abs());
    let total = na + nb;
    if total == 0.0 {
        return 1.0;
    }
    ((total - d) / (total + d)).clamp(0.0, 1.0)
}

/// The exact Jaccard similarity of two keys' bigram sets (for tests and examples).
pub fn exact_similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> std::collections::HashSet<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (ga, gb) = (grams(a), grams(b));
    let union = ga.union(&gb).count();
    if union == 0 {
        return 1.0;
    }
    ga.intersection(&gb).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_script_width_punctuation_spaces_and_particles() {
        let k = key_text("您好，請問有什麼可以幫您？");
        assert_eq!(k, "您好请问有什么可以帮您");
        assert_eq!(key_text("您好呀！ 请问有什么可以帮您呢~"), k);
        assert_eq!(key_text("好的呢"), "好的");
        assert_eq!(key_text("ＯＫ，收到啦"), "ok收到");
        // 吗 asks: a question is not the statement.
        assert_ne!(key_text("可以吗"), key_text("可以"));
        assert_eq!(key_text("！！！"), "");
    }

    #[test]
    fn hashes_are_stable() {
        // Stored in baselines: this value must never change.
        assert_eq!(
            format!("{:016x}", hash("您好".as_bytes())),
            "0006b5afe87e6363"
        );
        assert_ne!(hash(b"ab"), hash(b"ba"));
    }

    #[test]
    fn the_odd_sketch_estimates_close_pairs_well() {
        let pairs = [
            ("亲您好请问有什么可以帮您的", "亲您好请问有什么可以帮到您的"),
            (
                "这款衣服是纯棉的正常穿着不会起球",
                "这款衣服是纯棉的正常穿着不会起球哦亲",
            ),
            (
                "这款衣服是纯棉的正常穿着不会起球",
                "我们默认发中通快递一般两到四天送达",
            ),
        ];
        for (a, b) in pairs {
            let (sa, sb) = (shape(a).unwrap(), shape(b).unwrap());
            let est = similarity(sa.size, sa.odd, sb.size, sb.odd);
            let exact = exact_similarity(a, b);
            assert!((est - exact).abs() < 0.1, "{a} / {b}: {est} vs {exact}");
        }
    }

    /// The min-hash family behaves as banding promises: a pair with bigram similarity J shares a
    /// band with probability 1 − (1 − J⁴)⁴ (about 0.95 at J = 0.8), unrelated phrases almost never.
    #[test]
    fn banding_finds_close_pairs_and_skips_unrelated_ones() {
        let pool: Vec<char> = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感".chars().collect();
        let mut seed = 0x1234_5678_u64;
        let mut next = |n: usize| {
            seed = mix(seed);
            (seed % n as u64) as usize
        };
        let (mut close, mut found, mut unrelated, mut false_hits) = (0, 0, 0, 0);
        for _ in 0..400 {
            let a: String = (0..30).map(|_| pool[next(pool.len())]).collect();
            // One character changed: about 0.85 similar.
            let mut b: Vec<char> = a.chars().collect();
            let at = next(b.len());
            b[at] = '鑫';
            let b: String = b.into_iter().collect();
            let c: String = (0..30).map(|_| pool[next(pool.len())]).collect();
            let (sa, sb, sc) = (shape(&a).unwrap(), shape(&b).unwrap(), shape(&c).unwrap());
            let share = |x: &Shape, y: &Shape| x.bands.iter().zip(y.bands).any(|(p, q)| *p == q);
            if exact_similarity(&a, &b) >= 0.8 {
                close += 1;
                found += usize::from(share(&sa, &sb));
            }
            unrelated += 1;
            false_hits += usize::from(share(&sa, &sc));
        }
        assert!(close > 300, "{close}");
        assert!(found as f64 >= 0.9 * close as f64, "{found} of {close}");
        assert!(false_hits * 100 <= unrelated, "{false_hits} of {unrelated}");
    }

    #[test]
    fn near_duplicates_share_a_band() {
        let a = shape("您好这款衣服是纯棉的正常穿着不会起球洗的时候建议手洗").unwrap();
        let b = shape("您好这款衣服是纯棉的正常穿着不会起球洗的时候建议您手洗").unwrap();
        assert!(a.bands.iter().zip(b.bands).any(|(x, y)| *x == y));
    }
}
