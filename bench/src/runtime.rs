//! Figure 4, runtime: what `Telemetry::record` costs with telemetry off, and on
//! with the default delivery (events counted in the local aggregator), in
//! nanoseconds of CPU time per event (wall time beside it), and how many allocations an event costs in steady state,
//! counted by the harness's global allocator ([`crate::alloc_count`]).
//!
//! The event is `job_finished` of `bench/telemetry.yaml`, with the same five
//! fields as the generated registries, built by `#[telemetry_event]`. The loop
//! cycles through twelve distinct values, all seen once before timing starts, so
//! the aggregator's table holds every key (steady state). Consent comes from the
//! command-line flag, so neither the environment nor the user's configuration
//! directory is read.

use std::hint::black_box;
use std::time::{Duration, Instant};

use telemetry_core::runtime::{ProjectInfo, Telemetry, TelemetryBuilder};
use telemetry_core::{DurationBucket, OsFamily, TelemetryValue, telemetry_event};

use crate::Config;
use crate::alloc_count::allocations;
use crate::measure::thread_cpu;
use crate::report::{Row, verdict};

/// The project of `bench/telemetry.yaml`.
const PROJECT: ProjectInfo = telemetry_core::manifest_project!();

/// Target: recording with telemetry off, per event.
const TARGET_OFF_NS: f64 = 5.0;
/// Target: recording into the local aggregator, per event.
const TARGET_ON_NS: f64 = 200.0;

/// Which mode a job ran in.
#[derive(Clone, Copy, Debug, TelemetryValue)]
pub enum Mode {
    /// Fast.
    Fast,
    /// Slow.
    Slow,
    /// Chosen automatically.
    Auto,
}

/// A benchmark job ran to its end.
#[telemetry_event]
pub struct JobFinished {
    /// Which mode ran.
    pub mode: Mode,
    /// Whether it succeeded.
    pub success: bool,
    /// How many items.
    pub items: u32,
    /// The operating system family.
    pub os: OsFamily,
    /// How long it took.
    pub duration: DurationBucket,
}

/// Twelve events with distinct field values.
fn events() -> Vec<JobFinished> {
    let mut events = Vec::new();
    for mode in [Mode::Fast, Mode::Slow, Mode::Auto] {
        for success in [true, false] {
            for items in [3, 30] {
                events.push(JobFinished {
                    mode,
                    success,
                    items,
                    os: OsFamily::current(),
                    duration: Duration::from_millis(u64::from(items) * 40).into(),
                });
            }
        }
    }
    events
}

/// A `Telemetry` switched on or off by the command-line flag, with its files in
/// `dir` and its output discarded.
fn telemetry(on: bool, dir: &std::path::Path) -> Telemetry {
    TelemetryBuilder::new(&PROJECT)
        .env_vars(Vec::<(String, String)>::new())
        .config_dir(dir)
        .cli_flag(Some(on))
        .stderr(std::io::sink())
        .build()
}

/// Nanoseconds per record, in this thread's CPU time (hardly changed by other
/// programs competing for the cores) and in wall time.
#[derive(Clone, Copy, Debug)]
struct PerRecord {
    cpu_ns: f64,
    wall_ns: f64,
}

/// One timed loop: the cost per record and the allocations during the loop.
fn timed(telemetry: &Telemetry, events: &[JobFinished], records: u64) -> (PerRecord, u64) {
    let rounds = records.div_ceil(events.len() as u64).max(1);
    let before = allocations();
    let cpu = thread_cpu();
    let start = Instant::now();
    for _ in 0..rounds {
        for event in events {
            black_box(telemetry).record(black_box(event));
        }
    }
    let wall = start.elapsed();
    let cpu = thread_cpu().saturating_sub(cpu);
    let allocated = allocations() - before;
    let done = (rounds * events.len() as u64) as f64;
    let per = PerRecord {
        cpu_ns: cpu.as_nanos() as f64 / done,
        wall_ns: wall.as_nanos() as f64 / done,
    };
    (per, allocated)
}

/// The median of `runs` timed loops (by CPU time), the allocations of all of them
/// and the number of records they made.
fn measure(
    telemetry: &Telemetry,
    events: &[JobFinished],
    config: &Config,
) -> (PerRecord, u64, u64) {
    // Warm-up: every key enters the aggregator's table, caches are hot.
    timed(telemetry, events, config.records / 10);
    let mut per = Vec::new();
    let mut allocated = 0;
    let mut records = 0;
    for _ in 0..config.runs.max(1) {
        let (p, n) = timed(telemetry, events, config.records);
        per.push(p);
        allocated += n;
        records += config.records.div_ceil(events.len() as u64) * events.len() as u64;
    }
    per.sort_by(|a, b| a.cpu_ns.total_cmp(&b.cpu_ns));
    (per[per.len() / 2], allocated, records)
}

/// Runs figure 4 and returns its rows.
pub fn run(config: &Config) -> Vec<Row> {
    let dir = config.work.join("runtime");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return vec![Row::failed(
            "4 runtime: record an event",
            format!("cannot create {}: {e}", dir.display()),
        )];
    }
    let events = events();
    let telemetry_off = telemetry(false, &dir);
    let telemetry_on = telemetry(true, &dir);
    if telemetry_off.is_recording() || !telemetry_on.is_recording() {
        return vec![Row::failed(
            "4 runtime: record an event",
            "the command-line flag did not switch telemetry off and on",
        )];
    }
    let (off, off_allocated, off_records) = measure(&telemetry_off, &events, config);
    let (on, on_allocated, on_records) = measure(&telemetry_on, &events, config);
    let stats = telemetry_on.stats();
    let warmup = config.records / 10;
    let expected = on_records + warmup.div_ceil(events.len() as u64) * events.len() as u64;
    if stats.recorded != expected || stats.pending != events.len() {
        return vec![Row::failed(
            "4 runtime: record an event",
            format!(
                "the aggregator counted {} events in {} keys, expected {expected} in {}",
                stats.recorded,
                stats.pending,
                events.len()
            ),
        )];
    }
    let per_event = |allocated: u64, records: u64| allocated as f64 / records as f64;
    vec![
        Row::new(
            "4 runtime: record, telemetry off",
            format!("{:.2} ns (wall {:.2} ns)", off.cpu_ns, off.wall_ns),
            "-",
            "-",
            format!("< {TARGET_OFF_NS:.0} ns"),
            verdict(off.cpu_ns < TARGET_OFF_NS),
        ),
        Row::new(
            "4 runtime: record, on, into the local aggregator",
            format!("{:.1} ns (wall {:.1} ns)", on.cpu_ns, on.wall_ns),
            "-",
            "-",
            format!("< {TARGET_ON_NS:.0} ns"),
            verdict(on.cpu_ns < TARGET_ON_NS),
        ),
        Row::new(
            "4 runtime: allocations per event, steady state (off / on)",
            format!(
                "{} / {} ({off_allocated} in {off_records} / {on_allocated} in {on_records})",
                per_event(off_allocated, off_records),
                per_event(on_allocated, on_records)
            ),
            "-",
            "-",
            "0",
            verdict(off_allocated == 0 && on_allocated == 0),
        ),
    ]
}
