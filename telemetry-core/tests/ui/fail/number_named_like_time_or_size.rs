use telemetry_core::telemetry_event;

// `u64` is a vetted `count`, but the names say a point in time, a precise duration
// and an exact spec: each is refused on its name, with the coarse type to send.
// `peer_port` reads as an address too, but the manifest waives TL023 for it, and
// the compiler reads the same waivers as the linter.
#[telemetry_event]
struct DownloadFinished {
    started_at: u64,
    load_ms: u64,
    total_ram: u64,
    retries: u8,
    peer_port: u16,
}

fn main() {}
