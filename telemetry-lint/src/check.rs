//! `cargo telemetry-lint check`: the manifest against its schema, its policy and
//! the code, and `TELEMETRY.md` against the manifest.
//!
//! The checks themselves live in `telemetry-manifest` and are shared with
//! `#[telemetry_event]`; this module only finds their inputs (the workspace, the
//! manifest, the event structs and enums) and places each finding in the files, so a
//! rule reads the same in a compiler error and in a CI log. The one check made here
//! is the one the compiler cannot make: resolving a field's opaque type against the
//! enums of the whole workspace.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use telemetry_manifest::{
    ByteSpan, CodeTarget, EventStruct, FieldType, Finding, GroupStruct, Level, Manifest, Owner,
    StructField, TypeClass, ValidManifest, ValidPolicy, classify_type, line_column, rules,
    type_mismatch_help, type_mismatch_message, type_to_string,
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
    /// The shared policy file named by `policy_file`, if any: its path as shown
    /// (relative to the workspace root, through the manifest's folder) and its text.
    pub policy_file: Option<(String, Arc<str>)>,
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
        // The loader names the path as given; show it as every other path is shown.
        let message = e
            .message
            .replace(&format!("`{}`", path.display()), &format!("`{shown_path}`"));
        fatal(Diagnostic::other(
            "invalid-manifest",
            Level::Error,
            message,
            e.help,
        ))
    })?;
    let (text, manifest) = parsed_or_fatal(&shown_path, loaded)?;
    let (mut valid, findings) = telemetry_manifest::validate(&manifest);
    let policy_file = match &manifest.policy_file {
        None => None,
        Some(written) => {
            let (shown, policy_text, policy) =
                load_policy_file(&path, &shown_path, &text, &manifest, written)?;
            valid.policy = ValidPolicy::resolve(Some(&policy), Some(written.clone()));
            Some((shown, policy_text))
        }
    };
    Ok(LoadedManifest {
        workspace,
        shown_path,
        text,
        manifest,
        valid,
        findings,
        policy_file,
    })
}

/// A shared policy file: its path as shown, its text and the policy it holds.
type SharedPolicy = (
    String,
    Arc<str>,
    telemetry_manifest::Located<telemetry_manifest::Policy>,
);

/// Loads the shared policy file a manifest names in `policy_file`, with the
/// loader's limits. Returns the file's path as shown, its text and the policy.
///
/// The path must be relative (to the manifest's folder) and name a `.yaml` or
/// `.yml` file: a manifest may come from a pull request, and must not make CI read
/// and quote an arbitrary file of the machine.
fn load_policy_file(
    manifest_path: &Path,
    manifest_shown: &str,
    manifest_text: &Arc<str>,
    manifest: &Manifest,
    written: &telemetry_manifest::Text,
) -> Result<SharedPolicy, Box<Report>> {
    let fail = |message: String, help: &str, inside: Option<(String, Arc<str>, Location)>| {
        let mut diagnostic = Diagnostic::other("invalid-policy-file", Level::Error, message, help);
        diagnostic.manifest = Some(manifest_location(
            manifest_shown,
            manifest_text,
            written.span,
            "the policy file",
        ));
        let mut report = Report {
            fatal: true,
            ..Report::default()
        };
        report
            .files
            .insert(manifest_shown.to_owned(), manifest_text.clone());
        if let Some((shown, text, location)) = inside {
            report.files.insert(shown, text);
            diagnostic.source = Some(location);
        }
        report.push(diagnostic);
        Box::new(report)
    };
    let value = written.value.trim();
    if manifest.policy.is_some() {
        return Err(fail(
            format!(
                "the manifest has both a `policy` section and `policy_file: {value}`, so which policy applies is unclear"
            ),
            "keep one: move the section's keys into the shared file, or remove `policy_file`; a workspace cannot loosen a shared policy in its own manifest",
            None,
        ));
    }
    let relative = Path::new(value);
    let yaml = relative
        .extension()
        .is_some_and(|ext| ext == "yaml" || ext == "yml");
    if value.is_empty() || relative.is_absolute() || relative.has_root() || !yaml {
        return Err(fail(
            format!("`policy_file: {value}` is not a relative path to a `.yaml` or `.yml` file"),
            "name the shared policy relative to the manifest's folder, such as `../shared/telemetry-policy.yaml`",
            None,
        ));
    }
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let full = dir.join(relative);
    let shown = match Path::new(manifest_shown).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            format!("{}/{}", parent.display(), value).replace('\\', "/")
        }
        _ => value.replace('\\', "/"),
    };
    let loaded =
        telemetry_manifest::load_policy_path(&full).map_err(|e| fail(e.message, &e.help, None))?;
    let text: Arc<str> = Arc::from(loaded.source);
    match loaded.policy {
        Ok(policy) => Ok((shown, text, policy)),
        Err(e) => {
            let inside = e.span.map(|span| {
                let location = manifest_location(&shown, &text, span, "here");
                (shown.clone(), text.clone(), location)
            });
            let message = e.message.replacen(
                "invalid policy file",
                &format!("invalid policy file `{shown}`"),
                1,
            );
            Err(fail(message, &e.help, inside))
        }
    }
}

