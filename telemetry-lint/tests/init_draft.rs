//! The draft `init` writes always loads as a manifest, whatever the scanned code says.
//!
//! A property test generates Rust files whose names, doc comments and field doc
//! comments hold the text that breaks hand-written YAML (commas and colons in what
//! would be a flow mapping, quotes, `#`, YAML indicators, keywords such as `yes` and
//! `null`, numbers such as `1e3`, line breaks, tabs, control characters, Unicode),
//! runs `init --all-structs --dry-run` on each, and checks that the draft loads and
//! validates and that every description taken from a doc comment comes back exactly
//! as init read it. Then one small case per breaker found so far, and the
//! hand-written seeds of the `source_scanner` fuzz target (`fuzz/seeds/`) through
//! that target.
//!
//! `PROPTEST_CASES` sets the number of generated cases (64 by default).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use telemetry_lint::__private::init_in;
use telemetry_lint::{FieldOutcome, Format, InitOptions, InitReport, Selector};
use telemetry_manifest::{Manifest, parse_str, validate};

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_targets;

/// Runs `init --all-structs --dry-run` on `source` as `src/lib.rs` of a crate named
/// `package` (no `Cargo.toml` when `None`).
fn init_on(source: &str, package: Option<&str>) -> InitReport {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let src = dir.path().join("src");
    std::fs::create_dir(&src).expect("src/ is created");
    std::fs::write(src.join("lib.rs"), source).expect("src/lib.rs is written");
    if let Some(name) = package {
        let toml = format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n");
        std::fs::write(dir.path().join("Cargo.toml"), toml).expect("Cargo.toml is written");
    }
    let options = InitOptions {
        paths: vec![PathBuf::from("src")],
        selector: Selector::AllStructs,
        output: Some(PathBuf::from("telemetry.yaml")),
        dry_run: true,
        force: false,
        format: Format::Human,
    };
    match init_in(&options, dir.path()) {
        Ok(report) => report,
        Err(error) => panic!("init failed: {error}\n{source}"),
    }
}

/// Loads and validates the draft; every drafted event is in it.
fn load(report: &InitReport) -> Manifest {
    let manifest = match parse_str(&report.draft) {
        Ok(manifest) => manifest,
        Err(error) => panic!("the draft does not load: {error}\n{}", report.draft),
    };
    let _ = validate(&manifest);
    assert_eq!(
        manifest.events.len(),
        report.events.len(),
        "the draft lost an event:\n{}",
        report.draft
    );
    manifest
}

/// The description the draft gives `event`, and those of its fields, by name.
fn descriptions<'m>(manifest: &'m Manifest, event: &str) -> (&'m str, Vec<(&'m str, &'m str)>) {
    let Some((_, found)) = manifest.events.iter().find(|(name, _)| name.value == event) else {
        panic!("event `{event}` is not in the draft");
    };
    let description = found.value.description.as_ref().map_or("", |d| &d.value);
    let fields = found
        .value
        .fields
        .iter()
        .map(|(name, field)| {
            let text = field.value.description.as_ref().map_or("", |d| &d.value);
            (name.value.as_str(), text)
        })
        .collect();
    (description, fields)
}

/// The first paragraph of a doc comment, as init reads it: the attributes' text split
/// into lines, each trimmed, the first run of non-empty lines joined by spaces.
fn first_paragraph(docs: &[String]) -> Option<String> {
    let lines: Vec<&str> = docs
        .iter()
        .flat_map(|doc| doc.split('\n'))
        .map(str::trim)
        .collect();
    let paragraph: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect();
    let joined = paragraph.join(" ");
    let joined = joined.trim();
    (!joined.is_empty()).then(|| joined.to_owned())
}

