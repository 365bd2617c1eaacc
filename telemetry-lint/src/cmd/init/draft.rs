//! The draft manifest `init` writes.

use std::fmt::Write as _;

use super::{DRAFT_RETENTION_DAYS, FieldOutcome, InitReport};
use crate::report::plural;

/// A YAML scalar: plain when it cannot be misread, else double-quoted.
fn scalar(text: &str) -> String {
    let plain = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, ' ' | '.' | ',' | '(' | ')' | '-' | '_' | '/' | '\'')
        })
        && !text.ends_with(' ')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
        );
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "TODO".to_owned())
    }
}

/// One line of a YAML comment: no line breaks.
fn comment(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

pub(super) fn draft_yaml(report: &InitReport, project: &str, roots: &[String]) -> String {
    let mut out = String::new();
    let kept: usize = report.events.iter().map(|e| e.kept()).sum();
    let left: usize = report
        .events
        .iter()
        .map(|e| e.fields.len() - e.kept())
        .sum();
    let _ = writeln!(
        out,
        "# Draft telemetry manifest, written by `cargo telemetry-lint init {}`",
        report.selector.flag()
    );
    let _ = writeln!(
        out,
        "# from {} ({}, {} kept, {left} left out).",
        comment(&roots.join(", ")),
        plural(report.events.len(), "event"),
        plural(kept, "field"),
    );
    out.push_str(
        "# Every TODO needs a real answer, and `since`, `expires` and `opt_out` are left out\n\
         # until someone decides them: `cargo telemetry-lint` fails until then.\n",
    );
    out.push_str("version: 1\nproject:\n");
    let _ = writeln!(out, "  name: {}", scalar(project));
    out.push_str("  contact: TODO\n");
    let _ = writeln!(out, "  retention_days: {DRAFT_RETENTION_DAYS}");
    out.push_str(
        "  # opt_out: { env: NAME=0, flag: --no-telemetry }   (how users turn telemetry off)\n",
    );
    if report.events.is_empty() {
        out.push_str("events: {}\n");
        return out;
    }
    out.push_str("events:\n");
    for event in &report.events {
        let _ = writeln!(out, "  {}:", event.name);
        let _ = writeln!(
            out,
            "    # struct {} ({}:{})",
            event.struct_name, event.source.path, event.source.line
        );
        let _ = writeln!(
            out,
            "    description: {}",
            scalar(event.doc.as_deref().unwrap_or("TODO"))
        );
        out.push_str("    purpose: TODO\n    owner: TODO\n");
        out.push_str("    # since: 0.0.0          (the first version that sends this event)\n");
        out.push_str("    # expires: YYYY-MM-DD   (the date collection stops, or `never`)\n");
        if event.kept() == 0 {
            out.push_str("    fields: {}\n");
        } else {
            out.push_str("    fields:\n");
        }
        for field in &event.fields {
            match &field.outcome {
                FieldOutcome::Kept {
                    ty,
                    values,
                    category,
                    ..
                } => {
                    let _ = write!(out, "      {}: {{ type: {ty}", field.name);
                    if !values.is_empty() {
                        let _ = write!(out, ", values: [{}]", values.join(", "));
                    }
                    let _ = writeln!(
                        out,
                        ", category: {category}, description: {} }}",
                        scalar(field.doc.as_deref().unwrap_or("TODO"))
                    );
                }
                FieldOutcome::Rejected { finding } => {
                    let why = report.findings.get(*finding).map_or_else(String::new, |f| {
                        format!("{}: {}", f.heading(), f.why.as_deref().unwrap_or_default())
                    });
                    let _ = writeln!(
                        out,
                        "      # left out `{}: {}` ({}:{}), {}",
                        field.name,
                        comment(&field.rust_type),
                        field.source.path,
                        field.source.line,
                        comment(&why)
                    );
                }
            }
        }
    }
    out
}

