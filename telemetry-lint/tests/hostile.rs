//! Hostile and broken input: `cargo telemetry-lint` gives each case its own clear
//! diagnostic and exit code, in bounded time and memory, and never panics.
//!
//! Small inputs are committed under `fixtures/hostile/` (see its README); big ones
//! (a 50 MB manifest, 100,000-deep nesting, a 20 MB Rust file) and file-system
//! oddities (a directory, a FIFO, symbolic link loops, an unreadable directory) are
//! made here, in a temporary copy of `fixtures/lint-clean`. Each case asserts the
//! exit code, the first diagnostic line, that nothing panicked, that the run ended
//! within [`TIME_BOUND`] and, where `/usr/bin/time` is available, that it stayed under
//! [`MEMORY_BOUND_KB`]. These are guards against hangs and blow-ups, not benchmarks.
//!
//! The inputs the fuzz targets once failed on, kept under
//! `fixtures/hostile/fuzz-regressions/<target>/`, are replayed through the targets'
//! own code (`fuzz/src/lib.rs`, included below).

mod common;

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BINARY, copy_fixture, fixture, plain_environment};

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_targets;

const TODAY: &str = "2026-11-21";

/// The most processor time (user and system) any one run may take, in a debug
/// build; measured with `/usr/bin/time` where available, else wall time is held to
/// [`WALL_BOUND`] only.
const TIME_BOUND: Duration = Duration::from_secs(20);

/// The longest any one run may take on the wall clock: a guard against hangs on a
/// busy machine, where wall time says little about the linter.
const WALL_BOUND: Duration = Duration::from_secs(300);

/// The most memory any one run may use (maximum resident set), in KiB: 1 GiB.
const MEMORY_BOUND_KB: u64 = 1024 * 1024;

fn hostile_fixture(path: &str) -> PathBuf {
    fixture("hostile").join(path)
}

/// A temporary copy of `fixtures/lint-clean`: a workspace whose check is clean.
fn workspace() -> tempfile::TempDir {
    copy_fixture("lint-clean")
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    cpu: Option<Duration>,
    max_rss_kb: Option<u64>,
}

impl Outcome {
    /// The first line of the first diagnostic (`  × ...` or `  ⚠ ...`), or the first
    /// line of output.
    fn first_line(&self) -> String {
        let all = format!("{}{}", self.stdout, self.stderr);
        all.lines()
            .find(|l| {
                let l = l.trim_start();
                l.starts_with('×') || l.starts_with('⚠') || l.starts_with("error:")
            })
            .or_else(|| all.lines().find(|l| !l.trim().is_empty()))
            .unwrap_or("")
            .trim()
            .to_owned()
    }

