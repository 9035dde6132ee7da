// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Suricata's dataset and IP reputation files, line by line against the user guide.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ipnet::IpNet;

use super::*;
use crate::model::IndicatorType as T;

/// One line of a dataset load file of `ty`, as Suricata's user guide ("Datasets", "File
/// formats") gives them: one piece of data per line, no comma (a second field makes it
/// a datarep line); `string` base64, `md5`/`sha256` hex, `ipv4`/`ip` an address.
fn dataset_line_ok(ty: &str, line: &str) -> bool {
    !line.is_empty()
        && !line.contains(',')
        && match ty {
            "string" => STANDARD.decode(line).is_ok_and(|d| !d.is_empty()),
            "md5" => line.len() == 32 && line.bytes().all(|b| b.is_ascii_hexdigit()),
            "sha256" => line.len() == 64 && line.bytes().all(|b| b.is_ascii_hexdigit()),
            "ipv4" => line.parse::<std::net::Ipv4Addr>().is_ok(),
            "ip" => line.parse::<IpAddr>().is_ok(),
            _ => false,
        }
}

#[test]
fn a_dataset_file_holds_one_type_in_its_documented_form() {
    let st = store_of(&[
        (T::Domain, "evil.example", None),
        (T::Domain, "xn--bcher-kva.example", None),
        (T::Ipv4, "192.0.2.1", None),
        (T::Ipv6, "2001:db8::1", None),
        (T::Cidr, "198.51.100.0/24", None),
        (T::Md5, "d41d8cd98f00b204e9800998ecf8427e", None),
        (T::Cve, "CVE-2021-44228", None),
    ]);
    let (out, w) = typed(&st, Format::SuricataDataset, "domain").unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines, ["ZXZpbC5leGFtcGxl", "eG4tLWJjaGVyLWt2YS5leGFtcGxl"]);
    assert!(lines.iter().all(|l| dataset_line_ok("string", l)));
    assert_eq!(STANDARD.decode(lines[0]).unwrap(), b"evil.example");
    assert_eq!(w.count, 2);
    assert_eq!(w.notes, ["Suricata dataset type string"]);
    assert_eq!(w.left_out.total(), 0);
    assert_eq!(
        w.remarks().as_deref(),
        Some(
            "kept 2 of 7 indicators (cut: 5 of other types); lowest score kept 80; Suricata dataset type string"
        )
    );

    // IPv4 alone is an `ipv4` set; with IPv6 beside it, an `ip` set.
    let (out, w) = typed(&st, Format::SuricataDataset, "ipv4").unwrap();
    assert_eq!(out, "192.0.2.1\n");
    assert_eq!(w.notes, ["Suricata dataset type ipv4"]);
    let (out, w) = typed(&st, Format::SuricataDataset, "ipv4,ipv6,cidr").unwrap();
    assert!(out.lines().all(|l| dataset_line_ok("ip", l)), "{out}");
    assert_eq!(out.lines().count(), 2);
    assert_eq!(w.notes, ["Suricata dataset type ip"]);
    assert!(
        w.left_out
            .summary()
            .unwrap()
            .contains("1 cidr (datasets match exact values")
    );
    let (out, _) = typed(&st, Format::SuricataDataset, "md5").unwrap();
    assert!(out.lines().all(|l| dataset_line_ok("md5", l)));
}

#[test]
fn a_set_that_would_make_several_datasets_fails_naming_them_before_writing() {
    let st = store_of(&[
        (T::Domain, "evil.example", None),
        (T::Ipv4, "192.0.2.1", None),
        (T::Ipv6, "2001:db8::1", None),
        (T::Sha256, &"a".repeat(64), None),
    ]);
    let mut buf = Vec::new();
    let e = write(
        Format::SuricataDataset,
        &st,
        st.iter().map(|(_, e)| e),
        &mut buf,
        Timestamp::UNIX_EPOCH,
    )
    .unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        e.to_string(),
        "suricata-dataset writes one dataset per file, and these indicators make 3: 1 for --type domain, 2 for --type ipv4,ipv6, 1 for --type sha256; choose one with --type"
    );
    assert!(buf.is_empty(), "nothing written");
}

#[test]
fn hostile_values_make_no_broken_dataset_line() {
    let st = hostile_store();
    for (types, ty) in [
        ("domain", "string"),
        ("url", "string"),
        ("email", "string"),
        ("ipv4", "ipv4"),
        ("ipv4,ipv6", "ip"),
        ("md5", "md5"),
        ("sha256", "sha256"),
    ] {
        let (out, w) = typed(&st, Format::SuricataDataset, types).unwrap();
        for line in out.lines() {
            assert!(dataset_line_ok(ty, line), "{types}: {line:.80}");
        }
        assert_eq!(out.lines().count(), w.count, "{types}");
        no_raw_controls(&out);
    }
    // The empty domain is cut, not written as an empty line (an empty string to Suricata).
    let (_, w) = typed(&st, Format::SuricataDataset, "domain").unwrap();
    assert!(
        w.left_out.summary().unwrap().contains("1 empty value"),
        "{:?}",
        w.left_out
    );
    let (_, w) = typed(&st, Format::SuricataDataset, "md5").unwrap();
    assert_eq!(w.count, 1, "the upper-case digest, lowered");
}

// ---- Suricata iprep ----------------------------------------------------------------

/// The categories file's grammar ("IP Reputation Format"): `<id>,<short name>,<description>`,
/// the id below 60 (Suricata's limit), a short name of up to 31 characters without a comma.
fn categories_ok(text: &str) -> Vec<(u8, String)> {
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.splitn(3, ',').collect();
            assert_eq!(f.len(), 3, "{l}");
            let id: u8 = f[0].parse().unwrap();
            assert!(id < 60, "{l}");
            assert!(!f[1].is_empty() && f[1].len() < 32, "{l}");
            assert!(
                f[1].bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            (id, f[1].to_string())
        })
        .collect()
}

