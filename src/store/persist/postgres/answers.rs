// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-up answers on the shared store.

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::{PgStore, classify};
use crate::model::{Enrichment, IndicatorType};
use crate::store::persist::PersistError;
use crate::store::persist::answers::{AnswerKey, EnrichmentStore, decode_answer, encode_verdict};
use crate::store::persist::codec::type_code;

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
    let client = store.client().await?;
    client
        .execute(
            "INSERT INTO enrichments (source, kind, value, at, data) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (source, kind, value) DO UPDATE SET at = EXCLUDED.at, data = EXCLUDED.data",
            &[
                &&*e.service,
                &(type_code(e.kind) as i32),
                &&*e.value,
                &e.at.as_millisecond(),
                &encode_verdict(e.verdict.as_ref()),
            ],
        )
        .await
        .map_err(|err| classify(&store.shown, err))?;
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
}
