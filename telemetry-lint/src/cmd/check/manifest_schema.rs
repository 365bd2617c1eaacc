//! The manifest against its JSON Schema, `schemas/telemetry-manifest.schema.json`.
//!
//! The shared rules report shape problems with more precise words, so this check
//! only runs when they found none; a schema error then means the schema and the
//! loader disagree, which is worth knowing. Each error is placed on the manifest
//! node its JSON pointer names.

use telemetry_manifest::{ByteSpan, Level, Manifest};

use crate::load::{LoadedManifest, manifest_location};
use crate::report::{Diagnostic, Problem};

/// The JSON Schema of `telemetry.yaml`, as shipped in `schemas/`.
pub(crate) const MANIFEST_SCHEMA: &str =
    include_str!("../../../../schemas/telemetry-manifest.schema.json");

/// One way the manifest breaks the schema: what is wrong, and the JSON pointer
/// of the node at fault (empty for the whole document).
#[derive(Clone, Debug)]
pub(crate) struct SchemaError {
    message: String,
    pointer: String,
}

/// Validates the manifest's parsed YAML against the JSON Schema, read as the
/// schema sees it: plain YAML values (`since: 1.0` is a number here, where the
/// model reads the text `1.0`). Needs no model, so it runs while the model is read.
pub(crate) fn validate(document: &telemetry_manifest::Document) -> Vec<SchemaError> {
    let whole = |message: String| {
        vec![SchemaError {
            message,
            pointer: String::new(),
        }]
    };
    let schema = match serde_json::from_str::<serde_json::Value>(MANIFEST_SCHEMA)
        .map_err(|e| e.to_string())
        .and_then(|schema| jsonschema::validator_for(&schema).map_err(|e| e.to_string()))
    {
        Ok(validator) => validator,
        Err(e) => return whole(format!("the bundled manifest schema is invalid: {e}")),
    };
    let instance = match document.read::<serde_json::Value>() {
        Ok(instance) => instance,
        Err(e) => {
            return whole(format!(
                "the manifest could not be checked against its JSON Schema: {}",
                e.message
            ));
        }
    };
    schema
        .iter_errors(&instance)
        .map(|error| {
            let pointer = error.instance_path().as_str().to_owned();
            let message = format!(
                "the manifest does not match schemas/telemetry-manifest.schema.json at `{}`: {error}",
                if pointer.is_empty() { "/" } else { &pointer }
            );
            SchemaError { message, pointer }
        })
        .collect()
}

/// The diagnostics of [`validate`]'s errors, each placed on the node its pointer
/// names. Only consulted when the shared rules found nothing wrong with the
/// manifest's shape, since they report the same problems with more precise
/// words; a schema error then means the schema and the loader disagree, which is
/// worth knowing.
pub(crate) fn schema_diagnostics(
    loaded: &LoadedManifest,
    errors: Vec<SchemaError>,
) -> Vec<Diagnostic> {
    errors
        .into_iter()
        .map(|error| {
            let span = pointer_span(&loaded.manifest, &error.pointer);
            let mut diagnostic = Diagnostic::problem(Problem::ManifestSchema,
                Level::Error,
                error.message,
                "fix the manifest at the marked place; the schema lists every key and the values each takes",
            );
            diagnostic.manifest =
                span.map(|span| {
                manifest_location(&loaded.shown_path, &loaded.text, &loaded.lines, span, "here")
            });
            diagnostic
        })
        .collect()
}

