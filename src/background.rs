//! Work that can wait while someone waits for an answer: indexing new articles, merging
//! index segments, reading fetched pages. It runs on threads at a lower CPU priority
//! ([`NICE`] steps nicer than the process), so on a small machine the threads that answer
//! requests get a core as soon as they want one, and the background work takes every cycle
//! they leave.

use std::sync::OnceLock;

/// How much nicer background threads are than the process (capped at 19, the lowest
/// priority): the scheduler gives a thread about ten times the CPU of one 10 steps nicer
/// when both want it; alone, a nicer thread runs at full speed.
pub(crate) const NICE: i32 = 10;

/// Lowers the CPU priority of the calling thread to the process's niceness plus [`NICE`]
/// (so a process started with `nice` keeps the gap), once: calling it again, or from a
/// thread started by a lowered one (threads inherit the priority), changes nothing. Linux
/// only; elsewhere it does nothing.
pub(crate) fn lower_current_thread() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getpid, gettid and getpriority/setpriority on this process's own ids take
        // no pointers and cannot break memory safety; a failure only leaves the priority as
        // it was. getpriority returns -1 both for niceness -1 and for an error, so errno
        // tells them apart.
        unsafe {
            *libc::__errno_location() = 0;
            let process = libc::getpriority(libc::PRIO_PROCESS, libc::getpid() as libc::id_t);
            if *libc::__errno_location() != 0 {
                return;
            }
            let target = (process + NICE).min(19);
            let tid = libc::gettid() as libc::id_t;
            let now = libc::getpriority(libc::PRIO_PROCESS, tid);
            if *libc::__errno_location() != 0 || now >= target {
                return;
            }
            if libc::setpriority(libc::PRIO_PROCESS, tid, target) != 0 {
                tracing::debug!(
                    "background thread priority not lowered: {}",
                    std::io::Error::last_os_error()
                );
            }
        }
    }
}

/// The pool of background threads (one per core), started on first use; `None` when no
/// thread could be started (the work then runs on the caller's thread).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .thread_name(|i| format!("jianbao-background-{i}"))
            .start_handler(|_| lower_current_thread())
            .build()
            .map_err(|err| tracing::warn!("background threads not started: {err}"))
            .ok()
    })
    .as_ref()
}

/// The work panicked.
#[derive(Debug, thiserror::Error)]
#[error("background work panicked: {0}")]
pub(crate) struct Panicked(String);

/// Runs `work` on a background thread and waits for it without blocking the async
/// runtime (in place of `tokio::task::spawn_blocking` for CPU work that can yield to
/// requests). Work inside it that uses rayon (`par_iter`) runs on the same low-priority
/// threads. A panic comes back as [`Panicked`].
pub(crate) async fn run<T, F>(work: F) -> Result<T, Panicked>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let caught = move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|p| {
            Panicked(
                p.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".into()),
            )
        })
    };
    let Some(pool) = pool() else {
        return caught();
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        let _ = tx.send(caught());
    });
    rx.await
        .unwrap_or_else(|_| Err(Panicked("the background thread stopped".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_and_a_panic_comes_back_as_an_error() {
        assert_eq!(run(|| 6 * 7).await.unwrap(), 42);
        let err = run(|| -> u32 { panic!("boom") }).await.unwrap_err();
        assert!(err.to_string().contains("boom"), "{err}");
    }

    #[cfg(target_os = "linux")]
    fn niceness() -> (i32, i32) {
        // SAFETY: as in `lower_current_thread`.
        unsafe {
            (
                libc::getpriority(libc::PRIO_PROCESS, libc::getpid() as libc::id_t),
                libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t),
            )
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_lowered_thread_is_nicer_than_the_process_once() {
        std::thread::spawn(|| {
            let (process, _) = niceness();
            let target = (process + NICE).min(19);
            lower_current_thread();
            assert_eq!(niceness().1, target);
            lower_current_thread();
            assert_eq!(niceness().1, target, "lowered twice");
            // A thread started from a lowered one inherits the priority, and lowering it
            // again changes nothing.
            std::thread::spawn(move || {
                assert_eq!(niceness().1, target);
                lower_current_thread();
                assert_eq!(niceness().1, target);
            })
            .join()
            .unwrap();
        })
        .join()
        .unwrap();
    }

    #[tokio::test]
    async fn background_work_runs_nicer_than_the_process() {
        #[cfg(target_os = "linux")]
        {
            let (process, _) = niceness();
            let (_, worker) = run(niceness).await.unwrap();
            assert_eq!(worker, (process + NICE).min(19));
        }
    }
}
