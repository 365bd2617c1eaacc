//! `cargo telemetry-lint estimate RECORDS`: reads the JSON Lines records that the
//! spool and the HTTP sink write, and prints, per event and field, the debiased
//! frequency of each value (or the mean of a count) with its 95% confidence
//! interval, every cell under the event's `min_count` reports suppressed. The
//! estimators are `telemetry_manifest::estimate`'s; `docs/estimate.md` gives them
//! in SQL.
//!
//! The manifest comes from `--manifest PATH` (no workspace needed, as a collector
//! has none) or from the workspace.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};
use telemetry_manifest::{
    Estimates, FieldEstimate, FieldEstimateKind, Interval, Level, ValidManifest,
};

use crate::Format;
use crate::cli;
use crate::cmd::diff::load_side;
use crate::cmd::{Color, emit, print_out, refuse_format};
use crate::load;
use crate::report::{Diagnostic, Problem, Report};

/// Runs `estimate`; returns the exit code: 0, or 2 when the manifest or the
/// records cannot be read.
pub(crate) fn run(
    global: &cli::GlobalArgs,
    args: &cli::EstimateArgs,
    format: Format,
    color: Color,
) -> i32 {
    if let Some(code) = refuse_format("estimate", format, "human, json") {
        return code;
    }
    let manifest = match manifest(global) {
        Ok(manifest) => manifest,
        Err(report) => return emit(&report, format, color),
    };
    let shown = args.records.display().to_string().replace('\\', "/");
    let text = match read_records(&args.records) {
        Ok(text) => text,
        Err(error) => {
            let mut report = Report {
                fatal: true,
                ..Report::default()
            };
            report.push(Diagnostic::problem(
                Problem::UnreadableRecords,
                Level::Error,
                format!("cannot read the records `{shown}`: {error}"),
                "give the JSON Lines file that the program's spool or the collector wrote, or `-` to read standard input",
            ));
            return emit(&report, format, color);
        }
    };
    let estimates = telemetry_manifest::estimate(&manifest, &text);
    match format {
        Format::Json => print_out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&to_json(&shown, &estimates)).unwrap_or_default()
        )),
        _ => print_out(&render_human(&shown, &estimates)),
    }
    0
}

/// The manifest: the file given with `--manifest`, or the workspace's.
fn manifest(global: &cli::GlobalArgs) -> Result<ValidManifest, Box<Report>> {
    match &global.manifest {
        Some(path) => {
            let spec = path.display().to_string();
            let mut no_workspace =
                || -> Result<std::path::PathBuf, Box<Report>> { Ok(path.clone()) };
            // A path, unlike a git revision, always names a manifest or an error.
            load_side(&spec, &mut no_workspace)?
                .map(|side| side.valid)
                .ok_or_else(|| {
                    load::fatal(Diagnostic::problem(
                        Problem::InvalidManifest,
                        telemetry_manifest::Level::Error,
                        format!("no manifest at `{spec}`"),
                        "name the telemetry.yaml the records were sent under with `--manifest`",
                    ))
                })
        }
        None => load::load(global.manifest_path.as_deref(), None).map(|loaded| loaded.valid),
    }
}

