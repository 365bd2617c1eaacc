use telemetry_core::telemetry_event;

#[telemetry_event]
enum Event {
    Quit,
    CacheCleared { entries: u32 },
}

fn main() {}
