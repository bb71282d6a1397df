//! The skeleton view: a second normalised view of a phrase, for rules that must see through
//! deliberate evasion (`match: skeleton` in a pack; see docs/rule-packs.md).
//!
//! People who want to slip a contact past a filter write it so that no keyword matches: `w.x`,
//! `V-X`, `Q Q`, `v❤信`, `薇信`, `扣扣`, `🐧 778899001`, `138 1234 5678`, `一三八零零一二三四五六`,
//! `①③⑧…`, `138****5678`. The skeleton undoes those tricks, starting from the normalised view
//! ([`Normalized`]: Simplified, half-width, lower case):
//!
//! 1. **Digits**: circled and parenthesised digits (`①` `⑽` `❶`) become ASCII digits; a run of at
//!    least [`MIN_NUMERAL_RUN`] Chinese numerals (`零〇一二三四五六七八九幺两` and the financial
//!    `壹贰叁肆伍陆柒捌玖`, separators between them allowed) is read digit by digit, the way a
//!    phone number is dictated. Shorter runs (`一下`, `三四天`) stay as they are.
//! 2. **Look-alike letters**: circled letters (`ⓥ`), Roman numerals (`Ⅴ` `Ⅹ`), and the Greek and
//!    Cyrillic letters that look like Latin ones (`ν` `х` `о` …) become Latin letters; `🐧` becomes
//!    `企鹅`; `⭐` `★` `☆` become `星`.
//! 3. **Masks**: inside a run of digits, mask characters (`*` `x` `×` `#` `○` `●` `?`) become `*`,
//!    so `138****5678` and `138xxxx5678` read the same: `138****5678` (a run needs at least three
//!    digits and seven places; a lone `x` needs a second mask character, so `vx123456` keeps its x).
//! 4. **Fillers**: spaces, zero-width characters, the symbols `. - _ * · • | / \ ~ ^ ' " ` = +`
//!    (when not part of a mask) and emoji/pictographs are removed when they stand between two
//!    letters, digits or CJK characters (`w.x` → `wx`, `Q Q` → `qq`, `微 信` → `微信`,
//!    `v❤信` → `v信`). Clause punctuation (`，。！？；：、`), brackets and line breaks stay.
//! 5. **Homophones of contact words** ([`WEI`], [`XIN`], [`KOU`]): a character that sounds like 微
//!    followed by one that sounds like 信 (`薇信` `威芯` `维新`… but see [`NOT_WEIXIN`]; 微 itself only before 讯, 芯, x, or 心 with
//!    nothing Chinese after it) becomes `微信`;
//!    `v信`, `微x`, `薇x`, 信 spelled `xin` after a 微-sound (`薇 xin`) and 微 spelled `wei` before a
//!    信-sound (`wei信`) too; `扣扣` `寇寇` become
//!    `qq`; 支付宝 with a sound-alike middle ([`ZHI`], [`FU`]: `支伏宝`, `吱付宝`) or with 付 spelled `fu`
//!    (`支fu宝`) becomes `支付宝`.
//!
//! The homophone sets come from the same-pinyin table of pycorrector
//! (`pycorrector/data/same_pinyin.txt`, <https://github.com/shibing624/pycorrector>, Apache-2.0),
//! rows 微, 信 and 扣, cut down by hand: only the readings wēi/wéi/wěi/wèi and xīn/xìn, no function
//! words (为 未 位 委 …, which would fold `为新客户`, `未申请`), and real words that are not 微信
//! (`维新`, `唯心`, `违心`) are kept apart. 讯 (the Taiwanese 微訊) is added by hand.
//!
//! Every character of the skeleton remembers which character of the original it came from, so a
//! finding on the skeleton is reported at the exact characters of the original text: the span
//! runs from the first to the last original character that went into the match.

use crate::text::normalize::{Normalized, is_han};
use std::ops::Range;

/// Chinese numerals in a row (separators between them allowed) that are read as digits.
pub const MIN_NUMERAL_RUN: usize = 6;

