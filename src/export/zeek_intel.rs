// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The Zeek Intel framework's input file (Zeek `base/frameworks/intel`, read by
//! `Intel::read_files` with the ASCII input reader):
//!
//! ```text
//! #fields<TAB>indicator<TAB>indicator_type<TAB>meta.source<TAB>meta.desc<TAB>meta.url
//! ```
//!
//! One row per indicator and source (`meta.source` is the item's key, `intellisiem:` +
//! the source name); `Intel::ADDR`, `SUBNET`, `DOMAIN`, `URL` (without the scheme, as
//! Zeek looks URLs up), `FILE_HASH`, `EMAIL`. CVEs have no Intel type and are left out.
//! Values use Zeek's escaping: tab, backslash and unsafe characters as `\xNN` / `\\`,
//! a value of exactly `-` as `\x2d`, an empty one as `(empty)`; unset is `-`.

use std::io::{self, Write};

use super::Record;
use crate::model::IndicatorType;
use crate::model::sanitize::is_unsafe;
use crate::store::set::{Entry, Store};

/// The header line.
pub const HEADER: &str = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url";

/// The Intel type of `kind`; `None` for CVEs.
pub fn intel_type(kind: IndicatorType) -> Option<&'static str> {
    Some(match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => "Intel::ADDR",
        IndicatorType::Cidr => "Intel::SUBNET",
        IndicatorType::Domain => "Intel::DOMAIN",
        IndicatorType::Url => "Intel::URL",
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => "Intel::FILE_HASH",
        IndicatorType::Email => "Intel::EMAIL",
        IndicatorType::Cve => return None,
    })
}

/// A URL as Zeek's HTTP analyzer builds it: `host[:port]/path?query`, no scheme.
pub fn url_indicator(value: &str) -> String {
    match value.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        None => value.to_string(),
    }
}

/// One field with Zeek's ASCII escaping.
pub fn escape(s: &str) -> String {
    match s {
        "" => return "(empty)".into(),
        "-" => return "\\x2d".into(),
        "(empty)" => return "\\x28empty)".into(),
        _ => {}
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\x09"),
            c if is_unsafe(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// An optional field: escaped, or `-` when unset.
fn opt(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty())
        .map_or_else(|| "-".into(), escape)
}

pub(super) fn write_zeek_intel<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
) -> io::Result<usize> {
    let mut w = io::BufWriter::new(out);
    w.write_all(HEADER.as_bytes())?;
    w.write_all(b"\n")?;
    let mut n = 0;
    for e in entries {
        let Some(ty) = intel_type(e.kind) else {
            continue;
        };
        let r = Record::new(store, e);
        let value = match e.kind {
            IndicatorType::Url => url_indicator(r.value),
            _ => r.value.to_string(),
        };
        let url = r
            .references
            .iter()
            .find(|u| u.starts_with("https://") || u.starts_with("http://"))
            .copied();
        let desc = opt(r.threat);
        let url = opt(url);
        let value = escape(&value);
        for source in &r.sources {
            let source = escape(&format!("intellisiem:{source}"));
            writeln!(w, "{value}\t{ty}\t{source}\t{desc}\t{url}")?;
        }
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
