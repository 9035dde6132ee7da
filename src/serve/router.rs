// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One request's answer: the path checked, the credentials checked, the route served,
//! and one access log line (no credentials, no query values).
//!
//! Routes: `GET|HEAD /healthz`, `/metrics`, `/edl/{collection}/{type}.txt` (see
//! [`super::edl`]), and TAXII 2.1 under `/taxii2/` (see [`super::taxii`]), where every
//! error, the refusals below included, is a TAXII error message.
//!
//! Refused before anything else: a path with a `..` or `.` segment, an empty segment
//! other than a trailing `/`, a backslash or an encoded `/`, `\` or `.` (400); a query
//! longer than [`MAX_QUERY`] (414); a request with a body (413: no route takes one, so
//! none is ever read).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::State;
use super::auth::Verdict;
use super::edl::{ListType, Query};

/// The longest query string taken, in bytes.
pub const MAX_QUERY: usize = 4096;

/// The response type of every route.
pub type Answer = Response<Full<Bytes>>;

fn text(status: StatusCode, body: impl Into<Bytes>) -> Answer {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn error(status: StatusCode, why: &str) -> Answer {
    text(status, format!("{why}\n"))
}

/// Whether the path is refused as a traversal or an ambiguous encoding.
fn bad_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if ["%2f", "%5c", "%2e", "%00", "\\"]
        .iter()
        .any(|p| lower.contains(p))
    {
        return true;
    }
    let Some(rest) = path.strip_prefix('/') else {
        return true;
    };
    let segs: Vec<&str> = rest.split('/').collect();
    let last = segs.len() - 1;
    segs.iter()
        .enumerate()
        .any(|(i, s)| matches!(*s, "." | "..") || (s.is_empty() && i != last))
}

/// `%XX` decoded; `None` for a bad escape or a result that is not UTF-8.
pub(crate) fn decode(seg: &str) -> Option<String> {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = seg.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The path's class for metrics and logs.
fn class(path: &str) -> &'static str {
    match path {
        "/healthz" => "healthz",
        "/metrics" => "metrics",
        p if p.starts_with("/edl/") => "edl",
        p if p == "/taxii2" || p.starts_with("/taxii2/") => "taxii",
        _ => "other",
    }
}

/// Answers `req` from `peer`, and logs it.
pub async fn handle<B>(state: Arc<State>, peer: SocketAddr, req: Request<B>) -> Answer {
    let started = Instant::now();
    let path = req.uri().path().to_string();
    let (mut answer, user) = route(&state, peer, &req).await;
    if class(&path) == "taxii" && answer.status().as_u16() >= 400 {
        answer = taxii_error(answer);
    }
    let status = answer.status().as_u16();
    let class = if status == 400 { "other" } else { class(&path) };
    state.requests.count(class, status);
    let bytes = hyper::body::Body::size_hint(answer.body())
        .exact()
        .unwrap_or(0);
    tracing::info!(
        target: "intellisiem::access",
        peer = %peer.ip(),
        user = user.as_deref().unwrap_or("-"),
        method = %req.method(),
        // The path only: query values are the client's, and could hold anything.
        path = %crate::model::sanitize::one_line(&path, 200),
        status,
        bytes,
        ms = started.elapsed().as_millis() as u64,
        "access"
    );
    answer
}

