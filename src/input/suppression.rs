//! Suppression comments in phrase files: `# huashu-allow: RULE -- 理由` before a phrase in `.txt`,
//! `<!-- huashu-allow: RULE -- 理由 -->` in Markdown, and the `allow` field's `"RULE -- 理由"` form in
//! YAML/JSON. Reading them is part of reading the file; judging them is the run's
//! ([`crate::run::suppress`]).

use crate::input::Format;
use crate::text::phrase::{Allow, Phrases};

/// How comments look in a format whose suppressions are comment lines before the phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStyle {
    /// `# huashu-allow: …` (.txt)
    Hash,
    /// `<!-- huashu-allow: … -->` (Markdown)
    Html,
}

impl CommentStyle {
    /// The comment style of a format whose suppressions are comment lines before the phrase.
    pub fn of(format: Format) -> Option<CommentStyle> {
        match format {
            Format::Txt => Some(CommentStyle::Hash),
            Format::Md => Some(CommentStyle::Html),
            Format::Yaml
            | Format::Json
            | Format::Csv
            | Format::Tsv
            | Format::Xlsx
            | Format::Xls => None,
        }
    }

    /// Whether a line is a comment of this style (any comment, not only a suppression).
    fn is_comment(self, line: &str) -> bool {
        let t = line.trim_start();
        match self {
            CommentStyle::Hash => t.starts_with('#'),
            CommentStyle::Html => t.starts_with("<!--") && t.trim_end().ends_with("-->"),
        }
    }

    /// The body of a suppression comment and its byte offset in the line.
    fn body(self, line: &str) -> Option<(usize, &str)> {
        let t = line.trim_start();
        let mut at = line.len() - t.len();
        let inner = match self {
            CommentStyle::Hash => {
                at += 1;
                t.strip_prefix('#')?
            }
            CommentStyle::Html => {
                at += 4;
                t.strip_prefix("<!--")?.trim_end().strip_suffix("-->")?
            }
        };
        let lead = inner.len() - inner.trim_start().len();
        let rest = inner[lead..].strip_prefix("huashu-allow")?;
        // A full-width colon is what a Chinese IME types.
        let (colon, rest) = match rest.strip_prefix(':') {
            Some(r) => (1, r),
            None => ("：".len(), rest.strip_prefix('：')?),
        };
        Some((at + lead + "huashu-allow".len() + colon, rest))
    }
}

/// Parses `RULE[, RULE] -- 理由` (also `——` for the dash, `，` between rules). `at` is the byte offset of
/// `body` in the source; each rule gets its own span.
pub fn parse_body(body: &str, at: usize) -> Vec<Allow> {
    let (rules, reason) = match ["--", "——"]
        .iter()
        .filter_map(|sep| body.find(sep).map(|i| (i, sep.len())))
        .min()
    {
        Some((i, n)) => (&body[..i], body[i + n..].trim()),
        None => (body, ""),
    };
    let mut out = Vec::new();
    let mut offset = 0;
    for part in rules.split([',', '，', ' ', '\t']) {
        let start = offset;
        offset += part.len()
            + rules[offset + part.len()..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
        if part.is_empty() {
            continue;
        }
        out.push(Allow {
            rule: part.to_string(),
            reason: reason.to_string(),
            span: at + start..at + start + part.len(),
        });
    }
    if out.is_empty() {
        // `huashu-allow:` with no rule: still a suppression, reported as invalid.
        out.push(Allow {
            rule: String::new(),
            reason: reason.to_string(),
            span: at..at + body.trim_end().len(),
        });
    }
    out
}

/// Attaches suppression comments to the phrase on the line right after them (other comment lines may
/// stand between). Returns the suppressions that stand before no phrase (a blank line or the end of
/// the file comes first): they silence nothing and are reported as unused.
pub fn attach_comments(text: &str, phrases: &mut Phrases, style: CommentStyle) -> Vec<Allow> {
    if !text.contains("huashu-allow") {
        return Vec::new();
    }
    // Phrases by the byte offset of the line they start on.
    let mut starts: Vec<(usize, usize)> = (0..phrases.len())
        .map(|i| {
            let at = phrases.get(text, i).start().min(text.len());
            (crate::text::source::line_start(text, at), i)
        })
        .collect();
    starts.sort();
    let mut pending: Vec<Allow> = Vec::new();
    let mut orphans = Vec::new();
    let mut offset = 0;
    for line in crate::text::source::lines_inclusive(text) {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some((at, body)) = style.body(content) {
            pending.extend(parse_body(body, start + at));
        } else if content.trim().is_empty() {
            orphans.append(&mut pending);
        } else if let Ok(i) = starts.binary_search_by_key(&start, |&(s, _)| s) {
            phrases.allow(starts[i].1, std::mem::take(&mut pending));
        } else if !style.is_comment(content) {
            orphans.append(&mut pending);
        }
    }
    orphans.append(&mut pending);
    orphans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::phrase::{Draft, Offsets};

    #[test]
    fn parses_rules_reason_and_spans() {
        let body = " demo/you，demo/sorry -- 老客户习惯";
        let a = parse_body(body, 10);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].rule, "demo/you");
        assert_eq!(a[1].rule, "demo/sorry");
        assert_eq!(a[1].reason, "老客户习惯");
        assert_eq!(
            &body[a[1].span.start - 10..a[1].span.end - 10],
            "demo/sorry"
        );
        assert_eq!(parse_body("demo/you ——理由", 0)[0].reason, "理由");
        assert_eq!(parse_body("demo/you", 0)[0].reason, "");
    }

    #[test]
    fn comments_attach_to_the_next_phrase_only() {
        let text = "# huashu-allow: demo/you -- 理由\n# 普通注释\n你好\n\n# huashu-allow：demo/you -- 孤立\n\n谢谢\n";
        let src = crate::text::source::SourceFile::new("a.txt", text.to_string());
        let mut phrases = Phrases::default();
        crate::input::txt::parse(&src, &mut phrases);
        let orphans = attach_comments(text, &mut phrases, CommentStyle::Hash);
        assert_eq!(phrases.get(text, 0).allow.len(), 1);
        assert!(phrases.get(text, 1).allow.is_empty());
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].reason, "孤立");
    }

    #[test]
    fn html_comments_for_markdown() {
        let text = "<!-- huashu-allow: demo/you -- 理由 -->\n- 你好\n";
        let mut phrases = Phrases::default();
        phrases.push(
            text,
            Draft::new(
                "你好".into(),
                Offsets::Contiguous(text.find("你好").unwrap()),
            ),
        );
        let orphans = attach_comments(text, &mut phrases, CommentStyle::Html);
        assert!(orphans.is_empty());
        let p = phrases.get(text, 0);
        assert_eq!(p.allow[0].rule, "demo/you");
        assert_eq!(p.allow[0].reason, "理由");
    }
}
