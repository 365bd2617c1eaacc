use std::path::PathBuf;
use telemetry_core::telemetry_event;

#[telemetry_event]
struct ConfigLoaded {
    config_path: PathBuf,
    found: bool,
}

fn main() {}
