//! The checks of one struct field against the manifest, shared by event structs
//! and group structs: forbidden and unvetted types (TL006 to TL011, TL013), an
//! undeclared field (TL002), a type that does not carry the declared type (TL004),
//! a declared field missing from the struct (TL003), and an enum whose variants
//! differ from the declared values (TL005).
//!
//! The messages of TL004 and TL005 are public too: the macro repeats them in the
//! compile-time assertions it generates for types the syntax cannot judge.
//!
//! ```
//! use telemetry_manifest::{FieldType, StructField, check_field_type};
//! let ty: syn::Type = syn::parse_str("PathBuf").unwrap();
//! let field = StructField { name: "config_path".to_owned(), ty: &ty };
//! let finding = check_field_type("config_loaded", 0, &field).unwrap();
//! assert_eq!(finding.rule.id, "TL007");
//! ```

use super::meaning::check_field_name;
use crate::finding::{CodeTarget, Finding, Owner};
use crate::model::ByteSpan;
use crate::rules;
use crate::rust_types::{Forbidden, TypeClass, classify_type, type_to_string};
use crate::text::{closest, lowercase_first};
use crate::valid::FieldDef;
use crate::vocab::FieldType;

/// One named field of an event struct.
#[derive(Clone)]
pub struct StructField<'a> {
    /// The field's name.
    pub name: String,
    /// The field's type as written.
    pub ty: &'a syn::Type,
}

// By hand: `syn`'s syntax trees implement `Debug` only with its `extra-traits`
// feature, which the macro does without.
impl std::fmt::Debug for StructField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StructField")
            .field("name", &self.name)
            .field("ty", &type_to_string(self.ty))
            .finish()
    }
}

/// The message of a field whose Rust type does not carry the declared type.
///
/// `owner` is an event name (`&str`), or an [`Owner`] for a group's field.
pub fn type_mismatch_message<'a>(
    owner: impl Into<Owner<'a>>,
    field: &str,
    declared: FieldType,
    shown: &str,
) -> String {
    let owner = owner.into();
    format!(
        "field `{field}` of {owner} is declared `{declared}` in the manifest, but its Rust type `{shown}` does not carry a `{declared}`"
    )
}

/// The fix for [`type_mismatch_message`].
pub fn type_mismatch_help(declared: FieldType) -> String {
    format!(
        "a `{declared}` is carried by {}; change the Rust type, or the declared `type`",
        declared.rust_types()
    )
}

/// The message of an enum field whose variants differ from the manifest's values.
///
/// `owner` is an event name (`&str`), or an [`Owner`] for a group's field.
pub fn enum_values_message<'a>(
    owner: impl Into<Owner<'a>>,
    field: &str,
    values: &[String],
) -> String {
    let owner = owner.into();
    format!(
        "the variants of enum field `{field}` of {owner} differ from the manifest's values [{}]",
        values.join(", ")
    )
}

fn forbidden_message(owner: Owner<'_>, field: &str, shown: &str, found: &Forbidden) -> String {
    if shown == found.culprit {
        format!(
            "field `{field}` of {owner} has type `{shown}`, which can carry {}",
            found.carries
        )
    } else {
        format!(
            "field `{field}` of {owner} has type `{shown}`, whose `{}` can carry {}",
            found.culprit, found.carries
        )
    }
}

/// The fix of a forbidden type: the rule's, or, for a list, what to send of it.
fn forbidden_help(found: &Forbidden) -> String {
    let culprit = found.culprit.trim_start_matches('&');
    let list = [
        "Vec<",
        "[",
        "VecDeque<",
        "LinkedList<",
        "BinaryHeap<",
        "HashSet<",
        "BTreeSet<",
        "IndexSet<",
    ]
    .iter()
    .any(|start| culprit.starts_with(start));
    if found.rule == rules::UNTYPED_VALUE_FIELD && list {
        "send what the decision needs of the list: its length as a `count` with a `max` or `buckets`, or one field per fact (such as `has_errors: bool`)".to_owned()
    } else {
        lowercase_first(found.rule.fix.trim_end_matches('.'))
    }
}

