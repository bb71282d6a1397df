//! The pack format's `fix` field: `safe`/`suggest` for replace, `remove` for forbid.

use huashu::Pack;
use huashu::engine::rules::Fix;

fn pack(kind: &str, fields: &str) -> String {
    format!(
        "pack: p\nrules:\n  - id: p/r\n    kind: {kind}\n    level: info\n    message: m\n    explain: e\n    source: s\n{fields}    examples:\n      bad: [亲（笑脸表情）]\n      good: [亲]\n"
    )
}

#[test]
fn forbid_accepts_fix_remove() {
    let p = Pack::parse(
        "p.yaml",
        &pack("forbid", "    fix: remove\n    words: [（笑脸表情）]\n"),
    )
    .unwrap();
    assert_eq!(p.rules[0].fix(), Some(Fix::Remove));
    let p = Pack::parse("p.yaml", &pack("forbid", "    words: [（笑脸表情）]\n")).unwrap();
    assert_eq!(p.rules[0].fix(), None);
}

#[test]
fn forbid_rejects_other_fixes_at_the_value() {
    let e = Pack::parse(
        "p.yaml",
        &pack("forbid", "    fix: safe\n    words: [（笑脸表情）]\n"),
    )
    .unwrap_err();
    assert_eq!(e[0].position().line, 9);
    assert_eq!(e[0].position().column, 10);
    assert!(
        e[0].message.contains("forbid 规则不支持修复方式"),
        "{}",
        e[0].message
    );
}

#[test]
fn replace_rejects_remove() {
    let e = Pack::parse(
        "p.yaml",
        &pack("replace", "    fix: remove\n    map: {（笑脸表情）: 。}\n"),
    )
    .unwrap_err();
    assert!(e[0].message.contains("未知的修复方式"), "{}", e[0].message);
}

#[test]
fn a_safe_replacement_may_not_contain_its_key() {
    let e = Pack::parse(
        "p.yaml",
        &pack("replace", "    fix: safe\n    map: {亲: 亲爱的}\n"),
    )
    .unwrap_err();
    assert_eq!(e[0].position().line, 10);
    assert!(e[0].message.contains("又包含"), "{}", e[0].message);
}
