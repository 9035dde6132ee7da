// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! nginx and Apache access logs (FORMATS-LOGS.md §4): `common`, `combined`, and
//! `vhost_combined` (`%v:%p` or `%v` before the client). Extracts the client
//! (`source.ip`, or `source.domain` with `HostnameLookups On`), the request target
//! (absolute-form → `url.full`; CONNECT `host:port` → `destination.domain`;
//! origin-form with a vhost → `url.full`) and the referrer. Quoted fields are unescaped
//! (nginx `\xHH`, Apache `\"`, `\\`, `\xhh`) before matching. The fields never shift:
//! the time is found by its shape, the client by the `ident` field after it (a user
//! may hold spaces), a quoted field's end by what must follow it (a server may write a
//! quote raw), and a line with a raw byte is read with the byte replaced; empty and
//! garbage requests (`"-"`, `""`, TLS bytes) give no request values.

use std::borrow::Cow;

use super::{Event, EventTime, ValueKind};

/// Where the `[time]` of an access log line is: the byte offsets of its `[` and `]`.
/// The time is found by its shape (`[29/Nov/2026:10:20:31 +0000]` after a space), so a
/// `[` in a user name before it is passed over.
fn find_time(line: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    memchr::memchr_iter(b'[', b).find_map(|open| {
        let t = b.get(open + 1..open + 28)?;
        let digits = |r: std::ops::Range<usize>| t[r].iter().all(u8::is_ascii_digit);
        let shape = open > 0
            && b[open - 1] == b' '
            && digits(0..2)
            && t[2] == b'/'
            && t[3..6].iter().all(u8::is_ascii_alphabetic)
            && t[6] == b'/'
            && digits(7..11)
            && t[11] == b':'
            && digits(12..14)
            && t[14] == b':'
            && digits(15..17)
            && t[17] == b':'
            && digits(18..20)
            && t[20] == b' '
            && matches!(t[21], b'+' | b'-')
            && digits(22..26)
            && t[26] == b']';
        shape.then_some((open, open + 27))
    })
}

/// The fields before the time: `[vhost[:port]] client ident user`. Returns the vhost
/// and the client. `ident` (`%l`) is `-` but for identd; the user (`%u`) may hold
/// spaces (a certificate DN with `SSLUserName`), so the client is told by where the
/// first `-` is, then by which field is an address; without either, three fields are
/// `client ident user` and four `vhost client ident user`.
fn client<'a>(head: &[&'a str]) -> Option<(Option<&'a str>, &'a str)> {
    let is_ip = |s: &&str| super::super::keys::ip(s).is_some();
    Some(match head {
        [] | [_] | [_, _] => return None,
        [c, "-", ..] => (None, c),
        [v, c, "-", ..] if is_ip(c) => (Some(v), c),
        [c, ..] if is_ip(c) => (None, c),
        [v, c, "-", _, ..] => (Some(v), c),
        [c, _, _] => (None, c),
        [v, c, _, _] => (Some(v), c),
        [c, ..] => (None, c),
    })
}

/// Whether a line looks like an access log line: the client fields, then a `[time]`,
/// then a quoted request.
pub fn looks_like(line: &[u8]) -> bool {
    let line = String::from_utf8_lossy(line);
    let Some((open, close)) = find_time(&line) else {
        return false;
    };
    let head: Vec<&str> = line[..open].split(' ').filter(|f| !f.is_empty()).collect();
    let shape =
        (3..=4).contains(&head.len()) || head.get(1) == Some(&"-") || head.get(2) == Some(&"-");
    shape && line.get(close + 1..close + 3) == Some(" \"")
}

/// A status and a byte count (`%>s %b`, `$status $body_bytes_sent`) at the start of
/// `s`, then the end or a space.
fn status_bytes(s: &str) -> bool {
    let mut it = s.splitn(4, ' ');
    let (Some(""), Some(status), Some(bytes)) = (it.next(), it.next(), it.next()) else {
        return false;
    };
    status.len() == 3
        && status.bytes().all(|b| b.is_ascii_digit())
        && (bytes == "-" || (!bytes.is_empty() && bytes.bytes().all(|b| b.is_ascii_digit())))
}

/// The end of a quoted field or the end of the line, at the start of `s`.
fn field_end(s: &str) -> bool {
    s.is_empty() || s.starts_with(' ')
}

