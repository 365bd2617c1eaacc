//! Release artefacts: the JSON data dictionary (`doc --format json`) and the payload
//! schema (`schema`) of the example program in `examples/acme`, records checked
//! against that schema, and findings as SARIF (checked against the SARIF 2.1.0
//! schema) and as GitHub Actions annotations.
//!
//! The SARIF 2.1.0 JSON Schema (OASIS, draft-07) comes in through cargo at test
//! time: `fixtures/real-sarif-schema` pins serde-sarif 0.8.0, whose published source
//! carries the schema as `src/schema.json`, and `cargo metadata` downloads it. That
//! revision's `language` pattern (of `run` and `toolComponent`) is not a valid
//! regular expression, so the test applies OASIS's later correction,
//! `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`, before compiling it. Formats (`uri`,
//! `uri-reference`, `date-time`) are validated.

mod common;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use common::{Run, copy_fixture, fixture, registry_crate_dir, root, run};

const TODAY: &str = "2026-11-21";

fn example() -> PathBuf {
    root().join("examples/acme/Cargo.toml")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

// ---------------------------------------------------------------------------
// The JSON data dictionary

#[test]
fn json_data_dictionary_of_the_example() {
    let manifest_path = example();
    let manifest_path = path_str(&manifest_path);
    let printed = run(&[
        "doc",
        "--manifest-path",
        manifest_path,
        "--format",
        "json",
        "--output",
        "-",
    ]);
    assert_eq!(printed.code, 0, "{}", printed.transcript());
    insta::assert_snapshot!("acme-doc-json", printed.stdout);
    let doc = printed.json();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["project"]["consent"], "opt-out");
    let events: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let mut sorted = events.clone();
    sorted.sort_unstable();
    assert_eq!(events, sorted, "events sorted by name");
    assert_eq!(events.len(), 6);
    let tests = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "tests_finished")
        .unwrap();
    assert_eq!(tests["retention_days"], 30);
    assert_eq!(tests["retention_is_default"], false);
    // A bucketed count: its labels are the values, its bounds the buckets.
    let failed = &tests["fields"][1];
    assert_eq!(failed["name"], "failed");
    assert_eq!(failed["max"], Value::Null);
    assert_eq!(failed["values"], json!(["<1", "1-5", "5-20", ">=20"]));
    assert_eq!(
        failed["buckets"],
        json!({"unit": "count", "bounds": [1, 5, 20]})
    );
    let passed = &tests["fields"][2];
    assert_eq!(passed["name"], "passed");
    assert_eq!(passed["max"], 100);
    assert_eq!(passed["values"], Value::Null);

    // Written to a file: the same bytes, atomically, and `--check` agrees.
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("TELEMETRY.json");
    let output = path_str(&output);
    let written = run(&[
        "doc",
        "--manifest-path",
        manifest_path,
        "--format",
        "json",
        "--output",
        output,
    ]);
    assert_eq!(written.code, 0, "{}", written.transcript());
    assert_eq!(written.json()["findings"], json!([]));
    assert_eq!(std::fs::read_to_string(output).unwrap(), printed.stdout);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    let check = |format: &str| {
        run(&[
            "doc",
            "--manifest-path",
            manifest_path,
            "--format",
            format,
            "--check",
            "--output",
            output,
        ])
    };
    assert_eq!(check("json").code, 0, "{}", check("json").transcript());
    // The Markdown document is not the JSON one.
    assert_eq!(check("human").code, 1);

    std::fs::write(
        output,
        printed
            .stdout
            .replace("\"retention_days\": 30", "\"retention_days\": 45"),
    )
    .unwrap();
    let stale = check("json");
    assert_eq!(stale.code, 1, "{}", stale.transcript());
    let finding = &stale.json()["findings"][0];
    assert_eq!(finding["rule"], "TL021");
    assert!(
        finding["help"]
            .as_str()
            .unwrap()
            .contains("doc --format json"),
        "{finding}"
    );
}

// ---------------------------------------------------------------------------
// The payload schema

fn example_schema() -> Value {
    let manifest_path = example();
    let printed = run(&["schema", "--manifest-path", path_str(&manifest_path)]);
    assert_eq!(printed.code, 0, "{}", printed.transcript());
    printed.json()
}

