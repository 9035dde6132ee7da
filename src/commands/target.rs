// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The file a command's `-o FILE` names, checked before anything is fetched, read or
//! spent: a run that could not write its output must fail at once, not after the work.

use std::path::Path;

use crate::model::sanitize::one_line;

/// Whether `-o path` can be written: an existing folder is refused, a new file needs an
/// existing folder that takes files, and a device or pipe (`/dev/null`, `/dev/stdout`)
/// must open for writing. Nothing is left behind. Errors: one line naming the path.
pub fn check(path: &Path) -> Result<(), String> {
    let shown = |p: &Path| one_line(&p.display().to_string(), 200);
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(format!("-o {} is a folder", shown(path))),
        // A file that is there and can be written: `match` writes it in place, so the
        // folder need not take new files.
        Ok(m) if m.is_file() && std::fs::OpenOptions::new().append(true).open(path).is_ok() => {
            return Ok(());
        }
        Ok(m) if !m.is_file() => {
            return std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map(drop)
                .map_err(|e| format!("cannot write {}: {e}", shown(path)));
        }
        _ => {}
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(format!(
                "cannot write {}: {} is not a folder",
                shown(path),
                shown(dir)
            ));
        }
        Err(_) => {
            return Err(format!(
                "cannot write {}: the folder {} does not exist",
                shown(path),
                shown(dir)
            ));
        }
    }
    // The output is written next to itself and renamed into place: the folder must take
    // a new file.
    let probe = dir.join(format!(".intellisiem-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!(
            "cannot write {}: the folder {} does not take new files ({e})",
            shown(path),
            shown(dir)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writable_file_in_a_folder_that_takes_no_new_files_is_accepted() {
        // /proc/self takes no new file, even for root; its `comm` can be written.
        let comm = Path::new("/proc/self/comm");
        if std::fs::metadata(comm).is_ok_and(|m| m.is_file()) {
            assert_eq!(check(comm), Ok(()));
        }
    }

    #[test]
    fn a_missing_folder_a_folder_and_a_file_in_the_way_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such/out.jsonl");
        let e = check(&missing).unwrap_err();
        assert!(e.ends_with("no-such does not exist"), "{e}");
        assert!(check(dir.path()).unwrap_err().ends_with("is a folder"));
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let e = check(&file.join("out.jsonl")).unwrap_err();
        assert!(e.ends_with("is not a folder"), "{e}");
        assert!(check(&dir.path().join("out.jsonl")).is_ok());
        assert!(check(&file).is_ok(), "an existing file is replaced");
        assert!(check(Path::new("/dev/null")).is_ok());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "the probe is gone"
        );
    }
}
