//! The [`TelemetryEvent`] trait: an event's name, its fields' metadata, and the
//! payload built from them; [`StructEvent`], the same known from the type alone
//! for an event declared by a struct; and the [`TelemetryGroup`] trait: a set of
//! fields declared once and embedded in several events.
//!
//! `#[telemetry_event]` and `#[telemetry_group]` implement them from the manifest;
//! the payload is built only through
//! [`TelemetryValue::to_payload`](crate::TelemetryValue::to_payload), so what is
//! sent is exactly what the data dictionary describes.
//!
//! The name and the fields are methods of the value, not constants of the type,
//! because an enum of events sends a different event from each variant:
//!
//! ```ignore
//! #[telemetry_event]
//! enum Event {
//!     SessionStarted { theme: Theme, retries: u8 }, // event `session_started`
//!     Quit,                                         // event `quit`, no fields
//!     Build(BuildFinished),                         // the event of `BuildFinished`
//! }
//! ```
//!
//! An embedded group adds no level to the payload: its fields appear under
//! `"fields"` beside the event's own, and the event's
//! [`fields`](TelemetryEvent::fields) lists them too.

use crate::value::{FieldMeta, PayloadValue};

/// An event: a thing that happened, sent with a fixed set of coarse fields.
///
/// Implemented by `#[telemetry_event]`, which takes the name and the field metadata
/// from the manifest and checks the struct (or every variant of the enum) against
/// it at compile time. A struct's event is the same for every value, and its type
/// also implements [`StructEvent`]; an enum's depends on the variant.
pub trait TelemetryEvent {
    /// The name in the manifest (snake_case) of the event this value sends.
    fn name(&self) -> &'static str;

    /// The metadata of every field the event sends: its own fields in the struct's
    /// (or the variant's) order, then the fields of each embedded
    /// [`TelemetryGroup`], in the order of the event's `groups:` list in the
    /// manifest and each group's [`FIELDS`](TelemetryGroup::FIELDS) order.
    fn fields(&self) -> &'static [FieldMeta];

    /// Calls `visit` once per field, in [`fields`](Self::fields) order, with the
    /// field's metadata and its value as sent. The fields of an embedded group are
    /// visited through [`TelemetryGroup::visit_fields`], with the group's metadata
    /// (equal to the event's entry for that field).
    fn visit_fields(&self, visit: &mut dyn FnMut(&'static FieldMeta, PayloadValue));

    /// The event as sent: `{"event": name, "fields": {name: value, ...}}`.
    ///
    /// The keys of `"fields"` are sorted by name, whatever the struct's order and
    /// whatever serde_json features the build enables, so the same event always
    /// gives the same JSON text.
    fn payload(&self) -> serde_json::Value {
        let mut fields: Vec<(&'static str, serde_json::Value)> =
            Vec::with_capacity(self.fields().len());
        self.visit_fields(&mut |meta, value| fields.push((meta.name, value.to_json())));
        fields.sort_by(|a, b| a.0.cmp(b.0));
        let fields: serde_json::Map<String, serde_json::Value> = fields
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        let mut event = serde_json::Map::new();
        event.insert("event".to_owned(), serde_json::Value::from(self.name()));
        event.insert("fields".to_owned(), serde_json::Value::Object(fields));
        serde_json::Value::Object(event)
    }

    /// [`payload`](Self::payload) as compact JSON text, exactly what would be sent;
    /// for debug mode and tests.
    fn payload_json(&self) -> String {
        self.payload().to_string()
    }
}

/// An event declared by a struct: one event, whose name and fields are known from
/// the type alone, such as `CommandFinished::NAME`.
///
/// `#[telemetry_event]` implements it for every struct it stands on, beside
/// [`TelemetryEvent`], whose [`name`](TelemetryEvent::name) and
/// [`fields`](TelemetryEvent::fields) return these constants. An enum of events
/// does not implement it: each variant sends its own event.
pub trait StructEvent: TelemetryEvent {
    /// The event's name in the manifest (snake_case).
    const NAME: &'static str;
    /// The metadata of every field the event sends, as
    /// [`TelemetryEvent::fields`] returns it.
    const FIELDS: &'static [FieldMeta];
}

/// A field group: fields declared once, under `groups:` in the manifest, and
/// embedded in several events, such as the platform a program runs on.
///
/// Implemented by `#[telemetry_group]`, which takes the name and the field metadata
/// from the manifest and checks the struct against it at compile time, with the
/// same checks as an event's fields. An event that lists the group under its
/// `groups:` holds the group's struct as a field named after the group:
///
/// ```ignore
/// #[telemetry_group]                 // group `platform`
/// struct Platform { os: OsFamily, arch: Arch }
///
/// #[telemetry_event]                 // lists `groups: [platform]`
/// struct CommandStarted { command: Command, platform: Platform }
/// ```
///
/// The event's payload stays flat: `{"event": "command_started", "fields":
/// {"arch": ..., "command": ..., "os": ...}}`.
pub trait TelemetryGroup {
    /// The group's name in the manifest (snake_case); the name of the field that
    /// embeds it in an event.
    const NAME: &'static str;
    /// The metadata of every field of the group, in the manifest's order.
    const FIELDS: &'static [FieldMeta];

    /// Calls `visit` once per field, in [`FIELDS`](Self::FIELDS) order, with the
    /// field's metadata and its value as sent.
    fn visit_fields(&self, visit: &mut dyn FnMut(&'static FieldMeta, PayloadValue));
}
