//! Parsing Rust files that may be hostile: a bound on nesting before `syn` runs.
//!
//! `syn` parses recursively, so a file nested deeply enough (100,000 parentheses,
//! `!!!!...x`, `Vec<Vec<...>>`, a long `else if` chain) overflows the stack, which
//! aborts the process: no diagnostic, no report. [`parse_file`] first lexes the
//! file (the lexer does not recurse) and estimates how deep a parse can go: the
//! number of tokens a recursive descent may have open at once, counting bracket
//! nesting and, within each bracket, the run of tokens since the last point where
//! a parse returns to a loop (a `;`, a `,` outside angle brackets, or the end of a
//! `{ ... }` block that no `else` follows). A file over [`MAX_TOKEN_NESTING`] is reported
//! as unparseable instead of parsed. Real code stays far below the bound: a long
//! builder chain or string concatenation is a few thousand tokens.
//!
//! The estimate assumes a stack of at least [`STACK_BYTES`]; the binary runs its
//! commands on a thread of that size. Code that calls the scanners directly (the
//! fuzz targets) does the same.
//!
//! ```
//! let deep = format!("fn f() {{ {}1{} }}", "(".repeat(100_000), ")".repeat(100_000));
//! assert!(telemetry_lint::__private::parse_file(&deep).is_err());
//! assert!(telemetry_lint::__private::parse_file("struct A { b: Vec<Vec<u8>> }").is_ok());
//! ```

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The deepest estimated nesting parsed, in tokens (see the module docs).
pub const MAX_TOKEN_NESTING: usize = 10_000;

/// The stack the scanners need for a file at the nesting bound (`MAX_TOKEN_NESTING`), in bytes: 512 MiB
/// of address space, of which a parse touches only what it uses (a debug build
/// parses 5,000 nested generic types in about 250 MiB of stack).
pub const STACK_BYTES: usize = 512 * 1024 * 1024;

/// Parses `text` as a Rust file, as `syn::parse_file` does, unless its estimated
/// nesting exceeds `MAX_TOKEN_NESTING`.
///
/// # Errors
/// The lexer's or the parser's error, or a nesting error placed at the token where
/// the bound was passed.
pub fn parse_file(text: &str) -> syn::Result<syn::File> {
    let body = strip_preamble(text);
    let tokens = body.parse::<TokenStream>().map_err(syn::Error::from)?;
    if let Some((depth, span)) = too_deep(tokens) {
        return Err(syn::Error::new(
            span,
            format!(
                "the code nests more than {MAX_TOKEN_NESTING} levels deep here ({depth} estimated), too deep to parse safely"
            ),
        ));
    }
    // Lexed again rather than kept: the estimate consumed its tokens as it went, so
    // the peak memory is that of the parse alone.
    syn::parse_file(text)
}

/// The text without a byte-order mark and a `#!` line, as `syn::parse_file` skips
/// them; the line ends are kept, so a nesting error's line is right.
fn strip_preamble(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => {
            rest.find('\n').map_or("", |i| &rest[i..])
        }
        _ => text,
    }
}

/// One open bracket of the walk: its tokens, the nesting at its start, the run of
/// tokens since the last return point, and the angle-bracket balance of that run.
struct Frame {
    tokens: proc_macro2::token_stream::IntoIter,
    base: usize,
    run: usize,
    angle: isize,
    comma_ends_run: bool,
    after_block: bool,
    last_joint: Option<char>,
}

impl Frame {
    fn new(tokens: TokenStream, base: usize, delimiter: Option<Delimiter>) -> Self {
        Frame {
            tokens: tokens.into_iter(),
            base,
            run: 0,
            angle: 0,
            comma_ends_run: !matches!(delimiter, Some(Delimiter::None)),
            after_block: false,
            last_joint: None,
        }
    }

    fn end_run(&mut self) {
        self.run = 0;
        self.angle = 0;
    }
}

/// The estimated nesting and the span where it first passes [`MAX_TOKEN_NESTING`], if it
/// does. Iterative: the walk keeps its own stack.
fn too_deep(tokens: TokenStream) -> Option<(usize, proc_macro2::Span)> {
    let mut stack = vec![Frame::new(tokens, 0, None)];
    while let Some(frame) = stack.last_mut() {
        let Some(token) = frame.tokens.next() else {
            stack.pop();
            continue;
        };
        if frame.after_block {
            frame.after_block = false;
            let is_else = matches!(&token, TokenTree::Ident(i) if i == "else");
            if !is_else {
                frame.end_run();
            }
        }
        let joint_before = frame.last_joint.take();
        match &token {
            TokenTree::Punct(p) => {
                let c = p.as_char();
                match c {
                    ';' => {
                        frame.end_run();
                        continue;
                    }
                    ',' if frame.comma_ends_run && frame.angle <= 0 => {
                        frame.end_run();
                        continue;
                    }
                    // Every `<` may open an angle bracket (a shift or a comparison
                    // only makes the estimate larger); a `>` closes one unless it
                    // ends `->` or `=>`.
                    '<' => frame.angle += 1,
                    '>' if !matches!(joint_before, Some('-' | '=')) => {
                        frame.angle -= 1;
                        // Closing an angle bracket returns from a level: no deeper.
                        if frame.angle >= 0 {
                            continue;
                        }
                    }
                    _ => {}
                }
                if p.spacing() == Spacing::Joint {
                    frame.last_joint = Some(c);
                }
            }
            TokenTree::Group(_) | TokenTree::Ident(_) | TokenTree::Literal(_) => {}
        }
        frame.run += 1;
        let depth = frame.base + frame.run;
        if depth > MAX_TOKEN_NESTING {
            return Some((depth, token.span()));
        }
        if let TokenTree::Group(group) = token {
            frame.after_block = group.delimiter() == Delimiter::Brace;
            let inner = Frame::new(group.stream(), depth, Some(group.delimiter()));
            stack.push(inner);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(text: &str) -> Option<usize> {
        too_deep(text.parse().unwrap()).map(|(d, _)| d)
    }

    #[test]
    fn real_code_is_shallow() {
        let text = include_str!("mod.rs");
        assert!(depth(text).is_none());
        assert!(parse_file(text).is_ok());
    }

    #[test]
    fn long_lists_and_item_sequences_are_shallow() {
        let array = format!("const A: [u8; 100000] = [{}];", "1, ".repeat(100_000));
        assert!(depth(&array).is_none());
        let items = "fn f() {}\nstruct S;\n".repeat(50_000);
        assert!(depth(&items).is_none());
        let arms = format!(
            "fn f(x: u32) {{ match x {{ {} _ => {{}} }} }}",
            "1 => {}\n".repeat(50_000)
        );
        assert!(depth(&arms).is_none());
    }

    #[test]
    fn deep_constructs_are_refused() {
        const N: usize = 15_000;
        for text in [
            format!("fn f() {{ {}1{} }}", "(".repeat(N), ")".repeat(N)),
            format!("fn f() {{ let x = {}true; }}", "!".repeat(N)),
            format!("type T = {}u8{};", "Vec<".repeat(N), ">".repeat(N)),
            format!("type T = {}u8{};", "A<B, ".repeat(N), ">".repeat(N)),
            format!("fn f() {{ if a {{}} {} }}", "else if a {} ".repeat(N)),
            format!("type T = {}u8;", "fn() -> ".repeat(N)),
        ] {
            let error = parse_file(&text).expect_err("too deep");
            assert!(error.to_string().contains("nests more than"), "{error}");
        }
    }
}
