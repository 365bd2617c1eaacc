//! The bodies of the fuzz targets, one function per target.
//!
//! `telemetry-lint/tests/hostile.rs` includes this file too, so every input kept
//! under `fixtures/hostile/fuzz-regressions/<target>/` replays through exactly the
//! code that once failed on it. A target fails (and the fuzzer keeps the input) on a
//! panic, an abort such as a stack overflow, or a broken invariant asserted here.
//!
//! - [`manifest_loader`]: bytes as `telemetry.yaml`: decode, parse within the
//!   budgets, validate, check the policy, and render every diagnostic with its
//!   snippet, as `check` prints them.
//! - [`source_scanner`]: bytes as a Rust file: the linter's scanner, the shared
//!   struct checks against a fixed manifest, the rendered diagnostics, and `init`'s
//!   reader and drafter (whose draft must load as a manifest).
//! - [`doc_generator`]: bytes as a manifest that loads: `TELEMETRY.md` and
//!   `TELEMETRY.json`, which must be the same on every rendering; the JSON must parse,
//!   and the manifest's text cannot add a heading to the Markdown.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use telemetry_lint::__private::{Body, Problem, Scan, SourceSpan, scan_bytes};
use telemetry_lint::{Diagnostic, Location, Report};
use telemetry_manifest::{
    ByteSpan, Date, EventStruct, Level, StructField, ValidManifest, check_event_struct,
    check_policy, classify_type, line_column, load_bytes, parse_str, parse_value, validate,
};

/// The date expiry is checked against, fixed so a run is reproducible.
const TODAY: &str = "2026-11-21";

/// The manifest's path as the reports show it.
const MANIFEST: &str = "telemetry.yaml";

/// The Rust file's path as the reports show it.
const SOURCE: &str = "src/lib.rs";

/// The manifest the scanned structs are checked against.
const REFERENCE_MANIFEST: &str = include_str!("../../fixtures/lint-clean/telemetry.yaml");

/// Decodes, parses, validates and policy-checks `data` as a manifest, and renders
/// every diagnostic in both output formats.
pub fn manifest_loader(data: &[u8]) {
    let mut report = Report::default();
    let loaded = match load_bytes(data) {
        Ok(loaded) => loaded,
        Err(error) => {
            report.fatal = true;
            report.push(Diagnostic::problem(
                Problem::InvalidManifest,
                Level::Error,
                error.message,
                error.help,
            ));
            render(&mut report);
            return;
        }
    };
    let text: Arc<str> = Arc::from(loaded.source.as_str());
    report.files.insert(MANIFEST.to_owned(), Arc::clone(&text));
    match &loaded.manifest {
        Err(error) => {
            let mut diagnostic = Diagnostic::problem(
                Problem::InvalidManifest,
                Level::Error,
                error.message.clone(),
                error.help.clone(),
            );
            diagnostic.manifest = error.span.map(|span| manifest_location(&text, span));
            report.fatal = true;
            report.push(diagnostic);
        }
        Ok(manifest) => {
            let (valid, findings) = validate(manifest);
            let today = Date::parse(TODAY).expect("a fixed, valid date");
            for finding in findings.iter().chain(&check_policy(&valid, today)) {
                let mut diagnostic = Diagnostic::from_finding(finding);
                diagnostic.manifest = finding
                    .manifest_span
                    .map(|span| manifest_location(&text, span));
                report.push(diagnostic);
            }
            // What loaded once loads again as plain values, for the schema check.
            if let Err(error) = parse_value::<serde_json::Value>(&text) {
                panic!(
                    "the manifest loaded but not as JSON values: {}",
                    error.message
                );
            }
        }
    }
    render(&mut report);
}

/// Scans `data` as a Rust file, checks its event structs against a fixed manifest,
/// renders the diagnostics, and runs `init` on it, on a thread with the binary's
/// stack size.
pub fn source_scanner(data: &[u8]) {
    // As the binary does: the scanners assume a large stack (see `nesting`).
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(telemetry_lint::__private::STACK_BYTES)
            .spawn_scoped(scope, || scan_source(data))
            .expect("a thread starts")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    });
}

