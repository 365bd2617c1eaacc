//! Consent by level, the program's config file, the automation policy, asking again
//! after an upgrade, and expiry at run time. Nothing here reads the real
//! environment or touches the real home directory: `env_vars` fixes the
//! environment, `config_dir` and `config_home` the directories, and `terminal`
//! whether a person reads stderr.

mod runtime_support;

use std::fs;
use std::path::Path;

use telemetry_core::Category;
use telemetry_core::runtime::{
    CI_VARIABLES, ConfigFile, ConfigFormat, Consent, ConsentSource, EventInfo, ExpiryDate,
    LevelInfo, ProjectInfo, TelemetryBuilder,
};

use runtime_support::{Captured, Command, DEMO, Ping, finished};

const EVENTS: &[EventInfo] = &[
    EventInfo {
        name: "command_finished",
        description: "A command ran to its end.",
        level: "usage",
        expires: None,
        sample_per_million: 1_000_000,
    },
    EventInfo {
        name: "ping",
        description: "A ping.",
        level: "errors",
        expires: None,
        sample_per_million: 1_000_000,
    },
];

/// The demo program with two levels and a JSON config file.
static LEVELED: ProjectInfo = ProjectInfo {
    levels: &[
        LevelInfo {
            name: "errors",
            category: Category::Technical,
        },
        LevelInfo {
            name: "usage",
            category: Category::Interaction,
        },
    ],
    events: EVENTS,
    config_file: Some(ConfigFile {
        path: "demo/config.json",
        key: "telemetry",
        format: ConfigFormat::Json,
    }),
    digest: "first",
    ..DEMO
};

/// A later version whose `errors` level sends interaction data.
static RAISED: ProjectInfo = ProjectInfo {
    levels: &[
        LevelInfo {
            name: "errors",
            category: Category::Interaction,
        },
        LevelInfo {
            name: "usage",
            category: Category::Interaction,
        },
    ],
    digest: "second",
    ..LEVELED
};

/// `ping` expired long ago.
static EXPIRED: ProjectInfo = ProjectInfo {
    events: &[
        EVENTS[0],
        EventInfo {
            expires: Some(ExpiryDate {
                date: "1970-01-02",
                day: 1,
            }),
            ..EVENTS[1]
        },
    ],
    ..LEVELED
};

/// A TOML config file, which this build (without `config-toml`) cannot read.
static TOML_CONFIG: ProjectInfo = ProjectInfo {
    config_file: Some(ConfigFile {
        path: "demo/config.toml",
        key: "telemetry",
        format: ConfigFormat::Toml,
    }),
    ..LEVELED
};

/// A builder for `project` with `env`, its files in `dir`, the config file read
/// under `dir/home`, at a terminal.
fn builder(
    project: &'static ProjectInfo,
    dir: &Path,
    env: &[(&str, &str)],
) -> (TelemetryBuilder, Captured) {
    let (builder, out) = runtime_support::builder(project, dir, env);
    (
        builder
            .config_home(dir.join("home"))
            .disable_command("demo telemetry disable"),
        out,
    )
}

fn write_config(dir: &Path, name: &str, text: &str) {
    let path = dir.join("home/demo").join(name);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write config");
}

fn consent(enabled: bool, source: ConsentSource, level: Option<&'static str>) -> Consent {
    Consent {
        enabled,
        source,
        level,
    }
}

/// One row: the variable, DO_NOT_TRACK, the config file, the stored level (`Some("")`
/// for every level, `Some("-")` for disabled), and what must win.
type Row = (
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Consent,
);

