//! The allocator's settings for a large run.
//!
//! glibc serves a block of at least its mmap threshold with a mapping of its own, returned to the
//! system when freed. The threshold starts at 128 KiB and rises to the size of each such block
//! freed, up to 32 MiB; after a few, blocks of megabytes (file texts, lazy DFA caches, the
//! library's tables as they grow) come from the threads' heaps and, freed, stay there. Measured
//! on a million-phrase library in 20 files (88 MB, JSON to a file), peak RSS was 587–595 MB with
//! the default and 507–511 MB with the threshold fixed at 256 KiB (449 and 400 MB without the
//! library checks), in the same time. A small run is left alone: there, mapping each large block
//! afresh costs page faults (a 20-line file: 2,300 → 7,000 faults, 29 → 39 ms), and its memory
//! is small anyway.

/// Inputs from this size on are a large run.
const LARGE: u64 = 16 << 20;

/// Sets the allocator up for a run over `input_bytes` bytes of files.
pub fn prepare_for(input_bytes: u64) {
    if input_bytes < LARGE {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator, which serialises it with
    // allocations on other threads; it makes no block invalid.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 10);
    }
}
