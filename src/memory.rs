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
