//! How a phrase file's bytes map to its text, and encoding the text back the same way.
//!
//! The decoded text is the reference for every position; [`TextEncoding`] remembers how to write it
//! back (charset, BOM, line ending). Detection and decoding live with the readers
//! ([`crate::input::decode`]).

use encoding_rs::{EncoderResult, Encoding};

pub use encoding_rs::{BIG5, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

/// How a text file's bytes map to its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEncoding {
    pub charset: &'static Encoding,
    /// Whether the file starts with a byte order mark (not part of the text).
    pub bom: bool,
    /// The style of the first line break, when there is one.
    pub line_ending: Option<LineEnding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    /// A lone CR, as old Mac programs and some Excel exports end lines.
    Cr,
}

impl LineEnding {
    pub fn detect(text: &str) -> Option<LineEnding> {
        let at = text.find(['\n', '\r'])?;
        Some(match (text.as_bytes()[at], text.as_bytes().get(at + 1)) {
            (b'\n', _) => LineEnding::Lf,
            (_, Some(b'\n')) => LineEnding::CrLf,
            _ => LineEnding::Cr,
        })
    }
}

impl TextEncoding {
    pub const UTF8: TextEncoding = TextEncoding {
        charset: UTF_8,
        bom: false,
        line_ending: None,
    };

    /// The charset's name as reported in JSON (`UTF-8`, `UTF-16LE`, `GBK`, `GB18030`, `Big5`, ...).
    pub fn name(&self) -> &'static str {
        if self.charset == GB18030 {
            "GB18030"
        } else {
            self.charset.name()
        }
    }

    /// Encodes text back into this encoding, BOM included; see [`encode`].
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, Unmappable> {
        encode(text, self)
    }

    /// The byte order mark this encoding writes, when `bom` is set.
    pub fn bom_bytes(&self) -> &'static [u8] {
        if !self.bom {
            return b"";
        }
        if self.charset == UTF_8 {
            b"\xEF\xBB\xBF"
        } else if self.charset == UTF_16LE {
            b"\xFF\xFE"
        } else if self.charset == UTF_16BE {
            b"\xFE\xFF"
        } else {
            b""
        }
    }
}

/// A character that the target encoding cannot represent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("字符“{ch}”（第 {index} 个字符）无法用 {encoding} 编码保存")]
pub struct Unmappable {
    pub ch: char,
    /// 0-based character index in the text.
    pub index: usize,
    pub encoding: &'static str,
}

/// Encodes text back into an encoding, BOM included, so a file can be rewritten as it was read.
/// Never substitutes: a character the encoding lacks is an error (GBK cannot hold every character).
pub fn encode(text: &str, encoding: &TextEncoding) -> Result<Vec<u8>, Unmappable> {
    let mut out = encoding.bom_bytes().to_vec();
    let charset = encoding.charset;
    if charset == UTF_8 {
        out.extend_from_slice(text.as_bytes());
    } else if charset == UTF_16LE || charset == UTF_16BE {
        // encoding_rs has no UTF-16 encoder (the Web never writes it), and none is needed.
        out.reserve(text.len() * 2);
        for unit in text.encode_utf16() {
            let bytes = if charset == UTF_16LE {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            out.extend_from_slice(&bytes);
        }
    } else {
        let mut encoder = charset.new_encoder();
        let mut rest = text;
        out.reserve(text.len());
        loop {
            let need = encoder
                .max_buffer_length_from_utf8_without_replacement(rest.len())
                .unwrap_or(rest.len() * 4 + 16);
            let mut buf = vec![0u8; need];
            let (result, read, written) =
                encoder.encode_from_utf8_without_replacement(rest, &mut buf, true);
            out.extend_from_slice(&buf[..written]);
            match result {
                EncoderResult::InputEmpty => break,
                EncoderResult::OutputFull => rest = &rest[read..],
                EncoderResult::Unmappable(ch) => {
                    let consumed = text.len() - rest.len() + read;
                    let index = text[..consumed].chars().count() - 1;
                    return Err(Unmappable {
                        ch,
                        index,
                        encoding: encoding.name(),
                    });
                }
            }
        }
    }
    Ok(out)
}
