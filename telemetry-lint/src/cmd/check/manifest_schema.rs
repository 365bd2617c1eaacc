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

/// The manifest's text parsed as the JSON Schema sees it: plain YAML values
/// (`since: 1.0` is a number here, where the typed model reads the text `1.0`),
/// with the loader's limits and YAML settings. `None` when the loader could not
/// parse the text either; the loader then reports why.
pub(crate) fn instance(text: &str) -> Option<serde_json::Value> {
    telemetry_manifest::parse_value::<serde_json::Value>(text).ok()
}

/// Validates the manifest, parsed by [`instance`], against the JSON Schema. Only
/// consulted when the shared rules found nothing wrong with the manifest's shape,
/// since they report the same problems with more precise words; a schema error
/// then means the schema and the loader disagree, which is worth knowing.
pub(crate) fn schema_diagnostics(
    loaded: &LoadedManifest,
    instance: &serde_json::Value,
) -> Vec<Diagnostic> {
    schema_errors(instance, &loaded.manifest)
        .into_iter()
        .map(|(message, span)| {
            let mut diagnostic = Diagnostic::problem(Problem::ManifestSchema,
                Level::Error,
                message,
                "fix the manifest at the marked place; the schema lists every key and the values each takes",
            );
            diagnostic.manifest =
                span.map(|span| manifest_location(&loaded.shown_path, &loaded.text, span, "here"));
            diagnostic
        })
        .collect()
}

/// The schema errors of a manifest's plain YAML values, each with the span of the
/// node at fault when it can be found.
fn schema_errors(
    instance: &serde_json::Value,
    manifest: &Manifest,
) -> Vec<(String, Option<ByteSpan>)> {
    let schema = match serde_json::from_str::<serde_json::Value>(MANIFEST_SCHEMA)
        .map_err(|e| e.to_string())
        .and_then(|schema| jsonschema::validator_for(&schema).map_err(|e| e.to_string()))
    {
        Ok(validator) => validator,
        Err(e) => return vec![(format!("the bundled manifest schema is invalid: {e}"), None)],
    };
    schema
        .iter_errors(instance)
        .map(|error| {
            let pointer = error.instance_path().as_str().to_owned();
            let message = format!(
                "the manifest does not match schemas/telemetry-manifest.schema.json at `{}`: {error}",
                if pointer.is_empty() { "/" } else { &pointer }
            );
            (message, pointer_span(manifest, &pointer))
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

    const GOOD: &str = "version: 1\nproject:\n  name: acme\n  retention_days: 90\nevents:\n  ping:\n    fields:\n      ok: { type: bool, category: technical }\n";

    #[test]
    fn bundled_schema_accepts_a_valid_manifest() {
        let manifest = telemetry_manifest::parse_str(GOOD).unwrap();
        assert!(schema_errors(&instance(GOOD).unwrap(), &manifest).is_empty());
    }

    #[test]
    fn schema_errors_point_at_the_node() {
        let text = GOOD.replace("version: 1", "version: 2");
        let manifest = telemetry_manifest::parse_str(&text).unwrap();
        let errors = schema_errors(&instance(&text).unwrap(), &manifest);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let (message, span) = &errors[0];
        assert!(message.contains("at `/version`"), "{message}");
        assert_eq!(span.map(|s| &text[s.offset..s.offset + s.len]), Some("2"));
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
