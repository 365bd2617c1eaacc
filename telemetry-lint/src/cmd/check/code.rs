//! The event and group structs of the workspace against the manifest, placed in
//! the Rust files.
//!
//! The scan indexes every item; this module picks the ones `check` judges (event
//! structs, group structs, `TelemetryValue` enums), runs the shared checks on each
//! and places every finding on the Rust tokens it concerns.

use std::collections::{BTreeSet, HashMap};

use heck::ToSnakeCase;
use telemetry_manifest::{
    CodeTarget, EventStruct, Finding, GroupStruct, Level, Owner, StructField, WorkspaceItems, rules,
};

use super::source_location;
use crate::load::LoadedManifest;
use crate::report::{Diagnostic, Location, Problem, Report};
use crate::scan::{Body, EnumItem, Field, ProblemKind, Scan, SourceSpan, StructItem};

/// An item `check` judges: an event struct against its event, or a group struct
/// against its group.
pub(super) struct FoundItem<'s> {
    /// Index into [`Scan::files`].
    file: usize,
    /// The struct's name, or `Enum::Variant` for a variant of an event enum.
    ident: String,
    /// The event it sends, or the group it declares: `name = "..."` or the
    /// snake_case struct name.
    pub(super) name: String,
    /// Where the struct's name stands.
    span: SourceSpan,
    /// Where the literal of `name = "..."` stands, when the item is named so.
    name_span: Option<SourceSpan>,
    /// Its named fields, in declaration order.
    fields: &'s [Field],
    /// Why it cannot be checked field by field (TL012), each with the tokens at
    /// fault; empty when it can.
    shape: Vec<(Finding, SourceSpan)>,
}

/// What `check` judges, picked from the scan once.
pub(super) struct Found<'s> {
    scan: &'s Scan,
    /// Event structs (and items wrongly marked as events), in file order.
    pub(super) events: Vec<FoundItem<'s>>,
    /// Field group structs, in file order.
    pub(super) groups: Vec<FoundItem<'s>>,
    /// The `TelemetryValue` enums by name, the first found of each name, with
    /// their values (the variants in snake_case), so that a lookup costs the same
    /// however many enums the workspace has.
    enums: HashMap<&'s str, (&'s EnumItem, Vec<String>)>,
    /// Tuple variants of event enums and the type each wraps, checked against the
    /// workspace's event structs.
    pub(super) delegations: Vec<Delegation>,
    /// Enums of events whose shape the shared check refused (TL012): reported on
    /// the enum, which sends no event of its own name.
    enum_shapes: Vec<FoundItem<'s>>,
}

impl<'s> Found<'s> {
    /// What the workspace checks of `telemetry-manifest` need of it.
    fn workspace_items(&self) -> WorkspaceItems<'_> {
        WorkspaceItems {
            events: self.events.iter().map(|e| e.name.as_str()).collect(),
            event_structs: self
                .scan
                .structs
                .iter()
                .filter(|s| s.marks.event.is_some())
                .map(|s| s.ident.as_str())
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|g| (g.ident.as_str(), g.name.as_str()))
                .collect(),
            enums: self
                .enums
                .iter()
                .map(|(name, (_, values))| (*name, values.clone()))
                .collect(),
        }
    }

    pub(super) fn of(scan: &'s Scan) -> Found<'s> {
        let mut found = Found {
            scan,
            events: Vec::new(),
            groups: Vec::new(),
            enums: HashMap::new(),
            delegations: Vec::new(),
            enum_shapes: Vec::new(),
        };
        for item in &scan.structs {
            if let Some(mark) = &item.marks.event {
                found.events.push(found_struct(item, mark));
            }
            if let Some(mark) = &item.marks.group {
                found.groups.push(found_struct(item, mark));
            }
        }
        for item in &scan.enums {
            if item.derives_telemetry_value() {
                let values = item
                    .variants
                    .iter()
                    .map(|v| v.ident.to_snake_case())
                    .collect();
                found
                    .enums
                    .entry(item.ident.as_str())
                    .or_insert((item, values));
            }
            if let Some(mark) = &item.marks.event {
                found.enum_events(item, mark);
            }
        }
        let files = &scan.files;
        let place = |item: &FoundItem<'_>| (files[item.file].path.as_str(), item.span.offset);
        found.events.sort_by(|a, b| place(a).cmp(&place(b)));
        found
    }
}