fn scan_source(data: &[u8]) {
    let mut scan = Scan::default();
    scan_bytes(&mut scan, SOURCE.to_owned(), data.to_vec());
    let mut report = Report::default();
    for file in &scan.files {
        report
            .files
            .insert(file.path.clone(), Arc::clone(&file.text));
    }
    for problem in &scan.problems {
        let mut diagnostic = Diagnostic::problem(
            Problem::UnparseableSource,
            Level::Warning,
            problem.detail.clone(),
            "",
        );
        diagnostic.source = problem
            .at
            .map(|(file, span)| source_location(&scan.files[file].path, span));
        report.push(diagnostic);
    }
    let valid = reference_manifest();
    for item in &scan.structs {
        let Some(mark) = &item.marks.event else {
            continue;
        };
        let Body::Named(fields) = &item.body else {
            continue;
        };
        for field in fields {
            let _ = classify_type(&field.ty);
        }
        let event = EventStruct {
            ident: item.ident.clone(),
            event: mark.name.as_ref().map_or_else(
                || telemetry_manifest::default_event_name(&item.ident),
                |(name, _)| name.clone(),
            ),
            fields: fields
                .iter()
                .map(|f| StructField {
                    name: f.name.clone(),
                    ty: &f.ty,
                })
                .collect(),
        };
        let path = &scan.files[item.file].path;
        for finding in check_event_struct(valid, &event) {
            let mut diagnostic = Diagnostic::from_finding(&finding);
            let span = match finding.code {
                Some(telemetry_manifest::CodeTarget::FieldName(i)) => {
                    fields.get(i).map_or(item.span, |f| f.name_span)
                }
                Some(telemetry_manifest::CodeTarget::FieldType(i)) => {
                    fields.get(i).map_or(item.span, |f| f.ty_span)
                }
                _ => item.span,
            };
            diagnostic.source = Some(source_location(path, span));
            report.push(diagnostic);
        }
    }
    render(&mut report);
    init_draft(data);
}

/// Renders `data` as `TELEMETRY.md` when it loads as a manifest.
pub fn doc_generator(data: &[u8]) {
    let Ok(loaded) = load_bytes(data) else {
        return;
    };
    let Ok(manifest) = &loaded.manifest else {
        return;
    };
    let (valid, _) = validate(manifest);
    let first = telemetry_lint::__private::render_markdown_dictionary(&valid, MANIFEST);
    let second = telemetry_lint::__private::render_markdown_dictionary(&valid, MANIFEST);
    assert_eq!(first, second, "the document differs between two renderings");
    let json = telemetry_lint::__private::render_json_dictionary(&valid, MANIFEST);
    assert_eq!(
        json,
        telemetry_lint::__private::render_json_dictionary(&valid, MANIFEST),
        "the JSON document differs between two renderings"
    );
    if let Err(error) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("the JSON document does not parse: {error}\n{json}");
    }
    // Every heading is the title, a fixed section title, or an event's own heading:
    // no text of the manifest (a name, a description) can start a line of its own.
    // A name that is not snake_case is written on one line (see `doc::render`).
    let one_line = |name: &str| -> String {
        name.chars()
            .map(|c| {
                if c.is_whitespace() || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    let events: Vec<String> = valid
        .events
        .iter()
        .map(|e| format!("## `{}`", one_line(&e.name.value)))
        .collect();
    for (index, line) in first.lines().filter(|l| l.starts_with('#')).enumerate() {
        let fixed = line
            .strip_prefix("## ")
            .is_some_and(|t| t.chars().all(|c| c.is_ascii_alphabetic() || c == ' '));
        let title = index == 0 && line.starts_with("# Telemetry in ");
        assert!(
            title || fixed || events.iter().any(|e| e == line),
            "the manifest's text made a heading, {line:?}:\n{first}"
        );
    }
}

fn reference_manifest() -> &'static ValidManifest {
    static VALID: OnceLock<ValidManifest> = OnceLock::new();
    VALID.get_or_init(|| {
        let manifest = parse_str(REFERENCE_MANIFEST).expect("the reference manifest loads");
        validate(&manifest).0
    })
}

/// Runs `init --dry-run` on `data` as the only Rust file of a folder; the draft it
/// would write must load as a manifest.
fn init_draft(data: &[u8]) {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let Some(dir) = DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("telemetry-fuzz-init")
            .tempdir()
            .ok()
            .map(tempfile::TempDir::keep)
    }) else {
        return;
    };
    if std::fs::write(dir.join("lib.rs"), data).is_err() {
        return;
    }
    let options = telemetry_lint::InitOptions {
        paths: vec![PathBuf::from("lib.rs")],
        selector: telemetry_lint::Selector::AllStructs,
        output: Some(Path::new("telemetry.yaml").to_path_buf()),
        dry_run: true,
        force: false,
        format: telemetry_lint::Format::Human,
    };
    if let Ok(report) = telemetry_lint::__private::init_in(&options, dir) {
        let _ = report.render_human(false);
        let _ = report.render_json();
        if let Err(error) = parse_str(&report.draft) {
            panic!(
                "init drafted a manifest that does not load: {}\n{}",
                error.message, report.draft
            );
        }
    }
}

fn render(report: &mut Report) {
    report.sort();
    let human = report.render_human(false);
    let json = report.render_json();
    if let Err(error) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("the JSON report does not parse: {error}\n{json}\n{human}");
    }
}

fn manifest_location(text: &str, span: ByteSpan) -> Location {
    let (line, column) = line_column(text, span.offset);
    Location {
        path: MANIFEST.to_owned(),
        line,
        column,
        offset: span.offset,
        len: span.len,
        label: "here".to_owned(),
    }
}

fn source_location(path: &str, span: SourceSpan) -> Location {
    Location {
        path: path.to_owned(),
        line: span.line,
        column: span.column,
        offset: span.offset,
        len: span.len,
        label: "here".to_owned(),
    }
}
