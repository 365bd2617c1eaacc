//! The review request of `cargo telemetry-lint review`: every question a data
//! reviewer asks of new or changed telemetry, answered from the manifest, each
//! answer with the line of the manifest it comes from, and every unanswered
//! question listed.
//!
//! The questions come from two sources, cited in each question and in the
//! document:
//!
//! - Mozilla's request for data-collection review,
//!   <https://github.com/mozilla/data-review/blob/main/request.md>: twelve
//!   questions, all mandatory there. Questions 1, 2, 3, 5, 7 and 8 are asked of each
//!   event; 4, 6, 9, 10, 11 and 12 once. The manifest cannot answer 4 (whether
//!   existing instrumentation already answers the questions) nor 10 (how the data
//!   will be analysed); they are listed as unanswered, to be answered by hand, and
//!   never make the command fail.
//! - The Linux Foundation's telemetry policy,
//!   <https://bestpractices.linuxfoundation.org/privacy/telemetry.html>: its four
//!   concerns for end users, individual data privacy, data confidentiality,
//!   awareness of collection, and the security of the collection mechanism.
//!
//! The questions are our own words for the sources' questions. An answer that the
//! policy requires (its `required_metadata`, its `required_governance`, and always
//! an opt-out) and the manifest does not give, or gives as a placeholder, is a
//! *required* unanswered question, and makes `review` exit 1.
//!
//! [`build`] computes the request; [`render_markdown`] and [`render_json`] print it.
//! Like the other documents it is a pure function of the manifest and the events
//! chosen, so the same input gives the same bytes.

use std::fmt::Write as _;

use serde::Serialize;
use telemetry_manifest::text::{is_placeholder, markdown_cell, markdown_code, markdown_inline};
use telemetry_manifest::{
    ByteSpan, ConsentModel, EventDef, GovernanceKey, Lines, MetadataKey, Text, ValidManifest,
};

/// The version of the JSON document's shape.
pub const JSON_VERSION: u32 = 1;

/// Mozilla's request for data-collection review.
pub const MOZILLA_URL: &str = "https://github.com/mozilla/data-review/blob/main/request.md";

/// The Linux Foundation's telemetry policy.
pub const LINUX_FOUNDATION_URL: &str =
    "https://bestpractices.linuxfoundation.org/privacy/telemetry.html";

/// Where a question comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Mozilla's data-collection review request.
    Mozilla,
    /// The Linux Foundation's telemetry policy.
    LinuxFoundation,
}

impl Source {
    fn url(self) -> &'static str {
        match self {
            Source::Mozilla => MOZILLA_URL,
            Source::LinuxFoundation => LINUX_FOUNDATION_URL,
        }
    }
}

/// A line of the manifest: `telemetry.yaml:12`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The manifest's path, relative to the workspace root.
    pub path: String,
    /// The line, from 1.
    pub line: usize,
}

/// One answer, quoted from the manifest.
#[derive(Clone, Debug, Serialize)]
pub struct Answer {
    /// What part of the manifest answers: `purpose`, `governance.access`, ...
    pub key: String,
    /// The answer, in the manifest's words.
    pub text: String,
    /// Where it was written.
    pub source: Link,
}

/// An answer the manifest does not give.
#[derive(Clone, Debug, Serialize)]
pub struct Missing {
    /// Where the answer belongs in the manifest, such as
    /// `events.build_finished.alternatives`; `null` when the manifest has no place
    /// for it and it is answered by hand in the review.
    pub key: Option<String>,
    /// Whether the policy requires it; a required answer missing makes `review`
    /// exit 1.
    pub required: bool,
}

/// One question of the request, with its answers and what is missing.
#[derive(Clone, Debug, Serialize)]
pub struct Question {
    /// Where the question comes from.
    pub source: Source,
    /// Its number in the source: 1 to 12 for Mozilla's, 1 to 4 for the Linux
    /// Foundation's concerns.
    pub number: u8,
    /// A short name for the Linux Foundation's concerns (`individual data privacy`);
    /// empty for Mozilla's.
    pub concern: &'static str,
    /// The question, in our words.
    pub question: &'static str,
    /// The event it is asked of; `None` for a question asked once.
    pub event: Option<String>,
    /// The answers found in the manifest.
    pub answers: Vec<Answer>,
    /// What the manifest does not answer.
    pub missing: Vec<Missing>,
}

