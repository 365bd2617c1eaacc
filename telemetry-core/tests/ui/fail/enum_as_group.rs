// A field group is a struct: enums of events are for `#[telemetry_event]` only.
use telemetry_core::telemetry_group;

#[telemetry_group]
enum Platform {
    Linux,
}

fn main() {}
