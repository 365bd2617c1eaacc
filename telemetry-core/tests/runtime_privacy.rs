//! Local differential privacy at run time: the mechanisms on 100,000 simulated
//! clients give back the true distribution within 4 standard errors through the
//! collector's estimators; answers are kept per field and value across runs;
//! sampling keeps the declared share; noise is applied before counting.

mod runtime_support;

use std::fs;

use telemetry_core::runtime::privacy::{SeededRandom, randomize, sample};
use telemetry_core::runtime::{
    Automation, ConsentModel, Delivery, EventInfo, OptOut, OptOutKind, ProjectInfo,
};
use telemetry_core::{Category, FieldMeta, Noise, PayloadValue, TelemetryEvent, ValueKind};

use runtime_support::builder;

const MANIFEST: &str = "version: 1
project: { name: sim, retention_days: 30 }
events:
  used:
    min_count: 10
    fields:
      command: { type: enum, values: [build, test, lint, run], category: interaction, privacy: { mechanism: randomized_response, epsilon: 1 } }
      ok: { type: bool, category: technical, privacy: { mechanism: randomized_response, epsilon: 0.5 } }
      files: { type: count, max: 20, category: technical, privacy: { mechanism: geometric, epsilon: 1 } }
";

const COMMAND: FieldMeta = FieldMeta {
    name: "command",
    kind: ValueKind::Enum,
    category: Category::Interaction,
    description: "Which command ran.",
    values: &["build", "test", "lint", "run"],
    bounds: &[],
    max: None,
    noise: Noise::RandomizedResponse {
        epsilon_milli: 1000,
    },
};

const OK: FieldMeta = FieldMeta {
    name: "ok",
    kind: ValueKind::Bool,
    category: Category::Technical,
    description: "Whether it worked.",
    values: &["true", "false"],
    bounds: &[],
    max: None,
    noise: Noise::RandomizedResponse { epsilon_milli: 500 },
};

const FILES: FieldMeta = FieldMeta {
    name: "files",
    kind: ValueKind::Count,
    category: Category::Technical,
    description: "How many files, up to 20.",
    values: &[],
    bounds: &[],
    max: Some(20),
    noise: Noise::Geometric {
        epsilon_milli: 1000,
    },
};

const FIELDS: &[FieldMeta] = &[COMMAND, OK, FILES];

/// One event of the simulated program, its fields' values given as sent.
struct Used {
    command: &'static str,
    ok: Option<bool>,
    files: u64,
}

impl TelemetryEvent for Used {
    fn name(&self) -> &'static str {
        "used"
    }
    fn fields(&self) -> &'static [FieldMeta] {
        FIELDS
    }
    fn visit_fields(&self, visit: &mut dyn FnMut(&'static FieldMeta, PayloadValue)) {
        let [command, ok, files] = FIELDS else { return };
        visit(command, PayloadValue::Label(self.command));
        visit(ok, self.ok.map_or(PayloadValue::Null, PayloadValue::Bool));
        visit(files, PayloadValue::Count(self.files.min(20)));
    }
}

const PROJECT: ProjectInfo = ProjectInfo {
    name: "sim",
    env_var: "SIM_TELEMETRY",
    debug_env_var: "SIM_TELEMETRY_DEBUG",
    program_version: "1.0.0",
    consent: ConsentModel::OptIn,
    context: &[],
    data_dictionary: None,
    contact: None,
    opt_out: &[OptOut {
        kind: OptOutKind::Env,
        how: "SIM_TELEMETRY=0",
    }],
    events: &[EventInfo {
        name: "used",
        description: "A command was used.",
        sample_per_million: 250_000,
        level: "",
        expires: None,
    }],
    levels: &[],
    config_file: None,
    automation: Automation::Strict,
    digest: "",
};

/// The true distribution of the simulation: command shares, share of `ok`, and
/// the count of files as `i % 21` over a cycle.
const COMMAND_SHARES: [(&str, f64); 4] =
    [("build", 0.5), ("test", 0.25), ("lint", 0.15), ("run", 0.1)];

fn client(i: u32) -> Used {
    let u = f64::from(i % 100) / 100.0;
    let mut acc = 0.0;
    let mut command = "run";
    for (name, share) in COMMAND_SHARES {
        acc += share;
        if u < acc - 1e-9 {
            command = name;
            break;
        }
    }
    Used {
        command,
        ok: Some(i % 10 < 3),
        files: u64::from(i % 7) * 3,
    }
}

#[test]
fn a_hundred_thousand_clients_estimate_the_truth_within_four_standard_errors() {
    let (manifest, findings) =
        telemetry_manifest::validate(&telemetry_manifest::parse_str(MANIFEST).expect("parses"));
    assert!(findings.is_empty(), "{findings:#?}");
    let mut rng = SeededRandom::new(20_140_000);
    let mut records = String::new();
    let clients = 100_000u32;
    let mut true_files = 0.0;
    for i in 0..clients {
        let used = client(i);
        true_files += used.files as f64;
        let mut fields = serde_json::Map::new();
        used.visit_fields(&mut |meta, value| {
            let sent = randomize(meta, value, &mut rng).expect("randomized");
            fields.insert(meta.name.to_owned(), sent.to_json());
        });
        let record = serde_json::json!({ "event": "used", "fields": fields });
        records.push_str(&record.to_string());
        records.push('\n');
    }
    let estimates = telemetry_manifest::estimate(&manifest, &records);
    assert!(estimates.skipped.is_empty());
    let event = &estimates.events[0];
    assert_eq!(event.reports, u64::from(clients));
    let within = |name: &str, value: &str, truth: f64| {
        let field = event
            .fields
            .iter()
            .find(|f| f.field == name)
            .expect("field");
        let interval = match value {
            "mean" => match field.kind {
                telemetry_manifest::FieldEstimateKind::Mean(mean) => mean.expect("shown"),
                _ => panic!("not a mean"),
            },
            value => field
                .cells()
                .expect("cells")
                .iter()
                .find(|c| c.value == value)
                .and_then(|c| c.estimate)
                .expect("shown"),
        };
        let off = (interval.value - truth).abs() / interval.standard_error;
        assert!(
            off <= 4.0,
            "{name}={value}: {} ± {} vs {truth} ({off:.2} SE)",
            interval.value,
            interval.standard_error
        );
    };
    for (name, share) in COMMAND_SHARES {
        within("command", name, share);
    }
    within("ok", "true", 0.3);
    within("ok", "false", 0.7);
    within("files", "mean", true_files / f64::from(clients));
}

