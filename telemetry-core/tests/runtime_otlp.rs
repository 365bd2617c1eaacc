//! The OTLP sink against a receiver on loopback that decodes each request with the
//! official protobuf definitions (the `opentelemetry-proto` types): every record
//! arrives as a log record equal to the debug payload of the same event, with the
//! context as resource attributes; and the OTLP sink keeps the network sinks'
//! guarantees: a collector that is down costs no record, which the next run sends.
//!
//! Needs the `http` and `otlp` features; `runtime_http_feature.rs` runs this file
//! with them when the crate's tests are built without.

mod runtime_support;

use std::fs;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};
use prost::Message;
use serde_json::{Map, Value, json};
use telemetry_core::runtime::{Delivery, Endpoint, HttpOptions, Telemetry, TelemetryBuilder};

use runtime_support::server::{Request, Server};
use runtime_support::{Command, DEMO, Ping, SEEN_NOTICE, builder, finished};

/// A builder whose first-run notice was already shown, with `env`, in `dir`.
fn seasoned(dir: &std::path::Path, env: &[(&str, &str)]) -> TelemetryBuilder {
    fs::write(dir.join("telemetry-notice"), SEEN_NOTICE).expect("write");
    builder(&DEMO, dir, env).0
}

fn quick() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_secs(2),
        backoff_initial: Duration::from_millis(20),
        backoff_max: Duration::from_millis(100),
        max_attempts: 2,
        ..HttpOptions::default()
    }
}

fn logs_url(server: &Server) -> Endpoint {
    Endpoint::new(&server.url().replace("/v1/records", "/v1/logs")).expect("loopback")
}

fn record_events(telemetry: &Telemetry) {
    for _ in 0..5 {
        telemetry.record(&finished(Command::Build, true, 2));
    }
    telemetry.record(&finished(Command::Test, false, 20));
    telemetry.record(&Ping { n: 3, ok: None });
    telemetry.record(&Ping {
        n: 70_000,
        ok: Some(true),
    });
}

/// An attribute's value as the JSON value of a record.
fn json_value(attribute: &KeyValue) -> Value {
    match attribute.value.as_ref().and_then(|v| v.value.as_ref()) {
        None => Value::Null,
        Some(any_value::Value::BoolValue(b)) => json!(b),
        Some(any_value::Value::IntValue(i)) => json!(i),
        Some(any_value::Value::StringValue(s)) => json!(s),
        Some(other) => panic!("a record holds no {other:?}"),
    }
}

/// The records of one OTLP request, decoded and turned back into our record
/// shape: `event_name`, the attributes as `fields` (`telemetry.count` as `count`),
/// the resource's attributes but `service.name` as `context`.
fn decoded(request: &Request) -> Vec<Value> {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/logs");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-protobuf")
    );
    assert_eq!(request.header("user-agent"), None);
    let export = ExportLogsServiceRequest::decode(request.bytes.as_slice()).expect("protobuf");
    let mut records = Vec::new();
    for resource_logs in export.resource_logs {
        let resource = resource_logs.resource.expect("a resource");
        let mut context = Map::new();
        let mut service = None;
        for attribute in &resource.attributes {
            if attribute.key == "service.name" {
                service = Some(json_value(attribute));
            } else {
                context.insert(attribute.key.clone(), json_value(attribute));
            }
        }
        assert_eq!(service, Some(json!("demo")), "service.name is the project");
        for scope_logs in resource_logs.scope_logs {
            let scope = scope_logs.scope.expect("a scope");
            assert_eq!(scope.name, "telemetry-core");
            for log in scope_logs.log_records {
                assert_eq!(log.time_unix_nano, 0, "no time finer than the hour");
                assert_eq!(log.observed_time_unix_nano, 0);
                assert!(log.body.is_none() && log.trace_id.is_empty());
                let mut fields = Map::new();
                let mut count = None;
                for attribute in &log.attributes {
                    if attribute.key == "telemetry.count" {
                        count = Some(json_value(attribute));
                    } else {
                        fields.insert(attribute.key.clone(), json_value(attribute));
                    }
                }
                let mut record = json!({
                    "event": log.event_name,
                    "fields": fields,
                    "context": context.clone(),
                });
                if let Some(count) = count {
                    record["count"] = count;
                }
                records.push(record);
            }
        }
    }
    records
}

/// A record with its session id checked and then blanked, since two runs draw two.
fn without_session(mut record: Value) -> Value {
    let session = record["context"]["session_id"]
        .as_str()
        .expect("a session id");
    assert!(session.len() == 32 && session.bytes().all(|b| b.is_ascii_hexdigit()));
    record["context"]["session_id"] = json!("");
    record
}

/// What debug mode prints for the events of [`record_events`].
fn debug_payloads(delivery: Delivery) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("telemetry-notice"), SEEN_NOTICE).expect("write");
    let (builder, captured) = builder(&DEMO, dir.path(), &[("DEMO_TELEMETRY_DEBUG", "1")]);
    let telemetry = builder.delivery(delivery).build();
    record_events(&telemetry);
    telemetry.shutdown(Duration::ZERO);
    captured
        .records()
        .into_iter()
        .map(without_session)
        .collect()
}

#[test]
fn otlp_records_decode_to_the_debug_payloads() {
    for delivery in [Delivery::Summaries, Delivery::EachEvent] {
        let server = Server::ok();
        let dir = tempfile::tempdir().expect("tempdir");
        let telemetry = seasoned(dir.path(), &[])
            .delivery(delivery)
            .otlp_with(logs_url(&server), quick())
            .build();
        record_events(&telemetry);
        telemetry.flush();
        server.wait_for(1, Duration::from_secs(5));
        let stats = telemetry.shutdown(Duration::from_secs(2));
        let received: Vec<Value> = server
            .requests()
            .iter()
            .flat_map(decoded)
            .map(without_session)
            .collect();
        let expected = debug_payloads(delivery);
        assert_eq!(
            expected.len(),
            if delivery == Delivery::Summaries {
                4
            } else {
                8
            }
        );
        assert_eq!(received, expected, "{delivery:?}");
        assert_eq!(stats.delivered, expected.len() as u64, "{stats:?}");
    }
}

#[test]
fn a_collector_that_is_down_costs_no_record_and_the_next_run_sends_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let down =
        Endpoint::new(&Server::down_url().replace("/v1/records", "/v1/logs")).expect("loopback");
    let telemetry = seasoned(dir.path(), &[])
        .delivery(Delivery::EachEvent)
        .otlp_with(down, quick())
        .build();
    record_events(&telemetry);
    let stats = telemetry.shutdown(Duration::ZERO);
    assert_eq!((stats.delivered, stats.spooled), (0, 8), "{stats:?}");

    let server = Server::ok();
    let telemetry = seasoned(dir.path(), &[])
        .otlp_with(logs_url(&server), quick())
        .build();
    let requests = server.wait_for(1, Duration::from_secs(5));
    let received: Vec<Value> = requests
        .iter()
        .flat_map(decoded)
        .map(without_session)
        .collect();
    assert_eq!(received, debug_payloads(Delivery::EachEvent));
    let stats = telemetry.shutdown(Duration::from_secs(2));
    assert_eq!((stats.delivered, stats.spooled), (8, 0), "{stats:?}");
}
