//! `cargo telemetry-lint doc --format html`: the data dictionary as one
//! self-contained web page, `TELEMETRY.html`, that a project can publish.
//!
//! The page holds what `TELEMETRY.md` holds (the shared sentences come from
//! [`words`](crate::render::words)): how to opt out, when telemetry is on, how to
//! see every record, where the data goes, what is never collected, then every event
//! with its purpose, owner, expiry, retention, the alternatives considered and its
//! field table, who holds the data (the manifest's `governance` answers), the field
//! groups, the exceptions to the policy and the data categories. Like Mozilla's Glean
//! Dictionary, it can be searched by name and text and filtered by data category.
//!
//! - **Self-contained**: CSS and a small script are inline; no font, image, script
//!   or style is loaded, and a Content-Security-Policy (`default-src 'none'`) forbids
//!   the page any request.
//! - **Without scripts** every event is shown and the search form stays hidden (it
//!   carries `hidden`, which the script removes).
//! - **Accessible**: one `h1`, `h2` per section and `h3` per event or group;
//!   `header`, `nav`, `main` and `footer` landmarks, each section labelled by its
//!   heading; labelled form controls; a skip link; tables with captions and
//!   column headers; a live status line for the number of events shown.
//! - **Escaping**: the markup is written with `maud`, whose `html!` escapes every
//!   spliced value; manifest text is never concatenated into markup. The data the
//!   script reads is one JSON document from `serde_json`, in a
//!   `<script type="application/json">`, with `<`, `>` and `&` written as `\u003c`,
//!   `\u003e` and `\u0026` so no text can close the element (HTML Living Standard,
//!   "Restrictions for contents of script elements").
//! - **Deterministic**: a pure function of the manifest, events and fields sorted by
//!   name, no time of generation, so the committed copy can be checked like
//!   `TELEMETRY.md`.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;
use telemetry_manifest::{
    Category, EventDef, FieldDef, GovernanceKey, GroupDef, ValidManifest, Waiver,
};

use crate::render::governance as gov;
use crate::render::words::{self, Line, Piece};

/// The web page's file name, at the workspace root.
pub const FILE_NAME: &str = "TELEMETRY.html";

/// The page's style: system fonts only, readable widths, visible focus, dark mode.
const STYLE: &str = include_str!("html/style.css");

/// The page's script: search and the data category filter over the JSON index.
const SCRIPT: &str = include_str!("html/search.js");

/// The id of the `<script type="application/json">` holding the search index.
const INDEX_ID: &str = "telemetry-index";

/// Renders `TELEMETRY.html`. `manifest_path` is the manifest's path as shown in the
/// footer (relative to the workspace root).
pub fn render(manifest: &ValidManifest, manifest_path: &str) -> String {
    let project = &manifest.project;
    let name = project.name.value.as_str();
    let title = format!("Telemetry in {name}");
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
                meta name="generator" content="cargo telemetry-lint doc --format html";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#events" { "Skip to the events" }
                header {
                    h1 { (title) }
                    p {
                        (name) " collects anonymous usage data (telemetry) to learn how it is used and where it fails. This page lists everything it sends: every event, every field of each event, why it is collected, who answers for it and how long it is kept. It is generated from the telemetry manifest, "
                        code { (manifest_path) }
                        ", the same file the program's code is checked against when it is built, so it lists exactly what the program sends."
                    }
                    @match &project.contact {
                        Some(contact) => p { "Questions, and requests to delete data: " (contact.value) "." },
                        None => p { "The project names no contact for questions about this data." },
                    }
                }
                (contents(manifest))
                main {
                    (about(manifest))
                    (events(manifest))
                    (groups(manifest))
                    (exceptions(manifest))
                    (categories())
                }
                footer {
                    p {
                        "Generated by " code { "cargo telemetry-lint doc --format html" } " from " code { (manifest_path) } ". Do not edit: change the manifest and generate the page again."
                    }
                }
                script type="application/json" id=(INDEX_ID) { (PreEscaped(index_json(manifest))) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    let mut out = line_breaks(&page.into_string());
    out.push('\n');
    out
}

/// Elements whose opening tag ends a line: containers of other blocks.
const OPEN_BREAK: [&str; 18] = [
    "html", "head", "body", "header", "nav", "main", "footer", "section", "article", "ul", "dl",
    "table", "thead", "tbody", "tr", "form", "div", "select",
];

/// Elements whose closing tag (or, for a void element, whose tag) ends a line.
const CLOSE_BREAK: [&str; 31] = [
    "html", "head", "body", "header", "nav", "main", "footer", "section", "article", "ul", "dl",
    "table", "thead", "tbody", "tr", "form", "div", "select", "p", "li", "h1", "h2", "h3", "dt",
    "dd", "caption", "title", "style", "script", "option", "meta",
];

/// Puts block elements on lines of their own, so the committed page reads and
/// diffs line by line and `doc --check` points at the line that changed. Only
/// markup is touched: manifest text reaches the page escaped (it holds no `<`),
/// and the content of `<style>` and `<script>` is copied as it is.
fn line_breaks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        out.push_str(tag);
        let closing = tag.starts_with("</");
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let breaks = if tag.starts_with("<!") {
            true
        } else if closing || name == "meta" {
            CLOSE_BREAK.contains(&name.as_str())
        } else {
            OPEN_BREAK.contains(&name.as_str())
        };
        if !closing && (name == "style" || name == "script") {
            let close = format!("</{name}>");
            let body = rest.find(&close).unwrap_or(rest.len());
            out.push_str(&rest[..body]);
            rest = &rest[body..];
        }
        if breaks && !rest.starts_with('\n') {
            out.push('\n');
        }
    }
    out.push_str(rest);
    out
}

