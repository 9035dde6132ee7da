// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Every source against a local mock server: success, paging, auth failures, rate limits,
//! server errors, broken and oversized bodies, and slow servers.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use common::*;
use intellisiem::config::{Config, SourceSpec};
use intellisiem::engine;
use intellisiem::model::IndicatorType;
use intellisiem::net::NetError;
use intellisiem::sources::{self, FetchContext, FetchError, ParseError};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn no_env(_: &str) -> Option<String> {
    None
}

fn config(yaml: &str) -> Config {
    Config::from_yaml(
        yaml,
        Path::new("test.yaml"),
        &no_env,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .config
}

/// A one-source config with fast retries, for `kind` at `url`.
/// The abuse.ch kinds get an `api_url` on the mock too, so a key never sends a test
/// to the real API.
fn one(kind: &str, url: &str, extra: &str, http: &str) -> (Config, SourceSpec) {
    let api = if matches!(kind, "urlhaus" | "threatfox") && !extra.contains("api_url") {
        format!(", api_url: \"{url}/api/\"")
    } else {
        String::new()
    };
    let yaml = format!(
        "api_keys: {{ alien_vault: \"{OTX_KEY}\", virus_total: \"{VT_KEY}\", abuse_ch: \"{ABUSE_KEY}\" }}\n\
         http: {{ {} }}\n\
         sources:\n  - {{ name: s, kind: {kind}, url: \"{url}\"{extra}{api} }}\n",
        http_fields(http)
    );
    let c = config(&yaml);
    let spec = c.sources[0].clone();
    (c, spec)
}

/// Fast test defaults for `http:`, overridden by the fields in `extra`.
fn http_fields(extra: &str) -> String {
    let mut fields: Vec<String> = ["timeout: 2s", "retries: 2", "backoff: 10ms"]
        .into_iter()
        .filter(|d| {
            let key = d.split(':').next().unwrap_or_default();
            !extra.contains(&format!("{key}:"))
        })
        .map(String::from)
        .collect();
    fields.extend(
        extra
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(String::from),
    );
    fields.join(", ")
}

async fn fetch(c: &Config, spec: &SourceSpec) -> Result<sources::FetchOutput, FetchError> {
    let ctx = FetchContext::new(c).expect("client");
    sources::fetch(&ctx, spec, &Default::default()).await
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[tokio::test]
async fn the_sample_config_yields_every_source_merged() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let c = config(&sample_config(&server.uri()));
    let ctx = FetchContext::new(&c).unwrap();
    let (mut runs, notes) = engine::run(&c, &ctx, None, &c.sources, |_| {}).await;
    assert!(notes.is_empty());
    for r in &runs {
        assert!(
            matches!(r.outcome, engine::RunOutcome::Ok(_)),
            "{}: {:?}",
            r.name,
            r.outcome
        );
        assert!(r.count > 0, "{} returned nothing", r.name);
    }
    let store = engine::merge(&mut runs);
    // 45.0.0.3 is reported by feodo, threatfox, otx and looked up on VirusTotal.
    let e = store
        .get(store.find(IndicatorType::Ipv4, "45.0.0.3").unwrap())
        .unwrap();
    let names: Vec<&str> = e.source_ids().map(|i| store.source_name(i)).collect();
    assert_eq!(names, ["otx", "feodo", "threatfox", "vt"]);
    assert_eq!(e.ports(), [443]);
    // VirusTotal's verdict is the value's enrichment, beside the set.
    let vt = store
        .enrichments()
        .virustotal(IndicatorType::Ipv4, "45.0.0.3");
    assert_eq!(vt.unwrap().malicious, 8);
    // OTX page 2 was followed and refanged.
    assert!(
        store
            .find(IndicatorType::Url, "http://page2.example/x")
            .is_some()
    );
    assert!(store.find(IndicatorType::Cve, "CVE-2021-44228").is_some());
    let evil = store
        .get(store.find(IndicatorType::Domain, "evil.example").unwrap())
        .unwrap();
    assert_eq!(evil.sightings.len(), 2, "threatfox and vt");
}

#[tokio::test]
async fn otx_sends_key_and_modified_since_and_follows_next() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let (c, spec) = one(
        "otx",
        &format!("{}/otx/api/v1", server.uri()),
        ", lookback: 2d",
        "",
    );
    let out = fetch(&c, &spec).await.unwrap();
    assert_eq!(out.requests, 2);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    let first = &reqs[0].url;
    let q: Vec<(String, String)> = first.query_pairs().into_owned().collect();
    assert!(q.iter().any(|(k, v)| k == "limit" && v == "50"));
    let since = q.iter().find(|(k, _)| k == "modified_since").unwrap();
    let since: jiff::civil::DateTime = since.1.parse().unwrap();
    let age = jiff::Timestamp::now().as_second()
        - jiff::tz::TimeZone::UTC
            .to_timestamp(since)
            .unwrap()
            .as_second();
    assert!((age - 48 * 3600).abs() <= 60, "{age}s");
    assert!(
        out.batch
            .sightings
            .iter()
            .any(|s| &*s.value == "page2.example")
    );
}

