//! Compile tests of `#[telemetry_event]` and `#[derive(TelemetryValue)]` against
//! `tests/ui/telemetry.yaml`: one failing case per rule and error, with the
//! compiler's output committed beside it, and passing cases for every field type.
//! The cases in each folder of `tests/ui/malformed/` are checked against the broken
//! manifest in that folder, which the macro finds first, walking up from them.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p
//! telemetry-core --test compile`, then review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.compile_fail("tests/ui/malformed/*/*.rs");
}
