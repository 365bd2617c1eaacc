use telemetry_core::telemetry_event;

#[telemetry_event(name = "quit")]
enum Event {
    Quit,
}

fn main() {}
