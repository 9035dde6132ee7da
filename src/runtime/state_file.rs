// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The small state file that carries [`Remembered`] from one run to the next:
//! `$XDG_STATE_HOME/intellisiem/state.json` (else `~/.local/state/intellisiem/...`).
//! Read once at start-up, written (to a temporary file, then renamed) after each export.
//! A missing file is no error; an unreadable or damaged one is reported in one line and
//! the defaults serve.

use std::path::{Path, PathBuf};

use crate::app::Remembered;

/// The state file's name in its folder.
pub const FILE_NAME: &str = "state.json";

/// The largest state file read; anything bigger is not ours.
const MAX_BYTES: u64 = 64 * 1024;

/// Why the state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("state file {path}: not a state file ({reason}); it will be replaced")]
    Damaged { path: PathBuf, reason: String },
}

/// `$XDG_STATE_HOME/intellisiem/state.json`, else under `$HOME/.local/state`; `None`
/// when neither is set.
pub fn path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("XDG_STATE_HOME")
        .filter(|p| Path::new(p).is_absolute())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })
        .map(|d| d.join("intellisiem").join(FILE_NAME))
}

/// Reads the state file; a file that does not exist gives the defaults.
pub fn load(path: &Path) -> Result<Remembered, StateError> {
    let io = |source| StateError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Remembered::default()),
        Err(e) => return Err(io(e)),
        Ok(m) if m.len() > MAX_BYTES => {
            return Err(StateError::Damaged {
                path: path.to_path_buf(),
                reason: format!("{} bytes", m.len()),
            });
        }
        Ok(_) => std::fs::read(path).map_err(io)?,
    };
    serde_json::from_slice(&bytes).map_err(|e| StateError::Damaged {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Writes the state file owner-only (mode 0600 on Unix, in a folder created 0700), as it
/// may name where exports go.
pub fn save(path: &Path, state: &Remembered) -> Result<(), StateError> {
    let io = |source| StateError::Io {
        path: path.to_path_buf(),
        source,
    };
    crate::model::private_fs::create_parent(path).map_err(io)?;
    let json = serde_json::to_vec_pretty(state).map_err(|e| io(e.into()))?;
    let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    let result = crate::model::private_fs::create_file(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &json))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// What the next export starts from: the state file's, with its folder kept only if it
/// still is one, else `$XDG_DOWNLOAD_DIR` (if a folder), else the current directory.
pub fn starting_point(
    saved: Remembered,
    env: &dyn Fn(&str) -> Option<String>,
    cwd: Option<PathBuf>,
) -> Remembered {
    let is_dir = |p: &Path| p.is_dir();
    let dir = saved
        .export_dir
        .clone()
        .filter(|d| is_dir(d))
        .or_else(|| {
            env("XDG_DOWNLOAD_DIR")
                .map(PathBuf::from)
                .filter(|d| is_dir(d))
        })
        .or(cwd);
    Remembered {
        export_dir: dir,
        ..saved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_missing_and_damaged_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("deep/intellisiem").join(FILE_NAME);
        assert_eq!(load(&p).unwrap(), Remembered::default());
        let state = Remembered {
            export_dir: Some(dir.path().to_path_buf()),
            export_format: Some("csv".into()),
            export_defang: Some(true),
        };
        save(&p, &state).unwrap();
        assert_eq!(load(&p).unwrap(), state);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&p), 0o600, "it may name where exports go");
            assert_eq!(mode(p.parent().unwrap()), 0o700);
        }
        for bad in ["", "{", "[1,2]", "{\"export_dir\": 5}", "\u{feff}"] {
            std::fs::write(&p, bad).unwrap();
            let e = load(&p).unwrap_err().to_string();
            assert!(e.contains("not a state file") && !e.contains('\n'), "{e}");
        }
        std::fs::write(&p, vec![b' '; 100_000]).unwrap();
        assert!(load(&p).is_err());
        // Unknown fields (a newer version's) are ignored.
        std::fs::write(&p, "{\"export_format\":\"txt\",\"later\":1}").unwrap();
        assert_eq!(load(&p).unwrap().export_format.as_deref(), Some("txt"));
    }

    #[test]
    fn the_folder_falls_back_to_downloads_then_the_current_directory() {
        let dir = tempfile::tempdir().unwrap();
        let downloads = dir.path().to_string_lossy().into_owned();
        let env = |k: &str| (k == "XDG_DOWNLOAD_DIR").then(|| downloads.clone());
        let gone = Remembered {
            export_dir: Some(dir.path().join("gone")),
            ..Default::default()
        };
        let cwd = Some(PathBuf::from("/cwd"));
        assert_eq!(
            starting_point(gone.clone(), &env, cwd.clone())
                .export_dir
                .as_deref(),
            Some(dir.path())
        );
        assert_eq!(starting_point(gone, &|_| None, cwd.clone()).export_dir, cwd);
        let kept = Remembered {
            export_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        assert_eq!(starting_point(kept.clone(), &|_| None, None), kept);
    }

    #[test]
    fn the_path_follows_xdg_state_home_then_home() {
        let env = |k: &str| match k {
            "XDG_STATE_HOME" => Some("/state".to_string()),
            "HOME" => Some("/home/a".to_string()),
            _ => None,
        };
        assert_eq!(
            path(&env),
            Some(PathBuf::from("/state/intellisiem/state.json"))
        );
        let home = |k: &str| (k == "HOME").then(|| "/home/a".to_string());
        assert_eq!(
            path(&home),
            Some(PathBuf::from("/home/a/.local/state/intellisiem/state.json"))
        );
        assert_eq!(path(&|_| None), None);
    }
}