/// The manifest's text and its parse, or, when it could not be parsed, a fatal
/// report (exit code 2) with the parser's diagnostic on a snippet of `shown`.
///
/// # Errors
/// A fatal [`Report`] when the YAML is malformed or does not have the manifest's
/// shape.
pub(crate) fn parsed_or_fatal(
    shown: &str,
    loaded: telemetry_manifest::Loaded,
) -> Result<(Arc<str>, telemetry_manifest::Manifest), Box<Report>> {
    let text: Arc<str> = Arc::from(loaded.source);
    match loaded.manifest {
        Ok(manifest) => Ok((text, manifest)),
        Err(e) => {
            let mut diagnostic =
                Diagnostic::other("invalid-manifest", Level::Error, e.message, e.help);
            diagnostic.manifest = e
                .span
                .map(|span| manifest_location(shown, &text, span, "here"));
            let mut report = fatal(diagnostic);
            report.files.insert(shown.to_owned(), text);
            report.manifest = Some(shown.to_owned());
            Err(report)
        }
    }
}

/// A report that stops the run (exit code 2) with one diagnostic.
pub(crate) fn fatal(diagnostic: Diagnostic) -> Box<Report> {
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
                manifest_label(finding.rule),
            )
        });
        diagnostic
    };

    let shape_findings = loaded
        .findings
        .iter()
        .any(|f| f.rule == rules::INVALID_FIELD_PARAMETERS);
    // The schema check parses the text a second time; it runs on a second thread
    // while this one scans the sources, and its diagnostics are pushed here as
    // before, so the report does not depend on which finishes first.
    let (schema, scan) = std::thread::scope(|scope| {
        let schema = (!shape_findings).then(|| scope.spawn(|| schema_diagnostics(&loaded)));
        let scan = workspace::scan(&loaded.workspace);
        let schema = schema.map(|handle| {
            handle.join().unwrap_or_else(|_| {
                vec![Diagnostic::other(
                    "manifest-schema",
                    Level::Error,
                    "the manifest could not be checked against its JSON Schema",
                    "report this as a bug in cargo-telemetry-lint; the other checks ran",
                )]
            })
        });
        (schema.unwrap_or_default(), scan)
    });
    for diagnostic in schema {
        report.push(diagnostic);
    }
    // Every finding about the manifest is collected first, so that the waivers are
    // applied to all of them in one place. Findings about the code (TL001 to TL015)
    // are never waivable, so they need not wait.
    let mut manifest_findings = loaded.findings.clone();
    manifest_findings.extend(telemetry_manifest::check_policy(
        &loaded.valid,
        options.today,
    ));
    manifest_findings.extend(telemetry_manifest::check_privacy(
        &loaded.valid,
        options.today,
    ));
    manifest_findings.extend(telemetry_manifest::check_waivers(&loaded.manifest));
    let waived = telemetry_manifest::apply_waivers(&loaded.valid, manifest_findings);
    for finding in waived.kept.iter().chain(&waived.unused) {
        report.push(place(finding));
    }

    check_code(&loaded, &scan, &mut report, &place);
    check_doc(&loaded, options.require_doc, &mut report);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let doc_checked = loaded.workspace.root.join(doc::FILE_NAME).is_file();
    let doc_stale = report
        .diagnostics
        .iter()
        .any(|d| d.rule == Some(rules::STALE_DATA_DICTIONARY));
    report.scope = Some(format!(
        "{} against {} in {}{}{}",
        loaded.shown_path,
        match scan.groups.len() {
            0 => plural(scan.structs.len(), "event struct"),
            n => format!(
                "{} and {}",
                plural(scan.structs.len(), "event struct"),
                plural(n, "group struct")
            ),
        },
        plural(scan.rust_files, "Rust file"),
        match waived.waived.len() {
            0 => String::new(),
            n => format!("; {} waived", plural(n, "finding")),
        },
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
        "policy_file" => manifest.policy_file.as_ref().map(|p| p.span),
        "groups" => {
            let (key, group) = manifest
                .groups
                .0
                .iter()
                .find(|(k, _)| Some(k.value.as_str()) == part(1))?;
            Some(if part(2).is_some() {
                group.span
            } else {
                key.span
            })
        }
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
        "TL022" => "too many combinations",
        "TL023" => "named like an identifier",
        "TL024" => "declared category",
        "TL025" => "too far ahead",
        "TL026" => "no end date",
        "TL027" => "past the limit",
        "TL028" => "cannot be granted",
        "TL029" => "matches no finding",
        "TL030" => "not declared under `groups:`",
        "TL031" => "the name is taken twice",
        "TL032" => "the event's declaration",
        "TL033" => "no struct declares this group",
        "TL034" => "no event embeds this group",
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
        "TL030" => "not declared in the manifest",
        "TL032" => "does not embed the group",
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
    let enums = enum_index(scan);
    for problem in &scan.problems {
        let name = match problem.kind {
            ProblemKind::Unreadable => "unreadable-source",
            ProblemKind::NotUtf8 => "non-utf8-source",
            ProblemKind::Unparseable => "unparseable-source",
        };
        // An error, not a warning: events in a file the linter cannot read go
        // unchecked, so a run that skipped one must not pass CI.
        let help = match problem.kind {
            ProblemKind::Unreadable => {
                "check the permissions, or list the path in `.ignore` if it is not part of the build; the rest of the workspace was checked"
            }
            ProblemKind::NotUtf8 => {
                "save the file as UTF-8, or list it in `.ignore` if it is not part of the build; the rest of the workspace was checked"
            }
            ProblemKind::Unparseable => {
                "fix the syntax error (`cargo check` shows it too), or list the file in `.ignore` if it is not part of the build; the rest of the workspace was checked"
            }
        };
        let mut diagnostic = Diagnostic::other(name, Level::Error, problem.message.clone(), help);
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
        check_found_struct(
            loaded,
            scan,
            &enums,
            item,
            false,
            report,
            place,
            &mut used_files,
        );
    }

    let sent: HashSet<&str> = scan.structs.iter().map(|s| s.event.as_str()).collect();
    for event in &loaded.valid.events {
        let name = &event.name.value;
        if sent.contains(name.as_str()) {
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

    check_group_structs(loaded, scan, &enums, report, place, &mut used_files);

    for file in used_files {
        let file = &scan.files[file];
        report.files.insert(file.path.clone(), file.text.clone());
    }
}

/// The workspace's `TelemetryValue` enums by name, the first found of each name,
/// so that a lookup costs the same however many enums the workspace has.
type EnumIndex<'a> = HashMap<&'a str, &'a workspace::FoundEnum>;

fn enum_index(scan: &Scan) -> EnumIndex<'_> {
    let mut index = EnumIndex::with_capacity(scan.enums.len());
    for found in &scan.enums {
        index.entry(found.ident.as_str()).or_insert(found);
    }
    index
}

fn code_span(item: &FoundStruct, target: CodeTarget) -> SourceSpan {
    match target {
        CodeTarget::Struct => item.span,
        CodeTarget::FieldName(i) => item.fields.get(i).map_or(item.span, |f| f.name_span),
        CodeTarget::FieldType(i) => item.fields.get(i).map_or(item.span, |f| f.ty_span),
    }
}

/// Resolves a field of an opaque type (a name that is not a vetted type) against
/// the workspace's `TelemetryValue` enums. `group` says whether `item` is a field
/// group struct. Returns the finding and, when it points at an enum rather than at
/// the field, the enum's file and span.
#[allow(clippy::type_complexity)]
fn check_opaque(
    loaded: &LoadedManifest,
    enums: &EnumIndex<'_>,
    item: &FoundStruct,
    index: usize,
    group: bool,
) -> Option<(Finding, Option<(usize, SourceSpan)>)> {
    let field = item.fields.get(index)?;
    let TypeClass::Opaque { name, .. } = classify_type(&field.ty) else {
        return None;
    };
    let valid = &loaded.valid;
    let (owner, known, declared) = if group {
        let def = valid.group(&item.event);
        (
            Owner::Group(&item.event),
            def.is_some(),
            def.and_then(|g| g.field(&field.name)),
        )
    } else {
        let event = valid.event(&item.event);
        // A field named after a group and not declared as the event's own: it
        // embeds the group (checked by `check_embedding`), or `check_event_struct`
        // reports that the event does not list the group.
        if valid.group(&field.name).is_some()
            && event.is_none_or(|e| e.embeds(&field.name) || e.field(&field.name).is_none())
        {
            return None;
        }
        (
            Owner::Event(&item.event),
            event.is_some(),
            event.and_then(|e| e.field(&field.name)),
        )
    };
    let found = enums.get(name.as_str()).copied();
    let shown = type_to_string(&field.ty);
    match (found, known, declared) {
        (Some(found), true, Some(declared)) if declared.ty.value == FieldType::Enum => {
            telemetry_manifest::check_enum_variants(owner, declared, &found.variants)
                .map(|finding| (finding, Some((found.file, found.span))))
        }
        (Some(_), true, Some(declared)) => Some((
            owner
                .tag(Finding::new(
                    rules::FIELD_TYPE_MISMATCH,
                    type_mismatch_message(owner, &field.name, declared.ty.value, &shown),
                    type_mismatch_help(declared.ty.value),
                ))
                .field(&field.name)
                .at_manifest(declared.ty.span)
                .at_code(CodeTarget::FieldType(index)),
            None,
        )),
        // An enum of the workspace in an undeclared field, event or group: TL001,
        // TL002 or TL030 says so already.
        (Some(_), _, _) => None,
        // Declared as a non-enum type: the macro's assertion on
        // `TelemetryValue::KIND` sees through aliases and checks it at compile time.
        (None, true, Some(declared)) if declared.ty.value != FieldType::Enum => None,
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
                owner
                    .tag(Finding::new(
                        rules::UNVETTED_VALUE_TYPE,
                        format!(
                            "field `{}` of {owner} has type `{shown}`, which is not a vetted telemetry value type",
                            field.name
                        ),
                        help,
                    ))
                    .field(&field.name)
                    .at_code(CodeTarget::FieldType(index)),
                None,
            ))
        }
    }
}

