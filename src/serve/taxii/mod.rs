// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! TAXII 2.1, read-only (OASIS TAXII Version 2.1, Committee Specification 01): the set
//! as STIX 2.1 objects in collections, under `/taxii2/`.
//!
//! - `GET /taxii2/`: discovery, naming one API root, `/taxii2/api/`.
//! - `GET /taxii2/api/`: the API root.
//! - `GET /taxii2/api/collections/`: the collections the credentials may read: `all`
//!   (every served indicator), `hits` (the indicators seen in our logs, their
//!   `sighting`s and the sensors' `identity`s), and one per source. A collection's id is
//!   a UUID v5 of its name; the name (its `alias`) works in the path too.
//! - `.../collections/{id}/`, `objects/`, `objects/{object-id}/`,
//!   `objects/{object-id}/versions/`, `manifest/`: paged with `limit`, `next` and
//!   `added_after`, filtered by `match[id]`, `match[type]`, `match[version]` and
//!   `match[spec_version]`.
//!
//! Objects are `indicator`s (a `vulnerability` for a CVE) with the same ids as
//! `fetch --format stix` (UUID v5 of type and value), `confidence` the score,
//! `valid_until` when decay takes the score below `scoring.expire_below`,
//! `created_by_ref` our `identity`; removals are new versions with `revoked: true`
//! ([`ledger`]).

pub mod ledger;
mod objects;
pub mod query;
pub mod routes;
pub mod saved;

use std::sync::Arc;

pub use ledger::Ledger;
use ledger::{Object, Version};

/// The TAXII media type of every answer (§1.6.8.1).
pub const TAXII_TYPE: &str = "application/taxii+json;version=2.1";
/// The STIX media type of the objects (§1.6.8.2).
pub const STIX_TYPE: &str = "application/stix+json;version=2.1";
/// The most objects a page holds (`limit` above it is lowered to it).
pub const MAX_PAGE: usize = 1000;

/// A collection as served.
#[derive(Debug, Clone)]
pub struct Collection {
    /// Its alias: `all`, `hits`, or a source's name.
    pub name: Box<str>,
    pub id: uuid::Uuid,
    /// Indexes into [`View::versions`], in `date_added` order.
    pub members: Vec<u32>,
}

/// The collections as of one snapshot: immutable, shared by the requests it answers.
#[derive(Debug, Default, Clone)]
pub struct View {
    /// Every object's newest version, in `date_added` order.
    pub versions: Arc<Vec<Version>>,
    /// `all`, `hits`, then the snapshot's sources.
    pub collections: Vec<Collection>,
}

/// The ledger kept in the file at `path` (loaded from it), or one in memory (with a
/// warning when the file cannot be used, or no `path`).
pub fn open_ledger(path: Option<&std::path::Path>) -> Ledger {
    let Some(path) = path else {
        return Ledger::new();
    };
    let opened = saved::Saved::open(path).and_then(|f| f.load().map(|l| (f, l)));
    match opened {
        Ok((file, ledger)) => ledger.keep_in(file),
        Err(e) => {
            tracing::warn!("serve: {e}; the TAXII history is kept in memory only");
            Ledger::new()
        }
    }
}

/// A collection's id: UUID v5 of `collection:{name}`.
pub fn collection_id(name: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(
        &crate::export::stix::STIX_NAMESPACE,
        format!("collection:{name}").as_bytes(),
    )
}

impl View {
    /// The view of `versions` with the ledger's `names`; `sources`: the ledger's
    /// indexes of the snapshot's sources, served after `all` and `hits`.
    pub fn new(versions: Arc<Vec<Version>>, names: &[Box<str>], sources: &[u16]) -> View {
        let mut served: Vec<u16> = vec![ledger::ALL, ledger::HITS];
        for s in sources {
            if !served.contains(s) {
                served.push(*s);
            }
        }
        let mut position: Vec<Option<usize>> = vec![None; names.len()];
        for (p, c) in served.iter().enumerate() {
            if let Some(slot) = position.get_mut(usize::from(*c)) {
                *slot = Some(p);
            }
        }
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); served.len()];
        for (i, v) in versions.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if matches!(v.object, Object::Us) {
                members.iter_mut().for_each(|m| m.push(i));
                continue;
            }
            for c in &v.held {
                if let Some(Some(p)) = position.get(usize::from(*c)) {
                    members[*p].push(i);
                }
            }
        }
        let collections = served
            .iter()
            .zip(members)
            .map(|(c, members)| {
                let name: Box<str> = names
                    .get(usize::from(*c))
                    .cloned()
                    .unwrap_or_else(|| "?".into());
                Collection {
                    id: collection_id(&name),
                    name,
                    members,
                }
            })
            .collect();
        View {
            versions,
            collections,
        }
    }

    /// The collection named by id or alias.
    pub fn collection(&self, id_or_alias: &str) -> Option<&Collection> {
        let id = uuid::Uuid::parse_str(id_or_alias).ok();
        self.collections
            .iter()
            .find(|c| Some(c.id) == id || &*c.name == id_or_alias)
    }
}

/// A timestamp in Unix microseconds as TAXII and STIX write it: RFC 3339, UTC, six
/// fractional digits (`2026-12-07T14:00:00.123456Z`).
pub fn micros(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let frac = us.rem_euclid(1_000_000);
    let t = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let whole = crate::model::time::rfc3339(t);
    let stem = whole.strip_suffix('Z').unwrap_or(&whole);
    format!("{stem}.{frac:06}Z")
}

/// An RFC 3339 timestamp (any precision, any offset) as Unix microseconds.
pub fn parse_micros(s: &str) -> Option<i64> {
    let t: jiff::Timestamp = s.parse().ok()?;
    Some(t.as_microsecond())
}

#[cfg(test)]
mod tests;
