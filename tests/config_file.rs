// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The config loader with every registered source kind: file, line and field in
//! every error, defaults, environment overrides.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use intellisiem::config::*;
use intellisiem::model::IndicatorType;
use intellisiem::sources::registry::kinds;
use secrecy::ExposeSecret;

fn no_env(_: &str) -> Option<String> {
    None
}

fn parse(yaml: &str) -> Result<Config, ConfigError> {
    Config::from_yaml(yaml, Path::new("cfg.yaml"), &no_env, &kinds()).map(|p| p.config)
}

fn err(yaml: &str) -> String {
    match parse(yaml) {
        Ok(_) => panic!("config should be rejected:\n{yaml}"),
        Err(e) => e.to_string(),
    }
}

const SAMPLE: &str = r#"
api_keys: { alien_vault: "k1", virus_total: "k2" }
cache: { path: none }
http: { timeout: 5s, max_body: 10MiB }
sources:
  - { name: otx, kind: otx, url: "http://127.0.0.1:9/otx/api/v1" }
  - { name: urlhaus, kind: urlhaus, url: "http://127.0.0.1:9/urlhaus/downloads/csv_recent/" }
  - { name: feodo, kind: feodo, url: "http://127.0.0.1:9/feodo/downloads/ipblocklist.json" }
  - { name: threatfox, kind: threatfox, url: "http://127.0.0.1:9/threatfox/export/json/recent/" }
  - { name: kev, kind: cisa_kev, url: "http://127.0.0.1:9/kev/known_exploited_vulnerabilities.json" }
  - { name: phish, kind: plain_list, url: "http://127.0.0.1:9/list/feed.txt", type: url }
  - { name: vt, kind: virustotal, url: "http://127.0.0.1:9/vt/api/v3", watch: ["45.0.0.3", "evil.example"] }
"#;

#[test]
fn the_issue_sample_config_loads() {
    let c = parse(SAMPLE).unwrap();
    assert_eq!(c.sources.len(), 7);
    assert_eq!(c.cache.path, CachePath::Off);
    assert_eq!(c.http.timeout, Duration::from_secs(5));
    assert_eq!(c.http.max_body, 10 << 20);
    assert_eq!(c.keys.otx.as_ref().unwrap().expose_secret(), "k1");
    assert!(c.keys.abuse_ch.is_none());
    let phish = c.source("phish").unwrap();
    assert_eq!(phish.value_type, Some(IndicatorType::Url));
    assert_eq!(c.source("vt").unwrap().watch, ["45.0.0.3", "evil.example"]);
    for s in &c.sources {
        assert_eq!(c.availability(s), Availability::Enabled, "{}", s.name);
        assert_eq!(s.url.host_str(), Some("127.0.0.1"));
    }
}

#[test]
fn template_parses_and_every_source_is_known() {
    let c = parse(TEMPLATE).unwrap();
    assert!(c.sources.len() >= 9);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    // Empty keys in the template mean "not set".
    assert!(!c.keys.any());
    let otx = c.source("otx").unwrap();
    assert!(
        matches!(c.availability(otx), Availability::Disabled(r) if r.contains("INTELLISIEM_OTX_API_KEY"))
    );
}

#[test]
fn builtin_defaults_are_keyless_feeds_with_real_urls() {
    let c = Config::builtin(&no_env, &kinds());
    let enabled: Vec<_> = c
        .sources
        .iter()
        .filter(|s| c.availability(s) == Availability::Enabled)
        .map(|s| s.kind)
        .collect();
    let names: Vec<&str> = enabled.iter().map(|k| k.as_str()).collect();
    assert!(!names.contains(&"otx"));
    assert!(!names.contains(&"virustotal"));
    assert!(names.contains(&"feodo"));
    for s in &c.sources {
        assert_eq!(s.url.scheme(), "https", "{}", s.name);
        assert!(s.refresh >= s.kind.min_refresh());
    }
    let abuse = c.source("urlhaus").unwrap();
    assert!(abuse.refresh >= Duration::from_secs(300));
}

#[test]
fn env_keys_override_the_file_and_enable_sources() {
    let env = |k: &str| match k {
        "INTELLISIEM_OTX_API_KEY" => Some("from-env".to_string()),
        "INTELLISIEM_VT_API_KEY" => Some("  ".to_string()),
        _ => None,
    };
    let c = Config::from_yaml(
        "api_keys: { alien_vault: file-key }\n",
        Path::new("c"),
        &env,
        &kinds(),
    )
    .unwrap()
    .config;
    assert_eq!(c.keys.otx.as_ref().unwrap().expose_secret(), "from-env");
    assert!(c.keys.virustotal.is_none(), "blank env values do not count");
    let otx = c.source("otx").unwrap();
    assert_eq!(c.availability(otx), Availability::Enabled);
}

