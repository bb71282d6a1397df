//! What CSV/TSV files and Excel sheets share: the header names seller tools use, their nested groups,
//! and the character references (`&#13;`, `&#44;`) they write inside fields.

use crate::text::phrase::Offsets;
use crate::text::scene::Scene;
use std::ops::Range;

pub const CODE: &[&str] = &["快捷短语编码", "快捷编码", "编码", "快捷码", "code"];
pub const TEXT: &[&str] = &[
    "快捷短语",
    "短语",
    "内容",
    "短语内容",
    "回复内容",
    "话术",
    "话术内容",
    "快捷回复",
    "text",
];
pub const GROUP: &[&str] = &["快捷短语分组", "分组", "分类", "分组名称", "group"];

/// How far down a table the header row may be (title rows above it are common).
pub const HEADER_ROWS: usize = 10;

/// The group of a phrase whose group cell is empty, as 千牛 shows it.
pub const UNGROUPED: &str = "未分组";

/// Which columns of a table hold what (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// Every phrase column, left to right (never empty). A header may name two (`快捷短语` and
    /// `回复内容`, or the same name twice): both are read, so no phrase goes unchecked.
    pub text: Vec<usize>,
    pub code: Option<usize>,
    pub group: Option<usize>,
}

fn matches(h: &str, names: &[&str]) -> bool {
    let h = crate::text::normalize::normalize_str(h.trim().trim_start_matches('\u{feff}'));
    names.iter().any(|n| h == *n)
}

fn find(header: &[&str], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| matches(h, names))
}

/// The columns of a header row, when it has a phrase column.
pub fn columns(header: &[&str]) -> Option<Columns> {
    let text: Vec<usize> = (0..header.len())
        .filter(|&i| matches(header[i], TEXT))
        .collect();
    if text.is_empty() {
        return None;
    }
    Some(Columns {
        text,
        code: find(header, CODE),
        group: find(header, GROUP),
    })
}

/// The error message and help for a header with no phrase column.
pub fn missing_text_column(seen: &[&str]) -> (String, String) {
    let seen: Vec<&str> = seen
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    (
        format!(
            "表头里没有话术列：看到的列是 {}",
            if seen.is_empty() {
                "（空）".to_string()
            } else {
                seen.join("、")
            }
        ),
        format!("话术列的列名可以是：{}", TEXT.join("、")),
    )
}

/// A group cell's group name and scene. Empty means 未分组; nested groups are written `父=>子`
/// (or with a full-width `＝`), and the innermost group that names a scene decides it, so
/// `售后=>常见问题` is after-sales and `欢迎语=>催付` is urge-payment.
pub fn group(cell: Option<&str>) -> (String, Scene) {
    let name = cell.map(str::trim).unwrap_or("");
    if name.is_empty() {
        return (UNGROUPED.to_string(), Scene::Common);
    }
    let normalized = name
        .replace("＝＞", "=>")
        .replace("＝>", "=>")
        .replace("=＞", "=>");
    let scene = normalized
        .rsplit("=>")
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(Scene::infer)
        .find(|s| *s != Scene::Common)
        .unwrap_or(Scene::Common);
    (name.to_string(), scene)
}

/// A field's text with the source byte range of each character.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub text: String,
    pub map: Vec<Range<usize>>,
}

impl Mapped {
    pub fn new(text: &str, offsets: &Offsets) -> Mapped {
        let map = match offsets {
            Offsets::Contiguous(start) => text
                .char_indices()
                .map(|(i, c)| start + i..start + i + c.len_utf8())
                .collect(),
            Offsets::Mapped(m) => m.clone(),
        };
        Mapped {
            text: text.to_string(),
            map,
        }
    }

