//! `cargo telemetry-lint check`: the manifest against its schema, its policy and
//! the code, and `TELEMETRY.md` against the manifest.
//!
//! The checks themselves live in `telemetry-manifest` and are shared with
//! `#[telemetry_event]`; this module only finds their inputs (the workspace, the
//! manifest, the event structs and enums) and places each finding in the files, so a
//! rule reads the same in a compiler error and in a CI log. The one check made here
//! is the one the compiler cannot make: resolving a field's opaque type against the
//! enums of the whole workspace.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use telemetry_manifest::{
    ByteSpan, CodeTarget, EventStruct, FieldType, Finding, Level, Manifest, StructField, TypeClass,
    ValidManifest, classify_type, line_column, rules, type_mismatch_help, type_mismatch_message,
    type_to_string,
};

use crate::doc;
use crate::report::{Diagnostic, Location, Report};
use crate::workspace::{self, FoundStruct, ProblemKind, Scan, SourceSpan, Workspace};

/// The JSON Schema of `telemetry.yaml`, as shipped in `schemas/`.
pub const MANIFEST_SCHEMA: &str = include_str!("../../schemas/telemetry-manifest.schema.json");

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

/// The manifest of a workspace, loaded and validated.
pub struct LoadedManifest {
    /// The workspace.
    pub workspace: Workspace,
    /// The manifest's path as shown: relative to the workspace root when inside it.
    pub shown_path: String,
    /// The manifest's text.
    pub text: Arc<str>,
    /// The manifest as parsed.
    pub manifest: Manifest,
    /// The manifest as checked.
    pub valid: ValidManifest,
    /// The findings of `validate`.
    pub findings: Vec<Finding>,
}

/// Finds the workspace and loads its manifest. On failure the report explains why
/// and is fatal (exit code 2).
///
/// # Errors
/// A fatal [`Report`] when the workspace cannot be found or the manifest cannot be
/// read or parsed.
pub fn load(
    manifest_path: Option<&Path>,
    manifest: Option<&Path>,
) -> Result<LoadedManifest, Box<Report>> {
    let workspace = workspace::discover(manifest_path).map_err(|e| {
        fatal(Diagnostic::other(
            "no-workspace",
            Level::Error,
            e.message,
            e.help,
        ))
    })?;
    let path = manifest.map_or_else(|| workspace.root.join("telemetry.yaml"), Path::to_path_buf);
    let shown_path = workspace::shown_path(&workspace.root, &path);
    let loaded = telemetry_manifest::load_path(&path).map_err(|e| {
        fatal(Diagnostic::other(
            "invalid-manifest",
            Level::Error,
            e.message,
            e.help,
        ))
    })?;
    let text: Arc<str> = Arc::from(loaded.source);
    let manifest = match loaded.manifest {
        Ok(manifest) => manifest,
        Err(e) => {
            let mut diagnostic =
                Diagnostic::other("invalid-manifest", Level::Error, e.message, e.help);
            diagnostic.manifest = e
                .span
                .map(|span| manifest_location(&shown_path, &text, span, "here"));
            let mut report = fatal(diagnostic);
            report.files.insert(shown_path, text);
            return Err(report);
        }
    };
    let (valid, findings) = telemetry_manifest::validate(&manifest);
    Ok(LoadedManifest {
        workspace,
        shown_path,
        text,
        manifest,
        valid,
        findings,
    })
}

fn fatal(diagnostic: Diagnostic) -> Box<Report> {
    let mut report = Report {
        fatal: true,
        ..Report::default()
    };
    report.push(diagnostic);
    Box::new(report)
}

