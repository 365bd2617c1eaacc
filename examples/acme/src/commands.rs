//! The subcommands: `init`, `build`, `test` and `clean`.
//!
//! An acme project is a directory with `acme.toml`, sources in `src/*.acme` and
//! tests in `tests/*.acme`. The toy language has two instructions per line, `say
//! TEXT` and `call NAME`, and `#` comments. A build checks every source and writes
//! it to `target/<profile>/<name>.out` (release output drops comments); a source
//! whose output is newer is not rebuilt. A test file holds `expect TEXT` lines, each
//! one a test case that passes when some source says TEXT.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process;
use std::time::Instant;

use telemetry_core::{DurationBucket, SizeBucket};

use crate::events::{
    BuildFinished, Profile, ProjectCleaned, ProjectInitialized, Template, TestsFinished,
};
use crate::telemetry::Telemetry;

/// A failed command: the message to print.
pub type Failure = String;

/// `acme init [DIR] [--lib] [--no-git]`: creates a new project.
pub fn init(
    dir: &Path,
    template: Template,
    git: bool,
    telemetry: &Telemetry,
) -> Result<(), Failure> {
    let manifest = dir.join("acme.toml");
    if manifest.exists() {
        return Err(format!(
            "{} already exists; run `acme init` in an empty directory",
            manifest.display()
        ));
    }
    let name = project_name(dir);
    let (kind, source, code, test) = match template {
        Template::Binary => (
            "binary",
            "main.acme",
            "say hello from acme\n",
            "expect hello from acme\n",
        ),
        Template::Library => (
            "library",
            "lib.acme",
            "# greetings for other projects\nsay hello\n",
            "expect hello\n",
        ),
    };
    let write = |path: PathBuf, text: &str| -> Result<(), Failure> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_failure("create", parent, &e))?;
        }
        fs::write(&path, text).map_err(|e| io_failure("write", &path, &e))
    };
    write(manifest, &format!("name = \"{name}\"\nkind = \"{kind}\"\n"))?;
    write(dir.join("src").join(source), code)?;
    write(dir.join("tests").join("hello.acme"), test)?;

    let git_created = git.then(|| {
        process::Command::new("git")
            .arg("init")
            .arg("--quiet")
            .arg(dir)
            .status()
            .is_ok_and(|status| status.success())
    });
    if git_created == Some(false) {
        eprintln!("warning: could not create a git repository; is git installed?");
    }
    println!("created {kind} project `{name}` in {}", dir.display());
    telemetry.record(&ProjectInitialized {
        template,
        git: git_created,
    });
    Ok(())
}

/// `acme build [--release]`: builds every source of the project in `root`.
pub fn build(root: &Path, profile: Profile, telemetry: &Telemetry) -> Result<(), Failure> {
    let started = Instant::now();
    let built = compile_all(root, profile)?;
    println!(
        "built {} target(s), {} fresh, in {} mode",
        built.targets,
        built.fresh,
        profile.dir_name()
    );
    telemetry.record(&BuildFinished {
        profile,
        targets: built.targets,
        output_size: SizeBucket::from_bytes(built.output_bytes),
        duration: DurationBucket::from(started.elapsed()),
    });
    Ok(())
}

