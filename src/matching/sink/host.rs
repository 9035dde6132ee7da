// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The internal side of an alert's event, kept with each hit as
//! [`crate::model::LogHit::host`] so a report can name the hosts involved: the address
//! on the other side of the one that hit (for `destination.ip` the event's
//! `source.ip`, and the reverse; ECS field names), or for a domain, URL or hash the
//! address that asked (`source.ip`, `client.ip`, `host.ip`). Among the event's
//! addresses a private one (RFC 1918, RFC 6598 shared, loopback, link-local, IPv6
//! unique local RFC 4193) is preferred, as the internal side of a connection.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::matching::extract::Field;

/// The ECS address fields tried for a hit on a value that is not an address, in order.
const ASKERS_FIRST: [&str; 5] = [
    "source.ip",
    "client.ip",
    "host.ip",
    "destination.ip",
    "server.ip",
];

/// The event's internal host for a hit of `atomic` in the field `hit_field`; `None`
/// when the event names no other address.
pub fn internal_host(fields: &[Field<'_>], hit_field: &str, atomic: &str) -> Option<Box<str>> {
    let counterpart = match hit_field {
        "destination.ip" => "source.ip",
        "source.ip" => "destination.ip",
        "server.ip" => "client.ip",
        "client.ip" => "server.ip",
        _ => "",
    };
    let hit_ip: Option<IpAddr> = atomic.parse().ok();
    let order = std::iter::once(counterpart).chain(ASKERS_FIRST);
    let mut candidates: Vec<IpAddr> = Vec::new();
    for name in order.filter(|n| !n.is_empty() && *n != hit_field) {
        for f in fields.iter().filter(|f| f.name == name) {
            let text = f.value.trim().trim_start_matches('[').trim_end_matches(']');
            let Ok(ip) = text.parse::<IpAddr>() else {
                continue;
            };
            if Some(ip) != hit_ip && !candidates.contains(&ip) {
                candidates.push(ip);
            }
        }
    }
    let pick = candidates
        .iter()
        .find(|ip| is_internal(**ip))
        .or(candidates.first())?;
    Some(pick.to_string().into())
}

/// Whether `ip` is of a private, shared, loopback or link-local range.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (b & 0xC0) == 64;
    ip.is_private() || ip.is_loopback() || ip.is_link_local() || shared
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::extract::ValueKind;

    fn field(name: &'static str, value: &'static str) -> Field<'static> {
        Field {
            name,
            value: value.into(),
            kind: ValueKind::Ip,
        }
    }

    #[test]
    fn the_other_side_of_an_address_hit_is_the_host() {
        let f = [
            field("source.ip", "198.51.100.7"),
            field("destination.ip", "203.0.113.9"),
        ];
        let host = |field, atomic| internal_host(&f, field, atomic).map(String::from);
        assert_eq!(
            host("destination.ip", "203.0.113.9").as_deref(),
            Some("198.51.100.7")
        );
        assert_eq!(
            host("source.ip", "198.51.100.7").as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(
            host("dns.question.name", "bad.example").as_deref(),
            Some("198.51.100.7"),
            "a name's asker is the source"
        );
        assert_eq!(internal_host(&f[..1], "source.ip", "198.51.100.7"), None);
    }

    #[test]
    fn a_private_address_is_preferred() {
        let f = [
            field("source.ip", "203.0.113.9"),
            field("destination.ip", "10.1.2.3"),
        ];
        assert_eq!(
            internal_host(&f, "url.original", "http://bad.example/").as_deref(),
            Some("10.1.2.3")
        );
        for (ip, internal) in [
            ("192.168.1.1", true),
            ("100.64.0.1", true),
            ("100.128.0.1", false),
            ("fd00::1", true),
            ("fe80::1", true),
            ("::ffff:10.0.0.1", true),
            ("2001:db8::1", false),
            ("192.0.2.1", false),
        ] {
            assert_eq!(is_internal(ip.parse().unwrap()), internal, "{ip}");
        }
    }
}
