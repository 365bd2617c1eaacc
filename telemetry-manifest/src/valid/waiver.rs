//! The waiver model: a reviewed exception to one rule for one event or field,
//! written in the manifest under `waivers:`.
//!
//! A waiver is granted when it names a rule that can be waived (its
//! [`Rule::waivable`] is set: a judgement of the linter, never a rule the compiler
//! enforces) in the scope it is written in, once, with a real `reason` and
//! `review`. [`resolve_waivers`] keeps the granted ones on the checked manifest;
//! [`judge`] says why the others are refused, for `check_waivers` (TL028).

use crate::model::{ByteSpan, Located, WaiverEntry};
use crate::rules::{self, Enforced, Rule, WaiverScope};
use crate::text::{is_placeholder, lowercase_first};

/// A granted waiver: a reviewed exception to one rule for one event or field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// The rule waived.
    pub rule: &'static Rule,
    /// Where the rule is named in the manifest.
    pub rule_span: ByteSpan,
    /// Why the finding does not apply.
    pub reason: Located<String>,
    /// Where the exception was reviewed.
    pub review: Located<String>,
    /// Where the whole waiver stands in the manifest.
    pub span: ByteSpan,
}

/// Why a waiver cannot be granted: message, help and where.
type Refusal = (String, String, ByteSpan);

/// The codes of the rules waivable in `scope`, for messages.
fn waivable_list(scope: WaiverScope) -> String {
    rules::waivable(scope)
        .map(Rule::code)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Judges one waiver written under an event (`Event`) or a field (`Field`) that
/// `place` names (``field `x` of event `y` ``).
pub(crate) fn judge(
    entry: &Located<WaiverEntry>,
    scope: WaiverScope,
    place: &str,
) -> Result<Waiver, Refusal> {
    let body = &entry.value;
    let written = &body.rule.value;
    let Some(rule) = rules::find(written.trim()) else {
        return Err((
            format!("the waiver on {place} names `{written}`, which is not a rule"),
            format!(
                "name a rule by id or name, as `cargo telemetry-lint explain` knows them; waivable on {}: {}",
                scope.as_str(),
                waivable_list(scope)
            ),
            body.rule.span,
        ));
    };
    let code = rule.code();
    let Some(rule_scope) = rule.waivable else {
        let (why, help) = if rule.enforced == Enforced::CompilerAndLinter {
            (
                "the compiler enforces it, so no exception can be granted",
                format!(
                    "remove the waiver and fix the field: {}",
                    lowercase_first(rule.fix.trim_end_matches('.'))
                ),
            )
        } else {
            (
                "it is not a judgement a review can overrule",
                format!(
                    "remove the waiver and fix the finding; waivable on {}: {}",
                    scope.as_str(),
                    waivable_list(scope)
                ),
            )
        };
        return Err((
            format!("the waiver on {place} names {code}, which cannot be waived: {why}"),
            help,
            body.rule.span,
        ));
    };
    if rule_scope != scope {
        let help = match rule_scope {
            WaiverScope::Event => "move the waiver to the event's `waivers`".to_owned(),
            WaiverScope::Field => {
                "move the waiver to the `waivers` of the field the finding names".to_owned()
            }
        };
        return Err((
            format!(
                "the waiver on {place} names {code}, which is waived on {} only",
                rule_scope.as_str()
            ),
            help,
            body.rule.span,
        ));
    }
    let real = |key: &str, text: &Option<Located<String>>, advice: &str| match text {
        None => Err((
            format!("the waiver of {code} on {place} has no `{key}`"),
            format!("add `{key}:` and {advice}"),
            body.rule.span,
        )),
        Some(text) if is_placeholder(&text.value) => Err((
            format!(
                "the `{key}` of the waiver of {code} on {place} is a placeholder: `{}`",
                text.value.trim()
            ),
            advice.to_owned(),
            text.span,
        )),
        Some(text) => Ok(text.clone()),
    };
    let reason = real(
        "reason",
        &body.reason,
        "say why the finding does not apply, in plain language",
    )?;
    let review = real(
        "review",
        &body.review,
        "link the pull request, issue or review document that granted the exception",
    )?;
    Ok(Waiver {
        rule,
        rule_span: body.rule.span,
        reason,
        review,
        span: entry.span,
    })
}

/// The waivers of a `waivers:` list that can be granted, in manifest order, each
/// rule once (the first). What cannot be granted is left out here and reported by
/// [`check_waivers`].
pub(crate) fn resolve_waivers(
    list: Option<&Located<Vec<Located<WaiverEntry>>>>,
    scope: WaiverScope,
) -> Vec<Waiver> {
    let mut granted: Vec<Waiver> = Vec::new();
    for entry in list.map(|l| l.value.as_slice()).unwrap_or_default() {
        if let Ok(waiver) = judge(entry, scope, "")
            && !granted.iter().any(|w| w.rule == waiver.rule)
        {
            granted.push(waiver);
        }
    }
    granted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waivers_are_judged() {
        let entry = |rule: &str, reason: Option<&str>, review: Option<&str>| {
            let text = |t: &str| Located::new(t.to_owned(), ByteSpan::new(1, 1));
            Located::new(
                WaiverEntry {
                    rule: text(rule),
                    reason: reason.map(text),
                    review: review.map(text),
                },
                ByteSpan::new(0, 10),
            )
        };
        let ok = judge(
            &entry(
                "identifier-like-field",
                Some("counts accounts"),
                Some("PR 42"),
            ),
            WaiverScope::Field,
            "x",
        );
        assert_eq!(ok.map(|w| w.rule.id), Ok("TL023"));
        for (bad, scope, words) in [
            (
                entry("TL006", Some("r"), Some("PR 1")),
                WaiverScope::Field,
                "compiler enforces",
            ),
            (
                entry("TL999", Some("r"), Some("PR 1")),
                WaiverScope::Field,
                "not a rule",
            ),
            (
                entry("TL016", Some("r"), Some("PR 1")),
                WaiverScope::Event,
                "cannot be waived",
            ),
            (
                entry("TL022", Some("r"), Some("PR 1")),
                WaiverScope::Field,
                "on events only",
            ),
            (
                entry("TL023", None, Some("PR 1")),
                WaiverScope::Field,
                "no `reason`",
            ),
            (
                entry("TL023", Some("r"), Some("TODO")),
                WaiverScope::Field,
                "placeholder",
            ),
        ] {
            match judge(&bad, scope, "x") {
                Ok(w) => panic!("{} was granted", w.rule.id),
                Err((message, _, _)) => assert!(message.contains(words), "{message}"),
            }
        }
    }
}