impl<'s> Found<'s> {
    /// The events of a `#[telemetry_event]` enum: each variant with named fields
    /// (or none) is an event, named after the variant in snake_case or by
    /// `#[telemetry(name = "...")]`; a tuple variant wrapping one type delegates
    /// to it, which the workspace check verifies. The enum's shape problems (the
    /// shared TL012 check) stand on the enum.
    fn enum_events(&mut self, item: &'s EnumItem, mark: &'s crate::scan::attrs::Mark) {
        if !mark.shape.is_empty() {
            self.enum_shapes.push(FoundItem {
                file: item.file,
                ident: item.ident.clone(),
                name: telemetry_manifest::default_event_name(&item.ident),
                span: item.span,
                name_span: None,
                fields: &[],
                shape: mark.shape.clone(),
            });
        }
        // A generic enum, or one named as a whole, is not checked variant by
        // variant, as the compiler does not check it either.
        if item.generics.is_some() || mark.name.is_some() {
            return;
        }
        for variant in &item.variants {
            let fields: &[Field] = match &variant.body {
                Body::Named(fields) => fields,
                Body::Unit => &[],
                Body::Tuple(types, span) => {
                    if let [syn::Type::Path(path)] = types.as_slice()
                        && let Some(wrapped) = path.path.segments.last()
                    {
                        self.delegations.push(Delegation {
                            file: item.file,
                            ident: format!("{}::{}", item.ident, variant.ident),
                            event: telemetry_manifest::default_event_name(&variant.ident),
                            wraps: wrapped.ident.to_string(),
                            span: *span,
                        });
                    }
                    continue;
                }
            };
            self.events.push(FoundItem {
                file: item.file,
                ident: format!("{}::{}", item.ident, variant.ident),
                name: variant.event_name.as_ref().map_or_else(
                    || telemetry_manifest::default_event_name(&variant.ident),
                    |(n, _)| n.clone(),
                ),
                span: variant.span,
                name_span: variant.event_name.as_ref().map(|(_, span)| *span),
                fields,
                shape: Vec::new(),
            });
        }
    }
}

/// A tuple variant of an event enum and the type it wraps.
pub(super) struct Delegation {
    file: usize,
    /// `Enum::Variant`.
    ident: String,
    /// The event the variant would send were it an event of its own.
    event: String,
    /// The wrapped type's name.
    wraps: String,
    /// The variant's fields.
    span: SourceSpan,
}

/// A struct marked `#[telemetry_event]` or `#[telemetry_group]` (`mark`), with
/// the shape problems the shared check found on it.
fn found_struct<'s>(item: &'s StructItem, mark: &'s crate::scan::attrs::Mark) -> FoundItem<'s> {
    let fields: &[Field] = match &item.body {
        Body::Named(fields) => fields,
        Body::Tuple(..) | Body::Unit => &[],
    };
    FoundItem {
        file: item.file,
        ident: item.ident.clone(),
        name: mark.name.as_ref().map_or_else(
            || telemetry_manifest::default_event_name(&item.ident),
            |(n, _)| n.clone(),
        ),
        span: item.span,
        name_span: mark.name.as_ref().map(|(_, span)| *span),
        fields,
        shape: mark.shape.clone(),
    }
}

/// A finding with the Rust tokens it points at, if any, so that waivers can be
/// applied to every finding of the run at once and each kept one placed.
pub(super) struct Placed {
    /// The finding.
    pub(super) finding: Finding,
    /// Where in the Rust sources, with the rule's label.
    pub(super) source: Option<Location>,
}

impl AsRef<Finding> for Placed {
    fn as_ref(&self) -> &Finding {
        &self.finding
    }
}

