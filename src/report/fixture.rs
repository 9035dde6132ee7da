// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A seeded store with a known history, for the report's tests, its bench and its
//! example (`examples/report_fixture.rs`): six sources whose sets overlap, 30 days of
//! fetch history with two outages, hits from three sensors (retro-hunt finds among
//! them) and triage marks. Written through [`SnapshotStore`] only, so it fills SQLite
//! and PostgreSQL alike.
//!
//! Every value is a documentation address (RFC 5737 `192.0.2.0/24`, `198.51.100.0/24`,
//! `203.0.113.0/24`; RFC 3849 `2001:db8::/32`) or an `.example` name (RFC 2606). The
//! same `seed`, `scale` and `now` give the same store, byte for byte in its content.

use std::collections::HashMap;
use std::net::Ipv6Addr;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::model::time::Secs;
use crate::model::{IndicatorType, LogHit, Observation, Origin, Sighting};
use crate::store::health::{FetchOutcome, FetchRecord};
use crate::store::persist::{PersistError, Snapshot, SnapshotStore, SourceMeta};
use crate::trust::triage::{Mark, Verdict};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Fetches are every 2 hours: 360 in 30 days, under the store's 500 kept per source.
const FETCH_EVERY: i64 = 2 * 3_600;
/// Days of fetch history and hits.
pub const DAYS: i64 = 30;

/// The fixture's sources: (name, kind).
pub const SOURCES: [(&str, &str); 6] = [
    ("feodo", "feodo"),
    ("urlhaus", "urlhaus"),
    ("threatfox", "threatfox"),
    ("kev", "cisa_kev"),
    ("drop", "plain_list"),
    ("isac", "plain_list"),
];

/// The sensors whose hits the fixture stores.
pub const SENSORS: [&str; 3] = ["edge-1", "dmz-zeek", "branch-2"];

/// The parser's skip reasons the fetch history gives (`SkipReason::label`).
pub const SKIP_REASONS: [&str; 2] = ["invalid value", "missing field"];

/// A threat name and a URL made to break Markdown and HTML, on the most-hit indicator.
pub const HOSTILE_THREAT: &str = "<script>alert(1)</script> | [click](javascript:alert(1))";
/// The hostile URL (live, as stored).
pub const HOSTILE_URL: &str = "http://evil.example/a.php?q=<b>x</b>|*y*";

/// What to make.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub seed: u64,
    /// 1: 2,000 distinct indicators (and the KEV entries) and 200 hits; each unit adds
    /// as many (500: 1,000,000 indicators and 100,000 hits).
    pub scale: u32,
    /// The fixture's "now": the last fetch and hit are just before it.
    pub now: Timestamp,
}

/// What the fixture holds, for tests to check against.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Sightings stored per source, by name.
    pub held: Vec<(String, usize)>,
    /// Hits stored.
    pub hits: usize,
    /// Marks stored.
    pub marks: usize,
    /// Sources whose last fetch failed.
    pub failing: Vec<String>,
}

/// The config (YAML) naming the fixture's sources with its store at `store` (a SQLite
/// file). URLs are on `feeds.example`; nothing is fetched by a report.
pub fn config_yaml(store: &std::path::Path) -> String {
    let mut s = format!(
        "cache: {{ path: \"{}\" }}\nsources:\n",
        store.display().to_string().replace('"', "\\\"")
    );
    for (name, kind) in SOURCES {
        s.push_str(&format!(
            "  - {{ name: {name}, kind: {kind}, url: \"https://feeds.example/{name}\" }}\n"
        ));
    }
    s
}

/// The number of indicators of each kind of value at `scale`.
struct Counts {
    ips: usize,
    urls: usize,
    domains: usize,
    hashes: usize,
    cidrs: usize,
    cves: usize,
    hits: usize,
}

impl Counts {
    fn at(scale: u32) -> Counts {
        let s = scale.max(1) as usize;
        Counts {
            ips: 200 * s,
            urls: 700 * s,
            domains: 400 * s,
            hashes: 500 * s,
            cidrs: 200 * s,
            cves: 60 + 40 * s.min(10),
            hits: 200 * s,
        }
    }
}

/// The n-th address: the three RFC 5737 blocks first, then RFC 3849.
fn ip(n: usize) -> (IndicatorType, String) {
    if n < 3 * 254 {
        let block = ["192.0.2", "198.51.100", "203.0.113"][n / 254];
        (IndicatorType::Ipv4, format!("{block}.{}", n % 254 + 1))
    } else {
        let n = n as u128;
        let a = Ipv6Addr::from((0x2001_0db8_u128 << 96) | (n << 16) | 1);
        (IndicatorType::Ipv6, a.to_string())
    }
}