    /// Decodes numeric character references (`&#13;`, `&#10;`, `&#44;`, `&#x2c;`) as seller tools
    /// write them for line breaks and commas; `&#13;&#10;` is one line break. Each decoded character
    /// maps to its whole reference in the source.
    pub fn unescape(self) -> Mapped {
        if !self.text.contains("&#") {
            return self;
        }
        let chars: Vec<char> = self.text.chars().collect();
        let mut text = String::with_capacity(self.text.len());
        let mut map = Vec::with_capacity(self.map.len());
        let mut i = 0;
        while i < chars.len() {
            if let Some((c, len)) = reference(&chars[i..]) {
                let mut range = self.map[i].start..self.map[i + len - 1].end;
                let mut c = c;
                i += len;
                if c == '\r' {
                    c = '\n';
                    if let Some(('\n', next)) = reference(&chars[i..]) {
                        range.end = self.map[i + next - 1].end;
                        i += next;
                    }
                }
                text.push(c);
                map.push(range);
            } else {
                text.push(chars[i]);
                map.push(self.map[i].clone());
                i += 1;
            }
        }
        Mapped { text, map }
    }

    /// Trimmed of surrounding blanks; `None` when nothing is left.
    pub fn trimmed(self) -> Option<(String, Offsets)> {
        let trimmed = self.text.trim();
        if trimmed.is_empty() {
            return None;
        }
        let lead = self.text[..self.text.len() - self.text.trim_start().len()]
            .chars()
            .count();
        let n = trimmed.chars().count();
        let map = self.map[lead..lead + n].to_vec();
        // A verbatim slice needs no per-character map.
        let contiguous = map.windows(2).all(|w| w[0].end == w[1].start)
            && map
                .iter()
                .zip(trimmed.chars())
                .all(|(r, c)| r.len() == c.len_utf8());
        let offsets = if contiguous {
            Offsets::Contiguous(map[0].start)
        } else {
            Offsets::Mapped(map)
        };
        Some((trimmed.to_string(), offsets))
    }
}

/// A numeric character reference at the start of `chars`: the character and how many chars it spans.
fn reference(chars: &[char]) -> Option<(char, usize)> {
    if chars.len() < 4 || chars[0] != '&' || chars[1] != '#' {
        return None;
    }
    let (hex, digits_from) = match chars[2] {
        'x' | 'X' => (true, 3),
        _ => (false, 2),
    };
    let end = chars[digits_from..]
        .iter()
        .take(8)
        .position(|&c| c == ';')?
        + digits_from;
    let digits: String = chars[digits_from..end].iter().collect();
    if digits.is_empty() {
        return None;
    }
    let value = u32::from_str_radix(&digits, if hex { 16 } else { 10 }).ok()?;
    Some((char::from_u32(value)?, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_column_is_found() {
        let c = columns(&["编码", "快捷短语", "分组", "回复内容", "快捷短语"]).unwrap();
        assert_eq!(c.text, [1, 3, 4]);
        assert_eq!((c.code, c.group), (Some(0), Some(2)));
        assert_eq!(columns(&["编码", "分组"]), None);
    }

    #[test]
    fn nested_groups_take_the_innermost_scene() {
        assert_eq!(group(None), (UNGROUPED.to_string(), Scene::Common));
        assert_eq!(group(Some("  ")).0, UNGROUPED);
        assert_eq!(group(Some("欢迎语=>催付")).1, Scene::UrgePayment);
        assert_eq!(group(Some("催付＝>欢迎")).1, Scene::Greeting);
        assert_eq!(group(Some("售后=>常见问题")).1, Scene::AfterSales);
        assert_eq!(group(Some("售后=>")).1, Scene::AfterSales);
        assert_eq!(group(Some("售后=>常见问题")).0, "售后=>常见问题");
    }

    #[test]
    fn references_unescape_and_map_to_their_source() {
        let raw = "亲&#13;&#10;不知道&#44;哦";
        let m = Mapped::new(raw, &Offsets::Contiguous(100)).unescape();
        assert_eq!(m.text, "亲\n不知道,哦");
        assert_eq!(m.map[1], 103..113);
        assert_eq!(m.map[2].start, 113);
        assert_eq!(m.map[5], 122..127);
        let (t, o) = m.trimmed().unwrap();
        assert_eq!(t, "亲\n不知道,哦");
        assert!(matches!(o, Offsets::Mapped(_)));
        let plain = Mapped::new(" 你好 ", &Offsets::Contiguous(7)).unescape();
        assert!(matches!(plain.trimmed().unwrap().1, Offsets::Contiguous(8)));
        assert_eq!(
            Mapped::new("a&#;b&#99999999;", &Offsets::Contiguous(0))
                .unescape()
                .text,
            "a&#;b&#99999999;"
        );
    }
}
