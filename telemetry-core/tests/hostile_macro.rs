//! `#[telemetry_event]` on hostile and broken manifests: a clear compile error for
//! each, never a panic, within bounded time; and the manifest is parsed once per
//! compiler process however many events a crate declares.
//!
//! Each test builds a throwaway crate in a temporary directory, with the target
//! directory `<target dir>/hostile-macro` so later runs reuse its dependencies. One
//! build covers many manifests: each module lives in its own folder with its own
//! `telemetry.yaml`, which the macro finds by walking up from the module's file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A guard against hangs, not a benchmark: the build of the throwaway crate, its
/// dependencies already built, in a debug build on a busy machine.
const TIME_BOUND: Duration = Duration::from_secs(120);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("telemetry-core lives in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"));
    base.join("hostile-macro")
}

/// A crate depending on this `telemetry-core`, with `lib` as `src/lib.rs`.
fn probe_crate(lib: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = workspace_root();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"hostile-probe\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ntelemetry-core = {{ path = {:?} }}\n\n[workspace]\n",
            root.join("telemetry-core").display().to_string()
        ),
    )
    .expect("write Cargo.toml");
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).expect("copy lock");
    write(&dir.path().join("src/lib.rs"), lib.as_bytes());
    dir
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

fn build(dir: &Path, envs: &[(&str, &Path)]) -> (Output, Duration) {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "--quiet", "--lib", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir())
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("TELEMETRY_MANIFEST")
        .env_remove("TELEMETRY_MACROS_TRACE_PARSES");
    for (key, value) in envs {
        command.env(key, value);
    }
    let started = Instant::now();
    let output = command.output().expect("cargo runs");
    (output, started.elapsed())
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The checks every hostile build shares.
fn assert_no_panic(name: &str, output: &Output, elapsed: Duration) {
    let text = stderr(output);
    assert!(
        !text.contains("panicked"),
        "{name}: the macro panicked:\n{text}"
    );
    assert!(
        !text.contains("overflowed its stack"),
        "{name}: the macro overflowed:\n{text}"
    );
    assert!(elapsed < TIME_BOUND, "{name}: the build took {elapsed:?}");
}

const MODULE: &str = "use telemetry_core::telemetry_event;\n\n#[telemetry_event]\npub struct Ping {\n    pub ok: bool,\n}\n";

const GOOD_MANIFEST: &str = "version: 1\nproject:\n  name: probe\n  contact: telemetry@probe.example\n  retention_days: 30\n  opt_out: { env: PROBE_TELEMETRY=0 }\nevents:\n  ping:\n    description: A ping.\n    purpose: Check the macro.\n    owner: tests\n    since: 0.1.0\n    expires: 2030-01-01\n    fields:\n      ok: { type: bool, category: technical, description: Whether it worked. }\n";

/// The hostile manifests, each with the words its compile error must hold.
fn hostile_manifests() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let hostile = workspace_root().join("fixtures/hostile/manifests");
    let fixture = |name: &str| std::fs::read(hostile.join(name)).expect("fixture");
    let deep = format!(
        "{GOOD_MANIFEST}  deep:\n    fields:\n      deep: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut big = String::from(GOOD_MANIFEST);
    let mut i = 0;
    while big.len() < 50 * 1024 * 1024 {
        let _ = write!(
            big,
            "  event_{i}:\n    fields:\n      ok: {{ type: bool, category: technical }}\n"
        );
        i += 1;
    }
    vec![
        ("empty", fixture("empty.yaml"), "the manifest is empty"),
        (
            "bom_only",
            fixture("bom-only.yaml"),
            "the manifest is empty",
        ),
        (
            "not_utf8",
            fixture("not-utf8.yaml"),
            "the manifest is not valid UTF-8: byte 0xe9 at line 20, column 39",
        ),
        (
            "alias_bomb",
            fixture("alias-bomb.yaml"),
            "invalid manifest:",
        ),
        ("deep", deep.into_bytes(), "invalid manifest:"),
        (
            "fifty_megabytes",
            big.into_bytes(),
            "the limit is 8388608 bytes (8 MiB)",
        ),
    ]
}

#[test]
fn hostile_manifests_are_compile_errors_not_panics() {
    let cases = hostile_manifests();
    let mut lib = String::new();
    for (name, _, _) in &cases {
        let _ = writeln!(lib, "pub mod {name};");
    }
    lib.push_str("pub mod crlf;\npub mod directory;\n");
    let dir = probe_crate(&lib);
    let src = dir.path().join("src");
    for (name, bytes, _) in &cases {
        write(&src.join(name).join("mod.rs"), MODULE.as_bytes());
        write(&src.join(name).join("telemetry.yaml"), bytes);
    }
    // A manifest with CRLF line ends is a manifest like any other.
    write(&src.join("crlf/mod.rs"), MODULE.as_bytes());
    write(
        &src.join("crlf/telemetry.yaml"),
        GOOD_MANIFEST.replace('\n', "\r\n").as_bytes(),
    );
    // A folder named telemetry.yaml is not a manifest; with none above it, the
    // error says where the macro looked.
    write(&src.join("directory/mod.rs"), MODULE.as_bytes());
    std::fs::create_dir_all(src.join("directory/telemetry.yaml")).expect("mkdir");

    let (output, elapsed) = build(dir.path(), &[]);
    let text = stderr(&output);
    eprintln!("hostile manifests: the build took {elapsed:?}");
    assert_no_panic("hostile manifests", &output, elapsed);
    assert!(!output.status.success(), "the build passed:\n{text}");
    for (name, _, expected) in &cases {
        let wanted = format!("src/{name}/telemetry.yaml");
        let line = text
            .lines()
            .find(|l| l.contains("cannot check event `ping`") && l.contains(&wanted))
            .unwrap_or_else(|| panic!("{name}: no error names {wanted}:\n{text}"));
        eprintln!("{name}: {line}");
        assert!(line.contains(expected), "{name}: {line}\n{text}");
    }
    assert!(
        !text.contains("src/crlf/"),
        "the CRLF manifest failed:\n{text}"
    );
    let directory = text
        .lines()
        .find(|l| l.contains("src/directory"))
        .unwrap_or_else(|| panic!("no error for the directory case:\n{text}"));
    eprintln!("directory: {directory}");
    assert!(
        directory.contains("no `telemetry.yaml` found"),
        "{directory}"
    );
    assert!(
        directory.contains("telemetry.yaml` is a directory, not a file"),
        "{directory}"
    );
}

