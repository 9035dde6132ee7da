// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The dashboard's state and its one mutator, [`App::update`]. No I/O happens here:
//! time arrives as [`Msg::Tick`], results of background work as messages, and whatever
//! should happen outside comes back as [`Effect`]s for the runtime to carry out.

pub mod keymap;
pub mod layout;
pub mod schedule;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::config::{Availability, Config, SourceSpec};
use crate::export::Format;
use crate::model::sanitize::one_line;
use crate::model::{IndicatorType, Sighting};
use crate::sources::{FetchError, FetchOutput};
use crate::store::filter::{self, Query, Sort};
use crate::store::health::{FetchRecord, HISTORY_MAX};
use crate::store::persist::{CachedSource, SourceMeta};
use crate::store::{SourceId, Store};
pub use keymap::{Action, Mode};
use schedule::Schedule;

/// Stores up to this many slots are filtered inline; larger ones on a worker.
pub const INLINE_FILTER_MAX: usize = 50_000;

/// Which pane `j`/`k` move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Table,
    Sources,
}

/// How much room the log pane takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogSize {
    #[default]
    Small,
    Large,
    Hidden,
}

impl LogSize {
    fn next(self) -> LogSize {
        match self {
            LogSize::Small => LogSize::Large,
            LogSize::Large => LogSize::Hidden,
            LogSize::Hidden => LogSize::Small,
        }
    }
}

/// One source as the dashboard tracks it.
#[derive(Debug, Clone)]
pub struct SourceState {
    pub spec: SourceSpec,
    pub id: SourceId,
    pub availability: Availability,
    pub schedule: Schedule,
    pub started: Option<Timestamp>,
    pub count: usize,
    pub last_ok: Option<Timestamp>,
    pub last_duration: Option<Duration>,
    /// The last failure, sanitised, one line. Cleared by the next success.
    pub last_error: Option<String>,
    pub hidden: bool,
    /// When the cached snapshot was fetched (shown until the first live fetch of this run).
    pub cached_at: Option<Timestamp>,
    /// A fetch of this run has finished (successfully or not).
    pub live: bool,
    /// The store holds this run's live data for the source (not the cache's).
    live_data: bool,
    /// Recent fetches, oldest first (at most [`HISTORY_MAX`]).
    pub history: Vec<FetchRecord>,
}

impl SourceState {
    pub fn enabled(&self) -> bool {
        self.availability == Availability::Enabled
    }

    pub fn fetching(&self) -> bool {
        self.schedule.in_flight
    }
}

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Msg {
    /// The clock moved (a slow tick, or before the first frame).
    Tick(Timestamp),
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    FetchDone {
        source: usize,
        result: Result<FetchOutput, FetchError>,
        at: Timestamp,
        elapsed: Duration,
    },
    /// A worker finished filtering; it hands the store back.
    FilterDone {
        generation: u64,
        rows: Option<Vec<u32>>,
        store: Arc<Store>,
    },
    EnrichDone {
        source: usize,
        kind: IndicatorType,
        value: Box<str>,
        result: Result<Option<Sighting>, FetchError>,
    },
    ExportDone {
        store: Arc<Store>,
        result: Result<(PathBuf, usize), String>,
    },
    /// What the store knows of each source's last fetch, read before the first frame:
    /// a source fetched recently waits for its next refresh instead of fetching at once,
    /// and shows as cached until then. The snapshots follow ([`Msg::CacheLoaded`]).
    CacheMeta(std::collections::HashMap<String, SourceMeta>),
    /// The cached snapshots and fetch histories, read in the background at start-up.
    CacheLoaded {
        sources: Vec<CachedSource>,
        histories: Vec<(String, Vec<FetchRecord>)>,
    },
    /// The cache could not be used (shown in the header; details in the log).
    CacheFailed(String),
}

/// A complete result's inputs: the rows for `query` in `sort` order, on the store as it
/// was at `store_version`.
#[derive(Debug, Clone, PartialEq)]
struct View {
    query: Query,
    sort: Sort,
    store_version: u64,
}

/// Where the local cache stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CacheState {
    #[default]
    Off,
    Loading,
    Ready,
    Failed(String),
}

