// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The change feed: a connection of its own that `LISTEN`s on the snapshot channel and
//! forwards the sources other processes saved, reconnecting with backoff.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{CHANNEL, Tls};

/// Listens for saved snapshots and forwards the names of sources that another process
/// saved; reconnects with backoff while the receiver lives.
pub(super) async fn listen(
    pg: tokio_postgres::Config,
    tls: Tls,
    me: String,
    shown: String,
    tx: mpsc::UnboundedSender<String>,
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
    tx: &mpsc::UnboundedSender<String>,
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
                    if ntx.send(n.payload().to_string()).is_err() {
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    let schema: String = client
        .query_one("SELECT current_schema()::TEXT", &[])
        .await?
        .try_get(0)?;
    let client = Arc::new(client);
    while let Some(payload) = nrx.recv().await {
        let mut parts = payload.splitn(3, '\t');
        let (Some(holder), Some(their_schema), Some(source)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if holder != me && their_schema == schema && tx.send(source.to_string()).is_err() {
            break;
        }
    }
    drop(client);
    match driver.await {
        Ok(r) => r,
        Err(_) => Ok(()),
    }
}
