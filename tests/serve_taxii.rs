// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve`'s TAXII 2.1 collections read by clients written by others: OASIS's
//! `taxii2-client` pages with `added_after` and `next`, `stix2` parses every object,
//! `stix2-validator` passes them (all from the medallion venv; skipped with one line
//! without Python, failed under `CI=true`). The protocol's edges are checked over raw
//! HTTP.

#![allow(clippy::unwrap_used)]

mod medallion;
mod serve_common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use intellisiem::model::{IndicatorType, LogHit, Origin};
use serve_common::*;

/// The Python client: `full OUT` reads the `all` collection from the start; `delta IN
/// OUT` reads from the `X-TAXII-Date-Added-Last` that `IN` kept, and applies what it
/// reads (a revoked version removes the object). `OUT` gets the set it holds, the
/// counts, and the header to read on from. With `PARSE=N` every Nth object is parsed
/// by `stix2`; with `VALIDATE=1` each is checked by `stix2-validator`.
const CLIENT: &str = r#"
import json, os, sys, collections
from taxii2client.v21 import Server, as_pages

mode, url, user, pw = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
state = {"held": {}, "last": "2000-01-01T00:00:00Z"}
if mode == "delta":
    state = json.load(open(sys.argv[5]))
out = sys.argv[-1]
last = [None]
def hook(r, *a, **k):
    h = r.headers.get("X-TAXII-Date-Added-Last")
    if h and r.status_code == 200:
        last[0] = h
server = Server(url, user=user, password=pw)
root = server.api_roots[0]
col = next(c for c in root.collections if c.alias == "all")
# The header to read on from: the client keeps the last page's.
col._conn.session.hooks["response"].append(hook)
seen = collections.Counter()
types = collections.Counter()
revoked = 0
# PARSE=N: every Nth object is parsed by stix2.
parse = int(os.environ.get("PARSE", "0"))
validate = os.environ.get("VALIDATE") == "1"
problems = []
if parse:
    import stix2
if validate:
    from stix2validator import validate_instance, ValidationOptions
    opts = ValidationOptions(strict=False)
for env in as_pages(col.get_objects, per_request=int(os.environ.get("PAGE", "1000")), added_after=state["last"]):
    for o in env.get("objects", []):
        seen[o["id"]] += 1
        types[o["type"]] += 1
        if parse and sum(seen.values()) % parse == 0:
            stix2.parse(o, allow_custom=True)
        if validate:
            r = validate_instance(o, opts)
            if not r.is_valid:
                problems.append([o["id"], [str(e) for e in r.errors]])
        if o.get("revoked"):
            revoked += 1
            state["held"].pop(o["id"], None)
        elif o["type"] in ("indicator", "vulnerability"):
            state["held"][o["id"]] = o["name"]
if last[0]:
    state["last"] = last[0]
state["read"] = sum(seen.values())
state["dupes"] = sum(1 for n in seen.values() if n > 1)
state["types"] = dict(types)
state["revoked"] = revoked
state["problems"] = problems[:20]
json.dump(state, open(out, "w"))
"#;

fn python(module: &str) -> Option<std::path::PathBuf> {
    match medallion::python_with(module) {
        Ok(p) => Some(p),
        Err(why) => {
            medallion::unavailable(&why);
            None
        }
    }
}

