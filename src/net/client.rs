// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The HTTP client every source uses: rustls, timeouts, a streamed body cap (applied
//! after decompression, so it also bounds gzip bombs), at most five http/https redirects
//! (same-origin only when a key is attached), and bounded retries with backoff.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode, redirect};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::redact::redact_url;
use super::wait::WaitReason;
use crate::config::HttpConfig;
use crate::model::sanitize::one_line;

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 5;

pub fn user_agent() -> String {
    format!("intellisiem/{}", env!("CARGO_PKG_VERSION"))
}

/// A transport failure, as one line fit for a user. Never holds a key; URLs are redacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error("{url}: {}", auth_text(*status, *keyed, detail))]
    Auth {
        url: String,
        status: u16,
        keyed: bool,
        /// The server's own reason (a JSON `query_status`, `error.code`, `detail`, ...),
        /// scrubbed of the key, sanitised and shortened; empty when it gave none.
        detail: String,
    },
    #[error("{url}: rate limited (HTTP 429){}", retry_text(*retry_after))]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
    },
    #[error("{url}: HTTP {status}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Status {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url}: timed out after {}", crate::model::time::format_duration(*after))]
    Timeout { url: String, after: Duration },
    #[error("{url}: connection failed: {reason}")]
    Connect { url: String, reason: String },
    /// The host name did not resolve (no network, no DNS, or a wrong name). Not retried:
    /// another attempt a second later meets the same resolver.
    #[error("{url}: the host name does not resolve: {reason}")]
    Resolve { url: String, reason: String },
    #[error("{url}: response body is larger than the {limit}-byte limit (http.max_body)")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: response body incomplete: {reason}")]
    Body { url: String, reason: String },
    #[error("{url}: redirect refused: {reason}")]
    Redirect { url: String, reason: String },
    #[error("{url}: request failed: {reason}")]
    Other { url: String, reason: String },
}

fn auth_text(status: u16, keyed: bool, detail: &str) -> String {
    let said = if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    };
    if keyed {
        format!(
            "the API key was refused (HTTP {status}{said}); check that it is correct and active"
        )
    } else {
        format!("access denied (HTTP {status}{said})")
    }
}

fn retry_text(d: Option<Duration>) -> String {
    d.map(|d| format!("; retry after {}", crate::model::time::format_duration(d)))
        .unwrap_or_default()
}

impl NetError {
    /// Whether another attempt of the same request may succeed soon: a 5xx, a timeout,
    /// a refused or dropped connection. A name that does not resolve is not.
    fn is_transient(&self) -> bool {
        match self {
            NetError::Status { status, .. } => *status >= 500,
            NetError::Timeout { .. } | NetError::Connect { .. } | NetError::Body { .. } => true,
            _ => false,
        }
    }

    pub fn is_auth(&self) -> bool {
        matches!(self, NetError::Auth { .. })
    }

    /// Whether the server may have received the request although no answer came (a
    /// timeout, a reply cut off): sending it again may repeat it.
    pub fn maybe_received(&self) -> bool {
        matches!(self, NetError::Timeout { .. } | NetError::Body { .. })
    }

    /// Whether the host name did not resolve, which usually means no network.
    pub fn is_unresolved(&self) -> bool {
        matches!(self, NetError::Resolve { .. })
    }
}

/// One request. Keys go in `secret_headers`, which are marked sensitive, never logged,
/// and never follow a redirect to another origin.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub secret_headers: Vec<(HeaderName, SecretString)>,
    pub body: Option<Vec<u8>>,
    /// Whether a `429` is retried here; off when the caller keeps a quota ledger and
    /// must hear of every `429`.
    pub retry_rate_limited: bool,
    /// Whether a request the server may have received without answering
    /// ([`NetError::maybe_received`]) is sent again; off for a request whose repeat the
    /// server would count twice.
    pub resend_unanswered: bool,
}

impl Request {
    pub fn get(url: Url) -> Self {
        Request {
            method: Method::GET,
            url,
            headers: Vec::new(),
            secret_headers: Vec::new(),
            body: None,
            retry_rate_limited: true,
            resend_unanswered: true,
        }
    }

