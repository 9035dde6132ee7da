// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem serve`: the set over HTTP(S) for firewalls and monitoring.
//!
//! One tokio listener; each connection is HTTP/1.1 (hyper), over TLS (rustls) when
//! `serve.tls` names a certificate and key, which SIGHUP reads again. Limits against slow
//! or hostile clients: [`HEADER_TIMEOUT`] to send a request's head (slow-loris),
//! [`TLS_TIMEOUT`] for the handshake, [`MAX_HEAD`] bytes of request head, no request
//! bodies at all, [`MAX_CONNECTIONS`] at once. SIGTERM or ctrl-c stops accepting,
//! lets requests in flight finish for up to [`DRAIN`], then exits.

pub mod auth;
pub mod edl;
pub mod metrics;
pub(crate) mod router;
pub mod snapshot;
pub mod store_watch;
pub mod taxii;
mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, watch};

pub use tls::{Reloadable, TlsError, load_tls};

/// The longest a client may take to send a request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a TLS handshake may take.
pub const TLS_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head (request line and headers), in bytes.
pub const MAX_HEAD: usize = 16 * 1024;
/// Connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 2048;
/// How long requests in flight may take to finish after SIGTERM.
pub const DRAIN: Duration = Duration::from_secs(10);

/// What every connection shares.
pub struct State {
    pub shared: Arc<snapshot::Shared>,
    pub auth: auth::Auth,
    pub lists: edl::Cache,
    pub requests: metrics::Requests,
}

impl State {
    /// Whether the store could be read last time it was looked at.
    pub fn store_up(&self) -> bool {
        self.shared.store_up.load(Ordering::Relaxed)
    }
}

/// Serves `state` on `listener` until `stop` turns true; then drains for [`DRAIN`].
/// `tls`: the acceptor in use, replaced on SIGHUP by the caller (`None`: plain HTTP).
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    tls: Option<Arc<tls::Reloadable>>,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    // Each connection holds a sender; all dropped: every connection has ended.
    let (alive, mut ended) = mpsc::channel::<()>(1);
    loop {
        let permit = tokio::select! {
            _ = stop.changed() => break,
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (tcp, peer) = tokio::select! {
            _ = stop.changed() => break,
            a = listener.accept() => match a {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: pause rather than spin.
                    tracing::warn!("serve: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        let state = state.clone();
        let stop = stop.clone();
        let alive = alive.clone();
        let acceptor = tls.as_ref().map(|t| t.current());
        tokio::spawn(async move {
            let _permit = permit;
            let _alive = alive;
            match acceptor {
                None => connection(TokioIo::new(tcp), peer, state, stop).await,
                Some(a) => match tokio::time::timeout(TLS_TIMEOUT, a.accept(tcp)).await {
                    Ok(Ok(s)) => connection(TokioIo::new(s), peer, state, stop).await,
                    Ok(Err(e)) => tracing::debug!("serve: TLS from {peer}: {e}"),
                    Err(_) => tracing::debug!("serve: TLS from {peer}: handshake timed out"),
                },
            }
        });
    }
    drop(listener);
    drop(alive);
    if tokio::time::timeout(DRAIN, ended.recv()).await.is_err() {
        tracing::warn!("serve: requests still running after {DRAIN:?}; stopping anyway");
    }
}

async fn connection<I>(
    io: TokioIo<I>,
    peer: SocketAddr,
    state: Arc<State>,
    mut stop: watch::Receiver<bool>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, std::convert::Infallible>(router::handle(state, peer, req).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!("serve: connection from {peer}: {e}");
            }
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
