//! The telemetry manifest: its model, its loader, the rule table, and the checks
//! shared by `#[telemetry_event]` and `cargo telemetry-lint`.
//!
//! A project declares every telemetry event once, in `telemetry.yaml`:
//!
//! ```yaml
//! version: 1
//! project:
//!   name: acme
//!   contact: telemetry@acme.example
//!   retention_days: 90
//!   opt_out: { env: ACME_TELEMETRY=0, flag: --no-telemetry }
//! events:
//!   command_finished:
//!     description: A command ran to completion.
//!     purpose: Learn which commands fail, to prioritise fixes.
//!     owner: cli-team
//!     since: 0.4.0
//!     expires: 2027-06-30
//!     fields:
//!       command: { type: enum, values: [build, test], category: interaction, description: Which command ran. }
//!       duration: { type: duration_bucket, buckets: [1s, 10s, 1min], category: technical, description: How long it took. }
//! ```
//!
//! The crate works in two steps, after cargo-deny's configuration: [`load_path`] (or
//! [`parse_str`]) parses with source spans and rejects unknown and duplicate keys;
//! [`validate`] then resolves the [`Manifest`] into a [`ValidManifest`] and records
//! every problem as a [`Finding`] instead of stopping at the first.
//!
//! # The field-type vocabulary
//!
//! Field types are a closed vocabulary, [`FieldType`]; each is coarse by
//! construction and carried by a fixed set of Rust types (see its docs for the
//! table). There is deliberately no string, timestamp, identifier, list or map type:
//! those are what carry personal data. [`classify_type`] maps a Rust type to the
//! field type it carries, or to the rule that forbids it.
//!
//! # Rules
//!
//! Every check is a [`Rule`] in [`RULES`], with its id, name, level, docs, snippet
//! labels and waiver scope; the compiler errors, the linter's findings, `explain`
//! and `docs/rules.md` all come from that one table.
//!
//! # Layout
//!
//! The modules depend on each other in one direction only, top to bottom:
//!
//! - `checks/`: every check, one file per family of rules (the struct checks shared
//!   by the macro and the linter, the shape check TL012, the policy, privacy and
//!   waiver checks);
//! - `valid.rs`: [`Manifest`] to [`ValidManifest`], with the waiver model;
//!   `governance.rs`: the `governance` section and events' `alternatives`, as
//!   written and checked;
//! - `load.rs` and `model.rs`: the file as written, with spans; `rust_types.rs`:
//!   what a Rust type carries; `finding.rs`: [`Finding`] and [`Owner`];
//! - `rules.rs` (the rule table and the policy's defaults), `vocab.rs` (the closed
//!   vocabularies) and [`text`] (shared words and Markdown escapes) at the bottom.
#![deny(missing_docs)]

mod checks;
#[cfg(feature = "estimate")]
mod estimate;
mod finding;
mod governance;
mod load;
mod model;
mod noise;
pub mod rules;
mod rust_types;
pub mod text;
mod valid;
mod vocab;
mod yaml;

pub use checks::{
    ASSUMED_VERSION_VALUES, Cardinality, EventStruct, GroupStruct, ItemShape, NameMeaning,
    ShapeProblem, StructField, VariantShape, Waived, WorkspaceItems, apply_waivers, check_budget,
    check_delegation, check_embedding, check_enum_variants, check_event_struct, check_field_type,
    check_governance, check_group_struct, check_name, check_number_name, check_opaque_field,
    check_policy, check_privacy, check_shape, check_waivers, check_workspace, default_event_name,
    enum_name_problem, enum_values_message, number_meaning, type_mismatch_help,
    type_mismatch_message,
};
#[cfg(feature = "estimate")]
pub use estimate::{
    Cell, Estimates, EventEstimate, FieldEstimate, FieldEstimateKind, Interval, Z_95, estimate,
};
pub use finding::{CodeTarget, Finding, Owner};
pub use governance::{
    AfterRetention, Alternative, Answer, Encryption, Governance, GovernanceKey, ValidGovernance,
};
pub use load::{
    Document, Lines, LoadError, Loaded, LoadedPolicy, MAX_ALIAS_REPLAY, MAX_DEPTH,
    MAX_MANIFEST_BYTES, MAX_NODES, line_column, load_bytes, load_path, load_policy_path, parse_str,
    parse_value, read_path,
};
pub use model::{
    ByteSpan, ConfigFile, Event, Field, FieldPrivacy, Group, Located, LocatedMap, Manifest,
    MetadataKey, OptOut, Policy, Project, WaiverEntry,
};
pub use noise::{
    DEFAULT_MIN_COUNT, EPSILON_IN_PLAIN_WORDS, Epsilon, EventBudget, FieldNoise, MAX_EPSILON,
    Mechanism, geometric_probability, geometric_variance, rr_probabilities,
};
pub use rules::{
    DEFAULT_ALLOW_NEVER_EXPIRES, DEFAULT_ALLOWED_CATEGORIES, DEFAULT_MAX_COMBINATIONS,
    DEFAULT_MAX_EVENTS, DEFAULT_MAX_EXPIRY_DAYS, DEFAULT_MAX_RETENTION_DAYS,
    DEFAULT_REQUIRED_GOVERNANCE, Enforced, Level, RULES, Rule, WaiverScope,
};
pub use rust_types::{Forbidden, TypeClass, classify_type, type_to_string};
pub use text::is_snake_case;
pub use valid::{
    EventDef, FieldDef, GroupDef, RESERVED_LEVEL_NAMES, Text, ValidConfigFile, ValidManifest,
    ValidPolicy, ValidProject, Waiver, validate,
};
pub use vocab::{
    Automation, Category, ConfigFormat, ConsentModel, ContextField, Date, Expiry, FieldType,
    bucket_labels, format_duration_ms, format_size_bytes, parse_count_bound, parse_duration_ms,
    parse_size_bytes,
};
