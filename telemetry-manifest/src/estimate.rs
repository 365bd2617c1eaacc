//! The collector's side: estimates from the records programs send, undoing the
//! noise the manifest declares, with confidence intervals, and with every cell
//! resting on fewer than the event's `min_count` reports suppressed.
//!
//! Records are the JSON Lines the spool and the HTTP sink write:
//! `{"event":..,"fields":{..},"context":{..},"count":n}`, `count` absent in a
//! record of one event. Each record counts as `count` reports.
//!
//! # The estimators
//!
//! For a field with `k` values under randomized response of ε, with
//! `p = e^ε / (e^ε + k − 1)` and `q = 1 / (e^ε + k − 1)`
//! ([`crate::rr_probabilities`]), `n` reports, `c` of them showing value `v`:
//!
//! - the share of reports with true value `v` is estimated as
//!   `f = (c/n − q) / (p − q)`, unbiased (Wang, Blocki, Li and Jha (2017),
//!   "Locally Differentially Private Protocols for Frequency Estimation");
//! - its standard error is `sqrt(c/n · (1 − c/n) / n) / (p − q)`.
//!
//! For a count under the geometric mechanism, the noise has mean 0, so the mean of
//! the reported values estimates the mean count, with standard error
//! `s / sqrt(n)`, `s` the standard deviation of the reports (noise included).
//! A field without a mechanism is estimated the same way with `p = 1, q = 0`: the
//! observed share, or the observed mean.
//!
//! Every interval is the estimate ± 1.96 standard errors, 95% under the normal
//! approximation, assuming independent reports (one per installation). A value
//! shown by fewer than `min_count` reports, and a field with fewer reports in all,
//! is suppressed: its estimate is not given. An absent value (`null`) of a noised
//! field was sent as a uniformly drawn value, so it adds `1/k` of a report to
//! each value's estimate. Estimates are not clamped to `[0, 1]`: clamping would
//! bias them. `docs/estimate.md` gives the same estimators in SQL.
//!
//! ```
//! use telemetry_manifest::{estimate, parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\nevents:\n  e:\n    min_count: 1\n    fields:\n      ok: { type: bool, category: technical }\n";
//! let (manifest, _) = validate(&parse_str(text).unwrap());
//! let records = "{\"event\":\"e\",\"fields\":{\"ok\":true},\"count\":3}\n{\"event\":\"e\",\"fields\":{\"ok\":false}}\n";
//! let estimates = estimate(&manifest, records);
//! let cells = estimates.events[0].fields[0].cells().unwrap();
//! assert_eq!(cells[0].value, "true");
//! assert_eq!(cells[0].estimate.unwrap().value, 0.75);
//! ```

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::noise::{Epsilon, Mechanism, rr_probabilities};
use crate::valid::{FieldDef, ValidManifest};
use crate::vocab::FieldType;

/// The z-score of a two-sided 95% interval: 1.96.
pub const Z_95: f64 = 1.96;

/// Every estimate drawn from one file of records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Estimates {
    /// One entry per event the manifest declares, in its (sorted) order.
    pub events: Vec<EventEstimate>,
    /// Lines that could not be used, as `(line number from 1, why)`.
    pub skipped: Vec<(usize, String)>,
}

/// The estimates of one event.
#[derive(Clone, Debug, PartialEq)]
pub struct EventEstimate {
    /// The event's name.
    pub event: String,
    /// The reports received (the sum of the records' `count`).
    pub reports: u64,
    /// The event's `sample_rate`.
    pub sample_rate: f64,
    /// The occurrences the reports stand for: `reports / sample_rate`.
    pub occurrences: f64,
    /// The fewest reports a cell rests on to be shown.
    pub min_count: u32,
    /// One entry per field the event sends.
    pub fields: Vec<FieldEstimate>,
}

/// The estimate of one field.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldEstimate {
    /// The field's name.
    pub field: String,
    /// The mechanism and ε that noised it, if any.
    pub noise: Option<(Mechanism, Epsilon)>,
    /// The reports that carried the field.
    pub reports: u64,
    /// The estimate itself.
    pub kind: FieldEstimateKind,
}

impl FieldEstimate {
    /// The cells, when the field is estimated by frequencies.
    pub fn cells(&self) -> Option<&[Cell]> {
        match &self.kind {
            FieldEstimateKind::Frequencies(cells) => Some(cells),
            FieldEstimateKind::Mean(_) => None,
        }
    }
}

/// How a field is estimated.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldEstimateKind {
    /// The share of reports with each value: the field's values in the manifest's
    /// order, then values seen but not declared (such as `null`).
    Frequencies(Vec<Cell>),
    /// The mean of a count with `max`; `None` when suppressed.
    Mean(Option<Interval>),
}

/// One value of a field.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The value as sent (`true`, `build`, `<100ms`, `null`).
    pub value: String,
    /// The reports showing this value (after noise).
    pub reports: u64,
    /// The estimated share of true values; `None` when suppressed.
    pub estimate: Option<Interval>,
}

/// An estimate with its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub value: f64,
    /// Its standard error.
    pub standard_error: f64,
    /// `value − 1.96 · standard_error`.
    pub low: f64,
    /// `value + 1.96 · standard_error`.
    pub high: f64,
}

