//! The checks: each takes the checked manifest (and, for a struct, what the macro
//! or the linter parsed of it) and returns [`Finding`](crate::Finding)s; none
//! stops at the first problem.
//!
//! One file per family of rules:
//!
//! | file | checks | rules |
//! |---|---|---|
//! | `shape.rs` | the item an attribute stands on, and each variant of an enum of events | TL012 |
//! | `fields.rs` | one struct field against its declaration | TL002 to TL011, TL013 |
//! | `meaning.rs` | what a number's name says it holds | TL036, TL037, TL038 |
//! | `structs.rs` | an event struct against its event | TL001, and the field checks |
//! | `groups.rs` | a group struct against its group; an event's embeddings | TL030, TL032 |
//! | `policy.rs` | the manifest against its policy | TL016 to TL020 |
//! | `privacy.rs` | the manifest as a reviewer reads it | TL022 to TL027 |
//! | `governance.rs` | who holds the data, and the alternatives to collecting it | TL017 (its answers), TL044 to TL046 |
//! | `budget.rs` | the privacy budget against the policy's `max_epsilon_per_day` | TL039 |
//! | `waivers.rs` | waivers, and waivers against findings | TL028, TL029 |
//! | `workspace.rs` | what only the whole workspace shows | TL015, TL033; TL004, TL005, TL013 and TL032 resolved against it |
//!
//! The struct checks are shared by `#[telemetry_event]`, `#[telemetry_group]` and
//! `cargo telemetry-lint`, so the words are built here, once, and the two never
//! disagree; the manifest and workspace checks run in the linter only.

mod budget;
mod fields;
mod governance;
mod groups;
mod meaning;
mod policy;
mod privacy;
mod shape;
mod structs;
mod waivers;
mod workspace;

pub use budget::check_budget;
pub use fields::{
    StructField, check_enum_variants, check_field_type, enum_values_message, type_mismatch_help,
    type_mismatch_message,
};
pub use governance::check_governance;
pub use groups::{GroupStruct, check_group_struct};
pub use meaning::{NameMeaning, check_name, check_number_name, number_meaning};
pub use policy::check_policy;
pub use privacy::{ASSUMED_VERSION_VALUES, Cardinality, check_privacy};
pub use shape::{ItemShape, ShapeProblem, VariantShape, check_shape, enum_name_problem};
pub use structs::{EventStruct, check_event_struct, default_event_name};
pub use waivers::{Waived, apply_waivers, check_waivers};
pub use workspace::{
    WorkspaceItems, check_delegation, check_embedding, check_opaque_field, check_workspace,
};
