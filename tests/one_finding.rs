//! One finding per problem: a garbled stretch, a contact detail, a curt refusal each give one
//! diagnostic with the built-in packs, however the text is split up.

use huashu::engine::{RuleSelection, linter};
use huashu::{Linter, Scene};
use std::sync::OnceLock;

fn builtin() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| linter(&RuleSelection::default()).expect("built-in packs load"))
}

/// (rule id, matched text) of every finding on `text`.
fn findings(text: &str) -> Vec<(String, String)> {
    let linter = builtin();
    linter
        .check_text(text, Scene::Common)
        .into_iter()
        .map(|f| {
            let matched: String = text
                .chars()
                .skip(f.chars.start)
                .take(f.chars.end - f.chars.start)
                .collect();
            (linter.rules[f.rule].id.clone(), matched)
        })
        .collect()
}

fn of_rule(text: &str, rule: &str) -> Vec<String> {
    findings(text)
        .into_iter()
        .filter(|(id, _)| id == rule)
        .map(|(_, m)| m)
        .collect()
}

#[test]
fn a_garbled_line_is_one_finding() {
    for text in [
        "鎮ㄥソ锛屾杩庡厜涓�",
        "æ‚¨å¥½ï¼Œæ¬¢è¿Žå…‰ä¸´",
        "��典末嚗�甇∟��������",
        "您好&nbsp;&nbsp;欢迎光临",
        "發(fā)貨(huò)時間是48小時內",
    ] {
        let hits = of_rule(text, "hygiene/garbled-text");
        assert_eq!(hits.len(), 1, "{text}: {hits:?}");
    }
}

#[test]
fn a_contact_is_one_finding_however_it_is_split() {
    for (text, matched) in [
        ("我电话 138 1234 5678，随时打", "138 1234 5678"),
        ("我電話一三八 零零一二 三四五六", "一三八 零零一二 三四五六"),
        ("加我 薇-信，给您发图", "加我 薇-信"),
        ("有事加 Q Q 2856 1234", "Q Q"),
    ] {
        let hits = of_rule(text, "compliance/off-platform-contact");
        assert_eq!(hits.len(), 1, "{text}: {hits:?}");
        assert!(
            hits[0].contains(matched),
            "{text}: {hits:?} should cover {matched}"
        );
    }
}

/// `text` gets one finding of rule `by` and none of rule `not_by`.
fn reported_once_by(text: &str, by: &str, not_by: &str) {
    assert_eq!(of_rule(text, by).len(), 1, "{text}: {:?}", findings(text));
    assert!(
        of_rule(text, not_by).is_empty(),
        "{text}: {:?}",
        findings(text)
    );
}

#[test]
fn a_curt_refusal_is_reported_once() {
    for text in ["不行", "不能哦", "亲，不可以的哦~", "不包", "门都没有"] {
        reported_once_by(
            text,
            "etiquette/bare-no",
            "etiquette/refusal-without-apology",
        );
    }
    // a second refusal after the curt opening asks for the same apology: one finding, bare-no's
    for text in [
        "不行，不能再便宜了",
        "不可以哦,我们不讲价",
        "唔得，用過嘅唔換",
    ] {
        assert_eq!(of_rule(text, "etiquette/bare-no").len(), 1, "{text}");
        assert!(
            of_rule(text, "etiquette/refusal-without-apology").is_empty(),
            "{text}: {:?}",
            findings(text)
        );
    }
    // with bare-no not running, the refusal is reported after all
    let without = builtin().subset(|_, r| (r.id != "etiquette/bare-no").then_some(r.level));
    let text = "不行，不能再便宜了";
    let ids: Vec<&str> = without
        .check_text(text, Scene::Common)
        .iter()
        .map(|f| without.rules[f.rule].id.as_str())
        .collect();
    assert_eq!(ids, vec!["etiquette/refusal-without-apology"]);
}

/// Giving up on a customer held in contempt is part of the contempt: etiquette/rude reports the
/// line, the refusal rule does not report its 没办法 again; a refusal of its own beside contempt, and
/// one on a line that is not rude, are still reported.
#[test]
fn contempt_that_gives_up_is_reported_once() {
    for text in [
        "连十块钱都嫌贵，那我们也没办法",
        "这么简单都学不会，我们也没办法了",
    ] {
        reported_once_by(text, "etiquette/rude", "etiquette/refusal-without-apology");
    }
    let both = "爱咋咋地，反正退不了";
    assert_eq!(
        of_rule(both, "etiquette/rude").len(),
        1,
        "{:?}",
        findings(both)
    );
    assert_eq!(
        of_rule(both, "etiquette/refusal-without-apology"),
        vec!["退不了"],
        "{:?}",
        findings(both)
    );
    assert_eq!(
        of_rule(
            "亲，这个价格我们也没办法再低了",
            "etiquette/refusal-without-apology"
        )
        .len(),
        1
    );
}
