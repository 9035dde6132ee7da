// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Push-back in the dashboard: sources with `push: true` are pushed in the background
//! when due ([`Effect::Push`], one run at a time), and each run's reports come back as
//! [`Msg::Pushed`]: the log pane says what went, and the next push of each source is
//! due a minute later, or later after failures ([`crate::trust::push::next_wait`]).
//! Nothing is pushed without a store that can be written.
//!
//! [`Msg::Pushed`]: super::Msg::Pushed

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use super::{App, CacheState, Effect};
use crate::trust::push::{PushOutcome, PushReport, next_wait};

/// How long after start the first push waits (the store is read first).
pub const FIRST_PUSH_AFTER: SignedDuration = SignedDuration::from_secs(15);

/// The push job: whether a run is out, and each source's next push.
#[derive(Debug, Default)]
pub struct PushJob {
    in_flight: bool,
    /// By source name: when it is due next, and its failed runs in a row.
    next: HashMap<String, (Timestamp, u32)>,
    /// The last run's report of each source.
    pub last: HashMap<String, PushReport>,
}

impl PushJob {
    /// Whether a push run is out.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }
}

impl App {
    /// Starts a push run of the sources that are due, when none is out.
    pub(super) fn push_tick(&mut self, fx: &mut Vec<Effect>) {
        let writable = matches!(
            self.cache,
            CacheState::Ready | CacheState::Loading | CacheState::Retrying
        );
        if self.push.in_flight || !writable {
            return;
        }
        let now = self.now;
        let first = now.checked_add(FIRST_PUSH_AFTER).unwrap_or(now);
        let mut due = Vec::new();
        for s in self
            .sources
            .iter()
            .filter(|s| s.enabled() && s.spec.push.is_some())
        {
            let (at, _) = *self
                .push
                .next
                .entry(s.spec.name.clone())
                .or_insert((first, 0));
            if at <= now {
                due.push(s.spec.clone());
            }
        }
        if !due.is_empty() {
            self.push.in_flight = true;
            fx.push(Effect::Push { sources: due });
        }
    }

    /// A push run ended: says what went, and when each source is due next.
    pub(super) fn on_pushed(&mut self, reports: Vec<PushReport>, fx: &mut Vec<Effect>) {
        self.push.in_flight = false;
        for r in reports {
            let failures = self.push.next.get(&r.source).map_or(0, |n| n.1);
            let (wait, failures) = next_wait(&r.outcome, failures);
            let wait = SignedDuration::try_from(wait).unwrap_or(SignedDuration::MAX);
            let at = self.now.checked_add(wait).unwrap_or(self.now);
            self.push.next.insert(r.source.clone(), (at, failures));
            if r.is_news() {
                let level = match r.outcome {
                    PushOutcome::Failed(_) => tracing::Level::WARN,
                    _ => tracing::Level::INFO,
                };
                fx.push(Effect::Log {
                    level,
                    text: r.line(),
                });
            }
            self.push.last.insert(r.source.clone(), r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Msg;
    use crate::config::Config;
    use crate::trust::push::PushError;
    use std::path::Path;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn app(yaml: &str) -> App {
        let env = |n: &str| (n == "MISP_KEY").then(|| "k".to_string());
        let cfg = Config::from_yaml(
            yaml,
            Path::new("t.yaml"),
            &env,
            &crate::sources::registry::kinds(),
        )
        .unwrap()
        .config;
        let mut a = App::new(&cfg, t(0));
        a.cache = CacheState::Ready;
        a
    }

    const PUSHING: &str = "api_keys: { misp: \"env:MISP_KEY\" }\nsources:\n  \
        - { name: ourmisp, kind: misp, url: \"https://misp.example/\", push: true }\n  \
        - { name: feodo, kind: feodo }\n";

    fn pushes(fx: &[Effect]) -> Vec<String> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Push { sources } => {
                    Some(sources.iter().map(|s| s.name.clone()).collect::<Vec<_>>())
                }
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn report(outcome: PushOutcome, pushed: u64) -> PushReport {
        PushReport {
            source: "ourmisp".into(),
            pushed,
            passed: 0,
            unanswered: 0,
            outcome,
        }
    }

    #[test]
    fn a_pushing_source_is_pushed_when_due_one_run_at_a_time() {
        let mut a = app(PUSHING);
        assert!(pushes(&a.update(Msg::Tick(t(0)))).is_empty(), "not at once");
        assert!(pushes(&a.update(Msg::Tick(t(14)))).is_empty());
        assert_eq!(pushes(&a.update(Msg::Tick(t(15)))), ["ourmisp"]);
        assert!(a.push.in_flight());
        assert!(
            pushes(&a.update(Msg::Tick(t(200)))).is_empty(),
            "one run at a time"
        );
        let fx = a.update(Msg::Pushed(vec![report(PushOutcome::Done, 3)]));
        assert!(
            fx.iter().any(
                |e| matches!(e, Effect::Log { text, .. } if text == "push to ourmisp: 3 sightings")
            ),
            "{fx:?}"
        );
        assert!(pushes(&a.update(Msg::Tick(t(259)))).is_empty());
        assert_eq!(
            pushes(&a.update(Msg::Tick(t(260)))),
            ["ourmisp"],
            "a minute later"
        );
    }

    #[test]
    fn failures_push_later_and_nothing_is_pushed_without_a_writable_store() {
        let mut a = app(PUSHING);
        let _ = a.update(Msg::Tick(t(0)));
        assert_eq!(pushes(&a.update(Msg::Tick(t(15)))), ["ourmisp"]);
        let failed = PushOutcome::Failed(PushError::Other("HTTP 500".into()));
        let fx = a.update(Msg::Pushed(vec![report(failed.clone(), 0)]));
        assert!(
            fx.iter()
                .any(|e| matches!(e, Effect::Log { level, .. } if *level == tracing::Level::WARN))
        );
        assert!(pushes(&a.update(Msg::Tick(t(15 + 119)))).is_empty());
        assert_eq!(
            pushes(&a.update(Msg::Tick(t(15 + 120)))),
            ["ourmisp"],
            "two minutes after one failure"
        );
        let _ = a.update(Msg::Pushed(vec![report(failed, 0)]));
        assert!(
            pushes(&a.update(Msg::Tick(t(135 + 239)))).is_empty(),
            "four after two"
        );
        assert_eq!(a.push.last["ourmisp"].pushed, 0);

        let mut ro = app(PUSHING);
        ro.cache = CacheState::ReadOnly;
        assert!(pushes(&ro.update(Msg::Tick(t(100)))).is_empty());
        let mut none = app(PUSHING);
        none.cache = CacheState::Off;
        assert!(pushes(&none.update(Msg::Tick(t(100)))).is_empty());
        let mut quiet = app("sources:\n  - { name: feodo, kind: feodo }\n");
        assert!(pushes(&quiet.update(Msg::Tick(t(100)))).is_empty());
    }
}