/// Checks a reputation file line by line: `#` comments, then `<ip>,<category>,<score>`
/// with an address or CIDR network, a category of the categories file, a score 1–127.
/// Returns the data lines.
fn reputation_ok(text: &str, categories: &[(u8, String)]) -> Vec<(String, u8, u8)> {
    let mut rows = Vec::new();
    for l in text.lines() {
        if l.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 3, "{l}");
        assert!(
            f[0].parse::<IpAddr>().is_ok() || f[0].parse::<IpNet>().is_ok(),
            "{l}"
        );
        let cat: u8 = f[1].parse().unwrap();
        assert!(categories.iter().any(|(id, _)| *id == cat), "{l}");
        let rep: u8 = f[2].parse().unwrap();
        assert!((1..=127).contains(&rep), "{l}");
        rows.push((f[0].to_string(), cat, rep));
    }
    rows
}

#[test]
fn iprep_lines_follow_the_documented_grammar_with_the_score_as_reputation() {
    let cats = categories_ok(suricata_iprep::CATEGORIES);
    assert_eq!(cats, [(1, "intellisiem".to_string())]);
    let st = store_of(&[
        (T::Ipv4, "192.0.2.1", None),
        (T::Ipv6, "2001:db8::1", None),
        (T::Cidr, "198.51.100.0/24", None),
        (T::Cidr, "0.0.0.0/0", None),
        (T::Domain, "evil.example", None),
    ]);
    // The reputation is the score (each source said confidence 80).
    let mut st = st;
    st.set_scores_for_test(0, |v| match v {
        "192.0.2.1" => 100,
        "2001:db8::1" => 50,
        _ => 0,
    });
    let (out, w) = render(&st, Format::SuricataIprep).unwrap();
    let rows = reputation_ok(&out, &cats);
    assert_eq!(
        rows,
        [
            ("192.0.2.1".to_string(), 1, 127),
            ("2001:db8::1".to_string(), 1, 64),
            ("198.51.100.0/24".to_string(), 1, 1),
        ]
    );
    assert_eq!(w.count, 3);
    assert!(out.starts_with(
        "# IntelliSIEM IP reputation for Suricata (iprep), written 2026-01-01T00:00:00Z\n"
    ));
    assert!(
        out.contains("# left out 2: 1 cidr (prefix length 0: every address); 1 domain (iprep holds addresses only)\n"),
        "{out}"
    );
}

#[test]
fn the_reputation_scales_the_score_into_one_to_127() {
    use suricata_iprep::reputation;
    assert_eq!(reputation(0), 1, "0 is no data to Suricata");
    assert_eq!(reputation(1), 1);
    assert_eq!(reputation(50), 64);
    assert_eq!(reputation(99), 126);
    assert_eq!(reputation(100), 127);
    assert_eq!(reputation(255), 127);
    let mut last = 0;
    for s in 0..=100 {
        assert!(reputation(s) >= last);
        last = reputation(s);
    }
}

#[test]
fn the_categories_file_is_written_beside_the_reputation_file() {
    use suricata_iprep::categories_path;
    assert_eq!(
        categories_path(Path::new("/e/bad.list")),
        Path::new("/e/bad.categories.txt")
    );
    assert_eq!(
        categories_path(Path::new("/e/bad")),
        Path::new("/e/bad.categories.txt")
    );
    assert_eq!(
        categories_path(Path::new("/e/x.categories.txt")),
        Path::new("/e/x.categories.categories.txt")
    );
    let dir = tempfile::tempdir().unwrap();
    let st = store_of(&[(T::Ipv4, "192.0.2.1", None)]);
    let target = dir.path().join("rep.list");
    let all = || st.iter().map(|(_, e)| e);
    let now = Timestamp::UNIX_EPOCH;
    let w = write_file(&target, Format::SuricataIprep, &st, all(), now, Replace::No).unwrap();
    let cats = dir.path().join("rep.categories.txt");
    assert_eq!(
        std::fs::read_to_string(&cats).unwrap(),
        suricata_iprep::CATEGORIES
    );
    assert_eq!(w.notes, [format!("categories file: {}", cats.display())]);
    // Again, with the same categories there: nothing to ask.
    std::fs::remove_file(&target).unwrap();
    write_file(&target, Format::SuricataIprep, &st, all(), now, Replace::No).unwrap();
    // Someone else's file of that name is kept unless replacing was asked for.
    std::fs::write(&cats, "7,mine,Mine\n").unwrap();
    std::fs::remove_file(&target).unwrap();
    let e = write_file(&target, Format::SuricataIprep, &st, all(), now, Replace::No).unwrap_err();
    assert!(
        e.to_string()
            .contains("is not IntelliSIEM's categories file"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&cats).unwrap(), "7,mine,Mine\n");
    assert!(!target.exists(), "nothing written");
    write_file(
        &target,
        Format::SuricataIprep,
        &st,
        all(),
        now,
        Replace::Yes,
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&cats).unwrap(),
        suricata_iprep::CATEGORIES
    );
}

#[test]
fn hostile_values_make_no_broken_iprep_line() {
    let cats = categories_ok(suricata_iprep::CATEGORIES);
    let (out, w) = render(&hostile_store(), Format::SuricataIprep).unwrap();
    let rows = reputation_ok(&out, &cats);
    assert_eq!(rows.len(), w.count);
    assert_eq!(
        rows.len(),
        3,
        "192.0.2.9, 2001:db8::1, 198.51.100.0/24: {out}"
    );
    no_raw_controls(&out);
}