async fn route<B>(state: &State, peer: SocketAddr, req: &Request<B>) -> (Answer, Option<String>) {
    let path = req.uri().path();
    if bad_path(path) {
        return (error(StatusCode::BAD_REQUEST, "bad path"), None);
    }
    if req.uri().query().is_some_and(|q| q.len() > MAX_QUERY) {
        return (error(StatusCode::URI_TOO_LONG, "query too long"), None);
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = error(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return (r, None);
    }
    let has_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    if has_body {
        let mut r = error(StatusCode::PAYLOAD_TOO_LARGE, "no route takes a body");
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return (r, None);
    }
    let authz = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    let grant = match state.auth.check(peer.ip(), authz, Instant::now()) {
        Verdict::Granted(g) => g,
        Verdict::Wait(d) => {
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, "too many wrong credentials");
            let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return (r, None);
        }
        Verdict::Missing | Verdict::Wrong => {
            let mut r = error(StatusCode::UNAUTHORIZED, "credentials needed");
            let h = r.headers_mut();
            h.append(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"intellisiem\", charset=\"UTF-8\""),
            );
            h.append(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"intellisiem\""),
            );
            return (r, None);
        }
    };
    let user = Some(grant.name.clone());
    let snap = state.shared.get();
    if path == "/taxii2" || path.starts_with("/taxii2/") {
        let r = super::taxii::routes::Request {
            snap: &snap,
            grant,
            headers: req.headers(),
            query: req.uri().query(),
        };
        let answer = super::taxii::routes::answer(&r, &path["/taxii2".len()..]);
        return (answer, user);
    }
    let answer = match path {
        "/healthz" => healthz(state, &snap),
        "/metrics" if !grant.allows_every() => error(
            StatusCode::FORBIDDEN,
            "the metrics name every source: they need a credential for every collection (\"*\")",
        ),
        "/metrics" => {
            let up = state.store_up();
            let body = format!(
                "{}{}{}{}",
                state.shared.sources_metrics(),
                snap.metrics,
                super::metrics::server_text(&snap, up),
                state.requests.text()
            );
            let mut r = text(StatusCode::OK, body);
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            r
        }
        p => match p.strip_prefix("/edl/").and_then(|r| r.split_once('/')) {
            Some((c, file)) if !file.contains('/') => {
                let (Some(collection), Some(kind)) = (decode(c), ListType::parse(file)) else {
                    return (error(StatusCode::NOT_FOUND, "no such list"), user);
                };
                // An empty list would empty the device's list: say to come back (no
                // snapshot read yet, or none of the collection's sources fetched yet).
                let not_yet = |why: &str| {
                    let mut r = error(StatusCode::SERVICE_UNAVAILABLE, why);
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
                    r
                };
                if snap.version == 0 {
                    return (not_yet("the set is not read yet"), user);
                }
                if !snap.has_collection(&collection) {
                    return (error(StatusCode::NOT_FOUND, "no such collection"), user);
                }
                if !grant.allows(&collection) {
                    return (
                        error(StatusCode::FORBIDDEN, "not one of your collections"),
                        user,
                    );
                }
                if snap.modified(&collection).is_none() {
                    return (not_yet("no source of this list has fetched yet"), user);
                }
                match edl_query(req.uri().query(), collection, kind) {
                    Ok(q) => edl(state, &snap, q, req).await,
                    Err(why) => error(StatusCode::BAD_REQUEST, &why),
                }
            }
            _ => error(StatusCode::NOT_FOUND, "not found"),
        },
    };
    (answer, user)
}

/// `answer`, an error of the routes before TAXII's own, as a TAXII error message with
/// the same status and headers.
fn taxii_error(answer: Answer) -> Answer {
    let is_taxii = answer
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == super::taxii::TAXII_TYPE.as_bytes());
    if is_taxii {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let why = hyper::body::Body::size_hint(&body)
        .exact()
        .filter(|n| *n < 1024)
        .map(|_| body);
    let reason = parts.status.canonical_reason().unwrap_or("Error");
    // A `Full` body is ready at once.
    let described = why.and_then(|b| {
        use futures_util::FutureExt;
        use http_body_util::BodyExt;
        let b = b.collect().now_or_never()?.ok()?.to_bytes();
        Some(String::from_utf8_lossy(&b).trim().to_string())
    });
    let mut r = super::taxii::routes::error(parts.status, reason, described.as_deref());
    for (k, v) in &parts.headers {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            r.headers_mut().append(k, v.clone());
        }
    }
    r
}

fn healthz(state: &State, snap: &super::snapshot::Snapshot) -> Answer {
    let built = snap
        .built
        .map_or("never".to_string(), crate::model::time::rfc3339);
    let body = if state.store_up() {
        format!(
            "ok\nsnapshot {} of {built}, {} values\n",
            snap.version,
            snap.rows.len()
        )
    } else {
        format!(
            "degraded: the store is unreachable; serving the last good set\nsnapshot {} of {built}, {} values\n",
            snap.version,
            snap.rows.len()
        )
    };
    text(StatusCode::OK, body)
}

