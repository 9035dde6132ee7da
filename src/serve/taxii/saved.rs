// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The TAXII history ([`Ledger`]) kept in a SQLite file beside the store, so that a
//! restarted server gives the same `date_added`s and still revokes what left the set
//! while it was down. Each snapshot writes only the versions it made or dropped.
//!
//! The file is the server's own: two servers on one shared PostgreSQL store each keep
//! one, so each gives its clients a history of its own (the objects and ids agree).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use smallvec::SmallVec;

use super::Ledger;
use super::ledger::{NO_ROW, Object, SightingOf, Version};
use crate::model::IndicatorType;

/// Why the history file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error("TAXII history {path}: layout {found}, not one this build reads")]
    Layout { path: PathBuf, found: i64 },
    #[error("TAXII history {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS taxii_collections (idx INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS taxii_versions (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    indicator BLOB,
    count INTEGER,
    first INTEGER,
    last INTEGER,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    revoked INTEGER NOT NULL,
    confidence INTEGER NOT NULL,
    valid_until INTEGER,
    fingerprint INTEGER NOT NULL,
    held BLOB NOT NULL
) WITHOUT ROWID;
";

/// `kind` column: ours, a sensor, a sighting (of an indicator, of a vulnerability),
/// else the indicator type's name (`ipv4`, `cve`, ...).
const US: &str = "us";
const SENSOR: &str = "sensor";
const SIGHTING: &str = "sighting";
const SIGHTING_OF_CVE: &str = "sighting:cve";

/// `PRAGMA user_version` of the file's layout.
const LAYOUT: i64 = 1;

/// The history file.
pub struct Saved {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Saved").field("path", &self.path).finish()
    }
}

impl Saved {
    /// The file for a SQLite store at `store`: `{store}.taxii`.
    pub fn beside(store: &Path) -> PathBuf {
        let mut p = store.as_os_str().to_owned();
        p.push(".taxii");
        PathBuf::from(p)
    }

