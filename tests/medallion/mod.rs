// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A real TAXII 2.1 server for the tests: medallion (the OASIS reference server, from
//! PyPI) with its memory backend, in a Python virtual environment.
//!
//! The venv is `$INTELLISIEM_MEDALLION` when set, else `target/medallion-venv` (which
//! `.ci/run` creates); when neither has medallion, one is created there with
//! `python3 -m venv` and `pip install medallion stix2 taxii2-client stix2-validator`. Without Python the caller skips
//! with one line, except under `CI=true`, where it fails.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The API root and collection the server is seeded with.
pub const API_ROOT: &str = "trustgroup1";
pub const COLLECTION: &str = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
/// A collection the test user may read but not write (`can_write: false`).
pub const READ_ONLY: &str = "52892447-4d7e-4f70-b94d-d7f22742ff63";
pub const USER: &str = "analyst";
pub const PASSWORD: &str = "Corr3ct-h0rse-battery";

/// Where the venv is, or should be created.
fn venv_dir() -> PathBuf {
    if let Some(v) = std::env::var_os("INTELLISIEM_MEDALLION").filter(|v| !v.is_empty()) {
        return PathBuf::from(v);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("medallion-venv")
}

fn has(venv: &Path, module: &str) -> bool {
    Command::new(venv.join("bin/python"))
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Skips (one line) or, under `CI=true`, fails.
pub fn unavailable(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("medallion/stix2 unavailable under CI=true: {why}");
    }
    eprintln!("skipped: {why}");
}

/// The venv's `python` with `module` importable, creating the venv once if needed.
pub fn python_with(module: &str) -> Result<PathBuf, String> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let venv = venv_dir();
    if !has(&venv, module) {
        let _ = std::fs::create_dir_all(venv.parent().unwrap_or(Path::new(".")));
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !made.is_ok_and(|s| s.success()) && !venv.join("bin/python").exists() {
            return Err("python3 -m venv is not available".into());
        }
        let pip = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "-q",
                "medallion",
                "stix2",
                "taxii2-client",
                "stix2-validator",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !pip.is_ok_and(|s| s.success()) || !has(&venv, module) {
            return Err(format!(
                "could not install {module} into {}",
                venv.display()
            ));
        }
    }
    Ok(venv.join("bin/python"))
}

/// A running medallion; killed on drop.
pub struct Medallion {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Medallion {
    /// Starts medallion on a free 127.0.0.1 port with an empty collection; `Err` says
    /// why it could not (then the test skips or, under CI, fails).
    pub fn start() -> Result<Medallion, String> {
        let python = python_with("medallion")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let data = serde_json::json!({
            "/discovery": {
                "title": "IntelliSIEM test server",
                "default": format!("http://127.0.0.1/{API_ROOT}/"),
                "api_roots": [format!("http://127.0.0.1/{API_ROOT}/")]
            },
            API_ROOT: {
                "information": {
                    "title": "test root",
                    "versions": ["application/taxii+json;version=2.1"],
                    "max_content_length": 104_857_600
                },
                "status": [],
                "collections": [{
                    "id": COLLECTION,
                    "title": "test collection",
                    "can_read": true,
                    "can_write": true,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": []
                }, {
                    "id": READ_ONLY,
                    "title": "read-only collection",
                    "can_read": true,
                    "can_write": false,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": []
                }]
            }
        });
        let data_path = dir.path().join("data.json");
        std::fs::write(&data_path, data.to_string()).map_err(|e| e.to_string())?;
        let config = serde_json::json!({
            "backend": {
                "module": "medallion.backends.memory_backend",
                "module_class": "MemoryBackend",
                "filename": data_path
            },
            "users": {USER: PASSWORD},
            "taxii": {"max_page_size": 500}
        });
        let config_path = dir.path().join("config.json");
        std::fs::write(&config_path, config.to_string()).map_err(|e| e.to_string())?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let log_path = dir.path().join("medallion.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let child = Command::new(python)
            .args([
                "-m",
                "medallion.scripts.run",
                "--host",
                "127.0.0.1",
                "--port",
            ])
            .arg(port.to_string())
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start medallion: {e}"))?;
        let mut m = Medallion {
            child,
            port,
            _dir: dir,
        };
        m.wait_ready().map_err(|e| {
            format!(
                "{e}: {}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            )
        })?;
        Ok(m)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("medallion exited ({status})"));
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("medallion did not start listening within 30s".into())
    }

    /// The API root URL.
    pub fn root(&self) -> String {
        format!("http://127.0.0.1:{}/{API_ROOT}/", self.port)
    }

    /// Adds `objects` to the collection (TAXII 2.1 §5.5 "Add Objects").
    pub async fn add(&self, objects: &[serde_json::Value]) {
        let url = format!("{}collections/{COLLECTION}/objects/", self.root());
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let resp = client
            .post(url)
            .basic_auth(USER, Some(PASSWORD))
            .header("Accept", "application/taxii+json;version=2.1")
            .header("Content-Type", "application/taxii+json;version=2.1")
            .body(serde_json::json!({ "objects": objects }).to_string())
            .send()
            .await
            .expect("medallion answers");
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "add objects: {status} {body}");
        assert!(
            body.contains("\"failure_count\": 0") || body.contains("\"failure_count\":0"),
            "{body}"
        );
    }
}

impl Medallion {
    /// The objects of `types` (comma-separated) the collection holds now, every version.
    pub async fn objects(&self, types: &str) -> Vec<serde_json::Value> {
        let url = format!(
            "{}collections/{COLLECTION}/objects/?match[type]={types}&match[version]=all",
            self.root()
        );
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let resp = client
            .get(url)
            .basic_auth(USER, Some(PASSWORD))
            .header("Accept", "application/taxii+json;version=2.1")
            .send()
            .await
            .expect("medallion answers");
        let body = resp.text().await.unwrap_or_default();
        let env: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        env["objects"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Medallion {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
