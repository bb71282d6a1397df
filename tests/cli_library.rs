//! The library checks through the real binary: every rule of the `library` pack, across formats
//! (a copy in a workbook of a CSV row is a copy, both places right), both scripts, the near-misses
//! that must stay quiet, and the machinery every rule gets: suppressions, baselines, selection,
//! levels, statistics, every output format, `--summary`.

use serde_json::Value;
use std::path::Path;

mod common;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::huashu(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `huashu check --format json ARGS` in `dir`: exit code and the document.
fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, doc)
}

fn findings<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

fn rules(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A project with `files` and, under `b.xlsx`, the workbook fixture.
fn with_workbook(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = common::project(&[], files);
    let xlsx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library/library.xlsx");
    std::fs::copy(xlsx, dir.path().join("b.xlsx")).unwrap();
    dir
}

const CSV: &str = "快捷短语编码,快捷短语,快捷短语分组\nhy1,您好，请问有什么可以帮您？,欢迎语\nwl1,付款后48小时内发货哦,物流\n";

#[test]
fn a_copy_across_csv_xlsx_and_txt_is_a_copy_with_both_places_right() {
    let dir = with_workbook(&[("a.csv", CSV), ("c.txt", "感謝您的支持～祝您購物愉快\n")]);
    let (code, doc) = json(dir.path(), &["--select", "library"]);
    assert_eq!(code, 1, "a code clash is an error");
    let dups = findings(&doc, "library/duplicate");
    assert_eq!(dups.len(), 2, "{dups:?}");
    // The workbook's Traditional copy of the CSV's greeting: at the cell, pointing at the row.
    let d = dups[0];
    assert_eq!(d["path"], "b.xlsx");
    assert_eq!(
        (&d["sheet"], &d["cell"]),
        (&"默认表单".into(), &"B2".into())
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(1))
    );
    let r = &d["related"][0];
    assert_eq!(r["path"], "a.csv");
    assert_eq!(
        (r["line"].as_u64(), r["column"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(
        r["end_column"].as_u64(),
        Some(5 + "您好，请问有什么可以帮您？".chars().count() as u64)
    );
    assert!(r.get("cell").is_none(), "a CSV row has no cell: {r}");
    // The text file's copy of the workbook's closing: the related place is the cell.
    let d = dups[1];
    assert_eq!(
        (d["path"].as_str(), d["line"].as_u64()),
        (Some("c.txt"), Some(1))
    );
    let r = &d["related"][0];
    assert_eq!(
        (&r["path"], &r["sheet"], &r["cell"]),
        (&"b.xlsx".into(), &"默认表单".into(), &"B4".into())
    );
    assert_eq!(r["line"].as_u64(), Some(4));
    // The workbook's logistics phrase on the CSV's code.
    let c = findings(&doc, "library/duplicate-code");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0]["cell"], "B3");
    assert!(c[0]["message"].as_str().unwrap().contains("wl1"));
    assert_eq!(c[0]["related"][0]["line"].as_u64(), Some(3));
    assert_eq!(c[0]["related"][0]["path"], "a.csv");
}

#[test]
fn copies_are_compared_without_script_width_punctuation_spaces_or_particles() {
    let dir = common::project(
        &[],
        &[(
            "a.txt",
            "您好，请问有什么可以帮您？\n您好呀 請問有什麼可以幫您\n亲，在的\n親，在的呢～\nＯＫ，收到\nok收到啦！\n可以吗？\n可以\n亲，在的吗？\n",
        )],
    );
    let (_, doc) = json(dir.path(), &["--select", "library/duplicate"]);
    let lines: Vec<u64> = findings(&doc, "library/duplicate")
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    // 吗 asks a question: 可以吗 is not 可以, 在的吗 is not 在的.
    assert_eq!(lines, vec![2, 4, 6]);
    let related: Vec<u64> = findings(&doc, "library/duplicate")
        .iter()
        .map(|d| d["related"][0]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(related, vec![1, 3, 5]);
}

#[test]
fn a_copy_far_along_a_long_line_points_at_its_real_column() {
    // Columns are kept in 16 bits per phrase, with the rare larger one on the side.
    let code = "a".repeat(70_000);
    let csv = format!(
        "快捷短语编码,快捷短语\n{code},您好，请问有什么可以帮您？\nb,您好，请问有什么可以帮您？\n"
    );
    let dir = common::project(&[], &[("w.csv", csv.as_str())]);
    let (_, doc) = json(dir.path(), &["--select", "library/duplicate"]);
    let dups = findings(&doc, "library/duplicate");
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(
        (dups[0]["line"].as_u64(), dups[0]["column"].as_u64()),
        (Some(3), Some(3))
    );
    let r = &dups[0]["related"][0];
    assert_eq!(
        (
            r["line"].as_u64(),
            r["column"].as_u64(),
            r["end_column"].as_u64()
        ),
        (Some(2), Some(70_002), Some(70_015))
    );
}

#[test]
fn near_duplicates_are_reported_and_different_phrases_are_not() {
    let text = "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议手洗\n\
                亲，我们默认发中通快递，一般两到四天送达\n\
                亲，這款是純棉的，正常穿着不會起球，洗滌時建議您手洗\n\
                亲，这款是涤纶的，不易起皱，可以放心购买\n\
                亲，这款是纯棉的，不会起球，可以放心购买\n";
    let dir = common::project(&[], &[("a.txt", text)]);
    let (code, doc) = json(dir.path(), &["--select", "library"]);
    assert_eq!(code, 0, "near-duplicates are info");
    let near = findings(&doc, "library/near-duplicate");
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0]["line"].as_u64(), Some(3));
    assert_eq!(near[0]["severity"], "info");
    assert_eq!(near[0]["related"][0]["line"].as_u64(), Some(1));
    // A stricter threshold from the config turns it off; a looser one finds more.
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "library:\n  near_duplicate: 0.95\n",
    )
    .unwrap();
    let (_, doc) = json(dir.path(), &["--select", "library"]);
    assert!(findings(&doc, "library/near-duplicate").is_empty());
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "library:\n  near_duplicate: 2\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["check", "a.txt"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("near_duplicate") && err.contains("huashu.yaml:2"),
        "{err}"
    );
}

