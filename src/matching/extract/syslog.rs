// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! syslog lines (FORMATS-LOGS.md §5): RFC 3164 (`<PRI>Mmm dd hh:mm:ss host tag: msg`,
//! with or without `<PRI>`), rsyslog's RFC 3339 file format, and RFC 5424
//! (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`). The header gives the time; the
//! message and structured-data values go through the generic text extractor. rsyslog's
//! `#011` control escapes read as spaces. A message that is a JSON object after its
//! tag (Suricata eve with `filetype: syslog`) or after `@cee:` goes to the eve
//! extractor; see [`extract`].

use std::borrow::Cow;

use super::{Event, EventTime, Skip, text};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn strip_pri(line: &[u8]) -> &[u8] {
    if line.first() == Some(&b'<')
        && let Some(end) = line.iter().take(6).position(|&b| b == b'>')
        && line[1..end].iter().all(u8::is_ascii_digit)
    {
        return &line[end + 1..];
    }
    line
}

fn is_bsd_time(s: &[u8]) -> bool {
    s.len() >= 15
        && MONTHS.iter().any(|m| s.starts_with(m.as_bytes()))
        && s[3] == b' '
        && s[9] == b':'
        && s[12] == b':'
}

fn is_iso_time(s: &[u8]) -> bool {
    s.len() >= 19 && s[..4].iter().all(u8::is_ascii_digit) && s[4] == b'-' && s[10] == b'T'
}

/// Whether a line looks like syslog.
pub fn looks_like(line: &[u8]) -> bool {
    let body = strip_pri(line);
    let body = body.strip_prefix(b"1 ").unwrap_or(body);
    is_bsd_time(body) || is_iso_time(body)
}

