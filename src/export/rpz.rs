// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A DNS response policy zone (RPZ; draft-vixie-dnsop-dns-rpz, as BIND, Unbound, Knot
//! and PowerDNS Recursor read it) in master-file format, whose triggers all answer
//! NXDOMAIN (`CNAME .`):
//!
//! ```text
//! ; comments: when, how many, what was cut
//! $TTL 300
//! @ SOA localhost. hostmaster.localhost. ( SERIAL 3600 600 864000 300 )
//! @ NS localhost.
//! evil.example CNAME .              ; a domain
//! *.evil.example CNAME .            ; and its subdomains
//! 32.7.2.0.192.rpz-ip CNAME .       ; 192.0.2.7: answers that hold it
//! 24.0.100.51.198.rpz-ip CNAME .    ; 198.51.100.0/24
//! 48.zz.db8.2001.rpz-ip CNAME .     ; 2001:db8::/48
//! ```
//!
//! Owner names are relative, so the file serves a zone of any name (up to
//! [`ORIGIN_MAX`] characters). Domains give a name and its wildcard; a URL gives its
//! host (a name, or an address trigger when the host is an address); IPv4 and IPv6
//! addresses and networks give `rpz-ip` triggers: the prefix length, then the
//! address's octets (IPv4) or 16-bit words in hex (IPv6) from last to first, the longest
//! run of two or more zero words (the first of equals, as in RFC 5952) written `zz`.
//! The serial is the export's time in seconds since 1970, so each export is newer.
//!
//! A name is written only when it is a valid one: ASCII labels of letters, digits, `-`
//! and `_`, 1–63 characters each, short enough that its wildcard fits under a zone
//! name of [`ORIGIN_MAX`] characters (255 octets in all), and not ending in an `rpz-`
//! label (those name triggers of other kinds). Other names, hashes, e-mail addresses,
//! CVEs and networks of prefix length 0 are cut and counted. A trigger written once is
//! not written again.

use std::collections::HashSet;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv6Addr};

use ipnet::IpNet;
use jiff::Timestamp;

use super::fit::Cut;
use super::{LeftOut, Written};
use crate::model::IndicatorType;
use crate::model::indicator::canonical_url;
use crate::model::sanitize::one_line;
use crate::model::time::rfc3339;
use crate::store::set::Entry;

/// The longest zone name (without its final dot) the names are kept short enough for.
pub const ORIGIN_MAX: usize = 63;
/// The longest name written: its wildcard `*.NAME.ORIGIN.` fits in 255 octets.
pub const NAME_MAX: usize = 250 - ORIGIN_MAX;
/// The records' time to live, in seconds.
pub const TTL: u32 = 300;

/// `name` as an owner name (lower case), when it is a valid one (see the module doc).
pub fn dns_name(name: &str) -> Option<String> {
    let ascii;
    let name = if name.is_ascii() {
        name
    } else {
        ascii = idna::domain_to_ascii_strict(name).ok()?;
        &ascii
    };
    let name = name.to_ascii_lowercase();
    if name.is_empty() || name.len() > NAME_MAX {
        return None;
    }
    let mut last = "";
    for label in name.split('.') {
        if label.is_empty()
            || label.len() > 63
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        last = label;
    }
    (!last.starts_with("rpz-")).then_some(name)
}

/// The `rpz-ip` trigger name of `addr`/`prefix` (relative); `None` for prefix length 0
/// or one longer than the address. An IPv4-mapped IPv6 network of /96 or longer is
/// written as the IPv4 network, as BIND writes it.
pub fn ip_trigger(addr: IpAddr, prefix: u8) -> Option<String> {
    match addr {
        IpAddr::V4(a) if (1..=32).contains(&prefix) => {
            let o = a.octets();
            Some(format!(
                "{prefix}.{}.{}.{}.{}.rpz-ip",
                o[3], o[2], o[1], o[0]
            ))
        }
        IpAddr::V6(a) if (96..=128).contains(&prefix) && a.to_ipv4_mapped().is_some() => {
            ip_trigger(IpAddr::V4(a.to_ipv4_mapped()?), prefix - 96)
        }
        IpAddr::V6(a) if (1..=128).contains(&prefix) => Some(v6_trigger(a, prefix)),
        _ => None,
    }
}