#[test]
fn one_code_on_two_phrases_is_an_error_the_same_phrase_twice_is_a_copy() {
    let csv = "快捷编码,快捷短语,快捷短语分组\n\
               hy,您好，请问有什么可以帮您？,欢迎语\n\
               HY ,您好，請問有什麼可以幫您,售后\n\
               ｈｙ,亲，在的，有什么需要吗？,欢迎语\n\
               wl,亲，我们默认发中通快递,物流\n";
    let dir = common::project(&[], &[("a.csv", csv)]);
    let (code, doc) = json(dir.path(), &["--select", "library"]);
    assert_eq!(code, 1);
    let clashes = findings(&doc, "library/duplicate-code");
    assert_eq!(
        clashes.len(),
        1,
        "the copy on the same code is a duplicate, not a clash"
    );
    assert_eq!(clashes[0]["line"].as_u64(), Some(4));
    assert_eq!(clashes[0]["quick_code"], "ｈｙ");
    assert_eq!(clashes[0]["severity"], "error");
    assert_eq!(findings(&doc, "library/duplicate").len(), 1);
}

#[test]
fn disagreeing_promises_name_the_other_values_and_where_they_stand() {
    let text = "付款后48小时内发货，请放心\n\
                亲，付款後兩天內發貨哦\n\
                我们24小时内发货\n\
                本店支持7天无理由退换\n\
                支持十五天無理由退貨\n\
                全场满99元包邮\n\
                满88就包邮哦\n\
                滿99包郵\n";
    let dir = common::project(&[], &[("a.txt", text)]);
    let (code, doc) = json(dir.path(), &["--select", "library/inconsistent-promise"]);
    assert_eq!(code, 0, "warnings");
    let found = findings(&doc, "library/inconsistent-promise");
    let at: Vec<(u64, &str)> = found
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["matched"].as_str().unwrap()))
        .collect();
    // 48小时 = 两天 prevails over 24小时; 99元 (twice, once Traditional) over 88元; 7天 and 15天 tie:
    // both reported.
    assert_eq!(
        at,
        vec![
            (3, "24小时内发货"),
            (4, "7天无理由"),
            (5, "十五天無理由"),
            (7, "满88就包邮")
        ]
    );
    let d = found[0];
    assert_eq!(d["column"].as_u64(), Some(3));
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("发货时效") && message.contains("“48小时”（2 条）"),
        "{message}"
    );
    let related: Vec<u64> = d["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(related, vec![1, 2]);
    assert_eq!(
        d["related"][1]["column"].as_u64(),
        Some(6),
        "at the statement: 兩天內發貨"
    );
}

