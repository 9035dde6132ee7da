// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Zeek logs (FORMATS-LOGS.md §2), in each form Zeek's ASCII writer has
//! (zeek `scripts/base/frameworks/logging/writers/ascii.zeek`, zeek-docs "Logging
//! framework"):
//! - the default TSV, driven by its header (`#separator`, `#set_separator`,
//!   `#empty_field`, `#unset_field`, `#fields`, `#types`, re-read on every `#` line).
//!   The separator is whatever `#separator` declares, of any length (`\x09`, `\x7c`,
//!   `\x7c\x7c`); Zeek's `\xNN` escapes (the separator, backslash and non-printable
//!   bytes) are undone in values;
//! - the `tsv = T` filter form: a single plain header row of column names, no `#` lines,
//!   recognised by its names ([`plain_header`]);
//! - the JSON writer ([`extract_json`]).
//!
//! Columns are read by name, with either scope separator (`id.orig_h`, or `id_orig_h`
//! from `Log::default_scope_sep = "_"`): conn, dns, http, ssl, x509, files and smtp
//! fields map to their ECS names; any other column of type `addr`/`subnet` (or a
//! set/vector of them) counts as `related.ip`.

mod json;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::sync::Arc;

pub use json::extract_json;

use super::{Event, EventTime, Port, Skip, ValueKind};

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

/// Zeek column names that are not matched but mark a row of names as a Zeek header.
const OTHER_NAMES: &[&str] = &[
    "uid",
    "fuid",
    "id.orig_p",
    "id_orig_p",
    "id.resp_p",
    "id_resp_p",
    "proto",
    "service",
    "conn_state",
    "trans_id",
    "qtype_name",
    "rcode_name",
    "method",
    "uri",
    "user_agent",
    "status_code",
    "mime_type",
    "filename",
    "source",
    "certificate.subject",
    "certificate_subject",
    "subject",
    "issuer",
];

/// What the current header says.
#[derive(Debug, Clone)]
struct Header {
    /// The field separator, decoded (one or more characters).
    separator: Box<str>,
    set_separator: Box<str>,
    empty: Box<str>,
    unset: Box<str>,
    /// The header was a `tsv = T` row of names (no `#` lines).
    plain: bool,
    /// Per column: ECS name and kind, or `None`.
    columns: Vec<Option<(&'static str, ValueKind)>>,
    ts: Option<usize>,
    host: Option<usize>,
    uri: Option<usize>,
    /// `id.orig_p`, `id.resp_p` and `uid`: the connection, carried to the alerts.
    orig_p: Option<usize>,
    resp_p: Option<usize>,
    uid: Option<usize>,
    sets: Vec<bool>,
    /// Columns a row is read up to: the last one matched or used is column `read_upto - 1`.
    read_upto: usize,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            separator: "\t".into(),
            set_separator: ",".into(),
            empty: "(empty)".into(),
            unset: "-".into(),
            plain: false,
            columns: Vec::new(),
            ts: None,
            host: None,
            uri: None,
            orig_p: None,
            resp_p: None,
            uid: None,
            sets: Vec::new(),
            read_upto: 0,
        }
    }
}

impl Header {
    /// Works out the columns from their names and (maybe no) types.
    fn set_columns(&mut self, names: &[String], types: &[String]) {
        let ty = |i: usize| types.get(i).map_or("", String::as_str);
        self.columns = names
            .iter()
            .enumerate()
            .map(|(i, n)| column(n, ty(i)))
            .collect();
        self.sets = (0..names.len())
            .map(|i| ty(i).starts_with("set[") || ty(i).starts_with("vector[") || types.is_empty())
            .collect();
        let pos = |n: &str| names.iter().position(|x| x == n);
        self.ts = pos("ts");
        self.host = pos("host");
        self.uri = pos("uri");
        self.orig_p = pos("id.orig_p").or_else(|| pos("id_orig_p"));
        self.resp_p = pos("id.resp_p").or_else(|| pos("id_resp_p"));
        self.uid = pos("uid");
        let used = self.columns.iter().rposition(Option::is_some);
        self.read_upto = [
            used,
            self.ts,
            self.host,
            self.uri,
            self.orig_p,
            self.resp_p,
            self.uid,
        ]
        .into_iter()
        .flatten()
        .max()
        .map_or(0, |i| i + 1);
    }
}

