//! Parsing the attribute's own arguments: `#[telemetry_event]` or
//! `#[telemetry_event(name = "event_name")]`, and the same for `#[telemetry_group]`.

use proc_macro2::{Span, TokenStream};

use super::Kind;

/// The attribute's arguments.
pub(crate) struct Args {
    /// The explicit event or group name and the span of its literal, if given.
    pub(crate) name: Option<(String, Span)>,
}

/// Parses the arguments; every problem is reported, none stops the parse.
pub(crate) fn parse(tokens: TokenStream, kind: Kind) -> Result<Args, syn::Error> {
    let mut args = Args { name: None };
    if tokens.is_empty() {
        return Ok(args);
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
    syn::parse::Parser::parse2(parser, tokens)?;
    Ok(args)
}