/// Which events are under review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every event of the manifest.
    All,
    /// The events named on the command line.
    Named,
    /// The events new or changed since this side (`git:REV` or a file); `absent`
    /// when the revision has no manifest, so that every event is new.
    Since {
        /// The side as given.
        label: String,
        /// Whether the revision had no manifest.
        absent: bool,
    },
}

/// The whole review request.
#[derive(Clone, Debug)]
pub struct Review {
    /// The project.
    pub project: String,
    /// The manifest's path, relative to the workspace root.
    pub manifest: String,
    /// Which events are under review.
    pub scope: Scope,
    /// Their names, sorted.
    pub events: Vec<String>,
    /// Every question, Mozilla's first (per event, then once), then the Linux
    /// Foundation's.
    pub questions: Vec<Question>,
}

impl Review {
    /// The answers the policy requires that are missing, with their question.
    pub fn required_missing(&self) -> usize {
        self.questions
            .iter()
            .flat_map(|q| &q.missing)
            .filter(|m| m.required)
            .count()
    }

    /// Every missing answer.
    pub fn missing(&self) -> usize {
        self.questions.iter().map(|q| q.missing.len()).sum()
    }
}

/// Builds the question list and its answers.
struct Builder<'a> {
    manifest: &'a ValidManifest,
    text: &'a str,
    /// `text`'s lines, to link every answer to its line.
    lines: Lines,
    path: &'a str,
}

