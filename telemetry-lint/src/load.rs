//! Loading what every command reads: the cargo workspace, its telemetry manifest
//! and the shared policy file the manifest names.
//!
//! The workspace root and its members come from `cargo metadata --no-deps`, so the
//! linter sees exactly the packages cargo builds. The manifest is loaded in the two
//! steps of `telemetry-manifest` (parse with spans, then `validate`); a manifest or a
//! policy file that cannot be parsed makes a fatal [`Report`] (exit code 2) with the
//! parser's diagnostic on a snippet. `check`, `doc`, `schema` and `diff` all load
//! through here, so a manifest reads the same to each of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use telemetry_manifest::{ByteSpan, Finding, Level, Lines, Manifest, ValidManifest, ValidPolicy};

use crate::report::{Diagnostic, Location, Problem, Report};
use crate::scan;

/// A workspace found by `cargo metadata` (or guessed by [`guess_workspace`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    /// The workspace root directory (where the root `Cargo.toml` is).
    pub root: PathBuf,
    /// The directories of the member packages, sorted, without duplicates.
    pub members: Vec<PathBuf>,
}

/// Why the workspace could not be found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceError {
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Runs `cargo metadata --no-deps --format-version 1` (in the current directory, or
/// on `manifest_path`) and returns the workspace root and member directories.
///
/// # Errors
/// When cargo cannot be run, fails (no `Cargo.toml`, a malformed one), or prints
/// output that is not the expected JSON.
pub fn discover(manifest_path: Option<&Path>) -> Result<Workspace, WorkspaceError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--offline",
    ]);
    if let Some(path) = manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    let output = command.output().map_err(|e| WorkspaceError {
        message: format!("cannot run `cargo metadata`: {e}"),
        help: "install cargo, or set the CARGO environment variable to its path".to_owned(),
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no output")
            .trim_start_matches("error: ");
        return Err(WorkspaceError {
            message: format!("cannot find the cargo workspace: {detail}"),
            help: "run from inside a cargo workspace, or pass `--manifest-path <Cargo.toml>`"
                .to_owned(),
        });
    }
    let malformed = |what: &str| WorkspaceError {
        message: format!("`cargo metadata` printed unexpected output: {what}"),
        help: "check that cargo works in this directory (`cargo metadata --no-deps`)".to_owned(),
    };
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| malformed(&e.to_string()))?;
    let root = json
        .get("workspace_root")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| malformed("no `workspace_root`"))?;
    let mut members = BTreeSet::new();
    for package in json
        .get("packages")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(dir) = package
            .get("manifest_path")
            .and_then(serde_json::Value::as_str)
            .and_then(|p| Path::new(p).parent())
        {
            members.insert(dir.to_path_buf());
        }
    }
    let root = PathBuf::from(root);
    if members.is_empty() {
        members.insert(root.clone());
    }
    Ok(Workspace {
        root,
        members: members.into_iter().collect(),
    })
}

/// The workspace as its root `Cargo.toml` describes it, read without running cargo:
/// a guess that lets `check` scan the members while `cargo metadata` runs (on a
/// workspace of 440 members, cargo takes about 150 ms, as long as the scan).
///
/// From `manifest_path`'s folder, or the current directory, upwards: the first
/// `Cargo.toml` with a `[workspace]` table is the root, its `members` (globs
/// expanded to the folders they match, as cargo expands them) less
/// its `exclude` are the members, and the root itself is one when it is also a
/// package; without a `[workspace]` table, the nearest package stands alone.
/// Cargo stays the authority: the guess is used only when it equals what
/// [`discover`] returns, so a path dependency that cargo makes a member, or a
/// `package.workspace` key, costs a second scan, never a different result.
/// `None` when there is nothing to guess from.
pub fn guess_workspace(manifest_path: Option<&Path>) -> Option<Workspace> {
    let cwd = std::env::current_dir().ok()?;
    let start = match manifest_path {
        Some(path) => normalized(&cwd.join(path)).parent()?.to_path_buf(),
        None => cwd,
    };
    let mut nearest_package = None;
    for dir in start.ancestors() {
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let table: toml::Table = toml::from_str(&text).ok()?;
        let package = table.get("package");
        if let Some(workspace) = table.get("workspace").and_then(toml::Value::as_table) {
            return guessed_members(dir, workspace, package.is_some());
        }
        if package.and_then(|p| p.get("workspace")).is_some() {
            return None;
        }
        nearest_package.get_or_insert_with(|| dir.to_path_buf());
    }
    nearest_package.map(|root| Workspace {
        members: vec![root.clone()],
        root,
    })
}

