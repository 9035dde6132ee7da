// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The quota ledger on the shared store. A ledger change locks
//! the account's row (`SELECT ... FOR UPDATE`, after creating it if missing) for one
//! transaction, so every teammate's process spends one budget.

use super::{PgStore, classify};
use crate::net::ledger::LedgerState;
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