#[tokio::test]
async fn otx_next_to_another_origin_is_refused_and_the_key_never_leaves() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(otx_page2()))
        .mount(&other)
        .await;
    let mut page = otx_page1(&server.uri());
    page["next"] = serde_json::json!(format!("{}/steal?page=2", other.uri()));
    Mock::given(path("/otx/api/v1/pulses/subscribed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let (c, spec) = one("otx", &format!("{}/otx/api/v1", server.uri()), "", "");
    let err = fetch(&c, &spec).await.unwrap_err();
    assert!(matches!(err, FetchError::Refused(_)), "{err}");
    assert!(err.to_string().contains("another origin"), "{err}");
    assert_eq!(
        requests(&other).await,
        0,
        "nothing was sent to the other host"
    );
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_key() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(otx_page2()))
        .mount(&other)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/x", other.uri())),
        )
        .mount(&server)
        .await;
    let (c, spec) = one("otx", &format!("{}/otx/api/v1", server.uri()), "", "");
    let err = fetch(&c, &spec).await.unwrap_err();
    assert!(err.to_string().contains("redirect refused"), "{err}");
    assert_eq!(requests(&other).await, 0);
}

#[tokio::test]
async fn keyless_feeds_follow_at_most_five_redirects() {
    let server = MockServer::start().await;
    for i in 0..10 {
        Mock::given(path(format!("/r{i}")))
            .respond_with(
                ResponseTemplate::new(302).insert_header("location", format!("/r{}", i + 1)),
            )
            .mount(&server)
            .await;
    }
    Mock::given(path("/r10"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let (c, spec) = one("feodo", &format!("{}/r5", server.uri()), "", ", retries: 0");
    assert!(fetch(&c, &spec).await.is_ok(), "five redirects are fine");
    let (c, spec) = one("feodo", &format!("{}/r0", server.uri()), "", ", retries: 0");
    let err = fetch(&c, &spec).await.unwrap_err();
    assert!(err.to_string().contains("redirect"), "{err}");
}

/// A good reply for one source kind: `(kind, path, body, extra config)`.
fn good(kind: &str) -> (&'static str, Vec<u8>, &'static str) {
    match kind {
        "urlhaus" => ("/dump/", fixture("urlhaus/csv_recent.csv"), ""),
        "feodo" => ("/feodo.json", fixture("feodo/ipblocklist.json"), ""),
        "threatfox" => ("/tf.json", fixture("threatfox/recent.json"), ""),
        "cisa_kev" => (
            "/kev.json",
            fixture("cisa_kev/known_exploited_vulnerabilities.json"),
            "",
        ),
        "plain_list" => ("/list.txt", fixture("plain_list/compromised-ips.txt"), ""),
        "spamhaus_drop" => ("/drop.json", fixture("spamhaus_drop/drop_v4.json"), ""),
        _ => unreachable!(),
    }
}

const DUMPS: [&str; 6] = [
    "urlhaus",
    "feodo",
    "threatfox",
    "cisa_kev",
    "plain_list",
    "spamhaus_drop",
];

/// The dump kinds without their abuse.ch key, so they use the dumps.
fn dump_spec(kind: &str, url: &str, http: &str) -> (Config, SourceSpec) {
    let yaml = format!(
        "http: {{ {} }}\n\
         sources:\n  - {{ name: s, kind: {kind}, url: \"{url}\" }}\n",
        http_fields(http)
    );
    let c = config(&yaml);
    let spec = c.sources[0].clone();
    (c, spec)
}

#[tokio::test]
async fn every_dump_succeeds_and_survives_a_500_first() {
    for kind in DUMPS {
        let server = MockServer::start().await;
        let (p, body, _) = good(kind);
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(body))
            .mount(&server)
            .await;
        let (c, spec) = dump_spec(kind, &format!("{}{p}", server.uri()), "");
        let out = fetch(&c, &spec)
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(!out.batch.sightings.is_empty(), "{kind}");
        assert_eq!(requests(&server).await, 2, "{kind}: one retry");
        let ua = server.received_requests().await.unwrap()[0]
            .headers
            .get("user-agent")
            .map(|v| v.to_str().unwrap().to_string());
        assert!(ua.unwrap().starts_with("intellisiem/"), "{kind}");
    }
}

#[tokio::test]
async fn every_dump_gives_up_after_bounded_retries_on_500() {
    for kind in DUMPS {
        let server = MockServer::start().await;
        let (p, _, _) = good(kind);
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(503).set_body_string("<h1>\x1b[31mdown</h1>"))
            .mount(&server)
            .await;
        let (c, spec) = dump_spec(kind, &format!("{}{p}", server.uri()), "");
        let err = fetch(&c, &spec).await.unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("HTTP 503"), "{kind}: {msg}");
        assert!(!msg.contains('\x1b'), "{kind}: server text is sanitised");
        assert_eq!(requests(&server).await, 3, "{kind}: first try + 2 retries");
    }
}

