use telemetry_core::telemetry_event;

#[telemetry_event]
union SignedUp {
    email: u32,
}

fn main() {}
