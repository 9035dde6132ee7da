// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-up answers and the claims on values being looked up, on the shared store. A
//! claim locks the value's claim row (`SELECT ... FOR UPDATE`, after creating it if
//! missing) for one transaction, so two teammates' processes never both claim a value.

use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::{PgStore, classify};
use crate::model::{Enrichment, IndicatorType};
use crate::sources::answers::Claim;
use crate::store::persist::PersistError;
use crate::store::persist::answers::{
    AnswerKey, EnrichmentStore, MAX_LOADED_ANSWERS, decode_answer, encode_verdict,
};
use crate::store::persist::codec::{type_code, type_of};

const ANSWER: &str = "SELECT at, data FROM enrichments
  WHERE source = $1 AND kind = $2 AND value = $3 AND at >= $4";

async fn enrichment(
    store: &PgStore,
    key: AnswerKey,
    since: Timestamp,
) -> Result<Option<Enrichment>, PersistError> {
    let client = store.client().await?;
    let code = type_code(key.kind) as i32;
    let row = client
        .query_opt(
            ANSWER,
            &[&key.source, &code, &key.value, &since.as_millisecond()],
        )
        .await
        .map_err(|e| classify(&store.shown, e))?;
    Ok(row.and_then(|r| {
        let at: i64 = r.try_get(0).ok()?;
        let data: Option<&[u8]> = r.try_get(1).ok()?;
        decode_answer(&key, at, data)
    }))
}

async fn save_enrichment(store: &PgStore, e: Enrichment) -> Result<(), PersistError> {
    let mut client = store.client().await?;
    let c = |err| classify(&store.shown, err);
    let tx = client.transaction().await.map_err(c)?;
    let (source, code, value) = (&*e.service, type_code(e.kind) as i32, &*e.value);
    tx.execute(
        "INSERT INTO enrichments (source, kind, value, at, data) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (source, kind, value) DO UPDATE SET at = EXCLUDED.at, data = EXCLUDED.data",
        &[
            &source,
            &code,
            &value,
            &e.at.as_millisecond(),
            &encode_verdict(e.verdict.as_ref()),
        ],
    )
    .await
    .map_err(c)?;
    tx.execute(
        "DELETE FROM enrichment_claims WHERE source = $1 AND kind = $2 AND value = $3",
        &[&source, &code, &value],
    )
    .await
    .map_err(c)?;
    tx.commit().await.map_err(c)
}

async fn claim(
    store: &PgStore,
    key: AnswerKey,
    holder: String,
    since: Timestamp,
    hold: Duration,
) -> Result<Claim, PersistError> {
    let mut client = store.client().await?;
    let c = |err| classify(&store.shown, err);
    let tx = client.transaction().await.map_err(c)?;
    let code = type_code(key.kind) as i32;
    // The claim row, locked: every claimer of this value waits here for the others.
    tx.execute(
        "INSERT INTO enrichment_claims (source, kind, value, holder, until)
         VALUES ($1, $2, $3, '', 0) ON CONFLICT (source, kind, value) DO NOTHING",
        &[&key.source, &code, &key.value],
    )
    .await
    .map_err(c)?;
    let Some(row) = tx
        .query_opt(
            "SELECT holder, until FROM enrichment_claims
              WHERE source = $1 AND kind = $2 AND value = $3 FOR UPDATE",
            &[&key.source, &code, &key.value],
        )
        .await
        .map_err(c)?
    else {
        // The holder kept its answer and dropped the claim between our insert and this
        // read: the answer is there to be read on the next look.
        return Ok(Claim::Taken {
            until: Timestamp::now(),
        });
    };
    let answer = tx
        .query_opt(
            ANSWER,
            &[&key.source, &code, &key.value, &since.as_millisecond()],
        )
        .await
        .map_err(c)?
        .and_then(|r| {
            let at: i64 = r.try_get(0).ok()?;
            let data: Option<&[u8]> = r.try_get(1).ok()?;
            decode_answer(&key, at, data)
        });
    if let Some(a) = answer {
        // Dropping the transaction rolls back the placeholder row.
        return Ok(Claim::Answered(a));
    }
    let now = Timestamp::now();
    let other: String = row.try_get(0).unwrap_or_default();
    let until: i64 = row.try_get(1).unwrap_or_default();
    if other != holder && until > now.as_millisecond() {
        let until = Timestamp::from_millisecond(until).unwrap_or(now);
        return Ok(Claim::Taken { until });
    }
    let until = now
        .checked_add(jiff::SignedDuration::try_from(hold).unwrap_or_default())
        .unwrap_or(now);
    tx.execute(
        "UPDATE enrichment_claims SET holder = $4, until = $5
          WHERE source = $1 AND kind = $2 AND value = $3",
        &[
            &key.source,
            &code,
            &key.value,
            &holder,
            &until.as_millisecond(),
        ],
    )
    .await
    .map_err(c)?;
    tx.commit().await.map_err(c)?;
    Ok(Claim::Granted)
}

async fn enrichments_since(
    store: &PgStore,
    since: Timestamp,
) -> Result<Vec<Enrichment>, PersistError> {
    let client = store.client().await?;
    let rows = client
        .query(
            "SELECT source, kind, value, at, data FROM enrichments
              WHERE at >= $1 ORDER BY at DESC LIMIT $2",
            &[&since.as_millisecond(), &(MAX_LOADED_ANSWERS as i64)],
        )
        .await
        .map_err(|e| classify(&store.shown, e))?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let key = AnswerKey {
                source: r.try_get(0).ok()?,
                kind: type_of(i64::from(r.try_get::<_, i32>(1).ok()?))?,
                value: r.try_get(2).ok()?,
            };
            let data: Option<&[u8]> = r.try_get(4).ok()?;
            decode_answer(&key, r.try_get(3).ok()?, data)
        })
        .collect())
}

async fn release(store: &PgStore, key: AnswerKey, holder: String) -> Result<(), PersistError> {
    let client = store.client().await?;
    client
        .execute(
            "DELETE FROM enrichment_claims
              WHERE source = $1 AND kind = $2 AND value = $3 AND holder = $4",
            &[
                &key.source,
                &(type_code(key.kind) as i32),
                &key.value,
                &holder,
            ],
        )
        .await
        .map_err(|e| classify(&store.shown, e))?;
    Ok(())
}

impl EnrichmentStore for PgStore {
    fn enrichment(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Option<Enrichment>, PersistError>> {
        let key = AnswerKey {
            source,
            kind,
            value,
        };
        Box::pin(enrichment(self, key, since))
    }

    fn save_enrichment(&self, answer: Enrichment) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(save_enrichment(self, answer))
    }

    fn claim_enrichment(
        &self,
        key: AnswerKey,
        holder: String,
        since: Timestamp,
        hold: Duration,
    ) -> BoxFuture<'_, Result<Claim, PersistError>> {
        Box::pin(claim(self, key, holder, since, hold))
    }

    fn enrichments_since(
        &self,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<Enrichment>, PersistError>> {
        Box::pin(enrichments_since(self, since))
    }

    fn release_enrichment(
        &self,
        key: AnswerKey,
        holder: String,
    ) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(release(self, key, holder))
    }
}
