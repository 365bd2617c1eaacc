//! Fuzz target: see `telemetry_fuzz::manifest_loader` and fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| telemetry_fuzz::manifest_loader(data));
