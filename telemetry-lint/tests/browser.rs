//! `TELEMETRY.html` in a real browser: headless Chromium, driven over the W3C
//! WebDriver protocol (<https://www.w3.org/TR/webdriver2/>) through `chromedriver`,
//! loads the example's committed page, types into the search field, picks a data
//! category, and checks what is shown; a second session with scripts disabled checks
//! that every event is visible and the search form absent.
//!
//! Chromium and chromedriver come from the distribution's packages (`chromium`,
//! `chromium-driver` on Debian); `.ci/run` installs them. Without them the test
//! prints why it is skipped and passes. `TELEMETRY_LINT_CHROMIUM` and
//! `TELEMETRY_LINT_CHROMEDRIVER` name other binaries.
//!
//! With `UPDATE_GENERATED=1` the test also writes the screenshot the README shows,
//! `docs/telemetry-html.png`; otherwise the screenshot goes to cargo's temporary
//! directory for tests (`target/tmp`).
//! A screenshot depends on the fonts installed, so it is not compared.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// The flags Chromium runs with: headless, no sandbox (the tests may run as root),
/// and nothing that reaches the network by itself.
const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The W3C WebDriver key code of Tab.
const TAB: &str = "\u{E004}";

fn find_binary(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A running chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        // A free port: bind to 0, read it, release it for chromedriver.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        // Drain its output so it never blocks on a full pipe.
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || for _ in BufReader::new(out).lines() {});
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            agent,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(status) = driver.get("/status")
                && status["ready"] == json!(true)
            {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {} within 30 s",
                driver.base
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn value(mut response: ureq::http::Response<ureq::Body>) -> Result<Value, String> {
        let status = response.status();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        let body: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
        if status.is_success() {
            Ok(body["value"].clone())
        } else {
            Err(format!("{status}: {}", body["value"]))
        }
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        let response = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .map_err(|e| e.to_string())?;
        Self::value(response)
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .agent
            .post(format!("{}{path}", self.base))
            .content_type("application/json")
            .send(body.to_string())
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        Self::value(response).unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    fn session(&self, chromium: &Path, profile: &Path, scripts: bool) -> Session<'_> {
        let mut args: Vec<String> = FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push("--window-size=1200,900".to_owned());
        let mut options = json!({ "binary": chromium, "args": args });
        if !scripts {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let value = self.post(
            "/session",
            &json!({ "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
            } } }),
        );
        let id = value["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Session { driver: self, id }
    }
}

/// One browser session, closed when dropped.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .agent
            .delete(format!("{}/session/{}", self.driver.base, self.id))
            .call();
    }
}

