//! The checks of an event struct, or a field group struct, against the manifest,
//! shared by `#[telemetry_event]`, `#[telemetry_group]` and `cargo telemetry-lint`.
//!
//! Both callers describe the struct as an [`EventStruct`] or a [`GroupStruct`]
//! (names and `syn` types) and get back [`Finding`]s that point at a
//! [`CodeTarget`]; the macro turns those into compile errors on the tokens, the
//! linter into diagnostics on file lines. The words are built here, once, so the
//! two never disagree.
//!
//! An event that embeds a field group holds the group's struct as a field named
//! after the group; [`check_event_struct`] takes such a field as the embedding, and
//! the group's own fields are checked once, on the group struct, by
//! [`check_group_struct`].

use heck::ToSnakeCase;

use crate::finding::{CodeTarget, Finding};
use crate::rules;
use crate::rust_types::{Forbidden, TypeClass, classify_type, type_to_string};
use crate::valid::{EventDef, FieldDef, Owner, ValidManifest};
use crate::vocab::FieldType;

/// One named field of an event struct.
#[derive(Clone, Debug)]
pub struct StructField<'a> {
    /// The field's name.
    pub name: String,
    /// The field's type as written.
    pub ty: &'a syn::Type,
}

/// An event struct, as the macro or the linter sees it.
#[derive(Clone, Debug)]
pub struct EventStruct<'a> {
    /// The struct's Rust name, such as `CommandFinished`.
    pub ident: String,
    /// The event name it declares: `name = "..."` or the snake_case struct name.
    pub event: String,
    /// The named fields, in declaration order.
    pub fields: Vec<StructField<'a>>,
}

/// A field group struct (`#[telemetry_group]`), as the macro or the linter sees it.
#[derive(Clone, Debug)]
pub struct GroupStruct<'a> {
    /// The struct's Rust name, such as `Platform`.
    pub ident: String,
    /// The group name it declares: `name = "..."` or the snake_case struct name.
    pub group: String,
    /// The named fields, in declaration order.
    pub fields: Vec<StructField<'a>>,
}

/// The event name a struct declares by default: its name in snake_case.
pub fn default_event_name(ident: &str) -> String {
    ident.to_snake_case()
}

/// The message of a field whose Rust type does not carry the declared type.
///
/// `owner` is an event name (`&str`), or an [`Owner`] for a group's field.
pub fn type_mismatch_message<'a>(
    owner: impl Into<Owner<'a>>,
    field: &str,
    declared: FieldType,
    shown: &str,
) -> String {
    let owner = owner.into();
    format!(
        "field `{field}` of {owner} is declared `{declared}` in the manifest, but its Rust type `{shown}` does not carry a `{declared}`"
    )
}

/// The fix for [`type_mismatch_message`].
pub fn type_mismatch_help(declared: FieldType) -> String {
    format!(
        "a `{declared}` is carried by {}; change the Rust type, or the declared `type`",
        declared.rust_types()
    )
}

/// The message of an enum field whose variants differ from the manifest's values.
///
/// `owner` is an event name (`&str`), or an [`Owner`] for a group's field.
pub fn enum_values_message<'a>(
    owner: impl Into<Owner<'a>>,
    field: &str,
    values: &[String],
) -> String {
    let owner = owner.into();
    format!(
        "the variants of enum field `{field}` of {owner} differ from the manifest's values [{}]",
        values.join(", ")
    )
}

fn forbidden_message(owner: Owner<'_>, field: &str, shown: &str, found: &Forbidden) -> String {
    if shown == found.culprit {
        format!(
            "field `{field}` of {owner} has type `{shown}`, which can carry {}",
            found.carries
        )
    } else {
        format!(
            "field `{field}` of {owner} has type `{shown}`, whose `{}` can carry {}",
            found.culprit, found.carries
        )
    }
}

/// Checks the Rust type of one field on its own: forbidden types and unvetted types.
///
/// Returns at most one finding. `owner` is an event name (`&str`), or an
/// [`Owner`] for a group's field.
pub fn check_field_type<'a>(
    owner: impl Into<Owner<'a>>,
    index: usize,
    field: &StructField<'_>,
) -> Option<Finding> {
    let owner = owner.into();
    match classify_type(field.ty) {
        TypeClass::Forbidden(found) => Some(
            owner
                .tag(Finding::new(
                    found.rule,
                    forbidden_message(owner, &field.name, &type_to_string(field.ty), &found),
                    lowercase_first(found.rule.fix.trim_end_matches('.')),
                ))
                .field(&field.name)
                .at_code(CodeTarget::FieldType(index)),
        ),
        TypeClass::Unvetted { shown } => Some(
            owner
                .tag(Finding::new(
                    rules::UNVETTED_VALUE_TYPE,
                    format!(
                        "field `{}` of {owner} has type `{shown}`, which is not a vetted telemetry value type",
                        field.name
                    ),
                    "use a type from the manifest's vocabulary (`bool`, an unsigned integer, `DurationBucket`, `SizeBucket`, `OsFamily`, `Arch`, `Version`), or a fieldless enum with `#[derive(TelemetryValue)]`",
                ))
                .field(&field.name)
                .at_code(CodeTarget::FieldType(index)),
        ),
        TypeClass::Carries { .. } | TypeClass::Opaque { .. } => None,
    }
}

