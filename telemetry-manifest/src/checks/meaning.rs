//! Risk by meaning: a field whose type is safe (a number) but whose name says it
//! holds something that singles out a person or an installation: a point in time
//! (TL036), a precise duration (TL037), an exact size or system spec (TL038). A
//! `u64` named `started_at` is a timestamp whatever its type says, `load_ms` a
//! precise duration, `total_ram` an exact spec; each suggests the coarse type to
//! send instead.
//!
//! The name is split at `_` into words. Each rule has a table of words: any word
//! of the name from its `words` list gives the name that meaning, and so does a
//! last word from its `last_words` list, after trailing unit words (`ms`, `secs`)
//! are set aside. A last word that makes the name a bucket, a kind or a ratio
//! (`load_bucket`, `memory_tier`) is not flagged, nor a name that starts with a
//! word stating a fact (`is_`, `has_`). The tables below are listed in each rule's
//! documentation (`cargo telemetry-lint explain TL036`), and a test keeps the two
//! in step.
//!
//! The checks run on the declared fields of an event or group struct, so the
//! compiler and `check` report them alike (and read the same waivers), and
//! `init` runs them on every number it drafts.
//!
//! ```
//! use telemetry_manifest::{Owner, check_number_name};
//! let rule = |name| check_number_name(Owner::Event("e"), name).map(|f| f.rule.id);
//! assert_eq!(rule("started_at"), Some("TL036"));
//! assert_eq!(rule("load_ms"), Some("TL037"));
//! assert_eq!(rule("total_ram"), Some("TL038"));
//! assert_eq!(rule("retries"), None);
//! ```

use super::privacy::identifier_like;
use crate::finding::{CodeTarget, Finding, Owner};
use crate::rules::{self, Rule};
use crate::valid::FieldDef;
use crate::vocab::FieldType;

/// The words that give a number's name one meaning, for one rule.
#[derive(Debug)]
pub struct NameMeaning {
    /// The rule a match breaks.
    pub rule: &'static Rule,
    /// What a name with this meaning holds, for the message: `a point in time`.
    pub what: &'static str,
    /// Any word of the name from this list gives it the meaning.
    pub words: &'static [&'static str],
    /// The last word (trailing unit words set aside) from this list gives it the
    /// meaning.
    pub last_words: &'static [&'static str],
    /// The coarse replacement, for the help.
    pub instead: &'static str,
}

/// Units of time: as the last word they make a number a precise duration; after a
/// point-in-time word they are set aside (`created_at_ms` is a point in time).
pub const TIME_UNIT_WORDS: &[&str] = &[
    "ns",
    "nanos",
    "nanoseconds",
    "us",
    "usec",
    "usecs",
    "micros",
    "microseconds",
    "ms",
    "msec",
    "msecs",
    "millis",
    "milliseconds",
    "sec",
    "secs",
    "seconds",
    "mins",
    "minutes",
];

/// Last words that make a name a bucket, a class or a proportion of what its other
/// words name (`duration_bucket`, `memory_tier`, `cpu_ratio`), not the thing.
pub const COARSE_LAST_WORDS: &[&str] = &[
    "bucket", "buckets", "tier", "tiers", "class", "kind", "type", "category", "level", "range",
    "ratio", "rate", "percent", "pct", "share", "fraction", "version", "format", "mode", "status",
    "state", "enabled", "known", "exceeded", "set",
];

/// First words that make a name a fact about a thing (`is_timed_out`,
/// `has_memory_limit`), not a measure of it.
pub const FACT_WORDS: &[&str] = &["is", "has", "uses", "with", "was", "should"];

/// TL036: a point in time.
pub const POINT_IN_TIME: NameMeaning = NameMeaning {
    rule: rules::TIMESTAMP_LIKE_FIELD,
    what: "a point in time (a date or a time of day)",
    words: &["timestamp", "datetime"],
    last_words: &["at", "when", "date", "day", "since", "ts", "epoch", "unix"],
    instead: "drop it: every record carries the hour it was sent in (the `hour` context), and a `duration_bucket` can say how long ago something happened",
};

/// Words of a moment: before a last word `time` they make the name a point in
/// time (`start_time`, `last_login_time`); without one, `time` is a duration
/// (`compile_time`, `load_time`).
pub const MOMENT_WORDS: &[&str] = &[
    "start",
    "started",
    "end",
    "ended",
    "stop",
    "stopped",
    "created",
    "updated",
    "modified",
    "last",
    "first",
    "install",
    "installed",
    "launch",
    "launched",
    "crash",
    "crashed",
    "begin",
    "finish",
    "finished",
    "sent",
    "received",
    "login",
    "opened",
    "closed",
];

/// Last words that count occurrences (`disk_errors`, `memory_warnings`,
/// `latency_spikes`): a count of things that happened, not a measure of the
/// thing the other words name.
pub const OCCURRENCE_LAST_WORDS: &[&str] = &[
    "errors",
    "failures",
    "warnings",
    "events",
    "hits",
    "misses",
    "spikes",
    "allocations",
    "crashes",
    "calls",
    "requests",
    "retries",
    "attempts",
    "files",
    "sockets",
    "faults",
    "timeouts",
    "restarts",
    "reloads",
    "clicks",
    "runs",
    "builds",
    "panics",
];

