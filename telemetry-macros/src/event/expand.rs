//! Code generation for `#[telemetry_event]` and `#[telemetry_group]`.
//!
//! The item is emitted unchanged, except that the helper attribute
//! `#[telemetry(...)]` is removed from the variants of an enum of events. Beside it,
//! in one anonymous `const _: () = {...}` block so nothing leaks into the user's
//! namespace:
//! - what makes cargo rebuild the crate when the manifest or `TELEMETRY_MANIFEST`
//!   changes (`option_env!` of the variable, and `include_bytes!` of the manifest
//!   in the first expansion of the compiler process only: one copy per crate is
//!   enough, one per event would make the crate's metadata grow with the manifest
//!   times the events);
//! - one marker type per field name, named after the field, so a type-system error
//!   can say which field is at fault, and, for each tuple variant of an enum, a
//!   trait whose "not implemented" message names the variant;
//! - for a struct, `impl StructEvent` (or `impl TelemetryGroup`) with the name and
//!   the field metadata from the manifest, and `impl TelemetryEvent` with the
//!   payload; for an enum of events, a `const` of field metadata per variant and
//!   `impl TelemetryEvent` matching on the variant, the tuple variants delegating
//!   to the type they wrap through that trait. An event's metadata lists the fields
//!   of its embedded groups too, and its payload visits them through the embedded
//!   struct, so the payload stays flat;
//! - compile-time assertions for the fields whose type the syntax alone cannot
//!   judge (aliases, newtypes, user enums): the type implements `TelemetryValue`,
//!   carries the declared field type, and, for enums, has exactly the declared values;
//!   for a field that embeds a group, that its type implements `TelemetryGroup`
//!   with the group's `NAME`. Each field's type is named through one bound only,
//!   so an unvetted type gives one error.
//!
//! Generated code reaches runtime items only through `::telemetry_core::__private`.

use std::collections::BTreeSet;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use telemetry_manifest::{
    FieldDef, FieldType, Finding, GroupDef, Lines, Owner, enum_values_message, rules,
    type_mismatch_help, type_mismatch_message, type_to_string,
};

use super::Kind;

/// An event's declaration, borrowed from the cached manifest.
pub(crate) struct Declared<'a> {
    /// The event or group declared.
    pub(crate) owner: Owner<'a>,
    /// The manifest's path as shown in messages.
    pub(crate) shown: &'a str,
    /// The manifest's text, to turn spans into lines.
    pub(crate) source: &'a str,
    /// Where each line of `source` starts.
    pub(crate) lines: &'a Lines,
}

/// Everything the expansion needs, gathered by the pipeline.
pub(crate) struct Plan<'a> {
    /// Whether the item is an event or a group.
    pub(crate) kind: Kind,
    /// The item as emitted: as written, less the helper attributes.
    pub(crate) item: &'a syn::DeriveInput,
    /// The manifest's absolute path, when one was found.
    pub(crate) manifest_path: Option<&'a Path>,
    /// What the item sends.
    pub(crate) shape: Shape<'a>,
}

/// What the item sends: one event (or group), or an event per variant.
pub(crate) enum Shape<'a> {
    /// A struct (or anything else rejected as one): one event or group.
    Struct(EventPlan<'a>),
    /// An enum of events, its variants in declaration order.
    Enum(Vec<VariantPlan<'a>>),
}

/// One variant of an enum of events.
pub(crate) enum VariantPlan<'a> {
    /// A variant with named fields, or none: an event of its own.
    Event(EventPlan<'a>),
    /// A tuple variant that sends the event of the one type it wraps.
    Delegate {
        /// The variant's name.
        ident: syn::Ident,
        /// The wrapped type.
        ty: syn::Type,
    },
    /// A variant reported as unsupported, named for the placeholder.
    Unsupported {
        /// The variant's name.
        ident: syn::Ident,
        /// The event name it would declare.
        name: String,
    },
}

impl VariantPlan<'_> {
    fn ident(&self) -> &syn::Ident {
        match self {
            VariantPlan::Event(event) => &event.ident,
            VariantPlan::Delegate { ident, .. } | VariantPlan::Unsupported { ident, .. } => ident,
        }
    }
}

