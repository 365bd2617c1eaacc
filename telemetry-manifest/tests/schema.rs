//! The JSON Schema of the manifest, `schemas/telemetry-manifest.schema.json`, checked
//! against the manifests in the repository and against the Rust model.
//!
//! # Which files are checked
//!
//! The test walks the whole workspace, so a manifest added later (an example's or a
//! fixture's `telemetry.yaml`) is checked without being listed here. A file is a
//! manifest when it is named `telemetry.yaml`, when it is a `*.yaml` file directly
//! inside a folder named `manifests`, or when it is a `*.yaml` file that names the
//! schema in a `# yaml-language-server: $schema=...` comment.
//!
//! Manifests that are broken on purpose are skipped: any file whose name contains
//! `invalid`, anything under a folder whose name contains `malformed` (`malformed/`,
//! `fixtures/lint-malformed-manifest/`), and everything under `fixtures/hostile/`.
//! `target/` folders and hidden folders (`.git/`) are never entered.
//! `fixtures/manifests/README.md` states the same convention for fixture authors.
//!
//! A manifest that must be called `telemetry.yaml` in a folder of its own, yet is
//! broken on purpose in part, is listed in [`PARTLY_BROKEN`] with the reason; it
//! must still load, but is not held to the schema.
//!
//! The skipped manifests in `fixtures/manifests/malformed/` are checked the other
//! way round: the loader and the schema must both reject each of them.

use std::path::{Path, PathBuf};

use jsonschema::Validator;
use serde_json::Value;
use telemetry_manifest::{Category, FieldType, Finding, load_path, rules, validate};
use walkdir::WalkDir;

const SCHEMA_PATH: &str = "schemas/telemetry-manifest.schema.json";

/// Manifests that cannot follow the naming convention but are broken on purpose in
/// part, relative to the workspace root, with the reason.
const PARTLY_BROKEN: &[(&str, &str)] = &[(
    "telemetry-core/tests/ui/telemetry.yaml",
    "the compile-fail suite's one manifest, found by its name, declares the broken \
     event `bad_buckets` so that `invalid_field_parameters` can show the compiler error",
)];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lies inside the workspace")
        .to_path_buf()
}

fn schema() -> Value {
    let path = workspace_root().join(SCHEMA_PATH);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{SCHEMA_PATH} is not JSON: {e}"))
}

fn validator() -> Validator {
    jsonschema::draft202012::new(&schema())
        .unwrap_or_else(|e| panic!("{SCHEMA_PATH} does not compile: {e}"))
}

/// Whether a folder is never entered: build output, hidden folders, hostile inputs
/// and manifests that are malformed on purpose.
fn is_skipped_dir(root: &Path, dir: &Path) -> bool {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    dir != root
        && (name == "target"
            || name.starts_with('.')
            || name.contains("malformed")
            || dir == root.join("fixtures").join("hostile")
            // Generated locally by fuzz/seed.sh and the fuzzer; ignored by git.
            || dir == root.join("fuzz").join("corpus")
            || dir == root.join("fuzz").join("artifacts"))
}

/// Whether a file is a manifest that must match the schema (see the module docs).
fn is_checked_manifest(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if !name.ends_with(".yaml") || name.contains("invalid") {
        return false;
    }
    if name == "telemetry.yaml" {
        return true;
    }
    let in_manifests = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|parent| parent == "manifests");
    in_manifests || names_the_schema(path)
}

fn names_the_schema(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| {
        text.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with('#')
                && line.contains("yaml-language-server:")
                && line.contains("telemetry-manifest.schema.json")
        })
    })
}

/// Whether a YAML file is named or placed as broken on purpose.
fn is_broken_on_purpose(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "yaml")
        && (path
            .components()
            .any(|c| c.as_os_str().to_string_lossy().contains("malformed"))
            || path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains("invalid")))
}

/// Every manifest in the workspace that is broken on purpose, outside
/// `fixtures/hostile/`, sorted.
fn find_broken_manifests(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = WalkDir::new(root)
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !(entry.file_type().is_dir()
                && entry.path() != root
                && (name == "target"
                    || name.starts_with('.')
                    || entry.path() == root.join("fixtures").join("hostile")))
        })
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .filter(|path| path.strip_prefix(root).is_ok_and(is_broken_on_purpose))
        .collect();
    found.sort();
    found
}

/// Every manifest in the workspace that must match the schema, sorted.
fn find_manifests(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = WalkDir::new(root)
        .into_iter()
        .filter_entry(|entry| !(entry.file_type().is_dir() && is_skipped_dir(root, entry.path())))
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file() && is_checked_manifest(entry.path()))
        .map(|entry| entry.into_path())
        .collect();
    found.sort();
    found
}

