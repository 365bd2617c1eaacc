//! The labelled corpus: how well `init` flags the risky fields of real telemetry.
//!
//! `fixtures/corpus/<crate>/labels.yaml` labels, by hand and by privacy meaning,
//! every field of the telemetry events of one published crate (`risky`, `safe` or
//! `not_sent`, with a reason from a closed list and a short why). The crate's code
//! is not in this repository: its `fixture` names a tiny workspace that pins the
//! crate with an exact version and a committed `Cargo.lock`, and
//! `cargo metadata --locked` downloads its source into cargo's registry cache and
//! says where it is (nothing is built).
//!
//! For each crate the labelled `files` are copied into a temporary directory, keeping
//! their paths, so `init` sees only them; then
//! `cargo-telemetry-lint init --all-structs --dry-run --format json <dirs>` runs
//! there. A labelled field is *flagged* when a rule's finding at level `error`
//! names it on its event, or its drafted field is left out under such a rule: a
//! privacy error. Warnings that are not rule findings (a type defined outside the
//! scanned sources, not inspected) do not count. Events are matched by their Rust
//! item (`struct`, `Enum::Variant` for an enum variant) against the label's `item`,
//! and fields by their Rust name (`rust_name`, which serde renames do not change). A second run without
//! `--dry-run` writes the draft, which must load with `telemetry_manifest`.
//!
//! The figures are recall (risky fields flagged), the false-alarm rate (safe fields
//! flagged), the items found, and the `not_sent` fields drafted (should be 0); per
//! crate and per reason. `telemetry-bench corpus` prints them; [`measure`] returns
//! them for a test.
//!
//! This file is self-contained (no `crate::` paths), so an integration test can
//! include it with `#[path = "../src/corpus.rs"] mod corpus;`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

/// The reasons a field may be labelled risky.
pub const RISKY_REASONS: &[&str] = &[
    "free_text",
    "path",
    "url",
    "address",
    "identifier",
    "timestamp",
    "precise_duration",
    "exact_size",
    "system_spec",
    "untyped_map",
    "raw_bytes",
    "unbounded_list",
    "opaque_payload",
];

/// The reasons a field may be labelled safe.
pub const SAFE_REASONS: &[&str] = &[
    "flag",
    "enum",
    "bucket",
    "bounded_count",
    "coarse_platform",
    "coarse_version",
    "ratio",
    "unit_marker",
];

/// One `labels.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// The crate's name on crates.io.
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// Its exact version.
    pub version: String,
    /// The directory (relative to the repository root) of the workspace that pins it.
    pub fixture: String,
    /// The crate's files (relative to its root) that hold the events.
    pub files: Vec<String>,
    /// Every event item, with every field labelled.
    pub events: Vec<Item>,
}

/// A labelled event item: a struct, or a variant of an enum of events.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The struct's name, or `Enum::Variant`.
    pub item: String,
    /// Its shape.
    pub shape: Shape,
    /// For a tuple variant, the struct it wraps (labelled as its own item).
    #[serde(default)]
    pub wraps: Option<String>,
    /// Every field, labelled.
    #[serde(default)]
    pub fields: Vec<LabelledField>,
}

/// The shape of an event item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `struct Name { .. }`, or a unit or empty struct.
    Struct,
    /// `Enum::Variant { .. }`.
    StructVariant,
    /// `Enum::Variant(Struct)`, which wraps a struct labelled on its own.
    TupleVariant,
    /// `Enum::Variant` with no fields.
    UnitVariant,
}

/// A field's label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Can carry or reveal personal data, or single out an installation.
    Risky,
    /// Coarse by construction.
    Safe,
    /// Never sent (`PhantomData`, `#[serde(skip)]`).
    NotSent,
}

impl Label {
    /// The label as written in `labels.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Risky => "risky",
            Label::Safe => "safe",
            Label::NotSent => "not_sent",
        }
    }
}

/// One labelled field.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledField {
    /// The Rust field name as written (not serde-renamed).
    pub name: String,
    /// Its label.
    pub label: Label,
    /// Why, as one word of [`RISKY_REASONS`] or [`SAFE_REASONS`] (`not_sent` for
    /// fields never sent).
    pub reason: String,
    /// Why, in a few words.
    pub why: String,
}

