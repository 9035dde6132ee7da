// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One push run of one source: take the lease, push batch after batch of pending hits
//! (each written ahead in the store, each request counted when begun and answered),
//! give the lease back with what was done.

use std::time::Duration;

use jiff::Timestamp;
use secrecy::SecretString;

use super::items::{self, PushItem};
use super::{PushError, PushOutcome, PushReport, Sender, misp, taxii};
use crate::config::SourceSpec;
use crate::store::persist::{PushOp, PushReply, PushRow, PushStream, SharedStore};

/// Hits read per batch.
pub const BATCH: usize = 500;
/// Batches pushed per run at most; the rest waits for the next run.
pub const MAX_BATCHES: usize = 20;
/// How long the lease holds without being renewed: longer than the slowest request
/// (its retries and a rate limit's wait included).
pub const LEASE: Duration = Duration::from_secs(600);

/// Where a source's sightings go.
pub enum Target {
    Misp { key: SecretString },
    Taxii(Box<taxii::Taxii>),
}

/// One request of a batch.
enum Req {
    Misp(misp::Call),
    Taxii(Vec<serde_json::Value>),
}

impl Target {
    /// Whether a request that may or may not have reached the server is sent again.
    fn resends(&self) -> bool {
        matches!(self, Target::Taxii(_))
    }

    /// The requests for `items` of the batch named `batch`, in a fixed order, and how
    /// many items none can carry.
    fn requests(&self, items: &[PushItem], batch: &str, row: &PushRow) -> (Vec<Req>, u64) {
        match self {
            Target::Misp { .. } => (misp::calls(items).into_iter().map(Req::Misp).collect(), 0),
            Target::Taxii(t) => {
                let (objects, passed) = t.sightings(items, batch, row);
                let reqs = objects
                    .chunks(taxii::PER_ENVELOPE)
                    .map(|c| Req::Taxii(c.to_vec()))
                    .collect();
                (reqs, passed)
            }
        }
    }

    /// Sends one request: the sightings taken, and the findings passed over.
    async fn send(
        &self,
        sender: &Sender<'_>,
        spec: &SourceSpec,
        req: &Req,
    ) -> Result<(u64, u64), PushError> {
        match (self, req) {
            (Target::Misp { key }, Req::Misp(call)) => {
                match misp::send(sender, &spec.url, key, call).await? {
                    misp::Answer::Added(n) => Ok((n, 0)),
                    misp::Answer::NoneHeld(n) => Ok((0, n)),
                }
            }
            (Target::Taxii(t), Req::Taxii(objects)) => {
                t.add(sender, spec, objects).await.map(|n| (n, 0))
            }
            _ => Err(PushError::Other("a request of another kind".into())),
        }
    }
}

/// Applies `op` to `source`'s push state; anything but `Done` means the lease is gone.
async fn apply(store: &SharedStore, source: &str, op: PushOp) -> Result<PushRow, PushError> {
    match store.push_state(source.to_string(), op).await? {
        PushReply::Done(row) => Ok(row),
        PushReply::HeldBy { .. } | PushReply::Lost => Err(PushError::Lost),
    }
}

/// A fresh STIX identity id: `identity--<random UUID>`, kept by the store on first use.
fn new_identity() -> String {
    let bytes = fastrand::u128(..).to_le_bytes();
    format!(
        "identity--{}",
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    )
}

/// One run: claims the lease, pushes, releases it with the outcome.
pub async fn run(
    store: &SharedStore,
    sender: &Sender<'_>,
    spec: &SourceSpec,
    mut target: Target,
    holder: &str,
) -> PushReport {
    let mut report = PushReport::new(&spec.name);
    let claim = PushOp::Claim {
        holder: holder.into(),
        now: Timestamp::now(),
        ttl: LEASE,
        identity: new_identity(),
    };
    let row = match store.push_state(spec.name.clone(), claim).await {
        Ok(PushReply::Done(row)) => row,
        Ok(PushReply::HeldBy { holder, until }) => {
            report.outcome = PushOutcome::Held { holder, until };
            return report;
        }
        Ok(PushReply::Lost) => {
            report.outcome = PushOutcome::Failed(PushError::Lost);
            return report;
        }
        Err(e) => {
            report.outcome = PushOutcome::Failed(e.into());
            return report;
        }
    };
    let result = batches(store, sender, spec, &mut target, holder, row, &mut report).await;
    let error = result.err();
    let release = PushOp::Release {
        holder: holder.into(),
        now: Timestamp::now(),
        count: report.pushed,
        error: error
            .as_ref()
            .map(|e| crate::model::sanitize::one_line(&e.to_string(), 300)),
    };
    if let Err(e) = store.push_state(spec.name.clone(), release).await {
        tracing::debug!("push to {}: the lease is not given back: {e}", spec.name);
    }
    if let Some(e) = error {
        report.outcome = PushOutcome::Failed(e);
    }
    report
}

