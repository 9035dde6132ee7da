// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem report` through the binary: periods, formats, `-o`, templates, an empty
//! or missing store, and outside strings (a hostile URL and threat name in the store)
//! coming out defanged and escaped in Markdown.

#![allow(clippy::unwrap_used)]

mod report_common;

use assert_cmd::Command;
use report_common::Fixture;

fn report(fx_config: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("intellisiem")
        .unwrap()
        .env("TZ", "UTC")
        .env_remove("INTELLISIEM_CONFIG")
        .arg("--config")
        .arg(fx_config)
        .arg("report")
        .args(args)
        .assert()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

const WEEK: [&str; 4] = ["--from", "2026-11-23", "--to", "2026-11-29"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_defangs_and_escapes_what_came_from_outside() {
    let fx = Fixture::new(1).await;
    let a = report(&fx.config_path, &[&WEEK[..], &["--format", "md"]].concat()).success();
    let md = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(md.contains("## 1. Summary") && md.contains("## 7. Appendix"));
    // The most-hit value is `http://evil.example/a.php?q=<b>x</b>|*y*`, its threat a
    // script tag and a javascript: link.
    assert!(
        md.contains("hxxp://evil\\[\\.\\]example/a\\.php?q=&lt;b&gt;x&lt;/b&gt;\\|\\*y\\*"),
        "{md}"
    );
    assert!(!md.contains("evil.example"), "a live value");
    assert!(!md.contains("<script>") && !md.contains("<b>"));
    assert!(!md.contains("](javascript"));
    assert!(md.contains("&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\[click\\]"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_format_follows_the_flag_else_the_file_name_else_html() {
    let fx = Fixture::new(1).await;
    let path = |name: &str| fx.dir.path().join(name);
    let head = |p: &std::path::Path| std::fs::read(p).unwrap()[..16].to_vec();
    for (name, flag, start) in [
        ("a.pdf", None, &b"%PDF-"[..]),
        ("b.HTML", None, &b"<!doctype html>"[..]),
        ("c.md", None, &b"# IntelliSIEM"[..]),
        ("d.json", None, &b"{"[..]),
        ("e.txt", None, &b"<!doctype html>"[..]),
        ("f.pdf", Some("md"), &b"# IntelliSIEM"[..]),
        ("g.md", Some("pdf"), &b"%PDF-"[..]),
    ] {
        let out = path(name).display().to_string();
        let mut args = WEEK.to_vec();
        args.extend(["-o", &out]);
        if let Some(f) = flag {
            args.extend(["--format", f]);
        }
        report(&fx.config_path, &args).success().stdout("");
        let got = head(&path(name));
        assert!(
            got.starts_with(start),
            "{name}: {:?}",
            String::from_utf8_lossy(&got)
        );
    }
    // Without -o: HTML on standard output; a PDF goes to a pipe as asked.
    let a = report(&fx.config_path, &WEEK).success();
    assert!(a.get_output().stdout.starts_with(b"<!doctype html>"));
    let a = report(&fx.config_path, &[&WEEK[..], &["--format", "pdf"]].concat()).success();
    assert!(a.get_output().stdout.starts_with(b"%PDF-"));
    let letter = path("letter.pdf").display().to_string();
    report(
        &fx.config_path,
        &[&WEEK[..], &["--paper", "letter", "-o", &letter]].concat(),
    )
    .success();
    assert_ne!(
        std::fs::read(path("letter.pdf")).unwrap(),
        std::fs::read(path("a.pdf")).unwrap(),
        "--paper letter made the A4 file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_to_a_file_and_the_filters() {
    let fx = Fixture::new(1).await;
    let out = fx.dir.path().join("brief.json");
    let out_s = out.display().to_string();
    report(
        &fx.config_path,
        &[&WEEK[..], &["--format", "json", "-o", &out_s]].concat(),
    )
    .success()
    .stdout("");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["period"]["from"], "2026-11-23T00:00:00Z");
    assert_eq!(v["period"]["to"], "2026-11-30T00:00:00Z");
    assert_eq!(v["period"]["time_zone"], "UTC");
    assert!(v["summary"]["hits"].as_u64().unwrap() > 0);
    let a = report(
        &fx.config_path,
        &[
            &WEEK[..],
            &[
                "--format", "json", "--source", "feodo", "--sensor", "edge-1",
            ],
        ]
        .concat(),
    )
    .success();
    let f: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(f["sources"], serde_json::json!(["feodo"]));
    assert_eq!(f["sensors"], serde_json::json!(["edge-1"]));
    assert!(f["summary"]["hits"].as_u64().unwrap() < v["summary"]["hits"].as_u64().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_are_one_line_and_exit_2() {
    let fx = Fixture::new(1).await;
    let bad = fx.dir.path().join("tpl");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("report.md"), "{% if %}").unwrap();
    let bad_s = bad.display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--from",
                "2026-02-30",
                "--to",
                "2026-03-01",
                "--format",
                "md",
            ],
            "--from 2026-02-30: not a date",
        ),
        (
            vec![
                "--from",
                "2026-11-29",
                "--to",
                "2026-11-01",
                "--format",
                "md",
            ],
            "the period is empty",
        ),
        (vec!["--since", "7x", "--format", "md"], "--since"),
        (vec!["--source", "nope", "--format", "md"], "--source nope"),
        (
            vec!["--format", "md", "--template", &bad_s],
            "template report.md:",
        ),
        (
            vec!["--format", "md", "--template", "/nonexistent/tpl"],
            "not a folder",
        ),
        (
            vec!["--format", "md", "-o", "/nonexistent/dir/x.md"],
            "does not exist",
        ),
    ];
    for (args, said) in cases {
        let a = report(&fx.config_path, &args).code(2);
        let e = stderr(&a);
        assert!(e.contains(said), "{args:?}: {e}");
        assert_eq!(e.trim_end().lines().count(), 1, "{args:?}: {e}");
    }
    // clap's own: --since with --from.
    report(
        &fx.config_path,
        &[
            "--since",
            "7d",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
        ],
    )
    .code(2);
}

#[test]
fn an_empty_store_makes_an_empty_brief_and_a_missing_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let cfg = dir.path().join("config.yaml");
    std::fs::write(&cfg, intellisiem::report::fixture::config_yaml(&db)).unwrap();
    let a = report(&cfg, &["--format", "json"]).code(2);
    assert!(stderr(&a).contains("no store at"), "{}", stderr(&a));
    assert!(!db.exists(), "the report created no store");
    // A file that is not a store (random bytes, or empty) is named and left as it is.
    for junk in [&b""[..], &b"\x00\x01not a database at all, truncated"[..]] {
        std::fs::write(&db, junk).unwrap();
        let a = report(&cfg, &["--format", "json"]).code(2);
        assert!(stderr(&a).contains("is not a store"), "{}", stderr(&a));
        assert_eq!(std::fs::read(&db).unwrap(), junk, "the file was changed");
        let aside = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(aside, 2, "nothing was moved aside or created");
    }
    std::fs::remove_file(&db).unwrap();
    let (store, _) = intellisiem::store::persist::open(Some(&db));
    drop(store.unwrap());
    let a = report(&cfg, &["--format", "md"]).success();
    let md = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(md.contains("No hits in the period."), "{md}");
    assert!(md.contains("CISA added no entry in the period."));
}