/// TL013 for field `index` (`field`, of type `shown`) of `owner`: a type not known
/// to be coarse, with `help` saying what to use.
pub(super) fn unvetted(
    owner: Owner<'_>,
    index: usize,
    field: &str,
    shown: &str,
    help: String,
) -> Finding {
    owner
        .tag(Finding::new(
            rules::UNVETTED_VALUE_TYPE,
            format!(
                "field `{field}` of {owner} has type `{shown}`, which is not a vetted telemetry value type"
            ),
            help,
        ))
        .field(field)
        .at_code(CodeTarget::FieldType(index))
}

/// Checks the Rust type of one field on its own: forbidden types and unvetted types.
///
/// Returns at most one finding. `owner` is an event name (`&str`), or an
/// [`Owner`] for a group's field.
pub fn check_field_type<'a>(
    owner: impl Into<Owner<'a>>,
    index: usize,
    field: &StructField<'_>,
) -> Option<Finding> {
    let owner = owner.into();
    match classify_type(field.ty) {
        TypeClass::Forbidden(found) => Some(
            owner
                .tag(Finding::new(
                    found.rule,
                    forbidden_message(owner, &field.name, &type_to_string(field.ty), &found),
                    forbidden_help(&found),
                ))
                .field(&field.name)
                .at_code(CodeTarget::FieldType(index)),
        ),
        TypeClass::Unvetted { shown } => Some(unvetted(
            owner,
            index,
            &field.name,
            &shown,
            "use a type from the manifest's vocabulary (`bool`, an unsigned integer, `DurationBucket`, `SizeBucket`, `OsFamily`, `Arch`, `Version`), or a fieldless enum with `#[derive(TelemetryValue)]`".to_owned(),
        )),
        TypeClass::Carries { .. } | TypeClass::Opaque { .. } => None,
    }
}

/// One struct field against the declared fields of its event or group: TL002 when
/// it is not declared, TL004 when its type does not carry the declared type.
pub(super) fn check_fields_one<'s>(
    owner: Owner<'_>,
    declared_fields: &[FieldDef],
    owner_span: ByteSpan,
    struct_fields: impl Iterator<Item = &'s str> + Clone,
    index: usize,
    field: &StructField<'_>,
    findings: &mut Vec<Finding>,
) {
    match declared_fields.iter().find(|f| f.name.value == field.name) {
        None => {
            let missing: Vec<&str> = declared_fields
                .iter()
                .map(|f| f.name.value.as_str())
                .filter(|k| !struct_fields.clone().any(|f| f == *k))
                .collect();
            let list = format!("{}'s `fields:`", owner.kind());
            let help = match closest(&field.name, &missing) {
                Some(near) => format!(
                    "did you mean `{near}`? Rename the field, or declare `{}` under the {list}",
                    field.name
                ),
                None => format!(
                    "declare `{}` under the {list} with its type, category and description, or remove it from the struct",
                    field.name
                ),
            };
            findings.push(
                owner
                    .tag(Finding::new(
                        rules::UNDECLARED_FIELD,
                        format!(
                            "field `{}` of {owner} is not declared in the manifest",
                            field.name
                        ),
                        help,
                    ))
                    .field(&field.name)
                    .at_manifest(owner_span)
                    .at_code(CodeTarget::FieldName(index)),
            );
        }
        Some(declared) => {
            // A field whose type is wrong, or not known from the syntax, is
            // reported for its type alone: what its name says is judged once the
            // type is one of the vocabulary's and carries the declared type.
            if let Some(finding) = check_declared_type(owner, declared, index, field) {
                findings.push(finding);
            } else if matches!(classify_type(field.ty), TypeClass::Carries { .. })
                && let Some(finding) = check_field_name(owner, index, declared)
            {
                findings.push(finding);
            }
        }
    }
}

/// What messages call the Rust item of an event or a group: `variant` for
/// `Enum::Variant` (a variant of an enum of events), `struct` otherwise.
pub(super) fn item_noun(ident: &str) -> &'static str {
    if ident.contains("::") {
        "variant"
    } else {
        "struct"
    }
}