/// The members a `[workspace]` table names, as [`guess_workspace`] describes.
fn guessed_members(
    root: &Path,
    workspace: &toml::Table,
    root_is_package: bool,
) -> Option<Workspace> {
    let strings = |key: &str| -> Option<Vec<String>> {
        match workspace.get(key) {
            None => Some(Vec::new()),
            Some(list) => list
                .as_array()?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect(),
        }
    };
    let exclude: Vec<PathBuf> = strings("exclude")?
        .iter()
        .map(|e| normalized(&root.join(e)))
        .collect();
    let mut members = BTreeSet::new();
    if root_is_package {
        members.insert(root.to_path_buf());
    }
    for member in strings("members")? {
        let path = normalized(&root.join(&member));
        if member.contains(['*', '?', '[']) {
            for found in glob::glob(path.to_str()?).ok()? {
                let found = found.ok()?;
                if found.is_dir() {
                    members.insert(found);
                }
            }
        } else {
            members.insert(path);
        }
    }
    members.retain(|m| !exclude.iter().any(|e| m.starts_with(e)));
    Some(Workspace {
        root: root.to_path_buf(),
        members: members.into_iter().collect(),
    })
}

/// `path` with `.` and `..` components resolved by their names, as cargo does
/// for the paths it prints, without following symbolic links.
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Frees `value` on a thread of its own, so that a command returns, and the
/// process exits, without waiting while a large manifest's model and parse are
/// freed (about 20 ms for 5,000 events). The memory is freed all the same when
/// the linter runs inside another program.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // Without a thread, the value is freed as the thread's start fails.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// How a path is shown in output: relative to the workspace root, with `/`
/// separators, when it lies inside the root (after resolving `..` and symbolic
/// links); as given otherwise.
pub fn shown_path(root: &Path, path: &Path) -> String {
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root = resolve(root);
    // The file itself may not exist yet (an output path): resolve its directory.
    let full = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !path.exists() => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            resolve(dir).join(name)
        }
        _ => resolve(path),
    };
    if full.starts_with(&root) {
        scan::shown_path(&full, &root)
    } else {
        path.display().to_string().replace('\\', "/")
    }
}

/// The manifest of a workspace, loaded and validated.
pub struct LoadedManifest {
    /// The workspace.
    pub workspace: Workspace,
    /// The manifest's path as shown: relative to the workspace root when inside it.
    pub shown_path: String,
    /// The manifest's text.
    pub text: Arc<str>,
    /// Where each line of the text starts, to place diagnostics.
    pub lines: Lines,
    /// The manifest as parsed.
    pub manifest: Manifest,
    /// The manifest as checked.
    pub valid: ValidManifest,
    /// The findings of `validate`.
    pub findings: Vec<Finding>,
}

/// Finds the workspace and loads its manifest. On failure the report explains why
/// and is fatal (exit code 2).
///
/// # Errors
/// A fatal [`Report`] when the workspace cannot be found or the manifest cannot be
/// read or parsed.
pub fn load(
    manifest_path: Option<&Path>,
    manifest: Option<&Path>,
) -> Result<LoadedManifest, Box<Report>> {
    let guess = guess_workspace(manifest_path);
    load_with(manifest_path, manifest, guess.as_ref(), |_| {})
}

