// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The clients: one EDL list pulled in full, one TAXII page, a client's rounds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_TYPE};

use crate::Drive;

/// A request's class in the figures.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Edl,
    Taxii,
}

impl Class {
    /// The class as the table names it.
    pub fn name(self) -> &'static str {
        match self {
            Class::Edl => "EDL",
            Class::Taxii => "TAXII page",
        }
    }
}

/// One request's outcome.
pub struct Sample {
    pub class: Class,
    /// `Ok(())`, or what went wrong (`404`, `timeout`, `bad envelope`, ...).
    pub outcome: Result<(), String>,
    /// From the request sent to the answer's last byte read.
    pub took: Duration,
    /// Body bytes read (as sent: gzip is not decoded).
    pub bytes: u64,
    /// Lines (EDL) or objects (TAXII) in the answer.
    pub items: u64,
}

/// What every client does.
pub struct Plan {
    /// The server's base URL, without a trailing `/`.
    pub base: String,
    pub auth: Auth,
    /// EDL paths pulled in full in each round.
    pub edls: Vec<String>,
    /// The TAXII paging of each round (`None`: EDL only).
    pub taxii: Option<Taxii>,
    pub rounds: usize,
    /// Ask for gzip (not decoded).
    pub gzip: bool,
}

/// The TAXII part of a round.
pub struct Taxii {
    /// The collection's objects path.
    pub objects: String,
    /// Pages per round at most.
    pub pages: usize,
    /// `limit` of each page.
    pub limit: usize,
    /// `added_after` of each first page (RFC 3339).
    pub added_after: Option<String>,
}

/// The credential every request carries.
#[derive(Clone)]
pub enum Auth {
    /// User name and password (HTTP Basic).
    Basic(String, String),
    /// A bearer token.
    Bearer(String),
}

const TAXII_TYPE: &str = "application/taxii+json;version=2.1";

/// A client with one connection of its own: no proxy, no gzip decoding, `--timeout`.
pub fn client(d: &Drive) -> reqwest::Client {
    reqwest::Client::builder()
        .no_gzip()
        .no_proxy()
        .timeout(Duration::from_secs(d.timeout))
        .pool_max_idle_per_host(1)
        .danger_accept_invalid_certs(d.insecure_tls)
        .build()
        .unwrap()
}

fn request(c: &reqwest::Client, plan: &Plan, url: &str) -> reqwest::RequestBuilder {
    let r = c.get(url);
    let r = match &plan.auth {
        Auth::Basic(u, p) => r.basic_auth(u, Some(p)),
        Auth::Bearer(t) => r.bearer_auth(t),
    };
    if plan.gzip {
        r.header(ACCEPT_ENCODING, "gzip")
    } else {
        r
    }
}

/// What a transport error counts as.
fn failure(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect".into()
    } else {
        "transport".into()
    }
}

/// One EDL list, read to its last byte (counted, not kept).
pub async fn pull_edl(c: &reqwest::Client, plan: &Plan, path: &str) -> Sample {
    let t = Instant::now();
    let (mut bytes, mut items) = (0u64, 0u64);
    let outcome = async {
        let url = format!("{}{path}", plan.base);
        let mut resp = request(c, plan, &url)
            .send()
            .await
            .map_err(|e| failure(&e))?;
        let status = resp.status();
        while let Some(chunk) = resp.chunk().await.map_err(|e| failure(&e))? {
            bytes += chunk.len() as u64;
            items += memchr::memchr_iter(b'\n', &chunk).count() as u64;
        }
        if status.is_success() {
            Ok(())
        } else {
            Err(status.as_u16().to_string())
        }
    }
    .await;
    Sample {
        class: Class::Edl,
        outcome,
        took: t.elapsed(),
        bytes,
        items,
    }
}

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(default)]
    more: bool,
    next: Option<String>,
    #[serde(default)]
    objects: Vec<serde::de::IgnoredAny>,
}

/// The objects URL with `limit`, and `next` or (first page) `added_after`.
fn page_url(plan: &Plan, t: &Taxii, next: Option<&str>) -> Option<url::Url> {
    let mut u = url::Url::parse(&format!("{}{}", plan.base, t.objects)).ok()?;
    u.query_pairs_mut()
        .append_pair("limit", &t.limit.to_string());
    match (next, &t.added_after) {
        (Some(n), _) => {
            u.query_pairs_mut().append_pair("next", n);
        }
        (None, Some(a)) => {
            u.query_pairs_mut().append_pair("added_after", a);
        }
        (None, None) => {}
    }
    Some(u)
}

/// One TAXII page; `Ok(Some(next))` when the envelope says there is more.
pub async fn page(
    c: &reqwest::Client,
    plan: &Plan,
    t: &Taxii,
    next: Option<&str>,
) -> (Sample, Option<String>) {
    let started = Instant::now();
    let url = page_url(plan, t, next);
    let mut bytes = 0u64;
    let mut items = 0u64;
    let mut more = None;
    let outcome = async {
        let url = url.ok_or("bad url")?;
        let resp = request(c, plan, url.as_str())
            .header(ACCEPT, TAXII_TYPE)
            .send()
            .await
            .map_err(|e| failure(&e))?;
        let status = resp.status();
        let ctype = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .replace(' ', "");
        let body = resp.bytes().await.map_err(|e| failure(&e))?;
        bytes = body.len() as u64;
        if !status.is_success() {
            return Err(status.as_u16().to_string());
        }
        if !ctype.starts_with(TAXII_TYPE) {
            return Err(format!("{status} content-type {ctype:?}"));
        }
        let env: Envelope =
            serde_json::from_slice(&body).map_err(|_| "bad envelope".to_string())?;
        items = env.objects.len() as u64;
        if env.more {
            more = Some(env.next.ok_or("more without next")?);
        }
        Ok(())
    }
    .await;
    let s = Sample {
        class: Class::Taxii,
        outcome,
        took: started.elapsed(),
        bytes,
        items,
    };
    (s, more)
}

/// One client's rounds, in order; its samples.
pub async fn one_client(c: reqwest::Client, plan: Arc<Plan>) -> Vec<Sample> {
    let mut out = Vec::new();
    for _ in 0..plan.rounds {
        for path in &plan.edls {
            out.push(pull_edl(&c, &plan, path).await);
        }
        let Some(t) = &plan.taxii else { continue };
        let mut next: Option<String> = None;
        for _ in 0..t.pages {
            let (s, more) = page(&c, &plan, t, next.as_deref()).await;
            let failed = s.outcome.is_err();
            out.push(s);
            match more {
                Some(n) if !failed => next = Some(n),
                // The collection ended, or the page failed: this round's paging ends.
                _ => break,
            }
        }
    }
    out
}
