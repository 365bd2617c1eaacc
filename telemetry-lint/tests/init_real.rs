//! `init` on a published crate: `re_analytics` 0.36.3, the analytics events of the
//! Rerun data viewer, whose events implement its `Properties` trait.
//!
//! The fixture workspace `fixtures/real-re-analytics` depends on it with an exact
//! version and a committed `Cargo.lock`; `cargo metadata` downloads its source into
//! cargo's registry (nothing is built) and says where it is. The crate's code is not
//! part of this repository. The built binary then runs `init` on its `src/`.
//!
//! In 0.36.3 the crate types URLs (`url`, `destination`) and the e-mail address
//! (`email`) as `String`, so by their Rust types they are free text (TL006); no field
//! has a URL type (TL009). Its opt-in metadata is a `HashMap` (TL011).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{fixture, registry_crate_dir, run_in};

const CRATE: &str = "re_analytics";
const VERSION: &str = "0.36.3";

/// The root directory of re_analytics's source, from `cargo metadata`.
fn crate_dir() -> PathBuf {
    registry_crate_dir(
        &fixture("real-re-analytics").join("Cargo.toml"),
        CRATE,
        VERSION,
    )
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the source directory is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Found by a plain text scan, independently of `init`: the last path segment of
/// every type with `impl Properties for X`, and whether `struct X` is in the sources.
fn properties_impls(src: &Path) -> BTreeMap<String, bool> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("UTF-8 source"))
        .collect();
    let mut impls = BTreeMap::new();
    for text in &texts {
        const NEEDLE: &str = "impl Properties for ";
        for (at, _) in text.match_indices(NEEDLE) {
            let ty: String = text[at + NEEDLE.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let name = ty.rsplit("::").next().unwrap_or(&ty).to_owned();
            let defined = texts.iter().any(|t| {
                [" ", ";", "<", "("]
                    .iter()
                    .any(|end| t.contains(&format!("struct {name}{end}")))
            });
            impls.insert(name, defined);
        }
    }
    impls
}

/// `cargo telemetry-lint init src --trait Properties --dry-run <extra>` in `dir`,
/// which must print nothing to stderr; the exit code and stdout.
fn run_init(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "telemetry-lint",
        "init",
        "src",
        "--trait",
        "Properties",
        "--dry-run",
    ];
    args.extend_from_slice(extra);
    let run = run_in(dir, &args);
    assert!(run.stderr.is_empty(), "unexpected stderr:\n{}", run.stderr);
    (run.code, run.stdout)
}

