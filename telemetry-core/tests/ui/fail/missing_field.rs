use telemetry_core::{TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Command { Build, Test, Lint }

#[telemetry_event]
struct CommandFinished {
    command: Command,
    success: bool,
}

fn main() {}