impl Builder<'_> {
    fn link(&self, span: ByteSpan) -> Link {
        Link {
            path: self.path.to_owned(),
            line: self.lines.line_column(self.text, span.offset).0,
        }
    }

    fn question(
        &self,
        source: Source,
        number: u8,
        concern: &'static str,
        question: &'static str,
        event: Option<&EventDef>,
    ) -> Question {
        Question {
            source,
            number,
            concern,
            question,
            event: event.map(|e| e.name.value.clone()),
            answers: Vec::new(),
            missing: Vec::new(),
        }
    }

    /// A text of the manifest as the answer under `key`, or, when absent or a
    /// placeholder, a missing answer (`required` as given).
    fn text(&self, q: &mut Question, key: String, text: Option<&Text>, required: bool) {
        match text {
            Some(t) if !is_placeholder(&t.value) => q.answers.push(Answer {
                key,
                text: one_line(&t.value),
                source: self.link(t.span),
            }),
            _ => q.missing.push(Missing {
                key: Some(key),
                required,
            }),
        }
    }

    /// The governance answer `key`, or a missing answer required by the policy.
    fn governance(&self, q: &mut Question, key: GovernanceKey) {
        let governance = &self.manifest.governance;
        let placeholder = governance
            .text(key)
            .is_some_and(|t| is_placeholder(&t.value));
        match governance.answer(key) {
            Some(answer) if !placeholder => q.answers.push(Answer {
                key: key.path().to_owned(),
                text: one_line(&answer.text),
                source: self.link(answer.span),
            }),
            _ => q.missing.push(Missing {
                key: Some(key.path().to_owned()),
                required: self.manifest.policy.requires_governance(key),
            }),
        }
    }

    fn by_hand(q: &mut Question) {
        q.missing.push(Missing {
            key: None,
            required: false,
        });
    }

    fn event_questions(&self, event: &EventDef, out: &mut Vec<Question>) {
        let policy = &self.manifest.policy;
        let name = &event.name.value;
        let key = |k: &str| format!("events.{name}.{k}");
        let m = Source::Mozilla;

        let mut q = self.question(
            m,
            1,
            "",
            "What questions will this data answer?",
            Some(event),
        );
        self.text(
            &mut q,
            key("purpose"),
            event.purpose.as_ref(),
            policy.requires(MetadataKey::Purpose),
        );
        out.push(q);

        let mut q = self.question(
            m,
            2,
            "",
            "Why does the project need to answer them, and how do users benefit?",
            Some(event),
        );
        self.text(
            &mut q,
            key("purpose"),
            event.purpose.as_ref(),
            policy.requires(MetadataKey::Purpose),
        );
        self.text(
            &mut q,
            key("owner"),
            event.owner.as_ref(),
            policy.requires(MetadataKey::Owner),
        );
        out.push(q);

        let mut q = self.question(
            m,
            3,
            "",
            "What else was considered to answer them, and why is it not enough?",
            Some(event),
        );
        let given: Vec<_> = event
            .alternatives
            .iter()
            .flat_map(|l| l.value.iter())
            .filter(|a| {
                !is_placeholder(&a.value.considered.value)
                    && !is_placeholder(&a.value.not_enough.value)
            })
            .collect();
        if given.is_empty() {
            q.missing.push(Missing {
                key: Some(key("alternatives")),
                required: policy.requires_governance(GovernanceKey::Alternatives),
            });
        }
        for alternative in given {
            q.answers.push(Answer {
                key: key("alternatives"),
                text: format!(
                    "{} Not enough: {}",
                    one_line(&alternative.value.considered.value),
                    one_line(&alternative.value.not_enough.value)
                ),
                source: self.link(alternative.value.considered.span),
            });
        }
        out.push(q);

        let mut q = self.question(
            m,
            5,
            "",
            "Which measurements are proposed, and in which data category is each?",
            Some(event),
        );
        let fields = event.fields_with_groups(self.manifest);
        if fields.is_empty() {
            q.answers.push(Answer {
                key: format!("events.{name}"),
                text: "no fields: only the fact that the event happened is sent".to_owned(),
                source: self.link(event.name.span),
            });
        }
        for (group, field) in fields {
            let described = field
                .description
                .as_ref()
                .map(|d| format!(": {}", one_line(&d.value)))
                .unwrap_or_default();
            let (key, from) = match group {
                Some(g) => (
                    format!("groups.{}.fields.{}", g.name.value, field.name.value),
                    format!(", from group `{}`", g.name.value),
                ),
                None => (
                    format!("events.{name}.fields.{}", field.name.value),
                    String::new(),
                ),
            };
            q.answers.push(Answer {
                key,
                text: format!(
                    "`{}` ({}, {}{from}){described}",
                    field.name.value, field.ty.value, field.category.value
                ),
                source: self.link(field.name.span),
            });
        }
        out.push(q);

        let mut q = self.question(
            m,
            7,
            "",
            "How long will the data be collected, and how long kept?",
            Some(event),
        );
        match &event.expires {
            Some(expires) => q.answers.push(Answer {
                key: key("expires"),
                text: format!("collected until {}", expires.value),
                source: self.link(expires.span),
            }),
            None => q.missing.push(Missing {
                key: Some(key("expires")),
                required: policy.requires(MetadataKey::Expires),
            }),
        }
        let days = self.manifest.retention_days(event);
        let (retention_key, span) = match &event.retention_days {
            Some(own) => (key("retention_days"), own.span),
            None => (
                "project.retention_days".to_owned(),
                self.manifest.project.retention_days.span,
            ),
        };
        q.answers.push(Answer {
            key: retention_key,
            text: format!(
                "each record kept {}",
                telemetry_manifest::text::plural(days as usize, "day")
            ),
            source: self.link(span),
        });
        out.push(q);

        let mut q = self.question(m, 8, "", "Which users will be measured?", Some(event));
        match &event.since {
            Some(since) if !is_placeholder(&since.value) => q.answers.push(Answer {
                key: key("since"),
                text: format!(
                    "everyone running version {} or later with telemetry on ({})",
                    one_line(&since.value),
                    consent_words(self.manifest.project.consent)
                ),
                source: self.link(since.span),
            }),
            _ => q.missing.push(Missing {
                key: Some(key("since")),
                required: policy.requires(MetadataKey::Since),
            }),
        }
        out.push(q);
    }

    fn project_questions(&self, events: &[&EventDef], out: &mut Vec<Question>) {
        let project = &self.manifest.project;
        let m = Source::Mozilla;

        let mut q = self.question(
            m,
            4,
            "",
            "Can the telemetry already collected answer these questions?",
            None,
        );
        Self::by_hand(&mut q);
        out.push(q);

        let mut q = self.question(
            m,
            6,
            "",
            "Where is the data set documented for the public, completely and accurately?",
            None,
        );
        self.text(
            &mut q,
            "project.data_dictionary".to_owned(),
            project.data_dictionary.as_ref(),
            false,
        );
        out.push(q);

        let mut q = self.question(
            m,
            9,
            "",
            "If the collection is on by default, how do users turn it off?",
            None,
        );
        self.opt_out(&mut q);
        out.push(q);

        let mut q = self.question(m, 10, "", "How will the data be analysed?", None);
        Self::by_hand(&mut q);
        out.push(q);

        let mut q = self.question(
            m,
            11,
            "",
            "Where will the results of the analysis be shared?",
            None,
        );
        self.governance(&mut q, GovernanceKey::AggregatesPublished);
        out.push(q);

        let mut q = self.question(
            m,
            12,
            "",
            "Does a third party's tool or service receive the data?",
            None,
        );
        self.governance(&mut q, GovernanceKey::Processors);
        out.push(q);

        let lf = Source::LinuxFoundation;
        let mut q = self.question(
            lf,
            1,
            "individual data privacy",
            "Can the data track or single out a user, or does it hold personal information?",
            None,
        );
        self.categories(&mut q, events);
        self.governance(&mut q, GovernanceKey::Access);
        self.governance(&mut q, GovernanceKey::RawDataAfterRetention);
        out.push(q);

        let mut q = self.question(
            lf,
            2,
            "data confidentiality",
            "Could the data reveal what a business using the program would keep to itself, and where does it go?",
            None,
        );
        self.governance(&mut q, GovernanceKey::Storage);
        self.governance(&mut q, GovernanceKey::Processors);
        self.governance(&mut q, GovernanceKey::SoldOrShared);
        self.governance(&mut q, GovernanceKey::AggregatesAfterRetention);
        out.push(q);

        let mut q = self.question(
            lf,
            3,
            "awareness of collection",
            "Do users, and those who install the program for others, know that data is collected, and can they refuse?",
            None,
        );
        q.answers.push(Answer {
            key: "project.consent".to_owned(),
            text: consent_words(project.consent).to_owned(),
            source: self.link(project.span),
        });
        self.opt_out(&mut q);
        self.text(
            &mut q,
            "project.data_dictionary".to_owned(),
            project.data_dictionary.as_ref(),
            false,
        );
        out.push(q);

        let mut q = self.question(
            lf,
            4,
            "security of the collection mechanism",
            "How is the data protected on its way and where it is stored, and whom does one tell of a breach?",
            None,
        );
        self.governance(&mut q, GovernanceKey::EncryptionInTransit);
        self.governance(&mut q, GovernanceKey::EncryptionAtRest);
        self.governance(&mut q, GovernanceKey::IncidentContact);
        out.push(q);
    }

    /// The ways to opt out; always required (TL016).
    fn opt_out(&self, q: &mut Question) {
        let ways = &self.manifest.project.opt_out;
        if ways.is_empty() {
            q.missing.push(Missing {
                key: Some("project.opt_out".to_owned()),
                required: true,
            });
        }
        for (kind, how) in ways {
            q.answers.push(Answer {
                key: format!("project.opt_out.{kind}"),
                text: one_line(&how.value),
                source: self.link(how.span),
            });
        }
    }

    /// The data categories of the events under review, each with the first field
    /// (by event, then field name) that carries it.
    fn categories(&self, q: &mut Question, events: &[&EventDef]) {
        let mut seen = Vec::new();
        for event in events {
            let fields = event.sorted_fields_with_groups(self.manifest);
            for (_, field) in fields {
                let category = field.category.value;
                if seen.iter().any(|(c, _, _, _)| *c == category) {
                    continue;
                }
                seen.push((
                    category,
                    event.name.value.as_str(),
                    field.name.value.as_str(),
                    field.category.span,
                ));
            }
        }
        seen.sort_by_key(|(c, _, _, _)| *c);
        if seen.is_empty() {
            q.answers.push(Answer {
                key: "events".to_owned(),
                text: "the events under review have no fields".to_owned(),
                source: self.link(self.manifest.project.span),
            });
        }
        for (category, event, field, span) in seen {
            q.answers.push(Answer {
                key: format!("events.{event}.fields.{field}.category"),
                text: format!(
                    "`{category}` data, first in `{event}.{field}`: {}",
                    category.description()
                ),
                source: self.link(span),
            });
        }
        if self
            .manifest
            .project
            .context
            .iter()
            .any(|c| c.as_str() == "session_id")
        {
            q.answers.push(Answer {
                key: "project.context".to_owned(),
                text: "every event carries a random session id, drawn anew at least once a day"
                    .to_owned(),
                source: self.link(self.manifest.project.span),
            });
        }
    }
}

