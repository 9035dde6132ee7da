// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Which entries are shown, in what order: text, type and source filters, and sorting.
//! Pure functions over a [`Store`], cheap enough to run per keystroke on a large set
//! (split across threads), and cancellable.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::IndicatorType;
use crate::model::list::List;
use crate::store::columns;
use crate::store::set::{Entry, SourceId, Store};

/// What the analyst asked to see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Case-insensitive text matched against value, threat and tags.
    pub text: String,
    pub kind: Option<IndicatorType>,
    /// Sources whose rows are hidden (an entry shows if any visible source holds it).
    pub hidden: Vec<SourceId>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.kind.is_none() && self.hidden.is_empty()
    }
}

/// What rows are ordered by: arrival, or the column of [`columns::COLUMNS`] that names
/// the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// The order the sources delivered.
    #[default]
    Arrival,
    /// Indicator type.
    Type,
    /// Value, bytewise.
    Value,
    /// Most sources first.
    Sources,
    /// Known threats first, by name regardless of case.
    Threat,
    /// Newest first (last seen, else first seen); undated last.
    LastSeen,
}

impl SortKey {
    /// The key after this one, in the order of the column table
    /// ([`columns::sort_cycle`]), back to arrival after the last.
    pub fn next(self) -> SortKey {
        let mut cycle = columns::sort_cycle().skip_while(|&k| k != self);
        cycle.next();
        cycle.next().unwrap_or(SortKey::Arrival)
    }

    /// What the header calls it: the label of the column it sorts.
    pub fn label(self) -> &'static str {
        columns::sorted_by(self).map_or("arrival", |c| c.label)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub key: SortKey,
    pub reverse: bool,
}

/// ASCII case-insensitive substring search with a SIMD first-byte scan.
struct Needle {
    lower: Vec<u8>,
}

impl Needle {
    fn new(text: &str) -> Needle {
        Needle {
            lower: text.as_bytes().to_ascii_lowercase(),
        }
    }

    fn is_match(&self, hay: &str) -> bool {
        let hay = hay.as_bytes();
        let n = &self.lower;
        let Some(&first) = n.first() else {
            return true;
        };
        if hay.len() < n.len() {
            return false;
        }
        let last_start = hay.len() - n.len();
        if last_start < 48 {
            // Most values are short: a plain loop beats setting up a vector search, and
            // more so when the first byte recurs ("http://…" for "h").
            let fold = if first.is_ascii_lowercase() { 0x20 } else { 0 };
            return (0..=last_start).any(|at| {
                hay[at] | fold == first && hay[at..at + n.len()].eq_ignore_ascii_case(n)
            });
        }
        let up = first.to_ascii_uppercase();
        let mut from = 0;
        while from <= last_start {
            let found = if up == first {
                memchr::memchr(first, &hay[from..=last_start])
            } else {
                memchr::memchr2(first, up, &hay[from..=last_start])
            };
            let Some(off) = found else {
                return false;
            };
            let at = from + off;
            if hay[at..at + n.len()].eq_ignore_ascii_case(n) {
                return true;
            }
            from = at + 1;
        }
        false
    }
}

/// Verdicts on shared values (interned threat names and tags, shared tag lists), keyed
/// by address: a direct-mapped table answers the common case in one comparison, and a
/// bounded map keeps the rest.
struct Verdicts {
    slots: Slots,
    map: hashbrown::HashMap<usize, bool>,
}

/// A direct-mapped table of verdicts by address (never 0): one comparison to answer, and
/// a newer key simply replaces an older one in its slot.
struct Slots(Box<[(usize, bool); 256]>);

impl Slots {
    fn new() -> Self {
        Slots(Box::new([(0, false); 256]))
    }

    fn index(key: usize) -> usize {
        ((key >> 4) ^ (key >> 12)) % 256
    }

    #[inline]
    fn get(&self, key: usize) -> Option<bool> {
        let (k, v) = self.0[Slots::index(key)];
        (k == key).then_some(v)
    }

    #[inline]
    fn set(&mut self, key: usize, v: bool) {
        self.0[Slots::index(key)] = (key, v);
    }
}

impl Verdicts {
    /// Past this many distinct values (unique per-row tags), verdicts are recomputed.
    const MAP_MAX: usize = 65_536;

    fn new() -> Self {
        Verdicts {
            slots: Slots::new(),
            map: hashbrown::HashMap::new(),
        }
    }

    /// The verdict on the value at `key` (never 0), computed by `compute` when unknown.
    #[inline]
    fn get(&mut self, key: usize, compute: impl FnOnce() -> bool) -> bool {
        if let Some(v) = self.slots.get(key) {
            return v;
        }
        let v = match self.map.get(&key) {
            Some(&v) => v,
            None => {
                let v = compute();
                if self.map.len() < Verdicts::MAP_MAX {
                    self.map.insert(key, v);
                }
                v
            }
        };
        self.slots.set(key, v);
        v
    }
}