/// RFC 5424 after the timestamp (`HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA
/// [MSG]`): the structured data and the message. `]` and `"` inside SD-PARAM values are
/// backslash-escaped (RFC 5424 §6.3.3).
fn split_5424(rest: &str) -> (&str, &str) {
    let mut r = rest.trim_start();
    for _ in 0..4 {
        r = r.split_once(' ').map_or("", |(_, t)| t);
    }
    if let Some(t) = r.strip_prefix('-') {
        return ("", t.strip_prefix(' ').unwrap_or(t));
    }
    let b = r.as_bytes();
    let mut i = 0;
    while b.get(i) == Some(&b'[') {
        let mut quoted = false;
        i += 1;
        while let Some(&c) = b.get(i) {
            match c {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    let i = i.min(r.len());
    match (r.get(..i), r.get(i..)) {
        (Some(sd), Some(msg)) => (sd, msg.strip_prefix(' ').unwrap_or(msg)),
        _ => (r, ""),
    }
}

/// The JSON object a message carries, and whether it came after a `@cee:` cookie:
/// the message is `[TAG[PID]:] [@cee:] {"...` (a tag is one word ending in `:`, RFC
/// 3164 §4.1.3; eve's `filetype: syslog` writes `suricata[PID]: {...}`).
fn json_payload(msg: &str) -> Option<(&str, bool)> {
    let brace = msg.find('{')?;
    let (before, payload) = msg.split_at(brace);
    let before = before.trim();
    let (before, cee) = match before.strip_suffix("@cee:") {
        Some(b) => (b.trim_end(), true),
        None => (before, false),
    };
    let tag = before.is_empty() || (before.ends_with(':') && !before.contains(char::is_whitespace));
    let object = payload[1..].trim_start().starts_with(['"', '}']);
    (tag && object).then_some((payload, cee))
}

/// A line's time, structured data (RFC 5424) and message (after the host name: it is
/// the sender, not a value seen in traffic; a leading BOM removed).
fn split(line: &str) -> (Option<EventTime<'_>>, &str, &str) {
    let had_pri = line.starts_with('<');
    let body = &line[line.len() - strip_pri(line.as_bytes()).len()..];
    let r5424 = body.strip_prefix("1 ").filter(|_| had_pri);
    let (time, rest) = if let Some(r5424) = r5424 {
        let (t, r) = r5424.split_once(' ').unwrap_or((r5424, ""));
        (Some(EventTime::Iso(Cow::Borrowed(t))), r)
    } else if is_bsd_time(body.as_bytes())
        && let (Some(t), Some(r)) = (body.get(..15), body.get(15..))
    {
        (Some(EventTime::Bsd(Cow::Borrowed(t))), r)
    } else if is_iso_time(body.as_bytes()) {
        let (t, r) = body.split_once(' ').unwrap_or((body, ""));
        (Some(EventTime::Iso(Cow::Borrowed(t))), r)
    } else {
        (None, body)
    };
    let time = time.filter(|t| !matches!(t, EventTime::Iso(s) if s == "-"));
    let (sd, msg) = if r5424.is_some() {
        split_5424(rest)
    } else {
        let rest = rest.trim_start();
        ("", rest.split_once(' ').map_or("", |(_, m)| m))
    };
    (time, sd, msg.strip_prefix('\u{feff}').unwrap_or(msg))
}

/// Whether the message of `line` (maybe cut short) is a JSON object after its tag.
pub fn carries_json(line: &str) -> bool {
    json_payload(split(line).2).is_some()
}

/// Reads one syslog line. A message that is a JSON object after its tag — Suricata's
/// eve written to syslog (`filetype: syslog`; Suricata docs "Eve JSON Output") or a
/// `@cee:` one — is read by the eve extractor: with an `event_type` the event is
/// Suricata's (its roles, `event.module: suricata`, its own timestamp). Other JSON and
/// other messages go through the generic text extractor, and so does a message that
/// only starts like JSON (`{"user":"x"} failed from 203.0.113.7`). Errors: a JSON payload
/// that ends before its object does (cut off by a syslog size limit) is
/// [`Skip::BadJson`] — never read as text.
pub fn extract(line: &str) -> Result<Event<'_>, Skip> {
    let mut ev = Event::new("syslog");
    let (time, sd, msg) = split(line);
    ev.time = time;
    if let Some((payload, cee)) = json_payload(msg)
        && let Some(inner) = match super::eve::extract(payload.as_bytes()) {
            Ok(inner) => Some(inner),
            Err(skip) => {
                let cut = serde_json::from_str::<serde::de::IgnoredAny>(payload)
                    .err()
                    .is_some_and(|e| e.is_eof());
                if cut {
                    return Err(skip);
                }
                None
            }
        }
    {
        let eve = memchr::memmem::find(payload.as_bytes(), b"\"event_type\"").is_some();
        if eve {
            ev.module = inner.module;
            ev.time = inner.time.or(ev.time);
        }
        if eve || cee {
            ev.fields = inner.fields;
            return Ok(ev);
        }
    }
    for part in [sd, msg] {
        scan_text(part, &mut ev);
    }
    Ok(ev)
}

/// The generic extractor over `text`, with rsyslog's `#011` control escapes read as
/// spaces.
fn scan_text<'a>(text: &'a str, ev: &mut Event<'a>) {
    if text.contains("#011") {
        let cleaned = text.replace("#011", " ");
        let mut tmp = Event::new("syslog");
        text::extract_into(&cleaned, &mut tmp);
        ev.fields
            .extend(tmp.fields.into_iter().map(|f| super::Field {
                name: f.name,
                value: Cow::Owned(f.value.into_owned()),
                kind: f.kind,
            }));
    } else {
        text::extract_into(text, ev);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_skipped_and_messages_scanned() {
        let ev = extract(
            "<38>Nov 29 10:22:05 gw1 sshd[2211]: Failed password for root from 203.0.113.77 port 50122 ssh2",
        )
        .unwrap();
        assert_eq!(ev.fields.len(), 1);
        assert_eq!(ev.fields[0].value, "203.0.113.77");
        assert!(matches!(ev.time, Some(EventTime::Bsd(_))));
        let ev = extract(
            r#"<165>1 2026-11-29T10:22:05.118Z gw1.corp.example proxyd 2211 BLOCK [req@32473 src="192.0.2.44" host="dl.bad.example"] blocked http://dl.bad.example/x"#,
        )
        .unwrap();
        let v: Vec<&str> = ev.fields.iter().map(|f| &*f.value).collect();
        assert!(v.contains(&"192.0.2.44"), "{v:?}");
        assert!(v.contains(&"dl.bad.example"), "{v:?}");
        assert!(v.contains(&"http://dl.bad.example/x"), "{v:?}");
        assert!(!v.contains(&"gw1.corp.example"), "{v:?}");
        assert!(looks_like(
            b"2026-11-29T10:22:05.118422+00:00 gw1 sshd[2211]: x"
        ));
        assert!(!looks_like(b"hello"));
    }
}