#[test]
fn misspelt_alient_vault_is_accepted_with_a_warning() {
    let c = parse("api_keys: { alient_vault: abc }\n").unwrap();
    assert_eq!(c.keys.otx.as_ref().unwrap().expose_secret(), "abc");
    assert!(c.warnings.iter().any(|w| w.contains("alient_vault")));
}

#[test]
fn keys_never_show_in_debug_output() {
    let c = parse(SAMPLE).unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("k1"));
    assert!(!format!("{:?}", c.keys).contains("k2"));
}

#[test]
fn errors_name_file_line_and_field() {
    let e = err("sources:\n  - name: a\n    kind: feodo\n    bogus: 1\n");
    assert!(e.starts_with("config cfg.yaml, line 4:"), "{e}");
    assert!(e.contains("unknown field `bogus`"), "{e}");

    let e = err("sources:\n  - name: a\n    kind: nope\n");
    assert!(
        e.contains("line 3") && e.contains("kind") && e.contains("`nope`"),
        "{e}"
    );

    let e = err(
        "sources:\n  - name: a\n    kind: feodo\n  - name: b\n    kind: feodo\n  - name: a\n    kind: feodo\n",
    );
    assert!(
        e.contains("line 6") && e.contains("duplicate source name `a`"),
        "{e}"
    );

    let e = err("sources:\n  - name: a\n    kind: feodo\n    refresh: 5x\n");
    assert!(e.contains("line 4") && e.contains("refresh"), "{e}");

    let e = err("http:\n  max_body: 10 parsecs\n");
    assert!(e.contains("line 2") && e.contains("max_body"), "{e}");

    let e = err("sources:\n  - { name: a, kind: feodo, url: \"ftp://x/y\" }\n");
    assert!(
        e.contains("line 2") && e.contains("url") && e.contains("http://"),
        "{e}"
    );

    let e = err("http:\n  timeout: 30\n");
    assert!(e.contains("timeout") && e.contains("unit"), "{e}");

    let e = err("sources:\n  - { name: a, kind: feodo, watch: [x] }\n");
    assert!(e.contains("`watch`"), "{e}");

    let e = err("sources:\n  - { name: a, kind: plain_list }\n");
    assert!(e.contains("needs a `url`"), "{e}");

    let e = err("sources:\n  - { name: l, kind: plain_list, url: \"http://x/\", type: banana }\n");
    assert!(e.contains("type") && e.contains("banana"), "{e}");

    let e = err("sources:\n  - { name: \"bad name!\", kind: feodo }\n");
    assert!(e.contains("name"), "{e}");

    let e = err("cache: { path: \"\" }\n");
    assert!(e.contains("cache.path"), "{e}");

    let e = err("surprise: 1\n");
    assert!(e.contains("line 1") && e.contains("`surprise`"), "{e}");
}

#[test]
fn errors_are_one_line_and_sanitised() {
    let e = err("sources:\n  - { name: a, kind: feodo, url: \"http://\\e]0;x\\a\" }\n");
    assert!(
        !e.contains('\n') && !e.contains('\x1b') && !e.contains('\x07'),
        "{e:?}"
    );
}

#[test]
fn refresh_below_the_provider_minimum_is_raised_with_a_warning() {
    let c = parse("sources:\n  - { name: f, kind: feodo, refresh: 30s }\n").unwrap();
    assert_eq!(c.sources[0].refresh, Duration::from_secs(300));
    assert!(c.warnings[0].contains("refresh"));
}

#[test]
fn disabled_in_config_says_so() {
    let c = parse("sources:\n  - { name: f, kind: feodo, enabled: false }\n").unwrap();
    assert_eq!(
        c.availability(&c.sources[0]),
        Availability::Disabled("disabled in config".into())
    );
}

#[test]
fn empty_file_means_defaults() {
    let c = parse("").unwrap();
    assert!(c.sources.len() >= 7);
}

#[test]
fn explicit_paths_win_in_lookup() {
    let env = |k: &str| (k == CONFIG_ENV).then(|| "/from/env.yaml".to_string());
    assert_eq!(
        locate(Some(Path::new("/cli.yaml")), &env).unwrap(),
        Some(PathBuf::from("/cli.yaml"))
    );
    assert_eq!(
        locate(None, &env).unwrap(),
        Some(PathBuf::from("/from/env.yaml"))
    );
}

#[cfg(unix)]
#[test]
fn world_readable_file_with_keys_warns() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.yaml");
    std::fs::write(&p, "api_keys: { virus_total: secret }\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    let c = Config::from_file(&p, &no_env, &kinds()).unwrap();
    assert!(
        c.warnings.iter().any(|w| w.contains("chmod 600")),
        "{:?}",
        c.warnings
    );
    assert!(!c.warnings.iter().any(|w| w.contains("secret")));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(
        Config::from_file(&p, &no_env, &kinds())
            .unwrap()
            .warnings
            .is_empty()
    );
}

