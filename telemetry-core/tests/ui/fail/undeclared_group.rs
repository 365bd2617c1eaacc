use telemetry_core::{Arch, OsFamily, Version, telemetry_group};

#[telemetry_group]
struct Platfrom {
    os: OsFamily,
    arch: Arch,
    version: Version,
}

fn main() {}
