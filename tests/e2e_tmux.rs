// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! End to end: the real binary in tmux against a local mock of every source. Waits for
//! rows, types a filter, checks the screen, copies a value, quits, and checks the exit
//! code and that hostile feed strings changed neither the pane title nor the clipboard.
//!
//! Uses `$INTELLISIEM_E2E_BIN` when set (CI points it at the release build), else the
//! binary cargo built for this test run. Needs `tmux` (`.ci/run` installs it): without it
//! these tests fail, unless `INTELLISIEM_SKIP_TMUX=1` says to skip them.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    /// Waits until `what` is gone from the screen; returns the screen.
    fn wait_gone(&self, what: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if !screen.contains(what) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("`{what}` stayed on screen for {timeout:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for(&self, what: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if screen.contains(what) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("`{what}` did not appear within {timeout:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn title(&self) -> String {
        let out = self.cmd(&["display-message", "-p", "-t", "e2e", "#{pane_title}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn buffers(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["list-buffers", "-F", "#{buffer_sample}"]).stdout)
            .into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn binary() -> PathBuf {
    std::env::var_os("INTELLISIEM_E2E_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_intellisiem")))
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether `test` can run. Without tmux it fails, unless `INTELLISIEM_SKIP_TMUX=1`: then
/// it says on one line that it is skipped and why (on the real stderr, past the test
/// harness's capture, so the skip shows in a plain `cargo test`), and does not run.
fn tmux_or_skip(test: &str) -> bool {
    if have_tmux() {
        return true;
    }
    if std::env::var_os("INTELLISIEM_SKIP_TMUX").is_some_and(|v| v == "1") {
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped: tmux is not installed and INTELLISIEM_SKIP_TMUX=1"
        );
        return false;
    }
    panic!(
        "tmux is not installed (`tmux -V` failed): install tmux, or set \
         INTELLISIEM_SKIP_TMUX=1 to skip the end-to-end tests"
    );
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// Starts the dashboard in a fresh 110x40 tmux server on `yaml` (or `--demo` for
/// `None`); returns the session, the temporary folder and the file the exit code lands
/// in.
fn launch(yaml: Option<&str>, tag: &str) -> (Tmux, tempfile::TempDir, PathBuf) {
    launch_sized(yaml, tag, (110, 40))
}

/// [`launch`] in a terminal of `size` (columns, lines), in a UTF-8 locale.
fn launch_sized(
    yaml: Option<&str>,
    tag: &str,
    size: (u16, u16),
) -> (Tmux, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    let args = match yaml {
        Some(y) => {
            std::fs::write(&cfg, y).unwrap();
            format!("--config {}", shell_quote(&cfg))
        }
        None => "--demo".to_string(),
    };
    launch_in(dir, &args, &[], tag, size)
}

/// The binary with `args` in `dir` (its home), with `env` set besides, in a fresh tmux
/// server of `size`.
fn launch_in(
    dir: tempfile::TempDir,
    args: &str,
    env: &[(&str, &str)],
    tag: &str,
    size: (u16, u16),
) -> (Tmux, tempfile::TempDir, PathBuf) {
    let exit_file = dir.path().join("exit");
    let bin = binary();
    assert!(bin.exists(), "{}", bin.display());
    let tmux = Tmux {
        socket: format!("intellisiem-e2e-{tag}-{}", std::process::id()),
    };
    let unset: String = ENV_TO_CLEAR.iter().map(|v| format!("-u {v} ")).collect();
    let set: String = env
        .iter()
        .map(|(k, v)| format!("{k}={} ", shell_quote(Path::new(v))))
        .collect();
    let script = format!(
        "cd {dir} && env {unset} -u XDG_DOWNLOAD_DIR {set}HOME={dir} XDG_STATE_HOME={dir}/state TERM=xterm-256color LC_ALL=C.UTF-8 {bin} {args}; echo $? > {exit}; sleep 30",
        dir = shell_quote(dir.path()),
        bin = shell_quote(&bin),
        exit = shell_quote(&exit_file),
    );
    let (w, h) = (size.0.to_string(), size.1.to_string());
    let out = tmux.cmd(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        &w,
        "-y",
        &h,
        "sh",
        "-c",
        &script,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmux.cmd(&["set-option", "-g", "set-clipboard", "on"]);
    (tmux, dir, exit_file)
}

fn wait_exit(exit_file: &Path) -> String {
    let start = Instant::now();
    while !exit_file.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    std::fs::read_to_string(exit_file)
        .expect("the dashboard exited")
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_in_tmux_shows_rows_filters_copies_and_quits_cleanly() {
    if !tmux_or_skip("dashboard_in_tmux_shows_rows_filters_copies_and_quits_cleanly") {
        return;
    }
    let server = MockServer::start().await;
    // A feed whose threat names try to set the title and the clipboard.
    Mock::given(path("/evil/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"[{"ip_address":"203.0.113.66","port":443,"malware":"\u001b]0;PWNED\u0007x"},
                {"ip_address":"203.0.113.67","port":443,"malware":"\u001b]52;c;aGFja2Vk\u0007"}]"#,
        ))
        .mount(&server)
        .await;
    mount_all(&server).await;
    let yaml = format!(
        "{}  - {{ name: evil, kind: feodo, url: \"{}/evil/feodo.json\" }}\n",
        sample_config(&server.uri()),
        server.uri()
    );
    let (tmux, _dir, exit_file) = launch(Some(&yaml), "main");
    let title_before = tmux.title();

    // Rows from every source, merged.
    let screen = tmux.wait_for("45.0.0.3", Duration::from_secs(20));
    assert!(screen.contains("IntelliSIEM"), "{screen}");
    // The sources finish in any order: wait for each.
    for name in [
        "evil",
        "vt",
        "otx",
        "urlhaus",
        "feodo",
        "threatfox",
        "kev",
        "phish",
    ] {
        tmux.wait_for(&format!("✓ {name}"), Duration::from_secs(10));
    }

    // A live filter narrows the table; hostile text shows escaped.
    tmux.keys(&["/", "PWNED"]);
    let screen = tmux.wait_for("1 shown", Duration::from_secs(5));
    assert!(screen.contains("203.0.113.66"), "{screen}");
    assert!(screen.contains("\\x1b]0;PWNED"), "{screen}");
    tmux.keys(&["Enter"]);

    // Copy the selected value with OSC 52: tmux takes it as a buffer.
    tmux.keys(&["y"]);
    let start = Instant::now();
    while !tmux.buffers().contains("203.0.113.66") && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let buffers = tmux.buffers();
    assert!(buffers.contains("203.0.113.66"), "buffers: {buffers:?}");
    assert!(
        !buffers.contains("hacked"),
        "the feed wrote the clipboard: {buffers:?}"
    );

    // Details of the selected indicator.
    tmux.keys(&["Enter"]);
    tmux.wait_for("Sightings (1)", Duration::from_secs(5));
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["q"]);

    assert_eq!(wait_exit(&exit_file), "0");
    assert_eq!(tmux.title(), title_before, "the pane title changed");
    assert!(!tmux.title().contains("PWNED"));
    // The terminal is back on the normal screen: no table left over.
    let after = tmux.capture();
    assert!(!after.contains("Indicators ("), "{after}");
}

/// Sends `signal` to the dashboard running in tmux: it leaves its screen and exits 0.
async fn signal_restores_the_terminal(test: &str, signal: &str) {
    if !tmux_or_skip(test) {
        return;
    }
    let server = MockServer::start().await;
    mount_all(&server).await;
    let tag = signal.to_ascii_lowercase();
    let (tmux, _dir, exit_file) = launch(Some(&sample_config(&server.uri())), &tag);
    tmux.wait_for("45.0.0.3", Duration::from_secs(20));
    let out = tmux.cmd(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let kill = Command::new("pkill")
        .args([&format!("-{signal}"), "-P", &shell, "-x", "intellisiem"])
        .status();
    assert!(
        kill.is_ok_and(|s| s.success()),
        "no dashboard process under {shell}"
    );
    assert_eq!(wait_exit(&exit_file), "0");
    let after = tmux.capture();
    assert!(
        !after.contains("Indicators ("),
        "still on the dashboard screen:\n{after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("sigterm_restores_the_terminal", "TERM").await;
}

/// SIGHUP (an SSH session dropped, the terminal closed) restores it as SIGTERM does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("sighup_restores_the_terminal", "HUP").await;
}

/// Lines of a captured screen that are indicator table rows: inside the table's border,
/// starting with an indicator type.
fn table_rows(screen: &str) -> usize {
    const TYPES: [&str; 9] = [
        "ipv4", "ipv6", "cidr", "domain", "url", "md5", "sha1", "sha256", "email",
    ];
    screen
        .lines()
        .filter_map(|l| l.strip_prefix('│'))
        .filter(|l| {
            let first = l.split_whitespace().next().unwrap_or("");
            TYPES.contains(&first) || first == "cve"
        })
        .count()
}

/// The screen once `done` holds of it, or as it is after 5 s.
fn settled(tmux: &Tmux, done: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux.capture();
        if done(&screen) || start.elapsed() > Duration::from_secs(5) {
            return screen;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn demo_mode_opens_a_populated_dashboard_without_network_or_keys() {
    if !tmux_or_skip("demo_mode_opens_a_populated_dashboard_without_network_or_keys") {
        return;
    }
    // 80x24: the sources are a strip, and the table keeps at least 14 rows.
    let (tmux, dir, exit_file) = launch_sized(None, "demo", (80, 24));
    tmux.wait_for("✗ et_co", Duration::from_secs(15));
    for name in ["otx", "urlha", "feodo", "threa", "cisa_", "openp", "spamh"] {
        tmux.wait_for(&format!("✓ {name}"), Duration::from_secs(15));
    }
    // A capture can catch a frame half drawn: look until one is whole, for a while.
    let screen = settled(&tmux, |s| table_rows(s) >= 14);
    let rows = table_rows(&screen);
    assert!(rows >= 14, "{rows} table rows at 80x24:\n{screen}");
    assert!(screen.lines().count() <= 24, "{screen}");
    // Tab opens the strip into the full pane; the disabled source is further down.
    tmux.keys(&["Tab", "G"]);
    let screen = tmux.wait_for("virustotal", Duration::from_secs(5));
    assert!(screen.contains("disabled: no API"), "{screen}");
    // Back to the table: the strip again.
    tmux.keys(&["Tab"]);
    let screen = settled(&tmux, |s| !s.contains("┌ Sources") && table_rows(s) >= 14);
    assert!(!screen.contains("┌ Sources"), "{screen}");
    assert!(table_rows(&screen) >= 14, "{screen}");
    assert!(!screen.contains(" 0 indicators"), "{screen}");
    tmux.keys(&["q"]);
    assert_eq!(wait_exit(&exit_file), "0");
    // No cache was written.
    assert!(!dir.path().join(".local/share/intellisiem").exists());
}

/// A local listener standing in for every proxy: it counts each connection made to it
/// and keeps the first bytes of each (a proxy request names its host).
struct Tripwire {
    port: u16,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Tripwire {
    fn start() -> Tripwire {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = std::sync::Arc::clone(&seen);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
                let mut buf = [0u8; 200];
                let n = std::io::Read::read(&mut conn, &mut buf).unwrap_or(0);
                let first = String::from_utf8_lossy(&buf[..n]).into_owned();
                log.lock().unwrap().push(first);
            }
        });
        Tripwire { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn connections(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// The demo makes no connection at all, whatever the environment offers it: every proxy
/// variable points at a listener that records any connection, every service key is set,
/// and look-ups (`e`, remapped by the config's `keys:` to `E`, which the demo honours)
/// answer from the bundled replies.
#[test]
fn the_demo_connects_nowhere_even_with_proxies_and_keys_set() {
    if !tmux_or_skip("the_demo_connects_nowhere_even_with_proxies_and_keys_set") {
        return;
    }
    let trip = Tripwire::start();
    let proxy = trip.url();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(&cfg, "keys: { enrich: [\"E\"] }\nmouse: false\n").unwrap();
    let args = format!("--demo --config {}", shell_quote(&cfg));
    let env = [
        ("HTTP_PROXY", proxy.as_str()),
        ("HTTPS_PROXY", proxy.as_str()),
        ("ALL_PROXY", proxy.as_str()),
        ("http_proxy", proxy.as_str()),
        ("https_proxy", proxy.as_str()),
        ("all_proxy", proxy.as_str()),
        ("NO_PROXY", ""),
        ("no_proxy", ""),
        ("INTELLISIEM_OTX_API_KEY", "e2e-otx-key-3f9a"),
        ("INTELLISIEM_VT_API_KEY", "e2e-vt-key-7c21"),
        ("INTELLISIEM_ABUSECH_AUTH_KEY", "e2e-abuse-key-55d0"),
        ("INTELLISIEM_MISP_API_KEY", "e2e-misp-key-0b8e"),
    ];
    let (tmux, _dir, exit_file) = launch_in(dir, &args, &env, "demo-offline", (110, 40));
    tmux.wait_for("✓ otx", Duration::from_secs(15));
    tmux.wait_for("✓ misp_osint", Duration::from_secs(15));
    // A value the bundled OTX replies know: its pulses, in the details' own block.
    tmux.keys(&["/", "203.0.113.120", "Enter"]);
    tmux.wait_for("1 shown", Duration::from_secs(5));
    tmux.keys(&["E"]);
    tmux.wait_for("otx: 203.0.113.120: 3 pulses", Duration::from_secs(5));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Enrichment", Duration::from_secs(5));
    assert!(screen.contains("Example botnet infrastructure"), "{screen}");
    tmux.keys(&["Escape"]);
    // (A key right after Escape would read as Alt and that key.)
    std::thread::sleep(Duration::from_millis(300));
    // Values the replies do not know, on the first rows: not known, still no request.
    tmux.keys(&["/", "C-u", "Enter"]);
    // The unfiltered table (how many rows depends on today's date: decayed ones hide).
    tmux.wait_gone("1 shown", Duration::from_secs(5));
    tmux.keys(&["g", "E"]);
    tmux.wait_for("is not known", Duration::from_secs(5));
    for _ in 0..3 {
        tmux.keys(&["j", "E"]);
        std::thread::sleep(Duration::from_millis(600));
    }
    // Refreshing every source goes to the bundled documents too.
    tmux.keys(&["R"]);
    std::thread::sleep(Duration::from_secs(2));
    tmux.keys(&["q"]);
    assert_eq!(wait_exit(&exit_file), "0");
    assert_eq!(
        trip.connections(),
        Vec::<String>::new(),
        "the demo connected to the proxy"
    );
}

/// Two analysts' dashboards on one PostgreSQL store: what the first fetches shows in the
/// second within 2 s, and the second never asks the feed itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dashboards_share_one_postgres_store() {
    if !tmux_or_skip("two_dashboards_share_one_postgres_store") {
        return;
    }
    let Some((_, url)) = common::pg::fresh("two_dashboards").await else {
        return;
    };
    let server = MockServer::start().await;
    let feed = |ips: &[&str]| {
        serde_json::Value::Array(
            ips.iter()
                .map(|ip| serde_json::json!({"ip_address": ip, "port": 443, "status": "online", "malware": "Dridex"}))
                .collect(),
        )
    };
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(feed(&["192.0.2.10", "192.0.2.11"])))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(feed(&[
            "192.0.2.10",
            "192.0.2.11",
            "198.51.100.99",
        ])))
        .mount(&server)
        .await;
    let yaml = format!(
        "cache: {{ url: \"{url}\" }}\nsources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo.json\", refresh: 1h }}\n",
        server.uri()
    );
    let (first, _d1, _e1) = launch(Some(&yaml), "team-a");
    first.wait_for("192.0.2.11", Duration::from_secs(20));
    let hits = || async {
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == "/feodo.json")
            .count()
    };
    let before = hits().await;
    assert_eq!(before, 1);
    // The second dashboard starts on what the first fetched, without fetching.
    let (second, _d2, _e2) = launch(Some(&yaml), "team-b");
    second.wait_for("192.0.2.11", Duration::from_secs(20));
    assert_eq!(
        hits().await,
        1,
        "the second dashboard fetched the feed itself"
    );
    // A refresh in the first shows in the second.
    first.keys(&["R"]);
    first.wait_for("198.51.100.99", Duration::from_secs(10));
    second.wait_for("198.51.100.99", Duration::from_secs(2));
    assert_eq!(
        hits().await,
        2,
        "only the first dashboard's refresh reached the feed"
    );
    first.keys(&["q"]);
    second.keys(&["q"]);
}

#[test]
fn the_export_prompt_writes_the_chosen_format_and_remembers_it() {
    if !tmux_or_skip("the_export_prompt_writes_the_chosen_format_and_remembers_it") {
        return;
    }
    let (tmux, dir, exit_file) = launch(None, "export");
    tmux.wait_for("✓ feodo", Duration::from_secs(15));
    tmux.keys(&["x"]);
    tmux.wait_for("Defanged", Duration::from_secs(5));
    // csv, then the rows: all (nothing is marked, so `marked` is not offered).
    tmux.keys(&["Right", "Tab", "Tab", "Right", "Enter"]);
    let screen = tmux.wait_for("rows to ", Duration::from_secs(10));
    assert!(screen.contains("exported"), "{screen}");
    let written: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("intellisiem-export-"))
        })
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0].extension().and_then(|e| e.to_str()), Some("csv"));
    let csv = std::fs::read_to_string(&written[0]).unwrap();
    assert!(csv.starts_with("type,value,sources"), "{csv:.200}");
    assert!(csv.lines().count() > 10, "{csv:.200}");
    tmux.keys(&["q"]);
    assert_eq!(wait_exit(&exit_file), "0");
    let state = std::fs::read_to_string(dir.path().join("state/intellisiem/state.json"))
        .expect("the state file");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["export_format"], "csv");
    assert_eq!(
        state["export_dir"].as_str().map(PathBuf::from),
        Some(dir.path().canonicalize().unwrap())
    );
}

/// The export prompt takes `~` and a folder named without `/`, asks before replacing a
/// file (`n` keeps it and the path typed, `y` replaces it), and keeps the path as typed
/// with the reason when writing fails.
#[test]
fn the_export_prompt_asks_before_replacing_and_keeps_the_path_on_an_error() {
    if !tmux_or_skip("the_export_prompt_asks_before_replacing_and_keeps_the_path_on_an_error") {
        return;
    }
    let (tmux, dir, exit_file) = launch(None, "export-ask");
    tmux.wait_for("✓ feodo", Duration::from_secs(15));
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let mine = sub.join("out.jsonl");
    std::fs::write(&mine, "mine\n").unwrap();
    let export_to = |typed: &str| {
        tmux.keys(&["x"]);
        tmux.wait_for("Defanged", Duration::from_secs(5));
        tmux.keys(&["Tab", "C-u"]);
        tmux.keys(&["-l", typed]);
        tmux.keys(&["Enter"]);
    };
    // A folder under `~`, named without `/`: the file gets the default name in it.
    export_to("~/sub");
    tmux.wait_for("rows to ", Duration::from_secs(10));
    let named = std::fs::read_dir(&sub)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("intellisiem-export-")
        })
        .count();
    assert_eq!(named, 1);
    // A file that is there: asked; `n` keeps the file and the path typed.
    export_to("~/sub/out.jsonl");
    tmux.wait_for("exists. Replace it?", Duration::from_secs(5));
    tmux.keys(&["n"]);
    let screen = tmux.wait_for("not replaced", Duration::from_secs(5));
    assert!(screen.contains("~/sub/out.jsonl"), "{screen}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine\n");
    // Asked again, `y` replaces it.
    tmux.keys(&["Enter"]);
    tmux.wait_for("exists. Replace it?", Duration::from_secs(5));
    tmux.keys(&["y"]);
    // The header still shows the first export's line: wait for the file itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let replaced = loop {
        let now = std::fs::read_to_string(&mine).unwrap_or_default();
        if now.starts_with("{\"type\"") || std::time::Instant::now() > deadline {
            break now;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(replaced.starts_with("{\"type\""), "{replaced:.200}");
    // A folder that is not there: the reason shows in the prompt, the path stays.
    export_to("~/missing/out.jsonl");
    let screen = tmux.wait_for("No such file", Duration::from_secs(10));
    assert!(screen.contains("~/missing/out.jsonl"), "{screen}");
    assert!(
        screen.contains("Defanged"),
        "the prompt stays open: {screen}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("export cancelled", Duration::from_secs(5));
    tmux.keys(&["q"]);
    assert_eq!(wait_exit(&exit_file), "0");
}

/// The dashboard follows a log from the config: a line appended that touches an
/// indicator shows in the Hits view within 3 s, marked on the indicator's row too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_appended_to_a_followed_log_shows_in_the_hits_view() {
    if !tmux_or_skip("a_line_appended_to_a_followed_log_shows_in_the_hits_view") {
        return;
    }
    let server = MockServer::start().await;
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"[{"ip_address":"45.0.0.3","port":443,"status":"online","malware":"Dridex"}]"#,
        ))
        .mount(&server)
        .await;
    let logs = tempfile::tempdir().unwrap();
    let eve = logs.path().join("eve.json");
    let line = |ts: &str, dest: &str| {
        format!(
            r#"{{"timestamp":"{ts}","event_type":"flow","src_ip":"10.0.0.1","src_port":40000,"dest_ip":"{dest}","dest_port":443,"proto":"TCP"}}"#
        ) + "\n"
    };
    std::fs::write(&eve, line("2026-11-29T10:00:00.000000+0000", "45.0.0.99")).unwrap();
    let yaml = format!(
        "sources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo.json\" }}\nlogs:\n  - {{ path: \"{}\", format: eve }}\n",
        server.uri(),
        eve.display()
    );
    let (tmux, _dir, exit_file) = launch(Some(&yaml), "hits");
    tmux.wait_for("45.0.0.3", Duration::from_secs(20));
    tmux.wait_for(
        "matching the followed logs against 1",
        Duration::from_secs(10),
    );
    let mut f = std::fs::OpenOptions::new().append(true).open(&eve).unwrap();
    f.write_all(line("2026-11-29T10:20:31.000000+0000", "45.0.0.3").as_bytes())
        .unwrap();
    drop(f);
    let appended = Instant::now();
    tmux.keys(&["h"]);
    let screen = tmux.wait_for("Hits (1)", Duration::from_secs(3));
    assert!(appended.elapsed() < Duration::from_secs(3));
    assert!(screen.contains("ipv4 45.0.0.3"), "{screen}");
    assert!(screen.contains("destination.ip"), "{screen}");
    assert!(screen.contains("eve.json"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("live, at", Duration::from_secs(3));
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["h"]);
    tmux.wait_for("◉1 45.0.0.3", Duration::from_secs(3));
    tmux.keys(&["q"]);
    assert_eq!(wait_exit(&exit_file), "0");
}

