// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Owner-only folders and files, for everything that holds the user's own data (the
//! store, the log file, the sightings spool, the dashboard's state file): folders are
//! created mode `0700` and files `0600` on Unix, whatever the umask. Elsewhere these are
//! the plain calls.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `dir` and any missing parent, each one that is created owner-only (`0700`).
/// A folder that exists already is left as it is.
///
/// # Errors
/// A folder cannot be created (or a file is in the way).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Creates the folder `path` lives in (as [`create_dir`]), when it has one.
///
/// # Errors
/// As [`create_dir`].
pub fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => create_dir(dir),
        None => Ok(()),
    }
}

/// Open options whose newly created file is owner-only (`0600`); set `read`, `write`,
/// `create`, ... on them as for [`OpenOptions::new`].
pub fn options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Creates `path` anew (replacing what was there) for writing, owner-only.
///
/// # Errors
/// The file cannot be created.
pub fn create_file(path: &Path) -> io::Result<File> {
    let f = options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    // A file that existed keeps its mode through `open`: set it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

/// Creates `path` empty and owner-only if no file is there yet, so that what opens it
/// next (SQLite, which gives its `-wal` and `-shm` files the database's mode) keeps that
/// mode. An existing file is left as it is.
///
/// # Errors
/// The file cannot be created.
pub fn touch(path: &Path) -> io::Result<()> {
    match options().write(true).create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_owner_only_and_existing_ones_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        create_dir(&deep).unwrap();
        assert_eq!(mode(&deep), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        let f = deep.join("f");
        std::fs::write(&f, "x").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        create_file(&f).unwrap();
        assert_eq!(mode(&f), 0o600, "an existing file is made private too");
        assert_eq!(std::fs::read(&f).unwrap(), b"", "and emptied");
        let t = deep.join("t.db");
        touch(&t).unwrap();
        assert_eq!(mode(&t), 0o600);
        std::fs::write(&t, "kept").unwrap();
        touch(&t).unwrap();
        assert_eq!(std::fs::read(&t).unwrap(), b"kept");
        create_parent(Path::new("relative-name-only")).unwrap();
    }
}
