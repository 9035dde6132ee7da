// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The index of the indicator set, built once and then only read (shared by every scan
//! thread): randomly seeded hash sets of binary keys for addresses and digests, a prefix
//! trie per address family that returns every covering range, a label-boundary suffix
//! walk for domains in IDNA form, and normalised URL and e-mail keys. Warninglisted
//! indicators are left out while it is built (and counted per list).

use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Arc;

use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;

use super::keys::{self, HashKey};
use super::prepare::{self, Key};
use super::warninglist::Warninglists;
use crate::model::IndicatorType;
use crate::store::Store;

/// What an alert tells about one indicator (the merged view of its sources).
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub kind: IndicatorType,
    /// The indicator in its canonical form (a CIDR as `net/len`, a domain in IDNA ASCII).
    pub name: Box<str>,
    /// Indices into [`Matcher::source_names`] (one or two kept inline).
    pub sources: smallvec::SmallVec<[u16; 2]>,
    /// 0–100, the highest any source gave.
    pub confidence: Option<u8>,
    /// Unix seconds.
    pub first_seen: Option<i64>,
    /// Unix seconds.
    pub last_seen: Option<i64>,
    /// The threat (malware family, campaign) a source names.
    pub threat: Option<Arc<str>>,
}

/// Matching switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchOptions {
    /// A subdomain of a listed domain matches (`a.evil.example` hits `evil.example`).
    pub subdomains: bool,
}

/// One indicator a value hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the indicator ([`Matcher::meta`]).
    pub meta: u32,
    /// The value as in the log, in canonical form (the subdomain, the address, ...).
    pub atomic: String,
}

/// Collects indicators, then builds the [`Matcher`].
#[derive(Debug, Default)]
pub struct MatcherBuilder {
    sources: Vec<Arc<str>>,
    threats: HashMap<Box<str>, Arc<str>>,
    metas: Vec<Meta>,
}

/// Fields of one indicator for [`MatcherBuilder::add`].
#[derive(Debug, Clone, Default)]
pub struct NewIndicator<'a> {
    pub sources: &'a [u16],
    pub confidence: Option<u8>,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    pub threat: Option<&'a str>,
}

impl MatcherBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of source `name`, registering it on first use.
    pub fn source(&mut self, name: &str) -> u16 {
        if let Some(i) = self.sources.iter().position(|s| &**s == name) {
            return i as u16;
        }
        self.sources.push(Arc::from(name));
        (self.sources.len() - 1).min(u16::MAX as usize) as u16
    }

    /// Indicators added so far.
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    pub fn reserve(&mut self, n: usize) {
        self.metas.reserve(n);
    }

    /// Adds one indicator whose value is already normalised
    /// ([`crate::model::indicator::normalise`]).
    pub fn add(&mut self, kind: IndicatorType, value: &str, ind: NewIndicator<'_>) {
        self.add_owned(kind, Box::from(value), ind);
    }

    /// [`MatcherBuilder::add`] with the value handed over.
    pub fn add_owned(&mut self, kind: IndicatorType, value: Box<str>, ind: NewIndicator<'_>) {
        let threat = ind.threat.map(|t| match self.threats.get(t) {
            Some(a) => a.clone(),
            None => {
                let a: Arc<str> = Arc::from(t);
                self.threats.insert(Box::from(t), a.clone());
                a
            }
        });
        self.metas.push(Meta {
            kind,
            name: value,
            sources: smallvec::SmallVec::from_slice(ind.sources),
            confidence: ind.confidence,
            first_seen: ind.first_seen,
            last_seen: ind.last_seen,
            threat,
        });
    }

    /// Every live entry of a merged store.
    pub fn from_store(store: &Store) -> Self {
        Self::from_store_where(store, |_| true)
    }

    /// The live entries of a merged store that `keep` keeps (those scoring high
    /// enough).
    pub fn from_store_where(store: &Store, keep: impl Fn(&crate::store::Entry) -> bool) -> Self {
        let mut b = MatcherBuilder::new();
        for name in store.source_names() {
            b.source(name);
        }
        b.reserve(store.len());
        for (_, e) in store.iter().filter(|(_, e)| keep(e)) {
            let ids: Vec<u16> = e.source_ids().map(|s| s.0).collect();
            b.add(
                e.kind,
                &e.value,
                NewIndicator {
                    sources: &ids,
                    confidence: e.confidence(),
                    first_seen: e.first_seen().map(|t| t.as_second()),
                    last_seen: e.last_seen().map(|t| t.as_second()),
                    threat: e.threat().map(|t| &**t),
                },
            );
        }
        b
    }

    /// The indicators added here that `old` does not hold, with their sources: what a
    /// retro-hunt looks for after the set changed.
    pub fn not_in(&self, old: &Matcher) -> MatcherBuilder {
        MatcherBuilder {
            sources: self.sources.clone(),
            threats: HashMap::default(),
            metas: self
                .metas
                .iter()
                .filter(|m| !old.holds(m.kind, &m.name))
                .cloned()
                .collect(),
        }
    }

    /// Builds the index; indicators a list in `lists` holds are left out and counted.
    pub fn build(self, lists: &Warninglists, options: MatchOptions) -> Matcher {
        let mut m = Matcher::empty(lists, options);
        m.sources = self.sources;
        let metas = &self.metas;
        m.reserve(|k| metas.iter().filter(|x| x.kind == k).count());
        let mut rest = self.metas.into_iter();
        loop {
            let block: Vec<Meta> = rest.by_ref().take(prepare::BLOCK).collect();
            if block.is_empty() {
                break;
            }
            let keys = prepare::keys(&block, lists);
            for (meta, key) in block.into_iter().zip(keys) {
                m.insert(meta, key);
            }
        }
        m
    }
}