/// [`load`], calling `on_document` with the manifest's parsed YAML before the
/// model is read from it, so that a caller can read it another way at the same
/// time (`check` reads the plain values for the JSON Schema check on a second
/// thread): the text is parsed once. With `guess` (from [`guess_workspace`]),
/// the manifest is read and parsed while `cargo metadata` runs.
///
/// # Errors
/// As [`load`].
pub fn load_with(
    manifest_path: Option<&Path>,
    manifest: Option<&Path>,
    guess: Option<&Workspace>,
    on_document: impl FnOnce(&Arc<telemetry_manifest::Document>),
) -> Result<LoadedManifest, Box<Report>> {
    let manifest_file = |workspace: &Workspace| {
        manifest.map_or_else(|| workspace.root.join("telemetry.yaml"), Path::to_path_buf)
    };
    // While cargo confirms the workspace, the manifest where the guess puts it is
    // read and parsed; it is read again only if cargo names another root.
    let (workspace, early) = std::thread::scope(|scope| {
        let cargo = scope.spawn(|| discover(manifest_path));
        let early = guess.map(|guess| {
            let path = manifest_file(guess);
            let read = read_and_parse(&path);
            (path, read)
        });
        match cargo.join() {
            Ok(workspace) => (workspace, early),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let workspace = workspace.map_err(|e| {
        fatal(Diagnostic::problem(
            Problem::NoWorkspace,
            Level::Error,
            e.message,
            e.help,
        ))
    })?;
    let path = manifest_file(&workspace);
    let shown_path = shown_path(&workspace.root, &path);
    let read = match early {
        Some((early_path, read)) if early_path == path => read,
        _ => read_and_parse(&path),
    };
    let (text, document) = read.map_err(|e| {
        // The loader names the path as given; show it as every other path is shown.
        let message = e
            .message
            .replace(&format!("`{}`", path.display()), &format!("`{shown_path}`"));
        fatal(Diagnostic::problem(
            Problem::InvalidManifest,
            Level::Error,
            message,
            e.help,
        ))
    })?;
    if let Ok(document) = &document {
        on_document(document);
    }
    let parsed = document.and_then(|document| document.manifest());
    let manifest = parsed_or_fatal(&shown_path, &text, parsed)?;
    let (mut valid, findings) = telemetry_manifest::validate(&manifest);
    if let Some(written) = &manifest.policy_file {
        let policy = load_policy_file(&path, &shown_path, &text, &manifest, written)?;
        valid.policy = ValidPolicy::resolve(Some(&policy), Some(written.clone()));
    }
    Ok(LoadedManifest {
        workspace,
        shown_path,
        lines: Lines::new(&text),
        text,
        manifest,
        valid,
        findings,
    })
}

/// The manifest's text and its YAML parse. The outer error is for a file that
/// cannot be read as text; the inner one, for text that is not a YAML document
/// within the loader's budget.
type ReadManifest = Result<
    (
        Arc<str>,
        Result<Arc<telemetry_manifest::Document>, telemetry_manifest::LoadError>,
    ),
    telemetry_manifest::LoadError,
>;

fn read_and_parse(path: &Path) -> ReadManifest {
    let text: Arc<str> = Arc::from(telemetry_manifest::read_path(path)?);
    let document = telemetry_manifest::Document::parse(&text).map(Arc::new);
    Ok((text, document))
}

/// Loads the shared policy file a manifest names in `policy_file`, with the
/// loader's limits, and returns the policy it holds.
///
/// The path must be relative (to the manifest's folder) and name a `.yaml` or
/// `.yml` file: a manifest may come from a pull request, and must not make CI read
/// and quote an arbitrary file of the machine.
fn load_policy_file(
    manifest_path: &Path,
    manifest_shown: &str,
    manifest_text: &Arc<str>,
    manifest: &Manifest,
    written: &telemetry_manifest::Text,
) -> Result<telemetry_manifest::Located<telemetry_manifest::Policy>, Box<Report>> {
    let fail = |message: String, help: &str, inside: Option<(String, Arc<str>, Location)>| {
        let mut diagnostic =
            Diagnostic::problem(Problem::InvalidPolicyFile, Level::Error, message, help);
        diagnostic.manifest = Some(manifest_location(
            manifest_shown,
            manifest_text,
            &Lines::new(manifest_text),
            written.span,
            "the policy file",
        ));
        let mut report = Report {
            fatal: true,
            ..Report::default()
        };
        report
            .files
            .insert(manifest_shown.to_owned(), manifest_text.clone());
        if let Some((shown, text, location)) = inside {
            report.files.insert(shown, text);
            diagnostic.source = Some(location);
        }
        report.push(diagnostic);
        Box::new(report)
    };
    let value = written.value.trim();
    if manifest.policy.is_some() {
        return Err(fail(
            format!(
                "the manifest has both a `policy` section and `policy_file: {value}`, so which policy applies is unclear"
            ),
            "keep one: move the section's keys into the shared file, or remove `policy_file`; a workspace cannot loosen a shared policy in its own manifest",
            None,
        ));
    }
    let relative = Path::new(value);
    let yaml = relative
        .extension()
        .is_some_and(|ext| ext == "yaml" || ext == "yml");
    if value.is_empty() || relative.is_absolute() || relative.has_root() || !yaml {
        return Err(fail(
            format!("`policy_file: {value}` is not a relative path to a `.yaml` or `.yml` file"),
            "name the shared policy relative to the manifest's folder, such as `../shared/telemetry-policy.yaml`",
            None,
        ));
    }
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let full = dir.join(relative);
    let shown = match Path::new(manifest_shown).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            format!("{}/{}", parent.display(), value).replace('\\', "/")
        }
        _ => value.replace('\\', "/"),
    };
    let loaded =
        telemetry_manifest::load_policy_path(&full).map_err(|e| fail(e.message, &e.help, None))?;
    let text: Arc<str> = Arc::from(loaded.source);
    match loaded.policy {
        Ok(policy) => Ok(policy),
        Err(e) => {
            let inside = e.span.map(|span| {
                let location = manifest_location(&shown, &text, &Lines::new(&text), span, "here");
                (shown.clone(), text.clone(), location)
            });
            let message = e.message.replacen(
                "invalid policy file",
                &format!("invalid policy file `{shown}`"),
                1,
            );
            Err(fail(message, &e.help, inside))
        }
    }
}

/// The manifest's parse, or, when it could not be parsed, a fatal
/// report (exit code 2) with the parser's diagnostic on a snippet of `shown`.
///
/// # Errors
/// A fatal [`Report`] when the YAML is malformed or does not have the manifest's
/// shape.
pub(crate) fn parsed_or_fatal(
    shown: &str,
    text: &Arc<str>,
    parsed: Result<Manifest, telemetry_manifest::LoadError>,
) -> Result<Manifest, Box<Report>> {
    match parsed {
        Ok(manifest) => Ok(manifest),
        Err(e) => {
            let mut diagnostic =
                Diagnostic::problem(Problem::InvalidManifest, Level::Error, e.message, e.help);
            diagnostic.manifest = e
                .span
                .map(|span| manifest_location(shown, text, &Lines::new(text), span, "here"));
            let mut report = fatal(diagnostic);
            report.files.insert(shown.to_owned(), text.clone());
            report.manifest = Some(shown.to_owned());
            Err(report)
        }
    }
}

/// A report that stops the run (exit code 2) with one diagnostic.
pub(crate) fn fatal(diagnostic: Diagnostic) -> Box<Report> {
    let mut report = Report {
        fatal: true,
        ..Report::default()
    };
    report.push(diagnostic);
    Box::new(report)
}

/// A location in the manifest, from a byte span; `lines` is `text`'s index.
pub fn manifest_location(
    path: &str,
    text: &str,
    lines: &Lines,
    span: ByteSpan,
    label: &str,
) -> Location {
    let (line, column) = lines.line_column(text, span.offset);
    Location {
        path: path.to_owned(),
        line,
        column,
        offset: span.offset,
        len: span.len,
        label: label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every workspace of the repository: the guess is only worth its scan when
    /// it is what cargo says, and it must be for the usual layouts (a virtual
    /// workspace with a list of members, a package alone, a package that is its
    /// own workspace).
    #[test]
    fn the_guess_is_what_cargo_metadata_says() {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the crate sits in the repository");
        let mut manifests = vec![
            repository.join("Cargo.toml"),
            repository.join("examples/acme/Cargo.toml"),
        ];
        let fixtures = std::fs::read_dir(repository.join("fixtures")).expect("fixtures");
        for entry in fixtures.flatten() {
            let manifest = entry.path().join("Cargo.toml");
            if manifest.is_file() {
                manifests.push(manifest);
            }
        }
        assert!(manifests.len() > 20, "{manifests:?}");
        for manifest in manifests {
            let Ok(cargo) = discover(Some(&manifest)) else {
                continue;
            };
            let guess = guess_workspace(Some(&manifest));
            assert_eq!(guess.as_ref(), Some(&cargo), "{}", manifest.display());
        }
    }

    #[test]
    fn globs_and_exclusions_are_expanded_as_cargo_does() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path();
        for member in ["crates/a", "crates/b", "crates/skipped", "tools/c"] {
            std::fs::create_dir_all(root.join(member).join("src")).expect("member");
            std::fs::write(
                root.join(member).join("Cargo.toml"),
                format!(
                    "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
                    member.rsplit('/').next().unwrap_or(member)
                ),
            )
            .expect("member manifest");
            std::fs::write(root.join(member).join("src/lib.rs"), "").expect("lib.rs");
        }
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\", \"tools/c\"]\nexclude = [\"crates/skipped\"]\n",
        )
        .expect("root manifest");
        let manifest = root.join("Cargo.toml");
        let guess = guess_workspace(Some(&manifest)).expect("a guess");
        let names: Vec<String> = guess
            .members
            .iter()
            .map(|m| scan::shown_path(m, root))
            .collect();
        assert_eq!(names, ["crates/a", "crates/b", "tools/c"]);
        assert_eq!(Some(guess), discover(Some(&manifest)).ok());
    }
}
