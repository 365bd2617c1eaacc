//! The manifest's YAML, parsed once into a tree with the span of every node, and
//! read from that tree into any serde type: the model ([`crate::Manifest`], whose
//! [`Located`](crate::Located) values take their spans from it) and the plain
//! YAML values a JSON Schema check reads (`serde_json::Value`).
//!
//! The YAML itself is parsed by `granit-parser`'s event parser; this module turns
//! its events into the tree under the loader's budget (nesting depth, nodes, nodes
//! replayed by aliases), rejects duplicate keys and second documents, and resolves
//! plain scalars by the YAML 1.2 core schema
//! (<https://yaml.org/spec/1.2.2/#1032-tag-resolution>): `null`, `~` and nothing
//! are null, `true` and `false` are booleans (`yes`, `on` stay text), decimal,
//! `0o` octal and `0x` hexadecimal integers and decimal floats are numbers, and
//! everything else, like every quoted or block scalar, is text. A scalar read
//! into a string is its text however it was written, so `since: 1.0` is the text
//! `1.0` to the model and the number 1 to the schema: one parse serves both.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use granit_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};

use crate::model::ByteSpan;

/// The name under which [`crate::Located`] asks for a node's span: the
/// deserializer of this module answers it with a sequence of the node's offset
/// and length in bytes and the node itself; any other deserializer sees a
/// newtype struct.
pub(crate) const LOCATED: &str = "$telemetry_manifest::Located";

/// One YAML node: a scalar, a sequence or a mapping, with where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    span: ByteSpan,
    value: Value,
}

/// A node's content. Sequences and mappings are shared (`Arc`), so an anchor is
/// kept and an alias repeats it at the cost of a pointer, however large the node;
/// a scalar's text is copied, within the budget of text aliases may repeat.
#[derive(Clone, Debug)]
enum Value {
    /// The text after escapes are processed; `plain` when the core schema
    /// resolves it: written without quotes, or tagged `!!int`, `!!float`,
    /// `!!bool` or `!!null`.
    Scalar {
        text: String,
        plain: bool,
    },
    Sequence(Arc<Vec<Node>>),
    Mapping(Arc<Vec<(Node, Node)>>),
}

/// What a plain scalar means under the YAML 1.2 core schema.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text,
}

/// The core schema's reading of a scalar's text (see the module documentation).
fn resolve(text: &str, plain: bool) -> Resolved {
    if !plain {
        return Resolved::Text;
    }
    if is_null(text, plain) {
        return Resolved::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    if let Some(digits) = text.strip_prefix("0o") {
        return radix(digits, 8);
    }
    if let Some(digits) = text.strip_prefix("0x") {
        return radix(digits, 16);
    }
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return match (negative, text.parse::<u64>(), text.parse::<i64>()) {
            (false, Ok(n), _) => Resolved::Unsigned(n),
            (true, _, Ok(n)) => Resolved::Signed(n),
            // Beyond 64 bits: still a number to the core schema.
            _ => text.parse::<f64>().map_or(Resolved::Text, Resolved::Float),
        };
    }
    if is_decimal_float(unsigned) {
        return text.parse::<f64>().map_or(Resolved::Text, Resolved::Float);
    }
    Resolved::Text
}

/// Whether a scalar is the core schema's null: plain and empty, `~` or `null`.
fn is_null(text: &str, plain: bool) -> bool {
    plain && matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn radix(digits: &str, radix: u32) -> Resolved {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Resolved::Text;
    }
    u64::from_str_radix(digits, radix).map_or(Resolved::Text, Resolved::Unsigned)
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema's float
/// without its sign.
fn is_decimal_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok && (mantissa.contains('.') || exponent.is_some())
}

/// A YAML or shape problem, with the span of the node at fault when known.
#[derive(Clone, Debug)]
pub(crate) struct Error {
    pub(crate) message: String,
    pub(crate) span: Option<ByteSpan>,
}

impl Error {
    fn new(message: impl Into<String>, span: ByteSpan) -> Self {
        Error {
            message: message.into(),
            span: Some(span),
        }
    }