/// A location in the manifest, from a byte span.
pub fn manifest_location(path: &str, text: &str, span: ByteSpan, label: &str) -> Location {
    let (line, column) = line_column(text, span.offset);
    Location {
        path: path.to_owned(),
        line,
        column,
        offset: span.offset,
        len: span.len,
        label: label.to_owned(),
    }
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
pub fn run(options: &CheckOptions) -> Report {
    let loaded = match load(
        options.manifest_path.as_deref(),
        options.manifest.as_deref(),
    ) {
        Ok(loaded) => loaded,
        Err(report) => return *report,
    };
    let mut report = Report::default();
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
                manifest_label(finding.rule),
            )
        });
        diagnostic
    };

    let shape_findings = loaded
        .findings
        .iter()
        .any(|f| f.rule == rules::INVALID_FIELD_PARAMETERS);
    for finding in &loaded.findings {
        report.push(place(finding));
    }
    if !shape_findings {
        for diagnostic in schema_diagnostics(&loaded) {
            report.push(diagnostic);
        }
    }
    for finding in telemetry_manifest::check_policy(&loaded.valid, options.today) {
        report.push(place(&finding));
    }

    let scan = workspace::scan(&loaded.workspace);
    check_code(&loaded, &scan, &mut report, &place);
    check_doc(&loaded, options.require_doc, &mut report);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let doc_checked = loaded.workspace.root.join(doc::FILE_NAME).is_file();
    let doc_stale = report
        .diagnostics
        .iter()
        .any(|d| d.rule == Some(rules::STALE_DATA_DICTIONARY));
    report.scope = Some(format!(
        "{} against {} in {}{}",
        loaded.shown_path,
        plural(scan.structs.len(), "event struct"),
        plural(scan.rust_files, "Rust file"),
        match (doc_checked, doc_stale) {
            (true, false) => format!("; {} is current", doc::FILE_NAME),
            (true, true) => format!("; {} is stale", doc::FILE_NAME),
            (false, _) => String::new(),
        }
    ));

    let mut events: Vec<&str> = loaded
        .valid
        .events
        .iter()
        .map(|e| e.name.value.as_str())
        .chain(scan.structs.iter().map(|s| s.event.as_str()))
        .collect();
    events.sort_unstable();
    events.dedup();
    report.events = events.len();
    report.sort();
    report
}

/// Validates the manifest against the JSON Schema. Only consulted when the shared
/// rules found nothing wrong with the manifest's shape, since they report the same
/// problems with more precise words; a schema error then means the schema and the
/// loader disagree, which is worth knowing.
fn schema_diagnostics(loaded: &LoadedManifest) -> Vec<Diagnostic> {
    schema_errors(&loaded.text, &loaded.manifest)
        .into_iter()
        .map(|(message, span)| {
            let mut diagnostic = Diagnostic::other(
                "manifest-schema",
                Level::Error,
                message,
                "fix the manifest at the marked place; the schema lists every key and the values each takes",
            );
            diagnostic.manifest =
                span.map(|span| manifest_location(&loaded.shown_path, &loaded.text, span, "here"));
            diagnostic
        })
        .collect()
}

/// The schema errors of a manifest's text, each with the span of the node at
/// fault when it can be found.
fn schema_errors(text: &str, manifest: &Manifest) -> Vec<(String, Option<ByteSpan>)> {
    let schema = match serde_json::from_str::<serde_json::Value>(MANIFEST_SCHEMA)
        .map_err(|e| e.to_string())
        .and_then(|schema| jsonschema::validator_for(&schema).map_err(|e| e.to_string()))
    {
        Ok(validator) => validator,
        Err(e) => return vec![(format!("the bundled manifest schema is invalid: {e}"), None)],
    };
    // The loader has parsed this text already, so it is YAML within every budget.
    let Ok(instance) = telemetry_manifest::parse_value::<serde_json::Value>(text) else {
        return Vec::new();
    };
    schema
        .iter_errors(&instance)
        .map(|error| {
            let pointer = error.instance_path().as_str().to_owned();
            let message = format!(
                "the manifest does not match schemas/telemetry-manifest.schema.json at `{}`: {error}",
                if pointer.is_empty() { "/" } else { &pointer }
            );
            (message, pointer_span(manifest, &pointer))
        })
        .collect()
}