/// One event (a struct or a variant) or one group, as checked.
pub(crate) struct EventPlan<'a> {
    /// The struct's name, or the variant's.
    pub(crate) ident: syn::Ident,
    /// The event or group name.
    pub(crate) name: String,
    /// The declaration, when the manifest has one.
    pub(crate) declared: Option<Declared<'a>>,
    /// The named fields, in declaration order.
    pub(crate) fields: Vec<FieldPlan<'a>>,
    /// For an event: the groups it embeds, in the order of its `groups:` list.
    pub(crate) embedded: Vec<&'a GroupDef>,
}

impl EventPlan<'_> {
    /// A plan with no fields and no declaration, for an item whose checks could
    /// not run.
    pub(crate) fn unchecked(ident: syn::Ident, name: String) -> Self {
        EventPlan {
            ident,
            name,
            declared: None,
            fields: Vec::new(),
            embedded: Vec::new(),
        }
    }
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

impl<'a> Plan<'a> {
    /// Every event (or group) the item sends itself, with its index among the
    /// variants (0 for a struct).
    fn events(&self) -> Vec<(usize, &EventPlan<'a>)> {
        match &self.shape {
            Shape::Struct(event) => vec![(0, event)],
            Shape::Enum(variants) => variants
                .iter()
                .enumerate()
                .filter_map(|(index, v)| match v {
                    VariantPlan::Event(event) => Some((index, event)),
                    _ => None,
                })
                .collect(),
        }
    }
}