    /// Places an error raised without a span (by a serde visitor) on `span`.
    fn at(mut self, span: ByteSpan) -> Self {
        self.span.get_or_insert(span);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error {
            message: message.to_string(),
            span: None,
        }
    }
}

/// The budget a parse runs under (see [`crate::MAX_DEPTH`] and its neighbours).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The deepest nesting of sequences and mappings.
    pub(crate) depth: usize,
    /// The most nodes written in the text.
    pub(crate) nodes: usize,
    /// The most nodes that aliases may repeat, in all.
    pub(crate) alias_replay: usize,
    /// The most bytes of scalar text that aliases may repeat, in all: readers
    /// copy an alias's text each time it is used.
    pub(crate) alias_replay_bytes: usize,
}

/// Parses one YAML document into its tree; `Ok(None)` when the text holds no
/// node at all (only comments).
pub(crate) fn parse(text: &str, limits: Limits) -> Result<Option<Node>, Error> {
    let mut options = granit_parser::Options::default();
    options.set_emit_comments(false);
    // The scanner reads a whole flow collection ahead (it might be a key), so
    // its own bound on flow nesting is what stops `[[[[...` early.
    options.flow_nesting_limit = limits.depth;
    let mut builder = Builder {
        events: Parser::new_from_str_with_options(text, options),
        anchors: HashMap::new(),
        nodes: 0,
        text_bytes: 0,
        replayed: 0,
        replayed_bytes: 0,
        limits,
        end: ByteSpan::new(text.len(), 0),
    };
    builder.document()
}

struct Builder<'a> {
    events: Parser<'a, granit_parser::StrInput<'a>>,
    /// Each anchored node, with the number of nodes and of bytes of scalar text
    /// it stands for.
    anchors: HashMap<usize, (Node, usize, usize)>,
    nodes: usize,
    /// The bytes of scalar text read, replays included.
    text_bytes: usize,
    replayed: usize,
    replayed_bytes: usize,
    limits: Limits,
    /// The end of the text, where an error without a place points.
    end: ByteSpan,
}

fn byte_span(span: &Span) -> ByteSpan {
    match (span.start.byte_offset(), span.end.byte_offset()) {
        (Some(start), Some(end)) => ByteSpan::new(start, end.saturating_sub(start)),
        (Some(start), None) => ByteSpan::new(start, 0),
        _ => ByteSpan::default(),
    }
}

impl<'a> Builder<'a> {
    /// The next event that is part of the document's structure (comments and
    /// anchor names are presentation).
    fn next(&mut self) -> Result<(Event<'a>, ByteSpan), Error> {
        loop {
            match self.events.next() {
                None => return Err(Error::new("unexpected end of input", self.end)),
                Some(Err(error)) => {
                    let marker = error.marker();
                    let span = ByteSpan::new(marker.byte_offset().unwrap_or(self.end.offset), 0);
                    let info = error.info();
                    let message = if info.is_empty() {
                        "the YAML is malformed".to_owned()
                    } else if info.contains("recursion limit") {
                        // The scanner's bound on flow nesting, set to ours.
                        format!(
                            "budget breached: nesting depth over {} levels",
                            self.limits.depth
                        )
                    } else {
                        info
                    };
                    return Err(Error::new(message, span));
                }
                Some(Ok((event, span))) => match event {
                    Event::StreamStart
                    | Event::StreamEnd
                    | Event::DocumentStart(..)
                    | Event::DocumentEnd
                    | Event::Alias(_)
                    | Event::Scalar(..)
                    | Event::SequenceStart(..)
                    | Event::SequenceEnd
                    | Event::MappingStart(..)
                    | Event::MappingEnd => return Ok((event, byte_span(&span))),
                    _ => {}
                },
            }
        }
    }