/// Reads and checks one `labels.yaml`.
///
/// # Errors
/// The file cannot be read or parsed, or breaks the format: an unknown reason, a
/// reason of the other label, a duplicate item or field, a tuple variant without
/// `wraps` or with fields, `wraps` naming no labelled item.
pub fn load_labels(path: &Path) -> Result<Labels, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let labels: Labels =
        serde_saphyr::from_str(&text).map_err(|e| format!("cannot parse {shown}: {e}"))?;
    let mut items = BTreeSet::new();
    for item in &labels.events {
        if !items.insert(item.item.as_str()) {
            return Err(format!("{shown}: item `{}` is labelled twice", item.item));
        }
    }
    for item in &labels.events {
        let name = &item.item;
        match (item.shape, &item.wraps) {
            (Shape::TupleVariant, None) => {
                return Err(format!("{shown}: tuple variant `{name}` has no `wraps`"));
            }
            (Shape::TupleVariant, Some(wraps)) if !items.contains(wraps.as_str()) => {
                return Err(format!(
                    "{shown}: `{name}` wraps `{wraps}`, which is not labelled"
                ));
            }
            (Shape::TupleVariant, Some(_)) if !item.fields.is_empty() => {
                return Err(format!(
                    "{shown}: tuple variant `{name}` lists fields; label the struct it wraps"
                ));
            }
            (shape, Some(_)) if shape != Shape::TupleVariant => {
                return Err(format!("{shown}: only a tuple variant wraps (`{name}`)"));
            }
            (Shape::StructVariant | Shape::TupleVariant | Shape::UnitVariant, _)
                if !name.contains("::") =>
            {
                return Err(format!("{shown}: variant `{name}` is not `Enum::Variant`"));
            }
            _ => {}
        }
        let mut fields = BTreeSet::new();
        for field in &item.fields {
            if !fields.insert(field.name.as_str()) {
                return Err(format!(
                    "{shown}: field `{}` of `{name}` is labelled twice",
                    field.name
                ));
            }
            if field.why.trim().is_empty() {
                return Err(format!(
                    "{shown}: field `{}` of `{name}` has no `why`",
                    field.name
                ));
            }
            let allowed: &[&str] = match field.label {
                Label::Risky => RISKY_REASONS,
                Label::Safe => SAFE_REASONS,
                Label::NotSent => &["not_sent"],
            };
            if !allowed.contains(&field.reason.as_str()) {
                return Err(format!(
                    "{shown}: field `{}` of `{name}`: `{}` is not a reason for `{}` (one of {})",
                    field.name,
                    field.reason,
                    field.label.as_str(),
                    allowed.join(", ")
                ));
            }
        }
    }
    Ok(labels)
}

/// Flagged out of total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Fields flagged (or, for `not_sent`, drafted).
    pub flagged: usize,
    /// Fields labelled.
    pub total: usize,
}

impl Tally {
    fn add(&mut self, flagged: bool) {
        self.total += 1;
        self.flagged += usize::from(flagged);
    }

    fn merge(&mut self, other: Tally) {
        self.total += other.total;
        self.flagged += other.flagged;
    }

    /// `flagged / total`, or `None` when nothing is labelled.
    pub fn rate(self) -> Option<f64> {
        (self.total > 0).then(|| self.flagged as f64 / self.total as f64)
    }
}

/// Whether `init`'s written draft loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Draft {
    /// It parses with `telemetry_manifest::load_path`, and `check` runs on it.
    Loads,
    /// It does not; why.
    Fails(String),
    /// `init` wrote no file.
    NotWritten,
}

/// The figures of one crate.
#[derive(Clone, Debug)]
pub struct CrateFigures {
    /// The crate's name.
    pub crate_name: String,
    /// Its version.
    pub version: String,
    /// Items labelled.
    pub items: usize,
    /// Items labelled that appear among `init`'s events.
    pub items_found: usize,
    /// Events `init` drafted, labelled or not.
    pub init_events: usize,
    /// Risky fields: flagged out of labelled.
    pub risky: Tally,
    /// Risky fields of the items found: flagged out of labelled.
    pub risky_in_found: Tally,
    /// Safe fields: flagged (false alarms) out of labelled.
    pub safe: Tally,
    /// `not_sent` fields: drafted out of labelled.
    pub not_sent: Tally,
    /// Whether the written draft loads.
    pub draft: Draft,
    /// Labelled items `init` did not report, as `Item (shape)`.
    pub missing_items: Vec<String>,
    /// Risky fields not flagged, as `Item.field (reason)`.
    pub misses: Vec<String>,
    /// Safe fields flagged, as `Item.field (reason)`.
    pub false_alarms: Vec<String>,
    /// `not_sent` fields drafted, as `Item.field`.
    pub drafted_not_sent: Vec<String>,
    /// Fields `init` lists on a labelled item that the labels do not name (a label
    /// to add), as `Item.field`.
    pub unlabelled: Vec<String>,
    /// Fields labelled on an item `init` found that it does not list (a typo in the
    /// labels, or a field init skipped), as `Item.field`.
    pub unlisted: Vec<String>,
}