/// The review request for `events` (sorted by name) of `manifest`, whose text is
/// `text` and whose path, relative to the workspace root, is `path`.
pub fn build(
    manifest: &ValidManifest,
    text: &str,
    path: &str,
    events: &[&EventDef],
    scope: Scope,
) -> Review {
    let builder = Builder {
        manifest,
        text,
        lines: Lines::new(text),
        path,
    };
    let mut questions = Vec::new();
    if !events.is_empty() {
        for event in events {
            builder.event_questions(event, &mut questions);
        }
        builder.project_questions(events, &mut questions);
    }
    Review {
        project: manifest.project.name.value.clone(),
        manifest: path.to_owned(),
        scope,
        events: events.iter().map(|e| e.name.value.clone()).collect(),
        questions,
    }
}

fn consent_words(consent: ConsentModel) -> &'static str {
    match consent {
        ConsentModel::OptIn => "opt-in: nothing is sent until the user turns telemetry on",
        ConsentModel::OptOut => {
            "opt-out: on after a first-run notice that says what is sent and how to turn it off"
        }
    }
}

/// Manifest text on one line, trimmed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn link_markdown(link: &Link) -> String {
    format!("[{0}:{1}]({0}#L{1})", link.path, link.line)
}

fn heading(q: &Question) -> String {
    match q.source {
        Source::Mozilla => format!("{}. {}", q.number, q.question),
        Source::LinuxFoundation => {
            let mut concern = q.concern.to_owned();
            if let Some(first) = concern.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            format!("{}. {concern}: {}", q.number, q.question)
        }
    }
}