/// A `"..."` field at the start of `s`: its raw inside and the rest. It ends at the
/// first `"` not escaped by a backslash (Apache writes `\"`, nginx `\x22`); when what
/// follows that does not `fit` (a server that wrote a quote or a last backslash raw),
/// at the first `"` that `fit` follows.
fn quoted(s: &str, fit: impl Fn(&str) -> bool) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('"')?;
    let b = inner.as_bytes();
    let mut escaped_end = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => {
                escaped_end = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    let split = |i: usize| Some((inner.get(..i)?, inner.get(i + 1..)?));
    if let Some(i) = escaped_end
        && fit(&inner[i + 1..])
    {
        return split(i);
    }
    memchr::memchr_iter(b'"', b)
        .find(|&i| fit(&inner[i + 1..]))
        .or(escaped_end)
        .and_then(split)
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

/// Reads one access log line. Lines it cannot split still give an event (maybe
/// empty); the client, when there is one, is the event's first field (`source.ip`, or
/// `source.domain` for a name).
pub fn extract(line: &str) -> Event<'_> {
    let mut ev = Event::new("nginx");
    let Some((open, close)) = find_time(line) else {
        return ev;
    };
    let head: Vec<&str> = line[..open].split(' ').filter(|f| !f.is_empty()).collect();
    let Some((vhost, client)) = client(&head) else {
        return ev;
    };
    if vhost.is_some() {
        ev.module = "apache";
    }
    if super::super::keys::ip(client).is_some() {
        ev.push("source.ip", client, ValueKind::Ip);
    } else {
        ev.push("source.domain", client, ValueKind::Host);
    }
    ev.time = Some(EventTime::Clf(Cow::Borrowed(&line[open + 1..close])));
    let rest = line[close + 1..].trim_start();
    let Some((request, rest)) = quoted(rest, status_bytes) else {
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
    if let Some((referrer, _)) = quoted(rest.trim_start(), field_end) {
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

    /// Quotes escaped in the request, referrer and user agent (Apache `\"`, nginx
    /// `\x22`: Apache mod_log_config docs, "Formats"; nginx `ngx_http_log_module`
    /// `escape=default`), empty and garbage requests (`"-"` for Apache's 408, `""`, a
    /// TLS hello sent to a plain port, `"\n"`), a user (`%u`) with spaces and brackets
    /// (an `SSLUserName` DN), a raw quote or last backslash from a server that does
    /// not escape them, and a raw byte: the fields never shift, and the client is always
    /// the first field.
    #[test]
    fn escaped_quotes_and_garbage_requests_do_not_shift_the_fields() {
        let t = "[29/Nov/2026:10:20:31 +0000]";
        let url = ("url.full", "http://dl.bad.example/a\"b".to_owned());
        let referrer = |r: &str| ("http.request.referrer", r.to_owned());
        let cases: Vec<(String, Vec<(&str, String)>)> = vec![
            (
                format!(
                    r#"192.0.2.44 - - {t} "GET http://dl.bad.example/a\"b HTTP/1.1" 404 153 "http://lure.example/\"x\"" "Mozilla/5.0 \"q\" \\""#
                ),
                vec![url.clone(), referrer("http://lure.example/\"x\"")],
            ),
            (
                format!(
                    r#"192.0.2.44 - - {t} "GET http://dl.bad.example/a\x22b HTTP/1.1" 404 153 "http://lure.example/\x22x\x22" "Mozilla/5.0 \x22q\x22""#
                ),
                vec![url.clone(), referrer("http://lure.example/\"x\"")],
            ),
            (format!(r#"192.0.2.44 - - {t} "-" 408 - "-" "-""#), vec![]),
            (format!(r#"192.0.2.44 - - {t} "" 400 0 "-" "-""#), vec![]),
            (
                format!(
                    r#"192.0.2.44 - - {t} "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 157 "-" "-""#
                ),
                vec![],
            ),
            (
                format!(r#"192.0.2.44 - - {t} "\n" 400 0 "http://lure.example/" "-""#),
                vec![referrer("http://lure.example/")],
            ),
            (
                format!(
                    r#"192.0.2.44 - CN=alice smith,O=Example [ops] {t} "GET http://dl.bad.example/a\"b HTTP/1.1" 200 1 "-" "-""#
                ),
                vec![url.clone()],
            ),
            (
                format!(
                    r#"192.0.2.44 - - {t} "GET /a"b HTTP/1.1" 404 1 "http://lure.example/" "-""#
                ),
                vec![referrer("http://lure.example/")],
            ),
            (
                format!(r#"192.0.2.44 - - {t} "GET /x\" 404 1 "http://lure.example/" "-""#),
                vec![referrer("http://lure.example/")],
            ),
        ];
        for (line, want) in cases {
            let got = fields(&line);
            assert_eq!(
                got.first(),
                Some(&("source.ip", "192.0.2.44".to_owned())),
                "{line}"
            );
            assert_eq!(&got[1..], &want[..], "{line}");
            assert!(looks_like(line.as_bytes()), "{line}");
        }
        // A raw byte that is not UTF-8 does not turn the line into free text.
        let mut bytes =
            format!("192.0.2.44 - - {t} \"GET /# HTTP/1.1\" 400 0 \"http://lure.example/\" \"-\"")
                .into_bytes();
        let at = bytes.iter().position(|&b| b == b'#').unwrap();
        bytes[at] = 0xff;
        let ev = super::super::Extractor::new(super::super::LogFormat::Combined)
            .extract(&bytes)
            .unwrap()
            .unwrap();
        assert_eq!(ev.fields[0].name, "source.ip");
        assert_eq!(ev.fields[0].value, "192.0.2.44");
        assert!(ev.time.is_some());
        // An access log line quoted in a syslog message is syslog.
        assert!(!looks_like(
            format!(r#"Nov 29 10:20:31 web1 nginx: 192.0.2.44 - - {t} "GET / HTTP/1.1" 200 1"#)
                .as_bytes()
        ));
    }
}
