// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! CISA's Known Exploited Vulnerabilities catalogue: one `cve` indicator per entry.
//!
//! Besides plain tags (vendor, product, `ransomware`, CWEs), each entry keeps its
//! vendor, product and `dueDate` as MISP-style machine tags (`kev:vendor="..."`,
//! `kev:product="..."`, `kev:due="YYYY-MM-DD"`, see [`machine_tag`]) so the report can
//! tell them apart and list them ([`entry_fields`]).

use serde::Deserialize;

use super::SkipReason;
use super::{BatchBuilder, ParseError, ParsedBatch, lenient};
use crate::config::kind::{KeyUse, KindInfo, minutes};
use crate::model::time::parse_secs;
use crate::model::{IndicatorType, Observation};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vuln {
    #[serde(default, rename = "cveID", deserialize_with = "lenient::opt_string")]
    cve_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    vendor_project: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    product: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    vulnerability_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    date_added: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    due_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    known_ransomware_campaign_use: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    notes: Option<String>,
    #[serde(default, deserialize_with = "lenient::string_list")]
    cwes: Vec<String>,
}

/// Streams `vulnerabilities` into the batch one entry at a time.
pub fn parse(body: &[u8]) -> Result<ParsedBatch, ParseError> {
    let mut b = BatchBuilder::new();
    super::for_each_in_field(body, "vulnerabilities", |v: Vuln| push(&mut b, v))?;
    b.finish_requiring("`cveID`")
}

fn push(b: &mut BatchBuilder, v: Vuln) {
    let Some(id) = v.cve_id else {
        b.skip(SkipReason::MissingField, "cveID");
        return;
    };
    let mut tags = Vec::new();
    for t in [&v.vendor_project, &v.product].into_iter().flatten() {
        tags.extend(b.strings.get(t));
    }
    for (field, value) in [
        ("vendor", &v.vendor_project),
        ("product", &v.product),
        ("due", &v.due_date),
    ] {
        if let Some(value) = value.as_deref().filter(|x| !x.trim().is_empty()) {
            tags.extend(b.strings.get(&machine_tag(field, value.trim())));
        }
    }
    if v.known_ransomware_campaign_use
        .as_deref()
        .is_some_and(|k| k.eq_ignore_ascii_case("known"))
    {
        tags.extend(b.strings.get("ransomware"));
    }
    for c in &v.cwes {
        tags.extend(b.strings.get(c));
    }
    // `notes` holds reference URLs separated by " ; ".
    let references = v
        .notes
        .as_deref()
        .unwrap_or("")
        .split(';')
        .map(str::trim)
        .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
        .filter_map(|r| b.strings.unique(r))
        .collect();
    let obs = Observation {
        first_seen: v.date_added.as_deref().and_then(parse_secs),
        threat: v
            .vulnerability_name
            .as_deref()
            .and_then(|n| b.strings.unique(n)),
        tags: tags.into(),
        references,
        ..Default::default()
    };
    b.push(IndicatorType::Cve, &id, obs);
}

/// The namespace of the entry's machine tags.
const NAMESPACE: &str = "kev:";

/// The machine tag `kev:<field>="<value>"` (MISP taxonomy form), with `"` and `\` in
/// `value` backslash-escaped.
pub fn machine_tag(field: &str, value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{NAMESPACE}{field}=\"{escaped}\"")
}

/// An entry's fields as its tags keep them: vendor, product, due date (`YYYY-MM-DD`),
/// and whether it is used in ransomware campaigns. Fields without a machine tag are
/// `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFields {
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub due: Option<String>,
    pub ransomware: bool,
}

/// Reads [`EntryFields`] back from a sighting's tags.
pub fn entry_fields<'a>(tags: impl IntoIterator<Item = &'a str>) -> EntryFields {
    let mut out = EntryFields::default();
    for t in tags {
        if t == "ransomware" {
            out.ransomware = true;
            continue;
        }
        let Some((field, value)) = t.strip_prefix(NAMESPACE).and_then(|r| r.split_once('=')) else {
            continue;
        };
        let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
            continue;
        };
        let mut plain = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                plain.extend(chars.next());
            } else {
                plain.push(c);
            }
        }
        match field {
            "vendor" => out.vendor = Some(plain),
            "product" => out.product = Some(plain),
            "due" => out.due = Some(plain),
            _ => {}
        }
    }
    out
}

/// The `cisa_kev` kind.
pub static KIND: KindInfo = KindInfo {
    name: "cisa_kev",
    key_use: KeyUse::None,
    default_url: Some(
        "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
    ),
    default_api_url: None,
    default_refresh: minutes(6 * 60),
    min_refresh: minutes(15),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[],
    default_weight: 100,
};

/// The `cisa_kev` kind's driver: one document, read by [`parse`].
pub static DRIVER: super::registry::Dump = super::registry::Dump { info: &KIND, parse };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn parses_the_catalogue() {
        let b = parse(&fixture("cisa_kev/known_exploited_vulnerabilities.json")).unwrap();
        assert_eq!(b.sightings.len(), 2);
        assert_eq!(b.skipped.total(), 1);
        let s = find(&b, "CVE-2021-44228");
        assert_eq!(
            s.obs.threat.as_deref(),
            Some("Apache Log4j2 Remote Code Execution Vulnerability")
        );
        assert!(s.obs.tags.iter().any(|t| &**t == "ransomware"));
        assert!(s.obs.tags.iter().any(|t| &**t == "CWE-20"));
        assert_eq!(s.obs.references.len(), 2);
        let f = entry_fields(s.obs.tags.iter().map(|t| &**t));
        assert_eq!(f.vendor.as_deref(), Some("Apache"));
        assert_eq!(f.product.as_deref(), Some("Log4j2"));
        assert_eq!(f.due.as_deref(), Some("2021-12-24"));
        assert!(f.ransomware);
        assert_eq!(
            s.obs.first_seen.map(crate::model::time::rfc3339).as_deref(),
            Some("2021-12-10T00:00:00Z")
        );
    }

    #[test]
    fn machine_tags_round_trip_quotes_and_backslashes() {
        let tags = [
            machine_tag("vendor", r#"Ex"ample\Corp"#),
            machine_tag("product", "Gate | <way>"),
            "kev:due=unquoted".to_string(),
            "plain".to_string(),
        ];
        let f = entry_fields(tags.iter().map(String::as_str));
        assert_eq!(f.vendor.as_deref(), Some(r#"Ex"ample\Corp"#));
        assert_eq!(f.product.as_deref(), Some("Gate | <way>"));
        assert_eq!(f.due, None);
        assert!(!f.ransomware);
    }

    #[test]
    fn a_catalogue_without_vulnerabilities_is_an_error() {
        assert!(parse(br#"{"title":"x"}"#).is_err());
    }
}