/// The n-th range: /28s of RFC 5737 first, then /64s of RFC 3849.
fn cidr(n: usize) -> String {
    if n < 48 {
        let block = ["192.0.2", "198.51.100", "203.0.113"][n / 16];
        format!("{block}.{}/28", (n % 16) * 16)
    } else {
        let a = Ipv6Addr::from((0x2001_0db8_u128 << 96) | ((n as u128) << 64));
        format!("{a}/64")
    }
}

fn sha256(seed: u64, n: usize) -> String {
    let d = Sha256::digest(format!("{seed}:{n}").as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn secs(t: i64) -> Option<Secs> {
    Secs::from_second(t)
}

fn ts(t: i64) -> Timestamp {
    Timestamp::from_second(t).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// One indicator as a source lists it.
fn sighting(kind: IndicatorType, value: String, first: i64, threat: &Arc<str>) -> Sighting {
    Sighting {
        kind,
        value: value.into_boxed_str(),
        obs: Observation {
            first_seen: secs(first),
            last_seen: secs(first + DAY),
            threat: Some(threat.clone()),
            ..Default::default()
        },
    }
}

/// The sets of every source, by source name.
fn sets(spec: &Spec, c: &Counts, rng: &mut fastrand::Rng) -> HashMap<&'static str, Vec<Sighting>> {
    let now = spec.now.as_second();
    // First seen over the 90 days before now: about a third fall in the last 30.
    let first = |rng: &mut fastrand::Rng| now - rng.i64(0..90 * DAY);
    let t = |s: &str| -> Arc<str> { Arc::from(s) };
    let (emotet, qakbot, phish, stealer) = (t("Emotet"), t("QakBot"), t("phishing"), t("stealer"));
    let hostile = t(HOSTILE_THREAT);
    let mut out: HashMap<&'static str, Vec<Sighting>> = HashMap::new();
    for n in 0..c.ips {
        let (k, v) = ip(n);
        let threat = if n % 2 == 0 { &emotet } else { &qakbot };
        let f = first(rng);
        out.entry("feodo")
            .or_default()
            .push(sighting(k, v.clone(), f, threat));
        // Shared: a third with threatfox, a quarter with the drop list, a tenth with isac.
        if n % 3 == 0 {
            let g = first(rng);
            out.entry("threatfox")
                .or_default()
                .push(sighting(k, v.clone(), g, threat));
        }
        if n % 4 == 0 {
            out.entry("drop")
                .or_default()
                .push(sighting(k, v.clone(), f, threat));
        }
        if n % 10 == 0 {
            out.entry("isac")
                .or_default()
                .push(sighting(k, v, f, threat));
        }
    }
    for n in 0..c.urls {
        let v = if n == 0 {
            HOSTILE_URL.to_string()
        } else {
            format!("http://dl-{n}.payload.example/bin/{}.exe", n % 97)
        };
        let threat = if n == 0 { &hostile } else { &stealer };
        let f = first(rng);
        out.entry("urlhaus")
            .or_default()
            .push(sighting(IndicatorType::Url, v.clone(), f, threat));
        if n % 10 == 0 {
            out.entry("threatfox")
                .or_default()
                .push(sighting(IndicatorType::Url, v, f, threat));
        }
    }
    for n in 0..c.domains {
        let v = format!(
            "c2-{n}.{}.example",
            ["login-bank", "cdn-update", "mail"][n % 3]
        );
        let f = first(rng);
        out.entry("threatfox").or_default().push(sighting(
            IndicatorType::Domain,
            v.clone(),
            f,
            &phish,
        ));
        if n % 5 == 0 {
            out.entry("isac")
                .or_default()
                .push(sighting(IndicatorType::Domain, v, f, &phish));
        }
    }
    for n in 0..c.hashes {
        let f = first(rng);
        out.entry("threatfox").or_default().push(sighting(
            IndicatorType::Sha256,
            sha256(spec.seed, n),
            f,
            &stealer,
        ));
    }
    for n in 0..c.cidrs {
        let f = first(rng);
        out.entry("drop")
            .or_default()
            .push(sighting(IndicatorType::Cidr, cidr(n), f, &qakbot));
    }
    for n in 0..c.cves {
        // Added over the 120 days before now: a quarter fall in the last 30.
        let added = now - rng.i64(0..120 * DAY);
        out.entry("kev").or_default().push(kev(n, added, rng));
    }
    out
}

/// A CISA KEV entry as the `cisa_kev` parser keeps it.
fn kev(n: usize, added: i64, rng: &mut fastrand::Rng) -> Sighting {
    let vendor = ["Example Corp", "Acme", "Contoso<Labs>"][n % 3];
    let product = ["Gateway", "Router | VPN", "Mail Server"][n % 3];
    let day = added - added.rem_euclid(DAY);
    let due = ts(day + 21 * DAY).strftime("%Y-%m-%d").to_string();
    let mut tags = vec![
        Arc::<str>::from(crate::sources::cisa_kev::machine_tag("vendor", vendor)),
        Arc::from(crate::sources::cisa_kev::machine_tag("product", product)),
        Arc::from(crate::sources::cisa_kev::machine_tag("due", &due)),
    ];
    if rng.u8(0..4) == 0 {
        tags.push(Arc::from("ransomware"));
    }
    Sighting {
        kind: IndicatorType::Cve,
        value: format!("CVE-2026-{:05}", 1000 + n).into_boxed_str(),
        obs: Observation {
            first_seen: secs(day),
            threat: Some(Arc::from(format!(
                "{vendor} {product} remote code execution"
            ))),
            tags: tags.into(),
            ..Default::default()
        },
    }
}

/// How source `i`'s fetch at `t` went: `threatfox` fails with network errors on days
/// 12 to 16 before now, `urlhaus` with auth errors for its last 30 hours.
fn outcome(name: &str, t: i64, now: i64) -> FetchOutcome {
    let ago = now - t;
    match name {
        "threatfox" if (12 * DAY..16 * DAY).contains(&ago) => FetchOutcome::NetworkError,
        "urlhaus" if ago < 30 * 3_600 => FetchOutcome::AuthError,
        _ if ago % (7 * DAY) < FETCH_EVERY && ago > DAY => FetchOutcome::NotModified,
        _ => FetchOutcome::Ok,
    }
}

/// Writes the fixture into `store`: snapshots, fetch history, hits, marks.
///
/// # Errors
/// The first store call that fails.
pub async fn write(store: &dyn SnapshotStore, spec: &Spec) -> Result<Facts, PersistError> {
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let c = Counts::at(spec.scale);
    let now = spec.now.as_second();
    let mut sets = sets(spec, &c, &mut rng);
    let mut held = Vec::new();
    let mut failing = Vec::new();
    // Which sources hold a value, and its threat, for the hits' provenance.
    let mut holders: Holders = HashMap::new();
    for (name, kind) in SOURCES {
        let sightings = sets.remove(name).unwrap_or_default();
        for s in &sightings {
            let e = holders
                .entry((s.kind, s.value.clone()))
                .or_insert_with(|| (Vec::new(), s.obs.threat.clone()));
            e.0.push(name.into());
        }
        let n = sightings.len();
        let meta = SourceMeta {
            fetched_at: Some(spec.now),
            count: n,
            ..Default::default()
        };
        let (_, saved) = store
            .save(Snapshot {
                source: name.to_string(),
                kind,
                sightings,
                groups: Vec::new(),
                expires: HashMap::new(),
                incremental: false,
                meta,
                now: spec.now,
            })
            .await;
        saved?;
        held.push((name.to_string(), n));
        let mut last = FetchOutcome::Ok;
        let mut t = now - DAYS * DAY;
        while t < now {
            let at = t + rng.i64(0..600);
            last = outcome(name, at, now);
            let failed = !last.is_success();
            let record = FetchRecord {
                at: ts(at),
                outcome: last,
                count: if failed { 0 } else { n },
                bytes: if failed { 0 } else { 40 * n as u64 },
                duration: Duration::from_millis(if failed {
                    rng.u64(5_000..30_000)
                } else {
                    rng.u64(80..2_500)
                }),
                skipped: if failed { 0 } else { rng.usize(0..4) },
            };
            store.record(name.to_string(), record).await?;
            let skips: Vec<(String, usize)> = [
                (SKIP_REASONS[0], record.skipped.div_ceil(2)),
                (SKIP_REASONS[1], record.skipped / 2),
            ]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.to_string(), n))
            .collect();
            if !skips.is_empty() {
                store
                    .record_skips(name.to_string(), record.at, skips)
                    .await?;
            }
            t += FETCH_EVERY;
        }
        if !last.is_success() {
            failing.push(name.to_string());
        }
    }
    let hits = hits(spec, &c, &holders, &mut rng);
    let n_hits = hits.len();
    for part in hits.chunks(10_000) {
        store.save_hits(part.to_vec()).await?;
    }
    let marks = marks(store, spec, &mut rng).await?;
    Ok(Facts {
        held,
        hits: n_hits,
        marks,
        failing,
    })
}

