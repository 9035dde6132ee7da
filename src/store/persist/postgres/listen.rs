// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The change feed: a connection of its own that `LISTEN`s on the snapshot and hits
//! channels and forwards what other processes saved (a source's snapshot, a range of
//! hit rows), reconnecting with backoff.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{CHANNEL, HITS_CHANNEL, Tls};
use crate::store::persist::Change;

/// Listens for saved snapshots and hits and forwards those another process saved;
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
                    let hits = n.channel() == HITS_CHANNEL;
                    if ntx.send((hits, n.payload().to_string())).is_err() {
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
        .batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {HITS_CHANNEL}"))
        .await?;
    let schema: String = client
        .query_one("SELECT current_schema()::TEXT", &[])
        .await?
        .try_get(0)?;
    let client = Arc::new(client);
    while let Some((hits, payload)) = nrx.recv().await {
        let Some(change) = change(hits, &payload, me, &schema) else {
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
/// snapshot channel, `holder\tschema\tfirst id\tlast id` on the hits channel.
fn change(hits: bool, payload: &str, me: &str, schema: &str) -> Option<Change> {
    let mut parts = payload.splitn(4, '\t');
    let (holder, their_schema) = (parts.next()?, parts.next()?);
    if holder == me || their_schema != schema {
        return None;
    }
    if hits {
        let first: i64 = parts.next()?.parse().ok()?;
        let last: i64 = parts.next()?.parse().ok()?;
        return (first <= last).then_some(Change::Hits(first..=last));
    }
    let rest = payload.splitn(3, '\t').nth(2)?;
    Some(Change::Snapshot(rest.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_become_changes_but_not_our_own() {
        assert_eq!(
            change(false, "them\tpublic\tfeodo", "me", "public"),
            Some(Change::Snapshot("feodo".into()))
        );
        assert_eq!(
            change(true, "them\tpublic\t7\t12", "me", "public"),
            Some(Change::Hits(7..=12))
        );
        assert_eq!(change(true, "me\tpublic\t7\t12", "me", "public"), None);
        assert_eq!(change(true, "them\tother\t7\t12", "me", "public"), None);
        assert_eq!(change(true, "them\tpublic\t12\t7", "me", "public"), None);
        assert_eq!(change(true, "them\tpublic\tx", "me", "public"), None);
        assert_eq!(change(false, "them", "me", "public"), None);
    }
}
