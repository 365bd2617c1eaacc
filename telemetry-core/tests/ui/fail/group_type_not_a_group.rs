use telemetry_core::{Arch, OsFamily, TelemetryValue, Version, telemetry_event};

#[derive(TelemetryValue)]
enum Command {
    Build,
    Test,
    Lint,
}

// A struct with the group's fields, but without `#[telemetry_group]`.
struct Platform {
    os: OsFamily,
    arch: Arch,
    version: Version,
}

#[telemetry_event]
struct ToolStarted {
    command: Command,
    platform: Platform,
}

fn main() {}
