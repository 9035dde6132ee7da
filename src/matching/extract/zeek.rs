// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Zeek logs (FORMATS-LOGS.md §2): the ASCII writer's TSV, driven by its header
//! (`#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#fields`, re-read on
//! every `#` line), and the JSON writer (flat dotted keys). Columns are read by name:
//! conn, dns, http, ssl, x509, files and smtp fields map to their ECS names; any other
//! column of type `addr`/`subnet` (or a set/vector of them) counts as `related.ip`.

use std::borrow::Cow;
use std::sync::Arc;

use super::{Event, EventTime, Skip, ValueKind};

/// The ECS name and lookup kind of a Zeek column, `None` for columns not matched.
fn column(name: &str, ty: &str) -> Option<(&'static str, ValueKind)> {
    use ValueKind::*;
    Some(match name {
        "id.orig_h" | "id_orig_h" => ("source.ip", Ip),
        "id.resp_h" | "id_resp_h" => ("destination.ip", Ip),
        "query" => ("dns.question.name", Host),
        "answers" => ("dns.answers.data", Any),
        "host" => ("url.domain", Host),
        "referrer" => ("http.request.referrer", Any),
        "server_name" => ("tls.client.server_name", Host),
        "san.dns" | "san_dns" => ("tls.server.x509.alternative_names", Host),
        "san.email" | "san_email" => ("tls.server.x509.alternative_names", Email),
        "san.ip" | "san_ip" => ("tls.server.x509.alternative_names", Ip),
        "fingerprint" | "cert_chain_fps" | "client_cert_chain_fps" => {
            ("tls.server.hash.sha256", Hash)
        }
        "md5" => ("file.hash.md5", Hash),
        "sha1" => ("file.hash.sha1", Hash),
        "sha256" => ("file.hash.sha256", Hash),
        "mailfrom" => ("email.sender.address", Email),
        "rcptto" | "to" => ("email.to.address", Email),
        "from" => ("email.from.address", Email),
        "cc" => ("email.cc.address", Email),
        "reply_to" => ("email.reply_to.address", Email),
        "x_originating_ip" | "path" | "tx_hosts" | "rx_hosts" => ("related.ip", Ip),
        _ if ty == "addr" || ty.ends_with("[addr]") => ("related.ip", Ip),
        _ => return None,
    })
}

/// What the current header says.
#[derive(Debug, Clone)]
struct Header {
    separator: u8,
    set_separator: u8,
    empty: Box<str>,
    unset: Box<str>,
    /// Per column: ECS name and kind, or `None`.
    columns: Vec<Option<(&'static str, ValueKind)>>,
    ts: Option<usize>,
    host: Option<usize>,
    uri: Option<usize>,
    sets: Vec<bool>,
    /// Columns a row is read up to: the last one matched or used is column `read_upto - 1`.
    read_upto: usize,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            separator: b'\t',
            set_separator: b',',
            empty: "(empty)".into(),
            unset: "-".into(),
            columns: Vec::new(),
            ts: None,
            host: None,
            uri: None,
            sets: Vec::new(),
            read_upto: 0,
        }
    }
}

/// The TSV reader's state: the header in force (shared cheaply with scan threads).
#[derive(Debug, Clone, Default)]
pub struct Tsv {
    header: Arc<Header>,
    names: Vec<String>,
    types: Vec<String>,
}

fn unescape_sep(v: &str) -> Option<u8> {
    let v = v.trim();
    if let Some(hex) = v.strip_prefix("\\x") {
        return u8::from_str_radix(hex, 16).ok();
    }
    v.bytes().next()
}