#[test]
fn a_manifest_that_cannot_be_used_is_one_error_however_many_events() {
    let events = "use telemetry_core::telemetry_event;\n\n\
                  #[telemetry_event]\npub struct Ping {\n    pub ok: bool,\n}\n\n\
                  #[telemetry_event]\npub struct Pong {\n    pub ok: bool,\n}\n\n\
                  #[telemetry_event]\npub enum Event {\n    Quit,\n}\n";
    let dir = probe_crate("pub mod unreadable;\npub mod missing;\n");
    let src = dir.path().join("src");
    write(&src.join("unreadable/mod.rs"), events.as_bytes());
    write(
        &src.join("unreadable/telemetry.yaml"),
        b"version: 1\nproject: [unclosed\n",
    );
    // No manifest in `missing/` nor above it.
    write(&src.join("missing/mod.rs"), events.as_bytes());
    let (output, elapsed) = build(dir.path(), &[]);
    let text = stderr(&output);
    assert_no_panic("one error per manifest", &output, elapsed);
    assert!(!output.status.success(), "the build passed:\n{text}");
    for folder in ["src/unreadable", "src/missing"] {
        let errors: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("cannot check") && l.contains(folder))
            .collect();
        eprintln!("{folder}: {errors:#?}");
        assert_eq!(errors.len(), 1, "{folder}: not one error:\n{text}");
        // The first item of the module reports it.
        assert!(errors[0].contains("cannot check event `ping`"), "{text}");
    }
    assert!(
        text.contains("= note: shown once, on the first item checked against the manifest"),
        "{text}"
    );
}

#[test]
fn manifest_variable_naming_a_directory_is_a_compile_error() {
    let dir = probe_crate(MODULE);
    let folder = dir.path().join("manifests");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let (output, elapsed) = build(dir.path(), &[("TELEMETRY_MANIFEST", &folder)]);
    let text = stderr(&output);
    assert_no_panic("TELEMETRY_MANIFEST is a directory", &output, elapsed);
    assert!(!output.status.success(), "the build passed:\n{text}");
    let line = text
        .lines()
        .find(|l| l.contains("cannot check event `ping`"))
        .unwrap_or_else(|| panic!("no error:\n{text}"));
    eprintln!("TELEMETRY_MANIFEST is a directory: {line}");
    assert!(line.contains("TELEMETRY_MANIFEST names `"), "{line}");
    assert!(
        line.contains("which is not a file (it is a directory)"),
        "{line}"
    );
}

#[test]
fn the_manifest_is_parsed_once_per_compiler_process() {
    const EVENTS: usize = 50;
    let mut manifest = String::from(
        "version: 1\nproject:\n  name: probe\n  contact: telemetry@probe.example\n  retention_days: 30\n  opt_out: { env: PROBE_TELEMETRY=0 }\nevents:\n",
    );
    let mut lib = String::from("use telemetry_core::telemetry_event;\n");
    for i in 0..EVENTS {
        let _ = write!(
            manifest,
            "  event_{i}:\n    description: Event {i}.\n    purpose: Count the parses.\n    owner: tests\n    since: 0.1.0\n    expires: 2030-01-01\n    fields:\n      ok: {{ type: bool, category: technical, description: Whether it worked. }}\n"
        );
        let _ = write!(
            lib,
            "\n#[telemetry_event(name = \"event_{i}\")]\npub struct Event{i} {{\n    pub ok: bool,\n}}\n"
        );
    }
    let dir = probe_crate(&lib);
    write(&dir.path().join("telemetry.yaml"), manifest.as_bytes());
    let trace = dir.path().join("parses.log");
    let (output, elapsed) = build(dir.path(), &[("TELEMETRY_MACROS_TRACE_PARSES", &trace)]);
    assert_no_panic("50 events", &output, elapsed);
    assert!(
        output.status.success(),
        "the build failed:\n{}",
        stderr(&output)
    );
    let log = std::fs::read_to_string(&trace).expect("the macro traced its parses");
    eprintln!("parse trace of a {EVENTS}-event crate:\n{log}");
    let lines: Vec<&str> = log.lines().collect();
    // The crate is compiled by one compiler process: one parse, the first.
    assert_eq!(lines.len(), 1, "{log}");
    assert!(lines[0].starts_with("parse 1 pid "), "{log}");
    assert!(lines[0].ends_with("telemetry.yaml"), "{log}");
}
