//! `init` on small fixture crates (`fixtures/init-*`): one per selector and per way a
//! field is followed or rejected. The draft, the JSON report and the human report
//! (no colour) are snapshotted; the draft is also loaded back with the manifest
//! crate, which must accept it and fail it only on the metadata a person must write.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{copy_dir, fixture};
use telemetry_lint::__private::init_in as run_in;
use telemetry_lint::Format;
use telemetry_lint::{FieldOutcome, InitError, InitOptions, InitReport, Selector};
use telemetry_manifest::{Date, FieldType, check_policy, parse_str, validate};

fn options(selector: Selector) -> InitOptions {
    InitOptions {
        paths: vec![PathBuf::from("src")],
        selector,
        output: None,
        dry_run: true,
        force: false,
        format: Format::Human,
    }
}

fn dry_run(name: &str, selector: Selector) -> InitReport {
    match run_in(&options(selector), &fixture(name)) {
        Ok(report) => report,
        Err(error) => panic!("init on {name} failed: {error}"),
    }
}

/// Every drafted field of every event, as `event.field` -> rule id or manifest type.
fn outcomes(report: &InitReport) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for event in &report.events {
        for field in &event.fields {
            let outcome = match &field.outcome {
                FieldOutcome::Kept { ty, .. } => ty.as_str().to_owned(),
                FieldOutcome::Rejected { finding } => report.findings[*finding]
                    .rule()
                    .map_or("no rule", |r| r.id)
                    .to_owned(),
            };
            map.insert(format!("{}.{}", event.name, field.name), outcome);
        }
    }
    map
}

/// The draft loads, validates without findings, and fails the policy only on the
/// metadata left for a person: TL016 (missing) and TL017 (placeholder).
fn assert_draft_is_a_valid_manifest(report: &InitReport) {
    let manifest = match parse_str(&report.draft) {
        Ok(manifest) => manifest,
        Err(error) => panic!("the draft does not load: {error}\n{}", report.draft),
    };
    let (valid, findings) = validate(&manifest);
    assert!(
        findings.is_empty(),
        "the draft does not validate: {findings:?}"
    );
    assert_eq!(valid.events.len(), report.events.len());
    let policy = check_policy(&valid, Date::today());
    let ids: Vec<&str> = policy.iter().map(|f| f.rule.id).collect();
    // What only a person can decide (TL016, TL017); a doc comment that only
    // repeats its name may be flagged as such (TL035, a warning).
    assert!(
        ids.iter()
            .all(|id| matches!(*id, "TL016" | "TL017" | "TL035")),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"TL017"),
        "the contact placeholder must fail the policy"
    );
    let opt_out = policy
        .iter()
        .any(|f| f.message.contains("no way to opt out"));
    assert!(opt_out, "a draft without opt-out must fail the policy");
    for event in &report.events {
        for key in ["since", "expires"] {
            let missing = policy
                .iter()
                .any(|f| f.event.as_deref() == Some(&event.name) && f.message.contains(key));
            assert!(
                missing,
                "event {} must fail the policy for `{key}`",
                event.name
            );
        }
    }
}

#[test]
fn derive_selects_deriving_structs_and_rejects_each_forbidden_type() {
    let report = dry_run("init-derive", Selector::Derive("Analytics".into()));
    let names: Vec<&str> = report.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["command_finished", "package_fetched", "ping"]);

    let outcomes = outcomes(&report);
    let expected = [
        ("command_finished.command", "enum"),
        ("command_finished.success", "bool"),
        ("command_finished.targets", "count"),
        ("command_finished.retries", "count"),
        ("command_finished.took", "duration_bucket"),
        ("command_finished.output_size", "size_bucket"),
        ("command_finished.os", "os_family"),
        ("command_finished.arch", "arch"),
        ("command_finished.version", "version"),
        ("command_finished.exit_code", "TL013"),
        ("package_fetched.name", "TL006"),
        ("package_fetched.registry", "TL009"),
        ("package_fetched.cache_dir", "TL007"),
        ("package_fetched.elapsed", "TL008"),
        ("package_fetched.checksum", "TL010"),
        ("package_fetched.extra", "TL011"),
        ("package_fetched.headers", "TL011"),
        ("package_fetched.origin", "TL006"),
        ("package_fetched.reporter", "TL006"),
    ];
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(outcomes, expected);

    let command = &report.events[0].fields[0];
    assert_eq!(
        command.outcome,
        FieldOutcome::Kept {
            ty: FieldType::Enum,
            optional: false,
            values: vec!["build".into(), "test".into(), "run_all".into()],
            category: "interaction",
        }
    );
    let ping = report
        .findings
        .iter()
        .find(|f| f.event.as_deref() == Some("ping"));
    assert_eq!(ping.and_then(|f| f.rule()).map(|r| r.id), Some("TL012"));
    let registry = report
        .findings
        .iter()
        .find(|f| f.field.as_deref() == Some("registry"))
        .and_then(|f| f.source.clone());
    let registry = registry.map(|s| format!("{}:{}:{}", s.path, s.line, s.column));
    assert_eq!(registry.as_deref(), Some("src/lib.rs:50:5"));
    assert!(report.has_errors());
    assert!(report.written.is_none());

    assert_draft_is_a_valid_manifest(&report);
    insta::assert_snapshot!("derive_draft", report.draft);
    insta::assert_snapshot!("derive_json", report.render_json());
    insta::assert_snapshot!("derive_human", report.render_human(false));
}