/// Characters read like 微 (wēi/wéi/wěi/wèi), from pycorrector's same-pinyin row for 微, without
/// function words; `v` and `w` are how the word is abbreviated.
pub const WEI: &str = "微薇维围违唯危巍桅卫喂胃威偎慰苇尉萎纬蔚魏徽";
/// Characters read like 信 (xīn/xìn), from pycorrector's same-pinyin row for 信, readings xin only;
/// `x` is the abbreviation, 讯 the Taiwanese spelling 微訊.
pub const XIN: &str = "信芯欣薪新辛锌心讯";
/// Pairs of a 微-sound and a 信-sound that are real words, not WeChat.
pub const NOT_WEIXIN: &[&str] = &["维新", "唯心", "违心", "危心", "慰心"];
/// Characters read like 扣 (kòu), from pycorrector's row for 扣; a doubled one is QQ. (口 is left
/// out: 口口相传.)
pub const KOU: &str = "扣寇蔻";
/// 支 and characters read like it (zhī), then characters read like 付 (fù), before 宝: 支付宝
/// respelled to slip past a filter (支伏宝, 吱付宝). Chosen by hand, not from pycorrector's table;
/// no word is one of these, then one of those, then 宝, except 支付宝 itself.
pub const ZHI: &str = "支吱芝枝知之";
pub const FU: &str = "付伏附服夫扶府富复负赴";

// The sets above as `match` arms: the compiler makes a few comparisons of each, where searching
// the strings cost a substring search per character of every phrase.
fn is_wei(c: char) -> bool {
    matches!(
        c,
        '微' | '薇'
            | '维'
            | '围'
            | '违'
            | '唯'
            | '危'
            | '巍'
            | '桅'
            | '卫'
            | '喂'
            | '胃'
            | '威'
            | '偎'
            | '慰'
            | '苇'
            | '尉'
            | '萎'
            | '纬'
            | '蔚'
            | '魏'
            | '徽'
    )
}

fn is_xin(c: char) -> bool {
    matches!(
        c,
        '信' | '芯' | '欣' | '薪' | '新' | '辛' | '锌' | '心' | '讯'
    )
}

fn is_kou(c: char) -> bool {
    matches!(c, '扣' | '寇' | '蔻')
}

fn is_zhi(c: char) -> bool {
    matches!(c, '支' | '吱' | '芝' | '枝' | '知' | '之')
}

fn is_fu(c: char) -> bool {
    matches!(
        c,
        '付' | '伏' | '附' | '服' | '夫' | '扶' | '府' | '富' | '复' | '负' | '赴'
    )
}

/// A phrase's skeleton, with the original character index of each of its characters.
#[derive(Debug, Clone)]
pub struct Skeleton {
    text: String,
    /// Byte offset of each character of `text`, plus `text.len()`.
    starts: Vec<usize>,
    /// For each character of `text`, the index of the original character it came from.
    origin: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Ch {
    c: char,
    origin: usize,
}

fn is_content(c: char) -> bool {
    c.is_alphanumeric() || c == '*'
}

fn is_filler(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '.'
            | '-'
            | '_'
            | '*'
            | '·'
            | '•'
            | '・'
            | '|'
            | '/'
            | '\\'
            | '~'
            | '^'
            | '\''
            | '"'
            | '`'
            | '='
            | '+'
            | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{FE0F}' | '\u{20E3}'
    ) || is_pictograph(c)
}

/// Emoji, dingbats, arrows and other pictographs (not CJK punctuation or letters).
fn is_pictograph(c: char) -> bool {
    matches!(c as u32,
        0x2190..=0x21FF   // arrows
        | 0x2300..=0x23FF // technical
        | 0x25A0..=0x27BF // geometric shapes, misc symbols, dingbats
        | 0x2900..=0x2BFF // arrows, misc symbols
        | 0x1F000..=0x1FAFF)
}

fn numeral_digit(c: char) -> Option<char> {
    Some(match c {
        '零' | '〇' => '0',
        '一' | '幺' | '壹' => '1',
        '二' | '两' | '贰' => '2',
        '三' | '叁' => '3',
        '四' | '肆' => '4',
        '五' | '伍' => '5',
        '六' | '陆' => '6',
        '七' | '柒' => '7',
        '八' | '捌' => '8',
        '九' | '玖' => '9',
        _ => return None,
    })
}

/// Circled, parenthesised and full-stop digits: ① → 1, ⑩ → 10, ⒈ → 1.
fn digit_form(c: char) -> Option<u32> {
    let n = c as u32;
    // Below every digit form: most characters leave here.
    if n < 0x2460 {
        return None;
    }
    Some(match n {
        0x2460..=0x2473 => n - 0x2460 + 1,       // ①-⑳
        0x2474..=0x2487 => n - 0x2474 + 1,       // ⑴-⒇
        0x2488..=0x249B => n - 0x2488 + 1,       // ⒈-⒛
        0x24EA => 0,                             // ⓪
        0x24F5..=0x24FE => n - 0x24F5 + 1,       // ⓵-⓾
        0x2776..=0x277F => n - 0x2776 + 1,       // ❶-❿
        0x2780..=0x2789 => n - 0x2780 + 1,       // ➀-➉
        0x278A..=0x2793 => n - 0x278A + 1,       // ➊-➓
        0x1D7CE..=0x1D7FF => (n - 0x1D7CE) % 10, // mathematical digits
        _ => return None,
    })
}

