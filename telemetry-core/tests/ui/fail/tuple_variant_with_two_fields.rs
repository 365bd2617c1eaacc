use telemetry_core::telemetry_event;

#[telemetry_event]
enum Event {
    Quit,
    Moved(u8, u8),
}

fn main() {}
