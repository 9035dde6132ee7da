// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The dashboard's runtime: owns the terminal, runs one `select!` over key events,
//! background results, signals and a slow tick, carries out the app's effects, and
//! redraws only when the app says something changed.

mod clipboard;
mod export;
pub mod hunt;
mod state_file;
mod store_load;
mod terminal;
mod trends;
pub mod triage;

use store_load::{retry_store_load, start_store_load};
use terminal::{init_logging, install_panic_hook, restore_terminal};

pub use clipboard::osc52;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::app::mouse::Pointer;
use crate::app::triage::TriageEffect;
use crate::app::{App, Effect, Msg};
use crate::config::Config;
use crate::engine;
use crate::sources::FetchContext;
use crate::store::filter;
use crate::store::persist::{self, SharedStore};

/// Tick while something animates, and while idle.
const BUSY_TICK: Duration = Duration::from_millis(200);
const IDLE_TICK: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
    #[error("{0}")]
    Net(#[from] crate::net::NetError),
}

/// Where the dashboard's data comes from.
#[derive(Debug, Clone)]
pub enum Data {
    /// The configured services, with the store (a SQLite file, a team's PostgreSQL, or
    /// none).
    Live { cache: persist::Location },
    /// The bundled sample data (`--demo`): no network, no cache.
    Demo,
}

/// Runs the dashboard until the analyst quits; `ascii` draws with ASCII only. The mouse
/// is captured when the config's `mouse` says so.
pub fn run(config: Config, data: Data, ascii: bool) -> Result<(), RuntimeError> {
    let started = Instant::now();
    init_logging();
    crate::logging::attach_config(&config);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let ctx = FetchContext::new(&config)?;
    install_panic_hook();
    let mut terminal = ratatui::try_init()?;
    if config.mouse
        && let Err(e) = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)
    {
        restore_terminal();
        return Err(e.into());
    }
    let result = rt.block_on(event_loop(&mut terminal, config, ctx, data, started, ascii));
    restore_terminal();
    // Background fetches may still be running: do not wait for them.
    rt.shutdown_background();
    result
}