/// The manifest's YAML as untyped JSON, parsed exactly as the loader parses it
/// (`yes` and `on` are strings, the same limits).
fn yaml_to_json(text: &str) -> Result<Value, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    telemetry_manifest::parse_value::<Value>(text).map_err(|e| e.to_string())
}

/// The schema's complaints about a manifest, one line each.
fn schema_errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| format!("at `{}`: {error}", error.instance_path()))
        .collect()
}

fn relative(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn strings_of(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Every `properties` entry in the schema, with its JSON pointer.
fn properties<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_pointer = format!("{pointer}/{key}");
                if key == "properties"
                    && let Some(props) = child.as_object()
                {
                    for (name, prop) in props {
                        out.push((format!("{child_pointer}/{name}"), prop));
                    }
                }
                properties(child, child_pointer, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                properties(child, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn schema_is_valid_draft_2020_12() {
    let schema = schema();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the schema must declare draft 2020-12"
    );
    if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
        panic!(
            "{SCHEMA_PATH} breaks the draft 2020-12 meta-schema at `{}`: {error}",
            error.instance_path()
        );
    }
    assert!(jsonschema::meta::is_valid(&schema));
    assert!(
        schema["$id"]
            .as_str()
            .is_some_and(|id| id.ends_with("telemetry-manifest.schema.json"))
    );
    assert!(schema["title"].is_string());
    assert!(schema["description"].is_string());
    validator();
}

#[test]
fn every_schema_property_has_a_description() {
    let schema = schema();
    let mut found = Vec::new();
    properties(&schema, String::from("#"), &mut found);
    assert!(
        found.len() > 20,
        "the walk found only {} properties",
        found.len()
    );
    // Properties inside `if`/`then` only narrow a property described elsewhere.
    let undescribed: Vec<&str> = found
        .iter()
        .filter(|(pointer, _)| !pointer.contains("/allOf/"))
        .filter(|(_, prop)| prop["description"].as_str().is_none_or(str::is_empty))
        .map(|(pointer, _)| pointer.as_str())
        .collect();
    assert!(
        undescribed.is_empty(),
        "these schema properties have no `description` for editors to show: {undescribed:#?}"
    );
}

#[test]
fn schema_vocabularies_match_the_model() {
    let schema = schema();
    let types: Vec<&str> = FieldType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(
        strings_of(&schema["$defs"]["field"]["properties"]["type"]["enum"]),
        types
    );
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(strings_of(&schema["$defs"]["category"]["enum"]), categories);
    assert_eq!(schema["$defs"]["days"]["maximum"], u64::from(u32::MAX));
    let governance: Vec<&str> = telemetry_manifest::GovernanceKey::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        strings_of(
            &schema["$defs"]["policy"]["properties"]["required_governance"]["items"]["enum"]
        ),
        governance
    );

    // The snake_case pattern agrees with `is_snake_case`.
    let pattern = schema["$defs"]["snake_case"].clone();
    let snake = jsonschema::draft202012::new(&pattern).expect("pattern compiles");
    for name in [
        "a",
        "build",
        "command_finished",
        "x86_64",
        "v2",
        "a_1",
        "Build",
        "_a",
        "a_",
        "a__b",
        "1a",
        "kebab-case",
        "camelCase",
        "",
        "é",
        "a b",
    ] {
        assert_eq!(
            snake.is_valid(&Value::from(name)),
            telemetry_manifest::is_snake_case(name),
            "schema and `is_snake_case` disagree on `{name}`"
        );
    }

    // Bucket bounds: the schema accepts exactly what the loader parses.
    let field = |ty: &str, bound: &str| {
        serde_json::json!({
            "version": 1,
            "project": { "name": "p", "retention_days": 1 },
            "events": { "e": { "fields": { "f": {
                "type": ty, "category": "technical", "buckets": [bound]
            } } } }
        })
    };
    let validator = validator();
    for bound in [
        "100ms", "1s", "10min", "2h", "007s", "0s", "1.5s", "10 s", "1m", "1MiB", "s",
    ] {
        assert_eq!(
            validator.is_valid(&field("duration_bucket", bound)),
            telemetry_manifest::parse_duration_ms(bound).is_ok(),
            "schema and `parse_duration_ms` disagree on `{bound}`"
        );
    }
    for bound in [
        "512B", "1KiB", "10MiB", "2GiB", "1TiB", "0B", "1KB", "1kib", "1 MiB", "1ms",
    ] {
        assert_eq!(
            validator.is_valid(&field("size_bucket", bound)),
            telemetry_manifest::parse_size_bytes(bound).is_ok(),
            "schema and `parse_size_bytes` disagree on `{bound}`"
        );
    }
    // A count's bounds are whole numbers, as YAML writes them unquoted; the loader
    // reads each as its text.
    let count = |parameters: Value| {
        let mut field = serde_json::json!({ "type": "count", "category": "technical" });
        if let (Some(field), Some(parameters)) = (field.as_object_mut(), parameters.as_object()) {
            field.extend(parameters.clone());
        }
        serde_json::json!({
            "version": 1,
            "project": { "name": "p", "retention_days": 1 },
            "events": { "e": { "fields": { "f": field } } }
        })
    };
    for bound in [
        Value::from(1),
        Value::from(100),
        Value::from(u64::MAX),
        Value::from(0),
        Value::from(-1),
        Value::from(1.5),
        Value::from("1s"),
    ] {
        let text = match &bound {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        assert_eq!(
            validator.is_valid(&count(serde_json::json!({ "buckets": [bound] }))),
            telemetry_manifest::parse_count_bound(&text).is_ok(),
            "schema and `parse_count_bound` disagree on `{bound}`"
        );
    }
    // A count declares `max` or `buckets`, not both and not neither.
    assert!(validator.is_valid(&count(serde_json::json!({ "max": 10 }))));
    assert!(validator.is_valid(&count(serde_json::json!({ "buckets": [1, 10] }))));
    assert!(!validator.is_valid(&count(serde_json::json!({}))));
    assert!(!validator.is_valid(&count(serde_json::json!({ "max": 10, "buckets": [1, 10] }))));
}

#[test]
fn the_manifest_convention_is_applied() {
    let root = workspace_root();
    assert!(is_skipped_dir(&root, &root.join("target")));
    assert!(is_skipped_dir(&root, &root.join("examples/acme/target")));
    assert!(is_skipped_dir(&root, &root.join(".git")));
    assert!(is_skipped_dir(&root, &root.join("fixtures/hostile")));
    assert!(is_skipped_dir(
        &root,
        &root.join("fixtures/manifests/malformed")
    ));
    assert!(!is_skipped_dir(&root, &root));
    assert!(!is_skipped_dir(&root, &root.join("fixtures/expired-event")));
    assert!(is_checked_manifest(Path::new(
        "examples/acme/telemetry.yaml"
    )));
    assert!(is_checked_manifest(Path::new(
        "fixtures/manifests/anything.yaml"
    )));
    assert!(!is_checked_manifest(Path::new(
        "fixtures/bad/invalid-telemetry.yaml"
    )));
    assert!(!is_checked_manifest(Path::new(
        "fixtures/manifests/invalid_bucket.yaml"
    )));
    assert!(!is_checked_manifest(Path::new(
        "fixtures/manifests/notes.md"
    )));
    assert!(!is_checked_manifest(Path::new("fixtures/ci/workflow.yaml")));
    assert!(is_skipped_dir(
        &root,
        &root.join("fixtures/lint-malformed-manifest")
    ));
    assert!(is_broken_on_purpose(Path::new(
        "fixtures/lint-malformed-manifest/telemetry.yaml"
    )));
    assert!(is_broken_on_purpose(Path::new(
        "fixtures/x/invalid-telemetry.yaml"
    )));
    assert!(!is_broken_on_purpose(Path::new(
        "fixtures/lint-clean/telemetry.yaml"
    )));
}

#[test]
fn every_manifest_in_the_repository_matches_the_schema() {
    let root = workspace_root();
    let manifests = find_manifests(&root);
    let names: Vec<String> = manifests.iter().map(|p| relative(p)).collect();
    for expected in [
        "fixtures/manifests/minimal.yaml",
        "fixtures/manifests/every-key.yaml",
        "fixtures/manifests/no-fields.yaml",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} was not found; found {names:#?}"
        );
    }
    assert!(
        !manifests.iter().any(|path| is_broken_on_purpose(path)),
        "manifests broken on purpose were picked up: {names:#?}"
    );

    let validator = validator();
    let mut failures = Vec::new();
    for (path, name) in manifests.iter().zip(&names) {
        match load_path(path) {
            Err(error) => failures.push(format!("{name}: does not load: {error}")),
            Ok(loaded) => match &loaded.manifest {
                Err(error) => failures.push(format!("{name}: does not load: {error}")),
                Ok(manifest) if name.starts_with("fixtures/manifests/") => {
                    let (_, findings) = validate(manifest);
                    for finding in findings {
                        failures.push(format!(
                            "{name}: {} {}",
                            finding.rule.code(),
                            finding.message
                        ));
                    }
                }
                Ok(_) => {}
            },
        }
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let partly_broken = PARTLY_BROKEN.iter().any(|(listed, _)| listed == name);
        match yaml_to_json(&text) {
            Err(error) => failures.push(format!("{name}: is not YAML: {error}")),
            Ok(value) if partly_broken => {
                if schema_errors(&validator, &value).is_empty() {
                    failures.push(format!(
                        "{name}: matches the schema now; remove it from PARTLY_BROKEN"
                    ));
                }
            }
            Ok(value) => {
                for error in schema_errors(&validator, &value) {
                    failures.push(format!("{name}: {error}"));
                }
            }
        }
    }
    for (listed, _) in PARTLY_BROKEN {
        if !names.iter().any(|name| name == listed) {
            failures.push(format!("{listed}: is gone; remove it from PARTLY_BROKEN"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} manifest(s) checked; these do not match {SCHEMA_PATH} or do not load:\n{}\n\
         (a manifest broken on purpose belongs under a `malformed/` folder or has `invalid` in its name)",
        manifests.len(),
        failures.join("\n")
    );
}

/// Whether the loader or `validate` rejects a manifest, and why.
fn loader_verdict(path: &Path) -> Option<String> {
    let loaded = match load_path(path) {
        Err(error) => return Some(error.message),
        Ok(loaded) => loaded,
    };
    let manifest = match loaded.manifest {
        Err(error) => return Some(error.message),
        Ok(manifest) => manifest,
    };
    let (_, findings) = validate(&manifest);
    findings
        .iter()
        .find(|f: &&Finding| f.rule == rules::INVALID_FIELD_PARAMETERS)
        .map(|f| f.message.clone())
}

#[test]
fn malformed_manifests_are_rejected_by_the_loader_and_the_schema() {
    let dir = workspace_root().join("fixtures/manifests/malformed");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 10,
        "only {} malformed manifests",
        paths.len()
    );

    let validator = validator();
    let mut failures = Vec::new();
    let mut schema_rejections = Vec::new();
    for path in &paths {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_owned();
        if loader_verdict(path).is_none() {
            failures.push(format!("{name}: the loader and `validate` accept it"));
        }
        let text = std::fs::read_to_string(path).unwrap_or_default();
        match yaml_to_json(&text) {
            // Not YAML at all (a syntax error, a duplicate key): no schema applies.
            Err(_) => {}
            Ok(value) => {
                let errors = schema_errors(&validator, &value);
                if errors.is_empty() {
                    failures.push(format!("{name}: the schema accepts it"));
                }
                schema_rejections.push((name, errors.join("\n")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "malformed manifests accepted:\n{}",
        failures.join("\n")
    );

    // The schema rejects the known-bad manifests for the right reason.
    for (name, expected) in [
        ("unknown-key", "purpse"),
        ("unknown-top-level-key", "event"),
        ("bad-type-word", "string"),
        ("bad-category-word", "personal"),
        ("enum-without-values", "values"),
        ("missing-project", "project"),
        ("max-on-bool", "max"),
        ("count-without-max", "oneOf"),
        ("buckets-on-count", "integer"),
    ] {
        let Some((_, errors)) = schema_rejections.iter().find(|(n, _)| n == name) else {
            panic!("fixtures/manifests/malformed/{name}.yaml is missing or not YAML");
        };
        assert!(
            errors.contains(expected),
            "{name}: the schema's errors do not mention `{expected}`:\n{errors}"
        );
    }
}

#[test]
fn schema_requires_values_only_on_enums() {
    let validator = validator();
    let manifest = |field: Value| {
        serde_json::json!({
            "version": 1,
            "project": { "name": "p", "retention_days": 1 },
            "events": { "e": { "fields": { "f": field } } }
        })
    };
    let enum_without = manifest(serde_json::json!({ "type": "enum", "category": "technical" }));
    let enum_with = manifest(serde_json::json!({
        "type": "enum", "category": "technical", "values": ["a", "b"]
    }));
    let bool_with = manifest(serde_json::json!({
        "type": "bool", "category": "technical", "values": ["a"]
    }));
    let bool_without = manifest(serde_json::json!({ "type": "bool", "category": "technical" }));
    assert!(!validator.is_valid(&enum_without));
    assert!(validator.is_valid(&enum_with));
    assert!(!validator.is_valid(&bool_with));
    assert!(validator.is_valid(&bool_without));
}

#[test]
fn manifests_broken_on_purpose_are_rejected_by_the_loader() {
    let root = workspace_root();
    let broken = find_broken_manifests(&root);
    let names: Vec<String> = broken.iter().map(|p| relative(p)).collect();
    assert!(
        names
            .iter()
            .any(|n| n == "fixtures/manifests/malformed/unknown-key.yaml"),
        "the walk missed fixtures/manifests/malformed/: {names:#?}"
    );
    let accepted: Vec<&String> = broken
        .iter()
        .zip(&names)
        .filter(|(path, _)| loader_verdict(path).is_none())
        .map(|(_, name)| name)
        .collect();
    assert!(
        accepted.is_empty(),
        "named or placed as broken on purpose, yet the loader and `validate` accept them \
         (move them out of `malformed` folders and drop `invalid` from their names): {accepted:#?}"
    );
}
