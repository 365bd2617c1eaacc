//! `telemetry-bench`: the performance harness. One command measures every figure
//! of `docs/performance.md` and prints it beside its reference and its target:
//!
//! ```text
//! cargo run -p telemetry-bench --release -- all     # every figure, full size
//! cargo run -p telemetry-bench --release -- smoke   # small sizes, no timing claims
//! cargo run -p telemetry-bench -- corpus             # init's recall on fixtures/corpus/
//! ```
//!
//! 1. registry scale: `doc` + `check` on 5,000 generated events, and Glean's
//!    `glean_parser translate -f markdown` on the same registry;
//! 2. source scale: `check` over cargo's registry cache against `grep -rl`;
//! 3. build cost: 300 events with `#[telemetry_event]` against
//!    `#[derive(serde::Serialize)]`;
//! 4. runtime: recording an event with telemetry off and on;
//! 5. exit: how long the example program takes to exit with telemetry off, and on
//!    with a collector that answers, is down, refuses or hangs;
//! 6. sinks: the example program's binary size and clean release build time per
//!    sink (none, the program's own client, built-in HTTP, OTLP).
//!
//! The linter is the release `cargo-telemetry-lint`, run as a subprocess (built
//! with `cargo build --release -p telemetry-lint` unless `--linter` names one).
//! Smoke mode (the `smoke` test runs it) uses small sizes, skips what needs the
//! network or minutes of building, and only asserts that everything runs and
//! gives correct output: the figures of a smoke run mean nothing.

mod alloc_count;
mod build_cost;
mod collector;
mod corpus;
mod delivery;
mod measure;
mod registry;
mod report;
mod runtime;
mod source;
mod workload;

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Parser, ValueEnum};

#[global_allocator]
static ALLOCATOR: alloc_count::Counting = alloc_count::Counting;

/// Measures the linter, the macro and the runtime, and prints every figure beside
/// its reference and target.
#[derive(Debug, Parser)]
#[command(name = "telemetry-bench", max_term_width = 100)]
struct Cli {
    /// What to run: every figure at full size, every figure at smoke size, or one
    /// figure at full size
    #[arg(value_enum, default_value_t = What::All)]
    what: What,
    /// The `cargo-telemetry-lint` binary to measure [default: built in release]
    #[arg(long, value_name = "PATH")]
    linter: Option<PathBuf>,
    /// Where to generate workloads; kept afterwards [default: a temporary directory]
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,
    /// Measured runs per timing (after one warm-up run)
    #[arg(long, value_name = "N")]
    runs: Option<usize>,
}

/// What to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum What {
    /// Every figure at full size.
    All,
    /// Every figure at small size, without glean_parser or builds.
    Smoke,
    /// Figure 1 only.
    Registry,
    /// Figure 2 only.
    Source,
    /// Figure 3 only.
    Build,
    /// Figure 4 only.
    Runtime,
    /// Figure 5 only: exit time of the example program against collectors on
    /// loopback.
    Exit,
    /// Figure 6 only: binary size and clean build time of the example program per
    /// sink.
    Sinks,
    /// Not a performance figure: recall and false alarms of `init` on the labelled
    /// corpus of real telemetry crates (`fixtures/corpus/`).
    Corpus,
}

/// Sizes and switches of one harness run.
pub struct Config {
    /// The `cargo-telemetry-lint` binary.
    pub linter: PathBuf,
    /// Where workloads are generated.
    pub work: PathBuf,
    /// Measured runs per timing.
    pub runs: usize,
    /// Figure 1: events in the registry.
    pub events: usize,
    /// Figure 2: at most this many crates of the source tree.
    pub tree_crates: usize,
    /// Figure 3: events in the build crates.
    pub build_events: usize,
    /// Figure 3: whether to build at all.
    pub builds: bool,
    /// Figure 1: whether to run glean_parser.
    pub glean: bool,
    /// Figure 4: records per timed loop.
    pub records: u64,
}

/// A linter command line: `<linter> <command> --manifest-path <path>`, without
/// colour, with expiry checked against [`workload::TODAY`].
pub fn linter_command(config: &Config, command: &str, manifest_path: &Path) -> Command {
    let mut cmd = Command::new(&config.linter);
    cmd.arg(command)
        .arg("--manifest-path")
        .arg(manifest_path)
        .args(["--color", "never"])
        .env("TELEMETRY_LINT_TODAY", workload::TODAY);
    cmd
}

