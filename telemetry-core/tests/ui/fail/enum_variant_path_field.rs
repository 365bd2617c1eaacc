// A forbidden type in a variant's field fails the build on that field, as in a struct.
use std::path::PathBuf;
use telemetry_core::{TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Theme {
    Light,
    Dark,
}

#[telemetry_event]
enum Event {
    SessionStarted { theme: Theme, retries: PathBuf },
    Quit,
}

fn main() {}