/// Every event and kept field of the draft has the description init read, or `TODO`.
fn assert_descriptions_round_trip(report: &InitReport, manifest: &Manifest) {
    for event in &report.events {
        let (description, fields) = descriptions(manifest, &event.name);
        assert_eq!(
            description,
            event.doc.as_deref().unwrap_or("TODO"),
            "{}",
            report.draft
        );
        for field in &event.fields {
            if let FieldOutcome::Kept { .. } = field.outcome {
                let found = fields.iter().find(|(name, _)| *name == field.name);
                assert_eq!(
                    found.map(|(_, text)| *text),
                    Some(field.doc.as_deref().unwrap_or("TODO")),
                    "field `{}` of `{}`:\n{}",
                    field.name,
                    event.name,
                    report.draft
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Generated sources
// ---------------------------------------------------------------------------

/// A field type of the generated sources.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Bool,
    U32,
    U64,
    Text,
    OptionU8,
    Path,
    /// The fieldless enum of the file.
    Kind,
    /// The nested struct of the file.
    Inner,
}

impl Ty {
    fn rust(self) -> &'static str {
        match self {
            Ty::Bool => "bool",
            Ty::U32 => "u32",
            Ty::U64 => "u64",
            Ty::Text => "String",
            Ty::OptionU8 => "Option<u8>",
            Ty::Path => "PathBuf",
            Ty::Kind => KIND,
            Ty::Inner => INNER,
        }
    }
}

/// The names of the fieldless enum and of the nested struct of every generated file.
const KIND: &str = "HelperKind";
const INNER: &str = "HelperInner";

#[derive(Clone, Debug)]
struct FieldCase {
    name: String,
    docs: Vec<String>,
    ty: Ty,
}

#[derive(Clone, Debug)]
struct StructCase {
    name: String,
    docs: Vec<String>,
    fields: Vec<FieldCase>,
}

#[derive(Clone, Debug)]
struct SourceCase {
    structs: Vec<StructCase>,
    inner: StructCase,
    kind_docs: Vec<String>,
    kind_variants: Vec<String>,
    /// `enum Event { Variant { field: Type } }`, when present.
    event_enum: Option<Vec<(String, FieldCase)>>,
    package: Option<String>,
}

/// Pieces of text that hand-written YAML gets wrong.
const PIECES: &[&str] = &[
    ",",
    ", ",
    ":",
    ": ",
    " #",
    "#",
    "# ",
    "\"",
    "'",
    "&",
    "&a",
    "*",
    "*a",
    "!",
    "!!str",
    "|",
    ">",
    "%",
    "@",
    "`",
    "-",
    "- ",
    "? ",
    "{",
    "}",
    "[",
    "]",
    "{ a: b }",
    "[a, b]",
    "---",
    "...",
    "\\",
    "\\n",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    "\0",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffe}",
    "é",
    "日本語",
    "🦀",
    "yes",
    "no",
    "Yes",
    "NO",
    "on",
    "off",
    "y",
    "n",
    "null",
    "Null",
    "NULL",
    "~",
    "true",
    "False",
    "1e3",
    "0x10",
    "0o17",
    "0b1",
    ".inf",
    "-.inf",
    ".nan",
    "1_000",
    "12:30",
    "2024-01-01",
    "+1",
    "-0",
    "TODO",
    "Set for admins, otherwise unset",
    "description: x",
    "type: bool",
    "category: technical",
];

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => prop::sample::select(PIECES).prop_map(str::to_owned),
        3 => "[a-zA-Z ]{1,10}",
        1 => any::<char>().prop_map(String::from),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

/// The `#[doc]` attributes of one item: none, one, or several.
fn docs() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..3)
}

/// Whether `name` can be written as an identifier (raw or not) in Rust source.
fn is_identifier(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

fn type_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Z][A-Za-z0-9_]{0,12}",
        1 => prop::sample::select(&[
            "Yes", "No", "Null", "True", "False", "On", "Off", "Y", "N", "Inf", "Nan", "E3",
            "X10", "Todo", "Café", "Ñandú", "Straße", "Ωmega", "日本", "HTTPRequest", "A_B",
        ][..])
        .prop_map(str::to_owned),
    ]
    .prop_filter("an identifier", |name| {
        is_identifier(name) && ![KIND, INNER, "Event", "PathBuf"].contains(&name.as_str())
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_][a-z0-9_]{0,10}",
        1 => prop::sample::select(&[
            "r#type", "r#match", "r#yes", "yes", "no", "null", "true", "on", "y", "inf", "nan",
            "e3", "café", "größe", "_x", "x_", "a__b",
        ][..])
        .prop_map(str::to_owned),
    ]
    .prop_filter("an identifier", |name| is_identifier(name))
}

