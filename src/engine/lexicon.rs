//! Pack lexicons: `{{name}}` in a pattern stands for `(?:word|word|…)` of the pack's `lexicons:`
//! entry (longest words first, each escaped), and a word that is exactly `{{name}}` for the words
//! themselves. Expansion happens before a pattern is compiled or its literals are worked out.
//!
//! `build.rs` includes this file to expand the built-in packs' patterns the way a run does, so it
//! depends on nothing but `regex-syntax`.

use std::ops::Range;

/// Lower-case letters, digits and inner hyphens: pack, rule and lexicon names.
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `{{name}}` references to a pack lexicon in a pattern or a word.
pub fn refs(s: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = s[from..].find("{{").map(|i| i + from) {
        let Some(close) = s[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let name = &s[open + 2..close];
        if is_kebab(name) {
            out.push((open..close + 2, name));
        }
        from = close + 2;
    }
    out
}

/// The name of a word that is exactly one `{{name}}` reference.
pub fn whole_ref(word: &str) -> Option<&str> {
    match refs(word).as_slice() {
        [(range, name)] if range.start == 0 && range.end == word.len() => Some(name),
        _ => None,
    }
}

/// A pattern with every `{{name}}` replaced by `(?:word|word|…)`, longest words first; `lexicon`
/// gives the (normalised) words of a name. `Err` names the first unknown lexicon.
pub fn expand<'a, 'w>(
    pattern: &'a str,
    lexicon: impl Fn(&str) -> Option<&'w [String]>,
) -> Result<String, &'a str> {
    let refs = refs(pattern);
    if refs.is_empty() {
        return Ok(pattern.to_string());
    }
    let mut out = String::new();
    let mut last = 0;
    for (range, name) in refs {
        let words = lexicon(name).ok_or(name)?;
        let mut words: Vec<&String> = words.iter().collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let alt: Vec<String> = words.iter().map(|w| regex_syntax::escape(w)).collect();
        out.push_str(&pattern[last..range.start]);
        out.push_str("(?:");
        out.push_str(&alt.join("|"));
        out.push(')');
        last = range.end;
    }
    out.push_str(&pattern[last..]);
    Ok(out)
}