fn read_records(path: &Path) -> std::io::Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)?;
        bytes
    } else {
        std::fs::read(path)?
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A share or a mean, to four decimals.
fn number(x: f64) -> String {
    format!("{x:.4}")
}

fn interval_text(interval: &Interval) -> String {
    format!(
        "{}  [{}, {}]",
        number(interval.value),
        number(interval.low),
        number(interval.high)
    )
}

fn noise_text(field: &FieldEstimate) -> String {
    match field.noise {
        Some((mechanism, epsilon)) => format!("{mechanism}, epsilon {epsilon}"),
        None => "no noise".to_owned(),
    }
}

/// The estimates for people: one block per event, one line per cell.
fn render_human(shown: &str, estimates: &Estimates) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Estimates from {shown}: share of true values (or mean) with 95% intervals; cells under an event's min_count reports are suppressed.\n"
    );
    for event in &estimates.events {
        if event.reports == 0 {
            let _ = writeln!(out, "event `{}`: no reports\n", event.event);
            continue;
        }
        let _ = writeln!(
            out,
            "event `{}`: {} reports, sample rate {}, about {:.0} occurrences; min_count {}",
            event.event, event.reports, event.sample_rate, event.occurrences, event.min_count
        );
        for field in &event.fields {
            let _ = writeln!(
                out,
                "  {} ({}; {} reports)",
                field.field,
                noise_text(field),
                field.reports
            );
            match &field.kind {
                FieldEstimateKind::Mean(Some(mean)) => {
                    let _ = writeln!(out, "    {:<14} {}", "mean", interval_text(mean));
                }
                FieldEstimateKind::Mean(None) => {
                    let _ = writeln!(
                        out,
                        "    {:<14} suppressed (fewer than {} reports)",
                        "mean", event.min_count
                    );
                }
                FieldEstimateKind::Frequencies(cells) => {
                    for cell in cells {
                        let text = match &cell.estimate {
                            Some(interval) => {
                                format!("{}  {} reports", interval_text(interval), cell.reports)
                            }
                            None => {
                                format!("suppressed (fewer than {} reports)", event.min_count)
                            }
                        };
                        let _ = writeln!(out, "    {:<14} {text}", cell.value);
                    }
                }
            }
        }
        out.push('\n');
    }
    if !estimates.skipped.is_empty() {
        let count = estimates.skipped.len();
        let _ = writeln!(
            out,
            "{count} {} skipped:",
            if count == 1 { "line" } else { "lines" }
        );
        for (line, why) in estimates.skipped.iter().take(20) {
            let _ = writeln!(out, "  line {line}: {why}");
        }
    }
    out
}

fn interval_json(interval: Option<&Interval>) -> Value {
    match interval {
        Some(i) => json!({
            "estimate": i.value,
            "standard_error": i.standard_error,
            "low": i.low,
            "high": i.high,
        }),
        None => Value::Null,
    }
}

/// The estimates for tools; a suppressed estimate, and its count of reports, is
/// `null`.
fn to_json(shown: &str, estimates: &Estimates) -> Value {
    let events: Vec<Value> = estimates
        .events
        .iter()
        .map(|event| {
            let fields: Vec<Value> = event
                .fields
                .iter()
                .map(|field| {
                    let (mechanism, epsilon) = match field.noise {
                        Some((m, e)) => (json!(m.as_str()), json!(e.as_f64())),
                        None => (Value::Null, Value::Null),
                    };
                    let mut value = json!({
                        "field": field.field,
                        "mechanism": mechanism,
                        "epsilon": epsilon,
                        "reports": field.reports,
                    });
                    match &field.kind {
                        FieldEstimateKind::Mean(mean) => {
                            value["mean"] = interval_json(mean.as_ref());
                        }
                        FieldEstimateKind::Frequencies(cells) => {
                            value["values"] = cells
                                .iter()
                                .map(|cell| {
                                    // A suppressed cell's count is withheld too.
                                    let reports = match cell.estimate {
                                        Some(_) => json!(cell.reports),
                                        None => Value::Null,
                                    };
                                    json!({
                                        "value": cell.value,
                                        "reports": reports,
                                        "share": interval_json(cell.estimate.as_ref()),
                                    })
                                })
                                .collect();
                        }
                    }
                    value
                })
                .collect();
            json!({
                "event": event.event,
                "reports": event.reports,
                "sample_rate": event.sample_rate,
                "occurrences": event.occurrences,
                "min_count": event.min_count,
                "fields": fields,
            })
        })
        .collect();
    let skipped: Vec<Value> = estimates
        .skipped
        .iter()
        .map(|(line, why)| json!({ "line": line, "why": why }))
        .collect();
    json!({
        "records": shown,
        "confidence": 0.95,
        "events": events,
        "skipped": skipped,
    })
}