impl Tsv {
    /// Reads one TSV line: a header line updates the state (`Ok(None)`); a row gives its
    /// event. A row before any `#fields` is a [`Skip::BadLine`].
    pub fn extract<'a>(&mut self, line: &'a [u8]) -> Result<Option<Event<'a>>, Skip> {
        let text = std::str::from_utf8(line).map_err(|_| Skip::InvalidUtf8)?;
        if let Some(h) = text.strip_prefix('#') {
            self.header_line(h);
            return Ok(None);
        }
        if self.header.columns.is_empty() {
            return Err(Skip::BadLine);
        }
        Ok(Some(row(&self.header, text)))
    }

    fn header_line(&mut self, h: &str) {
        let mut hd = (*self.header).clone();
        if let Some(v) = h.strip_prefix("separator ") {
            if let Some(b) = unescape_sep(v) {
                hd.separator = b;
            }
            self.header = Arc::new(hd);
            return;
        }
        let sep = hd.separator as char;
        let Some((key, value)) = h.split_once(sep) else {
            return;
        };
        match key {
            "set_separator" => hd.set_separator = unescape_sep(value).unwrap_or(b','),
            "empty_field" => hd.empty = value.into(),
            "unset_field" => hd.unset = value.into(),
            "fields" => self.names = value.split(sep).map(str::to_owned).collect(),
            "types" => self.types = value.split(sep).map(str::to_owned).collect(),
            _ => return,
        }
        let ty = |i: usize| self.types.get(i).map_or("", String::as_str);
        hd.columns = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| column(n, ty(i)))
            .collect();
        hd.sets = (0..self.names.len())
            .map(|i| {
                ty(i).starts_with("set[") || ty(i).starts_with("vector[") || self.types.is_empty()
            })
            .collect();
        let pos = |n: &str| self.names.iter().position(|x| x == n);
        hd.ts = pos("ts");
        hd.host = pos("host");
        hd.uri = pos("uri");
        let used = hd.columns.iter().rposition(Option::is_some);
        hd.read_upto = [used, hd.ts, hd.host, hd.uri]
            .into_iter()
            .flatten()
            .max()
            .map_or(0, |i| i + 1);
        self.header = Arc::new(hd);
    }
}

/// Undoes Zeek's escaping (`\xNN`, `\\`) when the value has any.
fn unescape(v: &str) -> Cow<'_, str> {
    if !v.contains('\\') {
        return Cow::Borrowed(v);
    }
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 4 <= b.len() && b.get(i + 1) == Some(&b'x') {
            let hex = std::str::from_utf8(&b[i + 2..i + 4]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 4;
                continue;
            }
        }
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn row<'a>(h: &Header, text: &'a str) -> Event<'a> {
    if h.separator.is_ascii() {
        let mut start = 0;
        let ends = memchr::memchr_iter(h.separator, text.as_bytes()).chain([text.len()]);
        // Cut next to an ASCII byte: always a character boundary.
        row_cells(
            h,
            ends.map(|end| {
                let cell = text.get(start..end).unwrap_or_default();
                start = end + 1;
                cell
            }),
        )
    } else {
        row_cells(h, text.split(char::from(h.separator)))
    }
}

/// The event of a row split into `cells`; only the columns up to the last one used are
/// looked at.
fn row_cells<'a>(h: &Header, cells: impl Iterator<Item = &'a str>) -> Event<'a> {
    let mut ev = Event::new("zeek");
    let mut host: Option<&'a str> = None;
    let mut uri: Option<&'a str> = None;
    for (i, cell) in cells.take(h.read_upto).enumerate() {
        let column = h.columns.get(i).copied().flatten();
        let special = Some(i) == h.ts || Some(i) == h.host || Some(i) == h.uri;
        if (column.is_none() && !special) || cell == &*h.unset || cell == &*h.empty {
            continue;
        }
        if Some(i) == h.ts {
            ev.time = Some(EventTime::Epoch(Cow::Borrowed(cell)));
        }
        if Some(i) == h.host {
            host = Some(cell);
        }
        if Some(i) == h.uri {
            uri = Some(cell);
        }
        let Some((name, kind)) = column else {
            continue;
        };
        if h.sets.get(i).copied().unwrap_or(false) && cell.as_bytes().contains(&h.set_separator) {
            for part in cell.split(char::from(h.set_separator)) {
                ev.push(name, unescape(part), kind);
            }
        } else {
            ev.push(name, unescape(cell), kind);
        }
    }
    if let (Some(host), Some(uri)) = (host, uri) {
        push_url(&mut ev, &unescape(host), &unescape(uri));
    }
    ev
}

/// http.log `host` + `uri` → `url.full` (`uri` is absolute when proxied).
fn push_url(ev: &mut Event<'_>, host: &str, uri: &str) {
    if uri.contains("://") {
        ev.push("url.full", uri.to_owned(), ValueKind::Url);
    } else if uri.starts_with('/') {
        ev.push("url.full", format!("http://{host}{uri}"), ValueKind::Url);
    }
}

