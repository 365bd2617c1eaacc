//! Fuzz target: see `telemetry_fuzz::doc_generator` and fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| telemetry_fuzz::doc_generator(data));
