// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Looking values up in the built [`Matcher`]: a logged value of a given kind (what
//! `match` and the dashboard's followed logs ask), or an indicator of a given type (what
//! `lookup` asks), each giving every indicator it hits.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::{Hit, Matcher, Table};
use crate::matching::extract::ValueKind;
use crate::matching::keys::{self, HashKey};
use crate::model::IndicatorType;

impl Matcher {
    /// Looks up one indicator of type `kind`, written `value` (normalised, as
    /// [`crate::model::indicator::normalise`] gives it), and appends every indicator it
    /// hits, as `match` hits it in a log: an address hits its exact indicator and every
    /// range that covers it; a range itself and every wider range; a domain itself and
    /// (with `subdomains`) its parent domains; a URL itself and its host as a name or
    /// address; a digest, e-mail address or CVE id itself. Each hit's `atomic` is the
    /// value in canonical form.
    pub fn lookup_indicator(&self, kind: IndicatorType, value: &str, out: &mut Vec<Hit>) {
        match kind {
            IndicatorType::Ipv4 | IndicatorType::Ipv6 => self.lookup(ValueKind::Ip, value, out),
            IndicatorType::Cidr => self.lookup_cidr(value, out),
            IndicatorType::Domain => self.lookup(ValueKind::Host, value, out),
            IndicatorType::Url => self.lookup(ValueKind::Url, value, out),
            IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => {
                self.lookup(ValueKind::Hash, value, out)
            }
            IndicatorType::Email => self.lookup(ValueKind::Email, value, out),
            IndicatorType::Cve => {
                let value = value.trim();
                if let Some(i) = self.get_str(Table::Cve, value) {
                    out.push(Hit {
                        meta: i,
                        atomic: value.to_string(),
                    });
                }
            }
        }
    }

    /// A range: itself and every wider range that holds it (shortest prefix first).
    fn lookup_cidr(&self, value: &str, out: &mut Vec<Hit>) {
        let Ok(net) = value.trim().parse::<IpNet>().map(|n| n.trunc()) else {
            return;
        };
        let atomic = net.to_string();
        let mut push = |meta: u32| {
            out.push(Hit {
                meta,
                atomic: atomic.clone(),
            })
        };
        match net {
            IpNet::V4(n) => self.cidr4.cover(&n).for_each(|(_, &i)| push(i)),
            IpNet::V6(n) => self.cidr6.cover(&n).for_each(|(_, &i)| push(i)),
        }
    }

