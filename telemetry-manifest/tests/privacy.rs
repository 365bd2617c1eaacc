//! The privacy checks, the policy keys that tune them, shared policy files and
//! waivers, on small manifests written inline.

use std::path::{Path, PathBuf};

use telemetry_manifest::{
    Date, EventStruct, Finding, GroupStruct, StructField, ValidManifest, apply_waivers,
    check_event_struct, check_group_struct, check_policy, check_privacy, check_waivers,
    load_policy_path, parse_str, validate,
};

fn today() -> Date {
    Date::parse("2026-11-21").expect("a date")
}

fn manifest(policy: &str, events: &str) -> (telemetry_manifest::Manifest, ValidManifest) {
    let text = format!(
        "version: 1\nproject:\n  name: p\n  contact: p@example.org\n  retention_days: 30\n  opt_out: {{ env: P=0 }}\n{policy}events:\n{events}"
    );
    let parsed = parse_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let (valid, findings) = validate(&parsed);
    assert!(findings.is_empty(), "{findings:#?}");
    (parsed, valid)
}

fn ids(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.id).collect()
}

const NEVER: &str = "  e:\n    description: d\n    purpose: p\n    owner: o\n    since: 1.0.0\n    expires: never\n";
const FAR: &str = "  e:\n    description: d\n    purpose: p\n    owner: o\n    since: 1.0.0\n    expires: 2031-01-01\n";

#[test]
fn never_and_far_expiry_follow_the_policy() {
    let (_, strict) = manifest("", NEVER);
    assert_eq!(ids(&check_privacy(&strict, today())), ["TL026"]);
    let (_, allowed) = manifest("policy:\n  allow_never_expires: true\n", NEVER);
    assert!(check_privacy(&allowed, today()).is_empty());

    let (_, strict) = manifest("", FAR);
    assert_eq!(ids(&check_privacy(&strict, today())), ["TL025"]);
    let (_, longer) = manifest("policy:\n  max_expiry_days: 2000\n", FAR);
    assert!(check_privacy(&longer, today()).is_empty());
}

#[test]
fn required_metadata_narrows_what_is_required() {
    let events = "  e:\n    expires: 2027-01-01\n    fields:\n      ok: { type: bool, category: technical }\n";
    let (_, strict) = manifest("", events);
    let all = check_policy(&strict, today());
    assert_eq!(ids(&all), ["TL016"; 5], "{all:#?}");
    let (_, narrow) = manifest("policy:\n  required_metadata: [purpose]\n", events);
    let found = check_policy(&narrow, today());
    assert_eq!(ids(&found), ["TL016"]);
    assert!(found[0].message.contains("`purpose`"));
    let (_, none) = manifest("policy:\n  required_metadata: []\n", events);
    assert!(check_policy(&none, today()).is_empty());
}

#[test]
fn the_event_count_warns_past_max_events() {
    let event = |name: &str| {
        format!(
            "  {name}:\n    description: d\n    purpose: p\n    owner: o\n    since: 1.0.0\n    expires: 2027-01-01\n"
        )
    };
    let events: String = ["a", "b", "c"].iter().map(|n| event(n)).collect();
    let (_, three) = manifest("policy:\n  max_events: 3\n", &events);
    assert!(check_privacy(&three, today()).is_empty());
    let (_, two) = manifest("policy:\n  max_events: 2\n", &events);
    let found = check_privacy(&two, today());
    assert_eq!(ids(&found), ["TL027"]);
    assert_eq!(found[0].rule.level, telemetry_manifest::Level::Warning);
    assert!(found[0].message.contains("`c` is the first past the limit"));
}

