use telemetry_core::{DurationBucket, TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Command { Build, Test, Lint }

type ExitCode = u8;

#[telemetry_event]
struct CommandFinished {
    command: Command,
    duration: DurationBucket,
    success: ExitCode,
}

fn main() {}