/// The EDL options of the query (`min_score`, `max`; others are refused).
fn edl_query(query: Option<&str>, collection: String, kind: ListType) -> Result<Query, String> {
    let mut q = Query {
        collection,
        kind,
        min_score: None,
        max: None,
    };
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "min_score" => {
                q.min_score = Some(
                    v.parse::<u8>()
                        .ok()
                        .filter(|s| *s <= 100)
                        .ok_or("min_score takes 0-100")?,
                )
            }
            "max" => q.max = Some(v.parse::<usize>().map_err(|_| "max takes a count")?),
            "defang" if v == "false" => {}
            _ => return Err("unknown query parameter (min_score, max)".into()),
        }
    }
    Ok(q)
}

/// Whether `If-None-Match` names one of `tags`.
fn matches(req_tags: Option<&HeaderValue>, tags: &[&str]) -> bool {
    let Some(v) = req_tags.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    v.split(',').map(str::trim).any(|t| {
        let t = t.strip_prefix("W/").unwrap_or(t);
        t == "*" || tags.contains(&t)
    })
}

fn wants_gzip(req: Option<&HeaderValue>) -> bool {
    req.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',').any(|c| {
            let mut parts = c.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            coding.eq_ignore_ascii_case("gzip") && !refused
        })
    })
}

async fn edl<B>(
    state: &State,
    snap: &Arc<super::snapshot::Snapshot>,
    q: Query,
    req: &Request<B>,
) -> Answer {
    let modified = snap.modified(&q.collection);
    let built = state.lists.get(snap, q).await;
    let gzip = wants_gzip(req.headers().get(header::ACCEPT_ENCODING));
    let tag = if gzip {
        built.gzip_etag()
    } else {
        built.etag.clone()
    };
    let mut r = if matches(
        req.headers().get(header::IF_NONE_MATCH),
        &[&built.etag, &built.gzip_etag()],
    ) {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let body = if gzip {
            let b = built.clone();
            match tokio::task::spawn_blocking(move || b.gzip().clone()).await {
                Ok(z) => z,
                Err(_) => built.gzip().clone(),
            }
        } else {
            built.body.clone()
        };
        let mut r = text(StatusCode::OK, body);
        if gzip {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    };
    let h = r.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    if let Some(t) = modified
        && let Ok(v) = HeaderValue::from_str(&t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_codings() {
        for bad in [
            "/edl/../x",
            "/edl/a%2fb/ip.txt",
            "/edl/a%2Fb/ip.txt",
            "/edl/%2e%2e/ip.txt",
            "/edl//ip.txt",
            "/edl/./ip.txt",
            "/edl\\a",
            "relative",
        ] {
            assert!(bad_path(bad), "{bad}");
        }
        for good in ["/", "/healthz", "/edl/all/ip.txt", "/edl/my%20feed/ip.txt"] {
            assert!(!bad_path(good), "{good}");
        }
        assert_eq!(decode("my%20feed").as_deref(), Some("my feed"));
        assert_eq!(decode("bad%zz"), None);
        let hv = |s: &'static str| HeaderValue::from_static(s);
        assert!(wants_gzip(Some(&hv("br, gzip;q=0.5"))));
        assert!(!wants_gzip(Some(&hv("gzip;q=0, br"))));
        assert!(!wants_gzip(None));
        assert!(matches(Some(&hv("W/\"ab\", \"cd\"")), &["\"cd\""]));
        assert!(!matches(Some(&hv("\"ab\"")), &["\"cd\""]));
        let q = edl_query(Some("min_score=50&max=10"), "all".into(), ListType::Ip).unwrap();
        assert_eq!((q.min_score, q.max), (Some(50), Some(10)));
        assert!(edl_query(Some("min_score=101"), "all".into(), ListType::Ip).is_err());
        assert!(edl_query(Some("x=1"), "all".into(), ListType::Ip).is_err());
    }
}
