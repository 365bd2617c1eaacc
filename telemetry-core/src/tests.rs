//! Unit tests of the value types, the payloads they produce, and the event payload.

use std::time::Duration;

use crate::__private::{has_variant, str_eq};
use crate::*;

const DURATION_BOUNDS: &[u64] = &[100, 1_000, 60_000];
const DURATION_LABELS: &[&str] = &["<100ms", "100ms-1s", "1s-1min", ">=1min"];
const SIZE_BOUNDS: &[u64] = &[1 << 10, 1 << 20];
const SIZE_LABELS: &[&str] = &["<1KiB", "1KiB-1MiB", ">=1MiB"];

const fn meta(
    kind: ValueKind,
    values: &'static [&'static str],
    bounds: &'static [u64],
) -> FieldMeta {
    FieldMeta {
        name: "field",
        kind,
        category: Category::Technical,
        description: "a field",
        values,
        bounds,
        max: None,
        noise: crate::Noise::None,
    }
}

const DURATION: FieldMeta = meta(ValueKind::DurationBucket, DURATION_LABELS, DURATION_BOUNDS);
const SIZE: FieldMeta = meta(ValueKind::SizeBucket, SIZE_LABELS, SIZE_BOUNDS);

#[test]
fn duration_bucket_index_at_and_around_each_bound() {
    let index = |ms| DurationBucket::from_millis(ms).bucket_index(DURATION_BOUNDS);
    assert_eq!(index(0), 0);
    assert_eq!(index(99), 0);
    assert_eq!(index(100), 1);
    assert_eq!(index(101), 1);
    assert_eq!(index(999), 1);
    assert_eq!(index(1_000), 2);
    assert_eq!(index(59_999), 2);
    assert_eq!(index(60_000), 3);
    assert_eq!(index(u64::MAX), 3);
    assert_eq!(DurationBucket::from_millis(5).bucket_index(&[]), 0);
}

#[test]
fn duration_keeps_whole_milliseconds() {
    // 99.999 ms rounds down to 99 ms, so it stays below the 100 ms bound.
    let just_below = DurationBucket::from_duration(Duration::from_micros(99_999));
    assert_eq!(just_below, DurationBucket::from_millis(99));
    assert_eq!(just_below.bucket_index(DURATION_BOUNDS), 0);
    let huge = DurationBucket::from(Duration::MAX);
    assert_eq!(huge, DurationBucket::from_millis(u64::MAX));
}

#[test]
fn size_bucket_index_at_and_around_each_bound() {
    let index = |bytes| SizeBucket::from_bytes(bytes).bucket_index(SIZE_BOUNDS);
    assert_eq!(index(0), 0);
    assert_eq!(index(1023), 0);
    assert_eq!(index(1024), 1);
    assert_eq!(index(1025), 1);
    assert_eq!(index((1 << 20) - 1), 1);
    assert_eq!(index(1 << 20), 2);
    assert_eq!(index(u64::MAX), 2);
}

#[test]
fn bucket_labels_come_from_the_field_values() {
    let label = |ms| DurationBucket::from_millis(ms).to_payload(&DURATION);
    assert_eq!(label(99), PayloadValue::Label("<100ms"));
    assert_eq!(label(100), PayloadValue::Label("100ms-1s"));
    assert_eq!(label(1_000), PayloadValue::Label("1s-1min"));
    assert_eq!(label(60_000), PayloadValue::Label(">=1min"));
    let size = |bytes| SizeBucket::from(bytes).to_payload(&SIZE);
    assert_eq!(size(1023), PayloadValue::Label("<1KiB"));
    assert_eq!(size(1024), PayloadValue::Label("1KiB-1MiB"));
    assert_eq!(size(1 << 20), PayloadValue::Label(">=1MiB"));
}

#[test]
fn too_few_labels_send_null_instead_of_panicking() {
    let short = meta(ValueKind::DurationBucket, &["<100ms"], DURATION_BOUNDS);
    assert_eq!(
        DurationBucket::from_millis(50).to_payload(&short),
        PayloadValue::Label("<100ms")
    );
    assert_eq!(
        DurationBucket::from_millis(500).to_payload(&short),
        PayloadValue::Null
    );
    let none = meta(ValueKind::SizeBucket, &[], &[]);
    assert_eq!(
        SizeBucket::from_bytes(1).to_payload(&none),
        PayloadValue::Null
    );
}

