use telemetry_core::TelemetryValue;

#[derive(TelemetryValue)]
struct Command {
    name: u32,
}

fn main() {}
