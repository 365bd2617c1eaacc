use telemetry_core::{DurationBucket, TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Command { Build, Test, Lint }

#[telemetry_event]
struct CommandFinished {
    command: Command,
    duration: DurationBucket,
    success: bool,
    retries: u32,
}

fn main() {}
