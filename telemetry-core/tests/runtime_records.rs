//! Records as the sinks receive them: debug mode prints the exact payload records,
//! the spool file holds one record per line, summaries count repeated events, and
//! telemetry that is off writes and prints nothing at all.

mod runtime_support;

use std::fs;
use std::time::{Duration, SystemTime};

use telemetry_core::TelemetryEvent;
use telemetry_core::runtime::{Delivery, utc_hour};

use runtime_support::{Command, DEMO, Ping, SEEN_NOTICE, assert_record, builder, finished};

/// A configuration directory where the first-run notice was already shown.
fn seasoned_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("telemetry-notice"), SEEN_NOTICE).expect("write");
    dir
}

#[test]
fn debug_mode_prints_each_record_exactly_and_sends_nothing() {
    let dir = seasoned_dir();
    let spool = dir.path().join("spool.jsonl");
    let (builder, out) = builder(&DEMO, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    let telemetry = builder.delivery(Delivery::EachEvent).spool(&spool).build();
    assert!(telemetry.is_debug() && telemetry.is_recording());
    let events = [
        finished(Command::Build, true, 2),
        finished(Command::Test, false, 30),
    ];
    for event in &events {
        telemetry.record(event);
    }
    telemetry.record(&Ping { n: 5000, ok: None });
    let stats = telemetry.shutdown(Duration::from_millis(100));
    assert_eq!((stats.recorded, stats.delivered), (3, 3));

    let text = out.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "one line per record and nothing else: {text}"
    );
    assert_record(lines[0], &events[0].payload(), None);
    assert_record(lines[1], &events[1].payload(), None);
    assert_record(lines[2], &Ping { n: 5000, ok: None }.payload(), None);
    assert!(
        lines[0].starts_with(
            r#"{"event":"command_finished","fields":{"command":"build","duration":"1s-10s","success":true},"context":{"program_version":"0.1","#
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with(r#"{"event":"ping","fields":{"n":1000,"ok":null},"#),
        "{}",
        lines[2]
    );
    // One session for the run, the hour of now.
    let records = out.records();
    assert_eq!(
        records[0]["context"]["session_id"],
        records[2]["context"]["session_id"]
    );
    let hour = records[0]["context"]["hour"].as_str().expect("hour");
    let now = SystemTime::now();
    assert!(
        hour == utc_hour(now) || hour == utc_hour(now - Duration::from_secs(3600)),
        "{hour}"
    );
    // Debug mode sends nothing, not even to the local spool.
    assert!(!spool.exists());
}

#[test]
fn summaries_count_each_distinct_event_once_per_hour() {
    let dir = seasoned_dir();
    let (builder, out) = builder(&DEMO, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "true")]);
    let telemetry = builder.build();
    for _ in 0..3 {
        telemetry.record(&finished(Command::Build, true, 2));
    }
    // Different raw values in the same bucket are the same event.
    telemetry.record(&finished(Command::Build, true, 9));
    telemetry.record(&finished(Command::Test, true, 2));
    telemetry.record(&Ping {
        n: 1,
        ok: Some(true),
    });
    assert_eq!(out.records().len(), 0, "summaries wait for the flush");
    assert_eq!(telemetry.stats().pending, 3);
    telemetry.flush();
    let records = out.records();
    assert_eq!(records.len(), 3, "{}", out.text());
    let lines: Vec<String> = out.text().lines().map(String::from).collect();
    assert_record(
        &lines[0],
        &finished(Command::Build, true, 2).payload(),
        Some(4),
    );
    assert_record(
        &lines[1],
        &finished(Command::Test, true, 2).payload(),
        Some(1),
    );
    assert_record(
        &lines[2],
        &Ping {
            n: 1,
            ok: Some(true),
        }
        .payload(),
        Some(1),
    );
    // A flush empties the table; a later one sends only what came since.
    telemetry.record(&Ping {
        n: 1,
        ok: Some(true),
    });
    let stats = telemetry.shutdown(Duration::from_millis(100));
    assert_eq!(stats.recorded, 7);
    assert_eq!(stats.pending, 0);
    let text = out.text();
    let last = text.lines().last().expect("a line");
    assert_record(
        last,
        &Ping {
            n: 1,
            ok: Some(true),
        }
        .payload(),
        Some(1),
    );
}