    fn document(&mut self) -> Result<Option<Node>, Error> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd => {}
                Event::StreamEnd => return Ok(root),
                Event::DocumentStart(..) if root.is_some() => {
                    return Err(Error::new(
                        "the manifest holds more than one YAML document",
                        span,
                    ));
                }
                Event::DocumentStart(..) => {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::DocumentEnd) {
                        continue;
                    }
                    root = Some(self.node(event, span, 0)?);
                }
                _ => return Err(Error::new("unexpected YAML outside a document", span)),
            }
        }
    }

    fn count(&mut self, span: ByteSpan) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > self.limits.nodes {
            return Err(Error::new(
                format!(
                    "budget breached: more than {} YAML nodes",
                    self.limits.nodes
                ),
                span,
            ));
        }
        Ok(())
    }

    fn nest(&self, depth: usize, span: ByteSpan) -> Result<(), Error> {
        if depth >= self.limits.depth {
            return Err(Error::new(
                format!(
                    "budget breached: nesting depth over {} levels",
                    self.limits.depth
                ),
                span,
            ));
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, span: ByteSpan, depth: usize) -> Result<Node, Error> {
        let before = (self.nodes + self.replayed, self.text_bytes);
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.count(span)?;
                let plain = match &tag {
                    None => matches!(style, ScalarStyle::Plain),
                    Some(tag) => ["int", "float", "bool", "null"]
                        .iter()
                        .any(|core| tag.is_yaml_core_schema_tag(core)),
                };
                self.text_bytes += text.len();
                let text = text.into_owned();
                (Value::Scalar { text, plain }, anchor)
            }
            Event::SequenceStart(_, anchor, _) => {
                self.count(span)?;
                self.nest(depth, span)?;
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, span, depth + 1)?);
                }
                (Value::Sequence(Arc::new(items)), anchor)
            }
            Event::MappingStart(_, anchor, _) => {
                self.count(span)?;
                self.nest(depth, span)?;
                let mut entries = Vec::new();
                loop {
                    let (event, key_span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(event, key_span, depth + 1)?;
                    let (event, value_span) = self.next()?;
                    let value = self.node(event, value_span, depth + 1)?;
                    entries.push((key, value));
                }
                let entries = merged(entries)?;
                (Value::Mapping(Arc::new(entries)), anchor)
            }
            Event::Alias(id) => {
                let Some((node, size, bytes)) = self.anchors.get(&id) else {
                    return Err(Error::new(
                        "an alias refers to no anchor defined before it, or to the node it sits in",
                        span,
                    ));
                };
                self.replayed += size;
                self.replayed_bytes += bytes;
                if self.replayed > self.limits.alias_replay
                    || self.replayed_bytes > self.limits.alias_replay_bytes
                {
                    return Err(Error::new(
                        format!(
                            "alias replay limit exceeded: aliases repeat more than {} nodes or {} bytes of text",
                            self.limits.alias_replay, self.limits.alias_replay_bytes
                        ),
                        span,
                    ));
                }
                self.text_bytes += bytes;
                // Placed where it is used, as a diagnostic about it should be.
                let mut node = node.clone();
                node.span = span;
                return Ok(node);
            }
            _ => return Err(Error::new("unexpected YAML event", span)),
        };
        let node = Node { span, value };
        if anchor != 0 {
            let size = self.nodes + self.replayed - before.0;
            let bytes = self.text_bytes - before.1;
            self.anchors.insert(anchor, (node.clone(), size, bytes));
        }
        Ok(node)
    }
}

/// A mapping's entry: its key and its value.
type Entry = (Node, Node);

