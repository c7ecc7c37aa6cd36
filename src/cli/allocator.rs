//! Memory-allocator tuning for the process, applied once at start-up.
//!
//! glibc gives every thread that allocates under contention its own arena (up to eight per
//! core) and keeps freed memory in each. A crawl parses pages on tokio's blocking threads, so
//! those arenas multiply: measured on the 1,000-page crawl benchmark, the default costs about
//! 12 MiB of extra resident memory (46 MiB against 34 MiB with two arenas) for no measurable
//! gain in pages per second. Two arenas are the setting many servers ship with
//! (`MALLOC_ARENA_MAX=2`); a value the user put in the environment wins.

/// The number of malloc arenas webaudit asks glibc for.
pub const MALLOC_ARENAS: i32 = 2;

/// Caps glibc's malloc arenas at [`MALLOC_ARENAS`] unless `MALLOC_ARENA_MAX` is set. Call it
/// before starting threads. Does nothing on other C libraries and systems.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes allocator parameters; it is called before the runtime
        // starts any thread, and M_ARENA_MAX with a positive value is a documented option.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
        }
    }
}
