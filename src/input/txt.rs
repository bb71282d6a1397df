//! `.txt`: one phrase per line; blank lines are skipped; a line starting with `#` is a comment.

use crate::text::phrase::{Offsets, Phrase};

pub fn parse(text: &str) -> Vec<Phrase> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = content.len() - trimmed.len();
        let phrase = trimmed.trim_end();
        out.push(Phrase::new(
            phrase.to_string(),
            Offsets::Contiguous(start + lead),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_blank_and_comment_lines_and_keeps_offsets() {
        let text = "# 注释\n\n  亲，您好\r\n谢谢\n";
        let p = parse(text);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].text, "亲，您好");
        assert_eq!(&text[p[0].source_range(0..1)], "亲");
        assert_eq!(p[1].text, "谢谢");
    }
}
