//! `.md`: phrases kept in Markdown. Each list item, paragraph, block quote paragraph and table cell is
//! a phrase; the nearest heading above it names its group. Code blocks, front matter, HTML blocks and
//! comments, and image alt text are not phrases. Inline markup (`**`, links, `` ` ``) is dropped from
//! the phrase text; every character keeps its own place in the file.
//!
//! Boundaries: a paragraph is one phrase even when it spans lines (the line breaks stay in the text);
//! a list item is one phrase, and a list nested in it holds phrases of its own. In a table whose
//! header names a phrase column (`快捷短语`, `话术`, ...), only that column holds phrases, and the
//! code and group columns are read as in CSV; in any other table every body cell is a phrase.

use super::table::{self, Columns, Mapped};
use crate::text::phrase::{Draft, Offsets, Phrases};
use crate::text::scene::Scene;
use crate::text::source::SourceFile;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Text being collected, with the source range of each character.
#[derive(Default)]
struct Buf {
    text: String,
    map: Vec<Range<usize>>,
}

impl Buf {
    fn push(&mut self, value: &str, source: &str, range: Range<usize>) {
        let offsets = Offsets::align(value, &source[range.clone()], range.start);
        let m = Mapped::new(value, &offsets);
        self.text.push_str(value);
        self.map.extend(m.map);
    }

    fn push_break(&mut self, range: Range<usize>) {
        self.text.push('\n');
        self.map.push(range);
    }

    fn take(&mut self) -> Option<(String, Offsets)> {
        let b = std::mem::take(self);
        Mapped {
            text: b.text,
            map: b.map,
        }
        .trimmed()
    }
}

#[derive(Default)]
struct State {
    /// Nesting depth of blocks whose text is not phrases (code, HTML, front matter) or images.
    skip: usize,
    heading: Option<Buf>,
    /// (level, text) of the headings above, outermost first.
    headings: Vec<(usize, String)>,
    buf: Buf,
    table: Option<TableState>,
    out: Vec<Draft>,
}

#[derive(Default)]
struct TableState {
    in_head: bool,
    head: Vec<String>,
    columns: Option<Columns>,
    row: Vec<Option<(String, Offsets)>>,
}

impl State {
    fn flush(&mut self) {
        if let Some((text, offsets)) = self.buf.take() {
            let phrase = self.phrase(text, offsets, None);
            self.out.push(phrase);
        }
    }

    fn phrase(&self, text: String, offsets: Offsets, group: Option<&str>) -> Draft {
        let mut phrase = Draft::new(text, offsets);
        if let Some(g) = group.filter(|g| !g.trim().is_empty()) {
            let (group, scene) = table::group(Some(g));
            phrase.group = Some(group);
            phrase.scene = scene;
        } else if let Some((_, nearest)) = self.headings.last() {
            phrase.group = Some(nearest.clone());
            // As with nested groups: the innermost heading that names a scene decides it.
            phrase.scene = self
                .headings
                .iter()
                .rev()
                .map(|(_, h)| Scene::infer(h))
                .find(|s| *s != Scene::Common)
                .unwrap_or(Scene::Common);
        }
        phrase
    }

    fn end_row(&mut self) {
        let Some(t) = self.table.as_mut() else {
            return;
        };
        let row = std::mem::take(&mut t.row);
        let cols = t.columns.clone();
        match cols {
            Some(cols) => {
                let cell = |i: Option<usize>| {
                    i.and_then(|i| row.get(i))
                        .and_then(|c| c.as_ref())
                        .map(|(t, _)| t.clone())
                };
                let (code, group) = (cell(cols.code), cell(cols.group));
                for &c in &cols.text {
                    if let Some(Some((text, offsets))) = row.get(c).cloned() {
                        let mut p = self.phrase(text, offsets, group.as_deref());
                        p.code = code.clone();
                        self.out.push(p);
                    }
                }
            }
            None => {
                for (text, offsets) in row.into_iter().flatten() {
                    let p = self.phrase(text, offsets, None);
                    self.out.push(p);
                }
            }
        }
    }
}

