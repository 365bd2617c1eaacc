// Three independent problems are all reported at once, and nothing else: the
// struct and its impl are still emitted, so using them causes no follow-on error.
use std::path::PathBuf;
use telemetry_core::{StructEvent, TelemetryEvent, telemetry_event};

type Email = String;

#[telemetry_event]
struct ConfigLoaded {
    config_path: PathBuf,
    found: u64,
}

#[telemetry_event]
struct SignedUp {
    email: Email,
}

fn main() {
    let event = ConfigLoaded { config_path: PathBuf::new(), found: 1 };
    let _ = event.payload_json();
    let _ = SignedUp::NAME;
}