/// Checks an event struct against the manifest: the event is declared, every field
/// is declared and fits its declared type, no field is forbidden, no declared
/// field is missing, and the struct embeds exactly the field groups the event
/// lists, each as a field named after the group.
///
/// Fields of an opaque type (a user enum or an alias) declared as anything but
/// `enum` are left to the caller: the macro asserts them through the type system,
/// the linter through its index of enums. So is the type of a group embedding:
/// the macro asserts `TelemetryGroup::NAME`, the linter looks the struct up.
pub fn check_event_struct(manifest: &ValidManifest, item: &EventStruct<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let event_name = &item.event;
    let event = manifest.event(event_name);
    // A field named after a declared group that the event embeds, or, when the
    // event is unknown, after any declared group.
    let embeds = |name: &str| match event {
        Some(event) => event.embeds(name),
        None => manifest.group(name).is_some(),
    };
    for (index, field) in item.fields.iter().enumerate() {
        if embeds(&field.name) {
            if let Some(finding) = check_embedding_type(event_name, index, field) {
                findings.push(finding);
            }
        } else if let Some(finding) = check_field_type(event_name, index, field) {
            findings.push(finding);
        }
    }
    let Some(event) = event else {
        let known: Vec<&str> = manifest
            .events
            .iter()
            .map(|e| e.name.value.as_str())
            .collect();
        let help = match closest(event_name, &known) {
            Some(near) => format!(
                "did you mean `{near}`? Name it with `#[telemetry_event(name = \"{near}\")]`, or declare `{event_name}` under `events:` in the manifest"
            ),
            None => format!(
                "declare `{event_name}` under `events:` in the manifest, with its description, purpose, owner and fields"
            ),
        };
        findings.push(
            Finding::new(
                rules::UNDECLARED_EVENT,
                format!(
                    "struct `{}` sends event `{event_name}`, which the manifest does not declare",
                    item.ident
                ),
                help,
            )
            .event(event_name)
            .at_code(CodeTarget::Struct),
        );
        return findings;
    };

    let own: Vec<(usize, &StructField<'_>)> = item
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !event.embeds(&f.name))
        .collect();
    for &(index, field) in &own {
        if manifest.group(&field.name).is_some() && event.field(&field.name).is_none() {
            findings.push(unlisted_embedding(event, index, field));
            continue;
        }
        if event.field(&field.name).is_none()
            && let Some(group) = event
                .groups
                .iter()
                .filter_map(|g| manifest.group(&g.value))
                .find(|g| g.field(&field.name).is_some())
        {
            let group_name = &group.name.value;
            findings.push(
                Finding::new(
                    rules::UNDECLARED_FIELD,
                    format!(
                        "field `{}` of event `{event_name}` belongs to group `{group_name}`, which the event embeds, not to the event itself",
                        field.name
                    ),
                    format!(
                        "remove `{}` from the struct; the event sends it through its field `{group_name}`, the group's struct",
                        field.name
                    ),
                )
                .event(event_name)
                .field(&field.name)
                .at_manifest(group.name.span)
                .at_code(CodeTarget::FieldName(index)),
            );
            continue;
        }
        check_fields_one(
            Owner::Event(event_name),
            &event.fields,
            event.name.span,
            item.fields.iter().map(|f| f.name.as_str()),
            index,
            field,
            &mut findings,
        );
    }
    check_missing_fields(
        Owner::Event(event_name),
        &item.ident,
        &event.fields,
        item.fields.iter().map(|f| f.name.as_str()),
        &mut findings,
    );
    for group in &event.groups {
        let group_name = &group.value;
        if !item.fields.iter().any(|f| f.name == *group_name) {
            let ident = heck::AsUpperCamelCase(group_name).to_string();
            findings.push(
                Finding::new(
                    rules::GROUP_EMBEDDING_MISMATCH,
                    format!(
                        "event `{event_name}` embeds group `{group_name}`, but struct `{}` has no field `{group_name}` to carry it",
                        item.ident
                    ),
                    format!(
                        "add `{group_name}: {ident}` to the struct, `{ident}` being the group's `#[telemetry_group]` struct, or remove `{group_name}` from the event's `groups:`"
                    ),
                )
                .event(event_name)
                .field(group_name)
                .at_manifest(group.span)
                .at_code(CodeTarget::Struct),
            );
        }
    }
    findings
}

