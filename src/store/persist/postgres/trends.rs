// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The trend tables on PostgreSQL (schema 9), as on SQLite (`sqlite/trends.rs`; see
//! `store::persist::trends`): indicators held per source per day, hits per hour, and
//! each fetch's skipped records by reason.

use jiff::Timestamp;
use tokio_postgres::Transaction;

use super::{PgStore, classify};
use crate::store::health::HISTORY_MAX;
use crate::store::persist::PersistError;
use crate::store::persist::codec::type_of;
use crate::store::persist::trends::{
    DAY, FetchSkip, HitHour, MAX_HIT_HOURS, MAX_SOURCE_DAYS, SourceDay, at, day_of, hour_of,
    threat_of,
};

/// Writes that `source` held `count` indicators on the UTC day of `secs` (the day's
/// last write wins), and forgets its days beyond [`MAX_SOURCE_DAYS`] before it.
pub(super) async fn note_day(
    tx: &Transaction<'_>,
    source: &str,
    secs: i64,
    count: usize,
) -> Result<(), tokio_postgres::Error> {
    let day = day_of(secs);
    tx.execute(
        "INSERT INTO source_days (source, day, count) VALUES ($1, $2, $3)
         ON CONFLICT (source, day) DO UPDATE SET count = excluded.count",
        &[&source, &day, &i64::try_from(count).unwrap_or(i64::MAX)],
    )
    .await?;
    tx.execute(
        "DELETE FROM source_days WHERE source = $1 AND day <= $2",
        &[&source, &(day - MAX_SOURCE_DAYS * DAY)],
    )
    .await?;
    Ok(())
}

/// Drops what is older than `cutoff` (Unix seconds): whole days and hours before it,
/// and the skips of fetches before it. With `recount`, the sources' counts (changed by
/// retention) are written as the day of `now`'s.
pub(super) async fn age(
    tx: &Transaction<'_>,
    cutoff: i64,
    now: Timestamp,
    recount: bool,
) -> Result<(), tokio_postgres::Error> {
    tx.execute("DELETE FROM source_days WHERE day < $1", &[&day_of(cutoff)])
        .await?;
    tx.execute("DELETE FROM hit_hours WHERE hour < $1", &[&hour_of(cutoff)])
        .await?;
    tx.execute(
        "DELETE FROM fetch_skips WHERE at < $1",
        &[&cutoff.saturating_mul(1000)],
    )
    .await?;
    if recount {
        tx.execute(
            "INSERT INTO source_days (source, day, count) SELECT name, $1, count FROM sources
             ON CONFLICT (source, day) DO UPDATE SET count = excluded.count",
            &[&day_of(now.as_second())],
        )
        .await?;
    }
    Ok(())
}

/// Keeps the newest [`MAX_HIT_HOURS`] rows of hit hours.
pub(super) async fn bound_hours(tx: &Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "DELETE FROM hit_hours WHERE hour < (SELECT hour FROM hit_hours
           ORDER BY hour DESC LIMIT 1 OFFSET $1)",
        &[&(MAX_HIT_HOURS as i64)],
    )
    .await?;
    Ok(())
}

impl PgStore {
    pub(super) async fn source_days_inner(
        &self,
        since: Timestamp,
    ) -> Result<Vec<SourceDay>, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT source, day, count FROM source_days WHERE day >= $1 ORDER BY source, day",
                &[&day_of(since.as_second())],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(SourceDay {
                    source: r.try_get(0).ok()?,
                    day: at(r.try_get(1).ok()?),
                    count: r.try_get::<_, i64>(2).ok()?.max(0) as usize,
                })
            })
            .collect())
    }

    pub(super) async fn hit_hours_inner(
        &self,
        since: Timestamp,
    ) -> Result<Vec<HitHour>, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT hour, kind, sensor, threat, hits FROM hit_hours WHERE hour >= $1
                 ORDER BY hour, kind, sensor, threat",
                &[&hour_of(since.as_second())],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(HitHour {
                    hour: at(r.try_get(0).ok()?),
                    kind: type_of(i64::from(r.try_get::<_, i32>(1).ok()?))?,
                    sensor: r.try_get(2).ok()?,
                    threat: threat_of(r.try_get(3).ok()?),
                    hits: r.try_get::<_, i64>(4).ok()?.max(0) as u64,
                })
            })
            .collect())
    }

    pub(super) async fn record_skips_inner(
        &self,
        source: &str,
        when: Timestamp,
        skips: &[(String, usize)],
    ) -> Result<(), PersistError> {
        let mut client = self.client().await?;
        let c = |e| classify(&self.shown, e);
        let tx = client.transaction().await.map_err(c)?;
        let (reasons, counts): (Vec<&str>, Vec<i64>) = skips
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.as_str(), i64::try_from(*n).unwrap_or(i64::MAX)))
            .unzip();
        tx.execute(
            "INSERT INTO fetch_skips (source, at, reason, count)
             SELECT $1, $2, r, n FROM unnest($3::TEXT[], $4::BIGINT[]) AS u(r, n)",
            &[&source, &when.as_millisecond(), &reasons, &counts],
        )
        .await
        .map_err(c)?;
        // Only the fetches the history keeps keep their skips.
        tx.execute(
            "DELETE FROM fetch_skips WHERE source = $1 AND at < (SELECT MIN(at) FROM
               (SELECT at FROM fetch_log WHERE source = $1 ORDER BY at DESC LIMIT $2) h)",
            &[&source, &(HISTORY_MAX as i64)],
        )
        .await
        .map_err(c)?;
        tx.commit().await.map_err(c)
    }

    pub(super) async fn fetch_skips_inner(
        &self,
        source: &str,
        since: Timestamp,
    ) -> Result<Vec<FetchSkip>, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT at, reason, count FROM fetch_skips WHERE source = $1 AND at >= $2
                 ORDER BY at, count DESC, reason",
                &[&source, &since.as_millisecond()],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(FetchSkip {
                    at: Timestamp::from_millisecond(r.try_get(0).ok()?)
                        .unwrap_or(Timestamp::UNIX_EPOCH),
                    reason: r.try_get(1).ok()?,
                    count: r.try_get::<_, i64>(2).ok()?.max(0) as usize,
                })
            })
            .collect())
    }
}
