//! The built-in HTTP sink against a real HTTP server on loopback: records arrive
//! batched and exactly as recorded; telemetry that is off makes no request at all;
//! with a collector that is down, refuses or hangs, the records not delivered at
//! exit go to the spool, none lost below its bound, and the next run sends them;
//! the spool never grows past its bound; and a full queue keeps memory bounded.
//! (How long exit takes is a figure of `bench/`, not a test.)
//!
//! Needs the `http` feature; `runtime_http_feature.rs` runs this file with it when
//! the crate's tests are built without.

mod runtime_support;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use telemetry_core::TelemetryEvent;
use telemetry_core::runtime::{Delivery, Endpoint, HttpOptions, TelemetryBuilder};

use runtime_support::server::Server;
use runtime_support::{Command, DEMO, Ping, SEEN_NOTICE, assert_record, builder, finished};

/// A builder whose first-run notice was already shown, and its directory.
fn seasoned(env: &[(&str, &str)]) -> (TelemetryBuilder, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("telemetry-notice"), SEEN_NOTICE).expect("write");
    let (builder, _) = builder(&DEMO, dir.path(), env);
    (builder, dir)
}

/// A builder for the seasoned user of `dir`.
fn builder_in(dir: &Path) -> (TelemetryBuilder, runtime_support::Captured) {
    builder(&DEMO, dir, &[])
}

/// A loopback URL as an endpoint.
fn endpoint(url: &str) -> Endpoint {
    Endpoint::new(url).expect("a loopback URL")
}

/// Short waits, so a test that fails does not take long.
fn quick() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_secs(2),
        backoff_initial: Duration::from_millis(20),
        backoff_max: Duration::from_millis(100),
        ..HttpOptions::default()
    }
}

#[test]
fn summaries_arrive_in_one_request_exactly_as_recorded() {
    let server = Server::ok();
    let (builder, _dir) = seasoned(&[]);
    let telemetry = builder.http_with(endpoint(&server.url()), quick()).build();
    for _ in 0..5 {
        telemetry.record(&finished(Command::Build, true, 2));
    }
    telemetry.record(&finished(Command::Test, false, 20));
    telemetry.record(&Ping { n: 3, ok: None });
    assert_eq!(server.connections(), 0, "nothing is sent before the flush");
    let stats = telemetry.shutdown(Duration::from_secs(2));
    assert_eq!((stats.recorded, stats.delivered, stats.failed), (7, 3, 0));

    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/records");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("user-agent"), None, "no user agent is sent");
    assert_eq!(request.header("cookie"), None);
    assert_eq!(request.records().len(), 3);
    let texts = request.record_texts();
    assert_eq!(texts.len(), 3);
    assert_record(
        &texts[0],
        &finished(Command::Build, true, 2).payload(),
        Some(5),
    );
    assert_record(
        &texts[1],
        &finished(Command::Test, false, 20).payload(),
        Some(1),
    );
    assert_record(&texts[2], &Ping { n: 3, ok: None }.payload(), Some(1));
}

#[test]
fn a_large_flush_is_sent_in_batches() {
    let server = Server::ok();
    let (builder, _dir) = seasoned(&[]);
    let options = HttpOptions {
        batch_max: 10,
        ..quick()
    };
    let telemetry = builder.http_with(endpoint(&server.url()), options).build();
    for n in 0..25 {
        telemetry.record(&Ping { n, ok: Some(true) });
    }
    let stats = telemetry.shutdown(Duration::from_secs(2));
    assert_eq!(stats.delivered, 25);
    let sizes: Vec<usize> = server
        .requests()
        .iter()
        .map(|r| r.records().len())
        .collect();
    assert_eq!(sizes, [10, 10, 5]);
    let mut numbers: Vec<u64> = server
        .requests()
        .iter()
        .flat_map(|r| r.records())
        .map(|record| record["fields"]["n"].as_u64().expect("n"))
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (0..25).collect::<Vec<u64>>());
}

#[test]
fn each_event_delivery_sends_every_record() {
    let server = Server::ok();
    let (builder, _dir) = seasoned(&[]);
    let telemetry = builder
        .delivery(Delivery::EachEvent)
        .http_with(endpoint(&server.url()), quick())
        .build();
    for n in 0..30 {
        telemetry.record(&Ping { n, ok: None });
    }
    let stats = telemetry.shutdown(Duration::from_secs(2));
    assert_eq!((stats.delivered, stats.failed, stats.dropped), (30, 0, 0));
    let records: Vec<String> = server
        .requests()
        .iter()
        .flat_map(|r| r.record_texts())
        .collect();
    assert_eq!(records.len(), 30);
    for (n, record) in (0..).zip(&records) {
        assert_record(record, &Ping { n, ok: None }.payload(), None);
    }
}