fn is_br(html: &str) -> bool {
    let tag: String = html
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '/')
        .collect();
    tag.eq_ignore_ascii_case("<br>")
}

pub fn parse(src: &SourceFile, out: &mut Phrases) {
    let text = src.text.as_str();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut st = State::default();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::MetadataBlock(_) => {
                    // Front matter is not phrases, but it may name the shop.
                    if let Some(shop) = text[range.clone()].lines().find_map(|l| {
                        l.strip_prefix("shop:")
                            .map(|v| v.trim().trim_matches(['"', '\'']))
                    }) {
                        out.set_shop(shop);
                    }
                    st.flush();
                    st.skip += 1;
                }
                Tag::CodeBlock(_) | Tag::HtmlBlock => {
                    st.flush();
                    st.skip += 1;
                }
                Tag::Image { .. } => st.skip += 1,
                Tag::Heading { .. } => {
                    st.flush();
                    st.heading = Some(Buf::default());
                }
                Tag::Table(_) => {
                    st.flush();
                    st.table = Some(TableState::default());
                }
                Tag::TableHead => {
                    if let Some(t) = st.table.as_mut() {
                        t.in_head = true;
                    }
                }
                Tag::TableCell => st.buf = Buf::default(),
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Superscript
                | Tag::Subscript => {}
                _ => st.flush(),
            },
            Event::End(tag) => match tag {
                TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {
                    st.skip = st.skip.saturating_sub(1);
                }
                TagEnd::Image => st.skip = st.skip.saturating_sub(1),
                TagEnd::Heading(level) => {
                    let level = level as usize;
                    let name = st
                        .heading
                        .take()
                        .map(|b| b.text.trim().to_string())
                        .unwrap_or_default();
                    st.headings.retain(|(l, _)| *l < level);
                    st.headings.push((level, name));
                }
                TagEnd::TableCell => {
                    let cell = st.buf.take();
                    if let Some(t) = st.table.as_mut() {
                        if t.in_head {
                            t.head.push(cell.map(|(s, _)| s).unwrap_or_default());
                        } else {
                            t.row.push(cell);
                        }
                    }
                }
                TagEnd::TableHead => {
                    if let Some(t) = st.table.as_mut() {
                        t.in_head = false;
                        let names: Vec<&str> = t.head.iter().map(String::as_str).collect();
                        t.columns = table::columns(&names);
                    }
                }
                TagEnd::TableRow => st.end_row(),
                TagEnd::Table => st.table = None,
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Superscript
                | TagEnd::Subscript => {}
                _ => st.flush(),
            },
            Event::Text(t) | Event::Code(t) if st.skip == 0 => {
                let target = st.heading.as_mut().unwrap_or(&mut st.buf);
                target.push(&t, text, range);
            }
            Event::SoftBreak | Event::HardBreak if st.skip == 0 => {
                let target = st.heading.as_mut().unwrap_or(&mut st.buf);
                target.push_break(range);
            }
            // <br> is how a table cell holds a line break.
            Event::InlineHtml(h) if st.skip == 0 && is_br(&h) => {
                let target = st.heading.as_mut().unwrap_or(&mut st.buf);
                target.push_break(range);
            }
            // Other inline HTML (comments), footnote marks, task boxes, rules: not phrase text.
            _ => {}
        }
    }
    st.flush();
    for draft in st.out {
        out.push(text, draft);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(t: &str) -> (SourceFile, Vec<Draft>) {
        let s = SourceFile::new("a.md", t.to_string());
        let mut store = Phrases::default();
        parse(&s, &mut store);
        let p = (0..store.len())
            .map(|i| {
                let p = store.get(&s.text, i);
                let mut d = Draft::new(p.text.to_string(), Offsets::Contiguous(0));
                d.offsets = match p.offsets {
                    crate::text::phrase::OffsetsRef::Contiguous(at) => Offsets::Contiguous(at),
                    crate::text::phrase::OffsetsRef::Mapped(m) => Offsets::Mapped(m.to_vec()),
                };
                d.group = p.group_name().map(str::to_string);
                d.scene = p.scene;
                d.code = p.code.map(|c| c.to_string());
                d
            })
            .collect();
        (s, p)
    }

    #[test]
    fn blocks_become_phrases_under_their_heading() {
        let (s, p) = phrases(
            "---\ntitle: 不知道\n---\n# 店铺话术\n\n## 售后\n\n- 亲，**这个**我不知道\n- 第二条\n  - 嵌套\n\n> 引用的话术\n\n<!-- 不知道 -->\n\n```\n不知道\n```\n\n### 常见问题\n\n一段\n两行\n",
        );
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "亲，这个我不知道",
                "第二条",
                "嵌套",
                "引用的话术",
                "一段\n两行"
            ]
        );
        assert_eq!(p[0].group.as_deref(), Some("售后"));
        assert_eq!(p[0].scene, Scene::AfterSales);
        assert_eq!(p[4].group.as_deref(), Some("常见问题"));
        assert_eq!(p[4].scene, Scene::AfterSales);
        let r = p[0].view().source_range(5..8);
        assert_eq!(&s.text[r.clone()], "不知道");
        assert_eq!(s.position(r.start).line, 8);
        assert_eq!(&s.text[p[4].view().source_range(3..5)], "两行");
    }

    #[test]
    fn tables_with_a_phrase_column_read_like_csv() {
        let (s, p) = phrases(
            "# 欢迎语\n\n| 快捷编码 | 快捷短语 | 快捷短语分组 |\n|---|---|---|\n| a | 亲，不知道 | 催付 |\n| b | 您好<br/>在的 | |\n\n| x | y |\n|---|---|\n| 一 | 二 |\n",
        );
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["亲，不知道", "您好\n在的", "一", "二"]);
        assert_eq!(p[0].code.as_deref(), Some("a"));
        assert_eq!(p[0].scene, Scene::UrgePayment);
        assert_eq!(p[1].scene, Scene::Greeting);
        assert_eq!(s.position(p[0].view().source_range(3..4).start).column, 10);
    }

    #[test]
    fn no_heading_no_group() {
        let (_, p) = phrases("亲，您好\n");
        assert_eq!(p[0].group, None);
        assert_eq!(p[0].scene, Scene::Common);
    }

    #[test]
    fn every_character_points_at_itself() {
        let text = "# 话术 *库*\n\n1. 亲，**不知道** [链接](http://x) `代码` 好的\\*呢\n2. 第二\n   续行  \n   硬换行\n\n> - 引用里的列表\n> 第二行\n\n| 话术 |\n|---|\n| 表格 &amp; 单元格 |\n\nSetext 标题\n---\n\n段落<!-- 注释 -->继续\n";
        let (s, p) = phrases(text);
        assert!(p.len() >= 5, "{p:?}");
        for phrase in &p {
            for (i, c) in phrase.text.chars().enumerate() {
                let r = phrase.view().source_range(i..i + 1);
                let src = &s.text[r];
                if c == '\n' {
                    assert!(src.ends_with('\n'), "{:?} {i}: {src:?}", phrase.text);
                } else if c == '&' {
                    // Inside `&amp;`: at its start, which is enough to point at it.
                    assert_eq!(src, "&");
                } else {
                    assert_eq!(src, c.to_string(), "{:?} char {i}", phrase.text);
                }
            }
        }
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "亲，不知道 链接 代码 好的*呢",
                "第二\n续行\n硬换行",
                "引用里的列表\n第二行",
                "表格 & 单元格",
                "段落继续"
            ]
        );
        assert_eq!(p[4].group.as_deref(), Some("Setext 标题"));
    }
}
