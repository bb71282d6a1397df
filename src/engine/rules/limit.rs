//! `limit`: measured limits. `max_chars` reports the part of a scope beyond the limit;
//! `max_repeat_punct` reports runs of one punctuation mark longer than the limit (！！！, ？？？, 。。。).

use std::ops::Range;

#[derive(Debug, Clone, Default)]
pub struct Limit {
    pub max_chars: Option<usize>,
    pub max_repeat_punct: Option<usize>,
}

/// Sentence punctuation after normalisation (full-width ASCII is already half-width there). Symbols
/// such as `*`, `_` and `=` are left out: 138****5678, 满____元 and =====提示===== are not shouting.
const PUNCT: &[char] = &[
    '!', '?', '.', ',', ';', ':', '~', '。', '、', '，', '…', '～',
];

fn is_punct(c: char) -> bool {
    PUNCT.contains(&c)
}

/// Runs longer than this are not turned into prefilter literals (the rule then always runs).
const MAX_LITERAL_RUN: usize = 32;

impl Limit {
    /// Calls `f` with the byte range of each hit in `text`, in order.
    pub fn hits(&self, text: &str, mut f: impl FnMut(Range<usize>)) {
        if let Some(max) = self.max_chars
            && let Some((at, _)) = text.char_indices().nth(max)
        {
            f(at..text.len());
        }
        if let Some(max) = self.max_repeat_punct {
            let mut run: Option<(usize, char, usize)> = None; // (start byte, char, count)
            let mut flush = |run: Option<(usize, char, usize)>, end: usize| {
                if let Some((start, _, n)) = run
                    && n > max
                {
                    f(start..end);
                }
            };
            for (i, c) in text.char_indices() {
                match run {
                    Some((start, rc, n)) if rc == c => run = Some((start, rc, n + 1)),
                    _ => {
                        flush(run, i);
                        run = is_punct(c).then_some((i, c, 1));
                    }
                }
            }
            flush(run, text.len());
        }
    }

    /// For `max_repeat_punct`: strings one of which any over-long run contains (each mark repeated one
    /// time more than allowed); `None` when the limit is too high to list them.
    pub fn punct_literals(&self) -> Option<Vec<Vec<u8>>> {
        let max = self.max_repeat_punct?;
        (max < MAX_LITERAL_RUN).then(|| {
            PUNCT
                .iter()
                .map(|c| c.to_string().repeat(max + 1).into_bytes())
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(l: &Limit, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        l.hits(text, |r| out.push(r));
        out
    }

    #[test]
    fn reports_what_is_beyond_the_limit() {
        let l = Limit {
            max_chars: Some(3),
            max_repeat_punct: Some(2),
        };
        assert_eq!(ranges(&l, "亲您好呀!!!"), vec![9..15, 12..15]);
    }

    #[test]
    fn masks_and_blanks_are_not_repeated_punctuation() {
        let l = Limit {
            max_chars: None,
            max_repeat_punct: Some(2),
        };
        assert!(ranges(&l, "手机138****5678，满____元，=====提示=====").is_empty());
    }
}
