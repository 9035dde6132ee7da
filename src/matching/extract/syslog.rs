// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! syslog lines (FORMATS-LOGS.md §5): RFC 3164 (`<PRI>Mmm dd hh:mm:ss host tag: msg`,
//! with or without `<PRI>`), rsyslog's RFC 3339 file format, and RFC 5424
//! (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`). The header gives the time; the
//! message and structured-data values go through the generic text extractor. rsyslog's
//! `#011` control escapes read as spaces; embedded JSON after `@cee:` goes to the eve
//! extractor.

use std::borrow::Cow;

use super::{Event, EventTime, text};

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

/// Reads one syslog line.
pub fn extract(line: &str) -> Event<'_> {
    let mut ev = Event::new("syslog");
    let had_pri = line.starts_with('<');
    let body = &line[line.len() - strip_pri(line.as_bytes()).len()..];
    let (time, rest) = if let Some(r5424) = body.strip_prefix("1 ").filter(|_| had_pri) {
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
    ev.time = time.filter(|t| !matches!(t, EventTime::Iso(s) if s == "-"));
    // Skip the host name: it is the sender, not a value seen in traffic.
    let rest = rest.trim_start();
    let msg = rest.split_once(' ').map_or("", |(_, m)| m);
    let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
    if let Some(json) = msg.find("@cee:").map(|i| &msg[i + 5..])
        && let Ok(inner) = super::eve::extract(json.trim_start().as_bytes())
    {
        ev.fields = inner.fields;
        return ev;
    }
    if msg.contains("#011") {
        let cleaned = msg.replace("#011", " ");
        let mut tmp = Event::new("syslog");
        text::extract_into(&cleaned, &mut tmp);
        ev.fields
            .extend(tmp.fields.into_iter().map(|f| super::Field {
                name: f.name,
                value: Cow::Owned(f.value.into_owned()),
                kind: f.kind,
            }));
    } else {
        text::extract_into(msg, &mut ev);
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_skipped_and_messages_scanned() {
        let ev = extract(
            "<38>Nov 29 10:22:05 gw1 sshd[2211]: Failed password for root from 203.0.113.77 port 50122 ssh2",
        );
        assert_eq!(ev.fields.len(), 1);
        assert_eq!(ev.fields[0].value, "203.0.113.77");
        assert!(matches!(ev.time, Some(EventTime::Bsd(_))));
        let ev = extract(
            r#"<165>1 2026-11-29T10:22:05.118Z gw1.corp.example proxyd 2211 BLOCK [req@32473 src="192.0.2.44" host="dl.bad.example"] blocked http://dl.bad.example/x"#,
        );
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
