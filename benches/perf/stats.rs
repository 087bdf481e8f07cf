//! Numbers from timings and from the kernel: nearest-rank percentiles (as the Python
//! baseline computes them), medians across runs, and this process's memory and CPU time
//! read from `/proc/self`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Latency figures of one series of timed calls, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Latency {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    /// Summarises `samples` (any order). Empty input gives all zeros.
    pub fn of(samples: &[Duration]) -> Self {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        if ms.is_empty() {
            return Self::default();
        }
        ms.sort_by(f64::total_cmp);
        Self {
            count: ms.len(),
            p50_ms: percentile(&ms, 50.0),
            p99_ms: percentile(&ms, 99.0),
            max_ms: ms[ms.len() - 1],
            mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
        }
    }
}

/// Nearest-rank percentile (`q` in 0..=100) of sorted values, as `bench/baseline.py` has it.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.saturating_sub(1).min(sorted.len() - 1)]
}

/// The median of `values` (the mean of the middle two for an even count); NaN when empty.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// A field of `/proc/self/status` in kB (`VmHWM`: peak resident set, `VmRSS`: now), as MB.
pub fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb * 1024.0 / 1e6)
}

/// Peak resident set size of this process so far, MB.
pub fn peak_rss_mb() -> f64 {
    status_mb("VmHWM")
}

/// Resident set size now, MB.
pub fn rss_mb() -> f64 {
    status_mb("VmRSS")
}

/// User + system CPU time of this process (all threads) so far, in seconds, from
/// `/proc/self/stat` (clock ticks of 1/100 s, the Linux default `USER_HZ`).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at "state" (field 3);
    // utime and stime are fields 14 and 15.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return f64::NAN;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// Seconds as a float, for JSON.
pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}
