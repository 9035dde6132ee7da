// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The per-indicator half of building a [`super::Matcher`], on every core: the
//! warninglist check and the index key (address bits, CIDR, digest bytes, the domain in
//! IDNA form, the normalised URL or address). This is most of a build's time, and each
//! indicator's key depends on that indicator alone; the insertions that follow stay on
//! one thread.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::keys::{self, HashKey};
use super::matcher::Meta;
use super::warninglist::Warninglists;
use crate::model::IndicatorType;

/// Indicators prepared per round; bounds the keys held at once (about 40 bytes each).
pub(super) const BLOCK: usize = 1 << 16;

/// Below this many indicators one thread is quicker than starting others.
const PARALLEL_FROM: usize = 4096;

/// An indicator's index key, worked out before it is inserted.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Key {
    V4(u32),
    V6(u128),
    Cidr4(Ipv4Net),
    Cidr6(Ipv6Net),
    Md5([u8; 16]),
    Sha1([u8; 20]),
    Sha256([u8; 32]),
    /// The canonical name when it differs from the one held.
    Domain(Option<Box<str>>),
    Url(Box<str>),
    Email(Box<str>),
    /// A CVE id, held as it is (normalised in upper case).
    Cve,
    /// Held by the warninglist at this index: left out and counted.
    Suppressed(usize),
    /// Not indexable (a malformed value).
    None,
}

/// The key of one indicator.
pub(super) fn key(meta: &Meta, lists: &Warninglists) -> Key {
    key_of(meta.kind, &meta.name, lists)
}

/// The key of an indicator of type `kind` held as `name` (normalised).
pub(super) fn key_of(kind: IndicatorType, name: &str, lists: &Warninglists) -> Key {
    if let Some(list) = lists.suppresses(kind, name) {
        return Key::Suppressed(list);
    }
    match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => match keys::ip(name) {
            Some(IpAddr::V4(v4)) => Key::V4(u32::from(v4)),
            Some(IpAddr::V6(v6)) => Key::V6(u128::from(v6)),
            None => Key::None,
        },
        IndicatorType::Cidr => match name.parse::<IpNet>().map(|n| n.trunc()) {
            Ok(IpNet::V4(n)) => Key::Cidr4(n),
            Ok(IpNet::V6(n)) => Key::Cidr6(n),
            Err(_) => Key::None,
        },
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => {
            match keys::hash(name) {
                Some(HashKey::Md5(k)) => Key::Md5(k),
                Some(HashKey::Sha1(k)) => Key::Sha1(k),
                Some(HashKey::Sha256(k)) => Key::Sha256(k),
                None => Key::None,
            }
        }
        IndicatorType::Domain => match keys::domain(name) {
            Some(k) if *k == *name => Key::Domain(None),
            Some(k) => Key::Domain(Some(Box::from(&*k))),
            None => Key::None,
        },
        IndicatorType::Url => match keys::url(name) {
            Some(k) => Key::Url(k.key.into_boxed_str()),
            None => Key::None,
        },
        IndicatorType::Email => match keys::email(name) {
            Some(k) => Key::Email(k.into_boxed_str()),
            None => Key::None,
        },
        IndicatorType::Cve => Key::Cve,
    }
}

/// The keys of `metas`, in order, worked out on up to `available_parallelism` threads.
pub(super) fn keys(metas: &[Meta], lists: &Warninglists) -> Vec<Key> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || metas.len() < PARALLEL_FROM {
        return metas.iter().map(|m| key(m, lists)).collect();
    }
    let per = metas.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = metas
            .chunks(per)
            .map(|part| scope.spawn(move || part.iter().map(|m| key(m, lists)).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(metas.len());
        for (h, part) in parts.into_iter().zip(metas.chunks(per)) {
            match h.join() {
                Ok(k) => out.extend(k),
                // A key that panicked to work out: its part is worked out again here,
                // one by one, so only the value that panics is affected.
                Err(_) => out.extend(part.iter().map(|m| {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| key(m, lists)))
                        .unwrap_or(Key::None)
                })),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(kind: IndicatorType, name: &str) -> Meta {
        Meta {
            kind,
            name: name.into(),
            sources: Default::default(),
            confidence: None,
            first_seen: None,
            last_seen: None,
            threat: None,
        }
    }

    #[test]
    fn many_keys_come_back_in_order_whatever_the_threads() {
        let lists = Warninglists::load(&[]).unwrap();
        let metas: Vec<Meta> = (0..10_000u32)
            .map(|i| match i % 4 {
                0 => meta(
                    IndicatorType::Ipv4,
                    &format!("45.0.{}.{}", i / 256 % 256, i % 256),
                ),
                1 => meta(IndicatorType::Domain, &format!("H{i}.Evil.io")),
                2 => meta(IndicatorType::Url, &format!("HTTP://evil{i}.io:80/x")),
                _ => meta(IndicatorType::Ipv4, "10.0.0.1"),
            })
            .collect();
        let parallel = keys(&metas, &lists);
        let serial: Vec<Key> = metas.iter().map(|m| key(m, &lists)).collect();
        assert_eq!(parallel, serial);
        assert_eq!(parallel[1], Key::Domain(Some("h1.evil.io".into())));
        assert!(
            matches!(parallel[3], Key::Suppressed(_)),
            "10/8 is warninglisted"
        );
    }
}
