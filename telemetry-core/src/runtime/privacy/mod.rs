//! Local differential privacy in the program: each field's mechanism (the
//! manifest's `privacy:`), applied before a value leaves the process and before
//! the local aggregator counts it; the answers kept per field and true value; and
//! sampling (the manifest's `sample_rate`).
//!
//! - **k-ary randomized response** ([`Noise::RandomizedResponse`]) over the
//!   field's `values`: a candidate is drawn uniformly; the true value is accepted
//!   at once, another value with probability exp(−ε). The accepted value is the
//!   true one with probability `e^ε / (e^ε + k − 1)`, each other with
//!   `1 / (e^ε + k − 1)`.
//! - **the geometric mechanism** ([`Noise::Geometric`]) on a count in `0..=max`:
//!   the count plus discrete Laplace noise of scale `max / ε`, sent as
//!   [`PayloadValue::NoisyCount`].
//! - **An absent value** (`None`) is replaced by a value of the domain drawn
//!   uniformly, then randomized as that value: a mixture of ε-private outputs is
//!   ε-private, and nothing tells that the value was absent.
//!
//! Every draw is exact (`sampler`: Canonne, Kamath and Steinke (2020)) and reads
//! the operating system's CSPRNG. A test can fix a seed, through a hidden builder
//! method; nothing else can.
//!
//! **Answers are kept** (`memo`), as RAPPOR's permanent randomized response does
//! (Erlingsson, Pihur and Korolova (2014)): the first time a field of an event
//! takes a value, its randomized answer is drawn and written to the
//! `telemetry-noise` file in the configuration directory; every later report of
//! that value sends the same answer, in this run and the next. Averaging many
//! reports therefore recovers the answer, never the value. A field reveals
//! something new only when it takes a value it never took before, so over any
//! period a field spends at most ε times the number of its values. When the
//! answer cannot be stored (no configuration directory, a write error), the event
//! is not recorded: a fresh answer each run would let the noise be averaged away.
//!
//! ```
//! use telemetry_core::runtime::privacy::{SeededRandom, randomize};
//! use telemetry_core::{Category, FieldMeta, Noise, PayloadValue, ValueKind};
//!
//! const FIELD: FieldMeta = FieldMeta {
//!     name: "success",
//!     kind: ValueKind::Bool,
//!     category: Category::Technical,
//!     description: "Whether it exited 0.",
//!     values: &["true", "false"],
//!     bounds: &[],
//!     max: None,
//!     noise: Noise::RandomizedResponse { epsilon_milli: 1000 },
//! };
//! let mut rng = SeededRandom::new(7);
//! let answer = randomize(&FIELD, PayloadValue::Bool(true), &mut rng).unwrap();
//! assert!(matches!(answer, PayloadValue::Bool(_)));
//! ```

mod memo;
mod sampler;

use std::sync::Mutex;

use crate::{FieldMeta, Noise, PayloadValue, ValueKind};

use super::project::EventInfo;
use super::store::Store;
use super::{lock, store};

pub use sampler::{
    OsRandom, Random, SeededRandom, bernoulli, bernoulli_exp, discrete_laplace, uniform_below,
};

use memo::Memo;

/// The file, in the configuration directory, that keeps the randomized answer of
/// each noised field and true value: `telemetry-noise`.
pub const NOISE_FILE: &str = store::NOISE_FILE;

/// One in a million: the unit of [`EventInfo::sample_per_million`].
const MILLION: u128 = 1_000_000;

/// The position of a value in the domain the mechanism draws from: an index into
/// the field's `values` (randomized response), or the count (geometric).
fn domain_position(field: &FieldMeta, value: PayloadValue) -> Option<Position> {
    match (field.noise, value) {
        (Noise::None, _) => None,
        (_, PayloadValue::Null) => Some(Position::Absent),
        (Noise::RandomizedResponse { .. }, PayloadValue::Bool(b)) => {
            let word = if b { "true" } else { "false" };
            field
                .values
                .iter()
                .position(|v| *v == word)
                .map(|i| Position::At(i as i64))
        }
        (Noise::RandomizedResponse { .. }, PayloadValue::Label(label)) => field
            .values
            .iter()
            .position(|v| *v == label)
            .map(|i| Position::At(i as i64)),
        (Noise::Geometric { .. }, PayloadValue::Count(count)) => {
            i64::try_from(count).ok().map(Position::At)
        }
        _ => None,
    }
}

/// Where a true value stands in the field's domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    /// At this index (randomized response) or count (geometric).
    At(i64),
    /// Absent (`None`): a value of the domain is drawn uniformly in its place.
    Absent,
}

/// The size of the domain the mechanism draws from: `k` values, or `max + 1`
/// counts.
fn domain_size(field: &FieldMeta) -> Option<u128> {
    match field.noise {
        Noise::None => None,
        Noise::RandomizedResponse { .. } => {
            (!field.values.is_empty()).then_some(field.values.len() as u128)
        }
        Noise::Geometric { .. } => field.max.map(|max| u128::from(max) + 1),
    }
}