/// Text forms of the config file: a byte-order mark, CRLF, no final newline and stray
/// blanks change nothing, and an error after a BOM names the right line and field (not
/// "more than one document").
#[test]
fn bom_crlf_and_missing_final_newline_change_nothing() {
    let shape = |c: &Config| -> Vec<(String, String)> {
        c.sources
            .iter()
            .map(|s| (s.name.clone(), s.url.to_string()))
            .collect()
    };
    let plain = parse(SAMPLE).unwrap();
    let crlf = SAMPLE.replace('\n', "\r\n");
    for text in [
        format!("\u{feff}{SAMPLE}"),
        format!("\u{feff}{crlf}"),
        SAMPLE.trim_end().to_string(),
        format!("\u{feff}{}", crlf.trim_end()),
        SAMPLE.replace("\n", "   \n"),
    ] {
        let c = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text:?}"));
        assert_eq!(shape(&c), shape(&plain), "{text:?}");
        assert_eq!(c.http.timeout, plain.http.timeout);
    }
    let bad = "\u{feff}cache: { path: none }\r\nhttp: { timeout: 5 parsecs }\r\n";
    let e = err(bad);
    assert!(e.contains("cfg.yaml, line 2"), "{e}");
    assert!(e.contains("timeout"), "{e}");
    assert!(!e.contains("more than one document"), "{e}");
    // From a file, too.
    let dir = std::env::temp_dir().join(format!("intellisiem-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p: PathBuf = dir.join("config.yaml");
    std::fs::write(&p, format!("\u{feff}{crlf}")).unwrap();
    let c = Config::from_file(&p, &no_env, &kinds()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shape(&c), shape(&plain));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn every_literal_secret_makes_a_readable_file_warn_and_none_is_echoed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for yaml in [
        "cache: { url: \"postgresql://ana@db.example/intel\", password: \"pw-9Zq\" }\n",
        "cache: { url: \"postgresql://ana:pw-9Zq@db.example/intel\" }\n",
        "sources:\n  - { name: isac, kind: taxii, url: \"https://taxii.example/api1/\", collection: \"c1\", auth: { user: ana, password: \"pw-9Zq\" } }\n",
    ] {
        let p = dir.path().join("c.yaml");
        std::fs::write(&p, yaml).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let c = Config::from_file(&p, &no_env, &kinds()).unwrap();
        assert!(
            c.warnings.iter().any(|w| w.contains("chmod 600")),
            "{yaml}: {:?}",
            c.warnings
        );
        assert!(!format!("{:?}", c.warnings).contains("pw-9Zq"));
    }
    // A URL with credentials in an error is shown without them.
    let e = err("http: { proxy: \"ftp://ana:pw-9Zq@proxy.example:21\" }\n");
    assert!(!e.contains("pw-9Zq"), "{e}");
    assert!(e.contains("must start with http"), "{e}");
}

#[test]
fn mouse_capture_is_on_unless_the_config_turns_it_off() {
    assert!(parse("").unwrap().mouse);
    assert!(parse("mouse: true").unwrap().mouse);
    assert!(!parse("mouse: false").unwrap().mouse);
    let e = err("mouse: sometimes");
    assert!(e.contains("mouse"), "{e}");
    assert!(!e.contains('\n'), "{e}");
}

#[test]
fn logs_entries_load_and_their_errors_name_the_line() {
    let c = parse(
        "logs:\n  - { path: /var/log/suricata/eve.json }\n  - { path: '/var/log/zeek/*.log', format: zeek, retro: 50MB }\n",
    )
    .unwrap();
    assert_eq!(c.logs.len(), 2);
    assert_eq!(
        c.logs[1].retro,
        intellisiem::config::Retro::Size(50_000_000)
    );
    assert_eq!(
        c.logs[0].retro,
        intellisiem::config::Retro::Time(std::time::Duration::from_secs(86_400))
    );
    let e = err("sources: []\nlogs:\n  - { path: a.log }\n  - { path: b.log, retro: soon }\n");
    assert!(
        e.contains("line 4") && e.contains("bad retro `soon`"),
        "{e}"
    );
    let e = err("logs:\n  - { path: a.log,\n      format: pcap }\n");
    assert!(
        e.contains("line 3") && e.contains("unknown format `pcap`"),
        "{e}"
    );
    let e = err("logs:\n  - { path: a.log, follow: yes }\n");
    assert!(e.contains("line 2") && e.contains("follow"), "{e}");
    assert!(parse("").unwrap().logs.is_empty(), "no logs by default");
}