/// The id of an event's article: `event-` and its name, with whitespace (which an
/// id may not hold) replaced by `_`.
fn event_id(name: &str) -> String {
    format!("event-{}", id_safe(name))
}

fn group_id(name: &str) -> String {
    format!("group-{}", id_safe(name))
}

fn id_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// A shared sentence: text escaped, code in `<code>`.
fn line(line: &Line) -> Markup {
    html! {
        @for piece in line {
            @match piece {
                Piece::Text(text) => (text),
                Piece::Code(code) => code { (code) },
            }
        }
    }
}

/// Our own fixed text with `code` between backticks, such as a context field's
/// description. Only for text this crate writes, never for manifest text.
fn ours(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// Text from the manifest, or `not stated`.
fn text_or(text: Option<&telemetry_manifest::Text>) -> Markup {
    match text {
        Some(t) if !t.value.trim().is_empty() => html! { (t.value) },
        _ => html! { span.missing { "not stated" } },
    }
}

fn contents(manifest: &ValidManifest) -> Markup {
    html! {
        nav aria-labelledby="contents-heading" {
            h2 #contents-heading { "Contents" }
            ul {
                li { a href="#opt-out" { "How to opt out" } }
                li { a href="#see-records" { "See every record before it is sent" } }
                li { a href="#where-data-goes" { "Where the data goes" } }
                @if manifest.governance.span.is_some() { li { a href="#governance" { (gov::HEADING) } } }
                li { a href="#never-collected" { "What is never collected" } }
                li {
                    a href="#events" { "Events" }
                    @if !manifest.events.is_empty() {
                        ul {
                            @for event in &manifest.events {
                                li { a href={ "#" (event_id(&event.name.value)) } { code { (event.name.value) } } }
                            }
                        }
                    }
                }
                @if !manifest.groups.is_empty() { li { a href="#groups" { "Field groups" } } }
                @if has_waivers(manifest) { li { a href="#exceptions" { "Exceptions to the policy" } } }
                li { a href="#categories" { "Data categories" } }
            }
        }
    }
}

/// The sections before the events: opt-out, consent, debug mode, context and
/// `count`, where the data goes, what is never collected.
fn about(manifest: &ValidManifest) -> Markup {
    let project = &manifest.project;
    let (files_intro, files) = words::local_files(project);
    html! {
        section #opt-out aria-labelledby="opt-out-heading" {
            h2 #opt-out-heading { "How to opt out" }
            @if project.opt_out.is_empty() {
                p { "The manifest declares no way to opt out." }
            } @else {
                p { "Any one of these turns telemetry off:" }
                ul { @for l in words::opt_out(project) { li { (line(&l)) } } }
            }
            h3 { "When telemetry is on" }
            p { (words::consent(project)) }
            @if let Some(place) = &project.data_dictionary {
                p { "The published copy of this document: " (linked(&place.value)) "." }
            }
        }
        section #see-records aria-labelledby="see-records-heading" {
            h2 #see-records-heading { "See every record before it is sent" }
            @for l in words::debug_mode(project) { p { (line(&l)) } }
        }
        section #context aria-labelledby="context-heading" {
            h2 #context-heading { "Sent with every event" }
            @if project.context.is_empty() {
                p { "Nothing: an event carries only its own fields." }
            } @else {
                p { "Besides its own fields, each event carries this coarse context, and nothing else:" }
                ul {
                    @for field in &project.context {
                        li { code { (field.as_str()) } ": " (ours(field.description())) }
                    }
                }
            }
            p { (line(&words::count(project))) }
        }
        section #where-data-goes aria-labelledby="where-data-goes-heading" {
            h2 #where-data-goes-heading { "Where the data goes" }
            p {
                (line(&words::destination(manifest)))
                @if manifest.governance.span.is_some() {
                    " " a href="#governance" { (gov::HEADING) } " says what happens to them there."
                }
            }
            p { (line(&files_intro)) }
            ul { @for l in &files { li { (line(l)) } } }
        }
        section #never-collected aria-labelledby="never-collected-heading" {
            h2 #never-collected-heading { "What is never collected" }
            p { (ours(words::NEVER_COLLECTED_INTRO)) }
            ul { @for l in words::never_collected(manifest) { li { (line(&l)) } } }
        }
        (governance(manifest))
    }
}

