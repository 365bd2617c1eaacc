//! What a program links to send privacy-safe telemetry: the [`TelemetryEvent`] and
//! [`TelemetryValue`] traits and the value types that are coarse by construction.
//!
//! An event is declared once in `telemetry.yaml` (the manifest) and sent by a struct
//! marked `#[telemetry_event]`, or by a variant of an enum so marked; the attribute
//! checks the struct, or every variant, against the manifest at compile time and
//! implements [`TelemetryEvent`]. Each field's type must implement
//! [`TelemetryValue`], which only the vetted types below do:
//!
//! | Rust type | manifest type | what is sent |
//! |---|---|---|
//! | `bool` | `bool` | `true` or `false` |
//! | `u8`, `u16`, `u32`, `u64`, `usize` | `count` | the number, clamped to the field's `max`; or, when the field declares `buckets`, the label of its bucket (`"<1"`, `"1-10"`, ..., `">=100"`) |
//! | a fieldless enum with `#[derive(TelemetryValue)]` | `enum` | the variant's name in snake_case |
//! | [`DurationBucket`] | `duration_bucket` | the label of its bucket; bounds in milliseconds, by default 100 ms, 1 s, 10 s, 1 min, 10 min, 1 h (`"<100ms"`, `"100ms-1s"`, ..., `">=1h"`) |
//! | [`SizeBucket`] | `size_bucket` | the label of its bucket; bounds in bytes, by default 1 KiB, 1 MiB, 100 MiB, 1 GiB (`"<1KiB"`, ..., `">=1GiB"`) |
//! | [`OsFamily`] | `os_family` | `linux`, `macos`, `windows`, `bsd` or `other` |
//! | [`Arch`] | `arch` | `x86_64`, `aarch64`, `x86`, `arm`, `riscv64`, `wasm32` or `other` |
//! | [`Version`] | `version` | `"major.minor"` |
//! | `Option<T>` of any of these | as `T` | `null` when `None` |
//!
//! # Why each value is coarse
//!
//! The coarsening happens in the constructors, so the raw value never exists in a
//! sendable form: none of these types has an accessor for it, and their `Debug`
//! output hides it.
//!
//! - [`DurationBucket`] keeps whole milliseconds, because sub-millisecond timing is
//!   a side channel on the input and the machine, and sends only its bucket's
//!   label, because an exact duration can single out one run.
//! - [`SizeBucket`] sends only its bucket's label: an exact size identifies a file
//!   or a project as surely as its name, its order of magnitude does not.
//! - A count is clamped to the field's `max`, so a rare, very large value does not
//!   stand out, or sent only as the label of its bucket; the manifest requires one
//!   of the two, since an unbounded count could carry a hash of a user name.
//! - [`OsFamily`] and [`Arch`] are taken from the compilation target, never read
//!   from the machine, and name only a family: OS versions, distributions and CPU
//!   models fingerprint a machine.
//! - [`Version`] keeps `major.minor`: patch levels and build metadata can name a
//!   commit or a private fork.
//!
//! Strings, paths, exact times and durations, addresses, identifiers, collections,
//! signed integers and floats deliberately do not implement [`TelemetryValue`].
//!
//! # Example
//!
//! With the manifest declaring `command_finished`, a program writes:
//!
//! ```ignore
//! use telemetry_core::{telemetry_event, DurationBucket, OsFamily, TelemetryEvent, TelemetryValue};
//!
//! #[derive(TelemetryValue)]
//! enum Command { Build, Test }
//!
//! #[telemetry_event]
//! struct CommandFinished { command: Command, duration: DurationBucket, success: bool, os: OsFamily }
//! ```
//!
//! An enum sends one event per variant: a variant with named fields (or none) is
//! checked like a struct, named after the variant in snake_case or by
//! `#[telemetry(name = "...")]`, and a variant that wraps one event type sends that
//! type's event:
//!
//! ```ignore
//! #[telemetry_event]
//! enum Event {
//!     SessionStarted { theme: Theme, retries: u8 },
//!     #[telemetry(name = "quit_requested")]
//!     Quit,
//!     Finished(CommandFinished),
//! }
//! ```
//!
//! `#[telemetry_event]` generates the [`TelemetryEvent`] impl from the manifest (and,
//! for a struct, [`StructEvent`] with its name and fields as constants). The same
//! impl written by hand shows what is sent:
//!
//! ```
//! use std::time::Duration;
//! use telemetry_core::{
//!     Category, DurationBucket, FieldMeta, Noise, PayloadValue, TelemetryEvent,
//!     TelemetryValue, ValueKind,
//! };
//!
//! struct CommandFinished {
//!     duration: DurationBucket,
//!     success: bool,
//! }
//!
//! const FIELDS: &[FieldMeta] = &[
//!     FieldMeta {
//!         name: "duration",
//!         kind: ValueKind::DurationBucket,
//!         category: Category::Technical,
//!         description: "How long it took, bucketed.",
//!         values: &["<100ms", "100ms-1s", ">=1s"],
//!         bounds: &[100, 1_000],
//!         max: None,
//!         noise: Noise::None,
//!     },
//!     FieldMeta {
//!         name: "success",
//!         kind: ValueKind::Bool,
//!         category: Category::Technical,
//!         description: "Whether it exited 0.",
//!         values: &["true", "false"],
//!         bounds: &[],
//!         max: None,
//!         noise: Noise::None,
//!     },
//! ];
//!
//! impl TelemetryEvent for CommandFinished {
//!     fn name(&self) -> &'static str {
//!         "command_finished"
//!     }
//!     fn fields(&self) -> &'static [FieldMeta] {
//!         FIELDS
//!     }
//!     fn visit_fields(&self, visit: &mut dyn FnMut(&'static FieldMeta, PayloadValue)) {
//!         let [duration, success] = FIELDS else { return };
//!         visit(duration, self.duration.to_payload(duration));
//!         visit(success, self.success.to_payload(success));
//!     }
//! }
//!
//! let event = CommandFinished {
//!     duration: Duration::from_millis(420).into(),
//!     success: true,
//! };
//! assert_eq!(
//!     event.payload_json(),
//!     r#"{"event":"command_finished","fields":{"duration":"100ms-1s","success":true}}"#
//! );
//! ```
//!
//! # The runtime
//!
//! [`runtime`] decides whether telemetry is on (the program's flag,
//! `<NAME>_TELEMETRY`, `DO_NOT_TRACK`, the persisted choice, the manifest's
//! default), shows the first-run notice and the status line, prints every record in
//! debug mode, and hands records to sinks: a JSON Lines spool file and, with the
//! `http` feature, an HTTP collector. `manifest_project!()` reads what it needs from
//! the manifest.
//!
//! # Features
//!
//! - `macros` (default): re-exports `#[telemetry_event]`, `#[telemetry_group]`,
//!   `#[derive(TelemetryValue)]` and `manifest_project!()` from `telemetry-macros`.
//! - `http`: the HTTP sink (`runtime::TelemetryBuilder::http`), with `ureq` and
//!   rustls.