/// The TSV reader's state: the header in force (shared cheaply with scan threads).
#[derive(Debug, Clone, Default)]
pub struct Tsv {
    header: Arc<Header>,
    names: Vec<String>,
    types: Vec<String>,
}

/// The cells of `text` split by the non-empty separator `sep` (one byte: `memchr`;
/// longer: `memmem`). Cuts fall on character boundaries, as `sep` is UTF-8.
struct Cells<'a, 's> {
    rest: Option<&'a str>,
    sep: &'s [u8],
}

impl<'a, 's> Cells<'a, 's> {
    fn new(text: &'a str, sep: &'s str) -> Self {
        Cells {
            rest: (!sep.is_empty()).then_some(text),
            sep: sep.as_bytes(),
        }
    }
}

impl<'a> Iterator for Cells<'a, '_> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let at = match self.sep {
            [one] => memchr::memchr(*one, rest.as_bytes()),
            sep => memchr::memmem::find(rest.as_bytes(), sep),
        };
        match at {
            Some(i) => {
                self.rest = rest.get(i + self.sep.len()..);
                rest.get(..i)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// A separator as a header writes it (`\x09`, `\x7c\x7c`, or raw characters), decoded.
/// Bytes that are not UTF-8 (`\xa7`) stand for the character of that code point.
/// `None` when empty.
fn decode_separator(v: &str) -> Option<Box<str>> {
    let v = match v.trim() {
        "" => v,
        t => t,
    };
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && b.get(i + 1) == Some(&b'x')
            && let Some(byte) = b
                .get(i + 2..i + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 4;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    if out.is_empty() {
        return None;
    }
    Some(match String::from_utf8(out) {
        Ok(s) => s.into(),
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    })
}

/// A name as Zeek writes one: a letter or `_`, then letters, digits, `_` and `.`.
fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() <= 128
        && b.first()
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
}

/// The separator of a `tsv = T` header row (`LogAscii` filter config `tsv = "T"`: one
/// row of column names, no `#` lines; zeek `writers/ascii.zeek`), or `None` when `line`
/// is not one. The rule: the separator is the run of characters after the first name;
/// every cell is a name, there are at least three, one is `ts` and at least two others
/// are known Zeek column names (`uid`, `id.orig_h`/`id_orig_h`, `query`, `md5`, ...).
pub fn plain_header(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    let name_byte = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.');
    let end = b.iter().position(|c| !name_byte(c))?;
    let len = b[end..].iter().position(name_byte)?;
    let sep = line.get(end..end + len)?;
    let (mut cells, mut ts, mut known) = (0usize, false, 0usize);
    for cell in Cells::new(line, sep) {
        if !is_name(cell) {
            return None;
        }
        cells += 1;
        if cell == "ts" {
            ts = true;
        } else if column(cell, "").is_some() || OTHER_NAMES.contains(&cell) {
            known += 1;
        }
    }
    (cells >= 3 && ts && known >= 2).then_some(sep)
}

/// Bytes at the start of `head` that are Zeek header lines, each ending in a newline:
/// the `#` lines a file starts with, or its `tsv = T` header row. Read first when a
/// log is read from somewhere other than its start (retro-hunt windows, following).
pub fn header_end(head: &[u8]) -> usize {
    let mut end = 0;
    for line in head.split_inclusive(|&b| b == b'\n') {
        if line.last() != Some(&b'\n') {
            break;
        }
        if line.first() == Some(&b'#') {
            end += line.len();
            continue;
        }
        let text = std::str::from_utf8(&line[..line.len() - 1]).unwrap_or("");
        if end == 0 && plain_header(text.strip_suffix('\r').unwrap_or(text)).is_some() {
            end = line.len();
        }
        break;
    }
    end
}

impl Tsv {
    /// Reads one TSV line: a header line updates the state (`Ok(None)`); a row gives its
    /// event. Errors: [`Skip::InvalidUtf8`]; [`Skip::BadLine`] for a row before any
    /// header.
    pub fn extract<'a>(&mut self, line: &'a [u8]) -> Result<Option<Event<'a>>, Skip> {
        let text = std::str::from_utf8(line).map_err(|_| Skip::InvalidUtf8)?;
        if let Some(h) = text.strip_prefix('#') {
            self.header_line(h);
            return Ok(None);
        }
        if self.takes_plain_header()
            && let Some(sep) = plain_header(text)
        {
            self.plain_header_line(text, sep);
            return Ok(None);
        }
        if self.header.columns.is_empty() {
            return Err(Skip::BadLine);
        }
        Ok(Some(row(&self.header, text)))
    }

    /// Whether a row of names may be a header now: before any header, or in the
    /// `tsv = T` form (a concatenated file repeats it).
    fn takes_plain_header(&self) -> bool {
        self.header.plain || self.header.columns.is_empty()
    }

    /// The end (after its newline) of the last header line in `region` (whole lines),
    /// if it has one: lines up to there change how the rest is read.
    pub fn header_cut(&self, region: &[u8]) -> Option<usize> {
        let hash = match memchr::memmem::rfind(region, b"\n#") {
            Some(i) => Some(i + 1),
            None => (region.first() == Some(&b'#')).then_some(0),
        };
        let mut last = hash;
        if self.takes_plain_header() {
            let starts =
                std::iter::once(0).chain(memchr::memchr_iter(b'\n', region).map(|i| i + 1));
            for start in starts {
                let Some(&first) = region.get(start) else {
                    continue;
                };
                if !(first.is_ascii_alphabetic() || first == b'_')
                    || last.is_some_and(|l| l > start)
                {
                    continue;
                }
                let end =
                    memchr::memchr(b'\n', &region[start..]).map_or(region.len(), |i| start + i);
                let line = &region[start..end];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if std::str::from_utf8(line).is_ok_and(|t| plain_header(t).is_some()) {
                    last = Some(start);
                }
            }
        }
        let h = last?;
        Some(memchr::memchr(b'\n', &region[h..]).map_or(region.len(), |i| h + i + 1))
    }

    fn header_line(&mut self, h: &str) {
        let mut hd = (*self.header).clone();
        hd.plain = false;
        if let Some(v) = h.strip_prefix("separator ") {
            if let Some(s) = decode_separator(v) {
                hd.separator = s;
            }
            self.header = Arc::new(hd);
            return;
        }
        let sep = hd.separator.clone();
        let Some((key, value)) = h.split_once(&*sep) else {
            return;
        };
        match key {
            "set_separator" => {
                hd.set_separator = decode_separator(value).unwrap_or_else(|| ",".into())
            }
            "empty_field" => hd.empty = value.into(),
            "unset_field" => hd.unset = value.into(),
            "fields" => self.names = Cells::new(value, &sep).map(str::to_owned).collect(),
            "types" => self.types = Cells::new(value, &sep).map(str::to_owned).collect(),
            _ => return,
        }
        hd.set_columns(&self.names, &self.types);
        self.header = Arc::new(hd);
    }

    /// A `tsv = T` header row: the writer's defaults for everything it does not say.
    fn plain_header_line(&mut self, text: &str, sep: &str) {
        let mut hd = Header {
            separator: sep.into(),
            plain: true,
            ..Header::default()
        };
        self.names = Cells::new(text, sep).map(str::to_owned).collect();
        self.types.clear();
        hd.set_columns(&self.names, &self.types);
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

/// A `time` cell: epoch seconds as Zeek writes them, or ISO 8601 from a writer set up
/// to write that.
fn time_cell(cell: &str) -> EventTime<'_> {
    if cell.as_bytes().get(4) == Some(&b'-') {
        EventTime::Iso(Cow::Borrowed(cell))
    } else {
        EventTime::Epoch(Cow::Borrowed(cell))
    }
}

/// The event of a row; only the columns up to the last one used are looked at.
fn row<'a>(h: &Header, text: &'a str) -> Event<'a> {
    let mut ev = Event::new("zeek");
    let mut host: Option<&'a str> = None;
    let mut uri: Option<&'a str> = None;
    for (i, cell) in Cells::new(text, &h.separator).take(h.read_upto).enumerate() {
        let column = h.columns.get(i).copied().flatten();
        let special = [h.ts, h.host, h.uri, h.orig_p, h.resp_p, h.uid].contains(&Some(i));
        if (column.is_none() && !special) || cell == &*h.unset || cell == &*h.empty {
            continue;
        }
        if Some(i) == h.ts {
            ev.time = Some(time_cell(cell));
        }
        if Some(i) == h.orig_p {
            ev.conn.source_port = Port::parse(cell);
        }
        if Some(i) == h.resp_p {
            ev.conn.destination_port = Port::parse(cell);
        }
        if Some(i) == h.uid {
            ev.conn.uid = Some(unescape(cell));
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
        if h.sets.get(i).copied().unwrap_or(false) && cell.contains(&*h.set_separator) {
            for part in cell.split(&*h.set_separator) {
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