fn events(manifest: &ValidManifest) -> Markup {
    html! {
        section #events aria-labelledby="events-heading" {
            h2 #events-heading { "Events" }
            @if manifest.events.is_empty() {
                p { "No events are declared: nothing is sent." }
            } @else {
                // Hidden until the script runs: without scripts every event is shown.
                form #finder role="search" aria-label="Find events" hidden {
                    div.control {
                        label for="search" { "Search events by name or text" }
                        input #search type="search" autocomplete="off" spellcheck="false"
                            aria-describedby="shown";
                    }
                    div.control {
                        label for="category" { "Data category" }
                        select #category {
                            option value="" { "any data category" }
                            @for category in Category::ALL {
                                option value=(category.as_str()) { (category.as_str()) }
                            }
                        }
                    }
                    p #shown role="status" aria-live="polite" {}
                }
                p #no-match hidden { "No event matches the search." }
                @let privacy = words::declares_privacy(manifest);
                @for event in &manifest.events { (event_article(manifest, event, privacy)) }
            }
        }
    }
}

/// One event's article; `privacy` is [`words::declares_privacy`] of the manifest,
/// decided once per document.
fn event_article(manifest: &ValidManifest, event: &EventDef, privacy: bool) -> Markup {
    let id = event_id(&event.name.value);
    let heading = format!("{id}-heading");
    let categories = words::categories(manifest, event);
    let fields = event.sorted_fields_with_groups(manifest);
    html! {
        article.event id=(id) aria-labelledby=(heading) {
            h3 id=(heading) { code { (event.name.value) } }
            p { (text_or(event.description.as_ref())) }
            dl.facts {
                dt { "Purpose" } dd { (text_or(event.purpose.as_ref())) }
                dt { "Owner" } dd { (text_or(event.owner.as_ref())) }
                @if let Some(level) = &event.level {
                    dt { "Level" } dd { code { (level.value) } }
                }
                dt { "Sent since version" } dd { (text_or(event.since.as_ref())) }
                dt { "Collected until" } dd { (words::expiry(event)) }
                dt { "Kept for" } dd { (words::retention(manifest, event)) }
                @if privacy {
                    dt { "Privacy" } dd { (words::privacy(manifest, event)) }
                    dt { "Occurrences sent" } dd { (words::sampling_words(event.sample_rate)) }
                }
                dt { "Alternatives" }
                dd {
                    @match &event.alternatives {
                        Some(list) if !list.value.is_empty() => {
                            ul.alternatives {
                                @for alternative in &list.value {
                                    li {
                                        strong { (gov::CONSIDERED) ":" } " "
                                        (gov::plain_sentence(&alternative.value.considered.value))
                                        " " strong { (gov::NOT_ENOUGH) ":" } " "
                                        (gov::plain_sentence(&alternative.value.not_enough.value))
                                    }
                                }
                            }
                        }
                        _ => span.missing { "not stated" },
                    }
                }
                dt { "Data categories" }
                dd {
                    @if categories.is_empty() { "none" }
                    @for (i, category) in categories.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href="#categories" { (category.as_str()) }
                    }
                }
            }
            @if fields.is_empty() {
                p { "This event has no fields: only the fact that it happened is sent." }
            } @else {
                (field_table(
                    html! { "Fields of " code { (event.name.value) } },
                    fields.iter().map(|(group, field)| (group.map(|g| g.name.value.as_str()), *field)),
                ))
            }
        }
    }
}

