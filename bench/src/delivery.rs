//! Figures 5 and 6, delivery, measured on the example program `examples/acme`:
//!
//! 5. exit: how long `acme build` takes, from spawn to exit, with telemetry off
//!    (`DO_NOT_TRACK=1`) and on with a collector on loopback that answers, is down
//!    (nothing listens), refuses (closes each connection unanswered) or hangs
//!    (never answers); the median of several runs, the scenarios taken in turn so
//!    that a change of machine load touches them alike, and the load printed. The
//!    target: at most 10 ms more than with telemetry off, whatever the collector
//!    does. Each scenario has its own home directory, so the spool of a collector
//!    that is down grows from run to run as it would for a user (bounded at 1 MiB).
//! 6. sinks: the release binary's size and its clean release build time (its own
//!    empty target directory, dependencies fetched beforehand) for each sink: none
//!    (the spool file only), the program's own HTTP client (`own-client`: acme's
//!    ureq, shared with telemetry through `HttpClient`), the built-in HTTP sink
//!    (`http`) and the OTLP sink (`otlp`, with the built-in client). Builds run one
//!    at a time with cargo's default jobs.
//!
//! acme is built in release into the work directory. Smoke mode builds nothing and
//! skips both figures.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::collector::{Behaviour, Collector};
use crate::measure::{self, Sample, show};
use crate::report::{Row, verdict};
use crate::{Config, repo_root};

/// Target: exit with telemetry on costs at most this much more than off.
const TARGET_EXIT_EXTRA: Duration = Duration::from_millis(10);

/// The example program's directory.
fn acme_dir() -> PathBuf {
    repo_root().join("examples").join("acme")
}

/// `cargo build --release` of acme with `features`, into `target`.
fn build_acme(target: &Path, features: &[&str]) -> Result<(Duration, PathBuf), String> {
    let dir = acme_dir();
    let mut args = vec!["build", "--release", "--offline"];
    args.extend_from_slice(features);
    let run = measure::run(
        crate::build_cost::cargo(&dir, &args)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_TERM_COLOR", "never"),
    )?
    .expect_code(0, &format!("cargo build --release {}", features.join(" ")))?;
    let binary = target
        .join("release")
        .join(format!("acme{}", std::env::consts::EXE_SUFFIX));
    Ok((run.wall, binary))
}

/// Downloads acme's dependencies, so no figure includes the network.
fn fetch() -> Result<(), String> {
    let dir = acme_dir();
    measure::run(&mut crate::build_cost::cargo(&dir, &["fetch"]))?
        .expect_code(0, "cargo fetch of examples/acme")?;
    Ok(())
}

/// The load average over the last minute.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// One user of acme for one scenario: a home directory with a project in it, where
/// the user turned telemetry on with `acme telemetry enable` (an explicit choice,
/// which no unattended-run rule holds back).
struct Home {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Home {
    fn new(root: &Path, name: &str, env: &[(&str, String)]) -> Result<Home, String> {
        let dir = root.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let config = dir.join(".config").join("acme");
        std::fs::create_dir_all(&config)
            .map_err(|e| format!("cannot write {}: {e}", config.display()))?;
        Ok(Home {
            dir,
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        })
    }

    fn config(&self) -> PathBuf {
        self.dir.join(".config").join("acme")
    }