#[test]
fn randomized_response_keeps_the_true_value_with_its_probability() {
    let mut rng = SeededRandom::new(5);
    let n = 100_000;
    let kept = (0..n)
        .filter(|_| {
            randomize(&COMMAND, PayloadValue::Label("lint"), &mut rng)
                == Some(PayloadValue::Label("lint"))
        })
        .count();
    let e = 1f64.exp();
    let p = e / (e + 3.0);
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!((kept as f64 / n as f64 - p).abs() <= 4.0 * se);
    // An absent value becomes a value of the domain, never `null`.
    for _ in 0..100 {
        let sent = randomize(&OK, PayloadValue::Null, &mut rng).expect("drawn");
        assert!(matches!(sent, PayloadValue::Bool(_)));
    }
    // A value outside the declared ones is refused, not sent.
    assert_eq!(
        randomize(&COMMAND, PayloadValue::Label("deploy"), &mut rng),
        None
    );
}

#[test]
fn sampling_keeps_its_share() {
    let mut rng = SeededRandom::new(9);
    let n = 100_000;
    let kept = (0..n)
        .filter(|_| sample(250_000, &mut rng).expect("drawn"))
        .count();
    let se = (0.25f64 * 0.75 / n as f64).sqrt();
    assert!((kept as f64 / n as f64 - 0.25).abs() <= 4.0 * se, "{kept}");
    assert_eq!(sample(1_000_000, &mut rng), Some(true));
}

/// The records of a spool, as JSON.
fn spooled(path: &std::path::Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect()
}

#[test]
fn the_runtime_samples_noises_and_keeps_each_answer_across_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spool = dir.path().join("spool.jsonl");
    let mut answers = Vec::new();
    for seed in [1, 2, 3] {
        let (builder, _) = builder(&PROJECT, dir.path(), &[("SIM_TELEMETRY", "1")]);
        let telemetry = builder
            .privacy_seed(seed)
            .delivery(Delivery::EachEvent)
            .spool(&spool)
            .build();
        for _ in 0..400 {
            telemetry.record(&Used {
                command: "build",
                ok: Some(true),
                files: 4,
            });
        }
        telemetry.shutdown(std::time::Duration::from_secs(5));
        let records = spooled(&spool);
        let fields: Vec<&serde_json::Value> = records.iter().map(|r| &r["fields"]).collect();
        // Every report of the same values repeats the same answers.
        assert!(fields.windows(2).all(|w| w[0] == w[1]), "{fields:?}");
        answers.push(fields[0].clone());
        // Sampling at 25%: 400 occurrences give 100 ± 4 × 8.7 reports.
        let sent = records.len();
        assert!((65..=135).contains(&sent), "{sent}");
        fs::remove_file(&spool).expect("remove");
    }
    // Across runs, with other seeds, the kept answers are sent again.
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    let kept = fs::read_to_string(dir.path().join("telemetry-noise")).expect("kept");
    assert!(kept.contains("\"used.command\""), "{kept}");
    assert!(
        kept.contains("randomized_response/1000/build,test,lint,run"),
        "{kept}"
    );
}

#[test]
fn a_new_value_gets_its_own_answer_and_summaries_count_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spool = dir.path().join("spool.jsonl");
    let (builder, _) = builder(&PROJECT, dir.path(), &[("SIM_TELEMETRY", "1")]);
    let telemetry = builder.privacy_seed(11).spool(&spool).build();
    for i in 0..2_000 {
        telemetry.record(&client(i));
    }
    telemetry.shutdown(std::time::Duration::from_secs(5));
    let records = spooled(&spool);
    // Counted after noise: every summary's values are answers (no `null`, counts
    // may leave 0..=20), and the counts add up to the sampled occurrences.
    let total: u64 = records
        .iter()
        .map(|r| r["count"].as_u64().expect("count"))
        .sum();
    assert!((400..=600).contains(&total), "{total}");
    for record in &records {
        assert!(record["fields"]["ok"].is_boolean(), "{record}");
        assert!(record["fields"]["files"].is_i64(), "{record}");
    }
    let kept: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("telemetry-noise")).expect("kept"),
    )
    .expect("JSON");
    // One answer per true value met: 4 commands, 2 booleans, 7 counts.
    let answers = |key: &str| {
        kept["fields"][key]["answers"]
            .as_object()
            .map_or(0, |a| a.len())
    };
    assert_eq!(
        (
            answers("used.command"),
            answers("used.ok"),
            answers("used.files")
        ),
        (4, 2, 7)
    );
}
