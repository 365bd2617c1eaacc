//! `cargo telemetry-lint diff`: the telemetry changelog between
//! `fixtures/diff-v1/telemetry.yaml` and `fixtures/diff-v2/telemetry.yaml`, as
//! Markdown and JSON, from files and from a git revision, and the ways it refuses
//! to run.

mod common;

use common::{fixtures, git, git_available, run_in, run_with};

const V1: &str = "diff-v1/telemetry.yaml";
const V2: &str = "diff-v2/telemetry.yaml";

#[test]
fn markdown_changelog_calls_out_raised_categories_first() {
    let run = run_in(&fixtures(), &["diff", V1, V2]);
    assert_eq!(run.code, 0, "a diff is not a finding\n{}", run.transcript());
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    insta::assert_snapshot!("diff-v1-v2-markdown", run.stdout);

    let headings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("## "))
        .collect();
    assert_eq!(
        headings,
        [
            "## Data categories raised",
            "## Project",
            "## Events added",
            "## Events removed",
            "## Events changed",
            "## Retention and expiry",
        ]
    );
    let first_item = run
        .stdout
        .lines()
        .find(|l| l.starts_with("- "))
        .expect("a list item");
    assert_eq!(
        first_item,
        "- `build_finished.targets`: `technical` → `stored_content`"
    );

    let explicit = run_in(&fixtures(), &["diff", V1, V2, "--format", "markdown"]);
    assert_eq!(explicit.stdout, run.stdout, "markdown is the default");
}

#[test]
fn json_changelog_has_the_documented_shape() {
    let run = run_in(&fixtures(), &["--format", "json", "diff", V1, V2]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("diff-v1-v2-json", run.stdout);
    let doc = run.json();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["changed"], true);
    let raised = doc["categories_raised"].as_array().unwrap();
    assert_eq!(raised.len(), 2);
    assert_eq!(raised[0]["event"], "build_finished");
    assert_eq!(raised[0]["field"], "targets");
    assert_eq!(raised[0]["kind"], "raised");
    assert_eq!(raised[0]["new"], "stored_content");
    assert_eq!(raised[1]["field"], "filter");
    assert_eq!(raised[1]["kind"], "new_field");
    let names = |key: &str| -> Vec<String> {
        doc[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("events_added"), ["cache_cleared"]);
    assert_eq!(names("events_removed"), ["project_cleaned"]);
    let retention = &doc["retention"][0];
    assert_eq!(retention["event"], "tests_finished");
    assert_eq!(
        (
            retention["old_days"].as_u64(),
            retention["new_days"].as_u64()
        ),
        (Some(30), Some(60))
    );
    assert_eq!(doc["expiry"][0]["event"], "command_started");
    assert_eq!(doc["expiry"][0]["new"], "2028-06-30");
    let project: Vec<&str> = doc["project"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(project, ["consent", "context", "opt_out"]);
    let build = &doc["events_changed"][0];
    assert_eq!(build["event"], "build_finished");
    assert_eq!(build["fields_added"][0]["name"], "cache_hit");
    assert_eq!(build["fields_removed"][0]["name"], "output_size");
    let targets = &build["fields_changed"][0];
    assert_eq!(targets["field"], "targets");
    let keys: Vec<&str> = targets["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["max", "category", "description", "waivers"]);
    assert_eq!(targets["changes"][3]["new"][0]["rule"], "TL020");

    let again = run_in(&fixtures(), &["--format", "json", "diff", V1, V2]);
    assert_eq!(again.stdout, run.stdout, "the same bytes on every run");
}

#[test]
fn the_reverse_diff_raises_nothing() {
    let run = run_in(&fixtures(), &["--format", "json", "diff", V2, V1]);
    assert_eq!(run.code, 0);
    let doc = run.json();
    assert_eq!(doc["categories_raised"], serde_json::json!([]));
    assert_eq!(doc["events_added"][0]["name"], "project_cleaned");
}

#[test]
fn a_manifest_against_itself_has_no_changes() {
    let run = run_in(&fixtures(), &["diff", V1, V1]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "# Telemetry changes in acme\n\nFrom `diff-v1/telemetry.yaml` to `diff-v1/telemetry.yaml`.\n\nNo changes: both manifests declare the same telemetry.\n"
    );
    let json = run_in(&fixtures(), &["diff", V1, V1, "--format", "json"]).json();
    assert_eq!(json["changed"], false);
}

#[test]
fn a_manifest_that_cannot_be_loaded_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "version: 1\nproject:\n  name: acme\n  retention_days: [90\n",
    )
    .unwrap();
    let old = fixtures().join(V1);
    let old = old.to_str().unwrap();
    let human = run_in(dir.path(), &["diff", old, "broken.yaml"]);
    assert_eq!(human.code, 2, "{}", human.transcript());
    assert!(human.stdout.is_empty());
    assert!(
        human.stderr.contains("invalid-manifest"),
        "{}",
        human.stderr
    );
    assert!(human.stderr.contains("broken.yaml"), "{}", human.stderr);

    let json = run_in(
        dir.path(),
        &["diff", old, "broken.yaml", "--format", "json"],
    );
    assert_eq!(json.code, 2);
    assert_eq!(json.json()["findings"][0]["name"], "invalid-manifest");
    assert_eq!(
        json.json()["findings"][0]["manifest"]["path"],
        "broken.yaml"
    );

    let missing = run_in(dir.path(), &["diff", old, "missing.yaml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot read the manifest"),
        "{}",
        missing.stderr
    );
}

#[test]
fn sarif_and_github_are_not_changelog_formats() {
    for format in ["sarif", "github"] {
        let run = run_in(&fixtures(), &["diff", V1, V2, "--format", format]);
        assert_eq!(run.code, 2, "{format}");
        assert!(run.stderr.contains("does not print"), "{}", run.stderr);
    }
}

#[test]
fn git_revision_reads_the_workspace_manifest_at_that_revision() {
    if !git_available() {
        eprintln!("note: git is not installed; the `git:REV` test is skipped");
        return;
    }
    // The repository's root is above the cargo workspace, so the manifest's path
    // in git (`app/telemetry.yaml`) differs from its path in the workspace.
    let repo = tempfile::tempdir().unwrap();
    let app = repo.path().join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(app.join("src/lib.rs"), "").unwrap();
    std::fs::copy(fixtures().join(V1), app.join("telemetry.yaml")).unwrap();
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "v1"]);
    git(repo.path(), &["tag", "v1.0.0"]);
    std::fs::copy(fixtures().join(V2), app.join("telemetry.yaml")).unwrap();

    let from_git = run_in(&app, &["diff", "git:v1.0.0", "telemetry.yaml"]);
    assert_eq!(from_git.code, 0, "{}", from_git.transcript());
    let from_files = run_in(&fixtures(), &["diff", V1, V2]);
    assert_eq!(
        from_git.stdout.replacen(
            "From `git:v1.0.0` to `telemetry.yaml`.",
            &format!("From `{V1}` to `{V2}`."),
            1
        ),
        from_files.stdout,
        "the revision's manifest is read, not the working copy's"
    );

    let json = run_in(
        &app,
        &["diff", "git:v1.0.0", "telemetry.yaml", "--format", "json"],
    )
    .json();
    assert_eq!(json["old"]["source"], "git:v1.0.0");

    let unknown = run_in(&app, &["diff", "git:v9.9.9", "telemetry.yaml"]);
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
    assert!(
        unknown.stderr.contains("unknown-revision"),
        "{}",
        unknown.stderr
    );
    assert!(unknown.stderr.contains("v9.9.9"), "{}", unknown.stderr);

    let unknown_json = run_in(
        &app,
        &["diff", "git:v9.9.9", "telemetry.yaml", "--format", "json"],
    );
    assert_eq!(unknown_json.code, 2);
    assert_eq!(
        unknown_json.json()["findings"][0]["name"],
        "unknown-revision"
    );

    // Outside any git repository.
    let lone = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join(V2), lone.path().join("telemetry.yaml")).unwrap();
    let outside = run_with(
        Some(lone.path()),
        &[
            "diff",
            "--manifest",
            "telemetry.yaml",
            "git:HEAD",
            "telemetry.yaml",
        ],
        &[("GIT_CEILING_DIRECTORIES", lone.path().to_str().unwrap())],
    );
    assert_eq!(outside.code, 2, "{}", outside.transcript());
    assert!(
        outside.stderr.contains("not in a git repository"),
        "{}",
        outside.stderr
    );
}

