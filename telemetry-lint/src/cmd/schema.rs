//! `cargo telemetry-lint schema`: prints, writes or compares the JSON Schema of the
//! records a program sends.

use crate::Format;
use crate::cli;
use crate::cmd::{Color, emit, print_out, refuse_format};
use crate::generated;
use crate::load;
use crate::render;
use telemetry_manifest::Level;

use crate::report::{Diagnostic, Problem, Report};

/// Runs `schema`; returns the exit code.
pub(crate) fn run(
    global: &cli::GlobalArgs,
    args: &cli::SchemaArgs,
    format: Format,
    color: Color,
) -> i32 {
    if let Some(code) = refuse_format("schema", format, "human, json") {
        return code;
    }
    let loaded = match load::load(global.manifest_path.as_deref(), global.manifest.as_deref()) {
        Ok(loaded) => loaded,
        Err(report) => return emit(&report, format, color),
    };
    let expected = render::payload_schema::render(&loaded.valid);
    let Some(path) = &args.output else {
        print_out(&expected);
        return 0;
    };
    let shown = load::shown_path(&loaded.workspace.root, path);
    let mut report = Report {
        manifest: Some(loaded.shown_path.clone()),
        ..Report::default()
    };
    if args.check {
        if let generated::Staleness::Current = generated::compare(path, &expected) {
            report.note = Some(format!("{shown} is up to date"));
        } else {
            let state = if path.exists() {
                "differs from what the manifest generates"
            } else {
                "does not exist"
            };
            report.push(Diagnostic::problem(
                Problem::StaleSchema,
                Level::Error,
                format!("the payload schema `{shown}` {state}, so collectors would check records against an outdated list of fields and values"),
                format!("run `cargo telemetry-lint schema --output {shown}` and commit the result"),
            ));
        }
    } else {
        generated::write_output(path, &shown, &expected, &mut report);
    }
    report.events = loaded.valid.events.len();
    report.sort();
    emit(&report, format, color)
}
