// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem serve`: the store's set, served (see [`crate::serve`]). It reads what
//! `fetch` and the dashboards saved; it fetches no feed itself unless `--fetch` is given,
//! and then it saves into the store like them and serves what it saved (see [`fetcher`]).
//!
//! Exit codes: 0 after a clean shutdown (SIGTERM, ctrl-c); 1 the server could not run
//! (the address is taken, the runtime failed); 2 usage or config.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::{EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, load_config};
use crate::cli::ServeArgs;
use crate::config::serve::{DEFAULT_LISTEN, Grant};
use crate::config::{Config, secret};
use crate::serve::{self, State, auth, edl, metrics, snapshot};

mod fetcher;

/// The grants with their secrets resolved, or the message naming what is missing.
fn credentials(
    what: &str,
    grants: &[Grant],
) -> Result<(Vec<auth::Credential>, Vec<SecretString>), String> {
    let mut creds = Vec::new();
    let mut secrets = Vec::new();
    for g in grants {
        match secret::resolve(Some(&g.secret), &crate::config::process_env) {
            Ok(Some(s)) => {
                creds.push(auth::Credential::new(g.clone(), &s));
                secrets.push(s);
            }
            Ok(None) => return Err(format!("serve.{what}: `{}`: the secret is empty", g.name)),
            Err(e) => return Err(format!("serve.{what}: `{}`: {e}", g.name)),
        }
    }
    Ok((creds, secrets))
}

pub fn run(config_path: Option<&Path>, no_cache: bool, args: &ServeArgs) -> u8 {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let lists = match super::load_lists(&config, !args.no_warninglists, !args.no_allowlists) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let (users, tokens, secrets) = match credentials("users", &config.serve.users)
        .and_then(|u| credentials("tokens", &config.serve.tokens).map(|t| (u, t)))
    {
        Ok(((users, mut s1), (tokens, s2))) => {
            s1.extend(s2);
            (users, tokens, s1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    for g in config.serve.users.iter().chain(&config.serve.tokens) {
        for c in &g.collections {
            let known = c == crate::config::serve::ANY_COLLECTION
                || c == "all"
                || c == "hits"
                || config.source(c).is_some();
            if !known {
                eprintln!(
                    "warning: serve: `{}` may read `{}`, which is no collection (`all`, `hits`, a source's name or \"*\")",
                    g.name,
                    crate::model::sanitize::one_line(c, 40)
                );
            }
        }
    }
    if users.is_empty() && tokens.is_empty() {
        eprintln!(
            "error: serve: no `serve.users` or `serve.tokens` in the config; every endpoint needs credentials"
        );
        return EXIT_USAGE;
    }
    let mut redact = config.secret_values();
    redact.extend(secrets.iter().map(|s| s.expose_secret().to_string()));
    if let Err(e) = crate::logging::attach_file(config.log_file.as_deref(), redact) {
        eprintln!("warning: log file: {e}; going on without it");
    }
    let listen = args.listen.or(config.serve.listen).unwrap_or_else(|| {
        DEFAULT_LISTEN
            .parse()
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8443)))
    });
    let tls = match config.serve.tls.clone().map(serve::Reloadable::new) {
        None => None,
        Some(Ok(t)) => Some(Arc::new(t)),
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if tls.is_none() && !listen.ip().is_loopback() {
        if !args.insecure_listen {
            eprintln!(
                "error: serve: plain HTTP on {listen} would send credentials in the clear; set serve.tls, listen on loopback, or give --insecure-listen"
            );
            return EXIT_USAGE;
        }
        tracing::warn!(
            "serve: plain HTTP on {listen} (--insecure-listen): credentials and lists cross the network in the clear"
        );
    }
    let location = crate::store::persist::Location::of(&config, no_cache);
    if matches!(location, crate::store::persist::Location::None) {
        eprintln!(
            "error: serve reads the set from the store, and it is off (cache.path: none or --no-cache)"
        );
        return EXIT_USAGE;
    }
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let fetch = if args.fetch {
        match crate::sources::FetchContext::new(&config) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    } else {
        None
    };
    let state = State {
        shared: Arc::new(snapshot::Shared::default()),
        auth: auth::Auth::new(users, tokens),
        lists: edl::Cache::default(),
        requests: metrics::Requests::default(),
    };
    rt.block_on(run_async(
        config, lists, location, listen, tls, state, fetch,
    ))
}

async fn run_async(
    config: Config,
    lists: crate::matching::Warninglists,
    location: crate::store::persist::Location,
    listen: SocketAddr,
    tls: Option<Arc<serve::Reloadable>>,
    state: State,
    fetch: Option<crate::sources::FetchContext>,
) -> u8 {
    let (store, notes) = crate::engine::open_store(&location, None).await;
    for n in notes {
        tracing::warn!("serve: store: {n}");
    }
    let Some(store) = store else {
        eprintln!("error: serve: the store cannot be opened");
        return EXIT_SOURCE_FAILED;
    };
    let (config, lists) = (Arc::new(config), Arc::new(lists));
    let state = Arc::new(state);
    let mut ledger = tokio::task::block_in_place(|| {
        serve::taxii::open_ledger(ledger_path(&location).as_deref())
    });
    // The first set is read before anyone is answered; if the store is away, the lists
    // answer 503 until it is back.
    // Taken before the read: a save in between is read again, never missed.
    let mut seen = snapshot::store_version(&store).await.ok();
    match snapshot::load(&config, &store, &lists, 1, &mut ledger).await {
        Ok(s) => {
            tracing::info!(
                "serve: snapshot 1: {} values from {} sources",
                s.rows.len(),
                s.sources.len()
            );
            state.shared.set(s);
            state
                .shared
                .store_up
                .store(true, std::sync::atomic::Ordering::Relaxed);
            state.shared.refresh_sources_metrics(&config, &store).await;
            tokio::task::block_in_place(crate::memory::release_free_memory);
        }
        Err(e) => {
            seen = None;
            tracing::warn!(
                "serve: cannot read the set yet ({}); lists answer 503 until it can",
                crate::model::sanitize::one_line(&e, 300)
            );
        }
    }
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: serve: cannot listen on {listen}: {e}");
            return EXIT_SOURCE_FAILED;
        }
    };
    let sig = Signals::take();
    let bound = listener.local_addr().unwrap_or(listen);
    let scheme = if tls.is_some() { "https" } else { "http" };
    eprintln!("serve: listening on {scheme}://{bound}");
    tracing::info!("serve: listening on {scheme}://{bound}");
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    // What it saves reaches the lists through the follower, like any other save.
    let fetcher = fetch.map(|ctx| {
        let ctx = crate::enrichment::with_store_ledger(ctx, Some(&store));
        fetcher::spawn(config.clone(), ctx, store.clone(), stop.clone())
    });
    let watched = match &location {
        crate::store::persist::Location::File(p) => Some(p.clone()),
        _ => None,
    };
    let follower = tokio::spawn(snapshot::follow(
        seen,
        ledger,
        watched,
        config.clone(),
        store,
        lists,
        state.shared.clone(),
        stop.clone(),
    ));
    tokio::spawn(signals(sig, stop_tx, tls.clone()));
    serve::serve(listener, state, tls, stop).await;
    follower.abort();
    if let Some(f) = fetcher
        && tokio::time::timeout(std::time::Duration::from_secs(5), f)
            .await
            .is_err()
    {
        tracing::warn!("serve: fetch: still running at exit; stopped");
    }
    tracing::info!("serve: stopped");
    EXIT_OK
}

