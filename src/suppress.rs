//! Suppressions: a reviewer agreed that a phrase is fine for a rule, and wrote down why.
//!
//! Forms: `allow: [RULE]` with `reason:` (or `"RULE -- 理由"`) on a YAML/JSON phrase entry; a comment line
//! right before a phrase, `# huashu-allow: RULE[, RULE] -- 理由` in `.txt` and
//! `<!-- huashu-allow: RULE -- 理由 -->` in Markdown. RULE is a rule id or a pack name. A suppression
//! without a reason or naming an unknown rule is reported (`huashu/invalid-suppression`, error) and does
//! not apply; one that silences nothing is reported too (`huashu/unused-suppression`, info), as ruff
//! reports an unused `noqa`.

use crate::diagnostic::Diagnostic;
use crate::phrase::Phrase;
use crate::rules::Level;
use crate::scene::Scene;
use crate::source::SourceFile;
use std::ops::Range;
use std::sync::Arc;

pub const UNUSED: &str = "huashu/unused-suppression";
pub const INVALID: &str = "huashu/invalid-suppression";
/// The findings about suppressions themselves: (id, default level). Their pack name is `huashu`.
pub const META: [(&str, Level); 2] = [(UNUSED, Level::Info), (INVALID, Level::Error)];
pub const META_PACK: &str = "huashu";

/// One rule (or pack) allowed on one phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// A rule id or a pack name.
    pub rule: String,
    /// Why; empty when none was given (then the suppression is reported and does not apply).
    pub reason: String,
    /// Source bytes of the suppression (the rule name where it can be found), where it is reported.
    pub span: Range<usize>,
}

/// How comments look in a format whose suppressions are comment lines before the phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStyle {
    /// `# huashu-allow: …` (.txt)
    Hash,
    /// `<!-- huashu-allow: … -->` (Markdown)
    Html,
}

impl CommentStyle {
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
pub fn attach_comments(text: &str, phrases: &mut [Phrase], style: CommentStyle) -> Vec<Allow> {
    // Phrases by the byte offset of the line they start on.
    let mut starts: Vec<(usize, usize)> = phrases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let at = p.source_range(0..1).start.min(text.len());
            (text[..at].rfind('\n').map_or(0, |n| n + 1), i)
        })
        .collect();
    starts.sort();
    let mut pending: Vec<Allow> = Vec::new();
    let mut orphans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some((at, body)) = style.body(content) {
            pending.extend(parse_body(body, start + at));
        } else if content.trim().is_empty() {
            orphans.append(&mut pending);
        } else if let Ok(i) = starts.binary_search_by_key(&start, |&(s, _)| s) {
            phrases[starts[i].1].allow.append(&mut pending);
        } else if !style.is_comment(content) {
            orphans.append(&mut pending);
        }
    }
    orphans.append(&mut pending);
    orphans
}

/// What `apply` needs to know about the run.
pub struct Context<'a> {
    /// Whether a rule id or pack name exists (in any loaded or built-in pack).
    pub known: &'a (dyn Fn(&str) -> bool + Sync),
    /// Whether a rule id or pack name runs on this file.
    pub enabled: &'a (dyn Fn(&str) -> bool + Sync),
    pub unused: Option<Level>,
    pub invalid: Option<Level>,
}

fn pack_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(p, _)| p)
}

/// Whether a valid suppression on the phrase (with a reason) allows a rule: `--fix` leaves those alone.
pub fn allows(phrase: &Phrase, rule_id: &str) -> bool {
    phrase
        .allow
        .iter()
        .any(|a| !a.reason.trim().is_empty() && (a.rule == rule_id || a.rule == pack_of(rule_id)))
}