/// Per-thread matcher that remembers verdicts on shared values, so each distinct threat
/// name, tag and tag list is searched once.
struct Matcher<'q> {
    query: &'q Query,
    needle: Needle,
    seen: Verdicts,
    /// Tag lists, apart from strings: lists unique to a row would evict the verdicts on
    /// the few strings every row shares.
    lists: Slots,
}

impl<'q> Matcher<'q> {
    fn new(query: &'q Query) -> Self {
        Matcher {
            query,
            needle: Needle::new(query.text.trim()),
            seen: Verdicts::new(),
            lists: Slots::new(),
        }
    }

    #[inline]
    fn shared_match(&mut self, s: &std::sync::Arc<str>) -> bool {
        let needle = &self.needle;
        self.seen.get(s.as_ptr() as usize, || needle.is_match(s))
    }

    /// A tag list's verdict from its tags' verdicts. Lists are only remembered in their
    /// own table: shared lists stay there, and lists unique to one row pass through it.
    fn list_match(&mut self, tags: &List<std::sync::Arc<str>>) -> bool {
        if tags.is_empty() {
            return false;
        }
        if let Some(v) = self.lists.get(tags.addr()) {
            return v;
        }
        let v = tags.iter().any(|t| self.shared_match(t));
        self.lists.set(tags.addr(), v);
        v
    }

    fn matches(&mut self, e: &Entry) -> bool {
        if e.sightings.is_empty() {
            return false;
        }
        if self.query.kind.is_some_and(|k| k != e.kind) {
            return false;
        }
        if !self.query.hidden.is_empty() && e.source_ids().all(|id| self.query.hidden.contains(&id))
        {
            return false;
        }
        if self.needle.lower.is_empty() || self.needle.is_match(&e.value) {
            return true;
        }
        for (_, o) in &e.sightings {
            if let Some(t) = &o.threat
                && self.shared_match(t)
            {
                return true;
            }
            if self.list_match(&o.tags) {
                return true;
            }
        }
        false
    }
}

/// Entries below this many are filtered on one thread.
const PARALLEL_MIN: usize = 50_000;

/// The positions of the live entries that match `query`, in store order. Returns `None`
/// if `cancel` was set while it ran.
pub fn filter(store: &Store, query: &Query, cancel: &AtomicBool) -> Option<Vec<u32>> {
    split(store.slots(), |base, part| {
        filter_range(part, base, query, cancel)
    })
}

/// Runs `work` on consecutive parts of `items` (with the offset of each part), on up to
/// one thread per core when there are many, and joins the results in order. `None` from
/// any part is `None`.
fn split<T: Sync>(
    items: &[T],
    work: impl Fn(usize, &[T]) -> Option<Vec<u32>> + Sync,
) -> Option<Vec<u32>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if items.len() < PARALLEL_MIN || threads < 2 {
        return work(0, items);
    }
    let chunk = items.len().div_ceil(threads);
    let work = &work;
    let parts: Vec<Option<Vec<u32>>> = std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(i, part)| s.spawn(move || work(i * chunk, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(None))
            .collect()
    });
    let mut out = Vec::with_capacity(parts.iter().flatten().map(Vec::len).sum());
    for p in parts {
        out.extend(p?);
    }
    Some(out)
}

fn filter_range(
    part: &[Entry],
    base: usize,
    query: &Query,
    cancel: &AtomicBool,
) -> Option<Vec<u32>> {
    let mut m = Matcher::new(query);
    let mut out = Vec::new();
    for (i, e) in part.iter().enumerate() {
        if i % 16_384 == 0 && cancel.load(Ordering::Relaxed) {
            return None;
        }
        if m.matches(e) {
            out.push((base + i) as u32);
        }
    }
    Some(out)
}

/// Sorts row positions; ties keep arrival order.
pub fn sort(store: &Store, rows: &mut [u32], sort: Sort) {
    let slots = store.slots();
    let e = |i: &u32| &slots[*i as usize];
    match sort.key {
        SortKey::Arrival => rows.sort_unstable(),
        SortKey::Type => rows.sort_by_key(|i| (e(i).kind, *i)),
        SortKey::Value => rows.sort_by(|a, b| e(a).value.cmp(&e(b).value).then(a.cmp(b))),
        SortKey::Sources => rows.sort_by_cached_key(|i| {
            let en = e(i);
            (
                std::cmp::Reverse(en.sightings.len()),
                en.sightings.first().map(|s| s.0),
                *i,
            )
        }),
        SortKey::Threat => rows.sort_by(|a, b| {
            let ta = e(a).threat().map(|t| t.to_ascii_lowercase());
            let tb = e(b).threat().map(|t| t.to_ascii_lowercase());
            // Known threats first.
            match (ta, tb) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then(a.cmp(b))
        }),
        SortKey::LastSeen => rows.sort_by_cached_key(|i| {
            let en = e(i);
            // Newest first; unknown dates last.
            let seen = en.last_seen().or_else(|| en.first_seen());
            (std::cmp::Reverse(seen), *i)
        }),
    }
    if sort.reverse {
        rows.reverse();
    }
}