#![deny(missing_docs)]

mod event;
pub mod runtime;
mod types;
mod value;

pub use event::{StructEvent, TelemetryEvent, TelemetryGroup};
pub use types::{Arch, DurationBucket, OsFamily, SizeBucket, Version};
pub use value::{Category, FieldMeta, Noise, PayloadValue, TelemetryValue, ValueKind};

#[cfg(feature = "macros")]
pub use telemetry_macros::{TelemetryValue, manifest_project, telemetry_event, telemetry_group};

/// Support for the code that `#[telemetry_event]` and `#[derive(TelemetryValue)]`
/// generate; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::{
        Automation, ConfigFile, ConfigFormat, ConsentModel, ContextField, EventInfo, ExpiryDate,
        LevelInfo, OptOut, OptOutKind, ProjectInfo,
    };
    pub use crate::{
        Category, FieldMeta, Noise, PayloadValue, StructEvent, TelemetryEvent, TelemetryGroup,
        TelemetryValue, ValueKind,
    };
    pub use serde_json;

    /// The bound `#[telemetry_event]` puts on the type of a field that embeds a
    /// field group, `F` being a marker type named after the field (and the group),
    /// so the error names the field at fault.
    #[diagnostic::on_unimplemented(
        message = "field `{F}` has type `{Self}`, which is not a telemetry field group",
        label = "field `{F}` embeds group `{F}`, so its type must be the group's `#[telemetry_group]` struct",
        note = "the event lists group `{F}` under `groups:` in the manifest; its fields are sent through this field, so the field's type is the struct that carries `#[telemetry_group]` for that group  (TL032 group-embedding-mismatch; cargo telemetry-lint explain TL032)"
    )]
    pub trait GroupValue<F> {
        /// `TelemetryGroup::NAME` of the field's type.
        const GROUP: &'static str;
        /// `TelemetryGroup::visit_fields` of the field's value.
        fn visit_group(&self, visit: &mut dyn FnMut(&'static FieldMeta, PayloadValue));
    }

    impl<T: TelemetryGroup + ?Sized, F> GroupValue<F> for T {
        const GROUP: &'static str = T::NAME;
        fn visit_group(&self, visit: &mut dyn FnMut(&'static FieldMeta, PayloadValue)) {
            self.visit_fields(visit);
        }
    }

    /// The bound `#[telemetry_event]` puts on each field's type, `F` being a marker
    /// type named after the field, so the error names the field at fault.
    #[diagnostic::on_unimplemented(
        message = "field `{F}` has type `{Self}`, which is not a vetted telemetry value type",
        label = "field `{F}` cannot carry `{Self}`",
        note = "only vetted value types are known to be coarse; an alias or a newtype could wrap a string, a path or an identifier",
        note = "use bool, an unsigned integer, DurationBucket, SizeBucket, OsFamily, Arch, Version, or a fieldless enum with #[derive(TelemetryValue)]  (TL013 unvetted-value-type; cargo telemetry-lint explain TL013)"
    )]
    pub trait FieldValue<F> {
        /// `TelemetryValue::KIND` of the field's type.
        const KIND: ValueKind;
        /// `TelemetryValue::VARIANTS` of the field's type.
        const VARIANTS: &'static [&'static str];
        /// `TelemetryValue::to_payload` of the field's value.
        fn field_payload(&self, field: &FieldMeta) -> PayloadValue;
    }

    // Every use of a field's type by the generated code goes through this one bound,
    // so a type that is not vetted yields one error naming the field, not several.
    impl<T: TelemetryValue + ?Sized, F> FieldValue<F> for T {
        const KIND: ValueKind = T::KIND;
        const VARIANTS: &'static [&'static str] = T::VARIANTS;
        fn field_payload(&self, field: &FieldMeta) -> PayloadValue {
            self.to_payload(field)
        }
    }

    /// Compile-time assertion that a field's type is a vetted value type, called as
    /// `assert_field::<FieldTy, marker::field_name>()`.
    pub const fn assert_field<T: FieldValue<F> + ?Sized, F>() {}

    /// Whether two strings are equal, in const context.
    pub const fn str_eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// Whether `variants` contains `value`, in const context.
    pub const fn has_variant(variants: &[&str], value: &str) -> bool {
        let mut i = 0;
        while i < variants.len() {
            if str_eq(variants[i], value) {
                return true;
            }
            i += 1;
        }
        false
    }
}

#[cfg(test)]
mod tests;
