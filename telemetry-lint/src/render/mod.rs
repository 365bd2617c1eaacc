//! The documents generated from the manifest, one module per document: the data
//! dictionary for people (`TELEMETRY.md`, and `TELEMETRY.html` to publish) and for
//! tools (`TELEMETRY.json`), the JSON Schema of the records a program sends, the
//! telemetry changelog between two manifests, and the data review request. Each is a
//! pure function of the validated manifest, so the same manifest always gives the
//! same bytes.

pub(crate) mod changelog;
pub(crate) mod governance;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod payload_schema;
pub(crate) mod review;
pub(crate) mod words;