/// `acme test`: builds in debug mode, then runs every `expect` line of `tests/`.
pub fn test(root: &Path, telemetry: &Telemetry) -> Result<(), Failure> {
    let started = Instant::now();
    compile_all(root, Profile::Debug)?;
    let said = said_texts(&root.join("target").join(Profile::Debug.dir_name()))?;
    let (mut passed, mut failed) = (0u32, 0u32);
    for file in acme_files(&root.join("tests"))? {
        let text = fs::read_to_string(&file).map_err(|e| io_failure("read", &file, &e))?;
        for (number, line) in text.lines().enumerate() {
            let Some(expected) = line.trim().strip_prefix("expect ") else {
                continue;
            };
            if said.iter().any(|s| s == expected.trim()) {
                passed += 1;
            } else {
                failed += 1;
                println!(
                    "FAILED {}:{}: nothing says `{}`",
                    file.display(),
                    number + 1,
                    expected.trim()
                );
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    telemetry.record(&TestsFinished {
        passed,
        failed,
        duration: DurationBucket::from(started.elapsed()),
    });
    if failed > 0 {
        return Err(format!("{failed} test case(s) failed"));
    }
    Ok(())
}

/// `acme clean`: removes `target/`.
pub fn clean(root: &Path, telemetry: &Telemetry) -> Result<(), Failure> {
    require_project(root)?;
    let target = root.join("target");
    let had_output = target.is_dir();
    let freed = if had_output { dir_size(&target) } else { 0 };
    if had_output {
        fs::remove_dir_all(&target).map_err(|e| io_failure("remove", &target, &e))?;
        println!("removed {}", target.display());
    } else {
        println!("nothing to clean");
    }
    telemetry.record(&ProjectCleaned {
        had_output,
        freed: SizeBucket::from_bytes(freed),
    });
    Ok(())
}

/// What a build did.
struct Built {
    targets: u32,
    fresh: u32,
    output_bytes: u64,
}

fn compile_all(root: &Path, profile: Profile) -> Result<Built, Failure> {
    require_project(root)?;
    let out_dir = root.join("target").join(profile.dir_name());
    fs::create_dir_all(&out_dir).map_err(|e| io_failure("create", &out_dir, &e))?;
    let mut built = Built {
        targets: 0,
        fresh: 0,
        output_bytes: 0,
    };
    let mut errors = Vec::new();
    for source in acme_files(&root.join("src"))? {
        let stem = source.file_stem().unwrap_or_default();
        let output = out_dir.join(stem).with_extension("out");
        built.targets += 1;
        if is_fresh(&source, &output) {
            built.fresh += 1;
        } else {
            let text = fs::read_to_string(&source).map_err(|e| io_failure("read", &source, &e))?;
            match compile(&text, profile) {
                Ok(code) => {
                    fs::write(&output, code).map_err(|e| io_failure("write", &output, &e))?
                }
                Err((line, message)) => {
                    errors.push(format!("{}:{line}: {message}", source.display()));
                    continue;
                }
            }
        }
        built.output_bytes += fs::metadata(&output).map_or(0, |m| m.len());
    }
    if errors.is_empty() {
        Ok(built)
    } else {
        Err(errors.join("\n"))
    }
}

/// Checks one source; returns the output, or the first bad line and what is wrong.
fn compile(text: &str, profile: Profile) -> Result<String, (usize, String)> {
    let mut out = String::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (line.starts_with('#') && profile == Profile::Release) {
            continue;
        }
        let known = line.starts_with('#')
            || line.strip_prefix("say ").is_some()
            || line
                .strip_prefix("call ")
                .is_some_and(|name| !name.trim().is_empty());
        if !known {
            return Err((
                number + 1,
                format!("unknown instruction `{line}`; write `say TEXT` or `call NAME`"),
            ));
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

fn said_texts(out_dir: &Path) -> Result<Vec<String>, Failure> {
    let mut said = Vec::new();
    let entries = fs::read_dir(out_dir).map_err(|e| io_failure("read", out_dir, &e))?;
    for entry in entries.flatten() {
        let text = fs::read_to_string(entry.path()).unwrap_or_default();
        said.extend(
            text.lines()
                .filter_map(|line| line.strip_prefix("say "))
                .map(|s| s.trim().to_owned()),
        );
    }
    Ok(said)
}

fn is_fresh(source: &Path, output: &Path) -> bool {
    let modified = |path: &Path| fs::metadata(path).and_then(|m| m.modified()).ok();
    match (modified(source), modified(output)) {
        (Some(source), Some(output)) => output >= source,
        _ => false,
    }
}

/// The `*.acme` files of a directory, sorted; none when it does not exist.
fn acme_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_failure("read", dir, &e)),
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "acme"))
        .collect();
    files.sort();
    Ok(files)
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_size(&entry.path()),
            Ok(_) => entry.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

fn require_project(root: &Path) -> Result<(), Failure> {
    if root.join("acme.toml").is_file() {
        Ok(())
    } else {
        Err(format!(
            "no acme.toml in {}; run `acme init` to create a project",
            root.display()
        ))
    }
}

fn project_name(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    absolute
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".to_owned())
}

fn io_failure(action: &str, path: &Path, error: &io::Error) -> Failure {
    format!("cannot {action} {}: {error}", path.display())
}