/// Pushes up to [`MAX_BATCHES`] batches, resuming one left in flight.
async fn batches(
    store: &SharedStore,
    sender: &Sender<'_>,
    spec: &SourceSpec,
    target: &mut Target,
    holder: &str,
    mut row: PushRow,
    report: &mut PushReport,
) -> Result<(), PushError> {
    let name = spec.name.as_str();
    let at = |f: fn(String, Timestamp) -> PushOp| f(holder.to_string(), Timestamp::now());
    if let Target::Taxii(t) = target {
        t.prepare(sender, spec, store, &row).await?;
        if !row.identity_sent {
            t.add(sender, spec, &[t.identity(&row)]).await?;
            row = apply(
                store,
                name,
                at(|h, now| PushOp::IdentitySent {
                    holder: h,
                    now,
                    ttl: LEASE,
                }),
            )
            .await?;
        }
    }
    for _ in 0..MAX_BATCHES {
        let from = row.hits_upto.saturating_add(1);
        let (hits, upto) = match row.batch {
            Some((PushStream::Hits, upto)) => (store.hits_in(from..=upto, BATCH).await?.0, upto),
            // Marks are pushed by their own producer.
            Some((PushStream::Marks, _)) => return Ok(()),
            None => {
                let (hits, high) = store.hits_in(from..=i64::MAX, BATCH).await?;
                let Some(upto) = high else {
                    return Ok(());
                };
                let begin = PushOp::Begin {
                    holder: holder.into(),
                    now: Timestamp::now(),
                    ttl: LEASE,
                    stream: PushStream::Hits,
                    upto,
                };
                row = apply(store, name, begin).await?;
                (hits, upto)
            }
        };
        let found = items::from_hits(&hits, name);
        let (reqs, passed) = target.requests(&found, &format!("hits:{from}-{upto}"), &row);
        report.passed += passed;
        if row.sent > row.acked {
            // A request of this batch was begun by a process that got no answer.
            let op = if target.resends() {
                at(|h, now| PushOp::Unsent {
                    holder: h,
                    now,
                    ttl: LEASE,
                })
            } else {
                tracing::warn!(
                    "push to {name}: a request begun before got no answer; it is not sent again, \
                     so nothing is pushed twice"
                );
                report.unanswered += 1;
                at(|h, now| PushOp::PassOver {
                    holder: h,
                    now,
                    ttl: LEASE,
                })
            };
            row = apply(store, name, op).await?;
        }
        for (n, req) in reqs.iter().enumerate().skip(row.acked as usize) {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let send = PushOp::Send {
                holder: holder.into(),
                now: Timestamp::now(),
                ttl: LEASE,
                n,
            };
            apply(store, name, send).await?;
            match target.send(sender, spec, req).await {
                Ok((pushed, passed)) => {
                    report.pushed += pushed;
                    report.passed += passed;
                    let acked = PushOp::Acked {
                        holder: holder.into(),
                        now: Timestamp::now(),
                        ttl: LEASE,
                        n,
                        pushed,
                    };
                    apply(store, name, acked).await?;
                }
                Err(e) if e.maybe_received() && !target.resends() => {
                    tracing::warn!(
                        "push to {name}: {e}; not sent again, so nothing is pushed twice"
                    );
                    report.unanswered += 1;
                    apply(
                        store,
                        name,
                        at(|h, now| PushOp::PassOver {
                            holder: h,
                            now,
                            ttl: LEASE,
                        }),
                    )
                    .await?;
                }
                Err(e) => {
                    apply(
                        store,
                        name,
                        at(|h, now| PushOp::Unsent {
                            holder: h,
                            now,
                            ttl: LEASE,
                        }),
                    )
                    .await?;
                    return Err(e);
                }
            }
        }
        row = apply(
            store,
            name,
            at(|h, now| PushOp::Finish {
                holder: h,
                now,
                ttl: LEASE,
            }),
        )
        .await?;
        tracing::debug!(source = name, upto, "push batch through");
    }
    Ok(())
}
