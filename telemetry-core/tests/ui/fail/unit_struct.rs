use telemetry_core::telemetry_event;

#[telemetry_event]
struct SignedUp;

fn main() {}
