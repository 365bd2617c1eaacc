//! Workload generators: synthetic telemetry registries in our format (manifest,
//! event structs and the enums they carry), the same registry in Glean's
//! `metrics.yaml` format, the source-scale workspace and the two build-cost crates.
//!
//! Every generated event has the same five fields, one of each common kind, so the
//! figures scale with the number of events and nothing else:
//!
//! | field | manifest type | Rust type |
//! |---|---|---|
//! | `mode` | `enum` (`fast`, `slow`, `auto`) | an enum of its own per event, deriving `TelemetryValue` |
//! | `success` | `bool` | `bool` |
//! | `items` | `count`, `max: 10` | `u32` |
//! | `os` | `os_family` | `OsFamily` |
//! | `duration` | `duration_bucket` (default buckets) | `DurationBucket` |
//!
//! Expiry dates lie in 2027; the harness runs the linter with
//! `TELEMETRY_LINT_TODAY` set to [`TODAY`] so the registry stays valid.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The date the linter checks expiry against in every run, for reproducible runs.
pub const TODAY: &str = "2026-06-01";

/// Events per generated Rust module (`src/events_NN.rs`) and per Glean category.
const EVENTS_PER_FILE: usize = 100;

/// The path of `telemetry-core` in this repository, for the generated crates'
/// path dependency.
pub fn telemetry_core_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("telemetry-core")
}

/// The event name of generated event `i`: `event00042`.
pub fn event_name(i: usize) -> String {
    format!("event{i:05}")
}

/// Writes `text` to `path`, creating its directory.
fn write(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

/// The manifest header: project, policy and governance (every answer the default
/// policy requires).
fn manifest_header(name: &str) -> String {
    format!(
        "version: 1\n\
         project:\n  name: {name}\n  contact: telemetry@bench.example\n  retention_days: 90\n  \
         opt_out: {{ env: BENCH_TELEMETRY=0, flag: --no-telemetry }}\n\
         policy:\n  max_retention_days: 180\n  allowed_categories: [technical, interaction]\n  max_events: 100000\n\
         governance:\n  access: The benchmark's maintainers.\n  storage: A database on one server.\n  \
         processors: []\n  encryption:\n    in_transit: TLS 1.3.\n    at_rest: Disk encryption.\n  \
         after_retention:\n    raw_data: Deleted nightly.\n    aggregates: Monthly totals are kept.\n  \
         aggregates_published: https://bench.example/telemetry/\n  incident_contact: security@bench.example\n  \
         sold_or_shared: false\n\
         events:\n"
    )
}

/// The manifest entry of event `i`.
fn manifest_event(out: &mut String, i: usize) {
    let _ = write!(
        out,
        "  {name}:\n    description: Synthetic event {i} of the benchmark registry.\n    \
         purpose: Measure how the tools scale with the number of events.\n    \
         owner: bench-team\n    since: 0.1.0\n    expires: 2027-12-31\n    \
         alternatives:\n      - {{ considered: Timing a few runs by hand., not_enough: They do not scale. }}\n    \
         fields:\n      \
         mode: {{ type: enum, values: [fast, slow, auto], category: interaction, description: Which mode ran. }}\n      \
         success: {{ type: bool, category: technical, description: Whether it succeeded. }}\n      \
         items: {{ type: count, max: 10, category: technical, description: How many items; 10 stands for 10 or more. }}\n      \
         os: {{ type: os_family, category: technical, description: The operating system family. }}\n      \
         duration: {{ type: duration_bucket, category: technical, description: How long it took as a range. }}\n",
        name = event_name(i),
    );
}

/// A manifest with events `0..events`.
pub fn manifest(name: &str, events: usize) -> String {
    let mut out = manifest_header(name);
    for i in 0..events {
        manifest_event(&mut out, i);
    }
    out
}

/// How the generated structs are annotated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// `#[telemetry_event]` structs and `#[derive(TelemetryValue)]` enums.
    Telemetry,
    /// `#[derive(serde::Serialize)]` on the same structs and enums, with local
    /// stand-ins for the value types.
    Serde,
}

/// The Rust items of event `i`.
fn rust_event(out: &mut String, i: usize, flavor: Flavor) {
    let (enum_derive, struct_attr) = match flavor {
        Flavor::Telemetry => (
            "#[derive(Clone, Copy, Debug, telemetry_core::TelemetryValue)]",
            "#[telemetry_core::telemetry_event]",
        ),
        Flavor::Serde => (
            "#[derive(Clone, Copy, Debug, serde::Serialize)]",
            "#[derive(serde::Serialize)]",
        ),
    };
    let _ = write!(
        out,
        "\n/// How event {i} ran.\n{enum_derive}\npub enum Event{i:05}Mode {{\n    Fast,\n    Slow,\n    Auto,\n}}\n\
         \n/// Synthetic event {i}.\n{struct_attr}\npub struct Event{i:05} {{\n    pub mode: Event{i:05}Mode,\n    \
         pub success: bool,\n    pub items: u32,\n    pub os: OsFamily,\n    pub duration: DurationBucket,\n}}\n"
    );
}

