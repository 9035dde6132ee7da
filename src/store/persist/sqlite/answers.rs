// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-up answers and the claims on values being looked up, in the SQLite file. A
//! claim is one `BEGIN IMMEDIATE` transaction (the file's write lock taken before
//! reading), so two processes never both claim a value.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::Sqlite;
use crate::model::Enrichment;
use crate::sources::answers::Claim;
use crate::store::persist::PersistError;
use crate::store::persist::answers::{
    AnswerKey, MAX_LOADED_ANSWERS, decode_answer, encode_verdict,
};
use crate::store::persist::codec::{type_code, type_of};

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

    /// Every answer given at or after `since`, newest first, at most
    /// [`MAX_LOADED_ANSWERS`]; rows that do not decode are left out.
    pub fn enrichments_since(&self, since: Timestamp) -> Result<Vec<Enrichment>, PersistError> {
        let e = |err| self.err(err);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source, kind, value, at, data FROM enrichments
                  WHERE at >= ?1 ORDER BY at DESC LIMIT ?2",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map(
                params![since.as_millisecond(), MAX_LOADED_ANSWERS as i64],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<Vec<u8>>>(4)?,
                    ))
                },
            )
            .map_err(e)?;
        let mut out = Vec::new();
        for row in rows {
            let (source, code, value, at, data) = row.map_err(e)?;
            let Some(kind) = type_of(code) else { continue };
            let key = AnswerKey {
                source,
                kind,
                value,
            };
            out.extend(decode_answer(&key, at, data.as_deref()));
        }
        Ok(out)
    }

    /// Keeps `e` under its service's name, replacing an older answer, and ends any
    /// claim on the value.
    pub fn save_enrichment(&mut self, e: &Enrichment) -> Result<(), PersistError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| super::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let key = params![&*e.service, type_code(e.kind), &*e.value];
        tx.execute(
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
        .map_err(err)?;
        tx.execute(
            "DELETE FROM enrichment_claims WHERE source = ?1 AND kind = ?2 AND value = ?3",
            key,
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// The stored answer of `key` from `since` on; else another holder's live claim;
    /// else a claim for `holder` until `hold` after `now`. One transaction under the
    /// file's write lock.
    pub fn claim_enrichment(
        &mut self,
        key: &AnswerKey,
        holder: &str,
        since: Timestamp,
        now: Timestamp,
        hold: Duration,
    ) -> Result<Claim, PersistError> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| super::sql_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let code = type_code(key.kind);
        let answer = tx
            .query_row(
                "SELECT at, data FROM enrichments
                  WHERE source = ?1 AND kind = ?2 AND value = ?3 AND at >= ?4",
                params![key.source, code, key.value, since.as_millisecond()],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)),
            )
            .optional()
            .map_err(err)?
            .and_then(|(at, data)| decode_answer(key, at, data.as_deref()));
        if let Some(a) = answer {
            return Ok(Claim::Answered(a));
        }
        let other = tx
            .query_row(
                "SELECT until FROM enrichment_claims
                  WHERE source = ?1 AND kind = ?2 AND value = ?3 AND holder <> ?4 AND until > ?5",
                params![key.source, code, key.value, holder, now.as_millisecond()],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(err)?;
        if let Some(until) = other {
            let until = Timestamp::from_millisecond(until).unwrap_or(now);
            return Ok(Claim::Taken { until });
        }
        let until = now
            .checked_add(jiff::SignedDuration::try_from(hold).unwrap_or_default())
            .unwrap_or(now);
        tx.execute(
            "INSERT OR REPLACE INTO enrichment_claims (source, kind, value, holder, until)
               VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key.source, code, key.value, holder, until.as_millisecond()],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(Claim::Granted)
    }

    /// Drops `holder`'s claim on `key`.
    pub fn release_enrichment(
        &mut self,
        key: &AnswerKey,
        holder: &str,
    ) -> Result<(), PersistError> {
        self.conn
            .execute(
                "DELETE FROM enrichment_claims
                  WHERE source = ?1 AND kind = ?2 AND value = ?3 AND holder = ?4",
                params![key.source, type_code(key.kind), key.value, holder],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IndicatorType, Verdict};

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn one_holder_at_a_time_claims_a_value_until_it_is_answered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let mut a = Sqlite::open(&path).unwrap().db;
        let mut b = Sqlite::open(&path).unwrap().db;
        let key = AnswerKey {
            source: "vt".into(),
            kind: IndicatorType::Ipv4,
            value: "192.0.2.7".into(),
        };
        let hold = Duration::from_secs(60);
        assert_eq!(
            a.claim_enrichment(&key, "a", t(-10), t(0), hold).unwrap(),
            Claim::Granted
        );
        assert!(matches!(
            b.claim_enrichment(&key, "b", t(-10), t(1), hold).unwrap(),
            Claim::Taken { .. }
        ));
        // The holder renews its own claim.
        assert_eq!(
            a.claim_enrichment(&key, "a", t(-10), t(2), hold).unwrap(),
            Claim::Granted
        );
        let answer = Enrichment {
            kind: key.kind,
            value: key.value.as_str().into(),
            service: "vt".into(),
            at: t(3),
            verdict: Some(Verdict::default()),
        };
        a.save_enrichment(&answer).unwrap();
        assert_eq!(
            b.claim_enrichment(&key, "b", t(-10), t(4), hold).unwrap(),
            Claim::Answered(answer)
        );
        // A claim given back, or lapsed, frees the value.
        let other = AnswerKey {
            value: "192.0.2.8".into(),
            ..key.clone()
        };
        a.claim_enrichment(&other, "a", t(-10), t(0), hold).unwrap();
        b.release_enrichment(&other, "b").unwrap();
        assert!(matches!(
            b.claim_enrichment(&other, "b", t(-10), t(1), hold).unwrap(),
            Claim::Taken { .. }
        ));
        a.release_enrichment(&other, "a").unwrap();
        assert_eq!(
            b.claim_enrichment(&other, "b", t(-10), t(2), hold).unwrap(),
            Claim::Granted
        );
        assert_eq!(
            a.claim_enrichment(&other, "a", t(-10), t(63), hold)
                .unwrap(),
            Claim::Granted,
            "b's claim lapsed"
        );
    }

    #[test]
    fn every_recent_answer_reads_back_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Sqlite::open(&dir.path().join("cache.db")).unwrap().db;
        let answer = |v: &str, at| Enrichment {
            kind: IndicatorType::Domain,
            value: v.into(),
            service: "otx".into(),
            at: t(at),
            verdict: None,
        };
        for (v, at) in [("old.example", -100), ("a.example", 5), ("b.example", 9)] {
            db.save_enrichment(&answer(v, at)).unwrap();
        }
        // A row of a type this build does not know is left out.
        db.conn
            .execute(
                "INSERT INTO enrichments (source, kind, value, at, data) VALUES ('otx', 999, 'x', ?1, NULL)",
                [t(7).as_millisecond()],
            )
            .unwrap();
        let back = db.enrichments_since(t(0)).unwrap();
        assert_eq!(back, [answer("b.example", 9), answer("a.example", 5)]);
    }
}
