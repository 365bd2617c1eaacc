//! `cargo telemetry-lint diff OLD NEW`: reads both sides (a file, or `git:REV` for the
//! workspace's manifest at a git revision) with the same loader as `check`, and
//! prints the changelog that `render::changelog` computes.
//!
//! A revision that exists but has no manifest (the release before telemetry was
//! added) is a side with the other side's project and policy and no events, so the
//! first release with telemetry lists every event as added.

use std::path::{Path, PathBuf};
use std::process::Command;

use telemetry_manifest::Level;

use crate::Format;
use crate::cli;
use crate::cmd::{Color, emit, print_out, refuse_format};
use crate::load::{self, fatal, parsed_or_fatal};
use crate::render::changelog::{self, Side};
use crate::report::{Diagnostic, Problem, Report};

/// Reads one side. `spec` is a file path or `git:REV`; `workspace_manifest` gives
/// the path of the workspace's manifest, needed (and called) only for `git:REV`.
/// Returns `None` for a revision that exists but has no manifest at that path: the
/// release before telemetry was added, which [`absent_like`] turns into a side
/// with no events.
///
/// # Errors
/// A fatal [`Report`] (exit code 2) when git cannot be run, the revision or the
/// manifest at it cannot be found, or the manifest cannot be loaded; it carries the
/// loader's diagnostic with a snippet.
pub fn load_side(
    spec: &str,
    workspace_manifest: &mut dyn FnMut() -> Result<PathBuf, Box<Report>>,
) -> Result<Option<Side>, Box<Report>> {
    let (shown, loaded) = match spec.strip_prefix("git:") {
        Some(rev) => {
            let manifest = workspace_manifest()?;
            let Some((shown, bytes)) = git_show(rev, &manifest).map_err(|d| fatal(*d))? else {
                return Ok(None);
            };
            let loaded = telemetry_manifest::load_bytes(&bytes).map_err(|e| {
                fatal(Diagnostic::problem(
                    Problem::InvalidManifest,
                    Level::Error,
                    format!("{shown}: {}", e.message),
                    e.help,
                ))
            })?;
            (shown, loaded)
        }
        None => {
            let loaded = telemetry_manifest::load_path(Path::new(spec)).map_err(|e| {
                fatal(Diagnostic::problem(
                    Problem::InvalidManifest,
                    Level::Error,
                    e.message,
                    e.help,
                ))
            })?;
            (spec.replace('\\', "/"), loaded)
        }
    };
    let text: std::sync::Arc<str> = std::sync::Arc::from(loaded.source);
    let manifest = parsed_or_fatal(&shown, &text, loaded.manifest)?;
    let (valid, _findings) = telemetry_manifest::validate(&manifest);
    Ok(Some(Side {
        label: spec.to_owned(),
        valid,
        absent: false,
    }))
}

/// The side `label` of a revision without a manifest: `other`'s project and
/// policy, no events and no groups, so that a changelog from it lists every event
/// of `other` as added (or, the other way round, removed) and nothing else.
pub fn absent_like(label: &str, other: &Side) -> Side {
    let mut valid = other.valid.clone();
    valid.events.clear();
    valid.groups.clear();
    Side {
        label: label.to_owned(),
        valid,
        absent: true,
    }
}