/// Where the TAXII history is kept: beside a SQLite store; for a PostgreSQL store, in
/// the default data directory (`serve-taxii.db`), one per server.
fn ledger_path(location: &crate::store::persist::Location) -> Option<std::path::PathBuf> {
    use crate::store::persist::{Location, default_path};
    match location {
        Location::File(p) => Some(serve::taxii::saved::Saved::beside(p)),
        Location::Postgres(_) => {
            default_path(&crate::config::process_env).map(|p| p.with_file_name("serve-taxii.db"))
        }
        Location::None => None,
    }
}

/// The signals `serve` handles, taken before it says it listens (so a SIGTERM sent at
/// once is not the default one that kills it).
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn take() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                term: signal(SignalKind::terminate()).ok(),
                hup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }
}

/// SIGTERM and ctrl-c set `stop`; SIGHUP reads the certificate and key again.
async fn signals(
    mut sig: Signals,
    stop: tokio::sync::watch::Sender<bool>,
    tls: Option<Arc<serve::Reloadable>>,
) {
    #[cfg(unix)]
    loop {
        let term = async {
            match sig.term.as_mut() {
                Some(t) => t.recv().await,
                None => std::future::pending().await,
            }
        };
        let hup = async {
            match sig.hup.as_mut() {
                Some(h) => h.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = term => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = hup => match &tls {
                Some(t) => match t.reload() {
                    Ok(()) => tracing::info!("serve: SIGHUP: certificate and key read again"),
                    Err(e) => tracing::warn!("serve: SIGHUP: {e}; the certificate in use stays"),
                },
                None => tracing::info!("serve: SIGHUP: no TLS configured; nothing to reload"),
            },
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (&mut sig, &tls);
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("serve: stopping; requests in flight may finish");
    let _ = stop.send(true);
}