/// The text of a scalar key.
fn key_text(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

/// A mapping's entries with its merge keys applied (`<<: *defaults`, or a list of
/// aliases, as YAML 1.1's merge key type describes:
/// <https://yaml.org/type/merge.html>): each merged mapping's keys are added
/// unless the mapping sets them itself or an earlier merged mapping did.
/// Duplicate keys written in the mapping itself are rejected first.
fn merged(entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, Error> {
    let is_merge =
        |key: &Node| matches!(&key.value, Value::Scalar { text, plain: true } if &**text == "<<");
    if !entries.iter().any(|(key, _)| is_merge(key)) {
        no_duplicate_keys(&entries)?;
        return Ok(entries);
    }
    let (merges, mut own): (Vec<Entry>, Vec<Entry>) =
        entries.into_iter().partition(|(key, _)| is_merge(key));
    no_duplicate_keys(&own)?;
    let not_a_mapping = |span| {
        Error::new(
            "a merge key (`<<`) takes a mapping, or a list of mappings, to merge",
            span,
        )
    };
    let mut sources: Vec<&Arc<Vec<(Node, Node)>>> = Vec::new();
    for (_, value) in &merges {
        match &value.value {
            Value::Mapping(entries) => sources.push(entries),
            Value::Sequence(items) => {
                for item in items.iter() {
                    match &item.value {
                        Value::Mapping(entries) => sources.push(entries),
                        _ => return Err(not_a_mapping(item.span)),
                    }
                }
            }
            Value::Scalar { .. } => return Err(not_a_mapping(value.span)),
        }
    }
    let mut seen: std::collections::HashSet<String> = own
        .iter()
        .filter_map(|(key, _)| match &key.value {
            Value::Scalar { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let mut merged = Vec::new();
    for source in sources {
        for (key, value) in source.iter() {
            let fresh = match &key.value {
                Value::Scalar { text, .. } => seen.insert(text.clone()),
                _ => true,
            };
            if fresh {
                merged.push((key.clone(), value.clone()));
            }
        }
    }
    own.extend(merged);
    Ok(own)
}

/// Rejects a mapping that has a scalar key twice, at the second one.
fn no_duplicate_keys(entries: &[(Node, Node)]) -> Result<(), Error> {
    let key = key_text;
    let duplicate = |index: usize| {
        let node = &entries[index].0;
        Error::new(
            format!("duplicate mapping key: {}", key(node).unwrap_or_default()),
            node.span,
        )
    };
    if entries.len() <= 8 {
        for (i, (a, _)) in entries.iter().enumerate() {
            if key(a).is_some() && entries[..i].iter().any(|(b, _)| key(b) == key(a)) {
                return Err(duplicate(i));
            }
        }
        return Ok(());
    }
    let mut keys: Vec<(&str, usize)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, (k, _))| key(k).map(|k| (k, i)))
        .collect();
    keys.sort_unstable();
    let first_repeat = keys
        .windows(2)
        .filter(|pair| pair[0].0 == pair[1].0)
        .map(|pair| pair[1].1)
        .min();
    match first_repeat {
        Some(index) => Err(duplicate(index)),
        None => Ok(()),
    }
}

/// Reads a node into a serde type; errors raised by the type's visitors are
/// placed on the node they were raised for.
pub(crate) struct NodeDeserializer<'n>(pub(crate) &'n Node);

impl NodeDeserializer<'_> {
    fn unexpected(&self) -> Unexpected<'_> {
        match &self.0.value {
            Value::Scalar { text, plain } => match resolve(text, *plain) {
                Resolved::Null => Unexpected::Unit,
                Resolved::Bool(b) => Unexpected::Bool(b),
                Resolved::Unsigned(n) => Unexpected::Unsigned(n),
                Resolved::Signed(n) => Unexpected::Signed(n),
                Resolved::Float(n) => Unexpected::Float(n),
                Resolved::Text => Unexpected::Str(text),
            },
            Value::Sequence(_) => Unexpected::Seq,
            Value::Mapping(_) => Unexpected::Map,
        }
    }

    fn invalid<V>(&self, expected: &dyn de::Expected) -> Result<V, Error> {
        Err(<Error as de::Error>::invalid_type(self.unexpected(), expected).at(self.0.span))
    }

    fn resolved(&self) -> Option<Resolved> {
        match &self.0.value {
            Value::Scalar { text, plain } => Some(resolve(text, *plain)),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(&self.0.value, Value::Scalar { text, plain } if is_null(text, *plain))
    }

    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let span = self.0.span;
        match self.resolved() {
            Some(Resolved::Unsigned(n)) => visitor.visit_u64(n),
            Some(Resolved::Signed(n)) => visitor.visit_i64(n),
            _ => self.invalid(&visitor),
        }
        .map_err(|e| e.at(span))
    }
}