/// One scanned struct against its declaration: an event struct (`group` false)
/// against its event, or a field group struct (`group` true) against its group.
/// Reports its shape problem, the shared struct check (the same one the macro
/// runs), and the fields whose types are opaque to the syntax (aliases, newtypes,
/// enums), each at the Rust tokens it concerns.
#[allow(clippy::too_many_arguments)]
fn check_found_struct(
    loaded: &LoadedManifest,
    scan: &Scan,
    enums: &EnumIndex<'_>,
    item: &FoundStruct,
    group: bool,
    report: &mut Report,
    place: &dyn Fn(&Finding) -> Diagnostic,
    used_files: &mut std::collections::BTreeSet<usize>,
) {
    let path = &scan.files[item.file].path;
    used_files.insert(item.file);
    let mut push = |finding: &Finding, span: Option<SourceSpan>| {
        let mut diagnostic = place(finding);
        diagnostic.source = span.map(|s| source_location(path, s, code_label(finding.rule)));
        report.push(diagnostic);
    };
    if let Some((message, help, span)) = &item.shape_problem {
        let finding = Finding::new(rules::UNSUPPORTED_EVENT_SHAPE, message, help);
        let finding = if group {
            finding.group(&item.event)
        } else {
            finding.event(&item.event)
        };
        push(&finding.at_code(CodeTarget::Struct), Some(*span));
        return;
    }
    let fields = item
        .fields
        .iter()
        .map(|f| StructField {
            name: f.name.clone(),
            ty: &f.ty,
        })
        .collect();
    let (findings, undeclared) = if group {
        let group_struct = GroupStruct {
            ident: item.ident.clone(),
            group: item.event.clone(),
            fields,
        };
        (
            telemetry_manifest::check_group_struct(&loaded.valid, &group_struct),
            rules::UNDECLARED_GROUP,
        )
    } else {
        let event_struct = EventStruct {
            ident: item.ident.clone(),
            event: item.event.clone(),
            fields,
        };
        (
            telemetry_manifest::check_event_struct(&loaded.valid, &event_struct),
            rules::UNDECLARED_EVENT,
        )
    };
    for finding in findings {
        // An undeclared event or group named with `name = "..."` is best shown at
        // the name.
        let span = match (finding.rule == undeclared, item.name_span) {
            (true, Some(name_span)) => Some(name_span),
            _ => finding.code.map(|target| code_span(item, target)),
        };
        push(&finding, span);
    }
    for (index, field) in item.fields.iter().enumerate() {
        if let Some((finding, span)) = check_opaque(loaded, enums, item, index, group) {
            let location = match span {
                Some((file, enum_span)) => {
                    used_files.insert(file);
                    source_location(&scan.files[file].path, enum_span, code_label(finding.rule))
                }
                None => source_location(path, field.ty_span, code_label(finding.rule)),
            };
            let mut diagnostic = place(&finding);
            diagnostic.source = Some(location);
            report.push(diagnostic);
        }
    }
}

