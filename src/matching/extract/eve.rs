// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Suricata `eve.json` (FORMATS-LOGS.md §1): flow addresses, DNS names and answers in
//! the v1, v2 and v3 layouts (and 7.x alert `dns.query[]`/`dns.answer{}`), HTTP host and
//! URL (`url.full` built as `scheme://hostname[:http_port]url` when `url` is a path),
//! TLS SNI, file digests (`fileinfo` and `files[]`), SMTP envelope and e-mail headers.
//! A `@cee: ` or syslog prefix before the `{` is skipped. Only the fields read are
//! decoded; strings borrow from the line unless they hold escapes.

use std::borrow::Cow;

use serde::Deserialize;

use super::{Event, EventTime, Port, Skip, Str, Strs, ValueKind};

#[derive(Deserialize)]
struct Eve<'a> {
    #[serde(borrow, default)]
    timestamp: Str<'a>,
    #[serde(borrow, default)]
    src_ip: Str<'a>,
    #[serde(borrow, default)]
    dest_ip: Str<'a>,
    #[serde(default)]
    src_port: Port,
    #[serde(default)]
    dest_port: Port,
    #[serde(borrow, default)]
    app_proto: Str<'a>,
    #[serde(borrow, default)]
    dns: Option<Dns<'a>>,
    #[serde(borrow, default)]
    http: Option<Http<'a>>,
    #[serde(borrow, default)]
    tls: Option<Tls<'a>>,
    #[serde(borrow, default)]
    fileinfo: Option<File<'a>>,
    #[serde(borrow, default)]
    files: Option<Vec<File<'a>>>,
    #[serde(borrow, default)]
    smtp: Option<Smtp<'a>>,
    #[serde(borrow, default)]
    email: Option<Email<'a>>,
}

#[derive(Deserialize, Default)]
struct Dns<'a> {
    #[serde(borrow, default)]
    rrname: Str<'a>,
    #[serde(borrow, default)]
    rdata: Str<'a>,
    #[serde(borrow, default)]
    queries: Vec<Rr<'a>>,
    #[serde(borrow, default)]
    query: Vec<Rr<'a>>,
    #[serde(borrow, default)]
    answers: Vec<Rr<'a>>,
    #[serde(borrow, default)]
    answer: Option<Rr<'a>>,
    #[serde(borrow, default)]
    grouped: Option<std::collections::BTreeMap<Cow<'a, str>, Strs<'a>>>,
}

#[derive(Deserialize, Default)]
struct Rr<'a> {
    #[serde(borrow, default)]
    rrname: Str<'a>,
    #[serde(borrow, default)]
    rdata: Str<'a>,
}

#[derive(Deserialize, Default)]
struct Http<'a> {
    #[serde(borrow, default)]
    hostname: Str<'a>,
    #[serde(default)]
    http_port: Option<serde_json::Value>,
    #[serde(borrow, default)]
    url: Str<'a>,
    #[serde(borrow, default)]
    http_refer: Str<'a>,
}

#[derive(Deserialize, Default)]
struct Tls<'a> {
    #[serde(borrow, default)]
    sni: Str<'a>,
    #[serde(borrow, default)]
    fingerprint: Str<'a>,
}

#[derive(Deserialize, Default)]
struct File<'a> {
    #[serde(borrow, default)]
    md5: Str<'a>,
    #[serde(borrow, default)]
    sha1: Str<'a>,
    #[serde(borrow, default)]
    sha256: Str<'a>,
}

#[derive(Deserialize, Default)]
struct Smtp<'a> {
    #[serde(borrow, default)]
    helo: Str<'a>,
    #[serde(borrow, default)]
    mail_from: Str<'a>,
    #[serde(borrow, default)]
    rcpt_to: Strs<'a>,
}

#[derive(Deserialize, Default)]
struct Email<'a> {
    #[serde(borrow, default)]
    from: Str<'a>,
    #[serde(borrow, default)]
    to: Strs<'a>,
    #[serde(borrow, default)]
    cc: Strs<'a>,
    #[serde(borrow, default)]
    url: Strs<'a>,
}

