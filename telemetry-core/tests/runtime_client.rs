//! The network sink over the program's own HTTP client (`HttpClient`), without the
//! `http` feature: the client gets the endpoint, the content type and the batch;
//! an error or a client that never returns costs no record, the next run sends
//! them; and the endpoint is checked when the program builds it.

mod runtime_support;

use std::fs;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use telemetry_core::TelemetryEvent;
use telemetry_core::runtime::{
    Delivery, Endpoint, EndpointError, HttpClient, HttpError, HttpOptions, TelemetryBuilder,
};

use runtime_support::{DEMO, Ping, SEEN_NOTICE, builder};

const URL: &str = "https://telemetry.demo.example/v1/records";

/// What a client was asked to POST: (url, content type, body).
type Posts = Arc<Mutex<Vec<(String, String, String)>>>;

/// A client that accepts every request and keeps it.
fn accepting(posts: &Posts) -> impl HttpClient {
    let posts = Arc::clone(posts);
    move |url: &str, content_type: &str, body: &[u8]| -> Result<u16, HttpError> {
        posts.lock().expect("lock").push((
            url.to_owned(),
            content_type.to_owned(),
            String::from_utf8_lossy(body).into_owned(),
        ));
        Ok(200)
    }
}

fn seasoned(dir: &std::path::Path) -> TelemetryBuilder {
    fs::write(dir.join("telemetry-notice"), SEEN_NOTICE).expect("write");
    builder(&DEMO, dir, &[]).0
}

fn quick() -> HttpOptions {
    HttpOptions {
        backoff_initial: Duration::from_millis(10),
        backoff_max: Duration::from_millis(20),
        ..HttpOptions::default()
    }
}

fn endpoint() -> Endpoint {
    Endpoint::new(URL).expect("https")
}

#[test]
fn the_program_s_client_posts_the_json_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let posts = Posts::default();
    let telemetry = seasoned(dir.path())
        .delivery(Delivery::EachEvent)
        .http_client(endpoint(), accepting(&posts), quick())
        .build();
    for n in 0..3 {
        telemetry.record(&Ping { n, ok: Some(true) });
    }
    let stats = telemetry.shutdown(Duration::from_secs(2));
    assert_eq!(stats.delivered, 3, "{stats:?}");
    let posts = posts.lock().expect("lock");
    let records: Vec<serde_json::Value> = posts
        .iter()
        .flat_map(|(url, content_type, body)| {
            assert_eq!(
                (url.as_str(), content_type.as_str()),
                (URL, "application/json")
            );
            serde_json::from_str::<Vec<serde_json::Value>>(body).expect("a JSON array")
        })
        .collect();
    assert_eq!(records.len(), 3);
    for (n, record) in (0..).zip(&records) {
        let payload = Ping { n, ok: Some(true) }.payload();
        assert_eq!(record["event"], payload["event"]);
        assert_eq!(record["fields"], payload["fields"]);
    }
}

/// Records 20 events through `client`, which delivers nothing; then checks that
/// they are in the spool and that the next run sends them.
fn spooled_then_sent(name: &str, client: impl HttpClient) {
    let dir = tempfile::tempdir().expect("tempdir");
    let telemetry = seasoned(dir.path())
        .delivery(Delivery::EachEvent)
        .http_client(endpoint(), client, quick())
        .build();
    for n in 0..20 {
        telemetry.record(&Ping { n, ok: None });
    }
    let stats = telemetry.shutdown(Duration::ZERO);
    assert_eq!((stats.spooled, stats.failed), (20, 0), "{name}: {stats:?}");

    let posts = Posts::default();
    let telemetry = seasoned(dir.path())
        .http_client(endpoint(), accepting(&posts), quick())
        .build();
    let stats = telemetry.shutdown(Duration::from_secs(2));
    assert_eq!(
        (stats.delivered, stats.spooled),
        (20, 0),
        "{name}: {stats:?}"
    );
}

#[test]
fn a_client_that_fails_or_never_returns_costs_no_record() {
    spooled_then_sent(
        "failing",
        |_: &str, _: &str, _: &[u8]| -> Result<u16, HttpError> { Err("connection refused".into()) },
    );
    let (release, released) = mpsc::channel::<()>();
    let released = Mutex::new(released);
    spooled_then_sent(
        "hanging",
        move |_: &str, _: &str, _: &[u8]| -> Result<u16, HttpError> {
            // Blocks until the test ends.
            let _ = released.lock().expect("lock").recv();
            Err("released".into())
        },
    );
    drop(release);
}

#[test]
fn a_plain_http_endpoint_off_loopback_is_an_error_the_program_sees() {
    let error = Endpoint::new("http://telemetry.demo.example/v1/records")
        .expect_err("plain http off loopback");
    assert!(matches!(error, EndpointError::PlainHttp { .. }));
    assert_eq!(
        error.to_string(),
        "telemetry endpoint \"http://telemetry.demo.example/v1/records\" uses plain http:// to telemetry.demo.example, which is not on loopback, so records would cross the network unencrypted; use https://"
    );
    assert!(Endpoint::new("http://127.0.0.1:4318/v1/logs").is_ok());
}