/// Reads one Zeek JSON line (flat dotted keys; `_` scope separator accepted).
pub fn extract_json(line: &[u8]) -> Result<Event<'static>, Skip> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(line).map_err(|_| {
            if std::str::from_utf8(line).is_err() {
                Skip::InvalidUtf8
            } else {
                Skip::BadJson
            }
        })?;
    let mut ev = Event::new("zeek");
    match map.get("ts") {
        Some(serde_json::Value::Number(n)) => {
            ev.time = Some(EventTime::Epoch(Cow::Owned(n.to_string())))
        }
        Some(serde_json::Value::String(s)) => ev.time = Some(EventTime::Iso(Cow::Owned(s.clone()))),
        _ => {}
    }
    for (k, v) in &map {
        let Some((name, kind)) = column(k, "") else {
            continue;
        };
        match v {
            serde_json::Value::String(s) => ev.push(name, s.clone(), kind),
            serde_json::Value::Array(a) => {
                for s in a.iter().filter_map(|x| x.as_str()) {
                    ev.push(name, s.to_owned(), kind);
                }
            }
            _ => {}
        }
    }
    if let (Some(host), Some(uri)) = (
        map.get("host").and_then(|v| v.as_str()),
        map.get("uri").and_then(|v| v.as_str()),
    ) {
        push_url(&mut ev, host, uri);
    }
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DNS: &str = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]\n1795943702.481230\tCx\t192.0.2.10\t53514\t192.0.2.53\t53\tudp\tc2.bad.example\tedge.bad.example,203.0.113.66\n";

    #[test]
    fn tsv_is_read_by_its_header() {
        let mut t = Tsv::default();
        let mut events = Vec::new();
        for line in DNS.lines() {
            if let Some(ev) = t.extract(line.as_bytes()).unwrap() {
                events.push(
                    ev.fields
                        .iter()
                        .map(|f| (f.name, f.value.to_string()))
                        .collect::<Vec<_>>(),
                );
            }
        }
        assert_eq!(events.len(), 1);
        let f = &events[0];
        assert!(f.contains(&("dns.question.name", "c2.bad.example".into())));
        assert!(f.contains(&("dns.answers.data", "203.0.113.66".into())));
        assert!(f.contains(&("destination.ip", "192.0.2.53".into())));
    }

    #[test]
    fn row_before_header_is_skipped_and_escapes_are_undone() {
        let mut t = Tsv::default();
        assert_eq!(t.extract(b"1\t2").unwrap_err(), Skip::BadLine);
        assert_eq!(unescape("a\\x2cb\\\\c"), "a,b\\c");
    }

    fn fields(tsv: &mut Tsv, line: &str) -> Vec<(String, String)> {
        let ev = tsv.extract(line.as_bytes()).unwrap().unwrap();
        let mut out: Vec<(String, String)> = ev
            .fields
            .iter()
            .map(|f| (f.name.to_owned(), f.value.to_string()))
            .collect();
        if let Some(EventTime::Epoch(t)) = &ev.time {
            out.push(("ts".into(), t.to_string()));
        }
        out
    }

    #[test]
    fn columns_after_the_last_one_used_are_not_read_but_ts_and_uri_are() {
        let mut tsv = Tsv::default();
        for h in [
            "#separator \\x09",
            "#fields\tid.resp_h\tnote\thost\tpayload\tts\turi\trest",
            "#types\taddr\tstring\tstring\tstring\ttime\tstring\tstring",
        ] {
            assert!(tsv.extract(h.as_bytes()).unwrap().is_none());
        }
        assert_eq!(tsv.header.read_upto, 6, "up to uri, not rest");
        let row = "203.0.113.9\t-\tevil.example\t(empty)\t1795943702.5\t/a\tx\ty\tz";
        assert_eq!(
            fields(&mut tsv, row),
            [
                ("destination.ip".to_owned(), "203.0.113.9".to_owned()),
                ("url.domain".into(), "evil.example".into()),
                ("url.full".into(), "http://evil.example/a".into()),
                ("ts".into(), "1795943702.5".into()),
            ]
        );
        // A short row (cut off) gives what it has.
        assert_eq!(fields(&mut tsv, "203.0.113.9").len(), 1);
    }

    #[test]
    fn a_separator_that_is_not_ascii_splits_by_its_character() {
        let mut tsv = Tsv::default();
        for h in ["#separator \\xa7", "#fields\u{a7}ts\u{a7}id.orig_h"] {
            assert!(tsv.extract(h.as_bytes()).unwrap().is_none());
        }
        assert_eq!(
            fields(&mut tsv, "1795943702.5\u{a7}192.0.2.1"),
            [
                ("source.ip".to_owned(), "192.0.2.1".to_owned()),
                ("ts".into(), "1795943702.5".into()),
            ]
        );
    }
}