#[test]
fn telemetry_that_is_off_makes_zero_requests() {
    let server = Server::ok();
    let cases: [(&[(&str, &str)], bool); 4] = [
        (&[("DO_NOT_TRACK", "1")], true),
        (&[("DEMO_TELEMETRY", "0")], true),
        (&[("DEMO_TELEMETRY_DEBUG", "1")], true),
        // The first run shows the notice and sends nothing.
        (&[], false),
    ];
    for (env, seasoned_dir) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        if seasoned_dir {
            fs::write(dir.path().join("telemetry-notice"), SEEN_NOTICE).expect("write");
        }
        let (builder, _) = builder(&DEMO, dir.path(), env);
        let telemetry = builder
            .delivery(Delivery::EachEvent)
            .http_with(endpoint(&server.url()), quick())
            .build();
        for _ in 0..10 {
            telemetry.record(&finished(Command::Build, true, 2));
        }
        telemetry.shutdown(Duration::from_secs(1));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.connections(), 0);
}

/// The collectors that deliver nothing: one that is down (nothing listens), one
/// that closes every connection without answering, one that never answers.
fn unreachable_collectors() -> Vec<(&'static str, Option<Server>, Endpoint)> {
    let refusing = Server::refusing();
    let hanging = Server::hanging();
    let (refusing_url, hanging_url) = (endpoint(&refusing.url()), endpoint(&hanging.url()));
    vec![
        ("down", None, endpoint(&Server::down_url())),
        ("refusing", Some(refusing), refusing_url),
        ("hanging", Some(hanging), hanging_url),
    ]
}

/// The spool file's records.
fn spooled(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join(telemetry_core::runtime::SPOOL_FILE))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn records_not_delivered_at_exit_go_to_the_spool_and_the_next_run_sends_them() {
    for (name, collector, url) in unreachable_collectors() {
        let (builder, dir) = seasoned(&[]);
        let telemetry = builder
            .delivery(Delivery::EachEvent)
            .http_with(url, quick())
            .build();
        for n in 0..100 {
            telemetry.record(&Ping { n, ok: None });
        }
        if let Some(server) = &collector {
            server.wait_for(1, Duration::from_secs(2));
        }
        // No wait at all: what is not delivered now goes to the spool.
        let stats = telemetry.shutdown(Duration::ZERO);
        assert_eq!(
            (stats.delivered, stats.spooled, stats.failed, stats.dropped),
            (0, 100, 0, 0),
            "{name}: {stats:?}"
        );
        let lines = spooled(dir.path());
        assert_eq!(lines.len(), 100, "{name}");
        for (n, line) in (0..).zip(&lines) {
            assert_record(line, &Ping { n, ok: None }.payload(), None);
        }

        // The next run sends the spool first, and empties it.
        let server = Server::ok();
        let (next, _) = builder_in(dir.path());
        let telemetry = next.http_with(endpoint(&server.url()), quick()).build();
        server.wait_for(1, Duration::from_secs(5));
        let stats = telemetry.shutdown(Duration::from_secs(2));
        assert_eq!(
            (stats.delivered, stats.spooled),
            (100, 0),
            "{name}: {stats:?}"
        );
        let received: Vec<String> = server
            .requests()
            .iter()
            .flat_map(|r| r.record_texts())
            .collect();
        assert_eq!(received, lines, "{name}: every record once, in order");
        assert!(spooled(dir.path()).is_empty(), "{name}");
    }
}

#[test]
fn the_spool_never_grows_past_its_bound() {
    let bound: u64 = 4_000;
    let (_, dir) = seasoned(&[]);
    let mut kept = 0;
    for run in 0..4 {
        for (name, _collector, url) in unreachable_collectors() {
            let (builder, _) = builder_in(dir.path());
            let telemetry = builder
                .delivery(Delivery::EachEvent)
                .spool_max_bytes(bound)
                .http_with(url, quick())
                .build();
            for n in 0..40 {
                telemetry.record(&Ping { n, ok: None });
            }
            let stats = telemetry.shutdown(Duration::ZERO);
            let size = fs::metadata(dir.path().join("telemetry-spool.jsonl"))
                .expect("a spool")
                .len();
            assert!(size <= bound, "run {run}, {name}: {size} bytes");
            // Below the bound nothing is lost: what the spool held and what came
            // is in the spool now, or counted as dropped at the bound.
            let now = spooled(dir.path()).len() as u64;
            assert_eq!(
                now + stats.dropped,
                kept + 40,
                "run {run}, {name}: {stats:?}"
            );
            assert_eq!((stats.delivered, stats.failed), (0, 0), "{stats:?}");
            kept = now;
        }
    }
    assert!(kept > 0);
}

