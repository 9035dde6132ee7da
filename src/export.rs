// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Writing indicators out: JSON Lines, CSV, a STIX 2.1 bundle, or a plain value list.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;

use crate::model::sanitize::sanitize;
use crate::model::time::rfc3339;
use crate::model::{IndicatorType, VtStats};
use crate::store::columns::{self, Field};
use crate::store::set::{Entry, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Spreadsheet-safe CSV with a header row.
    Csv,
    /// A STIX 2.1 bundle of indicator (and vulnerability) objects.
    Stix,
    /// Values only, one per line (a blocklist).
    Txt,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Stix => "stix",
            Format::Txt => "txt",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Stix => "json",
            Format::Txt => "txt",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Format as clap::ValueEnum>::from_str(s, true)
    }
}

/// One indicator as exported: the merged view of every source's sighting.
#[derive(Serialize)]
pub struct Record<'a> {
    #[serde(rename = "type")]
    pub kind: IndicatorType,
    pub value: &'a str,
    pub sources: Vec<&'a str>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub threat: Option<&'a str>,
    pub tags: Vec<&'a str>,
    pub confidence: Option<u8>,
    pub references: Vec<&'a str>,
    pub ports: Vec<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virustotal: Option<VtStats>,
}

impl<'a> Record<'a> {
    pub fn new(store: &'a Store, e: &'a Entry) -> Self {
        Record {
            kind: e.kind,
            value: &e.value,
            sources: e.source_ids().map(|id| store.source_name(id)).collect(),
            first_seen: e.first_seen().map(rfc3339),
            last_seen: e.last_seen().map(rfc3339),
            threat: e.threat().map(|t| &**t),
            tags: e.tags().into_iter().map(|t| &**t).collect(),
            confidence: e.confidence(),
            references: e.references().into_iter().map(|t| &**t).collect(),
            ports: e.ports(),
            virustotal: e.virustotal(),
        }
    }
}

/// Writes `entries` of `store` in `format`; returns how many were written.
pub fn write<'a, W: Write>(
    format: Format,
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    now: Timestamp,
) -> io::Result<usize> {
    match format {
        Format::Jsonl => write_jsonl(store, entries, out),
        Format::Csv => write_csv(store, entries, out),
        Format::Stix => write_stix(store, entries, out, now),
        Format::Txt => write_txt(entries, out),
    }
}

fn write_jsonl<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
) -> io::Result<usize> {
    let mut w = io::BufWriter::new(out);
    let mut n = 0;
    for e in entries {
        serde_json::to_writer(&mut w, &Record::new(store, e))?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The CSV header: the export names of the column table's columns, in order.
pub fn csv_header() -> impl Iterator<Item = &'static str> {
    columns::exported().map(|(_, name)| name)
}

/// A cell safe to open in a spreadsheet: no raw control characters, and a leading
/// `= + - @` (or tab/CR) is prefixed with `'` so it is not taken as a formula.
pub fn csv_cell(s: &str) -> String {
    let clean = sanitize(s);
    if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{clean}")
    } else {
        clean.into_owned()
    }
}

