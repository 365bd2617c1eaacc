//! Code generation for `#[telemetry_event]` and `#[telemetry_group]`.
//!
//! The struct is emitted unchanged. Beside it, in one anonymous `const _: () = {...}`
//! block so nothing leaks into the user's namespace:
//! - what makes cargo rebuild the crate when the manifest or `TELEMETRY_MANIFEST`
//!   changes (`option_env!` of the variable, and `include_bytes!` of the manifest
//!   in the first expansion of the compiler process only: one copy per crate is
//!   enough, one per event would make the crate's metadata grow with the manifest
//!   times the events);
//! - one marker type per field, named after the field, so a type-system error can
//!   say which field is at fault;
//! - `impl TelemetryEvent` (or `impl TelemetryGroup`) with the name, the field
//!   metadata from the manifest, and the payload; an event's metadata lists the
//!   fields of its embedded groups too, and its payload visits them through the
//!   embedded struct, so the payload stays flat;
//! - compile-time assertions for the fields whose type the syntax alone cannot
//!   judge (aliases, newtypes, user enums): the type implements `TelemetryValue`,
//!   carries the declared field type, and, for enums, has exactly the declared values;
//!   for a field that embeds a group, that its type implements `TelemetryGroup`
//!   with the group's `NAME`.
//!
//! Generated code reaches runtime items only through `::telemetry_core::__private`.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use telemetry_manifest::{
    FieldDef, FieldType, Finding, GroupDef, Owner, enum_values_message, line_column, rules,
    type_mismatch_help, type_mismatch_message, type_to_string,
};

use super::Kind;

/// The struct's declaration, borrowed from the cached manifest.
pub(crate) struct Declared<'a> {
    /// The event or group declared.
    pub(crate) owner: Owner<'a>,
    /// The manifest's path as shown in messages.
    pub(crate) shown: &'a str,
    /// The manifest's text, to turn spans into lines.
    pub(crate) source: &'a str,
}

/// Everything the expansion needs, gathered by the pipeline.
pub(crate) struct Plan<'a> {
    /// Whether the struct is an event or a group.
    pub(crate) kind: Kind,
    /// The item as written.
    pub(crate) item: &'a syn::DeriveInput,
    /// The event or group name.
    pub(crate) name: String,
    /// The manifest's absolute path, when one was found.
    pub(crate) manifest_path: Option<&'a Path>,
    /// The event's declaration, when the manifest has one.
    pub(crate) declared: Option<Declared<'a>>,
    /// The fields, when the struct has named fields.
    pub(crate) fields: Vec<FieldPlan<'a>>,
    /// For an event: the groups it embeds, in the order of its `groups:` list.
    pub(crate) embedded: Vec<&'a GroupDef>,
}

/// One field, as checked.
pub(crate) struct FieldPlan<'a> {
    /// The field's name.
    pub(crate) ident: syn::Ident,
    /// The field's type as written.
    pub(crate) ty: syn::Type,
    /// Whether a syntactic check already reported this field.
    pub(crate) faulty: bool,
    /// Whether the syntax alone cannot tell what the type carries.
    pub(crate) opaque: bool,
    /// The field's declaration, if the manifest has one.
    pub(crate) declared: Option<&'a FieldDef>,
    /// The group this field embeds, when it is an event's field named after a
    /// group the event lists.
    pub(crate) group: Option<&'a GroupDef>,
}

/// Generates the struct and its companions. `complete` is false when any check
/// failed; the `TelemetryEvent` impl is then a placeholder.
pub(crate) fn generate(plan: &Plan<'_>, complete: bool) -> TokenStream {
    let item = plan.item;
    let tracking = tracking(plan);
    let markers = plan.fields.iter().map(|f| marker_ident(&f.ident));
    let event_impl = match (plan.kind, complete) {
        (Kind::Event, true) => complete_impl(plan),
        (Kind::Group, true) => complete_group_impl(plan),
        (_, false) => placeholder_impl(plan),
    };
    let assertions = plan
        .fields
        .iter()
        .filter(|f| f.opaque && !f.faulty && f.group.is_none())
        .map(|f| assertions(plan, f, !complete));
    let group_assertions = plan.fields.iter().filter(|f| !f.faulty).filter_map(|f| {
        f.group
            .map(|group| group_assertion(plan, f, group, !complete))
    });
    quote! {
        #item
        #[doc(hidden)]
        #[allow(non_camel_case_types, non_upper_case_globals, clippy::all)]
        const _: () = {
            #tracking
            mod __telemetry_fields {
                #( pub struct #markers; )*
            }
            use ::telemetry_core::__private as __tl;
            #event_impl
            #( #assertions )*
            #( #group_assertions )*
        };
    }
}

fn marker_ident(field: &syn::Ident) -> syn::Ident {
    let name = field.to_string();
    format_ident!("{}", name.trim_start_matches("r#"))
}

