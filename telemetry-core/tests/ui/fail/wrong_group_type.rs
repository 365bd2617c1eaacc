use telemetry_core::{TelemetryValue, telemetry_event, telemetry_group};

#[derive(TelemetryValue)]
enum Command {
    Build,
    Test,
    Lint,
}

#[telemetry_group]
struct Runner {
    ci: bool,
    mode: Command,
}

// `platform` embeds group `platform`, but `Runner` is the struct of group `runner`.
#[telemetry_event]
struct ToolStarted {
    command: Command,
    platform: Runner,
}

fn main() {}
