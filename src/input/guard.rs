//! Checks on a workbook's container before calamine reads it, so a hostile or damaged file is an error
//! naming the file, never a hang, an abort or a panic that stops the run:
//!
//! - `.xlsx` (a zip): the parts calamine reads must not unpack to more than a bound, nor far more than
//!   they take packed (a zip bomb: 90 MB of one cell in a 92 KB file). The zip reader enforces each
//!   part's declared size while unpacking, so checking the declared sizes is enough.
//! - `.xls` (a compound file): calamine follows sector chains without looking for loops, indexes its
//!   allocation tables unchecked, and holds every sheet as a dense grid from its first to its last
//!   cell. The chains it will follow are walked here first, and each sheet's grid (and the size its
//!   DIMENSIONS record asks to reserve) is bounded.

use std::io::{Cursor, Read};

/// A workbook part that unpacks to more than this is refused.
pub const MAX_PART_BYTES: u64 = 512 << 20;
/// All parts together.
pub const MAX_TOTAL_BYTES: u64 = 1 << 30;
/// A part over [`RATIO_FROM_BYTES`] that unpacks to more than this many times its packed size is a
/// zip bomb: Excel's own parts pack about 5 to 20 times.
pub const MAX_RATIO: u64 = 100;
pub const RATIO_FROM_BYTES: u64 = 16 << 20;
/// The most cells an `.xls` sheet may span from its first to its last cell (calamine allocates them
/// all): about 65,536 rows by 61 columns.
pub const MAX_XLS_CELLS: u64 = 4_000_000;

/// Why a workbook is refused before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A part unpacks to too much (`name`, packed bytes, unpacked bytes).
    Bomb {
        part: String,
        packed: u64,
        size: u64,
    },
    /// All parts together unpack to too much.
    TooLarge { size: u64 },
    /// An `.xls` sheet spans too many cells (`rows` × `columns`, from its first to its last cell).
    SparseXls {
        sheet: usize,
        rows: u64,
        columns: u64,
    },
    /// An `.xls` whose structure is broken in a way calamine would not survive.
    Damaged(&'static str),
}

fn mb(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

impl Refusal {
    /// The message and help, in Chinese.
    pub fn describe(&self) -> (String, String) {
        match self {
            Refusal::Bomb { part, packed, size } => (
                format!(
                    "工作簿里的 {part} 压缩时只有 {}，解压后却有 {}，超出了读取上限（可能是恶意构造的“压缩炸弹”），没有读取",
                    mb(*packed),
                    mb(*size)
                ),
                format!(
                    "正常的话术表解压后不会这样大；请在 Excel 或 WPS 中打开确认内容后另存为 .xlsx，或导出为 CSV 再检查（上限：单个部件 {}，压缩比 {MAX_RATIO} 倍）",
                    mb(MAX_PART_BYTES)
                ),
            ),
            Refusal::TooLarge { size } => (
                format!(
                    "工作簿解压后共有 {}，超出了读取上限 {}，没有读取",
                    mb(*size),
                    mb(MAX_TOTAL_BYTES)
                ),
                "请把话术拆到几个工作簿里，或导出为 CSV 再检查".to_string(),
            ),
            Refusal::SparseXls {
                sheet,
                rows,
                columns,
            } => (
                format!(
                    "第 {} 个工作表从第一个到最后一个单元格跨了 {rows} 行 × {columns} 列，旧版 .xls 要整块读入，超出了上限 {MAX_XLS_CELLS} 个单元格，没有读取",
                    sheet + 1
                ),
                "多半是远处的某个单元格里有内容（如一条备注）：删掉它，或在 Excel 中另存为 .xlsx（.xlsx 只读有内容的单元格）".to_string(),
            ),
            Refusal::Damaged(what) => (
                format!("文件已损坏：{what}，没有读取"),
                "在 Excel 或 WPS 中打开它，另存为 .xlsx 后再检查；打不开的话请重新导出".to_string(),
            ),
        }
    }
}

/// Checks the parts of an `.xlsx` before they are unpacked. A zip that cannot be listed is left to
/// calamine, which says so.
pub fn check_xlsx(bytes: &[u8]) -> Result<(), Refusal> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (part.size(), part.compressed_size());
        total = total.saturating_add(size);
        if size > MAX_PART_BYTES
            || (size > RATIO_FROM_BYTES && size > packed.saturating_mul(MAX_RATIO))
        {
            return Err(Refusal::Bomb {
                part: part.name().map(|n| n.into_owned()).unwrap_or_default(),
                packed,
                size,
            });
        }
    }
    if total > MAX_TOTAL_BYTES {
        return Err(Refusal::TooLarge { size: total });
    }
    // calamine reserves room for as many shared strings as `<sst uniqueCount="N">` says, before
    // reading one: a forged count aborts the process. Every string takes bytes of the part.
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if !name.ends_with("sharedstrings.xml") {
            continue;
        }
        let size = part.size();
        let mut head = Vec::new();
        let _ = (&mut part).take(64 << 10).read_to_end(&mut head);
        if let Some(count) = unique_count(&head)
            && count > size / 8 + 1024
        {
            return Err(Refusal::Damaged(
                "共享字符串表声明的字符串个数远超它的实际大小",
            ));
        }
    }
    Ok(())
}

