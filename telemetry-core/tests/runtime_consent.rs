//! Consent: every source, their precedence, the persisted choice, the first-run
//! notice and the status line. Nothing here reads the real environment or touches
//! the real home directory.

mod runtime_support;

use std::fs;

use telemetry_core::runtime::{Consent, ConsentSource, FILES, ProjectInfo, parse_switch};

use runtime_support::{DEMO, DEMO_OPT_IN, DEMO_UPGRADED, builder};

/// One row of the precedence table: the sources given, and what must win.
struct Row {
    flag: Option<bool>,
    env: Option<&'static str>,
    dnt: Option<&'static str>,
    persisted: Option<&'static str>,
    project: &'static ProjectInfo,
    enabled: bool,
    source: ConsentSource,
}

const fn row(
    flag: Option<bool>,
    env: Option<&'static str>,
    dnt: Option<&'static str>,
    persisted: Option<&'static str>,
    project: &'static ProjectInfo,
    expected: (bool, ConsentSource),
) -> Row {
    Row {
        flag,
        env,
        dnt,
        persisted,
        project,
        enabled: expected.0,
        source: expected.1,
    }
}

use ConsentSource::{Default, DoNotTrack, Env, Flag, Persisted};

const ENABLED: Option<&str> = Some("enabled\n");
const DISABLED: Option<&str> = Some("disabled\n");

#[rustfmt::skip]
const TABLE: &[Row] = &[
    // The flag outranks everything.
    row(Some(false), Some("1"), None, ENABLED, &DEMO, (false, Flag)),
    row(Some(true), Some("0"), Some("1"), DISABLED, &DEMO_OPT_IN, (true, Flag)),
    // Then <NAME>_TELEMETRY, in any spelling it accepts; it outranks DO_NOT_TRACK.
    row(None, Some("0"), None, ENABLED, &DEMO, (false, Env)),
    row(None, Some("false"), None, None, &DEMO, (false, Env)),
    row(None, Some(" OFF "), None, None, &DEMO, (false, Env)),
    row(None, Some("1"), Some("1"), DISABLED, &DEMO, (true, Env)),
    row(None, Some("True"), None, None, &DEMO_OPT_IN, (true, Env)),
    row(None, Some("on"), None, None, &DEMO_OPT_IN, (true, Env)),
    // A value it does not understand, or an empty one, decides nothing.
    row(None, Some("maybe"), Some("1"), None, &DEMO, (false, DoNotTrack)),
    row(None, Some(""), None, None, &DEMO, (true, Default)),
    // Then DO_NOT_TRACK: anything but empty, 0 or false.
    row(None, None, Some("1"), ENABLED, &DEMO, (false, DoNotTrack)),
    row(None, None, Some("yes"), None, &DEMO, (false, DoNotTrack)),
    row(None, None, Some("0"), ENABLED, &DEMO, (true, Persisted)),
    row(None, None, Some(""), None, &DEMO, (true, Default)),
    // Then the persisted choice, over the manifest's default either way.
    row(None, None, None, DISABLED, &DEMO, (false, Persisted)),
    row(None, None, None, ENABLED, &DEMO_OPT_IN, (true, Persisted)),
    row(None, None, None, Some("# a comment\n\n  disabled  \n"), &DEMO, (false, Persisted)),
    // A corrupt file is no choice.
    row(None, None, None, Some("yes please\n"), &DEMO, (true, Default)),
    row(None, None, None, Some(""), &DEMO_OPT_IN, (false, Default)),
    // Then the manifest's consent model.
    row(None, None, None, None, &DEMO, (true, Default)),
    row(None, None, None, None, &DEMO_OPT_IN, (false, Default)),
];

#[test]
fn every_source_in_order_of_precedence() {
    for (index, row) in TABLE.iter().enumerate() {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(text) = row.persisted {
            fs::write(dir.path().join("telemetry-consent"), text).expect("write");
        }
        let mut env = Vec::new();
        if let Some(value) = row.env {
            env.push(("DEMO_TELEMETRY", value));
        }
        if let Some(value) = row.dnt {
            env.push(("DO_NOT_TRACK", value));
        }
        let (builder, _) = builder(row.project, dir.path(), &env);
        let consent = builder.cli_flag(row.flag).consent();
        assert_eq!(
            consent,
            Consent {
                enabled: row.enabled,
                source: row.source,
                level: None,
            },
            "row {index}"
        );
    }
}

