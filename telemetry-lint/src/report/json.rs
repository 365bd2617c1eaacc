//! Diagnostics for tools: the JSON document described in `docs/json-output.md`.

use serde::Serialize;

use super::{Diagnostic, Location};

/// The JSON report document.
#[derive(Serialize)]
pub(super) struct JsonReport<'a> {
    pub(super) version: u32,
    pub(super) findings: Vec<JsonFinding<'a>>,
    pub(super) summary: JsonSummary,
}

/// The `summary` of a JSON report.
#[derive(Serialize)]
pub(crate) struct JsonSummary {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
}

/// One entry of a JSON report's `findings`.
#[derive(Serialize)]
pub(crate) struct JsonFinding<'a> {
    rule: Option<&'static str>,
    name: &'static str,
    level: &'static str,
    message: &'a str,
    why: Option<&'a str>,
    help: Option<&'a str>,
    event: Option<&'a str>,
    field: Option<&'a str>,
    manifest: Option<JsonLocation<'a>>,
    source: Option<JsonLocation<'a>>,
}

/// A location in a JSON report: path, line and column.
#[derive(Serialize)]
pub(crate) struct JsonLocation<'a> {
    path: &'a str,
    line: usize,
    column: usize,
}

impl<'a> From<&'a Location> for JsonLocation<'a> {
    fn from(l: &'a Location) -> Self {
        JsonLocation {
            path: &l.path,
            line: l.line,
            column: l.column,
        }
    }
}

impl<'a> From<&'a Diagnostic> for JsonFinding<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonFinding {
            rule: d.rule().map(|r| r.id),
            name: d.name(),
            level: d.level.as_str(),
            message: &d.message,
            why: d.why.as_deref(),
            help: d.help.as_deref(),
            event: d.event.as_deref(),
            field: d.field.as_deref(),
            manifest: d.manifest.as_ref().map(JsonLocation::from),
            source: d.source.as_ref().map(JsonLocation::from),
        }
    }
}
