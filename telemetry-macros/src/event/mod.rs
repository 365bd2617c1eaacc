//! `#[telemetry_event]` and `#[telemetry_group]`: parse, find the manifest, check,
//! expand.
//!
//! Both attributes run the same pipeline; a group struct is checked against
//! `groups.<name>` with the same field checks as an event against
//! `events.<name>`. An event that embeds a group holds the group's struct as a
//! field named after the group; that field is checked as an embedding (its type
//! must be the group's struct, asserted through `TelemetryGroup::NAME`), and the
//! group's fields are checked once, on the group struct.
//!
//! Every problem becomes a compile error on the tokens at fault, and all of them are
//! reported in one build. Whatever the errors, the struct is emitted unchanged with
//! an impl of `TelemetryEvent` or `TelemetryGroup` (a placeholder one when the
//! checks failed), so the user sees the real problems and not a cascade of "no
//! such item" errors.

mod ast;
mod attr;
mod expand;
pub(crate) mod manifest;

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use telemetry_manifest::{
    CodeTarget, Enforced, EventStruct, Finding, GroupStruct, Owner, StructField, TypeClass,
    ValidManifest, classify_type, default_event_name, is_snake_case, line_column, rules,
};

use expand::{Declared, FieldPlan, Plan};

/// Which attribute is expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[telemetry_event]`: the struct is an event.
    Event,
    /// `#[telemetry_group]`: the struct is a field group.
    Group,
}

impl Kind {
    /// The attribute's name.
    pub(crate) const fn attribute(self) -> &'static str {
        match self {
            Kind::Event => "telemetry_event",
            Kind::Group => "telemetry_group",
        }
    }

    /// `event` or `group`.
    pub(crate) const fn noun(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Group => "group",
        }
    }

    /// The manifest section that declares the struct.
    const fn section(self) -> &'static str {
        match self {
            Kind::Event => "events",
            Kind::Group => "groups",
        }
    }
}

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

