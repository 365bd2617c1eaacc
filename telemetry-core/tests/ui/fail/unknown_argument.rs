use telemetry_core::telemetry_event;

#[telemetry_event(event = "signed_up")]
struct SignedUp {
    email: bool,
}

fn main() {}