/// The `uniqueCount` of the `<sst>` tag at the start of a shared strings part.
fn unique_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let tag_start = text.find("sst")?;
    let tag = &text[tag_start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let value = tag.split("uniqueCount").nth(1)?;
    let value = value.trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    value[..value.find(quote)?].trim().parse().ok()
}

const ENDLESS: &str = "扇区链首尾相连，读不到尽头";
const OUTSIDE: &str = "扇区链指向了分配表以外";
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4).map(|c| u32_at(c, 0))
}

/// A compound file's sectors, read exactly as calamine reads them (its `cfb::Sectors`, MIT): a buffer
/// filled from the reader on demand, so a chain here yields the bytes calamine will see, but with
/// loops and ids outside the allocation table caught (calamine would loop forever or panic).
struct Sectors {
    data: Vec<u8>,
    size: usize,
    maxid: u32,
}

type Reader<'a> = Cursor<&'a [u8]>;

impl Sectors {
    fn get(&mut self, id: u32, r: &mut Reader) -> Result<&[u8], Refusal> {
        if self.maxid < id {
            return Err(Refusal::Damaged("扇区编号超出了文件"));
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        if end > self.data.len() {
            let mut len = self.data.len();
            self.data.resize(end, 0);
            while len < end {
                let read = r
                    .read(&mut self.data[len..end])
                    .map_err(|_| Refusal::Damaged("读取扇区出错"))?;
                if read == 0 {
                    // calamine slices `start..len` here, and panics when the file ends before the
                    // sector even starts (found by fuzzing).
                    if len < start {
                        return Err(Refusal::Damaged("扇区编号超出了文件"));
                    }
                    return Ok(&self.data[start..len]);
                }
                len += read;
            }
        }
        Ok(&self.data[start..end])
    }

    /// The bytes of a chain, up to `len`.
    fn chain(
        &mut self,
        start: u32,
        table: &[u32],
        r: &mut Reader,
        len: usize,
    ) -> Result<Vec<u8>, Refusal> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN {
            if !seen.insert(id) {
                return Err(Refusal::Damaged(ENDLESS));
            }
            let sector = self.get(id, r)?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            id = *table.get(id as usize).ok_or(Refusal::Damaged(OUTSIDE))?;
        }
        Ok(out)
    }
}

