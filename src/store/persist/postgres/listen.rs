// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The change feed: a connection of its own that `LISTEN`s on the snapshot, hits and
//! marks channels and forwards what other processes saved (a source's snapshot, a range
//! of hit rows, a triage mark), reconnecting with backoff.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{CHANNEL, HITS_CHANNEL, MARKS_CHANNEL, Tls};
use crate::store::persist::Change;

/// Which channel a notification came on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum On {
    Snapshots,
    Hits,
    Marks,
}

/// Listens for saved snapshots, hits and marks and forwards those another process saved;
/// reconnects with backoff while the receiver lives.
pub(super) async fn listen(
    pg: tokio_postgres::Config,
    tls: Tls,
    me: String,
    shown: String,
    tx: mpsc::UnboundedSender<Change>,
) {
    let mut backoff = Duration::from_millis(500);
    loop {
        if tx.is_closed() {
            return;
        }
        let result = match &tls {
            Tls::None => listen_once(&pg, tokio_postgres::NoTls, &me, &tx).await,
            Tls::Rustls(t) => listen_once(&pg, t.clone(), &me, &tx).await,
        };
        match result {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(
                    "store {shown}: change feed lost ({}); retrying in {}",
                    crate::model::sanitize::one_line(&e.to_string(), 120),
                    crate::model::time::format_duration(backoff)
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

async fn listen_once<T>(
    pg: &tokio_postgres::Config,
    tls: T,
    me: &str,
    tx: &mpsc::UnboundedSender<Change>,
) -> Result<(), tokio_postgres::Error>
where
    T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>,
    T::Stream: Send + 'static,
{
    let (client, mut connection) = pg.connect(tls).await?;
    let (ntx, mut nrx) = mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut stream = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        use futures_util::StreamExt;
        while let Some(msg) = stream.next().await {
            match msg {
                Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                    let on = match n.channel() {
                        HITS_CHANNEL => On::Hits,
                        MARKS_CHANNEL => On::Marks,
                        _ => On::Snapshots,
                    };
                    if ntx.send((on, n.payload().to_string())).is_err() {
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    client
        .batch_execute(&format!(
            "LISTEN {CHANNEL}; LISTEN {HITS_CHANNEL}; LISTEN {MARKS_CHANNEL}"
        ))
        .await?;
    let schema: String = client
        .query_one("SELECT current_schema()::TEXT", &[])
        .await?
        .try_get(0)?;
    let client = Arc::new(client);
    while let Some((on, payload)) = nrx.recv().await {
        let Some(change) = change(on, &payload, me, &schema) else {
            continue;
        };
        if tx.send(change).is_err() {
            break;
        }
    }
    drop(client);
    match driver.await {
        Ok(r) => r,
        Err(_) => Ok(()),
    }
}

/// The change a notification announces, unless this process made it, it is about
/// another schema, or it is malformed. Payloads: `holder\tschema\tsource` on the
/// snapshot channel, `holder\tschema\tfirst id\tlast id` on the hits channel,
/// `holder\tschema\tid` on the marks channel.
fn change(on: On, payload: &str, me: &str, schema: &str) -> Option<Change> {
    let mut parts = payload.splitn(4, '\t');
    let (holder, their_schema) = (parts.next()?, parts.next()?);
    if holder == me || their_schema != schema {
        return None;
    }
    match on {
        On::Hits => {
            let first: i64 = parts.next()?.parse().ok()?;
            let last: i64 = parts.next()?.parse().ok()?;
            (first <= last).then_some(Change::Hits(first..=last))
        }
        On::Marks => {
            let id: i64 = parts.next()?.parse().ok()?;
            parts.next().is_none().then_some(Change::Marks(id))
        }
        On::Snapshots => {
            let rest = payload.splitn(3, '\t').nth(2)?;
            Some(Change::Snapshot(rest.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_become_changes_but_not_our_own() {
        use On::{Hits, Marks, Snapshots};
        assert_eq!(
            change(Snapshots, "them\tpublic\tfeodo", "me", "public"),
            Some(Change::Snapshot("feodo".into()))
        );
        assert_eq!(
            change(Hits, "them\tpublic\t7\t12", "me", "public"),
            Some(Change::Hits(7..=12))
        );
        assert_eq!(change(Hits, "me\tpublic\t7\t12", "me", "public"), None);
        assert_eq!(change(Hits, "them\tother\t7\t12", "me", "public"), None);
        assert_eq!(change(Hits, "them\tpublic\t12\t7", "me", "public"), None);
        assert_eq!(change(Hits, "them\tpublic\tx", "me", "public"), None);
        assert_eq!(change(Snapshots, "them", "me", "public"), None);
        assert_eq!(
            change(Marks, "them\tpublic\t42", "me", "public"),
            Some(Change::Marks(42))
        );
        assert_eq!(change(Marks, "me\tpublic\t42", "me", "public"), None);
        assert_eq!(change(Marks, "them\tpublic\t4x", "me", "public"), None);
        assert_eq!(change(Marks, "them\tpublic\t4\t5", "me", "public"), None);
    }
}
