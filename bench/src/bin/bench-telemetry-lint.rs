//! The linter, built in the harness's own profile: the same `telemetry_lint::run`
//! as `cargo-telemetry-lint`, so the smoke test can run it without building the
//! `telemetry-lint` package separately.

fn main() {
    std::process::exit(telemetry_lint::run(std::env::args_os()));
}