#[test]
fn a_program_without_a_spool_counts_what_it_could_not_deliver() {
    let (builder, dir) = seasoned(&[]);
    // A spool that cannot be written: its directory is a file.
    let blocked = dir.path().join("file");
    fs::write(&blocked, "").expect("write");
    let telemetry = builder
        .delivery(Delivery::EachEvent)
        .spool(blocked.join("telemetry-spool.jsonl"))
        .http_with(endpoint(&Server::down_url()), quick())
        .build();
    for n in 0..10 {
        telemetry.record(&Ping { n, ok: None });
    }
    let stats = telemetry.shutdown(Duration::ZERO);
    assert_eq!((stats.spooled, stats.failed), (0, 10), "{stats:?}");
}

#[test]
fn a_full_queue_drops_records_and_memory_stays_bounded() {
    let server = Server::hanging();
    let (builder, _dir) = seasoned(&[]);
    let options = HttpOptions {
        queue_bound: 50,
        batch_max: 5,
        request_timeout: Duration::from_secs(30),
        ..quick()
    };
    let telemetry = builder
        .delivery(Delivery::EachEvent)
        .http_with(endpoint(&server.url()), options)
        .build();
    // The first batch leaves for the hanging collector; the queue then fills.
    telemetry.record(&Ping { n: 0, ok: None });
    server.wait_for(1, Duration::from_secs(2));
    let started = Instant::now();
    for n in 1..10_000 {
        telemetry.record(&Ping { n, ok: None });
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let stats = telemetry.stats();
    assert_eq!(stats.recorded, 10_000);
    assert_eq!(stats.queued, 50, "{stats:?}");
    assert_eq!(stats.dropped, 10_000 - 1 - 50, "{stats:?}");
    // At exit, the batch in flight and the queue go to the spool, and their
    // memory is freed.
    let stats = telemetry.shutdown(Duration::ZERO);
    assert_eq!(stats.queued, 0, "{stats:?}");
    assert_eq!((stats.spooled, stats.failed), (51, 0), "{stats:?}");
}

#[test]
fn failed_requests_are_retried_with_backoff() {
    let server = Server::start(&[503, 500], Some(200));
    let (builder, _dir) = seasoned(&[]);
    let telemetry = builder.http_with(endpoint(&server.url()), quick()).build();
    telemetry.record(&Ping { n: 1, ok: None });
    let started = Instant::now();
    let stats = telemetry.shutdown(Duration::from_secs(3));
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests.iter().all(|r| r.body == requests[0].body));
    assert_eq!((stats.delivered, stats.failed), (1, 0));
    // 20 ms, then 40 ms between the tries.
    assert!(
        started.elapsed() >= Duration::from_millis(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_batch_is_given_up_after_the_last_try_or_when_rejected() {
    let server = Server::start(&[], Some(503));
    let (builder, _dir) = seasoned(&[]);
    let options = HttpOptions {
        max_attempts: 3,
        ..quick()
    };
    let telemetry = builder.http_with(endpoint(&server.url()), options).build();
    telemetry.record(&Ping { n: 1, ok: None });
    let stats = telemetry.shutdown(Duration::from_secs(3));
    assert_eq!(server.requests().len(), 3);
    // Out of tries: the collector counts as unreachable, the record is kept.
    assert_eq!((stats.delivered, stats.failed, stats.spooled), (0, 0, 1));

    let server = Server::start(&[], Some(400));
    let (builder, _dir) = seasoned(&[]);
    let telemetry = builder.http_with(endpoint(&server.url()), quick()).build();
    telemetry.record(&Ping { n: 1, ok: None });
    let stats = telemetry.shutdown(Duration::from_secs(3));
    assert_eq!(
        server.requests().len(),
        1,
        "a rejected batch is not retried"
    );
    assert_eq!((stats.delivered, stats.failed, stats.spooled), (0, 1, 0));
}
