//! The normalised view of a phrase that rules match against.
//!
//! Rules are written once, in Simplified Chinese with half-width punctuation, and must match Traditional
//! text and full-width punctuation the same way. The view converts per character, so it has exactly as
//! many characters as the original: a match in the view maps back to the original by character index.
//!
//! The conversion is one table lookup per character: a static table over the Basic Multilingual Plane
//! (Traditional→Simplified as fast2s converts, plus [`EXTRA_T2S`]), the few characters fast2s converts
//! by their neighbours ([`by_context`]), then width and case folding ([`fold_char`]). Nothing is
//! allocated per character and nothing is built at run time.
//!
//! Hong Kong replies write Cantonese characters where the rules use Mandarin ones (冇貨 for 没货, 唔知 for
//! 不知): [`cantonese`] folds the few that have a one-character Mandarin equivalent, after the
//! Traditional→Simplified step, so the view keeps one character per original character.

#[path = "normalize/t2s.rs"]
mod t2s;

/// A phrase's normalised text plus the table that maps byte offsets in it back to character indexes.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// `char_starts[i]` is the byte offset of character `i` in `text`; one extra entry holds
    /// `text.len()`. Four bytes each, saturating (no phrase comes near 4 GiB; a long phrase's view
    /// is otherwise mostly this table).
    char_starts: Vec<u32>,
}

impl Normalized {
    pub fn new(original: &str) -> Self {
        let mut n = Normalized::default();
        n.set(original);
        n
    }

