//! A finding: one breach of one rule, with where it is, whose it is and how to fix
//! it.
//!
//! Every check returns [`Finding`]s; the macro turns them into compile errors on the
//! tokens at fault, the linter into diagnostics on file lines. [`Owner`] names the
//! event or the field group a finding is about, in its words (``event `name` ``)
//! and on the finding ([`Owner::tag`]).
//!
//! ```
//! use telemetry_manifest::{Finding, Owner, rules};
//! let owner = Owner::Group("platform");
//! let finding = owner.tag(Finding::new(
//!     rules::MISSING_FIELD,
//!     format!("field `os` of {owner} is missing"),
//!     "add it",
//! ));
//! assert_eq!(finding.group.as_deref(), Some("platform"));
//! assert!(finding.render_for_compiler().starts_with("field `os` of group `platform` is missing"));
//! ```

use crate::model::ByteSpan;
use crate::rules::Rule;

/// Where in an event struct a finding points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeTarget {
    /// The struct as a whole (its name).
    Struct,
    /// The name of the field at this index, in declaration order.
    FieldName(usize),
    /// The type of the field at this index, in declaration order.
    FieldType(usize),
}

/// One breach of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule broken.
    pub rule: &'static Rule,
    /// What is wrong, naming the event and the field; lowercase, no trailing period.
    pub message: String,
    /// The fix for this case; lowercase, no trailing period.
    pub help: String,
    /// The event concerned, if any.
    pub event: Option<String>,
    /// The field concerned, if any.
    pub field: Option<String>,
    /// The field group concerned, if the finding is about a group's declaration or
    /// its struct rather than about one event.
    pub group: Option<String>,
    /// Where in the manifest, if the finding involves it.
    pub manifest_span: Option<ByteSpan>,
    /// Where in the event struct, if the finding involves it.
    pub code: Option<CodeTarget>,
}

impl AsRef<Finding> for Finding {
    fn as_ref(&self) -> &Finding {
        self
    }
}

impl Finding {
    /// A finding of `rule` with its message and fix.
    pub fn new(rule: &'static Rule, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding {
            rule,
            message: message.into(),
            help: help.into(),
            event: None,
            field: None,
            group: None,
            manifest_span: None,
            code: None,
        }
    }

    /// Names the event.
    #[must_use]
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// Names the field.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Names the field group.
    #[must_use]
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// Points into the manifest; a zero-length span at offset 0 counts as unknown.
    #[must_use]
    pub fn at_manifest(mut self, span: ByteSpan) -> Self {
        if span != ByteSpan::default() {
            self.manifest_span = Some(span);
        }
        self
    }

    /// Points into the event struct.
    #[must_use]
    pub fn at_code(mut self, target: CodeTarget) -> Self {
        self.code = Some(target);
        self
    }

    /// The text of a compiler error: the message, then the why, the fix and the rule.
    ///
    /// ```text
    /// field `config_path` has type `PathBuf`, which can carry a file-system path
    ///   = why: paths contain user names, ...
    ///   = help: send a coarse fact about the path instead, ...
    ///   = rule: TL007 path-field (cargo telemetry-lint explain TL007)
    /// ```
    pub fn render_for_compiler(&self) -> String {
        format!(
            "{}\n  = why: {}\n  = help: {}\n  = rule: {} (cargo telemetry-lint explain {})",
            self.message,
            self.rule.why,
            self.help,
            self.rule.code(),
            self.rule.id
        )
    }
}

/// What a field belongs to: an event or a field group. Shown as ``event `name` ``
/// or ``group `name` `` in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner<'a> {
    /// An event, by name.
    Event(&'a str),
    /// A field group, by name.
    Group(&'a str),
}

impl<'a> Owner<'a> {
    /// The event's or the group's name.
    pub const fn name(self) -> &'a str {
        match self {
            Owner::Event(name) | Owner::Group(name) => name,
        }
    }

    /// `event` or `group`.
    pub const fn kind(self) -> &'static str {
        match self {
            Owner::Event(_) => "event",
            Owner::Group(_) => "group",
        }
    }

    /// Names the owner on a finding: [`Finding::event`] or [`Finding::group`].
    #[must_use]
    pub fn tag(self, finding: Finding) -> Finding {
        match self {
            Owner::Event(name) => finding.event(name),
            Owner::Group(name) => finding.group(name),
        }
    }
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind(), self.name())
    }
}

impl<'a> From<&'a str> for Owner<'a> {
    fn from(event: &'a str) -> Self {
        Owner::Event(event)
    }
}

impl<'a> From<&'a String> for Owner<'a> {
    fn from(event: &'a String) -> Self {
        Owner::Event(event)
    }
}
