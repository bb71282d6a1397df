//! Facts: what a phrase promises, as a typed value (48小时 to ship, 7天 to return, 满99元 for free
//! shipping, 中通 as the default courier, 9:00-23:00 online). A pack declares each fact with the
//! patterns that find it, a `value` capture (or `from` and `to` for a time range) and an optional
//! `unit` capture; values are normalised so that 两天 = 2天 = 48小时 and 七天 = 7天.
//!
//! A phrase that states two different values of one fact (当天发货, 下午四点后次日发货) states a
//! condition, not a promise that can disagree with another phrase: it is left out for that fact.

use super::lazy_regex::{LazyRegex, group};
use crate::text::normalize::{Normalized, normalize_str};
use regex_automata::util::captures::Captures;
use std::fmt;
use std::ops::Range;

/// What kind of value a fact has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// A span of time, in hours: 小时, 天/日, 周/星期, 个月.
    Duration,
    /// Money, in cents: 元, 块.
    Amount,
    /// A daily time range: 9:00-23:00, 早上9点到晚上11点.
    ClockRange,
    /// A name (a courier): the text, or what `values` maps it to.
    Name,
}

impl ValueType {
    pub const NAMES: &[&str] = &["duration", "amount", "clock-range", "name"];

    pub fn parse(s: &str) -> Option<ValueType> {
        match s {
            "duration" => Some(ValueType::Duration),
            "amount" => Some(ValueType::Amount),
            "clock-range" => Some(ValueType::ClockRange),
            "name" => Some(ValueType::Name),
            _ => None,
        }
    }
}

/// A fact's value, normalised: equal values are equal promises.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// Hours (a duration) or cents (an amount).
    Number(u64),
    /// Minutes after midnight, from and to.
    Range(u16, u16),
    /// A named value (当天, 中通).
    Name(Box<str>),
}

/// A fact a pack declares.
#[derive(Debug, Clone)]
pub struct Fact {
    /// Kebab-case name, unique in the run.
    pub name: String,
    /// What shop owners call it (发货时效); `policy:` keys may use it or the name.
    pub label: String,
    pub kind: ValueType,
    /// The unit values are shown in, and the unit of a number written without one.
    pub unit: Option<String>,
    pub patterns: Vec<LazyRegex>,
    /// Words (normalised) and the value each stands for (当日 → 当天, 隔天 → 次日).
    pub values: Vec<(String, String)>,
    /// A match lying inside a match of one of these is not the fact (质量问题30天包换).
    pub except: Vec<LazyRegex>,
    /// A sentence where one of these matches states no fact (预售, 偏远地区).
    pub unless: Vec<LazyRegex>,
    /// Phrases that state a value, or none, as the pack says (checked like rules' examples).
    pub examples: Vec<FactExample>,
}

/// A fact's example: a phrase and the value it states (`None`: it states none).
#[derive(Debug, Clone)]
pub struct FactExample {
    pub text: String,
    pub value: Option<String>,
    /// Byte range of the example in the pack file.
    pub span: Range<usize>,
}

/// Whether `unit` is one a fact of `kind` can be shown in.
pub fn unit_known(kind: ValueType, unit: &str) -> bool {
    match kind {
        ValueType::Duration => duration_factor(unit).is_some(),
        ValueType::Amount => amount_factor(unit).is_some(),
        _ => false,
    }
}

/// A fact found in a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the fact in the run's facts.
    pub fact: usize,
    pub value: Value,
    /// Characters of the phrase the statement covers.
    pub chars: Range<usize>,
}