/// Letters that look like Latin ones; the result is lower case.
fn look_alike(c: char) -> Option<&'static str> {
    let n = c as u32;
    if (0x24B6..=0x24CF).contains(&n) || (0x24D0..=0x24E9).contains(&n) {
        // Ⓐ-Ⓩ, ⓐ-ⓩ
        let i = if n >= 0x24D0 { n - 0x24D0 } else { n - 0x24B6 } as usize;
        return Some(&"abcdefghijklmnopqrstuvwxyz"[i..i + 1]);
    }
    if (0x249C..=0x24B5).contains(&n) {
        // ⒜-⒵
        let i = (n - 0x249C) as usize;
        return Some(&"abcdefghijklmnopqrstuvwxyz"[i..i + 1]);
    }
    Some(match c {
        'Ⅴ' | 'ⅴ' | 'ν' | 'ѵ' | 'Ѵ' => "v",
        'Ⅹ' | 'ⅹ' | 'х' | 'Х' | 'χ' => "x",
        'Ⅰ' | 'ⅰ' => "i",
        'Ⅼ' | 'ⅼ' => "l",
        'Ⅽ' | 'ⅽ' | 'с' | 'С' => "c",
        'Ⅾ' | 'ⅾ' => "d",
        'Ⅿ' | 'ⅿ' | 'м' | 'М' => "m",
        'а' | 'А' | 'α' => "a",
        'е' | 'Е' | 'ε' => "e",
        'о' | 'О' | 'ο' => "o",
        'р' | 'Р' | 'ρ' => "p",
        'у' | 'У' => "y",
        'ԛ' => "q",
        'ԝ' | 'ω' => "w",
        'ɡ' => "g",
        '🐧' => "企鹅",
        '⭐' | '★' | '☆' | '🌟' => "星",
        _ => return None,
    })
}

impl Skeleton {
    pub fn new(norm: &Normalized) -> Self {
        Skeleton::from_chars(norm.as_str().chars().collect())
    }

