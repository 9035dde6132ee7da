// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The TAXII 2.1 endpoints (§4.1 discovery, §4.2 API root, §5.1–5.7 collections,
//! manifest, objects, versions), read-only, each answered as
//! `application/taxii+json;version=2.1` with a TAXII error message (§3.6.1) on every
//! error. An `Accept` that allows no TAXII 2.1 type gets 406.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::json;

use super::query::{self, Page, Query};
use super::{Collection, STIX_TYPE, TAXII_TYPE, micros, objects};
use crate::config::serve::Grant;
use crate::serve::snapshot::Snapshot;

/// The answer type of the server's routes.
pub type Answer = Response<Full<Bytes>>;

/// A TAXII error message (§3.6.1) with `status`.
pub fn error(status: StatusCode, title: &str, description: Option<&str>) -> Answer {
    let mut o = json!({ "title": title, "http_status": status.as_u16().to_string() });
    if let Some(d) = description {
        o["description"] = json!(d);
    }
    body(status, o.to_string().into_bytes())
}

fn body(status: StatusCode, b: Vec<u8>) -> Answer {
    let mut r = Response::new(Full::new(Bytes::from(b)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_TYPE));
    r
}

/// Whether `Accept` allows a TAXII 2.1 answer (absent: yes).
pub fn accepts(headers: &HeaderMap) -> bool {
    let Some(v) = headers.get(header::ACCEPT) else {
        return true;
    };
    let Ok(v) = v.to_str() else {
        return false;
    };
    v.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let kind = parts.next().unwrap_or("").to_ascii_lowercase();
        let mut version = None;
        let mut refused = false;
        for p in parts {
            let (k, val) = p.split_once('=').unwrap_or((p, ""));
            match k.trim().to_ascii_lowercase().as_str() {
                "version" => version = Some(val.trim().trim_matches('"').to_string()),
                "q" => refused = val.trim().parse::<f32>().is_ok_and(|q| q <= 0.0),
                _ => {}
            }
        }
        !refused
            && match kind.as_str() {
                "application/taxii+json" => version.is_none_or(|v| v == "2.1"),
                "application/*" | "*/*" => true,
                _ => false,
            }
    })
}

/// What one TAXII request needs besides its path.
pub struct Request<'a> {
    pub snap: &'a Arc<Snapshot>,
    pub grant: &'a Grant,
    pub headers: &'a HeaderMap,
    pub query: Option<&'a str>,
}

/// Answers `rest`, the path after `/taxii2`.
pub fn answer(req: &Request<'_>, rest: &str) -> Answer {
    if !accepts(req.headers) {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable",
            Some("this server answers application/taxii+json;version=2.1"),
        );
    }
    let trimmed = rest.trim_matches('/');
    let segs: Vec<&str> = if trimmed.is_empty() {
        Vec::new()
    } else {
        trimmed.split('/').collect()
    };
    match segs.as_slice() {
        [] => discovery(),
        ["api"] => api_root(),
        ["api", "collections", ..] if req.snap.version == 0 => {
            // Not "no collections", which a client could keep: come back.
            let mut r = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service Unavailable",
                Some("the set is not read yet"),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            r
        }
        ["api", "collections"] => collections(req),
        ["api", "collections", c, more @ ..] => {
            let snap = req.snap;
            let name = crate::serve::router::decode(c).unwrap_or_default();
            let Some(col) = snap.taxii.collection(&name) else {
                return error(
                    StatusCode::NOT_FOUND,
                    "Not Found",
                    Some("no such collection"),
                );
            };
            if !req.grant.allows(&col.name) {
                return error(
                    StatusCode::FORBIDDEN,
                    "Forbidden",
                    Some("not one of your collections"),
                );
            }
            in_collection(req, col, more)
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found", None),
    }
}

/// Discovery (§4.1): the API root as a relative URL, which the spec allows, so it holds
/// behind a proxy and whatever `Host` a client sends.
fn discovery() -> Answer {
    let root = "/taxii2/api/";
    let o = json!({
        "title": "IntelliSIEM",
        "description": "The merged, scored and allowlisted set of threat indicators",
        "default": root,
        "api_roots": [root],
    });
    body(StatusCode::OK, o.to_string().into_bytes())
}

fn api_root() -> Answer {
    let o = json!({
        "title": "IntelliSIEM",
        "description": "Indicators by source, all of them, and those seen in our logs",
        "versions": [TAXII_TYPE],
        "max_content_length": 0,
    });
    body(StatusCode::OK, o.to_string().into_bytes())
}

fn describe(c: &Collection) -> serde_json::Value {
    let description = match &*c.name {
        "all" => "Every served indicator, merged from all sources".to_string(),
        "hits" => "Indicators seen in our logs, with their sightings".to_string(),
        s => format!("The indicators source `{s}` holds"),
    };
    json!({
        "id": c.id.to_string(),
        "title": c.name,
        "alias": c.name,
        "description": description,
        "can_read": true,
        "can_write": false,
        "media_types": [STIX_TYPE],
    })
}

