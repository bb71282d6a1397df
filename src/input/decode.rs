//! Detecting and strictly decoding the text encoding of phrase files.
//!
//! Phrase files come from Excel and seller tools on Windows: UTF-8 with or without a BOM, UTF-16 with
//! a BOM ("Unicode text"), and GBK/GB18030 without one (Chinese Excel's CSV).

use crate::error::{Error, LocatedError};
use crate::text::encoding::{
    BIG5, GB18030, GBK, LineEnding, TextEncoding, UTF_8, UTF_16BE, UTF_16LE,
};
use crate::text::source::SourceFile;
use encoding_rs::{DecoderResult, Encoding};
use std::ops::Range;
use std::sync::Arc;

/// An encoding named on the command line (`--encoding gbk`), by any WHATWG label.
pub fn by_label(label: &str) -> Result<&'static Encoding, Error> {
    let label = label.trim();
    // `utf-16` alone means little-endian on Windows, as Excel writes it.
    let lower = label.to_ascii_lowercase();
    let found = match lower.as_str() {
        "utf-16" | "utf16" | "unicode" => Some(UTF_16LE),
        "utf16le" => Some(UTF_16LE),
        "utf16be" => Some(UTF_16BE),
        "utf8" | "utf-8-sig" | "utf8-bom" | "utf-8-bom" => Some(UTF_8),
        "cp936" | "936" => Some(GBK),
        _ => Encoding::for_label(label.as_bytes()),
    };
    found.ok_or_else(|| {
        Error::usage(
            format!("不认识的编码：{label}"),
            Some("可用的编码如：utf-8、utf-16le、utf-16be、gbk、gb18030、big5".to_string()),
        )
    })
}

/// Whether bytes look like a binary file rather than text: a NUL byte near the start, without a
/// UTF-16 byte order mark (UTF-16 text is full of NULs).
pub fn looks_binary(bytes: &[u8]) -> bool {
    if Encoding::for_bom(bytes).is_some() {
        return false;
    }
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Whether bytes start with a UTF-32 byte order mark (which would otherwise read as UTF-16's).
pub fn utf32_bom(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xFE\0\0") {
        Some("UTF-32LE")
    } else if bytes.starts_with(b"\0\0\xFE\xFF") {
        Some("UTF-32BE")
    } else {
        None
    }
}

/// The UTF-16 a file without a byte order mark seems to be in: its NUL bytes (the high bytes of
/// ASCII characters and line breaks) fall on even offsets for big-endian, odd ones for
/// little-endian, and the bytes decode as that without error.
pub fn looks_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(8192) & !1];
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in sample.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let total = even + odd;
    if total < 2 {
        return None;
    }
    let charset = if even * 10 >= total * 9 {
        UTF_16BE
    } else if odd * 10 >= total * 9 {
        UTF_16LE
    } else {
        return None;
    };
    let decoded = charset.decode_without_bom_handling_and_without_replacement(sample)?;
    // Text, not binary that happens to decode: no control characters besides line breaks and tabs.
    decoded
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .then_some(charset)
}

/// How many bytes of a file the detector looks at: enough for any phrase file to show its hand.
const SNIFF: usize = 1 << 20;

/// A file's decoded text.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: TextEncoding,
    /// Damaged bytes in a file whose encoding is certain (a BOM, `--encoding`, or UTF-8 all around
    /// them): each was decoded as U+FFFD so the rest can be checked, and the file is reported.
    pub damage: Option<Damage>,
}

/// Where a file's bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The replacement character standing for the first damaged bytes, in the decoded text.
    pub first: Range<usize>,
    /// The first damaged bytes, as they are in the file.
    pub bytes: Vec<u8>,
    /// How many places are damaged (a run of bad bytes is one place).
    pub count: usize,
}

