// One bad value of the manifest as a whole (`version: 2`) is one error, on the first
// event checked against it, not one per event.
use telemetry_core::telemetry_event;

#[telemetry_event]
struct Quit {}

#[telemetry_event]
struct AppClosed {
    forced: bool,
}

fn main() {}
