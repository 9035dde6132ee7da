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

/// A fresh STIX identity id: `identity--<random UUID>`, kept by the store on first use.
pub(super) fn new_identity() -> String {
    let bytes = fastrand::u128(..).to_le_bytes();
    format!(
        "identity--{}",
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    )
}

/// What a run works with, and what it did so far.
struct Run<'a> {
    store: &'a SharedStore,
    sender: &'a Sender<'a>,
    spec: &'a SourceSpec,
    holder: &'a str,
    report: PushReport,
}

/// A change to the push state made by this run's holder now (the lease renewed).
type Change = fn(String, Timestamp, Duration) -> PushOp;

impl Run<'_> {
    /// Applies `op` to the source's push state; anything but `Done` means the lease is
    /// gone.
    async fn apply(&self, op: PushOp) -> Result<PushRow, PushError> {
        match self.store.push_state(self.spec.name.clone(), op).await? {
            PushReply::Done(row) => Ok(row),
            PushReply::HeldBy { .. } | PushReply::Lost => Err(PushError::Lost),
        }
    }

    async fn change(&self, f: Change) -> Result<PushRow, PushError> {
        self.apply(f(self.holder.to_string(), Timestamp::now(), LEASE))
            .await
    }

    /// Pushes the batch `row.batch` holds (`items`, named `key`), from its first
    /// request not answered yet; then its mark moves past it.
    async fn batch(
        &mut self,
        target: &Target,
        mut row: PushRow,
        items: &[PushItem],
        key: &str,
    ) -> Result<PushRow, PushError> {
        let name = self.spec.name.as_str();
        let (reqs, passed) = target.requests(items, key, &row);
        self.report.passed += passed;
        if row.sent > row.acked {
            // A request of this batch was begun by a process that got no answer.
            let op: Change = if target.resends() {
                |holder, now, ttl| PushOp::Unsent { holder, now, ttl }
            } else {
                tracing::debug!(
                    "push to {name}: a request begun before got no answer; not sent again"
                );
                self.report.unanswered += 1;
                |holder, now, ttl| PushOp::PassOver { holder, now, ttl }
            };
            row = self.change(op).await?;
        }
        for (n, req) in reqs.iter().enumerate().skip(row.acked as usize) {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let (holder, now) = (self.holder.to_string(), Timestamp::now());
            self.apply(PushOp::Send {
                holder,
                now,
                ttl: LEASE,
                n,
            })
            .await?;
            match target.send(self.sender, self.spec, req).await {
                Ok((pushed, passed)) => {
                    self.report.pushed += pushed;
                    self.report.passed += passed;
                    let (holder, now) = (self.holder.to_string(), Timestamp::now());
                    let op = PushOp::Acked {
                        holder,
                        now,
                        ttl: LEASE,
                        n,
                        pushed,
                    };
                    self.apply(op).await?;
                }
                Err(e) if e.maybe_received() && !target.resends() => {
                    tracing::debug!("push to {name}: {e}; not sent again");
                    self.report.unanswered += 1;
                    self.change(|holder, now, ttl| PushOp::PassOver { holder, now, ttl })
                        .await?;
                }
                Err(e) => {
                    // It did not go (or the server said no): to be sent again.
                    let unsent = self
                        .change(|holder, now, ttl| PushOp::Unsent { holder, now, ttl })
                        .await;
                    if let Err(s) = unsent {
                        tracing::debug!("push to {name}: {s}");
                    }
                    return Err(e);
                }
            }
        }
        tracing::debug!(source = name, key, "push batch through");
        self.change(|holder, now, ttl| PushOp::Finish { holder, now, ttl })
            .await
    }

    /// Pushes up to [`MAX_BATCHES`] batches of false-positive marks (MISP's sighting
    /// type 1), resuming one left in flight. Every mark kept since the source first
    /// pushed is read once; those on indicators the source holds (its stored snapshot)
    /// go back to it.
    async fn marks(&mut self, target: &Target, mut row: PushRow) -> Result<PushRow, PushError> {
        if matches!(target, Target::Taxii(_)) {
            // No STIX 2.1 sighting says "false positive": TAXII gets none.
            return Ok(row);
        }
        if row.marks_upto.is_none() {
            // As with hits: what was marked before push was on stays home.
            let mut newest = 0;
            loop {
                let page = self.store.marks_after(newest, BATCH).await?;
                match page.last() {
                    Some(&(id, _)) => newest = id,
                    None => break,
                }
                if page.len() < BATCH {
                    break;
                }
            }
            let (holder, now) = (self.holder.to_string(), Timestamp::now());
            row = self
                .apply(PushOp::StartMarks {
                    holder,
                    now,
                    ttl: LEASE,
                    newest,
                })
                .await?;
        }
        let mut held: Option<std::collections::HashSet<(crate::model::IndicatorType, Box<str>)>> =
            None;
        for _ in 0..MAX_BATCHES {
            let after = row.marks_upto.unwrap_or(0);
            let (marks, upto) = match row.batch {
                Some((PushStream::Marks, upto)) => {
                    let mut page = self.store.marks_after(after, BATCH).await?;
                    page.retain(|(id, _)| *id <= upto);
                    (page, upto)
                }
                Some((PushStream::Hits, _)) => return Ok(row),
                None => {
                    let page = self.store.marks_after(after, BATCH).await?;
                    let Some(&(upto, _)) = page.last() else {
                        return Ok(row);
                    };
                    let (holder, now) = (self.holder.to_string(), Timestamp::now());
                    row = self
                        .apply(PushOp::Begin {
                            holder,
                            now,
                            ttl: LEASE,
                            stream: PushStream::Marks,
                            upto,
                        })
                        .await?;
                    (page, upto)
                }
            };
            if held.is_none() {
                let snapshot = self.store.load_source(self.spec.name.clone()).await?;
                held = Some(snapshot.into_iter().map(|s| (s.kind, s.value)).collect());
            }
            let holds = |k: crate::model::IndicatorType, v: &str| {
                held.as_ref()
                    .is_some_and(|h| h.contains(&(k, Box::<str>::from(v))))
            };
            let found = items::from_marks(&marks, &self.spec.name, holds);
            row = self
                .batch(target, row, &found, &format!("marks:{}-{upto}", after + 1))
                .await?;
        }
        Ok(row)
    }

    /// Pushes up to [`MAX_BATCHES`] batches of hits, resuming one left in flight.
    async fn hits(&mut self, target: &Target, mut row: PushRow) -> Result<PushRow, PushError> {
        for _ in 0..MAX_BATCHES {
            let from = row.hits_upto.saturating_add(1);
            let (hits, upto) = match row.batch {
                Some((PushStream::Hits, upto)) => {
                    (self.store.hits_in(from..=upto, BATCH).await?.0, upto)
                }
                // A batch of marks in flight is seen through by the marks' own pass.
                Some((PushStream::Marks, _)) => return Ok(row),
                None => {
                    let (hits, high) = self.store.hits_in(from..=i64::MAX, BATCH).await?;
                    let Some(upto) = high else {
                        return Ok(row);
                    };
                    let (holder, now) = (self.holder.to_string(), Timestamp::now());
                    let stream = PushStream::Hits;
                    row = self
                        .apply(PushOp::Begin {
                            holder,
                            now,
                            ttl: LEASE,
                            stream,
                            upto,
                        })
                        .await?;
                    (hits, upto)
                }
            };
            let found = items::from_hits(&hits, &self.spec.name);
            row = self
                .batch(target, row, &found, &format!("hits:{from}-{upto}"))
                .await?;
        }
        Ok(row)
    }
}

