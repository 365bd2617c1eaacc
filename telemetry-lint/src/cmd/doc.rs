//! `cargo telemetry-lint doc`: writes (or, with `--check`, compares) TELEMETRY.md,
//! with `--format json` TELEMETRY.json, or with `--format html` TELEMETRY.html, from
//! the manifest.

use crate::Format;
use crate::cli;
use crate::cmd::{Color, emit, print_out};
use crate::generated;
use crate::load;
use crate::render;
use crate::report::Report;

/// Runs `doc`; returns the exit code.
pub(crate) fn run(
    global: &cli::GlobalArgs,
    args: &cli::DocArgs,
    format: Format,
    color: Color,
) -> i32 {
    let loaded = match load::load(global.manifest_path.as_deref(), global.manifest.as_deref()) {
        Ok(loaded) => loaded,
        Err(report) => return emit(&report, format, color),
    };
    // `--format json` selects the JSON data dictionary; the report of the run is
    // then printed as JSON too.
    // `--format html` the web page, whose run is reported as `human` is.
    let (expected, file_name, command) = match format {
        Format::Json => (
            render::json::render(&loaded.valid, &loaded.shown_path),
            render::json::FILE_NAME,
            "cargo telemetry-lint doc --format json",
        ),
        Format::Html => (
            render::html::render(&loaded.valid, &loaded.shown_path),
            render::html::FILE_NAME,
            "cargo telemetry-lint doc --format html",
        ),
        _ => (
            render::markdown::render(&loaded.valid, &loaded.shown_path),
            render::markdown::FILE_NAME,
            "cargo telemetry-lint doc",
        ),
    };
    if args.output.as_deref() == Some(std::path::Path::new("-")) {
        if args.check {
            eprintln!("error: `--check` compares a file; give `--output <PATH>`, not `-`");
            return 2;
        }
        print_out(&expected);
        return 0;
    }
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| loaded.workspace.root.join(file_name));
    let shown = load::shown_path(&loaded.workspace.root, &path);
    let mut report = Report {
        manifest: Some(loaded.shown_path.clone()),
        ..Report::default()
    };
    if args.check {
        if let Some(mut diagnostic) =
            generated::dictionary_staleness(&path, &shown, &expected, true, &mut report)
        {
            if matches!(format, Format::Json | Format::Html) {
                diagnostic.help = Some(format!("run `{command}` and commit the result"));
            }
            report.push(diagnostic);
        } else {
            report.note = Some(format!("{shown} is up to date"));
        }
    } else {
        generated::write_output(&path, &shown, &expected, &mut report);
    }
    report.events = loaded.valid.events.len();
    report.sort();
    load::drop_in_background(loaded);
    emit(&report, format, color)
}