/// Generates the item and its companions. `complete` is false when any check
/// failed; the impls are then placeholders.
pub(crate) fn generate(plan: &Plan<'_>, complete: bool) -> TokenStream {
    let item = plan.item;
    let tracking = tracking(plan);
    let events = plan.events();
    // Field names may repeat across variants: one marker per name.
    let markers: BTreeSet<syn::Ident> = events
        .iter()
        .flat_map(|(_, event)| event.fields.iter().map(|f| marker_ident(&f.ident)))
        .collect();
    let delegates: Vec<(&syn::Ident, &syn::Type)> = match &plan.shape {
        Shape::Enum(variants) => variants
            .iter()
            .filter_map(|v| match v {
                VariantPlan::Delegate { ident, ty } => Some((ident, ty)),
                _ => None,
            })
            .collect(),
        Shape::Struct(_) => Vec::new(),
    };
    let variant_bounds = delegates
        .iter()
        .map(|(variant, _)| variant_bound(&plan.item.ident, variant));
    let impls = match (&plan.shape, plan.kind, complete) {
        (_, _, false) => placeholder_impl(plan),
        (Shape::Struct(event), Kind::Event, true) => struct_event_impl(plan, event),
        (Shape::Struct(event), Kind::Group, true) => group_impl(plan, event),
        (Shape::Enum(variants), _, true) => enum_impl(plan, variants),
    };
    let assertions = events.iter().flat_map(|(_, event)| {
        event
            .fields
            .iter()
            .filter(|f| f.opaque && !f.faulty && f.group.is_none())
            .map(|f| assertions(event, f, !complete))
    });
    let group_assertions = events.iter().flat_map(|(_, event)| {
        event
            .fields
            .iter()
            .filter(|f| !f.faulty)
            .filter_map(|f| f.group.map(|group| group_assertion(event, f, group)))
    });
    // In a complete expansion the impl's delegating calls already require the
    // bound; otherwise name it the same way, so the error reads the same.
    let delegate_assertions = delegates.iter().filter(|_| !complete).map(|(variant, ty)| {
        let bound = variant_trait(variant);
        quote_spanned! {ty.span()=>
            const _: fn(&#ty) -> &'static str = <#ty as #bound>::variant_name;
        }
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
            #( #variant_bounds )*
            #impls
            #( #assertions )*
            #( #group_assertions )*
            #( #delegate_assertions )*
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

/// The `impl TelemetryEvent` (and `impl StructEvent`) or `impl TelemetryGroup` of
/// an item whose checks failed: the names, no fields, nothing visited. Code that
/// uses the item still type-checks, so the errors are the real problems only.
fn placeholder_impl(plan: &Plan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let (impl_generics, ty_generics, where_clause) = plan.item.generics.split_for_impl();
    match (&plan.shape, plan.kind) {
        (Shape::Struct(event), Kind::Group) => {
            let name = &event.name;
            quote! {
                impl #impl_generics __tl::TelemetryGroup for #ident #ty_generics #where_clause {
                    const NAME: &'static str = #name;
                    const FIELDS: &'static [__tl::FieldMeta] = &[];
                    #[inline]
                    fn visit_fields(&self, _visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {}
                }
            }
        }
        (Shape::Struct(event), Kind::Event) => {
            let name = &event.name;
            quote! {
                impl #impl_generics __tl::StructEvent for #ident #ty_generics #where_clause {
                    const NAME: &'static str = #name;
                    const FIELDS: &'static [__tl::FieldMeta] = &[];
                }
                impl #impl_generics __tl::TelemetryEvent for #ident #ty_generics #where_clause {
                    #[inline]
                    fn name(&self) -> &'static str { #name }
                    #[inline]
                    fn fields(&self) -> &'static [__tl::FieldMeta] { &[] }
                    #[inline]
                    fn visit_fields(&self, _visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {}
                }
            }
        }
        (Shape::Enum(variants), _) => {
            let names = variants.iter().map(|v| {
                let variant = v.ident();
                let name = match v {
                    VariantPlan::Event(event) => event.name.clone(),
                    VariantPlan::Unsupported { name, .. } => name.clone(),
                    VariantPlan::Delegate { ident, .. } => {
                        telemetry_manifest::default_event_name(&ident.to_string())
                    }
                };
                quote! { Self::#variant { .. } => #name, }
            });
            let name_body = match_self(variants.is_empty(), quote! { #( #names )* });
            quote! {
                impl #impl_generics __tl::TelemetryEvent for #ident #ty_generics #where_clause {
                    #[inline]
                    fn name(&self) -> &'static str { #name_body }
                    #[inline]
                    fn fields(&self) -> &'static [__tl::FieldMeta] { &[] }
                    #[inline]
                    fn visit_fields(&self, _visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {}
                }
            }
        }
    }
}

/// The trait through which the expansion uses the type a tuple variant wraps.
fn variant_trait(variant: &syn::Ident) -> syn::Ident {
    format_ident!("__telemetry_variant_{}", variant)
}

/// The bound on the type the tuple variant `variant` of enum `ident` wraps: a
/// trait of the expansion's own, implemented for every `TelemetryEvent`, whose "not
/// implemented" message names the variant. Every use of the wrapped type goes
/// through it, so a type that is not an event gives one error, in these words.
fn variant_bound(ident: &syn::Ident, variant: &syn::Ident) -> TokenStream {
    let variant_trait = variant_trait(variant);
    let message =
        format!("variant `{ident}::{variant}` wraps `{{Self}}`, which is not a telemetry event");
    let label = format!(
        "variant `{ident}::{variant}` sends the event of `{{Self}}`, so `{{Self}}` must carry `#[telemetry_event]`"
    );
    let rule = rules::UNSUPPORTED_EVENT_SHAPE;
    let note = format!(
        "put `#[telemetry_event]` on `{{Self}}`, or give the variant the named fields it sends  ({} {}; cargo telemetry-lint explain {})",
        rule.id, rule.name, rule.id
    );
    quote! {
        #[diagnostic::on_unimplemented(
            message = #message,
            label = #label,
            note = "a tuple variant of a `#[telemetry_event]` enum sends the event of the one type it wraps, which must itself be checked against the manifest",
            note = #note
        )]
        trait #variant_trait {
            fn variant_name(&self) -> &'static str;
            fn variant_fields(&self) -> &'static [__tl::FieldMeta];
            fn visit_variant(&self, visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue));
        }
        impl<T: __tl::TelemetryEvent + ?Sized> #variant_trait for T {
            #[inline]
            fn variant_name(&self) -> &'static str {
                __tl::TelemetryEvent::name(self)
            }
            #[inline]
            fn variant_fields(&self) -> &'static [__tl::FieldMeta] {
                __tl::TelemetryEvent::fields(self)
            }
            #[inline]
            fn visit_variant(&self, visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {
                __tl::TelemetryEvent::visit_fields(self, visit)
            }
        }
    }
}

