// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sightings pushed back to the sources that published the indicators (`push: true` on
//! a `misp` or `taxii` source): what our logs saw of a source's indicators goes back to
//! it, as MISP sightings ([`misp`]) or STIX 2.1 `sighting` objects ([`taxii`]).
//!
//! What is pushed comes from the store: the hits every process recorded there (the
//! dashboard's followed logs, `match --record`), read by row id after the source's
//! pushed-up-to mark, each hit going to the sources its indicator came from
//! ([`crate::model::LogHit::sources`]); a source pushed for the first time starts after
//! the hits stored then. The mark, the batch in flight and a lease live in the store
//! ([`crate::store::persist::push`]), so across restarts and across every process
//! sharing a PostgreSQL store a sighting is pushed once: one process holds a source's
//! lease at a time, each batch is recorded before its first request and each request
//! when it is begun and answered. A request cut off by a crash is sent again to TAXII
//! (its objects have fixed ids, so the server keeps them once) and never to MISP
//! (whose sightings have none).
//!
//! Requests go through the shared HTTP client (timeouts, body cap, redaction, retries
//! of 5xx) and spend the source's push allowance (`rate_limit`, else
//! [`crate::config::push::PUSH_RATE`]) from the store's quota ledger; a `429` spends the
//! window and the request is sent again after it. Who pushes: the dashboard every
//! minute in the background, `match --record` after its run (and every minute while it
//! follows), and `fetch` after its fetches; whichever runs first takes the lease.

mod items;
pub mod misp;
mod run;
pub mod taxii;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jiff::Timestamp;

use crate::config::push::{PUSH_BACKOFF_MAX, PUSH_EVERY};
use crate::config::{KeyKind, SourceSpec};
use crate::net::ratelimit::{Budget, Denied};
use crate::net::{HttpClient, NetError, Request, Response};
use crate::sources::FetchContext;
use crate::store::persist::{PersistError, SharedStore, StoreLedger};

pub use items::{Finding, PushItem, from_hits};

/// Why a push stopped. One line, no secrets; the server's own reason kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("{0}")]
    Net(#[from] NetError),
    /// The server refused the credentials or the write (HTTP 401/403, `can_write:
    /// false`), in its own words.
    #[error("{0}")]
    Refused(String),
    /// The push allowance is spent (`rate_limit`, or a long `429`).
    #[error("{0}")]
    Quota(String),
    /// The server answered but did not take what was sent.
    #[error("{0}")]
    NotTaken(String),
    #[error("store: {0}")]
    Store(#[from] PersistError),
    /// Another process took the push lease over (this one was too slow).
    #[error("another process took the push over")]
    Lost,
    #[error("{0}")]
    Other(String),
}

impl PushError {
    /// A refusal that waiting a minute will not change.
    pub fn is_refused(&self) -> bool {
        matches!(self, PushError::Refused(_)) || matches!(self, PushError::Net(e) if e.is_auth())
    }

    /// The server may have taken the request although no answer came.
    pub fn maybe_received(&self) -> bool {
        matches!(self, PushError::Net(e) if e.maybe_received())
    }

    fn quota(d: Denied) -> PushError {
        let f = crate::model::time::format_duration;
        PushError::Quota(match d {
            Denied::DailyQuota { limit, resets_in } => {
                format!(
                    "the push allowance of {limit} requests a day is spent; resets in {}",
                    f(resets_in)
                )
            }
            Denied::MonthlyQuota { limit, resets_in } => format!(
                "the push allowance of {limit} requests a month is spent; resets in {}",
                f(resets_in)
            ),
            Denied::Blocked { resets_in } => {
                format!(
                    "the server asked for a pause (HTTP 429); next push in {}",
                    f(resets_in)
                )
            }
            Denied::Wait(w) => format!("push rate limit: next request in {}", f(w)),
        })
    }
}

/// How one push run of one source ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Everything pending was pushed (or there was nothing).
    Done,
    /// Another process holds the source's push lease until `until`.
    Held { holder: String, until: Timestamp },
    /// It stopped; what was pushed before stays pushed.
    Failed(PushError),
}

/// What one push run of one source did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReport {
    pub source: String,
    /// Sightings the server took.
    pub pushed: u64,
    /// Findings not pushed: the source holds no such indicator now (MISP has no
    /// attribute of that value; the TAXII collection no indicator object for it).
    pub passed: u64,
    /// Requests that got no answer and are not sent again (MISP only).
    pub unanswered: u64,
    pub outcome: PushOutcome,
}