    /// Normalises `original` into this value, reusing its buffers.
    pub fn set(&mut self, original: &str) {
        self.text.clear();
        normalize_into(original, &mut self.text);
        self.char_starts.clear();
        self.char_starts
            .extend(self.text.char_indices().map(|(i, _)| sat(i)));
        self.char_starts.push(sat(self.text.len()));
        debug_assert_eq!(self.char_starts.len() - 1, original.chars().count());
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Number of characters (the same in the original and the view).
    pub fn char_len(&self) -> usize {
        self.char_starts.len() - 1
    }

    /// The character index of a byte offset in the normalised text (which must be a char boundary).
    pub fn char_index(&self, byte: usize) -> usize {
        match self.char_starts.binary_search(&sat(byte)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte offset in the normalised text of a character index.
    pub fn byte_offset(&self, char_index: usize) -> usize {
        self.char_starts[char_index.min(self.char_starts.len() - 1)] as usize
    }

    /// Byte range in the view to character range.
    pub fn char_range(&self, bytes: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.char_index(bytes.start)..self.char_index(bytes.end)
    }
}

fn sat(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Traditional forms fast2s leaves alone (OpenCC's 羣, variant 峯, 眞 …), mapped here so the view is
/// Simplified for them too. 著 is left out: it is a valid Simplified character (著名).
const EXTRA_T2S: &[(char, char)] = &[
    ('羣', '群'),
    ('峯', '峰'),
    ('眞', '真'),
    ('敎', '教'),
    ('淸', '清'),
    ('緖', '绪'),
    ('牠', '它'),
    ('妳', '你'),
];

/// Marks, in [`TABLE`], a character fast2s converts by its neighbours.
const CONTEXT: u16 = 0xFFFF;

/// For one character: (a pair of it with its previous or next character, the form it takes there;
/// `None` keeps it).
type ContextRules = &'static [([char; 2], Option<char>)];

/// Characters fast2s converts by their neighbours (its `special.rs`): for each, the pairs (previous or
/// next character with it) that keep it, or that give it another form; otherwise the plain table
/// applies.
const BY_CONTEXT: &[(char, ContextRules)] = &[
    ('兒', &[(['兒', '寬'], None)]),
    (
        '覆',
        &[
            (['答', '覆'], None),
            (['批', '覆'], None),
            (['回', '覆'], None),
        ],
    ),
    ('夥', &[(['甚', '夥'], None)]),
    ('藉', &[(['慰', '藉'], None), (['狼', '藉'], None)]),
    ('瞭', &[(['瞭', '望'], None)]),
    ('麽', &[(['幺', '麽'], None)]),
    ('幺', &[(['幺', '麽'], None)]),
    ('於', &[(['樊', '於'], None)]),
    (
        '乾',
        &[
            (['乾', '隆'], None),
            (['乾', '坤'], None),
            (['乾', '卦'], None),
        ],
    ),
    // 藉 is listed again by fast2s for 藉口/憑藉, but its keep-list above takes precedence there.
    ('著', &[(['看', '著'], Some('着'))]),
    ('苧', &[(['苧', '麻'], Some('苎'))]),
    ('闔', &[(['闔', '家'], Some('合'))]),
    ('鍾', &[(['鍾', '書'], Some('锺'))]),
    (
        '讎',
        &[
            (['校', '讎'], Some('雠')),
            (['讎', '定'], Some('雠')),
            (['仇', '讎'], Some('雠')),
        ],
    ),
    (
        '畫',
        &[(['計', '畫'], Some('划')), (['企', '畫'], Some('划'))],
    ),
];

/// Per character of the Basic Multilingual Plane: its Simplified form, 0 when it has none, or
/// [`CONTEXT`]. Built at compile time from fast2s's pairs and [`EXTRA_T2S`].
static TABLE: [u16; 0x10000] = build_table();

const fn extra(c: char) -> char {
    let mut i = 0;
    while i < EXTRA_T2S.len() {
        if EXTRA_T2S[i].0 == c {
            return EXTRA_T2S[i].1;
        }
        i += 1;
    }
    c
}

const fn build_table() -> [u16; 0x10000] {
    let mut t = [0u16; 0x10000];
    let mut i = 0;
    while i < t2s::T2S.len() {
        let (from, to) = t2s::T2S[i];
        t[from as usize] = extra(to) as u16;
        i += 1;
    }
    let mut i = 0;
    while i < EXTRA_T2S.len() {
        let (from, to) = EXTRA_T2S[i];
        if t[from as usize] == 0 {
            t[from as usize] = to as u16;
        }
        i += 1;
    }
    let mut i = 0;
    while i < BY_CONTEXT.len() {
        t[BY_CONTEXT[i].0 as usize] = CONTEXT;
        i += 1;
    }
    t
}

/// fast2s's form of `cur` without its context: the table entry of a context character.
fn plain_t2s(cur: char) -> char {
    match t2s::T2S.binary_search_by_key(&cur, |&(from, _)| from) {
        Ok(i) => t2s::T2S[i].1,
        Err(_) => cur,
    }
}

/// fast2s's conversion of a context character between `prev` and `next` (`'0'` at either end, as
/// fast2s has it), then [`EXTRA_T2S`].
fn by_context(prev: char, cur: char, next: char) -> char {
    let rules = BY_CONTEXT
        .iter()
        .find(|(c, _)| *c == cur)
        .map_or(&[][..], |(_, r)| *r);
    for (pair, to) in rules {
        if *pair == [prev, cur] || *pair == [cur, next] {
            return extra(to.unwrap_or(cur));
        }
    }
    extra(plain_t2s(cur))
}

/// Traditional→Simplified of one character, given its neighbours in the original text.
#[inline]
fn t2s_char(prev: char, cur: char, next: impl FnOnce() -> char) -> char {
    let u = cur as u32;
    if !(0x800..=0xFFFF).contains(&u) {
        return cur;
    }
    match TABLE[u as usize] {
        0 => cur,
        CONTEXT => by_context(prev, cur, next()),
        m => char::from_u32(m as u32).unwrap_or(cur),
    }
}

/// Cantonese characters with a one-character Mandarin equivalent, as the rules write it: 冇 (没), 咗 (了),
/// 嘅 (的), 佢 (他), 哋 (们: 我哋 is 我们), 喺 (在), 嚟 (来), 睇 (看), 搵/揾 (找). 係 is left alone: it is also
/// the Traditional form of 系, and 咁 (这么) has no one-character equivalent. Northern 俺 (我, 俺们 is 我们)
/// is folded here too: it means nothing else, and agents of farm and live-room shops write it.
const CANTONESE: &[(char, char)] = &[
    ('冇', '没'),
    ('咗', '了'),
    ('嘅', '的'),
    ('佢', '他'),
    ('哋', '们'),
    ('喺', '在'),
    ('嚟', '来'),
    ('睇', '看'),
    ('搵', '找'),
    ('揾', '找'),
    ('俺', '我'),
];

/// A CJK ideograph (the unified blocks and their extensions, and the compatibility block).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// The Mandarin form of a Cantonese character (already simplified), given the previous and the next
/// original characters. 唔 is 不 only before a Han character (唔知, 唔好意思, 做唔到), except 唔该/唔該
/// (thank you); alone (唔，好的) it is the Mandarin interjection and stays. 係 (simplified to 系) is 是
/// only after 唔 (唔係 is 不是; 关係 stays 关系). 咩 closing a clause is the question particle 吗.
#[inline]
fn cantonese(prev: char, c: char, next: impl FnOnce() -> char) -> char {
    if c == '系' && prev == '唔' {
        return '是';
    }
    if !('\u{4F62}'..='\u{7747}').contains(&c) {
        // Every character folded here lies in this range; most text skips the look-ups.
        return c;
    }
    if c == '唔' {
        let n = next();
        return if is_han(n) && n != '该' && n != '該' {
            '不'
        } else {
            c
        };
    }
    if c == '咩' {
        let n = next();
        return if is_han(n) || n.is_ascii_alphabetic() {
            c
        } else {
            '吗'
        };
    }
    CANTONESE
        .iter()
        .find(|(from, _)| *from == c)
        .map_or(c, |(_, to)| *to)
}

/// The Simplified form of `c`, the character of `s` at byte `i`, after `prev`.
#[inline]
fn simplify_at(s: &str, i: usize, prev: char, c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let next = || s[i + c.len_utf8()..].chars().next().unwrap_or('0');
    cantonese(prev, t2s_char(prev, c, next), next)
}

/// Calls `emit` with the Simplified form of each character of `s`.
#[inline]
fn simplify_each(s: &str, mut emit: impl FnMut(char)) {
    let mut prev = '0';
    for (i, c) in s.char_indices() {
        emit(simplify_at(s, i, prev, c));
        prev = c;
    }
}

/// Per character of the Basic Multilingual Plane, one bit: set when normalising may change it (it
/// has a Simplified form or converts by context, it is a Cantonese character [`cantonese`] folds,
/// or 系, which is 是 after 唔, or the ideographic space). Only consulted in the ranges where
/// [`fold_char`] changes nothing else; 8 KB, so it stays in the processor's fastest cache.
static CHANGES: [u64; 0x10000 / 64] = build_changes();

const fn build_changes() -> [u64; 0x10000 / 64] {
    let mut bits = [0u64; 0x10000 / 64];
    let mut u = 0;
    while u < 0x10000 {
        if TABLE[u] != 0 {
            bits[u / 64] |= 1 << (u % 64);
        }
        u += 1;
    }
    let mut i = 0;
    while i < CANTONESE.len() {
        let u = CANTONESE[i].0 as usize;
        bits[u / 64] |= 1 << (u % 64);
        i += 1;
    }
    let more = ['唔', '咩', '系', '\u{3000}'];
    let mut i = 0;
    while i < more.len() {
        let u = more[i] as usize;
        bits[u / 64] |= 1 << (u % 64);
        i += 1;
    }
    bits
}

/// Whether the three-byte character `u` is its own normalised form wherever it stands.
#[inline]
fn keeps(u: u32) -> bool {
    (matches!(u, 0x2D30..=0xA63F | 0xA800..=0xFEFF))
        && CHANGES[(u / 64) as usize] & (1 << (u % 64)) == 0
}

/// Appends the normalised form of `s` (Simplified, half-width, lower case) to `out`.
///
/// Most characters of a phrase are their own normalised form (Simplified Han, CJK punctuation,
/// lower-case Latin): runs of them are copied as they are, and only the others go through the
/// per-character conversion, with the same neighbours it would see character by character.
pub fn normalize_into(s: &str, out: &mut String) {
    out.reserve(s.len());
    let b = s.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            if x.is_ascii_uppercase() {
                out.push_str(&s[copied..i]);
                out.push(x.to_ascii_lowercase() as char);
                copied = i + 1;
            }
            i += 1;
            continue;
        }
        if x & 0xF0 == 0xE0 {
            // A valid string holds the two continuation bytes.
            let u = (u32::from(x & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F);
            if keeps(u) {
                i += 3;
                continue;
            }
        }
        out.push_str(&s[copied..i]);
        let c = s[i..].chars().next().expect("i is a character boundary");
        let prev = s[..i].chars().next_back().unwrap_or('0');
        out.push(fold_char(simplify_at(s, i, prev, c)));
        i += c.len_utf8();
        copied = i;
    }
    out.push_str(&s[copied..]);
}

/// Traditional to Simplified, one character for one character. Used for phrases, and for rule
/// patterns (where width folding or lower-casing would change regex syntax).
pub fn simplify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    simplify_each(s, |c| out.push(c));
    out
}

/// Full-width ASCII to half-width, the ideographic space to a space, Latin to lower case; one char out.
#[inline]
pub fn fold_char(c: char) -> char {
    let u = c as u32;
    if u < 0x80 {
        return c.to_ascii_lowercase();
    }
    let c = match u {
        0xFF01..=0xFF5E => return char::from_u32(u - 0xFEE0).map_or(c, |a| a.to_ascii_lowercase()),
        0x3000 => return ' ',
        // No character here has a case (checked by a test): the CJK blocks skip the look-up.
        0x2D30..=0xA63F | 0xA800..=0xFEFF => return c,
        _ => c,
    };
    if c.is_uppercase() {
        // Only a one-to-one lower-case keeps the character count; leave the rare others alone.
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    } else {
        c
    }
}

/// Normalise a rule's own word or pattern the same way as phrases, so rule authors who type full-width or
/// Traditional text still match.
pub fn normalize_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_and_full_width_fold_to_simplified_half_width() {
        let n = Normalized::new("親，這個不清楚！ＱＱ號");
        assert_eq!(n.as_str(), "亲,这个不清楚!qq号");
        assert_eq!(n.char_len(), 11);
    }

    #[test]
    fn char_index_maps_back_across_width_changes() {
        // '，' is 3 bytes, ',' is 1: byte offsets differ but character indexes do not.
        let n = Normalized::new("您好，不知道");
        let at = n.as_str().find("不知道").unwrap();
        assert_eq!(n.char_index(at), 3);
        assert_eq!(n.char_range(at..at + "不知道".len()), 3..6);
    }

    #[test]
    fn forms_fast2s_misses_are_simplified_too() {
        assert_eq!(normalize_str("加羣號"), "加群号");
        assert_eq!(Normalized::new("眞的").char_len(), 2);
    }

    #[test]
    fn ideographic_space_and_latin_case() {
        assert_eq!(normalize_str("VX\u{3000}Ｗx"), "vx wx");
    }

    /// The conversion before the tables: fast2s over the whole text, the extra pairs, the Cantonese
    /// characters, then folding each character with the standard library's case tables.
    fn reference(s: &str) -> String {
        reference_simplify(s).chars().map(reference_fold).collect()
    }

    /// fast2s, the extra pairs, then the Cantonese fold written out independently of [`CANTONESE`].
    fn reference_simplify(s: &str) -> String {
        let simplified: Vec<char> = fast2s::convert(s).chars().map(extra).collect();
        let original: Vec<char> = s.chars().collect();
        assert_eq!(simplified.len(), original.len());
        (0..simplified.len())
            .map(|i| {
                let next = original.get(i + 1).copied().unwrap_or('0');
                let prev = if i == 0 { '0' } else { original[i - 1] };
                match simplified[i] {
                    '系' if prev == '唔' => '是',
                    '咩' if !is_han(next) && !next.is_ascii_alphabetic() => '吗',
                    '冇' => '没',
                    '咗' => '了',
                    '嘅' => '的',
                    '佢' => '他',
                    '哋' => '们',
                    '喺' => '在',
                    '嚟' => '来',
                    '睇' => '看',
                    '搵' | '揾' => '找',
                    '俺' => '我',
                    '唔' if is_han(next) && next != '该' && next != '該' => '不',
                    c => c,
                }
            })
            .collect()
    }

    fn reference_fold(c: char) -> char {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        if c.is_ascii_uppercase() {
            c.to_ascii_lowercase()
        } else if c.is_uppercase() {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        } else {
            c
        }
    }

    #[test]
    fn table_is_fast2s_for_every_character() {
        let mut batch = String::new();
        let mut count = 0;
        // In batches separated by a character no context rule mentions, so context stays per char.
        for u in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            batch.push(c);
            batch.push('0');
            count += 1;
            if count == 4096 || u == 0x10FFFF {
                assert_eq!(normalize_str(&batch), reference(&batch), "near U+{u:04X}");
                assert_eq!(simplify(&batch), reference_simplify(&batch));
                batch.clear();
                count = 0;
            }
        }
    }

    #[test]
    fn context_characters_convert_as_fast2s_does() {
        let mut texts = Vec::new();
        for (c, rules) in BY_CONTEXT {
            texts.push(c.to_string());
            texts.push(format!("a{c}b"));
            texts.push(format!("{c}{c}"));
            for (pair, _) in *rules {
                let p: String = pair.iter().collect();
                texts.push(p.clone());
                texts.push(format!("x{p}y"));
                texts.push(format!("{p}{p}"));
                texts.push(format!("{}{p}", pair[0]));
            }
        }
        texts.push("看著乾隆畫計畫企畫藉口憑藉慰藉狼藉苧麻闔家鍾書校讎讎定仇讎".to_string());
        for t in texts {
            assert_eq!(normalize_str(&t), reference(&t), "{t}");
            assert_eq!(simplify(&t), reference_simplify(&t), "{t}");
        }
    }

    #[test]
    fn cantonese_folds_one_for_one_and_maps_back() {
        let n = Normalized::new("唔知佢哋幾時到，冇貨喇");
        assert_eq!(n.as_str(), "不知他们几时到,没货喇");
        assert_eq!(n.char_len(), 11);
        let at = n.as_str().find("没货").unwrap();
        assert_eq!(n.char_range(at..at + "没货".len()), 8..10);
        assert_eq!(normalize_str("壞咗係廠方嘅責任"), "坏了系厂方的责任");
        assert_eq!(normalize_str("唔好意思"), "不好意思");
        assert_eq!(normalize_str("我唔係講咗咩？"), "我不是讲了吗?");
        assert_eq!(normalize_str("關係"), "关系");
        assert_eq!(normalize_str("你要咩顏色"), "你要咩颜色");
        // Traditional and Simplified script fold to the same view
        assert_eq!(
            normalize_str("幾時補貨我哋都唔清楚"),
            "几时补货我们都不清楚"
        );
        assert_eq!(
            normalize_str("几时补货我哋都唔清楚"),
            "几时补货我们都不清楚"
        );
    }

    #[test]
    fn northern_an_is_i() {
        assert_eq!(normalize_str("快递又不归俺管"), "快递又不归我管");
        assert_eq!(normalize_str("俺們這邊不議價"), "我们这边不议价");
    }

    #[test]
    fn cantonese_ng_stays_as_an_interjection_or_in_thanks() {
        assert_eq!(normalize_str("唔，好的"), "唔,好的");
        assert_eq!(normalize_str("唔"), "唔");
        assert_eq!(normalize_str("唔該晒"), "唔该晒");
        assert_eq!(normalize_str("唔该"), "唔该");
        assert_eq!(normalize_str("唔~"), "唔~");
    }

    /// Character by character, as [`normalize_into`] did before it copied runs.
    fn per_char(s: &str) -> String {
        let mut out = String::new();
        simplify_each(s, |c| out.push(fold_char(c)));
        out
    }

    #[test]
    fn copied_runs_normalise_as_character_by_character() {
        // Every BMP character, each between neighbours that convert by context or fold.
        let around = ['唔', '系', '咩', 'A', '，', '畫', '計', 'a', '乾', '隆'];
        let mut batch = String::new();
        for u in 0..=0xFFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let n = around[u as usize % around.len()];
            batch.push(n);
            batch.push(c);
            batch.push(around[(u as usize / 7) % around.len()]);
            if batch.len() > 8192 {
                assert_eq!(normalize_str(&batch), per_char(&batch), "near U+{u:04X}");
                batch.clear();
            }
        }
        assert_eq!(normalize_str(&batch), per_char(&batch));
        for t in [
            "",
            "abc",
            "ABC中文",
            "親，這個不清楚！ＱＱ號 VX\u{3000}Ｗx 😀𠀀é",
            "我唔係講咗咩？計畫看著",
            "唔該晒，冇貨喇；Ｑ",
        ] {
            assert_eq!(normalize_str(t), per_char(t), "{t}");
        }
    }

    #[test]
    fn table_targets_need_no_folding() {
        for (from, _) in t2s::T2S.iter().chain(EXTRA_T2S) {
            let to = t2s_char('0', *from, || '0');
            assert_eq!(fold_char(to), to);
        }
    }
}
