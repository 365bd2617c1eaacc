//! Procedural macros of telemetry-lint: `#[telemetry_event]`, `#[telemetry_group]`
//! and `#[derive(TelemetryValue)]`. Use them through `telemetry_core`, which re-exports
//! them.
//!
//! `lib.rs` only parses and hands off: the attribute's pipeline lives in `event/`
//! (attribute parsing, the manifest lookup and cache, the checks, the expansion), the
//! derive in `derive.rs`.

mod derive;
mod event;
mod project;

use proc_macro::TokenStream;

/// Declares a struct, or every variant of an enum, as a telemetry event and checks
/// it against `telemetry.yaml`.
///
/// ```ignore
/// #[telemetry_event]                       // event `command_finished`
/// struct CommandFinished { command: Command, duration: DurationBucket, success: bool }
///
/// #[telemetry_event(name = "build_done")]  // an explicit event name
/// struct Built { targets: u32 }
///
/// #[telemetry_event]                       // an event per variant
/// enum Event {
///     SessionStarted { theme: Theme },     // event `session_started`
///     #[telemetry(name = "app_closed")]    // an explicit event name
///     Close,                               // an event without fields
///     Finished(CommandFinished),           // the event of the wrapped struct
/// }
/// ```
///
/// In an enum, a variant with named fields (or none) is checked exactly as a struct
/// with those fields; a tuple variant wraps one type that implements
/// `TelemetryEvent` and sends its event; `name = "..."` belongs on the variants,
/// never on the enum.
///
/// The manifest is found through the `TELEMETRY_MANIFEST` environment variable, else
/// by walking up from the source file, else from `CARGO_MANIFEST_DIR`. Every
/// disagreement between the struct and the manifest, and every field type that can
/// carry personal data, is a compile error on the field at fault, naming the rule.
#[proc_macro_attribute]
pub fn telemetry_event(attr: TokenStream, item: TokenStream) -> TokenStream {
    let local_file = proc_macro::Span::call_site().local_file();
    event::expand(event::Kind::Event, attr.into(), item.into(), local_file).into()
}

/// Declares a struct as a field group and checks it against `groups:` in
/// `telemetry.yaml`, with the same checks as an event's fields.
///
/// ```ignore
/// #[telemetry_group]                       // group `platform`
/// struct Platform { os: OsFamily, arch: Arch }
///
/// #[telemetry_event]                       // the event lists `groups: [platform]`
/// struct CommandStarted { command: Command, platform: Platform }
/// ```
///
/// An event that lists the group under its `groups:` embeds it as a field named
/// after the group, typed with the group's struct; the group's fields are sent
/// beside the event's own. `name = "..."` names the group explicitly; by default it
/// is the struct's name in snake_case.
#[proc_macro_attribute]
pub fn telemetry_group(attr: TokenStream, item: TokenStream) -> TokenStream {
    let local_file = proc_macro::Span::call_site().local_file();
    event::expand(event::Kind::Group, attr.into(), item.into(), local_file).into()
}

/// The manifest's `project` section as a `telemetry_core::runtime::ProjectInfo`, for
/// the telemetry runtime: the consent model, the context keys, the data dictionary,
/// the ways to opt out and the declared events.
///
/// ```ignore
/// const PROJECT: telemetry_core::runtime::ProjectInfo = telemetry_core::manifest_project!();
/// ```
///
/// The manifest is found as `#[telemetry_event]` finds it, and the program is rebuilt
/// when it changes. A manifest that cannot be read, or whose `opt_out.env` names
/// another variable than the runtime's `<NAME>_TELEMETRY`, is a compile error.
#[proc_macro]
pub fn manifest_project(input: TokenStream) -> TokenStream {
    let local_file = proc_macro::Span::call_site().local_file();
    project::expand(input.into(), local_file).into()
}

/// Implements `TelemetryValue` for a fieldless enum, whose variants (in snake_case)
/// are the values an `enum` field may send.
///
/// ```ignore
/// #[derive(TelemetryValue)]
/// enum Command { Build, Test, Lint } // sends "build", "test" or "lint"
/// ```
#[proc_macro_derive(TelemetryValue)]
pub fn derive_telemetry_value(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => derive::expand(input).into(),
        Err(error) => error.to_compile_error().into(),
    }
}
