//! The loader and `validate` on malformed, hostile and policy-breaking manifests,
//! rendered as plain text and snapshotted.
//!
//! Each rendering shows what a user sees: the message, the line and column, the
//! source line with a caret under the place, and the help. Hostile inputs (an alias
//! bomb, 100,000-deep nesting, a 50 MB file) must also finish well within a second
//! without a panic.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use telemetry_manifest::{
    ByteSpan, Date, Finding, LoadError, Loaded, MAX_MANIFEST_BYTES, Manifest, check_policy,
    line_column, load_bytes, load_path, parse_str, validate,
};

/// The bound on any one hostile input: a guard against hangs (an alias bomb that is
/// replayed, a quadratic path), not a benchmark. Each case takes well under a second
/// on an idle machine (the times are printed with `--nocapture`); the bound leaves
/// room for a loaded CI machine, since timing goals live in the benchmarks.
const HOSTILE_BOUND: Duration = Duration::from_secs(20);

/// The widest source excerpt shown, in characters; longer lines are cut around the caret.
const EXCERPT_WIDTH: usize = 160;

/// `where` in the text, as `line:column`, the source line and a caret line.
fn render_place(out: &mut String, source: &str, span: ByteSpan) {
    let (line, column) = line_column(source, span.offset);
    let _ = writeln!(out, "  --> {line}:{column}");
    let text = source
        .split('\n')
        .nth(line - 1)
        .unwrap_or("")
        .trim_end_matches('\r');
    let chars: Vec<char> = text.chars().collect();
    let caret_at = (column - 1).min(chars.len());
    let span_end = span.offset.saturating_add(span.len).min(source.len());
    let span_chars = source
        .get(span.offset.min(source.len())..span_end)
        .map_or(0, |s| s.chars().take_while(|c| *c != '\n').count());
    let start = if chars.len() <= EXCERPT_WIDTH {
        0
    } else {
        caret_at.saturating_sub(EXCERPT_WIDTH / 2)
    };
    let end = (start + EXCERPT_WIDTH).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut pad = caret_at - start;
    if start > 0 {
        shown.insert_str(0, "...");
        pad += 3;
    }
    if end < chars.len() {
        shown.push_str("...");
    }
    let width = span_chars.clamp(1, (end - caret_at).max(1));
    let gutter = " ".repeat(line.to_string().len());
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{line} | {shown}");
    let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(pad), "^".repeat(width));
}

/// A load error as the user sees it; `source` is the text when there is one.
fn render_load_error(source: Option<&str>, error: &LoadError) -> String {
    let mut out = format!("error: {}\n", error.message);
    match (source, error.span) {
        (Some(source), Some(span)) => render_place(&mut out, source, span),
        (_, Some(span)) => {
            let _ = writeln!(out, "  --> byte {}", span.offset);
        }
        (_, None) => {}
    }
    let _ = writeln!(out, "  = help: {}", error.help);
    out
}

/// The outcome of loading bytes: the rendered error, or `loaded` when they load.
fn render_loaded(result: &Result<Loaded, LoadError>) -> String {
    match result {
        Err(error) => render_load_error(None, error),
        Ok(loaded) => match &loaded.manifest {
            Err(error) => render_load_error(Some(&loaded.source), error),
            Ok(_) => "loaded\n".to_owned(),
        },
    }
}

fn render_findings(source: &str, findings: &[Finding]) -> String {
    let mut out = format!("{} finding(s)\n", findings.len());
    for finding in findings {
        let _ = writeln!(out, "\n{}: {}", finding.rule.code(), finding.message);
        if let Some(span) = finding.manifest_span {
            render_place(&mut out, source, span);
        }
        let _ = writeln!(out, "  = help: {}", finding.help);
    }
    out
}

fn parse_error(text: &str) -> String {
    match parse_str(text) {
        Ok(_) => panic!("the manifest loaded:\n{text}"),
        Err(error) => render_load_error(Some(text), &error),
    }
}

fn parse_ok(text: &str) -> Manifest {
    parse_str(text).unwrap_or_else(|e| panic!("{}", render_load_error(Some(text), &e)))
}

