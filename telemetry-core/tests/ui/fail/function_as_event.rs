use telemetry_core::telemetry_event;

#[telemetry_event]
fn signed_up() {}

fn main() {}