fn v6_trigger(a: Ipv6Addr, prefix: u8) -> String {
    let w = a.segments();
    // The longest run of two or more zero words; the first of equal runs.
    let (mut best, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        if w[i] == 0 {
            let start = i;
            while i < 8 && w[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best = Some(start);
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let mut labels: Vec<String> = Vec::with_capacity(9);
    let mut i = 0;
    while i < 8 {
        if Some(i) == best {
            labels.push("zz".into());
            i += best_len;
        } else {
            labels.push(format!("{:x}", w[i]));
            i += 1;
        }
    }
    labels.reverse();
    format!("{prefix}.{}.rpz-ip", labels.join("."))
}

/// The owner names `e` gives; `Err` with why it gives none.
pub fn triggers(e: &Entry) -> Result<Vec<String>, &'static str> {
    let v = &*e.value;
    let address = |a: IpAddr| {
        let full = if a.is_ipv4() { 32 } else { 128 };
        ip_trigger(a, full).map(|t| vec![t])
    };
    match e.kind {
        IndicatorType::Domain => dns_name(v)
            .map(|n| vec![n.clone(), format!("*.{n}")])
            .ok_or("domain (not a valid DNS name)"),
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => v
            .parse::<IpAddr>()
            .ok()
            .and_then(address)
            .ok_or("address (not an IP address)"),
        IndicatorType::Cidr => match v.parse::<IpNet>() {
            Ok(n) => {
                let n = n.trunc();
                ip_trigger(n.network(), n.prefix_len())
                    .map(|t| vec![t])
                    .ok_or("cidr (prefix length 0: every address)")
            }
            Err(_) => Err("cidr (not a network)"),
        },
        IndicatorType::Url => {
            let (url, at) = canonical_url(v).map_err(|_| "url (no host)")?;
            let host = url.get(at).ok_or("url (no host)")?;
            match host.parse::<IpAddr>() {
                Ok(a) => address(a).ok_or("url (no host)"),
                Err(_) => dns_name(host)
                    .map(|n| vec![n])
                    .ok_or("url (its host is not a valid DNS name)"),
            }
        }
        IndicatorType::Email => Err("email (a policy zone holds names and addresses)"),
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => {
            Err("hash (a policy zone holds names and addresses)")
        }
        IndicatorType::Cve => Err("cve (a policy zone holds names and addresses)"),
    }
}

/// The zone's serial at `now`: seconds since 1970, within 32 bits.
pub fn serial(now: Timestamp) -> u32 {
    u32::try_from(now.as_second().max(1)).unwrap_or(u32::MAX)
}

/// Writes the zone of `entries`; its header says what `selected` (the choice of
/// indicators) cut, and what the zone left out.
pub(super) fn write_rpz<W: Write>(
    entries: &[&Entry],
    selected: Option<&Cut>,
    out: W,
    now: Timestamp,
) -> io::Result<Written> {
    let mut cut = LeftOut::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut body = Vec::with_capacity(entries.len() * 40);
    let (mut written, mut lines) = (0, 0);
    for e in entries {
        match triggers(e) {
            Ok(names) => {
                let mut any = false;
                for n in names {
                    if seen.insert(n.clone()) {
                        body.extend_from_slice(n.as_bytes());
                        body.extend_from_slice(b" CNAME .\n");
                        lines += 1;
                        any = true;
                    }
                }
                if any {
                    written += 1;
                } else {
                    cut.add("trigger already written (by another entry)", 1);
                }
            }
            Err(why) => cut.add(why, 1),
        }
    }
    let mut w = io::BufWriter::new(out);
    writeln!(
        w,
        "; IntelliSIEM response policy zone (RPZ), written {}",
        rfc3339(now)
    )?;
    writeln!(
        w,
        "; {written} indicators as {lines} triggers, each answered NXDOMAIN"
    )?;
    for line in selected.map(Cut::describe).into_iter().chain(cut.summary()) {
        writeln!(w, "; {}", one_line(&line, 2_000))?;
    }
    writeln!(w, "$TTL {TTL}")?;
    writeln!(
        w,
        "@ SOA localhost. hostmaster.localhost. ( {} 3600 600 864000 {TTL} )",
        serial(now)
    )?;
    writeln!(w, "@ NS localhost.")?;
    w.write_all(&body)?;
    w.flush()?;
    Ok(Written {
        count: written,
        left_out: cut,
        ..Written::default()
    })
}