impl PushReport {
    fn new(source: &str) -> PushReport {
        PushReport {
            source: source.to_string(),
            pushed: 0,
            passed: 0,
            unanswered: 0,
            outcome: PushOutcome::Done,
        }
    }

    /// One line for a log or standard error: what went, and why it stopped.
    pub fn line(&self) -> String {
        let name = crate::model::sanitize::one_line(&self.source, 60);
        let mut s = format!(
            "push to {name}: {}",
            crate::model::count::noun(self.pushed, "sighting")
        );
        if self.passed > 0 {
            s.push_str(&format!(
                ", {} the source no longer holds",
                crate::model::count::grouped(self.passed)
            ));
        }
        if self.unanswered > 0 {
            s.push_str(&format!(
                ", {} without an answer (not sent again)",
                crate::model::count::noun(self.unanswered, "request")
            ));
        }
        match &self.outcome {
            PushOutcome::Done => {}
            PushOutcome::Held { holder, .. } => s.push_str(&format!(
                "; {} is pushing it",
                crate::model::sanitize::one_line(holder, 80)
            )),
            PushOutcome::Failed(e) => s.push_str(&format!(
                "; stopped: {}",
                crate::model::sanitize::one_line(&e.to_string(), 300)
            )),
        }
        s
    }

    /// Whether anything is worth a line (pushed, passed over, or failed).
    pub fn is_news(&self) -> bool {
        self.pushed > 0
            || self.passed > 0
            || self.unanswered > 0
            || matches!(self.outcome, PushOutcome::Failed(_))
    }
}

/// When to push a source again after a run that ended as `outcome`, with `failures`
/// failed runs in a row before it: the wait and the failures in a row now. A run that
/// did its work waits [`PUSH_EVERY`]; a failed one twice as long as the one before, up
/// to [`PUSH_BACKOFF_MAX`]; a refusal (a wrong key, a read-only collection) that long
/// at once.
pub fn next_wait(outcome: &PushOutcome, failures: u32) -> (Duration, u32) {
    match outcome {
        PushOutcome::Done | PushOutcome::Held { .. } => (PUSH_EVERY, 0),
        PushOutcome::Failed(e) if e.is_refused() => (PUSH_BACKOFF_MAX, failures + 1),
        PushOutcome::Failed(_) => {
            let n = failures.saturating_add(1);
            let wait = PUSH_EVERY.saturating_mul(1u32 << n.min(12));
            (wait.min(PUSH_BACKOFF_MAX), n)
        }
    }
}

/// Who this process is in the push leases: `user@host pid N #xxxx`; never a secret.
pub fn holder() -> &'static str {
    static HOLDER: OnceLock<String> = OnceLock::new();
    HOLDER.get_or_init(|| {
        let env = crate::config::process_env;
        let user = env("USER")
            .or_else(|| env("LOGNAME"))
            .unwrap_or_else(|| "unknown".into());
        let host = crate::config::sensor::host_name(&env);
        crate::model::sanitize::one_line(
            &format!(
                "{user}@{host} pid {} #{:04x}",
                std::process::id(),
                fastrand::u16(..)
            ),
            120,
        )
    })
}

/// Sends requests for one source: each spends the source's push allowance from the
/// store's ledger first, and a `429` spends the window and is sent again after it.
pub struct Sender<'a> {
    http: &'a HttpClient,
    budget: Budget,
}

impl Sender<'_> {
    /// Sends `req`; any status but 2xx is an error (401/403 with the server's reason).
    pub async fn send(&self, req: &Request) -> Result<Response, PushError> {
        let req = req.clone().without_429_retry();
        let mut attempt = 0;
        loop {
            self.budget.acquire().await.map_err(PushError::quota)?;
            match self.http.send(&req).await.and_then(Response::ok) {
                Err(NetError::RateLimited { url, retry_after }) => {
                    // Every process sharing the ledger waits the window out.
                    self.budget.rate_limited(retry_after).await;
                    if attempt >= self.http.config().retries {
                        return Err(NetError::RateLimited { url, retry_after }.into());
                    }
                    attempt += 1;
                }
                r => return r.map_err(PushError::from),
            }
        }
    }
}

/// The push allowance of `spec`, kept in `store`'s quota ledger under an account of
/// its own (named by the key's fingerprint, or the collection's URL).
fn budget(ctx: &FetchContext, store: &SharedStore, spec: &SourceSpec) -> Option<Budget> {
    use secrecy::ExposeSecret;
    let push = spec.push?;
    let who = match spec.kind.key_use() {
        crate::config::KeyUse::Required(k) | crate::config::KeyUse::Optional(k) => ctx
            .keys
            .get(k)
            .map(|s| s.expose_secret().to_string())
            .unwrap_or_default(),
        crate::config::KeyUse::None => format!(
            "{}|{}",
            spec.url,
            spec.collection.as_deref().unwrap_or_default()
        ),
    };
    let account = crate::net::ledger::fingerprint(&format!("{}-push", spec.kind), &who);
    let ledger = Arc::new(StoreLedger(Arc::clone(store)));
    Some(Budget::local(push.limits, ctx.http.config().max_retry_wait).with_ledger(ledger, account))
}

