//! Figure 3, build cost: a generated crate with 300 events built in debug, once
//! with `#[telemetry_event]` (and `#[derive(TelemetryValue)]` on its enums), once
//! with `#[derive(serde::Serialize)]` on the same structs and enums.
//!
//! Two figures, both against a target of 1.3 times serde's time:
//! - the crate alone from clean, its dependencies already built (`cargo clean -p`
//!   then `cargo build`; the median of several), which is what the attribute costs;
//! - the whole build from an empty target directory, once, which adds the
//!   dependencies each side brings (`telemetry-macros` with the manifest parser and
//!   `syn`; `serde_derive` with `syn`).
//!
//! A third figure is the macro's cost of a large manifest: one event struct
//! against a manifest of figure 1's size, built as a user builds it (debug, no
//! profile overrides, so the macro and its manifest parser run unoptimised), and
//! again with `[profile.dev.build-override] opt-level = 3`, the remedy a user can
//! apply. The time is what `telemetry-macros` logs for its one parse and check of
//! the manifest (`TELEMETRY_MACROS_TRACE_PARSES`), the median of several builds.
//!
//! Each crate is its own workspace with its own target directory, and gets this
//! repository's `Cargo.lock`, so the same dependency versions are built. Smoke mode
//! builds nothing: it checks the generated telemetry crate with the linter instead.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::measure::{self, show};
use crate::report::{Row, Verdict, verdict};
use crate::workload::{self, Flavor};
use crate::{Config, linter_command};

/// Target: our build time over serde's.
const TARGET_RATIO: f64 = 1.3;

/// The hidden variable that makes `telemetry-macros` log each manifest parse.
const TRACE_PARSES_ENV: &str = "TELEMETRY_MACROS_TRACE_PARSES";

/// A `cargo` command for the crate in `dir`, with its own target directory
/// (`dir/target`, unless the caller sets another) and none of the harness's cargo
/// environment.
pub(crate) fn cargo(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("TELEMETRY_MANIFEST")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_INCREMENTAL")
        .env_remove("CARGO_PROFILE_DEV_OPT_LEVEL");
    command
}

/// Runs figure 3 and returns its rows.
pub fn run(config: &Config) -> Vec<Row> {
    let n = config.build_events;
    let figure = format!("3 build: crate alone, {n} events, debug");
    let lockfile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    let ours_dir = config.work.join("build-telemetry");
    let serde_dir = config.work.join("build-serde");
    let written = workload::build_crate(&ours_dir, n, Flavor::Telemetry, &lockfile)
        .and_then(|()| workload::build_crate(&serde_dir, n, Flavor::Serde, &lockfile));
    if let Err(e) = written {
        return vec![Row::failed(figure, format!("cannot write the crates: {e}"))];
    }
    // The generated crate is a clean workspace for the linter too: this proves the
    // struct and manifest generators agree, in every mode.
    let linted = measure::run(
        linter_command(config, "check", &ours_dir.join("Cargo.toml"))
            .env_remove("CARGO_TARGET_DIR"),
    )
    .and_then(|r| r.expect_code(0, "`cargo telemetry-lint check` on the build crate"));
    if let Err(e) = linted {
        return vec![Row::failed(figure, e)];
    }
    if !config.builds {
        return vec![Row::skipped(
            figure,
            "builds run in full mode only; the generated crate passed `check`",
        )];
    }
    let mut rows = match measure_builds(config, &ours_dir, &serde_dir) {
        Ok(b) => {
            let crate_ratio = b.ours_crate.as_secs_f64() / b.serde_crate.as_secs_f64().max(1e-9);
            let full_ratio = b.ours_full.as_secs_f64() / b.serde_full.as_secs_f64().max(1e-9);
            let parse_row = match b.parses {
                Some((processes, most)) => Row::new(
                    "3 build: manifest parses per compiler process",
                    format!("{most} (in each of {processes} builds of {n} events)"),
                    "-",
                    "-",
                    "1",
                    verdict(most == 1),
                ),
                None => Row::skipped(
                    "3 build: manifest parses per compiler process",
                    format!("telemetry-macros wrote no {TRACE_PARSES_ENV} trace"),
                ),
            };
            vec![
                Row::new(
                    figure,
                    show(b.ours_crate),
                    show(b.serde_crate),
                    format!("{crate_ratio:.2}"),
                    format!("<= {TARGET_RATIO}"),
                    verdict(crate_ratio <= TARGET_RATIO),
                ),
                Row::new(
                    format!("3 build: from an empty target dir, {n} events, debug"),
                    show(b.ours_full),
                    show(b.serde_full),
                    format!("{full_ratio:.2}"),
                    format!("<= {TARGET_RATIO}"),
                    verdict(full_ratio <= TARGET_RATIO),
                ),
                parse_row,
                Row::new(
                    format!(
                        "3 build: CPU time (user + system) from an empty target dir, {n} events"
                    ),
                    show(b.ours_full_cpu),
                    show(b.serde_full_cpu),
                    format!(
                        "{:.2}",
                        b.ours_full_cpu.as_secs_f64() / b.serde_full_cpu.as_secs_f64().max(1e-9)
                    ),
                    "-",
                    Verdict::Info,
                ),
            ]
        }
        Err(e) => vec![Row::failed(figure, e)],
    };
    rows.extend(expansion_rows(config, &lockfile));
    rows
}

