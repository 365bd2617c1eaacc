//! TL012 `unsupported-event-shape`: `#[telemetry_event]` accepts a non-generic
//! struct with named fields, or a non-generic enum whose variants are events;
//! `#[telemetry_group]` accepts only the struct. Only named fields can be matched
//! one by one against the manifest.
//!
//! In an enum of events, a variant with named fields (or none) is an event of its
//! own, and a tuple variant wrapping exactly one type sends that type's event (the
//! type must itself be an event; the macro asserts it through the type system, the
//! linter looks the struct up). Any other tuple variant is a problem.
//!
//! The check is written once, over `syn`, for both callers: the macro hands it the
//! `syn::DeriveInput` it parsed, the linter the `syn::ItemStruct`, `syn::ItemEnum`
//! or `syn::ItemUnion` that carries the attribute (conversions behind the crate's
//! `items` feature, which needs `syn`'s `full` parser; the macro does without it). Each problem comes back as a
//! [`Finding`] with the span of the tokens at fault; the macro puts a compile error
//! there, the linter a diagnostic.
//!
//! ```
//! use telemetry_manifest::{Owner, check_shape};
//! let item: syn::DeriveInput = syn::parse_str("struct Ping<T>(T);").unwrap();
//! let problems = check_shape(&item, Owner::Event("ping"));
//! let messages: Vec<&str> = problems.iter().map(|p| p.finding.message.as_str()).collect();
//! assert_eq!(
//!     messages,
//!     [
//!         "`#[telemetry_event]` cannot be placed on a generic struct",
//!         "`#[telemetry_event]` cannot be placed on a tuple struct",
//!     ]
//! );
//!
//! let item: syn::DeriveInput = syn::parse_str("enum Event { Quit, Moved(u8, u8) }").unwrap();
//! let problems = check_shape(&item, Owner::Event("event"));
//! assert_eq!(
//!     problems[0].finding.message,
//!     "variant `Event::Moved` of a `#[telemetry_event]` enum holds unnamed fields, so they have no names to declare"
//! );
//! ```

use proc_macro2::Span;
use syn::spanned::Spanned;

use syn::punctuated::Punctuated;

use super::structs::default_event_name;
use crate::finding::{CodeTarget, Finding, Owner};
use crate::rules;
use crate::rust_types::type_to_string;

/// The item an attribute stands on, as far as its shape goes.
#[derive(Clone, Copy)]
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
    /// An enum.
    Enum {
        /// The span of its `enum` keyword.
        keyword: Span,
        /// Its name.
        ident: &'a syn::Ident,
        /// Its generic parameters and `where` clause.
        generics: &'a syn::Generics,
        /// Its variants.
        variants: &'a Punctuated<syn::Variant, syn::Token![,]>,
    },
    /// A union, with the span of its `union` keyword.
    Union(Span),
}

// `Debug` by hand, for both shapes: `syn`'s syntax trees implement it only with its
// `extra-traits` feature, which the macro does without.
impl std::fmt::Debug for ItemShape<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ItemShape::Struct { ident, .. } => write!(f, "Struct({ident})"),
            ItemShape::Enum { ident, .. } => write!(f, "Enum({ident})"),
            ItemShape::Union(_) => f.write_str("Union"),
        }
    }
}

impl std::fmt::Debug for VariantShape<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VariantShape::Event(_) => f.write_str("Event"),
            VariantShape::Delegate(ty) => write!(f, "Delegate({})", type_to_string(ty)),
            VariantShape::Unsupported => f.write_str("Unsupported"),
        }
    }
}

impl<'a> From<&'a syn::DeriveInput> for ItemShape<'a> {
    fn from(item: &'a syn::DeriveInput) -> Self {
        match &item.data {
            syn::Data::Struct(data) => ItemShape::Struct {
                ident: &item.ident,
                generics: &item.generics,
                fields: &data.fields,
            },
            syn::Data::Enum(data) => ItemShape::Enum {
                keyword: data.enum_token.span,
                ident: &item.ident,
                generics: &item.generics,
                variants: &data.variants,
            },
            syn::Data::Union(data) => ItemShape::Union(data.union_token.span),
        }
    }
}

#[cfg(feature = "items")]
impl<'a> From<&'a syn::ItemStruct> for ItemShape<'a> {
    fn from(item: &'a syn::ItemStruct) -> Self {
        ItemShape::Struct {
            ident: &item.ident,
            generics: &item.generics,
            fields: &item.fields,
        }
    }
}

#[cfg(feature = "items")]
impl<'a> From<&'a syn::ItemEnum> for ItemShape<'a> {
    fn from(item: &'a syn::ItemEnum) -> Self {
        ItemShape::Enum {
            keyword: item.enum_token.span,
            ident: &item.ident,
            generics: &item.generics,
            variants: &item.variants,
        }
    }
}

#[cfg(feature = "items")]
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
    /// fields of a struct or of a variant, or the name of a unit struct.
    pub span: Span,
}

