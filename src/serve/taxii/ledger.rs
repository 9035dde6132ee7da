// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The TAXII collections' history: each STIX object's newest version, with the time it
//! was added to the collections (TAXII 2.1 §3.4 `date_added`).
//!
//! Each snapshot is compared with the one before ([`Ledger::advance`]):
//! - a value new to the set gets its first version;
//! - a value whose object changed (its threat, labels or sources, or a `valid_until`
//!   moved by more than [`VALID_UNTIL_SLACK`]; not the score alone, which decay moves
//!   every second) gets a new version;
//! - a value that left the set gets a new version with `revoked: true`, so that a client
//!   reading with `added_after` learns of removals. A revoked version is kept for
//!   [`REVOKED_KEPT`]; a value that comes back gets a new version, not revoked.
//!
//! Every version's `date_added` is unique and later than every one before it (a
//! microsecond apart at least), so `added_after` alone pages without ties, and a page's
//! last `date_added` is a cursor that stays valid while snapshots are replaced: an
//! object that changes meanwhile moves to the end, where the client still reads it.
//! Only the newest version of each object is kept.

use std::collections::HashMap;
use std::sync::Arc;

use smallvec::SmallVec;

use super::View;
use crate::export::stix::{STIX_NAMESPACE, stix_uuid};
use crate::model::IndicatorType;
use crate::model::time::Secs;
use crate::serve::snapshot::Snapshot;

/// How long a revoked version stays in the collections, in microseconds (30 days): a
/// client that last read longer ago than that should read the collection again in full.
pub const REVOKED_KEPT: i64 = 30 * 86_400 * 1_000_000;

/// How far `valid_until` may move without a new version, in seconds (a day): a source
/// that dates its values anew at each fetch does not send every client the whole set
/// again for every fetch.
pub const VALID_UNTIL_SLACK: i64 = 86_400;

/// The collection that holds every indicator (index 0 of [`Ledger::collections`]).
pub const ALL: u16 = 0;
/// The collection of the indicators seen in our logs and their sightings (index 1).
pub const HITS: u16 = 1;

/// What a version is a version of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// Our own `identity`, the `created_by_ref` of every object; in every collection.
    Us,
    /// A sensor's `identity` (`identity_class: system`), named in sightings.
    Sensor(Box<str>),
    /// An `indicator`, or a `vulnerability` for a CVE (the value shared with the
    /// snapshot's row).
    Value {
        kind: IndicatorType,
        value: Arc<str>,
    },
    /// A `sighting` of an indicator by a sensor.
    Sighting(Box<SightingOf>),
}

/// A sighting's content, frozen with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingOf {
    /// The sighted object's UUID.
    pub indicator: u128,
    /// Whether that object is a `vulnerability` (a CVE) rather than an `indicator`.
    pub vulnerability: bool,
    pub sensor: Box<str>,
    pub count: u64,
    /// Unix seconds.
    pub first: i64,
    pub last: i64,
}

/// One object's newest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The UUID of the STIX id.
    pub id: u128,
    pub object: Object,
    /// STIX `created`, Unix microseconds.
    pub created: i64,
    /// STIX `modified`, Unix microseconds; also its TAXII `date_added`.
    pub modified: i64,
    pub revoked: bool,
    /// The score when this version was made (STIX `confidence`).
    pub confidence: u8,
    /// STIX `valid_until` of an indicator, Unix seconds.
    pub valid_until: Option<i64>,
    /// What the object says besides the score; equal fingerprints, no new version.
    pub fingerprint: u64,
    /// The collections (indexes into [`Ledger::collections`]) that held it.
    pub held: SmallVec<[u16; 4]>,
    /// Its row in the snapshot of the view ([`NO_ROW`]: none, it was revoked).
    pub row: u32,
}

/// [`Version::row`] of a version no row of the snapshot holds.
pub const NO_ROW: u32 = u32::MAX;

impl Version {
    /// TAXII `date_added`, Unix microseconds.
    pub fn added(&self) -> i64 {
        self.modified
    }