/// A directory entry: name, first sector, length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The `Workbook` (or `Book`) stream of a compound file, read the way calamine reads it, with every
/// chain checked. `Ok(None)` when the file is not a compound file calamine would open, or has no
/// workbook stream (calamine then says why itself).
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, Refusal> {
    if bytes.len() < 512 || !bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ok(None);
    }
    let large = match u16_at(bytes, 30) {
        0x0009 => false,
        0x000C => true,
        _ => return Ok(None),
    };
    if u16_at(bytes, 32) != 0x0006 || (large && bytes.len() < 4096) {
        return Ok(None);
    }
    let version = u16_at(bytes, 26);
    let size = if large { 4096 } else { 512 };
    let mut r = Cursor::new(bytes);
    r.set_position(size as u64);
    let r = &mut r;
    let maxid = bytes.len() / size;
    let mut sectors = Sectors {
        data: Vec::with_capacity(1024),
        size,
        maxid: maxid as u32,
    };
    let dir_start = u32_at(bytes, 48);
    let mini_fat_start = u32_at(bytes, 60);
    let mini_fat_len = u32_at(bytes, 64) as usize;
    let mut difat: Vec<u32> = u32s(&bytes[76..512]).collect();
    let mut id = u32_at(bytes, 68);
    let mut hops = 0usize;
    while id < RESERVED_SECTORS {
        hops += 1;
        if hops > maxid.saturating_add(1) {
            return Err(Refusal::Damaged("分配表的目录链读不到尽头"));
        }
        difat.extend(u32s(sectors.get(id, r)?));
        id = difat.pop().ok_or(Refusal::Damaged("分配表的目录是空的"))?;
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    // Each allocation table sector is a sector of its own: more than the file holds is a table
    // listing the same sector again and again, which calamine would read into gigabytes.
    if fat_sectors.len() > maxid + 1 {
        return Err(Refusal::Damaged("分配表比文件本身还大"));
    }
    let mut fat = Vec::new();
    for id in fat_sectors {
        fat.extend(u32s(sectors.get(id, r)?));
    }
    let dirs: Vec<Entry> = sectors
        .chain(dir_start, &fat, r, usize::MAX)?
        .chunks_exact(128)
        .map(|c| {
            let units: Vec<u16> = c[..64].chunks_exact(2).map(|u| u16_at(u, 0)).collect();
            let mut name = String::from_utf16_lossy(&units);
            if let Some(nul) = name.find('\0') {
                name.truncate(nul);
            }
            let len = if large {
                u64::from_le_bytes(c[120..128].try_into().expect("8 bytes"))
            } else {
                u64::from(u32_at(c, 120))
            };
            Entry {
                name,
                start: u32_at(c, 116),
                len: usize::try_from(len).unwrap_or(usize::MAX),
            }
        })
        .collect();
    let Some(root) = dirs.first() else {
        return Ok(None);
    };
    if version != 3 && root.start == ENDOFCHAIN {
        return Ok(None);
    }
    let (mini_fat, ministream) = if mini_fat_len > 0 {
        let ministream = sectors.chain(root.start, &fat, r, root.len)?;
        let fat_bytes = mini_fat_len
            .checked_mul(size)
            .ok_or(Refusal::Damaged("小扇区分配表的长度不对"))?;
        let mini_fat: Vec<u32> =
            u32s(&sectors.chain(mini_fat_start, &fat, r, fat_bytes)?).collect();
        (mini_fat, ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut mini = Sectors {
        data: ministream,
        size: 64,
        maxid: (maxid * 8) as u32,
    };
    let mut stream = |name: &str| -> Result<Option<Vec<u8>>, Refusal> {
        let Some(d) = dirs
            .iter()
            .find(|d| d.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        else {
            return Ok(None);
        };
        if d.len < 4096 {
            mini.chain(d.start, &mini_fat, r, d.len).map(Some)
        } else {
            sectors.chain(d.start, &fat, r, d.len).map(Some)
        }
    };
    // calamine tries `Book` when `Workbook` is missing or cannot be read; a chain it would never
    // finish reading (or would panic on) is refused whatever follows.
    match stream("Workbook") {
        Ok(Some(data)) => Ok(Some(data)),
        Ok(None) => stream("Book"),
        Err(e @ Refusal::Damaged(ENDLESS | OUTSIDE)) => Err(e),
        Err(e) => match stream("Book") {
            Ok(None) => Err(e),
            other => other,
        },
    }
}

/// BIFF records of a stream: (type, data), as calamine's iterator splits them (CONTINUE records
/// folded into the one before). Stops at a malformed record, where calamine stops with an error.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> + '_ {
    let mut rest = stream;
    std::iter::from_fn(move || {
        if rest.len() < 4 {
            return None;
        }
        let typ = u16_at(rest, 0);
        let len = u16_at(rest, 2) as usize;
        if rest.len() < len + 4 {
            return None;
        }
        let data = &rest[4..len + 4];
        rest = &rest[len + 4..];
        while rest.len() > 4 && u16_at(rest, 0) == 0x003C {
            let len = u16_at(rest, 2) as usize;
            if rest.len() < len + 4 {
                rest = &[];
                break;
            }
            rest = &rest[len + 4..];
        }
        Some((typ, data))
    })
}

/// Checks an `.xls` before calamine reads it: its chains, the sheet offsets, and that no sheet spans
/// (or asks to reserve) more than [`MAX_XLS_CELLS`] cells.
pub fn check_xls(bytes: &[u8]) -> Result<(), Refusal> {
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    let mut sheets = Vec::new();
    for (typ, data) in records(&stream) {
        match typ {
            // calamine reads the offset and two flag bytes without checking the length.
            0x0085 if data.len() < 6 => return Err(Refusal::Damaged("工作表目录记录不完整")),
            0x0085 => sheets.push(u32_at(data, 0) as usize),
            0x000A => break,
            _ => {}
        }
    }
    for (n, &pos) in sheets.iter().enumerate() {
        if pos > stream.len() {
            return Err(Refusal::Damaged("工作表的位置超出了文件"));
        }
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        let mut add = |row: u32, col: u32| {
            bounds = Some(match bounds {
                None => (row, row, col, col),
                Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
            });
        };
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (typ, data) in records(&stream[pos..]) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let at = |data: &[u8]| (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)));
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 => {
                    let (rf, rl, mut cf, cl) = match data.len() {
                        10 => (
                            u32::from(u16_at(data, 0)),
                            u32::from(u16_at(data, 2)),
                            u32::from(u16_at(data, 4)),
                            u32::from(u16_at(data, 6)),
                        ),
                        14 | 16 => (
                            u32_at(data, 0),
                            u32_at(data, 4),
                            u32::from(u16_at(data, 8)),
                            u32::from(u16_at(data, 10)),
                        ),
                        _ => continue,
                    };
                    if 0xFF < cf || cl < cf {
                        cf = 0;
                    }
                    if rl >= 1 && cl >= 1 {
                        let rows = (u64::from(rl) - 1).checked_sub(u64::from(rf));
                        let columns = (u64::from(cl) - 1).checked_sub(u64::from(cf));
                        let (Some(rows), Some(columns)) = (rows, columns) else {
                            return Err(Refusal::Damaged("工作表的尺寸记录前后颠倒"));
                        };
                        let (rows, columns) = (rows + 1, columns + 1);
                        if rows.saturating_mul(columns) > MAX_XLS_CELLS {
                            return Err(Refusal::SparseXls {
                                sheet: n,
                                rows,
                                columns,
                            });
                        }
                    }
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 4 => {
                    let (row, col) = at(data);
                    add(row, col);
                }
                0x00BD if data.len() >= 6 => {
                    let (row, first) = at(data);
                    let last = u32::from(u16_at(data, data.len() - 2));
                    if last < first {
                        return Err(Refusal::Damaged("一行数字记录的列号前后颠倒"));
                    }
                    add(row, first);
                    add(row, last);
                }
                0x000A => break,
                _ => {}
            }
        }
        if let Some((r0, r1, c0, c1)) = bounds {
            let (rows, columns) = (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1);
            if rows.saturating_mul(columns) > MAX_XLS_CELLS {
                return Err(Refusal::SparseXls {
                    sheet: n,
                    rows,
                    columns,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_fold_continue_and_stop_at_a_short_one() {
        let stream = [
            &[0x09, 0x08, 2, 0, 1, 2][..],
            &[0x3C, 0, 1, 0, 9],
            &[0x0A, 0, 0, 0],
            &[0x05, 0, 9, 0, 1],
        ]
        .concat();
        let got: Vec<(u16, usize)> = records(&stream).map(|(t, d)| (t, d.len())).collect();
        assert_eq!(got, [(0x0809, 2), (0x000A, 0)]);
    }

    #[test]
    fn shared_string_counts_are_read_from_the_sst_tag() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount = '42'><si>"#;
        assert_eq!(unique_count(head), Some(42));
        assert_eq!(unique_count(b"<sst count=\"3\">"), None);
        assert_eq!(unique_count(b"<sst uniqueCount=\"x\">"), None);
    }

    #[test]
    fn not_a_compound_file_is_left_to_calamine() {
        assert_eq!(check_xls(b"\xD0\xCF\x11\xE0 short"), Ok(()));
        assert_eq!(check_xlsx(b"PK\x03\x04 not a zip"), Ok(()));
    }

    #[test]
    fn the_fixture_workbooks_pass() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
        assert_eq!(
            check_xls(&std::fs::read(dir.join("qianniu.xls")).unwrap()),
            Ok(())
        );
        assert_eq!(
            check_xlsx(&std::fs::read(dir.join("qianniu.xlsx")).unwrap()),
            Ok(())
        );
        assert!(
            workbook_stream(&std::fs::read(dir.join("qianniu.xls")).unwrap())
                .unwrap()
                .is_some()
        );
    }
}
