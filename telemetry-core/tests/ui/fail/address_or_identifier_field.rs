use std::net::IpAddr;
use telemetry_core::telemetry_event;

#[telemetry_event]
struct SignedUp {
    email: Option<IpAddr>,
}

fn main() {}