    fn command(&self, acme: &Path, cwd: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(acme);
        command
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("XDG_CONFIG_HOME", self.dir.join(".config"))
            .env("ACME_CONFIG_DIR", self.config())
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Turns telemetry on as the user would, then makes the project `demo`, with
    /// telemetry off for that command.
    fn init(&self, acme: &Path) -> Result<(), String> {
        measure::run(&mut self.command(acme, &self.dir, &["telemetry", "enable"]))?
            .expect_code(0, "acme telemetry enable")?;
        measure::run(&mut self.command(
            acme,
            &self.dir,
            &["init", "demo", "--no-git", "--no-telemetry"],
        ))?
        .expect_code(0, "acme init")?;
        Ok(())
    }

    /// One timed `acme build` in the project.
    fn build(&self, acme: &Path) -> Result<Duration, String> {
        let run = measure::run(&mut self.command(acme, &self.dir.join("demo"), &["build"]))?
            .expect_code(0, "acme build")?;
        if !run.stderr.is_empty() {
            return Err(format!("acme build wrote to stderr: {}", run.stderr));
        }
        Ok(run.wall)
    }

    fn spool_bytes(&self) -> u64 {
        std::fs::metadata(self.config().join(telemetry_core::runtime::SPOOL_FILE))
            .map_or(0, |m| m.len())
    }
}

/// Runs figure 5 and returns its rows.
pub fn exit(config: &Config) -> Vec<Row> {
    let figure = "5 exit: acme build";
    if !config.builds {
        return vec![Row::skipped(figure, "builds run in full mode only")];
    }
    match measure_exit(config) {
        Ok(rows) => rows,
        Err(e) => vec![Row::failed(figure, e)],
    }
}

fn measure_exit(config: &Config) -> Result<Vec<Row>, String> {
    fetch()?;
    let (_, acme) = build_acme(&config.work.join("acme-target"), &[])?;
    let ok = Collector::start(Behaviour::Ok).map_err(|e| e.to_string())?;
    let refusing = Collector::start(Behaviour::Refusing).map_err(|e| e.to_string())?;
    let hanging = Collector::start(Behaviour::Hanging).map_err(|e| e.to_string())?;
    let down = Collector::down_url().map_err(|e| e.to_string())?;
    let endpoint = |url: String| [("ACME_TELEMETRY_ENDPOINT", url)];
    let root = config.work.join("exit");
    let scenarios = [
        (
            "off (DO_NOT_TRACK=1)",
            vec![("DO_NOT_TRACK", "1".to_owned())],
        ),
        ("on, collector answers", endpoint(ok.url()).to_vec()),
        ("on, collector down", endpoint(down).to_vec()),
        ("on, collector refuses", endpoint(refusing.url()).to_vec()),
        ("on, collector hangs", endpoint(hanging.url()).to_vec()),
    ];
    let mut homes = Vec::new();
    for (i, (_, env)) in scenarios.iter().enumerate() {
        let home = Home::new(&root, &format!("user-{i}"), env)?;
        home.init(&acme)?;
        homes.push(home);
    }
    let runs = (config.runs * 4).max(5) + 1;
    let load_before = load();
    let mut walls = vec![Vec::new(); scenarios.len()];
    // The first round warms the page cache and is not counted.
    for round in 0..runs {
        for (home, walls) in homes.iter().zip(&mut walls) {
            let wall = home.build(&acme)?;
            if round > 0 {
                walls.push(wall);
            }
        }
    }
    let load_after = load();
    if ok.requests() == 0 {
        return Err("the collector that answers received no request".to_owned());
    }
    let medians: Vec<Duration> = walls
        .into_iter()
        .map(|walls| {
            Sample {
                walls,
                max_rss_kib: 0,
            }
            .median()
        })
        .collect();
    let off = medians[0];
    let mut rows = vec![Row::info(
        format!("5 exit: acme build, {}", scenarios[0].0),
        format!("{} (median of {})", show(off), runs - 1),
    )];
    for ((name, _), (median, home)) in scenarios.iter().zip(medians.iter().zip(&homes)).skip(1) {
        let extra = median.saturating_sub(off);
        let spool = home.spool_bytes();
        rows.push(Row::new(
            format!("5 exit: acme build, {name}"),
            format!("{} (spool {spool} bytes)", show(*median)),
            show(off),
            format!("+{}", show(extra)),
            format!("<= off + {}", show(TARGET_EXIT_EXTRA)),
            verdict(extra <= TARGET_EXIT_EXTRA),
        ));
    }
    rows.push(Row::info(
        "5 exit: machine load (1 min) before / after",
        format!("{load_before} / {load_after}"),
    ));
    Ok(rows)
}

/// Runs figure 6 and returns its rows.
pub fn sinks(config: &Config) -> Vec<Row> {
    let figure = "6 sinks: acme release";
    if !config.builds {
        return vec![Row::skipped(figure, "builds run in full mode only")];
    }
    if let Err(e) = fetch() {
        return vec![Row::failed(figure, e)];
    }
    let sinks: [(&str, &[&str]); 4] = [
        ("none (spool file only)", &["--no-default-features"]),
        (
            "own client (own-client)",
            &["--no-default-features", "--features", "own-client"],
        ),
        ("built-in HTTP (http)", &[]),
        ("OTLP (otlp)", &["--features", "otlp"]),
    ];
    let mut rows = Vec::new();
    let mut reference: Option<(u64, Duration)> = None;
    for (i, (name, features)) in sinks.iter().enumerate() {
        let target = config.work.join("sinks").join(format!("sink-{i}"));
        let _ = std::fs::remove_dir_all(&target);
        let load_before = load();
        let built = build_acme(&target, features).and_then(|(wall, binary)| {
            std::fs::metadata(&binary)
                .map(|m| (wall, m.len()))
                .map_err(|e| format!("no binary at {}: {e}", binary.display()))
        });
        let (wall, size) = match built {
            Ok(built) => built,
            Err(e) => {
                rows.push(Row::failed(format!("{figure}, {name}"), e));
                continue;
            }
        };
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let (reference_text, ratio) = match reference {
            Some((size0, wall0)) => (
                format!("{:.2} MiB, {}", mib(size0), show(wall0)),
                format!(
                    "{:.2}x size, {:.2}x time",
                    size as f64 / size0.max(1) as f64,
                    wall.as_secs_f64() / wall0.as_secs_f64().max(1e-9)
                ),
            ),
            None => ("-".to_owned(), "-".to_owned()),
        };
        rows.push(Row::new(
            format!("{figure}, {name}"),
            format!(
                "{:.2} MiB, clean build {} (load {load_before})",
                mib(size),
                show(wall)
            ),
            reference_text,
            ratio,
            "-",
            crate::report::Verdict::Info,
        ));
        reference.get_or_insert((size, wall));
    }
    rows
}