/// Checks a field group struct (`#[telemetry_group]`) against the manifest's
/// `groups:`: the group is declared, every field is declared and fits its declared
/// type, no field is forbidden, and no declared field is missing. The same checks
/// as an event's fields, with the same rules and words.
pub fn check_group_struct(manifest: &ValidManifest, item: &GroupStruct<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let owner = Owner::Group(&item.group);
    for (index, field) in item.fields.iter().enumerate() {
        if let Some(finding) = check_field_type(owner, index, field) {
            findings.push(finding);
        }
    }
    let Some(group) = manifest.group(&item.group) else {
        let group_name = &item.group;
        let known: Vec<&str> = manifest
            .groups
            .iter()
            .map(|g| g.name.value.as_str())
            .collect();
        let help = match closest(group_name, &known) {
            Some(near) => format!(
                "did you mean `{near}`? Name it with `#[telemetry_group(name = \"{near}\")]`, or declare `{group_name}` under `groups:` in the manifest"
            ),
            None => format!(
                "declare `{group_name}` under `groups:` in the manifest, with its description and fields"
            ),
        };
        findings.push(
            Finding::new(
                rules::UNDECLARED_GROUP,
                format!(
                    "struct `{}` declares field group `{group_name}`, which the manifest does not declare",
                    item.ident
                ),
                help,
            )
            .group(group_name)
            .at_code(CodeTarget::Struct),
        );
        return findings;
    };
    for (index, field) in item.fields.iter().enumerate() {
        check_fields_one(
            owner,
            &group.fields,
            group.name.span,
            item.fields.iter().map(|f| f.name.as_str()),
            index,
            field,
            &mut findings,
        );
    }
    check_missing_fields(
        owner,
        &item.ident,
        &group.fields,
        item.fields.iter().map(|f| f.name.as_str()),
        &mut findings,
    );
    findings
}

/// One struct field against the declared fields of its event or group: TL002 when
/// it is not declared, TL004 when its type does not carry the declared type.
fn check_fields_one<'s>(
    owner: Owner<'_>,
    declared_fields: &[FieldDef],
    owner_span: crate::model::ByteSpan,
    struct_fields: impl Iterator<Item = &'s str> + Clone,
    index: usize,
    field: &StructField<'_>,
    findings: &mut Vec<Finding>,
) {
    match declared_fields.iter().find(|f| f.name.value == field.name) {
        None => {
            let missing: Vec<&str> = declared_fields
                .iter()
                .map(|f| f.name.value.as_str())
                .filter(|k| !struct_fields.clone().any(|f| f == *k))
                .collect();
            let list = format!("{}'s `fields:`", owner.kind());
            let help = match closest(&field.name, &missing) {
                Some(near) => format!(
                    "did you mean `{near}`? Rename the field, or declare `{}` under the {list}",
                    field.name
                ),
                None => format!(
                    "declare `{}` under the {list} with its type, category and description, or remove it from the struct",
                    field.name
                ),
            };
            findings.push(
                owner
                    .tag(Finding::new(
                        rules::UNDECLARED_FIELD,
                        format!(
                            "field `{}` of {owner} is not declared in the manifest",
                            field.name
                        ),
                        help,
                    ))
                    .field(&field.name)
                    .at_manifest(owner_span)
                    .at_code(CodeTarget::FieldName(index)),
            );
        }
        Some(declared) => {
            if let Some(finding) = check_declared_type(owner, declared, index, field) {
                findings.push(finding);
            }
        }
    }
}

/// TL003 for every declared field the struct lacks.
fn check_missing_fields<'s>(
    owner: Owner<'_>,
    ident: &str,
    declared_fields: &[FieldDef],
    struct_fields: impl Iterator<Item = &'s str> + Clone,
    findings: &mut Vec<Finding>,
) {
    for declared in declared_fields {
        if !struct_fields.clone().any(|f| f == declared.name.value) {
            findings.push(
                owner
                    .tag(Finding::new(
                        rules::MISSING_FIELD,
                        format!(
                            "field `{}` of {owner} is declared in the manifest but missing from struct `{ident}`",
                            declared.name.value
                        ),
                        format!(
                            "add `{}: {}` to the struct, or remove the field from the manifest",
                            declared.name.value,
                            declared.ty.value.example_rust_type()
                        ),
                    ))
                    .field(&declared.name.value)
                    .at_manifest(declared.name.span)
                    .at_code(CodeTarget::Struct),
            );
        }
    }
}