/// The JSON object of an eve line: from the first `{` (a `@cee: ` or syslog prefix is
/// skipped).
fn body(line: &[u8]) -> Result<&[u8], Skip> {
    if line.first() == Some(&b'{') {
        return Ok(line);
    }
    memchr::memchr(b'{', line)
        .map(|i| &line[i..])
        .ok_or(Skip::BadJson)
}

/// Reads one eve line.
pub fn extract(line: &[u8]) -> Result<Event<'_>, Skip> {
    let body = body(line)?;
    let eve: Eve<'_> = serde_json::from_slice(body).map_err(|_| {
        if std::str::from_utf8(body).is_err() {
            Skip::InvalidUtf8
        } else {
            Skip::BadJson
        }
    })?;
    let mut ev = Event::new("suricata");
    ev.time = eve.timestamp.0.map(EventTime::Iso);
    if let Some(v) = eve.src_ip.0 {
        ev.push("source.ip", v, ValueKind::Ip);
    }
    if let Some(v) = eve.dest_ip.0 {
        ev.push("destination.ip", v, ValueKind::Ip);
    }
    ev.conn.source_port = eve.src_port.0;
    ev.conn.destination_port = eve.dest_port.0;
    if let Some(dns) = eve.dns {
        dns_fields(dns, &mut ev);
    }
    if let Some(http) = eve.http {
        let tls = eve.app_proto.0.as_deref() == Some("tls")
            || eve.app_proto.0.as_deref() == Some("https");
        http_fields(http, tls, &mut ev);
    }
    if let Some(tls) = eve.tls {
        if let Some(v) = tls.sni.0 {
            ev.push("tls.client.server_name", v, ValueKind::Host);
        }
        if let Some(v) = tls.fingerprint.0 {
            let hex: String = v.chars().filter(|c| *c != ':').collect();
            ev.push("tls.server.hash.sha1", hex, ValueKind::Hash);
        }
    }
    for f in eve
        .fileinfo
        .into_iter()
        .chain(eve.files.into_iter().flatten())
    {
        for (name, v) in [
            ("file.hash.md5", f.md5.0),
            ("file.hash.sha1", f.sha1.0),
            ("file.hash.sha256", f.sha256.0),
        ] {
            if let Some(v) = v {
                ev.push(name, v, ValueKind::Hash);
            }
        }
    }
    if let Some(smtp) = eve.smtp {
        if let Some(v) = smtp.helo.0 {
            ev.push("email.sender.domain", v, ValueKind::Host);
        }
        if let Some(v) = smtp.mail_from.0 {
            ev.push("email.sender.address", v, ValueKind::Email);
        }
        for v in smtp.rcpt_to.0 {
            ev.push("email.to.address", v, ValueKind::Email);
        }
    }
    if let Some(email) = eve.email {
        if let Some(v) = email.from.0 {
            ev.push("email.from.address", v, ValueKind::Email);
        }
        for v in email.to.0 {
            ev.push("email.to.address", v, ValueKind::Email);
        }
        for v in email.cc.0 {
            ev.push("email.cc.address", v, ValueKind::Email);
        }
        for v in email.url.0 {
            ev.push("url.full", v, ValueKind::Url);
        }
    }
    Ok(ev)
}

fn dns_fields<'a>(dns: Dns<'a>, ev: &mut Event<'a>) {
    if let Some(v) = dns.rrname.0 {
        ev.push("dns.question.name", v, ValueKind::Host);
    }
    if let Some(v) = dns.rdata.0 {
        ev.push("dns.answers.data", v, ValueKind::Any);
    }
    for q in dns.queries.into_iter().chain(dns.query) {
        if let Some(v) = q.rrname.0 {
            ev.push("dns.question.name", v, ValueKind::Host);
        }
    }
    for a in dns.answers.into_iter().chain(dns.answer) {
        if let Some(v) = a.rrname.0 {
            ev.push("dns.answers.name", v, ValueKind::Host);
        }
        if let Some(v) = a.rdata.0 {
            ev.push("dns.answers.data", v, ValueKind::Any);
        }
    }
    for (_, data) in dns.grouped.into_iter().flatten() {
        for v in data.0 {
            ev.push("dns.answers.data", v, ValueKind::Any);
        }
    }
}

