// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Extractors: one log line in, the event's indicator-bearing values out, each named by
//! its ECS field (FORMATS-LOGS.md §6 table). Values borrow from the line where they can.
//! A line that cannot be read is skipped with a [`Skip`] reason; nothing here panics on
//! outside data.

pub mod combined;
pub mod eve;
pub mod syslog;
pub mod text;
pub mod zeek;

use std::borrow::Cow;

/// How a value is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// An IP address (IPv4, IPv6 expanded or compressed, `[v6]`).
    Ip,
    /// A host name, `host:port`, or an address in a host slot.
    Host,
    /// An absolute URL.
    Url,
    /// An MD5, SHA-1 or SHA-256 hex digest.
    Hash,
    /// An e-mail address, possibly with a display name.
    Email,
    /// Unknown: the matcher guesses (DNS answers, free text).
    Any,
}

/// One extracted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    /// ECS field name (`source.ip`, `dns.question.name`, ...).
    pub name: &'static str,
    pub value: Cow<'a, str>,
    pub kind: ValueKind,
}

/// The event time as written, and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventTime<'a> {
    /// RFC 3339, also with a `±HHMM` offset (Suricata).
    Iso(Cow<'a, str>),
    /// An epoch number (Zeek `time`, JSON `ts`), integer or decimal. Its unit is told
    /// by magnitude, as the writers say none (`JSON::TS_EPOCH` writes float seconds,
    /// `JSON::TS_MILLIS` and zeek-kafka integer milliseconds): below 10^11 it is
    /// seconds (up to the year 5138), below 10^14 milliseconds (from 1973-03-03), below
    /// 10^17 microseconds, otherwise nanoseconds.
    Epoch(Cow<'a, str>),
    /// `29/Nov/2026:10:20:31 +0000` (access logs).
    Clf(Cow<'a, str>),
    /// `Nov 29 10:22:05` (RFC 3164; no year).
    Bsd(Cow<'a, str>),
}

/// The connection an event belongs to, where its log says so (eve, Zeek): not looked
/// up, but carried to the alert outputs (Zeek Intel's `id.orig_p`, `id.resp_p` and
/// `uid`; ECS `source.port` and `destination.port`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conn<'a> {
    /// The originator's port (eve `src_port`, Zeek `id.orig_p`).
    pub source_port: Option<u16>,
    /// The responder's port (eve `dest_port`, Zeek `id.resp_p`).
    pub destination_port: Option<u16>,
    /// Zeek's connection uid (`CxT9aQ2bQw0nW1x3k`), as the log writes it.
    pub uid: Option<Cow<'a, str>>,
}

/// One log event's values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event<'a> {
    pub time: Option<EventTime<'a>>,
    /// `event.module`: suricata, zeek, nginx, apache, syslog, text.
    pub module: &'static str,
    pub fields: Vec<Field<'a>>,
    /// The connection, where the log names it.
    pub conn: Conn<'a>,
}

impl<'a> Event<'a> {
    pub fn new(module: &'static str) -> Self {
        Event {
            time: None,
            module,
            fields: Vec::new(),
            conn: Conn::default(),
        }
    }

    /// The event with every value owned.
    pub fn into_owned(self) -> Event<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Event {
            time: self.time.map(|t| match t {
                EventTime::Iso(s) => EventTime::Iso(own(s)),
                EventTime::Epoch(s) => EventTime::Epoch(own(s)),
                EventTime::Clf(s) => EventTime::Clf(own(s)),
                EventTime::Bsd(s) => EventTime::Bsd(own(s)),
            }),
            module: self.module,
            fields: self
                .fields
                .into_iter()
                .map(|f| Field {
                    name: f.name,
                    value: own(f.value),
                    kind: f.kind,
                })
                .collect(),
            conn: Conn {
                uid: self.conn.uid.map(own),
                ..self.conn
            },
        }
    }

    /// Adds a value unless it is empty or unset (`-`).
    pub fn push(&mut self, name: &'static str, value: impl Into<Cow<'a, str>>, kind: ValueKind) {
        let value = value.into();
        let t = value.trim();
        if t.is_empty() || t == "-" {
            return;
        }
        self.fields.push(Field { name, value, kind });
    }
}