    /// The skeleton of an already normalised text (the characters are its original characters).
    pub fn from_chars(chars: Vec<char>) -> Self {
        // 1-2. digit forms and look-alike letters (one original character may give several).
        let mut cs: Vec<Ch> = Vec::with_capacity(chars.len());
        for (i, &c) in chars.iter().enumerate() {
            if let Some(d) = digit_form(c) {
                // At most 20: one or two ASCII digits.
                if d >= 10 {
                    cs.push(Ch {
                        c: char::from(b'0' + (d / 10) as u8),
                        origin: i,
                    });
                }
                cs.push(Ch {
                    c: char::from(b'0' + (d % 10) as u8),
                    origin: i,
                });
            } else if c.is_ascii() {
                cs.push(Ch { c, origin: i });
            } else if let Some(l) = look_alike(c) {
                cs.extend(l.chars().map(|c| Ch { c, origin: i }));
            } else {
                cs.push(Ch { c, origin: i });
            }
        }
        read_numeral_runs(&mut cs);
        mark_masks(&mut cs);
        let cs = drop_fillers(cs);
        let cs = fold_contact_words(cs);
        let mut text = String::with_capacity(cs.len() * 3);
        let mut starts = Vec::with_capacity(cs.len() + 1);
        let mut origin = Vec::with_capacity(cs.len());
        for ch in &cs {
            starts.push(text.len());
            text.push(ch.c);
            origin.push(ch.origin);
        }
        starts.push(text.len());
        Skeleton {
            text,
            starts,
            origin,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn char_at(&self, byte: usize) -> usize {
        match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// A byte range of the skeleton as a range of characters of the original text: from the
    /// first to the last original character that went into it.
    pub fn char_range(&self, bytes: Range<usize>) -> Range<usize> {
        if self.origin.is_empty() {
            return 0..0;
        }
        let first = self.char_at(bytes.start).min(self.origin.len() - 1);
        if bytes.end <= bytes.start {
            let at = self.origin[first];
            return at..at;
        }
        let last = self.char_at(bytes.end - 1).min(self.origin.len() - 1);
        self.origin[first]..self.origin[last] + 1
    }
}

/// A run of Chinese numerals (and digits), fillers allowed between them, long enough to be a
/// number read aloud, becomes digits.
fn read_numeral_runs(cs: &mut [Ch]) {
    let mut i = 0;
    while i < cs.len() {
        if numeral_digit(cs[i].c).is_none() && !cs[i].c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut count = 0;
        let mut numerals = 0;
        let mut last = i;
        while j < cs.len() {
            let c = cs[j].c;
            if numeral_digit(c).is_some() || c.is_ascii_digit() {
                count += 1;
                if numeral_digit(c).is_some() {
                    numerals += 1;
                }
                last = j;
            } else if !is_filler(c) {
                break;
            }
            j += 1;
        }
        if count >= MIN_NUMERAL_RUN && numerals > 0 {
            for ch in &mut cs[i..=last] {
                if let Some(d) = numeral_digit(ch.c) {
                    ch.c = d;
                }
            }
        }
        i = last + 1;
    }
}

fn is_mask(c: char) -> bool {
    matches!(c, '*' | 'x' | '×' | '#' | '○' | '●' | '?')
}

/// Mask characters inside a digit run become `*`.
fn mark_masks(cs: &mut [Ch]) {
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i].c;
        if !(c.is_ascii_digit() || is_mask(c)) {
            i += 1;
            continue;
        }
        // The run: digits, masks and fillers, starting and ending at a digit or a mask.
        let mut j = i;
        let (mut digits, mut masks, mut last) = (0, Vec::new(), i);
        while j < cs.len() {
            let c = cs[j].c;
            if c.is_ascii_digit() {
                digits += 1;
                last = j;
            } else if is_mask(c) {
                masks.push(j);
                last = j;
            } else if !(is_filler(c) && c != '*') {
                break;
            }
            j += 1;
        }
        let strong = masks.iter().any(|&k| cs[k].c != 'x');
        let places = digits + masks.len();
        if digits >= 3 && places >= 7 && (strong || masks.len() >= 2) {
            for k in masks {
                cs[k].c = '*';
            }
        }
        i = last + 1;
    }
}

/// Removes filler characters that stand between two content characters.
fn drop_fillers(cs: Vec<Ch>) -> Vec<Ch> {
    let mut out: Vec<Ch> = Vec::with_capacity(cs.len());
    let mut i = 0;
    while i < cs.len() {
        // A `*` that survived mark_masks is a mask only if it has a digit or a mask beside it.
        if is_filler(cs[i].c) && !is_mask_star(&cs, i) {
            let mut j = i;
            while j < cs.len() && is_filler(cs[j].c) && !is_mask_star(&cs, j) {
                j += 1;
            }
            let before = out.last().is_some_and(|p| is_content(p.c));
            let after = cs.get(j).is_some_and(|n| is_content(n.c));
            if !(before && after) {
                out.extend_from_slice(&cs[i..j]);
            }
            i = j;
        } else {
            out.push(cs[i]);
            i += 1;
        }
    }
    out
}

fn is_mask_star(cs: &[Ch], i: usize) -> bool {
    cs[i].c == '*' && {
        let near = |k: Option<&Ch>| k.is_some_and(|k| k.c.is_ascii_digit() || k.c == '*');
        near(i.checked_sub(1).and_then(|k| cs.get(k))) || near(cs.get(i + 1))
    }
}

/// The four characters from `i` (薇 x i n, w e i 信) become 微信; the 信 keeps the last one's
/// origin, so a match ends where the spelling did.
fn fold_four_into_weixin(cs: &mut Vec<Ch>, i: usize) {
    cs[i].c = '微';
    cs[i + 1] = Ch {
        c: '信',
        origin: cs[i + 3].origin,
    };
    cs.drain(i + 2..i + 4);
}

/// Homophones and abbreviations of 微信 and QQ become the words themselves.
fn fold_contact_words(mut cs: Vec<Ch>) -> Vec<Ch> {
    // Run on every phrase: the common case (no 微-sound, no 扣-sound) costs a comparison or two.
    let mut i = 0;
    while i + 1 < cs.len() {
        let (a, b) = (cs[i].c, cs[i + 1].c);
        let wei = a == 'v' || is_wei(a);
        // 信 spelled in pinyin after a 微-sound: 薇 xin, v xin (not xing, xinjiang)
        if wei
            && b == 'x'
            && cs.get(i + 2).is_some_and(|c| c.c == 'i')
            && cs.get(i + 3).is_some_and(|c| c.c == 'n')
            && !cs.get(i + 4).is_some_and(|c| c.c.is_ascii_alphabetic())
            && !(a == 'v' && i > 0 && cs[i - 1].c.is_ascii_alphabetic())
        {
            fold_four_into_weixin(&mut cs, i);
            i += 1;
            continue;
        }
        // 微 spelled in pinyin before a 信-sound: wei信, wei芯 (not the end of a Latin word)
        if a == 'w'
            && b == 'e'
            && cs.get(i + 2).is_some_and(|c| c.c == 'i')
            && cs.get(i + 3).is_some_and(|c| is_xin(c.c))
            && !(i > 0 && cs[i - 1].c.is_ascii_alphabetic())
        {
            fold_four_into_weixin(&mut cs, i);
            i += 1;
            continue;
        }
        if wei {
            // 微 itself only with 讯, 芯 or x: 稍微新一点, 轻微辛辣 are not WeChat; with 心 only where
            // nothing Chinese follows (加我微 心：abc), as 稍微心急 and 微心愿 are words
            let xin = if a == '微' {
                matches!(b, '讯' | '芯' | 'x')
                    || (b == '心' && cs.get(i + 2).is_none_or(|c| !is_han(c.c)))
            } else {
                b == 'x' || is_xin(b)
            };
            let latin_both = a == 'v' && b == 'x';
            let word = |w: &&str| {
                let mut it = w.chars();
                it.next() == Some(a) && it.next() == Some(b)
            };
            if xin && !latin_both && !NOT_WEIXIN.iter().any(word) {
                // 微芯片 is a chip, not WeChat.
                if a == '微' && b == '芯' && cs.get(i + 2).is_some_and(|c| c.c == '片') {
                    i += 1;
                    continue;
                }
                // a Latin letter inside a Latin word (review, vxe) is not an abbreviation
                let latin_inside = (a == 'v' && i > 0 && cs[i - 1].c.is_ascii_alphabetic())
                    || (b == 'x' && cs.get(i + 2).is_some_and(|c| c.c.is_ascii_alphabetic()));
                if latin_inside {
                    i += 1;
                    continue;
                }
                cs[i].c = '微';
                cs[i + 1].c = '信';
                i += 1;
                continue;
            }
        }
        // 付 spelled in pinyin: 支fu宝 (the 付 keeps the u's origin, as 微信 does its last letter's)
        if is_zhi(a)
            && b == 'f'
            && cs.get(i + 2).is_some_and(|c| c.c == 'u')
            && cs.get(i + 3).is_some_and(|c| c.c == '宝')
        {
            cs[i].c = '支';
            cs[i + 1] = Ch {
                c: '付',
                origin: cs[i + 2].origin,
            };
            cs.remove(i + 2);
            i += 3;
            continue;
        }
        // 支付宝 with its middle character swapped for a 付-sound: 支伏宝, 吱付宝
        if is_zhi(a) && is_fu(b) && cs.get(i + 2).is_some_and(|c| c.c == '宝') {
            cs[i].c = '支';
            cs[i + 1].c = '付';
            i += 3;
            continue;
        }
        if is_kou(a) && is_kou(b) {
            cs[i].c = 'q';
            cs[i + 1].c = 'q';
        }
        i += 1;
    }
    cs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sk(s: &str) -> String {
        Skeleton::new(&Normalized::new(s)).as_str().to_string()
    }

    fn span(s: &str, needle: &str) -> String {
        let k = Skeleton::new(&Normalized::new(s));
        let at = k.as_str().find(needle).expect("needle in skeleton");
        let r = k.char_range(at..at + needle.len());
        s.chars().skip(r.start).take(r.end - r.start).collect()
    }

    #[test]
    fn the_sets_and_their_match_arms_agree() {
        for c in ('\u{4E00}'..='\u{9FFF}').chain(['v', 'x', 'q', '信']) {
            assert_eq!(is_wei(c), WEI.contains(c), "{c}");
            assert_eq!(is_xin(c), XIN.contains(c), "{c}");
            assert_eq!(is_kou(c), KOU.contains(c), "{c}");
            assert_eq!(is_zhi(c), ZHI.contains(c), "{c}");
            assert_eq!(is_fu(c), FU.contains(c), "{c}");
        }
    }

    #[test]
    fn separators_and_emoji_between_letters_go() {
        assert_eq!(sk("w.x：meimei"), "wx:meimei");
        assert_eq!(sk("V-X同手机号"), "vx同手机号");
        assert_eq!(sk("加我Q Q"), "加我qq");
        assert_eq!(sk("加 v❤信"), "加微信");
        assert_eq!(sk("纯\u{200B}棉"), "纯棉");
        // clause punctuation stays
        assert_eq!(sk("好的，微信"), "好的,微信");
    }

    #[test]
    fn homophones_of_contact_words_fold_in_both_scripts() {
        assert_eq!(sk("加薇信"), "加微信");
        // 微心 only where nothing Chinese follows
        assert_eq!(sk("加我微 心：abc"), "加我微信:abc");
        assert_eq!(sk("稍微心急"), "稍微心急");
        assert_eq!(sk("一个微心愿"), "一个微心愿");
        assert_eq!(sk("加威芯"), "加微信");
        assert_eq!(sk("加我微訊"), "加我微信");
        assert_eq!(sk("加徽x"), "加微信");
        assert_eq!(sk("扣扣号"), "qq号");
        assert_eq!(sk("🐧 778899001"), "企鹅778899001");
        // real words and function words stay
        assert_eq!(sk("明治维新"), "明治维新");
        assert_eq!(sk("我们为新客户准备了券"), "我们为新客户准备了券");
        assert_eq!(sk("您还未申请退款"), "您还未申请退款");
        assert_eq!(sk("review"), "review");
        assert_eq!(sk("微芯片"), "微芯片");
        assert_eq!(sk("稍微新一点"), "稍微新一点");
        // 支付宝 respelled; the span still covers the original characters
        assert_eq!(sk("转我支伏宝"), "转我支付宝");
        assert_eq!(sk("吱付寶"), "支付宝");
        assert_eq!(span("尾款转我支伏宝就行", "支付宝"), "支伏宝");
        assert_eq!(sk("直接转我支fu宝"), "直接转我支付宝");
        assert_eq!(span("直接转我支fu宝，便宜10块", "支付宝"), "支fu宝");
        // not every f, u after 支 is 付
        assert_eq!(sk("支fun宝"), "支fun宝");
        assert_eq!(sk("之前付款"), "之前付款");
    }

    #[test]
    fn digits_in_any_form() {
        assert_eq!(sk("电话一三八零零一二三四五六"), "电话13800123456");
        assert_eq!(sk("電話壹叁捌零零壹貳叁肆伍陸"), "电话13800123456");
        assert_eq!(sk("①③⑧"), "138");
        assert_eq!(sk("１３８ １２３４ ５６７８"), "13812345678");
        assert_eq!(sk("0912-345-678"), "0912345678");
        // short numeral runs are words
        assert_eq!(sk("等一下，三四天到"), "等一下,三四天到");
    }

    #[test]
    fn masked_digit_runs() {
        assert_eq!(sk("138****5678"), "138****5678");
        assert_eq!(sk("138xxxx5678"), "138****5678");
        assert_eq!(sk("138 **** 5678"), "138****5678");
        assert_eq!(sk("vx123456"), "vx123456");
        assert_eq!(sk("XXL码"), "xxl码");
    }

    #[test]
    fn spans_map_back_to_the_original_characters() {
        assert_eq!(span("加我 V－X 好吗", "vx"), "V－X");
        assert_eq!(span("親，加薇信吧", "微信"), "薇信");
        assert_eq!(sk("加我薇 xin：ql886601"), "加我微信:ql886601");
        assert_eq!(sk("加主播wei信 m i n g 0 0 1"), "加主播微信ming001");
        assert_eq!(span("加主播wei信详聊", "微信"), "wei信");
        assert_eq!(sk("加wei芯"), "加微信");
        // inside a Latin word it is left alone
        assert_eq!(sk("kawei信"), "kawei信");
        assert_eq!(span("加我薇 xin：ql", "微信"), "薇 xin");
        assert_eq!(sk("v xin号"), "微信号");
        assert_eq!(sk("微xing"), "微xing");
        assert_eq!(sk("review xin"), "reviewxin");
        assert_eq!(
            span("打 138 1234 5678 找我", "13812345678"),
            "138 1234 5678"
        );
        assert_eq!(span("🐧 778899001", "企鹅778899001"), "🐧 778899001");
        assert_eq!(span("⑴⑵⑶", "123"), "⑴⑵⑶");
    }
}
