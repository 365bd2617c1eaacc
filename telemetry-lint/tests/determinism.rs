//! The reports and documents are byte-identical across runs and whatever order the
//! file system lists files in.
//!
//! `check` scans files sorted by path; the hidden `TELEMETRY_LINT_WALK_SEED=<n>` makes
//! it scan them in an order shuffled with that seed instead, so these tests show that
//! no output depends on the order files are met. The linter runs on one thread (it
//! has no thread pool, so there is no thread count to vary); `init` reads files in
//! path order, and its output is compared across runs here too.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixtures, run_with};

const TODAY: &str = "2026-11-21";

/// The walk orders tried: sorted, then shuffled with a few seeds.
const SEEDS: [Option<u64>; 6] = [None, Some(1), Some(2), Some(3), Some(42), Some(1_000_003)];

/// A run's exit code, stdout and stderr.
type Output = (i32, Vec<u8>, Vec<u8>);

/// Runs the binary in `dir` (or the current directory) with `args`, walking files in
/// the order `seed` shuffles them to (sorted without one); returns the exit code,
/// stdout and stderr as bytes.
fn run(dir: Option<&Path>, args: &[&str], seed: Option<u64>) -> Output {
    let seed = seed.map(|seed| seed.to_string());
    let env: Vec<(&str, &str)> = seed
        .iter()
        .map(|seed| ("TELEMETRY_LINT_WALK_SEED", seed.as_str()))
        .collect();
    let run = run_with(dir, args, &env);
    (run.code, run.stdout.into_bytes(), run.stderr.into_bytes())
}

/// Asserts that every run in `runs` (labelled) equals the first, byte for byte.
fn assert_all_equal(what: &str, runs: &[(String, Output)]) {
    let (first_label, first) = &runs[0];
    for (label, run) in &runs[1..] {
        assert!(
            run == first,
            "{what}: `{label}` differs from `{first_label}`:\n--- {first_label} (exit {})\n{}{}\n--- {label} (exit {})\n{}{}",
            first.0,
            String::from_utf8_lossy(&first.1),
            String::from_utf8_lossy(&first.2),
            run.0,
            String::from_utf8_lossy(&run.1),
            String::from_utf8_lossy(&run.2),
        );
    }
}

/// `check` in both formats on the workspace at `root`, under every seed, twice.
fn check_is_deterministic(name: &str, root: &Path) {
    let manifest_path = root.join("Cargo.toml");
    let manifest_path = manifest_path.to_str().expect("UTF-8 path");
    for format in ["human", "json"] {
        let mut runs = Vec::new();
        for seed in SEEDS {
            for round in 0..2 {
                let args = [
                    "check",
                    "--manifest-path",
                    manifest_path,
                    "--today",
                    TODAY,
                    "--format",
                    format,
                ];
                runs.push((
                    format!("seed {seed:?}, run {round}"),
                    run(None, &args, seed),
                ));
            }
        }
        assert_all_equal(&format!("{name}, check --format {format}"), &runs);
    }
}

#[test]
fn check_output_does_not_depend_on_walk_order() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("lint-") && path.join("Cargo.toml").is_file() {
            check_is_deterministic(&name, &path);
            checked += 1;
        }
    }
    check_is_deterministic("examples/acme", &fixtures().join("../examples/acme"));
    assert!(checked >= 10, "only {checked} fixtures");
}