    /// Whether collection `c` holds it.
    pub fn in_collection(&self, c: u16) -> bool {
        matches!(self.object, Object::Us) || self.held.contains(&c)
    }
}

/// The UUID of our own identity.
pub fn us_uuid() -> u128 {
    uuid::Uuid::new_v5(&STIX_NAMESPACE, b"identity:intellisiem").as_u128()
}

/// The UUID of sensor `name`'s identity.
pub fn sensor_uuid(name: &str) -> u128 {
    uuid::Uuid::new_v5(&STIX_NAMESPACE, format!("sensor:{name}").as_bytes()).as_u128()
}

/// The UUID of the sighting of indicator `indicator` by `sensor`.
pub fn sighting_uuid(indicator: u128, sensor: &str) -> u128 {
    let name = format!("sighting:{}:{sensor}", uuid::Uuid::from_u128(indicator));
    uuid::Uuid::new_v5(&STIX_NAMESPACE, name.as_bytes()).as_u128()
}

/// A hash of what an object says that every build computes alike (FNV-1a, 64 bits, over
/// the parts each followed by a 0xff byte, which UTF-8 never holds): it is kept in the
/// history file.
fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(std::iter::once(&0xff)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The history of every collection, advanced one snapshot at a time.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Ordered by `date_added`.
    versions: Arc<Vec<Version>>,
    by_id: HashMap<u128, u32>,
    /// Collection names: `all`, `hits`, then sources in the order first seen.
    collections: Vec<Box<str>>,
    /// The latest `date_added` given, Unix microseconds.
    last: i64,
    /// Versions made or revoked by the last advance, for the file.
    /// `versions[changed..]` were made or revoked by the last advance (for the file).
    pub(super) changed: usize,
    /// Ids dropped by the last advance (revoked past [`REVOKED_KEPT`]).
    pub(super) dropped: Vec<u128>,
    /// Where the history is kept (`None`: in memory only).
    file: Option<super::saved::Saved>,
    /// A write to the file failed: the next one writes every version.
    file_behind: bool,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Ledger {
        Ledger {
            collections: vec!["all".into(), "hits".into()],
            ..Ledger::default()
        }
    }

    /// A ledger holding `versions` (any order) and the collections they name.
    pub fn with(collections: Vec<Box<str>>, mut versions: Vec<Version>) -> Ledger {
        let mut l = Ledger::new();
        for c in collections.into_iter().skip(2) {
            l.collections.push(c);
        }
        versions.sort_unstable_by_key(Version::added);
        l.last = versions.last().map_or(0, Version::added);
        l.by_id = index(&versions);
        l.changed = versions.len();
        l.versions = Arc::new(versions);
        l
    }

    /// Keeps the history in `file` from now on (each advance writes what it changed).
    pub fn keep_in(mut self, file: super::saved::Saved) -> Ledger {
        self.file = Some(file);
        self
    }

    /// The versions the last advance made or revoked.
    pub fn changed(&self) -> &[Version] {
        self.versions.get(self.changed..).unwrap_or_default()
    }

    /// Every version, in `date_added` order.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// Collection names, by index.
    pub fn collections(&self) -> &[Box<str>] {
        &self.collections
    }

    fn collection(&mut self, name: &str) -> u16 {
        if let Some(i) = self.collections.iter().position(|c| &**c == name) {
            return u16::try_from(i).unwrap_or(u16::MAX);
        }
        self.collections.push(name.into());
        u16::try_from(self.collections.len() - 1).unwrap_or(u16::MAX)
    }

    fn next(&mut self, now: i64) -> i64 {
        self.last = now.max(self.last.saturating_add(1));
        self.last
    }

    /// Brings the history up to `snap` at the clock's time; returns the view to serve
    /// with it.
    pub fn advance(&mut self, snap: &Snapshot) -> View {
        let now = snap.built.map_or(0, |t| t.as_microsecond());
        self.advance_at(snap, now)
    }

    /// [`Ledger::advance`] at `now`, Unix microseconds.
    pub fn advance_at(&mut self, snap: &Snapshot, now: i64) -> View {
        self.changed = 0;
        self.dropped.clear();
        let old = Arc::clone(&self.versions);
        let mut rows_of: Vec<u32> = vec![NO_ROW; old.len()];
        let mut superseded = vec![false; old.len()];
        let mut fresh: Vec<Version> = Vec::new();
        let names: Vec<u16> = snap
            .sources
            .iter()
            .map(|s| self.collection(&s.name))
            .collect();
        let hit_rows: std::collections::HashSet<(IndicatorType, &str)> =
            snap.sighted.iter().map(|s| (s.kind, &*s.value)).collect();
        if !self.by_id.contains_key(&us_uuid()) {
            let at = self.next(now);
            fresh.push(Version {
                id: us_uuid(),
                object: Object::Us,
                created: super::objects::US_CREATED,
                modified: at,
                revoked: false,
                confidence: 0,
                valid_until: None,
                fingerprint: 0,
                held: SmallVec::new(),
                row: NO_ROW,
            });
        }
        for (ri, r) in snap.rows.iter().enumerate() {
            let row = u32::try_from(ri).unwrap_or(NO_ROW);
            let id = stix_uuid(r.kind, &r.value).as_u128();
            let mut sorted: Vec<&str> = r
                .sources
                .iter()
                .filter_map(|s| snap.sources.get(usize::from(*s)))
                .map(|s| s.name.as_str())
                .collect();
            sorted.sort_unstable();
            let fp = fingerprint(
                [r.threat.as_deref().unwrap_or("").as_bytes(), b"|"]
                    .into_iter()
                    .chain(r.labels.iter().map(|l| l.as_bytes()))
                    .chain([&b"|"[..]])
                    .chain(sorted.iter().map(|n| n.as_bytes())),
            );
            let mut held: SmallVec<[u16; 4]> = SmallVec::new();
            held.push(ALL);
            if hit_rows.contains(&(r.kind, &*r.value)) {
                held.push(HITS);
            }
            held.extend(
                r.sources
                    .iter()
                    .filter_map(|s| names.get(usize::from(*s)).copied()),
            );
            let prior = self.by_id.get(&id).map(|i| *i as usize);
            if let Some(i) = prior {
                let v = &old[i];
                let until_moved = match (v.valid_until, r.valid_until.map(Secs::as_second)) {
                    (Some(a), Some(b)) => a.abs_diff(b) > VALID_UNTIL_SLACK.unsigned_abs(),
                    (a, b) => a != b,
                };
                let same = !v.revoked && v.fingerprint == fp && !until_moved;
                let widened = held.iter().any(|c| !v.held.contains(c));
                if same && !widened {
                    rows_of[i] = row;
                    continue;
                }
                superseded[i] = true;
                for c in &v.held {
                    if !held.contains(c) {
                        held.push(*c);
                    }
                }
            }
            let at = self.next(now);
            let first = r
                .first_seen
                .map_or(at, |s| s.as_second().saturating_mul(1_000_000));
            fresh.push(Version {
                id,
                object: Object::Value {
                    kind: r.kind,
                    value: r.value.clone(),
                },
                created: prior.map_or(first.min(at), |i| old[i].created),
                modified: at,
                revoked: false,
                confidence: r.score.min(100),
                valid_until: r.valid_until.map(Secs::as_second),
                fingerprint: fp,
                held,
                row,
            });
        }
        self.sightings(snap, now, &old, &mut superseded, &mut fresh);
        let live_sightings: std::collections::HashSet<u128> = snap
            .sighted
            .iter()
            .map(|s| sighting_uuid(stix_uuid(s.kind, &s.value).as_u128(), &s.sensor))
            .collect();
        // Values that left the set, and sightings gone: a revoked version each.
        for (i, v) in old.iter().enumerate() {
            if superseded[i] || v.revoked || rows_of[i] != NO_ROW {
                continue;
            }
            let gone = match &v.object {
                Object::Value { .. } => true,
                // A sighting whose object left the set, or that no stored hit holds any
                // more (the hits were pruned): the snapshot's sightings are of served
                // values only.
                Object::Sighting(_) => !live_sightings.contains(&v.id),
                Object::Us | Object::Sensor(_) => false,
            };
            if !gone {
                continue;
            }
            superseded[i] = true;
            let at = self.next(now);
            fresh.push(Version {
                modified: at,
                revoked: true,
                row: NO_ROW,
                ..v.clone()
            });
        }
        let mut versions: Vec<Version> = Vec::with_capacity(old.len() + fresh.len());
        for (i, v) in old.iter().enumerate() {
            if superseded[i] {
                continue;
            }
            if v.revoked && v.added() < now.saturating_sub(REVOKED_KEPT) {
                self.dropped.push(v.id);
                continue;
            }
            let mut v = v.clone();
            if let Object::Value { value, .. } = &mut v.object {
                v.row = rows_of[i];
                // The row's copy of the value: the old snapshot's can then be freed.
                if let Some(r) = snap.rows.get(v.row as usize) {
                    *value = Arc::clone(&r.value);
                }
            }
            versions.push(v);
        }
        self.changed = versions.len();
        versions.extend(fresh);
        self.by_id = index(&versions);
        self.versions = Arc::new(versions);
        if let Some(mut file) = self.file.take() {
            // After a failed write, the whole history, so nothing of it is lost.
            match file.write(self, self.file_behind) {
                Ok(()) => self.file_behind = false,
                Err(e) => {
                    self.file_behind = true;
                    tracing::warn!(
                        "serve: {e}; the history is kept in memory and written whole next time"
                    );
                }
            }
            self.file = Some(file);
        }
        View::new(Arc::clone(&self.versions), &self.collections, &names)
    }

    /// New versions of the sightings (and sensors) that changed in `snap`.
    fn sightings(
        &mut self,
        snap: &Snapshot,
        now: i64,
        old: &[Version],
        superseded: &mut [bool],
        fresh: &mut Vec<Version>,
    ) {
        let mut sensors_new: Vec<&str> = Vec::new();
        for s in &snap.sighted {
            let indicator = stix_uuid(s.kind, &s.value).as_u128();
            let id = sighting_uuid(indicator, &s.sensor);
            let fp = fingerprint([
                &s.count.to_le_bytes()[..],
                &s.first.to_le_bytes(),
                &s.last.to_le_bytes(),
            ]);
            let prior = self.by_id.get(&id).map(|i| *i as usize);
            if let Some(i) = prior {
                if old[i].fingerprint == fp {
                    continue;
                }
                superseded[i] = true;
            }
            let sensor = sensor_uuid(&s.sensor);
            if !self.by_id.contains_key(&sensor)
                && !sensors_new.contains(&&*s.sensor)
                && !fresh.iter().any(|v| v.id == sensor)
            {
                sensors_new.push(&s.sensor);
                let at = self.next(now);
                fresh.push(Version {
                    id: sensor,
                    object: Object::Sensor(s.sensor.clone()),
                    created: at,
                    modified: at,
                    revoked: false,
                    confidence: 0,
                    valid_until: None,
                    fingerprint: 0,
                    held: SmallVec::from_slice(&[HITS]),
                    row: NO_ROW,
                });
            }
            let at = self.next(now);
            fresh.push(Version {
                id,
                object: Object::Sighting(Box::new(SightingOf {
                    indicator,
                    vulnerability: s.kind == IndicatorType::Cve,
                    sensor: s.sensor.clone(),
                    count: s.count,
                    first: s.first,
                    last: s.last,
                })),
                created: prior.map_or(at, |i| old[i].created),
                modified: at,
                revoked: false,
                confidence: 0,
                valid_until: None,
                fingerprint: fp,
                held: SmallVec::from_slice(&[HITS]),
                row: NO_ROW,
            });
        }
    }
}

fn index(versions: &[Version]) -> HashMap<u128, u32> {
    versions
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect()
}