/// What the effect executor needs besides the app.
struct Executor {
    ctx: FetchContext,
    /// Look-ups through the store's answers and quota ledger.
    enricher: crate::enrichment::Enricher,
    store: Option<SharedStore>,
    demo: bool,
    tx: mpsc::UnboundedSender<Msg>,
    /// The followers of `logs:`, when any are configured.
    hunter: Option<hunt::Hunter>,
    /// Told when this dashboard's hits are stored, so they are read back with their
    /// row ids at once.
    saved_hits: Arc<tokio::sync::Notify>,
    /// The config, to load the lists again when the local allowlist grows.
    config: Arc<Config>,
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    config: Config,
    ctx: FetchContext,
    data: Data,
    started: Instant,
    ascii: bool,
) -> Result<(), RuntimeError> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut app = App::new(&config, Timestamp::now());
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    app.ascii = ascii;
    app.triaging.analyst = crate::trust::triage::analyst().into();
    let saved_hits = Arc::new(tokio::sync::Notify::new());
    let size = terminal.size()?;
    // Every effect `update` returns is carried out, these first ones too.
    let mut effects = Vec::new();
    effects.extend(app.update(Msg::Resize {
        width: size.width,
        height: size.height,
    }));
    effects.extend(app.update(Msg::Remembered(remembered())));
    for w in &config.warnings {
        tracing::warn!("{}", crate::model::sanitize::one_line(w, 400));
    }
    let (store, demo) = match data {
        Data::Live { cache: location } => {
            // Retention runs with the background load, never before the first frame.
            let (store, notes) = persist::open_location(&location);
            for n in &notes {
                tracing::warn!("{}", crate::model::sanitize::one_line(n, 400));
            }
            if let Some(s) = &store {
                // What the store knows of each source is small: read it before the first
                // frame (a server that does not answer at once is retried in the
                // background), so a source fetched recently waits for its next refresh.
                let first = tokio::time::timeout(Duration::from_millis(500), s.metas()).await;
                let msg = match first {
                    Ok(Ok(metas)) => {
                        start_store_load(&app, s, &tx, config.cache.retention);
                        Msg::CacheMeta(metas)
                    }
                    Ok(Err(e)) if !e.is_transient() => Msg::CacheFailed(e.to_string()),
                    Ok(Err(e)) => {
                        retry_store_load(&app, s, &tx, config.cache.retention);
                        Msg::StoreUnreachable(e.to_string())
                    }
                    Err(_) => {
                        retry_store_load(&app, s, &tx, config.cache.retention);
                        Msg::StoreUnreachable(format!("store {} does not answer", s.describe()))
                    }
                };
                effects.extend(app.update(msg));
                // Every sensor's hits and every analyst's marks: announced by a shared
                // store, else asked for.
                let (hits, marks) = follow_changes(s, &tx).unzip();
                tokio::spawn(hunt::load(
                    Arc::clone(s),
                    tx.clone(),
                    config.cache.retention,
                    hits,
                    Arc::clone(&saved_hits),
                ));
                tokio::spawn(triage::follow(Arc::clone(s), tx.clone(), marks));
            } else if let (false, Some(n)) =
                (matches!(location, persist::Location::None), notes.last())
            {
                effects.extend(app.update(Msg::CacheFailed(n.clone())));
            }
            (store, false)
        }
        Data::Demo => {
            tracing::info!("demo mode: bundled sample data, no network");
            (None, true)
        }
    };
    // The demo's sample uses documentation addresses and names, which the built-in
    // warninglist holds: it runs without lists rather than mark every row.
    let lists = (!demo).then(|| Arc::new(load_lists(&config)));
    if let Some(lists) = &lists {
        effects.extend(app.update(Msg::Lists(Arc::clone(lists))));
    }
    let hunter =
        lists.and_then(|lists| hunt::Hunter::start_with(&config, store.as_ref(), &tx, lists));
    let ctx = crate::enrichment::with_store_ledger(ctx, store.as_ref());
    let enricher = crate::enrichment::Enricher::new(ctx.clone());
    for (i, s) in app.sources.iter().enumerate() {
        let (enricher, spec, tx) = (enricher.clone(), s.spec.clone(), tx.clone());
        tokio::spawn(async move {
            if let Some(usage) = enricher.usage(&spec).await {
                let _ = tx.send(Msg::Quota { source: i, usage });
            }
        });
    }
    let exec = Executor {
        ctx,
        enricher,
        store,
        demo,
        tx: tx.clone(),
        hunter,
        saved_hits,
        config: Arc::new(config.clone()),
    };
    let mut events = EventStream::new();
    let mut sigterm = terminate_signal();
    effects.extend(app.update(Msg::Tick(Timestamp::now())));
    let mut next_tick = tokio::time::Instant::now();
    let mut first_frame = true;
    let mut trim_due = false;
    let mut cache_pending = app.cache == crate::app::CacheState::Loading;
    loop {
        for fx in effects.drain(..) {
            exec.execute(fx);
        }
        if app.quit {
            return Ok(());
        }
        // The store is read and its rows filtered: the frame drawn next shows them all.
        let cache_shown =
            cache_pending && app.cache != crate::app::CacheState::Loading && !app.filtering;
        if app.take_dirty() || cache_shown {
            tui_logger::move_events();
            let mut limit = None;
            terminal.draw(|f| {
                crate::ui::view(&app, f);
                limit = crate::ui::scroll_limit(&app, f.area());
            })?;
            // How far the open overlay scrolls is known once it is laid out.
            if limit != app.scroll_limit {
                for fx in app.update(Msg::ScrollLimit(limit)) {
                    exec.execute(fx);
                }
            }
            if std::mem::take(&mut first_frame) {
                tracing::info!(
                    "first frame {} ms after start",
                    started.elapsed().as_millis()
                );
            }
        }
        if cache_shown {
            cache_pending = false;
            tracing::info!(
                "cached indicators on screen {} ms after start ({} rows)",
                started.elapsed().as_millis(),
                app.rows.len()
            );
        }
        let tick = if app.busy() { BUSY_TICK } else { IDLE_TICK };
        if next_tick <= tokio::time::Instant::now() {
            next_tick = tokio::time::Instant::now() + tick;
        }
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Mouse(m))) => match Pointer::from_event(&m) {
                    Some(p) => Msg::Pointer(p),
                    None => continue,
                },
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => msg,
            _ = tokio::time::sleep_until(next_tick) => {
                next_tick = tokio::time::Instant::now() + tick;
                Msg::Tick(Timestamp::now())
            }
            Some(()) = sigterm.recv() => return Ok(()),
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        // A big batch leaves the allocator holding the memory its download, parse and
        // merge used; once the dashboard settles, hand that back to the system.
        trim_due |= match &msg {
            Msg::FetchDone {
                result: Ok(out), ..
            } => out.batch.sightings.len() >= TRIM_AFTER,
            // The snapshots came one by one before it.
            Msg::CacheLoaded { .. } => true,
            _ => false,
        };
        effects = app.update(msg);
        if trim_due && !app.busy() {
            trim_due = false;
            tokio::task::spawn_blocking(crate::memory::release_free_memory);
        }
    }
}