    /// A `POST` of `body` as `content_type`.
    pub fn post(url: Url, body: Vec<u8>, content_type: HeaderValue) -> Self {
        let mut r = Request::get(url);
        r.method = Method::POST;
        r.headers
            .push((reqwest::header::CONTENT_TYPE, content_type));
        r.body = Some(body);
        r
    }

    pub fn post_json(url: Url, body: &serde_json::Value) -> Self {
        Request::post(
            url,
            body.to_string().into_bytes(),
            HeaderValue::from_static("application/json"),
        )
    }

    /// A `429` comes back at once as [`NetError::RateLimited`], unretried.
    pub fn without_429_retry(mut self) -> Self {
        self.retry_rate_limited = false;
        self
    }

    /// A timeout or a reply cut off comes back at once, unretried: the server may
    /// have acted on the request.
    pub fn without_resend(mut self) -> Self {
        self.resend_unanswered = false;
        self
    }

    /// Attaches a key header (no-op for `None`).
    pub fn with_secret(mut self, name: &'static str, key: Option<&SecretString>) -> Self {
        if let Some(k) = key {
            self.secret_headers
                .push((HeaderName::from_static(name), k.clone()));
        }
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn keyed(&self) -> bool {
        !self.secret_headers.is_empty()
    }
}

/// A complete response: status, headers, and the whole (decompressed) body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub url: Url,
    /// The keys sent with the request, so text from the server that echoes one can be
    /// scrubbed before it is shown or logged.
    secrets: Vec<SecretString>,
}

impl Response {
    /// Maps any non-success status to an error, with the server's message if it sent one.
    pub fn ok(self) -> Result<Response, NetError> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(NetError::Status {
                url: redact_url(&self.url),
                status: self.status.as_u16(),
                // Scrub the whole body before it is shortened to a detail line.
                detail: error_detail(self.scrub(&String::from_utf8_lossy(&self.body)).as_bytes()),
            })
        }
    }

    /// `text` (from this response) with any key sent in the request replaced.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.iter().fold(text.to_string(), |t, k| {
            super::redact::scrub(&t, k.expose_secret())
        })
    }
}

/// The human part of an error body: a JSON `message`/`detail`/`error.message`/
/// `query_status` when there is one, else the start of the text. Sanitised, one line.
pub fn error_detail(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        // VirusTotal: `{"error": {"code": "WrongCredentialsError", "message": "..."}}`.
        let text = |p: &str| v.pointer(p).and_then(serde_json::Value::as_str);
        if let (Some(code), Some(msg)) = (text("/error/code"), text("/error/message")) {
            return one_line(&format!("{code}: {msg}"), 200);
        }
        // MISP: `{"name": ..., "message": "Could not add Sighting", "errors": "No valid
        // attributes found that match the criteria."}`: the reason is in `errors`.
        if let (Some(msg), Some(errors)) = (text("/message"), text("/errors")) {
            return one_line(&format!("{msg}: {errors}"), 200);
        }
        let found = [
            "/error/message",
            "/error/code",
            "/detail",
            "/message",
            "/query_status",
            "/error",
        ]
        .into_iter()
        .find_map(|p| v.pointer(p).and_then(serde_json::Value::as_str));
        if let Some(s) = found {
            return one_line(s, 200);
        }
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(400)]);
    one_line(&text, 200)
}

/// The shared HTTP client.
#[derive(Debug, Clone)]
pub struct HttpClient {
    open: reqwest::Client,
    keyed: reqwest::Client,
    cfg: HttpConfig,
}

impl HttpClient {
    /// The longest one request may take (`http.timeout`).
    pub fn timeout(&self) -> std::time::Duration {
        self.cfg.timeout
    }