#[test]
fn payload_schema_of_the_example() {
    let manifest_path = example();
    let printed = run(&["schema", "--manifest-path", path_str(&manifest_path)]);
    assert_eq!(printed.code, 0, "{}", printed.transcript());
    insta::assert_snapshot!("acme-payload-schema", printed.stdout);
    let schema = printed.json();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::meta::validate(&schema).expect("a valid draft 2020-12 schema");
    let refs: Vec<&str> = schema["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), 6);
    for r in refs {
        let name = r.strip_prefix("#/$defs/").unwrap();
        assert_eq!(schema["$defs"][name]["properties"]["event"]["const"], name);
        assert_eq!(
            schema["$defs"][name]["properties"]["fields"]["additionalProperties"],
            false
        );
    }

    // Written to a file atomically; `--check` compares it.
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("payload.schema.json");
    let args = |extra: &[&str]| {
        let mut args = vec![
            "schema",
            "--manifest-path",
            path_str(&manifest_path),
            "--output",
            path_str(&output),
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let missing = args(&["--check"]);
    assert_eq!(missing.code, 1, "{}", missing.transcript());
    assert!(
        missing.stdout.contains("stale-schema"),
        "{}",
        missing.stdout
    );
    assert_eq!(args(&[]).code, 0);
    assert_eq!(std::fs::read_to_string(&output).unwrap(), printed.stdout);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert_eq!(args(&["--check"]).code, 0);
}

/// Every record the example may send, built by hand from its manifest: for each
/// event, records that take every declared value of every field in turn (counts at
/// 0, 1 and their maximum), a record with every field `null`, and a summary record.
fn example_records() -> Vec<Value> {
    let loaded = telemetry_manifest::load_path(&root().join("examples/acme/telemetry.yaml"))
        .expect("readable");
    let manifest = loaded.manifest.expect("parses");
    let (valid, findings) = telemetry_manifest::validate(&manifest);
    assert!(findings.is_empty(), "{findings:?}");
    let context = json!({
        "program_version": "0.1",
        "os_family": "linux",
        "arch": "x86_64",
        "hour": "2026-11-21T14:00:00Z",
        "session_id": "0123456789abcdef0123456789abcdef",
    });
    let mut records = Vec::new();
    for event in &valid.events {
        let fields = event.all_fields(&valid);
        let choices: Vec<(String, Vec<Value>)> = fields
            .iter()
            .map(|f| {
                let values = match f.ty.value {
                    telemetry_manifest::FieldType::Bool => vec![json!(true), json!(false)],
                    // A bucketed count sends its bucket labels, like any bucket field.
                    telemetry_manifest::FieldType::Count if f.bounds.is_empty() => {
                        vec![json!(0), json!(1), json!(f.max.unwrap_or(1_000_000))]
                    }
                    telemetry_manifest::FieldType::Version => vec![json!("0.1"), json!("12.34")],
                    _ => f.possible_values().into_iter().map(Value::from).collect(),
                };
                (f.name.value.clone(), values)
            })
            .collect();
        let rounds = choices.iter().map(|(_, v)| v.len()).max().unwrap_or(1);
        for round in 0..rounds {
            let fields: serde_json::Map<String, Value> = choices
                .iter()
                .map(|(name, values)| (name.clone(), values[round % values.len()].clone()))
                .collect();
            records.push(json!({"event": event.name.value, "fields": fields, "context": context}));
        }
        let nulls: serde_json::Map<String, Value> = choices
            .iter()
            .map(|(name, _)| (name.clone(), Value::Null))
            .collect();
        records.push(json!({"event": event.name.value, "fields": nulls, "context": context}));
        let first: serde_json::Map<String, Value> = choices
            .iter()
            .map(|(name, values)| (name.clone(), values[0].clone()))
            .collect();
        records.push(
            json!({"event": event.name.value, "fields": first, "context": context, "count": 3}),
        );
    }
    records
}

#[test]
fn every_example_record_validates_and_tampered_ones_do_not() {
    let schema = example_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let records = example_records();
    assert!(records.len() > 30, "{}", records.len());
    for record in &records {
        let errors: Vec<String> = validator
            .iter_errors(record)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{record}\n{errors:#?}");
    }

    let build = records
        .iter()
        .find(|r| r["event"] == "build_finished")
        .unwrap()
        .clone();
    let tamper = |f: &dyn Fn(&mut Value)| {
        let mut record = build.clone();
        f(&mut record);
        record
    };
    let tampered = [
        (
            "an undeclared field",
            tamper(&|r| r["fields"]["path"] = json!("/home/me")),
        ),
        (
            "a missing field",
            tamper(&|r| {
                r["fields"].as_object_mut().unwrap().remove("profile");
            }),
        ),
        (
            "an undeclared enum value",
            tamper(&|r| r["fields"]["profile"] = json!("bench")),
        ),
        (
            "a count over its max",
            tamper(&|r| r["fields"]["targets"] = json!(21)),
        ),
        (
            "a negative count",
            tamper(&|r| r["fields"]["targets"] = json!(-1)),
        ),
        (
            "a raw duration",
            tamper(&|r| r["fields"]["duration"] = json!(1234)),
        ),
        (
            "an unknown bucket label",
            tamper(&|r| r["fields"]["duration"] = json!("1s-2s")),
        ),
        (
            "an undeclared event",
            tamper(&|r| r["event"] = json!("build_started")),
        ),
        (
            "a context key not listed",
            tamper(&|r| r["context"]["hostname"] = json!("box")),
        ),
        (
            "a missing context",
            tamper(&|r| {
                r.as_object_mut().unwrap().remove("context");
            }),
        ),
        (
            "an exact time",
            tamper(&|r| r["context"]["hour"] = json!("2026-11-21T14:07:00Z")),
        ),
        (
            "a patch version",
            tamper(&|r| r["context"]["program_version"] = json!("0.1.2")),
        ),
        (
            "a session id of the wrong form",
            tamper(&|r| r["context"]["session_id"] = json!("ABC")),
        ),
        ("a zero count", tamper(&|r| r["count"] = json!(0))),
        (
            "a key beside event, fields and context",
            tamper(&|r| r["user"] = json!("me")),
        ),
    ];
    for (what, record) in tampered {
        assert!(!validator.is_valid(&record), "{what} passed: {record}");
    }

    // Each event's definition stands alone too.
    let mut single = schema.clone();
    single.as_object_mut().unwrap().remove("oneOf");
    single["$ref"] = json!("#/$defs/tests_finished");
    let tests_only = jsonschema::validator_for(&single).unwrap();
    let tests_record = records
        .iter()
        .find(|r| r["event"] == "tests_finished")
        .unwrap();
    assert!(tests_only.is_valid(tests_record));
    assert!(!tests_only.is_valid(&build));
}

// ---------------------------------------------------------------------------
// SARIF and GitHub annotations

/// The OASIS SARIF 2.1.0 schema as published in serde-sarif 0.8.0, found through
/// `cargo metadata` on `fixtures/real-sarif-schema`.
fn sarif_schema_text() -> String {
    let fixture_manifest = fixture("real-sarif-schema").join("Cargo.toml");
    let path =
        registry_crate_dir(&fixture_manifest, "serde-sarif", "0.8.0").join("src/schema.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn sarif_validator() -> jsonschema::Validator {
    const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const OASIS_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";
    let mut schema: Value =
        serde_json::from_str(&sarif_schema_text()).expect("the SARIF schema is JSON");
    let mut corrected = 0;
    for owner in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][owner]["properties"]["language"]["pattern"];
        assert_eq!(pattern.as_str(), Some(BROKEN_LANGUAGE_PATTERN), "{owner}");
        *pattern = json!(OASIS_LANGUAGE_PATTERN);
        corrected += 1;
    }
    assert_eq!(corrected, 2);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn check_fixture(name: &str, format: &str, extra: &[&str]) -> Run {
    let manifest_path = fixture(name).join("Cargo.toml");
    let mut args = vec![
        "check",
        "--manifest-path",
        path_str(&manifest_path),
        "--today",
        TODAY,
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");
}

#[test]
fn sarif_of_findings_is_valid_sarif_2_1_0() {
    let validator = sarif_validator();
    let mismatch = check_fixture("lint-type-mismatch", "sarif", &[]);
    assert_eq!(
        mismatch.code, 1,
        "the exit code does not depend on the format"
    );
    let log = mismatch.json();
    assert_valid_sarif(&validator, &log);
    assert_eq!(log["version"], "2.1.0");
    let the_run = &log["runs"][0];
    let rules = the_run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), telemetry_manifest::RULES.len());
    for (rule, expected) in rules.iter().zip(telemetry_manifest::RULES) {
        assert_eq!(rule["id"], expected.id);
        assert_eq!(rule["name"], expected.name);
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            expected.level.as_str()
        );
        let anchor = format!("#{}-{}", expected.id.to_lowercase(), expected.name);
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("docs/rules.md{anchor}")),
            "{}",
            rule["helpUri"]
        );
    }
    // The anchors exist in docs/rules.md.
    let rules_md = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert!(rules_md.contains("## TL004 `field-type-mismatch`"));
    // Only the fixture's own rule is snapshotted, so that new rules firing on the
    // same fixture do not change the snapshot.
    let mismatches: Vec<&Value> = the_run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "TL004")
        .collect();
    assert_eq!(mismatches.len(), 3);
    insta::assert_snapshot!(
        "lint-type-mismatch-sarif-results",
        serde_json::to_string_pretty(&mismatches).unwrap()
    );
    for result in the_run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }

    // Findings of every kind: Rust and manifest locations, warnings, rule-less ones.
    for (fixture, extra) in [
        ("lint-forbidden-types", &[][..]),
        ("lint-policy-breaches", &[][..]),
        ("lint-unparseable-source", &[][..]),
        ("lint-malformed-manifest", &[][..]),
        ("lint-field-drift", &["--require-doc"][..]),
        ("lint-clean", &[][..]),
    ] {
        let log = check_fixture(fixture, "sarif", extra).json();
        assert_valid_sarif(&validator, &log);
        for result in log["runs"][0]["results"].as_array().unwrap() {
            let locations = result["locations"].as_array().unwrap();
            assert!(
                !locations.is_empty(),
                "{fixture}: code scanning needs a location: {result}"
            );
            let uri = locations[0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(
                !uri.starts_with('/') && !uri.contains(":/"),
                "{fixture}: {uri} is not relative"
            );
        }
    }

    // `init` prints SARIF too.
    let init = run(&[
        "init",
        "--all-structs",
        "--dry-run",
        "--format",
        "sarif",
        path_str(&fixture("init-all-structs")),
    ]);
    assert_valid_sarif(&validator, &init.json());
}