    fn transcript(&self) -> String {
        format!(
            "exit code: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Whether `/usr/bin/time -v` works here, to measure memory.
fn gnu_time() -> Option<PathBuf> {
    let time = PathBuf::from("/usr/bin/time");
    let works = Command::new(&time)
        .args(["-v", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    works.then_some(time)
}

/// Runs the binary with `args`, under `prefix` (such as a privilege-dropping
/// wrapper) and `/usr/bin/time` when available; kills it after [`WALL_BOUND`].
fn run_with(prefix: &[&str], args: &[&str], envs: &[(&str, &str)]) -> Outcome {
    let stats = tempfile::NamedTempFile::new().expect("a stats file");
    let time = gnu_time();
    let mut argv: Vec<String> = prefix.iter().map(|s| (*s).to_owned()).collect();
    if let Some(time) = &time {
        argv.extend([
            time.display().to_string(),
            "-v".to_owned(),
            "-o".to_owned(),
            stats.path().display().to_string(),
        ]);
    }
    argv.push(BINARY.to_owned());
    argv.extend(args.iter().map(|s| (*s).to_owned()));
    let mut command = Command::new(&argv[0]);
    plain_environment(&mut command)
        .args(&argv[1..])
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = read(Box::new(stdout));
    let err = read(Box::new(stderr));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > WALL_BOUND {
            let _ = child.kill();
            panic!("`{}` did not finish in {WALL_BOUND:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let stats = std::fs::read_to_string(stats.path()).unwrap_or_default();
    let stat = |name: &str| -> Option<f64> {
        stats
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
    };
    let max_rss_kb = stat("Maximum resident set size (kbytes):").map(|kb| kb as u64);
    let cpu = stat("User time (seconds):")
        .zip(stat("System time (seconds):"))
        .map(|(user, system)| Duration::from_secs_f64(user + system));
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
        elapsed,
        cpu,
        max_rss_kb,
    }
}

/// `check` (or `args`) on the workspace at `dir`.
fn lint(dir: &Path, args: &[&str]) -> Outcome {
    lint_with(&[], dir, args)
}

fn lint_with(prefix: &[&str], dir: &Path, args: &[&str]) -> Outcome {
    let manifest_path = dir.join("Cargo.toml");
    let mut all = vec![
        "--manifest-path",
        manifest_path.to_str().expect("UTF-8 path"),
    ];
    all.extend_from_slice(args);
    if !args.iter().any(|a| ["doc", "init"].contains(a)) {
        all.extend(["--today", TODAY]);
    }
    run_with(prefix, &all, &[])
}

/// The checks every hostile case shares; prints a line for the record.
fn assert_case(name: &str, outcome: &Outcome, code: i32, first_line: &str) {
    assert_bounded(name, outcome, code, first_line, TIME_BOUND, MEMORY_BOUND_KB);
}

/// [`assert_case`] with bounds of its own: processor time, and memory in KiB.
fn assert_bounded(
    name: &str,
    outcome: &Outcome,
    code: i32,
    first_line: &str,
    time_bound: Duration,
    memory_bound_kb: u64,
) {
    let shown = outcome.first_line();
    eprintln!(
        "{name}: exit {}, {:?} wall, {} CPU, max RSS {}, first line: {shown}",
        outcome.code,
        outcome.elapsed,
        outcome
            .cpu
            .map_or_else(|| "unmeasured".to_owned(), |cpu| format!("{cpu:?}")),
        outcome.max_rss_kb.map_or_else(
            || "not measured (no /usr/bin/time)".to_owned(),
            |kb| format!("{} MiB", kb / 1024)
        ),
    );
    let all = format!("{}{}", outcome.stdout, outcome.stderr);
    assert!(
        !all.contains("panicked"),
        "{name} panicked:\n{}",
        outcome.transcript()
    );
    assert!(
        !all.contains("overflowed its stack"),
        "{name} overflowed:\n{}",
        outcome.transcript()
    );
    assert_eq!(outcome.code, code, "{name}:\n{}", outcome.transcript());
    assert!(
        shown.contains(first_line),
        "{name}: the first line is {shown:?}, not {first_line:?}:\n{}",
        outcome.transcript()
    );
    if let Some(cpu) = outcome.cpu {
        assert!(cpu < time_bound, "{name} took {cpu:?} of processor time");
    }
    if let Some(kb) = outcome.max_rss_kb {
        assert!(kb < memory_bound_kb, "{name} used {kb} KiB");
    }
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

/// Puts a committed hostile manifest in place of the workspace's.
fn with_manifest(name: &str) -> tempfile::TempDir {
    let dir = workspace();
    let bytes = std::fs::read(hostile_fixture(&format!("manifests/{name}"))).expect("fixture");
    write(&dir.path().join("telemetry.yaml"), bytes);
    dir
}

// ------------------------------------------------------------------ manifests

#[test]
fn empty_manifest() {
    let dir = with_manifest("empty.yaml");
    let outcome = lint(dir.path(), &[]);
    assert_case("empty manifest", &outcome, 2, "× the manifest is empty");
    insta::assert_snapshot!("empty-manifest", outcome.transcript());
    let doc = lint(dir.path(), &["doc"]);
    assert_case("empty manifest, doc", &doc, 2, "× the manifest is empty");
}

#[test]
fn manifest_of_only_a_byte_order_mark() {
    let dir = with_manifest("bom-only.yaml");
    let outcome = lint(dir.path(), &[]);
    assert_case("only a BOM", &outcome, 2, "× the manifest is empty");
}

#[test]
fn manifest_with_crlf_line_ends_reads_like_lf() {
    let crlf = with_manifest("crlf.yaml");
    let outcome = lint(crlf.path(), &["--format", "json"]);
    assert_case("CRLF line ends", &outcome, 1, "{");
    let lf = workspace();
    let text = std::fs::read_to_string(hostile_fixture("manifests/crlf.yaml")).unwrap();
    assert!(
        text.contains("\r\n"),
        "the fixture keeps its CRLF line ends"
    );
    write(
        &lf.path().join("telemetry.yaml"),
        text.replace("\r\n", "\n"),
    );
    let lf_outcome = lint(lf.path(), &["--format", "json"]);
    // The same findings at the same lines and columns.
    assert_eq!(outcome.stdout, lf_outcome.stdout);
    assert!(
        outcome.stdout.contains("\"rule\": \"TL004\""),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("\"line\": 28"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn manifest_that_is_not_utf8() {
    let dir = with_manifest("not-utf8.yaml");
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "invalid UTF-8",
        &outcome,
        2,
        "× the manifest is not valid UTF-8: byte 0xe9 at line 20, column 39",
    );
    insta::assert_snapshot!("not-utf8-manifest", outcome.transcript());
}

#[test]
fn alias_bomb() {
    let dir = with_manifest("alias-bomb.yaml");
    let outcome = lint(dir.path(), &[]);
    // Each alias is counted whole (its anchor's nodes) as the parse reaches it:
    // refused at the first one past the budget of 10,000 repeated nodes, before
    // it is copied.
    assert_case(
        "alias bomb",
        &outcome,
        2,
        "× invalid manifest: alias replay limit exceeded",
    );
    insta::assert_snapshot!("alias-bomb", outcome.transcript());
}

#[test]
fn nesting_100_000_deep() {
    let dir = workspace();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    write(
        &dir.path().join("telemetry.yaml"),
        format!("{text}  deep:\n    fields:\n      deep: {deep}\n"),
    );
    let outcome = lint(dir.path(), &[]);
    // The YAML scanner's bound on flow nesting is the depth budget (24 levels),
    // so the parse stops at the 25th `[`, without reading the rest.
    assert_case(
        "100,000-deep nesting",
        &outcome,
        2,
        "× invalid manifest: budget breached: nesting depth over 24 levels",
    );
    assert!(
        outcome
            .stderr
            .contains("a manifest needs neither deep nesting"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn alias_replay_over_the_budget() {
    // Aliases of plain strings type-check, so the replay budget stops them.
    let dir = workspace();
    let aliases = vec!["*a"; 20_000].join(", ");
    let text = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    let text = text.replace(
        "values: [build, test, lint]",
        &format!("values: [&a build, {aliases}]"),
    );
    write(&dir.path().join("telemetry.yaml"), text);
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "20,000 aliases",
        &outcome,
        2,
        "× invalid manifest: alias replay limit exceeded",
    );
}

#[test]
fn fifty_megabyte_manifest() {
    let dir = workspace();
    let mut text = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    let mut i = 0;
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&format!(
            "  event_{i}:\n    description: Event number {i}.\n    fields:\n      ok: {{ type: bool, category: technical }}\n"
        ));
        i += 1;
    }
    let len = text.len();
    write(&dir.path().join("telemetry.yaml"), text);
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "50 MB manifest",
        &outcome,
        2,
        &format!("× the manifest is {len} bytes; the limit is 8388608 bytes (8 MiB)"),
    );
}

#[test]
fn manifest_that_is_a_directory() {
    let dir = workspace();
    std::fs::remove_file(dir.path().join("telemetry.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("telemetry.yaml")).unwrap();
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "manifest is a directory",
        &outcome,
        2,
        "× the manifest `telemetry.yaml` is a directory, not a file",
    );
    insta::assert_snapshot!("manifest-directory", outcome.transcript());
}

#[cfg(unix)]
#[test]
fn manifest_that_is_a_fifo() {
    let dir = workspace();
    let path = dir.path().join("telemetry.yaml");
    std::fs::remove_file(&path).unwrap();
    let made = Command::new("mkfifo").arg(&path).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("manifest is a FIFO: skipped, `mkfifo` is not available");
        return;
    }
    // Reading a FIFO with no writer would block for ever.
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "manifest is a FIFO",
        &outcome,
        2,
        "× the manifest `telemetry.yaml` is not a regular file",
    );
}

#[cfg(unix)]
#[test]
fn manifest_in_a_symlink_loop() {
    let dir = workspace();
    let path = dir.path().join("telemetry.yaml");
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("telemetry.yaml", &path).unwrap();
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "manifest symlink loop",
        &outcome,
        2,
        "× cannot read the manifest `",
    );
    let words = outcome
        .stderr
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("a symbolic link on it leads to a file"),
        "{words}"
    );
}

#[test]
fn missing_manifest_with_the_explicit_option() {
    let dir = workspace();
    let outcome = lint(dir.path(), &["--manifest", "/nonexistent/telemetry.yaml"]);
    assert_case(
        "missing manifest",
        &outcome,
        2,
        "× cannot read the manifest `/nonexistent/telemetry.yaml`",
    );
    assert!(
        outcome.stderr.contains("create telemetry.yaml"),
        "{}",
        outcome.stderr
    );
}

// ------------------------------------------------------------------ Rust sources

/// Adds `src/<name>` with `bytes` and a `mod` line for it.
fn with_source(name: &str, bytes: impl AsRef<[u8]>) -> tempfile::TempDir {
    let dir = workspace();
    write(&dir.path().join("src").join(name), bytes);
    dir
}

#[test]
fn rust_file_that_does_not_parse() {
    let bytes = std::fs::read(hostile_fixture("sources/unparseable.rs")).unwrap();
    let dir = with_source("broken.rs", bytes);
    let outcome = lint(dir.path(), &[]);
    // An error: its events go unchecked; the rest of the workspace is checked.
    assert_case(
        "unparseable Rust",
        &outcome,
        1,
        "× the file cannot be parsed as Rust",
    );
    assert!(
        outcome.stdout.contains("src/broken.rs:5:25"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn rust_file_that_is_not_utf8() {
    let bytes = std::fs::read(hostile_fixture("sources/not-utf8.rs")).unwrap();
    let dir = with_source("latin1.rs", bytes);
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "non-UTF-8 Rust",
        &outcome,
        1,
        "× the file is not UTF-8 (byte 0xe9 at line 3, column 7), so its events could not be checked",
    );
}

/// About 20 MB of generated constants, after `head`.
fn twenty_megabytes_of_rust(head: &str) -> String {
    let mut text = String::from(head);
    let mut i = 0;
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&format!(
            "pub const TABLE_{i}: [u32; 4] = [{i}, {}, {}, {}];\n",
            i + 1,
            i + 2,
            i + 3
        ));
        i += 1;
    }
    text
}

#[test]
fn twenty_megabyte_generated_rust_file() {
    // Without events, the file is read and passed over.
    let dir = with_source("generated.rs", twenty_megabytes_of_rust("// Generated.\n"));
    let outcome = lint(dir.path(), &[]);
    assert_case("20 MB Rust file without events", &outcome, 0, "0 errors");

    // With an event, all of it is parsed: the time and memory grow with the file
    // (`syn` keeps every token and node; about 90 bytes of memory per byte of a
    // parsed file in a debug build), so the bounds here are wider.
    let head = "use telemetry_core::telemetry_event;\n\n#[telemetry_event]\npub struct Generated {\n    pub ok: bool,\n}\n\n";
    let dir = with_source("generated.rs", twenty_megabytes_of_rust(head));
    let outcome = lint(dir.path(), &[]);
    assert_bounded(
        "20 MB Rust file with an event",
        &outcome,
        1,
        "× struct `Generated` sends event `generated`, which the manifest does not declare",
        Duration::from_secs(60),
        3 * 1024 * 1024,
    );
}

#[test]
fn rust_nesting_100_000_deep() {
    let deep = format!(
        "use telemetry_core::telemetry_event;\n\n#[telemetry_event]\npub struct Deep {{\n    pub ok: bool,\n}}\n\npub fn f() -> u32 {{ {}1{} }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let dir = with_source("deep.rs", deep);
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "100,000-deep Rust",
        &outcome,
        1,
        "× the file cannot be parsed as Rust (the code nests more than 10000 levels deep here",
    );
    for prefix in ["!", "&", "-"] {
        let deep = format!(
            "use telemetry_core::telemetry_event;\n\npub fn f() -> u32 {{ {}1 }}\n",
            prefix.repeat(100_000)
        );
        let dir = with_source("deep.rs", deep);
        let outcome = lint(dir.path(), &[]);
        assert_case(
            &format!("100,000 `{prefix}` in a row"),
            &outcome,
            1,
            "× the file cannot be parsed as Rust (the code nests more than",
        );
    }
}

#[test]
fn rust_nesting_just_under_the_bound_parses() {
    // Within the bound, the parse must not overflow the binary's stack, whatever
    // the construct.
    let n = 9_500;
    for (name, body) in [
        (
            "parentheses",
            format!(
                "pub fn f() -> u32 {{ {}1{} }}",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "negations",
            format!("pub fn f() -> bool {{ {}true }}", "!".repeat(n)),
        ),
        (
            "generics",
            format!(
                "pub type T = {}u8{};",
                "Option<".repeat(n / 2),
                ">".repeat(n / 2)
            ),
        ),
        (
            "references",
            format!("pub type T = {}u8;", "&'static ".repeat(n / 3)),
        ),
    ] {
        let text = format!("// mentions telemetry_event\n{body}\n");
        let dir = with_source("deep.rs", text);
        let outcome = lint(dir.path(), &[]);
        assert_case(&format!("{n} deep {name}"), &outcome, 0, "0 errors");
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_the_sources() {
    let dir = workspace();
    let src = dir.path().join("src");
    // A directory link back to its parent is not followed: no endless walk.
    std::os::unix::fs::symlink(".", src.join("again")).unwrap();
    std::os::unix::fs::symlink("/", src.join("root")).unwrap();
    // A `.rs` link that loops is read, and fails with a clear problem.
    std::os::unix::fs::symlink("b.rs", src.join("a.rs")).unwrap();
    std::os::unix::fs::symlink("a.rs", src.join("b.rs")).unwrap();
    let outcome = lint(dir.path(), &[]);
    assert_case(
        "symlink loop",
        &outcome,
        1,
        "× cannot read the file: Too many levels of symbolic links",
    );
    assert!(outcome.stdout.contains("src/a.rs"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains("src/b.rs"), "{}", outcome.stdout);
    assert!(
        outcome.stdout.contains("in 3 Rust files"),
        "{}",
        outcome.stdout
    );
}

#[cfg(unix)]
#[test]
fn symlinked_rust_file_is_checked_and_a_link_to_a_device_is_not_read() {
    let dir = workspace();
    let src = dir.path().join("src");
    let elsewhere = tempfile::tempdir().unwrap();
    let stray = "use telemetry_core::telemetry_event;\n#[telemetry_event]\npub struct Stray { pub path: String }\n";
    write(&elsewhere.path().join("stray.rs"), stray);
    std::os::unix::fs::symlink(elsewhere.path().join("stray.rs"), src.join("stray.rs")).unwrap();
    // Reading /dev/zero would never end.
    std::os::unix::fs::symlink("/dev/zero", src.join("zero.rs")).unwrap();
    let outcome = lint(dir.path(), &["--format", "json"]);
    assert_case("symlinked .rs", &outcome, 1, "{");
    assert!(outcome.stdout.contains("TL001"), "{}", outcome.stdout);
    assert!(
        outcome
            .stdout
            .contains("it is a link to something that is not a regular file"),
        "{}",
        outcome.stdout
    );
}

/// Whether this process can read a directory whatever its permissions (root, or
/// the capability to bypass permission checks).
#[cfg(unix)]
fn reads_despite_permissions(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok()
}

#[cfg(unix)]
#[test]
fn unreadable_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace();
    let private = dir.path().join("src/private");
    write(&private.join("events.rs"), "// telemetry_event\n");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o000)).unwrap();
    let restore = || {
        let _ = std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o755));
    };
    let mut prefix: Vec<&str> = Vec::new();
    if reads_despite_permissions(&private) {
        // Root reads through mode 000. Drop the capabilities that let it, for the
        // linter's process only, with util-linux's `setpriv`.
        let wrapper = [
            "setpriv",
            "--bounding-set",
            "-dac_override,-dac_read_search",
            "--",
        ];
        let works = Command::new(wrapper[0])
            .args(&wrapper[1..])
            .args(["ls", private.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| !s.success());
        if !works {
            restore();
            eprintln!(
                "unreadable directory: skipped; this process reads directories whatever their permissions (it runs as root), and `setpriv` cannot drop that capability here"
            );
            return;
        }
        eprintln!(
            "unreadable directory: running as root, so the linter runs under `setpriv` without the capabilities to bypass permissions"
        );
        prefix.extend(wrapper);
    }
    let outcome = lint_with(&prefix, dir.path(), &[]);
    restore();
    assert_case(
        "unreadable directory",
        &outcome,
        1,
        "× cannot read a directory of the workspace: Permission denied",
    );
    assert!(outcome.stdout.contains("src/private"), "{}", outcome.stdout);
}

// ------------------------------------------------------------------ init

#[test]
fn init_on_hostile_sources() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("src/deep.rs"),
        format!(
            "pub fn f() -> u32 {{ {}1{} }}\n",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
    );
    write(
        &dir.path().join("src/latin1.rs"),
        std::fs::read(hostile_fixture("sources/not-utf8.rs")).unwrap(),
    );
    write(
        &dir.path().join("src/lib.rs"),
        "pub struct Ping { pub ok: bool }\n",
    );
    let outcome = run_in(dir.path(), &["init", "--all-structs", "--dry-run", "src"]);
    assert_case("init on hostile sources", &outcome, 0, "⚠");
    assert!(
        outcome.stdout.contains("nests more than"),
        "{}",
        outcome.stdout
    );
}

/// Runs the binary with `args` in `dir`, timed on the wall clock only.
fn run_in(dir: &Path, args: &[&str]) -> Outcome {
    let started = Instant::now();
    let run = common::run_in(dir, args);
    Outcome {
        code: run.code,
        stdout: run.stdout,
        stderr: run.stderr,
        elapsed: started.elapsed(),
        cpu: None,
        max_rss_kb: None,
    }
}

// ------------------------------------------------------------------ fuzz regressions

#[test]
fn fuzz_regressions_replay_without_failing() {
    type Target = fn(&[u8]);
    let targets: [(&str, Target); 3] = [
        ("manifest_loader", fuzz_targets::manifest_loader),
        ("source_scanner", fuzz_targets::source_scanner),
        ("doc_generator", fuzz_targets::doc_generator),
    ];
    let mut replayed = 0;
    for (target, run) in targets {
        let dir = hostile_fixture("fuzz-regressions").join(target);
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        inputs.retain(|p| {
            p.file_name()
                .is_some_and(|n| n != "README.md" && n != ".gitkeep")
        });
        inputs.sort();
        for input in inputs {
            let bytes = std::fs::read(&input).expect("read the input");
            let started = Instant::now();
            run(&bytes);
            let elapsed = started.elapsed();
            eprintln!("{target}: {} in {elapsed:?}", input.display());
            assert!(elapsed < TIME_BOUND, "{} took {elapsed:?}", input.display());
            replayed += 1;
        }
    }
    eprintln!("{replayed} fuzz regression input(s) replayed");
    let _ = std::io::stderr().flush();
}

// ------------------------------------------------------------------ interrupted writes

/// The files in `dir` whose names start with `.` and end with `.tmp`: what an
/// interrupted atomic write leaves.
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read the directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_failed_write_keeps_the_old_file_and_leaves_nothing() {
    let dir = workspace();
    let doc = dir.path().join("TELEMETRY.md");
    let old = "an old data dictionary\n";
    write(&doc, old);
    let manifest_path = dir.path().join("Cargo.toml");
    let outcome = run_with(
        &[],
        &["doc", "--manifest-path", manifest_path.to_str().unwrap()],
        &[("TELEMETRY_LINT_FAIL_WRITE_AFTER", "100")],
    );
    assert_case(
        "doc, write stopped after 100 bytes",
        &outcome,
        2,
        "× cannot write `TELEMETRY.md`: the write was stopped after 100 bytes",
    );
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), old);
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());

    // The JSON data dictionary goes through the same writer.
    let json = dir.path().join("TELEMETRY.json");
    write(&json, old);
    let outcome = run_with(
        &[],
        &[
            "doc",
            "--format",
            "json",
            "--manifest-path",
            manifest_path.to_str().unwrap(),
        ],
        &[("TELEMETRY_LINT_FAIL_WRITE_AFTER", "10")],
    );
    assert_eq!(outcome.code, 2, "{}", outcome.transcript());
    assert_eq!(std::fs::read_to_string(&json).unwrap(), old);
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());