/// Why a line was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// Not a JSON object, or cut off.
    BadJson,
    /// Longer than the line limit.
    TooLong,
    /// A line the format does not recognise (a Zeek row before its `#fields`, ...).
    BadLine,
}

impl Skip {
    pub const ALL: [Skip; 4] = [
        Skip::InvalidUtf8,
        Skip::BadJson,
        Skip::TooLong,
        Skip::BadLine,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Skip::InvalidUtf8 => "invalid UTF-8",
            Skip::BadJson => "bad JSON",
            Skip::TooLong => "line too long",
            Skip::BadLine => "unrecognised line",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

pub use crate::config::LogFormat;

/// Bytes of the first line that [`LogFormat::detect`] looks at.
const DETECT_BYTES: usize = 8192;

impl LogFormat {
    /// The format lines are read with, once `head` (the first bytes that arrived: a
    /// file's start, a stream's first block) is known: a given format as it is; `auto`
    /// decided by the first line that is not blank ([`LogFormat::detect`]). `None` for
    /// `auto` while `head` holds nothing but blank lines (an empty file, a log that
    /// does not exist yet): there is nothing to decide from, and the caller decides
    /// later from the first lines that do arrive, rather than reading them all as
    /// text. Blank lines hold no event in any format, so nothing is lost meanwhile.
    pub fn decide(self, head: &[u8]) -> Option<LogFormat> {
        if self != LogFormat::Auto {
            return Some(self);
        }
        let first = head.iter().position(|b| !b.is_ascii_whitespace())?;
        let line = memchr::memrchr(b'\n', &head[..first]).map_or(0, |i| i + 1);
        let head = &head[line..];
        Some(LogFormat::detect(&head[..head.len().min(DETECT_BYTES)]))
    }

    /// Guesses the format from the first lines of a file (`head`: up to a few KB).
    pub fn detect(head: &[u8]) -> LogFormat {
        let mut lines = head
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| !l.is_empty());
        let Some(first) = lines.next() else {
            return LogFormat::Text;
        };
        if first.starts_with(b"#separator")
            || first.starts_with(b"#fields")
            || std::str::from_utf8(first).is_ok_and(|t| zeek::plain_header(t).is_some())
        {
            return LogFormat::Zeek;
        }
        let json_start = first.iter().position(|&b| b == b'{');
        if first.first() == Some(&b'{') || first.starts_with(b"@cee:") {
            let body = &first[json_start.unwrap_or(0)..];
            let has = |k: &[u8]| memchr::memmem::find(body, k).is_some();
            if has(b"\"event_type\"") {
                return LogFormat::Eve;
            }
            if has(b"\"id.orig_h\"") || has(b"\"ts\"") || has(b"\"uid\"") || has(b"\"fuid\"") {
                return LogFormat::ZeekJson;
            }
            return LogFormat::Eve;
        }
        if combined::looks_like(first) {
            return LogFormat::Combined;
        }
        if syslog::looks_like(first) {
            return LogFormat::Syslog;
        }
        LogFormat::Text
    }
}

/// A format's extractor, with the state it carries between lines (Zeek headers).
#[derive(Debug, Clone)]
pub enum Extractor {
    Eve,
    Zeek(zeek::Tsv),
    ZeekJson,
    Combined,
    Syslog,
    Text,
}

impl Extractor {
    /// The extractor for a (detected) format; `Auto` reads as text.
    pub fn new(format: LogFormat) -> Self {
        match format {
            LogFormat::Eve => Extractor::Eve,
            LogFormat::Zeek => Extractor::Zeek(zeek::Tsv::default()),
            LogFormat::ZeekJson => Extractor::ZeekJson,
            LogFormat::Combined => Extractor::Combined,
            LogFormat::Syslog => Extractor::Syslog,
            LogFormat::Auto | LogFormat::Text => Extractor::Text,
        }
    }

    /// The end (after its newline) of the last line of `region` (whole lines) that
    /// changes the extractor's state, if any: the lines up to there are read first, in
    /// order.
    pub fn header_cut(&self, region: &[u8]) -> Option<usize> {
        match self {
            Extractor::Zeek(tsv) => tsv.header_cut(region),
            _ => None,
        }
    }