#[test]
fn the_sarif_schema_rejects_a_broken_log() {
    let validator = sarif_validator();
    let log = check_fixture("lint-type-mismatch", "sarif", &[]).json();
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!validator.is_valid(&bad_level));
    let mut no_version = log.clone();
    no_version.as_object_mut().unwrap().remove("version");
    assert!(!validator.is_valid(&no_version));
    let mut bad_line = log;
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert!(!validator.is_valid(&bad_line));
}

#[test]
fn github_annotations() {
    let run = check_fixture("lint-type-mismatch", "github", &[]);
    assert_eq!(run.code, 1);
    // Only the fixture's own rule is snapshotted (see the SARIF test).
    let mismatches: String = run
        .stdout
        .lines()
        .filter(|l| l.contains(",title=TL004 "))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("lint-type-mismatch-github", mismatches);
    for line in run.stdout.lines().filter(|l| l.contains(",title=TL004 ")) {
        assert!(line.starts_with("::error file=src/lib.rs,line="), "{line}");
    }
    let mut lines = run.stdout.lines().peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_none() {
            assert!(line.contains(" errors, "), "the summary comes last: {line}");
        } else {
            assert!(line.starts_with("::error file="), "{line}");
            assert!(line.contains(",title=TL"), "{line}");
        }
    }

    // A finding without a place in a file is put on the manifest.
    let drift = check_fixture("lint-field-drift", "github", &["--require-doc"]);
    let missing_doc = drift
        .stdout
        .lines()
        .find(|l| l.contains("TL021"))
        .expect("a TL021 annotation");
    assert!(
        missing_doc.starts_with("::error file=telemetry.yaml,title=TL021 stale-data-dictionary::"),
        "{missing_doc}"
    );

    // Warnings alone (more events than the policy recommends) exit 0.
    let warnings = check_fixture("lint-too-many-events", "github", &[]);
    assert_eq!(warnings.code, 0);
    assert!(
        warnings.stdout.starts_with("::warning file="),
        "{}",
        warnings.stdout
    );
}