/// The field group structs (`#[telemetry_group]`): each against its group in the
/// manifest, with the same checks as an event struct; each event struct's
/// embedding fields against the group structs; and every group that events embed
/// without a struct (TL033).
fn check_group_structs(
    loaded: &LoadedManifest,
    scan: &Scan,
    enums: &EnumIndex<'_>,
    report: &mut Report,
    place: &dyn Fn(&Finding) -> Diagnostic,
    used_files: &mut std::collections::BTreeSet<usize>,
) {
    let valid = &loaded.valid;
    for item in &scan.groups {
        check_found_struct(loaded, scan, enums, item, true, report, place, used_files);
    }

    for item in &scan.structs {
        let Some(event) = valid.event(&item.event) else {
            continue;
        };
        let path = &scan.files[item.file].path;
        for (index, field) in item.fields.iter().enumerate() {
            if !event.embeds(&field.name) {
                continue;
            }
            if let Some(finding) = check_embedding(scan, &item.event, &field.name, &field.ty, index)
            {
                let mut diagnostic = place(&finding);
                diagnostic.source = Some(source_location(
                    path,
                    field.ty_span,
                    code_label(finding.rule),
                ));
                report.push(diagnostic);
            }
        }
    }

    for group in &valid.groups {
        let name = &group.name.value;
        if scan.groups.iter().any(|s| s.event == *name)
            || !valid.events.iter().any(|e| e.embeds(name))
        {
            continue;
        }
        let ident = heck::AsUpperCamelCase(name).to_string();
        let finding = Finding::new(
            rules::MISSING_GROUP_STRUCT,
            format!("group `{name}` is embedded in events, but no `#[telemetry_group]` struct declares it"),
            format!(
                "add `#[telemetry_group] struct {ident} {{ .. }}` with the group's fields (or name a struct with `#[telemetry_group(name = \"{name}\")]`), or remove the group and the events' references to it"
            ),
        )
        .group(name)
        .at_manifest(group.name.span);
        report.push(place(&finding));
    }
}

