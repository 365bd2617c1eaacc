//! How an [`InitReport`] is rendered, for people (miette diagnostics, a summary and
//! the draft) and for tools (one JSON document), and whether it fails the run.

use std::fmt::Write as _;

use serde::Serialize;
use telemetry_manifest::Level;

use super::{DraftEvent, DraftField, FieldOutcome, InitReport};
use crate::report::{self, Diagnostic, JsonFinding, JsonLocation, JsonSummary, plural};

impl InitReport {
    /// The report for people: one miette diagnostic per finding, with a snippet on
    /// the Rust line, then a summary of the events, then (on a dry run) the draft.
    /// `color` turns ANSI colours on; links are never emitted.
    pub fn render_human(&self, color: bool) -> String {
        let mut out = report::render_diagnostics(&self.findings, &self.files, color);
        let errors = self.count(Level::Error);
        let warnings = self.count(Level::Warning);
        let _ = writeln!(
            out,
            "init {}: {} drafted from {}; {} kept, {} left out; {}, {}",
            self.selector.flag(),
            plural(self.events.len(), "event"),
            plural(self.files_read, "file"),
            plural(
                self.events.iter().map(DraftEvent::kept).sum::<usize>(),
                "field"
            ),
            self.events
                .iter()
                .map(|e| e.fields.len() - e.kept())
                .sum::<usize>(),
            plural(errors, "error"),
            plural(warnings, "warning"),
        );
        for event in &self.events {
            let _ = writeln!(
                out,
                "  {} ({} {}, {}:{}): {} of {} fields kept",
                event.name,
                if event.struct_name.contains("::") {
                    "variant"
                } else {
                    "struct"
                },
                event.struct_name,
                event.source.path,
                event.source.line,
                event.kept(),
                event.fields.len()
            );
        }
        match &self.written {
            Some(path) => {
                let _ = writeln!(out, "wrote the draft manifest to {path}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "dry run: nothing written; the draft manifest would be:\n"
                );
                out.push_str(&self.draft);
            }
        }
        out
    }

    /// The report for tools, as one JSON document (see `docs/json-output.md`):
    /// `version`, `findings` and `summary` as for `check`, plus `events` (each with
    /// `name`, `struct`, `source`, `description` and `fields`, each field with `name`,
    /// `rust_type`, `source`, and either its inferred `type`, `optional`, `values`
    /// and `category`, or the `rule` that rejects it), `draft` (the YAML text) and
    /// `written` (the path, or `null` on a dry run).
    pub fn render_json(&self) -> String {
        let events = self
            .events
            .iter()
            .map(|event| JsonEvent {
                name: &event.name,
                r#struct: &event.struct_name,
                description: event.doc.as_deref(),
                source: JsonLocation::from(&event.source),
                fields: event
                    .fields
                    .iter()
                    .map(|field| self.json_field(field))
                    .collect(),
            })
            .collect();
        let document = JsonReport {
            version: 1,
            findings: self.findings.iter().map(JsonFinding::from).collect(),
            summary: JsonSummary {
                errors: self.count(Level::Error),
                warnings: self.count(Level::Warning),
            },
            events,
            draft: &self.draft,
            written: self.written.as_deref(),
        };
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|e| {
            format!("{{\"version\":1,\"error\":\"cannot serialise the report: {e}\"}}")
        });
        text.push('\n');
        text
    }

    fn json_field<'r>(&'r self, field: &'r DraftField) -> JsonField<'r> {
        let (ty, optional, values, category, rule) = match &field.outcome {
            FieldOutcome::Kept {
                ty,
                optional,
                values,
                category,
            } => (
                Some(ty.as_str()),
                Some(*optional),
                Some(values.as_slice()),
                Some(*category),
                None,
            ),
            FieldOutcome::Rejected { finding } => (
                None,
                None,
                None,
                None,
                self.findings
                    .get(*finding)
                    .and_then(Diagnostic::rule)
                    .map(|r| r.id),
            ),
        };
        JsonField {
            name: &field.name,
            rust_name: &field.rust_name,
            rust_type: &field.rust_type,
            r#type: ty,
            optional,
            values,
            category,
            description: field.doc.as_deref(),
            rule,
            source: JsonLocation::from(&field.source),
        }
    }

    /// Whether any field or event would be rejected (exit code 1).
    pub fn has_errors(&self) -> bool {
        self.count(Level::Error) > 0
    }

    fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    events: Vec<JsonEvent<'a>>,
    draft: &'a str,
    written: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    name: &'a str,
    r#struct: &'a str,
    description: Option<&'a str>,
    source: JsonLocation<'a>,
    fields: Vec<JsonField<'a>>,
}

#[derive(Serialize)]
struct JsonField<'a> {
    name: &'a str,
    rust_name: &'a str,
    rust_type: &'a str,
    r#type: Option<&'static str>,
    optional: Option<bool>,
    values: Option<&'a [String]>,
    category: Option<&'static str>,
    description: Option<&'a str>,
    rule: Option<&'static str>,
    source: JsonLocation<'a>,
}
