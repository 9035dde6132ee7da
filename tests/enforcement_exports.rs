// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The exports for enforcement points, end to end: an RPZ zone is loaded by BIND's own
//! checker, `named-checkzone` (Debian `bind9-utils`; skipped with one line when it is
//! not installed, failing under `CI=true`), and `fetch --format … --type …` writes
//! each format from the mocked sources and says on stderr what it cut.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command as Std;

use common::*;
use intellisiem::export::{self, Format, Replace};
use intellisiem::model::{IndicatorType, Observation, Sighting};
use intellisiem::store::Store;
use wiremock::MockServer;

/// `named-checkzone`, or `None` after saying why the test is skipped (a failure under
/// `CI=true`, where `.ci/run` installs it).
fn named_checkzone() -> Option<&'static str> {
    let found = Std::new("named-checkzone")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("named-checkzone");
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "named-checkzone is not installed under CI=true (Debian bind9-utils)"
    );
    eprintln!("skipped: named-checkzone is not installed (apt-get install bind9-utils)");
    None
}

/// Loads `file` as the zone `origin` with BIND's checks, names checked strictly;
/// panics with BIND's words when it refuses the zone.
fn check_zone(tool: &str, origin: &str, file: &Path) {
    let out = Std::new(tool)
        .args(["-k", "fail", "-n", "fail", "-i", "full", origin])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "named-checkzone refused the zone: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn store_of(items: &[(IndicatorType, String)]) -> Store {
    let mut st = Store::new();
    let id = st.source_id("feed");
    st.replace_source(
        id,
        items
            .iter()
            .map(|(kind, value)| Sighting {
                kind: *kind,
                value: value.as_str().into(),
                obs: Observation::default(),
            })
            .collect(),
    );
    st
}

#[test]
fn an_rpz_export_with_hostile_and_longest_names_loads_in_named_checkzone() {
    let Some(tool) = named_checkzone() else {
        return;
    };
    use IndicatorType as T;
    let longest = format!("{}.exa", ["a"; 92].join("."));
    assert_eq!(longest.len(), export::rpz::NAME_MAX);
    let items = vec![
        (T::Domain, "evil.example".to_string()),
        (T::Domain, "_dmarc.evil.example".into()),
        (T::Domain, "bücher.example".into()),
        (T::Domain, longest.clone()),
        (T::Domain, format!("b{longest}")),
        (T::Domain, format!("{}.example", "c".repeat(64))),
        (T::Domain, "two\nlines.example".into()),
        (T::Domain, "semi;colon.example".into()),
        (T::Domain, "paren(.example".into()),
        (T::Domain, "a\u{202e}b.example".into()),
        (T::Domain, "x.rpz-ip".into()),
        (T::Url, "http://cdn.evil.example:8080/a;b".into()),
        (T::Url, "http://[2001:db8::7]/x".into()),
        (T::Ipv4, "192.0.2.7".into()),
        (T::Ipv6, "2001:db8:0:0:1:0:0:1".into()),
        (T::Cidr, "198.51.100.0/24".into()),
        (T::Cidr, "2001:db8::/32".into()),
        (T::Cidr, "0.0.0.0/0".into()),
        (T::Sha256, "a".repeat(64)),
    ];
    let st = store_of(&items);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.rpz");
    let w = export::write_file(
        &file,
        Format::Rpz,
        &st,
        st.iter().map(|(_, e)| e),
        jiff::Timestamp::now(),
        Replace::Yes,
    )
    .unwrap();
    // The zone loads under a short name and under the longest one the names are kept
    // short enough for.
    check_zone(tool, "rpz.intellisiem", &file);
    let origin = format!("{}.{}", "o".repeat(31), "p".repeat(31));
    assert_eq!(origin.len(), export::rpz::ORIGIN_MAX);
    check_zone(tool, &origin, &file);
    let zone = std::fs::read_to_string(&file).unwrap();
    assert!(zone.contains(&format!("\n*.{longest} CNAME .\n")), "{zone}");
    assert!(zone.contains("\nxn--bcher-kva.example CNAME .\n"));
    assert_eq!(w.count, 10, "{zone}");
    assert_eq!(w.left_out.total(), 9, "{:?}", w.left_out);
    // What was cut is said in the zone's own header.
    let cut = w.left_out.summary().unwrap();
    assert!(zone.contains(&format!("; {cut}\n")), "{zone}");
}