fn collections(req: &Request<'_>) -> Answer {
    let list: Vec<serde_json::Value> = req
        .snap
        .taxii
        .collections
        .iter()
        .filter(|c| req.grant.allows(&c.name))
        .map(describe)
        .collect();
    let o = if list.is_empty() {
        json!({})
    } else {
        json!({ "collections": list })
    };
    body(StatusCode::OK, o.to_string().into_bytes())
}

fn in_collection(req: &Request<'_>, col: &Collection, more: &[&str]) -> Answer {
    let q = match query::parse(req.query) {
        Ok(q) => q,
        Err(why) => return error(StatusCode::BAD_REQUEST, "Bad Request", Some(&why)),
    };
    match more {
        [] => body(StatusCode::OK, describe(col).to_string().into_bytes()),
        ["objects"] => objects_page(req.snap, col, &q),
        ["manifest"] => manifest(req.snap, col, &q),
        ["objects", id, rest @ ..] => {
            let id = crate::serve::router::decode(id).unwrap_or_default();
            let Some(parsed) = query::parse_id(&id) else {
                return error(
                    StatusCode::NOT_FOUND,
                    "Not Found",
                    Some("not a STIX id (type--uuid)"),
                );
            };
            let q = Query {
                ids: vec![parsed],
                types: Vec::new(),
                ..q
            };
            let p = query::page(&req.snap.taxii, col, &q);
            if p.items.is_empty() && q.start().is_none() {
                return error(StatusCode::NOT_FOUND, "Not Found", Some("no such object"));
            }
            match rest {
                [] => objects_answer(req.snap, &p),
                ["versions"] => versions(req.snap, &p),
                _ => error(StatusCode::NOT_FOUND, "Not Found", None),
            }
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found", None),
    }
}

fn dated(mut r: Answer, p: &Page) -> Answer {
    let h = r.headers_mut();
    for (name, at) in [
        ("x-taxii-date-added-first", p.first),
        ("x-taxii-date-added-last", p.last),
    ] {
        if let Ok(v) = HeaderValue::from_str(&micros(at)) {
            h.insert(name, v);
        }
    }
    r
}

/// `{"more":…,"next":…,"<key>":[` … `]}` around `items`; an empty page has no `<key>`
/// (the spec's lists hold one or more, and medallion leaves it out too).
fn envelope(p: &Page, key: &str, items: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + p.items.len() * 400);
    out.extend_from_slice(format!("{{\"more\":{}", p.more).as_bytes());
    if let Some(n) = &p.next {
        out.extend_from_slice(format!(",\"next\":\"{n}\"").as_bytes());
    }
    if !p.items.is_empty() {
        out.extend_from_slice(format!(",\"{key}\":[").as_bytes());
        items(&mut out);
        out.push(b']');
    }
    out.push(b'}');
    out
}

fn objects_page(snap: &Arc<Snapshot>, col: &Collection, q: &Query) -> Answer {
    let p = query::page(&snap.taxii, col, q);
    objects_answer(snap, &p)
}

fn objects_answer(snap: &Arc<Snapshot>, p: &Page) -> Answer {
    let mut failed = false;
    let b = envelope(p, "objects", |out| {
        for (n, i) in p.items.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            if let Some(v) = snap.taxii.versions.get(*i as usize) {
                failed |= objects::write(v, snap, out).is_err();
            }
        }
    });
    if failed {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Error", None);
    }
    dated(body(StatusCode::OK, b), p)
}

fn manifest(snap: &Arc<Snapshot>, col: &Collection, q: &Query) -> Answer {
    let p = query::page(&snap.taxii, col, q);
    let b = envelope(&p, "objects", |out| {
        for (n, i) in p.items.iter().enumerate() {
            let Some(v) = snap.taxii.versions.get(*i as usize) else {
                continue;
            };
            if n > 0 {
                out.push(b',');
            }
            let record = json!({
                "id": objects::stix_id(v),
                "date_added": micros(v.added()),
                "version": micros(v.modified),
                "media_type": STIX_TYPE,
            });
            out.extend_from_slice(record.to_string().as_bytes());
        }
    });
    dated(body(StatusCode::OK, b), &p)
}

fn versions(snap: &Arc<Snapshot>, p: &Page) -> Answer {
    let b = envelope(p, "versions", |out| {
        for (n, i) in p.items.iter().enumerate() {
            let Some(v) = snap.taxii.versions.get(*i as usize) else {
                continue;
            };
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(format!("\"{}\"", micros(v.modified)).as_bytes());
        }
    });
    dated(body(StatusCode::OK, b), p)
}
