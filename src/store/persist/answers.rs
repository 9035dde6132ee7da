// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-up answers in the store ([`EnrichmentStore`]): each service's last answer about
//! a value with its time, and the claims that let one process at a time ask about a
//! value; and the store seen as the look-ups' [`AnswerStore`].

use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::{PersistError, SharedStore};
use crate::model::{Enrichment, IndicatorType, Verdict};
use crate::sources::answers::{AnswerStore, Claim};

/// The leading byte of a stored verdict (JSON after it). Rows of the earlier form (a
/// chunk of one sighting) do not decode and count as not stored: they are asked again.
const VERDICT_FORMAT: u8 = b'V';

/// The most stored answers read at once ([`EnrichmentStore::enrichments_since`]).
pub const MAX_LOADED_ANSWERS: usize = 200_000;

/// The largest stored verdict read back, in bytes.
const MAX_VERDICT_BYTES: usize = 256 << 10;

/// Look-up answers and claims; every [`super::SnapshotStore`] is one. The defaults
/// keep nothing and grant every claim (a store that keeps no answers).
pub trait EnrichmentStore: Send + Sync {
    /// The stored answer of `source` about `(kind, value)` if it was given at or after
    /// `since`.
    fn enrichment(
        &self,
        _source: String,
        _kind: IndicatorType,
        _value: String,
        _since: Timestamp,
    ) -> BoxFuture<'_, Result<Option<Enrichment>, PersistError>> {
        Box::pin(async { Ok(None) })
    }

    /// Keeps `answer` under its service's name, replacing an older one of the same
    /// value, and ends any claim on the value.
    fn save_enrichment(&self, _answer: Enrichment) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(async { Ok(()) })
    }

    /// In one transaction that every process using the store serialises on: the
    /// stored answer if given at or after `since`; else another holder's claim if it
    /// has not lapsed; else a claim for `holder` lapsing `hold` from now.
    fn claim_enrichment(
        &self,
        _key: AnswerKey,
        _holder: String,
        _since: Timestamp,
        _hold: Duration,
    ) -> BoxFuture<'_, Result<Claim, PersistError>> {
        Box::pin(async { Ok(Claim::Granted) })
    }

    /// Every stored answer given at or after `since`, newest first, at most
    /// [`MAX_LOADED_ANSWERS`]: what a dashboard or an export shows as its values'
    /// enrichment before (or without) asking again.
    fn enrichments_since(
        &self,
        _since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<Enrichment>, PersistError>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Drops `holder`'s claim on the value.
    fn release_enrichment(
        &self,
        _key: AnswerKey,
        _holder: String,
    ) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(async { Ok(()) })
    }
}

/// The answers `store` keeps that were given within `keep` of now (the store's
/// retention): what a dashboard or an export shows as its values' enrichment before (or
/// without) asking again.
pub async fn kept_answers(
    store: &SharedStore,
    keep: Duration,
) -> Result<Vec<Enrichment>, PersistError> {
    let since = Timestamp::now()
        .checked_sub(jiff::SignedDuration::try_from(keep).unwrap_or(jiff::SignedDuration::MAX))
        .unwrap_or(Timestamp::MIN);
    store.enrichments_since(since).await
}

/// Which answer: the service (the look-up source's name) and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerKey {
    pub source: String,
    pub kind: IndicatorType,
    pub value: String,
}

/// A verdict as stored: `None` for "not known".
pub(super) fn encode_verdict(verdict: Option<&Verdict>) -> Option<Vec<u8>> {
    verdict.map(|v| {
        let mut out = vec![VERDICT_FORMAT];
        // Plain data into a Vec: cannot fail.
        let _ = serde_json::to_writer(&mut out, v);
        out
    })
}

/// Reads a stored answer back; a row whose time or data does not decode is treated as
/// not stored.
pub(super) fn decode_answer(
    key: &AnswerKey,
    at_ms: i64,
    data: Option<&[u8]>,
) -> Option<Enrichment> {
    let at = Timestamp::from_millisecond(at_ms).ok()?;
    let verdict = match data {
        None => None,
        Some(d) => {
            let (&format, json) = d.split_first()?;
            if format != VERDICT_FORMAT || json.len() > MAX_VERDICT_BYTES {
                return None;
            }
            Some(serde_json::from_slice::<Verdict>(json).ok()?)
        }
    };
    Some(Enrichment {
        kind: key.kind,
        value: key.value.as_str().into(),
        service: key.source.as_str().into(),
        at,
        verdict,
    })
}

/// The store as the look-ups' [`AnswerStore`] (errors become their one-line text).
pub struct StoreAnswers(pub SharedStore);

impl AnswerStore for StoreAnswers {
    fn kept(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Option<Enrichment>, String>> {
        Box::pin(async move {
            self.0
                .enrichment(source, kind, value, since)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn claim(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        holder: String,
        since: Timestamp,
        hold: Duration,
    ) -> BoxFuture<'_, Result<Claim, String>> {
        let key = AnswerKey {
            source,
            kind,
            value,
        };
        Box::pin(async move {
            self.0
                .claim_enrichment(key, holder, since, hold)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn keep(&self, answer: Enrichment) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.0
                .save_enrichment(answer)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn release(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        holder: String,
    ) -> BoxFuture<'_, Result<(), String>> {
        let key = AnswerKey {
            source,
            kind,
            value,
        };
        Box::pin(async move {
            self.0
                .release_enrichment(key, holder)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VtStats;

    #[test]
    fn answers_round_trip_and_damaged_ones_are_not_trusted() {
        let key = AnswerKey {
            source: "vt".into(),
            kind: IndicatorType::Domain,
            value: "evil.example".into(),
        };
        let v = Verdict {
            virustotal: Some(VtStats {
                malicious: 3,
                ..Default::default()
            }),
            threat: Some("Emotet".into()),
            ..Default::default()
        };
        let data = encode_verdict(Some(&v));
        let back = decode_answer(&key, 5_000, data.as_deref()).unwrap();
        assert_eq!(back.verdict, Some(v));
        assert_eq!(&*back.service, "vt");
        assert_eq!(back.at.as_millisecond(), 5_000);
        let none = decode_answer(&key, 5_000, None).unwrap();
        assert_eq!(none.verdict, None);
        // The earlier form (a chunk), junk, and a cut verdict are not stored answers.
        assert_eq!(decode_answer(&key, 0, Some(b"\x01junk")), None);
        assert_eq!(decode_answer(&key, 0, Some(b"V{\"virus")), None);
        assert_eq!(decode_answer(&key, 0, Some(b"")), None);
    }
}