/// The warninglists and allowlists in force, for the marks, the exports and the hunt.
/// A list that cannot be used is warned about in the log, and the dashboard goes on
/// without the allowlists (or with only the built-in warninglist).
fn load_lists(config: &Config) -> crate::matching::Warninglists {
    use crate::trust::allowlist::{self, Apply};
    let env = &crate::config::process_env;
    let loaded = allowlist::load(config, Apply::BOTH, env).or_else(|e| {
        tracing::warn!(
            "{}; going on without the allowlists",
            crate::model::sanitize::one_line(&e, 400)
        );
        allowlist::load(
            config,
            Apply {
                warninglists: true,
                allowlists: false,
            },
            env,
        )
    });
    match loaded {
        Ok(l) => {
            for n in &l.notes {
                tracing::warn!("{}", crate::model::sanitize::one_line(n, 400));
            }
            l.lists
        }
        Err(e) => {
            tracing::warn!(
                "{}; using the built-in warninglist only",
                crate::model::sanitize::one_line(&e, 400)
            );
            crate::matching::Warninglists::load(&[]).unwrap_or_default()
        }
    }
}

/// What the last run remembered for the next export (see [`state_file`]); a damaged
/// file is reported in the log.
fn remembered() -> crate::app::Remembered {
    let env = crate::config::process_env;
    let saved = match state_file::path(&env).map(|p| state_file::load(&p)) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            tracing::warn!("{}", crate::model::sanitize::one_line(&e.to_string(), 400));
            Default::default()
        }
        None => Default::default(),
    };
    state_file::starting_point(saved, &env, std::env::current_dir().ok())
}

/// Batches at least this big are followed by [`crate::memory::release_free_memory`].
const TRIM_AFTER: usize = 50_000;

/// A message on SIGTERM or SIGHUP (the terminal went away: an SSH session dropped, a
/// tmux pane killed): the loop ends and the terminal is restored, as on `q`.
#[cfg(unix)]
fn terminate_signal() -> tokio::sync::mpsc::Receiver<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    for kind in [SignalKind::terminate(), SignalKind::hangup()] {
        if let Ok(mut s) = signal(kind) {
            let tx = tx.clone();
            tokio::spawn(async move {
                if s.recv().await.is_some() {
                    let _ = tx.send(()).await;
                }
            });
        }
    }
    rx
}

#[cfg(not(unix))]
fn terminate_signal() -> tokio::sync::mpsc::Receiver<()> {
    tokio::sync::mpsc::channel(1).1
}

/// The ranges of hits, and the row ids of triage marks, other processes store.
type Announced = (
    mpsc::UnboundedReceiver<std::ops::RangeInclusive<i64>>,
    mpsc::UnboundedReceiver<i64>,
);

/// Loads each snapshot another process saves, as it is saved; returns the ranges of
/// hits and the ids of marks other processes store (`None`: the store announces
/// nothing).
fn follow_changes(store: &SharedStore, tx: &mpsc::UnboundedSender<Msg>) -> Option<Announced> {
    let changes = store.changes()?;
    let (snap_tx, mut snapshots) = mpsc::unbounded_channel();
    let (marks_tx, marks) = mpsc::unbounded_channel();
    let hits = hunt::split_changes(changes, snap_tx, marks_tx);
    let store = store.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        while let Some(source) = snapshots.recv().await {
            let meta = store.metas().await.ok().and_then(|mut m| m.remove(&source));
            match store.load_source(source.clone()).await {
                Ok(sightings) => {
                    let msg = Msg::SharedSnapshot {
                        source,
                        sightings,
                        meta,
                    };
                    if tx.send(msg).is_err() {
                        return;
                    }
                }
                Err(e) => tracing::warn!("{source}: {e}"),
            }
        }
    });
    Some((hits, marks))
}