impl Fact {
    /// The value a word maps to, when `values` names it (exactly, or as part of a longer name).
    fn mapped(&self, word: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(w, _)| w == word)
            .or_else(|| {
                (self.kind == ValueType::Name)
                    .then(|| self.values.iter().find(|(w, _)| word.contains(w.as_str())))
                    .flatten()
            })
            .map(|(_, v)| v.as_str())
    }

    /// A value as written by hand (a policy in the config, an example): `48小时`, `2天`, `99元`,
    /// `9:00-23:00`, `中通快递`, or a word `values` maps.
    pub fn parse_value(&self, text: &str) -> Option<Value> {
        let s = normalize_str(text.trim());
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(v) = self.mapped(s) {
            return Some(self.typed(v).unwrap_or_else(|| Value::Name(v.into())));
        }
        self.typed(s)
            .or_else(|| (self.kind == ValueType::Name).then(|| Value::Name(s.into())))
    }

    /// A value of this fact's type from text like `48小时`, `99元`, `9:00-23:00`.
    fn typed(&self, s: &str) -> Option<Value> {
        match self.kind {
            ValueType::Duration | ValueType::Amount => {
                let (n, rest) = leading_number(s)?;
                let rest = rest.trim_start();
                let (unit, tail) = split_unit(self.kind, rest);
                if !tail.trim().is_empty() && !matches!(tail.trim(), "内" | "以内" | "之内") {
                    return None;
                }
                self.quantity(n, unit)
            }
            ValueType::ClockRange => {
                let at = s.find(['-', '~', '到', '至'])?;
                let sep = s[at..].chars().next().expect("found").len_utf8();
                clock_range(&s[..at], &s[at + sep..])
            }
            ValueType::Name => None,
        }
    }

    /// A number with its unit (or the fact's unit) as a value.
    fn quantity(&self, n: f64, unit: Option<&str>) -> Option<Value> {
        let unit = unit.or(self.unit.as_deref());
        let factor = match self.kind {
            ValueType::Duration => duration_factor(unit?)?,
            ValueType::Amount => match unit {
                None => 100.0,
                Some(u) => amount_factor(u)?,
            },
            _ => return None,
        };
        let v = n * factor;
        (v.is_finite() && v >= 0.0).then(|| Value::Number(v.round() as u64))
    }

    /// A value as shop owners read it, in the fact's unit where it divides evenly.
    pub fn show(&self, value: &Value) -> String {
        match (self.kind, value) {
            (_, Value::Name(n)) => n.to_string(),
            (_, Value::Range(a, b)) => format!("{}-{}", clock(*a), clock(*b)),
            (ValueType::Amount, Value::Number(cents)) => {
                if cents % 100 == 0 {
                    format!("{}元", cents / 100)
                } else {
                    format!("{:.2}元", *cents as f64 / 100.0)
                }
            }
            (_, Value::Number(hours)) => {
                let per = self
                    .unit
                    .as_deref()
                    .and_then(duration_factor)
                    .unwrap_or(1.0) as u64;
                let unit = self.unit.as_deref().unwrap_or("小时");
                if per > 1 && hours % per == 0 {
                    format!("{}{unit}", hours / per)
                } else {
                    format!("{hours}小时")
                }
            }
        }
    }

    /// The value of one match of a pattern.
    fn value_of(&self, caps: &Captures, hay: &str) -> Option<Value> {
        if let (Some(from), Some(to)) = (group(caps, hay, "from"), group(caps, hay, "to")) {
            return clock_range(from, to);
        }
        let raw = group(caps, hay, "value")?.trim();
        if let Some(v) = self.mapped(raw) {
            return Some(self.typed(v).unwrap_or_else(|| Value::Name(v.into())));
        }
        match self.kind {
            ValueType::Name => Some(Value::Name(raw.into())),
            ValueType::ClockRange => None,
            _ => {
                let (n, rest) = leading_number(raw)?;
                if !rest.trim().is_empty() {
                    return None;
                }
                let unit = group(caps, hay, "unit").map(str::trim);
                self.quantity(n, unit.filter(|u| !u.is_empty()))
            }
        }
    }
}

