//! The OTLP encoding (feature `otlp`): a batch of records as one OTLP/HTTP
//! `ExportLogsServiceRequest` in protobuf, for `POST /v1/logs` of an OpenTelemetry
//! Collector (OTLP specification, "OTLP/HTTP"; the messages of
//! `opentelemetry/proto/logs/v1/logs.proto`, built by the `opentelemetry-proto`
//! crate).
//!
//! Each record becomes one `LogRecord`:
//!
//! - `event_name`: the record's `event`;
//! - `attributes`: the record's `fields`, by name, in the record's order (a bool as
//!   `bool_value`, a number as `int_value`, a label as `string_value`, `null` as an
//!   empty value), then, in a summary, `telemetry.count` with the record's `count`;
//! - no time, no body, no severity, no trace: the record carries no time finer
//!   than its `hour`, which is in the context.
//!
//! The records' `context` becomes the resource: one `ResourceLogs` per distinct
//! context, in order of first appearance, whose attributes are `service.name` (the
//! project's name, as the OpenTelemetry resource semantic conventions ask) and then
//! the context's keys. Its one `ScopeLogs` names the scope
//! `telemetry-core` with this crate's version.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use serde_json::Value;

/// The attribute that carries a summary's `count`.
pub(crate) const COUNT_ATTRIBUTE: &str = "telemetry.count";

/// `batch` (record texts) as an `ExportLogsServiceRequest` in protobuf. A text that
/// is not a record is left out.
pub(crate) fn encode(batch: &[String], service: &str) -> Vec<u8> {
    let mut resources: Vec<(Value, ResourceLogs)> = Vec::new();
    for text in batch {
        let Ok(Value::Object(mut record)) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let Some(Value::String(event)) = record.remove("event") else {
            continue;
        };
        let mut attributes = match record.remove("fields") {
            Some(Value::Object(fields)) => fields
                .into_iter()
                .map(|(key, value)| attribute(key, value))
                .collect(),
            _ => Vec::new(),
        };
        if let Some(count) = record.remove("count") {
            attributes.push(attribute(COUNT_ATTRIBUTE.to_owned(), count));
        }
        let log = LogRecord {
            event_name: event,
            attributes,
            ..LogRecord::default()
        };
        let context = record.remove("context").unwrap_or(Value::Null);
        match resources.iter_mut().find(|(c, _)| *c == context) {
            Some((_, resource)) => resource.scope_logs[0].log_records.push(log),
            None => {
                let resource = resource_logs(service, &context, log);
                resources.push((context, resource));
            }
        }
    }
    ExportLogsServiceRequest {
        resource_logs: resources.into_iter().map(|(_, r)| r).collect(),
    }
    .encode_to_vec()
}

/// A `ResourceLogs` for `context`, holding `log`.
fn resource_logs(service: &str, context: &Value, log: LogRecord) -> ResourceLogs {
    let mut attributes = vec![attribute(
        "service.name".to_owned(),
        Value::String(service.to_owned()),
    )];
    if let Value::Object(context) = context {
        attributes.extend(
            context
                .iter()
                .map(|(key, value)| attribute(key.clone(), value.clone())),
        );
    }
    ResourceLogs {
        resource: Some(Resource {
            attributes,
            ..Resource::default()
        }),
        scope_logs: vec![ScopeLogs {
            scope: Some(InstrumentationScope {
                name: "telemetry-core".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
                ..InstrumentationScope::default()
            }),
            log_records: vec![log],
            ..ScopeLogs::default()
        }],
        ..ResourceLogs::default()
    }
}

/// One attribute. Records hold only bools, unsigned numbers, strings and `null`;
/// anything else is sent as its JSON text.
fn attribute(key: String, value: Value) -> KeyValue {
    let value = match value {
        Value::Null => None,
        Value::Bool(b) => Some(any_value::Value::BoolValue(b)),
        Value::Number(n) => Some(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => any_value::Value::IntValue(i),
            (None, Some(f)) if n.is_f64() => any_value::Value::DoubleValue(f),
            _ => any_value::Value::IntValue(i64::MAX),
        }),
        Value::String(s) => Some(any_value::Value::StringValue(s)),
        other => Some(any_value::Value::StringValue(other.to_string())),
    };
    KeyValue {
        key,
        value: Some(AnyValue { value }),
        ..KeyValue::default()
    }
}
