use telemetry_core::telemetry_event;

#[telemetry_event]
struct SignedUp<T> {
    email: T,
}

fn main() {}