/// Runs the client; its state.
fn client(py: &Path, home: &Home, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let script = home.dir.path().join("client.py");
    std::fs::write(&script, CLIENT).unwrap();
    let out = home.dir.path().join(format!("state-{}.json", rand_tag()));
    let o = Command::new(py)
        .arg(&script)
        .args(args)
        .arg(&out)
        .envs(env.iter().copied())
        .output()
        .expect("python");
    assert!(
        o.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

fn rand_tag() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn ips(n: usize, third: u8) -> Vec<String> {
    (0..n)
        .map(|i| format!("10.{third}.{}.{}", i / 256, i % 256))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn taxii2_client_reads_100k_indicators_once_each_with_added_after() {
    let Some(py) = python("taxii2client") else {
        return;
    };
    let home = home("");
    save_ips(&home.db, &ips(100_000, 1)).await;
    let server = start(&home, &[]);
    let url = format!("http://{}/taxii2/", server.addr);
    // stix2 parses one object in 20 here (all of them, of every type, in the validator's
    // test below): parsing 100,000 takes it longer than the whole read.
    let s = client(
        &py,
        &home,
        &["full", &url, "panos", PANOS_PW],
        &[("PARSE", "20")],
    );
    assert_eq!(s["dupes"], 0, "{s}");
    assert_eq!(s["types"]["indicator"], 100_000);
    assert_eq!(s["types"]["identity"], 1);
    assert_eq!(s["read"], 100_001);
    assert_eq!(s["held"].as_object().unwrap().len(), 100_000);
    // Nothing new: the next read from the header gets nothing, and keeps its place.
    let state = home.dir.path().join("full.json");
    std::fs::write(&state, s.to_string()).unwrap();
    let again = client(
        &py,
        &home,
        &["delta", &url, "panos", PANOS_PW, state.to_str().unwrap()],
        &[],
    );
    assert_eq!(again["read"], 0);
    assert_eq!(again["last"], s["last"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incremental_client_ends_with_exactly_the_new_set() {
    let Some(py) = python("taxii2client") else {
        return;
    };
    let home = home("");
    let before = ips(3_000, 2);
    save_ips(&home.db, &before).await;
    let server = start(&home, &[]);
    let url = format!("http://{}/taxii2/", server.addr);
    // Small pages, so the refresh can land between them on a slow machine too.
    let s = client(
        &py,
        &home,
        &["full", &url, "panos", PANOS_PW],
        &[("PAGE", "250")],
    );
    assert_eq!(s["held"].as_object().unwrap().len(), 3_000);
    // A refresh: 500 leave, 700 come.
    let after: Vec<String> = before[500..].iter().cloned().chain(ips(700, 3)).collect();
    let before_save = snapshot_number(server.addr);
    save_ips(&home.db, &after).await;
    assert!(
        eventually(Duration::from_secs(30), || snapshot_number(server.addr)
            > before_save),
        "the new snapshot was not served"
    );
    let state = home.dir.path().join("s1.json");
    std::fs::write(&state, s.to_string()).unwrap();
    let d = client(
        &py,
        &home,
        &["delta", &url, "panos", PANOS_PW, state.to_str().unwrap()],
        &[("PAGE", "100")],
    );
    assert_eq!(d["revoked"], 500, "{}", d["types"]);
    assert_eq!(d["types"]["indicator"], 1_200, "500 revoked and 700 new");
    let mut held: Vec<String> = d["held"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    held.sort();
    let mut want = after.clone();
    want.sort();
    assert_eq!(held, want);
}

/// Saves `values` as feodo's snapshot, IPv4s of confidence 80.
async fn save_ips(db: &Path, values: &[String]) {
    let rows: Vec<(IndicatorType, &str, u8)> = values
        .iter()
        .map(|v| (IndicatorType::Ipv4, v.as_str(), 80))
        .collect();
    save(db, "feodo", &rows).await;
}

fn hit(value: &str, sensor: &str, ago: i64) -> LogHit {
    let at = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() - ago).unwrap();
    LogHit {
        at,
        found: at,
        sensor: sensor.into(),
        origin: Origin::File {
            path: "/var/log/suricata/eve.json".into(),
            offset: ago as u64,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: value.into(),
        kind: IndicatorType::Ipv4,
        indicator: value.into(),
        sources: Box::new(["feodo".into()]),
        threat: None,
        retro: false,
        host: Some("198.51.100.20".into()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_object_passes_stix2_validator() {
    let Some(py) = python("stix2validator") else {
        return;
    };
    use IndicatorType::*;
    let home = home("");
    fill(&home.db).await;
    save(
        &home.db,
        "urlhaus",
        &[
            (Url, "http://bad.example/x.exe", 80),
            (Domain, "bad.example", 70),
            (Ipv4, "192.0.2.10", 80),
            (Sha256, &"ab".repeat(32), 60),
            (Md5, &"cd".repeat(16), 60),
            (Email, "phish@bad.example", 60),
            (Cve, "CVE-2024-3400", 90),
        ],
    )
    .await;
    {
        let (store, _) = intellisiem::store::persist::open(Some(&home.db));
        let store = store.unwrap();
        store
            .save_hits(vec![
                hit("192.0.2.10", "zeek-dmz", 60),
                hit("192.0.2.10", "zeek-dmz", 30),
                hit("192.0.2.10", "suricata-core", 10),
            ])
            .await
            .unwrap();
    }
    let server = start(&home, &[]);
    // One value leaves, so a revoked version is among the objects.
    let before_save = snapshot_number(server.addr);
    save(&home.db, "feodo", &[(Ipv4, "192.0.2.10", 90)]).await;
    assert!(eventually(Duration::from_secs(30), || snapshot_number(
        server.addr
    ) > before_save));
    let url = format!("http://{}/taxii2/", server.addr);
    let s = client(
        &py,
        &home,
        &["full", &url, "panos", PANOS_PW],
        &[("PARSE", "1"), ("VALIDATE", "1")],
    );
    assert_eq!(s["problems"], serde_json::json!([]), "{s}");
    assert!(s["revoked"].as_u64().unwrap() >= 3, "{s}");
    assert_eq!(s["types"]["vulnerability"], 1);
    // The hits collection: the indicator, its two sightings, the two sensors, ours.
    let auth = basic("panos", PANOS_PW);
    let (st, text) = raw(
        server.addr,
        "/taxii2/api/collections/hits/objects/",
        &[("Authorization", &auth)],
    );
    // `panos` may read `all` and `feodo` only.
    assert_eq!(st, 403, "{text}");
    let bearer = format!("Bearer {TOKEN}");
    let (st, text) = raw(
        server.addr,
        "/taxii2/api/collections/hits/objects/",
        &[("Authorization", &bearer)],
    );
    assert_eq!(st, 200, "{text}");
    let body: serde_json::Value =
        serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let mut types: Vec<&str> = body["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "identity",
            "identity",
            "identity",
            "indicator",
            "sighting",
            "sighting"
        ]
    );
    let zeek = body["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["type"] == "sighting" && o["count"] == 2)
        .expect("zeek-dmz's two hits");
    assert!(
        zeek["where_sighted_refs"][0]
            .as_str()
            .unwrap()
            .starts_with("identity--")
    );
}

fn header<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn body(text: &str) -> serde_json::Value {
    serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap_or("")).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_protocol_edges() {
    let home = home("");
    fill(&home.db).await;
    let server = start(&home, &[]);
    let a = server.addr;
    let auth = basic("panos", PANOS_PW);
    let taxii = "application/taxii+json;version=2.1";
    let many_types = format!(
        "/taxii2/api/collections/all/objects/?match[type]={}",
        (0..101)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let get = |path: &str, accept: &str| {
        raw(
            a,
            path,
            &[("Authorization", auth.as_str()), ("Accept", accept)],
        )
    };
    // Discovery names the API root, relative to where it was asked.
    let (st, text) = get("/taxii2/", taxii);
    assert_eq!(st, 200, "{text}");
    assert_eq!(header(&text, "content-type"), Some(taxii));
    assert_eq!(body(&text)["api_roots"][0], "/taxii2/api/");
    let (st, text) = get("/taxii2/api/", taxii);
    assert_eq!(
        (st, body(&text)["versions"][0].as_str()),
        (200, Some(taxii))
    );
    // Collections: the ones `panos` may read.
    let (_, text) = get("/taxii2/api/collections/", taxii);
    let aliases: Vec<String> = body(&text)["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["alias"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(aliases, ["all", "feodo"]);
    let id = body(&text)["collections"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, text) = get(&format!("/taxii2/api/collections/{id}/"), taxii);
    assert_eq!((st, body(&text)["alias"].as_str()), (200, Some("all")));
    // Unsupported Accept: 406, as a TAXII error.
    let (st, text) = get("/taxii2/api/collections/all/objects/", "text/html");
    assert_eq!(st, 406);
    assert_eq!(body(&text)["http_status"], "406");
    // No credentials: 401 as a TAXII error, with the challenge.
    let (st, text) = raw(a, "/taxii2/", &[]);
    assert_eq!(st, 401);
    assert_eq!(body(&text)["http_status"], "401");
    assert!(header(&text, "www-authenticate").is_some());
    // Unknown collection, object, bad query: 404, 404, 400; each a TAXII error.
    for (path, want) in [
        ("/taxii2/api/collections/nope/objects/", 404),
        (
            "/taxii2/api/collections/all/objects/indicator--00000000-0000-4000-8000-000000000000/",
            404,
        ),
        (
            "/taxii2/api/collections/all/objects/?added_after=yesterday",
            400,
        ),
        ("/taxii2/api/collections/all/objects/?next=%2e%2e", 400),
        ("/taxii2/api/collections/all/objects/?match[bogus]=1", 400),
        (&many_types, 400),
        ("/taxii2/api/nothing/", 404),
    ] {
        let (st, text) = get(path, taxii);
        assert_eq!(st, want, "{path}: {text}");
        assert_eq!(header(&text, "content-type"), Some(taxii), "{path}");
        assert!(body(&text)["title"].is_string(), "{path}: {text}");
    }
    // Paging with a filter: every page has the date headers; `next` carries on.
    let (st, text) = get(
        "/taxii2/api/collections/all/objects/?limit=2&match[type]=indicator",
        taxii,
    );
    assert_eq!(st, 200);
    let page = body(&text);
    assert_eq!(page["objects"].as_array().unwrap().len(), 2);
    assert_eq!(page["more"], true);
    let first = header(&text, "x-taxii-date-added-first")
        .unwrap()
        .to_string();
    let last = header(&text, "x-taxii-date-added-last")
        .unwrap()
        .to_string();
    assert!(first < last);
    let next = page["next"].as_str().unwrap();
    let (_, text) = get(
        &format!(
            "/taxii2/api/collections/all/objects/?limit=100&match[type]=indicator&next={next}"
        ),
        taxii,
    );
    let rest = body(&text);
    assert_eq!(rest["objects"].as_array().unwrap().len(), 4, "six in all");
    assert_eq!(rest["more"], false);
    // An empty page still says where the client stands: at the newest object, not at a
    // start in the future, which would skip what comes until then.
    let (st, text) = get(
        "/taxii2/api/collections/all/objects/?added_after=2100-01-01T00:00:00Z",
        taxii,
    );
    assert_eq!(st, 200);
    assert_eq!(body(&text), serde_json::json!({ "more": false }));
    let newest = header(&text, "x-taxii-date-added-last").unwrap();
    assert!(newest.starts_with("20") && newest < "2100", "{newest}");
    assert_eq!(header(&text, "x-taxii-date-added-first"), Some(newest));
    // One object, its versions, and the manifest agree.
    let ind = &page["objects"][0];
    let oid = ind["id"].as_str().unwrap();
    let (_, text) = get(
        &format!("/taxii2/api/collections/all/objects/{oid}/"),
        taxii,
    );
    assert_eq!(body(&text)["objects"][0], *ind);
    let (_, text) = get(
        &format!("/taxii2/api/collections/all/objects/{oid}/versions/"),
        taxii,
    );
    assert_eq!(body(&text)["versions"][0], ind["modified"]);
    let (_, text) = get(
        &format!("/taxii2/api/collections/all/manifest/?match[id]={oid}"),
        taxii,
    );
    let m = &body(&text)["objects"][0];
    assert_eq!((&m["id"], &m["version"]), (&ind["id"], &ind["modified"]));
    assert_eq!(m["media_type"], "application/stix+json;version=2.1");
    // The same id as `fetch --format stix` gives.
    let want =
        intellisiem::export::stix::stix_uuid(IndicatorType::Ipv4, ind["name"].as_str().unwrap());
    assert_eq!(oid, format!("indicator--{want}"));
    // A collection `limited` may not read: 403; its own: 200.
    let lim = basic("limited", LIMITED_PW);
    let (st, _) = raw(
        a,
        "/taxii2/api/collections/all/objects/",
        &[("Authorization", &lim)],
    );
    assert_eq!(st, 403);
    let (st, text) = raw(
        a,
        "/taxii2/api/collections/urlhaus/objects/",
        &[("Authorization", &lim)],
    );
    assert_eq!(st, 200);
    assert_eq!(
        body(&text)["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["type"] == "indicator")
            .count(),
        3
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_token_stays_valid_when_the_snapshot_is_replaced_mid_paging() {
    let home = home("");
    let before = ips(300, 4);
    save_ips(&home.db, &before).await;
    let server = start(&home, &[]);
    let auth = basic("panos", PANOS_PW);
    let page = |query: &str| {
        let (st, text) = raw(
            server.addr,
            &format!("/taxii2/api/collections/all/objects/?limit=100&match[type]=indicator{query}"),
            &[("Authorization", &auth)],
        );
        assert_eq!(st, 200, "{text}");
        body(&text)
    };
    let mut held = std::collections::BTreeSet::new();
    let mut apply = |p: &serde_json::Value| {
        for o in p["objects"].as_array().into_iter().flatten() {
            let name = o["name"].as_str().unwrap().to_string();
            if o["revoked"] == true {
                held.remove(&name);
            } else {
                held.insert(name);
            }
        }
    };
    let first = page("");
    apply(&first);
    assert_eq!(first["more"], true);
    // A refresh lands between two pages: 50 read (of the first 100) and the last 50
    // (unread) leave, 80 come.
    let after: Vec<String> = before[..250]
        .iter()
        .filter(|v| !before[50..100].contains(v))
        .cloned()
        .chain(ips(80, 5))
        .collect();
    let before_save = snapshot_number(server.addr);
    save_ips(&home.db, &after).await;
    assert!(eventually(Duration::from_secs(30), || snapshot_number(
        server.addr
    ) > before_save));
    let mut next = first["next"].as_str().unwrap().to_string();
    loop {
        let p = page(&format!("&next={next}"));
        apply(&p);
        if p["more"] != true {
            break;
        }
        next = p["next"].as_str().unwrap().to_string();
    }
    let mut want: Vec<String> = after.clone();
    want.sort();
    want.dedup();
    assert_eq!(held.into_iter().collect::<Vec<_>>(), want);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_hit_reaches_the_hits_collection_without_a_fetch() {
    let home = home("");
    fill(&home.db).await;
    let server = start(&home, &[]);
    let bearer = format!("Bearer {TOKEN}");
    let sightings = || {
        let (_, text) = raw(
            server.addr,
            "/taxii2/api/collections/hits/objects/?match[type]=sighting",
            &[("Authorization", &bearer)],
        );
        body(&text)["objects"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(sightings(), 0);
    let (store, _) = intellisiem::store::persist::open(Some(&home.db));
    store
        .unwrap()
        .save_hits(vec![hit("192.0.2.10", "zeek-dmz", 5)])
        .await
        .unwrap();
    // New hits alone are read at most every 20 s.
    assert!(
        eventually(Duration::from_secs(50), || sightings() == 1),
        "the sighting was not served"
    );
}