impl Damage {
    /// The damaged bytes as people read them in a hex editor: `0xFF 0xFE`.
    pub fn hex(&self) -> String {
        self.bytes
            .iter()
            .map(|b| format!("0x{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The damage, located in its file: an error of the run, while the rest of the file is checked.
    pub fn error(&self, src: &Arc<SourceFile>, charset_name: &str) -> LocatedError {
        let more = if self.count > 1 {
            format!("，全文共 {} 处", self.count)
        } else {
            String::new()
        };
        LocatedError::new(
            src,
            self.first.clone(),
            format!(
                "文件已损坏：这里的字节 {} 不是有效的 {charset_name}{more}；已用 � 代替，其余内容照常检查",
                self.hex()
            ),
            "无法解码",
        )
        .with_help(
            "在原来的程序里重新导出这个文件，或改正这一处；文件有损坏时 --fix 不会改写它".to_string(),
        )
    }
}

/// Decodes a file's bytes, detecting the encoding unless `forced`. Positions are counted in the
/// result; a BOM is not part of it.
///
/// Where the encoding is certain (a BOM, `--encoding utf-8`/`utf-16`, or a file that is UTF-8 but
/// for a few damaged bytes), damaged bytes are decoded as U+FFFD and listed in [`Decoded::damage`], so
/// the rest of the file is still checked. In a legacy encoding (GBK, Big5, ...), an undecodable byte
/// means the encoding is not what was detected or named: that is an error at its line and column.
pub fn decode(
    name: &str,
    bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
) -> Result<Decoded, Error> {
    if let Some(utf32) = utf32_bom(&bytes) {
        return Err(Error::file(
            name,
            format!("这是 {utf32} 编码的文件，huashu 不读这种编码"),
            Some(
                "请在记事本中另存为 UTF-8，或在 Excel 中另存为“Unicode 文本”（UTF-16）后再检查"
                    .to_string(),
            ),
        ));
    }
    // The common case first: UTF-8 without a BOM, validated once and kept as it is (detecting,
    // then checking and converting, read a large file three times over).
    let mut bytes = bytes;
    if forced.is_none_or(|f| f == UTF_8) && Encoding::for_bom(&bytes).is_none() {
        match String::from_utf8(bytes) {
            Ok(text) => {
                let line_ending = LineEnding::detect(&text);
                return Ok(Decoded {
                    text,
                    encoding: TextEncoding {
                        charset: UTF_8,
                        bom: false,
                        line_ending,
                    },
                    damage: None,
                });
            }
            Err(e) => bytes = e.into_bytes(),
        }
    }
    let (mut charset, bom_len, certain) = match forced {
        Some(charset) => {
            let bom_len = match Encoding::for_bom(&bytes) {
                Some((e, len)) if e == charset => len,
                _ => 0,
            };
            (charset, bom_len, true)
        }
        None => match Encoding::for_bom(&bytes) {
            Some((e, len)) => (e, len, true),
            None => {
                let (charset, damaged_utf8) = detect(&bytes);
                (charset, 0, damaged_utf8)
            }
        },
    };
    // The GBK decoder reads all of GB18030, but the GBK encoder cannot write its four-byte
    // characters: a file that has them is GB18030, so it is written back as such.
    if charset == GBK && has_four_byte_sequence(&bytes) {
        charset = GB18030;
    }
    let charset_name = TextEncoding {
        charset,
        bom: false,
        line_ending: None,
    }
    .name();
    let (text, damage) = if charset == UTF_8 && std::str::from_utf8(&bytes[bom_len..]).is_ok() {
        // Reuse the buffer: a large UTF-8 file is not copied.
        let mut bytes = bytes;
        bytes.drain(..bom_len);
        (String::from_utf8(bytes).expect("checked"), None)
    } else {
        decode_lenient(charset, &bytes[bom_len..])
    };
    // Read around damage only in a Unicode file whose encoding is certain and mostly intact.
    let unicode = charset == UTF_8 || charset == UTF_16LE || charset == UTF_16BE;
    let read_around = |d: &Damage| {
        let good = text
            .chars()
            .filter(|c| !c.is_ascii() && *c != '\u{FFFD}')
            .count();
        certain && unicode && mostly_intact(good, d.count)
    };
    if let Some(d) = &damage
        && !read_around(d)
    {
        let help = if forced.is_some() {
            "请确认 --encoding 指定的编码与文件实际编码一致".to_string()
        } else {
            "文件可能已损坏或混用了多种编码；可以用 --encoding 指定编码，或在 Excel / 记事本中另存为 UTF-8".to_string()
        };
        let src = Arc::new(SourceFile::new(name, text));
        return Err(LocatedError::new(
            &src,
            d.first.clone(),
            format!(
                "无法按 {charset_name} 解码：这里的字节 {} 不是有效的 {charset_name}",
                d.hex()
            ),
            "无法解码",
        )
        .with_help(help)
        .into());
    }
    let encoding = TextEncoding {
        charset,
        bom: bom_len > 0,
        line_ending: LineEnding::detect(&text),
    };
    Ok(Decoded {
        text,
        encoding,
        damage,
    })
}

/// Guesses the encoding of a file without a BOM: UTF-8 when it is valid UTF-8, or UTF-8 but for a
/// few damaged bytes (then the second value is true), else what chardetng finds (told the text is
/// Chinese, so GBK wins over look-alikes).
fn detect(bytes: &[u8]) -> (&'static Encoding, bool) {
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, false);
    }
    // Many valid multi-byte UTF-8 characters and few bad stretches mean a damaged UTF-8 file (or
    // one with a line pasted from elsewhere), not GBK: GBK text almost never forms valid UTF-8 for
    // more than a character or two. Guessing GBK would turn the whole file into mojibake.
    let (mut multibyte, mut bad, mut in_bad) = (0usize, 0usize, false);
    for chunk in bytes.utf8_chunks() {
        if !chunk.valid().is_empty() {
            multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            in_bad = false;
        }
        // A run of bad bytes is one damaged place.
        if !chunk.invalid().is_empty() && !in_bad {
            bad += 1;
            in_bad = true;
        }
    }
    if mostly_intact(multibyte, bad) {
        return (UTF_8, true);
    }
    let mut sample = &bytes[..bytes.len().min(SNIFF)];
    if sample.len() < bytes.len() {
        // Cut at a line end, so no character is cut in half.
        sample = &sample[..sample
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(sample.len())];
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, true);
    // No TLD hint: told ".cn", chardetng takes Big5 (Traditional Chinese Windows) for GBK.
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == GBK || guess == BIG5 {
        return (guess, false);
    }
    // Short Chinese texts are sometimes taken for Korean or Japanese; these files come from Chinese
    // shops, so GBK, then Big5, wins whenever it decodes the text.
    let decodes = |e: &'static Encoding| {
        e.decode_without_bom_handling_and_without_replacement(sample)
            .is_some()
    };
    let charset = [GBK, BIG5]
        .into_iter()
        .find(|e| decodes(e))
        .unwrap_or(guess);
    (charset, false)
}