/// Work for the runtime.
#[derive(Debug)]
pub enum Effect {
    Fetch {
        source: usize,
        spec: SourceSpec,
    },
    /// Filter and sort the store; with `within`, only narrow those rows (a complete,
    /// sorted result of a query that [`filter::narrows`] to `query`).
    Filter {
        generation: u64,
        store: Arc<Store>,
        query: Query,
        sort: Sort,
        within: Option<Arc<[u32]>>,
        cancel: Arc<AtomicBool>,
    },
    Enrich {
        source: usize,
        spec: SourceSpec,
        kind: IndicatorType,
        value: Box<str>,
    },
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    Export {
        store: Arc<Store>,
        rows: Vec<u32>,
        format: Format,
        path: PathBuf,
    },
    /// Write a line to the log pane (warnings carry the source name).
    Log {
        level: tracing::Level,
        text: String,
    },
}

/// A change to the store, applied when no worker holds it.
#[derive(Debug)]
enum Mutation {
    /// A live fetch's snapshot.
    Replace(usize, Vec<Sighting>),
    /// The cached snapshot (ignored if live data arrived meanwhile).
    Cached(usize, Vec<Sighting>),
    Add(usize, Sighting),
}

pub struct App {
    pub now: Timestamp,
    pub sources: Vec<SourceState>,
    pub store: Arc<Store>,
    /// Positions in the store of the rows shown, in display order.
    pub rows: Vec<u32>,
    pub filter_text: String,
    pub type_filter: Option<IndicatorType>,
    pub sort: Sort,
    /// Selected row (index into `rows`) and the first row on screen.
    pub selected: usize,
    pub offset: usize,
    /// The selected indicator, so the selection follows it across refreshes.
    selected_key: Option<(IndicatorType, Box<str>)>,
    pub source_cursor: usize,
    pub focus: Focus,
    pub mode: Mode,
    pub log_size: LogSize,
    pub details_scroll: u16,
    pub width: u16,
    pub height: u16,
    pub no_color: bool,
    /// A short message for the footer ("copied", "exported ...").
    pub notice: Option<String>,
    pub cache: CacheState,
    /// True once the rows reflect the store (false while a worker filters).
    pub filtering: bool,
    pub quit: bool,
    dirty: bool,
    generation: u64,
    job: Option<Arc<AtomicBool>>,
    job_again: bool,
    leases: usize,
    /// Bumped by every change to the store.
    store_version: u64,
    /// What `rows` is the complete result of: query, sort and store version.
    shown: Option<View>,
    /// What the running filter job computes.
    job_view: Option<View>,
    pending: Vec<Mutation>,
    enrichments: Vec<(usize, Sighting)>,
    last_minute: i64,
    /// The first enabled source of each kind that can look values up, in config order.
    lookup_sources: Vec<usize>,
}

impl App {
    pub fn new(config: &Config, now: Timestamp) -> App {
        let mut store = Store::new();
        let sources: Vec<SourceState> = config
            .sources
            .iter()
            .map(|spec| {
                let availability = config.availability(spec);
                let schedule = if availability == Availability::Enabled {
                    Schedule::new(now)
                } else {
                    Schedule::never()
                };
                SourceState {
                    id: store.source_id(&spec.name),
                    spec: spec.clone(),
                    availability,
                    schedule,
                    started: None,
                    count: 0,
                    last_ok: None,
                    last_duration: None,
                    last_error: None,
                    hidden: false,
                    cached_at: None,
                    live: false,
                    live_data: false,
                    history: Vec::new(),
                }
            })
            .collect();
        App {
            now,
            sources,
            store: Arc::new(store),
            rows: Vec::new(),
            filter_text: String::new(),
            type_filter: None,
            sort: Sort::default(),
            selected: 0,
            offset: 0,
            selected_key: None,
            source_cursor: 0,
            focus: Focus::Table,
            mode: Mode::Normal,
            log_size: LogSize::Small,
            details_scroll: 0,
            width: 80,
            height: 24,
            no_color: false,
            notice: None,
            cache: CacheState::Off,
            filtering: false,
            quit: false,
            dirty: true,
            generation: 0,
            job: None,
            job_again: false,
            leases: 0,
            store_version: 0,
            shown: None,
            job_view: None,
            pending: Vec::new(),
            enrichments: Vec::new(),
            last_minute: now.as_second().div_euclid(60),
            lookup_sources: Vec::new(),
        }
        .with_lookup_sources()
    }