mod lookup;

#[derive(Clone, Copy)]
enum Table {
    Domain,
    Url,
    Email,
    Cve,
}

/// The built index. Read-only, `Send + Sync`: scan threads share one behind an `Arc`.
#[derive(Default)]
pub struct Matcher {
    options: MatchOptions,
    sources: Vec<Arc<str>>,
    metas: Vec<Meta>,
    suppressed: Vec<usize>,
    hasher: DefaultHashBuilder,
    v4: HashMap<u32, u32>,
    v6: HashMap<u128, u32>,
    cidr4: PrefixMap<Ipv4Net, u32>,
    cidr6: PrefixMap<Ipv6Net, u32>,
    md5: HashMap<[u8; 16], u32>,
    sha1: HashMap<[u8; 20], u32>,
    sha256: HashMap<[u8; 32], u32>,
    domains: HashTable<u32>,
    urls: HashTable<u32>,
    emails: HashTable<u32>,
    /// CVE ids: never in a log's fields, but `lookup` asks for them.
    cves: HashTable<u32>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("indicators", &self.metas.len())
            .field("suppressed", &self.suppressed)
            .finish()
    }
}

impl Matcher {
    /// A matcher without indicators, to [`Matcher::insert`] into.
    pub(super) fn empty(lists: &Warninglists, options: MatchOptions) -> Matcher {
        Matcher {
            options,
            suppressed: vec![0; lists.len()],
            ..Matcher::default()
        }
    }

    /// Makes room for `count(kind)` more indicators of each kind.
    pub(super) fn reserve(&mut self, count: impl Fn(IndicatorType) -> usize) {
        let all: usize = IndicatorType::ALL.iter().map(|&k| count(k)).sum();
        self.metas.reserve(all);
        self.v4.reserve(count(IndicatorType::Ipv4));
        self.v6.reserve(count(IndicatorType::Ipv6));
        self.md5.reserve(count(IndicatorType::Md5));
        self.sha1.reserve(count(IndicatorType::Sha1));
        self.sha256.reserve(count(IndicatorType::Sha256));
        // Grown before anything is inserted that is not also in `metas`: rehashing
        // reads the keys back from there.
        let (metas, hasher) = (&self.metas, &self.hasher);
        let rehash = |&i: &u32| {
            metas
                .get(i as usize)
                .map_or(0, |m| hasher.hash_one(&*m.name))
        };
        self.domains.reserve(count(IndicatorType::Domain), rehash);
        self.urls.reserve(count(IndicatorType::Url), rehash);
        self.emails.reserve(count(IndicatorType::Email), rehash);
        self.cves.reserve(count(IndicatorType::Cve), rehash);
    }

    /// The id of source `name`, registering it on first use.
    pub(super) fn source_id(&mut self, name: &str) -> u16 {
        if let Some(i) = self.sources.iter().position(|s| &**s == name) {
            return i as u16;
        }
        self.sources.push(Arc::from(name));
        (self.sources.len() - 1).min(u16::MAX as usize) as u16
    }

    /// Indexes `meta` under its prepared `key`, unless that key is indexed already (the
    /// first indicator with a key keeps it) or the indicator is left out.
    pub(super) fn insert(&mut self, meta: Meta, key: Key) {
        self.insert_hashed(meta, key, None);
    }

    /// The hasher of the name tables: a name's [`str_hash`](Self::str_hash) can be
    /// worked out on another thread.
    pub(super) fn str_hasher(&self) -> DefaultHashBuilder {
        self.hasher.clone()
    }

