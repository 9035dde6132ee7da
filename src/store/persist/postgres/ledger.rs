// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The quota ledger and enrichment answers on the shared store. A ledger change locks
//! the account's row (`SELECT ... FOR UPDATE`, after creating it if missing) for one
//! transaction, so every teammate's process spends one budget.

use jiff::Timestamp;

use super::{PgStore, classify};
use crate::model::IndicatorType;
use crate::net::ledger::LedgerState;
use crate::store::persist::codec::type_code;
use crate::store::persist::ledger::{Enrichment, decode_result, encode_result};
use crate::store::persist::{PersistError, QuotaOp, QuotaReply};

fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Applies `op` to `account`'s row under a row lock.
pub(super) async fn quota(
    store: &PgStore,
    account: String,
    op: QuotaOp,
) -> Result<QuotaReply, PersistError> {
    let mut client = store.client().await?;
    let c = |e| classify(&store.shown, e);
    let tx = client.transaction().await.map_err(c)?;
    tx.execute(
        "INSERT INTO quota_ledger (account) VALUES ($1) ON CONFLICT (account) DO NOTHING",
        &[&account],
    )
    .await
    .map_err(c)?;
    let row = tx
        .query_one(
            "SELECT recent, day, day_used, month, month_used, blocked_until
               FROM quota_ledger WHERE account = $1 FOR UPDATE",
            &[&account],
        )
        .await
        .map_err(c)?;
    let mut state = LedgerState {
        recent: LedgerState::decode_recent(row.try_get::<_, &str>(0).unwrap_or_default()),
        day: row.try_get(1).unwrap_or_default(),
        day_used: count(row.try_get(2).unwrap_or_default()),
        month: row.try_get(3).unwrap_or_default(),
        month_used: count(row.try_get(4).unwrap_or_default()),
        blocked_until: row.try_get(5).unwrap_or_default(),
    };
    let reply = op.apply(&mut state);
    tx.execute(
        "UPDATE quota_ledger SET recent = $2, day = $3, day_used = $4, month = $5,
           month_used = $6, blocked_until = $7 WHERE account = $1",
        &[
            &account,
            &state.encode_recent(),
            &state.day,
            &i64::from(state.day_used),
            &state.month,
            &i64::from(state.month_used),
            &state.blocked_until,
        ],
    )
    .await
    .map_err(c)?;
    tx.commit().await.map_err(c)?;
    Ok(reply)
}

/// `source`'s answer about `(kind, value)` from `since` on, if stored.
pub(super) async fn enrichment(
    store: &PgStore,
    source: String,
    kind: IndicatorType,
    value: String,
    since: Timestamp,
) -> Result<Option<Enrichment>, PersistError> {
    let client = store.client().await?;
    let row = client
        .query_opt(
            "SELECT at, data FROM enrichments
              WHERE source = $1 AND kind = $2 AND value = $3 AND at >= $4",
            &[
                &source,
                &(type_code(kind) as i32),
                &value,
                &since.as_millisecond(),
            ],
        )
        .await
        .map_err(|e| classify(&store.shown, e))?;
    Ok(row.and_then(|r| {
        let at: i64 = r.try_get(0).ok()?;
        let data: Option<&[u8]> = r.try_get(1).ok()?;
        decode_result(kind, &value, at, data)
    }))
}

/// Keeps `source`'s answer `e`, replacing an older one.
pub(super) async fn save_enrichment(
    store: &PgStore,
    source: String,
    e: Enrichment,
) -> Result<(), PersistError> {
    let client = store.client().await?;
    client
        .execute(
            "INSERT INTO enrichments (source, kind, value, at, data) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (source, kind, value) DO UPDATE SET at = EXCLUDED.at, data = EXCLUDED.data",
            &[
                &source,
                &(type_code(e.kind) as i32),
                &e.value,
                &e.at.as_millisecond(),
                &encode_result(e.result.as_ref()),
            ],
        )
        .await
        .map_err(|err| classify(&store.shown, err))?;
    Ok(())
}
