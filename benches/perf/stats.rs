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

/// Nearest-rank percentile (`q` in 0..=100) of sorted values, as `benches/baseline.py` has it.
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
    proc_self_stat_seconds(11, 12)
}

/// Seconds as a float, for JSON.
pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// CPU time of this process's waited-for children so far (`cutime` + `cstime`), seconds.
pub fn children_cpu_seconds() -> f64 {
    proc_self_stat_seconds(13, 14)
}

/// Busy CPU time of the whole machine so far (user, nice, system, irq, softirq and steal
/// of every core, from `/proc/stat`), seconds.
pub fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(cpu) = stat.lines().find(|l| l.starts_with("cpu ")) else {
        return f64::NAN;
    };
    let ticks: Vec<f64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum::<f64>()
        / 100.0
}

/// Watches how busy the other processes on the machine are while something is measured:
/// the machine's busy time minus what the measured code itself used.
pub struct Contention {
    started: std::time::Instant,
    busy: f64,
}

impl Contention {
    pub fn start() -> Self {
        Self {
            started: std::time::Instant::now(),
            busy: machine_busy_seconds(),
        }
    }

    /// Average number of cores other processes kept busy since `start`, given the CPU
    /// seconds the measured code used meanwhile.
    pub fn others_cores(&self, own_cpu_s: f64) -> f64 {
        let wall = self.started.elapsed().as_secs_f64();
        ((machine_busy_seconds() - self.busy - own_cpu_s) / wall).max(0.0)
    }
}

/// Waits until the machine has been idle (under 0.25 busy cores) for two seconds in a row,
/// or until `limit` has passed; returns how long it waited. On a shared machine this keeps
/// another user's compile out of most measurements.
pub fn wait_until_idle(limit: Duration) -> Duration {
    let started = std::time::Instant::now();
    let mut quiet = 0;
    while quiet < 2 && started.elapsed() < limit {
        let before = machine_busy_seconds();
        std::thread::sleep(Duration::from_secs(1));
        let busy = machine_busy_seconds() - before;
        quiet = if busy < 0.25 { quiet + 1 } else { 0 };
    }
    started.elapsed()
}

/// Two fields of `/proc/self/stat` (0 = the state field after the command name), in clock
/// ticks of 1/100 s, summed, as seconds.
fn proc_self_stat_seconds(a: usize, b: usize) -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return f64::NAN;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    match (ticks(a), ticks(b)) {
        (Some(x), Some(y)) => (x + y) / 100.0,
        _ => f64::NAN,
    }
}
