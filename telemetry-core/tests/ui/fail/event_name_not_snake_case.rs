use telemetry_core::telemetry_event;

#[telemetry_event(name = "SignedUp")]
struct SignedUp {
    email: bool,
}

fn main() {}