/// TL037: a precise duration.
pub const PRECISE_DURATION: NameMeaning = NameMeaning {
    rule: rules::DURATION_LIKE_FIELD,
    what: "a precise duration",
    words: &[
        "duration", "elapsed", "latency", "took", "uptime", "delay", "rtt", "ttfb", "runtime",
    ],
    last_words: TIME_UNIT_WORDS,
    instead: "send a `duration_bucket` with `telemetry_core::DurationBucket`, which sends only the bucket the duration falls in",
};

/// TL038: an exact size or system spec.
pub const EXACT_SIZE: NameMeaning = NameMeaning {
    rule: rules::SIZE_LIKE_FIELD,
    what: "an exact size or system spec",
    words: &[
        "bytes",
        "byte",
        "kb",
        "kib",
        "mb",
        "mib",
        "gb",
        "gib",
        "tb",
        "tib",
        "size",
        "capacity",
        "ram",
        "memory",
        "mem",
        "heap",
        "rss",
        "vram",
        "disk",
        "storage",
        "tokens",
        "chars",
        "characters",
        "cores",
        "core",
        "cpus",
        "cpu",
        "gpus",
        "gpu",
        "screen",
        "display",
        "monitor",
        "monitors",
        "pixels",
        "dpi",
        "resolution",
    ],
    last_words: &["len", "length"],
    instead: "send a `size_bucket` with `telemetry_core::SizeBucket`, or a tier as a fieldless enum (`small`, `medium`, `large`)",
};

/// The meanings, in the order a name is judged: a name that reads as a point in
/// time is reported as that, not also as a duration.
pub const NAME_MEANINGS: [&NameMeaning; 3] = [&POINT_IN_TIME, &PRECISE_DURATION, &EXACT_SIZE];

/// Whether a last word counts occurrences: one of [`OCCURRENCE_LAST_WORDS`], or
/// any plural that is not itself a unit, a spec or a plural of a word of a meaning
/// (`gpu_dispatches` counts dispatches; `heap_bytes`, `cpus` and `timestamps` do
/// not count occurrences).
fn counts_occurrences(last: &str) -> bool {
    if OCCURRENCE_LAST_WORDS.contains(&last) {
        return true;
    }
    let of_a_meaning = |word: &str| {
        NAME_MEANINGS
            .iter()
            .any(|m| m.words.contains(&word) || m.last_words.contains(&word))
            || TIME_UNIT_WORDS.contains(&word)
    };
    last.len() > 3
        && last.ends_with('s')
        && !last.ends_with("ss")
        && !last.ends_with("us")
        && !of_a_meaning(last)
        && !of_a_meaning(last.strip_suffix("es").unwrap_or(last))
        && !of_a_meaning(&last[..last.len() - 1])
}

/// The meaning a number's name gives it, if any (see the module docs).
pub fn number_meaning(name: &str) -> Option<&'static NameMeaning> {
    let words: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let (first, last) = (words.first()?, words.last()?);
    if words.len() > 1 && FACT_WORDS.contains(&first.as_str()) {
        return None;
    }
    if COARSE_LAST_WORDS.contains(&last.as_str()) || counts_occurrences(last) {
        return None;
    }
    // `created_at_ms`: the unit says how a point in time is written.
    let core: Vec<&str> = {
        let mut core: Vec<&str> = words.iter().map(String::as_str).collect();
        while core.len() > 1 && core.last().is_some_and(|w| TIME_UNIT_WORDS.contains(w)) {
            core.pop();
        }
        core
    };
    // `start_time` is a point in time, `compile_time` a duration.
    if core.last() == Some(&"time") {
        return Some(
            if words.iter().any(|w| MOMENT_WORDS.contains(&w.as_str())) {
                &POINT_IN_TIME
            } else {
                &PRECISE_DURATION
            },
        );
    }
    NAME_MEANINGS.into_iter().find(|meaning| {
        let last = if std::ptr::eq(*meaning, &PRECISE_DURATION) {
            last.as_str()
        } else {
            core.last().copied().unwrap_or_default()
        };
        // A word or its plural (`timestamps`).
        words.iter().any(|w| {
            meaning.words.contains(&w.as_str())
                || w.strip_suffix('s')
                    .is_some_and(|one| meaning.words.contains(&one))
        }) || meaning.last_words.contains(&last)
    })
}

/// What the name of a declared field says it holds, judged for field `index` of
/// the struct of `owner` (see [`check_name`]). The finding points at the field's
/// name in Rust and its declaration.
pub(super) fn check_field_name(
    owner: Owner<'_>,
    index: usize,
    declared: &FieldDef,
) -> Option<Finding> {
    Some(
        check_name(owner, &declared.name.value, declared.ty.value)?
            .at_manifest(declared.name.span)
            .at_code(CodeTarget::FieldName(index)),
    )
}

