// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The dashboard's state and its one mutator, [`App::update`]. No I/O happens here:
//! time arrives as [`Msg::Tick`], results of background work as messages, and whatever
//! should happen outside comes back as [`Effect`]s for the runtime to carry out.

mod actions;
mod copy;
mod enrich;
pub mod export;
pub mod hits;
pub mod keymap;
pub mod layout;
pub mod line_edit;
pub mod listed;
pub mod marks;
pub mod mouse;
pub mod push;
mod rows;
pub mod schedule;
pub mod scoring;
mod source_state;
mod sources;
pub mod status;
pub mod strip;
pub mod trends;
pub mod triage;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::config::{Availability, Config, SourceSpec};
use crate::export::{Options, Written};
use crate::model::sanitize::one_line;
use crate::model::{IndicatorType, LogHit, Sighting};
use crate::sources::{FetchError, FetchOutput};
use crate::store::Store;
use crate::store::filter::{Query, Sort};
use crate::store::health::FetchRecord;
use crate::store::persist::{CachedSource, SourceMeta};
pub use export::{ExportError, ExportPrompt, PromptField, Remembered, RowChoice, Stage, Target};
pub use keymap::{Action, Keymap, Mode};
pub use layout::LogSize;
pub use line_edit::{Edit, LineEdit};
pub use marks::Marks;
use schedule::Schedule;
pub use source_state::SourceState;

/// Stores up to this many slots are filtered inline; larger ones on a worker.
pub const INLINE_FILTER_MAX: usize = 50_000;

/// The longest filter the `/` prompt takes, in characters.
pub const FILTER_MAX: usize = 200;

/// Which pane `j`/`k` move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Table,
    Sources,
}

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Msg {
    /// The clock moved (a slow tick, or before the first frame).
    Tick(Timestamp),
    Key(KeyEvent),
    /// The mouse wheel turned or the left button went down.
    Pointer(mouse::Pointer),
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
    /// Look-up answers the store kept from earlier runs and other processes (the watch
    /// list's, `e`'s, `lookup --enrich`'s): the values' enrichment.
    Enriched(Vec<crate::model::Enrichment>),
    /// A look-up of `value` on `source` ended: the service's answer, or why none came.
    EnrichDone {
        source: usize,
        value: Box<str>,
        result: Result<crate::model::Enrichment, FetchError>,
    },
    /// A running fetch of `source` waits until `until` (a rate limit, a retry).
    FetchWaiting {
        source: usize,
        until: Timestamp,
        why: crate::net::wait::WaitReason,
    },
    /// A rate-limited source's quota, read from the ledger.
    Quota {
        source: usize,
        usage: crate::net::ledger::QuotaUsage,
    },
    /// An export ended: the file written, the rows and how, or why nothing was
    /// written (the file is there and was not to be replaced, or an error).
    ExportDone {
        store: Arc<Store>,
        result: Result<(PathBuf, Written, Options), ExportError>,
    },
    /// What the last run remembered (read by the runtime at start-up).
    Remembered(Remembered),
    /// What the store knows of each source's last fetch, read before the first frame:
    /// a source fetched recently waits for its next refresh instead of fetching at once,
    /// and shows as cached until then. The snapshots follow ([`Msg::CacheLoaded`]).
    CacheMeta(std::collections::HashMap<String, SourceMeta>),
    /// One source's stored snapshot, or a part of it ([`CachedSource::continues`]), read
    /// in the background at start-up; the rest follow, then [`Msg::CacheLoaded`].
    CachedSource(CachedSource),
    /// The store is read: the fetch histories (and any snapshots not sent before).
    CacheLoaded {
        sources: Vec<CachedSource>,
        histories: Vec<(String, Vec<FetchRecord>)>,
    },
    /// The cache could not be used (shown in the header; details in the log).
    CacheFailed(String),
    /// A server-backed store does not answer now; the runtime keeps trying.
    StoreUnreachable(String),
    /// The store answers, but this role may only read it.
    StoreReadOnly,
    /// Another process sharing the store saved a new snapshot of `source`.
    SharedSnapshot {
        source: String,
        sightings: Vec<Sighting>,
        meta: Option<SourceMeta>,
    },
    /// Hits in the followed logs: found now (live or by a retro-hunt), or with `stored`
    /// read back from the store at start-up.
    Hits {
        hits: Vec<LogHit>,
        stored: bool,
    },
    /// Hits read back from the store with their row ids, newest first.
    StoredHits(Vec<(i64, LogHit)>),
    /// Triage marks from the store, and the outcome of this dashboard's.
    Triage(triage::TriageMsg),
    /// The runtime built its indicator set from the store ([`Effect::Hunt`]) and hands
    /// the store back.
    HuntReady {
        store: Arc<Store>,
    },
    /// How many lines the open overlay (help, details) can scroll down at the current
    /// size, as the last frame measured it; `None` when no overlay scrolls. The runtime
    /// sends it after a frame whenever it differs from [`App::scroll_limit`].
    ScrollLimit(Option<u16>),
    /// A followed log cannot be read: `unreadable` says why (one line: a folder,
    /// nothing there yet, permission denied); `None` once it can be read again.
    LogStatus {
        path: String,
        unreadable: Option<String>,
    },
    /// The allowlists and warninglists in force, loaded by the runtime at start-up: the
    /// set is screened with them whenever it changes.
    Lists(Arc<crate::matching::Warninglists>),
    /// A worker screened the set ([`Effect::Screen`]) and hands the store back.
    Screened {
        store: Arc<Store>,
        screened: crate::trust::allowlist::Screened,
    },
    /// A push run ([`Effect::Push`]) ended: what it did for each source.
    Pushed(Vec<crate::trust::push::PushReport>),
    /// The store's trends were read ([`Effect::LoadTrends`]), or why not.
    TrendsLoaded(Result<trends::TrendsData, String>),
}