/// A workspace whose files could be met in any order and where the order would
/// show: many files, two enums of one name with different variants, two structs
/// sending one event, problems in several files.
fn order_sensitive_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let clean = fixtures().join("lint-clean");
    std::fs::create_dir_all(root.join("src/nested/deeper")).unwrap();
    for file in ["Cargo.toml", "telemetry.yaml"] {
        std::fs::copy(clean.join(file), root.join(file)).unwrap();
    }
    let files: BTreeMap<&str, &str> = BTreeMap::from([
        (
            "src/lib.rs",
            "use telemetry_core::{telemetry_event, DurationBucket, OsFamily, TelemetryValue};\n\n#[derive(Clone, Copy, TelemetryValue)]\npub enum Command { Build, Test, Lint }\n\n#[telemetry_event]\npub struct CommandFinished { pub command: Command, pub duration: DurationBucket, pub success: bool }\n\n#[telemetry_event(name = \"session_started\")]\npub struct Started { pub os: OsFamily, pub plugins: Option<u32> }\n",
        ),
        (
            "src/a.rs",
            "use telemetry_core::TelemetryValue;\n\n/// Another enum of the same name, with other variants.\n#[derive(Clone, Copy, TelemetryValue)]\npub enum Command { Build, Deploy }\n",
        ),
        (
            "src/nested/deeper/z.rs",
            "use telemetry_core::telemetry_event;\n\n#[telemetry_event]\npub struct CommandFinished { pub command: Command, pub path: String }\n",
        ),
        (
            "src/m.rs",
            "use telemetry_core::telemetry_event;\n\n#[telemetry_event]\npub struct AppCrashed { pub reason: String }\n\n#[telemetry_event]\npub struct AppStopped { pub code: i64 }\n",
        ),
        (
            "src/nested/broken.rs",
            "#[telemetry_event]\npub struct Broken {\n",
        ),
        (
            "src/b.rs",
            "use telemetry_core::telemetry_event;\n\n#[telemetry_event(name = \"session_started\")]\npub struct StartedAgain { pub os: bool }\n",
        ),
    ]);
    for (path, text) in files {
        std::fs::write(root.join(path), text).unwrap();
    }
    std::fs::write(root.join("src/latin1.rs"), b"// caf\xe9 telemetry_event\n").unwrap();
    for i in 0..20 {
        std::fs::write(
            root.join(format!("src/filler_{i:02}.rs")),
            format!("pub const F{i}: u32 = {i};\n"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn check_output_on_an_order_sensitive_workspace() {
    let dir = order_sensitive_workspace();
    check_is_deterministic("order-sensitive workspace", dir.path());
    // The workspace does exercise the cases above.
    let manifest_path = dir.path().join("Cargo.toml");
    let (code, stdout, _) = run(
        None,
        &[
            "check",
            "--manifest-path",
            manifest_path.to_str().unwrap(),
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let text = String::from_utf8(stdout).unwrap();
    for rule in [
        "TL001",
        "TL004",
        "TL006",
        "unparseable-source",
        "non-utf8-source",
    ] {
        assert!(text.contains(rule), "no {rule}:\n{text}");
    }
}

#[test]
fn documents_are_byte_identical() {
    for (name, root) in [
        ("lint-clean", fixtures().join("lint-clean")),
        (
            "lint-policy-breaches",
            fixtures().join("lint-policy-breaches"),
        ),
        ("examples/acme", fixtures().join("../examples/acme")),
    ] {
        let manifest_path = root.join("Cargo.toml");
        let manifest_path = manifest_path.to_str().unwrap();
        for format in ["human", "json"] {
            let out = tempfile::tempdir().unwrap();
            let mut runs = Vec::new();
            for (i, seed) in SEEDS.iter().enumerate() {
                let path = out.path().join(format!("doc-{i}"));
                let (code, stdout, stderr) = run(
                    None,
                    &[
                        "doc",
                        "--manifest-path",
                        manifest_path,
                        "--format",
                        format,
                        "--output",
                        path.to_str().unwrap(),
                    ],
                    *seed,
                );
                assert_eq!(code, 0, "{name}: {}", String::from_utf8_lossy(&stderr));
                let _ = stdout;
                let written = std::fs::read(&path).expect("the document was written");
                runs.push((format!("seed {seed:?}"), (code, written, Vec::new())));
            }
            assert_all_equal(&format!("{name}, doc --format {format}"), &runs);
        }
    }
}

#[test]
fn init_drafts_are_byte_identical() {
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("init-") {
            continue;
        }
        for format in ["human", "json"] {
            let mut runs = Vec::new();
            for round in 0..3 {
                let out = tempfile::tempdir().unwrap();
                let draft = out.path().join("telemetry.yaml");
                let result = run(
                    Some(&path),
                    &[
                        "init",
                        "--all-structs",
                        "--format",
                        format,
                        "--output",
                        draft.to_str().unwrap(),
                        "src",
                    ],
                    None,
                );
                let written = std::fs::read(&draft).unwrap_or_default();
                // The report names the output path, which differs per run.
                let stdout = String::from_utf8_lossy(&result.1)
                    .replace(out.path().to_str().unwrap(), "<out>")
                    .into_bytes();
                runs.push((
                    format!("run {round}"),
                    (result.0, [stdout, written].concat(), result.2),
                ));
            }
            assert_all_equal(&format!("{name}, init --format {format}"), &runs);
        }
    }
}