    pub fn new(cfg: &HttpConfig) -> Result<HttpClient, NetError> {
        let build = |same_origin: bool| -> Result<reqwest::Client, NetError> {
            let mut b = reqwest::Client::builder()
                .user_agent(user_agent())
                .connect_timeout(cfg.connect_timeout)
                .timeout(cfg.timeout)
                .redirect(redirect_policy(same_origin));
            if let Some(p) = &cfg.proxy {
                let proxy = reqwest::Proxy::all(p.as_str())
                    .map_err(|e| NetError::Other {
                        url: redact_url(p),
                        reason: format!("bad proxy: {e}"),
                    })?
                    .no_proxy(reqwest::NoProxy::from_env());
                b = b.proxy(proxy);
            }
            b.build().map_err(|e| NetError::Other {
                url: String::from("(client)"),
                reason: one_line(&e.to_string(), 200),
            })
        };
        Ok(HttpClient {
            open: build(false)?,
            keyed: build(true)?,
            cfg: cfg.clone(),
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.cfg
    }

    /// Sends `req`, retrying transient failures, and returns the final response.
    /// 401/403 and an exhausted 429 are errors; other statuses come back as responses
    /// (call [`Response::ok`] to turn them into errors).
    pub async fn send(&self, req: &Request) -> Result<Response, NetError> {
        let mut attempt: u32 = 0;
        loop {
            let result = self.send_once(req).await;
            let retry_in = match &result {
                Ok(resp) if resp.status == StatusCode::TOO_MANY_REQUESTS => {
                    let retry_after = parse_retry_after(&resp.headers);
                    let wait = retry_after.unwrap_or_else(|| self.backoff(attempt));
                    if attempt >= self.cfg.retries
                        || wait > self.cfg.max_retry_wait
                        || !req.retry_rate_limited
                    {
                        return Err(NetError::RateLimited {
                            url: redact_url(&req.url),
                            retry_after,
                        });
                    }
                    wait
                }
                Ok(resp) if resp.status.is_server_error() && attempt < self.cfg.retries => {
                    self.backoff(attempt)
                }
                Ok(resp)
                    if resp.status == StatusCode::UNAUTHORIZED
                        || resp.status == StatusCode::FORBIDDEN =>
                {
                    let body = resp.scrub(&String::from_utf8_lossy(&resp.body));
                    let detail = if body.trim().is_empty() {
                        String::new()
                    } else {
                        one_line(&error_detail(body.as_bytes()), 120)
                    };
                    return Err(NetError::Auth {
                        url: redact_url(&req.url),
                        status: resp.status.as_u16(),
                        keyed: req.keyed(),
                        detail,
                    });
                }
                Ok(_) => return result,
                Err(e)
                    if e.is_transient()
                        && attempt < self.cfg.retries
                        && (req.resend_unanswered || !e.maybe_received()) =>
                {
                    self.backoff(attempt)
                }
                Err(_) => return result,
            };
            let shown = match &result {
                Ok(r) => format!("HTTP {}", r.status.as_u16()),
                Err(e) => e.to_string(),
            };
            tracing::debug!(
                url = %redact_url(&req.url),
                attempt = attempt + 1,
                "retrying in {} after {shown}",
                crate::model::time::format_duration(retry_in)
            );
            let why = match &result {
                Ok(r) if r.status == StatusCode::TOO_MANY_REQUESTS => WaitReason::ServerRateLimit,
                _ => WaitReason::Retry,
            };
            super::wait::notice(retry_in, why);
            tokio::time::sleep(retry_in).await;
            attempt += 1;
        }
    }

    /// Exponential backoff from `http.backoff`, capped, with up to 25% jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.cfg.backoff.saturating_mul(1u32 << attempt.min(16));
        let capped = base.min(self.cfg.max_retry_wait);
        let jitter = capped.mul_f64(fastrand::f64() * 0.25);
        capped.saturating_add(jitter).min(self.cfg.max_retry_wait)
    }

    async fn send_once(&self, req: &Request) -> Result<Response, NetError> {
        let shown = || redact_url(&req.url);
        let client = if req.keyed() { &self.keyed } else { &self.open };
        let mut rb = client.request(req.method.clone(), req.url.clone());
        for (k, v) in &req.headers {
            rb = rb.header(k, v);
        }
        for (k, secret) in &req.secret_headers {
            let mut v =
                HeaderValue::from_str(secret.expose_secret()).map_err(|_| NetError::Other {
                    url: shown(),
                    reason: format!(
                        "the key for header {k} holds characters a header cannot carry"
                    ),
                })?;
            v.set_sensitive(true);
            rb = rb.header(k, v);
        }
        if let Some(body) = &req.body {
            rb = rb.body(body.clone());
        }
        let mut resp = rb.send().await.map_err(|e| self.map_err(req, &e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let final_url = resp.url().clone();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            return Err(NetError::Redirect {
                url: shown(),
                reason: format!(
                    "HTTP {} to {} (a key is never sent to another host)",
                    status.as_u16(),
                    headers
                        .get(reqwest::header::LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .map(|l| one_line(l, 120))
                        .unwrap_or_else(|| "an unknown location".into())
                ),
            });
        }
        let limit = self.cfg.max_body;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(NetError::TooLarge {
                url: shown(),
                limit,
            });
        }
        let mut body = Vec::with_capacity(
            resp.content_length()
                .map_or(64 * 1024, |n| n.min(limit) as usize),
        );
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(NetError::TooLarge {
                            url: shown(),
                            limit,
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.map_err(req, &e)),
            }
        }
        Ok(Response {
            status,
            headers,
            body,
            url: final_url,
            secrets: req.secret_headers.iter().map(|(_, k)| k.clone()).collect(),
        })
    }

    fn map_err(&self, req: &Request, e: &reqwest::Error) -> NetError {
        let url = redact_url(&req.url);
        let mut reason = error_chain(e);
        for (_, s) in &req.secret_headers {
            reason = super::redact::scrub(&reason, s.expose_secret());
        }
        let reason = one_line(&reason, 240);
        if e.is_timeout() {
            NetError::Timeout {
                url,
                after: self.cfg.timeout,
            }
        } else if e.is_redirect() {
            NetError::Redirect { url, reason }
        } else if is_resolve_error(e) {
            // The resolver's own words say it all ("failed to lookup address
            // information: Name or service not known"); the wrappers add nothing.
            let mut last: &dyn std::error::Error = e;
            while let Some(cause) = last.source() {
                last = cause;
            }
            let mut reason = last.to_string();
            for (_, s) in &req.secret_headers {
                reason = super::redact::scrub(&reason, s.expose_secret());
            }
            NetError::Resolve {
                url,
                reason: one_line(&reason, 240),
            }
        } else if e.is_connect() {
            NetError::Connect { url, reason }
        } else if e.is_body() || e.is_decode() {
            NetError::Body { url, reason }
        } else if e.is_request() {
            NetError::Connect { url, reason }
        } else {
            NetError::Other { url, reason }
        }
    }
}

/// Whether `e` or one of its causes is a failure to resolve the host name (hyper's
/// `dns error`, the system resolver's "failed to lookup address").
fn is_resolve_error(e: &reqwest::Error) -> bool {
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if text.starts_with("dns error") || text.contains("failed to lookup address") {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The error and its causes, deduplicated, without the URL reqwest adds.
fn error_chain(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let mut s = err.to_string();
        if let Some(pos) = s.find(" for url (") {
            s.truncate(pos);
        }
        // reqwest's and hyper's wrappers say nothing the cause does not.
        let generic = s == "error sending request" || s.starts_with("client error (");
        if !generic && !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    if parts.is_empty() {
        return e.to_string();
    }
    parts.join(": ")
}

fn redirect_policy(same_origin: bool) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        let scheme = attempt.url().scheme().to_string();
        if scheme != "http" && scheme != "https" {
            return attempt.error(format!("redirect to a {scheme}: URL"));
        }
        if same_origin {
            let first = attempt.previous().first().map(Url::origin);
            if first.is_some_and(|o| o != attempt.url().origin()) {
                // Stop here: the caller sees the 3xx and reports it.
                return attempt.stop();
            }
        }
        attempt.follow()
    })
}

/// `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let now = jiff::Timestamp::now();
    let d = now.duration_until(when);
    Some(Duration::try_from(d).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests;