fn missing_markdown(missing: &Missing) -> String {
    match (&missing.key, missing.required) {
        (Some(key), true) => format!("**Unanswered, required by the policy:** `{key}`"),
        (Some(key), false) => format!("*Unanswered:* `{key}`"),
        (None, _) => "*Not in the manifest:* answer it in the review".to_owned(),
    }
}

/// The request as Markdown, for a pull request or an issue.
pub fn render_markdown(review: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Data review request: {}\n",
        markdown_inline(&review.project)
    );
    let names: Vec<String> = review.events.iter().map(|e| markdown_code(e)).collect();
    let scope = match &review.scope {
        Scope::All => "every event of the manifest".to_owned(),
        Scope::Named => "the events named".to_owned(),
        Scope::Since {
            label,
            absent: true,
        } => format!(
            "the events added since {}, which had no telemetry manifest",
            markdown_code(label)
        ),
        Scope::Since { label, .. } => {
            format!("the events new or changed since {}", markdown_code(label))
        }
    };
    if review.events.is_empty() {
        let _ = writeln!(
            out,
            "No event to review: no event is new or changed since {}.",
            match &review.scope {
                Scope::Since { label, .. } => markdown_code(label),
                _ => "then".to_owned(),
            }
        );
        return out;
    }
    let _ = writeln!(
        out,
        "For {scope}: {}. Every answer is quoted from {} with the line it comes from. The questions are those of [Mozilla's request for data-collection review]({MOZILLA_URL}) and the four concerns of [the Linux Foundation's telemetry policy]({LINUX_FOUNDATION_URL}), in our words.\n",
        names.join(", "),
        markdown_code(&review.manifest)
    );

    out.push_str("## Unanswered\n\n");
    let required = review.required_missing();
    let all = review.missing();
    if all == 0 {
        out.push_str("The manifest answers every question.\n\n");
    } else {
        let by_hand = all - required;
        let _ = writeln!(
            out,
            "{} that the policy requires {} missing, each listed with its question; {} {} answered by hand in the review.\n",
            match required {
                0 => "No answer".to_owned(),
                n => telemetry_manifest::text::plural(n, "answer"),
            },
            if required > 1 { "are" } else { "is" },
            telemetry_manifest::text::plural(by_hand, "other"),
            if by_hand == 1 { "is" } else { "are" },
        );
        out.push_str(
            "| question | event | where the answer belongs | required |\n|---|---|---|---|\n",
        );
        for q in &review.questions {
            for missing in &q.missing {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    markdown_cell(&format!(
                        "{} {}",
                        match q.source {
                            Source::Mozilla => "Mozilla",
                            Source::LinuxFoundation => "Linux Foundation",
                        },
                        heading(q)
                    )),
                    q.event
                        .as_deref()
                        .map_or("all".to_owned(), |e| format!("`{e}`")),
                    missing
                        .key
                        .as_deref()
                        .map_or("not in the manifest".to_owned(), |k| format!("`{k}`")),
                    if missing.required { "yes" } else { "no" }
                );
            }
        }
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "## Mozilla's data-review request\n\nFrom <{MOZILLA_URL}>.\n"
    );
    let mut current: Option<Option<&str>> = None;
    for q in review
        .questions
        .iter()
        .filter(|q| q.source == Source::Mozilla)
    {
        let event = q.event.as_deref();
        if current != Some(event) {
            match event {
                Some(e) => {
                    let _ = writeln!(out, "### Event `{e}`\n");
                }
                None => out.push_str("### The whole collection\n\n"),
            }
            current = Some(event);
        }
        question_markdown(&mut out, q);
    }
    let _ = writeln!(
        out,
        "## The Linux Foundation's four concerns\n\nFrom <{LINUX_FOUNDATION_URL}>, for the events under review.\n"
    );
    for q in review
        .questions
        .iter()
        .filter(|q| q.source == Source::LinuxFoundation)
    {
        question_markdown(&mut out, q);
    }
    out
}