fn tracking(plan: &Plan<'_>) -> TokenStream {
    let manifest = plan
        .manifest_path
        .filter(|path| super::manifest::claim_tracking(path))
        .and_then(|path| path.to_str())
        .map(|path| quote! { const _: &[u8] = ::core::include_bytes!(#path); });
    quote! {
        #manifest
        const _: ::core::option::Option<&str> = ::core::option_env!("TELEMETRY_MANIFEST");
    }
}

fn placeholder_impl(plan: &Plan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let name = &plan.name;
    let (impl_generics, ty_generics, where_clause) = plan.item.generics.split_for_impl();
    let trait_ident = match plan.kind {
        Kind::Event => format_ident!("TelemetryEvent"),
        Kind::Group => format_ident!("TelemetryGroup"),
    };
    quote! {
        impl #impl_generics __tl::#trait_ident for #ident #ty_generics #where_clause {
            const NAME: &'static str = #name;
            const FIELDS: &'static [__tl::FieldMeta] = &[];
            #[inline]
            fn visit_fields(&self, _visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {}
        }
    }
}

/// The call that visits one value field, at `index` in `FIELDS`.
fn visit_value(field: &FieldPlan<'_>, index: usize) -> TokenStream {
    let field_ident = &field.ident;
    let ty = &field.ty;
    let marker = marker_ident(&field.ident);
    quote_spanned! {ty.span()=>
        visit(
            &Self::FIELDS[#index],
            <#ty as __tl::FieldValue<__telemetry_fields::#marker>>::field_payload(&self.#field_ident, &Self::FIELDS[#index]),
        );
    }
}

fn complete_impl(plan: &Plan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let name = &plan.name;
    let own: Vec<&FieldPlan<'_>> = plan.fields.iter().filter(|f| f.group.is_none()).collect();
    // The event's own fields in the struct's order, then each embedded group's
    // fields, in the order of the event's `groups:` list.
    let metas = own
        .iter()
        .map(|f| field_meta(f))
        .chain(
            plan.embedded
                .iter()
                .flat_map(|group| group.fields.iter())
                .map(|def| def_meta(def.name.value.as_str(), def)),
        )
        .collect::<Vec<_>>();
    let visits = own
        .iter()
        .enumerate()
        .map(|(index, field)| visit_value(field, index));
    let group_visits = plan.embedded.iter().filter_map(|group| {
        let field = plan
            .fields
            .iter()
            .find(|f| f.group.is_some_and(|g| g.name.value == group.name.value))?;
        let field_ident = &field.ident;
        let ty = &field.ty;
        let marker = marker_ident(&field.ident);
        Some(quote_spanned! {ty.span()=>
            <#ty as __tl::GroupValue<__telemetry_fields::#marker>>::visit_group(&self.#field_ident, visit);
        })
    });
    quote! {
        impl __tl::TelemetryEvent for #ident {
            const NAME: &'static str = #name;
            const FIELDS: &'static [__tl::FieldMeta] = &[ #( #metas ),* ];
            #[inline]
            fn visit_fields(&self, visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {
                #( #visits )*
                #( #group_visits )*
            }
        }
    }
}

/// `impl TelemetryGroup`: the fields in the manifest's order, whatever the
/// struct's order (in a complete expansion each declared field is in the struct
/// once).
fn complete_group_impl(plan: &Plan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let name = &plan.name;
    // Declarations stand in the manifest in its order, so their offsets sort them.
    let mut ordered: Vec<&FieldPlan<'_>> = plan.fields.iter().collect();
    ordered.sort_by_key(|f| f.declared.map(|d| d.span.offset));
    let metas = ordered.iter().map(|f| field_meta(f));
    let visits = ordered
        .iter()
        .enumerate()
        .map(|(index, field)| visit_value(field, index));
    quote! {
        impl __tl::TelemetryGroup for #ident {
            const NAME: &'static str = #name;
            const FIELDS: &'static [__tl::FieldMeta] = &[ #( #metas ),* ];
            #[inline]
            fn visit_fields(&self, visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {
                #( #visits )*
            }
        }
    }
}

fn kind_ident(ty: FieldType) -> syn::Ident {
    format_ident!("{}", format!("{ty:?}"))
}

fn field_meta(field: &FieldPlan<'_>) -> TokenStream {
    let name = field.ident.to_string();
    let name = name.trim_start_matches("r#");
    let Some(def) = field.declared else {
        // Unreachable in a complete expansion: every field is declared there.
        return quote! {
            __tl::FieldMeta { name: #name, kind: __tl::ValueKind::Bool, category: __tl::Category::Technical,
                description: "", values: &[], bounds: &[], max: ::core::option::Option::None }
        };
    };
    def_meta(name, def)
}

/// The `FieldMeta` of a declared field, named `name`.
fn def_meta(name: &str, def: &FieldDef) -> TokenStream {
    let kind = kind_ident(def.ty.value);
    let category = format_ident!("{}", format!("{:?}", def.category.value));
    let description = def.description.as_ref().map_or("", |d| d.value.as_str());
    let values = def.possible_values();
    let bounds = match def.ty.value {
        FieldType::DurationBucket | FieldType::SizeBucket => def.bounds.clone(),
        _ => Vec::new(),
    };
    let max = match def.max {
        Some(max) => quote!(::core::option::Option::Some(#max)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        __tl::FieldMeta {
            name: #name,
            kind: __tl::ValueKind::#kind,
            category: __tl::Category::#category,
            description: #description,
            values: &[ #( #values ),* ],
            bounds: &[ #( #bounds ),* ],
            max: #max,
        }
    }
}

/// The type-system assertions for one opaque field.
fn assertions(plan: &Plan<'_>, field: &FieldPlan<'_>, implements: bool) -> TokenStream {
    let ty = &field.ty;
    let marker = marker_ident(&field.ident);
    let bound =
        quote_spanned! {ty.span()=> <#ty as __tl::FieldValue<__telemetry_fields::#marker>> };
    // In a complete expansion the impl's payload call already requires the bound.
    let implemented = implements.then(|| {
        quote_spanned! {ty.span()=>
            const _: () = __tl::assert_field::<#ty, __telemetry_fields::#marker>();
        }
    });
    let (
        Some(def),
        Some(Declared {
            owner,
            shown,
            source,
        }),
    ) = (field.declared, &plan.declared)
    else {
        return quote!(#implemented);
    };
    let owner = *owner;
    let field_name = &def.name.value;
    let place = |offset: usize| {
        let (line, column) = line_column(source, offset);
        format!("\n  = manifest: {shown}:{line}:{column}")
    };
    let declared = def.ty.value;
    let kind = kind_ident(declared);
    let mismatch = Finding::new(
        rules::FIELD_TYPE_MISMATCH,
        type_mismatch_message(owner, field_name, declared, &type_to_string(ty)),
        type_mismatch_help(declared),
    );
    let mismatch = format!(
        "{}{}",
        mismatch.render_for_compiler(),
        place(def.ty.span.offset)
    );
    let kind_check = quote_spanned! {ty.span()=>
        const _: () = if #bound::KIND as u8 != __tl::ValueKind::#kind as u8 {
            ::core::panic!("{}", #mismatch)
        };
    };
    let enum_check = (declared == FieldType::Enum).then(|| {
        let values: Vec<String> = def.values.iter().map(|v| v.value.clone()).collect();
        let count = values.len();
        let message = enum_values_message(owner, field_name, &values);
        let at = def.values.first().map_or(def.ty.span.offset, |v| v.span.offset);
        let checks = values.iter().map(|value| {
            let finding = Finding::new(
                rules::ENUM_VALUES_MISMATCH,
                message.clone(),
                format!("the enum has no variant for the value `{value}`; add one, or remove `{value}` from `values`"),
            );
            let text = format!("{}{}", finding.render_for_compiler(), place(at));
            quote_spanned! {ty.span()=>
                if !__tl::has_variant(#bound::VARIANTS, #value) {
                    ::core::panic!("{}", #text)
                }
            }
        });
        let extra = Finding::new(
            rules::ENUM_VALUES_MISMATCH,
            message.clone(),
            format!(
                "the enum has variants not listed in `values`; list every variant in snake_case ({count} listed now)"
            ),
        );
        let extra = format!("{}{}", extra.render_for_compiler(), place(at));
        quote_spanned! {ty.span()=>
            const _: () = {
                if #bound::KIND as u8 == __tl::ValueKind::Enum as u8 {
                    #( #checks )*
                    if #bound::VARIANTS.len() != #count {
                        ::core::panic!("{}", #extra)
                    }
                }
            };
        }
    });
    quote! {
        #implemented
        #kind_check
        #enum_check
    }
}

/// The assertions for a field that embeds a group: its type implements
/// `TelemetryGroup` (through a bound that names the field), with the group's name.
fn group_assertion(
    plan: &Plan<'_>,
    field: &FieldPlan<'_>,
    group: &GroupDef,
    implements: bool,
) -> TokenStream {
    let ty = &field.ty;
    let marker = marker_ident(&field.ident);
    let group_name = group.name.value.as_str();
    // In a complete expansion the impl's visit call already requires the bound.
    let implemented = implements.then(|| {
        quote_spanned! {ty.span()=>
            const _: () = __tl::assert_group::<#ty, __telemetry_fields::#marker>();
        }
    });
    let event_name = plan.name.as_str();
    let ident = heck::AsUpperCamelCase(group_name).to_string();
    let finding = Finding::new(
        rules::GROUP_EMBEDDING_MISMATCH,
        format!(
            "field `{group_name}` of event `{event_name}` embeds group `{group_name}`, but its type `{}` is the `#[telemetry_group]` struct of another group",
            type_to_string(ty)
        ),
        format!(
            "give the field the struct of group `{group_name}` (such as `{ident}`, with `#[telemetry_group]`), or embed the other group under its own name"
        ),
    );
    let place = plan
        .declared
        .as_ref()
        .map(|declared| {
            let (line, column) = line_column(declared.source, group.name.span.offset);
            format!("\n  = manifest: {}:{line}:{column}", declared.shown)
        })
        .unwrap_or_default();
    let text = format!("{}{place}", finding.render_for_compiler());
    quote_spanned! {ty.span()=>
        #implemented
        const _: () = if !__tl::str_eq(<#ty as __tl::GroupValue<__telemetry_fields::#marker>>::GROUP, #group_name) {
            ::core::panic!("{}", #text)
        };
    }
}