/// The hittable values, most-hit first: the hostile URL, then a mix of every kind.
fn targets(c: &Counts, seed: u64) -> Vec<(IndicatorType, String, &'static str)> {
    let mut out = vec![(IndicatorType::Url, HOSTILE_URL.to_string(), "url.full")];
    let n = c.ips.min(c.domains).min(c.urls).min(c.hashes);
    for i in 0..n {
        let (k, v) = ip(i);
        out.push((k, v, "destination.ip"));
        out.push((
            IndicatorType::Domain,
            format!(
                "c2-{i}.{}.example",
                ["login-bank", "cdn-update", "mail"][i % 3]
            ),
            "dns.question.name",
        ));
        if i > 0 {
            out.push((
                IndicatorType::Url,
                format!("http://dl-{i}.payload.example/bin/{}.exe", i % 97),
                "url.full",
            ));
        }
        out.push((IndicatorType::Sha256, sha256(seed, i), "file.hash.sha256"));
    }
    out
}

/// Who holds each value (source names) and the threat the first names.
type Holders = HashMap<(IndicatorType, Box<str>), (Vec<Box<str>>, Option<Arc<str>>)>;

/// The hits of the last 30 days: a few values hit often, most rarely (a cubed uniform
/// index), 5% of them retro-hunt finds made days after the event; 9 in 10 name an
/// internal host (`ws-NN.corp.example`, a few hosts most often).
fn hits(spec: &Spec, c: &Counts, holders: &Holders, rng: &mut fastrand::Rng) -> Vec<LogHit> {
    let now = spec.now.as_second();
    let targets = targets(c, spec.seed);
    let mut out = Vec::with_capacity(c.hits);
    for n in 0..c.hits {
        let u = rng.f64();
        let i = ((u * u * u) * targets.len() as f64) as usize;
        let (kind, value, field) = &targets[i.min(targets.len() - 1)];
        let Some((sources, threat)) = holders.get(&(*kind, value.clone().into_boxed_str())) else {
            continue;
        };
        let sensor = SENSORS[rng.usize(0..SENSORS.len())];
        // Hits grow over the month: more in the last week than the first.
        let back = (rng.f64().sqrt() * (DAYS * DAY) as f64) as i64;
        let at = now - (DAYS * DAY) + back.min(DAYS * DAY - 1);
        let retro = rng.u8(0..20) == 0;
        let found = if retro {
            (at + rng.i64(DAY..5 * DAY)).min(now - 1)
        } else {
            at + rng.i64(0..5)
        };
        let module = if sensor == "dmz-zeek" {
            "zeek"
        } else {
            "suricata"
        };
        out.push(LogHit {
            at: ts(at),
            found: ts(found),
            sensor: sensor.into(),
            origin: Origin::File {
                path: format!("/var/log/{module}/eve.json").into(),
                offset: n as u64 * 512,
            },
            module: module.into(),
            field: (*field).into(),
            atomic: value.as_str().into(),
            kind: *kind,
            indicator: value.as_str().into(),
            sources: sources.clone().into_boxed_slice(),
            threat: threat.as_deref().map(Box::from),
            retro,
            host: (rng.u8(0..10) > 0).then(|| {
                let ws = (rng.f64().powi(2) * 40.0) as usize;
                format!("ws-{ws:02}.corp.example").into()
            }),
        });
    }
    out
}