/// The opening of every generated module: the value types it uses.
fn module_prelude(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::Telemetry => {
            "//! Generated events.\n\nuse telemetry_core::{DurationBucket, OsFamily};\n"
        }
        Flavor::Serde => "//! Generated events.\n\nuse crate::{DurationBucket, OsFamily};\n",
    }
}

/// Writes `src/lib.rs` and `src/events_NNN.rs` (100 events each) for events
/// `0..events`.
fn write_sources(dir: &Path, events: usize, flavor: Flavor) -> io::Result<()> {
    let mut lib = String::from("//! Generated benchmark events.\n");
    if flavor == Flavor::Serde {
        lib.push_str(
            "\n/// Stands in for `telemetry_core::OsFamily`.\n#[derive(Clone, Copy, Debug, serde::Serialize)]\n\
             pub enum OsFamily {\n    Linux,\n    Macos,\n    Windows,\n    Bsd,\n    Other,\n}\n\
             \n/// Stands in for `telemetry_core::DurationBucket`.\n#[derive(Clone, Copy, Debug, serde::Serialize)]\n\
             pub struct DurationBucket(pub u64);\n",
        );
    }
    lib.push('\n');
    let files = events.div_ceil(EVENTS_PER_FILE);
    for file in 0..files {
        let _ = writeln!(lib, "pub mod events_{file:03};");
        let mut text = String::from(module_prelude(flavor));
        let end = ((file + 1) * EVENTS_PER_FILE).min(events);
        for i in file * EVENTS_PER_FILE..end {
            rust_event(&mut text, i, flavor);
        }
        write(&dir.join(format!("src/events_{file:03}.rs")), &text)?;
    }
    write(&dir.join("src/lib.rs"), &lib)
}

/// The `Cargo.toml` of a generated crate that is its own workspace.
fn cargo_toml(name: &str, flavor: Flavor) -> String {
    let dependency = match flavor {
        Flavor::Telemetry => format!(
            "telemetry-core = {{ path = {:?} }}",
            telemetry_core_dir().display().to_string()
        ),
        Flavor::Serde => "serde = { version = \"1\", features = [\"derive\"] }".to_owned(),
    };
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{dependency}\n"
    )
}

/// Figure 1: a workspace with `events` events in `telemetry.yaml` and as structs.
pub fn registry_workspace(dir: &Path, events: usize) -> io::Result<()> {
    write(
        &dir.join("Cargo.toml"),
        &cargo_toml("bench-registry", Flavor::Telemetry),
    )?;
    write(
        &dir.join("telemetry.yaml"),
        &manifest("bench-registry", events),
    )?;
    write_sources(dir, events, Flavor::Telemetry)
}

/// Figure 1: the same registry in Glean's `metrics.yaml` format: one `event`
/// metric per event, 100 to a category, each with the same five extra keys.
pub fn glean_metrics(events: usize) -> String {
    let mut out = String::from("---\n$schema: moz://mozilla.org/schemas/glean/metrics/2-0-0\n");
    for i in 0..events {
        if i % EVENTS_PER_FILE == 0 {
            let _ = writeln!(out, "\nbench_{:03}:", i / EVENTS_PER_FILE);
        }
        let _ = write!(
            out,
            "  {name}:\n    type: event\n    description: Synthetic event {i} of the benchmark registry.\n    \
             bugs:\n      - https://bugzilla.mozilla.org/show_bug.cgi?id=1\n    \
             data_reviews:\n      - https://bugzilla.mozilla.org/show_bug.cgi?id=1\n    \
             notification_emails:\n      - telemetry@bench.example\n    expires: 2027-12-31\n    \
             data_sensitivity:\n      - interaction\n    extra_keys:\n      \
             mode: {{ type: string, description: Which mode ran. }}\n      \
             success: {{ type: boolean, description: Whether it succeeded. }}\n      \
             items: {{ type: quantity, description: How many items; 10 stands for 10 or more. }}\n      \
             os: {{ type: string, description: The operating system family. }}\n      \
             duration: {{ type: string, description: How long it took as a range. }}\n",
            name = event_name(i),
        );
    }
    out
}

