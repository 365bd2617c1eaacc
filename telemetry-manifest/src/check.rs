//! The checks of an event struct against the manifest, shared by
//! `#[telemetry_event]` and `cargo telemetry-lint`.
//!
//! Both callers describe the struct as an [`EventStruct`] (names and `syn` types)
//! and get back [`Finding`]s that point at a [`CodeTarget`]; the macro turns those
//! into compile errors on the tokens, the linter into diagnostics on file lines.
//! The words are built here, once, so the two never disagree.

use heck::ToSnakeCase;

use crate::finding::{CodeTarget, Finding};
use crate::rules;
use crate::rust_types::{Forbidden, TypeClass, classify_type, type_to_string};
use crate::valid::{EventDef, FieldDef, ValidManifest};
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

/// The event name a struct declares by default: its name in snake_case.
pub fn default_event_name(ident: &str) -> String {
    ident.to_snake_case()
}

/// The message of a field whose Rust type does not carry the declared type.
pub fn type_mismatch_message(event: &str, field: &str, declared: FieldType, shown: &str) -> String {
    format!(
        "field `{field}` of event `{event}` is declared `{declared}` in the manifest, but its Rust type `{shown}` does not carry a `{declared}`"
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
pub fn enum_values_message(event: &str, field: &str, values: &[String]) -> String {
    format!(
        "the variants of enum field `{field}` of event `{event}` differ from the manifest's values [{}]",
        values.join(", ")
    )
}

fn forbidden_message(event: &str, field: &str, shown: &str, found: &Forbidden) -> String {
    if shown == found.culprit {
        format!(
            "field `{field}` of event `{event}` has type `{shown}`, which can carry {}",
            found.carries
        )
    } else {
        format!(
            "field `{field}` of event `{event}` has type `{shown}`, whose `{}` can carry {}",
            found.culprit, found.carries
        )
    }
}

/// Checks the Rust type of one field on its own: forbidden types and unvetted types.
///
/// Returns at most one finding.
pub fn check_field_type(event: &str, index: usize, field: &StructField<'_>) -> Option<Finding> {
    match classify_type(field.ty) {
        TypeClass::Forbidden(found) => Some(
            Finding::new(
                found.rule,
                forbidden_message(event, &field.name, &type_to_string(field.ty), &found),
                lowercase_first(found.rule.fix.trim_end_matches('.')),
            )
            .event(event)
            .field(&field.name)
            .at_code(CodeTarget::FieldType(index)),
        ),
        TypeClass::Unvetted { shown } => Some(
            Finding::new(
                rules::UNVETTED_VALUE_TYPE,
                format!(
                    "field `{}` of event `{event}` has type `{shown}`, which is not a vetted telemetry value type",
                    field.name
                ),
                "use a type from the manifest's vocabulary (`bool`, an unsigned integer, `DurationBucket`, `SizeBucket`, `OsFamily`, `Arch`, `Version`), or a fieldless enum with `#[derive(TelemetryValue)]`",
            )
            .event(event)
            .field(&field.name)
            .at_code(CodeTarget::FieldType(index)),
        ),
        TypeClass::Carries { .. } | TypeClass::Opaque { .. } => None,
    }
}

/// Checks an event struct against the manifest: the event is declared, every field
/// is declared and fits its declared type, no field is forbidden, and no declared
/// field is missing.
///
/// Fields of an opaque type (a user enum or an alias) declared as anything but
/// `enum` are left to the caller: the macro asserts them through the type system,
/// the linter through its index of enums.
pub fn check_event_struct(manifest: &ValidManifest, item: &EventStruct<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let event_name = &item.event;
    for (index, field) in item.fields.iter().enumerate() {
        if let Some(finding) = check_field_type(event_name, index, field) {
            findings.push(finding);
        }
    }
    let Some(event) = manifest.events.iter().find(|e| e.name.value == *event_name) else {
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

    for (index, field) in item.fields.iter().enumerate() {
        match event.field(&field.name) {
            None => {
                let known: Vec<&str> = event.fields.iter().map(|f| f.name.value.as_str()).collect();
                let missing: Vec<&str> = known
                    .iter()
                    .copied()
                    .filter(|k| !item.fields.iter().any(|f| f.name == *k))
                    .collect();
                let help = match closest(&field.name, &missing) {
                    Some(near) => format!(
                        "did you mean `{near}`? Rename the field, or declare `{}` under the event's `fields:`",
                        field.name
                    ),
                    None => format!(
                        "declare `{}` under the event's `fields:` with its type, category and description, or remove it from the struct",
                        field.name
                    ),
                };
                findings.push(
                    Finding::new(
                        rules::UNDECLARED_FIELD,
                        format!(
                            "field `{}` of event `{event_name}` is not declared in the manifest",
                            field.name
                        ),
                        help,
                    )
                    .event(event_name)
                    .field(&field.name)
                    .at_manifest(event.name.span)
                    .at_code(CodeTarget::FieldName(index)),
                );
            }
            Some(declared) => {
                if let Some(finding) = check_declared_type(event, declared, index, field) {
                    findings.push(finding);
                }
            }
        }
    }
    for declared in &event.fields {
        if !item.fields.iter().any(|f| f.name == declared.name.value) {
            findings.push(
                Finding::new(
                    rules::MISSING_FIELD,
                    format!(
                        "field `{}` of event `{event_name}` is declared in the manifest but missing from struct `{}`",
                        declared.name.value, item.ident
                    ),
                    format!(
                        "add `{}: {}` to the struct, or remove the field from the manifest",
                        declared.name.value,
                        declared.ty.value.example_rust_type()
                    ),
                )
                .event(event_name)
                .field(&declared.name.value)
                .at_manifest(declared.name.span)
                .at_code(CodeTarget::Struct),
            );
        }
    }
    findings
}

fn check_declared_type(
    event: &EventDef,
    declared: &FieldDef,
    index: usize,
    field: &StructField<'_>,
) -> Option<Finding> {
    let declared_ty = declared.ty.value;
    let mismatch = || {
        Finding::new(
            rules::FIELD_TYPE_MISMATCH,
            type_mismatch_message(
                &event.name.value,
                &field.name,
                declared_ty,
                &type_to_string(field.ty),
            ),
            type_mismatch_help(declared_ty),
        )
        .event(&event.name.value)
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
pub fn check_enum_variants(
    event: &EventDef,
    declared: &FieldDef,
    variants: &[String],
) -> Option<Finding> {
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
        Finding::new(
            rules::ENUM_VALUES_MISMATCH,
            enum_values_message(&event.name.value, &declared.name.value, &values),
            help.join("; "),
        )
        .event(&event.name.value)
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