/// `match self { arms }`, or `match *self {}` for an enum without variants.
fn match_self(empty: bool, arms: TokenStream) -> TokenStream {
    if empty {
        quote! { match *self {} }
    } else {
        quote! { match self { #arms } }
    }
}

/// The call that visits one value field, at `index` in the event's metadata
/// `fields` (an expression of type `&'static [FieldMeta]`), its value reached
/// through `access` (an expression of type `&FieldType`).
fn visit_value(
    field: &FieldPlan<'_>,
    fields: &TokenStream,
    access: &TokenStream,
    index: usize,
) -> TokenStream {
    let ty = &field.ty;
    let marker = marker_ident(&field.ident);
    quote_spanned! {ty.span()=>
        visit(
            &#fields[#index],
            <#ty as __tl::FieldValue<__telemetry_fields::#marker>>::field_payload(#access, &#fields[#index]),
        );
    }
}

/// The metadata and the visits of one event: its own fields in the struct's order,
/// then each embedded group's fields, in the order of the event's `groups:` list.
/// `access` reaches a field's value from its index in the struct.
fn event_body(
    event: &EventPlan<'_>,
    fields: &TokenStream,
    access: impl Fn(usize, &FieldPlan<'_>) -> TokenStream,
) -> (Vec<TokenStream>, TokenStream) {
    let own: Vec<(usize, &FieldPlan<'_>)> = event
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.group.is_none())
        .collect();
    let metas = own
        .iter()
        .map(|(_, f)| field_meta(f))
        .chain(
            event
                .embedded
                .iter()
                .flat_map(|group| group.fields.iter())
                .map(|def| def_meta(def.name.value.as_str(), def)),
        )
        .collect::<Vec<_>>();
    let visits = own.iter().enumerate().map(|(meta_index, (index, field))| {
        visit_value(field, fields, &access(*index, field), meta_index)
    });
    let group_visits = event.embedded.iter().filter_map(|group| {
        let (index, field) = event
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.group.is_some_and(|g| g.name.value == group.name.value))?;
        let ty = &field.ty;
        let marker = marker_ident(&field.ident);
        let access = access(index, field);
        Some(quote_spanned! {ty.span()=>
            <#ty as __tl::GroupValue<__telemetry_fields::#marker>>::visit_group(#access, visit);
        })
    });
    (
        metas,
        quote! {
            #( #visits )*
            #( #group_visits )*
        },
    )
}

/// `&self.field`, for a struct's field.
fn self_field(field: &FieldPlan<'_>) -> TokenStream {
    let ident = &field.ident;
    quote! { &self.#ident }
}

fn struct_event_impl(plan: &Plan<'_>, event: &EventPlan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let name = &event.name;
    let fields = quote! { <Self as __tl::StructEvent>::FIELDS };
    let (metas, body) = event_body(event, &fields, |_, f| self_field(f));
    quote! {
        impl __tl::StructEvent for #ident {
            const NAME: &'static str = #name;
            const FIELDS: &'static [__tl::FieldMeta] = &[ #( #metas ),* ];
        }
        impl __tl::TelemetryEvent for #ident {
            #[inline]
            fn name(&self) -> &'static str {
                <Self as __tl::StructEvent>::NAME
            }
            #[inline]
            fn fields(&self) -> &'static [__tl::FieldMeta] {
                <Self as __tl::StructEvent>::FIELDS
            }
            #[inline]
            fn visit_fields(&self, visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {
                #body
            }
        }
    }
}

