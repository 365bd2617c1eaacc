use telemetry_core::{DurationBucket, TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Command { Build, Test, Lint, Publish }

#[telemetry_event]
struct CommandFinished {
    command: Command,
    duration: DurationBucket,
    success: bool,
}

fn main() {}
