// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! JSON Lines: one [`Record`] object per line, written field by field into the line's
//! buffer (the bytes `serde_json` writes for a [`Record`], without building one: a
//! million-line export spent a third of its time on the record's lists and strings).

use std::io::{self, Write};

#[cfg(test)]
use super::Record;
use crate::model::time::rfc3339;
use crate::store::set::{Entry, Store};

pub(super) fn write_jsonl<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    defang: bool,
) -> io::Result<usize> {
    let entries: Vec<&Entry> = entries.collect();
    super::lines::write_parallel(&entries, out, |e, buf| {
        if defang {
            let d = super::defang::defang(e.kind, &e.value);
            write_record(store, e, &d, buf);
        } else {
            write_record(store, e, &e.value, buf);
        }
    })
}

/// A JSON string, escaped as `serde_json` escapes it.
fn string(buf: &mut Vec<u8>, s: &str) {
    // Writing a str to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, s);
}

fn strings<'s>(buf: &mut Vec<u8>, items: impl Iterator<Item = &'s str>) {
    buf.push(b'[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        string(buf, s);
    }
    buf.push(b']');
}

fn time(buf: &mut Vec<u8>, t: Option<jiff::Timestamp>) {
    match t {
        Some(t) => {
            buf.push(b'"');
            buf.extend_from_slice(rfc3339(t).as_bytes());
            buf.push(b'"');
        }
        None => buf.extend_from_slice(b"null"),
    }
}

/// One line: `{"type":…,"value":…,"sources":[…],"first_seen":…,"last_seen":…,
/// "threat":…,"tags":[…],"confidence":…,"score":…,"references":[…],"ports":[…]}` and
/// `"enrichment":{"<service>":{…}}` when a look-up service answered, then a newline; `value` is the entry's value as
/// exported (defanged or not).
fn write_record(store: &Store, e: &Entry, value: &str, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b"{\"type\":\"");
    buf.extend_from_slice(e.kind.as_str().as_bytes());
    buf.extend_from_slice(b"\",\"value\":");
    string(buf, value);
    buf.extend_from_slice(b",\"sources\":");
    strings(buf, e.source_ids().map(|id| store.source_name(id)));
    buf.extend_from_slice(b",\"first_seen\":");
    time(buf, e.first_seen());
    buf.extend_from_slice(b",\"last_seen\":");
    time(buf, e.last_seen());
    buf.extend_from_slice(b",\"threat\":");
    match e.threat() {
        Some(t) => string(buf, t),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"tags\":");
    strings(buf, e.tags().into_iter().map(|t| &**t));
    buf.extend_from_slice(b",\"confidence\":");
    match e.confidence() {
        Some(c) => buf.extend_from_slice(c.to_string().as_bytes()),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"score\":");
    buf.extend_from_slice(e.score.to_string().as_bytes());
    buf.extend_from_slice(b",\"references\":");
    strings(buf, e.references().into_iter().map(|t| &**t));
    buf.extend_from_slice(b",\"ports\":[");
    for (i, p) in e.ports().into_iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(p.to_string().as_bytes());
    }
    buf.push(b']');
    if !store.enrichments().is_empty() {
        let answers = super::enrichment(store, e);
        if !answers.is_empty() {
            buf.extend_from_slice(b",\"enrichment\":");
            let _ = serde_json::to_writer(&mut *buf, &answers);
        }
    }
    buf.extend_from_slice(b"}\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IndicatorType, Observation, Sighting, Verdict, VtStats};

    /// The line is byte for byte what `serde_json` writes for the [`Record`].
    #[test]
    fn each_line_is_the_records_json() {
        let mut st = Store::new();
        let a = st.source_id("feodo");
        let b = st.source_id("odd \"name\"\u{7}");
        let obs = |threat: Option<&str>, tags: &[&str], conf, ports: &[u16], secs| Observation {
            first_seen: crate::model::time::Secs::from_second(secs),
            last_seen: crate::model::time::Secs::from_second(secs + 60),
            threat: threat.map(Into::into),
            tags: tags.iter().map(|t| (*t).into()).collect(),
            confidence: conf,
            references: ["https://r.example/\u{1f600}".into()].into_iter().collect(),
            ports: ports.iter().copied().collect(),
        };
        let looked_up = obs(None, &[], None, &[], 1_700_000_000);
        let answer = |service: &str, verdict| crate::model::Enrichment {
            kind: IndicatorType::Url,
            value: "http://a.example/\"q\"\\x".into(),
            service: service.into(),
            at: jiff::Timestamp::from_second(1_700_000_500).unwrap(),
            verdict,
        };
        st.enrich(answer(
            "vt",
            Some(Verdict {
                virustotal: Some(VtStats {
                    malicious: 3,
                    reputation: -7,
                    ..Default::default()
                }),
                threat: Some("Emo\u{7}tet".into()),
                link: Some("https://vt.example/gui/url/1".into()),
                ..Default::default()
            }),
        ));
        st.enrich(answer("otx", None));
        st.replace_source(
            a,
            vec![
                Sighting {
                    kind: IndicatorType::Ipv4,
                    value: "192.0.2.7".into(),
                    obs: obs(
                        Some("Dridex"),
                        &["c2", "tab\there"],
                        Some(75),
                        &[443, 8080],
                        1_700_000_000,
                    ),
                },
                Sighting {
                    kind: IndicatorType::Url,
                    value: "http://a.example/\"q\"\\x".into(),
                    obs: looked_up,
                },
                Sighting {
                    kind: IndicatorType::Domain,
                    value: "bare.example".into(),
                    obs: Observation::default(),
                },
            ],
        );
        st.replace_source(
            b,
            vec![Sighting {
                kind: IndicatorType::Ipv4,
                value: "192.0.2.7".into(),
                obs: obs(
                    Some("QakBot"),
                    &["ünïcode"],
                    Some(90),
                    &[443],
                    1_600_000_000,
                ),
            }],
        );
        let mut n = 0;
        for (_, e) in st.iter() {
            let mut ours = Vec::new();
            write_record(&st, e, &e.value, &mut ours);
            let mut theirs = serde_json::to_vec(&Record::new(&st, e)).unwrap();
            theirs.push(b'\n');
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
            n += 1;
        }
        assert_eq!(n, 3);
        // The answers sit under `enrichment`, apart from the sources, tags and dates.
        let url = st
            .get(
                st.find(IndicatorType::Url, "http://a.example/\"q\"\\x")
                    .unwrap(),
            )
            .unwrap();
        let mut line = Vec::new();
        write_record(&st, url, &url.value, &mut line);
        let j: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(j["enrichment"]["vt"]["virustotal"]["malicious"], 3);
        assert_eq!(j["enrichment"]["vt"]["known"], true);
        assert_eq!(j["enrichment"]["vt"]["answered_at"], "2023-11-14T22:21:40Z");
        assert_eq!(j["enrichment"]["otx"]["known"], false);
        assert_eq!(j["sources"], serde_json::json!(["feodo"]));
        assert_eq!(j["tags"], serde_json::json!([]));
        assert_eq!(j["threat"], serde_json::Value::Null);
        assert_eq!(j["last_seen"], "2023-11-14T22:14:20Z");
    }
}
