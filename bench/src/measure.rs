//! Running a program and measuring it: wall time with [`Instant`], peak resident
//! memory from the `rusage` that `wait4` returns for exactly that child (and the
//! children it waited for, such as `cargo metadata` under the linter).
//!
//! Timings are the median of several runs after one warm-up run, so a cold page
//! cache or one disturbed run does not decide a figure.

use std::io::{Read, Seek, SeekFrom};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One finished run of a program.
#[derive(Clone, Debug)]
pub struct Run {
    /// From spawn to exit.
    pub wall: Duration,
    /// Peak resident set size of the process tree, in KiB.
    pub max_rss_kib: u64,
    /// CPU time (user + system) of the process tree: unlike the wall time, hardly
    /// changed by other programs competing for the cores.
    pub cpu: Duration,
    /// The exit code, or `-signal` when a signal ended it.
    pub code: i32,
    /// What it printed on stdout.
    pub stdout: String,
    /// What it printed on stderr.
    pub stderr: String,
}

impl Run {
    /// The run as an error unless it exited with `expected`.
    pub fn expect_code(self, expected: i32, what: &str) -> Result<Run, String> {
        if self.code == expected {
            Ok(self)
        } else {
            Err(format!(
                "{what} exited with {} instead of {expected}\nstdout:\n{}\nstderr:\n{}",
                self.code,
                tail(&self.stdout),
                tail(&self.stderr)
            ))
        }
    }
}

/// The last 40 lines of a text, for error messages.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// Runs `command` to its end with stdout and stderr captured in files (so a
/// chatty program never blocks on a full pipe) and measures it.
///
/// # Errors
/// When the program cannot be started or waited for.
pub fn run(command: &mut Command) -> Result<Run, String> {
    let name = format!("{:?}", command.get_program());
    let mut out = tempfile::tempfile().map_err(|e| format!("cannot create a temp file: {e}"))?;
    let mut err = tempfile::tempfile().map_err(|e| format!("cannot create a temp file: {e}"))?;
    let stdout = out.try_clone().map_err(|e| e.to_string())?;
    let stderr = err.try_clone().map_err(|e| e.to_string())?;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr));
    let start = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run {name}: {e}"))?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet waited for (std's `Child` only
        // waits when asked to); the pointers are to live locals.
        let waited = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
        if waited == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("cannot wait for {name}: {error}"));
        }
    }
    let wall = start.elapsed();
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        -libc::WTERMSIG(status)
    } else {
        -1
    };
    let read = |file: &mut std::fs::File| -> String {
        let mut bytes = Vec::new();
        let _ = file.seek(SeekFrom::Start(0));
        let _ = file.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok(Run {
        wall,
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        code,
        stdout: read(&mut out),
        stderr: read(&mut err),
    })
}

/// Several timed runs of one measurement.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The wall time of each measured run (the warm-up run excluded).
    pub walls: Vec<Duration>,
    /// The largest peak resident set size seen, in KiB.
    pub max_rss_kib: u64,
}

impl Sample {
    /// The median wall time (the mean of the middle two for an even count).
    pub fn median(&self) -> Duration {
        let mut walls = self.walls.clone();
        walls.sort();
        match walls.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => walls[n / 2],
            n => (walls[n / 2 - 1] + walls[n / 2]) / 2,
        }
    }
}

/// Calls `once` `warmup + runs` times; each call returns its wall time and peak
/// memory (KiB). The first `warmup` calls are not counted.
///
/// # Errors
/// The first error `once` returns.
pub fn sample(
    warmup: usize,
    runs: usize,
    mut once: impl FnMut() -> Result<(Duration, u64), String>,
) -> Result<Sample, String> {
    for _ in 0..warmup {
        once()?;
    }
    let mut walls = Vec::with_capacity(runs);
    let mut max_rss_kib = 0;
    for _ in 0..runs {
        let (wall, rss) = once()?;
        walls.push(wall);
        max_rss_kib = max_rss_kib.max(rss);
    }
    Ok(Sample { walls, max_rss_kib })
}

/// The CPU time this thread has used so far (`CLOCK_THREAD_CPUTIME_ID`).
pub fn thread_cpu() -> Duration {
    // SAFETY: `timespec` is plain data, for which all zero bytes is a valid value.
    let mut now: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live local; the clock id is a constant.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut now) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::from_secs(u64::try_from(now.tv_sec).unwrap_or(0))
        + Duration::from_nanos(u64::try_from(now.tv_nsec).unwrap_or(0))
}

/// A duration in the unit that reads best: `1.23 s`, `45.6 ms`, `789 µs`.
pub fn show(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 0.001 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{:.0} µs", secs * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        let odd = Sample {
            walls: vec![ms(5), ms(1), ms(3)],
            max_rss_kib: 0,
        };
        assert_eq!(odd.median(), ms(3));
        let even = Sample {
            walls: vec![ms(4), ms(1), ms(2), ms(10)],
            max_rss_kib: 0,
        };
        assert_eq!(even.median(), ms(3));
    }

    #[test]
    fn run_reports_exit_code_output_and_memory() {
        let run = run(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]))
            .expect("sh runs");
        assert_eq!(run.code, 3);
        assert_eq!(run.stdout, "out\n");
        assert_eq!(run.stderr, "err\n");
        assert!(run.max_rss_kib > 0);
    }
}
