//! Fuzz target: see `telemetry_fuzz::source_scanner` and fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| telemetry_fuzz::source_scanner(data));
