use telemetry_core::TelemetryValue;

#[derive(TelemetryValue)]
enum Command {
    Build,
    Run(String),
    Test { filter: String },
}

fn main() {}