#[test]
fn all_structs_walks_modules_and_skips_tests_and_target() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("init-all-structs"), dir.path());
    let generated = dir.path().join("src/target/debug");
    std::fs::create_dir_all(&generated).unwrap();
    std::fs::write(
        generated.join("build.rs"),
        "pub struct Generated { pub text: String }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/latin1.rs"),
        b"/// caf\xe9\npub struct Latin1;\n",
    )
    .unwrap();

    let report = match run_in(&options(Selector::AllStructs), dir.path()) {
        Ok(report) => report,
        Err(error) => panic!("{error}"),
    };
    let names: Vec<(&str, &str)> = report
        .events
        .iter()
        .map(|e| (e.name.as_str(), e.source.path.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("search_run", "src/events/mod.rs"),
            ("settings_saved", "src/events/mod.rs"),
            ("started", "src/lib.rs"),
            ("heartbeat", "src/lib.rs"),
        ]
    );
    assert_eq!(report.files_read, 2);
    let warnings: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule().is_none())
        .map(|f| (f.name(), f.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            "non-utf8-source",
            "`src/latin1.rs` is not UTF-8, so it is not read"
        )]
    );
    assert_draft_is_a_valid_manifest(&report);
    insta::assert_snapshot!("all_structs_draft", report.draft);
}

#[test]
fn nested_structs_are_flattened_up_to_the_depth_limit() {
    let report = dry_run("init-nested", Selector::Trait("Event".into()));
    assert_eq!(report.events.len(), 1);
    let outcomes = outcomes(&report);
    let fields: Vec<(&str, &str)> = outcomes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("build_ran.cache_hits", "count"),
            ("build_ran.cache_misses", "count"),
            ("build_ran.deep_level2_level3_level4_level5", "TL013"),
            ("build_ran.host_cpus", "TL038"),
            ("build_ran.host_hostname", "TL006"),
            ("build_ran.host_os", "os_family"),
        ]
    );
    let deep = report
        .findings
        .iter()
        .find(|f| f.field.as_deref() == Some("deep_level2_level3_level4_level5"));
    assert!(deep.is_some_and(|f| f.message.contains("nested more than 4 structs deep")));
    assert_draft_is_a_valid_manifest(&report);
    insta::assert_snapshot!("nested_draft", report.draft);
    insta::assert_snapshot!("nested_human", report.render_human(false));
}

#[test]
fn a_cycle_is_rejected_not_followed_forever() {
    let report = dry_run("init-cycle", Selector::Derive("Telemetry".into()));
    let outcomes = outcomes(&report);
    let fields: Vec<(&str, &str)> = outcomes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("session_ended.commands", "count"),
            ("session_ended.user_admin", "bool"),
            ("session_ended.user_last_session", "TL013"),
        ]
    );
    let cycle = report
        .findings
        .iter()
        .find(|f| f.field.as_deref() == Some("user_last_session"));
    assert!(cycle.is_some_and(|f| f.message.contains("contains itself")));
    assert_draft_is_a_valid_manifest(&report);
    insta::assert_snapshot!("cycle_json", report.render_json());
}

#[test]
fn an_unparseable_file_is_a_warning_and_the_rest_is_drafted() {
    let report = dry_run("init-unparseable", Selector::Derive("Telemetry".into()));
    let names: Vec<&str> = report.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["file_opened"]);
    assert_eq!(report.findings.len(), 1);
    let warning = &report.findings[0];
    assert_eq!(warning.name(), "unparseable-source");
    assert!(warning.rule().is_none());
    let at = warning
        .source
        .clone()
        .map(|s| format!("{}:{}", s.path, s.line));
    assert_eq!(at.as_deref(), Some("src/broken.rs:4"));
    assert!(
        !report.has_errors(),
        "a warning alone must not fail the run"
    );
    assert_draft_is_a_valid_manifest(&report);
    insta::assert_snapshot!("unparseable_json", report.render_json());
    insta::assert_snapshot!("unparseable_human", report.render_human(false));
}