#[test]
fn near_misses_of_a_promise_stay_quiet() {
    let text = "全场满99元包邮，偏远地区除外\n\
                满199送赠品\n\
                满2件包邮\n\
                新疆、西藏满199包邮\n\
                会员满59包邮\n\
                付款后48小时内发货\n\
                预售款15天内发货\n\
                一般3-5天发货\n\
                您的订单将于3月15日发出\n\
                下午四点前付款当天发货，之后次日发货\n\
                双11期间72小时内发货\n\
                退款一般24小时内到账\n\
                发货后3天左右送达\n\
                本店支持7天无理由退换\n\
                质量问题30天内包换\n\
                定制商品不支持十五天无理由退货\n\
                签收后15天内请确认收货\n";
    let dir = common::project(&[], &[("a.txt", text)]);
    let (_, doc) = json(dir.path(), &["--select", "library", "--summary"]);
    assert!(rules(&doc).is_empty(), "{:?}", doc["diagnostics"]);
    let facts = &doc["library"]["libraries"][0]["facts"];
    let values = |name: &str| -> Vec<(String, u64)> {
        facts
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["value"].as_str().unwrap().to_string(),
                    v["phrases"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(values("free-shipping"), vec![("99元".to_string(), 1)]);
    assert_eq!(values("shipping-time"), vec![("48小时".to_string(), 1)]);
    assert_eq!(values("return-window"), vec![("7天".to_string(), 1)]);
}

#[test]
fn statements_against_the_policy_point_at_the_config() {
    let config = "policy:\n  发货时效: 2天\n  包邮门槛: 99元\n  默认快递: 中通快递\n";
    let text =
        "付款后48小时内发货\n我们24小时内发货哦\n全场满88元包邮\n我們默認發韻達快遞\n默认发中通\n";
    let dir = common::project(&[], &[("huashu.yaml", config), ("a.txt", text)]);
    let (code, doc) = json(dir.path(), &["--select", "library"]);
    assert_eq!(code, 1);
    let found = findings(&doc, "library/contradicts-policy");
    let lines: Vec<u64> = found.iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![2, 3, 4]);
    let d = found[0];
    assert_eq!(d["matched"], "24小时内发货");
    assert!(
        d["message"].as_str().unwrap().contains("政策是“48小时”"),
        "{d}"
    );
    let r = &d["related"][0];
    assert_eq!(
        (r["path"].as_str(), r["line"].as_u64(), r["column"].as_u64()),
        (Some("huashu.yaml"), Some(2), Some(3))
    );
    assert_eq!(found[2]["related"][0]["line"].as_u64(), Some(4));
    // With a policy, the fact is checked against it, not for agreement among phrases.
    assert!(findings(&doc, "library/inconsistent-promise").is_empty());
    // A policy naming no fact, or a value that cannot be read, is a config error at its place.
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "policy:\n  发货速度: 48小时\n  包邮门槛: 很便宜\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["check", "a.txt"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("发货速度") && err.contains("huashu.yaml:2:3"),
        "{err}"
    );
    assert!(
        err.contains("很便宜") && err.contains("huashu.yaml:3:9"),
        "{err}"
    );
}

/// A library of `n` phrases with greetings, products and closings, but no payment reminder and
/// no apology.
fn greetings_only(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&match i % 3 {
            0 => format!("您好，欢迎光临，我是{i}号客服\n"),
            1 => format!("这款的面料是纯棉的，第{i}批货已经到了\n"),
            _ => format!("感谢您的支持，这是第{i}次为您服务\n"),
        });
    }
    s
}

