// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The taxii, misp_feed and misp kinds in the config: `config check` validates their
//! fields with file and line, `sources` lists them, and no secret (literal or `env:`)
//! appears in any output.

#![allow(clippy::unwrap_used)]

mod common;

use common::clean_bin;

const PW: &str = "Sup3r-s3cret-pw";
const KEY: &str = "m1spK3yValue0000000000000000000000000000";

fn run(yaml: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let mut cmd = clean_bin(home.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.arg("--config").arg(&cfg).args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

const GOOD: &str = "api_keys:\n  misp: \"env:MISP_KEY\"\nsources:\n  - name: sector\n    kind: taxii\n    url: https://taxii.example/api1/\n    collection: 91a7b528-80eb-42ed-a74d-c6fbd5a26116\n    auth: { user: analyst, password: \"env:TAXII_PW\" }\n  - name: vendor\n    kind: taxii\n    url: https://ti.example/taxii2/root/\n    collection: c2\n    auth: { bearer: \"Sup3r-s3cret-pw\" }\n  - name: osint\n    kind: misp_feed\n    url: https://www.circl.lu/doc/misp/feed-osint/\n    to_ids_only: false\n  - name: ourmisp\n    kind: misp\n    url: https://misp.example/\n    lookback: 7d\n";

#[test]
fn sources_and_config_check_list_the_new_kinds_without_secrets() {
    let env = [("TAXII_PW", PW), ("MISP_KEY", KEY)];
    let (code, out) = run(GOOD, &["sources"], &env);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("taxii") && out.contains("misp_feed") && out.contains("ourmisp"),
        "{out}"
    );
    assert!(
        out.contains("auth: basic") && out.contains("auth: bearer"),
        "{out}"
    );
    assert!(
        out.contains("collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116"),
        "{out}"
    );
    assert!(out.contains("misp: set"), "{out}");
    let (code, check) = run(GOOD, &["config", "check"], &env);
    assert_eq!(code, 0, "{check}");
    for text in [&out, &check] {
        assert!(!text.contains(PW) && !text.contains(KEY), "{text}");
    }
}

#[test]
fn an_unset_env_secret_disables_the_source_and_names_the_variable() {
    let (_, out) = run(GOOD, &["sources"], &[]);
    assert!(
        out.contains("environment variable `TAXII_PW` is not set, or empty"),
        "{out}"
    );
    assert!(out.contains("misp: missing"), "{out}");
    assert!(
        !out.contains(PW.split('-').next().unwrap_or(PW)) || !out.contains(PW),
        "{out}"
    );
}

#[test]
fn bad_fields_are_reported_with_their_line() {
    let cases = [
        (
            "sources:\n  - name: t\n    kind: taxii\n    url: https://t.example/api1/\n",
            "line 3",
            "needs a `collection`",
        ),
        (
            "sources:\n  - name: s\n    kind: sslbl\n    auth: { bearer: x }\n",
            "line 4",
            "field `auth` does not apply to kind `sslbl`",
        ),
        (
            "sources:\n  - name: t\n    kind: taxii\n    url: https://t.example/\n    collection: c\n    auth: { user: u, bearer: x }\n",
            "line 6",
            "either `user` and `password`",
        ),
        (
            "sources:\n  - name: m\n    kind: misp_feed\n    url: https://f.example/\n    to_ids_only: maybe\n",
            "line 5",
            "to_ids_only",
        ),
    ];
    for (yaml, line, msg) in cases {
        let (code, out) = run(yaml, &["config", "check"], &[]);
        assert_ne!(code, 0, "{yaml}");
        assert!(out.contains(line) && out.contains(msg), "{yaml}\n{out}");
    }
}
