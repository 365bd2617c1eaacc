//! How `init` classifies the Rust type of one field: a type of the manifest's
//! vocabulary, an enum or a struct of the scanned sources, or a type left out.

use heck::ToSnakeCase;
use telemetry_manifest::text::lowercase_first;
use telemetry_manifest::{
    FieldType, StructField, TypeClass, check_field_type, classify_type, rules, type_to_string,
};
use telemetry_manifest::{Owner, check_name};

use super::FieldOutcome;
use super::drafter::Drafter;
use crate::scan::{Body, EnumItem, SourceSpan, StructItem};

/// How many type aliases `init` follows in a row (`type A = B; type B = String;`).
const MAX_ALIASES: usize = 8;

impl<'a> Drafter<'a> {
    /// Classifies one field type; `aliases` counts the type aliases followed so far.
    ///
    /// The type is judged by what it names: its paths are resolved through the
    /// file's `use` items first, so `Value` imported from `serde_json` is an
    /// untyped value, not an unknown name.
    pub(super) fn classify(
        &mut self,
        ty: &syn::Type,
        site: &Site<'_>,
        aliases: usize,
    ) -> Resolved<'a> {
        let scan = self.scan;
        // A name the syntax cannot judge is judged by what the file imports it as;
        // a type judged already keeps the name it is written with.
        let mut class = classify_type(ty);
        let qualified;
        let ty = if matches!(class, TypeClass::Opaque { .. } | TypeClass::Unvetted { .. }) {
            qualified = scan.files[site.file].imports.qualify(ty);
            let judged = classify_type(&qualified);
            if matches!(judged, TypeClass::Forbidden(_) | TypeClass::Carries { .. }) {
                class = judged;
                &qualified
            } else {
                ty
            }
        } else {
            ty
        };
        match class {
            TypeClass::Carries { ty, optional } => Resolved::Field(FieldOutcome::Kept {
                ty,
                optional,
                values: Vec::new(),
                category: "technical",
            }),
            TypeClass::Forbidden(_) if is_static_str(ty) => {
                let message = format!(
                    "field `{}` of event `{}` has type `{}`, which holds one of the fixed strings written in the program, a set the manifest cannot list",
                    site.field,
                    site.event,
                    type_to_string(ty)
                );
                let help = "list the strings the program sends as the variants of a fieldless enum that derives `TelemetryValue`, and declare it as an `enum` field".to_owned();
                Resolved::Field(FieldOutcome::Rejected {
                    finding: self.unvetted(site, message, help),
                })
            }
            TypeClass::Unvetted { .. } if is_number(ty) => {
                // A float or a signed integer whose name says what it holds is
                // judged as a number.
                if let Some(finding) =
                    check_name(Owner::Event(site.event), site.field, FieldType::Count)
                {
                    let index =
                        self.rule_finding(site, finding.rule, finding.message, finding.help);
                    return Resolved::Field(FieldOutcome::Rejected { finding: index });
                }
                let message = format!(
                    "field `{}` of event `{}` has type `{}`, a number the manifest's vocabulary does not carry (a `count` is unsigned and bounded)",
                    site.field,
                    site.event,
                    type_to_string(ty)
                );
                let help = if is_float(ty) {
                    "send the value bucketed: a fieldless enum of ranges (such as `low`, `medium`, `high` for a ratio), a `duration_bucket` or a `size_bucket`"
                } else {
                    "send an unsigned integer declared `count` with a `max` or `buckets`, or a fieldless enum of the values that matter (such as `success` and `failure` for an exit code)"
                }
                .to_owned();
                Resolved::Field(FieldOutcome::Rejected {
                    finding: self.unvetted(site, message, help),
                })
            }
            TypeClass::Forbidden(_) | TypeClass::Unvetted { .. } => {
                let field = StructField {
                    name: site.field.to_owned(),
                    ty,
                };
                match check_field_type(site.event, site.index, &field) {
                    Some(finding) => {
                        let message = if aliases > 0 {
                            let alias = format!("has type `{}`, an alias of `", site.written);
                            finding.message.replacen("has type `", &alias, 1)
                        } else {
                            finding.message
                        };
                        let index = if finding.rule == rules::UNVETTED_VALUE_TYPE {
                            self.unvetted(site, message, finding.help)
                        } else {
                            self.rule_finding(site, finding.rule, message, finding.help)
                        };
                        Resolved::Field(FieldOutcome::Rejected { finding: index })
                    }
                    None => self.classify_unknown(ty, site),
                }
            }
            TypeClass::Opaque { name, optional } => {
                if let Some(nested) = scan.find_struct(&name) {
                    return Resolved::Struct(nested);
                }
                if let Some(found) = scan.find_enum(&name) {
                    return Resolved::Field(self.enum_field(found, &name, optional, ty, site));
                }
                if let Some(alias) = scan.find_alias(&name)
                    && aliases < MAX_ALIASES
                {
                    return self.classify(&alias.ty, site, aliases + 1);
                }
                let message = format!(
                    "field `{}` of event `{}` has type `{}`, which is defined outside the scanned sources, so init did not inspect what it carries",
                    site.field,
                    site.event,
                    type_to_string(ty)
                );
                let help = "declare its values by hand (a fieldless enum that derives `TelemetryValue`), or wrap what the event needs in a type from the manifest's vocabulary; give init the path of the source that defines it to have it inspected".to_owned();
                let finding = self.unvetted(site, message, help);
                Resolved::Field(FieldOutcome::Rejected { finding })
            }
        }
    }

    fn classify_unknown(&mut self, ty: &syn::Type, site: &Site<'_>) -> Resolved<'a> {
        let message = format!(
            "field `{}` of event `{}` has type `{}`, which init cannot classify",
            site.field,
            site.event,
            type_to_string(ty)
        );
        let finding = self.unvetted(
            site,
            message,
            "use a type from the manifest's vocabulary".to_owned(),
        );
        Resolved::Field(FieldOutcome::Rejected { finding })
    }

    fn enum_field(
        &mut self,
        found: &EnumItem,
        name: &str,
        optional: bool,
        ty: &syn::Type,
        site: &Site<'_>,
    ) -> FieldOutcome {
        if found.is_fieldless() {
            return FieldOutcome::Kept {
                ty: FieldType::Enum,
                optional,
                values: found
                    .variants
                    .iter()
                    .map(|v| v.ident.to_snake_case())
                    .collect(),
                category: "interaction",
            };
        }
        // An enum whose variants hold data: report the first forbidden type inside.
        for variant in &found.variants {
            for inner in variant_types(&variant.body) {
                if let TypeClass::Forbidden(forbidden) = classify_type(inner) {
                    let message = format!(
                        "field `{}` of event `{}` has type `{}`, whose variant `{}` holds `{}`, which can carry {}",
                        site.field,
                        site.event,
                        type_to_string(ty),
                        variant.ident,
                        forbidden.culprit,
                        forbidden.carries
                    );
                    let help = lowercase_first(forbidden.rule.fix.trim_end_matches('.'));
                    let index = self.rule_finding(site, forbidden.rule, message, help);
                    return FieldOutcome::Rejected { finding: index };
                }
            }
        }
        let message = if found.variants.is_empty() {
            format!(
                "field `{}` of event `{}` has type `{name}`, an enum without variants",
                site.field, site.event
            )
        } else {
            format!(
                "field `{}` of event `{}` has type `{name}`, an enum whose variants hold data, so its values cannot be listed",
                site.field, site.event
            )
        };
        let finding = self.unvetted(
            site,
            message,
            "use a fieldless enum, one value per variant".to_owned(),
        );
        FieldOutcome::Rejected { finding }
    }
}