#[test]
fn markdown_is_not_a_check_format() {
    let run = check_fixture("lint-clean", "markdown", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not print"), "{}", run.stderr);
}

#[test]
fn doc_json_defaults_to_telemetry_json_at_the_workspace_root() {
    let source = fixture("lint-clean");
    let dir = copy_fixture("lint-clean");
    let manifest_path = dir.path().join("Cargo.toml");
    let manifest_path = path_str(&manifest_path);
    let written = run(&["doc", "--manifest-path", manifest_path, "--format", "json"]);
    assert_eq!(written.code, 0, "{}", written.transcript());
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("TELEMETRY.json")).unwrap()).unwrap();
    assert_eq!(json["project"]["name"], "acme");
    assert_eq!(json["manifest"], "telemetry.yaml");
    assert_eq!(
        std::fs::read(dir.path().join("TELEMETRY.md")).unwrap(),
        std::fs::read(source.join("TELEMETRY.md")).unwrap(),
        "TELEMETRY.md is left alone"
    );
    let check = run(&[
        "doc",
        "--manifest-path",
        manifest_path,
        "--format",
        "json",
        "--check",
    ]);
    assert_eq!(check.code, 0, "{}", check.transcript());
    let no_file = run(&[
        "doc",
        "--manifest-path",
        manifest_path,
        "--check",
        "--output",
        "-",
    ]);
    assert_eq!(no_file.code, 2, "{}", no_file.transcript());
}

#[test]
fn init_prints_annotations_too() {
    let init = run(&[
        "init",
        "--all-structs",
        "--dry-run",
        "--format",
        "github",
        path_str(&fixture("init-all-structs")),
    ]);
    assert!(!init.stdout.is_empty(), "{}", init.transcript());
    for line in init.stdout.lines() {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
    }
}
