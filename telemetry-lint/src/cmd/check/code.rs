//! The event and group structs of the workspace against the manifest, placed in
//! the Rust files.
//!
//! The scan indexes every item; this module picks the ones `check` judges (event
//! structs, group structs, `TelemetryValue` enums), runs the shared checks on each
//! and places every finding on the Rust tokens it concerns.

use std::collections::{BTreeSet, HashMap, HashSet};

use heck::ToSnakeCase;
use telemetry_manifest::{
    CodeTarget, EventStruct, FieldType, Finding, GroupStruct, Level, Owner, StructField, TypeClass,
    classify_type, rules, type_mismatch_help, type_mismatch_message, type_to_string,
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
    /// Tuple variants of event enums and the type each wraps, checked once every
    /// struct is known.
    delegations: Vec<(&'s crate::scan::Variant, String, usize, SourceSpan, String)>,
}

impl<'s> Found<'s> {
    pub(super) fn of(scan: &'s Scan) -> Found<'s> {
        let mut found = Found {
            scan,
            events: Vec::new(),
            groups: Vec::new(),
            enums: HashMap::new(),
            delegations: Vec::new(),
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
        found.check_delegations();
        let files = &scan.files;
        let place = |item: &FoundItem<'_>| (files[item.file].path.as_str(), item.span.offset);
        found.events.sort_by(|a, b| place(a).cmp(&place(b)));
        found
    }
}

impl<'s> Found<'s> {
    /// The events of a `#[telemetry_event]` enum: each variant with named fields
    /// (or none) is an event, named after the variant in snake_case or by
    /// `#[telemetry(name = "...")]`; a tuple variant wrapping one
    /// `#[telemetry_event]` struct delegates to it, and that struct is checked as
    /// an event of its own.
    fn enum_events(&mut self, item: &'s EnumItem, mark: &crate::scan::attrs::Mark) {
        let shape = |message: String, help: &str, span: SourceSpan| {
            let name = telemetry_manifest::default_event_name(&item.ident);
            FoundItem {
                file: item.file,
                ident: item.ident.clone(),
                shape: vec![shape_finding(&name, message, help.to_owned(), span)],
                name,
                span: item.span,
                name_span: None,
                fields: &[],
            }
        };
        if let Some(span) = item.generics {
            self.events.push(shape(
                "`#[telemetry_event]` cannot be placed on a generic enum".to_owned(),
                "remove the generic parameters; each field needs one concrete type that the manifest declares",
                span,
            ));
            return;
        }
        if let Some((_, span)) = &mark.name {
            self.events.push(shape(
                "`#[telemetry_event(name = \"...\")]` cannot name an enum, whose variants are the events".to_owned(),
                "name each variant's event with `#[telemetry(name = \"...\")]` on the variant, or leave the variants' snake_case names",
                *span,
            ));
            return;
        }
        for variant in &item.variants {
            let ident = format!("{}::{}", item.ident, variant.ident);
            let name = variant.event_name.as_ref().map_or_else(
                || telemetry_manifest::default_event_name(&variant.ident),
                |(n, _)| n.clone(),
            );
            let fields: &[Field] = match &variant.body {
                Body::Named(fields) => fields,
                Body::Unit => &[],
                Body::Tuple(types, span) => {
                    let wrapped = match types.as_slice() {
                        [syn::Type::Path(path)] if path.qself.is_none() => {
                            path.path.segments.last().map(|s| s.ident.to_string())
                        }
                        _ => None,
                    };
                    let problem = match wrapped {
                        Some(wrapped) => {
                            self.delegations.push((variant, wrapped, item.file, *span, ident));
                            continue;
                        }
                        None => (
                            format!(
                                "variant `{ident}` of a `#[telemetry_event]` enum holds unnamed fields, so they have no names to declare"
                            ),
                            "give the variant named fields (`Variant { field: Type }`), or wrap exactly one `#[telemetry_event]` struct (`Variant(EventStruct)`)".to_owned(),
                            *span,
                        ),
                    };
                    let (message, help, span) = problem;
                    self.events.push(FoundItem {
                        file: item.file,
                        ident,
                        shape: vec![shape_finding(&name, message, help, span)],
                        name,
                        span: variant.span,
                        name_span: None,
                        fields: &[],
                    });
                    continue;
                }
            };
            self.events.push(FoundItem {
                file: item.file,
                ident,
                name,
                span: variant.span,
                name_span: variant.event_name.as_ref().map(|(_, span)| *span),
                fields,
                shape: Vec::new(),
            });
        }
    }

    /// Tuple variants that wrap a type which is not a `#[telemetry_event]`
    /// struct of the workspace: that type's fields would be sent unchecked.
    fn check_delegations(&mut self) {
        let events: HashSet<String> = self
            .scan
            .structs
            .iter()
            .filter(|s| s.marks.event.is_some())
            .map(|s| s.ident.clone())
            .collect();
        for (variant, wrapped, file, span, ident) in std::mem::take(&mut self.delegations) {
            if events.contains(&wrapped) {
                continue;
            }
            let name = telemetry_manifest::default_event_name(&variant.ident);
            self.events.push(FoundItem {
                file,
                ident: ident.clone(),
                span: variant.span,
                name_span: None,
                fields: &[],
                shape: vec![shape_finding(
                    &name,
                    format!(
                        "variant `{ident}` of a `#[telemetry_event]` enum wraps `{wrapped}`, which is not a `#[telemetry_event]` struct of the workspace, so what it sends is not checked"
                    ),
                    format!(
                        "put `#[telemetry_event]` on struct `{wrapped}`, or give the variant the named fields it sends"
                    ),
                    span,
                )],
                name,
            });
        }
    }
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

/// A TL012 finding on an event enum or one of its variants, tagged with `event`.
fn shape_finding(
    event: &str,
    message: String,
    help: String,
    span: SourceSpan,
) -> (Finding, SourceSpan) {
    (
        Finding::new(rules::UNSUPPORTED_EVENT_SHAPE, message, help)
            .event(event)
            .at_code(CodeTarget::Struct),
        span,
    )
}

pub(super) fn check_code(
    loaded: &LoadedManifest,
    found: &Found<'_>,
    report: &mut Report,
    place: &dyn Fn(&Finding) -> Diagnostic,
) {
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

    for item in &found.events {
        check_found_struct(loaded, found, item, false, report, place, &mut used_files);
    }

    let sent: HashSet<&str> = found.events.iter().map(|s| s.name.as_str()).collect();
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

    check_group_structs(loaded, found, report, place, &mut used_files);

    for file in used_files {
        let file = &scan.files[file];
        report.files.insert(file.path.clone(), file.text.clone());
    }
}

fn code_span(item: &FoundItem<'_>, target: CodeTarget) -> SourceSpan {
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
    found: &Found<'_>,
    item: &FoundItem<'_>,
    index: usize,
    group: bool,
) -> Option<(Finding, Option<(usize, SourceSpan)>)> {
    let field = item.fields.get(index)?;
    let TypeClass::Opaque { name, .. } = classify_type(&field.ty) else {
        return None;
    };
    let valid = &loaded.valid;
    let (owner, known, declared) = if group {
        let def = valid.group(&item.name);
        (
            Owner::Group(&item.name),
            def.is_some(),
            def.and_then(|g| g.field(&field.name)),
        )
    } else {
        let event = valid.event(&item.name);
        // A field named after a group and not declared as the event's own: it
        // embeds the group (checked by `check_embedding`), or `check_event_struct`
        // reports that the event does not list the group.
        if valid.group(&field.name).is_some()
            && event.is_none_or(|e| e.embeds(&field.name) || e.field(&field.name).is_none())
        {
            return None;
        }
        (
            Owner::Event(&item.name),
            event.is_some(),
            event.and_then(|e| e.field(&field.name)),
        )
    };
    let resolved = found.enums.get(name.as_str());
    let shown = type_to_string(&field.ty);
    match (resolved, known, declared) {
        (Some((item, values)), true, Some(declared)) if declared.ty.value == FieldType::Enum => {
            telemetry_manifest::check_enum_variants(owner, declared, values)
                .map(|finding| (finding, Some((item.file, item.span))))
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
    found: &Found<'_>,
    item: &FoundItem<'_>,
    group: bool,
    report: &mut Report,
    place: &dyn Fn(&Finding) -> Diagnostic,
    used_files: &mut BTreeSet<usize>,
) {
    let path = &found.scan.files[item.file].path;
    used_files.insert(item.file);
    let mut push = |finding: &Finding, span: Option<SourceSpan>| {
        let mut diagnostic = place(finding);
        diagnostic.source = span.map(|s| source_location(path, s, finding.rule.code_label));
        report.push(diagnostic);
    };
    if !item.shape.is_empty() {
        for (finding, span) in &item.shape {
            push(finding, Some(*span));
        }
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
            group: item.name.clone(),
            fields,
        };
        (
            telemetry_manifest::check_group_struct(&loaded.valid, &group_struct),
            rules::UNDECLARED_GROUP,
        )
    } else {
        let event_struct = EventStruct {
            ident: item.ident.clone(),
            event: item.name.clone(),
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
        if let Some((finding, span)) = check_opaque(loaded, found, item, index, group) {
            let location = match span {
                Some((file, enum_span)) => {
                    used_files.insert(file);
                    source_location(
                        &found.scan.files[file].path,
                        enum_span,
                        finding.rule.code_label,
                    )
                }
                None => source_location(path, field.ty_span, finding.rule.code_label),
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
    found: &Found<'_>,
    report: &mut Report,
    place: &dyn Fn(&Finding) -> Diagnostic,
    used_files: &mut BTreeSet<usize>,
) {
    let valid = &loaded.valid;
    for item in &found.groups {
        check_found_struct(loaded, found, item, true, report, place, used_files);
    }

    for item in &found.events {
        let Some(event) = valid.event(&item.name) else {
            continue;
        };
        let path = &found.scan.files[item.file].path;
        for (index, field) in item.fields.iter().enumerate() {
            if !event.embeds(&field.name) {
                continue;
            }
            if let Some(finding) = check_embedding(found, &item.name, &field.name, &field.ty, index)
            {
                let mut diagnostic = place(&finding);
                diagnostic.source = Some(source_location(
                    path,
                    field.ty_span,
                    finding.rule.code_label,
                ));
                report.push(diagnostic);
            }
        }
    }

    for group in &valid.groups {
        let name = &group.name.value;
        if found.groups.iter().any(|s| s.name == *name)
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
    found: &Found<'_>,
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
    let own = found.groups.iter().find(|g| g.name == group);
    let message = match found.groups.iter().find(|g| g.ident == name) {
        Some(found) if found.name == group => return None,
        Some(found) => format!(
            "field `{group}` of event `{event}` embeds group `{group}`, but its type `{shown}` is the `#[telemetry_group]` struct of group `{}`",
            found.name
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