    fn err(&self, source: rusqlite::Error) -> SavedError {
        SavedError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Opens (or creates) the file at `path`.
    ///
    /// # Errors
    /// The file cannot be opened or is not ours.
    pub fn open(path: &Path) -> Result<Saved, SavedError> {
        let err = |source| SavedError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        // Owner-only, like the store: it names sensors and what they saw. SQLite gives
        // its `-wal` and `-shm` the same mode.
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            if !path.exists() {
                let _ = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path);
            }
            // One made by an earlier build with the default mode, and its companions.
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let p = std::path::PathBuf::from(p);
                if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
                    let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600));
                }
            }
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        let layout: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        if layout != 0 && layout != LAYOUT {
            return Err(SavedError::Layout {
                path: path.to_path_buf(),
                found: layout,
            });
        }
        conn.execute_batch(SCHEMA).map_err(err)?;
        conn.pragma_update(None, "user_version", LAYOUT)
            .map_err(err)?;
        Ok(Saved {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The ledger the file holds (an empty one for a new file).
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn load(&self) -> Result<Ledger, SavedError> {
        let mut names: Vec<Box<str>> = Vec::new();
        let mut st = self
            .conn
            .prepare("SELECT idx, name FROM taxii_collections ORDER BY idx")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (i, name) = row.map_err(|e| self.err(e))?;
            let i = usize::try_from(i).unwrap_or(usize::MAX);
            if i < usize::from(u16::MAX) {
                if names.len() <= i {
                    names.resize(i + 1, "".into());
                }
                names[i] = name.into();
            }
        }
        let mut st = self
            .conn
            .prepare(
                "SELECT id, kind, value, indicator, count, first, last, created, modified, \
                 revoked, confidence, fingerprint, held, valid_until FROM taxii_versions",
            )
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([], row_version).map_err(|e| self.err(e))?;
        let mut versions = Vec::new();
        for row in rows {
            // A row this build cannot read (a type it does not know) is left out.
            if let Some(v) = row.map_err(|e| self.err(e))? {
                versions.push(v);
            }
        }
        if names.len() < 2 {
            names = vec!["all".into(), "hits".into()];
        }
        Ok(Ledger::with(names, versions))
    }

    /// Writes what the ledger's last advance changed (`whole`: every version, in place
    /// of what the file holds), in one transaction.
    ///
    /// # Errors
    /// The file cannot be written (the file keeps the history before the advance).
    pub fn write(&mut self, ledger: &Ledger, whole: bool) -> Result<(), SavedError> {
        let path = self.path.clone();
        let err = |source| SavedError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        if whole {
            tx.execute("DELETE FROM taxii_versions", []).map_err(err)?;
        }
        let versions = if whole {
            ledger.versions()
        } else {
            ledger.changed()
        };
        {
            let mut names = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO taxii_collections (idx, name) VALUES (?1, ?2)",
                )
                .map_err(err)?;
            for (i, n) in ledger.collections().iter().enumerate() {
                names.execute(params![i as i64, &**n]).map_err(err)?;
            }
            let mut put = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO taxii_versions (id, kind, value, indicator, count, \
                     first, last, created, modified, revoked, confidence, fingerprint, held, \
                     valid_until) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                )
                .map_err(err)?;
            for v in versions {
                let name;
                let (kind, value, sighting) = match &v.object {
                    Object::Us => (US, "", None),
                    Object::Sensor(n) => (SENSOR, &**n, None),
                    Object::Sighting(s) if s.vulnerability => {
                        (SIGHTING_OF_CVE, &*s.sensor, Some(&**s))
                    }
                    Object::Sighting(s) => (SIGHTING, &*s.sensor, Some(&**s)),
                    Object::Value { kind, value } => {
                        name = kind.to_string();
                        (name.as_str(), &**value, None)
                    }
                };
                let held: Vec<u8> = v.held.iter().flat_map(|c| c.to_le_bytes()).collect();
                put.execute(params![
                    v.id.to_be_bytes().as_slice(),
                    kind,
                    value,
                    sighting.map(|s| s.indicator.to_be_bytes().to_vec()),
                    sighting.map(|s| i64::try_from(s.count).unwrap_or(i64::MAX)),
                    sighting.map(|s| s.first),
                    sighting.map(|s| s.last),
                    v.created,
                    v.modified,
                    v.revoked,
                    v.confidence,
                    // Stored as its bits: SQLite integers are signed.
                    v.fingerprint as i64,
                    held,
                    v.valid_until,
                ])
                .map_err(err)?;
            }
            let mut drop = tx
                .prepare_cached("DELETE FROM taxii_versions WHERE id = ?1")
                .map_err(err)?;
            for id in &ledger.dropped {
                drop.execute(params![id.to_be_bytes().as_slice()])
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }
}

fn uuid_of(b: &[u8]) -> Option<u128> {
    Some(u128::from_be_bytes(b.try_into().ok()?))
}

/// One stored row as a version; `None` for one this build cannot read.
fn row_version(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Version>> {
    let Some(id) = uuid_of(&r.get::<_, Vec<u8>>(0)?) else {
        return Ok(None);
    };
    let kind: String = r.get(1)?;
    let value: String = r.get(2)?;
    let object = match kind.as_str() {
        US => Object::Us,
        SENSOR => Object::Sensor(value.into()),
        k @ (SIGHTING | SIGHTING_OF_CVE) => {
            let Some(indicator) = r.get::<_, Option<Vec<u8>>>(3)?.and_then(|b| uuid_of(&b)) else {
                return Ok(None);
            };
            Object::Sighting(Box::new(SightingOf {
                indicator,
                vulnerability: k == SIGHTING_OF_CVE,
                sensor: value.into(),
                count: u64::try_from(r.get::<_, Option<i64>>(4)?.unwrap_or(0)).unwrap_or(0),
                first: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
                last: r.get::<_, Option<i64>>(6)?.unwrap_or(0),
            }))
        }
        k => match k.parse::<IndicatorType>() {
            Ok(t) => Object::Value {
                kind: t,
                value: value.into(),
            },
            Err(_) => return Ok(None),
        },
    };
    let held: Vec<u8> = r.get(12)?;
    Ok(Some(Version {
        id,
        object,
        created: r.get(7)?,
        modified: r.get(8)?,
        revoked: r.get(9)?,
        confidence: r.get::<_, u8>(10)?.min(100),
        valid_until: r.get(13)?,
        fingerprint: r.get::<_, i64>(11)? as u64,
        held: held
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<SmallVec<[u16; 4]>>(),
        row: NO_ROW,
    }))
}
