use telemetry_core::telemetry_event;

#[telemetry_event]
enum Event<T> {
    Quit,
    AppClosed { forced: T },
}

fn main() {}