#[test]
fn combinations_see_through_groups() {
    let text = "version: 1\nproject: { name: p, retention_days: 30 }\npolicy: { max_combinations: 30 }\ngroups:\n  platform:\n    fields:\n      os: { type: os_family, category: technical }\n      arch: { type: arch, category: technical }\nevents:\n  e:\n    groups: [platform]\n    fields:\n      ok: { type: bool, category: technical }\n";
    let (valid, _) = validate(&parse_str(text).expect("parses"));
    let found = check_privacy(&valid, today());
    let combinations: Vec<&Finding> = found.iter().filter(|f| f.rule.id == "TL022").collect();
    assert_eq!(combinations.len(), 1, "{found:#?}");
    assert!(
        combinations[0]
            .message
            .contains("70 distinct value combinations"),
        "{}",
        combinations[0].message
    );
}

#[test]
fn waivers_match_their_finding_and_unused_ones_are_reported() {
    let events = "  e:\n    description: d\n    purpose: p\n    owner: o\n    since: 1.0.0\n    expires: never\n    waivers:\n      - { rule: never-expires, reason: a standing health signal, review: PR 1 }\n      - { rule: TL025, reason: not needed, review: PR 2 }\n    fields:\n      user_id:\n        type: count\n        max: 10\n        category: technical\n        description: Which of ten test accounts ran it.\n        waivers:\n          - { rule: TL023, reason: only one of ten test accounts, review: PR 3 }\n";
    let (parsed, valid) = manifest("", events);
    assert!(check_waivers(&parsed).is_empty());
    // TL023 judges the struct's number by its name, as the compiler does.
    let ty: syn::Type = syn::parse_str("u8").unwrap();
    let mut findings = check_privacy(&valid, today());
    findings.extend(check_event_struct(
        &valid,
        &EventStruct {
            ident: "E".to_owned(),
            event: "e".to_owned(),
            fields: vec![StructField {
                name: "user_id".to_owned(),
                ty: &ty,
            }],
        },
    ));
    assert_eq!(ids(&findings), ["TL026", "TL023"]);
    let waived = apply_waivers(&valid, findings);
    assert!(waived.kept.is_empty(), "{:#?}", waived.kept);
    assert_eq!(waived.waived.len(), 2);
    assert_eq!(ids(&waived.unused), ["TL029"]);
    assert!(waived.unused[0].message.contains("TL025 expiry-too-far"));
}

#[test]
fn a_group_field_is_waived_on_the_group() {
    let text = "version: 1\nproject: { name: p, retention_days: 30 }\ngroups:\n  who:\n    fields:\n      host:\n        type: count\n        max: 3\n        category: technical\n        waivers:\n          - { rule: identifier-like-field, reason: one of three build hosts, review: PR 4 }\nevents:\n  e:\n    groups: [who]\n";
    let parsed = parse_str(text).expect("parses");
    let (valid, _) = validate(&parsed);
    assert!(check_waivers(&parsed).is_empty());
    let ty: syn::Type = syn::parse_str("u8").unwrap();
    let findings = check_group_struct(
        &valid,
        &GroupStruct {
            ident: "Who".to_owned(),
            group: "who".to_owned(),
            fields: vec![StructField {
                name: "host".to_owned(),
                ty: &ty,
            }],
        },
    );
    assert_eq!(ids(&findings), ["TL023"]);
    assert_eq!(findings[0].group.as_deref(), Some("who"));
    let waived = apply_waivers(&valid, findings);
    assert!(waived.kept.is_empty() && waived.unused.is_empty());
}