fn field(types: &'static [Ty]) -> impl Strategy<Value = FieldCase> {
    (field_name(), docs(), prop::sample::select(types)).prop_map(|(name, docs, ty)| FieldCase {
        name,
        docs,
        ty,
    })
}

const ALL_TYPES: &[Ty] = &[
    Ty::Bool,
    Ty::U32,
    Ty::U64,
    Ty::Text,
    Ty::OptionU8,
    Ty::Path,
    Ty::Kind,
    Ty::Inner,
];

/// The types of the nested struct's fields: no struct, so nothing nests in itself.
const INNER_TYPES: &[Ty] = &[Ty::Bool, Ty::U32, Ty::Text, Ty::Path, Ty::Kind];

/// Fields with distinct names (a repeated name is dropped).
fn fields(types: &'static [Ty], most: usize) -> impl Strategy<Value = Vec<FieldCase>> {
    prop::collection::vec(field(types), 0..most).prop_map(|mut fields| {
        let mut seen = std::collections::BTreeSet::new();
        fields.retain(|f| seen.insert(f.name.trim_start_matches("r#").to_owned()));
        fields
    })
}

fn struct_case(types: &'static [Ty]) -> impl Strategy<Value = StructCase> {
    (type_name(), docs(), fields(types, 5)).prop_map(|(name, docs, fields)| StructCase {
        name,
        docs,
        fields,
    })
}

fn source_case() -> impl Strategy<Value = SourceCase> {
    (
        prop::collection::vec(struct_case(ALL_TYPES), 1..4),
        (docs(), fields(INNER_TYPES, 4)),
        docs(),
        prop::collection::vec(type_name(), 1..4),
        prop::option::of(prop::collection::vec(
            (type_name(), field(INNER_TYPES)),
            1..3,
        )),
        prop::option::of("[^\"'\n\r\\\\]{1,20}"),
    )
        .prop_map(
            |(
                mut structs,
                (inner_docs, inner_fields),
                kind_docs,
                mut kind_variants,
                event_enum,
                package,
            )| {
                let mut seen = std::collections::BTreeSet::new();
                structs.retain(|s| seen.insert(s.name.clone()));
                kind_variants.sort();
                kind_variants.dedup();
                let event_enum = event_enum.map(|mut variants| {
                    let mut seen = std::collections::BTreeSet::new();
                    variants.retain(|(name, _)| seen.insert(name.clone()));
                    variants
                });
                SourceCase {
                    structs,
                    inner: StructCase {
                        name: INNER.to_owned(),
                        docs: inner_docs,
                        fields: inner_fields,
                    },
                    kind_docs,
                    kind_variants,
                    event_enum,
                    package,
                }
            },
        )
}

/// `#[doc = "..."]` lines, the text escaped as a Rust string literal.
fn doc_attributes(out: &mut String, indent: &str, docs: &[String]) {
    for doc in docs {
        out.push_str(&format!("{indent}#[doc = {doc:?}]\n"));
    }
}

fn render_struct(out: &mut String, item: &StructCase) {
    doc_attributes(out, "", &item.docs);
    out.push_str(&format!("pub struct {} {{\n", item.name));
    for field in &item.fields {
        doc_attributes(out, "    ", &field.docs);
        out.push_str(&format!("    pub {}: {},\n", field.name, field.ty.rust()));
    }
    out.push_str("}\n\n");
}

