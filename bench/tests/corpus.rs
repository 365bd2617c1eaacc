//! The labelled corpus as a test: `init` on the telemetry code of published crates
//! (brought in through cargo, never copied here) and on our own patterns, against
//! hand-made labels. It fails below 95 % recall of the risky fields or above 10 %
//! of the safe fields flagged, when a labelled event is not found, when a field
//! that is never sent is drafted, or when a draft does not load or `check` cannot
//! run on it. `cargo run -p telemetry-bench -- corpus` prints the same figures as
//! tables, per crate and per reason.

#[path = "../src/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::Path;

use corpus::{CorpusFigures, Draft};

/// The least share of risky fields `init` must flag.
const MIN_RECALL: f64 = 0.95;
/// The largest share of safe fields `init` may flag.
const MAX_FALSE_ALARMS: f64 = 0.10;

fn linter() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_bench-telemetry-lint"))
}

fn assert_sound(what: &str, figures: &CorpusFigures) {
    let table = corpus::render(figures);
    let items = figures.items();
    assert_eq!(
        items.flagged, items.total,
        "{what}: events not found\n{table}"
    );
    assert_eq!(
        figures.not_sent().flagged,
        0,
        "{what}: fields never sent were drafted\n{table}"
    );
    for krate in &figures.crates {
        assert_eq!(
            krate.draft,
            Draft::Loads,
            "{what}: the draft of {} does not load, or check cannot run on it\n{table}",
            krate.crate_name
        );
    }
}

#[test]
fn init_flags_the_risky_fields_of_published_telemetry() {
    let figures = corpus::measure(linter()).unwrap_or_else(|e| panic!("{e}"));
    assert!(figures.crates.len() >= 4, "at least four published crates");
    assert_sound("published crates", &figures);
    let table = corpus::render(&figures);
    let recall = figures.risky().rate().unwrap_or(0.0);
    assert!(
        recall >= MIN_RECALL,
        "recall {:.1} % is below {:.0} %\n{table}",
        recall * 100.0,
        MIN_RECALL * 100.0
    );
    let false_alarms = figures.safe().rate().unwrap_or(0.0);
    assert!(
        false_alarms <= MAX_FALSE_ALARMS,
        "{:.1} % of safe fields flagged, above {:.0} %\n{table}",
        false_alarms * 100.0,
        MAX_FALSE_ALARMS * 100.0
    );
}

#[test]
fn init_reads_every_pattern_of_our_own_right() {
    let figures = corpus::measure_own(linter()).unwrap_or_else(|e| panic!("{e}"));
    assert_sound("our own patterns", &figures);
    let table = corpus::render(&figures);
    let risky = figures.risky();
    assert_eq!(risky.flagged, risky.total, "every risky pattern\n{table}");
    assert_eq!(figures.safe().flagged, 0, "no safe pattern\n{table}");
}