impl Session<'_> {
    fn post(&self, path: &str, body: Value) -> Value {
        self.driver
            .post(&format!("/session/{}{path}", self.id), &body)
    }

    fn get(&self, path: &str) -> Value {
        self.driver
            .get(&format!("/session/{}{path}", self.id))
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    fn open(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    /// The element ids of every element `css` selects.
    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.post(
            "/elements",
            json!({ "using": "css selector", "value": css }),
        );
        found
            .as_array()
            .expect("a list of elements")
            .iter()
            .map(element_id)
            .collect()
    }

    fn find(&self, css: &str) -> String {
        element_id(&self.post("/element", json!({ "using": "css selector", "value": css })))
    }

    fn displayed(&self, element: &str) -> bool {
        self.get(&format!("/element/{element}/displayed")) == json!(true)
    }

    fn attribute(&self, element: &str, name: &str) -> String {
        self.get(&format!("/element/{element}/attribute/{name}"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn text(&self, element: &str) -> String {
        self.get(&format!("/element/{element}/text"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn type_into(&self, element: &str, text: &str) {
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    fn clear(&self, element: &str) {
        self.post(&format!("/element/{element}/clear"), json!({}));
    }

    fn click(&self, element: &str) {
        self.post(&format!("/element/{element}/click"), json!({}));
    }

    fn press(&self, key: &str) {
        self.post(
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                { "type": "keyDown", "value": key },
                { "type": "keyUp", "value": key },
            ] }] }),
        );
    }

    /// The ids of the event articles on screen, in page order.
    fn shown_events(&self) -> Vec<String> {
        self.find_all("article.event")
            .into_iter()
            .filter(|e| self.displayed(e))
            .map(|e| self.attribute(&e, "id"))
            .collect()
    }

    fn screenshot(&self) -> Vec<u8> {
        let data = self.get("/screenshot");
        base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 text"))
            .expect("a base64 PNG")
    }
}

fn element_id(value: &Value) -> String {
    value["element-6066-11e4-a52e-4f735466cecf"]
        .as_str()
        .unwrap_or_else(|| panic!("an element reference, not {value}"))
        .to_owned()
}

fn events(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| format!("event-{n}")).collect()
}

#[test]
fn the_example_page_searches_filters_and_works_without_scripts() {
    let chromium = find_binary(
        "TELEMETRY_LINT_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let chromedriver = find_binary("TELEMETRY_LINT_CHROMEDRIVER", &["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        println!(
            "skipped: the browser test needs Chromium and chromedriver on PATH (Debian: `apt-get install chromium chromium-driver`; `.ci/run` installs them)"
        );
        return;
    };
    println!("chromium: {}", chromium.display());
    println!("chromedriver: {}", chromedriver.display());
    let page = common::root()
        .join("examples/acme/TELEMETRY.html")
        .canonicalize()
        .expect("examples/acme/TELEMETRY.html exists");
    let url = format!("file://{}", page.display());
    let all = events(&[
        "build_finished",
        "command_finished",
        "command_started",
        "project_cleaned",
        "project_initialized",
        "tests_finished",
    ]);

    let driver = Driver::start(&chromedriver);
    let profile = tempfile::tempdir().expect("a profile directory");

    {
        let session = driver.session(&chromium, profile.path(), true);
        session.open(&url);
        assert_eq!(session.get("/title"), json!("Telemetry in acme"));

        let search = session.find("#search");
        let status = session.find("#shown");
        assert!(
            session.displayed(&session.find("#finder")),
            "the search form is shown"
        );
        assert_eq!(session.shown_events(), all);
        assert_eq!(session.text(&status), "6 of 6 events shown");
        println!("loaded {url}: 6 of 6 events shown, search form visible");

        // Keyboard: the first Tab reaches the skip link.
        session.press(TAB);
        let active = element_id(&session.get("/element/active"));
        assert_eq!(session.text(&active), "Skip to the events");
        println!("Tab focuses the skip link");

        session.type_into(&search, "disk space");
        assert_eq!(session.shown_events(), events(&["project_cleaned"]));
        assert_eq!(session.text(&status), "1 of 6 events shown");
        println!("search \"disk space\": {:?}", session.shown_events());

        session.clear(&search);
        session.type_into(&search, "TEMPLATE");
        assert_eq!(session.shown_events(), events(&["project_initialized"]));
        println!("search \"TEMPLATE\": {:?}", session.shown_events());

        session.clear(&search);
        session.type_into(&search, "nothing-sends-this");
        assert_eq!(session.shown_events(), Vec::<String>::new());
        assert!(session.displayed(&session.find("#no-match")));
        assert_eq!(session.text(&status), "0 of 6 events shown");
        println!("search \"nothing-sends-this\": no event, \"No event matches\" shown");

        session.clear(&search);
        session.click(&session.find("#category option[value=interaction]"));
        let interaction = events(&[
            "build_finished",
            "command_finished",
            "command_started",
            "project_initialized",
        ]);
        assert_eq!(session.shown_events(), interaction);
        println!("category interaction: {:?}", session.shown_events());

        session.type_into(&search, "build");
        assert_eq!(
            session.shown_events(),
            events(&["build_finished", "command_finished", "command_started"])
        );
        println!(
            "category interaction and search \"build\": {:?}",
            session.shown_events()
        );

        session.click(&session.find("#category option[value=technical]"));
        assert_eq!(
            session.shown_events(),
            events(&[
                "build_finished",
                "command_finished",
                "command_started",
                "project_cleaned"
            ])
        );
        println!(
            "category technical and search \"build\": {:?}",
            session.shown_events()
        );

        // The screenshot the README shows: the search at work.
        session.click(&session.find("#category option[value='']"));
        session.clear(&search);
        session.type_into(&search, "build");
        session.post(
            "/execute/sync",
            json!({ "script": "document.getElementById('events-heading').scrollIntoView();", "args": [] }),
        );
        let png = session.screenshot();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = if std::env::var_os("UPDATE_GENERATED").is_some_and(|v| v == "1") {
            common::root().join("docs/telemetry-html.png")
        } else {
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("telemetry-html.png")
        };
        std::fs::write(&path, &png).expect("write the screenshot");
        println!("screenshot: {} ({} bytes)", path.display(), png.len());
    }

    {
        let profile = tempfile::tempdir().expect("a profile directory");
        let session = driver.session(&chromium, profile.path(), false);
        session.open(&url);
        assert!(
            !session.displayed(&session.find("#finder")),
            "without scripts the search form stays hidden"
        );
        assert_eq!(
            session.shown_events(),
            all,
            "without scripts every event is shown"
        );
        assert!(!session.displayed(&session.find("#no-match")));
        println!("scripts disabled: search form hidden, 6 of 6 events shown");
    }
}
