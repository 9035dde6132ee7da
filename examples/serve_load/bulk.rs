// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve_load bulk`: a source of N IPv6 addresses added to a SQLite store.

use crate::Bulk;

/// Saves a source of `b.count` IPv6 addresses into `b.store`; prints its config line.
/// Exit code 2 when the store cannot be opened or written.
pub async fn bulk(b: Bulk) -> i32 {
    use intellisiem::model::time::Secs;
    use intellisiem::model::{IndicatorType, Observation, Sighting};
    use intellisiem::store::persist::{Snapshot, SourceMeta};
    let (store, notes) = intellisiem::store::persist::open(Some(&b.store));
    let Some(store) = store else {
        eprintln!("error: {}", notes.join("; "));
        return 2;
    };
    let now = jiff::Timestamp::now();
    let seen = Secs::from_second(now.as_second());
    let sightings = (0..b.count)
        .map(|n| Sighting {
            kind: IndicatorType::Ipv6,
            value: std::net::Ipv6Addr::from((0x2001_0db8_ffff_u128 << 80) | n as u128)
                .to_string()
                .into_boxed_str(),
            obs: Observation {
                first_seen: seen,
                last_seen: seen,
                confidence: Some(80),
                ..Observation::default()
            },
        })
        .collect();
    let snap = Snapshot {
        source: b.name.clone(),
        kind: "plain_list",
        sightings,
        groups: Vec::new(),
        expires: Default::default(),
        incremental: false,
        meta: SourceMeta {
            fetched_at: Some(now),
            count: b.count,
            ..Default::default()
        },
        now,
    };
    let (_, r) = store.save(snap).await;
    match r {
        Ok(n) => {
            eprintln!("{}: {n} indicators", b.name);
            println!(
                "  - {{ name: {}, kind: plain_list, url: \"https://feeds.example/{}\" }}",
                b.name, b.name
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
