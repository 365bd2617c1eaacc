use telemetry_core::telemetry_event;

#[telemetry_event]
struct CommandFinish {
    success: bool,
}

fn main() {}