    fn with_lookup_sources(mut self) -> App {
        let mut kinds = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            if s.enabled()
                && crate::sources::registry::lookup(s.spec.kind).is_some()
                && !kinds.contains(&s.spec.kind)
            {
                kinds.push(s.spec.kind);
                self.lookup_sources.push(i);
            }
        }
        self
    }

    fn on_cache_meta(&mut self, metas: &std::collections::HashMap<String, SourceMeta>) {
        self.cache = CacheState::Loading;
        for s in &mut self.sources {
            let Some(at) = metas.get(&s.spec.name).and_then(|m| m.fetched_at) else {
                continue;
            };
            s.cached_at = Some(at);
            if s.enabled()
                && let Some(due) = s.schedule.next_due
            {
                let next = at
                    .checked_add(jiff::SignedDuration::try_from(s.spec.refresh).unwrap_or_default())
                    .unwrap_or(due);
                s.schedule.next_due = Some(next.max(due));
            }
        }
        self.dirty = true;
    }

    /// Whether the screen needs drawing; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Something is animating (a spinner), so the runtime ticks faster.
    pub fn busy(&self) -> bool {
        self.sources.iter().any(SourceState::fetching) || self.filtering
    }

    pub fn query(&self) -> Query {
        Query {
            text: self.filter_text.trim().to_string(),
            kind: self.type_filter,
            hidden: self
                .sources
                .iter()
                .filter(|s| s.hidden)
                .map(|s| s.id)
                .collect(),
        }
    }

    /// The selected entry's store position.
    pub fn selected_entry(&self) -> Option<usize> {
        self.rows
            .get(self.selected)
            .map(|&i| i as usize)
            .filter(|&i| self.store.get(i).is_some())
    }

    /// Rows that fit in the table at the current size.
    pub fn page_rows(&self) -> usize {
        layout::table_rows(self).max(1)
    }

    /// Applies `msg`; the returned effects must all be carried out.
    #[must_use = "every effect `update` returns must be carried out"]
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut fx = Vec::new();
        match msg {
            Msg::Tick(now) => self.on_tick(now, &mut fx),
            Msg::Key(key) => {
                if let Some(a) = keymap::action(self.mode, key) {
                    self.notice = None;
                    self.on_action(a, &mut fx);
                    self.dirty = true;
                }
            }
            Msg::Resize { width, height } => {
                self.width = width;
                self.height = height;
                self.keep_visible();
                self.dirty = true;
            }
            Msg::FetchDone {
                source,
                result,
                at,
                elapsed,
            } => self.on_fetch_done(source, result, at, elapsed, &mut fx),
            Msg::FilterDone {
                generation,
                rows,
                store,
            } => {
                drop(store);
                self.leases = self.leases.saturating_sub(1);
                self.job = None;
                let view = self.job_view.take();
                if let Some(rows) = rows
                    && generation == self.generation
                {
                    self.install_rows(rows);
                    self.shown = view;
                }
                self.after_release(&mut fx);
            }
            Msg::EnrichDone {
                source,
                kind,
                value,
                result,
            } => self.on_enrich_done(source, kind, value, result, &mut fx),
            Msg::CacheMeta(metas) => self.on_cache_meta(&metas),
            Msg::CacheLoaded { sources, histories } => {
                self.cache = CacheState::Ready;
                for (name, h) in histories {
                    if let Some(s) = self.sources.iter_mut().find(|s| s.spec.name == name) {
                        let mut h = h;
                        h.append(&mut s.history);
                        let excess = h.len().saturating_sub(HISTORY_MAX);
                        h.drain(..excess);
                        s.history = h;
                    }
                }
                for c in sources {
                    let Some(i) = self.sources.iter().position(|s| s.spec.name == c.name) else {
                        continue;
                    };
                    let s = &mut self.sources[i];
                    s.cached_at = c.meta.fetched_at;
                    // Live data of this run is newer than anything cached.
                    if !s.live_data {
                        self.mutate(Mutation::Cached(i, c.sightings), &mut fx);
                    }
                }
                self.dirty = true;
            }
            Msg::CacheFailed(why) => {
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: why.clone(),
                });
                self.cache = CacheState::Failed(why);
                self.dirty = true;
            }
            Msg::ExportDone { store, result } => {
                drop(store);
                self.leases = self.leases.saturating_sub(1);
                match result {
                    Ok((path, n)) => {
                        let text = format!("exported {n} rows to {}", path.display());
                        self.notice = Some(one_line(&text, 200));
                        fx.push(Effect::Log {
                            level: tracing::Level::INFO,
                            text,
                        });
                    }
                    Err(e) => {
                        self.notice = Some(format!("export failed: {}", one_line(&e, 120)));
                        fx.push(Effect::Log {
                            level: tracing::Level::WARN,
                            text: format!("export failed: {e}"),
                        });
                    }
                }
                self.dirty = true;
                self.after_release(&mut fx);
            }
        }
        fx
    }

    fn on_tick(&mut self, now: Timestamp, fx: &mut Vec<Effect>) {
        self.now = now;
        for i in 0..self.sources.len() {
            if self.sources[i].schedule.is_due(now) {
                self.start_fetch(i, fx);
            }
        }
        // Relative times ("3m ago", "next 5m") change once a minute; a spinner every tick.
        let minute = now.as_second().div_euclid(60);
        if minute != self.last_minute || self.busy() {
            self.last_minute = minute;
            self.dirty = true;
        }
    }

    fn start_fetch(&mut self, i: usize, fx: &mut Vec<Effect>) {
        let s = &mut self.sources[i];
        if !s.enabled() {
            return;
        }
        s.schedule.start();
        s.started = Some(self.now);
        fx.push(Effect::Fetch {
            source: i,
            spec: s.spec.clone(),
        });
        self.dirty = true;
    }

    fn refresh(&mut self, i: usize, fx: &mut Vec<Effect>) {
        if !self.sources.get(i).is_some_and(SourceState::enabled) {
            return;
        }
        if self.sources[i].schedule.request() {
            self.start_fetch(i, fx);
        }
    }

    fn on_fetch_done(
        &mut self,
        i: usize,
        result: Result<FetchOutput, FetchError>,
        at: Timestamp,
        elapsed: Duration,
        fx: &mut Vec<Effect>,
    ) {
        let Some(s) = self.sources.get_mut(i) else {
            return;
        };
        let again = s.schedule.finish(at, s.spec.refresh);
        s.last_duration = Some(elapsed);
        s.history
            .push(FetchRecord::from_result(&result, at, elapsed, s.count));
        if s.history.len() > HISTORY_MAX {
            s.history.remove(0);
        }
        s.live = true;
        match result {
            Ok(out) if out.not_modified => {
                // The cached snapshot is current: nothing to parse or replace.
                s.last_ok = Some(at);
                s.last_error = None;
            }
            Ok(out) => {
                s.last_ok = Some(at);
                s.last_error = None;
                s.live_data = true;
                if out.batch.skipped > 0 {
                    fx.push(Effect::Log {
                        level: tracing::Level::INFO,
                        text: format!(
                            "{}: skipped {} malformed or unmodelled records",
                            s.spec.name, out.batch.skipped
                        ),
                    });
                }
                self.mutate(Mutation::Replace(i, out.batch.sightings), fx);
            }
            Err(e) => {
                // The previous indicators stay; the error shows in the pane and the log.
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: format!("{}: {}", s.spec.name, one_line(&e.to_string(), 600)),
                });
                s.last_error = Some(one_line(&e.short(), 300));
            }
        }
        if again {
            self.start_fetch(i, fx);
        }
        self.dirty = true;
    }

    fn on_enrich_done(
        &mut self,
        source: usize,
        kind: IndicatorType,
        value: Box<str>,
        result: Result<Option<Sighting>, FetchError>,
        fx: &mut Vec<Effect>,
    ) {
        let name = self
            .sources
            .get(source)
            .map_or("?", |s| s.spec.name.as_str())
            .to_string();
        let shown = one_line(&value, 60);
        match result {
            Ok(Some(s)) => {
                self.notice = Some(format!("{name}: enriched {shown}"));
                self.enrichments
                    .retain(|(src, e)| !(*src == source && e.kind == kind && e.value == value));
                self.enrichments.push((source, s.clone()));
                self.mutate(Mutation::Add(source, s), fx);
            }
            Ok(None) => {
                self.notice = Some(format!("{name}: {shown} is not known"));
            }
            Err(e) => {
                let text = one_line(&e.to_string(), 300);
                self.notice = Some(format!("{name}: {}", one_line(&text, 100)));
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: format!("{name}: lookup of {shown} failed: {text}"),
                });
            }
        }
        self.dirty = true;
    }

    /// Applies a change now, or when the workers give the store back.
    fn mutate(&mut self, m: Mutation, fx: &mut Vec<Effect>) {
        if self.leases > 0 {
            self.pending.push(m);
            return;
        }
        self.apply(m);
        self.refilter(fx);
    }

    fn apply(&mut self, m: Mutation) {
        self.store_version += 1;
        let store = Arc::make_mut(&mut self.store);
        match m {
            Mutation::Cached(i, _) if self.sources[i].live_data => {}
            Mutation::Replace(i, sightings) | Mutation::Cached(i, sightings) => {
                let id = self.sources[i].id;
                let mut r = store.replace_source(id, sightings);
                for (src, s) in &self.enrichments {
                    if *src == i {
                        r.count += usize::from(store.add(id, s.clone()));
                    }
                }
                self.sources[i].count = r.count;
                if r.compacted {
                    // Positions moved: the old rows mean nothing now.
                    self.rows.clear();
                }
            }
            Mutation::Add(i, s) => {
                let id = self.sources[i].id;
                if store.add(id, s) {
                    self.sources[i].count += 1;
                }
            }
        }
    }

    /// A worker gave the store back: apply what waited, then rerun a stale filter.
    fn after_release(&mut self, fx: &mut Vec<Effect>) {
        if self.leases > 0 {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let again = std::mem::take(&mut self.job_again);
        let changed = !pending.is_empty();
        for m in pending {
            self.apply(m);
        }
        if changed || again {
            self.refilter(fx);
        }
    }

    /// Recomputes the rows for the current query and sort: inline for a small store,
    /// else on a worker (one at a time; a newer query cancels the running one).
    fn refilter(&mut self, fx: &mut Vec<Effect>) {
        self.generation += 1;
        self.dirty = true;
        let view = View {
            query: self.query(),
            sort: self.sort,
            store_version: self.store_version,
        };
        if self.store.slots().len() <= INLINE_FILTER_MAX {
            let rows = filter::view(&self.store, &view.query, self.sort, &AtomicBool::new(false))
                .unwrap_or_default();
            self.install_rows(rows);
            self.shown = Some(view);
            return;
        }
        if let Some(cancel) = &self.job {
            cancel.store(true, Ordering::Relaxed);
            self.job_again = true;
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.job = Some(Arc::clone(&cancel));
        self.leases += 1;
        self.filtering = true;
        // Typing more of the query: only the rows shown now can still match.
        let within = self
            .shown
            .as_ref()
            .filter(|s| {
                s.store_version == view.store_version
                    && s.sort == view.sort
                    && filter::narrows(&s.query, &view.query)
            })
            .map(|_| Arc::from(self.rows.as_slice()));
        fx.push(Effect::Filter {
            generation: self.generation,
            store: Arc::clone(&self.store),
            query: view.query.clone(),
            sort: self.sort,
            within,
            cancel,
        });
        self.job_view = Some(view);
    }

    fn install_rows(&mut self, rows: Vec<u32>) {
        self.rows = rows;
        self.filtering = self.job.is_some() || self.job_again;
        // Keep the selection on the same indicator if it is still shown.
        let found = self.selected_key.as_ref().and_then(|(k, v)| {
            let pos = self.store.find_live(*k, v)? as u32;
            self.rows.iter().position(|&r| r == pos)
        });
        match found {
            Some(i) => self.selected = i,
            None => {
                self.selected = self.selected.min(self.rows.len().saturating_sub(1));
                self.remember_selection();
            }
        }
        self.keep_visible();
        self.dirty = true;
    }

    fn remember_selection(&mut self) {
        self.selected_key = self
            .selected_entry()
            .and_then(|i| self.store.get(i))
            .map(|e| (e.kind, e.value.clone()));
    }

    fn keep_visible(&mut self) {
        let page = self.page_rows();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        let max_offset = self.rows.len().saturating_sub(page);
        self.offset = self.offset.min(max_offset);
    }

    fn move_selection(&mut self, delta: isize) {
        match (self.mode, self.focus) {
            (Mode::Details, _) => {
                self.details_scroll = self
                    .details_scroll
                    .saturating_add_signed(delta.clamp(-1000, 1000) as i16);
            }
            (_, Focus::Sources) if self.mode == Mode::Normal => {
                let n = self.sources.len();
                if n > 0 {
                    self.source_cursor =
                        (self.source_cursor as isize + delta).clamp(0, n as isize - 1) as usize;
                }
            }
            _ => {
                if self.rows.is_empty() {
                    self.selected = 0;
                } else {
                    self.selected = (self.selected as isize + delta)
                        .clamp(0, self.rows.len() as isize - 1)
                        as usize;
                }
                self.remember_selection();
                self.keep_visible();
            }
        }
    }

    fn on_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let page = self.page_rows() as isize;
        match a {
            Action::Quit => self.quit = true,
            Action::Help => self.mode = Mode::Help,
            Action::Close => {
                if matches!(self.mode, Mode::Help | Mode::Details) {
                    self.mode = Mode::Normal;
                    self.details_scroll = 0;
                }
            }
            Action::FilterStart => self.mode = Mode::Filter,
            Action::FilterChar(c) => {
                if !c.is_control() && self.filter_text.chars().count() < 200 {
                    self.filter_text.push(c);
                    self.refilter(fx);
                }
            }
            Action::FilterBackspace => {
                if self.filter_text.pop().is_some() {
                    self.refilter(fx);
                }
            }
            Action::FilterKeep => self.mode = Mode::Normal,
            Action::FilterClear => {
                self.mode = Mode::Normal;
                if !self.filter_text.is_empty() {
                    self.filter_text.clear();
                    self.refilter(fx);
                }
            }
            Action::FocusNext | Action::FocusPrev => {
                self.focus = match self.focus {
                    Focus::Table => Focus::Sources,
                    Focus::Sources => Focus::Table,
                };
            }
            Action::RefreshSelected => {
                let i = self.source_cursor;
                match self.sources.get(i) {
                    Some(s) if !s.enabled() => {
                        self.notice = Some(format!(
                            "{} is disabled: {}",
                            s.spec.name,
                            match &s.availability {
                                Availability::Disabled(why) => why.as_str(),
                                Availability::Enabled => "",
                            }
                        ));
                    }
                    Some(_) => self.refresh(i, fx),
                    None => {}
                }
            }
            Action::RefreshAll => {
                for i in 0..self.sources.len() {
                    self.refresh(i, fx);
                }
            }
            Action::ToggleSource => {
                if let Some(s) = self.sources.get_mut(self.source_cursor) {
                    s.hidden = !s.hidden;
                    self.refilter(fx);
                }
            }
            Action::CycleType => {
                self.type_filter = match self.type_filter {
                    None => Some(IndicatorType::ALL[0]),
                    Some(t) => IndicatorType::ALL
                        .iter()
                        .position(|x| *x == t)
                        .and_then(|p| IndicatorType::ALL.get(p + 1).copied()),
                };
                self.refilter(fx);
            }
            Action::CycleSort => {
                self.sort.key = self.sort.key.next();
                self.refilter(fx);
            }
            Action::ReverseSort => {
                self.sort.reverse = !self.sort.reverse;
                self.refilter(fx);
            }
            Action::Details => {
                if self.selected_entry().is_some() {
                    self.mode = Mode::Details;
                    self.details_scroll = 0;
                }
            }
            Action::Enrich => self.enrich(fx),
            Action::Copy => {
                if let Some(e) = self.selected_entry().and_then(|i| self.store.get(i)) {
                    self.notice = Some(format!("copied {}", one_line(&e.value, 60)));
                    fx.push(Effect::Copy(e.value.to_string()));
                }
            }
            Action::Export => {
                let stamp = self.now.strftime("%Y%m%d-%H%M%S");
                let path = PathBuf::from(format!("intellisiem-export-{stamp}.jsonl"));
                self.leases += 1;
                self.notice = Some(format!("exporting {} rows...", self.rows.len()));
                fx.push(Effect::Export {
                    store: Arc::clone(&self.store),
                    rows: self.rows.clone(),
                    format: Format::Jsonl,
                    path,
                });
            }
            Action::LogSize => {
                self.log_size = self.log_size.next();
                self.keep_visible();
            }
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
        }
    }

    fn enrich(&mut self, fx: &mut Vec<Effect>) {
        let Some(e) = self.selected_entry().and_then(|i| self.store.get(i)) else {
            return;
        };
        let (kind, value) = (e.kind, e.value.clone());
        let mut asked = Vec::new();
        for &src in &self.lookup_sources {
            let spec = self.sources[src].spec.clone();
            let supported = crate::sources::registry::lookup(spec.kind)
                .is_some_and(|l| l.supports(kind, &value));
            if supported {
                asked.push(spec.name.clone());
                fx.push(Effect::Enrich {
                    source: src,
                    spec,
                    kind,
                    value: value.clone(),
                });
            }
        }
        self.notice = Some(if asked.is_empty() {
            if self.lookup_sources.is_empty() {
                "enrichment needs a VirusTotal or OTX key".to_string()
            } else {
                format!("no lookup service takes a {kind}")
            }
        } else {
            format!(
                "looking up {} on {}...",
                one_line(&value, 40),
                asked.join(", ")
            )
        });
    }
}

#[cfg(test)]
pub(crate) mod tests;
