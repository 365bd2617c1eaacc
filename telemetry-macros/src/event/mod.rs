//! `#[telemetry_event]`: parse, find the manifest, check, expand.
//!
//! Every problem becomes a compile error on the tokens at fault, and all of them are
//! reported in one build. Whatever the errors, the struct is emitted unchanged with
//! an impl of `TelemetryEvent` (a placeholder one when the checks failed), so the
//! user sees the real problems and not a cascade of "no such item" errors.

mod ast;
mod attr;
mod expand;
mod manifest;

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use telemetry_manifest::{
    CodeTarget, EventStruct, Finding, StructField, TypeClass, ValidManifest, classify_type,
    default_event_name, is_snake_case, line_column, rules,
};

use expand::{Declared, FieldPlan, Plan};

/// Errors collected along the pipeline.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn to_compile_error(&self) -> TokenStream {
        self.0
            .as_ref()
            .map(syn::Error::to_compile_error)
            .unwrap_or_default()
    }

    fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// Expands `#[telemetry_event(attr)] item`; `local_file` is the source file of the
/// struct, when the compiler knows it.
pub(crate) fn expand(
    attr: TokenStream,
    item: TokenStream,
    local_file: Option<PathBuf>,
) -> TokenStream {
    let parsed: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(_) => {
            let finding = Finding::new(
                rules::UNSUPPORTED_EVENT_SHAPE,
                "`#[telemetry_event]` can only be placed on a struct with named fields",
                "move the attribute to the struct that carries the event",
            );
            let error = syn::Error::new(Span::call_site(), finding.render_for_compiler());
            let error = error.to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut errors = Errors::default();
    let args = attr::parse(attr).unwrap_or_else(|error| {
        errors.push(error);
        attr::Args { name: None }
    });
    let event_name = match &args.name {
        Some((name, span)) => {
            if !is_snake_case(name) {
                errors.push(syn::Error::new(
                    *span,
                    format!(
                        "event name `{name}` is not snake_case\n  = help: write it in lowercase words joined by `_`, as the manifest names events"
                    ),
                ));
            }
            name.clone()
        }
        None => default_event_name(&parsed.ident.to_string()),
    };
    let input = match ast::parse(&parsed) {
        Ok(input) => Some(input),
        Err(error) => {
            errors.push(error);
            None
        }
    };

    // The plan borrows the cached parse: nothing of the manifest is copied per event.
    let located = manifest::locate(local_file.as_deref());
    let found = located.as_ref().ok().map(|path| manifest::load(path));
    let shown = found
        .as_ref()
        .map(|found| manifest::display_path(&found.path))
        .unwrap_or_default();
    let mut plan = Plan {
        item: &parsed,
        event_name: event_name.clone(),
        manifest_path: found.as_ref().map(|found| found.path.as_path()),
        declared: None,
        fields: Vec::new(),
    };
    if let Err(message) = &located {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!(
                "cannot check event `{event_name}`: {message}\n  = help: create `{}` at the workspace root, or set {} to the manifest's path",
                manifest::MANIFEST_FILE,
                manifest::MANIFEST_ENV
            ),
        ));
    }
    if let Some(found) = &found {
        let source = found.parsed.source.as_str();
        match &found.parsed.result {
            Err(error) => {
                let place = error
                    .span
                    .map(|span| {
                        let (line, column) = line_column(source, span.offset);
                        format!(":{line}:{column}")
                    })
                    .unwrap_or_default();
                errors.push(syn::Error::new(
                    Span::call_site(),
                    format!(
                        "cannot check event `{event_name}`: {shown}{place}: {}\n  = help: {}",
                        error.message, error.help
                    ),
                ));
            }
            Ok((valid, manifest_findings)) => {
                if let Some(input) = &input {
                    check(
                        input,
                        valid,
                        manifest_findings,
                        &event_name,
                        &shown,
                        source,
                        &mut errors,
                        &mut plan,
                    );
                }
                plan.declared = valid
                    .events
                    .iter()
                    .find(|e| e.name.value == event_name)
                    .map(|event| Declared {
                        event,
                        shown: &shown,
                        source,
                    });
            }
        }
    }
    let complete = errors.is_empty();
    let generated = expand::generate(&plan, complete);
    let errors = errors.to_compile_error();
    quote! {
        #errors
        #generated
    }
}

/// Runs the shared checks and records the per-field plan for the expansion.
#[allow(clippy::too_many_arguments)]
fn check<'a>(
    input: &ast::EventInput<'_>,
    valid: &'a ValidManifest,
    manifest_findings: &[Finding],
    event_name: &str,
    shown: &str,
    source: &str,
    errors: &mut Errors,
    plan: &mut Plan<'a>,
) {
    let manifest_place = |finding: &Finding| {
        finding
            .manifest_span
            .map(|span| {
                let (line, column) = line_column(source, span.offset);
                format!("\n  = manifest: {shown}:{line}:{column}")
            })
            .unwrap_or_default()
    };
    let mut faulty = vec![false; input.fields.len()];
    // Problems of this event's declaration itself, found when the manifest was checked.
    for finding in manifest_findings
        .iter()
        .filter(|f| f.event.as_deref().is_none_or(|e| e == event_name))
    {
        let field = finding
            .field
            .as_deref()
            .and_then(|name| input.fields.iter().position(|f| f.ident == name));
        // A field whose declaration is broken gets no type assertions: they would
        // only repeat the problem.
        if let Some(index) = field {
            faulty[index] = true;
        }
        let at = field.map_or_else(|| input.ident.span(), |i| input.fields[i].ident.span());
        errors.push(syn::Error::new(
            at,
            format!(
                "{}{}",
                finding.render_for_compiler(),
                manifest_place(finding)
            ),
        ));
    }

    let item = EventStruct {
        ident: input.ident.to_string(),
        event: event_name.to_owned(),
        fields: input
            .fields
            .iter()
            .map(|f| StructField {
                name: f.ident.to_string(),
                ty: f.ty,
            })
            .collect(),
    };
    let findings = telemetry_manifest::check_event_struct(valid, &item);
    for finding in &findings {
        let text = format!(
            "{}{}",
            finding.render_for_compiler(),
            manifest_place(finding)
        );
        let error = match finding.code {
            Some(CodeTarget::FieldType(index)) => {
                faulty[index] = true;
                syn::Error::new_spanned(input.fields[index].ty, text)
            }
            Some(CodeTarget::FieldName(index)) => {
                faulty[index] = true;
                syn::Error::new(input.fields[index].ident.span(), text)
            }
            Some(CodeTarget::Struct) | None => syn::Error::new(input.ident.span(), text),
        };
        errors.push(error);
    }

    let declared = valid.events.iter().find(|e| e.name.value == event_name);
    for (index, field) in input.fields.iter().enumerate() {
        let name = field.ident.to_string();
        let def = declared.and_then(|e| e.field(&name));
        plan.fields.push(FieldPlan {
            ident: field.ident.clone(),
            ty: field.ty.clone(),
            faulty: faulty[index],
            opaque: matches!(classify_type(field.ty), TypeClass::Opaque { .. }),
            declared: def,
        });
    }
}
