//! `.txt`: one phrase per line; blank lines are skipped; a line starting with `#` is a comment.

use crate::text::phrase::Phrases;
use crate::text::source::{SourceFile, lines_inclusive};

pub fn parse(src: &SourceFile, out: &mut Phrases) {
    let text = src.text.as_str();
    let mut offset = 0;
    for line in lines_inclusive(text) {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = content.len() - trimmed.len();
        let phrase = trimmed.trim_end();
        // The text is a slice of the file: the store keeps only its range.
        out.push_slice(start + lead..start + lead + phrase.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_blank_and_comment_lines_and_keeps_offsets() {
        let text = "# 注释\n\n  亲，您好\r\n谢谢\n";
        let src = SourceFile::new("a.txt", text.to_string());
        let mut p = Phrases::default();
        parse(&src, &mut p);
        assert_eq!(p.len(), 2);
        let first = p.get(text, 0);
        assert_eq!(first.text, "亲，您好");
        assert_eq!(&text[first.source_range(0..1)], "亲");
        assert_eq!(p.get(text, 1).text, "谢谢");
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let text = "亲，您好\r# 注释\r\r不知道\r\n谢谢";
        let src = SourceFile::new("a.txt", text.to_string());
        let mut p = Phrases::default();
        parse(&src, &mut p);
        let texts: Vec<&str> = (0..p.len()).map(|i| p.get(text, i).text).collect();
        assert_eq!(texts, ["亲，您好", "不知道", "谢谢"]);
        let at = p.get(text, 1).start();
        let pos = src.position(at + "不".len());
        assert_eq!((pos.line, pos.column), (4, 2));
        assert_eq!(src.line_text(at), "不知道");
        assert_eq!(src.position(p.get(text, 2).start()).line, 5);
    }
}
