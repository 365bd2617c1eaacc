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

// The manifest lists `groups: [platfrom, runner]` and an own field `ci`, which
// group `runner` has too.
#[telemetry_event]
struct BadGroups {
    ci: bool,
    runner: Runner,
}

fn main() {}
