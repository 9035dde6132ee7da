// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Which entries are shown, in what order: text, type and source filters, and sorting.
//! Pure functions over a [`Store`], cheap enough to run per keystroke on a large set
//! (split across threads), and cancellable.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::IndicatorType;
use crate::model::list::List;
use crate::store::set::{Entry, SourceId, Store};
pub use crate::store::sort::{Sort, SortKey};

/// What the analyst asked to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Case-insensitive text matched against value, threat and tags.
    pub text: String,
    pub kind: Option<IndicatorType>,
    /// Sources whose rows are hidden (an entry shows if any visible source holds it).
    pub hidden: Vec<SourceId>,
    /// The lowest score shown (0–100).
    pub score_min: u8,
    /// The highest score shown (0–100).
    pub score_max: u8,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            kind: None,
            hidden: Vec::new(),
            score_min: 0,
            score_max: 100,
        }
    }
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
            && self.kind.is_none()
            && self.hidden.is_empty()
            && self.score_min == 0
            && self.score_max >= 100
    }
}

/// The score terms typed into a filter taken out of it: `score>=70`, `score>70`,
/// `score<=30`, `score<30`, `score=0` (or `score:0`), in any case, each a word of its own.
/// Returns the rest of the text (as typed when it holds no term) and the scores the
/// terms allow together, inclusive (`None`: no term; a low end above the high end
/// allows none).
pub fn score_terms(text: &str) -> (String, Option<(u8, u8)>) {
    let mut range: Option<(u8, u8)> = None;
    let mut rest: Vec<&str> = Vec::new();
    for word in text.split_whitespace() {
        match score_term(word) {
            Some((lo, hi)) => {
                let (a, b) = range.unwrap_or((0, 100));
                range = Some((a.max(lo), b.min(hi)));
            }
            None => rest.push(word),
        }
    }
    match range {
        None => (text.trim().to_string(), None),
        Some(r) => (rest.join(" "), Some(r)),
    }
}

/// One score term's inclusive range (scores run 0–100; `score>100` allows none).
fn score_term(word: &str) -> Option<(u8, u8)> {
    let head = word.get(..5)?;
    if !head.eq_ignore_ascii_case("score") {
        return None;
    }
    let tail = &word[5..];
    let (op, number) = [">=", "<=", ">", "<", "=", ":"]
        .iter()
        .find_map(|op| tail.strip_prefix(op).map(|n| (*op, n)))?;
    if number.is_empty() || number.len() > 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u16 = number.parse().ok()?;
    let none = (1, 0);
    let clamp = |v: u16| v.min(100) as u8;
    Some(match op {
        ">=" if n > 100 => none,
        ">=" => (clamp(n), 100),
        ">" if n >= 100 => none,
        ">" => (clamp(n + 1), 100),
        "<=" => (0, clamp(n)),
        "<" if n == 0 => none,
        "<" => (0, clamp(n - 1)),
        _ if n > 100 => none,
        _ => (clamp(n), clamp(n)),
    })
}

/// ASCII case-insensitive substring search with a SIMD first-byte scan.
struct Needle {
    lower: Vec<u8>,
}

impl Needle {
    /// A needle for `text`; a whole indicator pasted from a report (defanged, with a
    /// default port, a trailing dot, in Unicode) is looked for in the canonical form the
    /// store holds it in ([`crate::model::indicator::detect`], the form `lookup` and
    /// `match` use), so it finds its row.
    fn new(text: &str) -> Needle {
        let canonical = crate::model::indicator::detect(text).map(|n| {
            let mut v = n.value;
            // A URL typed without a path (`https://login.bank.exa`, still being typed)
            // is a prefix: not the `/` its canonical form adds.
            if n.kind == crate::model::IndicatorType::Url
                && v.ends_with('/')
                && !text.trim_end().ends_with('/')
            {
                v.pop();
            }
            v
        });
        let text = canonical.as_deref().unwrap_or(text);
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
        if e.score < self.query.score_min || e.score > self.query.score_max {
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
    let parts = split_parts(items, work)?;
    if parts.len() == 1 {
        return parts.into_iter().next();
    }
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        out.extend(p);
    }
    Some(out)
}

/// As [`split`], each part's result kept apart, in order.
fn split_parts<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(usize, &[T]) -> Option<R> + Sync,
) -> Option<Vec<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if items.len() < PARALLEL_MIN || threads < 2 {
        return Some(vec![work(0, items)?]);
    }
    let chunk = items.len().div_ceil(threads);
    let work = &work;
    let parts: Vec<Option<R>> = std::thread::scope(|s| {
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
    parts.into_iter().collect()
}

/// [`view`] sorted by last seen, in one pass over the entries: each thread keeps the
/// rows of its part that match, each with its sort key, and sorts them; the sorted parts
/// are then merged. The default view of a million rows reads each entry once, and sorts
/// on every core.
fn view_by_seen(
    store: &Store,
    query: &Query,
    descending: bool,
    cancel: &AtomicBool,
) -> Option<Vec<u32>> {
    let parts = split_parts(store.slots(), |base, part| {
        let mut m = Matcher::new(query);
        // Everything matches an empty query: room for it all at once.
        let mut out = Vec::with_capacity(if query.is_empty() { part.len() } else { 0 });
        for (i, e) in part.iter().enumerate() {
            if i % 16_384 == 0 && cancel.load(Ordering::Relaxed) {
                return None;
            }
            if m.matches(e) {
                out.push((super::sort::seen_key(e, descending), (base + i) as u32));
            }
        }
        out.sort_unstable();
        Some(out)
    })?;
    Some(super::sort::merge_rows(parts))
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

pub use super::sort::sort;

/// Whether every row `new` matches is among the rows `old` matches: same type and hidden
/// sources, and the text `new` searches for contains the text `old` searched for (as the
/// search compares them: canonical when a whole indicator, ASCII case folded). Typing
/// more of a query narrows it.
pub fn narrows(old: &Query, new: &Query) -> bool {
    old.kind == new.kind
        && old.hidden == new.hidden
        && old.score_min == new.score_min
        && old.score_max == new.score_max
        && memchr::memmem::find(
            &Needle::new(new.text.trim()).lower,
            &Needle::new(old.text.trim()).lower,
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

/// Filter then sort: the rows to show.
pub fn view(store: &Store, query: &Query, s: Sort, cancel: &AtomicBool) -> Option<Vec<u32>> {
    if s.key == SortKey::LastSeen {
        // Newest first unless reversed.
        return view_by_seen(store, query, !s.reverse, cancel);
    }
    let mut rows = filter(store, query, cancel)?;
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    sort(store, &mut rows, s);
    Some(rows)
}

#[cfg(test)]
mod tests;