/// One run: claims the lease, pushes, releases it with the outcome.
pub async fn run(
    store: &SharedStore,
    sender: &Sender<'_>,
    spec: &SourceSpec,
    mut target: Target,
    holder: &str,
) -> PushReport {
    let mut run = Run {
        store,
        sender,
        spec,
        holder,
        report: PushReport::new(&spec.name),
    };
    let claim = PushOp::Claim {
        holder: holder.into(),
        now: Timestamp::now(),
        ttl: LEASE,
        identity: new_identity(),
    };
    let row = match store.push_state(spec.name.clone(), claim).await {
        Ok(PushReply::Done(row)) => row,
        Ok(PushReply::HeldBy { holder, until }) => {
            run.report.outcome = PushOutcome::Held { holder, until };
            return run.report;
        }
        Ok(PushReply::Lost) => {
            run.report.outcome = PushOutcome::Failed(PushError::Lost);
            return run.report;
        }
        Err(e) => {
            run.report.outcome = PushOutcome::Failed(e.into());
            return run.report;
        }
    };
    let error = pushes(&mut run, &mut target, row).await.err();
    let release = PushOp::Release {
        holder: holder.into(),
        now: Timestamp::now(),
        count: run.report.pushed,
        error: error
            .as_ref()
            .map(|e| crate::model::sanitize::one_line(&e.to_string(), 300)),
    };
    if let Err(e) = store.push_state(spec.name.clone(), release).await {
        tracing::debug!("push to {}: the lease is not given back: {e}", spec.name);
    }
    if let Some(e) = error {
        run.report.outcome = PushOutcome::Failed(e);
    }
    run.report
}

/// What a run pushes once it holds the lease: TAXII's identity first, then the hits.
async fn pushes(run: &mut Run<'_>, target: &mut Target, mut row: PushRow) -> Result<(), PushError> {
    if let Target::Taxii(t) = target {
        t.prepare(run.sender, run.spec, run.store).await?;
        if !row.identity_sent {
            t.add(run.sender, run.spec, &[t.identity(&row)]).await?;
            row = run
                .change(|holder, now, ttl| PushOp::IdentitySent { holder, now, ttl })
                .await?;
        }
    }
    let row = run.hits(target, row).await?;
    run.marks(target, row).await.map(|_| ())
}