/// `impl TelemetryGroup`: the fields in the manifest's order, whatever the
/// struct's order (in a complete expansion each declared field is in the struct
/// once).
fn group_impl(plan: &Plan<'_>, group: &EventPlan<'_>) -> TokenStream {
    let ident = &plan.item.ident;
    let name = &group.name;
    // Declarations stand in the manifest in its order, so their offsets sort them.
    let mut ordered: Vec<&FieldPlan<'_>> = group.fields.iter().collect();
    ordered.sort_by_key(|f| f.declared.map(|d| d.span.offset));
    let metas = ordered.iter().map(|f| field_meta(f));
    let fields = quote! { <Self as __tl::TelemetryGroup>::FIELDS };
    let visits = ordered
        .iter()
        .enumerate()
        .map(|(index, field)| visit_value(field, &fields, &self_field(field), index));
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

/// `impl TelemetryEvent` for an enum of events: the metadata of each event
/// variant in a `const` of its own, and a `match` on the variant in every method;
/// a tuple variant delegates to the type it wraps.
fn enum_impl(plan: &Plan<'_>, variants: &[VariantPlan<'_>]) -> TokenStream {
    let ident = &plan.item.ident;
    let mut consts = Vec::new();
    let mut names = Vec::new();
    let mut metadata = Vec::new();
    let mut visits = Vec::new();
    for (index, variant) in variants.iter().enumerate() {
        match variant {
            VariantPlan::Event(event) => {
                let variant = &event.ident;
                let name = &event.name;
                let fields_const = format_ident!("__telemetry_variant_{}", index);
                let fields = quote! { #fields_const };
                let binding = |i: usize| format_ident!("__telemetry_field_{}", i);
                let (metas, body) = event_body(event, &fields, |i, _| {
                    let binding = binding(i);
                    quote! { #binding }
                });
                let bindings = event.fields.iter().enumerate().map(|(i, f)| {
                    let field = &f.ident;
                    let binding = binding(i);
                    quote! { #field: #binding }
                });
                consts.push(quote! {
                    const #fields_const: &'static [__tl::FieldMeta] = &[ #( #metas ),* ];
                });
                names.push(quote! { Self::#variant { .. } => #name, });
                metadata.push(quote! { Self::#variant { .. } => #fields_const, });
                visits.push(quote! {
                    Self::#variant { #( #bindings, )* .. } => { #body }
                });
            }
            VariantPlan::Delegate { ident: variant, ty } => {
                let variant_trait = variant_trait(variant);
                let bound = quote_spanned! {ty.span()=> <#ty as #variant_trait> };
                names.push(quote! { Self::#variant(__telemetry_event) => #bound::variant_name(__telemetry_event), });
                metadata.push(quote! { Self::#variant(__telemetry_event) => #bound::variant_fields(__telemetry_event), });
                visits.push(quote! { Self::#variant(__telemetry_event) => #bound::visit_variant(__telemetry_event, visit), });
            }
            // Unreachable in a complete expansion: such a variant is an error.
            VariantPlan::Unsupported {
                ident: variant,
                name,
            } => {
                names.push(quote! { Self::#variant { .. } => #name, });
                metadata.push(quote! { Self::#variant { .. } => &[], });
                visits.push(quote! { Self::#variant { .. } => {} });
            }
        }
    }
    let empty = variants.is_empty();
    let name_body = match_self(empty, quote! { #( #names )* });
    let fields_body = match_self(empty, quote! { #( #metadata )* });
    let visit_body = match_self(empty, quote! { #( #visits )* });
    quote! {
        #( #consts )*
        impl __tl::TelemetryEvent for #ident {
            #[inline]
            fn name(&self) -> &'static str { #name_body }
            #[inline]
            fn fields(&self) -> &'static [__tl::FieldMeta] { #fields_body }
            #[inline]
            fn visit_fields(&self, visit: &mut dyn FnMut(&'static __tl::FieldMeta, __tl::PayloadValue)) {
                #visit_body
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
                description: "", values: &[], bounds: &[], max: ::core::option::Option::None,
                noise: __tl::Noise::None }
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
    let noise = match def.noise {
        None => quote!(__tl::Noise::None),
        Some(noise) => {
            let epsilon_milli = noise.epsilon.milli;
            match noise.mechanism {
                telemetry_manifest::Mechanism::RandomizedResponse => {
                    quote!(__tl::Noise::RandomizedResponse { epsilon_milli: #epsilon_milli })
                }
                telemetry_manifest::Mechanism::Geometric => {
                    quote!(__tl::Noise::Geometric { epsilon_milli: #epsilon_milli })
                }
            }
        }
    };
    // Bucket types, and a count with `buckets`; empty for every other field.
    let bounds = match def.ty.value {
        FieldType::DurationBucket | FieldType::SizeBucket | FieldType::Count => def.bounds.clone(),
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
            noise: #noise,
        }
    }
}

/// The type-system assertions for one opaque field of `event`. Every one names
/// the type through the same bound, `<Ty as FieldValue<marker>>`, so a type that
/// is not vetted gives one error (the compiler reports an unmet bound once per
/// place and wording, and these all share both).
fn assertions(event: &EventPlan<'_>, field: &FieldPlan<'_>, implements: bool) -> TokenStream {
    let ty = &field.ty;
    let marker = marker_ident(&field.ident);
    let bound =
        quote_spanned! {ty.span()=> <#ty as __tl::FieldValue<__telemetry_fields::#marker>> };
    let (
        Some(def),
        Some(Declared {
            owner,
            shown,
            source,
            lines,
        }),
    ) = (field.declared, &event.declared)
    else {
        // Nothing else names the type: assert the bound itself. In a complete
        // expansion the impl's payload call already requires it.
        return if implements {
            quote_spanned! {ty.span()=>
                const _: () = __tl::assert_field::<#ty, __telemetry_fields::#marker>();
            }
        } else {
            TokenStream::new()
        };
    };
    let owner = *owner;
    let field_name = &def.name.value;
    let place = |offset: usize| {
        let (line, column) = lines.line_column(source, offset);
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
    // The kind check names the bound, so it also asserts that the type is vetted;
    // a separate `assert_field` would report the same unmet bound a second time.
    quote! {
        #kind_check
        #enum_check
    }
}

/// The assertion for a field that embeds a group: its type implements
/// `TelemetryGroup` (through a bound that names the field), with the group's name.
fn group_assertion(event: &EventPlan<'_>, field: &FieldPlan<'_>, group: &GroupDef) -> TokenStream {
    let ty = &field.ty;
    let marker = marker_ident(&field.ident);
    let group_name = group.name.value.as_str();
    let event_name = event.name.as_str();
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
    let place = event
        .declared
        .as_ref()
        .map(|declared| {
            let (line, column) = declared
                .lines
                .line_column(declared.source, group.name.span.offset);
            format!("\n  = manifest: {}:{line}:{column}", declared.shown)
        })
        .unwrap_or_default();
    let text = format!("{}{place}", finding.render_for_compiler());
    // The name check names the bound, so it also asserts that the type is a group
    // (one error, however the impl uses the type too).
    quote_spanned! {ty.span()=>
        const _: () = if !__tl::str_eq(<#ty as __tl::GroupValue<__telemetry_fields::#marker>>::GROUP, #group_name) {
            ::core::panic!("{}", #text)
        };
    }
}
