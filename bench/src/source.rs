//! Figure 2, source scale: `check` over a large tree of real Rust source that holds
//! a few events, against `grep -rl telemetry_event --include='*.rs'` over the same
//! directories, both with a warm page cache; and the peak memory of `check`.
//!
//! The tree is cargo's registry cache (`$CARGO_HOME/registry/src/*`): every
//! unpacked crate becomes a member of a generated workspace (one per package name,
//! since a workspace cannot hold two packages of one name), reached through a
//! symbolic link so nothing is copied, beside a small crate with three events.
//! That is how the linter meets a large workspace: `cargo metadata` lists the
//! members and each member's directory is walked.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::measure::{self, show};
use crate::report::{self, Row, verdict};
use crate::workload;
use crate::{Config, linter_command};

/// Target: `check` over `grep`, wall time.
const TARGET_RATIO: f64 = 1.3;
/// Target: peak memory of `check`, in MiB.
const TARGET_RSS_MIB: f64 = 150.0;

/// The directories of unpacked crates in cargo's registry cache.
pub fn registry_roots() -> Vec<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(src) = cargo_home.map(|h| h.join("registry/src")) else {
        return Vec::new();
    };
    let mut roots: Vec<PathBuf> = std::fs::read_dir(src)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    roots.sort();
    roots
}

/// Size of a tree: `.rs` files and their bytes, all files and their bytes.
#[derive(Clone, Copy, Debug, Default)]
struct TreeSize {
    rust_files: u64,
    rust_bytes: u64,
    files: u64,
    bytes: u64,
}

/// Adds up the files under `dir`, not following symbolic links below it.
fn tree_size(dir: &Path, size: &mut TreeSize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            tree_size(&entry.path(), size);
        } else if kind.is_file() {
            let len = entry.metadata().map_or(0, |m| m.len());
            size.files += 1;
            size.bytes += len;
            if entry.path().extension().is_some_and(|e| e == "rs") {
                size.rust_files += 1;
                size.rust_bytes += len;
            }
        }
    }
}

/// Runs figure 2 and returns its rows.
pub fn run(config: &Config) -> Vec<Row> {
    let figure = "2 source: check vs grep -rl, warm cache";
    let crates = workload::tree_crates(&registry_roots(), config.tree_crates);
    if crates.is_empty() {
        return vec![Row::skipped(
            figure,
            "cargo's registry cache ($CARGO_HOME/registry/src) holds no crates; build something first",
        )];
    }
    let dir = config.work.join("source");
    let members = match workload::source_workspace(&dir, &crates) {
        Ok(members) => members,
        Err(e) => {
            return vec![Row::failed(
                figure,
                format!("cannot write the workspace: {e}"),
            )];
        }
    };
    let mut size = TreeSize::default();
    for member in &members {
        tree_size(member, &mut size);
    }
    match measure_both(config, &dir, &members) {
        Ok(both) => {
            let ratio = both.check.as_secs_f64() / both.grep.as_secs_f64().max(1e-9);
            let cpu_ratio = both.check_cpu.as_secs_f64() / both.grep_cpu.as_secs_f64().max(1e-9);
            let rss_mib = both.rss_kib as f64 / 1024.0;
            let rust_files = both.rust_files;
            vec![
                Row::info(
                    "2 source: the tree",
                    format!(
                        "{} crates, {:.0} MB in {} files, {:.0} MB of Rust in {} .rs files ({} read by check)",
                        crates.len(),
                        size.bytes as f64 / 1e6,
                        size.files,
                        size.rust_bytes as f64 / 1e6,
                        size.rust_files,
                        rust_files
                    ),
                ),
                Row::new(
                    figure,
                    show(both.check),
                    show(both.grep),
                    format!("{ratio:.2}"),
                    format!("<= {TARGET_RATIO}"),
                    verdict(ratio <= TARGET_RATIO),
                ),
                Row::new(
                    "2 source: CPU time (user + system), check vs grep",
                    show(both.check_cpu),
                    show(both.grep_cpu),
                    format!("{cpu_ratio:.2}"),
                    "-",
                    report::Verdict::Info,
                ),
                Row::new(
                    "2 source: peak memory of check",
                    format!("{rss_mib:.0} MiB"),
                    "-",
                    "-",
                    format!("< {TARGET_RSS_MIB:.0} MiB"),
                    verdict(rss_mib < TARGET_RSS_MIB),
                ),
            ]
        }
        Err(e) => vec![Row::failed(figure, e)],
    }
}

/// Runs `grep` and `check` alternately, one warm-up run each, then `config.runs`
/// measured runs each.
fn measure_both(config: &Config, dir: &Path, members: &[PathBuf]) -> Result<Both, String> {
    let manifest_path = dir.join("Cargo.toml");
    let events_file = dir.join("events/src/events_000.rs");
    let grep_once = || -> Result<measure::Run, String> {
        let run = measure::run(
            Command::new("grep")
                .args(["-rl", "telemetry_event", "--include=*.rs"])
                .args(members),
        )?;
        // grep exits 0 when a file matched, 1 when none did, 2 on trouble (an
        // unreadable file among matches still lists the matches).
        if run.code != 0 && run.code != 2 {
            return Err(format!(
                "grep exited with {}: {}",
                run.code,
                run.stderr.trim()
            ));
        }
        if !run.stdout.lines().any(|l| Path::new(l) == events_file) {
            return Err(format!(
                "grep did not list {}: {}",
                events_file.display(),
                run.stdout.trim()
            ));
        }
        Ok(run)
    };
    let mut rust_files = 0;
    let mut check_once = || -> Result<measure::Run, String> {
        let run = measure::run(&mut linter_command(config, "check", &manifest_path))?
            .expect_code(0, "`cargo telemetry-lint check`")?;
        let expected = format!(
            "0 errors, 0 warnings in {events} events; checked telemetry.yaml against {events} event structs in ",
            events = workload::SOURCE_EVENTS
        );
        let Some(rest) = run.stdout.split(&expected).nth(1) else {
            return Err(format!(
                "`check` did not report {} clean event structs: {}",
                workload::SOURCE_EVENTS,
                run.stdout.trim()
            ));
        };
        rust_files = rest
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Ok(run)
    };
    // Interleave the two so a noisy moment hurts both alike; one warm-up each.
    let (mut grep, mut check) = (Vec::new(), Vec::new());
    grep_once()?;
    check_once()?;
    for _ in 0..config.runs {
        grep.push(grep_once()?);
        check.push(check_once()?);
    }
    let median = |runs: &[measure::Run], of: fn(&measure::Run) -> Duration| {
        measure::Sample {
            walls: runs.iter().map(of).collect(),
            max_rss_kib: 0,
        }
        .median()
    };
    Ok(Both {
        check: median(&check, |r| r.wall),
        grep: median(&grep, |r| r.wall),
        check_cpu: median(&check, |r| r.cpu),
        grep_cpu: median(&grep, |r| r.cpu),
        rss_kib: check.iter().map(|r| r.max_rss_kib).max().unwrap_or(0),
        rust_files,
    })
}

/// What figure 2 measured: median wall and CPU times of `check` and `grep`, the
/// peak memory of `check` and the number of Rust files it says it read.
struct Both {
    check: Duration,
    grep: Duration,
    check_cpu: Duration,
    grep_cpu: Duration,
    rss_kib: u64,
    rust_files: u64,
}
