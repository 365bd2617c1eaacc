//! `#[derive(TelemetryValue)]`: a fieldless enum becomes an `enum` field type whose
//! values are its variants' names in snake_case.
//!
//! Only an enum without generics whose variants carry no data qualifies: a variant's
//! data, or a generic parameter, could carry anything, and only the variant's name
//! is sent. Every problem in the input is collected and reported in one go, each on
//! the tokens at fault; on error a fallback impl is still emitted (sending `null`),
//! so the user sees the real problem and not a cascade of "trait not implemented".

use std::collections::HashMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;

/// Expands `#[derive(TelemetryValue)]` on `input`. Never panics: bad input becomes
/// compile errors plus a fallback impl.
pub(crate) fn expand(input: syn::DeriveInput) -> TokenStream {
    let mut errors: Vec<syn::Error> = Vec::new();
    let mut variants: Vec<(&syn::Ident, String)> = Vec::new();

    match &input.data {
        syn::Data::Enum(data) => {
            if data.variants.is_empty() {
                errors.push(syn::Error::new_spanned(
                    &input.ident,
                    format!(
                        "enum `{}` has no variants, so a field of this type could never be sent; add one variant per value the field may take",
                        input.ident
                    ),
                ));
            }
            let mut seen: HashMap<String, &syn::Ident> = HashMap::new();
            for variant in &data.variants {
                if !matches!(variant.fields, syn::Fields::Unit) {
                    errors.push(syn::Error::new_spanned(
                        &variant.fields,
                        format!(
                            "variant `{}` has fields, but a telemetry value sends only the variant's name, and fields could carry personal data; remove the fields, or turn each value they take into a variant of its own",
                            variant.ident
                        ),
                    ));
                }
                let name = variant.ident.unraw().to_string().to_snake_case();
                if let Some(first) = seen.get(&name) {
                    errors.push(syn::Error::new_spanned(
                        &variant.ident,
                        format!(
                            "variants `{first}` and `{}` are both sent as `{name}`, so the data dictionary could not tell them apart; rename one of them",
                            variant.ident
                        ),
                    ));
                } else {
                    seen.insert(name.clone(), &variant.ident);
                }
                variants.push((&variant.ident, name));
            }
        }
        syn::Data::Struct(data) => errors.push(syn::Error::new_spanned(
            data.struct_token,
            "`TelemetryValue` can only be derived for an enum whose variants have no fields, because a struct's fields could carry any data; use a fieldless enum, or make each of the struct's fields a field of the event",
        )),
        syn::Data::Union(data) => errors.push(syn::Error::new_spanned(
            data.union_token,
            "`TelemetryValue` can only be derived for an enum whose variants have no fields, not for a union; use a fieldless enum",
        )),
    }

    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &input.generics,
            "a telemetry enum cannot be generic: its values must be fixed and listed in the manifest; remove the generic parameters",
        ));
    }
    if let Some(where_clause) = &input.generics.where_clause {
        errors.push(syn::Error::new_spanned(
            where_clause,
            "a telemetry enum cannot have a `where` clause: its values must be fixed and listed in the manifest; remove it",
        ));
    }

    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let names = variants.iter().map(|(_, name)| name);
    let private = quote!(::telemetry_core::__private);

    let to_payload = if errors.is_empty() {
        let arms = variants
            .iter()
            .map(|(variant, name)| quote!(Self::#variant => #name));
        quote! {
            #private::PayloadValue::Label(match self { #(#arms,)* })
        }
    } else {
        quote!(#private::PayloadValue::Null)
    };

    let compile_errors = errors
        .into_iter()
        .reduce(|mut all, error| {
            all.combine(error);
            all
        })
        .map(|error| error.to_compile_error());

    quote! {
        #compile_errors

        #[automatically_derived]
        impl #impl_generics #private::TelemetryValue for #ident #ty_generics #where_clause {
            const KIND: #private::ValueKind = #private::ValueKind::Enum;
            const VARIANTS: &'static [&'static str] = &[#(#names),*];
            #[inline]
            fn to_payload(&self, _field: &#private::FieldMeta) -> #private::PayloadValue {
                #to_payload
            }
        }
    }
}
