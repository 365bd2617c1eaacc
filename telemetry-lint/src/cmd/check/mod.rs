//! `cargo telemetry-lint check`: the manifest against its schema, its policy and
//! the code, and `TELEMETRY.md` against the manifest.
//!
//! The checks themselves live in `telemetry-manifest` and are shared with
//! `#[telemetry_event]`; this module only finds their inputs (the workspace, the
//! manifest, the event structs and enums) and places each finding in the files, so a
//! rule reads the same in a compiler error and in a CI log. The one check made here
//! is the one the compiler cannot make: resolving a field's opaque type against the
//! enums of the whole workspace.

mod code;
mod manifest_schema;

use std::path::PathBuf;

use telemetry_manifest::{Finding, Level, rules};

use crate::Format;
use crate::cli;
use crate::cmd::{Color, emit, refuse_format};
use crate::generated;
use crate::load::{self, LoadedManifest, manifest_location};
use crate::render;
use crate::report::{Diagnostic, Location, Problem, Report, plural};
use crate::scan::{self, SourceSpan};

fn today(args: &cli::CheckArgs) -> Result<telemetry_manifest::Date, String> {
    let text = match &args.today {
        Some(text) => Some(text.clone()),
        None => std::env::var(crate::TODAY_ENV)
            .ok()
            .filter(|t| !t.is_empty()),
    };
    match text {
        Some(text) => telemetry_manifest::Date::parse(text.trim())
            .map_err(|e| format!("invalid --today or {}: {e}", crate::TODAY_ENV)),
        None => Ok(telemetry_manifest::Date::today()),
    }
}

/// Runs `check`; returns the exit code.
pub(crate) fn run(
    global: &cli::GlobalArgs,
    args: &cli::CheckArgs,
    format: Format,
    color: Color,
) -> i32 {
    if let Some(code) = refuse_format("check", format, "human, json, sarif, github") {
        return code;
    }
    let today = match today(args) {
        Ok(today) => today,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let options = CheckOptions {
        manifest_path: global.manifest_path.clone(),
        manifest: global.manifest.clone(),
        today,
        require_doc: args.require_doc,
    };
    let report = check(&options);
    emit(&report, format, color)
}

/// What `check` reads.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The workspace's `Cargo.toml`; `None` lets cargo find it from the current
    /// directory.
    pub manifest_path: Option<PathBuf>,
    /// The telemetry manifest; `None` means `<workspace root>/telemetry.yaml`.
    pub manifest: Option<PathBuf>,
    /// Today's date (UTC), against which expiry is checked.
    pub today: telemetry_manifest::Date,
    /// Whether a missing `TELEMETRY.md` is a finding.
    pub require_doc: bool,
}

fn source_location(path: &str, span: SourceSpan, label: &str) -> Location {
    Location {
        path: path.to_owned(),
        line: span.line,
        column: span.column,
        offset: span.offset,
        len: span.len,
        label: label.to_owned(),
    }
}

