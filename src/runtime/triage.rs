// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Triage's side in the runtime: keeps this dashboard's marks in the store, adds false
//! positives to the local allowlist, and hands the app every stored mark — at start-up,
//! then those other processes keep: at once when a shared store announces them
//! ([`crate::store::persist::Change::Marks`]), and every [`POLL_STORED`] on a store that
//! announces nothing.

use std::time::Duration;

use tokio::sync::mpsc;

use super::hunt::{CATCH_UP, POLL_STORED};
use crate::app::Msg;
use crate::app::triage::TriageMsg;
use crate::store::persist::SharedStore;
use crate::trust::triage::{Appended, MARKS_PAGE, Mark, append_to_allowlist, local_allowlist_path};

/// Keeps `mark` in `store` in the background; answers [`TriageMsg::Saved`] or
/// [`TriageMsg::NotSaved`].
pub(super) fn save(store: Option<&SharedStore>, mark: Mark, tx: &mpsc::UnboundedSender<Msg>) {
    let tx = tx.clone();
    let Some(store) = store.cloned() else {
        let _ = tx.send(Msg::Triage(TriageMsg::NotSaved {
            mark,
            why: "no store".into(),
        }));
        return;
    };
    tokio::spawn(async move {
        let msg = match store.save_mark(mark.clone()).await {
            Ok(id) => TriageMsg::Saved { id, mark },
            Err(e) => TriageMsg::NotSaved {
                mark,
                why: e.to_string(),
            },
        };
        let _ = tx.send(Msg::Triage(msg));
    });
}

/// Adds `value` to the local allowlist after `comment`, on the blocking pool; answers
/// [`TriageMsg::Allowlisted`]. The demo writes nothing.
pub(super) fn allowlist(
    value: Box<str>,
    comment: String,
    demo: bool,
    tx: &mpsc::UnboundedSender<Msg>,
    config: std::sync::Arc<crate::config::Config>,
) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let result = if demo {
            Err("the demo writes no allowlist".to_string())
        } else {
            match local_allowlist_path(&crate::config::process_env) {
                None => Err("no home folder ($HOME, $XDG_DATA_HOME) to keep it in".into()),
                Some(path) => append_to_allowlist(&path, &value, &comment)
                    .map(|done| (path.clone(), done))
                    .map_err(|e| format!("{}: {e}", path.display())),
            }
        };
        if let Err(why) = &result {
            tracing::warn!(
                "local allowlist: {}",
                crate::model::sanitize::one_line(why, 300)
            );
        }
        let added = matches!(result, Ok((_, Appended::Added)));
        let _ = tx.send(Msg::Triage(TriageMsg::Allowlisted { value, result }));
        if added {
            // The list changed: the table's marks and the exports follow it now.
            let lists = super::load_lists(&config);
            let _ = tx.send(Msg::Lists(std::sync::Arc::new(lists)));
        }
    });
}

/// Hands the app every mark `store` keeps, oldest first, then those kept since, for as
/// long as the app listens: when `announced` names one (a shared store's change feed),
/// and besides every [`CATCH_UP`] there (a notification lost while the feed
/// reconnected), or every [`POLL_STORED`] on a store that announces nothing. A read
/// that fails is tried again then.
pub async fn follow(
    store: SharedStore,
    tx: mpsc::UnboundedSender<Msg>,
    mut announced: Option<mpsc::UnboundedReceiver<i64>>,
) {
    let mut last = 0;
    loop {
        loop {
            match store.marks_after(last, MARKS_PAGE).await {
                Ok(page) => {
                    let Some(&(high, _)) = page.last() else { break };
                    last = high;
                    let full = page.len() >= MARKS_PAGE;
                    if tx.send(Msg::Triage(TriageMsg::Stored(page))).is_err() {
                        return;
                    }
                    if !full {
                        break;
                    }
                }
                Err(e) => {
                    tracing::debug!("triage marks not read: {e}");
                    break;
                }
            }
        }
        let wait = |d: Duration| tokio::time::sleep(d);
        match &mut announced {
            Some(rx) => tokio::select! {
                got = rx.recv() => if got.is_none() { return },
                _ = wait(CATCH_UP) => {}
            },
            None => wait(POLL_STORED).await,
        }
        if tx.is_closed() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorType;
    use crate::trust::triage::Verdict;

    fn mark(value: &str) -> Mark {
        Mark {
            kind: IndicatorType::Ipv4,
            indicator: value.into(),
            hit: None,
            verdict: Some(Verdict::FalsePositive),
            note: None,
            by: "alice@soc.example".into(),
            at: jiff::Timestamp::from_second(1_800_000_000).unwrap(),
        }
    }

    async fn next_marks(rx: &mut mpsc::UnboundedReceiver<Msg>) -> Vec<(i64, Mark)> {
        loop {
            match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
                Ok(Some(Msg::Triage(TriageMsg::Stored(m)))) => return m,
                Ok(Some(_)) => {}
                other => panic!("{other:?}"),
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stored_marks_then_those_another_process_keeps_reach_the_app_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cache.db");
        let (store, _) = crate::store::persist::open(Some(&db));
        let store = store.unwrap();
        let first = store.save_mark(mark("192.0.2.1")).await.unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel();
        tokio::spawn(follow(store.clone(), tx.clone(), None));
        assert_eq!(next_marks(&mut rx).await, vec![(first, mark("192.0.2.1"))]);
        // Another process on the same file.
        let (other, _) = crate::store::persist::open(Some(&db));
        let second = other.unwrap().save_mark(mark("192.0.2.2")).await.unwrap();
        assert_eq!(next_marks(&mut rx).await, vec![(second, mark("192.0.2.2"))]);
        // This dashboard's own: saved, answered with its id.
        save(Some(&store), mark("192.0.2.3"), &tx);
        loop {
            match rx.recv().await {
                Some(Msg::Triage(TriageMsg::Saved { id, mark: m })) => {
                    assert!(id > second);
                    assert_eq!(m, mark("192.0.2.3"));
                    break;
                }
                Some(_) => {}
                None => panic!("closed"),
            }
        }
        save(None, mark("192.0.2.4"), &tx);
        let mut said = false;
        while let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            if let Msg::Triage(TriageMsg::NotSaved { why, .. }) = m {
                assert_eq!(why, "no store");
                said = true;
                break;
            }
        }
        assert!(said);
    }
}