#[test]
fn missing_stages_point_at_the_file_without_a_line() {
    let dir = common::project(&[], &[("a.txt", greetings_only(30).as_str())]);
    let (code, doc) = json(dir.path(), &["--select", "library"]);
    assert_eq!(code, 0, "info");
    let missing = findings(&doc, "library/missing-scene");
    let stages: Vec<&str> = missing
        .iter()
        .map(|d| d["matched"].as_str().unwrap())
        .collect();
    assert_eq!(stages, vec!["议价", "催付", "物流", "售后致歉"]);
    for d in &missing {
        assert_eq!(d["path"], "a.txt");
        assert!(d["line"].is_null() && d["column"].is_null(), "{d}");
        assert_eq!(d["severity"], "info");
    }
    // Fewer phrases than min_phrases: a fragment, not a library.
    let small = common::project(&[], &[("a.txt", greetings_only(29).as_str())]);
    let (_, doc) = json(small.path(), &["--select", "library"]);
    assert!(findings(&doc, "library/missing-scene").is_empty());
    // The config chooses the stages; each finding then points at its line in the config too.
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "library:\n  stages: [greeting, after-sales]\n",
    )
    .unwrap();
    let (_, doc) = json(dir.path(), &["--select", "library"]);
    let missing = findings(&doc, "library/missing-scene");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["related"][0]["path"], "huashu.yaml");
    assert_eq!(missing[0]["related"][0]["line"].as_u64(), Some(2));
    // The pretty report names the file in the message, with no snippet.
    let (_, out, _) = run(dir.path(), &["check", "--select", "library"]);
    assert!(
        out.contains("话术库里没有“售后致歉”阶段的话术（共 30 条话术）（a.txt）"),
        "{out}"
    );
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "library:\n  stages: [greting]\n",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("greting") && err.contains("可用阶段"), "{err}");
}

#[test]
fn name_and_code_lengths_are_checked_only_when_configured() {
    let csv = "快捷编码,快捷短语,快捷短语分组\n\
               huanying1,您好，请问有什么可以帮您？,欢迎语和常用问候语大全合集\n\
               hy2,亲，在的,欢迎语和常用问候语大全合集\n\
               wl,亲，我们默认发中通快递,物流\n";
    let dir = common::project(&[], &[("a.csv", csv)]);
    let (_, doc) = json(dir.path(), &["--select", "library"]);
    assert!(rules(&doc).is_empty(), "no unverified default limits");
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "library:\n  max_group_name: 10\n  max_code: 4\n",
    )
    .unwrap();
    let (_, doc) = json(dir.path(), &["--select", "library"]);
    let groups = findings(&doc, "library/group-name-too-long");
    assert_eq!(groups.len(), 1, "once per group");
    assert_eq!(groups[0]["line"].as_u64(), Some(2));
    assert!(
        groups[0]["message"].as_str().unwrap().contains("13 个字"),
        "{}",
        groups[0]
    );
    let codes = findings(&doc, "library/code-too-long");
    assert_eq!(codes.len(), 1);
    assert!(codes[0]["message"].as_str().unwrap().contains("huanying1"));
}

