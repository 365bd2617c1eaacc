//! `cargo telemetry-lint explain TL###`: a rule's documentation from the rule table.

use std::fmt::Write as _;

use telemetry_manifest::rules;

/// The documentation of the rule with this id (`TL007`, any case) or name
/// (`path-field`), as Markdown.
///
/// # Errors
/// For an unknown rule: a message listing every rule's id, name and summary.
pub fn explain(rule: &str) -> Result<String, String> {
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