/// The type of a field that embeds group `group` (the field's name) in `event`:
/// when it names a `#[telemetry_group]` struct of the workspace, that struct must
/// declare this group; when it names none, but the group has a struct under
/// another name, the field should use it. A type the workspace does not define is
/// left to the compiler.
fn check_embedding(
    scan: &Scan,
    event: &str,
    group: &str,
    ty: &syn::Type,
    index: usize,
) -> Option<Finding> {
    let TypeClass::Opaque {
        name,
        optional: false,
    } = classify_type(ty)
    else {
        // Not a plain struct name: `check_event_struct` reports it.
        return None;
    };
    let shown = type_to_string(ty);
    let own = scan.groups.iter().find(|g| g.event == group);
    let message = match scan.groups.iter().find(|g| g.ident == name) {
        Some(found) if found.event == group => return None,
        Some(found) => format!(
            "field `{group}` of event `{event}` embeds group `{group}`, but its type `{shown}` is the `#[telemetry_group]` struct of group `{}`",
            found.event
        ),
        None => {
            let own = own?;
            format!(
                "field `{group}` of event `{event}` embeds group `{group}`, but its type `{shown}` is not the group's struct `{}`",
                own.ident
            )
        }
    };
    let help = match own {
        Some(own) => format!(
            "change the field's type to `{}`, the struct of group `{group}`",
            own.ident
        ),
        None => format!(
            "give the field the struct of group `{group}`, with `#[telemetry_group]`, or embed the other group under its own name"
        ),
    };
    Some(
        Finding::new(rules::GROUP_EMBEDDING_MISMATCH, message, help)
            .event(event)
            .field(group)
            .at_code(CodeTarget::FieldType(index)),
    )
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
