//! Where each phrase of a run stands, kept for every phrase until the run ends: a million phrases
//! are a million places a later finding may point back to.
//!
//! A place is (line, column, end line, end column). Consecutive phrases mostly stand on
//! consecutive lines, near the start of their line and a few dozen characters long, so places are
//! stored as variable-length integers relative to the place before: about 3 bytes a phrase
//! instead of 16. Every 64th place starts a block, with its byte offset and line, so that one
//! place is read by decoding at most 64.

/// Places in a block.
const BLOCK: usize = 64;

/// Where a phrase stands: 1-based lines and columns, as a finding gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// The places of a run's phrases, in phrase order.
#[derive(Debug, Default)]
pub struct Spots {
    bytes: Vec<u8>,
    /// Per block: the offset of its first place in `bytes`, and the line it is relative to.
    blocks: Vec<(u32, u32)>,
    len: usize,
    /// The last place's line.
    last_line: u32,
}

fn put(bytes: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        bytes.push(v as u8 | 0x80);
        v >>= 7;
    }
    bytes.push(v as u8);
}

fn get(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// A signed difference as an unsigned number, small when it is near zero (zigzag).
fn zig(d: i64) -> u64 {
    ((d << 1) ^ (d >> 63)) as u64
}

fn unzig(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

impl Spots {
    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds the next phrase's place.
    pub fn push(&mut self, p: Place) {
        if self.len.is_multiple_of(BLOCK) {
            let at = u32::try_from(self.bytes.len()).expect("places of fewer than 4 GiB");
            self.blocks.push((at, p.line));
            self.last_line = p.line;
        }
        // The line from the last place's (a new file starts again from line 1), whether the
        // place ends on another line (the low bit), the column, then the end: its line after the
        // start's and its column, or on the same line its width.
        let delta = zig(p.line as i64 - self.last_line as i64);
        let multi = p.end_line != p.line;
        put(&mut self.bytes, delta << 1 | multi as u64);
        put(&mut self.bytes, p.column.into());
        if multi {
            put(&mut self.bytes, p.end_line.saturating_sub(p.line).into());
            put(&mut self.bytes, p.end_column.into());
        } else {
            put(
                &mut self.bytes,
                p.end_column.saturating_sub(p.column).into(),
            );
        }
        self.last_line = p.line;
        self.len += 1;
    }

    /// The place of phrase `i`.
    pub fn get(&self, i: usize) -> Place {
        assert!(i < self.len, "place {i} of {}", self.len);
        let (at, line) = self.blocks[i / BLOCK];
        let mut at = at as usize;
        let mut line = line as i64;
        for k in 0..=i % BLOCK {
            let first = get(&self.bytes, &mut at);
            line += unzig(first >> 1);
            let multi = first & 1 == 1;
            // Every value was a u32 or its difference from one.
            let column = get(&self.bytes, &mut at) as u32;
            let (end_line, end_column) = if multi {
                let down = get(&self.bytes, &mut at) as u32;
                (line as u32 + down, get(&self.bytes, &mut at) as u32)
            } else {
                (line as u32, column + get(&self.bytes, &mut at) as u32)
            };
            if k == i % BLOCK {
                return Place {
                    line: line as u32,
                    column,
                    end_line,
                    end_column,
                };
            }
        }
        unreachable!("the loop returns at its last step")
    }

    /// Bytes held.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes.capacity() + self.blocks.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every place comes back as it went in: consecutive lines, a new file starting again at
    /// line 1, places over several lines, far along a long line, and the largest values.
    #[test]
    fn places_come_back() {
        let mut places = Vec::new();
        for i in 0..1000u32 {
            let line = if i < 500 { i + 2 } else { i - 499 };
            places.push(match i % 7 {
                0 => Place {
                    line,
                    column: 3,
                    end_line: line + 2,
                    end_column: 9,
                },
                1 => Place {
                    line,
                    column: 70_000,
                    end_line: line,
                    end_column: 70_040,
                },
                _ => Place {
                    line,
                    column: 1 + i % 5,
                    end_line: line,
                    end_column: 30 + i % 5,
                },
            });
        }
        places.push(Place {
            line: u32::MAX,
            column: u32::MAX,
            end_line: u32::MAX,
            end_column: u32::MAX,
        });
        places.push(Place {
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        });
        let mut spots = Spots::default();
        for p in &places {
            spots.push(*p);
        }
        assert_eq!(spots.len(), places.len());
        for (i, p) in places.iter().enumerate() {
            assert_eq!(spots.get(i), *p, "place {i}");
        }
        // One line after another, near the start, a few dozen wide: about 3 bytes each.
        let mut small = Spots::default();
        for line in 1..=10_000 {
            small.push(Place {
                line,
                column: 5,
                end_line: line,
                end_column: 40,
            });
        }
        assert!(small.bytes() < 10_000 * 4, "{} bytes", small.bytes());
    }
}
