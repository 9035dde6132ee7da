// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A TAXII 2.1 request's query (§3.4 "Filtering", §3.6 "Pagination") and the page it
//! selects from a collection.
//!
//! `limit` (1–[`MAX_PAGE`]; 0 or absent: [`MAX_PAGE`]), `added_after` (RFC 3339,
//! exclusive), `next` (the token of the page before: the `date_added` of its last
//! object, so it stays valid when a new snapshot is served meanwhile), `match[id]`,
//! `match[type]`, `match[version]` (`last`, `first`, `all`, or `modified` timestamps;
//! each object has one version here, its newest), `match[spec_version]` (`2.1`). Each
//! `match[...]` takes a comma-separated list of at most [`MAX_MATCH`] values (repeats
//! count once). An empty value is as if absent; another `match[...]` field, or a bad
//! value, is refused with a message; other parameters are ignored, as medallion does.

use super::ledger::Version;
use super::objects::stix_type;
use super::{Collection, MAX_PAGE, View, parse_micros};
use crate::serve::router::decode;

/// The most values one `match[...]` takes.
pub const MAX_MATCH: usize = 100;

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub limit: usize,
    /// Unix microseconds, exclusive.
    pub added_after: Option<i64>,
    /// From `next`: Unix microseconds, exclusive.
    pub next: Option<i64>,
    /// `(type, uuid)`.
    pub ids: Vec<(String, u128)>,
    pub types: Vec<String>,
    /// `None`: every version; else the `modified` times wanted.
    pub versions: Option<Vec<i64>>,
    /// False when `match[spec_version]` names none we serve.
    pub spec_ok: bool,
}

/// A STIX id `type--uuid`.
pub fn parse_id(s: &str) -> Option<(String, u128)> {
    let (t, u) = s.split_once("--")?;
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return None;
    }
    let u = uuid::Uuid::parse_str(u).ok()?;
    Some((t.to_string(), u.as_u128()))
}

/// Parses `query`.
///
/// # Errors
/// A one-line reason naming the parameter.
pub fn parse(query: Option<&str>) -> Result<Query, String> {
    let mut q = Query {
        limit: MAX_PAGE,
        spec_ok: true,
        ..Query::default()
    };
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        // A `+` is a space in a key; a value's is kept, so an unencoded `+00:00` offset
        // still reads.
        let (Some(k), Some(v)) = (decode(&k.replace('+', " ")), decode(v)) else {
            return Err("bad percent-encoding in the query".into());
        };
        if v.is_empty() {
            continue;
        }
        let mut values: Vec<&str> = v
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        values.sort_unstable();
        values.dedup();
        if k.starts_with("match[") && values.len() > MAX_MATCH {
            let name = crate::model::sanitize::one_line(&k, 40);
            return Err(format!("{name} takes at most {MAX_MATCH} values"));
        }
        let list = || values.iter().copied();
        match k.as_str() {
            "limit" => {
                let n: usize = v.parse().map_err(|_| "limit takes a count")?;
                q.limit = if n == 0 { MAX_PAGE } else { n.min(MAX_PAGE) };
            }
            "added_after" => {
                q.added_after =
                    Some(parse_micros(&v).ok_or("added_after takes an RFC 3339 timestamp")?);
            }
            "next" => {
                q.next = Some(
                    v.parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 0)
                        .ok_or("next is not a token this server gave")?,
                );
            }
            "match[id]" => {
                for id in list() {
                    q.ids
                        .push(parse_id(id).ok_or("match[id] takes STIX ids (type--uuid)")?);
                }
            }
            "match[type]" => q.types.extend(list().map(str::to_string)),
            "match[version]" => {
                let mut times = Vec::new();
                let mut every = false;
                for w in list() {
                    match w {
                        "last" | "first" | "all" => every = true,
                        t => times.push(
                            parse_micros(t)
                                .ok_or("match[version] takes last, first, all or timestamps")?,
                        ),
                    }
                }
                q.versions = if every { None } else { Some(times) };
            }
            "match[spec_version]" => q.spec_ok = list().any(|s| s == "2.1"),
            other if other.starts_with("match[") => {
                let name = crate::model::sanitize::one_line(other, 40);
                return Err(format!(
                    "unknown filter `{name}` (match[id], match[type], match[version], match[spec_version])"
                ));
            }
            _ => {}
        }
    }
    Ok(q)
}

impl Query {
    /// Whether version `v` passes the filters.
    pub fn wants(&self, v: &Version) -> bool {
        if !self.spec_ok {
            return false;
        }
        let ty = stix_type(v);
        if !self.types.is_empty() && !self.types.iter().any(|t| t == ty) {
            return false;
        }
        if !self.ids.is_empty() && !self.ids.iter().any(|(t, u)| *u == v.id && t == ty) {
            return false;
        }
        match &self.versions {
            Some(times) => times.contains(&v.modified),
            None => true,
        }
    }

    /// Where the page starts: after both `added_after` and `next`.
    pub fn start(&self) -> Option<i64> {
        match (self.added_after, self.next) {
            (Some(a), Some(n)) => Some(a.max(n)),
            (a, n) => a.or(n),
        }
    }
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Indexes into [`View::versions`].
    pub items: Vec<u32>,
    pub more: bool,
    /// The token for the next page (when `more`).
    pub next: Option<String>,
    /// `X-TAXII-Date-Added-First` and `-Last`, Unix microseconds. On an empty page both
    /// are where the client stands: the collection's newest `date_added` (everything up
    /// to it was looked at; a start in the future is not echoed, or reading on from it
    /// would skip what comes until then), else the start it asked for.
    pub first: i64,
    pub last: i64,
}

/// The page `q` selects from `c`.
pub fn page(view: &View, c: &Collection, q: &Query) -> Page {
    let added = |m: &u32| {
        view.versions
            .get(*m as usize)
            .map_or(i64::MAX, Version::added)
    };
    let start = q.start();
    let from = start.map_or(0, |s| c.members.partition_point(|m| added(m) <= s));
    let mut items = Vec::new();
    let mut more = false;
    for m in &c.members[from..] {
        let Some(v) = view.versions.get(*m as usize) else {
            continue;
        };
        if !q.wants(v) {
            continue;
        }
        if items.len() == q.limit {
            more = true;
            break;
        }
        items.push(*m);
    }
    // An empty collection: the start asked for, but never past the newest object of
    // any collection.
    let newest = view.versions.last().map(Version::added);
    let stand = c
        .members
        .last()
        .map(added)
        .or_else(|| start.map(|s| newest.map_or(s, |n| s.min(n))))
        .unwrap_or(0);
    let (first, last) = match (items.first(), items.last()) {
        (Some(f), Some(l)) => (added(f), added(l)),
        _ => (stand, stand),
    };
    Page {
        next: more.then(|| last.to_string()),
        items,
        more,
        first,
        last,
    }
}
