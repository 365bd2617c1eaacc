// A count the manifest leaves unbounded could carry any 64-bit value, such as a hash
// of a user name: the build fails on the field.
use telemetry_core::telemetry_event;

#[telemetry_event]
struct SignedIn {
    accounts: u64,
}

fn main() {}
