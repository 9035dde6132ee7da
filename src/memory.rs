// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! How the process uses the system allocator. A million indicators are millions of small
//! allocations made on several threads; with glibc's defaults, memory freed after a fetch
//! stays resident, scattered over one arena per thread. These settings keep the resident
//! size near what is in use. Elsewhere they do nothing.

/// Call first thing in `main`, before any thread starts: at most two malloc arenas, so
/// long-lived indicators are not spread over one arena per thread. With a warm start
/// followed by a live refresh of 1,000,000 indicators, the dashboard settled at 383 MB
/// RSS with glibc's default and at 312 MB with this.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallopt` only changes allocator parameters; it is called before any
        // other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// Returns the allocator's free pages to the system. With glibc, memory freed after a
/// peak stays resident otherwise: a million-indicator fetch left the dashboard at
/// 394 MB RSS where 312 MB was in use.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `malloc_trim` only releases memory the allocator holds free; it has no
        // preconditions and may run on any thread.
        let released = unsafe { libc::malloc_trim(0) };
        tracing::debug!("malloc_trim released memory: {}", released != 0);
    }
}

/// The system allocator, asking the kernel for transparent huge pages on every block
/// of [`HUGE_FROM`] bytes or more: the matcher's and the store's hash tables, the
/// indicator and row arrays, the read buffers. Their accesses are random, so with 4 KiB
/// pages a lookup often misses the TLB as well as the cache, and each first touch is a
/// page fault. Where the system's THP mode is `madvise` (the common default), this is
/// what makes them huge; with `always` it changes nothing, with `never` the kernel
/// ignores it. `match` of 1,000,000 indicators against 206 MB of eve.json: see
/// BENCHMARKS.md. Elsewhere than Linux with glibc it is the system allocator.
pub struct HugePageAlloc;

/// The smallest block advised (two huge pages: a smaller block rarely holds a whole
/// aligned one).
pub const HUGE_FROM: usize = 4 << 20;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn advise(p: *mut u8, len: usize) {
    const PAGE: usize = 2 << 20;
    if p.is_null() || len < HUGE_FROM {
        return;
    }
    let start = (p as usize).next_multiple_of(PAGE);
    let end = (p as usize + len) & !(PAGE - 1);
    if end > start {
        // SAFETY: the range lies inside a block the allocator just handed out; the
        // advice only changes how its pages are backed, never their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn advise(_: *mut u8, _: usize) {}

// SAFETY: every call is forwarded to `System` unchanged; `advise` only adds a hint.
unsafe impl std::alloc::GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        let p = unsafe { std::alloc::System.alloc(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { std::alloc::System.alloc_zeroed(layout) };
        advise(p, layout.size());
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as for `alloc`.
        unsafe { std::alloc::System.dealloc(p, layout) }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let q = unsafe { std::alloc::System.realloc(p, layout, new) };
        advise(q, new);
        q
    }
}

#[cfg(test)]
mod tests {
    use std::alloc::{GlobalAlloc, Layout};

    use super::*;

    #[test]
    fn blocks_of_every_size_keep_their_contents_through_realloc() {
        let a = HugePageAlloc;
        for size in [1, 4096, HUGE_FROM - 1, HUGE_FROM, 3 * HUGE_FROM + 12_345] {
            let layout = Layout::from_size_align(size, 16).unwrap();
            // SAFETY: a non-zero layout; the block is written within its size, grown,
            // read back within the old size and freed with its current layout.
            unsafe {
                let p = a.alloc(layout);
                assert!(!p.is_null());
                std::ptr::write_bytes(p, 0xa5, size);
                let grown = size * 2;
                let q = a.realloc(p, layout, grown);
                assert!(!q.is_null());
                assert!((0..size).step_by(4093).all(|i| *q.add(i) == 0xa5));
                a.dealloc(q, Layout::from_size_align(grown, 16).unwrap());
                let z = a.alloc_zeroed(layout);
                assert!((0..size).step_by(4093).all(|i| *z.add(i) == 0));
                a.dealloc(z, layout);
            }
        }
    }
}