/// What a variant of a `#[telemetry_event]` enum sends, as far as its shape goes.
#[derive(Clone, Copy)]
pub enum VariantShape<'a> {
    /// Named fields, or none (a unit variant): an event of its own.
    Event(&'a syn::Fields),
    /// A tuple variant wrapping exactly one type, named by a path: it sends that
    /// type's event.
    Delegate(&'a syn::Type),
    /// Anything else: unnamed fields that cannot be declared (a TL012 problem).
    Unsupported,
}

impl<'a> VariantShape<'a> {
    /// The shape of `variant`.
    pub fn of(variant: &'a syn::Variant) -> Self {
        match &variant.fields {
            syn::Fields::Unnamed(unnamed) => match unnamed.unnamed.first() {
                Some(only)
                    if unnamed.unnamed.len() == 1
                        && matches!(&only.ty, syn::Type::Path(path) if path.qself.is_none()) =>
                {
                    VariantShape::Delegate(&only.ty)
                }
                _ => VariantShape::Unsupported,
            },
            fields => VariantShape::Event(fields),
        }
    }
}

/// The TL012 problem of `#[telemetry_event(name = "...")]` on an enum: each variant
/// is an event, named on the variant; `span` is the name's literal.
pub fn enum_name_problem(span: Span) -> ShapeProblem {
    ShapeProblem {
        finding: Finding::new(
            rules::UNSUPPORTED_EVENT_SHAPE,
            "`#[telemetry_event(name = \"...\")]` cannot name an enum, whose variants are the events",
            "name each variant's event with `#[telemetry(name = \"...\")]` on the variant, or leave the variants' snake_case names",
        )
        .at_code(CodeTarget::Struct),
        span,
    }
}

/// The shape problems of the item `#[telemetry_event]` (for an [`Owner::Event`]) or
/// `#[telemetry_group]` (for an [`Owner::Group`]) stands on, in source order: a
/// union is one problem, and so is an enum under `#[telemetry_group]`; a struct may
/// be generic and have unnamed fields or none; an enum of events may be generic and
/// have tuple variants that are neither named fields nor one wrapped event (see
/// [`VariantShape`]). Empty for a non-generic struct with named fields, even none
/// (`{}`), and for a non-generic enum of events whose variants all fit.
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
        ItemShape::Enum {
            keyword,
            ident,
            generics,
            variants,
        } => {
            if let Owner::Group(_) = owner {
                return vec![problem(
                    keyword,
                    "an enum",
                    "declare the group as a struct with named fields; an enum that a field carries derives `TelemetryValue` instead".to_owned(),
                )];
            }
            return enum_problems(ident, generics, variants);
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

/// The problems of an enum of events: generic parameters, and every tuple variant
/// that neither names its fields nor wraps exactly one event type.
fn enum_problems(
    ident: &syn::Ident,
    generics: &syn::Generics,
    variants: &Punctuated<syn::Variant, syn::Token![,]>,
) -> Vec<ShapeProblem> {
    let mut problems = Vec::new();
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        problems.push(ShapeProblem {
            finding: Finding::new(
                rules::UNSUPPORTED_EVENT_SHAPE,
                "`#[telemetry_event]` cannot be placed on a generic enum",
                "remove the generic parameters; each field needs one concrete type that the manifest declares",
            )
            .at_code(CodeTarget::Struct),
            span: generics.span(),
        });
    }
    for variant in variants {
        if let VariantShape::Unsupported = VariantShape::of(variant) {
            let name = default_event_name(&variant.ident.to_string());
            problems.push(ShapeProblem {
                finding: Finding::new(
                    rules::UNSUPPORTED_EVENT_SHAPE,
                    format!(
                        "variant `{ident}::{}` of a `#[telemetry_event]` enum holds unnamed fields, so they have no names to declare",
                        variant.ident
                    ),
                    "give the variant named fields (`Variant { field: Type }`), or wrap exactly one `#[telemetry_event]` struct (`Variant(EventStruct)`)",
                )
                .event(name)
                .at_code(CodeTarget::Struct),
                span: variant.fields.span(),
            });
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
        let item: syn::DeriveInput = syn::parse_str("enum Ping { A(u8, u8) }").unwrap();
        let found = check_shape(&item, Owner::Event("ping"));
        assert_eq!(found[0].finding.event.as_deref(), Some("a"));
        assert_eq!(found[0].finding.code, Some(CodeTarget::Struct));
        let derived: syn::DeriveInput = syn::parse_str("enum Ping { A(u8, u8) }").unwrap();
        assert_eq!(
            check_shape(&derived, Owner::Event("ping"))[0].finding,
            found[0].finding
        );
        let item: syn::DeriveInput = syn::parse_str("union Ping { a: u32 }").unwrap();
        assert_eq!(check_shape(&item, Owner::Event("ping")).len(), 1);
    }

    #[test]
    fn enums_of_events_pass() {
        for text in [
            "enum Event { Started { theme: u8, retries: u8 }, Quit, Build(BuildFinished) }",
            "enum Event { Build(crate::events::BuildFinished), Empty {} }",
            "enum Event {}",
        ] {
            assert!(problems(text, Owner::Event("event")).is_empty(), "{text}");
        }
    }

    #[test]
    fn enums_of_events_reject_generics_and_unnamed_fields() {
        let found = problems(
            "enum Event<T> { Moved(u8, u8), Pair(), Held(&'static str), Ok(T) }",
            Owner::Event("event"),
        );
        let messages: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`#[telemetry_event]` cannot be placed on a generic enum",
                "variant `Event::Moved` of a `#[telemetry_event]` enum holds unnamed fields, so they have no names to declare",
                "variant `Event::Pair` of a `#[telemetry_event]` enum holds unnamed fields, so they have no names to declare",
                "variant `Event::Held` of a `#[telemetry_event]` enum holds unnamed fields, so they have no names to declare",
            ]
        );
    }

    #[test]
    fn a_named_enum_is_a_problem_at_the_name() {
        let problem = enum_name_problem(Span::call_site());
        assert_eq!(problem.finding.rule.id, "TL012");
        assert!(problem.finding.help.contains("#[telemetry(name = "));
    }
}