/// Filter then sort: the rows to show.
/// Whether every row `new` matches is among the rows `old` matches: same type and hidden
/// sources, and `new`'s text contains `old`'s (as the search compares it, ASCII case
/// folded). Typing more of a query narrows it.
pub fn narrows(old: &Query, new: &Query) -> bool {
    old.kind == new.kind
        && old.hidden == new.hidden
        && memchr::memmem::find(
            &new.text.trim().as_bytes().to_ascii_lowercase(),
            &old.text.trim().as_bytes().to_ascii_lowercase(),
        )
        .is_some()
}

/// The rows of `shown` that `query` matches, in the order of `shown`. `shown` must be a
/// complete result of a query that [`narrows`] to `query`; then this equals
/// [`view`] with the same sort, without scanning the rest of the store or sorting again.
pub fn narrow(
    store: &Store,
    query: &Query,
    shown: &[u32],
    cancel: &AtomicBool,
) -> Option<Vec<u32>> {
    let slots = store.slots();
    let keep = |part: &[u32]| -> Option<Vec<u32>> {
        let mut m = Matcher::new(query);
        let mut out = Vec::new();
        for (i, &row) in part.iter().enumerate() {
            if i % 16_384 == 0 && cancel.load(Ordering::Relaxed) {
                return None;
            }
            if slots.get(row as usize).is_some_and(|e| m.matches(e)) {
                out.push(row);
            }
        }
        Some(out)
    };
    split(shown, |_, part| keep(part))
}

/// What a filter job computes: [`narrow`] `within` when given, else [`view`].
pub fn job(
    store: &Store,
    query: &Query,
    s: Sort,
    within: Option<&[u32]>,
    cancel: &AtomicBool,
) -> Option<Vec<u32>> {
    match within {
        Some(shown) => narrow(store, query, shown, cancel),
        None => view(store, query, s, cancel),
    }
}

