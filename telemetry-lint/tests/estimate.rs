//! `cargo telemetry-lint estimate`: on a spool simulated from 100,000 clients of
//! the example program, every estimate lies within 4 standard errors of the true
//! distribution; small cells are suppressed; unusable lines are listed; the
//! output is snapshotted in both formats.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{root, run};
use telemetry_core::runtime::privacy::{SeededRandom, randomize};
use telemetry_core::{Category, FieldMeta, Noise, PayloadValue, ValueKind};

/// `command_finished` of `examples/acme`, as `#[telemetry_event]` generates it.
const FIELDS: [FieldMeta; 3] = [
    FieldMeta {
        name: "command",
        kind: ValueKind::Enum,
        category: Category::Interaction,
        description: "",
        values: &["build", "test", "clean", "init"],
        bounds: &[],
        max: None,
        noise: Noise::RandomizedResponse {
            epsilon_milli: 1000,
        },
    },
    FieldMeta {
        name: "success",
        kind: ValueKind::Bool,
        category: Category::Technical,
        description: "",
        values: &["true", "false"],
        bounds: &[],
        max: None,
        noise: Noise::RandomizedResponse { epsilon_milli: 500 },
    },
    FieldMeta {
        name: "duration",
        kind: ValueKind::DurationBucket,
        category: Category::Technical,
        description: "",
        values: &["<100ms", "100ms-1s", "1s-10s", "10s-1min", ">=1min"],
        bounds: &[100, 1_000, 10_000, 60_000],
        max: None,
        noise: Noise::RandomizedResponse {
            epsilon_milli: 1000,
        },
    },
];

/// The true distribution: per field, each value's share.
const TRUTH: [(&str, &[(&str, f64)]); 3] = [
    (
        "command",
        &[("build", 0.4), ("test", 0.3), ("clean", 0.2), ("init", 0.1)],
    ),
    ("success", &[("true", 0.8), ("false", 0.2)]),
    (
        "duration",
        &[
            ("<100ms", 0.3),
            ("100ms-1s", 0.4),
            ("1s-10s", 0.2),
            ("10s-1min", 0.08),
            (">=1min", 0.02),
        ],
    ),
];

const CLIENTS: u32 = 100_000;

/// Client `i`'s true value of a field: the shares laid out over 0..100.
fn true_value(shares: &[(&'static str, f64)], i: u32) -> &'static str {
    let at = f64::from(i % 100) / 100.0;
    let mut acc = 0.0;
    for (value, share) in shares {
        acc += share;
        if at < acc - 1e-9 {
            return value;
        }
    }
    shares[shares.len() - 1].0
}

/// A spool as summaries write it: one record per distinct set of values, with
/// its `count`; plus five reports of another event and one broken line.
fn simulated_spool(path: &Path) {
    let mut rng = SeededRandom::new(2014);
    let mut summaries: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..CLIENTS {
        let mut fields = serde_json::Map::new();
        for (meta, (_, shares)) in FIELDS.iter().zip(TRUTH) {
            // Each field's values are laid out with a different stride, so the
            // fields are not correlated.
            let stride = match meta.name {
                "command" => 1,
                "success" => 7,
                _ => 13,
            };
            let value = true_value(shares, i.wrapping_mul(stride));
            let payload = match meta.kind {
                ValueKind::Bool => PayloadValue::Bool(value == "true"),
                _ => PayloadValue::Label(value),
            };
            let sent = randomize(meta, payload, &mut rng).expect("randomized");
            fields.insert(meta.name.to_owned(), sent.to_json());
        }
        *summaries
            .entry(serde_json::Value::Object(fields).to_string())
            .or_default() += 1;
    }
    let mut text = String::new();
    for (fields, count) in summaries {
        text.push_str(&format!(
            "{{\"event\":\"command_finished\",\"fields\":{fields},\"count\":{count}}}\n"
        ));
    }
    text.push_str("{\"event\":\"project_cleaned\",\"fields\":{\"had_output\":true,\"freed\":\"<1MiB\"},\"count\":5}\n");
    text.push_str("not a record\n");
    std::fs::write(path, text).expect("write the spool");
}

#[test]
fn estimates_from_a_simulated_spool_hold_the_true_distribution() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spool = dir.path().join("records.jsonl");
    simulated_spool(&spool);
    let manifest = root().join("examples/acme/telemetry.yaml");
    let manifest = manifest.to_str().expect("UTF-8 path");

    let json = run(&[
        "--manifest",
        manifest,
        "estimate",
        spool.to_str().expect("UTF-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 0, "{}", json.transcript());
    let document = json.json();
    let event = document["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["event"] == "command_finished")
        .expect("command_finished");
    assert_eq!(event["reports"], CLIENTS);
    for (field, shares) in TRUTH {
        let entry = event["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["field"] == field)
            .expect("field");
        for (value, truth) in shares {
            let cell = entry["values"]
                .as_array()
                .expect("values")
                .iter()
                .find(|c| c["value"] == *value)
                .expect("value");
            let share = &cell["share"];
            let estimate = share["estimate"].as_f64().expect("shown");
            let se = share["standard_error"].as_f64().expect("se");
            assert!(
                (estimate - truth).abs() <= 4.0 * se,
                "{field}={value}: {estimate} ± {se} vs {truth}"
            );
        }
    }
    // Five reports are fewer than min_count (10): suppressed, count withheld.
    let cleaned = document["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["event"] == "project_cleaned")
        .expect("project_cleaned");
    assert_eq!(cleaned["reports"], 5);
    let cell = &cleaned["fields"][0]["values"][0];
    assert_eq!(cell["share"], serde_json::Value::Null, "{cell}");
    assert_eq!(cell["reports"], serde_json::Value::Null, "{cell}");
    // The broken line is the last.
    let lines = std::fs::read_to_string(&spool)
        .expect("spool")
        .lines()
        .count();
    assert_eq!(document["skipped"][0]["line"], lines);

    let human = run(&[
        "--manifest",
        manifest,
        "estimate",
        spool.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(human.code, 0);
    let shown = human
        .stdout
        .replace(&spool.display().to_string(), "records.jsonl");
    insta::assert_snapshot!("estimate-acme-human", shown);
}

#[test]
fn unreadable_records_cannot_run() {
    let manifest = root().join("examples/acme/telemetry.yaml");
    let out = run(&[
        "--manifest",
        manifest.to_str().expect("UTF-8 path"),
        "estimate",
        "no-such-records.jsonl",
    ]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert!(
        out.stderr
            .contains("cannot read the records `no-such-records.jsonl`"),
        "{}",
        out.transcript()
    );
}
