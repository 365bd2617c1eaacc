use telemetry_core::telemetry_event;

#[telemetry_event]
struct SignedUp {
    email: Vec<u8>,
}

#[telemetry_event(name = "signed_up")]
struct SignedUpHash {
    email: [u8; 32],
}

fn main() {}
