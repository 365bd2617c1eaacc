//! TL012 `unsupported-event-shape`: `#[telemetry_event]` and `#[telemetry_group]`
//! accept only a non-generic struct with named fields, since only named fields can
//! be matched one by one against the manifest.
//!
//! The check is written once, over `syn`, for both callers: the macro hands it the
//! `syn::DeriveInput` it parsed, the linter the `syn::ItemStruct`, `syn::ItemEnum`
//! or `syn::ItemUnion` that carries the attribute. Each problem comes back as a
//! [`Finding`] with the span of the tokens at fault; the macro puts a compile error
//! there, the linter a diagnostic.
//!
//! ```
//! use telemetry_manifest::{Owner, check_shape};
//! let item: syn::ItemStruct = syn::parse_str("struct Ping<T>(T);").unwrap();
//! let problems = check_shape(&item, Owner::Event("ping"));
//! let messages: Vec<&str> = problems.iter().map(|p| p.finding.message.as_str()).collect();
//! assert_eq!(
//!     messages,
//!     [
//!         "`#[telemetry_event]` cannot be placed on a generic struct",
//!         "`#[telemetry_event]` cannot be placed on a tuple struct",
//!     ]
//! );
//! ```

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::finding::{CodeTarget, Finding, Owner};
use crate::rules;

/// The item an attribute stands on, as far as its shape goes.
#[derive(Clone, Copy, Debug)]
pub enum ItemShape<'a> {
    /// A struct.
    Struct {
        /// Its name.
        ident: &'a syn::Ident,
        /// Its generic parameters and `where` clause.
        generics: &'a syn::Generics,
        /// Its fields.
        fields: &'a syn::Fields,
    },
    /// An enum, with the span of its `enum` keyword.
    Enum(Span),
    /// A union, with the span of its `union` keyword.
    Union(Span),
}

impl<'a> From<&'a syn::DeriveInput> for ItemShape<'a> {
    fn from(item: &'a syn::DeriveInput) -> Self {
        match &item.data {
            syn::Data::Struct(data) => ItemShape::Struct {
                ident: &item.ident,
                generics: &item.generics,
                fields: &data.fields,
            },
            syn::Data::Enum(data) => ItemShape::Enum(data.enum_token.span),
            syn::Data::Union(data) => ItemShape::Union(data.union_token.span),
        }
    }
}

impl<'a> From<&'a syn::ItemStruct> for ItemShape<'a> {
    fn from(item: &'a syn::ItemStruct) -> Self {
        ItemShape::Struct {
            ident: &item.ident,
            generics: &item.generics,
            fields: &item.fields,
        }
    }
}

impl From<&syn::ItemEnum> for ItemShape<'_> {
    fn from(item: &syn::ItemEnum) -> Self {
        ItemShape::Enum(item.enum_token.span)
    }
}

impl From<&syn::ItemUnion> for ItemShape<'_> {
    fn from(item: &syn::ItemUnion) -> Self {
        ItemShape::Union(item.union_token.span)
    }
}

/// One TL012 problem: the finding, and the tokens at fault.
#[derive(Clone, Debug)]
pub struct ShapeProblem {
    /// The finding: the attribute and what it stands on, the fix; tagged with the
    /// event or group, pointing at [`CodeTarget::Struct`].
    pub finding: Finding,
    /// The tokens at fault: the `enum` or `union` keyword, the generics, the tuple
    /// fields, or the name of a unit struct.
    pub span: Span,
}

