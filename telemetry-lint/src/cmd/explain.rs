//! `cargo telemetry-lint explain TL###`: a rule's documentation from the rule table.

use std::fmt::Write as _;

use telemetry_manifest::rules;

use crate::cli;
use crate::cmd::print_out;

/// Runs `explain`; returns the exit code (2 for an unknown rule).
pub(crate) fn run(args: &cli::ExplainArgs) -> i32 {
    match explain(&args.rule) {
        Ok(text) => {
            print_out(&text);
            0
        }
        Err(message) => {
            eprint!("error: {message}");
            2
        }
    }
}

/// The documentation of the rule with this id (`TL007`, any case) or name
/// (`path-field`), as Markdown.
///
/// # Errors
/// For an unknown rule: a message listing every rule's id, name and summary.
fn explain(rule: &str) -> Result<String, String> {
    match rules::find(rule.trim()) {
        Some(rule) => Ok(rules::render_rule(rule)),
        None => {
            let mut message = format!("unknown rule `{rule}`; the rules are:\n");
            for rule in rules::RULES {
                let _ = writeln!(message, "  {} {:<28} {}", rule.id, rule.name, rule.summary);
            }
            Err(message)
        }
    }
}