/// Whether text with `good` non-ASCII characters decoded and `damaged` places that did not is the
/// encoding it was read as, damaged here and there, rather than another encoding altogether (which
/// fails everywhere and would check as mojibake).
fn mostly_intact(good: usize, damaged: usize) -> bool {
    good >= 8 && damaged * 10 <= good
}

/// Whether GB18030 bytes hold a four-byte sequence (a lead byte, then an ASCII digit).
fn has_four_byte_sequence(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x81..=0xFE => {
                if bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit()) {
                    return true;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    false
}

/// Decodes, with U+FFFD for each malformed sequence; returns where the first one stands in the text,
/// its bytes, and how many there are.
fn decode_lenient(charset: &'static Encoding, input: &[u8]) -> (String, Option<Damage>) {
    let mut decoder = charset.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(input.len())
        .unwrap_or(input.len().saturating_mul(3).saturating_add(16));
    let mut out = String::with_capacity(cap);
    let mut done = 0;
    let mut damage: Option<Damage> = None;
    let mut last_end = usize::MAX;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&input[done..], &mut out, true);
        done += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(input.len() - done + 16),
            DecoderResult::Malformed(bad, after) => {
                let end = done - after as usize;
                let start = end.saturating_sub(bad as usize);
                if out.capacity() - out.len() < 3 {
                    out.reserve(input.len() - done + 16);
                }
                let at = out.len();
                out.push('\u{FFFD}');
                match &mut damage {
                    // Right after the last bad bytes: the same damaged place.
                    Some(d) if at == last_end => {
                        if d.first.end == at && d.bytes.len() < 8 {
                            d.first.end = out.len();
                            d.bytes.extend_from_slice(&input[start..end]);
                        }
                    }
                    Some(d) => d.count += 1,
                    None => {
                        damage = Some(Damage {
                            first: at..out.len(),
                            bytes: input[start..end].to_vec(),
                            count: 1,
                        })
                    }
                }
                last_end = out.len();
            }
        }
    }
    out.shrink_to_fit();
    (out, damage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::encoding::encode;

    const TEXT: &str = "快捷短语编码,快捷短语\r\nhy1,亲，这个我不知道哦€\r\n";

    fn round_trip(charset: &'static Encoding, bom: bool) {
        let enc = TextEncoding {
            charset,
            bom,
            line_ending: Some(LineEnding::CrLf),
        };
        let bytes = encode(TEXT, &enc).unwrap();
        let Decoded {
            text,
            encoding: got,
            damage,
        } = decode("t", bytes.clone(), None).unwrap();
        assert_eq!(damage, None);
        assert_eq!(text, TEXT, "{}", enc.name());
        assert_eq!(got, enc, "{}", enc.name());
        assert_eq!(encode(&text, &got).unwrap(), bytes);
    }

    #[test]
    fn round_trips_every_detected_encoding() {
        round_trip(UTF_8, false);
        round_trip(UTF_8, true);
        round_trip(UTF_16LE, true);
        round_trip(UTF_16BE, true);
        round_trip(GBK, false);
    }

    #[test]
    fn gb18030_four_byte_characters_round_trip_when_forced() {
        let enc = TextEncoding {
            charset: GB18030,
            bom: false,
            line_ending: None,
        };
        let text = "亲😊在的";
        let bytes = encode(text, &enc).unwrap();
        let back = decode("t", bytes.clone(), Some(GB18030)).unwrap();
        assert_eq!(back.text, text);
        assert_eq!(back.encoding.name(), "GB18030");
        // Forced or detected as GBK, the file is still written back as GB18030.
        let got = decode("t", bytes.clone(), Some(GBK)).unwrap().encoding;
        assert_eq!(encode(text, &got).unwrap(), bytes);
    }

    #[test]
    fn gbk_cannot_hold_emoji() {
        let enc = TextEncoding {
            charset: GBK,
            bom: false,
            line_ending: None,
        };
        let e = encode("亲😊", &enc).unwrap_err();
        assert_eq!((e.ch, e.index), ('😊', 1));
    }

    #[test]
    fn undecodable_legacy_bytes_are_located_by_line_and_column() {
        let e = decode("b.txt", b"ab\r\ncd\xD6".to_vec(), Some(GBK)).unwrap_err();
        let pos = e.position().expect("located");
        assert_eq!((pos.line, pos.column), (2, 3));
        assert!(
            e.message().contains("GBK") && e.message().contains("0xD6"),
            "{}",
            e.message()
        );
        assert_eq!(e.path(), Some("b.txt"));
    }

    #[test]
    fn damaged_utf8_is_decoded_around_the_damage() {
        let mut bytes = "亲，您好，这是一段很长的中文话术\n第二行"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(b"\xFF\xFE");
        bytes.extend_from_slice("不知道\n".as_bytes());
        let d = decode("a.txt", bytes, None).unwrap();
        assert_eq!(d.encoding.charset, UTF_8);
        assert_eq!(
            d.text,
            "亲，您好，这是一段很长的中文话术\n第二行\u{FFFD}\u{FFFD}不知道\n"
        );
        let damage = d.damage.unwrap();
        assert_eq!((damage.hex().as_str(), damage.count), ("0xFF 0xFE", 1));
        let src = Arc::new(SourceFile::new("a.txt", d.text));
        let pos = damage.error(&src, "UTF-8").position();
        assert_eq!((pos.line, pos.column), (2, 4));
    }

    #[test]
    fn a_utf16_file_with_a_bom_is_read_around_a_lone_surrogate() {
        let mut bytes = b"\xFF\xFE".to_vec();
        for u in "亲，您好，欢迎光临\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
        for u in "好".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode("u.txt", bytes.clone(), None).unwrap();
        assert_eq!(d.text, "亲，您好，欢迎光临\n\u{FFFD}好");
        assert_eq!(d.damage.unwrap().count, 1);
        // Too little intact text to tell damage from the wrong encoding: an error, located.
        let short = [&bytes[..4], &bytes[bytes.len() - 6..]].concat();
        let e = decode("u.txt", short, None).unwrap_err();
        assert_eq!(e.position().map(|p| (p.line, p.column)), Some((2, 1)));
    }

    #[test]
    fn utf32_is_refused_not_read_as_utf16() {
        for bom in [&b"\xFF\xFE\0\0"[..], &b"\0\0\xFE\xFF"[..]] {
            let e = decode("w.txt", [bom, b"a\0\0\0"].concat(), None).unwrap_err();
            assert!(e.to_string().contains("UTF-32"), "{e}");
        }
    }

    #[test]
    fn bomless_utf16_is_recognised_by_its_nuls() {
        let be: Vec<u8> = "快捷短语\n亲，您好\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let le: Vec<u8> = "快捷短语\n亲，您好\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(looks_utf16(&be), Some(UTF_16BE));
        assert_eq!(looks_utf16(&le), Some(UTF_16LE));
        assert_eq!(looks_utf16(b"PK\x03\x04\x14\0\0\0\x08\0"), None);
    }

    #[test]
    fn short_gbk_and_big5_are_detected() {
        for (charset, texts) in [
            (
                GBK,
                [
                    "亲，不知道",
                    "您好",
                    "快捷短语\n您好",
                    "欢迎光临本店，有什么可以帮您",
                ],
            ),
            (
                BIG5,
                [
                    "親，不知道",
                    "您好",
                    "售後問題",
                    "歡迎光臨本店，有什麼可以幫您",
                ],
            ),
        ] {
            for s in texts {
                let (bytes, _, _) = charset.encode(s);
                let d = decode("t", bytes.into_owned(), None).unwrap();
                assert_eq!((d.text.as_str(), d.encoding.charset), (s, charset));
            }
        }
    }

    #[test]
    fn bom_is_not_text_and_binary_is_noticed() {
        let d = decode("t", b"\xEF\xBB\xBFab".to_vec(), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.bom), ("ab", true));
        assert!(looks_binary(b"PK\x03\x04\0\0"));
        assert!(!looks_binary(b"\xFF\xFEa\0"));
        assert_eq!(by_label("GBK").unwrap(), GBK);
        assert!(by_label("klingon").is_err());
    }
}