/// Hours in a duration unit.
fn duration_factor(unit: &str) -> Option<f64> {
    Some(match unit.trim_start_matches('个') {
        "小时" | "钟头" | "h" | "hr" | "hrs" => 1.0,
        "天" | "日" => 24.0,
        "周" | "星期" | "礼拜" => 168.0,
        "月" => 720.0,
        _ => return None,
    })
}

/// Cents in an amount unit.
fn amount_factor(unit: &str) -> Option<f64> {
    Some(match unit {
        "元" | "块" | "块钱" | "rmb" | "¥" => 100.0,
        _ => return None,
    })
}

/// The unit at the start of `rest`, and what follows it.
fn split_unit(kind: ValueType, rest: &str) -> (Option<&str>, &str) {
    let units: &[&str] = match kind {
        ValueType::Duration => &[
            "个小时",
            "小时",
            "钟头",
            "个星期",
            "星期",
            "礼拜",
            "个月",
            "天",
            "日",
            "周",
            "月",
            "hrs",
            "hr",
            "h",
        ],
        ValueType::Amount => &["块钱", "元", "块", "rmb", "¥"],
        _ => &[],
    };
    for u in units {
        if let Some(tail) = rest.strip_prefix(u) {
            return (Some(u), tail);
        }
    }
    (None, rest)
}

fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A Chinese numeral (七, 十五, 二十四, 一百九十九, 两).
fn chinese_number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    for c in s.chars() {
        if let Some(d) = chinese_digit(c) {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                total += (section + digit.unwrap_or(0)) * 10_000;
                section = 0;
                digit = None;
                continue;
            }
            _ => return None,
        };
        section += digit.unwrap_or(1) * unit;
        digit = None;
    }
    Some(total + section + digit.unwrap_or(0))
}

/// The number a text starts with (Arabic, decimals allowed, or Chinese), and the rest.
fn leading_number(s: &str) -> Option<(f64, &str)> {
    let arabic = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(s.len(), |(i, _)| i);
    if arabic > 0 {
        let n: f64 = s[..arabic].parse().ok()?;
        return Some((n, &s[arabic..]));
    }
    let end = s
        .char_indices()
        .find(|(_, c)| chinese_digit(*c).is_none() && !matches!(c, '十' | '百' | '千' | '万'))
        .map_or(s.len(), |(i, _)| i);
    let n = chinese_number(&s[..end])?;
    Some((n as f64, &s[end..]))
}

/// One end of a time range: 9:00, 9点, 9点半, 早上9点, 晚上11点, 二十三点; minutes after midnight
/// and whether the text said which half of the day it is.
fn clock_time(s: &str) -> Option<(u16, bool)> {
    let s = s.trim();
    // Which part of the day the text names: 0 morning, 1 noon, 2 afternoon, 3 night.
    let mut rest = s;
    let mut part = None;
    for (prefix, p) in [
        ("早上", 0),
        ("上午", 0),
        ("凌晨", 0),
        ("早", 0),
        ("中午", 1),
        ("下午", 2),
        ("傍晚", 2),
        ("晚上", 3),
        ("晚", 3),
    ] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            part = Some(p);
            break;
        }
    }
    let (hour, rest) = leading_number(rest)?;
    if hour.fract() != 0.0 || hour > 24.0 {
        return None;
    }
    let mut hour = hour as u16;
    let rest = rest.trim();
    let minute: u16 = if let Some(m) = rest.strip_prefix(':') {
        let (m, tail) = leading_number(m)?;
        if !tail.trim().is_empty() || m >= 60.0 || m.fract() != 0.0 {
            return None;
        }
        m as u16
    } else if let Some(m) = rest.strip_prefix('点') {
        let m = m.trim().trim_end_matches('分');
        match m {
            "" | "整" => 0,
            "半" => 30,
            _ => {
                let (m, tail) = leading_number(m)?;
                if !tail.is_empty() || m >= 60.0 {
                    return None;
                }
                m as u16
            }
        }
    } else if rest.is_empty() {
        0
    } else {
        return None;
    };
    match part {
        // 中午12点 is noon, 中午1点 is 13:00.
        Some(1) if hour < 11 => hour += 12,
        Some(2) if hour < 12 => hour += 12,
        // 晚上12点 is midnight at the end of the day.
        Some(3) if (5..=12).contains(&hour) => hour += 12,
        Some(3) if hour < 5 => hour += 24,
        Some(0) if hour == 12 && s.starts_with("凌晨") => hour = 0,
        _ => {}
    }
    Some((hour * 60 + minute, part.is_some()))
}