impl SourceCase {
    fn render(&self) -> String {
        let mut out = String::from("use std::path::{Path, PathBuf};\n\n");
        doc_attributes(&mut out, "", &self.kind_docs);
        out.push_str(&format!("pub enum {KIND} {{\n"));
        for variant in &self.kind_variants {
            out.push_str(&format!("    {variant},\n"));
        }
        out.push_str("}\n\n");
        render_struct(&mut out, &self.inner);
        for item in &self.structs {
            render_struct(&mut out, item);
        }
        if let Some(variants) = &self.event_enum {
            out.push_str("pub enum Event {\n");
            for (name, field) in variants {
                doc_attributes(&mut out, "    ", &field.docs);
                out.push_str(&format!(
                    "    {name} {{ {}: {} }},\n",
                    field.name,
                    field.ty.rust()
                ));
            }
            out.push_str("}\n");
        }
        out
    }

    fn all_structs(&self) -> impl Iterator<Item = &StructCase> {
        std::iter::once(&self.inner).chain(&self.structs)
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_draft_loads_and_keeps_its_descriptions(case in source_case()) {
        let source = case.render();
        prop_assert!(syn::parse_file(&source).is_ok(), "the generated source is not Rust:\n{source}");
        let report = init_on(&source, case.package.as_deref());
        let manifest = load(&report);
        assert_descriptions_round_trip(&report, &manifest);
        // What init read is what the source says: an event's description is the first
        // paragraph of its struct's doc comment, and a field's that of the field's, the
        // nested struct's fields in the place of the field that holds it.
        for event in &report.events {
            let Some(item) = case.all_structs().find(|s| s.name == event.struct_name) else {
                continue;
            };
            let (description, _) = descriptions(&manifest, &event.name);
            let expected = first_paragraph(&item.docs);
            prop_assert_eq!(description, expected.as_deref().unwrap_or("TODO"));
            let written = item.fields.iter().flat_map(|field| match field.ty {
                Ty::Inner => case.inner.fields.iter().collect::<Vec<_>>(),
                _ => vec![field],
            });
            let read: Vec<Option<&str>> = event.fields.iter().map(|f| f.doc.as_deref()).collect();
            let expected: Vec<Option<String>> = written.map(|f| first_paragraph(&f.docs)).collect();
            let expected: Vec<Option<&str>> = expected.iter().map(Option::as_deref).collect();
            prop_assert_eq!(read, expected);
        }
        if let Some(name) = &case.package {
            prop_assert_eq!(&manifest.project.value.name.value, name);
        }
    }
}

// ---------------------------------------------------------------------------
// One case per breaker
// ---------------------------------------------------------------------------

/// Drafts `source`, loads the draft, and returns the description of `event` and
/// those of its fields.
fn draft(source: &str, event: &str) -> (String, Vec<(String, String)>) {
    let report = init_on(source, None);
    let manifest = load(&report);
    assert_descriptions_round_trip(&report, &manifest);
    let (description, fields) = descriptions(&manifest, event);
    (
        description.to_owned(),
        fields
            .into_iter()
            .map(|(n, d)| (n.to_owned(), d.to_owned()))
            .collect(),
    )
}

fn field_description(fields: &[(String, String)], name: &str) -> String {
    match fields.iter().find(|(n, _)| n == name) {
        Some((_, description)) => description.clone(),
        None => panic!("no field `{name}` in {fields:?}"),
    }
}

#[test]
fn a_comma_in_a_field_doc_stays_inside_the_flow_mapping() {
    let (_, fields) = draft(
        "pub struct Login {\n    /// Set for admins, otherwise unset\n    pub admin: bool,\n}\n",
        "login",
    );
    assert_eq!(
        field_description(&fields, "admin"),
        "Set for admins, otherwise unset"
    );
}

#[test]
fn a_colon_and_a_space_are_not_a_key() {
    let (description, fields) = draft(
        "/// Type: card\npub struct Paid {\n    /// category: stored_content\n    pub cents: u64,\n}\n",
        "paid",
    );
    assert_eq!(description, "Type: card");
    assert_eq!(
        field_description(&fields, "cents"),
        "category: stored_content"
    );
}

#[test]
fn a_leading_hash_is_not_a_comment() {
    let (description, fields) = draft(
        "/// # Errors\npub struct Failed {\n    /// #1 reason\n    pub code: u32,\n}\n",
        "failed",
    );
    assert_eq!(description, "# Errors");
    assert_eq!(field_description(&fields, "code"), "#1 reason");
}

#[test]
fn a_leading_dash_is_not_a_list() {
    let (description, fields) = draft(
        "/// - first item\npub struct Listed {\n    /// -- two dashes, then: more\n    pub count: u32,\n}\n",
        "listed",
    );
    assert_eq!(description, "- first item");
    assert_eq!(
        field_description(&fields, "count"),
        "-- two dashes, then: more"
    );
}

#[test]
fn yes_and_null_stay_text() {
    let (description, fields) = draft(
        "/// yes\npub struct Null {\n    /// null\n    pub no: bool,\n    /// ~\n    pub on: u32,\n}\n",
        "null",
    );
    assert_eq!(description, "yes");
    assert_eq!(field_description(&fields, "no"), "null");
    assert_eq!(field_description(&fields, "on"), "~");
}

#[test]
fn a_line_break_in_a_field_doc_joins_the_paragraph() {
    let (description, fields) = draft(
        "#[doc = \"Saved,\\n  to disk: \\\"atomically\\\"\\n\\nNot part of it.\"]\n\
         pub struct Saved {\n    #[doc = \"one\\ntwo\\tthree\\r\"]\n    pub retries: u64,\n}\n",
        "saved",
    );
    assert_eq!(description, "Saved, to disk: \"atomically\"");
    assert_eq!(field_description(&fields, "retries"), "one two\tthree");
}

#[test]
fn a_project_name_and_paths_reach_the_draft_as_text() {
    let report = init_on(
        "/// Ran.\npub struct Ran {\n    pub ok: bool,\n}\n",
        Some("yes: # no, {x}"),
    );
    let manifest = load(&report);
    assert_eq!(manifest.project.value.name.value, "yes: # no, {x}");
}

#[test]
fn the_notes_are_comments_in_their_blocks() {
    let report = init_on(
        "/// Searched.\npub struct Searched {\n    /// The query\n    pub query: String,\n    /// Hits, counted.\n    pub hits: u32,\n}\n",
        Some("demo"),
    );
    load(&report);
    let expected = "\
# Draft telemetry manifest, written by `cargo telemetry-lint init --all-structs`
# from src (1 event, 1 field kept, 1 left out).
# Every TODO needs a real answer, and `since`, `expires` and `opt_out` are left out
# until someone decides them: `cargo telemetry-lint` fails until then.
version: 1
project:
  # opt_out: { env: NAME=0, flag: --no-telemetry }   (how users turn telemetry off)
  name: demo
  contact: TODO
  retention_days: 90

events:
  searched:
    # struct Searched (src/lib.rs:2)
    # since: 0.0.0          (the first version that sends this event)
    # expires: YYYY-MM-DD   (the date collection stops, or `never`)
    description: Searched.
    purpose: TODO
    owner: TODO
    fields:
      # left out `query: String` (src/lib.rs:4), TL006 free-text-field: free text can carry names, e-mail addresses, file contents and secrets typed by the user
      # `buckets: [1, 10, 100, 1000]` is a first guess for each count of things: set the bounds a decision needs
      hits: {type: count, buckets: [1, 10, 100, 1000], category: technical, description: \"Hits, counted.\"}
";
    assert_eq!(report.draft, expected);
}

/// Runs of more than 32 comment lines do not load (the parser's look-ahead budget),
/// so left-out fields past 24 share one line.
#[test]
fn many_left_out_fields_share_the_last_comment_line() {
    for (fields, own_lines) in [(24, 24), (25, 23), (2_000, 23)] {
        let mut source = String::from("/// Wide.\npub struct Wide {\n");
        for i in 0..fields {
            source.push_str(&format!("    pub text_{i}: String,\n"));
        }
        source.push_str("    pub ok: bool,\n}\n");
        let report = init_on(&source, None);
        load(&report);
        let lines: Vec<&str> = report.draft.lines().collect();
        let notes = lines
            .iter()
            .filter(|l| l.starts_with("      # left out `text_"))
            .count();
        assert_eq!(notes, own_lines, "{}", report.draft);
        let shared = lines
            .iter()
            .filter(|l| l.starts_with("      # and "))
            .collect::<Vec<_>>();
        if own_lines == fields {
            assert!(shared.is_empty(), "{}", report.draft);
        } else {
            let expected = format!(
                "      # and {} more left out: `text_{own_lines}: String` (src/lib.rs:{}, TL006 free-text-field); ",
                fields - own_lines,
                own_lines + 3
            );
            assert_eq!(shared.len(), 1, "{}", report.draft);
            assert!(shared[0].starts_with(&expected), "{}", shared[0]);
        }
    }
}

#[test]
fn a_line_break_in_a_path_or_a_name_stays_in_its_comment() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let src = dir.path().join("sr\nc: x\u{2028}y");
    std::fs::create_dir(&src).expect("the source folder is created");
    let source = "/// Odd.\npub struct Odd {\n    pub ok: bool,\n}\n";
    std::fs::write(src.join("lib.rs"), source).expect("lib.rs is written");
    let toml = "[package]\nname = \"a\u{2028}b\"\n";
    std::fs::write(dir.path().join("Cargo.toml"), toml).expect("Cargo.toml is written");
    let options = InitOptions {
        paths: vec![PathBuf::from("sr\nc: x\u{2028}y")],
        selector: Selector::Derive("Odd\nversion: 2".to_owned()),
        output: None,
        dry_run: true,
        force: false,
        format: Format::Human,
    };
    let report = match init_in(&options, dir.path()) {
        Ok(report) => report,
        Err(error) => panic!("init failed: {error}"),
    };
    let manifest = load(&report);
    assert_eq!(manifest.project.value.name.value, "a\u{2028}b");
    let header: Vec<&str> = report.draft.lines().take(4).collect();
    assert!(
        header.iter().all(|l| l.starts_with("# ")),
        "{}",
        report.draft
    );
    assert!(
        header[1].starts_with("# from sr c: x y ("),
        "{}",
        report.draft
    );

    // Without a Cargo.toml, the project is named after the folder, line break and all.
    std::fs::remove_file(dir.path().join("Cargo.toml")).expect("Cargo.toml is removed");
    let report = match init_in(&options, dir.path()) {
        Ok(report) => report,
        Err(error) => panic!("init failed: {error}"),
    };
    load(&report);
}

/// The hand-written seeds of the `source_scanner` fuzz target (`fuzz/seeds/`) pass
/// the target, whose draft must load, and draft what they were written to draft.
#[test]
fn the_fuzz_seeds_pass_the_source_scanner_target() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/source_scanner");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fuzz/seeds/source_scanner is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "{seeds:?}");
    for seed in &seeds {
        let source = std::fs::read_to_string(seed).expect("a seed is UTF-8");
        fuzz_targets::source_scanner(source.as_bytes());
        let report = init_on(&source, None);
        let manifest = load(&report);
        assert_descriptions_round_trip(&report, &manifest);
        assert!(!report.events.is_empty(), "{}", seed.display());
    }
}

#[test]
fn a_variant_event_is_noted_as_a_variant() {
    let report = init_on(
        "/// Events: one, or more\npub enum Event {\n    /// Started: yes\n    Started { ok: bool },\n}\n",
        None,
    );
    let manifest = load(&report);
    assert_descriptions_round_trip(&report, &manifest);
    assert!(
        report
            .draft
            .contains("    # variant Event::Started (src/lib.rs:"),
        "{}",
        report.draft
    );
}