#[test]
fn raw_values_do_not_show_in_debug() {
    assert_eq!(
        format!("{:?}", DurationBucket::from_millis(1234)),
        "DurationBucket(..)"
    );
    assert_eq!(
        format!("{:?}", SizeBucket::from_bytes(5678)),
        "SizeBucket(..)"
    );
}

#[test]
fn counts_are_clamped_to_max() {
    let field = FieldMeta {
        max: Some(10),
        ..meta(ValueKind::Count, &[], &[])
    };
    assert_eq!(9u8.to_payload(&field), PayloadValue::Count(9));
    assert_eq!(10u16.to_payload(&field), PayloadValue::Count(10));
    assert_eq!(11u32.to_payload(&field), PayloadValue::Count(10));
    assert_eq!(u64::MAX.to_payload(&field), PayloadValue::Count(10));
    assert_eq!(usize::MAX.to_payload(&field), PayloadValue::Count(10));
    let unclamped = meta(ValueKind::Count, &[], &[]);
    assert_eq!(
        u64::MAX.to_payload(&unclamped),
        PayloadValue::Count(u64::MAX)
    );
    assert_eq!(<u8 as TelemetryValue>::KIND, ValueKind::Count);
}

#[test]
fn bucketed_counts_send_the_label_of_their_bucket() {
    let field = meta(
        ValueKind::Count,
        &["<1", "1-10", "10-100", ">=100"],
        &[1, 10, 100],
    );
    assert_eq!(0u8.to_payload(&field), PayloadValue::Label("<1"));
    assert_eq!(1u16.to_payload(&field), PayloadValue::Label("1-10"));
    assert_eq!(9u32.to_payload(&field), PayloadValue::Label("1-10"));
    assert_eq!(10u64.to_payload(&field), PayloadValue::Label("10-100"));
    assert_eq!(100usize.to_payload(&field), PayloadValue::Label(">=100"));
    assert_eq!(u64::MAX.to_payload(&field), PayloadValue::Label(">=100"));
    assert_eq!(Some(5u8).to_payload(&field), PayloadValue::Label("1-10"));
    // The buckets decide, whatever `max` says.
    let with_max = FieldMeta {
        max: Some(3),
        ..field
    };
    assert_eq!(50u8.to_payload(&with_max), PayloadValue::Label("10-100"));
    // Too few labels for the bounds: `null`, never a panic or the number.
    let short = meta(ValueKind::Count, &["<1"], &[1, 10]);
    assert_eq!(5u8.to_payload(&short), PayloadValue::Null);
}

#[test]
fn version_parse() {
    let v = |major, minor| Some(Version::new(major, minor));
    assert_eq!(Version::parse("1.2"), v(1, 2));
    assert_eq!(Version::parse("1.2.3"), v(1, 2));
    assert_eq!(Version::parse("1.2.3-beta+x"), v(1, 2));
    assert_eq!(Version::parse("1.2.3-beta.1+sha.5114f85"), v(1, 2));
    assert_eq!(Version::parse("1.2+build-7"), v(1, 2));
    assert_eq!(Version::parse(" 0.40.0\n"), v(0, 40));
    // A bare major version reads as `major.0`.
    assert_eq!(Version::parse("1"), v(1, 0));
    for bad in [
        "v1", "v1.2", "", "1.", ".1", "1..2", "1.x", "1.2.x", "a.b", "-1.2", "1.2 3",
    ] {
        assert_eq!(Version::parse(bad), None, "{bad:?}");
    }
    assert_eq!(Version::parse("4294967296.0"), None);
    let version = Version::new(3, 14);
    assert_eq!((version.major(), version.minor()), (3, 14));
    assert_eq!(version.to_string(), "3.14");
}

#[test]
fn current_platform_is_known_on_linux_x86_64() {
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        assert_eq!(OsFamily::current(), OsFamily::Linux);
        assert_eq!(Arch::current(), Arch::X86_64);
    }
    assert_ne!(OsFamily::current(), OsFamily::Other);
    assert_ne!(Arch::current(), Arch::Other);
    assert_eq!(OsFamily::Macos.to_string(), "macos");
    assert_eq!(Arch::Aarch64.to_string(), "aarch64");
}

