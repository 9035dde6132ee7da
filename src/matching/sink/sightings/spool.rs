// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The recorder's spool files: hits the store could not take, as JSON lines (one
//! serialised [`LogHit`] a line), written whole through a temporary name, fsynced and
//! renamed into place; claimed for writing back by a rename to `….taken-PID`.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::Writer;
use crate::model::LogHit;

/// `path` as a spool file to write back: `sightings-….jsonl`, or one claimed
/// (`….jsonl.taken-PID`) by a process that is no longer running, under its own name.
pub(super) fn spool_name(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    if !name.starts_with("sightings-") {
        return None;
    }
    if name.ends_with(".jsonl") {
        return Some(path.to_path_buf());
    }
    let (base, pid) = name.rsplit_once(".taken-")?;
    let pid: u32 = pid.parse().ok()?;
    if pid == std::process::id() || process_alive(pid) {
        return None;
    }
    let back = path.with_file_name(base);
    std::fs::rename(path, &back).ok()?;
    Some(back)
}

/// Whether process `pid` is running (Linux: `/proc/PID`; elsewhere assumed so).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// Writes `rows` to a new spool file in `dir` (through a temporary name, fsynced, then
/// renamed), returning its path.
pub(super) fn write_spool(dir: &Path, seq: u64, rows: &[LogHit]) -> io::Result<PathBuf> {
    // Hits of the user's own logs: owner-only, as the store.
    crate::model::private_fs::create_dir(dir)?;
    let name = format!(
        "sightings-{}-{}-{seq}.jsonl",
        Timestamp::now().as_millisecond(),
        std::process::id()
    );
    let path = dir.join(name);
    write_rows(&path, rows)?;
    Ok(path)
}

pub(super) fn write_rows(path: &Path, rows: &[LogHit]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let f = crate::model::private_fs::create_file(&tmp)?;
    let mut w = io::BufWriter::new(f);
    for r in rows {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n")?;
    }
    let f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    if let Some(d) = path.parent()
        && let Ok(d) = std::fs::File::open(d)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The hits of a spool file, and how many lines could not be read.
pub(super) fn read_spool(path: &Path) -> io::Result<(Vec<LogHit>, u64)> {
    let f = std::fs::File::open(path)?;
    let mut rows = Vec::new();
    let mut skipped = 0;
    for line in io::BufReader::new(f).split(b'\n') {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<LogHit>(&line) {
            Ok(h) => rows.push(h),
            Err(_) => skipped += 1,
        }
    }
    Ok((rows, skipped))
}

impl Writer {
    /// Writes one spool file left in the spool folder (by this or an earlier process)
    /// to the store, claimed first by a rename so two processes never both take it;
    /// returns whether more may be left. A file claimed by a process that died is taken
    /// back. If the store fails midway, what is left goes back under its own name.
    pub(super) fn unspool_one(&mut self) -> bool {
        let Some(dir) = self.settings.spool.clone() else {
            return false;
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return false;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter_map(|p| spool_name(&p))
            .collect();
        files.sort();
        let Some(file) = files.into_iter().next() else {
            return false;
        };
        let mut taken = file.clone().into_os_string();
        taken.push(format!(".taken-{}", std::process::id()));
        let taken = PathBuf::from(taken);
        match std::fs::rename(&file, &taken) {
            Ok(()) => {}
            // Another process took it first.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return true,
            Err(e) => {
                (self.report)(format!(
                    "sightings: cannot take spool file {} ({e}); it is left for later",
                    file.display()
                ));
                return false;
            }
        }
        let (rows, skipped) = match read_spool(&taken) {
            Ok(r) => r,
            Err(e) => {
                // Set aside, so it does not stand before every other file.
                let mut bad = file.clone().into_os_string();
                bad.push(".unreadable");
                let _ = std::fs::rename(&taken, PathBuf::from(&bad));
                (self.report)(format!(
                    "sightings: spool file {} cannot be read ({e}); set aside as {}",
                    file.display(),
                    PathBuf::from(bad).display()
                ));
                return true;
            }
        };
        let mut done = 0usize;
        let mut failed = None;
        for chunk in rows.chunks(self.settings.batch.max(1)) {
            match self.write(chunk.to_vec()) {
                Ok(new) => {
                    done += chunk.len();
                    let mut st = self.shared.lock();
                    st.stats.written += chunk.len() as u64;
                    st.stats.unspooled += chunk.len() as u64;
                    st.stats.new += new as u64;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        match failed {
            None => {
                self.shared.lock().stats.spool_skipped += skipped;
                let _ = std::fs::remove_file(&taken);
                self.came_back();
                (self.report)(format!(
                    "sightings: {done} spooled hit(s) from {} written to the store",
                    file.display()
                ));
                true
            }
            Some(e) => {
                // Keep what is left for a later try; if it cannot be rewritten, the whole
                // file goes back (what was written is kept once when written again).
                if write_rows(&file, &rows[done..]).is_ok() {
                    let _ = std::fs::remove_file(&taken);
                } else {
                    let _ = std::fs::rename(&taken, &file);
                }
                self.went_down(e);
                true
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Spooled hits are the user's own logs: owner-only, as the store.
    #[test]
    fn the_spool_folder_and_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let spool = dir.path().join("state/spool");
        let file = write_spool(&spool, 1, &[]).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&spool), 0o700);
        assert_eq!(mode(&file), 0o600);
    }
}
