//! The item as the macro sees it: the `syn` item turned into our own structure,
//! keeping the original tokens for spans.
//!
//! A struct with named fields is one event (or one group). A non-generic enum under
//! `#[telemetry_event]` is an enum of events: each variant with named fields, or
//! none, is an event checked as a struct is, and a tuple variant wrapping one type
//! sends that type's event. The shape check is `telemetry_manifest::check_shape`,
//! the one `cargo telemetry-lint` runs too, so the two report TL012 in the same
//! words.
//!
//! A variant's event is named after the variant in snake_case, or by the helper
//! attribute `#[telemetry(name = "...")]` on the variant, which the expansion
//! removes from the emitted enum.

use proc_macro2::Span;
use telemetry_manifest::{
    VariantShape, check_shape, default_event_name, enum_name_problem, is_snake_case,
};

use super::{Errors, Kind};

/// The item accepted as an event or a group.
pub(crate) enum Input<'a> {
    /// A struct with named fields: one event or group.
    Struct(EventInput<'a>),
    /// An enum of events.
    Enum {
        /// Its variants, in declaration order.
        variants: Vec<VariantInput<'a>>,
        /// Whether its variants are checked against the manifest: false for a
        /// generic enum, or one named as a whole, which is reported as such.
        checked: bool,
    },
}

/// A struct or a variant accepted as one event (or a struct as one group).
pub(crate) struct EventInput<'a> {
    /// The struct's name, or the variant's.
    pub(crate) ident: &'a syn::Ident,
    /// The name messages give the item: `Struct`, or `Enum::Variant`.
    pub(crate) shown: String,
    /// The event or group name it declares.
    pub(crate) name: String,
    /// The named fields, in declaration order (none for a unit variant).
    pub(crate) fields: Vec<FieldInput<'a>>,
}

/// One named field.
pub(crate) struct FieldInput<'a> {
    /// The field's name.
    pub(crate) ident: &'a syn::Ident,
    /// The field's type as written.
    pub(crate) ty: &'a syn::Type,
}

/// A variant of an enum of events.
pub(crate) enum VariantInput<'a> {
    /// A variant with named fields, or a unit variant: an event of its own.
    Event(EventInput<'a>),
    /// A tuple variant wrapping one type, which sends that type's event.
    Delegate {
        /// The variant's name.
        ident: &'a syn::Ident,
        /// The wrapped type.
        ty: &'a syn::Type,
    },
    /// A variant whose shape was reported; still named, so the expansion can emit
    /// a placeholder that matches it.
    Unsupported {
        /// The variant's name.
        ident: &'a syn::Ident,
        /// The event name it would declare.
        name: String,
    },
}

/// Accepts a struct with named fields and no generics, declaring the event or
/// group `name` (`name_span` being where the attribute names it, if it does), or,
/// for an event, a non-generic enum of events. Anything else is recorded as a
/// TL012 error on the tokens at fault (every one of them), and gives `None`.
pub(crate) fn parse<'a>(
    item: &'a syn::DeriveInput,
    kind: Kind,
    name: &str,
    name_span: Option<Span>,
    errors: &mut Errors,
) -> Option<Input<'a>> {
    let mut problems = check_shape(item, kind.owner(name));
    if let (syn::Data::Enum(_), Kind::Event, Some(span)) = (&item.data, kind, name_span) {
        problems.insert(0, enum_name_problem(span));
    }
    for problem in &problems {
        errors.push(syn::Error::new(
            problem.span,
            problem.finding.render_for_compiler(),
        ));
    }
    match &item.data {
        syn::Data::Struct(data) if problems.is_empty() => Some(Input::Struct(EventInput {
            ident: &item.ident,
            shown: item.ident.to_string(),
            name: name.to_owned(),
            fields: named_fields(&data.fields),
        })),
        syn::Data::Enum(data) if kind == Kind::Event => {
            let variants = data
                .variants
                .iter()
                .map(|variant| parse_variant(&item.ident, variant, errors))
                .collect();
            // A generic enum, or one named as a whole, is reported and not checked
            // further; its variants still shape the placeholder.
            let generic = !item.generics.params.is_empty() || item.generics.where_clause.is_some();
            Some(Input::Enum {
                variants,
                checked: !generic && name_span.is_none(),
            })
        }
        _ => None,
    }
}

fn named_fields(fields: &syn::Fields) -> Vec<FieldInput<'_>> {
    fields
        .iter()
        .filter_map(|field| {
            field.ident.as_ref().map(|ident| FieldInput {
                ident,
                ty: &field.ty,
            })
        })
        .collect()
}

fn parse_variant<'a>(
    enum_ident: &syn::Ident,
    variant: &'a syn::Variant,
    errors: &mut Errors,
) -> VariantInput<'a> {
    let ident = &variant.ident;
    let explicit = variant_name(variant, errors);
    let name = explicit.as_ref().map_or_else(
        || default_event_name(&ident.to_string()),
        |(n, _)| n.clone(),
    );
    match VariantShape::of(variant) {
        VariantShape::Event(fields) => VariantInput::Event(EventInput {
            ident,
            shown: format!("{enum_ident}::{ident}"),
            name,
            fields: named_fields(fields),
        }),
        VariantShape::Delegate(ty) => {
            if let Some((_, span)) = explicit {
                errors.push(syn::Error::new(
                    span,
                    format!(
                        "`#[telemetry(name = \"...\")]` cannot name variant `{enum_ident}::{ident}`, which sends the event of the type it wraps\n  = help: name the event on the wrapped type, with `#[telemetry_event(name = \"...\")]`, or remove the attribute"
                    ),
                ));
            }
            VariantInput::Delegate { ident, ty }
        }
        VariantShape::Unsupported => VariantInput::Unsupported { ident, name },
    }
}

/// Whether an attribute is the helper `#[telemetry(...)]`.
pub(crate) fn is_helper(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("telemetry")
}

/// The event name `#[telemetry(name = "...")]` gives a variant, with the span of its
/// literal; a malformed helper is recorded and read as no name.
fn variant_name(variant: &syn::Variant, errors: &mut Errors) -> Option<(String, Span)> {
    let mut found: Option<(String, Span)> = None;
    for attr in variant.attrs.iter().filter(|a| is_helper(a)) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let literal: syn::LitStr = meta.value()?.parse()?;
                if found.is_some() {
                    return Err(meta.error("`name` is given twice; keep one"));
                }
                found = Some((literal.value(), literal.span()));
                Ok(())
            } else {
                Err(meta.error(
                    "unknown argument; `#[telemetry]` on a variant takes only `name = \"event_name\"`",
                ))
            }
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
    if let Some((name, span)) = &found
        && !is_snake_case(name)
    {
        errors.push(syn::Error::new(
            *span,
            format!(
                "event name `{name}` is not snake_case\n  = help: write it in lowercase words joined by `_`, as the manifest names events"
            ),
        ));
    }
    found
}
