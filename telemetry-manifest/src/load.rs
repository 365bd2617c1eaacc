//! Loading `telemetry.yaml`: size and shape limits first, then YAML with spans.
//!
//! A manifest is untrusted input: it may come from a pull request. The loader
//! therefore refuses, before any parsing, anything over [`MAX_MANIFEST_BYTES`], and
//! parses with a budget on nesting depth, node count and alias expansion, so an alias
//! bomb or 100,000-deep nesting is a clear error in milliseconds, not a hang or an
//! out-of-memory abort.

use std::fmt;
use std::path::Path;

use crate::model::{ByteSpan, Located, Manifest, Policy};
use crate::text::lowercase_first;

/// The largest manifest accepted, in bytes: 8 MiB.
///
/// A manifest of 5,000 events of five fields each is about 4 MiB; anything far
/// larger is not a hand-written data dictionary.
pub const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;

/// The deepest nesting accepted. The format itself nests six levels deep
/// (`events` > event > `fields` > field > `values` > value).
pub const MAX_DEPTH: usize = 24;

/// The most YAML nodes (mappings, sequences and scalars) accepted: 500,000.
///
/// A manifest of 5,000 events of five fields each has about 200,000 nodes. The
/// bound also caps parse time: the macro parses inside the compiler, often in an
/// unoptimised build, where the parser spends a few microseconds a node.
pub const MAX_NODES: usize = 500_000;

/// The most nodes that aliases may replay in one manifest: 10,000. A manifest has
/// no need for aliases at all; a few are tolerated for shared field definitions.
/// Aliases may also repeat at most [`MAX_MANIFEST_BYTES`] of scalar text in all,
/// since every reader copies an alias's text each time it is used.
pub const MAX_ALIAS_REPLAY: usize = 10_000;

/// Why a manifest could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// What is wrong, lowercase, without trailing period.
    pub message: String,
    /// Where in the text, when known.
    pub span: Option<ByteSpan>,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        LoadError {
            message: message.into(),
            span: None,
            help: help.into(),
        }
    }
}

/// A manifest's text, decoded, with the parse result.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The text as read: UTF-8, byte-order mark removed. Spans index into it.
    pub source: String,
    /// The parsed manifest, or why it could not be parsed.
    pub manifest: Result<Manifest, LoadError>,
}

/// Reads and parses the manifest at `path`: [`read_path`], then [`parse_str`].
///
/// # Errors
/// The outer error is for a file that cannot be read as text at all (missing, a
/// directory, too large, not UTF-8); there is no source to point into. A YAML or
/// shape error comes back inside [`Loaded::manifest`], with the source.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let source = read_path(path)?;
    let manifest = parse_str(&source);
    Ok(Loaded { source, manifest })
}

/// Reads the manifest at `path` as text, without parsing it: UTF-8, byte-order mark
/// removed, at most [`MAX_MANIFEST_BYTES`]. A caller that parses the text more
/// than one way (the linter's JSON Schema check) starts from here.
///
/// # Errors
/// When the file is missing, a directory or not a regular file, cannot be read,
/// is too large or is not UTF-8.
pub fn read_path(path: &Path) -> Result<String, LoadError> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| {
        let help = if e.kind() == std::io::ErrorKind::NotFound {
            "create telemetry.yaml at the workspace root, or name the manifest's path"
        } else {
            "the path exists but cannot be followed or read: check its permissions, and that a symbolic link on it leads to a file and not back to itself"
        };
        LoadError::new(format!("cannot read the manifest `{shown}`: {e}"), help)
    })?;
    if metadata.is_dir() {
        return Err(LoadError::new(
            format!("the manifest `{shown}` is a directory, not a file"),
            "name the telemetry.yaml file itself, not the folder that holds it; if a folder is named telemetry.yaml, rename it",
        ));
    }
    if !metadata.is_file() {
        return Err(LoadError::new(
            format!("the manifest `{shown}` is not a regular file"),
            "name a telemetry.yaml file; a device, socket or pipe is not read",
        ));
    }
    if metadata.len() > MAX_MANIFEST_BYTES {
        return Err(too_large(metadata.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        LoadError::new(
            format!("cannot read the manifest `{shown}`: {e}"),
            "check the file's permissions",
        )
    })?;
    decode(&bytes)
}

/// Decodes and parses manifest bytes (see [`load_path`]).
///
/// # Errors
/// When the bytes are too many or not UTF-8.
pub fn load_bytes(bytes: &[u8]) -> Result<Loaded, LoadError> {
    let source = decode(bytes)?;
    let manifest = parse_str(&source);
    Ok(Loaded { source, manifest })
}

