//! Figure 1, registry scale: `doc` then `check` on a generated workspace with many
//! events, against Glean's `glean_parser translate -f markdown` on the same
//! registry in Mozilla's format.
//!
//! `glean_parser` comes from PyPI into a virtual environment under
//! `~/.cache/telemetry-bench/` (full mode only); when it cannot be installed the row
//! says so and the rest goes on.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::measure::{self, Sample, show};
use crate::report::{Row, verdict};
use crate::workload;
use crate::{Config, linter_command};

/// Target: `check` plus `doc` on 5,000 events, wall time.
const TARGET_WALL: Duration = Duration::from_millis(500);
/// Target: glean_parser's time over ours.
const TARGET_SPEEDUP: f64 = 50.0;

/// Runs figure 1 and returns its rows.
pub fn run(config: &Config) -> Vec<Row> {
    let n = config.events;
    let figure = format!("1 registry: check + doc, {n} events x 5 fields");
    let dir = config.work.join("registry");
    if let Err(e) = workload::registry_workspace(&dir, n) {
        return vec![Row::failed(
            figure,
            format!("cannot write the workspace: {e}"),
        )];
    }
    let ours = match measure_ours(config, &dir) {
        Ok(ours) => ours,
        Err(e) => return vec![Row::failed(figure, e)],
    };
    let total = ours.total.median();
    let mut rows = vec![
        Row::new(
            figure,
            show(total),
            "-",
            "-",
            format!("< {}", show(TARGET_WALL)),
            verdict(total < TARGET_WALL),
        ),
        Row::info(
            "1 registry: doc alone / check alone",
            format!(
                "{} / {}",
                show(ours.doc.median()),
                show(ours.check.median())
            ),
        ),
        Row::info(
            "1 registry: CPU time (user + system) of check + doc",
            show(ours.cpu.median()),
        ),
        Row::info(
            "1 registry: peak memory of check",
            format!("{:.0} MiB", ours.check.max_rss_kib as f64 / 1024.0),
        ),
    ];
    rows.extend(reporting_rows(config, &dir));
    let glean_figure = format!("1 registry: glean_parser translate -f markdown, {n} metrics");
    if !config.glean {
        rows.push(Row::skipped(
            glean_figure,
            "glean_parser is run in full mode only",
        ));
        return rows;
    }
    match measure_glean(config, n) {
        Ok(glean) => {
            let reference = glean.median();
            let ratio = reference.as_secs_f64() / total.as_secs_f64().max(1e-9);
            rows.push(Row::new(
                glean_figure,
                show(total),
                show(reference),
                format!("{ratio:.0}x faster"),
                format!(">= {TARGET_SPEEDUP:.0}x faster"),
                verdict(ratio >= TARGET_SPEEDUP),
            ));
        }
        Err(e) => rows.push(Row::skipped(glean_figure, e)),
    }
    rows
}

/// Info rows for the commands whose output grows with the registry: `review` of
/// every event (each answer linked to its manifest line), and `check` of the same
/// registry with one finding per event (the alternatives left out, so each event
/// is TL044's), each printed with its manifest snippet. No target: the rows show
/// that reporting stays proportional to what is reported.
fn reporting_rows(config: &Config, dir: &Path) -> Vec<Row> {
    let n = config.events;
    let review_figure = format!("1 registry: review of all {n} events");
    let findings_figure = format!("1 registry: check with a finding for each of {n} events");
    let review = measure::sample(1, config.runs, || {
        let run = measure::run(&mut linter_command(
            config,
            "review",
            &dir.join("Cargo.toml"),
        ))?
        .expect_code(0, "`cargo telemetry-lint review`")?;
        let last = workload::event_name(n - 1);
        if !run.stdout.contains(&last) {
            return Err(format!("the review does not ask about `{last}`"));
        }
        Ok((run.wall, run.max_rss_kib))
    });
    let findings_dir = config.work.join("registry-findings");
    let findings = workload::registry_workspace(&findings_dir, n)
        .and_then(|()| {
            let path = findings_dir.join("telemetry.yaml");
            let text = std::fs::read_to_string(&path)?;
            let without: String = text
                .lines()
                .filter(|line| !line.contains("alternatives:") && !line.contains("considered:"))
                .map(|line| format!("{line}\n"))
                .collect();
            std::fs::write(&path, without)
        })
        .map_err(|e| format!("cannot write the workspace: {e}"))
        .and_then(|()| {
            measure::sample(1, config.runs, || {
                let run = measure::run(&mut linter_command(
                    config,
                    "check",
                    &findings_dir.join("Cargo.toml"),
                ))?
                .expect_code(1, "`cargo telemetry-lint check` with findings")?;
                let summary = format!("{n} errors, 0 warnings in {n} events");
                if !run.stdout.contains(&summary) {
                    return Err(format!(
                        "`check` did not report {n} errors: {}",
                        run.stdout.lines().last().unwrap_or_default()
                    ));
                }
                Ok((run.wall, run.max_rss_kib))
            })
        });
    [(review_figure, review), (findings_figure, findings)]
        .into_iter()
        .map(|(figure, sample)| match sample {
            Ok(sample) => Row::info(figure, show(sample.median())),
            Err(e) => Row::failed(figure, e),
        })
        .collect()
}

