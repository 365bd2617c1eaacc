//! Local differential privacy as the manifest declares it: the mechanisms a field
//! may take ([`Mechanism`]), their privacy loss ([`Epsilon`]), the exact output
//! probabilities of each mechanism, and the privacy budget of an event
//! ([`EventBudget`]).
//!
//! The program applies the mechanism to a field's value before the value leaves
//! the process (`telemetry_core::runtime`); this module is what the linter, the
//! data dictionary and the collector's estimators (`crate::estimate`) know of it.
//!
//! # The mechanisms
//!
//! - **k-ary randomized response** (`randomized_response`), for a field with `k`
//!   declared values (`bool`, `enum`, a bucket type, a bucketed `count`,
//!   `os_family`, `arch`): the true value is reported with probability
//!   `p = e^ε / (e^ε + k − 1)`, each other value with probability
//!   `q = 1 / (e^ε + k − 1)`. Warner (1965), "Randomized response"; the k-ary form
//!   and its estimator after Wang, Blocki, Li and Jha (2017), "Locally
//!   Differentially Private Protocols for Frequency Estimation" (USENIX Security).
//! - **the geometric mechanism** (`geometric`), for a `count` with `max`: the
//!   count plus `Z`, where `P(Z = z) ∝ exp(−ε·|z| / max)`, the discrete Laplace
//!   distribution of scale `max / ε`. Ghosh, Roughgarden and Sundararajan (2009),
//!   "Universally Utility-Maximizing Privacy Mechanisms". A count lies in
//!   `0..=max`, so two inputs differ by at most `max`, the sensitivity.
//!
//! An absent value (`None` of an `Option`) is replaced by a value drawn uniformly
//! from the field's domain before the mechanism runs. The output is then a mixture
//! of ε-private outputs, so it is ε-private too, and it never tells whether the
//! value was absent.
//!
//! # The budget
//!
//! One report of an event spends the sum of its fields' ε (basic composition,
//! Dwork and Roth (2014), "The Algorithmic Foundations of Differential Privacy",
//! theorem 3.16). An event with a field that has no mechanism is not locally
//! private: that field is sent as it is.
//!
//! The program keeps the randomized answer of each field and true value, as
//! RAPPOR's permanent randomized response does (Erlingsson, Pihur and Korolova
//! (2014), "RAPPOR"): a value reported again is reported with the same answer, so
//! repeated reports cannot be averaged to remove the noise. A field then reveals
//! something new only when it takes a value it never took before, at most once per
//! value of its domain, so a field with `d` possible values spends at most `d · ε`
//! in a day, and in any longer period. [`EventBudget::per_day`] is that sum over
//! the event's fields. The aggregation period (one summary per hour) and the
//! number of events in a day add nothing to it: every further report repeats a
//! kept answer.
//!
//! Sampling (`sample_rate`) does not lower the budget. Amplification by
//! subsampling (Balle, Barthe and Gaboardi (2018), "Privacy Amplification by
//! Subsampling") is proven for a sample the adversary does not see; here the
//! collector sees whether a report arrived, and the report, when it arrives, is
//! the mechanism's output, so the local guarantee stays ε.
//!
//! ```
//! use telemetry_manifest::{Epsilon, Mechanism, rr_probabilities};
//! let epsilon = Epsilon::parse(1.0).unwrap();
//! let (p, q) = rr_probabilities(epsilon, 2);
//! assert!((p / q - 1f64.exp()).abs() < 1e-12);
//! assert_eq!(Mechanism::Geometric.as_str(), "geometric");
//! ```

use std::fmt;

use serde::Deserialize;

use crate::checks::Cardinality;
use crate::valid::{EventDef, FieldDef, ValidManifest};
use crate::vocab::FieldType;

/// The largest ε a field may declare: 10.
pub const MAX_EPSILON: f64 = 10.0;

/// The default `min_count` of an event: 10 reports.
pub const DEFAULT_MIN_COUNT: u32 = 10;

/// A local differential privacy mechanism, as the manifest names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// k-ary randomized response, for a field with a finite list of values.
    RandomizedResponse,
    /// The geometric (discrete Laplace) mechanism, for a `count` with `max`.
    Geometric,
}

