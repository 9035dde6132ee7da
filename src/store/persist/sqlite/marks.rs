// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `marks` table (schema 10): the analyst's triage marks, one row per mark, never
//! rewritten (see `persist/marks.rs` for the columns). `AUTOINCREMENT` keeps row ids
//! growing even past deleted rows, so "the marks after row N" never misses one.

use rusqlite::params;

use super::{Sqlite, sql_err};
use crate::store::persist::PersistError;
use crate::store::persist::codec::type_code;
use crate::store::persist::marks::{COLUMNS, mark_of, verdict_text};
use crate::trust::triage::Mark;

impl Sqlite {
    /// Keeps `mark`; returns its row id.
    pub fn save_mark(&mut self, mark: &Mark) -> Result<i64, PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| sql_err(&path, e);
        self.conn
            .execute(
                "INSERT INTO marks (kind, indicator, hit, verdict, note, marked_by, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    type_code(mark.kind),
                    &*mark.indicator,
                    mark.hit,
                    verdict_text(mark),
                    mark.note.as_deref(),
                    &*mark.by,
                    mark.at.as_second(),
                ],
            )
            .map_err(e)?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Up to `limit` marks whose row id is above `after`, oldest first.
    pub fn marks_after(&self, after: i64, limit: usize) -> Result<Vec<(i64, Mark)>, PersistError> {
        let e = |e: rusqlite::Error| self.err(e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM marks WHERE id > ?1 ORDER BY id LIMIT ?2"
            ))
            .map_err(e)?;
        let rows = stmt
            .query_map(
                params![after, i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        mark_of(
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                            r.get(7)?,
                        ),
                    ))
                },
            )
            .map_err(e)?;
        let mut out = Vec::new();
        for row in rows {
            match row.map_err(e)? {
                (id, Some(mark)) => out.push((id, mark)),
                (id, None) => {
                    tracing::debug!(id, "a triage mark this build cannot read is skipped")
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorType;
    use crate::trust::triage::Verdict;

    fn mark(verdict: Option<Verdict>, hit: Option<i64>) -> Mark {
        Mark {
            kind: IndicatorType::Domain,
            indicator: "cdn.example".into(),
            hit,
            verdict,
            note: Some("edge cache".into()),
            by: "alice@soc.example".into(),
            at: jiff::Timestamp::from_second(1_800_000_000).unwrap(),
        }
    }

    #[test]
    fn marks_round_trip_in_order_and_ids_never_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Sqlite::open(&dir.path().join("c.db")).unwrap().db;
        let a = db
            .save_mark(&mark(Some(Verdict::FalsePositive), Some(3)))
            .unwrap();
        let b = db.save_mark(&mark(None, None)).unwrap();
        assert!(b > a);
        let all = db.marks_after(0, 10).unwrap();
        assert_eq!(
            all,
            vec![
                (a, mark(Some(Verdict::FalsePositive), Some(3))),
                (b, mark(None, None))
            ]
        );
        assert_eq!(db.marks_after(a, 10).unwrap().len(), 1);
        assert_eq!(db.marks_after(0, 1).unwrap().len(), 1);
        // A row another build wrote with a verdict this one does not know is skipped.
        db.conn
            .execute(
                "INSERT INTO marks (kind, indicator, hit, verdict, note, marked_by, at)
                 VALUES (4, 'x.example', NULL, 'maybe', NULL, 'bob@h', 0)",
                [],
            )
            .unwrap();
        assert_eq!(db.marks_after(b, 10).unwrap(), vec![]);
        // Deleting the newest row does not give its id to the next mark.
        db.conn.execute("DELETE FROM marks", []).unwrap();
        let c = db.save_mark(&mark(None, None)).unwrap();
        assert!(c > b + 1, "{c} after {b}");
    }
}