/// Triage marks on the stored hits: the most-hit values confirmed as a whole, a few
/// values found false positives, single hits marked either way, and one undo.
async fn marks(
    store: &dyn SnapshotStore,
    spec: &Spec,
    rng: &mut fastrand::Rng,
) -> Result<usize, PersistError> {
    let rows = store
        .load_hit_rows(crate::store::persist::MAX_STORED_HITS)
        .await?;
    let now = spec.now.as_second();
    let mut n = 0;
    let mut seen: HashMap<(IndicatorType, Box<str>), usize> = HashMap::new();
    for (id, hit) in rows.iter().rev() {
        let key = (hit.kind, hit.indicator.clone());
        let k = seen.len();
        let count = seen.entry(key).or_insert(k);
        let pick = rng.u8(0..100);
        let mut mark = |verdict: Option<Verdict>, on_hit: bool| Mark {
            kind: hit.kind,
            indicator: hit.indicator.clone(),
            hit: on_hit.then_some(*id),
            verdict,
            note: None,
            by: "analyst@soc.example".into(),
            at: ts(now - rng.i64(0..7 * DAY)),
        };
        let marks: Vec<Mark> = match (*count == k, k % 9, pick) {
            // The first time a value comes up: confirm some, clear others.
            (true, 0, _) => vec![mark(Some(Verdict::TruePositive), false)],
            (true, 4, _) => vec![mark(Some(Verdict::FalsePositive), false)],
            (true, 7, _) => vec![mark(Some(Verdict::FalsePositive), false), mark(None, false)],
            // Single hits.
            (_, _, 0..3) => vec![mark(Some(Verdict::TruePositive), true)],
            (_, _, 3..5) => vec![mark(Some(Verdict::FalsePositive), true)],
            _ => Vec::new(),
        };
        for m in marks {
            store.save_mark(m).await?;
            n += 1;
        }
    }
    Ok(n)
}