fn http_fields<'a>(http: Http<'a>, tls: bool, ev: &mut Event<'a>) {
    let host = http.hostname.0;
    if let Some(h) = &host {
        ev.push("url.domain", h.clone(), ValueKind::Host);
    }
    if let Some(url) = http.url.0 {
        if url.starts_with('/') {
            if let Some(h) = &host {
                let port = match &http.http_port {
                    Some(serde_json::Value::Number(n)) => format!(":{n}"),
                    Some(serde_json::Value::String(s)) => format!(":{s}"),
                    _ => String::new(),
                };
                let scheme = if tls { "https" } else { "http" };
                ev.push(
                    "url.full",
                    format!("{scheme}://{h}{port}{url}"),
                    ValueKind::Url,
                );
            }
        } else if url.contains("://") {
            ev.push("url.full", url, ValueKind::Url);
        } else {
            // CONNECT host:port
            ev.push("destination.domain", url, ValueKind::Host);
        }
    }
    if let Some(v) = http.http_refer.0 {
        ev.push("http.request.referrer", v, ValueKind::Url);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(ev: &Event<'_>) -> Vec<(String, String)> {
        ev.fields
            .iter()
            .map(|f| (f.name.to_string(), f.value.to_string()))
            .collect()
    }

    #[test]
    fn dns_v3_response() {
        let line = br#"{"timestamp":"2026-11-29T10:15:02.503918+0100","flow_id":1,"event_type":"dns","src_ip":"192.0.2.53","src_port":53,"dest_ip":"192.0.2.10","dest_port":53514,"proto":"UDP","dns":{"version":3,"type":"response","queries":[{"rrname":"c2.bad.example","rrtype":"A"}],"answers":[{"rrname":"c2.bad.example","rrtype":"CNAME","ttl":60,"rdata":"edge.bad.example"},{"rrname":"edge.bad.example","rrtype":"A","ttl":60,"rdata":"203.0.113.66"}],"grouped":{"A":["203.0.113.66"],"SOA":[{"mname":"x"}]}}}"#;
        let ev = extract(line).unwrap();
        let f = names(&ev);
        assert!(f.contains(&("dns.question.name".into(), "c2.bad.example".into())));
        assert!(f.contains(&("dns.answers.data".into(), "203.0.113.66".into())));
        assert!(f.contains(&("source.ip".into(), "192.0.2.53".into())));
    }

    /// A flow's ports, when they are ports; anything else is none, and the line is read.
    #[test]
    fn ports_are_read_when_they_are_ports() {
        let ports = |src: &str, dest: &str| {
            let line = format!(
                r#"{{"event_type":"flow","src_ip":"192.0.2.10","src_port":{src},"dest_ip":"198.51.100.7","dest_port":{dest}}}"#
            );
            let ev = extract(line.as_bytes()).unwrap();
            (
                ev.conn.source_port,
                ev.conn.destination_port,
                ev.conn.uid.map(|u| u.into_owned()),
            )
        };
        assert_eq!(ports("50100", "443"), (Some(50100), Some(443), None));
        assert_eq!(ports("0", "65535"), (Some(0), Some(65535), None));
        for bad in [
            "65536",
            "-1",
            "44.5",
            "\"x\"",
            "null",
            "[1]",
            "{\"a\":1}",
            "true",
        ] {
            assert_eq!(ports(bad, bad), (None, None, None), "{bad}");
        }
        assert_eq!(ports("\"8080\"", "1e3"), (Some(8080), None, None));
    }

    #[test]
    fn http_builds_url_full_and_keeps_escaped_slashes() {
        let line = br#"{"event_type":"http","src_ip":"192.0.2.10","dest_ip":"198.51.100.7","http":{"hostname":"dl.bad.example","http_port":8080,"url":"\/stage2\/payload.bin?id=7"}}"#;
        let f = names(&extract(line).unwrap());
        assert!(f.contains(&(
            "url.full".into(),
            "http://dl.bad.example:8080/stage2/payload.bin?id=7".into()
        )));
    }

    #[test]
    fn bad_lines_are_classified() {
        assert_eq!(extract(b"{\"src_ip\":\"1.2").unwrap_err(), Skip::BadJson);
        assert_eq!(extract(b"no json here").unwrap_err(), Skip::BadJson);
        assert_eq!(
            extract(b"{\"src_ip\":\"\xff\"}").unwrap_err(),
            Skip::InvalidUtf8
        );
    }
}
