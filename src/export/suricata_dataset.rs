// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A Suricata dataset load file (Suricata user guide, "Datasets", section "File
//! formats"), for `dataset:isset,NAME, type T, load FILE`: one value per line, in the
//! form of the dataset's type:
//!
//! | dataset type | indicators | each line |
//! |---|---|---|
//! | `string` | domain, url or email (one of them per file) | the value, base64 (standard alphabet, padded) |
//! | `md5`, `sha256` | md5, sha256 | the digest in hex |
//! | `ipv4` | ipv4 | the dotted quad |
//! | `ip` | ipv6, with ipv4 beside it | the address as text (Suricata's type for IPv6 is `ip`, which also takes IPv4) |
//!
//! A load file holds one dataset of one type, so an export holds one: indicators that
//! would make two ([`Group`]) fail the export with one line naming them and how to
//! choose (`--type`), before anything is written. A range (`cidr`, datasets match exact
//! values), a SHA-1 (no dataset type) and a CVE are cut and counted. The file has no
//! header or comment: Suricata's loader has none (a `#` line of a `string` set is bad
//! base64, which stops Suricata under strict start-up), so what was cut is said beside
//! the file, never in it. No value is written that would end a line early or be empty.

use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{LeftOut, Written};
use crate::model::IndicatorType;
use crate::store::set::Entry;

/// What one load file holds: an address family or one kind of hash or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// IPv4 and IPv6 addresses: dataset type `ipv4`, or `ip` once IPv6 is there.
    Addresses,
    /// MD5 digests: dataset type `md5`.
    Md5,
    /// SHA-256 digests: dataset type `sha256`.
    Sha256,
    /// Domains, as `string` (looked up in `dns.query`, `tls.sni`, `http.host`).
    Domains,
    /// URLs, as `string`.
    Urls,
    /// E-mail addresses, as `string`.
    Emails,
}

impl Group {
    /// The group `kind` belongs to; `None` for types no dataset holds.
    pub fn of(kind: IndicatorType) -> Option<Group> {
        Some(match kind {
            IndicatorType::Ipv4 | IndicatorType::Ipv6 => Group::Addresses,
            IndicatorType::Md5 => Group::Md5,
            IndicatorType::Sha256 => Group::Sha256,
            IndicatorType::Domain => Group::Domains,
            IndicatorType::Url => Group::Urls,
            IndicatorType::Email => Group::Emails,
            IndicatorType::Cidr | IndicatorType::Sha1 | IndicatorType::Cve => return None,
        })
    }

    /// The `--type` that picks this group.
    fn flag(self) -> &'static str {
        match self {
            Group::Addresses => "ipv4,ipv6",
            Group::Md5 => "md5",
            Group::Sha256 => "sha256",
            Group::Domains => "domain",
            Group::Urls => "url",
            Group::Emails => "email",
        }
    }
}

/// Why a type is cut, after its count.
fn unfit(kind: IndicatorType) -> &'static str {
    match kind {
        IndicatorType::Cidr => "cidr (datasets match exact values; use suricata-iprep for ranges)",
        IndicatorType::Sha1 => "sha1 (Suricata has no sha1 dataset type)",
        _ => "cve (not a value Suricata sees on the wire)",
    }
}

/// The dataset type of a file of `group` (`has_v6`: IPv6 addresses are in it).
pub fn dataset_type(group: Group, has_v6: bool) -> &'static str {
    match group {
        Group::Addresses if has_v6 => "ip",
        Group::Addresses => "ipv4",
        Group::Md5 => "md5",
        Group::Sha256 => "sha256",
        Group::Domains | Group::Urls | Group::Emails => "string",
    }
}

/// The line of `e` in a file of its group, without the newline; `Err` with why not.
pub fn line(e: &Entry) -> Result<String, &'static str> {
    let v = &*e.value;
    match e.kind {
        IndicatorType::Ipv4 => v
            .parse::<Ipv4Addr>()
            .map(|a| a.to_string())
            .map_err(|_| "ipv4 (not an address)"),
        IndicatorType::Ipv6 => v
            .parse::<Ipv6Addr>()
            .map(|a| a.to_string())
            .map_err(|_| "ipv6 (not an address)"),
        IndicatorType::Md5 => hex_digest(v, 32).ok_or("md5 (not 32 hex digits)"),
        IndicatorType::Sha256 => hex_digest(v, 64).ok_or("sha256 (not 64 hex digits)"),
        IndicatorType::Domain | IndicatorType::Url | IndicatorType::Email if v.is_empty() => {
            Err("empty value")
        }
        // As it goes on the wire: an international name in its IDNA ASCII form.
        IndicatorType::Domain if !v.is_ascii() => idna::domain_to_ascii(v)
            .map(|a| STANDARD.encode(a.as_bytes()))
            .map_err(|_| "domain (not a valid international name)"),
        IndicatorType::Domain | IndicatorType::Url | IndicatorType::Email => {
            Ok(STANDARD.encode(v.as_bytes()))
        }
        other => Err(unfit(other)),
    }
}

/// `s` in lower case when it is exactly `len` hex digits.
fn hex_digest(s: &str, len: usize) -> Option<String> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// Writes the load file of `entries`; the notes name the dataset type.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] when the entries make more than one file
/// ([`Group`]): one line naming each with its count and the `--type` that picks it.
/// Otherwise the errors of `out`.
pub(super) fn write_suricata_dataset<W: Write>(entries: &[&Entry], out: W) -> io::Result<Written> {
    let mut groups: Vec<(Group, usize)> = Vec::new();
    let mut cut = LeftOut::default();
    let mut has_v6 = false;
    for e in entries {
        match Group::of(e.kind) {
            Some(g) => match groups.iter_mut().find(|(h, _)| *h == g) {
                Some((_, n)) => *n += 1,
                None => groups.push((g, 1)),
            },
            None => cut.add(unfit(e.kind), 1),
        }
        has_v6 |= e.kind == IndicatorType::Ipv6;
    }
    if groups.len() > 1 {
        let named: Vec<String> = groups
            .iter()
            .map(|(g, n)| format!("{n} for --type {}", g.flag()))
            .collect();
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "suricata-dataset writes one dataset per file, and these indicators make {}: {}; choose one with --type",
                groups.len(),
                named.join(", ")
            ),
        ));
    }
    let mut w = io::BufWriter::new(out);
    let mut written = 0;
    for e in entries {
        if Group::of(e.kind).is_none() {
            continue;
        }
        match line(e) {
            Ok(l) => {
                w.write_all(l.as_bytes())?;
                w.write_all(b"\n")?;
                written += 1;
            }
            Err(why) => cut.add(why, 1),
        }
    }
    w.flush()?;
    let notes = groups
        .first()
        .map(|(g, _)| format!("Suricata dataset type {}", dataset_type(*g, has_v6)))
        .into_iter()
        .collect();
    Ok(Written {
        count: written,
        left_out: cut,
        notes,
        ..Written::default()
    })
}
