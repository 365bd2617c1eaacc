//! One parse of the manifest's YAML, read two ways: the model reads every scalar
//! as the text written, and the JSON Schema check reads plain scalars with their
//! YAML 1.2 core-schema types. Property tests over scalars of every kind.

use proptest::prelude::*;
use serde_json::{Value, json};
use telemetry_manifest::{Document, Lines};

const MANIFEST: &str = "version: 1\nproject:\n  name: acme\n  retention_days: 90\nevents:\n  ping:\n    since: SINCE\n    fields:\n      ok: { type: bool, category: technical }\n";

/// The `since` of event `ping`, as the model and as the schema's values read it.
fn since(written: &str) -> (String, Value) {
    let text = MANIFEST.replace("SINCE", written);
    let document = Document::parse(&text).expect("the manifest parses");
    let manifest = document.manifest().expect("the model reads it");
    let (_, event) = &manifest.events.0[0];
    let model = event
        .value
        .since
        .as_ref()
        .expect("since is set")
        .value
        .clone();
    let values: Value = document.read().expect("the values read");
    (model, values["events"]["ping"]["since"].clone())
}

#[test]
fn a_version_written_as_a_number_is_text_to_the_model_and_a_number_to_the_schema() {
    assert_eq!(since("1.0"), ("1.0".to_owned(), json!(1.0)));
    assert_eq!(since("\"1.0\""), ("1.0".to_owned(), json!("1.0")));
    assert_eq!(since("1.2.0"), ("1.2.0".to_owned(), json!("1.2.0")));
    assert_eq!(since("'on'"), ("on".to_owned(), json!("on")));
    assert_eq!(since("on"), ("on".to_owned(), json!("on")));
    assert_eq!(since("true"), ("true".to_owned(), json!(true)));
    assert_eq!(since("0x10"), ("0x10".to_owned(), json!(16)));
    assert_eq!(since("!!str 10"), ("10".to_owned(), json!("10")));
}

#[test]
fn spans_point_at_the_written_value() {
    let text = MANIFEST.replace("SINCE", "'1.4'");
    let manifest = Document::parse(&text).unwrap().manifest().unwrap();
    let since = manifest.events.0[0].1.value.since.clone().unwrap();
    assert_eq!(
        &text[since.span.offset..since.span.offset + since.span.len],
        "'1.4'"
    );
}

proptest! {
    #[test]
    fn integers_are_numbers_and_their_text(n in any::<i64>()) {
        let (model, value) = since(&n.to_string());
        prop_assert_eq!(model, n.to_string());
        prop_assert_eq!(value, json!(n));
    }

    #[test]
    fn floats_are_numbers_and_their_text(x in -1.0e12f64..1.0e12) {
        // `{:?}` always writes a decimal point or an exponent.
        let written = format!("{x:?}");
        let (model, value) = since(&written);
        prop_assert_eq!(model, written);
        prop_assert_eq!(value.as_f64(), Some(x));
    }

    #[test]
    fn quoted_text_is_text_to_both(s in "\\PC{0,40}") {
        // A JSON string literal is a YAML double-quoted scalar.
        let written = serde_json::to_string(&s).unwrap();
        let (model, value) = since(&written);
        prop_assert_eq!(&model, &s);
        prop_assert_eq!(value, json!(s));
    }

    #[test]
    fn plain_words_are_text_to_both(s in "[a-z][a-z0-9_-]{0,20}") {
        prop_assume!(!matches!(s.as_str(), "true" | "false" | "null"));
        let (model, value) = since(&s);
        prop_assert_eq!(&model, &s);
        prop_assert_eq!(value, json!(s));
    }
}

proptest! {
    #[test]
    fn lines_place_every_offset_as_reading_from_the_start_does(
        text in "(\\PC|\n){0,200}",
        pick in any::<prop::sample::Index>(),
    ) {
        let boundaries: Vec<usize> =
            text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let offset = boundaries[pick.index(boundaries.len())];
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
        prop_assert_eq!(Lines::new(&text).line_column(&text, offset), (line, column));
    }
}