#[test]
fn git_revision_without_git_cannot_run() {
    let empty = tempfile::tempdir().unwrap();
    let run = run_with(
        Some(&fixtures()),
        &["diff", "--manifest", V2, "git:v1.0.0", V2],
        &[("PATH", empty.path().to_str().unwrap())],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("no-git"), "{}", run.stderr);
    assert!(run.stderr.contains("cannot run `git`"), "{}", run.stderr);
}

#[test]
fn the_first_release_with_telemetry_adds_every_event() {
    if !git_available() {
        eprintln!("note: git is not installed; the `git:REV` test is skipped");
        return;
    }
    // v0.1.0 has no manifest: telemetry is added after it.
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("README.md"), "acme\n").unwrap();
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "before telemetry"]);
    git(repo.path(), &["tag", "v0.1.0"]);
    std::fs::copy(fixtures().join(V1), repo.path().join("telemetry.yaml")).unwrap();

    let args = [
        "diff",
        "--manifest",
        "telemetry.yaml",
        "git:v0.1.0",
        "telemetry.yaml",
    ];
    let run = run_in(repo.path(), &args);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "`git:v0.1.0` has no telemetry manifest: telemetry is new, and every event is added."
        ),
        "{}",
        run.stdout
    );
    let headings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("## "))
        .collect();
    assert_eq!(headings, ["## Events added"], "{}", run.stdout);

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = run_in(repo.path(), &json_args).json();
    assert_eq!(json["old"]["absent"], true);
    assert_eq!(json["new"]["absent"], false);
    let added: Vec<&str> = json["events_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        added,
        [
            "build_finished",
            "command_started",
            "project_cleaned",
            "tests_finished"
        ]
    );
    assert_eq!(json["events_removed"], serde_json::json!([]));
    assert_eq!(json["project"], serde_json::json!([]));

    // A revision that does not exist is still an error.
    let unknown = run_in(
        repo.path(),
        &[
            "diff",
            "--manifest",
            "telemetry.yaml",
            "git:v9.9.9",
            "telemetry.yaml",
        ],
    );
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
}