/// The span of the manifest node at a JSON pointer, or of its nearest known parent.
fn pointer_span(manifest: &Manifest, pointer: &str) -> Option<ByteSpan> {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let part = |i: usize| parts.get(i).map(String::as_str);
    let list_item = |list: &telemetry_manifest::Located<Vec<telemetry_manifest::Text>>,
                     index: Option<&str>| {
        index
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| list.value.get(i))
            .map_or(list.span, |v| v.span)
    };
    match part(0)? {
        "version" => Some(manifest.version.span),
        "project" => {
            let project = &manifest.project;
            let span = match part(1) {
                Some("name") => project.value.name.span,
                Some("contact") => project.value.contact.as_ref()?.span,
                Some("retention_days") => project.value.retention_days.span,
                Some("opt_out") => project.value.opt_out.as_ref()?.span,
                _ => project.span,
            };
            Some(span)
        }
        "policy" => manifest.policy.as_ref().map(|p| p.span),
        "policy_file" => manifest.policy_file.as_ref().map(|p| p.span),
        "groups" => {
            let (key, group) = manifest
                .groups
                .0
                .iter()
                .find(|(k, _)| Some(k.value.as_str()) == part(1))?;
            Some(if part(2).is_some() {
                group.span
            } else {
                key.span
            })
        }
        "events" => {
            let (key, event) = manifest
                .events
                .0
                .iter()
                .find(|(k, _)| Some(k.value.as_str()) == part(1))?;
            let body = &event.value;
            let span = match part(2) {
                None => key.span,
                Some("fields") => {
                    let Some((fkey, field)) = body
                        .fields
                        .0
                        .iter()
                        .find(|(k, _)| Some(k.value.as_str()) == part(3))
                    else {
                        return Some(key.span);
                    };
                    let f = &field.value;
                    match part(4) {
                        None => fkey.span,
                        Some("type") => f.ty.span,
                        Some("category") => f.category.span,
                        Some("values") => f
                            .values
                            .as_ref()
                            .map_or(field.span, |l| list_item(l, part(5))),
                        Some("buckets") => f
                            .buckets
                            .as_ref()
                            .map_or(field.span, |l| list_item(l, part(5))),
                        Some("max") => f.max.as_ref().map_or(field.span, |m| m.span),
                        _ => field.span,
                    }
                }
                Some(other) => {
                    let text = match other {
                        "description" => body.description.as_ref(),
                        "purpose" => body.purpose.as_ref(),
                        "owner" => body.owner.as_ref(),
                        "since" => body.since.as_ref(),
                        "expires" => body.expires.as_ref(),
                        _ => None,
                    };
                    text.map_or(event.span, |t| t.span)
                }
            };
            Some(span)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema errors of a manifest's text, with the span of each.
    fn schema_errors(text: &str, manifest: &Manifest) -> Vec<(String, Option<ByteSpan>)> {
        validate(&telemetry_manifest::Document::parse(text).unwrap())
            .into_iter()
            .map(|e| {
                let span = pointer_span(manifest, &e.pointer);
                (e.message, span)
            })
            .collect()
    }

    const GOOD: &str = "version: 1\nproject:\n  name: acme\n  retention_days: 90\nevents:\n  ping:\n    fields:\n      ok: { type: bool, category: technical }\n";

    #[test]
    fn bundled_schema_accepts_a_valid_manifest() {
        let manifest = telemetry_manifest::parse_str(GOOD).unwrap();
        assert!(schema_errors(GOOD, &manifest).is_empty());
    }

    #[test]
    fn schema_errors_point_at_the_node() {
        let text = GOOD.replace("version: 1", "version: 2");
        let manifest = telemetry_manifest::parse_str(&text).unwrap();
        let errors = schema_errors(&text, &manifest);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let (message, span) = &errors[0];
        assert!(message.contains("at `/version`"), "{message}");
        assert_eq!(span.map(|s| &text[s.offset..s.offset + s.len]), Some("2"));
    }

    #[test]
    fn a_number_where_the_schema_wants_text_is_found_from_the_same_parse() {
        let text = GOOD.replace("  ping:\n", "  ping:\n    since: 1.0\n");
        let manifest = telemetry_manifest::parse_str(&text).unwrap();
        assert_eq!(
            manifest.events.0[0]
                .1
                .value
                .since
                .as_ref()
                .map(|s| s.value.as_str()),
            Some("1.0")
        );
        let errors = schema_errors(&text, &manifest);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].0.contains("at `/events/ping/since`"),
            "{errors:?}"
        );
    }

    #[test]
    fn pointers_resolve_to_fields() {
        let manifest = telemetry_manifest::parse_str(GOOD).unwrap();
        let span = pointer_span(&manifest, "/events/ping/fields/ok/type").unwrap();
        assert_eq!(&GOOD[span.offset..span.offset + span.len], "bool");
        let span = pointer_span(&manifest, "/events/ping").unwrap();
        assert_eq!(&GOOD[span.offset..span.offset + span.len], "ping");
        assert!(pointer_span(&manifest, "/events/nope").is_none());
    }
}
