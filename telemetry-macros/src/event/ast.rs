//! The event or group struct as the macro sees it: the `syn` item turned into our
//! own structure, keeping the original tokens for spans.
//!
//! Only a non-generic struct with named fields is accepted; the shape check is
//! `telemetry_manifest::check_shape`, the one `cargo telemetry-lint` runs too, so the
//! two report TL012 in the same words.

use telemetry_manifest::check_shape;

use super::{Errors, Kind};

/// A struct accepted as an event or a group: non-generic, with named fields.
pub(crate) struct EventInput<'a> {
    /// The struct's name.
    pub(crate) ident: &'a syn::Ident,
    /// The named fields, in declaration order.
    pub(crate) fields: Vec<FieldInput<'a>>,
}

/// One named field.
pub(crate) struct FieldInput<'a> {
    /// The field's name.
    pub(crate) ident: &'a syn::Ident,
    /// The field's type as written.
    pub(crate) ty: &'a syn::Type,
}

/// Accepts a struct with named fields and no generics, declaring the event or
/// group `name`; anything else is recorded as a TL012 error on the tokens at fault
/// (every one of them), and gives `None`.
pub(crate) fn parse<'a>(
    item: &'a syn::DeriveInput,
    kind: Kind,
    name: &str,
    errors: &mut Errors,
) -> Option<EventInput<'a>> {
    let problems = check_shape(item, kind.owner(name));
    for problem in &problems {
        errors.push(syn::Error::new(
            problem.span,
            problem.finding.render_for_compiler(),
        ));
    }
    let syn::Data::Struct(data) = &item.data else {
        return None;
    };
    if !problems.is_empty() {
        return None;
    }
    let fields = data
        .fields
        .iter()
        .filter_map(|field| {
            field.ident.as_ref().map(|ident| FieldInput {
                ident,
                ty: &field.ty,
            })
        })
        .collect();
    Some(EventInput {
        ident: &item.ident,
        fields,
    })
}
