use telemetry_core::{DurationBucket, TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
enum Mode { Fast, Slow }

#[telemetry_event]
struct BadBuckets {
    took: DurationBucket,
    mode: Mode,
}

fn main() {}
