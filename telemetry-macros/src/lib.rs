//! Procedural macros of telemetry-lint: `#[telemetry_event]` and
//! `#[derive(TelemetryValue)]`. Use them through `telemetry_core`, which re-exports
//! them.
//!
//! `lib.rs` only parses and hands off: the attribute's pipeline lives in `event/`
//! (attribute parsing, the manifest lookup and cache, the checks, the expansion), the
//! derive in `derive.rs`.

mod derive;
mod event;

use proc_macro::TokenStream;

/// Declares a struct as a telemetry event and checks it against `telemetry.yaml`.
///
/// ```ignore
/// #[telemetry_event]                       // event `command_finished`
/// struct CommandFinished { command: Command, duration: DurationBucket, success: bool }
///
/// #[telemetry_event(name = "build_done")]  // an explicit event name
/// struct Built { targets: u32 }
/// ```
///
/// The manifest is found through the `TELEMETRY_MANIFEST` environment variable, else
/// by walking up from the source file, else from `CARGO_MANIFEST_DIR`. Every
/// disagreement between the struct and the manifest, and every field type that can
/// carry personal data, is a compile error on the field at fault, naming the rule.
#[proc_macro_attribute]
pub fn telemetry_event(attr: TokenStream, item: TokenStream) -> TokenStream {
    let local_file = proc_macro::Span::call_site().local_file();
    event::expand(attr.into(), item.into(), local_file).into()
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
