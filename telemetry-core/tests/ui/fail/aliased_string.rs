use telemetry_core::telemetry_event;

type Email = String;

#[telemetry_event]
struct SignedUp {
    email: Email,
}

fn main() {}
