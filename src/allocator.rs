//! How the process hands memory back to the system (malloc tuning; the chat's memory of
//! recent lists is `chat::Memory`). Loading a corpus allocates and frees a lot in large
//! blocks (tantivy's per-thread indexing arenas, segment buffers, decoded files); with
//! glibc's default, the threshold for giving large blocks their own mapping rises after the
//! first such block is freed, so later ones come from the heap and stay resident after they
//! are freed. Fixing the threshold keeps the peak resident set lower (on the 新闻联播
//! corpus, ~270 MB → ~220 MB; docs/PERFORMANCE.md) at no measurable cost in speed.

/// Blocks at least this large get their own mapping, returned to the system when freed
/// (glibc's initial default, kept fixed).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// Call once at the start of `main`, before other threads exist. Does nothing where the C
/// library is not glibc.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only sets a malloc tunable; it is called before any other thread
        // is started, and the value is one glibc documents as valid.
        let ok = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) };
        if ok != 1 {
            tracing::debug!("mallopt(M_MMAP_THRESHOLD) refused; keeping glibc's default");
        }
    }
}