#[test]
fn refused_waivers_are_left_out_of_the_model() {
    let events = "  e:\n    fields:\n      q:\n        type: bool\n        category: technical\n        waivers:\n          - { rule: TL006, reason: r, review: PR 5 }\n          - { rule: TL023, reason: r }\n          - { rule: TL023, reason: r, review: PR 6 }\n          - { rule: TL023, reason: r, review: PR 7 }\n";
    let (parsed, valid) = manifest("", events);
    let refused = check_waivers(&parsed);
    assert_eq!(ids(&refused), ["TL028"; 3], "{refused:#?}");
    assert!(refused[2].message.contains("waived twice"));
    let granted = &valid.events[0].fields[0].waivers;
    assert_eq!(granted.len(), 1);
    assert_eq!(granted[0].review.value, "PR 6");
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

#[test]
fn shared_policy_files_load_with_the_manifest_limits() {
    let shared = load_policy_path(&root().join("fixtures/shared-policy/telemetry-policy.yaml"))
        .expect("readable");
    let policy = shared.policy.expect("a valid policy");
    assert_eq!(policy.value.max_combinations.map(|v| v.value), Some(100));

    let broken = load_policy_path(
        &root().join("fixtures/lint-policy-file-invalid/policy/invalid-telemetry-policy.yaml"),
    )
    .expect("readable");
    let error = broken.policy.expect_err("a misspelt key");
    assert!(
        error
            .message
            .starts_with("invalid policy file: unknown field `max_combinatons`")
    );
    let span = error.span.expect("a span");
    assert_eq!(
        &broken.source[span.offset..span.offset + span.len],
        "max_combinatons"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let bomb = dir.path().join("bomb.yaml");
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..8 {
        text.push_str(&format!(
            "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            p = if i == 0 {
                "a".to_owned()
            } else {
                format!("b{}", i - 1)
            }
        ));
    }
    std::fs::write(&bomb, text).expect("write");
    let loaded = load_policy_path(&bomb).expect("readable");
    assert!(loaded.policy.is_err(), "an alias bomb is refused");
    assert!(
        load_policy_path(dir.path()).is_err(),
        "a directory is refused"
    );
    assert!(load_policy_path(&dir.path().join("missing.yaml")).is_err());
}

#[test]
fn the_shared_policy_matches_the_schema_policy() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/telemetry-manifest.schema.json"))
            .expect("schema"),
    )
    .expect("JSON");
    let mut policy_schema = schema["$defs"]["policy"].clone();
    policy_schema["$defs"] = schema["$defs"].clone();
    let validator = jsonschema::draft202012::new(&policy_schema).expect("compiles");
    let text = std::fs::read_to_string(root().join("fixtures/shared-policy/telemetry-policy.yaml"))
        .expect("policy");
    let value: serde_json::Value = telemetry_manifest::parse_value(&text).expect("YAML");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let keys = policy_schema["properties"].as_object().expect("properties");
    for key in [
        "max_retention_days",
        "allowed_categories",
        "max_combinations",
        "required_metadata",
        "max_expiry_days",
        "allow_never_expires",
        "max_events",
    ] {
        assert!(keys.contains_key(key), "the schema's policy lacks `{key}`");
    }
}

#[test]
fn the_policy_docs_list_every_key_default_and_waivable_rule() {
    let docs = telemetry_manifest::rules::policy_docs();
    for (key, default) in [
        (
            "max_retention_days",
            telemetry_manifest::DEFAULT_MAX_RETENTION_DAYS.to_string(),
        ),
        (
            "max_combinations",
            telemetry_manifest::text::thousands(
                telemetry_manifest::DEFAULT_MAX_COMBINATIONS.into(),
            ),
        ),
        (
            "max_expiry_days",
            telemetry_manifest::DEFAULT_MAX_EXPIRY_DAYS.to_string(),
        ),
        (
            "max_events",
            telemetry_manifest::DEFAULT_MAX_EVENTS.to_string(),
        ),
        ("allow_never_expires", "`false`".to_owned()),
    ] {
        assert!(
            docs.contains(&format!("| `{key}` | {default} |")),
            "the policy docs lack `{key}` with its default {default}"
        );
    }
    for key in telemetry_manifest::MetadataKey::ALL {
        assert!(docs.contains(key.as_str()), "{}", key.as_str());
    }
    for rule in telemetry_manifest::RULES
        .iter()
        .filter(|r| r.waivable.is_some())
    {
        assert!(docs.contains(rule.id), "the policy docs lack {}", rule.id);
    }
}
