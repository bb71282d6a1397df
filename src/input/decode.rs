//! Detecting and strictly decoding the text encoding of phrase files.
//!
//! Phrase files come from Excel and seller tools on Windows: UTF-8 with or without a BOM, UTF-16 with
//! a BOM ("Unicode text"), and GBK/GB18030 without one (Chinese Excel's CSV).

use crate::error::Error;
use crate::text::encoding::{
    BIG5, GB18030, GBK, LineEnding, TextEncoding, UTF_8, UTF_16BE, UTF_16LE,
};
use encoding_rs::{DecoderResult, Encoding};

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

/// How many bytes of a file the detector looks at: enough for any phrase file to show its hand.
const SNIFF: usize = 1 << 20;

/// Decodes a file's bytes, detecting the encoding unless `forced`. Positions are counted in the
/// result; a BOM is not part of it. An undecodable byte is an error naming the file and its offset.
pub fn decode(
    name: &str,
    bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
) -> Result<(String, TextEncoding), Error> {
    let (mut charset, bom_len) = match forced {
        Some(charset) => {
            let bom_len = match Encoding::for_bom(&bytes) {
                Some((e, len)) if e == charset => len,
                _ => 0,
            };
            (charset, bom_len)
        }
        None => match Encoding::for_bom(&bytes) {
            Some((e, len)) => (e, len),
            None => (detect(name, &bytes)?, 0),
        },
    };
    // The GBK decoder reads all of GB18030, but the GBK encoder cannot write its four-byte
    // characters: a file that has them is GB18030, so it is written back as such.
    if charset == GBK && has_four_byte_sequence(&bytes) {
        charset = GB18030;
    }
    let text = decode_strict(charset, bytes, bom_len).map_err(|at| {
        let help = if forced.is_some() {
            "请确认 --encoding 指定的编码与文件实际编码一致".to_string()
        } else {
            "文件可能已损坏或混用了多种编码；可以用 --encoding 指定编码，或在 Excel / 记事本中另存为 UTF-8".to_string()
        };
        Error::usage(
            format!(
                "{name}：第 {at} 字节处无法按 {} 解码",
                TextEncoding {
                    charset,
                    bom: false,
                    line_ending: None
                }
                .name()
            ),
            Some(help),
        )
    })?;
    let encoding = TextEncoding {
        charset,
        bom: bom_len > 0,
        line_ending: LineEnding::detect(&text),
    };
    Ok((text, encoding))
}

/// Guesses the encoding of a file without a BOM: UTF-8 when it is valid UTF-8, else what chardetng
/// finds (told the text is Chinese, so GBK wins over look-alikes).
fn detect(name: &str, bytes: &[u8]) -> Result<&'static Encoding, Error> {
    let Err(e) = std::str::from_utf8(bytes) else {
        return Ok(UTF_8);
    };
    let valid = e.valid_up_to();
    // A long run of valid multi-byte UTF-8 before the bad byte means a damaged UTF-8 file, not GBK
    // (GBK text almost never forms valid UTF-8 for more than a character or two). Decoding it as GBK
    // would report mojibake instead of the damage.
    let multibyte = bytes[..valid].iter().filter(|&&b| b >= 0xC0).count();
    if multibyte >= 8 {
        return Err(Error::usage(
            format!("{name}：第 {valid} 字节处不是有效的 UTF-8 文本"),
            Some(
                "文件前面是 UTF-8，这里混入了其他编码或已损坏；请检查这一处，或用 --encoding 指定编码"
                    .to_string(),
            ),
        ));
    }
    let mut sample = &bytes[..bytes.len().min(SNIFF)];
    if sample.len() < bytes.len() {
        // Cut at a line end, so no character is cut in half.
        sample = &sample[..sample
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap_or(sample.len())];
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, true);
    // No TLD hint: told ".cn", chardetng takes Big5 (Traditional Chinese Windows) for GBK.
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == GBK || guess == BIG5 {
        return Ok(guess);
    }
    // Short Chinese texts are sometimes taken for Korean or Japanese; these files come from Chinese
    // shops, so GBK, then Big5, wins whenever it decodes the text.
    let decodes = |e: &'static Encoding| {
        e.decode_without_bom_handling_and_without_replacement(sample)
            .is_some()
    };
    Ok([GBK, BIG5]
        .into_iter()
        .find(|e| decodes(e))
        .unwrap_or(guess))
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

/// Decodes without replacement; on a malformed sequence returns its byte offset in the file.
fn decode_strict(
    charset: &'static Encoding,
    bytes: Vec<u8>,
    bom_len: usize,
) -> Result<String, usize> {
    if charset == UTF_8 {
        // Reuse the buffer: a large UTF-8 file is not copied.
        let mut bytes = bytes;
        bytes.drain(..bom_len);
        return String::from_utf8(bytes).map_err(|e| bom_len + e.utf8_error().valid_up_to());
    }
    let input = &bytes[bom_len..];
    let mut decoder = charset.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(input.len())
        .unwrap_or(input.len() * 3 + 16);
    let mut out = String::with_capacity(cap);
    let mut done = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&input[done..], &mut out, true);
        done += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(input.len() - done + 16),
            DecoderResult::Malformed(bad, after) => {
                return Err(bom_len + done - after as usize - bad as usize);
            }
        }
    }
    out.shrink_to_fit();
    Ok(out)
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
        let (text, got) = decode("t", bytes.clone(), None).unwrap();
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
        let (back, got) = decode("t", bytes.clone(), Some(GB18030)).unwrap();
        assert_eq!(back, text);
        assert_eq!(got.name(), "GB18030");
        // Forced or detected as GBK, the file is still written back as GB18030.
        let (_, got) = decode("t", bytes.clone(), Some(GBK)).unwrap();
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
    fn undecodable_bytes_name_the_offset() {
        let mut bytes = "亲，您好，这是一段很长的中文话术".as_bytes().to_vec();
        let at = bytes.len();
        bytes.push(0xFF);
        let e = decode("a.txt", bytes, None).unwrap_err().to_string();
        assert!(e.contains(&format!("第 {at} 字节")), "{e}");
        assert!(e.contains("a.txt"), "{e}");
        let e = decode("b.txt", vec![b'a', 0xD6], Some(GBK))
            .unwrap_err()
            .to_string();
        assert!(e.contains("第 1 字节") && e.contains("GBK"), "{e}");
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
                let (text, enc) = decode("t", bytes.into_owned(), None).unwrap();
                assert_eq!((text.as_str(), enc.charset), (s, charset));
            }
        }
    }

    #[test]
    fn bom_is_not_text_and_binary_is_noticed() {
        let (text, enc) = decode("t", b"\xEF\xBB\xBFab".to_vec(), None).unwrap();
        assert_eq!((text.as_str(), enc.bom), ("ab", true));
        assert!(looks_binary(b"PK\x03\x04\0\0"));
        assert!(!looks_binary(b"\xFF\xFEa\0"));
        assert_eq!(by_label("GBK").unwrap(), GBK);
        assert!(by_label("klingon").is_err());
    }
}