fn question_markdown(out: &mut String, q: &Question) {
    let _ = writeln!(out, "**{}**\n", markdown_inline(&heading(q)));
    for answer in &q.answers {
        // A field's answer starts with its name; every other names its key.
        let key = if answer.key.contains(".fields.") {
            String::new()
        } else {
            format!("`{}`: ", answer.key)
        };
        let _ = writeln!(
            out,
            "- {key}{} ({})",
            markdown_inline(&answer.text),
            link_markdown(&answer.source)
        );
    }
    for missing in &q.missing {
        let _ = writeln!(out, "- {}", missing_markdown(missing));
    }
    out.push('\n');
}

#[derive(Serialize)]
struct JsonReview<'a> {
    version: u32,
    project: &'a str,
    manifest: &'a str,
    since: Option<&'a str>,
    since_absent: bool,
    events: &'a [String],
    sources: JsonSources,
    unanswered: usize,
    required_unanswered: usize,
    questions: Vec<JsonQuestion<'a>>,
}

#[derive(Serialize)]
struct JsonSources {
    mozilla: &'static str,
    linux_foundation: &'static str,
}

#[derive(Serialize)]
struct JsonQuestion<'a> {
    source: Source,
    source_url: &'static str,
    number: u8,
    concern: Option<&'static str>,
    question: &'static str,
    event: Option<&'a str>,
    answers: &'a [Answer],
    missing: &'a [Missing],
}

/// The request as one JSON document (`docs/json-output.md`), pretty-printed with a
/// final newline.
pub fn render_json(review: &Review) -> String {
    let (since, since_absent) = match &review.scope {
        Scope::Since { label, absent } => (Some(label.as_str()), *absent),
        _ => (None, false),
    };
    let document = JsonReview {
        version: JSON_VERSION,
        project: &review.project,
        manifest: &review.manifest,
        since,
        since_absent,
        events: &review.events,
        sources: JsonSources {
            mozilla: MOZILLA_URL,
            linux_foundation: LINUX_FOUNDATION_URL,
        },
        unanswered: review.missing(),
        required_unanswered: review.required_missing(),
        questions: review
            .questions
            .iter()
            .map(|q| JsonQuestion {
                source: q.source,
                source_url: q.source.url(),
                number: q.number,
                concern: (!q.concern.is_empty()).then_some(q.concern),
                question: q.question,
                event: q.event.as_deref(),
                answers: &q.answers,
                missing: &q.missing,
            })
            .collect(),
    };
    super::json::to_pretty(&document)
}
