use telemetry_core::{TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Command {
    Build,
    Test,
    Lint,
}

// The manifest lists `groups: [platform]`; the struct does not embed it.
#[telemetry_event]
struct ToolStarted {
    command: Command,
}

fn main() {}