/// The figures of the whole corpus.
#[derive(Clone, Debug, Default)]
pub struct CorpusFigures {
    /// One entry per crate, in the order of their directories.
    pub crates: Vec<CrateFigures>,
    /// Per label and reason: flagged out of labelled.
    pub reasons: BTreeMap<(Label, String), Tally>,
}

impl CorpusFigures {
    /// Risky fields of every crate.
    pub fn risky(&self) -> Tally {
        self.sum(|c| c.risky)
    }

    /// Risky fields of the items found, in every crate.
    pub fn risky_in_found(&self) -> Tally {
        self.sum(|c| c.risky_in_found)
    }

    /// Safe fields of every crate.
    pub fn safe(&self) -> Tally {
        self.sum(|c| c.safe)
    }

    /// `not_sent` fields of every crate.
    pub fn not_sent(&self) -> Tally {
        self.sum(|c| c.not_sent)
    }

    /// Items found out of labelled, in every crate.
    pub fn items(&self) -> Tally {
        self.sum(|c| Tally {
            flagged: c.items_found,
            total: c.items,
        })
    }

    fn sum(&self, part: impl Fn(&CrateFigures) -> Tally) -> Tally {
        let mut total = Tally::default();
        for c in &self.crates {
            total.merge(part(c));
        }
        total
    }
}

/// The repository root (this crate is `bench/` in it).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Measures the corpus of `fixtures/corpus/` with the given linter binary.
///
/// # Errors
/// A labels file is malformed, a crate cannot be located or copied, or the linter
/// cannot run or prints something that is not its JSON report.
pub fn measure(linter: &Path) -> Result<CorpusFigures, String> {
    let root = repo_root();
    measure_dir(&root.join("fixtures/corpus"), &root, linter)
}

/// As [`measure`], on our own code: `fixtures/corpus-own/*/labels.yaml`, one item
/// per pattern `init` must read right. Kept apart from the published crates, so
/// that easy cases of our own never lift the figures measured on real code.
///
/// # Errors
/// As [`measure`].
pub fn measure_own(linter: &Path) -> Result<CorpusFigures, String> {
    let root = repo_root();
    measure_dir(&root.join("fixtures/corpus-own"), &root, linter)
}

/// Measures every `<corpus>/*/labels.yaml`, with fixtures relative to `root`.
///
/// # Errors
/// As [`measure`].
pub fn measure_dir(corpus: &Path, root: &Path, linter: &Path) -> Result<CorpusFigures, String> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus)
        .map_err(|e| format!("cannot read {}: {e}", corpus.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("labels.yaml").is_file())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(format!("no labels.yaml under {}", corpus.display()));
    }
    let mut figures = CorpusFigures::default();
    for dir in dirs {
        let labels = load_labels(&dir.join("labels.yaml"))?;
        let crate_dir = locate_crate(&root.join(&labels.fixture), &labels)?;
        let (crate_figures, reasons) = measure_crate(&labels, &crate_dir, linter)?;
        for (key, tally) in reasons {
            figures.reasons.entry(key).or_default().merge(tally);
        }
        figures.crates.push(crate_figures);
    }
    Ok(figures)
}

/// The root directory of the pinned crate's source, from `cargo metadata`.
fn locate_crate(fixture: &Path, labels: &Labels) -> Result<PathBuf, String> {
    let manifest = fixture.join("Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata --locked --manifest-path {} failed:\n{}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| {
            p["name"] == labels.crate_name.as_str() && p["version"] == labels.version.as_str()
        })
        .ok_or_else(|| {
            format!(
                "{} {} is not in the dependency graph of {}",
                labels.crate_name,
                labels.version,
                manifest.display()
            )
        })?;
    let path = package["manifest_path"]
        .as_str()
        .ok_or("cargo metadata gave a package without manifest_path")?;
    Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{path} has no directory"))
}

/// What `init` said about one event: its Rust item, and its fields flagged or not.
struct InitEvent {
    fields: BTreeMap<String, bool>,
}

type Reasons = BTreeMap<(Label, String), Tally>;