/// Manifest bytes as text: at most [`MAX_MANIFEST_BYTES`], UTF-8, byte-order mark
/// removed.
fn decode(bytes: &[u8]) -> Result<String, LoadError> {
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let all = bytes;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        // Placed in the message, in the file's own terms: there is no decoded text
        // for a span to index into.
        let offset = e.valid_up_to() + (all.len() - bytes.len());
        not_utf8(all, offset)
    })?;
    Ok(text.to_owned())
}

/// The error for bytes that are not UTF-8 at `offset` of the file `all`: the line,
/// the column (in characters of the valid text before it) and the byte itself.
fn not_utf8(all: &[u8], offset: usize) -> LoadError {
    let (line, column) = crate::text::line_column_of_byte(all, offset);
    let byte = all
        .get(offset)
        .map_or_else(String::new, |b| format!("byte 0x{b:02x} "));
    LoadError::new(
        format!(
            "the manifest is not valid UTF-8: {byte}at line {line}, column {column} (byte offset {offset}) is not part of a UTF-8 character"
        ),
        "save telemetry.yaml as UTF-8; a file saved as Latin-1 or Windows-1252 (an accented letter in a description, say) is the usual cause",
    )
}

/// A shared policy file's text, decoded, with the parse result.
#[derive(Clone, Debug)]
pub struct LoadedPolicy {
    /// The text as read: UTF-8, byte-order mark removed. Spans index into it.
    pub source: String,
    /// The parsed policy, or why it could not be parsed.
    pub policy: Result<Located<Policy>, LoadError>,
}

/// Reads and parses a shared policy file (a manifest's `policy_file`): a YAML
/// mapping with the keys of the manifest's `policy` section, under the same limits
/// as a manifest (size, depth, nodes, aliases, duplicate and unknown keys).
///
/// # Errors
/// The outer error is for a file that cannot be read as text at all (missing, a
/// directory, over [`MAX_MANIFEST_BYTES`], not UTF-8). A YAML or shape error comes
/// back inside [`LoadedPolicy::policy`], with the source to point into.
pub fn load_policy_path(path: &Path) -> Result<LoadedPolicy, LoadError> {
    let shown = path.display();
    let unreadable = |e: std::io::Error| {
        LoadError::new(
            format!("cannot read the policy file `{shown}`: {e}"),
            "check `policy_file` in the manifest: the path is relative to the manifest's folder",
        )
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(LoadError::new(
            format!("the policy file `{shown}` is a directory"),
            "name the policy's YAML file itself in `policy_file`",
        ));
    }
    if metadata.len() > MAX_MANIFEST_BYTES {
        return Err(too_large(metadata.len()));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError {
        message: format!(
            "the policy file `{shown}` is not valid UTF-8: invalid byte at offset {}",
            e.valid_up_to()
        ),
        span: Some(ByteSpan::new(e.valid_up_to(), 0)),
        help: "save the policy file as UTF-8".to_owned(),
    })?;
    let source = text.to_owned();
    let policy = parse_value::<Located<Policy>>(&source).map_err(|mut e| {
        e.message = e
            .message
            .replacen("invalid manifest", "invalid policy file", 1)
            .replacen("the manifest", "the policy file", 1);
        e
    });
    Ok(LoadedPolicy { source, policy })
}

fn too_large(len: u64) -> LoadError {
    LoadError::new(
        format!("the manifest is {len} bytes; the limit is {MAX_MANIFEST_BYTES} bytes (8 MiB)"),
        "a manifest is a hand-kept data dictionary; split generated content out of it",
    )
}

/// Parses manifest text that is already in memory.
///
/// # Errors
/// Any YAML syntax error, budget breach (depth, node count, aliases), duplicate
/// key, unknown key, missing key or value of the wrong shape, with its span.
pub fn parse_str(text: &str) -> Result<Manifest, LoadError> {
    Document::parse(text)?.manifest()
}

/// Parses manifest text into any serde type (such as `serde_json::Value`, for a
/// JSON Schema check) with exactly the loader's limits and YAML settings (see
/// [`Document`]).
///
/// # Errors
/// As [`parse_str`].
pub fn parse_value<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, LoadError> {
    Document::parse(text)?.read()
}