/// A table of fields: name (and the group it comes from), type, values, data
/// category, description.
fn field_table<'a>(
    caption: Markup,
    fields: impl Iterator<Item = (Option<&'a str>, &'a FieldDef)>,
) -> Markup {
    html! {
        div.table {
            table {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" { "field" }
                        th scope="col" { "type" }
                        th scope="col" { "values" }
                        th scope="col" { "data category" }
                        th scope="col" { "description" }
                    }
                }
                tbody {
                    @for (group, field) in fields {
                        tr {
                            th scope="row" {
                                code { (field.name.value) }
                                @if let Some(group) = group {
                                    " (from group " a href={ "#" (group_id(group)) } { code { (group) } } ")"
                                }
                            }
                            td { (field.ty.value.to_string()) }
                            td {
                                (line(&words::values(field)))
                                @if let Some(noise) = &field.noise {
                                    "; noised before sending (" (words::noise_words(noise)) ")"
                                }
                            }
                            td { (field.category.value.as_str()) }
                            td { (text_or(field.description.as_ref())) }
                        }
                    }
                }
            }
        }
    }
}

fn groups(manifest: &ValidManifest) -> Markup {
    if manifest.groups.is_empty() {
        return html! {};
    }
    html! {
        section #groups aria-labelledby="groups-heading" {
            h2 #groups-heading { "Field groups" }
            p { "Some fields are declared once, in a group, and sent with every event that embeds the group, beside the event's own fields. They are listed with each of those events above." }
            @for group in &manifest.groups { (group_article(manifest, group)) }
        }
    }
}

fn group_article(manifest: &ValidManifest, group: &GroupDef) -> Markup {
    let name = &group.name.value;
    let id = group_id(name);
    let heading = format!("{id}-heading");
    let users: Vec<&EventDef> = manifest.events.iter().filter(|e| e.embeds(name)).collect();
    let mut fields: Vec<&FieldDef> = group.fields.iter().collect();
    fields.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    html! {
        article.group id=(id) aria-labelledby=(heading) {
            h3 id=(heading) { "Group " code { (name) } }
            p { (text_or(group.description.as_ref())) }
            p {
                "Sent with: "
                @if users.is_empty() { "no event" }
                @for (i, event) in users.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "#" (event_id(&event.name.value)) } { code { (event.name.value) } }
                }
                "."
            }
            @if fields.is_empty() {
                p { "This group has no fields." }
            } @else {
                (field_table(html! { "Fields of group " code { (name) } }, fields.into_iter().map(|f| (None, f))))
            }
        }
    }
}

/// One granted waiver: where it applies (the event and, for a field, its name)
/// and the waiver.
struct Exception<'a> {
    event: Option<&'a str>,
    group: Option<&'a str>,
    field: Option<&'a str>,
    waiver: &'a Waiver,
}

