use telemetry_core::{Arch, OsFamily, TelemetryValue, Version, telemetry_event, telemetry_group};

#[derive(TelemetryValue)]
enum Command {
    Build,
    Test,
    Lint,
}

#[telemetry_group]
struct Platform {
    os: OsFamily,
    arch: Arch,
    version: Version,
}

// `command_finished` does not list `groups: [platform]`, and `tool_started` sends
// `os` through its group, not as its own field.
#[telemetry_event]
struct CommandFinished {
    command: Command,
    duration: telemetry_core::DurationBucket,
    success: bool,
    platform: Platform,
}

#[telemetry_event]
struct ToolStarted {
    command: Command,
    platform: Platform,
    os: OsFamily,
}

fn main() {}
