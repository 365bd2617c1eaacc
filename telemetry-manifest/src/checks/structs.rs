//! The check of an event struct (`#[telemetry_event]`) against its declaration
//! under `events:`: the event is declared (TL001), its fields are checked one by one
//! (see `fields.rs`), and the fields that embed field groups are checked as
//! embeddings (see `groups.rs`).
//!
//! ```
//! use telemetry_manifest::{EventStruct, StructField, check_event_struct, parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\nevents:\n  ping:\n    fields:\n      ok: { type: bool, category: technical }\n";
//! let (manifest, _) = validate(&parse_str(text).unwrap());
//! let ty: syn::Type = syn::parse_str("u32").unwrap();
//! let item = EventStruct {
//!     ident: "Ping".to_owned(),
//!     event: "ping".to_owned(),
//!     fields: vec![StructField { name: "ok".to_owned(), ty: &ty }],
//! };
//! let rules: Vec<&str> = check_event_struct(&manifest, &item).iter().map(|f| f.rule.id).collect();
//! assert_eq!(rules, ["TL004"]);
//! ```

use heck::ToSnakeCase;

use crate::finding::{CodeTarget, Finding, Owner};
use crate::rules;
use crate::text::closest;
use crate::valid::ValidManifest;

use super::fields::{
    StructField, check_field_type, check_fields_one, check_missing_fields, item_noun,
};
use super::groups::{
    check_embedding_type, field_of_embedded_group, missing_embeddings, unlisted_embedding,
};

/// An event struct, as the macro or the linter sees it.
#[derive(Clone, Debug)]
pub struct EventStruct<'a> {
    /// The struct's Rust name, such as `CommandFinished`; for a variant of an enum
    /// of events, `Enum::Variant`, and messages then say "variant" for "struct".
    pub ident: String,
    /// The event name it declares: `name = "..."` or the snake_case struct name
    /// (for a variant: `#[telemetry(name = "...")]` or the snake_case variant name).
    pub event: String,
    /// The named fields, in declaration order (none for a unit variant).
    pub fields: Vec<StructField<'a>>,
}

/// The event name a struct, or a variant of an enum of events, declares by default:
/// its name in snake_case.
pub fn default_event_name(ident: &str) -> String {
    ident.to_snake_case()
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
                    "{} `{}` sends event `{event_name}`, which the manifest does not declare",
                    item_noun(&item.ident),
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
            && let Some(finding) = field_of_embedded_group(manifest, event, index, field)
        {
            findings.push(finding);
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
    findings.extend(missing_embeddings(event, &item.ident, &item.fields));
    findings
}
