// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Carries out the dashboard's export: finds the file the prompt names (`~`, a folder),
//! answers back instead of writing when a file is already there and replacing it was
//! not asked for, and writes it (to a temporary file, renamed into place).

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::app::export::target::resolve;
use crate::app::{ExportError, Target};
use crate::export::fit::Fit;
use crate::export::{Options, Replace, Written, real_target};
use crate::store::Store;

/// The indicators an export writes: the rows chosen, and which of them go out.
#[derive(Debug, Clone, Copy)]
pub struct Chosen<'a> {
    /// The rows, as indexes into the store.
    pub rows: &'a [u32],
    /// Which of them go out (the types asked for); what it cuts is said in the result
    /// and in the file's header where it has one.
    pub fit: &'a Fit,
}

/// Writes the `chosen` rows of `store` to the file `target` names, `~` being `home`.
/// Gives the file written (absolute), what was written and cut, and how. A typed path
/// that is a link stands for the file it leads to: that file is what is asked about
/// and replaced.
///
/// # Errors
/// [`ExportError::Exists`] with the file that would be replaced, when `target` is
/// typed and a regular file is there (checked again, in one step, when the export is
/// put in place); the path errors of [`resolve`]; [`ExportError::Write`] with the
/// file and the system's reason when writing fails (a link to nothing included).
pub fn run(
    target: &Target,
    store: &Store,
    chosen: Chosen<'_>,
    mut options: Options,
    home: Option<&Path>,
) -> Result<(PathBuf, Written, Options), ExportError> {
    let (path, replace) = match target {
        Target::Typed { path, default_name } => {
            let typed = resolve(path, home, default_name, Path::is_dir)?;
            let path = real_target(&typed).map_err(|e| {
                ExportError::Write(format!("{}: a link to nothing ({e})", typed.display()))
            })?;
            if holds_a_file(&path) {
                return Err(ExportError::Exists(path));
            }
            (path, Replace::No)
        }
        Target::Replace(path) => (path.clone(), Replace::Yes),
    };
    let rows = chosen.rows.iter().filter_map(|&i| store.get(i as usize));
    let (entries, cut) = chosen.fit.apply(store, rows);
    if cut.total() > 0 {
        options.selected = Some(cut);
    }
    let entries = entries.into_iter();
    match crate::export::write_file(&path, options, store, entries, Timestamp::now(), replace) {
        Ok(n) => {
            let shown = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            Ok((shown, n, options))
        }
        // A file appeared while the export was written: it is kept, and asked about.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(ExportError::Exists(path)),
        Err(e) => Err(ExportError::Write(format!("{}: {e}", path.display()))),
    }
}

/// Whether writing `path` would replace a regular file. A device or a pipe
/// (`/dev/null`, a FIFO) is written through, never replaced, so it is not asked about.
fn holds_a_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Format;
    use crate::model::{IndicatorType, Observation, Sighting};

    fn store() -> Store {
        let mut s = Store::new();
        let id = s.source_id("feodo");
        s.replace_source(
            id,
            vec![Sighting {
                kind: IndicatorType::Ipv4,
                value: "192.0.2.7".into(),
                obs: Observation::default(),
            }],
        );
        s
    }

    fn typed(path: &Path) -> Target {
        Target::Typed {
            path: path.to_string_lossy().into_owned(),
            default_name: "d.txt".into(),
        }
    }

    const TXT: Options = Options {
        format: Format::Txt,
        defang: false,
        selected: None,
    };

    /// The first row, every type.
    fn row0() -> Chosen<'static> {
        static EVERY: Fit = Fit {
            min_score: None,
            max: None,
            types: Vec::new(),
            include_decayed: true,
        };
        Chosen {
            rows: &[0],
            fit: &EVERY,
        }
    }

    #[test]
    fn the_types_asked_for_are_kept_and_the_rest_said() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.rpz");
        let fit = Fit {
            types: vec![crate::model::IndicatorType::Domain],
            include_decayed: true,
            ..Fit::default()
        };
        let chosen = Chosen {
            rows: &[0],
            fit: &fit,
        };
        let rpz = Options::new(Format::Rpz);
        let (_, w, _) = run(&Target::Replace(file.clone()), &store(), chosen, rpz, None).unwrap();
        assert_eq!(w.count, 0);
        let said = "kept 0 of 1 indicator (cut: 1 of other types); none kept";
        assert_eq!(w.remarks().as_deref(), Some(said));
        let zone = std::fs::read_to_string(&file).unwrap();
        assert!(zone.contains(&format!("\n; {said}\n")), "{zone}");
    }

    #[test]
    fn a_file_there_is_replaced_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.txt");
        std::fs::write(&file, "mine\n").unwrap();
        let s = store();
        let e = run(&typed(&file), &s, row0(), TXT, None).unwrap_err();
        assert_eq!(e, ExportError::Exists(file.clone()));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine\n");
        let (path, w, _) = run(&Target::Replace(file.clone()), &s, row0(), TXT, None).unwrap();
        assert_eq!((path, w.count), (file.clone(), 1));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "192.0.2.7\n");
        // A device is written through without asking.
        assert!(run(&typed(Path::new("/dev/null")), &s, row0(), TXT, None).is_ok());
    }

    #[test]
    fn a_link_is_asked_about_and_replaced_as_the_file_it_leads_to() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "mine\n").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let s = store();
        let real = std::fs::canonicalize(&real).unwrap();
        let e = run(&typed(&link), &s, row0(), TXT, None).unwrap_err();
        assert_eq!(e, ExportError::Exists(real.clone()));
        let (path, _, _) = run(&Target::Replace(real.clone()), &s, row0(), TXT, None).unwrap();
        assert_eq!(path, real);
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "192.0.2.7\n");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        // A link to nothing is one clear error, not a question.
        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink(dir.path().join("gone"), &dangling).unwrap();
        let e = run(&typed(&dangling), &s, row0(), TXT, None).unwrap_err();
        assert!(
            matches!(&e, ExportError::Write(t) if t.contains("a link to nothing")),
            "{e:?}"
        );
    }

    #[test]
    fn a_folder_and_the_home_folder_get_the_default_name() {
        let dir = tempfile::tempdir().unwrap();
        let s = store();
        let (path, _, _) = run(&typed(dir.path()), &s, row0(), TXT, None).unwrap();
        assert_eq!(path, dir.path().join("d.txt"));
        let home = Target::Typed {
            path: "~/sub/".into(),
            default_name: "h.txt".into(),
        };
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let (path, _, _) = run(&home, &s, row0(), TXT, Some(dir.path())).unwrap();
        assert_eq!(path, dir.path().join("sub/h.txt"));
        assert!(path.is_file());
    }

    #[test]
    fn a_folder_that_is_not_there_fails_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing/out.txt");
        let e = run(&typed(&file), &store(), row0(), TXT, None).unwrap_err();
        let ExportError::Write(text) = e else {
            panic!("{e:?}")
        };
        assert!(text.starts_with(&file.display().to_string()), "{text}");
    }
}