#[test]
fn each_shop_named_in_a_file_is_a_library_of_its_own() {
    let book = |shop: &str| {
        format!(
            "shop: {shop}\ngroups:\n  - name: 欢迎语\n    phrases:\n      - 您好，请问有什么可以帮您？\n"
        )
    };
    let dir = common::project(
        &[],
        &[
            ("a.yaml", book("甲店").as_str()),
            ("b.yaml", book("乙店").as_str()),
            ("c.yaml", book("甲店").as_str()),
        ],
    );
    let (_, doc) = json(dir.path(), &["--select", "library", "--summary"]);
    let dups = findings(&doc, "library/duplicate");
    assert_eq!(dups.len(), 1);
    assert_eq!(
        (
            dups[0]["path"].as_str(),
            dups[0]["related"][0]["path"].as_str()
        ),
        (Some("c.yaml"), Some("a.yaml"))
    );
    let shops: Vec<&str> = doc["library"]["libraries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["shop"].as_str().unwrap())
        .collect();
    assert_eq!(shops, vec!["甲店", "乙店"]);
}

#[test]
fn suppressions_silence_library_findings_and_unused_ones_are_reported() {
    let text = "您好，请问有什么可以帮您？\n\
                # huashu-allow: library/duplicate -- 售后分组也要一份\n\
                您好，請問有什麼可以幫您\n\
                # huashu-allow: library/duplicate -- 以为重复了\n\
                亲，我们默认发中通快递\n\
                付款后48小时内发货\n\
                亲，付款後兩天內發貨哦\n\
                # huashu-allow: library/inconsistent-promise -- 加急款确实24小时发\n\
                加急款我们24小时内发货\n\
                # huashu-allow: library -- 老话术，下个月删\n\
                本店支持7天无理由退换\n\
                支持七天无理由退货\n";
    let dir = common::project(&[], &[("a.txt", text)]);
    let (_, doc) = json(dir.path(), &["--select", "library"]);
    let all = rules(&doc);
    assert!(!all.contains(&"library/duplicate".to_string()), "{all:?}");
    assert!(
        !all.contains(&"library/inconsistent-promise".to_string()),
        "{all:?}"
    );
    let unused = findings(&doc, "huashu/unused-suppression");
    let lines: Vec<u64> = unused.iter().map(|d| d["line"].as_u64().unwrap()).collect();
    // The copy's allow is used; the second names a rule that did not fire on its phrase; the pack
    // allow is checked at the end, when the library's promises are known, and silenced nothing.
    assert_eq!(lines, vec![4, 10], "{unused:?}");
    assert!(unused[1]["message"].as_str().unwrap().contains("library"));
    // A library suppression without a reason is invalid and silences nothing.
    let dir = common::project(
        &[],
        &[("a.txt", "您好\n# huashu-allow: library/duplicate\n您好！\n")],
    );
    let (code, doc) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc, "huashu/invalid-suppression").len(), 1);
    assert_eq!(findings(&doc, "library/duplicate").len(), 1);
}

#[test]
fn a_baseline_survives_re_sorting_the_library() {
    let phrases = [
        "您好，请问有什么可以帮您？",
        "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议手洗",
        "您好，請問有什麼可以幫您！",
        "付款后48小时内发货",
        "亲，这款是纯棉的，正常穿着不会起球，洗涤时建议您手洗",
        "亲，我们24小时内发货",
        "付款后两天内发货",
    ];
    let dir = common::project(
        &[],
        &[("a.txt", format!("{}\n", phrases.join("\n")).as_str())],
    );
    let (code, _, err) = run(
        dir.path(),
        &[
            "check",
            "--select",
            "library",
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let base = std::fs::read_to_string(dir.path().join("base.json")).unwrap();
    assert_eq!(base.matches("library/").count(), 3, "{base}");
    // Reversed: now the other copy and the other near-duplicate come second.
    let mut reversed = phrases;
    reversed.reverse();
    std::fs::write(
        dir.path().join("a.txt"),
        format!("{}\n", reversed.join("\n")),
    )
    .unwrap();
    let (_, doc) = json(
        dir.path(),
        &["--select", "library", "--baseline", "base.json"],
    );
    assert!(rules(&doc).is_empty(), "{:?}", doc["diagnostics"]);
    // A third copy is new.
    std::fs::write(
        dir.path().join("a.txt"),
        format!("{}\n您好，请问有什么可以帮您\n", reversed.join("\n")),
    )
    .unwrap();
    let (_, doc) = json(
        dir.path(),
        &["--select", "library", "--baseline", "base.json"],
    );
    assert_eq!(rules(&doc), vec!["library/duplicate"]);
}

#[test]
fn selection_levels_and_statistics_apply_to_library_rules() {
    let text = "您好，请问有什么可以帮您？\n您好，請問有什麼可以幫您\n这个我不知道\n";
    let dir = common::project(&[], &[("a.txt", text)]);
    let (_, doc) = json(dir.path(), &[]);
    assert!(
        rules(&doc).contains(&"library/duplicate".to_string()),
        "on by default"
    );
    let (_, doc) = json(dir.path(), &["--ignore", "library"]);
    assert!(!rules(&doc).iter().any(|r| r.starts_with("library/")));
    let (_, doc) = json(dir.path(), &["--select", "library/duplicate"]);
    assert_eq!(rules(&doc), vec!["library/duplicate"]);
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "levels:\n  library/duplicate: error\n",
    )
    .unwrap();
    let (code, doc) = json(dir.path(), &["--select", "library"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc, "library/duplicate")[0]["severity"], "error");
    std::fs::write(
        dir.path().join("huashu.yaml"),
        "overrides:\n  - files: [a.txt]\n    levels: {library: off}\n",
    )
    .unwrap();
    let (_, doc) = json(dir.path(), &["--select", "library"]);
    assert!(rules(&doc).is_empty());
    std::fs::remove_file(dir.path().join("huashu.yaml")).unwrap();
    let (_, doc) = json(dir.path(), &["--statistics"]);
    let stat = doc["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rule"] == "library/duplicate")
        .unwrap()
        .clone();
    assert_eq!(stat["count"], 1);
    assert_eq!(
        stat["message"], "这条话术和前面的一条重复，留一份即可",
        "the rule's own message"
    );
}

