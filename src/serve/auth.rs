// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Who a request is: HTTP Basic (RFC 7617) or a bearer token (RFC 6750), checked in
//! constant time, and a back-off per client address after wrong credentials.
//!
//! Secrets are held as SHA-256 digests and compared with [`subtle`] against every
//! configured credential, so neither a secret's length nor which user exists shows in the
//! time an answer takes.
//!
//! Back-off: from the [`FREE_FAILURES`]th wrong credential in a row from one address,
//! that address gets `429 Too Many Requests` with `Retry-After` for [`BASE_WAIT`],
//! doubled with each further wrong credential up to [`MAX_WAIT`], whatever it sends
//! (the right password included). A right credential outside a wait clears the count;
//! a count unused for [`FORGET_AFTER`] is forgotten.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::serve::Grant;

/// Wrong credentials in a row from one address before it has to wait.
pub const FREE_FAILURES: u32 = 5;
/// The first wait.
pub const BASE_WAIT: Duration = Duration::from_secs(1);
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(300);
/// How long an address's count of wrong credentials is kept without a new one.
pub const FORGET_AFTER: Duration = Duration::from_secs(900);
/// Addresses tracked at most (the oldest are forgotten first past it).
const TRACKED: usize = 100_000;

/// A credential with its secret resolved.
pub struct Credential {
    pub grant: Grant,
    digest: [u8; 32],
}

impl Credential {
    /// `grant` with its secret's value.
    pub fn new(grant: Grant, secret: &SecretString) -> Credential {
        Credential {
            grant,
            digest: digest(secret.expose_secret().as_bytes()),
        }
    }
}

fn digest(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

/// What the `Authorization` header says.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// A credential that matched.
    Granted(&'a Grant),
    /// No `Authorization` header, or one of another scheme.
    Missing,
    /// A wrong user, password or token.
    Wrong,
    /// The address must wait this long (it sent too many wrong credentials).
    Wait(Duration),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    until: Option<Instant>,
}

/// The configured credentials and the back-off state.
pub struct Auth {
    users: Vec<Credential>,
    tokens: Vec<Credential>,
    failures: Mutex<HashMap<IpAddr, Failures>>,
}

impl Auth {
    pub fn new(users: Vec<Credential>, tokens: Vec<Credential>) -> Auth {
        Auth {
            users,
            tokens,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Checks `authorization` (the header's value, if any) from `peer` at `now`.
    pub fn check(&self, peer: IpAddr, authorization: Option<&[u8]>, now: Instant) -> Verdict<'_> {
        if let Some(wait) = self.waiting(peer, now) {
            return Verdict::Wait(wait);
        }
        let found = match authorization.and_then(parse) {
            None => return Verdict::Missing,
            Some(Presented::Basic(user, password)) => find(&self.users, &digest(&password), |g| {
                g.name.as_bytes() == user
            }),
            Some(Presented::Bearer(token)) => find(&self.tokens, &digest(&token), |_| true),
        };
        match found {
            Some(g) => {
                crate::model::lock(&self.failures).remove(&peer);
                Verdict::Granted(g)
            }
            None => {
                self.failed(peer, now);
                Verdict::Wrong
            }
        }
    }

    fn waiting(&self, peer: IpAddr, now: Instant) -> Option<Duration> {
        let f = crate::model::lock(&self.failures);
        let until = f.get(&peer)?.until?;
        (until > now).then(|| until - now)
    }

    fn failed(&self, peer: IpAddr, now: Instant) {
        let mut map = crate::model::lock(&self.failures);
        if map.len() >= TRACKED {
            map.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
            if map.len() >= TRACKED {
                map.clear();
            }
        }
        let f = map.entry(peer).or_insert(Failures {
            count: 0,
            last: now,
            until: None,
        });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
        if f.count >= FREE_FAILURES {
            let doublings = (f.count - FREE_FAILURES).min(16);
            let wait = BASE_WAIT.saturating_mul(1 << doublings).min(MAX_WAIT);
            f.until = Some(now + wait);
        }
    }
}

/// Every credential's digest is compared, matched or not; the first whose name fits
/// and whose digest matches wins.
fn find<'a>(
    creds: &'a [Credential],
    presented: &[u8; 32],
    name_fits: impl Fn(&Grant) -> bool,
) -> Option<&'a Grant> {
    let mut found = None;
    for c in creds {
        let same = bool::from(c.digest.ct_eq(presented));
        if same && name_fits(&c.grant) && found.is_none() {
            found = Some(&c.grant);
        }
    }
    found
}

enum Presented {
    Basic(Vec<u8>, Vec<u8>),
    Bearer(Vec<u8>),
}

fn parse(h: &[u8]) -> Option<Presented> {
    let s = std::str::from_utf8(h).ok()?.trim();
    let (scheme, rest) = s.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .ok()?;
        let colon = raw.iter().position(|b| *b == b':')?;
        Some(Presented::Basic(
            raw[..colon].to_vec(),
            raw[colon + 1..].to_vec(),
        ))
    } else if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
        Some(Presented::Bearer(rest.as_bytes().to_vec()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(name: &str) -> Grant {
        Grant {
            name: name.into(),
            secret: "env:X".into(),
            collections: vec!["all".into()],
        }
    }

    fn basic(u: &str, p: &str) -> Vec<u8> {
        let enc = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
        format!("Basic {enc}").into_bytes()
    }

    #[test]
    fn basic_bearer_and_back_off() {
        let auth = Auth::new(
            vec![Credential::new(grant("panos"), &"s3cret".into())],
            vec![Credential::new(grant("siem"), &"tok".into())],
        );
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        let t = Instant::now();
        assert!(
            matches!(auth.check(ip, Some(&basic("panos", "s3cret")), t), Verdict::Granted(g) if g.name == "panos")
        );
        assert!(
            matches!(auth.check(ip, Some(b"Bearer tok"), t), Verdict::Granted(g) if g.name == "siem")
        );
        assert_eq!(auth.check(ip, None, t), Verdict::Missing);
        assert_eq!(auth.check(ip, Some(b"Digest x"), t), Verdict::Missing);
        assert_eq!(
            auth.check(ip, Some(&basic("siem", "tok")), t),
            Verdict::Wrong
        );
        for _ in 1..FREE_FAILURES {
            assert_eq!(
                auth.check(ip, Some(&basic("panos", "no")), t),
                Verdict::Wrong
            );
        }
        assert_eq!(
            auth.check(ip, Some(&basic("panos", "s3cret")), t),
            Verdict::Wait(BASE_WAIT)
        );
        assert!(matches!(
            auth.check(other, Some(&basic("panos", "s3cret")), t),
            Verdict::Granted(_)
        ));
        let later = t + BASE_WAIT;
        assert_eq!(
            auth.check(ip, Some(&basic("panos", "no")), later),
            Verdict::Wrong
        );
        assert_eq!(auth.check(ip, None, later), Verdict::Wait(BASE_WAIT * 2));
        let later = later + BASE_WAIT * 2;
        assert!(matches!(
            auth.check(ip, Some(&basic("panos", "s3cret")), later),
            Verdict::Granted(_)
        ));
        assert_eq!(
            auth.check(ip, Some(&basic("panos", "no")), later),
            Verdict::Wrong
        );
    }
}