/// A daily time range from its two ends: 9点到6点 is 9:00-18:00.
fn clock_range(from: &str, to: &str) -> Option<Value> {
    let (a, _) = clock_time(from)?;
    let (mut b, marked) = clock_time(to)?;
    if b <= a && !marked && b < 12 * 60 {
        b += 12 * 60;
    }
    Some(Value::Range(a, b))
}

fn clock(minutes: u16) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueType::Duration => "duration",
            ValueType::Amount => "amount",
            ValueType::ClockRange => "clock-range",
            ValueType::Name => "name",
        })
    }
}

/// Sentences of a normalised text (split after 。!?;… and at line breaks), as byte ranges.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '。' | '!' | '?' | ';' | '…' | '\n' | '\r') {
            let end = i + c.len_utf8();
            if end > start {
                out.push(start..end);
            }
            start = end;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// The facts a phrase states, in order. A fact stated with two different values is left out.
pub fn extract(facts: &[Fact], text: &str) -> Vec<Hit> {
    if facts.is_empty() {
        return Vec::new();
    }
    extract_normalized(facts, &Normalized::new(text))
}

/// [`extract`] on a phrase's normalised view.
pub fn extract_normalized(facts: &[Fact], norm: &Normalized) -> Vec<Hit> {
    extract_screened(facts, norm, |_| true)
}