    // So does `init`'s draft manifest.
    let draft = dir.path().join("draft.yaml");
    write(&draft, old);
    let outcome = run_with(
        &[],
        &[
            "init",
            "--all-structs",
            "--force",
            "--output",
            draft.to_str().unwrap(),
            dir.path().join("src").to_str().unwrap(),
        ],
        &[("TELEMETRY_LINT_FAIL_WRITE_AFTER", "0")],
    );
    assert_eq!(outcome.code, 2, "{}", outcome.transcript());
    assert!(
        outcome
            .stderr
            .contains("the write was stopped after 0 bytes"),
        "{}",
        outcome.transcript()
    );
    assert_eq!(std::fs::read_to_string(&draft).unwrap(), old);
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());

    // Without the hook, the same runs write the new files.
    let outcome = lint(dir.path(), &["doc"]);
    assert_eq!(outcome.code, 0, "{}", outcome.transcript());
    assert_ne!(std::fs::read_to_string(&doc).unwrap(), old);
}

/// A tiny xorshift generator for the kill moments; the seed is printed.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[cfg(unix)]
#[test]
fn a_killed_doc_leaves_the_old_file_or_the_new_never_a_mix() {
    let dir = workspace();
    // A manifest of 3,000 events makes a document of about 2 MB: 30 chunks.
    let mut text = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    for i in 0..3_000 {
        text.push_str(&format!(
            "  event_{i}:\n    description: Event number {i}, which says what happened.\n    fields:\n      ok: {{ type: bool, category: technical, description: Whether it worked. }}\n"
        ));
    }
    write(&dir.path().join("telemetry.yaml"), text);
    let doc = dir.path().join("TELEMETRY.md");
    let manifest_path = dir.path().join("Cargo.toml");
    let args = ["doc", "--manifest-path", manifest_path.to_str().unwrap()];
    // Slow each chunk a little so kills land inside the write as well as around it.
    let envs = [("TELEMETRY_LINT_WRITE_PAUSE_MS", "3")];
    let full = run_with(&[], &args, &envs);
    assert_eq!(full.code, 0, "{}", full.transcript());
    let new = std::fs::read(&doc).unwrap();
    assert!(new.len() > 1_000_000, "only {} bytes", new.len());
    let old = b"an old data dictionary\n".to_vec();
    let window = full.elapsed.as_micros() as u64 + 1;

    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!(
        "kill moments seeded with {seed}; a full run takes {:?}",
        full.elapsed
    );
    let (mut saw_old, mut saw_new, mut mid_write) = (0, 0, 0);
    for round in 0..30 {
        write(&doc, &old);
        for leftover in temporary_files(dir.path()) {
            let _ = std::fs::remove_file(dir.path().join(leftover));
        }
        let delay = Duration::from_micros(next_random(&mut seed) % window);
        let mut child = plain_environment(&mut Command::new(BINARY))
            .args(args)
            .envs(envs)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = std::fs::read(&doc).unwrap();
        if !temporary_files(dir.path()).is_empty() {
            mid_write += 1;
        }
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!(
                "round {round}, killed after {delay:?}: TELEMETRY.md is neither the old file nor the new ({} bytes)",
                now.len()
            );
        }
    }
    eprintln!(
        "30 kills: {saw_old} left the old file, {saw_new} the new one; {mid_write} landed mid-write (a temporary file was left)"
    );
}

#[test]
fn a_name_with_a_line_break_cannot_add_a_heading_to_the_document() {
    let dir = workspace();
    let bytes = std::fs::read(hostile_fixture(
        "fuzz-regressions/doc_generator/event-name-with-a-newline-makes-a-heading.yaml",
    ))
    .unwrap();
    write(&dir.path().join("telemetry.yaml"), bytes);
    let outcome = lint(dir.path(), &["doc", "--output", "-"]);
    assert_eq!(outcome.code, 0, "{}", outcome.transcript());
    assert!(
        !outcome.stdout.lines().any(|l| l.starts_with("## Injected")),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("## `evil_##_Injected_heading`"),
        "{}",
        outcome.stdout
    );
    // `check` still reports the name.
    std::fs::remove_file(dir.path().join("TELEMETRY.md")).unwrap();
    let check = lint(dir.path(), &[]);
    assert_case("event name with a line break", &check, 1, "×");
    let words = check
        .stdout
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("event name `evil"), "{words}");
}