fn write_csv<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
) -> io::Result<usize> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(csv_header()).map_err(io::Error::other)?;
    let mut n = 0;
    for e in entries {
        let r = Record::new(store, e);
        let row = columns::exported().map(|(c, _)| csv_field(&r, c.field));
        w.write_record(row).map_err(io::Error::other)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The CSV cell of `r` for the column holding `field`.
fn csv_field(r: &Record<'_>, field: Field) -> String {
    let vt = |f: fn(&VtStats) -> u32| {
        r.virustotal
            .as_ref()
            .map(|v| f(v).to_string())
            .unwrap_or_default()
    };
    match field {
        Field::Type => r.kind.as_str().to_string(),
        Field::Value => csv_cell(r.value),
        Field::Sources => csv_cell(&r.sources.join(";")),
        Field::FirstSeen => r.first_seen.clone().unwrap_or_default(),
        Field::LastSeen => r.last_seen.clone().unwrap_or_default(),
        Field::Threat => csv_cell(r.threat.unwrap_or("")),
        Field::Tags => csv_cell(&r.tags.join(";")),
        Field::Confidence => r.confidence.map(|c| c.to_string()).unwrap_or_default(),
        Field::References => csv_cell(&r.references.join(";")),
        Field::Ports => r
            .ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(";"),
        Field::VtMalicious => vt(|v| v.malicious),
        Field::VtSuspicious => vt(|v| v.suspicious),
        Field::VtHarmless => vt(|v| v.harmless),
        Field::VtUndetected => vt(|v| v.undetected),
        // The dashboard's time column; exports keep both times apart instead.
        Field::Seen => r
            .last_seen
            .as_ref()
            .or(r.first_seen.as_ref())
            .cloned()
            .unwrap_or_default(),
    }
}

fn write_txt<'a, W: Write>(entries: impl Iterator<Item = &'a Entry>, out: W) -> io::Result<usize> {
    let mut w = io::BufWriter::new(out);
    let mut n = 0;
    for e in entries {
        w.write_all(sanitize(&e.value).as_bytes())?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The STIX pattern of an indicator; `None` for CVEs, which become vulnerabilities.
pub fn stix_pattern(kind: IndicatorType, value: &str) -> Option<String> {
    let v = value.replace('\\', "\\\\").replace('\'', "\\'");
    Some(match kind {
        IndicatorType::Ipv4 => format!("[ipv4-addr:value = '{v}']"),
        IndicatorType::Ipv6 => format!("[ipv6-addr:value = '{v}']"),
        IndicatorType::Cidr if value.contains(':') => format!("[ipv6-addr:value = '{v}']"),
        IndicatorType::Cidr => format!("[ipv4-addr:value = '{v}']"),
        IndicatorType::Domain => format!("[domain-name:value = '{v}']"),
        IndicatorType::Url => format!("[url:value = '{v}']"),
        IndicatorType::Md5 => format!("[file:hashes.MD5 = '{v}']"),
        IndicatorType::Sha1 => format!("[file:hashes.'SHA-1' = '{v}']"),
        IndicatorType::Sha256 => format!("[file:hashes.'SHA-256' = '{v}']"),
        IndicatorType::Email => format!("[email-addr:value = '{v}']"),
        IndicatorType::Cve => return None,
    })
}

const STIX_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6f3c_1d2e_8a4b_4c5d_9e0f_a1b2_c3d4_e5f6);

/// A stable STIX id: the same indicator gets the same id in every export.
fn stix_id(prefix: &str, kind: IndicatorType, value: &str) -> String {
    let name = format!("{kind}:{value}");
    format!(
        "{prefix}--{}",
        uuid::Uuid::new_v5(&STIX_NAMESPACE, name.as_bytes())
    )
}

fn write_stix<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    now: Timestamp,
) -> io::Result<usize> {
    let now_s = rfc3339(now);
    let mut objects = Vec::new();
    for e in entries {
        let r = Record::new(store, e);
        let created = r.first_seen.clone().unwrap_or_else(|| now_s.clone());
        let mut ext: Vec<serde_json::Value> = r
            .references
            .iter()
            .map(|u| json!({ "source_name": "reference", "url": u }))
            .collect();
        let mut obj = match stix_pattern(e.kind, &e.value) {
            Some(pattern) => {
                let mut o = json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": stix_id("indicator", e.kind, &e.value),
                    "created": created,
                    "modified": now_s,
                    "name": r.value,
                    "indicator_types": ["malicious-activity"],
                    "pattern": pattern,
                    "pattern_type": "stix",
                    "valid_from": created,
                });
                if let Some(c) = r.confidence {
                    o["confidence"] = json!(c);
                }
                o
            }
            None => {
                ext.insert(0, json!({ "source_name": "cve", "external_id": r.value }));
                json!({
                    "type": "vulnerability",
                    "spec_version": "2.1",
                    "id": stix_id("vulnerability", e.kind, &e.value),
                    "created": created,
                    "modified": now_s,
                    "name": r.value,
                })
            }
        };
        if let Some(t) = r.threat {
            obj["description"] = json!(t);
        }
        if !r.tags.is_empty() {
            obj["labels"] = json!(r.tags);
        }
        if !ext.is_empty() {
            obj["external_references"] = json!(ext);
        }
        obj["x_intellisiem_sources"] = json!(r.sources);
        objects.push(obj);
    }
    let n = objects.len();
    let bundle_id = format!(
        "bundle--{}",
        uuid::Uuid::new_v5(&STIX_NAMESPACE, format!("bundle:{now_s}:{n}").as_bytes())
    );
    let bundle = json!({ "type": "bundle", "id": bundle_id, "objects": objects });
    let mut w = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut w, &bundle)?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(n)
}

