//! `cargo telemetry-lint review`: the data review request, on the diff fixtures
//! (the events new or changed since a git revision holding
//! `fixtures/diff-v1/telemetry.yaml`, answered from `fixtures/diff-v2`, which
//! answers no governance question), on the example (which answers every one), and
//! the ways it refuses to run.

mod common;

use std::path::Path;

use common::{fixtures, git, git_available, root, run, run_in};

/// A cargo workspace in a git repository whose tag `v1.0.0` holds the manifest
/// `old` and whose working copy holds `new` (both relative to `fixtures/`).
fn repository(old: Option<&str>, new: &str) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    if let Some(old) = old {
        std::fs::copy(fixtures().join(old), dir.join("telemetry.yaml")).unwrap();
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "v1"]);
    git(dir, &["tag", "v1.0.0"]);
    std::fs::copy(fixtures().join(new), dir.join("telemetry.yaml")).unwrap();
    repo
}

#[test]
fn since_a_revision_lists_the_unanswered_questions() {
    if !git_available() {
        eprintln!("note: git is not installed; the `review --since git:REV` test is skipped");
        return;
    }
    let repo = repository(Some("diff-v1/telemetry.yaml"), "diff-v2/telemetry.yaml");
    let run = run_in(repo.path(), &["review", "--since", "git:v1.0.0"]);
    assert_eq!(
        run.code,
        1,
        "required answers are missing\n{}",
        run.transcript()
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    insta::assert_snapshot!("review-since-markdown", run.stdout);
    assert!(run.stdout.contains(
        "For the events new or changed since `git:v1.0.0`: `build_finished`, `cache_cleared`, `command_started`, `tests_finished`."
    ));
    assert!(run.stdout.contains(
        "| Mozilla 3. What else was considered to answer them, and why is it not enough? | `cache_cleared` | `events.cache_cleared.alternatives` | yes |"
    ));

    let json = run_in(
        repo.path(),
        &["review", "--since", "git:v1.0.0", "--format", "json"],
    );
    assert_eq!(json.code, 1);
    insta::assert_snapshot!("review-since-json", json.stdout);
    let doc = json.json();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["since"], "git:v1.0.0");
    assert_eq!(
        doc["events"],
        serde_json::json!([
            "build_finished",
            "cache_cleared",
            "command_started",
            "tests_finished"
        ])
    );
    let questions = doc["questions"].as_array().unwrap();
    // Six questions per event, six of Mozilla's once, four of the Linux Foundation's.
    assert_eq!(questions.len(), 4 * 6 + 6 + 4);
    let required = questions
        .iter()
        .flat_map(|q| q["missing"].as_array().unwrap())
        .filter(|m| m["required"] == true)
        .count();
    assert_eq!(doc["required_unanswered"], required);
    assert!(required > 0);
    let sources: Vec<&str> = questions
        .iter()
        .map(|q| q["source_url"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"https://github.com/mozilla/data-review/blob/main/request.md"));
    assert!(sources.contains(&"https://bestpractices.linuxfoundation.org/privacy/telemetry.html"));
    // Every answer names a line of the manifest that exists.
    let lines = std::fs::read_to_string(repo.path().join("telemetry.yaml"))
        .unwrap()
        .lines()
        .count();
    for answer in questions
        .iter()
        .flat_map(|q| q["answers"].as_array().unwrap())
    {
        assert_eq!(answer["source"]["path"], "telemetry.yaml");
        let line = answer["source"]["line"].as_u64().unwrap() as usize;
        assert!((1..=lines).contains(&line), "{answer}");
    }
    let again = run_in(
        repo.path(),
        &["review", "--since", "git:v1.0.0", "--format", "json"],
    );
    assert_eq!(again.stdout, json.stdout, "the same bytes on every run");
}

#[test]
fn since_a_revision_without_a_manifest_reviews_every_event() {
    if !git_available() {
        eprintln!("note: git is not installed; the `review --since git:REV` test is skipped");
        return;
    }
    let repo = repository(None, "diff-v1/telemetry.yaml");
    let json = run_in(
        repo.path(),
        &["review", "--since", "git:v1.0.0", "--format", "json"],
    );
    assert_eq!(json.code, 1, "{}", json.transcript());
    let doc = json.json();
    assert_eq!(doc["since_absent"], true);
    assert_eq!(
        doc["events"],
        serde_json::json!([
            "build_finished",
            "command_started",
            "project_cleaned",
            "tests_finished"
        ])
    );
}

#[test]
fn the_example_answers_every_required_question() {
    let manifest_path = root().join("examples/acme/Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();
    let run = run(&["review", "--manifest-path", manifest_path]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "No answer that the policy requires is missing, each listed with its question; 2 others are answered by hand in the review."
        ),
        "{}",
        run.stdout
    );
    let named = self::run(&[
        "review",
        "--manifest-path",
        manifest_path,
        "command_finished",
        "--format",
        "json",
    ]);
    assert_eq!(named.code, 0, "{}", named.transcript());
    let doc = named.json();
    assert_eq!(doc["events"], serde_json::json!(["command_finished"]));
    assert_eq!(doc["since"], serde_json::Value::Null);
    let alternatives = &doc["questions"][2];
    assert_eq!(alternatives["number"], 3);
    assert_eq!(
        alternatives["answers"][0]["key"],
        "events.command_finished.alternatives"
    );
}

#[test]
fn unknown_events_and_formats_cannot_run() {
    let manifest_path = root().join("examples/acme/Cargo.toml");
    let manifest_path = manifest_path.to_str().unwrap();
    let unknown = run(&[
        "review",
        "--manifest-path",
        manifest_path,
        "command_finishd",
    ]);
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
    assert!(
        unknown.stderr.contains("did you mean `command_finished`?"),
        "{}",
        unknown.stderr
    );
    let sarif = run(&[
        "review",
        "--manifest-path",
        manifest_path,
        "--format",
        "sarif",
    ]);
    assert_eq!(sarif.code, 2);
    assert!(sarif.stderr.contains("does not print"), "{}", sarif.stderr);
    let both = run(&[
        "review",
        "--manifest-path",
        manifest_path,
        "--since",
        "git:HEAD",
        "command_finished",
    ]);
    assert_eq!(both.code, 2, "{}", both.transcript());
    let missing = run_in(
        Path::new(&fixtures()),
        &[
            "review",
            "--manifest-path",
            manifest_path,
            "--since",
            "missing.yaml",
        ],
    );
    assert_eq!(missing.code, 2, "{}", missing.transcript());
}