/// The span of the manifest node at a JSON pointer, or of its nearest known parent.
fn pointer_span(manifest: &Manifest, pointer: &str) -> Option<ByteSpan> {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let part = |i: usize| parts.get(i).map(String::as_str);
    let list_item = |list: &telemetry_manifest::Located<Vec<telemetry_manifest::Text>>,
                     index: Option<&str>| {
        index
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| list.value.get(i))
            .map_or(list.span, |v| v.span)
    };
    match part(0)? {
        "version" => Some(manifest.version.span),
        "project" => {
            let project = &manifest.project;
            let span = match part(1) {
                Some("name") => project.value.name.span,
                Some("contact") => project.value.contact.as_ref()?.span,
                Some("retention_days") => project.value.retention_days.span,
                Some("opt_out") => project.value.opt_out.as_ref()?.span,
                _ => project.span,
            };
            Some(span)
        }
        "policy" => manifest.policy.as_ref().map(|p| p.span),
        "events" => {
            let (key, event) = manifest
                .events
                .0
                .iter()
                .find(|(k, _)| Some(k.value.as_str()) == part(1))?;
            let body = &event.value;
            let span = match part(2) {
                None => key.span,
                Some("fields") => {
                    let Some((fkey, field)) = body
                        .fields
                        .0
                        .iter()
                        .find(|(k, _)| Some(k.value.as_str()) == part(3))
                    else {
                        return Some(key.span);
                    };
                    let f = &field.value;
                    match part(4) {
                        None => fkey.span,
                        Some("type") => f.ty.span,
                        Some("category") => f.category.span,
                        Some("values") => f
                            .values
                            .as_ref()
                            .map_or(field.span, |l| list_item(l, part(5))),
                        Some("buckets") => f
                            .buckets
                            .as_ref()
                            .map_or(field.span, |l| list_item(l, part(5))),
                        Some("max") => f.max.as_ref().map_or(field.span, |m| m.span),
                        _ => field.span,
                    }
                }
                Some(other) => {
                    let text = match other {
                        "description" => body.description.as_ref(),
                        "purpose" => body.purpose.as_ref(),
                        "owner" => body.owner.as_ref(),
                        "since" => body.since.as_ref(),
                        "expires" => body.expires.as_ref(),
                        _ => None,
                    };
                    text.map_or(event.span, |t| t.span)
                }
            };
            Some(span)
        }
        _ => None,
    }
}

/// The label of a finding's manifest snippet.
fn manifest_label(rule: &telemetry_manifest::Rule) -> &'static str {
    match rule.id {
        "TL002" => "the event's declaration",
        "TL003" => "declared here",
        "TL004" => "declared type",
        "TL005" => "declared values",
        "TL015" => "no struct sends this event",
        "TL016" => "missing here",
        "TL017" => "placeholder",
        "TL018" => "expired",
        "TL019" => "over the limit",
        "TL020" => "category not allowed",
        _ => "here",
    }
}

/// The label of a finding's Rust snippet.
fn code_label(rule: &telemetry_manifest::Rule) -> &'static str {
    match rule.id {
        "TL001" => "not declared in the manifest",
        "TL002" => "not declared in the manifest",
        "TL003" => "the field is missing from this struct",
        "TL004" => "does not carry the declared type",
        "TL005" => "these variants are sent",
        "TL006" | "TL007" | "TL008" | "TL009" | "TL010" | "TL011" => "forbidden type",
        "TL012" => "not a struct with named fields",
        "TL013" => "not a vetted telemetry value type",
        _ => "here",
    }
}

