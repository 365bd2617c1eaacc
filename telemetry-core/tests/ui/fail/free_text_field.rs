use telemetry_core::telemetry_event;

#[telemetry_event]
struct SignedUp {
    email: String,
}

#[telemetry_event(name = "signed_up")]
struct SignedUpWrapped {
    email: Option<Box<str>>,
}

fn main() {}
