// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! TAXII 2.1 paging in every form the spec allows, against a local mock: `more` with
//! `next`, `more` without `next` (continue with `added_after` = the page's
//! `X-TAXII-Date-Added-Last`, TAXII 2.1 §3.4, quoted in OpenCTI PR #5691), objects that
//! share one `date_added` at a page boundary, and servers that repeat a `next` token or
//! a `X-TAXII-Date-Added-Last` without progress.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use intellisiem::config::Config;
use intellisiem::sources::{self, FetchContext, Prior};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const COLLECTION: &str = "/api1/collections/c1/objects/";

fn config(base: &str) -> Config {
    let yaml = format!(
        "http: {{ timeout: 2s, retries: 0 }}\n\
         sources:\n  - {{ name: t, kind: taxii, url: \"{base}/api1/\", collection: c1, page_size: 2 }}\n"
    );
    Config::from_yaml(
        &yaml,
        Path::new("t.yaml"),
        &|_| None,
        &sources::registry::kinds(),
    )
    .unwrap()
    .config
}

fn indicator(n: u8) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--5a0e3c1b-7d2e-4f3a-9b8c-0000000000{n:02x}"),
        "created": "2026-11-01T00:00:00Z", "modified": "2026-11-01T00:00:00Z",
        "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
        "pattern": format!("[domain-name:value = 'n{n}.example']"),
    })
}

/// An envelope page with `objects` 1-based numbers, `more`, and `next` if any.
fn page(objects: &[u8], more: bool, next: Option<&str>, last: &str) -> ResponseTemplate {
    let mut env = json!({
        "objects": objects.iter().map(|n| indicator(*n)).collect::<Vec<_>>(),
        "more": more,
    });
    if let Some(n) = next {
        env["next"] = Value::from(n);
    }
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/taxii+json;version=2.1")
        .insert_header("x-taxii-date-added-first", "2026-11-01T00:00:00.000Z")
        .insert_header("x-taxii-date-added-last", last)
        .set_body_json(env)
}

async fn fetch(server: &MockServer, prior: &Prior) -> Result<sources::FetchOutput, String> {
    let c = config(&server.uri());
    let ctx = FetchContext::new(&c).unwrap();
    sources::fetch(&ctx, &c.sources[0], prior)
        .await
        .map_err(|e| e.to_string())
}

fn values(out: &sources::FetchOutput) -> Vec<String> {
    let mut v: Vec<String> = out
        .batch
        .sightings
        .iter()
        .map(|s| s.value.to_string())
        .collect();
    v.sort();
    v
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn more_without_next_continues_with_added_after_and_keeps_the_boundary() {
    let server = MockServer::start().await;
    // Page 1: objects 1 and 2, both added at .500; the server has a third at the same
    // instant and says `more` with no `next`.
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param_is_missing("added_after"))
        .respond_with(page(&[1, 2], true, None, "2026-11-02T10:00:00.500Z"))
        .expect(1)
        .mount(&server)
        .await;
    // Page 2, asked a millisecond before .500: it repeats object 2 (same instant) and
    // gives 3 and 4, the last page.
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("added_after", "2026-11-02T10:00:00.499Z"))
        .respond_with(page(&[2, 3, 4], false, None, "2026-11-02T10:00:01.000Z"))
        .expect(1)
        .mount(&server)
        .await;
    let out = fetch(&server, &Prior::default()).await.unwrap();
    assert_eq!(
        values(&out),
        ["n1.example", "n2.example", "n3.example", "n4.example"],
        "the object on the boundary is neither skipped nor counted twice"
    );
    assert_eq!(out.groups.len(), 4);
    assert_eq!(out.requests, 2);
    assert_eq!(
        out.cursor,
        Some("2026-11-02T10:00:01Z".parse().unwrap()),
        "the cursor is the newest X-TAXII-Date-Added-Last"
    );
}

#[tokio::test]
async fn an_incremental_fetch_asks_a_millisecond_early() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("added_after", "2026-11-02T10:00:00.999Z"))
        .respond_with(page(&[5], false, None, "2026-11-02T10:00:02.000Z"))
        .expect(1)
        .mount(&server)
        .await;
    let prior = Prior {
        cursor: Some("2026-11-02T10:00:01Z".parse().unwrap()),
        ..Default::default()
    };
    let out = fetch(&server, &prior).await.unwrap();
    assert_eq!(values(&out), ["n5.example"]);
    assert!(out.incremental);
}

#[tokio::test]
async fn a_repeated_next_token_stops_the_fetch_with_one_line() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(page(&[1], true, Some("same-token"), "2026-11-02T10:00:00Z"))
        .mount(&server)
        .await;
    let err = fetch(&server, &Prior::default()).await.unwrap_err();
    assert!(err.contains("`next` token \"same-token\" again"), "{err}");
    assert!(err.contains("last snapshot is kept"), "{err}");
    assert!(!err.contains('\n'), "{err}");
    assert_eq!(requests(&server).await, 2, "no loop of 10,000 requests");
}

#[tokio::test]
async fn a_repeated_date_added_last_without_next_stops_the_fetch() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(page(&[1, 2], true, None, "2026-11-02T10:00:00.500Z"))
        .mount(&server)
        .await;
    let err = fetch(&server, &Prior::default()).await.unwrap_err();
    assert!(err.contains("X-TAXII-Date-Added-Last"), "{err}");
    assert!(err.contains("again"), "{err}");
    assert_eq!(
        requests(&server).await,
        3,
        "a millisecond early, then the instant itself, then no more"
    );
}

#[tokio::test]
async fn more_than_a_page_in_one_instant_goes_on_after_it() {
    let server = MockServer::start().await;
    // Objects 1 and 2 fill the page and share .500; asked a millisecond early, the
    // server gives them again; asked after .500 itself, object 3 and the end.
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param_is_missing("added_after"))
        .respond_with(page(&[1, 2], true, None, "2026-11-02T10:00:00.500Z"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("added_after", "2026-11-02T10:00:00.499Z"))
        .respond_with(page(&[1, 2], true, None, "2026-11-02T10:00:00.500Z"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("added_after", "2026-11-02T10:00:00.500Z"))
        .respond_with(page(&[3], false, None, "2026-11-02T10:00:01.000Z"))
        .mount(&server)
        .await;
    let out = fetch(&server, &Prior::default()).await.unwrap();
    assert_eq!(values(&out), ["n1.example", "n2.example", "n3.example"]);
    assert_eq!(out.requests, 3);
}

#[tokio::test]
async fn more_with_neither_next_nor_a_date_fails_clearly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"more": true, "objects": [indicator(1)]})),
        )
        .mount(&server)
        .await;
    let err = fetch(&server, &Prior::default()).await.unwrap_err();
    assert!(
        err.contains("neither `next` nor X-TAXII-Date-Added-Last"),
        "{err}"
    );
    assert_eq!(requests(&server).await, 1);
}
