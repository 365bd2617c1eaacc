//! The checks that need the whole workspace, which one macro expansion cannot
//! see: events declared without a struct (TL015), groups embedded without a
//! struct (TL033), a field whose type is a name the syntax cannot judge, resolved
//! against the workspace's `TelemetryValue` enums (TL004, TL005, TL013), and the
//! struct an embedding field names (TL032), and the type a tuple variant of an
//! enum of events wraps (TL012).
//!
//! The linter gathers a [`WorkspaceItems`] from its scan and calls these; the
//! findings point at [`CodeTarget`]s of the struct concerned, or (for TL005) name
//! the enum whose variants are sent, and the linter places them in its files.

use std::collections::{BTreeSet, HashMap};

use heck::AsUpperCamelCase;

use super::fields::{
    StructField, check_enum_variants, type_mismatch_help, type_mismatch_message, unvetted,
};
use crate::finding::{CodeTarget, Finding, Owner};
use crate::rules;
use crate::rust_types::{TypeClass, classify_type, type_to_string};
use crate::valid::ValidManifest;
use crate::vocab::FieldType;

/// What the workspace's sources hold, as far as these checks need it.
#[derive(Clone, Debug, Default)]
pub struct WorkspaceItems<'a> {
    /// The events the `#[telemetry_event]` structs and enum variants send.
    pub events: BTreeSet<&'a str>,
    /// The Rust names of the `#[telemetry_event]` structs.
    pub event_structs: BTreeSet<&'a str>,
    /// The `#[telemetry_group]` structs: each Rust name and the group it declares.
    pub groups: Vec<(&'a str, &'a str)>,
    /// The `TelemetryValue` enums by Rust name (the first of each name), with
    /// their values: the variants in snake_case.
    pub enums: HashMap<&'a str, Vec<String>>,
}

impl WorkspaceItems<'_> {
    /// The struct of group `group`, if the workspace has one.
    fn group_struct(&self, group: &str) -> Option<&str> {
        self.groups
            .iter()
            .find(|(_, name)| *name == group)
            .map(|(ident, _)| *ident)
    }
}

/// TL015 for every event the manifest declares that no struct or variant sends,
/// and TL033 for every group that events embed and no struct declares.
pub fn check_workspace(manifest: &ValidManifest, items: &WorkspaceItems<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for event in &manifest.events {
        let name = &event.name.value;
        if items.events.contains(name.as_str()) {
            continue;
        }
        let ident = AsUpperCamelCase(name);
        findings.push(
            Finding::new(
                rules::MISSING_EVENT_STRUCT,
                format!("event `{name}` is declared in the manifest, but no `#[telemetry_event]` struct sends it"),
                format!(
                    "add `#[telemetry_event] struct {ident} {{ .. }}` (or name a struct with `#[telemetry_event(name = \"{name}\")]`), or remove the event from the manifest"
                ),
            )
            .event(name)
            .at_manifest(event.name.span),
        );
    }
    for group in &manifest.groups {
        let name = &group.name.value;
        if items.group_struct(name).is_some() || !manifest.events.iter().any(|e| e.embeds(name)) {
            continue;
        }
        let ident = AsUpperCamelCase(name);
        findings.push(
            Finding::new(
                rules::MISSING_GROUP_STRUCT,
                format!("group `{name}` is embedded in events, but no `#[telemetry_group]` struct declares it"),
                format!(
                    "add `#[telemetry_group] struct {ident} {{ .. }}` with the group's fields (or name a struct with `#[telemetry_group(name = \"{name}\")]`), or remove the group and the events' references to it"
                ),
            )
            .group(name)
            .at_manifest(group.name.span),
        );
    }
    findings
}

/// A field whose type is a name the syntax cannot judge (a user enum, an alias, a
/// newtype), field `index` of the struct of `owner`, resolved against the
/// workspace's `TelemetryValue` enums. Returns the finding and, for TL005, the
/// name of the enum whose variants it points at.
pub fn check_opaque_field<'w>(
    manifest: &ValidManifest,
    items: &'w WorkspaceItems<'_>,
    owner: Owner<'_>,
    index: usize,
    field: &StructField<'_>,
) -> Option<(Finding, Option<&'w str>)> {
    let TypeClass::Opaque { name, .. } = classify_type(field.ty) else {
        return None;
    };
    let (known, declared) = match owner {
        Owner::Group(group) => {
            let def = manifest.group(group);
            (def.is_some(), def.and_then(|g| g.field(&field.name)))
        }
        Owner::Event(event) => {
            let def = manifest.event(event);
            // A field named after a group and not declared as the event's own: it
            // embeds the group (see `check_embedding`), or `check_event_struct`
            // reports that the event does not list the group.
            if manifest.group(&field.name).is_some()
                && def.is_none_or(|e| e.embeds(&field.name) || e.field(&field.name).is_none())
            {
                return None;
            }
            (def.is_some(), def.and_then(|e| e.field(&field.name)))
        }
    };
    let resolved = items.enums.get_key_value(name.as_str());
    let shown = type_to_string(field.ty);
    match (resolved, known, declared) {
        (Some((enum_name, values)), true, Some(declared))
            if declared.ty.value == FieldType::Enum =>
        {
            check_enum_variants(owner, declared, values).map(|finding| (finding, Some(*enum_name)))
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
            Some((unvetted(owner, index, &field.name, &shown, help), None))
        }
    }
}

/// The type of field `index` of event `event`, which embeds group `group` (the
/// field's name): when it names a `#[telemetry_group]` struct of the workspace,
/// that struct must declare this group; when it names none, but the group has a
/// struct under another name, the field should use it (TL032). A type the
/// workspace does not define is left to the compiler.
pub fn check_embedding(
    items: &WorkspaceItems<'_>,
    event: &str,
    group: &str,
    index: usize,
    ty: &syn::Type,
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
    let own = items.group_struct(group);
    let message = match items.groups.iter().find(|(ident, _)| *ident == name) {
        Some((_, declared)) if *declared == group => return None,
        Some((_, declared)) => format!(
            "field `{group}` of event `{event}` embeds group `{group}`, but its type `{shown}` is the `#[telemetry_group]` struct of group `{declared}`"
        ),
        None => format!(
            "field `{group}` of event `{event}` embeds group `{group}`, but its type `{shown}` is not the group's struct `{}`",
            own?
        ),
    };
    let help = match own {
        Some(own) => format!("change the field's type to `{own}`, the struct of group `{group}`"),
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

/// A tuple variant `variant` (`Enum::Variant`) of a `#[telemetry_event]` enum
/// sends the event of the type it wraps, `wraps`; when that type is not a
/// `#[telemetry_event]` struct of the workspace, what it sends goes unchecked
/// (TL012, tagged with `event`, the name the variant would have as an event). The
/// compiler asserts the same through the type system.
pub fn check_delegation(
    items: &WorkspaceItems<'_>,
    variant: &str,
    event: &str,
    wraps: &str,
) -> Option<Finding> {
    if items.event_structs.contains(wraps) {
        return None;
    }
    Some(
        Finding::new(
            rules::UNSUPPORTED_EVENT_SHAPE,
            format!(
                "variant `{variant}` of a `#[telemetry_event]` enum wraps `{wraps}`, which is not a `#[telemetry_event]` struct of the workspace, so what it sends is not checked"
            ),
            format!(
                "put `#[telemetry_event]` on struct `{wraps}`, or give the variant the named fields it sends"
            ),
        )
        .event(event)
        .at_code(CodeTarget::Struct),
    )
}