#[test]
fn github_and_junit_name_the_other_place() {
    let dir = with_workbook(&[("a.csv", CSV)]);
    let (_, out, _) = run(
        dir.path(),
        &[
            "check",
            "--select",
            "library/duplicate",
            "--format",
            "github",
        ],
    );
    let line = out
        .lines()
        .find(|l| l.contains("library/duplicate"))
        .unwrap();
    assert!(line.starts_with("::warning file=b.xlsx,line=2,"), "{line}");
    assert!(line.contains("第一次出现在这里：a.csv:2:5"), "{line}");
    let (_, out, _) = run(
        dir.path(),
        &[
            "check",
            "--select",
            "library/duplicate",
            "--format",
            "junit",
        ],
    );
    assert!(out.contains("第一次出现在这里：a.csv:2:5"), "{out}");
    // A finding about the whole file: an annotation on the file, no line.
    let lib = common::project(&[], &[("a.txt", greetings_only(30).as_str())]);
    let (_, out, _) = run(
        lib.path(),
        &["check", "--select", "library", "--format", "github"],
    );
    let line = out.lines().find(|l| l.contains("missing-scene")).unwrap();
    assert!(line.starts_with("::notice file=a.txt,title="), "{line}");
    let (_, out, _) = run(
        lib.path(),
        &["check", "--select", "library", "--format", "junit"],
    );
    assert!(out.contains("name=\"library/missing-scene 催付\""), "{out}");
}

#[test]
fn pretty_shows_both_places() {
    let dir = common::project(
        &[],
        &[("a.csv", CSV), ("b.txt", "您好，請問有什麼可以幫您\n")],
    );
    let (_, out, _) = run(dir.path(), &["check", "--select", "library"]);
    assert!(out.contains("╭─[b.txt:1:1]"), "{out}");
    assert!(out.contains("☞ 第一次出现在这里（a.csv:2:5）"), "{out}");
    assert!(out.contains("╭─[a.csv:2:5]"), "{out}");
    // The other place is headed in Chinese, not with miette's English "Advice:".
    assert!(out.contains("另见：\n  ☞ 第一次出现在这里"), "{out}");
    assert!(!out.contains("Advice"), "{out}");
}