/// Pushes what is pending for each source of `specs` that has `push: true`, one
/// source after the other; one report per such source. `ctx` gives the HTTP client
/// and the keys; `store` what was found and how far it was pushed. The caller says what
/// the reports hold ([`PushReport::line`]): the dashboard in its log pane, a command on
/// standard error.
pub async fn push_all(
    ctx: &FetchContext,
    store: &SharedStore,
    specs: &[SourceSpec],
) -> Vec<PushReport> {
    let mut out = Vec::new();
    for spec in specs.iter().filter(|s| s.push.is_some() && s.enabled) {
        let report = push_source(ctx, store, spec).await;
        tracing::debug!(
            source = %spec.name,
            pushed = report.pushed,
            passed = report.passed,
            "{}",
            report.line()
        );
        out.push(report);
    }
    out
}

/// Makes the push state of each pushing source of `specs` that has none, so that what
/// is found from now on is pushed (a source pushed for the first time starts after the
/// hits stored then). A process that records hits calls it before it starts; the first
/// push run does the same otherwise.
pub async fn start(store: &SharedStore, specs: &[SourceSpec]) -> Result<(), PersistError> {
    for spec in specs.iter().filter(|s| s.push.is_some() && s.enabled) {
        let op = crate::store::persist::PushOp::Start {
            now: Timestamp::now(),
            identity: run::new_identity(),
        };
        store.push_state(spec.name.clone(), op).await?;
    }
    Ok(())
}

/// One push run of `spec`. Runs in one process take turns (the lease is the process's),
/// runs in others wait for the lease.
pub async fn push_source(ctx: &FetchContext, store: &SharedStore, spec: &SourceSpec) -> PushReport {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = TURN.lock().await;
    let Some(budget) = budget(ctx, store, spec) else {
        return PushReport::new(&spec.name);
    };
    let sender = Sender {
        http: &ctx.http,
        budget,
    };
    let target = match spec.kind.as_str() {
        "misp" => match ctx.keys.get(KeyKind::Misp) {
            Some(key) => run::Target::Misp { key: key.clone() },
            None => {
                let mut r = PushReport::new(&spec.name);
                r.outcome = PushOutcome::Failed(PushError::Other(format!(
                    "no MISP API key (set {})",
                    KeyKind::Misp.env_var()
                )));
                return r;
            }
        },
        "taxii" => run::Target::Taxii(Box::default()),
        other => {
            let mut r = PushReport::new(&spec.name);
            r.outcome = PushOutcome::Failed(PushError::Other(format!(
                "kind `{other}` cannot take sightings"
            )));
            return r;
        }
    };
    run::run(store, &sender, spec, target, holder()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_to_an_hour_and_a_refusal_waits_an_hour_at_once() {
        let failed = PushOutcome::Failed(PushError::Other("HTTP 500".into()));
        assert_eq!(next_wait(&PushOutcome::Done, 3), (PUSH_EVERY, 0));
        assert_eq!(next_wait(&failed, 0), (PUSH_EVERY * 2, 1));
        assert_eq!(next_wait(&failed, 1), (PUSH_EVERY * 4, 2));
        assert_eq!(next_wait(&failed, 30), (PUSH_BACKOFF_MAX, 31));
        let refused = PushOutcome::Failed(PushError::Refused("HTTP 403".into()));
        assert_eq!(next_wait(&refused, 0), (PUSH_BACKOFF_MAX, 1));
        let held = PushOutcome::Held {
            holder: "b".into(),
            until: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(next_wait(&held, 2).0, PUSH_EVERY);
    }

    #[test]
    fn a_report_says_what_went_and_why_it_stopped_in_one_line() {
        let mut r = PushReport::new("ourmisp");
        assert!(!r.is_news());
        r.pushed = 1;
        r.passed = 2;
        assert_eq!(
            r.line(),
            "push to ourmisp: 1 sighting, 2 the source no longer holds"
        );
        r.outcome = PushOutcome::Failed(PushError::Refused("denied\nagain".into()));
        assert!(
            r.line().ends_with("; stopped: denied again"),
            "{}",
            r.line()
        );
        assert!(holder().contains(" pid "));
    }
}