#[test]
fn the_draft_is_written_once_and_overwritten_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("init-cycle"), dir.path());
    let mut opts = options(Selector::Derive("Telemetry".into()));
    opts.dry_run = false;

    let first = match run_in(&opts, dir.path()) {
        Ok(report) => report,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(first.written.as_deref(), Some("telemetry.yaml"));
    let written = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    assert_eq!(written, first.draft);

    std::fs::write(dir.path().join("telemetry.yaml"), "kept: by hand\n").unwrap();
    match run_in(&opts, dir.path()) {
        Err(error @ InitError::OutputExists { .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("`telemetry.yaml` already exists"),
                "{message}"
            );
            assert!(message.contains("--force"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let kept = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    assert_eq!(kept, "kept: by hand\n");

    opts.force = true;
    opts.output = Some(PathBuf::from("telemetry.yaml"));
    assert!(run_in(&opts, dir.path()).is_ok());
    let rewritten = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    assert_eq!(rewritten, first.draft);
    let mut entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        ["Cargo.toml", "src", "telemetry.yaml"],
        "no temporary file is left"
    );
}

#[test]
fn nothing_to_read_is_an_error() {
    let mut opts = options(Selector::AllStructs);
    opts.paths = vec![PathBuf::from("no-such-dir")];
    match run_in(&opts, &fixture("init-cycle")) {
        Err(error @ InitError::NothingToRead { .. }) => {
            let message = error.to_string();
            assert!(
                message.starts_with("no Rust source file could be read under no-such-dir"),
                "{message}"
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn the_binary_prints_the_same_reports_and_maps_exit_codes() {
    // As cargo runs it: `cargo-telemetry-lint telemetry-lint init ...`.
    let derive = fixture("init-derive");
    let human = common::run_in(
        &derive,
        &[
            "telemetry-lint",
            "init",
            "src",
            "--derive",
            "Analytics",
            "--dry-run",
        ],
    );
    assert_eq!(human.code, 1, "rejected fields exit 1");
    let report = dry_run("init-derive", Selector::Derive("Analytics".into()));
    assert_eq!(human.stdout, report.render_human(false));
    let json = common::run_in(
        &derive,
        &[
            "telemetry-lint",
            "init",
            "src",
            "--derive",
            "Analytics",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.code, 1);
    assert_eq!(json.stdout, report.render_json());

    let warned = common::run_in(
        &fixture("init-unparseable"),
        &[
            "telemetry-lint",
            "init",
            "src",
            "--derive",
            "Telemetry",
            "--dry-run",
        ],
    );
    assert_eq!(warned.code, 0, "warnings alone exit 0");

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("init-cycle"), dir.path());
    std::fs::write(dir.path().join("telemetry.yaml"), "kept: by hand\n").unwrap();
    let kept = common::run_in(
        dir.path(),
        &["telemetry-lint", "init", "--derive", "Telemetry"],
    );
    assert_eq!(
        kept.code, 2,
        "an existing manifest is not overwritten: {}",
        kept.stderr
    );
    assert!(
        kept.stderr.contains("`telemetry.yaml` already exists"),
        "{}",
        kept.stderr
    );
    let forced = common::run_in(
        dir.path(),
        &["telemetry-lint", "init", "--derive", "Telemetry", "--force"],
    );
    assert_eq!(
        forced.code, 0,
        "written; the cycle's field is left out with a warning, not a privacy error: {}",
        forced.stderr
    );
    let written = std::fs::read_to_string(dir.path().join("telemetry.yaml")).unwrap();
    assert!(
        written.starts_with("# Draft telemetry manifest"),
        "{written}"
    );
}

/// `init` on every fixture workspace with sources (the broken ones included)
/// writes a draft that loads, and `check` then runs on the draft (findings are
/// expected: a draft leaves `TODO`s; exit code 2, could not run, is the failure).
#[test]
fn every_fixture_drafts_a_manifest_check_runs_on() {
    let mut tried = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(common::fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").is_file() && p.join("src").is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let work = tempfile::tempdir().unwrap();
        copy_dir(&dir, work.path());
        let draft = work.path().join("draft.yaml");
        let init = common::run_in(
            work.path(),
            &["init", "--all-structs", "--output", "draft.yaml", "src"],
        );
        assert!(
            matches!(init.code, 0 | 1),
            "{name}: init could not run\n{}",
            init.transcript()
        );
        let text = std::fs::read_to_string(&draft).unwrap();
        if let Err(error) = parse_str(&text) {
            panic!("{name}: the draft does not load: {error}\n{text}");
        }
        let check = common::run_in(
            work.path(),
            &[
                "check",
                "--manifest-path",
                "Cargo.toml",
                "--manifest",
                "draft.yaml",
            ],
        );
        assert!(
            matches!(check.code, 0 | 1),
            "{name}: check could not run on the draft\n{}",
            check.transcript()
        );
        tried += 1;
    }
    assert!(tried > 20, "only {tried} fixtures");
}
