// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The quota ledger in the SQLite file. A ledger change is one
//! `BEGIN IMMEDIATE` transaction: it takes the file's write lock before reading, so two
//! processes never both spend the last request.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::Sqlite;
use crate::net::ledger::LedgerState;
use crate::store::persist::{PersistError, QuotaOp, QuotaReply};

fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

impl Sqlite {
    /// Reads `account`'s state under the write lock, lets `f` change it, writes it back.
    fn with_ledger<R>(
        &mut self,
        account: &str,
        f: impl FnOnce(&mut LedgerState) -> R,
    ) -> Result<R, PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| super::sql_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let mut state = tx
            .query_row(
                "SELECT recent, day, day_used, month, month_used, blocked_until
                   FROM quota_ledger WHERE account = ?1",
                [account],
                |r| {
                    Ok(LedgerState {
                        recent: LedgerState::decode_recent(&r.get::<_, String>(0)?),
                        day: r.get(1)?,
                        day_used: count(r.get(2)?),
                        month: r.get(3)?,
                        month_used: count(r.get(4)?),
                        blocked_until: r.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(e)?
            .unwrap_or_default();
        let out = f(&mut state);
        tx.execute(
            "INSERT INTO quota_ledger (account, recent, day, day_used, month, month_used, blocked_until)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (account) DO UPDATE SET recent = excluded.recent, day = excluded.day,
               day_used = excluded.day_used, month = excluded.month,
               month_used = excluded.month_used, blocked_until = excluded.blocked_until",
            params![
                account,
                state.encode_recent(),
                state.day,
                state.day_used,
                state.month,
                state.month_used,
                state.blocked_until
            ],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(out)
    }

    /// Applies `op` to `account`'s quota in one transaction.
    pub fn quota(&mut self, account: &str, op: QuotaOp) -> Result<QuotaReply, PersistError> {
        self.with_ledger(account, |s| op.apply(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RateLimitConfig;
    use crate::model::{Enrichment, IndicatorType, Observation, Sighting};
    use crate::net::ratelimit::Denied;
    use crate::store::persist::AnswerKey;
    use crate::store::persist::codec::encode_chunk;
    use jiff::Timestamp;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn spend(db: &mut Sqlite, limits: RateLimitConfig, now: Timestamp) -> Result<(), Denied> {
        match db.quota("vt:1", QuotaOp::Spend { limits, now }).unwrap() {
            QuotaReply::Spent(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn migrates_from_schema_4_keeping_snapshots_and_adding_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        Sqlite::create_old(&path, 4).unwrap();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            let v: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, 4);
            let s = Sighting {
                kind: IndicatorType::Ipv4,
                value: "192.0.2.7".into(),
                obs: Observation::default(),
            };
            conn.execute(
                "INSERT INTO sources (name, kind, fetched_at, count) VALUES ('feodo', 'feodo', ?1, 1)",
                [t(0).as_second()],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO chunks (source, grp, seq, seen_at, rows, data) VALUES ('feodo', '', 0, ?1, 1, ?2)",
                params![t(0).as_second(), encode_chunk(&[s])],
            )
            .unwrap();
        }
        let mut db = Sqlite::open(&path).unwrap().db;
        let v: i64 = db
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, super::super::SCHEMA_VERSION);
        let kept = db.load_source("feodo").unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(&*kept[0].value, "192.0.2.7");
        let limits = RateLimitConfig::default();
        assert_eq!(spend(&mut db, limits, t(0)), Ok(()));
        let key = AnswerKey {
            source: "vt".into(),
            kind: IndicatorType::Ipv4,
            value: "192.0.2.7".into(),
        };
        let e = Enrichment {
            kind: IndicatorType::Ipv4,
            value: "192.0.2.7".into(),
            service: "vt".into(),
            at: t(0),
            verdict: None,
        };
        db.save_enrichment(&e).unwrap();
        assert_eq!(db.enrichment(&key, t(-1)).unwrap(), Some(e));
        assert_eq!(
            db.enrichment(&key, t(1)).unwrap(),
            None,
            "an answer older than `since` is not reused"
        );
    }

    #[test]
    fn two_connections_to_one_file_spend_one_budget() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let mut a = Sqlite::open(&path).unwrap().db;
        let mut b = Sqlite::open(&path).unwrap().db;
        let limits = RateLimitConfig {
            per_minute: 3,
            per_day: 500,
            per_month: None,
        };
        assert_eq!(spend(&mut a, limits, t(0)), Ok(()));
        assert_eq!(spend(&mut b, limits, t(1)), Ok(()));
        assert_eq!(spend(&mut a, limits, t(2)), Ok(()));
        assert!(matches!(spend(&mut b, limits, t(3)), Err(Denied::Wait(_))));
        // A 429 seen by one is known to the other.
        a.quota(
            "vt:1",
            QuotaOp::Correct {
                limits,
                now: t(61),
                retry_after: Some(std::time::Duration::from_secs(30)),
            },
        )
        .unwrap();
        assert!(matches!(spend(&mut b, limits, t(62)), Err(Denied::Wait(_))));
        assert_eq!(spend(&mut b, limits, t(91)), Ok(()));
    }

    #[test]
    fn hostile_ledger_rows_are_read_leniently() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Sqlite::open(&dir.path().join("cache.db")).unwrap().db;
        db.conn
            .execute(
                "INSERT INTO quota_ledger (account, recent, day, day_used) VALUES ('vt:1', 'x,,\u{202e}', -5, -9)",
                [],
            )
            .unwrap();
        assert_eq!(spend(&mut db, RateLimitConfig::default(), t(0)), Ok(()));
    }
}
