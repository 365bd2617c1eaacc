//! Parsing the attribute's own arguments: `#[telemetry_event]` or
//! `#[telemetry_event(name = "event_name")]`, and the same for `#[telemetry_group]`.

use proc_macro2::{Span, TokenStream};
use telemetry_manifest::is_snake_case;

use super::{Errors, Kind};

/// The attribute's arguments.
pub(crate) struct Args {
    /// The explicit event or group name and the span of its literal, if given.
    pub(crate) name: Option<(String, Span)>,
}

/// Parses the arguments. A malformed argument list is recorded and read as no
/// arguments; a name that is not snake_case is recorded and kept, so the checks
/// against the manifest still run.
pub(crate) fn parse(tokens: TokenStream, kind: Kind, errors: &mut Errors) -> Args {
    let mut args = Args { name: None };
    if tokens.is_empty() {
        return args;
    }
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            let literal: syn::LitStr = meta.value()?.parse()?;
            if args.name.is_some() {
                return Err(meta.error("`name` is given twice; keep one"));
            }
            args.name = Some((literal.value(), literal.span()));
            Ok(())
        } else {
            Err(meta.error(format!(
                "unknown argument; `#[{}]` takes only `name = \"{}_name\"`",
                kind.attribute(),
                kind.noun()
            )))
        }
    });
    if let Err(error) = syn::parse::Parser::parse2(parser, tokens) {
        errors.push(error);
        return Args { name: None };
    }
    if let Some((name, span)) = &args.name
        && !is_snake_case(name)
    {
        errors.push(syn::Error::new(
            *span,
            format!(
                "{} name `{name}` is not snake_case\n  = help: write it in lowercase words joined by `_`, as the manifest names {}",
                kind.noun(),
                kind.section()
            ),
        ));
    }
    args
}