/// The macro's parse and check of a manifest of `config.events` events, in a
/// user's debug build and with the build-override remedy.
fn expansion_rows(config: &Config, lockfile: &Path) -> Vec<Row> {
    let events = config.events;
    let figure = |how: &str| format!("3 build: macro's parse of a {events}-event manifest, {how}");
    let dir = config.work.join("build-expansion");
    if let Err(e) = workload::expansion_crate(&dir, events, lockfile) {
        return vec![Row::failed(
            figure("debug"),
            format!("cannot write the crate: {e}"),
        )];
    }
    let mut rows = Vec::new();
    for (how, optimised) in [
        ("user's debug build", false),
        ("build-override opt-level 3", true),
    ] {
        let row = match expansion_time(config, &dir, optimised) {
            Ok(took) => Row::info(figure(how), show(took)),
            Err(e) => Row::failed(figure(how), e),
        };
        rows.push(row);
    }
    rows
}

/// The median time `telemetry-macros` logged for parsing and checking the manifest
/// of the crate in `dir`, over builds of the crate alone.
fn expansion_time(config: &Config, dir: &Path, optimised: bool) -> Result<Duration, String> {
    let target = dir.join(if optimised { "target-opt" } else { "target" });
    let command = |args: &[&str]| {
        let mut command = cargo(dir, args);
        command.env("CARGO_TARGET_DIR", &target);
        if optimised {
            command.env("CARGO_PROFILE_DEV_BUILD_OVERRIDE_OPT_LEVEL", "3");
        }
        command
    };
    measure::run(&mut command(&["build", "--offline"]))?
        .expect_code(0, "cargo build of bench-build-expansion")?;
    let trace = dir.join("manifest-parses.txt");
    let mut times = Vec::new();
    for _ in 0..config.runs.min(3) {
        let _ = std::fs::remove_file(&trace);
        measure::run(&mut command(&[
            "clean",
            "--offline",
            "-p",
            "bench-build-expansion",
        ]))?
        .expect_code(0, "cargo clean -p")?;
        measure::run(command(&["build", "--offline"]).env(TRACE_PARSES_ENV, &trace))?
            .expect_code(0, "cargo build of bench-build-expansion")?;
        let text = std::fs::read_to_string(&trace)
            .map_err(|e| format!("telemetry-macros wrote no {TRACE_PARSES_ENV} trace: {e}"))?;
        let micros: u64 = text
            .lines()
            .filter_map(|line| line.split_whitespace().nth(5)?.parse::<u64>().ok())
            .sum();
        times.push(Duration::from_micros(micros));
    }
    Ok(measure::Sample {
        walls: times,
        max_rss_kib: 0,
    }
    .median())
}

struct Builds {
    ours_crate: Duration,
    serde_crate: Duration,
    ours_full: Duration,
    serde_full: Duration,
    /// CPU time (user + system) of the builds from an empty target directory.
    ours_full_cpu: Duration,
    serde_full_cpu: Duration,
    /// Compiler processes that parsed the manifest, and the most parses in one.
    parses: Option<(usize, usize)>,
}

fn measure_builds(config: &Config, ours: &Path, serde: &Path) -> Result<Builds, String> {
    let name = |dir: &Path| {
        if dir == ours {
            "bench-build-telemetry"
        } else {
            "bench-build-serde"
        }
    };
    // Download what is missing first, so no figure includes the network.
    for dir in [ours, serde] {
        measure::run(&mut cargo(dir, &["fetch"]))?.expect_code(0, "cargo fetch")?;
    }
    let mut full = Vec::new();
    for dir in [serde, ours] {
        let _ = std::fs::remove_dir_all(dir.join("target"));
        let run = measure::run(&mut cargo(dir, &["build", "--offline"]))?
            .expect_code(0, &format!("cargo build of {}", name(dir)))?;
        full.push((run.wall, run.cpu));
    }
    // `telemetry-macros` appends a line per manifest parse to this file: one line
    // per compiler process proves the manifest is parsed once per process.
    let trace = config.work.join("manifest-parses.txt");
    let _ = std::fs::remove_file(&trace);
    let mut crate_walls = [Vec::new(), Vec::new()];
    for _ in 0..config.runs.min(3) {
        for (walls, dir) in crate_walls.iter_mut().zip([serde, ours]) {
            measure::run(&mut cargo(dir, &["clean", "--offline", "-p", name(dir)]))?
                .expect_code(0, "cargo clean -p")?;
            let run =
                measure::run(cargo(dir, &["build", "--offline"]).env(TRACE_PARSES_ENV, &trace))?
                    .expect_code(0, &format!("cargo build of {}", name(dir)))?;
            walls.push(run.wall);
        }
    }
    let parses = std::fs::read_to_string(&trace).ok().map(|text| {
        let mut per_process = std::collections::BTreeMap::<&str, usize>::new();
        for line in text.lines() {
            if let Some(pid) = line.split_whitespace().nth(3) {
                *per_process.entry(pid).or_default() += 1;
            }
        }
        (
            per_process.len(),
            per_process.values().copied().max().unwrap_or(0),
        )
    });
    let median = |walls: &[Duration]| {
        measure::Sample {
            walls: walls.to_vec(),
            max_rss_kib: 0,
        }
        .median()
    };
    Ok(Builds {
        serde_crate: median(&crate_walls[0]),
        ours_crate: median(&crate_walls[1]),
        serde_full: full[0].0,
        ours_full: full[1].0,
        serde_full_cpu: full[0].1,
        ours_full_cpu: full[1].1,
        parses,
    })
}