#[test]
fn the_summary_is_an_overview_for_the_shop_owner() {
    let csv = "快捷编码,快捷短语,快捷短语分组\n\
               hy1,您好，欢迎光临，请问有什么可以帮您？,欢迎语\n\
               hy2,您好，歡迎光臨，請問有什麼可以幫您,售后\n\
               wl1,付款后48小时内发货,物流\n\
               wl2,我们24小时内发货哦,物流\n\
               js1,感谢您的支持，祝您购物愉快！,结束语\n";
    let dir = common::project(
        &[],
        &[
            ("a.csv", csv),
            ("huashu.yaml", "policy:\n  包邮门槛: 99元\n"),
        ],
    );
    let (code, out, _) = run(dir.path(), &["check", "--summary"]);
    assert_eq!(code, 0);
    for expected in [
        "话术库：1 个文件，5 条话术",
        "分组（4 个）：欢迎语 1 条，售后 1 条，物流 2 条，结束语 1 条",
        "缺少的阶段：商品咨询、议价、催付、售后致歉",
        "重复：1 条话术有副本，共多出 1 条",
        "发货时效：48小时（1 条，最早在 a.csv:4:8）、24小时（1 条，最早在 a.csv:5:7）——说法不一致",
        "话术里没有提到：无理由退换、包邮门槛（政策：99元）",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }
    assert!(
        !out.contains("╭─"),
        "the overview replaces the findings: {out}"
    );
    let (_, doc) = json(dir.path(), &["--summary"]);
    let lib = &doc["library"]["libraries"][0];
    assert_eq!(lib["phrases"], 5);
    assert_eq!(lib["copies"], 1);
    assert_eq!(lib["groups"][2]["name"], "物流");
    assert_eq!(lib["groups"][2]["phrases"], 2);
    assert!(
        !doc["diagnostics"].as_array().unwrap().is_empty(),
        "JSON keeps the findings"
    );
    let (code, _, err) = run(dir.path(), &["check", "--summary", "--format", "sarif"]);
    assert_eq!(code, 2);
    assert!(err.contains("--summary"), "{err}");
}

#[test]
fn a_large_file_is_checked_in_segments_with_the_same_findings() {
    // More phrases than one segment (16,384): the copy at the end points at the first line.
    let mut text = String::from("您好，请问有什么可以帮您？\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "第{i}号商品的库存还有{}件，今天下单今天发货\n",
            i * 7 + 3
        ));
    }
    text.push_str("您好，請問有什麼可以幫您\n");
    let dir = common::project(&[], &[("a.txt", text.as_str())]);
    let (_, doc) = json(dir.path(), &["--select", "library/duplicate"]);
    let dups = findings(&doc, "library/duplicate");
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0]["line"].as_u64(), Some(20_002));
    assert_eq!(dups[0]["related"][0]["line"].as_u64(), Some(1));
}

#[test]
fn a_placeholder_reason_silences_no_library_finding() {
    // `理由` is what the editor's suppression action writes: left as it is, it is no reason, for
    // library rules as for the others.
    let text = "您好，请问有什么可以帮您？\n# huashu-allow: library/duplicate -- 理由\n您好，请问有什么可以帮您？\n";
    let dir = common::project(&[], &[("a.txt", text)]);
    let (_, doc) = json(dir.path(), &["--select", "library"]);
    assert_eq!(
        rules(&doc),
        vec!["huashu/invalid-suppression", "library/duplicate"]
    );
    let invalid = findings(&doc, "huashu/invalid-suppression");
    assert!(
        invalid[0]["message"].as_str().unwrap().contains("占位"),
        "{invalid:?}"
    );
}

/// Built-in facts compile when a phrase first needs them; a user's pack is still compiled when it
/// loads, so a fact pattern that names no value is reported at the pattern before anything is
/// checked.
#[test]
fn a_user_pack_fact_mistake_is_reported_when_it_loads() {
    let pack = "pack: shop-facts\nversion: 1.0.0\ndescription: 店铺自己的承诺\nfacts:\n  - name: gift\n    label: 赠品\n    type: name\n    patterns:\n      - '送(?:一个)?小礼品'\nrules: []\n";
    let dir = common::project(&[], &[("p.yaml", pack), ("a.txt", "您好，下单送小礼品\n")]);
    let (code, out, err) = run(dir.path(), &["check", "--pack", "p.yaml", "a.txt"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("p.yaml:9:9"), "{err}");
    assert!(err.contains("没有 value 分组"), "{err}");
    assert!(
        out.is_empty(),
        "nothing is checked with a broken pack: {out}"
    );
}
