//! The `cargo-telemetry-lint` binary: runs [`telemetry_lint::run`] and exits with
//! its code (0 clean, 1 findings at error level, 2 could not run).

fn main() {
    std::process::exit(telemetry_lint::run(std::env::args_os()));
}