#[test]
fn values_that_decide_nothing_are_problems_for_debug_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("telemetry-consent"), "yes please\n").expect("write");
    let (builder, _) = builder(
        &DEMO,
        dir.path(),
        &[
            ("DEMO_TELEMETRY", "maybe"),
            ("DEMO_TELEMETRY_DEBUG", "loud"),
        ],
    );
    let resolution = builder.resolve();
    assert_eq!(resolution.problems.len(), 3, "{:?}", resolution.problems);
    assert!(resolution.problems[0].starts_with("DEMO_TELEMETRY=\"maybe\" is not understood"));
    assert!(resolution.problems[1].contains("holds neither `enabled` nor `disabled`"));
    assert!(resolution.problems[2].starts_with("DEMO_TELEMETRY_DEBUG=\"loud\""));
    assert!(!resolution.debug);
}

#[test]
fn an_unreadable_choice_is_no_choice_and_never_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A directory where the file should be cannot be read as one.
    fs::create_dir(dir.path().join("telemetry-consent")).expect("mkdir");
    let (builder, out) = builder(&DEMO_OPT_IN, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    let resolution = builder.resolve();
    assert_eq!(
        resolution.consent,
        Consent {
            enabled: false,
            source: Default,
            level: None,
        }
    );
    assert!(
        resolution.problems[0].starts_with("cannot read the persisted choice"),
        "{:?}",
        resolution.problems
    );
    // Debug mode shows it.
    let telemetry = builder.build();
    assert!(!telemetry.is_recording());
    let text = out.text();
    assert!(
        text.contains("telemetry: cannot read the persisted choice"),
        "{text}"
    );
}

#[test]
fn switch_values() {
    for on in ["1", "true", "TRUE", "on", " On "] {
        assert_eq!(parse_switch(on), Some(true), "{on}");
    }
    for off in ["0", "false", "False", "off", "OFF\n"] {
        assert_eq!(parse_switch(off), Some(false), "{off}");
    }
    for neither in ["", "yes", "no", "2", "enabled"] {
        assert_eq!(parse_switch(neither), None, "{neither}");
    }
}

#[test]
fn enable_and_disable_persist_the_choice_atomically_across_upgrades() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (builder, _) = builder(&DEMO, dir.path(), &[]);
    assert_eq!(
        builder.disable().expect("disable"),
        Consent {
            enabled: false,
            source: Persisted,
            level: None,
        }
    );
    let text = fs::read_to_string(dir.path().join("telemetry-consent")).expect("read");
    assert!(text.contains("\"choice\": \"disabled\""), "{text}");
    // The comment names the program's own commands, as the program gave them.
    assert!(
        text.starts_with("# Whether demo may send telemetry, and at which level. Change it with `demo telemetry enable` or `demo telemetry disable`.\n"),
        "{text}"
    );
    // Only the two files: no temporary file is left behind.
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["telemetry-consent"]);

    // A later version of the program reads the same choice.
    let (upgraded, _) = runtime_support::builder(&DEMO_UPGRADED, dir.path(), &[]);
    assert_eq!(upgraded.consent().source, Persisted);
    assert!(!upgraded.consent().enabled);

    assert_eq!(
        upgraded.enable().expect("enable"),
        Consent {
            enabled: true,
            source: Persisted,
            level: None,
        }
    );
    names = fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, FILES.map(String::from));
    // Enabling is a knowing choice: no notice follows.
    assert!(!upgraded.resolve().notice_due);

    // The environment still outranks the saved choice.
    let (overridden, _) = runtime_support::builder(&DEMO, dir.path(), &[("DEMO_TELEMETRY", "0")]);
    assert_eq!(overridden.enable().expect("enable").source, Env);
}

#[test]
fn a_choice_that_cannot_be_saved_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("not-a-dir");
    fs::write(&file, "").expect("write");
    let (builder, _) = builder(&DEMO, &file, &[]);
    assert!(builder.disable().is_err());
    assert!(builder.enable().is_err());
}

#[test]
fn the_first_run_notice_is_shown_once_and_nothing_is_recorded_in_that_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spool = dir.path().join("spool.jsonl");

    let (first, out) = builder(&DEMO, dir.path(), &[]);
    assert!(first.resolve().notice_due);
    let telemetry = first.spool(&spool).build();
    assert!(telemetry.notice_shown());
    assert!(!telemetry.is_recording());
    assert_eq!(telemetry.consent().source, Default);
    telemetry.record(&runtime_support::finished(
        runtime_support::Command::Build,
        true,
        2,
    ));
    let stats = telemetry.shutdown(std::time::Duration::from_millis(100));
    assert_eq!(stats.recorded, 0);
    assert!(!spool.exists(), "nothing is written in the notice's run");
    let notice = out.text();
    assert_eq!(notice, NOTICE, "{notice}");
    assert!(dir.path().join("telemetry-notice").is_file());

    let (second, out) = builder(&DEMO, dir.path(), &[]);
    assert!(!second.resolve().notice_due);
    let telemetry = second.spool(&spool).build();
    assert!(!telemetry.notice_shown());
    assert!(telemetry.is_recording());
    telemetry.record(&runtime_support::finished(
        runtime_support::Command::Build,
        true,
        2,
    ));
    drop(telemetry);
    assert_eq!(out.text(), "", "the notice is shown once");
    assert_eq!(
        fs::read_to_string(&spool).expect("spool").lines().count(),
        1
    );
}

