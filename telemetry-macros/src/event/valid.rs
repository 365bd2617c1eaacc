//! The rules that involve several fields and the manifest: the findings of the
//! manifest's validation that concern this event (a struct or a variant of an
//! enum of events) or group, and the shared struct checks (`check_event_struct`,
//! `check_group_struct`), each recorded as a compile error on the tokens at fault.
//! On the way it plans the expansion of every field: its declaration, the group it
//! embeds, and whether a check already reported it.

use telemetry_manifest::{
    CodeTarget, Enforced, EventStruct, Finding, GroupStruct, Lines, Owner, StructField, TypeClass,
    ValidManifest, apply_waivers, check_event_struct, check_group_struct, classify_type,
};

use super::expand::{Declared, EventPlan, FieldPlan};
use super::{Errors, Kind, ast};

/// The manifest an expansion checks against.
pub(crate) struct Context<'a> {
    /// The checked manifest.
    pub(crate) valid: &'a ValidManifest,
    /// The manifest's path as shown in messages.
    pub(crate) shown: &'a str,
    /// The manifest's text, to turn spans into lines.
    pub(crate) source: &'a str,
    /// Where each line of `source` starts.
    pub(crate) lines: &'a Lines,
}

impl Context<'_> {
    /// The compile error's text for a finding: the rule's words, then where it
    /// points in the manifest.
    fn message(&self, finding: &Finding) -> String {
        format!("{}{}", finding.render_for_compiler(), self.place(finding))
    }

    /// `\n  = manifest: path:line:column` for a finding that points into the manifest.
    fn place(&self, finding: &Finding) -> String {
        finding
            .manifest_span
            .map(|span| {
                let (line, column) = self.lines.line_column(self.source, span.offset);
                format!("\n  = manifest: {}:{line}:{column}", self.shown)
            })
            .unwrap_or_default()
    }
}

/// Whether a finding of the manifest's validation is about the manifest as a
/// whole (no event, no group) and enforced by the compiler.
pub(crate) fn manifest_level(finding: &Finding) -> bool {
    finding.rule.enforced == Enforced::CompilerAndLinter
        && finding.event.is_none()
        && finding.group.is_none()
}

/// Whether a finding of the manifest's validation is about the declaration of this
/// event or group, and enforced by the compiler.
fn about(kind: Kind, name: &str, finding: &Finding) -> bool {
    if finding.rule.enforced != Enforced::CompilerAndLinter {
        return false;
    }
    match kind {
        Kind::Event => finding.group.is_none() && finding.event.as_deref() == Some(name),
        Kind::Group => finding.event.is_none() && finding.group.as_deref() == Some(name),
    }
}

/// Records the findings about the manifest as a whole, on the item's name.
pub(crate) fn report_manifest_level(
    context: &Context<'_>,
    manifest_findings: &[Finding],
    at: proc_macro2::Span,
    errors: &mut Errors,
) {
    for finding in manifest_findings.iter().filter(|f| manifest_level(f)) {
        errors.push(syn::Error::new(at, context.message(finding)));
    }
}

/// Runs the shared checks on one event (a struct or a variant) or one group, and
/// plans its expansion field by field.
pub(crate) fn check<'a>(
    kind: Kind,
    input: &ast::EventInput<'_>,
    context: &Context<'a>,
    manifest_findings: &[Finding],
    errors: &mut Errors,
) -> EventPlan<'a> {
    let valid = context.valid;
    let name = input.name.as_str();
    let mut faulty = vec![false; input.fields.len()];
    // Problems of this event's or group's declaration itself, found when the
    // manifest was checked.
    for finding in manifest_findings.iter().filter(|f| about(kind, name, f)) {
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
        errors.push(syn::Error::new(at, context.message(finding)));
    }

    let fields: Vec<StructField<'_>> = input
        .fields
        .iter()
        .map(|f| StructField {
            name: f.ident.to_string(),
            ty: f.ty,
        })
        .collect();
    let ident = input.shown.clone();
    let findings = match kind {
        Kind::Event => check_event_struct(
            valid,
            &EventStruct {
                ident,
                event: name.to_owned(),
                fields,
            },
        ),
        Kind::Group => check_group_struct(
            valid,
            &GroupStruct {
                ident,
                group: name.to_owned(),
                fields,
            },
        ),
    };
    // The rules that judge a field by its name can be waived in the manifest; the
    // compiler reads the same waivers as the linter.
    let findings = apply_waivers(valid, findings).kept;
    for finding in &findings {
        let text = context.message(finding);
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
    let mut plan = EventPlan::unchecked(input.ident.clone(), name.to_owned());
    plan.declared = match (event, group) {
        (Some(event), _) => Some(Owner::Event(&event.name.value)),
        (_, Some(group)) => Some(Owner::Group(&group.name.value)),
        _ => None,
    }
    .map(|owner| Declared {
        owner,
        shown: context.shown,
        source: context.source,
        lines: context.lines,
    });
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
    plan
}
