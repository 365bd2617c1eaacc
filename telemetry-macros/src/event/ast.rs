//! The event or group struct as the macro sees it: the `syn` item turned into our
//! own structure, keeping the original tokens for spans.

use proc_macro2::Span;
use syn::spanned::Spanned;

use telemetry_manifest::{Finding, rules};

use super::Kind;

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

/// Accepts a struct with named fields and no generics; anything else is a TL012
/// error on the tokens at fault.
pub(crate) fn parse(item: &syn::DeriveInput, kind: Kind) -> Result<EventInput<'_>, syn::Error> {
    let attribute = kind.attribute();
    let shape_error = |span: Span, what: &str, fix: &str| {
        let finding = Finding::new(
            rules::UNSUPPORTED_EVENT_SHAPE,
            format!("`#[{attribute}]` cannot be placed on {what}"),
            fix,
        );
        syn::Error::new(span, finding.render_for_compiler())
    };
    let data = match &item.data {
        syn::Data::Struct(data) => data,
        syn::Data::Enum(data) => {
            return Err(shape_error(
                data.enum_token.span,
                "an enum",
                &format!(
                    "declare the {} as a struct with named fields; an enum that a field carries derives `TelemetryValue` instead",
                    kind.noun()
                ),
            ));
        }
        syn::Data::Union(data) => {
            return Err(shape_error(
                data.union_token.span,
                "a union",
                &format!("declare the {} as a struct with named fields", kind.noun()),
            ));
        }
    };
    let mut errors: Option<syn::Error> = None;
    let mut push = |error: syn::Error| match &mut errors {
        Some(all) => all.combine(error),
        None => errors = Some(error),
    };
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        push(shape_error(
            item.generics.span(),
            "a generic struct",
            "remove the generic parameters; each field needs one concrete type that the manifest declares",
        ));
    }
    let fields = match &data.fields {
        syn::Fields::Named(named) => named
            .named
            .iter()
            .filter_map(|field| {
                field.ident.as_ref().map(|ident| FieldInput {
                    ident,
                    ty: &field.ty,
                })
            })
            .collect(),
        syn::Fields::Unnamed(unnamed) => {
            push(shape_error(
                unnamed.span(),
                "a tuple struct",
                "name the fields, as the manifest names them: `struct Event { field: Type }`",
            ));
            Vec::new()
        }
        syn::Fields::Unit => {
            push(shape_error(
                item.ident.span(),
                "a unit struct",
                "give the struct named fields; an event with nothing to say needs a field such as `success: bool`, or none at all declared with `{}`",
            ));
            Vec::new()
        }
    };
    match errors {
        Some(errors) => Err(errors),
        None => Ok(EventInput {
            ident: &item.ident,
            fields,
        }),
    }
}