#[test]
fn no_notice_when_the_user_decided_or_the_project_is_opt_in() {
    for (project, env) in [
        (&DEMO, &[("DEMO_TELEMETRY", "1")][..]),
        (&DEMO, &[("DO_NOT_TRACK", "1")][..]),
        (&DEMO_OPT_IN, &[][..]),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (builder, out) = builder(project, dir.path(), env);
        let telemetry = builder.build();
        assert!(!telemetry.notice_shown());
        drop(telemetry);
        assert_eq!(out.text(), "", "{env:?}");
        assert!(!dir.path().join("telemetry-notice").exists());
    }
}

#[test]
fn a_notice_that_cannot_be_stored_is_shown_again_and_nothing_is_sent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("not-a-dir");
    fs::write(&file, "").expect("write");
    for _ in 0..2 {
        let (builder, out) = builder(&DEMO, &file, &[]);
        let telemetry = builder.build();
        assert!(telemetry.notice_shown());
        assert!(!telemetry.is_recording());
        assert!(out.text().starts_with("demo collects anonymous usage data"));
    }
}

const NOTICE: &str = "\
demo collects anonymous usage data (telemetry) to learn how it is used and where it fails.
Nothing was sent in this run. From the next run on, demo may send these events:
  - command_finished: A command ran to its end.
  - ping: A ping.
Each carries the program version (major.minor), the OS family, the CPU architecture, the hour (UTC) and a random session id renewed daily.
Never sent: paths, file names, free text, IP addresses, or ids of you or your machine.
Everything that is sent is described in https://demo.example/TELEMETRY.md
See each event instead of sending it: DEMO_TELEMETRY_DEBUG=1
Opt out with DEMO_TELEMETRY=0, --no-telemetry, `demo telemetry disable` or DO_NOT_TRACK=1.
This notice is shown again only if a later version sends more.
";

/// A project, its environment, its persisted choice, its flag, and the status line.
type StatusCase = (
    &'static ProjectInfo,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
    Option<bool>,
    &'static str,
);

#[test]
fn status_lines() {
    let cases: &[StatusCase] = &[
        (
            &DEMO,
            &[],
            None,
            None,
            "Telemetry: enabled (via default; disable with `demo telemetry disable` or DEMO_TELEMETRY=0)",
        ),
        (
            &DEMO_OPT_IN,
            &[],
            None,
            None,
            "Telemetry: disabled (via default; enable with `demo telemetry enable`)",
        ),
        (
            &DEMO,
            &[],
            None,
            Some(false),
            "Telemetry: disabled (via --no-telemetry)",
        ),
        (
            &DEMO,
            &[("DEMO_TELEMETRY", "off")],
            None,
            None,
            "Telemetry: disabled (via DEMO_TELEMETRY=0)",
        ),
        (
            &DEMO_OPT_IN,
            &[("DEMO_TELEMETRY", "on")],
            None,
            None,
            "Telemetry: enabled (via DEMO_TELEMETRY=1; disable with `demo telemetry disable` or DEMO_TELEMETRY=0)",
        ),
        (
            &DEMO,
            &[("DO_NOT_TRACK", "1")],
            None,
            None,
            "Telemetry: disabled (via DO_NOT_TRACK)",
        ),
        (
            &DEMO,
            &[],
            Some("disabled"),
            None,
            "Telemetry: disabled (via `demo telemetry disable`; enable with `demo telemetry enable`)",
        ),
        // A choice stored before levels existed does not say what it covered.
        (
            &DEMO_OPT_IN,
            &[],
            Some("enabled"),
            None,
            "Telemetry: enabled (via `demo telemetry enable`; this version sends interaction data, and the stored choice does not record what you were told: held back until the notice is shown again; disable with `demo telemetry disable` or DEMO_TELEMETRY=0)",
        ),
        (
            &DEMO,
            &[("DEMO_TELEMETRY_DEBUG", "1")],
            None,
            None,
            "Telemetry: enabled (via default; disable with `demo telemetry disable` or DEMO_TELEMETRY=0); debug mode (DEMO_TELEMETRY_DEBUG=1): events are printed to stderr, never sent",
        ),
    ];
    for (project, env, persisted, flag, expected) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(word) = persisted {
            fs::write(dir.path().join("telemetry-consent"), word).expect("write");
        }
        let (builder, _) = builder(project, dir.path(), env);
        let builder = builder.cli_flag(*flag);
        assert_eq!(builder.status_line(), *expected);
        assert_eq!(builder.build().status_line(), *expected);
    }
}
