//! acme, a toy build tool instrumented with privacy-safe telemetry.
//!
//! Every event it may send is declared in `telemetry.yaml`; the event structs in
//! `events.rs` are checked against that manifest at compile time, and `telemetry.rs`
//! wires the telemetry runtime: consent, the first-run notice, the status line,
//! debug mode and delivery.

mod commands;
mod events;
mod telemetry;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use telemetry_core::DurationBucket;

use events::{Command, CommandFinished, CommandStarted, Platform, Profile, Template};

const USAGE: &str = "\
acme, a toy build tool

usage: acme [OPTIONS] <COMMAND> [ARGS]

commands:
  init [DIR] [--lib] [--no-git]   create a project in DIR (default: the current directory)
  build [--release]               build the project in the current directory
  test                            build, then run the tests in tests/
  clean                           remove the build output (target/)
  telemetry enable|disable|status turn telemetry on or off for good, or show its status
  telemetry enable --level LEVEL  turn telemetry on up to LEVEL: errors, or usage

options:
  --no-telemetry      send no telemetry for this run
  --print-telemetry   print every telemetry record to stderr instead of sending it
                      (the same as ACME_TELEMETRY_DEBUG=1)
  -h, --help          print this help and the telemetry status
  -V, --version       print the version and the telemetry status

telemetry: acme reports the events listed in telemetry.yaml (see TELEMETRY.md); turn
it off with `acme telemetry disable`, --no-telemetry, ACME_TELEMETRY=0, DO_NOT_TRACK=1
or `telemetry = false` in acme/config.toml; choose a level with ACME_TELEMETRY=errors";

/// A parsed command line.
struct Args {
    command: Command,
    release: bool,
    library: bool,
    git: bool,
    dir: Option<PathBuf>,
    no_telemetry: bool,
    print_telemetry: bool,
}

/// What the command line asks for.
enum Parsed {
    Run(Args),
    Help { no_telemetry: bool },
    Version { no_telemetry: bool },
    Telemetry {
        action: String,
        level: Option<String>,
        no_telemetry: bool,
    },
}

fn parse(args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut command = None;
    let (mut release, mut library, mut no_git) = (false, false, false);
    let (mut no_telemetry, mut print_telemetry, mut help) = (false, false, false);
    let (mut version, mut telemetry_command, mut telemetry_action) = (false, false, None);
    let mut dir = None;
    let (mut level, mut expect_level) = (None, false);
    for arg in args {
        if expect_level {
            level = Some(arg);
            expect_level = false;
            continue;
        }
        match arg.as_str() {
            "-h" | "--help" => help = true,
            "-V" | "--version" => version = true,
            "--no-telemetry" => no_telemetry = true,
            "--print-telemetry" => print_telemetry = true,
            "--release" => release = true,
            "--lib" => library = true,
            "--no-git" => no_git = true,
            "--level" if telemetry_action.as_deref() == Some("enable") => expect_level = true,
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`"));
            }
            "telemetry" if command.is_none() && !telemetry_command => telemetry_command = true,
            word if telemetry_command && telemetry_action.is_none() => {
                if !matches!(word, "enable" | "disable" | "status") {
                    return Err(format!(
                        "unknown telemetry action `{word}`; use enable, disable or status"
                    ));
                }
                telemetry_action = Some(word.to_owned());
            }
            word if command.is_none() && !telemetry_command => {
                command = Some(match word {
                    "build" => Command::Build,
                    "test" => Command::Test,
                    "clean" => Command::Clean,
                    "init" => Command::Init,
                    other => return Err(format!("unknown command `{other}`")),
                });
            }
            word if command == Some(Command::Init) && dir.is_none() => {
                dir = Some(PathBuf::from(word));
            }
            word => return Err(format!("unexpected argument `{word}`")),
        }
    }
    if expect_level {
        return Err("--level needs a level: errors or usage".to_owned());
    }
    if version {
        return Ok(Parsed::Version { no_telemetry });
    }
    if telemetry_command && !help {
        return Ok(Parsed::Telemetry {
            action: telemetry_action.unwrap_or_else(|| "status".to_owned()),
            level,
            no_telemetry,
        });
    }
    let Some(command) = command else {
        return if help {
            Ok(Parsed::Help { no_telemetry })
        } else {
            Err("no command given".to_owned())
        };
    };
    if help {
        return Ok(Parsed::Help { no_telemetry });
    }
    let misplaced = match command {
        Command::Build => (library || no_git).then_some("--lib and --no-git belong to `init`"),
        Command::Init => release.then_some("--release belongs to `build`"),
        Command::Test | Command::Clean => (release || library || no_git)
            .then_some("--release belongs to `build`, --lib and --no-git to `init`"),
    };
    if let Some(message) = misplaced {
        return Err(message.to_owned());
    }
    Ok(Parsed::Run(Args {
        command,
        release,
        library,
        git: !no_git,
        dir,
        no_telemetry,
        print_telemetry,
    }))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help { no_telemetry }) => {
            let status = telemetry::builder(no_telemetry, false).status_line();
            println!("{USAGE}\n\n{status}");
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version { no_telemetry }) => {
            let status = telemetry::builder(no_telemetry, false).status_line();
            println!("acme {}\n{status}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Telemetry {
            action,
            level,
            no_telemetry,
        }) => {
            return match telemetry::command(&action, level.as_deref(), no_telemetry) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            };
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let telemetry = telemetry::start(args.no_telemetry, args.print_telemetry);
    telemetry.record(&CommandStarted {
        command: args.command,
        platform: Platform::current(),
    });

    let started = Instant::now();
    let here = PathBuf::from(".");
    let result = match args.command {
        Command::Init => {
            let template = if args.library {
                Template::Library
            } else {
                Template::Binary
            };
            let dir = args.dir.unwrap_or(here);
            commands::init(&dir, template, args.git, &telemetry)
        }
        Command::Build => {
            let profile = if args.release {
                Profile::Release
            } else {
                Profile::Debug
            };
            commands::build(&here, profile, &telemetry)
        }
        Command::Test => commands::test(&here, &telemetry),
        Command::Clean => commands::clean(&here, &telemetry),
    };
    telemetry.record(&CommandFinished {
        command: args.command,
        success: result.is_ok(),
        duration: DurationBucket::from(started.elapsed()),
    });
    // Sends what is pending; waits at most this long, whatever the collector does.
    telemetry.shutdown(telemetry::SHUTDOWN);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