/// A manifest's YAML, parsed once, that every reading of it starts from: the
/// model ([`Document::manifest`]) and the plain values a JSON Schema check reads
/// ([`Document::read`] into `serde_json::Value`).
///
/// The parse runs under the loader's budget ([`MAX_DEPTH`], [`MAX_NODES`],
/// [`MAX_ALIAS_REPLAY`]), takes one document, rejects duplicate keys and resolves
/// plain scalars by the YAML 1.2 core schema, so `on` and `yes` stay text and
/// `since: 1.0` is the text `1.0` to the model but a number to the schema.
#[derive(Clone, Debug)]
pub struct Document {
    root: crate::yaml::Node,
}

impl Document {
    /// Parses manifest text.
    ///
    /// # Errors
    /// When the text is over [`MAX_MANIFEST_BYTES`], empty or only comments, not
    /// YAML, breaches the budget, holds more than one document or a duplicate key.
    pub fn parse(text: &str) -> Result<Document, LoadError> {
        if text.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(too_large(text.len() as u64));
        }
        let empty = || {
            LoadError::new(
                "the manifest is empty",
                "start from `version: 1`, a `project` section and an `events` section",
            )
        };
        if text.trim().is_empty() {
            return Err(empty());
        }
        let limits = crate::yaml::Limits {
            depth: MAX_DEPTH,
            nodes: MAX_NODES,
            alias_replay: MAX_ALIAS_REPLAY,
            alias_replay_bytes: MAX_MANIFEST_BYTES as usize,
        };
        match crate::yaml::parse(text, limits) {
            Ok(Some(root)) => Ok(Document { root }),
            Ok(None) => Err(LoadError {
                message: "the manifest is empty: it holds only comments".to_owned(),
                ..empty()
            }),
            Err(error) => Err(convert(error)),
        }
    }

    /// The manifest model, with the span of every value.
    ///
    /// # Errors
    /// An unknown or missing key, or a value of the wrong shape, with its span.
    pub fn manifest(&self) -> Result<Manifest, LoadError> {
        self.read()
    }

    /// The document read into any serde type.
    ///
    /// # Errors
    /// As [`Document::manifest`], for the shape of `T`.
    pub fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, LoadError> {
        T::deserialize(crate::yaml::NodeDeserializer(&self.root)).map_err(convert)
    }
}

fn convert(error: crate::yaml::Error) -> LoadError {
    let message = lowercase_first(error.message.trim().trim_end_matches('.'));
    let help = help_for(&message);
    LoadError {
        message: format!("invalid manifest: {message}"),
        span: error.span,
        help,
    }
}

fn help_for(message: &str) -> String {
    let lower = message.to_lowercase();
    let help = if lower.contains("duplicate") {
        "each key may appear once in a mapping; merge or rename the duplicate"
    } else if lower.contains("unknown field") {
        "remove the key or fix its spelling; the schema in schemas/telemetry-manifest.schema.json lists every key"
    } else if lower.contains("unknown variant") {
        "use one of the listed words"
    } else if lower.contains("missing field") {
        "add the missing key"
    } else if ["budget", "alias", "depth", "nesting", "recursion"]
        .iter()
        .any(|word| lower.contains(word))
    {
        "a manifest needs neither deep nesting nor alias expansion; write the events out plainly"
    } else if lower.contains("found nothing") || lower.contains("reads as null") {
        "write the text after the key; to mean the word `null` or `~` itself, quote it"
    } else if lower.contains("expected a string") {
        "a single word or line of text belongs here, not a list, a mapping or an alias to one"
    } else if lower.contains("expected a mapping") || lower.contains("expected struct") {
        "a mapping (`key: value` lines, or `{ key: value }`) belongs here"
    } else if lower.contains("expected a sequence") {
        "a list (`[a, b]`, or `- a` lines) belongs here"
    } else {
        "fix the YAML at the marked place"
    };
    help.to_owned()
}

/// The 1-based line and column (in characters) of a byte offset in `text`. To
/// place many offsets in one text, build its [`Lines`] once.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    Lines::new(text).line_column(text, offset)
}

/// Where each line of a text starts, to turn many byte offsets into lines and
/// columns without reading the text from its start each time: a diagnostic for
/// each of 5,000 events would otherwise read a 4 MB manifest 5,000 times.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    /// The byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl Lines {
    /// The index of `text`'s lines.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The 1-based line and column (in characters) of a byte offset in `text`,
    /// the text this index was built from; an offset past the end is the end.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0).min(offset);
        let column = text.get(start..offset).map_or(0, |t| t.chars().count()) + 1;
        (line, column)
    }
}
