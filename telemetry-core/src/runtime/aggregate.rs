//! Local aggregation: events are counted, keyed by (hour, event name, field values),
//! and sent as one summary record per key and period instead of one request per
//! event.
//!
//! The hot path does no formatting and, once a key has been seen, no allocation:
//! the key holds the event's `&'static str` name and its fields as
//! [`PayloadValue`]s (static labels, numbers) in an inline array, and a repeated
//! event only increments a counter in a pre-sized hash table. The JSON is built only
//! when the table is drained. The table holds at most `capacity` distinct keys;
//! events of further keys are dropped and counted, so memory stays bounded.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use foldhash::fast::FixedState;

use crate::PayloadValue;

/// How many fields a key holds inline; an event with more is keyed on the heap.
const INLINE: usize = 8;

/// How many distinct keys the table has room for before it first grows.
const PRESIZED: usize = 64;

/// One field: its name and its value as sent.
pub(crate) type Item = (&'static str, PayloadValue);

/// An event's fields, in the order the event visits them.
// The inline variant is the large one on purpose: it keeps the hot path off the heap.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub(crate) enum Values {
    /// Up to [`INLINE`] fields, without allocating.
    Inline {
        /// How many of `items` are used.
        len: u8,
        /// The fields; only the first `len` count.
        items: [Item; INLINE],
    },
    /// More fields than fit inline.
    Heap(Vec<Item>),
}

impl Values {
    /// No fields.
    pub(crate) fn new() -> Self {
        Values::Inline {
            len: 0,
            items: [("", PayloadValue::Null); INLINE],
        }
    }

    /// Adds a field.
    pub(crate) fn push(&mut self, name: &'static str, value: PayloadValue) {
        match self {
            Values::Inline { len, items } => {
                if let Some(slot) = items.get_mut(usize::from(*len)) {
                    *slot = (name, value);
                    *len += 1;
                } else {
                    let mut heap = items.to_vec();
                    heap.push((name, value));
                    *self = Values::Heap(heap);
                }
            }
            Values::Heap(items) => items.push((name, value)),
        }
    }

    /// The fields.
    pub(crate) fn as_slice(&self) -> &[Item] {
        match self {
            Values::Inline { len, items } => &items[..usize::from(*len)],
            Values::Heap(items) => items,
        }
    }
}

impl PartialEq for Values {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Values {}

impl Hash for Values {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let items = self.as_slice();
        state.write_usize(items.len());
        for (name, value) in items {
            name.hash(state);
            match *value {
                PayloadValue::Null => state.write_u8(0),
                PayloadValue::Bool(b) => state.write_u8(1 + u8::from(b)),
                PayloadValue::Count(n) => {
                    state.write_u8(3);
                    state.write_u64(n);
                }
                PayloadValue::Label(label) => {
                    state.write_u8(4);
                    label.hash(state);
                }
                PayloadValue::NoisyCount(n) => {
                    state.write_u8(6);
                    state.write_i64(n);
                }
                PayloadValue::Version { major, minor } => {
                    state.write_u8(5);
                    state.write_u32(major);
                    state.write_u32(minor);
                }
            }
        }
    }
}

/// What a summary counts: one event with exactly these field values in one hour.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// Whole hours since the epoch, UTC.
    pub(crate) hour: u64,
    /// The event's name.
    pub(crate) event: &'static str,
    /// The field values.
    pub(crate) values: Values,
}

/// Counts of events by [`Key`], for the current period.
pub(crate) struct Aggregator {
    hour: u64,
    table: HashMap<Key, u64, FixedState>,
    capacity: usize,
    dropped: u64,
}

impl Aggregator {
    /// An empty table with room for at most `capacity` distinct keys.
    pub(crate) fn new(capacity: usize) -> Self {
        Aggregator {
            hour: 0,
            table: HashMap::with_capacity_and_hasher(PRESIZED.min(capacity), FixedState::default()),
            capacity,
            dropped: 0,
        }
    }

    /// Counts one event recorded in `hour`. When the hour changed since the last
    /// event, the finished period's counts are returned, to be sent.
    pub(crate) fn add(
        &mut self,
        hour: u64,
        event: &'static str,
        values: Values,
    ) -> Option<Vec<(Key, u64)>> {
        let finished = (hour != self.hour && !self.table.is_empty()).then(|| self.drain());
        self.hour = hour;
        let key = Key {
            hour,
            event,
            values,
        };
        if let Some(count) = self.table.get_mut(&key) {
            *count += 1;
        } else if self.table.len() < self.capacity {
            self.table.insert(key, 1);
        } else {
            self.dropped += 1;
        }
        finished
    }

    /// Takes every count; the table keeps its memory for the next period.
    pub(crate) fn drain(&mut self) -> Vec<(Key, u64)> {
        self.table.drain().collect()
    }

    /// How many distinct keys are counted now.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// How many events were dropped because the table was full, since the start.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(items: &[Item]) -> Values {
        let mut values = Values::new();
        for (name, value) in items {
            values.push(name, *value);
        }
        values
    }

    #[test]
    fn equal_events_share_a_counter() {
        let mut table = Aggregator::new(10);
        let ok = [("ok", PayloadValue::Bool(true))];
        let failed = [("ok", PayloadValue::Bool(false))];
        assert!(table.add(5, "ping", values(&ok)).is_none());
        assert!(table.add(5, "ping", values(&ok)).is_none());
        assert!(table.add(5, "ping", values(&failed)).is_none());
        assert_eq!(table.len(), 2);
        let counts: Vec<u64> = table.drain().into_iter().map(|(_, n)| n).collect();
        assert_eq!(counts.iter().sum::<u64>(), 3);
        assert!(counts.contains(&2));
    }

    #[test]
    fn a_new_hour_hands_back_the_finished_period() {
        let mut table = Aggregator::new(10);
        table.add(5, "ping", values(&[]));
        let finished = table.add(6, "ping", values(&[])).expect("period ended");
        assert_eq!(finished.len(), 1);
        assert_eq!(finished[0].0.hour, 5);
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn a_full_table_drops_and_counts_new_keys() {
        let mut table = Aggregator::new(2);
        for n in 0..10 {
            table.add(1, "ping", values(&[("n", PayloadValue::Count(n))]));
        }
        table.add(1, "ping", values(&[("n", PayloadValue::Count(0))]));
        assert_eq!(table.len(), 2);
        assert_eq!(table.dropped(), 8);
    }

    #[test]
    fn events_with_many_fields_spill_to_the_heap_and_still_match() {
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        let many: Vec<Item> = names
            .iter()
            .map(|name| (*name, PayloadValue::Label(name)))
            .collect();
        let (first, second) = (values(&many), values(&many));
        assert!(matches!(first, Values::Heap(_)));
        assert_eq!(first, second);
        assert_eq!(first.as_slice().len(), 10);
    }
}