impl Executor {
    /// Carries out one effect; results come back on `tx`.
    fn execute(&self, fx: Effect) {
        let (ctx, tx) = (&self.ctx, &self.tx);
        match fx {
            Effect::Fetch {
                source,
                spec,
                forced,
            } => {
                let ctx = ctx.clone();
                let tx = tx.clone();
                let store = self.store.clone();
                let demo = self.demo;
                let notice: crate::net::wait::WaitNotice = {
                    let tx = tx.clone();
                    std::sync::Arc::new(move |wait, why| {
                        let until = Timestamp::now()
                            .checked_add(jiff::SignedDuration::try_from(wait).unwrap_or_default())
                            .unwrap_or_else(|_| Timestamp::now());
                        let _ = tx.send(Msg::FetchWaiting { source, until, why });
                    })
                };
                tokio::spawn(async move {
                    let started = Instant::now();
                    let result = if demo {
                        crate::demo::fetch(&ctx, &spec).await
                    } else {
                        let (result, notes) = crate::net::wait::reported(
                            notice,
                            engine::fetch_cached_with(&ctx, &spec, store.as_ref(), false, forced),
                        )
                        .await;
                        for n in notes {
                            tracing::warn!(
                                "{}: cache: {}",
                                spec.name,
                                crate::model::sanitize::one_line(&n, 300)
                            );
                        }
                        result
                    };
                    let _ = tx.send(Msg::FetchDone {
                        source,
                        result,
                        at: Timestamp::now(),
                        elapsed: started.elapsed(),
                    });
                });
            }
            Effect::Filter {
                generation,
                store,
                query,
                sort,
                within,
                cancel,
            } => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let rows = filter::job(&store, &query, sort, within.as_deref(), &cancel);
                    let rows = if cancel.load(Ordering::Relaxed) {
                        None
                    } else {
                        rows
                    };
                    let _ = tx.send(Msg::FilterDone {
                        generation,
                        rows,
                        store,
                    });
                });
            }
            Effect::Enrich {
                source,
                spec,
                kind,
                value,
                wait,
            } => {
                let enricher = self.enricher.clone();
                let tx = tx.clone();
                let demo = self.demo;
                tokio::spawn(async move {
                    // The demo asks no service: its answers are bundled.
                    let result = if demo {
                        crate::demo::lookup(&spec, kind, &value).await
                    } else {
                        enricher
                            .lookup(&spec, kind, &value, wait)
                            .await
                            .map(|a| a.answer)
                    };
                    let _ = tx.send(Msg::EnrichDone {
                        source,
                        value,
                        result,
                    });
                    if let Some(usage) = enricher.usage(&spec).await {
                        let _ = tx.send(Msg::Quota { source, usage });
                    }
                });
            }
            Effect::Copy(text) => clipboard::copy_osc52(&text),
            Effect::Export {
                store,
                rows,
                fit,
                options,
                target,
            } => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let home = crate::config::process_env("HOME").map(std::path::PathBuf::from);
                    let chosen = export::Chosen {
                        rows: &rows,
                        fit: &fit,
                    };
                    let result = export::run(&target, &store, chosen, options, home.as_deref());
                    let _ = tx.send(Msg::ExportDone { store, result });
                });
            }
            Effect::Remember(state) => {
                tokio::task::spawn_blocking(move || {
                    if let Some(p) = state_file::path(&crate::config::process_env)
                        && let Err(e) = state_file::save(&p, &state)
                    {
                        tracing::warn!("{}", crate::model::sanitize::one_line(&e.to_string(), 400));
                    }
                });
            }
            Effect::SaveHits(hits) => {
                if let Some(s) = &self.store {
                    hunt::save(s, hits, Arc::clone(&self.saved_hits));
                }
            }
            Effect::Screen { store, lists } => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let screened = crate::trust::allowlist::Screened::of(&store, &lists);
                    let _ = tx.send(Msg::Screened { store, screened });
                });
            }
            Effect::Triage(TriageEffect::Save(mark)) => {
                triage::save(self.store.as_ref(), mark, tx);
            }
            Effect::Triage(TriageEffect::Allowlist { value, comment }) => {
                triage::allowlist(value, comment, self.demo, tx, Arc::clone(&self.config));
            }
            Effect::Hunt { store } => match &self.hunter {
                Some(h) => h.hunt(store),
                None => {
                    let _ = tx.send(Msg::HuntReady { store });
                }
            },
            Effect::Push { sources } => {
                let (ctx, tx, store) = (ctx.clone(), tx.clone(), self.store.clone());
                tokio::spawn(async move {
                    let reports = match store {
                        Some(s) => crate::trust::push::push_all(&ctx, &s, &sources).await,
                        None => Vec::new(),
                    };
                    let _ = tx.send(Msg::Pushed(reports));
                });
            }
            Effect::LoadTrends { at } => trends::load(self.store.as_ref(), at, tx),
            Effect::Log { level, text } => {
                let text = crate::model::sanitize::one_line(&text, 600);
                match level {
                    tracing::Level::ERROR => tracing::error!("{text}"),
                    tracing::Level::WARN => tracing::warn!("{text}"),
                    _ => tracing::info!("{text}"),
                }
            }
        }
    }
}