fn check_code(
    loaded: &LoadedManifest,
    scan: &Scan,
    report: &mut Report,
    place: &dyn Fn(&Finding) -> Diagnostic,
) {
    let mut used_files = std::collections::BTreeSet::new();
    for problem in &scan.problems {
        let name = match problem.kind {
            ProblemKind::Unreadable => "unreadable-source",
            ProblemKind::NotUtf8 => "non-utf8-source",
            ProblemKind::Unparseable => "unparseable-source",
        };
        let help = match problem.kind {
            ProblemKind::Unreadable => {
                "check the permissions; the rest of the workspace was checked"
            }
            ProblemKind::NotUtf8 => "save the file as UTF-8; the rest of the workspace was checked",
            ProblemKind::Unparseable => {
                "fix the syntax error (`cargo check` shows it too); the rest of the workspace was checked"
            }
        };
        let mut diagnostic = Diagnostic::other(name, Level::Warning, problem.message.clone(), help);
        diagnostic.source = Some(match problem.at {
            Some((file, span)) => {
                used_files.insert(file);
                source_location(&problem.path, span, "cannot be parsed")
            }
            None => Location {
                path: problem.path.clone(),
                line: 1,
                column: 1,
                offset: 0,
                len: 0,
                label: String::new(),
            },
        });
        report.push(diagnostic);
    }

    for item in &scan.structs {
        let path = &scan.files[item.file].path;
        let mut push = |finding: &Finding, span: Option<SourceSpan>| {
            let mut diagnostic = place(finding);
            diagnostic.source = span.map(|s| source_location(path, s, code_label(finding.rule)));
            report.push(diagnostic);
        };
        used_files.insert(item.file);
        if let Some((message, help, span)) = &item.shape_problem {
            let finding = Finding::new(rules::UNSUPPORTED_EVENT_SHAPE, message, help)
                .event(&item.event)
                .at_code(CodeTarget::Struct);
            push(&finding, Some(*span));
            continue;
        }
        let event_struct = EventStruct {
            ident: item.ident.clone(),
            event: item.event.clone(),
            fields: item
                .fields
                .iter()
                .map(|f| StructField {
                    name: f.name.clone(),
                    ty: &f.ty,
                })
                .collect(),
        };
        for finding in telemetry_manifest::check_event_struct(&loaded.valid, &event_struct) {
            // An undeclared event named with `name = "..."` is best shown at the name.
            let span = match (finding.rule == rules::UNDECLARED_EVENT, item.name_span) {
                (true, Some(name_span)) => Some(name_span),
                _ => finding.code.map(|target| code_span(item, target)),
            };
            push(&finding, span);
        }
        for (index, field) in item.fields.iter().enumerate() {
            if let Some((finding, span)) = check_opaque(loaded, scan, item, index) {
                if let Some((file, _)) = span {
                    used_files.insert(file);
                }
                let mut diagnostic = place(&finding);
                diagnostic.source = Some(match span {
                    Some((file, enum_span)) => {
                        source_location(&scan.files[file].path, enum_span, code_label(finding.rule))
                    }
                    None => source_location(path, field.ty_span, code_label(finding.rule)),
                });
                report.push(diagnostic);
            }
        }
    }

    for event in &loaded.valid.events {
        let name = &event.name.value;
        if scan.structs.iter().any(|s| s.event == *name) {
            continue;
        }
        let ident = heck::AsUpperCamelCase(name).to_string();
        let finding = Finding::new(
            rules::MISSING_EVENT_STRUCT,
            format!("event `{name}` is declared in the manifest, but no `#[telemetry_event]` struct sends it"),
            format!(
                "add `#[telemetry_event] struct {ident} {{ .. }}` (or name a struct with `#[telemetry_event(name = \"{name}\")]`), or remove the event from the manifest"
            ),
        )
        .event(name)
        .at_manifest(event.name.span);
        report.push(place(&finding));
    }

    for file in used_files {
        let file = &scan.files[file];
        report.files.insert(file.path.clone(), file.text.clone());
    }
}

fn code_span(item: &FoundStruct, target: CodeTarget) -> SourceSpan {
    match target {
        CodeTarget::Struct => item.span,
        CodeTarget::FieldName(i) => item.fields.get(i).map_or(item.span, |f| f.name_span),
        CodeTarget::FieldType(i) => item.fields.get(i).map_or(item.span, |f| f.ty_span),
    }
}