/// Runs a hostile case: it must not panic and must finish within [`HOSTILE_BOUND`].
fn hostile<R>(name: &str, run: impl FnOnce() -> R) -> R {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(run));
    let elapsed = started.elapsed();
    eprintln!("{name}: {elapsed:?}");
    let Ok(result) = result else {
        panic!("{name}: the loader panicked");
    };
    assert!(
        elapsed < HOSTILE_BOUND,
        "{name}: took {elapsed:?}; the bound is {HOSTILE_BOUND:?}"
    );
    result
}

const HEADER: &str = "\
version: 1
project:
  name: acme
  contact: telemetry@acme.example
  retention_days: 90
  opt_out: { env: ACME_TELEMETRY=0 }
";

/// A manifest with one event whose body ends with `tail` (indented four spaces).
fn with_event(tail: &str) -> String {
    format!(
        "{HEADER}events:\n  command_finished:\n    description: A command ran to completion.\n{tail}"
    )
}

// ---------------------------------------------------------------- malformed

#[test]
fn yaml_syntax_error() {
    let text = with_event(
        "    fields:\n      command: { type: enum, values: [build, test }, category: interaction }\n",
    );
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn unknown_key() {
    let text = with_event(
        "    purpse: Learn which commands fail.\n    fields:\n      success: { type: bool, category: technical }\n",
    );
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn unknown_top_level_key() {
    let text = format!("{HEADER}event: {{}}\n");
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn duplicate_key() {
    let text = with_event(
        "    fields:\n      success: { type: bool, category: technical }\n      success: { type: count, category: technical }\n",
    );
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn duplicate_event() {
    let text =
        format!("{HEADER}events:\n  app_started:\n    owner: a\n  app_started:\n    owner: b\n");
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn wrong_type_word() {
    let text =
        with_event("    fields:\n      command_line: { type: string, category: interaction }\n");
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn wrong_category_word() {
    let text = with_event("    fields:\n      success: { type: bool, category: personal }\n");
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn missing_project() {
    insta::assert_snapshot!(parse_error("version: 1\nevents: {}\n"));
}

#[test]
fn missing_retention() {
    insta::assert_snapshot!(parse_error("version: 1\nproject:\n  name: acme\n"));
}

#[test]
fn fields_not_a_mapping() {
    let text = with_event("    fields: [success, duration]\n");
    insta::assert_snapshot!(parse_error(&text));
}

#[test]
fn empty_fields_and_events_load_as_empty() {
    let manifest = parse_ok(&format!(
        "{HEADER}events:\n  app_started:\n    owner: a\n    fields:\n  app_stopped:\n    fields: {{}}\n"
    ));
    assert_eq!(manifest.events.len(), 2);
    assert!(
        manifest
            .events
            .iter()
            .all(|(_, event)| event.fields.is_empty())
    );
    let manifest = parse_ok(&format!("{HEADER}events:\n"));
    assert!(manifest.events.is_empty());
}

#[test]
fn empty_file() {
    insta::assert_snapshot!(render_loaded(&load_bytes(b"")));
}

#[test]
fn only_whitespace_and_comments() {
    insta::assert_snapshot!(render_loaded(&load_bytes(b"# nothing yet\n\n")));
}

#[test]
fn only_a_byte_order_mark() {
    insta::assert_snapshot!(render_loaded(&load_bytes(b"\xEF\xBB\xBF")));
}

#[test]
fn byte_order_mark_then_manifest_loads() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(HEADER.as_bytes());
    let loaded = load_bytes(&bytes).expect("decodes");
    let manifest = loaded.manifest.expect("loads");
    let name = &manifest.project.value.name;
    assert_eq!(name.value, "acme");
    // Spans index the text without the mark.
    assert_eq!(&loaded.source[name.span.offset..][..name.span.len], "acme");
}

#[test]
fn crlf_line_endings_load() {
    let text = with_event(
        "    purpose: Learn which commands fail.\n    fields:\n      success: { type: bool, category: technical, description: Whether it exited 0. }\n      command:\n        type: enum\n        values: [build, test]\n        category: interaction\n        description: Which command ran.\n",
    )
    .replace('\n', "\r\n");
    let loaded = load_bytes(text.as_bytes()).expect("decodes");
    let manifest = loaded
        .manifest
        .unwrap_or_else(|e| panic!("{}", render_load_error(Some(&text), &e)));
    let mut out = String::new();
    for (name, event) in manifest.events.iter() {
        let (line, column) = line_column(&loaded.source, name.span.offset);
        let _ = writeln!(out, "event {:?} at {line}:{column}", name.value);
        for (key, text) in [
            ("description", &event.value.description),
            ("purpose", &event.value.purpose),
        ] {
            if let Some(text) = text {
                assert!(!text.value.contains('\r'), "{key} kept a carriage return");
                let (line, column) = line_column(&loaded.source, text.span.offset);
                let _ = writeln!(out, "  {key} {:?} at {line}:{column}", text.value);
            }
        }
        for (field, body) in event.value.fields.iter() {
            let (line, column) = line_column(&loaded.source, field.span.offset);
            let _ = writeln!(out, "  field {:?} at {line}:{column}", field.value);
            for value in body.value.values.iter().flat_map(|v| v.value.iter()) {
                let (line, column) = line_column(&loaded.source, value.span.offset);
                let _ = writeln!(out, "    value {:?} at {line}:{column}", value.value);
            }
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_utf8() {
    let mut bytes = with_event("    owner: ").into_bytes();
    bytes.extend_from_slice(b"caf\xE9-team\n");
    insta::assert_snapshot!(render_loaded(&load_bytes(&bytes)));
}

#[test]
fn a_directory_instead_of_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shown = dir.path().display().to_string();
    let rendered = render_loaded(&load_path(dir.path())).replace(&shown, "<dir>");
    insta::assert_snapshot!(rendered);
}

#[test]
fn a_missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("telemetry.yaml");
    let error = load_path(&path).expect_err("nothing to read");
    assert!(error.message.starts_with("cannot read the manifest `"));
    assert!(error.message.contains("telemetry.yaml"));
    assert!(error.span.is_none());
}

#[test]
fn the_malformed_fixtures_are_rejected_with_a_place() {
    // Every fixture that fails to load points at the place at fault.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/manifests/malformed");
    for name in [
        "unknown-key",
        "bad-type-word",
        "duplicate-key",
        "syntax-error",
    ] {
        let path = dir.join(format!("{name}.yaml"));
        let loaded = load_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let error = loaded.manifest.expect_err(name);
        assert!(
            error.span.is_some(),
            "{name}: `{}` has no place",
            error.message
        );
        assert!(error.message.starts_with("invalid manifest: "), "{name}");
    }
}

// ---------------------------------------------------------------- hostile

/// The billion laughs: nine levels of nine aliases, 9^9 (387 million) strings
/// once expanded, in an enum field's `values`.
fn alias_bomb() -> String {
    let mut list = String::from("[&a [lol, lol, lol, lol, lol, lol, lol, lol, lol]");
    for (name, previous) in ('b'..='i').zip('a'..='h') {
        let aliases = vec![format!("*{previous}"); 9].join(", ");
        let _ = write!(list, ", &{name} [{aliases}]");
    }
    list.push(']');
    with_event(&format!(
        "    fields:\n      mode:\n        type: enum\n        category: interaction\n        values: {list}\n"
    ))
}

/// The same bomb, with every level a list of strings: aliases of strings only.
fn alias_bomb_of_strings() -> String {
    let aliases = vec!["*a"; 100_000].join(", ");
    with_event(&format!(
        "    fields:\n      mode:\n        type: enum\n        category: interaction\n        values: [&a lol, {aliases}]\n"
    ))
}

#[test]
fn alias_bomb_in_enum_values() {
    let text = alias_bomb();
    let rendered = hostile("alias bomb", || parse_error(&text));
    insta::assert_snapshot!(rendered);
}

#[test]
fn many_aliases_in_enum_values() {
    let text = alias_bomb_of_strings();
    let rendered = hostile("100,000 aliases", || parse_error(&text));
    insta::assert_snapshot!(rendered);
}

const DEEP: usize = 100_000;

#[test]
fn deep_flow_nesting_in_an_event() {
    let nested = format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP));
    let text = with_event(&format!("    fields:\n      deep: {nested}\n"));
    let rendered = hostile("100,000-deep flow nesting", || parse_error(&text));
    insta::assert_snapshot!(rendered);
}

#[test]
fn deep_flow_mappings_in_an_event() {
    let nested = format!("{}x{}", "{a: ".repeat(DEEP), "}".repeat(DEEP));
    let text = with_event(&format!("    fields:\n      deep: {nested}\n"));
    let rendered = hostile("100,000-deep flow mappings", || parse_error(&text));
    insta::assert_snapshot!(rendered);
}

#[test]
fn deep_block_nesting_in_an_event() {
    let nested = format!("{}x", "- ".repeat(DEEP));
    let text = with_event(&format!("    fields:\n      deep:\n        {nested}\n"));
    let rendered = hostile("100,000-deep block nesting", || parse_error(&text));
    insta::assert_snapshot!(rendered);
}

#[test]
fn deep_block_mappings_in_an_event() {
    // Block mappings nest by indentation, so the text grows with the square of the
    // depth: 3,000 levels are 4.5 MB, within the size limit.
    let mut text = with_event("    fields:\n");
    for depth in 0..3_000 {
        let _ = writeln!(text, "{}k:", " ".repeat(6 + depth));
    }
    assert!((text.len() as u64) < MAX_MANIFEST_BYTES);
    let rendered = hostile("3,000-deep block mappings", || parse_error(&text));
    insta::assert_snapshot!(rendered);
}

/// A 50 MiB manifest: valid events, one after another.
fn fifty_megabytes() -> Vec<u8> {
    const SIZE: usize = 50 * 1024 * 1024;
    let mut text = String::with_capacity(SIZE + 256);
    text.push_str(HEADER);
    text.push_str("events:\n");
    let mut i = 0;
    while text.len() < SIZE - 256 {
        let _ = write!(
            text,
            "  event_{i}:\n    description: Event number {i}.\n    fields:\n      ok: {{ type: bool, category: technical }}\n"
        );
        i += 1;
    }
    while text.len() < SIZE {
        text.push_str("#\n");
    }
    text.truncate(SIZE);
    text.into_bytes()
}

#[test]
fn a_fifty_megabyte_file() {
    let bytes = fifty_megabytes();
    assert_eq!(bytes.len(), 50 * 1024 * 1024);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("telemetry.yaml");
    std::fs::write(&path, &bytes).expect("write the file");

    let from_path = hostile("50 MiB file, load_path", || {
        render_loaded(&load_path(&path))
    });
    let from_bytes = hostile("50 MiB file, load_bytes", || {
        render_loaded(&load_bytes(&bytes))
    });
    let text = String::from_utf8(bytes).expect("ASCII");
    let from_text = hostile("50 MiB file, parse_str", || parse_error(&text));
    assert_eq!(from_path, from_bytes);
    assert_eq!(from_path, from_text);
    insta::assert_snapshot!(from_path);
}

/// Tiny scalars up to the size limit: the node budget (`MAX_NODES`), not the size
/// limit, stops them. About 0.4 s with the parser optimised in the dev profile (see
/// the root `Cargo.toml`); 14 s unoptimised with the former 2,000,000-node budget.
#[test]
fn tiny_scalars_up_to_the_size_limit() {
    let mut text = with_event(
        "    fields:\n      mode:\n        type: enum\n        category: interaction\n        values: [",
    );
    while (text.len() as u64) < MAX_MANIFEST_BYTES - 16 {
        text.push_str("a,");
    }
    text.push_str("a]\n");
    let rendered = hostile("tiny scalars up to the size limit", || parse_error(&text));
    assert!(rendered.contains("budget"), "{rendered}");
}

// ---------------------------------------------------------------- validation

const FIELD_PROBLEMS: &str = "\
version: 1
project:
  name: acme
  contact: telemetry@acme.example
  retention_days: 90
  opt_out: { env: ACME_TELEMETRY=0 }
events:
  CommandFinished:
    description: A command ran to completion.
    purpose: Learn which commands fail.
    owner: cli-team
    since: 0.4.0
    expires: 2027-02-30
    fields:
      took: { type: duration_bucket, buckets: [10s, 1s, 1MiB, 0ms], category: technical, description: How long it took. }
      mode: { type: enum, category: interaction, description: Which mode ran. }
      flags: { type: enum, values: [], category: interaction, description: Which flags were given. }
      command: { type: enum, values: [build, RunTests, build], category: interaction, description: Which command ran. }
      success: { type: bool, max: 1, values: [yes, no], category: technical, description: Whether it exited 0. }
      retries: { type: count, max: 0, buckets: [1s], category: technical, description: How many retries it took. }
      exitCode: { type: count, max: 255, category: technical, description: The exit code. }
      upload: { type: size_bucket, buckets: [], category: technical, description: How large the upload was. }
";

#[test]
fn field_problems_are_all_reported_in_one_pass() {
    let manifest = parse_ok(FIELD_PROBLEMS);
    let (valid, findings) = validate(&manifest);
    assert!(
        findings.iter().all(|f| f.rule.id == "TL014"),
        "{findings:#?}"
    );
    assert!(findings.len() >= 12, "only {} findings", findings.len());
    // What can be resolved is resolved: the good bound is kept, the rest default.
    let event = &valid.events[0];
    assert_eq!(
        event.field("took").map(|f| f.bounds.clone()),
        Some(vec![10_000])
    );
    assert_eq!(
        event.field("upload").map(|f| f.bounds.clone()),
        Some(vec![1 << 10, 1 << 20, 100 << 20, 1 << 30])
    );
    insta::assert_snapshot!(render_findings(FIELD_PROBLEMS, &findings));
}

#[test]
fn counts_are_bounded_by_max_or_buckets() {
    let text = with_event(
        "    fields:
      targets: { type: count, max: 100, category: technical, description: Targets built. }
      retries: { type: count, buckets: [1, 10, 100], category: technical, description: Retries. }
      hashed: { type: count, category: technical, description: Anything at all. }
      both: { type: count, max: 10, buckets: [1, 10], category: technical, description: Both. }
      units: { type: count, buckets: [1, 10s, 0, 5], category: technical, description: Bad bounds. }
",
    );
    let manifest = parse_ok(&text);
    let (valid, findings) = validate(&manifest);
    assert!(
        findings.iter().all(|f| f.rule.id == "TL014"),
        "{findings:#?}"
    );
    let event = &valid.events[0];
    let field = |name: &str| event.field(name).expect("declared");
    assert_eq!(field("targets").max, Some(100));
    assert!(field("targets").bounds.is_empty());
    assert!(field("targets").possible_values().is_empty());
    assert_eq!(field("retries").bounds, [1, 10, 100]);
    assert_eq!(field("retries").max, None);
    assert_eq!(
        field("retries").possible_values(),
        ["<1", "1-10", "10-100", ">=100"]
    );
    // The buckets decide what a count with both sends; the good bounds are kept.
    assert_eq!(field("both").max, None);
    assert_eq!(field("units").bounds, [1, 5]);
    insta::assert_snapshot!(render_findings(&text, &findings));
}

const POLICY_PROBLEMS: &str = "\
version: 1
project:
  name: acme
  retention_days: 400
policy:
  max_retention_days: 180
  allowed_categories: [technical]
events:
  command_finished:
    description: A command ran to completion.
    since: 0.4.0
    expires: 2027-06-30
    fields:
      command: { type: enum, values: [build, test], category: interaction, description: Which command ran. }
  crash_reported:
    description: TODO
    purpose: tbd
    owner: '???'
    since: 0.4.0
    expires: 2026-11-20
    retention_days: 365
    fields:
      files: { type: count, max: 100, category: stored_content, description: n/a }
      user: { type: bool, category: highly_sensitive }
  cache_cleared:
    description: The user cleared the cache.
    purpose: Learn whether the cache grows too large.
    owner: cache-team
    since: 0.5.0
    expires: 2026-11-21
";

#[test]
fn policy_problems_are_all_reported() {
    let manifest = parse_ok(POLICY_PROBLEMS);
    let (valid, findings) = validate(&manifest);
    assert!(findings.is_empty(), "{findings:#?}");
    let today = Date::parse("2026-11-21").expect("a date");
    let findings = check_policy(&valid, today);
    let ids: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.rule.id).collect();
    for id in ["TL016", "TL017", "TL018", "TL019", "TL020"] {
        assert!(ids.contains(id), "no {id} finding: {findings:#?}");
    }
    // An event that expires today is still collected today.
    assert!(
        !findings
            .iter()
            .any(|f| f.rule.id == "TL018" && f.message.contains("cache_cleared")),
        "{findings:#?}"
    );
    insta::assert_snapshot!(render_findings(POLICY_PROBLEMS, &findings));
}

#[test]
fn a_clean_manifest_has_no_findings() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/manifests/every-key.yaml");
    let loaded = load_path(&path).expect("readable");
    let manifest = loaded.manifest.expect("loads");
    let (valid, findings) = validate(&manifest);
    assert!(findings.is_empty(), "{findings:#?}");
    let today = Date::parse("2026-11-21").expect("a date");
    let findings = check_policy(&valid, today);
    assert!(findings.is_empty(), "{findings:#?}");
}