    /// [`Matcher::insert`] of a domain, URL or e-mail key whose hash (of the key as the
    /// name will hold it, by [`Matcher::str_hasher`]) is `hash`.
    pub(super) fn insert_hashed(&mut self, mut meta: Meta, key: Key, hash: Option<u64>) {
        let idx = self.metas.len() as u32;
        let indexed = match key {
            Key::V4(k) => self.v4.try_insert(k, idx).is_ok(),
            Key::V6(k) => self.v6.try_insert(k, idx).is_ok(),
            Key::Cidr4(n) => self.cidr4.insert(n, idx).is_none(),
            Key::Cidr6(n) => self.cidr6.insert(n, idx).is_none(),
            Key::Md5(k) => self.md5.try_insert(k, idx).is_ok(),
            Key::Sha1(k) => self.sha1.try_insert(k, idx).is_ok(),
            Key::Sha256(k) => self.sha256.try_insert(k, idx).is_ok(),
            Key::Domain(canonical) => {
                if let Some(c) = canonical {
                    meta.name = c;
                }
                self.insert_str(Table::Domain, idx, &meta.name, hash)
            }
            Key::Url(k) => {
                meta.name = k;
                self.insert_str(Table::Url, idx, &meta.name, hash)
            }
            Key::Email(k) => {
                meta.name = k;
                self.insert_str(Table::Email, idx, &meta.name, hash)
            }
            Key::Cve => self.insert_str(Table::Cve, idx, &meta.name, hash),
            Key::Suppressed(list) => {
                if let Some(n) = self.suppressed.get_mut(list) {
                    *n += 1;
                }
                false
            }
            Key::None => false,
        };
        if indexed {
            self.metas.push(meta);
        }
    }

    fn table(&self, t: Table) -> &HashTable<u32> {
        match t {
            Table::Domain => &self.domains,
            Table::Url => &self.urls,
            Table::Email => &self.emails,
            Table::Cve => &self.cves,
        }
    }

    /// Inserts `key` for `idx` unless present; whether it was inserted.
    fn insert_str(&mut self, t: Table, idx: u32, key: &str, hash: Option<u64>) -> bool {
        let h = hash.unwrap_or_else(|| self.hasher.hash_one(key));
        // The key lives in the meta pushed right after this call; it is read back from
        // there on lookup, so only the index is stored.
        let metas = &self.metas;
        let hasher = &self.hasher;
        let rehash = |&i: &u32| match metas.get(i as usize) {
            Some(m) => hasher.hash_one(&*m.name),
            None => hasher.hash_one(key),
        };
        let eq = |&i: &u32| metas.get(i as usize).is_some_and(|m| *m.name == *key);
        let table = match t {
            Table::Domain => &mut self.domains,
            Table::Url => &mut self.urls,
            Table::Email => &mut self.emails,
            Table::Cve => &mut self.cves,
        };
        match table.entry(h, eq, rehash) {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(idx);
                true
            }
        }
    }

    fn find_str(&self, t: Table, h: u64, key: &str) -> Option<u32> {
        self.table(t)
            .find(h, |&i| {
                self.metas.get(i as usize).is_some_and(|m| *m.name == *key)
            })
            .copied()
    }

    fn get_str(&self, t: Table, key: &str) -> Option<u32> {
        self.find_str(t, self.hasher.hash_one(key), key)
    }

    /// Indicators indexed.
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    /// Whether the indicator `name` of type `kind` (written as [`MatcherBuilder::add`]
    /// takes it) is indexed: the exact indicator, not one that would cover it.
    pub fn holds(&self, kind: IndicatorType, name: &str) -> bool {
        match kind {
            IndicatorType::Ipv4 | IndicatorType::Ipv6 => match keys::ip(name) {
                Some(IpAddr::V4(v)) => self.v4.contains_key(&u32::from(v)),
                Some(IpAddr::V6(v)) => self.v6.contains_key(&u128::from(v)),
                None => false,
            },
            IndicatorType::Cidr => match name.parse::<IpNet>().map(|n| n.trunc()) {
                Ok(IpNet::V4(n)) => self.cidr4.get(&n).is_some(),
                Ok(IpNet::V6(n)) => self.cidr6.get(&n).is_some(),
                Err(_) => false,
            },
            IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => {
                match keys::hash(name) {
                    Some(HashKey::Md5(k)) => self.md5.contains_key(&k),
                    Some(HashKey::Sha1(k)) => self.sha1.contains_key(&k),
                    Some(HashKey::Sha256(k)) => self.sha256.contains_key(&k),
                    None => false,
                }
            }
            IndicatorType::Domain => {
                keys::domain(name).is_some_and(|k| self.get_str(Table::Domain, &k).is_some())
            }
            IndicatorType::Url => {
                keys::url(name).is_some_and(|k| self.get_str(Table::Url, &k.key).is_some())
            }
            IndicatorType::Email => {
                keys::email(name).is_some_and(|k| self.get_str(Table::Email, &k).is_some())
            }
            IndicatorType::Cve => self.get_str(Table::Cve, name).is_some(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    pub fn options(&self) -> MatchOptions {
        self.options
    }

    pub fn meta(&self, idx: u32) -> Option<&Meta> {
        self.metas.get(idx as usize)
    }

    pub fn source_names(&self) -> &[Arc<str>] {
        &self.sources
    }

    /// The names of `meta`'s sources.
    pub fn sources_of<'a>(&'a self, meta: &'a Meta) -> impl Iterator<Item = &'a str> + 'a {
        meta.sources
            .iter()
            .map(|&s| self.sources.get(usize::from(s)).map_or("?", |n| &**n))
    }

    /// Indicators each warninglist left out, in the order of the lists.
    pub fn suppressed(&self) -> &[usize] {
        &self.suppressed
    }
}