/// Serde's visitors finish with the node's span on their errors.
macro_rules! integers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.integer(visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let span = self.0.span;
        match &self.0.value {
            Value::Scalar { text, plain } => match resolve(text, *plain) {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(b) => visitor.visit_bool(b),
                Resolved::Unsigned(n) => visitor.visit_u64(n),
                Resolved::Signed(n) => visitor.visit_i64(n),
                Resolved::Float(n) => visitor.visit_f64(n),
                Resolved::Text => visitor.visit_str(text),
            },
            Value::Sequence(items) => visitor.visit_seq(Items {
                items: items.iter(),
            }),
            Value::Mapping(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
        }
        .map_err(|e| e.at(span))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.resolved() {
            Some(Resolved::Bool(b)) => visitor.visit_bool(b).map_err(|e: Error| e.at(self.0.span)),
            _ => self.invalid(&visitor),
        }
    }

    integers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let span = self.0.span;
        match self.resolved() {
            Some(Resolved::Float(n)) => visitor.visit_f64(n),
            Some(Resolved::Unsigned(n)) => visitor.visit_u64(n),
            Some(Resolved::Signed(n)) => visitor.visit_i64(n),
            _ => self.invalid(&visitor),
        }
        .map_err(|e| e.at(span))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// Any scalar reads as the text written (`1.0`, `on`), except null: a key
    /// with nothing after it, or `~` or `null` unquoted, is not text.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Scalar { text, plain } if is_null(text, *plain) => {
                // An empty value has no length in the text (the parser calls it `~`).
                let found = if text.is_empty() || self.0.span.len == 0 {
                    "nothing".to_owned()
                } else {
                    format!("`{text}`, which YAML reads as null")
                };
                Err(Error::new(
                    format!("expected a string, found {found}"),
                    self.0.span,
                ))
            }
            Value::Scalar { text, .. } => visitor
                .visit_str(text)
                .map_err(|e: Error| e.at(self.0.span)),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.invalid(&visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.invalid(&visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            visitor.visit_unit()
        } else {
            self.invalid(&visitor)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == LOCATED {
            return visitor.visit_seq(Spanned {
                node: self.0,
                next: 0,
            });
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Sequence(items) => visitor
                .visit_seq(Items {
                    items: items.iter(),
                })
                .map_err(|e| e.at(self.0.span)),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Mapping(entries) => visitor
                .visit_map(Entries {
                    entries: entries.iter(),
                    value: None,
                })
                .map_err(|e| e.at(self.0.span)),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.value {
            // A unit variant is written as its name.
            Value::Scalar { text, .. } => visitor
                .visit_enum((&**text).into_deserializer())
                .map_err(|e: Error| e.at(self.0.span)),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct Items<'n> {
    items: std::slice::Iter<'n, Node>,
}

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            Some(node) => seed
                .deserialize(NodeDeserializer(node))
                .map(Some)
                .map_err(|e| e.at(node.span)),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'n> {
    entries: std::slice::Iter<'n, (Node, Node)>,
    value: Option<&'n Node>,
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(NodeDeserializer(key))
                    .map(Some)
                    .map_err(|e| e.at(key.span))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(node) => seed
                .deserialize(NodeDeserializer(node))
                .map_err(|e| e.at(node.span)),
            None => Err(de::Error::custom("a mapping value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The sequence that answers [`LOCATED`]: the node's offset and length in bytes,
/// then the node itself.
struct Spanned<'n> {
    node: &'n Node,
    next: usize,
}

impl<'de> de::SeqAccess<'de> for Spanned<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let index = self.next;
        self.next += 1;
        let span = self.node.span;
        match index {
            0 => seed
                .deserialize((span.offset as u64).into_deserializer())
                .map(Some),
            1 => seed
                .deserialize((span.len as u64).into_deserializer())
                .map(Some),
            2 => seed
                .deserialize(NodeDeserializer(self.node))
                .map(Some)
                .map_err(|e| e.at(span)),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        let cases = [
            ("", Resolved::Null),
            ("~", Resolved::Null),
            ("NULL", Resolved::Null),
            ("true", Resolved::Bool(true)),
            ("False", Resolved::Bool(false)),
            ("yes", Resolved::Text),
            ("on", Resolved::Text),
            ("0", Resolved::Unsigned(0)),
            ("42", Resolved::Unsigned(42)),
            ("+42", Resolved::Unsigned(42)),
            ("-42", Resolved::Signed(-42)),
            ("0o17", Resolved::Unsigned(15)),
            ("0x1F", Resolved::Unsigned(31)),
            ("1.0", Resolved::Float(1.0)),
            ("-.5", Resolved::Float(-0.5)),
            ("1e3", Resolved::Float(1000.0)),
            ("2.5E-1", Resolved::Float(0.25)),
            (".inf", Resolved::Float(f64::INFINITY)),
            ("1.0.0", Resolved::Text),
            ("2027-12-31", Resolved::Text),
            ("0x", Resolved::Text),
            ("0x+1", Resolved::Text),
            ("0o+7", Resolved::Text),
            ("0o8", Resolved::Text),
            (".", Resolved::Text),
            ("1e", Resolved::Text),
            ("e3", Resolved::Text),
        ];
        for (text, expected) in cases {
            assert_eq!(resolve(text, true), expected, "{text:?}");
            assert_eq!(resolve(text, false), Resolved::Text, "{text:?}");
        }
        assert!(matches!(resolve(".nan", true), Resolved::Float(n) if n.is_nan()));
    }

    const LIMITS: Limits = Limits {
        depth: 24,
        nodes: 500_000,
        alias_replay: 10_000,
        alias_replay_bytes: 1_000,
    };

    fn json(text: &str) -> Result<serde_json::Value, Error> {
        let root = parse(text, LIMITS)?.expect("a document");
        serde::Deserialize::deserialize(NodeDeserializer(&root))
    }

    #[test]
    fn merge_keys_add_what_the_mapping_does_not_set() {
        let value = json(
            "base: &base { a: 1, b: 2 }\nmore: &more { c: 3, a: 9 }\nx:\n  <<: [*base, *more]\n  b: 5\n",
        )
        .unwrap();
        assert_eq!(value["x"], serde_json::json!({ "a": 1, "b": 5, "c": 3 }));
        let error = json("x:\n  <<: 1\n").unwrap_err();
        assert!(error.message.contains("merge key"), "{error}");
    }

    #[test]
    fn null_is_not_text() {
        #[derive(serde::Deserialize, Debug)]
        struct Named {
            #[allow(dead_code)]
            name: String,
        }
        for (text, found) in [
            ("name:\n", "found nothing"),
            ("name: ~\n", "reads as null"),
            ("name: null\n", "reads as null"),
        ] {
            let root = parse(text, LIMITS).unwrap().unwrap();
            let error =
                <Named as serde::Deserialize>::deserialize(NodeDeserializer(&root)).unwrap_err();
            assert!(error.message.contains(found), "{text:?}: {error}");
        }
        let root = parse("name: 'null'\n", LIMITS).unwrap().unwrap();
        let named: Named = serde::Deserialize::deserialize(NodeDeserializer(&root)).unwrap();
        assert_eq!(named.name, "null");
    }

    #[test]
    fn tags_decide_how_a_scalar_resolves() {
        let value = json("a: !!str 1\nb: !!int '5'\nc: ! 1.0\nd: '1'\n").unwrap();
        assert_eq!(
            value,
            serde_json::json!({ "a": "1", "b": 5, "c": "1.0", "d": "1" })
        );
    }

    #[test]
    fn aliases_repeat_a_bounded_amount_of_text() {
        let long = "x".repeat(400);
        let ok = json(&format!("a: &a {long}\nb: [*a, *a]\n"));
        assert!(ok.is_ok(), "{ok:?}");
        let error = json(&format!("a: &a {long}\nb: [*a, *a, *a]\n")).unwrap_err();
        assert!(error.message.contains("alias replay limit"), "{error}");
    }

    #[test]
    fn an_alias_shares_its_anchor_instead_of_copying_it() {
        // Copied, `&a0 [&a1 [... [0, 0, ...]]]` would copy the innermost list once
        // per enclosing anchor; shared, an anchor or an alias costs a pointer.
        let root = parse("x: &a [1, 2]\ny: *a\n", LIMITS).unwrap().unwrap();
        let Value::Mapping(entries) = &root.value else {
            panic!("a mapping")
        };
        let (Value::Sequence(x), Value::Sequence(y)) = (&entries[0].1.value, &entries[1].1.value)
        else {
            panic!("two sequences")
        };
        assert!(Arc::ptr_eq(x, y));
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_refused() {
        let error = json("a: &a [*a]\n").unwrap_err();
        assert!(error.message.contains("the node it sits in"), "{error}");
    }
}