pub fn view(store: &Store, query: &Query, s: Sort, cancel: &AtomicBool) -> Option<Vec<u32>> {
    let mut rows = filter(store, query, cancel)?;
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    sort(store, &mut rows, s);
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, Sighting};

    fn store() -> Store {
        let mut st = Store::new();
        let a = st.source_id("feodo");
        let b = st.source_id("urlhaus");
        let mk = |kind, v: &str, threat: Option<&str>, tags: &[&str], last: i64| Sighting {
            kind,
            value: v.into(),
            obs: Observation {
                threat: threat.map(Into::into),
                tags: tags.iter().map(|t| (*t).into()).collect(),
                last_seen: crate::model::time::Secs::from_second(last),
                ..Default::default()
            },
        };
        st.replace_source(
            a,
            vec![
                mk(IndicatorType::Ipv4, "45.0.0.3", Some("Dridex"), &[], 300),
                mk(
                    IndicatorType::Ipv4,
                    "51.178.161.32",
                    Some("QakBot"),
                    &["c2"],
                    100,
                ),
            ],
        );
        st.replace_source(
            b,
            vec![
                mk(
                    IndicatorType::Url,
                    "http://Evil.example/Mozi.m",
                    None,
                    &["elf", "Mozi"],
                    200,
                ),
                mk(IndicatorType::Ipv4, "45.0.0.3", None, &[], 0),
            ],
        );
        st
    }

    #[test]
    fn verdicts_stay_right_past_the_cache_bounds() {
        // More distinct tags than the verdict map keeps, some lists shared, some not.
        let mut st = Store::new();
        let id = st.source_id("drop");
        let mut strings = crate::model::intern::Interner::new();
        let shared = strings.tags(vec!["c2".into(), "shared-tag".into()].into());
        let batch = (0..Verdicts::MAP_MAX + 5_000)
            .map(|i| Sighting {
                kind: IndicatorType::Cidr,
                value: format!("10.{}.{}.0/24", i / 256, i % 256).into(),
                obs: Observation {
                    tags: if i % 2 == 0 {
                        shared.clone()
                    } else {
                        vec![std::sync::Arc::from(format!("SBL{i}"))].into()
                    },
                    ..Default::default()
                },
            })
            .collect();
        st.replace_source(id, batch);
        let no = AtomicBool::new(false);
        let count = |text: &str| {
            let q = Query {
                text: text.into(),
                ..Default::default()
            };
            filter(&st, &q, &no).expect("rows").len()
        };
        assert_eq!(count("sbl70001"), 1);
        let starting_with_1 = (0..Verdicts::MAP_MAX + 5_000)
            .filter(|i| i % 2 == 1 && i.to_string().starts_with('1'))
            .count();
        assert_eq!(count("sbl1"), starting_with_1);
        assert_eq!(count("shared-tag"), (Verdicts::MAP_MAX + 5_000) / 2);
        assert_eq!(count("nothing"), 0);
    }

    fn values(st: &Store, rows: &[u32]) -> Vec<String> {
        rows.iter()
            .map(|&i| st.slots()[i as usize].value.to_string())
            .collect()
    }

    fn run(st: &Store, q: &Query, s: Sort) -> Vec<String> {
        values(st, &view(st, q, s, &AtomicBool::new(false)).unwrap())
    }

    #[test]
    fn text_matches_value_threat_and_tags_case_insensitively() {
        let st = store();
        let q = |t: &str| Query {
            text: t.into(),
            ..Default::default()
        };
        assert_eq!(
            run(&st, &q("MOZI"), Sort::default()),
            ["http://Evil.example/Mozi.m"]
        );
        assert_eq!(run(&st, &q("dridex"), Sort::default()), ["45.0.0.3"]);
        assert_eq!(run(&st, &q("C2"), Sort::default()), ["51.178.161.32"]);
        assert_eq!(run(&st, &q("45.0"), Sort::default()), ["45.0.0.3"]);
        assert_eq!(run(&st, &q(""), Sort::default()).len(), 3);
        assert!(run(&st, &q("nothing-like-this"), Sort::default()).is_empty());
    }

    #[test]
    fn type_and_hidden_sources() {
        let st = store();
        let feodo = st.find_source("feodo").unwrap();
        let urlhaus = st.find_source("urlhaus").unwrap();
        let q = Query {
            kind: Some(IndicatorType::Url),
            ..Default::default()
        };
        assert_eq!(
            run(&st, &q, Sort::default()),
            ["http://Evil.example/Mozi.m"]
        );
        let q = Query {
            hidden: vec![feodo],
            ..Default::default()
        };
        // 45.0.0.3 is also in urlhaus, so it stays.
        assert_eq!(
            run(&st, &q, Sort::default()),
            ["45.0.0.3", "http://Evil.example/Mozi.m"]
        );
        let q = Query {
            hidden: vec![feodo, urlhaus],
            ..Default::default()
        };
        assert!(run(&st, &q, Sort::default()).is_empty());
    }

    #[test]
    fn sorting() {
        let st = store();
        let q = Query::default();
        let s = |key, reverse| Sort { key, reverse };
        assert_eq!(
            run(&st, &q, s(SortKey::LastSeen, false)),
            ["45.0.0.3", "http://Evil.example/Mozi.m", "51.178.161.32"]
        );
        assert_eq!(
            run(&st, &q, s(SortKey::Value, true)),
            ["http://Evil.example/Mozi.m", "51.178.161.32", "45.0.0.3"]
        );
        assert_eq!(run(&st, &q, s(SortKey::Sources, false))[0], "45.0.0.3");
        assert_eq!(
            run(&st, &q, s(SortKey::Threat, false)),
            ["45.0.0.3", "51.178.161.32", "http://Evil.example/Mozi.m"]
        );
    }

    #[test]
    fn cancellation_stops_early() {
        let st = store();
        assert!(filter(&st, &Query::default(), &AtomicBool::new(true)).is_none());
    }

    #[test]
    fn parallel_and_serial_agree() {
        let mut st = Store::new();
        let a = st.source_id("a");
        let batch: Vec<Sighting> = (0..120_000u32)
            .map(|i| Sighting {
                kind: IndicatorType::Domain,
                value: format!("host{i}.example").into(),
                obs: Observation::default(),
            })
            .collect();
        st.replace_source(a, batch);
        let q = Query {
            text: "99".into(),
            ..Default::default()
        };
        let par = filter(&st, &q, &AtomicBool::new(false)).unwrap();
        let ser = filter_range(st.slots(), 0, &q, &AtomicBool::new(false)).unwrap();
        assert_eq!(par, ser);
        assert!(par.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn needle_edge_cases() {
        let n = Needle::new("aB");
        assert!(n.is_match("xxAbyy"));
        assert!(n.is_match("ab"));
        assert!(!n.is_match("a"));
        assert!(!n.is_match("ba"));
        assert!(Needle::new("é").is_match("café"));
    }
}