/// The repository root (the workspace this crate belongs to).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The linter to measure: `--linter`, else (smoke) the `bench-telemetry-lint` built
/// beside this program, else the release `cargo-telemetry-lint`, built now into
/// the target directory this program was built in.
fn locate_linter(cli: &Cli, smoke: bool) -> Result<PathBuf, String> {
    if let Some(path) = &cli.linter {
        return Ok(path.clone());
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let profile_dir = exe.parent().ok_or("this program has no directory")?;
    let sibling = profile_dir.join("bench-telemetry-lint");
    if smoke && sibling.is_file() {
        return Ok(sibling);
    }
    let target = profile_dir
        .parent()
        .ok_or("this program is not in a target directory")?;
    eprintln!("building the release linter: cargo build --release -p telemetry-lint");
    measure::run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["build", "--release", "-p", "telemetry-lint"])
            .current_dir(repo_root())
            .env("CARGO_TARGET_DIR", target),
    )?
    .expect_code(0, "cargo build --release -p telemetry-lint")?;
    Ok(target.join("release").join("cargo-telemetry-lint"))
}

/// The machine, for the record: CPU model, cores, memory, load, rustc.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU", str::trim)
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned());
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{model}, {cores} cores, {mem_gib:.0} GiB memory, load {load} (1 min); {rustc}")
}

fn main() {
    let cli = Cli::parse();
    let smoke = cli.what == What::Smoke;
    let linter = match locate_linter(&cli, smoke) {
        Ok(linter) => linter,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if cli.what == What::Corpus {
        println!("telemetry-bench Corpus");
        println!("linter: {}", linter.display());
        for (title, figures) in [
            ("published crates", corpus::measure(&linter)),
            ("our own patterns", corpus::measure_own(&linter)),
        ] {
            match figures {
                Ok(figures) => {
                    println!("\n== {title}\n");
                    print!("{}", corpus::render(&figures));
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(2);
                }
            }
        }
        return;
    }
    let temp;
    let work = match &cli.work_dir {
        Some(dir) => dir.clone(),
        None => match tempfile::Builder::new().prefix("telemetry-bench").tempdir() {
            Ok(dir) => {
                temp = dir;
                temp.path().to_path_buf()
            }
            Err(e) => {
                eprintln!("error: cannot create a temporary directory: {e}");
                std::process::exit(2);
            }
        },
    };
    let config = if smoke {
        Config {
            linter,
            work,
            runs: cli.runs.unwrap_or(1),
            events: 200,
            tree_crates: 8,
            build_events: 20,
            builds: false,
            glean: false,
            records: 10_000,
        }
    } else {
        Config {
            linter,
            work,
            runs: cli.runs.unwrap_or(5),
            events: 5_000,
            tree_crates: usize::MAX,
            build_events: 300,
            builds: true,
            glean: true,
            records: 20_000_000,
        }
    };
    println!("telemetry-bench {:?}", cli.what);
    println!("machine: {}", machine());
    println!("linter: {}", config.linter.display());
    let mut rows = Vec::new();
    let all = matches!(cli.what, What::All | What::Smoke);
    if all || cli.what == What::Registry {
        rows.extend(registry::run(&config));
    }
    if all || cli.what == What::Source {
        rows.extend(source::run(&config));
    }
    if all || cli.what == What::Build {
        rows.extend(build_cost::run(&config));
    }
    if all || cli.what == What::Runtime {
        rows.extend(runtime::run(&config));
    }
    if all || cli.what == What::Exit {
        rows.extend(delivery::exit(&config));
    }
    if all || cli.what == What::Sinks {
        rows.extend(delivery::sinks(&config));
    }
    if smoke {
        // Small sizes on a debug build: the figures prove that everything runs,
        // and say nothing about the targets.
        for row in &mut rows {
            if matches!(row.verdict, report::Verdict::Met | report::Verdict::Missed) {
                row.verdict = report::Verdict::Info;
            }
        }
    }
    println!();
    print!("{}", report::render(&rows));
    if rows
        .iter()
        .any(|r| matches!(r.verdict, report::Verdict::Failed(_)))
    {
        std::process::exit(1);
    }
}
