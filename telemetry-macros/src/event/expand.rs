//! Code generation for `#[telemetry_event]`.
//!
//! The struct is emitted unchanged. Beside it, in one anonymous `const _: () = {...}`
//! block so nothing leaks into the user's namespace:
//! - what makes cargo rebuild the crate when the manifest or `TELEMETRY_MANIFEST`
//!   changes (`include_bytes!` of the manifest, `option_env!` of the variable);
//! - one marker type per field, named after the field, so a type-system error can
//!   say which field is at fault;
//! - `impl TelemetryEvent` with the event name, the field metadata from the
//!   manifest, and the payload;
//! - compile-time assertions for the fields whose type the syntax alone cannot
//!   judge (aliases, newtypes, user enums): the type implements `TelemetryValue`,
//!   carries the declared field type, and, for enums, has exactly the declared values.
//!
//! Generated code reaches runtime items only through `::telemetry_core::__private`.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use telemetry_manifest::{
    EventDef, FieldDef, FieldType, Finding, enum_values_message, line_column, rules,
    type_mismatch_help, type_mismatch_message, type_to_string,
};

/// The event's declaration, borrowed from the cached manifest.
pub(crate) struct Declared<'a> {
    /// The declaration.
    pub(crate) event: &'a EventDef,
    /// The manifest's path as shown in messages.
    pub(crate) shown: &'a str,
    /// The manifest's text, to turn spans into lines.
    pub(crate) source: &'a str,
}

/// Everything the expansion needs, gathered by the pipeline.
pub(crate) struct Plan<'a> {
    /// The item as written.
    pub(crate) item: &'a syn::DeriveInput,
    /// The event name.
    pub(crate) event_name: String,
    /// The manifest's absolute path, when one was found.
    pub(crate) manifest_path: Option<&'a Path>,
    /// The event's declaration, when the manifest has one.
    pub(crate) declared: Option<Declared<'a>>,
    /// The fields, when the struct has named fields.
    pub(crate) fields: Vec<FieldPlan<'a>>,
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
}

/// Generates the struct and its companions. `complete` is false when any check
/// failed; the `TelemetryEvent` impl is then a placeholder.
pub(crate) fn generate(plan: &Plan<'_>, complete: bool) -> TokenStream {
    let item = plan.item;
    let tracking = tracking(plan);
    let markers = plan.fields.iter().map(|f| marker_ident(&f.ident));
    let event_impl = if complete {
        complete_impl(plan)
    } else {
        placeholder_impl(plan)
    };
    let assertions = plan
        .fields
        .iter()
        .filter(|f| f.opaque && !f.faulty)
        .map(|f| assertions(plan, f, !complete));
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
        .as_ref()
        .and_then(|path| path.to_str())
        .map(|path| quote! { const _: &[u8] = ::core::include_bytes!(#path); });
    quote! {
        #manifest
        const _: ::core::option::Option<&str> = ::core::option_env!("TELEMETRY_MANIFEST");
    }
}

fn placeholder_impl(plan: &Plan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let name = &plan.event_name;
    let (impl_generics, ty_generics, where_clause) = plan.item.generics.split_for_impl();
    quote! {
        impl #impl_generics __tl::TelemetryEvent for #ident #ty_generics #where_clause {
            const NAME: &'static str = #name;
            const FIELDS: &'static [__tl::FieldMeta] = &[];
            fn visit_fields(&self, _visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {}
        }
    }
}

fn complete_impl(plan: &Plan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let name = &plan.event_name;
    let metas = plan.fields.iter().map(field_meta);
    let visits = plan.fields.iter().enumerate().map(|(index, field)| {
        let field_ident = &field.ident;
        let ty = &field.ty;
        let marker = marker_ident(&field.ident);
        quote_spanned! {ty.span()=>
            visit(
                &Self::FIELDS[#index],
                <#ty as __tl::FieldValue<__telemetry_fields::#marker>>::field_payload(&self.#field_ident, &Self::FIELDS[#index]),
            );
        }
    });
    quote! {
        impl __tl::TelemetryEvent for #ident {
            const NAME: &'static str = #name;
            const FIELDS: &'static [__tl::FieldMeta] = &[ #( #metas ),* ];
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
            event,
            shown,
            source,
        }),
    ) = (field.declared, &plan.declared)
    else {
        return quote!(#implemented);
    };
    let event_name = &event.name.value;
    let field_name = &def.name.value;
    let place = |offset: usize| {
        let (line, column) = line_column(source, offset);
        format!("\n  = manifest: {shown}:{line}:{column}")
    };
    let declared = def.ty.value;
    let kind = kind_ident(declared);
    let mismatch = Finding::new(
        rules::FIELD_TYPE_MISMATCH,
        type_mismatch_message(event_name, field_name, declared, &type_to_string(ty)),
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
        let message = enum_values_message(event_name, field_name, &values);
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