fn measure_crate(
    labels: &Labels,
    crate_dir: &Path,
    linter: &Path,
) -> Result<(CrateFigures, Reasons), String> {
    let temp = tempfile::Builder::new()
        .prefix("telemetry-corpus")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let work = temp.path();
    let mut roots = BTreeSet::new();
    for file in &labels.files {
        let from = crate_dir.join(file);
        let to = work.join(file);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::copy(&from, &to).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
        let first = Path::new(file)
            .components()
            .next()
            .ok_or_else(|| format!("{}: an empty file name", labels.crate_name))?;
        roots.insert(first.as_os_str().to_owned());
    }

    let report = run_init(linter, work, &roots, &["--dry-run"])?;
    let events = init_events(&report)?;

    let draft_path = work.join("telemetry.yaml");
    let mut output = std::ffi::OsString::from("--output=");
    output.push(&draft_path);
    run_init(
        linter,
        work,
        &roots,
        &[output.to_str().ok_or("a non-UTF-8 path")?],
    )?;
    let draft = if !draft_path.is_file() {
        Draft::NotWritten
    } else {
        match telemetry_manifest::load_path(&draft_path) {
            Ok(loaded) => match loaded.manifest {
                Ok(_) => run_check(linter, work, &labels.crate_name)
                    .map_or_else(Draft::Fails, |()| Draft::Loads),
                Err(e) => Draft::Fails(e.to_string()),
            },
            Err(e) => Draft::Fails(e.to_string()),
        }
    };

    let mut figures = CrateFigures {
        crate_name: labels.crate_name.clone(),
        version: labels.version.clone(),
        items: labels.events.len(),
        items_found: 0,
        init_events: events.len(),
        risky: Tally::default(),
        risky_in_found: Tally::default(),
        safe: Tally::default(),
        not_sent: Tally::default(),
        draft,
        missing_items: Vec::new(),
        misses: Vec::new(),
        false_alarms: Vec::new(),
        drafted_not_sent: Vec::new(),
        unlabelled: Vec::new(),
        unlisted: Vec::new(),
    };
    let mut reasons = Reasons::new();
    for item in &labels.events {
        // A tuple variant that wraps an event struct delegates to it: it is found
        // when init drafts the struct (the variant itself has no fields).
        let event = events.get(&item.item).or_else(|| {
            item.wraps
                .as_ref()
                .filter(|_| item.shape == Shape::TupleVariant)
                .and_then(|wrapped| events.get(wrapped))
        });
        if event.is_some() {
            figures.items_found += 1;
        } else {
            let shape = match item.shape {
                Shape::Struct => "struct",
                Shape::StructVariant => "struct variant",
                Shape::TupleVariant => "tuple variant",
                Shape::UnitVariant => "unit variant",
            };
            figures
                .missing_items
                .push(format!("{} ({shape})", item.item));
        }
        if item.shape == Shape::TupleVariant {
            // Its fields are labelled on the struct it wraps.
            continue;
        }
        // Each labelled field's state in init's event: `None` when not listed, else
        // whether it is flagged. init lists a nested struct's fields flattened, as
        // `parent_child`: a labelled field it does not list stands for the listed
        // fields its name prefixes (and no other label names), flagged when any is.
        let mut covered = BTreeSet::new();
        let mut states = BTreeMap::new();
        if let Some(event) = event {
            for field in &item.fields {
                let state = match event.fields.get(&field.name) {
                    Some(flagged) => {
                        covered.insert(field.name.clone());
                        Some(*flagged)
                    }
                    None => {
                        let prefix = format!("{}_", field.name);
                        let nested: Vec<(&String, &bool)> = event
                            .fields
                            .iter()
                            .filter(|(name, _)| {
                                name.starts_with(&prefix)
                                    && !item.fields.iter().any(|f| &f.name == *name)
                            })
                            .collect();
                        covered.extend(nested.iter().map(|(name, _)| (*name).clone()));
                        (!nested.is_empty()).then(|| nested.iter().any(|(_, f)| **f))
                    }
                };
                if state.is_none() && field.label != Label::NotSent {
                    figures
                        .unlisted
                        .push(format!("{}.{}", item.item, field.name));
                }
                states.insert(field.name.clone(), state);
            }
            for name in event.fields.keys() {
                if !covered.contains(name) {
                    figures.unlabelled.push(format!("{}.{name}", item.item));
                }
            }
        }
        for field in &item.fields {
            let state = states.get(&field.name).copied().flatten();
            let flagged = state == Some(true);
            let at = format!("{}.{}", item.item, field.name);
            reasons
                .entry((field.label, field.reason.clone()))
                .or_default()
                .add(if field.label == Label::NotSent {
                    state.is_some()
                } else {
                    flagged
                });
            match field.label {
                Label::Risky => {
                    figures.risky.add(flagged);
                    if event.is_some() {
                        figures.risky_in_found.add(flagged);
                    }
                    if !flagged {
                        figures.misses.push(format!("{at} ({})", field.reason));
                    }
                }
                Label::Safe => {
                    figures.safe.add(flagged);
                    if flagged {
                        figures
                            .false_alarms
                            .push(format!("{at} ({})", field.reason));
                    }
                }
                Label::NotSent => {
                    // Drafted: init lists the field at all, kept or left out.
                    figures.not_sent.add(state.is_some());
                    if state.is_some() {
                        figures.drafted_not_sent.push(at);
                    }
                }
            }
        }
    }
    Ok((figures, reasons))
}

