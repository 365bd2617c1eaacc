use std::path::PathBuf;
use telemetry_core::telemetry_event;

struct ConfigLocation(PathBuf);

#[telemetry_event]
struct ConfigLoaded {
    config_path: ConfigLocation,
    found: bool,
}

fn main() {}