#[tokio::test]
async fn invalid_and_truncated_documents_fail_the_fetch() {
    for kind in ["feodo", "threatfox", "cisa_kev", "urlhaus"] {
        let server = MockServer::start().await;
        let (p, body, _) = good(kind);
        let cut = match kind {
            "urlhaus" => b"<html>Service unavailable</html>".to_vec(),
            _ => body[..body.len() / 2].to_vec(),
        };
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(cut))
            .mount(&server)
            .await;
        let (c, spec) = dump_spec(kind, &format!("{}{p}", server.uri()), "");
        let err = fetch(&c, &spec).await.unwrap_err();
        assert!(matches!(err, FetchError::Parse(_)), "{kind}: {err}");
    }
}

#[tokio::test]
async fn a_body_cut_off_mid_transfer_is_an_error() {
    // A raw server that promises 1000 bytes and sends 100.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/json\r\n\r\n[")
                .await;
            let _ = sock.write_all(&[b' '; 99]).await;
            let _ = sock.shutdown().await;
        }
    });
    let (c, spec) = dump_spec("feodo", &format!("http://{addr}/feodo.json"), "");
    let err = fetch(&c, &spec).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Net(NetError::Body { .. })),
        "{err:?}"
    );
    assert_eq!(
        served.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "retried twice"
    );
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused_even_when_gzipped() {
    let server = MockServer::start().await;
    let big = vec![b'1'; 3 << 20];
    Mock::given(path("/plain"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(big.clone()))
        .mount(&server)
        .await;
    // A gzip bomb: 20 MiB of zeros compress to a few KiB.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 20 << 20]).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 100_000);
    Mock::given(path("/bomb"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(bomb),
        )
        .mount(&server)
        .await;
    for p in ["/plain", "/bomb"] {
        let (c, spec) = dump_spec(
            "plain_list",
            &format!("{}{p}", server.uri()),
            ", max_body: 1MiB",
        );
        let err = fetch(&c, &spec).await.unwrap_err();
        assert!(
            matches!(
                err,
                FetchError::Net(NetError::TooLarge { limit: 1048576, .. })
            ),
            "{p}: {err}"
        );
    }
}

#[tokio::test]
async fn gzip_bodies_are_decompressed() {
    let server = MockServer::start().await;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&fixture("feodo/ipblocklist.json")).unwrap();
    Mock::given(path("/f.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(gz.finish().unwrap()),
        )
        .mount(&server)
        .await;
    let (c, spec) = dump_spec("feodo", &format!("{}/f.json", server.uri()), "");
    assert_eq!(fetch(&c, &spec).await.unwrap().batch.sightings.len(), 3);
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("[]")
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let yaml = format!(
        "http: {{ timeout: 300ms, retries: 1, backoff: 10ms }}\n\
         sources:\n  - {{ name: s, kind: feodo, url: \"{}/slow\" }}\n",
        server.uri()
    );
    let c = config(&yaml);
    let started = std::time::Instant::now();
    let err = fetch(&c, &c.sources[0]).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Net(NetError::Timeout { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("timed out after 300ms"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn rate_limits_with_and_without_retry_after() {
    for retry_after in [Some("1"), None] {
        let server = MockServer::start().await;
        let mut tpl = ResponseTemplate::new(429);
        if let Some(ra) = retry_after {
            tpl = tpl.insert_header("retry-after", ra);
        }
        Mock::given(path("/f.json"))
            .respond_with(tpl)
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/f.json"))
            .respond_with(
                ResponseTemplate::new(200).set_body_bytes(fixture("feodo/ipblocklist.json")),
            )
            .mount(&server)
            .await;
        let (c, spec) = dump_spec("feodo", &format!("{}/f.json", server.uri()), "");
        let started = std::time::Instant::now();
        let out = fetch(&c, &spec)
            .await
            .unwrap_or_else(|e| panic!("{retry_after:?}: {e}"));
        assert_eq!(out.batch.sightings.len(), 3);
        assert_eq!(requests(&server).await, 2);
        if retry_after.is_some() {
            assert!(
                started.elapsed() >= Duration::from_millis(950),
                "Retry-After honoured"
            );
        }
    }
}

#[tokio::test]
async fn a_persistent_429_is_reported_as_rate_limited() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let (c, spec) = dump_spec("feodo", &format!("{}/f.json", server.uri()), "");
    let err = fetch(&c, &spec).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert!(err.to_string().contains("retry after 1h"), "{err}");
    assert_eq!(
        requests(&server).await,
        1,
        "an hour is past max_retry_wait: no waiting"
    );
}

#[tokio::test]
async fn wrong_keys_stop_at_once_with_a_clear_message() {
    for (kind, status) in [
        ("otx", 403),
        ("virustotal", 401),
        ("threatfox", 401),
        ("urlhaus", 403),
    ] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_string(
                r#"{"error":{"code":"WrongCredentialsError","message":"Wrong API key"}}"#,
            ))
            .mount(&server)
            .await;
        let extra = if kind == "virustotal" {
            ", watch: [\"45.0.0.3\"]"
        } else {
            ""
        };
        let (c, spec) = one(kind, &format!("{}/api", server.uri()), extra, "");
        let err = fetch(&c, &spec).await.unwrap_err();
        assert!(err.is_auth(), "{kind}: {err}");
        let msg = err.to_string();
        assert!(msg.contains("API key was refused"), "{kind}: {msg}");
        for key in [OTX_KEY, VT_KEY, ABUSE_KEY] {
            assert!(!msg.contains(key), "{kind}: key in message");
        }
        assert_eq!(requests(&server).await, 1, "{kind}: no retry on {status}");
    }
}

#[tokio::test]
async fn keyless_403_is_access_denied_not_a_key_problem() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    let (c, spec) = dump_spec("feodo", &format!("{}/f.json", server.uri()), "");
    let msg = fetch(&c, &spec).await.unwrap_err().to_string();
    assert!(msg.contains("access denied (HTTP 403)"), "{msg}");
}

#[tokio::test]
async fn urlhaus_with_a_key_adds_the_api_and_sends_auth_key() {
    let server = MockServer::start().await;
    Mock::given(path("/dump/"))
        .and(header("auth-key", ABUSE_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture("urlhaus/csv_recent.csv")))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/urls/recent/"))
        .and(header("auth-key", ABUSE_KEY))
        .respond_with(
            ResponseTemplate::new(200).set_body_bytes(fixture("urlhaus/urls_recent.json")),
        )
        .mount(&server)
        .await;
    let api = format!(", api_url: \"{}/api/v1\"", server.uri());
    let (c, spec) = one("urlhaus", &format!("{}/dump/", server.uri()), &api, "");
    let out = fetch(&c, &spec).await.unwrap();
    assert_eq!(out.requests, 2);
    assert_eq!(out.batch.sightings.len(), 5);
}

#[tokio::test]
async fn abusech_body_errors_are_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tf/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"query_status":"unknown_auth_key"}"#),
        )
        .mount(&server)
        .await;
    let api = format!(", api_url: \"{}/tf/\"", server.uri());
    let (c, spec) = one("threatfox", &format!("{}/export", server.uri()), &api, "");
    let err = fetch(&c, &spec).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "API error: ThreatFox API answered `unknown_auth_key`"
    );
}

