//! Problems that are not breaches of a rule: what kept the linter from checking
//! something (a manifest that cannot be parsed, a file that cannot be read), or a
//! generated file that is out of date. Each is declared once here, with its name,
//! its level and what it means; SARIF lists them as rules of their own, and
//! `docs/json-output.md` documents the names.

use telemetry_manifest::{Level, Rule};

macro_rules! problems {
    ($( $variant:ident = $name:literal $level:ident $description:literal, )*) => {
        /// A kind of diagnostic outside the rule table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Problem {
            $(
                #[doc = concat!("`", $name, "`: ", $description, ".")]
                $variant,
            )*
        }

        impl Problem {
            /// Every kind, in declaration order.
            pub const ALL: &[Problem] = &[$(Problem::$variant),*];

            /// The kebab-case name, as JSON and SARIF show it.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Problem::$variant => $name,)*
                }
            }

            /// The level it is reported at by default.
            pub const fn default_level(self) -> Level {
                match self {
                    $(Problem::$variant => Level::$level,)*
                }
            }

            /// What it means, one sentence, lowercase, no trailing period.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Problem::$variant => $description,)*
                }
            }
        }
    };
}

problems! {
    InvalidManifest = "invalid-manifest" Error
        "the telemetry manifest cannot be read or parsed, so nothing could be checked",
    InvalidPolicyFile = "invalid-policy-file" Error
        "the shared policy file the manifest names cannot be used, so the policy is unknown",
    ManifestSchema = "manifest-schema" Error
        "the manifest breaks schemas/telemetry-manifest.schema.json in a way the rules do not report",
    NoGit = "no-git" Error
        "git cannot be run, so a manifest at a git revision cannot be read",
    NoWorkspace = "no-workspace" Error
        "cargo cannot find the workspace, so nothing could be checked",
    NonUtf8Source = "non-utf8-source" Error
        "a Rust file is not UTF-8 and was skipped",
    StaleSchema = "stale-schema" Error
        "the committed payload schema differs from what the manifest generates",
    UnknownRevision = "unknown-revision" Error
        "the manifest cannot be read at the given git revision",
    UnparseableSource = "unparseable-source" Error
        "a Rust file that mentions telemetry events is not valid Rust and was skipped",
    UnreadableSource = "unreadable-source" Error
        "a file or directory of the workspace cannot be read and was skipped",
    UnreadablePath = "unreadable-path" Warning
        "a path given to init cannot be read, so its structs are not drafted",
    UnreadableRecords = "unreadable-records" Error
        "the records given to estimate cannot be read",
    UnwritableOutput = "unwritable-output" Error
        "a generated file cannot be written",
    EventNotDrafted = "event-not-drafted" Warning
        "a type selected as an event is not a struct of the scanned sources, so init does not draft it",
    DuplicateEvent = "duplicate-event" Warning
        "two structs would send the same event name, so init drafts only the first",
}

/// What a diagnostic reports: a rule's finding, or a problem outside the rule table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// A finding of a rule of [`telemetry_manifest::RULES`].
    Rule(&'static Rule),
    /// A problem outside the rule table.
    Problem(Problem),
}

impl Code {
    /// The rule, for a rule's finding.
    pub const fn rule(self) -> Option<&'static Rule> {
        match self {
            Code::Rule(rule) => Some(rule),
            Code::Problem(_) => None,
        }
    }

    /// The rule's or the problem's kebab-case name.
    pub const fn name(self) -> &'static str {
        match self {
            Code::Rule(rule) => rule.name,
            Code::Problem(problem) => problem.name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_descriptions_in_message_style() {
        let mut names = std::collections::BTreeSet::new();
        for problem in Problem::ALL {
            let name = problem.name();
            assert!(names.insert(name), "{name} twice");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{name}"
            );
            let text = problem.description();
            assert!(text.starts_with(|c: char| c.is_lowercase()), "{text}");
            assert!(!text.ends_with('.'), "{text}");
        }
    }

    #[test]
    fn every_problem_is_documented_for_tools() {
        let docs = include_str!("../../../docs/json-output.md");
        for problem in Problem::ALL {
            let row = format!(
                "| `{}` | {} |",
                problem.name(),
                problem.default_level().as_str()
            );
            assert!(
                docs.contains(&row),
                "docs/json-output.md lacks the row of {}",
                problem.name()
            );
        }
    }
}