/// [`extract_normalized`], searching only the facts `can_state` lets through (a screen that knows
/// the others cannot match).
pub fn extract_screened(
    facts: &[Fact],
    norm: &Normalized,
    can_state: impl Fn(usize) -> bool,
) -> Vec<Hit> {
    let mut out = Vec::new();
    if facts.is_empty() || !(0..facts.len()).any(&can_state) {
        return out;
    }
    let view = norm.as_str();
    let scopes = sentences(view);
    for (index, fact) in facts.iter().enumerate() {
        if !can_state(index) {
            continue;
        }
        let mut found: Vec<Hit> = Vec::new();
        for scope in &scopes {
            let sentence = &view[scope.clone()];
            if !fact.patterns.iter().any(|re| re.is_match(sentence))
                || fact.unless.iter().any(|re| re.is_match(sentence))
            {
                continue;
            }
            let excepted: Vec<Range<usize>> = fact
                .except
                .iter()
                .flat_map(|re| re.find_iter(sentence))
                .collect();
            for re in &fact.patterns {
                for caps in re.captures_iter(sentence) {
                    let m = caps.get_match().expect("whole match");
                    if m.is_empty()
                        || excepted
                            .iter()
                            .any(|e| e.start <= m.start() && m.end() <= e.end)
                    {
                        continue;
                    }
                    let bytes = scope.start + m.start()..scope.start + m.end();
                    let chars = norm.char_range(bytes);
                    if found
                        .iter()
                        .any(|h| h.chars.start < chars.end && chars.start < h.chars.end)
                    {
                        continue;
                    }
                    if let Some(value) = fact.value_of(&caps, sentence) {
                        found.push(Hit {
                            fact: index,
                            value,
                            chars,
                        });
                    }
                }
            }
        }
        if found.iter().all(|h| h.value == found[0].value) {
            found.sort_by_key(|h| h.chars.start);
            out.extend(found);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(kind: ValueType, unit: Option<&str>, patterns: &[&str]) -> Fact {
        Fact {
            name: "t".into(),
            label: "t".into(),
            kind,
            unit: unit.map(str::to_string),
            patterns: patterns.iter().map(|p| LazyRegex::lazy(p)).collect(),
            values: vec![
                ("当天".into(), "当天".into()),
                ("当日".into(), "当天".into()),
            ],
            except: Vec::new(),
            unless: vec![LazyRegex::lazy("预售")],
            examples: Vec::new(),
        }
    }

    const NUM: &str = r"(?P<value>\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+|当天|当日)";

    #[test]
    fn numbers_in_both_notations() {
        assert_eq!(chinese_number("七"), Some(7));
        assert_eq!(chinese_number("十五"), Some(15));
        assert_eq!(chinese_number("二十四"), Some(24));
        assert_eq!(chinese_number("一百九十九"), Some(199));
        assert_eq!(chinese_number("两"), Some(2));
        assert_eq!(leading_number("48小时"), Some((48.0, "小时")));
    }

    #[test]
    fn durations_in_any_unit_are_one_value() {
        let f = fact(
            ValueType::Duration,
            Some("小时"),
            &[&format!(r"{NUM}\s*(?P<unit>个?小时|天|日)?内?发货")],
        );
        let values: Vec<Value> = ["48小时内发货", "兩天內發貨", "2天发货", "四十八小时发货"]
            .iter()
            .map(|t| extract(std::slice::from_ref(&f), t)[0].value.clone())
            .collect();
        assert!(values.iter().all(|v| *v == Value::Number(48)), "{values:?}");
        assert_eq!(f.show(&values[0]), "48小时");
        assert_eq!(f.parse_value("2天"), Some(Value::Number(48)));
        assert_eq!(f.parse_value("当日"), Some(Value::Name("当天".into())));
        // Two values in one phrase: a condition, not a promise.
        assert!(extract(std::slice::from_ref(&f), "当天发货，偏远地区2天发货").is_empty());
        // `unless`: a pre-sale is not the shop's shipping time.
        assert!(extract(std::slice::from_ref(&f), "预售款15天发货").is_empty());
    }

    #[test]
    fn amounts_and_ranges() {
        let f = fact(
            ValueType::Amount,
            Some("元"),
            &[r"满\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>元|块)?\s*(包邮|免邮)"],
        );
        let hits = extract(std::slice::from_ref(&f), "全场满99元包邮哦");
        assert_eq!(hits[0].value, Value::Number(9900));
        assert_eq!(hits[0].chars, 2..8);
        assert_eq!(f.show(&hits[0].value), "99元");
        assert!(extract(std::slice::from_ref(&f), "满199送赠品").is_empty());
        let r = fact(
            ValueType::ClockRange,
            None,
            &[
                r"在线时间\D{0,3}(?P<from>[早晚上下午]*\d+(?::\d+|点半?)?)\s*(?:-|~|到|至)\s*(?P<to>[早晚上下午]*\d+(?::\d+|点半?)?)",
            ],
        );
        let a = extract(std::slice::from_ref(&r), "客服在线时间：9:00-23:00");
        let b = extract(std::slice::from_ref(&r), "在线时间早上9点到晚上11点");
        assert_eq!(a[0].value, Value::Range(540, 1380));
        assert_eq!(a[0].value, b[0].value);
        assert_eq!(
            r.parse_value("早9点到晚12点"),
            Some(Value::Range(540, 1440))
        );
        assert_eq!(r.parse_value("9:00-24:00"), Some(Value::Range(540, 1440)));
        assert_eq!(
            r.parse_value("中午12点到下午6点"),
            Some(Value::Range(720, 1080))
        );
        assert_eq!(r.show(&a[0].value), "9:00-23:00");
        assert_eq!(r.parse_value("9点-6点"), Some(Value::Range(540, 1080)));
    }
}