#[tokio::test]
async fn threatfox_with_a_key_posts_get_iocs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tf/"))
        .and(header("auth-key", ABUSE_KEY))
        .and(wiremock::matchers::body_json(
            serde_json::json!({"query": "get_iocs", "days": 3}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture("threatfox/get_iocs.json")))
        .mount(&server)
        .await;
    let api = format!(", api_url: \"{}/tf/\", lookback: 3d", server.uri());
    let (c, spec) = one("threatfox", &format!("{}/export", server.uri()), &api, "");
    let out = fetch(&c, &spec).await.unwrap();
    assert_eq!(out.batch.sightings.len(), 2);
}

/// The watch list is the user's own: each watched value is held as it is, with no date,
/// tag or threat of VirusTotal's, and VirusTotal's answer (a verdict, or "not known") is
/// the value's enrichment.
#[tokio::test]
async fn virustotal_watched_values_are_held_and_their_verdicts_are_enrichment() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    Mock::given(path("/vt/api/v3/files/44d88612fea8a8f36de82e1278abb02f"))
        .respond_with(
            ResponseTemplate::new(404).set_body_bytes(fixture("virustotal/not_found.json")),
        )
        .mount(&server)
        .await;
    let url = format!("{}/vt/api/v3", server.uri());
    let (c, spec) = one(
        "virustotal",
        &url,
        ", watch: [\"45.0.0.3\", \"evil.example\", \"44D88612FEA8A8F36DE82E1278ABB02F\", \"CVE-2024-3094\"]",
        "",
    );
    let out = fetch(&c, &spec).await.unwrap();
    let values: Vec<&str> = out.batch.sightings.iter().map(|s| &*s.value).collect();
    assert_eq!(
        values,
        [
            "45.0.0.3",
            "evil.example",
            "44d88612fea8a8f36de82e1278abb02f"
        ]
    );
    assert_eq!(out.batch.skipped.total(), 1, "VirusTotal looks up no CVE");
    for s in &out.batch.sightings {
        assert_eq!(
            s.obs,
            Default::default(),
            "{}: no date, tag or threat",
            s.value
        );
    }
    assert_eq!(out.answers.len(), 3);
    let ip = out
        .answers
        .iter()
        .find(|a| &*a.value == "45.0.0.3")
        .unwrap();
    let vt = ip.verdict.as_ref().and_then(|v| v.virustotal).unwrap();
    assert_eq!(
        (vt.malicious, vt.suspicious, vt.harmless, vt.undetected),
        (8, 1, 83, 7)
    );
    assert_eq!(&*ip.service, spec.name.as_str());
    let unknown = out
        .answers
        .iter()
        .find(|a| a.kind == IndicatorType::Md5)
        .unwrap();
    assert_eq!(unknown.verdict, None, "404: not known to VirusTotal");
}