impl Interval {
    fn new(value: f64, standard_error: f64) -> Interval {
        Interval {
            value,
            standard_error,
            low: value - Z_95 * standard_error,
            high: value + Z_95 * standard_error,
        }
    }

    /// Whether `truth` lies within the interval.
    pub fn contains(&self, truth: f64) -> bool {
        self.low <= truth && truth <= self.high
    }
}

/// A field's tallies: reports per value as sent, and for a count the sums.
#[derive(Default)]
struct Tally {
    by_value: BTreeMap<String, u64>,
    n: u64,
    sum: f64,
    sum_squares: f64,
}

/// A JSON value of a record's field, as the cell shows it.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Whether the field is estimated by its mean: a `count` with `max`.
fn by_mean(field: &FieldDef) -> bool {
    field.ty.value == FieldType::Count && field.bounds.is_empty()
}

/// Estimates every field of every event from `records` (JSON Lines text).
/// Never fails: lines that cannot be used are listed in [`Estimates::skipped`].
pub fn estimate(manifest: &ValidManifest, records: &str) -> Estimates {
    let mut skipped = Vec::new();
    let mut reports: HashMap<&str, u64> = HashMap::new();
    let mut tallies: HashMap<(&str, &str), Tally> = HashMap::new();
    for (index, line) in records.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(error) => {
                skipped.push((number, format!("not JSON: {error}")));
                continue;
            }
        };
        let Some(name) = record.get("event").and_then(Value::as_str) else {
            skipped.push((number, "no `event` name".to_owned()));
            continue;
        };
        let Some(event) = manifest.event(name) else {
            skipped.push((
                number,
                format!("event `{name}` is not declared in the manifest"),
            ));
            continue;
        };
        let count = match record.get("count") {
            None => 1,
            Some(count) => match count.as_u64() {
                Some(count) => count,
                None => {
                    skipped.push((number, "`count` is not a whole number".to_owned()));
                    continue;
                }
            },
        };
        let fields = record.get("fields").and_then(Value::as_object);
        let event_name = event.name.value.as_str();
        *reports.entry(event_name).or_default() += count;
        for field in event.all_fields(manifest) {
            let Some(value) = fields.and_then(|f| f.get(&field.name.value)) else {
                continue;
            };
            let tally = tallies
                .entry((event_name, field.name.value.as_str()))
                .or_default();
            tally.n += count;
            *tally.by_value.entry(shown(value)).or_default() += count;
            if let Some(x) = value.as_f64() {
                tally.sum += x * count as f64;
                tally.sum_squares += x * x * count as f64;
            }
        }
    }

    let events = manifest
        .events
        .iter()
        .map(|event| {
            let name = event.name.value.as_str();
            let total = reports.get(name).copied().unwrap_or(0);
            let min_count = u64::from(event.min_count);
            let fields = event
                .all_fields(manifest)
                .into_iter()
                .map(|field| {
                    let empty = Tally::default();
                    let tally = tallies
                        .get(&(name, field.name.value.as_str()))
                        .unwrap_or(&empty);
                    field_estimate(field, tally, min_count)
                })
                .collect();
            EventEstimate {
                event: name.to_owned(),
                reports: total,
                sample_rate: event.sample_rate,
                occurrences: total as f64 / event.sample_rate,
                min_count: event.min_count,
                fields,
            }
        })
        .collect();
    Estimates { events, skipped }
}

fn field_estimate(field: &FieldDef, tally: &Tally, min_count: u64) -> FieldEstimate {
    let n = tally.n;
    let noise = field.noise.map(|noise| (noise.mechanism, noise.epsilon));
    let kind = if by_mean(field) {
        let mean = (n >= min_count && n > 0).then(|| {
            let nf = n as f64;
            let mean = tally.sum / nf;
            let variance = if n > 1 {
                ((tally.sum_squares - nf * mean * mean) / (nf - 1.0)).max(0.0)
            } else {
                0.0
            };
            Interval::new(mean, (variance / nf).sqrt())
        });
        FieldEstimateKind::Mean(mean)
    } else {
        let domain = field.possible_values();
        let (p, q) = match field.noise {
            Some(noise) if noise.mechanism == Mechanism::RandomizedResponse => {
                rr_probabilities(noise.epsilon, domain.len())
            }
            _ => (1.0, 0.0),
        };
        let mut values: Vec<String> = domain.clone();
        values.extend(
            tally
                .by_value
                .keys()
                .filter(|v| !domain.contains(v))
                .cloned(),
        );
        let cells = values
            .into_iter()
            .map(|value| {
                let c = tally.by_value.get(&value).copied().unwrap_or(0);
                let estimate = (n >= min_count && c >= min_count && n > 0).then(|| {
                    let nf = n as f64;
                    let share = c as f64 / nf;
                    let value = (share - q) / (p - q);
                    let se = (share * (1.0 - share) / nf).sqrt() / (p - q);
                    Interval::new(value, se)
                });
                Cell {
                    value,
                    reports: c,
                    estimate,
                }
            })
            .collect();
        FieldEstimateKind::Frequencies(cells)
    };
    FieldEstimate {
        field: field.name.value.clone(),
        noise,
        reports: n,
        kind,
    }
}