/// Figure 3: a crate with `events` events, annotated as `flavor` says, that is its
/// own workspace. `lockfile` (this repository's `Cargo.lock`) is copied in so the
/// build uses the dependency versions already downloaded.
pub fn build_crate(dir: &Path, events: usize, flavor: Flavor, lockfile: &Path) -> io::Result<()> {
    let name = match flavor {
        Flavor::Telemetry => "bench-build-telemetry",
        Flavor::Serde => "bench-build-serde",
    };
    write(&dir.join("Cargo.toml"), &cargo_toml(name, flavor))?;
    if flavor == Flavor::Telemetry {
        write(&dir.join("telemetry.yaml"), &manifest(name, events))?;
    }
    if lockfile.is_file() {
        std::fs::copy(lockfile, dir.join("Cargo.lock"))?;
    }
    write_sources(dir, events, flavor)
}

/// Figure 2: the events crate placed beside the real source tree.
pub const SOURCE_EVENTS: usize = 3;

/// A crate directory of the real source tree, to be listed as a workspace member.
#[derive(Clone, Debug)]
pub struct TreeCrate {
    /// The crate's directory.
    pub dir: PathBuf,
}

/// The crate directories under each of `roots` (each a directory of unpacked
/// crates, like `~/.cargo/registry/src/<index>`), one per package name (the last
/// in sorted order, usually the newest version), since a workspace cannot hold two
/// packages of one name. At most `limit` crates.
pub fn tree_crates(roots: &[PathBuf], limit: usize) -> Vec<TreeCrate> {
    let mut by_name = std::collections::BTreeMap::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for dir in dirs {
            let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
                continue;
            };
            if let Some(name) = package_name(&text) {
                by_name.insert(name, dir);
            }
        }
    }
    by_name
        .into_iter()
        .take(limit)
        .map(|(_, dir)| TreeCrate { dir })
        .collect()
}

/// The `name` of the `[package]` table of a (normalised) `Cargo.toml`.
fn package_name(text: &str) -> Option<String> {
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && let Some(rest) = line.strip_prefix("name") {
            let value = rest.trim_start().strip_prefix('=')?.trim();
            return Some(value.trim_matches('"').to_owned());
        }
    }
    None
}

/// Figure 2: a workspace at `dir` whose members are `crates` (reached through
/// symbolic links `tree0`, `tree1`, ... to their parent directories, so nothing is
/// copied) and a crate `events` with [`SOURCE_EVENTS`] events; the manifest declares
/// those events. Returns the member directories as the workspace names them.
pub fn source_workspace(dir: &Path, crates: &[TreeCrate]) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut parents: Vec<PathBuf> = crates
        .iter()
        .filter_map(|c| c.dir.parent().map(Path::to_path_buf))
        .collect();
    parents.sort();
    parents.dedup();
    let mut members = vec![dir.join("events")];
    let mut listed = vec!["\"events\"".to_owned()];
    for (n, parent) in parents.iter().enumerate() {
        let link = dir.join(format!("tree{n}"));
        if link.symlink_metadata().is_err() {
            std::os::unix::fs::symlink(parent, &link)?;
        }
        for c in crates.iter().filter(|c| c.dir.parent() == Some(parent)) {
            if let Some(base) = c.dir.file_name() {
                let base = base.to_string_lossy();
                listed.push(format!("\"tree{n}/{base}\""));
                members.push(link.join(&*base));
            }
        }
    }
    let mut root = String::from("[workspace]\nresolver = \"3\"\nmembers = [\n");
    for member in &listed {
        let _ = writeln!(root, "    {member},");
    }
    root.push_str("]\n");
    write(&dir.join("Cargo.toml"), &root)?;
    write(
        &dir.join("events/Cargo.toml"),
        &cargo_toml("bench-source-events", Flavor::Telemetry).replace("\n[workspace]\n", ""),
    )?;
    write(
        &dir.join("telemetry.yaml"),
        &manifest("bench-source", SOURCE_EVENTS),
    )?;
    write_sources(&dir.join("events"), SOURCE_EVENTS, Flavor::Telemetry)?;
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_name_reads_the_package_table() {
        let text = "[dependencies]\nname = \"no\"\n\n[package]\nedition = \"2021\"\nname = \"foo-bar\"\nversion = \"1.0.0\"\n";
        assert_eq!(package_name(text).as_deref(), Some("foo-bar"));
        assert_eq!(package_name("[lib]\nname = \"x\"\n"), None);
    }

    #[test]
    fn manifest_and_glean_hold_every_event() {
        let text = manifest("x", 250);
        assert_eq!(text.matches("    purpose: ").count(), 250);
        assert!(text.contains("  event00249:\n"));
        let glean = glean_metrics(250);
        assert_eq!(glean.matches("    type: event\n").count(), 250);
        assert_eq!(glean.matches("\nbench_").count(), 3);
    }
}