impl Mechanism {
    /// The word used in the manifest: `randomized_response` or `geometric`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mechanism::RandomizedResponse => "randomized_response",
            Mechanism::Geometric => "geometric",
        }
    }

    /// Whether the mechanism can stand on `field`: randomized response on a field
    /// whose values the manifest lists (every type but `version` and a `count`
    /// with `max`), the geometric mechanism on a `count` with `max`.
    pub fn fits(self, field: &FieldDef) -> bool {
        let count_with_max = field.ty.value == FieldType::Count && field.bounds.is_empty();
        match self {
            Mechanism::RandomizedResponse => {
                field.ty.value != FieldType::Version && !count_with_max
            }
            Mechanism::Geometric => count_with_max,
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A privacy loss ε, kept exactly as thousandths: the program's samplers need a
/// rational ε (Canonne, Kamath and Steinke (2020)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Epsilon {
    /// ε × 1000.
    pub milli: u64,
}

impl Epsilon {
    /// ε from the number written in the manifest.
    ///
    /// # Errors
    /// A message (lowercase, no trailing period) when the number is not above 0,
    /// is above [`MAX_EPSILON`], or has more than three decimals.
    pub fn parse(value: f64) -> Result<Epsilon, String> {
        if !value.is_finite() || value <= 0.0 {
            return Err(format!("epsilon {value} is not above 0"));
        }
        if value > MAX_EPSILON {
            return Err(format!("epsilon {value} is above {MAX_EPSILON}"));
        }
        let milli = (value * 1000.0).round();
        if (value * 1000.0 - milli).abs() > 1e-6 {
            return Err(format!("epsilon {value} has more than three decimals"));
        }
        Ok(Epsilon {
            milli: milli as u64,
        })
    }

    /// ε as a float, for probabilities and display.
    pub fn as_f64(self) -> f64 {
        self.milli as f64 / 1000.0
    }
}

impl fmt::Display for Epsilon {
    /// Without trailing zeros: `1`, `0.5`, `0.125`, `12.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.milli / 1000;
        let frac = self.milli % 1000;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// A field's mechanism, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldNoise {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// The privacy loss of one report.
    pub epsilon: Epsilon,
}

/// `(p, q)` of k-ary randomized response: the probability of reporting the true
/// value, `e^ε / (e^ε + k − 1)`, and of reporting one given other value,
/// `1 / (e^ε + k − 1)`. With `k = 1` the one value is always reported.
pub fn rr_probabilities(epsilon: Epsilon, k: usize) -> (f64, f64) {
    let e = epsilon.as_f64().exp();
    let others = k.saturating_sub(1) as f64;
    (e / (e + others), 1.0 / (e + others))
}

/// The probability that the geometric mechanism of `epsilon` on a count with
/// `max` reports `output` for the true count `input`:
/// `(1 − α) / (1 + α) · α^|output − input|` with `α = exp(−ε / max)`.
pub fn geometric_probability(epsilon: Epsilon, max: u64, input: i64, output: i64) -> f64 {
    let alpha = (-epsilon.as_f64() / max.max(1) as f64).exp();
    (1.0 - alpha) / (1.0 + alpha) * alpha.powf(output.abs_diff(input) as f64)
}

/// The variance of the geometric mechanism's noise: `2α / (1 − α)²`, with
/// `α = exp(−ε / max)`.
pub fn geometric_variance(epsilon: Epsilon, max: u64) -> f64 {
    let alpha = (-epsilon.as_f64() / max.max(1) as f64).exp();
    2.0 * alpha / ((1.0 - alpha) * (1.0 - alpha))
}

/// The privacy budget of one event.
#[derive(Clone, Debug, PartialEq)]
pub struct EventBudget {
    /// The event's name.
    pub event: String,
    /// ε of one report, the sum of its fields' ε; `None` when the event is not
    /// locally private (a field has no mechanism). An event without fields spends 0.
    pub per_report: Option<Epsilon>,
    /// The most ε the event spends in a day (and in any longer period): each
    /// field's ε times the number of values it can take; `None` when not locally
    /// private.
    pub per_day: Option<Epsilon>,
    /// The fields sent as they are, without a mechanism, in the event's order.
    pub plain_fields: Vec<String>,
    /// The share of occurrences recorded, `0 < rate <= 1`.
    pub sample_rate: f64,
    /// The fewest reports a cell of an estimate must rest on.
    pub min_count: u32,
}

impl EventBudget {
    /// The budget of `event`, with its groups' fields.
    pub fn of(manifest: &ValidManifest, event: &EventDef) -> EventBudget {
        let mut per_report = Some(0u64);
        let mut per_day = Some(0u64);
        let mut plain_fields = Vec::new();
        for field in event.all_fields(manifest) {
            match field.noise {
                Some(noise) => {
                    let values = match Cardinality::of(field) {
                        Cardinality::Finite(n) => u64::try_from(n).unwrap_or(u64::MAX),
                        Cardinality::Unbounded => u64::MAX,
                    };
                    per_report = per_report.map(|sum| sum.saturating_add(noise.epsilon.milli));
                    per_day = per_day
                        .map(|sum| sum.saturating_add(noise.epsilon.milli.saturating_mul(values)));
                }
                None => {
                    per_report = None;
                    per_day = None;
                    plain_fields.push(field.name.value.clone());
                }
            }
        }
        EventBudget {
            event: event.name.value.clone(),
            per_report: per_report.map(|milli| Epsilon { milli }),
            per_day: per_day.map(|milli| Epsilon { milli }),
            plain_fields,
            sample_rate: event.sample_rate,
            min_count: event.min_count,
        }
    }

    /// Every event's budget, in the manifest's (sorted) order.
    pub fn all(manifest: &ValidManifest) -> Vec<EventBudget> {
        manifest
            .events
            .iter()
            .map(|event| EventBudget::of(manifest, event))
            .collect()
    }

    /// The budget of all events together, per day: the sum of theirs; `None` when
    /// any event is not locally private.
    pub fn total_per_day(budgets: &[EventBudget]) -> Option<Epsilon> {
        budgets
            .iter()
            .try_fold(0u64, |sum, b| {
                b.per_day.map(|e| sum.saturating_add(e.milli))
            })
            .map(|milli| Epsilon { milli })
    }
}

/// What ε means, in plain words, for the data dictionary.
pub const EPSILON_IN_PLAIN_WORDS: &str = "Epsilon (ε) measures how much one report can reveal about the true value on your machine. The program adds random noise to a field before it leaves your machine: with ε = 1, whatever the collector receives is at most e¹ ≈ 2.7 times more likely under one true value than under any other, so a single report is deniable; smaller is more private. The collector only learns how values are spread over many users. The program keeps the noisy answer it gave for each value and repeats it, so sending the same value again reveals nothing more; the daily budget counts every value a field could take.";