    /// Looks up one logged value of the given kind and appends every indicator it hits:
    /// an address hits its exact indicator and every listed range that covers it; a host
    /// name hits on whole labels (and its parent domains with `subdomains`); a URL hits
    /// its normalised form, and its host as a name or address; a digest hits in any case;
    /// an e-mail address on its lower-cased `addr-spec`. `Any` guesses the kind first.
    pub fn lookup(&self, kind: ValueKind, raw: &str, out: &mut Vec<Hit>) {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > crate::model::indicator::MAX_VALUE_LEN {
            return;
        }
        match kind {
            ValueKind::Ip => {
                if let Some(ip) = keys::ip(raw) {
                    self.lookup_ip(ip, out);
                }
            }
            ValueKind::Host => self.lookup_host(raw, out),
            ValueKind::Url => self.lookup_url(raw, out),
            ValueKind::Hash => self.lookup_hash(raw, out),
            ValueKind::Email => self.lookup_email(raw, out),
            ValueKind::Any => {
                if raw.contains("://") {
                    self.lookup_url(raw, out);
                } else if raw.contains('@') {
                    self.lookup_email(raw, out);
                } else if matches!(raw.len(), 32 | 40 | 64)
                    && raw.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    self.lookup_hash(raw, out);
                } else {
                    self.lookup_host(raw, out);
                }
            }
        }
    }

    /// Exact address, then every covering range (shortest prefix first).
    pub fn lookup_ip(&self, ip: IpAddr, out: &mut Vec<Hit>) {
        let atomic = |out: &mut Vec<Hit>, meta| {
            out.push(Hit {
                meta,
                atomic: ip.to_string(),
            })
        };
        match ip {
            IpAddr::V4(v4) => {
                if let Some(&i) = self.v4.get(&u32::from(v4)) {
                    atomic(out, i);
                }
                if !self.cidr4.is_empty() {
                    let host = Ipv4Net::from(v4);
                    for (_, &i) in self.cidr4.cover(&host) {
                        atomic(out, i);
                    }
                }
            }
            IpAddr::V6(v6) => {
                if let Some(&i) = self.v6.get(&u128::from(v6)) {
                    atomic(out, i);
                }
                if !self.cidr6.is_empty() {
                    let host = Ipv6Net::from(v6);
                    for (_, &i) in self.cidr6.cover(&host) {
                        atomic(out, i);
                    }
                }
            }
        }
    }

    fn lookup_host(&self, raw: &str, out: &mut Vec<Hit>) {
        if let Some(ip) = keys::ip(raw) {
            return self.lookup_ip(ip, out);
        }
        let (host, _) = keys::split_host_port(raw);
        if host.len() != raw.len()
            && let Some(ip) = keys::ip(host)
        {
            return self.lookup_ip(ip, out);
        }
        if self.domains.is_empty() {
            return;
        }
        let Some(name) = keys::domain(host) else {
            return;
        };
        if let Some(i) = self.get_str(Table::Domain, &name) {
            out.push(Hit {
                meta: i,
                atomic: name.to_string(),
            });
        }
        if self.options.subdomains {
            let mut rest: &str = &name;
            while let Some(dot) = rest.find('.') {
                rest = &rest[dot + 1..];
                if !rest.contains('.') {
                    break;
                }
                if let Some(i) = self.get_str(Table::Domain, rest) {
                    out.push(Hit {
                        meta: i,
                        atomic: name.to_string(),
                    });
                }
            }
        }
    }

    fn lookup_url(&self, raw: &str, out: &mut Vec<Hit>) {
        let Some(k) = keys::url(raw) else {
            return;
        };
        if let Some(i) = self.get_str(Table::Url, &k.key) {
            out.push(Hit {
                meta: i,
                atomic: k.key.clone(),
            });
        }
        self.lookup_host(&k.host, out);
    }

    fn lookup_hash(&self, raw: &str, out: &mut Vec<Hit>) {
        let hit = match keys::hash(raw) {
            Some(HashKey::Md5(k)) => self.md5.get(&k),
            Some(HashKey::Sha1(k)) => self.sha1.get(&k),
            Some(HashKey::Sha256(k)) => self.sha256.get(&k),
            None => None,
        };
        if let Some(&i) = hit {
            out.push(Hit {
                meta: i,
                atomic: raw.to_ascii_lowercase(),
            });
        }
    }

    fn lookup_email(&self, raw: &str, out: &mut Vec<Hit>) {
        if self.emails.is_empty() {
            return;
        }
        if let Some(k) = keys::email(raw)
            && let Some(i) = self.get_str(Table::Email, &k)
        {
            out.push(Hit { meta: i, atomic: k });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::matching::{MatchOptions, MatcherBuilder, Warninglists};
    use crate::model::IndicatorType::{self, *};

    fn names(m: &crate::matching::Matcher, kind: IndicatorType, value: &str) -> Vec<String> {
        let mut out = Vec::new();
        m.lookup_indicator(kind, value, &mut out);
        out.iter()
            .map(|h| m.meta(h.meta).map_or("?".into(), |x| x.name.to_string()))
            .collect()
    }

    #[test]
    fn an_indicator_hits_what_a_logged_value_would() {
        let mut b = MatcherBuilder::new();
        let src = b.source("feed");
        for (k, v) in [
            (Ipv4, "198.51.100.7"),
            (Cidr, "198.51.100.0/24"),
            (Cidr, "198.51.0.0/16"),
            (Cidr, "2001:db8::/32"),
            (Domain, "evil.example"),
            (Url, "http://evil.example/a"),
            (Cve, "CVE-2021-44228"),
            (Sha256, &"ab".repeat(32)),
        ] {
            b.add(
                k,
                v,
                crate::matching::matcher::NewIndicator {
                    sources: &[src],
                    ..Default::default()
                },
            );
        }
        let m = b.build(&Warninglists::none(), MatchOptions { subdomains: true });
        assert_eq!(
            names(&m, Ipv4, "198.51.100.7"),
            ["198.51.100.7", "198.51.0.0/16", "198.51.100.0/24"]
        );
        assert_eq!(
            names(&m, Ipv4, "198.51.7.1"),
            ["198.51.0.0/16"],
            "inside a range only"
        );
        assert_eq!(
            names(&m, Cidr, "198.51.100.128/25"),
            ["198.51.0.0/16", "198.51.100.0/24"]
        );
        assert_eq!(
            names(&m, Cidr, "198.51.100.0/24"),
            ["198.51.0.0/16", "198.51.100.0/24"]
        );
        assert_eq!(names(&m, Ipv6, "2001:db8::1"), ["2001:db8::/32"]);
        assert_eq!(names(&m, Domain, "a.b.evil.example"), ["evil.example"]);
        assert_eq!(
            names(&m, Url, "http://evil.example/a"),
            ["http://evil.example/a", "evil.example"]
        );
        assert_eq!(names(&m, Url, "https://x.evil.example/b"), ["evil.example"]);
        assert_eq!(names(&m, Cve, "CVE-2021-44228"), ["CVE-2021-44228"]);
        assert!(m.holds(Cve, "CVE-2021-44228"));
        assert_eq!(names(&m, Sha256, &"AB".repeat(32)), ["ab".repeat(32)]);
        assert!(names(&m, Domain, "example").is_empty());
        assert!(names(&m, Cidr, "not a range").is_empty());
    }
}
