//! Suppressions: a reviewer agreed that a phrase is fine for a rule, and wrote down why.
//!
//! Forms: `allow: [RULE]` with `reason:` (or `"RULE -- 理由"`) on a YAML/JSON phrase entry; a comment line
//! right before a phrase, `# huashu-allow: RULE[, RULE] -- 理由` in `.txt` and
//! `<!-- huashu-allow: RULE -- 理由 -->` in Markdown. RULE is a rule id or a pack name. A suppression
//! without a reason or naming an unknown rule is reported (`huashu/invalid-suppression`, error) and does
//! not apply; one that silences nothing is reported too (`huashu/unused-suppression`, info), as ruff
//! reports an unused `noqa`. The reason `理由` on its own is the placeholder of the documented syntax
//! (and what the editor's quick fix writes): it counts as no reason.

use crate::engine::rules::Level;
use crate::report::diagnostic::Diagnostic;
use crate::text::phrase::{Allow, Phrase};
use crate::text::scene::Scene;
use crate::text::source::SourceFile;
use std::sync::Arc;

pub const UNUSED: &str = "huashu/unused-suppression";
pub const INVALID: &str = "huashu/invalid-suppression";
/// The findings about suppressions themselves: (id, default level). Their pack name is `huashu`.
pub const META: [(&str, Level); 2] = [(UNUSED, Level::Info), (INVALID, Level::Error)];
pub const META_PACK: &str = "huashu";

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

/// The reason an editor writes into a suppression it adds (`huashu server`'s quick fix): a word
/// standing for the reason, as the syntax is documented (`-- 理由`). Left as it is, it is no reason.
pub const REASON_PLACEHOLDER: &str = "理由";

/// Whether a suppression's reason is a real one: not empty, not the placeholder left unreplaced.
pub fn has_reason(reason: &str) -> bool {
    let reason = reason.trim();
    !reason.is_empty() && reason != REASON_PLACEHOLDER
}

/// Whether a valid suppression on the phrase (with a reason) allows a rule: `--fix` leaves those alone.
pub fn allows(phrase: &Phrase, rule_id: &str) -> bool {
    phrase
        .allow
        .iter()
        .any(|a| has_reason(&a.reason) && (a.rule == rule_id || a.rule == pack_of(rule_id)))
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
    for allow in phrase.allow {
        let rule = allow.rule.as_str();
        // An invalid suppression is reported (when that check runs) and silences nothing.
        let invalid = if rule.is_empty() {
            Some("豁免没有写规则：格式是 huashu-allow: 规则 -- 理由".to_string())
        } else if rule.starts_with("huashu/") || !(ctx.known)(rule) {
            Some(format!("豁免里的规则 {rule} 不存在，这条豁免不生效"))
        } else if allow.reason.trim() == REASON_PLACEHOLDER {
            Some(format!(
                "豁免 {rule} 的理由还是占位的“{REASON_PLACEHOLDER}”，请写明真正的理由，这条豁免才生效"
            ))
        } else if !has_reason(&allow.reason) {
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
        found.retain(|d| &*d.rule != rule && pack_of(&d.rule) != rule);
        // A rule that does not run here (deselected, or not for this file) may well fire elsewhere.
        if found.len() == before
            && (ctx.enabled)(rule)
            && let Some(level) = ctx.unused
        {
            meta.push(unused(source, phrase, allow, level));
        }
    }
    found.extend(meta);
}

/// The finding for a suppression that silenced nothing on its phrase.
pub fn unused(
    source: &Arc<SourceFile>,
    phrase: &Phrase,
    allow: &Allow,
    level: Level,
) -> Diagnostic {
    let message = format!("豁免没有用上：{} 在这条话术上没有报告问题", allow.rule);
    meta_diagnostic(source, UNUSED, level, allow, message, Some(phrase))
}

/// Whether a suppression that names `rule` (a rule id or a pack name) covers a finding of `id`.
pub fn covers(rule: &str, id: &str) -> bool {
    rule == id || pack_of(id) == rule
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
        rule: Arc::from(rule),
        severity,
        path: source.name.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: Arc::from(message),
        matched: source.text[span.clone()].to_string(),
        phrase: Arc::from(phrase.map_or("", |p| p.text)),
        group: phrase.and_then(|p| p.group.map(|g| g.name.clone())),
        scene: phrase.map_or(Scene::Common, |p| p.scene),
        suggestions: Vec::new(),
        quick_code: phrase.and_then(|p| p.code.cloned()),
        fix: None,
        encoding: source.encoding.map(|e| e.name()),
        sheet: source.cell_at(span.start).map(|c| c.sheet.clone()),
        cell: source.cell_at(span.start).map(|c| c.reference()),
        related: Vec::new(),
        key: None,
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
             规则可以是规则 id（如 etiquette/dont-know）或规则包名。理由要写真正的原因：\
             只写“理由”两个字（编辑器添加豁免时填的占位文字）不算写了理由。\n"
        }
        _ => return None,
    };
    Some(text.to_string())
}
