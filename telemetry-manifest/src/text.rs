//! Small text helpers shared by the checks, the rule docs and the linter's
//! Markdown output, so that a word or an escape is written once.
//!
//! - words: [`closest`] (a likely typo), [`lowercase_first`], [`uppercase_first`],
//!   [`plural`], [`thousands`];
//! - the runtime's environment variables: [`telemetry_env_var`];
//! - what manifest text must look like: [`is_snake_case`], [`is_placeholder`];
//! - Markdown: [`markdown_inline`] and [`markdown_code`] for running text,
//!   [`markdown_cell`] and [`markdown_code_in_cell`] for a table cell, where `|`
//!   would end the cell.
//!
//! Every helper is a pure function of its input; none depends on another module of
//! the crate, so anything may use them.
//!
//! ```
//! use telemetry_manifest::text::{closest, markdown_cell, plural, thousands};
//! assert_eq!(closest("comand", &["command", "crash"]), Some("command"));
//! assert_eq!(plural(2, "event"), "2 events");
//! assert_eq!(thousands(16_777_216), "16,777,216");
//! assert_eq!(markdown_cell("a | b\n<c>"), "a \\| b &lt;c>");
//! ```

/// The candidate nearest to `name` by edit distance, if it is near enough to be a
/// likely typo (at most a third of the name's length).
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, _)| *d <= name.len().max(3) / 3)
        .min()
        .map(|(_, c)| c)
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// `text` with its first character in lowercase: a sentence of the rule docs turned
/// into a `help:` line (`Send a coarse fact` becomes `send a coarse fact`).
pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `text` with its first character in uppercase: a lowercase rule summary turned
/// into a sentence of the docs.
pub fn uppercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `n` and `word`, with an `s` unless `n` is 1: `1 event`, `2 events`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The environment variable the telemetry runtime (`telemetry_core::runtime`) reads
/// to turn telemetry on or off for the project `name`: the name in upper case, every
/// character other than an ASCII letter or digit replaced by `_`, then `_TELEMETRY`
/// (`acme` gives `ACME_TELEMETRY`, `my-tool` gives `MY_TOOL_TELEMETRY`). Debug mode
/// reads the same name followed by `_DEBUG`. The macro checks the manifest's
/// `opt_out.env` against it, and the data dictionary names it.
pub fn telemetry_env_var(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}_TELEMETRY")
}

/// The debug-mode variable of the project `name`: [`telemetry_env_var`] followed by
/// `_DEBUG` (`acme` gives `ACME_TELEMETRY_DEBUG`).
pub fn telemetry_debug_env_var(name: &str) -> String {
    format!("{}_DEBUG", telemetry_env_var(name))
}

/// Whether `text` is one web address: it starts with `https://` or `http://`, has
/// something after the scheme, and holds no whitespace.
pub fn is_web_address(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty()) && !text.contains(char::is_whitespace)
}

/// A number with `,` between groups of three digits: `16,777,216`.
pub fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whether `text` is a snake_case identifier: lowercase ASCII letters, digits and
/// single underscores, starting with a letter.
pub fn is_snake_case(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !text.contains("__")
        && !text.ends_with('_')
}

/// Whether a description, purpose or owner is a placeholder: empty, or, ignoring
/// case and punctuation, `todo`, `tbd`, `fixme`, `xxx`, `n/a`, `none` or `?`.
pub fn is_placeholder(text: &str) -> bool {
    let word: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '?')
        .collect::<String>()
        .to_lowercase();
    if word.is_empty() || word.chars().all(|c| c == '?') {
        return true;
    }
    matches!(
        word.as_str(),
        "todo" | "tbd" | "fixme" | "xxx" | "na" | "none"
    ) || text.trim_start().to_lowercase().starts_with("todo")
        || text.trim_start().to_lowercase().starts_with("tbd")
}

/// Every run of whitespace as one space, none at either end: manifest text, which
/// may span lines, on one Markdown line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a line of Markdown: whitespace runs become one space and `<` becomes
/// `&lt;`, so manifest text can neither break the line nor open an HTML tag.
pub fn markdown_inline(text: &str) -> String {
    one_line(text).replace('<', "&lt;")
}

/// Text for a Markdown table cell: [`markdown_inline`], and `|` escaped as `\|` so
/// it does not end the cell.
pub fn markdown_cell(text: &str) -> String {
    one_line(text).replace('|', "\\|").replace('<', "&lt;")
}

/// Text as inline code on one Markdown line, with a fence long enough for any
/// backticks inside. Inside code `<` needs no escape.
pub fn markdown_code(text: &str) -> String {
    fenced(one_line(text))
}

/// [`markdown_code`] for a table cell: `|` is escaped as `\|`, which GitHub's
/// tables require even inside code.
pub fn markdown_code_in_cell(text: &str) -> String {
    fenced(one_line(text).replace('|', "\\|"))
}

fn fenced(text: String) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// The 1-based line and column (in characters of the valid text before it) of
/// byte `offset` of `bytes`, a text that may not be UTF-8 from there on: where a
/// decoder stopped.
pub fn line_column_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(
            closest("command_finshed", &["command_finished", "crash"]),
            Some("command_finished")
        );
        assert_eq!(closest("crash", &["command_finished"]), None);
        assert_eq!(closest("ab", &["abc"]), Some("abc"), "one edit in three");
        assert_eq!(closest("x", &[]), None);
    }

    #[test]
    fn first_letters_and_numbers() {
        assert_eq!(lowercase_first("Send it."), "send it.");
        assert_eq!(uppercase_first("an event"), "An event");
        assert_eq!(lowercase_first(""), "");
        assert_eq!(uppercase_first(""), "");
        assert_eq!(plural(1, "event"), "1 event");
        assert_eq!(plural(0, "field"), "0 fields");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(10_000), "10,000");
    }

    #[test]
    fn snake_case_and_placeholders() {
        assert!(is_snake_case("command_finished2"));
        for bad in ["", "Command", "a__b", "a_", "_a", "a-b", "2a"] {
            assert!(!is_snake_case(bad), "{bad}");
        }
        for placeholder in [
            "",
            "  ",
            "TODO",
            "todo: later",
            "TBD.",
            "n/a",
            "???",
            "None",
        ] {
            assert!(is_placeholder(placeholder), "{placeholder}");
        }
        assert!(!is_placeholder("Learn which commands fail."));
    }

    #[test]
    fn markdown_escapes() {
        // The cases of the linter's `doc` and `diff` output.
        assert_eq!(markdown_cell("a |\n b <c>"), "a \\| b &lt;c>");
        assert_eq!(markdown_code_in_cell("x`y"), "`` x`y ``");
        assert_eq!(markdown_code_in_cell("a | b"), "`a \\| b`");
        assert_eq!(markdown_inline("  a\n\tb <c> | d "), "a b &lt;c> | d");
        assert_eq!(markdown_code("a  |\nb <c>"), "`a | b <c>`");
        assert_eq!(markdown_code("x`y"), "`` x`y ``");
        assert_eq!(markdown_code(""), "``");
    }
}
