// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! nginx and Apache access logs (FORMATS-LOGS.md §4): `common`, `combined`, and
//! `vhost_combined` (`%v:%p` or `%v` before the client). Extracts the client
//! (`source.ip`, or `source.domain` with `HostnameLookups On`), the request target
//! (absolute-form → `url.full`; CONNECT `host:port` → `destination.domain`;
//! origin-form with a vhost → `url.full`) and the referrer. Quoted fields are unescaped
//! (nginx `\xHH`, Apache `\"`, `\\`, `\xhh`) before matching.

use std::borrow::Cow;

use super::{Event, EventTime, ValueKind};

/// Whether a line looks like an access log line: 3 or 4 space-separated fields, then a
/// `[time]`, then a quoted request.
pub fn looks_like(line: &[u8]) -> bool {
    let Some(open) = memchr::memchr(b'[', line) else {
        return false;
    };
    let before = &line[..open];
    let fields = before
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty())
        .count();
    if !(3..=4).contains(&fields) || before.last() != Some(&b' ') {
        return false;
    }
    let rest = &line[open..];
    memchr::memchr(b']', rest).is_some_and(|close| rest.get(close + 1..close + 3) == Some(b" \""))
}

/// A `"..."` field at the start of `s`; returns its raw inside and the rest.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('"')?;
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some((&inner[..i], &inner[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

/// Undoes nginx/Apache escapes in a quoted field.
pub fn unescape(v: &str) -> Cow<'_, str> {
    if !v.contains('\\') {
        return Cow::Borrowed(v);
    }
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            match b.get(i + 1) {
                Some(b'x') | Some(b'X') => {
                    let byte = b
                        .get(i + 2..i + 4)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    if let Some(byte) = byte {
                        out.push(byte);
                        i += 4;
                        continue;
                    }
                }
                Some(b'"') | Some(b'\\') => {
                    out.push(b[i + 1]);
                    i += 2;
                    continue;
                }
                Some(b'n') | Some(b't') => {
                    out.push(b' ');
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Reads one access log line. Lines it cannot split still give an event (maybe empty).
pub fn extract(line: &str) -> Event<'_> {
    let mut ev = Event::new("nginx");
    let Some(open) = line.find(" [") else {
        return ev;
    };
    let head: Vec<&str> = line[..open].split(' ').filter(|f| !f.is_empty()).collect();
    let (vhost, client) = match head.len() {
        4 => (Some(head[0]), head[1]),
        3 => (None, head[0]),
        _ => return ev,
    };
    if vhost.is_some() {
        ev.module = "apache";
    }
    if super::super::keys::ip(client).is_some() {
        ev.push("source.ip", client, ValueKind::Ip);
    } else {
        ev.push("source.domain", client, ValueKind::Host);
    }
    let rest = &line[open + 2..];
    let Some(close) = rest.find(']') else {
        return ev;
    };
    ev.time = Some(EventTime::Clf(Cow::Borrowed(&rest[..close])));
    let rest = rest[close + 1..].trim_start();
    let Some((request, rest)) = quoted(rest) else {
        return ev;
    };
    let request = unescape(request);
    let mut parts = request.split(' ');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    if target.contains("://") {
        ev.push("url.full", target.to_owned(), ValueKind::Url);
    } else if method == "CONNECT" {
        ev.push("destination.domain", target.to_owned(), ValueKind::Host);
    } else if target.starts_with('/')
        && let Some(v) = vhost
    {
        let (host, port) = super::super::keys::split_host_port(v);
        let scheme = if port == Some("443") { "https" } else { "http" };
        ev.push("url.domain", host, ValueKind::Host);
        ev.push(
            "url.full",
            format!("{scheme}://{v}{target}"),
            ValueKind::Url,
        );
    }
    // status, bytes, then the referrer.
    let mut rest = rest.trim_start();
    for _ in 0..2 {
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    if let Some((referrer, _)) = quoted(rest.trim_start()) {
        let r = unescape(referrer);
        if r.contains("://") {
            ev.push("http.request.referrer", r.into_owned(), ValueKind::Url);
        }
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<(&'static str, String)> {
        extract(line)
            .fields
            .iter()
            .map(|f| (f.name, f.value.to_string()))
            .collect()
    }

    #[test]
    fn combined_forms() {
        let f = fields(
            r#"192.0.2.45 - - [29/Nov/2026:10:20:33 +0000] "GET http://dl.bad.example/stage2/payload.bin HTTP/1.1" 200 48213 "http://lure.example/" "Wget/1.21.4""#,
        );
        assert!(f.contains(&("source.ip", "192.0.2.45".into())));
        assert!(f.contains(&(
            "url.full",
            "http://dl.bad.example/stage2/payload.bin".into()
        )));
        assert!(f.contains(&("http.request.referrer", "http://lure.example/".into())));
        let f = fields(
            r#"2001:db8::44 - alice [29/Nov/2026:10:20:32 +0000] "CONNECT dl.bad.example:443 HTTP/1.1" 200 0 "-" "curl/8.5.0""#,
        );
        assert!(f.contains(&("destination.domain", "dl.bad.example:443".into())));
        let f = fields(
            r#"www.corp.example:443 192.0.2.46 - - [29/Nov/2026:10:20:34 +0000] "GET / HTTP/2.0" 200 5120 "-" "Mozilla/5.0""#,
        );
        assert!(f.contains(&("url.full", "https://www.corp.example:443/".into())));
        let f = fields(
            r#"198.51.100.9 - - [29/Nov/2026:10:20:35 +0000] "\x16\x03\x01\x02\x00" 400 157 "-" "-""#,
        );
        assert_eq!(f, vec![("source.ip", "198.51.100.9".into())]);
        assert!(looks_like(
            b"192.0.2.44 - - [29/Nov/2026:10:20:31 +0000] \"GET / HTTP/1.1\" 200 1"
        ));
        assert!(!looks_like(b"Nov 29 10:22:05 gw1 sshd[2211]: Failed"));
    }
}