/// The type of a field that embeds a group: anything the syntax shows is not a
/// struct (a vetted value type, a forbidden or unvetted type, an `Option`) is a
/// TL032 finding; a plain name is left to the type system or the linter.
fn check_embedding_type(event: &str, index: usize, field: &StructField<'_>) -> Option<Finding> {
    let group = &field.name;
    let shown = type_to_string(field.ty);
    let why = match classify_type(field.ty) {
        TypeClass::Opaque {
            optional: false, ..
        } => return None,
        TypeClass::Opaque { optional: true, .. } => {
            "a group is embedded as its struct, not in an `Option`"
        }
        TypeClass::Forbidden(_) | TypeClass::Unvetted { .. } | TypeClass::Carries { .. } => {
            "which is not a group struct"
        }
    };
    let ident = heck::AsUpperCamelCase(group).to_string();
    Some(
        Finding::new(
            rules::GROUP_EMBEDDING_MISMATCH,
            format!(
                "field `{group}` of event `{event}` embeds group `{group}`, but has type `{shown}`, {why}"
            ),
            format!(
                "give the field the group's `#[telemetry_group]` struct as its type, such as `{group}: {ident}`"
            ),
        )
        .event(event)
        .field(group)
        .at_code(CodeTarget::FieldType(index)),
    )
}

/// A field named after a declared group that the event does not list.
fn unlisted_embedding(event: &EventDef, index: usize, field: &StructField<'_>) -> Finding {
    let event_name = &event.name.value;
    let group = &field.name;
    Finding::new(
        rules::GROUP_EMBEDDING_MISMATCH,
        format!(
            "field `{group}` of event `{event_name}` is named after group `{group}`, but the event does not embed that group"
        ),
        format!(
            "add `{group}` to the event's `groups:` in the manifest, or rename the field"
        ),
    )
    .event(event_name)
    .field(group)
    .at_manifest(event.name.span)
    .at_code(CodeTarget::FieldName(index))
}

fn check_declared_type(
    owner: Owner<'_>,
    declared: &FieldDef,
    index: usize,
    field: &StructField<'_>,
) -> Option<Finding> {
    let declared_ty = declared.ty.value;
    let mismatch = || {
        owner
            .tag(Finding::new(
                rules::FIELD_TYPE_MISMATCH,
                type_mismatch_message(owner, &field.name, declared_ty, &type_to_string(field.ty)),
                type_mismatch_help(declared_ty),
            ))
            .field(&field.name)
            .at_manifest(declared.ty.span)
            .at_code(CodeTarget::FieldType(index))
    };
    match classify_type(field.ty) {
        TypeClass::Carries { ty, .. } if ty != declared_ty => Some(mismatch()),
        // A vetted type where an enum is declared cannot be an enum.
        TypeClass::Carries { .. } | TypeClass::Opaque { .. } => None,
        TypeClass::Forbidden(_) | TypeClass::Unvetted { .. } => None,
    }
}

/// Compares an enum's variants (already snake_case) with a field's declared values.
/// `owner` is the event (an [`EventDef`]) or the group (a [`GroupDef`](crate::GroupDef)) the field
/// belongs to.
pub fn check_enum_variants<'a>(
    owner: impl Into<Owner<'a>>,
    declared: &FieldDef,
    variants: &[String],
) -> Option<Finding> {
    let owner = owner.into();
    let values: Vec<String> = declared.values.iter().map(|v| v.value.clone()).collect();
    let missing: Vec<&str> = values
        .iter()
        .filter(|v| !variants.contains(v))
        .map(String::as_str)
        .collect();
    let extra: Vec<&str> = variants
        .iter()
        .filter(|v| !values.contains(v))
        .map(String::as_str)
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut help = Vec::new();
    if !extra.is_empty() {
        help.push(format!("add [{}] to `values`", extra.join(", ")));
    }
    if !missing.is_empty() {
        help.push(format!(
            "add variants for [{}] or remove them from `values`",
            missing.join(", ")
        ));
    }
    Some(
        owner
            .tag(Finding::new(
                rules::ENUM_VALUES_MISMATCH,
                enum_values_message(owner, &declared.name.value, &values),
                help.join("; "),
            ))
            .field(&declared.name.value)
            .at_manifest(declared.values.first().map_or(declared.ty.span, |v| v.span)),
    )
}

/// The candidate nearest to `name` by edit distance, if it is near enough to be a
/// likely typo (at most a third of the name's length).
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, _)| *d <= name.len().max(3) / 3)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(
            closest("command_finshed", &["command_finished", "crash"]),
            Some("command_finished")
        );
        assert_eq!(closest("crash", &["command_finished"]), None);
    }
}
