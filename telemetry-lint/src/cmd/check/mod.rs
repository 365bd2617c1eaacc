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

use telemetry_manifest::{Finding, rules};

use crate::Format;
use crate::cli;
use crate::cmd::{Color, emit, refuse_format};
use crate::generated;
use crate::load::{self, LoadedManifest, manifest_location};
use crate::render;
use crate::report::{Diagnostic, Location, Report, plural};
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

/// What the second thread of [`check`] hands back: the loaded manifest, the
/// findings about the manifest alone, the JSON Schema's errors and the
/// `TELEMETRY.md` the manifest makes.
struct ManifestWork {
    loaded: LoadedManifest,
    findings: Vec<Finding>,
    schema: Vec<manifest_schema::SchemaError>,
    expected_doc: String,
}

/// Loads the manifest and does everything that needs only the manifest: the
/// shared rules about the manifest alone, the JSON Schema check (on a third
/// thread, from the same parse, while the model is read) and the rendering of
/// `TELEMETRY.md` to compare.
fn manifest_work(
    options: &CheckOptions,
    guess: Option<&load::Workspace>,
) -> Result<ManifestWork, Box<Report>> {
    std::thread::scope(|scope| {
        let mut schema = None;
        let loaded = load::load_with(
            options.manifest_path.as_deref(),
            options.manifest.as_deref(),
            guess,
            |document| {
                let document = document.clone();
                schema = Some(scope.spawn(move || manifest_schema::validate(&document)));
            },
        )?;
        // `TELEMETRY.md` is rendered on one more thread while the rules run.
        let (findings, expected_doc) = std::thread::scope(|inner| {
            let doc = inner.spawn(|| render::markdown::render(&loaded.valid, &loaded.shown_path));
            let findings: Vec<Finding> = loaded
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
                .collect();
            match doc.join() {
                Ok(doc) => (findings, doc),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        let schema = match schema.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(errors)) => errors,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Vec::new(),
        };
        Ok(ManifestWork {
            loaded,
            findings,
            schema,
            expected_doc,
        })
    })
}

/// Runs every check. Never fails: a run that cannot complete is a fatal report.
///
/// The work runs side by side on the cores: this thread scans the sources of the
/// members that the root `Cargo.toml` names while `cargo metadata` confirms them
/// ([`load::guess_workspace`]), and a second thread loads the manifest and does
/// all that needs only the manifest ([`manifest_work`]). Every result is joined
/// before any is reported, so the report does not depend on which finishes first.
pub(crate) fn check(options: &CheckOptions) -> Report {
    let guess = load::guess_workspace(options.manifest_path.as_deref());
    let joined = std::thread::scope(|scope| {
        // The scan's syntax trees cannot move between threads, so the scan runs
        // here and the manifest's work on the second thread.
        let manifest = scope.spawn(|| manifest_work(options, guess.as_ref()));
        let early_scan = guess.as_ref().map(scan_members);
        let work = match manifest.join() {
            Ok(work) => work?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let scan = match early_scan {
            Some(scan) if guess.as_ref() == Some(&work.loaded.workspace) => scan,
            _ => scan_members(&work.loaded.workspace),
        };
        Ok::<_, Box<Report>>((work, scan))
    });
    let (work, scan) = match joined {
        Ok(joined) => joined,
        Err(report) => return *report,
    };
    let loaded = &work.loaded;
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
                &loaded.lines,
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
    if !shape_findings {
        for diagnostic in manifest_schema::schema_diagnostics(loaded, work.schema) {
            report.push(diagnostic);
        }
    }
    // Every finding of the run is collected first, about the manifest and about
    // the code, so that the waivers are applied to all of them in one place.
    let found = code::Found::of(&scan);
    let mut findings: Vec<code::Placed> = work
        .findings
        .into_iter()
        .map(|finding| code::Placed {
            finding,
            source: None,
        })
        .collect();
    findings.extend(code::check_code(loaded, &found, &mut report));
    let waived = telemetry_manifest::apply_waivers(&loaded.valid, findings);
    for placed in waived.kept {
        let mut diagnostic = place(&placed.finding);
        diagnostic.source = placed.source;
        report.push(diagnostic);
    }
    for finding in &waived.unused {
        report.push(place(finding));
    }

    check_doc(loaded, &work.expected_doc, options.require_doc, &mut report);
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
    load::drop_in_background(work.loaded);
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

/// Compares `TELEMETRY.md` with `expected`, what the manifest makes.
fn check_doc(loaded: &LoadedManifest, expected: &str, require_doc: bool, report: &mut Report) {
    let path = loaded.workspace.root.join(render::markdown::FILE_NAME);
    if let Some(diagnostic) = generated::dictionary_staleness(
        &path,
        render::markdown::FILE_NAME,
        expected,
        require_doc,
        report,
    ) {
        report.push(diagnostic);
    }
}
