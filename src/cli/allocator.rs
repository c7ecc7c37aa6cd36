//! The process's memory allocator: jemalloc, tuned for crawls.
//!
//! A crawl allocates heavily on several threads at once (each page is parsed and checked on a
//! blocking thread while others are fetched). glibc's malloc either contends on a shared
//! arena lock (with its arenas capped) or keeps freed memory in one arena per thread (12 MiB
//! more on the 1,000-page crawl benchmark). jemalloc's per-thread caches avoid the lock, and a
//! background thread returns freed pages to the system. Measured with
//! `cargo run --release --example bench` on the 2-core machine: CPU per crawled page fell from
//! 6.8–7.5 ms (glibc, two arenas) to 4.5–6.3 ms, for 3–7 MiB more peak RSS (37–38 against
//! 34–35 MiB at 1,000 pages, 50–54 against 45–48 MiB at 5,000).
//!
//! Built into the library so that the binary, the tests and the benchmarks run on the same
//! allocator. Options can be changed at run time with `_RJEM_MALLOC_CONF` (jemalloc's
//! `MALLOC_CONF` under the prefix its Rust build uses).

/// jemalloc is the global allocator (not on MSVC, which jemalloc does not support).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The options jemalloc reads at start-up: one arena (threads allocate from their own caches
/// and rarely take its lock), purging on a background thread, freed pages returned after
/// half a second instead of ten. Measured against the defaults (8 arenas per core, 10 s):
/// the same speed within noise, for 34–38 MiB instead of 55 MiB at 1,000 pages.
#[cfg(not(target_env = "msvc"))]
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static _rjem_malloc_conf: &[u8] =
    b"narenas:1,background_thread:true,dirty_decay_ms:500,muzzy_decay_ms:0\0";
