// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A Wazuh CDB list (Wazuh documentation, "Using CDB lists"): a text file of
//! `key:value` lines that the Wazuh manager compiles into a constant database and rules
//! look fields up in (`<list field="srcip" lookup="address_match_key">etc/lists/NAME</list>`).
//!
//! Keys follow Wazuh's own rules, as its list compiler reads them:
//! - the key ends at the first `:`, so a key that holds one (an IPv6 address, a URL) is
//!   written in double quotes: `"2001:db8::1":…`. Nothing escapes a `"` inside
//!   quotes, so a key holding `"` is cut, as is one holding a control or invisible
//!   character (it could end the line), an empty one and one longer than [`MAX_KEY`]
//!   (Wazuh reads lines of up to 64 KiB);
//! - address ranges are masks by a trailing dot, for whole octets only (Wazuh issue
//!   3976): `10.0.0.0/8` is `10.`, `/16` is `10.1.`, `/24` is `10.1.2.`, `/32` the
//!   address. Any other IPv4 prefix from /9 to /31 is expanded into the keys of the next
//!   whole octet (`10.1.16.0/20` becomes the 16 keys `10.1.16.` … `10.1.31.`, at most
//!   128 per range); a range wider than /8 and an IPv6 range (Wazuh has no IPv6 mask)
//!   are cut. An IPv6 `/128` is the address.
//! - keys are unique: a key written once (a range's key that another entry already
//!   gave) is not written again.
//!
//! The value is the indicator's score (0–100), then its threat when one is known
//! (`85 botnet_cc`), so a rule's `check_value` can test either (`^9|^100` for 90 and
//! up); in the threat, `"` and unsafe characters become spaces (the compiler would read
//! a `"` as the start of a quoted value), and it is cut to [`MAX_VALUE`] characters. The file has no
//! comments: Wazuh's list format has none, so what was cut is said beside the file.

use std::collections::HashSet;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};

use super::{LeftOut, Written};
use crate::model::IndicatorType;
use crate::model::sanitize::is_unsafe;
use crate::store::set::Entry;

/// The longest key written, in bytes.
pub const MAX_KEY: usize = 8_192;
/// The longest value written, in characters.
pub const MAX_VALUE: usize = 256;

/// The keys of an IPv4 network: masks by a trailing dot for /8, /16 and /24, the
/// address for /32, the next whole octet's keys for other prefixes from /9 to /31;
/// `None` for prefixes shorter than /8.
pub fn ipv4_keys(net: Ipv4Net) -> Option<Vec<String>> {
    let net = net.trunc();
    let p = net.prefix_len();
    if p < 8 {
        return None;
    }
    // The whole octets the keys name: 1, 2, 3 or 4.
    let octets = usize::from(p.div_ceil(8));
    let step = u32::from(p.div_ceil(8)) * 8;
    let base = u32::from(net.network());
    let count = 1u32 << (step - u32::from(p));
    let keys = (0..count)
        .map(|i| {
            let a = Ipv4Addr::from(base + (i << (32 - step)));
            if octets == 4 {
                a.to_string()
            } else {
                a.octets()[..octets]
                    .iter()
                    .map(|b| format!("{b}."))
                    .collect()
            }
        })
        .collect();
    Some(keys)
}

/// The keys of `e` before quoting; `Err` with why it is cut.
pub fn keys(e: &Entry) -> Result<Vec<String>, &'static str> {
    let v = &*e.value;
    match e.kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => v
            .parse::<IpAddr>()
            .map(|a| vec![a.to_string()])
            .map_err(|_| "address (not an IP address)"),
        IndicatorType::Cidr => match v.parse::<IpNet>() {
            Ok(IpNet::V4(n)) => {
                ipv4_keys(n).ok_or("cidr (wider than /8: Wazuh masks whole octets only)")
            }
            Ok(IpNet::V6(n)) if n.prefix_len() == 128 => Ok(vec![n.addr().to_string()]),
            Ok(IpNet::V6(_)) => Err("cidr (an IPv6 range: Wazuh lists have no IPv6 mask)"),
            Err(_) => Err("cidr (not a network)"),
        },
        _ => Ok(vec![v.to_string()]),
    }
}

/// `key` as written before the separating `:` (quoted when it holds a `:`); `Err`
/// with why it cannot be.
pub fn key_field(key: &str) -> Result<String, &'static str> {
    if key.is_empty() {
        return Err("empty key");
    }
    if key.len() > MAX_KEY {
        return Err("key longer than 8 KiB");
    }
    if key.contains('"') || key.chars().any(is_unsafe) {
        return Err("key with a quote or control character (Wazuh keys cannot hold one)");
    }
    Ok(if key.contains(':') {
        format!("\"{key}\"")
    } else {
        key.to_string()
    })
}

/// The value of `e`: its score, then its threat made safe for the line when known.
pub fn value_field(e: &Entry) -> String {
    let threat = e
        .threat()
        .map(|t| {
            t.chars()
                .map(|c| if c == '"' || is_unsafe(c) { ' ' } else { c })
                .take(MAX_VALUE)
                .collect::<String>()
        })
        .unwrap_or_default();
    let threat = threat.trim();
    if threat.is_empty() {
        e.score.to_string()
    } else {
        format!("{} {threat}", e.score)
    }
}

/// Writes the list of `entries`.
pub(super) fn write_wazuh_cdb<W: Write>(entries: &[&Entry], out: W) -> io::Result<Written> {
    let mut cut = LeftOut::default();
    let mut w = io::BufWriter::new(out);
    let mut seen: HashSet<String> = HashSet::new();
    let (mut written, mut expanded, mut expanded_keys) = (0, 0, 0);
    for e in entries {
        let keys = match keys(e) {
            Ok(k) => k,
            Err(why) => {
                cut.add(why, 1);
                continue;
            }
        };
        let value = value_field(e);
        let mut any = false;
        let mut why = "key already written (by another entry)";
        for k in &keys {
            match key_field(k) {
                Ok(field) => {
                    if seen.insert(field.clone()) {
                        writeln!(w, "{field}:{value}")?;
                        any = true;
                    }
                }
                Err(e) => why = e,
            }
        }
        if any {
            written += 1;
            if keys.len() > 1 {
                expanded += 1;
                expanded_keys += keys.len();
            }
        } else {
            cut.add(why, 1);
        }
    }
    w.flush()?;
    let notes = if expanded > 0 {
        vec![format!(
            "{expanded} ranges written as {expanded_keys} keys (Wazuh masks whole octets only)"
        )]
    } else {
        Vec::new()
    };
    Ok(Written {
        count: written,
        left_out: cut,
        notes,
        ..Written::default()
    })
}