/// Every granted waiver, in the order of `TELEMETRY.md`'s "Exceptions to the
/// policy": events by name, then groups by name, fields of each by name.
fn waivers(manifest: &ValidManifest) -> Vec<Exception<'_>> {
    let mut out = Vec::new();
    for event in &manifest.events {
        for waiver in &event.waivers {
            out.push(Exception {
                event: Some(&event.name.value),
                group: None,
                field: None,
                waiver,
            });
        }
        let mut fields: Vec<&FieldDef> = event.fields.iter().collect();
        fields.sort_by(|a, b| a.name.value.cmp(&b.name.value));
        for field in fields {
            for waiver in &field.waivers {
                out.push(Exception {
                    event: Some(&event.name.value),
                    group: None,
                    field: Some(&field.name.value),
                    waiver,
                });
            }
        }
    }
    for group in &manifest.groups {
        let mut fields: Vec<&FieldDef> = group.fields.iter().collect();
        fields.sort_by(|a, b| a.name.value.cmp(&b.name.value));
        for field in fields {
            for waiver in &field.waivers {
                out.push(Exception {
                    event: None,
                    group: Some(&group.name.value),
                    field: Some(&field.name.value),
                    waiver,
                });
            }
        }
    }
    out
}

fn has_waivers(manifest: &ValidManifest) -> bool {
    !waivers(manifest).is_empty()
}