/// Checks the scanned structs against the manifest and the workspace: the shared
/// struct checks (the ones the macro runs), and the checks only the whole
/// workspace allows. Problems reading the sources go straight into `report`, with
/// the text of every file a finding points into; the findings come back placed.
pub(super) fn check_code(
    loaded: &LoadedManifest,
    found: &Found<'_>,
    report: &mut Report,
) -> Vec<Placed> {
    let scan = found.scan;
    let mut used_files = BTreeSet::new();
    for problem in &scan.problems {
        // An error, not a warning: events in a file the linter cannot read go
        // unchecked, so a run that skipped one must not pass CI.
        let (kind, message, help) = match problem.kind {
            ProblemKind::UnreadableDirectory => (
                Problem::UnreadableSource,
                format!(
                    "cannot read a directory of the workspace: {}",
                    problem.detail
                ),
                "check the permissions, or list the path in `.ignore` if it is not part of the build; the rest of the workspace was checked",
            ),
            ProblemKind::UnreadableFile => (
                Problem::UnreadableSource,
                format!("cannot read the file: {}", problem.detail),
                "check the permissions, or list the path in `.ignore` if it is not part of the build; the rest of the workspace was checked",
            ),
            ProblemKind::TooLarge => (
                Problem::UnreadableSource,
                problem.detail.clone(),
                "check the permissions, or list the path in `.ignore` if it is not part of the build; the rest of the workspace was checked",
            ),
            ProblemKind::NotUtf8 => (
                Problem::NonUtf8Source,
                format!(
                    "the file is not UTF-8 ({}), so its events could not be checked",
                    problem.detail
                ),
                "save the file as UTF-8, or list it in `.ignore` if it is not part of the build; the rest of the workspace was checked",
            ),
            ProblemKind::Unparseable => (
                Problem::UnparseableSource,
                format!(
                    "the file cannot be parsed as Rust ({}), so its events could not be checked",
                    problem.detail
                ),
                "fix the syntax error (`cargo check` shows it too), or list the file in `.ignore` if it is not part of the build; the rest of the workspace was checked",
            ),
        };
        let mut diagnostic = Diagnostic::problem(kind, Level::Error, message, help);
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

    let items = found.workspace_items();
    let mut placed = Vec::new();
    let mut place = |finding: Finding, at: Option<(usize, SourceSpan)>| {
        let source = at.map(|(file, span)| {
            used_files.insert(file);
            source_location(&scan.files[file].path, span, finding.rule.code_label)
        });
        placed.push(Placed { finding, source });
    };
    for (item, owner) in found
        .events
        .iter()
        .chain(&found.enum_shapes)
        .map(|item| (item, Owner::Event(&item.name)))
        .chain(
            found
                .groups
                .iter()
                .map(|item| (item, Owner::Group(&item.name))),
        )
    {
        check_found_struct(loaded, found, &items, item, owner, &mut place);
    }
    for item in &found.events {
        let Some(event) = loaded.valid.event(&item.name) else {
            continue;
        };
        for (index, field) in item.fields.iter().enumerate() {
            if event.embeds(&field.name)
                && let Some(finding) = telemetry_manifest::check_embedding(
                    &items,
                    &item.name,
                    &field.name,
                    index,
                    &field.ty,
                )
            {
                place(finding, Some((item.file, field.ty_span)));
            }
        }
    }
    for delegation in &found.delegations {
        if let Some(finding) = telemetry_manifest::check_delegation(
            &items,
            &delegation.ident,
            &delegation.event,
            &delegation.wraps,
        ) {
            place(finding, Some((delegation.file, delegation.span)));
        }
    }
    for finding in telemetry_manifest::check_workspace(&loaded.valid, &items) {
        place(finding, None);
    }
    for file in used_files {
        let file = &scan.files[file];
        report.files.insert(file.path.clone(), file.text.clone());
    }
    placed
}

fn code_span(item: &FoundItem<'_>, target: CodeTarget) -> SourceSpan {
    match target {
        CodeTarget::Struct => item.span,
        CodeTarget::FieldName(i) => item.fields.get(i).map_or(item.span, |f| f.name_span),
        CodeTarget::FieldType(i) => item.fields.get(i).map_or(item.span, |f| f.ty_span),
    }
}

/// One scanned struct (or variant) against its declaration: its shape problems,
/// else the shared struct check (the same one the macro runs) and the fields
/// whose types are opaque to the syntax, resolved against the workspace, each at
/// the Rust tokens it concerns.
fn check_found_struct(
    loaded: &LoadedManifest,
    found: &Found<'_>,
    items: &WorkspaceItems<'_>,
    item: &FoundItem<'_>,
    owner: Owner<'_>,
    place: &mut dyn FnMut(Finding, Option<(usize, SourceSpan)>),
) {
    if !item.shape.is_empty() {
        for (finding, span) in &item.shape {
            place(finding.clone(), Some((item.file, *span)));
        }
        return;
    }
    let fields: Vec<StructField<'_>> = item
        .fields
        .iter()
        .map(|f| StructField {
            name: f.name.clone(),
            ty: &f.ty,
        })
        .collect();
    let (findings, undeclared) = match owner {
        Owner::Group(group) => (
            telemetry_manifest::check_group_struct(
                &loaded.valid,
                &GroupStruct {
                    ident: item.ident.clone(),
                    group: group.to_owned(),
                    fields: fields.clone(),
                },
            ),
            rules::UNDECLARED_GROUP,
        ),
        Owner::Event(event) => (
            telemetry_manifest::check_event_struct(
                &loaded.valid,
                &EventStruct {
                    ident: item.ident.clone(),
                    event: event.to_owned(),
                    fields: fields.clone(),
                },
            ),
            rules::UNDECLARED_EVENT,
        ),
    };
    for finding in findings {
        // An undeclared event or group named with `name = "..."` is best shown at
        // the name.
        let span = match (finding.rule == undeclared, item.name_span) {
            (true, Some(name_span)) => Some(name_span),
            _ => finding.code.map(|target| code_span(item, target)),
        };
        place(finding, span.map(|span| (item.file, span)));
    }
    for (index, field) in fields.iter().enumerate() {
        if let Some((finding, value_enum)) =
            telemetry_manifest::check_opaque_field(&loaded.valid, items, owner, index, field)
        {
            let at = match value_enum.and_then(|name| found.enums.get(name)) {
                Some((value_enum, _)) => (value_enum.file, value_enum.span),
                None => (item.file, item.fields[index].ty_span),
            };
            place(finding, Some(at));
        }
    }
}
