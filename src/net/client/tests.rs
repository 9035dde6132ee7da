// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The client's pure parts and its retry policy, without a server.

use super::*;

#[test]
fn retry_after_seconds_and_dates() {
    let mut h = HeaderMap::new();
    h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
    assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(7)));
    h.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
    h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
    assert_eq!(parse_retry_after(&h), None);
}

#[test]
fn error_detail_prefers_json_messages() {
    assert_eq!(
        error_detail(br#"{"error":{"code":"NotFoundError","message":"not found"}}"#),
        "NotFoundError: not found"
    );
    assert_eq!(
        error_detail(br#"{"detail":"Authentication required"}"#),
        "Authentication required"
    );
    assert_eq!(
        error_detail(b"<html>\x1b[31mboom\n</html>"),
        "<html>\\x1b[31mboom </html>"
    );
}

#[tokio::test]
async fn a_name_that_does_not_resolve_fails_at_once_without_retries() {
    // RFC 6761: `.invalid` never resolves. A proxy would resolve it instead.
    let proxied = ["http_proxy", "https_proxy", "all_proxy"].iter().any(|v| {
        [v.to_string(), v.to_uppercase()]
            .iter()
            .any(|n| std::env::var(n).is_ok_and(|p| !p.is_empty()))
    });
    if proxied {
        eprintln!("skipped: a proxy is set in the environment");
        return;
    }
    let cfg = HttpConfig {
        retries: 3,
        backoff: Duration::from_secs(1),
        max_retry_wait: Duration::from_secs(1),
        ..Default::default()
    };
    let client = HttpClient::new(&cfg).unwrap();
    let waits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let to: crate::net::wait::WaitNotice = {
        let waits = std::sync::Arc::clone(&waits);
        std::sync::Arc::new(move |d, why| waits.lock().unwrap().push((d, why)))
    };
    let req = Request::get(Url::parse("http://nonexistent.invalid/feed.json").unwrap());
    let result = crate::net::wait::reported(to, client.send(&req)).await;
    match result {
        Err(e @ NetError::Resolve { .. }) => {
            assert!(e.is_unresolved());
            let text = e.to_string();
            assert!(
                text.starts_with(
                    "http://nonexistent.invalid/feed.json: the host name does not resolve: "
                ) && !text.contains("dns error"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(waits.lock().unwrap().is_empty(), "retried: {waits:?}");
}

#[test]
fn errors_never_show_the_key_header() {
    let key = SecretString::from("supersecretkey123");
    let r = Request::get(Url::parse("http://h/x").unwrap()).with_secret("x-apikey", Some(&key));
    assert!(!format!("{r:?}").contains("supersecretkey123"));
}