/// Two analysts' dashboards on one PostgreSQL store, with two hits a sensor recorded:
/// the first analyst marks one hit a false positive with a note (`f`, typed, `Enter`)
/// and the other a false positive for the local allowlist (`F`, `Enter`); the second
/// dashboard shows each mark, who made it and the note within a few seconds, and
/// counts no hit left to triage. The first analyst's allowlist holds the value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_false_positive_marked_on_one_dashboard_shows_on_another() {
    if !tmux_or_skip("a_false_positive_marked_on_one_dashboard_shows_on_another") {
        return;
    }
    let Some((pg, url)) = common::pg::fresh("e2e_triage").await else {
        return;
    };
    use intellisiem::store::persist::SnapshotStore;
    let sensor = intellisiem::store::persist::PgStore::new(&pg).unwrap();
    let hit = |value: &str, offset: u64, at: i64| intellisiem::model::LogHit {
        at: jiff::Timestamp::from_second(at).unwrap(),
        found: jiff::Timestamp::from_second(at).unwrap(),
        sensor: "edge-1".into(),
        origin: intellisiem::model::Origin::File {
            path: "/var/log/suricata/eve.json".into(),
            offset,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: value.into(),
        kind: intellisiem::model::IndicatorType::Ipv4,
        indicator: value.into(),
        sources: Box::new(["feodo".into()]),
        threat: Some("Dridex".into()),
        retro: false,
        host: None,
    };
    let now = jiff::Timestamp::now().as_second();
    sensor
        .save_hits(vec![
            hit("192.0.2.10", 100, now - 120),
            hit("192.0.2.11", 200, now - 60),
        ])
        .await
        .unwrap();
    let server = MockServer::start().await;
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"[{"ip_address":"192.0.2.10","port":443,"status":"online","malware":"Dridex"},
                {"ip_address":"192.0.2.11","port":443,"status":"online","malware":"Dridex"}]"#,
        ))
        .mount(&server)
        .await;
    let yaml = format!(
        "cache: {{ url: \"{url}\" }}\nsources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo.json\", refresh: 1h }}\n",
        server.uri()
    );
    let start = |tag: &str, user: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), &yaml).unwrap();
        let data = dir.path().join("data").display().to_string();
        launch_in(
            dir,
            "--config config.yaml",
            &[("USER", user), ("XDG_DATA_HOME", &data)],
            tag,
            (110, 40),
        )
    };
    let (first, dir1, exit1) = start("triage-a", "alice");
    let (second, _dir2, exit2) = start("triage-b", "bob");
    for d in [&first, &second] {
        d.wait_for("192.0.2.11", Duration::from_secs(20));
        d.keys(&["h"]);
        d.wait_for("Hits (2)", Duration::from_secs(10));
        d.wait_for("2 untriaged hits", Duration::from_secs(5));
    }
    // The newest hit, 192.0.2.11, is selected: a false positive, with a note.
    first.keys(&["f"]);
    first.wait_for("false positive, note:", Duration::from_secs(5));
    first.keys(&["-l", "resolver of ours"]);
    first.keys(&["Enter"]);
    first.wait_for("1 untriaged hit", Duration::from_secs(5));
    let marked = Instant::now();
    let screen = second.wait_for("resolver of ours", Duration::from_secs(5));
    assert!(
        marked.elapsed() < Duration::from_secs(3),
        "shown after {:?}",
        marked.elapsed()
    );
    assert!(screen.contains("✘ false positive · alice@"), "{screen}");
    second.wait_for("1 untriaged hit", Duration::from_secs(3));
    // The other hit: a false positive for the local allowlist, without a note.
    first.keys(&["j", "F"]);
    first.wait_for("false positive + allowlist, note:", Duration::from_secs(5));
    first.keys(&["Enter"]);
    first.wait_for("added to the lo", Duration::from_secs(5));
    second.wait_for("0 untriaged hits", Duration::from_secs(3));
    let list = dir1.path().join("data/intellisiem/allowlist.txt");
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(text.lines().any(|l| l == "192.0.2.10"), "{text}");
    assert!(
        text.contains("# false positive ipv4 192.0.2.10, marked by alice@"),
        "{text}"
    );
    // Only the untriaged ones: none left on the second screen.
    second.keys(&["U"]);
    second.wait_for("Every hit here is triaged", Duration::from_secs(3));
    first.keys(&["q"]);
    second.keys(&["q"]);
    assert_eq!(wait_exit(&exit1), "0");
    assert_eq!(wait_exit(&exit2), "0");
}