#[test]
fn every_source_and_level_in_order_of_precedence() {
    use ConsentSource::{ConfigFile, Default, DoNotTrack, Env, Persisted};
    let rows: &[Row] = &[
        // The variable names a level, any case; 0/off still mean nothing at all.
        (
            Some("errors"),
            None,
            None,
            None,
            consent(true, Env, Some("errors")),
        ),
        (
            Some(" Usage "),
            None,
            None,
            None,
            consent(true, Env, Some("usage")),
        ),
        (
            Some("1"),
            None,
            None,
            None,
            consent(true, Env, Some("usage")),
        ),
        (
            Some("off"),
            None,
            Some(r#"{"telemetry": "usage"}"#),
            None,
            consent(false, Env, None),
        ),
        (Some("0"), None, None, Some(""), consent(false, Env, None)),
        // The variable outranks DO_NOT_TRACK, which outranks the config file.
        (
            Some("errors"),
            Some("1"),
            None,
            None,
            consent(true, Env, Some("errors")),
        ),
        (
            None,
            Some("1"),
            Some(r#"{"telemetry": true}"#),
            None,
            consent(false, DoNotTrack, None),
        ),
        // An unknown level decides nothing.
        (
            Some("everything"),
            None,
            Some(r#"{"telemetry": "errors"}"#),
            None,
            consent(true, ConfigFile, Some("errors")),
        ),
        // The config file: a boolean or a level, over the stored choice.
        (
            None,
            None,
            Some(r#"{"telemetry": false}"#),
            Some(""),
            consent(false, ConfigFile, None),
        ),
        (
            None,
            None,
            Some(r#"{"telemetry": true}"#),
            Some("-"),
            consent(true, ConfigFile, Some("usage")),
        ),
        (
            None,
            None,
            Some(r#"{"telemetry": "ERRORS"}"#),
            None,
            consent(true, ConfigFile, Some("errors")),
        ),
        // A config file without the key, with a value it does not understand, or
        // that does not parse, decides nothing.
        (
            None,
            None,
            Some(r#"{"colour": true}"#),
            Some("errors"),
            consent(true, Persisted, Some("errors")),
        ),
        (
            None,
            None,
            Some(r#"{"telemetry": 3}"#),
            Some("-"),
            consent(false, Persisted, None),
        ),
        (
            None,
            None,
            Some("{telemetry = false"),
            None,
            consent(true, Default, Some("usage")),
        ),
        // The stored choice, at a level or at every level, then the default.
        (
            None,
            None,
            None,
            Some("errors"),
            consent(true, Persisted, Some("errors")),
        ),
        (
            None,
            None,
            None,
            Some(""),
            consent(true, Persisted, Some("usage")),
        ),
        (None, None, None, Some("-"), consent(false, Persisted, None)),
        (
            None,
            None,
            None,
            None,
            consent(true, Default, Some("usage")),
        ),
    ];
    for (index, (var, dnt, config, stored, expected)) in rows.iter().enumerate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (setup, _) = builder(&LEVELED, dir.path(), &[]);
        match stored {
            Some("-") => drop(setup.disable().expect("disable")),
            Some("") => drop(setup.enable().expect("enable")),
            Some(level) => drop(setup.enable_level(level).expect("enable")),
            None => {}
        }
        if let Some(text) = config {
            write_config(dir.path(), "config.json", text);
        }
        let mut env = Vec::new();
        if let Some(value) = var {
            env.push(("DEMO_TELEMETRY", *value));
        }
        if let Some(value) = dnt {
            env.push(("DO_NOT_TRACK", *value));
        }
        let (builder, _) = builder(&LEVELED, dir.path(), &env);
        assert_eq!(builder.consent(), *expected, "row {index}");
    }
}

#[test]
fn a_config_file_that_cannot_be_read_decides_nothing_and_says_so_in_debug_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A directory where the file should be.
    fs::create_dir_all(dir.path().join("home/demo/config.json")).expect("mkdir");
    let (b, _) = builder(&LEVELED, dir.path(), &[]);
    let resolution = b.resolve();
    assert_eq!(resolution.consent.source, ConsentSource::Default);
    assert!(
        resolution.problems[0].starts_with("cannot"),
        "{:?}",
        resolution.problems
    );
    assert!(resolution.problems[0].ends_with("it decides nothing"));

    // A format this build does not read.
    let dir = tempfile::tempdir().expect("tempdir");
    write_config(dir.path(), "config.toml", "telemetry = false\n");
    let (b, out) = builder(&TOML_CONFIG, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    assert_eq!(b.consent().source, ConsentSource::Default);
    drop(b.build());
    let text = out.text();
    assert!(
        text.contains("this build reads no TOML (enable telemetry-core's cargo feature `config-toml`); it decides nothing"),
        "{text}"
    );

    // A value it does not understand.
    let dir = tempfile::tempdir().expect("tempdir");
    write_config(dir.path(), "config.json", r#"{"telemetry": "lots"}"#);
    let (b, _) = builder(&LEVELED, dir.path(), &[]);
    let problems = b.resolve().problems;
    assert!(
        problems[0].contains("\"lots\"")
            && problems[0].ends_with("use 0, 1, false, true, off, on or a level (errors, usage)"),
        "{problems:?}"
    );
}

#[test]
fn an_event_above_the_chosen_level_is_never_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, out) = builder(
        &LEVELED,
        dir.path(),
        &[("DEMO_TELEMETRY", "errors"), ("DEMO_TELEMETRY_DEBUG", "1")],
    );
    let telemetry = b.build();
    assert!(telemetry.is_recording());
    assert_eq!(
        telemetry.status_line(),
        "Telemetry: enabled (level errors of errors, usage; via DEMO_TELEMETRY=errors; disable with `demo telemetry disable` or DEMO_TELEMETRY=0); debug mode (DEMO_TELEMETRY_DEBUG=1): events are printed to stderr, never sent"
    );
    telemetry.record(&finished(Command::Build, true, 2));
    telemetry.record(&Ping { n: 1, ok: None });
    let stats = telemetry.shutdown(std::time::Duration::from_millis(100));
    assert_eq!(stats.recorded, 1);
    let records = out.records();
    assert_eq!(records.len(), 1, "{}", out.text());
    assert_eq!(records[0]["event"], "ping");
    assert!(
        out.text().contains(
            "telemetry: event `command_finished` is of level usage, above the chosen level errors; it is never recorded"
        ),
        "{}",
        out.text()
    );

    // At `usage`, both.
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, out) = builder(
        &LEVELED,
        dir.path(),
        &[("DEMO_TELEMETRY", "usage"), ("DEMO_TELEMETRY_DEBUG", "1")],
    );
    let telemetry = b.build();
    telemetry.record(&finished(Command::Build, true, 2));
    telemetry.record(&Ping { n: 1, ok: None });
    drop(telemetry);
    assert_eq!(out.records().len(), 2, "{}", out.text());

    // `enable_level` refuses a level the manifest does not declare.
    let (b, _) = builder(&LEVELED, dir.path(), &[]);
    let error = b.enable_level("everything").expect_err("unknown level");
    assert_eq!(
        error.to_string(),
        "`everything` is not a telemetry level of demo; choose one of errors, usage"
    );
}

#[test]
fn a_ci_variable_or_no_terminal_on_the_first_run_sends_nothing_and_stores_no_notice() {
    for name in CI_VARIABLES {
        let dir = tempfile::tempdir().expect("tempdir");
        let spool = dir.path().join("spool.jsonl");
        let (b, out) = builder(&LEVELED, dir.path(), &[(name, "true")]);
        let resolution = b.resolve();
        assert!(!resolution.notice_due, "{name}");
        assert!(resolution.notice_withheld, "{name}");
        assert_eq!(
            b.status_line(),
            format!(
                "Telemetry: paused (level usage of errors, usage; via default; {name}=true is set: an automated run, where nothing is sent until a person sees the notice or runs `demo telemetry enable`; disable with `demo telemetry disable` or DEMO_TELEMETRY=0)"
            )
        );
        let telemetry = b.spool(&spool).build();
        assert!(!telemetry.is_recording(), "{name}");
        assert!(!telemetry.notice_shown(), "{name}");
        telemetry.record(&Ping { n: 1, ok: None });
        drop(telemetry);
        assert_eq!(
            out.text(),
            "",
            "{name}: nothing is printed where nobody reads"
        );
        assert!(!spool.exists(), "{name}");
        assert!(!dir.path().join("telemetry-notice").exists(), "{name}");
    }

    // `CI=false` or `CI=0` is no CI.
    for value in ["false", "0", ""] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (b, _) = builder(&LEVELED, dir.path(), &[("CI", value)]);
        assert!(b.resolve().notice_due, "CI={value}");
    }

    // Stderr not a terminal on the first run.
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, _) = builder(&LEVELED, dir.path(), &[]);
    let b = b.terminal(false);
    let resolution = b.resolve();
    assert_eq!(
        resolution.automated.as_deref(),
        Some("stderr is not a terminal")
    );
    assert!(resolution.notice_withheld);
    assert!(!b.build().is_recording());
    assert!(!dir.path().join("telemetry-notice").exists());
}

#[test]
fn an_automated_run_sends_after_a_person_saw_the_notice_or_chose_explicitly() {
    // A person saw the notice at a terminal; later runs in CI send.
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, _) = builder(&LEVELED, dir.path(), &[]);
    assert!(b.build().notice_shown());
    let (b, _) = builder(&LEVELED, dir.path(), &[("CI", "true")]);
    let b = b.terminal(false);
    assert!(!b.resolve().notice_withheld);
    assert!(b.build().is_recording());

    // An explicit choice: the variable, or the stored choice.
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, _) = builder(
        &LEVELED,
        dir.path(),
        &[("CI", "1"), ("DEMO_TELEMETRY", "1")],
    );
    assert!(b.build().is_recording());
    let (b, _) = builder(&LEVELED, dir.path(), &[("GITHUB_ACTIONS", "true")]);
    b.enable_level("errors").expect("enable");
    assert!(b.build().is_recording());
}

#[test]
fn a_raised_category_after_an_upgrade_sends_nothing_new_until_the_notice_is_shown_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, _) = builder(&LEVELED, dir.path(), &[]);
    old.enable().expect("enable");

    // The new version, in CI: the notice is withheld, `errors` (raised) is held
    // back, `usage` (unchanged) is still sent.
    let (new, out) = builder(
        &RAISED,
        dir.path(),
        &[("CI", "true"), ("DEMO_TELEMETRY_DEBUG", "1")],
    );
    let resolution = new.resolve();
    assert!(resolution.notice_withheld);
    assert_eq!(resolution.held_levels.len(), 1);
    assert_eq!(resolution.held_levels[0].level, "errors");
    assert_eq!(
        new.status_line(),
        "Telemetry: enabled (level usage of errors, usage; via `demo telemetry enable`; CI=true is set: an automated run, where nothing new is sent until a person sees the notice or runs `demo telemetry enable`; level errors now sends interaction data, more than you were told: held back until the notice is shown again; disable with `demo telemetry disable` or DEMO_TELEMETRY=0); debug mode (DEMO_TELEMETRY_DEBUG=1): events are printed to stderr, never sent"
    );
    let telemetry = new.build();
    telemetry.record(&Ping { n: 1, ok: None });
    telemetry.record(&finished(Command::Test, false, 30));
    drop(telemetry);
    let events: Vec<String> = out
        .records()
        .iter()
        .map(|r| r["event"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(events, ["command_finished"], "{}", out.text());
    assert!(
        out.text().contains(
            "telemetry: event `ping` (level errors) is held back until the notice is shown again"
        ),
        "{}",
        out.text()
    );

    // At a terminal: the notice is shown again, saying why, and still nothing of
    // the new kind is sent in that run.
    let (new, out) = builder(&RAISED, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    let telemetry = new.build();
    assert!(telemetry.notice_shown());
    telemetry.record(&Ping { n: 1, ok: None });
    drop(telemetry);
    let text = out.text();
    assert!(
        text.starts_with("This version of demo sends more telemetry than you were told: level errors now sends interaction data, more than you were told.\nNone of it was sent in this run."),
        "{text}"
    );
    assert!(text.contains("  - ping [errors]: A ping.\n"), "{text}");
    assert!(
        text.contains("Levels, least data first: errors (interaction), usage (interaction); each includes the ones before it. Choose one with DEMO_TELEMETRY=errors or `telemetry` in demo/config.json.\n"),
        "{text}"
    );
    assert!(out.records().is_empty(), "{text}");

    // The next run sends it.
    let (new, out) = builder(&RAISED, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    assert!(new.resolve().held_levels.is_empty());
    let telemetry = new.build();
    assert!(!telemetry.notice_shown());
    telemetry.record(&Ping { n: 1, ok: None });
    drop(telemetry);
    assert_eq!(out.records().len(), 1, "{}", out.text());
}

#[test]
fn opting_out_survives_every_upgrade_and_old_files_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, _) = builder(&LEVELED, dir.path(), &[]);
    old.disable().expect("disable");
    for project in [&LEVELED, &RAISED, &EXPIRED] {
        let (new, out) = builder(project, dir.path(), &[]);
        let resolution = new.resolve();
        assert_eq!(
            resolution.consent,
            consent(false, ConsentSource::Persisted, None)
        );
        assert!(!resolution.notice_due && resolution.held_levels.is_empty());
        let telemetry = new.build();
        assert!(!telemetry.is_recording());
        drop(telemetry);
        assert_eq!(out.text(), "");
    }

    // Files written before levels existed: a bare word and a comment-only marker.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("telemetry-consent"), "# old\ndisabled\n").expect("write");
    let (b, _) = builder(&RAISED, dir.path(), &[]);
    assert_eq!(b.consent(), consent(false, ConsentSource::Persisted, None));
    fs::write(dir.path().join("telemetry-consent"), "# old\nenabled\n").expect("write");
    fs::write(
        dir.path().join("telemetry-notice"),
        "# demo showed its notice\n",
    )
    .expect("write");
    let (b, _) = builder(&RAISED, dir.path(), &[]);
    let resolution = b.resolve();
    assert_eq!(
        resolution.consent,
        consent(true, ConsentSource::Persisted, Some("usage"))
    );
    // What an old file covered is unknown: the notice is shown once more.
    assert_eq!(resolution.held_levels.len(), 2);
    assert!(resolution.notice_due);
    assert!(b.build().notice_shown());
    let (b, _) = builder(&RAISED, dir.path(), &[]);
    assert!(!b.resolve().notice_due);
    assert!(b.build().is_recording());
}

#[test]
fn an_expired_event_is_dropped_and_debug_mode_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (b, out) = builder(
        &EXPIRED,
        dir.path(),
        &[("DEMO_TELEMETRY", "1"), ("DEMO_TELEMETRY_DEBUG", "1")],
    );
    let telemetry = b.build();
    telemetry.record(&Ping {
        n: 1,
        ok: Some(true),
    });
    telemetry.record(&finished(Command::Build, true, 1));
    let stats = telemetry.shutdown(std::time::Duration::from_millis(100));
    assert_eq!(stats.recorded, 1);
    let records = out.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["event"], "command_finished");
    assert!(
        out.text().contains(
            "telemetry: event `ping` expired on 1970-01-02; it is dropped, never recorded"
        ),
        "{}",
        out.text()
    );
}

#[test]
fn the_macro_carries_levels_expiry_and_the_digest() {
    // The demo manifest declares no levels: one unnamed level with its highest
    // category, and every event at it.
    assert_eq!(
        DEMO.levels,
        &[LevelInfo {
            name: "",
            category: Category::Interaction
        }]
    );
    assert!(!DEMO.has_levels());
    assert_eq!(DEMO.events[1].level, "");
    assert_eq!(
        DEMO.events[1].expires,
        Some(ExpiryDate {
            date: "2030-01-01",
            day: 21_915
        })
    );
    assert_eq!(DEMO.digest.len(), 64);
    assert!(DEMO.digest.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(DEMO.config_file, None);
}
