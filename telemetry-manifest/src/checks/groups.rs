//! Field groups in structs: the check of a group struct (`#[telemetry_group]`)
//! against its declaration under `groups:` (TL030, then the same field checks as an
//! event's), and the checks of an event struct's embeddings (TL032: a field named
//! after each group the event lists, typed with the group's struct; TL002 for a
//! group's field written on the event).
//!
//! An event that embeds a group holds the group's struct as a field named after
//! the group; the group's own fields are checked once, on the group struct.

use crate::finding::{CodeTarget, Finding, Owner};
use crate::rules;
use crate::rust_types::{TypeClass, classify_type, type_to_string};
use crate::text::closest;
use crate::valid::{EventDef, ValidManifest};

use super::fields::{
    StructField, check_field_type, check_fields_one, check_missing_fields, item_noun,
};

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

/// The type of a field that embeds a group: anything the syntax shows is not a
/// struct (a vetted value type, a forbidden or unvetted type, an `Option`) is a
/// TL032 finding; a plain name is left to the type system or the linter.
pub(super) fn check_embedding_type(
    event: &str,
    index: usize,
    field: &StructField<'_>,
) -> Option<Finding> {
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
pub(super) fn unlisted_embedding(
    event: &EventDef,
    index: usize,
    field: &StructField<'_>,
) -> Finding {
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

/// A field of an event struct that the event does not declare but a group it
/// embeds does: TL002, since the event sends the field through the group's struct.
pub(super) fn field_of_embedded_group(
    manifest: &ValidManifest,
    event: &EventDef,
    index: usize,
    field: &StructField<'_>,
) -> Option<Finding> {
    let event_name = &event.name.value;
    let group = event
        .groups
        .iter()
        .filter_map(|g| manifest.group(&g.value))
        .find(|g| g.field(&field.name).is_some())?;
    let group_name = &group.name.value;
    Some(
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
    )
}

/// TL032 for every group the event lists that the struct (`ident`, with `fields`)
/// has no field for.
pub(super) fn missing_embeddings(
    event: &EventDef,
    ident: &str,
    fields: &[StructField<'_>],
) -> Vec<Finding> {
    let event_name = &event.name.value;
    let mut findings = Vec::new();
    for group in &event.groups {
        let group_name = &group.value;
        if !fields.iter().any(|f| f.name == *group_name) {
            let group_ident = heck::AsUpperCamelCase(group_name).to_string();
            findings.push(
                Finding::new(
                    rules::GROUP_EMBEDDING_MISMATCH,
                    format!(
                        "event `{event_name}` embeds group `{group_name}`, but {noun} `{ident}` has no field `{group_name}` to carry it",
                        noun = item_noun(ident)
                    ),
                    format!(
                        "add `{group_name}: {group_ident}` to the {noun}, `{group_ident}` being the group's `#[telemetry_group]` struct, or remove `{group_name}` from the event's `groups:`",
                        noun = item_noun(ident)
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