/// Where the local cache stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CacheState {
    #[default]
    Off,
    Loading,
    Ready,
    Failed(String),
    /// A server-backed store does not answer; it is retried in the background.
    Retrying,
    /// The store can be read but this role may not write it.
    ReadOnly,
}

/// Work for the runtime.
#[derive(Debug)]
pub enum Effect {
    Fetch {
        source: usize,
        spec: SourceSpec,
        /// Asked for by the analyst, not by the schedule.
        forced: bool,
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
    /// Look `value` up with `source`, through the quota ledger and the stored answers;
    /// with `wait`, a spent budget is waited out (marked rows queue up) rather than
    /// answered with a quota error.
    Enrich {
        source: usize,
        spec: SourceSpec,
        kind: IndicatorType,
        value: Box<str>,
        wait: bool,
    },
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    /// Write `rows` of `store` to the file `target` names (replaced only once fully
    /// written); answer [`Msg::ExportDone`].
    Export {
        store: Arc<Store>,
        rows: Vec<u32>,
        /// Which of the rows go out (the types asked for); what it cuts is said.
        fit: crate::export::fit::Fit,
        options: Options,
        target: Target,
    },
    /// Keep what the next run should remember (the runtime writes its state file).
    Remember(Remembered),
    /// Write a line to the log pane (warnings carry the source name).
    Log { level: tracing::Level, text: String },
    /// Keep hits found in the logs in the store.
    SaveHits(Vec<LogHit>),
    /// Keep a triage mark, or add a false positive to the local allowlist.
    Triage(triage::TriageEffect),
    /// The indicator set changed: rebuild the log matcher from `store`, and retro-hunt
    /// the indicators it did not hold before; answer [`Msg::HuntReady`].
    Hunt { store: Arc<Store> },
    /// Work out which entries of `store` the `lists` hold; answer [`Msg::Screened`].
    Screen {
        store: Arc<Store>,
        lists: Arc<crate::matching::Warninglists>,
    },
    /// Push what is pending to `sources` in the background; answer [`Msg::Pushed`].
    Push { sources: Vec<SourceSpec> },
    /// Read the Trends view's data from the store, windows ending `at`; answer
    /// [`Msg::TrendsLoaded`].
    LoadTrends { at: Timestamp },
}

pub struct App {
    pub now: Timestamp,
    pub sources: Vec<SourceState>,
    pub store: Arc<Store>,
    /// Positions in the store of the rows shown, in display order.
    pub rows: Vec<u32>,
    /// The `/` filter as typed, with its cursor.
    pub filter_text: LineEdit,
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
    /// The first line of the help overlay on screen.
    pub help_scroll: u16,
    /// How far the open overlay can scroll ([`Msg::ScrollLimit`]); scrolling stops there.
    pub scroll_limit: Option<u16>,
    pub width: u16,
    pub height: u16,
    pub no_color: bool,
    /// Draw with printable ASCII only (`--ascii`, or a locale that is not UTF-8).
    pub ascii: bool,
    /// A short message for the footer ("copied", "exported ...").
    pub notice: Option<String>,
    /// The last export's outcome, for the header: the rows and file, or the error.
    /// Shown for a few seconds ([`status::HEADER_MESSAGE_FOR`]); the log keeps it.
    pub export_status: Option<String>,
    /// When [`App::export_status`] leaves the header.
    export_status_until: Option<Timestamp>,
    /// The bindings in effect (the config's `keys:` over the built-in ones).
    pub keymap: Keymap,
    /// The marked indicators (`v`).
    pub marks: Marks,
    /// The export prompt, while it is open.
    pub prompt: Option<ExportPrompt>,
    /// What the next export starts from (and the next run remembers).
    pub remembered: Remembered,
    pub cache: CacheState,
    /// True once the rows reflect the store (false while a worker filters).
    pub filtering: bool,
    pub quit: bool,
    dirty: bool,
    /// The store lease and the filter job.
    lease: rows::Lease,
    last_minute: i64,
    /// The first enabled source of each kind that can look values up, in config order.
    lookup_sources: Vec<usize>,
    /// Hits in the followed logs, and the triage marks in effect.
    pub hits: hits::Hits,
    /// Scores: the config's scoring, our own evidence, and whether decayed indicators
    /// show.
    pub trust: scoring::Trust,
    /// What the allowlists and warninglists hold of the set.
    pub listing: listed::Listing,
    /// Who marks, and the note prompt.
    pub triaging: triage::Triaging,
    /// Sightings pushed back to the sources with `push: true`.
    pub push: push::PushJob,
    /// The Trends view (`T`).
    pub trends: trends::Trends,
}

impl App {
    pub fn new(config: &Config, now: Timestamp) -> App {
        // `keys:` was checked when the config was loaded; should it still fail here,
        // the built-in bindings serve and the footer says why.
        let (keymap, notice) = match Keymap::with_remaps(&config.bindings) {
            Ok(k) => (k, None),
            Err(e) => (Keymap::default(), Some(one_line(&e.to_string(), 200))),
        };
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
                    unresolved: false,
                    hidden: false,
                    cached_at: None,
                    live: false,
                    live_data: false,
                    history: Vec::new(),
                    skipped: Default::default(),
                    quota: None,
                    waiting: None,
                }
            })
            .collect();
        App {
            now,
            sources,
            store: Arc::new(store),
            rows: Vec::new(),
            filter_text: LineEdit::new(FILTER_MAX),
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
            help_scroll: 0,
            scroll_limit: None,
            width: 80,
            height: 24,
            no_color: false,
            notice,
            export_status: None,
            export_status_until: None,
            keymap,
            marks: Marks::default(),
            prompt: None,
            remembered: Remembered::default(),
            ascii: false,
            cache: CacheState::Off,
            filtering: false,
            quit: false,
            dirty: true,
            lease: rows::Lease::default(),
            last_minute: now.as_second().div_euclid(60),
            lookup_sources: Vec::new(),
            hits: hits::Hits::new(!config.logs.is_empty()),
            trust: scoring::Trust::new(config.scoring.clone()),
            listing: listed::Listing::default(),
            triaging: triage::Triaging::default(),
            push: push::PushJob::default(),
            trends: trends::Trends::default(),
        }
        .with_lookup_sources()
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
        let (score_min, score_max) = self.shown_scores();
        Query {
            text: crate::store::filter::score_terms(&self.filter_text).0,
            score_min,
            score_max,
            // The indicator whose details are open stays, whatever its score becomes
            // (a false positive marked there drops it to 0).
            pinned: (self.mode == Mode::Details)
                .then(|| self.selected_key.clone())
                .flatten(),
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
        let changes_trends = trends::changes_trends(&msg);
        match msg {
            Msg::Tick(now) => {
                self.on_tick(now, &mut fx);
                self.score_tick(&mut fx);
                self.expire_header_message(now);
                self.hunt_tick(&mut fx);
                self.screen_changed(&mut fx);
                self.push_tick(&mut fx);
                self.trends_tick(&mut fx);
            }
            Msg::Key(key) => {
                if let Some(a) = self.keymap.action(self.mode, key) {
                    self.notice = None;
                    self.on_action(a, &mut fx);
                    self.dirty = true;
                }
            }
            Msg::Pointer(p) => {
                if self.on_pointer(p) {
                    self.notice = None;
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
            } => self.on_filter_done(generation, rows, store, &mut fx),
            Msg::EnrichDone {
                source,
                value,
                result,
            } => self.on_enrich_done(source, value, result, &mut fx),
            Msg::FetchWaiting { source, until, why } => {
                if let Some(s) = self.sources.get_mut(source)
                    && s.fetching()
                {
                    s.waiting = Some((until, why));
                    self.dirty = true;
                }
            }
            Msg::Quota { source, usage } => {
                if let Some(s) = self.sources.get_mut(source) {
                    s.quota = Some(usage);
                    self.dirty = true;
                }
            }
            Msg::CacheMeta(metas) => self.on_cache_meta(&metas),
            Msg::SharedSnapshot {
                source,
                sightings,
                meta,
            } => self.on_shared_snapshot(&source, sightings, meta, &mut fx),
            Msg::CachedSource(c) => self.on_cached_sources(vec![c], &mut fx),
            Msg::Enriched(answers) => self.enrich_store(answers),
            Msg::CacheLoaded { sources, histories } => {
                self.on_cache_loaded(sources, histories, &mut fx)
            }
            Msg::CacheFailed(why) => {
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: why.clone(),
                });
                if std::mem::take(&mut self.lease.deferred) {
                    // What was merged before the failure is shown.
                    self.refilter(&mut fx);
                }
                self.cache = CacheState::Failed(why);
                self.dirty = true;
            }
            Msg::StoreUnreachable(why) => {
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: format!("{why}; retrying in the background"),
                });
                self.cache = CacheState::Retrying;
                self.dirty = true;
            }
            Msg::StoreReadOnly => {
                self.cache = CacheState::ReadOnly;
                self.dirty = true;
            }
            Msg::ExportDone { store, result } => self.on_export_done(store, result, &mut fx),
            Msg::Remembered(r) => self.remembered = r,
            Msg::Hits { hits, stored } => self.on_hits(hits, stored, &mut fx),
            Msg::StoredHits(rows) => self.on_stored_hits(rows, &mut fx),
            Msg::Triage(msg) => self.on_triage(msg),
            Msg::HuntReady { store } => self.on_hunt_ready(store, &mut fx),
            Msg::ScrollLimit(limit) => {
                self.scroll_limit = limit;
                if self.scroll_overlay(0) {
                    self.dirty = true;
                }
            }
            Msg::LogStatus { path, unreadable } => self.on_log_status(path, unreadable, &mut fx),
            Msg::Lists(lists) => self.on_lists(lists, &mut fx),
            Msg::Screened { store, screened } => self.on_screened(store, screened, &mut fx),
            Msg::Pushed(reports) => self.on_pushed(reports, &mut fx),
            Msg::TrendsLoaded(result) => self.on_trends_loaded(result, &mut fx),
        }
        self.trends_note(changes_trends);
        fx
    }
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_feeds;
#[cfg(test)]
mod tests_quota;