#[test]
fn init_finds_every_properties_struct_of_re_analytics_and_flags_its_fields() {
    let dir = crate_dir();
    let impls = properties_impls(&dir.join("src"));
    let expected: BTreeSet<&str> = impls
        .iter()
        .filter(|(_, d)| **d)
        .map(|(n, _)| n.as_str())
        .collect();
    let elsewhere: BTreeSet<&str> = impls
        .iter()
        .filter(|(_, d)| !**d)
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(
        expected.len() >= 10,
        "the text scan found too few impls: {expected:?}"
    );

    let (code, json) = run_init(&dir, &["--format", "json"]);
    assert_eq!(code, 1, "rejected fields make the exit code 1:\n{json}");
    let report: Value = serde_json::from_str(&json).expect("the JSON report parses");

    // Every struct with `impl Properties for` is drafted; a type defined in another
    // crate is reported, not silently dropped.
    let events = report["events"].as_array().expect("events");
    let found: BTreeSet<&str> = events.iter().filter_map(|e| e["struct"].as_str()).collect();
    assert_eq!(found, expected);
    let findings = report["findings"].as_array().expect("findings");
    for name in &elsewhere {
        let reported = findings.iter().any(|f| {
            f["name"] == "event-not-drafted"
                && f["message"].as_str().is_some_and(|m| m.contains(name))
        });
        assert!(
            reported,
            "`{name}` implements Properties elsewhere and must be reported"
        );
    }

    // Every field, by `event.field`: its rule, or its inferred type.
    let mut fields: BTreeMap<String, (String, String)> = BTreeMap::new();
    for event in events {
        for field in event["fields"].as_array().expect("fields") {
            let key = format!(
                "{}.{}",
                event["name"].as_str().unwrap_or(""),
                field["name"].as_str().unwrap_or("")
            );
            let outcome = field["rule"]
                .as_str()
                .or(field["type"].as_str())
                .unwrap_or("?")
                .to_owned();
            let rust_type = field["rust_type"].as_str().unwrap_or("").to_owned();
            fields.insert(key, (rust_type, outcome));
        }
    }
    let outcome = |key: &str| fields.get(key).map(|(_, o)| o.as_str());

    // Free text, however it is spelled: String, Option<String>. A `&'static str`
    // holds one of the strings the program itself writes, a closed set the draft
    // asks to declare as an enum (TL013, a warning), not free text.
    let mut free_text = 0;
    for (key, (rust_type, rule)) in &fields {
        let bare = rust_type
            .trim_start_matches("Option<")
            .trim_end_matches('>');
        if bare == "String" {
            assert_eq!(rule, "TL006", "{key}: {rust_type}");
            free_text += 1;
        }
        if bare == "&'static str" {
            assert_eq!(rule, "TL013", "{key}: {rust_type}");
        }
        if ["HashMap", "BTreeMap", "serde_json::Value"]
            .iter()
            .any(|m| rust_type.contains(m))
        {
            assert_eq!(rule, "TL011", "{key}: {rust_type}");
        }
        if ["Url", "Uri", "IpAddr", "Uuid"]
            .iter()
            .any(|m| rust_type.contains(m))
        {
            assert_eq!(rule, "TL009", "{key}: {rust_type}");
        }
    }
    assert!(free_text >= 20, "too few free-text fields: {free_text}");

    // URLs: typed as strings, so rejected as free text.
    assert_eq!(outcome("viewer_started.url"), Some("TL006"));
    assert_eq!(outcome("open_recording.url"), Some("TL006"));
    assert_eq!(
        outcome("welcome_screen_navigation.destination"),
        Some("TL006")
    );
    // The e-mail address of a logged-in user, and their organisation.
    assert_eq!(outcome("set_person_property.email"), Some("TL006"));
    assert_eq!(
        outcome("set_person_property.organization_id"),
        Some("TL006")
    );
    // Crash reports: call stacks and panic messages.
    assert_eq!(outcome("crash_panic.callstack"), Some("TL006"));
    assert_eq!(outcome("crash_panic.message"), Some("TL006"));
    // An untyped map of opt-in metadata.
    assert_eq!(outcome("identify.opt_in_metadata"), Some("TL011"));
    // A nested struct is followed: a recording's store info, with an enum whose
    // variant holds a String.
    assert_eq!(
        outcome("open_recording.store_info_application_id"),
        Some("TL006")
    );
    assert_eq!(
        outcome("open_recording.store_info_app_id_starts_with_rerun_example"),
        Some("bool")
    );
    assert_eq!(
        outcome("viewer_started.runtime_info_is_docker"),
        Some("bool")
    );
    // Floats and types from other crates are not vetted.
    assert_eq!(outcome("screen_info.zoom_factor"), Some("TL013"));
    assert_eq!(outcome("crash_panic.build_info"), Some("TL013"));
    // What is kept is what the vocabulary can carry: here, only flags.
    for (key, (rust_type, kept)) in &fields {
        if !kept.starts_with("TL") {
            assert_eq!(kept, "bool", "{key}: {rust_type}");
        }
    }

    // Every rejected field is listed once, with its place in the crate's source:
    // a privacy breach as an error, a type init cannot vet (TL013) as a warning.
    let rejected = fields.values().filter(|(_, o)| o.starts_with("TL")).count();
    let unvetted = fields.values().filter(|(_, o)| o == "TL013").count();
    let errors = findings.iter().filter(|f| f["level"] == "error").count();
    let warnings = findings
        .iter()
        .filter(|f| f["level"] == "warning" && f["rule"] == "TL013")
        .count();
    assert_eq!(errors, rejected - unvetted);
    assert_eq!(warnings, unvetted);
    assert_eq!(report["summary"]["errors"].as_u64(), Some(errors as u64));
    for finding in findings.iter().filter(|f| f["rule"].is_string()) {
        let path = finding["source"]["path"].as_str().unwrap_or("");
        assert!(
            path.starts_with("src/") && finding["source"]["line"].as_u64().is_some_and(|l| l > 0),
            "{finding}"
        );
        assert!(finding["help"].as_str().is_some_and(|h| !h.is_empty()));
    }

    // The draft is a manifest the loader accepts as it is.
    let draft = report["draft"].as_str().expect("the draft");
    let manifest = telemetry_manifest::parse_str(draft).expect("the draft loads");
    let (valid, problems) = telemetry_manifest::validate(&manifest);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(valid.events.len(), expected.len());

    // The human report, for people (and for pasting).
    let (code, human) = run_init(&dir, &[]);
    assert_eq!(code, 1);
    for expected in [
        "TL006 free-text-field",
        "TL011 untyped-value-field",
        "╭─[src/event.rs:",
        "note: ",
        "help: ",
    ] {
        assert!(
            human.contains(expected),
            "the human report lacks {expected:?}"
        );
    }
    assert!(
        !human.contains('\u{1b}'),
        "NO_COLOR output has no escape codes"
    );
    eprintln!("{human}");
}
