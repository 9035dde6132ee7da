// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The formats for enforcement points, each line checked against the grammar its
//! reader documents: Suricata's dataset and iprep files, Wazuh's CDB list as its list
//! compiler reads it, and the RPZ owner names (one file each). Hostile values never
//! make a broken line.

mod policy_zone;
mod suricata_files;
mod wazuh_lists;

use super::*;
use crate::model::{Observation, Sighting};

pub(super) fn store_of(items: &[(IndicatorType, &str, Option<&str>)]) -> Store {
    let mut st = Store::new();
    let id = st.source_id("feed");
    st.replace_source(
        id,
        items
            .iter()
            .map(|(kind, value, threat)| Sighting {
                kind: *kind,
                value: (*value).into(),
                obs: Observation {
                    threat: threat.map(Into::into),
                    confidence: Some(80),
                    ..Default::default()
                },
            })
            .collect(),
    );
    // Every entry scores 80; none is decayed.
    st.set_scores_for_test(0, |_| 80);
    st
}

/// Every entry of `st` in `format`.
pub(super) fn render(st: &Store, format: Format) -> io::Result<(String, Written)> {
    typed(st, format, "")
}

/// The entries of `types` (`ipv4,domain`; empty: every type) in `format`, what the
/// choice cut said as `fetch` says it.
pub(super) fn typed(st: &Store, format: Format, types: &str) -> io::Result<(String, Written)> {
    let fit = fit::Fit {
        types: types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect(),
        include_decayed: true,
        ..fit::Fit::default()
    };
    let (entries, cut) = fit.apply(st, st.iter().map(|(_, e)| e));
    let opts = Options {
        selected: (cut.total() > 0).then_some(cut),
        ..Options::new(format)
    };
    let mut buf = Vec::new();
    let w = write(
        opts,
        st,
        entries.into_iter(),
        &mut buf,
        Timestamp::from_second(1_767_225_600).unwrap(),
    )?;
    Ok((String::from_utf8(buf).unwrap(), w))
}

use IndicatorType as T;

/// Values that try to break a line, a field or a name.
pub(super) fn hostile() -> Vec<(IndicatorType, String, Option<&'static str>)> {
    let huge = format!("{}.example", "a".repeat(100_000));
    vec![
        (T::Domain, "evil.example".into(), Some("botnet_cc")),
        (T::Domain, "two\nlines.example".into(), Some("x\ny")),
        (T::Domain, "a\u{202e}b.example".into(), None),
        (T::Domain, "bell\x07.example".into(), None),
        (T::Domain, huge.clone(), None),
        (
            T::Domain,
            "bücher.example".into(),
            Some("\"quoted\" threat"),
        ),
        (T::Domain, "x.rpz-ip".into(), None),
        (T::Domain, "semi;colon.example".into(), None),
        (T::Domain, "".into(), None),
        (T::Url, "http://evil.example/a\"b:c".into(), Some("a:b")),
        (T::Url, "http://[2001:db8::7]/x".into(), None),
        (T::Url, format!("http://{huge}/"), None),
        (T::Ipv4, "192.0.2.1\n198.51.100.1".into(), None),
        (T::Ipv4, "192.0.2.9".into(), Some("line\r\nbreak")),
        (T::Ipv6, "2001:db8::1".into(), None),
        (T::Cidr, "198.51.100.0/24".into(), None),
        (T::Cidr, "203.0.113.0/24\n".into(), None),
        (T::Md5, "z".repeat(32), None),
        (T::Md5, "D41D8CD98F00B204E9800998ECF8427E".into(), None),
        (
            T::Sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
            None,
        ),
        (T::Email, "a:b\n@evil.example".into(), None),
        (T::Cve, "CVE-2021-44228".into(), None),
    ]
}

pub(super) fn hostile_store() -> Store {
    let items = hostile();
    let items: Vec<(IndicatorType, &str, Option<&str>)> =
        items.iter().map(|(k, v, t)| (*k, v.as_str(), *t)).collect();
    store_of(&items)
}

/// No line of `text` holds a control character (other than its newline).
pub(super) fn no_raw_controls(text: &str) {
    for line in text.lines() {
        assert!(
            !line.chars().any(crate::model::sanitize::is_unsafe),
            "a raw control in {:?}",
            line.chars().take(80).collect::<String>()
        );
    }
}

#[test]
fn what_the_choice_cut_is_given_back_for_every_format() {
    let st = hostile_store();
    for f in [Format::Jsonl, Format::Csv, Format::Txt, Format::WazuhCdb] {
        let (_, w) = typed(&st, f, "cve").unwrap();
        assert_eq!(w.count, 1, "{f:?}");
        let n = hostile().len();
        assert_eq!(
            w.remarks(),
            Some(format!(
                "kept 1 of {n} indicators (cut: {} of other types); lowest score kept 80",
                n - 1
            )),
            "{f:?}"
        );
    }
    let (out, w) = render(&st, Format::Txt).unwrap();
    assert_eq!((w.count, w.remarks()), (hostile().len(), None));
    assert_eq!(
        out.lines().count(),
        hostile().len(),
        "line breaks in values escaped"
    );
}
