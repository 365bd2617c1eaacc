use telemetry_core::{DurationBucket, TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Command { Build, Test, Lint }

#[telemetry_event]
struct CommandFinished {
    command: Command,
    duration: DurationBucket,
    success: u32,
}

fn main() {}