/// Reads `manifest` as it was at git revision `rev`: `git show REV:<path>`, the
/// path relative to the repository's root. Returns the path as shown
/// (`REV:path`) and the bytes, or `None` when the revision exists (it names a
/// commit) but has no file at that path.
fn git_show(rev: &str, manifest: &Path) -> Result<Option<(String, Vec<u8>)>, Box<Diagnostic>> {
    let unknown = |message: String, help: &str| {
        Box::new(Diagnostic::problem(
            Problem::UnknownRevision,
            Level::Error,
            message,
            help,
        ))
    };
    if rev.is_empty() || rev.starts_with('-') || rev.contains(':') {
        return Err(unknown(
            format!("`git:{rev}` does not name a git revision"),
            "write `git:` followed by a tag, branch or commit, such as `git:v1.2.0` or `git:HEAD~1`",
        ));
    }
    let dir = match manifest.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = manifest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "telemetry.yaml".to_owned());
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("LC_ALL", "C")
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
    };
    let first_line = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no output")
            .trim_start_matches("fatal: ")
            .trim_end_matches('.')
            .to_owned()
    };
    let prefix = match git(&["rev-parse", "--show-prefix"]) {
        Err(e) => {
            return Err(Box::new(Diagnostic::problem(
                Problem::NoGit,
                Level::Error,
                format!("cannot run `git` to read the manifest at `{rev}`: {e}"),
                "install git, or give the old manifest as a file (`git show REV:telemetry.yaml > old.yaml`)",
            )));
        }
        Ok(output) if !output.status.success() => {
            return Err(unknown(
                format!(
                    "`{}` is not in a git repository, so `git:{rev}` cannot be read: {}",
                    dir.display(),
                    first_line(&output.stderr)
                ),
                "run in a clone of the repository, or give the old manifest as a file",
            ));
        }
        Ok(output) => String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    };
    let path = format!("{prefix}{name}");
    let shown = format!("{rev}:{path}");
    match git(&["show", &shown]) {
        Err(e) => Err(Box::new(Diagnostic::problem(
            Problem::NoGit,
            Level::Error,
            format!("cannot run `git` to read `{shown}`: {e}"),
            "install git, or give the old manifest as a file",
        ))),
        Ok(output) if !output.status.success() => {
            let commit = format!("{rev}^{{commit}}");
            let exists = git(&["rev-parse", "--verify", "--quiet", &commit])
                .is_ok_and(|o| o.status.success());
            let tree = format!("{rev}:");
            let listed = git(&["ls-tree", "--name-only", &tree, &path])
                .is_ok_and(|o| o.status.success() && o.stdout.is_empty());
            if exists && listed {
                return Ok(None);
            }
            Err(unknown(
                format!(
                    "cannot read the manifest `{path}` at git revision `{rev}`: {}",
                    first_line(&output.stderr)
                ),
                "check that the revision exists (`git tag`, `git log`; in CI, fetch tags and history with `fetch-depth: 0`) and that the manifest was at this path then",
            ))
        }
        Ok(output) => Ok(Some((shown, output.stdout))),
    }
}

/// Runs `diff`; returns the exit code.
pub(crate) fn run(
    global: &cli::GlobalArgs,
    args: &cli::DiffArgs,
    format: Format,
    color: Color,
) -> i32 {
    if let Some(code) = refuse_format("diff", format, "markdown, human, json") {
        return code;
    }
    let mut found: Option<std::path::PathBuf> = None;
    let mut workspace_manifest = || -> Result<std::path::PathBuf, Box<Report>> {
        if let Some(path) = &found {
            return Ok(path.clone());
        }
        let path = match &global.manifest {
            Some(path) => path.clone(),
            None => {
                let workspace = load::discover(global.manifest_path.as_deref()).map_err(|e| {
                    let mut report = Report {
                        fatal: true,
                        ..Report::default()
                    };
                    report.push(Diagnostic::problem(
                        Problem::NoWorkspace,
                        telemetry_manifest::Level::Error,
                        e.message,
                        e.help,
                    ));
                    Box::new(report)
                })?;
                workspace.root.join("telemetry.yaml")
            }
        };
        found = Some(path.clone());
        Ok(path)
    };
    let old = match load_side(&args.old, &mut workspace_manifest) {
        Ok(side) => side,
        Err(report) => return emit(&report, format, color),
    };
    let new = match load_side(&args.new, &mut workspace_manifest) {
        Ok(side) => side,
        Err(report) => return emit(&report, format, color),
    };
    let (old, new) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (None, Some(new)) => (absent_like(&args.old, &new), new),
        (Some(old), None) => {
            let new = absent_like(&args.new, &old);
            (old, new)
        }
        (None, None) => {
            let mut report = Report {
                fatal: true,
                ..Report::default()
            };
            report.push(Diagnostic::problem(
                Problem::UnknownRevision,
                Level::Error,
                format!(
                    "neither `{}` nor `{}` has a telemetry manifest, so there is nothing to compare",
                    args.old, args.new
                ),
                "name a revision or a file that has the manifest on at least one side",
            ));
            return emit(&report, format, color);
        }
    };
    let log = changelog::compute(&old, &new);
    match format {
        Format::Json => print_out(&changelog::render_json(&log)),
        _ => print_out(&changelog::render_markdown(&log)),
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_revisions_are_refused_before_git_runs() {
        for rev in ["", "-p", "a:b"] {
            let error = git_show(rev, Path::new("telemetry.yaml")).unwrap_err();
            assert_eq!(error.name(), "unknown-revision");
        }
    }
}