async fn fetch(dir: &Path, server: &MockServer, args: &[&str]) -> (i32, String, String) {
    let cfg = dir.join("config.yaml");
    std::fs::write(&cfg, sample_config(&server.uri())).unwrap();
    let mut cmd = quiet_bin(dir);
    // The fixtures' dates are old (their indicators are kept though decayed), and their
    // documentation names are on the built-in warninglist.
    cmd.args([
        "fetch",
        "--no-cache",
        "--include-decayed",
        "--no-warninglists",
        "--config",
    ])
    .arg(&cfg)
    .args(args);
    let out = output_of(cmd).await;
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_writes_each_enforcement_format_and_says_what_it_cut() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // RPZ: written to a file, loaded by BIND, the cut on stderr.
    let zone = d.join("intel.rpz");
    let (code, _, err) = fetch(
        d,
        &server,
        &["--format", "rpz", "-o", zone.to_str().unwrap()],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let cut_line = err
        .lines()
        .find(|l| l.starts_with("rpz: "))
        .unwrap_or_else(|| panic!("no cut line: {err}"));
    assert!(cut_line.contains(" written; left out "), "{cut_line}");
    assert!(
        cut_line.contains("cve (a policy zone holds names and addresses)"),
        "{cut_line}"
    );
    if let Some(tool) = named_checkzone() {
        check_zone(tool, "rpz.intellisiem", &zone);
    }

    // A Suricata dataset of everything would be several: refused, naming them.
    let (code, out, err) = fetch(d, &server, &["--format", "suricata-dataset"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "nothing written: {out}");
    assert!(
        err.contains("suricata-dataset writes one dataset per file, and these indicators make"),
        "{err}"
    );
    // One type chosen: base64 lines, and the others counted as cut.
    let (code, out, err) = fetch(
        d,
        &server,
        &["--format", "suricata-dataset", "--type", "domain"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    use base64::Engine;
    let values: Vec<String> = out
        .lines()
        .map(|l| {
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(l).unwrap()).unwrap()
        })
        .collect();
    assert!(values.contains(&"evil.example".to_string()), "{values:?}");
    assert!(err.contains(" of other types"), "{err}");
    assert!(err.contains("lowest score kept"), "{err}");
    assert!(err.contains("Suricata dataset type string"), "{err}");

    // IP reputation: the categories file beside the file.
    let rep = d.join("bad.list");
    let (code, _, err) = fetch(
        d,
        &server,
        &[
            "--format",
            "suricata-iprep",
            "--type",
            "ipv4,ipv6,cidr",
            "-o",
            rep.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let cats = d.join("bad.categories.txt");
    assert_eq!(
        std::fs::read_to_string(&cats).unwrap(),
        export::suricata_iprep::CATEGORIES
    );
    assert!(
        err.contains(&format!("categories file: {}", cats.display())),
        "{err}"
    );
    let body = std::fs::read_to_string(&rep).unwrap();
    assert!(body.lines().any(|l| l.starts_with("45.0.0.3,1,")), "{body}");
    // What the choice cut, and the lowest score kept, in the file's own header.
    assert!(
        body.lines().any(|l| l.starts_with("# kept ")
            && l.contains(" of other types)")
            && l.contains("; lowest score kept ")),
        "{body}"
    );
    // On standard output, what the categories file would hold is said instead.
    let (code, _, err) = fetch(d, &server, &["--format", "suricata-iprep"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("no categories file is written to standard output; it holds: 1,intellisiem,"),
        "{err}"
    );

    // A Wazuh list of the addresses only.
    let (code, out, err) = fetch(d, &server, &["--format", "wazuh-cdb", "--type", "ipv4"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().all(|l| l.contains(':') && !l.starts_with('"')),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("45.0.0.3:")), "{out}");

    // An unknown type is a usage error.
    let (code, _, err) = fetch(d, &server, &["--type", "ipv4,host"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown indicator type `host`"), "{err}");
}
