//! `limit`: measured limits. `max_chars` reports the part of a scope beyond the limit;
//! `max_repeat_punct` reports runs of one punctuation mark longer than the limit (！！！, ？？？, 。。。).

use super::Hit;

#[derive(Debug, Clone, Default)]
pub struct Limit {
    pub max_chars: Option<usize>,
    pub max_repeat_punct: Option<usize>,
}

/// Sentence punctuation after normalisation (full-width ASCII is already half-width there). Symbols
/// such as `*`, `_` and `=` are left out: 138****5678, 满____元 and =====提示===== are not shouting.
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '!' | '?' | '.' | ',' | ';' | ':' | '~' | '。' | '、' | '，' | '…' | '～'
    )
}

impl Limit {
    pub fn hits(&self, text: &str, suggest: &[String], out: &mut Vec<Hit>) {
        if let Some(max) = self.max_chars
            && let Some((at, _)) = text.char_indices().nth(max)
        {
            out.push(Hit {
                range: at..text.len(),
                suggestions: suggest.to_vec(),
            });
        }
        if let Some(max) = self.max_repeat_punct {
            let mut run: Option<(usize, char, usize)> = None; // (start byte, char, count)
            let flush = |run: Option<(usize, char, usize)>, end: usize, out: &mut Vec<Hit>| {
                if let Some((start, _, n)) = run
                    && n > max
                {
                    out.push(Hit {
                        range: start..end,
                        suggestions: suggest.to_vec(),
                    });
                }
            };
            for (i, c) in text.char_indices() {
                match run {
                    Some((start, rc, n)) if rc == c => run = Some((start, rc, n + 1)),
                    _ => {
                        flush(run, i, out);
                        run = is_punct(c).then_some((i, c, 1));
                    }
                }
            }
            flush(run, text.len(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_what_is_beyond_the_limit() {
        let l = Limit {
            max_chars: Some(3),
            max_repeat_punct: Some(2),
        };
        let mut out = Vec::new();
        l.hits("亲您好呀!!!", &[], &mut out);
        let ranges: Vec<_> = out.iter().map(|h| h.range.clone()).collect();
        assert_eq!(ranges, vec![9..15, 12..15]);
    }

    #[test]
    fn masks_and_blanks_are_not_repeated_punctuation() {
        let l = Limit {
            max_chars: None,
            max_repeat_punct: Some(2),
        };
        let mut out = Vec::new();
        l.hits("手机138****5678，满____元，=====提示=====", &[], &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
