//! Storage for the library's tables of a million entries: lists in large chunks, and the advice
//! that lets the operating system back them with huge pages.
//!
//! Index lookups land on random entries of tables of tens of megabytes, one or two per table per
//! phrase. With 4 KiB pages nearly every such lookup also misses the TLB, and under
//! virtualisation a TLB miss walks two page tables: measured (perf) on a 2-core VM with a million
//! phrases, adding them to the index took 5.8 s, and 2.7 s with these tables on 2 MiB pages (the
//! rest is cache misses). Linux gives huge pages to memory advised with `MADV_HUGEPAGE` (its
//! default setting is `madvise`); elsewhere the advice is a no-op.

/// Tables smaller than this stay on ordinary pages: a small run would otherwise be charged a whole
/// huge page for a few entries (and an allocation of less than two huge pages may hold no aligned
/// one).
const HUGE_FROM: usize = 4 << 20;

/// Advises the system to back `v`'s allocated capacity with huge pages, when it is large. Call it
/// before the memory is first written: pages already in use are left as they are.
pub fn advise_huge<T>(v: &Vec<T>) {
    let bytes = v.capacity() * size_of::<T>();
    if bytes < HUGE_FROM {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let from = start.next_multiple_of(HUGE);
        let to = (start + bytes) / HUGE * HUGE;
        if to > from {
            // SAFETY: the range lies inside `v`'s own allocation, and MADV_HUGEPAGE changes only
            // how it is backed, never its contents; a failure (no THP support) changes nothing.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
}

/// `n` copies of `value` in a vector advised for huge pages when it is large.
pub fn filled<T: Clone>(n: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    advise_huge(&v);
    v.resize(n, value);
    v
}

/// A growing list stored in chunks: the first as large as the caller expects to need, each later
/// one as large as all before it. No reallocation copies it (a `Vec` holds its old and new buffer
/// for a moment when it grows), and the unused part of the last chunk is only reserved, never
/// touched. Chunks of [`HUGE_FROM`] bytes or more are advised for huge pages ([`advise_huge`]), so
/// a large table sits on huge pages and a small one on none.
#[derive(Debug, Clone)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
    /// The first chunk holds `1 << shift` entries.
    shift: u32,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked::with_first(0)
    }
}

impl<T> Chunked<T> {
    /// A list whose first chunk holds at least `expected` entries (and at least 64 KiB).
    pub fn with_first(expected: usize) -> Chunked<T> {
        let min = (64 << 10) / size_of::<T>().max(1);
        Chunked {
            chunks: Vec::new(),
            len: 0,
            shift: expected.max(min).next_power_of_two().trailing_zeros(),
        }
    }

    /// The chunk of entry `i`, and its place there: chunk 0 holds the first `F = 1 << shift`
    /// entries, chunk `k + 1` the `F << k` entries from `F << k` on.
    #[inline]
    fn locate(&self, i: usize) -> (usize, usize) {
        let q = i >> self.shift;
        if q == 0 {
            (0, i)
        } else {
            let k = q.ilog2();
            (k as usize + 1, i - ((1usize << k) << self.shift))
        }
    }

    pub fn push(&mut self, value: T) {
        let (k, _) = self.locate(self.len);
        if k == self.chunks.len() {
            let size = (1usize << self.shift) << k.saturating_sub(1);
            let chunk = Vec::with_capacity(size);
            advise_huge(&chunk);
            self.chunks.push(chunk);
        }
        self.chunks[k].push(value);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        let (k, j) = self.locate(i);
        self.chunks.get(k)?.get(j)
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let (k, j) = self.locate(i);
        self.chunks.get_mut(k)?.get_mut(j)
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        let (k, j) = self.locate(i);
        &self.chunks[k][j]
    }
}

impl<T> std::ops::IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        let (k, j) = self.locate(i);
        &mut self.chunks[k][j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_stay_in_order_across_chunks() {
        let mut c: Chunked<(u32, u64)> = Chunked::with_first(5000);
        let first = 8192;
        // Chunks of 1, 1, 2 and 4 times the first, and three entries into the fifth.
        let n = first * 8 + 3;
        for i in 0..n {
            c.push((i as u32, !(i as u64)));
        }
        assert_eq!(c.len(), n);
        assert_eq!(c.chunks.len(), 5);
        for i in 0..n {
            assert_eq!(c[i], (i as u32, !(i as u64)), "entry {i}");
        }
        assert!(c.get(n).is_none());
        c[first * 3] = (7, 7);
        assert_eq!(c.get(first * 3), Some(&(7, 7)));
        assert_eq!(
            c.get(first * 3 - 1),
            Some(&((first * 3 - 1) as u32, !((first * 3 - 1) as u64)))
        );
    }

    #[test]
    fn filled_vectors_hold_their_value() {
        let v = filled(3 << 20, u32::MAX);
        assert_eq!(v.len(), 3 << 20);
        assert!(v.iter().all(|&x| x == u32::MAX));
    }
}