/// Expands `#[telemetry_event(attr)] item` or `#[telemetry_group(attr)] item`;
/// `local_file` is the source file of the struct, when the compiler knows it.
pub(crate) fn expand(
    kind: Kind,
    attr: TokenStream,
    item: TokenStream,
    local_file: Option<PathBuf>,
) -> TokenStream {
    let attribute = kind.attribute();
    let noun = kind.noun();
    let parsed: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(_) => {
            let finding = Finding::new(
                rules::UNSUPPORTED_EVENT_SHAPE,
                format!("`#[{attribute}]` can only be placed on a struct with named fields"),
                format!("move the attribute to the struct that carries the {noun}"),
            );
            let error = syn::Error::new(Span::call_site(), finding.render_for_compiler());
            let error = error.to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut errors = Errors::default();
    let args = attr::parse(attr, kind).unwrap_or_else(|error| {
        errors.push(error);
        attr::Args { name: None }
    });
    let name = match &args.name {
        Some((name, span)) => {
            if !is_snake_case(name) {
                errors.push(syn::Error::new(
                    *span,
                    format!(
                        "{noun} name `{name}` is not snake_case\n  = help: write it in lowercase words joined by `_`, as the manifest names {}",
                        kind.section()
                    ),
                ));
            }
            name.clone()
        }
        None => default_event_name(&parsed.ident.to_string()),
    };
    let input = match ast::parse(&parsed, kind) {
        Ok(input) => Some(input),
        Err(error) => {
            errors.push(error);
            None
        }
    };

    // The plan borrows the cached parse: nothing of the manifest is copied per struct.
    let located = manifest::locate(local_file.as_deref());
    let found = located.as_ref().ok().map(|path| manifest::load(path));
    let shown = found
        .as_ref()
        .map(|found| manifest::display_path(&found.path))
        .unwrap_or_default();
    let mut plan = Plan {
        kind,
        item: &parsed,
        name: name.clone(),
        manifest_path: found.as_ref().map(|found| found.path.as_path()),
        declared: None,
        fields: Vec::new(),
        embedded: Vec::new(),
    };
    if let Err(message) = &located {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!(
                "cannot check {noun} `{name}`: {message}\n  = help: create `{}` at the workspace root, or set {} to the manifest's path",
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
                        "cannot check {noun} `{name}`: {shown}{place}: {}\n  = help: {}",
                        error.message, error.help
                    ),
                ));
            }
            Ok((valid, manifest_findings)) => {
                let context = Context {
                    valid,
                    shown: &shown,
                    source,
                };
                if let Some(input) = &input {
                    check(
                        kind,
                        input,
                        &context,
                        manifest_findings,
                        &name,
                        &mut errors,
                        &mut plan,
                    );
                }
                let declared = match kind {
                    Kind::Event => valid
                        .events
                        .iter()
                        .find(|e| e.name.value == name)
                        .map(|e| Owner::Event(&e.name.value)),
                    Kind::Group => valid.group(&name).map(|g| Owner::Group(&g.name.value)),
                };
                plan.declared = declared.map(|owner| Declared {
                    owner,
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

/// The manifest an expansion checks against.
struct Context<'a> {
    valid: &'a ValidManifest,
    shown: &'a str,
    source: &'a str,
}

impl Context<'_> {
    /// `\n  = manifest: path:line:column` for a finding that points into the manifest.
    fn place(&self, finding: &Finding) -> String {
        finding
            .manifest_span
            .map(|span| {
                let (line, column) = line_column(self.source, span.offset);
                format!("\n  = manifest: {}:{line}:{column}", self.shown)
            })
            .unwrap_or_default()
    }
}

/// Whether a finding of the manifest's validation concerns this struct: a
/// compile-time rule about its event or group, or about the manifest as a whole.
fn concerns(kind: Kind, name: &str, finding: &Finding) -> bool {
    if finding.rule.enforced != Enforced::CompilerAndLinter {
        return false;
    }
    match kind {
        Kind::Event => {
            finding.group.is_none() && finding.event.as_deref().is_none_or(|e| e == name)
        }
        Kind::Group => {
            finding.event.is_none() && finding.group.as_deref().is_none_or(|g| g == name)
        }
    }
}

/// Runs the shared checks and records the per-field plan for the expansion.
fn check<'a>(
    kind: Kind,
    input: &ast::EventInput<'_>,
    context: &Context<'a>,
    manifest_findings: &[Finding],
    name: &str,
    errors: &mut Errors,
    plan: &mut Plan<'a>,
) {
    let valid = context.valid;
    let mut faulty = vec![false; input.fields.len()];
    // Problems of this struct's declaration itself, found when the manifest was
    // checked.
    for finding in manifest_findings.iter().filter(|f| concerns(kind, name, f)) {
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
                context.place(finding)
            ),
        ));
    }

    let fields: Vec<StructField<'_>> = input
        .fields
        .iter()
        .map(|f| StructField {
            name: f.ident.to_string(),
            ty: f.ty,
        })
        .collect();
    let ident = input.ident.to_string();
    let findings = match kind {
        Kind::Event => telemetry_manifest::check_event_struct(
            valid,
            &EventStruct {
                ident,
                event: name.to_owned(),
                fields,
            },
        ),
        Kind::Group => telemetry_manifest::check_group_struct(
            valid,
            &GroupStruct {
                ident,
                group: name.to_owned(),
                fields,
            },
        ),
    };
    for finding in &findings {
        let text = format!(
            "{}{}",
            finding.render_for_compiler(),
            context.place(finding)
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

    let event = match kind {
        Kind::Event => valid.events.iter().find(|e| e.name.value == name),
        Kind::Group => None,
    };
    let group = match kind {
        Kind::Event => None,
        Kind::Group => valid.group(name),
    };
    if let Some(event) = event {
        plan.embedded = event
            .groups
            .iter()
            .filter_map(|g| valid.group(&g.value))
            .collect();
    }
    for (index, field) in input.fields.iter().enumerate() {
        let field_name = field.ident.to_string();
        let embeds = event
            .filter(|e| e.embeds(&field_name))
            .and_then(|_| valid.group(&field_name));
        let declared = match (event, group) {
            (Some(event), _) if embeds.is_none() => event.field(&field_name),
            (_, Some(group)) => group.field(&field_name),
            _ => None,
        };
        plan.fields.push(FieldPlan {
            ident: field.ident.clone(),
            ty: field.ty.clone(),
            faulty: faulty[index],
            opaque: matches!(classify_type(field.ty), TypeClass::Opaque { .. }),
            declared,
            group: embeds,
        });
    }
}