fn exceptions(manifest: &ValidManifest) -> Markup {
    let rows = waivers(manifest);
    if rows.is_empty() {
        return html! {};
    }
    html! {
        section #exceptions aria-labelledby="exceptions-heading" {
            h2 #exceptions-heading { "Exceptions to the policy" }
            p { "The project's privacy policy is checked on every change. These events and fields were reviewed and granted an exception to one of its rules; each exception says why the rule does not apply and where it was reviewed." }
            div.table {
                table {
                    caption { "Exceptions to the policy" }
                    thead {
                        tr {
                            th scope="col" { "event" }
                            th scope="col" { "field" }
                            th scope="col" { "rule" }
                            th scope="col" { "reason" }
                            th scope="col" { "review" }
                        }
                    }
                    tbody {
                        @for row in &rows {
                            tr {
                                td {
                                    @if let Some(event) = row.event {
                                        a href={ "#" (event_id(event)) } { code { (event) } }
                                    }
                                    @if let Some(group) = row.group {
                                        "every event with group " a href={ "#" (group_id(group)) } { code { (group) } }
                                    }
                                }
                                td {
                                    @match row.field {
                                        Some(field) => code { (field) },
                                        None => "the whole event",
                                    }
                                }
                                td { (row.waiver.rule.id) " " code { (row.waiver.rule.name) } }
                                td { (row.waiver.reason.value) }
                                td { (row.waiver.review.value) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "Who holds the data": the manifest's `governance` answers, one question each
/// in the order of [`GovernanceKey::ALL`], in the words of `TELEMETRY.md`
/// ([`render::governance`](crate::render::governance)); an unanswered question
/// says so. Left out, as in `TELEMETRY.md`, when the manifest has no `governance`
/// section. Each event's `alternatives` are shown with the event.
fn governance(manifest: &ValidManifest) -> Markup {
    let governance = &manifest.governance;
    if governance.span.is_none() {
        return html! {};
    }
    let questions = GovernanceKey::ALL
        .into_iter()
        .filter(|key| *key != GovernanceKey::Alternatives);
    html! {
        section #governance aria-labelledby="governance-heading" {
            h2 #governance-heading { (gov::HEADING) }
            p { (gov::INTRO) }
            dl.facts {
                @for key in questions {
                    dt { (key.question()) }
                    dd {
                        @match governance.answer(key) {
                            Some(answer) => (linked(&gov::plain_sentence(&answer.text))),
                            None => span.missing { "Not stated." },
                        }
                        @if key == GovernanceKey::RawDataAfterRetention {
                            " " (gov::RETENTION_NOTE)
                        }
                    }
                }
            }
        }
    }
}

/// Text that is a web address becomes a link to it; any other text stays text.
fn linked(text: &str) -> Markup {
    let address = telemetry_manifest::text::is_web_address(text);
    html! {
        @if address { a href=(text) { (text) } } @else { (text) }
    }
}

fn categories() -> Markup {
    html! {
        section #categories aria-labelledby="categories-heading" {
            h2 #categories-heading { "Data categories" }
            p { "Each field belongs to one data category, after Mozilla's data-collection categories, from least to most sensitive:" }
            dl.categories {
                @for category in Category::ALL {
                    dt { (category.as_str()) }
                    dd { (ours(category.description())) "." }
                }
            }
        }
    }
}

/// One event in the search index: its article's id, the text searched (name,
/// description, purpose, owner, and each field's name, description and values, in
/// lower case), and its data categories.
#[derive(Serialize)]
struct IndexEntry {
    id: String,
    text: String,
    categories: Vec<&'static str>,
}

#[derive(Serialize)]
struct Index {
    events: Vec<IndexEntry>,
}

/// The search index as JSON, safe inside a `<script>` element.
fn index_json(manifest: &ValidManifest) -> String {
    let events = manifest
        .events
        .iter()
        .map(|event| {
            let mut text: Vec<&str> = vec![&event.name.value];
            for part in [&event.description, &event.purpose, &event.owner]
                .into_iter()
                .flatten()
            {
                text.push(&part.value);
            }
            for alternative in event.alternatives.iter().flat_map(|l| &l.value) {
                text.push(&alternative.value.considered.value);
                text.push(&alternative.value.not_enough.value);
            }
            let fields = event.all_fields(manifest);
            let mut values = Vec::new();
            for field in &fields {
                text.push(&field.name.value);
                if let Some(description) = &field.description {
                    text.push(&description.value);
                }
                values.extend(field.possible_values());
            }
            let mut text = text.join(" ");
            for value in values {
                text.push(' ');
                text.push_str(&value);
            }
            IndexEntry {
                id: event_id(&event.name.value),
                text: text.to_lowercase(),
                categories: words::categories(manifest, event)
                    .into_iter()
                    .map(Category::as_str)
                    .collect(),
            }
        })
        .collect();
    script_safe_json(&Index { events })
}

/// `value` as JSON that cannot end a `<script>` element or open a comment in it:
/// `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026` (the same string
/// to a JSON parser). Serializing a plain struct of strings cannot fail; were it to,
/// the script finds an empty index and shows every event.
fn script_safe_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{\"events\":[]}".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use telemetry_manifest::{ByteSpan, Located, parse_str, validate};

    const MANIFEST: &str = "version: 1\nproject: { name: p, retention_days: 30 }\nevents:\n  e:\n    description: d\n    fields:\n      f: { type: bool, category: technical, description: d }\n";

    proptest! {
        /// Whatever a manifest's text holds, it stays text: no element, no end of
        /// the script elements, and the search index reads it back. (Greek is left
        /// out: its final sigma lower-cases differently inside a longer text.)
        #[test]
        fn manifest_text_cannot_make_markup(text in "[ -~\u{a0}-\u{36f}\u{400}-\u{3000}]{0,40}") {
            let (mut manifest, _) = validate(&parse_str(MANIFEST).unwrap());
            let located = |value: &str| Located { value: value.to_owned(), span: ByteSpan { offset: 0, len: 0 } };
            manifest.events[0].description = Some(located(&text));
            manifest.events[0].fields[0].description = Some(located(&text));
            manifest.project.name = located(&text);
            let html = render(&manifest, &text);
            prop_assert_eq!(html.matches("<script").count(), 2);
            prop_assert_eq!(html.matches("</script>").count(), 2);
            prop_assert_eq!(html.matches("<p>").count() + html.matches("<p ").count(), html.matches("</p>").count());
            let start = html.find("id=\"telemetry-index\">").unwrap() + "id=\"telemetry-index\">".len();
            let end = start + html[start..].find("</script>").unwrap();
            let index: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
            let searched = index["events"][0]["text"].as_str().unwrap();
            prop_assert!(searched.contains(&text.to_lowercase()));
        }
    }

    #[test]
    fn block_elements_get_lines_of_their_own() {
        assert_eq!(
            line_breaks("<ul><li>a <code>b</code></li></ul><style>a > b {}</style>"),
            "<ul>\n<li>a <code>b</code></li>\n</ul>\n<style>a > b {}</style>\n"
        );
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let json = script_safe_json(&vec!["</script><!-- & >"]);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ["</script><!-- & >"]);
    }
}
