// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Telling the user when a fetch waits. A rate limit or a retry can hold a fetch for
//! seconds; whoever runs the fetch (the `fetch` command's stderr, the dashboard's sources
//! pane) scopes it with [`reported`], and the code that sleeps calls [`notice`] first.
//! Outside such a scope a notice goes nowhere.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Waits shorter than this are not worth a line.
pub const NOTICE_FROM: Duration = Duration::from_secs(1);

/// Why a fetch waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// Our own budget for a rate-limited API (per minute, or after a `429`).
    RateLimit,
    /// The server answered `429 Too Many Requests`; the request is retried.
    ServerRateLimit,
    /// A transient failure (a 5xx, a timeout, a reset); the request is retried.
    Retry,
}

impl WaitReason {
    /// A few words for a status line: `rate limit`, `HTTP 429`, `retry`.
    pub fn text(self) -> &'static str {
        match self {
            WaitReason::RateLimit => "rate limit",
            WaitReason::ServerRateLimit => "HTTP 429",
            WaitReason::Retry => "retry",
        }
    }
}

/// A wait as said to a person: whole seconds, rounded up (`1.99 s` is `2s`, never `1s`).
pub fn shown(wait: Duration) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    crate::model::time::format_duration(Duration::from_secs(secs))
}

/// Where a scope's notices go: called with the wait and its reason, from the fetch's task.
pub type WaitNotice = Arc<dyn Fn(Duration, WaitReason) + Send + Sync>;

tokio::task_local! {
    static NOTICE: WaitNotice;
}

/// Runs `fut` with its waits reported to `to`.
pub async fn reported<F: Future>(to: WaitNotice, fut: F) -> F::Output {
    NOTICE.scope(to, fut).await
}

/// Says that the current fetch is about to wait `wait` for `why`; silent for waits under
/// [`NOTICE_FROM`] and outside a [`reported`] scope.
pub fn notice(wait: Duration, why: WaitReason) {
    if wait < NOTICE_FROM {
        return;
    }
    let _ = NOTICE.try_with(|to| to(wait, why));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[tokio::test]
    async fn notices_reach_the_scope_and_short_waits_are_quiet() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let to: WaitNotice = {
            let seen = Arc::clone(&seen);
            Arc::new(move |d, why| seen.lock().unwrap().push((d, why)))
        };
        reported(to, async {
            notice(Duration::from_millis(200), WaitReason::Retry);
            notice(Duration::from_secs(5), WaitReason::RateLimit);
        })
        .await;
        notice(Duration::from_secs(9), WaitReason::Retry);
        assert_eq!(
            *seen.lock().unwrap(),
            vec![(Duration::from_secs(5), WaitReason::RateLimit)]
        );
        assert_eq!(shown(Duration::from_millis(1_990)), "2s");
        assert_eq!(shown(Duration::from_secs(61)), "1m1s");
    }
}