/// Draws the mechanism's answer for the value at `position` (`0..domain`), as a
/// position: an index or a noisy count.
fn draw(field: &FieldMeta, position: i64, rng: &mut dyn Random) -> Option<i64> {
    match field.noise {
        Noise::None => Some(position),
        Noise::RandomizedResponse { epsilon_milli } => {
            let k = domain_size(field)?;
            loop {
                let candidate = uniform_below(k, rng)? as i64;
                if candidate == position || bernoulli_exp(u128::from(epsilon_milli), 1000, rng)? {
                    return Some(candidate);
                }
            }
        }
        Noise::Geometric { epsilon_milli } => {
            // Scale max/ε = (1000 · max) / ε_milli.
            let max = u128::from(field.max?);
            let noise = discrete_laplace(u128::from(epsilon_milli), 1000 * max.max(1), rng)?;
            Some(position.saturating_add(noise))
        }
    }
}

/// A position as the value sent.
fn answer_value(field: &FieldMeta, answer: i64) -> Option<PayloadValue> {
    match field.noise {
        Noise::None => None,
        Noise::RandomizedResponse { .. } => {
            let label = *field.values.get(usize::try_from(answer).ok()?)?;
            Some(if field.kind == ValueKind::Bool {
                PayloadValue::Bool(label == "true")
            } else {
                PayloadValue::Label(label)
            })
        }
        Noise::Geometric { .. } => Some(PayloadValue::NoisyCount(answer)),
    }
}

/// The true position of `value`, an absent value replaced by one drawn uniformly.
fn true_position(field: &FieldMeta, value: PayloadValue, rng: &mut dyn Random) -> Option<i64> {
    match domain_position(field, value)? {
        Position::At(at) => Some(at),
        Position::Absent => Some(uniform_below(domain_size(field)?, rng)? as i64),
    }
}

/// Applies `field`'s mechanism to `value` once, with a fresh draw: the value sent,
/// or `None` when the value is outside the field's domain or the random source
/// fails. A field without a mechanism gets its value back. The runtime keeps the
/// answer of each value (see the module docs); this function does not.
pub fn randomize(
    field: &FieldMeta,
    value: PayloadValue,
    rng: &mut dyn Random,
) -> Option<PayloadValue> {
    if field.noise == Noise::None {
        return Some(value);
    }
    let position = true_position(field, value, rng)?;
    answer_value(field, draw(field, position, rng)?)
}

/// Whether to record one occurrence of an event kept with probability
/// `per_million` / 1,000,000; exact. `None` when the random source fails.
pub fn sample(per_million: u32, rng: &mut dyn Random) -> Option<bool> {
    if u128::from(per_million) >= MILLION {
        return Some(true);
    }
    bernoulli(u128::from(per_million), MILLION, rng)
}

/// The random source and the kept answers of one program's telemetry.
pub(crate) struct Privacy {
    events: &'static [EventInfo],
    state: Mutex<State>,
}

struct State {
    rng: Box<dyn Random + Send>,
    memo: Memo,
}

impl Privacy {
    /// The privacy state of a run: the answers kept in `store`'s directory, and the
    /// operating system's random source, or a seeded one for tests.
    pub(crate) fn new(
        events: &'static [EventInfo],
        store: &Store,
        seed: Option<u64>,
    ) -> (Privacy, Option<String>) {
        let rng: Box<dyn Random + Send> = match seed {
            Some(seed) => Box::new(SeededRandom::new(seed)),
            None => Box::new(OsRandom::new()),
        };
        let path = store.dir().map(|dir| dir.join(store::NOISE_FILE));
        let (memo, problem) = Memo::load(path);
        (
            Privacy {
                events,
                state: Mutex::new(State { rng, memo }),
            },
            problem,
        )
    }

    /// Whether this occurrence of `event` is recorded, after its `sample_rate`.
    ///
    /// # Errors
    /// When the random source fails; the occurrence is then not recorded.
    pub(crate) fn sampled(&self, event: &str) -> Result<bool, String> {
        let per_million = self
            .events
            .binary_search_by(|info| info.name.cmp(event))
            .ok()
            .and_then(|at| self.events.get(at))
            .map_or(1_000_000, |info| info.sample_per_million);
        if u128::from(per_million) >= MILLION {
            return Ok(true);
        }
        let mut state = lock(&self.state);
        sample(per_million, state.rng.as_mut()).ok_or_else(random_failed)
    }

    /// The value sent for `field` of `event`: `value` itself for a field without
    /// a mechanism, else the kept answer for that value, drawn and stored the
    /// first time.
    ///
    /// # Errors
    /// When the value is outside the field's domain, the random source fails or
    /// the answer cannot be stored; the event is then not recorded.
    pub(crate) fn apply(
        &self,
        event: &'static str,
        field: &'static FieldMeta,
        value: PayloadValue,
    ) -> Result<PayloadValue, String> {
        if field.noise == Noise::None {
            return Ok(value);
        }
        let mut guard = lock(&self.state);
        let State { rng, memo } = &mut *guard;
        let outside = || {
            format!(
                "field `{}` of event `{event}` sent a value outside its declared values; the event is not recorded",
                field.name
            )
        };
        let position = true_position(field, value, rng.as_mut()).ok_or_else(outside)?;
        let answer = match memo.get(event, field, position) {
            Some(answer) => answer,
            None => {
                let answer = draw(field, position, rng.as_mut()).ok_or_else(random_failed)?;
                memo.insert(event, field, position, answer)?;
                answer
            }
        };
        answer_value(field, answer).ok_or_else(outside)
    }
}

fn random_failed() -> String {
    "the operating system's random source failed; the event is not recorded".to_owned()
}
