//! What `init` reads of a field's Rust type on its own, before the drafter
//! classifies it: a string the program writes itself, a number the vocabulary does
//! not carry, a marker that sends nothing, a type parameter; and what the
//! classification results in.

use super::FieldOutcome;
use crate::scan::{Body, SourceSpan, StructItem};

/// Whether a type is `&'static str`, or an `Option` of it: a string the program
/// writes itself, from a set fixed at compile time.
pub(super) fn is_static_str(ty: &syn::Type) -> bool {
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
pub(super) fn is_float(ty: &syn::Type) -> bool {
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
pub(super) fn is_number(ty: &syn::Type) -> bool {
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
pub(super) fn variant_types(body: &Body) -> Vec<&syn::Type> {
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