#[tokio::test]
async fn virustotal_quota_errors_are_read_from_the_body() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":"BadRequestError","message":"bad \u001b]0;x\u0007 input"}}"#,
        ))
        .mount(&server)
        .await;
    let (c, spec) = one(
        "virustotal",
        &server.uri(),
        ", watch: [\"evil.example\"]",
        "",
    );
    let msg = fetch(&c, &spec).await.unwrap_err().to_string();
    assert!(
        msg.starts_with("API error: VirusTotal BadRequestError: bad \\x1b]0;x\\x07 input"),
        "{msg}"
    );
}

#[tokio::test]
async fn virustotal_token_bucket_limits_lookups() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture("virustotal/domain.json")))
        .mount(&server)
        .await;
    // 2 per minute, 3 per day: the third lookup hits the daily quota... after waiting
    // for the minute bucket, which a paused clock would hide, so use a per-day limit of 2.
    let (c, spec) = one(
        "virustotal",
        &server.uri(),
        ", watch: [\"a.example\", \"b.example\", \"c.example\"], rate_limit: { per_minute: 60, per_day: 2 }",
        "",
    );
    let err = fetch(&c, &spec).await.unwrap_err();
    assert!(matches!(err, FetchError::Quota { limit: 2, .. }), "{err}");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn parse_errors_name_the_problem() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"vulnerabilities\": 5}"))
        .mount(&server)
        .await;
    let (c, spec) = dump_spec("cisa_kev", &format!("{}/kev.json", server.uri()), "");
    match fetch(&c, &spec).await.unwrap_err() {
        FetchError::Parse(ParseError::Json(m)) => assert!(m.contains("invalid type"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_configured_proxy_carries_the_requests() {
    // The mock plays the proxy: the feed's own host does not exist and is never resolved.
    let proxy = MockServer::start().await;
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture("feodo/ipblocklist.json")))
        .mount(&proxy)
        .await;
    let (c, spec) = dump_spec(
        "feodo",
        "http://feeds.invalid/feodo.json",
        &format!(", proxy: \"{}\"", proxy.uri()),
    );
    let out = fetch(&c, &spec).await.unwrap();
    assert_eq!(out.batch.sightings.len(), 3);
    let reqs = proxy.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].url.host_str(),
        Some("feeds.invalid"),
        "absolute-form request to the proxy"
    );
}