/// Whether a type is `&'static str`, or an `Option` of it: a string the program
/// writes itself, from a set fixed at compile time.
fn is_static_str(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => {
            reference
                .lifetime
                .as_ref()
                .is_some_and(|l| l.ident == "static")
                && matches!(&*reference.elem, syn::Type::Path(p) if p.path.is_ident("str"))
        }
        syn::Type::Path(path) => option_inner(path).is_some_and(is_static_str),
        syn::Type::Paren(inner) => is_static_str(&inner.elem),
        _ => false,
    }
}

/// Whether a type is `f32` or `f64`, or an `Option` of one.
fn is_float(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => {
            path.path.is_ident("f32")
                || path.path.is_ident("f64")
                || option_inner(path).is_some_and(is_float)
        }
        _ => false,
    }
}

/// Whether a type is a number the vocabulary does not carry (a float, a signed
/// or 128-bit integer), or an `Option` of one.
fn is_number(ty: &syn::Type) -> bool {
    const NUMBERS: [&str; 9] = [
        "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u128",
    ];
    match ty {
        syn::Type::Path(path) => {
            NUMBERS.iter().any(|n| path.path.is_ident(n))
                || option_inner(path).is_some_and(is_number)
        }
        _ => false,
    }
}

/// The `T` of `Option<T>`.
fn option_inner(path: &syn::TypePath) -> Option<&syn::Type> {
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a type is a zero-sized marker that sends nothing (`PhantomData`).
pub(super) fn is_marker(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "PhantomData" || s.ident == "PhantomPinned"))
}

/// Where a field stands, for its findings.
pub(super) struct Site<'s> {
    pub(super) event: &'s str,
    pub(super) field: &'s str,
    /// The field's type as written.
    pub(super) written: &'s str,
    pub(super) index: usize,
    pub(super) file: usize,
    pub(super) at: SourceSpan,
    pub(super) range: SourceSpan,
}

/// The type parameter of the item a field's type is, seen through `Option`.
pub(super) fn type_param<'p>(ty: &syn::Type, params: &'p [String]) -> Option<&'p str> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if let Some(inner) = option_inner(path) {
        return type_param(inner, params);
    }
    let ident = path.path.get_ident()?.to_string();
    params.iter().find(|p| **p == ident).map(String::as_str)
}

/// The types a variant holds.
fn variant_types(body: &Body) -> Vec<&syn::Type> {
    match body {
        Body::Named(fields) => fields.iter().map(|f| &f.ty).collect(),
        Body::Tuple(types, _) => types.iter().collect(),
        Body::Unit => Vec::new(),
    }
}

pub(super) enum Resolved<'a> {
    Field(FieldOutcome),
    Struct(&'a StructItem),
}