#[test]
fn option_none_is_null() {
    let field = meta(ValueKind::Bool, &["true", "false"], &[]);
    assert_eq!(None::<bool>.to_payload(&field), PayloadValue::Null);
    assert_eq!(Some(true).to_payload(&field), PayloadValue::Bool(true));
    assert_eq!(
        <Option<Version> as TelemetryValue>::KIND,
        ValueKind::Version
    );
    assert_eq!(PayloadValue::Null.to_json(), serde_json::Value::Null);
}

#[test]
fn payload_values_as_json() {
    assert_eq!(
        PayloadValue::Bool(false).to_json(),
        serde_json::json!(false)
    );
    assert_eq!(PayloadValue::Count(7).to_json(), serde_json::json!(7));
    assert_eq!(
        PayloadValue::Label("linux").to_json(),
        serde_json::json!("linux")
    );
    let version = Version::new(1, 2).to_payload(&meta(ValueKind::Version, &[], &[]));
    assert_eq!(version.to_json(), serde_json::json!("1.2"));
}

#[test]
fn kinds_and_categories_use_manifest_words() {
    assert_eq!(ValueKind::DurationBucket.as_str(), "duration_bucket");
    assert_eq!(ValueKind::OsFamily.as_str(), "os_family");
    assert_eq!(Category::StoredContent.as_str(), "stored_content");
    assert_eq!(Category::HighlySensitive.as_str(), "highly_sensitive");
}

#[test]
fn const_string_helpers() {
    const { assert!(has_variant(&["build", "test"], "test")) };
    assert!(!has_variant(&["build", "test"], "tes"));
    assert!(!has_variant(&[], "build"));
    assert!(str_eq("", ""));
    assert!(!str_eq("ab", "abc"));
}

/// What `#[telemetry_event]` generates, written by hand; `z_os` is declared first to
/// show that the payload's field keys come out sorted.
struct BuildFinished {
    z_os: OsFamily,
    duration: DurationBucket,
    targets: u32,
    cache_hit: Option<bool>,
    version: Version,
}

impl StructEvent for BuildFinished {
    const NAME: &'static str = "build_finished";
    const FIELDS: &'static [FieldMeta] = &[
        FieldMeta {
            name: "z_os",
            ..meta(
                ValueKind::OsFamily,
                &["linux", "macos", "windows", "bsd", "other"],
                &[],
            )
        },
        FieldMeta {
            name: "duration",
            ..DURATION
        },
        FieldMeta {
            name: "targets",
            max: Some(100),
            ..meta(ValueKind::Count, &[], &[])
        },
        FieldMeta {
            name: "cache_hit",
            ..meta(ValueKind::Bool, &["true", "false"], &[])
        },
        FieldMeta {
            name: "version",
            ..meta(ValueKind::Version, &[], &[])
        },
    ];
}

impl TelemetryEvent for BuildFinished {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn fields(&self) -> &'static [FieldMeta] {
        Self::FIELDS
    }

    fn visit_fields(&self, visit: &mut dyn FnMut(&'static FieldMeta, PayloadValue)) {
        let [os, duration, targets, cache_hit, version] = Self::FIELDS else {
            return;
        };
        visit(os, self.z_os.to_payload(os));
        visit(duration, self.duration.to_payload(duration));
        visit(targets, self.targets.to_payload(targets));
        visit(cache_hit, self.cache_hit.to_payload(cache_hit));
        visit(version, self.version.to_payload(version));
    }
}

#[test]
fn payload_json_of_a_hand_written_event() {
    let event = BuildFinished {
        z_os: OsFamily::Linux,
        duration: Duration::from_millis(1_500).into(),
        targets: 250,
        cache_hit: None,
        version: Version::new(0, 4),
    };
    assert_eq!(
        event.payload_json(),
        r#"{"event":"build_finished","fields":{"cache_hit":null,"duration":"1s-1min","targets":100,"version":"0.4","z_os":"linux"}}"#
    );
    let mut order = Vec::new();
    event.visit_fields(&mut |meta, _| order.push(meta.name));
    assert_eq!(
        order,
        ["z_os", "duration", "targets", "cache_hit", "version"]
    );
}