/// Writes to `path` through a temporary file in the same folder, renamed into place,
/// so a reader never sees half an export. A path that names something other than a
/// regular file (`/dev/stdout`, `/dev/null`, a FIFO) is written straight through, and a
/// symbolic link is followed, never replaced.
pub fn write_file<'a>(
    path: &Path,
    format: Format,
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    now: Timestamp,
) -> io::Result<usize> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    if std::fs::metadata(&target).is_ok_and(|m| !m.is_file()) {
        let f = std::fs::OpenOptions::new().write(true).open(&target)?;
        return write(format, store, entries, f, now);
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let f = std::fs::File::create(&tmp)?;
        let n = write(format, store, entries, &f, now)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)?;
        Ok(n)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, Sighting};

    fn store() -> Store {
        let mut st = Store::new();
        let f = st.source_id("feodo");
        let t = st.source_id("threatfox");
        let sighting = |kind, value: &str, obs| Sighting {
            kind,
            value: value.into(),
            obs,
        };
        st.replace_source(
            f,
            vec![sighting(
                IndicatorType::Ipv4,
                "45.0.0.3",
                Observation {
                    first_seen: crate::model::time::Secs::from_second(1_610_869_486),
                    threat: Some("Dridex".into()),
                    ports: vec![443].into(),
                    confidence: Some(100),
                    ..Default::default()
                },
            )],
        );
        st.replace_source(
            t,
            vec![
                sighting(IndicatorType::Ipv4, "45.0.0.3", Observation::default()),
                sighting(
                    IndicatorType::Url,
                    "http://x.example/=cmd|' /C calc'!A0",
                    Observation {
                        threat: Some("=HYPERLINK(\"http://evil\")".into()),
                        tags: vec!["a\x1b]0;PWNED\x07".into()].into(),
                        ..Default::default()
                    },
                ),
                sighting(IndicatorType::Cve, "CVE-2021-44228", Observation::default()),
            ],
        );
        st
    }

    fn render(format: Format) -> String {
        let st = store();
        let mut buf = Vec::new();
        write(
            format,
            &st,
            st.iter().map(|(_, e)| e),
            &mut buf,
            Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn jsonl_matches_the_design_shape() {
        let out = render(Format::Jsonl);
        let first = out.lines().next().unwrap();
        assert_eq!(
            first,
            r#"{"type":"ipv4","value":"45.0.0.3","sources":["feodo","threatfox"],"first_seen":"2021-01-17T07:44:46Z","last_seen":null,"threat":"Dridex","tags":[],"confidence":100,"references":[],"ports":[443]}"#
        );
        assert_eq!(out.lines().count(), 3);
    }

    #[test]
    fn csv_neutralises_formulas_and_controls() {
        let out = render(Format::Csv);
        assert!(out.starts_with("type,value,sources,"));
        assert!(out.contains("'=HYPERLINK"), "{out}");
        assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
        assert!(out.contains("\\x1b]0;PWNED\\x07"));
        let mut rdr = csv::Reader::from_reader(out.as_bytes());
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[0][2], "feodo;threatfox");
        assert_eq!(&rows[1][1], "http://x.example/=cmd|' /C calc'!A0");
    }

    #[test]
    fn csv_header_and_cells_follow_the_column_table() {
        let mut st = store();
        let otx = st.source_id("otx");
        let obs = Observation {
            first_seen: crate::model::time::Secs::from_second(1_610_000_000),
            last_seen: crate::model::time::Secs::from_second(1_620_000_000),
            threat: Some("Emotet".into()),
            tags: vec!["botnet".into(), "epoch5".into()].into(),
            confidence: Some(75),
            references: vec!["https://r.example/1".into(), "https://r.example/2".into()].into(),
            ports: vec![80, 8080].into(),
            virustotal: Some(Box::new(VtStats {
                malicious: 12,
                suspicious: 3,
                harmless: 50,
                undetected: 7,
                ..Default::default()
            })),
        };
        st.replace_source(
            otx,
            vec![Sighting {
                kind: IndicatorType::Domain,
                value: "emotet.example".into(),
                obs,
            }],
        );
        let mut buf = Vec::new();
        let entries = st.iter().map(|(_, e)| e);
        write(Format::Csv, &st, entries, &mut buf, Timestamp::UNIX_EPOCH).unwrap();
        let out = String::from_utf8(buf).unwrap();
        let header = csv_header().collect::<Vec<_>>().join(",");
        assert_eq!(out.lines().next(), Some(header.as_str()));
        // Exactly as before the column table: scripts read these names and places.
        assert_eq!(
            header,
            "type,value,sources,first_seen,last_seen,threat,tags,confidence,references,\
             ports,vt_malicious,vt_suspicious,vt_harmless,vt_undetected"
        );
        assert_eq!(
            out.lines().last(),
            Some(
                "domain,emotet.example,otx,2021-01-07T06:13:20Z,2021-05-03T00:00:00Z,Emotet,\
                 botnet;epoch5,75,https://r.example/1;https://r.example/2,80;8080,12,3,50,7"
            )
        );
    }

    #[test]
    fn csv_cells() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("+x"), "'+x");
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("safe"), "safe");
    }

    #[test]
    fn stix_bundle_has_indicators_with_patterns() {
        let out = render(Format::Stix);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["type"], "bundle");
        let objs = v["objects"].as_array().unwrap();
        assert_eq!(objs.len(), 3);
        assert_eq!(objs[0]["type"], "indicator");
        assert_eq!(objs[0]["spec_version"], "2.1");
        assert_eq!(objs[0]["pattern"], "[ipv4-addr:value = '45.0.0.3']");
        assert_eq!(objs[0]["pattern_type"], "stix");
        assert!(objs[0]["id"].as_str().unwrap().starts_with("indicator--"));
        assert_eq!(
            objs[1]["pattern"],
            "[url:value = 'http://x.example/=cmd|\\' /C calc\\'!A0']"
        );
        assert_eq!(objs[2]["type"], "vulnerability");
        assert_eq!(
            objs[2]["external_references"][0]["external_id"],
            "CVE-2021-44228"
        );
        // Stable ids across exports.
        assert_eq!(render(Format::Stix), out);
    }

    #[test]
    fn txt_is_values_only() {
        assert_eq!(
            render(Format::Txt),
            "45.0.0.3\nhttp://x.example/=cmd|' /C calc'!A0\nCVE-2021-44228\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn write_file_writes_through_fifos_and_follows_links() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let st = store();
        // A FIFO (like /dev/stdout or /dev/null) is written to, not replaced.
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
            };
            write_file(
                &fifo,
                Format::Txt,
                &st,
                st.iter().map(|(_, e)| e),
                Timestamp::UNIX_EPOCH,
            )
            .unwrap();
            assert_eq!(reader.join().unwrap().lines().count(), 3);
            assert!(
                std::fs::symlink_metadata(&fifo)
                    .unwrap()
                    .file_type()
                    .is_fifo()
            );
        }
        // A symlink stays a symlink; its target gets the export.
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(
            &link,
            Format::Txt,
            &st,
            st.iter().map(|(_, e)| e),
            Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap().lines().count(), 3);
    }

    #[test]
    fn write_file_is_atomic_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        let st = store();
        let n = write_file(
            &p,
            Format::Txt,
            &st,
            st.iter().map(|(_, e)| e),
            Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(n, 3);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("out.txt")]);
    }
}
