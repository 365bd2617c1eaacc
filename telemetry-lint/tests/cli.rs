//! Runs the built `cargo-telemetry-lint` on the fixture workspaces in `fixtures/lint-*`
//! and snapshots what it prints (human and JSON) with its exit code.
//!
//! Every run fixes the date (`--today`) and turns colour off (`NO_COLOR=1`), so the
//! snapshots are the same on every machine and every day.

mod common;

use std::path::Path;

use common::{Run, copy_fixture, fixture, run, run_in, run_with};

const TODAY: &str = "2026-11-21";

/// Checks a fixture in both formats, snapshots both, and returns the exit code and
/// the rule ids (or names, for diagnostics without a rule) of the JSON findings.
fn check_fixture(name: &str) -> (i32, Vec<String>) {
    let manifest_path = fixture(name).join("Cargo.toml");
    let manifest_path = manifest_path.to_str().expect("UTF-8 path");
    let human = run(&["--manifest-path", manifest_path, "--today", TODAY]);
    insta::assert_snapshot!(format!("{name}-human"), human.transcript());
    let json = run(&[
        "check",
        "--manifest-path",
        manifest_path,
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    insta::assert_snapshot!(format!("{name}-json"), json.transcript());
    assert_eq!(human.code, json.code, "both formats exit alike");
    let document = json.json();
    assert_eq!(document["version"], 1);
    let findings = document["findings"].as_array().expect("findings array");
    let ids: Vec<String> = findings
        .iter()
        .map(|f| {
            f["rule"]
                .as_str()
                .or_else(|| f["name"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let errors = findings.iter().filter(|f| f["level"] == "error").count();
    assert_eq!(document["summary"]["errors"], errors);
    (human.code, ids)
}

#[test]
fn clean_workspace_passes() {
    let (code, ids) = check_fixture("lint-clean");
    assert_eq!(code, 0);
    assert!(ids.is_empty(), "{ids:?}");
}

#[test]
fn undeclared_event_is_reported_with_the_closest_name() {
    let (code, ids) = check_fixture("lint-undeclared-event");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL001", "TL001", "TL015"]);
}

#[test]
fn declared_event_without_struct_is_reported() {
    let (code, ids) = check_fixture("lint-missing-event-struct");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL015"]);
}

#[test]
fn fields_drift_both_ways() {
    let (code, ids) = check_fixture("lint-field-drift");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL003", "TL002", "TL002"]);
}

#[test]
fn type_mismatches_point_at_both_files() {
    let (code, ids) = check_fixture("lint-type-mismatch");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL004", "TL004", "TL004"]);
    let json = run(&[
        "--manifest-path",
        fixture("lint-type-mismatch")
            .join("Cargo.toml")
            .to_str()
            .unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
    ])
    .json();
    let first = &json["findings"][0];
    assert_eq!(first["source"]["path"], "src/lib.rs");
    assert_eq!(first["source"]["line"], 15);
    assert_eq!(first["manifest"]["path"], "telemetry.yaml");
    assert_eq!(first["manifest"]["line"], 16);
}

#[test]
fn enum_variants_differ_from_values() {
    let (code, ids) = check_fixture("lint-enum-values");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL005"]);
}

#[test]
fn descriptions_that_repeat_the_name_are_warned() {
    let (code, ids) = check_fixture("lint-description-repeats-name");
    assert_eq!(code, 0, "a warning alone exits 0");
    // The event's description and two fields' only repeat their names; the
    // third field's says what is sent.
    assert_eq!(ids, ["TL035", "TL035", "TL035"]);
}

#[test]
fn the_privacy_budget_is_held_to_the_policy() {
    let (code, ids) = check_fixture("lint-privacy-budget");
    assert_eq!(code, 1);
    // `build_finished` sends `profile` without noise; `search_run` spends 2 × 4.
    assert_eq!(ids, ["TL039", "TL039"]);
}

#[test]
fn enum_variants_are_events() {
    let (code, ids) = check_fixture("lint-enum-events");
    assert_eq!(code, 1);
    // The undeclared path field of a struct variant, its rule, and the two
    // variants that cannot be checked: one wraps a struct that is not an event,
    // one holds unnamed fields. The variant that wraps an event struct, the unit
    // variant and the renamed variant match their declarations.
    assert_eq!(ids, ["TL002", "TL007", "TL012", "TL012"]);
}

#[test]
fn every_spelling_of_the_attribute_is_checked() {
    let (code, ids) = check_fixture("lint-attribute-spellings");
    assert_eq!(code, 1);
    // Behind `cfg_attr` (nested too), under a full path and under an imported
    // name: each struct's path field is found, and reported for its type.
    assert_eq!(ids, ["TL007", "TL007", "TL007", "TL007"]);
}

#[test]
fn forbidden_types_use_the_compiler_rules() {
    let (code, ids) = check_fixture("lint-forbidden-types");
    assert_eq!(code, 1);
    // The forbidden types in the code. The names that read as identifiers
    // (`query`, `config_path`, `peer`, `key`) are judged once the types are right.
    assert_eq!(ids, ["TL006", "TL007", "TL008", "TL009", "TL010", "TL011"]);
}

#[test]
fn unvetted_types_and_unsupported_shapes() {
    let (code, ids) = check_fixture("lint-unvetted-types");
    assert_eq!(code, 1);
    // `email` is declared an enum of address kinds and its name reads as an
    // address, but its type is not vetted yet: that is reported first.
    assert_eq!(ids, ["TL013", "TL013", "TL013", "TL012"]);
}

#[test]
fn policy_breaches_are_reported() {
    let (code, ids) = check_fixture("lint-policy-breaches");
    assert_eq!(code, 1);
    for rule in ["TL016", "TL017", "TL018", "TL019", "TL020"] {
        assert!(
            ids.iter().any(|id| id == rule),
            "{rule} missing from {ids:?}"
        );
    }
}

#[test]
fn expiry_depends_on_today() {
    let manifest_path = fixture("lint-policy-breaches").join("Cargo.toml");
    let before = run(&[
        "--manifest-path",
        manifest_path.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        "2025-12-31",
    ])
    .json();
    let rules: Vec<&str> = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"TL018"), "{rules:?}");
    let from_the_environment = run_with(
        None,
        &[
            "--manifest-path",
            manifest_path.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[("TELEMETRY_LINT_TODAY", "2026-01-01")],
    );
    assert!(from_the_environment.stdout.contains("TL018"));
    let bad = run(&[
        "--manifest-path",
        manifest_path.to_str().unwrap(),
        "--today",
        "soon",
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("invalid --today"), "{}", bad.stderr);
}

#[test]
fn malformed_manifest_cannot_run() {
    let (code, ids) = check_fixture("lint-malformed-manifest");
    assert_eq!(code, 2);
    assert_eq!(ids, ["invalid-manifest"]);
}

#[test]
fn unparseable_source_is_an_error_and_the_run_goes_on() {
    let (code, ids) = check_fixture("lint-unparseable-source");
    assert_eq!(code, 1);
    assert_eq!(ids, ["unparseable-source", "non-utf8-source"]);
}

#[test]
fn stale_data_dictionary_is_reported() {
    let (code, ids) = check_fixture("lint-stale-doc");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL021"]);
}

#[test]
fn missing_data_dictionary_needs_require_doc() {
    let manifest_path = fixture("lint-field-drift").join("Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();
    let plain = run(&[
        "--manifest-path",
        manifest_path,
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    assert!(!plain.stdout.contains("TL021"));
    let required = run(&[
        "check",
        "--require-doc",
        "--manifest-path",
        manifest_path,
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    assert!(required.stdout.contains("TL021"), "{}", required.stdout);
    assert!(required.stdout.contains("does not exist"));
}

#[test]
fn explicit_manifest_and_cargo_style_invocation() {
    let root = fixture("lint-clean");
    let manifest = root.join("telemetry.yaml");
    // As cargo runs it: `cargo-telemetry-lint telemetry-lint ...`, from inside the workspace.
    let result = run_in(
        &root.join("src"),
        &[
            "telemetry-lint",
            "check",
            "--manifest",
            manifest.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    );
    assert_eq!(result.code, 0, "{}", result.transcript());
    assert_eq!(
        result.stdout,
        "0 errors, 0 warnings in 2 events; checked telemetry.yaml against 2 event structs in 1 Rust file; TELEMETRY.md is current\n"
    );
}

#[test]
fn missing_workspace_or_manifest_cannot_run() {
    let missing = run(&["--manifest-path", "/nonexistent/Cargo.toml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot find the cargo workspace"),
        "{}",
        missing.stderr
    );
    let no_manifest = run(&[
        "--manifest-path",
        fixture("lint-clean").join("Cargo.toml").to_str().unwrap(),
        "--manifest",
        "/nonexistent/telemetry.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(no_manifest.code, 2);
    assert_eq!(
        no_manifest.json()["findings"][0]["name"],
        "invalid-manifest"
    );
}

#[test]
fn colour_is_opt_in_when_not_a_terminal() {
    let manifest_path = fixture("lint-enum-values").join("Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();
    let plain = run(&["--manifest-path", manifest_path, "--today", TODAY]);
    assert!(!plain.stdout.contains('\u{1b}'));
    let coloured = run(&[
        "--manifest-path",
        manifest_path,
        "--today",
        TODAY,
        "--color",
        "always",
    ]);
    assert!(coloured.stdout.contains('\u{1b}'));
    assert!(!coloured.stdout.contains("\u{1b}]8;"), "no hyperlinks");
}

#[test]
fn doc_matches_the_committed_data_dictionary() {
    let root = fixture("lint-clean");
    let manifest_path = root.join("Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();
    let check = run(&["--manifest-path", manifest_path, "doc", "--check"]);
    assert_eq!(check.code, 0, "{}", check.transcript());
    assert_eq!(check.stdout, "TELEMETRY.md is up to date\n");

    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("TELEMETRY.md");
    let written = run(&[
        "--manifest-path",
        manifest_path,
        "doc",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(written.code, 0, "{}", written.transcript());
    let committed = std::fs::read(root.join("TELEMETRY.md")).unwrap();
    assert_eq!(std::fs::read(&output).unwrap(), committed, "byte for byte");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn doc_check_on_a_stale_copy_fails_and_doc_repairs_it() {
    let dir = copy_fixture("lint-clean");
    let root = dir.path();
    let doc_path = root.join("TELEMETRY.md");
    let fresh = std::fs::read_to_string(&doc_path).unwrap();
    std::fs::write(&doc_path, fresh.replace("90 days", "60 days")).unwrap();
    let manifest_path = root.join("Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();

    let stale = run(&["--manifest-path", manifest_path, "doc", "--check"]);
    assert_eq!(stale.code, 1, "{}", stale.transcript());
    insta::assert_snapshot!("doc-check-stale", stale.transcript());
    assert_ne!(
        std::fs::read_to_string(&doc_path).unwrap(),
        fresh,
        "--check writes nothing"
    );

    let repaired = run(&["--manifest-path", manifest_path, "doc"]);
    assert_eq!(repaired.code, 0);
    assert_eq!(repaired.stdout, "wrote TELEMETRY.md\n");
    assert_eq!(std::fs::read_to_string(&doc_path).unwrap(), fresh);
    assert_eq!(
        run(&["--manifest-path", manifest_path, "doc", "--check"]).code,
        0
    );

    std::fs::remove_file(&doc_path).unwrap();
    // `--format json` would check TELEMETRY.json; SARIF reports on TELEMETRY.md.
    let missing = run(&[
        "--manifest-path",
        manifest_path,
        "doc",
        "--check",
        "--format",
        "sarif",
    ]);
    assert_eq!(missing.code, 1);
    let result = &missing.json()["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "TL021");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("`TELEMETRY.md` does not exist"),
        "{result}"
    );
}

#[test]
fn doc_html_renders_a_fixture_with_its_exceptions() {
    let manifest_path = fixture("lint-waivers").join("Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();
    let args = [
        "--manifest-path",
        manifest_path,
        "doc",
        "--format",
        "html",
        "--output",
        "-",
    ];
    let html = run(&args);
    assert_eq!(html.code, 0, "{}", html.transcript());
    assert!(
        html.stdout
            .contains("<h2 id=\"exceptions-heading\">Exceptions to the policy</h2>")
    );
    assert_eq!(
        run(&args).stdout,
        html.stdout,
        "the same bytes on every run"
    );
    // Self-contained: nothing is loaded from anywhere.
    for loads in [
        "<link",
        " src=",
        "@import",
        "url(",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(
            !html.stdout.contains(loads),
            "the page loads nothing: {loads}"
        );
    }
    assert!(html.stdout.contains("content=\"default-src 'none';"));
    insta::assert_snapshot!("doc-html-lint-waivers", html.stdout);
}

#[test]
fn doc_html_escapes_manifest_text_and_checks_its_file() {
    let dir = copy_fixture("lint-clean");
    let yaml = dir.path().join("telemetry.yaml");
    let hostile = "</script><img src=x onerror=alert(1)> & <!--";
    let text = std::fs::read_to_string(&yaml).unwrap();
    let edited = text.replacen(
        "description: A command ran to completion.",
        &format!("description: \"{hostile}\""),
        1,
    );
    assert_ne!(edited, text, "the edit applied");
    std::fs::write(&yaml, edited).unwrap();
    let manifest_path = dir.path().join("Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();

    let written = run(&["--manifest-path", manifest_path, "doc", "--format", "html"]);
    assert_eq!(written.code, 0, "{}", written.transcript());
    assert_eq!(written.stdout, "wrote TELEMETRY.html\n");
    let html = std::fs::read_to_string(dir.path().join("TELEMETRY.html")).unwrap();
    assert!(!html.contains("<img"), "no element from manifest text");
    assert!(html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &lt;!--"));
    // The search index holds the text, lower-cased, with `<`, `>`, `&` escaped.
    assert!(html.contains(
        "\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e \\u0026 \\u003c!--"
    ));
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "only our two script elements end"
    );

    let check = [
        "--manifest-path",
        manifest_path,
        "doc",
        "--format",
        "html",
        "--check",
    ];
    let current = run(&check);
    assert_eq!(current.code, 0, "{}", current.transcript());
    assert_eq!(current.stdout, "TELEMETRY.html is up to date\n");
    std::fs::write(
        dir.path().join("TELEMETRY.html"),
        html.replace("90 days", "60 days"),
    )
    .unwrap();
    let stale = run(&check);
    assert_eq!(stale.code, 1, "{}", stale.transcript());
    assert!(
        stale.stdout.contains("TL021 stale-data-dictionary"),
        "{}",
        stale.stdout
    );
    assert!(
        stale
            .stdout
            .contains("run `cargo telemetry-lint doc --format html` and commit the result"),
        "{}",
        stale.stdout
    );
}

#[test]
fn explain_prints_the_rule_table_entry() {
    let by_id = run(&["explain", "TL007"]);
    assert_eq!(by_id.code, 0);
    assert_eq!(
        by_id.stdout,
        telemetry_manifest::rules::render_rule(telemetry_manifest::rules::PATH_FIELD)
    );
    let by_name = run(&["explain", "path-field"]);
    assert_eq!(by_name.stdout, by_id.stdout);
    let unknown = run(&["explain", "TL999"]);
    assert_eq!(unknown.code, 2);
    insta::assert_snapshot!("explain-unknown", unknown.transcript());
}

#[test]
fn help_is_snapshotted() {
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    insta::assert_snapshot!("help", help.stdout);
    let check_help = run(&["check", "--help"]);
    assert_eq!(check_help.code, 0);
    insta::assert_snapshot!("check-help", check_help.stdout);
    let cargo_style = run(&["telemetry-lint", "--help"]);
    assert_eq!(cargo_style.stdout, help.stdout);
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(run(&["--format", "xml"]).code, 2);
    assert_eq!(run(&["init"]).code, 2, "init needs a selector");
    assert_eq!(run(&["doc", "--require-doc"]).code, 2);
    assert_eq!(run(&["--require-doc", "doc"]).code, 2);
}

#[test]
fn build_output_ignored_files_and_nested_packages_are_not_scanned() {
    let dir = copy_fixture("lint-clean");
    let root = dir.path();
    for sub in ["target/debug", "generated", "vendor/other/src"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let stray = "#[telemetry_event]\npub struct Stray { pub path: String }\n";
    std::fs::write(root.join("target/debug/out.rs"), stray).unwrap();
    std::fs::write(root.join("generated/out.rs"), stray).unwrap();
    std::fs::write(root.join(".gitignore"), "/generated\n").unwrap();
    std::fs::write(
        root.join("vendor/other/Cargo.toml"),
        "[package]\nname = \"other\"\n",
    )
    .unwrap();
    std::fs::write(root.join("vendor/other/src/lib.rs"), stray).unwrap();
    let result = run(&[
        "--manifest-path",
        root.join("Cargo.toml").to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(result.code, 0, "{}", result.transcript());

    // The same stray struct in the member's own sources is found.
    std::fs::write(root.join("src/stray.rs"), stray).unwrap();
    let found = run(&[
        "--manifest-path",
        root.join("Cargo.toml").to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    assert_eq!(found.code, 1);
    let rules: Vec<String> = found.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(rules, ["TL001", "TL006"]);
}

/// The messages of a JSON report's findings of one rule.
fn messages(run: &Run, rule: &str) -> Vec<String> {
    run.json()["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn check_json(manifest_path: &Path, today: &str) -> Run {
    run(&[
        "--manifest-path",
        manifest_path.to_str().expect("UTF-8 path"),
        "--today",
        today,
        "--format",
        "json",
    ])
}

#[test]
fn fingerprinting_risk_counts_the_combinations() {
    let (code, ids) = check_fixture("lint-fingerprinting-risk");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL022", "TL022"]);
    let json = check_json(
        &fixture("lint-fingerprinting-risk").join("Cargo.toml"),
        TODAY,
    );
    let found = messages(&json, "TL022");
    assert_eq!(
        found[0],
        "event `editor_configured` can take 16,777,216 distinct value combinations, more than the 10,000 that the policy's `max_combinations` allows: `theme` (64 values), `accent` (64 values), `background` (64 values), `foreground` (64 values)"
    );
    // A count's `max` bounds it, but a large one still multiplies the combinations.
    assert!(
        found[1].contains("`search_run` can take 70,007 distinct value combinations")
            && found[1].contains("`results` (10,001 values)"),
        "{found:?}"
    );
}

#[test]
fn identifier_like_numbers_are_flagged() {
    let (code, ids) = check_fixture("lint-identifier-like-field");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL023", "TL023"]);
    let json = check_json(
        &fixture("lint-identifier-like-field").join("Cargo.toml"),
        TODAY,
    )
    .json();
    let fields: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    // Numbers named after an identity, `Option` or not. A flag
    // (`config_path`), a kind and a count cannot carry an identifier whatever
    // their names; `user_count` and `has_email` state facts.
    assert_eq!(fields, ["user_id", "node_id"]);
    assert_eq!(
        json["findings"][0]["message"],
        "field `user_id` of event `command_finished` is a number whose name says it holds an identifier"
    );
}

#[test]
fn category_implied_by_the_name_is_enforced() {
    let (code, ids) = check_fixture("lint-category-understated");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL024", "TL024", "TL024"]);
    let json = check_json(
        &fixture("lint-category-understated").join("Cargo.toml"),
        TODAY,
    );
    let found = messages(&json, "TL024");
    assert!(found[0].contains("`file_count`") && found[0].ends_with("`stored_content` data"));
    assert!(found[1].contains("`project_size`"));
    assert!(found[2].contains("`gender`") && found[2].ends_with("`highly_sensitive` data"));
}

#[test]
fn expiry_horizon_and_never_are_enforced() {
    let (code, ids) = check_fixture("lint-expiry-horizon");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL025", "TL026"]);
    let manifest_path = fixture("lint-expiry-horizon").join("Cargo.toml");
    // `update_checked` expires 2028-11-20: exactly 730 days after 2026-11-21, one
    // day too many after 2026-11-20 (2028 has a 29 February).
    let day_before = check_json(&manifest_path, "2026-11-20");
    let events: Vec<String> = day_before.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "TL025")
        .map(|f| f["event"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(events, ["command_finished", "update_checked"]);
    assert!(
        messages(&day_before, "TL025")[1].contains("731 days after today (2026-11-20)"),
        "{}",
        day_before.stdout
    );
}

#[test]
fn too_many_events_is_a_warning_only() {
    let (code, ids) = check_fixture("lint-too-many-events");
    assert_eq!(code, 0, "a warning does not fail the check");
    assert_eq!(ids, ["TL027"]);
    let json = check_json(&fixture("lint-too-many-events").join("Cargo.toml"), TODAY).json();
    assert_eq!(json["findings"][0]["level"], "warning");
    assert_eq!(json["summary"]["warnings"], 1);
}

#[test]
fn waivers_suppress_their_findings_and_are_published() {
    let (code, ids) = check_fixture("lint-waivers");
    assert_eq!(code, 0);
    assert!(ids.is_empty(), "{ids:?}");
    let manifest_path = fixture("lint-waivers").join("Cargo.toml");
    let human = run(&[
        "--manifest-path",
        manifest_path.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert!(
        human
            .stdout
            .contains("; 3 findings waived; TELEMETRY.md is current"),
        "{}",
        human.stdout
    );
    let doc = run(&[
        "--manifest-path",
        manifest_path.to_str().unwrap(),
        "doc",
        "--check",
    ]);
    assert_eq!(doc.code, 0, "{}", doc.transcript());
    let published = std::fs::read_to_string(fixture("lint-waivers").join("TELEMETRY.md")).unwrap();
    assert!(published.contains("\n## Exceptions to the policy\n"));
    assert!(published.contains(
        "| [`account_synced`](#account_synced) | `user_id` | TL023 `identifier-like-field` | the number is the account's position on the machine"
    ));

    // Without its waiver, the finding comes back.
    let copy = copy_fixture("lint-waivers");
    let yaml = copy.path().join("telemetry.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let start = text
        .find("        waivers:\n          - rule: TL023")
        .unwrap();
    let end = text[start..].find("      file_count:").unwrap() + start;
    std::fs::write(&yaml, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let unwaived = check_json(&copy.path().join("Cargo.toml"), TODAY);
    assert_eq!(unwaived.code, 1);
    let rules: Vec<String> = unwaived.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect();
    // The finding, and the data dictionary that still lists the waiver.
    assert_eq!(rules, ["TL021", "TL023"]);
}

#[test]
fn unused_waivers_are_findings() {
    let (code, ids) = check_fixture("lint-unused-waiver");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL029", "TL029"]);
}

#[test]
fn compiler_enforced_rules_cannot_be_waived() {
    let (code, ids) = check_fixture("lint-invalid-waiver");
    assert_eq!(code, 1);
    // The forbidden type stays reported; the name the refused waivers meant to
    // excuse is judged once the type is right.
    assert_eq!(ids, ["TL006", "TL028", "TL028", "TL028", "TL028"]);
    let json = check_json(&fixture("lint-invalid-waiver").join("Cargo.toml"), TODAY);
    let refused = messages(&json, "TL028");
    assert!(
        refused.iter().any(|m| m
            == "the waiver on field `query` of event `search_run` names TL006 free-text-field, which cannot be waived: the compiler enforces it, so no exception can be granted"),
        "{refused:#?}"
    );
    assert!(
        refused
            .iter()
            .any(|m| m.contains("is a placeholder: `TODO`"))
    );
    assert!(
        refused
            .iter()
            .any(|m| m.contains("`TL099`, which is not a rule"))
    );
    assert!(
        refused
            .iter()
            .any(|m| m.contains("which is waived on fields only"))
    );
}

#[test]
fn a_shared_policy_file_sets_the_policy() {
    let (code, ids) = check_fixture("lint-policy-file");
    assert_eq!(code, 1);
    // No TL016 for the missing `since` and field descriptions: the shared policy
    // does not require them. Its limits apply: 180 days, 100 combinations, 2 events.
    assert_eq!(ids, ["TL022", "TL027", "TL019"]);
    let json = check_json(&fixture("lint-policy-file").join("Cargo.toml"), TODAY);
    assert!(
        messages(&json, "TL022")[0].contains(
            "more than the 100 that the policy's `max_combinations` in `../shared-policy/telemetry-policy.yaml` allows"
        ),
        "{}",
        json.stdout
    );
}

#[test]
fn a_broken_policy_file_cannot_run_and_is_shown() {
    let (code, ids) = check_fixture("lint-policy-file-invalid");
    assert_eq!(code, 2);
    assert_eq!(ids, ["invalid-policy-file"]);
    let json = check_json(
        &fixture("lint-policy-file-invalid").join("Cargo.toml"),
        TODAY,
    )
    .json();
    let finding = &json["findings"][0];
    assert_eq!(
        finding["source"]["path"],
        "policy/invalid-telemetry-policy.yaml"
    );
    assert_eq!(finding["source"]["line"], 3);
    assert_eq!(finding["manifest"]["path"], "telemetry.yaml");
    assert_eq!(finding["manifest"]["line"], 8);
}

#[test]
fn policy_file_must_be_alone_relative_and_yaml() {
    let copy = copy_fixture("lint-policy-file-invalid");
    let yaml = copy.path().join("telemetry.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let manifest_path = copy.path().join("Cargo.toml");
    for (policy_file, extra, expected) in [
        (
            "policy/invalid-telemetry-policy.yaml",
            "policy:\n  max_events: 5\n",
            "both a `policy` section and `policy_file",
        ),
        (
            "/etc/passwd.yaml",
            "",
            "is not a relative path to a `.yaml` or `.yml` file",
        ),
        (
            "../../.ssh/id_rsa",
            "",
            "is not a relative path to a `.yaml` or `.yml` file",
        ),
        ("policy/missing.yaml", "", "cannot read the policy file"),
    ] {
        let changed = text.replace(
            "policy_file: policy/invalid-telemetry-policy.yaml\n",
            &format!("policy_file: {policy_file}\n{extra}"),
        );
        std::fs::write(&yaml, changed).unwrap();
        let result = check_json(&manifest_path, TODAY);
        assert_eq!(result.code, 2, "{}", result.stdout);
        let finding = &result.json()["findings"][0];
        assert_eq!(finding["name"], "invalid-policy-file");
        assert!(
            finding["message"].as_str().unwrap().contains(expected),
            "{policy_file}: {}",
            finding["message"]
        );
    }
}

#[test]
fn field_groups_embedded_in_events_pass() {
    let (code, ids) = check_fixture("lint-groups");
    assert_eq!(code, 0);
    assert!(ids.is_empty(), "{ids:?}");
}

#[test]
fn field_groups_drift_both_ways() {
    let (code, ids) = check_fixture("lint-group-drift");
    assert_eq!(code, 1);
    let mut ids = ids;
    ids.sort();
    assert_eq!(
        ids,
        [
            "TL002", "TL003", "TL007", "TL030", "TL031", "TL032", "TL032", "TL033", "TL034"
        ]
    );
}

#[test]
fn missing_governance_answers_are_findings() {
    let (code, ids) = check_fixture("lint-missing-governance");
    assert_eq!(code, 1);
    assert_eq!(ids, ["TL044", "TL044"]);
}

#[test]
fn governance_answers_are_held_to_the_policy() {
    let (code, ids) = check_fixture("lint-governance-breaches");
    assert_eq!(code, 1);
    assert_eq!(
        ids,
        ["TL044", "TL017", "TL017", "TL046", "TL045", "TL017"],
        "a missing `encryption.at_rest`, placeholders, an incident contact that is no address, data sold"
    );
}
