use std::collections::HashMap;
use telemetry_core::telemetry_event;

#[telemetry_event]
struct SignedUp {
    email: HashMap<u32, bool>,
}

fn main() {}