/// What the name of field `name` of `owner`, of type `ty`, says it holds, when
/// `ty` is a `count`: an identifier or an address (TL023), a point in time, a
/// precise duration or an exact size (TL036 to TL038). The caller aims the
/// finding.
pub fn check_name(owner: Owner<'_>, name: &str, ty: FieldType) -> Option<Finding> {
    // Only a number can carry an identifier, a time or a size: a `bool`, an
    // `enum` or a bucket sends one of the values the manifest lists.
    if ty != FieldType::Count {
        return None;
    }
    // What a number measures is the more precise reading (`host_cpus` is a spec,
    // `session_ms` a duration); a number that measures nothing of the kind is
    // judged as a possible identifier.
    if let Some(finding) = check_number_name(owner, name) {
        return Some(finding);
    }
    let what = identifier_like(name)?;
    Some(
        owner
            .tag(Finding::new(
                rules::IDENTIFIER_LIKE_FIELD,
                format!("field `{name}` of {owner} is a number whose name says it holds {what}"),
                "send the coarse fact the decision needs under a name that says so (such as `is_signed_in`, `account_kind` or `user_count`), or drop the field; if it identifies nothing and the name must stay, waive TL023 in the field's `waivers` with the reason and the review",
            ))
            .field(name),
    )
}

/// The finding for field `field` of `owner`, a number, when its name gives it a
/// meaning that singles out a person or an installation (TL036, TL037, TL038).
/// The caller aims it at the field's tokens and its declaration.
pub fn check_number_name(owner: Owner<'_>, field: &str) -> Option<Finding> {
    let meaning = number_meaning(field)?;
    Some(
        owner
            .tag(Finding::new(
                meaning.rule,
                format!(
                    "field `{field}` of {owner} is a number whose name says it holds {}",
                    meaning.what
                ),
                format!(
                    "{}; if the name misleads, rename the field after what it counts, or waive {} in the field's `waivers` with the reason and the review",
                    meaning.instead, meaning.rule.id
                ),
            ))
            .field(field),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str) -> Option<&'static str> {
        number_meaning(name).map(|m| m.rule.id)
    }

    #[test]
    fn points_in_time() {
        for name in [
            "started_at",
            "created_at_ms",
            "epoch_secs",
            "crashed_when",
            "timestamp_ms",
            "event_timestamps",
            "ts",
            "build_date",
            "last_seen_unix",
            "start_time",
            "last_login_time",
        ] {
            assert_eq!(rule(name), Some("TL036"), "{name}");
        }
    }

    #[test]
    fn precise_durations() {
        for name in [
            "load_ms",
            "elapsed_us",
            "response_latency",
            "uptime",
            "gpu_wall_ns",
            "duration",
            "took",
            "compile_time",
            "load_time",
        ] {
            assert_eq!(rule(name), Some("TL037"), "{name}");
        }
    }

    #[test]
    fn exact_sizes_and_specs() {
        for name in [
            "total_ram",
            "heap_bytes",
            "volume_capacity",
            "num_cpus",
            "input_tokens",
            "file_size",
            "path_len",
            "cpu_count",
            "core_count",
            "screen_width",
            "monitor_count",
            "cpu_cores",
            "screen_pixels",
        ] {
            assert_eq!(rule(name), Some("TL038"), "{name}");
        }
    }

    #[test]
    fn counts_kinds_and_facts_are_not_flagged() {
        for name in [
            "retries",
            "error_count",
            "files",
            "duration_bucket",
            "memory_tier",
            "cpu_ratio",
            "is_timed_out",
            "has_memory_limit",
            "attempts",
            "exit_code",
            "disk_errors",
            "latency_spikes",
            "memory_warnings",
            "runtime_errors",
            "ts_files",
            "unix_sockets",
            "gpu_dispatches",
            "disk_reads",
        ] {
            assert_eq!(rule(name), None, "{name}");
        }
    }

    #[test]
    fn moment_words_are_in_the_docs_of_both_readings_of_time() {
        for rule in [POINT_IN_TIME.rule, PRECISE_DURATION.rule] {
            for word in MOMENT_WORDS {
                assert!(
                    rule.details.contains(&format!("`{word}`")),
                    "{}: `{word}`",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn every_word_is_in_its_rules_docs() {
        for meaning in NAME_MEANINGS {
            for word in meaning.words.iter().chain(meaning.last_words) {
                assert!(
                    meaning.rule.details.contains(&format!("`{word}`")),
                    "{}: `{word}` is not in the docs",
                    meaning.rule.id
                );
            }
            for word in COARSE_LAST_WORDS
                .iter()
                .chain(FACT_WORDS)
                .chain(OCCURRENCE_LAST_WORDS)
            {
                assert!(
                    meaning.rule.details.contains(&format!("`{word}`")),
                    "{}: `{word}` is not in the docs",
                    meaning.rule.id
                );
            }
        }
    }
}
