use telemetry_core::telemetry_event;

#[telemetry_event]
enum SignedUp {
    WithEmail,
}

fn main() {}
