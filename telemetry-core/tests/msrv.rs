//! The minimum supported Rust version is the lowest the dependencies and the
//! standard library items we use allow.
//!
//! Projects adopt telemetry-core on the toolchain they already pin, so its
//! `rust-version` must be no higher than the newest of the `rust-version`s among
//! the crates a program that links telemetry-core builds (its normal
//! dependencies, the macros' included) and [`STD_FLOOR`], and no lower either, or
//! cargo would pick a dependency the declared toolchain cannot build. Uses of the
//! standard library newer than `rust-version` are caught by clippy's
//! `incompatible_msrv` lint, which CI runs with `-D warnings`: that lint is what
//! keeps [`STD_FLOOR`] true.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// The newest standard library item that the crates a program links use, and
/// the Rust version that stabilised it.
const STD_FLOOR: (&str, &str) = ("1.88", "proc_macro::Span::local_file, in telemetry-macros");

#[test]
fn rust_version_is_the_newest_a_dependency_needs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let packages: BTreeMap<&str, &serde_json::Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("a resolved graph")
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let core = packages
        .values()
        .find(|p| p["name"] == "telemetry-core")
        .expect("telemetry-core");
    let ours = core["rust_version"].as_str().expect("a rust-version");

    // What a program that links telemetry-core builds: its normal dependencies
    // (and build dependencies), transitively; the macros are one of them.
    let mut seen = BTreeSet::new();
    let mut stack = vec![core["id"].as_str().expect("an id")];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let linked = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if linked && let Some(dep_id) = dep["pkg"].as_str() {
                stack.push(dep_id);
            }
        }
    }
    // What the dependencies need, our own crates left out.
    let needed: Vec<(&str, &str)> = seen
        .iter()
        .filter_map(|id| {
            let p = packages[id];
            Some((p["rust_version"].as_str()?, p["name"].as_str()?))
        })
        .filter(|(_, name)| !name.starts_with("telemetry-"))
        .collect();
    let newest = needed
        .iter()
        .map(|(v, _)| *v)
        .max_by_key(|v| version(v))
        .expect("some dependency declares a rust-version");
    let too_new: Vec<String> = needed
        .iter()
        .filter(|(v, _)| version(v) > version(ours))
        .map(|(v, n)| format!("{n} needs {v}"))
        .collect();
    assert!(
        too_new.is_empty(),
        "rust-version {ours} is below what the dependencies need: {too_new:?}"
    );
    let (std_floor, std_item) = STD_FLOOR;
    let lowest = if version(std_floor) > version(newest) {
        std_floor
    } else {
        newest
    };
    assert_eq!(
        version(ours),
        version(lowest),
        "rust-version {ours} is not the lowest that the dependencies ({newest}) and {std_item} ({std_floor}) allow"
    );
}
