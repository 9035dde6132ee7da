// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

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
        r#"{"type":"ipv4","value":"45.0.0.3","sources":["feodo","threatfox"],"first_seen":"2021-01-17T07:44:46Z","last_seen":"2021-01-17T07:44:46Z","threat":"Dridex","tags":[],"confidence":100,"score":0,"references":[],"ports":[443]}"#
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
    let mut rdr = ::csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<::csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
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
    };
    let answer = |service: &str, verdict: Verdict| Enrichment {
        kind: IndicatorType::Domain,
        value: "emotet.example".into(),
        service: service.into(),
        at: Timestamp::from_second(1_700_000_000).unwrap(),
        verdict: Some(verdict),
    };
    st.enrich(answer(
        "virustotal",
        Verdict {
            virustotal: Some(VtStats {
                malicious: 12,
                suspicious: 3,
                harmless: 50,
                undetected: 7,
                ..Default::default()
            }),
            ..Default::default()
        },
    ));
    st.enrich(answer(
        "otx",
        Verdict {
            pulses: Some(crate::model::Pulses {
                count: 2,
                names: vec!["Epoch 5".into()],
            }),
            ..Default::default()
        },
    ));
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
         ports,vt_malicious,vt_suspicious,vt_harmless,vt_undetected,enrichment,score"
    );
    assert_eq!(
        out.lines().last(),
        Some(
            "domain,emotet.example,otx,2021-01-07T06:13:20Z,2021-05-03T00:00:00Z,Emotet,\
             botnet;epoch5,75,https://r.example/1;https://r.example/2,80;8080,12,3,50,7,\
             otx: 2 pulses: Epoch 5; virustotal: 12/72 malicious,0"
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
            Replace::Yes,
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
        Replace::Yes,
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
        Replace::Yes,
    )
    .unwrap();
    assert_eq!(n, 3);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("out.txt")]);
}

#[test]
fn write_file_without_replace_keeps_a_file_that_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.txt");
    std::fs::write(&p, "mine\n").unwrap();
    let st = store();
    let e = write_file(
        &p,
        Format::Txt,
        &st,
        st.iter().map(|(_, e)| e),
        Timestamp::UNIX_EPOCH,
        Replace::No,
    )
    .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "mine\n");
    // Nothing else is left behind; a new name is written.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("out.txt")]);
    let q = dir.path().join("new.txt");
    let n = write_file(
        &q,
        Format::Txt,
        &st,
        st.iter().map(|(_, e)| e),
        Timestamp::UNIX_EPOCH,
        Replace::No,
    )
    .unwrap();
    assert_eq!(
        (n, std::fs::read_to_string(&q).unwrap().lines().count()),
        (3, 3)
    );
}

#[test]
fn a_link_planted_at_the_temporary_name_is_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep\n").unwrap();
    let tmp = dir
        .path()
        .join(format!(".out.txt.tmp-{}", std::process::id()));
    std::os::unix::fs::symlink(&victim, &tmp).unwrap();
    let st = store();
    write_file(
        &dir.path().join("out.txt"),
        Format::Txt,
        &st,
        st.iter().map(|(_, e)| e),
        Timestamp::UNIX_EPOCH,
        Replace::Yes,
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
}