    /// The event of one line (no newline). `Ok(None)`: a line with no event (a header,
    /// an empty line).
    pub fn extract<'a>(&mut self, line: &'a [u8]) -> Result<Option<Event<'a>>, Skip> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return Ok(None);
        }
        match self {
            Extractor::Eve => eve::extract(line).map(Some),
            Extractor::Zeek(tsv) => tsv.extract(line),
            Extractor::ZeekJson => zeek::extract_json(line).map(Some),
            Extractor::Combined => match std::str::from_utf8(line) {
                Ok(s) => Ok(Some(combined::extract(s))),
                // A raw byte (a server that does not escape them) must not cost an
                // access log line its fields: read it with the byte replaced. A line
                // of another shape is read as text, as in the other formats.
                Err(_) => {
                    let lossy = String::from_utf8_lossy(line);
                    let ev = combined::extract(&lossy);
                    if ev.time.is_some() {
                        Ok(Some(ev.into_owned()))
                    } else {
                        Ok(Some(valid_parts(line)))
                    }
                }
            },
            Extractor::Syslog => match std::str::from_utf8(line) {
                Ok(s) => syslog::extract(s).map(Some),
                // A JSON message cut inside a character (the line ends in the middle of
                // one) is a cut JSON message too; a bad byte elsewhere is not a cut.
                Err(e)
                    if e.error_len().is_none()
                        && syslog::carries_json(valid_prefix(line, e.valid_up_to())) =>
                {
                    Err(Skip::InvalidUtf8)
                }
                Err(_) => Ok(Some(valid_parts(line))),
            },
            Extractor::Text => match std::str::from_utf8(line) {
                Ok(s) => {
                    let mut ev = Event::new("text");
                    text::extract_into(s, &mut ev);
                    Ok(Some(ev))
                }
                Err(_) => Ok(Some(valid_parts(line))),
            },
        }
    }
}

/// The first `n` bytes of `line`, which are UTF-8.
fn valid_prefix(line: &[u8], n: usize) -> &str {
    line.get(..n)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// A line that is not all UTF-8 (a byte an attacker slipped into a user name or URL
/// must not hide the rest of the line): the generic extractor over each valid part.
fn valid_parts(line: &[u8]) -> Event<'_> {
    let mut ev = Event::new("text");
    for chunk in line.utf8_chunks() {
        text::extract_into(chunk.valid(), &mut ev);
    }
    ev
}

/// A JSON string or nothing: any other JSON value (number, object, ...) reads as `None`
/// instead of failing the line. Borrows from the line when the string has no escapes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Str<'a>(pub Option<Cow<'a, str>>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Some(Cow::Owned(v))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Str(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Str(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Str(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Str(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Str(None))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Str(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Str(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Str(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A list of strings, or one string; other values read as empty.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Strs<'a>(pub Vec<Cow<'a, str>>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Strs<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Strs<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("strings")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Strs(vec![Cow::Borrowed(v)]))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Strs(vec![Cow::Owned(v.to_owned())]))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Strs::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Strs::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Strs::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Strs::default())
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Strs::default())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Str(s)) = a.next_element::<Str<'a>>()? {
                    out.extend(s);
                }
                Ok(Strs(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Strs::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A port: a JSON number (or a string of digits) from 0 to 65535; any other value reads
/// as `None` instead of failing the line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Port(pub Option<u16>);

impl Port {
    /// A port written as text (`443`); `None` for anything else.
    pub fn parse(s: &str) -> Option<u16> {
        s.trim().parse().ok()
    }
}

impl<'de> serde::Deserialize<'de> for Port {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Port;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a port")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Port, E> {
                Ok(Port(u16::try_from(v).ok()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Port, E> {
                Ok(Port(u16::try_from(v).ok()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Port, E> {
                Ok(Port(None))
            }
            fn visit_str<E>(self, v: &str) -> Result<Port, E> {
                Ok(Port(Port::parse(v)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Port, E> {
                Ok(Port(None))
            }
            fn visit_unit<E>(self) -> Result<Port, E> {
                Ok(Port(None))
            }
            fn visit_none<E>(self) -> Result<Port, E> {
                Ok(Port(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Port, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Port(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Port, A::Error> {
                while a
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Port(None))
            }
        }
        d.deserialize_any(V)
    }
}
