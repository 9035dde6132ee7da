// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-up answers in the SQLite file.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::Sqlite;
use crate::model::Enrichment;
use crate::store::persist::PersistError;
use crate::store::persist::answers::{AnswerKey, decode_answer, encode_verdict};
use crate::store::persist::codec::type_code;

impl Sqlite {
    /// The answer of `key` given at or after `since`, if stored.
    pub fn enrichment(
        &self,
        key: &AnswerKey,
        since: Timestamp,
    ) -> Result<Option<Enrichment>, PersistError> {
        let row = self
            .conn
            .query_row(
                "SELECT at, data FROM enrichments
                  WHERE source = ?1 AND kind = ?2 AND value = ?3 AND at >= ?4",
                params![
                    key.source,
                    type_code(key.kind),
                    key.value,
                    since.as_millisecond()
                ],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(row.and_then(|(at, data)| decode_answer(key, at, data.as_deref())))
    }

    /// Keeps `e` under its service's name, replacing an older answer.
    pub fn save_enrichment(&mut self, e: &Enrichment) -> Result<(), PersistError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO enrichments (source, kind, value, at, data)
                   VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    &*e.service,
                    type_code(e.kind),
                    &*e.value,
                    e.at.as_millisecond(),
                    encode_verdict(e.verdict.as_ref())
                ],
            )
            .map_err(|err| self.err(err))?;
        Ok(())
    }
}
