//! The kept answers: per event, field and true value, the randomized answer sent
//! for it, in the `telemetry-noise` file of the configuration directory.
//!
//! The file is JSON, written atomically each time a new answer is drawn (at most
//! once per value of each noised field, ever):
//!
//! ```json
//! {"version":1,"fields":{"command_finished.command":{"mechanism":"randomized_response/1000/build,test","answers":{"0":1}}}}
//! ```
//!
//! `mechanism` names the mechanism, ε in thousandths and the domain (the values,
//! or the `max` of a count). When the manifest changes any of them, the field's
//! answers no longer fit and are drawn again. A file that cannot be read or
//! parsed is a problem for debug mode, and its answers are lost.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::{FieldMeta, Noise};

use super::super::store::write_atomic;

/// One field's kept answers.
#[derive(Clone, Debug, Default)]
struct Answers {
    /// The mechanism, ε and domain the answers were drawn for.
    mechanism: String,
    /// True position -> answer.
    answers: HashMap<i64, i64>,
}

/// The kept answers of every noised field.
#[derive(Debug)]
pub(super) struct Memo {
    path: Option<PathBuf>,
    /// The fields met in this run.
    live: HashMap<(&'static str, &'static str), Answers>,
    /// The fields read from the file and not yet met, by `event.field`.
    stored: HashMap<String, Answers>,
}

/// What identifies the answers of `field`: mechanism, ε and domain.
fn mechanism_of(field: &FieldMeta) -> String {
    match field.noise {
        Noise::None => String::new(),
        Noise::RandomizedResponse { epsilon_milli } => {
            format!(
                "randomized_response/{epsilon_milli}/{}",
                field.values.join(",")
            )
        }
        Noise::Geometric { epsilon_milli } => {
            format!("geometric/{epsilon_milli}/{}", field.max.unwrap_or(0))
        }
    }
}

impl Memo {
    /// The answers kept at `path`; none when there is no path or no file yet. A
    /// problem reading the file is returned for debug mode.
    pub(super) fn load(path: Option<PathBuf>) -> (Memo, Option<String>) {
        let mut memo = Memo {
            path,
            live: HashMap::new(),
            stored: HashMap::new(),
        };
        let Some(path) = &memo.path else {
            return (memo, None);
        };
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return (memo, None),
            Err(error) => {
                let problem = format!(
                    "cannot read the kept noisy answers in {}: {error}; new answers are drawn",
                    path.display()
                );
                return (memo, Some(problem));
            }
        };
        let parsed: Option<Map<String, Value>> = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("fields").and_then(Value::as_object).cloned());
        let Some(fields) = parsed else {
            let problem = format!(
                "the kept noisy answers in {} are not readable JSON; new answers are drawn",
                path.display()
            );
            return (memo, Some(problem));
        };
        for (key, entry) in fields {
            let mechanism = entry
                .get("mechanism")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let answers = entry
                .get("answers")
                .and_then(Value::as_object)
                .map(|answers| {
                    answers
                        .iter()
                        .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_i64()?)))
                        .collect()
                })
                .unwrap_or_default();
            memo.stored.insert(key, Answers { mechanism, answers });
        }
        (memo, None)
    }

    /// The field's answers in this run, taken from the file when they fit.
    fn answers(&mut self, event: &'static str, field: &FieldMeta) -> &mut Answers {
        let stored = &mut self.stored;
        self.live.entry((event, field.name)).or_insert_with(|| {
            let mechanism = mechanism_of(field);
            match stored.remove(&format!("{event}.{}", field.name)) {
                Some(kept) if kept.mechanism == mechanism => kept,
                _ => Answers {
                    mechanism,
                    answers: HashMap::new(),
                },
            }
        })
    }

    /// The answer kept for `position` of `field` of `event`.
    pub(super) fn get(
        &mut self,
        event: &'static str,
        field: &FieldMeta,
        position: i64,
    ) -> Option<i64> {
        self.answers(event, field).answers.get(&position).copied()
    }

    /// Keeps `answer` for `position`, and writes the file.
    ///
    /// # Errors
    /// When there is no configuration directory or the file cannot be written;
    /// the answer is then not kept, and must not be sent.
    pub(super) fn insert(
        &mut self,
        event: &'static str,
        field: &FieldMeta,
        position: i64,
        answer: i64,
    ) -> Result<(), String> {
        let Some(path) = self.path.clone() else {
            return Err("no configuration directory to keep the noisy answers in; events with noised fields are not recorded".to_owned());
        };
        self.answers(event, field).answers.insert(position, answer);
        let text = self.to_json().to_string();
        write_atomic(&path, text.as_bytes()).map_err(|error| {
            self.answers(event, field).answers.remove(&position);
            format!(
                "cannot keep the noisy answers in {} ({error}); the event is not recorded",
                path.display()
            )
        })
    }

    /// The file's content: every field met in this run, and every field read from
    /// the file and not met, sorted by `event.field`.
    fn to_json(&self) -> Value {
        let mut entries: Vec<(String, &Answers)> = self
            .live
            .iter()
            .map(|((event, field), answers)| (format!("{event}.{field}"), answers))
            .chain(
                self.stored
                    .iter()
                    .map(|(key, answers)| (key.clone(), answers)),
            )
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut fields = Map::new();
        for (key, kept) in entries {
            let mut sorted: Vec<(&i64, &i64)> = kept.answers.iter().collect();
            sorted.sort();
            let answers: Map<String, Value> = sorted
                .into_iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect();
            let mut entry = Map::new();
            entry.insert("mechanism".to_owned(), Value::from(kept.mechanism.as_str()));
            entry.insert("answers".to_owned(), Value::Object(answers));
            fields.insert(key, Value::Object(entry));
        }
        let mut root = Map::new();
        root.insert("version".to_owned(), Value::from(1));
        root.insert("fields".to_owned(), Value::Object(fields));
        Value::Object(root)
    }
}
