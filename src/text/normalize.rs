//! The normalised view of a phrase that rules match against.
//!
//! Rules are written once, in Simplified Chinese with half-width punctuation, and must match Traditional
//! text and full-width punctuation the same way. The view converts per character, so it has exactly as
//! many characters as the original: a match in the view maps back to the original by character index.

/// A phrase's normalised text plus the table that maps byte offsets in it back to character indexes.
#[derive(Debug, Clone)]
pub struct Normalized {
    text: String,
    /// `char_starts[i]` is the byte offset of character `i` in `text`; one extra entry holds `text.len()`.
    char_starts: Vec<usize>,
}

impl Normalized {
    pub fn new(original: &str) -> Self {
        let simplified = simplify(original);
        let mut text = String::with_capacity(simplified.len());
        for c in simplified.chars() {
            text.push(fold_char(c));
        }
        let mut char_starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        char_starts.push(text.len());
        debug_assert_eq!(char_starts.len() - 1, original.chars().count());
        Normalized { text, char_starts }
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
        match self.char_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte offset in the normalised text of a character index.
    pub fn byte_offset(&self, char_index: usize) -> usize {
        self.char_starts[char_index.min(self.char_starts.len() - 1)]
    }

    /// Byte range in the view to character range.
    pub fn char_range(&self, bytes: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.char_index(bytes.start)..self.char_index(bytes.end)
    }
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

/// Traditional to Simplified, one character for one character. Used for phrases, and for rule
/// patterns (where width folding or lower-casing would change regex syntax).
pub fn simplify(s: &str) -> String {
    // fast2s converts per character (3-byte UTF-8 in, 3-byte out) so the count is kept.
    let mut out = fast2s::convert(s);
    if out.chars().any(|c| EXTRA_T2S.iter().any(|(t, _)| *t == c)) {
        out = out
            .chars()
            .map(|c| {
                EXTRA_T2S
                    .iter()
                    .find(|(t, _)| *t == c)
                    .map_or(c, |(_, s)| *s)
            })
            .collect();
    }
    out
}

/// Full-width ASCII to half-width, the ideographic space to a space, Latin to lower case; one char out.
pub fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else if c.is_uppercase() {
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
    Normalized::new(s).text
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
}
