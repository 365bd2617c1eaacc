//! The `cargo-telemetry-lint` binary: runs [`telemetry_lint::run`] and exits with
//! its code (0 clean, 1 findings at error level, 2 could not run).
//!
//! The command runs on a thread with a large stack
//! ([`telemetry_lint::__private::STACK_BYTES`]), so parsing a deeply nested Rust file
//! within the scanners' bound cannot overflow it.

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let code = std::thread::Builder::new()
        .name("cargo-telemetry-lint".to_owned())
        .stack_size(telemetry_lint::__private::STACK_BYTES)
        .spawn(move || telemetry_lint::run(args))
        .map_or_else(
            |error| {
                eprintln!("error: cannot start the linter's thread: {error}");
                2
            },
            |thread| thread.join().unwrap_or(101),
        );
    std::process::exit(code);
}
