use telemetry_core::{TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Theme {
    Light,
    Dark,
}

#[telemetry_event]
enum Event {
    Quit,
    ThemeChanged(Theme),
}

fn main() {}