/// Runs `check` on the draft in `work`, made a one-package workspace for it: the
/// draft must be a manifest `check` runs on (findings are expected: the draft
/// leaves `TODO`s; exit code 2, could not run, is the failure).
fn run_check(linter: &Path, work: &Path, name: &str) -> Result<(), String> {
    let package = toml_package(name);
    std::fs::write(work.join("Cargo.toml"), package)
        .map_err(|e| format!("cannot write a Cargo.toml for check: {e}"))?;
    let output = Command::new(linter)
        .current_dir(work)
        .args([
            "check",
            "--manifest-path",
            "Cargo.toml",
            "--manifest",
            "telemetry.yaml",
        ])
        .args(["--format", "json", "--color", "never"])
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", linter.display()))?;
    match output.status.code() {
        Some(0 | 1) => Ok(()),
        code => Err(format!(
            "check could not run on the draft (exit {code:?}):\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

/// A minimal `Cargo.toml` of a package named after `name`, its own workspace.
fn toml_package(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!(
        "[package]\nname = \"corpus-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[lib]\npath = \"src/lib.rs\"\n\n[workspace]\n"
    )
}

/// Runs `init --all-structs --format json` in `work` on `roots`, and parses its report.
fn run_init(
    linter: &Path,
    work: &Path,
    roots: &BTreeSet<std::ffi::OsString>,
    extra: &[&str],
) -> Result<Value, String> {
    let output = Command::new(linter)
        .current_dir(work)
        .args([
            "init",
            "--all-structs",
            "--format",
            "json",
            "--color",
            "never",
        ])
        .args(extra)
        .args(roots)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", linter.display()))?;
    let code = output.status.code();
    if !matches!(code, Some(0 | 1)) {
        return Err(format!(
            "{} init exited with {code:?}:\n{}{}",
            linter.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| {
        format!(
            "{} init printed no JSON report ({e}):\n{}",
            linter.display(),
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The events of an `init` report by Rust item, each field flagged or not.
fn init_events(report: &Value) -> Result<BTreeMap<String, InitEvent>, String> {
    let events = report["events"]
        .as_array()
        .ok_or("the init report has no `events` array")?;
    let findings = report["findings"]
        .as_array()
        .ok_or("the init report has no `findings` array")?;
    // Fields named by a rule's finding at level error, by event name.
    let mut named: BTreeSet<(String, String)> = BTreeSet::new();
    for finding in findings {
        let level = finding["level"].as_str().unwrap_or_default();
        if finding["rule"].is_null() || level != "error" {
            continue;
        }
        if let (Some(event), Some(field)) = (finding["event"].as_str(), finding["field"].as_str()) {
            named.insert((event.to_owned(), field.to_owned()));
        }
    }
    let mut out = BTreeMap::new();
    for event in events {
        let item = event["struct"]
            .as_str()
            .ok_or("an init event without `struct`")?;
        let name = event["name"].as_str().unwrap_or_default();
        let mut fields = BTreeMap::new();
        // Findings name a field as sent; labels name it as written in Rust.
        let mut rust_names: BTreeMap<&str, &str> = BTreeMap::new();
        for field in event["fields"].as_array().into_iter().flatten() {
            let Some(sent_name) = field["name"].as_str() else {
                continue;
            };
            let field_name = field["rust_name"].as_str().unwrap_or(sent_name);
            rust_names.insert(sent_name, field_name);
            // Every field init leaves out has a finding that names it, at the
            // level init reports it at.
            let flagged = named.contains(&(name.to_owned(), sent_name.to_owned()));
            fields.insert(field_name.to_owned(), flagged);
        }
        // A field init does not list may still be named by a finding.
        for (event_name, field_name) in &named {
            if event_name == name {
                let rust_name = rust_names
                    .get(field_name.as_str())
                    .map_or_else(|| field_name.clone(), |n| (*n).to_owned());
                fields.entry(rust_name).or_insert(true);
            }
        }
        out.insert(item.to_owned(), InitEvent { fields });
    }
    Ok(out)
}

fn percent(tally: Tally) -> String {
    tally
        .rate()
        .map_or_else(|| "-".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

fn fraction(tally: Tally) -> String {
    format!("{}/{}", tally.flagged, tally.total)
}

/// Left-aligns the first column and right-aligns the others.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i == 0 {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str("  ");
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec(), &mut out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(rule.iter().map(String::as_str).collect(), &mut out);
    for row in rows {
        line(row.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

/// The figures as plain text: a table per crate, a table per reason, the totals,
/// and the lists of misses and false alarms.
pub fn render(figures: &CorpusFigures) -> String {
    let mut out = String::new();
    let mut rows = Vec::new();
    for c in &figures.crates {
        let draft = match &c.draft {
            Draft::Loads => "loads",
            Draft::Fails(_) => "FAILS",
            Draft::NotWritten => "none",
        };
        rows.push(vec![
            format!("{} {}", c.crate_name, c.version),
            format!("{}/{}", c.items_found, c.items),
            c.init_events.to_string(),
            fraction(c.risky),
            percent(c.risky),
            fraction(c.risky_in_found),
            fraction(c.safe),
            percent(c.safe),
            fraction(c.not_sent),
            draft.to_owned(),
        ]);
    }
    let items = figures.items();
    rows.push(vec![
        "total".to_owned(),
        fraction(items),
        figures
            .crates
            .iter()
            .map(|c| c.init_events)
            .sum::<usize>()
            .to_string(),
        fraction(figures.risky()),
        percent(figures.risky()),
        fraction(figures.risky_in_found()),
        fraction(figures.safe()),
        percent(figures.safe()),
        fraction(figures.not_sent()),
        String::new(),
    ]);
    out.push_str("per crate\n");
    out.push_str(&table(
        &[
            "crate",
            "items found",
            "init events",
            "risky flagged",
            "recall",
            "in found items",
            "safe flagged",
            "false alarms",
            "not_sent drafted",
            "draft",
        ],
        &rows,
    ));

    out.push_str("\nper reason\n");
    let rows: Vec<Vec<String>> = figures
        .reasons
        .iter()
        .map(|((label, reason), tally)| {
            vec![
                format!("{} {reason}", label.as_str()),
                fraction(*tally),
                percent(*tally),
            ]
        })
        .collect();
    out.push_str(&table(&["label reason", "flagged", "rate"], &rows));

    let _ = writeln!(
        out,
        "\ntotals: {} items, {} found; {} risky fields, {} flagged (recall {}); {} safe fields, {} flagged (false alarms {}); {} not_sent fields, {} drafted",
        items.total,
        items.flagged,
        figures.risky().total,
        figures.risky().flagged,
        percent(figures.risky()),
        figures.safe().total,
        figures.safe().flagged,
        percent(figures.safe()),
        figures.not_sent().total,
        figures.not_sent().flagged,
    );
    for c in &figures.crates {
        let lists = [
            ("items not found", &c.missing_items),
            ("risky not flagged", &c.misses),
            ("safe flagged", &c.false_alarms),
            ("not_sent drafted", &c.drafted_not_sent),
            ("listed by init, not labelled", &c.unlabelled),
            ("labelled, not listed by init", &c.unlisted),
        ];
        if lists.iter().all(|(_, l)| l.is_empty()) && c.draft == Draft::Loads {
            continue;
        }
        let _ = writeln!(out, "\n{} {}", c.crate_name, c.version);
        for (what, list) in lists {
            if !list.is_empty() {
                let _ = writeln!(out, "  {what}: {}", list.join(", "));
            }
        }
        match &c.draft {
            Draft::Loads => {}
            Draft::Fails(why) => {
                let _ = writeln!(out, "  draft does not load: {why}");
            }
            Draft::NotWritten => {
                let _ = writeln!(out, "  init wrote no draft");
            }
        }
    }
    out
}