/// TL003 for every declared field the struct lacks.
pub(super) fn check_missing_fields<'s>(
    owner: Owner<'_>,
    ident: &str,
    declared_fields: &[FieldDef],
    struct_fields: impl Iterator<Item = &'s str> + Clone,
    findings: &mut Vec<Finding>,
) {
    for declared in declared_fields {
        if !struct_fields.clone().any(|f| f == declared.name.value) {
            findings.push(
                owner
                    .tag(Finding::new(
                        rules::MISSING_FIELD,
                        format!(
                            "field `{}` of {owner} is declared in the manifest but missing from {} `{ident}`",
                            declared.name.value,
                            item_noun(ident)
                        ),
                        format!(
                            "add `{}: {}` to the {}, or remove the field from the manifest",
                            declared.name.value,
                            declared.ty.value.example_rust_type(),
                            item_noun(ident)
                        ),
                    ))
                    .field(&declared.name.value)
                    .at_manifest(declared.name.span)
                    .at_code(CodeTarget::Struct),
            );
        }
    }
}

fn check_declared_type(
    owner: Owner<'_>,
    declared: &FieldDef,
    index: usize,
    field: &StructField<'_>,
) -> Option<Finding> {
    let declared_ty = declared.ty.value;
    let mismatch = || {
        owner
            .tag(Finding::new(
                rules::FIELD_TYPE_MISMATCH,
                type_mismatch_message(owner, &field.name, declared_ty, &type_to_string(field.ty)),
                type_mismatch_help(declared_ty),
            ))
            .field(&field.name)
            .at_manifest(declared.ty.span)
            .at_code(CodeTarget::FieldType(index))
    };
    match classify_type(field.ty) {
        TypeClass::Carries { ty, .. } if ty != declared_ty => Some(mismatch()),
        // A vetted type where an enum is declared cannot be an enum.
        TypeClass::Carries { .. } | TypeClass::Opaque { .. } => None,
        TypeClass::Forbidden(_) | TypeClass::Unvetted { .. } => None,
    }
}

/// Compares an enum's variants (already snake_case) with a field's declared values.
/// `owner` is the event (an [`EventDef`](crate::EventDef)) or the group (a [`GroupDef`](crate::GroupDef)) the field
/// belongs to.
pub fn check_enum_variants<'a>(
    owner: impl Into<Owner<'a>>,
    declared: &FieldDef,
    variants: &[String],
) -> Option<Finding> {
    let owner = owner.into();
    let values: Vec<String> = declared.values.iter().map(|v| v.value.clone()).collect();
    let missing: Vec<&str> = values
        .iter()
        .filter(|v| !variants.contains(v))
        .map(String::as_str)
        .collect();
    let extra: Vec<&str> = variants
        .iter()
        .filter(|v| !values.contains(v))
        .map(String::as_str)
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut help = Vec::new();
    if !extra.is_empty() {
        help.push(format!("add [{}] to `values`", extra.join(", ")));
    }
    if !missing.is_empty() {
        help.push(format!(
            "add variants for [{}] or remove them from `values`",
            missing.join(", ")
        ));
    }
    Some(
        owner
            .tag(Finding::new(
                rules::ENUM_VALUES_MISMATCH,
                enum_values_message(owner, &declared.name.value, &values),
                help.join("; "),
            ))
            .field(&declared.name.value)
            .at_manifest(declared.values.first().map_or(declared.ty.span, |v| v.span)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(ty: &str) -> String {
        let ty: syn::Type = syn::parse_str(ty).unwrap();
        let field = StructField {
            name: "f".to_owned(),
            ty: &ty,
        };
        check_field_type("e", 0, &field)
            .map(|f| f.help)
            .unwrap_or_default()
    }

    #[test]
    fn a_list_is_told_what_to_send_of_it() {
        for ty in ["Vec<u64>", "[u32; 4]", "&[u16]", "Option<BTreeSet<u8>>"] {
            assert!(
                help(ty).contains("its length as a `count`"),
                "{ty}: {}",
                help(ty)
            );
        }
        assert!(!help("HashMap<String, u8>").contains("its length"));
    }
}