/// Runs every check. Never fails: a run that cannot complete is a fatal report.
///
/// The work runs side by side on the cores: the sources of the members that the
/// root `Cargo.toml` names are scanned while `cargo metadata` confirms them
/// ([`load::guess_workspace`]), and the manifest is parsed for the JSON Schema
/// check while it is parsed into the model. Every result is joined before any is
/// reported, so the report does not depend on which finishes first.
pub(crate) fn check(options: &CheckOptions) -> Report {
    let guess = load::guess_workspace(options.manifest_path.as_deref());
    let joined = std::thread::scope(|scope| {
        // The scan's syntax trees cannot move between threads, so the scan runs
        // here and the loading on a second thread.
        let loading = scope.spawn(|| {
            let mut instance = None;
            let loaded = load::load_with(
                options.manifest_path.as_deref(),
                options.manifest.as_deref(),
                |text| {
                    let text = text.clone();
                    instance = Some(scope.spawn(move || manifest_schema::instance(&text)));
                },
            );
            let instance = instance.and_then(|handle| handle.join().ok().flatten());
            loaded.map(|loaded| (loaded, instance))
        });
        let early_scan = guess.as_ref().map(scan_members);
        let (loaded, instance) = match loading.join() {
            Ok(loaded) => loaded?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let scan = match early_scan {
            Some(scan) if guess.as_ref() == Some(&loaded.workspace) => scan,
            _ => scan_members(&loaded.workspace),
        };
        Ok::<_, Box<Report>>((loaded, instance, scan))
    });
    let (loaded, instance, scan) = match joined {
        Ok(joined) => joined,
        Err(report) => return *report,
    };
    let mut report = Report {
        manifest: Some(loaded.shown_path.clone()),
        ..Report::default()
    };
    report
        .files
        .insert(loaded.shown_path.clone(), loaded.text.clone());
    let place = |finding: &Finding| -> Diagnostic {
        let mut diagnostic = Diagnostic::from_finding(finding);
        diagnostic.manifest = finding.manifest_span.map(|span| {
            manifest_location(
                &loaded.shown_path,
                &loaded.text,
                span,
                finding.rule.manifest_label,
            )
        });
        diagnostic
    };

    let shape_findings = loaded
        .findings
        .iter()
        .any(|f| f.rule == rules::INVALID_FIELD_PARAMETERS);
    let schema = match (&instance, shape_findings) {
        (Some(instance), false) => manifest_schema::schema_diagnostics(&loaded, instance),
        (None, false) => vec![Diagnostic::problem(
            Problem::ManifestSchema,
            Level::Error,
            "the manifest could not be checked against its JSON Schema",
            "report this as a bug in cargo-telemetry-lint; the other checks ran",
        )],
        (_, true) => Vec::new(),
    };
    for diagnostic in schema {
        report.push(diagnostic);
    }
    // Every finding of the run is collected first, about the manifest and about
    // the code, so that the waivers are applied to all of them in one place.
    let found = code::Found::of(&scan);
    let mut findings: Vec<code::Placed> = loaded
        .findings
        .iter()
        .cloned()
        .chain(telemetry_manifest::check_policy(
            &loaded.valid,
            options.today,
        ))
        .chain(telemetry_manifest::check_privacy(
            &loaded.valid,
            options.today,
        ))
        .chain(telemetry_manifest::check_governance(&loaded.valid))
        .chain(telemetry_manifest::check_budget(&loaded.valid))
        .chain(telemetry_manifest::check_waivers(&loaded.manifest))
        .map(|finding| code::Placed {
            finding,
            source: None,
        })
        .collect();
    findings.extend(code::check_code(&loaded, &found, &mut report));
    let waived = telemetry_manifest::apply_waivers(&loaded.valid, findings);
    for placed in waived.kept {
        let mut diagnostic = place(&placed.finding);
        diagnostic.source = placed.source;
        report.push(diagnostic);
    }
    for finding in &waived.unused {
        report.push(place(finding));
    }

    check_doc(&loaded, options.require_doc, &mut report);
    let doc_checked = loaded
        .workspace
        .root
        .join(render::markdown::FILE_NAME)
        .is_file();
    let doc_stale = report
        .diagnostics
        .iter()
        .any(|d| d.rule() == Some(rules::STALE_DATA_DICTIONARY));
    report.scope = Some(format!(
        "{} against {} in {}{}{}",
        loaded.shown_path,
        match found.groups.len() {
            0 => plural(found.events.len(), "event struct"),
            n => format!(
                "{} and {}",
                plural(found.events.len(), "event struct"),
                plural(n, "group struct")
            ),
        },
        plural(scan.rust_files, "Rust file"),
        match waived.waived.len() {
            0 => String::new(),
            n => format!("; {} waived", plural(n, "finding")),
        },
        match (doc_checked, doc_stale) {
            (true, false) => format!("; {} is current", render::markdown::FILE_NAME),
            (true, true) => format!("; {} is stale", render::markdown::FILE_NAME),
            (false, _) => String::new(),
        }
    ));

    let mut events: Vec<&str> = loaded
        .valid
        .events
        .iter()
        .map(|e| e.name.value.as_str())
        .chain(found.events.iter().map(|s| s.name.as_str()))
        .collect();
    events.sort_unstable();
    events.dedup();
    report.events = events.len();
    report.sort();
    report
}

/// The event structs, groups and enums of a workspace's members: each member
/// walked on its own, `target/` and nested packages left out.
fn scan_members(workspace: &load::Workspace) -> scan::Scan {
    scan::scan(&scan::Walk {
        roots: &workspace.members,
        base: &workspace.root,
        prefilter: true,
        skip_nested_packages: true,
        skip_test_modules: false,
    })
}

fn check_doc(loaded: &LoadedManifest, require_doc: bool, report: &mut Report) {
    let path = loaded.workspace.root.join(render::markdown::FILE_NAME);
    let expected = render::markdown::render(&loaded.valid, &loaded.shown_path);
    if let Some(diagnostic) = generated::dictionary_staleness(
        &path,
        render::markdown::FILE_NAME,
        &expected,
        require_doc,
        report,
    ) {
        report.push(diagnostic);
    }
}
