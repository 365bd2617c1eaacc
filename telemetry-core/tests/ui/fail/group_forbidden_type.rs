use telemetry_core::{Arch, OsFamily, telemetry_group};

#[telemetry_group]
struct Platform {
    os: OsFamily,
    arch: Arch,
    version: String,
}

fn main() {}
