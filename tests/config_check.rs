// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `config check` tries the paths the config names as the programs will use them: the
//! store's folder (created for the try, then removed), and each followed log (a folder
//! is an error naming its line; a relative path, a file that does not exist yet or
//! cannot be read are warnings naming theirs).

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{clean_bin, text};

/// `config check --config <dir>/config.yaml` holding `yaml`, run in `dir`: exit code,
/// stdout, stderr.
fn check(dir: &Path, yaml: &str) -> (Option<i32>, String, String) {
    let cfg = dir.join("config.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let out = clean_bin(dir)
        .current_dir(dir)
        .args(["config", "check", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_log_path_that_is_a_folder_is_an_error_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("suricata");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("eve.json"), "").unwrap();
    let yaml = format!(
        "cache: {{ path: none }}\nsources: []\nlogs:\n  - {{ path: {0}/eve.json }}\n  - {{ path: {0} }}\n",
        folder.display()
    );
    let (code, out, err) = check(dir.path(), &yaml);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(!out.contains("config OK"), "{out}");
    let line = err.lines().find(|l| l.starts_with("error:")).unwrap();
    assert!(line.contains("config.yaml, line 5: logs:"), "{err}");
    assert!(
        line.contains("suricata is a folder, not a log") && line.contains("suricata/*.log"),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 1, "the file is fine: {err}");
}

#[test]
fn relative_missing_and_unreadable_logs_are_warnings_naming_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.log");
    std::fs::write(&locked, "x\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    // The superuser reads a file of mode 000; no one reads their own memory at address 0.
    let denied = std::fs::read(&locked).is_err();
    let yaml = format!(
        "cache: {{ path: none }}\nsources: []\nlogs:\n  - path: eve.json\n    format: eve\n  - {{ path: /proc/self/mem }}\n  - {{ path: '{}' }}\n  - {{ path: '{}/zeek/*.log' }}\n",
        locked.display(),
        dir.path().display()
    );
    let (code, out, err) = check(dir.path(), &yaml);
    assert_eq!(code, Some(0), "warnings only: {err}");
    assert!(out.contains("config OK"), "{out}");
    let warned = |line: usize, what: &str| {
        err.lines().any(|l| {
            l.starts_with("warning:")
                && l.contains(&format!("config.yaml, line {line}: logs:"))
                && l.contains(what)
        })
    };
    assert!(warned(4, "eve.json is relative"), "{err}");
    assert!(
        err.contains(&format!(
            "from here: {}",
            dir.path().join("eve.json").display()
        )),
        "{err}"
    );
    assert!(warned(4, "eve.json does not exist (yet)"), "{err}");
    if cfg!(target_os = "linux") {
        assert!(
            warned(6, "cannot read /proc/self/mem: input/output error"),
            "{err}"
        );
    }
    if denied {
        assert!(warned(7, "locked.log: permission denied"), "{err}");
    }
    assert!(
        out.contains("eve.json (format eve, retro-hunt 1d): no file yet"),
        "{out}"
    );
    assert!(
        out.contains("zeek/*.log (format auto, retro-hunt 1d): no file yet"),
        "{out}"
    );
}

#[test]
fn the_cache_folder_is_tried_and_nothing_is_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("state/intellisiem/cache.db");
    let (code, out, err) = check(
        dir.path(),
        &format!("cache: {{ path: '{}' }}\nsources: []\n", store.display()),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains(&format!(
            "cache {} (its folder will be created: tried)",
            store.display()
        )),
        "{out}"
    );
    assert!(!dir.path().join("state").exists(), "nothing left behind");
    // A folder that exists: listed, and nothing left in it.
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    let (code, out, _) = check(
        dir.path(),
        &format!("cache: {{ path: '{}' }}\nsources: []\n", store.display()),
    );
    assert_eq!(code, Some(0));
    assert!(
        out.contains(&format!("cache {}\n", store.display())),
        "{out}"
    );
    assert_eq!(
        std::fs::read_dir(store.parent().unwrap()).unwrap().count(),
        0
    );
    // Under a file, no folder can be created: an error.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let (code, _, err) = check(
        dir.path(),
        &format!(
            "cache: {{ path: '{}/db/cache.db' }}\nsources: []\n",
            file.display()
        ),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "error: cache: cannot create the folder {}/db",
            file.display()
        )),
        "{err}"
    );
}