/// The shape problems of the item `#[telemetry_event]` (for an [`Owner::Event`]) or
/// `#[telemetry_group]` (for an [`Owner::Group`]) stands on, in source order: an
/// enum or a union is one problem; a struct may be generic and have unnamed fields
/// or none. Empty for a non-generic struct with named fields, even none (`{}`).
pub fn check_shape<'a>(item: impl Into<ItemShape<'a>>, owner: Owner<'_>) -> Vec<ShapeProblem> {
    let attribute = match owner {
        Owner::Event(_) => "telemetry_event",
        Owner::Group(_) => "telemetry_group",
    };
    let noun = owner.kind();
    let problem = |span: Span, what: &str, help: String| ShapeProblem {
        finding: owner
            .tag(Finding::new(
                rules::UNSUPPORTED_EVENT_SHAPE,
                format!("`#[{attribute}]` cannot be placed on {what}"),
                help,
            ))
            .at_code(CodeTarget::Struct),
        span,
    };
    let (ident, generics, fields) = match item.into() {
        ItemShape::Struct {
            ident,
            generics,
            fields,
        } => (ident, generics, fields),
        ItemShape::Enum(span) => {
            return vec![problem(
                span,
                "an enum",
                format!(
                    "declare the {noun} as a struct with named fields; an enum that a field carries derives `TelemetryValue` instead"
                ),
            )];
        }
        ItemShape::Union(span) => {
            return vec![problem(
                span,
                "a union",
                format!("declare the {noun} as a struct with named fields"),
            )];
        }
    };
    let mut problems = Vec::new();
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        problems.push(problem(
            generics.span(),
            "a generic struct",
            "remove the generic parameters; each field needs one concrete type that the manifest declares".to_owned(),
        ));
    }
    match fields {
        syn::Fields::Named(_) => {}
        syn::Fields::Unnamed(unnamed) => problems.push(problem(
            unnamed.span(),
            "a tuple struct",
            "name the fields, as the manifest names them: `struct Event { field: Type }`"
                .to_owned(),
        )),
        syn::Fields::Unit => {
            let a_noun = match owner {
                Owner::Event(_) => "an event",
                Owner::Group(_) => "a group",
            };
            problems.push(problem(
                ident.span(),
                "a unit struct",
                format!(
                    "give the struct named fields; {a_noun} with nothing to say needs a field such as `success: bool`, or none at all declared with `{{}}`"
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str, owner: Owner<'_>) -> Vec<(String, String)> {
        let item: syn::DeriveInput = syn::parse_str(text).expect("an item");
        check_shape(&item, owner)
            .into_iter()
            .map(|p| (p.finding.message, p.finding.help))
            .collect()
    }

    #[test]
    fn named_fields_pass() {
        assert!(problems("struct Ping { ok: bool }", Owner::Event("ping")).is_empty());
        assert!(problems("struct Ping {}", Owner::Event("ping")).is_empty());
    }

    #[test]
    fn every_other_shape_is_tl012() {
        for (text, what) in [
            ("enum Ping { A }", "an enum"),
            ("union Ping { a: u32 }", "a union"),
            ("struct Ping<T> { t: T }", "a generic struct"),
            ("struct Ping where u8: Copy { t: u8 }", "a generic struct"),
            ("struct Ping(u32);", "a tuple struct"),
            ("struct Ping;", "a unit struct"),
        ] {
            let found = problems(text, Owner::Group("ping"));
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(
                found[0].0,
                format!("`#[telemetry_group]` cannot be placed on {what}")
            );
        }
    }

    #[test]
    fn the_words_follow_the_attribute() {
        let event = problems("struct Ping;", Owner::Event("ping"));
        assert_eq!(
            event[0].1,
            "give the struct named fields; an event with nothing to say needs a field such as `success: bool`, or none at all declared with `{}`"
        );
        let group = problems("enum Platform { A }", Owner::Group("platform"));
        assert!(group[0].1.starts_with("declare the group as a struct"));
    }

    #[test]
    fn the_linter_items_agree_with_the_macro_input() {
        let item: syn::ItemEnum = syn::parse_str("enum Ping { A }").unwrap();
        let found = check_shape(&item, Owner::Event("ping"));
        assert_eq!(found[0].finding.event.as_deref(), Some("ping"));
        assert_eq!(found[0].finding.code, Some(CodeTarget::Struct));
        let item: syn::ItemUnion = syn::parse_str("union Ping { a: u32 }").unwrap();
        assert_eq!(check_shape(&item, Owner::Event("ping")).len(), 1);
    }
}