/// Our side of figure 1: each iteration runs `doc` (writes `TELEMETRY.md`) then
/// `check` (which finds it current).
struct Ours {
    doc: Sample,
    check: Sample,
    total: Sample,
    /// CPU time (user + system) of `doc` plus `check`.
    cpu: Sample,
}

fn measure_ours(config: &Config, dir: &Path) -> Result<Ours, String> {
    let manifest_path = dir.join("Cargo.toml");
    let n = config.events;
    let mut docs = Vec::new();
    let mut checks = Vec::new();
    let mut cpus = Vec::new();
    let total = measure::sample(1, config.runs, || {
        let doc = measure::run(&mut linter_command(config, "doc", &manifest_path))?
            .expect_code(0, "`cargo telemetry-lint doc`")?;
        let check = measure::run(&mut linter_command(config, "check", &manifest_path))?
            .expect_code(0, "`cargo telemetry-lint check`")?;
        let summary = format!(
            "0 errors, 0 warnings in {n} events; checked telemetry.yaml against {n} event structs"
        );
        if !check.stdout.contains(&summary) || !check.stdout.contains("TELEMETRY.md is current") {
            return Err(format!(
                "`check` did not report a clean run over {n} events with a current TELEMETRY.md: {}",
                check.stdout.trim()
            ));
        }
        cpus.push(doc.cpu + check.cpu);
        docs.push((doc.wall, doc.max_rss_kib));
        checks.push((check.wall, check.max_rss_kib));
        Ok((
            doc.wall + check.wall,
            doc.max_rss_kib.max(check.max_rss_kib),
        ))
    })?;
    let doc_text = std::fs::read_to_string(dir.join("TELEMETRY.md"))
        .map_err(|e| format!("`doc` wrote no TELEMETRY.md: {e}"))?;
    let last = workload::event_name(n - 1);
    if !doc_text.contains(&last) {
        return Err(format!("TELEMETRY.md does not describe `{last}`"));
    }
    // The warm-up iteration is not counted.
    let split = |runs: Vec<(Duration, u64)>| Sample {
        walls: runs.iter().skip(1).map(|r| r.0).collect(),
        max_rss_kib: runs.iter().map(|r| r.1).max().unwrap_or(0),
    };
    Ok(Ours {
        doc: split(docs),
        check: split(checks),
        total,
        cpu: Sample {
            walls: cpus.into_iter().skip(1).collect(),
            max_rss_kib: 0,
        },
    })
}

/// The `glean_parser` program, installed on first use.
fn glean_parser() -> Result<PathBuf, String> {
    let home = std::env::var_os("HOME").ok_or("HOME is not set")?;
    let venv = PathBuf::from(home).join(".cache/telemetry-bench/glean-venv");
    let program = venv.join("bin/glean_parser");
    if program.is_file() {
        return Ok(program);
    }
    eprintln!("installing glean_parser from PyPI into {}", venv.display());
    measure::run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?
        .expect_code(0, "python3 -m venv")
        .map_err(|e| format!("glean_parser unavailable: {e}"))?;
    measure::run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "glean_parser"])
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
    )?
    .expect_code(0, "pip install glean_parser")
    .map_err(|e| format!("glean_parser unavailable: {e}"))?;
    if program.is_file() {
        Ok(program)
    } else {
        Err("glean_parser unavailable: pip installed no glean_parser program".to_owned())
    }
}

/// Glean's side: `glean_parser translate -f markdown` on the same registry. One run
/// when it takes over five seconds, else the median of three.
fn measure_glean(config: &Config, n: usize) -> Result<Sample, String> {
    let program = glean_parser()?;
    let dir = config.work.join("glean");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let metrics = dir.join("metrics.yaml");
    std::fs::write(&metrics, workload::glean_metrics(n)).map_err(|e| e.to_string())?;
    let out = dir.join("out");
    let once = || -> Result<Duration, String> {
        let run = measure::run(
            Command::new(&program)
                .args(["translate", "-f", "markdown", "-o"])
                .arg(&out)
                .arg(&metrics),
        )?
        .expect_code(0, "glean_parser translate")?;
        Ok(run.wall)
    };
    let first = once()?;
    let mut walls = vec![first];
    if first < Duration::from_secs(5) {
        walls.push(once()?);
        walls.push(once()?);
    }
    let written: usize = std::fs::read_dir(&out)
        .map_err(|e| format!("glean_parser wrote nothing: {e}"))?
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| text.matches("event").count())
        .sum();
    if written < n {
        return Err(format!(
            "glean_parser's markdown mentions fewer than {n} events"
        ));
    }
    Ok(Sample {
        walls,
        max_rss_kib: 0,
    })
}