/// Resolves a field of an opaque type (a name that is not a vetted type) against
/// the workspace's `TelemetryValue` enums. Returns the finding and, when it points
/// at an enum rather than at the field, the enum's file and span.
#[allow(clippy::type_complexity)]
fn check_opaque(
    loaded: &LoadedManifest,
    scan: &Scan,
    item: &FoundStruct,
    index: usize,
) -> Option<(Finding, Option<(usize, SourceSpan)>)> {
    let field = item.fields.get(index)?;
    let TypeClass::Opaque { name, .. } = classify_type(&field.ty) else {
        return None;
    };
    let found = scan.enums.iter().find(|e| e.ident == name);
    let event = loaded
        .valid
        .events
        .iter()
        .find(|e| e.name.value == item.event);
    let declared = event.and_then(|e| e.field(&field.name));
    let shown = type_to_string(&field.ty);
    match (found, event, declared) {
        (Some(found), Some(event), Some(declared)) if declared.ty.value == FieldType::Enum => {
            telemetry_manifest::check_enum_variants(event, declared, &found.variants)
                .map(|finding| (finding, Some((found.file, found.span))))
        }
        (Some(_), Some(event), Some(declared)) => Some((
            Finding::new(
                rules::FIELD_TYPE_MISMATCH,
                type_mismatch_message(&event.name.value, &field.name, declared.ty.value, &shown),
                type_mismatch_help(declared.ty.value),
            )
            .event(&event.name.value)
            .field(&field.name)
            .at_manifest(declared.ty.span)
            .at_code(CodeTarget::FieldType(index)),
            None,
        )),
        // An enum of the workspace in an undeclared field or event: TL001 or TL002
        // says so already.
        (Some(_), _, _) => None,
        // Declared as a non-enum type: the macro's assertion on
        // `TelemetryValue::KIND` sees through aliases and checks it at compile time.
        (None, Some(_), Some(declared)) if declared.ty.value != FieldType::Enum => None,
        (None, _, declared) => {
            let help = if declared.is_some() {
                format!(
                    "the manifest declares an `enum`, but no enum `{name}` with `#[derive(TelemetryValue)]` is in the workspace's sources, so its variants cannot be checked against `values`; derive `TelemetryValue` on a fieldless enum `{name}` in this workspace, or use a type from the manifest's vocabulary"
                )
            } else {
                format!(
                    "`{name}` is neither a type from the manifest's vocabulary nor an enum with `#[derive(TelemetryValue)]` in the workspace's sources; use a vetted type (`bool`, an unsigned integer, `DurationBucket`, `SizeBucket`, `OsFamily`, `Arch`, `Version`), or a fieldless enum that derives `TelemetryValue`"
                )
            };
            Some((
                Finding::new(
                    rules::UNVETTED_VALUE_TYPE,
                    format!(
                        "field `{}` of event `{}` has type `{shown}`, which is not a vetted telemetry value type",
                        field.name, item.event
                    ),
                    help,
                )
                .event(&item.event)
                .field(&field.name)
                .at_code(CodeTarget::FieldType(index)),
                None,
            ))
        }
    }
}

fn check_doc(loaded: &LoadedManifest, require_doc: bool, report: &mut Report) {
    let path = loaded.workspace.root.join(doc::FILE_NAME);
    let expected = doc::render(&loaded.valid, &loaded.shown_path);
    if let Some(diagnostic) = doc::staleness(&path, doc::FILE_NAME, &expected, require_doc, report)
    {
        report.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "version: 1\nproject:\n  name: acme\n  retention_days: 90\nevents:\n  ping:\n    fields:\n      ok: { type: bool, category: technical }\n";

    #[test]
    fn bundled_schema_accepts_a_valid_manifest() {
        let manifest = telemetry_manifest::parse_str(GOOD).unwrap();
        assert!(schema_errors(GOOD, &manifest).is_empty());
    }

    #[test]
    fn schema_errors_point_at_the_node() {
        let text = GOOD.replace("version: 1", "version: 2");
        let manifest = telemetry_manifest::parse_str(&text).unwrap();
        let errors = schema_errors(&text, &manifest);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let (message, span) = &errors[0];
        assert!(message.contains("at `/version`"), "{message}");
        assert_eq!(span.map(|s| &text[s.offset..s.offset + s.len]), Some("2"));
    }

    #[test]
    fn pointers_resolve_to_fields() {
        let manifest = telemetry_manifest::parse_str(GOOD).unwrap();
        let span = pointer_span(&manifest, "/events/ping/fields/ok/type").unwrap();
        assert_eq!(&GOOD[span.offset..span.offset + span.len], "bool");
        let span = pointer_span(&manifest, "/events/ping").unwrap();
        assert_eq!(&GOOD[span.offset..span.offset + span.len], "ping");
        assert!(pointer_span(&manifest, "/events/nope").is_none());
    }
}