/// Drops the findings on one phrase that its suppressions allow, and reports the suppressions that are
/// invalid or silence nothing. `found` holds this phrase's findings only.
pub fn apply(
    source: &Arc<SourceFile>,
    phrase: &Phrase,
    found: &mut Vec<Diagnostic>,
    ctx: &Context,
) {
    let mut meta = Vec::new();
    for allow in &phrase.allow {
        let rule = allow.rule.as_str();
        // An invalid suppression is reported (when that check runs) and silences nothing.
        let invalid = if rule.is_empty() {
            Some("豁免没有写规则：格式是 huashu-allow: 规则 -- 理由".to_string())
        } else if rule.starts_with("huashu/") || !(ctx.known)(rule) {
            Some(format!("豁免里的规则 {rule} 不存在，这条豁免不生效"))
        } else if allow.reason.trim().is_empty() {
            Some(format!("豁免 {rule} 没有写理由，这条豁免不生效"))
        } else {
            None
        };
        if let Some(message) = invalid {
            if let Some(level) = ctx.invalid {
                meta.push(meta_diagnostic(
                    source,
                    INVALID,
                    level,
                    allow,
                    message,
                    Some(phrase),
                ));
            }
            continue;
        }
        let before = found.len();
        found.retain(|d| d.rule != rule && pack_of(&d.rule) != rule);
        // A rule that does not run here (deselected, or not for this file) may well fire elsewhere.
        if found.len() == before
            && (ctx.enabled)(rule)
            && let Some(level) = ctx.unused
        {
            let message = format!("豁免没有用上：{rule} 在这条话术上没有报告问题");
            meta.push(meta_diagnostic(
                source,
                UNUSED,
                level,
                allow,
                message,
                Some(phrase),
            ));
        }
    }
    found.extend(meta);
}

/// The finding for a suppression comment that stands before no phrase.
pub fn orphan(source: &Arc<SourceFile>, allow: &Allow, level: Level) -> Diagnostic {
    meta_diagnostic(
        source,
        UNUSED,
        level,
        allow,
        "豁免没有用上：它的下一行不是话术（中间隔了空行，或在文件末尾）".to_string(),
        None,
    )
}

fn meta_diagnostic(
    source: &Arc<SourceFile>,
    rule: &str,
    severity: Level,
    allow: &Allow,
    message: String,
    phrase: Option<&Phrase>,
) -> Diagnostic {
    let span = allow.span.start.min(source.text.len())..allow.span.end.min(source.text.len());
    let start = source.position(span.start);
    let end = source.position(span.end);
    Diagnostic {
        rule: rule.to_string(),
        severity,
        path: source.name.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message,
        matched: source.text[span.clone()].to_string(),
        phrase: Arc::from(phrase.map_or("", |p| p.text.as_str())),
        group: phrase.and_then(|p| p.group.clone()),
        scene: phrase.map_or(Scene::Common, |p| p.scene),
        suggestions: Vec::new(),
        quick_code: phrase.and_then(|p| p.code.clone()),
        fix: None,
        encoding: source.encoding.map(|e| e.name()),
        sheet: source.cell_at(span.start).map(|c| c.sheet.to_string()),
        cell: source.cell_at(span.start).map(|c| c.reference()),
        span,
        source: source.clone(),
    }
}

/// `huashu explain` for the suppression findings.
pub fn explain(id: &str) -> Option<String> {
    let text = match id {
        UNUSED => {
            "huashu/unused-suppression（提示）\n\n豁免没有用上。\n\n这条豁免所说的规则在这条话术上没有报告问题\
             （话术已经改好了，或规则改了），或者豁免注释的下一行不是话术。请删除这条豁免，\
             免得以后真有问题时被悄悄放过。\n"
        }
        INVALID => {
            "huashu/invalid-suppression（错误）\n\n豁免写得不对，不生效。\n\n每条豁免都要写明规则和理由：\
             .txt 里写 “# huashu-allow: 规则 -- 理由”，YAML/JSON 里写 allow: [规则] 和 reason: 理由。\
             规则可以是规则 id（如 etiquette/dont-know）或规则包名。\n"
        }
        _ => return None,
    };
    Some(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase::Offsets;

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
        let mut phrases = crate::input::txt::parse(text);
        let orphans = attach_comments(text, &mut phrases, CommentStyle::Hash);
        assert_eq!(phrases[0].allow.len(), 1);
        assert!(phrases[1].allow.is_empty());
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].reason, "孤立");
    }

    #[test]
    fn html_comments_for_markdown() {
        let text = "<!-- huashu-allow: demo/you -- 理由 -->\n- 你好\n";
        let mut phrases = vec![Phrase::new(
            "你好".into(),
            Offsets::Contiguous(text.find("你好").unwrap()),
        )];
        let orphans = attach_comments(text, &mut phrases, CommentStyle::Html);
        assert!(orphans.is_empty());
        assert_eq!(phrases[0].allow[0].rule, "demo/you");
        assert_eq!(phrases[0].allow[0].reason, "理由");
    }
}