#[test]
fn the_spool_holds_one_record_per_line_across_runs_and_stays_under_its_limit() {
    let dir = seasoned_dir();
    let spool = dir.path().join("nested").join("spool.jsonl");
    for _ in 0..2 {
        let (builder, out) = builder(&DEMO, dir.path(), &[]);
        let telemetry = builder.spool(&spool).build();
        telemetry.record(&finished(Command::Build, true, 2));
        telemetry.record(&finished(Command::Build, true, 2));
        telemetry.record(&Ping { n: 3, ok: None });
        drop(telemetry);
        assert_eq!(out.text(), "", "telemetry is silent outside debug mode");
    }
    let text = fs::read_to_string(&spool).expect("spool");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(text.ends_with('\n'));
    for pair in lines.chunks(2) {
        assert_record(
            pair[0],
            &finished(Command::Build, true, 2).payload(),
            Some(2),
        );
        assert_record(pair[1], &Ping { n: 3, ok: None }.payload(), Some(1));
    }
    // Each run draws its own session id.
    let session = |line: &str| {
        serde_json::from_str::<serde_json::Value>(line).expect("JSON")["context"]["session_id"]
            .clone()
    };
    assert_ne!(session(lines[0]), session(lines[2]));

    // At its size limit, the spool drops records and counts them.
    let size = fs::metadata(&spool).expect("spool").len();
    let (builder, _) = builder(&DEMO, dir.path(), &[]);
    let telemetry = builder
        .spool(&spool)
        .spool_max_bytes(size + 10)
        .delivery(Delivery::EachEvent)
        .build();
    telemetry.record(&Ping { n: 3, ok: None });
    let stats = telemetry.shutdown(Duration::from_millis(100));
    assert_eq!((stats.delivered, stats.dropped), (0, 1));
    assert_eq!(fs::metadata(&spool).expect("spool").len(), size);
}

#[test]
fn telemetry_that_is_off_writes_and_prints_nothing() {
    for env in [&[("DO_NOT_TRACK", "1")][..], &[("DEMO_TELEMETRY", "0")][..]] {
        let dir = seasoned_dir();
        let spool = dir.path().join("spool.jsonl");
        let (builder, out) = builder(&DEMO, dir.path(), env);
        let telemetry = builder.spool(&spool).delivery(Delivery::EachEvent).build();
        assert!(!telemetry.is_recording());
        for _ in 0..10 {
            telemetry.record(&finished(Command::Build, true, 2));
        }
        telemetry.flush();
        let stats = telemetry.shutdown(Duration::from_millis(100));
        assert_eq!(stats, Default::default());
        assert!(!spool.exists());
        assert_eq!(out.text(), "");
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["telemetry-notice"], "no file is written");
    }
}

#[test]
fn debug_mode_says_why_nothing_is_recorded_when_off() {
    let dir = seasoned_dir();
    let (builder, out) = builder(
        &DEMO,
        dir.path(),
        &[("DO_NOT_TRACK", "1"), ("DEMO_TELEMETRY_DEBUG", "1")],
    );
    let telemetry = builder.build();
    telemetry.record(&finished(Command::Build, true, 2));
    drop(telemetry);
    assert_eq!(
        out.text(),
        "telemetry: disabled (via DO_NOT_TRACK); debug mode (DEMO_TELEMETRY_DEBUG=1): events are printed to stderr, never sent; nothing is recorded in this run\n"
    );
}

#[test]
fn debug_mode_on_the_first_run_shows_the_notice_and_the_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (builder, out) = builder(&DEMO, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    let telemetry = builder.delivery(Delivery::EachEvent).build();
    assert!(telemetry.notice_shown() && telemetry.is_recording());
    telemetry.record(&Ping {
        n: 2,
        ok: Some(false),
    });
    drop(telemetry);
    let text = out.text();
    assert!(
        text.starts_with("demo collects anonymous usage data"),
        "{text}"
    );
    assert_eq!(out.records().len(), 1, "{text}");
}

#[test]
fn a_full_aggregator_drops_new_events_and_says_so_in_debug_mode() {
    let dir = seasoned_dir();
    let (builder, out) = builder(&DEMO, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    let telemetry = builder.aggregate_capacity(3).build();
    for n in 0..10 {
        telemetry.record(&Ping { n, ok: None });
    }
    assert_eq!(telemetry.stats().pending, 3);
    assert_eq!(telemetry.stats().dropped, 7);
    let stats = telemetry.shutdown(Duration::from_millis(100));
    assert_eq!(stats.delivered, 3);
    let text = out.text();
    assert!(
        text.contains("telemetry: 7 events dropped: the local aggregator holds at most its capacity of distinct events\n"),
        "{text}"
    );
    assert_eq!(out.records().len(), 3);
}

#[test]
fn without_a_sink_records_are_counted_and_nothing_leaves_the_process() {
    let dir = seasoned_dir();
    let (builder, out) = builder(&DEMO, dir.path(), &[]);
    let telemetry = builder.build();
    telemetry.record(&Ping { n: 1, ok: None });
    let stats = telemetry.shutdown(Duration::from_millis(100));
    assert_eq!((stats.recorded, stats.delivered), (1, 0));
    assert_eq!(out.text(), "");
}

#[test]
fn telemetry_is_shared_across_threads() {
    let dir = seasoned_dir();
    let (builder, out) = builder(&DEMO, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    let telemetry = builder.build();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..250 {
                    telemetry.record(&Ping { n: 1, ok: None });
                }
            });
        }
    });
    drop(telemetry);
    let records = out.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["count"], 1000);
}
