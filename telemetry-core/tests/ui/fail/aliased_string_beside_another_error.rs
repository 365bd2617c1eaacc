// An alias of a forbidden type is one error, also when another field of the same
// struct fails a check (the expansion is then incomplete, and still names the
// alias's type through one bound only).
type Email = String;

use telemetry_core::telemetry_event;

#[telemetry_event]
struct ConfigLoaded {
    config_path: Email,
    found: u64,
}

fn main() {}
